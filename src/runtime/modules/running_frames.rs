//! The running frames, for the modules that read them: `logging` (which
//! line logged), `traceback` (`print_stack`, `extract_stack`) and
//! `warnings` (which line warned). pyl
//! keeps them (`Interp::running`) for functions only once one of these
//! is imported; see the invariant on running frames in ARCHITECTURE.md.

use crate::diagnostics::line_of;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::NativeFn;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

pub const NATIVES: &[(&str, NativeFn)] = &[("_frames", frames), ("_track_frames", track_frames)];

/// `_track_frames()`: from now on every frame goes on the stack of
/// running frames (`Interp::running`), which only modules' frames are on
/// until a program imports `logging` or `traceback`.
pub fn track_frames(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    if interp.tracks_frames {
        return Ok(Value::None);
    }
    interp.tracks_frames = true;
    Ok(Value::None)
}

/// `_frames()`: `(pathname, lineno, funcName)` of each running frame,
/// innermost first, ending with `None` where frames are missing: those of
/// functions that were running when `logging` or `traceback` was imported.
pub fn frames(interp: &mut Interp, _: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
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
        // A frame more than one deeper than the one below it was called
        // by functions that are not on the stack: running when tracking
        // began (an imported module's body adds no depth).
        if index > 0 && frame.depth > running[index - 1].depth + 1 {
            items.push(Value::None);
            break;
        }
    }
    Ok(Value::list(items))
}
