//! Runs source text through the whole pipeline: UTF-8 check, parse,
//! resolve, lower, evaluate. Used by the command line and by `import`.

use std::rc::Rc;

use crate::compile::ir::{Code, Origin, Source};
use crate::compile::lower::{lower_eval, lower_interactive, lower_module};
use crate::diagnostics;
use crate::eval::frame::{Frame, Outcome};
use crate::resolve::resolve_module;
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::exceptions::SYNTAX_ERROR_LOCATION;
use crate::runtime::interp::Interp;
use crate::runtime::modules::new_main_module;
use crate::runtime::object::ModuleObject;
use crate::runtime::value::Value;
use crate::syntax::ast::{ExprKind, StmtKind};
use crate::syntax::error::SyntaxError;
use crate::syntax::parser::parse_module;
use crate::syntax::span::Span;
use crate::syntax::token::{StrLit, Token};

/// Checks and decodes the source bytes of the file `name`, as CPython's
/// tokenizer does (a UTF-8 byte-order mark is allowed; no other encoding
/// declaration is supported). The error comes with the text as far as
/// it decodes (the rest replaced), for its place.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, (String, SyntaxError)> {
    String::from_utf8(bytes).map_err(|error| {
        let position = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        let line = 1 + bytes[..position].iter().filter(|&&b| b == b'\n').count();
        let error_at = SyntaxError::new(
            format!(
                "Non-UTF-8 code starting with '\\x{:02x}' in file {name} on line {line}, \
                 but no encoding declared; see https://peps.python.org/pep-0263/ for details",
                bytes[position]
            ),
            Span::new(position, position),
        );
        (String::from_utf8_lossy(bytes).into_owned(), error_at)
    })
}

/// Everything before evaluation: the code for a module's source.
pub fn compile(
    name: &str,
    text: String,
) -> Result<Rc<crate::compile::ir::Code>, (Rc<Source>, SyntaxError)> {
    compile_as(name, text, false, Origin::Program)
}

/// The code of Python bundled in pyl (see [`Origin`]).
pub fn compile_bundled(
    name: &str,
    text: String,
    origin: Origin,
) -> Result<Rc<crate::compile::ir::Code>, (Rc<Source>, SyntaxError)> {
    compile_as(name, text, false, origin)
}

/// The code for one REPL input: top-level `await` allowed, expression
/// statements echoed (see [`lower_interactive`]).
pub fn compile_interactive(
    name: &str,
    text: String,
) -> Result<Rc<crate::compile::ir::Code>, (Rc<Source>, SyntaxError)> {
    compile_as(name, text, true, Origin::Program)
}

/// The code for the text of an `eval()`: one expression (after any
/// spaces and tabs, which CPython's `eval` strips), whose value the code
/// returns.
pub fn compile_eval(
    name: &str,
    text: &str,
) -> Result<Rc<crate::compile::ir::Code>, (Rc<Source>, SyntaxError)> {
    let source = Rc::new(Source {
        name: name.to_string(),
        text: text.trim_start_matches([' ', '\t']).to_string(),
        origin: Origin::Program,
    });
    let fail = |error| (source.clone(), error);
    let mut module = parse_module(&source.text).map_err(fail)?;
    let not_an_expression = match module.body.as_slice() {
        [statement] => match &statement.kind {
            StmtKind::Expr(expression) => {
                matches!(expression.kind, ExprKind::Yield(_) | ExprKind::YieldFrom(_))
                    .then_some(statement.span)
            }
            _ => Some(statement.span),
        },
        [_, second, ..] => Some(second.span),
        [] => Some(Span::new(0, 0)),
    };
    if let Some(span) = not_an_expression {
        return Err(fail(SyntaxError::new("invalid syntax", span)));
    }
    resolve_module(&mut module, false).map_err(fail)?;
    lower_eval(&module, source.clone()).map_err(fail)
}

