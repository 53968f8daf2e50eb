//! `json.dumps` and `json.dump`: CPython 3.11's encoder.
//!
//! CPython has two encoders. `dumps` without `indent` runs the C one
//! (`c_make_encoder`); `dumps` with `indent`, and every `dump`, run the
//! Python one (`_make_iterencode`), a generator of chunks that `dump`
//! writes one `fp.write` each. They print the same text but differ in a
//! few messages, which [`Encoder::python_encoder`] selects; and `dump`
//! writes exactly the Python encoder's chunks, since the file (or a user
//! object's `write`) sees them, as it sees the ones written before an
//! error.

use std::collections::HashSet;

use crate::runtime::builtins::functions::sort_values;
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::format::float_repr;
use crate::runtime::interp::Interp;
use crate::runtime::value::{Flag, Value};
use crate::syntax::ast::{BinOp, Name};

/// `_encode(obj, fp, skipkeys, ensure_ascii, check_circular, allow_nan,
/// indent, item_separator, key_separator, default, sort_keys)`, called by
/// the prelude once it has checked the arguments as `JSONEncoder` does:
/// the JSON text when `fp` is `None` (`dumps`), else `None` after writing
/// it to `fp` (`dump`).
pub fn encode(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let [obj, fp, skipkeys, ensure_ascii, check_circular, allow_nan, indent, item_separator, key_separator, default, sort_keys] =
        args
    else {
        return Err(interp.type_error("_encode() takes 11 arguments"));
    };
    let ensure_ascii = interp.truthy(ensure_ascii)?;
    let fp = (!fp.is_none()).then(|| fp.clone());
    // `JSONEncoder.encode` writes a lone string without an encoder.
    if let (None, Value::Str(text)) = (&fp, obj) {
        let mut out = String::with_capacity(text.as_str().len() + 2);
        push_string(&mut out, text.as_str(), ensure_ascii);
        return Ok(Value::str(out));
    }
    let python_encoder = fp.is_some() || !indent.is_none();
    let indent = match indent {
        Value::None => None,
        Value::Str(text) => Some(text.as_str().to_string()),
        // `_make_iterencode`'s `' ' * _indent`, with its errors.
        count => match interp.binary_op(BinOp::Mul, &Value::str(" "), count)? {
            Value::Str(text) => Some(text.as_str().to_string()),
            // Only a user type's `__rmul__` gets here.
            _ => {
                return Err(interp.error(
                    ExcType::NotImplementedError,
                    "json: an indent that repeats into something other than a str is not supported by pyl",
                ))
            }
        },
    };
    let separator = |interp: &Interp, value: &Value, position: usize| {
        match value {
        Value::Str(text) => Ok(text.as_str().to_string()),
        _ if python_encoder => Err(interp.error(
            ExcType::NotImplementedError,
            "json: separators that are not str, with indent or in json.dump, are not supported by pyl",
        )),
        _ => Err(interp.type_error(format!(
            "make_encoder() argument {position} must be str, not {}",
            interp.argument_type_name(value)
        ))),
    }
    };
    let key_separator = separator(interp, key_separator, 5)?;
    let item_separator = separator(interp, item_separator, 6)?;
    let mut encoder = Encoder {
        fp,
        out: String::new(),
        markers: interp.truthy(check_circular)?.then(HashSet::new),
        default: (!default.is_none()).then(|| default.clone()),
        ensure_ascii,
        allow_nan: interp.truthy(allow_nan)?,
        sort_keys: interp.truthy(sort_keys)?,
        skipkeys: interp.truthy(skipkeys)?,
        indent,
        item_separator,
        key_separator,
        python_encoder,
    };
    encoder.encode(interp, obj, 0)?;
    match encoder.fp {
        Some(_) => Ok(Value::None),
        None => Ok(Value::str(encoder.out)),
    }
}

struct Encoder {
    /// `dump`'s file: each chunk goes to its `write` as it is made.
    fp: Option<Value>,
    /// The text so far (`dumps`), or the chunk being made (`dump`).
    out: String,
    /// The addresses of the containers being encoded, when
    /// `check_circular`: meeting one again is a circular reference.
    markers: Option<HashSet<usize>>,
    default: Option<Value>,
    ensure_ascii: bool,
    allow_nan: bool,
    sort_keys: bool,
    skipkeys: bool,
    indent: Option<String>,
    item_separator: String,
    key_separator: String,
    /// Whether CPython would run its Python encoder rather than the C one.
    python_encoder: bool,
}

