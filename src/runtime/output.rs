//! The interpreter's stdout: buffered for speed, or captured (REPL echo,
//! tests), or handed on at each flush. Flushed before anything is written
//! to stderr and at exit.

use std::io::{self, BufWriter, Stdout, Write};

pub enum Output {
    Stdout(BufWriter<Stdout>),
    Captured(Vec<u8>),
    /// What is written goes to the function at each flush: the REPL
    /// shows what tasks print between inputs above its prompt.
    Forwarded(Vec<u8>, Forward),
}

/// Where [`Output::Forwarded`] hands what was written.
pub type Forward = Box<dyn FnMut(&[u8])>;

impl Output {
    pub fn stdout() -> Output {
        Output::Stdout(BufWriter::with_capacity(64 * 1024, io::stdout()))
    }

    pub fn captured() -> Output {
        Output::Captured(Vec::new())
    }

    pub fn forwarded(forward: impl FnMut(&[u8]) + 'static) -> Output {
        Output::Forwarded(Vec::new(), Box::new(forward))
    }

    /// Takes what was captured so far (empty for real stdout).
    pub fn take_captured(&mut self) -> Vec<u8> {
        match self {
            Output::Captured(bytes) => std::mem::take(bytes),
            Output::Stdout(_) | Output::Forwarded(..) => Vec::new(),
        }
    }
}

impl Output {
    /// After a write to a closed pipe: what is buffered can never be read,
    /// so it is dropped — one `BrokenPipeError` per failed write, as in
    /// CPython, not one more at every later flush.
    fn after_error<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if let (Err(error), Output::Stdout(_)) = (&result, &*self) {
            if error.kind() == io::ErrorKind::BrokenPipe {
                if let Output::Stdout(writer) = std::mem::replace(self, Output::captured()) {
                    let (stdout, _unwritten) = writer.into_parts();
                    *self = Output::Stdout(BufWriter::with_capacity(64 * 1024, stdout));
                }
            }
        }
        result
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = match self {
            Output::Stdout(w) => w.write(buf),
            Output::Captured(v) | Output::Forwarded(v, _) => v.write(buf),
        };
        self.after_error(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = match self {
            Output::Stdout(w) => w.flush(),
            Output::Captured(_) => Ok(()),
            Output::Forwarded(written, forward) => {
                if !written.is_empty() {
                    forward(written);
                    written.clear();
                }
                Ok(())
            }
        };
        self.after_error(result)
    }
}
