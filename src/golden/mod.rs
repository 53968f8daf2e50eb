//! Golden-output cases, shared by `pyl test` and the project's own suite
//! (`tests/golden.rs`).
//!
//! A case is a script `NAME.pyl` next to `NAME.out`, its expected standard
//! output; `NAME.err` (the expected last line of standard error) and
//! `NAME.code` (the expected exit status, 0 when absent) are optional. A
//! case runs as a user would run it: from its own folder, by its file name;
//! `NAME.options`, when it exists, holds pyl options to run it with (say
//! `--sandbox --limit-time 1`), which [`options`] reads for the callers
//! that run pyl.
//!
//! The pieces: [`find_cases`] discovers cases, [`Expected`] reads (and
//! [`Expected::write`] writes) a case's expectation, [`run_case`] runs one
//! under a timeout, [`compare`] turns the differences into a [`Failure`]
//! that [`Failure::render`] prints. [`check`] and [`update`] put them
//! together.

pub mod cli;

use std::ffi::OsStr;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long a case may run before it is killed and failed, unless the
/// caller says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest pause between two checks whether a case has finished: short
/// enough not to slow a suite of quick cases down.
const MAX_POLL_PAUSE: Duration = Duration::from_millis(10);

/// The python3 that judges the expectations (`python3.11` first), if this
/// machine has one.
pub fn python3() -> Option<&'static str> {
    ["python3.11", "python3"].into_iter().find(|program| {
        Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success())
    })
}

/// Every case under `path`, sorted: each `X.pyl` with a sibling `X.out`
/// in the folder `path` and its subfolders. A `path` that is itself a
/// `.pyl` file is one case whether or not its `.out` exists yet, so that a
/// new script can be named to [`update`] it. Unreadable folders are
/// skipped; a path that is neither a folder nor a `.pyl` file has no cases.
pub fn find_cases(path: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if path.is_dir() {
        collect_cases(path, &mut found);
    } else if is_script(path) {
        found.push(path.to_path_buf());
    }
    found
}

fn collect_cases(folder: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    // Depth-first over sorted entries is the order of the whole paths,
    // which compare component by component.
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_cases(&path, found);
        } else if is_script(&path) && path.with_extension("out").exists() {
            found.push(path);
        }
    }
}

fn is_script(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension == "pyl")
}

/// What a case must do: its sibling `.out`, `.err` and `.code` files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub stdout: String,
    /// The last line of standard error, without its newline; `None` when
    /// standard error is not checked.
    pub last_stderr_line: Option<String>,
    pub status: i32,
}

impl Expected {
    /// Reads the expectation of `case` (the path of its `.pyl`).
    pub fn read(case: &Path) -> Result<Expected, Problem> {
        let out = case.with_extension("out");
        let stdout = match std::fs::read_to_string(&out) {
            Ok(stdout) => stdout,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Err(Problem::NoExpectedOutput { path: out });
            }
            Err(error) => return Err(Problem::cannot_read(out, error)),
        };
        let last_stderr_line = read_optional(&case.with_extension("err"))?
            .map(|line| line.trim_end_matches('\n').to_string());
        let code = case.with_extension("code");
        let status = match read_optional(&code)? {
            None => 0,
            Some(text) => text.trim().parse().map_err(|_| Problem::CannotRead {
                error: format!("not an exit status: {:?}", text.trim()),
                path: code,
            })?,
        };
        Ok(Expected {
            stdout,
            last_stderr_line,
            status,
        })
    }

    /// The expectation that `outcome` meets: its stdout, and for a failing
    /// run its last stderr line and exit status.
    pub fn from_outcome(outcome: &Outcome) -> Expected {
        let failed = outcome.status != 0;
        Expected {
            stdout: outcome.stdout.clone(),
            last_stderr_line: failed.then(|| outcome.last_stderr_line().to_string()),
            status: outcome.status,
        }
    }

    /// Writes this expectation as the sibling files of `case`, removing an
    /// `.err` or `.code` it does not need; says whether any file changed.
    pub fn write(&self, case: &Path) -> Result<bool, Problem> {
        let err = self
            .last_stderr_line
            .as_ref()
            .map(|line| format!("{line}\n"));
        let code = (self.status != 0).then(|| format!("{}\n", self.status));
        let mut changed = set_file(&case.with_extension("out"), Some(&self.stdout))?;
        changed |= set_file(&case.with_extension("err"), err.as_deref())?;
        changed |= set_file(&case.with_extension("code"), code.as_deref())?;
        Ok(changed)
    }
}

