//! The object protocols: truth, repr/str, equality, ordering, hashing,
//! operators, iteration, attributes, items — each dispatching on the core
//! value variants first and to dunder methods of user classes after.

use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::BigInt;

use super::arith;
use super::builtins::object;
use super::builtins::{bytes, mappings, percent, sequences, str as strings};
use super::dict::Dict;
use super::error::{ExcType, PyErr, PyResult};
use super::format;
use super::interp::Interp;
use super::object::BuiltinKind;
use super::value::Value;
use crate::syntax::ast::{BinOp, CmpOp, UnaryOp};

/// Whether a value's operators are its class's methods, not only the
/// builtin ones this module applies.
fn has_methods_of_its_own(value: &Value) -> bool {
    matches!(
        value,
        Value::Instance(_) | Value::Future(_) | Value::Native(_)
    ) || is_flavored(value)
        || has_metaclass(value)
}

/// Whether a value is a class made by a metaclass other than `type`,
/// whose operations are its metaclass's methods.
fn has_metaclass(value: &Value) -> bool {
    matches!(value, Value::Type(class) if class.metaclass.is_some())
}

/// Whether a value is a dict of `collections`.
fn is_flavored(value: &Value) -> bool {
    matches!(value, Value::Dict(dict) if dict.borrow().flavor.is_some())
}

/// The method of a comparison and its reflection.
fn comparison_names(op: CmpOp) -> (&'static str, &'static str) {
    match op {
        CmpOp::Eq => ("__eq__", "__eq__"),
        CmpOp::NotEq => ("__ne__", "__ne__"),
        CmpOp::Lt => ("__lt__", "__gt__"),
        CmpOp::LtE => ("__le__", "__ge__"),
        CmpOp::Gt => ("__gt__", "__lt__"),
        CmpOp::GtE => ("__ge__", "__le__"),
        _ => ("", ""),
    }
}

/// A method that the class of a dict of `collections` defines itself
/// (`Counter.__eq__`, `defaultdict.__missing__`), not one of `dict`'s.
pub fn flavor_method(dict: &RefCell<Dict>, name: &str) -> Option<Value> {
    let dict = dict.borrow();
    let class = dict.flavor_class()?;
    let method = class.namespace.borrow().get(name).cloned();
    method
}

/// What CPython's `RecursionError` adds when nested containers are compared.
const IN_COMPARISON: &str = " in comparison";

/// CPython's string hash is randomized per process; pyl's is a fixed
/// FNV-1a, which only decides dict/set probe order (never visible: dicts
/// keep insertion order). The empty string's is 0 in both.
pub fn str_hash(s: &str) -> i64 {
    bytes_hash(s.as_bytes())
}

/// The hash of bytes: that of the str with the same UTF-8, as in CPython
/// (where an ASCII str and its bytes hash alike).
pub fn bytes_hash(data: &[u8]) -> i64 {
    if data.is_empty() {
        return 0;
    }
    let mut hash: u64 = 0xcbf29ce484222325;
    for &byte in data {
        hash ^= byte as u64;
        hash = hash.wrapping_mul(0x100000001b3);
    }
    let hash = hash as i64;
    if hash == -1 {
        -2
    } else {
        hash
    }
}

impl Interp {
    pub fn truthy(&mut self, value: &Value) -> PyResult<bool> {
        Ok(match value {
            Value::None => false,
            Value::Bool(b) => b.get(),
            Value::Int(i) => *i != 0,
            Value::BigInt(_) => true,
            Value::Float(f) => f.get() != 0.0,
            Value::Str(s) => !s.as_str().is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::ByteArray(b) => !b.borrow().is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Dict(d) | Value::Set(d) => !d.borrow().is_empty(),
            Value::FrozenSet(d) => !d.is_empty(),
            Value::Range(r) => !r.is_empty(),
            Value::Type(class) if class.metaclass.is_none() => true,
            Value::Instance(_) | Value::Future(_) | Value::Native(_) | Value::Type(_) => {
                if let Some(length) = native_length(value) {
                    return Ok(length != 0);
                }
                if let Some(method) = self.lookup_special(value, "__bool__") {
                    let result = self.call_bound(&method, value, &[], &[])?;
                    return match result {
                        Value::Bool(b) => Ok(b.get()),
                        other => Err(self.type_error(format!(
                            "__bool__ should return bool, returned {}",
                            self.type_name(&other)
                        ))),
                    };
                }
                if let Some(method) = self.lookup_special(value, "__len__") {
                    return Ok(self.call_len(&method, value)? != 0);
                }
                true
            }
            _ => true,
        })
    }

    /// `ascii(value)`: the repr with every non-ASCII character escaped.
    pub fn ascii(&mut self, value: &Value) -> PyResult<String> {
        let repr = self.repr(value)?;
        if repr.is_ascii() {
            return Ok(repr);
        }
        Ok(repr
            .chars()
            .map(|c| match c.is_ascii() {
                true => c.to_string(),
                false => super::codecs::escaped_char(c),
            })
            .collect())
    }

    /// `int object at 0x…`: how a builtin method's repr names its receiver.
    fn object_at(&self, value: &Value) -> String {
        format!("{} object at {:#x}", self.type_name(value), value.address())
    }

    pub fn repr(&mut self, value: &Value) -> PyResult<String> {
        Ok(match value {
            Value::None => "None".into(),
            Value::NotImplemented => "NotImplemented".into(),
            Value::Ellipsis => "Ellipsis".into(),
            Value::Bool(b) => if b.get() { "True" } else { "False" }.into(),
            Value::Int(i) => itoa::Buffer::new().format(*i).to_owned(),
            Value::BigInt(b) => self.int_to_decimal(b)?,
            Value::Float(f) => format::float_repr(f.get()),
            Value::Str(s) => strings::str_repr(s.as_str()),
            Value::Bytes(b) => bytes::bytes_repr(b),
            Value::ByteArray(b) => bytes::bytearray_repr("bytearray", &b.borrow()),
            Value::List(items) => {
                let items = items.borrow().clone();
                self.repr_guarded(value.address(), "[...]", |this| {
                    this.join_reprs("[", &items, "]")
                })?
            }
            Value::Tuple(items) => {
                let items = items.clone();
                self.repr_guarded(value.address(), "(...)", |this| match &items[..] {
                    [item] => Ok(format!("({},)", this.repr(item)?)),
                    _ => this.join_reprs("(", &items, ")"),
                })?
            }
            Value::Dict(dict) if let Some(repr) = flavor_method(dict, "__repr__") => {
                self.call_string_method(&repr, value, "__repr__")?
            }
            Value::Dict(dict) => self.plain_dict_repr(value, dict)?,
            Value::Set(_) => self.set_repr(value, "set")?,
            Value::FrozenSet(_) => self.set_repr(value, "frozenset")?,
            Value::Range(r) => {
                if r.step == 1 {
                    format!("range({}, {})", r.start, r.stop)
                } else {
                    format!("range({}, {}, {})", r.start, r.stop, r.step)
                }
            }
            Value::Slice(parts) => {
                let parts = parts.clone();
                format!(
                    "slice({}, {}, {})",
                    self.repr(&parts[0])?,
                    self.repr(&parts[1])?,
                    self.repr(&parts[2])?
                )
            }
            // A module's function in Python that stands for CPython's C
            // (`heapq.heappush`) shows as the C function does.
            Value::Function(f)
                if f.code.source.origin == crate::compile::ir::Origin::BundledForC
                    && !f.qualname.borrow().contains('.') =>
            {
                format!("<built-in function {}>", f.name.borrow())
            }
            Value::Function(f) => format!(
                "<function {} at {:#x}>",
                f.qualname.borrow(),
                value.address()
            ),
            Value::Builtin(b) => {
                let receiver = b.receiver.clone().unwrap_or(Value::None);
                match b.kind() {
                    BuiltinKind::Function => format!("<built-in function {}>", b.name),
                    BuiltinKind::PythonFunction(_) => {
                        format!("<function {} at {:#x}>", b.name, value.address())
                    }
                    BuiltinKind::BoundMethod => {
                        format!(
                            "<built-in method {} of {}>",
                            b.name,
                            self.object_at(&receiver)
                        )
                    }
                    BuiltinKind::MethodWrapper => {
                        format!(
                            "<method-wrapper '{}' of {}>",
                            b.name,
                            self.object_at(&receiver)
                        )
                    }
                    BuiltinKind::New(owner) => format!(
                        "<built-in method __new__ of {}>",
                        self.object_at(&Value::Type(owner))
                    ),
                    BuiltinKind::MethodDescriptor(owner) => format!(
                        "<method '{}' of '{}' objects>",
                        b.name,
                        self.class_type_name(&owner)
                    ),
                    BuiltinKind::SlotWrapper(owner) => format!(
                        "<slot wrapper '{}' of '{}' objects>",
                        b.name,
                        self.class_type_name(&owner)
                    ),
                }
            }
            Value::BoundMethod(m) => {
                // CPython's method_repr: the function's __qualname__, else
                // its __name__ (an lru_cache wrapper bound as a method).
                let name = match &m.function {
                    // A builtin classmethod bound to its class
                    // (`dict.fromkeys`): CPython's is a builtin method.
                    Value::Builtin(b) => {
                        return Ok(format!(
                            "<built-in method {} of {}>",
                            b.name,
                            self.object_at(&m.receiver)
                        ))
                    }
                    Value::Function(f) => f.qualname.borrow().to_string(),
                    other => {
                        let other = other.clone();
                        let name = match self.generic_get_attr(&other, "__qualname__")? {
                            Some(name) => Some(name),
                            None => self.generic_get_attr(&other, "__name__")?,
                        };
                        match name {
                            Some(Value::Str(name)) => name.as_str().to_string(),
                            _ => "?".to_string(),
                        }
                    }
                };
                format!(
                    "<bound method {} of {}>",
                    name,
                    self.repr(&m.receiver.clone())?
                )
            }
            Value::Type(class) => match self.metaclass_method(class, "__repr__") {
                Some(method) => self.call_string_method(&method, value, "__repr__")?,
                None => self.class_repr(class),
            },
            Value::Module(m) => match &*m.name {
                // Compiled into every CPython (`sys.builtin_module_names`).
                "builtins" | "sys" | "time" | "itertools" => {
                    format!("<module '{}' (built-in)>", m.name)
                }
                // Frozen in every CPython 3.11.
                "abc" | "io" => format!("<module '{}' (frozen)>", m.name),
                // Where CPython's file is depends on the machine.
                _ => format!("<module '{}'>", m.name),
            },
            Value::Generator(g) => format!(
                "<{} object {} at {:#x}>",
                self.type_name(value),
                g.qualname(),
                value.address()
            ),
            Value::Instance(instance) => {
                if let Some(method) = instance.class.lookup("__repr__") {
                    return self.call_string_method(&method, value, "__repr__");
                }
                if instance.exception.is_some() {
                    return self.exception_repr(instance);
                }
                self.default_instance_repr(instance, value)
            }
            Value::Future(_) | Value::Native(_) => {
                if let Some(repr) = value.as_native().and_then(|object| object.repr(self)) {
                    return repr;
                }
                format!(
                    "<{} object at {:#x}>",
                    self.type_name(value),
                    value.address()
                )
            }
        })
    }

