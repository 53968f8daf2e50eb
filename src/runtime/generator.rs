//! Generators, coroutines and async generators: a suspended [`Frame`] on
//! the heap, resumed by `next`/`send`/`throw`, by `yield from`/`await` in
//! another frame, or (in the runtime issue) by the event loop.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::builtins::add_method;
use super::error::{ExcType, PyErr, PyResult};
use super::interp::Interp;
use super::object::{Class, NativeObject};
use super::value::Value;
use crate::compile::ir::Code;
use crate::eval::frame::{Frame, GenStep, Outcome, Resume};
use crate::syntax::ast::Name;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeneratorKind {
    Generator,
    Coroutine,
    AsyncGenerator,
}

impl GeneratorKind {
    /// The name of the attribute that says whether it is running.
    pub fn running_attribute(self) -> &'static str {
        match self {
            GeneratorKind::Generator => "gi_running",
            GeneratorKind::Coroutine => "cr_running",
            GeneratorKind::AsyncGenerator => "ag_running",
        }
    }

    /// What CPython's messages call it.
    pub fn noun(self) -> &'static str {
        match self {
            GeneratorKind::Generator => "generator",
            GeneratorKind::Coroutine => "coroutine",
            GeneratorKind::AsyncGenerator => "async generator",
        }
    }
}

/// How far an async generator is through the awaitables of its
/// `anext()`, `asend()`, `athrow()` and `aclose()`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AsyncIteration {
    /// Never iterated.
    Fresh,
    /// First iterated: the running loop registered it, to close it at
    /// shutdown (CPython's `firstiter` hook).
    Idle,
    /// One of those awaitables is in it, awaiting what its body awaits
    /// (CPython's `ag_running_async`): another may not start.
    Running,
}

/// What dropping an unfinished generator does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OnDrop {
    /// Close it, if it is suspended inside a `try` or `with`.
    Close,
    /// Hand it to the loop that registered it (an async generator:
    /// CPython's `finalizer` hook).
    LoopCloses,
    /// Nothing: it was revived to be closed once already.
    Nothing,
}

pub struct Generator {
    pub kind: GeneratorKind,
    running: Cell<bool>,
    /// An async generator's progress through its `anext()`s.
    iteration: Cell<AsyncIteration>,
    /// What dropping it unfinished does.
    on_drop: Cell<OnDrop>,
    /// `__name__` and `__qualname__` when the function was renamed before
    /// the call; otherwise they are the code's (and cost nothing here).
    renamed: Option<Box<(Name, Name)>>,
    /// The code, for names and for where a finished coroutine was defined.
    code: Rc<Code>,
    /// `None` once the frame has finished, and while it runs (it is taken
    /// out to run). A `Cell`, with no borrow flag: a program may hold
    /// coroutines by the hundred thousand.
    frame: Cell<Option<Box<Frame>>>,
    /// While the frame runs, its program counter (the frame itself is out
    /// of reach then): where a running coroutine is, for a task's repr.
    pc: Cell<u32>,
}

// With its reference counts, 48 bytes: the allocator's size class below
// 64. A program may hold coroutines by the hundred thousand.
const _: () = assert!(std::mem::size_of::<Generator>() <= 32);

impl Generator {
    pub fn new(kind: GeneratorKind, frame: Box<Frame>, name: &Name, qualname: &Name) -> Generator {
        let code = frame.code.clone();
        let same = |a: &Name, b: &Name| Rc::ptr_eq(a, b) || a == b;
        let renamed = (!same(name, &code.name) || !same(qualname, &code.qualname))
            .then(|| Box::new((name.clone(), qualname.clone())));
        Generator {
            kind,
            running: Cell::new(false),
            iteration: Cell::new(AsyncIteration::Fresh),
            on_drop: Cell::new(OnDrop::Close),
            renamed,
            code,
            frame: Cell::new(Some(frame)),
            pc: Cell::new(0),
        }
    }

    pub fn name(&self) -> &Name {
        self.renamed
            .as_ref()
            .map_or(&self.code.name, |names| &names.0)
    }

    pub fn qualname(&self) -> &Name {
        self.renamed
            .as_ref()
            .map_or(&self.code.qualname, |names| &names.1)
    }

    /// Resumes the frame for a driver of its own (`send`, `next`, a `for`
    /// loop, a close): what its awaits yield comes back to the caller, not
    /// to a task (see `Interp::awaits_reach_task`).
    pub fn resume(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        for_own_driver(interp, |interp| self.resume_awaited(interp, resume))
    }

