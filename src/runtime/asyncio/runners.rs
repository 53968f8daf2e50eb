//! `asyncio.Runner` and `asyncio.run`, as CPython 3.11's `runners.py`: a
//! runner makes its loop on first use (and makes it the current loop),
//! runs each coroutine as a task until it is done, in one context copied
//! when the loop was made, and at `close` cancels the tasks left, lets them
//! finish, shuts down the async generators and closes the loop.
//! `asyncio.run(main)` is `with Runner() as runner: return runner.run(main)`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::event_loop::EventLoop;
use super::{argument, as_python_frame, loop_of, Kwargs};
use crate::runtime::builtins::args::{check_count, keyword};
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::modules::contextvars::Context;
use crate::runtime::object::{Class, Globals, Layout, NativeFn, NativeObject};
use crate::runtime::value::Value;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Created,
    Initialized,
    Closed,
}

pub struct Runner {
    state: Cell<State>,
    loop_factory: Option<Value>,
    event_loop: RefCell<Option<Rc<EventLoop>>>,
    /// What each run's task runs in (`None`: a new empty context, while the
    /// program uses no context variable).
    context: RefCell<Option<Rc<Context>>>,
    set_event_loop: Cell<bool>,
}

impl NativeObject for Runner {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("Runner")
    }

    /// A Python class of `asyncio.runners`, so its module is in its repr.
    fn repr(&self, _interp: &mut Interp) -> Option<PyResult<String>> {
        let address = self as *const Runner as usize;
        Some(Ok(format!(
            "<asyncio.runners.Runner object at {address:#x}>"
        )))
    }
}

impl Runner {
    fn new(loop_factory: Option<Value>) -> Runner {
        Runner {
            state: Cell::new(State::Created),
            loop_factory,
            event_loop: RefCell::default(),
            context: RefCell::default(),
            set_event_loop: Cell::new(false),
        }
    }

    /// `_lazy_init`: the loop, made on first use.
    fn lazy_init(&self, interp: &mut Interp) -> PyResult<Rc<EventLoop>> {
        match self.state.get() {
            State::Closed => return Err(interp.error(ExcType::RuntimeError, "Runner is closed")),
            State::Initialized => {
                if let Some(event_loop) = &*self.event_loop.borrow() {
                    return Ok(event_loop.clone());
                }
            }
            State::Created => {}
        }
        let event_loop = match &self.loop_factory {
            None => {
                let event_loop = EventLoop::new();
                crate::runtime::modules::logging::event_loop_made(interp)?;
                if !self.set_event_loop.replace(true) {
                    let runtime = interp.asyncio_runtime()?;
                    *runtime.current_loop.borrow_mut() = Some(event_loop.clone());
                    runtime.loop_was_set.set(true);
                }
                event_loop
            }
            Some(factory) => {
                let made = interp.call(factory, &[], &[])?;
                loop_of(interp, &made)?
            }
        };
        *self.context.borrow_mut() = interp.contexts_used.then(|| interp.copy_context());
        *self.event_loop.borrow_mut() = Some(event_loop.clone());
        self.state.set(State::Initialized);
        Ok(event_loop)
    }

    /// `Runner.run(coro, *, context=None)`.
    fn run(
        &self,
        interp: &mut Interp,
        coro: Value,
        context: Option<Rc<Context>>,
    ) -> PyResult<Value> {
        if !interp.is_coroutine(&coro) {
            let text = interp.repr(&coro)?;
            return Err(interp.value_error(format!("a coroutine was expected, got {text}")));
        }
        let runtime = interp.asyncio_runtime()?;
        if runtime.running_loop.borrow().is_some() {
            return Err(interp.error(
                ExcType::RuntimeError,
                "Runner.run() cannot be called from a running event loop",
            ));
        }
        let event_loop = self.lazy_init(interp)?;
        let context = context.or_else(|| self.context.borrow().clone());
        let task = interp.create_task_in(&event_loop, coro, None, context)?;
        *runtime.main_task.borrow_mut() = Some(task.clone());
        runtime.interrupts.set(0);
        // CPython's `Runner.run` frame, and `run`'s when it calls it.
        interp.depth += 2;
        let result = interp.run_until_complete(&event_loop, &task.value());
        interp.depth -= 2;
        *runtime.main_task.borrow_mut() = None;
        match result {
            // The task was cancelled by Ctrl-C: that is a KeyboardInterrupt.
            Err(error)
                if runtime.interrupts.get() > 0
                    && error.0.class.is_subclass_of(&runtime.cancelled_error)
                    && task.uncancel() == 0 =>
            {
                // Raised in `Runner.run`'s `except CancelledError`.
                let interrupt = interp.new_exception(ExcType::KeyboardInterrupt, vec![]);
                if let Some(data) = &interrupt.0.exception {
                    *data.context.borrow_mut() = Some(error.value());
                }
                Err(interrupt)
            }
            other => other,
        }
    }

