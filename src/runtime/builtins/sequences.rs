//! `list`, `tuple`, `range` and `slice`: their constructors and methods,
//! and the item operations (`x[i]`, `x[i:j:k]`, item and slice assignment
//! and deletion) that the evaluator's subscripts dispatch to.
//!
//! Index arithmetic follows CPython's `PySlice_Unpack` and
//! `PySlice_AdjustIndices`, so every slice selects exactly what CPython's
//! does, including out-of-range bounds and negative steps.

use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use super::add_method;
use super::args::check_method;
use super::subclasses;
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::NativeFn;
use crate::runtime::value::{ListItems, Range, TupleItems, Value};
use crate::syntax::ast::Name;

pub fn install(interp: &mut Interp) {
    let list = interp.types.list.clone();
    add_method(&list, "__new__", list_new);
    add_method(&list, "append", list_append);
    add_method(&list, "extend", list_extend);
    add_method(&list, "insert", list_insert);
    add_method(&list, "pop", list_pop);
    add_method(&list, "remove", list_remove);
    add_method(&list, "index", list_index);
    add_method(&list, "count", list_count);
    add_method(&list, "sort", list_sort);
    add_method(&list, "reverse", list_reverse);
    add_method(&list, "copy", list_copy);
    add_method(&list, "clear", list_clear);

    let tuple = interp.types.tuple.clone();
    add_method(&tuple, "__new__", tuple_new);
    add_method(&tuple, "index", tuple_index);
    add_method(&tuple, "count", tuple_count);

    let range = interp.types.range.clone();
    add_method(&range, "__new__", range_new);
    add_method(&range, "index", range_index);
    add_method(&range, "count", range_count);

    let slice = interp.types.slice.clone();
    add_method(&slice, "__new__", slice_new);
    add_method(&slice, "indices", slice_indices_method);
}

// ----- receivers and arguments -----------------------------------------

/// The TypeError for a builtin method called on the wrong kind of object,
/// as in `list.append(5, 1)` or `list.append()`.
pub(crate) fn receiver_error(interp: &Interp, class: &str, method: &str, args: &[Value]) -> PyErr {
    match args.first() {
        None => interp.type_error(format!(
            "unbound method {class}.{method}() needs an argument"
        )),
        Some(other) => interp.type_error(format!(
            "descriptor '{method}' for '{class}' objects doesn't apply to a '{}' object",
            interp.type_name(other)
        )),
    }
}

/// Argument checks for methods whose count errors name the bare method
/// (`pop expected at most 1 argument, got 2`) but whose keyword error names
/// the type (`list.pop() takes no keyword arguments`).
#[inline(always)]
pub(crate) fn check_args(
    interp: &Interp,
    class: &str,
    method: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    min: usize,
    max: usize,
) -> PyResult<()> {
    // Inlined, the usual case is two compares; the error, out of line.
    if kwargs.is_empty() && (min..=max).contains(&args.len().saturating_sub(1)) {
        return Ok(());
    }
    wrong_args(interp, class, method, args, kwargs, min, max)
}

#[cold]
#[inline(never)]
fn wrong_args(
    interp: &Interp,
    class: &str,
    method: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    min: usize,
    max: usize,
) -> PyResult<()> {
    if !kwargs.is_empty() {
        return Err(interp.type_error(format!("{class}.{method}() takes no keyword arguments")));
    }
    let given = args.len().saturating_sub(1);
    if (min..=max).contains(&given) {
        return Ok(());
    }
    let name = if min == max && max <= 1 {
        format!("{class}.{method}")
    } else {
        method.to_string()
    };
    check_method(interp, &name, args, &[], min, max)
}

fn list_receiver<'a>(
    interp: &Interp,
    args: &'a [Value],
    method: &str,
) -> PyResult<&'a Rc<RefCell<ListItems>>> {
    match args.first().map(Value::builtin_value) {
        Some(Value::List(list)) => Ok(list),
        _ => Err(receiver_error(interp, "list", method, args)),
    }
}

/// An integer subscript: `Some(i)` for ints, bools and objects with
/// `__index__`, `None` for anything else (the caller words that TypeError).
pub fn item_index(interp: &mut Interp, index: &Value) -> PyResult<Option<i64>> {
    match index {
        Value::Int(i) => Ok(Some(*i)),
        Value::Bool(b) => Ok(Some(i64::from(b.get()))),
        Value::BigInt(_) => Err(interp.index_error(format!(
            "cannot fit '{}' into an index-sized integer",
            interp.type_name(index)
        ))),
        Value::Instance(_) | Value::Future(_) | Value::Native(_)
            if interp.class_of(index).lookup("__index__").is_some() =>
        {
            interp.to_index(index).map(Some)
        }
        _ => Ok(None),
    }
}