    /// Resumes the frame as one link of a chain of awaits (`yield from`,
    /// `await`, a task's step), which passes what it yields up unchanged.
    /// A finished generator just returns `None`.
    pub fn resume_awaited(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        if self.running.get() {
            let what = self.kind.noun();
            return Err(interp.value_error(format!("{what} already executing")));
        }
        let Some(mut frame) = self.frame.take() else {
            return match resume {
                _ if self.kind == GeneratorKind::Coroutine => resume_finished(interp),
                Resume::Throw(error) => Err(error),
                Resume::Send(_) => Ok(GenStep::Returned(Value::None)),
            };
        };
        if !frame.suspended && frame.pc == 0 {
            if let Resume::Send(value) = &resume {
                if !value.is_none() {
                    self.frame.set(Some(frame));
                    return Err(interp.type_error(format!(
                        "can't send non-None value to a just-started {}",
                        self.kind.noun()
                    )));
                }
            }
        }
        let resume = match resume {
            Resume::Throw(error) if !frame.suspended => {
                // Thrown into a generator that never ran: it finishes at once.
                return Err(error);
            }
            other => other,
        };
        self.running.set(true);
        let pc = &self.pc;
        let result = interp.nested(|interp| interp.run_frame_at(&mut frame, Some(resume), pc));
        self.running.set(false);
        if let Ok(Outcome::Yield(_)) = result {
            self.frame.set(Some(frame));
        } else {
            frame.finish(&mut interp.slot_pool);
        }
        match result {
            Ok(Outcome::Yield(value)) => Ok(GenStep::Yielded(value)),
            Ok(Outcome::Return(value)) => Ok(GenStep::Returned(value)),
            Err(error) => Err(interp.escaped_frame(self.kind, error)),
        }
    }

    /// `next(generator)`.
    pub fn next(&self, interp: &mut Interp) -> PyResult<Option<Value>> {
        match self.resume(interp, Resume::Send(Value::None))? {
            GenStep::Yielded(value) => Ok(Some(value)),
            GenStep::Returned(_) => Ok(None),
        }
    }

    /// `gi_running`, `cr_running`, `ag_running`.
    pub fn is_running(&self) -> bool {
        self.running.get()
    }

    pub fn is_finished(&self) -> bool {
        self.with_frame(|frame| frame.is_none())
    }

    /// Whether it is suspended in an `await` (CPython's `_PyGen_yf`).
    pub fn is_awaiting(&self) -> bool {
        self.with_frame(|frame| frame.is_some_and(|frame| frame.delegate.is_some()))
    }

    /// The frame, lent to `f`.
    fn with_frame<R>(&self, f: impl FnOnce(Option<&Frame>) -> R) -> R {
        let frame = self.frame.take();
        let result = f(frame.as_deref());
        self.frame.set(frame);
        result
    }

    /// `coroutines._format_coroutine`: `f() running at file:line` (the line
    /// it waits at or is running, or its `def` before it starts), `f()
    /// done, defined at file:line` once finished.
    pub fn coroutine_info(&self) -> String {
        let source = &self.code.source;
        let line_of = |pc: u32| {
            let span = self.code.spans.get(pc as usize)?;
            Some(crate::diagnostics::line_of(
                &source.text,
                span.start as usize,
            ))
        };
        let def_line = self.code.first_line();
        let line = self.with_frame(|frame| match frame {
            Some(frame) if frame.suspended => line_of(frame.pc),
            Some(_) => Some(def_line),
            None if self.running.get() => line_of(self.pc.get()),
            None => None,
        });
        match line {
            Some(line) => format!("{}() running at {}:{line}", self.qualname(), source.name),
            None => format!(
                "{}() done, defined at {}:{def_line}",
                self.qualname(),
                source.name
            ),
        }
    }

    /// The qualified name of the innermost coroutine in the chain of
    /// awaits from this one (a native one's, like `Event.wait`, too).
    pub fn innermost_awaiting(&self) -> Name {
        let inner = self.with_frame(|frame| match frame?.delegate.as_ref()? {
            Value::Generator(inner) => Some(inner.innermost_awaiting()),
            Value::Native(native) => native.coroutine_name().map(Name::from),
            _ => None,
        });
        inner.unwrap_or_else(|| self.qualname().clone())
    }

    /// `file:line` of the instruction a suspended frame waits at, following
    /// the chain of awaited coroutines to the innermost one.
    pub fn suspension_point(&self) -> Option<String> {
        let (code, pc) = self.suspended_at()?;
        let span = code.spans.get(pc as usize)?;
        let line = crate::diagnostics::line_of(&code.source.text, span.start as usize);
        Some(format!("{}:{} in {}", code.source.name, line, code.name))
    }

