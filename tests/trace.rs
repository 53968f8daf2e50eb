//! `pyl --trace-tasks` and `pyl --timeline` in virtual time, on every
//! `tests/trace/NAME.pyl` (golden cases too: their stdout is checked
//! against CPython's by the golden suite). Three tests per case:
//!
//! - `trace::NAME`: the whole stderr of `--trace-tasks` equals
//!   `NAME.trace`;
//! - `timeline_text::NAME`: the text chart of `--timeline -` (80 columns)
//!   equals `NAME.timeline`;
//! - `timeline_svg::NAME`: the SVG of `--timeline FILE.svg` is well-formed
//!   XML (python3's parser; skipped without python3), has a row for every
//!   task the trace names, and draws each row's bars left to right.
//!
//! `PYL_UPDATE=1 cargo test --test trace` rewrites the `.trace` and
//! `.timeline` files from pyl's output.

use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Arguments, Failed, Trial};

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

/// pyl's stderr for `case` run in virtual time with `options`.
fn stderr_of(case: &Path, options: &[&str]) -> Result<String, Failed> {
    let output = Command::new(PYL)
        .args(["--clock", "virtual"])
        .args(options)
        .arg(case.file_name().ok_or("a case has a name")?)
        .current_dir(case.parent().ok_or("a case has a folder")?)
        .env("COLUMNS", "80")
        .output()
        .map_err(|error| format!("cannot run pyl: {error}"))?;
    Ok(String::from_utf8_lossy(&output.stderr).into_owned())
}

fn compare(actual: &str, expected_path: &Path) -> Result<(), Failed> {
    if std::env::var_os("PYL_UPDATE").is_some() {
        std::fs::write(expected_path, actual)
            .map_err(|error| format!("cannot write {}: {error}", expected_path.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(expected_path)
        .map_err(|error| format!("cannot read {}: {error}", expected_path.display()))?;
    if actual != expected {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
            .unified_diff()
            .header("expected", "actual")
            .to_string();
        return Err(format!("{} differs:\n{diff}", expected_path.display()).into());
    }
    Ok(())
}

fn check_trace(case: &Path) -> Result<(), Failed> {
    compare(
        &stderr_of(case, &["--trace-tasks"])?,
        &case.with_extension("trace"),
    )
}

fn check_text_timeline(case: &Path) -> Result<(), Failed> {
    compare(
        &stderr_of(case, &["--timeline", "-"])?,
        &case.with_extension("timeline"),
    )
}

/// Prints each row of the SVG as `title: class class …`, failing when a
/// row's bars do not go left to right.
const READ_SVG: &str = r#"
import sys, xml.etree.ElementTree as ET
ns = {'s': 'http://www.w3.org/2000/svg'}
root = ET.parse(sys.argv[1]).getroot()
for group in root.findall('s:g', ns):
    title = group.find('s:text', ns).text
    bars = group.findall('s:rect', ns)
    xs = [float(bar.get('x')) for bar in bars]
    assert xs == sorted(xs), f'{title}: bars out of order'
    assert all(bar.find('s:title', ns) is not None for bar in bars)
    print(title + ': ' + ' '.join(bar.get('class') for bar in bars))
"#;

fn check_svg(case: &Path) -> Result<(), Failed> {
    let Some(python) = pyl::golden::python3() else {
        println!("python3 not found: skipped");
        return Ok(());
    };
    let folder = std::env::temp_dir().join(format!("pyl-timeline-{}", std::process::id()));
    std::fs::create_dir_all(&folder).map_err(|error| error.to_string())?;
    let name = case.file_stem().unwrap_or_default().to_string_lossy();
    let svg = folder.join(format!("{name}.svg"));
    stderr_of(case, &["--timeline", &svg.to_string_lossy()])?;
    let output = Command::new(python)
        .args(["-S", "-c", READ_SVG])
        .arg(&svg)
        .output()
        .map_err(|error| format!("cannot run {python}: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "the SVG does not read back:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let rows = String::from_utf8_lossy(&output.stdout).into_owned();
    let trace = std::fs::read_to_string(case.with_extension("trace")).unwrap_or_default();
    for created in trace
        .lines()
        .filter_map(|line| line.split_once(" created: "))
    {
        let task = created.0.rsplit(' ').next().unwrap_or_default();
        let title = format!("{task} {}", created.1);
        if !rows
            .lines()
            .any(|row| row.starts_with(&format!("{title}:")))
        {
            return Err(format!("no row for {title} in:\n{rows}").into());
        }
    }
    Ok(())
}

type Check = fn(&Path) -> Result<(), Failed>;

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
    let mut trials = Vec::new();
    for case in cases {
        let name = case
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let checks: [(&str, Check); 3] = [
            ("trace", check_trace),
            ("timeline_text", check_text_timeline),
            ("timeline_svg", check_svg),
        ];
        for (kind, check) in checks {
            let case = case.clone();
            trials.push(Trial::test(format!("{kind}::{name}"), move || check(&case)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
