//! Text conversions for numbers and strings, matching CPython 3.11 exactly.
//!
//! This module is the single place where pyl turns numbers into text (and
//! float text back into numbers):
//!
//! * [`float_repr`] — `repr(float)` / `str(float)`,
//! * [`FormatSpec`] — the format-spec mini-language used by `format()`,
//!   `str.format` and f-strings, together with [`format_int`],
//!   [`format_float`] and [`format_str`],
//! * [`float_round`] — `round(float, ndigits)`,
//! * [`int_to_base`] — `hex()`, `oct()` and `bin()`,
//! * [`parse_float`] — what `float(str)` accepts.
//!
//! The layout rules are transcribed from CPython's
//! `Python/formatter_unicode.c` and `Python/pystrtod.c` (`format_float_short`),
//! so that widths, padding, grouping and exponent switching agree
//! character for character.  CPython gets its decimal digits from David
//! Gay's `dtoa`; here they come from Rust's float formatting, which is
//! equivalent for our purposes: `{:e}` yields the shortest round-trip
//! digits, and `{:.N}` / `{:.Ne}` are exact and correctly rounded with
//! round-half-even on the exact binary value, just like `dtoa` modes 3 and 2.
//!
//! Errors are returned as the exact CPython message.  Nearly all of them are
//! `ValueError`s; the few that CPython raises as `OverflowError` are
//! recognised by [`is_overflow_error`].

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

// ---------------------------------------------------------------------------
// Error messages
// ---------------------------------------------------------------------------

const MSG_INT_TOO_LARGE_FOR_FLOAT: &str = "int too large to convert to float";
const MSG_CHAR_OUT_OF_RANGE: &str = "%c arg not in range(0x110000)";
const MSG_INT_TOO_LARGE_FOR_C_LONG: &str = "Python int too large to convert to C long";
const MSG_ROUND_OVERFLOW: &str = "rounded value too large to represent";

/// Tells whether an error message produced by this module corresponds to a
/// Python `OverflowError` rather than a `ValueError`.
///
/// The formatting functions return plain `String` errors; the interpreter
/// uses this to pick the exception class.
pub fn is_overflow_error(message: &str) -> bool {
    matches!(
        message,
        MSG_INT_TOO_LARGE_FOR_FLOAT
            | MSG_CHAR_OUT_OF_RANGE
            | MSG_INT_TOO_LARGE_FOR_C_LONG
            | MSG_ROUND_OVERFLOW
    )
}

/// Quotes a presentation type the way CPython's error messages do: printable
/// ASCII as `'x'`, anything else as `'\x1f'` (lower-case hex, no padding).
fn quote_type_char(c: char) -> String {
    let code = u32::from(c);
    if code > 32 && code < 128 {
        format!("'{c}'")
    } else {
        format!("'\\x{code:x}'")
    }
}

fn unknown_format_code(ty: char, type_name: &str) -> String {
    format!(
        "Unknown format code {} for object of type '{}'",
        quote_type_char(ty),
        type_name
    )
}

fn invalid_separator_for_type(separator: char, ty: char) -> String {
    format!(
        "Cannot specify '{}' with {}.",
        separator,
        quote_type_char(ty)
    )
}

// ---------------------------------------------------------------------------
// Unicode decimal digits
// ---------------------------------------------------------------------------

/// Code points of every Unicode digit zero (category Nd) known to Python 3.11
/// (Unicode 14.0).  Each is followed by the digits one to nine, contiguously,
/// which was checked with `unicodedata` when this table was generated.
const UNICODE_DIGIT_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The value of `c` as a decimal digit, accepting every Unicode decimal digit
/// like Python's `unicodedata.decimal` (CPython accepts them in format-spec
/// widths and in `float()`/`int()` input).
pub fn decimal_digit_value(c: char) -> Option<u32> {
    let code = u32::from(c);
    if c.is_ascii() {
        return c.to_digit(10);
    }
    let index = UNICODE_DIGIT_ZEROS.partition_point(|&zero| zero <= code);
    let zero = UNICODE_DIGIT_ZEROS[index.checked_sub(1)?];
    let value = code - zero;
    (value < 10).then_some(value)
}

// ---------------------------------------------------------------------------
// Format-spec parsing
// ---------------------------------------------------------------------------

/// A parsed standard format specifier:
/// `[[fill]align][sign]["z"]["#"]["0"][width][grouping]["." precision][type]`.
///
/// Fields hold what was written; defaults that depend on the formatted type
/// (alignment, and what the `0` flag implies) are resolved by the
/// `format_*` functions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormatSpec {
    /// Explicit fill character; only present together with `align`.
    pub fill: Option<char>,
    /// One of `<`, `>`, `=`, `^`.
    pub align: Option<char>,
    /// One of `+`, `-`, ` `.
    pub sign: Option<char>,
    /// The `z` option (PEP 682): show negative zero as positive (floats only).
    pub no_neg_zero: bool,
    /// The `#` option.
    pub alternate: bool,
    /// The `0` flag (only recorded when no explicit fill was given, exactly as
    /// CPython does: `x<05` means fill `x` with width 5).
    pub zero: bool,
    pub width: Option<usize>,
    /// Thousands separator: `,` or `_`.
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    /// Presentation type (`type` in Python's grammar).
    pub ty: Option<char>,
}

impl FormatSpec {
    /// Parses a format specifier.
    ///
    /// For a spec with trailing garbage CPython's message names the type of
    /// the formatted object; this function cannot know it and says
    /// `Invalid format specifier '<spec>'`.  Prefer [`FormatSpec::parse_for`]
    /// when the type is known.
    pub fn parse(spec: &str) -> Result<FormatSpec, String> {
        parse_spec(spec, None)
    }

    /// Parses a format specifier for an object of Python type `type_name`
    /// (`"int"`, `"float"`, `"str"`, ...), giving CPython's exact message
    /// `Invalid format specifier 'xyz' for object of type 'int'`.
    pub fn parse_for(spec: &str, type_name: &str) -> Result<FormatSpec, String> {
        parse_spec(spec, Some(type_name))
    }

    /// Resolves the fill character and alignment for a type whose natural
    /// alignment is `default_align`.
    ///
    /// The `0` flag means "fill with zeros"; for right-aligned types (numbers)
    /// it also selects `=` so the zeros go after the sign, but for strings it
    /// leaves the alignment alone (Python 3.10+: `format('ab', '05')` is
    /// `'ab000'`).
    fn fill_and_align(&self, default_align: char) -> (char, char) {
        if let Some(fill) = self.fill {
            return (fill, self.align.unwrap_or(default_align));
        }
        if self.zero {
            let align = self.align.unwrap_or(if default_align == '>' {
                '='
            } else {
                default_align
            });
            ('0', align)
        } else {
            (' ', self.align.unwrap_or(default_align))
        }
    }

    /// Width as a signed number, `-1` meaning "not given", mirroring CPython
    /// so the padding arithmetic below can be transcribed directly.
    fn width_or_minus_one(&self) -> isize {
        self.width.map_or(-1, |w| w as isize)
    }
}

fn is_align_char(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '^')
}

/// Reads a run of decimal digits starting at `*pos`.  Returns `None` when no
/// digit is present, and the CPython error when the value overflows
/// `Py_ssize_t`.
fn parse_spec_integer(chars: &[char], pos: &mut usize) -> Result<Option<usize>, String> {
    let mut value: usize = 0;
    let mut consumed = false;
    while let Some(digit) = chars.get(*pos).and_then(|&c| decimal_digit_value(c)) {
        let digit = digit as usize;
        if value > (isize::MAX as usize - digit) / 10 {
            return Err("Too many decimal digits in format string".to_string());
        }
        value = value * 10 + digit;
        consumed = true;
        *pos += 1;
    }
    Ok(consumed.then_some(value))
}

