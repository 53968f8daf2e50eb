//! `collections`: `deque` (`deque.rs`) and the dict classes
//! `defaultdict`, `OrderedDict` and `Counter` (`dicts.rs`).

use std::rc::Rc;

use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;

mod deque;
mod dicts;

pub use deque::{as_deque, Deque, End};

pub fn create(interp: &mut Interp) -> PyResult<Rc<ModuleObject>> {
    let module = super::new_module("collections");
    deque::install(interp, &module);
    dicts::install(interp, &module)?;
    Ok(module)
}
