//! The builtin functions (`print`, `len`, `sorted`, `min`, `isinstance`,
//! `pow`, …), the constructors of the lazy iterator types (`enumerate`,
//! `zip`, `map`, `filter`, `reversed`), and the stable sort that `sorted`
//! and `list.sort` share.
//!
//! Argument errors carry CPython 3.11's exact wording, which differs from
//! function to function (each builtin parses its arguments its own way in
//! CPython); [`bind`] reproduces the "argument clinic" family of messages.

use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, Signed, ToPrimitive, Zero};

use super::args::{check_count, check_method};
use super::{add_function, add_method};
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::files::TextFile;
use crate::runtime::interp::Interp;
use crate::runtime::iterators;
use crate::runtime::object::NativeFn;
use crate::runtime::union::union_members;
use crate::runtime::value::{Flag, Value};
use crate::syntax::ast::{BinOp, CmpOp, Name};

pub fn install(interp: &mut Interp) {
    let functions: &[(&'static str, crate::runtime::object::NativeFn)] = &[
        ("print", print),
        ("input", input),
        ("len", len),
        ("repr", repr),
        ("ascii", ascii),
        ("abs", abs),
        ("round", round),
        ("min", min),
        ("max", max),
        ("sum", sum),
        ("sorted", sorted),
        ("any", any),
        ("all", all),
        ("isinstance", isinstance),
        ("issubclass", issubclass),
        ("hasattr", hasattr),
        ("getattr", getattr),
        ("setattr", setattr),
        ("delattr", delattr),
        ("iter", iter),
        ("next", next),
        ("id", id),
        ("hash", hash),
        ("divmod", divmod),
        ("pow", pow),
        ("chr", chr),
        ("ord", ord),
        ("hex", hex),
        ("oct", oct),
        ("bin", bin),
        ("callable", callable),
        ("format", format),
        ("vars", vars),
        ("dir", dir),
        ("aiter", crate::runtime::generator::aiter),
        ("anext", crate::runtime::generator::anext),
        ("__import__", import),
        ("eval", run_string_unseen),
        ("exec", run_string_unseen),
    ];
    let namespace = &interp.builtins.namespace;
    for &(name, func) in functions.iter().chain(unsupported::BUILTINS) {
        add_function(namespace, name, func);
    }
    // The constants are keywords, but `builtins` holds them too.
    for (name, value) in [
        ("None", Value::None),
        ("True", Value::from(true)),
        ("False", Value::from(false)),
        ("__debug__", Value::from(true)),
    ] {
        namespace.borrow_mut().insert(name.into(), value);
    }
    let types: &[(&'static str, crate::runtime::object::NativeFn)] = &[
        ("enumerate", enumerate_new),
        ("zip", zip_new),
        ("map", map_new),
        ("filter", filter_new),
        ("reversed", reversed_new),
    ];
    for &(name, new) in types {
        let class = interp.native_class(name);
        add_method(&class, "__new__", new);
        namespace
            .borrow_mut()
            .insert(name.into(), Value::Type(class));
    }
    add_method(&interp.types.method.clone(), "__new__", method_new);
    add_method(&interp.types.module.clone(), "__new__", module_new);
    for &name in iterators::CLASS_NAMES {
        let class = interp.native_class(name);
        add_method(&class, "__next__", iterator_next);
        add_method(&class, "__iter__", iterator_iter);
        // Those over a container know what is left, as CPython's.
        if !matches!(
            name,
            "enumerate" | "zip" | "map" | "filter" | "callable_iterator"
        ) {
            add_method(&class, "__length_hint__", iterator_length_hint);
        }
    }
}

type Kwargs = [(Name, Value)];

/// Binds the arguments of a builtin to its parameters `names` as CPython's
/// argument clinic does, with its messages. The first `positional_only`
/// parameters cannot be passed by keyword; the first `required` must be
/// passed.
pub(crate) fn bind<'a, const N: usize>(
    interp: &Interp,
    function: &str,
    args: &'a [Value],
    kwargs: &'a Kwargs,
    names: [&str; N],
    positional_only: usize,
    required: usize,
) -> PyResult<[Option<&'a Value>; N]> {
    let given = args.len() + kwargs.len();
    if given > N {
        // CPython says "keyword" when none is positional (bpo-31229).
        return Err(interp.type_error(format!(
            "{function}() takes at most {N} {}argument{} ({given} given)",
            if args.is_empty() { "keyword " } else { "" },
            plural(N)
        )));
    }
    let min_positional = required.min(positional_only);
    if args.len() < min_positional {
        return Err(interp.type_error(format!(
            "{function}() takes at least {min_positional} positional argument{} ({} given)",
            plural(min_positional),
            args.len()
        )));
    }
    let mut slots: [Option<&Value>; N] = [None; N];
    for (slot, arg) in slots.iter_mut().zip(args) {
        *slot = Some(arg);
    }
    for (key, value) in kwargs {
        let position = names
            .iter()
            .enumerate()
            .skip(positional_only)
            .find(|(_, name)| **name == &**key)
            .map(|(i, _)| i);
        let Some(i) = position else {
            return Err(interp.type_error(format!(
                "'{key}' is an invalid keyword argument for {function}()"
            )));
        };
        if i < args.len() {
            return Err(interp.type_error(format!(
                "argument for {function}() given by name ('{key}') and position ({})",
                i + 1
            )));
        }
        slots[i] = Some(value);
    }
    for (i, name) in names.iter().enumerate().take(required) {
        if slots[i].is_none() {
            return Err(interp.type_error(format!(
                "{function}() missing required argument '{name}' (pos {})",
                i + 1
            )));
        }
    }
    Ok(slots)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// An integer argument: an int, a bool, or an object with `__index__`.
pub(super) fn index_arg(interp: &mut Interp, value: &Value) -> PyResult<BigInt> {
    match value {
        Value::Int(i) => Ok(BigInt::from(*i)),
        Value::Bool(b) => Ok(BigInt::from(b.get() as i64)),
        Value::BigInt(i) => Ok((**i).clone()),
        _ => {
            let index = interp.index_value(value)?;
            Ok(interp.to_bigint(&index).unwrap_or_default())
        }
    }
}

/// An integer argument clamped to the `i64` range, as CPython clamps
/// arguments it converts with `PyNumber_AsSsize_t(x, NULL)`.
fn clamped_index_arg(interp: &mut Interp, value: &Value) -> PyResult<i64> {
    match value {
        Value::BigInt(i) if i.is_negative() => Ok(i64::MIN),
        Value::BigInt(_) => Ok(i64::MAX),
        _ => index_arg(interp, value).map(|i| i.to_i64().unwrap_or(0)),
    }
}

fn is_int(value: &Value) -> bool {
    matches!(value, Value::Int(_) | Value::Bool(_) | Value::BigInt(_))
}

/// Attribute names must be `str`, with CPython's message otherwise.
/// The name argument of `getattr` and its kin: a `str`.
pub(crate) fn attribute_name<'a>(interp: &Interp, name: &'a Value) -> PyResult<&'a str> {
    name.as_str().ok_or_else(|| {
        interp.type_error(format!(
            "attribute name must be string, not '{}'",
            interp.type_name(name)
        ))
    })
}

