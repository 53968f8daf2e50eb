//! The runtime value: what a variable holds.
//!
//! `Value` is two words (16 bytes): a tag and either an immediate (`None`,
//! `bool`, a machine-size `int`, a `float`) or one thin reference-counted
//! pointer, so a clone is a copy or one increment. Every payload is one
//! integer or pointer word, which makes the value a pair of scalars to
//! rustc: returned in two registers, moved in two general registers, never
//! with one 16-byte load of what was just written in pieces (a stall; see
//! ARCHITECTURE.md). Mutable containers sit behind a `RefCell`; the
//! evaluator never holds one of those borrows across a call back into
//! Python code (see ARCHITECTURE.md).

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::ToPrimitive;
use smallvec::SmallVec;

use super::dict::Dict;
use super::object::{
    BoundMethod, BuiltinFunction, Class, Function, Instance, ModuleObject, NativeKind, NativeObject,
};
use crate::runtime::asyncio::future::Future;
use crate::runtime::generator::Generator;

pub enum Value {
    None,
    NotImplemented,
    Ellipsis,
    Bool(Flag),
    /// An `int` that fits in 64 bits; larger ones are `BigInt`.
    Int(i64),
    /// Always outside the `i64` range (see [`Value::from_bigint`]).
    BigInt(Rc<BigInt>),
    Float(FloatBits),
    Str(Rc<PyStr>),
    Bytes(Rc<Vec<u8>>),
    /// A `bytearray`: bytes that change in place.
    ByteArray(Rc<RefCell<Vec<u8>>>),
    List(Rc<RefCell<ListItems>>),
    Tuple(Rc<TupleItems>),
    Dict(Rc<RefCell<Dict>>),
    /// Sets are dicts whose values are all `None`.
    Set(Rc<RefCell<Dict>>),
    FrozenSet(Rc<Dict>),
    Range(Rc<Range>),
    Slice(Rc<[Value; 3]>),
    Function(Rc<Function>),
    Builtin(Rc<BuiltinFunction>),
    BoundMethod(Rc<BoundMethod>),
    Type(Rc<Class>),
    Instance(Rc<Instance>),
    Module(Rc<ModuleObject>),
    /// Generators, coroutines and async generators: resumable frames.
    Generator(Rc<Generator>),
    /// A future or a task: the native object a coroutine program holds
    /// most of, by the hundred thousand, so held without `Native`'s
    /// second box. Never in `Native` (see [`Value::native`]).
    Future(Rc<Future>),
    /// Everything else implemented in Rust: iterators, files, properties,
    /// the event loop, … Behind a second reference so that the value's
    /// pointer is one word (see [`Value::native`]).
    Native(Rc<Rc<dyn NativeObject>>),
}

/// An int, the commonest value, is cloned where the clone is made; any
/// other through one call. The derived clone, a jump through a table of
/// the variants at every clone, ran loops 7% slower.
impl Clone for Value {
    #[inline(always)]
    fn clone(&self) -> Value {
        match self {
            Value::Int(i) => Value::Int(*i),
            other => other.clone_other(),
        }
    }
}

impl Value {
    #[inline(never)]
    fn clone_other(&self) -> Value {
        match self {
            Value::None => Value::None,
            Value::NotImplemented => Value::NotImplemented,
            Value::Ellipsis => Value::Ellipsis,
            Value::Bool(flag) => Value::Bool(*flag),
            Value::Int(i) => Value::Int(*i),
            Value::Float(bits) => Value::Float(*bits),
            Value::BigInt(rc) => Value::BigInt(rc.clone()),
            Value::Str(rc) => Value::Str(rc.clone()),
            Value::Bytes(rc) => Value::Bytes(rc.clone()),
            Value::ByteArray(rc) => Value::ByteArray(rc.clone()),
            Value::List(rc) => Value::List(rc.clone()),
            Value::Tuple(rc) => Value::Tuple(rc.clone()),
            Value::Dict(rc) => Value::Dict(rc.clone()),
            Value::Set(rc) => Value::Set(rc.clone()),
            Value::FrozenSet(rc) => Value::FrozenSet(rc.clone()),
            Value::Range(rc) => Value::Range(rc.clone()),
            Value::Slice(rc) => Value::Slice(rc.clone()),
            Value::Function(rc) => Value::Function(rc.clone()),
            Value::Builtin(rc) => Value::Builtin(rc.clone()),
            Value::BoundMethod(rc) => Value::BoundMethod(rc.clone()),
            Value::Type(rc) => Value::Type(rc.clone()),
            Value::Instance(rc) => Value::Instance(rc.clone()),
            Value::Module(rc) => Value::Module(rc.clone()),
            Value::Generator(rc) => Value::Generator(rc.clone()),
            Value::Future(rc) => Value::Future(rc.clone()),
            Value::Native(rc) => Value::Native(rc.clone()),
        }
    }
}