/// What, in the text of an `eval()` called in a function, CPython would
/// look up among the function's locals (which it gives the text as a
/// snapshot): the first name for which `is_local` holds, or what keeps
/// names from being seen here — an f-string, an assignment (`:=`),
/// `locals()`. Without any, the text reads nothing of the function's, so
/// that running it in the function's module is what CPython does.
pub fn eval_text_reads_locals(text: &str, is_local: impl Fn(&str) -> bool) -> Option<String> {
    use logos::Logos;
    for token in Token::lexer(text) {
        match token {
            Ok(Token::Name(name)) if is_local(&name) => {
                return Some(format!("reading the local variable '{name}'"));
            }
            // Without arguments, these read the locals too.
            Ok(Token::Name(name)) if matches!(&*name, "locals" | "vars" | "dir") => {
                return Some(format!("naming {name}()"));
            }
            Ok(Token::Str(StrLit::Format { .. })) => return Some("of an f-string".into()),
            Ok(Token::ColonEqual) => return Some("assigning with ':='".into()),
            // The compiler reports the text's syntax error.
            Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}

fn compile_as(
    name: &str,
    text: String,
    interactive: bool,
    origin: Origin,
) -> Result<Rc<crate::compile::ir::Code>, (Rc<Source>, SyntaxError)> {
    let source = Rc::new(Source {
        name: name.to_string(),
        text,
        origin,
    });
    let fail = |error| (source.clone(), error);
    let mut module = parse_module(&source.text).map_err(fail)?;
    resolve_module(&mut module, interactive).map_err(fail)?;
    if interactive {
        lower_interactive(&module, source.clone()).map_err(fail)
    } else {
        lower_module(&module, source.clone()).map_err(fail)
    }
}

/// Runs a module's source in `module`'s namespace; a syntax error becomes
/// a Python `SyntaxError` exception (for `import`).
pub fn run_source_in(
    interp: &mut Interp,
    name: &str,
    bytes: Vec<u8>,
    module: Rc<ModuleObject>,
) -> PyResult<()> {
    let text =
        decode(name, bytes).map_err(|(text, e)| syntax_exception(interp, name, &text, &e))?;
    let code = compile(name, text)
        .map_err(|(source, e)| syntax_exception(interp, name, &source.text, &e))?;
    interp.emit_warnings();
    set_docstring(&module, &code);
    let mut frame = Frame::new(code, module);
    interp.run_module_frame(&mut frame)?;
    Ok(())
}

/// Runs `text` in `module` as `eval()` (`evaluates`) or `exec()` does:
/// the value of its expression, or None.
pub fn run_string_in(
    interp: &mut Interp,
    text: &str,
    evaluates: bool,
    module: Rc<ModuleObject>,
) -> PyResult<Value> {
    const NAME: &str = "<string>";
    let code = match evaluates {
        true => compile_eval(NAME, text),
        false => compile(NAME, text.to_string()),
    };
    let code = code.map_err(|(source, e)| syntax_exception(interp, NAME, &source.text, &e))?;
    interp.emit_warnings();
    let mut frame = Frame::new(code, module);
    match interp.run_module_frame(&mut frame)? {
        Outcome::Return(value) if evaluates => Ok(value),
        _ => Ok(Value::None),
    }
}

/// A module's `__doc__`: the string its source starts with, if any.
fn set_docstring(module: &ModuleObject, code: &Code) {
    if let Some(doc) = &code.doc {
        (module.namespace.borrow_mut()).insert("__doc__".into(), Value::str(&**doc));
    }
}

/// The `SyntaxError` exception for `error` in the module `name`, whose
/// source is `text`: with the place as CPython's has it (1-based columns
/// in characters; the text of the start's line).
fn syntax_exception(interp: &Interp, name: &str, text: &str, error: &SyntaxError) -> PyErr {
    let kind = match error.kind.name() {
        "IndentationError" => ExcType::IndentationError,
        "TabError" => ExcType::TabError,
        _ => ExcType::SyntaxError,
    };
    let exception = interp.error(kind, error.message.clone());
    let Some(data) = &exception.0.exception else {
        return exception;
    };
    let boundary = |offset: u32| {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let (start, end) = (boundary(error.span.start), boundary(error.span.end));
    let line_start = |offset: usize| text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let column = |offset: usize| text[line_start(offset)..offset].chars().count() as i64 + 1;
    let line_end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let place = [
        Value::str(name),
        Value::from(diagnostics::line_of(text, start) as i64),
        Value::from(column(start)),
        Value::str(&text[line_start(start)..line_end]),
        Value::from(diagnostics::line_of(text, end) as i64),
        Value::from(column(end)),
    ];
    for (field, value) in SYNTAX_ERROR_LOCATION.iter().zip(&place) {
        data.set_field(field, value.clone());
    }
    *data.args.borrow_mut() = Rc::new(
        [
            Value::str(error.message.as_str()),
            Value::tuple(place.to_vec()),
        ]
        .into_iter()
        .collect(),
    );
    exception
}

/// Runs a whole program (the main script) and returns the exit status.
pub fn run_main(interp: &mut Interp, name: &str, bytes: Vec<u8>) -> i32 {
    let text = match decode(name, bytes) {
        Ok(text) => text,
        Err((text, error)) => {
            let _ = interp.flush_stdout();
            diagnostics::report_syntax_error(name, &text, &error);
            return 1;
        }
    };
    let code = match compile(name, text) {
        Ok(code) => code,
        Err((source, error)) => {
            let _ = interp.flush_stdout();
            diagnostics::report_syntax_error(&source.name, &source.text, &error);
            return 1;
        }
    };
    interp.emit_warnings();
    let module = new_main_module();
    set_docstring(&module, &code);
    module
        .namespace
        .borrow_mut()
        .insert("__file__".into(), Value::str(name));
    interp
        .modules
        .insert("__main__".into(), Value::Module(module.clone()));
    let mut frame = Frame::new(code, module);
    let result = interp.run_module_frame(&mut frame);
    drop(frame);
    let status = match result {
        Ok(_) => {
            interp.emit_remaining_warnings();
            0
        }
        Err(error) => {
            // A coroutine that a frame the exception left still held is
            // reported after the traceback, at `sys:1`: CPython's
            // traceback keeps those frames until it has been printed.
            interp.emit_warnings();
            let status = exit_status(interp, error);
            interp.emit_remaining_warnings();
            status
        }
    };
    interp.destroy_pending_tasks();
    interp.finalize_modules();
    interp.emit_remaining_warnings();
    interp.report_unretrieved_at_exit();
    interp.flush_files();
    match interp.flush_stdout() {
        Ok(()) => status,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => status,
        Err(_) => 120,
    }
}

/// The exit status for an uncaught exception, reporting it on stderr.
pub fn exit_status(interp: &mut Interp, error: PyErr) -> i32 {
    if interp.is_instance_of(&error, ExcType::SystemExit) {
        // CPython exits without putting the module's frame into the
        // exception's `__traceback__` (which a task that raised it
        // prints, reporting it at exit).
        if let Some(data) = &error.0.exception {
            let mut traceback = data.traceback.borrow_mut();
            if traceback.last().is_some_and(|entry| entry.code.is_module) {
                traceback.pop();
            }
        }
        // `SystemExit.code`: the one argument, or all of them as a tuple.
        let code = match error.0.exception.as_ref().map(|d| d.args.borrow().clone()) {
            Some(args) if args.len() > 1 => Value::tuple(args.to_vec()),
            Some(args) => args.first().cloned().unwrap_or(Value::None),
            None => Value::None,
        };
        return match code {
            Value::None => 0,
            // The process's status is the code's low byte, as C's `exit`.
            Value::Int(n) => (n & 0xFF) as i32,
            // Past a C long, CPython's `PyLong_AsLong` gives -1.
            Value::BigInt(_) => 255,
            Value::Bool(b) => b.get() as i32,
            other => {
                let text = interp.to_str(&other).unwrap_or_default();
                let _ = interp.flush_stdout();
                eprintln!("{text}");
                1
            }
        };
    }
    let _ = interp.flush_stdout();
    diagnostics::report_uncaught(interp, &error);
    if let Some(status) = interp.limits.stop_status(&error) {
        return status;
    }
    if interp.is_instance_of(&error, ExcType::KeyboardInterrupt) {
        // The process then ends by SIGINT (`interrupt::exit_by_sigint`);
        // this is the status a shell shows for that.
        crate::runtime::interrupt::end_by_interrupt();
        return 130;
    }
    if interp.limits.has_memory_limit() && interp.is_instance_of(&error, ExcType::MemoryError) {
        return crate::runtime::limits::MEMORY_STATUS;
    }
    if interp.sandbox.is_some() && interp.is_instance_of(&error, ExcType::PermissionError) {
        return crate::runtime::sandbox::REFUSED_STATUS;
    }
    1
}

#[cfg(test)]
mod tests {
    use super::{decode, run_main};
    use crate::runtime::interp::Interp;
    use crate::runtime::output::Output;

    /// Runs `source` with a budget of `steps` instructions: exit status and stdout.
    fn run_with_budget(source: &str, steps: u64) -> (i32, String) {
        let mut interp = Interp::new(vec!["budget.pyl".into()]);
        interp.out = Output::captured();
        interp.limits.limit_steps(steps);
        let status = run_main(&mut interp, "budget.pyl", source.into());
        let stdout = String::from_utf8(interp.out.take_captured()).unwrap_or_default();
        (status, stdout)
    }

    #[test]
    fn a_program_past_its_step_budget_is_stopped_whatever_it_catches() {
        let sync = "print('start')\n\
                    while True:\n\
                    \x20   try:\n\
                    \x20       while True:\n\
                    \x20           pass\n\
                    \x20   except BaseException:\n\
                    \x20       print('caught')\n\
                    \x20   finally:\n\
                    \x20       print('finally')\n";
        let (status, stdout) = run_with_budget(sync, 20_000);
        assert_eq!(status, crate::runtime::limits::TIME_STATUS);
        assert_eq!(stdout, "start\n");
        let in_a_task = "import asyncio\n\
                         async def spin():\n\
                         \x20   while True:\n\
                         \x20       try:\n\
                         \x20           await asyncio.sleep(0)\n\
                         \x20       except BaseException:\n\
                         \x20           print('caught')\n\
                         async def main():\n\
                         \x20   try:\n\
                         \x20       await asyncio.create_task(spin())\n\
                         \x20   finally:\n\
                         \x20       print('main finally')\n\
                         print('start')\n\
                         asyncio.run(main())\n\
                         print('not reached')\n";
        let (status, stdout) = run_with_budget(in_a_task, 50_000);
        assert_eq!(status, crate::runtime::limits::TIME_STATUS);
        assert_eq!(stdout, "start\n");
    }

    /// Finalizers run at polls and tick themselves: every drop position
    /// relative to the countdown must leave the polls going, or a budget
    /// (or Ctrl-C) would never stop the loop.
    #[test]
    fn finalizers_at_every_point_of_the_countdown_leave_the_polls_going() {
        let source = "class Noisy:\n\
                      \x20   def __del__(self):\n\
                      \x20       for i in range(3):\n\
                      \x20           pass\n\
                      def drop_one():\n\
                      \x20   Noisy()\n\
                      print('start')\n\
                      while True:\n\
                      \x20   drop_one()\n\
                      \x20   x = Noisy()\n\
                      \x20   x = None\n";
        for steps in [5_000, 5_001, 5_002, 5_003, 5_004, 5_005, 5_006, 5_007] {
            let (status, stdout) = run_with_budget(source, steps);
            assert_eq!(status, crate::runtime::limits::TIME_STATUS);
            assert_eq!(stdout, "start\n");
        }
    }

    #[test]
    fn source_that_is_not_utf8_is_refused_as_cpython_refuses_it() {
        let (_, error) = decode("script.pyl", b"x = 1\nprint('caf\xe9')\n".to_vec()).unwrap_err();
        assert_eq!(
            error.message,
            "Non-UTF-8 code starting with '\\xe9' in file script.pyl on line 2, \
             but no encoding declared; see https://peps.python.org/pep-0263/ for details"
        );
        assert_eq!(error.span.start, 16);
        assert_eq!(decode("ok.pyl", "é = 1\n".into()).unwrap(), "é = 1\n");
    }
}