fn print(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let (mut sep, mut end, mut file, mut flush) = (None, None, None, None);
    for (key, value) in kwargs {
        let slot = match &**key {
            "sep" => &mut sep,
            "end" => &mut end,
            "file" => &mut file,
            "flush" => &mut flush,
            _ => {
                return Err(interp.type_error(format!(
                    "'{key}' is an invalid keyword argument for print()"
                )))
            }
        };
        *slot = Some(value);
    }
    let text_option =
        |interp: &Interp, name: &str, value: Option<&Value>, default: &str| match value
            .map(Value::builtin_value)
        {
            None | Some(Value::None) => Ok(default.to_string()),
            Some(Value::Str(text)) => Ok(text.as_str().to_string()),
            Some(other) => Err(interp.type_error(format!(
                "{name} must be None or a string, not {}",
                interp.type_name(other)
            ))),
        };
    let sep = text_option(interp, "sep", sep, " ")?;
    let end = text_option(interp, "end", end, "\n")?;
    let replaced = match file {
        Some(file) if !file.is_none() => None,
        _ => crate::runtime::modules::sys::replaced_stdout(interp),
    };
    if matches!(replaced, Some(Value::None)) {
        return Ok(Value::None);
    }
    let file = file.filter(|f| !f.is_none()).or(replaced.as_ref());
    // Each piece is written as soon as it is converted, so that output
    // before a failing `__str__` still appears, as in CPython.
    let write = |interp: &mut Interp, text: &str| match file {
        None => interp.write_stdout(text),
        Some(file) => {
            let write = interp.get_attr(file, "write")?;
            interp.call(&write, &[Value::str(text)], &[]).map(drop)
        }
    };
    for (i, value) in args.iter().enumerate() {
        if i > 0 {
            write(interp, &sep)?;
        }
        let text = match value {
            Value::Str(text) => text.as_str().to_string(),
            _ => interp.to_str(value)?,
        };
        write(interp, &text)?;
    }
    write(interp, &end)?;
    let flush = match flush {
        Some(flag) => interp.truthy(flag)?,
        None => false,
    };
    if flush {
        match file {
            None => interp.flush_stdout().map_err(|e| interp.os_error(e))?,
            Some(file) => {
                let flush = interp.get_attr(file, "flush")?;
                interp.call(&flush, &[], &[])?;
            }
        }
    }
    Ok(Value::None)
}

fn input(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "input", args, kwargs, 0, 1)?;
    if let Some(prompt) = args.first() {
        let text = interp.to_str(prompt)?;
        interp.write_stdout(&text)?;
    }
    interp.flush_stdout().map_err(|e| interp.os_error(e))?;
    // From `sys.stdin`, whatever the program made it.
    let sys = interp.import_module("sys")?;
    let stdin = match &sys {
        Value::Module(sys) => sys.namespace.borrow().get("stdin").cloned(),
        _ => None,
    };
    let mut line = match &stdin {
        None | Some(Value::None) => {
            return Err(interp.error(ExcType::RuntimeError, "input(): lost sys.stdin"))
        }
        Some(Value::Native(native)) if let Some(file) = native.downcast_ref::<TextFile>() => {
            file.readline(interp, usize::MAX)?
        }
        Some(stdin) => {
            let line = interp.call_method(stdin, "readline", &[])?;
            match line.as_str() {
                Some(line) => line.to_string(),
                None => {
                    return Err(interp.type_error("object.readline() returned non-string"));
                }
            }
        }
    };
    if line.is_empty() {
        return Err(interp.error(ExcType::EOFError, "EOF when reading a line"));
    }
    // Only the `\n` goes: CPython keeps a `\r` before it.
    if line.ends_with('\n') {
        line.pop();
    }
    Ok(Value::str(line))
}

/// Whether `function` is the builtin `len`, which the evaluator makes
/// itself (`len(x)`; CPython 3.11 specializes it too).
pub fn is_len(function: NativeFn) -> bool {
    std::ptr::fn_addr_eq(function, len as NativeFn)
}

fn len(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "len", args, kwargs, 1, 1)?;
    Ok(Value::from(interp.len(&args[0])?))
}

fn repr(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "repr", args, kwargs, 1, 1)?;
    Ok(Value::str(interp.repr(&args[0])?))
}

fn ascii(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "ascii", args, kwargs, 1, 1)?;
    Ok(Value::str(interp.ascii(&args[0])?))
}

fn abs(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "abs", args, kwargs, 1, 1)?;
    let value = &args[0];
    Ok(match value {
        Value::Int(i) => match i.checked_abs() {
            Some(a) => Value::Int(a),
            None => Value::from_bigint(BigInt::from(*i).abs()),
        },
        Value::BigInt(i) => Value::from_bigint(i.abs()),
        Value::Bool(b) => Value::Int(b.get() as i64),
        Value::Float(f) => Value::float(f.get().abs()),
        _ => match interp.lookup_special(value, "__abs__") {
            Some(method) => return interp.call_bound(&method, value, &[], &[]),
            None => {
                return Err(interp.type_error(format!(
                    "bad operand type for abs(): '{}'",
                    interp.type_name(value)
                )))
            }
        },
    })
}

fn round(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let [number, ndigits] = bind(interp, "round", args, kwargs, ["number", "ndigits"], 0, 1)?;
    let number = number.cloned().unwrap_or(Value::None);
    let ndigits = ndigits.filter(|n| !n.is_none()).cloned();
    match &number {
        Value::Float(x) => match ndigits {
            None => float_to_int(interp, x.get().round_ties_even()),
            Some(n) => {
                let n = clamped_index_arg(interp, &n)?;
                crate::runtime::format::float_round_checked(x.get(), n)
                    .map(Value::float)
                    .map_err(|message| interp.error(ExcType::OverflowError, message))
            }
        },
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let Some(n) = ndigits else {
                return Ok(match number {
                    Value::Bool(b) => Value::Int(b.get() as i64),
                    other => other,
                });
            };
            let n = clamped_index_arg(interp, &n)?;
            let x = index_arg(interp, &number)?;
            Ok(Value::from_bigint(round_int(&x, n)))
        }
        _ => match interp.lookup_special(&number, "__round__") {
            Some(method) => {
                let args: Vec<Value> = ndigits.into_iter().collect();
                interp.call_bound(&method, &number, &args, &[])
            }
            None => Err(interp.type_error(format!(
                "type {} doesn't define __round__ method",
                interp.type_name(&number)
            ))),
        },
    }
}