// Every value pays for the largest variant: keep it two words, each
// variant's payload one word (not an `f64`, a `bool` or a fat pointer).
const _: () = assert!(std::mem::size_of::<Value>() == 16);

/// A list's items. A vector, except that the items go last to first when
/// the list dies or is emptied, as CPython's `list_dealloc` and `clear`
/// release them — the order in which their `__del__`s run.
#[derive(Default)]
pub struct ListItems(Vec<Value>);

impl ListItems {
    /// The items, the list left empty.
    pub fn take(&mut self) -> Vec<Value> {
        std::mem::take(&mut self.0)
    }

    /// Empties the list, last item first.
    pub fn clear(&mut self) {
        while let Some(item) = self.0.pop() {
            drop(item);
        }
    }
}

impl std::ops::Deref for ListItems {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

impl std::ops::DerefMut for ListItems {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.0
    }
}

impl From<Vec<Value>> for ListItems {
    fn from(items: Vec<Value>) -> ListItems {
        ListItems(items)
    }
}

impl Drop for ListItems {
    fn drop(&mut self) {
        self.clear();
    }
}

/// A tuple's items: up to two in the tuple's own allocation (a pair is
/// the commonest tuple: `dict.items()`, `enumerate`, `zip`, `return a, b`),
/// more in a second one. They go last to first when the tuple dies, as
/// CPython's `tupledealloc` releases them.
#[derive(Default)]
pub struct TupleItems(SmallVec<[Value; 2]>);

impl TupleItems {
    pub fn new() -> TupleItems {
        TupleItems(SmallVec::new())
    }

    pub fn from_vec(items: Vec<Value>) -> TupleItems {
        TupleItems(SmallVec::from_vec(items))
    }

    pub fn pair(first: Value, second: Value) -> TupleItems {
        TupleItems(smallvec::smallvec![first, second])
    }
}

impl std::ops::Deref for TupleItems {
    type Target = SmallVec<[Value; 2]>;
    fn deref(&self) -> &SmallVec<[Value; 2]> {
        &self.0
    }
}

impl std::ops::DerefMut for TupleItems {
    fn deref_mut(&mut self) -> &mut SmallVec<[Value; 2]> {
        &mut self.0
    }
}

impl FromIterator<Value> for TupleItems {
    fn from_iter<I: IntoIterator<Item = Value>>(items: I) -> TupleItems {
        TupleItems(items.into_iter().collect())
    }
}

impl Drop for TupleItems {
    fn drop(&mut self) {
        while let Some(item) = self.0.pop() {
            drop(item);
        }
    }
}

/// A `bool`'s payload: a whole machine word, as every other variant's
/// payload is, so that a value is a pair of words (see [`Value`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Flag(u64);

impl Flag {
    pub const FALSE: Flag = Flag(0);
    pub const TRUE: Flag = Flag(1);

    pub fn get(self) -> bool {
        self.0 != 0
    }
}

/// A `float`'s payload as its bits: an `f64` field would make the value
/// an aggregate that is moved with one 16-byte load (see [`Value`]).
/// Compared and hashed only through [`FloatBits::get`], as a float.
///
/// The bits are also a float's identity (`is`, `id()`, the identity test
/// of `in` and of dict lookups), which serves CPython's answers for every
/// float but NaN: there each `float('nan')`, each `inf - inf`, is an
/// object of its own, never equal to another, so `float('nan') in
/// [float('nan')]` is False while `x in [x]` is True. A new NaN therefore
/// gets bits of its own: a payload from a counter.
#[derive(Clone, Copy)]
pub struct FloatBits(u64);

impl std::fmt::Debug for FloatBits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl FloatBits {
    #[inline]
    pub fn new(float: f64) -> FloatBits {
        if float.is_nan() {
            return FloatBits::new_nan(float);
        }
        FloatBits(float.to_bits())
    }

    /// A NaN with its sign and a payload no other NaN made so far has.
    #[cold]
    fn new_nan(nan: f64) -> FloatBits {
        use std::sync::atomic::{AtomicU64, Ordering};
        /// The mantissa's bits below the quiet bit.
        const PAYLOAD: u64 = (1 << 51) - 1;
        static MADE: AtomicU64 = AtomicU64::new(0);
        let payload = (MADE.fetch_add(1, Ordering::Relaxed) + 1) & PAYLOAD;
        let quiet = f64::NAN.to_bits() | (nan.to_bits() & (1 << 63));
        FloatBits(quiet | payload)
    }

