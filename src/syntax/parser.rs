//! The parser: source text in, [`ast::Module`] or a CPython-worded
//! [`SyntaxError`] out.
//!
//! [`parse_module`] runs the layout pass, feeds its tokens to the LALRPOP
//! parser generated from `grammar/pyl.lalrpop`, and translates LALRPOP's
//! "unexpected token" reports into the messages CPython's PEG parser gives,
//! guessing from the tokens around the failure what CPython would have
//! said. The rest of this file is the helpers behind the grammar's actions:
//! target validation, parameter lists, call arguments, string
//! concatenation.
//!
//! Error priority follows CPython: a lexical error anywhere in the file wins
//! over a parse error (CPython re-tokenizes the rest of the file after a
//! parse error to look for one); a parse error wins over the checks that
//! CPython's compiler makes after parsing, which the actions collect as
//! [`Deferred`] errors instead of failing at once.

use std::collections::HashSet;
use std::rc::Rc;

use lalrpop_util::{lalrpop_mod, ParseError};

use super::ast::*;
use super::error::SyntaxError;
use super::fstring;
use super::layout::{layout, Laid, Mode};
use super::lexer::{line_number, Spanned};
use super::token::{Number, StrLit, Token};

lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_qualifications, unused_parens)]
    grammar,
    "/pyl.rs"
);

/// Parses a whole module (a file, a `-c` string or one REPL input). The
/// source must already be valid UTF-8; a leading byte-order mark is skipped.
pub fn parse_module(source: &str) -> Result<Module, SyntaxError> {
    let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let mut laid = layout(source, start..source.len(), Mode::Module)?;
    unparenthesize_with_items(&mut laid.tokens);
    let mut deferred = Vec::new();
    let top = run(source, &laid, Token::StartModule, &mut deferred)?;
    if let Some(first) = deferred
        .into_iter()
        .min_by_key(|d| (!d.from_symbol_table, d.error.span.start))
    {
        return Err(first.error);
    }
    match top {
        Top::Module(body) => Ok(Module {
            body,
            scope: ScopeInfo::default(),
        }),
        Top::Expression(e) => Err(SyntaxError::new("invalid syntax", e.span)),
    }
}

/// Parses the expression of an f-string replacement field, `source[range]`,
/// as CPython does: as if it were written inside parentheses. Spans point
/// into `source`; errors found after parsing join `deferred`.
pub(super) fn parse_fstring_field(
    source: &str,
    range: std::ops::Range<usize>,
    deferred: &mut Vec<Deferred>,
) -> Result<Expr, SyntaxError> {
    let start = range.start;
    let laid = layout(source, range, Mode::Expression)?;
    match run(source, &laid, Token::StartExpression, deferred) {
        Ok(Top::Expression(e)) => Ok(e),
        Ok(Top::Module(_)) => Err(SyntaxError::new(
            "f-string: invalid syntax",
            Span::new(start, start),
        )),
        // CPython prefixes its parser's messages (not the tokenizer's) in fields.
        Err(mut error) if !error.message.starts_with("f-string") => {
            error.message = format!("f-string: {}", error.message);
            Err(error)
        }
        Err(error) => Err(error),
    }
}

/// Rewrites `with (a as b, c as d,):` to `with a as b, c as d:`.
///
/// The parenthesized form cannot be told from a parenthesized expression
/// until the `)` is followed by `:`, which an LR(1) grammar cannot wait
/// for; the tokens can. As in CPython, parentheses around items are taken
/// as grouping the items whenever they hold an `as` or a top-level comma
/// (`with (a, b):` enters `a` and then `b`).
fn unparenthesize_with_items(tokens: &mut Vec<Spanned>) {
    let mut dropped = vec![false; tokens.len()];
    for i in 1..tokens.len() {
        if tokens[i - 1].1 == Token::With && tokens[i].1 == Token::Lpar {
            if let Some(close) = grouped_items_end(&tokens[i..]) {
                let close = i + close;
                dropped[i] = true;
                dropped[close] = true;
                dropped[close - 1] |= tokens[close - 1].1 == Token::Comma;
            }
        }
    }
    let mut dropped = dropped.into_iter();
    tokens.retain(|_| !dropped.next().unwrap_or(false));
}

/// For tokens starting with `(`: the index of its `)` if that is followed
/// by `:` and the parentheses hold an `as` or a comma at their top level.
fn grouped_items_end(tokens: &[Spanned]) -> Option<usize> {
    let mut depth = 0usize;
    let mut grouping = false;
    for (i, (_, token, _)) in tokens.iter().enumerate() {
        if token.opening_bracket().is_some() {
            depth += 1;
        } else if token.closing_bracket().is_some() {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                let colon = tokens.get(i + 1).map(|t| &t.1) == Some(&Token::Colon);
                return (colon && grouping).then_some(i);
            }
        } else if depth == 1 && matches!(token, Token::As | Token::Comma) {
            grouping = true;
        }
    }
    None
}

/// What the grammar's single entry point produced.
enum Top {
    Module(Vec<Stmt>),
    Expression(Expr),
}

/// An error that CPython finds only after parsing succeeds (in its symbol
/// table or compiler), so a parse error later in the file takes precedence.
pub(super) struct Deferred {
    /// The symbol table runs before the compiler: its errors come first.
    from_symbol_table: bool,
    error: SyntaxError,
}

/// Runs the grammar on the laid-out tokens after the entry `marker`.
fn run(
    source: &str,
    laid: &Laid,
    marker: Token,
    deferred: &mut Vec<Deferred>,
) -> Result<Top, SyntaxError> {
    let field = marker == Token::StartExpression;
    let start = laid.tokens.first().map_or(0, |t| t.0);
    let tokens = std::iter::once((start, marker, start))
        .chain(laid.tokens.iter().cloned())
        .map(Ok::<Spanned, SyntaxError>);
    grammar::TopParser::new()
        .parse(source, deferred, tokens)
        .map_err(|error| explain(source, laid, field, error))
}

type Fallible<T> = Result<T, ParseError<usize, Token, SyntaxError>>;

fn user(error: SyntaxError) -> ParseError<usize, Token, SyntaxError> {
    ParseError::User { error }
}

fn fail<T>(message: impl Into<String>, span: Span) -> Fallible<T> {
    Err(user(SyntaxError::new(message, span)))
}

fn defer(deferred: &mut Vec<Deferred>, message: impl Into<String>, span: Span) {
    deferred.push(Deferred {
        from_symbol_table: false,
        error: SyntaxError::new(message, span),
    });
}

// ---------------------------------------------------------------- error mapping

/// Words a LALRPOP failure as CPython would. `field` tells that the tokens
/// are an f-string field, which CPython parses inside parentheses.
fn explain(
    source: &str,
    laid: &Laid,
    field: bool,
    error: ParseError<usize, Token, SyntaxError>,
) -> SyntaxError {
    match error {
        ParseError::User { error } => error,
        ParseError::InvalidToken { location } | ParseError::UnrecognizedEof { location, .. } => {
            SyntaxError::new("invalid syntax", Span::new(location, location))
        }
        ParseError::ExtraToken { token: (l, _, r) } => {
            SyntaxError::new("invalid syntax", Span::new(l, r))
        }
        ParseError::UnrecognizedToken {
            token: (l, token, r),
            expected,
        } => {
            let tokens = &laid.tokens;
            let at = tokens
                .iter()
                .position(|(tl, t, tr)| *tl == l && *tr == r && *t == token)
                .unwrap_or(tokens.len().saturating_sub(1));
            Unexpected {
                source,
                tokens,
                at,
                expected: &expected,
                span: Span::new(l, r),
                field,
            }
            .explain(laid.unclosed)
        }
    }
}

