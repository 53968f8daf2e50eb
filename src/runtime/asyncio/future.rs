//! Futures and tasks, as CPython 3.11's `futures.py` and `tasks.py`.
//!
//! A [`Future`] is one struct for both: a task is a future with
//! [`TaskState`] (its coroutine, number and cancellation bookkeeping). Done
//! callbacks are scheduled with `call_soon` when the future finishes; a
//! task's step sends into (or throws into) its coroutine and reacts to what
//! it yields exactly as `Task.__step` does.

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;
use thin_vec::ThinVec;

use super::describe;
use super::event_loop::{Callback, EventLoop, PythonCall};
use super::sleep::{Sleep, Wait, Waiter};
use crate::eval::frame::{GenStep, Resume};
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::modules::collections::as_deque;
use crate::runtime::modules::contextvars::Context;
use crate::runtime::object::{Class, Instance, NativeKind, NativeObject};
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pending,
    Cancelled,
    Finished,
}

/// What runs when a future is done.
pub enum DoneCallback {
    /// A function to call with the future, in its context. Boxed, so
    /// that a callback is two words: a future keeps one inline.
    Python(Box<PythonCall>),
    Wakeup(Rc<Future>),
    StopLoop,
    /// A child of `gather` (the gathering, and where the child is among
    /// its children).
    Gather(Rc<Gather>, u32),
}

pub struct TaskState {
    pub coro: Value,
    /// What the task waits for (a `Cell`: see `Future::callbacks`).
    fut_waiter: Cell<Option<Waiter>>,
    /// The `Task-N` counter value; the name is made from it on demand,
    /// unless one was given (`Extras::name`) — or the counter has passed
    /// `u32::MAX`, and the name was made at once.
    pub(super) number: u32,
    num_cancels_requested: Cell<u32>,
}

// 40 bytes, with `Kind`'s tag in the coroutine's: the future of a task is
// then 112 bytes, the allocator's size class below 128.
const _: () = assert!(std::mem::size_of::<Kind>() <= 40);

impl TaskState {
    fn fut_waiter(&self) -> Option<Waiter> {
        let waiter = self.fut_waiter.take();
        self.fut_waiter.set(waiter.clone());
        waiter
    }
}

/// What a task waits for (`Future::awaits`).
pub enum Awaits {
    /// Nothing: it is running, or ready to.
    Nothing,
    Sleep(Option<f64>),
    Future(Rc<Future>),
    /// The future `Event.wait` would make (the task is parked on the event).
    Event,
}

/// What sort of future this is. Inline: a task is one allocation (a
/// program may hold a hundred thousand), at the price of a plain future's
/// size (112 bytes where it could be 80).
enum Kind {
    Plain,
    Task(TaskState),
    /// The future `gather` returns, with its children, which `cancel`
    /// cancels.
    Gather(ThinVec<Rc<Future>>),
}

/// What few futures need, in a box that is absent until one does: what a
/// cancelled future remembers, and a task's given name.
#[derive(Default)]
struct Extras {
    message: Option<Value>,
    /// The `CancelledError` that ended a task, re-raised by `result()`.
    error: Option<PyErr>,
    /// The message of the cancelled wait of a task parked on an event
    /// (which the future CPython's `Event.wait` makes would keep).
    waiter_message: Option<Value>,
    /// A task's name given with `name=` or `set_name`.
    name: Option<Name>,
    /// The `contextvars` context a task's steps run in, once it has one
    /// (see `modules::contextvars`).
    context: Option<Rc<Context>>,
}

pub struct Future {
    pub event_loop: Rc<EventLoop>,
    state: Cell<State>,
    /// Set when an exception was stored and nobody has looked at it.
    log_traceback: Cell<bool>,
    /// `_asyncio_future_blocking`: set while the future is yielded to a task.
    blocking: Cell<bool>,
    /// A gathering future's `_cancel_requested`.
    cancel_requested: Cell<bool>,
    /// A task's `_must_cancel`: cancel it at its next step.
    pub(super) must_cancel: Cell<bool>,
    /// Set while a task's `cancel` passes the cancellation to what the
    /// task waits for (see `Future::cancel`).
    cancelling: Cell<bool>,
    /// The result or exception of a finished future, set once.
    outcome: OnceCell<PyResult<Value>>,
    /// This and `extras` are `Cell`s, taken and put back, not
    /// `RefCell`s: a program may hold futures by the hundred thousand, and
    /// a borrow flag is 8 bytes each.
    callbacks: Cell<DoneCallbacks>,
    extras: Cell<Option<Box<Extras>>>,
    kind: Kind,
}

// With its reference counts, 112 bytes: the allocator's size class below
// 128. A program holds a future per task and per pending wait.
const _: () = assert!(std::mem::size_of::<Future>() <= 96);

impl NativeObject for Future {
    fn kind(&self) -> NativeKind<'_> {
        NativeKind::Future
    }

    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class(self.class_name())
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        Some(self.describe(interp))
    }
}

/// CPython's `Future.__del__`: a future that dies with an exception nobody
/// looked at reports it. The report needs the interpreter, which a drop
/// has no access to, so it waits in a queue; `Interp::emit_warnings`
/// prints it at the next safe point (the end of the loop's current
/// callback at the latest), as CPython prints when it collects the future.
impl Drop for Future {
    fn drop(&mut self) {
        if !self.log_traceback.get() {
            return;
        }
        let Some(Err(error)) = self.outcome.take() else {
            return;
        };
        let mut info = String::from("finished");
        if let Some(task) = self.task() {
            info.push_str(&format!(
                " name={} coro=<{}>",
                crate::runtime::builtins::str::str_repr(&self.task_name()),
                describe_coroutine(&task.coro)
            ));
        }
        let name = self.with_extras(|extras| extras.as_ref()?.name.clone());
        let task = match &mut self.kind {
            Kind::Task(state) => Some((
                std::mem::replace(&mut state.coro, Value::None),
                state.number,
                name,
            )),
            _ => None,
        };
        let report = Unretrieved {
            class: self.class_name(),
            info,
            error,
            event_loop: self.event_loop.clone(),
            task,
        };
        UNRETRIEVED.with(|queue| queue.borrow_mut().push(report));
        ANY_UNRETRIEVED.set(true);
    }
}

