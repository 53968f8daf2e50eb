//! Attribute access (`obj.name`), and the descriptors that take part in
//! it: `property`, `staticmethod`, `classmethod`, and `super()` objects,
//! and instances of classes that define `__get__`/`__set__`/`__delete__`.

use std::cell::RefCell;
use std::rc::Rc;

use super::builtins::add_method;
use super::builtins::object::{own_delattr, own_setattr};
use super::error::{ExcType, PyErr, PyResult};
use super::getset::GetSet;
use super::interp::Interp;
use super::mapping_proxy::MappingProxy;
use super::object::{BuiltinFunction, Class, Function, Instance, NativeObject};
use super::slots::Member;
use super::value::Value;
use crate::compile::ir::{AttributeCache, StoreCache};
use crate::syntax::ast::Name;

/// `property(fget, fset)`.
pub struct Property {
    pub getter: Value,
    pub setter: Value,
    pub deleter: Value,
    /// The `doc` it was made with; without one, its `__doc__` is its
    /// getter's.
    pub doc: Value,
    /// The name it was given in a class body (`__set_name__`), which its
    /// errors show.
    pub name: RefCell<Option<Name>>,
}

impl Property {
    /// Calls its setter (`Some` value) or deleter on `target`; an error
    /// if it has none.
    fn set_or_delete(
        &self,
        interp: &mut Interp,
        target: &Value,
        value: Option<Value>,
    ) -> PyResult<()> {
        let (accessor, which) = match &value {
            Some(_) => (self.setter.clone(), "setter"),
            None => (self.deleter.clone(), "deleter"),
        };
        if accessor.is_none() {
            return Err(self.missing(interp, &interp.type_name(target), which));
        }
        let args: Vec<Value> = std::iter::once(target.clone()).chain(value).collect();
        interp.call(&accessor, &args, &[])?;
        Ok(())
    }

    /// The error of a missing accessor (`"setter"`, …) as CPython words it:
    /// `property 'x' of 'C' object has no setter`, without the name for a
    /// property that was never in a class body.
    fn missing(&self, interp: &Interp, class_name: &str, accessor: &str) -> PyErr {
        let named = match &*self.name.borrow() {
            Some(name) => format!(" '{name}'"),
            None => String::new(),
        };
        interp.attribute_error(format!(
            "property{named} of '{class_name}' object has no {accessor}"
        ))
    }
}

/// `staticmethod(f)` and `classmethod(f)`.
pub struct MethodWrapper {
    pub function: Value,
    pub is_classmethod: bool,
}

/// `super()`: attribute lookup that starts after `class` in the MRO of
/// `receiver`'s class.
pub struct Super {
    pub class: Rc<Class>,
    pub receiver: Value,
}

impl NativeObject for Property {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("property")
    }

    fn get_attribute(&self, interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        Some(Ok(match name {
            // Abstract when one of its functions is (`abc`).
            "__isabstractmethod__" => {
                for function in [&self.getter, &self.setter, &self.deleter] {
                    let flag = match interp.get_attr_opt(function, "__isabstractmethod__") {
                        Ok(flag) => flag,
                        Err(error) => return Some(Err(error)),
                    };
                    if let Some(flag) = flag {
                        match interp.truthy(&flag) {
                            Ok(true) => return Some(Ok(Value::from(true))),
                            Ok(false) => {}
                            Err(error) => return Some(Err(error)),
                        }
                    }
                }
                Value::from(false)
            }
            "fget" => self.getter.clone(),
            "fset" => self.setter.clone(),
            "fdel" => self.deleter.clone(),
            "__doc__" => match (&self.doc, &self.getter) {
                (Value::None, Value::None) => Value::None,
                (Value::None, getter) => {
                    let doc = interp.get_attr_opt(getter, "__doc__");
                    return Some(doc.map(|doc| doc.unwrap_or(Value::None)));
                }
                (doc, _) => doc.clone(),
            },
            _ => return None,
        }))
    }
}

impl MethodWrapper {
    /// The name of its class: `classmethod` or `staticmethod`.
    fn kind(&self) -> &'static str {
        if self.is_classmethod {
            "classmethod"
        } else {
            "staticmethod"
        }
    }
}

impl NativeObject for MethodWrapper {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class(self.kind())
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        let kind = self.kind();
        Some(
            interp
                .repr(&self.function)
                .map(|function| format!("<{kind}({function})>")),
        )
    }

    fn get_attribute(&self, interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        match name {
            "__func__" | "__wrapped__" => Some(Ok(self.function.clone())),
            // Copied from the function, as `functools.wraps` would (3.10).
            "__doc__" | "__name__" | "__qualname__" | "__module__" | "__annotations__" => {
                Some(interp.get_attr(&self.function, name))
            }
            // The function's, as `abc.abstractmethod` marks it.
            "__isabstractmethod__" => Some(
                (interp.get_attr_opt(&self.function, name))
                    .map(|marked| marked.unwrap_or(Value::from(false))),
            ),
            _ => None,
        }
    }
}

/// `descriptor.__get__(instance, owner=None)` of a descriptor that the
/// interpreter applies itself (a function, `property`, `staticmethod`,
/// `classmethod`), for a program that calls it or asks whether it is one.
pub fn descriptor_dunder_get(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let (descriptor, instance, owner) = match args {
        [descriptor, instance] => (descriptor, instance, None),
        [descriptor, instance, owner] => (descriptor, instance, Some(owner)),
        _ => {
            return Err(interp.type_error(format!(
                "expected 1 or 2 arguments, got {}",
                args.len().saturating_sub(1)
            )))
        }
    };
    let owner = owner.filter(|owner| !owner.is_none());
    if instance.is_none() && owner.is_none() {
        return Err(interp.type_error("__get__(None, None) is invalid"));
    }
    if let Value::Function(_) = descriptor {
        if instance.is_none() {
            return Ok(descriptor.clone());
        }
        return interp.bind_attribute(descriptor.clone(), instance);
    }
    if let Value::Native(native) = descriptor {
        if let Some(wrapper) = native.downcast_ref::<MethodWrapper>() {
            if !wrapper.is_classmethod {
                return Ok(wrapper.function.clone());
            }
            let class = match owner {
                Some(owner) => owner.clone(),
                None => Value::Type(interp.class_of(instance)),
            };
            return interp
                .descriptor_get(descriptor, Some(&class))
                .map(|bound| bound.unwrap_or_else(|| descriptor.clone()));
        }
        if (native.is::<Property>() || native.is::<GetSet>()) && instance.is_none() {
            return Ok(descriptor.clone());
        }
    }
    interp
        .descriptor_get(descriptor, Some(instance))
        .map(|got| got.unwrap_or_else(|| descriptor.clone()))
}

/// `property.__set__(instance, value)`.
fn descriptor_dunder_set(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let [descriptor, instance, value] = args else {
        return Err(interp.type_error(format!(
            "expected 2 arguments, got {}",
            args.len().saturating_sub(1)
        )));
    };
    property_accessor(interp, descriptor, instance, Some(value.clone()))
}

