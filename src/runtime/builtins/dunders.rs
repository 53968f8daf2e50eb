//! The special methods of the builtin types as methods: `(5).__add__(3)`,
//! `list.__len__(xs)`, `hasattr(x, '__iter__')`. The interpreter never
//! calls these for builtin values — its operators, `len()` and the rest
//! take them directly — so each is a wrapper over that direct path, with
//! CPython's answer to an operand its type does not handle:
//! `(5).__add__(2.5)` and `(1).__eq__(1.0)` are `NotImplemented`, as
//! `int`'s methods leave mixed arithmetic to `float`'s.
//!
//! Their receiver is always a builtin value (`check_receiver`), and the
//! direct paths never look a builtin value's special method up: so no
//! wrapper reaches itself again (`pow(2, 3, 'x')` once did, natively,
//! until the stack ran out).

use std::rc::Rc;

use super::add_method;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, NativeFn};
use crate::runtime::value::Value;
use crate::syntax::ast::{BinOp, CmpOp, Name, UnaryOp};

type Methods = &'static [(&'static str, NativeFn)];

/// A group of the special methods below, by name.
macro_rules! methods {
    ($($name:ident),* $(,)?) => {
        &[$((stringify!($name), $name as NativeFn)),*]
    };
}

pub fn install(interp: &mut Interp) {
    let types = &interp.types;
    let installs: [(&Rc<Class>, &[Methods]); 13] = [
        (
            &types.int,
            &[NUMBER_METHODS, INT_METHODS, COMPARISONS, HASHABLE],
        ),
        (&types.bool_, &[BOOL_METHODS]),
        (&types.float, &[NUMBER_METHODS, COMPARISONS, HASHABLE]),
        (
            &types.str_,
            &[SEQUENCE_METHODS, COMPARISONS, HASHABLE, STR_METHODS],
        ),
        (
            &types.bytes,
            &[SEQUENCE_METHODS, COMPARISONS, HASHABLE, BYTES_METHODS],
        ),
        (
            &types.bytearray,
            &[
                SEQUENCE_METHODS,
                MUTABLE_SEQUENCE_METHODS,
                COMPARISONS,
                REPR,
                BYTES_METHODS,
            ],
        ),
        (&types.tuple, &[SEQUENCE_METHODS, COMPARISONS, HASHABLE]),
        (
            &types.list,
            &[
                SEQUENCE_METHODS,
                MUTABLE_SEQUENCE_METHODS,
                REVERSIBLE,
                COMPARISONS,
                REPR,
            ],
        ),
        (&types.dict, &[MAPPING_METHODS, COMPARISONS, REPR]),
        (
            &types.set,
            &[SET_METHODS, IN_PLACE_SET_METHODS, COMPARISONS, REPR],
        ),
        (&types.frozenset, &[SET_METHODS, COMPARISONS, HASHABLE]),
        (&types.range, &[RANGE_METHODS, COMPARISONS, HASHABLE]),
        (&types.none, &[NONE_METHODS]),
    ];
    for (class, groups) in installs {
        let count = groups.iter().map(|group| group.len()).sum();
        class.namespace.borrow_mut().reserve(count);
        for &(name, func) in groups.iter().copied().flatten() {
            add_method(class, name, func);
        }
    }
    // Unhashable, as CPython says by a `None` `__hash__`.
    for class in [&types.list, &types.bytearray, &types.dict, &types.set] {
        (class.namespace.borrow_mut()).insert("__hash__".into(), Value::None);
    }
}

