//! The `contextvars` module: `ContextVar`, `Token`, `Context`,
//! `copy_context`, and the current context, which asyncio swaps in for
//! each task step and callback (`Interp::run_in_context`).
//!
//! A context's variables are a small copy-on-write list: a copy shares
//! it until one of the two sets a variable (CPython's HAMT, for the few
//! variables a program has). `Interp::context` is the current context;
//! `None` stands for one with no variables that nobody has seen yet, made
//! when a variable is first set in it — so a task or a callback costs
//! nothing for contexts unless the program uses them, and none of this
//! runs before the program imports `contextvars`
//! (`Interp::contexts_used`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::runtime::builtins::args::check_count;
use crate::runtime::builtins::{add_function, add_method};
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, Layout, ModuleObject, NativeObject};
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

/// The module of the types, as CPython's C module names them.
const MODULE: &str = "_contextvars";

/// Variables and their values, in the order they were first set.
type Vars = Rc<Vec<(Rc<ContextVar>, Value)>>;

pub struct Context {
    vars: RefCell<Vars>,
    /// Whether it is being run (`Context.run`, a task's step): it cannot
    /// be entered twice.
    entered: Cell<bool>,
}

impl Context {
    fn new(vars: Vars) -> Rc<Context> {
        Rc::new(Context {
            vars: RefCell::new(vars),
            entered: Cell::new(false),
        })
    }

    fn get(&self, var: &Rc<ContextVar>) -> Option<Value> {
        let vars = self.vars.borrow();
        let found = vars.iter().find(|(key, _)| Rc::ptr_eq(key, var));
        found.map(|(_, value)| value.clone())
    }

    /// Sets `var`, or with `None` removes it.
    fn set(&self, var: &Rc<ContextVar>, value: Option<Value>) {
        let mut vars = self.vars.borrow_mut();
        let vars = Rc::make_mut(&mut vars);
        let index = vars.iter().position(|(key, _)| Rc::ptr_eq(key, var));
        match (index, value) {
            (Some(index), Some(value)) => vars[index].1 = value,
            (None, Some(value)) => vars.push((var.clone(), value)),
            (Some(index), None) => {
                vars.remove(index);
            }
            (None, None) => {}
        }
    }

    fn is_empty(&self) -> bool {
        self.vars.borrow().is_empty()
    }
}

impl NativeObject for Context {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("Context")
    }

    fn length(&self) -> Option<usize> {
        Some(self.vars.borrow().len())
    }
}

pub struct ContextVar {
    name: Name,
    default: Option<Value>,
}

impl NativeObject for ContextVar {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("ContextVar")
    }

    fn get_attribute(&self, _: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        match name {
            "name" => Some(Ok(Value::str(&*self.name))),
            _ => None,
        }
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        let name = match interp.repr(&Value::str(&*self.name)) {
            Ok(name) => name,
            Err(error) => return Some(Err(error)),
        };
        let default = match &self.default {
            Some(value) => match interp.repr(value) {
                Ok(text) => format!(" default={text}"),
                Err(error) => return Some(Err(error)),
            },
            None => String::new(),
        };
        let address = self as *const ContextVar as usize;
        Some(Ok(format!(
            "<ContextVar name={name}{default} at {address:#x}>"
        )))
    }
}

pub struct Token {
    context: Rc<Context>,
    var: Rc<ContextVar>,
    /// The variable's value before the `set` that made the token.
    old_value: Option<Value>,
    used: Cell<bool>,
}

impl NativeObject for Token {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("Token")
    }

    fn get_attribute(&self, interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        match name {
            "var" => Some(Ok(Value::native(self.var.clone()))),
            "old_value" => Some(Ok(self
                .old_value
                .clone()
                .unwrap_or_else(|| missing(interp)))),
            _ => None,
        }
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        let var = match ContextVar::repr(&self.var, interp)? {
            Ok(text) => text,
            Err(error) => return Some(Err(error)),
        };
        let used = if self.used.get() { " used" } else { "" };
        let address = self as *const Token as usize;
        Some(Ok(format!("<Token{used} var={var} at {address:#x}>")))
    }
}

