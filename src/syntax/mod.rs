//! The syntax side: source text to a resolved-ready AST. Knows nothing of
//! runtime values.

pub mod ast;
pub mod error;
pub mod fstring;
pub mod layout;
pub mod lexer;
pub mod parser;
pub mod span;
#[cfg(test)]
mod tests;
pub mod token;
