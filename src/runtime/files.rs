//! `open()` and the text files it returns: CPython's `TextIOWrapper` over
//! a buffered file, for UTF-8 text. Reading decodes in chunks of
//! [`CHUNK_SIZE`] bytes with universal newlines (or the line ends
//! `newline=` gives, untranslated), as CPython does — so a
//! decoding error surfaces at the same call, with the same position
//! (counted from the start of the chunk); writing is buffered and flushed
//! at `flush()`, `close()` and the end of the program.
//!
//! `sys.stdin` is one of these too, over the standard input, and
//! `input()` reads through it, so the two share what was read ahead.
//!
//! `seek` and `tell` take and give byte offsets, which is what CPython's
//! cookies are for UTF-8 at a character boundary — except just after a
//! `\r` read as a line end, where CPython's cookie also packs its newline
//! decoder's state: `tell()` there is `NotImplementedError`.
//!
//! Binary files (`'b'`) are not supported yet: they raise
//! `NotImplementedError`, as do `'+'` modes, `truncate` and `fileno`.

use std::cell::RefCell;
use std::io::{Read, Seek, SeekFrom, Write};
use std::rc::Rc;

use super::builtins::add_method;
use super::builtins::sequences::check_args;
use super::codecs::{decode_utf8, Codec, Lookup, OnError};
use super::error::{ExcType, PyErr, PyResult};
use super::interp::Interp;
use super::object::{Class, Layout, NativeObject};
use super::value::{Flag, Value};
use crate::syntax::ast::Name;

/// Bytes read and decoded at a time (CPython's `_CHUNK_SIZE`).
const CHUNK_SIZE: usize = 8192;

/// Written text kept before it goes to the file (CPython's buffer size).
const WRITE_BUFFER: usize = 8192;

pub fn install(interp: &mut Interp) {
    let object = interp.types.object.clone();
    let class = interp.define_class_in(
        FILE_CLASS,
        "TextIOWrapper",
        "_io",
        vec![object],
        Layout::Builtin,
    );
    let bases = vec![
        interp.types.exception(ExcType::OSError).clone(),
        interp.types.exception(ExcType::ValueError).clone(),
    ];
    interp.define_class_in(
        UNSUPPORTED_OPERATION,
        UNSUPPORTED_OPERATION,
        "io",
        bases,
        Layout::Exception,
    );
    add_method(&class, "read", file_read);
    add_method(&class, "readline", file_readline);
    add_method(&class, "readlines", file_readlines);
    add_method(&class, "write", file_write);
    add_method(&class, "writelines", file_writelines);
    add_method(&class, "flush", file_flush);
    add_method(&class, "close", file_close);
    add_method(&class, "readable", file_readable);
    add_method(&class, "writable", file_writable);
    add_method(&class, "__enter__", file_enter);
    add_method(&class, "__exit__", file_exit);
    add_method(&class, "__iter__", file_enter);
    add_method(&class, "seek", file_seek);
    add_method(&class, "tell", file_tell);
    for name in ["truncate", "fileno"] {
        add_method(&class, name, file_unsupported);
    }
    super::builtins::add_function(&interp.builtins.namespace, "open", builtin_open);
}

/// Files from `open()` print as CPython's `_io.TextIOWrapper`, like
/// `sys.stdout`, but have methods of their own.
fn file_class(interp: &Interp) -> Rc<Class> {
    interp.native_class(FILE_CLASS)
}

const FILE_CLASS: &str = "open() file";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Write,
}

pub struct TextFile {
    name: Box<str>,
    mode: Box<str>,
    encoding: Box<str>,
    on_error: OnError,
    access: Access,
    /// `open()`'s `newline`; the standard input's lines end at `\n`
    /// alone, and a `\r` stays, as in CPython's `sys.stdin`.
    newline: Newline,
    state: RefCell<State>,
}

/// How a text file reads and writes line ends: `open()`'s `newline`.
#[derive(Clone, Copy, PartialEq)]
enum Newline {
    /// `None`: universal newlines, `\r\n` and `\r` read as `\n`.
    Translated,
    /// `''`: lines end at `\n`, `\r\n` or `\r`, read as they are.
    Untranslated,
    /// `'\n'`, `'\r'` or `'\r\n'`: lines end there alone, read as they
    /// are; a `\n` written is written as this.
    Only(&'static str),
}

impl Newline {
    fn from_argument(interp: &Interp, newline: Option<&str>) -> PyResult<Newline> {
        Ok(match newline {
            None => Newline::Translated,
            Some("") => Newline::Untranslated,
            Some("\n") => Newline::Only("\n"),
            Some("\r") => Newline::Only("\r"),
            Some("\r\n") => Newline::Only("\r\n"),
            Some(other) => {
                return Err(interp.value_error(format!("illegal newline value: {other}")))
            }
        })
    }

