//! The event loop, in Rust.
//!
//! The scheduling rules are CPython 3.11's `BaseEventLoop._run_once`, and
//! they decide the order in which tasks interleave, which programs print:
//!
//! 1. Cancelled timers at the head of the timer heap are dropped (or, when
//!    more than half of over 100 timers are cancelled, all of them, and the
//!    heap is rebuilt).
//! 2. If nothing is ready, the loop waits until the earliest timer is due,
//!    in whole milliseconds rounded up, as CPython's epoll selector waits:
//!    it sleeps in real time, or, in virtual time, moves the clock there
//!    (or, busy long enough, catches up with it: `Clock::catch_up`).
//! 3. Every timer due by now moves, in heap order, to the FIFO ready queue.
//! 4. Exactly the callbacks that are ready at this point run, in order;
//!    callbacks they schedule wait for the next iteration.
//!
//! The timer heap is CPython's `heapq` algorithm on deadlines. CPython
//! compares deadlines alone; on its real clock two `call_later`s (or
//! sleeps) with the same delay never get exactly equal deadlines, so they
//! fire in scheduling order — but in virtual time the deadlines really are
//! equal. So timers break ties by scheduling order — a deadline computed
//! from `loop.time()` later is later on a real clock, whichever call
//! scheduled it (`asyncio.timeout` uses `call_at`) — but two absolute ones
//! (`call_at`) at exactly the same deadline tie as in CPython's heap: one
//! `when` given twice is equal on any clock. Deadlines are compared in
//! whole nanoseconds (CPython's clock resolution): in virtual time
//! `sleep(0.7)` then `sleep(0.1)` ends at 0.7999999999999999, which must
//! not come before a `sleep(0.8)` begun earlier, as on a real clock it
//! never does.
//!
//! A callback is data ([`Callback`]): a Python call, a task step, a task
//! wake-up, or one of the loop's own actions — no Python objects are made
//! to schedule a task.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use super::future::Future;
use super::io::Selector;
use super::sleep::Sleep;
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::generator::{
    has_abandoned_async_generators, take_abandoned_async_generators, Generator,
};
use crate::runtime::interp::Interp;
use crate::runtime::modules::contextvars::Context;
use crate::runtime::value::Value;

/// What a ready handle does when it runs.
pub enum Callback {
    /// `callback(*args)` from `call_soon`/`call_later`/`call_at`, or a
    /// Python done-callback of a future. Boxed: the loop's own callbacks,
    /// moved in and out of the ready queue at every task step, stay two
    /// words and a tag.
    Python(Box<PythonCall>),
    /// One step of a task.
    Step(Rc<Future>),
    /// One step of a task that throws an exception into it (boxed: it is
    /// rare, and the ready queue's entries stay two words).
    Throw(Box<(Rc<Future>, PyErr)>),
    /// A task's wake-up when the future it waits for (its `fut_waiter`)
    /// is done.
    Wakeup(Rc<Future>),
    /// The wake-up of a task parked on an event (`locks.rs`) whose wait
    /// ended (the event was set, or the task cancelled).
    EventWakeup(Rc<Future>),
    /// `sleep`'s timer.
    SleepTimer(Rc<Sleep>),
    /// The wake-up of a task whose sleep ended (fired or cancelled).
    SleepWakeup(Rc<Sleep>),
    /// `run_until_complete`'s done callback (`_run_until_complete_cb`),
    /// with its future.
    StopLoop(Rc<Future>),
    /// A child of `gather` finished: the gathering, and where the child
    /// is among its children.
    GatherChildDone(Rc<super::future::Gather>, u32),
    /// `create_task(agen.aclose())` for an async generator dropped
    /// unfinished (CPython's asyncgen finalizer hook).
    CloseAsyncGenerator(Rc<Generator>),
}

// Two words: the ready queue holds an entry per woken task (a hundred
// thousand when one `Event` releases as many).
const _: () = assert!(std::mem::size_of::<Callback>() <= 16);
const _: () = assert!(std::mem::size_of::<Ready>() <= 16);

/// The function and arguments of a [`Callback::Python`].
#[derive(Clone)]
pub struct PythonCall {
    pub function: Value,
    pub args: Vec<Value>,
    /// The `contextvars` context it runs in (`None`: a new empty one).
    pub context: Option<Rc<Context>>,
}

