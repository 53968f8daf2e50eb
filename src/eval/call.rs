//! Calling: binding arguments to parameters, running function frames,
//! making generators and coroutines, instantiating classes.

use std::cell::RefCell;
use std::rc::Rc;

use super::frame::{Frame, Outcome};
use crate::compile::ir::{Flavor, Origin};
use crate::runtime::builtins::object;
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::generator::{Generator, GeneratorKind};
use crate::runtime::getset::GetSet;
use crate::runtime::interp::{linearize, Interp};
use crate::runtime::object::{BoundMethod, Class, Function, Instance, Layout, NameMap};
use crate::runtime::slots::is_member;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

/// Native stack taken at a time when deep recursion needs more.
pub const STACK_SEGMENT: usize = 4 * 1024 * 1024;

impl Interp {
    /// Calls any callable value.
    pub fn call(
        &mut self,
        callable: &Value,
        args: &[Value],
        kwargs: &[(Name, Value)],
    ) -> PyResult<Value> {
        match callable {
            Value::Function(function) => self.call_function(function, args, kwargs),
            Value::Builtin(builtin) => match &builtin.receiver {
                None => (builtin.func)(self, args, kwargs),
                Some(receiver) => {
                    let mut full = Vec::with_capacity(args.len() + 1);
                    full.push(receiver.clone());
                    full.extend_from_slice(args);
                    (builtin.func)(self, &full, kwargs)
                }
            },
            Value::BoundMethod(method) => {
                let mut full = Vec::with_capacity(args.len() + 1);
                full.push(method.receiver.clone());
                full.extend_from_slice(args);
                self.call(&method.function, &full, kwargs)
            }
            Value::Type(class) => self.instantiate(class, args, kwargs),
            _ => {
                if let Value::Instance(_) | Value::Future(_) | Value::Native(_) = callable {
                    if let Some(call) = self.lookup_special(callable, "__call__") {
                        return self.call_bound(&call, callable, args, kwargs);
                    }
                }
                Err(self.type_error(format!(
                    "'{}' object is not callable",
                    self.type_name(callable)
                )))
            }
        }
    }

    /// `receiver.name(*args)`, looking the method up as Python code would.
    pub fn call_method(&mut self, receiver: &Value, name: &str, args: &[Value]) -> PyResult<Value> {
        let method = self.get_attr(receiver, name)?;
        self.call(&method, args, &[])
    }

    /// Calls a class attribute as a method of `receiver`.
    pub fn call_bound(
        &mut self,
        function: &Value,
        receiver: &Value,
        args: &[Value],
        kwargs: &[(Name, Value)],
    ) -> PyResult<Value> {
        // A class is no descriptor: as a method it is called as it is
        // (`__call__ = dict` in a metaclass).
        if let Value::Type(_) = function {
            return self.call(function, args, kwargs);
        }
        let mut full = Vec::with_capacity(args.len() + 1);
        full.push(receiver.clone());
        full.extend_from_slice(args);
        self.call(function, &full, kwargs)
    }

    /// Looks a special method up on the value's class (never the instance),
    /// as CPython does for dunder methods.
    pub fn lookup_special(&self, value: &Value, name: &str) -> Option<Value> {
        self.class_of(value).lookup(name)
    }

    /// `GET_AITER`: what `type(iterable).__aiter__` returns, which must
    /// have an `__anext__`; for `async for`, or (`for_builtin`) `aiter()`,
    /// whose messages differ.
    pub fn async_iterator(&mut self, iterable: &Value, for_builtin: bool) -> PyResult<Value> {
        let Some(method) = self.lookup_special(iterable, "__aiter__") else {
            return Err(if for_builtin {
                self.type_error(format!(
                    "'{}' object is not an async iterable",
                    self.type_name(iterable)
                ))
            } else {
                self.missing_special(iterable, "__aiter__")
            });
        };
        let iterator = self.call_bound(&method, iterable, &[], &[])?;
        if self.lookup_special(&iterator, "__anext__").is_none() {
            return Err(if for_builtin {
                self.type_error(format!(
                    "aiter() returned not an async iterator of type '{}'",
                    self.type_name(&iterator)
                ))
            } else {
                self.missing_special(&iterator, "__anext__")
            });
        }
        Ok(iterator)
    }