/// `int(x)` for a float: truncation, with CPython's errors for NaN and
/// infinities.
pub(super) fn float_to_int(interp: &Interp, x: f64) -> PyResult<Value> {
    if x.is_nan() {
        return Err(interp.value_error("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(interp.error(
            ExcType::OverflowError,
            "cannot convert float infinity to integer",
        ));
    }
    let x = x.trunc();
    // Every float in this range converts exactly; beyond it, through BigInt.
    if x.abs() < 9.0e18 {
        return Ok(Value::Int(x as i64));
    }
    Ok(BigInt::from_f64(x).map_or(Value::Int(0), Value::from_bigint))
}

/// `round(x, ndigits)` for an int and a negative `ndigits`: to a multiple
/// of `10 ** -ndigits`, halves to even.
fn round_int(x: &BigInt, ndigits: i64) -> BigInt {
    if ndigits >= 0 {
        return x.clone();
    }
    let k = ndigits.unsigned_abs();
    // 10**k > 8**k >= 2 * |x|: everything rounds to 0, and 10**k may be
    // too large to compute.
    if k > x.bits() / 3 + 2 {
        return BigInt::zero();
    }
    let unit = BigInt::from(10u32).pow(k as u32);
    let (quotient, remainder) = x.div_mod_floor(&unit);
    let twice = remainder * 2;
    let quotient = if twice > unit || (twice == unit && quotient.is_odd()) {
        quotient + 1
    } else {
        quotient
    };
    quotient * unit
}

fn min(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    min_max(interp, args, kwargs, "min", CmpOp::Lt)
}

fn max(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    min_max(interp, args, kwargs, "max", CmpOp::Gt)
}

/// `min`/`max`: the first item whose key is not beaten, under `op`, by a
/// later one (CPython asks `item_key op best_key`).
fn min_max(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
    name: &str,
    op: CmpOp,
) -> PyResult<Value> {
    let (mut key, mut default) = (None, None);
    for (k, value) in kwargs {
        match &**k {
            "key" => key = Some(value),
            "default" => default = Some(value),
            _ => {
                return Err(
                    interp.type_error(format!("'{k}' is an invalid keyword argument for {name}()"))
                )
            }
        }
    }
    if args.is_empty() {
        return Err(interp.type_error(format!("{name} expected at least 1 argument, got 0")));
    }
    if args.len() > 1 && default.is_some() {
        return Err(interp.type_error(format!(
            "Cannot specify a default for {name}() with multiple positional arguments"
        )));
    }
    let key = key.filter(|k| !k.is_none());
    let iterator = match args {
        [iterable] => Some(interp.get_iter(iterable)?),
        _ => None,
    };
    let mut positional = args.iter();
    let mut best: Option<(Value, Value)> = None;
    loop {
        let item = match &iterator {
            Some(iterator) => interp.next(iterator)?,
            None => positional.next().cloned(),
        };
        let Some(item) = item else { break };
        let item_key = match key {
            Some(key) => interp.call(key, std::slice::from_ref(&item), &[])?,
            None => item.clone(),
        };
        best = Some(match best {
            None => (item, item_key),
            Some((best_item, best_key)) => {
                let verdict = interp.rich_compare(op, &item_key, &best_key)?;
                if interp.truthy(&verdict)? {
                    (item, item_key)
                } else {
                    (best_item, best_key)
                }
            }
        });
    }
    match (best, default) {
        (Some((item, _)), _) => Ok(item),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(interp.value_error(format!("{name}() arg is an empty sequence"))),
    }
}

fn sum(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let [iterable, start] = bind(interp, "sum", args, kwargs, ["iterable", "start"], 1, 1)?;
    let iterable = iterable.cloned().unwrap_or(Value::None);
    let mut total = start.cloned().unwrap_or(Value::Int(0));
    if matches!(total.builtin_value(), Value::Str(_)) {
        return Err(interp.type_error("sum() can't sum strings [use ''.join(seq) instead]"));
    }
    if matches!(total.builtin_value(), Value::Bytes(_)) {
        return Err(interp.type_error("sum() can't sum bytes [use b''.join(seq) instead]"));
    }
    if matches!(total.builtin_value(), Value::ByteArray(_)) {
        return Err(interp.type_error("sum() can't sum bytearray [use b''.join(seq) instead]"));
    }
    let iterator = interp.get_iter(&iterable)?;
    while let Some(item) = interp.next(&iterator)? {
        total = match (&total, &item) {
            (Value::Int(a), Value::Int(b)) if a.checked_add(*b).is_some() => {
                Value::Int(a.wrapping_add(*b))
            }
            (Value::Float(a), Value::Float(b)) => Value::float(a.get() + b.get()),
            _ => interp.binary_op(BinOp::Add, &total, &item)?,
        };
    }
    Ok(total)
}

fn sorted(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let [iterable] = args else {
        return Err(interp.type_error(format!("sorted expected 1 argument, got {}", args.len())));
    };
    let mut items = interp.collect(iterable)?;
    let (key, reverse) = sort_options(interp, kwargs)?;
    sort_values(interp, &mut items, key.as_ref(), reverse)?;
    Ok(Value::list(items))
}

/// The keyword arguments of `list.sort` (and `sorted`): the key function
/// (`None` when absent or `None`) and whether to reverse.
pub fn sort_options(interp: &mut Interp, kwargs: &Kwargs) -> PyResult<(Option<Value>, bool)> {
    let (mut key, mut reverse) = (None, false);
    for (name, value) in kwargs {
        match &**name {
            "key" => key = Some(value.clone()).filter(|k| !k.is_none()),
            // CPython converts `reverse` as an int, not by truthiness.
            "reverse" => reverse = !index_arg(interp, value)?.is_zero(),
            _ => {
                return Err(interp.type_error(format!(
                    "'{name}' is an invalid keyword argument for sort()"
                )))
            }
        }
    }
    Ok((key, reverse))
}

/// Sorts `items` stably by `key(item) < key(other)`, as `list.sort` does:
/// keys are computed first (once each, in order), and `reverse` keeps equal
/// items in their original order. An error from a key function leaves
/// `items` unchanged; one from a comparison leaves them in the partial
/// order the sort had reached, as CPython's list does.
pub fn sort_values(
    interp: &mut Interp,
    items: &mut Vec<Value>,
    key: Option<&Value>,
    reverse: bool,
) -> PyResult<()> {
    let keys = match key.filter(|k| !k.is_none()) {
        Some(key) => items
            .iter()
            .map(|item| interp.call(key, std::slice::from_ref(item), &[]))
            .collect::<PyResult<Vec<Value>>>()?,
        None => items.clone(),
    };
    // CPython reverses, sorts stably and reverses again, so that equal
    // items keep their order under `reverse=True`.
    let mut order: Vec<usize> = (0..keys.len()).collect();
    if reverse {
        order.reverse();
    }
    let result = if sort_natively(&keys, &mut order) {
        Ok(())
    } else {
        timsort(&mut order, &mut |a, b| interp.lt(&keys[a], &keys[b]))
    };
    if reverse {
        order.reverse();
    }
    let mut slots: Vec<Option<Value>> = items.drain(..).map(Some).collect();
    items.extend(
        order
            .iter()
            .filter_map(|&i| slots.get_mut(i).and_then(Option::take)),
    );
    result
}

