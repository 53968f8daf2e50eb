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

use unicode_width::UnicodeWidthChar;

use crate::syntax::ast::{ExprKind, StmtKind};
use crate::syntax::parser::parse_module;
use crate::syntax::span::Span;

/// The line holding `span`'s start, as a traceback shows it (without its
/// indentation), and the markers to print under it, if any.
pub fn source_line(text: &str, span: Span) -> (&str, Option<String>) {
    let start = (span.start as usize).min(text.len());
    let end = (span.end as usize).clamp(start, text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    let shown = line.trim_start_matches(is_blank);
    let indent = line.len() - shown.len();
    let place = Place {
        start: start - line_start,
        end: (end <= line_end).then(|| end - line_start),
        text: &text[start..end],
    };
    (shown, markers(line, indent, place))
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
fn markers(line: &str, indent: usize, place: Place) -> Option<String> {
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
    let line_length = chars(line) - indent;
    if end_offset <= start_offset || (end_offset - start_offset == line_length && anchors.is_none())
    {
        return None;
    }
    let width = |c: char| if c.width() == Some(2) { 2 } else { 1 };
    let before: usize = line
        .chars()
        .take(start_offset)
        .skip(indent)
        .map(width)
        .sum();
    let mut drawn = " ".repeat(before);
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
