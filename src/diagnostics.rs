//! Error reports on stderr: syntax errors and uncaught exceptions, rendered
//! with ariadne against the source, then CPython's exact last line.
//! The only module that knows ariadne.

mod hints;
mod located;
mod markers;

use markers::Drawer;
pub use markers::Position;

use std::io::Write;

use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::error::PyErr;
use crate::runtime::exceptions::group_members;
use crate::runtime::interp::Interp;
use crate::runtime::object::{Instance, TraceEntry};
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

/// Prints an uncaught exception the way CPython does
/// (`print_exception_recursive` in `pythonrun.c`): the chain of causes and
/// contexts, each with its traceback, and an exception group as a box of
/// its members; with an ariadne snippet of the innermost line of the
/// program itself.
pub fn report_exception(interp: &mut Interp, error: &PyErr) {
    report_chain(Printer::new(interp, false, None), error);
}

/// What the `traceback` module formats of an exception: its chain (if
/// `chain`), each with at most `limit` frames (the last ones if it is
/// negative), as CPython's `traceback.format_exception` — in its pieces:
/// a header, a frame (with its source line and markers), a last line.
/// `frames`, outermost first, stand for the exception's own traceback.
pub fn format_exception(
    interp: &mut Interp,
    error: &PyErr,
    frames: Vec<TraceEntry>,
    limit: Option<isize>,
    chain: bool,
) -> Vec<String> {
    let mut printer = Printer::collecting(interp);
    printer.limit = limit;
    printer.given_frames = Some((Rc::as_ptr(&error.0), frames));
    if chain {
        printer.exception_and_chain(error, false);
    } else {
        printer.one(error, false);
    }
    printer.pieces()
}

/// The last line of an exception's report and its notes, as CPython's
/// `traceback.format_exception_only`.
pub fn format_exception_only(interp: &mut Interp, error: &PyErr) -> Vec<String> {
    let mut printer = Printer::collecting(interp);
    printer.last_line(error);
    printer.pieces()
}

/// Frames as a traceback prints them, one piece each (with their
/// `[Previous line repeated …]` lines): CPython's `StackSummary.format`.
pub fn format_frames(interp: &mut Interp, frames: &[FrameLine]) -> Vec<String> {
    let mut printer = Printer::collecting(interp);
    printer.frames(frames);
    printer.pieces()
}

/// One frame of a traceback as printed: CPython's `FrameSummary`.
pub struct FrameLine {
    pub filename: String,
    pub lineno: usize,
    pub name: String,
    /// Its source line, indentation included, if it has one.
    pub line: Option<String>,
    /// Where in the line the exception arose, in bytes: from, and to
    /// (`None` when the place runs onto the next lines).
    pub place: Option<(usize, Option<usize>)>,
}

impl FrameLine {
    pub fn of(entry: &TraceEntry) -> FrameLine {
        let source = &entry.code.source;
        let position = markers::Position::of(&source.text, entry.span);
        let line = &source.text[position.line_start..];
        FrameLine {
            filename: source.name.clone(),
            lineno: line_of(&source.text, entry.span.start as usize),
            name: entry.code.name.to_string(),
            line: Some(line[..line.find('\n').unwrap_or(line.len())].to_string()),
            place: Some((position.start, position.end_on_line)),
        }
    }
}

/// The frames of `error`'s traceback that are shown, outermost first:
/// not those of Python standing for CPython's C code, as C functions have
/// none.
pub fn shown_frames(exception: &Instance) -> Vec<TraceEntry> {
    let Some(data) = exception.exception.as_ref() else {
        return Vec::new();
    };
    let entries = data.traceback.borrow();
    (entries.iter().rev())
        .filter(|entry| entry.code.source.origin != Origin::BundledForC)
        .cloned()
        .collect()
}

/// [`report_exception`] for the exception that ends the program (or an
/// input of the REPL): its last line also suggests a name ("Did you mean:
/// 'print'?"), as CPython's `PyErr_Display` does and its logged reports
/// (a task's exception never retrieved, a failed callback) do not.
pub fn report_uncaught(interp: &mut Interp, error: &PyErr) {
    report_chain(Printer::new(interp, true, None), error);
}

/// [`report_exception`] for an exception a loop callback raised.
pub fn report_callback_exception(interp: &mut Interp, error: &PyErr) {
    report_chain(
        Printer::new(interp, false, Some(Rc::as_ptr(&error.0))),
        error,
    );
}

