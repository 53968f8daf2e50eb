//! A traceback names the same lines as CPython's: for each frame of the
//! script, `File ".../script.pyl", line N, in NAME` and the source line shown
//! under it — the line of the call an exception came out of, where a
//! statement spans several. (The golden cases compare only stderr's last
//! line; CPython's frames inside its own library are left out here.)

use std::process::Command;

use pyl::golden::python3;

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

/// The script's own frames in the traceback `program` prints for `source`.
fn script_frames(program: &str, args: &[&str], source: &str, case: &str) -> Vec<String> {
    let folder = std::env::temp_dir().join(format!("pyl-traceback-{}-{case}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("script.pyl"), source).unwrap();
    let output = Command::new(program)
        .args(args)
        .arg("script.pyl")
        .current_dir(&folder)
        .output()
        .expect("the interpreter starts");
    std::fs::remove_dir_all(&folder).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    let mut frames = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        // The path is absolute, as CPython's (3.9 on) is for the script.
        if let Some(place) = line.trim().strip_prefix("File \"") {
            if let Some((path, place)) = place.split_once("\", ") {
                if path.ends_with("/script.pyl") {
                    let shown = lines.get(index + 1).map_or("", |next| next.trim());
                    frames.push(format!("{place} | {shown}"));
                }
            }
        }
    }
    frames
}

const CASES: [(&str, &str); 4] = [
    (
        "multi_line_call",
        "def f(x):\n    return 1 / x\n\n\ntotal = sum([\n    1,\n    f(0),\n])\n",
    ),
    (
        "nested_calls",
        "def inner(x):\n    return [1][x]\n\n\ndef outer(x):\n    return inner(\n        x + 1,\n    )\n\n\nprint(len(\n    str(outer(0)),\n))\n",
    ),
    (
        "callback_in_a_builtin",
        "print(sorted(\n    [3, 1, 2],\n    key=lambda v: v / 0,\n))\n",
    ),
    (
        "tasks",
        "import asyncio\n\n\ndef check(x):\n    if x:\n        raise ValueError(x)\n\n\nasync def task(x):\n    await asyncio.sleep(0)\n    check(\n        x)\n\n\nasync def main():\n    await asyncio.gather(\n        task(0),\n        task(1),\n    )\n\n\nasyncio.run(main())\n",
    ),
];

#[test]
fn traceback_lines_are_cpythons() {
    for (case, source) in CASES {
        let pyl = script_frames(PYL, &[], source, case);
        assert!(pyl.len() >= 2, "{case}: {pyl:#?}");
        match python3() {
            Some(python) => {
                let expected = script_frames(python, &["-S"], source, case);
                assert_eq!(pyl, expected, "{case}");
            }
            None => println!("python3 not found: the comparison is skipped"),
        }
    }
}
