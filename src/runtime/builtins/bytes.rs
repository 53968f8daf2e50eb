//! `bytes`: the constructor and the methods, indexing and `in`, `repr`,
//! and the codec arguments that `bytes.decode`, `str.encode`, `bytes()`
//! and `str()` share.
//!
//! Bytes are immutable `Rc<Vec<u8>>`; every position is a byte offset. The
//! character classes (`isspace`, `upper`, `split()`'s whitespace) are
//! ASCII's, as in CPython.

use std::rc::Rc;

use super::sequences::{
    check_args, item_index, receiver_error, slice_positions, ssize_arg, SliceBounds,
};
use super::str::{bind, check_range_args, search_bounds};
use super::{add_function, add_method, function};
use crate::runtime::attributes::MethodWrapper;
use crate::runtime::codecs::{self, Codec};
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::NativeFn;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

type Kwargs = [(Name, Value)];

const METHODS: &[(&str, NativeFn)] = &[
    ("__new__", bytes_new),
    ("decode", bytes_decode),
    ("upper", bytes_upper),
    ("lower", bytes_lower),
    ("isdigit", bytes_isdigit),
    ("isalpha", bytes_isalpha),
    ("isalnum", bytes_isalnum),
    ("isspace", bytes_isspace),
    ("isupper", bytes_isupper),
    ("islower", bytes_islower),
    ("isascii", bytes_isascii),
    ("find", bytes_find),
    ("rfind", bytes_rfind),
    ("index", bytes_index),
    ("rindex", bytes_rindex),
    ("count", bytes_count),
    ("startswith", bytes_startswith),
    ("endswith", bytes_endswith),
    ("split", bytes_split),
    ("rsplit", bytes_rsplit),
    ("splitlines", bytes_splitlines),
    ("partition", bytes_partition),
    ("rpartition", bytes_rpartition),
    ("strip", bytes_strip),
    ("lstrip", bytes_lstrip),
    ("rstrip", bytes_rstrip),
    ("replace", bytes_replace),
    ("join", bytes_join),
    ("removeprefix", bytes_removeprefix),
    ("removesuffix", bytes_removesuffix),
    ("hex", bytes_hex),
];

pub fn install(interp: &mut Interp) {
    let class = interp.types.bytes.clone();
    for &(name, func) in METHODS {
        add_method(&class, name, func);
    }
    let fromhex = MethodWrapper {
        function: function("fromhex", bytes_fromhex),
        is_classmethod: true,
    };
    class
        .namespace
        .borrow_mut()
        .insert("fromhex".into(), Value::native(Rc::new(fromhex)));
    let namespace = &interp.builtins.namespace;
    add_function(namespace, "bytearray", bytearray_unsupported);
    add_function(namespace, "memoryview", memoryview_unsupported);
}

fn bytearray_unsupported(interp: &mut Interp, _: &[Value], _: &Kwargs) -> PyResult<Value> {
    Err(interp.error(
        ExcType::NotImplementedError,
        "bytearray is not supported by pyl",
    ))
}

fn memoryview_unsupported(interp: &mut Interp, _: &[Value], _: &Kwargs) -> PyResult<Value> {
    Err(interp.error(
        ExcType::NotImplementedError,
        "memoryview is not supported by pyl",
    ))
}

// ----- receivers and arguments -----------------------------------------

fn receiver<'a>(interp: &Interp, args: &'a [Value], method: &str) -> PyResult<&'a Rc<Vec<u8>>> {
    match args.first().map(Value::builtin_value) {
        Some(Value::Bytes(data)) => Ok(data),
        _ => Err(receiver_error(interp, "bytes", method, args)),
    }
}

fn new_bytes(data: impl Into<Vec<u8>>) -> PyResult<Value> {
    Ok(Value::bytes(data))
}

/// A bytes argument (`a bytes-like object is required, not 'str'`).
fn bytes_arg<'a>(interp: &Interp, value: &'a Value) -> PyResult<&'a [u8]> {
    match value {
        Value::Bytes(data) => Ok(data),
        other => Err(interp.type_error(format!(
            "a bytes-like object is required, not '{}'",
            interp.type_name(other)
        ))),
    }
}

