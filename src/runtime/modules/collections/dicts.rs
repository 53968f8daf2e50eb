//! `collections`' dict classes — `defaultdict`, `OrderedDict`, `Counter` —
//! as dicts of their own class (`dict::Flavor`): every dict operation and
//! method works on them unchanged, and the evaluator asks their class only
//! where they differ (`__missing__`, `__repr__`, comparisons, `|`; see
//! `ops::flavor_method`).
//!
//! What they add is Python (`native.pyl`: `defaultdict` and `OrderedDict`,
//! C in CPython, whose frames tracebacks leave out; `counter.pyl`:
//! `Counter`, Python in CPython too). Each Python class there lends its
//! methods to the dict class of its name, so their `self` is the dict.

use std::cell::RefCell;
use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::builtins::subclasses::made;
use crate::runtime::builtins::{add_function, add_method};
use crate::runtime::dict::{Dict, Flavor};
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, Layout, ModuleObject};
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

const NATIVE: &str = include_str!("native.pyl");
const COUNTER: &str = include_str!("counter.pyl");

/// The classes, in the order they are made.
pub const CLASSES: [&str; 3] = ["defaultdict", "OrderedDict", "Counter"];

pub fn install(interp: &mut Interp, module: &Rc<ModuleObject>) -> PyResult<()> {
    let dict = interp.types.dict.clone();
    let mut classes = Vec::new();
    for name in CLASSES {
        let class = interp.define_class_in(
            name,
            name,
            "collections",
            vec![dict.clone()],
            Layout::Builtin,
        );
        class.is_c_type.set(name != "Counter");
        crate::runtime::generic_alias::make_generic(&class);
        add_method(&class, "__new__", flavored_new);
        (module.namespace.borrow_mut()).insert(name.into(), Value::Type(class.clone()));
        classes.push(class);
    }
    let helpers: [(&'static str, crate::runtime::object::NativeFn); 8] = [
        ("_get_default_factory", get_default_factory),
        ("_set_default_factory", set_default_factory),
        ("_plain_repr", plain_repr),
        ("_ordered_repr", ordered_repr),
        ("_move_to_end", move_to_end),
        ("_popitem", popitem),
        ("_dict_delitem", dict_delitem),
        ("_dicts_equal", dicts_equal),
    ];
    for (name, function) in helpers {
        add_function(&module.namespace, name, function);
    }
    let sources = [
        ("<collections>", NATIVE, Origin::BundledForC),
        ("<collections counter>", COUNTER, Origin::Bundled),
    ];
    for (name, source, origin) in sources {
        super::super::run_bundled_source(interp, module, name, source, origin)?;
    }
    for class in classes {
        lend_methods(module, &class);
    }
    Ok(())
}

/// Moves the methods of the Python class the sources defined under
/// `class`'s name into `class`, which takes its place in the module.
fn lend_methods(module: &ModuleObject, class: &Rc<Class>) {
    let lender = module.namespace.borrow().get(&*class.name).cloned();
    if let Some(Value::Type(lender)) = lender {
        let methods = lender.namespace.borrow().clone();
        let mut namespace = class.namespace.borrow_mut();
        for (name, method) in methods {
            if !matches!(&*name, "__module__" | "__qualname__" | "__dict__") {
                namespace.insert(name, method);
            }
        }
    }
    (module.namespace.borrow_mut()).insert(class.name.clone(), Value::Type(class.clone()));
}

/// `cls(…)`: an empty dict of class `cls`, which its `__init__` fills.
/// For a program's subclass (`class LRU(OrderedDict)`) an instance of it
/// that is such a dict of the `collections` class it derives from (see
/// `builtins::subclasses`), whose `__init__` the class call runs.
fn flavored_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let Some(Value::Type(class)) = args.first() else {
        return Err(interp.type_error("__new__() needs a class"));
    };
    let subclass = class.builtin_base().filter(|base| !Rc::ptr_eq(base, class));
    let mut table = Dict::new();
    table.flavor = Some(Box::new(Flavor {
        class: subclass.unwrap_or(class).clone(),
        default_factory: Value::None,
    }));
    let dict = Value::Dict(Rc::new(RefCell::new(table)));
    if subclass.is_some() {
        return Ok(made(Some(class.clone()), dict));
    }
    let init = class.namespace.borrow().get("__init__").cloned();
    if let Some(init) = init {
        interp.call_bound(&init, &dict, &args[1..], kwargs)?;
    }
    Ok(dict)
}