/// The pyl options `case` runs with: the words of its `NAME.options`.
pub fn options(case: &Path) -> Result<Vec<String>, Problem> {
    let text = read_optional(&case.with_extension("options"))?.unwrap_or_default();
    Ok(text.split_whitespace().map(String::from).collect())
}

fn read_optional(path: &Path) -> Result<Option<String>, Problem> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(Problem::cannot_read(path.to_path_buf(), error)),
    }
}

/// Makes the file at `path` hold `contents`, or not exist for `None`;
/// says whether that changed anything.
fn set_file(path: &Path, contents: Option<&str>) -> Result<bool, Problem> {
    // An unreadable file counts as different: writing it reports the error.
    let current = std::fs::read(path).ok();
    if current.as_deref() == contents.map(str::as_bytes) {
        return Ok(false);
    }
    let result = match contents {
        Some(contents) => std::fs::write(path, contents),
        None => std::fs::remove_file(path),
    };
    result.map_err(|error| Problem::CannotWrite {
        path: path.to_path_buf(),
        error: error.to_string(),
    })?;
    Ok(true)
}

/// What a run of a case did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    /// The exit status; -1 when the process was ended by a signal.
    pub status: i32,
    /// The time limit, when the case reached it and was killed.
    pub timed_out: Option<Duration>,
}

impl Outcome {
    /// The last line of standard error; empty when there is none.
    pub fn last_stderr_line(&self) -> &str {
        self.stderr.lines().last().unwrap_or("")
    }
}

/// Runs `case` (a path from the crate's root) under `pyl` and under
/// python3, for a test that compares more than the golden files do;
/// `None`, having said so, when this machine has no python3.
pub fn run_under_both(pyl: &str, case: &str) -> Option<(Outcome, Outcome)> {
    let Some(python) = python3() else {
        println!("python3 not found: skipped");
        return None;
    };
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join(case);
    let under_pyl = run_case(pyl, &case, &[], DEFAULT_TIMEOUT).expect("pyl runs");
    let under_python = run_case(python, &case, &[], DEFAULT_TIMEOUT).expect("python3 runs");
    Some((under_pyl, under_python))
}

/// Runs `case` as a user would: `program EXTRA_ARGS… FILE_NAME` in the
/// case's folder, its standard input the sibling `NAME.in` if there is
/// one, else nothing. A run that lasts longer than `timeout` is killed,
/// and its outcome says so.
pub fn run_case(
    program: impl AsRef<OsStr>,
    case: &Path,
    extra_args: &[&str],
    timeout: Duration,
) -> io::Result<Outcome> {
    let folder = match case.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let file_name = case.file_name().unwrap_or(case.as_os_str());
    let input = match std::fs::File::open(case.with_extension("in")) {
        Ok(file) => Stdio::from(file),
        Err(_) => Stdio::null(),
    };
    let mut child = Command::new(program)
        .args(extra_args)
        .arg(file_name)
        .current_dir(folder)
        .stdin(input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let outcome = finish(&mut child, timeout);
    if outcome.is_err() {
        // Do not leave the child running behind an error.
        let _ = child.kill();
        let _ = child.wait();
    }
    outcome
}

/// Collects what `child` prints until it exits, killing it after `timeout`.
fn finish(child: &mut Child, timeout: Duration) -> io::Result<Outcome> {
    // Both pipes are drained while the child runs, or a child that fills
    // one would block forever.
    let stdout = drain(child.stdout.take())?;
    let stderr = drain(child.stderr.take())?;
    // A timeout too long to represent is no limit at all.
    let deadline = Instant::now().checked_add(timeout);
    let timed_out = (!exits_before(child, deadline)?).then_some(timeout);
    let status = child.wait()?;
    Ok(Outcome {
        stdout: collect(stdout)?,
        stderr: collect(stderr)?,
        status: status.code().unwrap_or(-1),
        timed_out,
    })
}

/// Waits for `child` to exit, or kills it at `deadline`; says whether it
/// exited by itself.
fn exits_before(child: &mut Child, deadline: Option<Instant>) -> io::Result<bool> {
    // std cannot wait with a time limit, so this polls, checking often at
    // first because most cases finish in milliseconds.
    let mut pause = Duration::from_millis(1);
    loop {
        if child.try_wait()?.is_some() {
            return Ok(true);
        }
        let left = deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()));
        if left.is_some_and(|left| left.is_zero()) {
            child.kill()?;
            return Ok(false);
        }
        thread::sleep(left.map_or(pause, |left| pause.min(left)));
        pause = (pause * 2).min(MAX_POLL_PAUSE);
    }
}

