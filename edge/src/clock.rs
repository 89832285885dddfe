//! Time and randomness, injected so tests can move time and the Worker can use its
//! own sources.
//!
//! Times are Unix seconds (UTC) everywhere in the edge: in the database, in
//! comparisons and in the clock. They become RFC 3339 text only in JSON.

use std::sync::atomic::{AtomicI64, Ordering};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The current time.
pub trait Clock: Send + Sync {
    /// Current Unix time in seconds.
    fn now(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        OffsetDateTime::now_utc().unix_timestamp()
    }
}

/// A clock that only moves when told, for tests.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock standing at `now` (Unix seconds).
    pub fn new(now: i64) -> Self {
        ManualClock(AtomicI64::new(now))
    }

    /// Moves the clock forward by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Formats Unix seconds as RFC 3339 (`2025-01-31T08:00:00Z`).
pub fn rfc3339(seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|time| time.format(&Rfc3339).ok())
        .unwrap_or_else(|| seconds.to_string())
}

/// Parses `2025-01-31` (midnight UTC) or an RFC 3339 time into Unix seconds.
pub fn parse_time(text: &str) -> Option<i64> {
    if let Ok(time) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(time.unix_timestamp());
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &format)
        .ok()
        .map(|date| date.midnight().assume_utc().unix_timestamp())
}

/// Why the operating system gave no random bytes.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random number generator failed: {0}")]
pub struct RandomError(getrandom::Error);

/// A random identifier of `bytes` bytes from the OS generator, as lowercase hex.
/// Cart and order ids use 16 bytes (128 bits), access tokens 32.
pub fn random_hex(bytes: usize) -> Result<String, RandomError> {
    let mut buffer = vec![0_u8; bytes];
    getrandom::fill(&mut buffer).map_err(RandomError)?;
    Ok(hex::encode(buffer))
}

/// Compares two secrets in time that depends only on their lengths' digests: both
/// are hashed with SHA-256 first, so neither the position of the first difference
/// nor the length of the expected secret leaks through timing.
pub fn secrets_equal(given: &[u8], expected: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    let given = Sha256::digest(given);
    let expected = Sha256::digest(expected);
    // Folding every byte's difference, with no early exit, keeps the loop's duration
    // independent of where the digests differ.
    let difference = given
        .iter()
        .zip(expected.iter())
        .fold(0_u8, |accumulated, (a, b)| accumulated | (a ^ b));
    difference == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_forward() {
        let clock = ManualClock::new(1_700_000_000);
        clock.advance(3600);
        assert_eq!(clock.now(), 1_700_003_600);
    }

    #[test]
    fn formats_and_parses_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(parse_time("2025-01-31"), Some(1_738_281_600));
        assert_eq!(parse_time("2025-01-31T08:00:00Z"), Some(1_738_310_400));
        assert_eq!(parse_time("31/01/2025"), None);
    }

    #[test]
    fn random_ids_are_distinct_hex() {
        let first = random_hex(16).expect("random");
        let second = random_hex(16).expect("random");
        assert_eq!(first.len(), 32);
        assert!(first.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(first, second);
    }

    #[test]
    fn secrets_compare() {
        assert!(secrets_equal(b"s3cret-token", b"s3cret-token"));
        assert!(!secrets_equal(b"s3cret-token", b"s3cret-tokeN"));
        assert!(!secrets_equal(b"", b"s3cret-token"));
    }
}
