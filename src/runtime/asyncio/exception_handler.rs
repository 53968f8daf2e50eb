//! The loop's exception handler: `loop.set_exception_handler(handler)`,
//! `get_exception_handler`, `default_exception_handler(context)` and
//! `call_exception_handler(context)`, as CPython's `BaseEventLoop` has
//! them. What the runtime reports — an exception in a callback, a task's
//! exception nobody retrieved, a task destroyed pending, an exception at
//! `asyncio.run`'s shutdown — goes through [`Interp::report_to_loop`]: to
//! the program's handler with CPython's context, or, with none set, to the
//! report CPython's default handler logs, which each caller prints.

use std::rc::Rc;

use super::event_loop::EventLoop;
use super::{argument, receiver_loop, Kwargs};
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::value::Value;

/// One entry of a handler's context: CPython's key, and its value.
pub type ContextEntry = (&'static str, Value);

impl Interp {
    /// `event_loop.call_exception_handler(context)` for a report of the
    /// runtime's: the program's handler, if it set one, is called with the
    /// context `entries` make (in CPython's order); else `default` prints
    /// the report. An exception raised `during` the handling of another
    /// (as CPython's `Handle._run` calls the handler in its `except`) has
    /// that one for its context.
    pub fn report_to_loop(
        &mut self,
        event_loop: &Rc<EventLoop>,
        entries: impl FnOnce(&mut Interp) -> Vec<ContextEntry>,
        during: Option<&PyErr>,
        default: impl FnOnce(&mut Interp) -> PyResult<()>,
    ) -> PyResult<()> {
        let handler = event_loop.exception_handler.borrow().clone();
        let Some(handler) = handler else {
            return default(self);
        };
        let pairs = entries(self)
            .into_iter()
            .map(|(key, value)| (Value::str(key), value))
            .collect();
        let context = Value::dict(self.dict_from_pairs(pairs)?);
        self.call_handler(event_loop, &handler, &context, during)
    }

    /// CPython's `call_exception_handler` once a handler is set: the
    /// handler's own exception goes to the default handler.
    fn call_handler(
        &mut self,
        event_loop: &Rc<EventLoop>,
        handler: &Value,
        context: &Value,
        during: Option<&PyErr>,
    ) -> PyResult<()> {
        let args = [Value::native(event_loop.clone()), context.clone()];
        let Err(error) = self.call(handler, &args, &[]) else {
            return Ok(());
        };
        if self.is_instance_of(&error, ExcType::SystemExit)
            || self.is_instance_of(&error, ExcType::KeyboardInterrupt)
        {
            return Err(error);
        }
        if let (Some(during), Some(data)) = (during, &error.0.exception) {
            if data.context.borrow().is_none() && !Rc::ptr_eq(&during.0, &error.0) {
                *data.context.borrow_mut() = Some(during.value());
            }
        }
        let pairs = vec![
            (
                Value::str("message"),
                Value::str("Unhandled error in exception handler"),
            ),
            (Value::str("exception"), error.value()),
            (Value::str("context"), context.clone()),
        ];
        let context = Value::dict(self.dict_from_pairs(pairs)?);
        default_exception_handler(self, &context)
    }
}

/// `BaseEventLoop.default_exception_handler`: the message (when it is
/// true), the context's other entries sorted, each with its repr, and the
/// exception's traceback, whatever the exception is (a SystemExit too).
pub fn default_exception_handler(interp: &mut Interp, context: &Value) -> PyResult<()> {
    let mut entries = interp.mapping_items(context)?;
    entries.sort_by_key(|(key, _)| interp.to_str(key).unwrap_or_default());
    let mut message = String::from("Unhandled exception in event loop");
    let mut details = Vec::new();
    let mut exception = None;
    for (key, value) in entries {
        match interp.to_str(&key)?.as_str() {
            "message" if interp.truthy(&value)? => message = interp.to_str(&value)?,
            "message" => {}
            "exception" => exception = Some(value),
            other => details.push(format!("{other}: {}", interp.repr(&value)?)),
        }
    }
    let text = std::iter::once(message)
        .chain(details)
        .collect::<Vec<_>>()
        .join("\n");
    let _ = interp.flush_stdout();
    eprintln!("{text}");
    if let Some(Value::Instance(error)) = exception {
        if error.exception.is_some() {
            crate::diagnostics::report_exception(interp, &PyErr(error));
        }
    }
    Ok(())
}

/// `loop.call_exception_handler(context)`.
pub fn loop_call_exception_handler(
    interp: &mut Interp,
    args: &[Value],
    _: Kwargs,
) -> PyResult<Value> {
    let event_loop = receiver_loop(interp, args)?;
    let signature = "BaseEventLoop.call_exception_handler(self, context)";
    let context = argument(interp, signature, args, 1)?.clone();
    let handler = event_loop.exception_handler.borrow().clone();
    match handler {
        Some(handler) => interp.call_handler(&event_loop, &handler, &context, None)?,
        None => default_exception_handler(interp, &context)?,
    }
    Ok(Value::None)
}

/// `loop.default_exception_handler(context)`.
pub fn loop_default_exception_handler(
    interp: &mut Interp,
    args: &[Value],
    _: Kwargs,
) -> PyResult<Value> {
    receiver_loop(interp, args)?;
    let signature = "BaseEventLoop.default_exception_handler(self, context)";
    let context = argument(interp, signature, args, 1)?.clone();
    default_exception_handler(interp, &context)?;
    Ok(Value::None)
}

/// `loop.set_exception_handler(handler)`: a callable, or None for the
/// default handler.
pub fn loop_set_exception_handler(
    interp: &mut Interp,
    args: &[Value],
    _: Kwargs,
) -> PyResult<Value> {
    let event_loop = receiver_loop(interp, args)?;
    let signature = "BaseEventLoop.set_exception_handler(self, handler)";
    let handler = argument(interp, signature, args, 1)?.clone();
    if !handler.is_none() && !crate::runtime::builtins::functions::is_callable(interp, &handler) {
        let repr = interp.repr(&handler)?;
        return Err(interp.type_error(format!("A callable object or None is expected, got {repr}")));
    }
    *event_loop.exception_handler.borrow_mut() = (!handler.is_none()).then_some(handler);
    Ok(Value::None)
}

/// `loop.get_exception_handler()`.
pub fn loop_get_exception_handler(
    interp: &mut Interp,
    args: &[Value],
    _: Kwargs,
) -> PyResult<Value> {
    let event_loop = receiver_loop(interp, args)?;
    let handler = event_loop.exception_handler.borrow().clone();
    Ok(handler.unwrap_or(Value::None))
}
