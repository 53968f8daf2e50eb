//! The `itertools` module, in Python (`prelude.pyl`) that stands for
//! CPython's C module: its frames are left out of tracebacks, as C
//! leaves none.

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;

const PRELUDE: &str = include_str!("prelude.pyl");

pub fn create(interp: &mut Interp) -> PyResult<Rc<ModuleObject>> {
    let module = super::new_module("itertools");
    super::run_bundled_source(interp, &module, "<itertools>", PRELUDE, Origin::BundledForC)?;
    Ok(module)
}
