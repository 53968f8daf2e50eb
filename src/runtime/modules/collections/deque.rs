//! `collections.deque`, a double-ended queue on a `VecDeque`.
//!
//! asyncio keeps its waiters and queue items in deques, as CPython's does:
//! waking the first of many waiters must not shift all the others.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use crate::runtime::builtins::add_method;
use crate::runtime::builtins::sequences::{
    check_args, item_eq, receiver_error, search_range, ssize_arg,
};
use crate::runtime::builtins::subclasses::{made, subtype_to_make};
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, ModuleObject, NativeKind, NativeObject};
use crate::runtime::value::Value;
use crate::syntax::ast::{CmpOp, Name};

#[derive(Clone, Copy)]
pub enum End {
    Left,
    Right,
}

pub struct Deque {
    items: RefCell<VecDeque<Value>>,
    /// Set again by `__init__`, which a subclass's instance runs.
    maxlen: Cell<Option<usize>>,
    /// Counts changes of length, so that iterators notice them.
    state: Cell<u64>,
}

impl Deque {
    fn new(items: VecDeque<Value>, maxlen: Option<usize>) -> Deque {
        Deque {
            items: RefCell::new(items),
            maxlen: Cell::new(maxlen),
            state: Cell::new(0),
        }
    }

    fn changed(&self) {
        self.state.set(self.state.get().wrapping_add(1));
    }

    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.borrow().is_empty()
    }

    /// Takes the item at one end.
    pub fn pop(&self, end: End) -> Option<Value> {
        let item = {
            let mut items = self.items.borrow_mut();
            match end {
                End::Left => items.pop_front(),
                End::Right => items.pop_back(),
            }
        };
        if item.is_some() {
            self.changed();
        }
        item
    }

    /// Adds `item` at one end; past `maxlen`, an item falls off the other.
    pub fn push(&self, item: Value, end: End) {
        let evicted = {
            let mut items = self.items.borrow_mut();
            match end {
                End::Right => items.push_back(item),
                End::Left => items.push_front(item),
            }
            let full = self.maxlen.get().is_some_and(|max| items.len() > max);
            match (full, end) {
                (false, _) => None,
                (true, End::Right) => items.pop_front(),
                (true, End::Left) => items.pop_back(),
            }
        };
        self.changed();
        drop(evicted);
    }
}

impl NativeObject for Deque {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("deque")
    }

    fn kind(&self) -> NativeKind<'_> {
        NativeKind::Deque(self)
    }

    fn length(&self) -> Option<usize> {
        Some(self.items.borrow().len())
    }

    fn get_attribute(&self, _interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        (name == "maxlen").then(|| Ok(self.maxlen.get().map_or(Value::None, Value::from)))
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        Some(deque_repr(interp, self, "deque"))
    }
}

/// `deque([1, 2])`, `deque([1], maxlen=3)`; a deque met again while it is
/// being rendered shows as `[...]`, as CPython's `Py_ReprEnter` has it.
fn deque_repr(interp: &mut Interp, deque: &Deque, class_name: &str) -> PyResult<String> {
    let address = deque as *const Deque as usize;
    let items: Vec<Value> = deque.items.borrow().iter().cloned().collect();
    interp.repr_guarded(address, "[...]", |interp| {
        let list = interp.repr(&Value::list(items))?;
        Ok(match deque.maxlen.get() {
            Some(maxlen) => format!("{class_name}({list}, maxlen={maxlen})"),
            None => format!("{class_name}({list})"),
        })
    })
}

/// Iterates a deque forwards or backwards, failing once its length changed.
struct DequeIterator {
    deque: Rc<dyn NativeObject>,
    state: u64,
    position: Cell<usize>,
    reverse: bool,
}

impl NativeObject for DequeIterator {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class(if self.reverse {
            "_deque_reverse_iterator"
        } else {
            "_deque_iterator"
        })
    }

    fn next(&self, interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        // By `kind`, as `as_deque`: this runs once an item.
        let NativeKind::Deque(deque) = self.deque.kind() else {
            return None;
        };
        if deque.state.get() != self.state {
            return Some(Err(
                interp.error(ExcType::RuntimeError, "deque mutated during iteration")
            ));
        }
        let items = deque.items.borrow();
        let position = self.position.get();
        let index = match self.reverse {
            false => position,
            true => items.len().checked_sub(position + 1).unwrap_or(usize::MAX),
        };
        let item = items.get(index).cloned();
        if item.is_some() {
            self.position.set(position + 1);
        }
        Some(Ok(item))
    }
}