    /// Where the first line of `text` ends (after its line end), if it
    /// ends in `text` — a `\r` at its end may be the start of a `\r\n`.
    fn line_end(self, text: &str) -> Option<usize> {
        match self {
            Newline::Translated => text.find('\n').map(|at| at + 1),
            Newline::Only(end) => text.find(end).map(|at| at + end.len()),
            Newline::Untranslated => {
                let at = text.find(['\r', '\n'])?;
                let bytes = text.as_bytes();
                if bytes[at] == b'\n' {
                    return Some(at + 1);
                }
                match bytes.get(at + 1) {
                    Some(b'\n') => Some(at + 2),
                    Some(_) => Some(at + 1),
                    None => None,
                }
            }
        }
    }
}

/// What a text file reads from or writes to.
enum Source {
    File(std::fs::File),
    Stdin,
}

impl Read for Source {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Source::File(file) => file.read(buffer),
            Source::Stdin => {
                wait_for_stdin()?;
                std::io::stdin().read(buffer)
            }
        }
    }
}

/// Blocks until the standard input has something to read, or fails with
/// `Interrupted` as soon as Ctrl-C is pressed: a blocking `read` would
/// go on waiting (the handler only sets a flag and the read restarts), so
/// that `input()` at a terminal could not be interrupted. Standard input
/// that cannot be polled (a regular file) is always ready.
fn wait_for_stdin() -> std::io::Result<()> {
    use mio::{unix::SourceFd, Events, Interest, Poll, Token};
    use std::os::fd::AsRawFd;
    let stdin = std::io::stdin().as_raw_fd();
    let mut poll = Poll::new()?;
    let registered =
        (poll.registry()).register(&mut SourceFd(&stdin), Token(0), Interest::READABLE);
    if registered.is_err() {
        return Ok(());
    }
    let mut events = Events::with_capacity(1);
    loop {
        if super::interrupt::pending() {
            return Err(std::io::ErrorKind::Interrupted.into());
        }
        // The slice bounds how late a Ctrl-C that arrives just before the
        // wait begins is noticed; one during the wait ends it at once.
        match poll.poll(&mut events, Some(std::time::Duration::from_millis(100))) {
            Ok(()) if !events.is_empty() => return Ok(()),
            Err(error) if error.kind() != std::io::ErrorKind::Interrupted => return Err(error),
            _ => {}
        }
    }
}

/// One `read`, again after a signal interrupted it; Ctrl-C raises
/// `KeyboardInterrupt` (unless it cancelled `asyncio.run`'s main task
/// instead, which sees it at its next `await`, as a blocking
/// `time.sleep` does).
fn read_interruptibly(
    interp: &mut Interp,
    file: &mut Source,
    buffer: &mut [u8],
) -> PyResult<usize> {
    loop {
        match file.read(buffer) {
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {
                if super::interrupt::take() {
                    if let Some(error) = interp.keyboard_interrupt() {
                        return Err(error);
                    }
                }
            }
            result => return result.map_err(|error| interp.os_error(error)),
        }
    }
}

impl Write for Source {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        match self {
            Source::File(file) => file.write(buffer),
            Source::Stdin => Err(std::io::ErrorKind::Unsupported.into()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Source::File(file) => file.flush(),
            Source::Stdin => Ok(()),
        }
    }
}

impl Source {
    /// The bytes from here to the end, which only a regular file knows:
    /// 0 for the standard input (it is then read a chunk at a time).
    fn bytes_left(&mut self) -> std::io::Result<usize> {
        let Source::File(file) = self else {
            return Ok(0);
        };
        let length = file.metadata()?.len();
        let left = length.saturating_sub(file.stream_position()?);
        Ok(usize::try_from(left).unwrap_or(usize::MAX))
    }
}

struct State {
    /// `None` once closed.
    file: Option<Source>,
    /// Bytes read but not decoded yet: a character cut by a chunk's end.
    undecoded: Vec<u8>,
    /// Decoded text not returned yet, from `consumed` on.
    decoded: String,
    consumed: usize,
    /// A `\r` at a chunk's end waits to see whether `\n` follows.
    pending_cr: bool,
    /// Bytes per character in the last chunk, which sizes the next one.
    bytes_per_char: f64,
    /// Where in `decoded` newline translation read a `\r\n` as `\n`:
    /// the file's bytes that `decoded`'s length does not count, which
    /// `tell()` needs.
    dropped_crs: Vec<usize>,
    /// Where in `decoded` a lone `\r` was read as `\n`.
    lone_crs: Vec<usize>,
    /// Whether the last text returned ended with a lone `\r` read as `\n`
    /// (a read that finds the end of the file settles CPython's decoder).
    after_lone_cr: bool,
    /// False while `next()` reads the file, until it reaches the end:
    /// CPython's `tell()` refuses then.
    telling: bool,
    /// Text written and not yet in the file.
    written: Vec<u8>,
}

