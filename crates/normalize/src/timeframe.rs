//! Outcome time frames into timepoints: "Monthly", "up to 12 months", "Baseline, Week 4,
//! Week 12", "pre-MSC transplantation, 1, 3, 6 and 12 months post ...". (Being written.)

/// One timepoint read from a time frame.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedTimepoint {
    /// BASELINE / AT / UP_TO / EVERY.
    pub kind: &'static str,
    /// Number of units (None for BASELINE).
    pub value: Option<f64>,
    /// MINUTE / HOUR / DAY / WEEK / MONTH / YEAR (None for BASELINE).
    pub unit: Option<&'static str>,
    /// Value in days (week 7, month 30.4375, year 365.25); Some(0.0) for BASELINE.
    pub days: Option<f64>,
    /// The piece of text it was read from.
    pub label: String,
}

/// Parses a time frame. `Err` carries the reason when no timepoint can be read; never
/// invents one.
pub fn parse_time_frame(text: &str) -> Result<Vec<ParsedTimepoint>, String> {
    Err(format!("time frame not understood: {text:?}"))
}
