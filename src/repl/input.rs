//! When a REPL input is complete, as CPython's interactive prompt decides:
//! an open bracket, a trailing `:` or an unterminated triple-quoted string
//! asks for more lines, and a compound statement (`if`, `for`, `def`, …)
//! goes on until a blank line.

use crate::syntax::ast::{Stmt, StmtKind};
use crate::syntax::parser::parse_module;

/// Whether `buffer` (the lines typed so far, each ending in `\n`) is ready
/// to run. A syntax error that more text cannot fix counts as complete, so
/// that it is reported at once.
pub fn is_complete(buffer: &str) -> bool {
    if buffer.trim().is_empty() {
        return true;
    }
    let ends_with_blank_line = buffer
        .strip_suffix('\n')
        .unwrap_or(buffer)
        .rsplit('\n')
        .next()
        .is_some_and(|last| last.trim().is_empty());
    match parse_module(buffer) {
        Ok(module) => !module.body.last().is_some_and(is_compound) || ends_with_blank_line,
        Err(error) if !error.incomplete_input => true,
        // A block still missing its body or its `except` ends at a blank
        // line (and fails); an open bracket or string goes on regardless.
        Err(error) => ends_with_blank_line && !leaves_text_open(&error.message),
    }
}

/// Whether an end-of-input error is an open bracket, string or line
/// continuation rather than an unfinished block.
fn leaves_text_open(message: &str) -> bool {
    message.ends_with("was never closed")
        || message.starts_with("unterminated triple-quoted string")
        || message == "unexpected EOF while parsing"
}

fn is_compound(stmt: &Stmt) -> bool {
    matches!(
        stmt.kind,
        StmtKind::If { .. }
            | StmtKind::While { .. }
            | StmtKind::For { .. }
            | StmtKind::With { .. }
            | StmtKind::FunctionDef(_)
            | StmtKind::ClassDef(_)
            | StmtKind::Try { .. }
            | StmtKind::Match { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::is_complete;

    #[test]
    fn simple_statements_run_at_once() {
        assert!(is_complete("1 + 2\n"));
        assert!(is_complete("x = 1\n"));
        assert!(is_complete("await asyncio.sleep(1)\n"));
        assert!(is_complete("\n"));
        assert!(is_complete("# just a comment\n"));
    }

    #[test]
    fn open_brackets_and_strings_ask_for_more() {
        assert!(!is_complete("x = [1,\n"));
        assert!(is_complete("x = [1,\n2]\n"));
        assert!(!is_complete("s = '''abc\n"));
        assert!(!is_complete("s = '''abc\n\n"));
        assert!(is_complete("s = '''abc\n'''\n"));
        assert!(!is_complete("print(1 +\n"));
    }

    #[test]
    fn compound_statements_end_at_a_blank_line() {
        assert!(!is_complete("if x:\n"));
        assert!(!is_complete("if x:\n    y = 1\n"));
        assert!(is_complete("if x:\n    y = 1\n\n"));
        assert!(!is_complete("match x:\n    case 1:\n        y = 1\n"));
        assert!(is_complete("match x:\n    case 1:\n        y = 1\n\n"));
        assert!(!is_complete("for i in range(3): print(i)\n"));
        assert!(is_complete("for i in range(3): print(i)\n\n"));
        assert!(!is_complete("async def f():\n    await g()\n"));
        assert!(!is_complete("@decorator\n"));
        assert!(!is_complete("try:\n    pass\n"));
        assert!(!is_complete("def f(a,\n"));
        assert!(!is_complete("def f(a,\n      b):\n    return a\n"));
        assert!(is_complete("def f(a,\n      b):\n    return a\n\n"));
        // A header with no body fails at the blank line, as in CPython.
        assert!(is_complete("if x:\n\n"));
        assert!(!is_complete("x = [\n\n"));
    }

    #[test]
    fn hopeless_errors_are_reported_at_once() {
        assert!(is_complete("1 +* 2\n"));
        assert!(is_complete("if x:\n  1 +* 2\n"));
        assert!(is_complete("x = )\n"));
    }
}
