//! Partial dates in every spelling the inputs use ("June 2009", "August 4, 2009",
//! "2023-01-05", "2009-06", "January 2012 (undefined)", "December 2013 (Anticipated)",
//! "2009"), kept with their precision so "June 2009" is not mistaken for 1 June.

use chrono::{Datelike, NaiveDate};

use crate::model::{PartialDate, Precision};

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const EPOCH_FROM_CE: i32 = 719_163;

/// Days since 1970-01-01 of a civil date, or `None` when the date does not exist (or its
/// year is outside 1000..=9999, which no registry date is).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> Option<i32> {
    if !(1000..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d).map(|date| date.num_days_from_ce() - EPOCH_FROM_CE)
}

/// The civil date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let date = NaiveDate::from_num_days_from_ce_opt(z.saturating_add(EPOCH_FROM_CE)).unwrap_or(NaiveDate::MIN);
    (date.year(), date.month(), date.day())
}

fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS.iter().position(|m| w.starts_with(m) && (w.len() == 3 || full_month(m).starts_with(&w))).map(|i| i as u32 + 1)
}

fn full_month(abbr: &str) -> &'static str {
    match abbr {
        "jan" => "january",
        "feb" => "february",
        "mar" => "march",
        "apr" => "april",
        "may" => "may",
        "jun" => "june",
        "jul" => "july",
        "aug" => "august",
        "sep" => "september",
        "oct" => "october",
        "nov" => "november",
        _ => "december",
    }
}

/// A date type stated inside the date text, e.g. "(Anticipated)" or "(Actual)".
pub fn embedded_type(text: &str) -> Option<&'static str> {
    let l = text.to_ascii_lowercase();
    if l.contains("(anticipated)") || l.contains("(estimated)") || l.starts_with("estimated ") {
        Some("ESTIMATED")
    } else if l.contains("(actual)") || l.starts_with("actual ") {
        Some("ACTUAL")
    } else {
        None
    }
}

/// Parses a stated date. `None` when the text is not a date (the caller logs it).
pub fn parse_date(text: &str) -> Option<PartialDate> {
    // Drop a parenthesised note and a leading "Estimated"/"Actual".
    let mut t = text.trim();
    if let Some(i) = t.find('(') {
        t = t[..i].trim();
    }
    for p in ["Estimated ", "Actual ", "Anticipated "] {
        if let Some(rest) = t.strip_prefix(p) {
            t = rest.trim();
        }
    }
    let t = t.trim_end_matches(['.', ',', ';']).trim();
    if t.is_empty() {
        return None;
    }
    // ISO: YYYY-MM-DD, YYYY-MM, YYYY
    if t.as_bytes()[0].is_ascii_digit() {
        let parts: Vec<&str> = t.split(['-', '/']).collect();
        if parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
            return match parts.as_slice() {
                [y] if y.len() == 4 => year_only(y.parse().ok()?),
                [y, m] if y.len() == 4 => {
                    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
                    Some(PartialDate { days: days_from_civil(y, m, 1)?, precision: Precision::Month })
                }
                [y, m, d] if y.len() == 4 => Some(PartialDate {
                    days: days_from_civil(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?,
                    precision: Precision::Day,
                }),
                _ => None,
            };
        }
        // "4 August 2009"
        let words: Vec<&str> = t.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
        if let [d, m, y] = words.as_slice() {
            let m = month_of(m)?;
            return Some(PartialDate { days: days_from_civil(y.parse().ok()?, m, d.parse().ok()?)?, precision: Precision::Day });
        }
        return None;
    }
    // "June 2009", "August 4, 2009", "Aug 4 2009"
    let words: Vec<&str> = t.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [m, y] => {
            let m = month_of(m)?;
            let y: i32 = y.parse().ok()?;
            Some(PartialDate { days: days_from_civil(y, m, 1)?, precision: Precision::Month })
        }
        [m, d, y] => {
            let m = month_of(m)?;
            let d: u32 = d.trim_end_matches(|c: char| c.is_ascii_alphabetic()).parse().ok()?;
            Some(PartialDate { days: days_from_civil(y.parse().ok()?, m, d)?, precision: Precision::Day })
        }
        _ => None,
    }
}

fn year_only(y: i32) -> Option<PartialDate> {
    Some(PartialDate { days: days_from_civil(y, 1, 1)?, precision: Precision::Year })
}

/// ISO spelling of a partial date at its precision ("2009-06", "2009-06-01", "2009").
pub fn to_iso(d: &PartialDate) -> String {
    let (y, m, day) = civil_from_days(d.days);
    match d.precision {
        Precision::Day => format!("{y:04}-{m:02}-{day:02}"),
        Precision::Month => format!("{y:04}-{m:02}"),
        Precision::Year => format!("{y:04}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn iso(t: &str) -> Option<(String, &'static str)> {
        parse_date(t).map(|d| (to_iso(&d), d.precision.as_str()))
    }

    #[test]
    fn spellings() {
        assert_eq!(iso("June 2009"), Some(("2009-06".into(), "MONTH")));
        assert_eq!(iso("August 4, 2009"), Some(("2009-08-04".into(), "DAY")));
        assert_eq!(iso("2023-01-05"), Some(("2023-01-05".into(), "DAY")));
        assert_eq!(iso("2009-06"), Some(("2009-06".into(), "MONTH")));
        assert_eq!(iso("2009"), Some(("2009".into(), "YEAR")));
        assert_eq!(iso("January 2012 (undefined)"), Some(("2012-01".into(), "MONTH")));
        assert_eq!(iso("December 2013 (Anticipated)"), Some(("2013-12".into(), "MONTH")));
        assert_eq!(iso("Sept 2010"), Some(("2010-09".into(), "MONTH")));
        assert_eq!(iso("4 August 2009"), Some(("2009-08-04".into(), "DAY")));
        assert_eq!(iso("December 2010 (Final data collection date for primary outcome measure)"), Some(("2010-12".into(), "MONTH")));
        assert_eq!(iso("February 30, 2009"), None);
        assert_eq!(iso("soon"), None);
        assert_eq!(iso("Mayday 2009"), None);
        assert_eq!(iso(""), None);
        assert_eq!(parse_date("1970-01-01").map(|d| d.days), Some(0));
        assert_eq!(embedded_type("December 2013 (Anticipated)"), Some("ESTIMATED"));
    }

    proptest! {
        #[test]
        fn civil_round_trip(z in -200_000i32..200_000) {
            let (y, m, d) = civil_from_days(z);
            if (1000..=9999).contains(&y) {
                prop_assert_eq!(days_from_civil(y, m, d), Some(z));
            }
        }

        #[test]
        fn iso_round_trip(y in 1900i32..2100, m in 1u32..=12, d in 1u32..=28) {
            let s = format!("{y:04}-{m:02}-{d:02}");
            let p = parse_date(&s).unwrap();
            prop_assert_eq!(to_iso(&p), s);
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse_date(&s);
        }
    }
}
