//! Lowering: the resolved AST becomes [`Code`] — flat instructions with
//! expression-tree operands.
//!
//! Three things happen here besides the 1:1 translation:
//! - structured control flow becomes jumps and handler blocks; `break`,
//!   `continue` and `return` run the `finally` bodies, `except` cleanups
//!   and `with` exits they leave (each inlined at the jump, as CPython does);
//! - `yield` and `await` are lifted out of expressions into statement-level
//!   instructions on temporaries, keeping left-to-right evaluation order
//!   (operands before a suspension point are spilled to temporaries) and
//!   short-circuits (`and`/`or`/`if-else` containing one become jumps);
//! - constants become runtime values, once; equal strings one value, as
//!   CPython's compiler merges them (`a = "hi"; b = "hi"; a is b`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::ir::{self, *};
use super::syntax_warnings;
use crate::runtime::value::Value;
use crate::syntax::ast::{self, Binding, ExprKind as K, StmtKind as S};
use crate::syntax::error::SyntaxError;
use crate::syntax::span::Span;

type Result<T = ()> = std::result::Result<T, SyntaxError>;

/// Lowers a resolved module into the code that runs it.
pub fn lower_module(module: &ast::Module, source: Rc<Source>) -> Result<Rc<Code>> {
    lower_top_level(module, source, ExpressionStatements::Evaluate)
}

/// Lowers one REPL input: its expression statements echo their values, and
/// an input that awaits at top level becomes a coroutine's code.
pub fn lower_interactive(module: &ast::Module, source: Rc<Source>) -> Result<Rc<Code>> {
    lower_top_level(module, source, ExpressionStatements::Echo)
}

/// Lowers the text of an `eval()`, a module of one expression statement:
/// its code returns the expression's value.
pub fn lower_eval(module: &ast::Module, source: Rc<Source>) -> Result<Rc<Code>> {
    lower_top_level(module, source, ExpressionStatements::Return)
}

/// What a top-level expression statement does with its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ExpressionStatements {
    /// Drops it (a module's, a function's).
    Evaluate,
    /// Echoes its repr (a REPL input's).
    Echo,
    /// Returns it (an `eval()`'s one expression).
    Return,
}

thread_local! {
    /// String constants by text: within one compilation all of them, and
    /// across compilations (REPL inputs, imported modules) those made of
    /// ASCII letters, digits and `_`, which CPython interns.
    static STR_CONSTANTS: RefCell<HashMap<Box<str>, Value>> = RefCell::default();
}

/// The value of a string constant (see `STR_CONSTANTS`).
fn str_constant(text: &str) -> Value {
    STR_CONSTANTS.with(|constants| {
        let mut constants = constants.borrow_mut();
        if let Some(value) = constants.get(text) {
            return value.clone();
        }
        let value = Value::str(text);
        constants.insert(text.into(), value.clone());
        value
    })
}

fn lower_top_level(
    module: &ast::Module,
    source: Rc<Source>,
    statements: ExpressionStatements,
) -> Result<Rc<Code>> {
    STR_CONSTANTS.with(|constants| {
        let name_like = |text: &str| text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        constants.borrow_mut().retain(|text, _| name_like(text));
    });
    let mut builder = Builder::new(
        source,
        "<module>".into(),
        "<module>".into(),
        &module.scope,
        Flavor::Plain,
    );
    builder.body_kind = BodyKind::Module;
    builder.expression_statements = statements;
    if statements == ExpressionStatements::Evaluate {
        builder.doc = docstring(&module.body);
    }
    builder.namespace_body(&module.body)?;
    let end = Span::new(source_len(&builder.source), source_len(&builder.source));
    builder.emit(Instr::Return(constant(Value::None, end)), end);
    // Module code cannot `yield`: a suspension at top level is an `await`
    // (the resolver allows those only in interactive input).
    if builder
        .instrs
        .iter()
        .any(|i| matches!(i, Instr::Yield { .. } | Instr::YieldFrom { .. }))
    {
        builder.flavor = Flavor::Coroutine;
    }
    Ok(Rc::new(
        builder.finish(Signature::default(), Span::default()),
    ))
}

fn source_len(source: &Source) -> usize {
    source.text.len()
}

fn not_supported(what: &str, span: Span) -> SyntaxError {
    SyntaxError::new(format!("{what} are not supported by pyl"), span)
}

fn constant(value: Value, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Const(value),
        span,
    }
}

fn local(slot: u32, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Local(slot),
        span,
    }
}

/// Something a jump out of a block must do on its way out.
#[derive(Clone)]
enum Exit<'a> {
    /// A loop: `break` jumps to `end`, `continue` to `next` (the test of
    /// the next iteration). Leaving a `for` loop early drops its iterator,
    /// as CPython's does: a generator's `finally` runs then.
    Loop {
        next: Label,
        end: Label,
        iterator: Option<u32>,
    },
    /// A `try` body with handlers: leave the handler block.
    TryBody,
    /// A `try` body with a `finally`: leave the block and run the body.
    Finally(&'a [ast::Stmt]),
    /// Inside an `except` clause: restore the previous exception and
    /// unbind the name.
    Handler(Option<&'a ast::ExceptHandler>),
    /// Inside a `with` body: leave the block and call `__exit__(None, None, None)`.
    With { exit_slot: u32, is_async: bool },
}

/// What a jump out of blocks leaves: the innermost loop (`break`), its
/// current iteration (`continue`), or the function (`return`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Leaving {
    Break,
    Continue,
    Function,
}

/// A jump target, patched when its position is known.
#[derive(Clone, Copy)]
struct Label(usize);

/// How a comprehension's loop over one of its `for`s is closed, once the
/// loops inside it are: a synchronous loop by its test (`ForIter`), an
/// asynchronous one by a jump back to its head and the handler of its
/// `StopAsyncIteration`.
enum LoopEnd {
    Sync {
        slot: u32,
        target: Target,
        body: u32,
    },
    Async {
        handler: Label,
    },
}

struct Builder<'a> {
    source: Rc<Source>,
    name: ast::Name,
    qualname: ast::Name,
    flavor: Flavor,
    scope: &'a ast::ScopeInfo,
    instrs: Vec<Instr>,
    spans: Vec<Span>,
    slot_count: u32,
    /// Positions of jumps to each label, patched by `place`.
    labels: Vec<(Option<usize>, Vec<usize>)>,
    exits: Vec<Exit<'a>>,
    body_kind: BodyKind,
    /// What this body's expression statements do with their values.
    expression_statements: ExpressionStatements,
    doc: Option<Rc<str>>,
    /// Whether the body, or a function nested in it, names `super` (see
    /// `Code::mentions_super`).
    mentions_super: bool,
}

/// What kind of body is being lowered: decides where unannotated names go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Module,
    Class,
    Function,
}