/// An exception no one retrieved from a future that is gone.
pub struct Unretrieved {
    class: &'static str,
    /// The future's repr up to its exception.
    info: String,
    error: PyErr,
    /// Whose exception handler hears of it.
    event_loop: Rc<EventLoop>,
    /// A task's coroutine, number and name, for the task that stands in
    /// for it before a handler.
    task: Option<(Value, u32, Option<Name>)>,
}

impl Unretrieved {
    /// A future like the one that is gone — a task with its coroutine and
    /// name — finished with its exception, for the program's handler.
    fn stand_in(&self) -> Rc<Future> {
        let stand_in = match &self.task {
            Some((coro, number, name)) => {
                let state = TaskState {
                    coro: coro.clone(),
                    number: *number,
                    num_cancels_requested: Cell::new(0),
                    fut_waiter: Cell::new(None),
                };
                let task = Future::with_kind(self.event_loop.clone(), Kind::Task(state));
                if let Some(name) = name {
                    task.set_task_name(name.clone());
                }
                task
            }
            None => Future::new(self.event_loop.clone()),
        };
        stand_in.finish(Err(self.error.clone()));
        stand_in
    }
}

thread_local! {
    static UNRETRIEVED: RefCell<Vec<Unretrieved>> = const { RefCell::new(Vec::new()) };
    /// Tasks that failed with `SystemExit` or `KeyboardInterrupt`, which
    /// escaped the loop: in CPython the exception's traceback (through
    /// `Handle._run`'s frame, which holds the task's step) and the task
    /// make a cycle that only the collector frees, at exit, where the
    /// task reports its exception nobody retrieved.
    static HELD_BY_TRACEBACK: RefCell<Vec<Rc<Future>>> = const { RefCell::new(Vec::new()) };
    /// Whether `UNRETRIEVED` has any: asked after every callback, and
    /// cheaper than the vector (see `generator::ANY_PENDING_WARNINGS`).
    static ANY_UNRETRIEVED: Cell<bool> = const { Cell::new(false) };
}

#[inline]
pub fn has_unretrieved() -> bool {
    ANY_UNRETRIEVED.get()
}

/// Prints the reports of futures that died with an unretrieved exception.
pub fn report_dropped_unretrieved(interp: &mut Interp) {
    ANY_UNRETRIEVED.set(false);
    let reports = UNRETRIEVED.with(|queue| std::mem::take(&mut *queue.borrow_mut()));
    for report in reports {
        let exception = interp
            .repr(&report.error.value())
            .unwrap_or_else(|_| report.error.0.class.name.to_string());
        let repr = format!("<{} {} exception={exception}>", report.class, report.info);
        let error = &report.error;
        let event_loop = &report.event_loop;
        // A handler's exception has no one to go to from here.
        let _ = interp.report_to_loop(
            event_loop,
            |_| {
                // The future is gone (pyl frees it before it reports).
                never_retrieved_context(report.class, error, report.stand_in().value())
            },
            None,
            |interp| {
                report_never_retrieved(interp, report.class, &repr, error);
                Ok(())
            },
        );
    }
}

/// The context of `Future.__del__`'s report to the exception handler.
pub fn never_retrieved_context(
    class: &str,
    error: &PyErr,
    future: Value,
) -> Vec<super::exception_handler::ContextEntry> {
    vec![
        (
            "message",
            Value::str(format!("{class} exception was never retrieved")),
        ),
        ("exception", error.value()),
        ("future", future),
    ]
}

/// The tasks [`HELD_BY_TRACEBACK`] kept alive, let go at exit.
pub fn take_held_by_traceback() -> Vec<Rc<Future>> {
    HELD_BY_TRACEBACK.with(|held| std::mem::take(&mut *held.borrow_mut()))
}

/// The loop's default exception handler on a never-retrieved exception.
pub fn report_never_retrieved(interp: &mut Interp, class: &str, repr: &str, error: &PyErr) {
    let _ = interp.flush_stdout();
    eprintln!("{class} exception was never retrieved");
    eprintln!("future: {repr}");
    crate::diagnostics::report_exception(interp, error);
}

impl DoneCallback {
    /// How a repr names the callback: CPython's own callbacks by a fixed
    /// name, the program's by its function (`describe::format_callback`).
    fn name_or_function(&self) -> Result<&'static str, Value> {
        match self {
            DoneCallback::Python(call) => Err(call.function.clone()),
            DoneCallback::Wakeup(_) => Ok(describe::WAKEUP_CALLBACK),
            DoneCallback::StopLoop => Ok(describe::RUN_UNTIL_COMPLETE_CALLBACK),
            DoneCallback::Gather(..) => Ok(describe::GATHER_CALLBACK),
        }
    }
}

/// A future's pending done callbacks. Nearly every future gets exactly
/// one (its waiter's wake-up), kept inline: two words, where a `SmallVec`
/// of one would be three.
#[derive(Default)]
enum DoneCallbacks {
    #[default]
    None,
    One(DoneCallback),
    Many(ThinVec<DoneCallback>),
}

const _: () = assert!(std::mem::size_of::<DoneCallbacks>() == 16);

impl DoneCallbacks {
    fn push(&mut self, callback: DoneCallback) {
        *self = match std::mem::take(self) {
            DoneCallbacks::None => DoneCallbacks::One(callback),
            DoneCallbacks::One(first) => DoneCallbacks::Many(thin_vec::thin_vec![first, callback]),
            DoneCallbacks::Many(mut all) => {
                all.push(callback);
                DoneCallbacks::Many(all)
            }
        };
    }