/// The context of an unexpected token: the laid-out tokens, its index, and
/// what LALRPOP would have accepted there.
struct Unexpected<'a> {
    source: &'a str,
    tokens: &'a [Spanned],
    at: usize,
    expected: &'a [String],
    span: Span,
    field: bool,
}

impl Unexpected<'_> {
    fn token(&self, i: usize) -> &Token {
        &self.tokens[i].1
    }

    fn span_of(&self, i: usize) -> Span {
        Span::new(self.tokens[i].0, self.tokens[i].2)
    }

    fn expects(&self, terminal: &str) -> bool {
        self.expected
            .iter()
            .any(|e| e.trim_matches('"') == terminal)
    }

    fn line(&self, pos: usize) -> usize {
        line_number(self.source, pos)
    }

    fn explain(&self, unclosed: Option<(char, Span)>) -> SyntaxError {
        // CPython splits an f-string as soon as it has read it, so an error
        // inside one comes before an error in the token after it.
        for (_, token, _) in self.tokens[..self.at].iter().rev() {
            match token {
                Token::Str(StrLit::Format { body, raw }) => {
                    if let Err(error) = fstring::parse(self.source, *body, *raw, &mut Vec::new()) {
                        return error;
                    }
                }
                Token::Str(StrLit::Plain(_) | StrLit::Bytes(_)) => {}
                _ => break,
            }
        }
        let token = self.token(self.at);
        // An open bracket: CPython's parser fails at the end of input, or its
        // second look at the file finds the bracket before the error's line.
        if let Some((open, open_span)) = unclosed {
            let last = self.tokens.get(self.at + 1).map(|t| &t.1) == Some(&Token::EndOfInput);
            if *token == Token::EndOfInput
                || (last && token.ends_expression())
                || self.line(self.span.start as usize) > self.line(open_span.start as usize)
            {
                return SyntaxError::new(format!("'{open}' was never closed"), open_span)
                    .incomplete();
            }
        }
        // Whatever fails at the end of input (a block header, a decorator, a
        // `try` without handlers) could still be completed by more lines.
        let error = self.describe(token);
        // What follows the failing token is only the layout's closing of
        // the input (dedents, end of input): the error is at the end.
        let at_end = self.tokens[self.at.min(self.tokens.len())..]
            .iter()
            .all(|t| matches!(t.1, Token::Dedent | Token::Newline | Token::EndOfInput));
        if *token == Token::EndOfInput || at_end {
            error.incomplete()
        } else {
            error
        }
    }

    fn describe(&self, token: &Token) -> SyntaxError {
        let previous = self.at.checked_sub(1).map(|i| self.token(i));
        if *token == Token::Indent {
            return SyntaxError::indentation("unexpected indent", self.span)
                .with_hint("a line is indented only to begin a block, after a line ending in ':'");
        }
        if self.expected.len() == 1 && self.expects("INDENT") {
            return SyntaxError::indentation(self.expected_block(), self.span)
                .with_hint("indent the block's lines further than the line that opens it");
        }
        if *token == Token::Newline && self.expects(":") && self.header().is_some() {
            return SyntaxError::new("expected ':'", self.span);
        }
        if self.expects("except") && self.expects("finally") {
            return SyntaxError::new("expected 'except' or 'finally' block", self.span);
        }
        if let Some(error) = self.invalid_dict_item(token, previous) {
            return error;
        }
        if *token == Token::Equal && !self.expects("=") {
            if let Some(error) = self.assignment_in_expression() {
                return error;
            }
        }
        if self.expects("else") && *token != Token::Colon {
            if let Some(error) = self.if_without_else() {
                return error;
            }
        }
        if token.starts_expression() && previous.is_some_and(Token::ends_expression) {
            let start = self.expression_start(self.at);
            if let Token::Name(name) = self.token(start) {
                if start + 1 == self.at && (&**name == "print" || &**name == "exec") {
                    return SyntaxError::new(
                        format!(
                            "Missing parentheses in call to '{name}'. Did you mean {name}(...)?"
                        ),
                        Span::new(self.tokens[start].0, self.span.end as usize),
                    );
                }
            }
            if self.inside_brackets() {
                return SyntaxError::new(
                    "invalid syntax. Perhaps you forgot a comma?",
                    Span::new(self.tokens[start].0, self.span.end as usize),
                );
            }
        }
        if *token == Token::Dedent {
            return SyntaxError::indentation("unexpected unindent", self.span);
        }
        SyntaxError::new("invalid syntax", self.span)
    }

    /// The first token of the logical line that ends just before `self.at`'s
    /// line (the header of a block), if it is a compound statement keyword.
    fn header(&self) -> Option<usize> {
        let end = if *self.token(self.at) == Token::Newline {
            self.at
        } else {
            self.at.checked_sub(1)?
        };
        let mut i = end;
        while i > 0
            && !matches!(
                self.token(i - 1),
                Token::Newline | Token::Indent | Token::Dedent
            )
        {
            i -= 1;
        }
        if *self.token(i) == Token::Async {
            i += 1;
        }
        matches!(
            self.token(i),
            Token::If
                | Token::Elif
                | Token::Else
                | Token::While
                | Token::For
                | Token::With
                | Token::Def
                | Token::Class
                | Token::Try
                | Token::Except
                | Token::Finally
                | Token::Match
                | Token::Case
        )
        .then_some(i)
    }

    /// CPython's "expected an indented block after ..." message.
    fn expected_block(&self) -> String {
        let Some(i) = self.header() else {
            return "expected an indented block".into();
        };
        let what = match self.token(i) {
            Token::Def => "function definition".to_string(),
            Token::Class => "class definition".to_string(),
            _ => format!("'{}' statement", &self.source[self.span_of(i).range()]),
        };
        format!(
            "expected an indented block after {what} on line {}",
            self.line(self.tokens[i].0)
        )
    }

    /// CPython's messages for a broken item of a dict display: a key
    /// without its `:` after the first pair, a `:` without its value, a
    /// starred value.
    fn invalid_dict_item(&self, token: &Token, previous: Option<&Token>) -> Option<SyntaxError> {
        let item = self.dict_item()?;
        let previous_span = self.span_of(self.at.checked_sub(1)?);
        if previous == Some(&Token::Colon) && item.has_colon {
            return match token {
                Token::Comma | Token::Rbrace => Some(SyntaxError::new(
                    "expression expected after dictionary key and ':'",
                    previous_span,
                )),
                Token::Star => Some(SyntaxError::new(
                    "cannot use a starred expression in a dictionary value",
                    self.span,
                )),
                _ => None,
            };
        }
        if item.has_colon || item.start == self.at || !item.after_pair {
            return None;
        }
        // At the last character of the key as far as it parsed.
        let key_end = (item.start..self.at)
            .rev()
            .find(|&i| self.token(i).ends_expression())?;
        let end = self.span_of(key_end).end as usize;
        let last = self.source[..end].chars().next_back()?;
        Some(SyntaxError::new(
            "':' expected after dictionary key",
            Span::new(end - last.len_utf8(), end),
        ))
    }

    /// The item of a dict display the unexpected token is in, if the
    /// innermost bracket is a `{` whose first item is a pair.
    fn dict_item(&self) -> Option<DisplayItem> {
        struct Display {
            is_dict: bool,
            items_before: usize,
            item: DisplayItem,
        }
        let mut open: Vec<Option<Display>> = Vec::new();
        for (i, (_, token, _)) in self.tokens[..self.at].iter().enumerate() {
            if let Some(bracket) = token.opening_bracket() {
                open.push((bracket == '{').then_some(Display {
                    is_dict: false,
                    items_before: 0,
                    item: DisplayItem {
                        start: i + 1,
                        has_colon: false,
                        after_pair: false,
                    },
                }));
                continue;
            }
            if token.closing_bracket().is_some() {
                open.pop();
                continue;
            }
            let Some(Some(display)) = open.last_mut() else {
                continue;
            };
            match token {
                Token::Comma => {
                    display.items_before += 1;
                    display.item = DisplayItem {
                        start: i + 1,
                        has_colon: false,
                        after_pair: display.is_dict,
                    };
                }
                Token::Colon => display.item.has_colon = true,
                Token::DoubleStar if display.item.start == i => display.item.has_colon = true,
                _ => {}
            }
            if display.items_before == 0 && display.item.has_colon {
                display.is_dict = true;
            }
        }
        let display = open.pop()??;
        display.is_dict.then_some(display.item)
    }

    /// Whether the unexpected token is inside brackets.
    fn inside_brackets(&self) -> bool {
        let mut depth = i32::from(self.field);
        for (_, token, _) in &self.tokens[..self.at] {
            if token.opening_bracket().is_some() {
                depth += 1;
            } else if token.closing_bracket().is_some() {
                depth -= 1;
            }
        }
        depth > 0
    }

    /// The index of the first token of the expression (at the level of
    /// `or`, roughly CPython's `disjunction`) that ends just before `end`.
    fn expression_start(&self, end: usize) -> usize {
        let mut depth = 0usize;
        let mut i = end;
        while i > 0 {
            let token = self.token(i - 1);
            if token.closing_bracket().is_some() {
                depth += 1;
            } else if token.opening_bracket().is_some() {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            } else if depth == 0 && ends_expression_scan(token) {
                break;
            }
            i -= 1;
        }
        i.min(end.saturating_sub(1))
    }

    /// `if x = 1:` and friends: CPython suggests `==` (or `:=` for a name).
    fn assignment_in_expression(&self) -> Option<SyntaxError> {
        let start = self.expression_start(self.at);
        let next = self.tokens.get(self.at + 1)?;
        if !next.1.starts_expression() || start >= self.at {
            return None;
        }
        let first = self.token(start);
        let last = self.token(self.at - 1);
        let before_last = self.at.checked_sub(2).map(|i| self.token(i));
        let what = match last {
            Token::Name(_) if start + 1 == self.at => {
                return Some(SyntaxError::new(
                    "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
                    Span::new(self.tokens[start].0, next.2),
                ))
            }
            Token::Name(_) if before_last == Some(&Token::Dot) => "attribute",
            Token::Rsqb if *first != Token::Lsqb => "subscript",
            Token::Rpar if *first != Token::Lpar => "function call",
            _ => return None,
        };
        Some(SyntaxError::new(
            format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?"),
            Span::new(self.tokens[start].0, self.tokens[self.at - 1].2),
        ))
    }

    /// `a if b` with no `else`.
    fn if_without_else(&self) -> Option<SyntaxError> {
        let mut depth = 0usize;
        let mut i = self.at;
        while i > 0 {
            i -= 1;
            let token = self.token(i);
            if token.closing_bracket().is_some() {
                depth += 1;
            } else if token.opening_bracket().is_some() {
                depth = depth.checked_sub(1)?;
            } else if depth == 0 && *token == Token::If {
                let start = self.expression_start(i);
                return Some(SyntaxError::new(
                    "expected 'else' after 'if' expression",
                    Span::new(self.tokens[start].0, self.tokens[self.at - 1].2),
                ));
            } else if depth == 0 && ends_expression_scan(token) {
                return None;
            }
        }
        None
    }
}

