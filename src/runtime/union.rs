//! `int | None`: what `|` makes of types (PEP 604's `types.UnionType`),
//! for `isinstance`, `issubclass` and annotations.

use std::rc::Rc;

use super::builtins::add_method;
use super::error::PyResult;
use super::generic_alias::{generic_alias, type_repr};
use super::interp::Interp;
use super::object::{Class, NativeObject};
use super::value::Value;
use crate::syntax::ast::Name;

pub struct Union {
    /// Each member once, in the order written: classes (`None` as
    /// `NoneType`) and generic aliases (`list[int]`).
    pub members: Vec<Value>,
}

impl NativeObject for Union {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("UnionType")
    }

    fn get_attribute(&self, _interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        (name == "__args__").then(|| Ok(Value::tuple(self.members.clone())))
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        let mut names = Vec::with_capacity(self.members.len());
        for member in &self.members {
            names.push(match member {
                Value::Type(class) if Rc::ptr_eq(class, &interp.types.none) => "None".to_string(),
                member => match type_repr(interp, member) {
                    Ok(name) => name,
                    Err(error) => return Some(Err(error)),
                },
            });
        }
        Some(Ok(names.join(" | ")))
    }
}

pub fn install(interp: &mut Interp) {
    let class = interp.define_module_class("UnionType", "types");
    add_method(&class, "__eq__", union_eq);
    add_method(&class, "__hash__", union_hash);
}

/// What `value` stands for in a union, if it may be in one.
fn members_of(interp: &Interp, value: &Value) -> Option<Vec<Value>> {
    match value {
        Value::Type(_) => Some(vec![value.clone()]),
        Value::None => Some(vec![Value::Type(interp.types.none.clone())]),
        _ if generic_alias(value).is_some() => Some(vec![value.clone()]),
        Value::Native(native) => native.downcast_ref::<Union>().map(|u| u.members.clone()),
        _ => None,
    }
}

/// `a | b` when one is a type, a generic alias or a union and the other
/// one too, or `None`: the union of their members (one alone is itself).
pub fn union(interp: &mut Interp, a: &Value, b: &Value) -> PyResult<Option<Value>> {
    if matches!(a, Value::None) && matches!(b, Value::None) {
        return Ok(None);
    }
    let (Some(mut members), Some(more)) = (members_of(interp, a), members_of(interp, b)) else {
        return Ok(None);
    };
    for member in more {
        if !contains(interp, &members, &member)? {
            members.push(member);
        }
    }
    Ok(Some(if members.len() == 1 {
        members.swap_remove(0)
    } else {
        Value::native(Rc::new(Union { members }))
    }))
}

fn contains(interp: &mut Interp, members: &[Value], member: &Value) -> PyResult<bool> {
    for other in members {
        if interp.eq(other, member)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The members of a union, for `isinstance` and `issubclass`.
pub fn union_members(value: &Value) -> Option<&[Value]> {
    match value {
        Value::Native(native) => native.downcast_ref::<Union>().map(|u| &u.members[..]),
        _ => None,
    }
}

/// Unions are equal when they have the same members, in any order.
fn union_eq(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let (Some(a), Some(b)) = (
        args.first().and_then(union_members),
        args.get(1).and_then(union_members),
    ) else {
        return Ok(Value::NotImplemented);
    };
    if a.len() != b.len() {
        return Ok(Value::from(false));
    }
    for member in a {
        if !contains(interp, b, member)? {
            return Ok(Value::from(false));
        }
    }
    Ok(Value::from(true))
}

/// Order-blind, as the equality is: its members' hashes combined.
fn union_hash(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let members = args.first().and_then(union_members).unwrap_or_default();
    let mut hash = 0x5a5a_5a5a;
    for member in members {
        hash ^= interp.hash(member)?;
    }
    Ok(Value::Int(hash))
}
