//! Heap objects behind [`Value`]: classes, instances, functions, methods,
//! modules, and the trait for objects implemented in Rust.

use std::any::Any;
use std::cell::{Cell, Ref, RefCell, RefMut};
use std::rc::{Rc, Weak};

use indexmap::IndexMap;

use super::dict::Dict;
use super::error::PyResult;
use super::interp::Interp;
use super::value::{TupleItems, Value};
use crate::compile::ir::{Code, NameIndex};
use crate::syntax::ast::Name;

/// A string-keyed attribute table in insertion order (instance `__dict__`,
/// class namespace, module globals).
/// The names of a module, class, instance or function: insertion-ordered,
/// hashed with a fast non-cryptographic hasher (names are short and come
/// from programs, not from an adversary over a network).
pub type Namespace = RefCell<NameMap>;

pub type NameMap = IndexMap<Name, Value, hashbrown::DefaultHashBuilder>;

/// A variable captured by a closure.
pub type CellRef = Rc<RefCell<Option<Value>>>;

/// Which kind of instances a class makes: the layout its instances share
/// with their builtin base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `object` and user classes: an [`Instance`] with a `__dict__`.
    Object,
    /// A user class whose every class lists its `__slots__`, without
    /// `__dict__`: an [`Instance`] that takes only those names.
    Slotted,
    /// `BaseException` and its subclasses: an [`Instance`] with exception data.
    Exception,
    /// A builtin type whose values are not [`Instance`]s (`int`, `list`, …).
    Builtin,
    /// `type` and its subclasses, the metaclasses: their instances are
    /// classes (`Value::Type`).
    Type,
}

pub struct Class {
    pub name: Name,
    /// `__qualname__` (`A.E`, `f.<locals>.L`): the type's, not a name in
    /// its namespace, so its instances do not have it.
    pub qualname: RefCell<Name>,
    pub module: Name,
    pub bases: Vec<Rc<Class>>,
    /// The method resolution order after this class itself (C3).
    pub mro_tail: Vec<Rc<Class>>,
    pub namespace: ClassNamespace,
    pub layout: Layout,
    /// `type(cls)` when it is not `type`: the metaclass the class was made
    /// by (`class A(metaclass=M)`, or a base's). Only the operations on a
    /// class itself ask it, never those on its instances.
    pub metaclass: Option<Rc<Class>>,
    /// Whether this class or a base has `__slots__` (member descriptors),
    /// which pyl keeps among the instance's names: asked on every read of
    /// an instance's `__dict__`.
    pub has_slots: bool,
    /// Made abstract by assigning a non-empty `__abstractmethods__` (as
    /// `abc.ABCMeta` does): `object.__new__` refuses it, as CPython's
    /// `Py_TPFLAGS_IS_ABSTRACT`.
    pub is_abstract: Cell<bool>,
    /// Whether CPython's counterpart is a C type, whose name messages
    /// qualify by its module (`'itertools.count' object …`): the builtin
    /// layouts', and a class made by pyl's Python standing for C; not
    /// `collections.Counter`'s, a dict in pyl but Python in CPython.
    pub is_c_type: Cell<bool>,
    /// The classes made with this one among their bases, while they live
    /// (`__subclasses__()`).
    subclasses: RefCell<Vec<Weak<Class>>>,
    /// What [`Class::lookup`] found for each name, while no class changed.
    lookup_cache: RefCell<LookupCache>,
}

thread_local! {
    /// Bumped by every change to any class namespace: a change to a base
    /// class shows through all its subclasses, so every cache is stale.
    /// Also bumped when a class is freed, so that a class's address and
    /// the epoch together name one class (a new class may reuse the address).
    static CLASS_EPOCH: Cell<u64> = const { Cell::new(0) };
}

/// The current class epoch (see `CLASS_EPOCH`).
pub fn class_epoch() -> u64 {
    CLASS_EPOCH.with(Cell::get)
}

fn bump_class_epoch() {
    CLASS_EPOCH.with(|epoch| epoch.set(epoch.get() + 1));
}

