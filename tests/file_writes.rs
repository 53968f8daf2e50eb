//! Writing files with `open()` behaves as under CPython. Each program below
//! runs under pyl and under python3, each in a fresh empty folder of its
//! own (the program is `program.pyl` there, the current directory that
//! folder), and the two runs must agree on stdout, the last line of
//! stderr, the exit status and every file left in the folder — names and
//! bytes. The programs print what they read back too, but the files are
//! the point: what reaches the disk, and when (at `close()`, at the end of
//! a `with`, at `flush()`, at exit without a `close()`).
//!
//! Writing cannot be a golden case: those run concurrently, in the source
//! tree. Reading is tested by the golden cases in `tests/files/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use pyl::golden::{python3, run_case, DEFAULT_TIMEOUT};

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

/// The name of the program in its folder.
const SCRIPT: &str = "program.pyl";

/// Write, then read back: `write` returns the number of characters
/// written (not bytes), 'w' creates and truncates, and the attributes.
const WRITE_READ_BACK: &str = r#"
f = open('out.txt', 'w', encoding='utf-8')
print(repr(f.name), repr(f.mode), repr(f.encoding), f.closed)
print(f.write('hello\n'))
print(f.write('w\u00f6rld \u2713 \U0001f600\n'))
print(f.write(''))
print(f.write('\u0416' * 5))
print(f.write('\n'))
print(f.write('no newline at the end'))
print(f.close(), f.closed)
with open('out.txt', encoding='utf-8') as f:
    print(repr(f.read()))

# 'w' truncates a file that exists.
with open('out.txt', 'w') as f:
    print(f.write('short\n'))
with open('out.txt') as f:
    print(f.readlines())

# Mode and encoding as given.
for mode, encoding, name in [('wt', 'utf8', 'second.txt'), ('tw', 'UTF-8', 'third.txt')]:
    with open(name, mode, encoding=encoding) as f:
        print(repr(f.mode), repr(f.encoding), f.write(name + '\n'))
with open('fourth.txt', 'w') as f:
    print(repr(f.mode), repr(f.encoding.upper()), f.write('default encoding \u0416\n'))
with open(file='fifth.txt', mode='w', encoding='utf-8', errors='strict') as f:
    print(f.write('keywords\n'))

# An empty file.
f = open('empty.txt', 'w')
f.close()
with open('empty.txt') as f:
    print(repr(f.read()))

# Much more than any buffer: 20000 lines in pieces, some multi-byte.
with open('big.txt', 'w') as f:
    total = 0
    for i in range(20000):
        total += f.write('line ' + str(i) + (' \u0416\U0001f600' if i % 7 == 0 else '') + '\n')
print(total)
with open('big.txt') as f:
    lines = f.readlines()
print(len(lines), repr(lines[0]), repr(lines[1]), repr(lines[-1]), sum(len(x) for x in lines))

# Writing and reading back through two file objects.
w = open('both.txt', 'w')
w.write('first\n')
w.flush()
r = open('both.txt')
print(repr(r.read()))
w.write('second\n')
w.close()
print(repr(r.read()))
r.close()
"#;

/// 'a' creates the file if needed and always writes at the end.
const APPEND: &str = r#"
with open('log.txt', 'a') as f:
    print(repr(f.mode), f.write('one\n'))
with open('log.txt', 'a') as f:
    print(f.write('two\n'))
with open('log.txt', 'at') as f:
    print(repr(f.mode), f.write('three'))
with open('log.txt', 'a', encoding='utf-8') as f:
    print(f.write(' and more\nfour \u0416\n'))
with open('log.txt') as f:
    print(f.readlines())

with open('data.txt', 'w') as f:
    f.write('abc')
with open('data.txt', 'a') as f:
    f.write('def')
    f.write('ghi\n')
with open('data.txt') as f:
    print(repr(f.read()))

# Two appenders, each flushing: both writes end up at the end.
a = open('shared.txt', 'a')
b = open('shared.txt', 'a')
a.write('from a\n')
a.flush()
b.write('from b\n')
b.flush()
a.write('a again\n')
a.close()
b.close()
with open('shared.txt') as f:
    print(f.readlines())
"#;

