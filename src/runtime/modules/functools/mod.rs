//! The `functools` module, in Python. What CPython writes in C
//! (`partial`, `reduce`, the core of `lru_cache`, `cmp_to_key`) is
//! `native.pyl`, whose frames are left out of tracebacks as C leaves
//! none; what CPython writes in Python (`update_wrapper`, `wraps`,
//! `lru_cache`'s decorator, `total_ordering`, `cached_property`) is
//! `python.pyl`, whose frames show, as CPython's `functools.py`'s do.

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::builtins::add_function;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::{BoundMethod, ModuleObject};
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

const NATIVE: &str = include_str!("native.pyl");
const PYTHON: &str = include_str!("python.pyl");

pub fn create(interp: &mut Interp) -> PyResult<Rc<ModuleObject>> {
    let module = super::new_module("functools");
    add_function(&module.namespace, "_bind", bind);
    add_function(&module.namespace, "_function_dict", function_dict);
    super::run_bundled_source(interp, &module, "<functools>", NATIVE, Origin::BundledForC)?;
    super::run_bundled_source(interp, &module, "<functools>", PYTHON, Origin::Bundled)?;
    Ok(module)
}

/// `_bind(function, receiver)`: `function` bound to `receiver` as a
/// method (`types.MethodType`), for `_lru_cache_wrapper.__get__`.
fn bind(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let [function, receiver] = args else {
        return Err(interp.type_error("_bind expected 2 arguments"));
    };
    let method = Rc::new(BoundMethod {
        receiver: receiver.clone(),
        function: function.clone(),
    });
    crate::runtime::cycles::track_method(&method);
    Ok(Value::BoundMethod(method))
}

/// `_function_dict(object)`: a copy of a function's attributes (what
/// CPython's `function.__dict__` holds), `None` for anything else.
fn function_dict(
    interp: &mut Interp,
    args: &[Value],
    _kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let Some(Value::Function(function)) = args.first() else {
        return Ok(Value::None);
    };
    let pairs = (function.attributes.borrow().iter())
        .map(|(name, value)| (Value::str(&**name), value.clone()))
        .collect();
    let table = interp.dict_from_pairs(pairs)?;
    Ok(Value::dict(table))
}