    /// `Runner.close()`: the tasks left cancelled and finished, the async
    /// generators shut down, the loop closed.
    fn close(&self, interp: &mut Interp) -> PyResult<()> {
        if self.state.get() != State::Initialized {
            return Ok(());
        }
        let Some(event_loop) = self.event_loop.borrow().clone() else {
            return Ok(());
        };
        let shutdown = interp.cancel_all_tasks(&event_loop).and_then(|()| {
            // The tasks of the run's own shutdown are not the program's:
            // the task trace leaves them out.
            let trace = interp.trace.take();
            let loop_value = Value::native(event_loop.clone());
            let shutdown = ["shutdown_asyncgens", "shutdown_default_executor"]
                .into_iter()
                .try_for_each(|method| {
                    let shutdown = interp.call_method(&loop_value, method, &[])?;
                    interp.run_until_complete(&event_loop, &shutdown).map(drop)
                });
            interp.trace = trace;
            shutdown
        });
        if self.set_event_loop.get() {
            let runtime = interp.asyncio_runtime()?;
            *runtime.current_loop.borrow_mut() = None;
        }
        event_loop.closed.set(true);
        *self.event_loop.borrow_mut() = None;
        self.state.set(State::Closed);
        shutdown
    }
}

/// `asyncio.run(main, *, debug=None)`.
pub fn run(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let main = argument(interp, "run(main)", args, 0)?.clone();
    keyword(interp, "run", kwargs, &["debug"], "debug")?;
    let runtime = interp.asyncio_runtime()?;
    if runtime.running_loop.borrow().is_some() {
        let error = interp.error(
            ExcType::RuntimeError,
            "asyncio.run() cannot be called from a running event loop",
        );
        return as_python_frame(args, Err(error));
    }
    let runner = Runner::new(None);
    runner.lazy_init(interp)?;
    let result = runner.run(interp, main, None);
    // `with`'s exit: an error of `close` comes after the run's.
    let closed = runner.close(interp);
    let value = result?;
    closed?;
    Ok(value)
}

fn receiver<'a>(interp: &Interp, args: &'a [Value]) -> PyResult<&'a Runner> {
    let runner = match args.first() {
        Some(Value::Native(object)) => object.downcast_ref::<Runner>(),
        _ => None,
    };
    runner.ok_or_else(|| interp.type_error("descriptor requires a 'Runner' object"))
}

/// `Runner(*, debug=None, loop_factory=None)`.
fn runner_new(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(interp.type_error(format!(
            "Runner.__init__() takes 1 positional argument but {} were given",
            args.len()
        )));
    }
    let mut loop_factory = None;
    for (key, value) in kwargs {
        match &**key {
            "debug" => {}
            "loop_factory" => loop_factory = (!value.is_none()).then(|| value.clone()),
            other => {
                return Err(interp.type_error(format!(
                    "Runner.__init__() got an unexpected keyword argument '{other}'"
                )))
            }
        }
    }
    Ok(Value::native(Rc::new(Runner::new(loop_factory))))
}

fn runner_enter(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let runner = receiver(interp, args)?;
    check_count(interp, "Runner.__enter__", &args[1..], kwargs, 0, 0)?;
    runner.lazy_init(interp)?;
    Ok(args[0].clone())
}

fn runner_exit(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    receiver(interp, args)?.close(interp)?;
    Ok(Value::None)
}

fn runner_close(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let runner = receiver(interp, args)?;
    check_count(interp, "Runner.close", &args[1..], kwargs, 0, 0)?;
    runner.close(interp)?;
    Ok(Value::None)
}

fn runner_get_loop(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let runner = receiver(interp, args)?;
    check_count(interp, "Runner.get_loop", &args[1..], kwargs, 0, 0)?;
    Ok(Value::native(runner.lazy_init(interp)?))
}

fn runner_run(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let runner = receiver(interp, args)?;
    let coro = argument(interp, "Runner.run(self, coro)", args, 1)?.clone();
    let context = keyword(interp, "Runner.run", kwargs, &["context"], "context")?;
    let context = match context {
        None | Some(Value::None) => None,
        Some(value) => interp.context_argument(Some(value))?,
    };
    let result = runner.run(interp, coro, context);
    as_python_frame(&args[1..], result)
}

/// Defines `asyncio.Runner` in `namespace`.
pub fn install(interp: &mut Interp, namespace: &Globals) {
    let object = interp.types.object.clone();
    let class = interp.define_class_in(
        "Runner",
        "Runner",
        "asyncio.runners",
        vec![object],
        Layout::Builtin,
    );
    class.is_c_type.set(false);
    let methods: [(&'static str, NativeFn); 6] = [
        ("__new__", runner_new),
        ("__enter__", runner_enter),
        ("__exit__", runner_exit),
        ("close", runner_close),
        ("get_loop", runner_get_loop),
        ("run", runner_run),
    ];
    for (name, function) in methods {
        crate::runtime::builtins::add_method(&class, name, function);
    }
    namespace
        .borrow_mut()
        .insert("Runner".into(), Value::Type(class));
}
