//! Name resolution: decides, before anything runs, where every name lives.
//!
//! Takes the parser's [`Module`] and annotates it in place: each
//! `Name` gets a [`Binding`] (a local slot, a closure cell, a global, or a
//! class/module namespace lookup) and each scope its [`ScopeInfo`] (slot
//! count, cells, free variables). It also raises the errors CPython's
//! compiler raises before running (`'return' outside function`, …).
//!
//! It walks the tree twice with the same walker: the first walk records
//! which names each scope binds, declares and uses; then every scope's
//! names are classified (which needs the whole tree, since an inner
//! function can turn an outer local into a cell); the second walk writes
//! the results into the nodes. Scopes are numbered in walk order, which is
//! what ties the two walks together.

/// The resolver's maps of names, hashed by hashbrown's fast hasher: the
/// default, SipHash, resists collision attacks that do not apply to a
/// program's own identifiers, and was a twentieth of compiling asyncio's
/// Python.
type IndexMap<K, V> = indexmap::IndexMap<K, V, hashbrown::DefaultHashBuilder>;
type IndexSet<T> = indexmap::IndexSet<T, hashbrown::DefaultHashBuilder>;

use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;

/// Resolves a module; `interactive` allows top-level `await` (the REPL).
pub fn resolve_module(
    module: &mut Module,
    interactive: bool,
) -> std::result::Result<(), SyntaxError> {
    let mut resolver = Resolver {
        phase: Phase::Collect,
        scopes: Vec::new(),
        stack: Vec::new(),
        next_scope: 0,
        interactive,
        nonlocals: Vec::new(),
        star_handlers: Vec::new(),
        private: None,
        comprehension_iterables: 0,
    };
    resolver.walk_module(module)?;
    for (scope, name, span) in &resolver.nonlocals {
        if !resolver.enclosing_function_binds(*scope, name) {
            return Err(SyntaxError::new(
                format!("no binding for nonlocal '{name}' found"),
                *span,
            ));
        }
    }
    resolver.analyze();
    resolver.phase = Phase::Annotate;
    resolver.next_scope = 0;
    resolver.walk_module(module)
}