/// Reads all of `pipe` on a thread of its own.
fn drain(pipe: Option<impl Read + Send + 'static>) -> io::Result<JoinHandle<io::Result<Vec<u8>>>> {
    thread::Builder::new().spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            pipe.read_to_end(&mut bytes)?;
        }
        Ok(bytes)
    })
}

fn collect(reader: JoinHandle<io::Result<Vec<u8>>>) -> io::Result<String> {
    let bytes = reader
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the output reader failed")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// One reason a case failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The case has no `.out` file.
    NoExpectedOutput {
        path: PathBuf,
    },
    CannotRead {
        path: PathBuf,
        error: String,
    },
    CannotWrite {
        path: PathBuf,
        error: String,
    },
    CannotRun {
        program: String,
        error: String,
    },
    TimedOut {
        after: Duration,
    },
    Stdout {
        expected: String,
        actual: String,
    },
    LastStderrLine {
        expected: String,
        actual: String,
    },
    /// A wrong exit status, with the whole of standard error to explain it.
    Status {
        expected: i32,
        actual: i32,
        stderr: String,
    },
}

impl Problem {
    fn cannot_read(path: PathBuf, error: io::Error) -> Problem {
        Problem::CannotRead {
            path,
            error: error.to_string(),
        }
    }

    fn cannot_run(program: &OsStr, error: io::Error) -> Problem {
        Problem::CannotRun {
            program: program.to_string_lossy().into_owned(),
            error: error.to_string(),
        }
    }

    /// The problem for a person to read, each line ending in a newline.
    fn render(&self, color: bool) -> String {
        match self {
            Problem::NoExpectedOutput { path } => format!(
                "no expected output: {} does not exist (`pyl test --update` writes it)\n",
                path.display()
            ),
            Problem::CannotRead { path, error } => {
                format!("cannot read {}: {error}\n", path.display())
            }
            Problem::CannotWrite { path, error } => {
                format!("cannot write {}: {error}\n", path.display())
            }
            Problem::CannotRun { program, error } => format!("cannot run {program}: {error}\n"),
            Problem::TimedOut { after } => format!("timed out after {} s\n", after.as_secs_f64()),
            Problem::Stdout { expected, actual } => {
                format!(
                    "stdout differs:\n{}",
                    indent(&diff(expected, actual, color))
                )
            }
            Problem::LastStderrLine { expected, actual } => format!(
                "last stderr line:\n  expected: {}\n  actual:   {}\n",
                or_empty(expected),
                or_empty(actual)
            ),
            Problem::Status {
                expected,
                actual,
                stderr,
            } => {
                let stderr = if stderr.is_empty() {
                    " (empty)\n".to_string()
                } else {
                    format!("\n{}", indent(stderr))
                };
                format!("exit status: expected {expected}, got {actual}\nstderr:{stderr}")
            }
        }
    }
}

/// `line`, or a word for it when it is empty and would show as nothing.
fn or_empty(line: &str) -> &str {
    if line.is_empty() {
        "(empty)"
    } else {
        line
    }
}

/// Why a case failed: one or more problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub problems: Vec<Problem>,
}

impl From<Problem> for Failure {
    fn from(problem: Problem) -> Failure {
        Failure {
            problems: vec![problem],
        }
    }
}

impl Failure {
    /// The problems for a person to read, each line ending in a newline;
    /// `color` adds ANSI colors to the diff.
    pub fn render(&self, color: bool) -> String {
        self.problems
            .iter()
            .map(|problem| problem.render(color))
            .collect()
    }
}

/// What differs between what a case should do and what it did. A run that
/// timed out fails for that alone: its partial output would only add noise.
pub fn compare(expected: &Expected, outcome: &Outcome) -> Result<(), Failure> {
    if let Some(after) = outcome.timed_out {
        return Err(Problem::TimedOut { after }.into());
    }
    let mut problems = Vec::new();
    if outcome.stdout != expected.stdout {
        problems.push(Problem::Stdout {
            expected: expected.stdout.clone(),
            actual: outcome.stdout.clone(),
        });
    }
    if let Some(line) = &expected.last_stderr_line {
        if outcome.last_stderr_line() != line {
            problems.push(Problem::LastStderrLine {
                expected: line.clone(),
                actual: outcome.last_stderr_line().to_string(),
            });
        }
    }
    if outcome.status != expected.status {
        problems.push(Problem::Status {
            expected: expected.status,
            actual: outcome.status,
            stderr: outcome.stderr.clone(),
        });
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure { problems })
    }
}

/// Runs `case` with `program` and checks it against its expectation.
pub fn check(
    program: impl AsRef<OsStr>,
    case: &Path,
    extra_args: &[&str],
    timeout: Duration,
) -> Result<(), Failure> {
    let expected = Expected::read(case)?;
    let program = program.as_ref();
    let outcome = run_case(program, case, extra_args, timeout)
        .map_err(|error| Problem::cannot_run(program, error))?;
    compare(&expected, &outcome)
}