/// Tokens that cannot be inside an `or`-level expression, so a backwards
/// scan for the start of one stops there.
fn ends_expression_scan(token: &Token) -> bool {
    use Token::*;
    matches!(
        token,
        Newline
            | Indent
            | Dedent
            | StartModule
            | StartExpression
            | Comma
            | Colon
            | Semi
            | Equal
            | ColonEqual
            | Arrow
            | PlusEqual
            | MinusEqual
            | StarEqual
            | SlashEqual
            | DoubleSlashEqual
            | PercentEqual
            | AtEqual
            | AmperEqual
            | VbarEqual
            | CircumflexEqual
            | LeftShiftEqual
            | RightShiftEqual
            | DoubleStarEqual
            | If
            | Else
            | Elif
            | For
            | Lambda
            | Yield
            | Return
            | Assert
            | Del
            | Import
            | From
            | As
            | While
            | With
            | Async
            | Raise
            | Global
            | Nonlocal
            | Def
            | Class
            | Try
            | Except
            | Finally
            | Pass
            | Break
            | Continue
    )
}

// ---------------------------------------------------------------- node builders

fn expr(kind: ExprKind, l: usize, r: usize) -> Expr {
    Expr {
        kind,
        span: Span::new(l, r),
    }
}

/// What the grammar's boxed nonterminals collected, unboxed (see the note
/// at the top of `grammar/pyl.lalrpop`).
fn unbox<T>(items: Vec<Box<T>>) -> Vec<T> {
    items.into_iter().map(|item| *item).collect()
}

fn stmt(kind: StmtKind, l: usize, r: usize) -> Stmt {
    Stmt {
        kind,
        span: Span::new(l, r),
    }
}

/// A compound statement spans from its keyword to the end of its last
/// statement (not to the layout tokens that close its block).
fn block_stmt(kind: StmtKind, l: usize) -> Stmt {
    let last = |body: &[Stmt]| body.last().map(|s| s.span.end as usize);
    let end = match &kind {
        StmtKind::If { body, orelse, .. }
        | StmtKind::While { body, orelse, .. }
        | StmtKind::For { body, orelse, .. } => last(orelse).or(last(body)),
        StmtKind::With { body, .. } => last(body),
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => last(finalbody)
            .or(last(orelse))
            .or(handlers.last().map(|h| h.span.end as usize))
            .or(last(body)),
        _ => None,
    };
    stmt(kind, l, end.unwrap_or(l))
}

fn if_stmt(test: Expr, body: Vec<Stmt>, orelse: Vec<Stmt>, l: usize) -> Stmt {
    block_stmt(StmtKind::If { test, body, orelse }, l)
}

fn tuple(first: Expr, rest: Vec<Expr>, l: usize, r: usize) -> Expr {
    let mut elements = vec![first];
    elements.extend(rest);
    expr(ExprKind::Tuple(elements), l, r)
}

fn binop(left: Expr, op: BinOp, right: Expr, l: usize, r: usize) -> Expr {
    expr(
        ExprKind::BinOp {
            left: Box::new(left),
            op,
            right: Box::new(right),
        },
        l,
        r,
    )
}

fn unary(op: UnaryOp, operand: Expr, l: usize, r: usize) -> Expr {
    expr(
        ExprKind::UnaryOp {
            op,
            operand: Box::new(operand),
        },
        l,
        r,
    )
}

/// `a or b or c` is one node with three values, as in CPython.
fn bool_op(op: BoolOp, left: Expr, right: Expr, l: usize, r: usize) -> Expr {
    let values = match left.kind {
        ExprKind::BoolOp {
            op: inner,
            mut values,
        } if inner == op && left.span.start as usize == l => {
            values.push(right);
            values
        }
        kind => vec![Expr { kind, ..left }, right],
    };
    expr(ExprKind::BoolOp { op, values }, l, r)
}

fn number(n: Number, l: usize, r: usize) -> Expr {
    let constant = match n {
        Number::Int(i) => Constant::Int(i),
        Number::BigInt(b) => Constant::BigInt(b),
        Number::Float(f) => Constant::Float(f),
    };
    expr(ExprKind::Constant(constant), l, r)
}

