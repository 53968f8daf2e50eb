//! The expression tree-walker: evaluates an [`Expr`] in a frame.
//! Expressions never suspend (see `compile::lower`), so this is plain
//! recursion.

use std::cell::RefCell;
use std::rc::Rc;

use super::frame::{ClassBody, Frame, Outcome};
use crate::compile::ir::{
    Argument, AttributeCache, DictElement, Element, Expr, ExprKind, FStringPart, Flavor,
    FunctionTemplate, Origin,
};
use crate::runtime::asyncio::{locks, queues};
use crate::runtime::builtins::{functions, mappings, sequences};
use crate::runtime::error::{ExcType, Placed, PyResult};
use crate::runtime::generator::{Generator, GeneratorKind};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Function, Layout, NameMap, Namespace, NativeFn};
use crate::runtime::value::{discard, Value};
use crate::syntax::ast::{BinOp, CmpOp, Name, UnaryOp};
use crate::syntax::span::Span;

/// A method that a call can make without binding it first.
enum PlainMethod {
    Python(Rc<Function>),
    Native(NativeFn),
}

/// What a call calls, for the errors of its `*` and `**` arguments.
#[derive(Clone, Copy)]
enum Callee<'a> {
    Value(&'a Value),
    Function(&'a Rc<Function>),
    /// A builtin by name; a method's receiver is the first argument.
    Native {
        name: &'a str,
        method: bool,
    },
    /// A class statement's bases and keywords.
    Bases,
}

/// What an `await` waits on (see [`Interp::awaited`]).
pub enum Awaited {
    /// The awaitable's iterator, to delegate to.
    Object(Value),
    /// What the awaiting frame yields now, its delegate set already:
    /// `None` for a bare `asyncio.sleep(0)`, whose stand-in is the
    /// delegate, or what a coroutine run in place yielded when it first
    /// suspended ([`Interp::await_call`]), the coroutine the delegate.
    Yielded(Value),
    /// The result of an await that finished where it was made: a
    /// coroutine run in place to its end, or a queue call that did not
    /// have to wait.
    Finished(Value),
}

impl Awaited {
    /// `await asyncio.sleep(0)`'s one bare yield: the frame delegates to
    /// the stand-in `sleep` ([`Interp::bare_sleep`]) and yields `None`.
    fn bare_sleep(frame: &mut Frame, sleep: Value) -> Awaited {
        frame.delegate = Some(sleep);
        Awaited::Yielded(Value::None)
    }
}

/// Keyword arguments of a call, in order.
type Keywords = Vec<(Name, Value)>;
/// Most calls pass a few positional arguments: they stay on the stack.
type Arguments = smallvec::SmallVec<[Value; 4]>;

impl Interp {
    /// Evaluates an expression. Constants and variables, the leaves of
    /// every expression, are answered at the call site: the walker's own
    /// stack frame is large and would dominate their cost. A call goes
    /// straight to its own out-of-line function, not through the walker.
    ///
    /// An error is placed at the expression whose own operation raised it
    /// ([`PyErr::placed_at`]), on the paths that fail only: a variable at
    /// its name, an operator at itself (its operands placed theirs), a
    /// call at itself for what its callee raised.
    #[inline(always)]
    pub fn eval(&mut self, frame: &mut Frame, e: &Expr) -> PyResult<Value> {
        match &e.kind {
            ExprKind::Const(value) => Ok(value.clone()),
            ExprKind::Local(slot) => self.load_local(frame, *slot, &e.span),
            ExprKind::Global(name, slot) => self.load_global_cached(frame, name, slot, &e.span),
            ExprKind::Call(function, arguments) => {
                self.call_expr(frame, function, arguments, e.span)
            }
            ExprKind::Cell(cell) => self.load_cell(frame, *cell, &e.span),
            _ => self.eval_compound(frame, e),
        }
    }

    /// [`Interp::eval`], with a method call made from here rather than
    /// through the walker's frame: where one is common (a statement, an
    /// assignment's value, an operator's left operand), not in `eval`
    /// itself, which every expression inlines (fib: +1% instructions).
    #[inline(always)]
    pub(super) fn eval_or_call_method(&mut self, frame: &mut Frame, e: &Expr) -> PyResult<Value> {
        match &e.kind {
            ExprKind::CallMethod(receiver, name, arguments, cache) => self
                .call_method_expr(frame, receiver, name, arguments, cache)
                .placed(e.span),
            _ => self.eval(frame, e),
        }
    }

    /// [`Interp::eval`] for an argument, an int local or constant (the
    /// usual key or item) read with no call.
    #[inline(always)]
    fn int_or_eval(&mut self, frame: &mut Frame, e: &Expr) -> PyResult<Value> {
        match leaf(frame, e) {
            Some(Value::Int(i)) => Ok(Value::Int(*i)),
            _ => self.eval(frame, e),
        }
    }

    /// [`Interp::eval`] for the function of a call, most often a global
    /// found where it was found the last time: that read is made here,
    /// with no call.
    #[inline(always)]
    fn eval_callee(&mut self, frame: &mut Frame, function: &Expr) -> PyResult<Value> {
        if let ExprKind::Global(name, slot) = &function.kind {
            if let Some(value) = slot.global.peek(&frame.globals.namespace.borrow(), name) {
                // A function, the common callee, cloned in place (not by
                // `Value::clone`'s out-of-line arm).
                return Ok(match value {
                    Value::Function(function) => Value::Function(function.clone()),
                    other => other.clone(),
                });
            }
        }
        self.eval(frame, function)
    }

    /// Whether `condition` is true (an `if`'s, a `while`'s, a conditional
    /// expression's). A local or constant condition, or a comparison of
    /// leaves that needs no operator protocol, is decided in place.
    #[inline(always)]
    pub(super) fn holds(&mut self, frame: &mut Frame, condition: &Expr) -> PyResult<bool> {
        Ok(match leaf(frame, condition) {
            Some(Value::Bool(holds)) => holds.get(),
            Some(value) => self.truthy(value)?,
            None => match leaf_comparison(frame, condition) {
                Some(holds) => holds,
                None => match self.eval(frame, condition)? {
                    Value::Bool(holds) => holds.get(),
                    value => self.truthy(&value)?,
                },
            },
        })
    }

    /// A conditional expression's test: one of `and`, `or` and `not` is
    /// tested as CPython's compiler lowers it, to jumps (as the lowering
    /// does for statements, `Builder::branch`): the truth of each operand
    /// reached is asked once — `x if a and b else y` does not ask
    /// `a.__bool__()` again of the value `a and b` would give.
    #[inline(never)]
    fn logical_condition_holds(&mut self, frame: &mut Frame, condition: &Expr) -> PyResult<bool> {
        let span = condition.span;
        match &condition.kind {
            ExprKind::And(left, right) => {
                Ok(self.logical_condition_holds(frame, left).placed(span)?
                    && self.logical_condition_holds(frame, right).placed(span)?)
            }
            ExprKind::Or(left, right) => {
                Ok(self.logical_condition_holds(frame, left).placed(span)?
                    || self.logical_condition_holds(frame, right).placed(span)?)
            }
            ExprKind::Unary(UnaryOp::Not, operand) => {
                Ok(!self.logical_condition_holds(frame, operand).placed(span)?)
            }
            _ => self.holds(frame, condition),
        }
    }

    /// The operators and the rest: each places what its own operation
    /// raises at its span (the operands have placed theirs), on the
    /// paths that can raise — not on an operation decided in place.
    #[inline(never)]
    fn eval_compound(&mut self, frame: &mut Frame, e: &Expr) -> PyResult<Value> {
        match &e.kind {
            ExprKind::Attribute(object, name, cache) => {
                if let Some(object) = leaf(frame, object) {
                    return self.load_attribute(object, name, cache).placed(e.span);
                }
                let object = self.eval(frame, object)?;
                self.load_attribute(&object, name, cache).placed(e.span)
            }
            ExprKind::Subscript(object, index) => {
                if let Some(object) = leaf(frame, object) {
                    // `row[-1]`, `row[i]`, `row[i % n]`: the index made in
                    // place, with no walker call.
                    if let Some(index) = leaf(frame, index) {
                        return self.subscript(object, index).placed(e.span);
                    }
                    if let Some(index) = int_arithmetic(frame, index) {
                        return self.subscript(object, &index).placed(e.span);
                    }
                }
                if let ExprKind::Slice(lower, upper, None) = &index.kind {
                    return self.slice_expr(frame, object, lower, upper).placed(e.span);
                }
                let object = self.eval(frame, object)?;
                let index = self.eval(frame, index)?;
                self.subscript(&object, &index).placed(e.span)
            }
            ExprKind::Call(function, arguments) => {
                self.call_expr(frame, function, arguments, e.span)
            }
            ExprKind::CallMethod(receiver, name, arguments, cache) => {
                (self.call_method_expr(frame, receiver, name, arguments, cache)).placed(e.span)
            }
            ExprKind::Unary(op, operand) => {
                if let Some(value) = leaf(frame, operand) {
                    return self.unary_op(*op, value).placed(e.span);
                }
                let value = self.eval(frame, operand)?;
                self.unary_op(*op, &value).placed(e.span)
            }
            ExprKind::Binary(op, left, right) => {
                if let (Some(left), Some(right)) = (leaf(frame, left), leaf(frame, right)) {
                    if let Some(result) = small_int_binary(*op, left, right) {
                        return Ok(result);
                    }
                    return self.binary_op(*op, left, right).placed(e.span);
                }
                // `counts.get(v, 0) + 1`.
                let left = self.eval_or_call_method(frame, left)?;
                let right = self.eval(frame, right)?;
                if let Some(result) = small_int_binary(*op, &left, &right) {
                    // Two ints: `discard` spares the calls of their drop glue.
                    discard(Some(left));
                    discard(Some(right));
                    return Ok(result);
                }
                self.binary_op(*op, &left, &right).placed(e.span)
            }
            ExprKind::And(left, right) => {
                let value = self.eval(frame, left)?;
                if !self.truthy(&value).placed(e.span)? {
                    return Ok(value);
                }
                self.eval(frame, right)
            }
            ExprKind::Or(left, right) => {
                let value = self.eval(frame, left)?;
                if self.truthy(&value).placed(e.span)? {
                    return Ok(value);
                }
                self.eval(frame, right)
            }
            ExprKind::Compare(left, comparisons) => {
                if let ([(op, right)], Some(left)) = (comparisons.as_slice(), leaf(frame, left)) {
                    if let Some(right) = leaf(frame, right) {
                        return match plain_compare(*op, left, right) {
                            Some(holds) => Ok(Value::from(holds)),
                            None => self.compare(*op, left, right).placed(e.span),
                        };
                    }
                }
                let mut left = self.eval(frame, left)?;
                let mut result = Value::from(true);
                for (index, (op, right)) in comparisons.iter().enumerate() {
                    let right = self.eval(frame, right)?;
                    result = match plain_compare(*op, &left, &right) {
                        Some(holds) => Value::from(holds),
                        None => self.compare(*op, &left, &right).placed(e.span)?,
                    };
                    // The last result is the value, not tested here.
                    let last = index + 1 == comparisons.len();
                    if !last && !self.truthy(&result).placed(e.span)? {
                        return Ok(result);
                    }
                    left = right;
                }
                Ok(result)
            }
            ExprKind::IfExp(test, body, orelse) => {
                let holds = match &test.kind {
                    ExprKind::And(..) | ExprKind::Or(..) | ExprKind::Unary(UnaryOp::Not, _) => {
                        self.logical_condition_holds(frame, test)
                    }
                    _ => self.holds(frame, test),
                };
                if holds.placed(e.span)? {
                    self.eval(frame, body)
                } else {
                    self.eval(frame, orelse)
                }
            }
            _ => self.eval_uncommon(frame, e).placed(e.span),
        }
    }

    /// The expressions that are rarely in a hot loop, out of line: the
    /// walker's own stack frame, which every nested expression and every
    /// call stacks, is as large as its largest arm needs.
    #[inline(never)]
    fn eval_uncommon(&mut self, frame: &mut Frame, e: &Expr) -> PyResult<Value> {
        match &e.kind {
            ExprKind::Namespace(name) => self.load_namespace(frame, name),
            ExprKind::DefiningClass => self.load_defining_class(frame, &e.span),
            ExprKind::CurrentException => Ok(self
                .handled_exceptions
                .last()
                .map(|e| e.value())
                .unwrap_or(Value::None)),
            ExprKind::FString(parts) => {
                // `f'{s}'` of a str is that str (and `f'{s:6}'` when it pads
                // or cuts nothing), as CPython's one FORMAT_VALUE returns it.
                if let [FStringPart::Value {
                    value,
                    conversion: None,
                    spec,
                }] = &parts[..]
                {
                    let value = self.eval(frame, value)?;
                    if let (Value::Str(_), None) = (&value, spec) {
                        return Ok(value);
                    }
                    let mut text = String::new();
                    self.push_formatted(frame, &value, spec, &mut text)?;
                    return Ok(functions::same_if_unchanged(&value, text));
                }
                // Built in a buffer kept for the next one (unless it grew
                // large), then copied once: no growth of a new string, no
                // shrinking of it.
                let mut text = std::mem::take(&mut self.fstring_buffer);
                text.clear();
                let built = self.fstring(frame, parts, &mut text);
                let value = built.map(|()| Value::str(text.as_str()));
                if text.capacity() <= 4096 {
                    self.fstring_buffer = text;
                }
                value
            }
            ExprKind::List(elements) => Ok(Value::list(self.elements(frame, elements, false)?)),
            ExprKind::ListWithRoomFor(slot) => {
                let hint = match &frame.slots[*slot as usize] {
                    Some(Value::Native(iterator)) => iterator.length_hint(),
                    _ => None,
                };
                // Room that could not be had is no error: the list grows
                // as the items come (or the element fails first).
                let mut items = Vec::new();
                if let Some(room) = hint {
                    if self.check_allocation(room, size_of::<Value>()).is_ok() {
                        let _ = items.try_reserve_exact(room);
                    }
                }
                Ok(Value::list(items))
            }
            ExprKind::Tuple(elements) => {
                // A pair of locals or constants, the commonest tuple.
                if let [a, b] = elements.as_slice() {
                    if let (Some(a), Some(b)) = (element_leaf(frame, a), element_leaf(frame, b)) {
                        return Ok(Value::pair(a.clone(), b.clone()));
                    }
                }
                // Locals and constants only: straight into the tuple's
                // items (a vector first would be one more allocation, and a
                // copy).
                if elements
                    .iter()
                    .all(|element| element_leaf(frame, element).is_some())
                {
                    // `map` keeps the length known, so `collect` allocates
                    // at most once; every item is `Some`.
                    let items = elements.iter().map(|element| {
                        element_leaf(frame, element).cloned().unwrap_or(Value::None)
                    });
                    return Ok(Value::Tuple(Rc::new(items.collect())));
                }
                Ok(Value::tuple(self.elements(frame, elements, false)?))
            }
            ExprKind::Set(elements) => {
                let values = self.elements(frame, elements, true)?;
                Ok(Value::set(self.set_from_values(values)?))
            }
            ExprKind::ConstantSet(values) => {
                // The display copies CPython's frozenset constant into a set.
                let frozen = self.frozenset_constant(values)?;
                let set = frozen.set_copy();
                Ok(Value::set(RefCell::new(set)))
            }
            ExprKind::ConstantFrozenSet(values) => {
                Ok(Value::FrozenSet(Rc::new(self.frozenset_constant(values)?)))
            }
            ExprKind::Dict(elements) => {
                let dict = RefCell::new(crate::runtime::dict::Dict::new());
                for element in elements {
                    match element {
                        DictElement::Pair(k, v) => {
                            let key = self.eval(frame, k)?;
                            let value = self.eval(frame, v)?;
                            self.dict_set(&dict, key, value)?;
                        }
                        DictElement::Unpack(m) => {
                            let mapping = self.eval(frame, m)?;
                            for (key, value) in self.mapping_items(&mapping)? {
                                self.dict_set(&dict, key, value)?;
                            }
                        }
                    }
                }
                Ok(Value::dict(dict))
            }
            ExprKind::LookupSpecial(object, name) => {
                let object = self.eval(frame, object)?;
                match self.lookup_special(&object, name) {
                    Some(method) => self.bind_attribute(method, &object),
                    None => Err(self.missing_special(&object, name)),
                }
            }
            ExprKind::Slice(lower, upper, step) => {
                let mut part = |p: &Option<Box<Expr>>, this: &mut Self| -> PyResult<Value> {
                    match p {
                        Some(e) => this.eval(frame, e),
                        None => Ok(Value::None),
                    }
                };
                let lower = part(lower, self)?;
                let upper = part(upper, self)?;
                let step = part(step, self)?;
                Ok(Value::Slice(Rc::new([lower, upper, step])))
            }
            ExprKind::MakeFunction(template) => {
                self.make_function(frame, template).map(Value::Function)
            }
            ExprKind::MakeClass(template) => self.make_class(frame, template),
            ExprKind::Comprehension(template, first, _)
                if template.code.flavor == Flavor::Plain && !template.code.mentions_super =>
            {
                // A list, set or dict comprehension runs to its end here
                // and now, so nothing can see a function object for it:
                // its frame gets the closure's cells without one.
                let iterable = self.eval(frame, first)?;
                let iterator = self.get_iter(&iterable)?;
                let code = &template.code;
                let mut callee_frame = self.new_frame(code.clone(), frame.globals.clone());
                callee_frame.slots[0] = Some(iterator);
                if !template.closure.is_empty() {
                    let closure = template.closure.iter();
                    let cells = closure.map(|&cell| frame.cells()[cell as usize].clone());
                    callee_frame.add_closure(cells);
                }
                let result = self.run_function(&mut callee_frame);
                callee_frame.finish(&mut self.slot_pool);
                result
            }
            ExprKind::Comprehension(template, first, first_is_async) => {
                let function = self.make_function(frame, template)?;
                let iterable = self.eval(frame, first)?;
                let iterator = if *first_is_async {
                    self.async_iterator(&iterable, false)?
                } else {
                    self.get_iter(&iterable)?
                };
                // Its one parameter, `.0`, is its first slot: bound with no
                // checks.
                let mut callee_frame =
                    self.new_frame(function.code.clone(), function.globals.clone());
                if let Some(parameter) = callee_frame.slots.first_mut() {
                    *parameter = Some(iterator);
                }
                self.start_function(&function, callee_frame)
            }
            ExprKind::AsyncIter(iterable) => {
                let iterable = self.eval(frame, iterable)?;
                self.async_iterator(&iterable, false)
            }
            ExprKind::NamedExpr(target, value) => {
                let value = self.eval(frame, value)?;
                self.store(frame, target, value.clone())?;
                Ok(value)
            }
            ExprKind::Const(_) | ExprKind::Local(_) | ExprKind::Global(..) | ExprKind::Cell(_) => {
                self.eval(frame, e)
            }
            ExprKind::Attribute(..)
            | ExprKind::Subscript(..)
            | ExprKind::Call(..)
            | ExprKind::CallMethod(..)
            | ExprKind::Unary(..)
            | ExprKind::Binary(..)
            | ExprKind::And(..)
            | ExprKind::Or(..)
            | ExprKind::Compare(..)
            | ExprKind::IfExp(..) => self.eval_compound(frame, e),
        }
    }

    // Calls are kept out of `eval` (never inlined into it): their set-up
    // would otherwise enlarge the stack frame of every expression node.

    #[inline(never)]
    fn call_expr(
        &mut self,
        frame: &mut Frame,
        function: &Expr,
        arguments: &[Argument],
        span: Span,
    ) -> PyResult<Value> {
        let result = match self.eval_callee(frame, function)? {
            // The function value itself goes into the callee's frame.
            Value::Function(callee) if Self::binds_directly(&callee, None, arguments) => {
                self.call_direct(frame, callee, None, arguments)
            }
            function => self.call_value(frame, &function, arguments),
        };
        result.placed(span)
    }

    /// Calls a function value with the call's argument expressions.
    #[inline(always)]
    fn call_value(
        &mut self,
        frame: &mut Frame,
        function: &Value,
        arguments: &[Argument],
    ) -> PyResult<Value> {
        // These builtins read the calling frame, which only the
        // evaluator can see.
        if let (Value::Type(class), true) = (&function, arguments.is_empty()) {
            if class.layout == Layout::Builtin && &*class.name == "super" {
                return self.zero_argument_super(frame);
            }
        }
        if let (Value::Builtin(builtin), true) = (&function, arguments.is_empty()) {
            if builtin.receiver.is_none() {
                match builtin.name {
                    "globals" => return self.namespace_dict(&frame.globals.namespace.borrow()),
                    "locals" | "vars" => return self.frame_locals(frame),
                    "dir" => return self.frame_dir(frame),
                    _ => {}
                }
            }
        }
        match function {
            Value::Function(callee) if Self::binds_directly(callee, None, arguments) => {
                return self.call_direct(frame, callee.clone(), None, arguments);
            }
            Value::Builtin(builtin) if builtin.receiver.is_none() => {
                // `eval` and `exec` run their text in the calling frame's
                // module: told by their entry point, one comparison.
                if functions::runs_string(builtin.func) {
                    return self.run_string(frame, builtin.name, arguments);
                }
                return self.call_native(frame, builtin.func, builtin.name, None, arguments);
            }
            _ => {}
        }
        let mut args = Arguments::new();
        let mut kwargs = Keywords::new();
        let callee = Callee::Value(function);
        self.arguments_into(frame, arguments, &mut args, &mut kwargs, callee)?;
        self.call(function, &args, &kwargs)
    }

    /// Calls a builtin's entry point with the call's arguments (after
    /// `receiver`, for a method). One or two positional arguments, the
    /// usual case, go in an array on the stack. `row.append(v)` and
    /// `len(x)`, the commonest, are made here, as CPython 3.11
    /// specializes them: with the argument as evaluated, no argument
    /// array and no count check.
    #[inline(always)]
    fn call_native(
        &mut self,
        frame: &mut Frame,
        function: NativeFn,
        name: &str,
        receiver: Option<Value>,
        arguments: &[Argument],
    ) -> PyResult<Value> {
        use Argument::Positional;
        match (receiver, arguments) {
            (Some(Value::List(list)), [Positional(item)])
                if sequences::is_list_append(function) =>
            {
                let item = self.int_or_eval(frame, item)?;
                self.run_pending_finalizers();
                list.borrow_mut().push(item);
                Ok(Value::None)
            }
            (Some(Value::Dict(dict)), [Positional(key), default @ ..])
                if matches!(default, [] | [Positional(_)]) && mappings::is_dict_get(function) =>
            {
                let key = self.int_or_eval(frame, key)?;
                let default = match default {
                    [Positional(default)] => self.int_or_eval(frame, default)?,
                    _ => Value::None,
                };
                self.run_pending_finalizers();
                let found = self.dict_get(&dict, &key)?;
                // Most often ints: `discard` spares the calls of drop glue.
                discard(Some(key));
                Ok(match found {
                    Some(value) => {
                        discard(Some(default));
                        value
                    }
                    None => default,
                })
            }
            (None, [Positional(a)]) if functions::is_len(function) => {
                let a = self.eval(frame, a)?;
                self.run_pending_finalizers();
                Ok(Value::from(self.len(&a)?))
            }
            (Some(receiver), []) => self.invoke_native(function, &[receiver], &[]),
            (Some(receiver), [Positional(a)]) => {
                let a = self.eval(frame, a)?;
                self.invoke_native(function, &[receiver, a], &[])
            }
            (Some(receiver), [Positional(a), Positional(b)]) => {
                let a = self.eval(frame, a)?;
                let b = self.eval(frame, b)?;
                self.invoke_native(function, &[receiver, a, b], &[])
            }
            (None, [Positional(a)]) => {
                let a = self.eval(frame, a)?;
                self.invoke_native(function, &[a], &[])
            }
            (None, [Positional(a), Positional(b)]) => {
                let a = self.eval(frame, a)?;
                let b = self.eval(frame, b)?;
                self.invoke_native(function, &[a, b], &[])
            }
            (receiver, _) => {
                let mut args = Arguments::new();
                let mut kwargs = Keywords::new();
                let method = receiver.is_some();
                args.extend(receiver);
                let callee = Callee::Native { name, method };
                self.arguments_into(frame, arguments, &mut args, &mut kwargs, callee)?;
                self.invoke_native(function, &args, &kwargs)
            }
        }
    }

    /// A builtin's entry point called with its arguments. Objects dropped
    /// while they were evaluated are finalized first: `print(f())` prints
    /// after what the finalizers of `f`'s locals print, as in CPython.
    #[inline(always)]
    fn invoke_native(
        &mut self,
        function: NativeFn,
        args: &[Value],
        kwargs: &[(Name, Value)],
    ) -> PyResult<Value> {
        self.run_pending_finalizers();
        function(self, args, kwargs)
    }

    /// The common call: plain positional arguments (after `receiver`, for
    /// a method) that fill a function's parameters, with its defaults, go
    /// straight into its new frame, with no argument vector and no binding
    /// by name: a call that [`Interp::binds_directly`].
    #[inline(always)]
    fn call_direct(
        &mut self,
        frame: &mut Frame,
        callee: Rc<Function>,
        receiver: Option<&Value>,
        arguments: &[Argument],
    ) -> PyResult<Value> {
        // A plain function's frame stays on the stack; a generator's or
        // coroutine's goes to the heap before it is filled, so that it is
        // copied once, not at every hand-over.
        if callee.code.flavor == Flavor::Plain {
            let mut callee_frame = self.new_frame(callee.code.clone(), callee.globals.clone());
            self.bind_directly(frame, &callee, receiver, arguments, &mut callee_frame)?;
            let result = self.run_plain_function(&callee, &mut callee_frame);
            callee_frame.finish(&mut self.slot_pool);
            return result;
        }
        let mut callee_frame =
            Box::new(self.new_frame(callee.code.clone(), callee.globals.clone()));
        self.bind_directly(frame, &callee, receiver, arguments, &mut callee_frame)?;
        Ok(self.start_generator(&callee, callee_frame))
    }

    /// Whether a call's arguments (after `receiver`, for a method) are
    /// plain positional ones that, with the defaults, fill the callee's
    /// parameters ([`Interp::bind_directly`]).
    #[inline(always)]
    fn binds_directly(callee: &Function, receiver: Option<&Value>, arguments: &[Argument]) -> bool {
        let positional = arguments
            .iter()
            .all(|a| matches!(a, Argument::Positional(_)));
        let count = arguments.len() + usize::from(receiver.is_some());
        positional && Self::fills_directly(callee, count)
    }

    /// Fills the parameters of a call that [`Interp::fills_directly`]:
    /// the receiver, the arguments' values, the defaults.
    #[inline(always)]
    fn bind_directly(
        &mut self,
        frame: &mut Frame,
        callee: &Function,
        receiver: Option<&Value>,
        arguments: &[Argument],
        callee_frame: &mut Frame,
    ) -> PyResult<()> {
        let count = arguments.len() + usize::from(receiver.is_some());
        let mut slots = callee_frame.slots.iter_mut();
        if let Some(receiver) = receiver {
            if let Some(slot) = slots.next() {
                *slot = Some(receiver.clone());
            }
        }
        for (slot, argument) in slots.zip(arguments) {
            if let Argument::Positional(e) = argument {
                // `f(n - 1)`: an int argument computed in place.
                *slot = Some(match leaf_int_arithmetic(frame, e) {
                    Some(value) => value,
                    None => self.eval(frame, e)?,
                });
            }
        }
        if count < callee.code.signature.positional.len() || !callee.kw_defaults.is_empty() {
            Self::fill_defaults(callee, &mut callee_frame.slots, count);
        }
        Ok(())
    }

    #[inline(never)]
    fn call_method_expr(
        &mut self,
        frame: &mut Frame,
        receiver: &Expr,
        name: &Name,
        arguments: &[Argument],
        cache: &AttributeCache,
    ) -> PyResult<Value> {
        // A list, dict or instance in a local (`row.append(v)`,
        // `counts.get(k)`, `c.m(v)`): its reference counted here, with no
        // walker dispatch and no `Value::clone` call (loops 2% faster by
        // CPU time, a method call on an instance 4%). Written out here and
        // in `awaited`: the same match as an inlined helper returning a
        // `PyResult` cost loops 1% and queue_pingpong 4% in instructions.
        let receiver = match leaf(frame, receiver) {
            Some(Value::List(list)) => Value::List(list.clone()),
            Some(Value::Dict(dict)) => Value::Dict(dict.clone()),
            Some(Value::Instance(instance)) => Value::Instance(instance.clone()),
            _ => self.eval(frame, receiver)?,
        };
        self.call_method_of(frame, receiver, name, arguments, cache)
    }

    #[inline(always)]
    fn call_method_of(
        &mut self,
        frame: &mut Frame,
        receiver: Value,
        name: &Name,
        arguments: &[Argument],
        cache: &AttributeCache,
    ) -> PyResult<Value> {
        let method = self.plain_method(&receiver, name, cache);
        self.call_found_method(frame, receiver, method, name, arguments, cache)
    }

    /// [`Interp::call_method_of`] once the class has been asked for the
    /// method ([`Interp::plain_method`]).
    #[inline(always)]
    fn call_found_method(
        &mut self,
        frame: &mut Frame,
        receiver: Value,
        method: Option<PlainMethod>,
        name: &Name,
        arguments: &[Argument],
        cache: &AttributeCache,
    ) -> PyResult<Value> {
        // The common cases call the method found on the class with the
        // receiver first, without making a bound method.
        match method {
            Some(PlainMethod::Native(method)) => {
                return self.call_native(frame, method, name, Some(receiver), arguments)
            }
            Some(PlainMethod::Python(callee)) => {
                if Self::binds_directly(&callee, Some(&receiver), arguments) {
                    return self.call_direct(frame, callee, Some(&receiver), arguments);
                }
                let mut args = Arguments::new();
                let mut kwargs = Keywords::new();
                args.push(receiver);
                let called = Callee::Function(&callee);
                self.arguments_into(frame, arguments, &mut args, &mut kwargs, called)?;
                return self.call_function(&callee, &args, &kwargs);
            }
            None => {}
        }
        // A module's function, a bound method, a class: called as any
        // function value is.
        let method = (self.load_attribute(&receiver, name, cache)).placed(cache.method_span)?;
        self.call_value(frame, &method, arguments)
    }

    /// `object[index]`: a list's or tuple's item at an int index in range
    /// here, anything else by `get_item` (whose many cases make every
    /// call of it save and restore registers).
    #[inline(always)]
    fn subscript(&mut self, object: &Value, index: &Value) -> PyResult<Value> {
        if let Value::Int(i) = index {
            if let Some(item) = sequences::item_at(object, *i) {
                return Ok(item);
            }
        }
        self.get_item(object, index)
    }

    /// `object[lower:upper]`. A list's or tuple's items between int or
    /// omitted bounds (`row[:6]`) are copied with no slice object made;
    /// anything else is subscripted with one, in the same order.
    #[inline(never)]
    fn slice_expr(
        &mut self,
        frame: &mut Frame,
        object: &Expr,
        lower: &Option<Box<Expr>>,
        upper: &Option<Box<Expr>>,
    ) -> PyResult<Value> {
        let object = self.eval(frame, object)?;
        let lower = match lower {
            Some(lower) => self.eval(frame, lower)?,
            None => Value::None,
        };
        let upper = match upper {
            Some(upper) => self.eval(frame, upper)?,
            None => Value::None,
        };
        if let Some(items) = sequences::contiguous_slice(&object, &lower, &upper) {
            return Ok(items);
        }
        self.get_item(&object, &Value::Slice(Rc::new([lower, upper, Value::None])))
    }

    /// What `await value` waits on. `await asyncio.sleep(d)` with `d <= 0`
    /// is told apart before the call: CPython's `sleep` would make a
    /// coroutine that yields once, bare, and is dropped unseen, so the
    /// awaiting frame yields `None` in its place, delegating to a stand-in
    /// for the sleep ([`Interp::bare_sleep`]). A coroutine function's call
    /// may run in place ([`Interp::await_call`]). Every other call is made
    /// as `eval` makes it, in the same order.
    #[inline(always)]
    pub fn awaited(&mut self, frame: &mut Frame, value: &Expr) -> PyResult<Awaited> {
        let (function, arguments) = match &value.kind {
            ExprKind::Call(function, arguments) => (self.eval_callee(frame, function)?, arguments),
            ExprKind::CallMethod(receiver, name, arguments, cache) => {
                if let Some(sleep) = self.module_bare_sleep(frame, receiver, name, arguments, cache)
                {
                    return Ok(Awaited::bare_sleep(frame, sleep));
                }
                // An instance in a local (`await q.get()`): its reference
                // counted here, as `call_method_expr` does for lists.
                let receiver = match leaf(frame, receiver) {
                    Some(Value::Instance(instance)) => Value::Instance(instance.clone()),
                    _ => self.eval(frame, receiver)?,
                };
                if !matches!(receiver, Value::Module(_)) {
                    let method = self.plain_method(&receiver, name, cache);
                    match method {
                        Some(PlainMethod::Python(callee))
                            if Self::awaits_in_place(&callee, Some(&receiver), arguments) =>
                        {
                            return self.await_call(frame, callee, Some(&receiver), arguments);
                        }
                        Some(PlainMethod::Native(method)) => {
                            if let Some(awaited) =
                                self.await_queue_call(frame, method, &receiver, arguments)
                            {
                                return awaited;
                            }
                            if self.awaits_reach_task
                                && arguments.is_empty()
                                && locks::is_event_wait(method)
                            {
                                if let Some(awaited) = locks::await_wait(self, frame, &receiver) {
                                    return awaited;
                                }
                            }
                        }
                        _ => {}
                    }
                    return self
                        .call_found_method(frame, receiver, method, name, arguments, cache)
                        .map(Awaited::Object)
                        .placed(value.span);
                }
                let method =
                    (self.load_attribute(&receiver, name, cache)).placed(cache.method_span)?;
                (method, arguments)
            }
            _ => return self.eval(frame, value).map(Awaited::Object),
        };
        match &arguments[..] {
            [Argument::Positional(delay)] if crate::runtime::asyncio::is_sleep(&function) => {
                // A constant or local delay is looked at where it is.
                if let Some(sleep) = leaf(frame, delay).and_then(|delay| self.bare_sleep(delay)) {
                    return Ok(Awaited::bare_sleep(frame, sleep));
                }
                let delay = self.eval(frame, delay)?;
                match self.bare_sleep(&delay) {
                    Some(sleep) => Ok(Awaited::bare_sleep(frame, sleep)),
                    None => (self.call(&function, &[delay], &[]).map(Awaited::Object))
                        .placed(value.span),
                }
            }
            _ => match function {
                Value::Function(callee) if Self::awaits_in_place(&callee, None, arguments) => {
                    self.await_call(frame, callee, None, arguments)
                }
                function => (self.call_value(frame, &function, arguments))
                    .map(Awaited::Object)
                    .placed(value.span),
            },
        }
    }

    /// `await asyncio.sleep(0)` as a task switch is written, told by
    /// looking: the module a global and `sleep` its attribute, each where
    /// it was found the last time, and the delay a constant or a local
    /// `<= 0`. Nothing it reads can run code or fail, so nothing is
    /// evaluated (no module or function taken out and dropped): the
    /// bare sleep's stand-in ([`Interp::bare_sleep`]), or `None` for
    /// the call to be evaluated as written.
    #[inline(always)]
    fn module_bare_sleep(
        &self,
        frame: &Frame,
        receiver: &Expr,
        name: &Name,
        arguments: &[Argument],
        cache: &AttributeCache,
    ) -> Option<Value> {
        let (ExprKind::Global(global, slot), [Argument::Positional(delay)]) =
            (&receiver.kind, arguments)
        else {
            return None;
        };
        let globals = frame.globals.namespace.borrow();
        let Value::Module(module) = slot.global.peek(&globals, global)? else {
            return None;
        };
        let attributes = module.namespace.borrow();
        if !crate::runtime::asyncio::is_sleep(cache.own_peek(&attributes, name)?) {
            return None;
        }
        self.bare_sleep(leaf(frame, delay)?)
    }

    /// Whether `await f(...)` (or `await receiver.f(...)`) runs in place
    /// ([`Interp::await_call`]): a coroutine function whose plain
    /// positional arguments fill its parameters.
    #[inline(always)]
    fn awaits_in_place(
        callee: &Function,
        receiver: Option<&Value>,
        arguments: &[Argument],
    ) -> bool {
        callee.code.flavor == Flavor::Coroutine && Self::binds_directly(callee, receiver, arguments)
    }

    /// `await f(...)` of a call that [`Interp::awaits_in_place`]: the
    /// coroutine runs in place, its frame on the Rust stack as a plain
    /// call's, and becomes an object only if it suspends (its frame then
    /// moves to the heap). Most awaited coroutines finish without
    /// suspending, and so pay for neither the coroutine object nor its
    /// boxed frame. Nothing else can see a coroutine that is awaited the
    /// moment it is made, so this is what resuming that object would do.
    #[inline(always)]
    fn await_call(
        &mut self,
        frame: &mut Frame,
        callee: Rc<Function>,
        receiver: Option<&Value>,
        arguments: &[Argument],
    ) -> PyResult<Awaited> {
        let mut coroutine_frame = self.new_frame(callee.code.clone(), callee.globals.clone());
        self.bind_directly(frame, &callee, receiver, arguments, &mut coroutine_frame)?;
        Self::enter_function(&callee, &mut coroutine_frame);
        let outcome = self.nested(|this| this.run_frame(&mut coroutine_frame, None));
        if let Ok(Outcome::Yield(yielded)) = outcome {
            frame.delegate = Some(suspended_coroutine(&callee, coroutine_frame));
            return Ok(Awaited::Yielded(yielded));
        }
        coroutine_frame.finish(&mut self.slot_pool);
        match outcome {
            Ok(Outcome::Return(result) | Outcome::Yield(result)) => Ok(Awaited::Finished(result)),
            Err(error) => Err(self.escaped_frame(GeneratorKind::Coroutine, error)),
        }
    }

    /// `await queue.put(item)` or `await queue.get()`, their arguments
    /// plain: made here, with no coroutine object when the call need not
    /// wait ([`queues::await_now`]). `None` for any other call.
    #[inline(never)]
    fn await_queue_call(
        &mut self,
        frame: &mut Frame,
        method: NativeFn,
        queue: &Value,
        arguments: &[Argument],
    ) -> Option<PyResult<Awaited>> {
        let operation = queues::Operation::of(method)?;
        let item = match (operation, arguments) {
            (queues::Operation::Put, [Argument::Positional(item)]) => {
                match self.eval(frame, item) {
                    Ok(item) => Some(item),
                    Err(error) => return Some(Err(error)),
                }
            }
            (queues::Operation::Get, []) => None,
            _ => return None,
        };
        Some(queues::await_now(self, operation, queue, item))
    }

    /// The values of a list, tuple or set display (`set`: whose `*x` of
    /// what is not iterable CPython words as `iter()` does).
    fn elements(
        &mut self,
        frame: &mut Frame,
        elements: &[Element],
        set: bool,
    ) -> PyResult<Vec<Value>> {
        let mut values = Vec::with_capacity(elements.len());
        for element in elements {
            match element {
                Element::Single(e) => values.push(self.eval(frame, e)?),
                Element::Starred(e) => {
                    let iterable = self.eval(frame, e)?;
                    match self.starred_items(&iterable)? {
                        Some(items) => values.extend(items),
                        None if set => return Err(self.not_iterable(&iterable)),
                        None => {
                            return Err(self.type_error(format!(
                                "Value after * must be an iterable, not {}",
                                self.type_name(&iterable)
                            )))
                        }
                    }
                }
            }
        }
        Ok(values)
    }

    /// The items of a `*x` in a call or a display, or `None` when `x` is
    /// not iterable at all (whose error the caller words).
    fn starred_items(&mut self, iterable: &Value) -> PyResult<Option<Vec<Value>>> {
        match iterable {
            Value::Tuple(_) | Value::List(_) => self.collect(iterable).map(Some),
            _ => match self.iter_if_iterable(iterable)? {
                Some(iterator) => self.collect(&iterator).map(Some),
                None => Ok(None),
            },
        }
    }

    /// Evaluates call arguments into positional values and keywords, in
    /// vectors the caller holds (returning them would copy the inline
    /// argument vector once more).
    fn arguments_into(
        &mut self,
        frame: &mut Frame,
        arguments: &[Argument],
        args: &mut Arguments,
        kwargs: &mut Keywords,
        callee: Callee,
    ) -> PyResult<()> {
        let mut unpacked = false;
        for argument in arguments {
            match argument {
                Argument::Positional(e) => args.push(self.eval(frame, e)?),
                Argument::Starred(e) => {
                    let iterable = self.eval(frame, e)?;
                    let Some(items) = self.starred_items(&iterable)? else {
                        // CPython names the callee when the `*` argument is
                        // the call's only positional one (passed as it is);
                        // others are first gathered as a list display.
                        let positional = arguments.iter().filter(|argument| {
                            matches!(argument, Argument::Positional(_) | Argument::Starred(_))
                        });
                        let called = match callee {
                            Callee::Bases => "Value".to_string(),
                            _ if positional.count() > 1 => "Value".to_string(),
                            _ => format!("{} argument", self.callee_str(callee, args)?),
                        };
                        return Err(self.type_error(format!(
                            "{called} after * must be an iterable, not {}",
                            self.type_name(&iterable)
                        )));
                    };
                    args.extend(items);
                }
                Argument::Keyword(name, e) => {
                    let value = self.eval(frame, e)?;
                    // Only a `**` before it can have given the name already.
                    if unpacked && kwargs.iter().any(|(k, _)| k == name) {
                        let called = self.callee_str(callee, args)?;
                        return Err(self.type_error(format!(
                            "{called} got multiple values for keyword argument '{name}'"
                        )));
                    }
                    kwargs.push((name.clone(), value));
                }
                Argument::DoubleStarred(e) => {
                    unpacked = true;
                    let mapping = self.eval(frame, e)?;
                    if !matches!(mapping, Value::Dict(_))
                        && self.get_attr_opt(&mapping, "keys")?.is_none()
                    {
                        let called = self.callee_str(callee, args)?;
                        return Err(self.type_error(format!(
                            "{called} argument after ** must be a mapping, not {}",
                            self.type_name(&mapping)
                        )));
                    }
                    for (key, value) in self.mapping_items(&mapping)? {
                        let Value::Str(name) = key.builtin_value() else {
                            return Err(self.type_error("keywords must be strings"));
                        };
                        if kwargs.iter().any(|(k, _)| &**k == name.as_str()) {
                            let called = self.callee_str(callee, args)?;
                            return Err(self.type_error(format!(
                                "{called} got multiple values for keyword argument '{}'",
                                name.as_str()
                            )));
                        }
                        kwargs.push((name.as_str().into(), value));
                    }
                }
            }
        }
        Ok(())
    }

    /// How the errors of a call's arguments name what it calls.
    fn callee_str(&mut self, callee: Callee, args: &[Value]) -> PyResult<String> {
        match callee {
            Callee::Value(value) => self.function_str(value),
            Callee::Function(function) => self.function_str(&Value::Function(function.clone())),
            Callee::Native { name, method } => {
                Ok(self.native_function_str(args.first().filter(|_| method), name))
            }
            Callee::Bases => Ok("__build_class__()".to_string()),
        }
    }

    /// The function `receiver.name` would bind, when binding is all that
    /// attribute lookup would do: a Python function or a builtin method
    /// found on the class, with no instance attribute or descriptor in the
    /// way. `None` sends the call through `get_attr`.
    #[inline(always)]
    fn plain_method(
        &self,
        receiver: &Value,
        name: &Name,
        cache: &AttributeCache,
    ) -> Option<PlainMethod> {
        let class = match receiver {
            Value::Instance(instance) => {
                if !instance
                    .table()
                    .is_some_and(|names| cache.lacks_own(&names, name))
                {
                    return None;
                }
                &instance.class
            }
            // Their attributes are their own (a module's functions, a
            // class's methods), or they know their class (native objects).
            Value::Type(_)
            | Value::Module(_)
            | Value::Future(_)
            | Value::Native(_)
            | Value::Function(_) => return None,
            _ => self.types.of_builtin_value(receiver)?,
        };
        // A builtin method needs no look at the attribute itself.
        let builtin = cache.builtin_method(class, name);
        if cache.calls_own_getattribute() {
            return None;
        }
        if let Some(method) = builtin {
            return Some(PlainMethod::Native(method));
        }
        match cache.class_attribute(class, name)? {
            Value::Function(function) => Some(PlainMethod::Python(function)),
            _ => None,
        }
    }

    /// The key/value pairs of a mapping (`**m`, `dict.update`).
    pub fn mapping_items(&mut self, mapping: &Value) -> PyResult<Vec<(Value, Value)>> {
        if let Some(dict) = crate::runtime::builtins::mappings::merge_source(self, mapping) {
            return Ok(dict.borrow().items());
        }
        let keys_method = match self.get_attr_opt(mapping, "keys")? {
            Some(keys) => keys,
            None => {
                return Err(self.type_error(format!(
                    "'{}' object is not a mapping",
                    self.type_name(mapping)
                )))
            }
        };
        let keys = self.call(&keys_method, &[], &[])?;
        let mut items = Vec::new();
        for key in self.collect(&keys)? {
            let value = self.get_item(mapping, &key)?;
            items.push((key, value));
        }
        Ok(items)
    }

    /// Appends an f-string's text to `text`.
    fn fstring(
        &mut self,
        frame: &mut Frame,
        parts: &[FStringPart],
        text: &mut String,
    ) -> PyResult<()> {
        for part in parts {
            match part {
                FStringPart::Literal(literal) => text.push_str(literal),
                FStringPart::Value {
                    value,
                    conversion,
                    spec,
                } => {
                    let value = self.eval(frame, value)?;
                    let value = match conversion {
                        Some('r') => Value::str(self.repr(&value)?),
                        Some('a') => Value::str(self.ascii(&value)?),
                        Some('s') => Value::str(self.to_str(&value)?),
                        _ => value,
                    };
                    self.push_formatted(frame, &value, spec, text)?;
                }
            }
        }
        Ok(())
    }

    /// A replacement field's value formatted by its spec onto `text`.
    #[inline(always)]
    fn push_formatted(
        &mut self,
        frame: &mut Frame,
        value: &Value,
        spec: &Option<Vec<FStringPart>>,
        text: &mut String,
    ) -> PyResult<()> {
        match (value, spec) {
            // `format(x, '')` of a str or an int is its `str`.
            (Value::Str(s), None) => text.push_str(s.as_str()),
            (Value::Int(n), None) => text.push_str(itoa::Buffer::new().format(*n)),
            _ => {
                let mut spec_text = String::new();
                if let Some(spec) = spec {
                    self.fstring(frame, spec, &mut spec_text)?;
                }
                text.push_str(&self.format_value(value, &spec_text)?);
            }
        }
        Ok(())
    }

    fn make_function(
        &mut self,
        frame: &mut Frame,
        template: &Rc<FunctionTemplate>,
    ) -> PyResult<Rc<Function>> {
        let mut defaults = Vec::with_capacity(template.defaults.len());
        for d in &template.defaults {
            defaults.push(self.eval(frame, d)?);
        }
        let mut kw_defaults = Vec::with_capacity(template.kw_defaults.len());
        for d in &template.kw_defaults {
            kw_defaults.push(match d {
                Some(d) => Some(self.eval(frame, d)?),
                None => None,
            });
        }
        let attributes = Namespace::default();
        if !template.annotations.is_empty() {
            let mut pairs = Vec::with_capacity(template.annotations.len());
            for (name, annotation) in &template.annotations {
                pairs.push((Value::str(&**name), self.eval(frame, annotation)?));
            }
            let annotations = Value::dict(self.dict_from_pairs(pairs)?);
            (attributes.borrow_mut()).insert("__annotations__".into(), annotations);
        }
        let closure = template
            .closure
            .iter()
            .map(|&cell| frame.cells()[cell as usize].clone())
            .collect();
        let code = template.code.clone();
        // A function nested in a method reaches the method's class for
        // `super()` (CPython passes the `__class__` cell down).
        let defining_class = if code.mentions_super {
            frame
                .function()
                .and_then(|f| f.defining_class.borrow().clone())
        } else {
            None
        };
        let function = Rc::new(Function {
            name: RefCell::new(code.name.clone()),
            qualname: RefCell::new(code.qualname.clone()),
            globals: frame.globals.clone(),
            code,
            defaults,
            kw_defaults,
            closure,
            defining_class: RefCell::new(defining_class),
            attributes,
        });
        crate::runtime::cycles::track_function(&function);
        Ok(function)
    }

    fn make_class(
        &mut self,
        frame: &mut Frame,
        template: &Rc<crate::compile::ir::ClassTemplate>,
    ) -> PyResult<Value> {
        let mut bases = Arguments::new();
        let mut keywords = Keywords::new();
        self.arguments_into(
            frame,
            &template.bases,
            &mut bases,
            &mut keywords,
            Callee::Bases,
        )?;
        let explicit = (keywords.iter().position(|(name, _)| &**name == "metaclass"))
            .map(|index| keywords.remove(index).1);
        let (bases, orig_bases) = self.resolve_mro_entries(bases.into_vec())?;
        // CPython's `__build_class__`: the explicit metaclass, else the
        // first base's class, made the most derived of the bases' ones.
        let metaclass = match explicit {
            Some(Value::Type(metaclass)) => {
                Value::Type(self.calculate_metaclass(&metaclass, &bases)?)
            }
            Some(other) => other,
            None if bases
                .iter()
                .all(|base| matches!(base, Value::Type(class) if class.metaclass.is_none())) =>
            {
                Value::Type(self.types.type_.clone())
            }
            None => {
                let first = self.class_of(&bases[0]);
                Value::Type(self.calculate_metaclass(&first, &bases)?)
            }
        };
        if !matches!(&metaclass, Value::Type(class) if Rc::ptr_eq(class, &self.types.type_)) {
            return self.make_class_by(frame, template, metaclass, bases, orig_bases, &keywords);
        }
        // `__module__` is the defining module's `__name__`, as CPython's
        // class body sets it.
        let module = (frame.globals.namespace.borrow().get("__name__").cloned())
            .unwrap_or_else(|| Value::str("__main__"));
        let namespace = Rc::new(Namespace::default());
        namespace.borrow_mut().insert("__module__".into(), module);
        namespace
            .borrow_mut()
            .insert("__qualname__".into(), Value::str(&*template.body.qualname));
        self.run_class_body(frame, template, ClassBody::Names(namespace.clone()))?;
        let namespace =
            Rc::try_unwrap(namespace).unwrap_or_else(|rc| RefCell::new(rc.borrow().clone()));
        let mut namespace = namespace.into_inner();
        if let Some(orig_bases) = orig_bases {
            namespace.insert("__orig_bases__".into(), orig_bases);
        }
        let class = self.create_class(&template.name, bases, namespace, &keywords, None)?;
        // CPython's C modules define no metaclass (abc's `ABCMeta`, whose
        // pyl module stands for C for its helpers, is Python in CPython).
        if let Value::Type(class) = &class {
            if frame.code.source.origin == Origin::BundledForC && class.layout != Layout::Type {
                class.is_c_type.set(true);
            }
        }
        Ok(class)
    }

    /// A class statement whose metaclass is not `type`: the body fills
    /// what the metaclass's `__prepare__` gives, and the metaclass is
    /// called with it (`M(name, bases, namespace, **keywords)`).
    fn make_class_by(
        &mut self,
        frame: &mut Frame,
        template: &Rc<crate::compile::ir::ClassTemplate>,
        metaclass: Value,
        bases: Vec<Value>,
        orig_bases: Option<Value>,
        keywords: &[(Name, Value)],
    ) -> PyResult<Value> {
        let name = Value::str(&*template.name);
        let bases = Value::tuple(bases);
        let namespace = match self.get_attr_opt(&metaclass, "__prepare__")? {
            Some(prepare) => self.call(&prepare, &[name.clone(), bases.clone()], keywords)?,
            None => Value::dict(Default::default()),
        };
        let is_mapping = match &namespace {
            Value::Dict(_) => true,
            Value::Instance(_) => self.lookup_special(&namespace, "__getitem__").is_some(),
            _ => false,
        };
        if !is_mapping {
            let metaclass_name = match &metaclass {
                Value::Type(class) => class.name.to_string(),
                _ => "<metaclass>".to_string(),
            };
            return Err(self.type_error(format!(
                "{metaclass_name}.__prepare__() must return a mapping, not {}",
                self.type_name(&namespace)
            )));
        }
        // The body's `__module__ = __name__` reads the mapping first.
        let module = match self.namespace_item(&namespace, &Value::str("__name__"))? {
            Some(module) => module,
            None => (frame.globals.namespace.borrow().get("__name__").cloned())
                .unwrap_or_else(|| Value::str("__main__")),
        };
        self.set_item(&namespace, Value::str("__module__"), module)?;
        let qualname = Value::str(&*template.body.qualname);
        self.set_item(&namespace, Value::str("__qualname__"), qualname)?;
        self.run_class_body(frame, template, ClassBody::Mapping(namespace.clone()))?;
        if let Some(orig_bases) = orig_bases {
            self.set_item(&namespace, Value::str("__orig_bases__"), orig_bases)?;
        }
        self.call(&metaclass, &[name, bases, namespace], keywords)
    }

    fn run_class_body(
        &mut self,
        frame: &mut Frame,
        template: &Rc<crate::compile::ir::ClassTemplate>,
        namespace: ClassBody,
    ) -> PyResult<()> {
        let mut body = Frame::new(template.body.clone(), frame.globals.clone());
        body.add_closure(
            template
                .closure
                .iter()
                .map(|&cell| frame.cells()[cell as usize].clone()),
        );
        body.set_namespace(namespace);
        self.nested(|this| this.run_frame(&mut body, None))?;
        Ok(())
    }

    /// CPython's `__mro_entries__` protocol: a base that is not a class
    /// but has `__mro_entries__` (`Generic[T]`) is replaced by
    /// the bases that method returns given all the original bases, which
    /// the class keeps as `__orig_bases__` (`None` when none was replaced).
    fn resolve_mro_entries(&mut self, bases: Vec<Value>) -> PyResult<(Vec<Value>, Option<Value>)> {
        if bases.iter().all(|base| matches!(base, Value::Type(_))) {
            return Ok((bases, None));
        }
        let original = Value::tuple(bases.clone());
        let mut resolved = Vec::with_capacity(bases.len());
        let mut replaced = false;
        for base in bases {
            // An attribute of the base itself, as CPython looks it up: a
            // function may have one (`typing.NamedTuple`).
            let entries = match &base {
                Value::Type(_) => None,
                _ => self.get_attr_opt(&base, "__mro_entries__")?,
            };
            let Some(method) = entries else {
                resolved.push(base);
                continue;
            };
            let entries = self.call(&method, std::slice::from_ref(&original), &[])?;
            let Value::Tuple(entries) = entries else {
                return Err(self.type_error("__mro_entries__ must return a tuple"));
            };
            resolved.extend(entries.iter().cloned());
            replaced = true;
        }
        Ok((resolved, replaced.then_some(original)))
    }

    /// A snapshot of a namespace as a dict (`globals()`; changes to the
    /// dict do not reach the namespace).
    pub fn namespace_dict(&mut self, namespace: &NameMap) -> PyResult<Value> {
        let items: Vec<(Value, Value)> = namespace
            .iter()
            .map(|(k, v)| (Value::str(&**k), v.clone()))
            .collect();
        Ok(Value::dict(self.dict_from_pairs(items)?))
    }

    /// `eval(text)` and `exec(text)` at a module's top level, where the
    /// module's names are both the globals and the locals: the text runs
    /// in the module itself. In a function, CPython gives the text a
    /// snapshot of the function's locals: an `eval` whose text reads none
    /// of them (`eval("2 + 3")`) runs in the module too; other uses, and
    /// explicit namespaces (dicts of the program's, which pyl's modules
    /// cannot run in), are not supported.
    #[inline(never)]
    fn run_string(
        &mut self,
        frame: &mut Frame,
        function: &'static str,
        arguments: &[Argument],
    ) -> PyResult<Value> {
        let not_supported = |this: &Self, what: &str| {
            Err(this.error(
                ExcType::NotImplementedError,
                match function {
                    "eval" => format!(
                        "eval() {what} is not supported by pyl (eval(text) runs at a module's \
                         top level, and in a function when the text reads none of its local \
                         variables)"
                    ),
                    _ => format!(
                        "exec() {what} is not supported by pyl (exec(text) runs at a module's \
                         top level)"
                    ),
                },
            ))
        };
        let [Argument::Positional(text)] = arguments else {
            return not_supported(self, "with globals or locals");
        };
        let text = self.eval(frame, text)?;
        let text = match (text.as_str(), text.builtin_value()) {
            (Some(text), _) => text.to_string(),
            (None, Value::Bytes(bytes)) => match std::str::from_utf8(bytes) {
                Ok(text) => text.to_string(),
                Err(_) => return not_supported(self, "of bytes that are not UTF-8"),
            },
            _ => {
                return Err(self.type_error(format!(
                    "{function}() arg 1 must be a string, bytes or code object"
                )))
            }
        };
        if frame.namespace().is_some() {
            return not_supported(self, "in a class body");
        }
        if !frame.code.is_module {
            if function == "exec" {
                return not_supported(self, "inside a function");
            }
            let code = &frame.code;
            let is_local = |name: &str| {
                let named = |names: &[Name]| names.iter().any(|local| &**local == name);
                named(&code.local_names) || named(&code.cell_names) || named(&code.free_names)
            };
            if let Some(what) = crate::run::eval_text_reads_locals(&text, is_local) {
                return not_supported(self, &format!("inside a function, {what}"));
            }
        }
        let module = frame.globals.clone();
        crate::run::run_string_in(self, &text, function == "eval", module)
    }

    /// `locals()`: the bound local variables (the namespace in a class
    /// body, the globals at module level).
    fn frame_locals(&mut self, frame: &Frame) -> PyResult<Value> {
        match frame.namespace() {
            Some(ClassBody::Names(namespace)) => return self.namespace_dict(&namespace.borrow()),
            // The mapping itself, as CPython's `locals()` gives it.
            Some(ClassBody::Mapping(mapping)) => return Ok(mapping.clone()),
            None => {}
        }
        if frame.code.is_module {
            return self.namespace_dict(&frame.globals.namespace.borrow());
        }
        let mut items = Vec::new();
        for (slot, name) in frame.code.local_names.iter().enumerate() {
            if let Some(Some(value)) = frame.slots.get(slot) {
                items.push((Value::str(&**name), value.clone()));
            }
        }
        for (cell, name) in frame.code.cell_names.iter().enumerate() {
            if let Some(value) = frame.cells()[cell].borrow().clone() {
                items.push((Value::str(&**name), value));
            }
        }
        Ok(Value::dict(self.dict_from_pairs(items)?))
    }

    /// The frozenset constant CPython's compiler makes of a set display of
    /// constants: built twice, the second time (merging equal constants)
    /// from the first one's order.
    fn frozenset_constant(&mut self, values: &[Value]) -> PyResult<crate::runtime::dict::Dict> {
        let first = self.set_from_values(values.to_vec())?;
        let order = first.borrow().keys();
        Ok(self.set_from_values(order)?.into_inner())
    }

    /// `dir()`: the sorted names of the calling frame's scope.
    fn frame_dir(&mut self, frame: &Frame) -> PyResult<Value> {
        let keys = match self.frame_locals(frame)? {
            Value::Dict(locals) => locals.borrow().keys(),
            _ => Vec::new(),
        };
        let mut names: Vec<String> = (keys.iter())
            .filter_map(|key| key.as_str().map(str::to_owned))
            .collect();
        // UTF-8 orders as code points do, as CPython sorts strs.
        names.sort_unstable();
        Ok(Value::list(names.into_iter().map(Value::str).collect()))
    }

    /// `super()`: the class the method was defined in and its first
    /// argument, with CPython's complaints, in its order, when either is
    /// missing.
    fn zero_argument_super(&mut self, frame: &mut Frame) -> PyResult<Value> {
        if frame.code.signature.positional.is_empty() {
            return Err(self.error(ExcType::RuntimeError, "super(): no arguments"));
        }
        // The first argument is in its cell when a closure captured it
        // (what the method did to it since is there, not in the slot).
        let first_cell = frame
            .code
            .parameter_cells
            .iter()
            .find(|(slot, _)| *slot == 0);
        let receiver = match first_cell {
            Some(&(_, cell)) => frame.cells()[cell as usize].borrow().clone(),
            None => frame.slots[0].clone(),
        };
        let Some(receiver) = receiver else {
            return Err(self.error(ExcType::RuntimeError, "super(): arg[0] deleted"));
        };
        let class = frame
            .function()
            .and_then(|f| f.defining_class.borrow().clone());
        match class {
            Some(class) => self.new_super(class, receiver),
            None => Err(self.error(ExcType::RuntimeError, "super(): __class__ cell not found")),
        }
    }

    /// Python comparison, including `in`, `is` and their negations.
    pub fn compare(&mut self, op: CmpOp, left: &Value, right: &Value) -> PyResult<Value> {
        Ok(Value::from(match op {
            CmpOp::Is => left.is(right),
            CmpOp::IsNot => !left.is(right),
            CmpOp::In => self.contains(right, left)?,
            CmpOp::NotIn => !self.contains(right, left)?,
            _ => return self.rich_compare(op, left, right),
        }))
    }
}

/// A constant or a bound local, read in place: an operator whose operands
/// are both leaves needs no copy of either (an unbound local is left to
/// the general path, which raises).
#[inline(always)]
pub(super) fn leaf<'a>(frame: &'a Frame, e: &'a Expr) -> Option<&'a Value> {
    match &e.kind {
        ExprKind::Const(value) => Some(value),
        ExprKind::Local(slot) => frame.slots[*slot as usize].as_ref(),
        _ => None,
    }
}

/// [`leaf`] for an element of a display (a starred one is not a leaf).
#[inline(always)]
fn element_leaf<'a>(frame: &'a Frame, element: &'a Element) -> Option<&'a Value> {
    match element {
        Element::Single(e) => leaf(frame, e),
        Element::Starred(_) => None,
    }
}

// Arithmetic and comparison of two small ints are most of what plain code
// does; answering them here skips the operator protocol's dispatch. Every
// other case (overflow, a negative divisor, other types) goes the long way.

#[inline(always)]
pub(super) fn small_int_binary(op: BinOp, left: &Value, right: &Value) -> Option<Value> {
    let (Value::Int(a), Value::Int(b)) = (left, right) else {
        return None;
    };
    small_int_op(op, *a, *b).map(Value::Int)
}

#[inline(always)]
fn small_int_op(op: BinOp, a: i64, b: i64) -> Option<i64> {
    Some(match op {
        BinOp::Add => a.checked_add(b)?,
        BinOp::Sub => a.checked_sub(b)?,
        BinOp::Mul => a.checked_mul(b)?,
        // Floor division and modulo agree with Euclid's when b > 0.
        BinOp::FloorDiv if b > 0 => a.div_euclid(b),
        BinOp::Mod if b > 0 => a.rem_euclid(b),
        BinOp::BitAnd => a & b,
        BinOp::BitOr => a | b,
        BinOp::BitXor => a ^ b,
        _ => return None,
    })
}

/// `a + b`, `n - 1`, … of two int leaves that does not overflow, computed
/// where it is used, with no walker call (an argument of a call:
/// [`int_arithmetic`]'s deeper trees cost calls their most common case,
/// `f(n - 1)`, does not need).
#[inline(always)]
pub(super) fn leaf_int_arithmetic(frame: &Frame, e: &Expr) -> Option<Value> {
    let ExprKind::Binary(op, left, right) = &e.kind else {
        return None;
    };
    small_int_binary(*op, leaf(frame, left)?, leaf(frame, right)?)
}

/// How deep an operator tree [`int_arithmetic`] computes.
const INT_TREE_DEPTH: u32 = 16;

/// An int computed where it is used, with no walker call, from int
/// locals and constants by the operators [`small_int_op`] answers: `n - 1`,
/// `(i * 31 + j * 17) % 97`. `None` when a step is not one of those (an
/// operand of another type, an overflow, a divisor that is not positive,
/// a tree deeper than `INT_TREE_DEPTH`): the expression is then evaluated
/// as usual, and reading locals and constants had no effect to repeat.
#[inline(always)]
pub(super) fn int_arithmetic(frame: &Frame, e: &Expr) -> Option<Value> {
    // `int_tree`'s steps, inlined here: calling it instead costs loops 2%.
    let ExprKind::Binary(op, left, right) = &e.kind else {
        return None;
    };
    let (left, right) = (
        int_operand(frame, left, INT_TREE_DEPTH)?,
        int_operand(frame, right, INT_TREE_DEPTH)?,
    );
    small_int_op(*op, left, right).map(Value::Int)
}

#[inline(always)]
fn int_operand(frame: &Frame, e: &Expr, depth: u32) -> Option<i64> {
    match &e.kind {
        ExprKind::Binary(op, left, right) if depth > 0 => {
            // `i * 31` in `(i * 31 + j * 17) % 97`: two leaves, computed
            // with no call.
            match (int_leaf(frame, left), int_leaf(frame, right)) {
                (Some(left), Some(right)) => small_int_op(*op, left, right),
                _ => int_tree(frame, e, depth - 1),
            }
        }
        _ => int_leaf(frame, e),
    }
}

/// An int constant or an int local.
#[inline(always)]
fn int_leaf(frame: &Frame, e: &Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Const(Value::Int(i)) => Some(*i),
        ExprKind::Local(slot) => match &frame.slots[*slot as usize] {
            Some(Value::Int(i)) => Some(*i),
            _ => None,
        },
        _ => None,
    }
}

