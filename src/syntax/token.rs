//! The tokens of pyl source text, as a `logos` lexer definition.
//!
//! Takes source text; gives raw tokens (keywords, names, literals,
//! operators, `LineBreak` for each physical line end and `Continuation` for
//! a backslash continuation), skipping horizontal whitespace and comments.
//! What a small regular expression cannot say is done by callbacks in
//! [`super::lexer`]: names with Unicode letters and keywords, numbers with
//! CPython's exact errors, strings with every prefix and quote form. The
//! layout pass turns `LineBreak`s into the `Newline`/`Indent`/`Dedent`
//! tokens, which have no pattern here.

use std::rc::Rc;

use logos::Logos;
use num_bigint::BigInt;

use super::ast::Name;
use super::lexer::{lex_number, lex_string, lex_word, LexError};
use super::span::Span;

/// A numeric literal's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Number {
    Int(i64),
    BigInt(Rc<BigInt>),
    Float(f64),
}

/// A string literal. Plain strings and bytes are decoded by the lexer;
/// f-strings are kept as a span of the source so that their replacement
/// fields can be parsed with spans pointing into the original text.
#[derive(Clone, Debug, PartialEq)]
pub enum StrLit {
    Plain(Rc<str>),
    Bytes(Rc<Vec<u8>>),
    Format {
        /// The text between the quotes, in absolute source offsets.
        body: Span,
        raw: bool,
    },
}

/// A token of pyl source. Spans travel beside tokens, as `(start, token, end)`.
#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(error(LexError, LexError::unrecognized))]
// The extras hold where the lexed text starts in the whole source, so that
// an f-string's body span is absolute.
#[logos(extras = usize)]
#[logos(skip r"[ \t\x0C]+")]
#[logos(skip(r"#[^\r\n]*", allow_greedy = true))]
pub enum Token {
    // ---- produced by the layout pass, never by logos ----
    /// The end of a logical line.
    Newline,
    Indent,
    Dedent,
    /// The end of the input (the parser needs its position for errors).
    EndOfInput,
    /// First token of a module parse (see the single `pub` rule of the grammar).
    StartModule,
    /// First token of a standalone expression parse (f-string fields).
    StartExpression,

    // ---- raw tokens ----
    /// A physical line end; the layout pass consumes it.
    #[regex(r"\r\n|\r|\n")]
    LineBreak,
    /// A backslash line continuation; the lexer drops it after checking
    /// that something follows.
    #[regex(r"\\(\r\n|\r|\n)")]
    Continuation,
    /// A stray ASCII character (`$`, `?`, `!`, backquote): as in CPython,
    /// the parser reports `invalid syntax` on it unless it fails earlier.
    Unknown,

    /// Identifier-like text: the callback returns a keyword or a `Name`
    /// token, never this variant. (One pattern plus a table keeps the
    /// generated lexer small; Unicode classes in the pattern would make
    /// it several times larger.)
    #[regex(r"[a-zA-Z_\x{80}-\x{10FFFF}][a-zA-Z0-9_]*", lex_word)]
    Word,
    Name(Name),
    #[regex(r"[0-9]|\.[0-9]", lex_number)]
    Number(Number),
    #[regex(r#"([rRbBuUfF]|[rR][bBfF]|[bBfF][rR])?['"]"#, lex_string)]
    Str(StrLit),

    // Keywords (see [`Token::keyword`]).
    False,
    None,
    True,
    And,
    As,
    Assert,
    Async,
    Await,
    Break,
    Class,
    Continue,
    Def,
    Del,
    Elif,
    Else,
    Except,
    Finally,
    For,
    From,
    Global,
    If,
    Import,
    In,
    Is,
    Lambda,
    Nonlocal,
    Not,
    Or,
    Pass,
    Raise,
    Return,
    Try,
    While,
    With,
    Yield,
    /// The soft keywords `match` and `case`, told from names by the
    /// layout pass (never by logos: see `layout.rs`).
    Match,
    Case,

