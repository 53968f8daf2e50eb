//! How much heap the program holds, for `--limit-memory`: a global
//! allocator that wraps the real one and counts the bytes it hands out,
//! once [`start_counting`] has been called (without a limit the count is
//! never started, and an allocation pays one predictable branch).
//!
//! The only `unsafe` code in pyl is here: implementing `GlobalAlloc` is
//! unsafe by definition (its callers rely on the layout contract). Every
//! method forwards to the wrapped allocator with the same arguments and
//! only adds to or subtracts from the count; nothing else is done with the
//! pointers.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

static COUNTING: AtomicBool = AtomicBool::new(false);

/// Bytes allocated minus bytes freed since counting started (frees of
/// earlier allocations can make it dip below zero by a few kilobytes).
static IN_USE: AtomicIsize = AtomicIsize::new(0);

/// Counts what `A` allocates.
pub struct CountingAllocator<A>(pub A);

/// Starts counting (once, before the program runs).
pub fn start_counting() {
    COUNTING.store(true, Ordering::Relaxed);
}

/// The heap the program holds now, in bytes (0 when not counting).
pub fn in_use() -> usize {
    IN_USE.load(Ordering::Relaxed).max(0) as usize
}

#[inline]
fn count(delta: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        IN_USE.fetch_add(delta, Ordering::Relaxed);
    }
}

// SAFETY: every method calls `A`'s with its own arguments, so `A`'s
// guarantees are this allocator's; the count has no effect on memory.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let pointer = unsafe { self.0.alloc(layout) };
        if !pointer.is_null() {
            count(layout.size() as isize);
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let pointer = unsafe { self.0.alloc_zeroed(layout) };
        if !pointer.is_null() {
            count(layout.size() as isize);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { self.0.dealloc(pointer, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let moved = unsafe { self.0.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        moved
    }
}
