//! `bytes` and `bytearray`: the methods the two types share, the
//! constructors' common part, indexing and `in`, `repr`, and the codec
//! arguments that `bytes.decode`, `str.encode`, `bytes()` and `str()`
//! share. What only a bytearray does (changing in place) is in
//! `bytearray.rs`.
//!
//! The shared methods are written once: `const BA: bool` says whether
//! the method is bytearray's, which is what its receiver must be, what
//! its messages name and what it makes (CPython's `bytearray.upper()` is
//! a bytearray). A bytearray receiver's contents are copied first, so
//! that no borrow of it is held while arguments are converted (which may
//! run Python code that changes it).
//!
//! Every position is a byte offset. The character classes (`isspace`,
//! `upper`, `split()`'s whitespace) are ASCII's, as in CPython.

use std::rc::Rc;

use super::sequences::{
    c_int_arg, check_args, item_index, receiver_error, slice_positions, ssize_arg, SliceBounds,
};
use super::str::{adjust_search_bounds, bind, check_range_args, read_search_bounds};
use super::{add_function, add_method, function};
use crate::runtime::attributes::MethodWrapper;
use crate::runtime::codecs::{self, Codec};
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, NativeFn};
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

type Kwargs = [(Name, Value)];

/// The methods of `bytes` (`BA` false) or of `bytearray`.
fn shared_methods<const BA: bool>() -> Vec<(&'static str, NativeFn)> {
    vec![
        ("decode", bytes_decode::<BA>),
        ("upper", bytes_upper::<BA>),
        ("lower", bytes_lower::<BA>),
        ("swapcase", bytes_swapcase::<BA>),
        ("capitalize", bytes_capitalize::<BA>),
        ("title", bytes_title::<BA>),
        ("isdigit", bytes_isdigit::<BA>),
        ("isalpha", bytes_isalpha::<BA>),
        ("isalnum", bytes_isalnum::<BA>),
        ("isspace", bytes_isspace::<BA>),
        ("isupper", bytes_isupper::<BA>),
        ("islower", bytes_islower::<BA>),
        ("istitle", bytes_istitle::<BA>),
        ("isascii", bytes_isascii::<BA>),
        ("find", bytes_find::<BA>),
        ("rfind", bytes_rfind::<BA>),
        ("index", bytes_index::<BA>),
        ("rindex", bytes_rindex::<BA>),
        ("count", bytes_count::<BA>),
        ("startswith", bytes_startswith::<BA>),
        ("endswith", bytes_endswith::<BA>),
        ("split", bytes_split::<BA>),
        ("rsplit", bytes_rsplit::<BA>),
        ("splitlines", bytes_splitlines::<BA>),
        ("partition", bytes_partition::<BA>),
        ("rpartition", bytes_rpartition::<BA>),
        ("strip", bytes_strip::<BA>),
        ("lstrip", bytes_lstrip::<BA>),
        ("rstrip", bytes_rstrip::<BA>),
        ("center", bytes_center::<BA>),
        ("ljust", bytes_ljust::<BA>),
        ("rjust", bytes_rjust::<BA>),
        ("zfill", bytes_zfill::<BA>),
        ("expandtabs", bytes_expandtabs::<BA>),
        ("replace", bytes_replace::<BA>),
        ("translate", bytes_translate::<BA>),
        ("join", bytes_join::<BA>),
        ("removeprefix", bytes_removeprefix::<BA>),
        ("removesuffix", bytes_removesuffix::<BA>),
        ("hex", bytes_hex::<BA>),
    ]
}

pub fn install(interp: &mut Interp) {
    add_method(&interp.types.bytes, "__new__", bytes_new);
    add_method(&interp.types.bytes, "__bytes__", bytes_bytes);
    add_method(&interp.types.bytes, "__getnewargs__", bytes_getnewargs);
    install_shared::<false>(&interp.types.bytes);
    install_shared::<true>(&interp.types.bytearray);
    add_function(
        &interp.builtins.namespace,
        "memoryview",
        memoryview_unsupported,
    );
}

fn memoryview_unsupported(interp: &mut Interp, _: &[Value], _: &Kwargs) -> PyResult<Value> {
    Err(interp.error(
        ExcType::NotImplementedError,
        "memoryview is not supported by pyl",
    ))
}

fn install_shared<const BA: bool>(class: &Rc<Class>) {
    for (name, func) in shared_methods::<BA>() {
        add_method(class, name, func);
    }
    let fromhex = MethodWrapper {
        function: function("fromhex", bytes_fromhex::<BA>),
        is_classmethod: true,
    };
    let maketrans = MethodWrapper {
        function: function("maketrans", bytes_maketrans),
        is_classmethod: false,
    };
    let mut namespace = class.namespace.borrow_mut();
    namespace.insert("fromhex".into(), Value::native(Rc::new(fromhex)));
    namespace.insert("maketrans".into(), Value::native(Rc::new(maketrans)));
}

// ----- receivers, results and arguments --------------------------------

/// The type's name, for messages.
pub(super) fn name<const BA: bool>() -> &'static str {
    if BA {
        "bytearray"
    } else {
        "bytes"
    }
}

/// A method's receiver, of the method's type. Its contents are read
/// (`held`) after the arguments are converted, which may run Python code
/// that changes a bytearray, as CPython reads them.
#[derive(Clone, Copy)]
struct Receiver<'a>(&'a Value);

