//! The evaluator: the statement machine that runs frames, the expression
//! tree-walker, and calls.

pub mod call;
pub mod expr;
pub mod frame;
mod matching;
