//! Partial dates in every spelling the inputs use ("June 2009", "August 4, 2009",
//! "2023-01-05", "2009-06", "January 2012 (undefined)", "December 2013 (Anticipated)",
//! "2009"), kept with their precision so "June 2009" is not mistaken for 1 June.

use crate::model::{PartialDate, Precision};

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Days since 1970-01-01 of a civil date, or `None` when the date does not exist.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> Option<i32> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || !(1000..=9999).contains(&y) {
        return None;
    }
    // Howard Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as i64;
    let mp = ((m + 9) % 12) as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era as i64 * 146097 + doe - 719468) as i32)
}

/// The civil date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z as i64 + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
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
