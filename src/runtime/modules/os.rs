//! The natives of `os` and `os.path` (`python/os.pyl`,
//! `python/posixpath.pyl`): every way those modules reach the file
//! system or the environment, each asking the sandbox first, as `open`
//! does (`Interp::check_sandbox_open`, `Interp::check_sandbox_environment`).

use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::NativeFn;
use crate::runtime::value::{Flag, Value};
use crate::syntax::ast::Name;

pub const NATIVES: &[(&str, NativeFn)] = &[
    ("_stat", stat),
    ("_listdir", listdir),
    ("_remove", remove),
    ("_getcwd", getcwd),
    ("_getenv", getenv),
    ("_environ_keys", environ_keys),
];

/// A path argument (str, or bytes of UTF-8) as text, with the error
/// CPython's `function` gives for another type.
fn path_argument(interp: &Interp, value: Option<&Value>, function: &str) -> PyResult<String> {
    let value = value.map_or(Value::None, |value| value.builtin_value().clone());
    let text = match &value {
        Value::Str(text) => text.as_str().to_string(),
        Value::Bytes(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => {
                return Err(interp.error(
                    ExcType::NotImplementedError,
                    format!("os.{function} of a path that is not UTF-8 is not supported by pyl"),
                ))
            }
        },
        Value::Int(_) | Value::Bool(_) => {
            return Err(interp.error(
                ExcType::NotImplementedError,
                format!("os.{function} of a file descriptor is not supported by pyl"),
            ))
        }
        other => {
            return Err(interp.type_error(format!(
                "{function}: path should be string, bytes, os.PathLike or integer, not {}",
                interp.type_name(other)
            )))
        }
    };
    if text.contains('\0') {
        return Err(interp.value_error(format!("{function}: embedded null character in path")));
    }
    Ok(text)
}

/// `_stat(path, must_exist)`: `(kind, size, mtime)` of what the path
/// names (symbolic links followed), kind `'file'`, `'dir'` or `'other'`;
/// `None` if it cannot be read, or that `OSError` when `must_exist`. A
/// path the sandbox refuses is its `PermissionError`, whether it exists
/// or not.
fn stat(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let must_exist = matches!(args.get(1), Some(Value::Bool(Flag::TRUE)));
    let path = path_argument(interp, args.first(), "stat")?;
    let real = interp.check_sandbox_open(&path, false)?;
    let metadata = match std::fs::metadata(&real) {
        Ok(metadata) => metadata,
        Err(error) if must_exist => {
            return Err(interp.os_error_on(error, args[0].clone()));
        }
        Err(_) => return Ok(Value::None),
    };
    let kind = if metadata.is_file() {
        "file"
    } else if metadata.is_dir() {
        "dir"
    } else {
        "other"
    };
    let modified = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0.0, |since| since.as_secs_f64());
    Ok(Value::tuple(vec![
        Value::str(kind),
        Value::from(metadata.len() as i64),
        Value::float(modified),
    ]))
}

/// `_listdir(path)`: the names in the folder, in the order the system
/// gives them (CPython's), as str, or as bytes for a bytes path.
fn listdir(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let path = path_argument(interp, args.first(), "listdir")?;
    let real = interp.check_sandbox_open(&path, false)?;
    let entries =
        std::fs::read_dir(&real).map_err(|error| interp.os_error_on(error, args[0].clone()))?;
    let as_bytes = matches!(args[0].builtin_value(), Value::Bytes(_));
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| interp.os_error_on(error, args[0].clone()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        names.push(if as_bytes {
            Value::bytes(name.into_bytes())
        } else {
            Value::str(name.as_str())
        });
    }
    Ok(Value::list(names))
}

/// `_remove(path)`: deletes the file; the sandbox allows no writing.
fn remove(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let path = path_argument(interp, args.first(), "remove")?;
    let real = interp.check_sandbox_open(&path, true)?;
    std::fs::remove_file(real).map_err(|error| interp.os_error_on(error, args[0].clone()))?;
    Ok(Value::None)
}

/// `_getcwd()`: the current folder.
fn getcwd(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    interp.check_sandbox_environment()?;
    let folder = std::env::current_dir().map_err(|error| interp.os_error(error))?;
    Ok(Value::str(folder.to_string_lossy().as_ref()))
}

/// `_getenv(key)`: the environment variable's value, or `None`.
fn getenv(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    interp.check_sandbox_environment()?;
    let key = args
        .first()
        .map_or(Value::None, |key| key.builtin_value().clone());
    let Value::Str(key) = &key else {
        return Err(interp.type_error(format!("str expected, not {}", interp.type_name(&key))));
    };
    if key.as_str().is_empty() || key.as_str().contains(['=', '\0']) {
        return Ok(Value::None);
    }
    Ok(std::env::var_os(key.as_str()).map_or(Value::None, |value| {
        Value::str(value.to_string_lossy().as_ref())
    }))
}

/// `_environ_keys()`: the names of the environment variables, in the
/// order of the process's environment (CPython's `os.environ`'s).
fn environ_keys(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    interp.check_sandbox_environment()?;
    let keys = std::env::vars_os()
        .map(|(key, _)| Value::str(key.to_string_lossy().as_ref()))
        .collect();
    Ok(Value::list(keys))
}
