//! `object`'s methods: what every class inherits. `repr()`, `str()`,
//! attribute access, comparisons, `hash()`, `format()` and instantiation
//! take the same paths directly when a class has no method of its own;
//! these are what `super()` and explicit calls (`object.__init__(self)`,
//! `super().__new__(cls)`) reach.

use std::rc::Rc;

use super::add_method;
use crate::runtime::attributes::MethodWrapper;
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::getset::{GetSet, GetSetKind};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, Layout, NativeFn};
use crate::runtime::slots::Member;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

pub fn install(interp: &mut Interp) {
    let object = interp.types.object.clone();
    add_method(&object, "__repr__", object_repr);
    add_method(&object, "__str__", object_str);
    add_method(&object, "__getattribute__", object_getattribute);
    add_method(&object, "__setattr__", object_setattr);
    add_method(&object, "__delattr__", object_delattr);
    add_method(&object, "__init__", object_init);
    for (name, func) in OBJECT_COMPARISONS {
        add_method(&object, name, func);
    }
    add_method(&object, "__hash__", object_hash);
    add_method(&object, "__format__", object_format);
    add_method(&object, "__dir__", object_dir);
    add_method(&object, "__getstate__", object_getstate);
    for (name, func) in UNSUPPORTED {
        add_method(&object, name, func);
    }
    let (name, class) = GetSet::entry(GetSetKind::Class, &Rc::downgrade(&object), &object.name);
    let mut namespace = object.namespace.borrow_mut();
    namespace.insert(name, class);
    // What every builtin type finds as its `__doc__`: pyl has none of
    // CPython's docstrings.
    namespace.insert("__doc__".into(), Value::None);
    drop(namespace);
    // A static method, as CPython's: `super().__new__(cls)` passes the
    // class itself.
    let new = MethodWrapper {
        function: super::method(&object, "__new__", object_new),
        is_classmethod: false,
    };
    (object.namespace.borrow_mut()).insert("__new__".into(), Value::native(Rc::new(new)));
    let subclasshook = MethodWrapper {
        function: super::function("__subclasshook__", object_subclasshook),
        is_classmethod: true,
    };
    (object.namespace.borrow_mut()).insert(
        "__subclasshook__".into(),
        Value::native(Rc::new(subclasshook)),
    );
    let init_subclass = MethodWrapper {
        function: super::function("__init_subclass__", object_init_subclass),
        is_classmethod: true,
    };
    (object.namespace.borrow_mut()).insert(
        "__init_subclass__".into(),
        Value::native(Rc::new(init_subclass)),
    );
}

/// The receiver of a method called through its class (`object.__repr__(x)`).
pub fn receiver(interp: &Interp, args: &[Value]) -> PyResult<Value> {
    args.first()
        .cloned()
        .ok_or_else(|| interp.type_error("descriptor needs an argument"))
}

fn object_repr(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let value = receiver(interp, args)?;
    no_arguments(interp, args, kwargs)?;
    Ok(Value::str(match &value {
        Value::Instance(instance) => interp.default_instance_repr(instance, &value),
        other => format!(
            "<{} object at {:#x}>",
            interp.type_name(other),
            other.address()
        ),
    }))
}

fn object_str(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let value = receiver(interp, args)?;
    no_arguments(interp, args, kwargs)?;
    Ok(Value::str(match &value {
        Value::Instance(_) => interp.repr(&value)?,
        other => interp.to_str(other)?,
    }))
}

/// A slot wrapper that takes nothing but its receiver, in CPython's words.
fn no_arguments(interp: &Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<()> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("wrapper takes no keyword arguments"));
    }
    match args.len() {
        1 => Ok(()),
        given => Err(interp.type_error(format!("expected 0 arguments, got {}", given - 1))),
    }
}

/// The name argument of `object.__getattribute__` and its kin.
/// `method` takes `count` arguments, the receiver first.
fn attribute_name(interp: &Interp, method: &str, args: &[Value], count: usize) -> PyResult<Name> {
    if args.is_empty() {
        return Err(interp.type_error(format!(
            "descriptor '{method}' of 'object' object needs an argument"
        )));
    }
    if args.len() != count {
        let expected = count - 1;
        let plural = if expected == 1 { "" } else { "s" };
        // CPython's `__setattr__` wrapper counts with `PyArg_UnpackTuple`
        // under an empty function name: its message starts with a space.
        let unnamed = if method == "__setattr__" { " " } else { "" };
        return Err(interp.type_error(format!(
            "{unnamed}expected {expected} argument{plural}, got {}",
            args.len() - 1
        )));
    }
    super::functions::attribute_name(interp, &args[1]).map(Name::from)
}