    pub fn get(self) -> f64 {
        f64::from_bits(self.0)
    }
}

/// Drops `value`, or forgets it when it holds nothing to free (an int, a
/// float, a bool, `None`…): a value's drop glue is a call through a jump
/// table, and most values overwritten in a loop are ints. Inlined.
#[inline(always)]
pub fn discard(value: Option<Value>) {
    match value {
        None
        | Some(
            Value::None
            | Value::NotImplemented
            | Value::Ellipsis
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_),
        ) => std::mem::forget(value),
        held => drop(held),
    }
}

/// A Python `str`: UTF-8 text plus its length in code points, so that
/// indexing an ASCII string is O(1).
pub struct PyStr {
    text: Box<str>,
    char_count: usize,
}

impl PyStr {
    pub fn new(text: impl Into<Box<str>>) -> PyStr {
        let text = text.into();
        let char_count = if text.is_ascii() {
            text.len()
        } else {
            text.chars().count()
        };
        PyStr { text, char_count }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn char_count(&self) -> usize {
        self.char_count
    }

    pub fn is_ascii(&self) -> bool {
        self.char_count == self.text.len()
    }

    /// The code point at index `i` (already bounds-checked by the caller).
    pub fn char_at(&self, i: usize) -> Option<char> {
        if self.is_ascii() {
            self.text.as_bytes().get(i).map(|&b| b as char)
        } else {
            self.text.chars().nth(i)
        }
    }
}

/// `range(start, stop, step)`; `step` is never 0.
///
/// The bounds are `i128`, so ranges far beyond 64 bits (`range(10**20)`)
/// work while the common case stays machine arithmetic. CPython's ranges
/// are unbounded; pyl limits each bound to a signed 128-bit integer and
/// raises OverflowError beyond that (see [`Range::LIMIT_MESSAGE`]), and
/// also when a slice of a range would need a bound beyond it, or slices a
/// range of 2**127 values or more. Within the limit a range may hold up to
/// 2**128 - 1 values, so lengths and positions are `u128`; `len()` of a
/// range past 2**63 - 1 values is CPython's OverflowError.
#[derive(Clone, Copy)]
pub struct Range {
    pub start: i128,
    pub stop: i128,
    pub step: i128,
}

impl Range {
    /// The OverflowError message for a bound beyond pyl's 128-bit limit.
    pub const LIMIT_MESSAGE: &'static str =
        "range bounds must fit in a signed 128-bit integer (a pyl limit)";

    /// The number of values, exact for every `i128` bounds and step.
    pub fn len(&self) -> u128 {
        let (lo, hi) = if self.step > 0 {
            (self.start, self.stop)
        } else {
            (self.stop, self.start)
        };
        if lo >= hi {
            0
        } else {
            // `hi - lo` fits in a u128 even when it overflows an i128.
            (hi.wrapping_sub(lo) as u128 - 1) / self.step.unsigned_abs() + 1
        }
    }

    pub fn is_empty(&self) -> bool {
        if self.step > 0 {
            self.start >= self.stop
        } else {
            self.start <= self.stop
        }
    }

    /// The value at position `i` (`i < len()`, checked by the caller).
    pub fn get(&self, i: u128) -> i128 {
        // The true result lies between the bounds, so arithmetic modulo
        // 2**128 gives it exactly even when `i * step` alone overflows.
        self.start.wrapping_add((i as i128).wrapping_mul(self.step))
    }

    /// `start + i * step` for `-1 <= i <= len` (`len` being `self.len()`),
    /// the bounds of a slice of the range; `None` when that falls outside
    /// the `i128` range.
    pub fn value_at(&self, i: i128, len: u128) -> Option<i128> {
        if i < 0 {
            self.start.checked_sub(self.step)
        } else if (i as u128) < len {
            Some(self.get(i as u128))
        } else if len == 0 {
            Some(self.start)
        } else {
            self.get(len - 1).checked_add(self.step)
        }
    }

    /// The position of `n` in the range, if it is one of its values.
    pub fn position(&self, n: i128) -> Option<u128> {
        let offset = if self.step > 0 {
            (self.start <= n && n < self.stop).then(|| n.wrapping_sub(self.start))
        } else {
            (self.stop < n && n <= self.start).then(|| self.start.wrapping_sub(n))
        }? as u128;
        let step = self.step.unsigned_abs();
        offset.is_multiple_of(step).then_some(offset / step)
    }

