//! The runtime side: values and objects, their protocols, the builtins and
//! the built-in modules. Knows nothing of syntax beyond names and spans.

pub mod arith;
pub mod asyncio;
pub mod attributes;
pub mod builtins;
pub mod cell;
pub mod clock;
pub mod codecs;
pub mod cycles;
pub mod dict;
pub mod error;
pub mod exceptions;
pub mod files;
pub mod finalize;
pub mod format;
pub mod generator;
pub mod generic_alias;
pub mod heap;
pub mod interp;
pub mod interrupt;
pub mod iterators;
pub mod limits;
pub mod mapping_proxy;
pub mod memory;
pub mod metaclass;
pub mod modules;
pub mod object;
pub mod ops;
pub mod output;
pub mod sandbox;
pub mod slots;
pub mod suggestions;
pub mod traceback;
pub mod union;
pub mod value;
pub mod warnings;