fn flavored(interp: &Interp, value: Option<&Value>) -> PyResult<Rc<RefCell<Dict>>> {
    match value.map(Value::builtin_value) {
        Some(Value::Dict(dict)) if dict.borrow().flavor.is_some() => Ok(dict.clone()),
        _ => Err(interp.type_error("a dict of collections was expected")),
    }
}

fn get_default_factory(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let dict = flavored(interp, args.first())?;
    let dict = dict.borrow();
    Ok((dict.flavor.as_ref()).map_or(Value::None, |flavor| flavor.default_factory.clone()))
}

fn set_default_factory(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let dict = flavored(interp, args.first())?;
    let factory = args.get(1).cloned().unwrap_or(Value::None);
    if let Some(flavor) = dict.borrow_mut().flavor.as_mut() {
        flavor.default_factory = factory;
    }
    Ok(Value::None)
}

/// `{key: value, …}`, as `dict.__repr__` shows any dict.
fn plain_repr(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let dict = flavored(interp, args.first())?;
    let text = interp.plain_dict_repr(&args[0], &dict)?;
    Ok(Value::str(text.as_str()))
}

/// `OrderedDict([(key, value), …])`, or `...` met again inside itself, as
/// CPython's C `odict_repr`.
fn ordered_repr(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let dict = flavored(interp, args.first())?;
    let name = interp.class_of(&args[0]).name.clone();
    let text = interp.repr_guarded(args[0].address(), "...", |interp| {
        let items: Vec<Value> = (dict.borrow().items().into_iter())
            .map(|(key, value)| Value::pair(key, value))
            .collect();
        if items.is_empty() {
            return Ok(format!("{name}()"));
        }
        Ok(format!("{name}({})", interp.repr(&Value::list(items))?))
    })?;
    Ok(Value::str(text.as_str()))
}

/// `_move_to_end(od, key, last)`.
fn move_to_end(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let dict = flavored(interp, args.first())?;
    let (Some(key), Some(last)) = (args.get(1), args.get(2)) else {
        return Err(interp.type_error("_move_to_end(od, key, last)"));
    };
    let to_end = interp.truthy(last)?;
    let hash = interp.hash(key)?;
    match interp.dict_find(&dict, key, hash)? {
        Some(position) => dict.borrow_mut().move_entry(position, to_end),
        None => return Err(interp.key_error(key.clone())),
    }
    Ok(Value::None)
}

/// `_popitem(od, last)`: the last pair, or the first.
fn popitem(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let dict = flavored(interp, args.first())?;
    let last = match args.get(1) {
        Some(last) => interp.truthy(last)?,
        None => true,
    };
    let entry = {
        let mut table = dict.borrow_mut();
        let position = if last {
            table.last_position()
        } else {
            table.first_position()
        };
        position.and_then(|position| table.remove_at(position))
    };
    match entry {
        Some(entry) => Ok(Value::tuple(vec![entry.key, entry.value])),
        None => Err(interp.error(ExcType::KeyError, "dictionary is empty")),
    }
}

/// `dict.__delitem__`, for a class that has its own.
fn dict_delitem(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let dict = flavored(interp, args.first())?;
    let Some(key) = args.get(1) else {
        return Err(interp.type_error("_dict_delitem(d, key)"));
    };
    match interp.dict_remove(&dict, key)? {
        Some(_) => Ok(Value::None),
        None => Err(interp.key_error(key.clone())),
    }
}

/// `dict.__eq__`'s answer: the same keys with equal values.
fn dicts_equal(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    match args {
        [x, y] if let (Value::Dict(x), Value::Dict(y)) = (x.builtin_value(), y.builtin_value()) => {
            Ok(Value::from(interp.dicts_equal(x, y)?))
        }
        _ => Err(interp.type_error("_dicts_equal(a, b) compares two dicts")),
    }
}
