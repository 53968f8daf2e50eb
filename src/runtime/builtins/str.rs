//! `str`: the constructor and the methods, indexing and `in`, `repr` of
//! strings, `str.format` and `%`-formatting.
//!
//! Strings are UTF-8 but Python counts code points, so every position that
//! crosses the Python boundary (indices, `find` results, `start`/`end`
//! arguments, widths) is a code-point count; the byte offsets are
//! computed here (and skipped for ASCII strings, where both agree).

use std::cell::RefCell;
use std::rc::Rc;

use num_traits::ToPrimitive;

use super::sequences::{
    check_args, item_index, receiver_error, slice_bound, slice_positions, ssize_arg, SliceBounds,
};
use super::{add_method, function, unicode_tables};
use crate::runtime::attributes::MethodWrapper;
use crate::runtime::codecs;
use crate::runtime::dict::Dict;
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::NativeFn;
use crate::runtime::value::{PyStr, Value};
use crate::syntax::ast::Name;

const METHODS: &[(&str, NativeFn)] = &[
    ("__new__", str_new),
    ("upper", str_upper),
    ("lower", str_lower),
    ("casefold", str_casefold),
    ("title", str_title),
    ("capitalize", str_capitalize),
    ("swapcase", str_swapcase),
    ("isdigit", str_isdigit),
    ("isdecimal", str_isdecimal),
    ("isnumeric", str_isnumeric),
    ("isalpha", str_isalpha),
    ("isalnum", str_isalnum),
    ("isspace", str_isspace),
    ("isupper", str_isupper),
    ("islower", str_islower),
    ("istitle", str_istitle),
    ("isidentifier", str_isidentifier),
    ("isprintable", str_isprintable),
    ("isascii", str_isascii),
    ("find", str_find),
    ("rfind", str_rfind),
    ("index", str_index),
    ("rindex", str_rindex),
    ("count", str_count),
    ("startswith", str_startswith),
    ("endswith", str_endswith),
    ("split", str_split),
    ("rsplit", str_rsplit),
    ("splitlines", str_splitlines),
    ("partition", str_partition),
    ("rpartition", str_rpartition),
    ("strip", str_strip),
    ("lstrip", str_lstrip),
    ("rstrip", str_rstrip),
    ("replace", str_replace),
    ("join", str_join),
    ("center", str_center),
    ("ljust", str_ljust),
    ("rjust", str_rjust),
    ("zfill", str_zfill),
    ("expandtabs", str_expandtabs),
    ("removeprefix", str_removeprefix),
    ("removesuffix", str_removesuffix),
    ("encode", str_encode),
    ("format", str_format),
    ("format_map", str_format_map),
    ("translate", str_translate),
];

pub fn install(interp: &mut Interp) {
    let class = interp.types.str_.clone();
    for &(name, func) in METHODS {
        add_method(&class, name, func);
    }
    let maketrans = MethodWrapper {
        function: function("maketrans", str_maketrans),
        is_classmethod: false,
    };
    class
        .namespace
        .borrow_mut()
        .insert("maketrans".into(), Value::native(Rc::new(maketrans)));
}

// ----- receivers, arguments, positions ---------------------------------

fn receiver<'a>(interp: &Interp, args: &'a [Value], method: &str) -> PyResult<&'a Rc<PyStr>> {
    match args.first().map(Value::builtin_value) {
        Some(Value::Str(s)) => Ok(s),
        _ => Err(receiver_error(interp, "str", method, args)),
    }
}

fn new_str(text: impl Into<Box<str>>) -> PyResult<Value> {
    Ok(Value::str(text))
}

/// Binds arguments by position or keyword as CPython's argument clinic
/// does, with its messages; omitted optional parameters are `None`.
pub(super) fn bind<'a>(
    interp: &Interp,
    function: &str,
    args: &'a [Value],
    kwargs: &'a [(Name, Value)],
    names: &[&str],
    required: usize,
) -> PyResult<Vec<Option<&'a Value>>> {
    let given = args.len() + kwargs.len();
    if given > names.len() {
        let max = names.len();
        return Err(interp.type_error(format!(
            "{function}() takes at most {max} {}argument{} ({given} given)",
            if args.is_empty() { "keyword " } else { "" },
            if max == 1 { "" } else { "s" }
        )));
    }
    let mut bound = Vec::with_capacity(names.len());
    for (i, &name) in names.iter().enumerate() {
        let by_name = kwargs.iter().find(|(k, _)| &**k == name).map(|(_, v)| v);
        let value = match (args.get(i), by_name) {
            (Some(_), Some(_)) => {
                return Err(interp.type_error(format!(
                    "argument for {function}() given by name ('{name}') and position ({})",
                    i + 1
                )))
            }
            (Some(v), None) | (None, Some(v)) => Some(v),
            (None, None) if i < required => {
                return Err(interp.type_error(format!(
                    "{function}() missing required argument '{name}' (pos {})",
                    i + 1
                )))
            }
            (None, None) => None,
        };
        bound.push(value);
    }
    if let Some((unknown, _)) = kwargs.iter().find(|(k, _)| !names.contains(&&**k)) {
        return Err(interp.type_error(format!(
            "'{unknown}' is an invalid keyword argument for {function}()"
        )));
    }
    Ok(bound)
}

/// The argument check of `find`, `count`, `startswith`, … of `str` and
/// `bytes` (the `class`): one required argument and an optional `start`
/// and `end`.
pub(super) fn check_range_args(
    interp: &Interp,
    class: &str,
    method: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<()> {
    if !kwargs.is_empty() {
        return Err(interp.type_error(format!("{class}.{method}() takes no keyword arguments")));
    }
    match args.len().saturating_sub(1) {
        0 => Err(interp.type_error(format!("{method}() takes at least 1 argument (0 given)"))),
        n if n > 3 => {
            Err(interp.type_error(format!("{method}() takes at most 3 arguments ({n} given)")))
        }
        _ => Ok(()),
    }
}

/// A `str` argument of `find`-like methods (`must be str, not int`).
fn str_arg<'a>(interp: &Interp, value: &'a Value) -> PyResult<&'a str> {
    match value.builtin_value() {
        Value::Str(s) => Ok(s.as_str()),
        other => Err(interp.type_error(format!("must be str, not {}", interp.type_name(other)))),
    }
}

/// The byte offset of code point `index` (at most the length).
fn byte_offset(s: &PyStr, index: usize) -> usize {
    if s.is_ascii() {
        index.min(s.as_str().len())
    } else {
        s.as_str()
            .char_indices()
            .nth(index)
            .map_or(s.as_str().len(), |(b, _)| b)
    }
}

/// The code-point index of byte offset `byte` in `text`.
fn char_index(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |prefix| prefix.chars().count())
}

/// `start` and `end` of `find`-like methods, in code points.
fn search_window(interp: &mut Interp, s: &PyStr, args: &[Value]) -> PyResult<(i64, i64)> {
    search_bounds(interp, s.char_count() as i64, args)
}

/// The `start` (`args[2]`) and `end` (`args[3]`) of `find`-like methods
/// over a sequence of `len` items, adjusted as CPython's `ADJUST_INDICES`
/// does: `end` is clamped to the length, `start` is not.
pub(super) fn search_bounds(interp: &mut Interp, len: i64, args: &[Value]) -> PyResult<(i64, i64)> {
    Ok(adjust_search_bounds(read_search_bounds(interp, args)?, len))
}

/// The `start` and `end` of `find`-like methods as given (`None` for
/// absent or `None`), before the sequence's length is known.
pub(super) type SearchBounds = (Option<i64>, Option<i64>);

