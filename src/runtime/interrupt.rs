//! Ctrl-C: the signal handler only sets a flag; the evaluator polls it
//! between instructions (and the clock while it sleeps) and raises
//! `KeyboardInterrupt` at that point, as CPython does between bytecodes.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the SIGINT handler; without one (another handler is already
/// installed) Ctrl-C keeps its default effect.
pub fn install_handler() {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::Relaxed));
}

/// Whether Ctrl-C was pressed since the last call (clears the flag).
pub fn take() -> bool {
    INTERRUPTED.load(Ordering::Relaxed) && INTERRUPTED.swap(false, Ordering::Relaxed)
}

/// Whether Ctrl-C is pending, without clearing it.
pub fn pending() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}
