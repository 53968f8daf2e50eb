//! Finalization: what CPython does the moment an object's last reference
//! goes — closing a suspended generator or coroutine (`GeneratorExit` at
//! its `yield`, so that its `finally` blocks and `with` exits run), and
//! calling an instance's `__del__`.
//!
//! A value's `Drop` has no interpreter to run Python code with, so it
//! revives the object into this thread's queue and asks for a poll
//! ([`limits::poll_soon`]): the interpreter empties the queue before its
//! next instruction, and before calling a builtin (so that
//! `print(f())` prints what `f`'s dropped locals print first, as CPython).
//! A finalizer's exception is reported and ignored, as CPython's
//! "Exception ignored in" does.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::error::PyErr;
use super::generator::Generator;
use super::interp::Interp;
use super::limits;
use super::object::{Instance, ModuleObject};
use super::value::Value;
use crate::syntax::ast::Name;

/// An object whose last reference went, revived to be finalized.
pub enum Finalizable {
    /// Dropped while suspended inside a `try` or `with`.
    Generator(Generator),
    /// Its class has a `__del__`.
    Instance(Instance),
    /// Only cycles keep it alive, and its class has a `__del__` (see
    /// `runtime::cycles`).
    Unreachable(Rc<Instance>),
}

thread_local! {
    static QUEUE: RefCell<Vec<Finalizable>> = const { RefCell::new(Vec::new()) };
    /// Whether `QUEUE` has any (a `Cell<bool>`: see `ANY_PENDING_WARNINGS`).
    static PENDING: Cell<bool> = const { Cell::new(false) };
    /// Whether an interpreter will empty the queue: not while one is being
    /// dropped (its objects die with it, as CPython's at exit after the
    /// modules are cleared), nor once the thread's storage is going.
    static ACCEPTING: Cell<bool> = const { Cell::new(false) };
}

/// Queues `object` to be finalized by the interpreter; when none will, the
/// object just goes (revived objects are marked: they are not queued twice).
pub fn defer(object: Finalizable) {
    if !accepting() {
        return;
    }
    // Once the queue itself is being dropped (the thread ends), the object
    // goes with the closure.
    if QUEUE
        .try_with(|queue| queue.borrow_mut().push(object))
        .is_err()
    {
        return;
    }
    PENDING.set(true);
    limits::poll_soon();
}

#[inline(always)]
pub fn pending() -> bool {
    PENDING.get()
}

/// Whether an interpreter will finalize what is queued.
pub fn accepting() -> bool {
    ACCEPTING.try_with(Cell::get).unwrap_or(false)
}

/// Whether dropped objects are queued from now on: an interpreter is
/// running (true), or being dropped (false).
pub fn accept(accepting: bool) {
    ACCEPTING.set(accepting);
    if !accepting {
        PENDING.set(false);
        drop(QUEUE.with(|queue| std::mem::take(&mut *queue.borrow_mut())));
    }
}

impl Interp {
    /// Finalizes the objects dropped since the last time, and those their
    /// finalizers drop. A stopped program runs no more Python code (see
    /// `runtime::limits`): its objects just go.
    /// [`Interp::run_finalizers`] if anything was dropped since: before a
    /// builtin runs, a poll, a callback (a check of one flag).
    #[inline(always)]
    pub fn run_pending_finalizers(&mut self) {
        if pending() {
            self.run_finalizers();
        }
    }

    #[cold]
    #[inline(never)]
    pub fn run_finalizers(&mut self) {
        while PENDING.replace(false) {
            let queued = QUEUE.with(|queue| std::mem::take(&mut *queue.borrow_mut()));
            for object in queued {
                if self.limits.stopping().is_some() {
                    continue;
                }
                match object {
                    Finalizable::Generator(generator) => self.close_unraisably(&Rc::new(generator)),
                    Finalizable::Instance(instance) => self.call_del(&Rc::new(instance)),
                    Finalizable::Unreachable(instance) => self.call_del(&instance),
                }
            }
        }
    }

    /// Closes `generator`, reporting what it raises.
    pub fn close_unraisably(&mut self, generator: &Rc<Generator>) {
        if let Err(error) = super::generator::close(self, generator) {
            self.report_unraisable(&Value::Generator(generator.clone()), &error);
        }
    }

    fn call_del(&mut self, instance: &Rc<Instance>) {
        instance.finalized.set(true);
        let Some(del) = instance.class.lookup("__del__") else {
            return;
        };
        let receiver = Value::Instance(instance.clone());
        if let Err(error) = self.call_bound(&del, &receiver, &[], &[]) {
            self.report_unraisable(&del, &error);
        }
    }

    /// At exit, what CPython's shutdown does to the modules run from
    /// source (`__main__` and the imported `NAME.pyl`s). Cyclic garbage
    /// is collected (its `__del__` run) first. Then each module leaves
    /// `sys.modules` in the order it entered, `__main__` first: one that
    /// nothing else holds — no function of its own (whose globals it is),
    /// no other module's name — goes at once, its names released in the
    /// order they were bound; the rest wait for the collector, which
    /// finalizes what each one's names hold while the names are still
    /// there (in the order they were bound, here), and then the names go
    /// as before, module by module, in the same order.
    pub fn finalize_modules(&mut self) {
        if self.limits.stopping().is_some() {
            return;
        }
        self.run_finalizers();
        // What only cycles keep alive goes first, as CPython's collector
        // runs before the modules are cleared.
        super::cycles::collect();
        self.run_finalizers();
        let names: Vec<Name> = self
            .modules
            .iter()
            .filter(|(_, module)| matches!(module, Value::Module(module) if module.from_source))
            .map(|(name, _)| name.clone())
            .collect();
        let mut held = Vec::new();
        for name in names {
            let Some(Value::Module(module)) = self.modules.shift_remove(&name) else {
                continue;
            };
            if Rc::strong_count(&module) == 1 {
                self.release_names(&module);
            } else {
                held.push(module);
            }
        }
        for module in &held {
            self.finalize_held_names(module);
            self.release_names(module);
        }
        // And what the names alone kept in cycles.
        super::cycles::collect();
        self.run_finalizers();
    }

    /// What the collector does first to a module in a cycle: the
    /// instances and generators its names hold are finalized, whole.
    fn finalize_held_names(&mut self, module: &ModuleObject) {
        let values: Vec<Value> = module.namespace.borrow().values().cloned().collect();
        for value in &values {
            match value {
                Value::Instance(instance)
                    if !instance.finalized.get() && instance.class.has_finalizer() =>
                {
                    self.call_del(instance)
                }
                Value::Generator(generator) if generator.closes_when_dropped() => {
                    self.close_unraisably(generator)
                }
                _ => {}
            }
            self.run_finalizers();
        }
    }

    /// Removes a module's names first to last, finalizing what each alone
    /// held as it goes (a dict's deallocation, in CPython).
    fn release_names(&mut self, module: &ModuleObject) {
        loop {
            let first = module.namespace.borrow_mut().shift_remove_index(0);
            if first.is_none() {
                break;
            }
            drop(first);
            self.run_finalizers();
        }
    }

    /// CPython's `sys.unraisablehook`: an exception nothing can catch,
    /// raised by a finalizer of `object`.
    pub fn report_unraisable(&mut self, object: &Value, error: &PyErr) {
        let described = self
            .repr(object)
            .unwrap_or_else(|_| format!("<{} object>", self.type_name(object)));
        let _ = self.flush_stdout();
        eprintln!("Exception ignored in: {described}");
        crate::diagnostics::report_exception_alone(self, error);
    }
}
