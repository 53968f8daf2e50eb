//! `unicodedata`: the character names (`lookup`, `name`), from the table
//! the lexer's `\N{…}` escapes already use; the database's other columns
//! (`category`, `normalize`, …) are not in pyl and raise
//! `NotImplementedError` (`UNSUPPORTED` in `modules/mod.rs`).

use std::rc::Rc;

use crate::runtime::builtins::add_function;
use crate::runtime::builtins::args::check_count;
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

pub fn create() -> Rc<ModuleObject> {
    let module = super::new_module("unicodedata");
    add_function(&module.namespace, "lookup", lookup);
    add_function(&module.namespace, "name", name);
    (module.namespace.borrow_mut()).insert("unidata_version".into(), Value::str("14.0.0"));
    module
}

/// `lookup(name)`: the character of that name (any case).
fn lookup(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_count(interp, "lookup", args, kwargs, 1, 1)?;
    let Value::Str(name) = &args[0] else {
        return Err(interp.type_error(format!(
            "lookup() argument must be str, not {}",
            interp.type_name(&args[0])
        )));
    };
    match unicode_names2::character(name.as_str()) {
        Some(found) => Ok(Value::str(found.to_string())),
        None => Err(interp.error(
            ExcType::KeyError,
            format!("undefined character name '{}'", name.as_str()),
        )),
    }
}

/// `name(chr, default)`: the character's name.
fn name(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_count(interp, "name", args, kwargs, 1, 2)?;
    let character = match &args[0] {
        Value::Str(text) if text.char_count() == 1 => text.as_str().chars().next(),
        _ => None,
    };
    let Some(character) = character else {
        return Err(interp.type_error(format!(
            "name() argument 1 must be a unicode character, not {}",
            interp.type_name(&args[0])
        )));
    };
    match (unicode_names2::name(character), args.get(1)) {
        (Some(found), _) => Ok(Value::str(found.to_string())),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(interp.value_error("no such name")),
    }
}
