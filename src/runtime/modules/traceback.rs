//! The natives of the `traceback` module, whose Python is
//! `python/traceback.pyl`: what it formats is formatted by the code that
//! reports uncaught exceptions (`diagnostics`), so the two agree, and the
//! frames of a traceback object are read here.

use crate::diagnostics::{self, line_of, FrameLine};
use crate::runtime::error::{PyErr, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{NativeFn, TraceEntry};
use crate::runtime::traceback::Traceback;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

pub const NATIVES: &[(&str, NativeFn)] = &[
    ("_format_exception", format_exception),
    ("_format_exception_only", format_exception_only),
    ("_extract", extract),
    ("_format_frames", format_frames),
    ("_source_line", source_line),
    ("_frames", super::running_frames::frames),
    ("_track_frames", super::running_frames::track_frames),
];

/// `_format_exception(exc, tb, limit, chain)`: the pieces of the report
/// of `exc` with `tb` for its traceback.
fn format_exception(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [exception, traceback, limit, chain] = args else {
        return Err(interp.type_error("_format_exception(exc, tb, limit, chain)"));
    };
    let error = exception_argument(interp, exception)?;
    let frames = traceback_entries(interp, traceback)?;
    let limit = match limit {
        Value::None => None,
        limit => Some(interp.to_index(limit)? as isize),
    };
    let chain = interp.truthy(chain)?;
    let pieces = diagnostics::format_exception(interp, &error, frames, limit, chain);
    Ok(strings(pieces))
}

/// `_format_exception_only(exc)`: its last line and notes.
fn format_exception_only(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let error = exception_argument(interp, args.first().unwrap_or(&Value::None))?;
    Ok(strings(diagnostics::format_exception_only(interp, &error)))
}

/// `_extract(tb)`: a tuple `(filename, lineno, name, line, end_lineno,
/// colno, end_colno)` for each entry of the traceback, outermost first —
/// a `FrameSummary`'s fields, its line with its indentation.
fn extract(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let entries = traceback_entries(interp, args.first().unwrap_or(&Value::None))?;
    let summaries = entries.iter().map(|entry| {
        let text = &entry.code.source.text;
        let position = diagnostics::Position::of(text, entry.span);
        let line = &text[position.line_start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        Value::tuple(vec![
            Value::str(entry.code.source.name.as_str()),
            Value::from(line_of(text, entry.span.start as usize)),
            Value::str(&*entry.code.name),
            Value::str(line),
            Value::from(line_of(text, entry.span.end as usize)),
            Value::from(position.start),
            Value::from(position.end),
        ])
    });
    Ok(Value::list(summaries.collect()))
}

/// `_format_frames(summaries)`: each `(filename, lineno, name, line,
/// end_lineno, colno, end_colno)` (the last four may be None) as a
/// traceback prints it.
fn format_frames(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let summaries = interp.collect(args.first().unwrap_or(&Value::None))?;
    let mut frames = Vec::with_capacity(summaries.len());
    for summary in &summaries {
        let fields = interp.collect(summary)?;
        let [filename, lineno, name, line, end_lineno, colno, end_colno] = &fields[..] else {
            return Err(interp.type_error("_format_frames: a summary has 7 fields"));
        };
        let lineno = interp.to_index(lineno)?;
        let optional = |interp: &mut Interp, value: &Value| match value {
            Value::None => Ok(None),
            value => interp.to_index(value).map(Some),
        };
        let place = match (optional(interp, colno)?, optional(interp, end_colno)?) {
            (Some(start), Some(end)) => {
                let same_line = optional(interp, end_lineno)? == Some(lineno);
                Some((start as usize, same_line.then_some(end as usize)))
            }
            _ => None,
        };
        frames.push(FrameLine {
            filename: interp.to_str(filename)?,
            lineno: lineno as usize,
            name: interp.to_str(name)?,
            line: match line {
                Value::None => None,
                line => Some(interp.to_str(line)?),
            },
            place,
        });
    }
    Ok(strings(diagnostics::format_frames(interp, &frames)))
}

/// `_source_line(filename, lineno)`: the line of a file, as CPython's
/// `linecache.getline` reads it: empty when there is none.
fn source_line(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [filename, lineno] = args else {
        return Err(interp.type_error("_source_line(filename, lineno)"));
    };
    let lineno = interp.to_index(lineno)?;
    let path = interp.to_str(filename)?;
    let readable = interp.check_sandbox_open(&path, false).ok();
    let text = readable.and_then(|path| std::fs::read_to_string(path).ok());
    let line = (text.as_deref())
        .filter(|_| lineno >= 1)
        .and_then(|text| text.split_inclusive('\n').nth(lineno as usize - 1))
        .unwrap_or("");
    Ok(Value::str(line))
}

fn exception_argument(interp: &Interp, value: &Value) -> PyResult<PyErr> {
    match value {
        Value::Instance(instance) if instance.exception.is_some() => Ok(PyErr(instance.clone())),
        _ => Err(interp.type_error("an exception is required")),
    }
}

/// A traceback's entries, outermost first; none for `None`.
fn traceback_entries(interp: &Interp, value: &Value) -> PyResult<Vec<TraceEntry>> {
    match value {
        Value::None => Ok(Vec::new()),
        Value::Native(native) => match native.downcast_ref::<Traceback>() {
            Some(traceback) => Ok(traceback.entries().to_vec()),
            None => Err(interp.type_error("a traceback or None is required")),
        },
        _ => Err(interp.type_error("a traceback or None is required")),
    }
}

fn strings(pieces: Vec<String>) -> Value {
    Value::list(pieces.into_iter().map(Value::str).collect())
}
