//! Tests of the syntax side: tokens, layout, precedence, f-strings and
//! CPython's error messages (expected strings checked against python3.11).

use super::ast::*;
use super::error::SyntaxErrorKind;
use super::layout::{layout, Mode};
use super::parser::parse_module;

/// A compact S-expression of an expression, to pin down tree shapes.
fn sexp(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name { id, .. } => id.to_string(),
        ExprKind::Constant(c) => match c {
            Constant::None => "None".into(),
            Constant::True => "True".into(),
            Constant::False => "False".into(),
            Constant::Ellipsis => "...".into(),
            Constant::Int(i) => i.to_string(),
            Constant::BigInt(b) => b.to_string(),
            Constant::Float(f) => format!("{f:?}"),
            Constant::Str(s) => format!("{s:?}"),
            Constant::Bytes(b) => format!("b\"{}\"", b.escape_ascii()),
        },
        ExprKind::FString(parts) => {
            let parts: Vec<String> = parts.iter().map(fpart).collect();
            format!("(f {})", parts.join(" "))
        }
        ExprKind::List(v) => format!("[{}]", list(v)),
        ExprKind::Tuple(v) => format!("(tuple {})", list(v)),
        ExprKind::Set(v) => format!("{{{}}}", list(v)),
        ExprKind::Dict(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|i| match i {
                    DictItem::KeyValue(k, v) => format!("{}: {}", sexp(k), sexp(v)),
                    DictItem::Unpack(e) => format!("**{}", sexp(e)),
                })
                .collect();
            format!("(dict {})", items.join(" "))
        }
        ExprKind::Starred(e) => format!("*{}", sexp(e)),
        ExprKind::Attribute { value, attr } => format!("(. {} {attr})", sexp(value)),
        ExprKind::Subscript { value, index } => format!("([] {} {})", sexp(value), sexp(index)),
        ExprKind::Slice { lower, upper, step } => {
            let o = |e: &Option<Box<Expr>>| e.as_ref().map_or("_".to_string(), |e| sexp(e));
            format!("(slice {} {} {})", o(lower), o(upper), o(step))
        }
        ExprKind::Call { func, args } => {
            let args: Vec<String> = args
                .iter()
                .map(|a| match a {
                    Arg::Positional(e) => sexp(e),
                    Arg::Star(e) => format!("*{}", sexp(e)),
                    Arg::Keyword { name, value, .. } => format!("{name}={}", sexp(value)),
                    Arg::DoubleStar(e) => format!("**{}", sexp(e)),
                })
                .collect();
            format!("(call {} {})", sexp(func), args.join(" "))
        }
        ExprKind::UnaryOp { op, operand } => {
            let op = match op {
                UnaryOp::Neg => "-",
                UnaryOp::Pos => "+",
                UnaryOp::Invert => "~",
                UnaryOp::Not => "not",
            };
            format!("({op} {})", sexp(operand))
        }
        ExprKind::BinOp { left, op, right } => {
            format!("({} {} {})", op.symbol(), sexp(left), sexp(right))
        }
        ExprKind::BoolOp { op, values } => {
            format!(
                "({} {})",
                if *op == BoolOp::And { "and" } else { "or" },
                list(values)
            )
        }
        ExprKind::Compare { left, ops } => {
            let ops: Vec<String> = ops
                .iter()
                .map(|(op, e)| format!("{} {}", op.symbol(), sexp(e)))
                .collect();
            format!("(cmp {} {})", sexp(left), ops.join(" "))
        }
        ExprKind::IfExp { test, body, orelse } => {
            format!("(if {} {} {})", sexp(test), sexp(body), sexp(orelse))
        }
        ExprKind::Lambda(f) => {
            let params: Vec<String> = f.params.all().map(|p| p.name.to_string()).collect();
            let body = match &f.body[0].kind {
                StmtKind::Return(Some(e)) => sexp(e),
                _ => "?".into(),
            };
            format!("(lambda ({}) {body})", params.join(" "))
        }
        ExprKind::Comprehension(c) => {
            let kind = match c.kind {
                ComprehensionKind::List => "listcomp",
                ComprehensionKind::Set => "setcomp",
                ComprehensionKind::Dict => "dictcomp",
                ComprehensionKind::Generator => "genexp",
            };
            let mut s = format!("({kind} {}", sexp(&c.element));
            if let Some(v) = &c.value {
                s += &format!(" {}", sexp(v));
            }
            for g in &c.generators {
                s += &format!(
                    " ({}for {} {}",
                    if g.is_async { "async " } else { "" },
                    sexp(&g.target),
                    sexp(&g.iter)
                );
                for cond in &g.conditions {
                    s += &format!(" (if {})", sexp(cond));
                }
                s += ")";
            }
            s + ")"
        }
        ExprKind::Await(e) => format!("(await {})", sexp(e)),
        ExprKind::Yield(e) => match e {
            Some(e) => format!("(yield {})", sexp(e)),
            None => "(yield)".into(),
        },
        ExprKind::YieldFrom(e) => format!("(yield-from {})", sexp(e)),
        ExprKind::NamedExpr { target, value } => format!("(:= {} {})", sexp(target), sexp(value)),
    }
}

fn list(v: &[Expr]) -> String {
    v.iter().map(sexp).collect::<Vec<_>>().join(" ")
}

fn fpart(p: &FStringPart) -> String {
    match p {
        FStringPart::Literal(s) => format!("{s:?}"),
        FStringPart::Replacement {
            value,
            debug_text,
            conversion,
            format_spec,
        } => {
            let mut s = format!("{{{}", sexp(value));
            if let Some(d) = debug_text {
                s += &format!(" debug={d:?}");
            }
            if let Some(c) = conversion {
                s += &format!(" !{c}");
            }
            if let Some(spec) = format_spec {
                s += &format!(" :{}", spec.iter().map(fpart).collect::<Vec<_>>().join(" "));
            }
            s + "}"
        }
    }
}