/// Sorts keys that are all machine ints, all strings or all floats without
/// a call into the interpreter per comparison, with the same result as the
/// general path (ints and strings: any stable sort under a total order
/// agrees). `false` for other keys.
fn sort_natively(keys: &[Value], order: &mut [usize]) -> bool {
    if keys.iter().all(|k| matches!(k, Value::Int(_))) {
        let int = |i: usize| match &keys[i] {
            Value::Int(n) => *n,
            _ => 0,
        };
        order.sort_by_key(|&i| int(i));
        true
    } else if keys.iter().all(|k| matches!(k, Value::Str(_))) {
        let text = |i: usize| keys[i].as_str().unwrap_or("");
        order.sort_by(|&a, &b| text(a).cmp(text(b)));
        true
    } else if keys.iter().all(|k| matches!(k, Value::Float(_))) {
        // NaN makes `<` on floats no total order, which Rust's sort may
        // reject; timsort with a native comparison does what CPython does.
        let float = |i: usize| match &keys[i] {
            Value::Float(f) => f.get(),
            _ => 0.0,
        };
        timsort(order, &mut |a, b| Ok(float(a) < float(b))).is_ok()
    } else {
        false
    }
}

/// A fallible "less than" between two positions of the sorted keys.
type LessThan<'a> = dyn FnMut(usize, usize) -> PyResult<bool> + 'a;

/// CPython's timsort, minus galloping: natural runs (strictly descending
/// ones reversed) extended to `minrun` by binary insertion, merged by the
/// powersort policy of 3.11. It asks the same first comparisons as
/// CPython, so a list of unorderable items fails with the same message.
fn timsort(v: &mut [usize], lt: &mut LessThan) -> PyResult<()> {
    let n = v.len();
    if n < 2 {
        return Ok(());
    }
    let minrun = compute_minrun(n);
    // Pending runs: (start, length, power).
    let mut runs: Vec<(usize, usize, u32)> = Vec::new();
    let mut lo = 0;
    while lo < n {
        let (mut run, descending) = count_run(&mut v[lo..], lt)?;
        if descending {
            v[lo..lo + run].reverse();
        }
        if run < minrun {
            let force = (n - lo).min(minrun);
            binary_insertion_sort(&mut v[lo..lo + force], run, lt)?;
            run = force;
        }
        if let Some(&(start, length, _)) = runs.last() {
            let power = node_power(start, length, run, n);
            while runs.len() > 1 && runs[runs.len() - 2].2 > power {
                let i = runs.len() - 2;
                merge_at(v, &mut runs, i, lt)?;
            }
            if let Some(last) = runs.last_mut() {
                last.2 = power;
            }
        }
        runs.push((lo, run, 0));
        lo += run;
    }
    while runs.len() > 1 {
        let mut i = runs.len() - 2;
        if i > 0 && runs[i - 1].1 < runs[i + 1].1 {
            i -= 1;
        }
        merge_at(v, &mut runs, i, lt)?;
    }
    Ok(())
}

fn compute_minrun(mut n: usize) -> usize {
    let mut odd = 0;
    while n >= 64 {
        odd |= n & 1;
        n >>= 1;
    }
    n + odd
}

/// The length of the run at the start of `v` and whether it is strictly
/// descending.
fn count_run(v: &mut [usize], lt: &mut LessThan) -> PyResult<(usize, bool)> {
    if v.len() < 2 {
        return Ok((v.len(), false));
    }
    let descending = lt(v[1], v[0])?;
    let mut n = 2;
    while n < v.len() && lt(v[n], v[n - 1])? == descending {
        n += 1;
    }
    Ok((n, descending))
}

/// Sorts `v` whose first `sorted` elements are already in order.
fn binary_insertion_sort(v: &mut [usize], sorted: usize, lt: &mut LessThan) -> PyResult<()> {
    for start in sorted.max(1)..v.len() {
        let pivot = v[start];
        let (mut left, mut right) = (0, start);
        while left < right {
            let middle = left + (right - left) / 2;
            if lt(pivot, v[middle])? {
                right = middle;
            } else {
                left = middle + 1;
            }
        }
        v.copy_within(left..start, left + 1);
        v[left] = pivot;
    }
    Ok(())
}

/// Powersort's node power of the boundary between the run at `start` of
/// length `n1` and the next run of length `n2`, in a list of length `n`.
fn node_power(start: usize, n1: usize, n2: usize, n: usize) -> u32 {
    let mut a = 2 * start + n1;
    let mut b = a + n1 + n2;
    let mut power = 0;
    loop {
        power += 1;
        if a >= n {
            a -= n;
            b -= n;
        } else if b >= n {
            break;
        }
        a <<= 1;
        b <<= 1;
    }
    power
}

/// Merges pending runs `i` and `i + 1`.
fn merge_at(
    v: &mut [usize],
    runs: &mut Vec<(usize, usize, u32)>,
    i: usize,
    lt: &mut LessThan,
) -> PyResult<()> {
    let (start, left_len, power) = runs[i];
    let right_len = runs[i + 1].1;
    runs[i] = (start, left_len + right_len, power);
    runs.remove(i + 1);
    let slice = &mut v[start..start + left_len + right_len];
    let left: Vec<usize> = slice[..left_len].to_vec();
    let (mut l, mut r, mut out) = (0, left_len, 0);
    let mut result = Ok(());
    while l < left.len() && r < slice.len() {
        // Take from the right run only when strictly less: stability.
        match lt(slice[r], left[l]) {
            Ok(true) => {
                slice[out] = slice[r];
                r += 1;
            }
            Ok(false) => {
                slice[out] = left[l];
                l += 1;
            }
            Err(err) => {
                result = Err(err);
                break;
            }
        }
        out += 1;
    }
    // Also after an error, so that `v` stays a permutation.
    for &rest in &left[l..] {
        slice[out] = rest;
        out += 1;
    }
    result
}

fn any(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "any", args, kwargs, 1, 1)?;
    let iterator = interp.get_iter(&args[0])?;
    while let Some(item) = interp.next(&iterator)? {
        if interp.truthy(&item)? {
            return Ok(Value::from(true));
        }
    }
    Ok(Value::from(false))
}

