//! The numeric types' constructors (`int(…)`, `float(…)`, `bool(…)`) and
//! their methods that are not operators (`int.bit_length`,
//! `float.is_integer`, `float.as_integer_ratio`, …).

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use std::rc::Rc;

use super::add_method;
use super::args::{check_count, check_method};
use super::functions::{bind, float_to_int};
use super::sequences::receiver_error;
use crate::runtime::attributes::MethodWrapper;
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::format::decimal_digit_value;
use crate::runtime::interp::Interp;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

type Kwargs = [(Name, Value)];

pub fn install(interp: &mut Interp) {
    let types = &interp.types;
    add_method(&types.int, "__new__", int_new);
    add_method(&types.int, "bit_length", int_bit_length);
    add_method(&types.int, "bit_count", int_bit_count);
    add_method(&types.int, "conjugate", int_conjugate);
    add_method(&types.int, "as_integer_ratio", int_as_integer_ratio);
    add_method(&types.int, "to_bytes", int_to_bytes);
    let from_bytes = MethodWrapper {
        function: super::function("from_bytes", int_from_bytes),
        is_classmethod: true,
    };
    (types.int.namespace.borrow_mut())
        .insert("from_bytes".into(), Value::native(Rc::new(from_bytes)));
    add_method(&types.float, "__new__", float_new);
    add_method(&types.float, "is_integer", float_is_integer);
    add_method(&types.float, "as_integer_ratio", float_as_integer_ratio);
    add_method(&types.float, "conjugate", float_conjugate);
    add_method(&types.float, "hex", float_hex);
    let fromhex = MethodWrapper {
        function: super::function("fromhex", float_fromhex),
        is_classmethod: true,
    };
    (types.float.namespace.borrow_mut()).insert("fromhex".into(), Value::native(Rc::new(fromhex)));
    add_method(&types.bool_, "__new__", bool_new);
}

fn int_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let builtin = interp.types.int.clone();
    let subclass = super::subclasses::subtype_to_make(interp, &builtin, args)?;
    let value = int_value(interp, &args[1..], kwargs)?;
    Ok(super::subclasses::made(subclass, value))
}

/// `int(x=0, base=10)`'s value (the arguments after the class).
fn int_value(interp: &mut Interp, rest: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let [x, base] = bind(interp, "int", rest, kwargs, ["x", "base"], 1, 0)?;
    let Some(x) = x else {
        if base.is_some() {
            return Err(interp.type_error("int() missing string argument"));
        }
        return Ok(Value::Int(0));
    };
    let x = text_of_subclass(x);
    // CPython reads a bytearray as the bytes it holds, and shows those.
    let held;
    let x = match x {
        Value::ByteArray(data) => {
            held = Value::bytes(data.borrow().clone());
            &held
        }
        other => other,
    };
    if let Some(base) = base {
        let base = match base {
            Value::BigInt(_) => i64::MAX,
            other => super::functions::index_arg(interp, other)?
                .to_i64()
                .unwrap_or(i64::MAX),
        };
        if base != 0 && !(2..=36).contains(&base) {
            return Err(interp.value_error("int() base must be >= 2 and <= 36, or 0"));
        }
        let Some(text) = numeric_literal(x) else {
            return Err(interp.type_error("int() can't convert non-string with explicit base"));
        };
        return parse_int(interp, x, &text, base as u32);
    }
    match x {
        Value::Int(_) | Value::BigInt(_) => Ok(x.clone()),
        Value::Bool(b) => Ok(Value::Int(b.get() as i64)),
        Value::Float(f) => float_to_int(interp, f.get()),
        Value::Str(_) | Value::Bytes(_) => {
            let text = numeric_literal(x).unwrap_or_default();
            parse_int(interp, x, &text, 10)
        }
        _ => {
            for name in ["__int__", "__index__"] {
                if let Some(method) = interp.lookup_special(x, name) {
                    let result = interp.call_bound(&method, x, &[], &[])?;
                    return match result {
                        Value::Int(_) | Value::BigInt(_) => Ok(result),
                        Value::Bool(b) => Ok(Value::Int(b.get() as i64)),
                        other => Err(interp.type_error(format!(
                            "{name} returned non-int (type {})",
                            interp.type_name(&other)
                        ))),
                    };
                }
            }
            Err(interp.type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                interp.type_name(x)
            )))
        }
    }
}

