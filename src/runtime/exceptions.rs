//! The builtin exception classes' behaviour: construction, `args`,
//! `__cause__`/`__context__`, `str`/`repr`, and `ExceptionGroup`.

use std::collections::HashSet;
use std::rc::Rc;

use super::builtins::add_method;
use super::builtins::args::check_count;
use super::builtins::object::receiver;
use super::error::{ExcType, PyResult};
use super::getset::{GetSet, GetSetKind};
use super::interp::Interp;
use super::object::{Class, ExceptionData, Instance, Layout};
use super::traceback::Traceback;
use super::value::{Flag, TupleItems, Value};
use crate::syntax::ast::Name;

pub fn install(interp: &mut Interp) {
    let base = interp.types.exception(ExcType::BaseException).clone();
    add_method(&base, "__new__", exception_new);
    add_method(&base, "__init__", exception_init);
    add_method(&base, "with_traceback", exception_with_traceback);
    add_method(&base, "add_note", exception_add_note);
    let (name, dict) = GetSet::entry(GetSetKind::Dict, &Rc::downgrade(&base), &base.name);
    base.namespace.borrow_mut().insert(name, dict);
    let group = interp.types.exception(ExcType::BaseExceptionGroup).clone();
    add_method(&group, "__new__", exception_group_new);
    add_method(&group, "__init__", exception_group_init);
    add_method(&group, "derive", exception_group_derive);
    add_method(&group, "subgroup", exception_group_subgroup);
    add_method(&group, "split", exception_group_split);
    let os_error = interp.types.exception(ExcType::OSError).clone();
    add_method(&os_error, "__new__", os_error_new);
    add_method(&os_error, "__init__", os_error_init);
    for kind in [ExcType::NameError, ExcType::AttributeError] {
        let class = interp.types.exception(kind).clone();
        add_method(&class, "__init__", name_error_init);
    }
    for kind in [ExcType::UnicodeDecodeError, ExcType::UnicodeEncodeError] {
        let class = interp.types.exception(kind).clone();
        add_method(&class, "__init__", super::codecs::unicode_error_init);
    }
    let syntax_error = interp.types.exception(ExcType::SyntaxError).clone();
    add_method(&syntax_error, "__init__", syntax_error_init);
}

/// A `SyntaxError`'s fields, after `msg`: what its second argument holds.
pub const SYNTAX_ERROR_LOCATION: [&str; 6] = [
    "filename",
    "lineno",
    "offset",
    "text",
    "end_lineno",
    "end_offset",
];

/// `SyntaxError(msg, (filename, lineno, offset, text[, end_lineno,
/// end_offset]))`: the message and the location become its fields.
fn syntax_error_init(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    exception_init(interp, args, kwargs)?;
    let Some(Value::Instance(instance)) = args.first() else {
        return Ok(Value::None);
    };
    let Some(data) = &instance.exception else {
        return Ok(Value::None);
    };
    let rest = &args[1..];
    if let Some(message) = rest.first() {
        data.set_field("msg", message.clone());
    }
    if let [_, info] = rest {
        let info = interp.collect(info)?;
        if info.len() < 4 || info.len() > 6 {
            let (bound, count) = if info.len() < 4 {
                ("least", 4)
            } else {
                ("most", 6)
            };
            return Err(interp.type_error(format!(
                "function takes at {bound} {count} arguments ({} given)",
                info.len()
            )));
        }
        for (name, value) in SYNTAX_ERROR_LOCATION.iter().zip(info) {
            data.set_field(name, value);
        }
    }
    Ok(Value::None)
}

/// The `OSError` subclass CPython makes for an error number.
pub fn os_error_subclass(errno: i64) -> Option<ExcType> {
    Some(match errno {
        1 | 13 => ExcType::PermissionError,
        2 => ExcType::FileNotFoundError,
        3 => ExcType::ProcessLookupError,
        4 => ExcType::InterruptedError,
        10 => ExcType::ChildProcessError,
        11 | 114 | 115 => ExcType::BlockingIOError,
        17 => ExcType::FileExistsError,
        20 => ExcType::NotADirectoryError,
        21 => ExcType::IsADirectoryError,
        32 | 108 => ExcType::BrokenPipeError,
        103 => ExcType::ConnectionAbortedError,
        104 => ExcType::ConnectionResetError,
        110 => ExcType::TimeoutError,
        111 => ExcType::ConnectionRefusedError,
        _ => return None,
    })
}

