//! The source line of a traceback entry and the markers CPython 3.11
//! draws under it (`~~^~~`, `^^^^`) to show where in the line the
//! exception arose. The rules are those of CPython's `tb_displayline`
//! (`Python/traceback.c`), which prints an uncaught exception:
//! - the markers span the place (an expression's span); one that runs
//!   onto the next lines is marked to the end of its first line;
//! - none are drawn when they would cover the whole line, unless the
//!   place is a binary operation or a subscript written on one line: its
//!   operator or brackets are then marked apart (`^`) from its operands
//!   (`~`), which CPython finds by parsing the marked text again — as
//!   this does, with pyl's parser;
//! - they are drawn in columns: a wide character (East Asian W or F)
//!   takes two.
//!
//! The `traceback` module's rules (`format_frame_summary` in
//! `traceback.py`) differ: the line is stripped at both ends, the markers
//! are drawn whenever they are narrower than that, and — a quirk of its
//! arithmetic — start as many columns further left as the line has
//! blanks at its end.

use unicode_width::UnicodeWidthChar;

use crate::syntax::ast::{ExprKind, StmtKind};
use crate::syntax::parser::parse_module;
use crate::syntax::span::Span;

/// Where a span is in its source, as a traceback entry records it.
pub struct Position {
    /// The byte offset of the start's line in the source.
    pub line_start: usize,
    /// The start, in bytes from its line's start.
    pub start: usize,
    /// The end, in bytes from its line's start, if it is on that line.
    pub end_on_line: Option<usize>,
    /// The end, in bytes from its own line's start.
    pub end: usize,
}

impl Position {
    pub fn of(text: &str, span: Span) -> Position {
        let start = (span.start as usize).min(text.len());
        let end = (span.end as usize).clamp(start, text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let end_line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        Position {
            line_start,
            start: start - line_start,
            end_on_line: (end <= line_end).then(|| end - line_start),
            end: end - end_line_start,
        }
    }
}

/// Who draws a traceback: CPython's C code, reporting an uncaught
/// exception, or its `traceback` module.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Drawer {
    Interpreter,
    Module,
}

/// A traceback's source `line` as `drawer` shows it (without its
/// indentation), and the markers under it for the place from byte `start`
/// to `end` (`None`: to the end of the line, the place running onto the
/// next lines).
pub fn marked_line(
    line: &str,
    start: usize,
    end: Option<usize>,
    drawer: Drawer,
) -> (&str, Option<String>) {
    let line = line.trim_end_matches(['\r', '\n']);
    let start = start.min(line.len());
    let end = end.map(|end| end.clamp(start, line.len()));
    let shown = match drawer {
        Drawer::Interpreter => line.trim_start_matches(is_blank),
        Drawer::Module => line.trim(),
    };
    let indent = line.len() - line.trim_start_matches(is_blank).len();
    if !line.is_char_boundary(start) || end.is_some_and(|end| !line.is_char_boundary(end)) {
        return (shown, None);
    }
    let place = Place {
        start,
        end,
        text: &line[start..end.unwrap_or(line.len())],
    };
    (shown, markers(line, indent, place, drawer))
}

/// Where in its line (byte offsets) an exception arose.
struct Place<'a> {
    start: usize,
    /// `None` when the place runs onto the next lines.
    end: Option<usize>,
    text: &'a str,
}

/// The markers under `line`, whose first `indent` bytes are its
/// indentation, for `place`.
fn markers(line: &str, indent: usize, place: Place, drawer: Drawer) -> Option<String> {
    let chars = |bytes: &str| bytes.chars().count();
    let start_offset = chars(&line[..place.start]);
    let end_offset = match place.end {
        Some(end) => chars(&line[..end]),
        None => chars(line.trim_end_matches(is_blank)),
    };
    let anchors = place.end.and_then(|_| anchors(place.text));
    let place = place.text;
    let anchors = anchors.map(|(left, right)| {
        (
            start_offset + chars(&place[..left]),
            start_offset + chars(&place[..right]),
        )
    });
    let indent = chars(&line[..indent]);
    let marked = end_offset.saturating_sub(start_offset);
    let drawn_at_all = match drawer {
        Drawer::Interpreter => marked > 0 && (marked != chars(line) - indent || anchors.is_some()),
        Drawer::Module => marked > 0 && (marked < chars(line.trim()) || anchors.is_some()),
    };
    if !drawn_at_all {
        return None;
    }
    let width = |c: char| if c.width() == Some(2) { 2 } else { 1 };
    let before: usize = line
        .chars()
        .take(start_offset)
        .skip(indent)
        .map(width)
        .sum();
    let trailing_blanks = match drawer {
        Drawer::Interpreter => 0,
        Drawer::Module => chars(line) - chars(line.trim_end()),
    };
    let mut drawn = " ".repeat(before.saturating_sub(trailing_blanks));
    let marked = line.chars().enumerate().take(end_offset).skip(start_offset);
    for (offset, c) in marked {
        let mark = match anchors {
            Some((left, right)) if (left..right).contains(&offset) => '^',
            Some(_) => '~',
            None => '^',
        };
        drawn.extend(std::iter::repeat_n(mark, width(c)));
    }
    Some(drawn)
}

/// Where, in the text of a binary operation, its operator is, or in the
/// text of a subscript, its brackets: byte offsets from and to. `None`
/// for anything else.
fn anchors(place: &str) -> Option<(usize, usize)> {
    let module = parse_module(place).ok()?;
    let [statement] = module.body.as_slice() else {
        return None;
    };
    let StmtKind::Expr(expr) = &statement.kind else {
        return None;
    };
    let bytes = place.as_bytes();
    match &expr.kind {
        ExprKind::BinOp { left, right, .. } => {
            let (after_left, before_right) = (left.span.end as usize, right.span.start as usize);
            let mut found = None;
            for i in after_left..before_right {
                if is_blank(char::from(bytes[i])) {
                    continue;
                }
                // A two-character operator (`//`), or what CPython takes
                // for one: any character but a blank after it.
                let two = i + 1 < before_right && !is_blank(char::from(bytes[i + 1]));
                found = Some((i, i + 1 + usize::from(two)));
                // On past a parenthesis that closes the left operand.
                if !(bytes[i] == b')' && i + 1 < before_right) {
                    break;
                }
            }
            found
        }
        ExprKind::Subscript { value, index } => {
            let mut left = value.span.end as usize;
            let mut right = index.span.end as usize + 1;
            while left < bytes.len() && bytes[left] != b'[' {
                left += 1;
            }
            while right < bytes.len() && bytes[right] != b']' {
                right += 1;
            }
            if right < bytes.len() {
                right += 1;
            }
            Some((left, right.min(bytes.len())))
        }
        _ => None,
    }
}

/// CPython's `IS_WHITESPACE`: what it strips from a line's start and
/// skips between an operand and its operator.
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}