pub(super) fn read_search_bounds(interp: &mut Interp, args: &[Value]) -> PyResult<SearchBounds> {
    let start = match args.get(2) {
        Some(v) => slice_bound(interp, v, true)?,
        None => None,
    };
    let end = match args.get(3) {
        Some(v) => slice_bound(interp, v, true)?,
        None => None,
    };
    Ok((start, end))
}

/// [`read_search_bounds`]' bounds adjusted to a length.
pub(super) fn adjust_search_bounds((start, end): SearchBounds, len: i64) -> (i64, i64) {
    let mut start = start.unwrap_or(0);
    let mut end = end.unwrap_or(len);
    if end > len {
        end = len;
    } else if end < 0 {
        end = (end + len).max(0);
    }
    if start < 0 {
        start = (start + len).max(0);
    }
    (start, end)
}

/// The text between code points `start` and `end` (both within bounds).
fn window(s: &PyStr, start: i64, end: i64) -> &str {
    let from = byte_offset(s, start.max(0) as usize);
    let to = byte_offset(s, end.max(0) as usize).max(from);
    s.as_str().get(from..to).unwrap_or("")
}

// ----- the constructor -------------------------------------------------

fn str_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let builtin = interp.types.str_.clone();
    let subclass = super::subclasses::subtype_to_make(interp, &builtin, args)?;
    let value = str_value(interp, &args[1..], kwargs)?;
    Ok(super::subclasses::made(subclass, value))
}

/// `str(object='', encoding=…, errors=…)` (after the class).
fn str_value(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let bound = bind(
        interp,
        "str",
        args,
        kwargs,
        &["object", "encoding", "errors"],
        0,
    )?;
    for (name, value) in ["encoding", "errors"].into_iter().zip(&bound[1..]) {
        if let Some(value) = value.filter(|value| !matches!(value, Value::Str(_))) {
            return Err(interp.type_error(format!(
                "str() argument '{name}' must be str, not {}",
                interp.argument_type_name(value)
            )));
        }
    }
    let decoding = bound[1].is_some() || bound[2].is_some();
    match bound[0] {
        None => new_str(""),
        Some(source) if decoding && let Some(data) = source.bytes_like() => {
            let (codec, errors) = super::bytes::codec_args(interp, "str", bound[1], bound[2])?;
            new_str(codecs::decode(interp, &data, codec, &errors)?)
        }
        Some(Value::Str(_)) if decoding => Err(interp.type_error("decoding str is not supported")),
        Some(other) if decoding => Err(interp.type_error(format!(
            "decoding to str: need a bytes-like object, {} found",
            interp.type_name(other)
        ))),
        Some(Value::Str(s)) => Ok(Value::Str(s.clone())),
        Some(other) => new_str(interp.to_str(other)?),
    }
}

// ----- case ------------------------------------------------------------

fn no_arg_method(
    interp: &Interp,
    method: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Rc<PyStr>> {
    let s = receiver(interp, args, method)?.clone();
    check_args(interp, "str", method, args, kwargs, 0, 0)?;
    Ok(s)
}

fn str_upper(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = no_arg_method(interp, "upper", args, kwargs)?;
    new_str(s.as_str().to_uppercase())
}

fn str_lower(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = no_arg_method(interp, "lower", args, kwargs)?;
    new_str(s.as_str().to_lowercase())
}

fn str_casefold(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = no_arg_method(interp, "casefold", args, kwargs)?;
    let mut out = String::with_capacity(s.as_str().len());
    for c in s.as_str().chars() {
        match casefold_special(c) {
            Some(folded) => out.push_str(folded),
            None => out.extend(c.to_lowercase()),
        }
    }
    new_str(out)
}

/// Characters whose full case folding differs from their lowercase.
fn casefold_special(c: char) -> Option<&'static str> {
    Some(match c {
        'µ' => "μ",
        'ß' | 'ẞ' => "ss",
        'ſ' => "s",
        'ς' => "σ",
        'ϐ' => "β",
        'ϑ' => "θ",
        'ϕ' => "φ",
        'ϖ' => "π",
        'ϰ' => "κ",
        'ϱ' => "ρ",
        'ϵ' => "ε",
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' | 'ﬆ' => "st",
        _ => return None,
    })
}

/// Appends the titlecase of `c`: its uppercase, except for the digraphs
/// that have a titlecase form, Georgian (whose titlecase is itself), and
/// characters whose uppercase is several letters (`ß` → `Ss`).
fn push_title(out: &mut String, c: char) {
    let digraph = match c {
        'Ǆ' | 'ǅ' | 'ǆ' => Some('ǅ'),
        'Ǉ' | 'ǈ' | 'ǉ' => Some('ǈ'),
        'Ǌ' | 'ǋ' | 'ǌ' => Some('ǋ'),
        'Ǳ' | 'ǲ' | 'ǳ' => Some('ǲ'),
        '\u{10d0}'..='\u{10ff}' => Some(c),
        _ => None,
    };
    if let Some(title) = digraph {
        out.push(title);
        return;
    }
    let mut upper = c.to_uppercase();
    if let Some(first) = upper.next() {
        out.push(first);
    }
    for rest in upper {
        out.extend(rest.to_lowercase());
    }
}

fn is_titlecase(c: char) -> bool {
    matches!(c, 'ǅ' | 'ǈ' | 'ǋ' | 'ǲ')
        || ('\u{1f88}'..='\u{1faf}').contains(&c) && (c as u32 & 0xf) >= 8
        || matches!(c, 'ᾼ' | 'ῌ' | 'ῼ')
}

fn is_cased(c: char) -> bool {
    c.is_uppercase() || c.is_lowercase() || is_titlecase(c)
}

fn str_title(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = no_arg_method(interp, "title", args, kwargs)?;
    let mut out = String::with_capacity(s.as_str().len());
    let mut previous_cased = false;
    for_each_lowercase(s.as_str(), |c, lower| {
        if previous_cased {
            out.push_str(lower);
        } else {
            push_title(&mut out, c);
        }
        previous_cased = is_cased(c);
    });
    new_str(out)
}

fn str_capitalize(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let s = no_arg_method(interp, "capitalize", args, kwargs)?;
    let mut out = String::with_capacity(s.as_str().len());
    let mut first = true;
    for_each_lowercase(s.as_str(), |c, lower| {
        if first {
            push_title(&mut out, c);
            first = false;
        } else {
            out.push_str(lower);
        }
    });
    new_str(out)
}

fn str_swapcase(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = no_arg_method(interp, "swapcase", args, kwargs)?;
    let mut out = String::with_capacity(s.as_str().len());
    for_each_lowercase(s.as_str(), |c, lower| {
        if c.is_uppercase() {
            out.push_str(lower);
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    });
    new_str(out)
}

/// Calls `f` with each character of `s` and its lowercase in context, as
/// `str.lower` gives it: a capital sigma that ends a word is `ς`
/// (CPython's `handle_capital_sigma`, which `title`, `capitalize` and
/// `swapcase` apply too). Rust's `to_lowercase` decides the sigmas the
/// same way and maps every other character alone, so its result, walked
/// in step with `s`, holds each character's lowercase in turn.
fn for_each_lowercase(s: &str, mut f: impl FnMut(char, &str)) {
    let lowered = s.to_lowercase();
    let mut rest = lowered.as_str();
    for c in s.chars() {
        let length = c.to_lowercase().map(char::len_utf8).sum();
        let (lower, tail) = rest.split_at(length);
        f(c, lower);
        rest = tail;
    }
}

// ----- predicates ------------------------------------------------------

/// Whitespace as Python's `str.isspace` and `str.split()` see it: Unicode
/// White_Space plus the ASCII information separators.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// The code points of the digit zero of each Unicode decimal-digit run
/// (category Nd); each run is that zero and the nine after it.
const DECIMAL_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
    0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
    0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
    0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650,
    0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50,
    0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/// The value of a decimal digit (`str.isdecimal`), in any script.
pub fn decimal_value(c: char) -> Option<u32> {
    let code = c as u32;
    if c.is_ascii_digit() {
        return Some(code - 0x30);
    }
    DECIMAL_ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .map(|zero| code - zero)
}

/// Whether `c` is in a table of `unicode_tables.rs`.
fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let code = u32::from(c);
    let after = table.partition_point(|&(low, _)| low <= code);
    after > 0 && code <= table[after - 1].1
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && in_table(unicode_tables::DIGIT, c))
}

