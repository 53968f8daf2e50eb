//! `pyl --trace-tasks`: one line on stderr per scheduling event of a task
//! — created, started, suspended (where, and waiting for what), resumed,
//! finished, failed or cancelled — with the loop's time. In virtual time
//! the trace is deterministic, so it can be compared with an expectation.
//! The same events feed `--timeline` (`timeline.rs`).
//!
//! The loop calls these hooks only when tracing is on (`Interp::trace`
//! is `Some`): without the options a task step pays one test of a field.

use std::collections::HashSet;

use super::future::{Future, TaskState};
use super::sleep::Sleep;
use super::timeline::{State, Timeline};
use crate::eval::frame::GenStep;
use crate::runtime::error::{PyErr, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::value::Value;

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
        TaskTrace {
            print,
            timeline,
            started: HashSet::new(),
        }
    }

    /// Draws the timeline, if one was asked for, at the end of the run.
    pub fn finish(self, now: f64, virtual_clock: bool) -> std::io::Result<()> {
        match self.timeline {
            Some(timeline) => timeline.write(now, virtual_clock),
            None => Ok(()),
        }
    }
}

impl Interp {
    fn trace_line(&mut self, task: &Future, event: &str) {
        let _ = self.flush_stdout();
        eprintln!(
            "[{:9.3}] {} {event}",
            self.clock.monotonic(),
            task.task_name()
        );
    }

    pub fn trace_created(&mut self, task: &Future) {
        let coroutine = match task.task().map(|state| &state.coro) {
            Some(Value::Generator(generator)) => format!("{}()", generator.qualname()),
            Some(Value::Native(native)) => {
                format!("{}()", native.coroutine_name().unwrap_or("coroutine"))
            }
            _ => "coroutine".to_string(),
        };
        let now = self.clock.monotonic();
        if let (Some(trace), Some(state)) = (self.trace.as_mut(), task.task()) {
            if let Some(timeline) = &mut trace.timeline {
                timeline.created(state.number, task.task_name(), coroutine.clone(), now);
            }
        }
        if self.trace.as_ref().is_some_and(|trace| trace.print) {
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
        let first = trace.started.insert(state.number);
        if let Some(timeline) = &mut trace.timeline {
            timeline.step_started(state.number, task.task_name(), now);
        }
        if trace.print {
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
        let cancelled = |this: &Self, error: &PyErr| {
            this.asyncio
                .as_ref()
                .is_some_and(|runtime| error.0.class.is_subclass_of(&runtime.cancelled_error))
        };
        let mut suspended = None;
        let event = match outcome {
            Ok(GenStep::Yielded(yielded)) => {
                let sleep = Sleep::yielded(yielded);
                let awaited = if let Some(sleep) = &sleep {
                    match sleep.deadline() {
                        Some(when) => format!("sleep until {when:.3}"),
                        None => "sleep".to_string(),
                    }
                } else if let Some(future) = super::future::future_of(yielded) {
                    if future.task().is_some() {
                        future.task_name()
                    } else if let Some(children) = future.gathered() {
                        let names: Vec<String> = children.iter().map(|c| c.task_name()).collect();
                        format!("gather({})", names.join(", "))
                    } else {
                        match awaited_function(task) {
                            Some(function) => format!("a future in {function}"),
                            None => "a future".to_string(),
                        }
                    }
                } else {
                    "the next iteration".to_string()
                };
                let event = match task.waiting_line() {
                    Some(line) => format!(
                        "suspended at {}, waiting for {awaited}",
                        without_folder(&line)
                    ),
                    None => format!("suspended, waiting for {awaited}"),
                };
                suspended = Some(match &sleep {
                    Some(sleep) => (State::Sleeping, event.clone(), sleep.deadline()),
                    None => (State::Waiting, event.clone(), None),
                });
                event
            }
            Ok(GenStep::Returned(_)) if state.must_cancel.get() => "cancelled".to_string(),
            Ok(GenStep::Returned(_)) => "finished".to_string(),
            Err(error) if cancelled(self, error) => "cancelled".to_string(),
            Err(error) => match self.repr(&Value::Instance(error.0.clone())) {
                Ok(text) => format!("failed: {text}"),
                Err(_) => "failed".to_string(),
            },
        };
        let now = self.clock.monotonic();
        let Some(trace) = self.trace.as_mut() else {
            return;
        };
        if let Some(timeline) = &mut trace.timeline {
            timeline.step_ended(state.number, task.task_name(), now, suspended);
        }
        if trace.print {
            self.trace_line(task, &event);
        }
    }
}

/// `file:line in function` with the file's name alone: traces stay short
/// and the same wherever the script is.
fn without_folder(location: &str) -> &str {
    match location.rfind('/') {
        Some(slash) if !location[..slash].contains(':') => &location[slash + 1..],
        _ => location,
    }
}

/// The innermost coroutine function a task awaits in (`Queue.get`,
/// `StreamReader._wait_for_data`, `Event.wait`): what the future it waits
/// for belongs to.
fn awaited_function(task: &Future) -> Option<String> {
    match &task.task()?.coro {
        Value::Generator(generator) => Some(generator.innermost_awaiting()),
        Value::Native(native) => native.coroutine_name().map(str::to_string),
        _ => None,
    }
}