/// An int that must be a byte value (`x in b`, `b.find(x)`).
fn byte_value(interp: &mut Interp, value: &Value) -> PyResult<u8> {
    let n = match value {
        Value::BigInt(_) => None,
        other => u8::try_from(interp.to_index(other)?).ok(),
    };
    n.ok_or_else(|| interp.value_error("byte must be in range(0, 256)"))
}

/// The needle of `find`, `count`, …: bytes, or an int for one byte.
fn needle_arg(interp: &mut Interp, value: &Value) -> PyResult<Vec<u8>> {
    match value {
        Value::Bytes(data) => Ok(data.to_vec()),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => Ok(vec![byte_value(interp, value)?]),
        Value::Instance(_) if interp.class_of(value).lookup("__index__").is_some() => {
            Ok(vec![byte_value(interp, value)?])
        }
        other => Err(interp.type_error(format!(
            "argument should be integer or bytes-like object, not '{}'",
            interp.type_name(other)
        ))),
    }
}

/// The `encoding` and `errors` arguments of a codec call (`decode`,
/// `encode`, `bytes()`, `str()`), their types checked first as CPython's
/// argument clinic does, then the codec looked up.
pub(super) fn codec_args(
    interp: &Interp,
    function: &str,
    encoding: Option<&Value>,
    errors: Option<&Value>,
) -> PyResult<(Codec, String)> {
    let text =
        |name: &str, value: Option<&Value>, default: &str| match value.map(Value::builtin_value) {
            None => Ok(default.to_string()),
            Some(Value::Str(text)) => Ok(text.as_str().to_string()),
            Some(other) => Err(interp.type_error(format!(
                "{function}() argument '{name}' must be str, not {}",
                interp.argument_type_name(other)
            ))),
        };
    let encoding = text("encoding", encoding, "utf-8")?;
    let errors = text("errors", errors, "strict")?;
    Ok((Codec::find(interp, &encoding)?, errors))
}

// ----- the constructor -------------------------------------------------

/// `bytes(source=b'', encoding=None, errors=None)`: from a str and an
/// encoding, a count of zero bytes, another bytes, `__bytes__`, or an
/// iterable of ints.
fn bytes_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let builtin = interp.types.bytes.clone();
    let subclass = super::subclasses::subtype_to_make(interp, &builtin, args)?;
    let value = bytes_value(interp, &args[1..], kwargs)?;
    Ok(super::subclasses::made(subclass, value))
}

/// `bytes(…)`'s value (the arguments after the class).
fn bytes_value(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let bound = bind(
        interp,
        "bytes",
        args,
        kwargs,
        &["source", "encoding", "errors"],
        0,
    )?;
    let (source, encoding, errors) = (bound[0], bound[1], bound[2]);
    if let Some(Value::Str(text)) = source {
        if encoding.is_none() {
            return Err(interp.type_error("string argument without an encoding"));
        }
        let (codec, errors) = codec_args(interp, "bytes", encoding, errors)?;
        return new_bytes(codecs::encode(interp, text.as_str(), codec, &errors)?);
    }
    if encoding.is_some() {
        return Err(interp.type_error("encoding without a string argument"));
    }
    if errors.is_some() {
        return Err(interp.type_error("errors without a string argument"));
    }
    let Some(source) = source else {
        return new_bytes(Vec::new());
    };
    match source {
        Value::Bytes(data) => return Ok(Value::Bytes(data.clone())),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => return zero_bytes(interp, source),
        Value::Instance(_) | Value::Future(_) | Value::Native(_) => {
            if let Some(method) = interp.lookup_special(source, "__bytes__") {
                let result = interp.call_bound(&method, source, &[], &[])?;
                return match result {
                    Value::Bytes(_) => Ok(result),
                    other => Err(interp.type_error(format!(
                        "__bytes__ returned non-bytes (type {})",
                        interp.type_name(&other)
                    ))),
                };
            }
            if interp.class_of(source).lookup("__index__").is_some() {
                return zero_bytes(interp, source);
            }
        }
        _ => {}
    }
    let iterator = match interp.get_iter(source) {
        Ok(iterator) => iterator,
        Err(error) if interp.is_instance_of(&error, ExcType::TypeError) => {
            return Err(interp.type_error(format!(
                "cannot convert '{}' object to bytes",
                interp.type_name(source)
            )))
        }
        Err(error) => return Err(error),
    };
    let mut data = Vec::new();
    while let Some(item) = interp.next(&iterator)? {
        let byte = match item {
            Value::BigInt(_) => None,
            other => u8::try_from(interp.to_index(&other)?).ok(),
        };
        data.push(byte.ok_or_else(|| interp.value_error("bytes must be in range(0, 256)"))?);
    }
    new_bytes(data)
}

