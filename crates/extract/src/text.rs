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

use std::borrow::Cow;
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
    /// Borrows `text` when it is already collapsed (most lines are).
    pub norm: Cow<'a, str>,
}

impl Line<'_> {
    /// True when the line holds nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// Splits a text into lines (`\n`, `\r\n` or a lone `\r`), numbering them from 1.
pub(crate) fn split_lines(text: &str) -> Vec<Line<'_>> {
    fn push<'a>(out: &mut Vec<Line<'a>>, raw: &'a str) {
        let no = u32::try_from(out.len() + 1).unwrap_or(u32::MAX);
        let t = raw.trim();
        out.push(Line { no, text: t, norm: collapse_ws(t) });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Room for lines of 48 bytes on average (page lines are longer), so that the vector is
    // seldom moved while it grows.
    let mut out = Vec::with_capacity(text.len() / 48 + 8);
    // One scan for both line-end bytes. A '\r' ends a line alone (old Mac files) or with the
    // '\n' after it; a '\r' closing the text only ends the last line.
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(off) = bytes.get(start..).and_then(|rest| rest.iter().position(|&b| b == b'\n' || b == b'\r')) {
        let at = start + off;
        push(&mut out, text.get(start..at).unwrap_or(""));
        let cr_ending = bytes.get(at) == Some(&b'\r') && bytes.get(at + 1).is_none_or(|&b| b == b'\n');
        if cr_ending && at + 1 == bytes.len() {
            return out;
        }
        start = if cr_ending { at + 2 } else { at + 1 };
    }
    push(&mut out, text.get(start..).unwrap_or(""));
    out
}

/// Collapses every run of whitespace (including no-break spaces) to one ASCII space and
/// drops leading and trailing whitespace. Borrows `s` when it is already in that form.
pub(crate) fn collapse_ws(s: &str) -> Cow<'_, str> {
    if is_collapsed(s) {
        return Cow::Borrowed(s);
    }
    // `split_whitespace` splits on the same (Unicode) whitespace as `char::is_whitespace`.
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// True when `s` has no leading or trailing whitespace and no whitespace but single ASCII
/// spaces, i.e. when [`collapse_ws`] would return it unchanged.
fn is_collapsed(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    // ASCII whitespace other than the space (`char::is_whitespace` includes \x0B). A fold
    // rather than `any` so that the loop vectorises.
    if bytes.iter().fold(false, |found, &b| found | matches!(b, b'\t'..=b'\r')) {
        return false;
    }
    if !s.is_ascii() && s.chars().any(|c| !c.is_ascii() && c.is_whitespace()) {
        return false;
    }
    !s.contains("  ")
}

/// Matches `label` at the start of `text`, ignoring ASCII case; a space in the label matches
/// any run of whitespace. Returns the rest of the text after the label, or `None` when the
/// label does not match or is only the start of a longer word ("Phase" in "Phases").
#[inline]
pub(crate) fn match_prefix<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    // Most calls fail on the first byte: decide those without the full comparison. Bytes
    // equal up to ASCII case are what the full comparison requires of a first character
    // (a non-ASCII byte only equals itself), unless the label starts with a space.
    match (label.as_bytes().first(), text.as_bytes().first()) {
        (Some(&l), Some(&t)) if l != b' ' && !l.eq_ignore_ascii_case(&t) => None,
        _ => match_prefix_full(text, label),
    }
}

/// The full comparison of [`match_prefix`], byte by byte: a non-ASCII character of the
/// label matches only the same bytes (UTF-8 is prefix-free, so the same character), an
/// ASCII one the same letter in either case.
fn match_prefix_full<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    for &lb in label.as_bytes() {
        if lb == b' ' {
            // After whole label characters, `pos` is on a character boundary.
            let rest = text.get(pos..)?;
            let trimmed = rest.trim_start();
            if trimmed.len() == rest.len() {
                return None;
            }
            pos = text.len() - trimmed.len();
            continue;
        }
        let &tb = bytes.get(pos)?;
        if !tb.eq_ignore_ascii_case(&lb) {
            return None;
        }
        pos += 1;
    }
    let rest = text.get(pos..)?;
    let last_alnum = label.chars().last().is_some_and(|c| c.is_alphanumeric());
    if last_alnum && rest.chars().next().is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    Some(rest)
}

/// A list of labels indexed by their first byte (ASCII case folded), so that a line is
/// compared only with the labels that can match at its start ([`match_prefix`] and the
/// helpers built on it require the first characters to be equal up to ASCII case).
pub(crate) struct LabelIndex {
    /// For each first byte of a text, the positions in the list of the labels that may
    /// match it, in list order.
    buckets: [Vec<usize>; 256],
}

