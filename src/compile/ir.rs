//! The code that the evaluator runs: a flat list of statement-level
//! instructions per function, whose operands are expression trees.
//!
//! Control flow (loops, `try`, `with`, `break`, `return` through `finally`)
//! is explicit jumps and handler blocks, so a frame's whole position is one
//! program counter plus its handler stack — which is what lets a generator
//! or coroutine frame suspend and resume. Expressions never suspend: the
//! lowering lifts every `yield`/`await` out of expressions into
//! [`Instr::Yield`]/[`Instr::YieldFrom`] on temporaries.

use std::cell::Cell;
use std::rc::Rc;

use crate::runtime::object::{class_epoch, Class, NameMap, NameTable, NativeFn};
use crate::runtime::value::Value;
use crate::syntax::ast::{BinOp, CmpOp, ComprehensionKind, Name, UnaryOp};
use crate::syntax::span::Span;

/// One source file (or `-c` string, or REPL input), for tracebacks.
pub struct Source {
    pub name: String,
    pub text: String,
    pub origin: Origin,
}

impl Source {
    /// Python that is part of pyl, not of the program: an error report
    /// points at the program's own lines.
    pub fn bundled(&self) -> bool {
        self.origin != Origin::Program
    }
}

/// Whose Python a [`Source`] is, which decides how tracebacks show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The program: a script, its modules, a `-c` string, a REPL input.
    Program,
    /// Python bundled with pyl where CPython's counterpart is Python too
    /// (asyncio's, json's, aiohttp's): its frames show, as CPython's do.
    Bundled,
    /// Python bundled with pyl where CPython's counterpart is C (most of
    /// itertools and functools): its frames are left out of tracebacks,
    /// as C functions leave none.
    BundledForC,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Plain,
    Generator,
    Coroutine,
    AsyncGenerator,
}

/// The parameter list of a function, by slot.
#[derive(Default)]
pub struct Signature {
    /// Positional parameters (positional-only first), slots `0..`.
    pub positional: Vec<Name>,
    pub posonly_count: usize,
    /// `*args` takes the slot after the positional ones.
    pub has_varargs: bool,
    pub kwonly: Vec<Name>,
    /// `**kwargs` takes the last parameter slot.
    pub has_varkw: bool,
}

impl Code {
    /// `co_firstlineno`: the line of the first decorator, or of the `def`.
    pub fn first_line(&self) -> usize {
        crate::diagnostics::line_of(&self.source.text, self.first_line_start as usize)
    }
}

impl Signature {
    pub fn slot_count(&self) -> usize {
        self.positional.len()
            + self.has_varargs as usize
            + self.kwonly.len()
            + self.has_varkw as usize
    }
}

/// A compiled function, class body, comprehension or module.
pub struct Code {
    pub name: Name,
    pub qualname: Name,
    pub flavor: Flavor,
    pub signature: Signature,
    /// Named locals (parameters first) followed by the lowering's temporaries.
    pub slot_count: u32,
    pub local_names: Vec<Name>,
    pub cell_names: Vec<Name>,
    pub parameter_cells: Vec<(u32, u32)>,
    /// The closure's variables, after `cell_names` among a frame's cells.
    pub free_names: Vec<Name>,
    pub instrs: Vec<Instr>,
    /// The source span of each instruction, for tracebacks.
    pub spans: Vec<Span>,
    pub source: Rc<Source>,
    /// The `def` line, for `<function f at …>` and tracebacks.
    pub span: Span,
    /// Where `co_firstlineno`'s line is: the first decorator's, or the
    /// `def`'s (`class`'s) own.
    pub first_line_start: u32,
    /// The docstring: a string literal as the body's first statement.
    pub doc: Option<Rc<str>>,
    /// A module's body (whose `locals()` are its globals).
    pub is_module: bool,
    /// Whether the body, or a function nested in it, names `super` or
    /// `__class__`: only then does its frame keep the function, for a
    /// zero-argument `super()` or `__class__` (CPython gives such a body
    /// its `__class__` cell).
    pub mentions_super: bool,
}

