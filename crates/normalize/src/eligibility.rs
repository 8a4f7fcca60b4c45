//! Splits an eligibility criteria text into its items, so that criteria can be counted and
//! searched one by one (the `eligibility` table), while `trials.eligibility_criteria` keeps the
//! text whole.
//!
//! Registry texts come in three shapes: API v2 Markdown ("Inclusion Criteria:\n\n* item"),
//! legacy XML text blocks hard-wrapped at about 70 columns with indented "-  " bullets, and
//! free paragraphs. The rules, in order, for each line:
//! - a heading ("Inclusion Criteria:", "Key Exclusion Criteria", "INCLUSION CRITERIA:",
//!   "Inclusion Criteria for Donors", "Non-inclusion criteria:") sets the kind of the items
//!   after it (INCLUSION / EXCLUSION, none for "Eligibility Criteria" or "Inclusion and
//!   Exclusion Criteria"); text after its colon is an item of its own. An all-capitals line
//!   ending in a colon ("DISEASE CHARACTERISTICS:") is a sub-heading: it keeps the kind;
//! - a bullet ("*", "-", "•", "1.", "2)", "a)", "(b)", "iv.") starts an item;
//! - any other line continues the item of the line just above, or starts an item after a
//!   blank line (a paragraph).
//!
//! Nothing but headings and bullet markers is left out: every other word of the text is in
//! exactly one item, in order, and the heading line each item is under is kept beside it.

/// One item of a criteria text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    /// INCLUSION or EXCLUSION from the heading the item is under; `None` before any heading
    /// or under a heading that names neither (or both).
    pub kind: Option<&'static str>,
    /// The heading line the item is under, as stated.
    pub heading: Option<String>,
    /// The item, its wrapped lines joined by single spaces, bullet marker removed.
    pub text: String,
}

/// A heading line: the kind it sets (`Some(None)` = no kind, `None` = keep the current
/// kind), and the text after its colon.
struct Heading<'a> {
    kind: Option<Option<&'static str>>,
    after: &'a str,
}

fn is_decoration(c: char) -> bool {
    c == '*' || c == '_' || c == '#' || c.is_whitespace()
}

/// Kind named by a heading's words.
fn kind_of(lower: &str) -> Option<&'static str> {
    let non_inclusion = lower.contains("non-inclusion") || lower.contains("non inclusion") || lower.contains("noninclusion");
    let inclusion = lower.contains("inclusion") && !non_inclusion;
    let exclusion = lower.contains("exclusion") || non_inclusion;
    match (inclusion, exclusion) {
        (true, false) => Some("INCLUSION"),
        (false, true) => Some("EXCLUSION"),
        _ => None,
    }
}

/// Words that may stand before "inclusion", "exclusion", "eligibility" or "criteria" in a
/// heading ("Key Inclusion Criteria", "Donor Exclusion Criteria", "Main Criteria for Inclusion").
const QUALIFIERS: &[&str] = &[
    "key",
    "main",
    "major",
    "general",
    "specific",
    "additional",
    "other",
    "study",
    "patient",
    "patients",
    "participant",
    "participants",
    "donor",
    "donors",
    "recipient",
    "recipients",
    "subject",
    "subjects",
    "part",
    "cohort",
    "non",
    "the",
    "selection",
    "trial",
    "minor",
];

const KEY_WORDS: &[&str] =
    &["inclusion", "exclusion", "inclusions", "exclusions", "eligibility", "criteria", "criterion", "non-inclusion", "noninclusion"];

fn heading(line: &str) -> Option<Heading<'_>> {
    // A heading may itself be bulleted or numbered ("A. Inclusion Criteria:").
    let unbulleted = strip_bullet(line).unwrap_or(line);
    let core = unbulleted.trim_matches(is_decoration);
    if core.is_empty() {
        return None;
    }
    let (head, after) = match core.find(':') {
        Some(p) => {
            // The text after the colon (decorations such as a closing "**" dropped).
            let colon = unbulleted.find(':').unwrap_or(0);
            (&core[..p], unbulleted[colon + 1..].trim_matches(is_decoration))
        }
        None => (core, ""),
    };
    // Both kinds of heading below have at most eight words: most lines are items, and longer.
    if head.split_whitespace().nth(8).is_some() {
        return None;
    }
    let has_colon = core.contains(':');
    let lower = head.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')).collect();
    let first_key = words.iter().position(|w| KEY_WORDS.contains(w));
    let led_by_key = first_key.is_some_and(|k| k <= 2 && words[..k].iter().all(|w| QUALIFIERS.contains(w)));
    let criteria = lower.contains("criteri") || matches!(words.as_slice(), [w] if KEY_WORDS.contains(w));
    if led_by_key && criteria && words.len() <= 8 && (has_colon || !head.trim_end().ends_with('.')) {
        return Some(Heading { kind: Some(kind_of(&lower)), after });
    }
    // "DISEASE CHARACTERISTICS:" (the old NCI layout): a sub-heading, kind kept.
    let letters = head.chars().filter(|c| c.is_alphabetic()).count();
    if has_colon && after.is_empty() && words.len() <= 6 && letters >= 3 && !head.chars().any(|c| c.is_lowercase()) && line == unbulleted {
        return Some(Heading { kind: None, after: "" });
    }
    None
}