fn report_chain(mut printer: Printer, error: &PyErr) {
    printer.exception_and_chain(error, true);
    let _ = std::io::stderr().flush();
}

/// Prints one exception and its traceback, without its causes and
/// contexts or a snippet: what CPython's `sys.unraisablehook` prints.
pub fn report_exception_alone(interp: &mut Interp, error: &PyErr) {
    Printer::new(interp, false, None).exception(error, "Traceback", false);
    let _ = std::io::stderr().flush();
}

/// How many members of a group are shown, and how deep groups in groups
/// (CPython's `max_group_width` and `max_group_depth`).
const MAX_GROUP_WIDTH: usize = 15;
const MAX_GROUP_DEPTH: usize = 10;

/// CPython's `exception_print_context`.
struct Printer<'a> {
    interp: &'a mut Interp,
    /// How deep inside exception groups the text is: its indentation.
    depth: usize,
    /// Whether the innermost group's box still needs its closing line.
    need_close: bool,
    /// The exceptions printed so far, which a chain does not print again.
    seen: Vec<*const Instance>,
    /// Whether last lines suggest a name (`runtime::suggestions`).
    suggest: bool,
    /// The exception raised under a frame of CPython's Python that pyl
    /// does not show (a loop callback's, in `events.py`): it has a
    /// traceback header even with no frame of its own.
    under_hidden_frame: Option<*const Instance>,
    /// How many frames of each traceback are shown: the first ones, or
    /// (negative) the last ones; all when `None`.
    limit: Option<isize>,
    /// Frames that stand for an exception's own traceback (the
    /// `traceback` module's `print_exception(type, value, tb)`).
    given_frames: Option<(*const Instance, Vec<TraceEntry>)>,
    sink: Sink,
}

/// Where a report goes: to stderr as it is made, or kept in the pieces
/// the `traceback` module returns.
enum Sink {
    Stderr,
    Pieces(Vec<String>),
}