    fn as_slice(&self) -> &[DoneCallback] {
        match self {
            DoneCallbacks::None => &[],
            DoneCallbacks::One(callback) => std::slice::from_ref(callback),
            DoneCallbacks::Many(all) => all,
        }
    }

    /// Hands each callback, in order, to `f`.
    fn for_each(self, mut f: impl FnMut(DoneCallback)) {
        match self {
            DoneCallbacks::None => {}
            DoneCallbacks::One(callback) => f(callback),
            DoneCallbacks::Many(all) => all.into_iter().for_each(f),
        }
    }
}

impl Future {
    pub fn new(event_loop: Rc<EventLoop>) -> Rc<Future> {
        Future::with_kind(event_loop, Kind::Plain)
    }

    fn with_kind(event_loop: Rc<EventLoop>, kind: Kind) -> Rc<Future> {
        Rc::new(Future {
            event_loop,
            state: Cell::new(State::Pending),
            log_traceback: Cell::new(false),
            blocking: Cell::new(false),
            cancel_requested: Cell::new(false),
            must_cancel: Cell::new(false),
            cancelling: Cell::new(false),
            outcome: OnceCell::new(),
            callbacks: Cell::default(),
            extras: Cell::new(None),
            kind,
        })
    }

    /// The class name CPython shows for it.
    pub fn class_name(&self) -> &'static str {
        match self.kind {
            Kind::Plain => "Future",
            Kind::Task(_) => "Task",
            Kind::Gather(_) => "_GatheringFuture",
        }
    }

    /// `repr(future)`: `_future_repr_info`, and `_task_repr_info` for a task.
    /// Tasks that wait for each other in a ring print `...` for the one
    /// already being printed (CPython's `reprlib.recursive_repr`).
    pub fn describe(&self, interp: &mut Interp) -> PyResult<String> {
        let address = self as *const Future as usize;
        interp.repr_guarded(address, "...", |interp| self.describe_once(interp))
    }

    fn describe_once(&self, interp: &mut Interp) -> PyResult<String> {
        let state = match self.state.get() {
            State::Pending if self.cancelling() > 0 => "cancelling",
            State::Pending => "pending",
            State::Cancelled => "cancelled",
            State::Finished => "finished",
        };
        let mut info = vec![state.to_string()];
        if let Some(task) = self.task() {
            info.push(format!(
                "name={}",
                interp.repr(&Value::str(self.task_name()))?
            ));
            info.push(format!("coro=<{}>", describe_coroutine(&task.coro)));
            if let Some(waiter) = task.fut_waiter() {
                info.push(format!("wait_for={}", waiter.describe(interp)?));
            }
        }
        if self.state.get() == State::Finished {
            let outcome = self.outcome.get().cloned();
            info.push(match outcome {
                Some(Err(error)) => format!("exception={}", interp.repr(&error.value())?),
                Some(Ok(value)) => format!("result={}", describe::short_repr(interp, &value)?),
                None => "result=None".into(),
            });
        }
        let described: Vec<Result<&str, Value>> = self.with_callbacks(|callbacks| {
            callbacks
                .as_slice()
                .iter()
                .map(DoneCallback::name_or_function)
                .collect()
        });
        let mut callbacks = Vec::with_capacity(described.len());
        for callback in described {
            callbacks.push(match callback {
                Ok(name) => name.to_string(),
                Err(function) => describe::format_callback(interp, &function, &[])?,
            });
        }
        if !callbacks.is_empty() {
            info.push(describe::format_callbacks(&callbacks));
        }
        Ok(format!("<{} {}>", self.class_name(), info.join(" ")))
    }

    pub fn task(&self) -> Option<&TaskState> {
        match &self.kind {
            Kind::Task(state) => Some(state),
            _ => None,
        }
    }

    pub fn value(self: &Rc<Self>) -> Value {
        Value::Future(self.clone())
    }

    pub fn state(&self) -> State {
        self.state.get()
    }

    pub fn is_done(&self) -> bool {
        self.state.get() != State::Pending
    }

    pub fn is_cancelled(&self) -> bool {
        self.state.get() == State::Cancelled
    }

    /// What a task's step is waiting for.
    pub fn awaits(&self) -> Awaits {
        let Some(state) = self.task() else {
            return Awaits::Nothing;
        };
        match state.fut_waiter() {
            Some(Waiter::Sleep(sleep)) => Awaits::Sleep(sleep.deadline()),
            Some(Waiter::Future(future)) => Awaits::Future(future),
            Some(Waiter::Event(..)) => Awaits::Event,
            None => Awaits::Nothing,
        }
    }

    /// A task's coroutine as traces and trees show it: `pharmacy()`.
    pub fn coroutine_label(&self) -> String {
        match self.task().map(|state| &state.coro) {
            Some(Value::Generator(generator)) => format!("{}()", generator.qualname()),
            Some(Value::Native(native)) => {
                format!("{}()", native.coroutine_name().unwrap_or("coroutine"))
            }
            _ => "coroutine".to_string(),
        }
    }

    /// The children of a future `gather` returned.
    pub fn gathered(&self) -> Option<&[Rc<Future>]> {
        match &self.kind {
            Kind::Gather(children) => Some(children),
            _ => None,
        }
    }

    pub fn task_name(&self) -> String {
        let Some(state) = self.task() else {
            return "Future".to_string();
        };
        match self.with_extras(|extras| extras.as_ref()?.name.clone()) {
            Some(name) => name.to_string(),
            None => format!("Task-{}", state.number),
        }
    }

    pub fn set_task_name(&self, name: Name) {
        self.with_extras(|extras| extras.get_or_insert_with(Box::default).name = Some(name));
    }

    /// The source line where a suspended task waits, for the deadlock report.
    pub fn waiting_line(&self) -> Option<String> {
        match &self.task()?.coro {
            Value::Generator(generator) => generator.suspension_point(),
            _ => None,
        }
    }

    /// The pending callbacks, lent to `f` (which must not reach this
    /// future's callbacks itself: it would find none).
    fn with_callbacks<R>(&self, f: impl FnOnce(&mut DoneCallbacks) -> R) -> R {
        let mut callbacks = self.callbacks.take();
        let result = f(&mut callbacks);
        self.callbacks.set(callbacks);
        result
    }

    fn schedule_callbacks(self: &Rc<Self>) {
        self.callbacks.take().for_each(|callback| {
            self.event_loop.schedule(match callback {
                DoneCallback::Python(call) => {
                    let mut call = *call;
                    call.args.push(self.value());
                    Callback::Python(Box::new(call))
                }
                DoneCallback::Wakeup(task) => {
                    super::trace::note_woken(&task);
                    Callback::Wakeup(task)
                }
                DoneCallback::StopLoop => Callback::StopLoop(self.clone()),
                DoneCallback::Gather(gather, index) => Callback::GatherChildDone(gather, index),
            })
        });
    }

    pub fn add_done_callback(self: &Rc<Self>, callback: DoneCallback) {
        self.with_callbacks(|callbacks| callbacks.push(callback));
        if self.is_done() {
            self.schedule_callbacks();
        }
    }

    /// Removes the pending callbacks that `matches`; returns how many.
    pub fn remove_callbacks_where(&self, matches: impl Fn(&DoneCallback) -> bool) -> usize {
        let mut kept = DoneCallbacks::None;
        let mut removed = 0;
        self.callbacks.take().for_each(|callback| {
            if matches(&callback) {
                removed += 1;
            } else {
                kept.push(callback);
            }
        });
        self.callbacks.set(kept);
        removed
    }

    pub fn set_result(self: &Rc<Self>, interp: &Interp, value: Value) -> PyResult<()> {
        if self.is_done() {
            return Err(self.invalid_state(interp));
        }
        self.finish(Ok(value));
        self.schedule_callbacks();
        Ok(())
    }

    pub fn set_exception(self: &Rc<Self>, interp: &Interp, error: PyErr) -> PyResult<()> {
        if self.is_done() {
            return Err(self.invalid_state(interp));
        }
        if Rc::ptr_eq(
            &error.0.class,
            interp.types.exception(ExcType::StopIteration),
        ) {
            return Err(interp.type_error(
                "StopIteration interacts badly with generators and cannot be raised into a Future",
            ));
        }
        self.finish(Err(error));
        self.schedule_callbacks();
        self.log_traceback.set(true);
        Ok(())
    }

    /// The outcome of a future that was pending.
    fn finish(self: &Rc<Self>, outcome: PyResult<Value>) {
        let first = self.outcome.set(outcome).is_ok();
        debug_assert!(first, "a future finishes once");
        self.state.set(State::Finished);
    }

    pub fn invalid_state(&self, interp: &Interp) -> PyErr {
        let runtime = interp.asyncio.clone();
        let message = "invalid state";
        match runtime {
            Some(runtime) => runtime.new_error(interp, &runtime.invalid_state_error, message),
            None => interp.error(ExcType::RuntimeError, message),
        }
    }

    /// `Future.cancel(msg)`; a gathering future cancels its children.
    pub fn cancel_future(self: &Rc<Self>, message: Option<Value>) -> bool {
        if let Kind::Gather(children) = &self.kind {
            if self.is_done() {
                return false;
            }
            let mut cancelled = false;
            for child in children {
                if child.cancel(message.clone()) {
                    cancelled = true;
                }
            }
            if cancelled {
                self.cancel_requested.set(true);
            }
            return cancelled;
        }
        self.log_traceback.set(false);
        if self.is_done() {
            return false;
        }
        self.state.set(State::Cancelled);
        self.set_cancel_message(message);
        self.schedule_callbacks();
        true
    }

    /// `cancel(msg)`: a task's or a plain future's.
    pub fn cancel(self: &Rc<Self>, message: Option<Value>) -> bool {
        let Some(task) = self.task() else {
            return self.cancel_future(message);
        };
        self.log_traceback.set(false);
        if self.is_done() {
            return false;
        }
        task.num_cancels_requested
            .set(task.num_cancels_requested.get() + 1);
        let waiter = task.fut_waiter();
        // Tasks awaiting each other in a ring would pass the cancellation
        // round forever (CPython recurses until RecursionError): when it
        // comes back to a task, the task takes it itself.
        if let (Some(waiter), false) = (waiter, self.cancelling.get()) {
            self.cancelling.set(true);
            let passed = waiter.cancel(self, message.clone());
            self.cancelling.set(false);
            if passed {
                return true;
            }
        }
        self.must_cancel.set(true);
        self.set_cancel_message(message);
        true
    }

    /// A task's context, taken out while its step runs in it.
    fn take_context(&self) -> Option<Rc<Context>> {
        self.with_extras(|extras| extras.as_mut()?.context.take())
    }

    fn put_context(&self, context: Option<Rc<Context>>) {
        if context.is_some() {
            self.with_extras(|extras| extras.get_or_insert_with(Box::default).context = context);
        }
    }

    /// The extras, lent to `f`.
    fn with_extras<R>(&self, f: impl FnOnce(&mut Option<Box<Extras>>) -> R) -> R {
        let mut extras = self.extras.take();
        let result = f(&mut extras);
        self.extras.set(extras);
        result
    }

    fn set_cancel_message(&self, message: Option<Value>) {
        self.with_extras(|extras| match (extras, message) {
            (Some(extras), message) => extras.message = message,
            (None, None) => {}
            (extras, message) => {
                *extras = Some(Box::new(Extras {
                    message,
                    ..Extras::default()
                }))
            }
        })
    }

    /// The message given to `cancel(msg)`, if any.
    pub fn cancel_message(&self) -> Option<Value> {
        self.with_extras(|extras| extras.as_ref()?.message.clone())
    }

    fn set_cancelled_error(&self, error: PyErr) {
        self.with_extras(|extras| extras.get_or_insert_with(Box::default).error = Some(error))
    }

    /// Parks this task on `event` (`await event.wait()`, `locks.rs`).
    pub fn park_on_event(&self, event: Rc<Instance>) {
        if let Some(state) = self.task() {
            state
                .fut_waiter
                .set(Some(Waiter::Event(event, Wait::Pending)));
        }
    }

    /// The event a task is parked on (`locks.rs`), if it is.
    pub fn parked_on(&self) -> Option<Rc<Instance>> {
        match self.task()?.fut_waiter() {
            Some(Waiter::Event(event, _)) => Some(event),
            _ => None,
        }
    }

    /// Ends the wait of a task parked on an event as the future CPython's
    /// `Event.wait` makes would end: `Fired` by the event's `set()`,
    /// `Cancelled` (with `message`) by the task's `cancel()`. The task's
    /// wake-up goes on the ready queue, as that future's done callback
    /// would. Whether the wait was pending (whether the future's
    /// `set_result` or `cancel` would have gone through).
    pub fn end_event_wait(self: &Rc<Self>, wait: Wait, message: Option<Value>) -> bool {
        let Some(state) = self.task() else {
            return false;
        };
        let waiter = state.fut_waiter.take();
        let Some(Waiter::Event(event, Wait::Pending)) = waiter else {
            state.fut_waiter.set(waiter);
            return false;
        };
        state.fut_waiter.set(Some(Waiter::Event(event, wait)));
        if wait == Wait::Cancelled {
            self.with_extras(|extras| {
                extras.get_or_insert_with(Box::default).waiter_message = message
            });
        }
        super::trace::note_woken(self);
        self.event_loop
            .schedule(Callback::EventWakeup(self.clone()));
        true
    }

    pub fn cancelling(&self) -> u32 {
        self.task().map_or(0, |t| t.num_cancels_requested.get())
    }

    pub fn uncancel(&self) -> u32 {
        let Some(task) = self.task() else { return 0 };
        let n = task.num_cancels_requested.get().saturating_sub(1);
        task.num_cancels_requested.set(n);
        n
    }

    /// `_make_cancelled_error()`.
    pub fn make_cancelled_error(&self, interp: &Interp) -> PyErr {
        let saved = self.with_extras(|extras| extras.as_mut()?.error.take());
        if let Some(error) = saved {
            return error;
        }
        let runtime = interp
            .asyncio
            .clone()
            .expect("futures exist only with the asyncio runtime");
        runtime.cancelled(interp, self.cancel_message())
    }

    /// `result()`: the value, or the stored exception raised — raised
    /// anew, so its context is the exception being handled where it is.
    pub fn result(&self, interp: &Interp) -> PyResult<Value> {
        self.outcome_now(interp)
            .map_err(|error| interp.with_context(error))
    }

    fn outcome_now(&self, interp: &Interp) -> PyResult<Value> {
        match self.state.get() {
            State::Cancelled => Err(self.make_cancelled_error(interp)),
            State::Pending => {
                let runtime = interp.asyncio.clone().expect("asyncio runtime");
                Err(runtime.new_error(interp, &runtime.invalid_state_error, "Result is not set."))
            }
            State::Finished => {
                self.log_traceback.set(false);
                self.outcome.get().cloned().unwrap_or(Ok(Value::None))
            }
        }
    }

    /// `exception()`: the stored exception or `None`.
    pub fn exception(&self, interp: &Interp) -> PyResult<Value> {
        match self.state.get() {
            State::Cancelled => Err(interp.with_context(self.make_cancelled_error(interp))),
            State::Pending => {
                let runtime = interp.asyncio.clone().expect("asyncio runtime");
                Err(runtime.new_error(
                    interp,
                    &runtime.invalid_state_error,
                    "Exception is not set.",
                ))
            }
            State::Finished => {
                self.log_traceback.set(false);
                Ok(self.stored_exception().map_or(Value::None, |e| e.value()))
            }
        }
    }

    /// The stored exception of a finished future, not marking it retrieved.
    pub fn unretrieved_exception(&self) -> Option<PyErr> {
        if self.log_traceback.get() {
            self.stored_exception()
        } else {
            None
        }
    }

    /// The exception it finished with, retrieved or not.
    pub fn stored_exception(&self) -> Option<PyErr> {
        match self.outcome.get() {
            Some(Err(error)) => Some(error.clone()),
            _ => None,
        }
    }
}

