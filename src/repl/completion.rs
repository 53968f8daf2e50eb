//! Tab completion for the REPL's line editor: keywords and names in scope,
//! and after a dot, the attributes of the value the dotted name before it
//! refers to (module members, methods, instance attributes) — what
//! CPython's `rlcompleter` offers.

use std::cell::RefCell;
use std::rc::Rc;

use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;
use crate::runtime::value::Value;
use crate::syntax::token::Token;

pub struct ReplHelper {
    pub interp: Rc<RefCell<Interp>>,
    pub main: Rc<ModuleObject>,
}

impl ReplHelper {
    /// Candidates for `word` (a possibly dotted name prefix).
    fn candidates(&self, word: &str) -> Vec<String> {
        let Ok(mut interp) = self.interp.try_borrow_mut() else {
            return Vec::new();
        };
        let mut found: Vec<String> = match word.rsplit_once('.') {
            None => {
                let globals = self.main.namespace.borrow();
                let builtins = interp.builtins.namespace.borrow();
                Token::KEYWORDS
                    .iter()
                    .map(|k| k.to_string())
                    .chain(globals.keys().map(|k| k.to_string()))
                    .chain(builtins.keys().map(|k| k.to_string()))
                    .filter(|name| name.starts_with(word))
                    .collect()
            }
            Some((base, prefix)) => {
                let Some(value) = self.lookup_dotted(&mut interp, base) else {
                    return Vec::new();
                };
                attribute_names(&mut interp, &value)
                    .into_iter()
                    // Private names only when asked for, as rlcompleter does.
                    .filter(|name| name.starts_with(prefix))
                    .filter(|name| prefix.starts_with('_') || !name.starts_with('_'))
                    .map(|name| format!("{base}.{name}"))
                    .collect()
            }
        };
        found.sort();
        found.dedup();
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

impl Completer for ReplHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let start = word_start(line, pos);
        let word = &line[start..pos];
        // Tab at the start of a line indents, as in CPython.
        if line[..pos].trim().is_empty() {
            return Ok((pos, vec!["    ".to_string()]));
        }
        if word.is_empty() {
            return Ok((pos, Vec::new()));
        }
        Ok((start, self.candidates(word)))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Highlighter for ReplHelper {}

impl Validator for ReplHelper {}

impl Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::word_start;

    #[test]
    fn words_are_dotted_names() {
        assert_eq!(word_start("print(asyncio.sl", 16), 6);
        assert_eq!(word_start("x = ab", 6), 4);
        assert_eq!(word_start("", 0), 0);
        assert_eq!(word_start("f(", 2), 2);
    }
}
