//! The f-string splitter: the body of one f-string literal in, its
//! [`FStringPart`]s out.
//!
//! Python 3.11 lexes an f-string as one string token and splits it while
//! parsing; this module does the same, following CPython 3.11's
//! `string_parser.c` step by step so that the same texts are accepted and
//! the same messages given: `{{`/`}}` are literal braces (outside format
//! specs), a replacement field's expression ends at a top-level `!`, `:`,
//! `=` or `}` (but not `!=`, `==`, `<=`, `>=`), `=` keeps the field's
//! source text for the debug form, and a format spec may hold one more
//! level of replacement fields. Each field's expression is parsed by
//! [`parse_fstring_field`] straight from the original source, so its spans
//! point into the file.

use std::rc::Rc;

use super::ast::FStringPart;
use super::error::SyntaxError;
use super::lexer::decode_escapes;
use super::parser::{parse_fstring_field, Deferred};
use super::span::Span;

/// CPython's limit on brackets inside one replacement field.
const MAX_NESTING: usize = 200;

/// Splits the f-string whose body (the text between the quotes) is the
/// span `body` of `source`. Errors that CPython's compiler would find in
/// the fields' expressions join `deferred`.
pub(super) fn parse(
    source: &str,
    body: Span,
    raw: bool,
    deferred: &mut Vec<Deferred>,
) -> Result<Vec<FStringPart>, SyntaxError> {
    let mut splitter = Splitter {
        source,
        pos: body.start as usize,
        end: body.end as usize,
        raw,
        deferred,
    };
    splitter.parts(0)
}

/// Appends literal text, merging it with a literal just before it.
pub(super) fn push_literal(parts: &mut Vec<FStringPart>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(FStringPart::Literal(previous)) = parts.last_mut() {
        *previous = format!("{previous}{text}").into();
    } else {
        parts.push(FStringPart::Literal(text.into()));
    }
}

struct Splitter<'s, 'd> {
    source: &'s str,
    pos: usize,
    end: usize,
    raw: bool,
    deferred: &'d mut Vec<Deferred>,
}

impl Splitter<'_, '_> {
    fn byte(&self, pos: usize) -> u8 {
        if pos < self.end {
            self.source.as_bytes()[pos]
        } else {
            0
        }
    }

    /// An error on the (ASCII) character at `pos`, or at the end of the body.
    fn error(&self, message: impl Into<String>, pos: usize) -> SyntaxError {
        let pos = pos.min(self.end);
        let end = if pos < self.end { pos + 1 } else { pos };
        SyntaxError::new(message, Span::new(pos, end))
    }

    fn expecting_brace(&self) -> SyntaxError {
        self.error("f-string: expecting '}'", self.pos)
    }

    /// Literals and replacement fields up to the end of the body (level 0)
    /// or up to the `}` that closes a format spec (level 1 and 2).
    fn parts(&mut self, level: u8) -> Result<Vec<FStringPart>, SyntaxError> {
        let mut parts = Vec::new();
        loop {
            let doubled_brace = self.literal(level, &mut parts)?;
            if doubled_brace {
                continue;
            }
            if self.pos >= self.end || self.byte(self.pos) == b'}' {
                break;
            }
            parts.push(self.replacement(level)?);
        }
        if level > 0 && self.byte(self.pos) != b'}' {
            return Err(self.expecting_brace());
        }
        Ok(parts)
    }

    /// Scans literal text up to a `{` or `}`; returns true if it stopped
    /// after a doubled brace (whose first half ends the literal).
    fn literal(&mut self, level: u8, parts: &mut Vec<FStringPart>) -> Result<bool, SyntaxError> {
        let start = self.pos;
        let mut doubled = false;
        while self.pos < self.end {
            let mut c = self.byte(self.pos);
            self.pos += 1;
            if !self.raw && c == b'\\' && self.pos < self.end {
                c = self.byte(self.pos);
                self.pos += 1;
                if c == b'N' && self.byte(self.pos) == b'{' {
                    // `\N{NAME}`: its braces are not a replacement field.
                    while self.pos < self.end && self.byte(self.pos) != b'}' {
                        self.pos += 1;
                    }
                    self.pos += 1;
                    continue;
                }
            }
            if c == b'{' || c == b'}' {
                // Doubled braces are only special outside format specs, so
                // that `f'{x:{y}}'` ends with two closing braces.
                if level == 0 {
                    if self.byte(self.pos) == c {
                        doubled = true;
                        break;
                    }
                    if c == b'}' {
                        return Err(self.error("f-string: single '}' is not allowed", self.pos - 1));
                    }
                }
                self.pos -= 1;
                break;
            }
        }
        let end = self.pos.min(self.end);
        let text = &self.source[start..end];
        let decoded = decode_escapes(text, self.raw).map_err(|e| {
            SyntaxError::new(e.message, Span::new(start + e.at.start, start + e.at.end))
        })?;
        push_literal(parts, &decoded);
        if doubled {
            // Skip the second brace of the pair.
            self.pos += 1;
        }
        Ok(doubled)
    }

