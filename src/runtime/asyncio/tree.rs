//! The task tree: every pending task of a loop, under the task that awaits
//! it (directly or through `gather`), with its state and the line it waits
//! at. Printed on SIGQUIT (Ctrl-\) while the program goes on, by the
//! REPL's `tasks()`, and in the deadlock report.

use std::collections::HashMap;
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

/// How deep the tree is drawn: below, a line counts the tasks left out
/// (a chain of tasks each awaiting the next would otherwise print
/// indentation quadratic in its length).
const MAX_DEPTH: usize = 32;

/// The tree of `event_loop`'s pending tasks, one line per task, indented
/// under the task awaiting it; `now` is the loop's time.
pub fn render(event_loop: &EventLoop, now: f64) -> String {
    let tasks = event_loop.live_tasks();
    let index: HashMap<*const Future, usize> = tasks
        .iter()
        .enumerate()
        .map(|(i, task)| (Rc::as_ptr(task), i))
        .collect();
    // Each task's children, by index; a task awaited by another is no root.
    let mut is_child = vec![false; tasks.len()];
    let children: Vec<Vec<usize>> = tasks
        .iter()
        .map(|task| {
            let awaited: Vec<usize> = awaited_tasks(task)
                .iter()
                .filter_map(|child| index.get(&Rc::as_ptr(child)).copied())
                .collect();
            for &child in &awaited {
                is_child[child] = true;
            }
            awaited
        })
        .collect();
    let current = event_loop.current_task.borrow().clone();
    let mut out = format!(
        "{} pending task{} at loop time {now:.3}:\n",
        tasks.len(),
        if tasks.len() == 1 { "" } else { "s" }
    );
    // Depth first, on an explicit stack: (task, prefix, last, depth). The
    // roots are the tasks no task awaits; then any task still not drawn
    // (tasks awaiting each other in a ring) starts a tree of its own.
    let mut drawn = vec![false; tasks.len()];
    let mut stack: Vec<(usize, String, bool, usize)> = (0..tasks.len())
        .rev()
        .filter(|&i| !is_child[i])
        .map(|i| (i, String::new(), true, 0))
        .collect();
    let mut next_unseen = 0;
    loop {
        let Some((task, prefix, last, depth)) = stack.pop() else {
            match (next_unseen..tasks.len()).find(|&i| !drawn[i]) {
                Some(i) => {
                    next_unseen = i + 1;
                    stack.push((i, String::new(), true, 0));
                    continue;
                }
                None => break,
            }
        };
        let branch = match (depth, last) {
            (0, _) => "",
            (_, true) => "└── ",
            _ => "├── ",
        };
        if depth > MAX_DEPTH {
            let hidden = hide_subtree(task, &children, &mut drawn);
            let _ = writeln!(
                out,
                "{prefix}{branch}… {hidden} more task{} awaited below",
                if hidden == 1 { "" } else { "s" }
            );
            continue;
        }
        // A task awaited by two tasks, or in a ring, is drawn once.
        if drawn[task] {
            let name = tasks[task].task_name();
            let _ = writeln!(out, "{prefix}{branch}{name} (shown above)");
            continue;
        }
        let _ = writeln!(
            out,
            "{prefix}{branch}{}",
            describe(&tasks[task], current.as_ref())
        );
        drawn[task] = true;
        let prefix = match (depth, last) {
            (0, _) => String::new(),
            (_, true) => format!("{prefix}    "),
            _ => format!("{prefix}│   "),
        };
        let count = children[task].len();
        for (position, &child) in children[task].iter().enumerate().rev() {
            stack.push((child, prefix.clone(), position + 1 == count, depth + 1));
        }
    }
    out
}

/// Marks the tasks of `root`'s subtree not drawn yet as drawn, and
/// says how many they are.
fn hide_subtree(root: usize, children: &[Vec<usize>], drawn: &mut [bool]) -> usize {
    let mut hidden = 0;
    let mut stack = vec![root];
    while let Some(task) = stack.pop() {
        if !std::mem::replace(&mut drawn[task], true) {
            hidden += 1;
            stack.extend(&children[task]);
        }
    }
    hidden
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
            Awaits::Future(_) | Awaits::Event => match super::trace::awaited_function(task) {
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