pub fn install(interp: &mut Interp, module: &ModuleObject) {
    let class = interp.define_module_class("deque", "collections");
    // Its iterators' classes, in the module CPython's are in.
    for iterator in ["_deque_iterator", "_deque_reverse_iterator"] {
        interp.define_module_class(iterator, "_collections");
    }
    crate::runtime::generic_alias::make_generic(&class);
    let methods: [(&'static str, crate::runtime::object::NativeFn); 36] = [
        ("__new__", deque_new),
        ("__init__", deque_init),
        ("append", deque_append),
        ("appendleft", deque_appendleft),
        ("pop", deque_pop),
        ("popleft", deque_popleft),
        ("extend", deque_extend),
        ("extendleft", deque_extendleft),
        ("clear", deque_clear),
        ("copy", deque_copy),
        ("__copy__", deque_copy),
        ("count", deque_count),
        ("index", deque_index),
        ("insert", deque_insert),
        ("remove", deque_remove),
        ("reverse", deque_reverse),
        ("rotate", deque_rotate),
        ("__len__", deque_len),
        ("__repr__", deque_repr_method),
        ("__iter__", deque_iter),
        ("__reversed__", deque_reversed),
        ("__contains__", deque_contains),
        ("__getitem__", deque_getitem),
        ("__setitem__", deque_setitem),
        ("__delitem__", deque_delitem),
        ("__eq__", deque_eq),
        ("__ne__", deque_ne),
        ("__iadd__", deque_iadd),
        ("__add__", deque_add),
        ("__mul__", deque_mul),
        ("__rmul__", deque_mul),
        ("__imul__", deque_imul),
        ("__lt__", deque_lt),
        ("__le__", deque_le),
        ("__gt__", deque_gt),
        ("__ge__", deque_ge),
    ];
    for (name, function) in methods {
        add_method(&class, name, function);
    }
    class
        .namespace
        .borrow_mut()
        .insert("__hash__".into(), Value::None);
    module
        .namespace
        .borrow_mut()
        .insert("deque".into(), Value::Type(class));
}

/// The deque `value` is, if it is one.
#[inline]
pub fn as_deque(value: &Value) -> Option<&Deque> {
    match value {
        Value::Native(object) => match object.kind() {
            NativeKind::Deque(deque) => Some(deque),
            _ => None,
        },
        _ => None,
    }
}

/// The deque `value` is, or that an instance of a subclass of deque is.
fn deque_of(value: &Value) -> Option<&Deque> {
    as_deque(value.builtin_value())
}

fn receiver<'a>(interp: &Interp, args: &'a [Value], method: &str) -> PyResult<&'a Deque> {
    args.first()
        .and_then(deque_of)
        .ok_or_else(|| receiver_error(interp, "collections.deque", method, args))
}

/// `deque(method)(args)`: the receiver checked, then the argument count.
fn checked<'a>(
    interp: &Interp,
    args: &'a [Value],
    kwargs: &[(Name, Value)],
    method: &str,
    min: usize,
    max: usize,
) -> PyResult<&'a Deque> {
    let deque = receiver(interp, args, method)?;
    check_args(interp, "deque", method, args, kwargs, min, max)?;
    Ok(deque)
}

/// `deque.__new__(cls, iterable=(), maxlen=None)`: the deque, filled; for
/// a subclass, an empty one that the subclass's `__init__` (or deque's,
/// which it may call) fills, as in CPython.
fn deque_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let class = interp.native_class("deque");
    if let Some(subclass) = subtype_to_make(interp, &class, args)? {
        let empty = Value::native(Rc::new(Deque::new(VecDeque::new(), None)));
        return Ok(made(Some(subclass), empty));
    }
    let (iterable, maxlen) = init_arguments(interp, args, kwargs)?;
    let deque = Deque::new(VecDeque::new(), maxlen);
    if let Some(iterable) = iterable {
        for item in interp.collect(&iterable)? {
            deque.push(item, End::Right);
        }
    }
    Ok(Value::native(Rc::new(deque)))
}

