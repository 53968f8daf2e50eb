//! The golden suite: every `tests/**/NAME.pyl` (and `examples/NAME.pyl`)
//! with a `NAME.out` is run by
//! the real `pyl` binary and its stdout compared with `NAME.out`; when
//! `NAME.err` / `NAME.code` exist, the last stderr line and the exit status
//! too. Each case is its own test (libtest-mimic), so `cargo test NAME`
//! runs one. Finding, running (with `golden::DEFAULT_TIMEOUT`), comparing
//! and updating cases is `pyl::golden`, which `pyl test` uses too; this
//! file only adds the suite's own trials and its list of known failures.
//!
//! `PYL_UPDATE=1 cargo test --test golden` rewrites the expectations from
//! pyl's output — for cases that are not valid Python only: the expected
//! output of a Python program comes from python3, which the
//! `python3_agrees` test checks for every case.
//!
//! Every case also runs under `--clock virtual` (`pyl_virtual::NAME`):
//! virtual time must not change what a program prints.
//!
//! A case with a `NAME.diverges` file is not run under python3: the file
//! says why CPython's behaviour cannot be the expectation there (CPython
//! crashes, or runs out of memory, where pyl raises a clean exception).
//!
//! A case that imports `aiohttp` (not in CPython's standard library) is
//! checked with a python3 that can import it, with its site packages (no
//! `-S`), and says it is skipped when there is none.
//!
//! Cases listed in `tests/known_failures.txt` are run but reported as
//! ignored: the list is the honest record of what pyl does not do yet. A
//! `pyl_virtual::` prefix there ignores only the virtual-time run.

use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};
use pyl::golden::{self, find_cases, python3, DEFAULT_TIMEOUT};

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

fn check(program: &str, case: &Path, extra_args: &[&str]) -> Result<(), Failed> {
    golden::check(program, case, extra_args, DEFAULT_TIMEOUT)
        .map_err(|failure| failure.render(false).into())
}

/// Runs `case` under pyl with `extra_args` and the case's own options.
fn check_pyl(case: &Path, extra_args: &[&str]) -> Result<(), Failed> {
    let options =
        golden::options(case).map_err(|problem| golden::Failure::from(problem).render(false))?;
    let mut args = extra_args.to_vec();
    args.extend(options.iter().map(String::as_str));
    check(PYL, case, &args)
}

fn update(case: &Path) -> Result<(), Failed> {
    let options =
        golden::options(case).map_err(|problem| golden::Failure::from(problem).render(false))?;
    let args: Vec<&str> = options.iter().map(String::as_str).collect();
    golden::update(PYL, case, &args, DEFAULT_TIMEOUT)
        .map(|_changed| ())
        .map_err(|failure| failure.render(false).into())
}

/// A python3 whose site packages have aiohttp (Debian's `python3-aiohttp`
/// installs it for `/usr/bin/python3.11`).
fn python_with_aiohttp() -> Option<&'static str> {
    ["python3.11", "python3", "/usr/bin/python3.11"]
        .into_iter()
        .find(|program| {
            std::process::Command::new(program)
                .args(["-c", "import aiohttp"])
                .output()
                .is_ok_and(|output| output.status.success())
        })
}

fn main() {
    let args = Arguments::from_args();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.join("tests");
    let mut found = find_cases(&root);
    found.extend(find_cases(&manifest.join("examples")));
    let known_failures: Vec<String> = std::fs::read_to_string(root.join("known_failures.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let updating = std::env::var_os("PYL_UPDATE").is_some();
    let python = python3();
    let python_with_aiohttp = python_with_aiohttp();
    let mut trials = Vec::new();
    for case in found {
        let name = case
            .strip_prefix(&root)
            .or_else(|_| case.strip_prefix(manifest))
            .unwrap_or(&case)
            .with_extension("")
            .to_string_lossy()
            .replace('/', "::");
        let ignored = known_failures.contains(&name);
        let pyl_case = case.clone();
        trials.push(
            Trial::test(format!("pyl::{name}"), move || {
                if updating {
                    return update(&pyl_case);
                }
                check_pyl(&pyl_case, &[])
            })
            .with_ignored_flag(ignored),
        );
        let virtual_case = case.clone();
        let virtual_ignored = ignored || known_failures.contains(&format!("pyl_virtual::{name}"));
        if !updating {
            trials.push(
                Trial::test(format!("pyl_virtual::{name}"), move || {
                    check_pyl(&virtual_case, &["--clock", "virtual"])
                })
                .with_ignored_flag(virtual_ignored),
            );
        }
        let python_case = case.clone();
        let diverges = case.with_extension("diverges").exists();
        let imports_aiohttp =
            std::fs::read_to_string(&case).is_ok_and(|source| source.contains("import aiohttp"));
        trials.push(
            Trial::test(format!("python3_agrees::{name}"), move || {
                match (imports_aiohttp, python, python_with_aiohttp) {
                    (false, Some(python), _) => check(python, &python_case, &["-S"]),
                    (true, _, Some(python)) => check(python, &python_case, &[]),
                    (false, None, _) => {
                        println!("python3 not found: skipped");
                        Ok(())
                    }
                    (true, _, None) => {
                        println!("no python3 with aiohttp installed: skipped");
                        Ok(())
                    }
                }
            })
            .with_ignored_flag(diverges),
        );
    }
    libtest_mimic::run(&args, trials).exit();
}