    /// The TypeError for a missing special method.
    pub fn missing_special(&self, value: &Value, name: &str) -> crate::runtime::error::PyErr {
        let type_name = self.type_name(value);
        let message = match name {
            "__enter__" => format!("'{type_name}' object does not support the context manager protocol"),
            "__exit__" => format!(
                "'{type_name}' object does not support the context manager protocol (missed __exit__ method)"
            ),
            "__aenter__" => {
                format!("'{type_name}' object does not support the asynchronous context manager protocol")
            }
            "__aexit__" => format!(
                "'{type_name}' object does not support the asynchronous context manager protocol (missed __aexit__ method)"
            ),
            "__aiter__" => {
                format!("'async for' requires an object with __aiter__ method, got {type_name}")
            }
            "__anext__" => format!(
                "'async for' received an object from __aiter__ that does not implement __anext__: {type_name}"
            ),
            _ => format!("'{type_name}' object has no attribute '{name}'"),
        };
        self.type_error(message)
    }

    /// Runs `body` as one more nested Python activation (a call, a
    /// generator step, a class body, a `repr`): `RecursionError` past the
    /// recursion limit.
    // Inlined: every Python call passes here, and left to the compiler it
    // is a call on some paths (a method's: 28 instructions a call).
    #[inline(always)]
    pub fn nested<T>(&mut self, body: impl FnOnce(&mut Self) -> PyResult<T>) -> PyResult<T> {
        self.nested_in("", body)
    }

    /// [`Interp::nested`] for a recursive operation on values (comparing or
    /// printing nested containers), whose `RecursionError` says what it was
    /// doing, as CPython's does (`" in comparison"`).
    #[inline(always)]
    pub fn nested_in<T>(
        &mut self,
        context: &'static str,
        body: impl FnOnce(&mut Self) -> PyResult<T>,
    ) -> PyResult<T> {
        if self.depth >= self.recursion_limit {
            return Err(self.recursion_error(context));
        }
        self.depth += 1;
        let result = self.with_stack(context, body);
        self.depth -= 1;
        result
    }

    /// Runs `body` with native stack to run on. The evaluator recurses on
    /// the Rust stack, so deep recursion grows it in segments, up to a
    /// ceiling that a raised `sys.setrecursionlimit` cannot lift: past it,
    /// `RecursionError`, never a stack overflow or an unbounded allocation.
    /// (Hashing a nested tuple has no recursion limit in CPython, only this.)
    /// Inlined: the common case is a comparison; the rest is out of line.
    #[inline(always)]
    pub fn with_stack<T>(
        &mut self,
        context: &'static str,
        body: impl FnOnce(&mut Self) -> PyResult<T>,
    ) -> PyResult<T> {
        // Asking `stacker` costs a thread-local read and a call on every
        // Python call; the room it reports holds until the stack is deeper
        // than it was then, so a comparison answers most calls.
        let marker = 0u8;
        let here = std::ptr::addr_of!(marker) as usize;
        if here >= self.stack_floor {
            return body(self);
        }
        self.with_more_stack(context, here, body)
    }

    /// [`Interp::with_stack`] below the floor last measured: measure the
    /// room again, or take a new segment.
    #[inline(never)]
    fn with_more_stack<T>(
        &mut self,
        context: &'static str,
        here: usize,
        body: impl FnOnce(&mut Self) -> PyResult<T>,
    ) -> PyResult<T> {
        /// Room left on the current segment below which a new one is taken.
        const RED_ZONE: usize = 256 * 1024;
        /// With the interpreter thread's own 64 MiB, 512 MiB of native stack:
        /// some 170 000 nested Python calls (CPython 3.11 runs 100 000 when
        /// the limit allows; much deeper and it exhausts memory).
        const MAX_SEGMENTS: u32 = 112;
        match stacker::remaining_stack() {
            Some(room) if room >= RED_ZONE => {
                self.stack_floor = here - room + RED_ZONE;
                body(self)
            }
            _ if self.stack_segments >= MAX_SEGMENTS => Err(self.recursion_error(context)),
            // Under a memory limit, the stack counts as memory.
            _ if self
                .limits
                .exceeds_memory_with_stack(self.stack_segments as usize + 1, STACK_SEGMENT) =>
            {
                Err(self.stop_for(crate::runtime::limits::Exceeded::Memory))
            }
            _ => {
                self.stack_segments += 1;
                // The new segment's floor is found on its first call.
                let floor = std::mem::replace(&mut self.stack_floor, usize::MAX);
                let result = stacker::grow(STACK_SEGMENT, || body(self));
                self.stack_floor = floor;
                self.stack_segments -= 1;
                result
            }
        }
    }