fn slice(lower: Option<Expr>, upper: Option<Expr>, step: Option<Expr>, l: usize, r: usize) -> Expr {
    expr(
        ExprKind::Slice {
            lower: lower.map(Box::new),
            upper: upper.map(Box::new),
            step: step.map(Box::new),
        },
        l,
        r,
    )
}

/// `a[*b]` indexes with the tuple `(*b,)`.
fn subscript_index(index: Expr) -> Expr {
    match index.kind {
        ExprKind::Starred(_) => Expr {
            span: index.span,
            kind: ExprKind::Tuple(vec![index]),
        },
        _ => index,
    }
}

/// The inside of `( … )`: a tuple, generator or yield takes the
/// parentheses into its span; a lone starred expression is not allowed.
fn parenthesized(mut e: Expr, l: usize, r: usize) -> Fallible<Expr> {
    match &e.kind {
        ExprKind::Starred(_) => fail("cannot use starred expression here", e.span),
        ExprKind::Tuple(_)
        | ExprKind::Comprehension(_)
        | ExprKind::Yield(_)
        | ExprKind::YieldFrom(_) => {
            e.span = Span::new(l, r);
            Ok(e)
        }
        _ => Ok(e),
    }
}

fn comprehension(
    kind: ComprehensionKind,
    element: Expr,
    value: Option<Expr>,
    generators: Vec<ComprehensionFor>,
    l: usize,
    r: usize,
) -> Fallible<Expr> {
    if let ExprKind::Starred(_) = element.kind {
        return fail(
            "iterable unpacking cannot be used in comprehension",
            element.span,
        );
    }
    let span = Span::new(l, r);
    Ok(Expr {
        kind: ExprKind::Comprehension(Box::new(Comprehension {
            kind,
            element,
            value,
            generators,
            span,
            scope: ScopeInfo::default(),
        })),
        span,
    })
}

fn comprehension_for(
    is_async: bool,
    target: Expr,
    iter: Expr,
    conditions: Vec<Expr>,
) -> Fallible<ComprehensionFor> {
    check_store(&target)?;
    Ok(ComprehensionFor {
        is_async,
        target,
        iter,
        conditions,
    })
}

fn named_expr(target: Expr, value: Expr, l: usize, r: usize) -> Fallible<Expr> {
    if !matches!(target.kind, ExprKind::Name { .. }) {
        return fail(
            format!(
                "cannot use assignment expressions with {}",
                expr_name(&target)
            ),
            target.span,
        );
    }
    Ok(expr(
        ExprKind::NamedExpr {
            target: Box::new(target),
            value: Box::new(value),
        },
        l,
        r,
    ))
}

/// Adjacent string literals: one constant, or one f-string if any piece is
/// an f-string; adjacent bytes literals: one bytes constant.
fn strings(
    source: &str,
    deferred: &mut Vec<Deferred>,
    pieces: Vec<(StrLit, Span)>,
    l: usize,
    r: usize,
) -> Fallible<Expr> {
    let span = Span::new(l, r);
    let bytes_pieces = pieces
        .iter()
        .filter(|(s, _)| matches!(s, StrLit::Bytes(_)))
        .count();
    if bytes_pieces == pieces.len() {
        let mut bytes = Vec::new();
        for (piece, _) in &pieces {
            if let StrLit::Bytes(b) = piece {
                bytes.extend_from_slice(b);
            }
        }
        return Ok(Expr {
            kind: ExprKind::Constant(Constant::Bytes(bytes.into())),
            span,
        });
    }
    if bytes_pieces > 0 {
        // CPython points after the last piece.
        return fail("cannot mix bytes and nonbytes literals", Span::new(r, r));
    }
    if pieces.iter().all(|(s, _)| matches!(s, StrLit::Plain(_))) {
        let mut text = String::new();
        for (piece, _) in &pieces {
            if let StrLit::Plain(s) = piece {
                text.push_str(s);
            }
        }
        return Ok(Expr {
            kind: ExprKind::Constant(Constant::Str(text.into())),
            span,
        });
    }
    let mut parts = Vec::new();
    for (piece, _) in pieces {
        match piece {
            StrLit::Plain(s) => fstring::push_literal(&mut parts, &s),
            // Mixed with bytes was an error above.
            StrLit::Bytes(_) => {}
            StrLit::Format { body, raw } => {
                for part in fstring::parse(source, body, raw, deferred).map_err(user)? {
                    match part {
                        FStringPart::Literal(s) => fstring::push_literal(&mut parts, &s),
                        replacement => parts.push(replacement),
                    }
                }
            }
        }
    }
    Ok(Expr {
        kind: ExprKind::FString(parts),
        span,
    })
}

// ---------------------------------------------------------------- targets

/// CPython's name for an expression in "cannot assign to ..." messages.
fn expr_name(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Name { .. } => "name",
        ExprKind::Attribute { .. } => "attribute",
        ExprKind::Subscript { .. } => "subscript",
        ExprKind::Starred(_) => "starred",
        ExprKind::List(_) => "list",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::Lambda(_) => "lambda",
        ExprKind::Call { .. } => "function call",
        ExprKind::BoolOp { .. }
        | ExprKind::BinOp { .. }
        | ExprKind::UnaryOp { .. }
        | ExprKind::Slice { .. } => "expression",
        ExprKind::Comprehension(c) => match c.kind {
            ComprehensionKind::Generator => "generator expression",
            ComprehensionKind::List => "list comprehension",
            ComprehensionKind::Set => "set comprehension",
            ComprehensionKind::Dict => "dict comprehension",
        },
        ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
        ExprKind::Await(_) => "await expression",
        ExprKind::Dict(_) => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::FString(_) => "f-string expression",
        ExprKind::Constant(Constant::None) => "None",
        ExprKind::Constant(Constant::True) => "True",
        ExprKind::Constant(Constant::False) => "False",
        ExprKind::Constant(Constant::Ellipsis) => "ellipsis",
        ExprKind::Constant(_) => "literal",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::NamedExpr { .. } => "named expression",
    }
}

/// CPython's `_PyPegen_get_invalid_target`: the first part of a target that
/// cannot be assigned to (or deleted, when `delete`).
fn invalid_target(e: &Expr, delete: bool) -> Option<&Expr> {
    match &e.kind {
        ExprKind::Name { .. } | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => None,
        ExprKind::Tuple(elements) | ExprKind::List(elements) => {
            elements.iter().find_map(|e| invalid_target(e, delete))
        }
        ExprKind::Starred(inner) if !delete => invalid_target(inner, delete),
        _ => Some(e),
    }
}

/// Checks a `for`, `with`, comprehension or assignment target.
fn check_store(target: &Expr) -> Fallible<()> {
    match invalid_target(target, false) {
        Some(bad) => fail(format!("cannot assign to {}", expr_name(bad)), bad.span),
        None => Ok(()),
    }
}

/// The compiler's checks on starred targets.
fn check_starred_targets(deferred: &mut Vec<Deferred>, target: &Expr) {
    match &target.kind {
        ExprKind::Starred(_) => defer(
            deferred,
            "starred assignment target must be in a list or tuple",
            target.span,
        ),
        ExprKind::Tuple(elements) | ExprKind::List(elements) => {
            if elements
                .iter()
                .filter(|e| matches!(e.kind, ExprKind::Starred(_)))
                .count()
                > 1
            {
                defer(
                    deferred,
                    "multiple starred expressions in assignment",
                    target.span,
                );
            }
            for e in elements {
                match &e.kind {
                    ExprKind::Starred(inner) => check_starred_targets(deferred, inner),
                    _ => check_starred_targets(deferred, e),
                }
            }
        }
        _ => {}
    }
}

