//! `Event.wait()` as a native coroutine.
//!
//! The rest of `asyncio.locks` is Python (`python/locks.pyl`). `Event.wait` is
//! the one coroutine a program may have suspended by the hundred thousand
//! (every task blocked on one event), so it runs CPython's steps
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

use std::cell::Cell;
use std::rc::Rc;

use super::future::{future_of, FutureAwait};
use crate::eval::frame::{GenStep, Resume};
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, NativeObject};
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
    crate::runtime::builtins::args::check_count(interp, "wait", args, kwargs, 1, 1)?;
    Ok(Value::native(Rc::new(EventWait {
        event: args[0].clone(),
        progress: Cell::new(Progress::NotStarted),
        waiting: Cell::new(None),
    })))
}
