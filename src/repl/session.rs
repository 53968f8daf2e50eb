//! One REPL session: the `__main__` namespace and the event loop that live
//! across inputs, and how one input runs.
//!
//! As in `python -m asyncio`, `asyncio` is imported for you and every
//! input runs on the session's loop: an input without `await` runs as a
//! callback of the loop would (so `asyncio.create_task` works), an input
//! that awaits at top level runs as a task. Between inputs, while the
//! prompt waits, the loop turns too, so tasks started earlier go on as
//! in `python -m asyncio` (with a virtual clock it does not: time would
//! race ahead while the user types).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc::{Receiver, TryRecvError};

use crate::compile::ir::Flavor;
use crate::diagnostics;
use crate::eval::frame::Frame;
use crate::run::{compile_interactive, exit_status};
use crate::runtime::asyncio::event_loop::EventLoop;
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::generator::{Generator, GeneratorKind};
use crate::runtime::interp::Interp;
use crate::runtime::modules::new_main_module;
use crate::runtime::object::ModuleObject;
use crate::runtime::output::Output;
use crate::runtime::value::Value;

use super::completion::Completions;
use super::screen::Screen;
use super::{FromEditor, Input};

pub struct Session {
    /// Shared with the line editor's completer, which reads names and
    /// attributes while no input runs.
    pub interp: Rc<RefCell<Interp>>,
    pub main: Rc<ModuleObject>,
    event_loop: Rc<EventLoop>,
}

fn print_tasks(
    interp: &mut Interp,
    _: &[Value],
    _: &[(crate::syntax::ast::Name, Value)],
) -> PyResult<Value> {
    let tree = interp.task_tree();
    interp.write_stdout(&tree)?;
    Ok(Value::None)
}

impl Session {
    pub fn new(mut interp: Interp) -> PyResult<Session> {
        let main = new_main_module();
        interp
            .modules
            .insert("__main__".into(), Value::Module(main.clone()));
        let asyncio = interp.import_module("asyncio")?;
        main.namespace
            .borrow_mut()
            .insert("asyncio".into(), asyncio);
        let event_loop = EventLoop::new();
        let runtime = interp.asyncio_runtime()?;
        *runtime.current_loop.borrow_mut() = Some(event_loop.clone());
        // `exit`, `quit` and `help` from the start, for Tab completion.
        let builtins = interp.builtins.clone();
        crate::runtime::modules::site_builtins::complete_module(&mut interp, &builtins)?;
        // `tasks()`: the session's task tree (also Ctrl-\\ while an input runs).
        crate::runtime::builtins::add_function(&main.namespace, "tasks", print_tasks);
        Ok(Session {
            interp: Rc::new(RefCell::new(interp)),
            main,
            event_loop,
        })
    }

    /// Turns the loop until the editor sends the next input, answering
    /// its requests for Tab's candidates meanwhile; what the loop's
    /// callbacks print goes above the prompt. `Err(status)` when a task
    /// asked to leave (`exit()`), which ends `python -m asyncio` too.
    pub fn wait_for_input(
        &self,
        from_editor: &Receiver<FromEditor>,
        completions: &Completions,
        screen: &Screen,
    ) -> Result<Input, i32> {
        let turns = !self.interp.borrow().clock.is_virtual();
        loop {
            // Cleared before the messages are read: a message sent after
            // this wakes the next turn of the loop.
            crate::runtime::interrupt::take_wake();
            let message = if turns && self.event_loop.can_progress() {
                match from_editor.try_recv() {
                    Ok(message) => message,
                    Err(TryRecvError::Empty) => {
                        self.turn_loop(screen)?;
                        continue;
                    }
                    Err(TryRecvError::Disconnected) => return Ok(Input::End),
                }
            } else {
                match from_editor.recv() {
                    Ok(message) => message,
                    Err(_) => return Ok(Input::End),
                }
            };
            match message {
                FromEditor::Input(input) => {
                    if let Input::Interrupted = input {
                        // The Ctrl-C typed at the prompt, if the editor
                        // passed it on as the signal, is this one.
                        crate::runtime::interrupt::take();
                    }
                    return Ok(input);
                }
                FromEditor::Complete { line, pos, reply } => {
                    let _ = reply.send(completions.complete(&line, pos));
                }
            }
        }
    }

