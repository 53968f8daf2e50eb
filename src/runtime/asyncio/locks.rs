//! `Event.wait()` as a native coroutine.
//!
//! The rest of `asyncio.locks` is Python (`python/event.pyl`,
//! `python/locks.pyl`). `Event.wait` is the one coroutine a program may
//! have suspended by the hundred thousand (every task blocked on one
//! event), so it runs CPython's steps
//!
//! ```python
//! async def wait(self):
//!     if self._value:
//!         return True
//!     fut = self._get_loop().create_future()
//!     self._waiters.append(fut)
//!     try:
//!         await fut
//!         return True
//!     finally:
//!         self._waiters.remove(fut)
//! ```
//!
//! without a Python frame: a blocked task then costs its own coroutine,
//! this object and the future, with the same loop iterations and the same
//! calls on the event's attributes as the Python version.
//!
//! A task's own `await event.wait()` costs it nothing more: the awaiting
//! frame runs those steps itself ([`await_wait`]), and the task, parked
//! on the event, stands in for the future. The task is what goes into
//! `self._waiters`, `set()` wakes it ([`wake_waiter`]), the task's
//! `fut_waiter` keeps the future's state (`Waiter::Event`), its step
//! leaves `self._waiters` before it resumes the coroutine, and the frame
//! delegates to a [`StandIn`](super::StandIn), which returns `True`. The same loop
//! iterations, wake-ups and cancellations follow. Only a coroutine whose
//! awaits reach its task is parked (`Interp::awaits_reach_task`): one
//! driven by `send` gets the future, as in CPython.

use std::cell::Cell;
use std::rc::Rc;

use super::future::{future_of, Future, FutureAwait};
use super::sleep::Wait;
use crate::eval::expr::Awaited;
use crate::eval::frame::{Frame, GenStep, Resume};
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, Instance, NativeFn, NativeObject};
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Progress {
    NotStarted,
    /// Suspended in `await fut`.
    Waiting,
    Finished,
}

pub struct EventWait {
    event: Value,
    progress: Cell<Progress>,
    /// The `await` of the future in `self._waiters`, while waiting. A
    /// `Cell`, taken and put back: a program may hold a hundred thousand.
    waiting: Cell<Option<FutureAwait>>,
}

impl EventWait {
    fn start(&self, interp: &mut Interp) -> PyResult<GenStep> {
        let value = interp.get_attr(&self.event, "_value")?;
        if interp.truthy(&value)? {
            return Ok(GenStep::Returned(Value::from(true)));
        }
        let event_loop = interp.call_method(&self.event, "_get_loop", &[])?;
        let future = interp.call_method(&event_loop, "create_future", &[])?;
        let Some(awaited) = future_of(&future) else {
            return Err(interp.type_error("create_future() did not return a Future"));
        };
        let waiters = interp.get_attr(&self.event, "_waiters")?;
        interp.call_method(&waiters, "append", std::slice::from_ref(&future))?;
        self.waiting.set(Some(FutureAwait::new(awaited)));
        self.progress.set(Progress::Waiting);
        self.step(interp, Resume::Send(Value::None))
    }

    /// `try: await fut; return True` `finally: self._waiters.remove(fut)`.
    fn step(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        let Some(awaiting) = self.waiting.take() else {
            return Ok(GenStep::Returned(Value::from(true)));
        };
        let step = awaiting.resume(interp, resume);
        if let Ok(GenStep::Yielded(value)) = step {
            self.waiting.set(Some(awaiting));
            return Ok(GenStep::Yielded(value));
        }
        self.progress.set(Progress::Finished);
        let waiters = interp.get_attr(&self.event, "_waiters")?;
        interp.call_method(&waiters, "remove", &[awaiting.future().value()])?;
        step.map(|_| GenStep::Returned(Value::from(true)))
    }
}

impl EventWait {
    fn name(&self) -> &'static str {
        "Event.wait"
    }
}

native_coroutine!(EventWait);

/// `Event.wait(self)`: the coroutine object.
pub fn event_wait(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    crate::runtime::builtins::args::check_positional(interp, "Event.wait", 1..=1, args, kwargs)?;
    crate::runtime::builtins::args::check_count(interp, "wait", args, kwargs, 1, 1)?;
    Ok(Value::native(Rc::new(EventWait {
        event: args[0].clone(),
        progress: Cell::new(Progress::NotStarted),
        waiting: Cell::new(None),
    })))
}

/// Whether `method` is `Event.wait`.
pub fn is_event_wait(method: NativeFn) -> bool {
    std::ptr::fn_addr_eq(method, event_wait as NativeFn)
}

/// `await event.wait()` in a coroutine whose awaits reach its task
/// (`Interp::awaited`): `Event.wait`'s steps with the task parked on the
/// event in place of the future. `None`, having done nothing, when it is
/// not a task's to park (the call is then made as written). Out of line:
/// the awaiting frame's `await` stays small.
#[inline(never)]
pub fn await_wait(
    interp: &mut Interp,
    frame: &mut Frame,
    event: &Value,
) -> Option<PyResult<Awaited>> {
    let Value::Instance(instance) = event else {
        return None;
    };
    let event_loop = interp.asyncio.as_ref()?.running_loop.borrow().clone()?;
    let task = event_loop.current_task.borrow().clone()?;
    Some(park(interp, frame, instance, &task))
}

/// `Event.wait`'s steps up to `await fut`, with `task` in the future's
/// place: parked on `event` unless the event is set.
fn park(
    interp: &mut Interp,
    frame: &mut Frame,
    event: &Rc<Instance>,
    task: &Rc<Future>,
) -> PyResult<Awaited> {
    let receiver = Value::Instance(event.clone());
    let value = interp.get_attr(&receiver, "_value")?;
    if interp.truthy(&value)? {
        return Ok(Awaited::Finished(Value::from(true)));
    }
    interp.call_method(&receiver, "_get_loop", &[])?;
    let waiters = interp.get_attr(&receiver, "_waiters")?;
    interp.call_method(&waiters, "append", &[task.value()])?;
    task.park_on_event(event.clone());
    let parked = interp.asyncio_runtime()?.parked_on_event.clone();
    frame.delegate = Some(parked.clone());
    Ok(Awaited::Yielded(parked))
}

/// `_wake_event_waiter(event, fut)`, for each of the event's waiters in
/// `Event.set()`: `if not fut.done(): fut.set_result(True)`, where a task
/// parked on the event stands in for its future.
pub fn wake_waiter(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    crate::runtime::builtins::args::check_count(interp, "_wake_event_waiter", args, kwargs, 2, 2)?;
    let (event, waiter) = (&args[0], &args[1]);
    if let (Value::Instance(event), Value::Future(task)) = (event, waiter) {
        if task
            .parked_on()
            .is_some_and(|parked| Rc::ptr_eq(&parked, event))
        {
            task.end_event_wait(Wait::Fired, None);
            return Ok(Value::None);
        }
    }
    let done = interp.call_method(waiter, "done", &[])?;
    if !interp.truthy(&done)? {
        interp.call_method(waiter, "set_result", &[Value::from(true)])?;
    }
    Ok(Value::None)
}