/// A value position: a bare `*a` is a compile error there.
fn value(deferred: &mut Vec<Deferred>, e: Expr) -> Expr {
    if let ExprKind::Starred(_) = e.kind {
        defer(deferred, "can't use starred expression here", e.span);
    }
    e
}

/// Whether an expression begins with an operand at the level of `|`, which
/// decides between CPython's two wordings of an invalid assignment.
fn starts_with_bitwise_or(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Tuple(elements) => elements
            .first()
            .is_some_and(|first| first.span.start != e.span.start || starts_with_bitwise_or(first)),
        ExprKind::BoolOp { values, .. } => values.first().is_some_and(starts_with_bitwise_or),
        ExprKind::Compare { left, .. } => starts_with_bitwise_or(left),
        ExprKind::IfExp { body, .. } => starts_with_bitwise_or(body),
        ExprKind::UnaryOp {
            op: UnaryOp::Not, ..
        }
        | ExprKind::Lambda(_)
        | ExprKind::Starred(_)
        | ExprKind::Yield(_)
        | ExprKind::YieldFrom(_) => false,
        _ => true,
    }
}

/// Whether CPython would parse `e` as a `bitwise_or` operand (so that
/// `e = x` reads as a mistaken comparison).
fn is_bitwise_or_level(e: &Expr) -> bool {
    !matches!(
        e.kind,
        ExprKind::Compare { .. }
            | ExprKind::BoolOp { .. }
            | ExprKind::UnaryOp {
                op: UnaryOp::Not,
                ..
            }
            | ExprKind::IfExp { .. }
            | ExprKind::Lambda(_)
            | ExprKind::Starred(_)
            | ExprKind::List(_)
            | ExprKind::Tuple(_)
            | ExprKind::Constant(Constant::True | Constant::False | Constant::None)
    ) && !matches!(&e.kind, ExprKind::Comprehension(c) if c.kind == ComprehensionKind::Generator)
}

fn expression_statement(deferred: &mut Vec<Deferred>, e: Expr) -> StmtKind {
    StmtKind::Expr(value(deferred, e))
}

fn assign(
    source: &str,
    deferred: &mut Vec<Deferred>,
    first: Expr,
    rest: Vec<Expr>,
) -> Fallible<StmtKind> {
    let mut targets = vec![first];
    targets.extend(rest);
    let Some(value_expr) = targets.pop() else {
        return fail("invalid syntax", Span::default());
    };
    let single = targets.len() == 1;
    for target in &targets {
        let parenthesized = source
            .get(target.span.range())
            .is_some_and(|t| t.starts_with('('));
        if matches!(target.kind, ExprKind::Yield(_) | ExprKind::YieldFrom(_)) && !parenthesized {
            return fail("assignment to yield expression not possible", target.span);
        }
        if let Some(bad) = invalid_target(target, false) {
            // `f() = 1` right before the value reads as a mistaken `==`.
            if single
                && bad.span.end == target.span.end
                && is_bitwise_or_level(bad)
                && starts_with_bitwise_or(&value_expr)
            {
                return fail(
                    format!(
                        "cannot assign to {} here. Maybe you meant '==' instead of '='?",
                        expr_name(bad)
                    ),
                    bad.span,
                );
            }
            return fail(format!("cannot assign to {}", expr_name(bad)), bad.span);
        }
        check_starred_targets(deferred, target);
    }
    Ok(StmtKind::Assign {
        targets,
        value: value(deferred, value_expr),
    })
}

fn aug_assign(
    deferred: &mut Vec<Deferred>,
    target: Expr,
    op: BinOp,
    v: Expr,
) -> Fallible<StmtKind> {
    if !matches!(
        target.kind,
        ExprKind::Name { .. } | ExprKind::Attribute { .. } | ExprKind::Subscript { .. }
    ) {
        return fail(
            format!(
                "'{}' is an illegal expression for augmented assignment",
                expr_name(&target)
            ),
            target.span,
        );
    }
    Ok(StmtKind::AugAssign {
        target,
        op,
        value: value(deferred, v),
    })
}

fn ann_assign(
    deferred: &mut Vec<Deferred>,
    target: Expr,
    annotation: Expr,
    v: Option<Expr>,
) -> Fallible<StmtKind> {
    match &target.kind {
        ExprKind::Name { .. } | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {}
        ExprKind::Tuple(elements) | ExprKind::List(elements) => {
            let what = if let ExprKind::Tuple(_) = target.kind {
                "tuple"
            } else {
                "list"
            };
            // Without parentheses CPython points at the first element.
            let at = match elements.first() {
                Some(first) if first.span.start == target.span.start => first.span,
                _ => target.span,
            };
            return fail(
                format!("only single target (not {what}) can be annotated"),
                at,
            );
        }
        _ => return fail("illegal target for annotation", target.span),
    }
    Ok(StmtKind::AnnAssign {
        target,
        annotation,
        value: v.map(|v| value(deferred, v)),
    })
}

fn delete(targets: Expr) -> Fallible<StmtKind> {
    if let Some(bad) = invalid_target(&targets, true) {
        return fail(format!("cannot delete {}", expr_name(bad)), bad.span);
    }
    // `del a, b` deletes each; `del (a, b)` too.
    let targets = match targets.kind {
        ExprKind::Tuple(elements) => elements,
        kind => vec![Expr { kind, ..targets }],
    };
    Ok(StmtKind::Delete(targets))
}

fn for_stmt(
    deferred: &mut Vec<Deferred>,
    is_async: bool,
    target: Expr,
    iter: Expr,
    body: Vec<Stmt>,
    orelse: Vec<Stmt>,
    l: usize,
) -> Fallible<Stmt> {
    check_store(&target)?;
    check_starred_targets(deferred, &target);
    let iter = value(deferred, iter);
    Ok(block_stmt(
        StmtKind::For {
            is_async,
            target,
            iter,
            body,
            orelse,
        },
        l,
    ))
}

fn with_item(context: Expr, target: Expr) -> Fallible<WithItem> {
    check_store(&target)?;
    Ok(WithItem {
        context,
        target: Some(target),
    })
}

/// A `try` with handlers, which are all `except` or all `except*`.
fn try_statement(
    body: Vec<Stmt>,
    handlers: Vec<ExceptHandler>,
    orelse: Vec<Stmt>,
    finalbody: Vec<Stmt>,
    l: usize,
) -> Fallible<Stmt> {
    if let Some(mixed) = handlers.iter().find(|h| h.star != handlers[0].star) {
        let start = mixed.span.start as usize;
        return fail(
            "cannot have both 'except' and 'except*' on the same 'try'",
            Span::new(start, start + "except".len() + usize::from(mixed.star)),
        );
    }
    Ok(block_stmt(
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        },
        l,
    ))
}

fn except_handler(
    kind: Option<(Expr, Option<Name>)>,
    body: Vec<Stmt>,
    l: usize,
    star: bool,
) -> ExceptHandler {
    let end = body.last().map_or(l, |s| s.span.end as usize);
    let (kind, name) = match kind {
        Some((kind, name)) => (Some(kind), name),
        None => (None, None),
    };
    ExceptHandler {
        kind,
        star,
        name,
        name_binding: Binding::default(),
        body,
        span: Span::new(l, end),
    }
}

// ---------------------------------------------------------------- imports

/// What follows `from m import`.
enum ImportNames {
    Star,
    Names(Vec<Alias>),
    TrailingComma(Span),
}

