//! The interpreter's state: the builtin types, the loaded modules, the
//! output stream, and the recursion guard. Every runtime operation takes
//! `&mut Interp`.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use indexmap::IndexMap;

use super::error::{ExcType, PyErr, PyResult};
use super::object::{Class, ExceptionData, Instance, Layout, ModuleObject, NameMap, NativeObject};
use super::output::Output;
use super::value::{TupleItems, Value};
use crate::syntax::ast::Name;

/// The builtin classes that values of the core variants belong to.
pub struct Types {
    pub object: Rc<Class>,
    pub type_: Rc<Class>,
    pub none: Rc<Class>,
    pub not_implemented: Rc<Class>,
    pub ellipsis: Rc<Class>,
    pub bool_: Rc<Class>,
    pub int: Rc<Class>,
    pub float: Rc<Class>,
    pub str_: Rc<Class>,
    pub bytes: Rc<Class>,
    pub bytearray: Rc<Class>,
    pub list: Rc<Class>,
    pub tuple: Rc<Class>,
    pub dict: Rc<Class>,
    pub set: Rc<Class>,
    pub frozenset: Rc<Class>,
    pub range: Rc<Class>,
    pub slice: Rc<Class>,
    pub function: Rc<Class>,
    pub builtin_function: Rc<Class>,
    /// A builtin type's methods as the type holds them (`list.sort`,
    /// `int.__add__`), and the latter bound (`(1).__add__`).
    pub method_descriptor: Rc<Class>,
    pub wrapper_descriptor: Rc<Class>,
    pub method_wrapper: Rc<Class>,
    pub method: Rc<Class>,
    pub module: Rc<Class>,
    pub generator: Rc<Class>,
    pub coroutine: Rc<Class>,
    pub async_generator: Rc<Class>,
    /// Indexed by `ExcType as usize`.
    pub exceptions: Vec<Rc<Class>>,
}

impl Types {
    /// The class of a value of a built-in type: every value but an
    /// instance of a Python class, a native object and a dict of
    /// `collections` (`None`: they know their own, see `Interp::class_of`).
    pub fn of_builtin_value(&self, value: &Value) -> Option<&Rc<Class>> {
        Some(match value {
            Value::None => &self.none,
            Value::NotImplemented => &self.not_implemented,
            Value::Ellipsis => &self.ellipsis,
            Value::Bool(_) => &self.bool_,
            Value::Int(_) | Value::BigInt(_) => &self.int,
            Value::Float(_) => &self.float,
            Value::Str(_) => &self.str_,
            Value::Bytes(_) => &self.bytes,
            Value::ByteArray(_) => &self.bytearray,
            Value::List(_) => &self.list,
            Value::Tuple(_) => &self.tuple,
            Value::Dict(dict) if dict.borrow().flavor.is_some() => return None,
            Value::Dict(_) => &self.dict,
            Value::Set(_) => &self.set,
            Value::FrozenSet(_) => &self.frozenset,
            Value::Range(_) => &self.range,
            Value::Slice(_) => &self.slice,
            Value::Function(_) => &self.function,
            Value::Builtin(builtin) => self.builtin_class(builtin),
            Value::BoundMethod(method) => self.method_class(method),
            Value::Type(_) => &self.type_,
            Value::Module(_) => &self.module,
            Value::Generator(generator) => match generator.kind {
                super::generator::GeneratorKind::Generator => &self.generator,
                super::generator::GeneratorKind::Coroutine => &self.coroutine,
                super::generator::GeneratorKind::AsyncGenerator => &self.async_generator,
            },
            Value::Instance(_) | Value::Future(_) | Value::Native(_) => return None,
        })
    }
}

impl Types {
    pub fn exception(&self, kind: ExcType) -> &Rc<Class> {
        &self.exceptions[kind as usize]
    }

    // Out of line, as `method_class`: what reads a value's class on a hot
    // path (a method call's receiver) stays small.
    #[inline(never)]
    fn builtin_class(&self, builtin: &super::object::BuiltinFunction) -> &Rc<Class> {
        use super::object::BuiltinKind;
        match builtin.kind() {
            BuiltinKind::Function | BuiltinKind::BoundMethod | BuiltinKind::New(_) => {
                &self.builtin_function
            }
            BuiltinKind::PythonFunction(_) => &self.function,
            BuiltinKind::MethodDescriptor(_) => &self.method_descriptor,
            BuiltinKind::SlotWrapper(_) => &self.wrapper_descriptor,
            BuiltinKind::MethodWrapper => &self.method_wrapper,
        }
    }

