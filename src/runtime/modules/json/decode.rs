//! `json.loads`: CPython 3.11's C scanner (`_json.c`) and
//! `JSONDecoder.decode`, with the same errors at the same positions.
//!
//! The scanner walks the UTF-8 bytes of the document: everything JSON
//! gives meaning to is ASCII, and an ASCII byte is always a whole
//! character. Positions become character indices, as CPython counts them,
//! only for an error; and where CPython asks how many characters are left,
//! so does the scanner.

use std::rc::Rc;

use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

/// `_scan(s, error_class, object_hook, object_pairs_hook, parse_float,
/// parse_int, parse_constant, strict, start)`, called by the prelude's
/// `JSONDecoder` with its settings. With `start` `None` (`decode`): the
/// value the whole of `s` holds; with a character index (`raw_decode`):
/// `(value, end)` for the value starting there.
pub fn scan(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let [doc, error_class, object_hook, object_pairs_hook, parse_float, parse_int, parse_constant, strict, start] =
        args
    else {
        return Err(interp.type_error("_scan() takes 9 arguments"));
    };
    let Value::Str(text) = doc else {
        return Err(interp.type_error("_scan() needs a str"));
    };
    let is_type = |value: &Value, class: &Rc<crate::runtime::object::Class>| matches!(value, Value::Type(c) if Rc::ptr_eq(c, class));
    let hook = |value: &Value| (!value.is_none()).then(|| value.clone());
    let scanner = Scanner {
        doc: doc.clone(),
        text: text.as_str(),
        error_class: error_class.clone(),
        strict: interp.truthy(strict)?,
        object_hook: hook(object_hook),
        object_pairs_hook: hook(object_pairs_hook),
        parse_float: (!is_type(parse_float, &interp.types.float)).then(|| parse_float.clone()),
        parse_int: (!is_type(parse_int, &interp.types.int)).then(|| parse_int.clone()),
        parse_constant: hook(parse_constant),
    };
    if start.is_none() {
        return scanner.decode(interp);
    }
    let start = interp.to_index(start)?;
    let Ok(start) = usize::try_from(start) else {
        return Err(interp.value_error("idx cannot be negative"));
    };
    let Some((index, _)) = scanner.text.char_indices().nth(start) else {
        // At or past the end: CPython reports the index as given.
        let args = [
            Value::str("Expecting value"),
            doc.clone(),
            Value::from(start),
        ];
        let exception = interp.call(error_class, &args, &[])?;
        return Err(interp.make_exception(exception)?);
    };
    let (value, end) = scanner.scan_once(interp, index)?;
    let end = scanner.text[..end].chars().count();
    Ok(Value::tuple(vec![value, Value::from(end)]))
}

struct Scanner<'a> {
    /// The document as a value, for `JSONDecodeError.doc`.
    doc: Value,
    text: &'a str,
    error_class: Value,
    /// Whether control characters inside strings are errors.
    strict: bool,
    object_hook: Option<Value>,
    object_pairs_hook: Option<Value>,
    /// The hooks for numbers and constants, when not the default ones.
    parse_float: Option<Value>,
    parse_int: Option<Value>,
    parse_constant: Option<Value>,
}

/// JSON's whitespace (not Python's).
fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