/// `await future`: yields the future to the task until it is done, then
/// returns its result (`Future.__await__`).
pub struct FutureAwait {
    future: Rc<Future>,
}

impl FutureAwait {
    pub fn new(future: Rc<Future>) -> FutureAwait {
        FutureAwait { future }
    }

    pub fn future(&self) -> &Rc<Future> {
        &self.future
    }
}

impl NativeObject for FutureAwait {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("FutureIter")
    }

    fn is_resumable(&self) -> bool {
        true
    }

    fn resume(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        if let Resume::Throw(error) = resume {
            return Err(error);
        }
        if !self.future.is_done() {
            // Yielded again if a task took the future up since (CPython's
            // `FutureIter`): a coroutine that a second task steps.
            if self.future.blocking.get() {
                return Err(interp.error(ExcType::RuntimeError, "await wasn't used with future"));
            }
            self.future.blocking.set(true);
            return Ok(GenStep::Yielded(self.future.value()));
        }
        self.future.result(interp).map(GenStep::Returned)
    }
}

/// A coroutine that finishes at once: the loop's `shutdown_asyncgens()` and
/// `shutdown_default_executor()`, which pyl has nothing to do for but which
/// still take a task each in `asyncio.run`, as in CPython.
pub struct Noop;

impl NativeObject for Noop {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.types.coroutine.clone()
    }

    fn is_resumable(&self) -> bool {
        true
    }

    fn resume(&self, _interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        match resume {
            Resume::Throw(error) => Err(error),
            Resume::Send(_) => Ok(GenStep::Returned(Value::None)),
        }
    }
}