    #[inline(never)]
    fn method_class(&self, method: &super::object::BoundMethod) -> &Rc<Class> {
        match method.function {
            // A builtin classmethod bound (`dict.fromkeys`).
            Value::Builtin(_) => &self.builtin_function,
            _ => &self.method,
        }
    }
}

pub fn new_class(name: &str, bases: Vec<Rc<Class>>, layout: Layout) -> Rc<Class> {
    let mro_tail = linearize(&bases).unwrap_or_default();
    Rc::new(Class::new(
        name.into(),
        "builtins".into(),
        bases,
        mro_tail,
        NameMap::default(),
        layout,
    ))
}

/// C3 linearization of the bases' MROs (the MRO after the class itself);
/// when no consistent order exists, the error lists the classes that
/// could not be placed, as CPython's message does.
pub fn linearize(bases: &[Rc<Class>]) -> Result<Vec<Rc<Class>>, Vec<Rc<Class>>> {
    // One base, as most classes have (and every built-in exception): its
    // MRO, which the merge below would copy entry by entry.
    if let [base] = bases {
        return Ok(base.mro().cloned().collect());
    }
    let mut sequences: Vec<Vec<Rc<Class>>> = bases
        .iter()
        .map(|base| base.mro().cloned().collect())
        .collect();
    sequences.push(bases.to_vec());
    let mut result = Vec::new();
    loop {
        sequences.retain(|seq| !seq.is_empty());
        if sequences.is_empty() {
            return Ok(result);
        }
        let found = sequences.iter().map(|seq| &seq[0]).find(|candidate| {
            !sequences
                .iter()
                .any(|seq| seq[1..].iter().any(|c| Rc::ptr_eq(c, candidate)))
        });
        let Some(head) = found else {
            let mut blocked: Vec<Rc<Class>> = Vec::new();
            for seq in &sequences {
                if !blocked.iter().any(|c| Rc::ptr_eq(c, &seq[0])) {
                    blocked.push(seq[0].clone());
                }
            }
            return Err(blocked);
        };
        let head = head.clone();
        for seq in &mut sequences {
            if Rc::ptr_eq(&seq[0], &head) {
                seq.remove(0);
            }
        }
        result.push(head);
    }
}

/// A Python frame that is running (see [`Interp::running`]).
pub struct RunningFrame {
    pub code: Rc<crate::compile::ir::Code>,
    /// The instruction its caller was at when it was entered.
    pub caller_pc: u32,
    /// `Interp::depth` when it was entered.
    pub depth: u32,
}