impl<'a> Builder<'a> {
    fn new(
        source: Rc<Source>,
        name: ast::Name,
        qualname: ast::Name,
        scope: &'a ast::ScopeInfo,
        flavor: Flavor,
    ) -> Builder<'a> {
        Builder {
            source,
            name,
            qualname,
            flavor,
            scope,
            instrs: Vec::new(),
            spans: Vec::new(),
            slot_count: scope.local_count,
            labels: Vec::new(),
            exits: Vec::new(),
            body_kind: BodyKind::Function,
            expression_statements: ExpressionStatements::Evaluate,
            doc: None,
            mentions_super: false,
        }
    }

    fn finish(mut self, signature: Signature, span: Span) -> Code {
        for (position, jumps) in std::mem::take(&mut self.labels) {
            let target = position.unwrap_or(self.instrs.len()) as u32;
            for at in jumps {
                match &mut self.instrs[at] {
                    Instr::Jump(t)
                    | Instr::JumpIf { target: t, .. }
                    | Instr::PushHandler(t)
                    | Instr::MatchException { next: t, .. }
                    | Instr::MatchExceptionStar { next: t, .. } => *t = target,
                    Instr::Match(case) => case.fail = target,
                    _ => {}
                }
            }
        }
        Code {
            name: self.name,
            qualname: self.qualname,
            flavor: self.flavor,
            signature,
            slot_count: self.slot_count,
            local_names: self.scope.local_names.clone(),
            cell_names: self.scope.cell_names.clone(),
            parameter_cells: self.scope.parameter_cells.clone(),
            free_names: self
                .scope
                .free_vars
                .iter()
                .map(|(name, _)| name.clone())
                .collect(),
            instrs: self.instrs,
            spans: self.spans,
            source: self.source,
            span,
            first_line_start: span.start,
            doc: self.doc,
            is_module: self.body_kind == BodyKind::Module,
            mentions_super: self.mentions_super,
        }
    }

    fn emit(&mut self, instr: Instr, span: Span) -> usize {
        self.instrs.push(instr);
        self.spans.push(span);
        self.instrs.len() - 1
    }

    fn temp(&mut self) -> u32 {
        self.slot_count += 1;
        self.slot_count - 1
    }

    fn label(&mut self) -> Label {
        self.labels.push((None, Vec::new()));
        Label(self.labels.len() - 1)
    }

    /// Where the next instruction emitted will be: the target of a jump
    /// backwards.
    fn position(&self) -> u32 {
        self.instrs.len() as u32
    }

    fn place(&mut self, label: Label) {
        self.labels[label.0].0 = Some(self.instrs.len());
    }

    /// Emits an instruction whose jump operand is `label` (patched later).
    fn emit_to(&mut self, instr: Instr, label: Label, span: Span) {
        let at = self.emit(instr, span);
        self.labels[label.0].1.push(at);
    }

    fn jump(&mut self, label: Label, span: Span) {
        self.emit_to(Instr::Jump(0), label, span);
    }

    fn jump_if(&mut self, condition: Expr, when: bool, label: Label, span: Span) {
        self.emit_to(
            Instr::JumpIf {
                condition,
                when,
                target: 0,
            },
            label,
            span,
        );
    }

    /// Jumps to `label` when the truth of `test` is `when`. A test of
    /// `and`, `or` and `not` becomes a chain of jumps, one an operand, as
    /// CPython's compiler makes it (`compiler_jump_if`): each operand's
    /// truth is asked once (`if x and y:` does not ask `x.__bool__()`
    /// again of the value `x and y` would give), and what an operand
    /// awaits is awaited only when the operand is reached.
    fn branch(&mut self, test: &'a ast::Expr, when: bool, label: Label, span: Span) -> Result {
        match &test.kind {
            K::UnaryOp {
                op: ast::UnaryOp::Not,
                operand,
            } => return self.branch(operand, !when, label, span),
            K::BoolOp { op, values } => {
                if let Some((last, first)) = values.split_last() {
                    // The truth of an operand that decides the whole.
                    let deciding = *op == ast::BoolOp::Or;
                    let decided = self.label();
                    let (on, to) = match when == deciding {
                        true => (when, label),
                        false => (deciding, decided),
                    };
                    for value in first {
                        self.branch(value, on, to, span)?;
                    }
                    self.branch(last, when, label, span)?;
                    self.place(decided);
                    return Ok(());
                }
            }
            _ => {}
        }
        let condition = self.expr(test)?;
        self.jump_if(condition, when, label, span);
        Ok(())
    }

    // ---- statements ----

    fn body(&mut self, body: &'a [ast::Stmt]) -> Result {
        body.iter().try_for_each(|stmt| self.stmt(stmt))
    }

    /// A module's or class's body: one that annotates names starts by
    /// making its `__annotations__` (CPython's `SETUP_ANNOTATIONS`).
    fn namespace_body(&mut self, body: &'a [ast::Stmt]) -> Result {
        if annotates(body) {
            let start = body.first().map_or(Span::new(0, 0), |stmt| stmt.span);
            self.emit(Instr::SetupAnnotations, start);
        }
        self.body(body)
    }

    fn stmt(&mut self, stmt: &'a ast::Stmt) -> Result {
        let span = stmt.span;
        match &stmt.kind {
            S::Expr(e)
                if self.expression_statements == ExpressionStatements::Evaluate
                    && bare_suspension(e).is_some() =>
            {
                self.suspend_into(e, None)?;
            }
            S::Expr(e) => {
                let value = self.expr(e)?;
                let instr = match self.expression_statements {
                    ExpressionStatements::Evaluate => Instr::Eval(value),
                    ExpressionStatements::Echo => Instr::Echo(value),
                    ExpressionStatements::Return => Instr::Return(value),
                };
                self.emit(instr, span);
            }
            // `name = await x`: the awaited value goes straight to the name.
            S::Assign { targets, value }
                if bare_suspension(value).is_some()
                    && matches!(
                        targets.as_slice(),
                        [ast::Expr {
                            kind: K::Name { .. },
                            ..
                        }]
                    ) =>
            {
                let target = self.target(&targets[0])?;
                self.suspend_into(value, Some(target))?;
            }
            S::Assign { targets, value } => {
                let value = self.expr(value)?;
                if let [target] = targets.as_slice() {
                    let target = self.target(target)?;
                    self.emit(Instr::Store(target, value), span);
                } else {
                    let slot = self.temp();
                    self.emit(Instr::Store(Target::Local(slot), value), span);
                    for target in targets {
                        let target = self.target(target)?;
                        self.emit(Instr::Store(target, local(slot, span)), span);
                    }
                }
            }
            S::AugAssign { target, op, value } => {
                let value = self.expr(value)?;
                let lowered = self.target(target)?;
                self.emit(Instr::AugAssign(lowered, *op, value, target.span), span);
            }
            S::AnnAssign {
                target,
                annotation,
                value,
            } => {
                if let Some(value) = value {
                    let value = self.expr(value)?;
                    let lowered = self.target(target)?;
                    self.emit(Instr::Store(lowered, value), span);
                }
                // Only a module's or class's annotations are evaluated; a
                // name's are kept in `__annotations__`.
                if self.body_kind != BodyKind::Function {
                    self.annotation(target, annotation, value.is_none(), span)?;
                }
            }
            S::Delete(targets) => {
                // Each its own instruction, at its own place: what a
                // failed delete of a name points at.
                for target in targets {
                    let lowered = self.target(target)?;
                    self.emit(Instr::Delete(lowered), target.span);
                }
            }
            S::Pass | S::Global(_) | S::Nonlocal(_) => {}
            S::Break => self.break_or_continue(true, span),
            S::Continue => self.break_or_continue(false, span),
            S::Return(value) => {
                let value = match value {
                    Some(v) => self.expr(v)?,
                    None => constant(Value::None, span),
                };
                self.return_value(value, span)?;
            }
            S::Match { subject, cases } => self.match_statement(subject, cases, span)?,
            S::If { test, body, orelse } => {
                let otherwise = self.label();
                let end = self.label();
                self.branch(test, false, otherwise, span)?;
                self.body(body)?;
                if !orelse.is_empty() {
                    self.jump(end, span);
                }
                self.place(otherwise);
                self.body(orelse)?;
                self.place(end);
            }
            S::While { test, body, orelse } => {
                let next = self.label();
                let end = self.label();
                // `while True:` tests nothing; any other test sits at the
                // bottom of the loop, which is entered by a jump to it (as
                // a `for` loop's): one dispatch per iteration. The test is
                // lowered there, since what it awaits is lowered into
                // instructions before it.
                let always = matches!(&test.kind, ast::ExprKind::Constant(ast::Constant::True));
                let body_start = if always {
                    self.place(next);
                    None
                } else {
                    let body_start = self.label();
                    // CPython compiles the test twice, before the body and
                    // after it, and warns of what is in it each time.
                    if !self.source.bundled() {
                        syntax_warnings::warn_in_condition(&self.source, test);
                    }
                    self.jump(next, span);
                    self.place(body_start);
                    Some(body_start)
                };
                self.exits.push(Exit::Loop {
                    next,
                    end,
                    iterator: None,
                });
                self.body(body)?;
                self.exits.pop();
                match body_start {
                    None => self.jump(next, span),
                    Some(body_start) => {
                        self.place(next);
                        self.branch(test, true, body_start, span)?;
                    }
                }
                self.body(orelse)?;
                self.place(end);
            }
            S::For {
                is_async,
                target,
                iter,
                body,
                orelse,
            } => self.for_loop(*is_async, target, iter, body, orelse, span)?,
            S::With {
                is_async,
                items,
                body,
            } => self.with(*is_async, items, body, span)?,
            S::FunctionDef(def) => {
                let function = self.function(def)?;
                let value = self.decorate(&def.decorators, function)?;
                let target = self.name_target(&def.target, self.binding_of_def(&def.target), span);
                self.emit(Instr::Store(target, value), span);
            }
            S::ClassDef(class) => {
                let value = self.class(class)?;
                let value = self.decorate(&class.decorators, value)?;
                let target =
                    self.name_target(&class.target, self.binding_of_def(&class.target), span);
                self.emit(Instr::Store(target, value), span);
            }
            S::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => self.try_statement(body, handlers, orelse, finalbody, span)?,
            S::Raise { exc, cause } => {
                let exception = exc.as_ref().map(|e| self.expr(e)).transpose()?;
                let cause = cause.as_ref().map(|e| self.expr(e)).transpose()?;
                self.emit(Instr::Raise { exception, cause }, span);
            }
            S::Assert { test, msg } => {
                if !self.source.bundled() {
                    syntax_warnings::warn_assert_of_tuple(&self.source, test, span);
                }
                let place = tested_comparison(test).unwrap_or(span);
                // A test of and/or/not, or one with an await in it, is
                // jumps that pass the assertion, left to fail (`branch`);
                // the message is evaluated only then.
                let passed = self.label();
                let jumps =
                    is_logical(test) || suspends(test) || msg.as_ref().is_some_and(suspends);
                let test = match jumps {
                    true => {
                        self.branch(test, true, passed, span)?;
                        constant(Value::from(false), span)
                    }
                    false => self.expr(test)?,
                };
                let message = msg.as_ref().map(|m| self.expr(m)).transpose()?;
                self.emit(
                    Instr::Assert {
                        test,
                        message,
                        place,
                    },
                    span,
                );
                self.place(passed);
            }
            S::Import(aliases) => {
                for alias in aliases {
                    let bound = &alias.target;
                    let target = self.name_target(bound, self.binding_of_def(bound), alias.span);
                    self.emit(
                        Instr::Import {
                            module: alias.name.clone(),
                            bind_top: alias.asname.is_none(),
                            target,
                        },
                        span,
                    );
                }
            }
            S::ImportStar { module } => {
                let module = module.clone();
                self.emit(Instr::ImportStar { module }, span);
            }
            S::ImportFrom { module, names } => {
                let names = names
                    .iter()
                    .map(|alias| {
                        let bound = &alias.target;
                        let target =
                            self.name_target(bound, self.binding_of_def(bound), alias.span);
                        (alias.name.clone(), target)
                    })
                    .collect();
                self.emit(
                    Instr::ImportFrom {
                        module: module.clone(),
                        names,
                    },
                    span,
                );
            }
        }
        Ok(())
    }

    /// The binding of a name bound by `def`/`class`/`import`, which the
    /// resolver recorded on no `Name` node: ask the scope directly.
    fn binding_of_def(&self, name: &str) -> Binding {
        if let Some(i) = self.scope.cell_names.iter().position(|n| &**n == name) {
            return Binding::Cell(i as u32);
        }
        if let Some(i) = self.scope.free_vars.iter().position(|(n, _)| &**n == name) {
            return Binding::Cell((self.scope.cell_names.len() + i) as u32);
        }
        if let Some(i) = self.scope.local_names.iter().position(|n| &**n == name) {
            return Binding::Local(i as u32);
        }
        Binding::Namespace
    }

    /// A read of a name the body's namespace binds (or the globals, or
    /// builtins).
    fn name_load(&self, name: ast::Name, span: Span) -> Expr {
        let kind = match self.body_kind {
            BodyKind::Module => ExprKind::Global(name, GlobalSlot::default()),
            _ => ExprKind::Namespace(name),
        };
        Expr { kind, span }
    }

    fn name_target(&self, name: &ast::Name, binding: Binding, _span: Span) -> Target {
        match binding {
            Binding::Local(slot) => Target::Local(slot),
            Binding::Cell(cell) => Target::Cell(cell),
            // Never `DefiningClass`: a name the scope binds is its own.
            Binding::Global | Binding::DefiningClass => {
                Target::Global(name.clone(), NameIndex::default())
            }
            Binding::Namespace | Binding::Unresolved => match self.body_kind {
                BodyKind::Module => Target::Global(name.clone(), NameIndex::default()),
                _ => Target::Namespace(name.clone()),
            },
        }
    }

    fn decorate(&mut self, decorators: &'a [ast::Expr], value: Expr) -> Result<Expr> {
        // Decorators are evaluated top to bottom and applied bottom to top.
        let mut functions = Vec::new();
        for d in decorators {
            functions.push(self.expr(d)?);
        }
        let mut value = value;
        while let Some(function) = functions.pop() {
            let span = function.span;
            value = Expr {
                kind: ExprKind::Call(Box::new(function), vec![Argument::Positional(value)]),
                span,
            };
        }
        Ok(value)
    }

    /// Runs the exit actions between here and what the jump leaves; for
    /// `break` and `continue`, the innermost loop's `next` and `end`.
    fn unwind_exits(&mut self, leaving: Leaving, span: Span) -> Result<Option<(Label, Label)>> {
        let saved = std::mem::take(&mut self.exits);
        let mut result = None;
        for exit in saved.iter().rev() {
            match exit {
                Exit::Loop {
                    next,
                    end,
                    iterator,
                } => {
                    if let (Some(slot), false) = (iterator, leaving == Leaving::Continue) {
                        self.emit(Instr::Delete(Target::Local(*slot)), span);
                    }
                    if leaving != Leaving::Function {
                        result = Some((*next, *end));
                        break;
                    }
                }
                Exit::TryBody => {
                    self.emit(Instr::PopHandler, span);
                }
                Exit::Finally(finalbody) => {
                    self.emit(Instr::PopHandler, span);
                    // The finally body runs outside its own protection.
                    let index = saved
                        .iter()
                        .position(|e| std::ptr::eq(e, exit))
                        .unwrap_or(0);
                    self.exits = saved[..index].to_vec();
                    self.body(finalbody)?;
                    self.exits.clear();
                }
                Exit::Handler(handler) => {
                    self.emit(Instr::PopException, span);
                    if let Some(handler) = handler {
                        self.unbind_handler_name(handler, span);
                    }
                }
                Exit::With {
                    exit_slot,
                    is_async,
                } => {
                    self.emit(Instr::PopHandler, span);
                    self.call_exit_with_nones(*exit_slot, *is_async, span);
                }
            }
        }
        self.exits = saved;
        Ok(result)
    }

    fn break_or_continue(&mut self, is_break: bool, span: Span) {
        // The resolver has checked that a loop encloses this statement.
        let leaving = if is_break {
            Leaving::Break
        } else {
            Leaving::Continue
        };
        if let Ok(Some((next, end))) = self.unwind_exits(leaving, span) {
            self.jump(if is_break { end } else { next }, span);
        }
    }

    fn return_value(&mut self, value: Expr, span: Span) -> Result {
        if self.exits.iter().all(|e| matches!(e, Exit::Loop { .. })) {
            self.emit(Instr::Return(value), span);
            return Ok(());
        }
        let slot = self.temp();
        self.emit(Instr::Store(Target::Local(slot), value), span);
        self.unwind_exits(Leaving::Function, span)?;
        self.emit(Instr::Return(local(slot, span)), span);
        Ok(())
    }

    fn for_loop(
        &mut self,
        is_async: bool,
        target: &'a ast::Expr,
        iter: &'a ast::Expr,
        body: &'a [ast::Stmt],
        orelse: &'a [ast::Stmt],
        span: Span,
    ) -> Result {
        let iterable = iterated(self.expr(iter)?);
        let slot = self.temp();
        let end = self.label();
        let next = self.label();
        if is_async {
            self.emit(
                Instr::Store(Target::Local(slot), aiter(iterable, span)),
                span,
            );
            self.place(next);
            let handler = self.async_loop_head(slot, target, span)?;
            self.exits.push(Exit::Loop {
                next,
                end,
                iterator: Some(slot),
            });
            self.body(body)?;
            self.exits.pop();
            self.jump(next, span);
            let exhausted = self.label();
            self.end_async_loop(handler, exhausted, span);
            self.place(exhausted);
        } else {
            // The test at the bottom (see `Instr::ForIter`).
            // What the loop's own steps raise points at the statement.
            self.emit(Instr::GetIter { iterable, slot }, span);
            self.jump(next, span);
            let body_start = self.position();
            let target = self.loop_target(target, span)?;
            self.exits.push(Exit::Loop {
                next,
                end,
                iterator: Some(slot),
            });
            self.body(body)?;
            self.exits.pop();
            self.place(next);
            let body = body_start;
            self.emit(Instr::ForIter { slot, target, body }, span);
        }
        self.body(orelse)?;
        self.place(end);
        Ok(())
    }

    /// A `for` loop's target, lowered at the top of the body: what it
    /// awaits (`for d[await key()] in …`) runs after the item is taken, as
    /// in CPython. Then the item goes to a temporary, and the target is
    /// stored from it after those instructions.
    fn loop_target(&mut self, target: &'a ast::Expr, span: Span) -> Result<Target> {
        let before = self.instrs.len();
        let lowered = self.target(target)?;
        if self.instrs.len() == before {
            return Ok(lowered);
        }
        let item = self.temp();
        self.emit(Instr::Store(lowered, local(item, span)), span);
        Ok(Target::Local(item))
    }

    /// The head of an `async for` loop: awaits the next item of the async
    /// iterator in `slot` into `target`. Its `StopAsyncIteration` goes to
    /// the label returned, which [`Builder::end_async_loop`] places.
    fn async_loop_head(&mut self, slot: u32, target: &'a ast::Expr, span: Span) -> Result<Label> {
        let handler = self.label();
        self.emit_to(Instr::PushHandler(0), handler, span);
        let anext = Expr {
            kind: ExprKind::CallMethod(
                Box::new(local(slot, span)),
                "__anext__".into(),
                vec![],
                Box::default(),
            ),
            span,
        };
        let awaited = self.emit(
            Instr::YieldFrom {
                value: anext,
                target: None,
                delegate: Delegate::NextItem,
            },
            span,
        );
        self.emit(Instr::PopHandler, span);
        // The target after the item, as a `for` loop's (`loop_target`).
        // One that evaluates nothing takes the item itself; else the item
        // waits in a temporary, cleared once stored: nothing but the
        // target keeps it alive, as on CPython's stack.
        let before = self.instrs.len();
        let lowered = self.target(target)?;
        let target = if self.instrs.len() == before {
            lowered
        } else {
            let item = self.temp();
            self.emit(Instr::Store(lowered, local(item, span)), span);
            self.emit(Instr::Delete(Target::Local(item)), span);
            Target::Local(item)
        };
        if let Instr::YieldFrom {
            target: awaited, ..
        } = &mut self.instrs[awaited]
        {
            *awaited = Some(target);
        }
        Ok(handler)
    }

    /// After an `async for` loop's jump back: its handler, which leaves the
    /// loop for `exit` at `StopAsyncIteration` and re-raises anything else.
    fn end_async_loop(&mut self, handler: Label, exit: Label, span: Span) {
        self.place(handler);
        let reraise = self.label();
        let stop = Expr {
            kind: ExprKind::Global("StopAsyncIteration".into(), GlobalSlot::default()),
            span,
        };
        self.emit_to(
            Instr::MatchException {
                class: stop,
                next: 0,
            },
            reraise,
            span,
        );
        self.emit(Instr::PopException, span);
        self.jump(exit, span);
        self.place(reraise);
        self.emit(Instr::Reraise, span);
    }

    /// `with a as x, b as y: body` is `with a as x: with b as y: body`.
    fn with(
        &mut self,
        is_async: bool,
        items: &'a [ast::WithItem],
        body: &'a [ast::Stmt],
        span: Span,
    ) -> Result {
        let Some((item, rest)) = items.split_first() else {
            return self.body(body);
        };
        let manager = self.expr(&item.context)?;
        let manager_slot = self.temp();
        let exit_slot = self.temp();
        self.emit(Instr::Store(Target::Local(manager_slot), manager), span);
        let (enter_name, exit_name) = if is_async {
            ("__aenter__", "__aexit__")
        } else {
            ("__enter__", "__exit__")
        };
        // As CPython: look up `__enter__`, then `__exit__`, then call
        // enter; what they raise points at the statement.
        let special = |name: &str| Expr {
            kind: ExprKind::LookupSpecial(Box::new(local(manager_slot, span)), name.into()),
            span,
        };
        let enter_slot = self.temp();
        self.emit(
            Instr::Store(Target::Local(enter_slot), special(enter_name)),
            span,
        );
        self.emit(
            Instr::Store(Target::Local(exit_slot), special(exit_name)),
            span,
        );
        let enter = Expr {
            kind: ExprKind::Call(Box::new(local(enter_slot, span)), vec![]),
            span,
        };
        let entered = self.temp();
        self.evaluate_maybe_awaited(
            enter,
            Some(Target::Local(entered)),
            is_async.then_some(Delegate::Entered),
            span,
        );
        let handler = self.label();
        let end = self.label();
        self.emit_to(Instr::PushHandler(0), handler, span);
        if let Some(target) = &item.target {
            let target = self.target(target)?;
            self.emit(Instr::Store(target, local(entered, span)), span);
        }
        self.exits.push(Exit::With {
            exit_slot,
            is_async,
        });
        self.with(is_async, rest, body, span)?;
        self.exits.pop();
        self.emit(Instr::PopHandler, span);
        self.call_exit_with_nones(exit_slot, is_async, span);
        self.jump(end, span);
        // On an exception: `if not exit(type, value, traceback): raise`.
        self.place(handler);
        let current = Expr {
            kind: ExprKind::CurrentException,
            span,
        };
        let exception_type = Expr {
            kind: ExprKind::Call(
                Box::new(Expr {
                    kind: ExprKind::Global("type".into(), GlobalSlot::default()),
                    span,
                }),
                vec![Argument::Positional(Expr {
                    kind: ExprKind::CurrentException,
                    span,
                })],
            ),
            span,
        };
        let traceback = Expr {
            kind: ExprKind::Attribute(
                Box::new(Expr {
                    kind: ExprKind::CurrentException,
                    span,
                }),
                "__traceback__".into(),
                Box::default(),
            ),
            span,
        };
        let call = Expr {
            kind: ExprKind::Call(
                Box::new(local(exit_slot, span)),
                vec![
                    Argument::Positional(exception_type),
                    Argument::Positional(current),
                    Argument::Positional(traceback),
                ],
            ),
            span,
        };
        let suppress = self.temp();
        self.evaluate_maybe_awaited(
            call,
            Some(Target::Local(suppress)),
            is_async.then_some(Delegate::Exited),
            span,
        );
        let swallow = self.label();
        self.jump_if(local(suppress, span), true, swallow, span);
        self.emit(Instr::Reraise, span);
        self.place(swallow);
        self.emit(Instr::PopException, span);
        self.place(end);
        // As CPython's stack: the manager and its methods go with the
        // statement (a `__del__` of the manager runs here, not at return).
        for slot in [manager_slot, enter_slot, exit_slot, entered] {
            self.emit(Instr::Delete(Target::Local(slot)), span);
        }
        Ok(())
    }

    fn call_exit_with_nones(&mut self, exit_slot: u32, is_async: bool, span: Span) {
        let none = || Argument::Positional(constant(Value::None, span));
        let call = Expr {
            kind: ExprKind::Call(
                Box::new(local(exit_slot, span)),
                vec![none(), none(), none()],
            ),
            span,
        };
        self.evaluate_maybe_awaited(call, None, is_async.then_some(Delegate::Exited), span);
    }

    /// Evaluates `value` into `target` — awaiting it first in `async with`
    /// (`awaited`: which of its awaits).
    fn evaluate_maybe_awaited(
        &mut self,
        value: Expr,
        target: Option<Target>,
        awaited: Option<Delegate>,
        span: Span,
    ) {
        let instr = match (awaited, target) {
            (Some(delegate), target) => Instr::YieldFrom {
                value,
                target,
                delegate,
            },
            (None, Some(target)) => Instr::Store(target, value),
            (None, None) => Instr::Eval(value),
        };
        self.emit(instr, span);
    }

    fn try_statement(
        &mut self,
        body: &'a [ast::Stmt],
        handlers: &'a [ast::ExceptHandler],
        orelse: &'a [ast::Stmt],
        finalbody: &'a [ast::Stmt],
        span: Span,
    ) -> Result {
        let finally_handler = self.label();
        let end = self.label();
        if !finalbody.is_empty() {
            self.emit_to(Instr::PushHandler(0), finally_handler, span);
            self.exits.push(Exit::Finally(finalbody));
        }
        if handlers.is_empty() {
            self.body(body)?;
        } else if handlers[0].star {
            self.try_star(body, handlers, orelse, span)?;
        } else {
            let after = self.try_body(body, orelse, span)?;
            for handler in handlers {
                let next = self.label();
                if let Some(class) = &handler.kind {
                    let class = self.expr(class)?;
                    self.emit_to(Instr::MatchException { class, next: 0 }, next, handler.span);
                }
                if let Some(name) = &handler.name {
                    let target = self.name_target(name, handler.name_binding, handler.span);
                    let current = Expr {
                        kind: ExprKind::CurrentException,
                        span: handler.span,
                    };
                    self.emit(Instr::Store(target, current), handler.span);
                }
                self.exits.push(Exit::Handler(Some(handler)));
                self.body(&handler.body)?;
                self.exits.pop();
                // CPython's clean-up has no line of its own: it is the
                // body's last (what is dropped there is dropped there).
                let end = handler.body.last().map_or(handler.span, |last| last.span);
                self.emit(Instr::PopException, end);
                self.unbind_handler_name(handler, end);
                self.jump(after, end);
                self.place(next);
            }
            self.emit(Instr::Reraise, span);
            self.place(after);
        }
        if !finalbody.is_empty() {
            self.exits.pop();
            self.emit(Instr::PopHandler, span);
            self.body(finalbody)?;
            self.jump(end, span);
            self.place(finally_handler);
            self.exits.push(Exit::Handler(None));
            self.body(finalbody)?;
            self.exits.pop();
            self.emit(Instr::Reraise, span);
        }
        self.place(end);
        Ok(())
    }

    /// The body of a `try` with handlers under their protection, its
    /// `else`, and a jump past the handlers, which start where this ends;
    /// the label past them, for the caller to place.
    fn try_body(
        &mut self,
        body: &'a [ast::Stmt],
        orelse: &'a [ast::Stmt],
        span: Span,
    ) -> Result<Label> {
        let except = self.label();
        let after = self.label();
        self.emit_to(Instr::PushHandler(0), except, span);
        self.exits.push(Exit::TryBody);
        self.body(body)?;
        self.exits.pop();
        self.emit(Instr::PopHandler, span);
        self.body(orelse)?;
        self.jump(after, span);
        self.place(except);
        Ok(after)
    }

    /// The body of a `try` with `except*` clauses, and the clauses, as
    /// CPython 3.11 compiles them: each clause takes the part of the
    /// exception group that it matches, an exception raised in a clause
    /// is collected, and what the clauses raised and no clause matched is
    /// raised again at the end. A clause cannot be left by `break`,
    /// `continue` or `return` (the resolver refuses them).
    fn try_star(
        &mut self,
        body: &'a [ast::Stmt],
        handlers: &'a [ast::ExceptHandler],
        orelse: &'a [ast::Stmt],
        span: Span,
    ) -> Result {
        let after = self.try_body(body, orelse, span)?;
        let current = || Expr {
            kind: ExprKind::CurrentException,
            span,
        };
        let original = self.temp();
        let rest = self.temp();
        let raised = self.temp();
        self.emit(Instr::Store(Target::Local(original), current()), span);
        self.emit(Instr::Store(Target::Local(rest), current()), span);
        let empty = Expr {
            kind: ExprKind::List(Vec::new()),
            span,
        };
        self.emit(Instr::Store(Target::Local(raised), empty), span);
        for handler in handlers {
            let next = self.label();
            let failed = self.label();
            let Some(class) = &handler.kind else {
                continue;
            };
            let class = self.expr(class)?;
            self.emit_to(
                Instr::MatchExceptionStar {
                    class,
                    rest,
                    next: 0,
                },
                next,
                handler.span,
            );
            if let Some(name) = &handler.name {
                let target = self.name_target(name, handler.name_binding, handler.span);
                self.emit(Instr::Store(target, current()), handler.span);
            }
            self.emit_to(Instr::PushHandler(0), failed, handler.span);
            self.body(&handler.body)?;
            self.emit(Instr::PopHandler, handler.span);
            self.unbind_handler_name(handler, handler.span);
            self.jump(next, handler.span);
            self.place(failed);
            self.emit(Instr::KeepRaised { raised }, handler.span);
            self.unbind_handler_name(handler, handler.span);
            self.place(next);
        }
        self.emit(
            Instr::EndExceptStar {
                original,
                rest,
                raised,
            },
            span,
        );
        self.place(after);
        Ok(())
    }

    /// `except E as name` ends with `name = None; del name`, as in CPython.
    fn unbind_handler_name(&mut self, handler: &ast::ExceptHandler, span: Span) {
        if let Some(name) = &handler.name {
            let target = self.name_target(name, handler.name_binding, span);
            self.emit(Instr::Store(target, constant(Value::None, span)), span);
            let target = self.name_target(name, handler.name_binding, span);
            self.emit(Instr::Delete(target), span);
        }
    }

    /// `target: annotation` in a module or class body, after the value's
    /// store: a (not parenthesized) name's annotation goes into `__annotations__` under its
    /// (mangled) name; an attribute's or subscript's without a value has
    /// its object (and index) evaluated, and the annotation too, as
    /// CPython's `compiler_annassign`.
    fn annotation(
        &mut self,
        target: &'a ast::Expr,
        annotation: &'a ast::Expr,
        without_value: bool,
        span: Span,
    ) -> Result {
        // `(x): int` is not simple: its target starts after the statement.
        let simple = target.span.start == span.start;
        match &target.kind {
            K::Name { id, .. } if simple => {
                let annotations = self.name_load("__annotations__".into(), target.span);
                let key = constant(Value::str(&**id), target.span);
                let store = Target::Subscript(annotations, key, target.span);
                let annotation = self.expr(annotation)?;
                self.emit(Instr::Store(store, annotation), span);
                return Ok(());
            }
            K::Attribute { value, .. } if without_value => {
                let object = self.expr(value)?;
                self.emit(Instr::Eval(object), span);
            }
            K::Subscript { value, index } if without_value => {
                let (object, index) = self.pair(value, index)?;
                self.emit(Instr::Eval(object), span);
                self.emit(Instr::Eval(index), span);
            }
            _ => {}
        }
        let annotation = self.expr(annotation)?;
        self.emit(Instr::Eval(annotation), span);
        Ok(())
    }

    // ---- definitions ----

    fn child_qualname(&self, name: &str) -> ast::Name {
        match self.body_kind {
            BodyKind::Module => name.into(),
            BodyKind::Class => format!("{}.{}", self.qualname, name).into(),
            BodyKind::Function => format!("{}.<locals>.{}", self.qualname, name).into(),
        }
    }

    fn function(&mut self, def: &'a ast::FunctionDef) -> Result<Expr> {
        let mut defaults = Vec::new();
        for param in def.params.posonly.iter().chain(&def.params.args) {
            if let Some(d) = &param.default {
                defaults.push(self.expr(d)?);
            }
        }
        let mut kw_defaults = Vec::new();
        for param in &def.params.kwonly {
            kw_defaults.push(param.default.as_ref().map(|d| self.expr(d)).transpose()?);
        }
        // In CPython's order, which puts the positional-or-keyword
        // parameters before the positional-only ones.
        let params = &def.params;
        let mut annotations = Vec::new();
        let annotated = (params.args.iter())
            .chain(&params.posonly)
            .chain(&params.vararg)
            .chain(&params.kwonly)
            .chain(&params.kwarg)
            .filter_map(|p| Some((p.name.clone(), p.annotation.as_ref()?)));
        for (name, annotation) in annotated.chain(def.returns.iter().map(|r| ("return".into(), r)))
        {
            annotations.push((name, self.expr(annotation)?));
        }
        let flavor = match (def.is_async, def.scope.is_generator) {
            (true, true) => Flavor::AsyncGenerator,
            (true, false) => Flavor::Coroutine,
            (false, true) => Flavor::Generator,
            (false, false) => Flavor::Plain,
        };
        let qualname = self.child_qualname(&def.name);
        let mut builder = Builder::new(
            self.source.clone(),
            def.name.clone(),
            qualname,
            &def.scope,
            flavor,
        );
        builder.doc = docstring(&def.body);
        builder.body(&def.body)?;
        let end = Span::new(def.span.end as usize, def.span.end as usize);
        builder.emit(Instr::Return(constant(Value::None, end)), end);
        let signature = Signature {
            positional: def
                .params
                .posonly
                .iter()
                .chain(&def.params.args)
                .map(|p| p.name.clone())
                .collect(),
            posonly_count: def.params.posonly.len(),
            has_varargs: def.params.vararg.is_some(),
            kwonly: def.params.kwonly.iter().map(|p| p.name.clone()).collect(),
            has_varkw: def.params.kwarg.is_some(),
        };
        // A function nested in a method that names `super` needs the
        // method's function too (CPython passes `__class__` down through it).
        self.mentions_super |= builder.mentions_super;
        let mut code = builder.finish(signature, def.span);
        if let Some(decorator) = def.decorators.first() {
            code.first_line_start = decorator.span.start;
        }
        let template = FunctionTemplate {
            code: Rc::new(code),
            defaults,
            kw_defaults,
            annotations,
            closure: def.scope.free_vars.iter().map(|(_, cell)| *cell).collect(),
            comprehension: None,
        };
        Ok(Expr {
            kind: ExprKind::MakeFunction(Rc::new(template)),
            span: def.span,
        })
    }

    fn class(&mut self, class: &'a ast::ClassDef) -> Result<Expr> {
        let bases = class
            .bases
            .iter()
            .map(|arg| self.argument(arg))
            .collect::<Result<Vec<_>>>()?;
        let qualname = self.child_qualname(&class.name);
        let mut builder = Builder::new(
            self.source.clone(),
            class.name.clone(),
            qualname,
            &class.scope,
            Flavor::Plain,
        );
        builder.body_kind = BodyKind::Class;
        if let Some(doc) = docstring(&class.body) {
            let doc = constant(Value::str(&*doc), class.span);
            builder.emit(
                Instr::Store(Target::Namespace("__doc__".into()), doc),
                class.span,
            );
        }
        builder.namespace_body(&class.body)?;
        let end = Span::new(class.span.end as usize, class.span.end as usize);
        builder.emit(Instr::Return(constant(Value::None, end)), end);
        let mut body = builder.finish(Signature::default(), class.span);
        if let Some(decorator) = class.decorators.first() {
            body.first_line_start = decorator.span.start;
        }
        Ok(Expr {
            kind: ExprKind::MakeClass(Rc::new(ClassTemplate {
                name: class.name.clone(),
                body: Rc::new(body),
                bases,
                closure: class
                    .scope
                    .free_vars
                    .iter()
                    .map(|(_, cell)| *cell)
                    .collect(),
            })),
            span: class.span,
        })
    }

    fn comprehension(&mut self, comp: &'a ast::Comprehension, span: Span) -> Result<Expr> {
        let Some(first) = comp.generators.first() else {
            return Err(not_supported("empty comprehensions", span));
        };
        let first_iter = iterated(self.expr(&first.iter)?);
        // An asynchronous comprehension is a coroutine, awaited where it
        // is; a generator expression, an async generator (as CPython's).
        let is_async = is_async_comprehension(comp);
        let (name, flavor) = match (comp.kind, is_async) {
            (ast::ComprehensionKind::List, _) => ("<listcomp>", Flavor::Plain),
            (ast::ComprehensionKind::Set, _) => ("<setcomp>", Flavor::Plain),
            (ast::ComprehensionKind::Dict, _) => ("<dictcomp>", Flavor::Plain),
            (ast::ComprehensionKind::Generator, false) => ("<genexpr>", Flavor::Generator),
            (ast::ComprehensionKind::Generator, true) => ("<genexpr>", Flavor::AsyncGenerator),
        };
        let flavor = match flavor {
            Flavor::Plain if is_async => Flavor::Coroutine,
            flavor => flavor,
        };
        let qualname = self.child_qualname(name);
        let mut b = Builder::new(
            self.source.clone(),
            name.into(),
            qualname,
            &comp.scope,
            flavor,
        );
        let result = b.temp();
        let appends_per_item = matches!(
            comp.generators.as_slice(),
            [only] if !only.is_async && only.conditions.is_empty()
        );
        let initial = match comp.kind {
            ast::ComprehensionKind::List if appends_per_item => Some(ExprKind::ListWithRoomFor(0)),
            ast::ComprehensionKind::List => Some(ExprKind::List(vec![])),
            ast::ComprehensionKind::Set => Some(ExprKind::Set(vec![])),
            ast::ComprehensionKind::Dict => Some(ExprKind::Dict(vec![])),
            ast::ComprehensionKind::Generator => None,
        };
        if let Some(kind) = initial {
            b.emit(
                Instr::Store(Target::Local(result), Expr { kind, span }),
                span,
            );
        }
        // `.0`, the iterator of the first iterable, is parameter slot 0.
        let mut loops = Vec::new();
        for (i, generator) in comp.generators.iter().enumerate() {
            let slot = if i == 0 {
                0
            } else {
                let iterable = iterated(b.expr(&generator.iter)?);
                let slot = b.temp();
                // The loops' own steps point at the whole comprehension.
                if generator.is_async {
                    let aiter = aiter(iterable, span);
                    b.emit(Instr::Store(Target::Local(slot), aiter), span);
                } else {
                    b.emit(Instr::GetIter { iterable, slot }, span);
                }
                slot
            };
            let next = b.label();
            let closing = if generator.is_async {
                b.place(next);
                let handler = b.async_loop_head(slot, &generator.target, span)?;
                LoopEnd::Async { handler }
            } else {
                b.jump(next, span);
                let body = b.position();
                let target = b.loop_target(&generator.target, span)?;
                LoopEnd::Sync { slot, target, body }
            };
            for condition in &generator.conditions {
                b.branch(condition, false, next, span)?;
            }
            loops.push((next, closing));
        }
        let element = b.expr(&comp.element)?;
        match comp.kind {
            ast::ComprehensionKind::List => {
                let append = Instr::ListAppend {
                    list: result,
                    value: element,
                };
                b.emit(append, span);
            }
            ast::ComprehensionKind::Set => {
                let add = Instr::SetAdd {
                    set: result,
                    value: element,
                };
                b.emit(add, span);
            }
            ast::ComprehensionKind::Dict => {
                // The key is evaluated first (CPython 3.8's order), the
                // store evaluates its value first: a key that could run
                // code goes to a temporary before the value.
                let key = match element.kind {
                    ExprKind::Const(_) | ExprKind::Local(_) => element,
                    _ => {
                        let slot = b.temp();
                        b.emit(Instr::Store(Target::Local(slot), element), span);
                        local(slot, span)
                    }
                };
                let value = match &comp.value {
                    Some(v) => b.expr(v)?,
                    None => constant(Value::None, span),
                };
                let target = Target::Subscript(local(result, span), key, span);
                b.emit(Instr::Store(target, value), span);
            }
            ast::ComprehensionKind::Generator => {
                b.emit(
                    Instr::Yield {
                        value: element,
                        target: None,
                    },
                    span,
                );
            }
        }
        for (next, closing) in loops.into_iter().rev() {
            match closing {
                LoopEnd::Sync { slot, target, body } => {
                    b.place(next);
                    b.emit(Instr::ForIter { slot, target, body }, span);
                }
                LoopEnd::Async { handler } => {
                    let exit = b.label();
                    b.jump(next, span);
                    b.end_async_loop(handler, exit, span);
                    b.place(exit);
                }
            }
        }
        let returned = if comp.kind == ast::ComprehensionKind::Generator {
            constant(Value::None, span)
        } else {
            local(result, span)
        };
        b.emit(Instr::Return(returned), span);
        let signature = Signature {
            positional: vec![".0".into()],
            ..Signature::default()
        };
        self.mentions_super |= b.mentions_super;
        let code = b.finish(signature, span);
        let template = FunctionTemplate {
            code: Rc::new(code),
            defaults: vec![],
            kw_defaults: vec![],
            annotations: vec![],
            closure: comp.scope.free_vars.iter().map(|(_, cell)| *cell).collect(),
            comprehension: Some(comp.kind),
        };
        let made = Expr {
            kind: ExprKind::Comprehension(Rc::new(template), Box::new(first_iter), first.is_async),
            span,
        };
        Ok(match comp.kind {
            ast::ComprehensionKind::Generator => made,
            _ if is_async => self.suspend(made, Suspension::Await, span),
            _ => made,
        })
    }

    // ---- match ----

    /// `match`: the subject in a temporary, then each case's pattern
    /// (`Instr::Match`), guard and body, as CPython 3.11 compiles them.
    /// The guard and the body are ordinary code, so what they await is
    /// lifted as anywhere else; a pattern evaluates only names, attributes
    /// and constants, which never suspend.
    fn match_statement(
        &mut self,
        subject: &'a ast::Expr,
        cases: &'a [ast::MatchCase],
        span: Span,
    ) -> Result {
        let slot = self.temp();
        if bare_suspension(subject).is_some() {
            self.suspend_into(subject, Some(Target::Local(slot)))?;
        } else {
            let value = self.expr(subject)?;
            self.emit(Instr::Store(Target::Local(slot), value), subject.span);
        }
        let end = self.label();
        for case in cases {
            let next = self.label();
            let mut names = Vec::new();
            let mut targets = Vec::new();
            let pattern = self.pattern(&case.pattern, &mut names, &mut targets)?;
            self.emit_to(
                Instr::Match(Box::new(MatchCase {
                    subject: slot,
                    pattern,
                    targets,
                    fail: 0,
                })),
                next,
                case.pattern.span,
            );
            if let Some(guard) = &case.guard {
                self.branch(guard, false, next, guard.span)?;
            }
            // The subject is let go once a case is taken, as CPython pops it.
            self.emit(
                Instr::Store(Target::Local(slot), constant(Value::None, span)),
                case.pattern.span,
            );
            self.body(&case.body)?;
            self.jump(end, span);
            self.place(next);
        }
        self.emit(
            Instr::Store(Target::Local(slot), constant(Value::None, span)),
            span,
        );
        self.place(end);
        Ok(())
    }

    /// The index among the case's captures of the name `name` (an
    /// alternative of an `|` binds the same names as the first).
    fn capture(
        &mut self,
        name: &'a ast::Expr,
        names: &mut Vec<ast::Name>,
        targets: &mut Vec<Target>,
    ) -> Result<u32> {
        let K::Name { id, .. } = &name.kind else {
            return Err(SyntaxError::new("invalid pattern target", name.span));
        };
        if let Some(i) = names.iter().position(|n| n == id) {
            return Ok(i as u32);
        }
        names.push(id.clone());
        targets.push(self.target(name)?);
        Ok(names.len() as u32 - 1)
    }

    fn pattern(
        &mut self,
        p: &'a ast::Pattern,
        names: &mut Vec<ast::Name>,
        targets: &mut Vec<Target>,
    ) -> Result<Pattern> {
        use ast::PatternKind as P;
        Ok(match &p.kind {
            P::Value(e) => Pattern::Value(self.expr(e)?),
            P::Singleton(c) => Pattern::Singleton(match c {
                ast::Constant::True => Value::from(true),
                ast::Constant::False => Value::from(false),
                _ => Value::None,
            }),
            P::Star(None)
            | P::As {
                pattern: None,
                name: None,
            } => Pattern::Wildcard,
            P::Star(Some(name))
            | P::As {
                pattern: None,
                name: Some(name),
            } => Pattern::Capture(self.capture(name, names, targets)?),
            P::As {
                pattern: Some(inner),
                name,
            } => {
                let inner = self.pattern(inner, names, targets)?;
                match name {
                    Some(name) => Pattern::As(Box::new(inner), self.capture(name, names, targets)?),
                    None => inner,
                }
            }
            P::Sequence(items) => {
                let star = items.iter().position(|i| matches!(i.kind, P::Star(_)));
                let items = items
                    .iter()
                    .map(|item| self.pattern(item, names, targets))
                    .collect::<Result<Vec<_>>>()?;
                Pattern::Sequence { items, star }
            }
            P::Mapping {
                keys,
                patterns,
                rest,
            } => {
                let keys = keys
                    .iter()
                    .map(|k| self.expr(k))
                    .collect::<Result<Vec<_>>>()?;
                let values = patterns
                    .iter()
                    .map(|item| self.pattern(item, names, targets))
                    .collect::<Result<Vec<_>>>()?;
                let rest = match rest {
                    Some(rest) => Some(self.capture(rest, names, targets)?),
                    None => None,
                };
                Pattern::Mapping { keys, values, rest }
            }
            P::Class {
                class,
                patterns,
                keywords,
            } => {
                let class = self.expr(class)?;
                let positional = patterns
                    .iter()
                    .map(|item| self.pattern(item, names, targets))
                    .collect::<Result<Vec<_>>>()?;
                let keywords = keywords
                    .iter()
                    .map(|(name, _, item)| Ok((name.clone(), self.pattern(item, names, targets)?)))
                    .collect::<Result<Vec<_>>>()?;
                Pattern::Class {
                    class,
                    positional,
                    keywords,
                    span: p.span,
                }
            }
            P::Or(alternatives) => Pattern::Or(
                alternatives
                    .iter()
                    .map(|item| self.pattern(item, names, targets))
                    .collect::<Result<Vec<_>>>()?,
            ),
        })
    }

    // ---- targets ----

    fn target(&mut self, target: &'a ast::Expr) -> Result<Target> {
        Ok(match &target.kind {
            K::Name { id, binding } => self.name_target(id, *binding, target.span),
            K::Attribute { value, attr } => {
                let object = self.expr(value)?;
                let place = self.attribute_place(target.span);
                Target::Attribute(object, attr.clone(), Box::default(), place)
            }
            K::Subscript { value, index } => {
                let (value, index) = self.pair(value, index)?;
                Target::Subscript(value, index, target.span)
            }
            K::Tuple(items) | K::List(items) => {
                let starred = items.iter().position(|i| matches!(i.kind, K::Starred(_)));
                let items = items
                    .iter()
                    .map(|item| match &item.kind {
                        K::Starred(inner) => self.target(inner),
                        _ => self.target(item),
                    })
                    .collect::<Result<Vec<_>>>()?;
                Target::Unpack {
                    items,
                    starred,
                    span: target.span,
                }
            }
            K::Starred(inner) => self.target(inner)?,
            _ => return Err(SyntaxError::new("cannot assign to expression", target.span)),
        })
    }

    // ---- expressions ----

    /// Lowers two operands evaluated in order, spilling the first to a
    /// temporary when the second suspends.
    fn pair(&mut self, first: &'a ast::Expr, second: &'a ast::Expr) -> Result<(Expr, Expr)> {
        let mut v = self.ordered(&[first, second])?;
        let b = v
            .pop()
            .unwrap_or_else(|| constant(Value::None, second.span));
        let a = v.pop().unwrap_or_else(|| constant(Value::None, first.span));
        Ok((a, b))
    }

    /// Lowers operands evaluated left to right: those before the last one
    /// that suspends are computed into temporaries first, so a suspension
    /// point never reorders evaluation.
    fn ordered(&mut self, operands: &[&'a ast::Expr]) -> Result<Vec<Expr>> {
        let last_suspending = operands.iter().rposition(|e| suspends(e));
        operands
            .iter()
            .enumerate()
            .map(|(i, e)| {
                if last_suspending.is_some_and(|last| i < last) {
                    self.spill(e)
                } else {
                    self.expr(e)
                }
            })
            .collect()
    }

    fn spill(&mut self, e: &'a ast::Expr) -> Result<Expr> {
        let value = self.expr(e)?;
        if matches!(value.kind, ExprKind::Const(_)) {
            return Ok(value);
        }
        let slot = self.temp();
        self.emit(Instr::Store(Target::Local(slot), value), e.span);
        Ok(local(slot, e.span))
    }

    fn suspend(&mut self, value: Expr, kind: Suspension, span: Span) -> Expr {
        let slot = self.temp();
        self.emit_suspension(value, kind, Some(Target::Local(slot)), span);
        local(slot, span)
    }

    /// A statement that is a suspension (`await x`, `yield x`), or assigns
    /// one to a name: the value sent back goes straight to `target`, with
    /// no temporary and no second instruction.
    fn suspend_into(&mut self, e: &'a ast::Expr, target: Option<Target>) -> Result {
        if let Some((kind, operand)) = bare_suspension(e) {
            let value = match operand {
                Some(operand) => self.expr(operand)?,
                None => constant(Value::None, e.span),
            };
            self.emit_suspension(value, kind, target, e.span);
        }
        Ok(())
    }

    fn emit_suspension(
        &mut self,
        value: Expr,
        kind: Suspension,
        target: Option<Target>,
        span: Span,
    ) {
        let instr = match kind {
            Suspension::Yield => Instr::Yield { value, target },
            Suspension::YieldFrom => Instr::YieldFrom {
                value,
                target,
                delegate: Delegate::Iterator,
            },
            Suspension::Await => Instr::YieldFrom {
                value,
                target,
                delegate: Delegate::Awaitable,
            },
        };
        self.emit(instr, span);
    }

    fn expr(&mut self, e: &'a ast::Expr) -> Result<Expr> {
        let span = e.span;
        if let K::Name { id, binding } = &e.kind {
            // Both need the class the function is defined in.
            if &**id == "super" || *binding == Binding::DefiningClass {
                self.mentions_super = true;
            }
        }
        let kind = match &e.kind {
            K::Name { id, binding } => match binding {
                Binding::Local(slot) => ExprKind::Local(*slot),
                Binding::Cell(cell) => ExprKind::Cell(*cell),
                Binding::Global => ExprKind::Global(id.clone(), GlobalSlot::default()),
                Binding::DefiningClass => ExprKind::DefiningClass,
                Binding::Namespace | Binding::Unresolved => self.name_load(id.clone(), span).kind,
            },
            K::Constant(c) => ExprKind::Const(match c {
                ast::Constant::None => Value::None,
                ast::Constant::True => Value::from(true),
                ast::Constant::False => Value::from(false),
                ast::Constant::Ellipsis => Value::Ellipsis,
                ast::Constant::Int(i) => Value::Int(*i),
                ast::Constant::BigInt(b) => Value::from_bigint((**b).clone()),
                ast::Constant::Float(f) => Value::float(*f),
                ast::Constant::Str(s) => str_constant(s),
                ast::Constant::Bytes(b) => Value::Bytes(b.clone()),
            }),
            K::FString(parts) => ExprKind::FString(self.fstring(parts)?),
            K::List(items) => ExprKind::List(self.elements(items)?),
            K::Tuple(items) => {
                let elements = self.elements(items)?;
                if let Some(values) = constant_values(&elements) {
                    ExprKind::Const(Value::tuple(values))
                } else {
                    ExprKind::Tuple(elements)
                }
            }
            K::Set(items) => {
                let elements = self.elements(items)?;
                match constant_values(&elements) {
                    Some(values) if values.len() > 2 => ExprKind::ConstantSet(values),
                    _ => ExprKind::Set(elements),
                }
            }
            K::Dict(items) => {
                let mut operands = Vec::new();
                for item in items {
                    match item {
                        ast::DictItem::KeyValue(k, v) => {
                            operands.push(k);
                            operands.push(v);
                        }
                        ast::DictItem::Unpack(m) => operands.push(m),
                    }
                }
                let mut lowered = self.ordered(&operands)?.into_iter();
                let mut elements = Vec::new();
                for item in items {
                    let mut next = || {
                        lowered
                            .next()
                            .unwrap_or_else(|| constant(Value::None, span))
                    };
                    elements.push(match item {
                        ast::DictItem::KeyValue(..) => {
                            let k = next();
                            DictElement::Pair(k, next())
                        }
                        ast::DictItem::Unpack(_) => DictElement::Unpack(next()),
                    });
                }
                ExprKind::Dict(elements)
            }
            K::Starred(_) => {
                return Err(SyntaxError::new("can't use starred expression here", span))
            }
            K::Attribute { value, attr } => {
                let kind =
                    ExprKind::Attribute(Box::new(self.expr(value)?), attr.clone(), Box::default());
                let span = self.attribute_place(span);
                return Ok(Expr { kind, span });
            }
            K::Subscript { value, index } => {
                if !self.source.bundled() {
                    syntax_warnings::warn_missed_comma_subscript(&self.source, value, index, span);
                }
                let (value, index) = self.pair(value, index)?;
                ExprKind::Subscript(Box::new(value), Box::new(index))
            }
            K::Slice { lower, upper, step } => {
                let parts: Vec<&ast::Expr> = [lower, upper, step]
                    .into_iter()
                    .flatten()
                    .map(|b| &**b)
                    .collect();
                let mut lowered = self.ordered(&parts)?.into_iter();
                let mut take = |present: bool| {
                    if present {
                        lowered.next().map(Box::new)
                    } else {
                        None
                    }
                };
                let lower = take(lower.is_some());
                let upper = take(upper.is_some());
                let step = take(step.is_some());
                ExprKind::Slice(lower, upper, step)
            }
            K::Call { func, args } => return self.call(func, args, span),
            K::UnaryOp { op, operand } => {
                let operand = self.expr(operand)?;
                match fold_sign(*op, &operand.kind) {
                    Some(value) => ExprKind::Const(value),
                    None => ExprKind::Unary(*op, Box::new(operand)),
                }
            }
            K::BinOp { left, op, right } => {
                let (left, right) = self.pair(left, right)?;
                ExprKind::Binary(*op, Box::new(left), Box::new(right))
            }
            K::BoolOp { op, values } => return self.bool_op(*op, values, span),
            K::Compare { left, ops } => {
                if !self.source.bundled() {
                    syntax_warnings::warn_identity_with_literal(&self.source, left, ops);
                }
                let mut operands: Vec<&ast::Expr> = vec![left];
                operands.extend(ops.iter().map(|(_, e)| e));
                if operands[1..].iter().any(|e| suspends(e)) {
                    return Err(not_supported("'await' inside chained comparisons", span));
                }
                let mut lowered = self.ordered(&operands)?.into_iter();
                let left = lowered
                    .next()
                    .unwrap_or_else(|| constant(Value::None, span));
                let rest = ops.iter().map(|(op, _)| *op).zip(lowered).collect();
                ExprKind::Compare(Box::new(left), rest)
            }
            K::IfExp { test, body, orelse } => {
                if suspends(test) || suspends(body) || suspends(orelse) {
                    let slot = self.temp();
                    let otherwise = self.label();
                    let end = self.label();
                    self.branch(test, false, otherwise, span)?;
                    let body = self.expr(body)?;
                    self.emit(Instr::Store(Target::Local(slot), body), span);
                    self.jump(end, span);
                    self.place(otherwise);
                    let orelse = self.expr(orelse)?;
                    self.emit(Instr::Store(Target::Local(slot), orelse), span);
                    self.place(end);
                    return Ok(local(slot, span));
                }
                let test = self.expr(test)?;
                ExprKind::IfExp(
                    Box::new(test),
                    Box::new(self.expr(body)?),
                    Box::new(self.expr(orelse)?),
                )
            }
            K::Lambda(def) => return self.function(def),
            K::Comprehension(comp) => return self.comprehension(comp, span),
            K::Await(inner) => {
                let value = self.expr(inner)?;
                return Ok(self.suspend(value, Suspension::Await, span));
            }
            K::Yield(value) => {
                let value = match value {
                    Some(v) => self.expr(v)?,
                    None => constant(Value::None, span),
                };
                return Ok(self.suspend(value, Suspension::Yield, span));
            }
            K::YieldFrom(value) => {
                let value = self.expr(value)?;
                return Ok(self.suspend(value, Suspension::YieldFrom, span));
            }
            K::NamedExpr { target, value } => {
                let value = self.expr(value)?;
                let target = self.target(target)?;
                ExprKind::NamedExpr(Box::new(target), Box::new(value))
            }
        };
        Ok(Expr { kind, span })
    }

    fn bool_op(&mut self, op: ast::BoolOp, values: &'a [ast::Expr], span: Span) -> Result<Expr> {
        let Some((first, rest)) = values.split_first() else {
            return Ok(constant(Value::None, span));
        };
        if rest.iter().any(suspends) {
            // Short-circuit with jumps so a later operand's suspension only
            // happens when that operand is reached.
            let slot = self.temp();
            let end = self.label();
            let first = self.expr(first)?;
            self.emit(Instr::Store(Target::Local(slot), first), span);
            for value in rest {
                self.jump_if(local(slot, span), op == ast::BoolOp::Or, end, span);
                let value = self.expr(value)?;
                self.emit(Instr::Store(Target::Local(slot), value), span);
            }
            self.place(end);
            return Ok(local(slot, span));
        }
        let mut result = self.expr(first)?;
        for value in rest {
            let right = self.expr(value)?;
            let kind = match op {
                ast::BoolOp::And => ExprKind::And(Box::new(result), Box::new(right)),
                ast::BoolOp::Or => ExprKind::Or(Box::new(result), Box::new(right)),
            };
            result = Expr { kind, span };
        }
        Ok(result)
    }

    fn call(&mut self, func: &'a ast::Expr, args: &'a [ast::Arg], span: Span) -> Result<Expr> {
        if !self.source.bundled() {
            syntax_warnings::warn_missed_comma_call(&self.source, func, span);
        }
        let mut operands: Vec<&ast::Expr> = Vec::new();
        let method = match &func.kind {
            K::Attribute { value, attr } => {
                operands.push(value);
                Some(attr.clone())
            }
            _ => {
                operands.push(func);
                None
            }
        };
        for arg in args {
            operands.push(match arg {
                ast::Arg::Positional(e) | ast::Arg::Star(e) | ast::Arg::DoubleStar(e) => e,
                ast::Arg::Keyword { value, .. } => value,
            });
        }
        let mut lowered = self.ordered(&operands)?.into_iter();
        let callee = lowered
            .next()
            .unwrap_or_else(|| constant(Value::None, span));
        let arguments = args
            .iter()
            .zip(lowered)
            .map(|(arg, value)| match arg {
                ast::Arg::Positional(_) => Argument::Positional(value),
                ast::Arg::Star(_) => Argument::Starred(value),
                ast::Arg::DoubleStar(_) => Argument::DoubleStarred(value),
                ast::Arg::Keyword { name, .. } => Argument::Keyword(name.clone(), value),
            })
            .collect();
        Ok(match method {
            Some(name) => {
                let lookup = self.attribute_place(func.span);
                let cache = AttributeCache::of_method(lookup);
                Expr {
                    kind: ExprKind::CallMethod(Box::new(callee), name, arguments, cache),
                    span: Span::new(lookup.start as usize, span.end as usize),
                }
            }
            None => Expr {
                kind: ExprKind::Call(Box::new(callee), arguments),
                span,
            },
        })
    }

    /// Where CPython 3.11 places `value.attr`, written at `span` (and a
    /// method call through it): from the attribute's name when that is
    /// on a later line than the value (its compiler's
    /// `update_start_location_to_match_attr`).
    fn attribute_place(&self, span: Span) -> Span {
        let written = self.source.text.get(span.range()).unwrap_or_default();
        // The name as written (`attr` may be mangled): after the last dot.
        let name = written
            .rfind('.')
            .map(|dot| written[dot + 1..].trim_start());
        match name {
            Some(name) if written.contains('\n') => {
                Span::new(span.end as usize - name.len(), span.end as usize)
            }
            _ => span,
        }
    }

    fn argument(&mut self, arg: &'a ast::Arg) -> Result<Argument> {
        Ok(match arg {
            ast::Arg::Positional(e) => Argument::Positional(self.expr(e)?),
            ast::Arg::Star(e) => Argument::Starred(self.expr(e)?),
            ast::Arg::DoubleStar(e) => Argument::DoubleStarred(self.expr(e)?),
            ast::Arg::Keyword { name, value, .. } => {
                Argument::Keyword(name.clone(), self.expr(value)?)
            }
        })
    }

    fn elements(&mut self, items: &'a [ast::Expr]) -> Result<Vec<Element>> {
        let operands: Vec<&ast::Expr> = items
            .iter()
            .map(|item| match &item.kind {
                K::Starred(inner) => &**inner,
                _ => item,
            })
            .collect();
        let lowered = self.ordered(&operands)?;
        Ok(items
            .iter()
            .zip(lowered)
            .map(|(item, value)| match item.kind {
                K::Starred(_) => Element::Starred(value),
                _ => Element::Single(value),
            })
            .collect())
    }

    fn fstring(&mut self, parts: &'a [ast::FStringPart]) -> Result<Vec<ir::FStringPart>> {
        let mut lowered = Vec::new();
        for part in parts {
            match part {
                ast::FStringPart::Literal(text) => {
                    lowered.push(ir::FStringPart::Literal(text.clone()))
                }
                ast::FStringPart::Replacement {
                    value,
                    debug_text,
                    conversion,
                    format_spec,
                } => {
                    if let Some(text) = debug_text {
                        lowered.push(ir::FStringPart::Literal(text.clone()));
                    }
                    let conversion = match (conversion, debug_text, format_spec) {
                        (Some(c), _, _) => Some(*c),
                        // `f"{x=}"` shows the repr unless a spec is given.
                        (None, Some(_), None) => Some('r'),
                        _ => None,
                    };
                    let value = self.expr(value)?;
                    let spec = format_spec.as_ref().map(|s| self.fstring(s)).transpose()?;
                    lowered.push(ir::FStringPart::Value {
                        value,
                        conversion,
                        spec,
                    });
                }
            }
        }
        Ok(lowered)
    }
}