/// The state of one `gather` call.
pub struct Gather {
    outer: Rc<Future>,
    children: Vec<Rc<Future>>,
    count: usize,
    finished: Cell<usize>,
    return_exceptions: bool,
}

impl Interp {
    /// `loop.create_task(coro, name=None, context=None)`; `None` for the
    /// context stands for a new empty one.
    pub fn create_task_in(
        &mut self,
        event_loop: &Rc<EventLoop>,
        coro: Value,
        name: Option<Name>,
        context: Option<Rc<Context>>,
    ) -> PyResult<Rc<Future>> {
        let task = self.create_task(event_loop, coro, name)?;
        task.with_extras(|extras| match extras {
            Some(extras) => extras.context = context,
            None if context.is_none() => {}
            None => {
                *extras = Some(Box::new(Extras {
                    context,
                    ..Extras::default()
                }))
            }
        });
        Ok(task)
    }

    /// `loop.create_task(coro, name=None)`, in a copy of the current
    /// context.
    pub fn create_task(
        &mut self,
        event_loop: &Rc<EventLoop>,
        coro: Value,
        name: Option<Name>,
    ) -> PyResult<Rc<Future>> {
        if !self.is_coroutine(&coro) {
            let text = self.repr(&coro)?;
            return Err(self.type_error(format!("a coroutine was expected, got {text}")));
        }
        let runtime = self.asyncio_runtime()?;
        let counter = runtime.task_counter.get() + 1;
        runtime.task_counter.set(counter);
        let number = u32::try_from(counter).unwrap_or(0);
        let name = match name {
            Some(name) => Some(name),
            None => {
                let name_counter = runtime.task_name_counter.get() + 1;
                runtime.task_name_counter.set(name_counter);
                // The name is kept only when the number cannot give it.
                (name_counter != counter || number == 0)
                    .then(|| format!("Task-{name_counter}").into())
            }
        };
        let task = Future::with_kind(
            event_loop.clone(),
            Kind::Task(TaskState {
                coro,
                number,
                num_cancels_requested: Cell::new(0),
                fut_waiter: Cell::new(None),
            }),
        );
        if let Some(name) = name {
            task.set_task_name(name);
        }
        if let Some(context) = self.captured_context() {
            task.put_context(Some(context));
        }
        event_loop.schedule(Callback::Step(task.clone()));
        event_loop.tasks.borrow_mut().push(&task);
        if self.trace.is_some() {
            self.trace_created(&task);
        }
        Ok(task)
    }

