//! The lexer: source text in, raw tokens with absolute byte spans out.
//!
//! [`Lexer`] drives the `logos` definition of [`Token`] over a range of the
//! source and turns its failures into CPython-worded [`SyntaxError`]s. The
//! literal scanners that `logos` calls back into live here too: numbers
//! follow CPython's tokenizer step by step so that malformed literals get
//! its messages and caret positions, and strings are scanned by hand
//! because a triple-quoted string is not a regular-expression-friendly
//! shape. [`decode_escapes`] is shared with the f-string splitter.

use std::ops::Range;
use std::rc::Rc;

use num_bigint::BigInt;

use super::error::SyntaxError;
use super::span::Span;
use super::token::{Number, StrLit, Token};

/// A token with its absolute byte span, in the shape LALRPOP consumes.
pub type Spanned = (usize, Token, usize);

/// Why `logos` could not produce a token. Positions are relative to the text
/// being lexed; [`Lexer`] makes them absolute and words the message.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum LexError {
    /// No pattern matches here; the message depends on the character.
    #[default]
    Unrecognized,
    /// A malformed literal, with CPython's message and caret position.
    Literal { message: String, at: Range<usize> },
    /// A string without its closing quote(s), detected at `detected`.
    Unterminated {
        triple: bool,
        opening: Range<usize>,
        detected: usize,
    },
}

impl LexError {
    /// The `logos` error constructor for input no pattern matches.
    pub fn unrecognized(_: &mut logos::Lexer<'_, Token>) -> LexError {
        LexError::Unrecognized
    }

    fn literal(message: impl Into<String>, at: Range<usize>) -> LexError {
        LexError::Literal {
            message: message.into(),
            at,
        }
    }
}

/// The 1-based line number of byte offset `pos` of `source`.
pub fn line_number(source: &str, pos: usize) -> usize {
    let pos = pos.min(source.len());
    1 + source.as_bytes()[..pos]
        .iter()
        .enumerate()
        .filter(|&(i, &b)| {
            b == b'\n' || (b == b'\r' && source.as_bytes().get(i + 1) != Some(&b'\n'))
        })
        .count()
}

/// Raw tokens of `source[range]`, with spans that index `source` itself (so
/// an f-string field lexed on its own still points into the whole file).
/// Yields `Token::LineBreak` for line ends; the layout pass handles those.
pub struct Lexer<'s> {
    source: &'s str,
    base: usize,
    inner: logos::Lexer<'s, Token>,
}

impl<'s> Lexer<'s> {
    pub fn new(source: &'s str, range: Range<usize>) -> Lexer<'s> {
        let base = range.start;
        Lexer {
            source,
            base,
            inner: logos::Lexer::with_extras(&source[range], base),
        }
    }

    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.base + range.start, self.base + range.end)
    }

    /// Turns a `logos` failure over `range` into CPython's error, or into a
    /// `Token::Unknown` for the ASCII characters CPython hands to its parser.
    fn failure(&self, error: LexError, range: Range<usize>) -> Result<Token, SyntaxError> {
        match error {
            LexError::Literal { message, at } => Err(SyntaxError::new(message, self.span(at))),
            LexError::Unterminated {
                triple,
                opening,
                detected,
            } => {
                let line = line_number(self.source, self.base + detected);
                let error = SyntaxError::new(
                    format!(
                        "unterminated {}string literal (detected at line {line})",
                        if triple { "triple-quoted " } else { "" }
                    ),
                    self.span(opening),
                );
                // Only a triple-quoted string can go on in a further line.
                Err(if triple { error.incomplete() } else { error })
            }
            LexError::Unrecognized => {
                let text = &self.inner.source()[range.start..];
                let c = text.chars().next().unwrap_or('\0');
                let at = self.span(range.start..range.start + c.len_utf8().max(1));
                if c == '\\' {
                    // A continuation backslash not followed by a line end.
                    return Err(if text.len() == 1 {
                        SyntaxError::new("unexpected EOF while parsing", at).incomplete()
                    } else {
                        SyntaxError::new(
                            "unexpected character after line continuation character",
                            at,
                        )
                    });
                }
                if c == '\0' {
                    return Err(SyntaxError::new(
                        "source code cannot contain null bytes",
                        at,
                    ));
                }
                if c.is_ascii_graphic() {
                    // `$`, `?`, `!`, `` ` ``: CPython's parser reports these.
                    return Ok(Token::Unknown);
                }
                let printable = !(c.is_control() || (c.is_whitespace() && c != ' '));
                Err(SyntaxError::new(
                    if printable {
                        format!("invalid character '{c}' (U+{:04X})", c as u32)
                    } else {
                        format!("invalid non-printable character U+{:04X}", c as u32)
                    },
                    at,
                ))
            }
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Result<Spanned, SyntaxError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let result = self.inner.next()?;
            let range = self.inner.span();
            let token = match result {
                Ok(Token::Continuation) => {
                    // A backslash continuation that ends the input has
                    // nothing left to continue with.
                    if range.end == self.inner.source().len() {
                        let at = self.span(range.start..range.start + 1);
                        return Some(Err(
                            SyntaxError::new("unexpected EOF while parsing", at).incomplete()
                        ));
                    }
                    continue;
                }
                Ok(token) => token,
                Err(error) => match self.failure(error, range.clone()) {
                    Ok(token) => token,
                    Err(error) => return Some(Err(error)),
                },
            };
            return Some(Ok((self.base + range.start, token, self.base + range.end)));
        }
    }
}

