//! The one error type of the syntax side: what the lexer, the layout pass and
//! the parser report when the source is not a valid program.
//!
//! It carries CPython's exception class name and wording (so the last line on
//! stderr matches `python3`), the byte span the caret should point at, and
//! whether the input merely ended too early, which the REPL uses to ask for
//! another line instead of reporting the error.

use std::fmt;

use super::span::Span;

/// Which of CPython's syntax exception classes the error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    SyntaxError,
    IndentationError,
    TabError,
}

impl SyntaxErrorKind {
    /// The Python class name, as printed before the message.
    pub fn name(&self) -> &'static str {
        match self {
            SyntaxErrorKind::SyntaxError => "SyntaxError",
            SyntaxErrorKind::IndentationError => "IndentationError",
            SyntaxErrorKind::TabError => "TabError",
        }
    }
}

/// A syntax error at a byte span of the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    /// CPython's message, without the class name.
    pub message: String,
    /// Where the caret goes; always a valid byte range of the source (it may
    /// be empty, e.g. at the end of the input).
    pub span: Span,
    /// An optional extra line of advice for the diagnostic renderer.
    pub hint: Option<String>,
    /// The error exists only because the input stopped early (an open
    /// bracket, an unterminated triple-quoted string, a block header without
    /// its body, a trailing backslash): a REPL should read another line.
    pub incomplete_input: bool,
}

impl SyntaxError {
    /// A plain `SyntaxError`.
    pub fn new(message: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::SyntaxError,
            message: message.into(),
            span,
            hint: None,
            incomplete_input: false,
        }
    }

    /// An `IndentationError`.
    pub fn indentation(message: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::IndentationError,
            ..SyntaxError::new(message, span)
        }
    }

    /// Marks the error as caused by the input ending early.
    pub fn incomplete(mut self) -> SyntaxError {
        self.incomplete_input = true;
        self
    }

    /// Attaches a hint for the diagnostic renderer.
    pub fn with_hint(mut self, hint: impl Into<String>) -> SyntaxError {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for SyntaxError {}
