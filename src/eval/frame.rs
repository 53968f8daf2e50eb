//! The statement machine: runs a [`Code`]'s instructions in a [`Frame`].
//!
//! A frame is all the state of one activation — program counter, local
//! slots, cells, handler stack, and the sub-iterator it delegates to — so a
//! generator or coroutine frame can stop at an [`Instr::Yield`] or
//! [`Instr::YieldFrom`] and be resumed later from the heap. Plain function
//! frames run the same loop to completion.
//!
//! Exceptions unwind through the handler stack: the innermost handler gets
//! the exception pushed onto `Interp::handled_exceptions` and control jumps
//! to its code; with no handler left the exception leaves the frame, which
//! adds its traceback line.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use smallvec::SmallVec;

use super::expr::{leaf, Awaited};
use crate::compile::ir::{value_at, Code, Delegate, Expr, ExprKind, GlobalSlot, Instr, Target};
use crate::runtime::error::{ExcType, Placed, PyErr, PyResult};
use crate::runtime::interp::{Interp, RunningFrame};
use crate::runtime::object::{
    CellRef, Function, Instance, ModuleObject, NameMap, Namespace, NativeKind, TraceEntry,
};
use crate::runtime::value::{discard, Value};
use crate::syntax::ast::Name;
use crate::syntax::span::Span;

/// A frame's local slots: exactly as many as its code has (a coroutine's
/// live as long as it does), in one allocation the frame points to with
/// two words.
pub type Slots = Box<[Option<Value>]>;

/// Slot arrays of finished calls, by length, all unbound, for the next
/// calls with as many slots: a call then neither allocates nor fills its
/// slots. At most 64 of each length (a chain of awaits 50 deep reuses
/// its own), so that deep recursion does not pin memory.
#[derive(Default)]
pub struct SlotPool {
    by_length: [Kept; SlotPool::LENGTHS],
}

/// The arrays of one length: the first `count` entries, in a stack of
/// fixed room (made at its first use) — not a `Vec`, whose push, with its
/// check for growth, stayed out of line and cost a plain call 24
/// instructions.
#[derive(Default)]
struct Kept {
    arrays: Box<[Option<Slots>]>,
    count: usize,
}

impl SlotPool {
    const LENGTHS: usize = 32;
    const KEPT: usize = 64;

    /// `length` unbound slots.
    #[inline(always)]
    pub fn take(&mut self, length: usize) -> Slots {
        if let Some(kept) = self.by_length.get_mut(length) {
            if kept.count > 0 {
                kept.count -= 1;
                if let Some(slots) = kept.arrays[kept.count].take() {
                    return slots;
                }
            }
        }
        unbound_slots(length)
    }

    /// Keeps a finished call's slots, unbound, if there is room.
    #[inline(always)]
    pub fn give_back(&mut self, mut slots: Slots) {
        let Some(kept) = self.by_length.get_mut(slots.len()) else {
            return;
        };
        if kept.count == kept.arrays.len() {
            if kept.count == SlotPool::KEPT {
                return;
            }
            kept.make_room();
        }
        // Most locals are ints or unbound: nothing to drop.
        for slot in slots.iter_mut() {
            discard(slot.take());
        }
        kept.arrays[kept.count] = Some(slots);
        kept.count += 1;
    }
}

impl Kept {
    #[cold]
    #[inline(never)]
    fn make_room(&mut self) {
        self.arrays = (0..SlotPool::KEPT).map(|_| None).collect();
    }
}

/// `length` new slots, unbound.
fn unbound_slots(length: usize) -> Slots {
    (0..length).map(|_| None).collect()
}

/// What a suspended frame is resumed with.
pub enum Resume {
    Send(Value),
    Throw(PyErr),
}

/// How a frame stopped.
pub enum Outcome {
    Return(Value),
    Yield(Value),
}

pub struct Frame {
    pub code: Rc<Code>,
    /// Local slots; `None` is an unbound variable.
    pub slots: Slots,
    pub globals: Rc<ModuleObject>,
    /// The sub-iterator of a `yield from`/`await` in progress.
    pub delegate: Option<Value>,
    pub pc: u32,
    /// Whether the frame is stopped at a `Yield`/`YieldFrom` waiting for a
    /// value (false before its first run).
    pub suspended: bool,
    /// What only some frames need, absent until one does: a suspended
    /// coroutine's frame is on the heap, by the hundred thousand in some
    /// programs, and few of them have cells or handlers.
    extras: Option<Box<FrameExtras>>,
}

// 64 bytes: the allocator's size class below 80 for a coroutine's boxed
// frame (a program may hold a million).
const _: () = assert!(std::mem::size_of::<Frame>() <= 64);

/// What a class body stores its names in.
pub enum ClassBody {
    /// pyl's own table: a class whose metaclass is `type`, whose
    /// `__prepare__` gives an empty dict that nothing else sees.
    Names(Rc<Namespace>),
    /// What a metaclass's `__prepare__` returned (a dict, or a mapping of
    /// the program's), read and written as CPython's `LOAD_NAME` and
    /// `STORE_NAME` do: by `__getitem__` and `__setitem__`.
    Mapping(Value),
}

/// The state of a frame that has cells, handlers, a class body's
/// namespace or a method's `super()`, in one allocation (a frame with a
/// few cells or handlers needs no second one).
#[derive(Default)]
struct FrameExtras {
    /// The frame's own cells, then the closure's.
    cells: SmallVec<[CellRef; 4]>,
    /// Active handlers: (handler pc, length of the handled-exception stack
    /// when the region was entered).
    handlers: SmallVec<[(u32, u32); 4]>,
    /// The namespace a class body fills.
    namespace: Option<ClassBody>,
    /// The function being run, for zero-argument `super()` (kept only when
    /// its code, or a function nested in it, names `super`: where CPython
    /// gives the body its `__class__` cell).
    function: Option<Rc<Function>>,
    /// Handled exceptions that belong to this frame while it is suspended.
    saved_handled: Vec<PyErr>,
}

impl FrameExtras {
    /// Extras with `count` new, empty cells. Out of line: the frame that
    /// needs none, the common one, is made inline ([`Frame::with_slots`]).
    #[inline(never)]
    fn with_cells(count: usize) -> Box<FrameExtras> {
        let cells = (0..count).map(|_| {
            let cell = Rc::new(RefCell::new(None));
            crate::runtime::cycles::track_cell(&cell);
            cell
        });
        Box::new(FrameExtras {
            cells: cells.collect(),
            ..FrameExtras::default()
        })
    }
}

impl Frame {
    pub fn new(code: Rc<Code>, globals: Rc<ModuleObject>) -> Frame {
        let slots = unbound_slots(code.slot_count as usize);
        Frame::with_slots(code, globals, slots)
    }

