//! `dict`, `set` and `frozenset`: constructors and methods, the dict views
//! (`dict_keys`, `dict_values`, `dict_items`), and the set operators and
//! comparisons that `binary_op` and `compare` dispatch to.
//!
//! A set iterates in the order of CPython's slot table (kept by
//! [`Dict`]), which depends on the sequence of insertions and removals
//! that built it. So every set algorithm here is CPython's
//! (`setobject.c`, `dictobject.c` for the views): the same operand is
//! walked, elements are added in the same order, copies are made where
//! CPython copies. That also decides which of two equal keys survives
//! (`{1} & {1.0}` is `{1.0}`). Stored hashes are reused, so combining
//! sets hashes nothing again.

use std::cell::RefCell;
use std::rc::Rc;

use super::sequences::{check_args, item_eq, receiver_error};
use super::subclasses;
use super::{add_method, function};
use crate::runtime::attributes::MethodWrapper;
use crate::runtime::dict::{set_key, Dict};
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::iterators;
use crate::runtime::object::{Class, Layout, NativeFn, NativeObject};
use crate::runtime::value::Value;
use crate::syntax::ast::{BinOp, CmpOp, Name};

const DICT_METHODS: &[(&str, NativeFn)] = &[
    ("__new__", dict_new),
    ("get", dict_get),
    ("setdefault", dict_setdefault),
    ("pop", dict_pop),
    ("popitem", dict_popitem),
    ("update", dict_update),
    ("keys", dict_keys),
    ("values", dict_values),
    ("items", dict_items),
    ("copy", dict_copy),
    ("clear", dict_clear),
];