impl Callback {
    /// `function(*args)` as a callback, in `context`.
    pub fn python(function: Value, args: Vec<Value>, context: Option<Rc<Context>>) -> Callback {
        Callback::Python(Box::new(PythonCall {
            function,
            args,
            context,
        }))
    }

    /// A step of `task` that throws `error` into it.
    pub fn throw(task: Rc<Future>, error: PyErr) -> Callback {
        Callback::Throw(Box::new((task, error)))
    }
}

pub struct Handle {
    pub callback: RefCell<Option<Callback>>,
    pub cancelled: Cell<bool>,
    /// The deadline of a timer handle.
    pub when: f64,
    /// The deadline in whole nanoseconds, what the timer heap orders by
    /// (see the module doc).
    deadline_ns: f64,
    /// Breaks ties between equal deadlines: the scheduling order, shifted
    /// left, with the low bit set for an absolute timer (see the module
    /// doc and `less`).
    tiebreak: u64,
    /// Whether the handle sits in the timer heap.
    pub scheduled: Cell<bool>,
    /// Whether it is a `TimerHandle` (made by `call_later`/`call_at`).
    pub is_timer: bool,
    pub event_loop: Weak<EventLoop>,
    self_ref: Weak<Handle>,
}

impl Handle {
    fn new(
        callback: Callback,
        timer: Option<(f64, u64)>,
        event_loop: Weak<EventLoop>,
    ) -> Rc<Handle> {
        let (when, tiebreak) = timer.unwrap_or((0.0, 0));
        Rc::new_cyclic(|self_ref| Handle {
            callback: RefCell::new(Some(callback)),
            cancelled: Cell::new(false),
            when,
            deadline_ns: (when * 1e9).round(),
            tiebreak,
            scheduled: Cell::new(timer.is_some()),
            is_timer: timer.is_some(),
            event_loop,
            self_ref: self_ref.clone(),
        })
    }

    pub fn rc(&self) -> Rc<Handle> {
        self.self_ref
            .upgrade()
            .expect("a handle is alive while its method runs")
    }

    pub fn cancel(&self) {
        if self.cancelled.get() {
            return;
        }
        self.cancelled.set(true);
        if self.scheduled.get() {
            if let Some(event_loop) = self.event_loop.upgrade() {
                event_loop
                    .timer_cancelled_count
                    .set(event_loop.timer_cancelled_count.get() + 1);
            }
        }
        self.callback.borrow_mut().take();
    }
}

/// An entry of the ready queue: a handle someone may cancel, or one of the
/// runtime's own callbacks, which nobody holds a handle to and so needs no
/// allocation of its own.
enum Ready {
    Handle(Rc<Handle>),
    Internal(Callback),
    /// A socket's reader or writer: it stays set after it runs.
    Io(Rc<Handle>),
}

pub struct EventLoop {
    ready: RefCell<VecDeque<Ready>>,
    /// A binary heap by deadline, kept with `heapq`'s algorithm.
    scheduled: RefCell<Vec<Rc<Handle>>>,
    timer_cancelled_count: Cell<usize>,
    timer_sequence: Cell<u64>,
    pub running: Cell<bool>,
    stopping: Cell<bool>,
    pub closed: Cell<bool>,
    /// Stopped by a deadlock, whose report showed its pending tasks (where
    /// CPython would hang: they are not destroyed at exit).
    pub deadlocked: Cell<bool>,
    pub current_task: RefCell<Option<Rc<Future>>>,
    /// Every task created on this loop that may still be alive.
    pub tasks: RefCell<WeakList<Future>>,
    /// Async generators first iterated while this loop ran, which
    /// `shutdown_asyncgens` closes (CPython's `loop._asyncgens`).
    pub async_generators: RefCell<WeakList<Generator>>,
    /// The selector, made when the loop's first socket is.
    selector: RefCell<Option<Rc<Selector>>>,
    /// What `set_exception_handler` set (`exception_handler.rs`).
    pub exception_handler: RefCell<Option<Value>>,
    pub self_ref: RefCell<Weak<EventLoop>>,
}

thread_local! {
    /// The loops made on this thread, for what becomes of their pending
    /// tasks at exit (`Interp::destroy_pending_tasks`).
    static LOOPS: RefCell<WeakList<EventLoop>> = RefCell::default();
}