pub struct Interp {
    pub types: Types,
    pub builtins: Rc<ModuleObject>,
    /// `sys.modules`: every module imported so far, by name.
    pub modules: IndexMap<Name, Value>,
    /// The folder of the main script, where `import` looks for `NAME.pyl`.
    pub script_dir: Option<std::path::PathBuf>,
    /// What an untrusted script may touch (`--sandbox`).
    pub sandbox: Option<super::sandbox::Sandbox>,
    /// `--trace-tasks`: what the task trace remembers, when it is on.
    pub trace: Option<super::asyncio::trace::TaskTrace>,
    /// Files open for writing, flushed when the program ends.
    pub open_files: Vec<std::rc::Weak<super::files::TextFile>>,
    pub argv: Vec<String>,
    pub out: Output,
    /// Python frames currently active, the main module's included (the
    /// recursion guard counts these).
    pub depth: u32,
    /// The Python frames running, outermost first: what `logging` and
    /// `traceback` read (CPython's chain of frames, kept only as far as
    /// they need). Modules' frames always; functions' only once
    /// `tracks_frames` (set by importing either: pushing every call costs
    /// a call-heavy program some 10% of its instructions). Functions that
    /// were running when it was set are missing: a frame more than one
    /// deeper than the frame below it shows where.
    pub running: Vec<RunningFrame>,
    pub tracks_frames: bool,
    /// The instruction the innermost running frame is at.
    pub running_pc: u32,
    pub recursion_limit: u32,
    /// Native stack segments taken for deep recursion (see `Interp::with_stack`).
    pub stack_segments: u32,
    /// A native stack address above which the current segment has room
    /// to spare (`usize::MAX`: not known yet; see `Interp::with_stack`).
    pub stack_floor: usize,
    pub limits: super::limits::Limits,
    /// `sys.get_int_max_str_digits()` (0: no limit).
    pub int_max_str_digits: usize,
    /// The exception being handled (`sys.exc_info()`), for bare `raise` and
    /// for the implicit `__context__` of a new exception.
    pub handled_exceptions: Vec<PyErr>,
    /// The `random` module's generator; `None` until first used
    /// (`Interp::random_generator` seeds it from the OS then): most
    /// programs never draw a number.
    pub random: Option<Rc<super::modules::random::Generator>>,
    /// Containers being rendered by `repr`, to print a self-containing one as `[...]`.
    pub repr_stack: hashbrown::HashSet<usize>,
    pub clock: super::clock::Clock,
    /// Slot arrays of finished calls, reused by the next ones.
    pub slot_pool: crate::eval::frame::SlotPool,
    /// Where f-strings are built, then copied out at their exact size.
    pub fstring_buffer: String,
    /// The exception thrown into the frame that is about to unwind with
    /// it (`Frame::unwind` chains it as a throw, not as a raise).
    pub thrown_in: Option<*const super::object::Instance>,
    /// Whether the exception about to unwind the running frame is raised
    /// again (`Frame::unwind` adds no traceback line for it).
    pub reraising: bool,
    /// Whether what the running frame's `await` yields goes straight up to
    /// the running task: false while anything but a chain of awaits from
    /// a task's step resumes a coroutine (`send`, `next`, a `for` loop, a
    /// close), since that driver, not the task, gets what it yields. Only
    /// then may `await event.wait()` park the task on the event itself
    /// (`asyncio/locks.rs`). Coroutines run only in tasks or for such
    /// drivers, so no one need set it.
    pub awaits_reach_task: bool,
    /// The asyncio runtime, once `asyncio` is imported.
    pub asyncio: Option<Rc<super::asyncio::Runtime>>,
    /// The current `contextvars` context (`None`: an empty one not yet
    /// made), and whether the program imported `contextvars` — before
    /// that, tasks and callbacks need not capture the context.
    pub context: Option<Rc<super::modules::contextvars::Context>>,
    pub contexts_used: bool,
    /// Classes of objects implemented in Rust (`list_iterator`, `zip`, …),
    /// made on first use.
    native_classes: RefCell<hashbrown::HashMap<&'static str, Rc<Class>>>,
}

impl Interp {
    pub fn new(argv: Vec<String>) -> Interp {
        let types = create_types();
        let builtins = Rc::new(ModuleObject {
            name: "builtins".into(),
            namespace: Default::default(),
            from_source: false,
        });
        let mut interp = Interp {
            types,
            builtins,
            modules: IndexMap::new(),
            script_dir: None,
            sandbox: None,
            trace: None,
            open_files: Vec::new(),
            argv,
            out: Output::stdout(),
            // The main module's frame counts, as in CPython.
            depth: 1,
            running: Vec::new(),
            tracks_frames: false,
            running_pc: 0,
            recursion_limit: 1000,
            stack_segments: 0,
            stack_floor: usize::MAX,
            limits: Default::default(),
            int_max_str_digits: super::builtins::numbers::DEFAULT_MAX_STR_DIGITS,
            handled_exceptions: Vec::new(),
            random: None,
            repr_stack: Default::default(),
            clock: super::clock::Clock::real(),
            slot_pool: Default::default(),
            fstring_buffer: String::new(),
            thrown_in: None,
            reraising: false,
            awaits_reach_task: true,
            context: None,
            contexts_used: false,
            asyncio: None,
            native_classes: RefCell::default(),
        };
        super::builtins::install(&mut interp);
        super::finalize::accept(true);
        interp
    }

    /// The class named `name` for objects implemented in Rust, created on
    /// first use as a subclass of `object`. Such a class is made callable
    /// by giving it a `__new__` (see `builtins::add_method`).
    pub fn native_class(&self, name: &'static str) -> Rc<Class> {
        if let Some(class) = self.native_classes.borrow().get(name) {
            return class.clone();
        }
        self.native_classes
            .borrow_mut()
            .entry(name)
            .or_insert_with(|| new_class(name, vec![self.types.object.clone()], Layout::Builtin))
            .clone()
    }

    /// Defines the class `name` of the built-in module `module` (it prints
    /// as `<class 'module.name'>`) for objects implemented in Rust.
    pub fn define_module_class(&self, name: &'static str, module: &str) -> Rc<Class> {
        let bases = vec![self.types.object.clone()];
        self.define_class_in(name, name, module, bases, Layout::Builtin)
    }