fn alias(name: Name, asname: Option<Name>, l: usize, r: usize) -> Alias {
    let target = match &asname {
        Some(asname) => asname.clone(),
        // The same pointer as the name's other uses (`intern`).
        None => intern(name.split('.').next().unwrap_or(&name)),
    };
    Alias {
        name,
        asname,
        target,
        span: Span::new(l, r),
    }
}

fn import_from(module: String, names: ImportNames) -> Fallible<StmtKind> {
    match names {
        ImportNames::Names(names) => Ok(StmtKind::ImportFrom {
            module: module.into(),
            names,
        }),
        ImportNames::Star => Ok(StmtKind::ImportStar {
            module: module.into(),
        }),
        ImportNames::TrailingComma(span) => fail(
            "trailing comma not allowed without surrounding parentheses",
            span,
        ),
    }
}

// ---------------------------------------------------------------- functions and classes

#[derive(Clone, Copy, PartialEq, Eq)]
enum ParamKind {
    Plain,
    /// `*args`, or a bare `*` when unnamed.
    Star,
    DoubleStar,
    /// The `/` that ends the positional-only parameters.
    Slash,
}

/// One entry of a parameter list as written, before its order is checked.
struct ParamItem {
    kind: ParamKind,
    name: Option<Name>,
    annotation: Option<Expr>,
    default: Option<Expr>,
    span: Span,
}

impl ParamItem {
    fn new(
        kind: ParamKind,
        name: Option<Name>,
        annotation: Option<Expr>,
        default: Option<Expr>,
        l: usize,
        r: usize,
    ) -> ParamItem {
        ParamItem {
            kind,
            name,
            annotation,
            default,
            span: Span::new(l, r),
        }
    }

    /// `*`, `*args` or `*args: annotation`.
    fn star(
        named: Option<(Name, Option<Expr>)>,
        default: Option<Expr>,
        l: usize,
        r: usize,
    ) -> ParamItem {
        let (name, annotation) = named.map_or((None, None), |(n, a)| (Some(n), a));
        ParamItem::new(ParamKind::Star, name, annotation, default, l, r)
    }

    fn into_param(self) -> Param {
        Param {
            name: self.name.unwrap_or_else(|| Rc::from("")),
            annotation: self.annotation,
            default: self.default,
            span: self.span,
        }
    }
}

/// Checks the order of a parameter list with CPython's messages and sorts
/// it into [`Parameters`].
fn parameters(deferred: &mut Vec<Deferred>, items: Vec<ParamItem>) -> Fallible<Parameters> {
    let mut params = Parameters::default();
    let mut seen_slash = false;
    let mut star: Option<Span> = None;
    let mut kwarg_seen = false;
    let mut default_seen = false;
    let mut names = HashSet::new();
    for item in items {
        if kwarg_seen {
            return fail("arguments cannot follow var-keyword argument", item.span);
        }
        if let Some(name) = &item.name {
            if !names.insert(name.clone()) {
                deferred.push(Deferred {
                    from_symbol_table: true,
                    error: SyntaxError::new(
                        format!("duplicate argument '{name}' in function definition"),
                        item.span,
                    ),
                });
            }
        }
        match item.kind {
            ParamKind::Slash => {
                if seen_slash {
                    return fail("/ may appear only once", item.span);
                }
                if star.is_some() {
                    return fail("/ must be ahead of *", item.span);
                }
                if params.args.is_empty() {
                    return fail("at least one argument must precede /", item.span);
                }
                seen_slash = true;
                params.posonly = std::mem::take(&mut params.args);
            }
            ParamKind::Star => {
                if star.is_some() {
                    return fail("* argument may appear only once", item.span);
                }
                if let Some(default) = &item.default {
                    return fail(
                        "var-positional argument cannot have default value",
                        default.span,
                    );
                }
                star = Some(item.span);
                if item.name.is_some() {
                    params.vararg = Some(item.into_param());
                }
            }
            ParamKind::DoubleStar => {
                if let Some(default) = &item.default {
                    return fail(
                        "var-keyword argument cannot have default value",
                        default.span,
                    );
                }
                kwarg_seen = true;
                params.kwarg = Some(item.into_param());
            }
            ParamKind::Plain if star.is_some() => params.kwonly.push(item.into_param()),
            ParamKind::Plain => {
                if item.default.is_some() {
                    default_seen = true;
                } else if default_seen {
                    return fail("non-default argument follows default argument", item.span);
                }
                params.args.push(item.into_param());
            }
        }
    }
    if let Some(span) = star {
        if params.vararg.is_none() && params.kwonly.is_empty() {
            return fail(
                "named arguments must follow bare *",
                Span::new(span.start as usize, span.start as usize + 1),
            );
        }
    }
    Ok(params)
}

fn function_def(
    deferred: &mut Vec<Deferred>,
    is_async: bool,
    name: Name,
    params: Vec<ParamItem>,
    returns: Option<Expr>,
    body: Vec<Stmt>,
    l: usize,
) -> Fallible<Stmt> {
    let params = parameters(deferred, params)?;
    let end = body.last().map_or(l, |s| s.span.end as usize);
    let span = Span::new(l, end);
    let def = FunctionDef {
        target: name.clone(),
        name,
        params,
        body,
        decorators: Vec::new(),
        returns,
        is_async,
        is_lambda: false,
        span,
        scope: ScopeInfo::default(),
    };
    Ok(Stmt {
        kind: StmtKind::FunctionDef(Box::new(def)),
        span,
    })
}

fn lambda(
    deferred: &mut Vec<Deferred>,
    params: Vec<ParamItem>,
    body: Expr,
    l: usize,
    r: usize,
) -> Fallible<Expr> {
    let params = parameters(deferred, params)?;
    let span = Span::new(l, r);
    let body_span = body.span;
    let def = FunctionDef {
        name: Rc::from("<lambda>"),
        target: Rc::from("<lambda>"),
        params,
        body: vec![Stmt {
            kind: StmtKind::Return(Some(body)),
            span: body_span,
        }],
        decorators: Vec::new(),
        returns: None,
        is_async: false,
        is_lambda: true,
        span,
        scope: ScopeInfo::default(),
    };
    Ok(Expr {
        kind: ExprKind::Lambda(Box::new(def)),
        span,
    })
}

fn class_def(
    source: &str,
    deferred: &mut Vec<Deferred>,
    name: Name,
    args: Option<(Vec<ArgItem>, bool)>,
    body: Vec<Stmt>,
    l: usize,
) -> Fallible<Stmt> {
    // A call's lone generator argument needs no parentheses of its own;
    // CPython's class bases are no call, and its parser stops at `for`.
    if let Some(([ArgItem::BareGenerator(generator)], false)) =
        args.as_ref().map(|(a, c)| (a.as_slice(), *c))
    {
        if let ExprKind::Comprehension(comprehension) = &generator.kind {
            let after = comprehension.element.span.end as usize;
            let keyword =
                source[after..].trim_start_matches(|c: char| c.is_whitespace() || c == ')');
            let start = source.len() - keyword.len();
            let word = keyword
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            return fail("invalid syntax", Span::new(start, start + word.len()));
        }
    }
    let bases = match args {
        Some(args) => arguments(deferred, args)?,
        None => Vec::new(),
    };
    let end = body.last().map_or(l, |s| s.span.end as usize);
    let span = Span::new(l, end);
    let def = ClassDef {
        target: name.clone(),
        name,
        bases,
        body,
        decorators: Vec::new(),
        span,
        scope: ScopeInfo::default(),
    };
    Ok(Stmt {
        kind: StmtKind::ClassDef(Box::new(def)),
        span,
    })
}

fn decorate(decorators: Vec<Expr>, mut def: Stmt) -> Stmt {
    match &mut def.kind {
        StmtKind::FunctionDef(f) => f.decorators = decorators,
        StmtKind::ClassDef(c) => c.decorators = decorators,
        _ => {}
    }
    def
}

