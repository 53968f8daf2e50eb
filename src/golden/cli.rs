//! `pyl test [PATH…]`: runs the golden cases under the paths with this
//! very binary, in parallel, and reports them in sorted order.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use super::{find_cases, paint, Failure, DEFAULT_TIMEOUT, GREEN, RED, YELLOW};

const USAGE: &str =
    "usage: pyl test [--update] [--clock virtual|real] [--timeout SECONDS] [PATH ...]

Runs the golden cases under each PATH (default: the current folder). A case
is NAME.pyl with NAME.out, its expected standard output, and optionally
NAME.err, the expected last line of standard error, and NAME.code, the
expected exit status (0 when absent). A PATH may also be one NAME.pyl.
Each case runs from its own folder, as `pyl NAME.pyl` (with the options
in NAME.options, when that file exists); cases run in parallel and are
reported in sorted order.

Options:
  --update              make each case's actual output its expectation
                        (writes NAME.out, and NAME.err and NAME.code for a
                        non-zero exit status; removes them for zero)
  --clock virtual|real  the clock the cases run with (default: virtual)
  --timeout SECONDS     fail a case that runs longer (default: 60)
  --sandbox, --limit-time SECONDS, --limit-memory MB
                        run every case as `pyl --sandbox …` would
                        (pyl --help; SECURITY.md)
  -h, --help            print this help and exit

Exit status: 0 when every case passes, 1 when one fails, 2 on a usage error.
";

/// What the command line asks for.
struct Options {
    paths: Vec<PathBuf>,
    update: bool,
    clock: &'static str,
    timeout: Duration,
    /// `--sandbox` and its limits, for every case.
    sandbox: Vec<String>,
}

/// Runs `pyl test` with the arguments after `test`; returns the exit status.
pub fn run(args: &[String]) -> i32 {
    let options = match parse(args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{USAGE}");
            return 0;
        }
        Err(message) => {
            eprintln!("pyl test: {message}\n(pyl test --help for usage)");
            return 2;
        }
    };
    let program = match std::env::current_exe() {
        Ok(program) => program,
        Err(error) => {
            eprintln!("pyl test: cannot find the pyl binary to run: {error}");
            return 2;
        }
    };
    let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let cases = cases_under(&options.paths);
    match report(&program, &options, &cases, color) {
        Ok(true) => 0,
        Ok(false) => 1,
        // The reader went away (`pyl test | head`): nothing left to say.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => 1,
        Err(error) => {
            eprintln!("pyl test: cannot write the report: {error}");
            1
        }
    }
}

/// The options, or `None` for `--help`.
fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut options = Options {
        paths: Vec::new(),
        update: false,
        clock: "virtual",
        timeout: DEFAULT_TIMEOUT,
        sandbox: Vec::new(),
    };
    let mut args = args.iter();
    let mut only_paths = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            _ if only_paths => options.paths.push(PathBuf::from(arg)),
            "--" => only_paths = true,
            "-h" | "--help" => return Ok(None),
            "--update" => options.update = true,
            "--clock" => {
                options.clock = match args.next().map(String::as_str) {
                    Some("virtual") => "virtual",
                    Some("real") => "real",
                    _ => return Err("--clock takes 'virtual' or 'real'".into()),
                }
            }
            "--sandbox" => options.sandbox.push(arg.clone()),
            "--limit-time" | "--limit-memory" => {
                let value = args
                    .next()
                    .filter(|value| value.parse::<f64>().is_ok_and(|number| number > 0.0))
                    .ok_or(format!("{arg} takes a positive number"))?;
                options.sandbox.extend([arg.clone(), value.clone()]);
            }
            "--timeout" => {
                options.timeout = args
                    .next()
                    .and_then(|seconds| seconds.parse::<f64>().ok())
                    .filter(|seconds| *seconds > 0.0)
                    .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
                    .ok_or("--timeout takes a positive number of seconds")?
            }
            option if option.starts_with('-') && option.len() > 1 => {
                return Err(format!("unknown option {option}"));
            }
            path => options.paths.push(PathBuf::from(path)),
        }
    }
    for path in &options.paths {
        if let Err(error) = std::fs::metadata(path) {
            return Err(format!("cannot use {}: {error}", path.display()));
        }
    }
    Ok(Some(options))
}