/// `Token.MISSING`.
struct Missing;

impl NativeObject for Missing {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("Token.MISSING")
    }

    fn repr(&self, _: &mut Interp) -> Option<PyResult<String>> {
        Some(Ok("<Token.MISSING>".into()))
    }
}

fn missing(interp: &Interp) -> Value {
    let token = interp.native_class("Token");
    let found = token.namespace.borrow().get("MISSING").cloned();
    found.unwrap_or(Value::None)
}

pub fn create(interp: &mut Interp) -> Rc<ModuleObject> {
    interp.contexts_used = true;
    let module = super::new_module("contextvars");
    let object = || vec![interp.types.object.clone()];
    let define = |key, bases| interp.define_class_in(key, key, MODULE, bases, Layout::Builtin);
    let context_var = define("ContextVar", object());
    add_method(&context_var, "__new__", context_var_new);
    add_method(&context_var, "get", context_var_get);
    add_method(&context_var, "set", context_var_set);
    add_method(&context_var, "reset", context_var_reset);
    crate::runtime::generic_alias::make_generic(&context_var);
    let token = define("Token", object());
    // CPython's `<class 'Token.MISSING'>`, of no module.
    interp.define_class_in(
        "Token.MISSING",
        "Token.MISSING",
        "builtins",
        object(),
        Layout::Builtin,
    );
    (token.namespace.borrow_mut()).insert("MISSING".into(), Value::native(Rc::new(Missing)));
    crate::runtime::generic_alias::make_generic(&token);
    let context = define("Context", object());
    add_method(&context, "__new__", context_new);
    add_method(&context, "run", context_run);
    add_method(&context, "copy", context_copy);
    add_method(&context, "get", context_get);
    add_method(&context, "__getitem__", context_getitem);
    add_method(&context, "__contains__", context_contains);
    add_method(&context, "__len__", context_len);
    add_method(&context, "__iter__", context_iter);
    add_method(&context, "keys", context_iter);
    add_method(&context, "values", context_values);
    add_method(&context, "items", context_items);
    add_method(&context, "__eq__", context_eq);
    add_function(&module.namespace, "copy_context", copy_context);
    {
        let mut ns = module.namespace.borrow_mut();
        ns.insert("ContextVar".into(), Value::Type(context_var));
        ns.insert("Token".into(), Value::Type(token));
        ns.insert("Context".into(), Value::Type(context));
    }
    module
}

impl Interp {
    /// The current context's copy (`contextvars.copy_context()`).
    pub fn copy_context(&self) -> Rc<Context> {
        let vars =
            (self.context.as_ref()).map_or_else(Default::default, |c| c.vars.borrow().clone());
        Context::new(vars)
    }

    /// What a task or a callback made now runs in, unless it is given a
    /// context: a copy of the current one, or `None` (a new empty one)
    /// when that has no variables.
    #[inline]
    pub fn captured_context(&self) -> Option<Rc<Context>> {
        if !self.contexts_used {
            return None;
        }
        match &self.context {
            Some(context) if !context.is_empty() => {
                Some(Context::new(context.vars.borrow().clone()))
            }
            _ => None,
        }
    }

    /// Runs `f` in `context` (`None`: a new empty one), which is entered
    /// meanwhile; gives back the context it ran in, changed by what `f`
    /// set (made, if `f` set a variable in a new empty one).
    pub fn run_in_context<R>(
        &mut self,
        context: Option<Rc<Context>>,
        f: impl FnOnce(&mut Interp) -> R,
    ) -> (R, Option<Rc<Context>>) {
        if let Some(context) = &context {
            context.entered.set(true);
        }
        let outer = std::mem::replace(&mut self.context, context);
        let result = f(self);
        let inner = std::mem::replace(&mut self.context, outer);
        if let Some(context) = &inner {
            context.entered.set(false);
        }
        (result, inner)
    }