impl NativeObject for TextFile {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        file_class(interp)
    }

    fn next(&self, interp: &mut Interp) -> Option<PyResult<Option<Value>>> {
        self.state.borrow_mut().telling = false;
        let line = match self.readline(interp, usize::MAX) {
            Ok(line) => line,
            Err(error) => return Some(Err(error)),
        };
        if line.is_empty() {
            self.state.borrow_mut().telling = true;
            return Some(Ok(None));
        }
        Some(Ok(Some(Value::str(line))))
    }

    fn get_attribute(&self, _interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        match name {
            "name" => Some(Ok(Value::str(&*self.name))),
            "mode" => Some(Ok(Value::str(&*self.mode))),
            "encoding" => Some(Ok(Value::str(&*self.encoding))),
            "errors" => Some(Ok(Value::str(self.on_error.name()))),
            "closed" => Some(Ok(Value::from(self.state.borrow().file.is_none()))),
            _ => None,
        }
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        let name = interp.repr(&Value::str(&*self.name));
        Some(name.map(|name| {
            format!(
                "<_io.TextIOWrapper name={name} mode='{}' encoding='{}'>",
                self.mode, self.encoding
            )
        }))
    }
}

impl Drop for TextFile {
    /// A file the program dropped without closing is flushed, as CPython's
    /// finalizer does (errors cannot be reported any more).
    fn drop(&mut self) {
        let _ = self.state.get_mut().flush();
    }
}