    pub fn contains(&self, n: i128) -> bool {
        self.position(n).is_some()
    }

    /// Equality as CPython's `range_equals`: the same sequence of values.
    pub fn same_values(&self, other: &Range) -> bool {
        let len = self.len();
        len == other.len()
            && (len == 0 || (self.start == other.start && (len == 1 || self.step == other.step)))
    }
}

impl Value {
    pub fn float(float: f64) -> Value {
        Value::Float(FloatBits::new(float))
    }

    /// `object` as a value. The trait object's pointer is two words; the
    /// value holds one, to a reference-counted box of it — except for a
    /// future, which has a variant of its own, so that a future is the
    /// same value however it was made.
    pub fn native(object: Rc<dyn NativeObject>) -> Value {
        if let NativeKind::Future = object.kind() {
            let any: Rc<dyn Any> = object.clone();
            if let Ok(future) = any.downcast::<Future>() {
                return Value::Future(future);
            }
        }
        Value::Native(Rc::new(object))
    }

    /// The object, when it is implemented in Rust (a future or a
    /// `Native`).
    pub fn as_native(&self) -> Option<&dyn NativeObject> {
        match self {
            Value::Future(future) => Some(&**future),
            Value::Native(object) => Some(&***object),
            _ => None,
        }
    }

    pub fn str(s: impl Into<Box<str>>) -> Value {
        Value::Str(Rc::new(PyStr::new(s)))
    }

    pub fn bytes(data: impl Into<Vec<u8>>) -> Value {
        Value::Bytes(Rc::new(data.into()))
    }

    pub fn bytearray(data: impl Into<Vec<u8>>) -> Value {
        Value::ByteArray(Rc::new(RefCell::new(data.into())))
    }

    pub fn list(items: Vec<Value>) -> Value {
        let list = Rc::new(RefCell::new(ListItems(items)));
        super::cycles::track_list(&list);
        Value::List(list)
    }

    pub fn dict(table: RefCell<Dict>) -> Value {
        let table = Rc::new(table);
        super::cycles::track_table(&table);
        Value::Dict(table)
    }

    pub fn set(table: RefCell<Dict>) -> Value {
        let table = Rc::new(table);
        super::cycles::track_table(&table);
        Value::Set(table)
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::new(TupleItems::from_vec(items)))
    }

    /// `(first, second)`, in one allocation.
    pub fn pair(first: Value, second: Value) -> Value {
        Value::Tuple(Rc::new(TupleItems::pair(first, second)))
    }

    pub fn empty_tuple() -> Value {
        Value::Tuple(Rc::new(TupleItems::new()))
    }

    /// The canonical int: `Int` when it fits in 64 bits.
    pub fn from_bigint(n: BigInt) -> Value {
        match n.to_i64() {
            Some(i) => Value::Int(i),
            None => Value::BigInt(Rc::new(n)),
        }
    }

