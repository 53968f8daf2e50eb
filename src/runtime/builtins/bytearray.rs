//! `bytearray`'s own: the constructor, and what changes one in place
//! (`append`, item and slice assignment, `+=`, …). The methods it shares
//! with `bytes` are in `bytes.rs`.
//!
//! Every argument is converted (which may run Python code: `__index__`,
//! an iterator) before the bytearray is borrowed, and no borrow is held
//! across a call back into Python, so that code changing the bytearray
//! meanwhile cannot break a borrow.

use std::cell::RefCell;
use std::rc::Rc;

use super::add_method;
use super::bytes::{byte_value, collect_bytes, contents, is_index};
use super::sequences::{check_args, receiver_error, slice_positions, ssize_arg, SliceBounds};
use super::subclasses;
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::NativeFn;
use crate::runtime::value::Value;
use crate::syntax::ast::{BinOp, Name};

type Kwargs = [(Name, Value)];

const METHODS: &[(&str, NativeFn)] = &[
    ("__new__", bytearray_new),
    ("__init__", bytearray_init),
    ("append", bytearray_append),
    ("extend", bytearray_extend),
    ("insert", bytearray_insert),
    ("pop", bytearray_pop),
    ("remove", bytearray_remove),
    ("clear", bytearray_clear),
    ("copy", bytearray_copy),
    ("reverse", bytearray_reverse),
];

pub fn install(interp: &mut Interp) {
    let class = interp.types.bytearray.clone();
    for &(name, func) in METHODS.iter().chain(unsupported::METHODS) {
        add_method(&class, name, func);
    }
}

/// What a pyl bytearray cannot answer as CPython's does: the name is
/// there, and a call says so.
mod unsupported {
    super::super::not_supported!(METHODS, "bytearray.":
        __alloc__: "CPython's allocation size");
}

fn receiver<'a>(
    interp: &Interp,
    args: &'a [Value],
    method: &str,
) -> PyResult<&'a Rc<RefCell<Vec<u8>>>> {
    match args.first().map(Value::builtin_value) {
        Some(Value::ByteArray(data)) => Ok(data),
        _ => Err(receiver_error(interp, "bytearray", method, args)),
    }
}

/// `bytearray.__new__`: an empty bytearray, which `__init__` fills (as
/// CPython's does, so that a subclass's `__init__` decides) — but for
/// `bytearray(…)` itself, made whole at once.
fn bytearray_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let builtin = interp.types.bytearray.clone();
    if let Some(subclass) = subclasses::subtype_to_make(interp, &builtin, args)? {
        return Ok(subclasses::made(
            Some(subclass),
            Value::bytearray(Vec::new()),
        ));
    }
    let data = contents::<true>(interp, &args[1..], kwargs)?;
    Ok(Value::bytearray(Rc::unwrap_or_clone(data)))
}

/// `bytearray.__init__(self, source=b'', encoding=None, errors=None)`.
fn bytearray_init(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let Some(Value::ByteArray(data)) = args.first().map(Value::builtin_value) else {
        return Err(subclasses::init_receiver_error(interp, "bytearray", args));
    };
    let made = contents::<true>(interp, &args[1..], kwargs)?;
    *data.borrow_mut() = Rc::unwrap_or_clone(made);
    Ok(Value::None)
}

fn bytearray_append(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "append")?;
    check_args(interp, "bytearray", "append", args, kwargs, 1, 1)?;
    let byte = byte_value(interp, &args[1])?;
    data.borrow_mut().push(byte);
    Ok(Value::None)
}