    /// `<module.Class object at 0x…>`.
    /// `type.__repr__`: `<class 'module.Name'>`.
    pub fn class_repr(&self, class: &Rc<super::object::Class>) -> String {
        let module = class.module_name();
        if module.as_ref() == "builtins" {
            format!("<class '{}'>", class.name)
        } else {
            format!("<class '{module}.{}'>", self.qualname_of(class))
        }
    }

    /// Calls `__repr__` or `__str__`, which must give a str (or an
    /// instance of a subclass of `str`).
    fn call_string_method(
        &mut self,
        method: &Value,
        value: &Value,
        name: &str,
    ) -> PyResult<String> {
        match self.call_bound(method, value, &[], &[])?.builtin_value() {
            Value::Str(s) => Ok(s.as_str().to_string()),
            other => Err(self.type_error(format!(
                "{name} returned non-string (type {})",
                self.type_name(other)
            ))),
        }
    }

    pub fn default_instance_repr(
        &self,
        instance: &super::object::Instance,
        value: &Value,
    ) -> String {
        // `object()` is `<object object at …>`: no `builtins.` prefix.
        let module = match &*instance.class.module_name() {
            "builtins" => String::new(),
            module => format!("{module}."),
        };
        format!(
            "<{module}{} object at {:#x}>",
            self.qualname_of(&instance.class),
            value.address()
        )
    }

    /// A dict's `{key: value, …}`, whatever its class (`{...}` met again
    /// inside itself).
    pub fn plain_dict_repr(&mut self, value: &Value, dict: &RefCell<Dict>) -> PyResult<String> {
        let items = dict.borrow().items();
        self.repr_guarded(value.address(), "{...}", |this| {
            let mut parts = Vec::with_capacity(items.len());
            for (k, v) in &items {
                parts.push(format!("{}: {}", this.repr(k)?, this.repr(v)?));
            }
            Ok(format!("{{{}}}", parts.join(", ")))
        })
    }

    /// A class's `__qualname__` (`A.E`, `f.<locals>.L`).
    pub fn qualname_of(&self, class: &Rc<super::object::Class>) -> String {
        class.qualname.borrow().to_string()
    }

    fn join_reprs(&mut self, open: &str, items: &[Value], close: &str) -> PyResult<String> {
        let mut parts = Vec::with_capacity(items.len());
        for item in items {
            parts.push(self.repr(item)?);
        }
        Ok(format!("{open}{}{close}", parts.join(", ")))
    }

    /// Runs `render` for the container at `address` unless it is already
    /// being rendered further up (a container that contains itself prints
    /// as `placeholder`, `[...]` for a list), as CPython's `Py_ReprEnter`.
    pub fn repr_guarded(
        &mut self,
        address: usize,
        placeholder: &str,
        render: impl FnOnce(&mut Self) -> PyResult<String>,
    ) -> PyResult<String> {
        if !self.repr_stack.insert(address) {
            return Ok(placeholder.to_string());
        }
        let result = self.nested_in(" while getting the repr of an object", render);
        self.repr_stack.remove(&address);
        result
    }

    /// `str(value)`.
    pub fn to_str(&mut self, value: &Value) -> PyResult<String> {
        match value {
            Value::Str(s) => Ok(s.as_str().to_string()),
            Value::Instance(instance) => {
                if let Some(method) = instance.class.lookup("__str__") {
                    // `object.__str__` returns what `__repr__` returns,
                    // unchecked: a wrong type is `__str__`'s to report.
                    let method = match instance.class.lookup("__repr__") {
                        Some(repr @ Value::Function(_)) if object::is_object_str(&method) => repr,
                        _ => method,
                    };
                    return self.call_string_method(&method, value, "__str__");
                }
                if instance.exception.is_some() {
                    return self.exception_str(instance);
                }
                self.repr(value)
            }
            Value::Type(class) if let Some(method) = self.metaclass_method(class, "__str__") => {
                self.call_string_method(&method, value, "__str__")
            }
            // A native class's own `__str__` (`mappingproxy`'s).
            Value::Native(_)
                if let Some(method) = (self.class_of(value).lookup("__str__"))
                    .filter(|method| !object::is_object_str(method)) =>
            {
                self.call_string_method(&method, value, "__str__")
            }
            _ => self.repr(value),
        }
    }

    /// `MemoryError` for a width or precision no memory could hold (a
    /// precision past `i32::MAX` is the formatter's "precision too big").
    fn check_spec_size(&self, spec: &format::FormatSpec) -> PyResult<()> {
        let precision = spec.precision.filter(|&p| p <= i32::MAX as usize);
        let size = spec.width.unwrap_or(0).max(precision.unwrap_or(0));
        self.check_allocation(size, 1)
    }

