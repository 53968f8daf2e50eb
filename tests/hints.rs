//! An uncaught exception or a syntax error that people commonly meet
//! learning asyncio (and a few of the language's) is reported with a hint
//! of what to do: a `Help:` line in pyl's snippet, which CPython does not
//! print. Each `tests/hints/NAME.pyl` has its hint in `NAME.hint`; the
//! golden suite checks the rest of what the case prints against python3.

use std::path::Path;
use std::process::Command;

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

/// The `Help:` lines of pyl's report of `case`.
fn hints_of(case: &Path) -> Vec<String> {
    let output = Command::new(PYL).arg(case).output().expect("runs pyl");
    assert!(!output.status.success(), "{}: did not fail", case.display());
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter_map(|line| line.split_once("Help: ").map(|(_, hint)| hint.to_string()))
        .collect()
}

#[test]
fn each_case_is_reported_with_its_hint() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hints");
    let mut cases: Vec<_> = std::fs::read_dir(&folder)
        .expect("tests/hints")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "pyl"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "the cases of tests/hints are missing");
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let expected = std::fs::read_to_string(case.with_extension("hint"))
                .unwrap_or_else(|_| panic!("{}: no .hint file", case.display()));
            let found = hints_of(case);
            (found != [expected.trim_end()])
                .then(|| format!("{}: expected {expected:?}, found {found:?}", case.display()))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// What a hint is for: the same error, caught by the program, prints its
/// message only; and the `traceback` module formats no hint.
#[test]
fn a_hint_is_only_in_the_report_of_an_uncaught_error() {
    let folder = std::env::temp_dir().join(format!("pyl-hints-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("temp dir");
    let script = folder.join("caught.pyl");
    std::fs::write(
        &script,
        "import traceback\ntry:\n    [2, 1].sort()[0]\nexcept TypeError:\n    \
         traceback.print_exc()\nx = None\nx.append(1)\n",
    )
    .expect("writes the script");
    let output = Command::new(PYL).arg(&script).output().expect("runs pyl");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("Help: ").count(), 1, "{stderr}");
    assert!(stderr.contains("Help: the value is None"), "{stderr}");
    let _ = std::fs::remove_dir_all(&folder);
}