/// `extend(iterable_of_ints)`: a bytes-like object's bytes, or the ints
/// an iterable yields.
fn bytearray_extend(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "extend")?;
    check_args(interp, "bytearray", "extend", args, kwargs, 1, 1)?;
    let added = match args[1].bytes_like() {
        Some(added) => added,
        None => {
            let Some(iterator) = interp.iter_if_iterable(&args[1])? else {
                return Err(interp.type_error(format!(
                    "can't extend bytearray with {}",
                    interp.type_name(&args[1])
                )));
            };
            Rc::new(collect_bytes(
                interp,
                &iterator,
                "byte must be in range(0, 256)",
            )?)
        }
    };
    let mut data = data.borrow_mut();
    interp.reserve(&mut data, added.len())?;
    data.extend_from_slice(&added);
    Ok(Value::None)
}

fn bytearray_insert(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "insert")?;
    check_args(interp, "bytearray", "insert", args, kwargs, 2, 2)?;
    let index = ssize_arg(interp, &args[1])?;
    let byte = byte_value(interp, &args[2])?;
    let mut data = data.borrow_mut();
    let len = data.len() as i64;
    let at = if index < 0 {
        (index + len).max(0)
    } else {
        index.min(len)
    };
    data.insert(at as usize, byte);
    Ok(Value::None)
}

fn bytearray_pop(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "pop")?;
    check_args(interp, "bytearray", "pop", args, kwargs, 0, 1)?;
    let index = match args.get(1) {
        Some(index) => ssize_arg(interp, index)?,
        None => -1,
    };
    let mut data = data.borrow_mut();
    if data.is_empty() {
        return Err(interp.index_error("pop from empty bytearray"));
    }
    let len = data.len() as i64;
    let at = if index < 0 { index + len } else { index };
    match usize::try_from(at).ok().filter(|&at| at < data.len()) {
        Some(at) => Ok(Value::Int(i64::from(data.remove(at)))),
        None => Err(interp.index_error("pop index out of range")),
    }
}

fn bytearray_remove(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "remove")?;
    check_args(interp, "bytearray", "remove", args, kwargs, 1, 1)?;
    let byte = byte_value(interp, &args[1])?;
    let mut data = data.borrow_mut();
    match data.iter().position(|&b| b == byte) {
        Some(at) => {
            data.remove(at);
            Ok(Value::None)
        }
        None => Err(interp.value_error("value not found in bytearray")),
    }
}

fn bytearray_clear(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "clear")?;
    check_args(interp, "bytearray", "clear", args, kwargs, 0, 0)?;
    data.borrow_mut().clear();
    Ok(Value::None)
}

fn bytearray_copy(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "copy")?;
    check_args(interp, "bytearray", "copy", args, kwargs, 0, 0)?;
    let copy = data.borrow().clone();
    Ok(Value::bytearray(copy))
}

fn bytearray_reverse(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "reverse")?;
    check_args(interp, "bytearray", "reverse", args, kwargs, 0, 0)?;
    data.borrow_mut().reverse();
    Ok(Value::None)
}

// ----- operators -------------------------------------------------------

/// `data += other` and `data *= other`, in place; `None` when `other` is
/// not what the bytearray takes (then the operands' other methods may).
pub fn in_place(
    interp: &mut Interp,
    op: BinOp,
    data: &RefCell<Vec<u8>>,
    other: &Value,
) -> Option<PyResult<()>> {
    match op {
        // CPython holds `other`'s buffer while it resizes the receiver,
        // and refuses when they are the same object.
        BinOp::Add if matches!(other, Value::ByteArray(o) if std::ptr::eq(&**o, data)) => {
            Some(Err(interp.error(
                ExcType::BufferError,
                "Existing exports of data: object cannot be re-sized",
            )))
        }
        BinOp::Add => {
            let added = other.bytes_like()?;
            let mut data = data.borrow_mut();
            Some(
                interp
                    .reserve(&mut data, added.len())
                    .map(|()| data.extend_from_slice(&added)),
            )
        }
        BinOp::Mul if is_index(interp, other) => Some(repeat_in_place(interp, data, other)),
        _ => None,
    }
}