/// 'x' creates a file that must not exist yet; on an existing one it
/// raises FileExistsError and leaves the file as it was.
const EXCLUSIVE: &str = r#"
with open('new.txt', 'x') as f:
    print(repr(f.mode), f.write('created\n'))
for mode in ['x', 'xt']:
    try:
        open('new.txt', mode)
        print('no error')
    except FileExistsError as e:
        print(type(e).__name__, isinstance(e, OSError), e.errno, repr(e.strerror),
              repr(e.filename), e.args)
        print(str(e))
try:
    with open('new.txt', 'x') as f:
        f.write('never')
except OSError as e:
    print(type(e).__name__, e)
with open('new.txt') as f:
    print(repr(f.read()))
with open('other.txt', 'x', encoding='utf-8') as f:
    print(f.write('\u0416'))
"#;

/// writelines writes each string as it is (no line ends added), from any
/// iterable; a non-string stops it after the strings before it.
const WRITELINES: &str = r#"
with open('lines.txt', 'w') as f:
    print(f.writelines(['a\n', 'b', 'c\n']))
    print(f.writelines([]))
    f.writelines(x + '\n' for x in ['gen1', 'gen2'])
    f.writelines(('tuple\n', ''))
    f.writelines('str')
    f.writelines({'dict key\n': 1})
    f.writelines(['\n', '\u0416\U0001f600\n'])
    try:
        f.writelines(['ok\n', 5, 'never\n'])
    except TypeError as e:
        print('TypeError', e)
    f.writelines(iter(['last\n']))
with open('lines.txt') as f:
    print(f.readlines())
"#;

/// Line ends are written as they are: '\n' stays '\n' (Linux), '\r\n' and
/// a lone '\r' stay too; reading back translates them.
const NEWLINES_AS_IS: &str = r#"
with open('nl.txt', 'w') as f:
    print(f.write('lf\ncrlf\r\ncr\rcr crlf\r\r\nlf cr\n\rend'))
with open('nl.txt') as f:
    print(repr(f.read()))
with open('nl.txt') as f:
    print(f.readlines())
with open('blank.txt', 'w') as f:
    f.write('\n\n\r\n\r')
with open('blank.txt') as f:
    print(list(f))
"#;

/// `newline=`: '' and '\n' read lines as they are ('' ending them at
/// `\r`, `\r\n` or `\n`), '\r' and '\r\n' end lines there alone and
/// write each `\n` as them (a `\r` at a chunk's end waits for its `\n`);
/// csv's files, opened with newline='' as its documentation says.
const NEWLINE_ARGUMENT: &str = r#"
path = 'nl.txt'
for newline in [None, '', '\n', '\r', '\r\n']:
    with open(path, 'w', newline=newline) as f:
        print(f.write('a\nb\r\nc\rd\n\ne'))
    with open(path, newline='') as f:
        print(repr(newline), repr(f.read()))
data = 'one\ntwo\r\nthree\rfour\r\r\n\n' + 'x' * 9000 + '\r' + '\nlast\r'
with open(path, 'w', newline='') as f:
    f.write(data)
for newline in [None, '', '\n', '\r', '\r\n']:
    with open(path, newline=newline) as f:
        lines = list(f)
        print(repr(newline), len(lines), [line if len(line) < 20 else len(line) for line in lines])
    with open(path, newline=newline) as f:
        print(repr(f.readline()), f.tell(), repr(f.readline(3)), f.tell(), len(f.readlines()))
    with open(path, newline=newline) as f:
        print(len(f.read()))
for bad in ['x', 5, '\n\n']:
    try:
        open(path, newline=bad)
    except Exception as e:
        print(type(e).__name__, e)
import csv
with open(path, 'w', newline='') as f:
    csv.writer(f).writerows([['a', 'b\r\nc'], ['d\re', 'f']])
with open(path, newline='') as f:
    print(list(csv.reader(f)))
with open(path) as f:
    print(list(csv.reader(f)))
"#;

/// os.remove deletes a file, and says why it cannot (a missing file, a
/// folder); os.path and os.listdir see the change.
const OS_REMOVE: &str = r#"
import os
with open('gone.txt', 'w') as f:
    f.write('soon gone')
