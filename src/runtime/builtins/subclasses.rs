//! Subclasses of the builtin types (`class L(list)`, `class Name(str)`):
//! their instances are [`Instance`]s that carry the builtin value they
//! are (`Instance::builtin`), made by the type's own `__new__`, which
//! takes the class to make as its first argument. The type's methods
//! take such an instance for their receiver and work on that value
//! (`Value::builtin_value`); the interpreter reaches them through the
//! class, as it does a user class's methods, so a subclass's overrides
//! come first.
//!
//! As in CPython, `list`, `dict` and `set` fill a new value in
//! `__init__`, which a subclass may override, and their `__new__` makes
//! it empty; the immutable types make the whole value in `__new__`.

use std::rc::Rc;

use super::add_method;
use super::mappings::{table_from, update_from};
use crate::runtime::dict::Dict;
use crate::runtime::error::{PyErr, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, Instance};
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

pub fn install(interp: &mut Interp) {
    let types = &interp.types;
    add_method(&types.list, "__init__", list_init);
    add_method(&types.dict, "__init__", dict_init);
    add_method(&types.set, "__init__", set_init);
}

/// The class a builtin type's `__new__` is asked to make (its first
/// argument): `None` for the type itself, else a subclass of it, with
/// CPython's TypeErrors for anything else.
pub fn subtype_to_make(
    interp: &Interp,
    builtin: &Rc<Class>,
    args: &[Value],
) -> PyResult<Option<Rc<Class>>> {
    let name = &builtin.name;
    match args.first() {
        Some(Value::Type(class)) if Rc::ptr_eq(class, builtin) => Ok(None),
        Some(Value::Type(class)) if !class.is_subclass_of(builtin) => {
            Err(interp.type_error(format!(
                "{name}.__new__({0}): {0} is not a subtype of {name}",
                class.name
            )))
        }
        // `int.__new__(bool)`: a bool is not an int's instance.
        Some(Value::Type(class)) => match class.builtin_base() {
            Some(base) if Rc::ptr_eq(base, builtin) => Ok(Some(class.clone())),
            _ => Err(interp.type_error(format!(
                "{name}.__new__({}) is not safe, use {}.__new__()",
                class.name,
                class.builtin_base().map_or(name, |base| &base.name)
            ))),
        },
        Some(other) => Err(interp.type_error(format!(
            "{name}.__new__(X): X is not a type object ({})",
            interp.type_name(other)
        ))),
        None => Err(interp.type_error(format!("{name}.__new__(): not enough arguments"))),
    }
}

/// `value` as `__new__` returns it for `subclass` (see [`subtype_to_make`]).
pub fn made(subclass: Option<Rc<Class>>, value: Value) -> Value {
    match subclass {
        None => value,
        Some(class) => {
            let instance = Rc::new(Instance::of_builtin_subclass(class, value));
            crate::runtime::cycles::track_instance(&instance);
            Value::Instance(instance)
        }
    }
}

/// CPython's error for a slot wrapper's receiver of another type.
pub(crate) fn init_receiver_error(interp: &Interp, class: &str, args: &[Value]) -> PyErr {
    match args.first() {
        None => interp.type_error(format!(
            "descriptor '__init__' of '{class}' object needs an argument"
        )),
        Some(other) => interp.type_error(format!(
            "descriptor '__init__' requires a '{class}' object but received a '{}'",
            interp.type_name(other)
        )),
    }
}

/// `list.__init__(self, iterable=())`: the items of `iterable`, in place
/// of the list's.
fn list_init(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let Some(Value::List(list)) = args.first().map(Value::builtin_value) else {
        return Err(init_receiver_error(interp, "list", args));
    };
    super::args::check_count(interp, "list", &args[1..], kwargs, 0, 1)?;
    let items = match args.get(1) {
        Some(iterable) => interp.collect(iterable)?,
        None => Vec::new(),
    };
    *list.borrow_mut() = items.into();
    Ok(Value::None)
}

/// `dict.__init__(self, other=(), **kwargs)`: `update`.
fn dict_init(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let Some(Value::Dict(dict)) = args.first().map(Value::builtin_value) else {
        return Err(init_receiver_error(interp, "dict", args));
    };
    super::args::check_count(interp, "dict", &args[1..], &[], 0, 1)?;
    update_from(interp, dict, args.get(1), kwargs)?;
    Ok(Value::None)
}

/// `set.__init__(self, iterable=())`: the items of `iterable`, in place
/// of the set's.
fn set_init(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let Some(Value::Set(set)) = args.first().map(Value::builtin_value) else {
        return Err(init_receiver_error(interp, "set", args));
    };
    super::args::check_count(interp, "set", &args[1..], kwargs, 0, 1)?;
    let table = match args.get(1) {
        Some(iterable) => table_from(interp, iterable)?.into_inner(),
        None => Dict::new_set(),
    };
    *set.borrow_mut() = table;
    Ok(Value::None)
}