const REPR: Methods = methods![__repr__];
const STR_METHODS: Methods = methods![__str__, __mod__, __format__];
const BYTES_METHODS: Methods = methods![__mod__];
const NONE_METHODS: Methods = methods![__bool__, __hash__, __repr__];
const HASHABLE: Methods = methods![__hash__, __repr__];
const COMPARISONS: Methods = methods![__eq__, __ne__, __lt__, __le__, __gt__, __ge__];
const NUMBER_METHODS: Methods = methods![
    __add__,
    __radd__,
    __sub__,
    __rsub__,
    __mul__,
    __rmul__,
    __truediv__,
    __rtruediv__,
    __floordiv__,
    __rfloordiv__,
    __mod__,
    __rmod__,
    __divmod__,
    __rdivmod__,
    __pow__,
    __rpow__,
    __neg__,
    __pos__,
    __abs__,
    __bool__,
    __int__,
    __float__,
    __round__,
    __trunc__,
    __floor__,
    __ceil__,
    __format__
];
const INT_METHODS: Methods = methods![
    __index__,
    __invert__,
    __lshift__,
    __rlshift__,
    __rshift__,
    __rrshift__,
    __and__,
    __rand__,
    __or__,
    __ror__,
    __xor__,
    __rxor__
];
const BOOL_METHODS: Methods = methods![__and__, __rand__, __or__, __ror__, __xor__, __rxor__];
const SEQUENCE_METHODS: Methods = methods![
    __add__,
    __mul__,
    __rmul__,
    __len__,
    __getitem__,
    __contains__,
    __iter__
];
const MUTABLE_SEQUENCE_METHODS: Methods = methods![__iadd__, __imul__, __setitem__, __delitem__];
const REVERSIBLE: Methods = methods![__reversed__];
const MAPPING_METHODS: Methods = methods![
    __len__,
    __getitem__,
    __setitem__,
    __delitem__,
    __contains__,
    __iter__,
    __reversed__,
    __or__,
    __ror__,
    __ior__
];
const IN_PLACE_SET_METHODS: Methods = methods![__ior__, __iand__, __ixor__, __isub__];
const RANGE_METHODS: Methods = methods![
    __len__,
    __getitem__,
    __contains__,
    __iter__,
    __reversed__,
    __bool__
];
const SET_METHODS: Methods = methods![
    __len__,
    __contains__,
    __iter__,
    __or__,
    __ror__,
    __and__,
    __rand__,
    __xor__,
    __rxor__,
    __sub__,
    __rsub__
];

/// Defines each special method from its parameters after the receiver
/// (their count checked, no keywords) and its body.
macro_rules! dunders {
    ($($name:ident($interp:ident, $receiver:ident $(, $arg:ident)*) => $body:expr;)*) => {
        $(
            fn $name(
                $interp: &mut Interp,
                args: &[Value],
                kwargs: &[(Name, Value)],
            ) -> PyResult<Value> {
                let name = stringify!($name);
                let ([$receiver, $($arg),*], true) = (args, kwargs.is_empty()) else {
                    let expected = <[&str]>::len(&[$(stringify!($arg)),*]);
                    return Err(arity_error($interp, name, args, kwargs, expected));
                };
                let $receiver = builtin_receiver($interp, name, $receiver)?;
                $body
            }
        )*
    };
}