pub enum Instr {
    /// An expression statement.
    Eval(Expr),
    /// A list comprehension's element, appended to the list it builds in
    /// a local (CPython's `LIST_APPEND`: no method lookup, no call).
    ListAppend {
        list: u32,
        value: Expr,
    },
    /// A set comprehension's element, added to the set it builds in a
    /// local (CPython's `SET_ADD`).
    SetAdd {
        set: u32,
        value: Expr,
    },
    /// An expression statement typed at the REPL: its value, unless `None`,
    /// is printed with `repr` and kept in `builtins._`.
    Echo(Expr),
    Store(Target, Expr),
    /// At the top of a module's or class's body that annotates names: an
    /// empty `__annotations__` unless the namespace has one (CPython's
    /// `SETUP_ANNOTATIONS`; a REPL session's module keeps its own).
    SetupAnnotations,
    /// `target op= value`, with the target's object and index evaluated
    /// once; the span is the target's, where a failed read of a name
    /// points.
    AugAssign(Target, BinOp, Expr, Span),
    Delete(Target),
    Jump(u32),
    JumpIf {
        condition: Expr,
        when: bool,
        target: u32,
    },
    Return(Expr),
    /// `slot = iter(iterable)`
    GetIter {
        iterable: Expr,
        slot: u32,
    },
    /// The test at the bottom of a `for` loop, which is entered by a jump
    /// to it: `target = next(slot)` and back to the loop's `body`, or,
    /// when the iterator is exhausted, clear the slot and go on (to the
    /// `else` clause). One dispatch per iteration, not a test at the top
    /// and a jump back at the bottom.
    ForIter {
        slot: u32,
        target: Target,
        body: u32,
    },
    /// Enters a protected region: an exception inside it jumps to `handler`
    /// with the exception pushed as the one being handled.
    PushHandler(u32),
    /// Leaves the innermost protected region normally.
    PopHandler,
    /// At the top of an `except` clause: evaluates the class (or tuple) and
    /// jumps to `next` unless the handled exception matches.
    MatchException {
        class: Expr,
        next: u32,
    },
    /// At the top of an `except*` clause (CPython's `CHECK_EG_MATCH`):
    /// splits what the class (or tuple) matches out of the exception
    /// group in slot `rest`, which keeps the rest; the part that matches
    /// becomes the handled exception. Jumps to `next` when nothing does.
    MatchExceptionStar {
        class: Expr,
        rest: u32,
        next: u32,
    },
    /// An exception raised in an `except*` clause's body: kept in the list
    /// in slot `raised`, and no longer handled.
    KeepRaised {
        raised: u32,
    },
    /// After the `except*` clauses (CPython's `PREP_RERAISE_STAR`): leaves
    /// the handled exception, then raises again what is left of the
    /// exception in slot `original` (the group's unmatched rest in slot
    /// `rest`, what the clauses raised in slot `raised`), if anything.
    EndExceptStar {
        original: u32,
        rest: u32,
        raised: u32,
    },
    /// Leaves an `except` clause (or a swallowed exception): the previous
    /// handled exception becomes current again.
    PopException,
    /// Re-raises the handled exception (no match, or end of `finally`).
    Reraise,
    Raise {
        exception: Option<Expr>,
        cause: Option<Expr>,
    },
    Assert {
        test: Expr,
        message: Option<Expr>,
        /// Where a failed assertion points: the comparison the test's
        /// last jump tests, if any (CPython's), else the statement.
        place: Span,
    },
    Import {
        module: Name,
        /// `import a.b` binds `a`; `import a.b as c` binds the submodule.
        bind_top: bool,
        target: Target,
    },
    ImportFrom {
        module: Name,
        names: Vec<(Name, Target)>,
    },
    /// `from module import *`: the module's `__all__`, else its public
    /// names, bound in the module's globals.
    ImportStar {
        module: Name,
    },
    /// A `case` clause's pattern against the subject: on a match the
    /// captures are stored and execution goes on, else it jumps to `fail`.
    Match(Box<MatchCase>),
    /// Suspends the frame, giving `value` to the resumer; the value sent
    /// back on resumption is stored in `target`.
    Yield {
        value: Expr,
        target: Option<Target>,
    },
    /// `yield from` or `await`: delegates to a sub-iterator until it
    /// returns, then stores its return value.
    YieldFrom {
        value: Expr,
        target: Option<Target>,
        delegate: Delegate,
    },
}