/// [`int_operand`] for an operator node, out of line: it recurses.
fn int_tree(frame: &Frame, e: &Expr, depth: u32) -> Option<i64> {
    let ExprKind::Binary(op, left, right) = &e.kind else {
        return None;
    };
    let left = int_operand(frame, left, depth)?;
    let right = int_operand(frame, right, depth)?;
    small_int_op(*op, left, right)
}

/// The outcome of a condition that is one comparison of two leaves that
/// [`plain_compare`] decides (`n < 2`, `i != j`, `item is None`), in
/// place: no walker call, no `bool` value.
#[inline(always)]
fn leaf_comparison(frame: &Frame, e: &Expr) -> Option<bool> {
    let ExprKind::Compare(left, comparisons) = &e.kind else {
        return None;
    };
    let [(op, right)] = comparisons.as_slice() else {
        return None;
    };
    plain_compare(*op, leaf(frame, left)?, leaf(frame, right)?)
}

/// A comparison answered without the operator protocol: two small ints
/// compared, or a test for `None`, the one identity test plain code
/// makes often.
#[inline(always)]
fn plain_compare(op: CmpOp, left: &Value, right: &Value) -> Option<bool> {
    match (left, right) {
        (Value::Int(a), Value::Int(b)) => Some(match op {
            CmpOp::Lt => a < b,
            CmpOp::LtE => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::GtE => a >= b,
            CmpOp::Eq => a == b,
            CmpOp::NotEq => a != b,
            _ => return None,
        }),
        (_, Value::None) => match op {
            CmpOp::Is => Some(matches!(left, Value::None)),
            CmpOp::IsNot => Some(!matches!(left, Value::None)),
            _ => None,
        },
        _ => None,
    }
}

/// The coroutine object of a call awaited in place
/// ([`Interp::await_call`]) that suspended: its frame moves to the heap.
#[cold]
fn suspended_coroutine(function: &Function, frame: Frame) -> Value {
    let coroutine = Generator::new(
        GeneratorKind::Coroutine,
        Box::new(frame),
        &function.name.borrow(),
        &function.qualname.borrow(),
    );
    Value::Generator(Rc::new(coroutine))
}
