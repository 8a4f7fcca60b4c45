//! Property tests of the results number reader (`results::parse_number`, `parse_count`): a
//! number written any way the registry writes one reads back as itself, a bound keeps its
//! comparator, and no text (however odd) panics, yields a non-finite value, or yields a value
//! while being flagged unreadable.

use proptest::prelude::*;
use trialtables_normalize::results::{parse_count, parse_number, NotACount};

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

proptest! {
    #[test]
    fn a_plain_number_reads_back_as_itself(v in -1.0e12f64..1.0e12) {
        let p = parse_number(&format!("{v}"));
        prop_assert_eq!(p.value, Some(v));
        prop_assert_eq!(p.comparator, None);
        prop_assert!(p.readable);
    }

    #[test]
    fn exponent_forms_read(m in -1000.0f64..1000.0, e in -20i32..20) {
        let text = format!("{m}E{e}");
        let want: f64 = text.parse().unwrap();
        prop_assert_eq!(parse_number(&text).value, Some(want));
        prop_assert_eq!(parse_number(&text.to_lowercase()).value, Some(want));
    }

    #[test]
    fn a_bound_keeps_its_comparator(v in 0.0f64..1.0e6, i in 0usize..10, space in any::<bool>()) {
        let forms = [("<", "<"), ("<=", "<="), ("≤", "<="), (">", ">"), (">=", ">="), ("≥", ">="), ("less than ", "<"), ("greater than ", ">"), ("p<", "<"), ("P > ", ">")];
        let (prefix, cmp) = forms[i];
        let sep = if space { " " } else { "" };
        let p = parse_number(&format!("{prefix}{sep}{v}"));
        prop_assert_eq!(p.value, Some(v));
        prop_assert_eq!(p.comparator, Some(cmp));
        let q = parse_number(&format!("{v} or less"));
        prop_assert_eq!((q.value, q.comparator), (Some(v), Some("<=")));
    }

    #[test]
    fn thousands_separators_are_read(n in 0u64..10_000_000_000) {
        prop_assert_eq!(parse_number(&thousands(n)).value, Some(n as f64));
        prop_assert_eq!(parse_count(&thousands(n)), Ok(Some(n as i64)));
    }

    #[test]
    fn counts_are_whole_numbers_only(n in -1_000_000i64..1_000_000, f in 1u32..99) {
        prop_assert_eq!(parse_count(&n.to_string()), Ok(Some(n)));
        prop_assert_eq!(parse_count(&format!("{n}.{f:02}")), Err(NotACount));
    }

    #[test]
    fn any_text_is_safe(s in "\\PC{0,24}") {
        let p = parse_number(&s);
        if let Some(v) = p.value {
            prop_assert!(v.is_finite(), "{s:?} -> {v}");
            prop_assert!(p.readable);
        }
        if !p.readable {
            prop_assert_eq!((p.value, p.comparator), (None, None));
        }
        let _ = parse_count(&s);
    }

    #[test]
    fn number_like_text_never_invents(s in "[0-9.,eE+<>= -]{0,12}") {
        // Whatever it makes of this, a value must be a number the text states: its digits
        // (commas aside) appear in the text.
        let p = parse_number(&s);
        if let Some(v) = p.value {
            let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
            prop_assert!(!digits.is_empty(), "{s:?} -> {v}");
        }
    }
}

#[test]
fn no_value_markers_are_readable_nulls() {
    for t in ["NA", "na", "N/A", "NR", "Not Applicable", " NA "] {
        let p = parse_number(t);
        assert_eq!((p.value, p.comparator, p.readable), (None, None, true), "{t}");
    }
    for t in ["inf", "NaN", "infinity", "12,34", "1.2.3", "3-5", "0x1A", "ten"] {
        let p = parse_number(t);
        assert_eq!((p.value, p.readable), (None, false), "{t}");
    }
}