/// `OSError(errno, strerror, …)` is the subclass for `errno` when there is
/// one (`OSError(2, "…")` is a `FileNotFoundError`), as in CPython.
fn os_error_new(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let Some(Value::Type(class)) = args.first() else {
        return Err(interp.type_error("OSError.__new__(X): X is not a type object"));
    };
    let rest = &args[1..];
    let mut class = class.clone();
    if Rc::ptr_eq(&class, interp.types.exception(ExcType::OSError)) && (2..=5).contains(&rest.len())
    {
        if let Value::Int(errno) = rest[0] {
            if let Some(kind) = os_error_subclass(errno) {
                class = interp.types.exception(kind).clone();
            }
        }
    }
    Ok(interp.new_instance(&class, rest))
}

/// With two to five arguments, `errno` and `strerror` are the first two —
/// which alone stay in `args` — and `filename` (and `filename2`) the third
/// (and fifth).
fn os_error_init(_: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let Some(Value::Instance(instance)) = args.first() else {
        return Ok(Value::None);
    };
    let Some(data) = &instance.exception else {
        return Ok(Value::None);
    };
    let rest = &args[1..];
    let kept = if (3..=5).contains(&rest.len()) {
        &rest[..2]
    } else {
        rest
    };
    *data.args.borrow_mut() = Rc::new(kept.iter().cloned().collect());
    if (2..=5).contains(&rest.len()) {
        data.set_field("errno", rest[0].clone());
        data.set_field("strerror", rest[1].clone());
    }
    if (3..=5).contains(&rest.len()) {
        data.set_field("filename", rest[2].clone());
        if let Some(filename2) = rest.get(4) {
            data.set_field("filename2", filename2.clone());
        }
    }
    Ok(Value::None)
}

/// `NameError(*args, name=None)`, `AttributeError(*args, name=None,
/// obj=None)`: the keywords become the attributes.
fn name_error_init(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let Some(Value::Instance(instance)) = args.first() else {
        return Ok(Value::None);
    };
    let attribute_error = interp.is_exception(instance, ExcType::AttributeError);
    for (keyword, _) in kwargs {
        if !(&**keyword == "name" || (attribute_error && &**keyword == "obj")) {
            return Err(interp.type_error(format!(
                "'{keyword}' is an invalid keyword argument for {}()",
                instance.class.name
            )));
        }
    }
    exception_init(interp, args, &[])?;
    if let Some(data) = &instance.exception {
        for (keyword, value) in kwargs {
            data.set_field(keyword, value.clone());
        }
    }
    Ok(Value::None)
}

/// `BaseException.__new__(cls, *args)`: an instance with those args
/// (keywords are for an `__init__` to take or refuse).
fn exception_new(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    match args.first() {
        Some(Value::Type(class)) if class.layout == Layout::Exception => {
            Ok(interp.new_instance(class, &args[1..]))
        }
        Some(Value::Type(class)) => Err(interp.type_error(format!(
            "BaseException.__new__({}): {} is not a subtype of BaseException",
            class.name, class.name
        ))),
        Some(other) => Err(interp.type_error(format!(
            "BaseException.__new__(X): X is not a type object ({})",
            interp.type_name(other)
        ))),
        None => Err(interp.type_error("BaseException.__new__(): not enough arguments")),
    }
}

fn exception_init(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    if let (Some(receiver), false) = (args.first(), kwargs.is_empty()) {
        return Err(interp.type_error(format!(
            "{}() takes no keyword arguments",
            interp.type_name(receiver)
        )));
    }
    if let Some(Value::Instance(instance)) = args.first() {
        if let Some(data) = &instance.exception {
            *data.args.borrow_mut() = Rc::new(args[1..].iter().cloned().collect());
        }
    }
    Ok(Value::None)
}

fn exception_with_traceback(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let exception = receiver(interp, args)?;
    check_count(interp, "with_traceback", &args[1..], kwargs, 1, 1)?;
    interp.set_attr(&exception, "__traceback__", args[1].clone())?;
    Ok(exception)
}