/// Methods shared by `set` and `frozenset`; each class gets its own
/// instances, which accept only receivers of that class.
fn set_queries<const FROZEN: bool>() -> [(&'static str, NativeFn); 8] {
    [
        ("copy", set_copy::<FROZEN>),
        ("union", set_union::<FROZEN>),
        ("intersection", set_intersection::<FROZEN>),
        ("difference", set_difference::<FROZEN>),
        ("symmetric_difference", set_symmetric_difference::<FROZEN>),
        ("issubset", set_issubset::<FROZEN>),
        ("issuperset", set_issuperset::<FROZEN>),
        ("isdisjoint", set_isdisjoint::<FROZEN>),
    ]
}

const SET_MUTATORS: &[(&str, NativeFn)] = &[
    ("__new__", set_new),
    ("add", set_add),
    ("discard", set_discard),
    ("remove", set_remove),
    ("pop", set_pop),
    ("clear", set_clear),
    ("update", set_update),
    ("intersection_update", set_intersection_update),
    ("difference_update", set_difference_update),
    (
        "symmetric_difference_update",
        set_symmetric_difference_update,
    ),
];

/// Methods of `dict_keys` and `dict_items`, which are set-like.
const SET_VIEW_METHODS: &[(&str, NativeFn)] = &[
    ("__and__", view_and),
    ("__rand__", view_and),
    ("__or__", view_or),
    ("__ror__", view_ror),
    ("__sub__", view_sub),
    ("__rsub__", view_rsub),
    ("__xor__", view_xor),
    ("__rxor__", view_rxor),
    ("__eq__", view_eq),
    ("__ne__", view_ne),
    ("__lt__", view_lt),
    ("__le__", view_le),
    ("__gt__", view_gt),
    ("__ge__", view_ge),
    ("isdisjoint", view_isdisjoint),
];

pub fn install(interp: &mut Interp) {
    let dict = interp.types.dict.clone();
    for &(name, func) in DICT_METHODS {
        add_method(&dict, name, func);
    }
    let fromkeys = MethodWrapper {
        function: function("fromkeys", dict_fromkeys),
        is_classmethod: true,
    };
    dict.namespace
        .borrow_mut()
        .insert("fromkeys".into(), Value::native(Rc::new(fromkeys)));
    let set = interp.types.set.clone();
    let frozenset = interp.types.frozenset.clone();
    for (name, func) in set_queries::<false>() {
        add_method(&set, name, func);
    }
    for (name, func) in set_queries::<true>() {
        add_method(&frozenset, name, func);
    }
    for &(name, func) in SET_MUTATORS {
        add_method(&set, name, func);
    }
    add_method(&frozenset, "__new__", frozenset_new);
    for kind in [ViewKind::Keys, ViewKind::Values, ViewKind::Items] {
        let class = interp.native_class(kind.class_name());
        add_method(&class, "__len__", view_len);
        add_method(&class, "__iter__", view_iter);
        add_method(&class, "__reversed__", view_reversed);
        add_method(&class, "__contains__", view_contains_method);
        if kind != ViewKind::Values {
            for &(name, func) in SET_VIEW_METHODS {
                add_method(&class, name, func);
            }
        }
        // An `OrderedDict`'s views: the same, by another name.
        let ordered = kind.ordered_class_name();
        interp.define_class_in(ordered, ordered, "builtins", vec![class], Layout::Builtin);
    }
}

// ----- set primitives (CPython's setobject.c) --------------------------

type Table = RefCell<Dict>;

fn is_set(value: &Value) -> bool {
    matches!(value, Value::Set(_) | Value::FrozenSet(_))
}

/// The elements of a set, frozenset or dict (its keys) with their stored
/// hashes, in iteration order; `None` for other values.
fn hashed_members(value: &Value) -> Option<Vec<(i64, Value)>> {
    match value {
        Value::Set(table) | Value::Dict(table) => Some(table_members(&table.borrow())),
        Value::FrozenSet(table) => Some(table_members(table)),
        _ => None,
    }
}

fn table_members(table: &Dict) -> Vec<(i64, Value)> {
    table.iter().map(|e| (e.hash, e.key.clone())).collect()
}

fn empty_table() -> Table {
    RefCell::new(Dict::new_set())
}

/// `set(value)` for a set or frozenset: CPython's copy, layout included.
fn copy_of(value: &Value) -> Option<Table> {
    match value {
        Value::Set(table) => Some(RefCell::new(table.borrow().set_copy())),
        Value::FrozenSet(table) => Some(RefCell::new(table.set_copy())),
        _ => None,
    }
}

/// A table to look keys up in, for a set, frozenset or dict (a frozenset
/// is immutable, so its lookups go through a copy).
fn probe_table(value: &Value) -> Option<Rc<Table>> {
    match value {
        Value::Set(table) | Value::Dict(table) => Some(table.clone()),
        Value::FrozenSet(table) => Some(Rc::new(RefCell::new((**table).clone()))),
        _ => None,
    }
}

/// Whether `value` is the set whose table is `table` (`s.update(s)`).
fn is_table_of(value: &Value, table: &Table) -> bool {
    matches!(value, Value::Set(own) if std::ptr::eq(own.as_ptr(), table.as_ptr()))
}

/// Whether `a` and `b` are the same set or frozenset object.
fn same_set(a: &Value, b: &Value) -> bool {
    matches!(
        (a, b),
        (Value::Set(_), Value::Set(_)) | (Value::FrozenSet(_), Value::FrozenSet(_))
    ) && a.is(b)
}

fn set_len(value: &Value) -> usize {
    match value {
        Value::Set(table) | Value::Dict(table) => table.borrow().len(),
        Value::FrozenSet(table) => table.len(),
        _ => 0,
    }
}

fn contains_hashed(interp: &mut Interp, table: &Table, key: &Value, hash: i64) -> PyResult<bool> {
    Ok(interp.dict_find(table, key, hash)?.is_some())
}

/// `set_add_entry`: adds `key` unless an equal key is present (which
/// then keeps its place and identity).
fn add_entry(interp: &mut Interp, table: &Table, key: Value, hash: i64) -> PyResult<()> {
    if interp.dict_find(table, &key, hash)?.is_none() {
        table.borrow_mut().push(hash, key, Value::None);
    }
    Ok(())
}

/// `set_discard_entry`: whether `key` was there.
fn discard_entry(interp: &mut Interp, table: &Table, key: &Value, hash: i64) -> PyResult<bool> {
    match interp.dict_find(table, key, hash)? {
        Some(position) => {
            let removed = table.borrow_mut().remove_at(position);
            drop(removed);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Calls `visit` with each item of any iterable until it returns false.
fn for_each_item(
    interp: &mut Interp,
    iterable: &Value,
    mut visit: impl FnMut(&mut Interp, Value) -> PyResult<bool>,
) -> PyResult<()> {
    let iterator = interp.get_iter(iterable)?;
    while let Some(item) = interp.next(&iterator)? {
        if !visit(interp, item)? {
            break;
        }
    }
    Ok(())
}

/// `set_update_internal`: adds the elements of any iterable.
fn update_table(interp: &mut Interp, table: &Table, other: &Value) -> PyResult<()> {
    if is_set(other) {
        if is_table_of(other, table) || set_len(other) == 0 {
            return Ok(());
        }
        // `set_merge` into an empty set copies the other's layout.
        if table.borrow().is_empty() {
            if let Some(copy) = copy_of(other) {
                *table.borrow_mut() = copy.into_inner();
            }
            return Ok(());
        }
    }
    if let Some(members) = hashed_members(other) {
        table.borrow_mut().reserve_for_merge(members.len());
        for (hash, key) in members {
            add_entry(interp, table, key, hash)?;
        }
        return Ok(());
    }
    for_each_item(interp, other, |interp, item| {
        interp.dict_set(table, item, Value::None)?;
        Ok(true)
    })
}

/// `set(iterable)` (CPython's `make_new_set`).
pub(super) fn table_from(interp: &mut Interp, iterable: &Value) -> PyResult<Table> {
    let table = empty_table();
    update_table(interp, &table, iterable)?;
    Ok(table)
}

/// `set_difference_update_internal`: removes the elements of any iterable.
fn difference_update_table(interp: &mut Interp, table: &Table, other: &Value) -> PyResult<()> {
    if is_table_of(other, table) {
        table.borrow_mut().clear();
        return Ok(());
    }
    if is_set(other) {
        for (hash, key) in hashed_members(other).unwrap_or_default() {
            discard_entry(interp, table, &key, hash)?;
        }
        table.borrow_mut().shrink_if_sparse();
        return Ok(());
    }
    for_each_item(interp, other, |interp, item| {
        let removed = interp.dict_remove(table, &item)?;
        drop(removed);
        Ok(true)
    })
}

/// `set_symmetric_difference_update`: each distinct element of `other` is
/// removed when present and added when absent.
fn symmetric_difference_update_table(
    interp: &mut Interp,
    table: &Table,
    other: &Value,
) -> PyResult<()> {
    if is_table_of(other, table) {
        table.borrow_mut().clear();
        return Ok(());
    }
    let members = match hashed_members(other) {
        Some(members) => members,
        None => table_members(&table_from(interp, other)?.borrow()),
    };
    for (hash, key) in members {
        if !discard_entry(interp, table, &key, hash)? {
            table.borrow_mut().push(hash, key, Value::None);
        }
    }
    Ok(())
}

/// `set_intersection(so, other)`: walks the smaller of two sets, or the
/// iterable, keeping what the other holds.
fn intersection(interp: &mut Interp, so: &Value, other: &Value) -> PyResult<Table> {
    if same_set(so, other) {
        return Ok(copy_of(so).unwrap_or_else(empty_table));
    }
    let result = empty_table();
    if is_set(other) {
        let (walk, probe) = if set_len(other) > set_len(so) {
            (so, other)
        } else {
            (other, so)
        };
        if let Some(probe) = probe_table(probe) {
            for (hash, key) in hashed_members(walk).unwrap_or_default() {
                if contains_hashed(interp, &probe, &key, hash)? {
                    add_entry(interp, &result, key, hash)?;
                }
            }
        }
        return Ok(result);
    }
    let Some(probe) = probe_table(so) else {
        return Ok(result);
    };
    let full = set_len(so);
    for_each_item(interp, other, |interp, item| {
        let hash = interp.hash(&item)?;
        if contains_hashed(interp, &probe, &item, hash)? {
            add_entry(interp, &result, item, hash)?;
            // Every element of `so` found: the rest cannot add any.
            return Ok(result.borrow().len() < full);
        }
        Ok(true)
    })?;
    Ok(result)
}

/// `set_intersection_multi`: the intersection with every other iterable.
fn intersection_all(interp: &mut Interp, so: &Value, others: &[Value]) -> PyResult<Table> {
    let mut current = so.clone();
    for other in others {
        let table = intersection(interp, &current, other)?;
        current = Value::set(table);
    }
    Ok(match &current {
        Value::Set(table) if !others.is_empty() => RefCell::new(table.borrow().clone()),
        _ => copy_of(so).unwrap_or_else(empty_table),
    })
}

/// `set_difference(so, other)`: copies and removes when `other` is small
/// or not a set or dict, else adds what `other` lacks to a new set.
fn difference(interp: &mut Interp, so: &Value, other: &Value) -> PyResult<Table> {
    let probe = match other {
        Value::Set(_) | Value::FrozenSet(_) | Value::Dict(_)
            if set_len(so) >> 2 <= set_len(other) =>
        {
            probe_table(other)
        }
        _ => None,
    };
    let Some(probe) = probe else {
        let result = copy_of(so).unwrap_or_else(empty_table);
        difference_update_table(interp, &result, other)?;
        return Ok(result);
    };
    let result = empty_table();
    for (hash, key) in hashed_members(so).unwrap_or_default() {
        if !contains_hashed(interp, &probe, &key, hash)? {
            add_entry(interp, &result, key, hash)?;
        }
    }
    Ok(result)
}

/// `set_symmetric_difference(so, other)`: `set(other)` updated by `so`.
fn symmetric_difference(interp: &mut Interp, so: &Value, other: &Value) -> PyResult<Table> {
    let result = table_from(interp, other)?;
    symmetric_difference_update_table(interp, &result, so)?;
    Ok(result)
}

/// `set_issubset(so, other)` for a set `so` and any iterable.
fn is_subset(interp: &mut Interp, so: &Value, other: &Value) -> PyResult<bool> {
    let probe = match probe_table(other).filter(|_| is_set(other)) {
        Some(probe) => probe,
        None => Rc::new(table_from(interp, other)?),
    };
    if set_len(so) > probe.borrow().len() {
        return Ok(false);
    }
    for (hash, key) in hashed_members(so).unwrap_or_default() {
        if !contains_hashed(interp, &probe, &key, hash)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `set_issuperset(so, other)` for a set `so` and any iterable.
fn is_superset(interp: &mut Interp, so: &Value, other: &Value) -> PyResult<bool> {
    if is_set(other) {
        return is_subset(interp, other, so);
    }
    let Some(probe) = probe_table(so) else {
        return Ok(false);
    };
    let mut all = true;
    for_each_item(interp, other, |interp, item| {
        let hash = interp.hash(&item)?;
        all = contains_hashed(interp, &probe, &item, hash)?;
        Ok(all)
    })?;
    Ok(all)
}

/// `set_isdisjoint(so, other)` for a set `so` and any iterable.
fn is_disjoint(interp: &mut Interp, so: &Value, other: &Value) -> PyResult<bool> {
    if same_set(so, other) {
        return Ok(set_len(so) == 0);
    }
    if is_set(other) {
        let (walk, probe) = if set_len(other) > set_len(so) {
            (so, other)
        } else {
            (other, so)
        };
        let Some(probe) = probe_table(probe) else {
            return Ok(true);
        };
        for (hash, key) in hashed_members(walk).unwrap_or_default() {
            if contains_hashed(interp, &probe, &key, hash)? {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    let Some(probe) = probe_table(so) else {
        return Ok(true);
    };
    let mut disjoint = true;
    for_each_item(interp, other, |interp, item| {
        let hash = interp.hash(&item)?;
        disjoint = !contains_hashed(interp, &probe, &item, hash)?;
        Ok(disjoint)
    })?;
    Ok(disjoint)
}

fn new_set(frozen: bool, table: Table) -> Value {
    if frozen {
        Value::FrozenSet(Rc::new(table.into_inner()))
    } else {
        Value::set(table)
    }
}

// ----- dict ------------------------------------------------------------

fn dict_receiver<'a>(interp: &Interp, args: &'a [Value], method: &str) -> PyResult<&'a Rc<Table>> {
    match args.first().map(Value::builtin_value) {
        Some(Value::Dict(dict)) => Ok(dict),
        _ => Err(receiver_error(interp, "dict", method, args)),
    }
}

fn dict_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let dict = interp.types.dict.clone();
    if let Some(subclass) = subclasses::subtype_to_make(interp, &dict, args)? {
        return Ok(subclasses::made(
            Some(subclass),
            Value::dict(Dict::new().into()),
        ));
    }
    let args = &args[1..];
    super::args::check_count(interp, "dict", args, &[], 0, 1)?;
    let dict = Rc::new(RefCell::new(Dict::new()));
    update_from(interp, &dict, args.first(), kwargs)?;
    Ok(Value::Dict(dict))
}

/// `dict.update(other, **kwargs)`: from a dict, from anything with
/// `keys()` (and `__getitem__`), or from an iterable of pairs. Also
/// `dict |= other`.
/// The dict whose items a merge (`dict(m)`, `update`, `**m`) reads
/// directly: a dict's, or that of an instance of a dict's subclass that
/// iterates as a dict does — CPython's `PyDict_Merge` asks its `tp_iter`,
/// so that overriding `keys` or `__getitem__` alone changes nothing.
pub fn merge_source<'a>(interp: &Interp, mapping: &'a Value) -> Option<&'a Table> {
    match (mapping, mapping.builtin_value()) {
        (Value::Dict(dict), _) => Some(dict),
        (Value::Instance(_), Value::Dict(dict)) => {
            let iterates = interp.class_of(mapping).lookup("__iter__");
            let dict_iterates = interp.types.dict.lookup("__iter__");
            match (iterates, dict_iterates) {
                (Some(own), Some(dicts)) if own.is(&dicts) => Some(dict),
                _ => None,
            }
        }
        _ => None,
    }
}

pub fn update_from(
    interp: &mut Interp,
    dict: &Table,
    other: Option<&Value>,
    kwargs: &[(Name, Value)],
) -> PyResult<()> {
    match other {
        None => {}
        Some(source) if let Some(source) = merge_source(interp, source) => {
            let entries = source.borrow().items();
            for (key, value) in entries {
                interp.dict_set(dict, key, value)?;
            }
        }
        Some(source) => {
            if let Some(keys) = interp.get_attr_opt(source, "keys")? {
                let keys = interp.call(&keys, &[], &[])?;
                let keys = interp.collect(&keys)?;
                for key in keys {
                    let value = interp.get_item(source, &key)?;
                    interp.dict_set(dict, key, value)?;
                }
            } else {
                update_from_pairs(interp, dict, source)?;
            }
        }
    }
    for (name, value) in kwargs {
        interp.dict_set(dict, Value::str(&**name), value.clone())?;
    }
    Ok(())
}

fn update_from_pairs(interp: &mut Interp, dict: &Table, source: &Value) -> PyResult<()> {
    let iterator = interp.get_iter(source)?;
    let mut index = 0usize;
    while let Some(element) = interp.next(&iterator)? {
        let pair = match interp.collect(&element) {
            Ok(pair) => pair,
            Err(err) if interp.is_instance_of(&err, ExcType::TypeError) => {
                return Err(interp.type_error(format!(
                    "cannot convert dictionary update sequence element #{index} to a sequence"
                )))
            }
            Err(err) => return Err(err),
        };
        let [key, value]: [Value; 2] = match pair.try_into() {
            Ok(pair) => pair,
            Err(pair) => {
                return Err(interp.value_error(format!(
                    "dictionary update sequence element #{index} has length {}; 2 is required",
                    pair.len()
                )))
            }
        };
        interp.dict_set(dict, key, value)?;
        index += 1;
    }
    Ok(())
}

/// Whether `method` is `dict.get`, which the evaluator makes itself
/// (`counts.get(key, 0)`, the commonest call of a dict's method).
pub fn is_dict_get(method: NativeFn) -> bool {
    std::ptr::fn_addr_eq(method, dict_get as NativeFn)
}

fn dict_get(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let dict = dict_receiver(interp, args, "get")?;
    check_args(interp, "dict", "get", args, kwargs, 1, 2)?;
    let found = interp.dict_get(dict, &args[1])?;
    Ok(found.unwrap_or_else(|| args.get(2).cloned().unwrap_or(Value::None)))
}

fn dict_setdefault(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let dict = dict_receiver(interp, args, "setdefault")?.clone();
    check_args(interp, "dict", "setdefault", args, kwargs, 1, 2)?;
    let key = &args[1];
    let hash = interp.hash(key)?;
    if let Some(position) = interp.dict_find(&dict, key, hash)? {
        let value = dict.borrow().value_at(position);
        if let Some(value) = value {
            return Ok(value);
        }
    }
    let default = args.get(2).cloned().unwrap_or(Value::None);
    dict.borrow_mut().push(hash, key.clone(), default.clone());
    Ok(default)
}

fn dict_pop(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let dict = dict_receiver(interp, args, "pop")?.clone();
    check_args(interp, "dict", "pop", args, kwargs, 1, 2)?;
    // CPython answers for an empty dict without hashing the key.
    let removed = if dict.borrow().is_empty() {
        None
    } else {
        interp.dict_remove(&dict, &args[1])?
    };
    match removed {
        Some(value) => Ok(value),
        None => match args.get(2) {
            Some(default) => Ok(default.clone()),
            None => Err(interp.key_error(args[1].clone())),
        },
    }
}

fn dict_popitem(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let dict = dict_receiver(interp, args, "popitem")?.clone();
    check_args(interp, "dict", "popitem", args, kwargs, 0, 0)?;
    let last = dict.borrow_mut().pop_last();
    match last {
        Some(entry) => Ok(Value::pair(entry.key, entry.value)),
        None => Err(interp.key_error(Value::str("popitem(): dictionary is empty"))),
    }
}

fn dict_update(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let dict = dict_receiver(interp, args, "update")?.clone();
    check_method_count(interp, "update", args, 0, 1)?;
    update_from(interp, &dict, args.get(1), kwargs)?;
    Ok(Value::None)
}

/// A count check for methods that also take keyword arguments.
fn check_method_count(
    interp: &Interp,
    method: &str,
    args: &[Value],
    min: usize,
    max: usize,
) -> PyResult<()> {
    super::args::check_method(interp, method, args, &[], min, max)
}

fn dict_view(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
    kind: ViewKind,
) -> PyResult<Value> {
    let dict = dict_receiver(interp, args, kind.method())?.clone();
    check_args(interp, "dict", kind.method(), args, kwargs, 0, 0)?;
    Ok(Value::native(Rc::new(DictView { dict, kind })))
}

fn dict_keys(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    dict_view(interp, args, kwargs, ViewKind::Keys)
}

fn dict_values(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    dict_view(interp, args, kwargs, ViewKind::Values)
}

fn dict_items(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    dict_view(interp, args, kwargs, ViewKind::Items)
}

fn dict_copy(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let dict = dict_receiver(interp, args, "copy")?;
    check_args(interp, "dict", "copy", args, kwargs, 0, 0)?;
    let copy = dict.borrow().clone();
    Ok(Value::dict(RefCell::new(copy)))
}

fn dict_clear(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let dict = dict_receiver(interp, args, "clear")?;
    check_args(interp, "dict", "clear", args, kwargs, 0, 0)?;
    let old = std::mem::take(&mut *dict.borrow_mut());
    drop(old);
    Ok(Value::None)
}

/// `dict.fromkeys(iterable, value=None)`, a class method: `args[0]` is
/// the class.
fn dict_fromkeys(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let Some(Value::Type(class)) = args.first() else {
        return Err(receiver_error(interp, "dict", "fromkeys", args));
    };
    check_args(interp, "dict", "fromkeys", args, kwargs, 1, 2)?;
    let value = args.get(2).cloned().unwrap_or(Value::None);
    // A subclass's (`OrderedDict.fromkeys`): an instance made with no
    // arguments, its items set one by one, as CPython does.
    if !Rc::ptr_eq(class, &interp.types.dict) {
        let made = interp.call(&args[0], &[], &[])?;
        for_each_item(interp, &args[1], |interp, key| {
            interp.set_item(&made, key, value.clone())?;
            Ok(true)
        })?;
        return Ok(made);
    }
    let dict = RefCell::new(Dict::new());
    match hashed_members(&args[1]) {
        Some(members) => {
            for (hash, key) in members {
                dict.borrow_mut().push(hash, key, value.clone());
            }
        }
        None => for_each_item(interp, &args[1], |interp, key| {
            interp.dict_set(&dict, key, value.clone())?;
            Ok(true)
        })?,
    }
    Ok(Value::dict(dict))
}

// ----- dict views ------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    Keys,
    Values,
    Items,
}

impl ViewKind {
    fn class_name(self) -> &'static str {
        match self {
            ViewKind::Keys => "dict_keys",
            ViewKind::Values => "dict_values",
            ViewKind::Items => "dict_items",
        }
    }

    fn ordered_class_name(self) -> &'static str {
        match self {
            ViewKind::Keys => "odict_keys",
            ViewKind::Values => "odict_values",
            ViewKind::Items => "odict_items",
        }
    }

    fn method(self) -> &'static str {
        match self {
            ViewKind::Keys => "keys",
            ViewKind::Values => "values",
            ViewKind::Items => "items",
        }
    }
}