fn all(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "all", args, kwargs, 1, 1)?;
    let iterator = interp.get_iter(&args[0])?;
    while let Some(item) = interp.next(&iterator)? {
        if !interp.truthy(&item)? {
            return Ok(Value::from(false));
        }
    }
    Ok(Value::from(true))
}

fn isinstance(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "isinstance", args, kwargs, 2, 2)?;
    instance_check(interp, &args[0], &args[1], 0).map(Value::from)
}

/// `isinstance` against a class or a (nested) tuple of classes; the
/// nesting counts against the recursion limit, as in CPython.
fn instance_check(
    interp: &mut Interp,
    value: &Value,
    classinfo: &Value,
    depth: u32,
) -> PyResult<bool> {
    match classinfo {
        Value::Type(class) => match interp.metaclass_method(class, "__instancecheck__") {
            // An instance of the class itself is one without asking.
            Some(check) if !Rc::ptr_eq(&interp.class_of(value), class) => {
                let answer =
                    interp.call_bound(&check, classinfo, std::slice::from_ref(value), &[])?;
                interp.truthy(&answer)
            }
            _ => Ok(interp.is_instance(value, class)),
        },
        // A union is the tuple of its members, as CPython takes it.
        _ if let Some(members) = union_members(classinfo) => {
            for member in members {
                if instance_check(interp, value, member, depth + 1)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ if let Value::Tuple(classes) = classinfo.builtin_value() => {
            check_nesting(interp, depth, "__instancecheck__")?;
            for class in classes.iter() {
                if instance_check(interp, value, class, depth + 1)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        // An object that is not a class but answers `__instancecheck__`
        // (`list[int]`, typing's `List`, `Union[int, str]`, …).
        _ if let Some(check) = interp.lookup_special(classinfo, "__instancecheck__") => {
            let answer = interp.call_bound(&check, classinfo, std::slice::from_ref(value), &[])?;
            interp.truthy(&answer)
        }
        _ => {
            Err(interp
                .type_error("isinstance() arg 2 must be a type, a tuple of types, or a union"))
        }
    }
}

fn issubclass(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "issubclass", args, kwargs, 2, 2)?;
    if let Value::Type(class) = &args[1] {
        if let Some(check) = interp.metaclass_method(class, "__subclasscheck__") {
            let answer = interp.call_bound(&check, &args[1], &args[..1], &[])?;
            return interp.truthy(&answer).map(Value::from);
        }
    }
    let Value::Type(class) = &args[0] else {
        return Err(interp.type_error("issubclass() arg 1 must be a class"));
    };
    subclass_check(interp, class, &args[1], 0).map(Value::from)
}

fn subclass_check(
    interp: &mut Interp,
    class: &Rc<crate::runtime::object::Class>,
    classinfo: &Value,
    depth: u32,
) -> PyResult<bool> {
    match classinfo {
        Value::Type(other) => match interp.metaclass_method(other, "__subclasscheck__") {
            Some(check) => {
                let class = Value::Type(class.clone());
                let answer =
                    interp.call_bound(&check, classinfo, std::slice::from_ref(&class), &[])?;
                interp.truthy(&answer)
            }
            None => Ok(class.is_subclass_of(other)),
        },
        _ if let Some(members) = union_members(classinfo) => {
            for member in members {
                if subclass_check(interp, class, member, depth + 1)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ if let Value::Tuple(classes) = classinfo.builtin_value() => {
            check_nesting(interp, depth, "__subclasscheck__")?;
            for other in classes.iter() {
                if subclass_check(interp, class, other, depth + 1)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ if let Some(check) = interp.lookup_special(classinfo, "__subclasscheck__") => {
            let class = Value::Type(class.clone());
            let answer = interp.call_bound(&check, classinfo, std::slice::from_ref(&class), &[])?;
            interp.truthy(&answer)
        }
        _ => {
            Err(interp
                .type_error("issubclass() arg 2 must be a class, a tuple of classes, or a union"))
        }
    }
}

fn check_nesting(interp: &Interp, depth: u32, what: &str) -> PyResult<()> {
    if interp.depth + depth >= interp.recursion_limit {
        return Err(interp.error(
            ExcType::RecursionError,
            format!("maximum recursion depth exceeded in {what}"),
        ));
    }
    Ok(())
}

fn hasattr(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "hasattr", args, kwargs, 2, 2)?;
    let name = attribute_name(interp, &args[1])?;
    match interp.get_attr(&args[0], name) {
        Ok(_) => Ok(Value::from(true)),
        Err(err) if interp.is_instance_of(&err, ExcType::AttributeError) => Ok(Value::from(false)),
        Err(err) => Err(err),
    }
}

fn getattr(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "getattr", args, kwargs, 2, 3)?;
    let name = attribute_name(interp, &args[1])?;
    match (interp.get_attr(&args[0], name), args.get(2)) {
        (Err(err), Some(default)) if interp.is_instance_of(&err, ExcType::AttributeError) => {
            Ok(default.clone())
        }
        (result, _) => result,
    }
}

fn setattr(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "setattr", args, kwargs, 3, 3)?;
    let name = attribute_name(interp, &args[1])?;
    interp.set_attr(&args[0], name, args[2].clone())?;
    Ok(Value::None)
}

fn delattr(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "delattr", args, kwargs, 2, 2)?;
    let name = attribute_name(interp, &args[1])?;
    interp.del_attr(&args[0], name)?;
    Ok(Value::None)
}

fn iter(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "iter", args, kwargs, 1, 2)?;
    match args {
        [function, sentinel] => {
            if !is_callable(interp, function) {
                return Err(interp.type_error("iter(v, w): v must be callable"));
            }
            Ok(iterators::callable_iter(function.clone(), sentinel.clone()))
        }
        _ => interp.get_iter(&args[0]),
    }
}

fn next(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "next", args, kwargs, 1, 2)?;
    if let (Value::Generator(generator), None) = (&args[0], args.get(1)) {
        if generator.kind != crate::runtime::generator::GeneratorKind::Generator {
            return Err(interp.type_error(format!(
                "'{}' object is not an iterator",
                interp.type_name(&args[0])
            )));
        }
        // An exhausted generator's return value travels in StopIteration.
        return match generator.resume(interp, crate::eval::frame::Resume::Send(Value::None))? {
            crate::eval::frame::GenStep::Yielded(value) => Ok(value),
            crate::eval::frame::GenStep::Returned(value) => {
                let args = if value.is_none() { vec![] } else { vec![value] };
                Err(interp.new_exception(ExcType::StopIteration, args))
            }
        };
    }
    // An iterator written in Python, or one that drives a coroutine or a
    // future (`coro.__await__()`): its own StopIteration, with its
    // arguments, is next()'s.
    let stops_with_a_value = match &args[0] {
        Value::Instance(_) => true,
        Value::Native(object) => object.is_resumable(),
        _ => false,
    };
    if stops_with_a_value && args.len() == 1 {
        return interp.call_next_method(&args[0]);
    }
    match (interp.next(&args[0])?, args.get(1)) {
        (Some(item), _) => Ok(item),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(interp.new_exception(ExcType::StopIteration, vec![])),
    }
}

/// `iterator.__next__()`, for the iterator types of `runtime::iterators`.
fn iterator_next(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let receiver = args.first().cloned().unwrap_or(Value::None);
    let name = format!("{}.__next__", interp.type_name(&receiver));
    check_method(interp, &name, args, kwargs, 0, 0)?;
    interp
        .next(&receiver)?
        .ok_or_else(|| interp.new_exception(ExcType::StopIteration, vec![]))
}

/// `iterator.__iter__()`: an iterator is its own iterator.
fn iterator_iter(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let receiver = args.first().cloned().unwrap_or(Value::None);
    let name = format!("{}.__iter__", interp.type_name(&receiver));
    check_method(interp, &name, args, kwargs, 0, 0)?;
    Ok(receiver)
}

/// `types.MethodType(function, instance)`: the function bound to it.
fn method_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let args = &args[1.min(args.len())..];
    if !kwargs.is_empty() {
        return Err(interp.type_error("method() takes no keyword arguments"));
    }
    let [function, instance] = args else {
        return Err(interp.type_error(format!("method expected 2 arguments, got {}", args.len())));
    };
    if !is_callable(interp, function) {
        return Err(interp.type_error("first argument must be callable"));
    }
    if instance.is_none() {
        return Err(interp.type_error("instance must not be None"));
    }
    Ok(Value::BoundMethod(Rc::new(
        crate::runtime::object::BoundMethod {
            receiver: instance.clone(),
            function: function.clone(),
        },
    )))
}

