//! The REPL's line editor helper. Tab completion: keywords and names in scope,
//! and after a dot, the attributes of the value the dotted name before it
//! refers to (module members, methods, instance attributes) — what
//! CPython's `rlcompleter` offers, listed as readline lists them (a
//! second Tab shows them all). Syntax highlighting of the line typed.
//!
//! The editor runs on a thread of its own (see `mod.rs`) and the session's
//! values live on the main thread: [`EditorHelper`] asks
//! [`Completions`] there for the candidates.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc::{channel, Sender};
use std::time::Duration;

use rustyline::completion::Completer;

use logos::Logos;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use std::collections::HashSet;

use crate::runtime::attributes::Property;
use crate::runtime::builtins::functions::is_callable;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;
use crate::runtime::value::Value;
use crate::syntax::token::Token;

use super::screen::Screen;
use super::FromEditor;

/// The candidates, found on the main thread.
pub struct Completions {
    pub interp: Rc<RefCell<Interp>>,
    pub main: Rc<ModuleObject>,
}

/// The editor's side: highlighting, and Tab forwarded to [`Completions`].
pub struct EditorHelper {
    pub requests: Sender<FromEditor>,
    /// Syntax highlighting (off with `NO_COLOR`).
    pub color: bool,
    /// What is drawn, recorded as it is drawn.
    pub screen: Screen,
}

/// How long Tab waits for the main thread, which may be running a
/// callback of the session's loop: then nothing is offered.
const COMPLETION_WAIT: Duration = Duration::from_secs(1);

impl Completions {
    /// Where the word before `pos` starts, and what may replace it.
    pub fn complete(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let start = word_start(line, pos);
        let word = &line[start..pos];
        // Tab at the start of a line indents, as in CPython.
        if line[..pos].trim().is_empty() {
            return (pos, vec!["    ".to_string()]);
        }
        if word.is_empty() {
            return (pos, Vec::new());
        }
        (start, self.candidates(word))
    }

    /// Candidates for `word` (a possibly dotted name prefix), as
    /// CPython's `rlcompleter` gives them: a keyword with the space or
    /// colon that follows it, a callable with its `(`.
    fn candidates(&self, word: &str) -> Vec<String> {
        let Ok(mut interp) = self.interp.try_borrow_mut() else {
            return Vec::new();
        };
        let mut found = match word.rsplit_once('.') {
            None => self.global_matches(&interp, word),
            Some((base, prefix)) => {
                let Some(value) = self.lookup_dotted(&mut interp, base) else {
                    return Vec::new();
                };
                attribute_matches(&mut interp, &value, prefix)
                    .into_iter()
                    .map(|name| format!("{base}.{name}"))
                    .collect()
            }
        };
        found.sort();
        found.dedup();
        found
    }

    /// Keywords, then the session's names, then the builtins; a name
    /// counts once, where it is found first.
    fn global_matches(&self, interp: &Interp, word: &str) -> Vec<String> {
        let mut seen: HashSet<String> = HashSet::from(["__builtins__".to_string()]);
        let mut found = Vec::new();
        for keyword in Token::KEYWORDS.iter().chain(SOFT_KEYWORDS) {
            if keyword.starts_with(word) && seen.insert(keyword.to_string()) {
                found.push(match *keyword {
                    "finally" | "try" => format!("{keyword}:"),
                    "False" | "None" | "True" | "break" | "continue" | "pass" | "else" | "_" => {
                        keyword.to_string()
                    }
                    _ => format!("{keyword} "),
                });
            }
        }
        for namespace in [&self.main.namespace, &interp.builtins.namespace] {
            for (name, value) in namespace.borrow().iter() {
                if name.starts_with(word) && seen.insert(name.to_string()) {
                    found.push(with_call_postfix(interp, name, value));
                }
            }
        }
        found
    }

    /// The value of `a.b.c`: only names and attribute reads, never calls.
    fn lookup_dotted(&self, interp: &mut Interp, dotted: &str) -> Option<Value> {
        let mut parts = dotted.split('.');
        let first = parts.next()?;
        let mut value = self
            .main
            .namespace
            .borrow()
            .get(first)
            .cloned()
            .or_else(|| interp.builtins.namespace.borrow().get(first).cloned())?;
        for part in parts {
            value = interp.get_attr(&value, part).ok()?;
        }
        Some(value)
    }
}

/// `rlcompleter`'s soft keywords, after the hard ones.
const SOFT_KEYWORDS: &[&str] = &["_", "case", "match"];

/// The attributes of `value` that start with `prefix`, as `rlcompleter`
/// offers them: names with `_` only when the prefix asks for them (those
/// with `__` only for a prefix of `__`), unless nothing else matches; a
/// callable one with its `(`, a property without reading it.
fn attribute_matches(interp: &mut Interp, value: &Value, prefix: &str) -> Vec<String> {
    let mut names = attribute_names(interp, value);
    names.retain(|name| name != "__builtins__");
    if !names.iter().any(|name| name == "__class__") {
        names.push("__class__".to_string());
    }
    let mut hidden = match prefix {
        "" => Some("_"),
        "_" => Some("__"),
        _ => None,
    };
    let class = interp.class_of(value);
    loop {
        let found: Vec<String> = (names.iter())
            .filter(|name| name.starts_with(prefix))
            .filter(|name| hidden.is_none_or(|hidden| !name.starts_with(hidden)))
            .map(|name| {
                let is_property = matches!(
                    class.lookup(name),
                    Some(Value::Native(native)) if native.is::<Property>()
                );
                match interp.get_attr(value, name) {
                    Ok(attribute) if !is_property && !matches!(attribute, Value::None) => {
                        with_call_postfix(interp, name, &attribute)
                    }
                    _ => name.clone(),
                }
            })
            .collect();
        hidden = match hidden {
            _ if !found.is_empty() => return found,
            Some("_") => Some("__"),
            Some(_) => None,
            None => return found,
        };
    }
}

