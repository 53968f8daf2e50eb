//! asyncio's submodules (`asyncio.exceptions`, `asyncio.tasks`, …): CPython's
//! package is made of them, and programs name them (`except
//! asyncio.exceptions.CancelledError`, `from asyncio.queues import Queue`).
//! pyl's asyncio is one module; each submodule is made on first use with
//! the names of its CPython namesake's `__all__`, taken from it.

use std::rc::Rc;

use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;
use crate::runtime::value::Value;

/// Each submodule and its `__all__` in CPython 3.11.
#[rustfmt::skip]
const SUBMODULES: &[(&str, &[&str])] = &[
    ("exceptions", &[
        "BrokenBarrierError", "CancelledError", "InvalidStateError", "TimeoutError",
        "IncompleteReadError", "LimitOverrunError", "SendfileNotAvailableError",
    ]),
    ("events", &[
        "AbstractEventLoopPolicy", "AbstractEventLoop", "AbstractServer", "Handle",
        "TimerHandle", "get_event_loop_policy", "set_event_loop_policy", "get_event_loop",
        "set_event_loop", "new_event_loop", "get_child_watcher", "set_child_watcher",
        "_set_running_loop", "get_running_loop", "_get_running_loop",
    ]),
    ("futures", &["Future", "wrap_future", "isfuture"]),
    ("tasks", &[
        "Task", "create_task", "FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED", "wait",
        "wait_for", "as_completed", "sleep", "gather", "shield", "ensure_future",
        "run_coroutine_threadsafe", "current_task", "all_tasks", "_register_task",
        "_unregister_task", "_enter_task", "_leave_task",
    ]),
    ("locks", &["Lock", "Event", "Condition", "Semaphore", "BoundedSemaphore", "Barrier"]),
    ("queues", &["Queue", "PriorityQueue", "LifoQueue", "QueueFull", "QueueEmpty"]),
    ("runners", &["Runner", "run"]),
    ("timeouts", &["Timeout", "timeout", "timeout_at"]),
    ("taskgroups", &["TaskGroup"]),
    ("coroutines", &["iscoroutinefunction", "iscoroutine"]),
    ("streams", &[
        "StreamReader", "StreamWriter", "StreamReaderProtocol", "open_connection",
        "start_server", "open_unix_connection", "start_unix_server",
    ]),
];

/// Whether `name` is one of asyncio's submodules (`exceptions`).
pub fn is_submodule(name: &str) -> bool {
    SUBMODULES.iter().any(|(submodule, _)| *submodule == name)
}

/// The module `asyncio.NAME` for `qualified` (`asyncio.exceptions`), made
/// from the names asyncio has, or `None` when asyncio has no such one.
pub fn create(interp: &mut Interp, qualified: &str) -> PyResult<Option<Rc<ModuleObject>>> {
    let Some(name) = qualified.strip_prefix("asyncio.") else {
        return Ok(None);
    };
    let Some((_, names)) = SUBMODULES.iter().find(|(submodule, _)| *submodule == name) else {
        return Ok(None);
    };
    let asyncio = interp.import_module("asyncio")?;
    let module = crate::runtime::modules::new_module(qualified);
    for &public in *names {
        let value = interp.get_attr(&asyncio, public)?;
        module.namespace.borrow_mut().insert(public.into(), value);
    }
    let all = names.iter().map(|&name| Value::str(name)).collect();
    (module.namespace.borrow_mut()).insert("__all__".into(), Value::tuple(all));
    Ok(Some(module))
}
