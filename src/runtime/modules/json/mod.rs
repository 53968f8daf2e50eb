//! The `json` module. Its Python face — argument binding, the checks
//! CPython makes before it encodes or decodes, `JSONDecodeError` — is
//! `prelude.pyl`, CPython's own code; the work is Rust: `encode.rs` (the
//! encoder, in CPython's C encoder's or its Python encoder's manner, as
//! CPython would pick) and `decode.rs` (CPython's C scanner).

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::builtins::add_function;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;

mod decode;
mod encode;

const PRELUDE: &str = include_str!("prelude.pyl");

/// The source name of the prelude in tracebacks.
const PRELUDE_NAME: &str = "<json prelude>";

pub fn create(interp: &mut Interp) -> PyResult<Rc<ModuleObject>> {
    let module = super::new_module("json");
    add_function(&module.namespace, "_encode", encode::encode);
    add_function(&module.namespace, "_scan", decode::scan);
    super::run_bundled_source(interp, &module, PRELUDE_NAME, PRELUDE, Origin::Bundled)?;
    Ok(module)
}
