//! The `builtins` namespace: builtin functions, and the methods of the
//! builtin types, registered into the types' class namespaces so that
//! attribute lookup finds them exactly as it finds user methods.

use std::rc::Rc;

use super::interp::Interp;
use super::object::{BuiltinFunction, Class, Globals, NativeFn};
use super::value::Value;

pub mod args;
pub mod bytearray;
pub mod bytes;
pub mod dunders;
pub mod functions;
pub mod mappings;
pub mod numbers;
pub mod object;
pub mod percent;
pub mod sequences;
pub mod str;
pub mod subclasses;
mod unicode_tables;

/// Fills the builtins module and the builtin types' namespaces.
pub fn install(interp: &mut Interp) {
    functions::install(interp);
    numbers::install(interp);
    str::install(interp);
    bytes::install(interp);
    bytearray::install(interp);
    sequences::install(interp);
    mappings::install(interp);
    super::exceptions::install(interp);
    object::install(interp);
    dunders::install(interp);
    subclasses::install(interp);
    super::exceptions::install_exception_methods(interp);
    super::attributes::install(interp);
    super::getset::install(interp);
    super::metaclass::install(interp);
    super::union::install(interp);
    super::generic_alias::install(interp);
    super::mapping_proxy::install(interp);
    super::generator::install(interp);
    super::files::install(interp);
    let types = &interp.types;
    let named_types = [
        &types.object,
        &types.type_,
        &types.bool_,
        &types.int,
        &types.float,
        &types.str_,
        &types.bytes,
        &types.bytearray,
        &types.list,
        &types.tuple,
        &types.dict,
        &types.set,
        &types.frozenset,
        &types.range,
        &types.slice,
    ];
    let mut ns = interp.builtins.namespace.borrow_mut();
    ns.insert("NotImplemented".into(), Value::NotImplemented);
    ns.insert("Ellipsis".into(), Value::Ellipsis);
    ns.insert("__name__".into(), Value::str("builtins"));
    for class in named_types {
        ns.insert(class.name.clone(), Value::Type(class.clone()));
    }
    for class in &types.exceptions {
        ns.insert(class.name.clone(), Value::Type(class.clone()));
    }
    // Older names of `OSError`, the same class.
    let os_error = types.exception(crate::runtime::error::ExcType::OSError);
    for alias in ["EnvironmentError", "IOError"] {
        ns.insert(alias.into(), Value::Type(os_error.clone()));
    }
}

/// A builtin function value.
pub fn function(name: &'static str, func: NativeFn) -> Value {
    Value::Builtin(Rc::new(BuiltinFunction {
        name,
        func,
        receiver: None,
        owner: None,
        python_module: None,
    }))
}

/// A builtin method of `owner`, as its class holds it.
pub fn method(owner: &Rc<Class>, name: &'static str, func: NativeFn) -> Value {
    builtin_method(name, func, Rc::downgrade(owner))
}

/// A builtin method of a class that bundled Python defines later
/// (`class Queue: put = _queue_put`): bound like any builtin method, its
/// owner not known (a `Weak` to nothing).
pub fn method_for_python_class(name: &'static str, func: NativeFn) -> Value {
    builtin_method(name, func, std::rc::Weak::new())
}

fn builtin_method(name: &'static str, func: NativeFn, owner: std::rc::Weak<Class>) -> Value {
    Value::Builtin(Rc::new(BuiltinFunction {
        name,
        func,
        receiver: None,
        owner: Some(owner),
        python_module: None,
    }))
}

/// Adds a function to a module (the builtins module, a built-in module).
pub fn add_function(namespace: &Globals, name: &'static str, func: NativeFn) {
    namespace
        .borrow_mut()
        .insert(crate::syntax::ast::intern(name), function(name, func));
}

/// Adds to a module a function that CPython writes in Python, in
/// `python_module`, which pyl writes in Rust: it shows as a Python
/// function of that module.
pub fn add_python_function(
    namespace: &Globals,
    python_module: &'static str,
    name: &'static str,
    func: NativeFn,
) {
    let function = Value::Builtin(Rc::new(BuiltinFunction {
        name,
        func,
        receiver: None,
        owner: None,
        python_module: Some(python_module),
    }));
    (namespace.borrow_mut()).insert(crate::syntax::ast::intern(name), function);
}

/// Adds a method to a builtin class: called with the receiver as `args[0]`.
/// Natives for what pyl does not have: each name exists (so `hasattr`
/// answers as in CPython) and a call raises `NotImplementedError`
/// saying so — `PREFIXname() is not supported by pyl (WHY)`. Makes a
/// `const LIST: &[(&str, NativeFn)]` of them.
macro_rules! not_supported {
    ($list:ident, $prefix:literal: $($name:ident $(: $why:literal)?),* $(,)?) => {
        $(
            fn $name(
                interp: &mut $crate::runtime::interp::Interp,
                _: &[$crate::runtime::value::Value],
                _: &[($crate::syntax::ast::Name, $crate::runtime::value::Value)],
            ) -> $crate::runtime::error::PyResult<$crate::runtime::value::Value> {
                Err(interp.error(
                    $crate::runtime::error::ExcType::NotImplementedError,
                    concat!($prefix, stringify!($name), "() is not supported by pyl" $(, " (", $why, ")")?),
                ))
            }
        )*
        pub const $list: &[(&str, $crate::runtime::object::NativeFn)] =
            &[$((stringify!($name), $name)),*];
    };
}
pub(crate) use not_supported;

pub fn add_method(class: &Rc<Class>, name: &'static str, func: NativeFn) {
    class
        .namespace
        .borrow_mut()
        .insert(name.into(), method(class, name, func));
}