/// `BaseExceptionGroup(message, exceptions)` makes an `ExceptionGroup` when
/// every exception is an `Exception`, as CPython does.
fn exception_group_new(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let Some(Value::Type(class)) = args.first() else {
        return Err(interp.type_error("BaseExceptionGroup.__new__(X): X is not a type object"));
    };
    let [_, message, exceptions] = args else {
        return Err(interp.type_error(format!(
            "BaseExceptionGroup.__new__() takes exactly 2 arguments ({} given)",
            args.len().saturating_sub(1)
        )));
    };
    if !matches!(message, Value::Str(_)) {
        return Err(interp.type_error(format!(
            "BaseExceptionGroup.__new__() argument 1 must be str, not {}",
            interp.argument_type_name(message)
        )));
    }
    let items = match exceptions {
        Value::List(list) => list.borrow().clone(),
        Value::Tuple(items) => items.to_vec(),
        _ => return Err(interp.type_error("second argument (exceptions) must be a sequence")),
    };
    if items.is_empty() {
        return Err(interp.value_error("second argument (exceptions) must be a non-empty sequence"));
    }
    for (index, item) in items.iter().enumerate() {
        if !matches!(item, Value::Instance(i) if i.exception.is_some()) {
            return Err(interp.value_error(format!(
                "Item {index} of second argument (exceptions) is not an exception"
            )));
        }
    }
    let exception = interp.types.exception(ExcType::Exception).clone();
    let all_exceptions = items.iter().all(|e| interp.is_instance(e, &exception));
    let mut class = class.clone();
    let base_group = interp.types.exception(ExcType::BaseExceptionGroup).clone();
    if Rc::ptr_eq(&class, &base_group) {
        if all_exceptions {
            class = interp.types.exception(ExcType::ExceptionGroup).clone();
        }
    } else if class.is_subclass_of(&exception) && !all_exceptions {
        let group = interp.types.exception(ExcType::ExceptionGroup).clone();
        return Err(interp.type_error(if Rc::ptr_eq(&class, &group) {
            "Cannot nest BaseExceptions in an ExceptionGroup".to_string()
        } else {
            format!("Cannot nest BaseExceptions in '{}'", class.name)
        }));
    }
    Ok(interp.new_instance(&class, &args[1..]))
}

/// `ExceptionGroup(message, exceptions)`: the fields of a group that
/// `exception_group_new` made.
fn exception_group_init(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let [Value::Instance(instance), message, sequence] = args else {
        return Err(interp.type_error("BaseExceptionGroup.__new__() takes exactly 2 arguments"));
    };
    // `__new__` has checked the arguments, as CPython's does.
    let exceptions = interp.collect(sequence)?;
    if let Some(data) = &instance.exception {
        // `args` keeps the sequence as given; `exceptions` is a tuple.
        *data.args.borrow_mut() = Rc::new(TupleItems::pair(message.clone(), args[2].clone()));
        data.set_field("message", message.clone());
        data.set_field("exceptions", Value::tuple(exceptions));
    }
    Ok(Value::None)
}

/// `exception.add_note(note)`: appended to its `__notes__` list, made on
/// first use.
fn exception_add_note(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [exception, note] = args else {
        return Err(interp.type_error(format!(
            "BaseException.add_note() takes exactly one argument ({} given)",
            args.len().saturating_sub(1)
        )));
    };
    if !matches!(note, Value::Str(_)) {
        return Err(interp.type_error(format!(
            "note must be a str, not '{}'",
            interp.type_name(note)
        )));
    }
    let notes = match interp.get_attr_opt(exception, "__notes__")? {
        Some(notes) => notes,
        None => {
            let notes = Value::list(Vec::new());
            interp.set_attr(exception, "__notes__", notes.clone())?;
            notes
        }
    };
    let Value::List(list) = notes else {
        return Err(interp.type_error("Cannot add note: __notes__ is not a list"));
    };
    list.borrow_mut().push(note.clone());
    Ok(Value::None)
}

/// `group.derive(exceptions)`: a group with the same message, as
/// `BaseExceptionGroup(message, exceptions)` makes it.
fn exception_group_derive(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let [group, exceptions] = args else {
        return Err(interp.type_error("BaseExceptionGroup.derive() takes exactly one argument"));
    };
    let message = interp.get_attr(group, "message")?;
    let base_group = Value::Type(interp.types.exception(ExcType::BaseExceptionGroup).clone());
    interp.call(&base_group, &[message, exceptions.clone()], &[])
}

/// `group.subgroup(condition)`: the exceptions that match, in a group
/// shaped as this one, or `None`.
fn exception_group_subgroup(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let (group, condition) = group_and_condition(interp, args, "subgroup")?;
    let (matched, _) = split_group(interp, group, &condition, false)?;
    Ok(matched.unwrap_or(Value::None))
}

