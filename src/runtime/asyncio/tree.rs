//! The task tree: every pending task of a loop, under the task that awaits
//! it (directly or through `gather`), with its state and the line it waits
//! at. Printed on SIGQUIT (Ctrl-\) while the program goes on, by the
//! REPL's `tasks()`, and in the deadlock report.

use std::fmt::Write as _;
use std::rc::Rc;

use super::event_loop::EventLoop;
use super::future::{Awaits, Future};
use crate::runtime::interp::Interp;

impl Interp {
    /// Ctrl-\: the running loop's task tree on stderr; the program goes on.
    pub fn print_task_tree(&mut self) {
        let _ = self.flush_stdout();
        eprint!("{}", self.task_tree());
    }

    /// The running loop's task tree (the REPL's `tasks()` prints it).
    pub fn task_tree(&self) -> String {
        let running = self
            .asyncio
            .as_ref()
            .and_then(|runtime| runtime.running_loop.borrow().clone());
        match running {
            Some(event_loop) => render(&event_loop, self.clock.monotonic()),
            None => "no event loop is running: there are no tasks to show\n".to_string(),
        }
    }
}

/// The tree of `event_loop`'s pending tasks, one line per task, indented
/// under the task awaiting it; `now` is the loop's time.
pub fn render(event_loop: &EventLoop, now: f64) -> String {
    let tasks = event_loop.live_tasks();
    let awaited: Vec<Vec<Rc<Future>>> = tasks.iter().map(|task| awaited_tasks(task)).collect();
    let is_child = |task: &Rc<Future>| {
        awaited
            .iter()
            .flatten()
            .any(|child| Rc::ptr_eq(child, task))
    };
    let current = event_loop.current_task.borrow().clone();
    let mut out = format!(
        "{} pending task{} at loop time {now:.3}:\n",
        tasks.len(),
        if tasks.len() == 1 { "" } else { "s" }
    );
    for task in tasks.iter().filter(|task| !is_child(task)) {
        write_task(
            &mut out,
            task,
            current.as_ref(),
            &tasks,
            &awaited,
            "",
            true,
            0,
        );
    }
    out
}

/// The tasks `task` waits for: the one it awaits, or those of a `gather`.
fn awaited_tasks(task: &Future) -> Vec<Rc<Future>> {
    match task.awaits() {
        Awaits::Future(future) if future.task().is_some() => vec![future],
        Awaits::Future(future) => future
            .gathered()
            .map(|children| {
                children
                    .iter()
                    .filter(|c| c.task().is_some())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

#[allow(clippy::too_many_arguments)]
fn write_task(
    out: &mut String,
    task: &Rc<Future>,
    current: Option<&Rc<Future>>,
    tasks: &[Rc<Future>],
    awaited: &[Vec<Rc<Future>>],
    prefix: &str,
    last: bool,
    depth: usize,
) {
    let branch = if depth == 0 {
        ""
    } else if last {
        "└── "
    } else {
        "├── "
    };
    let _ = writeln!(out, "{prefix}{branch}{}", describe(task, current));
    // A cycle of awaits (a task awaiting itself through others) stops here.
    if depth > tasks.len() {
        return;
    }
    let children = tasks
        .iter()
        .position(|t| Rc::ptr_eq(t, task))
        .map(|index| awaited[index].clone())
        .unwrap_or_default();
    let prefix = match depth {
        0 => String::new(),
        _ if last => format!("{prefix}    "),
        _ => format!("{prefix}│   "),
    };
    for (index, child) in children.iter().enumerate() {
        let last = index + 1 == children.len();
        write_task(
            out,
            child,
            current,
            tasks,
            awaited,
            &prefix,
            last,
            depth + 1,
        );
    }
}

/// `Task-2 pharmacy(): sleeping until 1.500 at errands.pyl:15 in pharmacy`.
fn describe(task: &Rc<Future>, current: Option<&Rc<Future>>) -> String {
    let coroutine = task.coroutine_label();
    let state = if current.is_some_and(|current| Rc::ptr_eq(current, task)) {
        "running".to_string()
    } else {
        match task.awaits() {
            Awaits::Sleep(Some(when)) => format!("sleeping until {when:.3}"),
            Awaits::Sleep(None) => "sleeping".to_string(),
            Awaits::Future(future) if future.task().is_some() => {
                format!("awaiting {}", future.task_name())
            }
            Awaits::Future(future) if future.gathered().is_some() => "awaiting gather".to_string(),
            Awaits::Future(_) => match super::trace::awaited_function(task) {
                Some(function) => format!("waiting for a future in {function}"),
                None => "waiting for a future".to_string(),
            },
            Awaits::Nothing => "ready".to_string(),
        }
    };
    let place = task
        .waiting_line()
        .map(|line| format!(" at {}", super::trace::without_folder(&line)))
        .unwrap_or_default();
    format!("{} {coroutine}: {state}{place}", task.task_name())
}