/// A class's names. Writing to them (the only way is `borrow_mut`) makes
/// every class's lookup cache stale and bumps this class's version.
#[derive(Default)]
pub struct ClassNamespace {
    names: Namespace,
    version: Cell<u64>,
}

impl ClassNamespace {
    pub fn new(names: NameMap) -> ClassNamespace {
        ClassNamespace {
            names: RefCell::new(names),
            version: Cell::new(0),
        }
    }

    pub fn borrow(&self) -> std::cell::Ref<'_, NameMap> {
        self.names.borrow()
    }

    pub fn borrow_mut(&self) -> std::cell::RefMut<'_, NameMap> {
        bump_class_epoch();
        self.version.set(self.version.get() + 1);
        self.names.borrow_mut()
    }

    /// How many times the names were written to.
    pub fn version(&self) -> u64 {
        self.version.get()
    }
}

#[derive(Default)]
struct LookupCache {
    epoch: u64,
    found: hashbrown::HashMap<Name, Option<Value>>,
    /// [`Class::own_getattribute`], once asked in this epoch.
    own_getattribute: Option<Option<Value>>,
    /// [`Class::has_finalizer`], once asked in this epoch.
    has_finalizer: Option<bool>,
}

impl Class {
    pub fn new(
        name: Name,
        module: Name,
        bases: Vec<Rc<Class>>,
        mro_tail: Vec<Rc<Class>>,
        namespace: NameMap,
        layout: Layout,
    ) -> Class {
        Class {
            qualname: RefCell::new(name.clone()),
            name,
            module,
            bases,
            mro_tail,
            namespace: ClassNamespace::new(namespace),
            layout,
            metaclass: None,
            has_slots: false,
            is_abstract: Cell::new(false),
            is_c_type: Cell::new(layout == Layout::Builtin),
            subclasses: RefCell::default(),
            lookup_cache: RefCell::default(),
        }
    }

    /// Its `__module__` as reprs print it: the namespace's when a str (a
    /// program may assign it), else the module it was made in.
    pub fn module_name(&self) -> Name {
        match self.namespace.borrow().get("__module__") {
            Some(Value::Str(module)) => module.as_str().into(),
            _ => self.module.clone(),
        }
    }

    /// Whether its instances have a `__dict__`: not `object()`s, nor a
    /// slotted class's.
    pub fn instances_have_dict(&self) -> bool {
        matches!(self.layout, Layout::Object | Layout::Exception)
    }

    /// The MRO, this class first.
    pub fn mro(self: &Rc<Self>) -> impl Iterator<Item = &Rc<Class>> {
        std::iter::once(self).chain(self.mro_tail.iter())
    }

    /// Looks `name` up along the MRO, as type attribute lookup does —
    /// once per name until some class changes, as CPython's type cache.
    pub fn lookup(self: &Rc<Self>, name: &str) -> Option<Value> {
        // Names made at run time (`getattr(cls, s)`) must not grow it forever.
        const CAPACITY: usize = 1024;
        let epoch = class_epoch();
        {
            let cache = self.lookup_cache.borrow();
            if cache.epoch == epoch {
                if let Some(found) = cache.found.get(name) {
                    return found.clone();
                }
            }
        }
        let found = self
            .mro()
            .find_map(|class| class.namespace.borrow().get(name).cloned());
        let mut cache = self.lookup_cache.borrow_mut();
        if cache.epoch != epoch || cache.found.len() >= CAPACITY {
            cache.found.clear();
            cache.own_getattribute = None;
            cache.has_finalizer = None;
            cache.epoch = epoch;
        }
        cache.found.insert(name.into(), found.clone());
        found
    }