/// `d.keys()`, `d.values()`, `d.items()`: live views of the dict.
pub struct DictView {
    pub dict: Rc<Table>,
    pub kind: ViewKind,
}

impl NativeObject for DictView {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class(self.class_name(interp))
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        Some(view_repr(interp, self))
    }
}

impl DictView {
    /// `dict_keys`, or `odict_keys` for an `OrderedDict`'s, and so on.
    fn class_name(&self, interp: &Interp) -> &'static str {
        let dict = self.dict.borrow();
        let ordered = (dict.flavor_class())
            .is_some_and(|class| Rc::ptr_eq(class, &interp.native_class("OrderedDict")));
        if ordered {
            self.kind.ordered_class_name()
        } else {
            self.kind.class_name()
        }
    }

    /// The view's elements now: keys, values, or `(key, value)` tuples.
    fn elements(&self) -> Vec<Value> {
        let dict = self.dict.borrow();
        match self.kind {
            ViewKind::Keys => dict.keys(),
            ViewKind::Values => dict.values(),
            ViewKind::Items => dict
                .iter()
                .map(|e| Value::pair(e.key.clone(), e.value.clone()))
                .collect(),
        }
    }
}

/// `repr(view)`: `dict_keys(['a', 'b'])` and the like; a view met again
/// while it is being rendered (it is inside its own dict) shows as `...`.
pub fn view_repr(interp: &mut Interp, view: &DictView) -> PyResult<String> {
    let address = view as *const DictView as usize;
    interp.repr_guarded(address, "...", |interp| {
        let list = interp.repr(&Value::list(view.elements()))?;
        Ok(format!("{}({list})", view.class_name(interp)))
    })
}

