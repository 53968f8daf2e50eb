//! Limits on a run, and stopping it: the evaluator counts down instructions
//! and, every [`POLL_INTERVAL`] of them, polls for Ctrl-C and checks the
//! run's budget (a number of instructions, for the fuzzer and for tests of
//! runaway programs).
//!
//! A program past its budget is *stopped*: the exception that says why is
//! raised where the program is, no `except` or `finally` runs (each would
//! be a way to keep going), every later instruction raises it again, and
//! the event loop lets it through instead of storing it in a task. It then
//! ends the program like any uncaught exception.

use super::error::PyErr;

/// Instructions between two polls: Ctrl-C is noticed within microseconds,
/// and the count costs one decrement per instruction.
pub const POLL_INTERVAL: u32 = 1024;

pub struct Limits {
    /// Instructions left until the next poll.
    countdown: u32,
    /// What the countdown started from.
    period: u32,
    /// Instructions the program may still run, when it has a budget.
    steps_left: Option<u64>,
    /// Why the program is being stopped, once it is.
    stopping: Option<PyErr>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            countdown: POLL_INTERVAL,
            period: POLL_INTERVAL,
            steps_left: None,
            stopping: None,
        }
    }
}

impl Limits {
    /// Counts one instruction; true when it is time to poll.
    #[inline(always)]
    pub fn tick(&mut self) -> bool {
        self.countdown -= 1;
        self.countdown == 0
    }

    /// Gives the program a budget of `steps` more instructions.
    pub fn limit_steps(&mut self, steps: u64) {
        self.steps_left = Some(steps);
        self.restart();
    }

    /// Accounts for the instructions since the last poll and starts the
    /// next countdown; true when the budget is spent.
    pub fn spend(&mut self) -> bool {
        let spent = match &mut self.steps_left {
            Some(left) => {
                *left = left.saturating_sub(u64::from(self.period));
                *left == 0
            }
            None => false,
        };
        self.restart();
        spent
    }

    fn restart(&mut self) {
        self.period = match (&self.stopping, self.steps_left) {
            // A stopped program polls at every instruction, which raises
            // the reason again.
            (Some(_), _) => 1,
            (None, Some(left)) => left.clamp(1, u64::from(POLL_INTERVAL)) as u32,
            (None, None) => POLL_INTERVAL,
        };
        self.countdown = self.period;
    }

    pub fn stop(&mut self, reason: PyErr) {
        self.stopping = Some(reason);
        self.restart();
    }

    /// The exception the program is being stopped with, if it is.
    pub fn stopping(&self) -> Option<&PyErr> {
        self.stopping.as_ref()
    }
}
