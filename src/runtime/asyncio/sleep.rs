//! `asyncio.sleep(delay, result)`: a native coroutine that waits on a timer.
//!
//! CPython's `sleep` makes a future, a timer that completes it, and awaits
//! the future; the task then wakes one loop iteration after the timer
//! fires. pyl keeps exactly those steps but without the future: the sleep
//! yields itself to its task, which waits on it as it would on a future
//! (see [`Waiter`]), and the timer schedules the task's wake-up directly.
//! A sleeping task thus costs a timer handle and this object, nothing more.
//! Another task that steps the coroutine while it sleeps waits on it too
//! and is woken after (the hidden future's second done callback).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use thin_vec::ThinVec;

use super::event_loop::{Callback, Handle};
use super::future::Future;
use crate::eval::frame::{GenStep, Resume};
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, Instance, NativeObject};
use crate::runtime::value::Value;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Progress {
    NotStarted,
    /// Yielded to its task; the timer is set.
    Waiting,
    /// `delay <= 0`: yielded once, bare, to let the loop turn.
    Yielded,
    Finished,
}

/// How a wait ended, as the state of CPython's hidden future.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    Pending,
    /// The timer fired (the future got its result).
    Fired,
    /// The task was cancelled while sleeping (the future was cancelled).
    Cancelled,
}

// With its reference counts, 112 bytes: a program may have every task
// asleep at once.
const _: () = assert!(std::mem::size_of::<Sleep>() <= 96);

pub struct Sleep {
    delay: f64,
    /// Set when the delay is not a number: `result` then holds it, and
    /// the first step raises what CPython's `delay <= 0` raises (at the
    /// await, not at the call).
    refused: bool,
    result: Value,
    self_ref: Weak<Sleep>,
    progress: Cell<Progress>,
    wait: Cell<Wait>,
    timer: RefCell<Option<Rc<Handle>>>,
    /// The task waiting on this sleep, to wake when the wait ends.
    task: Cell<Option<Rc<Future>>>,
    /// Tasks that stepped its coroutine while it waited (a coroutine
    /// awaited and also made a task), woken after `task` in order, as the
    /// hidden future's later done callbacks would be. Empty, as a rule:
    /// an empty `ThinVec` is one word and no allocation.
    others: Cell<ThinVec<Rc<Future>>>,
    /// The hidden future's `_asyncio_future_blocking`: set when the sleep
    /// yields, cleared when a task takes it up.
    blocking: Cell<bool>,
    cancel_message: RefCell<Option<Value>>,
}

impl Sleep {
    pub fn new(delay: f64, result: Value) -> Rc<Sleep> {
        Self::made(delay, false, result)
    }

    /// A sleep for a delay that is not a number: it fails when awaited.
    pub fn refused(delay: Value) -> Rc<Sleep> {
        Self::made(0.0, true, delay)
    }

    fn made(delay: f64, refused: bool, result: Value) -> Rc<Sleep> {
        Rc::new_cyclic(|self_ref| Sleep {
            delay,
            refused,
            result,
            self_ref: self_ref.clone(),
            progress: Cell::new(Progress::NotStarted),
            wait: Cell::new(Wait::Pending),
            timer: RefCell::new(None),
            task: Cell::new(None),
            others: Cell::new(ThinVec::new()),
            blocking: Cell::new(false),
            cancel_message: RefCell::new(None),
        })
    }

    fn rc(&self) -> Rc<Sleep> {
        self.self_ref
            .upgrade()
            .expect("a sleep is alive while its method runs")
    }

    /// The sleep a task's coroutine yielded, if it is one that waits.
    pub fn yielded(value: &Value) -> Option<Rc<Sleep>> {
        match value {
            Value::Native(object) => object
                .downcast_ref::<Sleep>()
                .filter(|sleep| sleep.progress.get() == Progress::Waiting)
                .map(Sleep::rc),
            _ => None,
        }
    }

    /// The task starts waiting: the timer will wake it (`add_done_callback`).
    /// When its timer fires, while it is set.
    pub fn deadline(&self) -> Option<f64> {
        self.timer.borrow().as_ref().map(|timer| timer.when)
    }

    pub fn attach(&self, task: Rc<Future>) {
        self.blocking.set(false);
        let mut others = self.others.take();
        match self.task.take() {
            None if others.is_empty() => self.task.set(Some(task)),
            first => {
                self.task.set(first);
                others.push(task);
            }
        }
        self.others.set(others);
    }

    /// The waiting tasks' wake-ups go on the ready queue, one each.
    fn schedule_wakeups(&self) {
        let task = self.task.take();
        let others = self.others.take();
        for task in task.iter().chain(&others) {
            task.event_loop.schedule(Callback::SleepWakeup(self.rc()));
        }
        self.task.set(task);
        self.others.set(others);
    }

    /// The timer fired: `_set_result_unless_cancelled`, then the task's
    /// wake-up goes on the ready queue as the future's done callback would.
    pub fn timer_fired(&self) {
        if self.wait.get() != Wait::Pending {
            return;
        }
        self.wait.set(Wait::Fired);
        self.schedule_wakeups();
    }

    /// `future.cancel(msg)` on the hidden future.
    pub fn cancel(&self, message: Option<Value>) -> bool {
        if self.wait.get() != Wait::Pending {
            return false;
        }
        self.wait.set(Wait::Cancelled);
        *self.cancel_message.borrow_mut() = message;
        self.schedule_wakeups();
        true
    }