    fn recursion_error(&self, context: &str) -> crate::runtime::error::PyErr {
        self.error(
            ExcType::RecursionError,
            format!("maximum recursion depth exceeded{context}"),
        )
    }

    pub fn call_function(
        &mut self,
        function: &Rc<Function>,
        args: &[Value],
        kwargs: &[(Name, Value)],
    ) -> PyResult<Value> {
        let mut frame = self.new_frame(function.code.clone(), function.globals.clone());
        self.bind_arguments(function, &mut frame.slots, args, kwargs)?;
        self.start_function(function, frame)
    }

    /// A frame for `code`, its slot vector reused from a finished call.
    #[inline(always)]
    pub fn new_frame(
        &mut self,
        code: Rc<crate::compile::ir::Code>,
        globals: Rc<crate::runtime::object::ModuleObject>,
    ) -> Frame {
        let slots = self.slot_pool.take(code.slot_count as usize);
        Frame::with_slots(code, globals, slots)
    }

    /// Whether `count` plain positional arguments, with the function's
    /// defaults for the rest, fill its parameters — so that they can go
    /// straight into its slots ([`Interp::fill_defaults`] completes them).
    #[inline(always)]
    pub fn fills_directly(function: &Function, count: usize) -> bool {
        let signature = &function.code.signature;
        let positional = signature.positional.len();
        count <= positional
            && count + function.defaults.len() >= positional
            && !signature.has_varargs
            && !signature.has_varkw
            && function.kw_defaults.iter().all(Option::is_some)
    }

    /// Puts the defaults into the parameter slots after the first `given`
    /// (a call that [`Interp::fills_directly`]).
    pub fn fill_defaults(function: &Function, slots: &mut [Option<Value>], given: usize) {
        let positional = function.code.signature.positional.len();
        let first_default = positional - function.defaults.len();
        for (i, slot) in slots.iter_mut().enumerate().take(positional).skip(given) {
            *slot = Some(function.defaults[i - first_default].clone());
        }
        for (slot, default) in slots[positional..].iter_mut().zip(&function.kw_defaults) {
            *slot = default.clone();
        }
    }

    /// Runs a function on a frame whose parameters are bound: a plain
    /// function to its return, a generator or coroutine function to the
    /// object that will run it.
    #[inline(always)]
    pub fn start_function(&mut self, function: &Rc<Function>, mut frame: Frame) -> PyResult<Value> {
        if function.code.flavor == Flavor::Plain {
            let result = self.run_plain_function(function, &mut frame);
            frame.finish(&mut self.slot_pool);
            return result;
        }
        Ok(self.start_generator(function, Box::new(frame)))
    }

    /// [`Interp::start_function`] for a generator, coroutine or async
    /// generator function: the object that will run the frame.
    pub fn start_generator(&mut self, function: &Rc<Function>, mut frame: Box<Frame>) -> Value {
        Self::enter_function(function, &mut frame);
        let kind = match function.code.flavor {
            Flavor::Coroutine => GeneratorKind::Coroutine,
            Flavor::AsyncGenerator => GeneratorKind::AsyncGenerator,
            // A plain function's frame never comes here (`start_function`).
            Flavor::Generator | Flavor::Plain => GeneratorKind::Generator,
        };
        Value::Generator(Rc::new(Generator::new(
            kind,
            frame,
            &function.name.borrow(),
            &function.qualname.borrow(),
        )))
    }

    /// [`Interp::start_function`] for a plain function, on a frame the
    /// caller keeps, and takes apart after ([`Frame::finish`]): passed by
    /// reference, it is not copied on the way.
    #[inline(always)]
    pub fn run_plain_function(
        &mut self,
        function: &Rc<Function>,
        frame: &mut Frame,
    ) -> PyResult<Value> {
        Self::enter_function(function, frame);
        self.run_function(frame)
    }

