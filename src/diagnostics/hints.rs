//! What to do about an uncaught exception: the `Help:` line under its
//! snippet. The mistakes are the ones people make learning asyncio — a
//! coroutine used as if it were its result, a coroutine function passed
//! where its coroutine belongs, `time.sleep` awaited, a loop asked for
//! where none runs — and a few of the language's. A hint is read from the
//! exception's type and message (CPython's words, which pyl keeps) and the
//! source of the expression that raised it; none is given when they do
//! not say enough to be sure.

use crate::runtime::modules::is_standard_module;

/// The hint for an exception of the type named `name` (as its report
/// names it) with `message`, raised by the expression written `code`.
pub fn for_exception(name: &str, message: &str, code: &str) -> Option<String> {
    match name {
        "TypeError" => type_error(message, code),
        "AttributeError" => of_a_value_mistaken(message),
        "ValueError" => function_for_coroutine(message),
        "RuntimeError" => runtime_error(message),
        "NameError" => module_not_imported(message),
        "UnboundLocalError" => local_read_first(message),
        "RecursionError" if message.starts_with("maximum recursion depth exceeded") => Some(
            "a function calls itself (or one that calls it back) without end: check the case \
             that should stop the recursion"
                .into(),
        ),
        "asyncio.exceptions.InvalidStateError" if message == "Result is not set." => Some(
            "the task or future is not done yet: `await` it for its result, which waits".into(),
        ),
        _ => None,
    }
}

fn type_error(message: &str, code: &str) -> Option<String> {
    if let Some(awaited) = message
        .strip_prefix("object ")
        .and_then(|rest| rest.strip_suffix(" can't be used in 'await' expression"))
    {
        return Some(match awaited {
            "NoneType" if code.contains("time.sleep(") => {
                "`time.sleep` is not a coroutine: it blocks the whole event loop and returns \
                 None. In a coroutine, `await asyncio.sleep(…)`"
                    .into()
            }
            "NoneType" => "the awaited value is None: only coroutines, tasks and futures can be \
                           awaited. Is the function called here a plain `def`?"
                .into(),
            "function" | "method" => match code.strip_prefix("await ") {
                Some(callee) => format!(
                    "call it: `await {}(…)` awaits the coroutine the call makes",
                    callee.trim()
                ),
                None => "call it: `await f(…)` awaits the coroutine the call makes".into(),
            },
            _ => "only coroutines, tasks, futures and objects with an `__await__` method can be \
                  awaited"
                .into(),
        });
    }
    if message == "An asyncio.Future, a coroutine or an awaitable is required" {
        return Some(
            "pass coroutines, tasks or futures: an `async def` function is called to make its \
             coroutine (`work()`, not `work`); a plain `def` makes none"
                .into(),
        );
    }
    if message == "Passing coroutines is forbidden, use tasks explicitly." {
        return Some(
            "make each coroutine a task first: `asyncio.wait([asyncio.create_task(c) for c in \
             coroutines])`"
                .into(),
        );
    }
    if message == "'async_generator' object is not iterable" {
        return Some(
            "an async generator is iterated with `async for`, inside an `async def`".into(),
        );
    }
    if let Some(manager) = message.strip_prefix('\'').and_then(|rest| {
        rest.strip_suffix("' object does not support the context manager protocol")
    }) {
        return ASYNC_MANAGERS.contains(&manager).then(|| {
            format!("a {manager} is an asynchronous context manager: `async with`, inside an `async def`")
        });
    }
    if message.starts_with("can only concatenate str (not ") {
        return Some(
            "turn the value into text first, as in `\"n = \" + str(n)`, or use an f-string: \
             `f\"n = {n}\"`"
                .into(),
        );
    }
    if matches!(
        message,
        "unsupported operand type(s) for +: 'int' and 'str'"
            | "unsupported operand type(s) for +: 'float' and 'str'"
    ) {
        return Some(
            "a number and text do not add: `int(text)` or `float(text)` makes the text a number, \
             `str(number)` the number text"
                .into(),
        );
    }
    if let Some(kind @ ("int" | "float")) = message
        .strip_prefix('\'')
        .and_then(|rest| rest.strip_suffix("' object is not iterable"))
    {
        let example = match kind {
            "int" => "`for i in range(n):` counts to a number",
            _ => "a float counts nothing",
        };
        return Some(format!(
            "a number is not a sequence to loop over: {example}"
        ));
    }
    let called = message
        .strip_prefix('\'')
        .and_then(|rest| rest.strip_suffix("' object is not callable"));
    let value = match called {
        Some("int") => "an int",
        Some("float") => "a float",
        Some("str") => "a str",
        Some("list") => "a list",
        Some("dict") => "a dict",
        Some("tuple") => "a tuple",
        _ => "",
    };
    if !value.is_empty() {
        return Some(format!(
            "what is called here is {value}: was a function's name assigned a value (`sum = 0` \
             hides the builtin `sum`)? Or is an operator missing, as in `2(3 + 4)`?"
        ));
    }
    if let Some(method) = message.strip_suffix("() missing 1 required positional argument: 'self'")
    {
        if let Some((class, _)) = method.rsplit_once('.') {
            return Some(format!(
                "`{method}` is called on the class: call it on an instance, as `{class}().{}()`",
                &method[class.len() + 1..]
            ));
        }
    }
    function_for_coroutine(message).or_else(|| of_a_value_mistaken(message))
}