dunders! {
    __add__(interp, receiver, other) => forward(interp, BinOp::Add, receiver, other);
    __radd__(interp, receiver, other) => reflected(interp, BinOp::Add, receiver, other);
    __sub__(interp, receiver, other) => forward(interp, BinOp::Sub, receiver, other);
    __rsub__(interp, receiver, other) => reflected(interp, BinOp::Sub, receiver, other);
    __mul__(interp, receiver, other) => multiply(interp, receiver, other, false);
    __rmul__(interp, receiver, other) => multiply(interp, receiver, other, true);
    __truediv__(interp, receiver, other) => forward(interp, BinOp::Div, receiver, other);
    __rtruediv__(interp, receiver, other) => reflected(interp, BinOp::Div, receiver, other);
    __floordiv__(interp, receiver, other) => forward(interp, BinOp::FloorDiv, receiver, other);
    __rfloordiv__(interp, receiver, other) => reflected(interp, BinOp::FloorDiv, receiver, other);
    __mod__(interp, receiver, other) => forward(interp, BinOp::Mod, receiver, other);
    __rmod__(interp, receiver, other) => reflected(interp, BinOp::Mod, receiver, other);
    __rpow__(interp, receiver, other) => reflected(interp, BinOp::Pow, receiver, other);
    __lshift__(interp, receiver, other) => forward(interp, BinOp::LShift, receiver, other);
    __rlshift__(interp, receiver, other) => reflected(interp, BinOp::LShift, receiver, other);
    __rshift__(interp, receiver, other) => forward(interp, BinOp::RShift, receiver, other);
    __rrshift__(interp, receiver, other) => reflected(interp, BinOp::RShift, receiver, other);
    __and__(interp, receiver, other) => forward(interp, BinOp::BitAnd, receiver, other);
    __rand__(interp, receiver, other) => reflected(interp, BinOp::BitAnd, receiver, other);
    __or__(interp, receiver, other) => forward(interp, BinOp::BitOr, receiver, other);
    __ror__(interp, receiver, other) => reflected(interp, BinOp::BitOr, receiver, other);
    __xor__(interp, receiver, other) => forward(interp, BinOp::BitXor, receiver, other);
    __rxor__(interp, receiver, other) => reflected(interp, BinOp::BitXor, receiver, other);
    __divmod__(interp, receiver, other) => divmod(interp, receiver, other, false);
    __rdivmod__(interp, receiver, other) => divmod(interp, receiver, other, true);
    __eq__(interp, receiver, other) => compare(interp, CmpOp::Eq, receiver, other);
    __ne__(interp, receiver, other) => compare(interp, CmpOp::NotEq, receiver, other);
    __lt__(interp, receiver, other) => compare(interp, CmpOp::Lt, receiver, other);
    __le__(interp, receiver, other) => compare(interp, CmpOp::LtE, receiver, other);
    __gt__(interp, receiver, other) => compare(interp, CmpOp::Gt, receiver, other);
    __ge__(interp, receiver, other) => compare(interp, CmpOp::GtE, receiver, other);
    __neg__(interp, receiver) => interp.unary_op(UnaryOp::Neg, receiver);
    __pos__(interp, receiver) => interp.unary_op(UnaryOp::Pos, receiver);
    __invert__(interp, receiver) => interp.unary_op(UnaryOp::Invert, receiver);
    __abs__(interp, receiver) => apply(interp, "abs", receiver);
    __bool__(interp, receiver) => interp.truthy(receiver).map(Value::from);
    __int__(interp, receiver) => apply(interp, "int", receiver);
    __trunc__(interp, receiver) => apply(interp, "int", receiver);
    __index__(interp, receiver) => apply(interp, "int", receiver);
    __float__(interp, receiver) => apply(interp, "float", receiver);
    __floor__(interp, receiver) => round_float(interp, receiver, f64::floor);
    __ceil__(interp, receiver) => round_float(interp, receiver, f64::ceil);
    __len__(interp, receiver) => interp.len(receiver).map(|n| Value::Int(n as i64));
    __setitem__(interp, receiver, key, value) => {
        interp.set_item(receiver, key.clone(), value.clone()).map(|()| Value::None)
    };
    __delitem__(interp, receiver, key) => interp.del_item(receiver, key).map(|()| Value::None);
    __contains__(interp, receiver, item) => interp.contains(receiver, item).map(Value::from);
    __iter__(interp, receiver) => interp.get_iter(receiver);
    __reversed__(interp, receiver) => apply(interp, "reversed", receiver);
    __hash__(interp, receiver) => interp.hash(receiver).map(Value::Int);
    __str__(interp, receiver) => interp.to_str(receiver).map(|s| Value::str(s.as_str()));
}

/// Defines each in-place operator's method: what `receiver op= other`
/// makes of the builtin value, and the receiver itself when that is the
/// value changed in place (an instance of a subclass, not its list).
macro_rules! in_place_dunders {
    ($($name:ident => $op:expr;)*) => {
        $(
            fn $name(
                interp: &mut Interp,
                args: &[Value],
                kwargs: &[(Name, Value)],
            ) -> PyResult<Value> {
                let name = stringify!($name);
                let ([receiver, other], true) = (args, kwargs.is_empty()) else {
                    return Err(arity_error(interp, name, args, kwargs, 1));
                };
                let value = builtin_receiver(interp, name, receiver)?;
                let result = in_place(interp, $op, value, other)?;
                Ok(if result.is(value) { receiver.clone() } else { result })
            }
        )*
    };
}