    /// `format(value, spec)`.
    pub fn format_value(&mut self, value: &Value, spec: &str) -> PyResult<String> {
        let to_error = |this: &Self, message: String| {
            if format::is_overflow_error(&message) {
                this.error(ExcType::OverflowError, message)
            } else {
                this.value_error(message)
            }
        };
        match value {
            Value::Bool(b) if spec.is_empty() => Ok(if b.get() { "True" } else { "False" }.into()),
            Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => {
                let type_name = self.type_name(value);
                let spec = format::FormatSpec::parse_for(spec, &type_name)
                    .map_err(|m| to_error(self, m))?;
                self.check_spec_size(&spec)?;
                let n = self.to_bigint(value).unwrap_or_default();
                if matches!(spec.ty, None | Some('d' | 'n')) && matches!(value, Value::BigInt(_)) {
                    self.int_to_decimal(&n)?;
                }
                format::format_int_as(&n, &spec, &type_name).map_err(|m| to_error(self, m))
            }
            Value::Float(f) => {
                let spec =
                    format::FormatSpec::parse_for(spec, "float").map_err(|m| to_error(self, m))?;
                self.check_spec_size(&spec)?;
                format::format_float(f.get(), &spec).map_err(|m| to_error(self, m))
            }
            Value::Str(s) => {
                let spec =
                    format::FormatSpec::parse_for(spec, "str").map_err(|m| to_error(self, m))?;
                self.check_spec_size(&spec)?;
                format::format_str(s.as_str(), &spec).map_err(|m| to_error(self, m))
            }
            _ => {
                if let Value::Instance(_) = value {
                    // `object.__format__` is the default below, with no call.
                    let method = self.lookup_special(value, "__format__");
                    if let Some(method) = method.filter(|m| !object::is_object_format(m)) {
                        let result = self.call_bound(&method, value, &[Value::str(spec)], &[])?;
                        return match result.builtin_value() {
                            Value::Str(s) => Ok(s.as_str().to_string()),
                            other => Err(self.type_error(format!(
                                "__format__ must return a str, not {}",
                                self.type_name(other)
                            ))),
                        };
                    }
                }
                self.default_format(value, spec)
            }
        }
    }

    /// `object.__format__`: `str(value)` for an empty spec, else an error.
    pub fn default_format(&mut self, value: &Value, spec: &str) -> PyResult<String> {
        if spec.is_empty() {
            self.to_str(value)
        } else {
            Err(self.type_error(format!(
                "unsupported format string passed to {}.__format__",
                self.type_name(value)
            )))
        }
    }

    pub fn to_bigint(&self, value: &Value) -> Option<BigInt> {
        match value {
            Value::Int(i) => Some(BigInt::from(*i)),
            Value::Bool(b) => Some(BigInt::from(b.get() as i64)),
            Value::BigInt(b) => Some((**b).clone()),
            _ => None,
        }
    }

    /// A machine integer from an int or an object with `__index__`; an
    /// `IndexError` past a machine word, as subscripts raise it.
    pub fn to_index(&mut self, value: &Value) -> PyResult<i64> {
        match value {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(b.get() as i64),
            _ => match self.index_value(value)? {
                Value::Int(i) => Ok(i),
                _ => Err(self.error(
                    ExcType::IndexError,
                    format!(
                        "cannot fit '{}' into an index-sized integer",
                        self.type_name(value)
                    ),
                )),
            },
        }
    }