/// `item in view`.
pub fn view_contains(interp: &mut Interp, view: &DictView, item: &Value) -> PyResult<bool> {
    match view.kind {
        ViewKind::Keys => interp.dict_contains(&view.dict, item),
        ViewKind::Items => {
            let Value::Tuple(pair) = item else {
                return Ok(false);
            };
            let [key, value] = &pair[..] else {
                return Ok(false);
            };
            match interp.dict_get(&view.dict, key)? {
                Some(found) => item_eq(interp, &found, value),
                None => Ok(false),
            }
        }
        ViewKind::Values => {
            let values = view.dict.borrow().values();
            for value in values {
                if item_eq(interp, &value, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

fn as_view(value: &Value) -> Option<&DictView> {
    match value {
        Value::Native(object) => object.downcast_ref::<DictView>(),
        _ => None,
    }
}

fn view_receiver<'a>(interp: &Interp, args: &'a [Value], method: &str) -> PyResult<&'a DictView> {
    args.first()
        .and_then(as_view)
        .ok_or_else(|| receiver_error(interp, "dict_keys", method, args))
}

fn view_len(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let view = view_receiver(interp, args, "__len__")?;
    Ok(Value::from(view.dict.borrow().len()))
}

fn view_iter(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let view = view_receiver(interp, args, "__iter__")?;
    let dict = view.dict.clone();
    Ok(match view.kind {
        ViewKind::Keys => iterators::dict_keys_iter(dict),
        ViewKind::Values => iterators::dict_values_iter(dict),
        ViewKind::Items => iterators::dict_items_iter(dict),
    })
}

fn view_reversed(
    interp: &mut Interp,
    args: &[Value],
    _kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let view = view_receiver(interp, args, "__reversed__")?;
    let part = match view.kind {
        ViewKind::Keys => iterators::Part::Keys,
        ViewKind::Values => iterators::Part::Values,
        ViewKind::Items => iterators::Part::Items,
    };
    Ok(iterators::dict_reverse_iter(view.dict.clone(), part))
}

fn view_contains_method(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let view = view_receiver(interp, args, "__contains__")?;
    super::args::check_method(interp, "__contains__", args, kwargs, 1, 1)?;
    view_contains(interp, view, &args[1]).map(Value::from)
}

/// The operands of a binary operator method: the view and the other.
fn view_operands<'a>(
    interp: &Interp,
    args: &'a [Value],
    method: &str,
) -> PyResult<(&'a Value, &'a Value)> {
    match args {
        [view, other] if as_view(view).is_some() => Ok((view, other)),
        _ => Err(receiver_error(interp, "dict_keys", method, args)),
    }
}

/// CPython's `_PyDictView_Intersect`, for `view & other` in either
/// order: an exact set at least as large as the view intersects itself
/// with the view; else the smaller operand is walked and what the other
/// holds is kept.
fn view_and(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (view_value, other) = view_operands(interp, args, "__and__")?;
    let view_len = as_view(view_value).map_or(0, |view| view.dict.borrow().len());
    if let Value::Set(table) = other {
        if view_len <= table.borrow().len() {
            let result = intersection(interp, other, view_value)?;
            return Ok(Value::set(result));
        }
    }
    let (walk, probe) = match as_view(other) {
        Some(other_view)
            if other_view.kind != ViewKind::Values && other_view.dict.borrow().len() > view_len =>
        {
            (view_value, other)
        }
        _ => (other, view_value),
    };
    let Some(probe) = as_view(probe) else {
        return Ok(Value::set(empty_table()));
    };
    let result = empty_table();
    for_each_item(interp, walk, |interp, item| {
        if view_contains(interp, probe, &item)? {
            interp.dict_set(&result, item, Value::None)?;
        }
        Ok(true)
    })?;
    Ok(Value::set(result))
}

/// `set(left)` as the view operators make it (`dictviews_to_set`): a keys
/// view converts through its dict.
fn view_to_set(interp: &mut Interp, left: &Value) -> PyResult<Table> {
    match as_view(left) {
        Some(view) if view.kind == ViewKind::Keys => {
            table_from(interp, &Value::Dict(view.dict.clone()))
        }
        _ => table_from(interp, left),
    }
}

/// `left OP right` for `|`, `-` and `^` with a view on either side:
/// `set(left)` updated by `right`.
fn view_set_op(interp: &mut Interp, op: BinOp, left: &Value, right: &Value) -> PyResult<Value> {
    if op == BinOp::BitXor {
        if let (Some(a), Some(b)) = (as_view(left), as_view(right)) {
            if a.kind == ViewKind::Items && b.kind == ViewKind::Items {
                return items_xor(interp, &a.dict, &b.dict);
            }
        }
    }
    let table = view_to_set(interp, left)?;
    match op {
        BinOp::BitOr => update_table(interp, &table, right)?,
        BinOp::Sub => difference_update_table(interp, &table, right)?,
        _ => symmetric_difference_update_table(interp, &table, right)?,
    }
    Ok(Value::set(table))
}

/// `d1.items() ^ d2.items()` (CPython's `dictitems_xor`): the pairs of
/// `d2` not equal in `d1`, then the pairs of `d1` left unmatched.
fn items_xor(interp: &mut Interp, d1: &Rc<Table>, d2: &Rc<Table>) -> PyResult<Value> {
    let remaining = RefCell::new(d1.borrow().clone());
    let result = empty_table();
    let entries: Vec<(i64, Value, Value)> = d2
        .borrow()
        .iter()
        .map(|e| (e.hash, e.key.clone(), e.value.clone()))
        .collect();
    for (hash, key, value) in entries {
        let position = interp.dict_find(&remaining, &key, hash)?;
        let mine = position.and_then(|p| remaining.borrow().value_at(p));
        let matched = match mine {
            Some(mine) => item_eq(interp, &mine, &value)?,
            None => false,
        };
        if matched {
            discard_entry(interp, &remaining, &key, hash)?;
        } else {
            interp.dict_set(&result, Value::pair(key, value), Value::None)?;
        }
    }
    let unmatched = remaining.borrow().items();
    for (key, value) in unmatched {
        interp.dict_set(&result, Value::pair(key, value), Value::None)?;
    }
    Ok(Value::set(result))
}

fn view_or(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (view, other) = view_operands(interp, args, "__or__")?;
    view_set_op(interp, BinOp::BitOr, view, other)
}

fn view_ror(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (view, other) = view_operands(interp, args, "__ror__")?;
    view_set_op(interp, BinOp::BitOr, other, view)
}

fn view_sub(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (view, other) = view_operands(interp, args, "__sub__")?;
    view_set_op(interp, BinOp::Sub, view, other)
}

fn view_rsub(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (view, other) = view_operands(interp, args, "__rsub__")?;
    view_set_op(interp, BinOp::Sub, other, view)
}

fn view_xor(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (view, other) = view_operands(interp, args, "__xor__")?;
    view_set_op(interp, BinOp::BitXor, view, other)
}

fn view_rxor(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (view, other) = view_operands(interp, args, "__rxor__")?;
    view_set_op(interp, BinOp::BitXor, other, view)
}

fn is_set_view(value: &Value) -> bool {
    as_view(value).is_some_and(|view| view.kind != ViewKind::Values)
}

/// Compares a keys/items view with a set or another such view as sets;
/// `None` (NotImplemented) for anything else.
fn view_compare(interp: &mut Interp, args: &[Value], op: CmpOp) -> PyResult<Option<bool>> {
    let [view, other] = args else {
        return Ok(None);
    };
    if !is_set_view(view) || !(is_set(other) || is_set_view(other)) {
        return Ok(None);
    }
    let len_view = interp.len(view)?;
    let len_other = interp.len(other)?;
    let result = match op {
        CmpOp::Eq | CmpOp::NotEq => {
            let equal = len_view == len_other && all_contained_in(interp, view, other)?;
            equal == (op == CmpOp::Eq)
        }
        CmpOp::Lt => len_view < len_other && all_contained_in(interp, view, other)?,
        CmpOp::LtE => len_view <= len_other && all_contained_in(interp, view, other)?,
        CmpOp::Gt => len_view > len_other && all_contained_in(interp, other, view)?,
        _ => len_view >= len_other && all_contained_in(interp, other, view)?,
    };
    Ok(Some(result))
}

fn all_contained_in(interp: &mut Interp, inner: &Value, outer: &Value) -> PyResult<bool> {
    for item in interp.collect(inner)? {
        if !interp.contains(outer, &item)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn compare_result(result: Option<bool>) -> Value {
    result.map_or(Value::NotImplemented, Value::from)
}

fn view_eq(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    view_compare(interp, args, CmpOp::Eq).map(compare_result)
}

fn view_ne(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    view_compare(interp, args, CmpOp::NotEq).map(compare_result)
}

fn view_lt(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    view_compare(interp, args, CmpOp::Lt).map(compare_result)
}

fn view_le(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    view_compare(interp, args, CmpOp::LtE).map(compare_result)
}

fn view_gt(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    view_compare(interp, args, CmpOp::Gt).map(compare_result)
}

fn view_ge(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    view_compare(interp, args, CmpOp::GtE).map(compare_result)
}

/// `view.isdisjoint(other)` (CPython's `dictviews_isdisjoint`): walks
/// the smaller operand when the other is set-like.
fn view_isdisjoint(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let view = view_receiver(interp, args, "isdisjoint")?;
    super::args::check_method(
        interp,
        &format!("{}.isdisjoint", view.kind.class_name()),
        args,
        kwargs,
        1,
        1,
    )?;
    let (this, other) = (&args[0], &args[1]);
    if this.is(other) {
        return Ok(Value::from(view.dict.borrow().is_empty()));
    }
    let (walk, probe) =
        if (is_set(other) || is_set_view(other)) && interp.len(other)? > view.dict.borrow().len() {
            (this, other)
        } else {
            (other, this)
        };
    let mut disjoint = true;
    for_each_item(interp, walk, |interp, item| {
        disjoint = !interp.contains(probe, &item)?;
        Ok(disjoint)
    })?;
    Ok(Value::from(disjoint))
}

// ----- set and frozenset -----------------------------------------------

fn set_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let set = interp.types.set.clone();
    if let Some(subclass) = subclasses::subtype_to_make(interp, &set, args)? {
        return Ok(subclasses::made(
            Some(subclass),
            new_set(false, empty_table()),
        ));
    }
    let args = &args[1..];
    super::args::check_count(interp, "set", args, kwargs, 0, 1)?;
    let table = match args.first() {
        Some(iterable) => table_from(interp, iterable)?,
        None => empty_table(),
    };
    Ok(new_set(false, table))
}

fn frozenset_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let frozenset = interp.types.frozenset.clone();
    let subclass = subclasses::subtype_to_make(interp, &frozenset, args)?;
    let args = &args[1..];
    super::args::check_count(interp, "frozenset", args, kwargs, 0, 1)?;
    let value = match args.first() {
        Some(Value::FrozenSet(table)) if subclass.is_none() => Value::FrozenSet(table.clone()),
        Some(iterable) => {
            let table = table_from(interp, iterable)?;
            new_set(true, table)
        }
        None => new_set(true, empty_table()),
    };
    Ok(subclasses::made(subclass, value))
}

fn type_name_of(frozen: bool) -> &'static str {
    if frozen {
        "frozenset"
    } else {
        "set"
    }
}

/// The receiver of a method shared by `set` and `frozenset`, which must
/// be of the class the method was found on (`frozen`).
fn set_receiver<'a>(
    interp: &Interp,
    args: &'a [Value],
    method: &str,
    frozen: bool,
) -> PyResult<&'a Value> {
    match args.first().map(Value::builtin_value) {
        Some(v @ Value::Set(_)) if !frozen => Ok(v),
        Some(v @ Value::FrozenSet(_)) if frozen => Ok(v),
        _ => Err(receiver_error(interp, type_name_of(frozen), method, args)),
    }
}

