//! The `asyncio` module: the scheduling core in Rust ([`event_loop`],
//! [`future`]) and its Python face — module functions, and the methods of
//! loops, futures, tasks and handles — plus bundled Python ([`python`])
//! for the higher-level API built on the core (`wait`, `wait_for`,
//! `timeout`, `TaskGroup`, queues, locks and streams), which follows
//! CPython's own Python code so that it interleaves exactly as it does.

/// The `NativeObject` face of a coroutine written in Rust: its class is
/// `coroutine`, it prints as `<coroutine object NAME at 0x…>` (`NAME` from
/// the type's `name()`), and one dropped before it started was never
/// awaited. The type keeps a `progress: Cell<Progress>` whose `Progress`
/// has `NotStarted` and `Finished`; what every coroutine does at those two
/// ends is here, and the type supplies `start` (the first `send(None)`,
/// with the coroutine already marked finished unless it suspends) and
/// `step` (resumed while suspended).
macro_rules! native_coroutine {
    ($type:ty) => {
        impl Drop for $type {
            fn drop(&mut self) {
                if self.progress.get() == Progress::NotStarted {
                    crate::runtime::warnings::warn_never_awaited(self.name());
                }
            }
        }

        impl NativeObject for $type {
            fn class(&self, interp: &Interp) -> Rc<Class> {
                interp.types.coroutine.clone()
            }

            fn repr(&self, _interp: &mut Interp) -> Option<PyResult<String>> {
                Some(Ok($crate::runtime::asyncio::coroutine_repr(
                    self.name(),
                    self as *const $type as usize,
                )))
            }

            fn coroutine_name(&self) -> Option<&'static str> {
                Some(self.name())
            }

            // What a coroutine of CPython's Python `async def` answers;
            // the program never sees one of these running, as its steps
            // run no code of the program's.
            fn get_attribute(&self, _interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
                let qualname = self.name();
                match name {
                    "__qualname__" => Some(Ok(Value::str(qualname))),
                    "__name__" => Some(Ok(Value::str(
                        qualname.rsplit('.').next().unwrap_or(qualname),
                    ))),
                    "cr_running" => Some(Ok(Value::from(false))),
                    _ => None,
                }
            }

            fn coroutine_finished(&self) -> bool {
                self.progress.get() == Progress::Finished
            }

            fn is_resumable(&self) -> bool {
                true
            }

            fn resume(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
                match (self.progress.get(), resume) {
                    (Progress::Finished, _) => crate::runtime::generator::resume_finished(interp),
                    (Progress::NotStarted, Resume::Send(value)) if !value.is_none() => {
                        Err(interp
                            .type_error("can't send non-None value to a just-started coroutine"))
                    }
                    (Progress::NotStarted, Resume::Send(_)) => {
                        self.progress.set(Progress::Finished);
                        self.start(interp)
                    }
                    (Progress::NotStarted, Resume::Throw(error)) => {
                        self.progress.set(Progress::Finished);
                        Err(error)
                    }
                    (_, resume) => self.step(interp, resume),
                }
            }
        }
    };
}

/// A coroutine CPython would be suspended in where pyl's frame waits on
/// something else: resumed, it returns `result`, or raises what is thrown
/// in. It has no state, so one serves every frame that delegates to it.
pub struct StandIn {
    name: &'static str,
    result: Value,
}

impl StandIn {
    fn value(name: &'static str, result: Value) -> Value {
        Value::native(Rc::new(StandIn { name, result }))
    }
}

impl NativeObject for StandIn {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.types.coroutine.clone()
    }

    fn repr(&self, _interp: &mut Interp) -> Option<PyResult<String>> {
        Some(Ok(coroutine_repr(
            self.name,
            self as *const StandIn as usize,
        )))
    }

    fn coroutine_name(&self) -> Option<&'static str> {
        Some(self.name)
    }

    fn is_resumable(&self) -> bool {
        true
    }

    fn resume(&self, _interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        match resume {
            Resume::Send(_) => Ok(GenStep::Returned(self.result.clone())),
            Resume::Throw(error) => Err(error),
        }
    }
}

/// Whether `value` is the native object `stand_in` (one of the runtime's).
fn is_same_native(stand_in: &Value, value: &Value) -> bool {
    matches!((stand_in, value), (Value::Native(a), Value::Native(b)) if Rc::ptr_eq(&**a, &**b))
}

/// A coroutine object's `repr`, for the coroutines written in Rust.
pub(crate) fn coroutine_repr(name: &str, address: usize) -> String {
    format!("<coroutine object {name} at {address:#x}>")
}

pub mod describe;
pub mod event_loop;
pub mod exception_handler;
pub mod future;
pub mod io;
pub mod locks;
pub mod python;
pub mod queues;
pub mod runners;
pub mod sleep;
pub mod sockets;
pub mod submodules;
pub mod timeline;
pub mod trace;
pub mod tree;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use event_loop::{Callback, EventLoop, Handle};
use future::{future_of, DoneCallback, Future, FutureAwait, Noop};
use sleep::Sleep;

use crate::eval::frame::{GenStep, Resume};
use crate::runtime::builtins::{
    add_function, add_method, add_python_function,
    args::{check_count, check_positional, keyword},
    functions,
};
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::generator::Generator;
use crate::runtime::interp::{new_class, Interp};
use crate::runtime::object::{Class, Layout, ModuleObject, NameMap, NativeFn, NativeObject};
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

/// The asyncio state of one interpreter.
pub struct Runtime {
    pub module: Rc<ModuleObject>,
    pub cancelled_error: Rc<Class>,
    pub invalid_state_error: Rc<Class>,
    /// How many tasks were made: each task's number, which tells it
    /// apart in traces and timelines and, while it equals
    /// `task_name_counter`, gives its default name.
    pub task_counter: Cell<u64>,
    /// CPython's process-wide `Task-N` counter, which a task given its
    /// name when made (`Task(coro, name=…)`, `loop.create_task(coro,
    /// name=…)`) does not advance.
    pub task_name_counter: Cell<u64>,
    pub running_loop: RefCell<Option<Rc<EventLoop>>>,
    /// The loop `get_event_loop()` returns (`set_event_loop`).
    pub current_loop: RefCell<Option<Rc<EventLoop>>>,
    /// Whether `set_event_loop` was ever called (`asyncio.run` calls it):
    /// from then on `get_event_loop()` makes no loop of its own (the
    /// policy's `_set_called`).
    pub loop_was_set: Cell<bool>,
    /// The main task of the running `asyncio.run`, which the first Ctrl-C
    /// cancels (CPython's `Runner`).
    pub main_task: RefCell<Option<Rc<Future>>>,
    /// How often Ctrl-C was pressed during the running `asyncio.run`.
    pub interrupts: Cell<u32>,
    /// asyncio's `Queue` and `Event`, for `Queue.put`/`get`'s fast path
    /// (once `queues.pyl` has run).
    pub plain_classes: RefCell<Option<queues::PlainClasses>>,
    /// Which parts of asyncio's Python have run.
    pub parts: python::Parts,
    /// What frames awaiting `asyncio.sleep(0)` delegate to after yielding
    /// in the sleep's place (`Interp::awaited`): a [`StandIn`] for the
    /// sleep that has yielded its one bare `None`, which returns `None`.
    yielded_sleep: Value,
    /// What frames parked in `await event.wait()` delegate to, and yield
    /// to their task (which parked already, `locks.rs`): a [`StandIn`] for
    /// the `Event.wait` coroutine after `await fut`, which returns `True`
    /// (the task's step has left `self._waiters` by then).
    pub(super) parked_on_event: Value,
}

impl Runtime {
    pub fn instantiate(&self, interp: &Interp, class: &Rc<Class>, args: Vec<Value>) -> PyErr {
        match interp.new_instance(class, &args) {
            Value::Instance(instance) => PyErr(instance),
            _ => interp.error(ExcType::RuntimeError, "cannot create exception"),
        }
    }

