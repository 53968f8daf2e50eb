//! The interpreter's clock: real, or virtual (`--clock virtual`).
//!
//! In virtual time the monotonic clock starts at 0 and only moves when
//! something waits — the event loop jumping to its next timer, or a
//! blocking `time.sleep` — so sleeps cost nothing and runs are
//! deterministic. The wall clock then reads 2000-01-01 00:00:00 UTC plus
//! the monotonic time.
//!
//! One exception keeps a busy loop from starving a timer for ever (a task
//! polling `while not done: await asyncio.sleep(0)` for what a timer will
//! set): once the program's own work, with the loop never idle, has taken
//! as long in real time as the time left to the next timer — and at least
//! [`BUSY_FLOOR`], so that the short busy stretches of ordinary programs
//! stay deterministic — virtual time moves to that timer, as real time
//! would have.

use std::cell::Cell;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// 2000-01-01 00:00:00 UTC as a Unix timestamp.
const VIRTUAL_EPOCH: f64 = 946_684_800.0;

/// The least real time a loop is kept busy before virtual time catches up
/// with its next timer ([`Clock::catch_up`]).
const BUSY_FLOOR: f64 = 0.1;

pub enum Clock {
    Real {
        origin: Instant,
    },
    Virtual {
        now: Cell<f64>,
        /// When virtual time last moved, in real time.
        moved: Cell<Instant>,
    },
}

impl Clock {
    pub fn real() -> Clock {
        Clock::Real {
            origin: Instant::now(),
        }
    }

    pub fn virtual_time() -> Clock {
        Clock::Virtual {
            now: Cell::new(0.0),
            moved: Cell::new(Instant::now()),
        }
    }

    pub fn is_virtual(&self) -> bool {
        matches!(self, Clock::Virtual { .. })
    }

    /// Seconds on a clock that never goes back (`time.monotonic()`, `loop.time()`).
    pub fn monotonic(&self) -> f64 {
        match self {
            Clock::Real { origin } => origin.elapsed().as_secs_f64(),
            Clock::Virtual { now, .. } => now.get(),
        }
    }

    /// In virtual time, with the loop busy and its next timer due at
    /// `deadline`: moves virtual time there if the real time spent since
    /// it last moved reaches the time left (and [`BUSY_FLOOR`]).
    pub fn catch_up(&self, deadline: f64) {
        if let Clock::Virtual { now, moved } = self {
            let left = deadline - now.get();
            if left > 0.0 && moved.get().elapsed().as_secs_f64() >= left.max(BUSY_FLOOR) {
                self.sleep(left);
            }
        }
    }

    /// Seconds since the Unix epoch (`time.time()`).
    pub fn wall(&self) -> f64 {
        match self {
            Clock::Real { .. } => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0.0, |elapsed| elapsed.as_secs_f64()),
            Clock::Virtual { now, .. } => VIRTUAL_EPOCH + now.get(),
        }
    }

    /// Waits `seconds`: really, or by moving virtual time forward.
    pub fn sleep(&self, seconds: f64) {
        // NaN and non-positive durations do not wait.
        if seconds.is_nan() || seconds <= 0.0 {
            return;
        }
        match self {
            Clock::Real { .. } => {
                // In slices, so that Ctrl-C is noticed promptly.
                let deadline = Instant::now() + Duration::from_secs_f64(seconds.min(1e9));
                while !super::interrupt::signal_pending() {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    std::thread::sleep(left.min(Duration::from_millis(50)));
                }
            }
            Clock::Virtual { now, moved } => {
                // As long as the program measures it (`after - before`),
                // as a real sleep is at least: the plain sum may measure a
                // hair short (0.012 + 0.01 - 0.012 < 0.01).
                let before = now.get();
                let mut after = before + seconds;
                while after - before < seconds {
                    after = after.next_up();
                }
                now.set(after);
                moved.set(Instant::now());
            }
        }
    }
}