/// `deque.__init__(self, iterable=(), maxlen=None)`: the deque emptied,
/// given its `maxlen`, then extended.
fn deque_init(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = receiver(interp, args, "__init__")?;
    let (iterable, maxlen) = init_arguments(interp, args, kwargs)?;
    deque.maxlen.set(maxlen);
    if !deque.is_empty() {
        let items = std::mem::take(&mut *deque.items.borrow_mut());
        deque.changed();
        drop(items);
    }
    if let Some(iterable) = iterable {
        for item in interp.collect(&iterable)? {
            deque.push(item, End::Right);
        }
    }
    Ok(Value::None)
}

/// The iterable and `maxlen` given to `__new__`/`__init__` after the
/// receiver, checked.
fn init_arguments(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<(Option<Value>, Option<usize>)> {
    let mut iterable = args.get(1).cloned();
    let mut maxlen = args.get(2).cloned();
    if args.len() > 3 {
        return Err(interp.type_error(format!(
            "deque() takes at most 2 arguments ({} given)",
            args.len() - 1
        )));
    }
    for (name, value) in kwargs {
        let slot = match &**name {
            "iterable" => &mut iterable,
            "maxlen" => &mut maxlen,
            _ => {
                return Err(interp.type_error(format!(
                    "deque() got an unexpected keyword argument '{name}'"
                )))
            }
        };
        if slot.is_some() {
            return Err(interp.type_error(format!(
                "argument for deque() given by name ('{name}') and position"
            )));
        }
        *slot = Some(value.clone());
    }
    let maxlen = match maxlen.as_ref().map(Value::builtin_value) {
        None | Some(Value::None) => None,
        Some(value @ (Value::Int(_) | Value::BigInt(_) | Value::Bool(_))) => {
            let n = ssize_arg(interp, value)?;
            if n < 0 {
                return Err(interp.value_error("maxlen must be non-negative"));
            }
            Some(n as usize)
        }
        Some(_) => return Err(interp.type_error("an integer is required")),
    };
    Ok((iterable, maxlen))
}

fn deque_append(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    checked(interp, args, kwargs, "append", 1, 1)?.push(args[1].clone(), End::Right);
    Ok(Value::None)
}

fn deque_appendleft(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    checked(interp, args, kwargs, "appendleft", 1, 1)?.push(args[1].clone(), End::Left);
    Ok(Value::None)
}

fn pop_end(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
    method: &str,
    end: End,
) -> PyResult<Value> {
    match checked(interp, args, kwargs, method, 0, 0)?.pop(end) {
        Some(item) => Ok(item),
        None => Err(interp.error(ExcType::IndexError, "pop from an empty deque")),
    }
}

fn deque_pop(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    pop_end(interp, args, kwargs, "pop", End::Right)
}

fn deque_popleft(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    pop_end(interp, args, kwargs, "popleft", End::Left)
}

fn deque_extend(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "extend", 1, 1)?;
    // Collected first, so that `d.extend(d)` doubles `d` once.
    for item in interp.collect(&args[1])? {
        deque.push(item, End::Right);
    }
    Ok(Value::None)
}

fn deque_extendleft(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "extendleft", 1, 1)?;
    for item in interp.collect(&args[1])? {
        deque.push(item, End::Left);
    }
    Ok(Value::None)
}

fn deque_iadd(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    deque_extend(interp, args, kwargs)?;
    Ok(args[0].clone())
}

/// `deque + deque`: a copy of the left one (its `maxlen` too), extended.
fn deque_add(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "__add__", 1, 1)?;
    if reflected_first(interp, &args[1], "__radd__") {
        return Ok(Value::NotImplemented);
    }
    let Some(other) = deque_of(&args[1]) else {
        return Err(interp.type_error(format!(
            "can only concatenate deque (not \"{}\") to deque",
            interp.type_name(&args[1])
        )));
    };
    let items: Vec<Value> = other.items.borrow().iter().cloned().collect();
    let sum = copy_of(interp, &args[0], deque)?;
    let sum_deque = deque_of(&sum).ok_or_else(|| not_a_deque(interp, &sum))?;
    for item in items {
        sum_deque.push(item, End::Right);
    }
    Ok(sum)
}

