//! Arbitrary bytes run as a program, as `pyl FILE` runs it (`run_main`:
//! decode, compile, evaluate, report an uncaught exception, flush stdout),
//! with a virtual clock (sleeps take no time), a fixed random seed, a
//! budget of 200 000 instructions, past which the program is stopped with
//! an uncatchable TimeoutError, a memory limit and an integer size limit
//! (each a MemoryError). Whatever the program does, pyl may not panic,
//! overflow the stack or hang.
//!
//! The program writes to the real stdout and stderr: run with
//! `-close_fd_mask=3`. Standard input is /dev/null (`input()` gets EOF).
//!
//! No input filter is needed: the program runs in pyl's sandbox around an
//! empty folder, so `open` can neither write nor read anything (pyl has no
//! `os` and no subprocesses), and `import NAME` reads only `NAME.pyl` in
//! the main script's directory, which a program run from bytes does not
//! have (`script_dir` stays None: any other import is ModuleNotFoundError).

#![no_main]

use std::rc::Rc;

use libfuzzer_sys::fuzz_target;
use pyl::runtime::clock::Clock;
use pyl::runtime::interp::Interp;
use pyl::runtime::modules::random::Generator;
use pyl::runtime::sandbox::Sandbox;

#[path = "common.rs"]
mod common;

/// Instructions a program may run; about 5 ms to 50 ms of evaluation.
const STEPS: u64 = 200_000;

/// What a program may allocate: `"y".ljust(10**9)` is legitimate, but
/// many such inputs add up to libFuzzer's RSS limit.
const MEMORY: usize = 256 << 20;

// The heap is counted, for the memory limit.
#[global_allocator]
static ALLOCATOR: pyl::runtime::heap::CountingAllocator<std::alloc::System> =
    pyl::runtime::heap::CountingAllocator(std::alloc::System);

/// The biggest integer a program may make. The step budget cannot stop
/// one native operation, and `3**363**3` (75 million bits) takes pyl 12 to
/// 48 s (CPython longer): legitimate, but a fuzzer timeout. Operands this
/// size keep every operation, division included, within milliseconds.
const INT_BITS: u64 = 1 << 17;

fuzz_target!(|data: &[u8]| {
    common::stdin_from_dev_null();
    let bytes = data.to_vec();
    common::on_new_thread(move || {
        let mut interp = Interp::new(vec!["<fuzz>".into()]);
        assert!(interp.script_dir.is_none(), "imports must not read files");
        interp.clock = Clock::virtual_time();
        interp.random = Some(Rc::new(Generator::from_seed(0)));
        interp.limits.limit_steps(STEPS);
        interp.limits.limit_int_bits(INT_BITS);
        interp.limits.limit_memory(MEMORY);
        interp.sandbox = Some(empty_sandbox());
        let _status = pyl::run::run_main(&mut interp, "<fuzz>", bytes);
        // The program's module and its functions refer to each other.
        drop(interp);
        pyl::runtime::cycles::collect();
    });
});

/// A sandbox around an empty folder of its own.
fn empty_sandbox() -> Sandbox {
    let folder = std::env::temp_dir().join(format!("pyl-fuzz-empty-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder for the sandbox");
    Sandbox::new(&folder).expect("the sandbox's folder")
}