    /// A `__getattribute__` that this class or a base defines in Python,
    /// which reads of its instances' attributes call instead of the usual
    /// lookup. Asked on every attribute read that misses the expression
    /// caches (a property, `getattr`), so it is remembered apart from
    /// [`Class::lookup`], without hashing the name.
    pub fn own_getattribute(self: &Rc<Self>) -> Option<Value> {
        {
            let cache = self.lookup_cache.borrow();
            if cache.epoch == class_epoch() {
                if let Some(known) = &cache.own_getattribute {
                    return known.clone();
                }
            }
        }
        let found = match self.lookup("__getattribute__") {
            Some(function @ Value::Function(_)) => Some(function),
            _ => None,
        };
        // `lookup` has brought the cache to this epoch.
        self.lookup_cache.borrow_mut().own_getattribute = Some(found.clone());
        found
    }

    /// Whether the class or a base defines `__del__`. Asked whenever an
    /// instance is dropped — perhaps while a class's names are being
    /// written (the old value of a class attribute): then a class whose
    /// names cannot be read is taken not to have one.
    pub fn has_finalizer(self: &Rc<Self>) -> bool {
        let epoch = class_epoch();
        let Ok(mut cache) = self.lookup_cache.try_borrow_mut() else {
            return false;
        };
        if cache.epoch == epoch {
            if let Some(known) = cache.has_finalizer {
                return known;
            }
        } else {
            cache.found.clear();
            cache.own_getattribute = None;
            cache.epoch = epoch;
        }
        let mut found = false;
        for class in self.mro() {
            match class.namespace.names.try_borrow() {
                Ok(names) if names.contains_key("__del__") => found = true,
                Ok(_) => continue,
                Err(_) => return false,
            }
            break;
        }
        cache.has_finalizer = Some(found);
        found
    }

    /// Where [`Class::lookup`] finds `name`: the position in the MRO and
    /// the index in that class's names. Valid while the class epoch stays.
    pub fn find(self: &Rc<Self>, name: &str) -> Option<(u32, u32)> {
        self.mro().enumerate().find_map(|(depth, class)| {
            let index = class.namespace.borrow().get_index_of(name)?;
            Some((depth as u32, index as u32))
        })
    }

    /// The attribute at a position [`Class::find`] gave.
    pub fn attribute_at(self: &Rc<Self>, (depth, index): (u32, u32)) -> Option<Value> {
        let class = self.mro().nth(depth as usize)?;
        let names = class.namespace.borrow();
        names
            .get_index(index as usize)
            .map(|(_, value)| value.clone())
    }

    /// Notes `subclass`, just made with this class among its bases.
    pub fn add_subclass(&self, subclass: &Rc<Class>) {
        let mut subclasses = self.subclasses.borrow_mut();
        subclasses.retain(|weak| weak.strong_count() > 0);
        subclasses.push(Rc::downgrade(subclass));
    }

    /// `__subclasses__()`: the living subclasses made with this class
    /// among their bases, in the order they were made.
    pub fn subclasses(&self) -> Vec<Rc<Class>> {
        self.subclasses
            .borrow()
            .iter()
            .filter_map(Weak::upgrade)
            .collect()
    }

    pub fn is_subclass_of(self: &Rc<Self>, other: &Rc<Class>) -> bool {
        self.mro().any(|class| Rc::ptr_eq(class, other))
    }

    /// The builtin type whose values this class's instances are (`list`
    /// for `class L(list)`, the class itself for `list`); `None` for
    /// classes of plain instances. `object`, the one class without
    /// bases, makes plain instances.
    pub fn builtin_base(self: &Rc<Self>) -> Option<&Rc<Class>> {
        self.mro()
            .find(|class| class.layout == Layout::Builtin)
            .filter(|class| !class.bases.is_empty())
    }
}

/// An instance of a user class or of an exception class.
impl Drop for Class {
    fn drop(&mut self) {
        bump_class_epoch();
    }
}

pub struct Instance {
    pub class: Rc<Class>,
    pub names: RefCell<InstanceNames>,
    /// Present exactly when the class's layout is [`Layout::Exception`]
    /// (boxed: most instances are not exceptions).
    pub exception: Option<Box<ExceptionData>>,
    /// For an instance of a subclass of a builtin type (`class L(list)`),
    /// the builtin value it is: what the type's own methods and operators
    /// work on (see [`Value::builtin_value`]). Made by the type's
    /// `__new__`, and never replaced: a list's items change inside it.
    ///
    /// [`Value::builtin_value`]: super::value::Value::builtin_value
    pub builtin: Option<Value>,
    /// Its `__del__` has been called (CPython calls it once at most).
    pub finalized: Cell<bool>,
}