fn repeat_in_place(interp: &mut Interp, data: &RefCell<Vec<u8>>, count: &Value) -> PyResult<()> {
    let count = interp.repeat_count(count)?;
    let repeated = super::bytes::repeated(interp, &data.borrow(), count, true)?;
    *data.borrow_mut() = repeated;
    Ok(())
}

/// `data[index] = value`, or `del data[index]` when `value` is `None`,
/// for an index or a slice, as CPython's `bytearray_ass_subscript`.
pub fn set_item(
    interp: &mut Interp,
    data: &RefCell<Vec<u8>>,
    index: &Value,
    value: Option<&Value>,
) -> PyResult<()> {
    if let Value::Slice(slice) = index {
        let replacement = match value {
            None => None,
            Some(value) => Some(assigned_bytes(interp, value)?),
        };
        let bounds = SliceBounds::unpack(interp, slice)?;
        return set_slice(
            interp,
            data,
            &bounds,
            replacement.as_deref().map(Vec::as_slice),
        );
    }
    let Some(i) = super::sequences::item_index(interp, index)? else {
        return Err(interp.type_error(format!(
            "bytearray indices must be integers or slices, not {}",
            interp.type_name(index)
        )));
    };
    // The byte first: its `__index__` may change the bytearray.
    let byte = match value {
        Some(value) => Some(byte_value(interp, value)?),
        None => None,
    };
    let mut data = data.borrow_mut();
    let len = data.len() as i64;
    let at = if i < 0 { i + len } else { i };
    let Some(at) = usize::try_from(at).ok().filter(|&at| at < data.len()) else {
        return Err(interp.index_error("bytearray index out of range"));
    };
    match byte {
        Some(byte) => data[at] = byte,
        None => {
            data.remove(at);
        }
    }
    Ok(())
}

/// What a slice assignment puts in: a bytes-like object's bytes, or the
/// ints of an iterable — never a number or a str.
fn assigned_bytes(interp: &mut Interp, value: &Value) -> PyResult<Rc<Vec<u8>>> {
    if let Some(data) = value.bytes_like() {
        return Ok(data);
    }
    let number = matches!(
        value.builtin_value(),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_) | Value::Str(_)
    ) || is_index(interp, value);
    if number {
        return Err(interp
            .type_error("can assign only bytes, buffers, or iterables of ints in range(0, 256)"));
    }
    contents::<true>(interp, std::slice::from_ref(value), &[])
}

/// `data[bounds] = replacement`, or `del data[bounds]` when it is `None`.
/// An empty replacement deletes an extended slice, as in CPython.
fn set_slice(
    interp: &Interp,
    data: &RefCell<Vec<u8>>,
    bounds: &SliceBounds,
    replacement: Option<&[u8]>,
) -> PyResult<()> {
    let mut data = data.borrow_mut();
    let (start, stop, step) = bounds.adjust(data.len() as i64);
    let replacement = replacement.unwrap_or(&[]);
    if step == 1 {
        let start = start as usize;
        let stop = (stop.max(start as i64) as usize).min(data.len());
        interp.reserve(&mut data, replacement.len())?;
        data.splice(start..stop, replacement.iter().copied());
        return Ok(());
    }
    let positions = slice_positions(start, stop, step).map(|p| p as usize);
    if replacement.is_empty() {
        let mut doomed = vec![false; data.len()];
        for p in positions {
            if let Some(flag) = doomed.get_mut(p) {
                *flag = true;
            }
        }
        let mut doomed = doomed.into_iter();
        data.retain(|_| !doomed.next().unwrap_or(false));
        return Ok(());
    }
    let count = super::sequences::slice_len(start, stop, step);
    if replacement.len() as i64 != count {
        return Err(interp.value_error(format!(
            "attempt to assign bytes of size {} to extended slice of size {count}",
            replacement.len()
        )));
    }
    for (p, &byte) in positions.zip(replacement) {
        if let Some(slot) = data.get_mut(p) {
            *slot = byte;
        }
    }
    Ok(())
}
