//! Arbitrary bytes through everything before evaluation: the UTF-8 check,
//! lexing, layout (indentation), parsing, resolving and lowering; a syntax
//! error is rendered as `pyl` renders it (on stderr: run with
//! `-close_fd_mask=3`). None of it may panic or overflow the stack.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let bytes = data.to_vec();
    common::on_worker_thread(move || {
        let text = match pyl::run::decode("<fuzz>", bytes) {
            Ok(text) => text,
            Err((text, error)) => {
                pyl::diagnostics::report_syntax_error("<fuzz>", &text, &error);
                return;
            }
        };
        if let Err((source, error)) = pyl::run::compile("<fuzz>", text) {
            pyl::diagnostics::report_syntax_error(&source.name, &source.text, &error);
        }
    });
});