    /// The code and instruction of [`Generator::suspension_point`].
    pub fn suspended_at(&self) -> Option<(Rc<crate::compile::ir::Code>, u32)> {
        self.with_frame(|frame| {
            let frame = frame?;
            // The innermost point in the program itself: the awaits of
            // Python bundled in pyl (inside asyncio's `Lock.acquire`, say)
            // say less than their caller's.
            if let Some(Value::Generator(inner)) = &frame.delegate {
                if let Some((code, pc)) = inner.suspended_at() {
                    if !code.source.bundled() {
                        return Some((code, pc));
                    }
                }
            }
            Some((frame.code.clone(), frame.pc))
        })
    }
}

thread_local! {
    /// Async generators dropped unfinished, revived for their loop to close
    /// (`EventLoop::schedule_abandoned_async_generators`).
    static ABANDONED: RefCell<Vec<Generator>> = const { RefCell::new(Vec::new()) };
    /// Whether `ABANDONED` has any (see `ANY_PENDING_WARNINGS`).
    static ANY_ABANDONED: Cell<bool> = const { Cell::new(false) };
}

#[inline]
pub fn has_abandoned_async_generators() -> bool {
    ANY_ABANDONED.get()
}

/// Takes the async generators waiting to be closed by their loop.
pub fn take_abandoned_async_generators() -> Vec<Generator> {
    ANY_ABANDONED.set(false);
    ABANDONED.with(|abandoned| std::mem::take(&mut *abandoned.borrow_mut()))
}

/// A generator or coroutine dropped while suspended inside a `try` or
/// `with` is revived to be closed (see `runtime::finalize`), as CPython
/// closes one it collects; one suspended elsewhere has nothing to run.
/// An async generator that a loop registered is revived for the loop to
/// close, as CPython's finalizer hook does. A coroutine dropped without
/// ever running was never awaited: warn as CPython does.
impl Drop for Generator {
    fn drop(&mut self) {
        // A finished one, the usual case, has nothing to do.
        if self.frame.get_mut().is_some() {
            self.drop_unfinished();
        }
    }
}

impl Generator {
    #[cold]
    #[inline(never)]
    fn drop_unfinished(&mut self) {
        if self.closes_when_dropped() {
            super::finalize::defer(super::finalize::Finalizable::Generator(self.revive()));
            return;
        }
        let Some(frame) = self.frame.get_mut().as_deref() else {
            return;
        };
        match self.on_drop.get() {
            OnDrop::Close => {}
            OnDrop::Nothing => return,
            OnDrop::LoopCloses => {
                if frame.suspended {
                    let revived = self.revive();
                    ABANDONED.with(|abandoned| abandoned.borrow_mut().push(revived));
                    ANY_ABANDONED.set(true);
                }
                return;
            }
        }
        if self.kind != GeneratorKind::Coroutine || frame.suspended || frame.pc != 0 {
            return;
        }
        super::warnings::warn_never_awaited(self.qualname());
    }

    /// Whether its frame has not begun to run.
    pub fn is_unstarted(&self) -> bool {
        self.with_frame(|frame| frame.is_some_and(|frame| !frame.suspended && frame.pc == 0))
    }

    /// Whether dropping it now would close it: suspended inside a `try`
    /// or `with`.
    pub fn closes_when_dropped(&self) -> bool {
        self.on_drop.get() == OnDrop::Close
            && self.kind != GeneratorKind::AsyncGenerator
            && self.with_frame(|frame| {
                frame.is_some_and(|frame| frame.suspended && frame.has_handlers())
            })
    }

    /// The dropped generator's frame and names in a new generator, to be
    /// closed once; `self` is left without a frame.
    fn revive(&mut self) -> Generator {
        Generator {
            kind: self.kind,
            running: Cell::new(false),
            iteration: Cell::new(self.iteration.get()),
            on_drop: Cell::new(OnDrop::Nothing),
            renamed: self.renamed.take(),
            code: self.code.clone(),
            frame: Cell::new(self.frame.get_mut().take()),
            pc: Cell::new(0),
        }
    }
}

/// Resuming a coroutine that has finished, by `send` or `throw`, is an
/// error (CPython's `gen_send_ex`).
pub fn resume_finished(interp: &Interp) -> PyResult<GenStep> {
    Err(interp.error(
        ExcType::RuntimeError,
        "cannot reuse already awaited coroutine",
    ))
}

fn generator_of(interp: &Interp, value: &Value) -> PyResult<Rc<Generator>> {
    match value {
        Value::Generator(g) => Ok(g.clone()),
        other => Err(interp.type_error(format!(
            "expected a generator, not {}",
            interp.type_name(other)
        ))),
    }
}

/// `StopIteration(value)` for a generator's return value.
fn stop_iteration(interp: &Interp, value: Value) -> PyErr {
    let args = if value.is_none() { vec![] } else { vec![value] };
    interp.new_exception(ExcType::StopIteration, args)
}