/// Parses one expression statement and renders it.
fn e(src: &str) -> String {
    let module = parse_module(src).unwrap_or_else(|err| panic!("{src:?}: {err}"));
    match &module.body[0].kind {
        StmtKind::Expr(e) => sexp(e),
        other => panic!("not an expression statement: {other:?}"),
    }
}

/// The error for `src`: kind, message, and the spanned text.
fn err(src: &str) -> (SyntaxErrorKind, String, String) {
    match parse_module(src) {
        Ok(_) => panic!("{src:?} parsed"),
        Err(error) => (
            error.kind,
            error.message.clone(),
            src[error.span.range()].to_string(),
        ),
    }
}

fn msg(src: &str) -> String {
    err(src).1
}

/// Kind and message of the error for `src`.
fn kind_msg(src: &str) -> (SyntaxErrorKind, String) {
    let (kind, message, _) = err(src);
    (kind, message)
}

/// The laid-out tokens of `src`: variant name and source text.
fn tokens(src: &str) -> Vec<(String, String)> {
    let laid = layout(src, 0..src.len(), Mode::Module).unwrap_or_else(|e| panic!("{src:?}: {e}"));
    laid.tokens
        .iter()
        .map(|(l, t, r)| {
            let name = format!("{t:?}");
            let name = name.split('(').next().unwrap_or_default().to_string();
            (name, src[*l..*r].to_string())
        })
        .collect()
}

