//! Iterator objects implemented in Rust, named as CPython names their
//! types: the iterators of the builtin containers (`list_iterator`,
//! `dict_keyiterator`, …) and the lazy builtins (`enumerate`, `zip`, `map`,
//! `filter`, `reversed`, `iter(f, sentinel)`).
//!
//! Each is a [`NativeObject`] whose `next` advances it. Container iterators
//! read their container afresh at every step, so they see what CPython's
//! see: appends to a list during iteration, and (as errors) size changes of
//! a dict or set. Once exhausted, an iterator drops its container and stays
//! exhausted, as CPython's do.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use num_bigint::BigInt;

use super::dict::Dict;
use super::error::{ExcType, PyResult};
use super::interp::Interp;
use super::object::{Class, NativeKind, NativeObject};
use super::value::{ListItems, PyStr, Range, TupleItems, Value};

/// The class names of every iterator type defined here, so that
/// `builtins::functions` can give them `__next__` and `__iter__` methods.
pub const CLASS_NAMES: &[&str] = &[
    "list_iterator",
    "list_reverseiterator",
    "tuple_iterator",
    "bytes_iterator",
    "bytearray_iterator",
    "str_ascii_iterator",
    "str_iterator",
    "range_iterator",
    "longrange_iterator",
    "dict_keyiterator",
    "dict_valueiterator",
    "dict_itemiterator",
    "dict_reversekeyiterator",
    "dict_reversevalueiterator",
    "dict_reverseitemiterator",
    "set_iterator",
    "enumerate",
    "zip",
    "map",
    "filter",
    "reversed",
    "callable_iterator",
    "iterator",
];

/// `iter(value)` for the builtin containers; `None` for every other value
/// (instances, generators and native objects are the evaluator's).
pub fn builtin_iter(_interp: &mut Interp, value: &Value) -> Option<PyResult<Value>> {
    let iterator: Rc<dyn NativeObject> = match value {
        Value::List(list) => Rc::new(ListIterator {
            list: RefCell::new(Some(list.clone())),
            index: Cell::new(0),
        }),
        Value::Tuple(items) => Rc::new(TupleIterator {
            items: items.clone(),
            index: Cell::new(0),
        }),
        Value::Bytes(data) => Rc::new(BytesIterator {
            data: data.clone(),
            index: Cell::new(0),
        }),
        Value::ByteArray(data) => Rc::new(ByteArrayIterator {
            data: RefCell::new(Some(data.clone())),
            index: Cell::new(0),
        }),
        Value::Str(text) => Rc::new(StrIterator {
            text: text.clone(),
            offset: Cell::new(0),
        }),
        Value::Range(range) => return Some(Ok(range_iter(range, false))),
        Value::Dict(dict) => return Some(Ok(dict_keys_iter(dict.clone()))),
        Value::Set(set) => Rc::new(DictIterator::new(
            Table::Set(set.clone()),
            Part::Keys,
            false,
        )),
        Value::FrozenSet(set) => Rc::new(DictIterator::new(
            Table::FrozenSet(set.clone()),
            Part::Keys,
            false,
        )),
        _ => return None,
    };
    Some(Ok(Value::native(iterator)))
}

/// `iter(dict)` and `iter(dict.keys())`.
pub fn dict_keys_iter(dict: Rc<RefCell<Dict>>) -> Value {
    dict_iter(dict, Part::Keys, false)
}

/// `iter(dict.values())`.
pub fn dict_values_iter(dict: Rc<RefCell<Dict>>) -> Value {
    dict_iter(dict, Part::Values, false)
}

/// `iter(dict.items())`.
pub fn dict_items_iter(dict: Rc<RefCell<Dict>>) -> Value {
    dict_iter(dict, Part::Items, false)
}

/// `reversed(dict)`, `reversed(dict.values())`, `reversed(dict.items())`.
pub fn dict_reverse_iter(dict: Rc<RefCell<Dict>>, part: Part) -> Value {
    dict_iter(dict, part, true)
}

fn dict_iter(dict: Rc<RefCell<Dict>>, part: Part, reverse: bool) -> Value {
    Value::native(Rc::new(DictIterator::new(Table::Dict(dict), part, reverse)))
}

/// `reversed(list)`.
pub fn list_reverse_iter(list: Rc<RefCell<ListItems>>) -> Value {
    let last = list.borrow().len() as i64 - 1;
    Value::native(Rc::new(ListReverseIterator {
        list: RefCell::new(Some(list)),
        index: Cell::new(last),
    }))
}