print(os.path.exists('gone.txt'), os.path.getsize('gone.txt'), sorted(os.listdir('.')))
print(os.remove('gone.txt'), os.path.exists('gone.txt'), sorted(os.listdir()))
with open('also.txt', 'w') as f:
    f.write('x')
os.unlink('also.txt')
for path in ['gone.txt', '.', 'missing/x.txt']:
    try:
        os.remove(path)
    except OSError as e:
        print(type(e).__name__, e.errno, e.filename)
with open('kept.txt', 'w') as f:
    f.write('kept')
print(sorted(os.listdir()))
"#;

/// A closed file refuses every operation with ValueError; close() again
/// is fine.
const WRITE_AFTER_CLOSE: &str = r#"
f = open('c.txt', 'w')
f.write('before close\n')
print(f.close(), f.closed)
for label, call in [
    ("write('y')", lambda: f.write('y')),
    ("write('')", lambda: f.write('')),
    ("writelines(['y'])", lambda: f.writelines(['y'])),
    ('writelines([])', lambda: f.writelines([])),
    ('flush()', lambda: f.flush()),
    ('read()', lambda: f.read()),
    ('readline()', lambda: f.readline()),
]:
    try:
        call()
        print(label, 'no error')
    except ValueError as e:
        print(label, type(e).__name__, repr(str(e)))
print(f.close(), f.closed)
with open('c.txt', 'a') as f:
    pass
try:
    f.write('after with')
except ValueError as e:
    print('after with:', e)
with open('c.txt') as f:
    print(repr(f.read()))
"#;

/// Arguments write() and writelines() do not take, and their messages.
const WRITE_TYPE_ERRORS: &str = r#"
with open('t.txt', 'w') as f:
    f.write('start\n')
    for value in [5, None, ['a'], 1.5, True, ('x',)]:
        try:
            f.write(value)
            print('no error')
        except TypeError as e:
            print('TypeError', e)
    for label, call in [
        ('write()', lambda: f.write()),
        ("write('a', 'b')", lambda: f.write('a', 'b')),
        ("write(s='x')", lambda: f.write(s='x')),
        ('writelines(5)', lambda: f.writelines(5)),
        ('writelines(None)', lambda: f.writelines(None)),
        ('writelines([1])', lambda: f.writelines([1])),
    ]:
        try:
            call()
            print(label, 'no error')
        except TypeError as e:
            print(label, 'TypeError', e)
    f.write('end\n')
with open('t.txt') as f:
    print(repr(f.read()))
"#;

/// Reading from a file opened to write raises io.UnsupportedOperation
/// ('not readable'), which is both an OSError and a ValueError; opening
/// a folder or a path in a missing folder to write fails as CPython does.
const UNSUPPORTED_AND_OS_ERRORS: &str = r#"
for mode in ['w', 'a', 'x']:
    with open('file_' + mode + '.txt', mode) as f:
        f.write(mode)
        for label, call in [
            ('read()', lambda: f.read()),
            ('read(1)', lambda: f.read(1)),
            ('readline()', lambda: f.readline()),
            ('readlines()', lambda: f.readlines()),
            ('next(f)', lambda: next(f)),
            ('list(f)', lambda: list(f)),
        ]:
            try:
                call()
                print(mode, label, 'no error')
            except Exception as e:
                print(mode, label, type(e).__name__, repr(str(e)), e.args,
                      isinstance(e, OSError), isinstance(e, ValueError))
        print(iter(f) is f)
        f.write('!')

for path, mode in [('.', 'w'), ('.', 'a'), ('.', 'x'), ('no_folder/f.txt', 'w'),
                   ('no_folder/f.txt', 'a'), ('no_folder/f.txt', 'x'),
                   ('file_w.txt/inner.txt', 'w')]:
    try:
        open(path, mode)
        print(path, mode, 'no error')
    except OSError as e:
        print(path, mode, type(e).__name__, e.errno, repr(e.strerror), repr(e.filename))
        print('   ', e)
"#;