impl Encoder {
    /// The Python encoder's `yield`: what `out` holds is one chunk, which
    /// `dump` writes now.
    fn end_chunk(&mut self, interp: &mut Interp) -> PyResult<()> {
        if let Some(fp) = &self.fp {
            let chunk = Value::str(std::mem::take(&mut self.out));
            interp.call_method(fp, "write", &[chunk])?;
        }
        Ok(())
    }

    /// One more level of recursion, with the `RecursionError` each
    /// encoder raises past the limit.
    fn nested(
        &mut self,
        interp: &mut Interp,
        body: impl FnOnce(&mut Self, &mut Interp) -> PyResult<()>,
    ) -> PyResult<()> {
        let context = if self.python_encoder {
            " while calling a Python object"
        } else {
            " while encoding a JSON object"
        };
        interp.nested_in(context, |interp| body(self, interp))
    }

    /// `_iterencode`: any value.
    fn encode(&mut self, interp: &mut Interp, value: &Value, level: usize) -> PyResult<()> {
        // An instance of a subclass of `str`, `list`, `dict`… encodes as
        // its builtin value, as the C encoder's type checks take it.
        let value = value.builtin_value();
        if self.push_scalar(interp, value)? {
            return self.end_chunk(interp);
        }
        match value {
            Value::List(items) => {
                let items = items.borrow().clone();
                self.nested(interp, |this, interp| {
                    this.encode_list(interp, value, &items, level)
                })
            }
            Value::Tuple(items) => self.nested(interp, |this, interp| {
                this.encode_list(interp, value, items, level)
            }),
            Value::Dict(dict) => {
                let items = dict.borrow().items();
                self.nested(interp, |this, interp| {
                    this.encode_dict(interp, value, items, level)
                })
            }
            _ => {
                self.mark(interp, value)?;
                let replacement = match &self.default {
                    Some(default) => interp.call(default, std::slice::from_ref(value), &[])?,
                    None => {
                        return Err(interp.type_error(format!(
                            "Object of type {} is not JSON serializable",
                            interp.class_of(value).name
                        )))
                    }
                };
                self.nested(interp, |this, interp| {
                    this.encode(interp, &replacement, level)
                })?;
                self.unmark(value);
                Ok(())
            }
        }
    }

