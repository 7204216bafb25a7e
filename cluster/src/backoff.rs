//! Retry delays of a failing watch: exponential from a minimum to a maximum, reset by the first
//! success (kube-runtime's [`Backoff`] contract). Configurable so tests can retry fast.

use kube::runtime::utils::Backoff;
use std::time::Duration;

/// Doubling delays between `min` and `max`.
#[derive(Debug, Clone)]
pub struct WatchBackoff {
    min: Duration,
    max: Duration,
    next: Duration,
}

impl WatchBackoff {
    pub fn new(min: Duration, max: Duration) -> Self {
        WatchBackoff {
            min,
            max: max.max(min),
            next: min,
        }
    }
}

impl Iterator for WatchBackoff {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let delay = self.next;
        self.next = (self.next * 2).min(self.max);
        Some(delay)
    }
}

impl Backoff for WatchBackoff {
    fn reset(&mut self) {
        self.next = self.min;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_maximum_and_resets() {
        let ms = Duration::from_millis;
        let mut b = WatchBackoff::new(ms(100), ms(500));
        let first: Vec<Duration> = b.by_ref().take(5).collect();
        assert_eq!(first, [ms(100), ms(200), ms(400), ms(500), ms(500)]);
        b.reset();
        assert_eq!(b.next(), Some(ms(100)));
    }
}