/// An integer argument converted as CPython's `Py_ssize_t` parameters
/// are: ints too big for it are an OverflowError.
pub(crate) fn ssize_arg(interp: &mut Interp, value: &Value) -> PyResult<i64> {
    match value {
        Value::BigInt(_) => Err(interp.error(
            ExcType::OverflowError,
            "Python int too large to convert to C ssize_t",
        )),
        other => interp.to_index(other),
    }
}

/// An integer argument converted as CPython's C `int` parameters are:
/// ints beyond 32 bits are an OverflowError.
pub(crate) fn c_int_arg(interp: &mut Interp, value: &Value) -> PyResult<i32> {
    let n = match value {
        Value::BigInt(_) => None,
        other => i32::try_from(interp.to_index(other)?).ok(),
    };
    n.ok_or_else(|| {
        interp.error(
            ExcType::OverflowError,
            "Python int too large to convert to C int",
        )
    })
}

/// A slice bound as CPython's `_PyEval_SliceIndex` reads it: integers
/// beyond the machine range are clamped, `None` means "absent".
pub(super) fn slice_bound(
    interp: &mut Interp,
    bound: &Value,
    allow_none: bool,
) -> PyResult<Option<i64>> {
    match bound {
        Value::None if allow_none => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        Value::Bool(b) => Ok(Some(i64::from(b.get()))),
        Value::BigInt(big) => Ok(Some(if big.is_negative() {
            i64::MIN
        } else {
            i64::MAX
        })),
        Value::Instance(_) | Value::Future(_) | Value::Native(_)
            if interp.class_of(bound).lookup("__index__").is_some() =>
        {
            interp.to_index(bound).map(Some)
        }
        _ => Err(interp.type_error(if allow_none {
            "slice indices must be integers or None or have an __index__ method"
        } else {
            "slice indices must be integers or have an __index__ method"
        })),
    }
}

/// A slice's bounds read but not yet fitted to a length.
pub(super) struct SliceBounds {
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
}

impl SliceBounds {
    /// Reads `slice(start, stop, step)` (the step first, as CPython does).
    pub(super) fn unpack(interp: &mut Interp, slice: &[Value; 3]) -> PyResult<SliceBounds> {
        let step = match slice_bound(interp, &slice[2], true)? {
            None => 1,
            Some(0) => return Err(interp.value_error("slice step cannot be zero")),
            // Keeps `-step` representable.
            Some(step) => step.max(-i64::MAX),
        };
        let start = slice_bound(interp, &slice[0], true)?;
        let stop = slice_bound(interp, &slice[1], true)?;
        Ok(SliceBounds { start, stop, step })
    }

    /// `(start, stop, step)` for a sequence of `len` items.
    pub(super) fn adjust(&self, len: i64) -> (i64, i64, i64) {
        let step = self.step;
        let (lower, upper) = if step < 0 { (-1, len - 1) } else { (0, len) };
        let fit = |bound: Option<i64>, default: i64| match bound {
            None => default,
            Some(b) if b < 0 => {
                let b = b + len;
                if b < 0 {
                    lower
                } else {
                    b
                }
            }
            Some(b) if b >= len => upper,
            Some(b) => b,
        };
        let (start_default, stop_default) = if step < 0 {
            (upper, lower)
        } else {
            (lower, upper)
        };
        (
            fit(self.start, start_default),
            fit(self.stop, stop_default),
            step,
        )
    }
}

/// `slice.indices(len)`: the slice's bounds fitted to a sequence of `len`
/// items, exactly as CPython computes them.
pub fn slice_indices(
    interp: &mut Interp,
    slice: &[Value; 3],
    len: i64,
) -> PyResult<(i64, i64, i64)> {
    Ok(SliceBounds::unpack(interp, slice)?.adjust(len))
}

/// How many items `range(start, stop, step)` over fitted indices selects.
pub(super) fn slice_len(start: i64, stop: i64, step: i64) -> i64 {
    let (start, stop, step) = (start as i128, stop as i128, step as i128);
    let len = if step < 0 {
        if stop < start {
            (start - stop - 1) / -step + 1
        } else {
            0
        }
    } else if start < stop {
        (stop - start - 1) / step + 1
    } else {
        0
    };
    len as i64
}