/// An instance whose class has a `__del__` is revived when dropped, for
/// the interpreter to call it (see `runtime::finalize`).
impl Drop for Instance {
    fn drop(&mut self) {
        if !self.finalized.get() && self.class.has_finalizer() {
            let revived = Instance {
                class: self.class.clone(),
                names: RefCell::new(std::mem::replace(
                    self.names.get_mut(),
                    InstanceNames::empty(),
                )),
                exception: self.exception.take(),
                builtin: self.builtin.take(),
                finalized: Cell::new(true),
            };
            super::finalize::defer(super::finalize::Finalizable::Instance(revived));
        }
    }
}

/// Where an instance keeps its own names. In a [`NameMap`], which the
/// attribute caches index by position, until the program asks for the
/// instance's `__dict__` (or `vars()` of it, or assigns one); from then
/// on in that dict, which the program holds too, so that a write through
/// either is seen through the other, as in CPython. The caches' fast
/// paths only take the first kind and leave the second to the general
/// path.
pub enum InstanceNames {
    Table(NameTable),
    Dict(Rc<RefCell<Dict>>),
}

thread_local! {
    /// The last [`NameTable::keys_id`] given out.
    static LAST_KEYS_ID: Cell<u64> = const { Cell::new(0) };
}

/// An instance's own names, and which keys they are: a cache that found
/// something about the keys (where a name is, that a name is absent)
/// keeps the table's `keys_id` and, while it is the same, need not look
/// again. The keys change only through this type's methods, each of
/// which gives the table a new id when it gains or loses a name.
pub struct NameTable {
    names: NameMap,
    keys_id: u64,
}

impl Default for NameTable {
    fn default() -> NameTable {
        NameTable {
            names: NameMap::default(),
            keys_id: new_keys_id(),
        }
    }
}

/// An id no table had before: a table's keys are told apart from every
/// other table's, and from its own before it gained or lost a name.
fn new_keys_id() -> u64 {
    LAST_KEYS_ID.with(|last| {
        last.set(last.get() + 1);
        last.get()
    })
}

impl std::ops::Deref for NameTable {
    type Target = NameMap;

    fn deref(&self) -> &NameMap {
        &self.names
    }
}

impl NameTable {
    /// Identifies these keys, in this order, among every table's, ever
    /// (never 0).
    pub fn keys_id(&self) -> u64 {
        self.keys_id
    }

    /// `names[name] = value`: where it is, or added at the end. Its index.
    pub fn insert_full(&mut self, name: Name, value: Value) -> usize {
        let (index, old) = self.names.insert_full(name, value);
        if old.is_none() {
            self.keys_id = new_keys_id();
        }
        index
    }

    pub fn shift_remove(&mut self, name: &str) -> Option<Value> {
        let removed = self.names.shift_remove(name);
        if removed.is_some() {
            self.keys_id = new_keys_id();
        }
        removed
    }

    /// The name at `index` and its value, to change (not the name).
    pub fn get_index_mut(&mut self, index: usize) -> Option<(&Name, &mut Value)> {
        self.names.get_index_mut(index)
    }

    pub fn into_names(self) -> NameMap {
        self.names
    }
}

impl Instance {
    pub fn new(class: Rc<Class>, exception: Option<ExceptionData>) -> Instance {
        Instance {
            class,
            names: RefCell::new(InstanceNames::empty()),
            exception: exception.map(Box::new),
            builtin: None,
            finalized: Cell::new(false),
        }
    }

