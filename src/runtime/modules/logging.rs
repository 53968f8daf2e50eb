//! What the `logging` module (`python/logging.pyl`) has in Rust: its
//! natives are the running frames' (`running_frames.rs`), from which a
//! record names the line that logged (CPython reads `sys._getframe()`);
//! and the record each new event loop logs.

use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::value::Value;

pub use super::running_frames::NATIVES;

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