/// The positions a fitted slice selects, in order.
pub(super) fn slice_positions(start: i64, stop: i64, step: i64) -> impl Iterator<Item = i64> {
    (0..slice_len(start, stop, step)).map(move |k| start + k * step)
}

fn indices_type_error(interp: &Interp, what: &str, index: &Value) -> PyErr {
    interp.type_error(format!(
        "{what} indices must be integers or slices, not {}",
        interp.type_name(index)
    ))
}

/// A position from an integer index into `len` items, negative counting
/// from the end; `None` when out of range.
fn position(index: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let i = if index < 0 { index + len } else { index };
    (0..len).contains(&i).then_some(i as usize)
}

// ----- item operations -------------------------------------------------

/// `container[i]` for a list or tuple, when `i` is in range.
#[inline]
pub(crate) fn item_at(container: &Value, i: i64) -> Option<Value> {
    match container {
        Value::List(list) => {
            let list = list.borrow();
            position(i, list.len()).map(|p| list[p].clone())
        }
        Value::Tuple(items) => position(i, items.len()).map(|p| items[p].clone()),
        _ => None,
    }
}

/// `container[index]` for lists, tuples and ranges.
pub fn sequence_get_item(interp: &mut Interp, container: &Value, index: &Value) -> PyResult<Value> {
    let what = match container {
        Value::List(_) => "list",
        Value::Tuple(_) => "tuple",
        Value::Range(_) => "range",
        _ => {
            return Err(interp.type_error(format!(
                "'{}' object is not subscriptable",
                interp.type_name(container)
            )))
        }
    };
    if let Value::Slice(slice) = index {
        if let Value::Range(range) = container {
            return slice_range(interp, range, slice);
        }
        let bounds = SliceBounds::unpack(interp, slice)?;
        return Ok(slice_sequence(container, &bounds).unwrap_or(Value::None));
    }
    if let Value::Range(range) = container {
        return range_item(interp, range, index);
    }
    let i = match item_index(interp, index)? {
        Some(i) => i,
        None => return Err(indices_type_error(interp, what, index)),
    };
    item_at(container, i).ok_or_else(|| interp.index_error(format!("{what} index out of range")))
}

/// `range[index]`: any int is a valid index (a huge one is just out of
/// range), as in CPython's `compute_range_item`.
fn range_item(interp: &mut Interp, range: &Range, index: &Value) -> PyResult<Value> {
    // The index as a sign and a magnitude; `None` beyond every range.
    let (negative, magnitude) = match index {
        Value::BigInt(big) => (big.is_negative(), big.magnitude().to_u128()),
        _ => match item_index(interp, index)? {
            Some(i) => (i < 0, Some(u128::from(i.unsigned_abs()))),
            None => return Err(indices_type_error(interp, "range", index)),
        },
    };
    let len = range.len();
    let position = match magnitude {
        Some(m) if !negative && m < len => Some(m),
        Some(m) if negative && m <= len => Some(len - m),
        _ => None,
    };
    match position {
        Some(p) => Ok(Value::from_i128(range.get(p))),
        None => Err(interp.index_error("range object index out of range")),
    }
}

/// `items[start:stop]` of a list or tuple, with int or omitted (`None`)
/// bounds, made with no slice object (`Interp::slice_expr`); `None` for
/// any other container or bound.
pub fn contiguous_slice(container: &Value, start: &Value, stop: &Value) -> Option<Value> {
    let bound = |value: &Value| match value {
        Value::None => Some(None),
        Value::Int(i) => Some(Some(*i)),
        _ => None,
    };
    let bounds = SliceBounds {
        start: bound(start)?,
        stop: bound(stop)?,
        step: 1,
    };
    slice_sequence(container, &bounds)
}

/// A list's or tuple's items between `bounds`: a new list, or a tuple —
/// the same tuple when the bounds take all of it, as CPython returns it;
/// `None` for any other container.
fn slice_sequence(container: &Value, bounds: &SliceBounds) -> Option<Value> {
    match container {
        Value::List(list) => Some(Value::list(slice_items(&list.borrow(), bounds))),
        Value::Tuple(items) => {
            let (start, stop, step) = bounds.adjust(items.len() as i64);
            Some(if step == 1 && start == 0 && stop >= items.len() as i64 {
                container.clone()
            } else {
                Value::tuple(slice_items(items, bounds))
            })
        }
        _ => None,
    }
}