/// `bytes(n)`: `n` zero bytes.
fn zero_bytes(interp: &mut Interp, count: &Value) -> PyResult<Value> {
    if let Value::BigInt(_) = count {
        return Err(interp.error(
            ExcType::OverflowError,
            "cannot fit 'int' into an index-sized integer",
        ));
    }
    let count = usize::try_from(interp.to_index(count)?)
        .map_err(|_| interp.value_error("negative count"))?;
    let mut data = Vec::new();
    interp.reserve(&mut data, count)?;
    data.resize(count, 0);
    new_bytes(data)
}

/// `bytes.fromhex(string)`, a class method: pairs of hex digits, with
/// ASCII whitespace allowed between pairs.
fn bytes_fromhex(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_args(interp, "bytes", "fromhex", args, kwargs, 1, 1)?;
    let Value::Str(text) = args[1].builtin_value() else {
        return Err(interp.type_error(format!(
            "fromhex() argument must be str, not {}",
            interp.argument_type_name(&args[1])
        )));
    };
    let chars: Vec<char> = text.as_str().chars().collect();
    let digit = |i: usize| chars.get(i).and_then(|c| c.to_digit(16));
    let mut data = Vec::with_capacity(chars.len() / 2);
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii() && is_space(chars[i] as u8) {
            i += 1;
            continue;
        }
        let bad = |at: usize| {
            interp.value_error(format!(
                "non-hexadecimal number found in fromhex() arg at position {at}"
            ))
        };
        let high = digit(i).ok_or_else(|| bad(i))?;
        let low = digit(i + 1).ok_or_else(|| bad(i + 1))?;
        data.push((high * 16 + low) as u8);
        i += 2;
    }
    // A subclass makes its own from the bytes, as CPython's `cls(data)`.
    match &args[0] {
        class @ Value::Type(made) if !Rc::ptr_eq(made, &interp.types.bytes) => {
            interp.call(class, &[Value::bytes(data)], &[])
        }
        _ => new_bytes(data),
    }
}

// ----- decoding --------------------------------------------------------

fn bytes_decode(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "decode")?.clone();
    let bound = bind(
        interp,
        "decode",
        &args[1..],
        kwargs,
        &["encoding", "errors"],
        0,
    )?;
    let (codec, errors) = codec_args(interp, "decode", bound[0], bound[1])?;
    Ok(Value::str(codecs::decode(interp, &data, codec, &errors)?))
}

// ----- case and predicates ---------------------------------------------

