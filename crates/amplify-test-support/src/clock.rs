//! A clock that tests move instead of sleeping: the system clock plus an offset, usable both as the AWS
//! SDK's time source and as a session's clock, so credentials can age thirteen minutes in an instant.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

#[derive(Debug, Default)]
pub struct MovedClock(AtomicI64);

impl MovedClock {
    /// Moves the clock `by` further ahead.
    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_secs() as i64, Ordering::SeqCst);
    }

    /// Puts the clock `ahead` of the system's.
    pub fn set_ahead(&self, ahead: Duration) {
        self.0.store(ahead.as_secs() as i64, Ordering::SeqCst);
    }

    pub fn now(&self) -> SystemTime {
        SystemTime::now() + Duration::from_secs(self.0.load(Ordering::SeqCst).max(0) as u64)
    }

    pub fn now_offset(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::from(self.now())
    }
}

/// A [`MovedClock`] as the SDK's time source.
#[derive(Debug, Clone)]
pub struct SdkClock(pub Arc<MovedClock>);

impl amplify_aws::TimeSource for SdkClock {
    fn now(&self) -> SystemTime {
        self.0.now()
    }
}