/// An instance of a subclass of `str` or `bytes` as its text, which
/// `int()` and `float()` parse; any other value itself.
fn text_of_subclass(x: &Value) -> &Value {
    match x.builtin_value() {
        text @ (Value::Str(_) | Value::Bytes(_) | Value::ByteArray(_)) => text,
        _ => x,
    }
}

/// `int(text)` for a decimal literal known to be well formed (a JSON
/// number), refused past `sys.get_int_max_str_digits()` as `int()` does.
pub fn int_from_decimal(interp: &mut Interp, text: &str) -> PyResult<Value> {
    parse_int(interp, &Value::str(text), text, 10)
}

/// `int(text, base)` with CPython's rules: surrounding whitespace, a sign,
/// a prefix matching the base (any of them for base 0), single
/// underscores between digits, and no leading zeros in base 0.
/// The text of a str, or of bytes (read as ASCII: other bytes are never
/// part of a numeric literal, so they read as an invalid, empty one).
fn numeric_literal(x: &Value) -> Option<std::borrow::Cow<'_, str>> {
    match x {
        Value::Str(text) => Some(text.as_str().into()),
        Value::Bytes(data) => Some(match std::str::from_utf8(data) {
            Ok(text) if text.is_ascii() => text.into(),
            _ => "".into(),
        }),
        Value::ByteArray(data) => Some(
            String::from_utf8(data.borrow().clone())
                .ok()
                .filter(|text| text.is_ascii())
                .unwrap_or_default()
                .into(),
        ),
        _ => None,
    }
}

fn parse_int(interp: &mut Interp, original: &Value, text: &str, base: u32) -> PyResult<Value> {
    let limit = interp.int_max_str_digits;
    match scan_int(text, base, limit) {
        Scan::Number(n) => Ok(Value::from_bigint(n)),
        Scan::TooLong(digits) => Err(interp.value_error(format!(
            "Exceeds the limit ({limit} digits) for integer string conversion: \
             value has {digits} digits; use sys.set_int_max_str_digits() to increase the limit"
        ))),
        Scan::Invalid => {
            let repr = interp.repr(original)?;
            // CPython formats the repr with `%.200R`.
            let repr: String = repr.chars().take(200).collect();
            Err(interp.value_error(format!(
                "invalid literal for int() with base {base}: {repr}"
            )))
        }
    }
}

enum Scan {
    Number(BigInt),
    /// Too many digits for a base that is not a power of two.
    TooLong(usize),
    Invalid,
}

/// `limit`: the most decimal digits accepted (`sys.get_int_max_str_digits()`;
/// 0 for no limit).
fn scan_int(text: &str, base: u32, limit: usize) -> Scan {
    let base_zero = base == 0;
    // As CPython does: non-ASCII whitespace becomes a space and non-ASCII
    // decimal digits their ASCII digit; any other non-ASCII is invalid.
    let mut ascii = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else if c.is_whitespace() {
            ascii.push(' ');
        } else {
            match decimal_digit_value(c).and_then(|d| char::from_digit(d, 10)) {
                Some(digit) => ascii.push(digit),
                None => return Scan::Invalid,
            }
        }
    }
    // Only C's `isspace()` set is stripped (not `\x1c`-`\x1f`).
    let text = ascii.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r'));
    let (negative, text) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let bytes = text.as_bytes();
    let prefix_base = match (bytes.first(), bytes.get(1).map(u8::to_ascii_lowercase)) {
        (Some(b'0'), Some(b'x')) => Some(16),
        (Some(b'0'), Some(b'o')) => Some(8),
        (Some(b'0'), Some(b'b')) => Some(2),
        _ => None,
    };
    let (base, text, prefixed) = match prefix_base {
        Some(p) if base == 0 || base == p => (p, &text[2..], true),
        _ => (if base == 0 { 10 } else { base }, text, false),
    };
    // `0777` was octal in Python 2; in base 0 only zeros may lead.
    let only_zero = base_zero && !prefixed && text.starts_with('0');
    let mut digits = String::with_capacity(text.len());
    let mut after_underscore = false;
    let mut rest = "";
    for (i, c) in text.char_indices() {
        if c == '_' {
            // An underscore must follow a digit (or the prefix) directly.
            if after_underscore || (digits.is_empty() && !prefixed) {
                return Scan::Invalid;
            }
            after_underscore = true;
            continue;
        }
        if !c.is_digit(base) {
            rest = &text[i..];
            break;
        }
        digits.push(c);
        after_underscore = false;
    }
    if !base.is_power_of_two() && limit > 0 && digits.len() > limit {
        return Scan::TooLong(digits.len());
    }
    if digits.is_empty() || after_underscore || !rest.is_empty() {
        return Scan::Invalid;
    }
    let Some(magnitude) = BigInt::parse_bytes(digits.as_bytes(), base) else {
        return Scan::Invalid;
    };
    if only_zero && !magnitude.is_zero() {
        return Scan::Invalid;
    }
    Scan::Number(if negative { -magnitude } else { magnitude })
}