    /// `Task.__wakeup` of the first task still waiting: it steps on, with
    /// the `CancelledError` of a cancelled wait thrown in.
    pub fn wake(&self, interp: &mut Interp) -> PyResult<()> {
        let task = match self.task.take() {
            Some(task) => task,
            None => {
                let mut others = self.others.take();
                if others.is_empty() {
                    return Ok(());
                }
                let task = others.remove(0);
                self.others.set(others);
                task
            }
        };
        let exception = match self.wait.get() {
            Wait::Cancelled => Some(self.cancelled_error(interp)?),
            _ => None,
        };
        interp.task_step(&task, exception)
    }

    fn cancelled_error(&self, interp: &Interp) -> PyResult<PyErr> {
        let message = self.cancel_message.borrow().clone();
        Ok(interp.asyncio_runtime()?.cancelled(interp, message))
    }

    fn start(&self, interp: &mut Interp) -> PyResult<GenStep> {
        if self.refused {
            return Err(interp.type_error(format!(
                "'<=' not supported between instances of '{}' and 'int'",
                interp.type_name(&self.result)
            )));
        }
        // `sleep(0)` is a bare yield, which needs no loop.
        if self.delay <= 0.0 {
            self.progress.set(Progress::Yielded);
            return Ok(GenStep::Yielded(Value::None));
        }
        let event_loop = interp.running_loop()?;
        let when = interp.clock.monotonic() + self.delay;
        let timer = event_loop.call_later(when, Callback::SleepTimer(self.rc()));
        *self.timer.borrow_mut() = Some(timer);
        self.progress.set(Progress::Waiting);
        self.blocking.set(true);
        Ok(GenStep::Yielded(Value::native(self.rc())))
    }

    /// Resumed after the bare yield of `sleep(0)`, or after waiting on the
    /// timer (`finally: h.cancel()`, then the hidden future's outcome).
    fn step(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        let waited = self.progress.get() == Progress::Waiting;
        if waited
            && self.wait.get() == Wait::Pending
            && !self.blocking.get()
            && matches!(resume, Resume::Send(_))
        {
            // Stepped again before the wait ended, by another task than
            // the one that took the sleep up: the hidden future's
            // iterator yields the future again, and that task waits on it
            // too.
            self.blocking.set(true);
            return Ok(GenStep::Yielded(Value::native(self.rc())));
        }
        self.progress.set(Progress::Finished);
        if waited {
            if let Some(timer) = self.timer.borrow_mut().take() {
                timer.cancel();
            }
            // Tasks whose wake-ups are not scheduled never get them: the
            // hidden future stays pending.
            if self.wait.get() == Wait::Pending {
                self.task.take();
                self.others.take();
            }
        }
        if let Resume::Throw(error) = resume {
            return Err(error);
        }
        match (waited, self.wait.get()) {
            (false, _) | (true, Wait::Fired) => Ok(GenStep::Returned(self.result.clone())),
            (true, Wait::Cancelled) => Err(self.cancelled_error(interp)?),
            (true, Wait::Pending) => {
                Err(interp.error(ExcType::RuntimeError, "await wasn't used with future"))
            }
        }
    }
}

impl Sleep {
    fn name(&self) -> &'static str {
        "sleep"
    }
}

native_coroutine!(Sleep);

/// Whether sleeping `delay` is `sleep(0)`'s bare yield. Anything else,
/// not a number included, goes to `sleep` itself.
pub fn is_bare(delay: &Value) -> bool {
    match delay {
        Value::Int(i) => *i <= 0,
        Value::Bool(b) => !b.get(),
        Value::Float(f) => f.get() <= 0.0,
        _ => false,
    }
}

/// What a suspended task waits on: a future; a sleep standing in for
/// the future CPython's `sleep` would make; or the event the task is
/// parked on (`locks.rs`), standing in for the future CPython's
/// `Event.wait` would make, with that future's state.
#[derive(Clone)]
pub enum Waiter {
    Future(Rc<Future>),
    Sleep(Rc<Sleep>),
    Event(Rc<Instance>, Wait),
}

impl Waiter {
    /// `task._fut_waiter.cancel(msg)`.
    pub fn cancel(&self, task: &Rc<Future>, message: Option<Value>) -> bool {
        match self {
            Waiter::Future(future) => future.cancel(message),
            Waiter::Sleep(sleep) => sleep.cancel(message),
            Waiter::Event(..) => task.end_event_wait(Wait::Cancelled, message),
        }
    }

    /// `repr` of what the task waits on; a sleep or an event shows as the
    /// future CPython would be waiting on.
    pub fn describe(&self, interp: &mut Interp) -> PyResult<String> {
        let (wait, result) = match self {
            Waiter::Future(future) => return future.describe(interp),
            Waiter::Sleep(sleep) => (sleep.wait.get(), sleep.result.clone()),
            Waiter::Event(_, wait) => (*wait, Value::from(true)),
        };
        Ok(match wait {
            Wait::Pending => {
                format!("<Future pending cb=[{}]>", super::describe::WAKEUP_CALLBACK)
            }
            Wait::Fired => format!(
                "<Future finished result={}>",
                super::describe::short_repr(interp, &result)?
            ),
            Wait::Cancelled => "<Future cancelled>".into(),
        })
    }
}
