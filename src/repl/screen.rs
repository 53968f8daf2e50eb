//! Text printed while the prompt waits — what tasks print between inputs —
//! goes above the prompt, which is drawn again under it with the line
//! being typed, where the line editor expects to find them.
//!
//! The editor (on its own thread) records what it draws through its
//! highlighter ([`Shown`]); the main thread prints with [`Screen`].
//! rustyline's own `ExternalPrinter` would do this, but with it the editor
//! leaves keys that arrive together (a paste, fast typing) unprocessed
//! until the next key.

use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};

use unicode_width::UnicodeWidthChar;

/// What the editor shows now.
#[derive(Default)]
pub struct Shown {
    /// Whether a prompt is on the screen, waiting for keys.
    pub reading: bool,
    /// Whether `line` is what is on the screen: the highlighter saw it.
    pub known: bool,
    pub prompt: String,
    /// The line as typed, and as drawn (highlighted).
    pub line: String,
    pub drawn: String,
    /// The cursor's byte offset in `line`.
    pub pos: usize,
}

/// A place in the edit area: rows from the prompt's, columns.
#[derive(Clone, Copy)]
struct Position {
    row: usize,
    col: usize,
}

/// Where the editor's text ends on screen and where its cursor is,
/// computed as rustyline computes them (its `compute_layout`).
struct Layout {
    cursor: Position,
    end: Position,
}

impl Shown {
    fn layout(&self) -> Layout {
        let columns = terminal_size::terminal_size().map_or(80, |(width, _)| width.0 as usize);
        let start = Position { row: 0, col: 0 };
        let prompt = advance(&self.prompt, start, columns);
        let cursor = advance(&self.line[..self.pos], prompt, columns);
        let end = advance(&self.line[self.pos..], cursor, columns);
        Layout { cursor, end }
    }
}

/// Where `text` ends when drawn from `from` on a terminal `columns` wide
/// (rustyline's `calculate_position`: a character that does not fit goes
/// to the next row; a full row moves the cursor to the next).
fn advance(text: &str, from: Position, columns: usize) -> Position {
    const TAB_STOP: usize = 8;
    let mut at = from;
    for c in text.chars() {
        if c == '\n' {
            at = Position {
                row: at.row + 1,
                col: 0,
            };
            continue;
        }
        let width = match c {
            '\t' => TAB_STOP - at.col % TAB_STOP,
            _ => c.width().unwrap_or(0),
        };
        at.col += width;
        if at.col > columns {
            at = Position {
                row: at.row + 1,
                col: width,
            };
        }
    }
    if at.col == columns {
        at = Position {
            row: at.row + 1,
            col: 0,
        };
    }
    at
}

#[derive(Clone, Default)]
pub struct Screen {
    pub shown: Arc<Mutex<Shown>>,
}

impl Screen {
    pub fn shown(&self) -> MutexGuard<'_, Shown> {
        self.shown
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Prints `text` to stdout above the prompt, if one waits.
    pub fn print(&self, text: &str) {
        let shown = self.shown();
        clear_prompt(&shown);
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        if shown.reading && !text.ends_with('\n') {
            let _ = out.write_all(b"\n");
        }
        let _ = out.flush();
        drop(out);
        redraw_prompt(&shown);
    }

    /// Runs `report` (which writes to stderr) above the prompt, if one
    /// waits.
    pub fn report(&self, report: impl FnOnce()) {
        let shown = self.shown();
        clear_prompt(&shown);
        report();
        redraw_prompt(&shown);
    }
}

/// Clears the prompt and the line being typed, leaving the cursor where
/// the prompt began, for what is printed next.
fn clear_prompt(shown: &Shown) {
    if !shown.reading {
        return;
    }
    let mut out = std::io::stdout().lock();
    if shown.known {
        let up = shown.layout().cursor.row;
        if up > 0 {
            let _ = write!(out, "\x1b[{up}A");
        }
        let _ = out.write_all(b"\r\x1b[J");
    } else {
        // What the editor shows is unknown: it stays, and what is printed
        // goes under it.
        let _ = out.write_all(b"\r\n");
    }
    let _ = out.flush();
}

/// The prompt and the line again, the cursor where it was, as the editor
/// draws them (its `refresh_line`), so that it finds them where it left
/// them.
fn redraw_prompt(shown: &Shown) {
    if !(shown.reading && shown.known) {
        return;
    }
    let Layout { cursor, end } = shown.layout();
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{}{}", shown.prompt, shown.drawn);
    if end.col == 0 && end.row > 0 && !shown.line.ends_with('\n') {
        let _ = out.write_all(b"\n");
    }
    if end.row > cursor.row {
        let _ = write!(out, "\x1b[{}A", end.row - cursor.row);
    }
    let _ = out.write_all(b"\r");
    if cursor.col > 0 {
        let _ = write!(out, "\x1b[{}C", cursor.col);
    }
    let _ = out.flush();
}