    /// Gives a frame its function's closure cells, its parameters' cells,
    /// and, for `super()`, the function itself.
    #[inline(always)]
    pub(super) fn enter_function(function: &Rc<Function>, frame: &mut Frame) {
        if !function.closure.is_empty() {
            frame.add_closure(function.closure.iter().cloned());
        }
        for &(slot, cell) in &function.code.parameter_cells {
            *frame.cells()[cell as usize].borrow_mut() = frame.slots[slot as usize].clone();
        }
        if function.code.mentions_super {
            frame.set_function(function.clone());
        }
    }

    /// Runs a plain function's frame to its return.
    #[inline(always)]
    pub(super) fn run_function(&mut self, frame: &mut Frame) -> PyResult<Value> {
        match self.nested(|this| this.run_frame(frame, None))? {
            Outcome::Return(value) | Outcome::Yield(value) => Ok(value),
        }
    }

    /// Puts the call's arguments into the parameter slots, with CPython's
    /// errors for every mismatch.
    fn bind_arguments(
        &self,
        function: &Function,
        slots: &mut [Option<Value>],
        args: &[Value],
        kwargs: &[(Name, Value)],
    ) -> PyResult<()> {
        let signature = &function.code.signature;
        let name = function.qualname.borrow().clone();
        let positional_count = signature.positional.len();
        let given = args.len();
        for (slot, value) in slots.iter_mut().zip(args.iter().take(positional_count)) {
            *slot = Some(value.clone());
        }
        let varargs_slot = positional_count;
        if signature.has_varargs {
            let extra = args.get(positional_count..).unwrap_or_default().to_vec();
            slots[varargs_slot] = Some(Value::tuple(extra));
        }
        let kwonly_start = positional_count + signature.has_varargs as usize;
        let varkw_slot = kwonly_start + signature.kwonly.len();
        let mut extra_kwargs: Vec<(Name, Value)> = Vec::new();
        let mut positional_only_as_keyword = Vec::new();
        for (key, value) in kwargs {
            let position = signature.positional.iter().position(|p| p == key);
            let slot = match position {
                Some(i) if i >= signature.posonly_count => Some(i),
                Some(_) => {
                    if signature.has_varkw {
                        None
                    } else {
                        positional_only_as_keyword.push(key.clone());
                        continue;
                    }
                }
                None => signature
                    .kwonly
                    .iter()
                    .position(|p| p == key)
                    .map(|i| kwonly_start + i),
            };
            match slot {
                Some(slot) => {
                    if slots[slot].is_some() {
                        return Err(self.type_error(format!(
                            "{name}() got multiple values for argument '{key}'"
                        )));
                    }
                    slots[slot] = Some(value.clone());
                }
                None if signature.has_varkw => extra_kwargs.push((key.clone(), value.clone())),
                None if takes_no_arguments_in_c(function) => {
                    return Err(self.type_error(format!("{name}() takes no keyword arguments")));
                }
                None => {
                    return Err(self.type_error(format!(
                        "{name}() got an unexpected keyword argument '{key}'"
                    )));
                }
            }
        }
        if !positional_only_as_keyword.is_empty() {
            let names = positional_only_as_keyword
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(self.type_error(format!(
                "{name}() got some positional-only arguments passed as keyword arguments: '{names}'"
            )));
        }
        // As CPython's `initialize_locals`, the keywords are checked before
        // the count of positional arguments: `f(1, k=2)` of `def f()` names
        // the unexpected keyword.
        if !signature.has_varargs && given > positional_count {
            if takes_no_arguments_in_c(function) {
                return Err(
                    self.type_error(format!("{name}() takes no arguments ({} given)", given - 1))
                );
            }
            let min = positional_count - function.defaults.len();
            let takes = if min == positional_count {
                format!(
                    "{positional_count} positional argument{}",
                    plural(positional_count)
                )
            } else {
                format!("from {min} to {positional_count} positional arguments")
            };
            let kw_given = kwargs
                .iter()
                .filter(|(k, _)| signature.kwonly.iter().any(|n| n == k))
                .count();
            let was = if given == 1 && kw_given == 0 {
                "was"
            } else {
                "were"
            };
            let given_text = if kw_given > 0 {
                format!(
                    "{given} positional argument{} (and {kw_given} keyword-only argument{})",
                    plural(given),
                    plural(kw_given)
                )
            } else {
                format!("{given}")
            };
            return Err(self.type_error(format!(
                "{name}() takes {takes} but {given_text} {was} given"
            )));
        }
        // Defaults, then what is still missing.
        let first_default = positional_count - function.defaults.len();
        let mut missing = Vec::new();
        for (i, slot) in slots.iter_mut().enumerate().take(positional_count) {
            if slot.is_none() {
                if i >= first_default {
                    *slot = Some(function.defaults[i - first_default].clone());
                } else {
                    missing.push(signature.positional[i].clone());
                }
            }
        }
        if !missing.is_empty() {
            return Err(self.type_error(missing_positional(&name, &missing)));
        }
        for (i, kw) in signature.kwonly.iter().enumerate() {
            let slot = kwonly_start + i;
            if slots[slot].is_none() {
                match function.kw_defaults.get(i).cloned().flatten() {
                    Some(default) => slots[slot] = Some(default),
                    None => missing.push(kw.clone()),
                }
            }
        }
        if !missing.is_empty() {
            return Err(self.type_error(format!(
                "{name}() missing {} required keyword-only argument{}: {}",
                missing.len(),
                plural(missing.len()),
                quoted_list(&missing)
            )));
        }
        if signature.has_varkw {
            let mut dict = crate::runtime::dict::Dict::new();
            for (key, value) in extra_kwargs {
                let key = Value::str(&*key);
                let hash = crate::runtime::ops::str_hash(key.as_str().unwrap_or_default());
                dict.push(hash, key, value);
            }
            slots[varkw_slot] = Some(Value::dict(RefCell::new(dict)));
        }
        Ok(())
    }