fn is_numeric(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && in_table(unicode_tables::NUMERIC, c))
}

/// Python's `isalpha`: the letters (categories L*), as CPython 3.11's
/// Unicode has them.
fn is_alpha(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        _ if c.is_ascii() => false,
        _ => in_table(unicode_tables::ALPHA, c),
    }
}

/// `str.isprintable` per character: not a control, format, separator
/// (other than space), private-use or noncharacter code point.
pub fn is_printable(c: char) -> bool {
    let code = c as u32;
    if c == ' ' {
        return true;
    }
    if code < 0x7f {
        return code >= 0x20;
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(
            code,
            0xad | 0x600..=0x605
                | 0x61c
                | 0x6dd
                | 0x70f
                | 0x890..=0x891
                | 0x8e2
                | 0x180e
                | 0x200b..=0x200f
                | 0x202a..=0x202e
                | 0x2060..=0x206f
                | 0xd800..=0xf8ff
                | 0xfeff
                | 0xfff9..=0xfffb
                | 0x110bd
                | 0x110cd
                | 0x13430..=0x13438
                | 0x1bca0..=0x1bca3
                | 0x1d173..=0x1d17a
                | 0xe0001
                | 0xe0020..=0xe007f
                | 0xf0000..
        )
        || code & 0xfffe == 0xfffe
        || (0xfdd0..=0xfdef).contains(&code)
        || (0x378..=0x379).contains(&code)
        || (0x380..=0x383).contains(&code))
}

/// A predicate over every character, false for the empty string.
fn all_chars(
    interp: &Interp,
    method: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    test: fn(char) -> bool,
) -> PyResult<Value> {
    let s = no_arg_method(interp, method, args, kwargs)?;
    let text = s.as_str();
    Ok(Value::from(!text.is_empty() && text.chars().all(test)))
}

fn str_isdigit(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    all_chars(interp, "isdigit", args, kwargs, is_digit)
}

fn str_isdecimal(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    all_chars(interp, "isdecimal", args, kwargs, |c| {
        decimal_value(c).is_some()
    })
}

fn str_isnumeric(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    all_chars(interp, "isnumeric", args, kwargs, is_numeric)
}

fn str_isalpha(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    all_chars(interp, "isalpha", args, kwargs, is_alpha)
}

fn str_isalnum(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    all_chars(interp, "isalnum", args, kwargs, is_alnum)
}

/// `str.isalnum` of one character (also the regular expressions' `\w`).
pub fn is_alnum(c: char) -> bool {
    is_alpha(c) || is_numeric(c)
}

fn str_isspace(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    all_chars(interp, "isspace", args, kwargs, is_space)
}

fn str_isascii(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = no_arg_method(interp, "isascii", args, kwargs)?;
    Ok(Value::from(s.is_ascii()))
}

fn str_isprintable(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let s = no_arg_method(interp, "isprintable", args, kwargs)?;
    Ok(Value::from(s.as_str().chars().all(is_printable)))
}

fn str_isupper(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = no_arg_method(interp, "isupper", args, kwargs)?;
    let mut cased = false;
    for c in s.as_str().chars() {
        if c.is_lowercase() || is_titlecase(c) {
            return Ok(Value::from(false));
        }
        cased |= c.is_uppercase();
    }
    Ok(Value::from(cased))
}

fn str_islower(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = no_arg_method(interp, "islower", args, kwargs)?;
    let mut cased = false;
    for c in s.as_str().chars() {
        if c.is_uppercase() || is_titlecase(c) {
            return Ok(Value::from(false));
        }
        cased |= c.is_lowercase();
    }
    Ok(Value::from(cased))
}

fn str_istitle(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = no_arg_method(interp, "istitle", args, kwargs)?;
    let mut cased = false;
    let mut previous_cased = false;
    for c in s.as_str().chars() {
        if c.is_uppercase() || is_titlecase(c) {
            if previous_cased {
                return Ok(Value::from(false));
            }
            previous_cased = true;
            cased = true;
        } else if c.is_lowercase() {
            if !previous_cased {
                return Ok(Value::from(false));
            }
            previous_cased = true;
            cased = true;
        } else {
            previous_cased = false;
        }
    }
    Ok(Value::from(cased))
}

fn str_isidentifier(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let s = no_arg_method(interp, "isidentifier", args, kwargs)?;
    Ok(Value::from(is_identifier(s.as_str())))
}

/// `str.isidentifier()`: Unicode's `XID_Start` (or `_`), then
/// `XID_Continue`, as CPython's and the lexer's rule.
pub fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(crate::syntax::lexer::starts_identifier)
        && chars.all(crate::syntax::lexer::continues_identifier)
}

// ----- searching -------------------------------------------------------

/// The code-point position of `needle` in `s[start:end]`, searching from
/// the left or the right, as `find`/`rfind` report it.
fn find_in(s: &PyStr, needle: &str, start: i64, end: i64, from_right: bool) -> i64 {
    let needle_len = needle.chars().count() as i64;
    if end - start < needle_len {
        return -1;
    }
    let hay = window(s, start, end);
    let found = if from_right {
        hay.rfind(needle)
    } else {
        hay.find(needle)
    };
    match found {
        Some(byte) => start + char_index(hay, byte) as i64,
        None => -1,
    }
}

fn find_method(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    from_right: bool,
) -> PyResult<i64> {
    let s = receiver(interp, args, method)?.clone();
    check_range_args(interp, "str", method, args, kwargs)?;
    let needle = str_arg(interp, &args[1])?;
    let (start, end) = search_window(interp, &s, args)?;
    Ok(find_in(&s, needle, start, end, from_right))
}

fn str_find(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    find_method(interp, "find", args, kwargs, false).map(Value::Int)
}

fn str_rfind(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    find_method(interp, "rfind", args, kwargs, true).map(Value::Int)
}

fn found_or_error(interp: &Interp, position: i64) -> PyResult<Value> {
    if position < 0 {
        Err(interp.value_error("substring not found"))
    } else {
        Ok(Value::Int(position))
    }
}

fn str_index(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let position = find_method(interp, "index", args, kwargs, false)?;
    found_or_error(interp, position)
}

fn str_rindex(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let position = find_method(interp, "rindex", args, kwargs, true)?;
    found_or_error(interp, position)
}

fn str_count(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = receiver(interp, args, "count")?.clone();
    check_range_args(interp, "str", "count", args, kwargs)?;
    let needle = str_arg(interp, &args[1])?;
    let (start, end) = search_window(interp, &s, args)?;
    let needle_len = needle.chars().count() as i64;
    if end - start < needle_len {
        return Ok(Value::Int(0));
    }
    if needle.is_empty() {
        return Ok(Value::Int(end - start + 1));
    }
    Ok(Value::from(window(&s, start, end).matches(needle).count()))
}