// ---------------------------------------------------------------- names

/// Whether `c` may begin an identifier: Unicode's `XID_Start`, or `_`.
pub fn starts_identifier(c: char) -> bool {
    c == '_' || unicode_ident::is_xid_start(c)
}

/// Whether `c` may go on an identifier: Unicode's `XID_Continue` as of
/// CPython 3.11's Unicode 14, before 15.1 added the zero-width joiners.
pub fn continues_identifier(c: char) -> bool {
    unicode_ident::is_xid_continue(c) && !matches!(c, '\u{200C}' | '\u{200D}')
}

/// `logos` callback for identifier-like text: extends the match over any
/// further identifier characters (Unicode's `XID_Continue`) and tells
/// keywords from names.
pub(super) fn lex_word(lex: &mut logos::Lexer<'_, Token>) -> Result<Token, LexError> {
    let first = lex.slice().chars().next().unwrap_or(' ');
    if !starts_identifier(first) {
        return Err(LexError::Unrecognized);
    }
    let more: usize = lex
        .remainder()
        .chars()
        .take_while(|&c| continues_identifier(c))
        .map(char::len_utf8)
        .sum();
    lex.bump(more);
    let text = lex.slice();
    Ok(Token::keyword(text).unwrap_or_else(|| Token::Name(super::ast::intern(text))))
}

// ---------------------------------------------------------------- numbers

/// `logos` callback for a token starting with a digit or `.digit`: scans
/// the whole literal the way CPython's tokenizer does.
pub(super) fn lex_number(lex: &mut logos::Lexer<'_, Token>) -> Result<Number, LexError> {
    let start = lex.span().start;
    let mut scan = NumberScan {
        src: lex.source().as_bytes(),
        start,
        pos: start,
    };
    let number = scan.number()?;
    lex.bump(scan.pos - lex.span().end);
    Ok(number)
}

/// A cursor over one numeric literal. Error positions copy CPython's caret,
/// which sits on the character before the tokenizer's read position.
struct NumberScan<'a> {
    src: &'a [u8],
    start: usize,
    pos: usize,
}

