//! `collections`: `deque` (`deque.rs`), the dict classes
//! `defaultdict`, `OrderedDict` and `Counter` (`dicts.rs`), and
//! `namedtuple` (`namedtuple.rs`), `ChainMap` and the `User*` classes
//! (`user_classes.pyl`, CPython's Python); its submodule `abc` is Python
//! (`python/collections_abc.pyl`).

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;
use crate::runtime::value::Value;

mod deque;
mod dicts;
mod namedtuple;

pub use deque::{as_deque, Deque, End};
pub use dicts::CLASSES as DICT_CLASSES;

const USER_CLASSES: &str = include_str!("user_classes.pyl");

/// The classes `user_classes.pyl` defines.
const USER_CLASS_NAMES: [&str; 4] = ["ChainMap", "UserDict", "UserList", "UserString"];

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
    if USER_CLASS_NAMES.contains(&name) {
        return define_user_classes(interp, module);
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
    if as_collections(interp, module).is_none() {
        return Ok(false);
    }
    interp.import_module("collections.abc")?;
    Ok(true)
}

/// `module` if it is the imported `collections`.
fn as_collections(interp: &Interp, module: &ModuleObject) -> Option<Rc<ModuleObject>> {
    match interp.modules.get("collections") {
        Some(Value::Module(collections)) if std::ptr::eq(&**collections, module) => {
            Some(collections.clone())
        }
        _ => None,
    }
}

/// Runs `user_classes.pyl` in `collections` if it has not run yet, apart
/// from the dict classes: it is as long again, and most programs name
/// neither. Whether it ran now.
fn define_user_classes(interp: &mut Interp, module: &ModuleObject) -> PyResult<bool> {
    let Some(collections) = as_collections(interp, module) else {
        return Ok(false);
    };
    if collections
        .namespace
        .borrow()
        .contains_key(USER_CLASS_NAMES[0])
    {
        return Ok(false);
    }
    let label = "<collections user classes>";
    super::run_bundled_source(interp, &collections, label, USER_CLASSES, Origin::Bundled)?;
    Ok(true)
}

/// Makes the classes written in Python and `namedtuple` if `module` is
/// `collections` and they are not made yet (before something lists the
/// module). Whether they were made now.
pub fn complete_module(interp: &mut Interp, module: &ModuleObject) -> PyResult<bool> {
    let Some(collections) = as_collections(interp, module) else {
        return Ok(false);
    };
    let user_classes_made = define_user_classes(interp, module)?;
    if collections
        .namespace
        .borrow()
        .contains_key(dicts::CLASSES[0])
    {
        return Ok(user_classes_made);
    }
    dicts::install(interp, &collections)?;
    namedtuple::install(interp, &collections)?;
    Ok(true)
}