/// `startswith`/`endswith`: whether `s[start:end]` begins (ends) with
/// `affix`, following CPython's `tailmatch`.
fn tail_match(s: &PyStr, affix: &str, start: i64, end: i64, at_end: bool) -> bool {
    let affix_len = affix.chars().count() as i64;
    let last = end - affix_len;
    if last < start {
        return false;
    }
    if affix.is_empty() {
        return true;
    }
    let at = if at_end { last } else { start };
    window(s, at, at + affix_len) == affix
}

fn affix_method(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    at_end: bool,
) -> PyResult<Value> {
    let s = receiver(interp, args, method)?.clone();
    check_range_args(interp, "str", method, args, kwargs)?;
    let (start, end) = search_window(interp, &s, args)?;
    match args[1].builtin_value() {
        Value::Str(affix) => Ok(Value::from(tail_match(
            &s,
            affix.as_str(),
            start,
            end,
            at_end,
        ))),
        Value::Tuple(affixes) => {
            for affix in affixes.iter() {
                let Value::Str(affix) = affix.builtin_value() else {
                    return Err(interp.type_error(format!(
                        "tuple for {method} must only contain str, not {}",
                        interp.type_name(affix)
                    )));
                };
                if tail_match(&s, affix.as_str(), start, end, at_end) {
                    return Ok(Value::from(true));
                }
            }
            Ok(Value::from(false))
        }
        other => Err(interp.type_error(format!(
            "{method} first arg must be str or a tuple of str, not {}",
            interp.type_name(other)
        ))),
    }
}

fn str_startswith(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    affix_method(interp, "startswith", args, kwargs, false)
}

fn str_endswith(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    affix_method(interp, "endswith", args, kwargs, true)
}

// ----- splitting -------------------------------------------------------

fn str_list(parts: impl IntoIterator<Item = impl Into<Box<str>>>) -> Value {
    Value::list(parts.into_iter().map(Value::str).collect())
}

/// The `sep` and `maxsplit` arguments of `split`/`rsplit`; a negative
/// `maxsplit` means no limit.
/// The receiver, separator and limit of `split`/`rsplit`.
type SplitArgs = (Rc<PyStr>, Option<Rc<PyStr>>, Option<usize>);

fn split_args(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<SplitArgs> {
    let s = receiver(interp, args, method)?.clone();
    let bound = bind(interp, method, &args[1..], kwargs, &["sep", "maxsplit"], 0)?;
    let sep = match bound[0].map(Value::builtin_value) {
        None | Some(Value::None) => None,
        Some(Value::Str(sep)) => Some(sep.clone()),
        Some(other) => {
            return Err(interp.type_error(format!(
                "must be str or None, not {}",
                interp.type_name(other)
            )))
        }
    };
    let maxsplit = match bound[1] {
        None => None,
        Some(v) => usize::try_from(ssize_arg(interp, v)?).ok(),
    };
    if sep.as_ref().is_some_and(|sep| sep.as_str().is_empty()) {
        return Err(interp.value_error("empty separator"));
    }
    Ok((s, sep, maxsplit))
}

/// `split()` with no separator: runs of whitespace separate, and leading
/// whitespace never makes an empty first field.
fn split_whitespace(text: &str, maxsplit: Option<usize>) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text.trim_start_matches(is_space);
    while !rest.is_empty() {
        if maxsplit.is_some_and(|max| parts.len() >= max) {
            parts.push(rest);
            break;
        }
        match rest.find(is_space) {
            Some(end) => {
                parts.push(&rest[..end]);
                rest = rest[end..].trim_start_matches(is_space);
            }
            None => {
                parts.push(rest);
                break;
            }
        }
    }
    parts
}