    /// `asyncio.iscoroutine`: in 3.11 a generator is one too (a
    /// generator-based coroutine of old), so a task takes
    /// `gather(c(i) for i in …)`'s argument, and fails on its first yield.
    pub fn is_coroutine(&self, value: &Value) -> bool {
        use crate::runtime::generator::GeneratorKind;
        match value {
            Value::Generator(g) => {
                matches!(g.kind, GeneratorKind::Coroutine | GeneratorKind::Generator)
            }
            Value::Native(object) => {
                object.coroutine_name().is_some()
                    || object.is::<Noop>()
                    || object.is::<AwaitableWrapper>()
            }
            _ => false,
        }
    }

    /// `Task.__step`.
    pub fn task_step(&mut self, task: &Rc<Future>, exception: Option<PyErr>) -> PyResult<()> {
        let Some(state) = task.task() else {
            return Ok(());
        };
        if task.is_done() {
            return Ok(());
        }
        let exception = self.cancellation_due(task, exception)?;
        state.fut_waiter.set(None);
        let event_loop = task.event_loop.clone();
        let previous = event_loop.current_task.replace(Some(task.clone()));
        if self.trace.is_some() {
            self.trace_step_started(task);
        }
        // Made right before the call: made before the trace's test, it was
        // copied for the call with a wide load of what narrower stores had
        // just written, which the processor cannot forward (a third of
        // this function's time in bench/switch.pyl; spawn_gather 9%
        // faster without).
        let resume = match exception {
            Some(error) => Resume::Throw(error),
            None => Resume::Send(Value::None),
        };
        // The coroutine lives as long as `task`, which the caller holds.
        let outcome = match self.contexts_used {
            false => self.resume_iterator(&state.coro, resume),
            true => self.resume_in_task_context(task, &state.coro, resume),
        };
        if self.trace.is_some() {
            self.trace_step_outcome(task, state, &outcome);
        }
        let result = self.after_step(task, state, outcome);
        *event_loop.current_task.borrow_mut() = previous;
        result
    }

    /// A task's coroutine resumed in the task's context.
    #[inline(never)]
    fn resume_in_task_context(
        &mut self,
        task: &Future,
        coro: &Value,
        resume: Resume,
    ) -> PyResult<GenStep> {
        let context = task.take_context();
        let (outcome, context) =
            self.run_in_context(context, |interp| interp.resume_iterator(coro, resume));
        task.put_context(context);
        outcome
    }

    /// `__step`'s `if self._must_cancel:`: what the step throws in, a
    /// `CancelledError` unless it throws one already.
    #[inline(always)]
    fn cancellation_due(&self, task: &Future, exception: Option<PyErr>) -> PyResult<Option<PyErr>> {
        if !task.must_cancel.get() {
            return Ok(exception);
        }
        let runtime = self.asyncio_runtime()?;
        let is_cancel = exception
            .as_ref()
            .is_some_and(|e| e.0.class.is_subclass_of(&runtime.cancelled_error));
        task.must_cancel.set(false);
        Ok(if is_cancel {
            exception
        } else {
            Some(task.make_cancelled_error(self))
        })
    }

    fn after_step(
        &mut self,
        task: &Rc<Future>,
        state: &TaskState,
        outcome: PyResult<GenStep>,
    ) -> PyResult<()> {
        match outcome {
            Ok(GenStep::Returned(value)) => {
                if task.must_cancel.get() {
                    task.must_cancel.set(false);
                    task.cancel_future(task.cancel_message());
                } else {
                    task.set_result(self, value)?;
                }
            }
            Err(error) if self.is_cancellation(&error) => {
                task.set_cancelled_error(error);
                task.cancel_future(None);
            }
            Err(error) => {
                let fatal = self.is_instance_of(&error, ExcType::KeyboardInterrupt)
                    || self.is_instance_of(&error, ExcType::SystemExit);
                task.set_exception(self, error.clone())?;
                if fatal {
                    HELD_BY_TRACEBACK.with(|held| held.borrow_mut().push(task.clone()));
                    return Err(error);
                }
            }
            Ok(GenStep::Yielded(yielded)) => self.task_yielded(task, state, yielded)?,
        }
        Ok(())
    }