/// The loops made on this thread that are still alive.
pub fn live_loops() -> Vec<Rc<EventLoop>> {
    LOOPS.with(|loops| loops.borrow().live())
}

/// Weak references to what a loop keeps track of without keeping it alive
/// (CPython's `WeakSet`s), in insertion order. The dead ones are dropped
/// whenever the list has doubled since the last sweep, so its length stays
/// within twice the live count: a dead `Weak` still pins its object's
/// memory.
pub struct WeakList<T> {
    items: Vec<Weak<T>>,
    swept_len: usize,
}

impl<T> Default for WeakList<T> {
    fn default() -> WeakList<T> {
        WeakList {
            items: Vec::new(),
            swept_len: 0,
        }
    }
}

impl<T> WeakList<T> {
    pub fn push(&mut self, item: &Rc<T>) {
        if self.items.len() >= (2 * self.swept_len).max(64) {
            self.items.retain(|item| item.strong_count() > 0);
            self.swept_len = self.items.len();
        }
        self.items.push(Rc::downgrade(item));
    }

    /// The live items, in insertion order.
    pub fn live(&self) -> Vec<Rc<T>> {
        self.items.iter().filter_map(Weak::upgrade).collect()
    }

    /// Takes the live items, leaving the list empty.
    pub fn take(&mut self) -> Vec<Rc<T>> {
        let live = self.live();
        *self = WeakList::default();
        live
    }
}

/// Timers closer than this to now are due (CPython's clock resolution).
const CLOCK_RESOLUTION: f64 = 1e-9;
const MIN_SCHEDULED_TIMER_HANDLES: usize = 100;
const MIN_CANCELLED_TIMER_HANDLES_FRACTION: f64 = 0.5;
const MAXIMUM_SELECT_TIMEOUT: f64 = 24.0 * 3600.0;

impl EventLoop {
    pub fn new() -> Rc<EventLoop> {
        let event_loop = Rc::new(EventLoop {
            ready: RefCell::default(),
            scheduled: RefCell::default(),
            timer_cancelled_count: Cell::new(0),
            timer_sequence: Cell::new(0),
            running: Cell::new(false),
            stopping: Cell::new(false),
            closed: Cell::new(false),
            deadlocked: Cell::new(false),
            current_task: RefCell::new(None),
            tasks: RefCell::default(),
            async_generators: RefCell::default(),
            selector: RefCell::default(),
            exception_handler: RefCell::default(),
            self_ref: RefCell::new(Weak::new()),
        });
        *event_loop.self_ref.borrow_mut() = Rc::downgrade(&event_loop);
        LOOPS.with(|loops| loops.borrow_mut().push(&event_loop));
        event_loop
    }

    /// `loop.call_soon(…)`: a callback with a handle that can cancel it.
    pub fn call_soon(&self, callback: Callback) -> Rc<Handle> {
        self.schedule_abandoned_async_generators();
        let handle = Handle::new(callback, None, self.self_ref.borrow().clone());
        self.ready
            .borrow_mut()
            .push_back(Ready::Handle(handle.clone()));
        handle
    }

    /// `call_soon` for the runtime's own callbacks (task steps, wake-ups,
    /// done callbacks), which are never cancelled.
    pub fn schedule(&self, callback: Callback) {
        self.schedule_abandoned_async_generators();
        self.ready.borrow_mut().push_back(Ready::Internal(callback));
    }

    /// CPython's finalizer hook schedules the closing of an async generator
    /// the moment it is collected; a `Drop` cannot reach the loop, so the
    /// loop takes them before it schedules anything else, and after each
    /// callback — the same place in the ready queue.
    #[inline]
    pub fn schedule_abandoned_async_generators(&self) {
        if has_abandoned_async_generators() {
            self.schedule_closing_of_abandoned();
        }
    }

    #[cold]
    fn schedule_closing_of_abandoned(&self) {
        let mut ready = self.ready.borrow_mut();
        for generator in take_abandoned_async_generators() {
            let callback = Callback::CloseAsyncGenerator(Rc::new(generator));
            ready.push_back(Ready::Internal(callback));
        }
    }