/// `group.split(condition)`: `(subgroup of those that match, of the rest)`.
fn exception_group_split(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let (group, condition) = group_and_condition(interp, args, "split")?;
    let (matched, rest) = split_group(interp, group, &condition, true)?;
    Ok(Value::pair(
        matched.unwrap_or(Value::None),
        rest.unwrap_or(Value::None),
    ))
}

/// What `split` and `subgroup` select by: exception types, or a predicate;
/// or, for what an `except*` re-raises, the leaves themselves (by address).
enum Condition {
    Types(Vec<Rc<Class>>),
    Predicate(Value),
    Leaves(HashSet<*const Instance>),
}

fn group_and_condition<'a>(
    interp: &Interp,
    args: &'a [Value],
    method: &str,
) -> PyResult<(&'a Value, Condition)> {
    let [group, condition] = args else {
        return Err(interp.type_error(format!(
            "{method} expected 1 argument, got {}",
            args.len().saturating_sub(1)
        )));
    };
    let base = interp.types.exception(ExcType::BaseException);
    let exception_type = |value: &Value| match value {
        Value::Type(class) if class.is_subclass_of(base) => Some(class.clone()),
        _ => None,
    };
    let condition = match condition {
        Value::Type(_) => exception_type(condition).map(|class| Condition::Types(vec![class])),
        Value::Tuple(items) => items
            .iter()
            .map(exception_type)
            .collect::<Option<Vec<_>>>()
            .map(Condition::Types),
        other if super::builtins::functions::is_callable(interp, other) => {
            Some(Condition::Predicate(other.clone()))
        }
        _ => None,
    };
    let condition = condition.ok_or_else(|| {
        interp.type_error("expected a function, exception type or tuple of exception types")
    })?;
    Ok((group, condition))
}

/// CPython's `exceptiongroup_split_recursive`: an exception that matches
/// is taken whole; a group that does not is split leaf by leaf, each part
/// a group derived from it with its traceback, cause, context and notes.
fn split_group(
    interp: &mut Interp,
    exception: &Value,
    condition: &Condition,
    construct_rest: bool,
) -> PyResult<(Option<Value>, Option<Value>)> {
    let matches = match condition {
        Condition::Types(classes) => classes
            .iter()
            .any(|class| interp.is_instance(exception, class)),
        Condition::Predicate(predicate) => {
            let verdict = interp.call(predicate, std::slice::from_ref(exception), &[])?;
            interp.truthy(&verdict)?
        }
        Condition::Leaves(leaves) => match exception {
            Value::Instance(instance) if !is_group(interp, exception) => {
                leaves.contains(&Rc::as_ptr(instance))
            }
            _ => false,
        },
    };
    if matches {
        return Ok((Some(exception.clone()), None));
    }
    let Some(members) = group_members(interp, exception) else {
        return Ok((None, construct_rest.then(|| exception.clone())));
    };
    let mut matched = Vec::new();
    let mut rest = Vec::new();
    for member in members.iter() {
        let (member_matched, member_rest) = split_group(interp, member, condition, construct_rest)?;
        matched.extend(member_matched);
        rest.extend(member_rest);
    }
    let matched = derive_part(interp, exception, matched)?;
    let rest = derive_part(interp, exception, rest)?;
    Ok((matched, rest))
}

/// Whether `value` is an exception group.
fn is_group(interp: &Interp, value: &Value) -> bool {
    matches!(value, Value::Instance(instance) if interp.is_exception(instance, ExcType::BaseExceptionGroup))
}

/// An exception group's members; `None` for anything else.
pub fn group_members(interp: &Interp, value: &Value) -> Option<Rc<TupleItems>> {
    let Value::Instance(instance) = value else {
        return None;
    };
    if !interp.is_exception(instance, ExcType::BaseExceptionGroup) {
        return None;
    }
    match instance
        .exception
        .as_ref()?
        .fields
        .borrow()
        .get("exceptions")
    {
        Some(Value::Tuple(members)) => Some(members.clone()),
        _ => None,
    }
}

/// The classes an `except` clause names: one, or a tuple of them.
fn clause_classes(clause: &Value) -> &[Value] {
    match clause.builtin_value() {
        Value::Tuple(items) => items,
        other => std::slice::from_ref(other),
    }
}

