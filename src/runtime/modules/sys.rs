//! The `sys` module: `argv`, `exit`, the `stdin`/`stdout`/`stderr` text streams,
//! the recursion limit, and version and platform information.

use std::io::{IsTerminal, Write};
use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::builtins::args::check_count;
use crate::runtime::builtins::functions::bind;
use crate::runtime::builtins::{add_function, add_method};
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::files::TextFile;
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, ModuleObject, NativeObject};
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

/// The struct sequences (`version_info`, …): tuple subclasses, made in
/// Python.
const PRELUDE: &str = include_str!("sys.pyl");
const STRUCT_SEQUENCES: [&str; 4] = ["version_info", "float_info", "int_info", "hash_info"];

pub fn create(interp: &mut Interp) -> Rc<ModuleObject> {
    let module = super::new_module("sys");
    let stream_class = interp.define_module_class("TextIOWrapper", "_io");
    add_method(&stream_class, "write", stream_write);
    add_method(&stream_class, "writelines", stream_writelines);
    add_method(&stream_class, "flush", stream_flush);
    add_method(&stream_class, "isatty", stream_isatty);
    add_method(&stream_class, "fileno", stream_fileno);
    add_method(&stream_class, "writable", stream_writable);
    add_method(&stream_class, "readable", stream_readable);

    let ns = &module.namespace;
    add_function(ns, "exit", sys_exit);
    add_function(ns, "getrecursionlimit", sys_getrecursionlimit);
    add_function(ns, "setrecursionlimit", sys_setrecursionlimit);
    add_function(ns, "get_int_max_str_digits", sys_get_int_max_str_digits);
    add_function(ns, "set_int_max_str_digits", sys_set_int_max_str_digits);
    add_function(ns, "exc_info", sys_exc_info);
    add_function(ns, "exception", sys_exception);
    add_function(ns, "intern", sys_intern);
    add_function(ns, "getdefaultencoding", sys_getdefaultencoding);
    add_function(ns, "getfilesystemencoding", sys_getfilesystemencoding);
    let argv = interp
        .argv
        .iter()
        .map(|arg| Value::str(arg.as_str()))
        .collect();
    let mut ns = ns.borrow_mut();
    ns.insert("argv".into(), Value::list(argv));
    let (stdout, stderr) = (
        Value::native(Rc::new(Stream::Stdout)),
        Value::native(Rc::new(Stream::Stderr)),
    );
    let stdin = Value::native(Rc::new(TextFile::stdin()));
    ns.insert("stdin".into(), stdin.clone());
    ns.insert("__stdin__".into(), stdin);
    ns.insert("stdout".into(), stdout.clone());
    ns.insert("stderr".into(), stderr.clone());
    ns.insert("__stdout__".into(), stdout);
    ns.insert("__stderr__".into(), stderr);
    ns.insert(
        "version".into(),
        Value::str(format!("3.11.7 (pyl {})", env!("CARGO_PKG_VERSION"))),
    );
    ns.insert("hexversion".into(), Value::Int(0x030B07F0));
    ns.insert("platform".into(), Value::str("linux"));
    ns.insert("byteorder".into(), Value::str("little"));
    ns.insert("maxsize".into(), Value::Int(i64::MAX));
    ns.insert("maxunicode".into(), Value::Int(0x10FFFF));
    drop(ns);
    module
}

/// Makes the struct sequences if `name` is one of them, on first use:
/// parsing their prelude would cost every `import sys` a third of a
/// millisecond. Whether they were made now.
pub fn define_lazily(interp: &mut Interp, module: &ModuleObject, name: &str) -> PyResult<bool> {
    if !STRUCT_SEQUENCES.contains(&name) {
        return Ok(false);
    }
    complete_module(interp, module)
}

/// Makes the struct sequences if `module` is `sys` and they are not made
/// yet (before something lists the module). Whether they were made now.
pub fn complete_module(interp: &mut Interp, module: &ModuleObject) -> PyResult<bool> {
    let sys = match interp.modules.get("sys") {
        Some(Value::Module(sys)) if std::ptr::eq(&**sys, module) => sys.clone(),
        _ => return Ok(false),
    };
    if sys.namespace.borrow().contains_key(STRUCT_SEQUENCES[0]) {
        return Ok(false);
    }
    super::run_bundled_source(interp, &sys, "<sys prelude>", PRELUDE, Origin::BundledForC)?;
    Ok(true)
}

// ---------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------

/// `sys.exit([status])`: raises `SystemExit(status)`.
fn sys_exit(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("sys.exit() takes no keyword arguments"));
    }
    if args.len() > 1 {
        return Err(interp.type_error(format!(
            "exit expected at most 1 argument, got {}",
            args.len()
        )));
    }
    // CPython raises SystemExit with the status as its value, and a value
    // of None means no arguments at all.
    let args = match args {
        [Value::None] => Vec::new(),
        _ => args.to_vec(),
    };
    Err(interp.new_exception(ExcType::SystemExit, args))
}