/// `tell()` while writing counts the bytes written so far (flushing
/// them); an appending file starts at its end; `seek` then writes over.
const SEEK_TELL_WRITING: &str = r#"
with open('out.txt', 'w') as f:
    print(f.tell(), f.write('h\u00e9llo\n'), f.tell(), f.write('x' * 9000), f.tell())
    print(f.seek(0), f.write('J'), f.tell(), f.seek(0, 2), f.seek(0, 1))
with open('out.txt', 'a') as f:
    print(f.tell(), f.write('tail\n'), f.tell(), f.seek(0), f.tell(), f.write('end'), f.tell())
with open('out.txt') as f:
    print(repr(f.read(8)), f.tell(), len(f.read()), f.tell())
"#;

/// Leaving a `with` closes the file, and what was written is on disk,
/// also when the block ends with an exception.
const WITH_CLOSES: &str = r#"
with open('w.txt', 'w') as f:
    print(f.write('inside with\n'), f.closed)
print(f.closed)
with open('w.txt') as g:
    print(repr(g.read()))

f = open('w2.txt', 'w')
with f as g:
    print(g is f)
    g.write('through g\n')
print(f.closed)
with open('w2.txt') as g:
    print(repr(g.read()))

try:
    with open('w3.txt', 'w') as f:
        f.write('before the error\n')
        raise RuntimeError('boom')
except RuntimeError as e:
    print('RuntimeError', e, f.closed)
with open('w3.txt') as g:
    print(repr(g.read()))

def save(path, text):
    with open(path, 'w') as f:
        f.write(text)
        return len(text)
print(save('w4.txt', 'returned from inside with\n'))
with open('w4.txt') as g:
    print(repr(g.read()))

for i in range(3):
    with open('w5.txt', 'a') as f:
        f.write(str(i))
        if i == 1:
            continue
        f.write('.')
with open('w5.txt') as g:
    print(repr(g.read()))
"#;

/// Small writes stay in the file object's buffer until flush() or
/// close(): another reader sees nothing before.
const BUFFERED_UNTIL_FLUSH: &str = r#"
f = open('buf.txt', 'w')
f.write('partial\n')
with open('buf.txt') as g:
    print('before flush', repr(g.read()))
print(f.flush())
with open('buf.txt') as g:
    print('after flush', repr(g.read()))
f.write('more')
with open('buf.txt') as g:
    print('before close', repr(g.read()))
f.close()
with open('buf.txt') as g:
    print('after close', repr(g.read()))
"#;

/// A file object nobody refers to any more is closed, and flushed, at
/// once (CPython counts references): `open(p, 'w').write(s)` is a common
/// idiom.
const DROPPED_FILE_IS_FLUSHED: &str = r#"
print(open('drop.txt', 'w').write('dropped at once\n'))
print(repr(open('drop.txt').read()))
f = open('rebound.txt', 'w')
f.write('rebound\n')
f = None
print(repr(open('rebound.txt').read()))
def write_it():
    g = open('local.txt', 'w')
    g.write('local\n')
write_it()
print(repr(open('local.txt').read()))
"#;

/// Files never closed are flushed when the program ends normally.
const FLUSHED_AT_EXIT: &str = r#"
f = open('at_exit.txt', 'w')
f.write('written, never closed\n')
g = open('appended.txt', 'a')
g.writelines(['x\n'] * 3)
h = open('many.txt', 'w')
for i in range(5000):
    h.write(str(i) + '\n')
files = [open('listed_' + str(i) + '.txt', 'w') for i in range(3)]
for i, file in enumerate(files):
    file.write('in a list ' + str(i))
# Held past the main module's names, by another module and by a class.
import sys
sys.kept = open('kept_by_sys.txt', 'w')
sys.kept.write('kept by the sys module\n')
class Holder:
    pass
Holder.file = open('kept_by_class.txt', 'w')
Holder.file.write('kept by a class attribute\n')
print('done')
"#;

/// Files never closed are flushed when an uncaught exception ends the
/// program too.
const FLUSHED_AT_UNCAUGHT_EXCEPTION: &str = r#"
f = open('at_exit.txt', 'w')
f.write('written before the error\n')
print('raising')
raise KeyError('the end')
"#;