    /// The context a task or callback is given with `context=`, or, when
    /// it is given none, the one [`Interp::captured_context`] gives it.
    pub fn context_argument(&self, value: Option<&Value>) -> PyResult<Option<Rc<Context>>> {
        match value {
            None | Some(Value::None) => Ok(self.captured_context()),
            Some(value) => match native::<Context>(value) {
                Some(context) => Ok(Some(context)),
                None => Err(self.type_error(format!(
                    "an instance of Context was expected, got '{}'",
                    self.type_name(value)
                ))),
            },
        }
    }

    /// The current context, made if it is the empty one nobody has seen.
    fn current_context(&mut self) -> Rc<Context> {
        self.context
            .get_or_insert_with(|| {
                let context = Context::new(Default::default());
                context.entered.set(true);
                context
            })
            .clone()
    }
}

/// The native object `value` is, if it is a `T`.
fn native<T: NativeObject>(value: &Value) -> Option<Rc<T>> {
    match value {
        Value::Native(native) if native.is::<T>() => {
            let object: Rc<dyn NativeObject> = (**native).clone();
            let object: Rc<dyn std::any::Any> = object;
            object.downcast::<T>().ok()
        }
        _ => None,
    }
}

fn receiver<T: NativeObject>(interp: &Interp, args: &[Value], type_name: &str) -> PyResult<Rc<T>> {
    args.first().and_then(native::<T>).ok_or_else(|| {
        interp.type_error(format!(
            "descriptor requires a '{MODULE}.{type_name}' object"
        ))
    })
}

fn context_var_new(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let positional = &args[1.min(args.len())..];
    let mut default = None;
    for (key, value) in kwargs {
        match &**key {
            "default" => default = Some(value.clone()),
            other => {
                return Err(interp.type_error(format!(
                    "'{other}' is an invalid keyword argument for ContextVar()"
                )))
            }
        }
    }
    let [name] = positional else {
        let bound = if positional.is_empty() {
            "exactly"
        } else {
            "at most"
        };
        return Err(interp.type_error(format!(
            "ContextVar() takes {bound} 1 positional argument ({} given)",
            positional.len()
        )));
    };
    let Value::Str(name) = name else {
        return Err(interp.type_error("context variable name must be a str"));
    };
    Ok(Value::native(Rc::new(ContextVar {
        name: name.as_str().into(),
        default,
    })))
}

fn context_var_get(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let var = receiver::<ContextVar>(interp, args, "ContextVar")?;
    check_count(interp, "get", &args[1..], kwargs, 0, 1)?;
    let found = interp
        .context
        .as_ref()
        .and_then(|context| context.get(&var));
    match found
        .or_else(|| args.get(1).cloned())
        .or_else(|| var.default.clone())
    {
        Some(value) => Ok(value),
        None => Err(interp.new_exception(ExcType::LookupError, vec![args[0].clone()])),
    }
}

fn context_var_set(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let var = receiver::<ContextVar>(interp, args, "ContextVar")?;
    check_count(interp, "set", &args[1..], kwargs, 1, 1)?;
    let context = interp.current_context();
    let old_value = context.get(&var);
    context.set(&var, Some(args[1].clone()));
    Ok(Value::native(Rc::new(Token {
        context,
        var,
        old_value,
        used: Cell::new(false),
    })))
}

fn context_var_reset(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let var = receiver::<ContextVar>(interp, args, "ContextVar")?;
    check_count(interp, "reset", &args[1..], kwargs, 1, 1)?;
    let Some(token) = native::<Token>(&args[1]) else {
        let text = interp.repr(&args[1])?;
        return Err(interp.type_error(format!("expected an instance of Token, got {text}")));
    };
    let describe = |interp: &mut Interp| interp.repr(&args[1]);
    if token.used.get() {
        let token = describe(interp)?;
        return Err(interp.error(
            ExcType::RuntimeError,
            format!("{token} has already been used once"),
        ));
    }
    if !Rc::ptr_eq(&token.var, &var) {
        let token = describe(interp)?;
        return Err(interp.value_error(format!("{token} was created by a different ContextVar")));
    }
    let current = interp.current_context();
    if !Rc::ptr_eq(&token.context, &current) {
        let token = describe(interp)?;
        return Err(interp.value_error(format!("{token} was created in a different Context")));
    }
    token.used.set(true);
    current.set(&var, token.old_value.clone());
    Ok(Value::None)
}