/// Whether `other`'s class defines the reflected operator `method`: a
/// deque's `+` and `*` are sequence operations, which CPython tries only
/// after the other operand's `__radd__`/`__rmul__`.
fn reflected_first(interp: &Interp, other: &Value, method: &str) -> bool {
    matches!(other, Value::Instance(_)) && interp.class_of(other).lookup(method).is_some()
}

/// `deque * n` and `n * deque`: a new deque.
fn deque_mul(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let Some((deque, items, times)) = repetition(interp, args, kwargs, "__mul__")? else {
        return Ok(Value::NotImplemented);
    };
    let repeated = copy_of(interp, &args[0], deque)?;
    let repeated_deque = deque_of(&repeated).ok_or_else(|| not_a_deque(interp, &repeated))?;
    check_repeat(interp, &items, times, repeated_deque.maxlen.get())?;
    let copied = std::mem::take(&mut *repeated_deque.items.borrow_mut());
    repeated_deque.changed();
    drop(copied);
    repeat_into(interp, &items, times, repeated_deque)?;
    Ok(repeated)
}

/// `deque *= n`: in place.
fn deque_imul(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let Some((deque, items, times)) = repetition(interp, args, kwargs, "__imul__")? else {
        return Ok(Value::NotImplemented);
    };
    check_repeat(interp, &items, times, deque.maxlen.get())?;
    deque.items.borrow_mut().clear();
    deque.changed();
    repeat_into(interp, &items, times, deque)?;
    Ok(args[0].clone())
}

/// A repetition's deque, its items and how many times to repeat them
/// (none for a negative int); `None` when the other operand's `__rmul__`
/// goes first.
fn repetition<'a>(
    interp: &mut Interp,
    args: &'a [Value],
    kwargs: &[(Name, Value)],
    method: &str,
) -> PyResult<Option<(&'a Deque, Vec<Value>, usize)>> {
    let deque = checked(interp, args, kwargs, method, 1, 1)?;
    let times = match &args[1] {
        _ if reflected_first(interp, &args[1], "__rmul__") => return Ok(None),
        times @ (Value::Int(_) | Value::BigInt(_) | Value::Bool(_)) => {
            interp.repeat_count(times)?
        }
        other => {
            return Err(interp.type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                interp.type_name(other)
            )))
        }
    };
    let items = deque.items.borrow().iter().cloned().collect();
    Ok(Some((deque, items, times)))
}

/// The copies of `items` a repetition makes: beyond what a `maxlen`
/// keeps, the rest would only fall off again.
fn copies(items: &[Value], times: usize, maxlen: Option<usize>) -> usize {
    match maxlen {
        Some(maxlen) if !items.is_empty() => times.min(maxlen / items.len() + 1),
        _ => times,
    }
}

/// `MemoryError` when the repetition cannot be held.
fn check_repeat(
    interp: &Interp,
    items: &[Value],
    times: usize,
    maxlen: Option<usize>,
) -> PyResult<()> {
    let copies = copies(items, times, maxlen);
    interp.check_allocation(items.len().saturating_mul(copies), 16)
}

/// Appends `times` copies of `items` to `target`, whose `maxlen` drops
/// the oldest.
fn repeat_into(interp: &Interp, items: &[Value], times: usize, target: &Deque) -> PyResult<()> {
    check_repeat(interp, items, times, target.maxlen.get())?;
    for _ in 0..copies(items, times, target.maxlen.get()) {
        for item in items {
            target.push(item.clone(), End::Right);
        }
    }
    Ok(())
}

/// `<`, `<=`, `>`, `>=` between two deques: their items in order, as two
/// lists compare; anything else is not comparable with a deque.
fn ordering(interp: &mut Interp, args: &[Value], method: &str, op: CmpOp) -> PyResult<Value> {
    let deque = receiver(interp, args, method)?;
    let Some(other) = args.get(1).and_then(deque_of) else {
        return Ok(Value::NotImplemented);
    };
    let left = Value::list(deque.items.borrow().iter().cloned().collect());
    let right = Value::list(other.items.borrow().iter().cloned().collect());
    interp.rich_compare(op, &left, &right)
}

fn deque_lt(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    ordering(interp, args, "__lt__", CmpOp::Lt)
}

fn deque_le(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    ordering(interp, args, "__le__", CmpOp::LtE)
}

fn deque_gt(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    ordering(interp, args, "__gt__", CmpOp::Gt)
}

