//! Error reports on stderr: syntax errors and uncaught exceptions, rendered
//! with ariadne against the source, then CPython's exact last line.
//! The only module that knows ariadne.

use std::io::Write;

use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};

use crate::runtime::error::PyErr;
use crate::runtime::interp::Interp;
use crate::runtime::value::Value;
use crate::syntax::error::SyntaxError;
use crate::syntax::span::Span;

/// The 1-based line number of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The text of the line holding a byte offset, without indentation.
pub fn line_text(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    text[start..end].trim()
}

/// An ariadne snippet of `span` with a label, to stderr.
fn render(
    name: &str,
    text: &str,
    span: Span,
    kind: ReportKind,
    message: &str,
    label: &str,
    hint: Option<&str>,
) {
    // ariadne slices the text at the span's ends: they must fall inside it
    // and on character boundaries, whatever span an error carries.
    let mut start = (span.start as usize).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (span.end as usize).clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let mut report = Report::build(kind, (name, start..end))
        .with_config(
            Config::default()
                .with_index_type(IndexType::Byte)
                .with_color(false),
        )
        .with_message(message)
        .with_label(Label::new((name, start..end)).with_message(label));
    if let Some(hint) = hint {
        report = report.with_help(hint);
    }
    let mut stderr = std::io::stderr().lock();
    let _ = report
        .finish()
        .write((name, Source::from(text)), &mut stderr);
}

pub fn report_syntax_error(name: &str, text: &str, error: &SyntaxError) {
    if !text.is_empty() {
        render(
            name,
            text,
            error.span,
            ReportKind::Error,
            error.kind.name(),
            &error.message,
            error.hint.as_deref(),
        );
    }
    eprintln!("{}: {}", error.kind.name(), error.message);
}

/// Prints an uncaught exception the way CPython does — the chain of
/// causes and contexts, each with its traceback — with the innermost
/// frame's span rendered by ariadne.
pub fn report_exception(interp: &mut Interp, error: &PyErr) {
    let mut chain = vec![(error.clone(), "")];
    let mut current = error.clone();
    while let Some(data) = &current.0.exception {
        let (next, text) = match (
            &*data.cause.borrow(),
            &*data.context.borrow(),
            data.suppress_context.get(),
        ) {
            (Some(Value::Instance(cause)), _, _) => (
                cause.clone(),
                "\nThe above exception was the direct cause of the following exception:\n",
            ),
            (_, Some(Value::Instance(context)), false) => (
                context.clone(),
                "\nDuring handling of the above exception, another exception occurred:\n",
            ),
            _ => break,
        };
        if chain.iter().any(|(e, _)| std::rc::Rc::ptr_eq(&e.0, &next)) || chain.len() > 100 {
            break;
        }
        if let Some(last) = chain.last_mut() {
            last.1 = text;
        }
        current = PyErr(next);
        chain.push((current.clone(), ""));
    }
    for (index, (exception, _)) in chain.iter().enumerate().rev() {
        print_one(interp, exception, index == 0);
        print_notes(interp, exception);
        if index > 0 {
            eprintln!("{}", chain[index - 1].1);
        }
    }
    let _ = std::io::stderr().flush();
}

/// Prints one exception and its traceback, without its causes and
/// contexts or a snippet: what CPython's `sys.unraisablehook` prints.
pub fn report_exception_alone(interp: &mut Interp, error: &PyErr) {
    print_one(interp, error, false);
    let _ = std::io::stderr().flush();
}

/// An exception's notes (`add_note`), one per line after its message;
/// what is not a str shows by its repr, as CPython's traceback module
/// prints them (the unraisable hook of 3.11 does not).
fn print_notes(interp: &mut Interp, error: &PyErr) {
    let notes = match interp.get_attr_opt(&error.value(), "__notes__") {
        Ok(Some(Value::List(notes))) => notes.borrow().clone(),
        Ok(Some(Value::Tuple(notes))) => notes.to_vec(),
        // CPython 3.11 iterates whatever sequence it is: a str by character.
        Ok(Some(Value::Str(text))) => text
            .as_str()
            .chars()
            .map(|c| Value::str(c.to_string().as_str()))
            .collect(),
        _ => Vec::new(),
    };
    for note in &notes {
        let text = match note {
            Value::Str(text) => text.as_str().to_string(),
            other => interp.repr(other).unwrap_or_default(),
        };
        eprintln!("{text}");
    }
}

fn report_repeats(count: usize) {
    if count > 3 {
        let more = count - 3;
        let plural = if more > 1 { "s" } else { "" };
        eprintln!("  [Previous line repeated {more} more time{plural}]");
    }
}

fn print_one(interp: &mut Interp, error: &PyErr, innermost_snippet: bool) {
    let entries = error
        .0
        .exception
        .as_ref()
        .map(|d| d.traceback.borrow().clone())
        .unwrap_or_default();
    if !entries.is_empty() {
        eprintln!("Traceback (most recent call last):");
        // As CPython's traceback module: after three identical lines (same
        // file, line and function: deep recursion), one line counts the rest.
        let mut previous = None;
        let mut repeats = 0;
        for entry in entries.iter().rev() {
            let source = &entry.code.source;
            let line = line_of(&source.text, entry.span.start as usize);
            let place = (std::rc::Rc::as_ptr(source), line, entry.code.name.clone());
            if previous.as_ref() != Some(&place) {
                report_repeats(repeats);
                previous = Some(place);
                repeats = 0;
            }
            repeats += 1;
            if repeats > 3 {
                continue;
            }
            eprintln!(
                "  File \"{}\", line {}, in {}",
                source.name, line, entry.code.name
            );
            let text = line_text(&source.text, entry.span.start as usize);
            if !text.is_empty() {
                eprintln!("    {text}");
            }
        }
        report_repeats(repeats);
    }
    let message = interp.to_str(&error.value()).unwrap_or_default();
    let class = &error.0.class;
    // CPython names an exception by `module.qualname` unless it is a
    // builtin or defined in the main script.
    let name = match class.module.as_ref() {
        "builtins" | "__main__" => class.name.to_string(),
        module => format!("{module}.{}", class.name),
    };
    if innermost_snippet {
        if let Some(entry) = entries.first() {
            let source = &entry.code.source;
            render(
                &source.name,
                &source.text,
                entry.span,
                ReportKind::Error,
                &name,
                &message,
                None,
            );
        }
    }
    if message.is_empty() {
        eprintln!("{name}");
    } else {
        eprintln!("{name}: {message}");
    }
}