/// `reversed(range)`: a `range_iterator` running backwards.
pub fn range_reverse_iter(range: &Range) -> Value {
    range_iter(range, true)
}

/// `iter(range)` or `reversed(range)`: a `range_iterator` on machine
/// words when CPython makes one (its bounds, step and length fit in a C
/// `long`, with room to step past the end), else a `longrange_iterator`.
fn range_iter(range: &Range, reverse: bool) -> Value {
    let len = range.len();
    let small = match (
        i64::try_from(range.start),
        i64::try_from(range.stop),
        i64::try_from(range.step),
    ) {
        (Ok(start), Ok(stop), Ok(step)) if len <= i64::MAX as u128 => {
            if reverse {
                // The reversed range starts at its last item, steps by
                // `-step`, and stops at `start - step`.
                step != i64::MIN && start.checked_sub(step).is_some()
            } else {
                len == 0 || stop.checked_add(step - step.signum()).is_some()
            }
        }
        _ => false,
    };
    let (first, step) = if reverse && len > 0 {
        // `wrapping_neg` keeps a step of `i128::MIN` exact modulo 2**128.
        (range.get(len - 1), range.step.wrapping_neg())
    } else {
        (range.start, range.step)
    };
    if small {
        // Every item fits, by the checks above.
        return Value::native(Rc::new(RangeIterator::new(first as i64, step as i64, len)));
    }
    Value::native(Rc::new(RangeIterator::new(first, step, len)))
}

/// `reversed(seq)` for a sequence without `__reversed__`: indexes it from
/// `len - 1` down to 0.
pub fn sequence_reverse_iter(sequence: Value, len: usize) -> Value {
    Value::native(Rc::new(Reversed {
        sequence: RefCell::new(Some(sequence)),
        index: Cell::new(len as i64 - 1),
    }))
}

/// `iter(obj)` for an object with `__getitem__` but no `__iter__`: indexes
/// it from 0 until `IndexError` (CPython's `iterator` type).
pub fn sequence_iter(sequence: Value) -> Value {
    Value::native(Rc::new(SequenceIterator {
        sequence: RefCell::new(Some(sequence)),
        index: Cell::new(0),
    }))
}

/// `enumerate(iterator, start)`; `start` is an int value.
pub fn enumerate(iterator: Value, start: Value) -> Value {
    Value::native(Rc::new(Enumerate {
        iterator,
        count: RefCell::new(start),
    }))
}

/// `zip(*iterators, strict=strict)`.
pub fn zip(iterators: Vec<Value>, strict: bool) -> Value {
    Value::native(Rc::new(Zip { iterators, strict }))
}

/// `map(function, *iterators)`.
pub fn map(function: Value, iterators: Vec<Value>) -> Value {
    Value::native(Rc::new(Map {
        function,
        iterators,
    }))
}

/// `filter(function, iterator)`; a `None` function keeps the truthy items.
pub fn filter(function: Option<Value>, iterator: Value) -> Value {
    Value::native(Rc::new(Filter { function, iterator }))
}

/// `iter(function, sentinel)`.
pub fn callable_iter(function: Value, sentinel: Value) -> Value {
    Value::native(Rc::new(CallableIterator {
        state: RefCell::new(Some((function, sentinel))),
    }))
}

/// Implements the two trait methods every iterator here shares.
macro_rules! native_class {
    ($name:literal) => {
        fn class(&self, interp: &Interp) -> Rc<Class> {
            interp.native_class($name)
        }
    };
}

pub struct ListIterator {
    /// `None` once exhausted: later appends must not revive it.
    list: RefCell<Option<Rc<RefCell<ListItems>>>>,
    index: Cell<usize>,
}

impl ListIterator {
    /// The next item, if any.
    #[inline(always)]
    pub fn step(&self) -> Option<Value> {
        let mut slot = self.list.borrow_mut();
        let item = slot
            .as_ref()
            .and_then(|list| list.borrow().get(self.index.get()).cloned());
        match item {
            Some(_) => self.index.set(self.index.get() + 1),
            None => *slot = None,
        }
        item
    }
}

impl NativeObject for ListIterator {
    native_class!("list_iterator");

    fn kind(&self) -> NativeKind<'_> {
        NativeKind::List(self)
    }

    fn next(&self, _interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        Some(Ok(self.step()))
    }

    fn length_hint(&self) -> Option<usize> {
        let list = self.list.borrow();
        let length = list.as_ref().map_or(0, |list| list.borrow().len());
        Some(length.saturating_sub(self.index.get()))
    }
}