    /// A frame whose slots are `slots` (as many as the code has, unbound).
    // Inlined, and built in one expression: a call's frame is then made
    // where it lives, not on the side and copied.
    #[inline(always)]
    pub fn with_slots(code: Rc<Code>, globals: Rc<ModuleObject>, slots: Slots) -> Frame {
        let extras = if code.cell_names.is_empty() {
            None
        } else {
            Some(FrameExtras::with_cells(code.cell_names.len()))
        };
        Frame {
            slots,
            code,
            pc: 0,
            suspended: false,
            globals,
            delegate: None,
            extras,
        }
    }

    /// Takes a finished frame apart, its slots kept for the next call
    /// ([`SlotPool`]). Inlined, field by field: dropping the frame whole
    /// called out to the drop of each part, the empty ones too (a tenth of
    /// a plain call's instructions).
    #[inline(always)]
    pub fn finish(self, pool: &mut SlotPool) {
        let Frame {
            code,
            slots,
            globals,
            delegate,
            extras,
            ..
        } = self;
        pool.give_back(slots);
        if let Some(extras) = extras {
            drop(extras);
        }
        if let Some(delegate) = delegate {
            drop(delegate);
        }
        drop(code);
        drop(globals);
    }

    fn extras_mut(&mut self) -> &mut FrameExtras {
        self.extras.get_or_insert_with(Box::default)
    }

    /// The frame's own cells, then the closure's.
    #[inline]
    pub fn cells(&self) -> &[CellRef] {
        self.extras.as_deref().map_or(&[], |extras| &extras.cells)
    }

    /// Appends the cells a function or class body closes over.
    pub fn add_closure(&mut self, closure: impl Iterator<Item = CellRef>) {
        self.extras_mut().cells.extend(closure);
    }

    /// The namespace a class body fills.
    #[inline]
    pub fn namespace(&self) -> Option<&ClassBody> {
        self.extras.as_deref()?.namespace.as_ref()
    }

    pub fn set_namespace(&mut self, namespace: ClassBody) {
        self.extras_mut().namespace = Some(namespace);
    }

    /// The function being run, if its body names `super`.
    pub fn function(&self) -> Option<&Rc<Function>> {
        self.extras.as_deref()?.function.as_ref()
    }

    pub fn set_function(&mut self, function: Rc<Function>) {
        self.extras_mut().function = Some(function);
    }

    /// Whether the frame is inside a `try` or `with`.
    pub fn has_handlers(&self) -> bool {
        self.extras
            .as_deref()
            .is_some_and(|extras| !extras.handlers.is_empty())
    }

    fn pop_handler(&mut self) -> Option<(u32, u32)> {
        self.extras.as_deref_mut()?.handlers.pop()
    }
}

/// What one instruction did.
enum Step {
    Next,
    Jump(usize),
    Return(Value),
    Yield(Value),
}

impl Interp {
    /// Runs `frame` until it returns, yields, or raises.
    #[inline(always)]
    pub fn run_frame(&mut self, frame: &mut Frame, resume: Option<Resume>) -> PyResult<Outcome> {
        self.run_frame_at(frame, resume, &Cell::new(0))
    }

    /// [`Interp::run_frame`], with the program counter in `pc` while the
    /// frame runs (in `frame.pc` when it stops): a generator lends its
    /// own, so that it can tell where its running frame is — the frame
    /// itself is out of everyone else's reach then.
    #[inline(always)]
    pub fn run_frame_at(
        &mut self,
        frame: &mut Frame,
        resume: Option<Resume>,
        pc: &Cell<u32>,
    ) -> PyResult<Outcome> {
        self.run_instructions(frame, resume, pc)
    }

    /// Runs a module's body (the main script's, an import's, a REPL
    /// input's): on the stack of running frames whether or not function
    /// frames are, since a module's frame may run when `logging` is
    /// imported and its lines be logged afterwards.
    pub fn run_module_frame(&mut self, frame: &mut Frame) -> PyResult<Outcome> {
        self.run_tracked(frame, None, &Cell::new(0))
    }

    /// [`Interp::run_frame_at`]'s body.
    fn run_instructions(
        &mut self,
        frame: &mut Frame,
        resume: Option<Resume>,
        pc: &Cell<u32>,
    ) -> PyResult<Outcome> {
        // Here rather than in `run_frame_at`: two calls there keep the
        // callers from inlining it, which cost coroutine resumption ~17%
        // of its time (chain_await) for ~1% more instructions.
        if self.tracks_frames {
            return self.run_tracked(frame, resume, pc);
        }
        self.instruction_loop::<false>(frame, resume, pc)
    }

    /// [`Interp::run_frame_at`] with the frame on the stack of running
    /// frames (`Interp::running`), its loop inlined here: one call less.
    #[cold]
    #[inline(never)]
    fn run_tracked(
        &mut self,
        frame: &mut Frame,
        resume: Option<Resume>,
        pc: &Cell<u32>,
    ) -> PyResult<Outcome> {
        let caller_pc = self.running_pc;
        self.running.push(RunningFrame {
            code: frame.code.clone(),
            caller_pc,
            depth: self.depth,
        });
        let outcome = self.instruction_loop::<true>(frame, resume, pc);
        self.running.pop();
        self.running_pc = caller_pc;
        outcome
    }

    /// [`Interp::run_frame_at`]'s loop; a frame on the stack of running
    /// frames (`TRACKED`) also says which instruction it is at, for the
    /// frames it calls to note.
    #[inline(always)]
    fn instruction_loop<const TRACKED: bool>(
        &mut self,
        frame: &mut Frame,
        mut resume: Option<Resume>,
        pc: &Cell<u32>,
    ) -> PyResult<Outcome> {
        let code = frame.code.clone();
        let base = self.handled_exceptions.len();
        if let Some(extras) = frame.extras.as_deref_mut() {
            self.handled_exceptions.append(&mut extras.saved_handled);
        }
        pc.set(frame.pc);
        // The instruction run last: what a poll blames for what it finds.
        let mut previous = pc.get();
        loop {
            let at = pc.get();
            let Some(instr) = code.instrs.get(at as usize) else {
                if crate::runtime::warnings::any_unplaced() {
                    crate::runtime::warnings::locate(Some((&code, previous)));
                }
                return Ok(Outcome::Return(Value::None));
            };
            let polled = if self.limits.tick() {
                self.poll_after(&code, previous)
            } else {
                None
            };
            previous = at;
            if TRACKED {
                self.running_pc = at;
            }
            let step = match polled {
                Some(error) => Err(error),
                None => self.execute(frame, instr, &mut resume),
            };
            match step {
                Ok(Step::Next) => pc.set(pc.get() + 1),
                Ok(Step::Jump(target)) => pc.set(target as u32),
                Ok(Step::Return(value)) => {
                    self.handled_exceptions.truncate(base);
                    return Ok(Outcome::Return(value));
                }
                Ok(Step::Yield(value)) => {
                    frame.pc = pc.get();
                    frame.suspended = true;
                    // Only when there is something to keep: `split_off(0)`
                    // would allocate a new vector for what stays.
                    if self.handled_exceptions.len() > base {
                        let saved = self.handled_exceptions.split_off(base);
                        frame.extras_mut().saved_handled = saved;
                    }
                    return Ok(Outcome::Yield(value));
                }
                Err(error) => {
                    frame.pc = pc.get();
                    self.unwind(frame, &code, base, error)?;
                    pc.set(frame.pc);
                }
            }
        }
    }