/// Whitespace as `bytes.isspace` and `bytes.split()` see it (`Py_ISSPACE`).
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn no_arg_method(
    interp: &Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Rc<Vec<u8>>> {
    let data = receiver(interp, args, method)?.clone();
    check_args(interp, "bytes", method, args, kwargs, 0, 0)?;
    Ok(data)
}

fn bytes_upper(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = no_arg_method(interp, "upper", args, kwargs)?;
    new_bytes(data.to_ascii_uppercase())
}

fn bytes_lower(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = no_arg_method(interp, "lower", args, kwargs)?;
    new_bytes(data.to_ascii_lowercase())
}

/// A predicate over every byte, false for empty bytes.
fn all_bytes(
    interp: &Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
    test: fn(u8) -> bool,
) -> PyResult<Value> {
    let data = no_arg_method(interp, method, args, kwargs)?;
    Ok(Value::from(
        !data.is_empty() && data.iter().all(|&b| test(b)),
    ))
}

fn bytes_isdigit(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    all_bytes(interp, "isdigit", args, kwargs, |b| b.is_ascii_digit())
}

fn bytes_isalpha(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    all_bytes(interp, "isalpha", args, kwargs, |b| b.is_ascii_alphabetic())
}

fn bytes_isalnum(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    all_bytes(interp, "isalnum", args, kwargs, |b| {
        b.is_ascii_alphanumeric()
    })
}

fn bytes_isspace(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    all_bytes(interp, "isspace", args, kwargs, is_space)
}

/// `isupper`/`islower`: some cased byte, and none of the other case.
fn cased(data: &[u8], upper: bool) -> bool {
    let wrong_case = |b: &u8| {
        if upper {
            b.is_ascii_lowercase()
        } else {
            b.is_ascii_uppercase()
        }
    };
    data.iter().any(u8::is_ascii_alphabetic) && !data.iter().any(wrong_case)
}

fn bytes_isupper(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = no_arg_method(interp, "isupper", args, kwargs)?;
    Ok(Value::from(cased(&data, true)))
}

fn bytes_islower(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = no_arg_method(interp, "islower", args, kwargs)?;
    Ok(Value::from(cased(&data, false)))
}

fn bytes_isascii(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = no_arg_method(interp, "isascii", args, kwargs)?;
    Ok(Value::from(data.is_ascii()))
}

// ----- searching -------------------------------------------------------

/// The first (or last) position of `needle` in `hay`.
fn find_sub(hay: &[u8], needle: &[u8], from_right: bool) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    if needle.is_empty() {
        return Some(if from_right { hay.len() } else { 0 });
    }
    let mut windows = hay.windows(needle.len());
    if from_right {
        windows.rposition(|w| w == needle)
    } else {
        windows.position(|w| w == needle)
    }
}

/// What `find`-like methods search: the receiver, the needle, and the
/// window `start..end` (`start` may exceed `end`: then nothing is found).
struct Search {
    data: Rc<Vec<u8>>,
    needle: Vec<u8>,
    start: i64,
    end: i64,
}

impl Search {
    fn parse(
        interp: &mut Interp,
        method: &str,
        args: &[Value],
        kwargs: &Kwargs,
    ) -> PyResult<Search> {
        let data = receiver(interp, args, method)?.clone();
        check_range_args(interp, "bytes", method, args, kwargs)?;
        let needle = needle_arg(interp, &args[1])?;
        let (start, end) = search_bounds(interp, data.len() as i64, args)?;
        Ok(Search {
            data,
            needle,
            start,
            end,
        })
    }

    /// The window, unless it is too short to hold the needle.
    fn haystack(&self) -> Option<&[u8]> {
        (self.end - self.start >= self.needle.len() as i64)
            .then(|| window(&self.data, self.start, self.end))
    }
}

/// The bytes between the adjusted bounds `start` and `end`.
fn window(data: &[u8], start: i64, end: i64) -> &[u8] {
    let len = data.len() as i64;
    let (start, end) = (start.clamp(0, len) as usize, end.clamp(0, len) as usize);
    data.get(start..end.max(start)).unwrap_or(&[])
}

fn find_method(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
    from_right: bool,
) -> PyResult<i64> {
    let search = Search::parse(interp, method, args, kwargs)?;
    let found = search
        .haystack()
        .and_then(|hay| find_sub(hay, &search.needle, from_right));
    Ok(found.map_or(-1, |i| search.start + i as i64))
}

fn bytes_find(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    find_method(interp, "find", args, kwargs, false).map(Value::Int)
}

fn bytes_rfind(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    find_method(interp, "rfind", args, kwargs, true).map(Value::Int)
}

fn found_or_error(interp: &Interp, position: i64) -> PyResult<Value> {
    if position < 0 {
        Err(interp.value_error("subsection not found"))
    } else {
        Ok(Value::Int(position))
    }
}

fn bytes_index(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let position = find_method(interp, "index", args, kwargs, false)?;
    found_or_error(interp, position)
}