fn step_to_result(interp: &Interp, step: GenStep) -> PyResult<Value> {
    match step {
        GenStep::Yielded(value) => Ok(value),
        GenStep::Returned(value) => Err(stop_iteration(interp, value)),
    }
}

/// Runs `resume` for a driver of its own, which gets what the awaits it
/// reaches yield (see `Interp::awaits_reach_task`).
fn for_own_driver<R>(interp: &mut Interp, resume: impl FnOnce(&mut Interp) -> R) -> R {
    let reach_task = std::mem::replace(&mut interp.awaits_reach_task, false);
    let result = resume(interp);
    interp.awaits_reach_task = reach_task;
    result
}

/// What `send`/`throw`/`close` act on: a generator or coroutine frame,
/// or a coroutine written in Rust (`asyncio.sleep(…)`, `event.wait()`)
/// or an iterator that drives one (`coro.__await__()`, `fut.__await__()`).
enum Resumable {
    Frame(Rc<Generator>),
    Native(Rc<dyn NativeObject>),
}

impl Resumable {
    fn of(interp: &Interp, value: &Value) -> PyResult<Resumable> {
        match value {
            Value::Native(object) if object.is_resumable() => {
                Ok(Resumable::Native(Rc::clone(object)))
            }
            other => generator_of(interp, other).map(Resumable::Frame),
        }
    }

    fn resume(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        match self {
            Resumable::Frame(generator) => generator.resume(interp, resume),
            // What a native coroutine delegates to comes back here too.
            Resumable::Native(object) => {
                for_own_driver(interp, |interp| object.resume(interp, resume))
            }
        }
    }

    fn is_finished(&self) -> bool {
        match self {
            Resumable::Frame(generator) => generator.is_finished(),
            Resumable::Native(object) => object.coroutine_finished(),
        }
    }
}

fn generator_send(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let resumable = Resumable::of(interp, args.first().unwrap_or(&Value::None))?;
    let value = args.get(1).cloned().unwrap_or(Value::None);
    let step = resumable.resume(interp, Resume::Send(value))?;
    step_to_result(interp, step)
}

fn generator_throw(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let resumable = Resumable::of(interp, args.first().unwrap_or(&Value::None))?;
    super::builtins::args::check_method(interp, "throw", args, kwargs, 1, 3)?;
    let error = thrown_exception(interp, &args[1], args.get(2).unwrap_or(&Value::None))?;
    let step = resumable.resume(interp, Resume::Throw(error))?;
    step_to_result(interp, step)
}

/// What `throw(kind, value)` throws: an exception instance as given (with
/// no separate value), or a class made an instance of, from `value` —
/// itself if it is one already, else its items or itself as arguments.
fn thrown_exception(interp: &mut Interp, kind: &Value, value: &Value) -> PyResult<PyErr> {
    let base = interp.types.exception(ExcType::BaseException).clone();
    match kind {
        Value::Type(class) if class.is_subclass_of(&base) => {
            if value.is_none() {
                return interp.make_exception(kind.clone());
            }
            if interp.class_of(value).is_subclass_of(class) {
                return interp.make_exception(value.clone());
            }
            let instance = match value {
                Value::Tuple(items) => interp.call(kind, items, &[])?,
                other => interp.call(kind, std::slice::from_ref(other), &[])?,
            };
            interp.make_exception(instance)
        }
        Value::Instance(instance) if instance.exception.is_some() => {
            if !value.is_none() {
                return Err(interp.type_error("instance exception may not have a separate value"));
            }
            interp.make_exception(kind.clone())
        }
        other => Err(interp.type_error(format!(
            "exceptions must be classes or instances deriving from BaseException, not {}",
            interp.type_name(other)
        ))),
    }
}

fn generator_close(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let resumable = Resumable::of(interp, args.first().unwrap_or(&Value::None))?;
    close_resumable(interp, &resumable)?;
    Ok(Value::None)
}

/// `generator.close()`: `GeneratorExit` thrown in at the `yield`.
pub fn close(interp: &mut Interp, generator: &Rc<Generator>) -> PyResult<()> {
    close_resumable(interp, &Resumable::Frame(generator.clone()))
}

fn close_resumable(interp: &mut Interp, resumable: &Resumable) -> PyResult<()> {
    if resumable.is_finished() {
        return Ok(());
    }
    let exit = interp.new_exception(ExcType::GeneratorExit, vec![]);
    match resumable.resume(interp, Resume::Throw(exit)) {
        Ok(GenStep::Yielded(_)) => {
            let what = match resumable {
                Resumable::Frame(generator) if generator.kind == GeneratorKind::Coroutine => {
                    "coroutine"
                }
                _ => "generator",
            };
            Err(interp.error(
                ExcType::RuntimeError,
                format!("{what} ignored GeneratorExit"),
            ))
        }
        Ok(GenStep::Returned(_)) => Ok(()),
        Err(error) if interp.is_instance_of(&error, ExcType::GeneratorExit) => Ok(()),
        Err(error) => Err(error),
    }
}