fn object_getattribute(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let name = attribute_name(interp, "__getattribute__", args, 2)?;
    match interp.generic_get_attr(&args[0], &name)? {
        Some(value) => Ok(value),
        None => Err(interp.missing_attribute(&args[0], &name)),
    }
}

fn object_setattr(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let name = attribute_name(interp, "__setattr__", args, 3)?;
    interp.generic_set_attr(&args[0], &name, args[2].clone())?;
    Ok(Value::None)
}

fn object_delattr(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let name = attribute_name(interp, "__delattr__", args, 2)?;
    interp.generic_del_attr(&args[0], &name)?;
    Ok(Value::None)
}

/// Whether `value` is the builtin function `func` (unbound).
fn is_builtin(value: &Value, func: NativeFn) -> bool {
    matches!(value, Value::Builtin(builtin)
        if builtin.receiver.is_none() && std::ptr::fn_addr_eq(builtin.func, func))
}

/// `object.__eq__` and kin: identity, else `NotImplemented` (`__ne__`
/// inverts the class's `__eq__`).
const OBJECT_COMPARISONS: [(&str, NativeFn); 6] = [
    ("__eq__", object_eq),
    ("__ne__", object_ne),
    ("__lt__", object_not_implemented),
    ("__le__", object_not_implemented),
    ("__gt__", object_not_implemented),
    ("__ge__", object_not_implemented),
];

/// Whether a comparison method is `object`'s: comparing with it is what
/// `rich_compare` does when no class has a say, with no call.
pub fn is_object_comparison(method: &Value) -> bool {
    OBJECT_COMPARISONS
        .iter()
        .any(|&(_, func)| is_builtin(method, func))
}

/// The receiver and the other operand of a binary dunder called directly.
fn operands<'a>(
    interp: &Interp,
    name: &str,
    args: &'a [Value],
) -> PyResult<(&'a Value, &'a Value)> {
    match args {
        [receiver, other] => Ok((receiver, other)),
        [] => Err(interp.type_error(format!(
            "descriptor '{name}' of 'object' object needs an argument"
        ))),
        _ => Err(interp.type_error(format!("expected 1 argument, got {}", args.len() - 1))),
    }
}

fn object_eq(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let (receiver, other) = operands(interp, "__eq__", args)?;
    Ok(if receiver.is(other) {
        Value::from(true)
    } else {
        Value::NotImplemented
    })
}

fn object_ne(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let (receiver, other) = operands(interp, "__ne__", args)?;
    let equal = match interp.lookup_special(receiver, "__eq__") {
        Some(eq) if !is_builtin(&eq, object_eq) => {
            interp.call_bound(&eq, receiver, std::slice::from_ref(other), &[])?
        }
        _ if receiver.is(other) => Value::from(true),
        _ => Value::NotImplemented,
    };
    match equal {
        Value::NotImplemented => Ok(equal),
        other => Ok(Value::from(!interp.truthy(&other)?)),
    }
}

fn object_not_implemented(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    operands(interp, "comparison", args)?;
    Ok(Value::NotImplemented)
}

/// `object.__hash__`: the identity's, as `hash()` gives an instance
/// without a `__hash__` of its own.
fn object_hash(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let value = receiver(interp, args)?;
    no_arguments(interp, args, kwargs)?;
    Ok(Value::Int(value.identity_hash()))
}

/// Whether a class's `__hash__` is `object`'s: hashing by identity, with no call.
pub fn is_object_hash(method: &Value) -> bool {
    is_builtin(method, object_hash)
}

/// `object.__format__(spec)`: `str(self)` for an empty spec, as
/// `format()` does for a value with no `__format__` of its own.
fn object_format(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [value, spec] = args else {
        return Err(interp.type_error(format!(
            "object.__format__() takes exactly one argument ({} given)",
            args.len().saturating_sub(1)
        )));
    };
    let Value::Str(spec) = spec else {
        return Err(interp.type_error(format!(
            "__format__() argument must be str, not {}",
            interp.argument_type_name(spec)
        )));
    };
    Ok(Value::str(interp.default_format(value, spec.as_str())?))
}