impl NumberScan<'_> {
    fn peek(&self) -> u8 {
        self.src.get(self.pos).copied().unwrap_or(0)
    }

    /// An error whose caret is on the (ASCII) character before byte `pos`.
    fn error_before(&self, message: impl Into<String>, pos: usize) -> LexError {
        let end = pos.clamp(self.start + 1, self.src.len().max(self.start + 1));
        LexError::literal(message, end - 1..end)
    }

    /// An error on the character at the cursor (CPython has consumed it),
    /// or on the last character at the end of input.
    fn error_here(&self, message: impl Into<String>) -> LexError {
        let char_len = match self.peek() {
            0 if self.pos >= self.src.len() => return self.error_before(message, self.pos),
            0..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        LexError::literal(message, self.pos..self.pos + char_len)
    }

    fn number(&mut self) -> Result<Number, LexError> {
        if self.peek() == b'.' {
            return self.fraction();
        }
        if self.peek() == b'0' {
            self.pos += 1;
            match self.peek() {
                b'x' | b'X' => return self.radix(16, "hexadecimal"),
                b'o' | b'O' => return self.radix(8, "octal"),
                b'b' | b'B' => return self.radix(2, "binary"),
                _ => return self.leading_zero(),
            }
        }
        self.decimal_tail()?;
        match self.peek() {
            b'.' | b'e' | b'E' | b'j' | b'J' => self.fraction(),
            c => {
                self.end_of_number(c, "decimal")?;
                self.int_value(10)
            }
        }
    }

    /// After a leading `0`: more zeros are fine, other digits are only
    /// allowed if a fraction or exponent follows (`0777.5`).
    fn leading_zero(&mut self) -> Result<Number, LexError> {
        loop {
            if self.peek() == b'_' {
                self.pos += 1;
                if !self.peek().is_ascii_digit() {
                    return Err(self.error_here("invalid decimal literal"));
                }
            }
            if self.peek() != b'0' {
                break;
            }
            self.pos += 1;
        }
        let zeros_end = self.pos;
        let nonzero = self.peek().is_ascii_digit();
        if nonzero {
            self.decimal_tail()?;
        }
        match self.peek() {
            b'.' | b'e' | b'E' | b'j' | b'J' => self.fraction(),
            _ if nonzero => Err(LexError::literal(
                "leading zeros in decimal integer literals are not permitted; \
                 use an 0o prefix for octal integers",
                self.start..zeros_end,
            )),
            c => {
                self.end_of_number(c, "decimal")?;
                Ok(Number::Int(0))
            }
        }
    }

    /// Digits with single underscores between them; the cursor is on a digit.
    fn decimal_tail(&mut self) -> Result<(), LexError> {
        loop {
            while self.peek().is_ascii_digit() {
                self.pos += 1;
            }
            if self.peek() != b'_' {
                return Ok(());
            }
            self.pos += 1;
            if !self.peek().is_ascii_digit() {
                return Err(self.error_before("invalid decimal literal", self.pos));
            }
        }
    }

    /// `0x…`, `0o…`, `0b…`; the cursor is on the radix letter.
    fn radix(&mut self, radix: u32, kind: &str) -> Result<Number, LexError> {
        self.pos += 1;
        let is_digit = |c: u8| (c as char).is_digit(radix);
        loop {
            if self.peek() == b'_' {
                self.pos += 1;
            }
            let c = self.peek();
            if !is_digit(c) {
                return Err(if radix != 16 && c.is_ascii_digit() {
                    self.error_here(format!("invalid digit '{}' in {kind} literal", c as char))
                } else {
                    self.error_here(format!("invalid {kind} literal"))
                });
            }
            while is_digit(self.peek()) {
                self.pos += 1;
            }
            if self.peek() != b'_' {
                break;
            }
        }
        let c = self.peek();
        if radix != 16 && c.is_ascii_digit() {
            return Err(self.error_here(format!("invalid digit '{}' in {kind} literal", c as char)));
        }
        self.end_of_number(c, kind)?;
        self.int_value(radix)
    }

    /// The optional `.digits`, exponent and `j` suffix of a float; the
    /// cursor is on `.`, `e`, `E`, `j` or `J`.
    fn fraction(&mut self) -> Result<Number, LexError> {
        let mut float = false;
        if self.peek() == b'.' {
            float = true;
            self.pos += 1;
            if self.peek().is_ascii_digit() {
                self.decimal_tail()?;
            }
        }
        if matches!(self.peek(), b'e' | b'E') {
            let e = self.pos;
            self.pos += 1;
            if matches!(self.peek(), b'+' | b'-') {
                self.pos += 1;
                if !self.peek().is_ascii_digit() {
                    return Err(self.error_before("invalid decimal literal", self.pos));
                }
            } else if !self.peek().is_ascii_digit() {
                // `1else`: the number ends before the `e`.
                self.pos = e;
                self.end_of_number(b'e', "decimal")?;
                return if float {
                    self.float_value()
                } else {
                    self.int_value(10)
                };
            }
            float = true;
            self.decimal_tail()?;
        }
        if matches!(self.peek(), b'j' | b'J') {
            self.pos += 1;
            return Err(LexError::literal(
                "complex numbers are not supported by pyl",
                self.start..self.pos,
            ));
        }
        self.end_of_number(self.peek(), "decimal")?;
        if float {
            self.float_value()
        } else {
            self.int_value(10)
        }
    }

    /// CPython's `verify_end_of_number`: a literal may run into one of the
    /// keywords that can follow it (`1if x else y`), but not into any other
    /// identifier character.
    fn end_of_number(&self, c: u8, kind: &str) -> Result<(), LexError> {
        let rest = &self.src[self.pos..];
        let keyword_follows = ["and", "else", "for", "if", "in", "is", "or", "not"]
            .iter()
            .any(|k| rest.starts_with(k.as_bytes()));
        // (A non-ASCII character ends the number: CPython's tokenizer then
        // reads it as a name or reports it as an invalid character.)
        let identifier_char = c.is_ascii_alphanumeric() || c == b'_';
        if identifier_char && !keyword_follows {
            return Err(self.error_before(format!("invalid {kind} literal"), self.pos));
        }
        Ok(())
    }

    fn digits(&self) -> String {
        self.src[self.start..self.pos]
            .iter()
            .filter(|&&c| c != b'_')
            .map(|&c| c as char)
            .collect()
    }

    fn int_value(&self, radix: u32) -> Result<Number, LexError> {
        let digits = self.digits();
        let digits = if radix == 10 {
            &digits[..]
        } else {
            &digits[2..]
        };
        if let Ok(small) = i64::from_str_radix(digits, radix) {
            return Ok(Number::Int(small));
        }
        BigInt::parse_bytes(digits.as_bytes(), radix)
            .map(|big| Number::BigInt(Rc::new(big)))
            .ok_or_else(|| LexError::literal("invalid integer literal", self.start..self.pos))
    }

    fn float_value(&self) -> Result<Number, LexError> {
        self.digits()
            .parse()
            .map(Number::Float)
            .map_err(|_| LexError::literal("invalid decimal literal", self.start..self.pos))
    }
}