fn rsplit_whitespace(text: &str, maxsplit: Option<usize>) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text.trim_end_matches(is_space);
    while !rest.is_empty() {
        if maxsplit.is_some_and(|max| parts.len() >= max) {
            parts.push(rest);
            break;
        }
        match rest.rfind(is_space) {
            Some(start) => {
                let width = rest[start..].chars().next().map_or(1, char::len_utf8);
                parts.push(&rest[start + width..]);
                rest = rest[..start].trim_end_matches(is_space);
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

fn str_split(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (s, sep, maxsplit) = split_args(interp, "split", args, kwargs)?;
    let text = s.as_str();
    Ok(match (sep, maxsplit) {
        (None, _) => str_list(split_whitespace(text, maxsplit)),
        (Some(sep), None) => str_list(text.split(sep.as_str())),
        (Some(sep), Some(max)) => str_list(text.splitn(max.saturating_add(1), sep.as_str())),
    })
}

fn str_rsplit(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (s, sep, maxsplit) = split_args(interp, "rsplit", args, kwargs)?;
    let text = s.as_str();
    let mut parts: Vec<&str> = match (sep, maxsplit) {
        (None, _) => return Ok(str_list(rsplit_whitespace(text, maxsplit))),
        (Some(sep), None) => text.rsplit(sep.as_str()).collect(),
        (Some(sep), Some(max)) => text.rsplitn(max.saturating_add(1), sep.as_str()).collect(),
    };
    parts.reverse();
    Ok(str_list(parts))
}

/// Line boundaries as `str.splitlines` knows them.
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

fn str_splitlines(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let s = receiver(interp, args, "splitlines")?.clone();
    let bound = bind(interp, "splitlines", &args[1..], kwargs, &["keepends"], 0)?;
    let keepends = match bound[0] {
        Some(v) => ssize_arg(interp, v)? != 0,
        None => false,
    };
    let text = s.as_str();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !is_line_break(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c == '\r' {
            if let Some(&(_, '\n')) = chars.peek() {
                chars.next();
                end += 1;
            }
        }
        lines.push(&text[start..if keepends { end } else { i }]);
        start = end;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    Ok(str_list(lines))
}

fn partition_method(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    from_right: bool,
) -> PyResult<Value> {
    let s = receiver(interp, args, method)?.clone();
    check_args(interp, "str", method, args, kwargs, 1, 1)?;
    let sep = str_arg(interp, &args[1])?;
    if sep.is_empty() {
        return Err(interp.value_error("empty separator"));
    }
    let text = s.as_str();
    let found = if from_right {
        text.rfind(sep)
    } else {
        text.find(sep)
    };
    let parts = match found {
        Some(at) => [&text[..at], sep, &text[at + sep.len()..]],
        None if from_right => ["", "", text],
        None => [text, "", ""],
    };
    Ok(Value::tuple(parts.iter().map(|&p| Value::str(p)).collect()))
}

fn str_partition(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    partition_method(interp, "partition", args, kwargs, false)
}

fn str_rpartition(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    partition_method(interp, "rpartition", args, kwargs, true)
}

// ----- building new strings --------------------------------------------

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
    kwargs: &[(Name, Value)],
    side: Strip,
) -> PyResult<Value> {
    let s = receiver(interp, args, method)?.clone();
    check_args(interp, "str", method, args, kwargs, 0, 1)?;
    let text = s.as_str();
    let stripped = match args.get(1).map(Value::builtin_value) {
        None | Some(Value::None) => match side {
            Strip::Left => text.trim_start_matches(is_space),
            Strip::Right => text.trim_end_matches(is_space),
            Strip::Both => text.trim_matches(is_space),
        },
        Some(Value::Str(chars)) => {
            let set = |c: char| chars.as_str().contains(c);
            match side {
                Strip::Left => text.trim_start_matches(set),
                Strip::Right => text.trim_end_matches(set),
                Strip::Both => text.trim_matches(set),
            }
        }
        Some(_) => {
            return Err(interp.type_error(format!("{method} arg must be None or str")));
        }
    };
    if stripped.len() == text.len() {
        return Ok(Value::Str(s));
    }
    new_str(stripped)
}

fn str_strip(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    strip_method(interp, "strip", args, kwargs, Strip::Both)
}

fn str_lstrip(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    strip_method(interp, "lstrip", args, kwargs, Strip::Left)
}

fn str_rstrip(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    strip_method(interp, "rstrip", args, kwargs, Strip::Right)
}

fn str_replace(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = receiver(interp, args, "replace")?.clone();
    check_args(interp, "str", "replace", args, kwargs, 2, 3)?;
    let mut texts = [""; 2];
    for (i, text) in texts.iter_mut().enumerate() {
        *text = match args[i + 1].builtin_value() {
            Value::Str(t) => t.as_str(),
            other => {
                return Err(interp.type_error(format!(
                    "replace() argument {} must be str, not {}",
                    i + 1,
                    interp.argument_type_name(other)
                )))
            }
        };
    }
    let count = match args.get(3) {
        Some(v) => ssize_arg(interp, v)?,
        None => -1,
    };
    let [old, new] = texts;
    // Nothing to replace: the string itself, as CPython returns it.
    if count == 0 || old == new || (!old.is_empty() && !s.as_str().contains(old)) {
        return Ok(Value::Str(s));
    }
    let replaced = match usize::try_from(count) {
        Ok(count) => s.as_str().replacen(old, new, count),
        Err(_) => s.as_str().replace(old, new),
    };
    new_str(replaced)
}

/// The items `str.join` and `bytes.join` join, with their error for an
/// argument that is not iterable.
pub(super) fn join_items(interp: &mut Interp, iterable: &Value) -> PyResult<Vec<Value>> {
    Ok(match iterable {
        Value::List(list) => list.borrow().clone(),
        Value::Tuple(items) => items.to_vec(),
        other => match interp.get_iter(other) {
            Ok(iterator) => {
                let mut items = Vec::new();
                while let Some(item) = interp.next(&iterator)? {
                    items.push(item);
                }
                items
            }
            Err(err) if interp.is_instance_of(&err, ExcType::TypeError) => {
                return Err(interp.type_error("can only join an iterable"))
            }
            Err(err) => return Err(err),
        },
    })
}

fn str_join(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let separator = receiver(interp, args, "join")?.clone();
    check_args(interp, "str", "join", args, kwargs, 1, 1)?;
    // A list or tuple is read where it is: joining runs no Python code.
    match &args[1] {
        Value::List(list) => join_strs(interp, &separator, &list.borrow()),
        Value::Tuple(items) => join_strs(interp, &separator, items),
        iterable => {
            let items = join_items(interp, iterable)?;
            join_strs(interp, &separator, &items)
        }
    }
}

/// `separator.join(items)`, made in one allocation of the exact length.
fn join_strs(interp: &Interp, separator: &PyStr, items: &[Value]) -> PyResult<Value> {
    let mut length = separator.as_str().len() * items.len().saturating_sub(1);
    for (i, item) in items.iter().enumerate() {
        let Value::Str(text) = item.builtin_value() else {
            return Err(interp.type_error(format!(
                "sequence item {i}: expected str instance, {} found",
                interp.type_name(item)
            )));
        };
        length += text.as_str().len();
    }
    let mut out = String::with_capacity(length);
    for (i, item) in items.iter().enumerate() {
        if let Value::Str(text) = item.builtin_value() {
            if i > 0 {
                out.push_str(separator.as_str());
            }
            out.push_str(text.as_str());
        }
    }
    new_str(out)
}

/// The `width` and optional `fillchar` of `center`/`ljust`/`rjust`.
fn pad_args(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<(Rc<PyStr>, usize, char)> {
    let s = receiver(interp, args, method)?.clone();
    check_args(interp, "str", method, args, kwargs, 1, 2)?;
    let width = ssize_arg(interp, &args[1])?;
    let fill = match args.get(2).map(Value::builtin_value) {
        None => ' ',
        Some(Value::Str(fill)) => {
            let mut chars = fill.as_str().chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => c,
                _ => {
                    return Err(
                        interp.type_error("The fill character must be exactly one character long")
                    )
                }
            }
        }
        Some(other) => {
            return Err(interp.type_error(format!(
                "The fill character must be a unicode character, not {}",
                interp.type_name(other)
            )))
        }
    };
    Ok((s, usize::try_from(width).unwrap_or(0), fill))
}

/// `s` with `left` and `right` fill characters around it.
fn padded(interp: &Interp, s: &str, left: usize, right: usize, fill: char) -> PyResult<Value> {
    let mut out = String::new();
    reserve(
        interp,
        &mut out,
        (left + right).saturating_mul(fill.len_utf8()),
        s.len(),
    )?;
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(s);
    out.extend(std::iter::repeat_n(fill, right));
    new_str(out)
}

/// Makes room for `padding + text` more bytes in `out`; a size the
/// allocator refuses is a MemoryError (as in CPython), not an abort.
fn reserve(interp: &Interp, out: &mut String, padding: usize, text: usize) -> PyResult<()> {
    interp.reserve_text(out, padding.saturating_add(text))
}

fn str_center(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (s, width, fill) = pad_args(interp, "center", args, kwargs)?;
    let len = s.char_count();
    if width <= len {
        return Ok(Value::Str(s));
    }
    let margin = width - len;
    // CPython's rounding: the odd extra goes left only when both the
    // margin and the width are odd.
    let left = margin / 2 + (margin & width & 1);
    padded(interp, s.as_str(), left, margin - left, fill)
}

fn str_ljust(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (s, width, fill) = pad_args(interp, "ljust", args, kwargs)?;
    let len = s.char_count();
    if width <= len {
        return Ok(Value::Str(s));
    }
    padded(interp, s.as_str(), 0, width - len, fill)
}

fn str_rjust(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (s, width, fill) = pad_args(interp, "rjust", args, kwargs)?;
    let len = s.char_count();
    if width <= len {
        return Ok(Value::Str(s));
    }
    padded(interp, s.as_str(), width - len, 0, fill)
}

fn str_zfill(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = receiver(interp, args, "zfill")?.clone();
    check_args(interp, "str", "zfill", args, kwargs, 1, 1)?;
    let width = usize::try_from(ssize_arg(interp, &args[1])?).unwrap_or(0);
    let len = s.char_count();
    if width <= len {
        return Ok(Value::Str(s));
    }
    let text = s.as_str();
    let (sign, digits) = match text.chars().next() {
        Some(c @ ('+' | '-')) => (Some(c), &text[1..]),
        _ => (None, text),
    };
    let mut out = String::new();
    reserve(interp, &mut out, width - len, text.len())?;
    out.extend(sign);
    out.extend(std::iter::repeat_n('0', width - len));
    out.push_str(digits);
    new_str(out)
}

fn str_expandtabs(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let s = receiver(interp, args, "expandtabs")?.clone();
    let bound = bind(interp, "expandtabs", &args[1..], kwargs, &["tabsize"], 0)?;
    // `tabsize` is a C int in CPython.
    let tabsize = match bound[0] {
        Some(v) => i64::from(super::sequences::c_int_arg(interp, v)?),
        None => 8,
    };
    if !s.as_str().contains('\t') {
        return Ok(Value::Str(s));
    }
    let mut out = String::with_capacity(s.as_str().len());
    let mut column: i64 = 0;
    for c in s.as_str().chars() {
        match c {
            '\t' => {
                if tabsize > 0 {
                    let spaces = tabsize - column % tabsize;
                    column += spaces;
                    reserve(interp, &mut out, spaces as usize, 0)?;
                    out.extend(std::iter::repeat_n(' ', spaces as usize));
                }
            }
            '\n' | '\r' => {
                column = 0;
                out.push(c);
            }
            _ => {
                column += 1;
                out.push(c);
            }
        }
    }
    new_str(out)
}

fn affix_arg<'a>(interp: &Interp, method: &str, value: &'a Value) -> PyResult<&'a str> {
    match value.builtin_value() {
        Value::Str(s) => Ok(s.as_str()),
        other => Err(interp.type_error(format!(
            "{method}() argument must be str, not {}",
            interp.argument_type_name(other)
        ))),
    }
}

fn str_removeprefix(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let s = receiver(interp, args, "removeprefix")?.clone();
    check_args(interp, "str", "removeprefix", args, kwargs, 1, 1)?;
    let prefix = affix_arg(interp, "removeprefix", &args[1])?;
    match s.as_str().strip_prefix(prefix) {
        Some(rest) if !prefix.is_empty() => new_str(rest),
        _ => Ok(Value::Str(s)),
    }
}

fn str_removesuffix(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let s = receiver(interp, args, "removesuffix")?.clone();
    check_args(interp, "str", "removesuffix", args, kwargs, 1, 1)?;
    let suffix = affix_arg(interp, "removesuffix", &args[1])?;
    match s.as_str().strip_suffix(suffix) {
        Some(rest) if !suffix.is_empty() => new_str(rest),
        _ => Ok(Value::Str(s)),
    }
}

/// `encode(encoding='utf-8', errors='strict')`.
fn str_encode(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = receiver(interp, args, "encode")?.clone();
    let bound = bind(
        interp,
        "encode",
        &args[1..],
        kwargs,
        &["encoding", "errors"],
        0,
    )?;
    let (codec, errors) = super::bytes::codec_args(interp, "encode", bound[0], bound[1])?;
    Ok(Value::bytes(codecs::encode(
        interp,
        s.as_str(),
        codec,
        &errors,
    )?))
}

/// `str.maketrans(x[, y[, z]])`, a static method: the table that
/// `translate` takes, from a dict or from two equal-length strings (and
/// a string of characters to delete).
fn str_maketrans(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    super::args::check_count(interp, "maketrans", args, kwargs, 1, 3)?;
    let table = RefCell::new(Dict::new());
    if args.len() == 1 {
        let Value::Dict(source) = args[0].builtin_value() else {
            return Err(
                interp.type_error("if you give only one argument to maketrans it must be a dict")
            );
        };
        let items = source.borrow().items();
        for (key, value) in items {
            let code = match key.builtin_value() {
                Value::Str(s) => {
                    let mut chars = s.as_str().chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => Value::Int(i64::from(u32::from(c))),
                        _ => {
                            return Err(interp
                                .value_error("string keys in translate table must be of length 1"))
                        }
                    }
                }
                Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => key.clone(),
                _ => {
                    return Err(
                        interp.type_error("keys in translate table must be strings or integers")
                    )
                }
            };
            interp.dict_set(&table, code, value)?;
        }
        return Ok(Value::dict(table));
    }
    let mut texts = Vec::with_capacity(2);
    for (i, arg) in args.iter().enumerate().skip(1) {
        match arg.builtin_value() {
            Value::Str(s) => texts.push(s.clone()),
            other => {
                return Err(interp.type_error(format!(
                    "maketrans() argument {} must be str, not {}",
                    i + 1,
                    interp.argument_type_name(other)
                )))
            }
        }
    }
    let Value::Str(from) = args[0].builtin_value() else {
        return Err(interp.type_error(
            "first maketrans argument must be a string if there is a second argument",
        ));
    };
    if from.char_count() != texts[0].char_count() {
        return Err(interp.value_error("the first two maketrans arguments must have equal length"));
    }
    let code = |c: char| Value::Int(i64::from(u32::from(c)));
    for (a, b) in from.as_str().chars().zip(texts[0].as_str().chars()) {
        interp.dict_set(&table, code(a), code(b))?;
    }
    if let Some(deleted) = texts.get(1) {
        for c in deleted.as_str().chars() {
            interp.dict_set(&table, code(c), Value::None)?;
        }
    }
    Ok(Value::dict(table))
}