fn token_names(src: &str) -> String {
    tokens(src)
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------- tokens

#[test]
fn token_spans_are_byte_ranges_of_the_source() {
    let src = "é = f(1, 'ü')  # c\n";
    let texts: Vec<String> = tokens(src).into_iter().map(|(_, text)| text).collect();
    assert_eq!(texts, ["é", "=", "f", "(", "1", ",", "'ü'", ")", "\n", ""]);
}

#[test]
fn numbers_follow_cpython() {
    assert_eq!(
        e("1_000 + 0x_1f + 0o17 + 0b1_0"),
        "(+ (+ (+ 1000 31) 15) 2)"
    );
    assert_eq!(
        e("[1e3, .5, 5., 1_0.2_5e-1_0, 1E5]"),
        "[1000.0 0.5 5.0 1.025e-9 100000.0]"
    );
    assert_eq!(e("99999999999999999999"), "99999999999999999999");
    assert_eq!(e("0777.5"), "777.5");
    assert_eq!(e("[00, 0_0]"), "[0 0]");
    assert_eq!(e("1if x else 2"), "(if x 1 2)");
    assert_eq!(err("x = 0777").2, "0");
    assert_eq!(
        err("1__0"),
        (
            SyntaxErrorKind::SyntaxError,
            "invalid decimal literal".into(),
            "_".into()
        )
    );
    assert_eq!(msg("0b12"), "invalid digit '2' in binary literal");
    assert_eq!(msg("0o8"), "invalid digit '8' in octal literal");
    assert_eq!(msg("0x"), "invalid hexadecimal literal");
    assert_eq!(msg("0b"), "invalid binary literal");
    assert_eq!(msg("1a"), "invalid decimal literal");
    assert_eq!(msg("1e+"), "invalid decimal literal");
    assert_eq!(msg("1.5_"), "invalid decimal literal");
    assert_eq!(
        msg("0777"),
        "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
    );
    assert_eq!(msg("x = 1j"), "complex numbers are not supported by pyl");
    assert_eq!(
        msg("x = 1.5e3J"),
        "complex numbers are not supported by pyl"
    );
}

#[test]
fn strings_decode_escapes_and_concatenate() {
    assert_eq!(
        e(r"'\x41\u0042\U00000043\101\n\t\\\'\d'"),
        r#""ABCA\n\t\\'\\d""#
    );
    assert_eq!(e(r"r'\n\''"), r#""\\n\\'""#);
    assert_eq!(e("u'a' \"b\" '''c\nd''' \"\"\"e\"\"\""), r#""abc\nde""#);
    assert_eq!(e("'a\\\nb'"), r#""ab""#);
    assert_eq!(e("'''a\r\nb'''"), r#""a\nb""#);
    assert_eq!(e(r"'\777'"), r#""ǿ""#);
    assert_eq!(e("''"), r#""""#);
    assert_eq!(
        e(r"b'a\x41\101\777\n\u0042\N{X}\q'"),
        r#"b"aAA\xff\n\\u0042\\N{X}\\q""#
    );
    assert_eq!(e(r"Rb'\n\'' bR'x' B'y'"), r#"b"\\n\\\'xy""#);
    assert_eq!(e("b'''a\r\nb\\\nc'''"), r#"b"a\nbc""#);
    assert_eq!(
        msg("x = b'a' 'b'"),
        "cannot mix bytes and nonbytes literals"
    );
    assert_eq!(
        msg("x = f'a' b'b'"),
        "cannot mix bytes and nonbytes literals"
    );
    assert_eq!(
        msg("x = b'\u{e9}'"),
        "bytes can only contain ASCII literal characters"
    );
    assert_eq!(
        msg(r"x = b'ab\x4g'"),
        r"(value error) invalid \x escape at position 2"
    );
    assert_eq!(e(r"'\N{BLACK STAR}!'"), r#""★!""#);
    assert_eq!(
        msg(r"x = '\N{NOT A NAME}'"),
        r"(unicode error) 'unicodeescape' codec can't decode bytes in position 0-13: unknown Unicode character name"
    );
    assert_eq!(
        msg(r"x = 'ab\x4g'"),
        r"(unicode error) 'unicodeescape' codec can't decode bytes in position 2-4: truncated \xXX escape"
    );
    assert_eq!(
        msg(r"x = '\U00110000'"),
        r"(unicode error) 'unicodeescape' codec can't decode bytes in position 0-9: illegal Unicode character"
    );
}

#[test]
fn unterminated_strings() {
    assert_eq!(
        msg("x = 'abc\ny = 1"),
        "unterminated string literal (detected at line 1)"
    );
    assert_eq!(err("x = f'abc").2, "f'");
    let error = parse_module("x = '''abc\ny = 1\nz\n").unwrap_err();
    assert_eq!(
        error.message,
        "unterminated triple-quoted string literal (detected at line 3)"
    );
    assert!(error.incomplete_input);
    assert!(!parse_module("x = 'abc").unwrap_err().incomplete_input);
}

#[test]
fn invalid_characters() {
    assert_eq!(
        err("a $ b"),
        (
            SyntaxErrorKind::SyntaxError,
            "invalid syntax".into(),
            "$".into()
        )
    );
    assert_eq!(msg("a ? b"), "invalid syntax");
    assert_eq!(msg("a € b"), "invalid character '€' (U+20AC)");
    assert_eq!(msg("x = 1\u{a0}"), "invalid non-printable character U+00A0");
    assert_eq!(msg("x = 1\u{1}"), "invalid non-printable character U+0001");
    assert_eq!(msg("x = 1\0"), "source code cannot contain null bytes");
    // A parse error before the stray character wins, as in CPython.
    assert_eq!(err("x = = $").2, "=");
}

// ---------------------------------------------------------------- layout

#[test]
fn layout_emits_newline_indent_dedent() {
    let src = "if a:\n    b\n\n    # comment\n        \n    c\nd\n";
    assert_eq!(
        token_names(src),
        "If Name Colon Newline Indent Name Newline Name Newline Dedent Name Newline EndOfInput"
    );
    assert_eq!(
        token_names("def f():\n  if x:\n    y"),
        "Def Name Lpar Rpar Colon Newline Indent If Name Colon Newline Indent Name Newline \
         Dedent Dedent EndOfInput"
    );
}

#[test]
fn layout_joins_lines_in_brackets_and_after_backslashes() {
    assert_eq!(
        token_names("x = (1,\n  2)\n"),
        "Name Equal Lpar Number Comma Number Rpar Newline EndOfInput"
    );
    assert_eq!(
        token_names("x = 1 + \\\n    2\n"),
        "Name Equal Number Plus Number Newline EndOfInput"
    );
    assert_eq!(token_names("\n\n# only comments\n   \n"), "EndOfInput");
    assert_eq!(token_names(""), "EndOfInput");
}

#[test]
fn layout_handles_odd_sources() {
    // A byte-order mark, a #! line, CRLF, a form feed, no final newline.
    let src = "\u{feff}#!/usr/bin/env pyl\r\nif x:\r\n\x0c    y = 1\r\n    z = 2";
    let module = parse_module(src).unwrap();
    assert_eq!(module.body.len(), 1);
    assert_eq!(
        &src[module.body[0].span.range()],
        "if x:\r\n\x0c    y = 1\r\n    z = 2"
    );
    assert!(parse_module("x = 1\ry = 2\r").is_ok());
    let error = parse_module("x = 1 \\").unwrap_err();
    assert_eq!(error.message, "unexpected EOF while parsing");
    assert!(error.incomplete_input);
    assert_eq!(msg("x = 1 \\\n"), "unexpected EOF while parsing");
    assert_eq!(
        msg("x = 1 \\ y"),
        "unexpected character after line continuation character"
    );
}

#[test]
fn indentation_errors() {
    assert_eq!(
        kind_msg(" x = 1"),
        (
            SyntaxErrorKind::IndentationError,
            "unexpected indent".into()
        )
    );
    assert_eq!(
        kind_msg("if x:\n    a\n  b"),
        (
            SyntaxErrorKind::IndentationError,
            "unindent does not match any outer indentation level".into()
        )
    );
    assert_eq!(
        kind_msg("if x:\n        a\n\tb"),
        (
            SyntaxErrorKind::TabError,
            "inconsistent use of tabs and spaces in indentation".into()
        )
    );
    // Tabs and spaces that agree under both measures are fine.
    assert!(parse_module("def f():\n\tif x:\n        \tpass\n").is_ok());
    for (src, what) in [
        ("if x:", "'if' statement on line 1"),
        ("if x:\n    a\nelif y:", "'elif' statement on line 3"),
        ("if x:\n    a\nelse:", "'else' statement on line 3"),
        ("while x:", "'while' statement on line 1"),
        ("async for x in y:", "'for' statement on line 1"),
        ("with a:", "'with' statement on line 1"),
        ("async def f():", "function definition on line 1"),
        ("@d\ndef f():", "function definition on line 2"),
        ("class A:", "class definition on line 1"),
        ("try:", "'try' statement on line 1"),
        (
            "try:\n    a\nexcept E as e:",
            "'except' statement on line 3",
        ),
        ("try:\n    a\nfinally:", "'finally' statement on line 3"),
    ] {
        let error = parse_module(src).unwrap_err();
        assert_eq!(error.kind, SyntaxErrorKind::IndentationError, "{src:?}");
        assert_eq!(
            error.message,
            format!("expected an indented block after {what}"),
            "{src:?}"
        );
        assert!(error.incomplete_input, "{src:?}");
    }
    let error = parse_module("if x:\npass").unwrap_err();
    assert_eq!(
        error.message,
        "expected an indented block after 'if' statement on line 1"
    );
    assert!(!error.incomplete_input);
    assert_eq!(&"if x:\npass"[error.span.range()], "pass");
}

#[test]
fn bracket_errors() {
    assert_eq!(
        err(")"),
        (
            SyntaxErrorKind::SyntaxError,
            "unmatched ')'".into(),
            ")".into()
        )
    );
    assert_eq!(
        msg("(]"),
        "closing parenthesis ']' does not match opening parenthesis '('"
    );
    assert_eq!(
        msg("x = (1,\n     2]"),
        "closing parenthesis ']' does not match opening parenthesis '(' on line 1"
    );
    let error = parse_module("x = (1,").unwrap_err();
    assert_eq!(
        (error.message.as_str(), error.span),
        ("'(' was never closed", Span::new(4, 5))
    );
    assert!(error.incomplete_input);
    assert_eq!(msg("f([1, 2"), "'[' was never closed");
    assert_eq!(msg("f(1 2"), "'(' was never closed");
    assert_eq!(msg("x = (1,\ny = 2"), "'(' was never closed");
    assert_eq!(msg("x = ([1,\n2]"), "'(' was never closed");
    assert_eq!(msg("(def"), "invalid syntax");
    assert_eq!(msg("(1 2 3"), "invalid syntax. Perhaps you forgot a comma?");
    assert_eq!(msg(&"(".repeat(201)), "too many nested parentheses");
}

// ---------------------------------------------------------------- precedence

#[test]
fn precedence_matches_cpython() {
    for (src, tree) in [
        ("-2**2", "(- (** 2 2))"),
        ("2**-1", "(** 2 (- 1))"),
        ("2**3**2", "(** 2 (** 3 2))"),
        ("not a == b", "(not (cmp a == b))"),
        ("a if b else c if d else e", "(if b a (if d c e))"),
        ("lambda: x if y else z", "(lambda () (if y x z))"),
        ("a or b and c", "(or a (and b c))"),
        ("a or b or c and d and e", "(or a b (and c d e))"),
        ("(a or b) or c", "(or (or a b) c)"),
        ("1 < 2 < 3", "(cmp 1 < 2 < 3)"),
        ("(1 < 2) < 3", "(cmp (cmp 1 < 2) < 3)"),
        ("a is not b not in c", "(cmp a is not b not in c)"),
        (
            "x | y ^ z & w << 1 + 2 * 3 ** 4",
            "(| x (^ y (& z (<< w (+ 1 (* 2 (** 3 4)))))))",
        ),
        ("a - b - c", "(- (- a b) c)"),
        ("a @ b // c % d / e", "(/ (% (// (@ a b) c) d) e)"),
        ("await a ** b", "(** (await a) b)"),
        ("-await a", "(- (await a))"),
        ("~-+a", "(~ (- (+ a)))"),
        ("-x.y(1)[2]", "(- ([] (call (. x y) 1) 2))"),
        ("not not a", "(not (not a))"),
        ("lambda *a, b=1, **c: 0", "(lambda (a b c) 0)"),
        ("(x := 5)", "(:= x 5)"),
    ] {
        assert_eq!(e(src), tree, "{src}");
    }
}

#[test]
fn atoms_displays_and_comprehensions() {
    for (src, tree) in [
        ("()", "(tuple )"),
        ("(1,)", "(tuple 1)"),
        ("(1)", "1"),
        ("1, *a", "(tuple 1 *a)"),
        ("[1, *a, 2,]", "[1 *a 2]"),
        ("{*a, b}", "{*a b}"),
        ("{}", "(dict )"),
        ("{**a, 'b': 1,}", "(dict **a \"b\": 1)"),
        (
            "[x for x in y if z if w for v in u]",
            "(listcomp x (for x y (if z) (if w)) (for v u))",
        ),
        ("{k: v for k, v in d}", "(dictcomp k v (for (tuple k v) d))"),
        ("{x async for x in y}", "(setcomp x (async for x y))"),
        ("(x for x in y)", "(genexp x (for x y))"),
        ("f(x for x in y)", "(call f (genexp x (for x y)))"),
        (
            "f(a, *b, *c if d else e, k=1, **m)",
            "(call f a *b *(if d c e) k=1 **m)",
        ),
        ("a[1:2, ::3]", "([] a (tuple (slice 1 2 _) (slice _ _ 3)))"),
        ("a[:]", "([] a (slice _ _ _))"),
        ("a[1,]", "([] a (tuple 1))"),
        ("a[*b]", "([] a (tuple *b))"),
        ("...", "..."),
        ("[None, True, False]", "[None True False]"),
        ("(yield)", "(yield)"),
    ] {
        assert_eq!(e(src), tree, "{src}");
    }
}

#[test]
fn statements_build_the_right_nodes() {
    let src = "\
import a.b as c, d
from m import (x, y as z,)
global g
@dec
async def f(p, /, q=1, *r, s, t=2, **u) -> int:
    nonlocal n; del a[0], b.c
    async with w as (v, k), o: pass
    async for i in j: break
    else: continue
    x = y = yield from z
    x += 1
    x: int = 2
    return
class C(B, metaclass=M):
    pass
try:
    raise E from F
except (A, B) as e:
    assert x, 'm'
except:
    raise
else:
    pass
finally:
    pass
while x:
    pass
else:
    pass
if a: pass
elif b: pass
else: pass
";
    let module = parse_module(src).unwrap();
    assert_eq!(module.body.len(), 8);
    let StmtKind::FunctionDef(f) = &module.body[3].kind else {
        panic!("not a function")
    };
    assert!(f.is_async && f.decorators.len() == 1 && f.returns.is_some());
    let names = |ps: &[Param]| {
        ps.iter()
            .map(|p| p.name.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    assert_eq!(names(&f.params.posonly), "p");
    assert_eq!(names(&f.params.args), "q");
    assert_eq!(names(f.params.vararg.as_slice()), "r");
    assert_eq!(names(&f.params.kwonly), "s,t");
    assert_eq!(names(f.params.kwarg.as_slice()), "u");
    assert_eq!(f.body.len(), 8);
    let StmtKind::Assign { targets, value } = &f.body[4].kind else {
        panic!("not an assignment")
    };
    assert_eq!((targets.len(), sexp(value)), (2, "(yield-from z)".into()));
    let StmtKind::Try {
        handlers,
        orelse,
        finalbody,
        ..
    } = &module.body[5].kind
    else {
        panic!("not a try")
    };
    assert_eq!((handlers.len(), orelse.len(), finalbody.len()), (2, 1, 1));
    assert_eq!(handlers[0].name.as_deref(), Some("e"));
    let StmtKind::If { orelse, .. } = &module.body[7].kind else {
        panic!("not an if")
    };
    assert!(matches!(&orelse[0].kind, StmtKind::If { orelse, .. } if orelse.len() == 1));
}

#[test]
fn parenthesized_with_items() {
    let items = |src: &str| {
        let module = parse_module(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        let StmtKind::With { items, .. } = &module.body[0].kind else {
            panic!("not a with")
        };
        items
            .iter()
            .map(|i| match &i.target {
                Some(t) => format!("{} as {}", sexp(&i.context), sexp(t)),
                None => sexp(&i.context),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    assert_eq!(items("with (a as b, c as d,):\n pass"), "a as b, c as d");
    assert_eq!(
        items("with (\n  open(x) as f,\n  g\n):\n pass"),
        "(call open x) as f, g"
    );
    assert_eq!(items("with (a, b):\n pass"), "a, b");
    assert_eq!(items("with (a):\n pass"), "a");
    assert_eq!(items("with (a, b) as c:\n pass"), "(tuple a b) as c");
    assert!(parse_module("async def f():\n async with (a as b): pass").is_ok());
}

#[test]
fn statement_spans_end_at_their_last_statement() {
    let src = "if x:\n    y = 1\n\nz\n";
    let module = parse_module(src).unwrap();
    assert_eq!(&src[module.body[0].span.range()], "if x:\n    y = 1");
    assert_eq!(&src[module.body[1].span.range()], "z");
}

// ---------------------------------------------------------------- f-strings

#[test]
fn fstrings_split_into_parts() {
    for (src, tree) in [
        (
            "f'a{x!r:>{w}.{p}f}b' 'c' f'{y=}'",
            r#"(f "a" {x !r :">" {w} "." {p} "f"} "bc" {y debug="y=" !r})"#,
        ),
        ("f'{x + 1 = }'", r#"(f {(+ x 1) debug="x + 1 = " !r})"#),
        ("f'{x = :>10}'", r#"(f {x debug="x = " :">10"})"#),
        ("f'{x=!s}'", r#"(f {x debug="x=" !s})"#),
        ("f'{{}} {{x}}'", r#"(f "{} {x}")"#),
        ("f'{3!=4}'", "(f {(cmp 3 != 4)})"),
        ("f'{a[b:c]}'", "(f {([] a (slice b c _))})"),
        ("f\"{'a' 'b'}\"", r#"(f {"ab"})"#),
        ("f'{a, *b}'", "(f {(tuple a *b)})"),
        ("f'{x for x in y}'", "(f {(genexp x (for x y))})"),
        ("f'''{\na\n}'''", "(f {a})"),
        ("f\"{f'{x}'}\"", "(f {(f {x})})"),
        (r"f'\t{x}\n'", r#"(f "\t" {x} "\n")"#),
        (r"rf'\n{x}'", r#"(f "\\n" {x})"#),
        (r"f'\{x}'", r#"(f "\\" {x})"#),
        ("f''", "(f )"),
    ] {
        assert_eq!(e(src), tree, "{src}");
    }
}

#[test]
fn fstring_expressions_have_spans_in_the_source() {
    let src = "x = 1; s = f'ab{ x  + 1 !r}' f'{y}'";
    let module = parse_module(src).unwrap();
    let StmtKind::Assign { value, .. } = &module.body[1].kind else {
        panic!("not an assignment")
    };
    assert_eq!(&src[value.span.range()], "f'ab{ x  + 1 !r}' f'{y}'");
    let ExprKind::FString(parts) = &value.kind else {
        panic!("not an f-string")
    };
    let fields: Vec<&str> = parts
        .iter()
        .filter_map(|p| match p {
            FStringPart::Replacement { value, .. } => Some(&src[value.span.range()]),
            FStringPart::Literal(_) => None,
        })
        .collect();
    assert_eq!(fields, ["x  + 1", "y"]);
    let src = "s = f'{a b}'";
    assert_eq!(&src[parse_module(src).unwrap_err().span.range()], "a b");
}

#[test]
fn fstring_errors() {
    for (src, message) in [
        ("f'{}'", "f-string: empty expression not allowed"),
        ("f'{ }'", "f-string: empty expression not allowed"),
        ("f'{x'", "f-string: expecting '}'"),
        ("f'{x!r'", "f-string: expecting '}'"),
        ("f'{x!r=}'", "f-string: expecting '}'"),
        ("f'{x!r }'", "f-string: expecting '}'"),
        ("f'{'a'}'", "f-string: expecting '}'"),
        (
            "f'{x!}'",
            "f-string: invalid conversion character: expected 's', 'r', or 'a'",
        ),
        (
            "f'{x!z}'",
            "f-string: invalid conversion character: expected 's', 'r', or 'a'",
        ),
        ("f'}'", "f-string: single '}' is not allowed"),
        ("f'{x}}'", "f-string: single '}' is not allowed"),
        ("f'{a)}'", "f-string: unmatched ')'"),
        (
            "f'{(a}'",
            "f-string: closing parenthesis '}' does not match opening parenthesis '('",
        ),
        ("f'{x:{y:{z}}}'", "f-string: expressions nested too deeply"),
        (
            r"f'{\n}'",
            "f-string expression part cannot include a backslash",
        ),
        ("f'{a#}'", "f-string expression part cannot include '#'"),
        (
            "f'{a b}'",
            "f-string: invalid syntax. Perhaps you forgot a comma?",
        ),
        ("f'{1 +}'", "f-string: invalid syntax"),
        ("f'{lambda x: 1}'", "f-string: invalid syntax"),
        ("f'{*a}'", "f-string: cannot use starred expression here"),
        ("f'{a $ b}'", "f-string: invalid syntax"),
        ("f'{1_}'", "invalid decimal literal"),
    ] {
        assert_eq!(msg(src), message, "{src}");
    }
}

// ---------------------------------------------------------------- parse errors

/// Checks message and spanned text of each `(source, message, text)`.
fn check_errors(cases: &[(&str, &str, &str)]) {
    for &(src, message, text) in cases {
        let (_, m, t) = err(src);
        assert_eq!((m.as_str(), t.as_str()), (message, text), "{src:?}");
    }
}

#[test]
fn broken_dict_items_use_cpython_words() {
    let key = "':' expected after dictionary key";
    let value = "expression expected after dictionary key and ':'";
    let starred = "cannot use a starred expression in a dictionary value";
    check_errors(&[
        ("x = {1: 2, 3}", key, "3"),
        ("x = {1: 2, 'ab'}", key, "'"),
        ("x = {**a, b.é}", key, "é"),
        ("x = {1: 2, 3 4}", key, "3"),
        ("x = {1: 2, 3 + }", key, "3"),
        ("x = {1: 2, x for x in y}", key, "x"),
        ("x = {1: (2, 3), {4}}", key, "}"),
        ("x = {1: 2, 3: }", value, ":"),
        ("x = {1:, 2: 3}", value, ":"),
        ("x = {1: *a}", starred, "*"),
        // A set, or a pair's value: not a key.
        ("x = {1, 2: 3}", "invalid syntax", ":"),
        (
            "x = {1 2}",
            "invalid syntax. Perhaps you forgot a comma?",
            "1 2",
        ),
        (
            "x = {1: 2 3}",
            "invalid syntax. Perhaps you forgot a comma?",
            "2 3",
        ),
    ]);
}

#[test]
fn parse_errors_use_cpython_words() {
    check_errors(&[
        ("x = 1 +", "invalid syntax", ""),
        ("class A(x for x in y): pass", "invalid syntax", "for"),
        (
            "class A((x) async for x in y): pass",
            "invalid syntax",
            "async",
        ),
        ("x = 1 2", "invalid syntax", "2"),
        (
            "[1 2]",
            "invalid syntax. Perhaps you forgot a comma?",
            "1 2",
        ),
        (
            "[a + b c]",
            "invalid syntax. Perhaps you forgot a comma?",
            "a + b c",
        ),
        ("if x", "expected ':'", ""),
        ("class A", "expected ':'", ""),
        ("def f(x) -> int", "expected ':'", ""),
        ("f = lambda x", "invalid syntax", ""),
        (
            "try:\n  x\ny = 1",
            "expected 'except' or 'finally' block",
            "y",
        ),
        (
            "x = 1 if 2",
            "expected 'else' after 'if' expression",
            "1 if 2",
        ),
        (
            "if x = 1:\n  pass",
            "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
            "x = 1",
        ),
        (
            "if x.y = 1:\n  pass",
            "cannot assign to attribute here. Maybe you meant '==' instead of '='?",
            "x.y",
        ),
        (
            "print \"x\"",
            "Missing parentheses in call to 'print'. Did you mean print(...)?",
            "print \"x\"",
        ),
        ("x := 1", "invalid syntax", ":="),
        ("@d\nx = 1", "invalid syntax", "x"),
        (";", "invalid syntax", ";"),
        ("from x import ()", "invalid syntax", ")"),
        (
            "from x import a, b,",
            "trailing comma not allowed without surrounding parentheses",
            ",",
        ),
        (
            "try:\n  pass\nexcept A, B:\n  pass",
            "multiple exception types must be parenthesized",
            "A, B",
        ),
        (
            "try:\n  pass\nexcept *A, B:\n  pass",
            "multiple exception types must be parenthesized",
            "A, B",
        ),
        (
            "try:\n  pass\nexcept ValueError:\n  pass\nexcept* TypeError:\n  pass",
            "cannot have both 'except' and 'except*' on the same 'try'",
            "except*",
        ),
        (
            "try:\n  pass\nexcept* ValueError:\n  pass\nexcept TypeError:\n  pass",
            "cannot have both 'except' and 'except*' on the same 'try'",
            "except",
        ),
        (
            "try:\n  pass\nexcept*:\n  pass",
            "expected one or more exception types",
            ":",
        ),
        (
            "from . import x",
            "relative imports are not supported by pyl",
            "from .",
        ),
        (
            "match command:\n    case y:\n        pass\n    case 1:\n        pass",
            "name capture 'y' makes remaining patterns unreachable",
            "y",
        ),
        (
            "match (x, y):\n    case [a] | b:\n        pass",
            "alternative patterns bind different names",
            "b",
        ),
    ]);
}

#[test]
fn target_errors_use_cpython_words() {
    let here =
        |what: &str| format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?");
    let (literal, call, expression) = (here("literal"), here("function call"), here("expression"));
    let (listcomp, ellipsis, yield_) = (
        here("list comprehension"),
        here("ellipsis"),
        here("yield expression"),
    );
    check_errors(&[
        ("1 = x", &literal, "1"),
        ("f() = x", &call, "f()"),
        ("a + b = 1", &expression, "a + b"),
        ("a, 1 = x", &literal, "1"),
        ("[x for x in y] = 1", &listcomp, "[x for x in y]"),
        ("... = 1", &ellipsis, "..."),
        ("(yield) = 1", &yield_, "(yield)"),
        ("x = 1 = 2", "cannot assign to literal", "1"),
        ("1 = 2 = x", "cannot assign to literal", "1"),
        ("1 = not x", "cannot assign to literal", "1"),
        ("(a, 1) = x", "cannot assign to literal", "1"),
        ("[a, f()] = x", "cannot assign to function call", "f()"),
        ("True = 1", "cannot assign to True", "True"),
        ("a < b = 1", "cannot assign to comparison", "a < b"),
        ("a and b = 1", "cannot assign to expression", "a and b"),
        (
            "x if y else z = 1",
            "cannot assign to conditional expression",
            "x if y else z",
        ),
        ("lambda: 1 = 1", "cannot assign to lambda", "lambda: 1"),
        (
            "x = yield = 1",
            "assignment to yield expression not possible",
            "yield",
        ),
        ("for 1 in x: pass", "cannot assign to literal", "1"),
        ("with a as 1: pass", "cannot assign to literal", "1"),
        ("[x for 1 in y]", "cannot assign to literal", "1"),
        (
            "1 += x",
            "'literal' is an illegal expression for augmented assignment",
            "1",
        ),
        (
            "(a, b) += 1",
            "'tuple' is an illegal expression for augmented assignment",
            "(a, b)",
        ),
        (
            "f() += 1",
            "'function call' is an illegal expression for augmented assignment",
            "f()",
        ),
        ("del 1", "cannot delete literal", "1"),
        ("del f()", "cannot delete function call", "f()"),
        ("del *x", "cannot delete starred", "*x"),
        ("del a, (b, 1)", "cannot delete literal", "1"),
        (
            "x, y: int = 1",
            "only single target (not tuple) can be annotated",
            "x",
        ),
        ("f(): int = 1", "illegal target for annotation", "f()"),
        (
            "(x.y := 1)",
            "cannot use assignment expressions with attribute",
            "x.y",
        ),
        ("(*a)", "cannot use starred expression here", "*a"),
        (
            "[*a for a in b]",
            "iterable unpacking cannot be used in comprehension",
            "*a",
        ),
        (
            "{**a for a in b}",
            "dict unpacking cannot be used in dict comprehension",
            "**a",
        ),
    ]);
}

#[test]
fn call_and_parameter_errors() {
    check_errors(&[
        (
            "f(a=1, 2)",
            "positional argument follows keyword argument",
            "2",
        ),
        (
            "class A(x=1, y): pass",
            "positional argument follows keyword argument",
            "y",
        ),
        (
            "f(**a, b)",
            "positional argument follows keyword argument unpacking",
            "b",
        ),
        (
            "f(**a, *b)",
            "iterable argument unpacking follows keyword argument unpacking",
            "*b",
        ),
        (
            "f(x for x in y, 1)",
            "Generator expression must be parenthesized",
            "x for x in y",
        ),
        (
            "f(x for x in y, )",
            "Generator expression must be parenthesized",
            "x for x in y",
        ),
        (
            "f(a.b=1)",
            "expression cannot contain assignment, perhaps you meant \"==\"?",
            "a.b=",
        ),
        ("f(True=1)", "cannot assign to True", "True=1"),
        (
            "def f(a=1, b): pass",
            "non-default argument follows default argument",
            "b",
        ),
        (
            "def f(*, **k): pass",
            "named arguments must follow bare *",
            "*",
        ),
        ("lambda *: 1", "named arguments must follow bare *", "*"),
        (
            "def f(*a, *b): pass",
            "* argument may appear only once",
            "*b",
        ),
        ("def f(a, /, b, /): pass", "/ may appear only once", "/"),
        ("def f(*a, /): pass", "/ must be ahead of *", "/"),
        (
            "def f(/, a): pass",
            "at least one argument must precede /",
            "/",
        ),
        (
            "def f(**k, a): pass",
            "arguments cannot follow var-keyword argument",
            "a",
        ),
        (
            "def f(**k=1): pass",
            "var-keyword argument cannot have default value",
            "1",
        ),
        (
            "def f(*a=1): pass",
            "var-positional argument cannot have default value",
            "1",
        ),
    ]);
    assert!(parse_module("f(a=1, *b)\nf(*a, b)\ndef g(a, /, b=1, *, c, d=2, **e): pass\n").is_ok());
}

#[test]
fn compile_time_errors_come_after_parse_errors() {
    check_errors(&[
        ("f(a=1, a=2)", "keyword argument repeated: a", "a=2"),
        (
            "def f(a, a): pass",
            "duplicate argument 'a' in function definition",
            "a",
        ),
        (
            "lambda x, x: 1",
            "duplicate argument 'x' in function definition",
            "x",
        ),
        (
            "x, *y, *z = 1",
            "multiple starred expressions in assignment",
            "x, *y, *z",
        ),
        (
            "*x = 1",
            "starred assignment target must be in a list or tuple",
            "*x",
        ),
        ("x = *a", "can't use starred expression here", "*a"),
        ("*a", "can't use starred expression here", "*a"),
        // The symbol table's check runs before the compiler's.
        (
            "f(a=1, a=2)\ndef g(b, b): pass",
            "duplicate argument 'b' in function definition",
            "b",
        ),
    ]);
    assert_eq!(msg("f(a=1, a=2)\n1 +"), "invalid syntax");
    assert_eq!(msg("f'{g(a=1, a=2)}'"), "keyword argument repeated: a");
    assert_eq!(msg("f'{g(a=1, a=2)}'\n1 +"), "invalid syntax");
    assert_eq!(msg("def f(a, a): pass\n1 +"), "invalid syntax");
    assert!(parse_module("*a, = b\n[*a] = b\nx = *a, *b\nprint(*a)\n").is_ok());
}

#[test]
fn lexical_errors_win_over_parse_errors() {
    assert_eq!(
        msg("x = 1 +\ny = 'abc"),
        "unterminated string literal (detected at line 2)"
    );
    assert_eq!(msg("x = = 1\n0777"), msg("0777"));
}

// ---------------------------------------------------------------- robustness

/// A small deterministic generator (xorshift), so the test needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn check_never_panics(src: &str) {
    if let Err(error) = parse_module(src) {
        assert!(
            src.get(error.span.range()).is_some(),
            "{src:?}: span {:?} is not a range of the source",
            error.span
        );
    }
}

const SAMPLES: &[&str] = &[
    "\
import asyncio

async def worker(name, q: asyncio.Queue) -> None:
    while True:
        item = await q.get()
        print(f'{name}: {item!r:>10} {item = }')
        q.task_done()

async def main():
    q = asyncio.Queue()
    tasks = [asyncio.create_task(worker(f'w{i}', q)) for i in range(3)]
    await asyncio.gather(*tasks, return_exceptions=True)

asyncio.run(main())
",
    "\
class A(B, metaclass=M):
    '''doc'''
    x: int = 0
    @property
    def f(self, /, a, *args, b=1, **kw):
        try:
            return [y ** 2 if y else -y for y in a if y if not y or -y]
        except (KeyError, ValueError) as e:
            raise RuntimeError('bad') from e
        finally:
            del self.x, kw['a']
",
    "\
with open('f') as f, g:
    for i, (a, *b) in enumerate(f):
        x = {**d, 'k': lambda v=1: v} if i else {1, 2}
        y = x[1:2, ::-1] @ z
        global q; nonlocal r
",
];

#[test]
fn every_prefix_and_suffix_of_sample_programs_is_handled() {
    for sample in SAMPLES {
        assert!(parse_module(sample).is_ok(), "{sample}");
        for (i, _) in sample.char_indices() {
            check_never_panics(&sample[..i]);
            check_never_panics(&sample[i..]);
        }
    }
}

#[test]
fn random_inputs_never_panic() {
    let alphabet: Vec<char> =
        "abcxyz019_ \t\n\r\x0c\\'\"#()[]{}:;,.=+-*/%@&|^~<>!$?`fbru\u{e9}\u{20ac}\u{a0}\0"
            .chars()
            .collect();
    let words = [
        "if ", "else", "elif ", "for ", "in ", "def ", "class ", "async ", "await ", "lambda",
        "yield", "from ", "import ", "try:", "except", "finally", "with ", "as ", "not ", "is ",
        "and ", "or ", ":=", "**", "//", "->", "...", "f'{", "'''", "\"\"\"", "\n    ", "\n\t",
        "0x", "0o", "1e", "1_", "= ", "return ", "del ", "global ", "*", "@", "}", "!r", "=}",
    ];
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..3000 {
        let mut src = String::new();
        for _ in 0..rng.next() % 40 {
            if rng.next().is_multiple_of(3) {
                src.push_str(rng.pick(&words));
            } else {
                src.push(rng.pick(&alphabet));
            }
        }
        check_never_panics(&src);
    }
    for _ in 0..500 {
        let bytes: Vec<u8> = (0..rng.next() % 60).map(|_| rng.next() as u8).collect();
        check_never_panics(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn deep_nesting_is_limited() {
    // As deep as CPython allows is fine; far deeper is an error, not a
    // stack overflow in a later pass.
    assert!(parse_module(&format!("x = {}1{}", "(".repeat(199), ")".repeat(199))).is_ok());
    assert!(parse_module(&format!("x = {}1", "-".repeat(2990))).is_ok());
    assert!(parse_module(&format!("x = [{}]", "-1, ".repeat(10_000))).is_ok());
    for src in [
        format!("x = {}1", "-".repeat(100_000)),
        format!("x = 1{}", " + 1".repeat(100_000)),
        format!("x = a{}", ".b".repeat(100_000)),
        format!(
            "x = {}1{}",
            format!("({}", "-".repeat(30)).repeat(199),
            ")".repeat(199)
        ),
    ] {
        assert_eq!(msg(&src), "too many nested expressions");
    }
    let nested = |n: usize| {
        (0..n)
            .map(|i| format!("{}if x:\n", " ".repeat(i)))
            .collect::<String>()
            + &" ".repeat(n)
            + "pass\n"
    };
    assert!(parse_module(&nested(99)).is_ok());
    assert_eq!(
        kind_msg(&nested(100)),
        (
            SyntaxErrorKind::IndentationError,
            "too many levels of indentation".into()
        )
    );
}

#[test]
fn keyword_list_matches_the_lexer() {
    use super::token::Token;
    for word in Token::KEYWORDS {
        assert!(Token::keyword(word).is_some(), "{word}");
    }
    // python3 -c 'import keyword; print(len(keyword.kwlist))'
    assert_eq!(Token::KEYWORDS.len(), 35);
}

#[test]
fn a_block_header_at_the_end_is_incomplete_input() {
    for source in ["async def f():\n    for i in x:\n", "if a:\n    if b:\n"] {
        let error = parse_module(source).unwrap_err();
        assert!(error.incomplete_input, "{source:?}");
    }
}