fn generator_next(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let generator = generator_of(interp, args.first().unwrap_or(&Value::None))?;
    let step = generator.resume(interp, Resume::Send(Value::None))?;
    step_to_result(interp, step)
}

fn generator_iter(_: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Ok(args.first().cloned().unwrap_or(Value::None))
}

/// A value yielded by an async generator's `yield` (CPython's
/// `_PyAsyncGenWrappedValue`), as opposed to a future its `await` yields.
struct AsyncGeneratorValue(Value);

impl NativeObject for AsyncGeneratorValue {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("async_generator_wrapped_value")
    }
}

pub fn async_generator_value(value: Value) -> Value {
    Value::native(Rc::new(AsyncGeneratorValue(value)))
}

fn unwrap_async_value(value: &Value) -> Option<Value> {
    match value {
        Value::Native(object) => object
            .downcast_ref::<AsyncGeneratorValue>()
            .map(|v| v.0.clone()),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum AsyncStepKind {
    Next,
    Close,
}

/// The awaitable of `__anext__()`, `asend(v)`, `athrow(e)` and `aclose()`:
/// drives the async generator until its next `yield` (the result) while
/// passing what its awaits yield up to the task.
struct AsyncGeneratorStep {
    generator: Rc<Generator>,
    first: RefCell<Option<Resume>>,
    kind: AsyncStepKind,
    /// Made by `athrow` or `aclose`: CPython's `async_generator_athrow`
    /// (`__anext__` and `asend` make an `async_generator_asend`).
    throws: bool,
    /// Done (it returned or raised) or closed: CPython's
    /// `AWAITABLE_STATE_CLOSED`, in which it cannot be awaited again.
    closed: Cell<bool>,
}

impl NativeObject for AsyncGeneratorStep {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class(if self.throws {
            "async_generator_athrow"
        } else {
            "async_generator_asend"
        })
    }

    fn is_resumable(&self) -> bool {
        true
    }

    // A coroutine for `asyncio.iscoroutine` (it has `send`, `throw`,
    // `close`, `__await__`), so `create_task(agen.aclose())` works; named
    // in task reprs as CPython names a coroutine without `__name__`.
    fn coroutine_name(&self) -> Option<&'static str> {
        Some(if self.throws {
            "<async_generator_athrow without __name__>"
        } else {
            "<async_generator_asend without __name__>"
        })
    }

    fn coroutine_finished(&self) -> bool {
        self.closed.get()
    }

    fn resume(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        if self.closed.get() {
            return Err(interp.error(
                ExcType::RuntimeError,
                if self.throws {
                    "cannot reuse already awaited aclose()/athrow()"
                } else {
                    "cannot reuse already awaited __anext__()/asend()"
                },
            ));
        }
        let first = self.first.borrow_mut().take();
        if let Some(first) = &first {
            if self.generator.iteration.get() == AsyncIteration::Running {
                let method = match (self.kind, first) {
                    (AsyncStepKind::Close, _) => "aclose",
                    (AsyncStepKind::Next, Resume::Throw(_)) => "athrow",
                    (AsyncStepKind::Next, Resume::Send(_)) => "anext",
                };
                return Err(interp.error(
                    ExcType::RuntimeError,
                    format!("{method}(): asynchronous generator is already running"),
                ));
            }
        }
        // What is thrown in goes into the generator even before the
        // step's own first value (CPython's `gen_throw` in the awaitables'
        // `throw`): a cancelled `aclose()` task that never ran throws its
        // `CancelledError` at the generator's `yield`. The step has not
        // started then: the generator is not marked running, and the next
        // `send` starts the step with its first value (`aclose()`'s
        // `GeneratorExit`, thrown wherever the generator then waits).
        let unstarted_throw = first.is_some() && matches!(resume, Resume::Throw(_));
        let resume = match (first, resume) {
            (first, Resume::Throw(error)) => {
                *self.first.borrow_mut() = first;
                Resume::Throw(error)
            }
            (first, resume) => first.unwrap_or(resume),
        };
        if !unstarted_throw {
            self.generator.iteration.set(AsyncIteration::Running);
        }
        let outcome = self.generator.resume(interp, resume);
        // Still inside while the body awaits: what it yields is no value
        // of its own.
        let awaiting =
            matches!(&outcome, Ok(GenStep::Yielded(value)) if unwrap_async_value(value).is_none());
        if !awaiting && !unstarted_throw {
            self.generator.iteration.set(AsyncIteration::Idle);
        }
        let step = self.step_outcome(interp, outcome);
        // An `athrow()`/`aclose()` step that was thrown into before it
        // started has its own first value still to send; otherwise a
        // step that does not yield is over.
        let suspended = matches!(step, Ok(GenStep::Yielded(_)));
        let still_open = unstarted_throw && self.throws;
        if !suspended && !still_open {
            self.closed.set(true);
        }
        step
    }
}