    /// `call_at(when, …)`: a timer at an absolute deadline. Equal absolute
    /// deadlines are left to the heap, as in CPython.
    pub fn call_at(&self, when: f64, callback: Callback) -> Rc<Handle> {
        self.schedule_timer(when, true, callback)
    }

    /// `call_later(delay, …)` and `sleep`, with the deadline already
    /// computed: equal deadlines keep scheduling order, which is what a real
    /// clock (always later for a later call) gives CPython programs.
    pub fn call_later(&self, when: f64, callback: Callback) -> Rc<Handle> {
        self.schedule_timer(when, false, callback)
    }

    fn schedule_timer(&self, when: f64, absolute: bool, callback: Callback) -> Rc<Handle> {
        self.timer_sequence.set(self.timer_sequence.get() + 1);
        let tiebreak = self.timer_sequence.get() << 1 | absolute as u64;
        let handle = Handle::new(
            callback,
            Some((when, tiebreak)),
            self.self_ref.borrow().clone(),
        );
        heap_push(&mut self.scheduled.borrow_mut(), handle.clone());
        handle
    }

    /// The selector sockets register with, made on first use.
    pub fn selector(&self) -> std::io::Result<Rc<Selector>> {
        if let Some(selector) = &*self.selector.borrow() {
            return Ok(selector.clone());
        }
        let selector = Rc::new(Selector::new()?);
        *self.selector.borrow_mut() = Some(selector.clone());
        Ok(selector)
    }

    /// A socket's reader or writer handle (see `sockets.rs`).
    pub fn io_handle(&self, callback: Callback) -> Rc<Handle> {
        Handle::new(callback, None, self.self_ref.borrow().clone())
    }

    pub fn rc(&self) -> Rc<EventLoop> {
        self.self_ref
            .borrow()
            .upgrade()
            .expect("a loop is alive while its method runs")
    }

    /// `_process_events`: the sockets' handles join the ready queue.
    fn queue_io(&self, handles: Vec<Rc<Handle>>) {
        let mut ready = self.ready.borrow_mut();
        ready.extend(handles.into_iter().map(Ready::Io));
    }

    pub fn stop(&self) {
        self.stopping.set(true);
    }

    pub fn has_pending_work(&self) -> bool {
        !self.ready.borrow().is_empty() || !self.scheduled.borrow().is_empty()
    }

    /// Whether an iteration could run anything, now or later: a callback
    /// ready, a timer not cancelled, or a socket that may become ready
    /// (with none, an iteration would report a deadlock).
    pub fn can_progress(&self) -> bool {
        !self.ready.borrow().is_empty()
            || (self.scheduled.borrow().iter()).any(|handle| !handle.cancelled.get())
            || (self.selector.borrow().as_ref()).is_some_and(|selector| selector.has_sockets())
    }

    /// The tasks of this loop not done yet, in creation order.
    pub fn live_tasks(&self) -> Vec<Rc<Future>> {
        let mut tasks = self.tasks.borrow().live();
        tasks.retain(|task| !task.is_done());
        tasks
    }
}

impl Interp {
    /// `loop.run_forever()`: iterations until `stop()`.
    pub fn run_forever(&mut self, event_loop: &Rc<EventLoop>) -> PyResult<()> {
        self.run_while(event_loop, |_| true)
    }

    /// Iterations until `stop()`, or until `go_on` says no after one: the
    /// REPL turns its loop so while it waits for the next input.
    pub fn run_while(
        &mut self,
        event_loop: &Rc<EventLoop>,
        go_on: impl Fn(&EventLoop) -> bool,
    ) -> PyResult<()> {
        self.check_can_run(event_loop)?;
        let runtime = self.asyncio_runtime()?;
        event_loop.running.set(true);
        *runtime.running_loop.borrow_mut() = Some(event_loop.clone());
        // CPython's `run_forever` and `_run_once` frames, which count
        // towards the recursion limit.
        self.depth += 2;
        let result = loop {
            if let Err(error) = self.run_once(event_loop) {
                break Err(error);
            }
            if event_loop.stopping.get() || !go_on(event_loop) {
                break Ok(());
            }
        };
        self.depth -= 2;
        event_loop.stopping.set(false);
        event_loop.running.set(false);
        *runtime.running_loop.borrow_mut() = None;
        result
    }

