//! The `dataclasses` module: CPython's is Python, and so is pyl's
//! (`prelude.pyl`, CPython 3.11's `dataclasses.py` with the methods it
//! generates by `exec` made as closures instead).

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;

const PRELUDE: &str = include_str!("prelude.pyl");

pub fn create(interp: &mut Interp) -> PyResult<Rc<ModuleObject>> {
    let module = super::new_module("dataclasses");
    super::run_bundled_source(interp, &module, "<dataclasses>", PRELUDE, Origin::Bundled)?;
    Ok(module)
}