    pub fn new_error(
        &self,
        interp: &Interp,
        class: &Rc<Class>,
        message: impl Into<String>,
    ) -> PyErr {
        self.instantiate(interp, class, vec![Value::str(message.into())])
    }

    /// `CancelledError(message)`, or with no arguments when there is no
    /// message (CPython's `Future._make_cancelled_error`).
    pub fn cancelled(&self, interp: &Interp, message: Option<Value>) -> PyErr {
        self.instantiate(interp, &self.cancelled_error, message.into_iter().collect())
    }
}

/// The class of pyl's one kind of loop, named as CPython's on Linux.
const EVENT_LOOP_CLASS: &str = "_UnixSelectorEventLoop";

impl NativeObject for EventLoop {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class(EVENT_LOOP_CLASS)
    }

    /// `BaseEventLoop.__repr__`.
    fn repr(&self, _interp: &mut Interp) -> Option<PyResult<String>> {
        let capital = |flag: bool| if flag { "True" } else { "False" };
        Some(Ok(format!(
            "<_UnixSelectorEventLoop running={} closed={} debug=False>",
            capital(self.running.get()),
            capital(self.closed.get())
        )))
    }
}

impl NativeObject for Handle {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class(if self.is_timer {
            "TimerHandle"
        } else {
            "Handle"
        })
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        Some(describe::handle_repr(interp, self))
    }
}

