//! `types.MappingProxyType`: a read-only view of a mapping — a class's
//! `__dict__` (and `vars(cls)`), or any mapping given to its constructor.
//! It reads through to what it views at every use, so it sees later
//! changes, and has no way to write.

use std::rc::Rc;

use super::builtins::add_method;
use super::error::PyResult;
use super::interp::Interp;
use super::object::{Class, NativeFn, NativeObject};
use super::value::Value;
use crate::syntax::ast::Name;

pub enum MappingProxy {
    /// A class's names (CPython's `type.__dict__`).
    Class(Rc<Class>),
    /// `MappingProxyType(mapping)`.
    Mapping(Value),
}

impl NativeObject for MappingProxy {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("mappingproxy")
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        Some(self.render(interp))
    }
}

impl MappingProxy {
    /// `mappingproxy({...})`.
    fn render(&self, interp: &mut Interp) -> PyResult<String> {
        let mapping = self.mapping(interp)?;
        Ok(format!("mappingproxy({})", interp.repr(&mapping)?))
    }

    /// What it views, now: a class's names as a new dict, the mapping
    /// itself.
    fn mapping(&self, interp: &mut Interp) -> PyResult<Value> {
        match self {
            MappingProxy::Class(class) => interp.namespace_dict(&class.namespace.borrow()),
            MappingProxy::Mapping(mapping) => Ok(mapping.clone()),
        }
    }
}

/// Methods that read the mapping viewed and ask it the same.
macro_rules! forwarding {
    ($($name:literal),*) => {
        [$((
            $name,
            (|interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]| {
                forward(interp, args, kwargs, $name)
            }) as NativeFn,
        )),*]
    };
}

pub fn install(interp: &mut Interp) {
    let class = interp.native_class("mappingproxy");
    add_method(&class, "__new__", proxy_new);
    let methods = forwarding![
        "__getitem__",
        "__len__",
        "__iter__",
        "__reversed__",
        "__contains__",
        "__eq__",
        "__or__",
        "__ror__",
        "__str__",
        "get",
        "keys",
        "values",
        "items",
        "copy"
    ];
    for (name, func) in methods {
        add_method(&class, name, func);
    }
    // A slot of its own, as CPython's: pprint picks its printer by it.
    add_method(&class, "__repr__", proxy_repr);
    (class.namespace.borrow_mut()).insert("__hash__".into(), Value::None);
}

/// `MappingProxyType(mapping)`: of anything with `__getitem__` but a list
/// or a tuple, as CPython's `mappingproxy_check_mapping`.
fn proxy_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    super::builtins::args::check_count(interp, "mappingproxy", &args[1..], kwargs, 1, 1)?;
    let mapping = &args[1];
    let is_mapping = !matches!(mapping.builtin_value(), Value::List(_) | Value::Tuple(_))
        && interp.lookup_special(mapping, "__getitem__").is_some();
    if !is_mapping {
        return Err(interp.type_error(format!(
            "mappingproxy() argument must be a mapping, not {}",
            interp.type_name(mapping)
        )));
    }
    Ok(Value::native(Rc::new(MappingProxy::Mapping(
        mapping.clone(),
    ))))
}

/// `proxy.__repr__()`.
fn proxy_repr(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    use super::builtins::dunders::{arity_error, slot_receiver_error};
    let Some(proxy) = as_proxy(args) else {
        return Err(slot_receiver_error(
            interp,
            "mappingproxy",
            "__repr__",
            args,
        ));
    };
    if args.len() != 1 || !kwargs.is_empty() {
        return Err(arity_error(interp, "__repr__", args, kwargs, 0));
    }
    Ok(Value::str(proxy.render(interp)?))
}

/// The receiver, `args[0]`, if it is a proxy.
fn as_proxy(args: &[Value]) -> Option<&MappingProxy> {
    match args.first() {
        Some(Value::Native(native)) => native.downcast_ref::<MappingProxy>(),
        _ => None,
    }
}

/// The proxy a method of `mappingproxy` was called on.
fn receiver<'a>(interp: &Interp, args: &'a [Value], method: &str) -> PyResult<&'a MappingProxy> {
    as_proxy(args).ok_or_else(|| {
        super::builtins::sequences::receiver_error(interp, "mappingproxy", method, args)
    })
}

/// `proxy.method(*args)` as `mapping.method(*args)`.
fn forward(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
    method: &str,
) -> PyResult<Value> {
    let mapping = receiver(interp, args, method)?.mapping(interp)?;
    let function = interp.get_attr(&mapping, method)?;
    // Another proxy, as an operand, is what it views.
    let mut operands = Vec::with_capacity(args.len() - 1);
    for operand in &args[1..] {
        operands.push(match operand {
            Value::Native(native) if let Some(other) = native.downcast_ref::<MappingProxy>() => {
                other.mapping(interp)?
            }
            other => other.clone(),
        });
    }
    interp.call(&function, &operands, kwargs)
}