struct ListReverseIterator {
    list: RefCell<Option<Rc<RefCell<ListItems>>>>,
    /// The next index to yield; the list may have shrunk since.
    index: Cell<i64>,
}

impl NativeObject for ListReverseIterator {
    native_class!("list_reverseiterator");

    fn next(&self, _interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        let mut slot = self.list.borrow_mut();
        let index = self.index.get();
        let item = match (slot.as_ref(), usize::try_from(index)) {
            (Some(list), Ok(i)) => list.borrow().get(i).cloned(),
            _ => None,
        };
        match item {
            Some(_) => self.index.set(index - 1),
            None => {
                self.index.set(-1);
                *slot = None;
            }
        }
        Some(Ok(item))
    }

    /// What is left: none once the list has shrunk below the index.
    fn length_hint(&self) -> Option<usize> {
        let list = self.list.borrow();
        let length = list.as_ref().map_or(0, |list| list.borrow().len());
        let next = usize::try_from(self.index.get()).ok();
        Some(
            next.filter(|&next| next < length)
                .map_or(0, |next| next + 1),
        )
    }
}

struct TupleIterator {
    items: Rc<TupleItems>,
    index: Cell<usize>,
}

impl NativeObject for TupleIterator {
    native_class!("tuple_iterator");

    fn next(&self, _interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        let item = self.items.get(self.index.get()).cloned();
        if item.is_some() {
            self.index.set(self.index.get() + 1);
        }
        Some(Ok(item))
    }

    fn length_hint(&self) -> Option<usize> {
        Some(self.items.len().saturating_sub(self.index.get()))
    }
}

/// Yields the bytes as ints.
struct BytesIterator {
    data: Rc<Vec<u8>>,
    index: Cell<usize>,
}

impl NativeObject for BytesIterator {
    native_class!("bytes_iterator");

    fn next(&self, _interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        let byte = self.data.get(self.index.get()).copied();
        if byte.is_some() {
            self.index.set(self.index.get() + 1);
        }
        Some(Ok(byte.map(|b| Value::Int(i64::from(b)))))
    }

    fn length_hint(&self) -> Option<usize> {
        Some(self.data.len().saturating_sub(self.index.get()))
    }
}

/// Reads the bytearray afresh at every step, as a list's iterator does.
struct ByteArrayIterator {
    /// `None` once exhausted: later appends must not revive it.
    data: RefCell<Option<Rc<RefCell<Vec<u8>>>>>,
    index: Cell<usize>,
}

impl NativeObject for ByteArrayIterator {
    native_class!("bytearray_iterator");

    fn next(&self, _interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        let mut slot = self.data.borrow_mut();
        let byte = slot
            .as_ref()
            .and_then(|data| data.borrow().get(self.index.get()).copied());
        match byte {
            Some(_) => self.index.set(self.index.get() + 1),
            None => *slot = None,
        }
        Some(Ok(byte.map(|b| Value::Int(i64::from(b)))))
    }

    fn length_hint(&self) -> Option<usize> {
        let slot = self.data.borrow();
        let len = slot.as_ref().map_or(0, |data| data.borrow().len());
        Some(len.saturating_sub(self.index.get()))
    }
}

/// Walks the string by byte offset, so that iterating a non-ASCII string
/// is linear.
struct StrIterator {
    text: Rc<PyStr>,
    offset: Cell<usize>,
}

impl NativeObject for StrIterator {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        // CPython 3.11 has a separate, faster type for ASCII strings, and
        // `type(iter(s))` shows which one it took.
        interp.native_class(if self.text.is_ascii() {
            "str_ascii_iterator"
        } else {
            "str_iterator"
        })
    }

    fn next(&self, _interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        let offset = self.offset.get();
        let next = self
            .text
            .as_str()
            .get(offset..)
            .and_then(|rest| rest.chars().next());
        Some(Ok(next.map(|c| {
            self.offset.set(offset + c.len_utf8());
            Value::str(c.to_string())
        })))
    }
}

/// A range's iterator: its first item, then one more `step` each time,
/// `remaining` times. On `i64`s when every item fits (CPython's
/// `range_iterator`), on `i128`s otherwise (its `longrange_iterator`).
pub struct RangeIterator<N> {
    next: Cell<N>,
    step: N,
    remaining: Cell<u128>,
}