impl State {
    fn new(source: Source) -> RefCell<State> {
        RefCell::new(State {
            file: Some(source),
            undecoded: Vec::new(),
            decoded: String::new(),
            consumed: 0,
            pending_cr: false,
            bytes_per_char: 0.0,
            dropped_crs: Vec::new(),
            lone_crs: Vec::new(),
            after_lone_cr: false,
            telling: true,
            written: Vec::new(),
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Some(file) = &mut self.file {
            if !self.written.is_empty() {
                let result = file.write_all(&self.written);
                self.written.clear();
                result?;
            }
        }
        Ok(())
    }

    /// The decoded text not returned yet.
    fn available(&self) -> &str {
        &self.decoded[self.consumed..]
    }

    /// Returns the first `bytes` bytes of the available text.
    fn take(&mut self, bytes: usize) -> String {
        let text = self.available()[..bytes].to_string();
        self.consumed += bytes;
        if bytes > 0 {
            self.after_lone_cr = self.lone_crs.binary_search(&(self.consumed - 1)).is_ok();
        }
        if self.consumed == self.decoded.len() {
            self.decoded.clear();
            self.consumed = 0;
            self.dropped_crs.clear();
            self.lone_crs.clear();
        }
        text
    }
}

impl TextFile {
    /// `sys.stdin`.
    pub fn stdin() -> TextFile {
        TextFile {
            name: "<stdin>".into(),
            mode: "r".into(),
            encoding: "utf-8".into(),
            on_error: OnError::Strict,
            access: Access::Read,
            newline: Newline::Only("\n"),
            state: State::new(Source::Stdin),
        }
    }

    fn check_open(&self, interp: &Interp) -> PyResult<()> {
        match self.state.borrow().file {
            Some(_) => Ok(()),
            None => Err(closed_file(interp)),
        }
    }

    fn check_access(&self, interp: &Interp, access: Access) -> PyResult<()> {
        self.check_open(interp)?;
        if self.access == access {
            return Ok(());
        }
        let message = match access {
            Access::Read => "not readable",
            Access::Write => "not writable",
        };
        Err(unsupported_operation(interp, message))
    }

    /// Reads and decodes one more chunk — bigger than [`CHUNK_SIZE`] when
    /// `wanted` characters are likely to take more bytes, as CPython
    /// sizes it; false at the end of the file (which a file that grows
    /// afterwards can be read past, as in CPython).
    fn read_chunk(&self, interp: &mut Interp, wanted: usize) -> PyResult<bool> {
        let (chunk, read) = self.read_bytes(interp, wanted)?;
        let at_eof = read == 0;
        let chars = self.decode_into(interp, chunk, at_eof)?;
        if chars > 0 {
            self.state.borrow_mut().bytes_per_char = read as f64 / chars as f64;
        }
        Ok(!at_eof)
    }

    /// The undecoded bytes followed by the next chunk's; how many were read.
    fn read_bytes(&self, interp: &mut Interp, wanted: usize) -> PyResult<(Vec<u8>, usize)> {
        let mut state = self.state.borrow_mut();
        let state = &mut *state;
        let Some(file) = state.file.as_mut() else {
            return Err(closed_file(interp));
        };
        let mut size = (wanted as f64 * state.bytes_per_char.max(1.0)) as usize;
        if size > CHUNK_SIZE {
            // No bigger than what is left, plus one byte to see the end.
            let left = file.bytes_left().map_err(|error| interp.os_error(error))?;
            size = size.min(left.saturating_add(1));
        }
        let size = size.max(CHUNK_SIZE);
        interp.check_allocation(size, 1)?;
        let mut chunk = std::mem::take(&mut state.undecoded);
        let start = chunk.len();
        chunk.resize(start + size, 0);
        let read = read_interruptibly(interp, file, &mut chunk[start..])?;
        chunk.truncate(start + read);
        Ok((chunk, read))
    }

    /// Decodes `bytes` (the text after what is decoded so far) and appends
    /// it, newlines translated; `last` when nothing follows. Returns the
    /// number of characters decoded.
    fn decode_into(&self, interp: &mut Interp, bytes: Vec<u8>, last: bool) -> PyResult<usize> {
        let (text, rest) = decode_utf8(&bytes, last, self.on_error)
            .map_err(|error| error.into_exception(interp, &bytes))?;
        let mut state = self.state.borrow_mut();
        state.undecoded = bytes[bytes.len() - rest..].to_vec();
        let text = if self.newline == Newline::Translated {
            let state = &mut *state;
            let offset = state.decoded.len();
            let (text, translated) = translate_newlines(text, &mut state.pending_cr, last);
            (state.dropped_crs).extend(translated.crlfs.into_iter().map(|at| offset + at));
            (state.lone_crs).extend(translated.lone_crs.into_iter().map(|at| offset + at));
            text
        } else {
            text
        };
        interp.reserve_text(&mut state.decoded, text.len())?;
        state.decoded.push_str(&text);
        Ok(text.chars().count())
    }

    /// `read()`: the rest of the file, decoded in one piece as CPython
    /// does (so error positions count from what was decoded already).
    fn read_all(&self, interp: &mut Interp) -> PyResult<String> {
        let mut state = self.state.borrow_mut();
        let state_now = &mut *state;
        let Some(file) = state_now.file.as_mut() else {
            return Err(closed_file(interp));
        };
        // The rest of the file, and as much again as text.
        let left = file.bytes_left().map_err(|error| interp.os_error(error))?;
        interp.check_allocation(left, 2)?;
        let mut rest = std::mem::take(&mut state_now.undecoded);
        let mut filled = rest.len();
        // Room for the rest and one byte more, to see the end at once.
        rest.resize(filled + left + 1, 0);
        loop {
            if filled == rest.len() {
                rest.resize(filled + CHUNK_SIZE, 0);
            }
            match read_interruptibly(interp, file, &mut rest[filled..])? {
                0 => break,
                read => filled += read,
            }
        }
        rest.truncate(filled);
        drop(state);
        self.decode_into(interp, rest, true)?;
        let mut state = self.state.borrow_mut();
        let length = state.available().len();
        let text = state.take(length);
        state.after_lone_cr = false;
        Ok(text)
    }

    /// `read(count)`: up to `count` characters.
    fn read_some(&self, interp: &mut Interp, count: usize) -> PyResult<String> {
        loop {
            let state = self.state.borrow();
            let available = state.available();
            let end = prefix_length(available, count);
            let wanted = count.saturating_sub(available.chars().count());
            drop(state);
            if let Some(end) = end {
                return Ok(self.state.borrow_mut().take(end));
            }
            if !self.read_chunk(interp, wanted)? {
                let mut state = self.state.borrow_mut();
                let end = prefix_length(state.available(), count);
                let end = end.unwrap_or(state.available().len());
                state.after_lone_cr &= end > 0;
                return Ok(state.take(end));
            }
        }
    }

    /// `readline(limit)`: through the next `\n`, at most `limit` characters.
    pub fn readline(&self, interp: &mut Interp, limit: usize) -> PyResult<String> {
        self.check_access(interp, Access::Read)?;
        let line_end = |available: &str| {
            let line = self.newline.line_end(available);
            match (line, prefix_length(available, limit)) {
                (Some(line), Some(limit)) => Some(line.min(limit)),
                (line, limit) => line.or(limit),
            }
        };
        loop {
            let end = line_end(self.state.borrow().available());
            if let Some(end) = end {
                return Ok(self.state.borrow_mut().take(end));
            }
            if !self.read_chunk(interp, 0)? {
                let mut state = self.state.borrow_mut();
                let end = line_end(state.available()).unwrap_or(state.available().len());
                state.after_lone_cr &= end > 0;
                return Ok(state.take(end));
            }
        }
    }

    /// `write(value)`: the number of characters written.
    fn write(&self, interp: &mut Interp, value: &Value) -> PyResult<usize> {
        let Value::Str(text) = value.builtin_value() else {
            return Err(interp.type_error(format!(
                "write() argument must be str, not {}",
                interp.argument_type_name(value)
            )));
        };
        self.check_access(interp, Access::Write)?;
        let mut state = self.state.borrow_mut();
        match self.newline {
            Newline::Only(end) if end != "\n" => {
                let translated = text.as_str().replace('\n', end);
                state.written.extend_from_slice(translated.as_bytes());
            }
            _ => state.written.extend_from_slice(text.as_str().as_bytes()),
        }
        if state.written.len() >= WRITE_BUFFER {
            state.flush().map_err(|error| interp.os_error(error))?;
        }
        Ok(text.char_count())
    }

    /// `tell()`: the byte offset of the next character to read, or of the
    /// end of what was written.
    fn tell(&self, interp: &Interp) -> PyResult<u64> {
        let mut state = self.state.borrow_mut();
        let state = &mut *state;
        if !state.telling {
            return Err(interp.error(ExcType::OSError, "telling position disabled by next() call"));
        }
        state.flush().map_err(|error| interp.os_error(error))?;
        if state.after_lone_cr {
            return Err(not_supported(
                interp,
                "tell() just after a '\\r' read as a line end",
            ));
        }
        let unread_crs = state.dropped_crs.iter().filter(|&&at| at >= state.consumed);
        let read_ahead = state.undecoded.len()
            + state.pending_cr as usize
            + (state.decoded.len() - state.consumed)
            + unread_crs.count();
        let Some(Source::File(file)) = state.file.as_mut() else {
            return Err(unseekable(interp, state.file.is_none()));
        };
        let position = file
            .stream_position()
            .map_err(|error| interp.os_error(error))?;
        Ok(position - read_ahead as u64)
    }

    /// Moves to a byte offset (`SeekFrom::Start`) or the end, forgetting
    /// what was read ahead; the new offset.
    fn seek_to(&self, interp: &Interp, target: SeekFrom) -> PyResult<u64> {
        let mut state = self.state.borrow_mut();
        let state = &mut *state;
        state.flush().map_err(|error| interp.os_error(error))?;
        let Some(Source::File(file)) = state.file.as_mut() else {
            return Err(unseekable(interp, state.file.is_none()));
        };
        let position = file.seek(target).map_err(|error| interp.os_error(error))?;
        state.undecoded.clear();
        state.decoded.clear();
        state.consumed = 0;
        state.pending_cr = false;
        state.dropped_crs.clear();
        state.lone_crs.clear();
        state.after_lone_cr = false;
        Ok(position)
    }

    fn close(&self, interp: &Interp) -> PyResult<()> {
        let mut state = self.state.borrow_mut();
        let flushed = state.flush();
        state.file = None;
        state.decoded = String::new();
        flushed.map_err(|error| interp.os_error(error))
    }
}

const UNSUPPORTED_OPERATION: &str = "UnsupportedOperation";

fn closed_file(interp: &Interp) -> PyErr {
    interp.value_error("I/O operation on closed file.")
}

/// The length in bytes of the first `count` characters of `text`, if it
/// has that many.
fn prefix_length(text: &str, count: usize) -> Option<usize> {
    match count.checked_sub(1) {
        None => Some(0),
        Some(last) => text
            .char_indices()
            .nth(last)
            .map(|(at, c)| at + c.len_utf8()),
    }
}

/// `_unsupported_operation()`: the class `io.UnsupportedOperation`, for
/// the `io` module's Python.
pub fn unsupported_operation_class(
    interp: &mut Interp,
    _: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    Ok(Value::Type(interp.native_class(UNSUPPORTED_OPERATION)))
}

/// Seeking a closed file, or the standard input (which pyl reads as a
/// stream, whatever it is).
fn unseekable(interp: &Interp, closed: bool) -> PyErr {
    if closed {
        closed_file(interp)
    } else {
        not_supported(interp, "seek() and tell() of the standard input")
    }
}

/// `io.UnsupportedOperation`: both an `OSError` and a `ValueError`.
fn unsupported_operation(interp: &Interp, message: &str) -> PyErr {
    let class = interp.native_class(UNSUPPORTED_OPERATION);
    match interp.new_instance(&class, &[Value::str(message)]) {
        Value::Instance(instance) => PyErr(instance),
        _ => interp.value_error(message),
    }
}

/// Where in translated text a `\n` was read from `\r\n`, and from `\r`.
#[derive(Default)]
struct Translated {
    crlfs: Vec<usize>,
    lone_crs: Vec<usize>,
}

/// Universal newlines: `\r\n` and `\r` read as `\n`.
fn translate_newlines(mut text: String, pending_cr: &mut bool, last: bool) -> (String, Translated) {
    if std::mem::take(pending_cr) {
        text.insert(0, '\r');
    }
    if !last && text.ends_with('\r') {
        text.pop();
        *pending_cr = true;
    }
    if !text.contains('\r') {
        return (text, Translated::default());
    }
    let mut translated = String::with_capacity(text.len());
    let mut places = Translated::default();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\r' {
            translated.push(c);
            continue;
        }
        if chars.peek() == Some(&'\n') {
            chars.next();
            places.crlfs.push(translated.len());
        } else {
            places.lone_crs.push(translated.len());
        }
        translated.push('\n');
    }
    (translated, places)
}

