//! The abstract syntax tree that the parser builds and the resolver annotates.
//!
//! Every node carries the byte [`Span`] of the source it came from. The tree
//! knows nothing of runtime values: constants are kept as source-level
//! literals, and name resolution results are plain indices ([`Binding`],
//! [`ScopeInfo`]) written in place by `resolve`.

use std::rc::Rc;

use num_bigint::BigInt;

pub use super::span::Span;

/// An identifier as written in the source.
pub type Name = Rc<str>;

/// The one shared `Name` for an identifier's text. Identifiers from the
/// lexer and the builtins' names are interned, so the same name written in
/// two places is the same pointer — which the global-name cache compares
/// before it compares text.
pub fn intern(text: &str) -> Name {
    thread_local! {
        static NAMES: std::cell::RefCell<hashbrown::HashSet<Name>> = Default::default();
    }
    NAMES.with_borrow_mut(|names| match names.get(text) {
        Some(name) => name.clone(),
        None => {
            let name: Name = text.into();
            names.insert(name.clone());
            name
        }
    })
}

/// A whole module (file, `-c` string, or one REPL input).
#[derive(Debug, Clone)]
pub struct Module {
    pub body: Vec<Stmt>,
    /// Filled by the resolver: the module's own scope (its names are globals).
    pub scope: ScopeInfo,
}

#[derive(Debug, Clone)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum StmtKind {
    Expr(Expr),
    /// `a = b = value`: targets in source order.
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    AnnAssign {
        target: Expr,
        annotation: Expr,
        value: Option<Expr>,
    },
    Delete(Vec<Expr>),
    Pass,
    Break,
    Continue,
    Return(Option<Expr>),
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    For {
        is_async: bool,
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    With {
        is_async: bool,
        items: Vec<WithItem>,
        body: Vec<Stmt>,
    },
    FunctionDef(Box<FunctionDef>),
    ClassDef(Box<ClassDef>),
    /// `match subject:` with its `case` clauses.
    Match {
        subject: Expr,
        cases: Vec<MatchCase>,
    },
    Try {
        body: Vec<Stmt>,
        handlers: Vec<ExceptHandler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
    },
    Raise {
        exc: Option<Expr>,
        cause: Option<Expr>,
    },
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    Global(Vec<Name>),
    Nonlocal(Vec<Name>),
    /// `import a.b as c, d`
    Import(Vec<Alias>),
    /// `from m import a, b as c`
    ImportFrom {
        module: Name,
        names: Vec<Alias>,
    },
    /// `from m import *`, at module level only.
    ImportStar {
        module: Name,
    },
}

/// One `case pattern if guard:` clause of a `match` statement.
#[derive(Debug, Clone)]
pub struct MatchCase {
    pub pattern: Pattern,
    pub guard: Option<Expr>,
    pub body: Vec<Stmt>,
}

/// A pattern of a `case` clause (PEP 634). The names it binds are `Name`
/// expressions, which the resolver binds as assignment targets.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub kind: PatternKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum PatternKind {
    /// A literal (number, string) or a dotted name: `subject == value`.
    Value(Expr),
    /// `None`, `True`, `False`: `subject is value`.
    Singleton(Constant),
    /// `[a, *rest]`, `(a, b)`, `a, b`.
    Sequence(Vec<Pattern>),
    /// `*name` (or `*_`, `None`) inside a sequence pattern.
    Star(Option<Expr>),
    /// `{key: pattern, **rest}`.
    Mapping {
        keys: Vec<Expr>,
        patterns: Vec<Pattern>,
        rest: Option<Expr>,
    },
    /// `Class(p, name=p)`.
    Class {
        class: Expr,
        patterns: Vec<Pattern>,
        keywords: Vec<(Name, Span, Pattern)>,
    },
    /// A capture (`name`), the wildcard (`_`: no name), or `pattern as name`.
    As {
        pattern: Option<Box<Pattern>>,
        name: Option<Expr>,
    },
    /// `a | b | c`.
    Or(Vec<Pattern>),
}