fn context_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    if args.len() > 1 || !kwargs.is_empty() {
        return Err(interp.type_error("Context() does not accept any arguments"));
    }
    Ok(Value::native(Context::new(Default::default())))
}

fn copy_context(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_count(interp, "copy_context", args, kwargs, 0, 0)?;
    Ok(Value::native(interp.copy_context()))
}

fn context_copy(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let context = receiver::<Context>(interp, args, "Context")?;
    check_count(interp, "copy", &args[1..], kwargs, 0, 0)?;
    let vars = context.vars.borrow().clone();
    Ok(Value::native(Context::new(vars)))
}

fn context_run(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let context = receiver::<Context>(interp, args, "Context")?;
    let Some(function) = args.get(1) else {
        return Err(interp.type_error("run() missing 1 required positional argument"));
    };
    if context.entered.get() {
        let text = interp.repr(&args[0])?;
        return Err(interp.error(
            ExcType::RuntimeError,
            format!("cannot enter context: {text} is already entered"),
        ));
    }
    let (result, _) = interp.run_in_context(Some(context), |interp| {
        interp.call(function, &args[2..], kwargs)
    });
    result
}

/// A context's variable given as a key, which must be a `ContextVar`.
fn key(interp: &mut Interp, args: &[Value]) -> PyResult<(Rc<Context>, Rc<ContextVar>)> {
    let context = receiver::<Context>(interp, args, "Context")?;
    let key = args.get(1).cloned().unwrap_or(Value::None);
    match native::<ContextVar>(&key) {
        Some(var) => Ok((context, var)),
        None => {
            let text = interp.repr(&key)?;
            Err(interp.type_error(format!("a ContextVar key was expected, got {text}")))
        }
    }
}

fn context_getitem(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let (context, var) = key(interp, args)?;
    context
        .get(&var)
        .ok_or_else(|| interp.key_error(args[1].clone()))
}

fn context_get(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_count(interp, "get", &args[1.min(args.len())..], kwargs, 1, 2)?;
    let (context, var) = key(interp, args)?;
    Ok(context
        .get(&var)
        .or_else(|| args.get(2).cloned())
        .unwrap_or(Value::None))
}

fn context_contains(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let (context, var) = key(interp, args)?;
    Ok(Value::from(context.get(&var).is_some()))
}

fn context_len(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let context = receiver::<Context>(interp, args, "Context")?;
    let length = context.vars.borrow().len();
    Ok(Value::from(length))
}

/// The context's variables, or values, or both, as a list (CPython's
/// views and iterators, materialized).
fn entries(
    interp: &Interp,
    args: &[Value],
    entry: impl Fn(&Rc<ContextVar>, &Value) -> Value,
) -> PyResult<Vec<Value>> {
    let context = receiver::<Context>(interp, args, "Context")?;
    let vars = context.vars.borrow().clone();
    Ok(vars.iter().map(|(var, value)| entry(var, value)).collect())
}

fn context_iter(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let keys = entries(interp, args, |var, _| Value::native(var.clone()))?;
    interp.get_iter(&Value::list(keys))
}

fn context_values(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let values = entries(interp, args, |_, value| value.clone())?;
    interp.get_iter(&Value::list(values))
}

fn context_items(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let items = entries(interp, args, |var, value| {
        Value::pair(Value::native(var.clone()), value.clone())
    })?;
    interp.get_iter(&Value::list(items))
}

fn context_eq(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let context = receiver::<Context>(interp, args, "Context")?;
    let Some(other) = args.get(1).and_then(native::<Context>) else {
        return Ok(Value::NotImplemented);
    };
    let (mine, theirs) = (context.vars.borrow().clone(), other.vars.borrow().clone());
    if mine.len() != theirs.len() {
        return Ok(Value::from(false));
    }
    for (var, value) in mine.iter() {
        let Some((_, other_value)) = theirs.iter().find(|(key, _)| Rc::ptr_eq(key, var)) else {
            return Ok(Value::from(false));
        };
        if !interp.eq(value, other_value)? {
            return Ok(Value::from(false));
        }
    }
    Ok(Value::from(true))
}
