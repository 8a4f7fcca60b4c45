//! When to try again and how long to wait: exponential backoff with jitter, and the server's
//! own `Retry-After` (seconds or an HTTP date). Pure functions, so the waits can be tested
//! without sleeping.

use std::time::{Duration, SystemTime};

/// Whether an HTTP status is worth another try: 429 (too many requests), 408 (request
/// timeout) and every 5xx.
pub fn retryable_status(status: u16) -> bool {
    status == 429 || status == 408 || (500..=599).contains(&status)
}

/// The backoff ceiling before try `attempt + 1` (`attempt` = tries done so far, from 1):
/// `initial * 2^(attempt-1)`, at most `max`.
pub fn backoff_ceiling(attempt: u32, initial_ms: u64, max_ms: u64) -> Duration {
    let factor = 1u64.checked_shl(attempt.saturating_sub(1).min(40)).unwrap_or(u64::MAX);
    Duration::from_millis(initial_ms.saturating_mul(factor).min(max_ms))
}

/// The wait before the next try: between half and all of [`backoff_ceiling`] ("equal
/// jitter", so clients that failed together do not retry together). `random` is in [0, 1).
pub fn backoff(attempt: u32, initial_ms: u64, max_ms: u64, random: f64) -> Duration {
    let c = backoff_ceiling(attempt, initial_ms, max_ms);
    let half = c / 2;
    half + half.mul_f64(random.clamp(0.0, 1.0))
}

/// Reads a `Retry-After` value: a number of seconds, or an HTTP date (a date in the past
/// means "now"). `None` when the value is neither.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(v.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn statuses() {
        for s in [429, 408, 500, 502, 503, 504, 599] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [200, 301, 400, 401, 403, 404, 422] {
            assert!(!retryable_status(s), "{s}");
        }
    }

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        assert_eq!(backoff_ceiling(1, 100, 10_000), Duration::from_millis(100));
        assert_eq!(backoff_ceiling(2, 100, 10_000), Duration::from_millis(200));
        assert_eq!(backoff_ceiling(4, 100, 10_000), Duration::from_millis(800));
        assert_eq!(backoff_ceiling(30, 100, 10_000), Duration::from_millis(10_000));
        assert_eq!(backoff_ceiling(u32::MAX, u64::MAX, u64::MAX), Duration::from_millis(u64::MAX));
        assert_eq!(backoff(3, 100, 10_000, 0.0), Duration::from_millis(200));
        assert_eq!(backoff(3, 100, 10_000, 0.5), Duration::from_millis(300));
        assert!(backoff(3, 100, 10_000, 0.999_999) <= Duration::from_millis(400));
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }
}