// ---------------------------------------------------------------------------
// open()
// ---------------------------------------------------------------------------

/// `open(file, mode='r', buffering=-1, encoding=None, errors=None,
/// newline=None, closefd=True, opener=None)`, checking its arguments in
/// CPython's order: their types, the mode, then the file is opened, and
/// only then is the encoding looked up.
fn builtin_open(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let [file, mode, buffering, encoding, errors, newline, closefd, opener] =
        bind_open_arguments(interp, args, kwargs)?;
    let Some(file) = file else {
        return Err(interp.type_error("open() missing required argument 'file' (pos 1)"));
    };
    let mode = match mode.as_ref().map(Value::builtin_value) {
        None => "r".to_string(),
        Some(Value::Str(mode)) => mode.as_str().to_string(),
        Some(other) => {
            return Err(interp.type_error(format!(
                "open() argument 'mode' must be str, not {}",
                interp.argument_type_name(other)
            )));
        }
    };
    let encoding = optional_str(interp, encoding, "encoding")?;
    let errors = optional_str(interp, errors, "errors")?;
    let newline = optional_str(interp, newline, "newline")?;
    let path = match file.builtin_value() {
        Value::Str(path) => path.as_str().to_string(),
        Value::Int(_) | Value::Bool(_) => {
            return Err(not_supported(interp, "open() of a file descriptor"));
        }
        other => {
            return Err(interp.type_error(format!(
                "expected str, bytes or os.PathLike object, not {}",
                interp.type_name(other)
            )));
        }
    };
    let access = parse_mode(interp, &mode)?;
    if matches!(buffering, Some(Value::Int(0))) {
        return Err(interp.value_error("can't have unbuffered text I/O"));
    }
    if closefd.is_some_and(|value| !matches!(value, Value::Bool(Flag::TRUE))) {
        return Err(not_supported(interp, "open() with closefd"));
    }
    if opener.is_some_and(|value| !value.is_none()) {
        return Err(not_supported(interp, "open() with an opener"));
    }
    if path.contains('\0') {
        return Err(interp.value_error("embedded null byte"));
    }
    let real_path = interp.check_sandbox_open(&path, access == Access::Write)?;
    let mut options = std::fs::OpenOptions::new();
    match mode.chars().find(|c| "rwxa".contains(*c)) {
        Some('w') => options.write(true).create(true).truncate(true),
        Some('a') => options.append(true).create(true),
        Some('x') => options.write(true).create_new(true),
        _ => options.read(true),
    };
    let opened = options.open(&real_path).and_then(|opened| {
        if opened.metadata()?.is_dir() {
            return Err(std::io::Error::from_raw_os_error(21));
        }
        Ok(opened)
    });
    let mut opened = opened.map_err(|error| interp.os_error_on(error, file.clone()))?;
    if mode.contains('a') {
        // CPython starts an appending file at its end, so tell() says so.
        opened
            .seek(SeekFrom::End(0))
            .map_err(|error| interp.os_error_on(error, file.clone()))?;
    }
    let newline = Newline::from_argument(interp, newline.as_deref())?;
    let encoding = match encoding {
        None => "UTF-8".to_string(),
        Some(name) => {
            check_encoding(interp, &name)?;
            name
        }
    };
    let on_error = match errors.as_deref() {
        None | Some("strict") => OnError::Strict,
        Some("replace") => OnError::Replace,
        Some("ignore") => OnError::Ignore,
        // logging's basicConfig() opens its file with it.
        Some("backslashreplace") => OnError::BackslashReplace,
        Some(other) => {
            return Err(not_supported(
                interp,
                &format!("open() with errors={other:?}"),
            ));
        }
    };
    let text_file = Rc::new(TextFile {
        name: path.into(),
        mode: mode.into(),
        encoding: encoding.into(),
        on_error,
        access,
        newline,
        state: State::new(Source::File(opened)),
    });
    if access == Access::Write {
        interp.open_files.retain(|file| file.strong_count() > 0);
        interp.open_files.push(Rc::downgrade(&text_file));
    }
    Ok(Value::native(text_file))
}