in_place_dunders! {
    __iadd__ => BinOp::Add;
    __imul__ => BinOp::Mul;
    __ior__ => BinOp::BitOr;
    __iand__ => BinOp::BitAnd;
    __ixor__ => BinOp::BitXor;
    __isub__ => BinOp::Sub;
}

/// `__getitem__`: the builtin value's item; for a subclass of `dict`, a
/// missing key goes to the class's `__missing__`, as CPython's
/// `dict_subscript` does for any dict not exactly a `dict`.
fn __getitem__(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let ([receiver, key], true) = (args, kwargs.is_empty()) else {
        return Err(arity_error(interp, "__getitem__", args, kwargs, 1));
    };
    let value = builtin_receiver(interp, "__getitem__", receiver)?;
    if let Value::Dict(dict) = value {
        if !value.is(receiver) {
            if let Some(found) = interp.dict_get(dict, key)? {
                return Ok(found);
            }
            if let Some(missing) = interp.class_of(receiver).lookup("__missing__") {
                return interp.call_bound(&missing, receiver, std::slice::from_ref(key), &[]);
            }
        }
    }
    interp.get_item(value, key)
}

/// `__repr__`: the builtin value's, but that a set names its class
/// (`S({1})` for an instance of a subclass `S` of `set`).
fn __repr__(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let ([receiver], true) = (args, kwargs.is_empty()) else {
        return Err(arity_error(interp, "__repr__", args, kwargs, 0));
    };
    let value = builtin_receiver(interp, "__repr__", receiver)?;
    let text = match value {
        Value::Set(_) | Value::FrozenSet(_) => {
            let class = interp.class_of(receiver);
            interp.set_repr(value, &class.name)?
        }
        Value::ByteArray(data) => {
            let class = interp.class_of(receiver);
            super::bytes::bytearray_repr(&class.name, &data.borrow())
        }
        _ => interp.repr(value)?,
    };
    Ok(Value::str(text))
}

/// `__pow__(other, modulo=None)`: `pow()`'s three-argument form too.
fn __pow__(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let args = &with_builtin_receiver(interp, "__pow__", args)?;
    match (&args[..], kwargs.is_empty()) {
        ([receiver, other], true) | ([receiver, other, Value::None], true) => {
            forward(interp, BinOp::Pow, receiver, other)
        }
        ([Value::Float(_), _, _], true) => {
            Err(interp
                .type_error("pow() 3rd argument not allowed unless all arguments are integers"))
        }
        ([receiver, other, modulus], true) => {
            if !handles(receiver, other) || !is_integer(modulus) {
                return Ok(Value::NotImplemented);
            }
            call_builtin(interp, "pow", args)
        }
        _ => Err(arity_error(interp, "__pow__", args, kwargs, 1)),
    }
}

/// `__round__(ndigits=None)`.
fn __round__(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    if args.is_empty() {
        return Err(arity_error(interp, "__round__", args, kwargs, 1));
    }
    let args = &with_builtin_receiver(interp, "__round__", args)?;
    super::args::check_count(interp, "__round__", &args[1..], kwargs, 0, 1)?;
    if let [Value::Int(_) | Value::BigInt(_) | Value::Bool(_), Value::None] = &args[..] {
        // `int.__round__` takes no None, where `round()` does.
        return Err(interp.type_error("'NoneType' object cannot be interpreted as an integer"));
    }
    call_builtin(interp, "round", args)
}

/// The builtin value a special method works on: its receiver, or the
/// value an instance of a subclass of a builtin type is. Any other
/// receiver, called through the type (`int.__add__(obj, 1)`), is
/// refused: the method would go back to `obj`'s own, perhaps to itself.
fn builtin_receiver<'a>(interp: &Interp, name: &str, receiver: &'a Value) -> PyResult<&'a Value> {
    match receiver.builtin_value() {
        Value::Instance(_) | Value::Future(_) | Value::Native(_) => {
            Err(interp.type_error(format!(
                "descriptor '{name}' requires a builtin object but received a '{}'",
                interp.type_name(receiver)
            )))
        }
        value => Ok(value),
    }
}