pub fn create(interp: &mut Interp) -> PyResult<Rc<ModuleObject>> {
    let module = crate::runtime::modules::new_module("asyncio");
    let base_exception = interp.types.exception(ExcType::BaseException).clone();
    let exception = interp.types.exception(ExcType::Exception).clone();
    let cancelled_error = asyncio_class("CancelledError", base_exception);
    let invalid_state_error = asyncio_class("InvalidStateError", exception);
    let runtime = Rc::new(Runtime {
        module: module.clone(),
        cancelled_error: cancelled_error.clone(),
        invalid_state_error: invalid_state_error.clone(),
        task_counter: Cell::new(0),
        task_name_counter: Cell::new(0),
        running_loop: RefCell::new(None),
        current_loop: RefCell::new(None),
        loop_was_set: Cell::new(false),
        main_task: RefCell::new(None),
        interrupts: Cell::new(0),
        plain_classes: RefCell::new(None),
        parts: python::Parts::default(),
        yielded_sleep: StandIn::value("sleep", Value::None),
        parked_on_event: StandIn::value("Event.wait", Value::from(true)),
    });
    interp.asyncio = Some(runtime);
    {
        let mut ns = module.namespace.borrow_mut();
        ns.insert("CancelledError".into(), Value::Type(cancelled_error));
        ns.insert("InvalidStateError".into(), Value::Type(invalid_state_error));
        ns.insert(
            "TimeoutError".into(),
            Value::Type(interp.types.exception(ExcType::TimeoutError).clone()),
        );
    }
    // CPython's C functions (of `_asyncio`).
    let functions: [(&'static str, NativeFn); 3] = [
        ("get_event_loop", get_event_loop),
        ("get_running_loop", get_running_loop),
        ("_get_running_loop", get_running_loop_or_none),
    ];
    for (name, function) in functions {
        add_function(&module.namespace, name, function);
    }
    // CPython's Python functions, with the submodule each is in.
    let python_functions: [(&'static str, &'static str, NativeFn); 12] = [
        ("asyncio.runners", "run", runners::run),
        ("asyncio.tasks", "sleep", sleep),
        ("asyncio.tasks", "gather", gather),
        ("asyncio.tasks", "create_task", create_task),
        ("asyncio.tasks", "ensure_future", ensure_future),
        ("asyncio.tasks", "current_task", current_task),
        ("asyncio.tasks", "all_tasks", all_tasks),
        ("asyncio.events", "new_event_loop", new_event_loop),
        ("asyncio.events", "set_event_loop", set_event_loop),
        ("asyncio.coroutines", "iscoroutine", iscoroutine),
        (
            "asyncio.coroutines",
            "iscoroutinefunction",
            iscoroutinefunction,
        ),
        ("asyncio.base_futures", "isfuture", isfuture),
    ];
    for (submodule, name, function) in python_functions {
        add_python_function(&module.namespace, submodule, name, function);
    }
    // `Event` and `Queue` (`python/`) take these methods from here.
    for (name, method, function) in [
        ("_event_wait", "wait", locks::event_wait as NativeFn),
        ("_queue_put", "put", queues::queue_put),
        ("_queue_get", "get", queues::queue_get),
    ] {
        module.namespace.borrow_mut().insert(
            name.into(),
            crate::runtime::builtins::method_for_python_class(method, function),
        );
    }
    add_function(&module.namespace, "_wake_event_waiter", locks::wake_waiter);
    install_classes(interp, &module);
    python::run_core(interp, &module)?;
    Ok(module)
}

impl Interp {
    /// Keeps the `Queue` and `Event` classes that `Queue.put`/`get`'s fast
    /// path recognises, once the queues have run.
    fn note_plain_queue_classes(&mut self) -> PyResult<()> {
        let Some(runtime) = self.asyncio.clone() else {
            return Ok(());
        };
        let class = |interp: &mut Interp, name: &str| -> PyResult<Option<Rc<Class>>> {
            let value = interp.get_attr(&Value::Module(runtime.module.clone()), name)?;
            Ok(match value {
                Value::Type(class) => Some(class),
                _ => None,
            })
        };
        if let (Some(queue), Some(event)) = (class(self, "Queue")?, class(self, "Event")?) {
            *runtime.plain_classes.borrow_mut() = Some(queues::PlainClasses::new(queue, event));
        }
        Ok(())
    }
}

fn asyncio_class(name: &str, base: Rc<Class>) -> Rc<Class> {
    let class = new_class(name, vec![base], Layout::Exception);
    // `new_class` names the module `builtins`; these print as asyncio's.
    Rc::new(Class::new(
        class.name.clone(),
        "asyncio.exceptions".into(),
        class.bases.clone(),
        class.mro_tail.clone(),
        NameMap::default(),
        Layout::Exception,
    ))
}

fn install_classes(interp: &mut Interp, module: &Rc<ModuleObject>) {
    // `_asyncio`'s classes in CPython: `<class '_asyncio.Task'>`.
    let future = interp.define_module_class("Future", "_asyncio");
    let task = interp.define_class_in(
        "Task",
        "Task",
        "_asyncio",
        vec![future.clone()],
        Layout::Builtin,
    );
    crate::runtime::generic_alias::make_generic(&future);
    {
        let class = &future;
        add_method(class, "done", future_done);
        add_method(class, "cancelled", future_cancelled);
        add_method(class, "result", future_result);
        add_method(class, "exception", future_exception);
        add_method(class, "set_result", future_set_result);
        add_method(class, "set_exception", future_set_exception);
        add_method(class, "cancel", future_cancel);
        add_method(class, "add_done_callback", future_add_done_callback);
        add_method(class, "remove_done_callback", future_remove_done_callback);
        add_method(class, "get_loop", future_get_loop);
        add_method(class, "__await__", future_await);
        add_method(class, "__iter__", future_iter);
    }
    add_method(&future, "__new__", future_new);
    add_method(&task, "__new__", task_new);
    add_method(&task, "get_name", task_get_name);
    add_method(&task, "set_name", task_set_name);
    add_method(&task, "get_coro", task_get_coro);
    add_method(&task, "cancelling", task_cancelling);
    add_method(&task, "uncancel", task_uncancel);
    for &(name, function) in unsupported::TASK_METHODS {
        add_method(&task, name, function);
    }
    // Python classes in CPython, named by their module there.
    let object = interp.types.object.clone();
    let python_class = |key: &'static str, module: &str, bases: Vec<Rc<Class>>| {
        let class = interp.define_class_in(key, key, module, bases, Layout::Builtin);
        class.is_c_type.set(false);
        class
    };
    let event_loop = python_class(
        EVENT_LOOP_CLASS,
        "asyncio.unix_events",
        vec![object.clone()],
    );
    let handle = python_class("Handle", "asyncio.events", vec![object]);
    python_class("_GatheringFuture", "asyncio.tasks", vec![future.clone()]);
    let timer_handle = python_class("TimerHandle", "asyncio.events", vec![handle.clone()]);
    add_method(&event_loop, "__new__", event_loop_new);
    let loop_methods: [(&'static str, NativeFn); 20] = [
        ("run_until_complete", loop_run_until_complete),
        ("run_forever", loop_run_forever),
        ("stop", loop_stop),
        ("close", loop_close),
        ("is_running", loop_is_running),
        ("is_closed", loop_is_closed),
        ("create_task", loop_create_task),
        ("create_future", loop_create_future),
        ("call_soon", loop_call_soon),
        ("call_soon_threadsafe", loop_call_soon_threadsafe),
        ("call_later", loop_call_later),
        ("call_at", loop_call_at),
        ("time", loop_time),
        ("shutdown_asyncgens", loop_shutdown_asyncgens),
        ("shutdown_default_executor", loop_shutdown),
        ("get_debug", loop_get_debug),
        (
            "call_exception_handler",
            exception_handler::loop_call_exception_handler,
        ),
        (
            "default_exception_handler",
            exception_handler::loop_default_exception_handler,
        ),
        (
            "set_exception_handler",
            exception_handler::loop_set_exception_handler,
        ),
        (
            "get_exception_handler",
            exception_handler::loop_get_exception_handler,
        ),
    ];
    for (name, function) in loop_methods {
        add_method(&event_loop, name, function);
    }
    (event_loop.namespace.borrow_mut()).insert("slow_callback_duration".into(), Value::float(0.1));
    for &(name, function) in unsupported::LOOP_METHODS {
        add_method(&event_loop, name, function);
    }
    for &(name, function) in unsupported::FUNCTIONS {
        add_function(&module.namespace, name, function);
    }
    sockets::install(interp, &module.namespace, &event_loop);
    runners::install(interp, &module.namespace);
    add_method(&handle, "cancel", handle_cancel);
    add_method(&handle, "cancelled", handle_cancelled);
    add_method(&timer_handle, "when", handle_when);
    let mut ns = module.namespace.borrow_mut();
    ns.insert("Future".into(), Value::Type(future));
    ns.insert("Task".into(), Value::Type(task));
    ns.insert("Handle".into(), Value::Type(handle));
    let all = ALL.iter().map(|&name| Value::str(name)).collect();
    ns.insert("__all__".into(), Value::tuple(all));
    ns.insert("TimerHandle".into(), Value::Type(timer_handle));
    // pyl's one kind of loop stands for CPython's classes of loops.
    for name in ["AbstractEventLoop", "BaseEventLoop", "SelectorEventLoop"] {
        ns.insert(name.into(), Value::Type(event_loop.clone()));
    }
}

// ---- the runtime's services for the rest of the interpreter ----

impl Interp {
    pub fn asyncio_runtime(&self) -> PyResult<Rc<Runtime>> {
        self.asyncio
            .clone()
            .ok_or_else(|| self.error(ExcType::RuntimeError, "asyncio is not initialised"))
    }

    /// For `await asyncio.sleep(delay)`: with `delay <= 0`, what the
    /// awaiting frame delegates to after yielding `None` in the sleep's
    /// place (see `Interp::awaited`).
    pub fn bare_sleep(&self, delay: &Value) -> Option<Value> {
        let runtime = self.asyncio.as_ref()?;
        sleep::is_bare(delay).then(|| runtime.yielded_sleep.clone())
    }

    /// Whether `delegate` is the stand-in of [`Interp::bare_sleep`], whose
    /// resumption with a value only returns `None`.
    #[inline]
    pub fn is_bare_sleep(&self, delegate: &Value) -> bool {
        self.asyncio
            .as_ref()
            .is_some_and(|runtime| is_same_native(&runtime.yielded_sleep, delegate))
    }

    /// Whether `value` is the stand-in a frame parked in `await
    /// event.wait()` delegates to and yields to its task
    /// (`Runtime::parked_on_event`).
    pub fn is_parked_on_event(&self, value: &Value) -> bool {
        self.asyncio
            .as_ref()
            .is_some_and(|runtime| is_same_native(&runtime.parked_on_event, value))
    }

    /// Whether `error` is an `asyncio.CancelledError`.
    pub fn is_cancellation(&self, error: &PyErr) -> bool {
        self.asyncio
            .as_ref()
            .is_some_and(|runtime| error.0.class.is_subclass_of(&runtime.cancelled_error))
    }

    /// The running loop, or CPython's `RuntimeError('no running event loop')`.
    pub fn running_loop(&self) -> PyResult<Rc<EventLoop>> {
        let runtime = self.asyncio_runtime()?;
        let running = runtime.running_loop.borrow().clone();
        running.ok_or_else(|| self.error(ExcType::RuntimeError, "no running event loop"))
    }

    /// `get_event_loop()`: the running loop, else the current one, made on
    /// first use — unless a loop was ever set (`asyncio.run` sets one and
    /// unsets it at its end).
    pub fn current_or_new_loop(&self) -> PyResult<Rc<EventLoop>> {
        let runtime = self.asyncio_runtime()?;
        if let Some(running) = runtime.running_loop.borrow().clone() {
            return Ok(running);
        }
        if let Some(current) = runtime.current_loop.borrow().clone() {
            return Ok(current);
        }
        if runtime.loop_was_set.replace(true) {
            return Err(self.error(
                ExcType::RuntimeError,
                "There is no current event loop in thread 'MainThread'.",
            ));
        }
        let event_loop = EventLoop::new();
        *runtime.current_loop.borrow_mut() = Some(event_loop.clone());
        Ok(event_loop)
    }

    /// `loop.run_until_complete(future)`.
    pub fn run_until_complete(
        &mut self,
        event_loop: &Rc<EventLoop>,
        awaitable: &Value,
    ) -> PyResult<Value> {
        // Before the awaitable becomes a task: a coroutine refused here
        // is never awaited.
        self.check_can_run(event_loop)?;
        let new_task = future_of(awaitable).is_none();
        let future = self.ensure_future(awaitable, Some(event_loop.clone()))?;
        future.add_done_callback(DoneCallback::StopLoop);
        // CPython's `run_until_complete` frame.
        self.depth += 1;
        let result = self.run_forever(event_loop);
        self.depth -= 1;
        future.remove_stop_loop();
        if let Err(error) = result {
            if new_task && future.is_done() && !future.is_cancelled() {
                let _ = future.exception(self);
            }
            return Err(error);
        }
        if !future.is_done() {
            return Err(self.error(
                ExcType::RuntimeError,
                "Event loop stopped before Future completed.",
            ));
        }
        future.result(self)
    }

    /// `asyncio.run`'s shutdown: cancel what is left and let it finish.
    fn cancel_all_tasks(&mut self, event_loop: &Rc<EventLoop>) -> PyResult<()> {
        let tasks = event_loop.live_tasks();
        if tasks.is_empty() {
            return Ok(());
        }
        for task in &tasks {
            task.cancel(None);
        }
        let values: Vec<Value> = tasks.iter().map(|t| t.value()).collect();
        let gathered = self.gather(&values, true)?;
        self.run_until_complete(event_loop, &gathered)?;
        for task in &tasks {
            if task.is_cancelled() {
                continue;
            }
            // `task.exception()`, which the gather above retrieved already.
            if let Some(error) = task.stored_exception() {
                let _ = task.exception(self);
                let message = "unhandled exception during asyncio.run() shutdown";
                self.report_to_loop(
                    event_loop,
                    |_| {
                        vec![
                            ("message", Value::str(message)),
                            ("exception", error.value()),
                            ("task", task.value()),
                        ]
                    },
                    None,
                    |interp| {
                        let repr = task.describe(interp)?;
                        let report = format!("{message}\ntask: {repr}");
                        interp.callback_failed(&report, error.clone(), event_loop::Logged::Given)
                    },
                )?;
            }
        }
        Ok(())
    }

    /// At exit, what CPython's collector does to a task still pending:
    /// its `__del__` has the loop's exception handler say so, and its
    /// coroutine is closed (its `finally` blocks run).
    pub fn destroy_pending_tasks(&mut self) {
        if self.limits.stopping().is_some() {
            return;
        }
        for event_loop in event_loop::live_loops() {
            if event_loop.deadlocked.get() {
                continue;
            }
            for task in event_loop.live_tasks() {
                let message = "Task was destroyed but it is pending!";
                let _ = self.report_to_loop(
                    &event_loop,
                    |_| vec![("message", Value::str(message)), ("task", task.value())],
                    None,
                    |interp| {
                        let repr = task.describe(interp).unwrap_or_else(|_| {
                            format!("<Task pending name='{}'>", task.task_name())
                        });
                        let _ = interp.flush_stdout();
                        eprintln!("{message}");
                        eprintln!("task: {repr}");
                        Ok(())
                    },
                );
                if let Some(Value::Generator(coroutine)) = task.task().map(|task| &task.coro) {
                    let coroutine = coroutine.clone();
                    if coroutine.is_unstarted() {
                        crate::runtime::warnings::warn_never_awaited(coroutine.qualname());
                    } else {
                        self.close_unraisably(&coroutine);
                    }
                }
            }
        }
    }

    /// At exit, the exceptions nobody retrieved of tasks still alive (in
    /// a cycle, which pyl's collector does not look into): CPython's
    /// collector reports them as it frees the tasks. A task that is freed
    /// earlier reports its exception then (`Future`'s `Drop`).
    pub fn report_unretrieved_at_exit(&mut self) {
        let held = future::take_held_by_traceback();
        for event_loop in event_loop::live_loops() {
            self.report_unretrieved(&event_loop);
        }
        drop(held);
    }

    /// Reports the exceptions of tasks that nobody retrieved, as CPython
    /// does when such a task is garbage-collected.
    pub fn report_unretrieved(&mut self, event_loop: &Rc<EventLoop>) {
        let tasks = event_loop.tasks.borrow().live();
        for task in tasks {
            if let Some(error) = task.unretrieved_exception() {
                let _ = task.exception(self);
                let _ = self.report_to_loop(
                    event_loop,
                    |_| future::never_retrieved_context(task.class_name(), &error, task.value()),
                    None,
                    |interp| {
                        let repr = task.describe(interp).unwrap_or_else(|_| {
                            format!("<Task finished name='{}'>", task.task_name())
                        });
                        future::report_never_retrieved(interp, task.class_name(), &repr, &error);
                        Ok(())
                    },
                );
            }
        }
    }
}

impl Interp {
    /// Runs `work` as a callback of `event_loop` would run: the loop counts
    /// as running, so `create_task` and `get_running_loop` work (the REPL's
    /// inputs without `await`, as in `python -m asyncio`).
    pub fn with_loop_running<T>(
        &mut self,
        event_loop: &Rc<EventLoop>,
        work: impl FnOnce(&mut Interp) -> T,
    ) -> PyResult<T> {
        let runtime = self.asyncio_runtime()?;
        *runtime.running_loop.borrow_mut() = Some(event_loop.clone());
        event_loop.running.set(true);
        let result = work(self);
        event_loop.running.set(false);
        *runtime.running_loop.borrow_mut() = None;
        Ok(result)
    }

    /// An async generator's first iteration: the running loop, if any,
    /// will close it at shutdown, or when it is dropped unfinished
    /// (CPython's `firstiter` hook). Whether a loop took it.
    pub fn register_async_generator(&self, generator: &Rc<Generator>) -> bool {
        let running = self
            .asyncio
            .as_ref()
            .and_then(|runtime| runtime.running_loop.borrow().clone());
        let Some(event_loop) = running else {
            return false;
        };
        event_loop.async_generators.borrow_mut().push(generator);
        true
    }

    /// What Ctrl-C does now: inside `asyncio.run`, the first press cancels
    /// the main task and the program goes on (`None`); otherwise, and on
    /// a second press, `KeyboardInterrupt` is raised where the code is.
    pub fn keyboard_interrupt(&mut self) -> Option<PyErr> {
        if let Some(runtime) = &self.asyncio {
            let main_task = runtime.main_task.borrow().clone();
            if let Some(task) = main_task {
                runtime.interrupts.set(runtime.interrupts.get() + 1);
                if runtime.interrupts.get() == 1 && !task.is_done() {
                    task.cancel(None);
                    return None;
                }
            }
        }
        Some(self.new_exception(ExcType::KeyboardInterrupt, vec![]))
    }
}

impl Future {
    fn remove_stop_loop(&self) {
        self.remove_callbacks_where(|c| matches!(c, DoneCallback::StopLoop));
    }
}

// ---- module functions ----

type Kwargs<'a> = &'a [(Name, Value)];

/// Positional argument `index` of the function `signature` spells out
/// (`"name(a, b)"`, with `self` for a method). Missing, it raises the
/// message CPython gives for its function, written in Python.
fn argument<'a>(
    interp: &Interp,
    signature: &str,
    args: &'a [Value],
    index: usize,
) -> PyResult<&'a Value> {
    args.get(index)
        .ok_or_else(|| interp.type_error(missing_arguments(signature, args.len())))
}