impl Receiver<'_> {
    /// The contents now: a bytes' own, a copy of a bytearray's.
    fn held(self) -> Rc<Vec<u8>> {
        self.0.bytes_like().unwrap_or_default()
    }
}

fn receiver<'a, const BA: bool>(
    interp: &Interp,
    args: &'a [Value],
    method: &str,
) -> PyResult<Receiver<'a>> {
    match args.first().map(Value::builtin_value) {
        Some(value @ Value::Bytes(_)) if !BA => Ok(Receiver(value)),
        Some(value @ Value::ByteArray(_)) if BA => Ok(Receiver(value)),
        _ => Err(receiver_error(interp, name::<BA>(), method, args)),
    }
}

/// A new bytes or bytearray.
pub(super) fn make<const BA: bool>(data: impl Into<Vec<u8>>) -> Value {
    if BA {
        Value::bytearray(data)
    } else {
        Value::bytes(data)
    }
}

fn made<const BA: bool>(data: impl Into<Vec<u8>>) -> PyResult<Value> {
    Ok(make::<BA>(data))
}

/// What a method returns when it changes nothing: a bytes itself (as
/// CPython's do), but always a new bytearray.
fn same<const BA: bool>(data: Rc<Vec<u8>>) -> Value {
    if BA {
        Value::bytearray(Rc::unwrap_or_clone(data))
    } else {
        Value::Bytes(data)
    }
}

/// A bytes-like argument (`a bytes-like object is required, not 'str'`).
pub(super) fn bytes_arg(interp: &Interp, value: &Value) -> PyResult<Rc<Vec<u8>>> {
    value.bytes_like().ok_or_else(|| {
        interp.type_error(format!(
            "a bytes-like object is required, not '{}'",
            interp.type_name(value)
        ))
    })
}

/// An int that must be a byte value (`x in b`, `b.find(x)`, `b[i] = x`).
pub(super) fn byte_value(interp: &mut Interp, value: &Value) -> PyResult<u8> {
    let n = match value {
        Value::BigInt(_) => None,
        other => u8::try_from(interp.to_index(other)?).ok(),
    };
    n.ok_or_else(|| interp.value_error("byte must be in range(0, 256)"))
}

/// Whether `value` is an int or has `__index__`: a byte value for the
/// methods that take one byte or bytes.
pub(super) fn is_index(interp: &Interp, value: &Value) -> bool {
    match value {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => true,
        Value::Instance(_) => interp.class_of(value).lookup("__index__").is_some(),
        _ => false,
    }
}

/// The needle of `find`, `count`, `in`, …: bytes-like, or an int for
/// one byte.
fn needle_arg(interp: &mut Interp, value: &Value, message: &str) -> PyResult<Rc<Vec<u8>>> {
    if let Some(data) = value.bytes_like() {
        return Ok(data);
    }
    if is_index(interp, value) {
        return Ok(Rc::new(vec![byte_value(interp, value)?]));
    }
    Err(interp.type_error(format!("{message}, not '{}'", interp.type_name(value))))
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

// ----- the constructors ------------------------------------------------

/// `bytes(source=b'', encoding=None, errors=None)`.
fn bytes_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let builtin = interp.types.bytes.clone();
    let subclass = super::subclasses::subtype_to_make(interp, &builtin, args)?;
    let data = contents::<false>(interp, &args[1..], kwargs)?;
    Ok(super::subclasses::made(subclass, Value::Bytes(data)))
}

/// What `bytes(…)` or `bytearray(…)` holds (the arguments after the
/// class): from a str and an encoding, a count of zero bytes, a
/// bytes-like object, `__bytes__` (for bytes only, as in CPython), or an
/// iterable of ints. A bytes source is itself: `bytes(b) is b`.
pub(super) fn contents<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Rc<Vec<u8>>> {
    let type_name = name::<BA>();
    let bound = bind(
        interp,
        type_name,
        args,
        kwargs,
        &["source", "encoding", "errors"],
        0,
    )?;
    let (source, encoding, errors) = (bound[0], bound[1], bound[2]);
    if let Some(Value::Str(text)) = source.map(Value::builtin_value) {
        if encoding.is_none() {
            return Err(interp.type_error("string argument without an encoding"));
        }
        let (codec, errors) = codec_args(interp, type_name, encoding, errors)?;
        return Ok(Rc::new(codecs::encode(
            interp,
            text.as_str(),
            codec,
            &errors,
        )?));
    }
    if encoding.is_some() {
        return Err(interp.type_error("encoding without a string argument"));
    }
    if errors.is_some() {
        return Err(interp.type_error("errors without a string argument"));
    }
    let Some(source) = source else {
        return Ok(Rc::new(Vec::new()));
    };
    match source {
        Value::Bytes(data) => return Ok(data.clone()),
        Value::ByteArray(data) => return Ok(Rc::new(data.borrow().clone())),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => return zero_bytes(interp, source),
        Value::Instance(_) | Value::Future(_) | Value::Native(_) => {
            if let Some(method) = interp.lookup_special(source, "__bytes__").filter(|_| !BA) {
                let result = interp.call_bound(&method, source, &[], &[])?;
                return match result {
                    Value::Bytes(data) => Ok(data),
                    other => Err(interp.type_error(format!(
                        "__bytes__ returned non-bytes (type {})",
                        interp.type_name(&other)
                    ))),
                };
            }
            if let Some(data) = source.bytes_like() {
                return Ok(data);
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
                "cannot convert '{}' object to {type_name}",
                interp.type_name(source)
            )))
        }
        Err(error) => return Err(error),
    };
    let range_error = if BA {
        "byte must be in range(0, 256)"
    } else {
        "bytes must be in range(0, 256)"
    };
    Ok(Rc::new(collect_bytes(interp, &iterator, range_error)?))
}