impl Scanner<'_> {
    fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    fn byte(&self, index: usize) -> Option<u8> {
        self.bytes().get(index).copied()
    }

    fn skip_whitespace(&self, mut index: usize) -> usize {
        while self.byte(index).is_some_and(is_whitespace) {
            index += 1;
        }
        index
    }

    /// Whether at least `count` characters start at byte `index`.
    fn has_chars(&self, index: usize, count: usize) -> bool {
        count == 0 || self.text[index..].chars().nth(count - 1).is_some()
    }

    /// `JSONDecodeError(message, doc, pos)` for the character at byte `index`.
    fn error(&self, interp: &mut Interp, message: &str, index: usize) -> PyErr {
        let pos = self.text[..index].chars().count();
        let args = [
            Value::str(message),
            self.doc.clone(),
            Value::Int(pos as i64),
        ];
        match interp.call(&self.error_class, &args, &[]) {
            Ok(exception) => interp
                .make_exception(exception)
                .unwrap_or_else(|error| error),
            Err(error) => error,
        }
    }

    /// `JSONDecoder.decode`: one value, with only whitespace around it.
    fn decode(&self, interp: &mut Interp) -> PyResult<Value> {
        let (value, end) = self.scan_once(interp, self.skip_whitespace(0))?;
        let end = self.skip_whitespace(end);
        if end != self.text.len() {
            return Err(self.error(interp, "Extra data", end));
        }
        Ok(value)
    }

    /// `scan_once_unicode`: the value starting at `index` and the index
    /// after it.
    fn scan_once(&self, interp: &mut Interp, index: usize) -> PyResult<(Value, usize)> {
        let rest = &self.bytes()[index.min(self.text.len())..];
        let value = match rest.first() {
            None => return Err(self.error(interp, "Expecting value", index)),
            Some(b'"') => return self.scan_string(interp, index + 1),
            Some(b'{') => {
                return interp.nested_in(
                    " while decoding a JSON object from a unicode string",
                    |interp| self.parse_object(interp, index + 1),
                )
            }
            Some(b'[') => {
                return interp.nested_in(
                    " while decoding a JSON array from a unicode string",
                    |interp| self.parse_array(interp, index + 1),
                )
            }
            _ if rest.starts_with(b"null") => (Value::None, 4),
            _ if rest.starts_with(b"true") => (Value::from(true), 4),
            _ if rest.starts_with(b"false") => (Value::from(false), 5),
            _ => {
                let constant = ["NaN", "Infinity", "-Infinity"]
                    .into_iter()
                    .find(|name| rest.starts_with(name.as_bytes()));
                match constant {
                    Some(name) => (self.constant(interp, name)?, name.len()),
                    None => return self.scan_number(interp, index),
                }
            }
        };
        Ok((value.0, index + value.1))
    }

    /// `NaN`, `Infinity` or `-Infinity`, through `parse_constant` if given.
    fn constant(&self, interp: &mut Interp, name: &str) -> PyResult<Value> {
        if let Some(parse_constant) = &self.parse_constant {
            return interp.call(parse_constant, &[Value::str(name)], &[]);
        }
        Ok(Value::float(match name {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            _ => f64::NEG_INFINITY,
        }))
    }

    /// `_match_number_unicode`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`.
    fn scan_number(&self, interp: &mut Interp, start: usize) -> PyResult<(Value, usize)> {
        let is_digit = |index: usize| self.byte(index).is_some_and(|b| b.is_ascii_digit());
        let skip_digits = |mut index: usize| {
            while is_digit(index) {
                index += 1;
            }
            index
        };
        let mut index = start;
        if self.byte(index) == Some(b'-') {
            index += 1;
        }
        index = match self.byte(index) {
            Some(b'1'..=b'9') => skip_digits(index + 1),
            Some(b'0') => index + 1,
            _ => return Err(self.error(interp, "Expecting value", start)),
        };
        let mut is_float = false;
        if self.byte(index) == Some(b'.') && is_digit(index + 1) {
            is_float = true;
            index = skip_digits(index + 2);
        }
        // An exponent counts only with a digit; else the number ends before the `e`.
        if matches!(self.byte(index), Some(b'e' | b'E')) && index + 1 < self.text.len() {
            let mut end = index + 1;
            if matches!(self.byte(end), Some(b'-' | b'+')) && end + 1 < self.text.len() {
                end += 1;
            }
            end = skip_digits(end);
            if self.bytes()[end - 1].is_ascii_digit() {
                is_float = true;
                index = end;
            }
        }
        let number = &self.text[start..index];
        let hook = if is_float {
            &self.parse_float
        } else {
            &self.parse_int
        };
        let value = match hook {
            Some(hook) => interp.call(hook, &[Value::str(number)], &[])?,
            // Rust's parse is correctly rounded, as CPython's is.
            None if is_float => Value::float(number.parse().unwrap_or(f64::NAN)),
            None => match number.parse::<i64>() {
                Ok(n) => Value::Int(n),
                Err(_) => crate::runtime::builtins::numbers::int_from_decimal(interp, number)?,
            },
        };
        Ok((value, index))
    }

    /// `scanstring_unicode`: the string whose opening quote is just before
    /// `start`, and the index after its closing quote.
    fn scan_string(&self, interp: &mut Interp, start: usize) -> PyResult<(Value, usize)> {
        let begin = start - 1;
        let len = self.text.len();
        let unterminated =
            |interp: &mut Interp| Err(self.error(interp, "Unterminated string starting at", begin));
        let mut out = String::new();
        // A `\uXXXX` that is half a surrogate pair, with no other half.
        let mut lone_surrogate = false;
        let mut end = start;
        loop {
            let mut next = end;
            while let Some(byte) = self.byte(next) {
                if byte == b'"' || byte == b'\\' {
                    break;
                }
                if byte <= 0x1f && self.strict {
                    return Err(self.error(interp, "Invalid control character at", next));
                }
                next += 1;
            }
            let Some(terminator) = self.byte(next) else {
                return unterminated(interp);
            };
            out.push_str(&self.text[end..next]);
            next += 1;
            if terminator == b'"' {
                end = next;
                break;
            }
            let Some(escape) = self.byte(next) else {
                return unterminated(interp);
            };
            if escape != b'u' {
                end = next + 1;
                out.push(match escape {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'b' => '\x08',
                    b'f' => '\x0c',
                    b'n' => '\n',
                    b'r' => '\r',
                    b't' => '\t',
                    _ => return Err(self.error(interp, "Invalid \\escape", end - 2)),
                });
                continue;
            }
            // CPython wants a character after the four digits, whatever
            // they are; an error either way is at the `u`.
            let invalid = |interp: &mut Interp, u: usize| {
                Err(self.error(interp, "Invalid \\uXXXX escape", u))
            };
            let Some(code) = self.hex4(next + 1).filter(|_| next + 5 < len) else {
                return invalid(interp, next);
            };
            end = next + 5;
            let mut code = code;
            if (0xd800..0xdc00).contains(&code) && self.text[end..].starts_with("\\u") {
                // The second half must be a whole escape with a character
                // after it, or it is an error at its `u`.
                let Some(low) = self.hex4(end + 2).filter(|_| self.has_chars(end + 6, 1)) else {
                    return invalid(interp, end + 1);
                };
                if (0xdc00..0xe000).contains(&low) {
                    code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                    end += 6;
                }
            }
            match char::from_u32(code) {
                Some(c) => out.push(c),
                None => lone_surrogate = true,
            }
        }
        if lone_surrogate {
            return Err(interp.error(
                ExcType::NotImplementedError,
                "json: lone surrogates (an unpaired \\ud800-\\udfff escape) are not supported by pyl",
            ));
        }
        Ok((Value::str(out), end))
    }

    /// The four hex digits at `index`, if they are.
    fn hex4(&self, index: usize) -> Option<u32> {
        let digits = self.bytes().get(index..index + 4)?;
        digits.iter().try_fold(0, |code, &digit| {
            Some(code << 4 | char::from(digit).to_digit(16)?)
        })
    }

    /// `_parse_object_unicode`: the object whose `{` is just before `index`.
    fn parse_object(&self, interp: &mut Interp, index: usize) -> PyResult<(Value, usize)> {
        let mut pairs = Vec::new();
        let mut index = self.skip_whitespace(index);
        if self.byte(index) != Some(b'}') {
            loop {
                if self.byte(index) != Some(b'"') {
                    return Err(self.error(
                        interp,
                        "Expecting property name enclosed in double quotes",
                        index,
                    ));
                }
                let (key, end) = self.scan_string(interp, index + 1)?;
                index = self.skip_whitespace(end);
                if self.byte(index) != Some(b':') {
                    return Err(self.error(interp, "Expecting ':' delimiter", index));
                }
                index = self.skip_whitespace(index + 1);
                let (value, end) = self.scan_once(interp, index)?;
                pairs.push((key, value));
                index = self.skip_whitespace(end);
                if self.byte(index) == Some(b'}') {
                    break;
                }
                if self.byte(index) != Some(b',') {
                    return Err(self.error(interp, "Expecting ',' delimiter", index));
                }
                index = self.skip_whitespace(index + 1);
            }
        }
        let end = index + 1;
        if let Some(hook) = &self.object_pairs_hook {
            let pairs = pairs
                .into_iter()
                .map(|(key, value)| Value::pair(key, value))
                .collect();
            return Ok((interp.call(hook, &[Value::list(pairs)], &[])?, end));
        }
        let dict = Value::dict(interp.dict_from_pairs(pairs)?);
        match &self.object_hook {
            Some(hook) => Ok((interp.call(hook, &[dict], &[])?, end)),
            None => Ok((dict, end)),
        }
    }

    /// `_parse_array_unicode`: the array whose `[` is just before `index`.
    fn parse_array(&self, interp: &mut Interp, index: usize) -> PyResult<(Value, usize)> {
        let mut items = Vec::new();
        let mut index = self.skip_whitespace(index);
        if self.byte(index) != Some(b']') {
            loop {
                let (value, end) = self.scan_once(interp, index)?;
                items.push(value);
                index = self.skip_whitespace(end);
                if self.byte(index) == Some(b']') {
                    break;
                }
                if self.byte(index) != Some(b',') {
                    return Err(self.error(interp, "Expecting ',' delimiter", index));
                }
                index = self.skip_whitespace(index + 1);
            }
        }
        Ok((Value::list(items), index + 1))
    }
}
