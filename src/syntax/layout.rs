//! The layout pass: raw tokens in, the token stream the grammar reads out.
//!
//! Python's block structure lives in line ends and indentation, which a
//! context-free grammar cannot see. This pass turns them into tokens:
//!
//! - a line end ends the logical line with one `Newline`, unless the line
//!   had no tokens (blank and comment-only lines vanish) or a bracket is open
//!   (implicit line joining);
//! - the first token of each logical line is compared with a stack of
//!   indentation widths: deeper pushes and emits `Indent`, shallower pops and
//!   emits one `Dedent` per level, and a width that matches no level is an
//!   `IndentationError`;
//! - at the end of input, one `Newline` if the last line had tokens, then a
//!   `Dedent` for every open level, then `EndOfInput`.
//!
//! Widths are measured twice, with tabs to multiples of 8 columns and with
//! tabs as 1 column, as CPython does: if the two measures disagree about how
//! two lines compare, the file mixes tabs and spaces ambiguously (`TabError`).
//!
//! `match` and `case` are soft keywords, and an LALR grammar cannot look
//! ahead as far as CPython's PEG parser to tell `match x:` from `match(x)`.
//! This pass decides, once a logical line is whole:
//!
//! - a line whose first token is the name `match`, that has more tokens
//!   than that name and a `:`, and whose last token is a `:` outside
//!   brackets, is a `match` statement's header: its first token becomes
//!   [`Token::Match`]. No other statement can end with a bare `:` (every
//!   other compound statement's header starts with a keyword; a slice's,
//!   dict's or lambda's `:` is inside brackets or followed by more), so
//!   `match = 1`, `match(x)`, `re.match(x)`, `match: int = 1` and
//!   `print(match)` keep `match` a name. `match x: pass` on one line stays
//!   a name too, and is an error, as in CPython (a `match` needs a block).
//! - a line directly inside the block that follows a `match` header (at
//!   its indentation, not deeper) whose first token is the name `case`,
//!   followed by anything, is a `case` clause: its first token becomes
//!   [`Token::Case`]. Only `case` clauses can stand there; their body may
//!   follow on the same line (`case 1: pass`). Anywhere else `case` is a
//!   name (`case = 1`, `case(x)`), and a `case` line outside a `match`
//!   block is `invalid syntax`, as in CPython.
//!
//! Brackets are matched here too, so mismatches get the tokenizer's messages.
//! An unclosed bracket at the end of input is not reported here: CPython
//! reports it only if its parser fails at the end (or on a later line), so
//! the pass records it in [`Laid::unclosed`] and stops the stream without
//! the final `Newline`/`Dedent`s.

use std::ops::Range;

use super::error::{SyntaxError, SyntaxErrorKind};
use super::lexer::{line_number, Lexer, Spanned};
use super::span::Span;
use super::token::Token;

/// CPython's limit on open brackets.
const MAX_NESTING: usize = 200;

/// CPython's limit on indentation levels.
const MAX_INDENT: usize = 100;

/// How deep an expression may nest, estimated from its tokens. CPython's
/// compiler gives up near 3000 levels; pyl stops a little later, before a
/// tree so deep could overflow the stack of the passes that walk it.
const MAX_EXPRESSION_DEPTH: usize = 5000;

/// Whether the tokens form a module or a lone expression (an f-string
/// replacement field, which behaves as if it were inside parentheses).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Module,
    Expression,
}

/// The laid-out token stream.
pub struct Laid {
    /// Ends with `EndOfInput`.
    pub tokens: Vec<Spanned>,
    /// The innermost bracket still open at the end of input.
    pub unclosed: Option<(char, Span)>,
}

/// Lexes `source[range]` and lays it out. Any lexical error (including
/// indentation and bracket mismatches) is returned as soon as it is met.
pub fn layout(source: &str, range: Range<usize>, mode: Mode) -> Result<Laid, SyntaxError> {
    let end = range.end;
    let mut pass = Layout {
        source,
        mode,
        tokens: Vec::new(),
        indents: vec![(0, 0)],
        brackets: Vec::new(),
        depths: vec![0],
        line_start: range.start,
        line_has_tokens: false,
        line_first: 0,
        match_blocks: Vec::new(),
        match_pending: false,
        line_in_match: false,
    };
    for token in Lexer::new(source, range) {
        pass.token(token?)?;
    }
    Ok(pass.finish(end))
}