/// Whether a body annotates a name (or attribute, or subscript) of its
/// own, in a nested block too but not in a nested `def` or `class`
/// (CPython's `find_ann`).
fn annotates(body: &[ast::Stmt]) -> bool {
    body.iter().any(|stmt| match &stmt.kind {
        S::AnnAssign { .. } => true,
        S::If { body, orelse, .. }
        | S::While { body, orelse, .. }
        | S::For { body, orelse, .. } => annotates(body) || annotates(orelse),
        S::With { body, .. } => annotates(body),
        S::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            annotates(body)
                || handlers.iter().any(|handler| annotates(&handler.body))
                || annotates(orelse)
                || annotates(finalbody)
        }
        _ => false,
    })
}

/// The docstring of a body: its first statement, if a string literal.
fn docstring(body: &[ast::Stmt]) -> Option<Rc<str>> {
    match &body.first()?.kind {
        S::Expr(ast::Expr {
            kind: K::Constant(ast::Constant::Str(text)),
            ..
        }) => Some(text.clone()),
        _ => None,
    }
}

/// What an `async for` iterates: `type(iterable).__aiter__(iterable)`.
fn aiter(iterable: Expr, span: Span) -> Expr {
    Expr {
        kind: ExprKind::AsyncIter(Box::new(iterable)),
        span,
    }
}