/// What an [`Instr::YieldFrom`] delegates to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Delegate {
    /// `yield from x`: `iter(x)`.
    Iterator,
    /// `await x`: `x`'s awaitable iterator.
    Awaitable,
    /// The awaitable an `async for` loop's `__anext__()` returned, which
    /// the loop names in its error when it is none.
    NextItem,
    /// What an `async with`'s `__aenter__()` returned, named in the error
    /// when it has no `__await__` (CPython's `GET_AWAITABLE 1`).
    Entered,
    /// What its `__aexit__(…)` returned (`GET_AWAITABLE 2`).
    Exited,
}

/// One `case` clause's pattern, matched against the subject in a slot by
/// [`Instr::Match`].
pub struct MatchCase {
    /// The slot holding the `match` statement's subject.
    pub subject: u32,
    pub pattern: Pattern,
    /// Where the names the pattern captures go, stored in this order once
    /// the whole pattern has matched (a failed pattern binds nothing).
    pub targets: Vec<Target>,
    /// Where to go when the pattern does not match.
    pub fail: u32,
}

/// A pattern of a `case` clause. Captures are indices into
/// [`MatchCase::targets`].
pub enum Pattern {
    Wildcard,
    Capture(u32),
    /// `subject == value` (a literal or a dotted name).
    Value(Expr),
    /// `subject is value` (`None`, `True`, `False`).
    Singleton(Value),
    /// The items, where a star (a `Capture` or a `Wildcard`) stands at
    /// `star`.
    Sequence {
        items: Vec<Pattern>,
        star: Option<usize>,
    },
    Mapping {
        keys: Vec<Expr>,
        values: Vec<Pattern>,
        rest: Option<u32>,
    },
    Class {
        class: Expr,
        positional: Vec<Pattern>,
        keywords: Vec<(Name, Pattern)>,
        span: Span,
    },
    As(Box<Pattern>, u32),
    Or(Vec<Pattern>),
}

pub enum Target {
    Local(u32),
    Cell(u32),
    /// A module's global, with where the store last found it.
    Global(Name, NameIndex),
    Namespace(Name),
    /// `object.name`, with the span a failed store or delete points at
    /// (the whole target, as the subscript's).
    Attribute(Expr, Name, Box<StoreCache>, Span),
    Subscript(Expr, Expr, Span),
    /// Tuple/list unpacking, with the index of a starred item if any.
    Unpack {
        items: Vec<Target>,
        starred: Option<usize>,
        span: Span,
    },
}

pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// The value at `index` among `names`, if that is where `name` is
/// (compared by pointer first: identifiers are interned).
pub fn value_at(names: &NameMap, index: usize, name: &Name) -> Option<Value> {
    let (key, value) = names.get_index(index)?;
    (Rc::ptr_eq(key, name) || **key == **name).then(|| value.clone())
}

/// Whether `names` has `name`. An instance has a few names: comparing
/// them (by pointer first, then by length, first byte and bytes) costs
/// less than hashing the name. Inlined: a method call asks it of the
/// receiver every time (no instance attribute may hide the method).
#[inline]
pub fn has_name(names: &NameMap, name: &Name) -> bool {
    const SCANNED: usize = 8;
    if names.len() > SCANNED {
        return names.contains_key(&**name);
    }
    // Lengths first: they sit beside the keys' pointers, and names of
    // another length (most of them) need no further look; then the first
    // byte, which tells most others apart without comparing the rest.
    let length = name.len();
    let first = name.as_bytes().first();
    names.keys().any(|key| {
        key.len() == length
            && (Rc::ptr_eq(key, name) || (key.as_bytes().first() == first && **key == **name))
    })
}

/// The index at which an expression last found its name among some names
/// (a module's globals, an instance's or a module's attributes), checked
/// against the name before use: a namespace keeps its order and rarely
/// loses a name, so a stale index only costs the ordinary lookup.
#[derive(Default)]
pub struct NameIndex(Cell<u32>);