fn bytes_rindex(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let position = find_method(interp, "rindex", args, kwargs, true)?;
    found_or_error(interp, position)
}

/// Non-overlapping occurrences of `needle` in `hay` (`needle` not empty).
fn count_sub(hay: &[u8], needle: &[u8]) -> usize {
    let mut count = 0;
    let mut rest = hay;
    while let Some(at) = find_sub(rest, needle, false) {
        count += 1;
        rest = &rest[at + needle.len()..];
    }
    count
}

fn bytes_count(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let search = Search::parse(interp, "count", args, kwargs)?;
    Ok(match search.haystack() {
        None => Value::Int(0),
        Some(_) if search.needle.is_empty() => Value::Int(search.end - search.start + 1),
        Some(hay) => Value::from(count_sub(hay, &search.needle)),
    })
}

/// `startswith`/`endswith`: whether `data[start:end]` begins (ends) with
/// `affix`, following CPython's `tailmatch`.
fn tail_match(data: &[u8], affix: &[u8], start: i64, end: i64, at_end: bool) -> bool {
    let last = end - affix.len() as i64;
    if last < start {
        return false;
    }
    let at = if at_end { last } else { start };
    window(data, at, at + affix.len() as i64) == affix
}

fn affix_method(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
    at_end: bool,
) -> PyResult<Value> {
    let data = receiver(interp, args, method)?.clone();
    check_range_args(interp, "bytes", method, args, kwargs)?;
    let (start, end) = search_bounds(interp, data.len() as i64, args)?;
    match &args[1] {
        Value::Bytes(affix) => Ok(Value::from(tail_match(&data, affix, start, end, at_end))),
        Value::Tuple(affixes) => {
            for affix in affixes.iter() {
                let affix = bytes_arg(interp, affix)?;
                if tail_match(&data, affix, start, end, at_end) {
                    return Ok(Value::from(true));
                }
            }
            Ok(Value::from(false))
        }
        other => Err(interp.type_error(format!(
            "{method} first arg must be bytes or a tuple of bytes, not {}",
            interp.type_name(other)
        ))),
    }
}

fn bytes_startswith(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    affix_method(interp, "startswith", args, kwargs, false)
}

fn bytes_endswith(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    affix_method(interp, "endswith", args, kwargs, true)
}

// ----- splitting -------------------------------------------------------

fn bytes_list<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Value {
    Value::list(parts.into_iter().map(Value::bytes).collect())
}

/// The receiver, separator (`None` for whitespace) and limit (`None` for
/// none) of `split`/`rsplit`.
type SplitArgs = (Rc<Vec<u8>>, Option<Rc<Vec<u8>>>, Option<usize>);

fn split_args(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<SplitArgs> {
    let data = receiver(interp, args, method)?.clone();
    let bound = bind(interp, method, &args[1..], kwargs, &["sep", "maxsplit"], 0)?;
    let sep = match bound[0] {
        None | Some(Value::None) => None,
        Some(sep) => Some(Rc::new(bytes_arg(interp, sep)?.to_vec())),
    };
    let maxsplit = match bound[1] {
        None => None,
        Some(v) => usize::try_from(ssize_arg(interp, v)?).ok(),
    };
    if sep.as_ref().is_some_and(|sep| sep.is_empty()) {
        return Err(interp.value_error("empty separator"));
    }
    Ok((data, sep, maxsplit))
}

/// `split()` with no separator: runs of whitespace separate, and leading
/// whitespace never makes an empty first field.
fn split_whitespace(data: &[u8], maxsplit: Option<usize>) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = trim(data, Strip::Left, is_space);
    while !rest.is_empty() {
        if maxsplit.is_some_and(|max| parts.len() >= max) {
            parts.push(rest);
            break;
        }
        match rest.iter().position(|&b| is_space(b)) {
            Some(end) => {
                parts.push(&rest[..end]);
                rest = trim(&rest[end..], Strip::Left, is_space);
            }
            None => {
                parts.push(rest);
                break;
            }
        }
    }
    parts
}