/// The text after a bullet marker at the start of `line` (trimmed), or `None` when the line
/// does not start with one. A marker must be followed by a space ("1.5 x 10^9/L" is no
/// bullet) unless it is a symbol bullet.
pub fn strip_bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let mut chars = t.char_indices();
    let (_, first) = chars.next()?;
    if matches!(first, '*' | '-' | '•' | '·' | '–' | '▪' | '●' | '○' | '§') {
        let rest = &t[first.len_utf8()..];
        // "**bold**" and "--" are not bullets; "-5 °C" is not either.
        if rest.starts_with(first) || rest.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        if first == '-' && !rest.starts_with(char::is_whitespace) {
            return None;
        }
        return Some(rest.trim());
    }
    let word_end = t.find(char::is_whitespace)?;
    let marker = &t[..word_end];
    is_enumerator(marker).then(|| t[word_end..].trim())
}

/// "1.", "12)", "a)", "b.", "(c)", "(3)", "iv.", "(ii)".
fn is_enumerator(m: &str) -> bool {
    let inner = match m.strip_prefix('(') {
        Some(rest) => match rest.strip_suffix(')') {
            Some(i) => i,
            None => return false,
        },
        None => match m.strip_suffix('.').or_else(|| m.strip_suffix(')')) {
            Some(i) => i,
            None => return false,
        },
    };
    if inner.is_empty() {
        return false;
    }
    let digits = inner.len() <= 3 && inner.bytes().all(|b| b.is_ascii_digit());
    let letter = inner.len() == 1 && inner.bytes().all(|b| b.is_ascii_alphabetic());
    let roman = inner.len() <= 4 && inner.bytes().all(|b| matches!(b, b'i' | b'v' | b'x' | b'I' | b'V' | b'X'));
    digits || letter || roman
}