fn slice_items(items: &[Value], bounds: &SliceBounds) -> Vec<Value> {
    let (start, stop, step) = bounds.adjust(items.len() as i64);
    if step == 1 {
        // Contiguous: copied as one run (`adjust` keeps both within the items).
        return items[start as usize..stop.max(start) as usize].to_vec();
    }
    slice_positions(start, stop, step)
        .filter_map(|p| items.get(p as usize).cloned())
        .collect()
}

/// `range(...)[i:j:k]` is itself a range, computed as CPython's
/// `compute_slice` does. Exact within pyl's range limit; slicing a range of
/// more than 2**127 - 1 values (only possible with bounds near the limit)
/// is an OverflowError too.
fn slice_range(interp: &mut Interp, range: &Range, slice: &[Value; 3]) -> PyResult<Value> {
    let overflow = |interp: &Interp| interp.error(ExcType::OverflowError, Range::LIMIT_MESSAGE);
    // Step first, then start and stop, as `_PySlice_GetLongIndices` reads them.
    let step: i64 = match &slice[2] {
        // The new step, `step * range.step`, would not fit either.
        Value::BigInt(_) => return Err(overflow(interp)),
        other => match slice_bound(interp, other, true)? {
            None => 1,
            Some(0) => return Err(interp.value_error("slice step cannot be zero")),
            Some(step) => step,
        },
    };
    let start = range_slice_index(interp, &slice[0])?;
    let stop = range_slice_index(interp, &slice[1])?;
    let full_len = range.len();
    let len = i128::try_from(full_len).map_err(|_| overflow(interp))?;
    let (lower, upper) = if step < 0 { (-1, len - 1) } else { (0, len) };
    let fit = |bound: Option<i128>, default: i128| match bound {
        None => default,
        // No overflow: `len` is at most i128::MAX.
        Some(b) if b < 0 => (b + len).max(lower),
        Some(b) => b.min(upper),
    };
    let (start, stop) = if step < 0 {
        (fit(start, upper), fit(stop, lower))
    } else {
        (fit(start, lower), fit(stop, upper))
    };
    let new_step = match i64::try_from(range.step) {
        // The product of two i64 always fits in an i128.
        Ok(outer) => Some(i128::from(step) * i128::from(outer)),
        Err(_) => i128::from(step).checked_mul(range.step),
    };
    match (
        range.value_at(start, full_len),
        range.value_at(stop, full_len),
        new_step,
    ) {
        (Some(start), Some(stop), Some(step)) => {
            Ok(Value::Range(Rc::new(Range { start, stop, step })))
        }
        _ => Err(overflow(interp)),
    }
}

/// A start or stop of a slice of a range; ints beyond 128 bits are
/// clamped, which selects the same values since a sliceable range has
/// fewer than 2**127 of them.
fn range_slice_index(interp: &mut Interp, bound: &Value) -> PyResult<Option<i128>> {
    match bound {
        Value::BigInt(big) => Ok(Some(big.to_i128().unwrap_or(if big.is_negative() {
            i128::MIN
        } else {
            i128::MAX
        }))),
        other => Ok(slice_bound(interp, other, true)?.map(i128::from)),
    }
}

/// The items of an iterable being assigned to a slice; CPython replaces
/// the "not iterable" TypeError with `message`.
fn assigned_items(interp: &mut Interp, value: &Value, message: &str) -> PyResult<Vec<Value>> {
    let iterator = match interp.get_iter(value) {
        Ok(iterator) => iterator,
        Err(err) if interp.is_instance_of(&err, ExcType::TypeError) => {
            return Err(interp.type_error(message))
        }
        Err(err) => return Err(err),
    };
    let mut items = Vec::new();
    while let Some(item) = interp.next(&iterator)? {
        items.push(item);
    }
    Ok(items)
}