    /// An exception reached `frame`: it records its traceback line and
    /// jumps to the innermost handler, or leaves the frame. Out of line,
    /// the rare case: `run_frame`'s stack frame, which every call stacks,
    /// stays smaller.
    #[inline(never)]
    fn unwind(
        &mut self,
        frame: &mut Frame,
        code: &Rc<Code>,
        base: usize,
        error: PyErr,
    ) -> PyResult<()> {
        frame.delegate = None;
        frame.suspended = false;
        // Its context: for the exception thrown in (here or into what
        // this frame delegates to), the one this frame handles, if any
        // (CPython's `_PyErr_ChainStackItem`, at every frame of a `yield
        // from` chain); for one a builtin or the evaluator raised here,
        // the one being handled (a `raise` has set it already).
        let thrown = std::mem::take(&mut self.thrown_in);
        let error = if thrown.is_some_and(|thrown| std::ptr::eq(thrown, Rc::as_ptr(&error.0))) {
            if self.handled_exceptions.len() > base {
                self.with_context(error)
            } else {
                error
            }
        } else if (error.0.exception.as_ref())
            .is_some_and(|data| data.traceback.borrow().is_empty())
        {
            self.with_context(error)
        } else {
            error
        };
        // Each raise adds the frame's line to the traceback, as does each
        // frame the exception leaves; a re-raise (a bare `raise`, the end
        // of a `finally`, an `except` that does not match) adds none, as
        // CPython's `RERAISE`.
        let reraising = std::mem::take(&mut self.reraising);
        if let Some(data) = &error.0.exception {
            // A coroutine the failing instruction dropped (an argument of
            // a call that raised) was dropped here, as CPython's unwinding
            // frees the stack. Once the exception has left a frame, what
            // is dropped also holds that frame's locals, which CPython's
            // traceback keeps until it is printed: those wait.
            if crate::runtime::warnings::any_unplaced() && data.traceback.borrow().is_empty() {
                crate::runtime::warnings::locate(Some((code, frame.pc)));
            }
            let location = data.location.take();
            if !reraising {
                let statement = code.spans.get(frame.pc as usize).copied();
                data.traceback.borrow_mut().push(TraceEntry {
                    code: code.clone(),
                    span: location.or(statement).unwrap_or_default(),
                    locals: None,
                });
            }
        }
        // A stopped program runs no handler (see `runtime::limits`).
        let handler = match self.limits.stopping() {
            None => frame.pop_handler(),
            Some(_) => None,
        };
        match handler {
            Some((handler, handled_len)) => {
                self.handled_exceptions
                    .truncate((handled_len as usize).max(base));
                self.handled_exceptions.push(error);
                frame.pc = handler;
                Ok(())
            }
            None => {
                self.handled_exceptions.truncate(base);
                keep_locals(frame, code, &error);
                Err(error)
            }
        }
    }

    /// The error for a comprehension whose result local no longer holds
    /// its list or set, which no program can rebind: a bug of pyl's.
    #[cold]
    fn comprehension_lost(&self) -> PyErr {
        self.error(
            ExcType::SystemError,
            "internal error: a comprehension's result was lost",
        )
    }

    /// [`Interp::poll`] between two instructions of `code`, after the one
    /// at `pc`: a coroutine dropped unawaited since was dropped there.
    #[cold]
    fn poll_after(&mut self, code: &Code, pc: u32) -> Option<PyErr> {
        crate::runtime::warnings::locate(Some((code, pc)));
        self.poll()
    }

    /// Between instructions, and between the items of a native loop
    /// (`Interp::next`), now and then: Ctrl-C, and the run's limits; and
    /// at the next one when a dropped object waits to be finalized.
    #[cold]
    pub(crate) fn poll(&mut self) -> Option<PyErr> {
        // The countdown starts again before a finalizer runs Python code.
        if !self.limits.resume_period() {
            if let Some(error) = self.poll_limits() {
                return Some(error);
            }
        }
        self.run_pending_finalizers();
        None
    }

    /// The poll's own work, once per period: the run's limits, Ctrl-C and
    /// Ctrl-\\.
    fn poll_limits(&mut self) -> Option<PyErr> {
        if let Some(reason) = self.limits.stopping() {
            let reason = reason.clone();
            self.limits.restart();
            return Some(reason);
        }
        let stack_segments = self.stack_segments as usize;
        if let Some(limit) = self
            .limits
            .check(stack_segments, crate::eval::call::STACK_SEGMENT)
        {
            return Some(self.stop_for(limit));
        }
        if crate::runtime::interrupt::take_quit() {
            self.print_task_tree();
        }
        crate::runtime::interrupt::take()
            .then(|| self.keyboard_interrupt())
            .flatten()
    }

