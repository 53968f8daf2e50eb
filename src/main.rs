//! The `pyl` command line: parses arguments and runs a script, `-c` code or
//! standard input. Everything else lives in the library.

#![forbid(unsafe_code)]

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

// Python programs make and drop small objects all the time; mimalloc
// does that faster than glibc's malloc and hands fewer pages back and
// forth with the kernel (asyncio benchmarks: about 25% less time).
// Transparent huge pages stay off: they would triple a small script's RSS.
// The count of what it hands out is `--limit-memory`'s.
#[global_allocator]
static ALLOCATOR: CountingAllocator<Mimalloc> = CountingAllocator(Mimalloc);

use pyl::runtime::heap::{CountingAllocator, Mimalloc};
use pyl::runtime::interp::Interp;

const USAGE: &str = "usage: pyl [option] ... [-c cmd | file | -] [arg] ...
       pyl test [--update] [--clock real] [PATH ...]   (golden tests; pyl test --help)
Options:
  -c cmd       program passed in as string
  -            read the program from standard input (the default when it is not a terminal)
  --clock virtual|real
               virtual time: sleeps take no time and the clock starts at 0
               (also PYL_CLOCK=virtual)
  --trace-tasks
               print each task's scheduling events on stderr (created, started,
               suspended where and on what, resumed, finished) with the loop time
  --timeline FILE.svg | -
               draw what each task did when (running, ready, waiting, sleeping)
               as an SVG Gantt chart, or with '-' as a text chart on stderr
  --sandbox    run an untrusted script: it may read files in its own folder
               and nothing else (PermissionError, exit status 3); see SECURITY.md
  --limit-time SECONDS
               stop the script after SECONDS of CPU time (TimeoutError, status 4)
  --limit-memory MB
               stop the script past MB megabytes of memory (MemoryError, status 5)
  --version    print the version number and exit
  -h, --help   print this help message and exit
";

/// The interpreter runs on a large stack: deep Python recursion and
/// deeply nested expressions recurse in Rust too. Recursion deeper than it
/// allows grows the stack in segments, up to a ceiling
/// (`Interp::with_stack`). The stack is a segment on the main thread: a
/// thread of its own would cost a third of a millisecond of startup.
const STACK_SIZE: usize = 64 << 20;

/// The exit status of a bug in pyl itself (a Rust panic): EX_SOFTWARE.
const INTERNAL_ERROR: i32 = 70;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let status = stacker::grow(STACK_SIZE, move || {
        std::panic::catch_unwind(move || run(args)).unwrap_or(INTERNAL_ERROR)
    });
    pyl::runtime::interrupt::exit_by_sigint();
    ExitCode::from((status & 0xFF) as u8)
}

/// `pyl` on a terminal.
fn repl(virtual_clock: bool, containment: &Containment) -> i32 {
    let mut interp = Interp::new(vec![String::new()]);
    if virtual_clock {
        interp.clock = pyl::runtime::clock::Clock::virtual_time();
    }
    interp.script_dir = Some(std::path::PathBuf::from("."));
    if let Err(message) = containment.apply(&mut interp, std::path::Path::new(".")) {
        eprintln!("pyl: {message}");
        return 2;
    }
    pyl::repl::run(interp)
}

/// The options that contain a script: `--sandbox` and the limits.
#[derive(Default)]
struct Containment {
    sandbox: bool,
    cpu_time: Option<std::time::Duration>,
    memory: Option<usize>,
    /// The options as given, to pass on to `pyl test`.
    given: Vec<String>,
}

impl Containment {
    /// Reads the option at the start of `args` if it is one of these;
    /// the arguments after it.
    fn parse<'a>(&mut self, args: &'a [String]) -> Result<Option<&'a [String]>, String> {
        let option = args[0].as_str();
        let taken = match option {
            "--sandbox" => {
                self.sandbox = true;
                1
            }
            "--limit-time" => {
                let seconds = positive_number(option, args.get(1), "seconds")?;
                self.cpu_time = Some(std::time::Duration::from_secs_f64(seconds));
                2
            }
            "--limit-memory" => {
                let megabytes = positive_number(option, args.get(1), "megabytes")?;
                self.memory = Some((megabytes * (1 << 20) as f64) as usize);
                2
            }
            _ => return Ok(None),
        };
        self.given.extend_from_slice(&args[..taken]);
        Ok(Some(&args[taken..]))
    }

    /// Puts `interp` under these limits and, with `--sandbox`, confines it
    /// to `folder`.
    fn apply(&self, interp: &mut Interp, folder: &std::path::Path) -> Result<(), String> {
        if self.sandbox {
            let sandbox = pyl::runtime::sandbox::Sandbox::new(folder).map_err(|error| {
                format!("can't confine the script to {}: {error}", folder.display())
            })?;
            interp.sandbox = Some(sandbox);
        }
        if self.cpu_time.is_some() || self.memory.is_some() {
            interp
                .limits
                .enforce(self.cpu_time, self.memory)
                .map_err(|error| format!("can't enforce the limits: {error}"))?;
        }
        Ok(())
    }
}

/// A positive number of `what` from the argument after an option.
fn positive_number(option: &str, value: Option<&String>, what: &str) -> Result<f64, String> {
    value
        .and_then(|value| value.parse::<f64>().ok())
        .filter(|number| number.is_finite() && *number > 0.0 && *number < 1e12)
        .ok_or_else(|| format!("{option} takes a positive number of {what}"))
}