    /// `cls(*args, **kwargs)`: the `__call__` of `cls`'s metaclass, when
    /// it has one of its own; else [`Interp::construct`].
    pub fn instantiate(
        &mut self,
        class: &Rc<Class>,
        args: &[Value],
        kwargs: &[(Name, Value)],
    ) -> PyResult<Value> {
        if class.metaclass.is_some() {
            if let Some(call) = self.metaclass_method(class, "__call__") {
                return self.call_bound(&call, &Value::Type(class.clone()), args, kwargs);
            }
        }
        self.construct(class, args, kwargs)
    }

    /// `type.__call__(cls, *args, **kwargs)`: `__new__` then `__init__`.
    pub fn construct(
        &mut self,
        class: &Rc<Class>,
        args: &[Value],
        kwargs: &[(Name, Value)],
    ) -> PyResult<Value> {
        if class.layout == Layout::Type {
            return self.construct_class(class, args, kwargs);
        }
        // `object.__new__` and `object.__init__` are what runs when
        // the class has neither: no call.
        let new = object::own_new(class);
        let instance = match &new {
            Some(new @ Value::Function(_)) => {
                let mut full = vec![Value::Type(class.clone())];
                full.extend_from_slice(args);
                self.call(new, &full, kwargs)?
            }
            Some(Value::Builtin(builtin)) if class.layout == Layout::Builtin => {
                let mut full = vec![Value::Type(class.clone())];
                full.extend_from_slice(args);
                return (builtin.func)(self, &full, kwargs);
            }
            // An exception class's, or a builtin type's for its subclass.
            Some(Value::Builtin(builtin)) => {
                let mut full = vec![Value::Type(class.clone())];
                full.extend_from_slice(args);
                (builtin.func)(self, &full, kwargs)?
            }
            None if class.layout == Layout::Builtin && !Rc::ptr_eq(class, &self.types.object) => {
                return self.instance_of_builtin_without_new(class, args, kwargs)
            }
            _ if class.is_abstract.get() => return Err(object::abstract_class_error(self, class)),
            _ => self.new_instance(class, args),
        };
        if !self.is_instance(&instance, class) {
            return Ok(instance);
        }
        // The `__init__` of the class `__new__` made an instance of,
        // perhaps a subclass.
        let made = self.class_of(&instance);
        match object::own_init(&made) {
            None => {
                if (!args.is_empty() || !kwargs.is_empty()) && new.is_none() {
                    return Err(self.type_error(format!("{}() takes no arguments", made.name)));
                }
            }
            Some(init) => {
                let result = self.call_bound(&init, &instance, args, kwargs)?;
                self.check_init_result(&result)?;
            }
        }
        Ok(instance)
    }

    /// What an `__init__` returned, which must be `None`.
    pub fn check_init_result(&self, result: &Value) -> PyResult<()> {
        if result.is_none() {
            return Ok(());
        }
        Err(self.type_error(format!(
            "__init__() should return None, not '{}'",
            self.type_name(result)
        )))
    }