    /// CPython's `_check_closed` and `_check_running`: whether
    /// `event_loop` can start running.
    pub fn check_can_run(&mut self, event_loop: &EventLoop) -> PyResult<()> {
        if event_loop.closed.get() {
            return Err(self.error(ExcType::RuntimeError, "Event loop is closed"));
        }
        if event_loop.running.get() {
            return Err(self.error(ExcType::RuntimeError, "This event loop is already running"));
        }
        let runtime = self.asyncio_runtime()?;
        if runtime.running_loop.borrow().is_some() {
            return Err(self.error(
                ExcType::RuntimeError,
                "Cannot run the event loop while another loop is running",
            ));
        }
        Ok(())
    }

    /// One iteration of the loop (see the module comment).
    fn run_once(&mut self, event_loop: &Rc<EventLoop>) -> PyResult<()> {
        {
            let mut scheduled = event_loop.scheduled.borrow_mut();
            let count = scheduled.len();
            if count > MIN_SCHEDULED_TIMER_HANDLES
                && event_loop.timer_cancelled_count.get() as f64 / count as f64
                    > MIN_CANCELLED_TIMER_HANDLES_FRACTION
            {
                scheduled.retain(|h| {
                    if h.cancelled.get() {
                        h.scheduled.set(false);
                    }
                    !h.cancelled.get()
                });
                heapify(&mut scheduled);
                event_loop.timer_cancelled_count.set(0);
            } else {
                while scheduled.first().is_some_and(|h| h.cancelled.get()) {
                    event_loop
                        .timer_cancelled_count
                        .set(event_loop.timer_cancelled_count.get().saturating_sub(1));
                    if let Some(h) = heap_pop(&mut scheduled) {
                        h.scheduled.set(false);
                    }
                }
            }
        }
        let timeout = if !event_loop.ready.borrow().is_empty() || event_loop.stopping.get() {
            if self.clock.is_virtual() {
                if let Some(next) = event_loop.scheduled.borrow().first() {
                    self.clock.catch_up(next.when);
                }
            }
            Some(0.0)
        } else {
            event_loop.scheduled.borrow().first().map(|h| {
                let wait = h.when - self.clock.monotonic();
                // A NaN deadline (`sleep(nan)`) waits 0, as CPython's
                // `max(0, when - now)` makes it.
                if wait.is_nan() {
                    0.0
                } else {
                    selector_timeout(wait.clamp(0.0, MAXIMUM_SELECT_TIMEOUT))
                }
            })
        };
        let selector = event_loop.selector.borrow().clone();
        match selector {
            Some(selector) if selector.has_sockets() => {
                self.select(event_loop, &selector, timeout)?
            }
            _ => self.wait_for_timer(event_loop, timeout)?,
        }
        let end_time = self.clock.monotonic() + CLOCK_RESOLUTION;
        {
            let mut scheduled = event_loop.scheduled.borrow_mut();
            // CPython's `if handle._when >= end_time: break`: a NaN
            // deadline is due at once.
            while scheduled
                .first()
                .is_some_and(|h| h.when < end_time || h.when.is_nan())
            {
                if let Some(handle) = heap_pop(&mut scheduled) {
                    handle.scheduled.set(false);
                    event_loop
                        .ready
                        .borrow_mut()
                        .push_back(Ready::Handle(handle));
                }
            }
        }
        let count = event_loop.ready.borrow().len();
        for _ in 0..count {
            let Some(ready) = event_loop.ready.borrow_mut().pop_front() else {
                break;
            };
            let (callback, handle) = match ready {
                Ready::Internal(callback) => (callback, None),
                Ready::Handle(handle) if handle.cancelled.get() => continue,
                Ready::Handle(handle) => {
                    // A program's callback stays in its handle, which
                    // still names it (`<Handle print('x')>`) once it ran.
                    let mut slot = handle.callback.borrow_mut();
                    let callback = match &*slot {
                        Some(Callback::Python(call)) => Callback::Python(call.clone()),
                        _ => match slot.take() {
                            Some(callback) => callback,
                            None => continue,
                        },
                    };
                    drop(slot);
                    (callback, Some(handle))
                }
                Ready::Io(handle) => match &*handle.callback.borrow() {
                    Some(Callback::Python(call)) => (Callback::Python(call.clone()), None),
                    _ => continue,
                },
            };
            self.run_callback(event_loop, callback, handle.as_deref())?;
            // A stopped program ends here, whoever caught the exception
            // (a task keeps its coroutine's; see `runtime::limits`).
            if let Some(reason) = self.limits.stopping() {
                return Err(reason.clone());
            }
            if crate::runtime::interrupt::take_quit() {
                self.print_task_tree();
            }
            if self.trace.is_some() {
                self.trace_wakes();
            }
            // What the callback dropped is finalized and reports now, as
            // CPython's reference counting and collector would.
            self.run_pending_finalizers();
            crate::runtime::warnings::locate_in_loop_callback();
            if self.has_pending_reports() {
                self.emit_warnings();
            }
            event_loop.schedule_abandoned_async_generators();
        }
        Ok(())
    }