/// `open`'s arguments in the order of its parameters.
fn bind_open_arguments(
    interp: &Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<[Option<Value>; 8]> {
    const PARAMETERS: [&str; 8] = [
        "file",
        "mode",
        "buffering",
        "encoding",
        "errors",
        "newline",
        "closefd",
        "opener",
    ];
    if args.len() > PARAMETERS.len() {
        return Err(interp.type_error(format!(
            "open() takes at most 8 arguments ({} given)",
            args.len()
        )));
    }
    let mut bound: [Option<Value>; 8] = Default::default();
    for (slot, value) in bound.iter_mut().zip(args) {
        *slot = Some(value.clone());
    }
    for (key, value) in kwargs {
        let Some(index) = PARAMETERS.iter().position(|p| *p == &**key) else {
            return Err(
                interp.type_error(format!("'{key}' is an invalid keyword argument for open()"))
            );
        };
        if bound[index].replace(value.clone()).is_some() {
            return Err(interp.type_error(format!(
                "argument for open() given by name ('{key}') and position ({})",
                index + 1
            )));
        }
    }
    Ok(bound)
}

/// A `str or None` argument of `open`.
fn optional_str(interp: &Interp, value: Option<Value>, name: &str) -> PyResult<Option<String>> {
    match value.as_ref().map(Value::builtin_value) {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(text)) => Ok(Some(text.as_str().to_string())),
        Some(other) => Err(interp.type_error(format!(
            "open() argument '{name}' must be str or None, not {}",
            interp.argument_type_name(other)
        ))),
    }
}