fn deque_ge(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    ordering(interp, args, "__ge__", CmpOp::GtE)
}

fn deque_clear(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "clear", 0, 0)?;
    let items = std::mem::take(&mut *deque.items.borrow_mut());
    deque.changed();
    drop(items);
    Ok(Value::None)
}

fn deque_copy(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "copy", 0, 0)?;
    copy_of(interp, &args[0], deque)
}

/// CPython's `deque_copy`, which `+` and `*` start from: a deque's copy,
/// or for a subclass's instance `type(d)(d)` (`type(d)(d, maxlen)`).
fn copy_of(interp: &mut Interp, value: &Value, deque: &Deque) -> PyResult<Value> {
    if !matches!(value, Value::Instance(_)) {
        let items = deque.items.borrow().clone();
        return Ok(Value::native(Rc::new(Deque::new(
            items,
            deque.maxlen.get(),
        ))));
    }
    let class = Value::Type(interp.class_of(value));
    match deque.maxlen.get() {
        Some(maxlen) => interp.call(&class, &[value.clone(), Value::from(maxlen)], &[]),
        None => interp.call(&class, std::slice::from_ref(value), &[]),
    }
}

/// A subclass whose constructor made something else than a deque.
fn not_a_deque(interp: &Interp, value: &Value) -> crate::runtime::error::PyErr {
    interp.type_error(format!(
        "expected a deque, not '{}'",
        interp.type_name(value)
    ))
}

/// The position of the first item equal to `target` in `start..stop`,
/// re-reading the deque at each step since `__eq__` may change it.
fn find(
    interp: &mut Interp,
    deque: &Deque,
    target: &Value,
    start: usize,
    stop: usize,
) -> PyResult<Option<usize>> {
    let state = deque.state.get();
    for index in start..stop {
        let Some(item) = deque.items.borrow().get(index).cloned() else {
            break;
        };
        let equal = item_eq(interp, &item, target)?;
        if deque.state.get() != state {
            return Err(interp.error(ExcType::RuntimeError, "deque mutated during iteration"));
        }
        if equal {
            return Ok(Some(index));
        }
    }
    Ok(None)
}

fn not_in_deque(interp: &mut Interp, value: &Value) -> crate::runtime::error::PyErr {
    match interp.repr(value) {
        Ok(shown) => interp.value_error(format!("{shown} is not in deque")),
        Err(error) => error,
    }
}

fn deque_count(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "count", 1, 1)?;
    let state = deque.state.get();
    let items: Vec<Value> = deque.items.borrow().iter().cloned().collect();
    let mut count = 0usize;
    for item in &items {
        count += usize::from(item_eq(interp, item, &args[1])?);
        if deque.state.get() != state {
            return Err(interp.error(ExcType::RuntimeError, "deque mutated during iteration"));
        }
    }
    Ok(Value::from(count))
}

fn deque_index(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "index", 1, 3)?;
    let (start, stop) = search_range(interp, args, deque.len())?;
    match find(interp, deque, &args[1], start, stop)? {
        Some(index) => Ok(Value::from(index)),
        None => Err(not_in_deque(interp, &args[1])),
    }
}

fn deque_insert(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "insert", 2, 2)?;
    let index = ssize_arg(interp, &args[1])?;
    let len = deque.len();
    if deque.maxlen.get() == Some(len) {
        return Err(interp.error(ExcType::IndexError, "deque already at its maximum size"));
    }
    let len = len as i64;
    let at = if index < 0 {
        (index + len).max(0)
    } else {
        index.min(len)
    };
    deque
        .items
        .borrow_mut()
        .insert(at as usize, args[2].clone());
    deque.changed();
    Ok(Value::None)
}

fn deque_remove(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "remove", 1, 1)?;
    match find(interp, deque, &args[1], 0, usize::MAX)? {
        Some(index) => {
            let removed = deque.items.borrow_mut().remove(index);
            deque.changed();
            drop(removed);
            Ok(Value::None)
        }
        None => Err(not_in_deque(interp, &args[1])),
    }
}

fn deque_reverse(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "reverse", 0, 0)?;
    deque.items.borrow_mut().make_contiguous().reverse();
    Ok(Value::None)
}

