//! Generates the parser from `grammar/pyl.lalrpop` into `OUT_DIR`
//! (included by `src/syntax/parser.rs`).

fn main() {
    println!("cargo:rerun-if-changed=grammar");
    println!("cargo:rustc-link-arg-bins=-no-pie");
    lalrpop::Configuration::new()
        .emit_rerun_directives(true)
        .process_dir("grammar")
        .expect("the grammar in grammar/pyl.lalrpop must build without conflicts");
}