/// The ints an iterator yields, as bytes; `range_error` the ValueError's
/// message for an int out of range.
pub(super) fn collect_bytes(
    interp: &mut Interp,
    iterator: &Value,
    range_error: &str,
) -> PyResult<Vec<u8>> {
    let mut data = Vec::new();
    while let Some(item) = interp.next(iterator)? {
        let byte = match item {
            Value::BigInt(_) => None,
            other => u8::try_from(interp.to_index(&other)?).ok(),
        };
        data.push(byte.ok_or_else(|| interp.value_error(range_error))?);
    }
    Ok(data)
}

/// `bytes(n)`: `n` zero bytes.
fn zero_bytes(interp: &mut Interp, count: &Value) -> PyResult<Rc<Vec<u8>>> {
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
    Ok(Rc::new(data))
}

/// `bytes.__bytes__()`: a bytes itself; a subclass's instance's bytes.
fn bytes_bytes(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver::<false>(interp, args, "__bytes__")?.held();
    check_args(interp, "bytes", "__bytes__", args, kwargs, 0, 0)?;
    Ok(Value::Bytes(data))
}

/// `bytes.__getnewargs__()`: what `copy` remakes a bytes from.
fn bytes_getnewargs(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let data = receiver::<false>(interp, args, "__getnewargs__")?.held();
    check_args(interp, "bytes", "__getnewargs__", args, kwargs, 0, 0)?;
    Ok(Value::tuple(vec![Value::bytes(data.to_vec())]))
}

/// `bytes.fromhex(string)`, a class method: pairs of hex digits, with
/// ASCII whitespace allowed between pairs.
fn bytes_fromhex<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    check_args(interp, name::<BA>(), "fromhex", args, kwargs, 1, 1)?;
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
    let builtin = if BA {
        &interp.types.bytearray
    } else {
        &interp.types.bytes
    };
    match &args[0] {
        class @ Value::Type(made) if !Rc::ptr_eq(made, builtin) => {
            interp.call(class, &[make::<BA>(data)], &[])
        }
        _ => made::<BA>(data),
    }
}

// ----- decoding --------------------------------------------------------

fn bytes_decode<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = receiver::<BA>(interp, args, "decode")?.held();
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

fn no_arg_method<const BA: bool>(
    interp: &Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Rc<Vec<u8>>> {
    let receiver = receiver::<BA>(interp, args, method)?;
    check_args(interp, name::<BA>(), method, args, kwargs, 0, 0)?;
    Ok(receiver.held())
}

fn bytes_upper<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = no_arg_method::<BA>(interp, "upper", args, kwargs)?;
    made::<BA>(data.to_ascii_uppercase())
}

fn bytes_lower<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = no_arg_method::<BA>(interp, "lower", args, kwargs)?;
    made::<BA>(data.to_ascii_lowercase())
}

fn bytes_swapcase<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = no_arg_method::<BA>(interp, "swapcase", args, kwargs)?;
    let swap = |&b: &u8| match b {
        b'a'..=b'z' => b.to_ascii_uppercase(),
        _ => b.to_ascii_lowercase(),
    };
    made::<BA>(data.iter().map(swap).collect::<Vec<u8>>())
}

/// `capitalize()`: the first byte upper case, the rest lower.
fn bytes_capitalize<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = no_arg_method::<BA>(interp, "capitalize", args, kwargs)?;
    let mut out = data.to_ascii_lowercase();
    if let Some(first) = out.first_mut() {
        first.make_ascii_uppercase();
    }
    made::<BA>(out)
}

/// `title()`: a letter after a letter lower case, any other upper.
fn bytes_title<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = no_arg_method::<BA>(interp, "title", args, kwargs)?;
    let mut previous_cased = false;
    let title = |&b: &u8| {
        let out = match previous_cased {
            true => b.to_ascii_lowercase(),
            false => b.to_ascii_uppercase(),
        };
        previous_cased = b.is_ascii_alphabetic();
        out
    };
    made::<BA>(data.iter().map(title).collect::<Vec<u8>>())
}

/// A predicate over every byte, false for empty bytes.
fn all_bytes<const BA: bool>(
    interp: &Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
    test: fn(u8) -> bool,
) -> PyResult<Value> {
    let data = no_arg_method::<BA>(interp, method, args, kwargs)?;
    Ok(Value::from(
        !data.is_empty() && data.iter().all(|&b| test(b)),
    ))
}

fn bytes_isdigit<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    all_bytes::<BA>(interp, "isdigit", args, kwargs, |b| b.is_ascii_digit())
}

fn bytes_isalpha<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    all_bytes::<BA>(interp, "isalpha", args, kwargs, |b| b.is_ascii_alphabetic())
}

