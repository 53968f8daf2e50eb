//! Metaclasses: `type`'s own methods (what a metaclass inherits, and
//! reaches with `super()`: `type.__new__`, `__init__`, `__call__`,
//! `__prepare__`, …), the choice of a class statement's metaclass
//! (CPython's `_calculate_meta`), and the special methods that the
//! operations on a class find in its metaclass.

use std::rc::Rc;

use super::attributes::MethodWrapper;
use super::builtins::{add_method, function};
use super::error::{ExcType, PyResult};
use super::interp::Interp;
use super::object::{Class, Layout, NameMap};
use super::value::Value;
use crate::syntax::ast::Name;

pub fn install(interp: &mut Interp) {
    let type_ = interp.types.type_.clone();
    // A static method, as CPython's: `super().__new__(mcls, …)` passes
    // the metaclass itself.
    let new = MethodWrapper {
        function: crate::runtime::builtins::method(&type_, "__new__", type_new),
        is_classmethod: false,
    };
    (type_.namespace.borrow_mut()).insert("__new__".into(), Value::native(Rc::new(new)));
    let prepare = MethodWrapper {
        function: function("__prepare__", type_prepare),
        is_classmethod: true,
    };
    (type_.namespace.borrow_mut()).insert("__prepare__".into(), Value::native(Rc::new(prepare)));
    add_method(&type_, "__init__", type_init);
    add_method(&type_, "__call__", type_call);
    add_method(&type_, "__repr__", type_repr);
    add_method(&type_, "__instancecheck__", type_instancecheck);
    add_method(&type_, "__subclasscheck__", type_subclasscheck);
    add_method(&type_, "mro", type_mro);
    add_method(&type_, "__subclasses__", type_subclasses);
}

/// The class a method of `type` was called on (`args[0]`), with the
/// words of CPython's slot wrappers (`__call__`, …) or, for `mro` and
/// `__subclasses__`, of its method descriptors.
fn receiving_class(interp: &Interp, method: &str, args: &[Value]) -> PyResult<Rc<Class>> {
    match args.first() {
        Some(Value::Type(class)) => Ok(class.clone()),
        Some(other) if matches!(method, "mro" | "__subclasses__") => {
            Err(interp.type_error(format!(
                "descriptor '{method}' for 'type' objects doesn't apply to a '{}' object",
                interp.type_name(other)
            )))
        }
        Some(other) => Err(interp.type_error(format!(
            "descriptor '{method}' requires a 'type' object but received a '{}'",
            interp.type_name(other)
        ))),
        None => Err(interp.type_error(format!(
            "descriptor '{method}' of 'type' object needs an argument"
        ))),
    }
}

/// `type.__new__(mcls, name, bases, namespace, **keywords)`.
fn type_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let Some(first) = args.first() else {
        return Err(interp.type_error("type.__new__(): not enough arguments"));
    };
    let Value::Type(metaclass) = first else {
        return Err(interp.type_error(format!(
            "type.__new__(X): X is not a type object ({})",
            interp.type_name(first)
        )));
    };
    if metaclass.layout != Layout::Type {
        return Err(interp.type_error(format!(
            "type.__new__({0}): {0} is not a subtype of type",
            metaclass.name
        )));
    }
    match &args[1..] {
        [name, bases, namespace] => interp.new_type(metaclass, name, bases, namespace, kwargs),
        rest => Err(interp.type_error(format!(
            "type.__new__() takes exactly 3 arguments ({} given)",
            rest.len()
        ))),
    }
}

/// `type.__init__(cls, …)`: nothing to do but check the arguments.
fn type_init(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    receiving_class(interp, "__init__", args)?;
    match args.len() - 1 {
        1 if !kwargs.is_empty() => {
            Err(interp.type_error("type.__init__() takes no keyword arguments"))
        }
        1 | 3 => Ok(Value::None),
        _ => Err(interp.type_error("type.__init__() takes 1 or 3 arguments")),
    }
}

/// `type.__call__(cls, …)`: `cls.__new__` then `__init__`, whatever
/// `cls`'s metaclass says (what a metaclass's `__call__` reaches with
/// `super().__call__(…)`).
fn type_call(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let class = receiving_class(interp, "__call__", args)?;
    interp.construct(&class, &args[1..], kwargs)
}

