//! `match` statements: a `case` clause's pattern against the subject, as
//! CPython 3.11's `MATCH_SEQUENCE`, `MATCH_MAPPING`, `MATCH_KEYS` and
//! `MATCH_CLASS` do it.
//!
//! The captures are gathered while the pattern is tried and stored only
//! when the whole pattern has matched, in the order CPython stores them: a
//! pattern that fails binds nothing, even when a part of it matched.

use std::rc::Rc;

use crate::compile::ir::{MatchCase, Pattern};
use crate::runtime::error::{ExcType, Placed, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, NativeKind};
use crate::runtime::value::Value;

use super::frame::Frame;

type Captures = Vec<Option<Value>>;

impl Interp {
    /// Whether the case's pattern matches its subject; on a match, its
    /// captures are stored.
    #[inline(never)]
    pub(super) fn match_case(&mut self, frame: &mut Frame, case: &MatchCase) -> PyResult<bool> {
        let subject = frame.slots[case.subject as usize]
            .clone()
            .unwrap_or(Value::None);
        let mut captures: Captures = vec![None; case.targets.len()];
        if !self.match_pattern(frame, &case.pattern, &subject, &mut captures)? {
            return Ok(false);
        }
        for (target, value) in case.targets.iter().zip(captures) {
            self.store(frame, target, value.unwrap_or(Value::None))?;
        }
        Ok(true)
    }