struct Layout<'s> {
    source: &'s str,
    mode: Mode,
    tokens: Vec<Spanned>,
    /// Open indentation levels: (width with tabs to 8, width with tabs to 1).
    indents: Vec<(usize, usize)>,
    /// Open brackets, innermost last.
    brackets: Vec<(char, Span)>,
    /// For the outer level and each open bracket: how many tokens that can
    /// nest an expression one level deeper (operators, trailers) the current
    /// comma-separated item has had. Their sum bounds the depth of the tree.
    depths: Vec<usize>,
    /// Where the current physical line starts.
    line_start: usize,
    /// Whether the current logical line has produced a token yet.
    line_has_tokens: bool,
    /// The index in `tokens` of the current logical line's first token.
    line_first: usize,
    /// The indentation levels (lengths of `indents`) of the open blocks
    /// that follow a `match` header, innermost last.
    match_blocks: Vec<usize>,
    /// Whether the last logical line was a `match` header.
    match_pending: bool,
    /// Whether the current logical line is directly in a `match` block.
    line_in_match: bool,
}

impl Layout<'_> {
    fn joining_lines(&self) -> bool {
        self.mode == Mode::Expression || !self.brackets.is_empty()
    }

    fn token(&mut self, (start, token, end): Spanned) -> Result<(), SyntaxError> {
        if token == Token::LineBreak {
            if !self.joining_lines() {
                self.depths[0] = 0;
                if self.line_has_tokens {
                    self.soft_keyword();
                    self.tokens.push((start, Token::Newline, end));
                }
                self.line_has_tokens = false;
            }
            self.line_start = end;
            return Ok(());
        }
        if !self.line_has_tokens && !self.joining_lines() {
            let before = self.indents.len();
            self.indent(start)?;
            self.line_first = self.tokens.len();
            self.enter_line(before);
        }
        self.line_has_tokens = true;
        self.track_depth(&token, Span::new(start, end))?;
        if let Some(open) = token.opening_bracket() {
            if self.brackets.len() >= MAX_NESTING {
                return Err(SyntaxError::new(
                    "too many nested parentheses",
                    Span::new(start, end),
                ));
            }
            self.brackets.push((open, Span::new(start, end)));
            self.depths.push(0);
        } else if let Some(close) = token.closing_bracket() {
            self.close(close, Span::new(start, end))?;
            self.depths.pop();
        }
        self.tokens.push((start, token, end));
        Ok(())
    }

    /// At the start of a logical line (`before`: the open levels before
    /// its indentation was read): keeps track of the `match` blocks.
    fn enter_line(&mut self, before: usize) {
        let depth = self.indents.len();
        while self.match_blocks.last().is_some_and(|&d| d > depth) {
            self.match_blocks.pop();
        }
        if self.match_pending && depth > before {
            self.match_blocks.push(depth);
        }
        self.match_pending = false;
        self.line_in_match = self.match_blocks.last() == Some(&depth);
    }

    /// At the end of a logical line: makes its first token the soft
    /// keyword `match` or `case` if the line is such a header (see the
    /// module's documentation).
    fn soft_keyword(&mut self) {
        let first = self.line_first;
        let last = self.tokens.len().saturating_sub(1);
        let Token::Name(name) = &self.tokens[first].1 else {
            return;
        };
        if &**name == "match" && last > first + 1 && self.tokens[last].1 == Token::Colon {
            self.tokens[first].1 = Token::Match;
            self.match_pending = true;
        } else if &**name == "case" && self.line_in_match && last > first {
            self.tokens[first].1 = Token::Case;
        }
    }

    /// Keeps the estimate of expression depth (see [`Layout::depths`]).
    /// Operators that CPython keeps flat (comparisons, `and`, `or`) and
    /// separators do not nest.
    fn track_depth(&mut self, token: &Token, at: Span) -> Result<(), SyntaxError> {
        use Token::*;
        let current = self.depths.last_mut();
        match token {
            Comma | Colon | Semi | Equal | PlusEqual | MinusEqual | StarEqual | SlashEqual
            | DoubleSlashEqual | PercentEqual | AtEqual | AmperEqual | VbarEqual
            | CircumflexEqual | LeftShiftEqual | RightShiftEqual | DoubleStarEqual => {
                if let Some(current) = current {
                    *current = 0;
                }
            }
            Plus | Minus | Star | DoubleStar | Slash | DoubleSlash | Percent | At | LeftShift
            | RightShift | Amper | Vbar | Circumflex | Tilde | Not | Await | Lambda | If
            | Yield | Dot | ColonEqual | Lpar | Lsqb | Lbrace => {
                if let Some(current) = current {
                    *current += 1;
                }
                if self.depths.iter().sum::<usize>() > MAX_EXPRESSION_DEPTH {
                    return Err(SyntaxError::new("too many nested expressions", at));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Compares the indentation of a logical line's first token (at
    /// `start`) with the open levels, emitting `Indent`/`Dedent`s.
    fn indent(&mut self, start: usize) -> Result<(), SyntaxError> {
        let (mut col, mut altcol) = (0, 0);
        for c in self.source[self.line_start..start].chars() {
            match c {
                ' ' => (col, altcol) = (col + 1, altcol + 1),
                '\t' => (col, altcol) = ((col / 8 + 1) * 8, altcol + 1),
                // A form feed resets the count, as in CPython.
                '\x0c' => (col, altcol) = (0, 0),
                _ => break,
            }
        }
        let whitespace = Span::new(self.line_start, start);
        let tab_error = || {
            SyntaxError {
                kind: SyntaxErrorKind::TabError,
                ..SyntaxError::new(
                    "inconsistent use of tabs and spaces in indentation",
                    whitespace,
                )
            }
            .with_hint("indent with spaces only (or with tabs only)")
        };
        let &(top, alttop) = self.indents.last().unwrap_or(&(0, 0));
        if col == top {
            if altcol != alttop {
                return Err(tab_error());
            }
        } else if col > top {
            if altcol <= alttop {
                return Err(tab_error());
            }
            if self.indents.len() >= MAX_INDENT {
                return Err(SyntaxError::indentation(
                    "too many levels of indentation",
                    whitespace,
                ));
            }
            self.indents.push((col, altcol));
            self.tokens.push((self.line_start, Token::Indent, start));
        } else {
            while self.indents.len() > 1 && col < self.indents[self.indents.len() - 1].0 {
                self.indents.pop();
                self.tokens.push((start, Token::Dedent, start));
            }
            let &(top, alttop) = self.indents.last().unwrap_or(&(0, 0));
            if col != top {
                return Err(SyntaxError::indentation(
                    "unindent does not match any outer indentation level",
                    whitespace,
                )
                .with_hint("indent this line as far as a line of an enclosing block"));
            }
            if altcol != alttop {
                return Err(tab_error());
            }
        }
        Ok(())
    }

    fn close(&mut self, close: char, at: Span) -> Result<(), SyntaxError> {
        let Some((open, open_at)) = self.brackets.pop() else {
            return Err(SyntaxError::new(format!("unmatched '{close}'"), at));
        };
        let expected = match open {
            '(' => ')',
            '[' => ']',
            _ => '}',
        };
        if close == expected {
            return Ok(());
        }
        let open_line = line_number(self.source, open_at.start as usize);
        let message = if open_line == line_number(self.source, at.start as usize) {
            format!("closing parenthesis '{close}' does not match opening parenthesis '{open}'")
        } else {
            format!(
                "closing parenthesis '{close}' does not match opening parenthesis '{open}' on line {open_line}"
            )
        };
        Err(SyntaxError::new(message, at))
    }

    fn finish(mut self, end: usize) -> Laid {
        let unclosed = match self.mode {
            Mode::Module => self.brackets.last().copied(),
            Mode::Expression => None,
        };
        if unclosed.is_none() && self.mode == Mode::Module {
            if self.line_has_tokens {
                self.soft_keyword();
                self.tokens.push((end, Token::Newline, end));
            }
            for _ in 1..self.indents.len() {
                self.tokens.push((end, Token::Dedent, end));
            }
        }
        self.tokens.push((end, Token::EndOfInput, end));
        Laid {
            tokens: self.tokens,
            unclosed,
        }
    }
}