    // Inlined into its one caller, `run_frame_at`'s loop: left to the
    // compiler, it stops being inlined as soon as it grows a little, and a
    // call per instruction costs plain code some 10% (fib: 39.3 M -> 43.6 M
    // instructions when a test for `None` was added).
    #[inline(always)]
    fn execute(
        &mut self,
        frame: &mut Frame,
        instr: &Instr,
        resume: &mut Option<Resume>,
    ) -> PyResult<Step> {
        match instr {
            Instr::Eval(e) => {
                // Most often `None` (`row.append(v)`): nothing to drop.
                discard(Some(self.eval_or_call_method(frame, e)?));
            }
            Instr::ListAppend { list, value } => {
                let value = self.eval(frame, value)?;
                match &frame.slots[*list as usize] {
                    Some(Value::List(list)) => list.borrow_mut().push(value),
                    _ => return Err(self.comprehension_lost()),
                }
            }
            Instr::SetAdd { set, value } => {
                let value = self.eval(frame, value)?;
                match &frame.slots[*set as usize] {
                    Some(Value::Set(set)) => self.dict_set(set, value, Value::None)?,
                    _ => return Err(self.comprehension_lost()),
                }
            }
            Instr::Echo(e) => {
                let value = self.eval(frame, e)?;
                self.display_hook(value)?;
            }
            Instr::SetupAnnotations => self.setup_annotations(frame)?,
            Instr::Store(target, e) => {
                let value = match (super::expr::int_arithmetic(frame, e), &e.kind) {
                    (Some(value), _) => value,
                    (None, ExprKind::Attribute(object, name, cache)) => {
                        match super::expr::leaf(frame, object) {
                            Some(object) => {
                                (self.load_attribute(object, name, cache)).placed(e.span)?
                            }
                            None => self.eval(frame, e)?,
                        }
                    }
                    (None, _) => self.eval_or_call_method(frame, e)?,
                };
                self.store(frame, target, value)?;
            }
            Instr::AugAssign(target, op, e, span) => {
                self.augmented_assign(frame, target, *op, e, *span)?
            }
            Instr::Delete(target) => self.delete(frame, target)?,
            Instr::Jump(target) => return Ok(Step::Jump(*target as usize)),
            Instr::JumpIf {
                condition,
                when,
                target,
            } => {
                if self.holds(frame, condition)? == *when {
                    return Ok(Step::Jump(*target as usize));
                }
            }
            Instr::Return(e) => {
                let value = self.eval(frame, e)?;
                return Ok(Step::Return(value));
            }
            Instr::GetIter { iterable, slot } => {
                let value = self.eval(frame, iterable)?;
                let iterator = self.get_iter(&value)?;
                frame.slots[*slot as usize] = Some(iterator);
            }
            Instr::ForIter { slot, target, body } => {
                // A range's or a list's iterator is stepped here, with no
                // `next` call through the vtable and no `PyResult` to move.
                if let Some(item) = loop_step(&frame.slots[*slot as usize]) {
                    match item {
                        Some(item) => {
                            self.store(frame, target, item)?;
                            return Ok(Step::Jump(*body as usize));
                        }
                        None => frame.slots[*slot as usize] = None,
                    }
                    return Ok(Step::Next);
                }
                let next = match &frame.slots[*slot as usize] {
                    Some(iterator) => self.next_unpolled(iterator)?,
                    None => None,
                };
                match next {
                    Some(item) => {
                        self.store(frame, target, item)?;
                        return Ok(Step::Jump(*body as usize));
                    }
                    None => frame.slots[*slot as usize] = None,
                }
            }
            Instr::Match(case) => {
                if !self.match_case(frame, case)? {
                    return Ok(Step::Jump(case.fail as usize));
                }
            }
            Instr::PushHandler(handler) => {
                let handled = self.handled_exceptions.len() as u32;
                frame.extras_mut().handlers.push((*handler, handled));
            }
            Instr::PopHandler => {
                frame.pop_handler();
            }
            Instr::MatchException { class, next } => {
                let class = self.eval(frame, class)?;
                let Some(current) = self.handled_exceptions.last().cloned() else {
                    return Ok(Step::Jump(*next as usize));
                };
                if !self.exception_matches(&current.0.class, &class)? {
                    return Ok(Step::Jump(*next as usize));
                }
            }
            Instr::MatchExceptionStar { class, rest, next } => {
                if !self.match_exception_star(frame, class, *rest)? {
                    return Ok(Step::Jump(*next as usize));
                }
            }
            Instr::KeepRaised { raised } => {
                let error = self.handled_exceptions.pop();
                if let (Some(error), Some(Value::List(list))) =
                    (error, &frame.slots[*raised as usize])
                {
                    list.borrow_mut().push(error.value());
                }
            }
            Instr::EndExceptStar {
                original,
                rest,
                raised,
            } => self.end_except_star(frame, *original, *rest, *raised)?,
            Instr::PopException => {
                self.handled_exceptions.pop();
            }
            Instr::Reraise => {
                let error = self.handled_exceptions.pop();
                return Err(match error {
                    Some(error) => self.reraise(error),
                    None => self.error(ExcType::RuntimeError, "No active exception to reraise"),
                });
            }
            Instr::Raise { exception, cause } => {
                return Err(self.raise(frame, exception.as_ref(), cause.as_ref())?)
            }
            Instr::Assert {
                test,
                message,
                place,
            } => {
                if !self.holds(frame, test)? {
                    let args = match message {
                        Some(m) => vec![self.eval(frame, m)?],
                        None => vec![],
                    };
                    let error = self.new_exception(ExcType::AssertionError, args);
                    return Err(self.with_context(error).placed_at(*place));
                }
            }
            Instr::Import {
                module,
                bind_top,
                target,
            } => {
                let imported = self.import_module(module)?;
                let bound = if *bind_top && module.contains('.') {
                    let top = module.split('.').next().unwrap_or(module);
                    self.import_module(top)?
                } else {
                    imported
                };
                self.store(frame, target, bound)?;
            }
            Instr::ImportStar { module } => {
                let into = frame.globals.clone();
                self.import_star(&into, module)?;
            }
            Instr::ImportFrom { module, names } => {
                let imported = self.import_module(module)?;
                for (name, target) in names {
                    let value = match self.get_attr_opt(&imported, name)? {
                        Some(value) => value,
                        None => {
                            return Err(self.error(
                                ExcType::ImportError,
                                format!(
                                "cannot import name '{name}' from '{module}' (unknown location)"
                            ),
                            ))
                        }
                    };
                    self.store(frame, target, value)?;
                }
            }
            Instr::Yield { value, target } => {
                if frame.suspended {
                    frame.suspended = false;
                    match resume.take() {
                        Some(Resume::Throw(error)) => return Err(self.thrown_in(error)),
                        Some(Resume::Send(sent)) => {
                            if let Some(target) = target {
                                self.store(frame, target, sent)?;
                            }
                        }
                        None => {
                            if let Some(target) = target {
                                self.store(frame, target, Value::None)?;
                            }
                        }
                    }
                    return Ok(Step::Next);
                }
                let value = self.eval(frame, value)?;
                if frame.code.flavor == crate::compile::ir::Flavor::AsyncGenerator {
                    // Told apart from what its awaits yield to the task.
                    return Ok(Step::Yield(
                        crate::runtime::generator::async_generator_value(value),
                    ));
                }
                return Ok(Step::Yield(value));
            }
            Instr::YieldFrom {
                value,
                target,
                delegate,
            } => {
                // While the frame runs, no one else can see it: its
                // delegate is held here, and goes back only if it yields.
                let (delegate, sent) = if frame.suspended {
                    frame.suspended = false;
                    let delegate = frame.delegate.take().unwrap_or(Value::None);
                    let sent = resume.take().unwrap_or(Resume::Send(Value::None));
                    // A task switch's `await asyncio.sleep(0)`: what
                    // resuming the stand-in would do, without the call.
                    if matches!(sent, Resume::Send(_)) && self.is_bare_sleep(&delegate) {
                        if let Some(target) = target {
                            self.store(frame, target, Value::None)?;
                        }
                        return Ok(Step::Next);
                    }
                    (delegate, sent)
                } else {
                    match self.delegation(frame, value, *delegate)? {
                        Awaited::Object(iterator) => (iterator, Resume::Send(Value::None)),
                        Awaited::Yielded(value) => return Ok(Step::Yield(value)),
                        Awaited::Finished(result) => {
                            match target {
                                Some(target) => self.store(frame, target, result)?,
                                None => discard(Some(result)),
                            }
                            return Ok(Step::Next);
                        }
                    }
                };
                // Whatever a throw makes the delegate raise comes into this
                // frame as thrown (CPython's `_gen_throw`).
                let throwing = matches!(sent, Resume::Throw(_));
                let step = match self.resume_iterator(&delegate, sent) {
                    Ok(step) => step,
                    Err(error) if throwing => return Err(self.thrown_in(error)),
                    Err(error) => return Err(error),
                };
                match step {
                    GenStep::Yielded(value) => {
                        frame.delegate = Some(delegate);
                        return Ok(Step::Yield(value));
                    }
                    GenStep::Returned(result) => {
                        if let Some(target) = target {
                            self.store(frame, target, result)?;
                        }
                    }
                }
            }
        }
        Ok(Step::Next)
    }

