//! `pyl --trace-tasks`: one line on stderr per scheduling event of a task
//! — created, started, suspended (where, and waiting for what), resumed,
//! finished, failed or cancelled — with the loop's time. In virtual time
//! the trace is deterministic, so it can be compared with an expectation.
//! The same events feed `--timeline` (`timeline.rs`).
//!
//! The loop calls these hooks only when tracing is on (`Interp::trace`
//! is `Some`): without the options a task step pays one test of a field.
//! For the timeline alone, an event formats nothing: what a task waits for
//! is kept as data, and its text is made once per place and kind of wait.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

use super::future::{Future, TaskState};
use super::sleep::Sleep;
use super::timeline::{Timeline, WaitKey};
use crate::eval::frame::GenStep;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

/// What the trace remembers between events.
pub struct TaskTrace {
    /// `--trace-tasks`: print each event.
    pub print: bool,
    /// `--timeline`: record the intervals, to draw at the end.
    pub timeline: Option<Timeline>,
    /// The numbers (`Task-N`) of the tasks that have run a first step.
    started: HashSet<u64>,
}

impl TaskTrace {
    pub fn new(print: bool, timeline: Option<Timeline>) -> TaskTrace {
        RECORDING_WAKES.set(timeline.is_some());
        TaskTrace {
            print,
            timeline,
            started: HashSet::new(),
        }
    }

    /// Draws the timeline, if one was asked for, at the end of the run.
    pub fn finish(self, now: f64, virtual_clock: bool) -> std::io::Result<()> {
        RECORDING_WAKES.set(false);
        match self.timeline {
            Some(timeline) => timeline.write(now, virtual_clock),
            None => Ok(()),
        }
    }
}