fn mutable_set<'a>(interp: &Interp, args: &'a [Value], method: &str) -> PyResult<&'a Rc<Table>> {
    match args.first().map(Value::builtin_value) {
        Some(Value::Set(table)) => Ok(table),
        _ => Err(receiver_error(interp, "set", method, args)),
    }
}

fn no_kwargs(
    interp: &Interp,
    frozen: bool,
    method: &str,
    kwargs: &[(Name, Value)],
) -> PyResult<()> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(interp.type_error(format!(
            "{}.{method}() takes no keyword arguments",
            type_name_of(frozen)
        )))
    }
}

fn set_copy<const FROZEN: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let so = set_receiver(interp, args, "copy", FROZEN)?;
    check_args(interp, type_name_of(FROZEN), "copy", args, kwargs, 0, 0)?;
    if FROZEN {
        return Ok(so.clone());
    }
    Ok(new_set(false, copy_of(so).unwrap_or_else(empty_table)))
}

fn set_union<const FROZEN: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let so = set_receiver(interp, args, "union", FROZEN)?;
    no_kwargs(interp, FROZEN, "union", kwargs)?;
    let result = copy_of(so).unwrap_or_else(empty_table);
    for other in &args[1..] {
        if !same_set(so, other) {
            update_table(interp, &result, other)?;
        }
    }
    Ok(new_set(FROZEN, result))
}