/// `name(` for a callable, `name()` for a Python function that takes no
/// arguments (`rlcompleter`'s `_callable_postfix`; the parameters of a
/// function written in Rust are not known, so it gets `(`).
fn with_call_postfix(interp: &Interp, name: &str, value: &Value) -> String {
    if !is_callable(interp, value) {
        return name.to_string();
    }
    let takes_nothing = match value {
        Value::Function(function) => function.code.signature.slot_count() == 0,
        Value::BoundMethod(method) => matches!(
            &method.function,
            Value::Function(function) if function.code.signature.slot_count() == 1
        ),
        _ => false,
    };
    if takes_nothing {
        format!("{name}()")
    } else {
        format!("{name}(")
    }
}

/// `dir(value)`, as strings.
fn attribute_names(interp: &mut Interp, value: &Value) -> Vec<String> {
    let Some(dir) = interp.builtins.namespace.borrow().get("dir").cloned() else {
        return Vec::new();
    };
    let Ok(names) = interp.call(&dir, std::slice::from_ref(value), &[]) else {
        return Vec::new();
    };
    let Ok(names) = interp.collect(&names) else {
        return Vec::new();
    };
    names
        .iter()
        .filter_map(|name| match name {
            Value::Str(text) => Some(text.as_str().to_string()),
            _ => None,
        })
        .collect()
}

/// Where the (possibly dotted) name that ends at `pos` starts.
fn word_start(line: &str, pos: usize) -> usize {
    line[..pos]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '.')
        .last()
        .map_or(pos, |(i, _)| i)
}

impl Completer for EditorHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let (reply, answer) = channel();
        let request = FromEditor::Complete {
            line: line.to_string(),
            pos,
            reply,
        };
        if self.requests.send(request).is_err() {
            return Ok((pos, Vec::new()));
        }
        crate::runtime::interrupt::wake();
        Ok(answer
            .recv_timeout(COMPLETION_WAIT)
            .unwrap_or((pos, Vec::new())))
    }
}

impl Hinter for EditorHelper {
    type Hint = String;
}

/// Colors keywords, numbers, strings and comments as the line is typed,
/// with the lexer pyl itself uses; off when `NO_COLOR` is set.
impl Highlighter for EditorHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        let drawn = if self.color {
            Cow::Owned(highlight(line))
        } else {
            Cow::Borrowed(line)
        };
        let mut shown = self.screen.shown();
        shown.known = true;
        shown.line = line.to_string();
        shown.drawn = drawn.to_string();
        shown.pos = pos;
        drawn
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        self.screen.shown().prompt = prompt.to_string();
        Cow::Borrowed(prompt)
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }
}

const KEYWORD: &str = "\x1b[1;35m";
const NUMBER: &str = "\x1b[36m";
const STRING: &str = "\x1b[32m";
const COMMENT: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

fn highlight(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut done = 0;
    let push_gap = |out: &mut String, gap: &str| match gap.find('#') {
        Some(at) => {
            out.push_str(&gap[..at]);
            out.push_str(COMMENT);
            out.push_str(&gap[at..]);
            out.push_str(RESET);
        }
        None => out.push_str(gap),
    };
    for (token, span) in Token::lexer(line).spanned() {
        // Past an error (an unfinished string, say) the rest stays plain.
        let Ok(token) = token else { break };
        push_gap(&mut out, &line[done..span.start]);
        let text = &line[span.clone()];
        let color = match token {
            Token::Number(_) => Some(NUMBER),
            Token::Str(_) => Some(STRING),
            _ if Token::keyword(text).is_some() => Some(KEYWORD),
            _ => None,
        };
        match color {
            Some(color) => {
                out.push_str(color);
                out.push_str(text);
                out.push_str(RESET);
            }
            None => out.push_str(text),
        }
        done = span.end;
    }
    push_gap(&mut out, &line[done..]);
    out
}

impl Validator for EditorHelper {}

impl Helper for EditorHelper {}

#[cfg(test)]
mod tests {
    use super::{highlight, word_start};

    #[test]
    fn highlighting_colors_tokens_and_keeps_the_text() {
        let line = "await f(1, 'two')  # three";
        let colored = highlight(line);
        assert!(colored.starts_with("\x1b[1;35mawait\x1b[0m"), "{colored:?}");
        assert!(colored.contains("\x1b[36m1\x1b[0m"), "{colored:?}");
        assert!(colored.contains("\x1b[32m'two'\x1b[0m"), "{colored:?}");
        assert!(colored.contains("\x1b[2m# three\x1b[0m"), "{colored:?}");
        let plain: String = strip_ansi(&colored);
        assert_eq!(plain, line);
        // An unfinished string leaves the rest as typed.
        assert_eq!(strip_ansi(&highlight("x = 'abc")), "x = 'abc");
    }

    fn strip_ansi(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn words_are_dotted_names() {
        assert_eq!(word_start("print(asyncio.sl", 16), 6);
        assert_eq!(word_start("x = ab", 6), 4);
        assert_eq!(word_start("", 0), 0);
        assert_eq!(word_start("f(", 2), 2);
    }
}
