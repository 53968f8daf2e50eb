//! The tokens of pyl source text, as a `logos` lexer definition.
//!
//! Takes source text; gives raw tokens (keywords, names, literals,
//! operators, and `LineBreak` for each physical line end), skipping
//! horizontal whitespace, comments and backslash line continuations.
//! Literal scanning that a regular expression cannot express (numbers with
//! CPython's exact errors, strings with every prefix and quote form) is done
//! by callbacks in [`super::lexer`]. The layout pass turns `LineBreak`s into
//! the `Newline`/`Indent`/`Dedent` tokens, which have no pattern here.

use std::rc::Rc;

use logos::Logos;
use num_bigint::BigInt;

use super::ast::Name;
use super::lexer::{lex_number, lex_string, LexError};
use super::span::Span;

/// A numeric literal's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Number {
    Int(i64),
    BigInt(Rc<BigInt>),
    Float(f64),
}

/// A string literal. Plain strings are decoded by the lexer; f-strings are
/// kept as a span of the source so that their replacement fields can be
/// parsed with spans pointing into the original text.
#[derive(Clone, Debug, PartialEq)]
pub enum StrLit {
    Plain(Rc<str>),
    Format {
        /// The text between the quotes, in absolute source offsets.
        body: Span,
        raw: bool,
    },
}

#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(error(LexError, LexError::unrecognized))]
#[logos(extras = usize)]
#[logos(skip r"[ \t\x0C]+")]
#[logos(skip r"#[^\r\n]*")]
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

    #[regex(r"[\p{XID_Start}_][\p{XID_Continue}]*", |lex| Name::from(lex.slice()))]
    Name(Name),
    #[regex(r"[0-9]|\.[0-9]", lex_number)]
    Number(Number),
    #[regex(r#"([rRbBuUfF]|[rR][bBfF]|[bBfF][rR])?['"]"#, lex_string)]
    Str(StrLit),

    // Keywords.
    #[token("False")]
    False,
    #[token("None")]
    None,
    #[token("True")]
    True,
    #[token("and")]
    And,
    #[token("as")]
    As,
    #[token("assert")]
    Assert,
    #[token("async")]
    Async,
    #[token("await")]
    Await,
    #[token("break")]
    Break,
    #[token("class")]
    Class,
    #[token("continue")]
    Continue,
    #[token("def")]
    Def,
    #[token("del")]
    Del,
    #[token("elif")]
    Elif,
    #[token("else")]
    Else,
    #[token("except")]
    Except,
    #[token("finally")]
    Finally,
    #[token("for")]
    For,
    #[token("from")]
    From,
    #[token("global")]
    Global,
    #[token("if")]
    If,
    #[token("import")]
    Import,
    #[token("in")]
    In,
    #[token("is")]
    Is,
    #[token("lambda")]
    Lambda,
    #[token("nonlocal")]
    Nonlocal,
    #[token("not")]
    Not,
    #[token("or")]
    Or,
    #[token("pass")]
    Pass,
    #[token("raise")]
    Raise,
    #[token("return")]
    Return,
    #[token("try")]
    Try,
    #[token("while")]
    While,
    #[token("with")]
    With,
    #[token("yield")]
    Yield,

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