    /// `Event.wait`'s `finally: self._waiters.remove(fut)` for a task
    /// parked on `event` (its wait ended as `wait` says), which CPython
    /// runs as this step resumes the task's coroutine, before anything
    /// else: an error it raises is what the coroutine gets, with
    /// `exception`, if any, as its context.
    fn leave_event(
        &mut self,
        task: &Rc<Future>,
        event: Rc<Instance>,
        wait: Wait,
        exception: Option<PyErr>,
    ) -> Option<PyErr> {
        let error = match self.get_attr(&Value::Instance(event.clone()), "_waiters") {
            Ok(waiters) => match self.call_method(&waiters, "remove", &[task.value()]) {
                Ok(_) => return exception,
                // Not there: deque's message shows the future's repr.
                Err(error)
                    if as_deque(&waiters).is_some()
                        && self.is_instance_of(&error, ExcType::ValueError) =>
                {
                    match Waiter::Event(event, wait).describe(self) {
                        Ok(future) => self.value_error(format!("{future} is not in deque")),
                        Err(error) => error,
                    }
                }
                Err(error) => error,
            },
            Err(error) => error,
        };
        if let (Some(pending), Some(data)) = (&exception, &error.0.exception) {
            *data.context.borrow_mut() = Some(pending.value());
        }
        Some(error)
    }

    /// `Task.__wakeup` of a task parked on an event, and the start of its
    /// `__step`: the outcome of the future CPython's `Event.wait` makes
    /// (its result, or its cancellation), then the task's cancellation if
    /// one is due, then `Event.wait`'s `finally`, which the step's
    /// resumption of the coroutine runs first (`leave_event`).
    pub fn event_wakeup(&mut self, task: &Rc<Future>) -> PyResult<()> {
        let Some(state) = task.task() else {
            return Ok(());
        };
        // Scheduled once, by the end of the wait, which nothing but this
        // wake-up steps the task after.
        let Some(Waiter::Event(event, wait)) = state.fut_waiter() else {
            return Ok(());
        };
        let exception = if wait == Wait::Cancelled {
            let message = task.with_extras(|extras| extras.as_mut()?.waiter_message.take());
            Some(self.asyncio_runtime()?.cancelled(self, message))
        } else {
            None
        };
        let exception = self.cancellation_due(task, exception)?;
        let exception = self.leave_event(task, event, wait, exception);
        self.task_step(task, exception)
    }

    /// What a task does with the value its coroutine yielded.
    fn task_yielded(
        &mut self,
        task: &Rc<Future>,
        state: &TaskState,
        yielded: Value,
    ) -> PyResult<()> {
        if let Some(sleep) = Sleep::yielded(&yielded) {
            sleep.attach(task.clone());
            state.fut_waiter.set(Some(Waiter::Sleep(sleep.clone())));
            if task.must_cancel.get() && sleep.cancel(task.cancel_message()) {
                task.must_cancel.set(false);
            }
        } else if let Some(future) = future_of(&yielded) {
            if !Rc::ptr_eq(&future.event_loop, &task.event_loop) {
                let message = format!(
                    "Task {} got Future {} attached to a different loop",
                    task.describe(self)?,
                    future.describe(self)?
                );
                let error = self.error(ExcType::RuntimeError, message);
                task.event_loop
                    .schedule(Callback::throw(task.clone(), error));
            } else if future.blocking.get() {
                if Rc::ptr_eq(&future, task) {
                    let message = format!("Task cannot await on itself: {}", task.describe(self)?);
                    let error = self.error(ExcType::RuntimeError, message);
                    task.event_loop
                        .schedule(Callback::throw(task.clone(), error));
                } else {
                    future.blocking.set(false);
                    future.add_done_callback(DoneCallback::Wakeup(task.clone()));
                    state.fut_waiter.set(Some(Waiter::Future(future.clone())));
                    if task.must_cancel.get() && future.cancel(task.cancel_message()) {
                        task.must_cancel.set(false);
                    }
                }
            } else {
                let message = format!(
                    "yield was used instead of yield from in task {} with {}",
                    task.describe(self)?,
                    self.repr(&yielded)?
                );
                let error = self.error(ExcType::RuntimeError, message);
                task.event_loop
                    .schedule(Callback::throw(task.clone(), error));
            }
        } else if yielded.is_none() {
            task.event_loop.schedule(Callback::Step(task.clone()));
        } else if self.is_parked_on_event(&yielded) {
            // `await event.wait()` parked the task already (`locks.rs`).
            if task.must_cancel.get() && task.end_event_wait(Wait::Cancelled, task.cancel_message())
            {
                task.must_cancel.set(false);
            }
        } else {
            let text = self.repr(&yielded)?;
            let error = self.error(ExcType::RuntimeError, format!("Task got bad yield: {text}"));
            task.event_loop
                .schedule(Callback::throw(task.clone(), error));
        }
        Ok(())
    }

    /// `Task.__wakeup(future)`, of the future the task waits for: the one
    /// whose done callback woke it (nothing else steps a waiting task).
    pub fn task_wakeup(&mut self, task: &Rc<Future>) -> PyResult<()> {
        let Awaits::Future(future) = task.awaits() else {
            return Ok(());
        };
        match future.result(self) {
            Ok(_) => self.task_step(task, None),
            Err(error) => self.task_step(task, Some(error)),
        }
    }