    /// A builtin type with no `__new__` of its own makes no instances,
    /// but for the singletons, as CPython's `NoneType()` returns `None`.
    fn instance_of_builtin_without_new(
        &mut self,
        class: &Rc<Class>,
        args: &[Value],
        kwargs: &[(Name, Value)],
    ) -> PyResult<Value> {
        let types = &self.types;
        let singleton = [
            (&types.none, Value::None, "NoneType"),
            (&types.ellipsis, Value::Ellipsis, "EllipsisType"),
            (
                &types.not_implemented,
                Value::NotImplemented,
                "NotImplementedType",
            ),
        ]
        .into_iter()
        .find(|(singleton_class, _, _)| Rc::ptr_eq(singleton_class, class));
        match singleton {
            Some((_, value, _)) if args.is_empty() && kwargs.is_empty() => Ok(value),
            Some((_, _, name)) => Err(self.type_error(format!("{name} takes no arguments"))),
            None => {
                let name = match class.is_c_type.get() {
                    true => self.class_type_name(class).to_string(),
                    false => self.qualname_of(class),
                };
                Err(self.type_error(format!("cannot create '{name}' instances")))
            }
        }
    }

    /// A bare instance of a user or exception class.
    pub fn new_instance(&self, class: &Rc<Class>, args: &[Value]) -> Value {
        let exception =
            (class.layout == Layout::Exception).then(|| crate::runtime::object::ExceptionData {
                args: RefCell::new(Rc::new(args.iter().cloned().collect())),
                ..Default::default()
            });
        let instance = Rc::new(Instance::new(class.clone(), exception));
        crate::runtime::cycles::track_instance(&instance);
        Value::Instance(instance)
    }