/// The cases under `paths`, sorted, each once; without paths, those under
/// the current folder, named relative to it.
fn cases_under(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = if paths.is_empty() {
        let here = Path::new(".");
        find_cases(here)
            .into_iter()
            .map(|case| {
                case.strip_prefix(here)
                    .map(Path::to_path_buf)
                    .unwrap_or(case)
            })
            .collect()
    } else {
        paths.iter().flat_map(|path| find_cases(path)).collect()
    };
    cases.sort();
    cases.dedup();
    cases
}

/// How one case went.
enum Verdict {
    Passed,
    Failed(Failure),
    Updated,
    Unchanged,
}

/// Runs the cases and prints a line per case and a summary; says whether
/// every case passed.
fn report(program: &Path, options: &Options, cases: &[PathBuf], color: bool) -> io::Result<bool> {
    let judge = |case: &Path| {
        let case_options = match super::options(case) {
            Ok(case_options) => case_options,
            Err(problem) => return Verdict::Failed(problem.into()),
        };
        let mut args = vec!["--clock", options.clock];
        args.extend(options.sandbox.iter().map(String::as_str));
        args.extend(case_options.iter().map(String::as_str));
        if options.update {
            match super::update(program, case, &args, options.timeout) {
                Ok(true) => Verdict::Updated,
                Ok(false) => Verdict::Unchanged,
                Err(failure) => Verdict::Failed(failure),
            }
        } else {
            match super::check(program, case, &args, options.timeout) {
                Ok(()) => Verdict::Passed,
                Err(failure) => Verdict::Failed(failure),
            }
        }
    };
    let mut out = io::stdout().lock();
    let (mut passed, mut failed, mut updated, mut unchanged) = (0, 0, 0, 0);
    run_in_parallel(cases, judge, |case, verdict| {
        let name = case.display();
        match verdict {
            Verdict::Passed => {
                passed += 1;
                writeln!(out, "{}   {name}", paint("ok", GREEN, color))
            }
            Verdict::Unchanged => {
                unchanged += 1;
                writeln!(out, "{}   {name}", paint("ok", GREEN, color))
            }
            Verdict::Updated => {
                updated += 1;
                writeln!(out, "{} {name}", paint("updated", YELLOW, color))
            }
            Verdict::Failed(failure) => {
                failed += 1;
                writeln!(out, "{} {name}", paint("FAIL", RED, color))?;
                for line in failure.render(color).lines() {
                    writeln!(out, "  {line}")?;
                }
                Ok(())
            }
        }
    })?;
    if cases.is_empty() {
        let paths: Vec<String> = options
            .paths
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        let under = if paths.is_empty() {
            "the current folder".to_string()
        } else {
            paths.join(" ")
        };
        writeln!(out, "no cases (NAME.pyl with NAME.out) found under {under}")?;
    }
    if options.update {
        writeln!(
            out,
            "{updated} updated, {unchanged} unchanged, {failed} failed"
        )?;
    } else {
        writeln!(out, "{passed} passed, {failed} failed")?;
    }
    out.flush()?;
    Ok(failed == 0)
}

/// Judges the cases on as many threads as there are cores, and hands each
/// verdict to `report` in the order of `cases`, as soon as it and all
/// earlier ones are known. When `report` fails no new case starts.
fn run_in_parallel(
    cases: &[PathBuf],
    judge: impl Fn(&Path) -> Verdict + Sync,
    mut report: impl FnMut(&Path, Verdict) -> io::Result<()>,
) -> io::Result<()> {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(cases.len());
    let next_case = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        for _ in 0..workers {
            let sender = sender.clone();
            let (next_case, judge) = (&next_case, &judge);
            scope.spawn(move || loop {
                let index = next_case.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(index) else {
                    break;
                };
                if sender.send((index, judge(case))).is_err() {
                    break;
                }
            });
        }
        // The workers hold the only senders left, so the receiver ends
        // when the last of them is done.
        drop(sender);
        let mut waiting: Vec<Option<Verdict>> = cases.iter().map(|_| None).collect();
        let mut reported = 0;
        for (index, verdict) in receiver {
            waiting[index] = Some(verdict);
            while let Some(verdict) = waiting.get_mut(reported).and_then(Option::take) {
                if let Err(error) = report(&cases[reported], verdict) {
                    next_case.store(cases.len(), Ordering::Relaxed);
                    return Err(error);
                }
                reported += 1;
            }
        }
        Ok(())
    })
}