/// Accepts UTF-8 under any of its names; another codec CPython knows is
/// `NotImplementedError`, a name it does not know `LookupError`.
fn check_encoding(interp: &Interp, name: &str) -> PyResult<()> {
    match Codec::lookup(name) {
        Lookup::Found(Codec::Utf8) => Ok(()),
        Lookup::Found(_) | Lookup::Unsupported => Err(not_supported(
            interp,
            &format!("open() with encoding={name:?} (pyl reads and writes UTF-8 only)"),
        )),
        Lookup::Unknown => {
            Err(interp.error(ExcType::LookupError, format!("unknown encoding: {name}")))
        }
    }
}

/// Checks a mode string as CPython's `open` does; whether it reads or writes.
fn parse_mode(interp: &Interp, mode: &str) -> PyResult<Access> {
    let invalid = || interp.value_error(format!("invalid mode: '{mode}'"));
    let mut seen = String::new();
    for c in mode.chars() {
        if !"rwxabt+".contains(c) || seen.contains(c) {
            return Err(invalid());
        }
        seen.push(c);
    }
    let kinds = seen.chars().filter(|c| "rwxa".contains(*c)).count();
    if seen.contains('t') && seen.contains('b') {
        return Err(interp.value_error("can't have text and binary mode at once"));
    }
    if kinds > 1 {
        return Err(interp.value_error("must have exactly one of create/read/write/append mode"));
    }
    if kinds == 0 {
        return Err(interp.value_error(
            "Must have exactly one of create/read/write/append mode and at most one plus",
        ));
    }
    if seen.contains('b') {
        return Err(not_supported(interp, "binary mode ('b')"));
    }
    if seen.contains('+') {
        return Err(not_supported(
            interp,
            "open() for reading and writing at once ('+')",
        ));
    }
    Ok(if seen.contains('r') {
        Access::Read
    } else {
        Access::Write
    })
}

fn not_supported(interp: &Interp, what: &str) -> PyErr {
    interp.error(
        ExcType::NotImplementedError,
        format!("{what} is not supported by pyl"),
    )
}

impl Interp {
    /// Writes out what files still hold, at the end of the program.
    pub fn flush_files(&mut self) {
        for file in std::mem::take(&mut self.open_files) {
            if let Some(file) = file.upgrade() {
                let _ = file.state.borrow_mut().flush();
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------

fn receiver<'a>(interp: &Interp, args: &'a [Value], method: &str) -> PyResult<&'a TextFile> {
    if let Some(Value::Native(object)) = args.first() {
        if let Some(file) = object.downcast_ref::<TextFile>() {
            return Ok(file);
        }
    }
    Err(interp.type_error(format!(
        "descriptor '{method}' requires a '_io.TextIOWrapper' object"
    )))
}

/// Checks a method's arguments with CPython's wording for
/// `TextIOWrapper.name`.
fn check_arguments(
    interp: &Interp,
    method: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    min: usize,
    max: usize,
) -> PyResult<()> {
    check_args(interp, "TextIOWrapper", method, args, kwargs, min, max)
}

/// The optional size argument of `read` and `readline`: `None` for all
/// (`readline` takes no `None`, and words its errors differently).
fn size_argument(interp: &Interp, args: &[Value], none_allowed: bool) -> PyResult<Option<usize>> {
    match args.get(1) {
        None => Ok(None),
        Some(Value::None) if none_allowed => Ok(None),
        Some(Value::Int(n)) => Ok(usize::try_from(*n).ok()),
        Some(Value::Bool(b)) => Ok(Some(b.get() as usize)),
        Some(other) if none_allowed => Err(interp.type_error(format!(
            "argument should be integer or None, not '{}'",
            interp.type_name(other)
        ))),
        Some(other) => Err(interp.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            interp.type_name(other)
        ))),
    }
}

fn file_read(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_arguments(interp, "read", args, kwargs, 0, 1)?;
    let file = receiver(interp, args, "read")?;
    file.check_access(interp, Access::Read)?;
    let text = match size_argument(interp, args, true)? {
        None => file.read_all(interp)?,
        Some(count) => file.read_some(interp, count)?,
    };
    Ok(Value::str(text))
}

fn file_readline(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_arguments(interp, "readline", args, kwargs, 0, 1)?;
    let file = receiver(interp, args, "readline")?;
    let limit = size_argument(interp, args, false)?.unwrap_or(usize::MAX);
    Ok(Value::str(file.readline(interp, limit)?))
}