// ---------------------------------------------------------------- strings

/// `logos` callback for a string's prefix and opening quote: finds the
/// closing quote(s) and decodes the body (f-strings are decoded later).
pub(super) fn lex_string(lex: &mut logos::Lexer<'_, Token>) -> Result<StrLit, LexError> {
    let opening = lex.span();
    let prefix = lex.slice().to_ascii_lowercase();
    let quote = prefix.as_bytes()[prefix.len() - 1];
    let rest = lex.remainder().as_bytes();
    let triple = rest.len() >= 2 && rest[0] == quote && rest[1] == quote;
    let quote_len = if triple { 3 } else { 1 };
    if triple {
        lex.bump(2);
    }
    let opening = opening.start..opening.end + quote_len - 1;
    let body_len =
        string_body_len(lex.remainder().as_bytes(), quote, triple).map_err(|detected| {
            LexError::Unterminated {
                triple,
                opening: opening.clone(),
                detected: opening.end + detected,
            }
        })?;
    let body_start = lex.span().end;
    lex.bump(body_len + quote_len);
    let body = &lex.source()[body_start..body_start + body_len];
    let raw = prefix.contains('r');
    if prefix.contains('b') {
        if !body.is_ascii() {
            return Err(LexError::literal(
                "bytes can only contain ASCII literal characters",
                lex.span(),
            ));
        }
        return decode_bytes_escapes(body, raw)
            .map(|bytes| StrLit::Bytes(bytes.into()))
            .map_err(|error| {
                LexError::literal(
                    error.message,
                    body_start + error.at.start..body_start + error.at.end,
                )
            });
    }
    if prefix.contains('f') {
        let base = lex.extras;
        return Ok(StrLit::Format {
            body: Span::new(base + body_start, base + body_start + body_len),
            raw,
        });
    }
    decode_escapes(body, raw)
        .map(|text| StrLit::Plain(text.into()))
        .map_err(|error| {
            LexError::literal(
                error.message,
                body_start + error.at.start..body_start + error.at.end,
            )
        })
}