impl AsyncGeneratorStep {
    /// What the step gives its awaiter for what the generator did.
    fn step_outcome(&self, interp: &mut Interp, outcome: PyResult<GenStep>) -> PyResult<GenStep> {
        match (self.kind, outcome) {
            (AsyncStepKind::Next, Ok(GenStep::Yielded(value))) => {
                Ok(match unwrap_async_value(&value) {
                    Some(item) => GenStep::Returned(item),
                    None => GenStep::Yielded(value),
                })
            }
            (AsyncStepKind::Next, Ok(GenStep::Returned(_))) => {
                Err(interp.new_exception(ExcType::StopAsyncIteration, vec![]))
            }
            (AsyncStepKind::Close, Ok(GenStep::Yielded(value))) => match unwrap_async_value(&value)
            {
                Some(_) => Err(interp.error(
                    ExcType::RuntimeError,
                    "async generator ignored GeneratorExit",
                )),
                None => Ok(GenStep::Yielded(value)),
            },
            (AsyncStepKind::Close, Ok(GenStep::Returned(_))) => Ok(GenStep::Returned(Value::None)),
            (AsyncStepKind::Close, Err(error))
                if interp.is_instance_of(&error, ExcType::GeneratorExit)
                    || interp.is_instance_of(&error, ExcType::StopAsyncIteration) =>
            {
                Ok(GenStep::Returned(Value::None))
            }
            (_, Err(error)) => Err(error),
        }
    }
}

fn async_step(
    interp: &Interp,
    args: &[Value],
    first: Resume,
    kind: AsyncStepKind,
) -> PyResult<Value> {
    let generator = generator_of(interp, args.first().unwrap_or(&Value::None))?;
    let fresh = generator.iteration.get() == AsyncIteration::Fresh;
    if fresh {
        generator.iteration.set(AsyncIteration::Idle);
    }
    if fresh && interp.register_async_generator(&generator) {
        generator.on_drop.set(OnDrop::LoopCloses);
    }
    let throws = matches!(first, Resume::Throw(_));
    Ok(Value::native(Rc::new(AsyncGeneratorStep {
        generator,
        first: RefCell::new(Some(first)),
        kind,
        throws,
        closed: Cell::new(false),
    })))
}

/// `close()` of an `async_generator_asend` or `_athrow`: it only marks
/// the awaitable closed (the generator goes on as it is).
fn async_step_close(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let step = match args.first() {
        Some(Value::Native(object)) => object.downcast_ref::<AsyncGeneratorStep>(),
        _ => None,
    };
    let step = step.ok_or_else(|| interp.type_error("descriptor 'close' requires an awaitable"))?;
    step.closed.set(true);
    Ok(Value::None)
}

fn async_generator_anext(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    async_step(interp, args, Resume::Send(Value::None), AsyncStepKind::Next)
}

fn async_generator_asend(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let value = args.get(1).cloned().unwrap_or(Value::None);
    async_step(interp, args, Resume::Send(value), AsyncStepKind::Next)
}

fn async_generator_athrow(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let error = interp.make_exception(args.get(1).cloned().unwrap_or(Value::None))?;
    async_step(interp, args, Resume::Throw(error), AsyncStepKind::Next)
}

fn async_generator_aclose(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let exit = interp.new_exception(ExcType::GeneratorExit, vec![]);
    async_step(interp, args, Resume::Throw(exit), AsyncStepKind::Close)
}

/// `coroutine.__await__()`: an iterator that drives the coroutine.
struct CoroutineWrapper(Rc<Generator>);

impl NativeObject for CoroutineWrapper {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("coroutine_wrapper")
    }

    fn is_resumable(&self) -> bool {
        true
    }

    fn resume(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        self.0.resume(interp, resume)
    }
}

fn coroutine_await(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    // A native coroutine (`asyncio.sleep(…)`) is its own iterator.
    if let Some(native @ Value::Native(object)) = args.first() {
        if object.is_resumable() {
            return Ok(native.clone());
        }
    }
    let generator = generator_of(interp, args.first().unwrap_or(&Value::None))?;
    Ok(Value::native(Rc::new(CoroutineWrapper(generator))))
}