    /// `asyncio.gather(*aws, return_exceptions=False)`.
    pub fn gather(&mut self, awaitables: &[Value], return_exceptions: bool) -> PyResult<Value> {
        if awaitables.is_empty() {
            let event_loop = self.current_or_new_loop()?;
            let outer = Future::new(event_loop);
            outer.set_result(self, Value::list(vec![]))?;
            return Ok(outer.value());
        }
        let mut children: Vec<Rc<Future>> = Vec::with_capacity(awaitables.len());
        // An argument given twice is awaited once (`arg_to_fut`), by identity.
        let mut by_identity: hashbrown::HashMap<usize, Rc<Future>> =
            hashbrown::HashMap::with_capacity(awaitables.len());
        // Each future once, with where it first is among the children.
        let mut unique: Vec<(u32, Rc<Future>)> = Vec::new();
        let mut event_loop: Option<Rc<EventLoop>> = None;
        for argument in awaitables {
            // CPython's `arg_to_fut` is a dict: an unhashable argument (a
            // list given without `*`) fails there, before its type is checked.
            if !matches!(argument, Value::Generator(_) | Value::Future(_)) {
                self.hash(argument)?;
            }
            if let Some(future) = by_identity.get(&argument.address()) {
                children.push(future.clone());
                continue;
            }
            let future = self.ensure_future(argument, event_loop.clone())?;
            if event_loop.is_none() {
                event_loop = Some(future.event_loop.clone());
            }
            by_identity.insert(argument.address(), future.clone());
            unique.push((children.len() as u32, future.clone()));
            children.push(future);
        }
        let Some(event_loop) = event_loop else {
            return Err(self.error(ExcType::RuntimeError, "gather() without awaitables"));
        };
        let outer = Future::with_kind(event_loop, Kind::Gather(children.iter().cloned().collect()));
        let gather = Rc::new(Gather {
            outer: outer.clone(),
            count: unique.len(),
            children,
            finished: Cell::new(0),
            return_exceptions,
        });
        for (index, future) in &unique {
            future.add_done_callback(DoneCallback::Gather(gather.clone(), *index));
        }
        Ok(outer.value())
    }

    /// `gather`'s `_done_callback`.
    pub fn gather_child_done(&mut self, gather: &Rc<Gather>, index: u32) -> PyResult<()> {
        let child = &gather.children[index as usize];
        gather.finished.set(gather.finished.get() + 1);
        let outer = &gather.outer;
        if outer.is_done() {
            if !child.is_cancelled() {
                let _ = child.exception(self);
            }
            return Ok(());
        }
        if !gather.return_exceptions {
            if child.is_cancelled() {
                let error = child.make_cancelled_error(self);
                return outer.set_exception(self, error);
            }
            if let Value::Instance(instance) = child.exception(self)? {
                return outer.set_exception(self, PyErr(instance));
            }
        }
        if gather.finished.get() == gather.count {
            let runtime = self.asyncio_runtime()?;
            let mut results = Vec::with_capacity(gather.children.len());
            for future in &gather.children {
                if future.is_cancelled() {
                    let message = future.cancel_message().unwrap_or_else(|| Value::str(""));
                    results.push(runtime.cancelled(self, Some(message)).value());
                } else {
                    match future.exception(self)? {
                        Value::None => results.push(future.result(self)?),
                        error => results.push(error),
                    }
                }
            }
            if outer.cancel_requested.get() {
                let error = child.make_cancelled_error(self);
                outer.set_exception(self, error)?;
            } else {
                outer.set_result(self, Value::list(results))?;
            }
        }
        Ok(())
    }

    /// `ensure_future(x)`: a future as is, a coroutine wrapped in a task.
    pub fn ensure_future(
        &mut self,
        value: &Value,
        event_loop: Option<Rc<EventLoop>>,
    ) -> PyResult<Rc<Future>> {
        if let Some(future) = future_of(value) {
            return Ok(future);
        }
        if self.is_coroutine(value) {
            let event_loop = match event_loop {
                Some(event_loop) => event_loop,
                None => self.current_or_new_loop()?,
            };
            return self.create_task(&event_loop, value.clone(), None);
        }
        if self.lookup_special(value, "__await__").is_some() {
            let event_loop = match event_loop {
                Some(event_loop) => event_loop,
                None => self.current_or_new_loop()?,
            };
            let wrapper = Value::native(Rc::new(AwaitableWrapper {
                iterator: RefCell::new(None),
                awaitable: value.clone(),
            }));
            return self.create_task(&event_loop, wrapper, None);
        }
        Err(self.type_error("An asyncio.Future, a coroutine or an awaitable is required"))
    }
}

/// `_wrap_awaitable`: a coroutine that awaits an object with `__await__`.
pub struct AwaitableWrapper {
    iterator: RefCell<Option<Value>>,
    awaitable: Value,
}

impl NativeObject for AwaitableWrapper {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.types.coroutine.clone()
    }

    fn is_resumable(&self) -> bool {
        true
    }

    fn resume(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        let existing = self.iterator.borrow().clone();
        let iterator = match existing {
            Some(iterator) => iterator,
            None => {
                let iterator = interp.awaitable_iter(self.awaitable.clone())?;
                *self.iterator.borrow_mut() = Some(iterator.clone());
                iterator
            }
        };
        interp.resume_iterator(&iterator, resume)
    }
}

/// How a task's coroutine shows in its repr.
fn describe_coroutine(coro: &Value) -> String {
    match coro {
        Value::Generator(generator) => generator.coroutine_info(),
        Value::Native(object) if object.coroutine_name().is_some() => {
            format!("{}()", object.coroutine_name().unwrap_or_default())
        }
        _ => "coroutine()".into(),
    }
}

/// The future or task inside a value, if it is one.
pub fn future_of(value: &Value) -> Option<Rc<Future>> {
    match value {
        Value::Future(future) => Some(future.clone()),
        _ => None,
    }
}

impl AwaitableWrapper {
    pub fn is_wrapper(value: &Value) -> bool {
        matches!(value, Value::Native(object) if object.is::<AwaitableWrapper>())
    }
}