/// `s.translate(table)`: each character's code point looked up in the
/// table (any object with `__getitem__`); a missing entry keeps the
/// character, `None` deletes it, an int or str replaces it.
fn str_translate(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = receiver(interp, args, "translate")?.clone();
    check_args(interp, "str", "translate", args, kwargs, 1, 1)?;
    let table = &args[1];
    let mut out = String::with_capacity(s.as_str().len());
    for c in s.as_str().chars() {
        let mapped = match interp.get_item(table, &Value::Int(i64::from(u32::from(c)))) {
            Ok(mapped) => mapped,
            Err(err) if interp.is_instance_of(&err, ExcType::LookupError) => {
                out.push(c);
                continue;
            }
            Err(err) => return Err(err),
        };
        match &mapped {
            Value::None => {}
            Value::Str(text) => out.push_str(text.as_str()),
            Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
                let code = interp
                    .to_bigint(&mapped)
                    .and_then(|n| n.to_u32())
                    .filter(|&n| n < 0x110000);
                match code {
                    // Lone surrogates cannot live in a UTF-8 string.
                    Some(code) => out.push(char::from_u32(code).unwrap_or('\u{fffd}')),
                    None => {
                        return Err(
                            interp.value_error("character mapping must be in range(0x110000)")
                        )
                    }
                }
            }
            _ => {
                return Err(interp.type_error("character mapping must return integer, None or str"))
            }
        }
    }
    new_str(out)
}

// ----- indexing and `in` -----------------------------------------------

/// `s[index]`: one code point, or a slice with any step (all of `s`, the
/// same string, as CPython returns it).
pub fn str_get_item(interp: &mut Interp, s: &Rc<PyStr>, index: &Value) -> PyResult<Value> {
    let len = s.char_count() as i64;
    if let Value::Slice(slice) = index {
        let (start, stop, step) = SliceBounds::unpack(interp, slice)?.adjust(len);
        if step == 1 && start == 0 && stop >= len {
            return Ok(Value::Str(s.clone()));
        }
        if step == 1 {
            return new_str(window(s, start, stop.max(start)));
        }
        let text: String = if s.is_ascii() {
            let bytes = s.as_str().as_bytes();
            slice_positions(start, stop, step)
                .filter_map(|i| bytes.get(i as usize).map(|&b| b as char))
                .collect()
        } else {
            let chars: Vec<char> = s.as_str().chars().collect();
            slice_positions(start, stop, step)
                .filter_map(|i| chars.get(i as usize).copied())
                .collect()
        };
        return new_str(text);
    }
    let Some(i) = item_index(interp, index)? else {
        return Err(interp.type_error(format!(
            "string indices must be integers, not '{}'",
            interp.type_name(index)
        )));
    };
    let i = if i < 0 { i + len } else { i };
    match usize::try_from(i).ok().and_then(|i| s.char_at(i)) {
        Some(c) => new_str(c.to_string()),
        None => Err(interp.index_error("string index out of range")),
    }
}

/// `item in s`.
pub fn str_contains(interp: &Interp, s: &PyStr, item: &Value) -> PyResult<bool> {
    match item.builtin_value() {
        Value::Str(needle) => Ok(s.as_str().contains(needle.as_str())),
        other => Err(interp.type_error(format!(
            "'in <string>' requires string as left operand, not {}",
            interp.type_name(other)
        ))),
    }
}