thread_local! {
    /// Whether a timeline records: futures then note the tasks they wake.
    static RECORDING_WAKES: Cell<bool> = const { Cell::new(false) };
    /// The tasks (`Task-N`) woken by futures during the current callback.
    static WOKEN: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// A future finished and schedules `task`'s wake-up: the task is ready
/// from now on (a future cannot reach the clock; the loop reads it after
/// the callback, `Interp::trace_wakes`).
pub fn note_woken(task: &Future) {
    if RECORDING_WAKES.get() {
        if let Some(state) = task.task() {
            WOKEN.with_borrow_mut(|woken| woken.push(u64::from(state.number)));
        }
    }
}

/// What a suspended task waits for.
enum Awaited {
    Sleep(Option<f64>),
    Task(Rc<Future>),
    Gather(Rc<Future>),
    /// A plain future, awaited inside this coroutine function.
    Future(Option<Name>),
    NextIteration,
}

impl Awaited {
    fn of(interp: &Interp, task: &Future, yielded: &Value) -> Awaited {
        if interp.is_parked_on_event(yielded) {
            return Awaited::Future(awaited_function(task));
        }
        if let Some(sleep) = Sleep::yielded(yielded) {
            return Awaited::Sleep(sleep.deadline());
        }
        let Some(future) = super::future::future_of(yielded) else {
            return Awaited::NextIteration;
        };
        if future.task().is_some() {
            Awaited::Task(future)
        } else if future.gathered().is_some() {
            Awaited::Gather(future)
        } else {
            Awaited::Future(awaited_function(task))
        }
    }

    fn describe(&self) -> String {
        match self {
            Awaited::Sleep(Some(when)) => format!("sleep until {when:.3}"),
            Awaited::Sleep(None) => "sleep".to_string(),
            Awaited::Task(task) => task.task_name(),
            Awaited::Gather(future) => {
                let children = future.gathered().unwrap_or_default();
                let names: Vec<String> = children.iter().map(|c| c.task_name()).collect();
                format!("gather({})", names.join(", "))
            }
            Awaited::Future(Some(function)) => format!("a future in {function}"),
            Awaited::Future(None) => "a future".to_string(),
            Awaited::NextIteration => "the next iteration".to_string(),
        }
    }

    /// The same, without what differs from one task to another (which
    /// task, which deadline): the timeline's hover text.
    fn kind(&self) -> String {
        match self {
            Awaited::Sleep(_) => "sleep".to_string(),
            Awaited::Task(_) => "a task".to_string(),
            Awaited::Gather(_) => "gather".to_string(),
            other => other.describe(),
        }
    }

    /// What [`Awaited::kind`] depends on, without making its text.
    fn kind_key(&self) -> (u8, Option<Name>) {
        match self {
            Awaited::Sleep(_) => (0, None),
            Awaited::Task(_) => (1, None),
            Awaited::Gather(_) => (2, None),
            Awaited::Future(function) => (3, function.clone()),
            Awaited::NextIteration => (4, None),
        }
    }
}

impl Interp {
    /// After a callback: the tasks it woke are ready from now.
    pub fn trace_wakes(&mut self) {
        let woken = WOKEN.with_borrow_mut(std::mem::take);
        if woken.is_empty() {
            return;
        }
        let now = self.clock.monotonic();
        if let Some(timeline) = self.trace.as_mut().and_then(|t| t.timeline.as_mut()) {
            for number in woken {
                timeline.woken(number, now);
            }
        }
    }

    fn trace_line(&mut self, task: &Future, event: &str) {
        let _ = self.flush_stdout();
        eprintln!(
            "[{:9.3}] {} {event}",
            self.clock.monotonic(),
            task.task_name()
        );
    }

    pub fn trace_created(&mut self, task: &Future) {
        let coroutine = task.coroutine_label();
        let now = self.clock.monotonic();
        let Some(trace) = self.trace.as_mut() else {
            return;
        };
        if let (Some(timeline), Some(state)) = (&mut trace.timeline, task.task()) {
            timeline.created(
                u64::from(state.number),
                task.task_name(),
                coroutine.clone(),
                now,
            );
        }
        if trace.print {
            self.trace_line(task, &format!("created: {coroutine}"));
        }
    }

    pub fn trace_step_started(&mut self, task: &Future) {
        let Some(state) = task.task() else {
            return;
        };
        let now = self.clock.monotonic();
        let Some(trace) = self.trace.as_mut() else {
            return;
        };
        if let Some(timeline) = &mut trace.timeline {
            timeline.step_started(u64::from(state.number), now);
        }
        if trace.print {
            let first = trace.started.insert(u64::from(state.number));
            self.trace_line(task, if first { "started" } else { "resumed" });
        }
    }

    /// How a step ended: suspended (where, waiting for what), or done.
    pub fn trace_step_outcome(
        &mut self,
        task: &Future,
        state: &TaskState,
        outcome: &PyResult<GenStep>,
    ) {
        let now = self.clock.monotonic();
        let print = self.trace.as_ref().is_some_and(|trace| trace.print);
        let ended = match outcome {
            Ok(GenStep::Yielded(yielded)) => {
                let awaited = Awaited::of(self, task, yielded);
                if let Some(timeline) = self.trace.as_mut().and_then(|t| t.timeline.as_mut()) {
                    let where_ = match &state.coro {
                        Value::Generator(generator) => generator.suspended_at(),
                        _ => None,
                    };
                    let key = WaitKey::new(where_, awaited.kind_key());
                    let sleeping = match awaited {
                        Awaited::Sleep(deadline) => Some(deadline),
                        _ => None,
                    };
                    timeline.suspended(u64::from(state.number), now, key, sleeping, || {
                        suspension_text(task, &awaited.kind())
                    });
                }
                if print {
                    let event = suspension_text(task, &awaited.describe());
                    self.trace_line(task, &event);
                }
                return;
            }
            Ok(GenStep::Returned(_)) if task.must_cancel.get() => "cancelled".to_string(),
            Ok(GenStep::Returned(_)) => "finished".to_string(),
            Err(error) if self.is_cancellation(error) => "cancelled".to_string(),
            Err(error) => match self.repr(&Value::Instance(error.0.clone())) {
                Ok(text) => format!("failed: {text}"),
                Err(_) => "failed".to_string(),
            },
        };
        if let Some(timeline) = self.trace.as_mut().and_then(|t| t.timeline.as_mut()) {
            timeline.finished(u64::from(state.number), task.task_name(), now);
        }
        if print {
            self.trace_line(task, &ended);
        }
    }
}

fn suspension_text(task: &Future, awaited: &str) -> String {
    match task.waiting_line() {
        Some(line) => format!(
            "suspended at {}, waiting for {awaited}",
            without_folder(&line)
        ),
        None => format!("suspended, waiting for {awaited}"),
    }
}

/// `file:line in function` with the file's name alone: traces stay short
/// and the same wherever the script is.
pub(super) fn without_folder(location: &str) -> &str {
    match location.rfind('/') {
        Some(slash) if !location[..slash].contains(':') => &location[slash + 1..],
        _ => location,
    }
}

/// The innermost coroutine function a task awaits in (`Queue.get`,
/// `StreamReader._wait_for_data`, `Event.wait`): what the future it waits
/// for belongs to.
pub(super) fn awaited_function(task: &Future) -> Option<Name> {
    match &task.task()?.coro {
        Value::Generator(generator) => Some(generator.innermost_awaiting()),
        Value::Native(native) => native.coroutine_name().map(Name::from),
        _ => None,
    }
}