/// `list[index] = value`, including slice assignment.
pub fn list_set_item(
    interp: &mut Interp,
    list: &RefCell<ListItems>,
    index: &Value,
    value: Value,
) -> PyResult<()> {
    if let Value::Slice(slice) = index {
        let bounds = SliceBounds::unpack(interp, slice)?;
        if bounds.step == 1 {
            let items = assigned_items(interp, &value, "can only assign an iterable")?;
            // The replaced items go last to first, after the borrow, as
            // CPython's `list_ass_slice` releases them.
            let replaced: Vec<Value> = {
                let mut list = list.borrow_mut();
                let (start, stop, _) = bounds.adjust(list.len() as i64);
                let start = start as usize;
                let stop = (stop.max(start as i64) as usize).min(list.len());
                list.splice(start..stop, items).rev().collect()
            };
            drop(replaced);
            return Ok(());
        }
        let items = assigned_items(interp, &value, "must assign iterable to extended slice")?;
        let mut list = list.borrow_mut();
        let (start, stop, step) = bounds.adjust(list.len() as i64);
        let count = slice_len(start, stop, step);
        if items.len() as i64 != count {
            return Err(interp.value_error(format!(
                "attempt to assign sequence of size {} to extended slice of size {count}",
                items.len()
            )));
        }
        for (p, item) in slice_positions(start, stop, step).zip(items) {
            if let Some(slot) = list.get_mut(p as usize) {
                *slot = item;
            }
        }
        return Ok(());
    }
    let Some(i) = item_index(interp, index)? else {
        return Err(indices_type_error(interp, "list", index));
    };
    let mut list = list.borrow_mut();
    match position(i, list.len()).and_then(|p| list.get_mut(p)) {
        Some(slot) => {
            *slot = value;
            Ok(())
        }
        None => Err(interp.index_error("list assignment index out of range")),
    }
}

/// `del list[index]`, including slices.
pub fn list_del_item(
    interp: &mut Interp,
    list: &RefCell<ListItems>,
    index: &Value,
) -> PyResult<()> {
    if let Value::Slice(slice) = index {
        let bounds = SliceBounds::unpack(interp, slice)?;
        // The removed items are dropped after the borrow ends: dropping
        // them may run no Python code today, but keeps the rule simple.
        // A contiguous slice's go last to first, an extended slice's in
        // its order, as CPython's `list_ass_slice` and
        // `list_ass_subscript` release them.
        let removed: Vec<Value>;
        {
            let mut list = list.borrow_mut();
            let (start, stop, step) = bounds.adjust(list.len() as i64);
            if step == 1 {
                let stop = (stop.max(start) as usize).min(list.len());
                removed = list.drain(start as usize..stop).rev().collect();
            } else {
                let mut doomed = vec![false; list.len()];
                for p in slice_positions(start, stop, step) {
                    if let Some(flag) = doomed.get_mut(p as usize) {
                        *flag = true;
                    }
                }
                let old = list.take();
                let (gone, kept): (Vec<_>, Vec<_>) =
                    old.into_iter().zip(doomed).partition(|(_, doomed)| *doomed);
                **list = kept.into_iter().map(|(v, _)| v).collect();
                removed = gone.into_iter().map(|(v, _)| v).collect();
            }
        }
        drop(removed);
        return Ok(());
    }
    let Some(i) = item_index(interp, index)? else {
        return Err(indices_type_error(interp, "list", index));
    };
    let removed = {
        let mut list = list.borrow_mut();
        position(i, list.len()).map(|p| list.remove(p))
    };
    match removed {
        Some(_) => Ok(()),
        None => Err(interp.index_error("list assignment index out of range")),
    }
}

// ----- searching -------------------------------------------------------

/// `a == b` as containers compare items: identity first, then `__eq__`.
pub(crate) fn item_eq(interp: &mut Interp, a: &Value, b: &Value) -> PyResult<bool> {
    Ok(a.is(b) || interp.eq(a, b)?)
}

/// The `start`/`stop` arguments of `index()`, fitted to `len` items.
pub(crate) fn search_range(
    interp: &mut Interp,
    args: &[Value],
    len: usize,
) -> PyResult<(usize, usize)> {
    let len = len as i64;
    let fit = |bound: i64| {
        if bound < 0 {
            (bound + len).max(0)
        } else {
            bound
        }
    };
    let start = match args.get(2) {
        Some(v) => fit(slice_bound(interp, v, false)?.unwrap_or(0)),
        None => 0,
    };
    let stop = match args.get(3) {
        Some(v) => fit(slice_bound(interp, v, false)?.unwrap_or(len)),
        None => len,
    };
    Ok((start as usize, stop.max(0) as usize))
}

/// The first position in `start..stop` of an item equal to `target`,
/// re-reading the list at each step since `__eq__` may change it.
fn list_find(
    interp: &mut Interp,
    list: &RefCell<ListItems>,
    target: &Value,
    start: usize,
    stop: usize,
) -> PyResult<Option<usize>> {
    let mut i = start;
    while i < stop {
        let Some(item) = list.borrow().get(i).cloned() else {
            break;
        };
        if item_eq(interp, &item, target)? {
            return Ok(Some(i));
        }
        i += 1;
    }
    Ok(None)
}