/// `types.ModuleType(name, doc=None)`: an empty module.
fn module_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let args = &args[1.min(args.len())..];
    let [name, doc] = bind(interp, "module", args, kwargs, ["name", "doc"], 0, 1)?;
    let Some(Value::Str(name)) = name else {
        let given = name.map_or("NoneType".into(), |name| interp.type_name(name));
        return Err(interp.type_error(format!("module() argument 'name' must be str, not {given}")));
    };
    let module = crate::runtime::modules::new_source_module(name.as_str());
    let doc = doc.cloned().unwrap_or(Value::None);
    (module.namespace.borrow_mut()).insert("__doc__".into(), doc);
    Ok(Value::Module(module))
}

fn iterator_length_hint(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let receiver = args.first().cloned().unwrap_or(Value::None);
    let name = format!("{}.__length_hint__", interp.type_name(&receiver));
    check_method(interp, &name, args, kwargs, 0, 0)?;
    Ok(
        match receiver.as_native().and_then(|native| native.length_hint()) {
            Some(left) => Value::from(left),
            None => Value::NotImplemented,
        },
    )
}

fn id(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "id", args, kwargs, 1, 1)?;
    Ok(Value::from(args[0].address()))
}

fn hash(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "hash", args, kwargs, 1, 1)?;
    Ok(Value::Int(interp.hash(&args[0])?))
}

fn divmod(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "divmod", args, kwargs, 2, 2)?;
    let (a, b) = (&args[0], &args[1]);
    let is_number = |v: &Value| is_int(v) || matches!(v, Value::Float(_));
    if is_number(a) && is_number(b) {
        let is_zero = matches!(b, Value::Int(0) | Value::Bool(Flag::FALSE))
            || matches!(b, Value::Float(f) if f.get() == 0.0);
        let float = matches!(a, Value::Float(_)) || matches!(b, Value::Float(_));
        if float && is_zero {
            return Err(interp.error(ExcType::ZeroDivisionError, "float divmod()"));
        }
        let quotient = interp.binary_op(BinOp::FloorDiv, a, b)?;
        let remainder = interp.binary_op(BinOp::Mod, a, b)?;
        return Ok(Value::pair(quotient, remainder));
    }
    for (receiver, other, name) in [(a, b, "__divmod__"), (b, a, "__rdivmod__")] {
        if let Some(method) = interp.lookup_special(receiver, name) {
            let result = interp.call_bound(&method, receiver, std::slice::from_ref(other), &[])?;
            if !matches!(result, Value::NotImplemented) {
                return Ok(result);
            }
        }
    }
    Err(interp.type_error(format!(
        "unsupported operand type(s) for divmod(): '{}' and '{}'",
        interp.type_name(a),
        interp.type_name(b)
    )))
}

fn pow(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let [base, exp, modulus] = bind(interp, "pow", args, kwargs, ["base", "exp", "mod"], 0, 2)?;
    let (Some(base), Some(exp)) = (base, exp) else {
        return Ok(Value::None);
    };
    let Some(modulus) = modulus.filter(|m| !m.is_none()) else {
        return interp.binary_op(BinOp::Pow, base, exp);
    };
    // Ints, or instances of int's subclasses, but for one whose class
    // has a `__pow__` of its own.
    let all_ints = [base, exp, modulus]
        .iter()
        .all(|value| is_int(value.builtin_value()));
    let own_pow = matches!(base, Value::Instance(_))
        && matches!(
            interp.lookup_special(base, "__pow__"),
            Some(Value::Function(_))
        );
    if !all_ints || own_pow {
        // An object's own `__pow__` (a builtin value's is this function);
        // a three-argument power asks no `__rpow__`.
        let method = match base {
            Value::Instance(_) | Value::Future(_) | Value::Native(_) => {
                interp.lookup_special(base, "__pow__")
            }
            _ => None,
        };
        if let Some(method) = method {
            let result = interp.call_bound(&method, base, &[exp.clone(), modulus.clone()], &[])?;
            if !matches!(result, Value::NotImplemented) {
                return Ok(result);
            }
        }
        // `float`'s power, reached for a float anywhere among the three,
        // refuses any third argument before it looks at the others.
        if [base, exp, modulus]
            .iter()
            .any(|v| matches!(v, Value::Float(_)))
        {
            return Err(interp
                .type_error("pow() 3rd argument not allowed unless all arguments are integers"));
        }
        return Err(interp.type_error(format!(
            "unsupported operand type(s) for ** or pow(): '{}', '{}', '{}'",
            interp.type_name(base),
            interp.type_name(exp),
            interp.type_name(modulus)
        )));
    }
    let (base, exp, modulus) = (
        index_arg(interp, base)?,
        index_arg(interp, exp)?,
        index_arg(interp, modulus)?,
    );
    modular_pow(interp, base, exp, modulus).map(Value::from_bigint)
}

