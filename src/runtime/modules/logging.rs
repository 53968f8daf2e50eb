//! The native of the `logging` module, whose Python is
//! `python/logging.pyl`: the running frames, from which a record names
//! the line that logged (CPython reads `sys._getframe()`).

use crate::diagnostics::line_of;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::NativeFn;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

pub const NATIVES: &[(&str, NativeFn)] = &[("_frames", frames), ("_track_frames", track_frames)];

/// `_track_frames()`: from now on every frame goes on the stack of
/// running frames (`Interp::running`), which only modules' frames are on
/// until a program imports `logging`.
fn track_frames(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    if interp.tracks_frames {
        return Ok(Value::None);
    }
    interp.tracks_frames = true;
    // The main module's frame is depth 1 and a module's body adds none.
    // The frame running this is logging's own body, the last on the stack:
    // the functions missing are between it and the frame before it.
    if interp.depth > 1 {
        let own_body = interp.running.len().saturating_sub(1);
        interp.untracked = Some((own_body, interp.depth));
    }
    Ok(Value::None)
}

/// `_frames()`: `(pathname, lineno, funcName)` of each running frame,
/// innermost first, ending with `None` where frames are missing: those of
/// functions that were running when `logging` was imported.
fn frames(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let running = &interp.running;
    let mut items = Vec::with_capacity(running.len());
    let mut pc = interp.running_pc;
    for (index, frame) in running.iter().enumerate().rev() {
        let code = &frame.code;
        let offset = code
            .spans
            .get(pc as usize)
            .map_or(code.span.start, |span| span.start);
        let line = line_of(&code.source.text, offset as usize);
        items.push(Value::tuple(vec![
            Value::str(code.source.name.as_str()),
            Value::from(line as i64),
            Value::str(&*code.name),
        ]));
        pc = frame.caller_pc;
        if let Some((length, depth)) = interp.untracked {
            if index == length && frame.depth > depth {
                items.push(Value::None);
                break;
            }
        }
    }
    Ok(Value::list(items))
}

/// What CPython's `BaseSelectorEventLoop.__init__` logs for each new
/// event loop (`Using selector: EpollSelector`, at DEBUG, on the
/// `asyncio` logger), which pyl's loop, being Rust, logs here: only if
/// the program imported `logging` (CPython's asyncio imports it, but
/// nothing is shown without a handler the program added).
pub fn event_loop_made(interp: &mut Interp) -> PyResult<()> {
    let Some(Value::Module(logging)) = interp.modules.get("logging").cloned() else {
        return Ok(());
    };
    let report = logging.namespace.borrow().get("_event_loop_made").cloned();
    if let Some(report) = report {
        interp.call(&report, &[], &[])?;
    }
    Ok(())
}