    /// A replacement field; the cursor is on its `{`.
    fn replacement(&mut self, level: u8) -> Result<FStringPart, SyntaxError> {
        if level >= 2 {
            return Err(self.error("f-string: expressions nested too deeply", self.pos));
        }
        self.pos += 1;
        let expr_start = self.pos;
        self.scan_expression()?;
        let expr_end = self.pos;
        if self.pos >= self.end {
            return Err(self.expecting_brace());
        }
        let text = &self.source[expr_start..expr_end];
        if text
            .bytes()
            .all(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c'))
        {
            return Err(self.error("f-string: empty expression not allowed", self.pos));
        }
        let value = parse_fstring_field(self.source, expr_start..expr_end, self.deferred)?;

        let mut debug_text = None;
        if self.byte(self.pos) == b'=' {
            self.pos += 1;
            while self.byte(self.pos).is_ascii_whitespace() || self.byte(self.pos) == b'\x0b' {
                self.pos += 1;
            }
            debug_text = Some(Rc::from(&self.source[expr_start..self.pos]));
        }
        let mut conversion = None;
        if self.byte(self.pos) == b'!' {
            self.pos += 1;
            let Some(c) = self.source[self.pos.min(self.end)..self.end].chars().next() else {
                return Err(self.expecting_brace());
            };
            if !matches!(c, 's' | 'r' | 'a') {
                return Err(SyntaxError::new(
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                    Span::new(self.pos, self.pos + c.len_utf8()),
                ));
            }
            self.pos += 1;
            conversion = Some(c);
        }
        let mut format_spec = None;
        if self.byte(self.pos) == b':' {
            self.pos += 1;
            if self.pos >= self.end {
                return Err(self.expecting_brace());
            }
            format_spec = Some(self.parts(level + 1)?);
        }
        if self.byte(self.pos) != b'}' {
            return Err(self.expecting_brace());
        }
        self.pos += 1;
        // `f'{x=}'` shows the repr unless a conversion or spec is given.
        if debug_text.is_some() && format_spec.is_none() && conversion.is_none() {
            conversion = Some('r');
        }
        Ok(FStringPart::Replacement {
            value: Box::new(value),
            debug_text,
            conversion,
            format_spec,
        })
    }

    /// Moves the cursor to the end of a field's expression: the first `!`,
    /// `:`, `=` or `}` outside brackets and strings that is not part of a
    /// two-character operator.
    fn scan_expression(&mut self) -> Result<(), SyntaxError> {
        let mut quote: Option<(u8, bool)> = None;
        let mut brackets: Vec<u8> = Vec::new();
        while self.pos < self.end {
            let c = self.byte(self.pos);
            if c == b'\\' {
                return Err(self.error(
                    "f-string expression part cannot include a backslash",
                    self.pos,
                ));
            }
            if let Some((q, triple)) = quote {
                if c == q {
                    if !triple {
                        quote = None;
                    } else if self.pos + 2 < self.end
                        && self.byte(self.pos + 1) == q
                        && self.byte(self.pos + 2) == q
                    {
                        self.pos += 2;
                        quote = None;
                    }
                }
            } else if c == b'\'' || c == b'"' {
                let triple = self.pos + 2 < self.end
                    && self.byte(self.pos + 1) == c
                    && self.byte(self.pos + 2) == c;
                if triple {
                    self.pos += 2;
                }
                quote = Some((c, triple));
            } else if matches!(c, b'(' | b'[' | b'{') {
                if brackets.len() >= MAX_NESTING {
                    return Err(self.error("f-string: too many nested parenthesis", self.pos));
                }
                brackets.push(c);
            } else if c == b'#' {
                return Err(self.error("f-string expression part cannot include '#'", self.pos));
            } else if brackets.is_empty() && matches!(c, b'!' | b':' | b'}' | b'=' | b'<' | b'>') {
                if self.pos + 1 < self.end {
                    let next = self.byte(self.pos + 1);
                    if next == b'=' && matches!(c, b'!' | b'=' | b'<' | b'>') {
                        self.pos += 2;
                        continue;
                    }
                    if matches!(c, b'<' | b'>') {
                        self.pos += 1;
                        continue;
                    }
                }
                break;
            } else if matches!(c, b')' | b']' | b'}') {
                let Some(open) = brackets.pop() else {
                    return Err(
                        self.error(format!("f-string: unmatched '{}'", c as char), self.pos)
                    );
                };
                let expected = match open {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if c != expected {
                    return Err(self.error(
                        format!(
                            "f-string: closing parenthesis '{}' does not match opening parenthesis '{}'",
                            c as char, open as char
                        ),
                        self.pos,
                    ));
                }
            }
            self.pos += 1;
        }
        if quote.is_some() {
            return Err(self.error("f-string: unterminated string", self.pos));
        }
        if let Some(&open) = brackets.last() {
            return Err(self.error(format!("f-string: unmatched '{}'", open as char), self.pos));
        }
        Ok(())
    }
}