/// `property.__delete__(instance)`.
fn descriptor_dunder_delete(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let [descriptor, instance] = args else {
        return Err(interp.type_error(format!(
            "expected 1 argument, got {}",
            args.len().saturating_sub(1)
        )));
    };
    property_accessor(interp, descriptor, instance, None)
}

/// Calls a property's setter (`Some` value) or deleter on `instance`.
fn property_accessor(
    interp: &mut Interp,
    descriptor: &Value,
    instance: &Value,
    value: Option<Value>,
) -> PyResult<Value> {
    let Value::Native(native) = descriptor else {
        return Err(interp.type_error("descriptor requires a 'property' object"));
    };
    let Some(property) = native.downcast_ref::<Property>() else {
        return Err(interp.type_error("descriptor requires a 'property' object"));
    };
    property.set_or_delete(interp, instance, value)?;
    Ok(Value::None)
}

impl Super {
    /// The class whose MRO is searched: `super(C, cls)` in a class method
    /// searches `cls`'s; in a metaclass's method, whose receiver is a
    /// class but no subclass of the metaclass, the receiver's
    /// metaclass's. CPython's `supercheck`.
    fn searched_class(&self, interp: &Interp) -> Rc<Class> {
        match self.class_receiver() {
            Some(class) => class.clone(),
            None => interp.class_of(&self.receiver),
        }
    }

    /// The receiver when it is a class that the search is for, as in a
    /// class method: what is found is bound to it as to a class.
    fn class_receiver(&self) -> Option<&Rc<Class>> {
        match &self.receiver {
            Value::Type(class) if class.is_subclass_of(&self.class) => Some(class),
            _ => None,
        }
    }
}

impl NativeObject for Super {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("super")
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        let searched = self.searched_class(interp);
        Some(Ok(format!(
            "<super: <class '{}'>, <{} object>>",
            self.class.name, searched.name
        )))
    }

    fn get_attribute(&self, interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        let found = self
            .searched_class(interp)
            .mro()
            .skip_while(|c| !Rc::ptr_eq(c, &self.class))
            .skip(1)
            .find_map(|c| c.namespace.borrow().get(name).cloned());
        let attribute = match found {
            Some(attribute) => attribute,
            None => {
                return Some(Err(interp.attribute_error(format!(
                    "'super' object has no attribute '{name}'"
                ))))
            }
        };
        if self.class_receiver().is_some() {
            return Some(interp.bind_class_attribute(attribute, &self.receiver));
        }
        Some(interp.bind_attribute(attribute, &self.receiver))
    }
}

pub fn install(interp: &mut Interp) {
    let property = interp.native_class("property");
    add_method(&property, "__new__", property_new);
    add_method(&property, "setter", property_setter);
    add_method(&property, "getter", property_getter);
    add_method(&property, "deleter", property_deleter);
    add_method(&property, "__get__", descriptor_dunder_get);
    add_method(&property, "__set__", descriptor_dunder_set);
    add_method(&property, "__delete__", descriptor_dunder_delete);
    let staticmethod = interp.native_class("staticmethod");
    add_method(&staticmethod, "__new__", staticmethod_new);
    add_method(&staticmethod, "__get__", descriptor_dunder_get);
    add_method(&staticmethod, "__call__", staticmethod_call);
    let classmethod = interp.native_class("classmethod");
    add_method(&classmethod, "__new__", classmethod_new);
    add_method(&classmethod, "__get__", descriptor_dunder_get);
    // `super` is a class, as in CPython (`isinstance(s, super)`, and
    // `super.__init__(...)` without the call names it); the evaluator
    // makes a zero-argument `super()` itself (`call_value`).
    let super_class = interp.native_class("super");
    add_method(&super_class, "__new__", super_new);
    add_method(&super_class, "__init__", super_init);
    super::builtins::add_function(&interp.builtins.namespace, "globals", frame_reader);
    super::builtins::add_function(&interp.builtins.namespace, "locals", frame_reader);
    let mut ns = interp.builtins.namespace.borrow_mut();
    for class in [property, staticmethod, classmethod, super_class] {
        ns.insert(class.name.clone(), Value::Type(class));
    }
}

fn property_new(_: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let mut getter = args.get(1).cloned().unwrap_or(Value::None);
    let mut setter = args.get(2).cloned().unwrap_or(Value::None);
    let mut deleter = args.get(3).cloned().unwrap_or(Value::None);
    let mut doc = args.get(4).cloned().unwrap_or(Value::None);
    for (key, value) in kwargs {
        match &**key {
            "fget" => getter = value.clone(),
            "fset" => setter = value.clone(),
            "fdel" => deleter = value.clone(),
            "doc" => doc = value.clone(),
            _ => {}
        }
    }
    Ok(Value::native(Rc::new(Property {
        getter,
        setter,
        deleter,
        doc,
        name: RefCell::new(None),
    })))
}

/// A copy of the property in `args[0]` with one accessor replaced by `args[1]`.
fn property_with(interp: &Interp, args: &[Value], which: usize) -> PyResult<Value> {
    let Some(Value::Native(object)) = args.first() else {
        return Err(interp.type_error("descriptor requires a 'property' object"));
    };
    let Some(p) = object.downcast_ref::<Property>() else {
        return Err(interp.type_error("descriptor requires a 'property' object"));
    };
    let mut accessors = [p.getter.clone(), p.setter.clone(), p.deleter.clone()];
    accessors[which] = args.get(1).cloned().unwrap_or(Value::None);
    let [getter, setter, deleter] = accessors;
    Ok(Value::native(Rc::new(Property {
        getter,
        setter,
        deleter,
        doc: p.doc.clone(),
        name: RefCell::new(p.name.borrow().clone()),
    })))
}

fn property_getter(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    property_with(interp, args, 0)
}

fn property_setter(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    property_with(interp, args, 1)
}

fn property_deleter(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    property_with(interp, args, 2)
}

fn staticmethod_new(_: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Ok(Value::native(Rc::new(MethodWrapper {
        function: args.get(1).cloned().unwrap_or(Value::None),
        is_classmethod: false,
    })))
}

/// `staticmethod(f)(*args)`: `f(*args)`, as a staticmethod is callable
/// since 3.10 (`C.__dict__['f'](x)`, a staticmethod called in its class body).
fn staticmethod_call(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let wrapper = match args.first() {
        Some(Value::Native(native)) => native.downcast_ref::<MethodWrapper>(),
        _ => None,
    };
    match wrapper {
        Some(wrapper) if !wrapper.is_classmethod => {
            let function = wrapper.function.clone();
            interp.call(&function, &args[1..], kwargs)
        }
        _ => Err(interp.type_error("descriptor '__call__' requires a 'staticmethod' object")),
    }
}

fn classmethod_new(_: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Ok(Value::native(Rc::new(MethodWrapper {
        function: args.get(1).cloned().unwrap_or(Value::None),
        is_classmethod: true,
    })))
}