impl NameIndex {
    /// `names[name]` by reference, if the remembered index still holds
    /// this very (interned) name.
    pub fn peek<'a>(&self, names: &'a NameMap, name: &Name) -> Option<&'a Value> {
        match names.get_index(self.0.get() as usize) {
            Some((key, value)) if Rc::ptr_eq(key, name) => Some(value),
            _ => None,
        }
    }

    /// `names[name]`, remembering where it was found. Inlined: the hit is
    /// a comparison of pointers; the rest is out of line.
    #[inline(always)]
    pub fn lookup(&self, names: &NameMap, name: &Name) -> Option<Value> {
        match self.peek(names, name) {
            Some(value) => Some(value.clone()),
            None => self.search(names, name),
        }
    }

    /// [`NameIndex::lookup`]'s miss: the name at the remembered index as
    /// text (a key not interned), or hashed.
    #[inline(never)]
    fn search(&self, names: &NameMap, name: &Name) -> Option<Value> {
        value_at(names, self.0.get() as usize, name).or_else(|| {
            let (index, _, value) = names.get_full(&**name)?;
            self.0.set(index as u32);
            Some(value.clone())
        })
    }

    /// `names[name]` to write, if the remembered index still holds this
    /// very (interned) name.
    pub fn peek_mut<'a>(&self, names: &'a mut NameMap, name: &Name) -> Option<&'a mut Value> {
        match names.get_index_mut(self.0.get() as usize) {
            Some((key, value)) if Rc::ptr_eq(key, name) => Some(value),
            _ => None,
        }
    }

    pub fn remember(&self, index: usize) {
        self.0.set(index as u32);
    }

    /// `names[name] = value`, remembering where it went. A new name is
    /// inserted as the interned `name`, so that later reads of it compare
    /// by pointer.
    pub fn store(&self, names: &mut NameTable, name: &Name, value: Value) {
        if let Some((key, slot)) = names.get_index_mut(self.0.get() as usize) {
            if Rc::ptr_eq(key, name) || **key == **name {
                *slot = value;
                return;
            }
        }
        let index = names.insert_full(name.clone(), value);
        self.0.set(index as u32);
    }
}

/// Where a global name was found the last time this expression ran, so
/// that a hit costs no hashing: its index among the module's globals, or
/// its index among the builtins, valid while the module's globals are at
/// the version they had then (no global of that name can have appeared).
#[derive(Default)]
pub struct GlobalSlot {
    pub global: NameIndex,
    builtin: Cell<Option<(usize, u64)>>,
}

impl GlobalSlot {
    /// The builtin's index, if it was found there at `globals_version`.
    pub fn builtin(&self, globals_version: u64) -> Option<usize> {
        match self.builtin.get() {
            Some((index, version)) if version == globals_version => Some(index),
            _ => None,
        }
    }

    pub fn set_builtin(&self, index: usize, globals_version: u64) {
        self.builtin.set(Some((index, globals_version)));
    }
}

/// What an attribute expression (`x.name`, `x.name(…)`) found the last
/// time it ran, so that the next run on an object of the same class does
/// not hash the name:
/// - the receiver's class (by address, at a class epoch — see
///   `runtime::object::class_epoch`) and where that class's lookup found
///   the name, if anywhere;
/// - the index of the name among the object's own names (an instance's
///   or a module's), checked against the name before use.
///
/// Boxed in the expression, which it would otherwise enlarge by half.
#[derive(Default)]
pub struct AttributeCache {
    class: SeenClass,
    in_class: Cell<Option<(u32, u32)>>,
    /// The entry point of what was found, when it is a builtin method.
    builtin: Cell<Option<NativeFn>>,
    /// Whether the class has a `__getattribute__` of its own, which every
    /// read of an instance's attribute must call.
    own_getattribute: Cell<bool>,
    own: NameIndex,
    /// The `keys_id` of the instance names last found without the name.
    absent_from: Cell<u64>,
    /// In a method call, where its attribute is written (`obj.name` of
    /// `obj.name(…)`): what a failed lookup points at.
    pub method_span: Span,
}