/// The integers a [`RangeIterator`] steps through.
pub trait RangeItem: Copy + 'static {
    const CLASS_NAME: &'static str;
    fn wrapping_add(self, step: Self) -> Self;
    fn value(self) -> Value;
    fn kind(iterator: &RangeIterator<Self>) -> NativeKind<'_>;
}

impl RangeItem for i64 {
    const CLASS_NAME: &'static str = "range_iterator";

    fn wrapping_add(self, step: i64) -> i64 {
        i64::wrapping_add(self, step)
    }

    fn value(self) -> Value {
        Value::Int(self)
    }

    fn kind(iterator: &RangeIterator<i64>) -> NativeKind<'_> {
        NativeKind::IntRange(iterator)
    }
}

impl RangeItem for i128 {
    const CLASS_NAME: &'static str = "longrange_iterator";

    fn wrapping_add(self, step: i128) -> i128 {
        i128::wrapping_add(self, step)
    }

    fn value(self) -> Value {
        Value::from_i128(self)
    }

    fn kind(_: &RangeIterator<i128>) -> NativeKind<'_> {
        NativeKind::Other
    }
}

impl<N: RangeItem> RangeIterator<N> {
    fn new(first: N, step: N, len: u128) -> RangeIterator<N> {
        RangeIterator {
            next: Cell::new(first),
            step,
            remaining: Cell::new(len),
        }
    }

    /// The next item, if any.
    #[inline(always)]
    pub fn step(&self) -> Option<N> {
        let remaining = self.remaining.get();
        if remaining == 0 {
            return None;
        }
        let value = self.next.get();
        self.remaining.set(remaining - 1);
        // Stepping past the last item may leave the type's range; that
        // value is never yielded, so wrapping is harmless (and every
        // yielded value is exact, since arithmetic is modular).
        self.next.set(value.wrapping_add(self.step));
        Some(value)
    }
}

impl<N: RangeItem> NativeObject for RangeIterator<N> {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class(N::CLASS_NAME)
    }

    fn kind(&self) -> NativeKind<'_> {
        N::kind(self)
    }

    fn next(&self, _interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        Some(Ok(self.step().map(N::value)))
    }

    fn length_hint(&self) -> Option<usize> {
        usize::try_from(self.remaining.get()).ok()
    }
}

/// What a dict iterator yields.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Keys,
    Values,
    Items,
}

enum Table {
    Dict(Rc<RefCell<Dict>>),
    Set(Rc<RefCell<Dict>>),
    FrozenSet(Rc<Dict>),
}

/// Iterates a dict, set or frozenset table in insertion order (or its
/// reverse), checking at every step that the size has not changed.
struct DictIterator {
    /// `None` once exhausted.
    table: RefCell<Option<Table>>,
    class_name: &'static str,
    part: Part,
    reverse: bool,
    /// The next slot to look at; for a reverse iterator, one past it.
    position: Cell<usize>,
    /// The table's size when iteration started; `None` after a size
    /// change was reported, so that every later step reports it again.
    expected_len: Cell<Option<usize>>,
    /// Entries left to yield: running out while the table still has
    /// entries means keys were replaced while the size stayed the same.
    remaining: Cell<usize>,
}

enum Step {
    Item(Value),
    Exhausted,
    SizeChanged,
    KeysChanged,
}

impl DictIterator {
    fn new(table: Table, part: Part, reverse: bool) -> DictIterator {
        let (len, slots) = match &table {
            Table::Dict(dict) | Table::Set(dict) => {
                let dict = dict.borrow();
                (dict.len(), dict.capacity_positions())
            }
            Table::FrozenSet(set) => (set.len(), set.capacity_positions()),
        };
        let class_name = match (&table, part, reverse) {
            (Table::Set(_) | Table::FrozenSet(_), _, _) => "set_iterator",
            (_, Part::Keys, false) => "dict_keyiterator",
            (_, Part::Values, false) => "dict_valueiterator",
            (_, Part::Items, false) => "dict_itemiterator",
            (_, Part::Keys, true) => "dict_reversekeyiterator",
            (_, Part::Values, true) => "dict_reversevalueiterator",
            (_, Part::Items, true) => "dict_reverseitemiterator",
        };
        DictIterator {
            table: RefCell::new(Some(table)),
            class_name,
            part,
            reverse,
            position: Cell::new(if reverse { slots } else { 0 }),
            expected_len: Cell::new(Some(len)),
            remaining: Cell::new(len),
        }
    }

