//! "Did you mean: 'print'?" after an uncaught `NameError` or
//! `AttributeError`: the candidate name closest to the missing one, by
//! CPython's measure (`Python/suggestions.c`) — an edit distance in which
//! changing a letter's case costs half as much as any other edit, taken
//! only when at most a third of the characters involved change.
//!
//! CPython looks for it as it prints the traceback: for a name, among the
//! innermost frame's local variables, then its globals, then the builtins
//! (the first list with a match wins); for an attribute, in `dir(obj)`.
//! pyl's tracebacks keep no frames, so a name's suggestion is found when
//! the `NameError` is raised; an attribute's as it is printed, from the
//! exception's `name` and `obj`.

use std::rc::Rc;

use super::error::{ExcType, PyErr};
use super::interp::Interp;
use super::value::Value;
use crate::eval::frame::Frame;
use crate::syntax::ast::Name;

/// Lists this long or longer are not searched.
const MAX_CANDIDATES: usize = 750;
/// Names longer than this (after their common ends) never match.
const MAX_LENGTH: usize = 40;
const MOVE_COST: usize = 2;
const CASE_COST: usize = 1;

/// The candidate closest to `name`, if one is close enough; ties go to
/// the first.
pub fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if candidates.len() >= MAX_CANDIDATES {
        return None;
    }
    let mut best: Option<(&str, usize)> = None;
    for &candidate in candidates {
        if candidate == name {
            continue;
        }
        // No more than a third of the characters involved may change, and
        // a match must beat the best so far.
        let mut max_cost = (name.len() + candidate.len() + 3) * MOVE_COST / 6;
        if let Some((_, best_cost)) = best {
            max_cost = max_cost.min(best_cost.saturating_sub(1));
        }
        let cost = distance(name.as_bytes(), candidate.as_bytes(), max_cost);
        if cost <= max_cost && best.is_none_or(|(_, best_cost)| cost < best_cost) {
            best = Some((candidate, cost));
        }
    }
    best.map(|(candidate, _)| candidate)
}

/// The cost of turning one byte into another: nothing, a case change, or
/// a whole edit.
fn substitution_cost(a: u8, b: u8) -> usize {
    if a == b {
        0
    } else if a.eq_ignore_ascii_case(&b) {
        CASE_COST
    } else {
        MOVE_COST
    }
}

/// The edit distance between `a` and `b` (UTF-8 bytes), or anything over
/// `max_cost` once it is sure to be over it.
fn distance<'a>(mut a: &'a [u8], mut b: &'a [u8], max_cost: usize) -> usize {
    while let ([x, a_rest @ ..], [y, b_rest @ ..]) = (a, b) {
        if x != y {
            break;
        }
        (a, b) = (a_rest, b_rest);
    }
    while let ([a_rest @ .., x], [b_rest @ .., y]) = (a, b) {
        if x != y {
            break;
        }
        (a, b) = (a_rest, b_rest);
    }
    if a.is_empty() || b.is_empty() {
        return (a.len() + b.len()) * MOVE_COST;
    }
    if a.len() > MAX_LENGTH || b.len() > MAX_LENGTH {
        return max_cost + 1;
    }
    if b.len() < a.len() {
        (a, b) = (b, a);
    }
    if (b.len() - a.len()) * MOVE_COST > max_cost {
        return max_cost + 1;
    }
    // One row of the matrix, updated in place: row[i] is the cost of
    // turning b's prefix so far into a[..=i].
    let mut row: Vec<usize> = (1..=a.len()).map(|i| i * MOVE_COST).collect();
    let mut result = 0;
    for (b_index, &code) in b.iter().enumerate() {
        let mut diagonal = b_index * MOVE_COST;
        result = diagonal;
        let mut minimum = usize::MAX;
        for (cell, &letter) in row.iter_mut().zip(a) {
            let substitute = diagonal + substitution_cost(code, letter);
            diagonal = *cell;
            result = (result.min(diagonal) + MOVE_COST).min(substitute);
            *cell = result;
            minimum = minimum.min(result);
        }
        if minimum > max_cost {
            return max_cost + 1;
        }
    }
    result
}

impl Interp {
    /// `NameError: name 'x' is not defined`, raised in `frame`, with the
    /// name (`e.name`) and the suggestion its traceback will show.
    pub fn name_error_in(&self, frame: &Frame, name: &str) -> PyErr {
        let error = self.name_error(name);
        if let Some(data) = &error.0.exception {
            data.set_field("name", Value::str(name));
            let locals: Vec<&str> = frame.code.local_names.iter().map(|n| &**n).collect();
            let globals = frame.globals.namespace.borrow();
            let globals: Vec<&str> = globals.keys().map(|n| &**n).collect();
            let builtins = self.builtins.namespace.borrow();
            // CPython's builtins module has the constants too, which
            // pyl's parser makes (`true` → `True`).
            let constants = ["None", "False", "True"];
            let builtins: Vec<&str> = builtins.keys().map(|n| &**n).chain(constants).collect();
            let found = [locals, globals, builtins]
                .iter()
                .find_map(|candidates| closest(name, candidates));
            *data.suggestion.borrow_mut() = found.map(Name::from);
        }
        error
    }

    /// What an uncaught exception's last line adds: `. Did you mean: 'x'?`
    /// for a `NameError` raised by a name, or an `AttributeError` with its
    /// `name` and `obj`.
    pub fn suggestion_for(&mut self, error: &PyErr) -> Option<String> {
        let data = error.0.exception.as_ref()?;
        let found = if self.is_instance_of(error, ExcType::NameError) {
            data.suggestion.borrow().clone()?
        } else if self.is_instance_of(error, ExcType::AttributeError) {
            let (name, object) = {
                let fields = data.fields.borrow();
                (fields.get("name")?.clone(), fields.get("obj")?.clone())
            };
            let Value::Str(name) = name else {
                return None;
            };
            let dir = self.builtins.namespace.borrow().get("dir")?.clone();
            let names = self.call(&dir, &[object], &[]).ok()?;
            let names = self.collect(&names).ok()?;
            let names: Vec<Rc<str>> = names
                .iter()
                .filter_map(|n| match n {
                    Value::Str(s) => Some(Rc::from(s.as_str())),
                    _ => None,
                })
                .collect();
            let candidates: Vec<&str> = names.iter().map(|n| &**n).collect();
            Name::from(closest(name.as_str(), &candidates)?)
        } else {
            return None;
        };
        let text = self.repr(&Value::str(&*found)).ok()?;
        Some(format!(". Did you mean: {text}?"))
    }
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_what_cpython_finds() {
        let builtins = [
            "print",
            "property",
            "len",
            "range",
            "ValueError",
            "isinstance",
        ];
        assert_eq!(closest("pritn", &builtins), Some("print"));
        assert_eq!(closest("Valueerror", &builtins), Some("ValueError"));
        assert_eq!(closest("lenn", &builtins), Some("len"));
        assert_eq!(closest("xyz", &builtins), None);
        assert_eq!(closest("print", &builtins), None);
        // A case change costs half of any other edit.
        assert_eq!(closest("AB", &["xy", "ab"]), Some("ab"));
        assert_eq!(closest("AB", &["cd"]), None);
        // Ties go to the first.
        assert_eq!(closest("ab", &["abx", "aby"]), Some("abx"));
    }
}
