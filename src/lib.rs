//! pyl: an interpreter for a faithful subset of Python 3.11.
//!
//! The pipeline: [`syntax`] (tokens, layout, grammar, AST) → [`resolve`] →
//! [`compile`] (lowering to statement-level code) → [`eval`], on the
//! [`runtime`] (values, objects, builtins, modules). [`diagnostics`]
//! renders errors; [`run`] ties the stages together for the command line.
// No unsafe code, but in `runtime::heap` (the allocator that counts the
// heap for `--limit-memory`; why it must be unsafe is written there).
#![deny(unsafe_code)]

pub mod compile;
pub mod diagnostics;
pub mod eval;
pub mod golden;
pub mod repl;
pub mod resolve;
pub mod run;
pub mod runtime;
pub mod syntax;