// ----- repr ------------------------------------------------------------

/// `repr(s)` as CPython writes it: single quotes unless the text has a
/// single quote and no double quote; backslash escapes for the quote,
/// backslash, `\t \n \r`, and `\xNN`/`\uNNNN`/`\UNNNNNNNN` for
/// non-printable characters.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => push_escape(&mut out, c),
        }
    }
    out.push(quote);
    out
}

fn push_escape(out: &mut String, c: char) {
    let code = c as u32;
    let escaped = if code < 0x100 {
        format!("\\x{code:02x}")
    } else if code < 0x10000 {
        format!("\\u{code:04x}")
    } else {
        format!("\\U{code:08x}")
    };
    out.push_str(&escaped);
}

/// `ascii()` of a repr: every non-ASCII character escaped.
pub fn ascii_escape(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            push_escape(&mut out, c);
        }
    }
    out
}

// ----- str.format ------------------------------------------------------

/// Where `{name}` fields come from: the call's keyword arguments, or the
/// mapping of `format_map`.
enum Named<'a> {
    Keywords(&'a [(Name, Value)]),
    Mapping(&'a Value),
}

#[derive(PartialEq)]
enum Numbering {
    Unset,
    Auto,
    Manual,
}

/// The state of one `str.format` call, shared by the nested format
/// specs so that automatic numbering continues through them.
struct Formatter<'a> {
    /// `None` under `format_map`, which has no positional arguments.
    positional: Option<&'a [Value]>,
    named: Named<'a>,
    numbering: Numbering,
    next_auto: usize,
}

fn str_format(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let s = receiver(interp, args, "format")?.clone();
    let mut formatter = Formatter {
        positional: Some(&args[1..]),
        named: Named::Keywords(kwargs),
        numbering: Numbering::Unset,
        next_auto: 0,
    };
    let chars: Vec<char> = s.as_str().chars().collect();
    new_str(formatter.build(interp, &chars, 2)?)
}

fn str_format_map(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let s = receiver(interp, args, "format_map")?.clone();
    check_args(interp, "str", "format_map", args, kwargs, 1, 1)?;
    let mut formatter = Formatter {
        positional: None,
        named: Named::Mapping(&args[1]),
        numbering: Numbering::Unset,
        next_auto: 0,
    };
    let chars: Vec<char> = s.as_str().chars().collect();
    new_str(formatter.build(interp, &chars, 2)?)
}

/// One replacement field, `{name!conversion:spec}`, as parsed.
struct Field<'c> {
    name: &'c [char],
    conversion: Option<char>,
    spec: &'c [char],
    spec_has_fields: bool,
}

/// The index a field name's digits spell (`None` if not all digits), as
/// CPython's `get_integer`.
fn field_integer(interp: &Interp, text: &[char]) -> PyResult<Option<usize>> {
    if text.is_empty() {
        return Ok(None);
    }
    let mut value: usize = 0;
    for &c in text {
        let Some(digit) = decimal_value(c) else {
            return Ok(None);
        };
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(digit as usize))
            .filter(|&v| v <= i64::MAX as usize)
            .ok_or_else(|| interp.value_error("Too many decimal digits in format string"))?;
    }
    Ok(Some(value))
}

impl Formatter<'_> {
    /// Expands a format string (CPython's `build_string`); `depth` limits
    /// how deeply format specs may nest fields.
    fn build(&mut self, interp: &mut Interp, chars: &[char], depth: u32) -> PyResult<String> {
        if depth == 0 {
            return Err(interp.value_error("Max string recursion exceeded"));
        }
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let (literal, field) = next_piece(interp, chars, &mut i)?;
            out.extend(literal);
            if let Some(field) = field {
                let text = self.render(interp, &field, depth)?;
                out.push_str(&text);
            }
        }
        Ok(out)
    }

    fn render(&mut self, interp: &mut Interp, field: &Field, depth: u32) -> PyResult<String> {
        let mut object = self.field_object(interp, field.name)?;
        match field.conversion {
            None => {}
            Some('r') => object = Value::str(interp.repr(&object)?),
            Some('s') => object = Value::str(interp.to_str(&object)?),
            Some('a') => object = Value::str(ascii_escape(&interp.repr(&object)?)),
            Some(c) => {
                return Err(interp.value_error(if (c as u32) > 32 && (c as u32) < 127 {
                    format!("Unknown conversion specifier {c}")
                } else {
                    format!("Unknown conversion specifier \\x{:x}", c as u32)
                }))
            }
        }
        let spec = if field.spec_has_fields {
            self.build(interp, field.spec, depth - 1)?
        } else {
            field.spec.iter().collect()
        };
        interp.format_value(&object, &spec)
    }

    /// The object a field name designates: an argument, then attributes
    /// (`.name`) and items (`[key]`) of it.
    fn field_object(&mut self, interp: &mut Interp, name: &[char]) -> PyResult<Value> {
        let (first, mut rest) = split_field_name(name);
        let index = field_integer(interp, first)?;
        if first.is_empty() || index.is_some() {
            let auto = first.is_empty();
            if self.numbering == Numbering::Unset {
                self.numbering = if auto {
                    Numbering::Auto
                } else {
                    Numbering::Manual
                };
            }
            match (&self.numbering, auto) {
                (Numbering::Manual, true) => return Err(interp.value_error(
                    "cannot switch from manual field specification to automatic field numbering",
                )),
                (Numbering::Auto, false) => return Err(interp.value_error(
                    "cannot switch from automatic field numbering to manual field specification",
                )),
                _ => {}
            }
        }
        let index = if first.is_empty() {
            let n = self.next_auto;
            self.next_auto += 1;
            Some(n)
        } else {
            index
        };
        let mut object = match index {
            Some(n) => {
                let Some(positional) = self.positional else {
                    return Err(interp.value_error("Format string contains positional fields"));
                };
                match positional.get(n) {
                    Some(v) => v.clone(),
                    None => {
                        return Err(interp.index_error(format!(
                            "Replacement index {n} out of range for positional args tuple"
                        )))
                    }
                }
            }
            None => {
                let key: String = first.iter().collect();
                match self.named {
                    Named::Keywords(pairs) => match pairs.iter().find(|(k, _)| **k == *key) {
                        Some((_, v)) => v.clone(),
                        None => return Err(interp.key_error(Value::str(key))),
                    },
                    Named::Mapping(mapping) => interp.get_item(mapping, &Value::str(key))?,
                }
            }
        };
        while let Some((is_attribute, key, remaining)) = next_accessor(interp, rest)? {
            object = match (is_attribute, &key) {
                (true, Value::Str(name)) => interp.get_attr(&object, name.as_str())?,
                _ => interp.get_item(&object, &key)?,
            };
            rest = remaining;
        }
        Ok(object)
    }
}

/// The next piece of a format string from `i` (CPython's
/// `MarkupIterator_next`): the literal text up to the next replacement
/// field, which follows it if there is one. A doubled brace ends the
/// literal, which keeps one of the two.
fn next_piece<'c>(
    interp: &Interp,
    chars: &'c [char],
    i: &mut usize,
) -> PyResult<(&'c [char], Option<Field<'c>>)> {
    let start = *i;
    let mut brace = None;
    while let Some(&c) = chars.get(*i) {
        *i += 1;
        if c == '{' || c == '}' {
            brace = Some(c);
            break;
        }
    }
    let next = chars.get(*i).copied();
    match brace {
        Some('}') if next != Some('}') => {
            Err(interp.value_error("Single '}' encountered in format string"))
        }
        Some('{') if next.is_none() => {
            Err(interp.value_error("Single '{' encountered in format string"))
        }
        Some(c) if next == Some(c) => {
            *i += 1;
            Ok((&chars[start..*i - 1], None))
        }
        Some(_) => {
            let literal = &chars[start..*i - 1];
            Ok((literal, Some(parse_field(interp, chars, i)?)))
        }
        None => Ok((&chars[start..], None)),
    }
}