fn count_in(interp: &mut Interp, items: &[Value], target: &Value) -> PyResult<Value> {
    let mut count = 0i64;
    for item in items {
        if item_eq(interp, item, target)? {
            count += 1;
        }
    }
    Ok(Value::Int(count))
}

// ----- list ------------------------------------------------------------

fn list_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let list = interp.types.list.clone();
    if let Some(subclass) = subclasses::subtype_to_make(interp, &list, args)? {
        return Ok(subclasses::made(Some(subclass), Value::list(Vec::new())));
    }
    let args = &args[1..];
    super::args::check_count(interp, "list", args, kwargs, 0, 1)?;
    match args.first() {
        None => Ok(Value::list(Vec::new())),
        Some(iterable) => Ok(Value::list(interp.collect(iterable)?)),
    }
}

/// Whether `method` is `list.append`, which the evaluator makes itself
/// (`row.append(v)`, the commonest method call; CPython 3.11 specializes
/// it too).
pub fn is_list_append(method: NativeFn) -> bool {
    std::ptr::fn_addr_eq(method, list_append as NativeFn)
}

fn list_append(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let list = list_receiver(interp, args, "append")?;
    check_args(interp, "list", "append", args, kwargs, 1, 1)?;
    list.borrow_mut().push(args[1].clone());
    Ok(Value::None)
}

fn list_extend(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let list = list_receiver(interp, args, "extend")?;
    check_args(interp, "list", "extend", args, kwargs, 1, 1)?;
    let items = interp.collect(&args[1])?;
    list.borrow_mut().extend(items);
    Ok(Value::None)
}

fn list_insert(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let list = list_receiver(interp, args, "insert")?;
    check_args(interp, "list", "insert", args, kwargs, 2, 2)?;
    let index = ssize_arg(interp, &args[1])?;
    let mut list = list.borrow_mut();
    let len = list.len() as i64;
    let at = if index < 0 {
        (index + len).max(0)
    } else {
        index.min(len)
    };
    list.insert(at as usize, args[2].clone());
    Ok(Value::None)
}

fn list_pop(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let list = list_receiver(interp, args, "pop")?;
    check_args(interp, "list", "pop", args, kwargs, 0, 1)?;
    let index = match args.get(1) {
        Some(index) => ssize_arg(interp, index)?,
        None => -1,
    };
    let mut items = list.borrow_mut();
    if items.is_empty() {
        return Err(interp.index_error("pop from empty list"));
    }
    match position(index, items.len()) {
        Some(p) => Ok(items.remove(p)),
        None => Err(interp.index_error("pop index out of range")),
    }
}

fn list_remove(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let list = list_receiver(interp, args, "remove")?;
    check_args(interp, "list", "remove", args, kwargs, 1, 1)?;
    match list_find(interp, list, &args[1], 0, usize::MAX)? {
        Some(p) => {
            let removed = {
                let mut items = list.borrow_mut();
                (p < items.len()).then(|| items.remove(p))
            };
            drop(removed);
            Ok(Value::None)
        }
        None => Err(interp.value_error("list.remove(x): x not in list")),
    }
}

fn list_index(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let list = list_receiver(interp, args, "index")?;
    check_args(interp, "list", "index", args, kwargs, 1, 3)?;
    let len = list.borrow().len();
    let (start, stop) = search_range(interp, args, len)?;
    match list_find(interp, list, &args[1], start, stop)? {
        Some(p) => Ok(Value::from(p)),
        None => {
            let shown = interp.repr(&args[1])?;
            Err(interp.value_error(format!("{shown} is not in list")))
        }
    }
}

fn list_count(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let list = list_receiver(interp, args, "count")?;
    check_args(interp, "list", "count", args, kwargs, 1, 1)?;
    let mut count = 0i64;
    let mut i = 0;
    loop {
        let Some(item) = list.borrow().get(i).cloned() else {
            break;
        };
        if item_eq(interp, &item, &args[1])? {
            count += 1;
        }
        i += 1;
    }
    Ok(Value::Int(count))
}