/// `args` with its first, the receiver, as [`builtin_receiver`] takes it.
fn with_builtin_receiver(interp: &Interp, name: &str, args: &[Value]) -> PyResult<Vec<Value>> {
    let mut args = args.to_vec();
    if let Some(receiver) = args.first_mut() {
        *receiver = builtin_receiver(interp, name, receiver)?.clone();
    }
    Ok(args)
}

/// CPython's message for a slot wrapper of the C type `class` called on
/// something else.
pub(crate) fn slot_receiver_error(
    interp: &Interp,
    class: &str,
    name: &str,
    args: &[Value],
) -> crate::runtime::error::PyErr {
    match args.first() {
        None => interp.type_error(format!("descriptor '{name}' needs an argument")),
        Some(other) => interp.type_error(format!(
            "descriptor '{name}' requires a '{class}' object but received a '{}'",
            interp.type_name(other)
        )),
    }
}

/// CPython's message for a special method called with the wrong arguments.
pub(crate) fn arity_error(
    interp: &Interp,
    name: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    expected: usize,
) -> crate::runtime::error::PyErr {
    if args.is_empty() {
        return interp.type_error(format!("descriptor '{name}' needs an argument"));
    }
    if !kwargs.is_empty() {
        return interp.type_error(format!("{name}() takes no keyword arguments"));
    }
    let plural = if expected == 1 { "" } else { "s" };
    interp.type_error(format!(
        "expected {expected} argument{plural}, got {}",
        args.len() - 1
    ))
}

fn is_integer(value: &Value) -> bool {
    matches!(value, Value::Int(_) | Value::BigInt(_) | Value::Bool(_))
}

fn is_set(value: &Value) -> bool {
    matches!(value, Value::Set(_) | Value::FrozenSet(_))
}

/// Whether the receiver's type does `op` with `other` itself; otherwise
/// its method answers `NotImplemented`, leaving it to the other
/// operand's type. Sequences take anything: their errors are their own.
fn handles(receiver: &Value, other: &Value) -> bool {
    match receiver {
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => is_integer(other),
        Value::Float(_) => is_integer(other) || matches!(other, Value::Float(_)),
        Value::Set(_) | Value::FrozenSet(_) => is_set(other),
        Value::Dict(_) => matches!(other, Value::Dict(_)),
        _ => true,
    }
}

// The operators below take an instance of a subclass of a builtin type
// for its value (`(1,) < T((2,))`), as CPython's type checks do.

fn forward(interp: &mut Interp, op: BinOp, receiver: &Value, other: &Value) -> PyResult<Value> {
    let other = other.builtin_value();
    if !handles(receiver, other) {
        return Ok(Value::NotImplemented);
    }
    interp.binary_op(op, receiver, other)
}

fn reflected(interp: &mut Interp, op: BinOp, receiver: &Value, other: &Value) -> PyResult<Value> {
    let other = other.builtin_value();
    if !handles(receiver, other) {
        return Ok(Value::NotImplemented);
    }
    interp.binary_op(op, other, receiver)
}

/// `__mul__`/`__rmul__`: a number's product, or a sequence repeated by
/// an index (CPython's `sq_repeat` wrapper, whose count must be one).
fn multiply(interp: &mut Interp, receiver: &Value, other: &Value, swap: bool) -> PyResult<Value> {
    let other = other.builtin_value();
    if crate::runtime::ops::is_sequence(receiver) {
        interp.index_value(other)?;
    }
    match swap {
        false => forward(interp, BinOp::Mul, receiver, other),
        true => reflected(interp, BinOp::Mul, receiver, other),
    }
}