/// A field name's first part (before any `.` or `[`) and the rest.
fn split_field_name(name: &[char]) -> (&[char], &[char]) {
    let first_len = name
        .iter()
        .position(|&c| c == '.' || c == '[')
        .unwrap_or(name.len());
    name.split_at(first_len)
}

/// The next `.attribute` or `[key]` of the rest of a field name (CPython's
/// `FieldNameIterator_next`): whether it is an attribute, its name or key
/// (an int for a key of digits), and what follows it.
fn next_accessor<'c>(
    interp: &Interp,
    rest: &'c [char],
) -> PyResult<Option<(bool, Value, &'c [char])>> {
    let Some((&c, after)) = rest.split_first() else {
        return Ok(None);
    };
    let (part, remaining, is_attribute) = match c {
        '.' => {
            let end = after
                .iter()
                .position(|&c| c == '.' || c == '[')
                .unwrap_or(after.len());
            (&after[..end], &after[end..], true)
        }
        '[' => match after.iter().position(|&c| c == ']') {
            Some(end) => (&after[..end], &after[end + 1..], false),
            None => return Err(interp.value_error("Missing ']' in format string")),
        },
        _ => {
            return Err(
                interp.value_error("Only '.' or '[' may follow ']' in format field specifier")
            )
        }
    };
    if part.is_empty() {
        return Err(interp.value_error("Empty attribute in format string"));
    }
    let index = if is_attribute {
        None
    } else {
        field_integer(interp, part)?
    };
    let key = match index {
        Some(n) => Value::from(n),
        None => Value::str(part.iter().collect::<String>()),
    };
    Ok(Some((is_attribute, key, remaining)))
}

/// `_string.formatter_parser`'s step, for `string.Formatter.parse`:
/// `_format_piece(format_string, index)` is `None` at the end, else
/// `(literal, field_name, format_spec, conversion, next_index)`, the field's
/// parts `None` when only literal text is left. Indices count characters.
pub fn format_piece(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [Value::Str(text), index] = args else {
        return Err(interp.type_error("_format_piece() takes a str and an index"));
    };
    let chars: Vec<char> = text.as_str().chars().collect();
    let mut i = usize::try_from(interp.to_index(index)?).unwrap_or(0);
    if i >= chars.len() {
        return Ok(Value::None);
    }
    let (literal, field) = next_piece(interp, &chars, &mut i)?;
    let text_of = |chars: &[char]| Value::str(chars.iter().collect::<String>());
    let (name, spec, conversion) = match field {
        None => (Value::None, Value::None, Value::None),
        Some(field) => (
            text_of(field.name),
            text_of(field.spec),
            field
                .conversion
                .map_or(Value::None, |c| Value::str(c.to_string())),
        ),
    };
    Ok(Value::tuple(vec![
        text_of(literal),
        name,
        spec,
        conversion,
        Value::from(i),
    ]))
}

/// `_string.formatter_field_name_split`'s parts, for
/// `string.Formatter.get_field`: `_field_name_first(name)` is
/// `(first, rest)`, `first` an int when it is digits.
pub fn field_name_first(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let [Value::Str(name)] = args else {
        return Err(interp.type_error("_field_name_first() takes a str"));
    };
    let chars: Vec<char> = name.as_str().chars().collect();
    let (first, rest) = split_field_name(&chars);
    let first = match field_integer(interp, first)? {
        Some(n) => Value::from(n),
        None => Value::str(first.iter().collect::<String>()),
    };
    Ok(Value::tuple(vec![
        first,
        Value::str(rest.iter().collect::<String>()),
    ]))
}

/// `_field_name_next(rest)`: `None` at the end of a field name's rest, else
/// `(is_attribute, name_or_key, remaining)`.
pub fn field_name_next(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let [Value::Str(rest)] = args else {
        return Err(interp.type_error("_field_name_next() takes a str"));
    };
    let chars: Vec<char> = rest.as_str().chars().collect();
    Ok(match next_accessor(interp, &chars)? {
        None => Value::None,
        Some((is_attribute, key, remaining)) => Value::tuple(vec![
            Value::from(is_attribute),
            key,
            Value::str(remaining.iter().collect::<String>()),
        ]),
    })
}

/// Parses a replacement field after its `{`, leaving `i` after its `}`
/// (CPython's `parse_field`, with its error messages).
fn parse_field<'c>(interp: &Interp, chars: &'c [char], i: &mut usize) -> PyResult<Field<'c>> {
    let name_start = *i;
    let mut last = '\0';
    while let Some(&c) = chars.get(*i) {
        *i += 1;
        last = c;
        match c {
            '{' => return Err(interp.value_error("unexpected '{' in field name")),
            '[' => {
                while chars.get(*i).is_some_and(|&c| c != ']') {
                    *i += 1;
                }
            }
            '}' | ':' | '!' => break,
            _ => {}
        }
    }
    let name = &chars[name_start..(*i).saturating_sub(1).max(name_start)];
    let mut field = Field {
        name,
        conversion: None,
        spec: &[],
        spec_has_fields: false,
    };
    match last {
        '!' | ':' => {
            if last == '!' {
                let Some(&conversion) = chars.get(*i) else {
                    return Err(
                        interp.value_error("end of string while looking for conversion specifier")
                    );
                };
                *i += 1;
                field.conversion = Some(conversion);
                if let Some(&c) = chars.get(*i) {
                    *i += 1;
                    if c == '}' {
                        return Ok(field);
                    }
                    if c != ':' {
                        return Err(interp.value_error("expected ':' after conversion specifier"));
                    }
                }
            }
            let spec_start = *i;
            let mut depth = 1;
            while let Some(&c) = chars.get(*i) {
                *i += 1;
                match c {
                    '{' => {
                        field.spec_has_fields = true;
                        depth += 1;
                    }
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            field.spec = &chars[spec_start..*i - 1];
                            return Ok(field);
                        }
                    }
                    _ => {}
                }
            }
            Err(interp.value_error("unmatched '{' in format spec"))
        }
        '}' => Ok(field),
        _ => Err(interp.value_error("expected '}' before end of string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_quotes_and_escapes() {
        assert_eq!(str_repr("a'b"), "\"a'b\"");
        assert_eq!(str_repr("a'\"b"), "'a\\'\"b'");
        assert_eq!(
            str_repr("\t\n\\\x00\x7f\u{a0}é"),
            "'\\t\\n\\\\\\x00\\x7f\\xa0é'"
        );
        assert_eq!(str_repr("\u{2028}😀"), "'\\u2028😀'");
    }

    #[test]
    fn whitespace_split_keeps_trailing_remainder() {
        assert_eq!(split_whitespace("  a b  c  ", Some(1)), ["a", "b  c  "]);
        assert_eq!(rsplit_whitespace("  a b  c  ", Some(1)), ["  a b", "c"]);
        assert!(split_whitespace("   ", Some(0)).is_empty());
    }

    #[test]
    fn decimal_digits_of_any_script() {
        assert_eq!(decimal_value('٣'), Some(3));
        assert_eq!(decimal_value('²'), None);
    }
}