    /// Defines a class for objects implemented in Rust that prints as
    /// `module.name`; `native_class(key)` finds it again (two classes may
    /// share a name: `sys.stdout`'s and `open()`'s `TextIOWrapper`).
    pub fn define_class_in(
        &self,
        key: &'static str,
        name: &'static str,
        module: &str,
        bases: Vec<Rc<Class>>,
        layout: Layout,
    ) -> Rc<Class> {
        let mro_tail = linearize(&bases).unwrap_or_default();
        let class = Rc::new(Class::new(
            name.into(),
            module.into(),
            bases,
            mro_tail,
            NameMap::default(),
            layout,
        ));
        self.native_classes.borrow_mut().insert(key, class.clone());
        class
    }

    /// The class of any value, as `type(value)` returns it.
    pub fn class_of(&self, value: &Value) -> Rc<Class> {
        match value {
            Value::Instance(instance) => instance.class.clone(),
            Value::Future(future) => future.class(self),
            Value::Native(object) => object.class(self),
            Value::Dict(dict) if let Some(class) = dict.borrow().flavor_class() => class.clone(),
            Value::Type(class) if let Some(metaclass) = &class.metaclass => metaclass.clone(),
            _ => self
                .types
                .of_builtin_value(value)
                .unwrap_or(&self.types.object)
                .clone(),
        }
    }

    /// The type's name as CPython's messages give it, its C `tp_name`:
    /// `type(value).__name__`, with the module for builtin types of other
    /// modules (`collections.deque`, `_asyncio.Task`) and for the classes
    /// bundled Python marks as standing for C types (`datetime.date`).
    pub fn type_name(&self, value: &Value) -> Name {
        self.class_type_name(&self.class_of(value))
    }

    /// A class's name as [`Interp::type_name`] gives it.
    pub fn class_type_name(&self, class: &Class) -> Name {
        // A C type's name is qualified by its module, as CPython's `tp_name`.
        if class.is_c_type.get() && &*class.module != "builtins" {
            format!("{}.{}", class.module, class.name).as_str().into()
        } else {
            class.name.clone()
        }
    }

    /// A type as CPython's argument checks name it (`None` for `NoneType`).
    pub fn argument_type_name(&self, value: &Value) -> Name {
        match value {
            Value::None => "None".into(),
            other => self.type_name(other),
        }
    }

    /// A new exception instance of a builtin class with the given args.
    pub fn new_exception(&self, kind: ExcType, args: Vec<Value>) -> PyErr {
        let class = self.types.exception(kind).clone();
        let exception = Rc::new(Instance::new(
            class,
            Some(ExceptionData {
                args: RefCell::new(Rc::new(TupleItems::from_vec(args))),
                ..ExceptionData::default()
            }),
        ));
        super::cycles::track_instance(&exception);
        PyErr(exception)
    }

    /// An exception of a builtin class with one string argument.
    pub fn error(&self, kind: ExcType, message: impl Into<String>) -> PyErr {
        self.new_exception(kind, vec![Value::str(message.into())])
    }

    pub fn type_error(&self, message: impl Into<String>) -> PyErr {
        self.error(ExcType::TypeError, message)
    }

    pub fn value_error(&self, message: impl Into<String>) -> PyErr {
        self.error(ExcType::ValueError, message)
    }

    pub fn index_error(&self, message: impl Into<String>) -> PyErr {
        self.error(ExcType::IndexError, message)
    }

    pub fn attribute_error(&self, message: impl Into<String>) -> PyErr {
        self.error(ExcType::AttributeError, message)
    }

    pub fn key_error(&self, key: Value) -> PyErr {
        self.new_exception(ExcType::KeyError, vec![key])
    }

    pub fn is_instance_of(&self, err: &PyErr, kind: ExcType) -> bool {
        err.0.class.is_subclass_of(self.types.exception(kind))
    }