fn set_intersection<const FROZEN: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let so = set_receiver(interp, args, "intersection", FROZEN)?;
    no_kwargs(interp, FROZEN, "intersection", kwargs)?;
    let result = intersection_all(interp, so, &args[1..])?;
    Ok(new_set(FROZEN, result))
}

/// `set_difference_multi`.
fn difference_all(interp: &mut Interp, so: &Value, others: &[Value]) -> PyResult<Table> {
    let Some((first, rest)) = others.split_first() else {
        return Ok(copy_of(so).unwrap_or_else(empty_table));
    };
    let result = difference(interp, so, first)?;
    for other in rest {
        difference_update_table(interp, &result, other)?;
    }
    Ok(result)
}

fn set_difference<const FROZEN: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let so = set_receiver(interp, args, "difference", FROZEN)?;
    no_kwargs(interp, FROZEN, "difference", kwargs)?;
    let result = difference_all(interp, so, &args[1..])?;
    Ok(new_set(FROZEN, result))
}

fn set_symmetric_difference<const FROZEN: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let so = set_receiver(interp, args, "symmetric_difference", FROZEN)?;
    let name = type_name_of(FROZEN);
    check_args(interp, name, "symmetric_difference", args, kwargs, 1, 1)?;
    let result = symmetric_difference(interp, so, &args[1])?;
    Ok(new_set(FROZEN, result))
}