/// `list.sort(*, key=None, reverse=False)`. The items are taken out of the
/// list while they are sorted, so a key function that looks at the list
/// sees it empty (as in CPython) and one that changes it is detected.
fn list_sort(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let list = list_receiver(interp, args, "sort")?;
    // Argument Clinic counts every argument against the two it takes
    // before it refuses positional ones.
    let given = args.len() - 1 + kwargs.len();
    if given > 2 {
        let keyword = if args.len() > 1 { "" } else { "keyword " };
        return Err(interp.type_error(format!(
            "sort() takes at most 2 {keyword}arguments ({given} given)"
        )));
    }
    if args.len() > 1 {
        return Err(interp.type_error("sort() takes no positional arguments"));
    }
    let mut key = None;
    let mut reverse = false;
    for (name, value) in kwargs {
        match &**name {
            "key" => key = Some(value.clone()).filter(|k| !k.is_none()),
            "reverse" => reverse = interp.to_index(value)? != 0,
            other => {
                return Err(interp.type_error(format!(
                    "'{other}' is an invalid keyword argument for sort()"
                )))
            }
        }
    }
    let mut items = std::mem::take(&mut *list.borrow_mut());
    let result = super::functions::sort_values(interp, &mut items, key.as_ref(), reverse);
    let modified = std::mem::replace(&mut *list.borrow_mut(), items);
    result?;
    if !modified.is_empty() {
        return Err(interp.value_error("list modified during sort"));
    }
    Ok(Value::None)
}

fn list_reverse(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let list = list_receiver(interp, args, "reverse")?;
    check_args(interp, "list", "reverse", args, kwargs, 0, 0)?;
    list.borrow_mut().reverse();
    Ok(Value::None)
}

fn list_copy(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let list = list_receiver(interp, args, "copy")?;
    check_args(interp, "list", "copy", args, kwargs, 0, 0)?;
    let items = list.borrow().clone();
    Ok(Value::list(items))
}

fn list_clear(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let list = list_receiver(interp, args, "clear")?;
    check_args(interp, "list", "clear", args, kwargs, 0, 0)?;
    let old = std::mem::take(&mut *list.borrow_mut());
    drop(old);
    Ok(Value::None)
}

// ----- tuple -----------------------------------------------------------

fn tuple_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let tuple = interp.types.tuple.clone();
    let subclass = subclasses::subtype_to_make(interp, &tuple, args)?;
    let args = &args[1..];
    super::args::check_count(interp, "tuple", args, kwargs, 0, 1)?;
    let value = match args.first() {
        None => Value::empty_tuple(),
        Some(Value::Tuple(items)) => Value::Tuple(items.clone()),
        Some(iterable) => Value::tuple(interp.collect(iterable)?),
    };
    Ok(subclasses::made(subclass, value))
}

fn tuple_receiver<'a>(
    interp: &Interp,
    args: &'a [Value],
    method: &str,
) -> PyResult<&'a Rc<TupleItems>> {
    match args.first().map(Value::builtin_value) {
        Some(Value::Tuple(items)) => Ok(items),
        _ => Err(receiver_error(interp, "tuple", method, args)),
    }
}

fn tuple_index(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let items = tuple_receiver(interp, args, "index")?.clone();
    check_args(interp, "tuple", "index", args, kwargs, 1, 3)?;
    let (start, stop) = search_range(interp, args, items.len())?;
    for (i, item) in items.iter().enumerate().take(stop).skip(start) {
        if item_eq(interp, item, &args[1])? {
            return Ok(Value::from(i));
        }
    }
    Err(interp.value_error("tuple.index(x): x not in tuple"))
}

fn tuple_count(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let items = tuple_receiver(interp, args, "count")?.clone();
    check_args(interp, "tuple", "count", args, kwargs, 1, 1)?;
    count_in(interp, &items, &args[1])
}

// ----- range -----------------------------------------------------------

fn range_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let args = &args[1.min(args.len())..];
    super::args::check_count(interp, "range", args, kwargs, 1, 3)?;
    let mut bounds = Vec::with_capacity(args.len());
    for arg in args {
        bounds.push(range_arg(interp, arg)?);
    }
    let range = match bounds[..] {
        [stop] => Range {
            start: 0,
            stop,
            step: 1,
        },
        [start, stop] => Range {
            start,
            stop,
            step: 1,
        },
        [start, stop, step] => {
            if step == 0 {
                return Err(interp.value_error("range() arg 3 must not be zero"));
            }
            Range { start, stop, step }
        }
        _ => return Err(interp.type_error("range expected at least 1 argument, got 0")),
    };
    Ok(Value::Range(Rc::new(range)))
}