/// The length of a string body up to (not including) its closing quote(s);
/// on failure, the offset where the string was found unterminated (the line
/// end for a one-line string, the end of input for a triple-quoted one).
fn string_body_len(text: &[u8], quote: u8, triple: bool) -> Result<usize, usize> {
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\\' => {
                // An escaped character, or an escaped line end (\r\n counts once).
                i += if text[i + 1..].starts_with(b"\r\n") {
                    3
                } else {
                    2
                };
                continue;
            }
            b'\n' | b'\r' if !triple => return Err(i),
            c if c == quote && (!triple || text[i..].starts_with(&[quote; 3])) => return Ok(i),
            _ => {}
        }
        i += 1;
    }
    // The end of input is detected on the last line that has text.
    let trailing_break = if text.ends_with(b"\r\n") {
        2
    } else {
        usize::from(text.ends_with(b"\n") || text.ends_with(b"\r"))
    };
    Err(text.len() - trailing_break)
}

/// A bad escape sequence: CPython's message and the bytes it covers,
/// relative to the decoded text.
#[derive(Debug)]
pub(super) struct EscapeError {
    pub message: String,
    pub at: Range<usize>,
}

/// Decodes the escape sequences of a (non-raw) string body and normalises
/// line ends to `\n`, as CPython does when it reads a source file.
/// Unknown escapes such as `\d` are kept as written.
pub(super) fn decode_escapes(body: &str, raw: bool) -> Result<String, EscapeError> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\r' => {
                chars.next_if(|&(_, c)| c == '\n');
                out.push('\n');
            }
            '\\' if raw => {
                // A raw string keeps the backslash and the character after it
                // (which may be a quote or a line end).
                out.push('\\');
                if let Some((_, next)) = chars.next() {
                    if next == '\r' {
                        chars.next_if(|&(_, c)| c == '\n');
                        out.push('\n');
                    } else {
                        out.push(next);
                    }
                }
            }
            '\\' => {
                let Some((_, e)) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let simple = match e {
                    '\n' => Some(None),
                    '\r' => {
                        chars.next_if(|&(_, c)| c == '\n');
                        Some(None)
                    }
                    '\\' | '\'' | '"' => Some(Some(e)),
                    'a' => Some(Some('\x07')),
                    'b' => Some(Some('\x08')),
                    'f' => Some(Some('\x0c')),
                    'n' => Some(Some('\n')),
                    'r' => Some(Some('\r')),
                    't' => Some(Some('\t')),
                    'v' => Some(Some('\x0b')),
                    _ => None,
                };
                if let Some(decoded) = simple {
                    out.extend(decoded);
                    continue;
                }
                match e {
                    '0'..='7' => {
                        let mut value = e as u32 - '0' as u32;
                        for _ in 0..2 {
                            match chars.next_if(|&(_, c)| ('0'..='7').contains(&c)) {
                                Some((_, d)) => value = value * 8 + (d as u32 - '0' as u32),
                                None => break,
                            }
                        }
                        // At most \777 = 511, always a valid scalar value.
                        out.extend(char::from_u32(value));
                    }
                    'x' | 'u' | 'U' => {
                        let (len, name) = match e {
                            'x' => (2, "\\xXX"),
                            'u' => (4, "\\uXXXX"),
                            _ => (8, "\\UXXXXXXXX"),
                        };
                        let mut value = 0u32;
                        let mut end = i + 2;
                        for _ in 0..len {
                            match chars.next_if(|&(_, c)| c.is_ascii_hexdigit()) {
                                Some((j, d)) => {
                                    value = value * 16 + d.to_digit(16).unwrap_or(0);
                                    end = j + 1;
                                }
                                None => {
                                    return Err(unicode_error(
                                        body,
                                        i..end,
                                        &format!("truncated {name} escape"),
                                    ))
                                }
                            }
                        }
                        match char::from_u32(value) {
                            Some(decoded) => out.push(decoded),
                            None if value > 0x10FFFF => {
                                return Err(unicode_error(
                                    body,
                                    i..end,
                                    "illegal Unicode character",
                                ))
                            }
                            None => {
                                return Err(EscapeError {
                                    message: "lone surrogates are not supported by pyl".into(),
                                    at: i..end,
                                })
                            }
                        }
                    }
                    'N' => {
                        let mut name = String::new();
                        let mut end = i + 2;
                        let mut closed = false;
                        if chars.next_if(|&(_, c)| c == '{').is_some() {
                            for (j, c) in chars.by_ref() {
                                end = j + c.len_utf8();
                                if c == '}' {
                                    closed = true;
                                    break;
                                }
                                name.push(c);
                            }
                        }
                        if !closed || name.is_empty() {
                            return Err(unicode_error(
                                body,
                                i..end,
                                "malformed \\N character escape",
                            ));
                        }
                        match unicode_names2::character(&name) {
                            Some(decoded) => out.push(decoded),
                            None => {
                                return Err(unicode_error(
                                    body,
                                    i..end,
                                    "unknown Unicode character name",
                                ))
                            }
                        }
                    }
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Decodes the body of a bytes literal (all ASCII, checked by the caller)
/// as CPython's `_PyBytes_DecodeEscape` does: the escapes of strings but
/// for `\u`, `\U` and `\N`, which bytes keep as written; an octal escape
/// beyond `\377` keeps its low eight bits. Line ends are normalised to
/// `\n`, as in strings.
pub(super) fn decode_bytes_escapes(body: &str, raw: bool) -> Result<Vec<u8>, EscapeError> {
    let body = body.as_bytes();
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        i += 1;
        match c {
            b'\r' => {
                if body.get(i) == Some(&b'\n') {
                    i += 1;
                }
                out.push(b'\n');
            }
            b'\\' if raw => {
                // As in raw strings: the backslash and what follows stay.
                out.push(b'\\');
                if let Some(&next) = body.get(i) {
                    i += 1;
                    if next == b'\r' {
                        if body.get(i) == Some(&b'\n') {
                            i += 1;
                        }
                        out.push(b'\n');
                    } else {
                        out.push(next);
                    }
                }
            }
            b'\\' => {
                let Some(&e) = body.get(i) else {
                    out.push(b'\\');
                    break;
                };
                i += 1;
                match e {
                    b'\n' => {}
                    b'\r' => {
                        if body.get(i) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\\' | b'\'' | b'"' => out.push(e),
                    b'a' => out.push(0x07),
                    b'b' => out.push(0x08),
                    b'f' => out.push(0x0c),
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'v' => out.push(0x0b),
                    b'0'..=b'7' => {
                        let mut value = u32::from(e - b'0');
                        for _ in 0..2 {
                            match body.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    value = value * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push(value as u8);
                    }
                    b'x' => {
                        let digits = body.get(i..i + 2).and_then(|digits| {
                            let digits = std::str::from_utf8(digits).ok()?;
                            let all_hex = digits.bytes().all(|d| d.is_ascii_hexdigit());
                            all_hex.then(|| u8::from_str_radix(digits, 16).ok())?
                        });
                        let Some(value) = digits else {
                            let end = (i..body.len().min(i + 2))
                                .take_while(|&j| body[j].is_ascii_hexdigit())
                                .last()
                                .map_or(i, |j| j + 1);
                            return Err(EscapeError {
                                message: format!(
                                    "(value error) invalid \\x escape at position {}",
                                    i - 2
                                ),
                                at: i - 2..end,
                            });
                        };
                        out.push(value);
                        i += 2;
                    }
                    other => {
                        out.push(b'\\');
                        out.push(other);
                    }
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// CPython's wording for a bad escape over the bytes `at` of `body`. Its
/// positions count in the buffer CPython decodes, where each non-ASCII
/// character has become a ten-character `\UXXXXXXXX` escape.
fn unicode_error(body: &str, at: std::ops::Range<usize>, reason: &str) -> EscapeError {
    let position = |byte: usize| -> usize {
        body[..byte]
            .chars()
            .map(|c| if c.is_ascii() { 1 } else { 10 })
            .sum()
    };
    EscapeError {
        message: format!(
            "(unicode error) 'unicodeescape' codec can't decode bytes in position {}-{}: {reason}",
            position(at.start),
            position(at.end) - 1
        ),
        at,
    }
}
