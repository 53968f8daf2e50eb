//! How futures and tasks print: CPython's `_future_repr_info` and
//! `_task_repr_info`, with results and exceptions shortened as `reprlib`
//! does (`<Task finished name='Task-2' coro=<f() done, defined at x.pyl:3>
//! result=[1, 2, 3, 4, 5, 6, ...]>`).

use std::rc::Rc;

use super::event_loop::{Callback, Handle};
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::Function;
use crate::runtime::value::Value;

/// Where CPython's own callbacks live, as its reprs name them (Debian's
/// 3.11, the reference interpreter).
pub const GATHER_CALLBACK: &str =
    "gather.<locals>._done_callback() at /usr/lib/python3.11/asyncio/tasks.py:754";
pub const RUN_UNTIL_COMPLETE_CALLBACK: &str =
    "_run_until_complete_cb() at /usr/lib/python3.11/asyncio/base_events.py:180";
pub const WAKEUP_CALLBACK: &str = "Task.task_wakeup()";

/// `cb=[…]`: the first and last callback, and how many between.
pub fn format_callbacks(callbacks: &[String]) -> String {
    let inside = match callbacks {
        [] => String::new(),
        [only] => only.clone(),
        [first, second] => format!("{first}, {second}"),
        [first, .., last] => format!("{first}, <{} more>, {last}", callbacks.len() - 2),
    };
    format!("cb=[{inside}]")
}

/// `format_helpers._format_callback_source`: `name(args)`, named by the
/// callable's `__qualname__` (or `__name__`, or its repr), with the source
/// location of a Python function — not of a bound method's — and a
/// `functools.partial` shown as the call it stands for.
pub fn format_callback(interp: &mut Interp, callback: &Value, args: &[Value]) -> PyResult<String> {
    let call = format!("({})", format_arguments(interp, args)?);
    let mut text = format_call(interp, callback, call)?;
    if let Some(function) = source_function(interp, callback)? {
        let code = &function.code;
        text.push_str(&format!(" at {}:{}", code.source.name, code.first_line()));
    }
    Ok(text)
}

/// `format_helpers._format_callback`: the callable's name and `call`, the
/// arguments (and what a partial adds after them).
fn format_call(interp: &mut Interp, callback: &Value, call: String) -> PyResult<String> {
    if let Some([function, args, keywords]) = partial_parts(interp, callback)? {
        let args = interp.collect(&args)?;
        let mut items = vec![format_arguments(interp, &args)?];
        items.retain(|item| !item.is_empty());
        if let Value::Dict(keywords) = &keywords {
            let pairs: Vec<(Value, Value)> = keywords.borrow().items();
            for (key, value) in pairs {
                let value = short_repr(interp, &value)?;
                items.push(format!("{}={value}", interp.to_str(&key)?));
            }
        }
        return format_call(interp, &function, format!("({}){call}", items.join(", ")));
    }
    for name in ["__qualname__", "__name__"] {
        if let Some(Value::Str(text)) = interp.get_attr_opt(callback, name)? {
            if !text.as_str().is_empty() {
                return Ok(format!("{}{call}", text.as_str()));
            }
        }
    }
    Ok(format!("{}{call}", interp.repr(callback)?))
}

/// A `functools.partial`'s `func`, `args` and `keywords`.
fn partial_parts(interp: &mut Interp, value: &Value) -> PyResult<Option<[Value; 3]>> {
    let class = interp.class_of(value);
    if !(&*class.name == "partial" && &*class.module == "functools") {
        return Ok(None);
    }
    let mut parts = Vec::with_capacity(3);
    for name in ["func", "args", "keywords"] {
        parts.push(interp.get_attr(value, name)?);
    }
    Ok(parts.try_into().ok())
}

/// `format_helpers._get_function_source`'s function: a Python function
/// itself, or the one a partial wraps, after `inspect.unwrap` (what
/// `functools.wraps` wrapped).
fn source_function(interp: &mut Interp, callback: &Value) -> PyResult<Option<Rc<Function>>> {
    let mut callback = callback.clone();
    while let Some(wrapped) = interp.get_attr_opt(&callback, "__wrapped__")? {
        callback = wrapped;
    }
    match &callback {
        Value::Function(function) => Ok(Some(function.clone())),
        _ => match partial_parts(interp, &callback)? {
            Some([function, ..]) => source_function(interp, &function),
            None => Ok(None),
        },
    }
}

/// `Handle.__repr__` (and `TimerHandle`'s): `<Handle cancelled>`,
/// `<TimerHandle when=12.5 print('x')>`.
pub fn handle_repr(interp: &mut Interp, handle: &Handle) -> PyResult<String> {
    let mut info = vec![if handle.is_timer {
        "TimerHandle"
    } else {
        "Handle"
    }
    .to_string()];
    if handle.cancelled.get() {
        info.push("cancelled".into());
    }
    if handle.is_timer {
        info.push(format!("when={}", interp.repr(&Value::float(handle.when))?));
    }
    let call = match &*handle.callback.borrow() {
        Some(Callback::Python(call)) => Some((call.function.clone(), call.args.clone())),
        _ => None,
    };
    if let Some((function, args)) = call {
        info.push(format_callback(interp, &function, &args)?);
    }
    Ok(format!("<{}>", info.join(" ")))
}