fn rsplit_whitespace(data: &[u8], maxsplit: Option<usize>) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = trim(data, Strip::Right, is_space);
    while !rest.is_empty() {
        if maxsplit.is_some_and(|max| parts.len() >= max) {
            parts.push(rest);
            break;
        }
        match rest.iter().rposition(|&b| is_space(b)) {
            Some(start) => {
                parts.push(&rest[start + 1..]);
                rest = trim(&rest[..start], Strip::Right, is_space);
            }
            None => {
                parts.push(rest);
                break;
            }
        }
    }
    parts.reverse();
    parts
}

/// `data.split(sep, maxsplit)` with a separator, from the left or right.
fn split_on<'a>(
    data: &'a [u8],
    sep: &[u8],
    maxsplit: Option<usize>,
    from_right: bool,
) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while maxsplit.is_none_or(|max| parts.len() < max) {
        let Some(at) = find_sub(rest, sep, from_right) else {
            break;
        };
        if from_right {
            parts.push(&rest[at + sep.len()..]);
            rest = &rest[..at];
        } else {
            parts.push(&rest[..at]);
            rest = &rest[at + sep.len()..];
        }
    }
    parts.push(rest);
    if from_right {
        parts.reverse();
    }
    parts
}

fn bytes_split(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let (data, sep, maxsplit) = split_args(interp, "split", args, kwargs)?;
    Ok(match sep {
        None => bytes_list(split_whitespace(&data, maxsplit)),
        Some(sep) => bytes_list(split_on(&data, &sep, maxsplit, false)),
    })
}

fn bytes_rsplit(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let (data, sep, maxsplit) = split_args(interp, "rsplit", args, kwargs)?;
    Ok(match sep {
        None => bytes_list(rsplit_whitespace(&data, maxsplit)),
        Some(sep) => bytes_list(split_on(&data, &sep, maxsplit, true)),
    })
}

/// `splitlines(keepends=False)`: lines end at `\n`, `\r` or `\r\n`.
fn bytes_splitlines(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "splitlines")?.clone();
    let bound = bind(interp, "splitlines", &args[1..], kwargs, &["keepends"], 0)?;
    let keepends = match bound[0] {
        Some(v) => ssize_arg(interp, v)? != 0,
        None => false,
    };
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < data.len() {
        let line_end = i;
        match data[i] {
            b'\r' if data.get(i + 1) == Some(&b'\n') => i += 2,
            b'\r' | b'\n' => i += 1,
            _ => {
                i += 1;
                continue;
            }
        }
        lines.push(&data[start..if keepends { i } else { line_end }]);
        start = i;
    }
    if start < data.len() {
        lines.push(&data[start..]);
    }
    Ok(bytes_list(lines))
}

fn partition_method(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
    from_right: bool,
) -> PyResult<Value> {
    let data = receiver(interp, args, method)?.clone();
    check_args(interp, "bytes", method, args, kwargs, 1, 1)?;
    let sep = bytes_arg(interp, &args[1])?;
    if sep.is_empty() {
        return Err(interp.value_error("empty separator"));
    }
    let empty: &[u8] = &[];
    let parts = match find_sub(&data, sep, from_right) {
        Some(at) => [&data[..at], sep, &data[at + sep.len()..]],
        None if from_right => [empty, empty, &data[..]],
        None => [&data[..], empty, empty],
    };
    Ok(Value::tuple(
        parts.iter().map(|&p| Value::bytes(p)).collect(),
    ))
}

fn bytes_partition(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    partition_method(interp, "partition", args, kwargs, false)
}

fn bytes_rpartition(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    partition_method(interp, "rpartition", args, kwargs, true)
}

// ----- building new bytes ----------------------------------------------

#[derive(Clone, Copy)]
enum Strip {
    Left,
    Right,
    Both,
}