impl AttributeCache {
    pub fn of_method(span: Span) -> Box<AttributeCache> {
        Box::new(AttributeCache {
            method_span: span,
            ..AttributeCache::default()
        })
    }

    /// Whether an instance's own `names` lack `name` (the expression's):
    /// looked for only when the keys are not the ones last found without
    /// it.
    #[inline(always)]
    pub fn lacks_own(&self, names: &NameTable, name: &Name) -> bool {
        if names.keys_id() == self.absent_from.get() {
            return true;
        }
        if has_name(names, name) {
            return false;
        }
        self.absent_from.set(names.keys_id());
        true
    }

    /// `class.lookup(name)`, by position when the cache holds this class.
    #[inline(always)]
    pub fn class_attribute(&self, class: &Rc<Class>, name: &str) -> Option<Value> {
        self.refresh(class, name);
        class.attribute_at(self.in_class.get()?)
    }

    /// The entry point of the builtin method `class` has as `name`, if
    /// that is what it has.
    pub fn builtin_method(&self, class: &Rc<Class>, name: &str) -> Option<NativeFn> {
        self.refresh(class, name);
        self.builtin.get()
    }

    /// Inlined: the hit is a compare; the miss, out of line, would make
    /// every call pay its prologue.
    #[inline(always)]
    fn refresh(&self, class: &Rc<Class>, name: &str) {
        if !self.class.is(class) {
            self.recompute(class, name);
        }
    }

    #[cold]
    #[inline(never)]
    fn recompute(&self, class: &Rc<Class>, name: &str) {
        let found = class.find(name);
        self.in_class.set(found);
        let builtin = match found.and_then(|at| class.attribute_at(at)) {
            Some(Value::Builtin(builtin)) if builtin.is_descriptor() => Some(builtin.func),
            _ => None,
        };
        self.builtin.set(builtin);
        self.own_getattribute
            .set(class.own_getattribute().is_some());
    }

    /// Whether reading attributes of `class`'s instances calls a
    /// `__getattribute__` of its own. Answered for the class that the last
    /// `class_attribute` or `builtin_method` was asked about.
    pub fn calls_own_getattribute(&self) -> bool {
        self.own_getattribute.get()
    }

    /// [`AttributeCache::own_attribute`] by reference, when the name is
    /// where it was found last.
    pub fn own_peek<'a>(&self, names: &'a NameMap, name: &Name) -> Option<&'a Value> {
        self.own.peek(names, name)
    }

    /// `names[name]` for the object's own names.
    pub fn own_attribute(&self, names: &NameMap, name: &Name) -> Option<Value> {
        self.own.lookup(names, name)
    }
}

/// What an attribute store (`x.name = value`, `x.name += value`) found
/// the last time it ran: whether the receiver's class leaves the name to
/// the instance's own names (no attribute of that name that could be a
/// descriptor, no `__setattr__` of its own), and where among them the
/// name was.
#[derive(Default)]
pub struct StoreCache {
    class: SeenClass,
    plain: Cell<bool>,
    own: NameIndex,
}

impl StoreCache {
    /// Whether storing on an instance of `class` is a plain store, asking
    /// `decide` when the cache does not hold this class.
    #[inline]
    pub fn is_plain(&self, class: &Rc<Class>, decide: impl FnOnce() -> bool) -> bool {
        if !self.class.is(class) {
            self.plain.set(decide());
        }
        self.plain.get()
    }

    /// `names[name] = value`, keeping the name's place (and interned key).
    pub fn store_own(&self, names: &mut NameTable, name: &Name, value: Value) {
        self.own.store(names, name, value);
    }

    /// `names[name]`, remembering where it was found.
    pub fn own_value(&self, names: &NameMap, name: &Name) -> Option<Value> {
        self.own.lookup(names, name)
    }
}

/// The class a cache's answer is about: its address, at a class epoch
/// (see `runtime::object::class_epoch`: any change to any class makes
/// every answer stale).
#[derive(Default)]
struct SeenClass {
    class: Cell<usize>,
    epoch: Cell<u64>,
}

