//! `pyl --trace-tasks` in virtual time: every `tests/trace/NAME.pyl` is run
//! with `--clock virtual --trace-tasks` and its whole stderr — the trace —
//! compared with `NAME.trace`. (The cases are golden cases too: their
//! stdout is checked against CPython's by the golden suite.) Each case is
//! its own test; `PYL_UPDATE=1 cargo test --test trace` rewrites the
//! `.trace` files from pyl's output.

use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Arguments, Failed, Trial};

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

fn check(case: &Path) -> Result<(), Failed> {
    let folder = case.parent().ok_or("a case has a folder")?;
    let output = Command::new(PYL)
        .args(["--clock", "virtual", "--trace-tasks"])
        .arg(case.file_name().ok_or("a case has a name")?)
        .current_dir(folder)
        .output()
        .map_err(|error| format!("cannot run pyl: {error}"))?;
    let trace = String::from_utf8_lossy(&output.stderr);
    let expected_path = case.with_extension("trace");
    if std::env::var_os("PYL_UPDATE").is_some() {
        std::fs::write(&expected_path, trace.as_bytes())
            .map_err(|error| format!("cannot write {}: {error}", expected_path.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|error| format!("cannot read {}: {error}", expected_path.display()))?;
    if trace != expected {
        let diff = similar::TextDiff::from_lines(expected.as_str(), &*trace)
            .unified_diff()
            .header("expected", "actual")
            .to_string();
        return Err(format!("the trace differs:\n{diff}").into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/trace");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "pyl"))
                .collect()
        })
        .unwrap_or_default();
    cases.sort();
    let trials = cases
        .into_iter()
        .map(|case| {
            let name = case
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            Trial::test(format!("trace::{name}"), move || check(&case))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
