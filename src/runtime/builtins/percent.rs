//! `%`-formatting, printf-style, of `str` and of `bytes` and `bytearray`
//! (`'%5.2f' % x`, `b'%(k)s' % {b'k': b'v'}`), following CPython's
//! `unicode_format_arg_parse` and `_PyBytes_FormatEx`. Bytes are
//! formatted as the text of the chars U+0000..U+00FF they stand for,
//! which every conversion of bytes keeps to, and turned back after.

use num_bigint::BigInt;
use num_traits::{FromPrimitive, Signed, ToPrimitive};

use super::str::ascii_escape;
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::value::Value;

const F_LJUST: u8 = 1;
const F_SIGN: u8 = 2;
const F_BLANK: u8 = 4;
const F_ALT: u8 = 8;
const F_ZERO: u8 = 16;

/// The arguments of `fmt % args`, consumed as CPython's formatter does:
/// a tuple supplies one item per conversion, anything else is the single
/// argument; a mapping (not a tuple or str) also serves `%(key)` lookups.
struct PercentArgs {
    target: Target,
    args: Value,
    /// Items in `args` when it is a tuple, else -1 (CPython's `arglen`).
    len: i64,
    next: i64,
    mapping: Option<Value>,
}

impl PercentArgs {
    fn next_arg(&mut self, interp: &Interp) -> PyResult<Value> {
        if self.next < self.len {
            let index = self.next;
            self.next += 1;
            if self.len < 0 {
                return Ok(self.args.clone());
            }
            if let Value::Tuple(items) = &self.args {
                if let Some(item) = items.get(index as usize) {
                    return Ok(item.clone());
                }
            }
        }
        Err(interp.type_error("not enough arguments for format string"))
    }
}

/// What is formatted: a str, or a bytes or bytearray.
#[derive(Clone, Copy, PartialEq)]
enum Target {
    Str,
    Bytes,
}

/// Whether `%`-formatting treats `value` as a mapping (CPython's
/// `PyMapping_Check`: anything subscriptable but tuples and strings —
/// nor, formatting bytes, bytes and bytearrays).
fn is_percent_mapping(interp: &Interp, value: &Value, target: Target) -> bool {
    match value {
        Value::Bytes(_) | Value::ByteArray(_) => target == Target::Str,
        Value::Dict(_) | Value::List(_) | Value::Range(_) => true,
        Value::Instance(_) if matches!(value.builtin_value(), Value::Str(_)) => false,
        Value::Instance(_) | Value::Future(_) | Value::Native(_) => {
            interp.class_of(value).lookup("__getitem__").is_some()
        }
        _ => false,
    }
}

/// A conversion spec as parsed: `%(key)flags width .prec type`.
struct PercentSpec {
    flags: u8,
    width: Option<usize>,
    precision: Option<usize>,
    kind: char,
}

/// `fmt % args` for strings.
pub fn percent_format(interp: &mut Interp, fmt: &str, args: &Value) -> PyResult<String> {
    let chars: Vec<char> = fmt.chars().collect();
    format_chars(interp, &chars, args, Target::Str)
}

/// `fmt % args` for bytes: what `fmt` is made of (bytes or bytearray).
pub fn percent_format_bytes(interp: &mut Interp, fmt: &[u8], args: &Value) -> PyResult<Vec<u8>> {
    let chars: Vec<char> = fmt.iter().map(|&byte| char::from(byte)).collect();
    let text = format_chars(interp, &chars, args, Target::Bytes)?;
    Ok(text.chars().map(|c| c as u8).collect())
}

fn format_chars(
    interp: &mut Interp,
    chars: &[char],
    args: &Value,
    target: Target,
) -> PyResult<String> {
    // A tuple's subclass gives its items, as a tuple does.
    let args = match args.builtin_value() {
        items @ Value::Tuple(_) => items,
        _ => args,
    };
    let mut state = PercentArgs {
        target,
        args: args.clone(),
        len: match args {
            Value::Tuple(items) => items.len() as i64,
            _ => -1,
        },
        next: match args {
            Value::Tuple(_) => 0,
            _ => -2,
        },
        mapping: is_percent_mapping(interp, args, target).then(|| args.clone()),
    };
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.get(i) == Some(&'%') {
            i += 1;
            out.push('%');
            continue;
        }
        let spec = parse_percent_spec(interp, chars, &mut i, &mut state)?;
        let value = state.next_arg(interp)?;
        format_percent_arg(interp, &spec, &value, i - 1, target, &mut out)?;
    }
    if state.next < state.len && state.mapping.is_none() {
        return Err(interp.type_error(match target {
            Target::Str => "not all arguments converted during string formatting",
            Target::Bytes => "not all arguments converted during bytes formatting",
        }));
    }
    Ok(out)
}

