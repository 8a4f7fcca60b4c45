//! Ages to years: "15 Years", "6 Months" (0.5), "8 Weeks", "30 Days", "N/A" (none).

/// Parses a stated age into years. `Ok(None)` for "N/A"/"None"/"No limit"; `Err` when the
/// text is not an age.
pub fn parse_age_years(text: &str) -> Result<Option<f64>, String> {
    let t = text.trim().trim_end_matches('.');
    let l = t.to_ascii_lowercase();
    if l.is_empty() || matches!(l.as_str(), "n/a" | "na" | "none" | "no limit" | "not applicable") {
        return Ok(None);
    }
    let mut it = l.split_whitespace();
    let num = it.next().ok_or_else(|| "empty age".to_string())?;
    let (num, unit) = match num.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (num[..i].to_string(), Some(num[i..].to_string())),
        None => (num.to_string(), None),
    };
    let n: f64 = num.parse().map_err(|_| format!("age not understood: {t:?}"))?;
    if !n.is_finite() || n < 0.0 {
        return Err(format!("age not understood: {t:?}"));
    }
    let unit = unit.or_else(|| it.next().map(str::to_string)).unwrap_or_else(|| "years".into());
    let per_year = match unit.trim_end_matches('.') {
        u if u.starts_with("year") || u == "y" || u == "yrs" || u == "yr" => 1.0,
        u if u.starts_with("month") || u == "mo" || u == "mos" => 12.0,
        u if u.starts_with("week") || u == "wk" || u == "wks" => 365.25 / 7.0,
        u if u.starts_with("day") || u == "d" => 365.25,
        u if u.starts_with("hour") => 365.25 * 24.0,
        u if u.starts_with("minute") => 365.25 * 24.0 * 60.0,
        _ => return Err(format!("age unit not understood: {t:?}")),
    };
    Ok(Some(n / per_year))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ages() {
        assert_eq!(parse_age_years("15 Years"), Ok(Some(15.0)));
        assert_eq!(parse_age_years("6 Months"), Ok(Some(0.5)));
        assert_eq!(parse_age_years("N/A"), Ok(None));
        assert_eq!(parse_age_years("18 years"), Ok(Some(18.0)));
        assert_eq!(parse_age_years("18"), Ok(Some(18.0)));
        assert!((parse_age_years("30 Days").unwrap().unwrap() - 30.0 / 365.25).abs() < 1e-12);
        assert!(parse_age_years("adult").is_err());
        assert!(parse_age_years("-3 Years").is_err());
    }

    proptest! {
        #[test]
        fn years_round_trip(n in 0u32..120) {
            prop_assert_eq!(parse_age_years(&format!("{n} Years")), Ok(Some(n as f64)));
        }
        #[test]
        fn never_panics(s in "\\PC{0,30}") { let _ = parse_age_years(&s); }
    }
}
