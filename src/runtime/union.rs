//! `int | None`: what `|` makes of types (PEP 604's `types.UnionType`),
//! for `isinstance`, `issubclass` and annotations.

use std::rc::Rc;

use super::builtins::add_method;
use super::error::PyResult;
use super::interp::Interp;
use super::object::{Class, NativeObject};
use super::value::Value;
use crate::syntax::ast::Name;

pub struct Union {
    /// Each type once, in the order written; `None` as `NoneType`.
    pub members: Vec<Rc<Class>>,
}

impl NativeObject for Union {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("UnionType")
    }

    fn get_attribute(&self, _interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        (name == "__args__").then(|| {
            let members = self.members.iter().map(|c| Value::Type(c.clone()));
            Ok(Value::tuple(members.collect()))
        })
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        let names: Vec<String> = (self.members.iter())
            .map(|class| match &*class.module {
                _ if Rc::ptr_eq(class, &interp.types.none) => "None".to_string(),
                "builtins" => interp.qualname_of(class),
                module => format!("{module}.{}", interp.qualname_of(class)),
            })
            .collect();
        Some(Ok(names.join(" | ")))
    }
}

pub fn install(interp: &mut Interp) {
    let class = interp.native_class("UnionType");
    add_method(&class, "__eq__", union_eq);
    add_method(&class, "__hash__", union_hash);
}

/// The types `value` stands for in a union, if it may be in one.
fn members_of(interp: &Interp, value: &Value) -> Option<Vec<Rc<Class>>> {
    match value {
        Value::Type(class) => Some(vec![class.clone()]),
        Value::None => Some(vec![interp.types.none.clone()]),
        Value::Native(native) => native.downcast_ref::<Union>().map(|u| u.members.clone()),
        _ => None,
    }
}

/// `a | b` when one is a type or a union and the other one too, or
/// `None`: the union of their types (one type alone is itself).
pub fn union(interp: &Interp, a: &Value, b: &Value) -> Option<Value> {
    if matches!(a, Value::None) && matches!(b, Value::None) {
        return None;
    }
    let mut members = members_of(interp, a)?;
    for class in members_of(interp, b)? {
        if !members.iter().any(|m| Rc::ptr_eq(m, &class)) {
            members.push(class);
        }
    }
    Some(match members.as_slice() {
        [only] => Value::Type(only.clone()),
        _ => Value::native(Rc::new(Union { members })),
    })
}

/// The members of a union, for `isinstance` and `issubclass`.
pub fn union_members(value: &Value) -> Option<&[Rc<Class>]> {
    match value {
        Value::Native(native) => native.downcast_ref::<Union>().map(|u| &u.members[..]),
        _ => None,
    }
}

/// Unions are equal when they have the same types, in any order.
fn union_eq(_: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let (Some(a), Some(b)) = (
        args.first().and_then(union_members),
        args.get(1).and_then(union_members),
    ) else {
        return Ok(Value::NotImplemented);
    };
    let contains = |all: &[Rc<Class>], class: &Rc<Class>| all.iter().any(|c| Rc::ptr_eq(c, class));
    Ok(Value::from(
        a.len() == b.len() && a.iter().all(|class| contains(b, class)),
    ))
}

/// Order-blind, as the equality is: its types' hashes combined.
fn union_hash(_: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let members = args.first().and_then(union_members).unwrap_or_default();
    let hash = (members.iter())
        .map(|class| Value::Type(class.clone()).identity_hash())
        .fold(0x5a5a_5a5a, |hash, member| hash ^ member);
    Ok(Value::Int(hash))
}
