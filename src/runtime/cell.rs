//! A closure's cells as a program sees them: `f.__closure__`, a tuple of
//! `cell` objects whose `cell_contents` is the variable's value.

use std::cell::RefCell;
use std::rc::Rc;

use super::error::{ExcType, PyResult};
use super::interp::Interp;
use super::object::{CellRef, Class, Function, NativeObject};
use super::value::Value;

/// `function.__closure__`: `None` without free variables, else a cell for
/// each, in the order of their names (CPython's `co_freevars`). A method
/// that names `super` or `__class__` has CPython's `__class__` cell, which
/// pyl keeps as the function's defining class.
pub fn closure(function: &Function) -> Value {
    let mut named: Vec<(&str, CellRef)> = (function.code.free_names.iter())
        .map(|name| &**name)
        .zip(function.closure.iter().cloned())
        .collect();
    if function.code.mentions_super {
        if let Some(class) = function.defining_class.borrow().clone() {
            named.push(("__class__", Rc::new(RefCell::new(Some(Value::Type(class))))));
        }
    }
    if named.is_empty() {
        return Value::None;
    }
    named.sort_by_key(|(name, _)| *name);
    let cells = named
        .into_iter()
        .map(|(_, cell)| Value::native(Rc::new(CellObject { cell })))
        .collect();
    Value::tuple(cells)
}

struct CellObject {
    cell: CellRef,
}

impl NativeObject for CellObject {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("cell")
    }

    fn get_attribute(&self, interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        if name != "cell_contents" {
            return None;
        }
        let contents = self.cell.borrow().clone();
        Some(contents.ok_or_else(|| interp.error(ExcType::ValueError, "Cell is empty")))
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        let address = Rc::as_ptr(&self.cell) as usize;
        let contents = self.cell.borrow().clone();
        Some(Ok(match contents {
            None => format!("<cell at {address:#x}: empty>"),
            Some(value) => format!(
                "<cell at {address:#x}: {} object at {:#x}>",
                interp.type_name(&value),
                value.address()
            ),
        }))
    }
}