/// `globals()`/`locals()` reached other than by a direct call: the
/// evaluator answers direct calls, since only it sees the frame.
fn frame_reader(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Err(interp.error(
        ExcType::NotImplementedError,
        "globals() and locals() are supported by pyl only when called directly, without arguments",
    ))
}

/// `super(cls, obj)`; the zero-argument form is handled by the evaluator,
/// which knows the calling frame.
/// `super.__new__(super, …)`: `super(class, receiver)`.
fn super_new(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let args = args.get(1..).unwrap_or_default();
    match args {
        [] => Err(interp.error(ExcType::RuntimeError, "super(): no arguments")),
        [Value::Type(class), receiver] => interp.new_super(class.clone(), receiver.clone()),
        [Value::Type(_)] => Err(interp.error(
            ExcType::NotImplementedError,
            "super() with one argument (an unbound super object) is not supported by pyl",
        )),
        [first, ..] if args.len() <= 2 => {
            let name = interp.type_name(first);
            Err(interp.type_error(format!("super() argument 1 must be a type, not {name}")))
        }
        _ => Err(interp.type_error(format!(
            "super() expected at most 2 arguments, got {}",
            args.len()
        ))),
    }
}

/// `super.__init__(self, …)`: what `__new__` made is complete; another
/// receiver gets CPython's descriptor error (`super.__init__(x)` is
/// `super().__init__(x)` without its call).
fn super_init(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    match args.first() {
        Some(Value::Native(object)) if object.downcast_ref::<Super>().is_some() => Ok(Value::None),
        _ => Err(super::builtins::subclasses::init_receiver_error(
            interp, "super", args,
        )),
    }
}

impl Interp {
    /// `super(class, receiver)`, once the receiver is checked as CPython's
    /// `supercheck` does: an instance of the class, or a subclass of it.
    pub fn new_super(&self, class: Rc<Class>, receiver: Value) -> PyResult<Value> {
        let fits = match &receiver {
            Value::Type(subclass) if subclass.is_subclass_of(&class) => true,
            _ => self.class_of(&receiver).is_subclass_of(&class),
        };
        if !fits {
            return Err(self.type_error(
                "super(type, obj): obj must be an instance or subtype of type".to_string(),
            ));
        }
        Ok(Value::native(Rc::new(Super { class, receiver })))
    }

    /// The Python function inside a class attribute (plain, static or
    /// class method), for zero-argument `super()`.
    pub fn underlying_function(&self, value: &Value) -> Option<Rc<Function>> {
        match value {
            Value::Function(f) => Some(f.clone()),
            Value::Native(object) => {
                if let Some(wrapper) = object.downcast_ref::<MethodWrapper>() {
                    return self.underlying_function(&wrapper.function);
                }
                if let Some(property) = object.downcast_ref::<Property>() {
                    return self.underlying_function(&property.getter);
                }
                None
            }
            _ => None,
        }
    }

    /// What a descriptor gives for `receiver.attr` (`None` receiver: looked
    /// up on the class); `Ok(None)` when the native object is no descriptor.
    pub fn descriptor_get(
        &mut self,
        descriptor: &Value,
        receiver: Option<&Value>,
    ) -> PyResult<Option<Value>> {
        let Value::Native(object) = descriptor else {
            return Ok(None);
        };
        if let Some(property) = object.downcast_ref::<Property>() {
            return match receiver {
                Some(receiver) => {
                    let getter = property.getter.clone();
                    if getter.is_none() {
                        return Err(property.missing(self, &self.type_name(receiver), "getter"));
                    }
                    self.call(&getter, std::slice::from_ref(receiver), &[])
                        .map(Some)
                }
                None => Ok(Some(descriptor.clone())),
            };
        }
        if let Some(member) = object.downcast_ref::<Member>() {
            return match receiver {
                Some(receiver @ Value::Instance(instance)) => {
                    member.get(self, instance, receiver).map(Some)
                }
                _ => Ok(Some(descriptor.clone())),
            };
        }
        if let Some(getset) = object.downcast_ref::<GetSet>() {
            return match receiver {
                Some(receiver) => getset.get(self, receiver).map(Some),
                None => Ok(Some(descriptor.clone())),
            };
        }
        if let Some(wrapper) = object.downcast_ref::<MethodWrapper>() {
            if !wrapper.is_classmethod {
                return Ok(Some(wrapper.function.clone()));
            }
            let class = match receiver {
                Some(Value::Type(class)) => Value::Type(class.clone()),
                Some(other) => Value::Type(self.class_of(other)),
                None => return Ok(Some(wrapper.function.clone())),
            };
            // A class method over a descriptor binds it to the class (3.9
            // to 3.12: `@classmethod` over `@property`).
            if let Value::Native(_) = &wrapper.function {
                if let Some(value) = self.descriptor_get(&wrapper.function, Some(&class))? {
                    return Ok(Some(value));
                }
            }
            return Ok(Some(Value::BoundMethod(Rc::new(
                super::object::BoundMethod {
                    receiver: class,
                    function: wrapper.function.clone(),
                },
            ))));
        }
        Ok(None)
    }

    /// `descriptor.__get__(instance, type(instance))`.
    fn call_descriptor_get(
        &mut self,
        get: &Value,
        descriptor: &Value,
        instance: &Value,
    ) -> PyResult<Value> {
        let owner = Value::Type(self.class_of(instance));
        self.call_bound(get, descriptor, &[instance.clone(), owner], &[])
    }

    /// A class attribute looked up on the class itself (`A.f`).
    pub fn bind_class_attribute(&mut self, attribute: Value, class: &Value) -> PyResult<Value> {
        if let Value::Instance(_) = &attribute {
            if let Some(get) = self.lookup_special(&attribute, "__get__") {
                return self.call_bound(&get, &attribute, &[Value::None, class.clone()], &[]);
            }
        }
        if let Value::Native(object) = &attribute {
            if let Some(wrapper) = object.downcast_ref::<MethodWrapper>() {
                return self
                    .descriptor_get(&attribute, Some(class))
                    .map(|v| v.unwrap_or(wrapper.function.clone()));
            }
        }
        Ok(attribute)
    }

    pub fn get_attr(&mut self, object: &Value, name: &str) -> PyResult<Value> {
        match self.find_attr(object, name, true)? {
            Some(value) => Ok(value),
            None => Err(self.missing_attribute(object, name)),
        }
    }

    pub fn missing_attribute(&self, object: &Value, name: &str) -> super::error::PyErr {
        // The method's function was asked last, so the error is about it.
        if let Value::BoundMethod(method) = object {
            if let function @ Value::Function(_) = &method.function {
                return self.missing_attribute(function, name);
            }
        }
        let error = self.missing_attribute_message(object, name);
        // What the traceback's suggestion is found from (`e.name`, `e.obj`).
        if let Some(data) = &error.0.exception {
            data.set_field("name", Value::str(name));
            data.set_field("obj", object.clone());
        }
        error
    }