/// CPython's private-name mangling: `name` as written in the body of
/// class `class` (or a function in it), if it is a private name there —
/// `__spam`, not ending in `__`, is `_Class__spam`, the class's name
/// stripped of its leading underscores, unless that leaves nothing.
pub fn mangle(class: &str, name: &str) -> Option<String> {
    let prefix = class.trim_start_matches('_');
    let private = name.starts_with("__") && !name.ends_with("__") && !name.contains('.');
    (private && !prefix.is_empty()).then(|| format!("_{prefix}{name}"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Collect,
    Annotate,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ScopeKind {
    Module,
    Class,
    Function { is_async: bool },
    Comprehension,
}

#[derive(Default, Clone, Copy)]
struct Usage {
    bound: bool,
    used: bool,
    parameter: bool,
    global: bool,
    nonlocal: bool,
    /// `name: annotation` in this (function or class) scope.
    annotated: bool,
}

/// Where a name of one scope ends up after analysis.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Local,
    Cell,
    Free,
    Global,
    Namespace,
    ImplicitClassCell,
}

struct Scope {
    kind: ScopeKind,
    parent: Option<usize>,
    names: IndexMap<Name, Usage>,
    /// Filled by `analyze`.
    classes: IndexMap<Name, Class>,
    locals: IndexSet<Name>,
    cells: IndexSet<Name>,
    frees: IndexSet<Name>,
    is_generator: bool,
}

struct Resolver {
    phase: Phase,
    scopes: Vec<Scope>,
    /// The scopes being walked, innermost last, with their loop depth.
    stack: Vec<(usize, u32)>,
    next_scope: usize,
    interactive: bool,
    /// `nonlocal` declarations, checked once every binding is known.
    nonlocals: Vec<(usize, Name, Span)>,
    /// The `except*` clauses being walked: how many scopes were being
    /// walked then, and the loop depth.
    star_handlers: Vec<(usize, u32)>,
    /// The innermost enclosing class's name: what private names are
    /// mangled with.
    private: Option<Name>,
    /// How many comprehensions' iterables are being walked, where an
    /// assignment expression is an error.
    comprehension_iterables: u32,
}

type Result<T = ()> = std::result::Result<T, SyntaxError>;

const LEAVES_STAR_HANDLER: &str =
    "'break', 'continue' and 'return' cannot appear in an except* block";

impl Resolver {
    /// Mangles a private name ([`mangle`]) inside a class: in names,
    /// attributes, parameters and what `def`, `class`, `import`, `global`
    /// and `except … as` bind, but not in a call's keywords. Idempotent, so
    /// both walks may apply it.
    fn mangle(&self, name: &mut Name) {
        if let Some(class) = &self.private {
            if let Some(mangled) = mangle(class, name) {
                *name = intern(&mangled);
            }
        }
    }

    fn current(&self) -> usize {
        self.stack.last().map_or(0, |&(scope, _)| scope)
    }

    fn kind(&self) -> ScopeKind {
        self.scopes[self.current()].kind
    }

    fn enter(&mut self, kind: ScopeKind) -> usize {
        let id = self.next_scope;
        self.next_scope += 1;
        if self.phase == Phase::Collect {
            let parent = self.stack.last().map(|&(scope, _)| scope);
            self.scopes.push(Scope {
                kind,
                parent,
                names: IndexMap::default(),
                classes: IndexMap::default(),
                locals: IndexSet::default(),
                cells: IndexSet::default(),
                frees: IndexSet::default(),
                is_generator: false,
            });
        }
        self.stack.push((id, 0));
        id
    }

    fn leave(&mut self) {
        self.stack.pop();
    }

    fn usage(&mut self, name: &Name) -> &mut Usage {
        let scope = self.current();
        self.scopes[scope].names.entry(name.clone()).or_default()
    }

    /// Records a binding of `name` (phase 1) or returns where it lives (phase 2).
    fn bind(&mut self, name: &Name) -> Binding {
        match self.phase {
            Phase::Collect => {
                self.usage(name).bound = true;
                Binding::Unresolved
            }
            Phase::Annotate => self.binding_of(self.current(), name),
        }
    }

    fn use_name(&mut self, name: &Name) -> Binding {
        match self.phase {
            Phase::Collect => {
                self.usage(name).used = true;
                Binding::Unresolved
            }
            Phase::Annotate => self.binding_of(self.current(), name),
        }
    }

    fn binding_of(&self, scope_id: usize, name: &str) -> Binding {
        let scope = &self.scopes[scope_id];
        match scope.classes.get(name) {
            Some(Class::Local) => {
                Binding::Local(scope.locals.get_index_of(name).unwrap_or(0) as u32)
            }
            Some(Class::Cell) => Binding::Cell(scope.cells.get_index_of(name).unwrap_or(0) as u32),
            Some(Class::Free) => Binding::Cell(
                (scope.cells.len() + scope.frees.get_index_of(name).unwrap_or(0)) as u32,
            ),
            Some(Class::Namespace) => Binding::Namespace,
            Some(Class::Global) => Binding::Global,
            Some(Class::ImplicitClassCell) => Binding::DefiningClass,
            None => match scope.kind {
                ScopeKind::Module => Binding::Global,
                ScopeKind::Class => Binding::Namespace,
                _ => Binding::Global,
            },
        }
    }

    // ---- analysis ----

    /// Classifies every name of every scope, then threads each free
    /// variable to the scope that owns it (whose local becomes a cell).
    /// Parameters always keep their slots, even when they are also cells.
    fn analyze(&mut self) {
        for id in 0..self.scopes.len() {
            let names: Vec<(Name, Usage)> = self.scopes[id]
                .names
                .iter()
                .map(|(n, u)| (n.clone(), *u))
                .collect();
            let kind = self.scopes[id].kind;
            for (name, usage) in names {
                let class = match kind {
                    ScopeKind::Module => Class::Global,
                    _ if usage.global => Class::Global,
                    _ if usage.nonlocal => Class::Free,
                    ScopeKind::Class if usage.bound => Class::Namespace,
                    ScopeKind::Class => {
                        if self.enclosing_function_binds(id, &name) {
                            Class::Free
                        } else {
                            Class::Namespace
                        }
                    }
                    _ if usage.bound || usage.parameter => Class::Local,
                    _ => {
                        if self.enclosing_function_binds(id, &name) {
                            Class::Free
                        } else if &*name == "__class__" && self.inside_class(id) {
                            Class::ImplicitClassCell
                        } else {
                            Class::Global
                        }
                    }
                };
                self.scopes[id].classes.insert(name.clone(), class);
                if class == Class::Local || usage.parameter {
                    self.scopes[id].locals.insert(name);
                }
            }
        }
        // Free variables: each scope between the user and the owner passes
        // the cell through; the owner's local becomes a cell.
        for id in 0..self.scopes.len() {
            let frees: Vec<Name> = self.scopes[id]
                .classes
                .iter()
                .filter(|(_, c)| **c == Class::Free)
                .map(|(n, _)| n.clone())
                .collect();
            for name in frees {
                self.thread_free_variable(id, &name);
            }
        }
    }

    /// Whether a function scope enclosing `id` (class scopes are skipped,
    /// as in CPython) binds `name`.
    fn enclosing_function_binds(&self, id: usize, name: &str) -> bool {
        let mut scope = self.scopes[id].parent;
        while let Some(p) = scope {
            let s = &self.scopes[p];
            match s.kind {
                ScopeKind::Module => return false,
                ScopeKind::Class => {}
                _ => {
                    if let Some(u) = s.names.get(name) {
                        if u.global {
                            return false;
                        }
                        if u.bound || u.parameter || u.nonlocal {
                            return true;
                        }
                    }
                }
            }
            scope = s.parent;
        }
        false
    }

    /// Whether a class body encloses scope `id`.
    fn inside_class(&self, id: usize) -> bool {
        let mut scope = self.scopes[id].parent;
        while let Some(p) = scope {
            if self.scopes[p].kind == ScopeKind::Class {
                return true;
            }
            scope = self.scopes[p].parent;
        }
        false
    }

    fn thread_free_variable(&mut self, id: usize, name: &Name) {
        self.scopes[id].frees.insert(name.clone());
        let mut scope = self.scopes[id].parent;
        while let Some(p) = scope {
            let s = &mut self.scopes[p];
            match s.kind {
                ScopeKind::Module => return,
                ScopeKind::Class => {
                    s.frees.insert(name.clone());
                }
                ScopeKind::Function { .. } | ScopeKind::Comprehension => {
                    if matches!(s.classes.get(name), Some(Class::Local | Class::Cell)) {
                        s.classes.insert(name.clone(), Class::Cell);
                        s.cells.insert(name.clone());
                        return;
                    }
                    // A scope in between passes the cell through.
                    s.classes.insert(name.clone(), Class::Free);
                    s.frees.insert(name.clone());
                }
            }
            scope = s.parent;
        }
    }

    /// The finished [`ScopeInfo`] of a scope; `params` are the parameter names
    /// in slot order.
    fn scope_info(&self, id: usize) -> ScopeInfo {
        let scope = &self.scopes[id];
        let parent_cells = |name: &Name| -> u32 {
            let Some(p) = scope.parent else { return 0 };
            let parent = &self.scopes[p];
            match parent.cells.get_index_of(name) {
                Some(i) => i as u32,
                None => (parent.cells.len() + parent.frees.get_index_of(name).unwrap_or(0)) as u32,
            }
        };
        let parameter_cells = scope
            .names
            .iter()
            .filter(|(_, u)| u.parameter)
            .filter_map(|(name, _)| {
                let slot = scope.locals.get_index_of(name)?;
                let cell = scope.cells.get_index_of(name)?;
                Some((slot as u32, cell as u32))
            })
            .collect();
        ScopeInfo {
            local_count: scope.locals.len() as u32,
            local_names: scope.locals.iter().cloned().collect(),
            cell_names: scope.cells.iter().cloned().collect(),
            parameter_cells,
            free_vars: scope
                .frees
                .iter()
                .map(|name| (name.clone(), parent_cells(name)))
                .collect(),
            is_generator: scope.is_generator,
        }
    }

    // ---- the walk ----

    fn walk_module(&mut self, module: &mut Module) -> Result {
        let id = self.enter(ScopeKind::Module);
        self.walk_body(&mut module.body)?;
        self.leave();
        if self.phase == Phase::Annotate {
            module.scope = self.scope_info(id);
        }
        Ok(())
    }

    fn walk_body(&mut self, body: &mut [Stmt]) -> Result {
        body.iter_mut().try_for_each(|stmt| self.walk_stmt(stmt))
    }

    fn in_loop(&self) -> bool {
        self.stack.last().is_some_and(|&(_, depth)| depth > 0)
    }

    /// Whether a `break` or `continue` (`any_loop` false), or a `return`
    /// (true), would leave an `except*` clause, which CPython forbids.
    fn leaves_star_handler(&self, any_loop: bool) -> bool {
        let loops = self.stack.last().map_or(0, |&(_, depth)| depth);
        self.star_handlers.last().is_some_and(|&(scopes, depth)| {
            scopes == self.stack.len() && (any_loop || depth == loops)
        })
    }

    fn walk_loop_body(&mut self, body: &mut [Stmt]) -> Result {
        if let Some(top) = self.stack.last_mut() {
            top.1 += 1;
        }
        let result = self.walk_body(body);
        if let Some(top) = self.stack.last_mut() {
            top.1 -= 1;
        }
        result
    }

    fn walk_stmt(&mut self, stmt: &mut Stmt) -> Result {
        let span = stmt.span;
        match &mut stmt.kind {
            StmtKind::Expr(e) => self.walk_expr(e)?,
            StmtKind::Assign { targets, value } => {
                self.walk_expr(value)?;
                for t in targets {
                    self.walk_target(t)?;
                }
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.walk_expr(value)?;
                if let ExprKind::Name { id, .. } = &mut target.kind {
                    self.mangle(id);
                    let id = id.clone();
                    self.use_name(&id);
                }
                self.walk_target(target)?;
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
            } => {
                if let Some(v) = value {
                    self.walk_expr(v)?;
                }
                if !matches!(self.kind(), ScopeKind::Function { .. }) {
                    self.walk_expr(annotation)?;
                }
                if value.is_some() || matches!(target.kind, ExprKind::Name { .. }) {
                    self.walk_target(target)?;
                }
                // A (not parenthesized) name annotated where it is declared
                // global or nonlocal, as CPython's symtable refuses it.
                let simple = target.span.start == span.start;
                if let (ExprKind::Name { id, .. }, true, Phase::Collect) =
                    (&target.kind, simple, self.phase)
                {
                    if self.kind() != ScopeKind::Module {
                        let usage = self.usage(id);
                        let declared = match (usage.global, usage.nonlocal) {
                            (true, _) => Some("global"),
                            (_, true) => Some("nonlocal"),
                            _ => None,
                        };
                        usage.annotated = true;
                        if let Some(declared) = declared {
                            return Err(SyntaxError::new(
                                format!("annotated name '{id}' can't be {declared}"),
                                span,
                            ));
                        }
                    }
                }
            }
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.walk_target(t)?;
                }
            }
            StmtKind::Pass => {}
            // CPython looks for the loop from the inside out, and meets
            // the `except*` clause first.
            StmtKind::Break | StmtKind::Continue if self.leaves_star_handler(false) => {
                return Err(SyntaxError::new(LEAVES_STAR_HANDLER, span));
            }
            StmtKind::Break => {
                if !self.in_loop() {
                    return Err(SyntaxError::new("'break' outside loop", span));
                }
            }
            StmtKind::Continue => {
                if !self.in_loop() {
                    return Err(SyntaxError::new("'continue' not properly in loop", span));
                }
            }
            StmtKind::Return(_)
                if matches!(self.kind(), ScopeKind::Function { .. })
                    && self.leaves_star_handler(true) =>
            {
                return Err(SyntaxError::new(LEAVES_STAR_HANDLER, span));
            }
            StmtKind::Return(value) => {
                match self.kind() {
                    ScopeKind::Function { is_async } => {
                        if is_async && value.is_some() && self.phase == Phase::Collect {
                            let scope = self.current();
                            if self.scopes[scope].is_generator {
                                return Err(SyntaxError::new(
                                    "'return' with value in async generator",
                                    span,
                                ));
                            }
                        }
                    }
                    _ => return Err(SyntaxError::new("'return' outside function", span)),
                }
                if let Some(v) = value {
                    self.walk_expr(v)?;
                }
            }
            StmtKind::Match { subject, cases } => {
                self.walk_expr(subject)?;
                for case in cases {
                    self.walk_pattern(&mut case.pattern)?;
                    if let Some(guard) = &mut case.guard {
                        self.walk_expr(guard)?;
                    }
                    self.walk_body(&mut case.body)?;
                }
            }
            StmtKind::If { test, body, orelse } => {
                self.walk_expr(test)?;
                self.walk_body(body)?;
                self.walk_body(orelse)?;
            }
            StmtKind::While { test, body, orelse } => {
                self.walk_expr(test)?;
                self.walk_loop_body(body)?;
                self.walk_body(orelse)?;
            }
            StmtKind::For {
                is_async,
                target,
                iter,
                body,
                orelse,
            } => {
                if *is_async {
                    self.check_async("for", span)?;
                }
                self.walk_expr(iter)?;
                self.walk_target(target)?;
                self.walk_loop_body(body)?;
                self.walk_body(orelse)?;
            }
            StmtKind::With {
                is_async,
                items,
                body,
            } => {
                if *is_async {
                    self.check_async("with", span)?;
                }
                for item in items {
                    self.walk_expr(&mut item.context)?;
                    if let Some(t) = &mut item.target {
                        self.walk_target(t)?;
                    }
                }
                self.walk_body(body)?;
            }
            StmtKind::FunctionDef(def) => {
                for d in &mut def.decorators {
                    self.walk_expr(d)?;
                }
                self.mangle(&mut def.target);
                let target = def.target.clone();
                self.walk_function(def)?;
                self.bind(&target);
            }
            StmtKind::ClassDef(class) => {
                for d in &mut class.decorators {
                    self.walk_expr(d)?;
                }
                for base in &mut class.bases {
                    self.walk_arg(base)?;
                }
                self.mangle(&mut class.target);
                let id = self.enter(ScopeKind::Class);
                let outer_private = self.private.replace(class.name.clone());
                let walked = self.walk_body(&mut class.body);
                self.private = outer_private;
                self.leave();
                walked?;
                if self.phase == Phase::Annotate {
                    class.scope = self.scope_info(id);
                }
                let target = class.target.clone();
                self.bind(&target);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.walk_body(body)?;
                let handler_count = handlers.len();
                if let Some(bare) = handlers[..handler_count.saturating_sub(1)]
                    .iter()
                    .find(|h| h.kind.is_none())
                {
                    return Err(SyntaxError::new(
                        "default 'except:' must be last",
                        bare.span,
                    ));
                }
                for h in handlers {
                    if let Some(k) = &mut h.kind {
                        self.walk_expr(k)?;
                    }
                    if let Some(name) = &mut h.name {
                        self.mangle(name);
                        let name = name.clone();
                        h.name_binding = self.bind(&name);
                    }
                    if h.star {
                        let loops = self.stack.last().map_or(0, |&(_, depth)| depth);
                        self.star_handlers.push((self.stack.len(), loops));
                    }
                    let walked = self.walk_body(&mut h.body);
                    if h.star {
                        self.star_handlers.pop();
                    }
                    walked?;
                }
                self.walk_body(orelse)?;
                self.walk_body(finalbody)?;
            }
            StmtKind::Raise { exc, cause } => {
                if let Some(e) = exc {
                    self.walk_expr(e)?;
                }
                if let Some(c) = cause {
                    self.walk_expr(c)?;
                }
            }
            StmtKind::Assert { test, msg } => {
                self.walk_expr(test)?;
                if let Some(m) = msg {
                    self.walk_expr(m)?;
                }
            }
            StmtKind::Global(names) => {
                for name in names.iter_mut() {
                    self.mangle(name);
                    if self.phase == Phase::Collect {
                        let kind = self.kind();
                        let usage = self.usage(name);
                        if usage.annotated {
                            return Err(SyntaxError::new(
                                format!("annotated name '{name}' can't be global"),
                                span,
                            ));
                        }
                        if usage.parameter {
                            return Err(SyntaxError::new(
                                format!("name '{name}' is parameter and global"),
                                span,
                            ));
                        }
                        if usage.nonlocal {
                            return Err(SyntaxError::new(
                                format!("name '{name}' is nonlocal and global"),
                                span,
                            ));
                        }
                        if usage.used && kind != ScopeKind::Module {
                            return Err(SyntaxError::new(
                                format!("name '{name}' is used prior to global declaration"),
                                span,
                            ));
                        }
                        if usage.bound && kind != ScopeKind::Module {
                            return Err(SyntaxError::new(
                                format!("name '{name}' is assigned to before global declaration"),
                                span,
                            ));
                        }
                        usage.global = true;
                    }
                }
            }
            StmtKind::Nonlocal(names) => {
                if self.kind() == ScopeKind::Module {
                    return Err(SyntaxError::new(
                        "nonlocal declaration not allowed at module level",
                        span,
                    ));
                }
                for name in names.iter_mut() {
                    self.mangle(name);
                    if self.phase == Phase::Collect {
                        let usage = self.usage(name);
                        if usage.annotated {
                            return Err(SyntaxError::new(
                                format!("annotated name '{name}' can't be nonlocal"),
                                span,
                            ));
                        }
                        if usage.parameter {
                            return Err(SyntaxError::new(
                                format!("name '{name}' is parameter and nonlocal"),
                                span,
                            ));
                        }
                        if usage.global {
                            return Err(SyntaxError::new(
                                format!("name '{name}' is nonlocal and global"),
                                span,
                            ));
                        }
                        if usage.used {
                            return Err(SyntaxError::new(
                                format!("name '{name}' is used prior to nonlocal declaration"),
                                span,
                            ));
                        }
                        if usage.bound {
                            return Err(SyntaxError::new(
                                format!("name '{name}' is assigned to before nonlocal declaration"),
                                span,
                            ));
                        }
                        usage.nonlocal = true;
                        let current = self.current();
                        self.nonlocals.push((current, name.clone(), span));
                    }
                }
            }
            // Its names are known only when it runs: they go into the
            // module's globals, which every name lookup there reads.
            StmtKind::ImportStar { .. } => {
                if self.kind() != ScopeKind::Module {
                    return Err(SyntaxError::new(
                        "import * only allowed at module level",
                        span,
                    ));
                }
            }
            StmtKind::Import(aliases) | StmtKind::ImportFrom { names: aliases, .. } => {
                for alias in aliases {
                    self.mangle(&mut alias.target);
                    let target = alias.target.clone();
                    self.bind(&target);
                }
            }
        }
        Ok(())
    }

    /// An `async for` or `async with` (`statement` is `for` or `with`)
    /// must be in a coroutine.
    fn check_async(&self, statement: &str, span: Span) -> Result {
        match self.kind() {
            ScopeKind::Function { is_async: true } => Ok(()),
            ScopeKind::Module if self.interactive => Ok(()),
            ScopeKind::Comprehension => Ok(()),
            _ => Err(self.outside_async(
                format!("'async {statement}' outside async function"),
                &format!("async {statement}"),
                span,
            )),
        }
    }

    /// The error for `construct` (`await`, `async for`, …) where no
    /// coroutine runs, with what to do about it.
    fn outside_async(&self, message: String, construct: &str, span: Span) -> SyntaxError {
        let remedy = match self.kind() {
            ScopeKind::Function { .. } => {
                "declare this function `async def` (and `await` its calls)"
            }
            _ => "put this code in `async def main():` and run it with `asyncio.run(main())`",
        };
        SyntaxError::new(message, span).with_hint(format!(
            "`{construct}` works only inside an `async def` function: {remedy}"
        ))
    }

    fn walk_function(&mut self, def: &mut FunctionDef) -> Result {
        for param in def.params.all_mut() {
            self.mangle(&mut param.name);
            if let Some(d) = &mut param.default {
                self.walk_expr(d)?;
            }
            if let Some(a) = &mut param.annotation {
                self.walk_expr(a)?;
            }
        }
        if let Some(r) = &mut def.returns {
            self.walk_expr(r)?;
        }
        let id = self.enter(ScopeKind::Function {
            is_async: def.is_async,
        });
        if self.phase == Phase::Collect {
            for param in def.params.all() {
                let usage = self.usage(&param.name);
                usage.parameter = true;
                usage.bound = true;
            }
        }
        let result = self.walk_body(&mut def.body);
        self.leave();
        result?;
        if self.phase == Phase::Annotate {
            def.scope = self.scope_info(id);
        }
        Ok(())
    }

    fn walk_target(&mut self, target: &mut Expr) -> Result {
        match &mut target.kind {
            ExprKind::Name { id, binding } => {
                self.mangle(id);
                let id = id.clone();
                *binding = self.bind(&id);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for item in items {
                    self.walk_target(item)?;
                }
            }
            ExprKind::Starred(inner) => self.walk_target(inner)?,
            _ => self.walk_expr(target)?,
        }
        Ok(())
    }

    /// A `case` pattern: its captures are stores, its values and classes
    /// loads.
    fn walk_pattern(&mut self, pattern: &mut Pattern) -> Result {
        match &mut pattern.kind {
            PatternKind::Value(e) => self.walk_expr(e)?,
            PatternKind::Singleton(_) => {}
            PatternKind::Sequence(items) | PatternKind::Or(items) => {
                for item in items {
                    self.walk_pattern(item)?;
                }
            }
            PatternKind::Star(name) => {
                if let Some(name) = name {
                    self.walk_target(name)?;
                }
            }
            PatternKind::Mapping {
                keys,
                patterns,
                rest,
            } => {
                for key in keys {
                    self.walk_expr(key)?;
                }
                for item in patterns {
                    self.walk_pattern(item)?;
                }
                if let Some(rest) = rest {
                    self.walk_target(rest)?;
                }
            }
            PatternKind::Class {
                class,
                patterns,
                keywords,
            } => {
                self.walk_expr(class)?;
                for item in patterns {
                    self.walk_pattern(item)?;
                }
                for (_, _, item) in keywords {
                    self.walk_pattern(item)?;
                }
            }
            PatternKind::As { pattern, name } => {
                if let Some(pattern) = pattern {
                    self.walk_pattern(pattern)?;
                }
                if let Some(name) = name {
                    self.walk_target(name)?;
                }
            }
        }
        Ok(())
    }

    fn walk_arg(&mut self, arg: &mut Arg) -> Result {
        match arg {
            Arg::Positional(e) | Arg::Star(e) | Arg::DoubleStar(e) => self.walk_expr(e),
            Arg::Keyword { value, .. } => self.walk_expr(value),
        }
    }

    fn mark_generator(&mut self, span: Span, what: &str) -> Result {
        match self.kind() {
            ScopeKind::Function { is_async } => {
                if is_async && what == "'yield from'" {
                    return Err(SyntaxError::new("'yield from' inside async function", span));
                }
                let scope = self.current();
                self.scopes[scope].is_generator = true;
                Ok(())
            }
            ScopeKind::Comprehension => Err(SyntaxError::new(
                format!("{what} inside {}", "list comprehension"),
                span,
            )),
            _ => Err(SyntaxError::new(format!("{what} outside function"), span)),
        }
    }

    fn walk_expr(&mut self, expr: &mut Expr) -> Result {
        let span = expr.span;
        match &mut expr.kind {
            ExprKind::Name { id, binding } => {
                self.mangle(id);
                let id = id.clone();
                *binding = self.use_name(&id);
            }
            ExprKind::Constant(_) => {}
            ExprKind::FString(parts) => self.walk_fstring(parts)?,
            ExprKind::List(items) | ExprKind::Tuple(items) | ExprKind::Set(items) => {
                for item in items {
                    self.walk_expr(item)?;
                }
            }
            ExprKind::Dict(items) => {
                for item in items {
                    match item {
                        DictItem::KeyValue(k, v) => {
                            self.walk_expr(k)?;
                            self.walk_expr(v)?;
                        }
                        DictItem::Unpack(m) => self.walk_expr(m)?,
                    }
                }
            }
            ExprKind::Starred(inner) => self.walk_expr(inner)?,
            ExprKind::Attribute { value, attr } => {
                self.mangle(attr);
                self.walk_expr(value)?;
            }
            ExprKind::Subscript { value, index } => {
                self.walk_expr(value)?;
                self.walk_expr(index)?;
            }
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper, step].into_iter().flatten() {
                    self.walk_expr(part)?;
                }
            }
            ExprKind::Call { func, args } => {
                self.walk_expr(func)?;
                for arg in args {
                    self.walk_arg(arg)?;
                }
            }
            ExprKind::UnaryOp { operand, .. } => self.walk_expr(operand)?,
            ExprKind::BinOp { left, right, .. } => {
                self.walk_expr(left)?;
                self.walk_expr(right)?;
            }
            ExprKind::BoolOp { values, .. } => {
                for v in values {
                    self.walk_expr(v)?;
                }
            }
            ExprKind::Compare { left, ops } => {
                self.walk_expr(left)?;
                for (_, right) in ops {
                    self.walk_expr(right)?;
                }
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.walk_expr(test)?;
                self.walk_expr(body)?;
                self.walk_expr(orelse)?;
            }
            ExprKind::Lambda(def) => self.walk_function(def)?,
            ExprKind::Comprehension(comp) => self.walk_comprehension(comp)?,
            ExprKind::Await(inner) => {
                match self.kind() {
                    ScopeKind::Function { is_async: true } => {}
                    ScopeKind::Module if self.interactive => {}
                    ScopeKind::Comprehension => self.check_async_comprehension(span)?,
                    ScopeKind::Module | ScopeKind::Class => {
                        let message = "'await' outside function".into();
                        return Err(self.outside_async(message, "await", span));
                    }
                    _ => {
                        let message = "'await' outside async function".into();
                        return Err(self.outside_async(message, "await", span));
                    }
                }
                self.walk_expr(inner)?;
            }
            ExprKind::Yield(value) => {
                self.mark_generator(span, "'yield'")?;
                if let Some(v) = value {
                    self.walk_expr(v)?;
                }
            }
            ExprKind::YieldFrom(value) => {
                self.mark_generator(span, "'yield from'")?;
                self.walk_expr(value)?;
            }
            ExprKind::NamedExpr { target, value } => {
                self.walk_expr(value)?;
                self.walk_named_target(target)?;
            }
        }
        Ok(())
    }

    /// An asynchronous comprehension (with `async for` or `await`) is a
    /// coroutine its enclosing scope awaits — so that scope must be able
    /// to await — or, a generator expression, an async generator, which
    /// any scope may make.
    fn check_async_comprehension(&self, span: Span) -> Result {
        for &(id, _) in self.stack.iter().rev() {
            let scope = &self.scopes[id];
            let allowed = match scope.kind {
                ScopeKind::Comprehension if scope.is_generator => true,
                ScopeKind::Comprehension => continue,
                ScopeKind::Function { is_async } => is_async,
                ScopeKind::Module => self.interactive,
                ScopeKind::Class => false,
            };
            if allowed {
                return Ok(());
            }
            break;
        }
        Err(SyntaxError::new(
            "asynchronous comprehension outside of an asynchronous function",
            span,
        ))
    }

    /// A walrus inside a comprehension binds in the nearest enclosing
    /// non-comprehension scope (PEP 572); in the comprehension it is free.
    fn walk_named_target(&mut self, target: &mut Expr) -> Result {
        let ExprKind::Name { id, binding } = &mut target.kind else {
            return Ok(());
        };
        self.mangle(id);
        let id = id.clone();
        if self.phase == Phase::Collect {
            self.check_named_target(&id, target.span)?;
        }
        if self.kind() != ScopeKind::Comprehension {
            *binding = self.bind(&id);
            return Ok(());
        }
        let owner = self
            .stack
            .iter()
            .rev()
            .map(|&(scope, _)| scope)
            .find(|&scope| self.scopes[scope].kind != ScopeKind::Comprehension)
            .unwrap_or(0);
        match self.phase {
            Phase::Collect => {
                let owner_is_module = self.scopes[owner].kind == ScopeKind::Module;
                self.scopes[owner]
                    .names
                    .entry(id.clone())
                    .or_default()
                    .bound = true;
                let usage = self.usage(&id);
                usage.used = true;
                if owner_is_module {
                    usage.global = true;
                }
            }
            Phase::Annotate => *binding = self.binding_of(self.current(), &id),
        }
        Ok(())
    }

    /// CPython's limits on an assignment expression in a comprehension:
    /// not in an iterable, not to an iteration variable, not in a class.
    fn check_named_target(&self, name: &Name, span: Span) -> Result {
        if self.comprehension_iterables > 0 {
            return Err(SyntaxError::new(
                "assignment expression cannot be used in a comprehension iterable expression",
                span,
            ));
        }
        for &(id, _) in self.stack.iter().rev() {
            let scope = &self.scopes[id];
            match scope.kind {
                ScopeKind::Comprehension => {
                    if scope.names.get(name).is_some_and(|usage| usage.bound) {
                        return Err(SyntaxError::new(
                            format!(
                                "assignment expression cannot rebind comprehension iteration variable '{name}'"
                            ),
                            span,
                        ));
                    }
                }
                ScopeKind::Class if id != self.current() => return Err(SyntaxError::new(
                    "assignment expression within a comprehension cannot be used in a class body",
                    span,
                )),
                _ => break,
            }
        }
        Ok(())
    }

    /// A comprehension's iterable, where assignment expressions are errors.
    fn walk_iterable(&mut self, iterable: &mut Expr) -> Result {
        self.comprehension_iterables += 1;
        let walked = self.walk_expr(iterable);
        self.comprehension_iterables -= 1;
        walked
    }

    fn walk_fstring(&mut self, parts: &mut [FStringPart]) -> Result {
        for part in parts {
            if let FStringPart::Replacement {
                value, format_spec, ..
            } = part
            {
                self.walk_expr(value)?;
                if let Some(spec) = format_spec {
                    self.walk_fstring(spec)?;
                }
            }
        }
        Ok(())
    }

    fn walk_comprehension(&mut self, comp: &mut Comprehension) -> Result {
        // The first iterable is evaluated in the enclosing scope.
        if let Some(first) = comp.generators.first_mut() {
            self.walk_iterable(&mut first.iter)?;
        }
        let id = self.enter(ScopeKind::Comprehension);
        if self.phase == Phase::Collect {
            let usage = self.usage(&Name::from(".0"));
            usage.parameter = true;
            usage.bound = true;
            self.scopes[id].is_generator = comp.kind == ComprehensionKind::Generator;
        }
        let result = (|| {
            if let Some(generator) = comp.generators.iter().find(|g| g.is_async) {
                self.check_async_comprehension(generator.iter.span)?;
            }
            if let Some(first) = comp.generators.first_mut() {
                self.walk_target(&mut first.target)?;
                for c in &mut first.conditions {
                    self.walk_expr(c)?;
                }
            }
            for generator in comp.generators.iter_mut().skip(1) {
                self.walk_iterable(&mut generator.iter)?;
                self.walk_target(&mut generator.target)?;
                for c in &mut generator.conditions {
                    self.walk_expr(c)?;
                }
            }
            self.walk_expr(&mut comp.element)?;
            if let Some(v) = &mut comp.value {
                self.walk_expr(v)?;
            }
            Ok(())
        })();
        self.leave();
        result?;
        if self.phase == Phase::Annotate {
            comp.scope = self.scope_info(id);
        }
        Ok(())
    }
}

impl Parameters {
    fn all_mut(&mut self) -> impl Iterator<Item = &mut Param> {
        self.posonly
            .iter_mut()
            .chain(&mut self.args)
            .chain(&mut self.vararg)
            .chain(&mut self.kwonly)
            .chain(&mut self.kwarg)
    }
}