fn strip_method(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
    side: Strip,
) -> PyResult<Value> {
    let data = receiver(interp, args, method)?.clone();
    check_args(interp, "bytes", method, args, kwargs, 0, 1)?;
    let strip_set: Option<&[u8]> = match args.get(1) {
        None | Some(Value::None) => None,
        Some(chars) => Some(bytes_arg(interp, chars)?),
    };
    let stripped = trim(&data, side, |b| match strip_set {
        None => is_space(b),
        Some(set) => set.contains(&b),
    });
    if stripped.len() == data.len() {
        return Ok(Value::Bytes(data));
    }
    new_bytes(stripped)
}

/// `data` without the bytes that `strip` matches on `side`.
fn trim(data: &[u8], side: Strip, strip: impl Fn(u8) -> bool) -> &[u8] {
    let start = match side {
        Strip::Right => 0,
        _ => data.iter().position(|&b| !strip(b)).unwrap_or(data.len()),
    };
    let end = match side {
        Strip::Left => data.len(),
        _ => data.iter().rposition(|&b| !strip(b)).map_or(0, |i| i + 1),
    };
    &data[start..end.max(start)]
}

fn bytes_strip(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    strip_method(interp, "strip", args, kwargs, Strip::Both)
}

fn bytes_lstrip(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    strip_method(interp, "lstrip", args, kwargs, Strip::Left)
}

fn bytes_rstrip(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    strip_method(interp, "rstrip", args, kwargs, Strip::Right)
}

/// `replace(old, new, count=-1)`; an empty `old` matches before every
/// byte and at the end, as in CPython.
fn bytes_replace(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "replace")?.clone();
    check_args(interp, "bytes", "replace", args, kwargs, 2, 3)?;
    let old = bytes_arg(interp, &args[1])?;
    let new = bytes_arg(interp, &args[2])?;
    let count = match args.get(3) {
        Some(v) => usize::try_from(ssize_arg(interp, v)?).unwrap_or(usize::MAX),
        None => usize::MAX,
    };
    let mut out = Vec::with_capacity(data.len());
    let mut rest = &data[..];
    let mut replaced = 0;
    if old.is_empty() {
        let insertions = count.min(data.len() + 1);
        interp.check_allocation(data.len() + new.len().saturating_mul(insertions), 1)?;
        for (i, &byte) in data.iter().enumerate() {
            if i < insertions {
                out.extend_from_slice(new);
            }
            out.push(byte);
        }
        if insertions > data.len() {
            out.extend_from_slice(new);
        }
        return new_bytes(out);
    }
    while replaced < count {
        let Some(at) = find_sub(rest, old, false) else {
            break;
        };
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(new);
        rest = &rest[at + old.len()..];
        replaced += 1;
    }
    out.extend_from_slice(rest);
    new_bytes(out)
}

fn bytes_join(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let sep = receiver(interp, args, "join")?.clone();
    check_args(interp, "bytes", "join", args, kwargs, 1, 1)?;
    let items = super::str::join_items(interp, &args[1])?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Bytes(data) = item else {
            return Err(interp.type_error(format!(
                "sequence item {i}: expected a bytes-like object, {} found",
                interp.type_name(item)
            )));
        };
        if i > 0 {
            out.extend_from_slice(&sep);
        }
        out.extend_from_slice(data);
    }
    new_bytes(out)
}

fn bytes_removeprefix(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "removeprefix")?.clone();
    check_args(interp, "bytes", "removeprefix", args, kwargs, 1, 1)?;
    let prefix = bytes_arg(interp, &args[1])?;
    match data.strip_prefix(prefix) {
        Some(rest) if !prefix.is_empty() => new_bytes(rest),
        _ => Ok(Value::Bytes(data)),
    }
}

fn bytes_removesuffix(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "removesuffix")?.clone();
    check_args(interp, "bytes", "removesuffix", args, kwargs, 1, 1)?;
    let suffix = bytes_arg(interp, &args[1])?;
    match data.strip_suffix(suffix) {
        Some(rest) if !suffix.is_empty() => new_bytes(rest),
        _ => Ok(Value::Bytes(data)),
    }
}

