//! What both fuzz targets share: running on a thread like the real binary's.

/// The stack of the `pyl` binary's interpreter thread (`STACK_SIZE` in
/// src/main.rs). Parsing and evaluation run on a thread of this size so
/// that deep nesting overflows (or not) exactly as it does in `pyl`.
pub const STACK_SIZE: usize = 64 << 20;

/// Runs `body` on a new thread with the interpreter's stack size, as `pyl`
/// runs a program: the thread's thread-local state (interned names,
/// pending warnings, unretrieved futures) starts empty and goes with it, so
/// one input cannot change how the next runs. A panic there reaches
/// libfuzzer-sys's panic hook, which aborts: a crash. A stack overflow is a
/// SIGSEGV that Rust's guard page handler turns into an abort: a crash too.
#[allow(dead_code)]
pub fn on_new_thread(body: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .name("pyl-fuzz".into())
        .stack_size(STACK_SIZE)
        .spawn(body)
        .expect("spawning the interpreter thread")
        .join()
        .expect("the interpreter thread panicked");
}

type Job = Box<dyn FnOnce() + Send>;

/// Inputs one worker thread runs before it is replaced: the table of
/// interned names only grows, and a worker's goes when the worker ends.
const JOBS_PER_WORKER: u32 = 10_000;

/// Runs `body` on a worker thread with the interpreter's stack size that
/// is kept for [`JOBS_PER_WORKER`] inputs: a new thread per input costs
/// three times as much as compiling a small program. Only for code whose
/// thread-local state does not change what it does (compiling: the table
/// of interned names). Panics and stack overflows crash as in
/// [`on_new_thread`].
#[allow(dead_code)]
pub fn on_worker_thread(body: impl FnOnce() + Send + 'static) {
    use std::sync::mpsc::{channel, Receiver, Sender};
    use std::sync::Mutex;
    struct Worker {
        jobs: Sender<Job>,
        done: Receiver<()>,
        left: u32,
    }
    static WORKER: Mutex<Option<Worker>> = Mutex::new(None);
    let mut slot = WORKER.lock().expect("the worker's channel");
    if slot.as_ref().is_none_or(|worker| worker.left == 0) {
        // Dropping the old worker's sender ends its loop and its thread.
        let (jobs, job_receiver) = channel::<Job>();
        let (done_sender, done) = channel();
        std::thread::Builder::new()
            .name("pyl-fuzz".into())
            .stack_size(STACK_SIZE)
            .spawn(move || {
                for job in job_receiver {
                    job();
                    done_sender.send(()).expect("the fuzzer stopped waiting");
                }
            })
            .expect("spawning the interpreter thread");
        *slot = Some(Worker {
            jobs,
            done,
            left: JOBS_PER_WORKER,
        });
    }
    let worker = slot.as_mut().expect("a worker was just made");
    worker.left -= 1;
    worker
        .jobs
        .send(Box::new(body))
        .expect("the worker is gone");
    worker.done.recv().expect("the worker is gone");
}

/// Makes standard input /dev/null, once: `input()` then gets EOFError at
/// once instead of waiting on the terminal that started the fuzzer.
#[allow(dead_code)]
pub fn stdin_from_dev_null() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use std::os::fd::AsRawFd;
        extern "C" {
            fn dup2(old: i32, new: i32) -> i32;
        }
        let null = std::fs::File::open("/dev/null").expect("opening /dev/null");
        // SAFETY: dup2 on two valid descriptors; `null` is closed after,
        // and descriptor 0 keeps its own reference to /dev/null.
        let status = unsafe { dup2(null.as_raw_fd(), 0) };
        assert!(status == 0, "redirecting stdin from /dev/null failed");
    });
}