/// asyncio's classes that are managed by `async with` only.
const ASYNC_MANAGERS: &[&str] = &[
    "Lock",
    "Semaphore",
    "BoundedSemaphore",
    "Condition",
    "TaskGroup",
    "Timeout",
];

/// `asyncio.run(main)`, `create_task(work)`: the function given for the
/// coroutine it makes; `asyncio.run(main())` of a plain `def main()`: what
/// it returned.
fn function_for_coroutine(message: &str) -> Option<String> {
    let given = message.strip_prefix("a coroutine was expected, got ")?;
    Some(match given.strip_prefix("<function ") {
        Some(rest) => {
            let function = rest.split(' ').next()?;
            format!(
                "pass the coroutine that calling the function makes: `{function}()`, not \
                 `{function}`"
            )
        }
        // An object's repr: not a function's result that is plain to see.
        None if given.starts_with('<') => return None,
        None => "the function called here is a plain `def`, which returns its result, not a \
                 coroutine: declare it `async def`"
            .into(),
    })
}

/// An operation on a value that is not what the program thinks it is: a
/// coroutine or task instead of its result, None instead of a value.
fn of_a_value_mistaken(message: &str) -> Option<String> {
    if message.contains("'coroutine'") {
        return Some(
            "a missing `await`? Calling an `async def` function makes a coroutine, not its \
             result: `await` it for the result (`x = await f()`)"
                .into(),
        );
    }
    if message.contains("'_asyncio.Task'") || message.contains("'_asyncio.Future'") {
        return Some(
            "a task or future is not its result: `await` it for the result (or call \
             `.result()` once it is done)"
                .into(),
        );
    }
    let match_attribute = message
        .strip_prefix("'NoneType' object has no attribute '")
        .and_then(|rest| rest.strip_suffix('\''));
    if let Some("group" | "groups" | "groupdict" | "span" | "start" | "end" | "expand") =
        match_attribute
    {
        return Some(
            "`re.match`, `re.search` and `re.fullmatch` return None when the pattern does not \
             match: test the result (`if m:`) before asking it for groups"
                .into(),
        );
    }
    if message.contains("'NoneType'") {
        return Some(
            "the value is None: what a function without `return` gives, and what methods that \
             change an object in place (`list.sort()`, `list.append()`) return"
                .into(),
        );
    }
    None
}

fn runtime_error(message: &str) -> Option<String> {
    let hint = match message {
        "no running event loop" => {
            "no event loop runs here: call this inside a coroutine that `asyncio.run(main())` runs"
        }
        "asyncio.run() cannot be called from a running event loop" => {
            "a loop runs here already: `await` the coroutine (or `asyncio.create_task(…)` it) \
             instead of starting another"
        }
        "This event loop is already running" => {
            "the loop runs here already: `await` the coroutine instead of running the loop on it"
        }
        "cannot reuse already awaited coroutine" => {
            "a coroutine runs once: call its function again for a new one"
        }
        "Event loop is closed" => {
            "the loop `asyncio.run` made is closed when it returns: do all the work inside one \
             `asyncio.run(main())`"
        }
        _ => return None,
    };
    Some(hint.into())
}

/// `asyncio.run(…)` with no `import asyncio`.
fn module_not_imported(message: &str) -> Option<String> {
    let name = message.strip_prefix("name '")?.split('\'').next()?;
    is_standard_module(name).then(|| format!("`{name}` is a module: `import {name}` first"))
}

fn local_read_first(message: &str) -> Option<String> {
    let name = message
        .strip_prefix("cannot access local variable '")?
        .split('\'')
        .next()?;
    Some(format!(
        "`{name}` is assigned in this function, which makes it local in all of it: give it a \
         value before this line, or declare `global {name}` (or `nonlocal {name}`) to use the \
         outer one"
    ))
}