fn missing_arguments(signature: &str, given: usize) -> String {
    let (name, parameters) = signature
        .strip_suffix(')')
        .and_then(|s| s.split_once('('))
        .unwrap_or((signature, ""));
    let missing: Vec<Name> = parameters.split(", ").skip(given).map(Name::from).collect();
    crate::eval::call::missing_positional(name, &missing)
}

const CALL_LATER: &str = "BaseEventLoop.call_later(self, delay, callback)";
const CALL_AT: &str = "BaseEventLoop.call_at(self, when, callback)";

/// Whether `function` is `asyncio.sleep`.
pub fn is_sleep(function: &Value) -> bool {
    matches!(function, Value::Builtin(builtin)
        if builtin.receiver.is_none() && std::ptr::fn_addr_eq(builtin.func, sleep as NativeFn))
}

/// `async def sleep(delay, result=None)`'s arguments bound as Python binds
/// them.
fn sleep(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let allowed = &["delay", "result"];
    let mut bound = [args.first(), args.get(1)];
    for (slot, name) in bound.iter_mut().zip(allowed) {
        if let Some(value) = keyword(interp, "sleep", kwargs, allowed, name)? {
            if slot.is_some() {
                return Err(
                    interp.type_error(format!("sleep() got multiple values for argument '{name}'"))
                );
            }
            *slot = Some(value);
        }
    }
    check_positional(interp, "sleep", 1..=2, args, kwargs)?;
    let [Some(delay), result] = bound else {
        return Err(interp.type_error(missing_arguments("sleep(delay)", 0)));
    };
    let result = result.cloned().unwrap_or(Value::None);
    let delay = match seconds_of(interp, delay) {
        Some(seconds) => seconds?,
        None => return Ok(Value::native(Sleep::refused(delay.clone()))),
    };
    Ok(Value::native(Sleep::new(delay, result)))
}

fn gather(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let return_exceptions = match keyword(
        interp,
        "gather",
        kwargs,
        &["return_exceptions"],
        "return_exceptions",
    )? {
        Some(value) => interp.truthy(value)?,
        None => false,
    };
    let gathered = interp.gather(args, return_exceptions);
    as_python_frame(args, gathered)
}