    /// Makes a class from a finished class body: `type.__new__`, with
    /// the metaclass it was chosen to be (`None`: `type`).
    pub fn create_class(
        &mut self,
        name: &Name,
        bases: Vec<Value>,
        namespace: NameMap,
        keywords: &[(Name, Value)],
        metaclass: Option<Rc<Class>>,
    ) -> PyResult<Value> {
        let mut base_classes = Vec::new();
        for base in &bases {
            match base {
                Value::Type(class) => base_classes.push(class.clone()),
                other => {
                    return Err(self.type_error(format!(
                        "bases must be types, not {}",
                        self.type_name(other)
                    )))
                }
            }
        }
        for (i, base) in base_classes.iter().enumerate() {
            if base_classes[..i]
                .iter()
                .any(|earlier| Rc::ptr_eq(earlier, base))
            {
                return Err(self.type_error(format!("duplicate base class {}", base.name)));
            }
        }
        if base_classes.is_empty() {
            base_classes.push(self.types.object.clone());
        }
        for base in &base_classes {
            self.check_subclassable(base)?;
        }
        let mut namespace = namespace;
        let (layout, getsets) = if base_classes.iter().any(|base| base.layout == Layout::Type) {
            (
                self.metaclass_layout(&base_classes, &namespace)?,
                Vec::new(),
            )
        } else {
            self.slotted_layout(name, &base_classes, &mut namespace)?
        };
        // Class methods without saying so, as in CPython.
        for name in ["__init_subclass__", "__class_getitem__"] {
            if let Some(function @ Value::Function(_)) = namespace.get_mut(name) {
                let wrapper = crate::runtime::attributes::MethodWrapper {
                    function: function.clone(),
                    is_classmethod: true,
                };
                *function = Value::native(Rc::new(wrapper));
            }
        }
        let mro_tail = match linearize(&base_classes) {
            Ok(mro_tail) => mro_tail,
            Err(blocked) => {
                let names = blocked
                    .iter()
                    .map(|b| b.name.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(self.type_error(format!(
                    "Cannot create a consistent method resolution\norder (MRO) for bases {names}"
                )));
            }
        };
        let module: Name = match namespace.get("__module__") {
            Some(Value::Str(module)) => module.as_str().into(),
            _ => "__main__".into(),
        };
        let qualname: Name = match namespace.shift_remove("__qualname__") {
            Some(Value::Str(qualname)) => qualname.as_str().into(),
            Some(other) => {
                return Err(self.type_error(format!(
                    "type __qualname__ must be a str, not {}",
                    self.type_name(&other)
                )))
            }
            None => name.clone(),
        };
        let class = Rc::new_cyclic(|this| {
            // In CPython's order: the body's names and slots, then the
            // getsets, then what the body lacked of these two.
            let getsets = getsets.iter().map(|&kind| GetSet::entry(kind, this, name));
            namespace.extend(getsets);
            // Every class has a `__doc__` of its own, so that a base's
            // docstring is not inherited (CPython's `type_new_set_doc`).
            if !namespace.contains_key("__doc__") {
                namespace.insert("__doc__".into(), Value::None);
            }
            // A class that defines __eq__ but not __hash__ is unhashable.
            if namespace.contains_key("__eq__") && !namespace.contains_key("__hash__") {
                namespace.insert("__hash__".into(), Value::None);
            }
            let mut class = Class::new(
                name.clone(),
                module,
                base_classes,
                mro_tail,
                namespace,
                layout,
            );
            class.metaclass = metaclass;
            class.has_slots = (class.mro_tail.iter().any(|base| base.has_slots))
                || class.namespace.borrow().values().any(is_member);
            class
        });
        for base in &class.bases {
            base.add_subclass(&class);
        }
        class.qualname.replace(qualname);
        for value in class.namespace.borrow().values() {
            if let Some(function) = self.underlying_function(value) {
                *function.defining_class.borrow_mut() = Some(class.clone());
            }
        }
        self.set_names(&class)?;
        self.init_subclass(&class, keywords)?;
        Ok(Value::Type(class))
    }

    /// A builtin type as a base: those whose values pyl's instances can
    /// be (`Instance::builtin`), not those CPython refuses, and a
    /// NotImplementedError for the rest.
    fn check_subclassable(&self, base: &Rc<Class>) -> PyResult<()> {
        if base.layout != Layout::Builtin {
            return Ok(());
        }
        let types = &self.types;
        let subclassable = [
            &types.object,
            &types.int,
            &types.float,
            &types.str_,
            &types.bytes,
            &types.bytearray,
            &types.list,
            &types.tuple,
            &types.dict,
            &types.set,
            &types.frozenset,
        ];
        if subclassable.iter().any(|class| Rc::ptr_eq(class, base)) {
            return Ok(());
        }
        let collections_class = base.module.as_ref() == "collections"
            && (&*base.name == "deque"
                || crate::runtime::modules::collections::DICT_CLASSES.contains(&&*base.name));
        if collections_class {
            return Ok(());
        }
        // CPython's types without `Py_TPFLAGS_BASETYPE`, among pyl's.
        let final_types = [
            &types.bool_,
            &types.none,
            &types.not_implemented,
            &types.ellipsis,
            &types.range,
            &types.slice,
            &types.function,
            &types.builtin_function,
            &types.method,
            &types.generator,
            &types.coroutine,
            &types.async_generator,
        ];
        let is_final = final_types.iter().any(|class| Rc::ptr_eq(class, base))
            || matches!(base.module.as_ref(), "_contextvars" | "re" | "_sre")
            || (base.module.as_ref() == "builtins"
                && (base.name.ends_with("iterator")
                    || base.name.starts_with("dict_")
                    || base.name.starts_with("builtin_")));
        if is_final {
            return Err(self.type_error(format!(
                "type '{}' is not an acceptable base type",
                self.class_type_name(base)
            )));
        }
        Err(self.error(
            ExcType::NotImplementedError,
            format!(
                "subclassing the builtin type '{}' is not supported by pyl",
                base.name
            ),
        ))
    }

    /// The layout of a metaclass (a class deriving from `type`), whose
    /// instances are classes: no base may lay its instances out otherwise.
    fn metaclass_layout(&self, bases: &[Rc<Class>], namespace: &NameMap) -> PyResult<Layout> {
        if bases.iter().any(|base| {
            matches!(base.layout, Layout::Exception | Layout::Slotted)
                || base.builtin_base().is_some()
        }) {
            return Err(self.type_error("multiple bases have instance lay-out conflict"));
        }
        let has_slots = match namespace.get("__slots__") {
            None => false,
            Some(Value::Tuple(names)) => !names.is_empty(),
            Some(Value::List(names)) => !names.borrow().is_empty(),
            Some(_) => true,
        };
        if has_slots {
            return Err(self.type_error("nonempty __slots__ not supported for subtype of 'type'"));
        }
        Ok(Layout::Type)
    }

    /// `type.__new__`'s very last step: the parents' `__init_subclass__`
    /// (`super(cls, cls).__init_subclass__(**keywords)`, the class
    /// statement's keywords), unless it is `object`'s and there are none:
    /// it does nothing then.
    fn init_subclass(&mut self, class: &Rc<Class>, keywords: &[(Name, Value)]) -> PyResult<()> {
        let hook = (class.mro_tail.iter())
            .find_map(|base| base.namespace.borrow().get("__init_subclass__").cloned());
        let Some(hook) =
            hook.filter(|hook| !(keywords.is_empty() && object::is_object_init_subclass(hook)))
        else {
            return Ok(());
        };
        let hook = self.bind_class_attribute(hook, &Value::Type(class.clone()))?;
        self.call(&hook, &[], keywords)?;
        Ok(())
    }

    /// `type.__new__`'s last step: every attribute of the new class that
    /// has `__set_name__` learns its class and name (a `property` its
    /// name), in the order of the class body.
    fn set_names(&mut self, class: &Rc<Class>) -> PyResult<()> {
        let attributes: Vec<(Name, Value)> = class
            .namespace
            .borrow()
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        for (name, value) in attributes {
            if let Value::Native(native) = &value {
                if let Some(property) =
                    native.downcast_ref::<crate::runtime::attributes::Property>()
                {
                    *property.name.borrow_mut() = Some(name.clone());
                }
                continue;
            }
            let Some(set_name) = self.lookup_special(&value, "__set_name__") else {
                continue;
            };
            let owner = Value::Type(class.clone());
            if let Err(error) =
                self.call_bound(&set_name, &value, &[owner, Value::str(&*name)], &[])
            {
                let wrapped = self.error(
                    ExcType::RuntimeError,
                    format!(
                        "Error calling __set_name__ on '{}' instance '{name}' in '{}'",
                        self.type_name(&value),
                        class.name
                    ),
                );
                self.set_exception_attribute(&wrapped.0, "__cause__", &error.value())?;
                return Err(wrapped);
            }
        }
        Ok(())
    }

    /// Binds a class attribute found for `receiver`: functions become bound
    /// methods; descriptors do their work.
    pub fn bind_attribute(&mut self, attribute: Value, receiver: &Value) -> PyResult<Value> {
        match &attribute {
            Value::Function(_) => {
                let method = Rc::new(BoundMethod {
                    receiver: receiver.clone(),
                    function: attribute,
                });
                crate::runtime::cycles::track_method(&method);
                Ok(Value::BoundMethod(method))
            }
            Value::Builtin(builtin) if builtin.is_descriptor() => Ok(Value::Builtin(Rc::new(
                crate::runtime::object::BuiltinFunction {
                    name: builtin.name,
                    func: builtin.func,
                    receiver: Some(receiver.clone()),
                    owner: builtin.owner.clone(),
                    python_module: None,
                },
            ))),
            Value::Future(_) | Value::Native(_) => {
                match self.descriptor_get(&attribute, Some(receiver))? {
                    Some(value) => Ok(value),
                    None => Ok(attribute),
                }
            }
            _ => Ok(attribute),
        }
    }
}

/// Whether `function` is a method, taking only `self`, of a module that
/// stands for CPython's C: there a `METH_NOARGS` method, whose messages for
/// arguments it was given count no `self` (`date.weekday() takes no
/// arguments (1 given)`). Dunder methods are slot wrappers, with messages
/// of their own.
fn takes_no_arguments_in_c(function: &Function) -> bool {
    let signature = &function.code.signature;
    let qualname = function.qualname.borrow();
    let Some((_, method)) = qualname.rsplit_once('.') else {
        return false;
    };
    function.code.source.origin == Origin::BundledForC
        && signature.positional.len() == 1
        && function.defaults.is_empty()
        && !signature.has_varargs
        && !signature.has_varkw
        && signature.kwonly.is_empty()
        && !method.starts_with("__")
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'` — CPython's list of names.
/// CPython's message for a call that left required positional
/// parameters unfilled.
pub fn missing_positional(function: &str, missing: &[Name]) -> String {
    format!(
        "{function}() missing {} required positional argument{}: {}",
        missing.len(),
        plural(missing.len()),
        quoted_list(missing)
    )
}

fn quoted_list(names: &[Name]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        n => format!("{}, and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}