/// The number a run of decimal digits from `first` spells, read on from
/// `more` (which leaves the first character after them read): past
/// `limit`, CPython's ValueError `too_big`.
fn decimal_run(
    interp: &Interp,
    first: char,
    more: &mut impl FnMut() -> Option<char>,
    limit: usize,
    too_big: &str,
) -> PyResult<usize> {
    let mut value = first as usize - '0' as usize;
    while let Some(digit) = more().filter(char::is_ascii_digit) {
        value = (value.checked_mul(10))
            .and_then(|value| value.checked_add(digit as usize - '0' as usize))
            .filter(|&value| value <= limit)
            .ok_or_else(|| interp.value_error(too_big))?;
    }
    Ok(value)
}

/// Parses a conversion spec after its `%` (CPython's
/// `unicode_format_arg_parse`), consuming `*` arguments and switching
/// the arguments to a mapping's item for `%(key)`.
fn parse_percent_spec(
    interp: &mut Interp,
    chars: &[char],
    i: &mut usize,
    state: &mut PercentArgs,
) -> PyResult<PercentSpec> {
    // `c` is the last character read; `exhausted` records an attempt to
    // read past the end, which CPython reports only at the end.
    let mut c = '\0';
    let mut exhausted = false;
    let read = |i: &mut usize, c: &mut char, exhausted: &mut bool| match chars.get(*i) {
        Some(&next) => {
            *c = next;
            *i += 1;
            true
        }
        None => {
            *exhausted = true;
            false
        }
    };
    if chars.get(*i) == Some(&'(') {
        let Some(mapping) = state.mapping.clone() else {
            return Err(interp.type_error("format requires a mapping"));
        };
        *i += 1;
        let key_start = *i;
        let mut open = 1;
        while open > 0 && read(i, &mut c, &mut exhausted) {
            match c {
                ')' => open -= 1,
                '(' => open += 1,
                _ => {}
            }
        }
        if exhausted || open > 0 {
            return Err(interp.value_error("incomplete format key"));
        }
        let key = &chars[key_start..*i - 1];
        let key = match state.target {
            Target::Str => Value::str(key.iter().collect::<String>()),
            Target::Bytes => Value::bytes(key.iter().map(|&c| c as u8).collect::<Vec<u8>>()),
        };
        state.args = interp.get_item(&mapping, &key)?;
        state.len = -1;
        state.next = -2;
    }
    let mut flags = 0;
    while read(i, &mut c, &mut exhausted) {
        flags |= match c {
            '-' => F_LJUST,
            '+' => F_SIGN,
            ' ' => F_BLANK,
            '#' => F_ALT,
            '0' => F_ZERO,
            _ => break,
        };
    }
    let mut width = None;
    if c == '*' {
        let mut w = star_arg(interp, state)?;
        if w < 0 {
            flags |= F_LJUST;
            w = w.saturating_neg();
        }
        width = Some(w as usize);
        read(i, &mut c, &mut exhausted);
    } else if c.is_ascii_digit() {
        let first = c;
        let mut more = || read(i, &mut c, &mut exhausted).then_some(c);
        let digits = decimal_run(interp, first, &mut more, i64::MAX as usize, "width too big")?;
        width = Some(digits);
    }
    let mut precision = None;
    if c == '.' {
        precision = Some(0);
        read(i, &mut c, &mut exhausted);
        if c == '*' {
            let p = star_arg(interp, state)?;
            if p > i32::MAX as i64 || p < i32::MIN as i64 {
                return Err(interp.error(
                    ExcType::OverflowError,
                    "Python int too large to convert to C int",
                ));
            }
            precision = Some(p.max(0) as usize);
            read(i, &mut c, &mut exhausted);
        } else if c.is_ascii_digit() {
            let first = c;
            let mut more = || read(i, &mut c, &mut exhausted).then_some(c);
            let limit = i32::MAX as usize;
            precision = Some(decimal_run(
                interp,
                first,
                &mut more,
                limit,
                // bytes' formatter (bytesobject.c) words it shorter.
                match state.target {
                    Target::Str => "precision too big",
                    Target::Bytes => "prec too big",
                },
            )?);
        }
    }
    if !exhausted && matches!(c, 'h' | 'l' | 'L') {
        read(i, &mut c, &mut exhausted);
    }
    if exhausted {
        return Err(interp.value_error("incomplete format"));
    }
    Ok(PercentSpec {
        flags,
        width,
        precision,
        kind: c,
    })
}