    /// Writes everything buffered for stdout; errors (a closed pipe) are
    /// reported by the caller that decides the exit status.
    pub fn flush_stdout(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

fn create_types() -> Types {
    let object = new_class("object", vec![], Layout::Builtin);
    let builtin = |name: &str| new_class(name, vec![object.clone()], Layout::Builtin);
    let int = builtin("int");
    let mut exceptions: Vec<Rc<Class>> = Vec::with_capacity(ExcType::ALL.len());
    for &kind in ExcType::ALL {
        let bases = if kind == ExcType::BaseException {
            vec![object.clone()]
        } else if kind == ExcType::ExceptionGroup {
            vec![
                exceptions[ExcType::BaseExceptionGroup as usize].clone(),
                exceptions[ExcType::Exception as usize].clone(),
            ]
        } else {
            vec![exceptions[kind.base() as usize].clone()]
        };
        exceptions.push(new_class(kind.name(), bases, Layout::Exception));
    }
    Types {
        type_: new_class("type", vec![object.clone()], Layout::Type),
        none: builtin("NoneType"),
        not_implemented: builtin("NotImplementedType"),
        ellipsis: builtin("ellipsis"),
        bool_: new_class("bool", vec![int.clone()], Layout::Builtin),
        float: builtin("float"),
        str_: builtin("str"),
        bytes: builtin("bytes"),
        bytearray: builtin("bytearray"),
        list: builtin("list"),
        tuple: builtin("tuple"),
        dict: builtin("dict"),
        set: builtin("set"),
        frozenset: builtin("frozenset"),
        range: builtin("range"),
        slice: builtin("slice"),
        function: builtin("function"),
        builtin_function: builtin("builtin_function_or_method"),
        method_descriptor: builtin("method_descriptor"),
        wrapper_descriptor: builtin("wrapper_descriptor"),
        method_wrapper: builtin("method-wrapper"),
        method: builtin("method"),
        module: builtin("module"),
        generator: builtin("generator"),
        coroutine: builtin("coroutine"),
        async_generator: builtin("async_generator"),
        int,
        exceptions,
        object,
    }
}

impl Interp {
    /// The `random` module's generator, seeded from the OS the first time.
    pub fn random_generator(&mut self) -> Rc<super::modules::random::Generator> {
        self.random
            .get_or_insert_with(|| Rc::new(super::modules::random::Generator::from_entropy()))
            .clone()
    }
}

impl Drop for Interp {
    fn drop(&mut self) {
        super::finalize::accept(false);
        let _ = self.out.flush();
    }
}

/// Writes to the interpreter's stdout buffer.
impl Interp {
    /// `sys.displayhook`: the REPL prints an expression statement's value
    /// with `repr` and keeps it in `builtins._` (`None` is neither).
    pub fn display_hook(&mut self, value: Value) -> PyResult<()> {
        if value.is_none() {
            return Ok(());
        }
        let text = self.repr(&value)?;
        self.write_stdout(&text)?;
        self.write_stdout("\n")?;
        self.builtins
            .namespace
            .borrow_mut()
            .insert("_".into(), value);
        Ok(())
    }

    pub fn write_stdout(&mut self, text: &str) -> PyResult<()> {
        if self.has_pending_reports() {
            self.emit_warnings();
        }
        self.out
            .write_all(text.as_bytes())
            .map_err(|e| self.os_error(e))
    }

    /// Prints the warnings raised while values were dropped, after what is
    /// already on stdout.
    /// [`Interp::emit_warnings`] at the end of a program or REPL input:
    /// what no frame placed is placed at `sys:1`, as CPython does.
    pub fn emit_remaining_warnings(&mut self) {
        super::warnings::locate(None);
        self.emit_warnings();
    }

    pub fn emit_warnings(&mut self) {
        let warnings = super::warnings::take_pending();
        if !warnings.is_empty() {
            let _ = self.out.flush();
            for warning in warnings {
                eprintln!("{warning}");
            }
        }
        if super::asyncio::future::has_unretrieved() {
            super::asyncio::future::report_dropped_unretrieved(self);
        }
    }

    /// Whether values dropped since the last check left something to report.
    pub fn has_pending_reports(&self) -> bool {
        super::warnings::any_pending() || super::asyncio::future::has_unretrieved()
    }

    /// The `OSError` (subclass by error number, as CPython) for a failed
    /// system call.
    pub fn os_error(&self, error: std::io::Error) -> PyErr {
        let errno = error.raw_os_error().unwrap_or(0);
        let kind = super::exceptions::os_error_subclass(errno.into()).unwrap_or(ExcType::OSError);
        let text = error.to_string();
        let message = text.split(" (os error").next().unwrap_or(&text).to_string();
        self.new_exception(kind, vec![Value::Int(errno.into()), Value::str(message)])
    }

    /// [`Interp::os_error`] about the file `filename`.
    pub fn os_error_on(&self, error: std::io::Error, filename: Value) -> PyErr {
        self.os_error(error).with_field("filename", filename)
    }
}
