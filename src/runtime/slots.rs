//! `__slots__`: a class that names its instances' attributes.
//!
//! Each name listed becomes a member descriptor in the class
//! (`<member 'x' of 'C' objects>`), a data descriptor that keeps the value
//! among the instance's own names. A class whose every class lists its
//! slots, none of them `__dict__`, has [`Layout::Slotted`]: its instances
//! take no other names and have no `__dict__`.

use std::rc::Rc;

use super::builtins::str::is_identifier;
use super::error::{ExcType, PyResult};
use super::getset::{GetSet, GetSetKind};
use super::interp::Interp;
use super::object::{Class, Instance, Layout, NameMap, NativeObject};
use super::value::Value;
use crate::syntax::ast::Name;

/// A slot: CPython's `member_descriptor`.
pub struct Member {
    /// The slot's name, mangled if private (`__x` in `C` is `_C__x`).
    pub name: Name,
    pub class_name: Name,
}

impl NativeObject for Member {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("member_descriptor")
    }

    fn get_attribute(&self, _interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        (name == "__name__").then(|| Ok(Value::str(&*self.name)))
    }

    fn repr(&self, _interp: &mut Interp) -> Option<PyResult<String>> {
        Some(Ok(format!(
            "<member '{}' of '{}' objects>",
            self.name, self.class_name
        )))
    }
}

impl Member {
    pub fn get(&self, interp: &Interp, instance: &Instance, receiver: &Value) -> PyResult<Value> {
        instance
            .own(&self.name)
            .ok_or_else(|| interp.missing_attribute(receiver, &self.name))
    }

    pub fn set(&self, instance: &Instance, value: Value) {
        instance.set_own(&self.name, value);
    }

    /// `del obj.slot`; an empty slot's error is only its name, as CPython's.
    pub fn delete(&self, interp: &Interp, instance: &Instance) -> PyResult<()> {
        match instance.remove_own(&self.name) {
            Some(_) => Ok(()),
            None => Err(interp.attribute_error(self.name.to_string())),
        }
    }
}

impl Interp {
    /// The layout of a class with these bases and this body, once its
    /// `__slots__`, if any, are checked and made member descriptors in the
    /// body's namespace, and the getsets (`__dict__`, `__weakref__`) its
    /// instances have that its bases' had not (CPython's `type_new_slots`).
    pub fn slotted_layout(
        &mut self,
        class_name: &Name,
        bases: &[Rc<Class>],
        namespace: &mut NameMap,
    ) -> PyResult<(Layout, Vec<GetSetKind>)> {
        let mut layout = Layout::Slotted;
        for base in bases {
            match base.layout {
                Layout::Exception => layout = Layout::Exception,
                Layout::Object if layout == Layout::Slotted => layout = Layout::Object,
                _ => {}
            }
        }
        self.check_instance_layouts(bases)?;
        let may_add_dict = layout == Layout::Slotted;
        let may_add_weakref = !bases.iter().any(|base| self.has_weakref_slot(base));
        let Some(slots) = namespace.get("__slots__").cloned() else {
            let layout = match layout {
                Layout::Exception => layout,
                _ => Layout::Object,
            };
            return Ok((layout, added_getsets(may_add_dict, may_add_weakref)));
        };
        let slots = match &slots {
            Value::Str(_) => vec![slots.clone()],
            other => self.collect(other)?,
        };
        let mut names = Vec::with_capacity(slots.len());
        let mut wants_dict = false;
        let mut wants_weakref = false;
        for slot in &slots {
            let Value::Str(text) = slot else {
                return Err(self.type_error(format!(
                    "__slots__ items must be strings, not '{}'",
                    self.type_name(slot)
                )));
            };
            if !is_identifier(text.as_str()) {
                return Err(self.type_error("__slots__ must be identifiers"));
            }
            match text.as_str() {
                "__dict__" => {
                    if wants_dict || layout != Layout::Slotted {
                        return Err(self.type_error("__dict__ slot disallowed: we already got one"));
                    }
                    wants_dict = true;
                }
                "__weakref__" => {
                    if wants_weakref || !may_add_weakref {
                        return Err(self.type_error(
                            "__weakref__ slot disallowed: either we already got one, or the base type has a nonzero tp_itemsize",
                        ));
                    }
                    wants_weakref = true;
                }
                text => {
                    let name = crate::resolve::mangle(class_name, text)
                        .unwrap_or_else(|| text.to_string());
                    if namespace.contains_key(name.as_str()) {
                        return Err(self.error(
                            ExcType::ValueError,
                            format!("'{name}' in __slots__ conflicts with class variable"),
                        ));
                    }
                    names.push(Name::from(name));
                }
            }
        }
        // CPython's int, bytes and tuple keep their items in the object,
        // where slots would go.
        if let Some(base) = bases.iter().find_map(|base| base.builtin_base()) {
            let types = &self.types;
            let variable_size = [&types.int, &types.bytes, &types.tuple];
            if !names.is_empty() && variable_size.iter().any(|t| Rc::ptr_eq(t, base)) {
                return Err(self.type_error(format!(
                    "nonempty __slots__ not supported for subtype of '{}'",
                    base.name
                )));
            }
        }
        for name in names {
            let member = Member {
                name: name.clone(),
                class_name: class_name.clone(),
            };
            namespace.insert(name, Value::native(Rc::new(member)));
        }
        let layout = match layout {
            Layout::Slotted if wants_dict => Layout::Object,
            layout => layout,
        };
        Ok((layout, added_getsets(wants_dict, wants_weakref)))
    }