    /// Appends a string, number, bool or `None`; `false` (and nothing
    /// appended) for any other value.
    fn push_scalar(&mut self, interp: &mut Interp, value: &Value) -> PyResult<bool> {
        match value {
            Value::Str(text) => push_string(&mut self.out, text.as_str(), self.ensure_ascii),
            Value::None => self.out.push_str("null"),
            Value::Bool(Flag::TRUE) => self.out.push_str("true"),
            Value::Bool(Flag::FALSE) => self.out.push_str("false"),
            Value::Int(n) => self.out.push_str(&n.to_string()),
            Value::BigInt(n) => self.out.push_str(&interp.int_to_decimal(n)?),
            Value::Float(x) => {
                let text = self.float_text(interp, x.get())?;
                self.out.push_str(&text);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `floatstr`: `repr`, or JavaScript's names for the non-finite.
    fn float_text(&self, interp: &Interp, x: f64) -> PyResult<String> {
        if x.is_finite() {
            return Ok(float_repr(x));
        }
        if !self.allow_nan {
            let message = "Out of range float values are not JSON compliant";
            return Err(interp.value_error(if self.python_encoder {
                format!("{message}: {}", float_repr(x))
            } else {
                message.to_string()
            }));
        }
        Ok(if x.is_nan() {
            "NaN"
        } else if x > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .to_string())
    }

    /// Notes that `container` is being encoded; an error if it already is.
    fn mark(&mut self, interp: &Interp, container: &Value) -> PyResult<()> {
        if let Some(markers) = &mut self.markers {
            if !markers.insert(container.address()) {
                return Err(interp.value_error("Circular reference detected"));
            }
        }
        Ok(())
    }

    fn unmark(&mut self, container: &Value) {
        if let Some(markers) = &mut self.markers {
            markers.remove(&container.address());
        }
    }

    /// The newline and indentation that start a line at `level`, if indenting.
    fn newline_indent(&self, level: usize) -> Option<String> {
        self.indent
            .as_ref()
            .map(|indent| format!("\n{}", indent.repeat(level)))
    }

    /// `_iterencode_list`, for lists and tuples.
    fn encode_list(
        &mut self,
        interp: &mut Interp,
        list: &Value,
        items: &[Value],
        level: usize,
    ) -> PyResult<()> {
        if items.is_empty() {
            self.out.push_str("[]");
            return self.end_chunk(interp);
        }
        self.mark(interp, list)?;
        self.out.push('[');
        let level = level + usize::from(self.indent.is_some());
        let newline_indent = self.newline_indent(level);
        let separator = format!(
            "{}{}",
            self.item_separator,
            newline_indent.as_deref().unwrap_or("")
        );
        if let Some(newline_indent) = &newline_indent {
            self.out.push_str(newline_indent);
        }
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(&separator);
            }
            if self.push_scalar(interp, item)? {
                self.end_chunk(interp)?;
            } else {
                self.end_chunk(interp)?;
                self.encode(interp, item, level)?;
            }
        }
        self.close(interp, ']', level)?;
        self.unmark(list);
        Ok(())
    }

    /// The end of a non-empty list or dict: a newline back at the outer
    /// level when indenting, then the bracket.
    fn close(&mut self, interp: &mut Interp, bracket: char, level: usize) -> PyResult<()> {
        if let Some(newline_indent) = self.newline_indent(level.saturating_sub(1)) {
            self.out.push_str(&newline_indent);
            self.end_chunk(interp)?;
        }
        self.out.push(bracket);
        self.end_chunk(interp)
    }

    /// `_iterencode_dict`.
    fn encode_dict(
        &mut self,
        interp: &mut Interp,
        dict: &Value,
        mut items: Vec<(Value, Value)>,
        level: usize,
    ) -> PyResult<()> {
        if items.is_empty() {
            self.out.push_str("{}");
            return self.end_chunk(interp);
        }
        self.mark(interp, dict)?;
        self.out.push('{');
        self.end_chunk(interp)?;
        let level = level + usize::from(self.indent.is_some());
        let newline_indent = self.newline_indent(level);
        let separator = format!(
            "{}{}",
            self.item_separator,
            newline_indent.as_deref().unwrap_or("")
        );
        if let Some(newline_indent) = &newline_indent {
            self.out.push_str(newline_indent);
            self.end_chunk(interp)?;
        }
        if self.sort_keys {
            items = sorted_items(interp, items)?;
        }
        let mut first = true;
        for (key, value) in &items {
            let key = match key.builtin_value() {
                Value::Str(text) => text.as_str().to_string(),
                Value::Float(x) => self.float_text(interp, x.get())?,
                Value::Bool(Flag::TRUE) => "true".to_string(),
                Value::Bool(Flag::FALSE) => "false".to_string(),
                Value::None => "null".to_string(),
                Value::Int(n) => n.to_string(),
                Value::BigInt(n) => interp.int_to_decimal(n)?,
                _ if self.skipkeys => continue,
                _ => {
                    return Err(interp.type_error(format!(
                        "keys must be str, int, float, bool or None, not {}",
                        interp.type_name(key)
                    )))
                }
            };
            if first {
                first = false;
            } else {
                self.out.push_str(&separator);
                self.end_chunk(interp)?;
            }
            push_string(&mut self.out, &key, self.ensure_ascii);
            self.end_chunk(interp)?;
            self.out.push_str(&self.key_separator);
            self.end_chunk(interp)?;
            self.encode(interp, value, level)?;
        }
        self.close(interp, '}', level)?;
        self.unmark(dict);
        Ok(())
    }
}

/// `sorted(dct.items())`: the items as tuples, compared as Python does.
fn sorted_items(interp: &mut Interp, items: Vec<(Value, Value)>) -> PyResult<Vec<(Value, Value)>> {
    let mut pairs: Vec<Value> = items
        .into_iter()
        .map(|(key, value)| Value::pair(key, value))
        .collect();
    sort_values(interp, &mut pairs, None, false)?;
    Ok(pairs
        .iter()
        .filter_map(|pair| match pair {
            Value::Tuple(pair) => Some((pair[0].clone(), pair[1].clone())),
            _ => None,
        })
        .collect())
}

/// A JSON string literal: `encode_basestring_ascii` when `ensure_ascii`
/// (everything outside printable ASCII escaped, astral characters as
/// surrogate pairs), else `encode_basestring` (only `"`, `\` and control
/// characters escaped).
pub fn push_string(out: &mut String, text: &str, ensure_ascii: bool) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            c if c < ' ' || ensure_ascii => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
