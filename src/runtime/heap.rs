//! The global allocator: mimalloc ([`Mimalloc`]), and around it a count
//! of how much heap the program holds, for `--limit-memory`
//! ([`CountingAllocator`]), kept once [`start_counting`] has been called
//! (without a limit the count is never started, and an allocation pays
//! one predictable branch).
//!
//! The only `unsafe` code in pyl is here: implementing `GlobalAlloc` is
//! unsafe by definition (its callers rely on the layout contract), and so
//! is calling mimalloc's C functions. Every method forwards the layout it
//! is given; nothing else is done with the pointers.
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

/// `mi_malloc` rounds sizes of 16 bytes or more up to multiples of 16 and
/// aligns those blocks to 16 (`MI_MAX_ALIGN_SIZE`); smaller sizes get
/// 8-byte blocks, aligned to 8. So a power-of-two `align` that is at most
/// 16 and at most the size always holds — the rule Rust's `System`
/// allocator follows for `malloc`.
const MALLOC_ALIGN: usize = 16;

fn plain_malloc_suffices(align: usize, size: usize) -> bool {
    align <= MALLOC_ALIGN && align <= size
}

/// mimalloc, asked for an alignment only when the layout needs more than
/// its blocks always have. (`mi_malloc_aligned` for an ordinary layout
/// is not just slower: when the size class's free list is empty it falls
/// back to over-allocating from a larger class, for every allocation of
/// that size from then on — a third of all allocations in the asyncio
/// benchmarks.)
pub struct Mimalloc;

// SAFETY: each method passes its layout's size (and alignment, when a
// plain block would not have it) to the matching mimalloc function, which
// returns null or a block of at least that size and alignment; `dealloc`
// and `realloc` receive only pointers mimalloc returned.
unsafe impl GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if plain_malloc_suffices(layout.align(), layout.size()) {
                libmimalloc_sys::mi_malloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if plain_malloc_suffices(layout.align(), layout.size()) {
                libmimalloc_sys::mi_zalloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, _layout: Layout) {
        // SAFETY: see the impl.
        unsafe { libmimalloc_sys::mi_free(pointer.cast()) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if plain_malloc_suffices(layout.align(), new_size) {
                libmimalloc_sys::mi_realloc(pointer.cast(), new_size).cast()
            } else {
                libmimalloc_sys::mi_realloc_aligned(pointer.cast(), new_size, layout.align()).cast()
            }
        }
    }
}