/// Runs `case` with `program` and makes what it did the expectation;
/// says whether that changed any file. A run that times out changes
/// nothing.
pub fn update(
    program: impl AsRef<OsStr>,
    case: &Path,
    extra_args: &[&str],
    timeout: Duration,
) -> Result<bool, Failure> {
    let program = program.as_ref();
    let outcome = run_case(program, case, extra_args, timeout)
        .map_err(|error| Problem::cannot_run(program, error))?;
    if let Some(after) = outcome.timed_out {
        return Err(Problem::TimedOut { after }.into());
    }
    Ok(Expected::from_outcome(&outcome).write(case)?)
}

const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";
const CYAN: &str = "36";

/// `text` in the ANSI color `code` when `color` is on.
fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// A unified diff from `expected` to `actual`, by lines, with three lines
/// of context.
fn diff(expected: &str, actual: &str, color: bool) -> String {
    let diff = similar::TextDiff::from_lines(expected, actual);
    let mut text = String::new();
    let mut push_line = |line: &str, code: Option<&str>| {
        match code {
            Some(code) => text.push_str(&paint(line, code, color)),
            None => text.push_str(line),
        }
        text.push('\n');
    };
    push_line("--- expected", Some(RED));
    push_line("+++ actual", Some(GREEN));
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        push_line(&hunk.header().to_string(), Some(CYAN));
        for change in hunk.iter_changes() {
            let (sign, code) = match change.tag() {
                similar::ChangeTag::Equal => (' ', None),
                similar::ChangeTag::Delete => ('-', Some(RED)),
                similar::ChangeTag::Insert => ('+', Some(GREEN)),
            };
            // A carriage return is shown, not obeyed: it would move the
            // cursor, and may be the very difference.
            let value = change.to_string_lossy();
            let line = value.strip_suffix('\n').unwrap_or(&value);
            push_line(&format!("{sign}{}", line.replace('\r', "\\r")), code);
            if change.missing_newline() {
                push_line("\\ No newline at end of file", None);
            }
        }
    }
    text
}

/// `block` with every line indented by two spaces.
fn indent(block: &str) -> String {
    block.lines().map(|line| format!("  {line}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(stdout: &str, stderr: &str, status: i32) -> Outcome {
        Outcome {
            stdout: stdout.into(),
            stderr: stderr.into(),
            status,
            timed_out: None,
        }
    }

    #[test]
    fn a_run_that_meets_its_expectation_passes() {
        let run = outcome("1\n", "Traceback …\nKeyError: 'k'\n", 1);
        assert_eq!(compare(&Expected::from_outcome(&run), &run), Ok(()));
    }

    #[test]
    fn every_difference_is_a_problem() {
        let expected = Expected {
            stdout: "a\n".into(),
            last_stderr_line: Some("KeyError: 'k'".into()),
            status: 1,
        };
        let failure = compare(&expected, &outcome("b\n", "", 0)).unwrap_err();
        assert_eq!(
            failure.render(false),
            "stdout differs:
  --- expected
  +++ actual
  @@ -1 +1 @@
  -a
  +b
last stderr line:
  expected: KeyError: 'k'
  actual:   (empty)
exit status: expected 1, got 0
stderr: (empty)
"
        );
    }

    #[test]
    fn a_timed_out_run_fails_for_that_alone() {
        let run = Outcome {
            timed_out: Some(Duration::from_millis(1500)),
            ..outcome("partial", "", -1)
        };
        let failure = compare(&Expected::from_outcome(&outcome("", "", 0)), &run).unwrap_err();
        assert_eq!(failure.render(false), "timed out after 1.5 s\n");
    }

    #[test]
    fn the_diff_shows_invisible_differences() {
        let text = diff("a\r\nb\n", "a\nb", false);
        assert!(text.contains("-a\\r\n-b\n+a\n"), "{text}");
        assert!(
            text.contains("+b\n\\ No newline at end of file\n"),
            "{text}"
        );
    }

    #[test]
    fn colors_only_when_asked() {
        let text = diff("a\n", "b\n", true);
        assert!(text.contains("\x1b[31m-a\x1b[0m"), "{text}");
        assert!(text.contains("\x1b[32m+b\x1b[0m"), "{text}");
        assert!(text.contains("\x1b[36m@@ -1 +1 @@\x1b[0m"), "{text}");
        assert!(!diff("a\n", "b\n", false).contains('\x1b'));
    }
}