fn name_argument(interp: &mut Interp, value: Option<&Value>) -> PyResult<Option<Name>> {
    match value {
        None | Some(Value::None) => Ok(None),
        Some(value) => Ok(Some(interp.to_str(value)?.into())),
    }
}

/// The result of an asyncio function that is Python in CPython: its
/// error keeps the arguments alive, as CPython's traceback keeps the
/// frame (a coroutine among them is reported unawaited only when the
/// exception is gone).
fn as_python_frame(args: &[Value], result: PyResult<Value>) -> PyResult<Value> {
    result.map_err(|error| error.holding(args))
}

/// `create_task`'s keyword arguments: `name=` and `context=`.
fn create_task_keywords<'a>(
    interp: &Interp,
    kwargs: &'a [(Name, Value)],
) -> PyResult<(Option<&'a Value>, Option<&'a Value>)> {
    let allowed = &["name", "context"];
    Ok((
        keyword(interp, "create_task", kwargs, allowed, "name")?,
        keyword(interp, "create_task", kwargs, allowed, "context")?,
    ))
}

fn create_task(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let coro = argument(interp, "create_task(coro)", args, 0)?.clone();
    check_positional(interp, "create_task", 1..=1, args, kwargs)?;
    let (name, context) = create_task_keywords(interp, kwargs)?;
    as_python_frame(
        args,
        (|| {
            let name = name_argument(interp, name)?;
            let event_loop = interp.running_loop()?;
            let context = interp.context_argument(context)?;
            // CPython's `loop.create_task(coro)` then `task.set_name(name)`:
            // the task takes a number of `Task-N` even when named (and is
            // made with its name, which the task trace shows).
            if name.is_some() {
                let runtime = interp.asyncio_runtime()?;
                runtime
                    .task_name_counter
                    .set(runtime.task_name_counter.get() + 1);
            }
            Ok(interp
                .create_task_in(&event_loop, coro, name, context)?
                .value())
        })(),
    )
}

fn ensure_future(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let value = argument(interp, "ensure_future(coro_or_future)", args, 0)?;
    let event_loop = match keyword(interp, "ensure_future", kwargs, &["loop"], "loop")? {
        Some(Value::Native(object)) => object.downcast_ref::<EventLoop>().map(|l| l.rc()),
        _ => None,
    };
    if future_of(value).is_none() && is_future_by_duck_typing(interp, value)? {
        if let Some(event_loop) = &event_loop {
            let its_loop = interp.call_method(value, "get_loop", &[])?;
            if !loop_of(interp, &its_loop).is_ok_and(|its_loop| Rc::ptr_eq(&its_loop, event_loop)) {
                return Err(interp.error(
                    ExcType::ValueError,
                    "The future belongs to a different loop than the one specified as the loop argument",
                ));
            }
        }
        return Ok(value.clone());
    }
    let future = interp.ensure_future(value, event_loop);
    as_python_frame(args, future.map(|future| future.value()))
}

fn get_event_loop(interp: &mut Interp, _: &[Value], _: Kwargs) -> PyResult<Value> {
    Ok(Value::native(interp.current_or_new_loop()?))
}

fn new_event_loop(interp: &mut Interp, _: &[Value], _: Kwargs) -> PyResult<Value> {
    let event_loop = EventLoop::new();
    crate::runtime::modules::logging::event_loop_made(interp)?;
    Ok(Value::native(event_loop))
}

/// `asyncio.SelectorEventLoop()`: a new loop, as `new_event_loop()`.
fn event_loop_new(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    check_count(interp, "SelectorEventLoop", &args[1..], kwargs, 0, 1)?;
    let event_loop = EventLoop::new();
    crate::runtime::modules::logging::event_loop_made(interp)?;
    Ok(Value::native(event_loop))
}

fn set_event_loop(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let runtime = interp.asyncio_runtime()?;
    runtime.loop_was_set.set(true);
    *runtime.current_loop.borrow_mut() = match args.first() {
        Some(value) => loop_of(interp, value).ok(),
        None => None,
    };
    Ok(Value::None)
}

fn get_running_loop(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    check_count(interp, "_asyncio.get_running_loop", args, kwargs, 0, 0)?;
    Ok(Value::native(interp.running_loop()?))
}

fn get_running_loop_or_none(interp: &mut Interp, _: &[Value], _: Kwargs) -> PyResult<Value> {
    Ok(interp
        .running_loop()
        .map_or(Value::None, |l| Value::native(l)))
}

fn current_task(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    check_positional(interp, "current_task", 0..=1, args, kwargs)?;
    let event_loop = match args.first() {
        Some(value) if !value.is_none() => loop_of(interp, value)?,
        _ => interp.running_loop()?,
    };
    let current = event_loop.current_task.borrow().clone();
    Ok(current.map_or(Value::None, |t| t.value()))
}

fn all_tasks(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    check_positional(interp, "all_tasks", 0..=1, args, kwargs)?;
    let given = args
        .first()
        .or(keyword(interp, "all_tasks", kwargs, &["loop"], "loop")?)
        .cloned();
    let event_loop = match given {
        Some(value) if !value.is_none() => loop_of(interp, &value)?,
        _ => interp.running_loop()?,
    };
    let tasks: Vec<Value> = event_loop.live_tasks().iter().map(|t| t.value()).collect();
    Ok(Value::set(interp.set_from_values(tasks)?))
}

fn iscoroutine(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    Ok(Value::from(interp.is_coroutine(argument(
        interp,
        "iscoroutine",
        args,
        0,
    )?)))
}

fn iscoroutinefunction(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let mut function = match argument(interp, "iscoroutinefunction(func)", args, 0)? {
        Value::BoundMethod(method) => method.function.clone(),
        other => other.clone(),
    };
    // `inspect`'s: what a `functools.partial` calls.
    while let Value::Instance(instance) = &function {
        if !(&*instance.class.name == "partial" && &*instance.class.module == "functools") {
            break;
        }
        function = interp.get_attr(&function, "func")?;
    }
    Ok(Value::from(match &function {
        Value::Function(f) => f.code.flavor == crate::compile::ir::Flavor::Coroutine,
        Value::Builtin(builtin) => is_coroutine_function_in_cpython(builtin),
        _ => false,
    }))
}

/// Whether a builtin of pyl's asyncio is an `async def` in CPython's:
/// `sleep`, `Queue.get` and `put`, `Event.wait`, and the loop's methods
/// that CPython's `BaseEventLoop` defines with `async def`.
fn is_coroutine_function_in_cpython(builtin: &crate::runtime::object::BuiltinFunction) -> bool {
    const LOOP_COROUTINES: &[&str] = &[
        "connect_accepted_socket",
        "connect_read_pipe",
        "connect_write_pipe",
        "create_connection",
        "create_datagram_endpoint",
        "create_server",
        "create_unix_connection",
        "create_unix_server",
        "getaddrinfo",
        "getnameinfo",
        "sendfile",
        "shutdown_asyncgens",
        "shutdown_default_executor",
        "sock_accept",
        "sock_connect",
        "sock_recv",
        "sock_recv_into",
        "sock_recvfrom",
        "sock_recvfrom_into",
        "sock_sendall",
        "sock_sendfile",
        "sock_sendto",
        "start_tls",
        "subprocess_exec",
        "subprocess_shell",
    ];
    let natives: [NativeFn; 4] = [
        sleep,
        queues::queue_put,
        queues::queue_get,
        locks::event_wait,
    ];
    if natives
        .iter()
        .any(|&native| std::ptr::fn_addr_eq(native, builtin.func))
    {
        return true;
    }
    let owner = builtin.owner.as_ref().and_then(std::rc::Weak::upgrade);
    owner.is_some_and(|class| &*class.name == EVENT_LOOP_CLASS)
        && LOOP_COROUTINES.contains(&builtin.name)
}

fn isfuture(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let object = argument(interp, "isfuture(obj)", args, 0)?;
    Ok(Value::from(
        future_of(object).is_some() || is_future_by_duck_typing(interp, object)?,
    ))
}