/// Three-argument `pow` on ints, as CPython's `long_pow` computes it: a
/// negative exponent inverts the base first, and the result takes the sign
/// of the modulus.
fn modular_pow(interp: &Interp, base: BigInt, exp: BigInt, modulus: BigInt) -> PyResult<BigInt> {
    if modulus.is_zero() {
        return Err(interp.value_error("pow() 3rd argument cannot be 0"));
    }
    let negative_modulus = modulus.is_negative();
    let modulus = modulus.abs();
    if modulus == BigInt::from(1) {
        return Ok(BigInt::zero());
    }
    let (base, exp) = if exp.is_negative() {
        let Some(inverse) = base.modinv(&modulus) else {
            return Err(interp.value_error("base is not invertible for the given modulus"));
        };
        (inverse, -exp)
    } else {
        (base.mod_floor(&modulus), exp)
    };
    let result = base.modpow(&exp, &modulus);
    Ok(if negative_modulus && !result.is_zero() {
        result - modulus
    } else {
        result
    })
}

fn chr(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "chr", args, kwargs, 1, 1)?;
    let code = index_arg(interp, &args[0])?;
    let Some(code) = code.to_i32() else {
        return Err(interp.error(
            ExcType::OverflowError,
            "Python int too large to convert to C int",
        ));
    };
    if !(0..0x110000).contains(&code) {
        return Err(interp.value_error("chr() arg not in range(0x110000)"));
    }
    // A lone surrogate cannot be held in a Rust string; it becomes U+FFFD.
    let c = char::from_u32(code as u32).unwrap_or(char::REPLACEMENT_CHARACTER);
    Ok(Value::str(c.to_string()))
}

fn ord(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "ord", args, kwargs, 1, 1)?;
    if let Some(data) = args[0].bytes_like() {
        return match data.as_slice() {
            [byte] => Ok(Value::Int(i64::from(*byte))),
            _ => Err(interp.type_error(format!(
                "ord() expected a character, but string of length {} found",
                data.len()
            ))),
        };
    }
    let Value::Str(text) = args[0].builtin_value() else {
        return Err(interp.type_error(format!(
            "ord() expected string of length 1, but {} found",
            interp.type_name(&args[0])
        )));
    };
    let mut chars = text.as_str().chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(Value::Int(c as i64)),
        _ => Err(interp.type_error(format!(
            "ord() expected a character, but string of length {} found",
            text.char_count()
        ))),
    }
}

fn hex(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    int_in_base(interp, args, kwargs, "hex", 16)
}

fn oct(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    int_in_base(interp, args, kwargs, "oct", 8)
}

fn bin(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    int_in_base(interp, args, kwargs, "bin", 2)
}

fn int_in_base(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
    name: &str,
    radix: u32,
) -> PyResult<Value> {
    check_count(interp, name, args, kwargs, 1, 1)?;
    let n = index_arg(interp, &args[0])?;
    Ok(Value::str(crate::runtime::format::int_to_base(&n, radix)))
}

fn callable(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "callable", args, kwargs, 1, 1)?;
    Ok(Value::from(is_callable(interp, &args[0])))
}

pub fn is_callable(interp: &Interp, value: &Value) -> bool {
    match value {
        Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_) | Value::Type(_) => true,
        Value::Instance(_) | Value::Future(_) | Value::Native(_) => {
            interp.lookup_special(value, "__call__").is_some()
        }
        _ => false,
    }
}

fn format(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "format", args, kwargs, 1, 2)?;
    let spec = match args.get(1).map(Value::builtin_value) {
        None => "",
        Some(Value::Str(spec)) => spec.as_str(),
        Some(other) => {
            return Err(interp.type_error(format!(
                "format() argument 2 must be str, not {}",
                interp.argument_type_name(other)
            )))
        }
    };
    let formatted = interp.format_value(&args[0], spec)?;
    Ok(same_if_unchanged(&args[0], formatted))
}

/// A str formatted with nothing to pad or cut is the str itself, as
/// CPython's formatter returns it.
pub fn same_if_unchanged(value: &Value, formatted: String) -> Value {
    match value {
        Value::Str(s) if s.as_str() == formatted => value.clone(),
        _ => Value::str(formatted),
    }
}

/// `eval` or `exec` called where the evaluator does not see the call
/// (`map(eval, texts)`): it runs them (`Interp::run_string`), in the
/// calling frame's module.
/// Whether a builtin's entry point is `eval`'s or `exec`'s, which the
/// evaluator runs itself when it sees the call.
pub fn runs_string(function: NativeFn) -> bool {
    std::ptr::fn_addr_eq(function, run_string_unseen as NativeFn)
}

fn run_string_unseen(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Err(interp.error(
        ExcType::NotImplementedError,
        "eval() and exec() are supported by pyl only when called directly (eval(text))",
    ))
}

/// The builtins pyl does not have: the name is there (`callable(eval)`
/// is true, as in CPython), and a call says that pyl does not support it.
mod unsupported {
    super::super::not_supported!(BUILTINS, "": compile, breakpoint, complex);
}

/// `__import__(name, globals=None, locals=None, fromlist=(), level=0)`:
/// the module; for a submodule (`collections.abc`) its package, unless
/// `fromlist` names something to take from it.
fn import(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let names = ["name", "globals", "locals", "fromlist", "level"];
    let [name, globals, _, fromlist, level] =
        bind(interp, "__import__", args, kwargs, names, 0, 1)?;
    let Some(Value::Str(name)) = name.map(Value::builtin_value) else {
        return Err(interp.type_error("module name must be a string"));
    };
    let name = name.as_str().to_string();
    let level = match level {
        Some(level) => interp.to_index(level)?,
        None => 0,
    };
    if level < 0 {
        return Err(interp.value_error("level must be >= 0"));
    }
    if level != 0 {
        // A relative import needs the importer's package, which pyl's
        // modules never have.
        let has_name = match globals {
            Some(Value::Dict(globals)) => globals.borrow().get_name("__name__").is_some(),
            _ => false,
        };
        return Err(if has_name {
            interp.error(
                ExcType::ImportError,
                "attempted relative import with no known parent package",
            )
        } else {
            interp.error(ExcType::KeyError, "'__name__' not in globals")
        });
    }
    if name.is_empty() {
        return Err(interp.value_error("Empty module name"));
    }
    let module = interp.import_module(&name)?;
    let takes_from = match fromlist {
        Some(fromlist) => interp.truthy(fromlist)?,
        None => false,
    };
    match name.split_once('.') {
        Some((package, _)) if !takes_from => interp.import_module(package),
        _ => Ok(module),
    }
}

/// `vars()` or `dir()` without an argument reached other than by a
/// direct call (`f = dir; f()`): they read the calling frame, which only
/// the evaluator sees, and it answers direct calls itself.
fn frame_unseen(interp: &Interp, name: &str) -> PyErr {
    interp.error(
        ExcType::NotImplementedError,
        format!("{name}() without arguments is supported by pyl only when called directly"),
    )
}