    /// An instance of `class`, a subclass of the builtin type of `value`.
    pub fn of_builtin_subclass(class: Rc<Class>, value: Value) -> Instance {
        Instance {
            class,
            names: RefCell::new(InstanceNames::empty()),
            exception: None,
            builtin: Some(value),
            finalized: Cell::new(false),
        }
    }

    /// The instance's names while they are in its own table (the fast
    /// paths' case); `None` once they are in a `__dict__`.
    #[inline(always)]
    pub fn table(&self) -> Option<Ref<'_, NameTable>> {
        Ref::filter_map(self.names.borrow(), |names| match names {
            InstanceNames::Table(table) => Some(table),
            InstanceNames::Dict(_) => None,
        })
        .ok()
    }

    /// [`Instance::table`], for a store.
    #[inline(always)]
    pub fn table_mut(&self) -> Option<RefMut<'_, NameTable>> {
        RefMut::filter_map(self.names.borrow_mut(), |names| match names {
            InstanceNames::Table(table) => Some(table),
            InstanceNames::Dict(_) => None,
        })
        .ok()
    }

    /// The instance's own value for `name`.
    pub fn own(&self, name: &str) -> Option<Value> {
        match &*self.names.borrow() {
            InstanceNames::Table(table) => table.get(name).cloned(),
            InstanceNames::Dict(dict) => dict.borrow().get_name(name),
        }
    }

    pub fn set_own(&self, name: &str, value: Value) {
        match &mut *self.names.borrow_mut() {
            InstanceNames::Table(table) => {
                table.insert_full(name.into(), value);
            }
            InstanceNames::Dict(dict) => dict.borrow_mut().set_name(name, value),
        }
    }

    pub fn remove_own(&self, name: &str) -> Option<Value> {
        match &mut *self.names.borrow_mut() {
            InstanceNames::Table(table) => table.shift_remove(name),
            InstanceNames::Dict(dict) => dict.borrow_mut().remove_name(name),
        }
    }

    /// The keys of the instance's own names, in order.
    pub fn own_keys(&self) -> Vec<Value> {
        match &*self.names.borrow() {
            InstanceNames::Table(table) => table.keys().map(|k| Value::str(&**k)).collect(),
            InstanceNames::Dict(dict) => dict.borrow().keys(),
        }
    }

    /// The instance's `__dict__`: from now on, where its names live.
    pub fn dict(&self) -> Rc<RefCell<Dict>> {
        let mut names = self.names.borrow_mut();
        let table = match &mut *names {
            InstanceNames::Dict(dict) => return dict.clone(),
            InstanceNames::Table(table) => std::mem::take(table).into_names(),
        };
        let mut dict = Dict::new();
        for (name, value) in table {
            dict.set_name(&name, value);
        }
        let dict = Rc::new(RefCell::new(dict));
        super::cycles::track_table(&dict);
        *names = InstanceNames::Dict(dict.clone());
        dict
    }

    /// `instance.__dict__ = dict`.
    pub fn set_dict(&self, dict: Rc<RefCell<Dict>>) {
        *self.names.borrow_mut() = InstanceNames::Dict(dict);
    }
}

impl InstanceNames {
    pub fn empty() -> InstanceNames {
        InstanceNames::Table(NameTable::default())
    }
}

