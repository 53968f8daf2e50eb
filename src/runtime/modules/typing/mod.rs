//! The `typing` module: CPython's is Python, and so is pyl's
//! (`prelude.pyl`, the run-time part of CPython 3.11's `typing.py`).

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::builtins::add_function;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

const PRELUDE: &str = include_str!("prelude.pyl");

pub fn create(interp: &mut Interp) -> PyResult<Rc<ModuleObject>> {
    let module = super::new_module("typing");
    add_function(&module.namespace, "_module_globals", module_globals);
    super::run_bundled_source(interp, &module, "<typing>", PRELUDE, Origin::Bundled)?;
    Ok(module)
}

/// A copy of the names of the module `obj` was defined in — a function's
/// globals, a class's module, a module's own — which `get_type_hints`
/// reads forward references from (CPython's `__globals__`, or
/// `sys.modules[cls.__module__].__dict__`); empty for anything else.
fn module_globals(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let module = match args.first() {
        Some(Value::Function(function)) => Some(function.globals.clone()),
        Some(Value::Module(module)) => Some(module.clone()),
        Some(Value::Type(class)) => match interp.modules.get(&*class.module) {
            Some(Value::Module(module)) => Some(module.clone()),
            _ => None,
        },
        _ => None,
    };
    let pairs = match module {
        Some(module) => (module.namespace.borrow().iter())
            .map(|(name, value)| (Value::str(&**name), value.clone()))
            .collect(),
        None => Vec::new(),
    };
    Ok(Value::dict(interp.dict_from_pairs(pairs)?))
}