/// Splits a criteria text into items (see the module notes).
pub fn split_criteria(text: &str) -> Vec<Criterion> {
    let mut out = Vec::new();
    let mut kind: Option<&'static str> = None;
    let mut head: Option<String> = None;
    let mut cur: Option<String> = None;
    let mut blank = true;
    let flush = |cur: &mut Option<String>, out: &mut Vec<Criterion>, kind: Option<&'static str>, head: &Option<String>| {
        if let Some(t) = cur.take() {
            if !t.is_empty() {
                out.push(Criterion { kind, heading: head.clone(), text: t });
            }
        }
    };
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            blank = true;
            continue;
        }
        if let Some(h) = heading(t) {
            flush(&mut cur, &mut out, kind, &head);
            if let Some(k) = h.kind {
                kind = k;
            }
            head = Some(t.to_string());
            if !h.after.is_empty() {
                cur = Some(h.after.to_string());
            }
            blank = false;
            continue;
        }
        if let Some(rest) = strip_bullet(t) {
            flush(&mut cur, &mut out, kind, &head);
            if !rest.is_empty() {
                cur = Some(rest.to_string());
            }
            blank = false;
            continue;
        }
        match cur.as_mut() {
            Some(c) if !blank => {
                c.push(' ');
                c.push_str(t);
            }
            _ => {
                flush(&mut cur, &mut out, kind, &head);
                cur = Some(t.to_string());
            }
        }
        blank = false;
    }
    flush(&mut cur, &mut out, kind, &head);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Vec<(Option<&'static str>, String)> {
        split_criteria(text).into_iter().map(|c| (c.kind, c.text)).collect()
    }

    #[test]
    fn markdown_bullets_under_headings() {
        let t = "Inclusion Criteria:\n\n* Aged 18 or older\n* Signed consent\n\nExclusion Criteria:\n\n* Pregnancy\n  * or breastfeeding";
        assert_eq!(
            items(t),
            vec![
                (Some("INCLUSION"), "Aged 18 or older".to_string()),
                (Some("INCLUSION"), "Signed consent".to_string()),
                (Some("EXCLUSION"), "Pregnancy".to_string()),
                (Some("EXCLUSION"), "or breastfeeding".to_string()),
            ]
        );
        let c = split_criteria(t);
        assert_eq!(c[2].heading.as_deref(), Some("Exclusion Criteria:"));
    }

    #[test]
    fn legacy_xml_wrapped_bullets() {
        let t = "Inclusion Criteria:\n\n          -  Patients with a diagnosis of\n             acute leukemia\n\n          -  Age 18\n\n        Exclusion Criteria:\n\n          -  Recent URTI";
        assert_eq!(
            items(t),
            vec![
                (Some("INCLUSION"), "Patients with a diagnosis of acute leukemia".to_string()),
                (Some("INCLUSION"), "Age 18".to_string()),
                (Some("EXCLUSION"), "Recent URTI".to_string()),
            ]
        );
    }

    #[test]
    fn heading_spellings() {
        for (h, k) in [
            ("INCLUSION CRITERIA:", Some("INCLUSION")),
            ("Key Inclusion Criteria", Some("INCLUSION")),
            ("Exclusion Criteria", Some("EXCLUSION")),
            ("**Exclusion criteria:**", Some("EXCLUSION")),
            ("Inclusion Criteria for Transplant Recipient", Some("INCLUSION")),
            ("Non-inclusion criteria:", Some("EXCLUSION")),
            ("Eligibility Criteria:", None),
            ("Inclusion and Exclusion Criteria:", None),
            ("A. Inclusion Criteria:", Some("INCLUSION")),
            ("Criteria for exclusion", Some("EXCLUSION")),
            ("Donor Inclusion Criteria:", Some("INCLUSION")),
        ] {
            let c = split_criteria(&format!("{h}\n1. item one\n2) item two"));
            assert_eq!(c.len(), 2, "{h}");
            assert_eq!(c[0].kind, k, "{h}");
            assert_eq!(c[0].text, "item one");
            assert_eq!(c[1].text, "item two");
            assert_eq!(c[0].heading.as_deref(), Some(h));
        }
    }

    #[test]
    fn text_after_a_heading_colon_is_an_item() {
        assert_eq!(
            items("Inclusion criteria: adults with knee osteoarthritis. Exclusion criteria: prior surgery"),
            vec![(Some("INCLUSION"), "adults with knee osteoarthritis. Exclusion criteria: prior surgery".to_string())]
        );
        assert_eq!(
            items("Inclusion criteria: age 18-65\nExclusion criteria: pregnancy"),
            vec![(Some("INCLUSION"), "age 18-65".to_string()), (Some("EXCLUSION"), "pregnancy".to_string())]
        );
    }

    #[test]
    fn no_heading_paragraphs_and_sub_headings() {
        assert_eq!(
            items("Adults with type 1 diabetes\nfor at least 5 years\n\nHbA1c above 7%"),
            vec![(None, "Adults with type 1 diabetes for at least 5 years".to_string()), (None, "HbA1c above 7%".to_string())]
        );
        let c = split_criteria("Inclusion Criteria:\nDISEASE CHARACTERISTICS:\n- AML in remission\nPATIENT CHARACTERISTICS:\n- Age 18");
        assert_eq!(c.len(), 2);
        assert!(c.iter().all(|x| x.kind == Some("INCLUSION")));
        assert_eq!(c[1].heading.as_deref(), Some("PATIENT CHARACTERISTICS:"));
    }

    #[test]
    fn items_that_mention_criteria_stay_items() {
        let c = split_criteria("Inclusion Criteria:\n- Meet diagnostic criteria for depression\n\nPatients meeting all of the following inclusion criteria:\n- Age 18");
        assert_eq!(c.len(), 3);
        assert!(c.iter().all(|x| x.kind == Some("INCLUSION")));
        assert_eq!(c[0].text, "Meet diagnostic criteria for depression");
    }

    #[test]
    fn numbers_are_not_bullets() {
        assert_eq!(strip_bullet("1.5 x 10^9/L platelets"), None);
        assert_eq!(strip_bullet("18 years or older"), None);
        assert_eq!(strip_bullet("-5 degrees"), None);
        assert_eq!(strip_bullet("**bold**"), None);
        assert_eq!(strip_bullet("a) adults"), Some("adults"));
        assert_eq!(strip_bullet("(iv) adults"), Some("adults"));
        assert_eq!(strip_bullet("• adults"), Some("adults"));
        assert_eq!(strip_bullet("12. adults"), Some("adults"));
    }

    #[test]
    fn empty_and_heading_only_texts_give_no_items() {
        assert!(split_criteria("").is_empty());
        assert!(split_criteria("Inclusion Criteria:\n\nExclusion Criteria:").is_empty());
    }
}