fn float_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let builtin = interp.types.float.clone();
    let subclass = super::subclasses::subtype_to_make(interp, &builtin, args)?;
    let value = float_value(interp, &args[1..], kwargs)?;
    Ok(super::subclasses::made(subclass, value))
}

/// `float(x=0.0)`'s value (the arguments after the class).
fn float_value(interp: &mut Interp, rest: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    check_count(interp, "float", rest, kwargs, 0, 1)?;
    let Some(x) = rest.first() else {
        return Ok(Value::float(0.0));
    };
    let x = text_of_subclass(x);
    match x {
        Value::Float(_) => Ok(x.clone()),
        Value::Int(i) => Ok(Value::float(*i as f64)),
        Value::Bool(b) => Ok(Value::float(b.get() as i64 as f64)),
        Value::BigInt(i) => int_to_float(interp, i).map(Value::float),
        Value::Str(_) | Value::Bytes(_) | Value::ByteArray(_) => {
            match numeric_literal(x).and_then(|text| crate::runtime::format::parse_float(&text)) {
                Some(f) => Ok(Value::float(f)),
                None => {
                    let repr = interp.repr(x)?;
                    Err(interp.value_error(format!("could not convert string to float: {repr}")))
                }
            }
        }
        _ => {
            if let Some(method) = interp.lookup_special(x, "__float__") {
                let result = interp.call_bound(&method, x, &[], &[])?;
                return match result {
                    Value::Float(_) => Ok(result),
                    other => Err(interp.type_error(format!(
                        "{}.__float__ returned non-float (type {})",
                        interp.type_name(x),
                        interp.type_name(&other)
                    ))),
                };
            }
            if let Some(method) = interp.lookup_special(x, "__index__") {
                return match interp.call_bound(&method, x, &[], &[])? {
                    Value::Int(i) => Ok(Value::float(i as f64)),
                    Value::Bool(b) => Ok(Value::float(b.get() as i64 as f64)),
                    Value::BigInt(i) => int_to_float(interp, &i).map(Value::float),
                    other => Err(interp.type_error(format!(
                        "__index__ returned non-int (type {})",
                        interp.type_name(&other)
                    ))),
                };
            }
            Err(interp.type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                interp.type_name(x)
            )))
        }
    }
}

fn int_to_float(interp: &Interp, i: &BigInt) -> PyResult<f64> {
    match i.to_f64() {
        Some(f) if f.is_finite() => Ok(f),
        _ => Err(interp.error(ExcType::OverflowError, "int too large to convert to float")),
    }
}

fn bool_new(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let rest = args.get(1..).unwrap_or_default();
    check_count(interp, "bool", rest, kwargs, 0, 1)?;
    match rest.first() {
        None => Ok(Value::from(false)),
        Some(x) => Ok(Value::from(interp.truthy(x)?)),
    }
}

/// The receiver of an `int` method as a `BigInt`, with CPython's message
/// when the method is called on something else (`int.bit_length(1.5)`).
fn int_receiver(interp: &Interp, args: &[Value], kwargs: &Kwargs, name: &str) -> PyResult<BigInt> {
    let value = match args.first().map(Value::builtin_value) {
        Some(Value::Int(i)) => BigInt::from(*i),
        Some(Value::Bool(b)) => BigInt::from(b.get() as i64),
        Some(Value::BigInt(i)) => (**i).clone(),
        _ => return Err(receiver_error(interp, "int", name, args)),
    };
    check_method(interp, &format!("int.{name}"), args, kwargs, 0, 0)?;
    Ok(value)
}

fn float_receiver(interp: &Interp, args: &[Value], kwargs: &Kwargs, name: &str) -> PyResult<f64> {
    let Some(Value::Float(value)) = args.first().map(Value::builtin_value) else {
        return Err(receiver_error(interp, "float", name, args));
    };
    check_method(interp, &format!("float.{name}"), args, kwargs, 0, 0)?;
    Ok(value.get())
}

