//! Page text saved from registry sites. Such text has no fixed grammar: it is whatever a
//! browser's "save as text" or a copy-paste produced from the study page. This module decides
//! which known page layout a text is in (from its content only, never the file name) and
//! hands it to that layout's reader:
//!
//! - [`classic`]: classic ClinicalTrials.gov study pages, 2014 print and 2018 print
//!   ("Layout table for ..."), which share their `Label: value` lines;
//! - [`full_info`]: a third-party registry "Full info" page with numbered sections of
//!   label line / value line pairs;
//! - [`modern`]: modern ClinicalTrials.gov page text, headings with helper sentences and bare
//!   or labelled values.
//!
//! The shared line helpers live here so that every reader reports 1-based line numbers the
//! same way and matches labels with the same tolerance for whitespace and case.

pub mod classic;
pub mod full_info;
pub mod modern;

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{Extracted, InputIssue, RawRecord, Severity, SourceFormat};

/// One line of a page text.
#[derive(Debug, Clone)]
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub no: u32,
    /// The line with surrounding whitespace removed (inner whitespace as in the source).
    pub text: &'a str,
    /// The line with every whitespace run collapsed to one space: for matching only.
    pub norm: String,
}

impl Line<'_> {
    /// True when the line holds nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// Splits a text into lines (`\n`, `\r\n` or a lone `\r`), numbering them from 1.
pub(crate) fn split_lines(text: &str) -> Vec<Line<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut no: u32 = 0;
    for raw in text.split('\n') {
        // A lone '\r' (old Mac files) also ends a line; "\r\n" leaves one '\r' at the end.
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        for part in raw.split('\r') {
            no = no.saturating_add(1);
            let t = part.trim();
            out.push(Line { no, text: t, norm: collapse_ws(t) });
        }
    }
    out
}

/// Collapses every run of whitespace (including no-break spaces) to one ASCII space.
pub(crate) fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_ws = false;
    for c in s.chars() {
        if c.is_whitespace() {
            in_ws = true;
        } else {
            if in_ws && !out.is_empty() {
                out.push(' ');
            }
            in_ws = false;
            out.push(c);
        }
    }
    out
}

/// Matches `label` at the start of `text`, ignoring ASCII case; a space in the label matches
/// any run of whitespace. Returns the rest of the text after the label, or `None` when the
/// label does not match or is only the start of a longer word ("Phase" in "Phases").
pub(crate) fn match_prefix<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let mut rest = text;
    for lc in label.chars() {
        if lc == ' ' {
            let trimmed = rest.trim_start();
            if trimmed.len() == rest.len() {
                return None;
            }
            rest = trimmed;
            continue;
        }
        let mut it = rest.chars();
        let tc = it.next()?;
        if !(tc == lc || tc.eq_ignore_ascii_case(&lc)) {
            return None;
        }
        rest = it.as_str();
    }
    let last_alnum = label.chars().last().is_some_and(|c| c.is_alphanumeric());
    if last_alnum && rest.chars().next().is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    Some(rest)
}

/// `Label: value` (the colon required, spaces allowed before it). Returns the trimmed value
/// (possibly empty).
pub(crate) fn label_colon<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let rest = match_prefix(text, label)?.trim_start();
    rest.strip_prefix(':').map(str::trim)
}

/// `Label value` or `Label: value` (colon optional). Returns the trimmed value.
pub(crate) fn label_opt_colon<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let rest = match_prefix(text, label)?.trim_start();
    Some(rest.strip_prefix(':').unwrap_or(rest).trim())
}

/// True when the whole line is `label`, with or without a trailing colon.
pub(crate) fn is_line(norm: &str, label: &str) -> bool {
    label_opt_colon(norm, label).is_some_and(str::is_empty)
}

/// Splits a trailing parenthesised part off: `"December 2013 (Anticipated)"` gives
/// `("December 2013", Some("Anticipated"))`.
pub(crate) fn split_trailing_paren(s: &str) -> (&str, Option<&str>) {
    let t = s.trim();
    if !t.ends_with(')') {
        return (t, None);
    }
    let mut depth = 0i32;
    for (i, c) in t.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    let before = t[..i].trim();
                    let inner = t[i + 1..t.len() - 1].trim();
                    if before.is_empty() {
                        return (t, None);
                    }
                    return (before, Some(inner));
                }
            }
            _ => {}
        }
    }
    (t, None)
}

