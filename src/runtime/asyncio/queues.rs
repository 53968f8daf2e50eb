//! `Queue.put` and `Queue.get` as native coroutines with a fast path.
//!
//! The queue is `python/queues.pyl`'s class, which follows CPython's
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
//! For a queue that is exactly `queues.pyl`'s `Queue`, whose class (and its
//! `_finished` event's class) nobody has changed and whose instance
//! shadows none of those methods, these steps run here, on the same
//! attributes, with no Python frame; so does the wait of a call that must
//! wait (CPython's `put` and `get` loops: a future from `_get_loop()`'s
//! `create_future()` appended to `_putters` or `_getters` and awaited,
//! the test made again once it is done, and the `except:` clause's
//! cancellation, removal and hand-over to the next waiter when it
//! raised). A traceback through such a wait has no line for it, as
//! through `Event.wait`. Any other queue runs `queues.pyl`'s own coroutine
//! (`_put_waiting`, `_get_waiting`: CPython's `put` and `get`), which this
//! object then drives. Awaited where it is made (`await q.put(x)`, `await
//! q.get()`), a call that need not wait makes no coroutine object at all
//! ([`await_now`]).

use std::cell::{Cell, RefCell, RefMut};
use std::rc::Rc;

use super::future::{future_of, Future, FutureAwait};
use crate::eval::expr::Awaited;
use crate::eval::frame::{GenStep, Resume};
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::modules::collections::{as_deque, Deque, End};
use crate::runtime::object::{Class, Instance, NameMap, NameTable, NativeFn, NativeObject};
use crate::runtime::value::{discard, Value};
use crate::syntax::ast::Name;

/// The methods whose Python definitions the fast path stands for.
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

/// asyncio's `Queue` and `Event` classes as they were when its Python
/// made them; the fast path applies only while they are unchanged.
pub struct PlainClasses {
    queue: Rc<Class>,
    queue_version: u64,
    event: Rc<Class>,
    event_version: u64,
    /// The last plain queue's names, and where the fast path's attributes
    /// are among them.
    queue_layout: RefCell<Option<Known<QueueLayout>>>,
    /// The same for the last plain `_finished` event: where its `_value` is.
    event_layout: RefCell<Option<Known<usize>>>,
}

/// What was worked out from an instance's names, for any instance with
/// exactly these names (the same pointers, in order): instances made by
/// the same `__init__` have the same names, and checking that costs no
/// hashing. The last table found to have them is known by its keys' id,
/// which saves even that check while the same instance is used.
struct Known<T> {
    names: Vec<Name>,
    keys_id: Cell<u64>,
    found: T,
}

/// Where a plain queue keeps what `put_nowait` and `get_nowait` touch.
#[derive(Clone, Copy)]
struct QueueLayout {
    maxsize: usize,
    items: usize,
    unfinished_tasks: usize,
    finished: usize,
    getters: usize,
    putters: usize,
}

/// `work_out(attributes)`, remembered for the next instance with the same
/// names; `None` (not remembered) when it does not apply. The answer for
/// the table last seen, which every fast-path call asks for, is inline.
#[inline(always)]
fn recall<T: Copy>(
    known: &RefCell<Option<Known<T>>>,
    attributes: &NameTable,
    work_out: impl FnOnce(&NameMap) -> Option<T>,
) -> Option<T> {
    if let Some(known) = &*known.borrow() {
        if attributes.keys_id() == known.keys_id.get() {
            return Some(known.found);
        }
    }
    recall_anew(known, attributes, work_out)
}

#[inline(never)]
fn recall_anew<T: Copy>(
    known: &RefCell<Option<Known<T>>>,
    attributes: &NameTable,
    work_out: impl FnOnce(&NameMap) -> Option<T>,
) -> Option<T> {
    if let Some(known) = &*known.borrow() {
        if attributes.len() == known.names.len()
            && attributes
                .keys()
                .zip(&known.names)
                .all(|(a, b)| Rc::ptr_eq(a, b))
        {
            known.keys_id.set(attributes.keys_id());
            return Some(known.found);
        }
    }
    let found = work_out(attributes)?;
    *known.borrow_mut() = Some(Known {
        names: attributes.keys().cloned().collect(),
        keys_id: Cell::new(attributes.keys_id()),
        found,
    });
    Some(found)
}

impl PlainClasses {
    pub fn new(queue: Rc<Class>, event: Rc<Class>) -> PlainClasses {
        PlainClasses {
            queue_version: queue.namespace.version(),
            event_version: event.namespace.version(),
            queue,
            event,
            queue_layout: RefCell::default(),
            event_layout: RefCell::default(),
        }
    }

