//! A `SyntaxError` exception that says where it is (`filename`, `lineno`,
//! `offset`, `text`, …: one raised by an import, or made with them) is
//! reported with that place instead of its `str()`: a `File` line, the
//! text and carets under it, then `SyntaxError: msg`. The rules are
//! CPython's `print_exception` and `print_error_text` (`pythonrun.c`)
//! for an uncaught exception, and the `traceback` module's
//! (`TracebackException._format_syntax_error`), which differ in the edges:
//! the module needs no line number, keeps tabs under the carets, and
//! strips no tab from the text.

use super::Drawer;
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::Instance;
use crate::runtime::value::Value;

/// The lines before the last one, and the message of the last.
pub struct Located {
    pub lines: Vec<String>,
    pub message: String,
}

/// The place `exception` reports, if it is a `SyntaxError` that has one
/// (by `drawer`'s rules).
pub fn located(
    interp: &mut Interp,
    exception: &Instance,
    drawer: Drawer,
) -> PyResult<Option<Located>> {
    if !interp.is_exception(exception, ExcType::SyntaxError) {
        return Ok(None);
    }
    let field = |name| interp.exception_attribute(exception, name);
    let fields = Fields {
        msg: field("msg").unwrap_or(Value::None),
        filename: field("filename").unwrap_or(Value::None),
        lineno: int(field("lineno")),
        offset: int(field("offset")),
        end_lineno: int(field("end_lineno")),
        end_offset: int(field("end_offset")),
        text: match field("text") {
            Some(Value::Str(text)) => Some(text.as_str().to_string()),
            _ => None,
        },
    };
    match drawer {
        Drawer::Interpreter => by_interpreter(interp, exception, fields),
        Drawer::Module => by_module(interp, fields).map(Some),
    }
}

struct Fields {
    msg: Value,
    filename: Value,
    lineno: Option<i64>,
    offset: Option<i64>,
    end_lineno: Option<i64>,
    end_offset: Option<i64>,
    text: Option<String>,
}

fn int(value: Option<Value>) -> Option<i64> {
    match value {
        Some(Value::Int(number)) => Some(number),
        _ => None,
    }
}

/// `print_exception`'s: no place without an integer line number.
fn by_interpreter(
    interp: &mut Interp,
    exception: &Instance,
    fields: Fields,
) -> PyResult<Option<Located>> {
    let Some(lineno) = fields.lineno else {
        return Ok(None);
    };
    let filename = match &fields.filename {
        Value::None => "<string>".to_string(),
        other => interp.to_str(other)?,
    };
    let mut lines = vec![format!("  File \"{filename}\", line {lineno}")];
    let offset = fields.offset.unwrap_or(-1);
    // Only `SyntaxError` itself has its end read; its subclasses' is the
    // start's line, unknown column.
    let exact = std::ptr::eq(
        &*exception.class,
        &**interp.types.exception(ExcType::SyntaxError),
    );
    let (end_lineno, mut end_offset) = match exact {
        true => (
            fields.end_lineno.unwrap_or(lineno),
            fields.end_offset.unwrap_or(-1),
        ),
        false => (lineno, -1),
    };
    if let Some(text) = &fields.text {
        let size = text.len() as i64;
        // A place over several lines is marked to the end of its first.
        if end_lineno > lineno {
            end_offset = size;
        }
        end_offset = end_offset.min(size + 1);
        error_text(text, offset, end_offset, &mut lines);
    }
    Ok(Some(Located {
        lines,
        message: interp.to_str(&fields.msg)?,
    }))
}

/// `print_error_text`: the text without its indentation, and carets from
/// `offset` to `end_offset` (1-based) when the start is on the text.
fn error_text(text: &str, offset: i64, end_offset: i64, lines: &mut Vec<String>) {
    let carets = if end_offset > 0 && end_offset > offset {
        end_offset - offset
    } else {
        1
    };
    let indented = text;
    let mut text = text.trim_start_matches([' ', '\t', '\x0c']);
    let mut offset = offset - 1 - (indented.len() - text.len()) as i64;
    offset = offset.min(text.strip_suffix('\n').unwrap_or(text).len() as i64);
    // Text of several lines: the line the start is on.
    while let Some(newline) = text.find('\n') {
        let newline = newline as i64;
        if newline >= offset {
            break;
        }
        text = &text[newline as usize + 1..];
        offset -= newline + 1;
    }
    lines.push(format!("    {}", text.strip_suffix('\n').unwrap_or(text)));
    if offset >= 0 {
        lines.push(format!(
            "    {}{}",
            " ".repeat(offset as usize),
            "^".repeat(carets as usize)
        ));
    }
}

/// `_format_syntax_error`'s.
fn by_module(interp: &mut Interp, fields: Fields) -> PyResult<Located> {
    let mut lines = Vec::new();
    let mut suffix = String::new();
    match (fields.lineno, &fields.filename) {
        (Some(lineno), filename) => {
            // `self.filename or "<string>"`: an empty name too.
            let filename = match interp.truthy(filename)? {
                true => interp.to_str(filename)?,
                false => "<string>".to_string(),
            };
            lines.push(format!("  File \"{filename}\", line {lineno}"));
        }
        (None, Value::None) => {}
        (None, filename) => suffix = format!(" ({})", interp.to_str(filename)?),
    }
    if let Some(text) = &fields.text {
        let right = text.trim_end_matches('\n');
        let left = right.trim_start_matches([' ', '\n', '\x0c']);
        let spaces = (right.chars().count() - left.chars().count()) as i64;
        lines.push(format!("    {left}"));
        if let Some(offset) = fields.offset {
            let mut end_offset = match fields.end_offset {
                None | Some(0) => offset,
                Some(end) => end,
            };
            if offset == end_offset || end_offset == -1 {
                end_offset = offset + 1;
            }
            let column = offset - 1 - spaces;
            let end_column = end_offset - 1 - spaces;
            if column >= 0 {
                let space: String = (left.chars().take(column as usize))
                    .map(|c| if c.is_whitespace() { c } else { ' ' })
                    .collect();
                let carets = "^".repeat((end_column - column).max(0) as usize);
                lines.push(format!("    {space}{carets}"));
            }
        }
    }
    let message = match interp.truthy(&fields.msg)? {
        true => interp.to_str(&fields.msg)?,
        false => "<no detail available>".to_string(),
    };
    Ok(Located {
        lines,
        message: message + &suffix,
    })
}