/// What a `for` or a comprehension iterates: a set display of constants
/// is CPython's frozenset constant there, whose order can differ from
/// the set the display makes elsewhere.
fn iterated(iterable: Expr) -> Expr {
    let kind = match iterable.kind {
        ExprKind::ConstantSet(values) => ExprKind::ConstantFrozenSet(values),
        ExprKind::Set(elements) => match constant_values(&elements) {
            Some(values) => ExprKind::ConstantFrozenSet(values),
            None => ExprKind::Set(elements),
        },
        kind => kind,
    };
    Expr { kind, ..iterable }
}

fn constant_values(elements: &[Element]) -> Option<Vec<Value>> {
    elements
        .iter()
        .map(|e| match e {
            Element::Single(Expr {
                kind: ExprKind::Const(v),
                ..
            }) => Some(v.clone()),
            _ => None,
        })
        .collect()
}

#[derive(Clone, Copy)]
enum Suspension {
    Yield,
    YieldFrom,
    Await,
}

/// The suspension `e` is, if it is one, with its operand.
fn bare_suspension(e: &ast::Expr) -> Option<(Suspension, Option<&ast::Expr>)> {
    match &e.kind {
        K::Await(operand) => Some((Suspension::Await, Some(&**operand))),
        K::YieldFrom(operand) => Some((Suspension::YieldFrom, Some(&**operand))),
        K::Yield(operand) => Some((Suspension::Yield, operand.as_deref())),
        _ => None,
    }
}