fn bytes_isalnum<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    all_bytes::<BA>(interp, "isalnum", args, kwargs, |b| {
        b.is_ascii_alphanumeric()
    })
}

fn bytes_isspace<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    all_bytes::<BA>(interp, "isspace", args, kwargs, is_space)
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

fn bytes_isupper<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = no_arg_method::<BA>(interp, "isupper", args, kwargs)?;
    Ok(Value::from(cased(&data, true)))
}

fn bytes_islower<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = no_arg_method::<BA>(interp, "islower", args, kwargs)?;
    Ok(Value::from(cased(&data, false)))
}

/// `istitle()`: some letter, each upper-case one after no letter and
/// each lower-case one after a letter (CPython's `_Py_bytes_istitle`).
fn bytes_istitle<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = no_arg_method::<BA>(interp, "istitle", args, kwargs)?;
    let mut cased = false;
    let mut previous_cased = false;
    for &b in data.iter() {
        if b.is_ascii_uppercase() {
            if previous_cased {
                return Ok(Value::from(false));
            }
            (previous_cased, cased) = (true, true);
        } else if b.is_ascii_lowercase() {
            if !previous_cased {
                return Ok(Value::from(false));
            }
            (previous_cased, cased) = (true, true);
        } else {
            previous_cased = false;
        }
    }
    Ok(Value::from(cased))
}

fn bytes_isascii<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = no_arg_method::<BA>(interp, "isascii", args, kwargs)?;
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
    needle: Rc<Vec<u8>>,
    start: i64,
    end: i64,
}

impl Search {
    fn parse<const BA: bool>(
        interp: &mut Interp,
        method: &str,
        args: &[Value],
        kwargs: &Kwargs,
    ) -> PyResult<Search> {
        let receiver = receiver::<BA>(interp, args, method)?;
        check_range_args(interp, name::<BA>(), method, args, kwargs)?;
        let needle = needle_arg(
            interp,
            &args[1],
            "argument should be integer or bytes-like object",
        )?;
        let bounds = read_search_bounds(interp, args)?;
        let data = receiver.held();
        let (start, end) = adjust_search_bounds(bounds, data.len() as i64);
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

fn find_method<const BA: bool>(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
    from_right: bool,
) -> PyResult<i64> {
    let search = Search::parse::<BA>(interp, method, args, kwargs)?;
    let found = search
        .haystack()
        .and_then(|hay| find_sub(hay, &search.needle, from_right));
    Ok(found.map_or(-1, |i| search.start + i as i64))
}

fn bytes_find<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    find_method::<BA>(interp, "find", args, kwargs, false).map(Value::Int)
}

fn bytes_rfind<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    find_method::<BA>(interp, "rfind", args, kwargs, true).map(Value::Int)
}

fn found_or_error(interp: &Interp, position: i64) -> PyResult<Value> {
    if position < 0 {
        Err(interp.value_error("subsection not found"))
    } else {
        Ok(Value::Int(position))
    }
}

fn bytes_index<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let position = find_method::<BA>(interp, "index", args, kwargs, false)?;
    found_or_error(interp, position)
}

fn bytes_rindex<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let position = find_method::<BA>(interp, "rindex", args, kwargs, true)?;
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

fn bytes_count<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let search = Search::parse::<BA>(interp, "count", args, kwargs)?;
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

