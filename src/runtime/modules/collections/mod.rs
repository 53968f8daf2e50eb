//! `collections`: `deque` (`deque.rs`), the dict classes
//! `defaultdict`, `OrderedDict` and `Counter` (`dicts.rs`), and
//! `namedtuple` (`namedtuple.rs`); its submodule `abc` is Python
//! (`python/collections_abc.pyl`).

use std::rc::Rc;

use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;
use crate::runtime::value::Value;

mod deque;
mod dicts;
mod namedtuple;

pub use deque::{as_deque, Deque, End};

pub fn create(interp: &mut Interp) -> PyResult<Rc<ModuleObject>> {
    let module = super::new_module("collections");
    deque::install(interp, &module);
    Ok(module)
}

/// Makes the dict classes and `namedtuple` when the program first names
/// one: asyncio imports `collections` for `deque`, and compiling their
/// Python would cost every asyncio program 4 M instructions. Whether they
/// were made now.
pub fn define_lazily(interp: &mut Interp, module: &ModuleObject, name: &str) -> PyResult<bool> {
    if name == "abc" {
        return define_abc(interp, module);
    }
    if !dicts::CLASSES.contains(&name) && name != namedtuple::NAME {
        return Ok(false);
    }
    complete_module(interp, module)
}

/// `collections.abc` read before the program imported it: CPython has it
/// then unless started with `-S` (`site` imports it, and so do asyncio,
/// typing, logging, traceback and dataclasses), so pyl imports it now.
/// Whether it did.
fn define_abc(interp: &mut Interp, module: &ModuleObject) -> PyResult<bool> {
    match interp.modules.get("collections") {
        Some(Value::Module(collections)) if std::ptr::eq(&**collections, module) => {}
        _ => return Ok(false),
    }
    interp.import_module("collections.abc")?;
    Ok(true)
}

/// Makes the dict classes and `namedtuple` if `module` is `collections`
/// and they are not made yet (before something lists the module).
/// Whether they were made now.
pub fn complete_module(interp: &mut Interp, module: &ModuleObject) -> PyResult<bool> {
    let collections = match interp.modules.get("collections") {
        Some(Value::Module(collections)) if std::ptr::eq(&**collections, module) => {
            collections.clone()
        }
        _ => return Ok(false),
    };
    if collections
        .namespace
        .borrow()
        .contains_key(dicts::CLASSES[0])
    {
        return Ok(false);
    }
    dicts::install(interp, &collections)?;
    namedtuple::install(interp, &collections)?;
    Ok(true)
}