/// Words that state whether a date or a count is actual or planned.
pub(crate) fn is_type_word(s: &str) -> bool {
    ["actual", "estimated", "anticipated", "expected", "undefined"].iter().any(|w| s.eq_ignore_ascii_case(w))
}

static NCT_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bNCT\d{8}\b").expect("valid regex"));

/// The first NCT number in a text.
pub(crate) fn find_nct(s: &str) -> Option<&str> {
    NCT_RE.find(s).map(|m| m.as_str())
}

/// Removes the backslash escapes a markdown-aware save left in modern pages (`\>` -> `>`,
/// `4x10\^7` -> `4x10^7`); other backslashes stay.
pub(crate) fn unescape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&n) = chars.peek() {
                if n.is_ascii_punctuation() {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// A free-text block: the non-blank lines joined with `\n`, with the first line's number.
pub(crate) fn join_block(lines: &[&Line<'_>]) -> Option<(String, u32)> {
    let mut first = None;
    let mut parts: Vec<&str> = Vec::new();
    for l in lines {
        if l.is_blank() {
            continue;
        }
        if first.is_none() {
            first = Some(l.no);
        }
        parts.push(l.text);
    }
    first.map(|no| (parts.join("\n"), no))
}

/// Markers of each layout: lines (collapsed, compared case-insensitively) that start with
/// these texts. A layout is chosen when at least two of its markers are present.
const MODERN_MARKERS: &[&str] = &[
    "NCT ID:",
    "Basic Information",
    "Study Groups",
    "Get a concise snapshot of the trial",
    "Review each arm or cohort in the study",
    "Learn about the drugs, procedures, or behavioral strategies",
    "Review the sponsor-provided synopsis",
    "Understand how the trial is structured",
    "Related Clinical Trials",
    "More Related Trials",
    "Clinical Phase",
    "Total Enrollment",
    "Blinding Strategy",
    "Allocation Method",
    "Study Classification",
];

const FULL_INFO_MARKERS: &[&str] = &[
    "Unique Protocol Identification Number",
    "Overall Recruitment Status",
    "Study Phase",
    "Minimum Age & Unit of Time",
    "Maximum Age & Unit of Time",
    "Intervention Name(s)",
    "Primary Outcome Measure Information",
    "Arm Title",
    "Interventional Study Model",
    "Name of the Sponsor",
    "Record Verification Date",
];

const CLASSIC_COMMON_MARKERS: &[&str] = &[
    "ClinicalTrials.gov Identifier",
    "Ages Eligible for Study:",
    "Accepts Healthy Volunteers:",
    "Official Title:",
    "Primary Purpose:",
    "Intervention Model:",
];

const CLASSIC2014_MARKERS: &[&str] = &[
    "Condition Intervention Phase",
    "Study Design:",
    "Genders Eligible for Study:",
    "First received:",
    "Last updated:",
    "Recruitment status was",
    "Further study details as provided by",
    "Intervention Details:",
    "Arms Assigned Interventions",
    "Study First Received:",
];

const CLASSIC2018_MARKERS: &[&str] = &[
    "Layout table for",
    "Condition or disease Intervention/treatment",
    "Arm Intervention/treatment",
    "Recruitment Status :",
    "First Posted :",
    "Last Update Posted :",
    "Sexes Eligible for Study:",
    "Information from the National Library of Medicine",
];

static FULL_INFO_SECTION_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\d{1,2}\.\s*(Study Identification|Study Status|Sponsor/Collaborators|Oversight|Study Description|Conditions and Keywords|Study Design|Arms, Groups,? and Interventions|Outcome Measures|Eligibility|Contacts/Locations|IPD Sharing Statement|References)\s*$",
    )
    .expect("valid regex")
});