fn deque_rotate(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "rotate", 0, 1)?;
    let steps = match args.get(1) {
        Some(n) => ssize_arg(interp, n)?,
        None => 1,
    };
    let mut items = deque.items.borrow_mut();
    let len = items.len() as i64;
    if len > 1 {
        items.rotate_right(steps.rem_euclid(len) as usize);
    }
    Ok(Value::None)
}

/// `deque.__repr__`, a slot of its own as in CPython: pprint picks its
/// printer by it.
fn deque_repr_method(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    use crate::runtime::builtins::dunders::{arity_error, slot_receiver_error};
    let Some(deque) = args.first().and_then(deque_of) else {
        return Err(slot_receiver_error(
            interp,
            "collections.deque",
            "__repr__",
            args,
        ));
    };
    if args.len() != 1 || !kwargs.is_empty() {
        return Err(arity_error(interp, "__repr__", args, kwargs, 0));
    }
    let class_name = interp.class_of(&args[0]).name.clone();
    Ok(Value::str(deque_repr(interp, deque, &class_name)?))
}

fn deque_len(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    Ok(Value::from(
        receiver(interp, args, "__len__")?.items.borrow().len(),
    ))
}

fn iterator(interp: &Interp, args: &[Value], method: &str, reverse: bool) -> PyResult<Value> {
    let state = receiver(interp, args, method)?.state.get();
    let Value::Native(object) = args[0].builtin_value() else {
        return Err(receiver_error(interp, "collections.deque", method, args));
    };
    Ok(Value::native(Rc::new(DequeIterator {
        deque: Rc::clone(object),
        state,
        position: Cell::new(0),
        reverse,
    })))
}

fn deque_iter(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    iterator(interp, args, "__iter__", false)
}

fn deque_reversed(
    interp: &mut Interp,
    args: &[Value],
    _kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    iterator(interp, args, "__reversed__", true)
}

fn deque_contains(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "__contains__", 1, 1)?;
    Ok(Value::from(
        find(interp, deque, &args[1], 0, usize::MAX)?.is_some(),
    ))
}

/// The position `index` names in a deque of `len` items.
fn position(interp: &mut Interp, index: &Value, len: usize) -> PyResult<usize> {
    let index = match index {
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => ssize_arg(interp, index)?,
        other => {
            return Err(interp.type_error(format!(
                "sequence index must be integer, not '{}'",
                interp.type_name(other)
            )))
        }
    };
    let resolved = if index < 0 { index + len as i64 } else { index };
    if (0..len as i64).contains(&resolved) {
        Ok(resolved as usize)
    } else {
        Err(interp.error(ExcType::IndexError, "deque index out of range"))
    }
}

fn deque_getitem(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "__getitem__", 1, 1)?;
    let at = position(interp, &args[1], deque.len())?;
    Ok(deque.items.borrow()[at].clone())
}

fn deque_setitem(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "__setitem__", 2, 2)?;
    let at = position(interp, &args[1], deque.len())?;
    let old = std::mem::replace(&mut deque.items.borrow_mut()[at], args[2].clone());
    drop(old);
    Ok(Value::None)
}

fn deque_delitem(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let deque = checked(interp, args, kwargs, "__delitem__", 1, 1)?;
    let at = position(interp, &args[1], deque.len())?;
    let removed = deque.items.borrow_mut().remove(at);
    deque.changed();
    drop(removed);
    Ok(Value::None)
}

/// Whether two deques hold equal items; `None` when `other` is no deque.
fn equal(interp: &mut Interp, args: &[Value], method: &str) -> PyResult<Option<bool>> {
    let deque = receiver(interp, args, method)?;
    let Some(other) = args.get(1).and_then(deque_of) else {
        return Ok(None);
    };
    let left: Vec<Value> = deque.items.borrow().iter().cloned().collect();
    let right: Vec<Value> = other.items.borrow().iter().cloned().collect();
    if left.len() != right.len() {
        return Ok(Some(false));
    }
    for (a, b) in left.iter().zip(&right) {
        if !item_eq(interp, a, b)? {
            return Ok(Some(false));
        }
    }
    Ok(Some(true))
}

fn deque_eq(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    Ok(equal(interp, args, "__eq__")?.map_or(Value::NotImplemented, Value::from))
}

fn deque_ne(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    Ok(equal(interp, args, "__ne__")?.map_or(Value::NotImplemented, |eq| Value::from(!eq)))
}