impl LabelIndex {
    /// Indexes `labels` (positions are the order of the iterator).
    pub(crate) fn new<'l>(labels: impl IntoIterator<Item = &'l str>) -> Self {
        let mut buckets: [Vec<usize>; 256] = std::array::from_fn(|_| Vec::new());
        for (i, label) in labels.into_iter().enumerate() {
            match label.as_bytes().first() {
                Some(&b) if b != b' ' => {
                    for key in [b.to_ascii_lowercase(), b.to_ascii_uppercase()] {
                        if let Some(bucket) = buckets.get_mut(usize::from(key)) {
                            if bucket.last() != Some(&i) {
                                bucket.push(i);
                            }
                        }
                    }
                }
                // An empty label or one starting with a space may match any text.
                _ => buckets.iter_mut().for_each(|bucket| bucket.push(i)),
            }
        }
        LabelIndex { buckets }
    }

    /// Positions of the labels that may match at the start of `text`, in list order (a
    /// superset of the matching ones: each still has to be compared).
    pub(crate) fn candidates(&self, text: &str) -> &[usize] {
        let first = text.as_bytes().first().copied().unwrap_or(0);
        self.buckets.get(usize::from(first)).map_or(&[], Vec::as_slice)
    }

    /// The items of `list` (the list this index was built from) that may match at the
    /// start of `text`, in list order.
    pub(crate) fn pick<'l, T>(&self, text: &str, list: &'l [T]) -> impl Iterator<Item = &'l T> + use<'_, 'l, T> {
        self.candidates(text).iter().filter_map(move |&i| list.get(i))
    }
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
/// `4x10\^7` -> `4x10^7`); other backslashes stay. Borrows `s` when it has no backslash.
pub(crate) fn unescape_md(s: &str) -> Cow<'_, str> {
    if !s.contains('\\') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some((before, after)) = rest.split_once('\\') {
        out.push_str(before);
        let mut chars = after.chars();
        match chars.next() {
            // `\x` with `x` ASCII punctuation (a backslash too) is `x`.
            Some(n) if n.is_ascii_punctuation() => {
                out.push(n);
                rest = chars.as_str();
            }
            _ => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
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

/// Every layout's markers in one list, each with the layout list it comes from.
static MARKERS: LazyLock<Vec<(&'static str, MarkerSet)>> = LazyLock::new(|| {
    let sets: [(&[&'static str], MarkerSet); 5] = [
        (MODERN_MARKERS, MarkerSet::Modern),
        (FULL_INFO_MARKERS, MarkerSet::FullInfo),
        (CLASSIC_COMMON_MARKERS, MarkerSet::ClassicCommon),
        (CLASSIC2014_MARKERS, MarkerSet::Classic2014),
        (CLASSIC2018_MARKERS, MarkerSet::Classic2018),
    ];
    sets.into_iter().flat_map(|(list, set)| list.iter().map(move |m| (*m, set))).collect()
});

static MARKER_INDEX: LazyLock<LabelIndex> = LazyLock::new(|| LabelIndex::new(MARKERS.iter().map(|(m, _)| *m)));

/// The marker lists, in the order of [`MARKERS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MarkerSet {
    Modern,
    FullInfo,
    ClassicCommon,
    Classic2014,
    Classic2018,
}

/// Numbered "Full info" section headings ("1. Study Identification").
pub(crate) fn is_full_info_section(norm: &str) -> bool {
    // The heading starts with a digit (`\d` is any Unicode digit, so any non-ASCII byte
    // may start one too): other lines are not given to the regex.
    norm.as_bytes().first().is_some_and(|b| b.is_ascii_digit() || !b.is_ascii()) && FULL_INFO_SECTION_RE.is_match(norm)
}

/// Per layout: (format, markers of the layout and the ones it shares, its own markers).
/// One pass over the lines; a marker counts once however many lines start with it.
fn scores(lines: &[Line<'_>]) -> [(SourceFormat, usize, usize); 4] {
    let mut found = vec![false; MARKERS.len()];
    let mut sections = 0;
    for l in lines {
        for &i in MARKER_INDEX.candidates(&l.norm) {
            if let (Some(f), Some((m, _))) = (found.get_mut(i), MARKERS.get(i)) {
                *f = *f || match_prefix(&l.norm, m).is_some();
            }
        }
        if is_full_info_section(&l.norm) {
            sections += 1;
        }
    }
    let count = |set: MarkerSet| MARKERS.iter().zip(&found).filter(|((_, s), f)| *s == set && **f).count();
    let modern = count(MarkerSet::Modern);
    let full = count(MarkerSet::FullInfo) + sections.min(4);
    let common = count(MarkerSet::ClassicCommon);
    let c14 = count(MarkerSet::Classic2014);
    let c18 = count(MarkerSet::Classic2018);
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
        assert!(matches!(collapse_ws("a b–c"), Cow::Borrowed("a b–c")));
        assert_eq!(collapse_ws("a\u{b}b\u{3000}c  d"), "a b c d");
        // A '\r' closing the text ends the last line; one before '\n' is part of the ending.
        let l = split_lines("a\r\r\nb\r");
        let got: Vec<(u32, &str)> = l.iter().map(|l| (l.no, l.text)).collect();
        assert_eq!(got, vec![(1, "a"), (2, ""), (3, "b")]);
        assert_eq!(split_lines("").len(), 1);
    }

    #[test]
    fn prefixes_match_whole_characters() {
        assert_eq!(match_prefix("Working… now", "Working…"), Some(" now"));
        assert_eq!(match_prefix("Working... now", "Working…"), None);
        assert_eq!(match_prefix("study\u{a0} type: x", "Study Type"), Some(": x"));
        assert_eq!(match_prefix("Études", "études"), None);
        assert_eq!(match_prefix("x", ""), Some("x"));
        assert_eq!(unescape_md(r"a\\b \"), r"a\b \");
    }
}