impl SeenClass {
    /// Whether the answer is about `class` as it is now; if not, it will
    /// be (the caller recomputes it).
    fn is(&self, class: &Rc<Class>) -> bool {
        let address = Rc::as_ptr(class) as usize;
        let epoch = class_epoch();
        if self.class.get() == address && self.epoch.get() == epoch {
            return true;
        }
        self.class.set(address);
        self.epoch.set(epoch);
        false
    }
}

// A plain tag byte: without it the kind would be encoded in a niche of
// the largest variant (a `Vec`'s capacity), and every match of the
// walker — two or three per node — would first decode it (fib: 7% fewer
// instructions with the tag, for 8 more bytes per node).
#[repr(u8)]
pub enum ExprKind {
    Const(Value),
    /// A local slot; the name index is the slot (for error messages).
    Local(u32),
    Cell(u32),
    Global(Name, GlobalSlot),
    Namespace(Name),
    /// `__class__` read in a method (`ast::Binding::DefiningClass`).
    DefiningClass,
    /// The exception being handled (`except E as name` binds it).
    CurrentException,
    FString(Vec<FStringPart>),
    List(Vec<Element>),
    /// An empty list with room for what the iterator in the slot has left
    /// (a list comprehension's, which appends an item per item).
    ListWithRoomFor(u32),
    Tuple(Vec<Element>),
    Set(Vec<Element>),
    /// A set display of more than two constants, which CPython compiles to
    /// a frozenset constant merged into a new set (the order differs).
    ConstantSet(Vec<Value>),
    /// A set display of constants that a `for` or a comprehension
    /// iterates: CPython's frozenset constant itself.
    ConstantFrozenSet(Vec<Value>),
    Dict(Vec<DictElement>),
    Attribute(Box<Expr>, Name, Box<AttributeCache>),
    /// A special method looked up on the value's type and bound to it
    /// (`with` uses it for `__enter__`/`__exit__`).
    LookupSpecial(Box<Expr>, Name),
    Subscript(Box<Expr>, Box<Expr>),
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    Call(Box<Expr>, Vec<Argument>),
    /// `receiver.name(args)`: looks the method up without making a bound
    /// method object.
    CallMethod(Box<Expr>, Name, Vec<Argument>, Box<AttributeCache>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    IfExp(Box<Expr>, Box<Expr>, Box<Expr>),
    MakeFunction(Rc<FunctionTemplate>),
    MakeClass(Rc<ClassTemplate>),
    /// The async iterator an `async for` iterates (`GET_AITER`).
    AsyncIter(Box<Expr>),
    /// Runs a comprehension's code on `iter(first_iterable)` — or, when
    /// its first `for` is an `async for` (the flag), `aiter(…)`.
    Comprehension(Rc<FunctionTemplate>, Box<Expr>, bool),
    /// `target := value`
    NamedExpr(Box<Target>, Box<Expr>),
}

pub enum Element {
    Single(Expr),
    Starred(Expr),
}

pub enum DictElement {
    Pair(Expr, Expr),
    Unpack(Expr),
}

pub enum Argument {
    Positional(Expr),
    Starred(Expr),
    Keyword(Name, Expr),
    DoubleStarred(Expr),
}

pub enum FStringPart {
    Literal(Rc<str>),
    Value {
        value: Expr,
        conversion: Option<char>,
        spec: Option<Vec<FStringPart>>,
    },
}

/// What a `def`/`lambda`/comprehension expression needs to make a function.
pub struct FunctionTemplate {
    pub code: Rc<Code>,
    pub defaults: Vec<Expr>,
    pub kw_defaults: Vec<Option<Expr>>,
    /// The annotated parameters' names (and `return`) with their
    /// annotations, evaluated when the `def` runs.
    pub annotations: Vec<(Name, Expr)>,
    /// For each free variable: the index of the cell in the defining frame.
    pub closure: Vec<u32>,
    pub comprehension: Option<ComprehensionKind>,
}

pub struct ClassTemplate {
    pub name: Name,
    pub body: Rc<Code>,
    pub bases: Vec<Argument>,
    pub closure: Vec<u32>,
}