impl<'a> Printer<'a> {
    fn new(
        interp: &'a mut Interp,
        suggest: bool,
        under_hidden_frame: Option<*const Instance>,
    ) -> Printer<'a> {
        Printer {
            interp,
            depth: 0,
            need_close: false,
            seen: Vec::new(),
            suggest,
            under_hidden_frame,
            limit: None,
            given_frames: None,
            sink: Sink::Stderr,
        }
    }

    /// A printer for the `traceback` module, keeping its pieces.
    fn collecting(interp: &'a mut Interp) -> Printer<'a> {
        Printer {
            sink: Sink::Pieces(Vec::new()),
            ..Printer::new(interp, false, None)
        }
    }

    fn pieces(self) -> Vec<String> {
        match self.sink {
            Sink::Pieces(pieces) => pieces,
            Sink::Stderr => Vec::new(),
        }
    }

    /// One piece of the report: `lines`, each indented and after the
    /// margin of the exception group they are in (none when `bare`).
    fn piece(&mut self, lines: &[&str], bare: bool) {
        let prefix = match bare {
            true => self.indent(),
            false => format!("{}{}", self.indent(), self.margin()),
        };
        let mut piece = String::new();
        for line in lines {
            piece.push_str(&prefix);
            piece.push_str(line);
            piece.push('\n');
        }
        match &mut self.sink {
            Sink::Stderr => eprint!("{piece}"),
            Sink::Pieces(pieces) => pieces.push(piece),
        }
    }

    /// An exception after its chain of causes and contexts.
    fn exception_and_chain(&mut self, error: &PyErr, snippet: bool) {
        self.seen.push(Rc::as_ptr(&error.0));
        let mut chain = vec![(error.clone(), "")];
        while let Some(data) = &chain[chain.len() - 1].0 .0.exception {
            let (next, message) = match (
                &*data.cause.borrow(),
                &*data.context.borrow(),
                data.suppress_context.get(),
            ) {
                (Some(Value::Instance(cause)), _, _) => (cause.clone(), CAUSE_MESSAGE),
                (_, Some(Value::Instance(context)), false) => (context.clone(), CONTEXT_MESSAGE),
                _ => break,
            };
            if self.seen.contains(&Rc::as_ptr(&next)) {
                break;
            }
            self.seen.push(Rc::as_ptr(&next));
            chain.push((PyErr(next), message));
        }
        let (last, earlier) = chain
            .split_first()
            .expect("the chain starts with the error");
        for (exception, message) in earlier.iter().rev() {
            let need_close = self.need_close;
            self.one(exception, false);
            self.need_close = need_close;
            self.piece(&["", message, ""], false);
        }
        self.one(&last.0, snippet);
    }

    /// One exception of a chain: a group as a box of its members.
    fn one(&mut self, error: &PyErr, snippet: bool) {
        match self.members(error) {
            Some(members) => self.group(error, &members, snippet),
            None => self.exception(error, "Traceback", snippet),
        }
    }

    /// An exception group's members, if it is one.
    fn members(&self, error: &PyErr) -> Option<Vec<PyErr>> {
        let members = group_members(self.interp, &error.value())?;
        let members = members.iter().filter_map(|member| match member {
            Value::Instance(instance) => Some(PyErr(instance.clone())),
            _ => None,
        });
        Some(members.collect())
    }

    fn group(&mut self, error: &PyErr, members: &[PyErr], snippet: bool) {
        if self.depth > MAX_GROUP_DEPTH {
            self.line(&format!("... (max_group_depth is {MAX_GROUP_DEPTH})"));
            return;
        }
        if snippet {
            // Before the box: where its first member (the first that is
            // not a group itself) was raised, or else the group.
            let mut first = error.clone();
            while let Some(member) = self.members(&first).and_then(|m| m.into_iter().next()) {
                first = member;
            }
            if !self.snippet(&first) {
                self.snippet(error);
            }
        }
        if self.depth == 0 {
            self.depth = 1;
        }
        self.exception(error, "Exception Group Traceback", false);
        let shown = members.len().min(MAX_GROUP_WIDTH + 1);
        self.need_close = false;
        for (index, member) in members.iter().take(shown).enumerate() {
            let last = index + 1 == shown;
            if last {
                // The closing line may come from a group inside this one.
                self.need_close = true;
            }
            let truncated = index >= MAX_GROUP_WIDTH;
            let title = match truncated {
                true => "...".to_string(),
                false => (index + 1).to_string(),
            };
            let corner = if index == 0 { "+-" } else { "  " };
            self.piece(
                &[&format!(
                    "{corner}+---------------- {title} ----------------"
                )],
                true,
            );
            self.depth += 1;
            if truncated {
                let more = members.len() - MAX_GROUP_WIDTH;
                let plural = if more > 1 { "s" } else { "" };
                self.line(&format!("and {more} more exception{plural}"));
            } else {
                self.exception_and_chain(member, false);
            }
            if last && self.need_close {
                self.piece(&["+------------------------------------"], true);
                self.need_close = false;
            }
            self.depth -= 1;
        }
        if self.depth == 1 {
            self.depth = 0;
        }
    }

    /// One exception's traceback (under `header`), its `Type: message`
    /// line and its notes.
    fn exception(&mut self, error: &PyErr, header: &str, snippet: bool) {
        let mut entries = match &self.given_frames {
            Some((exception, frames)) if *exception == Rc::as_ptr(&error.0) => frames.clone(),
            _ => shown_frames(&error.0),
        };
        match self.limit {
            Some(limit) if limit >= 0 => entries.truncate(limit as usize),
            Some(limit) => {
                let first = entries.len().saturating_sub(limit.unsigned_abs());
                entries.drain(..first);
            }
            None => {}
        }
        if !entries.is_empty() || self.under_hidden_frame == Some(Rc::as_ptr(&error.0)) {
            // A top-level group's header has a corner for a margin.
            let header = format!("{header} (most recent call last):");
            if self.depth == 1 && header.starts_with("Exception Group") {
                self.piece(&[&format!("+ {header}")], true);
            } else {
                self.line(&header);
            }
            let frames: Vec<FrameLine> = entries.iter().map(FrameLine::of).collect();
            self.frames(&frames);
        }
        if snippet {
            self.snippet(error);
        }
        self.last_line(error);
    }

    /// An exception's `Type: message` line and its notes; for a
    /// `SyntaxError` that says where it is, that place before.
    fn last_line(&mut self, error: &PyErr) {
        let (name, mut message) = self.name_and_message(error);
        if let Ok(Some(place)) = located::located(self.interp, &error.0, self.drawer()) {
            // A piece each, as `format_exception_only` yields them.
            for line in &place.lines {
                self.line(line);
            }
            message = place.message;
        }
        if message.is_empty() {
            self.line(&name);
        } else {
            self.line(&format!("{name}: {message}"));
        }
        self.notes(error);
    }

    /// The traceback's lines, outermost first, a piece per frame. As
    /// CPython's traceback module: after three identical lines (same
    /// file, line and function: deep recursion), one line counts the rest.
    fn frames(&mut self, frames: &[FrameLine]) {
        let mut previous = None;
        let mut repeats = 0;
        for frame in frames {
            let place = (&frame.filename, frame.lineno, &frame.name);
            if previous != Some(place) {
                self.repeats(repeats);
                previous = Some(place);
                repeats = 0;
            }
            repeats += 1;
            if repeats > 3 {
                continue;
            }
            let mut lines = vec![format!(
                "  File \"{}\", line {}, in {}",
                frame.filename, frame.lineno, frame.name
            )];
            if let Some(line) = &frame.line {
                let (start, end) = frame.place.unwrap_or((0, Some(0)));
                let (text, markers) = markers::marked_line(line, start, end, self.drawer());
                if !text.is_empty() {
                    lines.push(format!("    {text}"));
                    if let Some(markers) = markers {
                        lines.push(format!("    {markers}"));
                    }
                }
            }
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            self.piece(&lines, false);
        }
        self.repeats(repeats);
    }

    fn repeats(&mut self, count: usize) {
        if count > 3 {
            let more = count - 3;
            let plural = if more > 1 { "s" } else { "" };
            self.line(&format!(
                "  [Previous line repeated {more} more time{plural}]"
            ));
        }
    }

    /// An exception's notes (`add_note`), one per line after its message;
    /// what is not a str shows by its repr, as CPython's traceback module
    /// prints them (the unraisable hook of 3.11 does not).
    fn notes(&mut self, error: &PyErr) {
        let notes = match self.interp.get_attr_opt(&error.value(), "__notes__") {
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
                other => self.interp.repr(other).unwrap_or_default(),
            };
            for line in text.split('\n') {
                self.line(line);
            }
        }
    }

    /// How the exception's last line names it, and its message: CPython
    /// names an exception by `module.qualname` unless it is a builtin or
    /// defined in the main script.
    fn name_and_message(&mut self, error: &PyErr) -> (String, String) {
        let mut message = (self.interp.to_str(&error.value()))
            .unwrap_or_else(|_| "<exception str() failed>".to_string());
        if self.suggest {
            if let Some(suggestion) = self.interp.suggestion_for(error) {
                message.push_str(&suggestion);
            }
        }
        let class = &error.0.class;
        let qualname = self.interp.qualname_of(class);
        let name = match class.module_name().as_ref() {
            "builtins" | "__main__" => qualname,
            module => format!("{module}.{qualname}"),
        };
        (name, message)
    }

    /// The ariadne snippet of where `error` was raised: its innermost
    /// line in the program itself, not in Python bundled with pyl.
    /// Whether it has a line to show.
    fn snippet(&mut self, error: &PyErr) -> bool {
        let Some(data) = &error.0.exception else {
            return false;
        };
        // A syntax error's place is shown by its last lines (`located`).
        if let Ok(Some(_)) = located::located(self.interp, &error.0, Drawer::Interpreter) {
            return false;
        }
        let innermost = {
            let entries = data.traceback.borrow();
            (entries.iter())
                .find(|entry| !entry.code.source.bundled())
                .or(entries.first())
                .cloned()
        };
        let Some(entry) = innermost else {
            return false;
        };
        let (name, message) = self.name_and_message(error);
        let source = &entry.code.source;
        let code = (source.text).get(entry.span.start as usize..entry.span.end as usize);
        let hint = hints::for_exception(&name, &message, code.unwrap_or_default());
        render(
            &source.name,
            &source.text,
            entry.span,
            ReportKind::Error,
            &name,
            &message,
            hint.as_deref(),
        );
        true
    }

    /// Whose rules draw the markers: the interpreter's for what goes to
    /// stderr, the `traceback` module's for what it returns.
    fn drawer(&self) -> Drawer {
        match self.sink {
            Sink::Stderr => Drawer::Interpreter,
            Sink::Pieces(_) => Drawer::Module,
        }
    }

    /// Two spaces per level of exception group.
    fn indent(&self) -> String {
        " ".repeat(2 * self.depth)
    }

    /// What starts each line inside an exception group.
    fn margin(&self) -> &'static str {
        if self.depth > 0 {
            "| "
        } else {
            ""
        }
    }

    fn line(&mut self, text: &str) {
        self.piece(&[text], false);
    }
}

const CAUSE_MESSAGE: &str = "The above exception was the direct cause of the following exception:";
const CONTEXT_MESSAGE: &str = "During handling of the above exception, another exception occurred:";