    /// Step 2 without sockets: wait for the next timer, or stop at a
    /// deadlock.
    fn wait_for_timer(&mut self, event_loop: &Rc<EventLoop>, timeout: Option<f64>) -> PyResult<()> {
        match timeout {
            Some(timeout) if timeout > 0.0 => {
                let _ = self.flush_stdout();
                self.clock.sleep(timeout);
                self.check_interrupt()
            }
            Some(_) => Ok(()),
            // Nothing is ready and no timer can ever fire: CPython would
            // wait forever.
            None => Err(self.deadlock(event_loop)),
        }
    }

    /// Step 2 with sockets: CPython's `select(timeout)` and
    /// `_process_events`, with virtual time as `io.rs` describes.
    fn select(
        &mut self,
        event_loop: &Rc<EventLoop>,
        selector: &Selector,
        timeout: Option<f64>,
    ) -> PyResult<()> {
        let idle = timeout != Some(0.0);
        if idle {
            let _ = self.flush_stdout();
        }
        let handles = if !idle {
            self.selected(selector, Some(Duration::ZERO))?
        } else if self.clock.is_virtual() && !selector.talks_to_outside() {
            // Only this program can make its sockets ready.
            let handles = self.selected(selector, Some(Duration::ZERO))?;
            if handles.is_empty() {
                match timeout {
                    Some(timeout) => self.clock.sleep(timeout),
                    None if selector.reachable_from_outside() => {
                        return self.wait_in_selector(event_loop, selector, None)
                    }
                    None => return Err(self.deadlock(event_loop)),
                }
            }
            handles
        } else if timeout.is_none() && !selector.reachable_from_outside() {
            let handles = self.selected(selector, Some(Duration::ZERO))?;
            if handles.is_empty() {
                return Err(self.deadlock(event_loop));
            }
            handles
        } else {
            let timeout = timeout.map(Duration::from_secs_f64);
            return self.wait_in_selector(event_loop, selector, timeout);
        };
        event_loop.queue_io(handles);
        self.check_interrupt()
    }

    /// Waits in the selector in real time; the virtual clock, if it is
    /// one, moves by the time waited (to the timer, when it timed out).
    fn wait_in_selector(
        &mut self,
        event_loop: &Rc<EventLoop>,
        selector: &Selector,
        timeout: Option<Duration>,
    ) -> PyResult<()> {
        let started = Instant::now();
        let handles = self.selected(selector, timeout)?;
        if self.clock.is_virtual() {
            let waited = match timeout {
                Some(timeout) if handles.is_empty() => timeout,
                _ => started.elapsed(),
            };
            self.clock.sleep(waited.as_secs_f64());
        }
        event_loop.queue_io(handles);
        self.check_interrupt()
    }

    fn selected(
        &self,
        selector: &Selector,
        timeout: Option<Duration>,
    ) -> PyResult<Vec<Rc<Handle>>> {
        selector
            .select(timeout)
            .map_err(|error| self.os_error(error))
    }