fn run(args: Vec<String>) -> i32 {
    let mut rest = args.as_slice();
    let mut virtual_clock = std::env::var("PYL_CLOCK").is_ok_and(|v| v == "virtual");
    let mut trace_tasks = false;
    let mut timeline = None;
    let mut containment = Containment::default();
    while let Some(option) = rest.first().map(String::as_str) {
        match containment.parse(rest) {
            Ok(Some(after)) => {
                rest = after;
                continue;
            }
            Ok(None) => {}
            Err(message) => {
                eprintln!("pyl: {message}\n{USAGE}");
                return 2;
            }
        }
        match option {
            "--clock" => {
                match rest.get(1).map(String::as_str) {
                    Some("virtual") => virtual_clock = true,
                    Some("real") => virtual_clock = false,
                    _ => {
                        eprintln!("pyl: --clock takes 'virtual' or 'real'\n{USAGE}");
                        return 2;
                    }
                }
                rest = &rest[2..];
            }
            "--trace-tasks" => {
                trace_tasks = true;
                rest = &rest[1..];
            }
            "--timeline" => {
                use pyl::runtime::asyncio::timeline::Output;
                timeline = match rest.get(1).map(String::as_str) {
                    Some("-") => Some(Output::Text),
                    Some(path) if !path.is_empty() => Some(Output::Svg(path.into())),
                    _ => {
                        eprintln!("pyl: --timeline takes a file name or '-'\n{USAGE}");
                        return 2;
                    }
                };
                rest = &rest[2..];
            }
            _ => break,
        }
    }
    if rest.first().is_some_and(|a| a == "test") {
        // `pyl --clock real test …` means `pyl test --clock real …`.
        let mut test_args = Vec::new();
        if args[..args.len() - rest.len()]
            .iter()
            .any(|option| option == "--clock")
        {
            let clock = if virtual_clock { "virtual" } else { "real" };
            test_args.extend(["--clock".to_string(), clock.to_string()]);
        }
        test_args.extend(containment.given.iter().cloned());
        test_args.extend(rest[1..].iter().cloned());
        return pyl::golden::cli::run(&test_args);
    }
    let (name, source): (String, Vec<u8>) = match rest.first().map(String::as_str) {
        Some("--version" | "-V") => {
            println!("pyl {} (Python 3.11 subset)", env!("CARGO_PKG_VERSION"));
            return 0;
        }
        Some("-h" | "--help") => {
            print!("{USAGE}");
            return 0;
        }
        Some("-c") => {
            let Some(code) = rest.get(1) else {
                eprintln!("Argument expected for the -c option\n{USAGE}");
                return 2;
            };
            rest = &rest[2..];
            ("<string>".into(), code.clone().into_bytes())
        }
        Some("-") | None => {
            if rest.is_empty() && std::io::stdin().is_terminal() {
                return repl(virtual_clock, &containment);
            }
            let mut bytes = Vec::new();
            if let Err(error) = std::io::stdin().read_to_end(&mut bytes) {
                eprintln!("pyl: can't read standard input: {error}");
                return 2;
            }
            rest = rest.get(1..).unwrap_or_default();
            ("<stdin>".into(), bytes)
        }
        Some(option) if option.starts_with('-') => {
            eprintln!("unknown option {option}\n{USAGE}");
            return 2;
        }
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => {
                rest = &rest[1..];
                (path.to_string(), bytes)
            }
            Err(error) => {
                let reason = error.to_string();
                let reason = reason.split(" (os error").next().unwrap_or(&reason);
                eprintln!(
                    "pyl: can't open file '{path}': [Errno {}] {reason}",
                    error.raw_os_error().unwrap_or(0)
                );
                return 2;
            }
        },
    };
    let argv_zero = if name == "<string>" {
        "-c".to_string()
    } else if name == "<stdin>" {
        "-".to_string()
    } else {
        name.clone()
    };
    let mut argv = vec![argv_zero];
    argv.extend(rest.iter().cloned());
    pyl::runtime::interrupt::install_handler();
    let mut interp = Interp::new(argv);
    if virtual_clock {
        interp.clock = pyl::runtime::clock::Clock::virtual_time();
    }
    if trace_tasks || timeline.is_some() {
        interp.trace = Some(pyl::runtime::asyncio::trace::TaskTrace::new(
            trace_tasks,
            timeline.map(pyl::runtime::asyncio::timeline::Timeline::new),
        ));
    }
    interp.script_dir = std::path::Path::new(&name).parent().map(|p| {
        if p.as_os_str().is_empty() {
            std::path::PathBuf::from(".")
        } else {
            p.to_path_buf()
        }
    });
    // Like CPython (3.9+), the script's code and `__file__` name it by its
    // absolute path, while `sys.argv[0]` keeps the path as given.
    let folder = interp.script_dir.clone().unwrap_or_default();
    if let Err(message) = containment.apply(&mut interp, &folder) {
        eprintln!("pyl: {message}");
        return 2;
    }
    let code_name = if name.starts_with('<') {
        name
    } else {
        std::path::absolute(&name).map_or(name, |p| p.to_string_lossy().into_owned())
    };
    let status = pyl::run::run_main(&mut interp, &code_name, source);
    if let Some(trace) = interp.trace.take() {
        let now = interp.clock.monotonic();
        if let Err(error) = trace.finish(now, interp.clock.is_virtual()) {
            eprintln!("pyl: cannot write the timeline: {error}");
            return status.max(1);
        }
    }
    // The process ends now: what the interpreter still holds goes back to
    // the OS at once, not object by object (a fifteenth of a `pass`'s
    // instructions). Nothing a program could see is lost: its finalizers
    // ran and its files and stdout were flushed in `run_main`.
    std::mem::forget(interp);
    status
}
