//! A script that is not UTF-8 is refused as CPython refuses it: the same
//! last line of stderr (`SyntaxError: Non-UTF-8 code starting with …`,
//! which names the file by its absolute path — so this cannot be a golden
//! case) and exit status 1, under pyl and, when it is there, python3.

use std::process::Command;

use pyl::golden::python3;

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

/// Runs `program FILE` from FILE's folder: the status, stdout and the last
/// line of stderr.
fn run(program: &str, args: &[&str], folder: &std::path::Path) -> (i32, String, String) {
    let output = Command::new(program)
        .args(args)
        .arg("script.pyl")
        .current_dir(folder)
        .output()
        .expect("the interpreter starts");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last_line = stderr.lines().last().unwrap_or("").to_string();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.code().unwrap_or(-1), stdout, last_line)
}

#[test]
fn source_that_is_not_utf8_is_a_syntax_error_as_in_cpython() {
    let sources: [&[u8]; 3] = [
        b"print('ok')\nprint('caf\xe9')\n",
        b"\xff\xfeprint('utf-16?')\n",
        b"# a comment \xc3\n",
    ];
    for (index, source) in sources.iter().enumerate() {
        let folder =
            std::env::temp_dir().join(format!("pyl-bad-source-{}-{index}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("script.pyl"), source).unwrap();
        let pyl = run(PYL, &[], &folder);
        assert_eq!(pyl.0, 1, "{pyl:?}");
        assert_eq!(pyl.1, "", "nothing runs: {pyl:?}");
        assert!(
            pyl.2
                .starts_with("SyntaxError: Non-UTF-8 code starting with"),
            "{pyl:?}"
        );
        match python3() {
            Some(python) => assert_eq!(run(python, &["-S"], &folder), pyl),
            None => println!("python3 not found: the comparison is skipped"),
        }
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