/// Files never closed are flushed when sys.exit() ends the program.
const FLUSHED_AT_SYS_EXIT: &str = r#"
import sys
f = open('at_exit.txt', 'w')
f.write('written before sys.exit\n')
def inner():
    g = open('from_a_function.txt', 'w')
    g.write('g is still referenced by the frame\n')
    sys.exit(3)
inner()
"#;

/// logging's files: basicConfig(filename=…) (opened with
/// errors='backslashreplace'), a FileHandler made with delay=True and
/// closed, and a record left for the flush at exit.
const LOGGING_TO_FILES: &str = r#"
import logging
logging.basicConfig(filename='app.log', filemode='w', level=logging.INFO,
                    format='%(levelname)s:%(name)s:%(funcName)s:%(message)s')
log = logging.getLogger('files')
def work():
    log.info('written by %s', 'FileHandler')
work()
log.debug('below the level')
handler = logging.root.handlers[0]
print(type(handler).__name__, handler.baseFilename.endswith('app.log'), handler.mode)
extra = logging.FileHandler('extra.log', mode='a', delay=True)
print(extra.stream)
log.addHandler(extra)
log.warning('to both files')
print(extra.stream is not None, extra.stream.closed)
extra.close()
print(extra.stream)
log.removeHandler(extra)
log.error('after close: app.log only')
with open('app.log') as f:
    print(repr(f.read()))
with open('extra.log') as f:
    print(repr(f.read()))
log.critical('left for the flush at exit')
"#;

/// The next folder's number: with the process id, a name no other test
/// (or run) uses.
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A new empty folder under the system's temporary folder, removed when
/// dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let number = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("pyl-file-writes-{}-{number}-{label}", std::process::id());
        let path = std::env::temp_dir().join(name);
        // Left over from a crashed run of a process with the same id.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path).expect("the temporary folder is created");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a run left behind: what the golden cases compare, and the files.
#[derive(Debug, PartialEq, Eq)]
struct Run {
    stdout: String,
    last_stderr_line: String,
    status: i32,
    /// Every file in the folder (the program too) by its path relative to
    /// the folder; a folder is listed as `name/` with no bytes.
    files: BTreeMap<String, Vec<u8>>,
}

/// Runs `source` as `program.pyl` in a fresh folder with `interpreter`.
fn run(interpreter: &str, args: &[&str], label: &str, source: &str) -> Run {
    let folder = TempDir::new(label);
    let script = folder.0.join(SCRIPT);
    std::fs::write(&script, source).expect("the program is written");
    let outcome = run_case(interpreter, &script, args, DEFAULT_TIMEOUT)
        .unwrap_or_else(|error| panic!("cannot run {interpreter}: {error}"));
    assert!(
        outcome.timed_out.is_none(),
        "{interpreter} timed out; stdout:\n{}\nstderr:\n{}",
        outcome.stdout,
        outcome.stderr
    );
    let mut files = BTreeMap::new();
    list_files(&folder.0, "", &mut files);
    Run {
        last_stderr_line: outcome.last_stderr_line().to_string(),
        stdout: outcome.stdout,
        status: outcome.status,
        files,
    }
}

fn list_files(folder: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) {
    let entries = std::fs::read_dir(folder).expect("the folder can be listed");
    for entry in entries {
        let entry = entry.expect("the folder can be listed");
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let path = entry.path();
        if path.is_dir() {
            files.insert(format!("{name}/"), Vec::new());
            list_files(&path, &format!("{name}/"), files);
        } else {
            let bytes = std::fs::read(&path).expect("the file can be read");
            files.insert(name, bytes);
        }
    }
}

/// `run` for a person to read, with the files' bytes escaped.
fn describe(run: &Run) -> String {
    let mut text = format!(
        "status {}\nlast stderr line: {}\nstdout:\n{}files:\n",
        run.status, run.last_stderr_line, run.stdout
    );
    for (name, bytes) in &run.files {
        if name == SCRIPT {
            continue;
        }
        text += &format!("  {name}: {} bytes: {}\n", bytes.len(), shorten(bytes));
    }
    text
}