fn int_bit_length(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let n = int_receiver(interp, args, kwargs, "bit_length")?;
    Ok(Value::from(n.bits() as usize))
}

fn int_bit_count(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let n = int_receiver(interp, args, kwargs, "bit_count")?;
    Ok(Value::from(n.magnitude().count_ones() as usize))
}

/// `int.to_bytes(length=1, byteorder='big', *, signed=False)`.
fn int_to_bytes(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let n = int_receiver(interp, &args[..1.min(args.len())], &[], "to_bytes")?;
    let (length, little, signed) = byte_arguments(interp, "to_bytes", args, kwargs, "length")?;
    let length = match length {
        Some(length) => super::functions::index_arg(interp, length)?,
        None => BigInt::from(1),
    };
    if length.is_negative() {
        return Err(interp.value_error("length argument must be non-negative"));
    }
    if !signed && n.is_negative() {
        return Err(interp.error(
            ExcType::OverflowError,
            "can't convert negative int to unsigned",
        ));
    }
    // The fewest bytes that hold it: none for zero.
    let mut bytes = match (n.is_zero(), signed) {
        (true, _) => Vec::new(),
        (false, true) => n.to_signed_bytes_be(),
        (false, false) => n.to_bytes_be().1,
    };
    let Some(length) = length
        .to_isize()
        .and_then(|length| usize::try_from(length).ok())
    else {
        return Err(interp.error(
            ExcType::OverflowError,
            "Python int too large to convert to C ssize_t",
        ));
    };
    if bytes.len() > length {
        return Err(interp.error(ExcType::OverflowError, "int too big to convert"));
    }
    // CPython's bytes object, header included, must fit in a ssize_t.
    if length > isize::MAX as usize - 33 {
        return Err(interp.error(ExcType::OverflowError, "byte string is too large"));
    }
    interp.check_allocation(length, 1)?;
    let fill = if n.is_negative() { 0xff } else { 0 };
    let mut padded = vec![fill; length - bytes.len()];
    padded.append(&mut bytes);
    if little {
        padded.reverse();
    }
    Ok(Value::bytes(padded))
}

/// `int.from_bytes(bytes, byteorder='big', *, signed=False)`.
fn int_from_bytes(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let (data, little, signed) = byte_arguments(interp, "from_bytes", args, kwargs, "bytes")?;
    let data = match data {
        Some(Value::Bytes(data)) => data.to_vec(),
        // `bytes(5)` and `bytes('a', …)` make bytes; CPython's
        // `PyObject_Bytes`, which from_bytes uses, converts neither.
        Some(other @ (Value::Int(_) | Value::BigInt(_) | Value::Bool(_) | Value::Str(_))) => {
            return Err(interp.type_error(format!(
                "cannot convert '{}' object to bytes",
                interp.type_name(other)
            )))
        }
        Some(other) => {
            let bytes = interp.types.bytes.clone();
            let made = interp.call(&Value::Type(bytes), std::slice::from_ref(other), &[])?;
            made.as_bytes().map(<[u8]>::to_vec).unwrap_or_default()
        }
        None => {
            return Err(interp.type_error("from_bytes() missing required argument 'bytes' (pos 1)"))
        }
    };
    let n = match (little, signed) {
        (false, false) => BigInt::from_bytes_be(num_bigint::Sign::Plus, &data),
        (true, false) => BigInt::from_bytes_le(num_bigint::Sign::Plus, &data),
        (false, true) => BigInt::from_signed_bytes_be(&data),
        (true, true) => BigInt::from_signed_bytes_le(&data),
    };
    let n = Value::from_bigint(n);
    // A subclass makes its own from the int, as CPython's `cls(n)`.
    match args.first() {
        Some(Value::Type(class)) if Rc::ptr_eq(class, &interp.types.bool_) => {
            Ok(Value::from(interp.truthy(&n)?))
        }
        Some(class @ Value::Type(made)) if !Rc::ptr_eq(made, &interp.types.int) => {
            interp.call(class, &[n], &[])
        }
        _ => Ok(n),
    }
}