/// Whether `test` is of `and`, `or` or `not`, which [`Builder::branch`]
/// makes jumps of.
fn is_logical(test: &ast::Expr) -> bool {
    matches!(
        test.kind,
        K::BoolOp { .. }
            | K::UnaryOp {
                op: ast::UnaryOp::Not,
                ..
            }
    )
}

/// The comparison that a condition's last jump tests: CPython's compiler
/// gives that jump the comparison's place, and any other the statement's.
fn tested_comparison(condition: &ast::Expr) -> Option<Span> {
    match &condition.kind {
        K::Compare { .. } => Some(condition.span),
        K::BoolOp { values, .. } => tested_comparison(values.last()?),
        K::UnaryOp {
            op: ast::UnaryOp::Not,
            operand,
        } => tested_comparison(operand),
        _ => None,
    }
}

/// Whether evaluating `e` can suspend the frame (a `yield` or `await` not
/// inside a nested scope).
fn suspends(e: &ast::Expr) -> bool {
    match &e.kind {
        K::Await(_) | K::Yield(_) | K::YieldFrom(_) => true,
        K::Name { .. } | K::Constant(_) | K::Lambda(_) => false,
        K::Comprehension(comp) => {
            comp.generators.first().is_some_and(|g| suspends(&g.iter))
                || (comp.kind != ast::ComprehensionKind::Generator && is_async_comprehension(comp))
        }
        K::FString(parts) => fstring_suspends(parts),
        K::List(items) | K::Tuple(items) | K::Set(items) => items.iter().any(suspends),
        K::Dict(items) => items.iter().any(|item| match item {
            ast::DictItem::KeyValue(k, v) => suspends(k) || suspends(v),
            ast::DictItem::Unpack(m) => suspends(m),
        }),
        K::Starred(inner) | K::UnaryOp { operand: inner, .. } => suspends(inner),
        K::Attribute { value, .. } => suspends(value),
        K::Subscript { value, index } => suspends(value) || suspends(index),
        K::Slice { lower, upper, step } => [lower, upper, step]
            .into_iter()
            .flatten()
            .any(|b| suspends(b)),
        K::Call { func, args } => {
            suspends(func)
                || args.iter().any(|arg| match arg {
                    ast::Arg::Positional(e) | ast::Arg::Star(e) | ast::Arg::DoubleStar(e) => {
                        suspends(e)
                    }
                    ast::Arg::Keyword { value, .. } => suspends(value),
                })
        }
        K::BinOp { left, right, .. } => suspends(left) || suspends(right),
        K::BoolOp { values, .. } => values.iter().any(suspends),
        K::Compare { left, ops } => suspends(left) || ops.iter().any(|(_, e)| suspends(e)),
        K::IfExp { test, body, orelse } => suspends(test) || suspends(body) || suspends(orelse),
        K::NamedExpr { value, .. } => suspends(value),
    }
}