/// `type.__prepare__(name, bases, **keywords)`: a new, empty dict.
fn type_prepare(_: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Ok(Value::dict(Default::default()))
}

fn type_repr(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let class = receiving_class(interp, "__repr__", args)?;
    Ok(Value::str(interp.class_repr(&class)))
}

fn type_instancecheck(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let class = receiving_class(interp, "__instancecheck__", args)?;
    let [_, instance] = args else {
        return Err(interp.type_error(format!("expected 1 argument, got {}", args.len() - 1)));
    };
    Ok(Value::from(interp.is_instance(instance, &class)))
}

fn type_subclasscheck(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let class = receiving_class(interp, "__subclasscheck__", args)?;
    let [_, subclass] = args else {
        return Err(interp.type_error(format!("expected 1 argument, got {}", args.len() - 1)));
    };
    let Value::Type(subclass) = subclass else {
        return Err(interp.type_error("issubclass() arg 1 must be a class"));
    };
    Ok(Value::from(subclass.is_subclass_of(&class)))
}

/// `cls.__subclasses__()`.
fn type_subclasses(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let class = receiving_class(interp, "__subclasses__", args)?;
    let name = format!("{}.__subclasses__", class.name);
    super::builtins::args::check_count(interp, &name, &args[1..], kwargs, 0, 0)?;
    Ok(Value::list(
        class.subclasses().into_iter().map(Value::Type).collect(),
    ))
}

fn type_mro(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    if args.is_empty() {
        return Err(interp.type_error("unbound method type.mro() needs an argument"));
    }
    let class = receiving_class(interp, "mro", args)?;
    Ok(Value::list(
        class.mro().map(|c| Value::Type(c.clone())).collect(),
    ))
}

/// The TypeError of bases whose metaclasses no one class derives from.
const CONFLICT: &str = "metaclass conflict: the metaclass of a derived class must be a \
                        (non-strict) subclass of the metaclasses of all its bases";

impl Interp {
    /// A method that `class`'s metaclass has other than from `type` and
    /// `object`: a special method that an operation on the class itself
    /// (`A[k]`, `len(A)`, `repr(A)`) calls instead of the plain class's
    /// behaviour. `None` for a class whose metaclass is `type`.
    pub fn metaclass_method(&self, class: &Rc<Class>, name: &str) -> Option<Value> {
        let metaclass = class.metaclass.as_ref()?;
        let found = metaclass.lookup(name)?;
        let inherited = |root: &Rc<Class>| {
            (root.namespace.borrow().get(name)).is_some_and(|builtin| builtin.is(&found))
        };
        (!inherited(&self.types.type_) && !inherited(&self.types.object)).then_some(found)
    }

    /// CPython's `_calculate_meta`: of `metaclass` and the metaclasses of
    /// the bases, the one that derives from all the others.
    pub fn calculate_metaclass(
        &self,
        metaclass: &Rc<Class>,
        bases: &[Value],
    ) -> PyResult<Rc<Class>> {
        let mut winner = metaclass.clone();
        for base in bases {
            let candidate = self.class_of(base);
            if winner.is_subclass_of(&candidate) {
                continue;
            }
            if candidate.is_subclass_of(&winner) {
                winner = candidate;
                continue;
            }
            return Err(self.type_error(CONFLICT));
        }
        Ok(winner)
    }