    #[inline]
    pub fn from_i128(n: i128) -> Value {
        match i64::try_from(n) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::big_from_i128(n),
        }
    }

    // Out of line: building a `BigInt` in place would make every caller
    // (a range's iterator, for one) save and restore registers for it.
    #[cold]
    #[inline(never)]
    fn big_from_i128(n: i128) -> Value {
        Value::BigInt(Rc::new(BigInt::from(n)))
    }

    /// The text of a str, or of an instance of a subclass of `str`.
    pub fn as_str(&self) -> Option<&str> {
        match self.builtin_value() {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The builtin value an instance of a subclass of a builtin type is
    /// (the list of `class L(list)`'s instance); any other value itself.
    /// What a builtin type's methods take as their receiver, as CPython's
    /// take a subclass's instance for one of the type.
    pub fn builtin_value(&self) -> &Value {
        match self {
            Value::Instance(instance) => instance.builtin.as_ref().unwrap_or(self),
            _ => self,
        }
    }

    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The contents of a bytes-like object (bytes, bytearray, or an
    /// instance of a subclass of either): a bytearray's copied, so that no
    /// borrow of it outlives the call.
    pub fn bytes_like(&self) -> Option<Rc<Vec<u8>>> {
        match self.builtin_value() {
            Value::Bytes(b) => Some(b.clone()),
            Value::ByteArray(b) => Some(Rc::new(b.borrow().clone())),
            _ => None,
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// Identity, as Python's `is`.
    pub fn is(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (None, None) | (NotImplemented, NotImplemented) | (Ellipsis, Ellipsis) => true,
            (Bool(a), Bool(b)) => a.get() == b.get(),
            // Small ints are cached in CPython, so `is` holds for equal
            // machine ints in practice; pyl treats every equal Int as one.
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a.get().to_bits() == b.get().to_bits(),
            (BigInt(a), BigInt(b)) => Rc::ptr_eq(a, b),
            (Str(a), Str(b)) => {
                Rc::ptr_eq(a, b) || (a.as_str() == b.as_str() && a.char_count() <= 1)
            }
            // CPython caches the empty and one-byte bytes objects.
            (Bytes(a), Bytes(b)) => Rc::ptr_eq(a, b) || (a.len() <= 1 && a == b),
            (ByteArray(a), ByteArray(b)) => Rc::ptr_eq(a, b),
            (List(a), List(b)) => Rc::ptr_eq(a, b),
            (Tuple(a), Tuple(b)) => Rc::ptr_eq(a, b) || (a.is_empty() && b.is_empty()),
            (Dict(a), Dict(b)) | (Set(a), Set(b)) => Rc::ptr_eq(a, b),
            (FrozenSet(a), FrozenSet(b)) => Rc::ptr_eq(a, b),
            (Range(a), Range(b)) => Rc::ptr_eq(a, b),
            (Slice(a), Slice(b)) => Rc::ptr_eq(a, b),
            (Function(a), Function(b)) => Rc::ptr_eq(a, b),
            (Builtin(a), Builtin(b)) => Rc::ptr_eq(a, b),
            (BoundMethod(a), BoundMethod(b)) => Rc::ptr_eq(a, b),
            (Type(a), Type(b)) => Rc::ptr_eq(a, b),
            (Instance(a), Instance(b)) => Rc::ptr_eq(a, b),
            (Module(a), Module(b)) => Rc::ptr_eq(a, b),
            (Generator(a), Generator(b)) => Rc::ptr_eq(a, b),
            (Future(a), Future(b)) => Rc::ptr_eq(a, b),
            (Native(a), Native(b)) => Rc::ptr_eq(&**a, &**b),
            _ => false,
        }
    }

    /// The hash of an object compared by identity: its address, as
    /// CPython's `object.__hash__` (the low bits are alignment).
    pub fn identity_hash(&self) -> i64 {
        (self.address() >> 4) as i64
    }

    /// A stable address for `id()` and default reprs.
    pub fn address(&self) -> usize {
        use Value::*;
        match self {
            None => 0x1000,
            NotImplemented => 0x1010,
            Ellipsis => 0x1020,
            Bool(b) => 0x1030 + b.get() as usize * 0x10,
            Int(i) => 0x10_0000 + (*i as usize).wrapping_mul(32),
            Float(f) => f.get().to_bits() as usize,
            BigInt(r) => Rc::as_ptr(r) as *const u8 as usize,
            Str(r) => Rc::as_ptr(r) as *const u8 as usize,
            Bytes(r) => Rc::as_ptr(r) as *const u8 as usize,
            ByteArray(r) => Rc::as_ptr(r) as *const u8 as usize,
            List(r) => Rc::as_ptr(r) as *const u8 as usize,
            Tuple(r) => Rc::as_ptr(r) as *const u8 as usize,
            Dict(r) | Set(r) => Rc::as_ptr(r) as *const u8 as usize,
            FrozenSet(r) => Rc::as_ptr(r) as *const u8 as usize,
            Range(r) => Rc::as_ptr(r) as *const u8 as usize,
            Slice(r) => Rc::as_ptr(r) as *const u8 as usize,
            Function(r) => Rc::as_ptr(r) as *const u8 as usize,
            Builtin(r) => Rc::as_ptr(r) as *const u8 as usize,
            BoundMethod(r) => Rc::as_ptr(r) as *const u8 as usize,
            Type(r) => Rc::as_ptr(r) as *const u8 as usize,
            Instance(r) => Rc::as_ptr(r) as *const u8 as usize,
            Module(r) => Rc::as_ptr(r) as *const u8 as usize,
            Generator(r) => Rc::as_ptr(r) as *const u8 as usize,
            Future(r) => Rc::as_ptr(r) as *const u8 as usize,
            Native(r) => Rc::as_ptr(&**r) as *const u8 as usize,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(Flag(u64::from(b)))
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<usize> for Value {
    fn from(i: usize) -> Value {
        Value::from_i128(i as i128)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::str(s)
    }
}
