//! `Queue.put` and `Queue.get` as native coroutines with a fast path.
//!
//! The queue is the prelude's Python class, which follows CPython's
//! `queues.py`. When neither call has to wait, CPython runs
//! `put_nowait`/`get_nowait` without yielding:
//!
//! ```python
//! def put_nowait(self, item):          def get_nowait(self):
//!     if self.full(): raise QueueFull      if self.empty(): raise QueueEmpty
//!     self._put(item)                      item = self._get()
//!     self._unfinished_tasks += 1          self._wakeup_next(self._putters)
//!     self._finished.clear()               return item
//!     self._wakeup_next(self._getters)
//! ```
//!
//! For a queue that is exactly the prelude's `Queue`, whose class (and its
//! `_finished` event's class) nobody has changed and whose instance
//! shadows none of those methods, these steps run here, on the same
//! attributes, with no Python frame. Any other queue, and any call that must
//! wait, runs the prelude's own coroutine (`_put_waiting`, `_get_waiting`:
//! CPython's `put` and `get`), which this object then drives.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::future::future_of;
use crate::eval::frame::{GenStep, Resume};
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::modules::collections::{as_deque, Deque, End};
use crate::runtime::object::{Class, Instance, NameMap, NativeObject};
use crate::runtime::value::Value;
use crate::syntax::ast::{intern, Name};

/// The methods whose prelude definitions the fast path stands for.
const FAST_PATH_METHODS: [&str; 8] = [
    "full",
    "qsize",
    "empty",
    "put_nowait",
    "get_nowait",
    "_put",
    "_get",
    "_wakeup_next",
];

/// The prelude's `Queue` and `Event` classes as they were when the prelude
/// made them; the fast path applies only while they are unchanged.
pub struct PlainClasses {
    queue: Rc<Class>,
    queue_version: u64,
    event: Rc<Class>,
    event_version: u64,
    /// The names of the last queue found to shadow none of
    /// `FAST_PATH_METHODS`, in order: a queue with exactly these names
    /// (the same pointers) shadows none either, which saves looking each
    /// method up.
    unshadowed_names: RefCell<Vec<Name>>,
}

impl PlainClasses {
    pub fn new(queue: Rc<Class>, event: Rc<Class>) -> PlainClasses {
        PlainClasses {
            queue_version: queue.namespace.version(),
            event_version: event.namespace.version(),
            queue,
            event,
            unshadowed_names: RefCell::default(),
        }
    }

    /// Whether a queue's own names shadow none of `FAST_PATH_METHODS`.
    fn shadows_nothing(&self, attributes: &NameMap) -> bool {
        let known = self.unshadowed_names.borrow();
        if attributes.len() == known.len()
            && attributes
                .keys()
                .zip(known.iter())
                .all(|(a, b)| Rc::ptr_eq(a, b))
        {
            return true;
        }
        drop(known);
        if FAST_PATH_METHODS
            .iter()
            .any(|name| attributes.contains_key(*name))
        {
            return false;
        }
        *self.unshadowed_names.borrow_mut() = attributes.keys().cloned().collect();
        true
    }