fn fstring_suspends(parts: &[ast::FStringPart]) -> bool {
    parts.iter().any(|part| match part {
        ast::FStringPart::Literal(_) => false,
        ast::FStringPart::Replacement {
            value, format_spec, ..
        } => suspends(value) || format_spec.as_ref().is_some_and(|s| fstring_suspends(s)),
    })
}

/// Whether a comprehension is asynchronous: an `async for`, or an
/// `await` in its own body (not its first iterable).
fn is_async_comprehension(comp: &ast::Comprehension) -> bool {
    comp.generators.iter().any(|g| g.is_async) || suspends_in_comprehension(comp)
}

/// Whether a comprehension's own body (not its first iterable) awaits,
/// its targets included.
fn suspends_in_comprehension(comp: &ast::Comprehension) -> bool {
    suspends(&comp.element)
        || comp.value.as_ref().is_some_and(suspends)
        || comp.generators.iter().enumerate().any(|(i, g)| {
            (i > 0 && suspends(&g.iter)) || suspends(&g.target) || g.conditions.iter().any(suspends)
        })
}

/// `-1`, `+2.5`: a sign on a number literal is the constant itself, as
/// CPython's compiler folds it (an int whose negation leaves 64 bits is
/// left to run time).
fn fold_sign(op: ast::UnaryOp, operand: &ExprKind) -> Option<Value> {
    match (op, operand) {
        (ast::UnaryOp::Neg, ExprKind::Const(Value::Int(i))) => i.checked_neg().map(Value::Int),
        (ast::UnaryOp::Neg, ExprKind::Const(Value::Float(f))) => Some(Value::float(-f.get())),
        (ast::UnaryOp::Pos, ExprKind::Const(value @ (Value::Int(_) | Value::Float(_)))) => {
            Some(value.clone())
        }
        _ => None,
    }
}