    /// `SETUP_ANNOTATIONS`: an empty `__annotations__` in the namespace
    /// (a class body's, or the module's) unless it has one. Out of line:
    /// what the statement machine's own frame holds stacks with every call.
    #[inline(never)]
    fn setup_annotations(&mut self, frame: &Frame) -> PyResult<()> {
        let absent = |names: &NameMap| !names.contains_key("__annotations__");
        let empty = || Value::dict(Default::default());
        match frame.namespace() {
            Some(ClassBody::Names(names)) if absent(&names.borrow()) => {
                names.borrow_mut().insert("__annotations__".into(), empty());
            }
            Some(ClassBody::Mapping(mapping)) => {
                let mapping = mapping.clone();
                let key = Value::str("__annotations__");
                if self.namespace_item(&mapping, &key)?.is_none() {
                    self.set_item(&mapping, key, empty())?;
                }
            }
            None if absent(&frame.globals.namespace.borrow()) => {
                (frame.globals.namespace.borrow_mut()).insert("__annotations__".into(), empty());
            }
            _ => {}
        }
        Ok(())
    }

    /// What a `yield from` (or `await`) starting to run delegates to: the
    /// iterator of `value`, or the stand-in for a bare `asyncio.sleep(0)`
    /// (see [`Interp::awaited`]). Out of line: the statement machine's own
    /// stack frame, which every call and resumption stacks, stays small.
    #[inline(never)]
    fn delegation(
        &mut self,
        frame: &mut Frame,
        value: &Expr,
        delegate: Delegate,
    ) -> PyResult<Awaited> {
        if delegate == Delegate::Iterator {
            let source = self.eval(frame, value)?;
            return self.get_iter(&source).map(Awaited::Object);
        }
        match self.awaited(frame, value)? {
            Awaited::Object(source) if delegate == Delegate::NextItem => {
                let type_name = self.type_name(&source);
                match self.awaitable_iter(source) {
                    Err(error) if self.is_instance_of(&error, ExcType::TypeError) => {
                        // CPython's `GET_ANEXT`, raising from the await's error.
                        let wrapped = self.type_error(format!(
                            "'async for' received an invalid object from __anext__: {type_name}"
                        ));
                        self.set_exception_attribute(&wrapped.0, "__cause__", &error.value())?;
                        if let Some(data) = &wrapped.0.exception {
                            *data.context.borrow_mut() = Some(error.value());
                        }
                        Err(wrapped)
                    }
                    iterator => iterator.map(Awaited::Object),
                }
            }
            Awaited::Object(source)
                if matches!(delegate, Delegate::Entered | Delegate::Exited)
                    && !self.is_awaitable(&source) =>
            {
                // CPython's `format_awaitable_error`, in place of the
                // await's own error.
                let method = match delegate {
                    Delegate::Entered => "__aenter__",
                    _ => "__aexit__",
                };
                Err(self.type_error(format!(
                    "'async with' received an object from {method} that does not implement __await__: {}",
                    self.type_name(&source)
                )))
            }
            Awaited::Object(source) => self.awaitable_iter(source).map(Awaited::Object),
            bare => Ok(bare),
        }
    }

    /// Stores `value` in `target`; a local slot, the common target, is
    /// written here, without a call.
    #[inline(always)]
    pub fn store(&mut self, frame: &mut Frame, target: &Target, value: Value) -> PyResult<()> {
        if let Target::Local(slot) = target {
            discard(frame.slots[*slot as usize].replace(value));
            return Ok(());
        }
        self.store_elsewhere(frame, target, value)
    }

    /// A store to an attribute or an item (`counts[key] = value`), with
    /// the rarer targets out of line so that these two run in a small
    /// stack frame.
    #[inline(never)]
    fn store_elsewhere(
        &mut self,
        frame: &mut Frame,
        target: &Target,
        value: Value,
    ) -> PyResult<()> {
        match target {
            Target::Attribute(object, name, cache, span) => {
                let object = self.eval(frame, object)?;
                (self.store_attribute(&object, name, value, cache)).placed(*span)
            }
            Target::Subscript(object, index, span) => {
                // `counts[key] = value`, both locals: read in place (what
                // the store runs cannot rebind this frame's locals).
                if let Some(object) = leaf(frame, object) {
                    if let Some(index) = leaf(frame, index) {
                        return (self.store_item(object, index.clone(), value)).placed(*span);
                    }
                }
                let object = self.eval(frame, object)?;
                let index = self.eval(frame, index)?;
                (self.store_item(&object, index, value)).placed(*span)
            }
            _ => self.store_uncommon(frame, target, value),
        }
    }

    /// `object[index] = value`: a dict, the common container, with no
    /// second dispatch.
    #[inline(always)]
    fn store_item(&mut self, object: &Value, index: Value, value: Value) -> PyResult<()> {
        match object {
            Value::Dict(dict) => self.dict_set(dict, index, value),
            _ => self.set_item(object, index, value),
        }
    }

    #[inline(never)]
    fn store_uncommon(&mut self, frame: &mut Frame, target: &Target, value: Value) -> PyResult<()> {
        match target {
            Target::Local(slot) => frame.slots[*slot as usize] = Some(value),
            Target::Cell(cell) => *frame.cells()[*cell as usize].borrow_mut() = Some(value),
            Target::Global(name, index) => frame.globals.namespace.store(name, index, value),
            Target::Namespace(name) => match frame.namespace() {
                Some(ClassBody::Names(namespace)) => {
                    namespace.borrow_mut().insert(name.clone(), value);
                }
                Some(ClassBody::Mapping(mapping)) => {
                    let mapping = mapping.clone();
                    self.set_item(&mapping, Value::str(&**name), value)?;
                }
                None => {
                    frame
                        .globals
                        .namespace
                        .borrow_mut()
                        .insert(name.clone(), value);
                }
            },
            // Made by `store_elsewhere`, which sends none of them here.
            Target::Attribute(..) | Target::Subscript(..) => {
                return self.store_elsewhere(frame, target, value)
            }
            Target::Unpack {
                items,
                starred,
                span,
            } => {
                let values = (self.unpack(value, items.len(), *starred)).placed(*span)?;
                for (target, value) in items.iter().zip(values) {
                    self.store(frame, target, value)?;
                }
            }
        }
        Ok(())
    }