fn set_issubset<const FROZEN: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let so = set_receiver(interp, args, "issubset", FROZEN)?;
    check_args(interp, type_name_of(FROZEN), "issubset", args, kwargs, 1, 1)?;
    is_subset(interp, so, &args[1]).map(Value::from)
}

fn set_issuperset<const FROZEN: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let so = set_receiver(interp, args, "issuperset", FROZEN)?;
    check_args(
        interp,
        type_name_of(FROZEN),
        "issuperset",
        args,
        kwargs,
        1,
        1,
    )?;
    is_superset(interp, so, &args[1]).map(Value::from)
}

fn set_isdisjoint<const FROZEN: bool>(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let so = set_receiver(interp, args, "isdisjoint", FROZEN)?;
    check_args(
        interp,
        type_name_of(FROZEN),
        "isdisjoint",
        args,
        kwargs,
        1,
        1,
    )?;
    is_disjoint(interp, so, &args[1]).map(Value::from)
}

fn set_add(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let set = mutable_set(interp, args, "add")?.clone();
    check_args(interp, "set", "add", args, kwargs, 1, 1)?;
    interp.dict_set(&set, args[1].clone(), Value::None)?;
    Ok(Value::None)
}

fn set_discard(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let set = mutable_set(interp, args, "discard")?.clone();
    check_args(interp, "set", "discard", args, kwargs, 1, 1)?;
    let removed = interp.dict_remove(&set, &set_key(&args[1]))?;
    drop(removed);
    Ok(Value::None)
}