/// Whether `object`'s class has `_asyncio_future_blocking` and it is not
/// `None`: what `isfuture` takes for a future not of asyncio's own.
fn is_future_by_duck_typing(interp: &mut Interp, object: &Value) -> PyResult<bool> {
    if interp
        .class_of(object)
        .lookup("_asyncio_future_blocking")
        .is_none()
    {
        return Ok(false);
    }
    let blocking = interp.get_attr(object, "_asyncio_future_blocking")?;
    Ok(!blocking.is_none())
}

// ---- futures and tasks ----

fn receiver_future(interp: &Interp, args: &[Value]) -> PyResult<Rc<Future>> {
    args.first()
        .and_then(future_of)
        .ok_or_else(|| interp.type_error("descriptor requires a 'Future' object"))
}

/// The receiver of a method of `Future` or `Task` that `takes` no
/// argument or exactly one (CPython's `METH_NOARGS`, `METH_O`), with
/// their messages, which name the method's class (`Task.done()`).
fn receiver_taking(
    interp: &Interp,
    args: &[Value],
    kwargs: Kwargs,
    method: &str,
    takes: usize,
) -> PyResult<Rc<Future>> {
    let future = receiver_future(interp, args)?;
    if kwargs.is_empty() && args.len() == takes + 1 {
        return Ok(future);
    }
    let class = if future.task().is_some() {
        "Task"
    } else {
        "Future"
    };
    check_count(
        interp,
        &format!("{class}.{method}"),
        &args[1..],
        kwargs,
        takes,
        takes,
    )?;
    Ok(future)
}

/// `Future(*, loop=None)`.
fn future_new(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(interp.type_error("Future() takes no positional arguments"));
    }
    if let Some((key, _)) = kwargs.iter().find(|(key, _)| &**key != "loop") {
        return Err(interp.type_error(format!(
            "'{key}' is an invalid keyword argument for Future()"
        )));
    }
    let event_loop = given_loop_or_current(interp, kwargs.first().map(|(_, value)| value))?;
    Ok(Future::new(event_loop).value())
}

/// The loop a future or task made with `loop=` belongs to: the one given,
/// else the current one.
fn given_loop_or_current(interp: &mut Interp, given: Option<&Value>) -> PyResult<Rc<EventLoop>> {
    match given {
        None | Some(Value::None) => interp.current_or_new_loop(),
        Some(event_loop) => loop_of(interp, event_loop),
    }
}

fn task_new(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let coro = args
        .get(1)
        .ok_or_else(|| interp.type_error("Task() missing required argument 'coro' (pos 1)"))?
        .clone();
    let allowed = &["name", "loop", "context"];
    let name = keyword(interp, "Task", kwargs, allowed, "name")?.cloned();
    let name = name_argument(interp, name.as_ref())?;
    let context = keyword(interp, "Task", kwargs, allowed, "context")?;
    let context = interp.context_argument(context)?;
    let event_loop = keyword(interp, "Task", kwargs, allowed, "loop")?;
    let event_loop = given_loop_or_current(interp, event_loop)?;
    Ok(interp
        .create_task_in(&event_loop, coro, name, context)?
        .value())
}

fn future_done(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::from(
        receiver_taking(interp, args, kwargs, "done", 0)?.is_done(),
    ))
}

fn future_cancelled(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::from(
        receiver_taking(interp, args, kwargs, "cancelled", 0)?.is_cancelled(),
    ))
}

fn future_result(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    receiver_taking(interp, args, kwargs, "result", 0)?.result(interp)
}

fn future_exception(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    receiver_taking(interp, args, kwargs, "exception", 0)?.exception(interp)
}

fn future_set_result(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let future = receiver_taking(interp, args, kwargs, "set_result", 1)?;
    if future.task().is_some() {
        return Err(interp.error(
            ExcType::RuntimeError,
            "Task does not support set_result operation",
        ));
    }
    future.set_result(interp, args[1].clone())?;
    Ok(Value::None)
}

fn future_set_exception(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let future = receiver_taking(interp, args, kwargs, "set_exception", 1)?;
    if future.task().is_some() {
        return Err(interp.error(
            ExcType::RuntimeError,
            "Task does not support set_exception operation",
        ));
    }
    // The C `future_set_exception`: the state first, then an exception
    // class called (and the state again), then the value checked.
    if future.is_done() {
        return Err(future.invalid_state(interp));
    }
    let mut exception = args[1].clone();
    let base = interp.types.exception(ExcType::BaseException).clone();
    if matches!(&exception, Value::Type(class) if class.is_subclass_of(&base)) {
        exception = interp.call(&exception, &[], &[])?;
        if future.is_done() {
            return Err(future.invalid_state(interp));
        }
    }
    let error = match exception {
        Value::Instance(instance) if instance.exception.is_some() => PyErr(instance),
        _ => return Err(interp.type_error("invalid exception object")),
    };
    future.set_exception(interp, error)?;
    Ok(Value::None)
}

fn future_cancel(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let future = receiver_future(interp, args)?;
    let [message] = functions::bind(interp, "cancel", &args[1..], kwargs, ["msg"], 0, 0)?;
    let message = message.filter(|value| !value.is_none()).cloned();
    Ok(Value::from(future.cancel(message)))
}

/// `add_done_callback(fn, /, *, context=None)`, with the messages of
/// CPython's `_PyArg_UnpackKeywords`.
fn future_add_done_callback(
    interp: &mut Interp,
    args: &[Value],
    kwargs: Kwargs,
) -> PyResult<Value> {
    let future = receiver_future(interp, args)?;
    let positional = &args[1..];
    let given = positional.len() + kwargs.len();
    let wrong = if given > 2 {
        let keyword = if positional.is_empty() {
            "keyword "
        } else {
            ""
        };
        Some(format!(
            "takes at most 2 {keyword}arguments ({given} given)"
        ))
    } else if positional.len() != 1 {
        let count = positional.len();
        Some(format!(
            "takes exactly 1 positional argument ({count} given)"
        ))
    } else {
        None
    };
    if let Some(wrong) = wrong {
        return Err(interp.type_error(format!("add_done_callback() {wrong}")));
    }
    let context = match kwargs {
        [] => None,
        [(key, value)] if &**key == "context" => Some(value),
        [(key, _), ..] => {
            return Err(interp.type_error(format!(
                "'{key}' is an invalid keyword argument for add_done_callback()"
            )))
        }
    };
    let callback = positional[0].clone();
    let context = interp.context_argument(context)?;
    future.add_done_callback(DoneCallback::Python(Box::new(event_loop::PythonCall {
        function: callback,
        args: Vec::new(),
        context,
    })));
    Ok(Value::None)
}

fn future_remove_done_callback(
    interp: &mut Interp,
    args: &[Value],
    kwargs: Kwargs,
) -> PyResult<Value> {
    let future = receiver_taking(interp, args, kwargs, "remove_done_callback", 1)?;
    let callback = args[1].clone();
    let removed = future.remove_callbacks_where(
        |c| matches!(c, DoneCallback::Python(call) if call.function.is(&callback)),
    );
    Ok(Value::Int(removed as i64))
}

fn future_get_loop(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::native(
        receiver_taking(interp, args, kwargs, "get_loop", 0)?
            .event_loop
            .clone(),
    ))
}

fn future_await(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    future_iterator(interp, args, kwargs, "__await__")
}

fn future_iter(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    future_iterator(interp, args, kwargs, "__iter__")
}

/// `__await__` and `__iter__`, slot wrappers in CPython (with their
/// messages).
fn future_iterator(
    interp: &mut Interp,
    args: &[Value],
    kwargs: Kwargs,
    name: &str,
) -> PyResult<Value> {
    let future = receiver_future(interp, args)?;
    if !kwargs.is_empty() {
        return Err(interp.type_error(format!("wrapper {name}() takes no keyword arguments")));
    }
    if args.len() > 1 {
        let given = args.len() - 1;
        return Err(interp.type_error(format!("expected 0 arguments, got {given}")));
    }
    Ok(Value::native(Rc::new(FutureAwait::new(future))))
}

