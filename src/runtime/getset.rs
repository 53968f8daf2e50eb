//! CPython's getset descriptors for what every instance has: `object`'s
//! `__class__`, and the `__dict__` and `__weakref__` a class gets when no
//! base of it had them (`<attribute '__dict__' of 'P' objects>`).
//!
//! They are data descriptors, found along the MRO like any other, so
//! `dir()`, `vars(P)` and `P.__dict__` list them as CPython's do. pyl
//! has no weak references: `__weakref__` is always `None`.

use std::rc::{Rc, Weak};

use super::attributes::descriptor_dunder_get;
use super::builtins::add_method;
use super::error::{ExcType, PyResult};
use super::interp::Interp;
use super::object::{Class, InstanceNames, NativeObject};
use super::value::Value;
use crate::syntax::ast::Name;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum GetSetKind {
    Class,
    Dict,
    Weakref,
}

impl GetSetKind {
    fn name(self) -> &'static str {
        match self {
            GetSetKind::Class => "__class__",
            GetSetKind::Dict => "__dict__",
            GetSetKind::Weakref => "__weakref__",
        }
    }

    fn doc(self) -> &'static str {
        match self {
            GetSetKind::Class => "the object's class",
            GetSetKind::Dict => "dictionary for instance variables",
            GetSetKind::Weakref => "list of weak references to the object",
        }
    }
}

pub struct GetSet {
    pub kind: GetSetKind,
    /// The class whose `__dict__` holds it (`__objclass__`); weak, as the
    /// class holds the descriptor.
    owner: Weak<Class>,
    owner_name: Name,
}

impl GetSet {
    pub fn new(kind: GetSetKind, owner: Weak<Class>, owner_name: Name) -> GetSet {
        GetSet {
            kind,
            owner,
            owner_name,
        }
    }

    /// The descriptor as its class's namespace holds it.
    pub fn entry(kind: GetSetKind, owner: &Weak<Class>, owner_name: &Name) -> (Name, Value) {
        let getset = GetSet::new(kind, owner.clone(), owner_name.clone());
        (kind.name().into(), Value::native(Rc::new(getset)))
    }

    /// `descriptor.__get__(receiver)`.
    pub fn get(&self, interp: &mut Interp, receiver: &Value) -> PyResult<Value> {
        self.check_receiver(interp, receiver)?;
        match (self.kind, receiver) {
            (GetSetKind::Class, _) => Ok(Value::Type(interp.class_of(receiver))),
            (GetSetKind::Dict, Value::Instance(instance)) => {
                interp.check_instance_dict(instance, receiver)?;
                Ok(Value::Dict(instance.dict()))
            }
            _ => Ok(Value::None),
        }
    }

    /// `descriptor.__set__(receiver, value)`, or `__delete__` for `None`.
    pub fn set(&self, interp: &mut Interp, receiver: &Value, value: Option<Value>) -> PyResult<()> {
        self.check_receiver(interp, receiver)?;
        match (self.kind, receiver, value) {
            (GetSetKind::Class, _, None) => {
                Err(interp.type_error("can't delete __class__ attribute"))
            }
            (GetSetKind::Class, Value::Instance(_), Some(_)) => Err(interp.error(
                ExcType::NotImplementedError,
                "assigning an object's __class__ is not supported by pyl",
            )),
            (GetSetKind::Class, _, Some(_)) => Err(interp.type_error(
                "__class__ assignment only supported for mutable types or ModuleType subclasses",
            )),
            (GetSetKind::Dict, Value::Instance(instance), value) => {
                interp.check_instance_dict(instance, receiver)?;
                match value {
                    // The next read makes a new, empty one.
                    None => *instance.names.borrow_mut() = InstanceNames::empty(),
                    Some(Value::Dict(dict)) => instance.set_dict(dict),
                    Some(other) => {
                        return Err(interp.type_error(format!(
                            "__dict__ must be set to a dictionary, not a '{}'",
                            interp.type_name(&other)
                        )))
                    }
                }
                Ok(())
            }
            _ => Err(interp.attribute_error(format!(
                "attribute '{}' of '{}' objects is not writable",
                self.kind.name(),
                self.owner_name
            ))),
        }
    }

    /// CPython's `descr_check`: a descriptor of a class applies only to
    /// that class's instances.
    fn check_receiver(&self, interp: &Interp, receiver: &Value) -> PyResult<()> {
        let applies = match self.owner.upgrade() {
            Some(owner) => interp.class_of(receiver).is_subclass_of(&owner),
            None => false,
        };
        if applies {
            return Ok(());
        }
        Err(interp.type_error(format!(
            "descriptor '{}' for '{}' objects doesn't apply to a '{}' object",
            self.kind.name(),
            self.owner_name,
            interp.type_name(receiver)
        )))
    }
}

pub fn install(interp: &mut Interp) {
    let class = interp.native_class("getset_descriptor");
    add_method(&class, "__get__", descriptor_dunder_get);
    add_method(&class, "__set__", getset_dunder_set);
    add_method(&class, "__delete__", getset_dunder_delete);
}

/// `getset.__set__(instance, value)`.
fn getset_dunder_set(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [descriptor, receiver, value] = args else {
        return Err(interp.type_error(format!(
            "expected 2 arguments, got {}",
            args.len().saturating_sub(1)
        )));
    };
    getset_of(interp, descriptor)?.set(interp, receiver, Some(value.clone()))?;
    Ok(Value::None)
}

/// `getset.__delete__(instance)`.
fn getset_dunder_delete(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let [descriptor, receiver] = args else {
        return Err(interp.type_error(format!(
            "expected 1 argument, got {}",
            args.len().saturating_sub(1)
        )));
    };
    getset_of(interp, descriptor)?.set(interp, receiver, None)?;
    Ok(Value::None)
}

fn getset_of<'a>(interp: &Interp, descriptor: &'a Value) -> PyResult<&'a GetSet> {
    match descriptor {
        Value::Native(native) => native.downcast_ref::<GetSet>(),
        _ => None,
    }
    .ok_or_else(|| interp.type_error("descriptor requires a 'getset_descriptor' object"))
}

impl NativeObject for GetSet {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("getset_descriptor")
    }

    fn get_attribute(&self, _interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        Some(Ok(match name {
            "__name__" => Value::str(self.kind.name()),
            "__qualname__" => Value::str(format!("{}.{}", self.owner_name, self.kind.name())),
            "__doc__" => Value::str(self.kind.doc()),
            "__objclass__" => Value::Type(self.owner.upgrade()?),
            _ => return None,
        }))
    }

    fn repr(&self, _interp: &mut Interp) -> Option<PyResult<String>> {
        Some(Ok(format!(
            "<attribute '{}' of '{}' objects>",
            self.kind.name(),
            self.owner_name
        )))
    }
}