/// `object.__getstate__()` (3.11's `object_getstate_default`): the
/// instance's `__dict__`, `None` when empty, paired with the values of
/// its set slots when its classes have any.
fn object_getstate(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let Some(value) = args.first() else {
        return Err(interp.type_error("unbound method object.__getstate__() needs an argument"));
    };
    if !kwargs.is_empty() {
        return Err(interp.type_error("object.__getstate__() takes no keyword arguments"));
    }
    if args.len() > 1 {
        return Err(interp.type_error(format!(
            "object.__getstate__() takes no arguments ({} given)",
            args.len() - 1
        )));
    }
    let Value::Instance(instance) = value else {
        return Ok(Value::None);
    };
    let slots = slot_names(&instance.class);
    let in_dict = |key: &Value| {
        key.as_str()
            .is_some_and(|key| !slots.iter().any(|s| &**s == key))
    };
    let state = if instance.class.instances_have_dict() && instance.own_keys().iter().any(in_dict) {
        interp.check_instance_dict(instance, value)?;
        Value::Dict(instance.dict())
    } else {
        Value::None
    };
    let set_slots: Vec<(Value, Value)> = (slots.iter())
        .filter_map(|name| Some((Value::str(&**name), instance.own(name)?)))
        .collect();
    if set_slots.is_empty() {
        return Ok(state);
    }
    let slots = interp.dict_from_pairs(set_slots)?;
    Ok(Value::tuple(vec![state, Value::dict(slots)]))
}

/// The names of the slots of `class` and its bases (CPython's
/// `copyreg._slotnames`), kept in the class as `__slotnames__` the
/// first time, as CPython keeps them.
fn slot_names(class: &Rc<Class>) -> Vec<Name> {
    if let Some(Value::List(cached)) = class.namespace.borrow().get("__slotnames__") {
        let cached = cached.borrow();
        return (cached.iter())
            .filter_map(|name| Some(Name::from(name.as_str()?)))
            .collect();
    }
    let mut names: Vec<Name> = Vec::new();
    if class.has_slots {
        for c in class.mro() {
            let namespace = c.namespace.borrow();
            names.extend(namespace.values().filter_map(|value| match value {
                Value::Native(native) => Some(native.downcast_ref::<Member>()?.name.clone()),
                _ => None,
            }));
        }
    }
    if &*class.module != "builtins" {
        let cached = names.iter().map(|name| Value::str(&**name)).collect();
        (class.namespace.borrow_mut()).insert("__slotnames__".into(), Value::list(cached));
    }
    names
}

/// `object`'s methods that pyl has only by name, so that `dir()` lists
/// them: there is no `pickle` (the `copy` module copies without
/// `__reduce__`), and pyl's objects do not have CPython's sizes.
const UNSUPPORTED: [(&str, NativeFn); 3] = [
    ("__reduce__", object_reduce),
    ("__reduce_ex__", object_reduce_ex),
    ("__sizeof__", object_sizeof),
];

fn object_reduce(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Err(unsupported(
        interp,
        "object.__reduce__",
        "there is no pickle",
    ))
}

fn object_reduce_ex(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Err(unsupported(
        interp,
        "object.__reduce_ex__",
        "there is no pickle",
    ))
}

fn object_sizeof(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Err(unsupported(
        interp,
        "object.__sizeof__",
        "its objects' sizes are not CPython's",
    ))
}

fn unsupported(interp: &Interp, what: &str, why: &str) -> PyErr {
    interp.error(
        ExcType::NotImplementedError,
        format!("{what} is not supported by pyl ({why})"),
    )
}

/// Whether a class's `__str__` is `object`'s.
pub fn is_object_str(method: &Value) -> bool {
    is_builtin(method, object_str)
}

/// Whether a class's `__format__` is `object`'s.
pub fn is_object_format(method: &Value) -> bool {
    is_builtin(method, object_format)
}

/// `object.__dir__`: the names `dir()` sorts.
fn object_dir(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let value = receiver(interp, args)?;
    Ok(Value::list(super::functions::attribute_names(
        interp, &value,
    )))
}

/// `object.__init_subclass__()`: nothing, and no keyword arguments.
fn object_init_subclass(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    if let ([Value::Type(class)], false) = (args, kwargs.is_empty()) {
        return Err(interp.type_error(format!(
            "{}.__init_subclass__() takes no keyword arguments",
            class.qualname.borrow()
        )));
    }
    if args.len() > 1 {
        return Err(interp.type_error(format!(
            "object.__init_subclass__() takes no arguments ({} given)",
            args.len() - 1
        )));
    }
    Ok(Value::None)
}

/// Whether a class's `__init_subclass__` is `object`'s.
pub fn is_object_init_subclass(hook: &Value) -> bool {
    wrapped_builtin(hook, object_init_subclass)
}

/// The `__setattr__` of `class`, unless it is `object`'s: a function, or
/// a builtin made its method (`__setattr__ = dict.__setitem__`).
pub fn own_setattr(class: &Rc<Class>) -> Option<Value> {
    (class.lookup("__setattr__")).filter(|setattr| !is_builtin(setattr, object_setattr))
}