/// The arguments after the receiver of `to_bytes` and `from_bytes`:
/// `first` (its own), `byteorder` (whether little-endian; big by
/// default) and the keyword-only `signed`.
fn byte_arguments<'a>(
    interp: &mut Interp,
    function: &str,
    args: &'a [Value],
    kwargs: &'a Kwargs,
    first: &str,
) -> PyResult<(Option<&'a Value>, bool, bool)> {
    let rest = &args[1.min(args.len())..];
    if rest.len() > 2 {
        return Err(interp.type_error(format!(
            "{function}() takes at most 2 positional arguments ({} given)",
            rest.len()
        )));
    }
    let names = [first, "byteorder", "signed"];
    let [first, byteorder, signed] = bind(interp, function, rest, kwargs, names, 0, 0)?;
    let little = match byteorder {
        None => false,
        Some(Value::Str(order)) => match order.as_str() {
            "big" => false,
            "little" => true,
            _ => return Err(interp.value_error("byteorder must be either 'little' or 'big'")),
        },
        Some(other) => {
            return Err(interp.type_error(format!(
                "{function}() argument 'byteorder' must be str, not {}",
                interp.argument_type_name(other)
            )))
        }
    };
    let signed = match signed {
        Some(signed) => interp.truthy(signed)?,
        None => false,
    };
    Ok((first, little, signed))
}

fn int_conjugate(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let n = int_receiver(interp, args, kwargs, "conjugate")?;
    Ok(Value::from_bigint(n))
}

fn int_as_integer_ratio(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let n = int_receiver(interp, args, kwargs, "as_integer_ratio")?;
    Ok(Value::pair(Value::from_bigint(n), Value::Int(1)))
}

fn float_is_integer(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let x = float_receiver(interp, args, kwargs, "is_integer")?;
    Ok(Value::from(x.is_finite() && x.fract() == 0.0))
}

/// `float.conjugate()`: the float itself (a NaN keeps its identity).
fn float_conjugate(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    float_receiver(interp, args, kwargs, "conjugate")?;
    Ok(args[0].builtin_value().clone())
}

/// `float.hex()`: CPython's form, `[-]0x1.<13 hex digits>p<exponent>`
/// for a normal number, `0x0.…p-1022` for a subnormal one.
fn float_hex(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let x = float_receiver(interp, args, kwargs, "hex")?;
    if !x.is_finite() {
        return Ok(Value::str(crate::runtime::format::float_repr(x)));
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return Ok(Value::str(format!("{sign}0x0.0p+0")));
    }
    let bits = x.to_bits();
    let exponent_bits = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    let (leading, exponent) = match exponent_bits {
        0 => (0, -1022),
        _ => (1, exponent_bits - 1023),
    };
    Ok(Value::str(format!(
        "{sign}0x{leading}.{fraction:013x}p{exponent:+}"
    )))
}

/// `float.fromhex(s)`, a class method: `args[0]` is the class.
fn float_fromhex(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("float.fromhex() takes no keyword arguments"));
    }
    let [class, text] = args else {
        return Err(interp.type_error(format!(
            "float.fromhex() takes exactly one argument ({} given)",
            args.len().saturating_sub(1)
        )));
    };
    let Some(text) = text.builtin_value().as_str() else {
        return Err(interp.type_error("bad argument type for built-in operation"));
    };
    let x = match parse_hex_float(text) {
        Ok(x) => x,
        Err(HexFloatError::Invalid) => {
            return Err(interp.value_error("invalid hexadecimal floating-point string"))
        }
        Err(HexFloatError::TooLarge) => {
            return Err(interp.error(
                ExcType::OverflowError,
                "hexadecimal value too large to represent as a float",
            ))
        }
    };
    match class {
        Value::Type(made) if !Rc::ptr_eq(made, &interp.types.float) => {
            interp.call(class, &[Value::float(x)], &[])
        }
        _ => Ok(Value::float(x)),
    }
}

enum HexFloatError {
    Invalid,
    TooLarge,
}