    fn step(&self, dict: &Dict, is_set: bool) -> Step {
        if self.expected_len.get() != Some(dict.len()) {
            return Step::SizeChanged;
        }
        let entry = loop {
            let position = self.position.get();
            let slot = if self.reverse {
                let Some(previous) = position.checked_sub(1) else {
                    return Step::Exhausted;
                };
                self.position.set(previous);
                dict.entry_at(previous)
            } else {
                self.position.set(position + 1);
                dict.entry_at(position)
            };
            match slot {
                None => return Step::Exhausted,
                Some(None) => continue,
                Some(Some(entry)) => break entry,
            }
        };
        let Some(remaining) = self.remaining.get().checked_sub(1) else {
            // Sets do not check this in CPython; they just go on.
            if !is_set {
                return Step::KeysChanged;
            }
            return Step::Item(entry.key.clone());
        };
        self.remaining.set(remaining);
        Step::Item(match self.part {
            Part::Keys => entry.key.clone(),
            Part::Values => entry.value.clone(),
            Part::Items => Value::pair(entry.key.clone(), entry.value.clone()),
        })
    }
}

impl NativeObject for DictIterator {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class(self.class_name)
    }

    fn next(&self, interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        let (step, is_set) = {
            let table = self.table.borrow();
            match table.as_ref() {
                None => return Some(Ok(None)),
                Some(Table::Dict(dict)) => (self.step(&dict.borrow(), false), false),
                Some(Table::Set(set)) => (self.step(&set.borrow(), true), true),
                Some(Table::FrozenSet(set)) => (self.step(set, true), true),
            }
        };
        Some(match step {
            Step::Item(item) => Ok(Some(item)),
            Step::Exhausted => {
                *self.table.borrow_mut() = None;
                Ok(None)
            }
            Step::SizeChanged => {
                self.expected_len.set(None);
                let message = if is_set {
                    "Set changed size during iteration"
                } else {
                    "dictionary changed size during iteration"
                };
                Err(interp.error(ExcType::RuntimeError, message))
            }
            Step::KeysChanged => {
                *self.table.borrow_mut() = None;
                Err(interp.error(
                    ExcType::RuntimeError,
                    "dictionary keys changed during iteration",
                ))
            }
        })
    }
}

/// `reversed(seq)` over the sequence protocol (`len` and indexing).
struct Reversed {
    sequence: RefCell<Option<Value>>,
    index: Cell<i64>,
}

impl NativeObject for Reversed {
    native_class!("reversed");

    fn next(&self, interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        let index = self.index.get();
        let sequence = self.sequence.borrow().clone();
        let Some(sequence) = sequence.filter(|_| index >= 0) else {
            return Some(Ok(None));
        };
        let item = match &sequence {
            Value::Tuple(items) => usize::try_from(index)
                .ok()
                .and_then(|i| items.get(i).cloned())
                .ok_or_else(|| interp.index_error("tuple index out of range")),
            _ => interp.get_item(&sequence, &Value::Int(index)),
        };
        Some(match item {
            Ok(item) => {
                self.index.set(index - 1);
                Ok(Some(item))
            }
            Err(err)
                if interp.is_instance_of(&err, ExcType::IndexError)
                    || interp.is_instance_of(&err, ExcType::StopIteration) =>
            {
                self.index.set(-1);
                *self.sequence.borrow_mut() = None;
                Ok(None)
            }
            Err(err) => Err(err),
        })
    }

    fn length_hint(&self) -> Option<usize> {
        let started = self.sequence.borrow().is_some();
        Some(if started {
            (self.index.get() + 1).max(0) as usize
        } else {
            0
        })
    }
}

struct SequenceIterator {
    sequence: RefCell<Option<Value>>,
    index: Cell<i64>,
}

impl NativeObject for SequenceIterator {
    native_class!("iterator");

    fn next(&self, interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        let sequence = self.sequence.borrow().clone();
        let Some(sequence) = sequence else {
            return Some(Ok(None));
        };
        let index = self.index.get();
        Some(match interp.get_item(&sequence, &Value::Int(index)) {
            Ok(item) => {
                self.index.set(index + 1);
                Ok(Some(item))
            }
            Err(err)
                if interp.is_instance_of(&err, ExcType::IndexError)
                    || interp.is_instance_of(&err, ExcType::StopIteration) =>
            {
                *self.sequence.borrow_mut() = None;
                Ok(None)
            }
            Err(err) => Err(err),
        })
    }
}

