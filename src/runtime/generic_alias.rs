//! `list[int]`: what subscripting a generic class makes (PEP 585's
//! `types.GenericAlias`), for annotations. It stands for its class: calls
//! and attributes go to the class, `isinstance` refuses it.

use std::rc::Rc;

use super::attributes::MethodWrapper;
use super::builtins::{add_method, function};
use super::error::PyResult;
use super::interp::Interp;
use super::object::{Class, NativeObject};
use super::value::Value;
use crate::syntax::ast::Name;

pub struct GenericAlias {
    origin: Rc<Class>,
    args: Vec<Value>,
}

impl NativeObject for GenericAlias {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("GenericAlias")
    }

    fn get_attribute(&self, interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        Some(match name {
            "__origin__" => Ok(Value::Type(self.origin.clone())),
            "__args__" => Ok(Value::tuple(self.args.clone())),
            "__parameters__" => self.parameters(interp).map(Value::tuple),
            // Its own, from its class.
            "__class__" | "__mro_entries__" => return None,
            // Everything else is the class's, as CPython's `ga_getattro`.
            _ => interp.get_attr(&Value::Type(self.origin.clone()), name),
        })
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        Some(self.render(interp))
    }
}

impl GenericAlias {
    fn render(&self, interp: &mut Interp) -> PyResult<String> {
        let args = if self.args.is_empty() {
            // `tuple[()]`
            "()".to_string()
        } else {
            let mut items = Vec::with_capacity(self.args.len());
            for arg in &self.args {
                items.push(type_repr(interp, arg)?);
            }
            items.join(", ")
        };
        let origin = type_repr(interp, &Value::Type(self.origin.clone()))?;
        Ok(format!("{origin}[{args}]"))
    }

    /// The type variables among its arguments, and theirs, each once: an
    /// argument with `__typing_subst__` is one (`typing.TypeVar`'s), one
    /// with `__parameters__` has some.
    fn parameters(&self, interp: &mut Interp) -> PyResult<Vec<Value>> {
        let mut parameters: Vec<Value> = Vec::new();
        for arg in &self.args {
            if matches!(arg, Value::Type(_)) {
                continue;
            }
            let found = if attribute(interp, arg, "__typing_subst__")?.is_some() {
                vec![arg.clone()]
            } else {
                match attribute(interp, arg, "__parameters__")? {
                    Some(Value::Tuple(inner)) => inner.to_vec(),
                    _ => Vec::new(),
                }
            };
            for parameter in found {
                if !parameters.iter().any(|p| p.is(&parameter)) {
                    parameters.push(parameter);
                }
            }
        }
        Ok(parameters)
    }
}

/// `arg.name`, or `None` where it has none — a generic alias among the
/// arguments answers for its class, whose `AttributeError` means none.
fn attribute(interp: &mut Interp, arg: &Value, name: &str) -> PyResult<Option<Value>> {
    match interp.get_attr_opt(arg, name) {
        Err(error) if interp.is_instance_of(&error, super::error::ExcType::AttributeError) => {
            Ok(None)
        }
        found => found,
    }
}

/// How a type shows inside a generic alias or a union, as CPython's
/// `ga_repr_item`: `...`, a class by its qualified name (`int`,
/// `collections.deque`), anything else by its repr.
pub fn type_repr(interp: &mut Interp, value: &Value) -> PyResult<String> {
    match value {
        Value::Ellipsis => Ok("...".into()),
        Value::Type(class) => Ok(match &*class.module_name() {
            "builtins" => interp.qualname_of(class),
            module => format!("{module}.{}", interp.qualname_of(class)),
        }),
        _ => interp.repr(value),
    }
}

pub fn generic_alias(value: &Value) -> Option<&GenericAlias> {
    match value {
        Value::Native(native) => native.downcast_ref::<GenericAlias>(),
        _ => None,
    }
}

pub fn install(interp: &mut Interp) {
    let class = interp.define_module_class("GenericAlias", "types");
    add_method(&class, "__new__", alias_new);
    add_method(&class, "__call__", alias_call);
    add_method(&class, "__getitem__", alias_getitem);
    add_method(&class, "__eq__", alias_eq);
    add_method(&class, "__hash__", alias_hash);
    add_method(&class, "__mro_entries__", alias_mro_entries);
    add_method(&class, "__instancecheck__", alias_instancecheck);
    add_method(&class, "__subclasscheck__", alias_subclasscheck);
    let types = &interp.types;
    for class in [
        &types.list,
        &types.dict,
        &types.set,
        &types.frozenset,
        &types.tuple,
        &types.type_,
    ] {
        make_generic(class);
    }
}

/// Gives `class` (and its subclasses) `__class_getitem__`, a class
/// method, so that `class[…]` makes an alias.
pub fn make_generic(class: &Rc<Class>) {
    let class_getitem = MethodWrapper {
        function: function("__class_getitem__", class_getitem),
        is_classmethod: true,
    };
    class.namespace.borrow_mut().insert(
        "__class_getitem__".into(),
        Value::native(Rc::new(class_getitem)),
    );
}