/// The arguments of a scheduled callback as its repr shows them.
pub fn format_arguments(interp: &mut Interp, args: &[Value]) -> PyResult<String> {
    let mut pieces = Vec::with_capacity(args.len());
    for arg in args {
        pieces.push(short_repr(interp, arg)?);
    }
    Ok(pieces.join(", "))
}

const MAX_LEVEL: usize = 6;
const MAX_ITEMS: usize = 6;
const MAX_DICT: usize = 4;
const MAX_STRING: usize = 30;
const MAX_LONG: usize = 40;
const MAX_OTHER: usize = 30;
const FILL: &str = "...";

/// `reprlib.repr(value)`.
pub fn short_repr(interp: &mut Interp, value: &Value) -> PyResult<String> {
    short_repr_at(interp, value, MAX_LEVEL)
}

fn short_repr_at(interp: &mut Interp, value: &Value, level: usize) -> PyResult<String> {
    match value {
        Value::Str(text) => {
            let chars: Vec<char> = text.as_str().chars().collect();
            let head: String = chars.iter().take(MAX_STRING).collect();
            let quoted = interp.repr(&Value::str(head))?;
            if quoted.chars().count() <= MAX_STRING {
                return Ok(quoted);
            }
            let (i, j) = split_points(MAX_STRING);
            let kept: String = chars[..i].iter().chain(&chars[chars.len() - j..]).collect();
            Ok(elide(&interp.repr(&Value::str(kept))?, i, j))
        }
        Value::Int(_) | Value::BigInt(_) => {
            let text = interp.repr(value)?;
            Ok(shorten(text, MAX_LONG))
        }
        Value::List(items) => {
            let items = items.borrow().clone();
            iterable(interp, &items, level, "[", "]", "")
        }
        Value::Tuple(items) => iterable(interp, items, level, "(", ")", ","),
        Value::Set(_) | Value::FrozenSet(_) => {
            let mut items = interp.collect(value)?;
            if items.is_empty() {
                return interp.repr(value);
            }
            possibly_sorted(interp, &mut items);
            iterable(interp, &items, level, "{", "}", "")
        }
        Value::Dict(dict) => {
            let mut keys = dict.borrow().keys();
            if keys.is_empty() {
                return Ok("{}".into());
            }
            if level == 0 {
                return Ok(format!("{{{FILL}}}"));
            }
            let count = keys.len();
            possibly_sorted(interp, &mut keys);
            let mut pieces = Vec::new();
            for key in keys.iter().take(MAX_DICT) {
                let item = interp.get_item(value, key)?;
                pieces.push(format!(
                    "{}: {}",
                    short_repr_at(interp, key, level - 1)?,
                    short_repr_at(interp, &item, level - 1)?
                ));
            }
            if count > MAX_DICT {
                pieces.push(FILL.into());
            }
            Ok(format!("{{{}}}", pieces.join(", ")))
        }
        _ => Ok(shorten(interp.repr(value)?, MAX_OTHER)),
    }
}

fn iterable(
    interp: &mut Interp,
    items: &[Value],
    level: usize,
    left: &str,
    right: &str,
    trail: &str,
) -> PyResult<String> {
    if level == 0 && !items.is_empty() {
        return Ok(format!("{left}{FILL}{right}"));
    }
    let mut pieces = Vec::new();
    for item in items.iter().take(MAX_ITEMS) {
        pieces.push(short_repr_at(interp, item, level - 1)?);
    }
    if items.len() > MAX_ITEMS {
        pieces.push(FILL.into());
    }
    let trail = if items.len() == 1 { trail } else { "" };
    Ok(format!("{left}{}{trail}{right}", pieces.join(", ")))
}

/// `_possibly_sorted`: sorted when the items compare, else as they are.
fn possibly_sorted(interp: &mut Interp, items: &mut Vec<Value>) {
    let original = items.clone();
    if crate::runtime::builtins::functions::sort_values(interp, items, None, false).is_err() {
        *items = original;
    }
}

/// How many characters `reprlib` keeps before and after its `...`.
fn split_points(limit: usize) -> (usize, usize) {
    let i = (limit - 3) / 2;
    (i, limit - 3 - i)
}

fn shorten(text: String, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text;
    }
    let (i, j) = split_points(limit);
    elide(&text, i, j)
}

fn elide(text: &str, i: usize, j: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let head: String = chars[..i.min(chars.len())].iter().collect();
    let tail: String = chars[chars.len().saturating_sub(j)..].iter().collect();
    format!("{head}{FILL}{tail}")
}

#[cfg(test)]
mod tests {
    use super::format_callbacks;

    #[test]
    fn callbacks_show_the_first_and_last() {
        let names = |n: usize| (0..n).map(|i| format!("f{i}()")).collect::<Vec<_>>();
        assert_eq!(format_callbacks(&names(1)), "cb=[f0()]");
        assert_eq!(format_callbacks(&names(2)), "cb=[f0(), f1()]");
        assert_eq!(format_callbacks(&names(5)), "cb=[f0(), <3 more>, f4()]");
    }
}