    /// Whether `value` has neither `__iter__` nor a sequence's
    /// `__getitem__` (CPython's `tp_iter` and `sq_item`, which unpacking's
    /// message asks about): a native type's `__iter__ = None` says it is
    /// a mapping without iteration (`re.Match`).
    fn has_no_iteration(&self, value: &Value) -> bool {
        match self.lookup_special(value, "__iter__") {
            Some(Value::None) => matches!(value, Value::Native(_)),
            Some(_) => false,
            None => self.lookup_special(value, "__getitem__").is_none(),
        }
    }

    /// Splits an iterable into exactly `count` values, one of them a list
    /// collecting the rest when `starred` is given.
    fn unpack(
        &mut self,
        value: Value,
        count: usize,
        starred: Option<usize>,
    ) -> PyResult<Vec<Value>> {
        let items = match &value {
            Value::Tuple(items) => items.to_vec(),
            Value::List(items) => items.borrow().clone(),
            _ => {
                let iterator = match self.get_iter(&value) {
                    Ok(iterator) => iterator,
                    Err(error)
                        if self.is_instance_of(&error, ExcType::TypeError)
                            && self.has_no_iteration(&value) =>
                    {
                        return Err(self.type_error(format!(
                            "cannot unpack non-iterable {} object",
                            self.type_name(&value)
                        )));
                    }
                    Err(error) => return Err(error),
                };
                // One item past the targets tells that there are too many,
                // as CPython reads no further (an endless iterator ends).
                let limit = if starred.is_none() {
                    count + 1
                } else {
                    usize::MAX
                };
                let mut items = Vec::new();
                while items.len() < limit {
                    match self.next(&iterator)? {
                        Some(item) => items.push(item),
                        None => break,
                    }
                }
                items
            }
        };
        match starred {
            None => {
                if items.len() > count {
                    return Err(
                        self.value_error(format!("too many values to unpack (expected {count})"))
                    );
                }
                if items.len() < count {
                    return Err(self.value_error(format!(
                        "not enough values to unpack (expected {count}, got {})",
                        items.len()
                    )));
                }
                Ok(items)
            }
            Some(star) => {
                let after = count - star - 1;
                if items.len() < count - 1 {
                    return Err(self.value_error(format!(
                        "not enough values to unpack (expected at least {}, got {})",
                        count - 1,
                        items.len()
                    )));
                }
                let mut items = items;
                let tail = items.split_off(items.len() - after);
                let middle = items.split_off(star);
                items.push(Value::list(middle));
                items.extend(tail);
                Ok(items)
            }
        }
    }

    fn delete(&mut self, frame: &mut Frame, target: &Target) -> PyResult<()> {
        match target {
            Target::Local(slot) => {
                if frame.slots[*slot as usize].take().is_none() {
                    let name = frame
                        .code
                        .local_names
                        .get(*slot as usize)
                        .cloned()
                        .unwrap_or_default();
                    return Err(self.unbound_local(&name));
                }
            }
            Target::Cell(cell) => {
                if frame.cells()[*cell as usize].borrow_mut().take().is_none() {
                    let name = self.cell_name(frame, *cell);
                    return Err(self.free_variable_error(&name));
                }
            }
            Target::Global(name, _) => {
                if frame
                    .globals
                    .namespace
                    .borrow_mut()
                    .shift_remove(name)
                    .is_none()
                {
                    return Err(self.name_error_in(frame, name));
                }
            }
            Target::Namespace(name) => {
                let removed = match frame.namespace() {
                    Some(ClassBody::Names(namespace)) => namespace.borrow_mut().shift_remove(name),
                    // Whatever the mapping raises, the program sees a
                    // `NameError`, as CPython's `DELETE_NAME` makes it.
                    Some(ClassBody::Mapping(mapping)) => {
                        let mapping = mapping.clone();
                        (self.del_item(&mapping, &Value::str(&**name)).ok()).map(|()| Value::None)
                    }
                    None => frame.globals.namespace.borrow_mut().shift_remove(name),
                };
                if removed.is_none() {
                    return Err(self.name_error_in(frame, name));
                }
            }
            Target::Attribute(object, name, _, span) => {
                let object = self.eval(frame, object)?;
                (self.del_attr(&object, name)).placed(*span)?;
            }
            Target::Subscript(object, index, span) => {
                let object = self.eval(frame, object)?;
                let index = self.eval(frame, index)?;
                (self.del_item(&object, &index)).placed(*span)?;
            }
            Target::Unpack { items, .. } => {
                for item in items {
                    self.delete(frame, item)?;
                }
            }
        }
        Ok(())
    }

    fn augmented_assign(
        &mut self,
        frame: &mut Frame,
        target: &Target,
        op: crate::syntax::ast::BinOp,
        e: &crate::compile::ir::Expr,
        target_span: Span,
    ) -> PyResult<()> {
        match target {
            // The target's read and write point at the target, the
            // operation at the statement.
            Target::Attribute(object, name, cache, span) => {
                let object = self.eval(frame, object)?;
                let current = (self.attribute_to_update(&object, name, cache)).placed(*span)?;
                let operand = self.eval(frame, e)?;
                let result = self.augmented_op(op, &current, &operand)?;
                (self.store_attribute(&object, name, result, cache)).placed(*span)
            }
            Target::Subscript(object, index, span) => {
                let object = self.eval(frame, object)?;
                let index = self.eval(frame, index)?;
                let current = (self.get_item(&object, &index)).placed(*span)?;
                let operand = self.eval(frame, e)?;
                let result = self.augmented_op(op, &current, &operand)?;
                (self.set_item(&object, index, result)).placed(*span)
            }
            _ => {
                // `local op= local or constant`: both read in place.
                if let (Target::Local(slot), Some(operand)) = (target, super::expr::leaf(frame, e))
                {
                    let Some(current) = &frame.slots[*slot as usize] else {
                        return Err(self.unbound_local_slot(frame, *slot, &target_span));
                    };
                    let result = self.augmented_op(op, current, operand)?;
                    frame.slots[*slot as usize] = Some(result);
                    return Ok(());
                }
                let current = self.load_target(frame, target, target_span)?;
                let operand = self.eval(frame, e)?;
                let result = self.augmented_op(op, &current, &operand)?;
                self.store(frame, target, result)
            }
        }
    }

    #[inline(always)]
    fn augmented_op(
        &mut self,
        op: crate::syntax::ast::BinOp,
        current: &Value,
        operand: &Value,
    ) -> PyResult<Value> {
        match super::expr::small_int_binary(op, current, operand) {
            Some(result) => Ok(result),
            None => self.inplace_op(op, current, operand),
        }
    }

    /// The value of a name that an augmented assignment updates; `span`
    /// is where the name is written.
    fn load_target(&mut self, frame: &mut Frame, target: &Target, span: Span) -> PyResult<Value> {
        match target {
            Target::Local(slot) => self.load_local(frame, *slot, &span),
            Target::Cell(cell) => self.load_cell(frame, *cell, &span),
            Target::Global(name, index) => {
                let global = index.lookup(&frame.globals.namespace.borrow(), name);
                match global {
                    Some(value) => Ok(value),
                    None => self.load_global(frame, name).placed(span),
                }
            }
            Target::Namespace(name) => self.load_namespace(frame, name).placed(span),
            _ => Err(self.error(ExcType::SystemError, "bad augmented assignment target")),
        }
    }