/// A `*` width or precision: the next argument, which must be an int.
fn star_arg(interp: &mut Interp, state: &mut PercentArgs) -> PyResult<i64> {
    match state.next_arg(interp)? {
        Value::Int(n) => Ok(n),
        Value::Bool(b) => Ok(i64::from(b.get())),
        Value::BigInt(_) => Err(interp.error(
            ExcType::OverflowError,
            "Python int too large to convert to C ssize_t",
        )),
        _ => Err(interp.type_error("* wants int")),
    }
}

/// Converts one argument and writes it padded (CPython's
/// `unicode_format_arg_format` and `unicode_format_arg_output`).
fn format_percent_arg(
    interp: &mut Interp,
    spec: &PercentSpec,
    value: &Value,
    position: usize,
    target: Target,
    out: &mut String,
) -> PyResult<()> {
    let mut signed = false;
    let text = match (spec.kind, target) {
        ('s' | 'b', Target::Bytes) => truncated(bytes_text(interp, value)?, spec.precision),
        ('r' | 'a', Target::Bytes) => truncated(ascii_escape(&interp.repr(value)?), spec.precision),
        ('c', Target::Bytes) => char::from(byte_char(interp, value)?).to_string(),
        ('b', Target::Str) => return Err(unsupported_character(interp, 'b', position)),
        ('s' | 'r' | 'a', Target::Str) => {
            let text = match spec.kind {
                's' => interp.to_str(value)?,
                'r' => interp.repr(value)?,
                _ => ascii_escape(&interp.repr(value)?),
            };
            truncated(text, spec.precision)
        }
        ('d' | 'i' | 'u' | 'o' | 'x' | 'X', _) => {
            signed = true;
            let n = percent_int(interp, value, spec.kind)?;
            if matches!(spec.kind, 'd' | 'i' | 'u') {
                interp.int_to_decimal(&n)?;
            }
            format_int(&n, spec)
        }
        ('e' | 'E' | 'f' | 'F' | 'g' | 'G', _) => {
            signed = true;
            let x = percent_float(interp, value, target)?;
            let float_spec = format!(
                "{}.{}{}",
                if spec.flags & F_ALT != 0 { "#" } else { "" },
                spec.precision.unwrap_or(6),
                spec.kind
            );
            interp.format_value(&Value::float(x), &float_spec)?
        }
        ('c', Target::Str) => percent_char(interp, value)?.to_string(),
        (other, _) => return Err(unsupported_character(interp, other, position)),
    };
    pad_percent(interp, &text, spec, signed, out)
}

fn unsupported_character(interp: &Interp, c: char, position: usize) -> PyErr {
    let shown = if (31..=126).contains(&(c as u32)) {
        c
    } else {
        '?'
    };
    interp.value_error(format!(
        "unsupported format character '{shown}' (0x{:x}) at index {position}",
        c as u32
    ))
}

/// `text` cut to `precision` characters.
fn truncated(text: String, precision: Option<usize>) -> String {
    match precision {
        Some(p) if text.chars().count() > p => text.chars().take(p).collect(),
        _ => text,
    }
}

