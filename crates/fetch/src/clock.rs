//! UTC timestamps for manifests and fetch ids: the raw zone only needs "now" written as RFC
//! 3339 and as a compact stamp, and a date cut from them (calendar arithmetic by chrono).

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{Datelike, Timelike};

/// Broken-down UTC time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utc {
    /// Year.
    pub year: i64,
    /// Month 1..=12.
    pub month: u32,
    /// Day 1..=31.
    pub day: u32,
    /// Hour 0..=23.
    pub hour: u32,
    /// Minute.
    pub minute: u32,
    /// Second.
    pub second: u32,
    /// Millisecond.
    pub milli: u32,
}

impl Utc {
    /// Breaks a system time down (times before 1970 are clamped to the epoch).
    pub fn from_system(t: SystemTime) -> Utc {
        let t = if t < UNIX_EPOCH { UNIX_EPOCH } else { t };
        let dt: chrono::DateTime<chrono::Utc> = t.into();
        Utc {
            year: i64::from(dt.year()),
            month: dt.month(),
            day: dt.day(),
            hour: dt.hour(),
            minute: dt.minute(),
            second: dt.second(),
            milli: dt.timestamp_subsec_millis().min(999),
        }
    }

    /// Now.
    pub fn now() -> Utc {
        Utc::from_system(SystemTime::now())
    }

    /// `2025-03-01T10:15:02.123Z` (fixed width, so these strings sort in time order).
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second, self.milli
        )
    }

    /// `20250301T101502Z`, for directory names.
    pub fn stamp(&self) -> String {
        format!("{:04}{:02}{:02}T{:02}{:02}{:02}Z", self.year, self.month, self.day, self.hour, self.minute, self.second)
    }
}

/// The `YYYY-MM-DD` date at the start of an RFC 3339 timestamp, if it has one.
pub fn date_of(rfc3339: &str) -> Option<&str> {
    let d = rfc3339.get(..10)?;
    let b = d.as_bytes();
    let ok = b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    ok.then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn known_instants() {
        let t = |s: u64| Utc::from_system(UNIX_EPOCH + Duration::from_millis(s));
        assert_eq!(t(0).rfc3339(), "1970-01-01T00:00:00.000Z");
        // 2000-02-29 (leap day, century divisible by 400) 12:34:56.789
        assert_eq!(t(951_827_696_789).rfc3339(), "2000-02-29T12:34:56.789Z");
        assert_eq!(t(951_827_696_789).stamp(), "20000229T123456Z");
        // 2024-12-31T23:59:59Z then the next second
        assert_eq!(t(1_735_689_599_000).rfc3339(), "2024-12-31T23:59:59.000Z");
        assert_eq!(t(1_735_689_600_000).rfc3339(), "2025-01-01T00:00:00.000Z");
    }

    #[test]
    fn date_cut() {
        assert_eq!(date_of("2025-01-02T03:04:05.000Z"), Some("2025-01-02"));
        assert_eq!(date_of("2025/01/02"), None);
        assert_eq!(date_of("short"), None);
        assert_eq!(date_of("2025-01-0ä"), None);
    }
}