    /// A local's value; `span` is where its name is written, what the
    /// error of an unbound one points at.
    #[inline]
    pub fn load_local(&self, frame: &Frame, slot: u32, span: &Span) -> PyResult<Value> {
        match &frame.slots[slot as usize] {
            Some(value) => Ok(value.clone()),
            None => Err(self.unbound_local_slot(frame, slot, span)),
        }
    }

    /// The error of reading an unbound local, placed at `span`.
    #[cold]
    #[inline(never)]
    fn unbound_local_slot(&self, frame: &Frame, slot: u32, span: &Span) -> PyErr {
        let name = frame
            .code
            .local_names
            .get(slot as usize)
            .cloned()
            .unwrap_or_default();
        self.unbound_local(&name).placed_at(*span)
    }

    // Out of line: `eval` calls it for every captured variable it reads,
    // rather than through the walker's larger frame.
    #[inline(never)]
    pub fn load_cell(&self, frame: &Frame, cell: u32, span: &Span) -> PyResult<Value> {
        // What closures capture to update (a list, dict or object) has its
        // reference counted here, with no call to `Value::clone`.
        match &*frame.cells()[cell as usize].borrow() {
            Some(Value::List(list)) => Ok(Value::List(list.clone())),
            Some(Value::Dict(dict)) => Ok(Value::Dict(dict.clone())),
            Some(Value::Instance(instance)) => Ok(Value::Instance(instance.clone())),
            Some(value) => Ok(value.clone()),
            None => Err(self.unbound_cell(frame, cell, span)),
        }
    }

    /// `__class__` in a method: the class it was defined in, which is not
    /// there yet while the class body runs.
    pub fn load_defining_class(&self, frame: &Frame, span: &Span) -> PyResult<Value> {
        match frame
            .function()
            .and_then(|f| f.defining_class.borrow().clone())
        {
            Some(class) => Ok(Value::Type(class)),
            None => Err(self.free_variable_error("__class__").placed_at(*span)),
        }
    }

    #[cold]
    #[inline(never)]
    fn unbound_cell(&self, frame: &Frame, cell: u32, span: &Span) -> PyErr {
        let name = self.cell_name(frame, cell);
        let error = if (cell as usize) < frame.code.cell_names.len() {
            self.unbound_local(&name)
        } else {
            self.free_variable_error(&name)
        };
        error.placed_at(*span)
    }

    /// The name of a cell: the frame's own captured variables, then the
    /// closure's.
    fn cell_name(&self, frame: &Frame, cell: u32) -> String {
        let code = &frame.code;
        let mut names = code.cell_names.iter().chain(&code.free_names);
        names
            .nth(cell as usize)
            .map_or_else(String::new, |name| name.to_string())
    }

    /// A global (or builtin) name, trying first where it was last found.
    pub fn load_global_cached(
        &mut self,
        frame: &Frame,
        name: &Name,
        slot: &GlobalSlot,
        span: &Span,
    ) -> PyResult<Value> {
        let module = &frame.globals.namespace;
        // A builtin found while the globals stayed unwritten is still not
        // shadowed by a global: no need to look there first.
        let builtins = self.builtins.namespace.borrow();
        if let Some(index) = slot.builtin(module.version()) {
            if let Some(value) = value_at(&builtins, index, name) {
                return Ok(value);
            }
        }
        let globals = module.borrow();
        if let Some(value) = slot.global.peek(&globals, name) {
            return Ok(value.clone());
        }
        if let Some(value) = slot.global.lookup(&globals, name) {
            return Ok(value);
        }
        if let Some((index, _, value)) = builtins.get_full(&**name) {
            slot.set_builtin(index, module.version());
            return Ok(value.clone());
        }
        drop((globals, builtins));
        self.missing_global(frame, name).placed(*span)
    }

    pub fn load_global(&mut self, frame: &Frame, name: &str) -> PyResult<Value> {
        if let Some(value) = frame.globals.namespace.borrow().get(name) {
            return Ok(value.clone());
        }
        if let Some(value) = self.builtins.namespace.borrow().get(name) {
            return Ok(value.clone());
        }
        self.missing_global(frame, name)
    }

    /// A name neither the globals nor the builtins have. In asyncio's own
    /// Python, it may be defined by a part that has not run yet; among the
    /// builtins, by `site` (`exit`).
    #[cold]
    fn missing_global(&mut self, frame: &Frame, name: &str) -> PyResult<Value> {
        if self.define_lazily(&frame.globals, name)? {
            if let Some(value) = frame.globals.namespace.borrow().get(name) {
                return Ok(value.clone());
            }
        }
        let builtins = self.builtins.clone();
        if self.define_lazily(&builtins, name)? {
            if let Some(value) = builtins.namespace.borrow().get(name) {
                return Ok(value.clone());
            }
        }
        Err(self.name_error_in(frame, name))
    }

    pub fn load_namespace(&mut self, frame: &Frame, name: &str) -> PyResult<Value> {
        match frame.namespace() {
            Some(ClassBody::Names(namespace)) => {
                if let Some(value) = namespace.borrow().get(name) {
                    return Ok(value.clone());
                }
            }
            Some(ClassBody::Mapping(mapping)) => {
                let mapping = mapping.clone();
                if let Some(value) = self.namespace_item(&mapping, &Value::str(name))? {
                    return Ok(value);
                }
            }
            None => {}
        }
        self.load_global(frame, name)
    }

    /// `mapping[key]` of a class body's mapping, `None` for a `KeyError`
    /// (the name is then looked for among the globals).
    pub(super) fn namespace_item(
        &mut self,
        mapping: &Value,
        key: &Value,
    ) -> PyResult<Option<Value>> {
        if let Value::Dict(dict) = mapping {
            return self.dict_get(dict, key);
        }
        match self.get_item(mapping, key) {
            Ok(value) => Ok(Some(value)),
            Err(error) if self.is_instance_of(&error, ExcType::KeyError) => Ok(None),
            Err(error) => Err(error),
        }
    }

    pub fn name_error(&self, name: &str) -> PyErr {
        self.error(ExcType::NameError, format!("name '{name}' is not defined"))
    }

    fn unbound_local(&self, name: &str) -> PyErr {
        self.error(
            ExcType::UnboundLocalError,
            format!(
                "cannot access local variable '{name}' where it is not associated with a value"
            ),
        )
    }

    fn free_variable_error(&self, name: &str) -> PyErr {
        self.error(
            ExcType::NameError,
            format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"),
        )
    }