    /// One iteration of the loop while the prompt waits: it waits for the
    /// next timer, or until the editor wakes it. What it prints shows
    /// when stdout would be flushed (before a wait, at `flush=True`).
    fn turn_loop(&self, screen: &Screen) -> Result<(), i32> {
        let mut interp = self.interp.borrow_mut();
        let above_prompt = screen.clone();
        let stdout = std::mem::replace(
            &mut interp.out,
            Output::forwarded(move |printed| above_prompt.print(&String::from_utf8_lossy(printed))),
        );
        let result = interp.run_while(&self.event_loop, |_| false);
        interp.run_finalizers();
        interp.emit_remaining_warnings();
        let _ = interp.flush_stdout();
        interp.out = stdout;
        match result {
            // A Ctrl-C that stopped a callback, as `python -m asyncio`'s
            // loop takes it: the task it ran has it as its exception.
            Err(error) if interp.is_instance_of(&error, ExcType::KeyboardInterrupt) => Ok(()),
            Err(error) if interp.is_instance_of(&error, ExcType::SystemExit) => {
                Err(exit_status(&mut interp, error))
            }
            Err(error) => {
                screen.report(|| diagnostics::report_uncaught(&mut interp, &error));
                Ok(())
            }
            Ok(()) => Ok(()),
        }
    }

    /// Runs one complete input; `Some(status)` when it asked to leave
    /// (`exit()`, `raise SystemExit`).
    pub fn run(&self, text: &str) -> Option<i32> {
        let mut interp = self.interp.borrow_mut();
        // A Ctrl-C pressed while nothing ran is not for this input.
        crate::runtime::interrupt::take();
        let code = match compile_interactive("<stdin>", text.to_string()) {
            Ok(code) => code,
            Err((source, error)) => {
                let _ = interp.flush_stdout();
                diagnostics::report_syntax_error(&source.name, &source.text, &error);
                return None;
            }
        };
        let awaits = code.flavor == Flavor::Coroutine;
        let mut frame = Frame::new(code, self.main.clone());
        let result = if awaits {
            self.run_as_task(&mut interp, frame)
        } else {
            interp
                .with_loop_running(&self.event_loop, |interp| {
                    interp.run_module_frame(&mut frame).map(drop)
                })
                .and_then(|result| result)
        };
        interp.run_finalizers();
        interp.emit_remaining_warnings();
        let status = match result {
            Ok(()) => None,
            Err(error) if interp.is_instance_of(&error, ExcType::SystemExit) => {
                Some(exit_status(&mut interp, error))
            }
            Err(error) => {
                let _ = interp.flush_stdout();
                diagnostics::report_uncaught(&mut interp, &error);
                None
            }
        };
        let _ = interp.flush_stdout();
        status
    }

    /// An input with top-level `await`: a task on the session's loop. Ctrl-C
    /// cancels it (its `finally` blocks run) and the session goes on.
    fn run_as_task(&self, interp: &mut Interp, frame: Frame) -> PyResult<()> {
        let name: crate::syntax::ast::Name = "<module>".into();
        let coroutine = Value::Generator(Rc::new(Generator::new(
            GeneratorKind::Coroutine,
            Box::new(frame),
            &name,
            &name,
        )));
        let task = interp.create_task(&self.event_loop, coroutine, None)?;
        match interp.run_until_complete(&self.event_loop, &task.value()) {
            Err(error)
                if interp.is_instance_of(&error, ExcType::KeyboardInterrupt) && !task.is_done() =>
            {
                task.cancel(None);
                // A second Ctrl-C while it unwinds abandons the unwinding.
                let _ = interp.run_until_complete(&self.event_loop, &task.value());
                let _ = interp.flush_stdout();
                eprintln!("\nKeyboardInterrupt");
                Ok(())
            }
            result => result.map(drop),
        }
    }

    /// What is left when the session ends: exceptions no task retrieved,
    /// the session's objects' finalizers, coroutines never awaited,
    /// buffered output.
    pub fn finish(&self) {
        let mut interp = self.interp.borrow_mut();
        interp.report_unretrieved(&self.event_loop);
        interp.finalize_modules();
        interp.emit_remaining_warnings();
        let _ = interp.flush_stdout();
    }
}