#[derive(Debug, Clone)]
pub struct Alias {
    pub name: Name,
    pub asname: Option<Name>,
    /// The name the import binds: `asname`, or the first part of `name`;
    /// mangled by the resolver inside a class.
    pub target: Name,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct WithItem {
    pub context: Expr,
    pub target: Option<Expr>,
}

#[derive(Debug, Clone)]
pub struct ExceptHandler {
    /// `None` for a bare `except:`.
    pub kind: Option<Expr>,
    /// `except*`: what it matches is split out of an exception group.
    pub star: bool,
    pub name: Option<Name>,
    /// Filled by the resolver when `name` is given.
    pub name_binding: Binding,
    pub body: Vec<Stmt>,
    pub span: Span,
}

/// `def`, `async def` and `lambda` (whose body is one `return`).
#[derive(Debug, Clone)]
pub struct FunctionDef {
    /// The function's `__name__`.
    pub name: Name,
    /// The name `def` binds: `name`, mangled by the resolver inside a class
    /// (`def __m` there binds `_Class__m`; its `__name__` stays `__m`).
    pub target: Name,
    pub params: Parameters,
    pub body: Vec<Stmt>,
    pub decorators: Vec<Expr>,
    pub returns: Option<Expr>,
    pub is_async: bool,
    pub is_lambda: bool,
    pub span: Span,
    /// Filled by the resolver.
    pub scope: ScopeInfo,
}

#[derive(Debug, Clone, Default)]
pub struct Parameters {
    pub posonly: Vec<Param>,
    pub args: Vec<Param>,
    pub vararg: Option<Param>,
    pub kwonly: Vec<Param>,
    pub kwarg: Option<Param>,
}

impl Parameters {
    /// All parameters in slot order: positional-only, positional, `*args`,
    /// keyword-only, `**kwargs` — the order the resolver gives them slots.
    pub fn all(&self) -> impl Iterator<Item = &Param> {
        self.posonly
            .iter()
            .chain(&self.args)
            .chain(&self.vararg)
            .chain(&self.kwonly)
            .chain(&self.kwarg)
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: Name,
    pub annotation: Option<Expr>,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ClassDef {
    /// The class's `__name__`.
    pub name: Name,
    /// The name `class` binds: `name`, mangled by the resolver inside a class.
    pub target: Name,
    /// Positional bases and keywords (`metaclass=` among them).
    pub bases: Vec<Arg>,
    pub body: Vec<Stmt>,
    pub decorators: Vec<Expr>,
    pub span: Span,
    /// Filled by the resolver.
    pub scope: ScopeInfo,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Name {
        id: Name,
        /// Filled by the resolver.
        binding: Binding,
    },
    Constant(Constant),
    /// An f-string, already split into literal text and parsed expressions.
    FString(Vec<FStringPart>),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Set(Vec<Expr>),
    Dict(Vec<DictItem>),
    /// `*x` inside a display, a call or an assignment target.
    Starred(Box<Expr>),
    Attribute {
        value: Box<Expr>,
        attr: Name,
    },
    Subscript {
        value: Box<Expr>,
        index: Box<Expr>,
    },
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    Call {
        func: Box<Expr>,
        args: Vec<Arg>,
    },
    UnaryOp {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    BinOp {
        left: Box<Expr>,
        op: BinOp,
        right: Box<Expr>,
    },
    BoolOp {
        op: BoolOp,
        values: Vec<Expr>,
    },
    /// `a < b <= c`: the first operand, then each operator with its right operand.
    Compare {
        left: Box<Expr>,
        ops: Vec<(CmpOp, Expr)>,
    },
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    Lambda(Box<FunctionDef>),
    /// List, set and dict comprehensions and generator expressions.
    Comprehension(Box<Comprehension>),
    Await(Box<Expr>),
    Yield(Option<Box<Expr>>),
    YieldFrom(Box<Expr>),
    /// `target := value`; the target is always a `Name`.
    NamedExpr {
        target: Box<Expr>,
        value: Box<Expr>,
    },
}

#[derive(Debug, Clone)]
pub enum Constant {
    None,
    True,
    False,
    Ellipsis,
    Int(i64),
    BigInt(Rc<BigInt>),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<Vec<u8>>),
}

#[derive(Debug, Clone)]
pub enum FStringPart {
    Literal(Rc<str>),
    Replacement {
        value: Box<Expr>,
        /// `=` debug form: the text to print before the value, e.g. `"x + 1="`.
        debug_text: Option<Rc<str>>,
        /// `!r`, `!s` or `!a`.
        conversion: Option<char>,
        /// The part after `:`; may itself hold replacements.
        format_spec: Option<Vec<FStringPart>>,
    },
}

#[derive(Debug, Clone)]
pub enum DictItem {
    KeyValue(Expr, Expr),
    /// `**mapping`
    Unpack(Expr),
}

#[derive(Debug, Clone)]
pub enum Arg {
    Positional(Expr),
    /// `*iterable`
    Star(Expr),
    Keyword {
        name: Name,
        value: Expr,
        span: Span,
    },
    /// `**mapping`
    DoubleStar(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComprehensionKind {
    List,
    Set,
    Dict,
    Generator,
}

/// A comprehension is its own function scope, as in CPython: the first
/// iterable is evaluated outside it, everything else inside.
#[derive(Debug, Clone)]
pub struct Comprehension {
    pub kind: ComprehensionKind,
    /// The element; for a dict comprehension the key.
    pub element: Expr,
    /// The value of a dict comprehension.
    pub value: Option<Expr>,
    pub generators: Vec<ComprehensionFor>,
    pub span: Span,
    /// Filled by the resolver.
    pub scope: ScopeInfo,
}

#[derive(Debug, Clone)]
pub struct ComprehensionFor {
    pub is_async: bool,
    pub target: Expr,
    pub iter: Expr,
    pub conditions: Vec<Expr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Pos,
    Invert,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    MatMul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    BitOr,
    BitXor,
    BitAnd,
}

impl BinOp {
    /// The operator as written, for error messages.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::MatMul => "@",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::BitAnd => "&",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolOp {
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    Is,
    IsNot,
    In,
    NotIn,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

/// Where a name lives at run time, as decided by the resolver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Binding {
    /// Not yet resolved (the parser's output).
    #[default]
    Unresolved,
    /// A slot in the frame's local array.
    Local(u32),
    /// A cell in the frame's cell array: the frame's own captured locals
    /// first, then the free variables it closes over.
    Cell(u32),
    /// The module's globals, then builtins.
    Global,
    /// A class body or module-level name: the namespace, then globals, then builtins.
    Namespace,
    /// `__class__` in a function of a class body, which neither binds it:
    /// the class the function was defined in (CPython's implicit cell,
    /// the one zero-argument `super()` reads).
    DefiningClass,
}

/// What the resolver learned about one scope (module, class, function,
/// lambda or comprehension).
#[derive(Debug, Clone, Default)]
pub struct ScopeInfo {
    /// Number of local slots; parameters take the first ones, in
    /// [`Parameters::all`] order.
    pub local_count: u32,
    /// Names of the local slots, for error messages (`local variable 'x' ...`).
    pub local_names: Vec<Name>,
    /// The frame's own variables that inner scopes capture, by name; a
    /// parameter among them is copied from its slot into its cell on entry.
    pub cell_names: Vec<Name>,
    /// For each cell that is a parameter: (parameter slot, cell index).
    pub parameter_cells: Vec<(u32, u32)>,
    /// Free variables, by name, with the index of the cell in the *enclosing*
    /// scope's cell array that the closure captures at definition time.
    pub free_vars: Vec<(Name, u32)>,
    /// The body contains `yield`: calling it makes a generator.
    pub is_generator: bool,
}
