//! From the resolved AST to the code the evaluator runs.

pub mod ir;
pub mod lower;
mod syntax_warnings;