    fn check_interrupt(&mut self) -> PyResult<()> {
        if crate::runtime::interrupt::take_quit() {
            self.print_task_tree();
        }
        match crate::runtime::interrupt::take()
            .then(|| self.keyboard_interrupt())
            .flatten()
        {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Runs one callback; an exception in a plain callback goes to the
    /// loop's exception handler and the loop goes on, as in CPython.
    /// `handle`, when the callback has one, names it in the report of an
    /// exception.
    fn run_callback(
        &mut self,
        event_loop: &Rc<EventLoop>,
        callback: Callback,
        handle: Option<&Handle>,
    ) -> PyResult<()> {
        // Under CPython's `Handle._run` and `Context.run`, and a task's
        // step: levels of the recursion limit.
        let levels = match callback {
            Callback::Python(_) => 2,
            _ => 3,
        };
        self.depth += levels;
        let result = self.run_callback_at_depth(event_loop, callback, handle);
        self.depth -= levels;
        result
    }

    fn run_callback_at_depth(
        &mut self,
        event_loop: &Rc<EventLoop>,
        callback: Callback,
        handle: Option<&Handle>,
    ) -> PyResult<()> {
        match callback {
            Callback::Python(call) => match self.call_in_context(&call) {
                Ok(_) => Ok(()),
                Err(error) => self.python_callback_failed(event_loop, call, handle, error),
            },
            Callback::Step(task) => self.task_step(&task, None),
            Callback::Throw(step) => {
                let (task, error) = *step;
                self.task_step(&task, Some(error))
            }
            Callback::Wakeup(task) => self.task_wakeup(&task),
            Callback::EventWakeup(task) => self.event_wakeup(&task),
            Callback::SleepTimer(sleep) => {
                sleep.timer_fired();
                Ok(())
            }
            Callback::SleepWakeup(sleep) => sleep.wake(self),
            Callback::StopLoop(future) => {
                // A future that raised SystemExit or KeyboardInterrupt
                // stopped the loop already: this may run in a later run
                // of it (`asyncio.run`'s shutdown), which it must not stop.
                if !future.is_cancelled() {
                    if let Ok(Value::Instance(exception)) = future.exception(self) {
                        let error = PyErr(exception);
                        if self.is_instance_of(&error, ExcType::SystemExit)
                            || self.is_instance_of(&error, ExcType::KeyboardInterrupt)
                        {
                            return Ok(());
                        }
                    }
                }
                event_loop.stop();
                Ok(())
            }
            Callback::GatherChildDone(gather, index) => self.gather_child_done(&gather, index),
            Callback::CloseAsyncGenerator(generator) => {
                let aclose = self.call_method(&Value::Generator(generator), "aclose", &[])?;
                self.create_task(event_loop, aclose, None).map(drop)
            }
        }
    }

    /// CPython's `Handle._run` after its callback raised: SystemExit and
    /// KeyboardInterrupt stop the loop; anything else goes to the loop's
    /// exception handler, with the handle (one made now for a callback
    /// that had none: a future's done callback, which CPython schedules
    /// with `call_soon`).
    #[cold]
    fn python_callback_failed(
        &mut self,
        event_loop: &Rc<EventLoop>,
        call: Box<PythonCall>,
        handle: Option<&Handle>,
        error: PyErr,
    ) -> PyResult<()> {
        if self.is_instance_of(&error, ExcType::KeyboardInterrupt)
            || self.is_instance_of(&error, ExcType::SystemExit)
        {
            return Err(error);
        }
        let source =
            super::describe::format_callback(self, &call.function, &call.args).unwrap_or_default();
        let handle = match handle {
            Some(handle) => handle.rc(),
            None => Handle::new(Callback::Python(call), None, Rc::downgrade(event_loop)),
        };
        let message = format!("Exception in callback {source}");
        let during = error.clone();
        self.report_to_loop(
            event_loop,
            |_| {
                vec![
                    ("message", Value::str(message.as_str())),
                    ("exception", error.value()),
                    ("handle", Value::native(handle.clone())),
                ]
            },
            Some(&during),
            |interp| {
                let repr = super::describe::handle_repr(interp, &handle).unwrap_or_default();
                let report = format!("{message}\nhandle: {repr}");
                interp.callback_failed(&report, during.clone(), Logged::FromCallback)
            },
        )
    }

    /// A callback's call, in its context once contexts are in use.
    fn call_in_context(&mut self, call: &PythonCall) -> PyResult<Value> {
        if !self.contexts_used {
            return self.call(&call.function, &call.args, &[]);
        }
        let context = call.context.clone();
        let (result, _) = self.run_in_context(context, |interp| {
            interp.call(&call.function, &call.args, &[])
        });
        result
    }

    /// Reports an exception from a callback unless it must stop the loop.
    pub fn callback_failed(&mut self, message: &str, error: PyErr, origin: Logged) -> PyResult<()> {
        if self.is_instance_of(&error, ExcType::KeyboardInterrupt)
            || self.is_instance_of(&error, ExcType::SystemExit)
        {
            return Err(error);
        }
        let _ = self.flush_stdout();
        eprintln!("{message}");
        match origin {
            Logged::FromCallback => crate::diagnostics::report_callback_exception(self, &error),
            Logged::Given => crate::diagnostics::report_exception(self, &error),
        }
        Ok(())
    }

    /// The error that ends a loop with nothing left that could ever run.
    fn deadlock(&mut self, event_loop: &Rc<EventLoop>) -> PyErr {
        event_loop.deadlocked.set(true);
        let _ = self.flush_stdout();
        eprintln!("deadlock: every task is waiting and nothing can wake one");
        eprint!(
            "{}",
            super::tree::render(event_loop, self.clock.monotonic())
        );
        self.error(
            ExcType::RuntimeError,
            "deadlock: no task can make progress (pyl stops where CPython would hang)",
        )
    }
}

/// Where an exception the loop logs comes from.
pub enum Logged {
    /// Raised by a callback the loop called, under CPython's `Handle._run`
    /// frame, which pyl does not show.
    FromCallback,
    /// Handed over (`call_exception_handler`, a task's at shutdown).
    Given,
}

/// What CPython's `EpollSelector.select` waits for a timeout: whole
/// milliseconds, rounded up ("to wait *at least* timeout seconds").
/// Timers less than a millisecond after the first come due in the same
/// iteration, on CPython's real clock and so in virtual time too (a
/// nanosecond's tolerance keeps a virtual clock's exact 1.5 s at 1.5 s).
fn selector_timeout(wait: f64) -> f64 {
    if wait <= 0.0 {
        return 0.0;
    }
    (wait * 1e3 - 1e-6).ceil().max(0.0) * 1e-3
}

// `heapq`'s algorithm on handles ordered by (deadline in nanoseconds,
// tiebreak), but for
// two absolute timers at the same deadline, which CPython's heap compares
// equal.

fn less(a: &Handle, b: &Handle) -> bool {
    if a.deadline_ns != b.deadline_ns {
        return a.deadline_ns < b.deadline_ns;
    }
    a.tiebreak & b.tiebreak & 1 == 0 && a.tiebreak < b.tiebreak
}

fn heap_push(heap: &mut Vec<Rc<Handle>>, item: Rc<Handle>) {
    heap.push(item);
    let last = heap.len() - 1;
    sift_down(heap, 0, last);
}

fn heap_pop(heap: &mut Vec<Rc<Handle>>) -> Option<Rc<Handle>> {
    let last = heap.pop()?;
    if heap.is_empty() {
        return Some(last);
    }
    let first = std::mem::replace(&mut heap[0], last);
    sift_up(heap, 0);
    Some(first)
}

fn heapify(heap: &mut [Rc<Handle>]) {
    for i in (0..heap.len() / 2).rev() {
        sift_up(heap, i);
    }
}

/// `heapq._siftdown`: moves the item at `pos` up towards `start`.
fn sift_down(heap: &mut [Rc<Handle>], start: usize, mut pos: usize) {
    let item = heap[pos].clone();
    while pos > start {
        let parent = (pos - 1) >> 1;
        if less(&item, &heap[parent]) {
            heap[pos] = heap[parent].clone();
            pos = parent;
            continue;
        }
        break;
    }
    heap[pos] = item;
}

/// `heapq._siftup`: moves the smaller child up until a leaf, then sifts down.
fn sift_up(heap: &mut [Rc<Handle>], mut pos: usize) {
    let end = heap.len();
    let start = pos;
    let item = heap[pos].clone();
    let mut child = 2 * pos + 1;
    while child < end {
        let right = child + 1;
        if right < end && !less(&heap[child], &heap[right]) {
            child = right;
        }
        heap[pos] = heap[child].clone();
        pos = child;
        child = 2 * pos + 1;
    }
    heap[pos] = item;
    sift_down(heap, start, pos);
}