    fn missing_attribute_message(&self, object: &Value, name: &str) -> super::error::PyErr {
        match object {
            Value::Type(class) => self.attribute_error(format!(
                "type object '{}' has no attribute '{name}'",
                class.name
            )),
            Value::Module(module) => self.attribute_error(format!(
                "module '{}' has no attribute '{name}'",
                module.name
            )),
            _ => self.attribute_error(format!(
                "'{}' object has no attribute '{name}'",
                self.type_name(object)
            )),
        }
    }

    /// `object.name` written in the program: [`Interp::get_attr`], with the
    /// expression's cache answering for the class's names and the
    /// object's own (an instance's or a module's).
    pub fn load_attribute(
        &mut self,
        object: &Value,
        name: &Name,
        cache: &AttributeCache,
    ) -> PyResult<Value> {
        match object {
            Value::Instance(instance) if instance.exception.is_none() => {
                let class_attribute = cache.class_attribute(&instance.class, name);
                // A descriptor (`property`, …) may come before the
                // instance's own names, and a class's own
                // `__getattribute__` before all: the general path decides.
                if !matches!(
                    class_attribute,
                    Some(Value::Future(_) | Value::Native(_) | Value::Instance(_))
                ) && !cache.calls_own_getattribute()
                {
                    if let Some(table) = instance.table() {
                        if let Some(value) = cache.own_attribute(&table, name) {
                            return Ok(value);
                        }
                        drop(table);
                        if let Some(attribute) = class_attribute {
                            return self.bind_attribute(attribute, object);
                        }
                    }
                }
            }
            Value::Module(module) => {
                if let Some(value) = cache.own_attribute(&module.namespace.borrow(), name) {
                    return Ok(value);
                }
            }
            _ => {}
        }
        self.get_attr(object, name)
    }

    /// `getattr(object, name, None)`-like lookup: `Ok(None)` when missing
    /// (but the `AttributeError` of a class's own `__getattribute__`, with
    /// no `__getattr__` to fall back on, is raised as it is: its message is
    /// the program's).
    pub fn get_attr_opt(&mut self, object: &Value, name: &str) -> PyResult<Option<Value>> {
        self.find_attr(object, name, false)
    }

    /// [`Interp::get_attr_opt`], or, with `getattr_errors`, with the
    /// `AttributeError` a class's `__getattr__` raises raised as it is
    /// (its message is the program's), as `object.name` raises it.
    fn find_attr(
        &mut self,
        object: &Value,
        name: &str,
        getattr_errors: bool,
    ) -> PyResult<Option<Value>> {
        match object {
            Value::Instance(instance) => {
                let found = match instance.class.own_getattribute() {
                    Some(getattribute) => {
                        match self.call_bound(&getattribute, object, &[Value::str(name)], &[]) {
                            Ok(value) => Some(value),
                            Err(error) if self.is_instance_of(&error, ExcType::AttributeError) => {
                                // `__getattr__` has the last word, as in
                                // CPython; without one the error stands.
                                if instance.class.lookup("__getattr__").is_none() {
                                    return Err(error);
                                }
                                None
                            }
                            Err(error) => return Err(error),
                        }
                    }
                    None => match self.instance_attribute(instance, object, name) {
                        Ok(found) => found,
                        // A property that raises `AttributeError` falls
                        // back on `__getattr__` too.
                        Err(error)
                            if self.is_instance_of(&error, ExcType::AttributeError)
                                && instance.class.lookup("__getattr__").is_some() =>
                        {
                            None
                        }
                        Err(error) => return Err(error),
                    },
                };
                if let Some(value) = found {
                    return Ok(Some(value));
                }
                match instance.class.lookup("__getattr__") {
                    Some(getattr) => {
                        self.call_getattr(&getattr, Some(object), name, getattr_errors)
                    }
                    None => Ok(None),
                }
            }
            Value::Type(class) if class.metaclass.is_some() => {
                let getattr = self.metaclass_method(class, "__getattr__");
                match self.generic_get_attr(object, name) {
                    Ok(Some(value)) => return Ok(Some(value)),
                    Ok(None) => {}
                    // A descriptor's `AttributeError` falls back on the
                    // metaclass's `__getattr__` too.
                    Err(error)
                        if getattr.is_some()
                            && self.is_instance_of(&error, ExcType::AttributeError) => {}
                    Err(error) => return Err(error),
                }
                match getattr {
                    Some(getattr) => {
                        self.call_getattr(&getattr, Some(object), name, getattr_errors)
                    }
                    None => Ok(None),
                }
            }
            Value::Module(module) => {
                if let Some(value) = self.generic_get_attr(object, name)? {
                    return Ok(Some(value));
                }
                // PEP 562: the module's own `__getattr__`, for the names it
                // lacks (called as a plain function).
                let getattr = module.namespace.borrow().get("__getattr__").cloned();
                match getattr {
                    Some(getattr) => self.call_getattr(&getattr, None, name, getattr_errors),
                    None => Ok(None),
                }
            }
            _ => self.generic_get_attr(object, name),
        }
    }