/// `hex(sep=None, bytes_per_sep=1)`: two hex digits a byte, with `sep`
/// between groups of `bytes_per_sep` bytes counted from the right (from
/// the left when it is negative).
fn bytes_hex(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver(interp, args, "hex")?.clone();
    let bound = bind(
        interp,
        "hex",
        &args[1..],
        kwargs,
        &["sep", "bytes_per_sep"],
        0,
    )?;
    let sep = match bound[0] {
        None | Some(Value::None) => None,
        Some(Value::Str(sep)) => Some(sep.as_str().chars().collect::<Vec<_>>()),
        Some(Value::Bytes(sep)) => Some(sep.iter().map(|&b| char::from(b)).collect()),
        Some(other) => {
            return Err(interp.type_error(format!(
                "object of type '{}' has no len()",
                interp.type_name(other)
            )))
        }
    };
    let group = match bound[1] {
        Some(v) => ssize_arg(interp, v)?,
        None => 1,
    };
    let sep = match sep.as_deref() {
        None => None,
        Some(&[c]) if c.is_ascii() => Some(c),
        Some(&[_]) => return Err(interp.value_error("sep must be ASCII.")),
        Some(_) => return Err(interp.value_error("sep must be length 1.")),
    };
    let mut out = String::with_capacity(data.len() * 3);
    let width = group.unsigned_abs() as usize;
    for (i, byte) in data.iter().enumerate() {
        if let Some(sep) = sep.filter(|_| i > 0 && width > 0) {
            let boundary = if group > 0 {
                (data.len() - i).is_multiple_of(width)
            } else {
                i.is_multiple_of(width)
            };
            if boundary {
                out.push(sep);
            }
        }
        out.push_str(&format!("{byte:02x}"));
    }
    Ok(Value::str(out))
}

// ----- indexing, `in`, repr --------------------------------------------

/// `data[index]`: an int, or bytes for a slice with any step.
pub fn bytes_get_item(interp: &mut Interp, data: &Rc<Vec<u8>>, index: &Value) -> PyResult<Value> {
    let len = data.len() as i64;
    if let Value::Slice(slice) = index {
        let (start, stop, step) = SliceBounds::unpack(interp, slice)?.adjust(len);
        if step == 1 {
            if start == 0 && stop >= len {
                return Ok(Value::Bytes(data.clone()));
            }
            return new_bytes(window(data, start, stop));
        }
        let picked: Vec<u8> = slice_positions(start, stop, step)
            .filter_map(|i| data.get(i as usize).copied())
            .collect();
        return new_bytes(picked);
    }
    let Some(i) = item_index(interp, index)? else {
        return Err(interp.type_error(format!(
            "byte indices must be integers or slices, not {}",
            interp.type_name(index)
        )));
    };
    let i = if i < 0 { i + len } else { i };
    match usize::try_from(i).ok().and_then(|i| data.get(i)) {
        Some(&byte) => Ok(Value::Int(i64::from(byte))),
        None => Err(interp.index_error("index out of range")),
    }
}

/// `item in data`: a byte value, or a subsequence.
pub fn bytes_contains(interp: &mut Interp, data: &[u8], item: &Value) -> PyResult<bool> {
    match item {
        Value::Bytes(needle) => Ok(find_sub(data, needle, false).is_some()),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            Ok(data.contains(&byte_value(interp, item)?))
        }
        Value::Instance(_) if interp.class_of(item).lookup("__index__").is_some() => {
            Ok(data.contains(&byte_value(interp, item)?))
        }
        other => Err(interp.type_error(format!(
            "a bytes-like object is required, not '{}'",
            interp.type_name(other)
        ))),
    }
}

/// `repr(data)` as CPython writes it: `b'…'`, double quotes only when
/// there is a single quote and no double quote; `\t \n \r`, `\\`, the
/// quote escaped, and `\xNN` for bytes outside printable ASCII.
pub fn bytes_repr(data: &[u8]) -> String {
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(data.len() + 3);
    out.push('b');
    out.push(char::from(quote));
    for &byte in data {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if byte == quote => {
                out.push('\\');
                out.push(char::from(byte));
            }
            0x20..=0x7e => out.push(char::from(byte)),
            _ => out.push_str(&format!("\\x{byte:02x}")),
        }
    }
    out.push(char::from(quote));
    out
}
