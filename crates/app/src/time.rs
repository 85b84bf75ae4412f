//! Instants cross between storage (chrono, microseconds) and the calendar rules of core
//! (jiff) here, in one place.

use chrono::{DateTime, Utc};
use jiff::Timestamp;

/// A stored instant as core's timestamp.
pub fn instant(at: DateTime<Utc>) -> Timestamp {
    Timestamp::from_microsecond(at.timestamp_micros()).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Core's timestamp as a storable instant.
pub fn stored(at: Timestamp) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_micros(at.as_microsecond()).unwrap_or_default()
}

/// Now, at the precision both databases keep (microseconds), so that what a page compares
/// with a stored instant is what the store would write.
pub fn now() -> DateTime<Utc> {
    kabinet_store::now()
}