/// The bytes escaped, the middle left out when there are many.
fn shorten(bytes: &[u8]) -> String {
    const KEEP: usize = 200;
    if bytes.len() <= 2 * KEEP {
        return format!("b\"{}\"", bytes.escape_ascii());
    }
    format!(
        "b\"{}\" ... b\"{}\"",
        bytes[..KEEP].escape_ascii(),
        bytes[bytes.len() - KEEP..].escape_ascii()
    )
}

/// Runs `source` under python3, which must end with `status`, and under
/// pyl, which must do all that python3 did.
fn check(label: &str, source: &str, status: i32) {
    let Some(python) = python3() else {
        println!("python3 not found: {label} skipped");
        return;
    };
    let expected = run(python, &["-S"], &format!("{label}-python"), source);
    assert_eq!(
        expected.status,
        status,
        "python3 itself ended differently: the test is wrong\n{}",
        describe(&expected)
    );
    assert!(
        expected.files.len() > 1,
        "python3 wrote no file: the test is wrong"
    );
    let actual = run(PYL, &[], &format!("{label}-pyl"), source);
    if actual != expected {
        let mut differences = Vec::new();
        if actual.stdout != expected.stdout {
            differences.push("stdout");
        }
        if actual.last_stderr_line != expected.last_stderr_line {
            differences.push("last stderr line");
        }
        if actual.status != expected.status {
            differences.push("exit status");
        }
        let names = |run: &Run| run.files.keys().cloned().collect::<Vec<_>>();
        if names(&actual) != names(&expected) {
            differences.push("file names");
        }
        for (name, bytes) in &expected.files {
            if actual.files.get(name).is_some_and(|actual| actual != bytes) {
                differences.push(name.as_str());
            }
        }
        panic!(
            "pyl differs from python3 in: {}\n--- python3:\n{}--- pyl:\n{}",
            differences.join(", "),
            describe(&expected),
            describe(&actual)
        );
    }
}

#[test]
fn write_then_read_back() {
    check("write-read-back", WRITE_READ_BACK, 0);
}

#[test]
fn append_writes_at_the_end() {
    check("append", APPEND, 0);
}

#[test]
fn exclusive_creation_refuses_an_existing_file() {
    check("exclusive", EXCLUSIVE, 0);
}

#[test]
fn writelines_writes_each_string_as_it_is() {
    check("writelines", WRITELINES, 0);
}

#[test]
fn line_ends_are_written_as_they_are() {
    check("newlines", NEWLINES_AS_IS, 0);
}

#[test]
fn the_newline_argument_chooses_line_ends() {
    check("newline-argument", NEWLINE_ARGUMENT, 0);
}

#[test]
fn os_remove_deletes_a_file() {
    check("os-remove", OS_REMOVE, 0);
}

#[test]
fn a_closed_file_refuses_writes() {
    check("after-close", WRITE_AFTER_CLOSE, 0);
}

#[test]
fn write_takes_one_str() {
    check("type-errors", WRITE_TYPE_ERRORS, 0);
}

#[test]
fn a_file_opened_to_write_is_not_readable() {
    check("unsupported", UNSUPPORTED_AND_OS_ERRORS, 0);
}

#[test]
fn seek_and_tell_while_writing() {
    check("seek-tell", SEEK_TELL_WRITING, 0);
}

#[test]
fn with_closes_the_file() {
    check("with", WITH_CLOSES, 0);
}

#[test]
fn writes_are_buffered_until_flush_or_close() {
    check("buffered", BUFFERED_UNTIL_FLUSH, 0);
}

#[test]
fn a_dropped_file_is_flushed_at_once() {
    check("dropped", DROPPED_FILE_IS_FLUSHED, 0);
}

#[test]
fn unclosed_files_are_flushed_at_exit() {
    check("at-exit", FLUSHED_AT_EXIT, 0);
}

#[test]
fn unclosed_files_are_flushed_when_an_uncaught_exception_ends_the_program() {
    check("at-uncaught", FLUSHED_AT_UNCAUGHT_EXCEPTION, 1);
}

#[test]
fn unclosed_files_are_flushed_at_sys_exit() {
    check("at-sys-exit", FLUSHED_AT_SYS_EXIT, 3);
}

#[test]
fn logging_writes_its_files() {
    check("logging", LOGGING_TO_FILES, 0);
}