    /// Whether instances of `class` have a `__weakref__` slot already: a
    /// base added one, or the builtin type has weak references of its own
    /// (`set`) or keeps its items where the slot would go (`int`).
    fn has_weakref_slot(&self, class: &Rc<Class>) -> bool {
        let types = &self.types;
        let builtins = [
            &types.int,
            &types.tuple,
            &types.bytes,
            &types.set,
            &types.frozenset,
        ];
        class.mro().any(|c| {
            builtins.iter().any(|t| Rc::ptr_eq(t, c))
                || matches!(c.namespace.borrow().get("__weakref__"),
                    Some(Value::Native(native)) if native.is::<GetSet>())
        })
    }

    /// An instance's `__dict__` (its `__dict__` attribute, `vars()` of it)
    /// refused: none for a slotted class's instances, and one without the
    /// slots' values for a class with both, which pyl does not keep apart.
    pub fn check_instance_dict(&self, instance: &Instance, receiver: &Value) -> PyResult<()> {
        let class = &instance.class;
        if !class.instances_have_dict() {
            return Err(self.missing_attribute(receiver, "__dict__"));
        }
        if class.has_slots {
            return Err(self.error(
                ExcType::NotImplementedError,
                format!(
                    "the __dict__ of '{}' objects, which have __slots__ too, is not supported by pyl",
                    class.name
                ),
            ));
        }
        Ok(())
    }

    /// Two bases that each add slots, neither a subclass of the other,
    /// cannot share instances (CPython's `best_base`).
    fn check_instance_layouts(&self, bases: &[Rc<Class>]) -> PyResult<()> {
        let mut winner: Option<&Rc<Class>> = None;
        for base in bases {
            let solid = solid_base(base);
            winner = match winner {
                None => Some(solid),
                Some(w) if w.is_subclass_of(solid) => Some(w),
                Some(w) if solid.is_subclass_of(w) => Some(solid),
                Some(_) => {
                    return Err(self.type_error("multiple bases have instance lay-out conflict"))
                }
            };
        }
        Ok(())
    }
}

/// The nearest class, from `class` up its first bases, that adds slots
/// or is a builtin type whose instances hold more than an `object` (a
/// list's items, an exception's data), or the root.
fn solid_base(class: &Rc<Class>) -> &Rc<Class> {
    match class.bases.first() {
        Some(base) if !adds_slots(class) && !adds_builtin_layout(class, base) => solid_base(base),
        _ => class,
    }
}

fn adds_builtin_layout(class: &Class, base: &Class) -> bool {
    match class.layout {
        Layout::Builtin => true,
        Layout::Exception | Layout::Type => base.layout != class.layout,
        Layout::Object | Layout::Slotted => false,
    }
}

/// The getsets a new class adds, in CPython's order.
fn added_getsets(dict: bool, weakref: bool) -> Vec<GetSetKind> {
    let added = [(dict, GetSetKind::Dict), (weakref, GetSetKind::Weakref)];
    added
        .into_iter()
        .filter(|&(add, _)| add)
        .map(|(_, kind)| kind)
        .collect()
}

fn adds_slots(class: &Rc<Class>) -> bool {
    class.namespace.borrow().values().any(is_member)
}

/// Whether a class attribute is a slot's member descriptor.
pub fn is_member(value: &Value) -> bool {
    matches!(value, Value::Native(native) if native.is::<Member>())
}
