//! Detects that the whole process did not run (SIGSTOP, a suspended VM, a starved
//! machine): the daemon skips a subscriber slower than 100 ms, so such a pause loses
//! events without a trace in the API and must be followed by a resync.
//!
//! A dedicated OS thread that does nothing but sleep a short period and compare clocks
//! measures it. It is not a tokio task and waits on nothing else, so a processor busy
//! with a burst of inspects or a resync (which delays the processor's own timers and can
//! hold both runtime workers) never looks like a pause: only a sleep that overran by
//! seconds does, and that happens only when the process itself was not scheduled.

use std::time::{Duration, Instant, SystemTime};

use tokio::sync::watch;

/// How often the thread wakes up.
pub const PERIOD: Duration = Duration::from_millis(250);
/// A wake-up later than this is a pause (the daemon has skipped the events meanwhile).
pub const THRESHOLD: Duration = Duration::from_secs(3);

/// One pause: how long the process did not run; `count` numbers them from 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pause {
    pub count: u64,
    pub length: Duration,
}

/// Starts the thread; each receiver sees every pause (the last one, numbered). The thread
/// ends once every receiver is dropped.
pub fn spawn(period: Duration, threshold: Duration) -> watch::Receiver<Pause> {
    let (tx, rx) = watch::channel(Pause::default());
    let spawned = std::thread::Builder::new().name("dockward-stall".into()).spawn(move || {
        let mut clocks = Clocks::now();
        let mut count = 0;
        while !tx.is_closed() {
            std::thread::sleep(period);
            let now = Clocks::now();
            if let Some(length) = paused(&clocks, &now, period, threshold) {
                count += 1;
                let _ = tx.send(Pause { count, length });
            }
            clocks = now;
        }
    });
    if let Err(e) = spawned {
        eprintln!("dockward: watch: cannot start the stall detector: {e}");
    }
    rx
}

/// Both clocks: the monotonic one runs on while the process is stopped; the wall clock
/// also runs on while the machine is suspended (Linux stops the monotonic one then).
#[derive(Debug, Clone, Copy)]
pub struct Clocks {
    pub mono: Instant,
    pub wall: SystemTime,
}

impl Clocks {
    pub fn now() -> Self {
        Self { mono: Instant::now(), wall: SystemTime::now() }
    }
}

/// How long the process did not run between two wake-ups `period` apart, when that is
/// more than `threshold`.
pub fn paused(before: &Clocks, after: &Clocks, period: Duration, threshold: Duration) -> Option<Duration> {
    let mono = after.mono.saturating_duration_since(before.mono);
    // A wall clock set backwards counts as nothing.
    let wall = after.wall.duration_since(before.wall).unwrap_or_default();
    let late = mono.max(wall).saturating_sub(period);
    (late > threshold).then_some(late)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_wake_up_is_a_pause_and_a_punctual_one_is_not() {
        let before = Clocks::now();
        let period = Duration::from_millis(250);
        let on_time = Clocks { mono: before.mono + period, wall: before.wall + period };
        assert_eq!(paused(&before, &on_time, period, THRESHOLD), None);
        let stopped =
            Clocks { mono: before.mono + Duration::from_secs(10), wall: before.wall + Duration::from_secs(10) };
        assert_eq!(paused(&before, &stopped, period, THRESHOLD), Some(Duration::from_millis(9750)));
        // Suspended: the monotonic clock stood still, the wall clock did not.
        let suspended = Clocks { mono: before.mono + period, wall: before.wall + Duration::from_secs(60) };
        assert!(paused(&before, &suspended, period, THRESHOLD).is_some());
        // A wall clock set back is no pause.
        let set_back = Clocks { mono: before.mono + period, wall: before.wall - Duration::from_secs(60) };
        assert_eq!(paused(&before, &set_back, period, THRESHOLD), None);
    }

    /// The false gap of issue 17's burst: a processor busy for longer than the threshold
    /// (here it holds the only runtime thread) is not a pause of the process.
    #[test]
    fn a_busy_runtime_is_not_a_pause() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let rx = spawn(Duration::from_millis(20), Duration::from_millis(300));
        runtime.block_on(async {
            // Blocks the runtime's only thread, as inspects and judging of a burst can.
            std::thread::sleep(Duration::from_millis(1200));
            tokio::task::yield_now().await;
        });
        assert_eq!(*rx.borrow(), Pause::default(), "a busy runtime was taken for a stopped process");
    }
}