fn affix_method<const BA: bool>(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
    at_end: bool,
) -> PyResult<Value> {
    let receiver = receiver::<BA>(interp, args, method)?;
    check_range_args(interp, name::<BA>(), method, args, kwargs)?;
    let bounds = read_search_bounds(interp, args)?;
    let data = receiver.held();
    let (start, end) = adjust_search_bounds(bounds, data.len() as i64);
    if let Some(affix) = args[1].bytes_like() {
        return Ok(Value::from(tail_match(&data, &affix, start, end, at_end)));
    }
    match &args[1] {
        Value::Tuple(affixes) => {
            for affix in affixes.iter() {
                let affix = bytes_arg(interp, affix)?;
                if tail_match(&data, &affix, start, end, at_end) {
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

fn bytes_startswith<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    affix_method::<BA>(interp, "startswith", args, kwargs, false)
}

fn bytes_endswith<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    affix_method::<BA>(interp, "endswith", args, kwargs, true)
}

// ----- splitting -------------------------------------------------------

fn parts_list<'a, const BA: bool>(parts: impl IntoIterator<Item = &'a [u8]>) -> Value {
    Value::list(parts.into_iter().map(make::<BA>).collect())
}

/// The receiver, separator (`None` for whitespace) and limit (`None` for
/// none) of `split`/`rsplit`.
type SplitArgs = (Rc<Vec<u8>>, Option<Rc<Vec<u8>>>, Option<usize>);

fn split_args<const BA: bool>(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<SplitArgs> {
    let receiver = receiver::<BA>(interp, args, method)?;
    let bound = bind(interp, method, &args[1..], kwargs, &["sep", "maxsplit"], 0)?;
    let sep = match bound[0] {
        None | Some(Value::None) => None,
        Some(sep) => Some(bytes_arg(interp, sep)?),
    };
    let maxsplit = match bound[1] {
        None => None,
        Some(v) => usize::try_from(ssize_arg(interp, v)?).ok(),
    };
    if sep.as_ref().is_some_and(|sep| sep.is_empty()) {
        return Err(interp.value_error("empty separator"));
    }
    Ok((receiver.held(), sep, maxsplit))
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

fn bytes_split<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let (data, sep, maxsplit) = split_args::<BA>(interp, "split", args, kwargs)?;
    Ok(match sep {
        None => parts_list::<BA>(split_whitespace(&data, maxsplit)),
        Some(sep) => parts_list::<BA>(split_on(&data, &sep, maxsplit, false)),
    })
}

fn bytes_rsplit<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let (data, sep, maxsplit) = split_args::<BA>(interp, "rsplit", args, kwargs)?;
    Ok(match sep {
        None => parts_list::<BA>(rsplit_whitespace(&data, maxsplit)),
        Some(sep) => parts_list::<BA>(split_on(&data, &sep, maxsplit, true)),
    })
}

/// `splitlines(keepends=False)`: lines end at `\n`, `\r` or `\r\n`.
fn bytes_splitlines<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let receiver = receiver::<BA>(interp, args, "splitlines")?;
    let bound = bind(interp, "splitlines", &args[1..], kwargs, &["keepends"], 0)?;
    let keepends = match bound[0] {
        Some(v) => ssize_arg(interp, v)? != 0,
        None => false,
    };
    let data = receiver.held();
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
    Ok(parts_list::<BA>(lines))
}

fn partition_method<const BA: bool>(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
    from_right: bool,
) -> PyResult<Value> {
    let data = receiver::<BA>(interp, args, method)?.held();
    check_args(interp, name::<BA>(), method, args, kwargs, 1, 1)?;
    let sep = bytes_arg(interp, &args[1])?;
    if sep.is_empty() {
        return Err(interp.value_error("empty separator"));
    }
    let (before, found, after) = match find_sub(&data, &sep, from_right) {
        Some(at) => (&data[..at], true, &data[at + sep.len()..]),
        None if from_right => (&[][..], false, &data[..]),
        None => (&data[..], false, &[][..]),
    };
    // A bytes' found separator is the argument itself, as in CPython.
    let middle = match found {
        true if !BA => args[1].clone(),
        true => make::<BA>(&sep[..]),
        false => make::<BA>(Vec::new()),
    };
    Ok(Value::tuple(vec![
        make::<BA>(before),
        middle,
        make::<BA>(after),
    ]))
}

fn bytes_partition<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    partition_method::<BA>(interp, "partition", args, kwargs, false)
}

fn bytes_rpartition<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    partition_method::<BA>(interp, "rpartition", args, kwargs, true)
}

// ----- building new bytes ----------------------------------------------

#[derive(Clone, Copy)]
enum Strip {
    Left,
    Right,
    Both,
}

fn strip_method<const BA: bool>(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
    side: Strip,
) -> PyResult<Value> {
    let data = receiver::<BA>(interp, args, method)?.held();
    check_args(interp, name::<BA>(), method, args, kwargs, 0, 1)?;
    let strip_set = match args.get(1) {
        None | Some(Value::None) => None,
        Some(chars) => Some(bytes_arg(interp, chars)?),
    };
    let stripped = trim(&data, side, |b| match &strip_set {
        None => is_space(b),
        Some(set) => set.contains(&b),
    });
    if stripped.len() == data.len() {
        return Ok(same::<BA>(data));
    }
    made::<BA>(stripped)
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

fn bytes_strip<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    strip_method::<BA>(interp, "strip", args, kwargs, Strip::Both)
}

fn bytes_lstrip<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    strip_method::<BA>(interp, "lstrip", args, kwargs, Strip::Left)
}

fn bytes_rstrip<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    strip_method::<BA>(interp, "rstrip", args, kwargs, Strip::Right)
}

/// The receiver, width and fill byte of `center`, `ljust` and `rjust`.
fn pad_args<const BA: bool>(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<(Rc<Vec<u8>>, usize, u8)> {
    let receiver = receiver::<BA>(interp, args, method)?;
    check_args(interp, name::<BA>(), method, args, kwargs, 1, 2)?;
    let width = usize::try_from(ssize_arg(interp, &args[1])?).unwrap_or(0);
    let fill = match args.get(2) {
        None => b' ',
        Some(fill) => match fill.bytes_like().as_deref().map(Vec::as_slice) {
            Some(&[byte]) => byte,
            _ => {
                return Err(interp.type_error(format!(
                    "{method}() argument 2 must be a byte string of length 1, not {}",
                    interp.argument_type_name(fill)
                )))
            }
        },
    };
    Ok((receiver.held(), width, fill))
}

/// CPython's OverflowError for a bytes object of `len` bytes, which its
/// header would take past `isize::MAX` (a bytearray's is a MemoryError).
fn too_large<const BA: bool>(interp: &Interp, len: usize) -> PyResult<()> {
    const HEADER: usize = 33;
    if !BA && len > isize::MAX as usize - HEADER {
        return Err(interp.error(ExcType::OverflowError, "byte string is too large"));
    }
    Ok(())
}

/// `data` with `left` and `right` fill bytes around it.
fn padded<const BA: bool>(
    interp: &Interp,
    data: Rc<Vec<u8>>,
    left: usize,
    right: usize,
    fill: u8,
) -> PyResult<Value> {
    if left == 0 && right == 0 {
        return Ok(same::<BA>(data));
    }
    too_large::<BA>(interp, data.len() + left + right)?;
    let mut out = Vec::new();
    interp.reserve(&mut out, data.len() + left + right)?;
    out.resize(left, fill);
    out.extend_from_slice(&data);
    out.resize(out.len() + right, fill);
    made::<BA>(out)
}

fn bytes_center<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let (data, width, fill) = pad_args::<BA>(interp, "center", args, kwargs)?;
    let margin = width.saturating_sub(data.len());
    // CPython's rounding: the odd extra goes left only when both the
    // margin and the width are odd.
    let left = margin / 2 + (margin & width & 1);
    padded::<BA>(interp, data, left, margin - left, fill)
}