fn sys_getrecursionlimit(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    check_count(interp, "sys.getrecursionlimit", args, kwargs, 0, 0)?;
    Ok(Value::Int(interp.recursion_limit as i64))
}

fn sys_get_int_max_str_digits(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    check_count(interp, "sys.get_int_max_str_digits", args, kwargs, 0, 0)?;
    Ok(Value::Int(interp.int_max_str_digits as i64))
}

fn sys_set_int_max_str_digits(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let [maxdigits] = bind(
        interp,
        "set_int_max_str_digits",
        args,
        kwargs,
        ["maxdigits"],
        0,
        1,
    )?;
    let maxdigits = interp.to_index(maxdigits.unwrap_or(&Value::None))?;
    match usize::try_from(maxdigits) {
        Ok(digits) if digits == 0 || digits >= 640 => {
            interp.int_max_str_digits = digits;
            Ok(Value::None)
        }
        _ => Err(interp.value_error("maxdigits must be 0 or larger than 640")),
    }
}

fn sys_setrecursionlimit(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("sys.setrecursionlimit() takes no keyword arguments"));
    }
    let [limit] = args else {
        return Err(interp.type_error(format!(
            "sys.setrecursionlimit() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    let limit = match limit {
        Value::Float(_) => {
            return Err(interp.type_error("'float' object cannot be interpreted as an integer"))
        }
        Value::BigInt(_) => None,
        other => Some(interp.to_index(other)?),
    };
    let Some(limit) = limit.and_then(|l| i32::try_from(l).ok()) else {
        return Err(interp.error(
            ExcType::OverflowError,
            "Python int too large to convert to C int",
        ));
    };
    if limit < 1 {
        return Err(interp.value_error("recursion limit must be greater or equal than 1"));
    }
    // CPython counts this call too.
    let depth = interp.depth as i64 + 1;
    if depth >= limit as i64 {
        return Err(interp.error(
            ExcType::RecursionError,
            format!(
                "cannot set the recursion limit to {limit} at the recursion depth {depth}: the limit is too low"
            ),
        ));
    }
    interp.recursion_limit = limit as u32;
    Ok(Value::None)
}

/// `sys.exc_info()`: the exception being handled, as `(type, value,
/// traceback)`; pyl has no traceback objects, so the third item is `None`.
/// `sys.exception()`: the exception being handled, or None.
fn sys_exception(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_count(interp, "sys.exception", args, kwargs, 0, 0)?;
    Ok(interp
        .handled_exceptions
        .last()
        .map_or(Value::None, |error| error.value()))
}

/// `sys.intern(s)`: pyl does not keep a table of interned strings; the
/// string is its own answer, as CPython's is the first equal one.
fn sys_intern(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_count(interp, "sys.intern", args, kwargs, 1, 1)?;
    match &args[0] {
        text @ Value::Str(_) => Ok(text.clone()),
        other => Err(interp.type_error(format!(
            "intern() argument must be str, not {}",
            interp.argument_type_name(other)
        ))),
    }
}

fn sys_getdefaultencoding(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    check_count(interp, "sys.getdefaultencoding", args, kwargs, 0, 0)?;
    Ok(Value::str("utf-8"))
}

fn sys_getfilesystemencoding(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    check_count(interp, "sys.getfilesystemencoding", args, kwargs, 0, 0)?;
    Ok(Value::str("utf-8"))
}

fn sys_exc_info(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_count(interp, "sys.exc_info", args, kwargs, 0, 0)?;
    Ok(match interp.handled_exceptions.last() {
        Some(error) => Value::tuple(vec![
            Value::Type(error.0.class.clone()),
            error.value(),
            crate::runtime::traceback::Traceback::of(&error.0),
        ]),
        None => Value::tuple(vec![Value::None, Value::None, Value::None]),
    })
}

// ---------------------------------------------------------------------------
// sys.stdout / sys.stderr
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

/// What the program put in `sys.stdout` in place of pyl's standard
/// output, which `print` then writes to (`None` included: `print` then
/// writes nothing, as CPython's). `None` while it is pyl's own.
pub fn replaced_stdout(interp: &Interp) -> Option<Value> {
    let Some(Value::Module(sys)) = interp.modules.get("sys") else {
        return None;
    };
    let stdout = sys.namespace.borrow().get("stdout").cloned()?;
    match &stdout {
        Value::Native(native)
            if matches!(native.downcast_ref::<Stream>(), Some(Stream::Stdout)) =>
        {
            None
        }
        _ => Some(stdout),
    }
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "<stdout>",
            Stream::Stderr => "<stderr>",
        }
    }
}