struct Enumerate {
    iterator: Value,
    count: RefCell<Value>,
}

impl NativeObject for Enumerate {
    native_class!("enumerate");

    fn next(&self, interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        let item = match interp.next(&self.iterator) {
            Ok(Some(item)) => item,
            other => return Some(other),
        };
        let mut count = self.count.borrow_mut();
        let index = count.clone();
        *count = match &index {
            Value::Int(i) => match i.checked_add(1) {
                Some(next) => Value::Int(next),
                None => Value::from_bigint(BigInt::from(*i) + 1),
            },
            Value::BigInt(i) => Value::from_bigint(&**i + 1),
            // `enumerate.__new__` only stores ints.
            other => other.clone(),
        };
        Some(Ok(Some(Value::pair(index, item))))
    }
}

struct Zip {
    iterators: Vec<Value>,
    strict: bool,
}

impl Zip {
    /// With `strict=True`: the first iterator stopped at `stopped`; any
    /// other that did not stop at the same step is an error, worded as
    /// CPython words it.
    fn check_lengths(&self, interp: &mut Interp, stopped: usize) -> PyResult<Option<Value>> {
        let describe = |i: usize| {
            if i == 1 {
                " 1".to_string()
            } else {
                format!("s 1-{i}")
            }
        };
        if stopped > 0 {
            return Err(interp.value_error(format!(
                "zip() argument {} is shorter than argument{}",
                stopped + 1,
                describe(stopped)
            )));
        }
        for (i, iterator) in self.iterators.iter().enumerate().skip(1) {
            if interp.next(iterator)?.is_some() {
                return Err(interp.value_error(format!(
                    "zip() argument {} is longer than argument{}",
                    i + 1,
                    describe(i)
                )));
            }
        }
        Ok(None)
    }
}

impl NativeObject for Zip {
    native_class!("zip");

    fn next(&self, interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        if self.iterators.is_empty() {
            return Some(Ok(None));
        }
        let mut items = Vec::with_capacity(self.iterators.len());
        for (i, iterator) in self.iterators.iter().enumerate() {
            match interp.next(iterator) {
                Ok(Some(item)) => items.push(item),
                Ok(None) if self.strict => return Some(self.check_lengths(interp, i)),
                other => return Some(other),
            }
        }
        Some(Ok(Some(Value::tuple(items))))
    }
}

struct Map {
    function: Value,
    iterators: Vec<Value>,
}

impl NativeObject for Map {
    native_class!("map");

    fn next(&self, interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        let mut args = Vec::with_capacity(self.iterators.len());
        for iterator in &self.iterators {
            match interp.next(iterator) {
                Ok(Some(item)) => args.push(item),
                other => return Some(other),
            }
        }
        Some(interp.call(&self.function, &args, &[]).map(Some))
    }
}

struct Filter {
    function: Option<Value>,
    iterator: Value,
}

impl NativeObject for Filter {
    native_class!("filter");

    fn next(&self, interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        Some(loop {
            let item = match interp.next(&self.iterator) {
                Ok(Some(item)) => item,
                other => break other,
            };
            let keep = match &self.function {
                None => interp.truthy(&item),
                Some(function) => interp
                    .call(function, std::slice::from_ref(&item), &[])
                    .and_then(|verdict| interp.truthy(&verdict)),
            };
            match keep {
                Ok(true) => break Ok(Some(item)),
                Ok(false) => continue,
                Err(err) => break Err(err),
            }
        })
    }
}

struct CallableIterator {
    /// The function and the sentinel; `None` once the sentinel was seen.
    state: RefCell<Option<(Value, Value)>>,
}

impl NativeObject for CallableIterator {
    native_class!("callable_iterator");

    fn next(&self, interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        let Some((function, sentinel)) = self.state.borrow().clone() else {
            return Some(Ok(None));
        };
        let result = match interp.call(&function, &[], &[]) {
            Ok(result) => result,
            Err(err) if interp.is_instance_of(&err, ExcType::StopIteration) => {
                *self.state.borrow_mut() = None;
                return Some(Ok(None));
            }
            Err(err) => return Some(Err(err)),
        };
        let finished = if sentinel.is(&result) {
            Ok(true)
        } else {
            interp.eq(&sentinel, &result)
        };
        Some(match finished {
            Ok(true) => {
                *self.state.borrow_mut() = None;
                Ok(None)
            }
            Ok(false) => Ok(Some(result)),
            Err(err) => Err(err),
        })
    }
}