/// The receiver of a method of `Task` that `takes` no argument or one.
fn task_state(
    interp: &Interp,
    args: &[Value],
    kwargs: Kwargs,
    method: &str,
    takes: usize,
) -> PyResult<Rc<Future>> {
    let future = receiver_future(interp, args)?;
    if future.task().is_none() {
        return Err(interp.type_error("descriptor requires a 'Task' object"));
    }
    receiver_taking(interp, args, kwargs, method, takes)
}

fn task_get_name(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::str(
        task_state(interp, args, kwargs, "get_name", 0)?.task_name(),
    ))
}

fn task_set_name(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let task = task_state(interp, args, kwargs, "set_name", 1)?;
    let name = interp.to_str(&args[1])?;
    if task.task().is_some() {
        task.set_task_name(name.into());
    }
    Ok(Value::None)
}

fn task_get_coro(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let task = task_state(interp, args, kwargs, "get_coro", 0)?;
    Ok(task.task().map_or(Value::None, |t| t.coro.clone()))
}

fn task_cancelling(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::Int(
        task_state(interp, args, kwargs, "cancelling", 0)?.cancelling() as i64,
    ))
}

fn task_uncancel(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Ok(Value::Int(
        task_state(interp, args, kwargs, "uncancel", 0)?.uncancel() as i64,
    ))
}

// ---- loops ----

pub(super) fn loop_of(interp: &Interp, value: &Value) -> PyResult<Rc<EventLoop>> {
    match value {
        Value::Native(object) => object.downcast_ref::<EventLoop>().map(EventLoop::rc),
        _ => None,
    }
    .ok_or_else(|| interp.type_error("an event loop was expected"))
}

fn receiver_loop(interp: &Interp, args: &[Value]) -> PyResult<Rc<EventLoop>> {
    loop_of(interp, args.first().unwrap_or(&Value::None))
}

fn loop_run_until_complete(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let event_loop = receiver_loop(interp, args)?;
    let awaitable = argument(
        interp,
        "BaseEventLoop.run_until_complete(self, future)",
        args,
        1,
    )?
    .clone();
    let result = interp.run_until_complete(&event_loop, &awaitable);
    as_python_frame(&args[1..], result)
}

fn loop_run_forever(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let event_loop = receiver_loop(interp, args)?;
    interp.run_forever(&event_loop)?;
    Ok(Value::None)
}

fn loop_stop(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    receiver_loop(interp, args)?.stop();
    Ok(Value::None)
}

fn loop_close(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let event_loop = receiver_loop(interp, args)?;
    if event_loop.running.get() {
        return Err(interp.error(ExcType::RuntimeError, "Cannot close a running event loop"));
    }
    event_loop.closed.set(true);
    Ok(Value::None)
}

fn loop_is_running(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    Ok(Value::from(receiver_loop(interp, args)?.running.get()))
}

fn loop_is_closed(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    Ok(Value::from(receiver_loop(interp, args)?.closed.get()))
}

fn loop_get_debug(_: &mut Interp, _: &[Value], _: Kwargs) -> PyResult<Value> {
    Ok(Value::from(false))
}

fn loop_create_task(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let event_loop = receiver_loop(interp, args)?;
    let coro = argument(interp, "BaseEventLoop.create_task(self, coro)", args, 1)?.clone();
    check_positional(interp, "BaseEventLoop.create_task", 2..=2, args, kwargs)?;
    let (name, context) = create_task_keywords(interp, kwargs)?;
    as_python_frame(
        args,
        (|| {
            if event_loop.closed.get() {
                return Err(interp.error(ExcType::RuntimeError, "Event loop is closed"));
            }
            let name = name_argument(interp, name)?;
            let context = interp.context_argument(context)?;
            Ok(interp
                .create_task_in(&event_loop, coro, name, context)?
                .value())
        })(),
    )
}

fn loop_create_future(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let event_loop = receiver_loop(interp, args)?;
    check_positional(interp, "BaseEventLoop.create_future", 1..=1, args, kwargs)?;
    Ok(Future::new(event_loop).value())
}

fn loop_call_soon(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    schedule_soon(interp, "call_soon", args, kwargs)
}

/// With one thread, `call_soon` from the loop's own: the same.
fn loop_call_soon_threadsafe(
    interp: &mut Interp,
    args: &[Value],
    kwargs: Kwargs,
) -> PyResult<Value> {
    schedule_soon(interp, "call_soon_threadsafe", args, kwargs)
}

fn schedule_soon(
    interp: &mut Interp,
    method: &str,
    args: &[Value],
    kwargs: Kwargs,
) -> PyResult<Value> {
    let event_loop = receiver_loop(interp, args)?;
    let context = keyword(
        interp,
        &format!("BaseEventLoop.{method}"),
        kwargs,
        &["context"],
        "context",
    )?;
    let signature = format!("BaseEventLoop.{method}(self, callback)");
    let callback = argument(interp, &signature, args, 1)?.clone();
    check_open(interp, &event_loop)?;
    let context = interp.context_argument(context)?;
    let handle = event_loop.call_soon(Callback::python(callback, args[2..].to_vec(), context));
    Ok(Value::native(handle))
}

/// `BaseEventLoop._check_closed()`.
fn check_open(interp: &Interp, event_loop: &EventLoop) -> PyResult<()> {
    if event_loop.closed.get() {
        return Err(interp.error(ExcType::RuntimeError, "Event loop is closed"));
    }
    Ok(())
}

fn seconds(interp: &mut Interp, value: &Value) -> PyResult<f64> {
    seconds_of(interp, value).unwrap_or_else(|| {
        Err(interp.type_error(format!(
            "unsupported operand type(s) for +: 'float' and '{}'",
            interp.type_name(value)
        )))
    })
}

/// A delay or deadline as the loop's float, as CPython's `time() + delay`
/// makes it: a number (an int too large for a float fails as there), or
/// an object that converts to one (a `Fraction`); `None` for anything else.
fn seconds_of(interp: &mut Interp, value: &Value) -> Option<PyResult<f64>> {
    if let Some(seconds) = crate::runtime::arith::to_f64(interp, value.builtin_value()) {
        return Some(seconds);
    }
    interp.lookup_special(value, "__float__")?;
    let float = Value::Type(interp.types.float.clone());
    Some(
        interp
            .call(&float, std::slice::from_ref(value), &[])
            .and_then(|converted| {
                crate::runtime::arith::to_f64(interp, &converted).unwrap_or(Ok(f64::NAN))
            }),
    )
}

fn loop_call_later(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let event_loop = receiver_loop(interp, args)?;
    let context = keyword(
        interp,
        "BaseEventLoop.call_later",
        kwargs,
        &["context"],
        "context",
    )?;
    let delay = argument(interp, CALL_LATER, args, 1)?;
    if delay.is_none() {
        return Err(interp.type_error("delay must not be None"));
    }
    let delay = seconds(interp, delay)?;
    let callback = argument(interp, CALL_LATER, args, 2)?.clone();
    let when = interp.clock.monotonic() + delay;
    check_open(interp, &event_loop)?;
    let context = interp.context_argument(context)?;
    let callback = Callback::python(callback, args[3..].to_vec(), context);
    let handle = event_loop.call_later(when, callback);
    Ok(Value::native(handle))
}

fn loop_call_at(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let event_loop = receiver_loop(interp, args)?;
    let context = keyword(
        interp,
        "BaseEventLoop.call_at",
        kwargs,
        &["context"],
        "context",
    )?;
    let when = argument(interp, CALL_AT, args, 1)?;
    if when.is_none() {
        return Err(interp.type_error("when cannot be None"));
    }
    let when = seconds(interp, when)?;
    let callback = argument(interp, CALL_AT, args, 2)?.clone();
    check_open(interp, &event_loop)?;
    let context = interp.context_argument(context)?;
    let callback = Callback::python(callback, args[3..].to_vec(), context);
    let handle = event_loop.call_at(when, callback);
    Ok(Value::native(handle))
}

