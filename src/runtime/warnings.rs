//! Warnings, as CPython's `warnings` module shows them with its default
//! filter: `FILE:LINE: Category: message`, the source line, each shown
//! once per place. The compiler's (`compile/syntax_warnings.rs`) are
//! printed once the module is compiled. At run time the only one pyl
//! raises is a coroutine's "was never awaited", which a `Drop` raises —
//! where the interpreter, its position and its stdout buffer are out of
//! reach. So the warning waits here for
//! the interpreter to say where it is ([`locate`], at its next poll or
//! when its frame ends: the line that dropped the coroutine, as
//! CPython's; at the end of a program or REPL input, those still waiting
//! are placed at `sys:1`), and is printed at the next write to stdout or
//! at exit, after flushing stdout (`Interp::emit_warnings`).

use std::cell::{Cell, RefCell};

use super::limits;
use crate::compile::ir::{Code, Source};
use crate::diagnostics::{line_of, line_text};
use crate::syntax::ast::Name;

thread_local! {
    /// Coroutines dropped before they ran, waiting for a place.
    static UNPLACED: RefCell<Vec<Name>> = const { RefCell::new(Vec::new()) };
    /// Warnings ready to print.
    static PENDING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// Whether `PENDING`, `UNPLACED` have any. The loop asks after every
    /// callback; a `Cell<bool>` answers without the check that a vector's
    /// destructor is registered, which every access to one pays.
    static ANY: Cell<bool> = const { Cell::new(false) };
    static ANY_UNPLACED: Cell<bool> = const { Cell::new(false) };
    /// The first lines of the warnings shown: CPython's default filter
    /// shows a warning once for each place (`__warningregistry__`).
    static SHOWN: RefCell<hashbrown::HashSet<String>> = RefCell::default();
}

/// CPython's warning for a coroutine collected before it ran.
pub fn warn_never_awaited(name: &str) {
    UNPLACED.with(|unplaced| unplaced.borrow_mut().push(name.into()));
    ANY_UNPLACED.set(true);
    limits::poll_soon();
}

/// Whether warnings are ready to print.
#[inline]
pub fn any_pending() -> bool {
    ANY.get()
}

/// Whether warnings wait for a place.
#[inline]
pub fn any_unplaced() -> bool {
    ANY_UNPLACED.get()
}

/// Places the waiting warnings at instruction `pc` of `code` — or, with
/// no place, at `sys:1`, as CPython when no Python code is running.
pub fn locate(place: Option<(&Code, u32)>) {
    // Not in Python bundled with pyl: its frames are CPython's C code or
    // asyncio's, which keep what they drop until the program's own code
    // (or the exit) reports it.
    if place.is_some_and(|(code, _)| code.source.bundled()) {
        return;
    }
    if !ANY_UNPLACED.get() {
        return;
    }
    match place {
        Some((code, pc)) => {
            let start = code.spans.get(pc as usize).map_or(0, |span| span.start) as usize;
            let text = &code.source.text;
            let location = format!("{}:{}", code.source.name, line_of(text, start));
            place_at(&location, Some(line_text(text, start)));
        }
        None => place_at("sys:1", None),
    }
}

/// Places the waiting warnings where CPython's loop runs a callback
/// (`Handle._run`): what a callback dropped once no frame of the program
/// ran any more — a finished coroutine's locals — is reported there.
pub fn locate_in_loop_callback() {
    if ANY_UNPLACED.get() {
        place_at(HANDLE_RUN, Some(HANDLE_RUN_LINE));
    }
}

/// `Handle._run`'s line in CPython's `asyncio/events.py` (Debian's 3.11,
/// the reference interpreter, as `describe.rs` names its files).
const HANDLE_RUN: &str = "/usr/lib/python3.11/asyncio/events.py:80";
const HANDLE_RUN_LINE: &str = "self._context.run(self._callback, *self._args)";

/// The waiting warnings, placed at `location`; with its source line, as
/// the `warnings` module shows them, or with none (`sys:1`), as its C
/// fallback does.
fn place_at(location: &str, source_line: Option<&str>) {
    ANY_UNPLACED.set(false);
    let names = UNPLACED.with(|unplaced| std::mem::take(&mut *unplaced.borrow_mut()));
    for name in names {
        let first = format!("{location}: RuntimeWarning: coroutine '{name}' was never awaited");
        if !SHOWN.with(|shown| shown.borrow_mut().insert(first.clone())) {
            continue;
        }
        let mut warning = first;
        // With a place, CPython's `warnings` module adds the source line and
        // the hint; at exit (`sys:1`) its C fallback prints neither.
        if let Some(source_line) = source_line {
            if !source_line.is_empty() {
                warning.push_str("\n  ");
                warning.push_str(source_line);
            }
            warning.push_str(
                "\nRuntimeWarning: Enable tracemalloc to get the object allocation traceback",
            );
        }
        PENDING.with(|pending| pending.borrow_mut().push(warning));
        ANY.set(true);
    }
}

/// A warning of the compiler's (`SyntaxWarning`) at byte `offset` of
/// `source`: shown every time, as the compiler warns with no registry,
/// and with no source line for a source that is no file (`<stdin>`), as
/// `linecache` finds none.
pub fn warn_at_compile(source: &Source, offset: usize, category: &str, message: &str) {
    let text = &source.text;
    let mut warning = format!(
        "{}:{}: {category}: {message}",
        source.name,
        line_of(text, offset)
    );
    if !source.name.starts_with('<') {
        warning.push_str("\n  ");
        warning.push_str(line_text(text, offset));
    }
    PENDING.with(|pending| pending.borrow_mut().push(warning));
    ANY.set(true);
}

/// Takes the warnings ready to be printed.
pub fn take_pending() -> Vec<String> {
    ANY.set(false);
    PENDING.with(|pending| std::mem::take(&mut *pending.borrow_mut()))
}