/// `%s`/`%b` of bytes: a bytes-like object's bytes, or `__bytes__`'s.
fn bytes_text(interp: &mut Interp, value: &Value) -> PyResult<String> {
    let data = match value.bytes_like() {
        Some(data) => data,
        None => match interp.lookup_special(value, "__bytes__") {
            Some(method) if matches!(value, Value::Instance(_)) => {
                match interp.call_bound(&method, value, &[], &[])? {
                    Value::Bytes(data) => data,
                    other => {
                        return Err(interp.type_error(format!(
                            "__bytes__ returned non-bytes (type {})",
                            interp.type_name(&other)
                        )))
                    }
                }
            }
            _ => {
                return Err(interp.type_error(format!(
                "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
                interp.type_name(value)
            )))
            }
        },
    };
    Ok(data.iter().map(|&byte| char::from(byte)).collect())
}

/// `%c` of bytes: an int in range(256), or a bytes or bytearray of one.
fn byte_char(interp: &mut Interp, value: &Value) -> PyResult<u8> {
    let wrong = |interp: &Interp| {
        interp.type_error("%c requires an integer in range(256) or a single byte")
    };
    if let Some(data) = value.bytes_like() {
        return match data[..] {
            [byte] => Ok(byte),
            _ => Err(wrong(interp)),
        };
    }
    let index = match value {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => interp.to_bigint(value),
        Value::Instance(_) if interp.class_of(value).lookup("__index__").is_some() => {
            Some(BigInt::from(interp.to_index(value)?))
        }
        _ => None,
    };
    let Some(index) = index else {
        return Err(wrong(interp));
    };
    index
        .to_u8()
        .ok_or_else(|| interp.error(ExcType::OverflowError, "%c arg not in range(256)"))
}

/// The integer `%d`/`%x`/… formats: ints as they are, floats and
/// objects with `__int__` truncated for `d`/`i`/`u`, objects with
/// `__index__` for every kind.
fn percent_int(interp: &mut Interp, value: &Value, kind: char) -> PyResult<BigInt> {
    let wrong_type = |interp: &Interp| {
        interp.type_error(format!(
            "%{kind} format: {} is required, not {}",
            if matches!(kind, 'o' | 'x' | 'X') {
                "an integer"
            } else {
                "a real number"
            },
            interp.type_name(value)
        ))
    };
    if let Some(n) = interp.to_bigint(value) {
        return Ok(n);
    }
    let integer_only = matches!(kind, 'o' | 'x' | 'X');
    match value {
        Value::Float(x) if !integer_only => {
            if x.get().is_nan() {
                Err(interp.value_error("cannot convert float NaN to integer"))
            } else {
                BigInt::from_f64(x.get().trunc()).ok_or_else(|| {
                    interp.error(
                        ExcType::OverflowError,
                        "cannot convert float infinity to integer",
                    )
                })
            }
        }
        Value::Instance(_) | Value::Future(_) | Value::Native(_) => {
            let class = interp.class_of(value);
            let method = if integer_only {
                class.lookup("__index__").map(|_| "__index__")
            } else {
                class
                    .lookup("__int__")
                    .map(|_| "__int__")
                    .or_else(|| class.lookup("__index__").map(|_| "__index__"))
            };
            let Some(method) = method else {
                return Err(wrong_type(interp));
            };
            let bound = interp.get_attr(value, method)?;
            let result = interp.call(&bound, &[], &[])?;
            interp.to_bigint(&result).ok_or_else(|| {
                interp.type_error(format!(
                    "{method} returned non-int (type {})",
                    interp.type_name(&result)
                ))
            })
        }
        _ => Err(wrong_type(interp)),
    }
}

