//! The `typing` module: CPython's is Python, and so is pyl's
//! (`prelude.pyl`, the run-time part of CPython 3.11's `typing.py`).

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;

const PRELUDE: &str = include_str!("prelude.pyl");

pub fn create(interp: &mut Interp) -> PyResult<Rc<ModuleObject>> {
    let module = super::new_module("typing");
    super::run_bundled_source(interp, &module, "<typing>", PRELUDE, Origin::Bundled)?;
    Ok(module)
}