// ---------------------------------------------------------------- calls

/// One argument of a call as written, before its order is checked.
enum ArgItem {
    Positional(Expr),
    /// `f(x for x in y)`: allowed only as the sole argument.
    BareGenerator(Expr),
    Keyword(Expr, Expr),
    DoubleStar(Expr),
}

fn generator_arg(
    element: Expr,
    generators: Vec<ComprehensionFor>,
    l: usize,
    r: usize,
) -> Fallible<ArgItem> {
    comprehension(
        ComprehensionKind::Generator,
        element,
        None,
        generators,
        l,
        r,
    )
    .map(ArgItem::BareGenerator)
}

/// `func(args)`, its parentheses from `open` to `r`.
fn call(
    deferred: &mut Vec<Deferred>,
    func: Expr,
    (mut items, trailing_comma): (Vec<ArgItem>, bool),
    open: usize,
    l: usize,
    r: usize,
) -> Fallible<Expr> {
    // A generator expression as the only argument takes the call's
    // parentheses for its own, as in CPython.
    if let ([ArgItem::BareGenerator(generator)], false) = (items.as_mut_slice(), trailing_comma) {
        generator.span = Span::new(open, r);
    }
    let args = arguments(deferred, (items, trailing_comma))?;
    Ok(expr(
        ExprKind::Call {
            func: Box::new(func),
            args,
        },
        l,
        r,
    ))
}

/// Checks argument order with CPython's messages and builds the [`Arg`]s.
fn arguments(
    deferred: &mut Vec<Deferred>,
    (items, trailing_comma): (Vec<ArgItem>, bool),
) -> Fallible<Vec<Arg>> {
    let count = items.len();
    let mut args = Vec::with_capacity(count);
    let mut keyword_seen = false;
    let mut double_star_seen = false;
    let mut keywords = HashSet::new();
    for item in items {
        match item {
            ArgItem::BareGenerator(e) if count > 1 || trailing_comma => {
                return fail("Generator expression must be parenthesized", e.span)
            }
            ArgItem::Positional(e) | ArgItem::BareGenerator(e) => {
                let starred = matches!(e.kind, ExprKind::Starred(_));
                if double_star_seen {
                    return fail(
                        if starred {
                            "iterable argument unpacking follows keyword argument unpacking"
                        } else {
                            "positional argument follows keyword argument unpacking"
                        },
                        e.span,
                    );
                }
                if keyword_seen && !starred {
                    return fail("positional argument follows keyword argument", e.span);
                }
                args.push(match e.kind {
                    ExprKind::Starred(inner) => Arg::Star(*inner),
                    _ => Arg::Positional(e),
                });
            }
            ArgItem::Keyword(key, value) => {
                let span = key.span.to(value.span);
                let name = match key.kind {
                    ExprKind::Name { id, .. } => id,
                    ExprKind::Constant(Constant::True | Constant::False | Constant::None) => {
                        return fail(format!("cannot assign to {}", expr_name(&key)), span)
                    }
                    _ => {
                        return fail(
                            "expression cannot contain assignment, perhaps you meant \"==\"?",
                            Span::new(key.span.start as usize, value.span.start as usize),
                        )
                    }
                };
                if !keywords.insert(name.clone()) {
                    defer(deferred, format!("keyword argument repeated: {name}"), span);
                }
                keyword_seen = true;
                args.push(Arg::Keyword { name, value, span });
            }
            ArgItem::DoubleStar(e) => {
                double_star_seen = true;
                args.push(Arg::DoubleStar(e));
            }
        }
    }
    Ok(args)
}

// ---------------------------------------------------------------- patterns

/// An argument of a class pattern, before the order is checked.
pub(super) enum ClassArg {
    Positional(Pattern),
    Keyword(Name, Span, Pattern),
}

fn pattern(kind: PatternKind, l: usize, r: usize) -> Box<Pattern> {
    Box::new(Pattern {
        kind,
        span: Span::new(l, r),
    })
}

fn name_expr(id: Name, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Name {
            id,
            binding: Binding::default(),
        },
        span,
    }
}

/// A bare name: a capture, or the wildcard `_`.
fn capture_pattern(name: Name, l: usize, r: usize) -> Fallible<Box<Pattern>> {
    let span = Span::new(l, r);
    if &*name == "__debug__" {
        return fail("cannot assign to __debug__", span);
    }
    let name = (&*name != "_").then(|| name_expr(name, span));
    Ok(pattern(
        PatternKind::As {
            pattern: None,
            name,
        },
        l,
        r,
    ))
}

fn as_pattern(
    inner: Box<Pattern>,
    name: Name,
    name_start: usize,
    l: usize,
    r: usize,
) -> Fallible<Box<Pattern>> {
    let span = Span::new(name_start, r);
    match &*name {
        "_" => fail("cannot use '_' as a target", span),
        "__debug__" => fail("cannot assign to __debug__", span),
        _ => Ok(pattern(
            PatternKind::As {
                pattern: Some(inner),
                name: Some(name_expr(name, span)),
            },
            l,
            r,
        )),
    }
}

// The grammar's boxed values, as its nonterminals produce them.
#[allow(clippy::vec_box, clippy::boxed_local)]
fn or_pattern(first: Box<Pattern>, rest: Vec<Box<Pattern>>, l: usize, r: usize) -> Box<Pattern> {
    let mut alternatives = vec![*first];
    alternatives.extend(unbox(rest));
    pattern(PatternKind::Or(alternatives), l, r)
}

fn star_pattern(name: Name, l: usize, r: usize) -> Box<Pattern> {
    let span = Span::new(l + 1, r);
    let name = (&*name != "_").then(|| name_expr(name, span));
    pattern(PatternKind::Star(name), l, r)
}

// The grammar's boxed values, as its nonterminals produce them.
#[allow(clippy::vec_box, clippy::boxed_local)]
fn sequence_pattern(
    first: Box<Pattern>,
    rest: Vec<Box<Pattern>>,
    l: usize,
    r: usize,
) -> Fallible<Box<Pattern>> {
    let mut items = vec![*first];
    items.extend(unbox(rest));
    sequence_items(items, l, r)
}

fn sequence_items(items: Vec<Pattern>, l: usize, r: usize) -> Fallible<Box<Pattern>> {
    let stars = items
        .iter()
        .filter(|p| matches!(p.kind, PatternKind::Star(_)))
        .count();
    if stars > 1 {
        return fail(
            "multiple starred names in sequence pattern",
            Span::new(l, r),
        );
    }
    Ok(pattern(PatternKind::Sequence(items), l, r))
}

/// `{key: pattern, …, **rest}`; `**_` is not in CPython's grammar.
fn mapping_pattern(
    items: Vec<(Expr, Pattern)>,
    rest: Option<(Expr, Span)>,
    l: usize,
    r: usize,
) -> Fallible<Box<Pattern>> {
    if let Some((
        Expr {
            kind: ExprKind::Name { id, .. },
            ..
        },
        span,
    )) = &rest
    {
        if &**id == "_" {
            return fail("invalid syntax", *span);
        }
    }
    let (keys, patterns) = items.into_iter().unzip();
    Ok(pattern(
        PatternKind::Mapping {
            keys,
            patterns,
            rest: rest.map(|(name, _)| name),
        },
        l,
        r,
    ))
}

