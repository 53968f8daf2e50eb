//! `collections.namedtuple` (`namedtuple.pyl`), made when the program
//! first names it.

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::builtins::add_function;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

const SOURCE: &str = include_str!("namedtuple.pyl");

pub const NAME: &str = "namedtuple";

pub fn install(interp: &mut Interp, module: &Rc<ModuleObject>) -> PyResult<()> {
    add_function(&module.namespace, "_tuple_new_function", tuple_new_function);
    super::super::run_bundled_source(interp, module, "<collections>", SOURCE, Origin::Bundled)
}

/// `_tuple_new_function(typename, arg_list, defaults)`: CPython's
/// generated `__new__`, `lambda _cls, x, y: _tuple_new(_cls, (x, y))`,
/// compiled in a namespace of its own as CPython's `eval` of it, its last
/// parameters taking `defaults`. The fields were checked to be
/// identifiers, not keywords.
fn tuple_new_function(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [Value::Str(typename), Value::Str(arg_list), Value::Tuple(defaults)] = args else {
        return Err(interp.type_error("_tuple_new_function(typename, arg_list, defaults)"));
    };
    let namespace = super::super::new_module(&format!("namedtuple_{}", typename.as_str()));
    let tuple_new = interp.types.tuple.lookup("__new__").unwrap_or(Value::None);
    let mut names = namespace.namespace.borrow_mut();
    names.insert("_tuple_new".into(), tuple_new);
    let fields: Vec<&str> = arg_list.as_str().split(',').map(str::trim).collect();
    let first_default = fields.len().saturating_sub(defaults.len());
    let mut parameters = Vec::new();
    for (i, field) in fields.iter().filter(|field| !field.is_empty()).enumerate() {
        match i.checked_sub(first_default) {
            Some(d) => {
                let name = format!("_default_{d}");
                names.insert(name.as_str().into(), defaults[d].clone());
                parameters.push(format!("{field}={name}"));
            }
            None => parameters.push(field.to_string()),
        }
    }
    drop(names);
    let source = format!(
        "__new__ = lambda _cls, {}: _tuple_new(_cls, ({}))\n",
        parameters.join(", "),
        arg_list.as_str()
    );
    super::super::run_bundled_source(interp, &namespace, "<string>", &source, Origin::Program)?;
    let function = namespace.namespace.borrow().get("__new__").cloned();
    Ok(function.unwrap_or(Value::None))
}