fn in_place(interp: &mut Interp, op: BinOp, receiver: &Value, other: &Value) -> PyResult<Value> {
    let other = other.builtin_value();
    if is_set(receiver) && !is_set(other) {
        return Ok(Value::NotImplemented);
    }
    interp.inplace_op(op, receiver, other)
}

fn divmod(interp: &mut Interp, receiver: &Value, other: &Value, swap: bool) -> PyResult<Value> {
    let other = other.builtin_value();
    if !handles(receiver, other) {
        return Ok(Value::NotImplemented);
    }
    let operands = if swap {
        [other.clone(), receiver.clone()]
    } else {
        [receiver.clone(), other.clone()]
    };
    call_builtin(interp, "divmod", &operands)
}

/// A comparison of two values of types that compare with each other
/// (ints with ints, floats with numbers, lists with lists, …; dicts and
/// ranges only for equality), else `NotImplemented`.
fn compare(interp: &mut Interp, op: CmpOp, receiver: &Value, other: &Value) -> PyResult<Value> {
    let other = other.builtin_value();
    let equality = matches!(op, CmpOp::Eq | CmpOp::NotEq);
    let comparable = match (receiver, other) {
        (Value::Str(_), Value::Str(_))
        | (Value::Bytes(_) | Value::ByteArray(_), Value::Bytes(_) | Value::ByteArray(_))
        | (Value::List(_), Value::List(_))
        | (Value::Tuple(_), Value::Tuple(_)) => true,
        (Value::Dict(_), Value::Dict(_)) | (Value::Range(_), Value::Range(_)) => equality,
        (Value::Set(_) | Value::FrozenSet(_), _) => is_set(other),
        (Value::Int(_) | Value::BigInt(_) | Value::Bool(_) | Value::Float(_), _) => {
            handles(receiver, other)
        }
        _ => false,
    };
    if !comparable {
        return Ok(Value::NotImplemented);
    }
    // `dict.__eq__` compares contents, whatever an `OrderedDict`'s or a
    // `Counter`'s own method would say.
    if let (Value::Dict(x), Value::Dict(y)) = (receiver, other) {
        let equal = interp.dicts_equal(x, y)?;
        return Ok(Value::from(equal == (op == CmpOp::Eq)));
    }
    interp.rich_compare(op, receiver, other)
}

/// `name(value)`: `int(x)`, `abs(x)`, … by the builtin's name.
fn apply(interp: &mut Interp, name: &str, value: &Value) -> PyResult<Value> {
    call_builtin(interp, name, std::slice::from_ref(value))
}

fn call_builtin(interp: &mut Interp, name: &str, args: &[Value]) -> PyResult<Value> {
    let function = interp.builtins.namespace.borrow().get(name).cloned();
    match function {
        Some(function) => interp.call(&function, args, &[]),
        None => Err(interp.type_error(format!("builtin '{name}' is missing"))),
    }
}

/// `__floor__`/`__ceil__`: an int stays itself, a float is rounded to one.
fn round_float(interp: &mut Interp, value: &Value, round: fn(f64) -> f64) -> PyResult<Value> {
    match value {
        Value::Float(f) => crate::runtime::arith::float_to_int(interp, round(f.get())),
        other => apply(interp, "int", other),
    }
}

/// `__format__(spec)`: the builtin value formatted; an empty spec is
/// `str(receiver)`, as CPython's `int`, `float` and `str` say, so that a
/// subclass's own `__str__` shows.
fn __format__(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let ([receiver, spec], true) = (args, kwargs.is_empty()) else {
        return Err(arity_error(interp, "__format__", args, kwargs, 1));
    };
    let value = builtin_receiver(interp, "__format__", receiver)?;
    let Value::Str(spec) = spec.builtin_value() else {
        return Err(interp.type_error(format!(
            "__format__() argument must be str, not {}",
            interp.argument_type_name(spec)
        )));
    };
    let text = if spec.as_str().is_empty() && !value.is(receiver) {
        interp.to_str(receiver)?
    } else {
        interp.format_value(value, spec.as_str())?
    };
    Ok(Value::str(text))
}