fn class_pattern(class: Expr, args: Vec<ClassArg>, l: usize, r: usize) -> Fallible<Box<Pattern>> {
    let mut patterns = Vec::new();
    let mut keywords: Vec<(Name, Span, Pattern)> = Vec::new();
    for arg in args {
        match arg {
            ClassArg::Positional(p) if !keywords.is_empty() => {
                return fail("positional patterns follow keyword patterns", p.span);
            }
            ClassArg::Positional(p) => patterns.push(p),
            ClassArg::Keyword(name, span, p) => keywords.push((name, span, p)),
        }
    }
    Ok(pattern(
        PatternKind::Class {
            class,
            patterns,
            keywords,
        },
        l,
        r,
    ))
}

/// A string literal in a pattern: an f-string is no literal.
fn pattern_strings(
    source: &str,
    deferred: &mut Vec<Deferred>,
    pieces: Vec<(StrLit, Span)>,
    l: usize,
    r: usize,
) -> Fallible<Expr> {
    let e = strings(source, deferred, pieces, l, r)?;
    if matches!(e.kind, ExprKind::FString(_)) {
        defer(
            deferred,
            "patterns may only match literals and attribute lookups",
            e.span,
        );
    }
    Ok(e)
}

/// A `match` statement, with the checks CPython's compiler makes of its
/// patterns (deferred: a later parse error wins).
fn match_statement(
    deferred: &mut Vec<Deferred>,
    subject: Expr,
    cases: Vec<MatchCase>,
    l: usize,
    r: usize,
) -> Stmt {
    let count = cases.len();
    for (i, case) in cases.iter().enumerate() {
        let allow_irrefutable = case.guard.is_some() || i + 1 == count;
        let mut stores = Vec::new();
        if let Err(error) = check_pattern(&case.pattern, allow_irrefutable, &mut stores) {
            deferred.push(Deferred {
                from_symbol_table: false,
                error,
            });
            break;
        }
    }
    stmt(StmtKind::Match { subject, cases }, l, r)
}

fn store_name(name: &Option<Expr>, stores: &mut Vec<Name>) -> Result<(), SyntaxError> {
    if let Some(Expr {
        kind: ExprKind::Name { id, .. },
        span,
    }) = name
    {
        if stores.contains(id) {
            return Err(SyntaxError::new(
                format!("multiple assignments to name '{id}' in pattern"),
                *span,
            ));
        }
        stores.push(id.clone());
    }
    Ok(())
}

/// CPython's compile-time checks of a pattern: irrefutable patterns where
/// more must follow, names bound twice, alternatives that bind different
/// names, repeated keys and attributes.
fn check_pattern(
    p: &Pattern,
    allow_irrefutable: bool,
    stores: &mut Vec<Name>,
) -> Result<(), SyntaxError> {
    match &p.kind {
        PatternKind::Value(_) | PatternKind::Singleton(_) => Ok(()),
        PatternKind::As {
            pattern: None,
            name,
        } => {
            if !allow_irrefutable {
                let message = match name {
                    Some(Expr {
                        kind: ExprKind::Name { id, .. },
                        ..
                    }) => format!("name capture '{id}' makes remaining patterns unreachable"),
                    _ => "wildcard makes remaining patterns unreachable".into(),
                };
                return Err(SyntaxError::new(message, p.span));
            }
            store_name(name, stores)
        }
        PatternKind::As {
            pattern: Some(inner),
            name,
        } => {
            check_pattern(inner, allow_irrefutable, stores)?;
            store_name(name, stores)
        }
        PatternKind::Star(name) => store_name(name, stores),
        PatternKind::Sequence(items) => items
            .iter()
            .try_for_each(|item| check_pattern(item, true, stores)),
        PatternKind::Mapping {
            keys,
            patterns,
            rest,
        } => {
            let mut seen: Vec<&Constant> = Vec::new();
            for key in keys {
                if let Some(constant) = literal_key(key) {
                    if seen.iter().any(|c| same_constant(c, constant)) {
                        return Err(SyntaxError::new(
                            format!(
                                "mapping pattern checks duplicate key ({})",
                                constant_repr(constant, key)
                            ),
                            p.span,
                        ));
                    }
                    seen.push(constant);
                }
            }
            store_name(rest, stores)?;
            patterns
                .iter()
                .try_for_each(|item| check_pattern(item, true, stores))
        }
        PatternKind::Class {
            patterns, keywords, ..
        } => {
            for (i, (name, _, pattern)) in keywords.iter().enumerate() {
                if keywords[..i].iter().any(|(other, _, _)| other == name) {
                    return Err(SyntaxError::new(
                        format!("attribute name repeated in class pattern: {name}"),
                        pattern.span,
                    ));
                }
            }
            patterns
                .iter()
                .chain(keywords.iter().map(|(_, _, p)| p))
                .try_for_each(|item| check_pattern(item, true, stores))
        }
        PatternKind::Or(alternatives) => {
            let mut control: Option<Vec<Name>> = None;
            let last = alternatives.len() - 1;
            for (i, alt) in alternatives.iter().enumerate() {
                let mut own = Vec::new();
                check_pattern(alt, i == last && allow_irrefutable, &mut own)?;
                match &control {
                    None => control = Some(own),
                    Some(control) => {
                        if own.len() != control.len() || own.iter().any(|n| !control.contains(n)) {
                            return Err(SyntaxError::new(
                                "alternative patterns bind different names",
                                alt.span,
                            ));
                        }
                    }
                }
            }
            for name in control.unwrap_or_default() {
                if stores.contains(&name) {
                    return Err(SyntaxError::new(
                        format!("multiple assignments to name '{name}' in pattern"),
                        p.span,
                    ));
                }
                stores.push(name);
            }
            Ok(())
        }
    }
}

/// The constant a mapping pattern's key is, if it is a literal.
fn literal_key(key: &Expr) -> Option<&Constant> {
    match &key.kind {
        ExprKind::Constant(c) => Some(c),
        ExprKind::UnaryOp { operand, .. } => match &operand.kind {
            ExprKind::Constant(c) => Some(c),
            _ => None,
        },
        _ => None,
    }
}

fn same_constant(a: &Constant, b: &Constant) -> bool {
    fn number(c: &Constant) -> Option<f64> {
        Some(match c {
            Constant::True => 1.0,
            Constant::False => 0.0,
            Constant::Int(i) => *i as f64,
            Constant::Float(f) => *f,
            _ => return None,
        })
    }
    match (a, b) {
        (Constant::Str(x), Constant::Str(y)) => x == y,
        (Constant::Bytes(x), Constant::Bytes(y)) => x == y,
        (Constant::None, Constant::None) => true,
        (Constant::BigInt(x), Constant::BigInt(y)) => x == y,
        _ => matches!((number(a), number(b)), (Some(x), Some(y)) if x == y),
    }
}

/// A key's repr for the duplicate-key message (CPython's `%R`).
fn constant_repr(c: &Constant, key: &Expr) -> String {
    let negative = matches!(key.kind, ExprKind::UnaryOp { .. });
    let sign = if negative { "-" } else { "" };
    match c {
        Constant::None => "None".into(),
        Constant::True => "True".into(),
        Constant::False => "False".into(),
        Constant::Int(i) => format!("{sign}{i}"),
        Constant::BigInt(b) => format!("{sign}{b}"),
        Constant::Float(f) => format!("{sign}{f:?}"),
        Constant::Str(s) if !s.contains('\'') => format!("'{s}'"),
        Constant::Str(s) => format!("\"{s}\""),
        Constant::Bytes(b) => format!("b'{}'", String::from_utf8_lossy(b)),
        Constant::Ellipsis => "Ellipsis".into(),
    }
}

/// An item of a dict display, from its first token.
struct DisplayItem {
    start: usize,
    /// It is a pair so far: its `:` (or its leading `**`) is behind.
    has_colon: bool,
    /// A pair came before it: CPython then reads it as a key.
    after_pair: bool,
}