fn count_markers(lines: &[Line<'_>], markers: &[&str]) -> usize {
    markers.iter().filter(|m| lines.iter().any(|l| match_prefix(&l.norm, m).is_some())).count()
}

/// Numbered "Full info" section headings ("1. Study Identification").
pub(crate) fn is_full_info_section(norm: &str) -> bool {
    FULL_INFO_SECTION_RE.is_match(norm)
}

fn scores(lines: &[Line<'_>]) -> [(SourceFormat, usize, usize); 4] {
    let modern = count_markers(lines, MODERN_MARKERS);
    let sections = lines.iter().filter(|l| is_full_info_section(&l.norm)).count();
    let full = count_markers(lines, FULL_INFO_MARKERS) + sections.min(4);
    let common = count_markers(lines, CLASSIC_COMMON_MARKERS);
    let c14 = count_markers(lines, CLASSIC2014_MARKERS);
    let c18 = count_markers(lines, CLASSIC2018_MARKERS);
    [
        (SourceFormat::CtgovModern, modern, modern),
        (SourceFormat::ThirdPartyFullInfo, full, full),
        (SourceFormat::CtgovClassic2018, c18 + common, c18),
        (SourceFormat::CtgovClassic2014, c14 + common, c14),
    ]
}

fn detect_lines(lines: &[Line<'_>]) -> Option<SourceFormat> {
    let mut best: Option<(SourceFormat, usize)> = None;
    for (format, total, specific) in scores(lines) {
        if total < 2 || specific < 1 {
            continue;
        }
        // Strictly greater: on a tie the earlier (more specific) layout wins.
        if best.is_none_or(|(_, b)| total > b) {
            best = Some((format, total));
        }
    }
    best.map(|(f, _)| f)
}

/// Detects the page layout of a text from its content, or `None` when it is in no known
/// layout (fewer than two markers of any layout).
pub fn detect_layout(text: &str) -> Option<SourceFormat> {
    detect_lines(&split_lines(text))
}

/// Reads one page text into (normally) one record. A text in no known layout gives one
/// ERROR [`InputIssue`] and no record.
pub fn read(path: &str, text: &str) -> Extracted {
    let lines = split_lines(text);
    let mut out = Extracted::default();
    let Some(format) = detect_lines(&lines) else {
        let nct = lines.iter().find_map(|l| find_nct(l.text)).map(str::to_string);
        let first = lines.iter().find(|l| !l.is_blank()).map_or(0, |l| l.no);
        out.issues.push(InputIssue {
            source_path: path.to_string(),
            line: first,
            nct_id: nct,
            severity: Severity::Error,
            message: "page text in no known layout (no 'ClinicalTrials.gov Identifier:' page \
                      with 'Condition Intervention Phase' or 'Layout table for' blocks, no \
                      numbered 'Study Identification'/'Study Design' sections, no 'NCT ID:' \
                      page with 'Basic Information'/'Study Groups' headings); record not read"
                .to_string(),
        });
        return out;
    };
    let mut record: RawRecord = match format {
        SourceFormat::CtgovClassic2014 | SourceFormat::CtgovClassic2018 => classic::read(path, &lines, format),
        SourceFormat::ThirdPartyFullInfo => full_info::read(path, &lines),
        _ => modern::read(path, &lines),
    };
    if record.nct_id.is_none() {
        record.findings.push(crate::model::Finding {
            severity: Severity::Error,
            field: Some("nct_id".to_string()),
            line: 0,
            message: format!("no NCT number found in this {} page text", format.as_str()),
        });
    }
    out.records.push(record);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_loosely() {
        assert_eq!(label_colon("Study Type : Interventional", "Study Type"), Some("Interventional"));
        assert_eq!(label_colon("study  type: X", "Study Type"), Some("X"));
        assert_eq!(label_colon("Study Types: X", "Study Type"), None);
        assert_eq!(label_colon("Study Type X", "Study Type"), None);
        assert_eq!(label_opt_colon("Group Type EXPERIMENTAL", "Group Type"), Some("EXPERIMENTAL"));
        assert!(is_line("Purpose", "Purpose"));
        assert!(!is_line("Purpose of it", "Purpose"));
    }

    #[test]
    fn parens_and_escapes() {
        assert_eq!(split_trailing_paren("40 (Anticipated)"), ("40", Some("Anticipated")));
        assert_eq!(split_trailing_paren("(x)"), ("(x)", None));
        assert_eq!(split_trailing_paren("a (b (c))"), ("a", Some("b (c)")));
        assert_eq!(unescape_md(r"4x10\^7 \> 20 a\b"), r"4x10^7 > 20 a\b");
    }

    #[test]
    fn lines_number_from_one_whatever_the_ending() {
        let l = split_lines("a\r\nb\rc\n\nd");
        let got: Vec<(u32, &str)> = l.iter().map(|l| (l.no, l.text)).collect();
        assert_eq!(got, vec![(1, "a"), (2, "b"), (3, "c"), (4, ""), (5, "d")]);
        assert_eq!(collapse_ws(" a \u{a0} b "), "a b");
    }
}