fn parse_spec(spec: &str, type_name: Option<&str>) -> Result<FormatSpec, String> {
    let chars: Vec<char> = spec.chars().collect();
    let end = chars.len();
    let mut pos = 0;
    let mut out = FormatSpec::default();
    let at = |pos: usize, c: char| chars.get(pos) == Some(&c);

    // A fill character is only recognised when followed by an alignment.
    if end >= 2 && is_align_char(chars[1]) {
        out.fill = Some(chars[0]);
        out.align = Some(chars[1]);
        pos = 2;
    } else if end >= 1 && is_align_char(chars[0]) {
        out.align = Some(chars[0]);
        pos = 1;
    }

    if let Some(&c @ ('+' | '-' | ' ')) = chars.get(pos) {
        out.sign = Some(c);
        pos += 1;
    }
    if at(pos, 'z') {
        out.no_neg_zero = true;
        pos += 1;
    }
    if at(pos, '#') {
        out.alternate = true;
        pos += 1;
    }
    if out.fill.is_none() && at(pos, '0') {
        out.zero = true;
        pos += 1;
    }

    out.width = parse_spec_integer(&chars, &mut pos)?;

    if at(pos, ',') {
        out.grouping = Some(',');
        pos += 1;
    }
    if at(pos, '_') {
        if out.grouping.is_some() {
            return Err("Cannot specify both ',' and '_'.".to_string());
        }
        out.grouping = Some('_');
        pos += 1;
    }
    // "_," is an error, but ",," is not caught here: the second comma is then
    // read as the presentation type, as in CPython.
    if at(pos, ',') && out.grouping == Some('_') {
        return Err("Cannot specify both ',' and '_'.".to_string());
    }

    if at(pos, '.') {
        pos += 1;
        out.precision = parse_spec_integer(&chars, &mut pos)?;
        if out.precision.is_none() {
            return Err("Format specifier missing precision".to_string());
        }
    }

    match end - pos {
        0 => {}
        1 => out.ty = Some(chars[pos]),
        _ => {
            return Err(match type_name {
                Some(name) => {
                    format!("Invalid format specifier '{spec}' for object of type '{name}'")
                }
                None => format!("Invalid format specifier '{spec}'"),
            })
        }
    }

    // Validation that does not depend on the formatted type (PEP 378/515).
    // A missing type is accepted here; for strings it means 's', which
    // `format_str` rejects itself.
    if let Some(separator) = out.grouping {
        match out.ty {
            None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => {}
            Some('b' | 'o' | 'x' | 'X') if separator == '_' => {}
            Some(ty) => return Err(invalid_separator_for_type(separator, ty)),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Padding and number layout (CPython's calc_number_widths / fill_number)
// ---------------------------------------------------------------------------

fn push_repeated(out: &mut String, c: char, count: isize) {
    for _ in 0..count.max(0) {
        out.push(c);
    }
}

/// Splits `n_padding` into (left, right) for `<`, `>` and `^`.
fn split_padding(n_padding: isize, align: char) -> (isize, isize) {
    let n_padding = n_padding.max(0);
    let left = match align {
        '>' => n_padding,
        '^' => n_padding / 2,
        _ => 0,
    };
    (left, n_padding - left)
}

/// Inserts thousands separators into `digits`, left-padding with zeros until
/// the result is at least `min_width` characters (this is how `0`-padding
/// gets separators too: `format(1234, '08,')` is `'0,001,234'`).
///
/// A transcription of `_PyUnicode_InsertThousandsGrouping`, including its
/// quirk of never starting the result with a separator.
fn insert_grouping(digits: &str, min_width: isize, grouping: Option<(char, usize)>) -> String {
    let digits: Vec<char> = digits.chars().collect();
    let mut remaining = digits.len() as isize;
    let mut min_width = min_width.max(0);
    // Built right to left, then reversed.
    let mut reversed: Vec<char> = Vec::with_capacity(digits.len() * 2);
    let emit = |reversed: &mut Vec<char>,
                separator: Option<char>,
                n_chars: isize,
                n_zeros: isize,
                remaining: isize| {
        if let Some(sep) = separator {
            reversed.push(sep);
        }
        let start = (remaining - n_chars) as usize;
        reversed.extend(digits[start..remaining as usize].iter().rev());
        reversed.extend(std::iter::repeat_n('0', n_zeros as usize));
    };

    match grouping {
        None => {
            let len = remaining.max(min_width).max(1);
            let n_zeros = (len - remaining).max(0);
            emit(&mut reversed, None, remaining, n_zeros, remaining);
        }
        Some((separator, group)) => {
            let group = group as isize;
            let mut use_separator = false;
            loop {
                let len = group.min(remaining.max(min_width).max(1));
                let n_zeros = (len - remaining).max(0);
                let n_chars = remaining.min(len).max(0);
                emit(
                    &mut reversed,
                    use_separator.then_some(separator),
                    n_chars,
                    n_zeros,
                    remaining,
                );
                use_separator = true;
                remaining -= n_chars;
                min_width -= len;
                if remaining <= 0 && min_width <= 0 {
                    break;
                }
                min_width -= 1; // the separator's width
            }
        }
    }
    reversed.into_iter().rev().collect()
}

/// The pieces of a formatted number, before padding:
/// `[sign][prefix][digits][.][remainder]`.
struct NumberParts<'a> {
    negative: bool,
    /// `0x`, `0b`, ... (already upper-cased for `X`).
    prefix: &'a str,
    /// The integer digits, which get grouped and zero-padded.
    digits: &'a str,
    has_decimal: bool,
    /// Fraction digits and/or exponent, `%`, `inf`, or the `c` character.
    remainder: &'a str,
}

/// Lays out a number inside the requested width; the output looks like
/// `<lpadding><sign><prefix><spadding><grouped digits><decimal><remainder><rpadding>`
/// where at most one of the paddings is non-empty.
fn layout_number(
    parts: &NumberParts<'_>,
    spec: &FormatSpec,
    fill: char,
    align: char,
    grouping: Option<(char, usize)>,
) -> String {
    let sign = match spec.sign {
        Some('+') => Some(if parts.negative { '-' } else { '+' }),
        Some(' ') => Some(if parts.negative { '-' } else { ' ' }),
        _ => parts.negative.then_some('-'),
    };
    let width = spec.width_or_minus_one();
    let n_non_digit = isize::from(sign.is_some())
        + parts.prefix.chars().count() as isize
        + isize::from(parts.has_decimal)
        + parts.remainder.chars().count() as isize;

    // With '0' fill and '=' alignment the zeros are part of the digit run, so
    // that separators are inserted among them as well.
    let min_width = if fill == '0' && align == '=' {
        width - n_non_digit
    } else {
        0
    };
    // No digits only happens for 'c' and for inf/nan; the grouping code
    // would otherwise emit at least one zero.
    let grouped = if parts.digits.is_empty() {
        String::new()
    } else {
        insert_grouping(parts.digits, min_width, grouping)
    };

    let n_padding = width - (n_non_digit + grouped.chars().count() as isize);
    let (left, middle, right) = if align == '=' {
        (0, n_padding.max(0), 0)
    } else {
        let (left, right) = split_padding(n_padding, align);
        (left, 0, right)
    };

    let mut out = String::with_capacity(grouped.len() + parts.remainder.len() + 8);
    push_repeated(&mut out, fill, left);
    if let Some(sign) = sign {
        out.push(sign);
    }
    out.push_str(parts.prefix);
    push_repeated(&mut out, fill, middle);
    out.push_str(&grouped);
    if parts.has_decimal {
        out.push('.');
    }
    out.push_str(parts.remainder);
    push_repeated(&mut out, fill, right);
    out
}

// ---------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------

/// `format(s, spec)` for `str`.  Width and precision count characters (code
/// points), not bytes.  An empty spec returns `s` unchanged.
pub fn format_str(s: &str, spec: &FormatSpec) -> Result<String, String> {
    // With no type, strings default to 's', which does not take separators;
    // CPython reports this while parsing, i.e. before any other error.
    if let (Some(separator), None) = (spec.grouping, spec.ty) {
        return Err(invalid_separator_for_type(separator, 's'));
    }
    if let Some(ty) = spec.ty {
        if ty != 's' {
            return Err(unknown_format_code(ty, "str"));
        }
    }
    if let Some(sign) = spec.sign {
        return Err(if sign == ' ' {
            "Space not allowed in string format specifier".to_string()
        } else {
            "Sign not allowed in string format specifier".to_string()
        });
    }
    if spec.no_neg_zero {
        return Err(
            "Negative zero coercion (z) not allowed in string format specifier".to_string(),
        );
    }
    if spec.alternate {
        return Err("Alternate form (#) not allowed in string format specifier".to_string());
    }
    let (fill, align) = spec.fill_and_align('<');
    if align == '=' {
        return Err("'=' alignment not allowed in string format specifier".to_string());
    }

    let text = match spec.precision {
        Some(precision) => match s.char_indices().nth(precision) {
            Some((byte_index, _)) => &s[..byte_index],
            None => s,
        },
        None => s,
    };
    let n_chars = text.chars().count() as isize;
    let (left, right) = split_padding(spec.width_or_minus_one() - n_chars, align);
    let mut out = String::with_capacity(text.len() + (left + right) as usize);
    push_repeated(&mut out, fill, left);
    out.push_str(text);
    push_repeated(&mut out, fill, right);
    Ok(out)
}

// ---------------------------------------------------------------------------
// Integers
// ---------------------------------------------------------------------------

/// `hex()`, `oct()` and `bin()`: digits in `base` with the `0x`/`0o`/`0b`
/// prefix after the sign (`hex(-255)` is `'-0xff'`).  Other bases (2..=36)
/// get no prefix.
pub fn int_to_base(value: &BigInt, base: u32) -> String {
    let prefix = match base {
        2 => "0b",
        8 => "0o",
        16 => "0x",
        _ => "",
    };
    let digits = value.magnitude().to_str_radix(base);
    let sign = if value.is_negative() { "-" } else { "" };
    format!("{sign}{prefix}{digits}")
}

/// Python's `float(int)`: correctly rounded, `OverflowError` when out of range.
fn int_to_f64(value: &BigInt) -> Result<f64, String> {
    // num-bigint rounds half-to-even and yields an infinity when the rounded
    // value does not fit, which is exactly when CPython raises.
    match value.to_f64() {
        Some(x) if x.is_finite() => Ok(x),
        _ => Err(MSG_INT_TOO_LARGE_FOR_FLOAT.to_string()),
    }
}

/// `format(value, spec)` for `int`.  An empty spec gives `str(value)`.
///
/// Types `e E f F g G %` convert the value to float first, as CPython does.
pub fn format_int(value: &BigInt, spec: &FormatSpec) -> Result<String, String> {
    format_int_as(value, spec, "int")
}

/// Like [`format_int`], with `type_name` used in "Unknown format code"
/// messages — `"bool"` for `format(True, 'q')`.  (An empty spec on a bool
/// must produce `'True'`; that is the caller's `str()`, not this function.)
pub fn format_int_as(value: &BigInt, spec: &FormatSpec, type_name: &str) -> Result<String, String> {
    match spec.ty {
        None | Some('b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n') => format_int_internal(value, spec),
        Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => {
            format_float_internal(int_to_f64(value)?, spec)
        }
        Some(ty) => Err(unknown_format_code(ty, type_name)),
    }
}

fn format_int_internal(value: &BigInt, spec: &FormatSpec) -> Result<String, String> {
    if spec.precision.is_some() {
        return Err("Precision not allowed in integer format specifier".to_string());
    }
    if spec.no_neg_zero {
        return Err(
            "Negative zero coercion (z) not allowed in integer format specifier".to_string(),
        );
    }
    let (fill, align) = spec.fill_and_align('>');
    let ty = spec.ty.unwrap_or('d');

    if ty == 'c' {
        if spec.sign.is_some() {
            return Err("Sign not allowed with integer format specifier 'c'".to_string());
        }
        if spec.alternate {
            return Err(
                "Alternate form (#) not allowed with integer format specifier 'c'".to_string(),
            );
        }
        let code = value
            .to_i64()
            .ok_or_else(|| MSG_INT_TOO_LARGE_FOR_C_LONG.to_string())?;
        if !(0..=0x10FFFF).contains(&code) {
            return Err(MSG_CHAR_OUT_OF_RANGE.to_string());
        }
        // Python strings may hold lone surrogates; Rust strings cannot.
        let character = char::from_u32(code as u32)
            .ok_or_else(|| format!("cannot format surrogate code point {code:#x} with 'c'"))?;
        let remainder = character.to_string();
        // The character is laid out as "remainder" so it is never grouped or
        // zero-padded internally, like CPython's trick for 'c'.
        let parts = NumberParts {
            negative: false,
            prefix: "",
            digits: "",
            has_decimal: false,
            remainder: &remainder,
        };
        return Ok(layout_number(&parts, spec, fill, align, None));
    }

    let (base, prefix) = match ty {
        'b' => (2, "0b"),
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let mut digits = value.magnitude().to_str_radix(base);
    if ty == 'X' {
        digits.make_ascii_uppercase();
    }
    let grouping = match (ty, spec.grouping) {
        // 'n' uses the C locale, which has no grouping.
        ('n', _) | (_, None) => None,
        ('b' | 'o' | 'x' | 'X', Some(separator)) => Some((separator, 4)),
        (_, Some(separator)) => Some((separator, 3)),
    };
    let parts = NumberParts {
        negative: value.is_negative(),
        prefix: if spec.alternate { prefix } else { "" },
        digits: &digits,
        has_decimal: false,
        remainder: "",
    };
    Ok(layout_number(&parts, spec, fill, align, grouping))
}

// ---------------------------------------------------------------------------
// Floats: digit generation (the role of dtoa)
// ---------------------------------------------------------------------------

/// Decimal digits of a non-negative finite float, without leading or trailing
/// zeros, and the position of the decimal point relative to them
/// (`digits = "125", decpt = 0` is 0.125).  Zero is `("0", 1)`, like dtoa.
struct Digits {
    digits: String,
    decpt: isize,
}

/// Splits Rust's `{:e}` output (`"1.25e-1"`) into digits and decimal point.
fn digits_from_exponential(text: &str) -> Digits {
    let (mantissa, exponent) = text
        .split_once('e')
        .expect("Rust's {:e} output always has an exponent");
    let exponent: isize = exponent.parse().expect("exponent is an integer");
    let digits: String = mantissa.chars().filter(|&c| c != '.').collect();
    let trimmed = digits.trim_end_matches('0');
    if trimmed.is_empty() {
        Digits {
            digits: "0".to_string(),
            decpt: 1,
        }
    } else {
        Digits {
            digits: trimmed.to_string(),
            decpt: exponent + 1,
        }
    }
}

/// dtoa mode 0: the shortest digits that round-trip, and among those the
/// closest to the exact value, ties going to the even digit.
fn shortest_digits(a: f64) -> Digits {
    let shortest = format!("{a:e}");
    // Rust breaks exact ties between two equally short, equally close
    // candidates upwards (79901738315358.625 -> ...358.63) where dtoa picks
    // the even one (...358.62).  The correctly rounded string of the same
    // length is the closest candidate with ties to even; it is the answer
    // whenever it still round-trips.
    let n_digits = shortest.split_once('e').map_or(1, |(mantissa, _)| {
        mantissa.len() - usize::from(mantissa.contains('.'))
    });
    let nearest = format!("{:.*e}", n_digits - 1, a);
    if nearest != shortest && nearest.parse::<f64>() == Ok(a) {
        digits_from_exponential(&nearest)
    } else {
        digits_from_exponential(&shortest)
    }
}

/// dtoa mode 2: `n >= 1` significant digits, correctly rounded.
fn significant_digits(a: f64, n: usize) -> Digits {
    // A double's exact decimal expansion has at most 767 significant
    // digits: asking for more adds zeros, which `Digits` drops anyway
    // (and Rust's formatting takes no precision over 65 535).
    let n = n.min(MAX_EXACT_DIGITS);
    digits_from_exponential(&format!("{:.*e}", n - 1, a))
}

/// More digits than any double's exact decimal expansion has, before or
/// after the point (767 significant, 1 074 after the point).
const MAX_EXACT_DIGITS: usize = 1100;

/// dtoa mode 3: rounded to `places` digits after the decimal point.
fn fixed_digits(a: f64, places: usize) -> Digits {
    if a == 0.0 {
        return Digits {
            digits: "0".to_string(),
            decpt: 1,
        };
    }
    let text = format!("{a:.*}", places.min(MAX_EXACT_DIGITS));
    let (int_part, frac_part) = text.split_once('.').unwrap_or((&text, ""));
    let all: String = [int_part, frac_part].concat();
    let leading_zeros = all.len() - all.trim_start_matches('0').len();
    let digits = all[leading_zeros..].trim_end_matches('0');
    if digits.is_empty() {
        // Rounded away entirely; dtoa then reports decpt = -places.
        Digits {
            digits: String::new(),
            decpt: -(places as isize),
        }
    } else {
        Digits {
            digits: digits.to_string(),
            decpt: int_part.len() as isize - leading_zeros as isize,
        }
    }
}

/// CPython's `PyOS_double_to_string` (via `format_float_short`), without the
/// always-add-sign flag.
///
/// `code` is one of `e E f F g G r` (`r` = repr, precision ignored);
/// `add_dot_0` makes integral fixed-point output end in `.0` and makes `g`
/// switch to exponent one digit earlier; `alternate` is the `#` flag.
fn double_to_string(
    x: f64,
    code: char,
    precision: usize,
    add_dot_0: bool,
    alternate: bool,
    no_neg_zero: bool,
) -> String {
    let upper = code.is_ascii_uppercase();
    let code = code.to_ascii_lowercase();
    if x.is_nan() {
        return if upper { "NAN" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        let text = if x < 0.0 { "-inf" } else { "inf" };
        return if upper {
            text.to_ascii_uppercase()
        } else {
            text.to_string()
        };
    }

    let magnitude = x.abs();
    let (Digits { digits, decpt }, precision) = match code {
        'e' => (significant_digits(magnitude, precision + 1), precision + 1),
        'f' => (fixed_digits(magnitude, precision), precision),
        // precision 0 makes no sense for 'g'; C treats it as 1.
        'g' => {
            let precision = precision.max(1);
            (significant_digits(magnitude, precision), precision)
        }
        _ => (shortest_digits(magnitude), 0),
    };
    let precision = precision as isize;
    let mut decpt = decpt;
    let digits_len = digits.len() as isize;
    let negative = x.is_sign_negative() && !(no_neg_zero && (digits.is_empty() || digits == "0"));

    // Which slice of the infinite string "...000<digits>000..." to print.
    let mut vdigits_end = digits_len;
    let mut use_exp = false;
    match code {
        'e' => {
            use_exp = true;
            vdigits_end = precision;
        }
        'f' => vdigits_end = decpt + precision,
        'g' => {
            let limit = if add_dot_0 { precision - 1 } else { precision };
            use_exp = decpt <= -4 || decpt > limit;
            if alternate {
                vdigits_end = precision;
            }
        }
        // repr switches to exponent notation at 1e16 and below 1e-4.
        _ => use_exp = decpt <= -4 || decpt > 16,
    }
    let mut exponent = 0;
    if use_exp {
        exponent = decpt - 1;
        decpt = 1;
    }
    let vdigits_start = if decpt <= 0 { decpt - 1 } else { 0 };
    vdigits_end = if !use_exp && add_dot_0 {
        vdigits_end.max(decpt + 1)
    } else {
        vdigits_end.max(decpt)
    };

    let mut out = String::with_capacity((vdigits_end - vdigits_start) as usize + 8);
    if negative {
        out.push('-');
    }
    // Zeros on the left, possibly containing the decimal point.
    if decpt <= 0 {
        push_repeated(&mut out, '0', decpt - vdigits_start);
        out.push('.');
        push_repeated(&mut out, '0', -decpt);
    } else {
        push_repeated(&mut out, '0', -vdigits_start);
    }
    // The digits, possibly containing the decimal point.
    if 0 < decpt && decpt <= digits_len {
        out.push_str(&digits[..decpt as usize]);
        out.push('.');
        out.push_str(&digits[decpt as usize..]);
    } else {
        out.push_str(&digits);
    }
    // Zeros on the right, possibly containing the decimal point.
    if digits_len < decpt {
        push_repeated(&mut out, '0', decpt - digits_len);
        out.push('.');
        push_repeated(&mut out, '0', vdigits_end - decpt);
    } else {
        push_repeated(&mut out, '0', vdigits_end - digits_len);
    }
    if out.ends_with('.') && !alternate {
        out.pop();
    }
    if use_exp {
        out.push(if upper { 'E' } else { 'e' });
        // C's "%+.02d": explicit sign, at least two digits.
        out.push_str(&format!("{exponent:+03}"));
    }
    out
}

// ---------------------------------------------------------------------------
// Floats: public API
// ---------------------------------------------------------------------------

/// `repr(x)` (and `str(x)`) for a Python float: the shortest digits that
/// round-trip, in fixed notation for 1e-4 <= |x| < 1e16 (with `.0` for
/// integral values) and exponent notation otherwise (`1e+16`, `1.5e-05`).
pub fn float_repr(x: f64) -> String {
    double_to_string(x, 'r', 0, true, false, false)
}

/// `format(x, spec)` for `float`.  An empty spec gives `repr(x)`.
pub fn format_float(x: f64, spec: &FormatSpec) -> Result<String, String> {
    match spec.ty {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => {
            format_float_internal(x, spec)
        }
        Some(ty) => Err(unknown_format_code(ty, "float")),
    }
}

fn format_float_internal(x: f64, spec: &FormatSpec) -> Result<String, String> {
    if spec.precision.is_some_and(|p| p > i32::MAX as usize) {
        return Err("precision too big".to_string());
    }
    // No type: repr without precision; with a precision, like 'g' but with at
    // least one digit after the point for integral values and an earlier
    // switch to exponent notation (format(1234.5, '.4') == '1.234e+03').
    let (mut code, add_dot_0, default_precision) = match spec.ty {
        None => ('r', true, 0),
        Some('n') => ('g', false, 6),
        Some(ty) => (ty, false, 6),
    };
    let mut value = x;
    let percent = code == '%';
    if percent {
        code = 'f';
        value *= 100.0;
    }
    let precision = match spec.precision {
        Some(precision) => {
            if code == 'r' {
                code = 'g';
            }
            precision
        }
        None => default_precision,
    };

    let mut text = double_to_string(
        value,
        code,
        precision,
        add_dot_0,
        spec.alternate,
        spec.no_neg_zero,
    );
    if percent {
        text.push('%');
    }

    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let n_digits = unsigned.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, rest) = unsigned.split_at(n_digits);
    let (has_decimal, remainder) = match rest.strip_prefix('.') {
        Some(remainder) => (true, remainder),
        None => (false, rest),
    };
    let grouping = match spec.ty {
        Some('n') => None,
        _ => spec.grouping.map(|separator| (separator, 3)),
    };
    let (fill, align) = spec.fill_and_align('>');
    let parts = NumberParts {
        negative,
        prefix: "",
        digits,
        has_decimal,
        remainder,
    };
    Ok(layout_number(&parts, spec, fill, align, grouping))
}

/// Python's `round(x, ndigits)` for a float, correctly rounded
/// (half-to-even on the exact binary value, so `round(2.675, 2)` is 2.67).
///
/// When the result overflows (`round(1.7976931348623157e308, -308)`) CPython
/// raises `OverflowError`; this returns an infinity instead — use
/// [`float_round_checked`] to get the error.
pub fn float_round(x: f64, ndigits: i64) -> f64 {
    float_round_checked(x, ndigits).unwrap_or(f64::INFINITY.copysign(x))
}

/// [`float_round`] with CPython's `OverflowError` message on overflow.
pub fn float_round_checked(x: f64, ndigits: i64) -> Result<f64, String> {
    if !x.is_finite() {
        return Ok(x);
    }
    // Beyond these bounds the answer is known without computing: every float
    // is a multiple of 10**-323 in the sense that rounding is a no-op, and
    // every float is below 0.5 * 10**309.
    if ndigits > 323 {
        return Ok(x);
    }
    if ndigits < -308 {
        return Ok(0.0 * x);
    }
    let text = if ndigits >= 0 {
        format!("{:.*}", ndigits as usize, x)
    } else {
        round_to_power_of_ten(x, ndigits.unsigned_abs() as usize)
    };
    let rounded: f64 = text
        .parse()
        .expect("a rounded decimal string is a valid float literal");
    if rounded.is_infinite() {
        Err(MSG_ROUND_OVERFLOW.to_string())
    } else {
        Ok(rounded)
    }
}

/// Rounds `x` half-to-even to a multiple of `10**places`, returning the
/// result as decimal text (`"-13e2"`).
fn round_to_power_of_ten(x: f64, places: usize) -> String {
    let magnitude = x.abs();
    let integral = magnitude.trunc();
    let has_fraction = magnitude != integral;
    // Exact: an integral float prints exactly with no fraction digits.
    let int_digits = format!("{integral:.0}");
    let padded = format!("{int_digits:0>width$}", width = places + 1);
    let (high, low) = padded.split_at(padded.len() - places);

    let half = format!("5{}", "0".repeat(places - 1));
    let round_up = match low.cmp(half.as_str()) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => has_fraction || high.as_bytes()[high.len() - 1] % 2 == 1,
    };
    let mut high = high.parse::<BigInt>().expect("digits parse as an integer");
    if round_up {
        high += 1;
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    format!("{sign}{high}e{places}")
}

/// What `float(s)` accepts: optional surrounding whitespace, an optional
/// sign, then `inf`, `infinity` or `nan` (any case) or a decimal literal
/// (`1e5`, `.5`, `5.`), with single underscores allowed between digits.
/// Non-ASCII decimal digits count as digits, as in CPython.  Returns `None`
/// where CPython raises `ValueError`; out-of-range values become infinities
/// or zeros, as in CPython.
pub fn parse_float(s: &str) -> Option<f64> {
    // CPython first maps non-ASCII whitespace to ' ' and non-ASCII decimal
    // digits to ASCII; any other non-ASCII character makes the input invalid.
    let mut ascii = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else if c.is_whitespace() {
            ascii.push(' ');
        } else {
            let digit = decimal_digit_value(c)?;
            ascii.push(char::from_digit(digit, 10)?);
        }
    }
    // Only C's isspace() set is stripped (notably not \x1c-\x1f).
    let trimmed = ascii.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r'));

    // Underscores must sit between two digits.
    let bytes = trimmed.as_bytes();
    let mut cleaned = String::with_capacity(trimmed.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let after_digit = i > 0 && bytes[i - 1].is_ascii_digit();
            let before_digit = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(after_digit && before_digit) {
                return None;
            }
        } else {
            cleaned.push(char::from(b));
        }
    }

    let (negative, body) = match cleaned.as_bytes().first() {
        Some(b'-') => (true, &cleaned[1..]),
        Some(b'+') => (false, &cleaned[1..]),
        _ => (false, cleaned.as_str()),
    };
    let lower = body.to_ascii_lowercase();
    let magnitude = match lower.as_str() {
        "inf" | "infinity" => f64::INFINITY,
        // CPython ignores the sign of a NaN here.
        "nan" => return Some(f64::NAN),
        _ if is_decimal_literal(body) => body.parse().ok()?,
        _ => return None,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// `digits [. [digits]] | . digits`, then an optional `e[+-]digits`; no sign.
fn is_decimal_literal(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let count_digits = |pos: &mut usize| {
        let start = *pos;
        while bytes.get(*pos).is_some_and(u8::is_ascii_digit) {
            *pos += 1;
        }
        *pos - start
    };
    let mut mantissa_digits = count_digits(&mut pos);
    if bytes.get(pos) == Some(&b'.') {
        pos += 1;
        mantissa_digits += count_digits(&mut pos);
    }
    if mantissa_digits == 0 {
        return false;
    }
    if matches!(bytes.get(pos), Some(b'e' | b'E')) {
        pos += 1;
        if matches!(bytes.get(pos), Some(b'+' | b'-')) {
            pos += 1;
        }
        if count_digits(&mut pos) == 0 {
            return false;
        }
    }
    pos == bytes.len()
}

#[cfg(test)]
// The literals below were pasted from CPython 3.11.7; some happen to look
// like well-known constants (3.14159).
#[allow(clippy::approx_constant)]
mod tests {
    use super::*;

    // Expected values generated with python3 (3.11.7): repr(x), format(x, spec),
    const FLOAT_REPRS: &[(f64, &str)] = &[
        (0.1, "0.1"),
        (0.30000000000000004, "0.30000000000000004"),
        (0.3333333333333333, "0.3333333333333333"),
        (0.6666666666666666, "0.6666666666666666"),
        (1e+16, "1e+16"),
        (1000000000000000.0, "1000000000000000.0"),
        (123456789.123, "123456789.123"),
        (0.0001, "0.0001"),
        (1e-05, "1e-05"),
        (5e-324, "5e-324"),
        (1.7976931348623157e+308, "1.7976931348623157e+308"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
        (2.5, "2.5"),
        (100.0, "100.0"),
        (123456789012345.0, "123456789012345.0"),
        (1234567890123456.8, "1234567890123456.8"),
        (9999999999999998.0, "9999999999999998.0"),
        (1e+22, "1e+22"),
        (1e+23, "1e+23"),
        (1.5e-05, "1.5e-05"),
        (2.2250738585072014e-308, "2.2250738585072014e-308"),
        (79901738315358.62, "79901738315358.62"),
        (2461039504100.0312, "2461039504100.0312"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
        (f64::NAN, "nan"),
        (1e+100, "1e+100"),
        (-1.5, "-1.5"),
        (0.000123, "0.000123"),
        (12345678.9, "12345678.9"),
        (9007199254740992.0, "9007199254740992.0"),
        (9.223372036854776e+18, "9.223372036854776e+18"),
        (1e-07, "1e-07"),
        (3e-05, "3e-05"),
    ];

    const FLOAT_FORMATS: &[(f64, &str, Result<&str, &str>)] = &[
        (3.14159, ".2f", Ok("3.14")),
        (1234567.891, ",.2f", Ok("1,234,567.89")),
        (0.25, "%", Ok("25.000000%")),
        (0.256, ".1%", Ok("25.6%")),
        (12345.678, "e", Ok("1.234568e+04")),
        (1e+20, "g", Ok("1e+20")),
        (0.0001, "g", Ok("0.0001")),
        (-0.0, ".1f", Ok("-0.0")),
        (f64::INFINITY, "10", Ok("       inf")),
        (1.0, "", Ok("1.0")),
        (1e+16, "", Ok("1e+16")),
        (1.5, ".3", Ok("1.5")),
        (1.0, ".3", Ok("1.0")),
        (1234.5, ".2", Ok("1.2e+03")),
        (1234.5, ".4", Ok("1.234e+03")),
        (100.0, ".3", Ok("1e+02")),
        (123.0, ".4", Ok("123.0")),
        (1.0, ".0", Ok("1e+00")),
        (2.5, ".0", Ok("2e+00")),
        (0.0, ".0", Ok("0e+00")),
        (1e+16, ".17", Ok("1e+16")),
        (1.0, "#", Ok("1.0")),
        (1.0, "#.0", Ok("1.e+00")),
        (1.0, "#.0f", Ok("1.")),
        (1.0, "#.0e", Ok("1.e+00")),
        (1.0, "#g", Ok("1.00000")),
        (100.0, "#.3g", Ok("100.")),
        (1.0, "#.0%", Ok("100.%")),
        (0.5, ".0%", Ok("50%")),
        (0.125, ".2f", Ok("0.12")),
        (0.375, ".2f", Ok("0.38")),
        (2.5, ".0f", Ok("2")),
        (0.5, ".0f", Ok("0")),
        (1.5, ".0f", Ok("2")),
        (0.1, ".30f", Ok("0.100000000000000005551115123126")),
        (0.1, ".17g", Ok("0.10000000000000001")),
        (0.1, ".0e", Ok("1e-01")),
        (9.99, ".1f", Ok("10.0")),
        (9.96, ".1e", Ok("1.0e+01")),
        (2.675, ".2f", Ok("2.67")),
        (0.000123456, "g", Ok("0.000123456")),
        (123456789.0, "g", Ok("1.23457e+08")),
        (1e-05, "g", Ok("1e-05")),
        (123456.0, "g", Ok("123456")),
        (1234567.0, "g", Ok("1.23457e+06")),
        (1e+20, "G", Ok("1E+20")),
        (1e-20, "E", Ok("1.000000E-20")),
        (1e-20, "e", Ok("1.000000e-20")),
        (1e+100, ".3e", Ok("1.000e+100")),
        (5e-324, ".3e", Ok("4.941e-324")),
        (-0.0, "", Ok("-0.0")),
        (-0.0, "g", Ok("-0")),
        (-0.0, "e", Ok("-0.000000e+00")),
        (-0.0, "%", Ok("-0.000000%")),
        (-1e-10, ".2f", Ok("-0.00")),
        (-1e-10, "z.2f", Ok("0.00")),
        (-0.0, "z", Ok("0.0")),
        (-0.0, "zg", Ok("0")),
        (-0.0, "+z.1f", Ok("+0.0")),
        (-0.0, " z.2e", Ok(" 0.00e+00")),
        (-0.004, "z.2%", Ok("-0.40%")),
        (-4e-05, "z.2%", Ok("0.00%")),
        (-1e-300, "z", Ok("-1e-300")),
        (1.0, "n", Ok("1")),
        (1.5, ".3n", Ok("1.5")),
        (1234.0, ".3n", Ok("1.23e+03")),
        (123.456, "10.2n", Ok("   1.2e+02")),
        (1e+16, "n", Ok("1e+16")),
        (1234567.0, "n", Ok("1.23457e+06")),
        (f64::INFINITY, "010", Ok("0000000inf")),
        (f64::NEG_INFINITY, "+", Ok("-inf")),
        (f64::NAN, "+", Ok("+nan")),
        (f64::NAN, "", Ok("nan")),
        (f64::INFINITY, "%", Ok("inf%")),
        (f64::INFINITY, "E", Ok("INF")),
        (f64::NAN, "F", Ok("NAN")),
        (f64::INFINITY, ",.2f", Ok("inf")),
        (f64::INFINITY, "=+10", Ok("+      inf")),
        (f64::NAN, "010", Ok("0000000nan")),
        (f64::INFINITY, "#.0f", Ok("inf")),
        (1.5, "=10", Ok("       1.5")),
        (1.5, "010,", Ok("0,000,001.5")),
        (1234.5, "012,.1f", Ok("00,001,234.5")),
        (1234567.0, ",e", Ok("1.234567e+06")),
        (123456789.0, ",.12g", Ok("123,456,789")),
        (1e+20, ",g", Ok("1e+20")),
        (1234.5, "_", Ok("1_234.5")),
        (1234567.5, ",", Ok("1,234,567.5")),
        (1e+16, ",", Ok("1e+16")),
        (1e+22, ",.0f", Ok("10,000,000,000,000,000,000,000")),
        (-1234.5, "_>12,.2f", Ok("___-1,234.50")),
        (-1.5, "^+10", Ok("   -1.5   ")),
        (1.5, "x^10", Ok("xxx1.5xxxx")),
        (-1.5, "010", Ok("-0000001.5")),
        (-1.5, "<010", Ok("-1.5000000")),
        (-1.5, "^010", Ok("000-1.5000")),
        (-1.5, "*=10.3f", Ok("-****1.500")),
        (1.5, " ", Ok(" 1.5")),
        (-2.25, "+.1f", Ok("-2.2")),
        (1234567.891, "_.3f", Ok("1_234_567.891")),
        (0.1, "015,.10f", Ok("0,000.1000000000")),
        (1e+300, ".0f", Ok("1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160")),
        (5e-324, ".400e", Ok("4.9406564584124654417656879286822137236505980261432476442558568250067550727020875186529983636163599237979656469544571773092665671035593979639877479601078187812630071319031140452784581716784898210368871863605699873072305000638740915356498438731247339727316961514003171538539807412623856559117102665855668676818703956031062493194527159149245532930545654440112748012970999954193198940908041656332452475715e-324")),
        (123.456, ".2%", Ok("12345.60%")),
        (2.5, ".1e", Ok("2.5e+00")),
        (1e+16, ".16", Ok("1e+16")),
        (9.5, ".0f", Ok("10")),
        (0.05, ".1f", Ok("0.1")),
        (0.15, ".1f", Ok("0.1")),
        (0.25, ".1f", Ok("0.2")),
        (0.35, ".1f", Ok("0.3")),
        (1.0, "d", Err("Unknown format code 'd' for object of type 'float'")),
        (1.0, "c", Err("Unknown format code 'c' for object of type 'float'")),
        (1.0, "x", Err("Unknown format code 'x' for object of type 'float'")),
        (1.0, "s", Err("Unknown format code 's' for object of type 'float'")),
        (1.0, ".2147483648f", Err("precision too big")),
        (1.5, "xyz", Err("Invalid format specifier 'xyz' for object of type 'float'")),
        (1.5, "_n", Err("Cannot specify '_' with 'n'.")),
        (1.5, ",c", Err("Cannot specify ',' with 'c'.")),
        (1.5, ".", Err("Format specifier missing precision")),
        (1.5, "z#", Ok("1.5")),
    ];

    const INT_FORMATS: &[(&str, &str, Result<&str, &str>)] = &[
        ("1234567", ",", Ok("1,234,567")),
        ("255", "#x", Ok("0xff")),
        ("255", "08b", Ok("11111111")),
        ("-42", "+05d", Ok("-0042")),
        ("123", "_", Ok("123")),
        ("1180591620717411303424", ",", Ok("1,180,591,620,717,411,303,424")),
        ("3", "=+6", Ok("+    3")),
        ("12", "c", Ok("\u{c}")),
        ("65", "c", Ok("A")),
        ("128512", "c", Ok("😀")),
        ("65", ">3c", Ok("  A")),
        ("65", "05c", Ok("0000A")),
        ("65", "=5c", Ok("    A")),
        ("255", "#X", Ok("0XFF")),
        ("255", "_X", Ok("FF")),
        ("-255", "#o", Ok("-0o377")),
        ("255", " ", Ok(" 255")),
        ("-255", "=10", Ok("-      255")),
        ("255", "#010x", Ok("0x000000ff")),
        ("-255", "#010x", Ok("-0x00000ff")),
        ("-255", "#010_x", Ok("-0x00_00ff")),
        ("255", "#_b", Ok("0b1111_1111")),
        ("255", "#010_b", Ok("0b1111_1111")),
        ("255", "#b", Ok("0b11111111")),
        ("-5", "b", Ok("-101")),
        ("0", "#o", Ok("0o0")),
        ("0", "+d", Ok("+0")),
        ("5", " d", Ok(" 5")),
        ("-5", " d", Ok("-5")),
        ("123", "^+9", Ok("  +123   ")),
        ("1234", "0<8,", Ok("1,234000")),
        ("1234", "*=+10,", Ok("+****1,234")),
        ("-1234", "010_", Ok("-0_001_234")),
        ("12345", "#_o", Ok("0o3_0071")),
        ("4294967296", "_b", Ok("1_0000_0000_0000_0000_0000_0000_0000_0000")),
        ("1000000000000000000000000000000", "_x", Ok("c_9f2c_9cd0_4674_edea_4000_0000")),
        ("1234", "08,", Ok("0,001,234")),
        ("1234", "09,", Ok("0,001,234")),
        ("1234", "010,", Ok("00,001,234")),
        ("1234", "0=10,", Ok("00,001,234")),
        ("1234", "<010", Ok("1234000000")),
        ("1234567", "n", Ok("1234567")),
        ("-7", "010n", Ok("-000000007")),
        ("1234", "010n", Ok("0000001234")),
        ("1234567", "e", Ok("1.234567e+06")),
        ("7", "%", Ok("700.000000%")),
        ("7", ".1%", Ok("700.0%")),
        ("7", "g", Ok("7")),
        ("7", ".2f", Ok("7.00")),
        ("1180591620717411303424", "e", Ok("1.180592e+21")),
        ("0", "zf", Ok("0.000000")),
        ("100000000000000000000", "F", Ok("100000000000000000000.000000")),
        ("9007199254740993", ".0f", Ok("9007199254740992")),
        ("0", "", Ok("0")),
        ("0", "", Ok("0")),
        ("-12345678901234567890", "", Ok("-12345678901234567890")),
        ("1", ".3", Err("Precision not allowed in integer format specifier")),
        ("1", "z", Err("Negative zero coercion (z) not allowed in integer format specifier")),
        ("1", "z.2", Err("Precision not allowed in integer format specifier")),
        ("1", "q", Err("Unknown format code 'q' for object of type 'int'")),
        ("1", "s", Err("Unknown format code 's' for object of type 'int'")),
        ("65", "+c", Err("Sign not allowed with integer format specifier 'c'")),
        ("65", "#c", Err("Alternate form (#) not allowed with integer format specifier 'c'")),
        ("-1", "c", Err("%c arg not in range(0x110000)")),
        ("1114112", "c", Err("%c arg not in range(0x110000)")),
        ("1180591620717411303424", "c", Err("Python int too large to convert to C long")),
        ("13582985290493858492773514283592667786034938469317445497485196697278130927542418487205392083207560592298578262953847383475038725543234929971155548342800628721885763499406390331782864144164680730766837160526223176512798435772129956553355286032203080380775759732320198985094884004069116123084147875437183658467465148948790552744165376", "e", Err("int too large to convert to float")),
        ("179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792", "f", Err("int too large to convert to float")),
        ("179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791", ".0e", Ok("2e+308")),
        ("1", "\u{1}", Err("Unknown format code '\\x1' for object of type 'int'")),
        ("1", "é", Err("Unknown format code '\\xe9' for object of type 'int'")),
        ("1", "ሴ", Err("Unknown format code '\\x1234' for object of type 'int'")),
        ("1", "\u{7f}", Err("Unknown format code '\u{7f}' for object of type 'int'")),
        ("1", "  ", Err("Unknown format code '\\x20' for object of type 'int'")),
        ("1", ",,", Err("Cannot specify ',' with ','.")),
        ("1", "_,", Err("Cannot specify both ',' and '_'.")),
        ("1", ",_", Err("Cannot specify both ',' and '_'.")),
        ("1", "__", Err("Cannot specify '_' with '_'.")),
        ("1", ".", Err("Format specifier missing precision")),
        ("1", ",s", Err("Cannot specify ',' with 's'.")),
        ("1", ",n", Err("Cannot specify ',' with 'n'.")),
        ("1", "_n", Err("Cannot specify '_' with 'n'.")),
        ("1", ",x", Err("Cannot specify ',' with 'x'.")),
        ("1", "_c", Err("Cannot specify '_' with 'c'.")),
        ("1", ",\u{1}", Err("Cannot specify ',' with '\\x1'.")),
        ("1", "xyz", Err("Invalid format specifier 'xyz' for object of type 'int'")),
        ("1", "99999999999999999999", Err("Too many decimal digits in format string")),
        ("1", "١٠", Ok("         1")),
        ("5", "*<+#010,d", Ok("+5********")),
    ];

    const STR_FORMATS: &[(&str, &str, Result<&str, &str>)] = &[
        ("ab", "*^7", Ok("**ab***")),
        ("abc", ".2", Ok("ab")),
        ("ab", "*^6", Ok("**ab**")),
        ("abc", "^6", Ok(" abc  ")),
        ("abc", "s", Ok("abc")),
        ("héllo", "10", Ok("héllo     ")),
        ("héllo", ">10.3", Ok("       hél")),
        ("日本語", "^7", Ok("  日本語  ")),
        ("a", ".0", Ok("")),
        ("abc", "<2", Ok("abc")),
        ("ab", "05", Ok("ab000")),
        ("ab", "<05", Ok("ab000")),
        ("ab", "x<05", Ok("abxxx")),
        ("ab", ">05", Ok("000ab")),
        ("ab", "", Ok("ab")),
        ("a", "+", Err("Sign not allowed in string format specifier")),
        (
            "a",
            " ",
            Err("Space not allowed in string format specifier"),
        ),
        ("a", "-", Err("Sign not allowed in string format specifier")),
        (
            "a",
            "+z",
            Err("Sign not allowed in string format specifier"),
        ),
        (
            "a",
            "z",
            Err("Negative zero coercion (z) not allowed in string format specifier"),
        ),
        (
            "a",
            "#",
            Err("Alternate form (#) not allowed in string format specifier"),
        ),
        (
            "a",
            "=",
            Err("'=' alignment not allowed in string format specifier"),
        ),
        (
            "a",
            "=#",
            Err("Alternate form (#) not allowed in string format specifier"),
        ),
        (
            "a",
            "#=",
            Err("'=' alignment not allowed in string format specifier"),
        ),
        (
            "a",
            "0=",
            Err("'=' alignment not allowed in string format specifier"),
        ),
        (
            "a",
            "5d",
            Err("Unknown format code 'd' for object of type 'str'"),
        ),
        ("a", ",", Err("Cannot specify ',' with 's'.")),
        ("a", "_", Err("Cannot specify '_' with 's'.")),
        ("a", ",s", Err("Cannot specify ',' with 's'.")),
        (
            "a",
            ",d",
            Err("Unknown format code 'd' for object of type 'str'"),
        ),
        (
            "a",
            "xyz",
            Err("Invalid format specifier 'xyz' for object of type 'str'"),
        ),
        ("a", ".", Err("Format specifier missing precision")),
        (
            "a",
            "é",
            Err("Unknown format code '\\xe9' for object of type 'str'"),
        ),
        ("😀b", "x^6.1", Ok("xx😀xxx")),
    ];

    const ROUNDS: &[(f64, i64, f64)] = &[
        (2.675, 2, 2.67),
        (1234.5, -1, 1230.0),
        (-4.0, -1, -0.0),
        (1250.0, -2, 1200.0),
        (1350.0, -2, 1400.0),
        (1250.0000001, -2, 1300.0),
        (5e-324, 323, 0.0),
        (5e-324, 324, 5e-324),
        (1e+308, -308, 1e+308),
        (0.5, 0, 0.0),
        (-0.5, 0, -0.0),
        (2.5, 0, 2.0),
        (3.5, 0, 4.0),
        (0.05, 1, 0.1),
        (0.15, 1, 0.1),
        (0.25, 1, 0.2),
        (0.35, 1, 0.3),
        (123.456, -5, 0.0),
        (-123.456, -5, -0.0),
        (-123.456, -2, -100.0),
        (-0.04, 1, -0.0),
        (5e-324, -1000, 0.0),
        (-5e-324, -1000, -0.0),
        (1e+300, 400, 1e+300),
        (f64::INFINITY, 2, f64::INFINITY),
        (f64::NEG_INFINITY, -2, f64::NEG_INFINITY),
        (-5e-324, 400, -5e-324),
        (1.5, -308, 0.0),
        (1.5, -309, 0.0),
        (-1.5, -309, -0.0),
        (5e+307, -308, 1e+308),
        (4.9e+307, -308, 0.0),
        (0.30000000000000004, 16, 0.3),
        (0.30000000000000004, 17, 0.30000000000000004),
        (1e+22, -22, 1e+22),
        (1.2345678901234568e+17, -17, 1e+17),
        (1.23456789, 4, 1.2346),
        (-1.23456789, 4, -1.2346),
        (0.125, 2, 0.12),
        (0.375, 2, 0.38),
        (1e-20, 25, 1e-20),
        (7.0, -1, 10.0),
        (15.0, -1, 20.0),
        (25.0, -1, 20.0),
        (-25.0, -1, -20.0),
    ];

    const PARSES: &[(&str, Option<f64>)] = &[
        ("1.5", Some(1.5)),
        (" 1.5\n", Some(1.5)),
        ("\u{3000}1.5\u{3000}", Some(1.5)),
        ("\u{85}1", Some(1.0)),
        ("\u{200b}1", None),
        ("\u{1c}1", None),
        ("\u{a0}1_0.5e1_0", Some(105000000000.0)),
        ("1__0", None),
        ("_1", None),
        ("1_", None),
        ("1_.5", None),
        ("1._5", None),
        ("1e_5", None),
        ("1_e5", None),
        (".5", Some(0.5)),
        ("5.", Some(5.0)),
        (".", None),
        ("e5", None),
        ("1e", None),
        ("+.5e-3", Some(0.0005)),
        ("-Infinity", Some(f64::NEG_INFINITY)),
        ("iNF", Some(f64::INFINITY)),
        ("nan", Some(f64::NAN)),
        ("-nan", Some(f64::NAN)),
        ("+inf", Some(f64::INFINITY)),
        ("infinit", None),
        ("infinityy", None),
        ("in_f", None),
        ("0x10", None),
        ("1e500", Some(f64::INFINITY)),
        ("-1e500", Some(f64::NEG_INFINITY)),
        ("1e-400", Some(0.0)),
        (" ", None),
        ("", None),
        ("1.5 2", None),
        ("1_000.000_1", Some(1000.0001)),
        ("١٢٣", Some(123.0)),
        ("0_0", Some(0.0)),
        ("00012", Some(12.0)),
        ("1E+5", Some(100000.0)),
        ("1e+-5", None),
        ("++1", None),
        ("-.e1", None),
        ("1.e5", Some(100000.0)),
        ("nan(1)", None),
        ("-0", Some(-0.0)),
        ("\u{b}2\u{c}", Some(2.0)),
        ("1e99999999999999999999", Some(f64::INFINITY)),
        ("-1e-99999999999999999999", Some(-0.0)),
        ("0.1", Some(0.1)),
        ("4.9e-324", Some(5e-324)),
        ("2.4703282292062328e-324", Some(5e-324)),
        ("2.4703282292062327e-324", Some(0.0)),
    ];

    const BASES: &[(&str, u32, &str)] = &[
        ("-255", 16, "-0xff"),
        ("255", 16, "0xff"),
        ("8", 8, "0o10"),
        ("-5", 2, "-0b101"),
        ("0", 16, "0x0"),
        ("0", 2, "0b0"),
        ("0", 8, "0o0"),
        (
            "1267650600228229401496703205376",
            16,
            "0x10000000000000000000000000",
        ),
        ("-1180591620717411303424", 8, "-0o200000000000000000000000"),
        ("255", 10, "255"),
    ];

    fn same_float(a: f64, b: f64) -> bool {
        (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
    }

    fn big(text: &str) -> BigInt {
        text.parse().expect("test integer literal")
    }

    #[test]
    fn float_repr_matches_python() {
        for &(x, want) in FLOAT_REPRS {
            assert_eq!(float_repr(x), want, "repr({x:?})");
        }
    }

    #[test]
    fn float_formats_match_python() {
        for &(x, spec, want) in FLOAT_FORMATS {
            let got = FormatSpec::parse_for(spec, "float").and_then(|s| format_float(x, &s));
            assert_eq!(
                got.as_deref().map_err(String::as_str),
                want,
                "format({x:?}, {spec:?})"
            );
        }
    }

    #[test]
    fn int_formats_match_python() {
        for &(value, spec, want) in INT_FORMATS {
            let got = FormatSpec::parse_for(spec, "int").and_then(|s| format_int(&big(value), &s));
            assert_eq!(
                got.as_deref().map_err(String::as_str),
                want,
                "format({value}, {spec:?})"
            );
        }
    }

    #[test]
    fn str_formats_match_python() {
        for &(value, spec, want) in STR_FORMATS {
            let got = FormatSpec::parse_for(spec, "str").and_then(|s| format_str(value, &s));
            assert_eq!(
                got.as_deref().map_err(String::as_str),
                want,
                "format({value:?}, {spec:?})"
            );
        }
    }

    #[test]
    fn rounding_matches_python() {
        for &(x, ndigits, want) in ROUNDS {
            let got = float_round(x, ndigits);
            assert!(
                same_float(got, want),
                "round({x:?}, {ndigits}) = {got:?}, want {want:?}"
            );
        }
    }

    #[test]
    fn rounding_overflow_is_an_overflow_error() {
        // round(1.7976931348623157e308, -308) raises OverflowError in CPython.
        let err = float_round_checked(f64::MAX, -308).unwrap_err();
        assert_eq!(err, "rounded value too large to represent");
        assert!(is_overflow_error(&err));
        assert_eq!(float_round(f64::MAX, -308), f64::INFINITY);
        assert_eq!(float_round(-f64::MAX, -308), f64::NEG_INFINITY);
    }

    #[test]
    fn parse_float_matches_python() {
        for &(text, want) in PARSES {
            let got = parse_float(text);
            let ok = match (got, want) {
                (Some(a), Some(b)) => same_float(a, b),
                (None, None) => true,
                _ => false,
            };
            assert!(ok, "float({text:?}) = {got:?}, want {want:?}");
        }
    }

    #[test]
    fn int_to_base_matches_python() {
        for &(value, base, want) in BASES {
            assert_eq!(
                int_to_base(&big(value), base),
                want,
                "base {base} of {value}"
            );
        }
    }

    #[test]
    fn overflow_errors_are_classified() {
        let spec = FormatSpec::parse("c").unwrap();
        let err = format_int(&big("1114112"), &spec).unwrap_err();
        assert!(is_overflow_error(&err));
        let spec = FormatSpec::parse("f").unwrap();
        let err = format_int(&(BigInt::from(1) << 1024u32), &spec).unwrap_err();
        assert!(is_overflow_error(&err));
        let spec = FormatSpec::parse("q").unwrap();
        let err = format_int(&big("1"), &spec).unwrap_err();
        assert!(!is_overflow_error(&err));
    }

    #[test]
    fn bool_uses_its_own_type_name() {
        // format(True, 'q') and format(True, 'd') in CPython.
        let spec = FormatSpec::parse_for("q", "bool").unwrap();
        assert_eq!(
            format_int_as(&big("1"), &spec, "bool").unwrap_err(),
            "Unknown format code 'q' for object of type 'bool'"
        );
        let spec = FormatSpec::parse_for("d", "bool").unwrap();
        assert_eq!(format_int_as(&big("1"), &spec, "bool").unwrap(), "1");
    }

    #[test]
    fn parse_records_every_field() {
        let spec = FormatSpec::parse("*<+z#012,.3f").unwrap();
        assert_eq!(
            spec,
            FormatSpec {
                fill: Some('*'),
                align: Some('<'),
                sign: Some('+'),
                no_neg_zero: true,
                alternate: true,
                zero: false, // an explicit fill makes "012" a plain width
                width: Some(12),
                grouping: Some(','),
                precision: Some(3),
                ty: Some('f'),
            }
        );
        let spec = FormatSpec::parse("08_x").unwrap();
        assert!(spec.zero && spec.fill.is_none() && spec.align.is_none());
        assert_eq!(
            (spec.width, spec.grouping, spec.ty),
            (Some(8), Some('_'), Some('x'))
        );
        assert_eq!(FormatSpec::parse("").unwrap(), FormatSpec::default());
        assert_eq!(
            FormatSpec::parse("xyz").unwrap_err(),
            "Invalid format specifier 'xyz'"
        );
    }

    #[test]
    fn empty_spec_is_str() {
        let spec = FormatSpec::default();
        assert_eq!(format_float(1e16, &spec).unwrap(), "1e+16");
        assert_eq!(
            format_float(0.1 + 0.2, &spec).unwrap(),
            "0.30000000000000004"
        );
        assert_eq!(format_int(&big("-12"), &spec).unwrap(), "-12");
        assert_eq!(format_str("héllo", &spec).unwrap(), "héllo");
    }

    #[test]
    fn unicode_decimal_digits() {
        assert_eq!(decimal_digit_value('7'), Some(7));
        assert_eq!(decimal_digit_value('\u{0663}'), Some(3)); // ARABIC-INDIC THREE
        assert_eq!(decimal_digit_value('\u{FF19}'), Some(9)); // FULLWIDTH NINE
        assert_eq!(decimal_digit_value('\u{1D7FF}'), Some(9)); // MATHEMATICAL MONOSPACE NINE
        assert_eq!(decimal_digit_value('a'), None);
        assert_eq!(decimal_digit_value('\u{00B2}'), None); // superscript two is not Nd
        assert_eq!(decimal_digit_value('\u{2160}'), None); // ROMAN NUMERAL ONE
    }
}