/// Reads `[sign] ("inf" | "infinity" | "nan" | ["0x"] digits ["." digits]
/// ["p" [sign] decimal])` between ASCII blanks, rounding half to even.
fn parse_hex_float(text: &str) -> Result<f64, HexFloatError> {
    use HexFloatError::{Invalid, TooLarge};
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let signed = |x: f64| if negative { -x } else { x };
    let lower = body.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "infinity" => return Ok(signed(f64::INFINITY)),
        "nan" => return Ok(signed(f64::NAN)),
        _ => {}
    }
    let digits = lower.strip_prefix("0x").unwrap_or(&lower);
    let (number, exponent) = match digits.split_once('p') {
        Some((number, exponent)) => (number, Some(exponent)),
        None => (digits, None),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let is_hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    if whole.len() + fraction.len() == 0 || !is_hex(whole) || !is_hex(fraction) {
        return Err(Invalid);
    }
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Invalid);
            }
            // Far beyond any float's range either way: saturate.
            e.parse::<i64>().unwrap_or(if e.starts_with('-') {
                i64::MIN / 2
            } else {
                i64::MAX / 2
            })
        }
    };
    let mantissa = num_bigint::BigUint::parse_bytes(format!("{whole}{fraction}").as_bytes(), 16)
        .unwrap_or_default();
    if mantissa.is_zero() {
        return Ok(signed(0.0));
    }
    // value = mantissa · 2^scale, with its top bit at 2^(top - 1).
    let scale = exponent.saturating_sub(4 * fraction.len() as i64);
    let top = scale.saturating_add(mantissa.bits() as i64);
    if top > 1024 {
        return Err(TooLarge);
    }
    if top < -1074 - 1 {
        return Ok(signed(0.0));
    }
    // The weight of the last bit kept: 53 bits, fewer for a subnormal.
    let last_bit = (top - 53).max(-1074);
    let shift = last_bit - scale;
    let kept = if shift <= 0 {
        mantissa << (-shift) as usize
    } else {
        let shift = shift as usize;
        let kept = &mantissa >> shift;
        let dropped = &mantissa - (&kept << shift);
        let half = num_bigint::BigUint::from(1u8) << (shift - 1);
        let odd = kept.bit(0);
        if dropped > half || (dropped == half && odd) {
            kept + 1u8
        } else {
            kept
        }
    };
    let kept = kept.to_u64().unwrap_or(u64::MAX) as f64;
    let x = kept * power_of_two(last_bit);
    if x.is_infinite() {
        return Err(TooLarge);
    }
    Ok(signed(x))
}

/// 2^k, exactly, for k in -1074..=1023.
fn power_of_two(k: i64) -> f64 {
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1 << (k + 1074))
    }
}

/// The exact fraction of a float, in lowest terms with a positive
/// denominator: its mantissa over a power of two.
fn float_as_integer_ratio(interp: &mut Interp, args: &[Value], kwargs: &Kwargs) -> PyResult<Value> {
    let x = float_receiver(interp, args, kwargs, "as_integer_ratio")?;
    if x.is_nan() {
        return Err(interp.value_error("cannot convert NaN to integer ratio"));
    }
    if x.is_infinite() {
        return Err(interp.error(
            ExcType::OverflowError,
            "cannot convert Infinity to integer ratio",
        ));
    }
    let bits = x.to_bits();
    let exponent_bits = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    // x = mantissa * 2**exponent, with subnormals lacking the implicit bit.
    let (mut mantissa, mut exponent) = if exponent_bits == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), exponent_bits - 1075)
    };
    if mantissa == 0 {
        return Ok(Value::pair(Value::Int(0), Value::Int(1)));
    }
    let shift = (mantissa.trailing_zeros() as i64).min(-exponent).max(0);
    mantissa >>= shift;
    exponent += shift;
    let mut numerator = BigInt::from(mantissa);
    let mut denominator = BigInt::from(1);
    if exponent >= 0 {
        numerator <<= exponent as usize;
    } else {
        denominator <<= (-exponent) as usize;
    }
    if x.is_sign_negative() {
        numerator = -numerator;
    }
    Ok(Value::pair(
        Value::from_bigint(numerator),
        Value::from_bigint(denominator),
    ))
}

/// CPython's default `sys.get_int_max_str_digits()`: longer decimal
/// strings are refused, both ways, to bound the quadratic conversion.
pub const DEFAULT_MAX_STR_DIGITS: usize = 4300;

impl Interp {
    /// `str(n)` in decimal, refused past `sys.get_int_max_str_digits()`.
    pub fn int_to_decimal(&self, n: &BigInt) -> PyResult<String> {
        let limit = self.int_max_str_digits;
        let too_long = || {
            self.value_error(format!(
                "Exceeds the limit ({limit} digits) for integer string conversion; \
                 use sys.set_int_max_str_digits() to increase the limit"
            ))
        };
        // A number of b bits has at least (b - 1)·log10(2) + 1 digits: far
        // too long ones are refused before the (quadratic) conversion.
        let fewest_digits =
            (n.bits().saturating_sub(1) as f64 * std::f64::consts::LOG10_2) as usize + 1;
        if limit > 0 && fewest_digits > limit {
            return Err(too_long());
        }
        let text = n.to_string();
        let digits = text.trim_start_matches('-').len();
        if limit > 0 && digits > limit {
            return Err(too_long());
        }
        Ok(text)
    }
}
