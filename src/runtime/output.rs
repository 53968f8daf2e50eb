//! The interpreter's stdout: buffered for speed, or captured (REPL echo,
//! tests). Flushed before anything is written to stderr and at exit.

use std::io::{self, BufWriter, Stdout, Write};

pub enum Output {
    Stdout(BufWriter<Stdout>),
    Captured(Vec<u8>),
}

impl Output {
    pub fn stdout() -> Output {
        Output::Stdout(BufWriter::with_capacity(64 * 1024, io::stdout()))
    }

    pub fn captured() -> Output {
        Output::Captured(Vec::new())
    }

    /// Takes what was captured so far (empty for real stdout).
    pub fn take_captured(&mut self) -> Vec<u8> {
        match self {
            Output::Captured(bytes) => std::mem::take(bytes),
            Output::Stdout(_) => Vec::new(),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::Captured(v) => v.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::Captured(_) => Ok(()),
        }
    }
}
