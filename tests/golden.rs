//! The golden suite: every `tests/**/NAME.pyl` (and `examples/NAME.pyl`)
//! with a `NAME.out` is run by
//! the real `pyl` binary and its stdout compared with `NAME.out`; when
//! `NAME.err` / `NAME.code` exist, the last stderr line and the exit status
//! too. Each case is its own test (libtest-mimic), so `cargo test NAME`
//! runs one.
//!
//! `PYL_UPDATE=1 cargo test --test golden` rewrites the expectations from
//! pyl's output — for cases that are not valid Python only: the expected
//! output of a Python program comes from python3, which the
//! `python3_agrees` test checks for every case.
//!
//! Every case also runs under `--clock virtual` (`pyl_virtual::NAME`):
//! virtual time must not change what a program prints.
//!
//! Cases listed in `tests/known_failures.txt` are run but reported as
//! ignored: the list is the honest record of what pyl does not do yet. A
//! `pyl_virtual::` prefix there ignores only the virtual-time run.

use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Arguments, Failed, Trial};

fn cases(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            cases(&path, found);
        } else if path.extension().is_some_and(|e| e == "pyl")
            && path.with_extension("out").exists()
        {
            found.push(path);
        }
    }
}

struct Expected {
    stdout: String,
    last_stderr_line: Option<String>,
    status: i32,
}

fn expected(case: &Path) -> Expected {
    let read = |ext: &str| std::fs::read_to_string(case.with_extension(ext)).ok();
    Expected {
        stdout: read("out").unwrap_or_default(),
        last_stderr_line: read("err").map(|s| s.trim_end_matches('\n').to_string()),
        status: read("code")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0),
    }
}

/// Runs a case as a user would: from its folder, by its file name.
fn run(program: &str, case: &Path, extra: &[&str]) -> std::io::Result<(String, String, i32)> {
    let dir = case.parent().unwrap_or(Path::new("."));
    let name = case.file_name().unwrap_or_default();
    let output = Command::new(program)
        .args(extra)
        .arg(name)
        .current_dir(dir)
        .output()?;
    Ok((
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap_or(-1),
    ))
}

fn last_line(stderr: &str) -> String {
    stderr.lines().last().unwrap_or("").to_string()
}

fn check(program: &str, case: &Path, extra: &[&str]) -> Result<(), Failed> {
    let want = expected(case);
    let (stdout, stderr, status) =
        run(program, case, extra).map_err(|e| format!("cannot run {program}: {e}"))?;
    let mut problems = Vec::new();
    if stdout != want.stdout {
        problems.push(format!("stdout differs:\n{}", diff(&want.stdout, &stdout)));
    }
    if let Some(line) = &want.last_stderr_line {
        if &last_line(&stderr) != line {
            problems.push(format!(
                "last stderr line:\n  expected: {line}\n  actual:   {}",
                last_line(&stderr)
            ));
        }
    }
    if status != want.status {
        problems.push(format!(
            "exit status: expected {}, got {status}\nstderr:\n{stderr}",
            want.status
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .header("expected", "actual")
        .to_string()
}

fn update(case: &Path) -> std::io::Result<()> {
    let (stdout, stderr, status) = run(env!("CARGO_BIN_EXE_pyl"), case, &[])?;
    std::fs::write(case.with_extension("out"), stdout)?;
    if status != 0 {
        std::fs::write(
            case.with_extension("err"),
            format!("{}\n", last_line(&stderr)),
        )?;
        std::fs::write(case.with_extension("code"), format!("{status}\n"))?;
    }
    Ok(())
}

fn python3() -> Option<&'static str> {
    ["python3.11", "python3"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn main() {
    let args = Arguments::from_args();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.join("tests");
    let mut found = Vec::new();
    cases(&root, &mut found);
    cases(&manifest.join("examples"), &mut found);
    let known_failures: Vec<String> = std::fs::read_to_string(root.join("known_failures.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let updating = std::env::var_os("PYL_UPDATE").is_some();
    let python = python3();
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
                    return update(&pyl_case).map_err(|e| e.to_string().into());
                }
                check(env!("CARGO_BIN_EXE_pyl"), &pyl_case, &[])
            })
            .with_ignored_flag(ignored),
        );
        let virtual_case = case.clone();
        let virtual_ignored = ignored || known_failures.contains(&format!("pyl_virtual::{name}"));
        if !updating {
            trials.push(
                Trial::test(format!("pyl_virtual::{name}"), move || {
                    check(
                        env!("CARGO_BIN_EXE_pyl"),
                        &virtual_case,
                        &["--clock", "virtual"],
                    )
                })
                .with_ignored_flag(virtual_ignored),
            );
        }
        let python_case = case.clone();
        trials.push(Trial::test(
            format!("python3_agrees::{name}"),
            move || match python {
                Some(python) => check(python, &python_case, &["-S"]),
                None => {
                    println!("python3 not found: skipped");
                    Ok(())
                }
            },
        ));
    }
    libtest_mimic::run(&args, trials).exit();
}