/// The `__delattr__` of `class`, unless it is `object`'s.
pub fn own_delattr(class: &Rc<Class>) -> Option<Value> {
    (class.lookup("__delattr__")).filter(|delattr| !is_builtin(delattr, object_delattr))
}

/// The `__init__` instances of `class` get, unless it is `object`'s
/// (CPython's `type->tp_init != object_init`).
pub fn own_init(class: &Rc<Class>) -> Option<Value> {
    (class.lookup("__init__")).filter(|init| !is_builtin(init, object_init))
}

/// The `__new__` that makes instances of `class`, unless it is
/// `object`'s (CPython's `type->tp_new != object_new`).
pub fn own_new(class: &Rc<Class>) -> Option<Value> {
    (class.lookup("__new__")).filter(|new| !wrapped_builtin(new, object_new))
}

/// Whether `value` is a static or class method over the builtin `func`.
fn wrapped_builtin(value: &Value, func: NativeFn) -> bool {
    matches!(value, Value::Native(native)
        if native.downcast_ref::<MethodWrapper>()
            .is_some_and(|wrapper| is_builtin(&wrapper.function, func)))
}

/// `object.__init__(self, …)`: nothing to do, and arguments only when
/// the class has an `__init__` or a `__new__` of its own to take them (the
/// checks of CPython's `object_init`).
fn object_init(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let Some(receiver) = args.first() else {
        return Err(interp.type_error("descriptor '__init__' of 'object' object needs an argument"));
    };
    if args.len() > 1 || !kwargs.is_empty() {
        let class = interp.class_of(receiver);
        if own_init(&class).is_some() {
            return Err(interp.type_error(
                "object.__init__() takes exactly one argument (the instance to initialize)",
            ));
        }
        if own_new(&class).is_none() {
            return Err(interp.type_error(format!(
                "{}.__init__() takes exactly one argument (the instance to initialize)",
                class.name
            )));
        }
    }
    Ok(Value::None)
}

/// CPython's refusal of an abstract class (`abc`): its abstract methods,
/// sorted.
pub fn abstract_class_error(interp: &mut Interp, class: &Rc<Class>) -> PyErr {
    let abstracts = class.namespace.borrow().get("__abstractmethods__").cloned();
    let mut names: Vec<String> = match abstracts.map(|names| interp.collect(&names)) {
        Some(Ok(names)) => names
            .iter()
            .filter_map(|name| name.as_str().map(String::from))
            .collect(),
        Some(Err(error)) => return error,
        None => Vec::new(),
    };
    names.sort();
    let plural = if names.len() == 1 { "" } else { "s" };
    interp.type_error(format!(
        "Can't instantiate abstract class {} with abstract method{plural} {}",
        class.name,
        names.join(", ")
    ))
}

/// `object.__subclasshook__(subclass)`: `NotImplemented`, leaving
/// `issubclass` to its usual answer (a class method).
fn object_subclasshook(_: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Ok(Value::NotImplemented)
}

/// `object.__new__(cls, …)`: a bare instance of `cls`, with CPython's
/// checks of the arguments (`object_new`).
fn object_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let Some(first) = args.first() else {
        return Err(interp.type_error("object.__new__(): not enough arguments"));
    };
    let Value::Type(class) = first else {
        return Err(interp.type_error(format!(
            "object.__new__(X): X is not a type object ({})",
            interp.type_name(first)
        )));
    };
    if args.len() > 1 || !kwargs.is_empty() {
        if own_new(class).is_some() {
            return Err(interp.type_error(
                "object.__new__() takes exactly one argument (the type to instantiate)",
            ));
        }
        if own_init(class).is_none() {
            return Err(interp.type_error(format!("{}() takes no arguments", class.name)));
        }
    }
    if class.is_abstract.get() {
        return Err(abstract_class_error(interp, class));
    }
    match class.layout {
        Layout::Object | Layout::Slotted if class.builtin_base().is_none() => {
            Ok(interp.new_instance(class, &[]))
        }
        // CPython names the nearest class whose `__new__` is not Python's.
        _ => {
            let static_base = class
                .mro()
                .find(|base| {
                    !matches!(
                        base.namespace.borrow().get("__new__"),
                        Some(Value::Function(_))
                    )
                })
                .unwrap_or(class);
            Err(interp.type_error(format!(
                "object.__new__({}) is not safe, use {}.__new__()",
                class.name, static_base.name
            )))
        }
    }
}