    /// A class's (or metaclass's) `__getattr__` asked for `name`, bound to
    /// `object` (a module's is not bound); its `AttributeError` means
    /// "none" unless `getattr_errors` says to raise.
    fn call_getattr(
        &mut self,
        getattr: &Value,
        object: Option<&Value>,
        name: &str,
        getattr_errors: bool,
    ) -> PyResult<Option<Value>> {
        let args = [Value::str(name)];
        let result = match object {
            Some(object) => self.call_bound(getattr, object, &args, &[]),
            None => self.call(getattr, &args, &[]),
        };
        match result {
            Ok(value) => Ok(Some(value)),
            Err(error)
                if !getattr_errors && self.is_instance_of(&error, ExcType::AttributeError) =>
            {
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// `object.__getattribute__`: the attribute as the object's type finds
    /// it, without a class's `__getattr__`.
    pub fn generic_get_attr(&mut self, object: &Value, name: &str) -> PyResult<Option<Value>> {
        match object {
            Value::Instance(instance) => self.instance_attribute(instance, object, name),
            // A class's own, never a base's: made empty on first read
            // when its body annotated nothing (CPython's `type_get_annotations`).
            Value::Type(class) if name == "__annotations__" && &*class.module != "builtins" => {
                let mut names = class.namespace.borrow_mut();
                let annotations = names
                    .entry(name.into())
                    .or_insert_with(|| Value::dict(Default::default()));
                Ok(Some(annotations.clone()))
            }
            Value::Type(class) => {
                // CPython's `type_getattro`: a data descriptor of the
                // metaclass, the class's own attribute, the metaclass's.
                let meta_attribute = match &class.metaclass {
                    Some(metaclass) => metaclass.lookup(name),
                    None => None,
                };
                if let Some(attribute) = &meta_attribute {
                    if let Some(value) = self.meta_data_descriptor_get(attribute, object)? {
                        return Ok(Some(value));
                    }
                }
                // `type`'s own data descriptors, before the class's names
                // (which hold the getsets its instances find these by).
                match name {
                    "__dict__" => {
                        let names = MappingProxy::Class(class.clone());
                        return Ok(Some(Value::native(Rc::new(names))));
                    }
                    "__class__" => return Ok(Some(Value::Type(self.class_of(object)))),
                    _ => {}
                }
                if let Some(attribute) = class.lookup(name) {
                    return self.bind_class_attribute(attribute, object).map(Some);
                }
                if let Some(attribute) = meta_attribute {
                    return self.bind_meta_attribute(attribute, object).map(Some);
                }
                Ok(match name {
                    "__name__" => Some(Value::str(&*class.name)),
                    "__qualname__" => Some(Value::str(&**class.qualname.borrow())),
                    "__module__" => Some(Value::str(&*class.module)),
                    "__mro__" => Some(Value::tuple(
                        class.mro().map(|c| Value::Type(c.clone())).collect(),
                    )),
                    "__bases__" => Some(Value::tuple(
                        class.bases.iter().map(|c| Value::Type(c.clone())).collect(),
                    )),
                    "__base__" => class.bases.first().map(|c| Value::Type(c.clone())),
                    "__call__" => Some(call_wrapper(object)),
                    // `type`'s own methods (`A.mro()`), for a class whose
                    // metaclass is `type` (the others looked above).
                    _ if class.metaclass.is_none() => {
                        let method = self.types.type_.namespace.borrow().get(name).cloned();
                        match method {
                            Some(method) => Some(self.bind_meta_attribute(method, object)?),
                            None => None,
                        }
                    }
                    _ => None,
                })
            }
            Value::Module(module) => {
                if let Some(value) = module.namespace.borrow().get(name) {
                    return Ok(Some(value.clone()));
                }
                if self.define_lazily(module, name)? {
                    if let Some(value) = module.namespace.borrow().get(name) {
                        return Ok(Some(value.clone()));
                    }
                }
                if !module.from_source {
                    if let Some(error) = super::modules::unsupported_name(self, &module.name, name)
                    {
                        return Err(error);
                    }
                }
                Ok((name == "__name__").then(|| Value::str(&*module.name)))
            }
            Value::Function(function) => Ok(match name {
                "__name__" => Some(Value::str(&**function.name.borrow())),
                "__qualname__" => Some(Value::str(&**function.qualname.borrow())),
                // What the program set (a decorator copying them to its
                // wrapper), else the defining module's name, the docstring.
                "__module__" | "__doc__" => Some(match function.attributes.borrow().get(name) {
                    Some(set) => set.clone(),
                    None if name == "__module__" => Value::str(&*function.globals.name),
                    None => function.code.doc.as_deref().map_or(Value::None, Value::str),
                }),
                "__class__" => Some(Value::Type(self.types.function.clone())),
                "__call__" => Some(call_wrapper(object)),
                "__get__" => Some(Value::Builtin(Rc::new(BuiltinFunction {
                    name: "__get__",
                    func: descriptor_dunder_get,
                    receiver: Some(object.clone()),
                    owner: None,
                    python_module: None,
                }))),
                // Made empty on first read when the `def` had none, and
                // again after a `del` or `= None`, as CPython does.
                "__annotations__" => {
                    let mut attributes = function.attributes.borrow_mut();
                    let annotations = attributes.entry(name.into()).or_insert(Value::None);
                    if matches!(annotations, Value::None) {
                        *annotations = Value::dict(Default::default());
                    }
                    Some(annotations.clone())
                }
                "__kwdefaults__" => {
                    let names = &function.code.signature.kwonly;
                    let pairs: Vec<(Value, Value)> = (names.iter().zip(&function.kw_defaults))
                        .filter_map(|(name, default)| Some((Value::str(&**name), default.clone()?)))
                        .collect();
                    Some(if pairs.is_empty() {
                        Value::None
                    } else {
                        Value::dict(self.dict_from_pairs(pairs)?)
                    })
                }
                "__code__" => Some(super::traceback::code_object(function.code.clone())),
                "__closure__" => Some(super::cell::closure(function)),
                "__defaults__" => Some(if function.defaults.is_empty() {
                    Value::None
                } else {
                    Value::tuple(function.defaults.clone())
                }),
                _ => function.attributes.borrow().get(name).cloned(),
            }),
            Value::Native(native) => {
                if let Some(result) = native.clone().get_attribute(self, name) {
                    return result.map(Some);
                }
                self.class_attribute(object, name)
            }
            // CPython's `method_getattro`: what the method's type lacks,
            // its function has (`__qualname__`, `__doc__`, set attributes).
            Value::BoundMethod(method) => {
                if let Some(value) = self.builtin_value_attribute(object, name) {
                    return Ok(Some(value));
                }
                // `method.__doc__` is a getset that asks the function.
                if name == "__doc__" {
                    let function = method.function.clone();
                    return self.generic_get_attr(&function, name);
                }
                if let Some(value) = self.class_attribute(object, name)? {
                    return Ok(Some(value));
                }
                let function = method.function.clone();
                self.generic_get_attr(&function, name)
            }
            _ => {
                if let Some(value) = self.builtin_value_attribute(object, name) {
                    return Ok(Some(value));
                }
                self.class_attribute(object, name)
            }
        }
    }

    /// An instance's attribute as `object.__getattribute__` finds it: a
    /// data descriptor of its class, its own name, its class's attribute.
    #[inline(always)]
    fn instance_attribute(
        &mut self,
        instance: &Instance,
        object: &Value,
        name: &str,
    ) -> PyResult<Option<Value>> {
        let class_attribute = instance.class.lookup(name);
        if let Some(attribute @ (Value::Future(_) | Value::Native(_))) = &class_attribute {
            if let Some(value) = self.descriptor_get(attribute, Some(object))? {
                return Ok(Some(value));
            }
        }
        // A descriptor written in Python: one with `__set__` or
        // `__delete__` (a data descriptor) comes before the instance's own
        // names, one with only `__get__` after them.
        let user_get = match &class_attribute {
            Some(attribute @ Value::Instance(_)) => self.lookup_special(attribute, "__get__"),
            _ => None,
        };
        if let (Some(get), Some(attribute)) = (&user_get, &class_attribute) {
            if is_data_descriptor(self, attribute) {
                return self.call_descriptor_get(get, attribute, object).map(Some);
            }
        }
        if let Some(value) = instance.own(name) {
            return Ok(Some(value));
        }
        if instance.exception.is_some() {
            if let Some(value) = self.exception_attribute(instance, name) {
                return Ok(Some(value));
            }
        }
        if let (Some(get), Some(attribute)) = (&user_get, &class_attribute) {
            return self.call_descriptor_get(get, attribute, object).map(Some);
        }
        if let Some(attribute) = class_attribute {
            return self.bind_attribute(attribute, object).map(Some);
        }
        // The data attributes of the builtin value of an instance of a
        // builtin type's subclass (`class I(int)`: `I(2).real`; a deque
        // subclass's `maxlen`).
        if let Some(builtin) = &instance.builtin {
            if let Some(value) = self.builtin_value_attribute(builtin, name) {
                return Ok(Some(value));
            }
            if let Value::Native(native) = builtin {
                let native = native.clone();
                if let Some(found) = native.get_attribute(self, name) {
                    return found.map(Some);
                }
            }
        }
        Ok(None)
    }

    /// What a data descriptor of a class's metaclass (a `property`, or a
    /// descriptor with `__set__` or `__delete__`) gives for the class;
    /// `None` for any other attribute.
    fn meta_data_descriptor_get(
        &mut self,
        attribute: &Value,
        class: &Value,
    ) -> PyResult<Option<Value>> {
        match attribute {
            Value::Native(native) if native.is::<Property>() => {
                self.descriptor_get(attribute, Some(class))
            }
            Value::Instance(_) if is_data_descriptor(self, attribute) => {
                match self.lookup_special(attribute, "__get__") {
                    Some(get) => self.call_descriptor_get(&get, attribute, class).map(Some),
                    None => Ok(Some(attribute.clone())),
                }
            }
            _ => Ok(None),
        }
    }

    /// A metaclass's attribute read on one of its classes, as an
    /// instance's class attribute is read on the instance: a function
    /// becomes a method of the class, a class method one of the metaclass.
    fn bind_meta_attribute(&mut self, attribute: Value, class: &Value) -> PyResult<Value> {
        if let Value::Native(native) = &attribute {
            if let Some(wrapper) = native.downcast_ref::<MethodWrapper>() {
                if wrapper.is_classmethod {
                    let metaclass = Value::Type(self.class_of(class));
                    return self
                        .descriptor_get(&attribute, Some(&metaclass))
                        .map(|bound| bound.unwrap_or(attribute.clone()));
                }
            }
        }
        if let Value::Instance(_) = &attribute {
            if let Some(get) = self.lookup_special(&attribute, "__get__") {
                return self.call_descriptor_get(&get, &attribute, class);
            }
        }
        self.bind_attribute(attribute, class)
    }

    fn class_attribute(&mut self, object: &Value, name: &str) -> PyResult<Option<Value>> {
        let class = self.class_of(object);
        match class.lookup(name) {
            Some(attribute) => self.bind_attribute(attribute, object).map(Some),
            None => Ok(None),
        }
    }

    /// The names of the data attributes of numbers, ranges and slices
    /// that [`Self::builtin_value_attribute`] answers, which `dir()` lists
    /// as CPython's lists their getset descriptors.
    pub fn builtin_data_attribute_names(object: &Value) -> &'static [&'static str] {
        match object {
            Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => {
                &["denominator", "imag", "numerator", "real"]
            }
            Value::Float(_) => &["imag", "real"],
            Value::Range(_) | Value::Slice(_) => &["start", "step", "stop"],
            _ => &[],
        }
    }

    /// A builtin's `__module__`: where a function is (found among the
    /// modules, as pyl's builtins do not note it), None for a bound
    /// method or `__new__`; descriptors have none.
    fn builtin_module_name(&self, builtin: &Rc<BuiltinFunction>) -> Option<Value> {
        use super::object::BuiltinKind;
        match builtin.kind() {
            BuiltinKind::PythonFunction(module) => Some(Value::str(module)),
            BuiltinKind::BoundMethod | BuiltinKind::New(_) => Some(Value::None),
            BuiltinKind::Function => {
                let holds_it = |module: &super::object::ModuleObject| {
                    (module.namespace.borrow().values())
                        .any(|value| matches!(value, Value::Builtin(b) if Rc::ptr_eq(b, builtin)))
                };
                if holds_it(&self.builtins) {
                    return Some(Value::str("builtins"));
                }
                let found = self.modules.values().find_map(|module| match module {
                    Value::Module(module) if holds_it(module) => Some(Value::str(&*module.name)),
                    _ => None,
                });
                Some(found.unwrap_or(Value::None))
            }
            BuiltinKind::MethodDescriptor(_) | BuiltinKind::SlotWrapper(_) => None,
            BuiltinKind::MethodWrapper => None,
        }
    }

    /// Data attributes of builtin values (`range.start`, `f.__name__`, …).
    fn builtin_value_attribute(&self, object: &Value, name: &str) -> Option<Value> {
        match (object, name) {
            (Value::Range(r), "start") => Some(Value::from_i128(r.start)),
            (Value::Range(r), "stop") => Some(Value::from_i128(r.stop)),
            (Value::Range(r), "step") => Some(Value::from_i128(r.step)),
            (Value::Slice(s), "start") => Some(s[0].clone()),
            (Value::Slice(s), "stop") => Some(s[1].clone()),
            (Value::Slice(s), "step") => Some(s[2].clone()),
            (Value::Int(_) | Value::BigInt(_) | Value::Bool(_), "real" | "numerator") => {
                Some(match object {
                    Value::Bool(b) => Value::Int(b.get() as i64),
                    other => other.clone(),
                })
            }
            (Value::Int(_) | Value::BigInt(_) | Value::Bool(_), "imag") => Some(Value::Int(0)),
            (Value::Int(_) | Value::BigInt(_) | Value::Bool(_), "denominator") => {
                Some(Value::Int(1))
            }
            (Value::Float(f), "real") => Some(Value::Float(*f)),
            (Value::Float(_), "imag") => Some(Value::float(0.0)),
            (Value::Builtin(b), "__name__") => Some(Value::str(b.name)),
            (Value::Builtin(b), "__module__") => self.builtin_module_name(b),
            (Value::Builtin(b), "__self__") if b.receiver.is_some() => b.receiver.clone(),
            (Value::Builtin(b), "__qualname__") => {
                Some(match b.owner.as_ref().and_then(std::rc::Weak::upgrade) {
                    Some(owner) => Value::str(format!("{}.{}", owner.name, b.name)),
                    None => Value::str(b.name),
                })
            }
            (Value::Builtin(b), "__objclass__") if b.is_descriptor() => b
                .owner
                .as_ref()
                .and_then(std::rc::Weak::upgrade)
                .map(Value::Type),
            (Value::Builtin(_) | Value::BoundMethod(_), "__call__") => Some(call_wrapper(object)),
            (Value::BoundMethod(m), "__self__") => Some(m.receiver.clone()),
            (Value::BoundMethod(m), "__func__") => Some(m.function.clone()),
            (Value::Generator(g), "__name__") => Some(Value::str(&**g.name())),
            (Value::Generator(g), "__qualname__") => Some(Value::str(&**g.qualname())),
            (Value::Generator(g), "gi_running" | "cr_running" | "ag_running")
                if name == g.kind.running_attribute() =>
            {
                Some(Value::from(g.is_running()))
            }
            _ => None,
        }
    }

    /// `object.name = value` written in the program: [`Interp::set_attr`],
    /// with the expression's cache answering whether the class has a say
    /// in it and where the instance keeps the name.
    pub fn store_attribute(
        &mut self,
        object: &Value,
        name: &Name,
        value: Value,
        cache: &StoreCache,
    ) -> PyResult<()> {
        if let Value::Instance(instance) = object {
            if leaves_to_instance(instance, name, cache) {
                if let Some(mut table) = instance.table_mut() {
                    cache.store_own(&mut table, name, value);
                    return Ok(());
                }
            }
        }
        self.set_attr(object, name, value)
    }

    /// The current value for `object.name op= value`: the instance's own,
    /// when the store's cache says the class has no say in the name;
    /// otherwise [`Interp::get_attr`].
    pub fn attribute_to_update(
        &mut self,
        object: &Value,
        name: &Name,
        cache: &StoreCache,
    ) -> PyResult<Value> {
        if let Value::Instance(instance) = object {
            if leaves_to_instance(instance, name, cache) {
                if let Some(value) = instance.table().and_then(|t| cache.own_value(&t, name)) {
                    return Ok(value);
                }
            }
        }
        self.get_attr(object, name)
    }

    pub fn set_attr(&mut self, object: &Value, name: &str, value: Value) -> PyResult<()> {
        if let Value::Instance(instance) = object {
            if let Some(setattr) = own_setattr(&instance.class) {
                self.call_bound(&setattr, object, &[Value::str(name), value], &[])?;
                return Ok(());
            }
        }
        if let Value::Type(class) = object {
            if let Some(setattr) = self.metaclass_method(class, "__setattr__") {
                self.call_bound(&setattr, object, &[Value::str(name), value], &[])?;
                return Ok(());
            }
        }
        self.generic_set_attr(object, name, value)
    }

    /// `object.__setattr__`: stores as the object's type does, without a
    /// class's own `__setattr__`.
    pub fn generic_set_attr(&mut self, object: &Value, name: &str, value: Value) -> PyResult<()> {
        match object {
            Value::Instance(instance) => {
                match instance.class.lookup(name) {
                    Some(Value::Native(descriptor)) => {
                        if let Some(property) = descriptor.downcast_ref::<Property>() {
                            if property.setter.is_none() {
                                return Err(property.missing(self, &instance.class.name, "setter"));
                            }
                            let setter = property.setter.clone();
                            self.call(&setter, &[object.clone(), value], &[])?;
                            return Ok(());
                        }
                        if let Some(member) = descriptor.downcast_ref::<Member>() {
                            member.set(instance, value);
                            return Ok(());
                        }
                        if let Some(getset) = descriptor.downcast_ref::<GetSet>() {
                            return getset.set(self, object, Some(value));
                        }
                    }
                    Some(descriptor @ Value::Instance(_)) => {
                        if let Some(set) = self.lookup_special(&descriptor, "__set__") {
                            self.call_bound(&set, &descriptor, &[object.clone(), value], &[])?;
                            return Ok(());
                        }
                    }
                    _ => {}
                }
                if instance.exception.is_some()
                    && self.set_exception_attribute(instance, name, &value)?
                {
                    return Ok(());
                }
                if !instance.class.instances_have_dict() {
                    return Err(self.missing_attribute(object, name));
                }
                if let Some(error) = self.builtin_data_unwritable(instance, name) {
                    return Err(error);
                }
                instance.set_own(name, value);
                Ok(())
            }
            Value::Type(class) if class.module.as_ref() != "builtins" => {
                if let Some(descriptor) = self.metaclass_method(class, name) {
                    if self.meta_descriptor_set(&descriptor, object, Some(value.clone()))? {
                        return Ok(());
                    }
                }
                if name == "__qualname__" {
                    let Value::Str(qualname) = &value else {
                        return Err(self.type_error(format!(
                            "can only assign string to {}.__qualname__, not '{}'",
                            class.name,
                            self.type_name(&value)
                        )));
                    };
                    class.qualname.replace(qualname.as_str().into());
                    return Ok(());
                }
                if name == "__abstractmethods__" {
                    class.is_abstract.set(self.truthy(&value)?);
                }
                if name == "__dict__" {
                    return Err(self.attribute_error(
                        "attribute '__dict__' of 'type' objects is not writable",
                    ));
                }
                class.namespace.borrow_mut().insert(name.into(), value);
                Ok(())
            }
            Value::Module(module) => {
                self.define_lazily(module, name)?;
                module.namespace.borrow_mut().insert(name.into(), value);
                Ok(())
            }
            Value::Function(function) => {
                match (name, &value) {
                    ("__name__", Value::Str(s)) => *function.name.borrow_mut() = s.as_str().into(),
                    ("__qualname__", Value::Str(s)) => {
                        *function.qualname.borrow_mut() = s.as_str().into()
                    }
                    ("__name__" | "__qualname__", _) => {
                        return Err(
                            self.type_error(format!("{name} must be set to a string object"))
                        )
                    }
                    ("__annotations__", value)
                        if !matches!(value, Value::Dict(_) | Value::None) =>
                    {
                        return Err(self.type_error("__annotations__ must be set to a dict object"))
                    }
                    // What a call reads is fixed when the function is made.
                    ("__defaults__" | "__kwdefaults__" | "__code__", _) => {
                        return Err(self.error(
                            ExcType::NotImplementedError,
                            format!("assigning a function's {name} is not supported by pyl"),
                        ))
                    }
                    _ => {
                        function.attributes.borrow_mut().insert(name.into(), value);
                    }
                }
                Ok(())
            }
            Value::Type(class) => Err(self.type_error(format!(
                "cannot set '{name}' attribute of immutable type '{}'",
                class.name
            ))),
            Value::Native(native) if native.get_attribute(self, name).is_some() => Err(self
                .attribute_error(format!(
                    "attribute '{name}' of '{}' objects is not writable",
                    self.type_name(object)
                ))),
            // A property of a builtin value's class (`defaultdict`'s
            // `default_factory`).
            _ if let Some(Value::Native(descriptor)) = self.class_of(object).lookup(name)
                && let Some(property) = descriptor.downcast_ref::<Property>() =>
            {
                let class = self.class_of(object);
                if property.setter.is_none() {
                    return Err(property.missing(self, &class.name, "setter"));
                }
                let setter = property.setter.clone();
                self.call(&setter, &[object.clone(), value], &[])?;
                Ok(())
            }
            _ => Err(self
                .unwritable(object, name)
                .unwrap_or_else(|| self.missing_attribute_message(object, name))),
        }
    }

    /// The error of setting or deleting an attribute that a builtin value
    /// has and cannot change, as CPython words it for a data descriptor
    /// of its type (`(5).real`), a member (`range(3).start`) or a method
    /// (`'abc'.upper`). `None` for a name it does not have.
    /// A data attribute of the builtin value that an instance of a builtin
    /// type's subclass is (`I(1).real`, a deque's `maxlen`): not writable
    /// there, as on the value itself.
    fn builtin_data_unwritable(
        &mut self,
        instance: &Instance,
        name: &str,
    ) -> Option<super::error::PyErr> {
        let builtin = instance.builtin.as_ref()?;
        if let Value::Native(native) = builtin {
            native.clone().get_attribute(self, name)?.ok()?;
            return Some(self.attribute_error(format!(
                "attribute '{name}' of '{}' objects is not writable",
                self.type_name(builtin)
            )));
        }
        self.builtin_value_attribute(builtin, name)?;
        self.unwritable(builtin, name)
    }

    fn unwritable(&mut self, object: &Value, name: &str) -> Option<super::error::PyErr> {
        if matches!(
            object,
            Value::Instance(_) | Value::Type(_) | Value::Module(_) | Value::Function(_)
        ) {
            return None;
        }
        if self.builtin_value_attribute(object, name).is_some() {
            let owner = match object {
                Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => "int",
                Value::Float(_) => "float",
                Value::Range(_) | Value::Slice(_) => {
                    return Some(self.attribute_error("readonly attribute"))
                }
                _ => return None,
            };
            return Some(self.attribute_error(format!(
                "attribute '{name}' of '{owner}' objects is not writable"
            )));
        }
        self.class_of(object).lookup(name)?;
        Some(self.attribute_error(format!(
            "'{}' object attribute '{name}' is read-only",
            self.type_name(object)
        )))
    }

    pub fn del_attr(&mut self, object: &Value, name: &str) -> PyResult<()> {
        if let Value::Instance(instance) = object {
            if let Some(delattr) = own_delattr(&instance.class) {
                self.call_bound(&delattr, object, &[Value::str(name)], &[])?;
                return Ok(());
            }
        }
        if let Value::Type(class) = object {
            if let Some(delattr) = self.metaclass_method(class, "__delattr__") {
                self.call_bound(&delattr, object, &[Value::str(name)], &[])?;
                return Ok(());
            }
            if let Some(descriptor) = self.metaclass_method(class, name) {
                if self.meta_descriptor_set(&descriptor, object, None)? {
                    return Ok(());
                }
            }
        }
        self.generic_del_attr(object, name)
    }

    /// `object.__delattr__`: deletes as the object's type does, without a
    /// class's own `__delattr__`.
    pub fn generic_del_attr(&mut self, object: &Value, name: &str) -> PyResult<()> {
        if let Value::Instance(instance) = object {
            match instance.class.lookup(name) {
                Some(Value::Native(descriptor)) => {
                    if let Some(property) = descriptor.downcast_ref::<Property>() {
                        if property.deleter.is_none() {
                            return Err(property.missing(self, &instance.class.name, "deleter"));
                        }
                        let deleter = property.deleter.clone();
                        self.call(&deleter, std::slice::from_ref(object), &[])?;
                        return Ok(());
                    }
                    if let Some(member) = descriptor.downcast_ref::<Member>() {
                        return member.delete(self, instance);
                    }
                    if let Some(getset) = descriptor.downcast_ref::<GetSet>() {
                        return getset.set(self, object, None);
                    }
                }
                Some(descriptor @ Value::Instance(_)) => {
                    if let Some(delete) = self.lookup_special(&descriptor, "__delete__") {
                        self.call_bound(&delete, &descriptor, std::slice::from_ref(object), &[])?;
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        if let Value::Module(module) = object {
            self.define_lazily(module, name)?;
        }
        let removed = match object {
            Value::Instance(instance) => instance.remove_own(name).is_some(),
            Value::Type(class) if class.module.as_ref() != "builtins" => {
                if name == "__abstractmethods__" {
                    class.is_abstract.set(false);
                }
                class.namespace.borrow_mut().shift_remove(name).is_some()
            }
            Value::Module(module) => module.namespace.borrow_mut().shift_remove(name).is_some(),
            Value::Function(function) => {
                let removed = function.attributes.borrow_mut().shift_remove(name);
                removed.is_some() || name == "__annotations__"
            }
            _ => false,
        };
        let builtin_data = |this: &mut Self| match object {
            Value::Instance(instance) => this.builtin_data_unwritable(instance, name),
            _ => None,
        };
        if removed {
            Ok(())
        } else if let Some(error) = self.unwritable(object, name).or_else(|| builtin_data(self)) {
            Err(error)
        } else {
            Err(self.missing_attribute(object, name))
        }
    }
}

impl Interp {
    /// Sets (`Some`) or deletes (`None`) a class's attribute through a
    /// data descriptor of its metaclass; `false` when `descriptor` is none.
    fn meta_descriptor_set(
        &mut self,
        descriptor: &Value,
        class: &Value,
        value: Option<Value>,
    ) -> PyResult<bool> {
        match descriptor {
            Value::Native(native) if let Some(property) = native.downcast_ref::<Property>() => {
                property.set_or_delete(self, class, value)?;
                Ok(true)
            }
            Value::Instance(_) => {
                let (method, args) = match value {
                    Some(value) => ("__set__", vec![class.clone(), value]),
                    None => ("__delete__", vec![class.clone()]),
                };
                match self.lookup_special(descriptor, method) {
                    Some(method) => {
                        self.call_bound(&method, descriptor, &args, &[])?;
                        Ok(true)
                    }
                    None => Ok(false),
                }
            }
            _ => Ok(false),
        }
    }
}

/// Whether a descriptor written in Python also sets or deletes, and so
/// comes before an instance's own names.
fn is_data_descriptor(interp: &Interp, descriptor: &Value) -> bool {
    interp.lookup_special(descriptor, "__set__").is_some()
        || interp.lookup_special(descriptor, "__delete__").is_some()
}

/// Whether `instance.name` is the instance's own business: not an
/// exception (whose fields live apart), and a class with no say in the
/// name (see [`class_has_a_say`]), as the store site's cache remembers.
#[inline]
fn leaves_to_instance(instance: &Instance, name: &Name, cache: &StoreCache) -> bool {
    instance.exception.is_none()
        && cache.is_plain(&instance.class, || !class_has_a_say(&instance.class, name))
}

/// Whether `class` may take part in reading or storing `name` on its
/// instances: an attribute of that name that may be a descriptor (a
/// `property`, any native object, an instance whose class may define
/// `__set__`), or a `__setattr__` of its own — the
/// cases [`Interp::get_attr`] and [`Interp::set_attr`] handle first;
/// `__dict__`, which is where the names are, not one of them, and
/// `__class__`; and every name of instances without a `__dict__`.
fn class_has_a_say(class: &Rc<Class>, name: &str) -> bool {
    matches!(name, "__dict__" | "__class__")
        || !class.instances_have_dict()
        || matches!(
            class.lookup(name),
            Some(Value::Future(_) | Value::Native(_) | Value::Instance(_))
        )
        || own_setattr(class).is_some()
}

/// `f.__call__` of what the evaluator calls itself (a function, a builtin,
/// a method, a class): a builtin bound to it that calls it.
fn call_wrapper(callee: &Value) -> Value {
    fn call_through(
        interp: &mut Interp,
        args: &[Value],
        kwargs: &[(Name, Value)],
    ) -> PyResult<Value> {
        match args.split_first() {
            Some((callee, args)) => interp.call(callee, args, kwargs),
            None => Ok(Value::None),
        }
    }
    Value::Builtin(Rc::new(BuiltinFunction {
        name: "__call__",
        func: call_through,
        receiver: Some(callee.clone()),
        owner: None,
        python_module: None,
    }))
}