fn vars(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "vars", args, kwargs, 0, 1)?;
    let Some(value) = args.first() else {
        return Err(frame_unseen(interp, "vars"));
    };
    if let Value::Module(module) = value {
        interp.complete_module(module)?;
    }
    let names = match value {
        Value::Instance(instance) if instance.class.instances_have_dict() => {
            interp.check_instance_dict(instance, value)?;
            return Ok(Value::Dict(instance.dict()));
        }
        Value::Module(module) => module.namespace.borrow(),
        Value::Type(class) => {
            let proxy = crate::runtime::mapping_proxy::MappingProxy::Class(class.clone());
            return Ok(Value::native(Rc::new(proxy)));
        }
        _ => return Err(interp.type_error("vars() argument must have __dict__ attribute")),
    };
    // A copy: writes to it do not reach the module.
    let pairs: Vec<(Value, Value)> = names
        .iter()
        .map(|(name, value)| (Value::str(&**name), value.clone()))
        .collect();
    drop(names);
    Ok(Value::dict(interp.dict_from_pairs(pairs)?))
}

fn dir(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "dir", args, kwargs, 0, 1)?;
    if let Some(Value::Module(module)) = args.first() {
        interp.complete_module(module)?;
    }
    let names: Vec<Value> = match args.first() {
        None => return Err(frame_unseen(interp, "dir")),
        Some(value) => match interp.lookup_special(value, "__dir__") {
            Some(method) => {
                let names = interp.call_bound(&method, value, &[], &[])?;
                interp.collect(&names)?
            }
            None => attribute_names(interp, value),
        },
    };
    let mut names = names;
    sort_values(interp, &mut names, None, false)?;
    Ok(Value::list(names))
}

/// The names `dir(value)` lists: its own attributes and those of its
/// class (or, for a class, of its MRO).
pub fn attribute_names(interp: &Interp, value: &Value) -> Vec<Value> {
    let mut names: Vec<Name> = match value {
        Value::Instance(instance) => (instance.own_keys().iter())
            .filter_map(|key| Some(key.as_str()?.into()))
            .collect(),
        _ => Vec::new(),
    };
    let mut add = |namespace: &crate::runtime::object::NameMap| {
        names.extend(namespace.keys().cloned());
    };
    match value {
        Value::Module(module) => add(&module.namespace.borrow()),
        Value::Type(class) => class.mro().for_each(|c| add(&c.namespace.borrow())),
        _ => {
            interp
                .class_of(value)
                .mro()
                .for_each(|c| add(&c.namespace.borrow()));
            let builtin = value.builtin_value();
            names.extend(
                Interp::builtin_data_attribute_names(builtin)
                    .iter()
                    .map(|&n| n.into()),
            );
        }
    }
    names.sort();
    names.dedup();
    names.into_iter().map(|name| Value::str(&*name)).collect()
}

fn enumerate_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let rest = args.get(1..).unwrap_or_default();
    let [iterable, start] = bind(
        interp,
        "enumerate",
        rest,
        kwargs,
        ["iterable", "start"],
        0,
        0,
    )?;
    let Some(iterable) = iterable else {
        return Err(interp.type_error("enumerate() missing required argument 'iterable'"));
    };
    let start = match start {
        None => Value::Int(0),
        Some(Value::Int(i)) => Value::Int(*i),
        Some(start) => Value::from_bigint(index_arg(interp, start)?),
    };
    let iterator = interp.get_iter(iterable)?;
    Ok(iterators::enumerate(iterator, start))
}

fn zip_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let mut strict = false;
    for (key, value) in kwargs {
        if &**key != "strict" {
            return Err(
                interp.type_error(format!("'{key}' is an invalid keyword argument for zip()"))
            );
        }
        strict = interp.truthy(value)?;
    }
    let iterators = args
        .get(1..)
        .unwrap_or_default()
        .iter()
        .map(|iterable| interp.get_iter(iterable))
        .collect::<PyResult<Vec<Value>>>()?;
    Ok(iterators::zip(iterators, strict))
}

fn map_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("map() takes no keyword arguments"));
    }
    let [function, iterables @ ..] = args.get(1..).unwrap_or_default() else {
        return Err(interp.type_error("map() must have at least two arguments."));
    };
    if iterables.is_empty() {
        return Err(interp.type_error("map() must have at least two arguments."));
    }
    let iterators = iterables
        .iter()
        .map(|iterable| interp.get_iter(iterable))
        .collect::<PyResult<Vec<Value>>>()?;
    Ok(iterators::map(function.clone(), iterators))
}

fn filter_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let rest = args.get(1..).unwrap_or_default();
    check_count(interp, "filter", rest, kwargs, 2, 2)?;
    // `filter(bool, …)` is `filter(None, …)` in CPython too.
    let function = match &rest[0] {
        Value::None => None,
        Value::Type(class) if Rc::ptr_eq(class, &interp.types.bool_) => None,
        function => Some(function.clone()),
    };
    let iterator = interp.get_iter(&rest[1])?;
    Ok(iterators::filter(function, iterator))
}

fn reversed_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let rest = args.get(1..).unwrap_or_default();
    if !kwargs.is_empty() {
        return Err(interp.type_error("reversed() takes no keyword arguments"));
    }
    let [sequence] = rest else {
        return Err(interp.type_error(format!("reversed expected 1 argument, got {}", rest.len())));
    };
    let not_reversible = |interp: &Interp| {
        interp.type_error(format!(
            "'{}' object is not reversible",
            interp.type_name(sequence)
        ))
    };
    match sequence {
        Value::List(list) => return Ok(iterators::list_reverse_iter(list.clone())),
        Value::Range(range) => return Ok(iterators::range_reverse_iter(range)),
        Value::Dict(dict) => {
            return Ok(iterators::dict_reverse_iter(
                dict.clone(),
                iterators::Part::Keys,
            ))
        }
        Value::Tuple(items) => {
            return Ok(iterators::sequence_reverse_iter(
                sequence.clone(),
                items.len(),
            ))
        }
        Value::Str(text) => {
            return Ok(iterators::sequence_reverse_iter(
                sequence.clone(),
                text.char_count(),
            ))
        }
        Value::Bytes(data) => {
            return Ok(iterators::sequence_reverse_iter(
                sequence.clone(),
                data.len(),
            ))
        }
        Value::Set(_) | Value::FrozenSet(_) => return Err(not_reversible(interp)),
        _ => {}
    }
    match interp.lookup_special(sequence, "__reversed__") {
        Some(Value::None) => Err(not_reversible(interp)),
        Some(method) => interp.call_bound(&method, sequence, &[], &[]),
        None if interp.lookup_special(sequence, "__getitem__").is_some() => {
            let len = interp.len(sequence)?;
            Ok(iterators::sequence_reverse_iter(sequence.clone(), len))
        }
        None => Err(not_reversible(interp)),
    }
}
