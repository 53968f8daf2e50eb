//! Memory a program asks for in one piece (`"x" * n`, `[0] * n`,
//! `s.ljust(n)`, `list(range(n))`): a request that cannot be met raises
//! `MemoryError`, as in CPython, instead of aborting the process (Rust's
//! answer to a failed allocation) or — the kernel overcommitting memory —
//! being granted and then filled until the process is killed. Under
//! `--limit-memory` the request must also fit in what is left of the limit.

use std::sync::OnceLock;

use super::error::{ExcType, PyResult};
use super::interp::Interp;

/// The most one request may ask for: the machine's physical memory (from
/// `/proc/meminfo`; 64 GiB where that cannot be read).
fn ceiling() -> usize {
    static CEILING: OnceLock<usize> = OnceLock::new();
    *CEILING.get_or_init(|| {
        std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|info| {
                let line = info.lines().find(|line| line.starts_with("MemTotal:"))?;
                let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
                kib.checked_mul(1024)
            })
            .unwrap_or(64 << 30)
    })
}

impl Interp {
    /// `MemoryError` unless `count` items of `item_size` bytes could be
    /// held, within the program's memory limit if it has one.
    pub fn check_allocation(&self, count: usize, item_size: usize) -> PyResult<()> {
        match count.checked_mul(item_size) {
            Some(bytes) if self.limits.exceeds_memory(bytes) => {
                Err(self.error(ExcType::MemoryError, self.limits.memory_message()))
            }
            Some(bytes) if bytes <= ceiling() => Ok(()),
            _ => Err(self.new_exception(ExcType::MemoryError, Vec::new())),
        }
    }

    /// Makes room for `additional` more items in `items`, or `MemoryError`.
    pub fn reserve<T>(&self, items: &mut Vec<T>, additional: usize) -> PyResult<()> {
        self.check_allocation(items.len().saturating_add(additional), size_of::<T>())?;
        items
            .try_reserve(additional)
            .map_err(|_| self.new_exception(ExcType::MemoryError, Vec::new()))
    }

    /// Makes room for `additional` more bytes in `text`, or `MemoryError`.
    pub fn reserve_text(&self, text: &mut String, additional: usize) -> PyResult<()> {
        self.check_allocation(text.len().saturating_add(additional), 1)?;
        text.try_reserve(additional)
            .map_err(|_| self.new_exception(ExcType::MemoryError, Vec::new()))
    }
}