    /// `operator.index(value)`: an int itself (a bool as an int), or what
    /// its `__index__` returns, which must be an int.
    pub fn index_value(&mut self, value: &Value) -> PyResult<Value> {
        match value {
            Value::Int(_) | Value::BigInt(_) => Ok(value.clone()),
            Value::Bool(b) => Ok(Value::Int(b.get() as i64)),
            _ => {
                let Some(method) = self.lookup_special(value, "__index__") else {
                    return Err(self.type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        self.type_name(value)
                    )));
                };
                match self.call_bound(&method, value, &[], &[])?.builtin_value() {
                    result @ (Value::Int(_) | Value::BigInt(_)) => Ok(result.clone()),
                    Value::Bool(b) => Ok(Value::Int(b.get() as i64)),
                    other => Err(self.type_error(format!(
                        "__index__ returned non-int (type {})",
                        self.type_name(other)
                    ))),
                }
            }
        }
    }

    pub fn is_instance(&self, value: &Value, class: &Rc<super::object::Class>) -> bool {
        self.class_of(value).is_subclass_of(class)
    }

    /// CPython's `set_repr`: `{1, 2}` for a `set`, `name({1, 2})` for a
    /// set of any other class (`frozenset`, a subclass), `name()` empty.
    pub fn set_repr(&mut self, set: &Value, class_name: &str) -> PyResult<String> {
        let keys = match set {
            Value::Set(set) => set.borrow().keys(),
            Value::FrozenSet(set) => set.keys(),
            _ => Vec::new(),
        };
        let named = class_name != "set" || !matches!(set, Value::Set(_));
        match (keys.is_empty(), named) {
            (true, _) => Ok(format!("{class_name}()")),
            (false, false) => self.repr_guarded(set.address(), "{...}", |this| {
                this.join_reprs("{", &keys, "}")
            }),
            (false, true) => {
                let recursion = format!("{class_name}(...)");
                self.repr_guarded(set.address(), &recursion, |this| {
                    Ok(format!(
                        "{class_name}({})",
                        this.join_reprs("{", &keys, "}")?
                    ))
                })
            }
        }
    }

    // ---- equality, ordering, hashing ----

    pub fn eq(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        if let Some(equal) = self.native_eq(a, b)? {
            return Ok(equal);
        }
        let result = self.rich_compare(CmpOp::Eq, a, b)?;
        self.truthy(&result)
    }

    /// Equality of builtin values, or `None` when a dunder method decides.
    fn native_eq(&mut self, a: &Value, b: &Value) -> PyResult<Option<bool>> {
        if let Some(equal) = arith::numeric_eq(a, b) {
            return Ok(Some(equal));
        }
        Ok(Some(match (a, b) {
            (Value::Str(x), Value::Str(y)) => x.as_str() == y.as_str(),
            (Value::Bytes(x), Value::Bytes(y)) => x == y,
            (Value::Bytes(_) | Value::ByteArray(_), Value::Bytes(_) | Value::ByteArray(_)) => {
                bytes::compare(a, b) == Some(std::cmp::Ordering::Equal)
            }
            (Value::List(x), Value::List(y)) => {
                if Rc::ptr_eq(x, y) {
                    return Ok(Some(true));
                }
                // Lists of different lengths differ: no copy to find that out.
                if x.borrow().len() != y.borrow().len() {
                    return Ok(Some(false));
                }
                let (x, y) = (x.borrow().clone(), y.borrow().clone());
                self.nested_in(IN_COMPARISON, |this| this.sequences_equal(&x, &y))?
            }
            (Value::Tuple(x), Value::Tuple(y)) => {
                let (x, y) = (x.clone(), y.clone());
                self.nested_in(IN_COMPARISON, |this| this.sequences_equal(&x, &y))?
            }
            // An `OrderedDict` or a `Counter` compares as its class says.
            (Value::Dict(x), Value::Dict(y))
                if flavor_method(x, "__eq__").is_some() || flavor_method(y, "__eq__").is_some() =>
            {
                return Ok(None)
            }
            (Value::Dict(x), Value::Dict(y)) => self.dicts_equal(x, y)?,
            (Value::Set(_) | Value::FrozenSet(_), Value::Set(_) | Value::FrozenSet(_)) => self
                .nested_in(IN_COMPARISON, |this| {
                    mappings::set_compare(this, CmpOp::Eq, a, b).unwrap_or(Ok(false))
                })?,
            (Value::Slice(x), Value::Slice(y)) => {
                let (x, y) = (x.clone(), y.clone());
                self.sequences_equal(&x[..], &y[..])?
            }
            (Value::Range(x), Value::Range(y)) => x.same_values(y),
            // Methods bound to the same object (`is`) and equal functions.
            (Value::BoundMethod(x), Value::BoundMethod(y)) => {
                x.receiver.is(&y.receiver) && self.eq(&x.function, &y.function)?
            }
            (Value::Builtin(x), Value::Builtin(y)) => match (&x.receiver, &y.receiver) {
                (Some(p), Some(q)) => std::ptr::fn_addr_eq(x.func, y.func) && p.is(q),
                _ => a.is(b),
            },
            (Value::Instance(_), _) | (_, Value::Instance(_)) => return Ok(None),
            (Value::Future(_) | Value::Native(_), _) | (_, Value::Future(_) | Value::Native(_)) => {
                return Ok(None)
            }
            _ if has_metaclass(a) || has_metaclass(b) => return Ok(None),
            _ => a.is(b),
        }))
    }

    /// Item by item, then the lengths — as CPython compares tuples (lists
    /// compare their lengths first; see `native_eq`).
    fn sequences_equal(&mut self, x: &[Value], y: &[Value]) -> PyResult<bool> {
        for (p, q) in x.iter().zip(y) {
            if !p.is(q) && !self.eq(p, q)? {
                return Ok(false);
            }
        }
        Ok(x.len() == y.len())
    }

    /// `a < b`, for sorting and `min`/`max`.
    pub fn lt(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        let result = self.rich_compare(CmpOp::Lt, a, b)?;
        self.truthy(&result)
    }

    /// `==`, `!=`, `<`, `<=`, `>`, `>=` with dunder dispatch and reflection.
    pub fn rich_compare(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
        if let Some(ordering) = arith::numeric_cmp(a, b) {
            use std::cmp::Ordering::*;
            return Ok(Value::from(match (op, ordering) {
                (CmpOp::Eq, o) => o == Some(Equal),
                (CmpOp::NotEq, o) => o != Some(Equal),
                (_, None) => false,
                (CmpOp::Lt, Some(o)) => o == Less,
                (CmpOp::LtE, Some(o)) => o != Greater,
                (CmpOp::Gt, Some(o)) => o == Greater,
                (CmpOp::GtE, Some(o)) => o != Less,
                _ => false,
            }));
        }
        let user_defined = matches!(a, Value::Instance(_) | Value::Future(_) | Value::Native(_))
            || matches!(b, Value::Instance(_) | Value::Future(_) | Value::Native(_))
            || has_metaclass(a)
            || has_metaclass(b);
        if !user_defined {
            if let Some(result) = self.builtin_compare(op, a, b)? {
                return Ok(result);
            }
        } else {
            let (forward, reflected) = comparison_names(op);
            // A subclass's reflected method goes first, as in CPython.
            let b_first = !Rc::ptr_eq(&self.class_of(a), &self.class_of(b))
                && self.class_of(b).is_subclass_of(&self.class_of(a));
            let attempts = if b_first {
                [(b, reflected, a), (a, forward, b)]
            } else {
                [(a, forward, b), (b, reflected, a)]
            };
            for (receiver, name, other) in attempts {
                // `object`'s methods answer by identity, as the end of this
                // does, but for `__ne__`, which asks the receiver's `__eq__`.
                let method = self.lookup_special(receiver, name);
                if let Some(method) =
                    method.filter(|m| op == CmpOp::NotEq || !object::is_object_comparison(m))
                {
                    let result =
                        self.call_bound(&method, receiver, std::slice::from_ref(other), &[])?;
                    if !matches!(result, Value::NotImplemented) {
                        return Ok(result);
                    }
                }
            }
        }
        match op {
            CmpOp::Eq => Ok(Value::from(a.is(b))),
            CmpOp::NotEq => Ok(Value::from(!a.is(b))),
            _ => Err(self.type_error(format!(
                "'{}' not supported between instances of '{}' and '{}'",
                op.symbol(),
                self.type_name(a),
                self.type_name(b)
            ))),
        }
    }

    /// Two dicts' contents, equal whatever their order.
    pub fn dicts_equal(&mut self, x: &Rc<RefCell<Dict>>, y: &Rc<RefCell<Dict>>) -> PyResult<bool> {
        let (x_items, y_len) = (x.borrow().items(), y.borrow().len());
        if x_items.len() != y_len {
            return Ok(false);
        }
        let y = y.clone();
        self.nested_in(IN_COMPARISON, |this| {
            for (key, value) in x_items {
                match this.dict_get(&y, &key)? {
                    Some(other) if value.is(&other) || this.eq(&value, &other)? => {}
                    _ => return Ok(false),
                }
            }
            Ok(true)
        })
    }

    /// A comparison that a dict of `collections` makes itself (its
    /// class's own method, forward then reflected), or `None`.
    fn flavored_compare(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Option<Value>> {
        let (forward, reflected) = comparison_names(op);
        for (receiver, name, other) in [(a, forward, b), (b, reflected, a)] {
            let Value::Dict(dict) = receiver else {
                continue;
            };
            if let Some(method) = flavor_method(dict, name) {
                let result =
                    self.call_bound(&method, receiver, std::slice::from_ref(other), &[])?;
                if !matches!(result, Value::NotImplemented) {
                    return Ok(Some(result));
                }
            }
        }
        Ok(None)
    }

    /// Comparisons among builtin values; `None` when unsupported.
    fn builtin_compare(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Option<Value>> {
        if let (Value::Dict(x), Value::Dict(y)) = (a, b) {
            if let Some(result) = self.flavored_compare(op, a, b)? {
                return Ok(Some(result));
            }
            if matches!(op, CmpOp::Eq | CmpOp::NotEq) {
                let equal = self.dicts_equal(x, y)?;
                return Ok(Some(Value::from(equal == (op == CmpOp::Eq))));
            }
        }
        if matches!(op, CmpOp::Eq | CmpOp::NotEq) {
            let equal = self.native_eq(a, b)?.unwrap_or_else(|| a.is(b));
            return Ok(Some(Value::from(equal == (op == CmpOp::Eq))));
        }
        let ordering = match (a, b) {
            (Value::Str(x), Value::Str(y)) => x.as_str().cmp(y.as_str()),
            (Value::Bytes(_) | Value::ByteArray(_), _)
                if let Some(ordering) = bytes::compare(a, b) =>
            {
                ordering
            }
            (Value::List(_), Value::List(_)) | (Value::Tuple(_), Value::Tuple(_)) => {
                return self
                    .nested_in(IN_COMPARISON, |this| this.compare_sequences(op, a, b))
                    .map(Some);
            }
            (Value::Set(_) | Value::FrozenSet(_), Value::Set(_) | Value::FrozenSet(_)) => {
                let result = mappings::set_compare(self, op, a, b).transpose()?;
                return Ok(result.map(Value::from));
            }
            _ => return Ok(None),
        };
        Ok(Some(Value::from(ordering_satisfies(op, ordering))))
    }

    /// Lexicographic order of two lists or two tuples, as CPython's
    /// `list_richcompare`: find the first index whose items differ by `==`;
    /// those items, compared with `op`, decide — or the lengths do if one
    /// sequence ran out. Walks by index without copying the sequences and
    /// re-reads each item and length, since an item's `__eq__` may change
    /// a list under us.
    fn compare_sequences(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
        let mut i = 0;
        while let (Some(p), Some(q)) = (sequence_item(a, i), sequence_item(b, i)) {
            if !p.is(&q) && !self.eq(&p, &q)? {
                break;
            }
            i += 1;
        }
        match (sequence_item(a, i), sequence_item(b, i)) {
            (Some(p), Some(q)) => self.rich_compare(op, &p, &q),
            _ => {
                let lengths = sequence_len(a).cmp(&sequence_len(b));
                Ok(Value::from(ordering_satisfies(op, lengths)))
            }
        }
    }

    /// `hash(value)`. An int's, the common key, is computed in place;
    /// every other value's out of line.
    #[inline(always)]
    pub fn hash(&mut self, value: &Value) -> PyResult<i64> {
        if let Value::Int(i) = value {
            return Ok(arith::hash_int(*i));
        }
        self.hash_other(value)
    }

    #[inline(never)]
    fn hash_other(&mut self, value: &Value) -> PyResult<i64> {
        if let Some(hash) = arith::hash_number(value) {
            return Ok(hash);
        }
        match value {
            Value::Str(s) => Ok(str_hash(s.as_str())),
            Value::Bytes(b) => Ok(bytes_hash(b)),
            Value::None => Ok(0x10000),
            Value::Tuple(items) => self.with_stack("", |this| {
                // CPython's xxHash-based tuple hash.
                let mut acc: u64 = 0x27D4EB2F165667C5;
                for item in items.iter() {
                    let lane = this.hash(item)? as u64;
                    acc = acc.wrapping_add(lane.wrapping_mul(0xC2B2AE3D27D4EB4F));
                    acc = acc.rotate_left(31);
                    acc = acc.wrapping_mul(0x9E3779B185EBCA87);
                }
                acc = acc.wrapping_add((items.len() as u64) ^ (0x27D4EB2F165667C5 ^ 3527539));
                let hash = acc as i64;
                Ok(if hash == -1 { 1546275796 } else { hash })
            }),
            Value::FrozenSet(set) => Ok(frozenset_hash(
                set.iter().map(|entry| entry.hash),
                set.len(),
            )),
            // CPython's `meth_hash`: the receiver's identity and the function's hash.
            Value::BoundMethod(method) => {
                let hash = method.receiver.identity_hash() ^ self.hash(&method.function)?;
                Ok(if hash == -1 { -2 } else { hash })
            }
            Value::Builtin(builtin) if builtin.receiver.is_some() => {
                let receiver = builtin.receiver.as_ref().map_or(0, Value::identity_hash);
                let hash = receiver ^ ((builtin.func as usize) >> 4) as i64;
                Ok(if hash == -1 { -2 } else { hash })
            }
            Value::Range(r) => {
                // CPython's range_hash: equal ranges hash alike.
                let len = r.len();
                let len_value = Value::from_bigint(BigInt::from(len));
                let (start, step) = match len {
                    0 => (Value::None, Value::None),
                    1 => (Value::from_i128(r.start), Value::None),
                    _ => (Value::from_i128(r.start), Value::from_i128(r.step)),
                };
                self.hash(&Value::tuple(vec![len_value, start, step]))
            }
            // Slices too, in 3.11 (3.12 hashes them).
            Value::List(_)
            | Value::ByteArray(_)
            | Value::Dict(_)
            | Value::Set(_)
            | Value::Slice(_) => Err(self.unhashable(value)),
            // `object.__hash__` hashes by identity; a class that defines
            // `__eq__` without `__hash__` was given `__hash__ = None`.
            Value::Type(class) if class.metaclass.is_none() => Ok(value.identity_hash()),
            Value::Instance(_) | Value::Future(_) | Value::Native(_) | Value::Type(_) => {
                match self.class_of(value).lookup("__hash__") {
                    Some(Value::None) => Err(self.unhashable(value)),
                    Some(method) if !object::is_object_hash(&method) => {
                        let result = self.call_bound(&method, value, &[], &[])?;
                        match result.builtin_value() {
                            Value::Int(i) => Ok(if *i == -1 { -2 } else { *i }),
                            number @ (Value::BigInt(_) | Value::Bool(_)) => {
                                Ok(arith::hash_number(number).unwrap_or(0))
                            }
                            _ => Err(self.type_error("__hash__ method should return an integer")),
                        }
                    }
                    _ => Ok(value.identity_hash()),
                }
            }
            _ => Ok(value.identity_hash()),
        }
    }

    fn unhashable(&self, value: &Value) -> PyErr {
        let name = self.type_name(value);
        self.type_error(format!("unhashable type: '{name}'"))
    }

    // ---- operators ----

    pub fn binary_op(&mut self, op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
        if let Some(result) = arith::binary(self, op, a, b) {
            return result;
        }
        match self.binary_methods(op, a, b)? {
            Some(result) => Ok(result),
            None => Err(self.binary_type_error(op, a, b, false)),
        }
    }

    /// `a op b` of what is not two numbers: the builtin containers'
    /// operators, then the operands' methods. `None` when neither applies.
    fn binary_methods(&mut self, op: BinOp, a: &Value, b: &Value) -> PyResult<Option<Value>> {
        if let Some(result) = self.builtin_binary(op, a, b)? {
            return Ok(Some(result));
        }
        let (forward, reflected) = dunder_names(op);
        // A subclass's reflected method goes first if it overrides it.
        let (a_class, b_class) = (self.class_of(a), self.class_of(b));
        let b_first = (matches!(b, Value::Instance(_)) || is_flavored(b))
            && !Rc::ptr_eq(&a_class, &b_class)
            && b_class.is_subclass_of(&a_class)
            && match (b_class.lookup(reflected), a_class.lookup(reflected)) {
                (Some(mine), Some(inherited)) => !mine.is(&inherited),
                (mine, _) => mine.is_some(),
            };
        let attempts = if b_first {
            [(b, reflected, a), (a, forward, b)]
        } else {
            [(a, forward, b), (b, reflected, a)]
        };
        for (i, (receiver, name, other)) in attempts.into_iter().enumerate() {
            if i == 1 && Rc::ptr_eq(&self.class_of(a), &self.class_of(b)) {
                break;
            }
            if has_methods_of_its_own(receiver) {
                if let Some(method) = self.lookup_special(receiver, name) {
                    let result =
                        self.call_bound(&method, receiver, std::slice::from_ref(other), &[])?;
                    if !matches!(result, Value::NotImplemented) {
                        return Ok(Some(result));
                    }
                }
            } else if !other.builtin_value().is(other) {
                // A builtin value's operator takes an instance of a subclass
                // of a builtin type for that type's value (`1.5 * I(2)`,
                // `[0] + L([1])`), in its turn, as CPython's do.
                let (x, y) = (a.builtin_value(), b.builtin_value());
                if let Some(result) = arith::binary(self, op, x, y) {
                    return result.map(Some);
                }
                if let Some(result) = self.builtin_binary(op, x, y)? {
                    return Ok(Some(result));
                }
            }
        }
        if op == BinOp::BitOr {
            // `dict.__or__`, once a `Counter`'s own said NotImplemented.
            if let (Value::Dict(x), Value::Dict(y)) = (a, b) {
                return self.merge_dicts(x, y).map(Some);
            }
            if let Some(union) = super::union::union(self, a, b)? {
                return Ok(Some(union));
            }
        }
        // A sequence repeated by an object with `__index__` (CPython's
        // `sq_repeat` after the number methods).
        if op == BinOp::Mul {
            let (sequence, count) = if is_sequence(a) { (a, b) } else { (b, a) };
            if is_sequence(sequence)
                && matches!(count, Value::Instance(_))
                && self.lookup_special(count, "__index__").is_some()
            {
                let count = Value::Int(self.to_index(count)?);
                return self.builtin_binary(op, sequence, &count);
            }
        }
        Ok(None)
    }

    /// CPython's wording for an operator that applies to neither operand
    /// (written `op=` for an augmented assignment).
    fn binary_type_error(&self, op: BinOp, a: &Value, b: &Value, augmented: bool) -> PyErr {
        // Bytes concatenate with what has the buffer protocol, and say so.
        if let (BinOp::Add, Value::Bytes(_) | Value::ByteArray(_)) = (op, a) {
            return self.type_error(format!(
                "can't concat {} to {}",
                self.type_name(b),
                self.type_name(a)
            ));
        }
        let sequence = is_sequence(a);
        if op == BinOp::Add && sequence {
            return self.type_error(format!(
                "can only concatenate {} (not \"{}\") to {}",
                self.type_name(a),
                self.type_name(b),
                self.type_name(a)
            ));
        }
        if op == BinOp::Mul && (sequence || is_sequence(b)) {
            let other = if sequence { b } else { a };
            return self.type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                self.type_name(other)
            ));
        }
        let symbol = match op {
            _ if augmented => format!("{}=", op.symbol()),
            BinOp::Pow => "** or pow()".to_string(),
            _ => op.symbol().to_string(),
        };
        self.type_error(format!(
            "unsupported operand type(s) for {symbol}: '{}' and '{}'",
            self.type_name(a),
            self.type_name(b)
        ))
    }

    /// `a op= b`: the in-place method if the class has one, else `a op b`.
    pub fn inplace_op(&mut self, op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
        match (op, a) {
            (BinOp::Add, Value::List(list)) => {
                let items = self.collect(b)?;
                list.borrow_mut().extend(items);
                return Ok(a.clone());
            }
            // In place, from a mapping or pairs (`dict.__ior__`).
            (BinOp::BitOr, Value::Dict(dict)) if flavor_method(dict, "__ior__").is_none() => {
                mappings::update_from(self, dict, Some(b), &[])?;
                return Ok(a.clone());
            }
            (BinOp::Add | BinOp::Mul, Value::ByteArray(data)) => {
                if let Some(result) = super::builtins::bytearray::in_place(self, op, data, b) {
                    result?;
                    return Ok(a.clone());
                }
            }
            (BinOp::Mul, Value::List(list)) => {
                let count = self.repeat_count(b)?;
                let repeated = self.repeat(&list.borrow(), count)?;
                // The old items go last to first, as CPython's `list *= 0`
                // clears.
                *list.borrow_mut() = repeated.into();
                return Ok(a.clone());
            }
            _ => {}
        }
        if let Value::Instance(_) | Value::Future(_) | Value::Native(_) = a {
            let name = format!("__i{}", &dunder_names(op).0[2..]);
            if let Some(method) = self.lookup_special(a, &name) {
                let result = self.call_bound(&method, a, std::slice::from_ref(b), &[])?;
                if !matches!(result, Value::NotImplemented) {
                    return Ok(result);
                }
            }
        }
        if let Some(result) = mappings::set_inplace_op(self, op, a, b) {
            return result;
        }
        if let Some(result) = arith::binary(self, op, a, b) {
            return result;
        }
        match self.binary_methods(op, a, b)? {
            Some(result) => Ok(result),
            None => Err(self.binary_type_error(op, a, b, true)),
        }
    }

    /// Operators on builtin containers: concatenation, repetition, `%`
    /// formatting, set algebra, dict merge. A str, bytes or tuple that is
    /// the whole result is returned itself, as CPython does (`s + ''`,
    /// `t * 1`), which `is` can see.
    fn builtin_binary(&mut self, op: BinOp, a: &Value, b: &Value) -> PyResult<Option<Value>> {
        Ok(Some(match (op, a, b) {
            (BinOp::Add, Value::Str(x), Value::Str(y)) if x.as_str().is_empty() => b.clone(),
            (BinOp::Add, Value::Str(_), Value::Str(y)) if y.as_str().is_empty() => a.clone(),
            (BinOp::Add, Value::Bytes(x), Value::Bytes(_)) if x.is_empty() => b.clone(),
            (BinOp::Add, Value::Bytes(_), Value::Bytes(y)) if y.is_empty() => a.clone(),
            (BinOp::Add, Value::Tuple(x), Value::Tuple(_)) if x.is_empty() => b.clone(),
            (BinOp::Add, Value::Tuple(_), Value::Tuple(y)) if y.is_empty() => a.clone(),
            (BinOp::Add, Value::Str(x), Value::Str(y)) => {
                let mut text = String::new();
                self.reserve_text(&mut text, x.as_str().len() + y.as_str().len())?;
                text.push_str(x.as_str());
                text.push_str(y.as_str());
                Value::str(text)
            }
            (
                BinOp::Add,
                Value::Bytes(_) | Value::ByteArray(_),
                Value::Bytes(_) | Value::ByteArray(_),
            ) => bytes::concat(self, a, b)?,
            (BinOp::Mul, sequence @ (Value::Bytes(_) | Value::ByteArray(_)), n)
            | (BinOp::Mul, n, sequence @ (Value::Bytes(_) | Value::ByteArray(_)))
                if is_int(n) =>
            {
                let count = self.repeat_count(n)?;
                if count == 1 && matches!(sequence, Value::Bytes(_)) {
                    return Ok(Some(sequence.clone()));
                }
                bytes::repeat(self, sequence, count)?
            }
            (BinOp::Mod, Value::Bytes(_) | Value::ByteArray(_), args) => {
                let format = a.bytes_like().unwrap_or_default();
                bytes::made_like(a, percent::percent_format_bytes(self, &format, args)?)
            }
            (BinOp::Add, Value::List(x), Value::List(y)) => {
                let length = x.borrow().len() + y.borrow().len();
                self.check_allocation(length, size_of::<Value>())?;
                let mut items = x.borrow().clone();
                items.extend(y.borrow().iter().cloned());
                Value::list(items)
            }
            (BinOp::Add, Value::Tuple(x), Value::Tuple(y)) => {
                self.check_allocation(x.len() + y.len(), size_of::<Value>())?;
                Value::tuple(x.iter().chain(y.iter()).cloned().collect())
            }
            (BinOp::Mul, Value::Str(s), n) | (BinOp::Mul, n, Value::Str(s)) if is_int(n) => {
                let count = self.repeat_count(n)?;
                if count == 1 {
                    return Ok(Some(Value::Str(s.clone())));
                }
                let Some(bytes) = s
                    .as_str()
                    .len()
                    .checked_mul(count)
                    .filter(|&n| n <= isize::MAX as usize / 2)
                else {
                    return Err(self.error(ExcType::OverflowError, "repeated string is too long"));
                };
                let mut text = String::new();
                self.reserve_text(&mut text, bytes)?;
                for _ in 0..count {
                    text.push_str(s.as_str());
                }
                Value::str(text)
            }
            (BinOp::Mul, Value::List(l), n) | (BinOp::Mul, n, Value::List(l)) if is_int(n) => {
                let count = self.repeat_count(n)?;
                let items = l.borrow().clone();
                Value::list(self.repeat(&items, count)?)
            }
            (BinOp::Mul, Value::Tuple(t), n) | (BinOp::Mul, n, Value::Tuple(t)) if is_int(n) => {
                let count = self.repeat_count(n)?;
                if count == 1 || t.is_empty() {
                    return Ok(Some(Value::Tuple(t.clone())));
                }
                Value::tuple(self.repeat(t, count)?)
            }
            (BinOp::Mod, Value::Str(format), args) => {
                Value::str(percent::percent_format(self, format.as_str(), args)?)
            }
            // A dict of `collections` merges as its class says.
            (BinOp::BitOr, Value::Dict(x), Value::Dict(y))
                if x.borrow().flavor.is_none() && flavor_method(y, "__ror__").is_none() =>
            {
                self.merge_dicts(x, y)?
            }
            (_, Value::Set(_) | Value::FrozenSet(_), Value::Set(_) | Value::FrozenSet(_)) => {
                match mappings::set_binary_op(self, op, a, b) {
                    Some(result) => result?,
                    None => return Ok(None),
                }
            }
            _ => return Ok(None),
        }))
    }

    /// `x | y` of two dicts: a plain dict, `y`'s values winning.
    fn merge_dicts(&mut self, x: &RefCell<Dict>, y: &RefCell<Dict>) -> PyResult<Value> {
        let mut copy = x.borrow().clone();
        copy.flavor = None;
        let merged = RefCell::new(copy);
        for (key, value) in y.borrow().items() {
            self.dict_set(&merged, key, value)?;
        }
        Ok(Value::dict(merged))
    }

    /// `items * count` for a list or tuple.
    fn repeat(&self, items: &[Value], count: usize) -> PyResult<Vec<Value>> {
        let mut result = Vec::new();
        self.reserve(&mut result, items.len().saturating_mul(count))?;
        for _ in 0..count {
            result.extend_from_slice(items);
        }
        Ok(result)
    }

    /// How many times `sequence * n` repeats: none for a negative `n`, an
    /// `OverflowError` past a machine word, either way.
    pub fn repeat_count(&mut self, n: &Value) -> PyResult<usize> {
        match n {
            Value::BigInt(_) => Err(self.error(
                ExcType::OverflowError,
                "cannot fit 'int' into an index-sized integer",
            )),
            _ => Ok(self.to_index(n)?.max(0) as usize),
        }
    }

    pub fn unary_op(&mut self, op: UnaryOp, value: &Value) -> PyResult<Value> {
        let numeric = match op {
            UnaryOp::Neg => arith::negate(self, value),
            UnaryOp::Pos => arith::positive(self, value),
            UnaryOp::Invert => arith::invert(self, value),
            UnaryOp::Not => return Ok(Value::from(!self.truthy(value)?)),
        };
        if let Some(result) = numeric {
            return result;
        }
        let (name, symbol) = match op {
            UnaryOp::Neg => ("__neg__", "-"),
            UnaryOp::Pos => ("__pos__", "+"),
            _ => ("__invert__", "~"),
        };
        if has_methods_of_its_own(value) {
            if let Some(method) = self.lookup_special(value, name) {
                return self.call_bound(&method, value, &[], &[]);
            }
        }
        Err(self.type_error(format!(
            "bad operand type for unary {symbol}: '{}'",
            self.type_name(value)
        )))
    }

    // ---- containers ----

    /// What a `__len__` method answers, checked as CPython's
    /// `slot_sq_length` checks it, for `len()` and truth tests alike.
    fn call_len(&mut self, method: &Value, value: &Value) -> PyResult<usize> {
        let result = self.call_bound(method, value, &[], &[])?;
        // The sign is checked before the size, as CPython's does.
        let n = match &result {
            Value::BigInt(big) if big.sign() == num_bigint::Sign::Minus => -1,
            Value::BigInt(_) => {
                return Err(self.error(
                    ExcType::OverflowError,
                    "cannot fit 'int' into an index-sized integer",
                ))
            }
            other => self.to_index(other)?,
        };
        if n < 0 {
            return Err(self.value_error("__len__() should return >= 0"));
        }
        Ok(n as usize)
    }

    pub fn len(&mut self, value: &Value) -> PyResult<usize> {
        Ok(match value {
            Value::Str(s) => s.char_count(),
            Value::Bytes(b) => b.len(),
            Value::ByteArray(b) => b.borrow().len(),
            Value::List(l) => l.borrow().len(),
            Value::Tuple(t) => t.len(),
            Value::Dict(d) | Value::Set(d) => d.borrow().len(),
            Value::FrozenSet(d) => d.len(),
            Value::Range(r) => match usize::try_from(r.len()) {
                Ok(n) if n <= isize::MAX as usize => n,
                _ => {
                    return Err(self.error(
                        ExcType::OverflowError,
                        "Python int too large to convert to C ssize_t",
                    ))
                }
            },
            _ => {
                if let Some(length) = native_length(value) {
                    return Ok(length);
                }
                if let Some(method) = self.lookup_special(value, "__len__") {
                    return self.call_len(&method, value);
                }
                return Err(self.type_error(format!(
                    "object of type '{}' has no len()",
                    self.type_name(value)
                )));
            }
        })
    }

    pub fn contains(&mut self, container: &Value, item: &Value) -> PyResult<bool> {
        match container {
            Value::Str(s) => strings::str_contains(self, s, item),
            Value::Bytes(_) | Value::ByteArray(_) => bytes::bytes_contains(self, container, item),
            Value::Dict(d) => self.dict_contains(d, item),
            Value::Set(d) => self.dict_contains(d, &super::dict::set_key(item)),
            Value::FrozenSet(d) => self.frozen_contains(d, &super::dict::set_key(item)),
            Value::Range(r) => match item {
                Value::Int(i) => Ok(r.contains(i128::from(*i))),
                Value::Bool(b) => Ok(r.contains(i128::from(b.get()))),
                // Every value of a range fits in an i128.
                Value::BigInt(big) => {
                    Ok(num_traits::ToPrimitive::to_i128(&**big).is_some_and(|n| r.contains(n)))
                }
                _ => {
                    // Other types compare value by value, as CPython's
                    // sequence search does, without materialising the range.
                    let (r, len) = (**r, r.len());
                    let mut i = 0;
                    while i < len {
                        let candidate = Value::from_i128(r.get(i));
                        if candidate.is(item) || self.eq(&candidate, item)? {
                            return Ok(true);
                        }
                        i += 1;
                    }
                    Ok(false)
                }
            },
            Value::List(l) => {
                let items = l.borrow().clone();
                self.sequence_contains(&items, item)
            }
            Value::Tuple(t) => {
                let items = t.clone();
                self.sequence_contains(&items, item)
            }
            _ => {
                let method = self.lookup_special(container, "__contains__");
                if let Some(Value::None) = method {
                    return Err(self.type_error(format!(
                        "'{}' object is not a container",
                        self.type_name(container)
                    )));
                }
                if let Some(method) = method {
                    let result =
                        self.call_bound(&method, container, std::slice::from_ref(item), &[])?;
                    return self.truthy(&result);
                }
                if matches!(
                    container,
                    Value::Instance(_) | Value::Future(_) | Value::Native(_) | Value::Generator(_)
                ) || has_metaclass(container)
                {
                    let iterator = self.get_iter(container).map_err(|_| {
                        self.type_error(format!(
                            "argument of type '{}' is not iterable",
                            self.type_name(container)
                        ))
                    })?;
                    while let Some(candidate) = self.next(&iterator)? {
                        if candidate.is(item) || self.eq(&candidate, item)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                Err(self.type_error(format!(
                    "argument of type '{}' is not iterable",
                    self.type_name(container)
                )))
            }
        }
    }

    fn sequence_contains(&mut self, items: &[Value], item: &Value) -> PyResult<bool> {
        for candidate in items {
            if candidate.is(item) || self.eq(candidate, item)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub fn get_item(&mut self, container: &Value, key: &Value) -> PyResult<Value> {
        match container {
            Value::Str(s) => strings::str_get_item(self, s, key),
            Value::Bytes(data) => bytes::bytes_get_item(self, data, key),
            Value::ByteArray(data) => bytes::bytearray_get_item(self, data, key),
            Value::List(_) | Value::Tuple(_) | Value::Range(_) => {
                // An int index in range, the common case, without the
                // general path's checks.
                if let Value::Int(i) = key {
                    if let Some(item) = sequences::item_at(container, *i) {
                        return Ok(item);
                    }
                }
                sequences::sequence_get_item(self, container, key)
            }
            Value::Dict(d) => match self.dict_get(d, key)? {
                Some(value) => Ok(value),
                // `defaultdict`'s and `Counter`'s.
                None => match flavor_method(d, "__missing__") {
                    Some(missing) => {
                        self.call_bound(&missing, container, std::slice::from_ref(key), &[])
                    }
                    None => Err(self.key_error(key.clone())),
                },
            },
            // The metaclass's `__getitem__` comes first, as CPython's
            // `PyObject_GetItem` tries the type's mapping slot first.
            Value::Type(class)
                if let Some(method) = self.metaclass_method(class, "__getitem__") =>
            {
                self.call_bound(&method, container, std::slice::from_ref(key), &[])
            }
            Value::Type(class) => match class.lookup("__class_getitem__") {
                Some(hook) => {
                    let hook = self.bind_class_attribute(hook, container)?;
                    self.call(&hook, std::slice::from_ref(key), &[])
                }
                None => Err(self.type_error(format!("type '{}' is not subscriptable", class.name))),
            },
            _ => {
                if let Some(method) = self.lookup_special(container, "__getitem__") {
                    return self.call_bound(&method, container, std::slice::from_ref(key), &[]);
                }
                Err(self.type_error(format!(
                    "'{}' object is not subscriptable",
                    self.type_name(container)
                )))
            }
        }
    }

    pub fn set_item(&mut self, container: &Value, key: Value, value: Value) -> PyResult<()> {
        match container {
            Value::List(list) => sequences::list_set_item(self, list, &key, value),
            Value::Dict(d) => self.dict_set(d, key, value),
            Value::ByteArray(data) => {
                super::builtins::bytearray::set_item(self, data, &key, Some(&value))
            }
            _ => {
                if let Some(method) = self.lookup_special(container, "__setitem__") {
                    self.call_bound(&method, container, &[key, value], &[])?;
                    return Ok(());
                }
                Err(self.type_error(format!(
                    "'{}' object does not support item assignment",
                    self.type_name(container)
                )))
            }
        }
    }

    pub fn del_item(&mut self, container: &Value, key: &Value) -> PyResult<()> {
        match container {
            Value::List(list) => sequences::list_del_item(self, list, key),
            Value::ByteArray(data) => super::builtins::bytearray::set_item(self, data, key, None),
            // `Counter`'s forgives a missing key.
            Value::Dict(d) if let Some(delete) = flavor_method(d, "__delitem__") => {
                self.call_bound(&delete, container, std::slice::from_ref(key), &[])?;
                Ok(())
            }
            Value::Dict(d) => match self.dict_remove(d, key)? {
                Some(_) => Ok(()),
                None => Err(self.key_error(key.clone())),
            },
            _ => {
                if let Some(method) = self.lookup_special(container, "__delitem__") {
                    self.call_bound(&method, container, std::slice::from_ref(key), &[])?;
                    return Ok(());
                }
                // CPython words it one way when the type has sequence
                // methods and the key is an index (`PySequence_DelItem`),
                // the other way otherwise (`PyObject_DelItem`).
                let sequence_like = matches!(
                    container,
                    Value::Str(_)
                        | Value::Tuple(_)
                        | Value::Bytes(_)
                        | Value::Set(_)
                        | Value::FrozenSet(_)
                        | Value::Range(_)
                        | Value::Instance(_)
                );
                let index = matches!(key, Value::Int(_) | Value::BigInt(_) | Value::Bool(_));
                let does_not = if sequence_like && index {
                    "doesn't"
                } else {
                    "does not"
                };
                Err(self.type_error(format!(
                    "'{}' object {does_not} support item deletion",
                    self.type_name(container)
                )))
            }
        }
    }

    // ---- iteration ----

    pub fn get_iter(&mut self, value: &Value) -> PyResult<Value> {
        match self.iter_if_iterable(value)? {
            Some(iterator) => Ok(iterator),
            None => Err(self.not_iterable(value)),
        }
    }

    /// `iter(value)`, or `None` when the value is not iterable at all (an
    /// error its iteration raises is an error).
    pub fn iter_if_iterable(&mut self, value: &Value) -> PyResult<Option<Value>> {
        if let Some(iterator) = super::iterators::builtin_iter(self, value) {
            return iterator.map(Some);
        }
        match value {
            Value::Generator(g) if g.kind == super::generator::GeneratorKind::Generator => {
                Ok(Some(value.clone()))
            }
            Value::Future(_) | Value::Native(_) => match self.class_of(value).lookup("__iter__") {
                // `__iter__ = None`: a mapping with `__getitem__` (`re.Match`).
                Some(Value::None) => Ok(None),
                Some(method) => self.call_bound(&method, value, &[], &[]).map(Some),
                None => Ok(Some(value.clone())),
            },
            Value::Type(class) if class.metaclass.is_none() => Ok(None),
            Value::Instance(_) | Value::Type(_) => {
                let method = self.lookup_special(value, "__iter__");
                // `__iter__ = None` says the class is not iterable.
                if let Some(Value::None) = method {
                    return Ok(None);
                }
                if let Some(method) = method {
                    let iterator = self.call_bound(&method, value, &[], &[])?;
                    if self.lookup_special(&iterator, "__next__").is_none()
                        && !matches!(
                            iterator,
                            Value::Generator(_) | Value::Future(_) | Value::Native(_)
                        )
                    {
                        return Err(self.type_error(format!(
                            "iter() returned non-iterator of type '{}'",
                            self.type_name(&iterator)
                        )));
                    }
                    return Ok(Some(iterator));
                }
                if self.lookup_special(value, "__getitem__").is_some() {
                    return Ok(Some(super::iterators::sequence_iter(value.clone())));
                }
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    /// How CPython's call errors name a callable (`_PyObject_FunctionStr`):
    /// `__main__.f()`, `__main__.C.m()`, `list.append()`, `print()`, or
    /// `str()` of what has no `__qualname__`.
    pub fn function_str(&mut self, callable: &Value) -> PyResult<String> {
        if let Value::Builtin(builtin) = callable {
            return Ok(self.native_function_str(builtin.receiver.as_ref(), builtin.name));
        }
        let qualname = match self.get_attr_opt(callable, "__qualname__")? {
            Some(Value::Str(qualname)) => qualname,
            _ => return self.to_str(callable),
        };
        Ok(match self.get_attr_opt(callable, "__module__")? {
            Some(Value::Str(module)) if module.as_str() != "builtins" => {
                format!("{}.{}()", module.as_str(), qualname.as_str())
            }
            _ => format!("{}()", qualname.as_str()),
        })
    }

    /// [`Interp::function_str`] of a builtin function or method.
    pub fn native_function_str(&self, receiver: Option<&Value>, name: &str) -> String {
        match receiver {
            Some(receiver) => format!("{}.{name}()", self.type_name(receiver)),
            None => format!("{name}()"),
        }
    }

    pub fn not_iterable(&self, value: &Value) -> PyErr {
        self.type_error(format!(
            "'{}' object is not iterable",
            self.type_name(value)
        ))
    }

    /// The next item, or `None` when the iterator is exhausted.
    pub fn next(&mut self, iterator: &Value) -> PyResult<Option<Value>> {
        // Native loops (`sum(range(10**12))`) count as instructions, so
        // that Ctrl-C and the run's limits reach them.
        if self.limits.tick() {
            if let Some(error) = self.poll() {
                return Err(error);
            }
        }
        self.next_unpolled(iterator)
    }

    /// [`Interp::next`] for a caller that polls itself (a `for` loop's
    /// instruction already counts as one).
    // Inlined into every `for` loop: the rare cases are out of line, so
    // that a native iterator's item costs little more than its `next`.
    #[inline]
    pub fn next_unpolled(&mut self, iterator: &Value) -> PyResult<Option<Value>> {
        match iterator {
            Value::Generator(generator) => generator.next(self),
            Value::Native(object) => match object.next(self) {
                Some(result) => result,
                // One whose class has `__next__` (`coro.__await__()`).
                None => self.next_by_method(iterator),
            },
            _ => self.next_by_method(iterator),
        }
    }

    /// `next()` of an instance of a Python class: its `__next__`.
    #[inline(never)]
    fn next_by_method(&mut self, iterator: &Value) -> PyResult<Option<Value>> {
        match self.call_next_method(iterator) {
            Ok(value) => Ok(Some(value)),
            Err(error) if self.is_instance_of(&error, ExcType::StopIteration) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// `type(iterator).__next__(iterator)`, its `StopIteration` (and the
    /// value that carries) raised as it is: what `next()` and `yield from`
    /// of an iterator written in Python see.
    pub fn call_next_method(&mut self, iterator: &Value) -> PyResult<Value> {
        let Some(method) = self.lookup_special(iterator, "__next__") else {
            return Err(self.not_an_iterator(iterator));
        };
        self.call_bound(&method, iterator, &[], &[])
    }

    #[cold]
    fn not_an_iterator(&self, value: &Value) -> PyErr {
        self.type_error(format!(
            "'{}' object is not an iterator",
            self.type_name(value)
        ))
    }

    /// All items of an iterable.
    pub fn collect(&mut self, iterable: &Value) -> PyResult<Vec<Value>> {
        let mut items = Vec::new();
        match iterable {
            Value::List(l) => return Ok(l.borrow().clone()),
            Value::Tuple(t) => return Ok(t.to_vec()),
            // CPython sizes the list from the range's length first.
            Value::Range(range) => {
                let len = usize::try_from(range.len()).unwrap_or(usize::MAX);
                self.reserve(&mut items, len)?;
            }
            _ => {}
        }
        let iterator = self.get_iter(iterable)?;
        while let Some(item) = self.next(&iterator)? {
            items.push(item);
        }
        Ok(items)
    }
}

/// The builtin sequences that `*` repeats (CPython's `sq_repeat`).
pub fn is_sequence(value: &Value) -> bool {
    matches!(
        value,
        Value::Str(_) | Value::Bytes(_) | Value::ByteArray(_) | Value::List(_) | Value::Tuple(_)
    )
}

fn is_int(value: &Value) -> bool {
    matches!(value, Value::Int(_) | Value::BigInt(_) | Value::Bool(_))
}

/// Item `i` of a list or tuple (a clone: no borrow outlives the call).
fn sequence_item(sequence: &Value, i: usize) -> Option<Value> {
    match sequence {
        Value::List(items) => items.borrow().get(i).cloned(),
        Value::Tuple(items) => items.get(i).cloned(),
        _ => None,
    }
}

fn sequence_len(sequence: &Value) -> usize {
    match sequence {
        Value::List(items) => items.borrow().len(),
        Value::Tuple(items) => items.len(),
        _ => 0,
    }
}

fn ordering_satisfies(op: CmpOp, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        CmpOp::Lt => ordering == Less,
        CmpOp::LtE => ordering != Greater,
        CmpOp::Gt => ordering == Greater,
        CmpOp::GtE => ordering != Less,
        CmpOp::Eq => ordering == Equal,
        CmpOp::NotEq => ordering != Equal,
        _ => false,
    }
}

fn dunder_names(op: BinOp) -> (&'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__"),
        BinOp::Sub => ("__sub__", "__rsub__"),
        BinOp::Mul => ("__mul__", "__rmul__"),
        BinOp::MatMul => ("__matmul__", "__rmatmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__"),
        BinOp::Pow => ("__pow__", "__rpow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__"),
        BinOp::BitOr => ("__or__", "__ror__"),
        BinOp::BitXor => ("__xor__", "__rxor__"),
        BinOp::BitAnd => ("__and__", "__rand__"),
    }
}

/// The length a native container reports without a `__len__` call.
fn native_length(value: &Value) -> Option<usize> {
    match value {
        Value::Native(object) => object.length(),
        _ => None,
    }
}

/// CPython's `frozenset_hash`: every item's hash shuffled and xored (so
/// the order does not count), the size mixed in, and the bits dispersed.
fn frozenset_hash(hashes: impl Iterator<Item = i64>, len: usize) -> i64 {
    let shuffle = |h: u64| ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167);
    let mut hash = hashes.fold(0u64, |acc, h| acc ^ shuffle(h as u64));
    hash ^= (len as u64 + 1).wrapping_mul(1927868237);
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash.wrapping_mul(69069).wrapping_add(907133923);
    if hash == u64::MAX {
        590923713
    } else {
        hash as i64
    }
}