/// `types.GenericAlias(origin, args)`, which a class's
/// `__class_getitem__ = classmethod(GenericAlias)` calls.
fn alias_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("GenericAlias() takes no keyword arguments"));
    }
    match &args[1.min(args.len())..] {
        [Value::Type(origin), key] => Ok(new_alias(origin.clone(), key)),
        [_, _] => Err(interp.error(
            super::error::ExcType::NotImplementedError,
            "a types.GenericAlias of what is not a class is not supported by pyl",
        )),
        given => Err(interp.type_error(format!(
            "GenericAlias expected 2 arguments, got {}",
            given.len()
        ))),
    }
}

/// `cls[args]`: the alias of `cls` with `args` (a tuple for several).
fn class_getitem(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let (Some(Value::Type(origin)), Some(key)) = (args.first(), args.get(1)) else {
        return Err(interp.type_error("__class_getitem__() takes exactly one argument"));
    };
    Ok(new_alias(origin.clone(), key))
}

fn new_alias(origin: Rc<Class>, key: &Value) -> Value {
    let args = match key {
        Value::Tuple(items) => items.to_vec(),
        other => vec![other.clone()],
    };
    Value::native(Rc::new(GenericAlias { origin, args }))
}

fn receiver<'a>(interp: &Interp, args: &'a [Value]) -> PyResult<&'a GenericAlias> {
    (args.first().and_then(generic_alias))
        .ok_or_else(|| interp.type_error("descriptor requires a 'types.GenericAlias' object"))
}

/// `list[int](…)` makes a list; the alias is noted on what accepts
/// attributes (`__orig_class__`), as CPython does.
fn alias_call(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let alias = receiver(interp, args)?;
    let origin = Value::Type(alias.origin.clone());
    let object = interp.call(&origin, &args[1..], kwargs)?;
    if let Err(error) = interp.set_attr(&object, "__orig_class__", args[0].clone()) {
        let refused = interp.is_instance_of(&error, super::error::ExcType::AttributeError)
            || interp.is_instance_of(&error, super::error::ExcType::TypeError);
        if !refused {
            return Err(error);
        }
    }
    Ok(object)
}

/// `list[T][int]`: its type variables replaced, in order.
fn alias_getitem(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let alias = receiver(interp, args)?;
    let parameters = alias.parameters(interp)?;
    if parameters.is_empty() {
        let shown = alias.render(interp)?;
        return Err(interp.type_error(format!("{shown} is not a generic class")));
    }
    let items = match &args[1] {
        Value::Tuple(items) => items.to_vec(),
        other => vec![other.clone()],
    };
    if items.len() != parameters.len() {
        let shown = alias.render(interp)?;
        let many = if items.len() > parameters.len() {
            "many"
        } else {
            "few"
        };
        return Err(interp.type_error(format!(
            "Too {many} arguments for {shown}; actual {}, expected {}",
            items.len(),
            parameters.len()
        )));
    }
    let mut substituted = Vec::with_capacity(alias.args.len());
    for arg in &alias.args {
        substituted.push(match parameters.iter().position(|p| p.is(arg)) {
            Some(index) => match attribute(interp, arg, "__typing_subst__")? {
                Some(subst) => interp.call(&subst, std::slice::from_ref(&items[index]), &[])?,
                None => items[index].clone(),
            },
            None => substitute_inner(interp, arg, &parameters, &items)?,
        });
    }
    Ok(Value::native(Rc::new(GenericAlias {
        origin: alias.origin.clone(),
        args: substituted,
    })))
}

/// An argument that has type variables of its own (`list[T]` inside
/// `dict[str, list[T]]`) subscripted with what replaces them.
fn substitute_inner(
    interp: &mut Interp,
    arg: &Value,
    parameters: &[Value],
    items: &[Value],
) -> PyResult<Value> {
    if matches!(arg, Value::Type(_)) {
        return Ok(arg.clone());
    }
    let Some(Value::Tuple(own)) = attribute(interp, arg, "__parameters__")? else {
        return Ok(arg.clone());
    };
    if own.is_empty() {
        return Ok(arg.clone());
    }
    let replacements = (own.iter())
        .map(|p| {
            let index = parameters.iter().position(|q| q.is(p)).unwrap_or(0);
            items[index].clone()
        })
        .collect();
    interp.get_item(arg, &Value::tuple(replacements))
}

fn alias_eq(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let (Some(a), Some(b)) = (
        args.first().and_then(generic_alias),
        args.get(1).and_then(generic_alias),
    ) else {
        return Ok(Value::NotImplemented);
    };
    if !Rc::ptr_eq(&a.origin, &b.origin) || a.args.len() != b.args.len() {
        return Ok(Value::from(false));
    }
    for (x, y) in a.args.iter().zip(&b.args) {
        if !interp.eq(x, y)? {
            return Ok(Value::from(false));
        }
    }
    Ok(Value::from(true))
}

fn alias_hash(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let alias = receiver(interp, args)?;
    let origin = Value::Type(alias.origin.clone()).identity_hash();
    let args = interp.hash(&Value::tuple(alias.args.clone()))?;
    Ok(Value::Int(origin ^ args))
}

/// As a base class, `list[int]` is `list`.
fn alias_mro_entries(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let alias = receiver(interp, args)?;
    Ok(Value::tuple(vec![Value::Type(alias.origin.clone())]))
}

fn alias_instancecheck(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Err(interp.type_error("isinstance() argument 2 cannot be a parameterized generic"))
}

fn alias_subclasscheck(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Err(interp.type_error("issubclass() argument 2 cannot be a parameterized generic"))
}