/// What every exception carries besides its `__dict__`.
#[derive(Default)]
pub struct ExceptionData {
    pub args: RefCell<Rc<TupleItems>>,
    pub cause: RefCell<Option<Value>>,
    pub context: RefCell<Option<Value>>,
    pub suppress_context: Cell<bool>,
    /// Frames the exception passed through, innermost first (printed the
    /// other way round).
    pub traceback: RefCell<Vec<TraceEntry>>,
    /// Where in the running frame the exception arose, when that is
    /// narrower than the statement: the expression whose own operation
    /// raised it (CPython 3.11's instruction positions). Placed by the
    /// innermost expression that sees it ([`PyErr::at`]), taken by the
    /// frame's traceback entry when the exception leaves the frame or
    /// reaches its handler.
    ///
    /// [`PyErr::at`]: super::error::PyErr::at
    pub location: Cell<Option<crate::syntax::span::Span>>,
    /// What CPython keeps in the exception's own struct, not in its
    /// `__dict__`: `OSError`'s `errno`, `strerror`, `filename`,
    /// `filename2`; `UnicodeError`'s `encoding`, `object`, `start`, `end`,
    /// `reason`; an exception group's `message` and `exceptions`;
    /// `NameError`'s and `AttributeError`'s `name`, `AttributeError`'s `obj`.
    pub fields: RefCell<NameMap>,
    /// For a `NameError` raised by a name: the name its traceback suggests
    /// (`runtime::suggestions`).
    pub suggestion: RefCell<Option<Name>>,
    /// What the frame of a function that is Python in CPython but Rust in
    /// pyl held when it raised: CPython's traceback keeps that frame, so
    /// a coroutine among its arguments lives (and is not yet reported
    /// unawaited) as long as the exception.
    pub held: RefCell<Vec<Value>>,
}

impl ExceptionData {
    pub fn set_field(&self, name: &str, value: Value) {
        self.fields.borrow_mut().insert(name.into(), value);
    }
}

/// One line of a traceback: the frame's code, and where in it the
/// exception arose (an expression, or the statement when no narrower
/// place is known).
#[derive(Clone)]
pub struct TraceEntry {
    pub code: Rc<Code>,
    pub span: crate::syntax::span::Span,
    /// The frame's local slots, once the exception has left it: CPython's
    /// traceback keeps the frame, and with it what its locals refer to
    /// (a task not yet awaited is reported after the traceback).
    pub locals: Option<Rc<crate::eval::frame::Slots>>,
}

/// A function defined with `def`, `async def` or `lambda`.
pub struct Function {
    pub code: Rc<Code>,
    pub globals: Rc<ModuleObject>,
    pub name: RefCell<Name>,
    pub qualname: RefCell<Name>,
    /// Defaults of the positional parameters, aligned to the last ones.
    pub defaults: Vec<Value>,
    /// Defaults of the keyword-only parameters, by position among them.
    pub kw_defaults: Vec<Option<Value>>,
    /// The cells of the enclosing scopes that this function closes over.
    pub closure: Box<[CellRef]>,
    /// Set for functions defined in a class body, for zero-argument `super()`.
    pub defining_class: RefCell<Option<Rc<Class>>>,
    pub attributes: Namespace,
}

/// `obj.method` for a Python function.
pub struct BoundMethod {
    pub receiver: Value,
    pub function: Value,
}

/// The calling convention of functions written in Rust: positional
/// arguments (the receiver first for methods) and keyword arguments.
pub type NativeFn = fn(&mut Interp, &[Value], &[(Name, Value)]) -> PyResult<Value>;

/// A builtin function, a builtin type's method (CPython's method
/// descriptor: `list.sort`), or either bound to its receiver.
pub struct BuiltinFunction {
    pub name: &'static str,
    pub func: NativeFn,
    /// For a bound method: prepended to the positional arguments.
    pub receiver: Option<Value>,
    /// The class whose method this is. Only such a builtin binds to the
    /// instance it is read from: a builtin function stored in a class
    /// (`f = len`) stays a function, as in CPython.
    pub owner: Option<Weak<Class>>,
    /// Set for a function that CPython writes in Python (asyncio's
    /// `sleep`): the module that defines it there (`asyncio.tasks`). It
    /// shows as a function of that module: its type, repr, `__module__`.
    pub python_module: Option<&'static str>,
}

impl BuiltinFunction {
    /// A method of a builtin type read from the type (`list.sort`), not
    /// bound to an instance.
    pub fn is_descriptor(&self) -> bool {
        self.receiver.is_none() && self.owner.is_some()
    }