    /// Calling a metaclass, `M(…)` (`type(…)` included): `M.__new__`, then
    /// the `__init__` of what it made, if that is an `M`.
    pub fn construct_class(
        &mut self,
        metaclass: &Rc<Class>,
        args: &[Value],
        kwargs: &[(Name, Value)],
    ) -> PyResult<Value> {
        let is_type = Rc::ptr_eq(metaclass, &self.types.type_);
        if is_type {
            match (args, kwargs.is_empty()) {
                ([value], true) => return Ok(Value::Type(self.class_of(value))),
                ([_], false) => return Err(self.type_error("type() takes no keyword arguments")),
                ([_, _, _], _) => {}
                _ => return Err(self.type_error("type() takes 1 or 3 arguments")),
            }
        }
        let receiver = Value::Type(metaclass.clone());
        let made = match metaclass.lookup("__new__") {
            Some(new) => {
                let new = self.bind_class_attribute(new, &receiver)?;
                self.call_bound(&new, &receiver, args, kwargs)?
            }
            None => type_new(self, &[&[receiver][..], args].concat(), kwargs)?,
        };
        if !self.is_instance(&made, metaclass) {
            return Ok(made);
        }
        // The `__init__` of what was made: a subclass's, when `__new__`
        // made an instance of one (as CPython's `type_call`).
        if let Some(init) = self.class_of(&made).lookup("__init__") {
            let init = self.bind_attribute(init, &made)?;
            let result = self.call(&init, args, kwargs)?;
            self.check_init_result(&result)?;
        }
        Ok(made)
    }

    /// `type.__new__(metaclass, name, bases, namespace, **keywords)`: a
    /// class made as a class statement makes it, by the most derived of
    /// `metaclass` and its bases' metaclasses (whose own `__new__` takes
    /// over, if it has one).
    pub fn new_type(
        &mut self,
        metaclass: &Rc<Class>,
        name: &Value,
        bases: &Value,
        namespace: &Value,
        keywords: &[(Name, Value)],
    ) -> PyResult<Value> {
        let argument_error = |interp: &Self, index: usize, expected: &str, value: &Value| {
            interp.type_error(format!(
                "type.__new__() argument {index} must be {expected}, not {}",
                interp.argument_type_name(value)
            ))
        };
        // Instances of the types' subclasses do too, as in CPython.
        let Value::Str(name) = name.builtin_value() else {
            return Err(argument_error(self, 1, "str", name));
        };
        let Value::Tuple(base_values) = bases.builtin_value() else {
            return Err(argument_error(self, 2, "tuple", bases));
        };
        let Value::Dict(names) = namespace.builtin_value() else {
            return Err(argument_error(self, 3, "dict", namespace));
        };
        let winner = self.calculate_metaclass(metaclass, base_values)?;
        if !Rc::ptr_eq(&winner, metaclass) {
            if let Some(new) = winner.lookup("__new__") {
                if !is_type_new(&new) {
                    let receiver = Value::Type(winner.clone());
                    let new = self.bind_class_attribute(new, &receiver)?;
                    let args = [receiver, Value::Str(name.clone()), bases.clone()];
                    let args = [&args[..], std::slice::from_ref(namespace)].concat();
                    return self.call(&new, &args, keywords);
                }
            }
        }
        let mut copied = NameMap::default();
        for (key, value) in names.borrow().items() {
            let Value::Str(key) = key else {
                return Err(self.error(
                    ExcType::NotImplementedError,
                    "type() with a namespace key that is not a str is not supported by pyl",
                ));
            };
            copied.insert(key.as_str().into(), value);
        }
        // The class's own `__module__`, as CPython's `type_new_set_module`
        // gives it (not a base's, found first in their namespaces). CPython
        // names the calling frame's module; pyl cannot see that frame.
        if !copied.contains_key("__module__") {
            copied.insert("__module__".into(), Value::str("__main__"));
        }
        let metaclass = (!Rc::ptr_eq(&winner, &self.types.type_)).then_some(winner);
        self.create_class(
            &name.as_str().into(),
            base_values.to_vec(),
            copied,
            keywords,
            metaclass,
        )
    }
}

/// Whether a class's `__new__` is `type.__new__` itself.
fn is_type_new(new: &Value) -> bool {
    matches!(new, Value::Native(native)
        if native.downcast_ref::<MethodWrapper>().is_some_and(|wrapper|
            matches!(&wrapper.function, Value::Builtin(builtin)
                if std::ptr::fn_addr_eq(builtin.func, type_new as super::object::NativeFn))))
}

/// Whether a metaclass's `__call__` is `type.__call__` itself.
pub fn is_type_call(call: &Value) -> bool {
    matches!(call, Value::Builtin(builtin)
        if builtin.receiver.is_none()
            && std::ptr::fn_addr_eq(builtin.func, type_call as super::object::NativeFn))
}
