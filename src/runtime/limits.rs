//! Limits on a run, and stopping it: the evaluator counts down instructions
//! and, every [`POLL_INTERVAL`] of them, polls for Ctrl-C and checks the
//! run's limits — a number of instructions (for the fuzzer and for tests of
//! runaway programs), CPU time (`--limit-time`) and heap (`--limit-memory`).
//!
//! A program past a limit is *stopped*: the exception that says why is
//! raised where the program is, no `except` or `finally` runs (each would
//! be a way to keep going), every later instruction raises it again, and
//! the event loop lets it through instead of storing it in a task. It then
//! ends the program like any uncaught exception, with the limit's own exit
//! status.
//!
//! CPU time is watched by a watchdog thread, which raises a flag the
//! poll reads. A program that stops polling — one native operation running
//! on and on, say a huge integer power — is ended by the watchdog itself
//! once it is [`GRACE`] past the limit (for memory: once the heap is twice
//! the limit), with the same message and status but no traceback.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::error::{ExcType, PyErr};
use super::heap;
use super::interp::Interp;

/// Instructions between two polls: Ctrl-C is noticed within microseconds,
/// and the count costs one decrement per instruction.
pub const POLL_INTERVAL: u32 = 1024;

/// Exit status of a program stopped by its CPU time limit or step budget.
pub const TIME_STATUS: i32 = 4;
/// Exit status of a program stopped by its memory limit (or ended by an
/// uncaught `MemoryError` under one).
pub const MEMORY_STATUS: i32 = 5;

/// How far past its CPU time limit a program that does not poll may run.
pub const GRACE: Duration = Duration::from_secs(1);

/// Set by the watchdog when the CPU time limit has passed.
static TIME_IS_UP: AtomicBool = AtomicBool::new(false);

/// A limit a program went past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exceeded {
    Steps,
    CpuTime,
    Memory,
}

thread_local! {
    /// Instructions left until the next poll. Per thread rather than in
    /// [`Limits`], so that code with no interpreter at hand — a value's
    /// `Drop` that queues a finalizer — can have the next instruction poll
    /// ([`poll_soon`]).
    static COUNTDOWN: Cell<u32> = const { Cell::new(POLL_INTERVAL) };
    /// What the countdown had left when [`poll_soon`] cut it short: the
    /// period goes on after that poll.
    static CUT_SHORT: Cell<u32> = const { Cell::new(0) };
}

/// Makes the next instruction poll.
pub fn poll_soon() {
    let left = COUNTDOWN.get();
    if left > 1 {
        CUT_SHORT.set(CUT_SHORT.get() + left - 1);
        COUNTDOWN.set(1);
    }
}

pub struct Limits {
    /// What the countdown started from.
    period: u32,
    /// Instructions the program may still run, when it has a budget.
    steps_left: Option<u64>,
    /// CPU time the process may use (the watchdog enforces it).
    cpu_time: Option<Duration>,
    /// Bytes of heap and native stack the program may hold.
    memory: Option<usize>,
    /// The heap when the memory limit was set, which it does not count.
    heap_at_start: usize,
    /// Native stack room when the limits were set: what is used of the
    /// interpreter thread's own stack is measured from it.
    stack_room_at_start: usize,
    /// The most bits an integer `*`, `**` or `<<` may make (`MemoryError`
    /// past it).
    max_int_bits: u64,
    /// Why the program is being stopped, once it is, and its exit status.
    stopping: Option<(PyErr, i32)>,
}

/// Integers of more bits than this are refused by default (CPython would
/// try, and run out of memory).
const MAX_INT_BITS: u64 = 1 << 32;

impl Default for Limits {
    fn default() -> Limits {
        COUNTDOWN.set(POLL_INTERVAL);
        CUT_SHORT.set(0);
        Limits {
            period: POLL_INTERVAL,
            steps_left: None,
            cpu_time: None,
            memory: None,
            heap_at_start: 0,
            stack_room_at_start: 0,
            max_int_bits: MAX_INT_BITS,
            stopping: None,
        }
    }
}

impl Limits {
    /// Counts one instruction; true when it is time to poll. Every poll
    /// restarts the countdown before anything else can tick.
    #[inline(always)]
    pub fn tick(&mut self) -> bool {
        let left = COUNTDOWN.get() - 1;
        COUNTDOWN.set(left);
        left == 0
    }