/// The leaves of an exception group (or the exception itself), by address.
fn collect_leaves(interp: &Interp, exception: &Value, leaves: &mut HashSet<*const Instance>) {
    match (group_members(interp, exception), exception) {
        (Some(members), _) => {
            for member in members.iter() {
                collect_leaves(interp, member, leaves);
            }
        }
        (None, Value::Instance(instance)) => {
            leaves.insert(Rc::as_ptr(instance));
        }
        (None, _) => {}
    }
}

/// Whether two exceptions carry the same traceback, cause, context and
/// notes: a part that `split` made of the other, raised again as it was.
fn same_metadata(interp: &mut Interp, one: &Value, other: &Value) -> PyResult<bool> {
    let (Value::Instance(one_instance), Value::Instance(other_instance)) = (one, other) else {
        return Ok(false);
    };
    let (Some(one_data), Some(other_data)) = (&one_instance.exception, &other_instance.exception)
    else {
        return Ok(false);
    };
    let same = |a: &Option<Value>, b: &Option<Value>| match (a, b) {
        (Some(a), Some(b)) => a.is(b),
        (None, None) => true,
        _ => false,
    };
    let tracebacks_equal = {
        let (a, b) = (one_data.traceback.borrow(), other_data.traceback.borrow());
        a.len() == b.len()
            && a.iter()
                .zip(b.iter())
                .all(|(x, y)| Rc::ptr_eq(&x.code, &y.code) && x.span == y.span)
    };
    if !tracebacks_equal
        || !same(&one_data.cause.borrow(), &other_data.cause.borrow())
        || !same(&one_data.context.borrow(), &other_data.context.borrow())
    {
        return Ok(false);
    }
    let one_notes = interp.get_attr_opt(one, "__notes__")?;
    let other_notes = interp.get_attr_opt(other, "__notes__")?;
    Ok(same(&one_notes, &other_notes))
}

impl Interp {
    /// Whether an exception of class `exception` is what an `except`
    /// clause names (a class or a tuple of them). Every one is checked to
    /// be an exception class first, as CPython's `check_except_type_valid`
    /// does, whether or not an earlier one matches.
    pub fn exception_matches(&self, exception: &Rc<Class>, clause: &Value) -> PyResult<bool> {
        let classes = self.except_classes(clause)?;
        Ok(classes
            .iter()
            .any(|class| matches!(class, Value::Type(class) if exception.is_subclass_of(class))))
    }

    /// What an `except` clause names, once checked to be exception classes.
    fn except_classes<'a>(&self, clause: &'a Value) -> PyResult<&'a [Value]> {
        let base = self.types.exception(ExcType::BaseException);
        let classes = clause_classes(clause);
        if classes
            .iter()
            .all(|class| matches!(class, Value::Type(class) if class.is_subclass_of(base)))
        {
            Ok(classes)
        } else {
            Err(self.type_error(
                "catching classes that do not inherit from BaseException is not allowed",
            ))
        }
    }

    /// What an `except* class` clause takes of `exception` (CPython's
    /// `CHECK_EG_MATCH`): `(match, rest)`. An exception that matches whole
    /// is the match (wrapped in a group if it is not one), a group that
    /// matches in part is split; `None` for an empty part.
    pub fn except_star_match(
        &mut self,
        exception: &Value,
        class: &Value,
    ) -> PyResult<(Option<Value>, Option<Value>)> {
        let group = self.types.exception(ExcType::BaseExceptionGroup).clone();
        let names_a_group = (self.except_classes(class)?.iter())
            .any(|class| matches!(class, Value::Type(class) if class.is_subclass_of(&group)));
        if names_a_group {
            return Err(self.type_error(
                "catching ExceptionGroup with except* is not allowed. Use except instead.",
            ));
        }
        let Value::Instance(instance) = exception else {
            return Ok((None, None));
        };
        if self.exception_matches(&instance.class, class)? {
            if is_group(self, exception) {
                return Ok((Some(exception.clone()), None));
            }
            // As CPython's `_PyExc_CreateExceptionGroup`, with a tuple.
            let members = Value::tuple(vec![exception.clone()]);
            let wrapped = self.call(&Value::Type(group), &[Value::str(""), members], &[])?;
            return Ok((Some(wrapped), None));
        }
        if !is_group(self, exception) {
            return Ok((None, Some(exception.clone())));
        }
        let parts = self.call_method(exception, "split", std::slice::from_ref(class))?;
        let part = |index: usize| match &parts {
            Value::Tuple(items) => items.get(index).filter(|part| !part.is_none()).cloned(),
            _ => None,
        };
        Ok((part(0), part(1)))
    }

    /// What a `try` with `except*` clauses raises again at its end
    /// (CPython's `_PyExc_PrepReraiseStar`), given the exception it caught
    /// and what its clauses raised, then what none matched: the exceptions
    /// raised anew, with the part of the original raised again (kept in
    /// the original's shape) as one more, in a new group if there are
    /// several; `None` when everything was handled.
    pub fn prep_reraise_star(
        &mut self,
        original: &Value,
        raised: Vec<Value>,
    ) -> PyResult<Option<Value>> {
        if raised.is_empty() {
            return Ok(None);
        }
        if !is_group(self, original) {
            // A bare exception was caught wrapped: one clause at most ran.
            return Ok(raised.into_iter().next().filter(|first| !first.is_none()));
        }
        let mut new = Vec::new();
        let mut again = HashSet::new();
        for exception in raised.iter().filter(|exception| !exception.is_none()) {
            if same_metadata(self, exception, original)? {
                collect_leaves(self, exception, &mut again);
            } else {
                new.push(exception.clone());
            }
        }
        let (kept, _) = split_group(self, original, &Condition::Leaves(again), false)?;
        if new.is_empty() {
            return Ok(kept);
        }
        new.extend(kept);
        if new.len() == 1 {
            return Ok(new.pop());
        }
        let group = Value::Type(self.types.exception(ExcType::BaseExceptionGroup).clone());
        self.call(&group, &[Value::str(""), Value::list(new)], &[])
            .map(Some)
    }
}