    /// Which of CPython's kinds of builtin this stands for.
    pub fn kind(&self) -> BuiltinKind {
        let Some(owner) = self.owner.as_ref().and_then(Weak::upgrade) else {
            return match (&self.receiver, self.python_module) {
                (Some(_), _) => BuiltinKind::BoundMethod,
                (None, Some(module)) => BuiltinKind::PythonFunction(module),
                (None, None) => BuiltinKind::Function,
            };
        };
        match (&self.receiver, self.name) {
            (None, "__new__") => BuiltinKind::New(owner),
            (None, _) if self.is_slot_wrapper(&owner) => BuiltinKind::SlotWrapper(owner),
            (None, _) => BuiltinKind::MethodDescriptor(owner),
            (Some(_), _) if self.is_slot_wrapper(&owner) => BuiltinKind::MethodWrapper,
            (Some(_), _) => BuiltinKind::BoundMethod,
        }
    }

    /// CPython's C methods named as slots (`int.__add__`) are slot
    /// wrappers; those with a method table entry of their own (most of
    /// the dunders not standing for an operator, and a few that list and
    /// dict define again for speed) are methods.
    fn is_slot_wrapper(&self, owner: &Class) -> bool {
        let name = self.name;
        let redefined = matches!(
            (&*owner.name, name),
            ("list" | "dict", "__getitem__") | ("dict" | "set" | "frozenset", "__contains__")
        );
        !redefined
            && name.starts_with("__")
            && name.ends_with("__")
            && !matches!(
                name,
                "__format__"
                    | "__reduce__"
                    | "__reduce_ex__"
                    | "__sizeof__"
                    | "__dir__"
                    | "__getstate__"
                    | "__setstate__"
                    | "__init_subclass__"
                    | "__subclasshook__"
                    | "__class_getitem__"
                    | "__round__"
                    | "__trunc__"
                    | "__floor__"
                    | "__ceil__"
                    | "__getnewargs__"
                    | "__reversed__"
                    | "__copy__"
                    | "__deepcopy__"
                    | "__enter__"
                    | "__exit__"
                    | "__aenter__"
                    | "__aexit__"
                    | "__instancecheck__"
                    | "__subclasscheck__"
                    | "__length_hint__"
            )
    }
}

/// CPython's kinds of builtin, which differ in type and repr.
pub enum BuiltinKind {
    /// `len`; a function of a module.
    Function,
    /// `asyncio.sleep`: a function CPython writes in Python, in this module.
    PythonFunction(&'static str),
    /// `[].sort`, `dict.fromkeys`: a builtin method bound to its receiver.
    BoundMethod,
    /// `list.sort` (`method_descriptor`).
    MethodDescriptor(Rc<Class>),
    /// `int.__add__` (`wrapper_descriptor`).
    SlotWrapper(Rc<Class>),
    /// `(1).__add__` (`method-wrapper`).
    MethodWrapper,
    /// A builtin type's `__new__`, a static method bound to the type.
    New(Rc<Class>),
}

pub struct ModuleObject {
    pub name: Name,
    pub namespace: Globals,
    /// Run from Python source (the main script, an imported `NAME.pyl`):
    /// finalized at exit (`Interp::finalize_modules`). A native module's
    /// names are pyl's own.
    pub from_source: bool,
}

/// A module's names. Every write bumps the version, so that a cached
/// "this name is a builtin, not a global" can tell when it may be stale.
#[derive(Default)]
pub struct Globals {
    names: Namespace,
    version: Cell<u64>,
}

impl Globals {
    pub fn borrow(&self) -> std::cell::Ref<'_, NameMap> {
        self.names.borrow()
    }