    /// Where a plain queue's attributes are, if its own names shadow
    /// none of `FAST_PATH_METHODS` and it has them all.
    #[inline(always)]
    fn queue_layout(&self, queue: &Instance, names: &NameTable) -> Option<QueueLayout> {
        if !Self::is_plain(queue, &self.queue, self.queue_version) {
            return None;
        }
        recall(&self.queue_layout, names, |names| {
            if FAST_PATH_METHODS
                .iter()
                .any(|name| names.contains_key(*name))
            {
                return None;
            }
            let at = |name: &str| names.get_index_of(name);
            Some(QueueLayout {
                maxsize: at("_maxsize")?,
                items: at("_queue")?,
                unfinished_tasks: at("_unfinished_tasks")?,
                finished: at("_finished")?,
                getters: at("_getters")?,
                putters: at("_putters")?,
            })
        })
    }

    /// A plain event's names (one whose own names do not shadow
    /// `clear`), to write, and where among them it keeps its `_value`.
    #[inline(always)]
    fn plain_event_names<'a>(&self, event: &'a Instance) -> Option<(RefMut<'a, NameTable>, usize)> {
        if !Self::is_plain(event, &self.event, self.event_version) {
            return None;
        }
        let names = event.table_mut()?;
        let value_at = recall(&self.event_layout, &names, |names| {
            if names.contains_key("clear") {
                return None;
            }
            names.get_index_of("_value")
        })?;
        Some((names, value_at))
    }

    fn is_plain(instance: &Instance, class: &Rc<Class>, version: u64) -> bool {
        Rc::ptr_eq(&instance.class, class) && class.namespace.version() == version
    }
}

/// The value at `index` of names a [`QueueLayout`] describes.
fn value_at(names: &NameMap, index: usize) -> Option<&Value> {
    names.get_index(index).map(|(_, value)| value)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Put,
    Get,
}