/// `group.derive(exceptions)`, with the group's traceback, cause,
/// context and notes; `None` for no exceptions.
fn derive_part(
    interp: &mut Interp,
    group: &Value,
    exceptions: Vec<Value>,
) -> PyResult<Option<Value>> {
    if exceptions.is_empty() {
        return Ok(None);
    }
    let derived = interp.call_method(group, "derive", &[Value::list(exceptions)])?;
    let (Value::Instance(original), Value::Instance(part)) = (group, &derived) else {
        return Err(interp.type_error("derive must return an instance of BaseExceptionGroup"));
    };
    if !interp.is_exception(part, ExcType::BaseExceptionGroup) {
        return Err(interp.type_error("derive must return an instance of BaseExceptionGroup"));
    }
    if let (Some(from), Some(to)) = (&original.exception, &part.exception) {
        *to.traceback.borrow_mut() = from.traceback.borrow().clone();
        *to.cause.borrow_mut() = from.cause.borrow().clone();
        *to.context.borrow_mut() = from.context.borrow().clone();
        // Setting `__cause__` (even to None) suppresses the context.
        to.suppress_context.set(true);
    }
    if let Some(notes) = interp.get_attr_opt(group, "__notes__")? {
        let copied = Value::list(interp.collect(&notes)?);
        interp.set_attr(&derived, "__notes__", copied)?;
    }
    Ok(Some(derived))
}

impl Interp {
    /// The attributes every exception has.
    pub fn exception_attribute(&self, instance: &Instance, name: &str) -> Option<Value> {
        let data = instance.exception.as_ref()?;
        if let Some(value) = data.fields.borrow().get(name) {
            return Some(value.clone());
        }
        match name {
            "args" => Some(Value::Tuple(data.args.borrow().clone())),
            "__cause__" => Some(data.cause.borrow().clone().unwrap_or(Value::None)),
            "__context__" => Some(data.context.borrow().clone().unwrap_or(Value::None)),
            "__suppress_context__" => Some(Value::from(data.suppress_context.get())),
            "__traceback__" => Some(Traceback::of(instance)),
            "value" if self.is_exception(instance, ExcType::StopIteration) => {
                Some(data.args.borrow().first().cloned().unwrap_or(Value::None))
            }
            "errno" | "strerror" if self.is_exception(instance, ExcType::OSError) => {
                // Not set by `OSError.__init__` (see `fields` above): read
                // from `args`.
                let args = data.args.borrow();
                let index = usize::from(name == "strerror");
                Some(match &args[..] {
                    [_, _] => args[index].clone(),
                    _ => Value::None,
                })
            }
            "filename" | "filename2" if self.is_exception(instance, ExcType::OSError) => {
                Some(Value::None)
            }
            "name"
                if self.is_exception(instance, ExcType::NameError)
                    || self.is_exception(instance, ExcType::AttributeError) =>
            {
                Some(Value::None)
            }
            "obj" if self.is_exception(instance, ExcType::AttributeError) => Some(Value::None),
            // Raised by pyl, whose `__init__` did not run: the message.
            "msg" if self.is_exception(instance, ExcType::SyntaxError) => {
                Some(data.args.borrow().first().cloned().unwrap_or(Value::None))
            }
            "print_file_and_line" if self.is_exception(instance, ExcType::SyntaxError) => {
                Some(Value::None)
            }
            _ if SYNTAX_ERROR_LOCATION.contains(&name)
                && self.is_exception(instance, ExcType::SyntaxError) =>
            {
                Some(Value::None)
            }
            "code" if self.is_exception(instance, ExcType::SystemExit) => {
                let args = data.args.borrow();
                Some(match &args[..] {
                    [] => Value::None,
                    [code] => code.clone(),
                    _ => Value::Tuple(args.clone()),
                })
            }
            _ => None,
        }
    }