/// `anext(iterator, default)`: awaits `iterator.__anext__()`, and gives
/// `default` for its `StopAsyncIteration` (CPython's `anext_awaitable`).
struct AnextWithDefault {
    /// The `__anext__()` awaitable, then, once started, its iterator.
    awaited: std::cell::RefCell<(Value, bool)>,
    default: Value,
}

impl NativeObject for AnextWithDefault {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("anext_awaitable")
    }

    fn is_resumable(&self) -> bool {
        true
    }

    fn resume(&self, interp: &mut Interp, resume: Resume) -> PyResult<GenStep> {
        let (awaited, started) = self.awaited.borrow().clone();
        let iterator = if started {
            awaited
        } else {
            let iterator = interp.awaitable_iter(awaited)?;
            *self.awaited.borrow_mut() = (iterator.clone(), true);
            iterator
        };
        match interp.resume_iterator(&iterator, resume) {
            Err(error) if interp.is_instance_of(&error, ExcType::StopAsyncIteration) => {
                Ok(GenStep::Returned(self.default.clone()))
            }
            step => step,
        }
    }
}

/// `anext(iterator[, default])`.
pub fn anext(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("anext() takes no keyword arguments"));
    }
    let (iterator, default) = match args {
        [iterator] => (iterator, None),
        [iterator, default] => (iterator, Some(default)),
        _ => {
            return Err(interp.type_error(format!(
                "anext expected at least 1 argument, got {}",
                args.len()
            )))
        }
    };
    let Some(method) = interp.lookup_special(iterator, "__anext__") else {
        return Err(interp.type_error(format!(
            "'{}' object is not an async iterator",
            interp.type_name(iterator)
        )));
    };
    let awaitable = interp.call_bound(&method, iterator, &[], &[])?;
    Ok(match default {
        None => awaitable,
        Some(default) => Value::native(Rc::new(AnextWithDefault {
            awaited: std::cell::RefCell::new((awaitable, false)),
            default: default.clone(),
        })),
    })
}

/// `aiter(iterable)`.
pub fn aiter(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let [iterable] = args else {
        return Err(interp.type_error(format!(
            "aiter() takes exactly one argument ({} given)",
            args.len() + kwargs.len()
        )));
    };
    if !kwargs.is_empty() {
        return Err(interp.type_error("aiter() takes no keyword arguments"));
    }
    interp.async_iterator(iterable, true)
}

pub fn install(interp: &mut Interp) {
    let async_generator = interp.types.async_generator.clone();
    add_method(&async_generator, "__aiter__", generator_iter);
    add_method(&async_generator, "__anext__", async_generator_anext);
    add_method(&async_generator, "asend", async_generator_asend);
    add_method(&async_generator, "athrow", async_generator_athrow);
    add_method(&async_generator, "aclose", async_generator_aclose);
    add_method(&interp.types.coroutine, "__await__", coroutine_await);
    for class in [
        interp.types.generator.clone(),
        interp.types.coroutine.clone(),
    ] {
        add_method(&class, "send", generator_send);
        add_method(&class, "throw", generator_throw);
        add_method(&class, "close", generator_close);
    }
    add_method(&interp.types.generator, "__next__", generator_next);
    add_method(&interp.types.generator, "__iter__", generator_iter);
    // What drives a coroutine step by step, as `yield from` would or a
    // program by hand: an async generator's `asend()`/`athrow()`
    // awaitables (awaitable themselves), and what `coroutine.__await__()`
    // and `future.__await__()` return.
    let steppers: [(&str, super::object::NativeFn, bool); 4] = [
        ("async_generator_asend", async_step_close, true),
        ("async_generator_athrow", async_step_close, true),
        ("coroutine_wrapper", generator_close, false),
        ("FutureIter", generator_close, false),
    ];
    for (name, close, awaitable) in steppers {
        let class = interp.native_class(name);
        add_method(&class, "send", generator_send);
        add_method(&class, "throw", generator_throw);
        add_method(&class, "close", close);
        add_method(&class, "__next__", generator_send);
        add_method(&class, "__iter__", generator_iter);
        if awaitable {
            add_method(&class, "__await__", generator_iter);
        }
    }
}

impl Interp {
    /// What leaves a generator's or coroutine's frame that raised `error`:
    /// a `StopIteration` becomes a `RuntimeError` (PEP 479), and so does an
    /// async generator's `StopAsyncIteration`.
    pub fn escaped_frame(&self, kind: GeneratorKind, error: PyErr) -> PyErr {
        let stop = if self.is_instance_of(&error, ExcType::StopIteration) {
            "StopIteration"
        } else if kind == GeneratorKind::AsyncGenerator
            && self.is_instance_of(&error, ExcType::StopAsyncIteration)
        {
            "StopAsyncIteration"
        } else {
            return error;
        };
        let wrapped = self.error(
            ExcType::RuntimeError,
            format!("{} raised {stop}", kind.noun()),
        );
        if let Some(data) = &wrapped.0.exception {
            *data.cause.borrow_mut() = Some(error.value());
            *data.context.borrow_mut() = Some(error.value());
        }
        wrapped
    }

