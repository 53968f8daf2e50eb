//! `pyl test [PATH…]`.

/// Runs `pyl test` with the arguments after `test`; returns the exit status.
pub fn run(_args: &[String]) -> i32 {
    eprintln!("pyl test: not implemented yet");
    2
}