    /// After a poll that [`poll_soon`] asked for: goes on with the period
    /// it cut short, and says so (the period's checks are not due yet).
    pub fn resume_period(&mut self) -> bool {
        let left = CUT_SHORT.replace(0);
        if left == 0 {
            return false;
        }
        COUNTDOWN.set(left);
        true
    }

    /// The most bits an integer operation may make.
    pub fn max_int_bits(&self) -> u64 {
        self.max_int_bits
    }

    /// Refuses integers of more than `bits` bits — for the fuzzer, whose
    /// step budget cannot stop one long multiplication.
    pub fn limit_int_bits(&mut self, bits: u64) {
        self.max_int_bits = bits.min(MAX_INT_BITS);
    }

    /// Gives the program a budget of `steps` more instructions.
    pub fn limit_steps(&mut self, steps: u64) {
        self.steps_left = Some(steps);
        self.restart();
    }

    /// Limits the process's CPU time and the program's heap (in bytes),
    /// starting the watchdog that enforces them.
    pub fn enforce(
        &mut self,
        cpu_time: Option<Duration>,
        memory: Option<usize>,
    ) -> std::io::Result<()> {
        start_watchdog(cpu_time, memory)?;
        self.cpu_time = cpu_time;
        if let Some(bytes) = memory {
            self.limit_memory(bytes);
        }
        Ok(())
    }

    /// Limits what the program may add to the heap (and native stack) to
    /// `bytes`, at the polls and the checked requests only: without the
    /// watchdog (`enforce`), one native operation can go past it. The
    /// process must count its heap (`heap::CountingAllocator`).
    pub fn limit_memory(&mut self, bytes: usize) {
        heap::start_counting();
        self.memory = Some(bytes);
        self.heap_at_start = heap::in_use();
        self.stack_room_at_start = stacker::remaining_stack().unwrap_or(0);
    }

    /// Whether `bytes` more, on top of what the program holds, would take
    /// it past its memory limit.
    pub fn exceeds_memory(&self, bytes: usize) -> bool {
        self.memory.is_some_and(|limit| {
            let held = heap::in_use().saturating_sub(self.heap_at_start);
            held.saturating_add(bytes) > limit
        })
    }

    /// Whether the heap and a native stack of `stack_segments` segments
    /// of `segment` bytes on top of the thread's own would be past the
    /// memory limit.
    pub fn exceeds_memory_with_stack(&self, stack_segments: usize, segment: usize) -> bool {
        let own_stack = match stack_segments {
            // Measured on the thread's stack; a segment's room says nothing
            // of it, but it is all in use then.
            0 => self
                .stack_room_at_start
                .saturating_sub(stacker::remaining_stack().unwrap_or(0)),
            _ => self.stack_room_at_start,
        };
        self.exceeds_memory(own_stack.saturating_add(stack_segments.saturating_mul(segment)))
    }

    pub fn has_memory_limit(&self) -> bool {
        self.memory.is_some()
    }

    /// What a `MemoryError` for going past the memory limit says.
    pub fn memory_message(&self) -> String {
        memory_message(self.memory)
    }

    /// Accounts for the instructions since the last poll and starts the
    /// next countdown; the limit the program is past, if any (with
    /// `stack_segments` of `segment` bytes grown, see `exceeds_memory_with_stack`).
    pub fn check(&mut self, stack_segments: usize, segment: usize) -> Option<Exceeded> {
        let steps_spent = match &mut self.steps_left {
            Some(left) => {
                *left = left.saturating_sub(u64::from(self.period));
                *left == 0
            }
            None => false,
        };
        self.restart();
        if steps_spent {
            Some(Exceeded::Steps)
        } else if self.cpu_time.is_some() && TIME_IS_UP.load(Ordering::Relaxed) {
            Some(Exceeded::CpuTime)
        } else if self.memory.is_some() && self.exceeds_memory_with_stack(stack_segments, segment) {
            Some(Exceeded::Memory)
        } else {
            None
        }
    }