fn bytes_ljust<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let (data, width, fill) = pad_args::<BA>(interp, "ljust", args, kwargs)?;
    let margin = width.saturating_sub(data.len());
    padded::<BA>(interp, data, 0, margin, fill)
}

fn bytes_rjust<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let (data, width, fill) = pad_args::<BA>(interp, "rjust", args, kwargs)?;
    let margin = width.saturating_sub(data.len());
    padded::<BA>(interp, data, margin, 0, fill)
}

/// `zfill(width)`: zeros on the left, after a leading sign.
fn bytes_zfill<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let receiver = receiver::<BA>(interp, args, "zfill")?;
    check_args(interp, name::<BA>(), "zfill", args, kwargs, 1, 1)?;
    let width = usize::try_from(ssize_arg(interp, &args[1])?).unwrap_or(0);
    let data = receiver.held();
    let margin = width.saturating_sub(data.len());
    if margin == 0 {
        return Ok(same::<BA>(data));
    }
    too_large::<BA>(interp, width)?;
    let mut out = Vec::new();
    interp.reserve(&mut out, width)?;
    let sign = matches!(data.first(), Some(b'+' | b'-'));
    out.extend_from_slice(&data[..usize::from(sign)]);
    out.resize(out.len() + margin, b'0');
    out.extend_from_slice(&data[usize::from(sign)..]);
    made::<BA>(out)
}

/// `expandtabs(tabsize=8)`: each tab to spaces up to the next multiple
/// of `tabsize` columns, counted from the last `\n` or `\r`.
fn bytes_expandtabs<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let receiver = receiver::<BA>(interp, args, "expandtabs")?;
    let bound = bind(interp, "expandtabs", &args[1..], kwargs, &["tabsize"], 0)?;
    // `tabsize` and `bytes_per_sep` are C ints in CPython.
    let tabsize = match bound[0] {
        Some(size) => c_int_arg(interp, size)?,
        None => 8,
    };
    let data = receiver.held();
    let tabsize = usize::try_from(tabsize).unwrap_or(0);
    let mut out = Vec::new();
    let mut column = 0usize;
    for &b in data.iter() {
        match b {
            b'\t' if tabsize > 0 => {
                let spaces = tabsize - column % tabsize;
                interp.reserve(&mut out, spaces)?;
                out.resize(out.len() + spaces, b' ');
                column += spaces;
            }
            b'\t' => {}
            b'\n' | b'\r' => {
                out.push(b);
                column = 0;
            }
            _ => {
                out.push(b);
                column += 1;
            }
        }
    }
    made::<BA>(out)
}

/// `translate(table, /, delete=b'')`: each byte not in `delete` mapped
/// through `table` (256 bytes, or `None` for none).
fn bytes_translate<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = receiver::<BA>(interp, args, "translate")?.held();
    if args.len() < 2 {
        return Err(interp.type_error("translate() takes at least 1 positional argument (0 given)"));
    }
    let bound = bind(
        interp,
        "translate",
        &args[1..],
        kwargs,
        &["table", "delete"],
        1,
    )?;
    let table = match bound[0] {
        None | Some(Value::None) => None,
        Some(table) => Some(bytes_arg(interp, table)?),
    };
    if table.as_ref().is_some_and(|table| table.len() != 256) {
        return Err(interp.value_error("translation table must be 256 characters long"));
    }
    let delete = match bound[1] {
        Some(delete) => bytes_arg(interp, delete)?,
        None => Rc::new(Vec::new()),
    };
    let out: Vec<u8> = data
        .iter()
        .filter(|b| !delete.contains(b))
        .map(|&b| table.as_ref().map_or(b, |table| table[usize::from(b)]))
        .collect();
    if out == *data {
        return Ok(same::<BA>(data));
    }
    made::<BA>(out)
}

/// `bytes.maketrans(frm, to)`, a static method: the 256-byte table of
/// `translate` mapping each byte of `frm` to the byte of `to` at its
/// position (bytes, for either type).
fn bytes_maketrans(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    super::args::check_count(interp, "maketrans", args, kwargs, 2, 2)?;
    let from = bytes_arg(interp, &args[0])?;
    let to = bytes_arg(interp, &args[1])?;
    if from.len() != to.len() {
        return Err(interp.value_error("maketrans arguments must have same length"));
    }
    let mut table: Vec<u8> = (0..=255).collect();
    for (&f, &t) in from.iter().zip(to.iter()) {
        table[usize::from(f)] = t;
    }
    Ok(Value::bytes(table))
}