/// A `range()` argument: any int within pyl's 128-bit range limit.
fn range_arg(interp: &mut Interp, value: &Value) -> PyResult<i128> {
    match value {
        Value::BigInt(big) => big
            .to_i128()
            .ok_or_else(|| interp.error(ExcType::OverflowError, Range::LIMIT_MESSAGE)),
        other => interp.to_index(other).map(i128::from),
    }
}

fn range_receiver(interp: &Interp, args: &[Value], method: &str) -> PyResult<Range> {
    match args.first() {
        Some(Value::Range(range)) => Ok(**range),
        _ => Err(receiver_error(interp, "range", method, args)),
    }
}

/// The position of `target` in `range` when it is an int (or bool), as
/// CPython computes it without iterating; `None` for other types.
fn int_position(range: &Range, target: &Value) -> Option<Option<u128>> {
    match target {
        Value::Int(n) => Some(range.position(i128::from(*n))),
        Value::Bool(b) => Some(range.position(i128::from(b.get()))),
        // Every value of a range fits in an i128.
        Value::BigInt(big) => Some(big.to_i128().and_then(|n| range.position(n))),
        _ => None,
    }
}

/// A position or length as an int.
fn int_from_u128(n: u128) -> Value {
    match i64::try_from(n) {
        Ok(i) => Value::Int(i),
        Err(_) => Value::from_bigint(BigInt::from(n)),
    }
}

fn range_index(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let range = range_receiver(interp, args, "index")?;
    check_args(interp, "range", "index", args, kwargs, 1, 1)?;
    let target = &args[1];
    if let Some(found) = int_position(&range, target) {
        return match found {
            Some(i) => Ok(int_from_u128(i)),
            None => {
                let shown = interp.repr(target)?;
                Err(interp.value_error(format!("{shown} is not in range")))
            }
        };
    }
    // Other types compare value by value (a `for` over `0..len` would
    // need `len` to fit in a usize).
    let (len, mut i) = (range.len(), 0);
    while i < len {
        if item_eq(interp, &Value::from_i128(range.get(i)), target)? {
            return Ok(int_from_u128(i));
        }
        i += 1;
    }
    Err(interp.value_error("sequence.index(x): x not in sequence"))
}

fn range_count(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let range = range_receiver(interp, args, "count")?;
    check_args(interp, "range", "count", args, kwargs, 1, 1)?;
    let target = &args[1];
    if let Some(found) = int_position(&range, target) {
        return Ok(Value::Int(found.is_some() as i64));
    }
    let (len, mut count, mut i) = (range.len(), 0u128, 0);
    while i < len {
        if item_eq(interp, &Value::from_i128(range.get(i)), target)? {
            count += 1;
        }
        i += 1;
    }
    Ok(int_from_u128(count))
}

// ----- slice -----------------------------------------------------------

fn slice_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let args = &args[1.min(args.len())..];
    super::args::check_count(interp, "slice", args, kwargs, 1, 3)?;
    let parts = match args {
        [stop] => [Value::None, stop.clone(), Value::None],
        [start, stop] => [start.clone(), stop.clone(), Value::None],
        [start, stop, step] => [start.clone(), stop.clone(), step.clone()],
        _ => return Err(interp.type_error("slice expected at least 1 argument, got 0")),
    };
    Ok(Value::Slice(Rc::new(parts)))
}

fn slice_indices_method(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let Some(Value::Slice(slice)) = args.first() else {
        return Err(receiver_error(interp, "slice", "indices", args));
    };
    let slice = slice.clone();
    check_args(interp, "slice", "indices", args, kwargs, 1, 1)?;
    let len = match &args[1] {
        Value::BigInt(big) if big.is_positive() => i64::MAX,
        other => interp.to_index(other)?,
    };
    if len < 0 {
        return Err(interp.value_error("length should not be negative"));
    }
    let (start, stop, step) = slice_indices(interp, &slice, len)?;
    Ok(Value::tuple(vec![
        Value::Int(start),
        Value::Int(stop),
        Value::Int(step),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_fit_like_cpython() {
        let reversed = SliceBounds {
            start: None,
            stop: None,
            step: -1,
        };
        assert_eq!(reversed.adjust(5), (4, -1, -1));
        let wide = SliceBounds {
            start: Some(-100),
            stop: Some(100),
            step: 2,
        };
        assert_eq!(wide.adjust(5), (0, 5, 2));
        assert_eq!(slice_len(4, -1, -1), 5);
        assert_eq!(slice_len(5, 2, 1), 0);
        assert_eq!(slice_positions(8, 2, -2).collect::<Vec<_>>(), [8, 6, 4]);
    }
}