    /// Starts the next countdown (of one instruction for a stopped
    /// program).
    pub fn restart(&mut self) {
        self.period = match (&self.stopping, self.steps_left) {
            // A stopped program polls at every instruction, which raises
            // the reason again.
            (Some(_), _) => 1,
            (None, Some(left)) => left.clamp(1, u64::from(POLL_INTERVAL)) as u32,
            (None, None) => POLL_INTERVAL,
        };
        COUNTDOWN.set(self.period);
        CUT_SHORT.set(0);
    }

    /// The exception the program is being stopped with, if it is.
    pub fn stopping(&self) -> Option<&PyErr> {
        self.stopping.as_ref().map(|(reason, _)| reason)
    }

    /// The exit status for the uncaught `error`, when it is the stop's.
    pub fn stop_status(&self, error: &PyErr) -> Option<i32> {
        let (reason, status) = self.stopping.as_ref()?;
        std::rc::Rc::ptr_eq(&reason.0, &error.0).then_some(*status)
    }
}

impl Interp {
    /// Stops the program for going past `limit` (see the module's doc);
    /// the exception to raise.
    pub fn stop_for(&mut self, limit: Exceeded) -> PyErr {
        let (reason, status) = match limit {
            Exceeded::Steps => (
                self.error(
                    ExcType::TimeoutError,
                    "the program ran out of its step budget",
                ),
                TIME_STATUS,
            ),
            Exceeded::CpuTime => (
                self.error(
                    ExcType::TimeoutError,
                    cpu_time_message(self.limits.cpu_time),
                ),
                TIME_STATUS,
            ),
            Exceeded::Memory => (
                self.error(ExcType::MemoryError, self.limits.memory_message()),
                MEMORY_STATUS,
            ),
        };
        self.limits.stopping = Some((reason.clone(), status));
        self.limits.restart();
        reason
    }
}

fn cpu_time_message(limit: Option<Duration>) -> String {
    let seconds = limit.unwrap_or_default().as_secs_f64();
    format!("the program used up its {seconds} s of CPU time (--limit-time)")
}

fn memory_message(limit: Option<usize>) -> String {
    let megabytes = limit.unwrap_or_default() as f64 / (1 << 20) as f64;
    format!("the program needs more than its {megabytes} MB of memory (--limit-memory)")
}

/// Starts the thread that watches the process's CPU time and heap: past
/// `cpu_time` it raises the flag the poll reads, and ends the process if
/// the program is still running `GRACE` later; it ends it too when the
/// heap passes twice `memory`.
fn start_watchdog(cpu_time: Option<Duration>, memory: Option<usize>) -> std::io::Result<()> {
    /// How often the watchdog looks.
    const PERIOD: Duration = Duration::from_millis(10);
    if cpu_time.is_some() {
        process_cpu_time()?;
    }
    std::thread::Builder::new()
        .name("pyl watchdog".into())
        .spawn(move || loop {
            std::thread::sleep(PERIOD);
            if let Some(limit) = cpu_time {
                let used = process_cpu_time().unwrap_or_default();
                if used > limit {
                    TIME_IS_UP.store(true, Ordering::Relaxed);
                }
                if used > limit + GRACE {
                    end_process(
                        ExcType::TimeoutError,
                        &cpu_time_message(cpu_time),
                        TIME_STATUS,
                    );
                }
            }
            if let Some(limit) = memory {
                if heap::in_use() > limit.saturating_mul(2) {
                    end_process(ExcType::MemoryError, &memory_message(memory), MEMORY_STATUS);
                }
            }
        })?;
    Ok(())
}

/// Ends a program that no longer polls. What it printed and pyl has not
/// written out yet is lost; stderr says why.
fn end_process(kind: ExcType, message: &str, status: i32) -> ! {
    eprintln!(
        "{}: {message} (stopped inside a long operation)",
        kind.name()
    );
    std::process::exit(status)
}

/// The CPU time of the whole process so far (`/proc/self/stat`: user and
/// system time, in clock ticks of 1/100 s).
fn process_cpu_time() -> std::io::Result<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |index: usize| fields.get(index).and_then(|f| f.parse::<u64>().ok());
    // utime and stime are fields 14 and 15, the 12th and 13th after the name.
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => Ok(Duration::from_millis((user + system) * 10)),
        _ => Err(std::io::Error::other("unexpected /proc/self/stat")),
    }
}