    pub fn is_exception(&self, instance: &Instance, kind: ExcType) -> bool {
        instance.class.is_subclass_of(self.types.exception(kind))
    }

    /// Assigning `args`, `__cause__`, `__context__` and the fields of
    /// `OSError`, `UnicodeError`, `NameError` and `AttributeError`; false
    /// for other names.
    pub fn set_exception_attribute(
        &mut self,
        instance: &Instance,
        name: &str,
        value: &Value,
    ) -> PyResult<bool> {
        let Some(data) = &instance.exception else {
            return Ok(false);
        };
        let os_field = matches!(name, "errno" | "strerror" | "filename" | "filename2")
            && self.is_exception(instance, ExcType::OSError);
        let name_field = (name == "name"
            && (self.is_exception(instance, ExcType::NameError)
                || self.is_exception(instance, ExcType::AttributeError)))
            || (name == "obj" && self.is_exception(instance, ExcType::AttributeError));
        let syntax_field = (SYNTAX_ERROR_LOCATION.contains(&name)
            || matches!(name, "msg" | "print_file_and_line"))
            && self.is_exception(instance, ExcType::SyntaxError);
        if os_field || name_field || syntax_field || data.fields.borrow().contains_key(name) {
            if self.is_exception(instance, ExcType::BaseExceptionGroup) {
                return Err(self.attribute_error("readonly attribute"));
            }
            data.set_field(name, value.clone());
            return Ok(true);
        }
        let optional = || (!value.is_none()).then(|| value.clone());
        match name {
            "args" => {
                let items = match value {
                    Value::Tuple(items) => items.clone(),
                    other => Rc::new(self.collect(other)?.into_iter().collect()),
                };
                *data.args.borrow_mut() = items;
            }
            "__cause__" => {
                self.check_chained(value, "cause")?;
                *data.cause.borrow_mut() = optional();
                data.suppress_context.set(true);
            }
            "__context__" => {
                self.check_chained(value, "context")?;
                *data.context.borrow_mut() = optional();
            }
            "__suppress_context__" => data
                .suppress_context
                .set(matches!(value, Value::Bool(Flag::TRUE))),
            "__traceback__" => self.set_traceback(data, value)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `exception.__traceback__ = value`, `exception.with_traceback(value)`.
    fn set_traceback(&self, data: &ExceptionData, value: &Value) -> PyResult<()> {
        let entries = match value {
            Value::None => Vec::new(),
            Value::Native(native) => match native.downcast_ref::<Traceback>() {
                Some(traceback) => traceback.recorded_entries(),
                None => return Err(self.type_error("__traceback__ must be a traceback or None")),
            },
            _ => return Err(self.type_error("__traceback__ must be a traceback or None")),
        };
        *data.traceback.borrow_mut() = entries;
        Ok(())
    }

    /// An exception's `__cause__` or `__context__` (`what`) is one, or None.
    fn check_chained(&self, value: &Value, what: &str) -> PyResult<()> {
        match value {
            Value::None => Ok(()),
            Value::Instance(instance) if instance.exception.is_some() => Ok(()),
            _ => Err(self.type_error(format!(
                "exception {what} must be None or derive from BaseException"
            ))),
        }
    }

    /// `str(exception)`: empty, the single argument's `str`, or the args tuple.
    pub fn exception_str(&mut self, instance: &Rc<Instance>) -> PyResult<String> {
        let args = instance
            .exception
            .as_ref()
            .map(|d| d.args.borrow().clone())
            .unwrap_or_else(|| Rc::new(TupleItems::new()));
        if instance
            .class
            .is_subclass_of(self.types.exception(ExcType::KeyError))
            && args.len() == 1
        {
            return self.repr(&args[0]);
        }
        if instance
            .class
            .is_subclass_of(self.types.exception(ExcType::BaseExceptionGroup))
            && args.len() == 2
        {
            let message = self.to_str(&args[0])?;
            let count = self.len(&args[1])?;
            return Ok(format!(
                "{message} ({count} sub-exception{})",
                if count == 1 { "" } else { "s" }
            ));
        }
        if self.is_exception(instance, ExcType::UnicodeError) {
            if let Some(text) = super::codecs::unicode_error_str(self, instance)? {
                return Ok(text);
            }
        }
        if self.is_exception(instance, ExcType::SyntaxError) {
            return self.syntax_error_str(instance);
        }
        if self.is_exception(instance, ExcType::OSError) {
            let field = |this: &Self, name| {
                this.exception_attribute(instance, name)
                    .filter(|v| !v.is_none())
            };
            let (errno, strerror) = (field(self, "errno"), field(self, "strerror"));
            if let (Some(errno), Some(strerror)) = (errno, strerror) {
                let filenames = (field(self, "filename"), field(self, "filename2"));
                let errno = self.to_str(&errno)?;
                let strerror = self.to_str(&strerror)?;
                return Ok(match filenames {
                    (Some(first), Some(second)) => format!(
                        "[Errno {errno}] {strerror}: {} -> {}",
                        self.repr(&first)?,
                        self.repr(&second)?
                    ),
                    (Some(first), None) => {
                        format!("[Errno {errno}] {strerror}: {}", self.repr(&first)?)
                    }
                    _ => format!("[Errno {errno}] {strerror}"),
                });
            }
        }
        match args.len() {
            0 => Ok(String::new()),
            1 => self.to_str(&args[0]),
            _ => self.repr(&Value::Tuple(args)),
        }
    }

    /// CPython's `SyntaxError.__str__`: the message, then the file's
    /// name (without its directories) and the line, those it has.
    fn syntax_error_str(&mut self, instance: &Instance) -> PyResult<String> {
        let field = |name| self.exception_attribute(instance, name);
        let (message, filename, line) = (field("msg"), field("filename"), field("lineno"));
        let message = self.to_str(&message.unwrap_or(Value::None))?;
        let filename = match filename {
            Some(Value::Str(name)) => {
                let name = name.as_str();
                Some(name.rsplit('/').next().unwrap_or(name).to_string())
            }
            _ => None,
        };
        let line = match line {
            Some(Value::Int(line)) => Some(line),
            _ => None,
        };
        Ok(match (filename, line) {
            (Some(filename), Some(line)) => format!("{message} ({filename}, line {line})"),
            (Some(filename), None) => format!("{message} ({filename})"),
            (None, Some(line)) => format!("{message} (line {line})"),
            (None, None) => message,
        })
    }

    /// `repr(exception)`: `Name(args…)`.
    pub fn exception_repr(&mut self, instance: &Rc<Instance>) -> PyResult<String> {
        let args = instance
            .exception
            .as_ref()
            .map(|d| d.args.borrow().clone())
            .unwrap_or_else(|| Rc::new(TupleItems::new()));
        let inner = if args.len() == 1 {
            self.repr(&args[0])?
        } else {
            let text = self.repr(&Value::Tuple(args))?;
            text[1..text.len() - 1].to_string()
        };
        Ok(format!("{}({inner})", instance.class.name))
    }
}

/// `BaseException.__repr__` and `__str__`, reachable through `super()`
/// and explicit calls.
pub fn install_exception_methods(interp: &mut Interp) {
    let base = interp.types.exception(ExcType::BaseException).clone();
    add_method(&base, "__repr__", exception_repr_method);
    add_method(&base, "__str__", exception_str_method);
}

fn exception_repr_method(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    match receiver(interp, args)? {
        Value::Instance(instance) => Ok(Value::str(interp.exception_repr(&instance)?)),
        other => Ok(Value::str(interp.repr(&other)?)),
    }
}

fn exception_str_method(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    match receiver(interp, args)? {
        Value::Instance(instance) => Ok(Value::str(interp.exception_str(&instance)?)),
        other => Ok(Value::str(interp.to_str(&other)?)),
    }
}