/// Sign, base prefix (for `#`), digits zero-padded to the precision.
fn format_int(n: &BigInt, spec: &PercentSpec) -> String {
    let (radix, prefix) = match spec.kind {
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let mut digits = n.magnitude().to_str_radix(radix);
    if spec.kind == 'X' {
        digits.make_ascii_uppercase();
    }
    let mut out = String::new();
    if n.is_negative() {
        out.push('-');
    }
    if spec.flags & F_ALT != 0 {
        out.push_str(prefix);
    }
    if let Some(p) = spec.precision {
        out.extend(std::iter::repeat_n('0', p.saturating_sub(digits.len())));
    }
    out.push_str(&digits);
    out
}

fn percent_float(interp: &mut Interp, value: &Value, target: Target) -> PyResult<f64> {
    match value {
        Value::Float(x) => Ok(x.get()),
        Value::Int(n) => Ok(*n as f64),
        Value::Bool(b) => Ok(f64::from(u8::from(b.get()))),
        Value::BigInt(n) => n.to_f64().filter(|x| x.is_finite()).ok_or_else(|| {
            interp.error(ExcType::OverflowError, "int too large to convert to float")
        }),
        Value::Instance(_) | Value::Future(_) | Value::Native(_) => {
            let class = interp.class_of(value);
            if class.lookup("__float__").is_some() {
                let method = interp.get_attr(value, "__float__")?;
                match interp.call(&method, &[], &[])? {
                    Value::Float(x) => Ok(x.get()),
                    other => Err(interp.type_error(format!(
                        "{}.__float__ returned non-float (type {})",
                        class.name,
                        interp.type_name(&other)
                    ))),
                }
            } else if class.lookup("__index__").is_some() {
                let n = interp.to_index(value)?;
                Ok(n as f64)
            } else {
                Err(not_real(interp, value, target))
            }
        }
        _ => Err(not_real(interp, value, target)),
    }
}

fn not_real(interp: &Interp, value: &Value, target: Target) -> PyErr {
    let wanted = match target {
        Target::Str => "must be real number",
        Target::Bytes => "float argument required",
    };
    interp.type_error(format!("{wanted}, not {}", interp.type_name(value)))
}

fn percent_char(interp: &mut Interp, value: &Value) -> PyResult<char> {
    let wrong = |interp: &Interp| interp.type_error("%c requires int or char");
    let code = match value {
        _ if let Value::Str(s) = value.builtin_value() => {
            let mut chars = s.as_str().chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(wrong(interp)),
            };
        }
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => interp.to_bigint(value),
        Value::Instance(_) | Value::Future(_) | Value::Native(_)
            if interp.class_of(value).lookup("__index__").is_some() =>
        {
            Some(BigInt::from(interp.to_index(value)?))
        }
        _ => None,
    };
    let Some(code) = code else {
        return Err(wrong(interp));
    };
    match code.to_u32().filter(|&c| c < 0x110000) {
        // Lone surrogates cannot live in a UTF-8 string.
        Some(c) => Ok(char::from_u32(c).unwrap_or('\u{fffd}')),
        None => Err(interp.error(ExcType::OverflowError, "%c arg not in range(0x110000)")),
    }
}

/// Writes a converted argument with its sign, `#` prefix and padding,
/// following CPython's `unicode_format_arg_output` exactly (zero padding
/// goes between the sign/prefix and the digits; `-` pads on the right).
fn pad_percent(
    interp: &Interp,
    text: &str,
    spec: &PercentSpec,
    signed: bool,
    out: &mut String,
) -> PyResult<()> {
    let mut body = text;
    let mut sign = None;
    if signed {
        match body.chars().next() {
            Some(c @ ('-' | '+')) => {
                sign = Some(c);
                body = &body[1..];
            }
            _ if spec.flags & F_SIGN != 0 => sign = Some('+'),
            _ if spec.flags & F_BLANK != 0 => sign = Some(' '),
            _ => {}
        }
    }
    let fill = if signed && spec.flags & F_ZERO != 0 && spec.flags & F_LJUST == 0 {
        '0'
    } else {
        ' '
    };
    let prefix = if spec.flags & F_ALT != 0 && matches!(spec.kind, 'x' | 'X' | 'o') {
        let prefix_len = 2.min(body.len());
        let (prefix, rest) = body.split_at(prefix_len);
        body = rest;
        prefix
    } else {
        ""
    };
    let len = body.chars().count() + sign.map_or(0, |_| 1) + prefix.len();
    let padding = spec.width.unwrap_or(0).saturating_sub(len);
    let left_aligned = spec.flags & F_LJUST != 0;
    interp.reserve_text(out, padding.saturating_add(text.len()))?;
    if fill == '0' {
        out.extend(sign);
        out.push_str(prefix);
        out.extend(std::iter::repeat_n('0', padding));
    } else {
        if !left_aligned {
            out.extend(std::iter::repeat_n(' ', padding));
        }
        out.extend(sign);
        out.push_str(prefix);
    }
    out.push_str(body);
    if left_aligned {
        out.extend(std::iter::repeat_n(' ', padding));
    }
    Ok(())
}