    fn match_pattern(
        &mut self,
        frame: &mut Frame,
        pattern: &Pattern,
        subject: &Value,
        captures: &mut Captures,
    ) -> PyResult<bool> {
        match pattern {
            Pattern::Wildcard => Ok(true),
            Pattern::Capture(i) => {
                captures[*i as usize] = Some(subject.clone());
                Ok(true)
            }
            Pattern::Value(e) => {
                let value = self.eval(frame, e)?;
                self.eq(subject, &value).placed(e.span)
            }
            Pattern::Singleton(value) => Ok(subject.is(value)),
            Pattern::As(inner, i) => {
                if !self.match_pattern(frame, inner, subject, captures)? {
                    return Ok(false);
                }
                captures[*i as usize] = Some(subject.clone());
                Ok(true)
            }
            Pattern::Or(alternatives) => {
                for alternative in alternatives {
                    if self.match_pattern(frame, alternative, subject, captures)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Pattern::Sequence { items, star } => {
                self.match_sequence(frame, items, *star, subject, captures)
            }
            Pattern::Mapping { keys, values, rest } => {
                self.match_mapping(frame, keys, values, *rest, subject, captures)
            }
            Pattern::Class {
                class,
                positional,
                keywords,
                span,
            } => {
                let class = self.eval(frame, class)?;
                let Some(attributes) = self
                    .match_class(&class, positional.len(), keywords, subject)
                    .placed(*span)?
                else {
                    return Ok(false);
                };
                let patterns = positional.iter().chain(keywords.iter().map(|(_, p)| p));
                for (pattern, attribute) in patterns.zip(attributes) {
                    if !self.match_pattern(frame, pattern, &attribute, captures)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
        }
    }

    /// `MATCH_SEQUENCE`: a list, tuple, range or deque (never a str, bytes
    /// or mapping), of a length the pattern can take.
    fn match_sequence(
        &mut self,
        frame: &mut Frame,
        patterns: &[Pattern],
        star: Option<usize>,
        subject: &Value,
        captures: &mut Captures,
    ) -> PyResult<bool> {
        let is_sequence = match subject.builtin_value() {
            Value::List(_) | Value::Tuple(_) | Value::Range(_) => true,
            Value::Native(_) => {
                matches!(
                    subject.as_native().map(|n| n.kind()),
                    Some(NativeKind::Deque(_))
                )
            }
            _ => false,
        };
        if !is_sequence {
            return Ok(false);
        }
        let length = self.len(subject)?;
        let size = patterns.len();
        let fits = match star {
            None => length == size,
            Some(_) => length + 1 >= size,
        };
        if !fits {
            return Ok(false);
        }
        let items: Vec<Value> = match subject.builtin_value() {
            Value::List(list) => list.borrow().to_vec(),
            Value::Tuple(tuple) => tuple.iter().cloned().collect(),
            _ => {
                let iterator = self.get_iter(subject)?;
                let mut items = Vec::with_capacity(length);
                while let Some(item) = self.next(&iterator)? {
                    items.push(item);
                }
                items
            }
        };
        // A list that shrank while an earlier sub-pattern ran code is
        // taken as it was: the items were copied first, as CPython
        // unpacks them first.
        let length = items.len();
        for (i, pattern) in patterns.iter().enumerate() {
            let matched = match star {
                Some(s) if i == s => {
                    let taken = length + 1 - size;
                    let rest = Value::list(items[s..s + taken].to_vec());
                    self.match_pattern(frame, pattern, &rest, captures)?
                }
                Some(s) if i > s => {
                    let item = &items[length - (size - i)];
                    self.match_pattern(frame, pattern, item, captures)?
                }
                _ => self.match_pattern(frame, pattern, &items[i], captures)?,
            };
            if !matched {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `MATCH_MAPPING` and `MATCH_KEYS`: a dict with every key, each
    /// value matching its pattern; `**rest` a new dict of the other items.
    fn match_mapping(
        &mut self,
        frame: &mut Frame,
        keys: &[crate::compile::ir::Expr],
        patterns: &[Pattern],
        rest: Option<u32>,
        subject: &Value,
        captures: &mut Captures,
    ) -> PyResult<bool> {
        let Value::Dict(dict) = subject.builtin_value() else {
            return Ok(false);
        };
        if !keys.is_empty() && dict.borrow().len() < keys.len() {
            return Ok(false);
        }
        let mut key_values = Vec::with_capacity(keys.len());
        for key in keys {
            key_values.push(self.eval(frame, key)?);
        }
        let mut values = Vec::with_capacity(keys.len());
        for (i, key) in key_values.iter().enumerate() {
            for earlier in &key_values[..i] {
                if self.eq(earlier, key)? {
                    let repr = self.repr(key)?;
                    return Err(
                        self.value_error(format!("mapping pattern checks duplicate key ({repr})"))
                    );
                }
            }
            match self.dict_get(dict, key)? {
                Some(value) => values.push(value),
                None => return Ok(false),
            }
        }
        if let Some(rest) = rest {
            let copy = Value::dict(Default::default());
            if let Value::Dict(table) = &copy {
                let items = dict.borrow().items();
                for (key, value) in items {
                    self.dict_set(table, key, value)?;
                }
                for key in &key_values {
                    self.dict_remove(table, key)?;
                }
            }
            captures[rest as usize] = Some(copy);
        }
        for (pattern, value) in patterns.iter().zip(values) {
            if !self.match_pattern(frame, pattern, &value, captures)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `MATCH_CLASS`: the attributes the sub-patterns match (the positional
    /// ones named by `__match_args__`), or `None` when the subject is no
    /// instance of the class or lacks one of them.
    fn match_class(
        &mut self,
        class: &Value,
        positional: usize,
        keywords: &[(crate::syntax::ast::Name, Pattern)],
        subject: &Value,
    ) -> PyResult<Option<Vec<Value>>> {
        let Value::Type(type_) = class else {
            return Err(self.type_error("called match pattern must be a type"));
        };
        if !self.is_instance(subject, type_) {
            return Ok(None);
        }
        let mut attributes = Vec::with_capacity(positional + keywords.len());
        let mut seen: Vec<Rc<str>> = Vec::new();
        if positional > 0 {
            let (match_args, match_self) = match self.get_attr(class, "__match_args__") {
                Ok(Value::Tuple(names)) => (names.iter().cloned().collect::<Vec<_>>(), false),
                Ok(other) => {
                    return Err(self.type_error(format!(
                        "{}.__match_args__ must be a tuple (got {})",
                        type_.name,
                        self.type_name(&other)
                    )))
                }
                Err(error) if self.is_instance_of(&error, ExcType::AttributeError) => {
                    (Vec::new(), self.matches_self(type_))
                }
                Err(error) => return Err(error),
            };
            let allowed = if match_self { 1 } else { match_args.len() };
            if allowed < positional {
                let plural = if allowed == 1 { "" } else { "s" };
                return Err(self.type_error(format!(
                    "{}() accepts {allowed} positional sub-pattern{plural} ({positional} given)",
                    type_.name
                )));
            }
            if match_self {
                attributes.push(subject.clone());
            } else {
                for name in &match_args[..positional] {
                    let Value::Str(name) = name else {
                        return Err(self.type_error(format!(
                            "__match_args__ elements must be strings (got {})",
                            self.type_name(name)
                        )));
                    };
                    let name: Rc<str> = name.as_str().into();
                    match self.match_class_attribute(type_, subject, name, &mut seen)? {
                        Some(value) => attributes.push(value),
                        None => return Ok(None),
                    }
                }
            }
        }
        for (name, _) in keywords {
            match self.match_class_attribute(type_, subject, name.clone(), &mut seen)? {
                Some(value) => attributes.push(value),
                None => return Ok(None),
            }
        }
        Ok(Some(attributes))
    }

    fn match_class_attribute(
        &mut self,
        class: &Rc<Class>,
        subject: &Value,
        name: Rc<str>,
        seen: &mut Vec<Rc<str>>,
    ) -> PyResult<Option<Value>> {
        if seen.contains(&name) {
            let repr = self.repr(&Value::str(&*name))?;
            return Err(self.type_error(format!(
                "{}() got multiple sub-patterns for attribute {repr}",
                class.name
            )));
        }
        seen.push(name.clone());
        match self.get_attr(subject, &name) {
            Ok(value) => Ok(Some(value)),
            Err(error) if self.is_instance_of(&error, ExcType::AttributeError) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// The builtin classes, and their subclasses, whose instances a
    /// one-positional class pattern matches whole (CPython's
    /// `_Py_TPFLAGS_MATCH_SELF`): `int(x)`.
    fn matches_self(&self, class: &Rc<Class>) -> bool {
        let Some(class) = class.builtin_base() else {
            return false;
        };
        let t = &self.types;
        [
            &t.bool_,
            &t.bytes,
            &t.dict,
            &t.float,
            &t.frozenset,
            &t.int,
            &t.list,
            &t.set,
            &t.str_,
            &t.tuple,
        ]
        .iter()
        .any(|builtin| Rc::ptr_eq(builtin, class))
    }
}