/// `replace(old, new, count=-1)`; an empty `old` matches before every
/// byte and at the end, as in CPython.
fn bytes_replace<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let receiver = receiver::<BA>(interp, args, "replace")?;
    check_args(interp, name::<BA>(), "replace", args, kwargs, 2, 3)?;
    let old = bytes_arg(interp, &args[1])?;
    let new = bytes_arg(interp, &args[2])?;
    let count = match args.get(3) {
        Some(v) => usize::try_from(ssize_arg(interp, v)?).unwrap_or(usize::MAX),
        None => usize::MAX,
    };
    let data = receiver.held();
    let mut out = Vec::with_capacity(data.len());
    let mut rest = &data[..];
    let mut replaced = 0;
    // Nothing replaced leaves a bytes itself, as CPython's `return_self`.
    if old.is_empty() {
        let insertions = count.min(data.len() + 1);
        if insertions == 0 || new.is_empty() {
            return Ok(same::<BA>(data));
        }
        interp.check_allocation(data.len() + new.len().saturating_mul(insertions), 1)?;
        for (i, &byte) in data.iter().enumerate() {
            if i < insertions {
                out.extend_from_slice(&new);
            }
            out.push(byte);
        }
        if insertions > data.len() {
            out.extend_from_slice(&new);
        }
        return made::<BA>(out);
    }
    while replaced < count {
        let Some(at) = find_sub(rest, &old, false) else {
            break;
        };
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(&new);
        rest = &rest[at + old.len()..];
        replaced += 1;
    }
    if replaced == 0 {
        return Ok(same::<BA>(data));
    }
    out.extend_from_slice(rest);
    made::<BA>(out)
}

fn bytes_join<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let receiver = receiver::<BA>(interp, args, "join")?;
    check_args(interp, name::<BA>(), "join", args, kwargs, 1, 1)?;
    let items = super::str::join_items(interp, &args[1])?;
    let sep = receiver.held();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(data) = item.bytes_like() else {
            return Err(interp.type_error(format!(
                "sequence item {i}: expected a bytes-like object, {} found",
                interp.type_name(item)
            )));
        };
        if i > 0 {
            out.extend_from_slice(&sep);
        }
        out.extend_from_slice(&data);
    }
    made::<BA>(out)
}

fn bytes_removeprefix<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = receiver::<BA>(interp, args, "removeprefix")?.held();
    check_args(interp, name::<BA>(), "removeprefix", args, kwargs, 1, 1)?;
    let prefix = bytes_arg(interp, &args[1])?;
    match data.strip_prefix(&prefix[..]) {
        Some(rest) if !prefix.is_empty() => made::<BA>(rest),
        _ => Ok(same::<BA>(data)),
    }
}

fn bytes_removesuffix<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let data = receiver::<BA>(interp, args, "removesuffix")?.held();
    check_args(interp, name::<BA>(), "removesuffix", args, kwargs, 1, 1)?;
    let suffix = bytes_arg(interp, &args[1])?;
    match data.strip_suffix(&suffix[..]) {
        Some(rest) if !suffix.is_empty() => made::<BA>(rest),
        _ => Ok(same::<BA>(data)),
    }
}

/// `hex(sep=None, bytes_per_sep=1)`: two hex digits a byte, with `sep`
/// between groups of `bytes_per_sep` bytes counted from the right (from
/// the left when it is negative).
fn bytes_hex<const BA: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &Kwargs,
) -> PyResult<Value> {
    let receiver = receiver::<BA>(interp, args, "hex")?;
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
        Some(Value::ByteArray(sep)) => Some(sep.borrow().iter().map(|&b| char::from(b)).collect()),
        Some(other) => {
            return Err(interp.type_error(format!(
                "object of type '{}' has no len()",
                interp.type_name(other)
            )))
        }
    };
    let group = match bound[1] {
        Some(v) => c_int_arg(interp, v)?,
        None => 1,
    };
    let data = receiver.held();
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

/// A subscript, read before the sequence is (reading it may run Python
/// code, `__index__`, that changes a bytearray).
enum Subscript {
    Index(i64),
    Slice(SliceBounds),
}

impl Subscript {
    fn read(interp: &mut Interp, index: &Value, type_name: &str) -> PyResult<Subscript> {
        if let Value::Slice(slice) = index {
            return Ok(Subscript::Slice(SliceBounds::unpack(interp, slice)?));
        }
        match item_index(interp, index)? {
            Some(i) => Ok(Subscript::Index(i)),
            None => Err(interp.type_error(format!(
                "{type_name} indices must be integers or slices, not {}",
                interp.type_name(index)
            ))),
        }
    }
}

/// `data[index]` of a bytes: an int, or bytes for a slice with any step.
pub fn bytes_get_item(interp: &mut Interp, data: &Rc<Vec<u8>>, index: &Value) -> PyResult<Value> {
    let subscript = Subscript::read(interp, index, "byte")?;
    if let Subscript::Slice(bounds) = &subscript {
        let (start, stop, step) = bounds.adjust(data.len() as i64);
        if step == 1 && start == 0 && stop >= data.len() as i64 {
            return Ok(Value::Bytes(data.clone()));
        }
    }
    select::<false>(interp, data, subscript)
}

