//! Generates the parser from `grammar/pyl.lalrpop` into `OUT_DIR`
//! (included by `src/syntax/parser.rs`), and the names each part of
//! asyncio's Python defines (included by `src/runtime/asyncio/python.rs`).

use std::path::Path;

/// Where asyncio's Python parts are.
const ASYNCIO_PYTHON: &str = "src/runtime/asyncio/python";

fn main() {
    println!("cargo:rerun-if-changed=grammar");
    println!("cargo:rerun-if-changed={ASYNCIO_PYTHON}");
    println!("cargo:rustc-link-arg-bins=-no-pie");
    lalrpop::Configuration::new()
        .emit_rerun_directives(true)
        .process_dir("grammar")
        .expect("the grammar in grammar/pyl.lalrpop must build without conflicts");
    write_asyncio_names();
}

/// `OUT_DIR/asyncio/NAME.names` for each `NAME.pyl` of asyncio's Python:
/// the names its top-level lines define, as a Rust slice expression. Found
/// here, not when a program first looks a name up: reading the 2 400 lines
/// took half a million instructions of every run that did.
fn write_asyncio_names() {
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("asyncio");
    std::fs::create_dir_all(&out).expect("OUT_DIR is writable");
    let parts = std::fs::read_dir(ASYNCIO_PYTHON).expect("asyncio's Python is in the tree");
    for entry in parts {
        let path = entry.expect("asyncio's Python folder lists").path();
        if path.extension().is_none_or(|extension| extension != "pyl") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("an asyncio part reads as UTF-8");
        let names: Vec<String> = defined_names(&source)
            .map(|name| format!("{name:?}"))
            .collect();
        let part = path.file_stem().expect("a part's file has a name");
        let file = out.join(part).with_extension("names");
        std::fs::write(file, format!("&[{}]", names.join(", "))).expect("OUT_DIR is writable");
    }
}

/// The names a part's top-level `def`, `async def`, `class` and
/// `NAME = ...` lines define (a name may come twice).
fn defined_names(source: &str) -> impl Iterator<Item = &str> {
    source.lines().filter_map(|line| {
        let definition = ["async def ", "def ", "class "]
            .iter()
            .find_map(|keyword| line.strip_prefix(keyword));
        let start = definition.unwrap_or(line);
        let end = start
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(start.len());
        let (name, rest) = start.split_at(end);
        let assigned = || {
            let rest = rest.trim_start();
            rest.starts_with('=') && !rest.starts_with("==")
        };
        (!name.is_empty() && (definition.is_some() || assigned())).then_some(name)
    })
}
