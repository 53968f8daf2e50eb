//! Ctrl-C (and Ctrl-\, which prints the task tree): the signal handler only sets a flag; the evaluator polls it
//! between instructions (and the clock while it sleeps) and raises
//! `KeyboardInterrupt` at that point, as CPython does between bytecodes.
//! A program that a `KeyboardInterrupt` ends then ends as CPython's does,
//! killed by SIGINT itself, so that a shell (a loop in a script) sees
//! that it was interrupted ([`exit_by_sigint`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};

use signal_hook::consts::{SIGINT, SIGQUIT};

static INTERRUPTED: LazyLock<Arc<AtomicBool>> = LazyLock::new(Arc::default);

/// SIGQUIT (Ctrl-\): print the task tree and go on.
static QUIT: LazyLock<Arc<AtomicBool>> = LazyLock::new(Arc::default);

/// The REPL's line editor, on its own thread, has something for the main
/// thread, which may be waiting for the event loop's next timer.
static WOKEN: AtomicBool = AtomicBool::new(false);

/// Whether an uncaught `KeyboardInterrupt` ended the program.
static ENDED_BY_INTERRUPT: AtomicBool = AtomicBool::new(false);

/// Installs the SIGINT handler; if it cannot be installed, Ctrl-C keeps
/// its default effect.
pub fn install_handler() {
    let _ = signal_hook::flag::register(SIGINT, INTERRUPTED.clone());
    let _ = signal_hook::flag::register(SIGQUIT, QUIT.clone());
}

/// Whether Ctrl-\ was pressed since the last call (clears the flag).
pub fn take_quit() -> bool {
    QUIT.load(Ordering::Relaxed) && QUIT.swap(false, Ordering::Relaxed)
}

/// Whether Ctrl-C or Ctrl-\ waits to be handled, or the REPL's editor
/// woke the main thread: a wait ends early for it.
pub fn signal_pending() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
        || QUIT.load(Ordering::Relaxed)
        || WOKEN.load(Ordering::Relaxed)
}

/// Ends the main thread's wait (from the REPL's editor thread).
pub fn wake() {
    WOKEN.store(true, Ordering::SeqCst);
}

/// Whether [`wake`] was called since the last call (clears it).
pub fn take_wake() -> bool {
    WOKEN.swap(false, Ordering::SeqCst)
}

/// Ctrl-C as the signal delivers it, for a Ctrl-C that reached the REPL's
/// editor as a key while the main thread runs code.
pub fn raise() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Whether Ctrl-C was pressed since the last call (clears the flag).
pub fn take() -> bool {
    INTERRUPTED.load(Ordering::Relaxed) && INTERRUPTED.swap(false, Ordering::Relaxed)
}

/// Whether Ctrl-C is pending, without clearing it.
pub fn pending() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Records that an uncaught `KeyboardInterrupt` is ending the program.
pub fn end_by_interrupt() {
    ENDED_BY_INTERRUPT.store(true, Ordering::Relaxed);
}

/// When a `KeyboardInterrupt` ended the program, ends the process by
/// SIGINT, as CPython does (its exit status is then the shell's 130);
/// otherwise returns. Call it last: nothing after it runs.
pub fn exit_by_sigint() {
    if ENDED_BY_INTERRUPT.load(Ordering::Relaxed) {
        let _ = signal_hook::low_level::emulate_default_handler(SIGINT);
    }
}