    /// `except* class`: whether the clause takes a part of the exception
    /// group in slot `rest` (which keeps what is left). The part becomes the
    /// exception handled in the clause, in place of the one before, as
    /// CPython's `CHECK_EG_MATCH` sets it.
    #[inline(never)]
    fn match_exception_star(
        &mut self,
        frame: &mut Frame,
        class: &Expr,
        rest: u32,
    ) -> PyResult<bool> {
        let class = self.eval(frame, class)?;
        let exception = frame.slots[rest as usize].clone().unwrap_or(Value::None);
        let (matched, left) = self.except_star_match(&exception, &class)?;
        let Some(Value::Instance(matched)) = matched else {
            return Ok(false);
        };
        frame.slots[rest as usize] = Some(left.unwrap_or(Value::None));
        if let Some(handled) = self.handled_exceptions.last_mut() {
            *handled = PyErr(matched);
        }
        Ok(true)
    }

    /// The end of the `except*` clauses: the handled exception is left,
    /// and what the clauses raised and none matched is raised again.
    #[inline(never)]
    fn end_except_star(
        &mut self,
        frame: &mut Frame,
        original: u32,
        rest: u32,
        raised: u32,
    ) -> PyResult<()> {
        let mut take = |slot: u32| frame.slots[slot as usize].take().unwrap_or(Value::None);
        let (original, rest, raised) = (take(original), take(rest), take(raised));
        let mut exceptions = match raised {
            Value::List(list) => list.borrow_mut().take(),
            _ => Vec::new(),
        };
        exceptions.push(rest);
        self.handled_exceptions.pop();
        match self.prep_reraise_star(&original, exceptions)? {
            Some(Value::Instance(again)) => Err(self.reraise(PyErr(again))),
            _ => Ok(()),
        }
    }

    /// Builds the exception a `raise` statement raises.
    fn raise(
        &mut self,
        frame: &mut Frame,
        exception: Option<&crate::compile::ir::Expr>,
        cause: Option<&crate::compile::ir::Expr>,
    ) -> PyResult<PyErr> {
        let Some(exception) = exception else {
            return Ok(match self.handled_exceptions.last() {
                Some(current) => self.reraise(current.clone()),
                None => self.error(ExcType::RuntimeError, "No active exception to reraise"),
            });
        };
        let value = self.eval(frame, exception)?;
        let error = self.make_exception(value)?;
        if let Some(cause) = cause {
            let cause = self.eval(frame, cause)?;
            let cause = match cause {
                Value::None => None,
                other => Some(
                    self.make_exception(other)
                        .map_err(|_| {
                            self.type_error("exception causes must derive from BaseException")
                        })?
                        .value(),
                ),
            };
            if let Some(data) = &error.0.exception {
                *data.cause.borrow_mut() = cause;
                data.suppress_context.set(true);
            }
        }
        // A `raise` points at itself, wherever the exception was placed
        // before (one caught by Rust code before its frame saw it).
        if let Some(data) = &error.0.exception {
            data.location.set(None);
        }
        Ok(self.with_context(error))
    }

    /// An exception instance from a `raise` operand: an instance, or a
    /// class to instantiate with no arguments.
    pub fn make_exception(&mut self, value: Value) -> PyResult<PyErr> {
        let base = self.types.exception(ExcType::BaseException).clone();
        match &value {
            Value::Instance(instance) if instance.exception.is_some() => {
                Ok(PyErr(instance.clone()))
            }
            Value::Type(class) if class.is_subclass_of(&base) => {
                let instance = self.call(&value, &[], &[])?;
                match instance {
                    Value::Instance(instance) if instance.exception.is_some() => {
                        Ok(PyErr(instance))
                    }
                    other => Err(self.type_error(format!(
                        "calling {} should have returned an instance of BaseException, not {}",
                        class.name,
                        self.type_name(&other)
                    ))),
                }
            }
            _ => Err(self.type_error("exceptions must derive from BaseException")),
        }
    }

    /// Notes that `error`, about to unwind the running frame, is raised
    /// again, not anew (see [`Interp::unwind`]).
    fn reraise(&mut self, error: PyErr) -> PyErr {
        self.reraising = true;
        error
    }

    /// Notes that `error`, about to unwind the running frame, was thrown
    /// into it (see [`Interp::unwind`]).
    #[cold]
    fn thrown_in(&mut self, error: PyErr) -> PyErr {
        self.thrown_in = Some(Rc::as_ptr(&error.0));
        error
    }

    /// Implicit chaining, as CPython's `_PyErr_SetObject` does it: an
    /// exception raised while another is handled gets that one as its
    /// `__context__` (replacing any it had), and a cycle the new link
    /// would close through the handled one's own chain is cut there.
    pub fn with_context(&self, error: PyErr) -> PyErr {
        let (Some(current), Some(data)) = (self.handled_exceptions.last(), &error.0.exception)
        else {
            return error;
        };
        if Rc::ptr_eq(&current.0, &error.0) {
            return error;
        }
        let context_of = |exception: &Instance| match &exception.exception {
            Some(data) => match &*data.context.borrow() {
                Some(Value::Instance(context)) => Some(context.clone()),
                _ => None,
            },
            None => None,
        };
        // Floyd's cycle detection, as CPython: a chain that loops already
        // is left as it is.
        let mut fast = current.0.clone();
        let mut slow = current.0.clone();
        let mut advance_slow = false;
        while let Some(context) = context_of(&fast) {
            if Rc::ptr_eq(&context, &error.0) {
                if let Some(data) = &fast.exception {
                    *data.context.borrow_mut() = None;
                }
                break;
            }
            fast = context;
            if advance_slow {
                slow = context_of(&slow).unwrap_or_else(|| fast.clone());
                if Rc::ptr_eq(&slow, &fast) {
                    break;
                }
            }
            advance_slow = !advance_slow;
        }
        *data.context.borrow_mut() = Some(current.value());
        error
    }
}

/// One step of an iterator driven by `yield from`/`await`.
pub enum GenStep {
    Yielded(Value),
    Returned(Value),
}

/// The next item of the iterator in a `for` loop's slot when it is a
/// `range`'s on machine words or a list's (`Some(None)` once it is
/// exhausted); `None` for any other iterator.
#[inline(always)]
fn loop_step(iterator: &Option<Value>) -> Option<Option<Value>> {
    match iterator {
        Some(Value::Native(object)) => match object.kind() {
            NativeKind::IntRange(range) => Some(range.step().map(Value::Int)),
            NativeKind::List(list) => Some(list.step()),
            _ => None,
        },
        _ => None,
    }
}

/// An exception leaves `frame`: its traceback line for the frame keeps
/// the frame's locals from now on, as CPython's traceback keeps the frame.
fn keep_locals(frame: &mut Frame, code: &Rc<Code>, error: &PyErr) {
    let Some(data) = &error.0.exception else {
        return;
    };
    if !frame.slots.iter().any(Option::is_some) {
        return;
    }
    let mut traceback = data.traceback.borrow_mut();
    // The frame's line is the last one: a re-raise added none of its own.
    if let Some(entry) = traceback
        .last_mut()
        .filter(|entry| Rc::ptr_eq(&entry.code, code))
    {
        entry.locals = Some(Rc::new(std::mem::take(&mut frame.slots)));
    }
}