    pub fn borrow_mut(&self) -> std::cell::RefMut<'_, NameMap> {
        self.version.set(self.version.get() + 1);
        self.names.borrow_mut()
    }

    /// `names[name] = value`. A name already bound where `index` last
    /// found it is rebound in place, with no hashing and the version kept:
    /// rebinding a global shadows no builtin. The value replaced is freed
    /// once the names are let go (its finalizer may read them).
    pub fn store(&self, name: &Name, index: &NameIndex, value: Value) {
        let mut names = self.names.borrow_mut();
        let replaced = match index.peek_mut(&mut names, name) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.version.set(self.version.get() + 1);
                let (at, replaced) = names.insert_full(name.clone(), value);
                index.remember(at);
                replaced
            }
        };
        drop(names);
        drop(replaced);
    }

    /// The names, unless they are being written.
    pub fn try_borrow(&self) -> Result<std::cell::Ref<'_, NameMap>, std::cell::BorrowError> {
        self.names.try_borrow()
    }

    /// The names to write, unless they are in use.
    pub fn try_borrow_mut(
        &self,
    ) -> Result<std::cell::RefMut<'_, NameMap>, std::cell::BorrowMutError> {
        let names = self.names.try_borrow_mut()?;
        self.version.set(self.version.get() + 1);
        Ok(names)
    }

    pub fn version(&self) -> u64 {
        self.version.get()
    }
}

/// What [`NativeObject::kind`] tells.
pub enum NativeKind<'a> {
    /// A future or task, which [`Value::native`] makes a `Value::Future`.
    Future,
    Deque(&'a crate::runtime::modules::collections::Deque),
    /// The iterator of a `range` whose items are machine words.
    IntRange(&'a crate::runtime::iterators::RangeIterator<i64>),
    List(&'a crate::runtime::iterators::ListIterator),
    Other,
}

/// Which Rust type a native object is: `Any`'s tests, on the object
/// itself (one call through the vtable).
impl dyn NativeObject {
    pub fn downcast_ref<T: NativeObject>(&self) -> Option<&T> {
        (self as &dyn Any).downcast_ref()
    }

    pub fn is<T: NativeObject>(&self) -> bool {
        (self as &dyn Any).is::<T>()
    }
}

/// An object implemented in Rust that is not one of the core variants of
/// [`Value`]: iterators, files, properties, futures, …
pub trait NativeObject: Any {
    fn class(&self, interp: &Interp) -> Rc<Class>;

    /// The object as one of the types whose downcasts are on hot paths.
    /// A method's answer, two words, comes back in registers; `Any`'s
    /// `TypeId`, 16 bytes, comes back through memory, and comparing it
    /// right after stalls the processor (see ARCHITECTURE.md): a queue's
    /// `put` and `get` ran 6% faster for it.
    fn kind(&self) -> NativeKind<'_> {
        NativeKind::Other
    }

    /// `next(obj)`: `Ok(None)` when exhausted. Only for iterators.
    fn next(&self, _interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        None
    }

    /// How many items an iterator has left, when it knows (CPython's
    /// `__length_hint__`, as `list()` uses it: room to reserve).
    fn length_hint(&self) -> Option<usize> {
        None
    }

    /// Attribute lookup specific to this object, before the class's.
    fn get_attribute(&self, _interp: &mut Interp, _name: &str) -> Option<PyResult<Value>> {
        None
    }

    /// Whether [`NativeObject::resume`] drives this object: native
    /// coroutines (`asyncio.sleep(…)`) and awaitable iterators.
    fn is_resumable(&self) -> bool {
        false
    }

    /// One step of a native coroutine or awaitable iterator, as a
    /// generator's `send`/`throw`.
    fn resume(
        &self,
        interp: &mut Interp,
        _resume: crate::eval::frame::Resume,
    ) -> PyResult<crate::eval::frame::GenStep> {
        Err(interp.type_error("object is not resumable"))
    }

    /// For a coroutine written in Rust, its qualified name (`sleep`,
    /// `Event.wait`): it is a coroutine for `asyncio.iscoroutine`, and
    /// task reprs show `coro=<NAME()>`.
    fn coroutine_name(&self) -> Option<&'static str> {
        None
    }

    /// Whether such a coroutine has finished (`close()` is then a no-op).
    fn coroutine_finished(&self) -> bool {
        false
    }

    /// The length of a native container, for truth tests and `len()`
    /// without a call through `__len__`.
    fn length(&self) -> Option<usize> {
        None
    }

    /// `repr(obj)`, when the default `<name object at 0x…>` is not right.
    fn repr(&self, _interp: &mut Interp) -> Option<PyResult<String>> {
        None
    }
}