impl NativeObject for Stream {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("TextIOWrapper")
    }

    fn get_attribute(&self, _interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        match name {
            "name" => Some(Ok(Value::str(self.name()))),
            "mode" => Some(Ok(Value::str("w"))),
            "encoding" => Some(Ok(Value::str("utf-8"))),
            "errors" => Some(Ok(Value::str(match self {
                Stream::Stdout => "strict",
                Stream::Stderr => "backslashreplace",
            }))),
            "closed" => Some(Ok(Value::from(false))),
            _ => None,
        }
    }

    fn repr(&self, _interp: &mut Interp) -> Option<PyResult<String>> {
        Some(Ok(format!(
            "<_io.TextIOWrapper name='{}' mode='w' encoding='utf-8'>",
            self.name()
        )))
    }
}

fn stream_receiver(interp: &Interp, args: &[Value], method: &str) -> PyResult<Stream> {
    if let Some(Value::Native(object)) = args.first() {
        if let Some(stream) = object.downcast_ref::<Stream>() {
            return Ok(*stream);
        }
    }
    Err(interp.type_error(format!(
        "descriptor '{method}' requires a '_io.TextIOWrapper' object"
    )))
}

/// Writes text to a stream: stdout through the interpreter's buffer;
/// stderr directly, after flushing stdout so the two interleave in order
/// (a flush the program did not ask for, so its failure — stdout a closed
/// pipe — is not this write's).
fn write_text(interp: &mut Interp, stream: Stream, text: &str) -> PyResult<()> {
    match stream {
        Stream::Stdout => interp.write_stdout(text),
        Stream::Stderr => {
            let _ = interp.flush_stdout();
            let mut stderr = std::io::stderr().lock();
            stderr
                .write_all(text.as_bytes())
                .and_then(|()| stderr.flush())
                .map_err(|e| interp.os_error(e))
        }
    }
}

fn stream_write(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let stream = stream_receiver(interp, args, "write")?;
    if !kwargs.is_empty() {
        return Err(interp.type_error("TextIOWrapper.write() takes no keyword arguments"));
    }
    let [_, text] = args else {
        return Err(interp.type_error(format!(
            "TextIOWrapper.write() takes exactly one argument ({} given)",
            args.len().saturating_sub(1)
        )));
    };
    let Value::Str(text) = text.builtin_value() else {
        return Err(interp.type_error(format!(
            "write() argument must be str, not {}",
            interp.argument_type_name(text)
        )));
    };
    write_text(interp, stream, text.as_str())?;
    Ok(Value::from(text.char_count()))
}

fn stream_writelines(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let stream = stream_receiver(interp, args, "writelines")?;
    if !kwargs.is_empty() {
        return Err(interp.type_error("TextIOWrapper.writelines() takes no keyword arguments"));
    }
    let [_, lines] = args else {
        return Err(interp.type_error(format!(
            "TextIOWrapper.writelines() takes exactly one argument ({} given)",
            args.len().saturating_sub(1)
        )));
    };
    let iterator = interp.get_iter(lines)?;
    while let Some(line) = interp.next(&iterator)? {
        let Value::Str(text) = line.builtin_value() else {
            return Err(interp.type_error(format!(
                "write() argument must be str, not {}",
                interp.argument_type_name(&line)
            )));
        };
        write_text(interp, stream, text.as_str())?;
    }
    Ok(Value::None)
}

fn stream_no_args(
    interp: &Interp,
    method: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Stream> {
    let stream = stream_receiver(interp, args, method)?;
    check_count(
        interp,
        &format!("TextIOWrapper.{method}"),
        &args[1..],
        kwargs,
        0,
        0,
    )?;
    Ok(stream)
}

fn stream_flush(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let stream = stream_no_args(interp, "flush", args, kwargs)?;
    if stream == Stream::Stdout {
        interp.flush_stdout().map_err(|e| interp.os_error(e))?;
    }
    Ok(Value::None)
}

fn stream_isatty(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let stream = stream_no_args(interp, "isatty", args, kwargs)?;
    Ok(Value::from(match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    }))
}

fn stream_fileno(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let stream = stream_no_args(interp, "fileno", args, kwargs)?;
    Ok(Value::Int(match stream {
        Stream::Stdout => 1,
        Stream::Stderr => 2,
    }))
}

fn stream_writable(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    stream_no_args(interp, "writable", args, kwargs)?;
    Ok(Value::from(true))
}

fn stream_readable(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    stream_no_args(interp, "readable", args, kwargs)?;
    Ok(Value::from(false))
}