    // Operators and delimiters.
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("**")]
    DoubleStar,
    #[token("/")]
    Slash,
    #[token("//")]
    DoubleSlash,
    #[token("%")]
    Percent,
    #[token("@")]
    At,
    #[token("<<")]
    LeftShift,
    #[token(">>")]
    RightShift,
    #[token("&")]
    Amper,
    #[token("|")]
    Vbar,
    #[token("^")]
    Circumflex,
    #[token("~")]
    Tilde,
    #[token(":=")]
    ColonEqual,
    #[token("<")]
    Less,
    #[token(">")]
    Greater,
    #[token("<=")]
    LessEqual,
    #[token(">=")]
    GreaterEqual,
    #[token("==")]
    EqEqual,
    #[token("!=")]
    NotEqual,
    #[token("(")]
    Lpar,
    #[token(")")]
    Rpar,
    #[token("[")]
    Lsqb,
    #[token("]")]
    Rsqb,
    #[token("{")]
    Lbrace,
    #[token("}")]
    Rbrace,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token("...")]
    Ellipsis,
    #[token(";")]
    Semi,
    #[token("=")]
    Equal,
    #[token("->")]
    Arrow,
    #[token("+=")]
    PlusEqual,
    #[token("-=")]
    MinusEqual,
    #[token("*=")]
    StarEqual,
    #[token("/=")]
    SlashEqual,
    #[token("//=")]
    DoubleSlashEqual,
    #[token("%=")]
    PercentEqual,
    #[token("@=")]
    AtEqual,
    #[token("&=")]
    AmperEqual,
    #[token("|=")]
    VbarEqual,
    #[token("^=")]
    CircumflexEqual,
    #[token("<<=")]
    LeftShiftEqual,
    #[token(">>=")]
    RightShiftEqual,
    #[token("**=")]
    DoubleStarEqual,
}

impl Token {
    /// Every keyword, for the REPL's completion.
    pub const KEYWORDS: &'static [&'static str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];

    /// The keyword spelled `text`, if it is one.
    pub fn keyword(text: &str) -> Option<Token> {
        Some(match text {
            "False" => Token::False,
            "None" => Token::None,
            "True" => Token::True,
            "and" => Token::And,
            "as" => Token::As,
            "assert" => Token::Assert,
            "async" => Token::Async,
            "await" => Token::Await,
            "break" => Token::Break,
            "class" => Token::Class,
            "continue" => Token::Continue,
            "def" => Token::Def,
            "del" => Token::Del,
            "elif" => Token::Elif,
            "else" => Token::Else,
            "except" => Token::Except,
            "finally" => Token::Finally,
            "for" => Token::For,
            "from" => Token::From,
            "global" => Token::Global,
            "if" => Token::If,
            "import" => Token::Import,
            "in" => Token::In,
            "is" => Token::Is,
            "lambda" => Token::Lambda,
            "nonlocal" => Token::Nonlocal,
            "not" => Token::Not,
            "or" => Token::Or,
            "pass" => Token::Pass,
            "raise" => Token::Raise,
            "return" => Token::Return,
            "try" => Token::Try,
            "while" => Token::While,
            "with" => Token::With,
            "yield" => Token::Yield,
            _ => return None,
        })
    }

    /// The bracket character this token opens, if it does.
    pub fn opening_bracket(&self) -> Option<char> {
        match self {
            Token::Lpar => Some('('),
            Token::Lsqb => Some('['),
            Token::Lbrace => Some('{'),
            _ => None,
        }
    }

    /// The bracket character this token closes, if it does.
    pub fn closing_bracket(&self) -> Option<char> {
        match self {
            Token::Rpar => Some(')'),
            Token::Rsqb => Some(']'),
            Token::Rbrace => Some('}'),
            _ => None,
        }
    }

    /// Whether an expression can end with this token (a name, a literal, a
    /// closing bracket). The error mapping uses it to guess what CPython's
    /// parser looked at when it failed.
    pub fn ends_expression(&self) -> bool {
        matches!(
            self,
            Token::Name(_)
                | Token::Number(_)
                | Token::Str(_)
                | Token::None
                | Token::True
                | Token::False
                | Token::Ellipsis
                | Token::Rpar
                | Token::Rsqb
                | Token::Rbrace
        )
    }

    /// Whether an expression can start with this token.
    pub fn starts_expression(&self) -> bool {
        matches!(
            self,
            Token::Name(_)
                | Token::Number(_)
                | Token::Str(_)
                | Token::None
                | Token::True
                | Token::False
                | Token::Ellipsis
                | Token::Lpar
                | Token::Lsqb
                | Token::Lbrace
                | Token::Minus
                | Token::Plus
                | Token::Tilde
                | Token::Not
                | Token::Lambda
                | Token::Await
        )
    }
}