impl Operation {
    /// Which call `method` makes, if it is `Queue.put` or `Queue.get`.
    pub fn of(method: NativeFn) -> Option<Operation> {
        if std::ptr::fn_addr_eq(method, queue_put as NativeFn) {
            Some(Operation::Put)
        } else if std::ptr::fn_addr_eq(method, queue_get as NativeFn) {
            Some(Operation::Get)
        } else {
            None
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Progress {
    NotStarted,
    /// Driving the Python coroutine.
    Delegating,
    /// In `await putter` (or `getter`), for a plain queue.
    Waiting,
    Finished,
}

pub struct QueueCall {
    queue: Value,
    operation: Operation,
    /// What [`await_now`] found, which nothing can have changed before the
    /// call starts; `None` for a call not awaited where it was made.
    found: RefCell<Option<Attempt>>,
    item: RefCell<Option<Value>>,
    progress: Cell<Progress>,
    /// The Python coroutine, while delegating.
    delegate: RefCell<Option<Value>>,
    /// While waiting: the await of the future, and the deque of waiters
    /// (`_putters` or `_getters`) it was appended to.
    waiting: RefCell<Option<(FutureAwait, Value)>>,
}

impl QueueCall {
    fn start(&self, interp: &mut Interp) -> PyResult<GenStep> {
        let mut item = self.item.borrow_mut().take();
        let found = self.found.borrow_mut().take();
        let attempt = match found {
            Some(attempt) => attempt,
            None => attempt(interp, &self.queue, self.operation, &mut item)?,
        };
        self.proceed(interp, attempt, item)
    }

    fn proceed(
        &self,
        interp: &mut Interp,
        attempt: Attempt,
        item: Option<Value>,
    ) -> PyResult<GenStep> {
        match attempt {
            Attempt::Done(result) => {
                self.progress.set(Progress::Finished);
                Ok(GenStep::Returned(result))
            }
            Attempt::Wait(waiters) => self.wait(interp, waiters, item),
            Attempt::Python => {
                let (method, args) = match self.operation {
                    Operation::Put => ("_put_waiting", item),
                    Operation::Get => ("_get_waiting", None),
                };
                let coroutine = interp.call_method(&self.queue, method, &Vec::from_iter(args))?;
                *self.delegate.borrow_mut() = Some(coroutine);
                self.progress.set(Progress::Delegating);
                self.step(interp, Resume::Send(Value::None))
            }
        }
    }

    /// The loop's body of CPython's `put` and `get`, for a plain queue:
    /// `putter = self._get_loop().create_future()`,
    /// `self._putters.append(putter)`, `await putter`.
    fn wait(&self, interp: &mut Interp, waiters: Value, item: Option<Value>) -> PyResult<GenStep> {
        let event_loop = interp.call_method(&self.queue, "_get_loop", &[])?;
        let future = interp.call_method(&event_loop, "create_future", &[])?;
        let Some(awaited) = future_of(&future) else {
            return Err(interp.type_error("create_future() did not return a Future"));
        };
        if let Some(deque) = as_deque(&waiters) {
            deque.push(future, End::Right);
        }
        *self.item.borrow_mut() = item;
        *self.waiting.borrow_mut() = Some((FutureAwait::new(awaited), waiters));
        self.progress.set(Progress::Waiting);
        self.step(interp, Resume::Send(Value::None))
    }

    fn step(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        if self.progress.get() == Progress::Waiting {
            return self.step_waiting(interp, resume);
        }
        let Some(delegate) = self.delegate.borrow().clone() else {
            return Ok(GenStep::Returned(Value::None));
        };
        let step = interp.resume_iterator(&delegate, resume);
        if !matches!(step, Ok(GenStep::Yielded(_))) {
            self.progress.set(Progress::Finished);
            self.delegate.borrow_mut().take();
        }
        step
    }

    /// `await putter`; once it is done, the loop's test again
    /// (`while self.full()`), or CPython's `except:` clause when it raised.
    fn step_waiting(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        let Some((awaiting, waiters)) = self.waiting.borrow_mut().take() else {
            return Ok(GenStep::Returned(Value::None));
        };
        match awaiting.resume(interp, resume) {
            Ok(GenStep::Yielded(value)) => {
                *self.waiting.borrow_mut() = Some((awaiting, waiters));
                Ok(GenStep::Yielded(value))
            }
            Ok(GenStep::Returned(_)) => {
                // Until `proceed` waits or delegates again.
                self.progress.set(Progress::Finished);
                let mut item = self.item.borrow_mut().take();
                let attempt = attempt(interp, &self.queue, self.operation, &mut item)?;
                self.proceed(interp, attempt, item)
            }
            Err(error) => {
                self.progress.set(Progress::Finished);
                self.give_up(interp, awaiting.future(), &waiters)?;
                Err(error)
            }
        }
    }

    /// CPython's `except:` clause around `await putter`:
    ///
    /// ```python
    /// putter.cancel()
    /// try:
    ///     self._putters.remove(putter)
    /// except ValueError:
    ///     pass
    /// if not self.full() and not putter.cancelled():
    ///     self._wakeup_next(self._putters)
    /// ```
    fn give_up(&self, interp: &mut Interp, waiter: &Rc<Future>, waiters: &Value) -> PyResult<()> {
        waiter.cancel(None);
        if let Err(error) = interp.call_method(waiters, "remove", &[waiter.value()]) {
            if !interp.is_instance_of(&error, ExcType::ValueError) {
                return Err(error);
            }
        }
        let test = match self.operation {
            Operation::Put => "full",
            Operation::Get => "empty",
        };
        let blocked = interp.call_method(&self.queue, test, &[])?;
        if !interp.truthy(&blocked)? && !waiter.is_cancelled() {
            interp.call_method(&self.queue, "_wakeup_next", std::slice::from_ref(waiters))?;
        }
        Ok(())
    }
}

/// What the fast path found a call to do.
enum Attempt {
    /// It is made: its result.
    Done(Value),
    /// A plain queue that is full (for `put`) or empty (for `get`): the
    /// call waits, in this deque of waiters (`_putters` or `_getters`).
    Wait(Value),
    /// Any other queue: `queues.pyl`'s coroutine makes the call.
    Python,
}

/// `await queue.put(item)` or `await queue.get()`, made by the awaiting
/// frame itself (`Interp::awaited`): the call's result when it need not
/// wait, with no coroutine object made, since nothing else could reach
/// it (as a Python coroutine awaited in place); otherwise the coroutine
/// object the call makes, for the frame to await.
pub fn await_now(
    interp: &mut Interp,
    operation: Operation,
    queue: &Value,
    item: Option<Value>,
) -> PyResult<Awaited> {
    let mut item = item;
    match attempt(interp, queue, operation, &mut item)? {
        Attempt::Done(result) => {
            discard(item); // taken: no drop call
            Ok(Awaited::Finished(result))
        }
        found => Ok(Awaited::Object(QueueCall::coroutine(
            queue.clone(),
            operation,
            item,
            Some(found),
        ))),
    }
}

/// `put_nowait`/`get_nowait`'s steps, when the queue is plain and the
/// call need not wait (the item taken); otherwise, having changed nothing,
/// whether it must wait or is not the fast path's to make. Inlined, as
/// is `make_now`: what they return, an enum around a value (an aggregate,
/// unlike a value itself), moved through memory, would be read back by a
/// wide load the processor cannot forward from the narrower writes that
/// made it (see ARCHITECTURE.md), which cost more than the rest of the
/// call (measured in session 16).
#[inline(always)]
fn attempt(
    interp: &mut Interp,
    queue: &Value,
    operation: Operation,
    item: &mut Option<Value>,
) -> PyResult<Attempt> {
    let Value::Instance(queue) = queue else {
        return Ok(Attempt::Python);
    };
    let Some(runtime) = &interp.asyncio else {
        return Ok(Attempt::Python);
    };
    let made = match runtime.plain_classes.borrow().as_ref() {
        Some(plain) => make_now(plain, queue, operation, item),
        None => None,
    };
    match made {
        Some(Made::Done(wake)) => {
            // With nothing borrowed: waking a waiter may run Python code.
            if let Some(at) = wake {
                let waiters = queue
                    .table()
                    .and_then(|names| value_at(&names, at).cloned());
                if let Some(waiters) = waiters.as_ref().and_then(as_deque) {
                    wakeup_next(interp, waiters)?;
                }
            }
            Ok(Attempt::Done(item.take().unwrap_or(Value::None)))
        }
        Some(Made::Blocked(waiters)) => Ok(Attempt::Wait(waiters)),
        None => Ok(Attempt::Python),
    }
}

/// What [`make_now`] did with a plain queue.
enum Made {
    /// The call's steps are made (a put took the item; a get left the
    /// item it took in its place): where the waiters to wake are among
    /// the queue's names (`_getters` after a put, `_putters` after a get),
    /// if any wait. Neither the result nor the waiters are carried here:
    /// a value moved out of a result just made stalls the processor (see
    /// `attempt`).
    Done(Option<usize>),
    /// The queue is full (for `put`) or empty (for `get`): the deque of
    /// waiters the call waits in.
    Blocked(Value),
}

/// `put_nowait` or `get_nowait` on a plain queue's own names, all read
/// and checked before any is changed; `None`, having changed nothing,
/// when they are not what the fast path knows.
#[inline(always)]
fn make_now(
    plain: &PlainClasses,
    queue: &Instance,
    operation: Operation,
    item: &mut Option<Value>,
) -> Option<Made> {
    let mut names = queue.table_mut()?;
    let layout = plain.queue_layout(queue, &names)?;
    let waiters_at = match operation {
        Operation::Put => layout.putters,
        Operation::Get => layout.getters,
    };
    let blocked = |names: &NameMap| {
        let waiters = value_at(names, waiters_at)?;
        as_deque(waiters).map(|_| Made::Blocked(waiters.clone()))
    };
    match operation {
        Operation::Put => {
            let (Value::Int(maxsize), Value::Int(unfinished), Value::Instance(finished)) = (
                value_at(&names, layout.maxsize)?,
                value_at(&names, layout.unfinished_tasks)?,
                value_at(&names, layout.finished)?,
            ) else {
                return None;
            };
            let unfinished = unfinished.checked_add(1)?;
            let items = as_deque(value_at(&names, layout.items)?)?;
            let getters = value_at(&names, layout.getters)?;
            let waiting = !as_deque(getters)?.is_empty();
            // `self.full()`: the caller must wait.
            if *maxsize > 0 && items.len() as i64 >= *maxsize {
                return blocked(&names);
            }
            let (mut event, finished_value_at) = plain.plain_event_names(finished)?;
            // Checked: the steps, which cannot fail.
            items.push(item.take().unwrap_or(Value::None), End::Right);
            if let Some((_, value)) = event.get_index_mut(finished_value_at) {
                discard(Some(std::mem::replace(value, Value::from(false))));
            }
            drop(event);
            if let Some((_, count)) = names.get_index_mut(layout.unfinished_tasks) {
                discard(Some(std::mem::replace(count, Value::Int(unfinished))));
            }
            Some(Made::Done(waiting.then_some(layout.getters)))
        }
        Operation::Get => {
            let items = as_deque(value_at(&names, layout.items)?)?;
            let putters = value_at(&names, layout.putters)?;
            let waiting = !as_deque(putters)?.is_empty();
            // `self.empty()`: the caller must wait.
            *item = items.pop(End::Left);
            if item.is_none() {
                return blocked(&names);
            }
            Some(Made::Done(waiting.then_some(layout.putters)))
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
    /// The coroutine object of a call that has not started.
    fn coroutine(
        queue: Value,
        operation: Operation,
        item: Option<Value>,
        found: Option<Attempt>,
    ) -> Value {
        Value::native(Rc::new(QueueCall {
            queue,
            operation,
            found: RefCell::new(found),
            item: RefCell::new(item),
            progress: Cell::new(Progress::NotStarted),
            delegate: RefCell::new(None),
            waiting: RefCell::new(None),
        }))
    }

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
    let mut args: smallvec::SmallVec<[Value; 2]> = args.iter().cloned().collect();
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
    Ok(QueueCall::coroutine(
        args[0].clone(),
        operation,
        args.get(1).cloned(),
        None,
    ))
}

/// `Queue.put(self, item)`: the coroutine object.
pub fn queue_put(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    queue_call(interp, args, kwargs, Operation::Put)
}

/// `Queue.get(self)`: the coroutine object.
pub fn queue_get(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    queue_call(interp, args, kwargs, Operation::Get)
}