fn set_remove(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let set = mutable_set(interp, args, "remove")?.clone();
    check_args(interp, "set", "remove", args, kwargs, 1, 1)?;
    match interp.dict_remove(&set, &set_key(&args[1]))? {
        Some(_) => Ok(Value::None),
        None => Err(interp.key_error(args[1].clone())),
    }
}

fn set_pop(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let set = mutable_set(interp, args, "pop")?.clone();
    check_args(interp, "set", "pop", args, kwargs, 0, 0)?;
    let popped = set.borrow_mut().pop_first();
    match popped {
        Some(entry) => Ok(entry.key),
        None => Err(interp.key_error(Value::str("pop from an empty set"))),
    }
}

fn set_clear(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let set = mutable_set(interp, args, "clear")?.clone();
    check_args(interp, "set", "clear", args, kwargs, 0, 0)?;
    let old = std::mem::replace(&mut *set.borrow_mut(), Dict::new_set());
    drop(old);
    Ok(Value::None)
}

fn set_update(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let set = mutable_set(interp, args, "update")?.clone();
    no_kwargs(interp, false, "update", kwargs)?;
    for other in &args[1..] {
        update_table(interp, &set, other)?;
    }
    Ok(Value::None)
}

/// Replaces a set's contents with `table` (CPython's `set_swap_bodies`).
fn replace_table(set: &Table, table: Table) {
    let old = std::mem::replace(&mut *set.borrow_mut(), table.into_inner());
    drop(old);
}

fn set_intersection_update(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let set = mutable_set(interp, args, "intersection_update")?.clone();
    no_kwargs(interp, false, "intersection_update", kwargs)?;
    let result = intersection_all(interp, args[0].builtin_value(), &args[1..])?;
    replace_table(&set, result);
    Ok(Value::None)
}

fn set_difference_update(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let set = mutable_set(interp, args, "difference_update")?.clone();
    no_kwargs(interp, false, "difference_update", kwargs)?;
    for other in &args[1..] {
        difference_update_table(interp, &set, other)?;
    }
    Ok(Value::None)
}

fn set_symmetric_difference_update(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let set = mutable_set(interp, args, "symmetric_difference_update")?.clone();
    check_args(
        interp,
        "set",
        "symmetric_difference_update",
        args,
        kwargs,
        1,
        1,
    )?;
    symmetric_difference_update_table(interp, &set, &args[1])?;
    Ok(Value::None)
}

// ----- operators -------------------------------------------------------

/// `a | b`, `a & b`, `a - b`, `a ^ b` for two sets or frozensets (the
/// result has the left operand's type); `None` for other operands.
pub fn set_binary_op(
    interp: &mut Interp,
    op: BinOp,
    a: &Value,
    b: &Value,
) -> Option<PyResult<Value>> {
    if !is_set(a) || !is_set(b) {
        return None;
    }
    let result = match op {
        BinOp::BitOr => {
            let table = copy_of(a).unwrap_or_else(empty_table);
            if same_set(a, b) {
                Ok(table)
            } else {
                update_table(interp, &table, b).map(|()| table)
            }
        }
        BinOp::BitAnd => intersection(interp, a, b),
        BinOp::Sub => difference(interp, a, b),
        BinOp::BitXor => symmetric_difference(interp, a, b),
        _ => return None,
    };
    Some(result.map(|table| new_set(matches!(a, Value::FrozenSet(_)), table)))
}

/// `a |= b`, `a &= b`, `a -= b`, `a ^= b` for a `set` `a` and a set or
/// frozenset `b`: `a` is updated in place as CPython does it (which can
/// leave a different table layout than `a = a | b`) and returned; `None`
/// for other operands.
pub fn set_inplace_op(
    interp: &mut Interp,
    op: BinOp,
    a: &Value,
    b: &Value,
) -> Option<PyResult<Value>> {
    let Value::Set(table) = a else {
        return None;
    };
    if !is_set(b) {
        return None;
    }
    let result = match op {
        BinOp::BitOr => update_table(interp, table, b),
        BinOp::Sub => difference_update_table(interp, table, b),
        BinOp::BitXor => symmetric_difference_update_table(interp, table, b),
        BinOp::BitAnd => intersection(interp, a, b).map(|common| replace_table(table, common)),
        _ => return None,
    };
    Some(result.map(|()| a.clone()))
}

/// `a == b`, `a != b`, `a < b`, `a <= b`, `a > b`, `a >= b` for two sets
/// or frozensets (equality, subset and superset tests); `None` for other
/// operands or operators.
pub fn set_compare(interp: &mut Interp, op: CmpOp, a: &Value, b: &Value) -> Option<PyResult<bool>> {
    if !is_set(a) || !is_set(b) {
        return None;
    }
    let (len_a, len_b) = (set_len(a), set_len(b));
    let result = match op {
        CmpOp::Eq | CmpOp::NotEq => {
            let equal = if len_a == len_b {
                is_subset(interp, a, b)
            } else {
                Ok(false)
            };
            equal.map(|equal| equal == (op == CmpOp::Eq))
        }
        CmpOp::LtE => is_subset(interp, a, b),
        CmpOp::GtE => is_subset(interp, b, a),
        CmpOp::Lt if len_a < len_b => is_subset(interp, a, b),
        CmpOp::Gt if len_a > len_b => is_subset(interp, b, a),
        CmpOp::Lt | CmpOp::Gt => Ok(false),
        _ => return None,
    };
    Some(result)
}