fn file_readlines(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    check_arguments(interp, "readlines", args, kwargs, 0, 1)?;
    let file = receiver(interp, args, "readlines")?;
    let hint = size_argument(interp, args, true)?.filter(|&hint| hint > 0);
    let mut lines = Vec::new();
    let mut total = 0;
    loop {
        let line = file.readline(interp, usize::MAX)?;
        if line.is_empty() {
            break;
        }
        total += line.chars().count();
        lines.push(Value::str(line));
        if hint.is_some_and(|hint| total >= hint) {
            break;
        }
    }
    Ok(Value::list(lines))
}

fn file_write(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_arguments(interp, "write", args, kwargs, 1, 1)?;
    let written = receiver(interp, args, "write")?.write(interp, &args[1])?;
    Ok(Value::Int(written as i64))
}

fn file_writelines(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    check_arguments(interp, "writelines", args, kwargs, 1, 1)?;
    let file = receiver(interp, args, "writelines")?;
    file.check_open(interp)?;
    let iterator = interp.get_iter(&args[1])?;
    while let Some(line) = interp.next(&iterator)? {
        file.write(interp, &line)?;
    }
    Ok(Value::None)
}

fn file_flush(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_arguments(interp, "flush", args, kwargs, 0, 0)?;
    let file = receiver(interp, args, "flush")?;
    file.check_open(interp)?;
    let flushed = file.state.borrow_mut().flush();
    flushed.map_err(|error| interp.os_error(error))?;
    Ok(Value::None)
}

fn file_close(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_arguments(interp, "close", args, kwargs, 0, 0)?;
    receiver(interp, args, "close")?.close(interp)?;
    Ok(Value::None)
}

fn file_readable(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_arguments(interp, "readable", args, kwargs, 0, 0)?;
    let file = receiver(interp, args, "readable")?;
    file.check_open(interp)?;
    Ok(Value::from(file.access == Access::Read))
}

fn file_writable(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_arguments(interp, "writable", args, kwargs, 0, 0)?;
    let file = receiver(interp, args, "writable")?;
    file.check_open(interp)?;
    Ok(Value::from(file.access == Access::Write))
}

/// `__enter__` and `__iter__`: the file itself, while it is open.
fn file_enter(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_arguments(interp, "__enter__", args, kwargs, 0, 0)?;
    receiver(interp, args, "__enter__")?.check_open(interp)?;
    Ok(args[0].clone())
}

fn file_exit(interp: &mut Interp, args: &[Value], _kwargs: &[(Name, Value)]) -> PyResult<Value> {
    receiver(interp, args, "__exit__")?.close(interp)?;
    Ok(Value::None)
}

/// `seek(cookie, whence=0)`: a cookie is a byte offset (see `tell`);
/// from the current position or the end only by 0, as in CPython.
fn file_seek(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_arguments(interp, "seek", args, kwargs, 1, 2)?;
    let file = receiver(interp, args, "seek")?;
    file.check_open(interp)?;
    let whence = match args.get(2).map(Value::builtin_value) {
        None => 0,
        Some(Value::Int(whence)) => *whence,
        Some(Value::Bool(whence)) => whence.get() as i64,
        Some(other) => {
            return Err(interp.type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                interp.type_name(other)
            )))
        }
    };
    let cookie = match args[1].builtin_value() {
        Value::Int(cookie) => *cookie,
        Value::Bool(cookie) => cookie.get() as i64,
        Value::Float(_) | Value::BigInt(_) => {
            return Err(not_supported(
                interp,
                "seek() to a float or a huge position",
            ))
        }
        other => {
            return Err(interp.type_error(format!(
                "'<' not supported between instances of '{}' and 'int'",
                interp.type_name(other)
            )))
        }
    };
    let position = match whence {
        1 if cookie != 0 => {
            return Err(unsupported_operation(
                interp,
                "can't do nonzero cur-relative seeks",
            ))
        }
        1 => file.tell(interp)?,
        2 if cookie != 0 => {
            return Err(unsupported_operation(
                interp,
                "can't do nonzero end-relative seeks",
            ))
        }
        2 => file.seek_to(interp, SeekFrom::End(0))?,
        0 if cookie < 0 => {
            return Err(interp.value_error(format!("negative seek position {cookie}")))
        }
        0 => file.seek_to(interp, SeekFrom::Start(cookie as u64))?,
        _ => {
            return Err(
                interp.value_error(format!("invalid whence ({whence}, should be 0, 1 or 2)"))
            )
        }
    };
    if whence == 0 {
        return Ok(args[1].clone());
    }
    Ok(Value::Int(position as i64))
}

fn file_tell(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_arguments(interp, "tell", args, kwargs, 0, 0)?;
    let file = receiver(interp, args, "tell")?;
    file.check_open(interp)?;
    Ok(Value::Int(file.tell(interp)? as i64))
}

fn file_unsupported(
    interp: &mut Interp,
    _args: &[Value],
    _kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    Err(interp.error(
        ExcType::NotImplementedError,
        "truncate() and fileno() of files are not supported by pyl",
    ))
}