/// `data[index]` of a bytearray: an int, or a new bytearray for a slice.
pub fn bytearray_get_item(
    interp: &mut Interp,
    data: &std::cell::RefCell<Vec<u8>>,
    index: &Value,
) -> PyResult<Value> {
    let subscript = Subscript::read(interp, index, "bytearray")?;
    select::<true>(interp, &data.borrow(), subscript)
}

fn select<const BA: bool>(interp: &Interp, data: &[u8], subscript: Subscript) -> PyResult<Value> {
    let len = data.len() as i64;
    match subscript {
        Subscript::Slice(bounds) => {
            let (start, stop, step) = bounds.adjust(len);
            if step == 1 {
                return made::<BA>(window(data, start, stop));
            }
            let picked: Vec<u8> = slice_positions(start, stop, step)
                .filter_map(|i| data.get(i as usize).copied())
                .collect();
            made::<BA>(picked)
        }
        Subscript::Index(i) => {
            let i = if i < 0 { i + len } else { i };
            match usize::try_from(i).ok().and_then(|i| data.get(i)) {
                Some(&byte) => Ok(Value::Int(i64::from(byte))),
                None if BA => Err(interp.index_error("bytearray index out of range")),
                None => Err(interp.index_error("index out of range")),
            }
        }
    }
}

/// `item in container` of a bytes or bytearray: a byte value, or a
/// subsequence.
pub fn bytes_contains(interp: &mut Interp, container: &Value, item: &Value) -> PyResult<bool> {
    let needle = needle_arg(interp, item, "a bytes-like object is required")?;
    Ok(match container {
        Value::Bytes(data) => find_sub(data, &needle, false).is_some(),
        Value::ByteArray(data) => find_sub(&data.borrow(), &needle, false).is_some(),
        _ => false,
    })
}

/// `repr(data)` as CPython writes it: `b'…'`, double quotes only when
/// there is a single quote and no double quote; `\t \n \r`, `\\`, the
/// quote escaped, and `\xNN` for bytes outside printable ASCII.
pub fn bytes_repr(data: &[u8]) -> String {
    quoted(data, false)
}

/// `repr(bytearray)` as CPython writes it: `bytearray(b'…')`, named by
/// the class (a subclass's own name), with a single quote always escaped.
pub fn bytearray_repr(class_name: &str, data: &[u8]) -> String {
    format!("{class_name}({})", quoted(data, true))
}

/// The `b'…'` of a repr; `escape_single` escapes `'` even inside double
/// quotes, as CPython's `bytearray_repr` does.
fn quoted(data: &[u8], escape_single: bool) -> String {
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
            _ if byte == quote || (escape_single && byte == b'\'') => {
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

// ----- operators -------------------------------------------------------

/// Calls `f` with the contents of a bytes or bytearray, borrowed for the
/// call only (`f` must not run Python code).
fn with_contents<R>(value: &Value, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    match value {
        Value::Bytes(data) => Some(f(data)),
        Value::ByteArray(data) => Some(f(&data.borrow())),
        _ => None,
    }
}

/// The order of two bytes or bytearrays, which compare by contents
/// whichever type each is; `None` for anything else.
pub fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    with_contents(a, |x| with_contents(b, |y| x.cmp(y)))?
}

/// A new bytearray if `operand` is one, else a new bytes: what an
/// operator makes of its left (or only) bytes-like operand.
pub fn made_like(operand: &Value, data: Vec<u8>) -> Value {
    match operand {
        Value::ByteArray(_) => Value::bytearray(data),
        _ => Value::bytes(data),
    }
}

/// `a + b` of two bytes or bytearrays: the type of `a`.
pub fn concat(interp: &Interp, a: &Value, b: &Value) -> PyResult<Value> {
    let tail = b.bytes_like().unwrap_or_default();
    let joined = with_contents(a, |head| {
        let mut data = Vec::new();
        interp.reserve(&mut data, head.len() + tail.len())?;
        data.extend_from_slice(head);
        data.extend_from_slice(&tail);
        Ok(data)
    });
    Ok(made_like(a, joined.unwrap_or_else(|| Ok(Vec::new()))?))
}

/// `sequence * count` of a bytes or bytearray: CPython's OverflowError
/// for bytes too long to index, its MemoryError for a bytearray.
pub fn repeat(interp: &Interp, sequence: &Value, count: usize) -> PyResult<Value> {
    let is_bytearray = matches!(sequence, Value::ByteArray(_));
    let data = with_contents(sequence, |data| repeated(interp, data, count, is_bytearray));
    Ok(made_like(sequence, data.unwrap_or_else(|| Ok(Vec::new()))?))
}

/// `data` `count` times over.
pub(super) fn repeated(
    interp: &Interp,
    data: &[u8],
    count: usize,
    is_bytearray: bool,
) -> PyResult<Vec<u8>> {
    let Some(length) = data
        .len()
        .checked_mul(count)
        .filter(|&n| n <= isize::MAX as usize)
    else {
        return Err(if is_bytearray {
            interp.new_exception(ExcType::MemoryError, Vec::new())
        } else {
            interp.error(ExcType::OverflowError, "repeated bytes are too long")
        });
    };
    let mut out = Vec::new();
    interp.reserve(&mut out, length)?;
    for _ in 0..count {
        out.extend_from_slice(data);
    }
    Ok(out)
}