fn loop_time(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    check_positional(interp, "BaseEventLoop.time", 1..=1, args, kwargs)?;
    Ok(Value::float(interp.clock.monotonic()))
}

fn loop_shutdown(_: &mut Interp, _: &[Value], _: Kwargs) -> PyResult<Value> {
    Ok(Value::native(Rc::new(Noop)))
}

/// `loop.shutdown_asyncgens()`: asyncio's Python coroutine that closes the
/// async generators still open, given the list (CPython's WeakSet).
fn loop_shutdown_asyncgens(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let event_loop = receiver_loop(interp, args)?;
    let open: Vec<Value> = event_loop
        .async_generators
        .borrow_mut()
        .take()
        .into_iter()
        .filter(|generator| !generator.is_finished())
        .map(Value::Generator)
        .collect();
    let asyncio = interp.import_module("asyncio")?;
    let shutdown = interp.get_attr(&asyncio, "_shutdown_asyncgens")?;
    interp.call(&shutdown, &[args[0].clone(), Value::list(open)], &[])
}

// ---- handles ----

fn receiver_handle(interp: &Interp, args: &[Value]) -> PyResult<Rc<Handle>> {
    match args.first() {
        Some(Value::Native(object)) => object.downcast_ref::<Handle>().map(Handle::rc),
        _ => None,
    }
    .ok_or_else(|| interp.type_error("descriptor requires a 'Handle' object"))
}

fn handle_cancel(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    receiver_handle(interp, args)?.cancel();
    Ok(Value::None)
}

fn handle_cancelled(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    Ok(Value::from(receiver_handle(interp, args)?.cancelled.get()))
}

fn handle_when(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    Ok(Value::float(receiver_handle(interp, args)?.when))
}

/// CPython 3.11.7's `asyncio.__all__`, what `from asyncio import *`
/// binds (`TaskGroup` is not among them there).
#[rustfmt::skip]
const ALL: &[&str] = &[
    "BaseEventLoop", "Server", "iscoroutinefunction", "iscoroutine",
    "AbstractEventLoopPolicy", "AbstractEventLoop", "AbstractServer", "Handle",
    "TimerHandle", "get_event_loop_policy", "set_event_loop_policy", "get_event_loop",
    "set_event_loop", "new_event_loop", "get_child_watcher", "set_child_watcher",
    "_set_running_loop", "get_running_loop", "_get_running_loop", "BrokenBarrierError",
    "CancelledError", "InvalidStateError", "TimeoutError", "IncompleteReadError",
    "LimitOverrunError", "SendfileNotAvailableError", "Future", "wrap_future", "isfuture",
    "Lock", "Event", "Condition", "Semaphore", "BoundedSemaphore", "Barrier",
    "BaseProtocol", "Protocol", "DatagramProtocol", "SubprocessProtocol",
    "BufferedProtocol", "Runner", "run", "Queue", "PriorityQueue", "LifoQueue",
    "QueueFull", "QueueEmpty", "StreamReader", "StreamWriter", "StreamReaderProtocol",
    "open_connection", "start_server", "open_unix_connection", "start_unix_server",
    "create_subprocess_exec", "create_subprocess_shell", "Task", "create_task",
    "FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED", "wait", "wait_for",
    "as_completed", "sleep", "gather", "shield", "ensure_future",
    "run_coroutine_threadsafe", "current_task", "all_tasks", "_register_task",
    "_unregister_task", "_enter_task", "_leave_task", "to_thread", "Timeout", "timeout",
    "timeout_at", "BaseTransport", "ReadTransport", "WriteTransport", "Transport",
    "DatagramTransport", "SubprocessTransport", "SelectorEventLoop",
    "AbstractChildWatcher", "SafeChildWatcher", "FastChildWatcher", "PidfdChildWatcher",
    "MultiLoopChildWatcher", "ThreadedChildWatcher", "DefaultEventLoopPolicy",
];

/// What CPython's asyncio has and pyl does not: each is there (`hasattr`
/// is true, as in CPython) and a call says what pyl lacks — threads, child
/// processes, Unix sockets, UDP, signals, TLS.
mod unsupported {
    // The functions are named after what they stand for, classes too.
    #![allow(non_snake_case)]
    crate::runtime::builtins::not_supported!(FUNCTIONS, "asyncio.":
        to_thread: "it runs one thread",
        run_coroutine_threadsafe: "it runs one thread",
        _set_running_loop: "its loops keep their own state",
        _register_task: "its loops keep their own tasks",
        _unregister_task: "its loops keep their own tasks",
        _enter_task: "its loops keep their own tasks",
        _leave_task: "its loops keep their own tasks",
        get_event_loop_policy: "one kind of event loop",
        set_event_loop_policy: "one kind of event loop",
        AbstractEventLoopPolicy: "one kind of event loop",
        DefaultEventLoopPolicy: "one kind of event loop",
        get_child_watcher: "it starts no processes",
        set_child_watcher: "it starts no processes",
        AbstractChildWatcher: "it starts no processes",
        SafeChildWatcher: "it starts no processes",
        FastChildWatcher: "it starts no processes",
        PidfdChildWatcher: "it starts no processes",
        MultiLoopChildWatcher: "it starts no processes",
        ThreadedChildWatcher: "it starts no processes",
        SubprocessProtocol: "it starts no processes",
        SubprocessTransport: "it starts no processes",
        DatagramProtocol: "TCP only",
        DatagramTransport: "TCP only",
        BufferedProtocol: "streams and protocols only",
        BaseTransport: "streams and protocols only",
        ReadTransport: "streams and protocols only",
        WriteTransport: "streams and protocols only",
        Transport: "streams and protocols only",
        AbstractServer: "streams and protocols only",
        wrap_future: "it has no concurrent.futures",
        create_subprocess_exec: "it starts no processes",
        create_subprocess_shell: "it starts no processes",
        open_unix_connection: "TCP streams only",
        start_unix_server: "TCP streams only",
    );

    crate::runtime::builtins::not_supported!(TASK_METHODS, "Task.":
        get_stack: "no frame objects",
        print_stack: "no frame objects",
    );

    crate::runtime::builtins::not_supported!(LOOP_METHODS, "loop.":
        run_in_executor: "it runs one thread",
        set_default_executor: "it runs one thread",
        getaddrinfo: "TCP streams by host and port only",
        getnameinfo: "TCP streams by host and port only",
        create_datagram_endpoint: "TCP only",
        create_unix_server: "TCP only",
        create_unix_connection: "TCP only",
        connect_read_pipe: "TCP only",
        connect_write_pipe: "TCP only",
        subprocess_exec: "it starts no processes",
        subprocess_shell: "it starts no processes",
        add_signal_handler: "no signal handlers",
        remove_signal_handler: "no signal handlers",
        sendfile: "no sendfile",
        start_tls: "no TLS",
        sock_recv: "streams and protocols only",
        sock_sendall: "streams and protocols only",
        sock_connect: "streams and protocols only",
        sock_accept: "streams and protocols only",
        add_reader: "streams and protocols only",
        remove_reader: "streams and protocols only",
        add_writer: "streams and protocols only",
        remove_writer: "streams and protocols only",
        set_debug: "no debug mode",
        set_task_factory: "no task factories",
        get_task_factory: "no task factories",
        connect_accepted_socket: "streams and protocols only",
        sock_recv_into: "streams and protocols only",
        sock_recvfrom: "TCP only",
        sock_recvfrom_into: "TCP only",
        sock_sendto: "TCP only",
        sock_sendfile: "no sendfile",
    );
}
