//! Argument checking for functions written in Rust, with CPython's wording.

use super::super::error::PyResult;
use super::super::interp::Interp;
use super::super::value::Value;
use crate::syntax::ast::Name;

/// Checks that `name` got between `min` and `max` positional arguments and
/// no keyword arguments. Inlined, the usual case is two compares; the
/// error, out of line.
#[inline(always)]
pub fn check_count(
    interp: &Interp,
    name: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    min: usize,
    max: usize,
) -> PyResult<()> {
    if kwargs.is_empty() && (min..=max).contains(&args.len()) {
        return Ok(());
    }
    wrong_count(interp, name, args, kwargs, min, max)
}

#[cold]
#[inline(never)]
fn wrong_count(
    interp: &Interp,
    name: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    min: usize,
    max: usize,
) -> PyResult<()> {
    if !kwargs.is_empty() {
        return Err(interp.type_error(format!("{name}() takes no keyword arguments")));
    }
    let given = args.len();
    if given >= min && given <= max {
        return Ok(());
    }
    let message = if min == max {
        match min {
            0 => format!("{name}() takes no arguments ({given} given)"),
            1 => format!("{name}() takes exactly one argument ({given} given)"),
            _ => format!("{name} expected {min} arguments, got {given}"),
        }
    } else if given < min {
        format!(
            "{name} expected at least {min} argument{}, got {given}",
            plural(min)
        )
    } else {
        format!(
            "{name} expected at most {max} argument{}, got {given}",
            plural(max)
        )
    };
    Err(interp.type_error(message))
}

/// Checks the arguments of a method whose receiver is `args[0]`: counts
/// exclude the receiver, and messages name the method as `type.method`.
pub fn check_method(
    interp: &Interp,
    name: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    min: usize,
    max: usize,
) -> PyResult<()> {
    check_count(interp, name, &args[1.min(args.len())..], kwargs, min, max)
}

/// The keyword argument `name`, if given; any other keyword is an error.
pub fn keyword<'a>(
    interp: &Interp,
    function: &str,
    kwargs: &'a [(Name, Value)],
    allowed: &[&str],
    name: &str,
) -> PyResult<Option<&'a Value>> {
    for (key, _) in kwargs {
        if !allowed.contains(&&**key) {
            return Err(interp.type_error(format!(
                "{function}() got an unexpected keyword argument '{key}'"
            )));
        }
    }
    Ok(kwargs
        .iter()
        .find(|(key, _)| &**key == name)
        .map(|(_, v)| v))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Refuses more positional arguments than the `takes` of a function
/// written in Python in CPython (`def f(a, b=1)`), with its message.
pub fn check_positional(
    interp: &Interp,
    function: &str,
    takes: std::ops::RangeInclusive<usize>,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<()> {
    if args.len() <= *takes.end() {
        return Ok(());
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let (min, max) = (*takes.start(), *takes.end());
    let takes = if min == max {
        format!("{max} positional argument{}", plural(max))
    } else {
        format!("from {min} to {max} positional arguments")
    };
    let given = args.len();
    let given = match kwargs.len() {
        0 => format!("{given} were"),
        keywords => format!(
            "{given} positional argument{} (and {keywords} keyword-only argument{}) were",
            plural(given),
            plural(keywords)
        ),
    };
    Err(interp.type_error(format!("{function}() takes {takes} but {given} given")))
}
