//! The natives of the `warnings` module (`python/warnings.pyl`): the
//! running frames, which say where a warning was raised, and the module
//! that a frame's file is, whose name the filters match.

use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::NativeFn;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

pub const NATIVES: &[(&str, NativeFn)] = &[
    ("_frames", super::running_frames::frames),
    ("_track_frames", super::running_frames::track_frames),
    ("_loaded_module", super::python::loaded_module),
    ("_module_of_file", module_of_file),
];

/// `_module_of_file(filename)`: the name of the module imported from the
/// file (its `__file__`, the main script's or a sibling module's), as
/// CPython reads it off a frame's globals; `None` if none was.
fn module_of_file(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let Some(filename) = args.first().and_then(Value::as_str) else {
        return Ok(Value::None);
    };
    for (name, module) in &interp.modules {
        let Value::Module(module) = module else {
            continue;
        };
        let names = module.namespace.borrow();
        if names.get("__file__").and_then(Value::as_str) == Some(filename) {
            return Ok(Value::str(&**name));
        }
    }
    Ok(Value::None)
}