    fn is_plain(&self, instance: &Instance, class: &Rc<Class>, version: u64) -> bool {
        Rc::ptr_eq(&instance.class, class) && class.namespace.version() == version
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Operation {
    Put,
    Get,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Progress {
    NotStarted,
    /// Driving the prelude's coroutine.
    Delegating,
    Finished,
}

pub struct QueueCall {
    queue: Value,
    operation: Operation,
    item: RefCell<Option<Value>>,
    progress: Cell<Progress>,
    delegate: RefCell<Option<Value>>,
}

impl QueueCall {
    fn start(&self, interp: &mut Interp) -> PyResult<GenStep> {
        if let Some(result) = self.fast_path(interp)? {
            return Ok(GenStep::Returned(result));
        }
        let (method, args) = match self.operation {
            Operation::Put => ("_put_waiting", self.item.borrow_mut().take()),
            Operation::Get => ("_get_waiting", None),
        };
        let coroutine = interp.call_method(&self.queue, method, &Vec::from_iter(args))?;
        *self.delegate.borrow_mut() = Some(coroutine);
        self.progress.set(Progress::Delegating);
        self.step(interp, Resume::Send(Value::None))
    }

    /// Drives the prelude's coroutine.
    fn step(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        let Some(delegate) = self.delegate.borrow().clone() else {
            return Ok(GenStep::Returned(Value::None));
        };
        let step = interp.resume_iterator(delegate, resume);
        if !matches!(step, Ok(GenStep::Yielded(_))) {
            self.progress.set(Progress::Finished);
            self.delegate.borrow_mut().take();
        }
        step
    }

    /// `put_nowait`/`get_nowait`'s steps, when the queue is plain and the
    /// call need not wait: `Some(result)`; otherwise `None`, having changed
    /// nothing.
    fn fast_path(&self, interp: &mut Interp) -> PyResult<Option<Value>> {
        let Value::Instance(queue) = &self.queue else {
            return Ok(None);
        };
        let runtime = interp.asyncio_runtime()?;
        let classes = runtime.plain_classes.borrow();
        let Some(plain) = classes.as_ref() else {
            return Ok(None);
        };
        if !plain.is_plain(queue, &plain.queue, plain.queue_version) {
            return Ok(None);
        }
        let attributes = queue.attributes.borrow();
        if !plain.shadows_nothing(&attributes) {
            return Ok(None);
        }
        match self.operation {
            Operation::Put => {
                let Some(plan) = PutPlan::read(&attributes, plain) else {
                    return Ok(None);
                };
                // Waking a getter may run Python code: no borrow across it.
                drop(attributes);
                drop(classes);
                let item = self.item.borrow_mut().take().unwrap_or(Value::None);
                plan.run(interp, queue, item)?;
                Ok(Some(Value::None))
            }
            Operation::Get => {
                let (Some(items), Some(putters)) = (
                    attributes.get("_queue").cloned(),
                    attributes.get("_putters").cloned(),
                ) else {
                    return Ok(None);
                };
                drop(attributes);
                drop(classes);
                let (Some(deque), Some(putters)) = (as_deque(&items), as_deque(&putters)) else {
                    return Ok(None);
                };
                // `self.empty()`: the caller must wait.
                let Some(item) = deque.pop(End::Left) else {
                    return Ok(None);
                };
                wakeup_next(interp, putters)?;
                Ok(Some(item))
            }
        }
    }
}

/// What `put_nowait` touches, read and checked before anything changes.
struct PutPlan {
    items: Value,
    unfinished: i64,
    finished: Rc<Instance>,
    getters: Value,
}

impl PutPlan {
    fn read(attributes: &NameMap, plain: &PlainClasses) -> Option<PutPlan> {
        let Some(Value::Int(maxsize)) = attributes.get("_maxsize") else {
            return None;
        };
        let items = attributes.get("_queue")?.clone();
        let Some(Value::Int(unfinished)) = attributes.get("_unfinished_tasks") else {
            return None;
        };
        let Some(Value::Instance(finished)) = attributes.get("_finished") else {
            return None;
        };
        let getters = attributes.get("_getters")?.clone();
        let (deque, _) = (as_deque(&items)?, as_deque(&getters)?);
        // `self.full()`: the caller must wait.
        if *maxsize > 0 && deque.len() as i64 >= *maxsize {
            return None;
        }
        let plain_event = plain.is_plain(finished, &plain.event, plain.event_version)
            && !finished.attributes.borrow().contains_key("clear");
        (plain_event && unfinished.checked_add(1).is_some()).then(|| PutPlan {
            items,
            unfinished: *unfinished,
            finished: finished.clone(),
            getters,
        })
    }

    fn run(self, interp: &mut Interp, queue: &Instance, item: Value) -> PyResult<()> {
        if let Some(deque) = as_deque(&self.items) {
            deque.push(item, End::Right);
        }
        // The names are there already (`read` found them): only the values change.
        if let Some(count) = queue.attributes.borrow_mut().get_mut("_unfinished_tasks") {
            *count = Value::Int(self.unfinished + 1);
        }
        let mut event = self.finished.attributes.borrow_mut();
        match event.get_mut("_value") {
            Some(value) => *value = Value::Bool(false),
            None => {
                event.insert(intern("_value"), Value::Bool(false));
            }
        }
        drop(event);
        match as_deque(&self.getters) {
            Some(getters) => wakeup_next(interp, getters),
            None => Ok(()),
        }
    }
}

/// `Queue._wakeup_next`: wakes the first waiter that is not done yet.
fn wakeup_next(interp: &mut Interp, waiters: &Deque) -> PyResult<()> {
    while let Some(waiter) = waiters.pop(End::Left) {
        match future_of(&waiter) {
            Some(future) if !future.is_done() => {
                future.set_result(interp, Value::None)?;
                break;
            }
            Some(_) => {}
            None => {
                let done = interp.call_method(&waiter, "done", &[])?;
                if !interp.truthy(&done)? {
                    interp.call_method(&waiter, "set_result", &[Value::None])?;
                    break;
                }
            }
        }
    }
    Ok(())
}

impl QueueCall {
    fn name(&self) -> &'static str {
        match self.operation {
            Operation::Put => "Queue.put",
            Operation::Get => "Queue.get",
        }
    }
}

native_coroutine!(QueueCall);

fn queue_call(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
    operation: Operation,
) -> PyResult<Value> {
    let mut args = args.to_vec();
    for (name, value) in kwargs {
        if operation == Operation::Put && &**name == "item" && args.len() == 1 {
            args.push(value.clone());
        } else {
            let method = if operation == Operation::Put {
                "put"
            } else {
                "get"
            };
            return Err(interp.type_error(format!(
                "Queue.{method}() got an unexpected keyword argument '{name}'"
            )));
        }
    }
    let expected = match operation {
        Operation::Put => 2,
        Operation::Get => 1,
    };
    if args.len() != expected {
        let message = match (operation, args.len()) {
            (Operation::Put, 0) => {
                "Queue.put() missing 2 required positional arguments: 'self' and 'item'".into()
            }
            (Operation::Put, 1) => {
                "Queue.put() missing 1 required positional argument: 'item'".into()
            }
            (Operation::Get, 0) => {
                "Queue.get() missing 1 required positional argument: 'self'".into()
            }
            (Operation::Put, given) => {
                format!("Queue.put() takes 2 positional arguments but {given} were given")
            }
            (Operation::Get, given) => {
                format!("Queue.get() takes 1 positional argument but {given} were given")
            }
        };
        return Err(interp.type_error(message));
    }
    Ok(Value::Native(Rc::new(QueueCall {
        queue: args[0].clone(),
        operation,
        item: RefCell::new(args.get(1).cloned()),
        progress: Cell::new(Progress::NotStarted),
        delegate: RefCell::new(None),
    })))
}

/// `Queue.put(self, item)`: the coroutine object.
pub fn queue_put(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    queue_call(interp, args, kwargs, Operation::Put)
}

/// `Queue.get(self)`: the coroutine object.
pub fn queue_get(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    queue_call(interp, args, kwargs, Operation::Get)
}