    /// The iterator that `await value` drives.
    pub fn awaitable_iter(&mut self, value: Value) -> PyResult<Value> {
        match &value {
            Value::Generator(g) if g.kind == GeneratorKind::Coroutine => {
                if g.is_awaiting() {
                    return Err(
                        self.error(ExcType::RuntimeError, "coroutine is being awaited already")
                    );
                }
                Ok(value)
            }
            Value::Native(object) if object.is_resumable() => Ok(value),
            _ => self.await_method_iter(&value),
        }
    }

    /// Whether `value`'s type can be awaited (a coroutine, or has
    /// `__await__`), whether or not awaiting it then succeeds.
    pub fn is_awaitable(&self, value: &Value) -> bool {
        match value {
            Value::Generator(g) => g.kind == GeneratorKind::Coroutine,
            Value::Native(object) if object.is_resumable() => true,
            _ => self.lookup_special(value, "__await__").is_some(),
        }
    }

    /// The iterator of an awaitable that is not a coroutine: its `__await__`.
    #[inline(never)]
    fn await_method_iter(&mut self, value: &Value) -> PyResult<Value> {
        if let Some(method) = self.lookup_special(value, "__await__") {
            let iterator = self.call_bound(&method, value, &[], &[])?;
            match &iterator {
                Value::Generator(g) if g.kind == GeneratorKind::Coroutine => {
                    return Err(self.type_error("__await__() returned a coroutine"));
                }
                Value::Generator(_) => {}
                Value::Native(object) if object.is_resumable() => {}
                other if self.lookup_special(other, "__next__").is_none() => {
                    return Err(self.type_error(format!(
                        "__await__() returned non-iterator of type '{}'",
                        self.type_name(other)
                    )));
                }
                _ => {}
            }
            return Ok(iterator);
        }
        Err(self.type_error(format!(
            "object {} can't be used in 'await' expression",
            self.type_name(value)
        )))
    }

    /// One step of `yield from`/`await` delegation. The caller holds the
    /// iterator for the step's length: it must outlive the step whatever
    /// the step does to where it came from. Inlined: a task's step resumes
    /// its coroutine through here.
    #[inline]
    pub fn resume_iterator(&mut self, iterator: &Value, resume: Resume) -> PyResult<GenStep> {
        match iterator {
            Value::Generator(generator) => return generator.resume_awaited(self, resume),
            Value::Native(object) if object.is_resumable() => return object.resume(self, resume),
            _ => {}
        }
        self.resume_other_iterator(iterator, resume)
    }

    /// [`Interp::resume_iterator`] for an iterator that is not a
    /// generator or native coroutine: `next`, `send` or `throw`.
    #[inline(never)]
    fn resume_other_iterator(&mut self, iterator: &Value, resume: Resume) -> PyResult<GenStep> {
        let result = match resume {
            // An iterator written in Python: its `StopIteration`'s value is
            // what `yield from` returns.
            Resume::Send(Value::None) if matches!(iterator, Value::Instance(_)) => {
                self.call_next_method(iterator)
            }
            Resume::Send(Value::None) => match self.next(iterator) {
                Ok(Some(value)) => return Ok(GenStep::Yielded(value)),
                Ok(None) => return Ok(GenStep::Returned(Value::None)),
                Err(error) => Err(error),
            },
            Resume::Send(value) => {
                let send = self.get_attr(iterator, "send")?;
                self.call(&send, &[value], &[])
            }
            // Closing the delegating generator closes the iterator, by
            // its `close` if it has one (CPython's `gen_close_iter`).
            Resume::Throw(error) if self.is_instance_of(&error, ExcType::GeneratorExit) => {
                if let Some(close) = self.get_attr_opt(iterator, "close")? {
                    self.call(&close, &[], &[])?;
                }
                return Err(error);
            }
            Resume::Throw(error) => match self.get_attr_opt(iterator, "throw")? {
                Some(throw) => self.call(&throw, &[error.value()], &[]),
                None => return Err(error),
            },
        };
        match result {
            Ok(value) => Ok(GenStep::Yielded(value)),
            Err(error) if self.is_instance_of(&error, ExcType::StopIteration) => {
                let value = error
                    .0
                    .exception
                    .as_ref()
                    .and_then(|d| d.args.borrow().first().cloned());
                Ok(GenStep::Returned(value.unwrap_or(Value::None)))
            }
            Err(error) => Err(error),
        }
    }
}
