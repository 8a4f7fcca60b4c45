//! Classic ClinicalTrials.gov study pages saved as text: the 2014 print ("Purpose",
//! "Condition Intervention Phase", "First received:") and the 2018 print ("Layout table
//! for ...", "Condition or disease Intervention/treatment Phase", "First Posted :"). Both
//! state most values as `Label: value` lines (the 2018 print puts a space before the colon
//! and an "Estimated"/"Actual" word before date and enrollment labels), so one reader serves
//! both; the blocks that differ (the 2014 "Intervention Details:" list, the 2018 arm table)
//! are read where they appear, whichever print they are in.
//!
//! Both prints end with the same blocks: "Criteria" (the eligibility criteria, kept whole,
//! its "Inclusion Criteria:" / "Exclusion Criteria:" lines included), "Locations" (country
//! headings, each followed by facility and address lines), "Sponsors and Collaborators"
//! (the lead sponsor, then one collaborator per line) and "Other Study ID Numbers:".

use std::sync::LazyLock;

use regex::Regex;

use super::{
    find_nct, is_line, is_type_word, join_block, label_colon, label_opt_colon, match_prefix, split_trailing_paren, LabelIndex, Line,
};
use crate::model::{
    AlsoStated, Finding, OutcomeKind, Raw, RawArm, RawIntervention, RawLocation, RawOutcome, RawRecord, RawReference, RawSponsor, Severity,
    SourceFormat, StatedField,
};

/// Arm types as the classic pages print them ("Experimental: label").
const ARM_TYPES: &[&str] = &["Experimental", "Active Comparator", "Placebo Comparator", "Sham Comparator", "No Intervention", "Other"];

/// Intervention types as the classic pages print them ("Biological: name").
const INTERVENTION_TYPES: &[&str] = &[
    "Biological",
    "Drug",
    "Device",
    "Procedure/Surgery",
    "Procedure",
    "Radiation",
    "Behavioral",
    "Genetic",
    "Dietary Supplement",
    "Combination Product",
    "Diagnostic Test",
    "Other",
];

/// Headings of the observational studies' group table, whose rows start with a bare group
/// label (no "Experimental:"-style type).
const GROUP_HEADINGS: &[&str] = &[
    "Group/Cohort Intervention/treatment",
    "Groups/Cohorts Assigned Interventions",
    "Group/Cohort Intervention",
    "Groups/Cohorts Interventions",
    "Groups/Cohorts",
    "Group/Cohort",
];

/// Whole-line headings: each ends the block before it.
const HEADINGS: &[&str] = &[
    "Group/Cohort Intervention/treatment",
    "Groups/Cohorts Assigned Interventions",
    "Group/Cohort Intervention",
    "Groups/Cohorts Interventions",
    "Purpose",
    "Eligibility",
    "Criteria",
    "Contacts and Locations",
    "Contacts",
    "Locations",
    "More Information",
    "Sponsors and Collaborators",
    "Investigators",
    "Study Design",
    "Study Description",
    "Arms and Interventions",
    "Outcome Measures",
    "Information from the National Library of Medicine",
    "Brief Summary",
    "Detailed Description",
    "Intervention Details",
    "Publications",
    "Publications of Results",
    "Additional relevant MeSH terms",
    "Arm Intervention/treatment",
    "Arms Assigned Interventions",
    "Condition Intervention Phase",
    "Condition Intervention",
    "Condition or disease Intervention/treatment Phase",
    "Condition or disease Intervention/treatment",
    "Condition or disease",
    "Tracking Information",
    "Descriptive Information",
    "Recruitment Information",
    "Administrative Information",
    "Study Documents",
    "Study Results",
    "Go to",
];

/// `Label:` lines (value on the line or none): each ends the block before it. An
/// "Estimated"/"Actual"/"Anticipated" word before the label is allowed.
const LABELS: &[&str] = &[
    "Study Type",
    "Study Design",
    "Allocation",
    "Intervention Model",
    "Masking",
    "Primary Purpose",
    "Official Title",
    "Primary Outcome Measures",
    "Primary Outcome Measure",
    "Secondary Outcome Measures",
    "Secondary Outcome Measure",
    "Other Outcome Measures",
    "Other Pre-specified Outcome Measures",
    "Enrollment",
    "Study Start Date",
    "Study Completion Date",
    "Primary Completion Date",
    "Intervention Details",
    "Detailed Description",
    "Brief Summary",
    "Ages Eligible for Study",
    "Genders Eligible for Study",
    "Sexes Eligible for Study",
    "Gender Based",
    "Accepts Healthy Volunteers",
    "Sponsor",
    "Collaborator",
    "Collaborators",
    "Information provided by",
    "Information provided by (Responsible Party)",
    "First received",
    "Last updated",
    "Last verified",
    "First Posted",
    "Last Update Posted",
    "Results First Posted",
    "Last Verified",
    "Study First Received",
    "Results First Received",
    "Responsible Party",
    "Other Study ID Numbers",
    "Health Authority",
    "Publications",
    "Publications of Results",
    "Observational Model",
    "Time Perspective",
    "Biospecimen Retention",
    "Study Population",
    "Sampling Method",
    "Individual Participant Data (IPD) Sharing Statement",
    "Plan to Share IPD",
    "Studies a U.S. FDA-regulated Drug Product",
    "Studies a U.S. FDA-regulated Device Product",
    "Data Monitoring Committee",
    "Recruitment Status",
    "Expanded Access Status",
    "Contact",
    "Principal Investigator",
    "Study Director",
    "Study Chair",
];

/// Line starts that end a block.
const STOP_PREFIXES: &[&str] = &[
    "Layout table for",
    "Further study details as provided by",
    "Keywords provided by",
    "Resource links provided by",
    "ClinicalTrials.gov Identifier",
    "Please refer to this study by",
    "Choosing to participate in a study",
    "The recruitment status of this study",
    "Recruitment status was",
    "MedlinePlus related topics",
    "Publications automatically indexed to this study",
    "Additional publications automatically indexed",
    "Inclusion Criteria",
    "Exclusion Criteria",
];

/// Lines before the title that are page furniture, not content.
const NAV_LINES: &[&str] = &[
    "Working…",
    "Working...",
    "ClinicalTrials.gov",
    "ClinicalTrials.gov Menu",
    "Skip to main content",
    "Home",
    "Search for Studies",
    "Study Record Detail",
    "Save this study",
    "Full Text View",
    "Tabular View",
    "No Study Results Posted",
    "Disclaimer",
    "How to Read a Study Record",
    "A service of the U.S. National Institutes of Health",
];

static TRIAL_RECORD_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(Trial record \d+ of \d+|Previous Study|Next Study|Return to List)").expect("valid regex"));

static ITEM_MARK_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:(\d{1,3})[.)]|[•·▪◦*\-–])\s*").expect("valid regex"));

/// [`ITEM_MARK_RE`]'s captures on a line; lines that cannot start with an item mark (a
/// digit, `\d` being any Unicode digit, or a bullet) are not given to the regex.
fn item_mark(text: &str) -> Option<regex::Captures<'_>> {
    let may_start = text.chars().next().is_some_and(|c| c.is_numeric() || matches!(c, '•' | '·' | '▪' | '◦' | '*' | '-' | '–'));
    if may_start {
        ITEM_MARK_RE.captures(text)
    } else {
        None
    }
}

static TIME_FRAME_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\[\s*Time\s*Frame\s*:\s*(.*?)\s*\](?:\s*\[|\s*$)").expect("valid regex"));

/// The first `[ Time Frame: ... ]` of an outcome item: where it starts and the time frame
/// text (the regex's group). The group is read off the match by hand, as the regex would:
/// its capture engine is the slowest step of reading an outcome list. When the hand reading
/// does not end where the regex's match does, the regex's captures decide.
fn time_frame(body: &str) -> Option<(usize, &str)> {
    let m = TIME_FRAME_RE.find(body)?;
    if let Some(group) = time_frame_group(body, m.start(), m.end()) {
        return Some((m.start(), group));
    }
    let c = TIME_FRAME_RE.captures(body)?;
    Some((c.get(0)?.start(), c.get(1)?.as_str()))
}

/// [`TIME_FRAME_RE`]'s group in its match `start..end` of `body`: after `[`, "Time",
/// "Frame", `:` and the whitespace around them, the shortest text (no line break) followed
/// by `]` and then `[` or the end of `body`, whitespace allowed before each. `None` when
/// that reading does not end at `end`.
fn time_frame_group(body: &str, start: usize, end: usize) -> Option<&str> {
    let strip_word = |s: &'_ str, w: &str| -> Option<usize> { s.get(..w.len()).filter(|h| h.eq_ignore_ascii_case(w)).map(|_| w.len()) };
    let rest = body.get(start..)?.strip_prefix('[')?.trim_start();
    let rest = rest.get(strip_word(rest, "Time")?..)?.trim_start();
    let rest = rest.get(strip_word(rest, "Frame")?..)?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let group_start = body.len() - rest.len();
    for (q, c) in rest.char_indices() {
        if let Some(after) = rest.get(q..).map(str::trim_start).and_then(|a| a.strip_prefix(']')) {
            let after = after.trim_start();
            let match_end = if after.is_empty() {
                Some(body.len())
            } else if after.starts_with('[') {
                Some(body.len() - after.len() + 1)
            } else {
                None
            };
            if let Some(match_end) = match_end {
                return (match_end == end).then(|| body.get(group_start..group_start + q)).flatten();
            }
        }
        if c == '\n' {
            return None;
        }
    }
    None
}

static SAFETY_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\[\s*Designated\s+as\s+safety\s+issue\s*:[^\]]*\]").expect("valid regex"));

static PHASE_TAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|\s)(Early Phase 1|Phase [0-4I]+(?:\s*/\s*Phase [0-4I]+)?|Not Applicable|N/A)\s*$").expect("valid regex")
});

static AGE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\d+(?:\.\d+)?\s+(?:years?|months?|weeks?|days?|hours?|minutes?)$").expect("valid regex"));

/// Sentences the 2014 print uses instead of a "Recruitment Status" label, and the status
/// they state (in the site's own display words).
const STATUS_SENTENCES: &[(&str, &str)] = &[
    ("This study is currently recruiting participants", "Recruiting"),
    ("This study is not yet open for participant recruitment", "Not yet recruiting"),
    ("This study is ongoing, but not recruiting participants", "Active, not recruiting"),
    ("This study has been completed", "Completed"),
    ("This study has been terminated", "Terminated"),
    ("This study has been withdrawn prior to enrollment", "Withdrawn"),
    ("This study has been suspended", "Suspended"),
    ("This study is enrolling participants by invitation only", "Enrolling by invitation"),
    // Expanded-access records.
    ("Expanded access is currently available for this treatment", "Available"),
    ("Expanded access is no longer available for this treatment", "No longer available"),
    ("Expanded access is temporarily not available for this treatment", "Temporarily not available"),
    ("This treatment has been approved for sale to the public", "Approved for marketing"),
];

/// "Verified June 2016 by Sponsor." under the status: the end of the title block, whatever
/// the status line above it says.
static VERIFIED_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^Verified\s+[A-Z][a-z]+\s+\d{4}\s+by\s").expect("valid regex"));

/// Strips an "Estimated"/"Actual"/"Anticipated" word from the start of a line.
fn type_prefix(norm: &str) -> (Option<&str>, &str) {
    for w in ["Estimated", "Actual", "Anticipated", "Expected"] {
        if let Some(rest) = match_prefix(norm, w) {
            if rest.starts_with(' ') {
                let head = &norm[..norm.len() - rest.len()];
                return (Some(head.trim()), rest.trim_start());
            }
        }
    }
    (None, norm)
}

static HEADING_INDEX: LazyLock<LabelIndex> = LazyLock::new(|| LabelIndex::new(HEADINGS.iter().copied()));
static LABEL_INDEX: LazyLock<LabelIndex> = LazyLock::new(|| LabelIndex::new(LABELS.iter().copied()));
static STOP_INDEX: LazyLock<LabelIndex> = LazyLock::new(|| LabelIndex::new(STOP_PREFIXES.iter().copied()));

/// True when a line ends the free-text block before it. Each list is searched only for the
/// entries whose first character is the line's (up to ASCII case).
fn is_stop(norm: &str) -> bool {
    if HEADING_INDEX.pick(norm, HEADINGS).any(|h| is_line(norm, h)) {
        return true;
    }
    let (_, body) = type_prefix(norm);
    if LABEL_INDEX.pick(body, LABELS).any(|l| label_colon(body, l).is_some()) {
        return true;
    }
    STOP_INDEX.pick(norm, STOP_PREFIXES).any(|p| match_prefix(norm, p).is_some())
}

/// `Type: name` with a type from `types`; gives (type, name).
fn typed_line<'a>(text: &'a str, types: &[&str]) -> Option<(&'a str, &'a str)> {
    for t in types {
        if let Some(v) = label_colon(text, t) {
            if !v.is_empty() {
                let head = text[..text.len() - label_colon_rest_len(text, t)].trim();
                let head = head.strip_suffix(':').unwrap_or(head).trim();
                return Some((head, v));
            }
        }
    }
    None
}

/// Length of the text after `Label` (before the colon), so the label as written can be cut.
fn label_colon_rest_len(text: &str, label: &str) -> usize {
    match_prefix(text, label).map_or(0, str::len)
}

fn set(slot: &mut Option<Raw>, also: &mut Vec<AlsoStated>, field: StatedField, text: &str, line: u32) {
    let Some(v) = Raw::non_empty(text, line) else { return };
    match slot {
        None => *slot = Some(v),
        Some(old) if old.text != v.text => also.push(AlsoStated { field, value: v }),
        Some(_) => {}
    }
}

fn finding(r: &mut RawRecord, severity: Severity, field: &str, line: u32, message: String) {
    r.findings.push(Finding { severity, field: Some(field.to_string()), line, message });
}

/// Removes link texts the page prints after a value ("June 19, 2018    Key Record Dates").
fn strip_link_text(v: &str) -> &str {
    let mut v = v.trim();
    for tail in ["Key Record Dates", "History of Changes", "Disclaimer"] {
        if let Some(pos) = v.find(tail) {
            if v[pos..].trim() == tail {
                v = v[..pos].trim();
            }
        }
    }
    v
}

/// Reads a classic page (2014 or 2018 print).
pub(crate) fn read(path: &str, lines: &[Line<'_>], format: SourceFormat) -> RawRecord {
    let start = lines.iter().find(|l| !l.is_blank()).map_or(1, |l| l.no);
    let mut r = RawRecord::new(path, format, start);
    read_title(&mut r, lines);
    let mut provided_by: Option<Raw> = None;
    let mut i = 0;
    while i < lines.len() {
        i = step(&mut r, lines, i, &mut provided_by).max(i + 1);
    }
    // "Information provided by (Responsible Party):" names whoever submitted the record,
    // often an investigator: the lead sponsor only when no "Sponsors and Collaborators"
    // list (or "Sponsor:" value) says who it is.
    if r.lead_sponsor.is_none() {
        r.lead_sponsor = provided_by;
    }
    link_arms(&mut r);
    r
}

fn read_title(r: &mut RawRecord, lines: &[Line<'_>]) {
    // The title is the last content line before the status / sponsor block: site banners
    // ("Now Available for Public Comment: ...") may stand above it, the 2018 disclaimer
    // below it.
    let mut title: Option<&Line<'_>> = None;
    let mut before: Option<&Line<'_>> = None;
    for l in lines {
        if l.is_blank()
            || NAV_LINES.iter().any(|n| l.norm.eq_ignore_ascii_case(n))
            || TRIAL_RECORD_RE.is_match(&l.norm)
            || match_prefix(&l.norm, "The safety and scientific validity of this study").is_some()
        {
            continue;
        }
        if is_stop(&l.norm) || STATUS_SENTENCES.iter().any(|(s, _)| match_prefix(&l.norm, s).is_some()) {
            break;
        }
        if VERIFIED_RE.is_match(&l.norm) {
            // The line above it is the status (in words this reader may not know).
            if title.is_some_and(|t| t.no + 1 >= l.no) {
                title = before;
            }
            break;
        }
        before = title;
        title = Some(l);
    }
    if let Some(l) = title {
        r.brief_title = Raw::non_empty(l.text, l.no);
    }
}

/// Next non-blank line index at or after `i`.
fn next_nonblank(lines: &[Line<'_>], i: usize) -> Option<usize> {
    (i..lines.len()).find(|&k| lines.get(k).is_some_and(|l| !l.is_blank()))
}

/// Lines from `i` up to the next stop line; returns (block, index after it).
fn block<'a, 'b>(lines: &'b [Line<'a>], i: usize) -> (Vec<&'b Line<'a>>, usize) {
    let mut k = i;
    let mut out = Vec::new();
    while let Some(l) = lines.get(k) {
        if is_stop(&l.norm) {
            break;
        }
        out.push(l);
        k += 1;
    }
    (out, k)
}

/// Reads the construct starting at line `i`; returns the index of the next line to look at.
fn step(r: &mut RawRecord, lines: &[Line<'_>], i: usize, provided_by: &mut Option<Raw>) -> usize {
    let Some(l) = lines.get(i) else { return i + 1 };
    let norm = l.norm.as_ref();
    let no = l.no;
    if norm.is_empty() {
        return i + 1;
    }

    // Status.
    if match_prefix(norm, "The recruitment status of this study is unknown").is_some() {
        set(&mut r.overall_status, &mut r.also_stated, StatedField::OverallStatus, "Unknown status", no);
        return i + 1;
    }
    if let Some(v) = label_opt_colon(norm, "Recruitment status was") {
        set(&mut r.last_known_status, &mut r.also_stated, StatedField::LastKnownStatus, v, no);
        return i + 1;
    }
    if let Some(v) = label_colon(norm, "Recruitment Status").or_else(|| label_colon(norm, "Expanded Access Status")) {
        set(&mut r.overall_status, &mut r.also_stated, StatedField::OverallStatus, v, no);
        return i + 1;
    }
    for (sentence, status) in STATUS_SENTENCES {
        if match_prefix(norm, sentence).is_some() {
            set(&mut r.overall_status, &mut r.also_stated, StatedField::OverallStatus, status, no);
            return i + 1;
        }
    }

    // Identifier.
    if let Some(v) = label_colon(norm, "ClinicalTrials.gov Identifier") {
        let found = find_nct(v).map(|n| (n, no)).or_else(|| {
            let k = next_nonblank(lines, i + 1)?;
            let nl = lines.get(k)?;
            find_nct(nl.text).map(|n| (n, nl.no))
        });
        match found {
            Some((n, line)) => match &r.nct_id {
                None => r.nct_id = Some(Raw::new(n, line)),
                Some(old) if old.text != n => {
                    finding(r, Severity::Warning, "nct_id", line, format!("a second NCT number {n} differs from {} stated first", old.text))
                }
                Some(_) => {}
            },
            None => finding(r, Severity::Warning, "nct_id", no, "'ClinicalTrials.gov Identifier:' without an NCT number".to_string()),
        }
        return i + 1;
    }

    // Record dates.
    for label in ["First received", "First Posted", "Study First Received"] {
        if let Some(v) = label_colon(norm, label) {
            set(&mut r.first_posted_date, &mut r.also_stated, StatedField::FirstPostedDate, strip_link_text(v), no);
            return i + 1;
        }
    }
    for label in ["Last updated", "Last Update Posted"] {
        if let Some(v) = label_colon(norm, label) {
            set(&mut r.last_update_date, &mut r.also_stated, StatedField::LastUpdateDate, strip_link_text(v), no);
            return i + 1;
        }
    }

    // Sponsor.
    if let Some(v) = label_colon(norm, "Sponsor") {
        if !v.is_empty() {
            set(&mut r.lead_sponsor, &mut r.also_stated, StatedField::LeadSponsor, v, no);
            return i + 1;
        }
        let mut k = i + 1;
        let mut after_provided_by = false;
        while let Some(nl) = lines.get(k) {
            if nl.is_blank() || label_opt_colon(&nl.norm, "Information provided by").is_some() {
                if let Some(v) = label_colon(&nl.norm, "Information provided by")
                    .or_else(|| label_colon(&nl.norm, "Information provided by (Responsible Party)"))
                {
                    if !v.is_empty() {
                        provided_by.get_or_insert(Raw::new(v, nl.no));
                        return k + 1;
                    }
                    after_provided_by = true;
                }
                k += 1;
                continue;
            }
            if !is_stop(&nl.norm) {
                if after_provided_by {
                    provided_by.get_or_insert(Raw::new(nl.text, nl.no));
                } else {
                    set(&mut r.lead_sponsor, &mut r.also_stated, StatedField::LeadSponsor, nl.text, nl.no);
                }
                return k + 1;
            }
            break;
        }
        return i + 1;
    }
    if is_line(norm, "Sponsors and Collaborators") {
        if let Some(k) = next_nonblank(lines, i + 1) {
            if let Some(nl) = lines.get(k) {
                if !is_stop(&nl.norm) {
                    set(&mut r.lead_sponsor, &mut r.also_stated, StatedField::LeadSponsor, nl.text, nl.no);
                    // The lead sponsor first, then one collaborator per line, up to a blank
                    // line or the next section.
                    let mut c = k + 1;
                    while let Some(cl) = lines.get(c) {
                        if cl.is_blank() || is_stop(&cl.norm) {
                            break;
                        }
                        push_collaborator(r, cl.text, cl.no);
                        c += 1;
                    }
                    return c;
                }
            }
        }
        return i + 1;
    }

    // Sites.
    if is_line(norm, "Locations") {
        return locations(r, lines, i + 1);
    }

    // Eligibility criteria: the whole block under "Criteria", its "Inclusion Criteria" /
    // "Exclusion Criteria" lines included, up to the next section.
    if is_line(norm, "Criteria") {
        let mut k = i + 1;
        let mut b = Vec::new();
        while let Some(nl) = lines.get(k) {
            if is_stop(&nl.norm) && !is_criteria_heading(&nl.norm) {
                break;
            }
            b.push(nl);
            k += 1;
        }
        if let Some((t, line)) = join_block(&b) {
            if r.eligibility_criteria.is_none() {
                r.eligibility_criteria = Some(Raw::new(t, line));
            } else {
                finding(r, Severity::Warning, "eligibility_criteria", line, "a second 'Criteria' block not read".to_string());
            }
        }
        return k;
    }

    // Identifiers.
    if let Some(v) = label_colon(norm, "Other Study ID Numbers") {
        if let Some(v) = Raw::non_empty(v, no) {
            match &r.org_study_id {
                None => r.org_study_id = Some(v),
                Some(old) if old.text != v.text => finding(
                    r,
                    Severity::Warning,
                    "org_study_id",
                    no,
                    format!("a second study id '{}' differs from '{}' stated first; not read", v.text, old.text),
                ),
                Some(_) => {}
            }
        }
        return i + 1;
    }

    // Free-text sections.
    if is_line(norm, "Purpose") || is_line(norm, "Brief Summary") {
        let (b, next) = block(lines, i + 1);
        if let Some((t, line)) = join_block(&b) {
            set(&mut r.brief_summary, &mut r.also_stated, StatedField::BriefSummary, &t, line);
        }
        return next;
    }
    if is_line(norm, "Detailed Description") {
        let (b, next) = block(lines, i + 1);
        if let Some((t, line)) = join_block(&b) {
            set(&mut r.detailed_description, &mut r.also_stated, StatedField::DetailedDescription, &t, line);
        }
        return next;
    }

    // Condition / intervention / phase block.
    if is_condition_heading(norm) {
        return condition_block(r, lines, i + 1);
    }

    // Design.
    if let Some(v) = label_colon(norm, "Study Type") {
        set(&mut r.study_type, &mut r.also_stated, StatedField::StudyType, v, no);
        return i + 1;
    }
    if let Some(v) = label_colon(norm, "Study Design") {
        design_pairs(r, v, no);
        return i + 1;
    }
    if design_pair(r, norm, no) {
        return i + 1;
    }
    if let Some(v) = label_colon(norm, "Official Title") {
        set(&mut r.official_title, &mut r.also_stated, StatedField::OfficialTitle, v, no);
        return i + 1;
    }

    // Outcomes.
    for (label, kind) in [
        ("Primary Outcome Measures", OutcomeKind::Primary),
        ("Primary Outcome Measure", OutcomeKind::Primary),
        ("Secondary Outcome Measures", OutcomeKind::Secondary),
        ("Secondary Outcome Measure", OutcomeKind::Secondary),
        ("Other Outcome Measures", OutcomeKind::Other),
        ("Other Pre-specified Outcome Measures", OutcomeKind::Other),
    ] {
        if label_colon(norm, label).is_some_and(str::is_empty) || is_line(norm, label) {
            return outcome_list(r, lines, i + 1, kind);
        }
    }

    // Enrollment and dates, with an optional "Estimated"/"Actual" word in front.
    let (ty, body) = type_prefix(norm);
    if let Some(v) = label_colon(body, "Enrollment") {
        let (v, paren) = split_trailing_paren(v);
        let paren_type = paren.filter(|p| is_type_word(p));
        let v = if paren.is_some() && paren_type.is_none() { label_colon(body, "Enrollment").unwrap_or(v) } else { v };
        set(&mut r.enrollment, &mut r.also_stated, StatedField::Enrollment, v, no);
        if let Some(t) = ty.or(paren_type) {
            set(&mut r.enrollment_type, &mut r.also_stated, StatedField::EnrollmentType, t, no);
        }
        return i + 1;
    }
    for (label, which) in [("Study Start Date", 0), ("Primary Completion Date", 1), ("Study Completion Date", 2), ("Completion Date", 2)] {
        if let Some(v) = label_colon(body, label) {
            date_value(r, which, ty, v, no);
            return i + 1;
        }
    }

    // Interventions and arms.
    if is_line(norm, "Intervention Details") {
        return intervention_details(r, lines, i + 1);
    }
    if ["Arm Intervention/treatment", "Arms Assigned Interventions", "Arm Intervention", "Arms Interventions"]
        .iter()
        .any(|h| is_line(norm, h))
    {
        return arm_table(r, lines, i + 1, false);
    }
    if GROUP_HEADINGS.iter().any(|h| is_line(norm, h)) {
        return arm_table(r, lines, i + 1, true);
    }

    // Eligibility.
    if let Some(v) = label_colon(norm, "Ages Eligible for Study") {
        ages(r, v, no);
        return i + 1;
    }
    for label in ["Genders Eligible for Study", "Sexes Eligible for Study", "Gender", "Sex", "Sexes Eligible", "Genders Eligible"] {
        if let Some(v) = label_colon(norm, label) {
            set(&mut r.sex, &mut r.also_stated, StatedField::Sex, v, no);
            return i + 1;
        }
    }
    if let Some(v) = label_colon(norm, "Accepts Healthy Volunteers") {
        set(&mut r.healthy_volunteers, &mut r.also_stated, StatedField::HealthyVolunteers, v, no);
        return i + 1;
    }

    // Keywords.
    if match_prefix(norm, "Keywords provided by").is_some() || is_line(norm, "Keywords") {
        let mut k = i + 1;
        while let Some(nl) = lines.get(k) {
            if nl.is_blank() || is_stop(&nl.norm) {
                break;
            }
            if let Some(kw) = Raw::non_empty(nl.text, nl.no) {
                r.keywords.push(kw);
            }
            k += 1;
        }
        return k;
    }

    // Publications.
    // The heading as stated is the type (normalize reads "Publications" and "Additional
    // publications" as BACKGROUND, "... of Results" as RESULT, "... automatically indexed ..."
    // as DERIVED).
    for (head, ty) in [
        ("Publications of Results", Some("Publications of Results")),
        ("Publications", Some("Publications")),
        ("Additional publications", Some("Additional publications")),
        ("Publications automatically indexed to this study by ClinicalTrials.gov Identifier (NCT Number)", Some("auto")),
        ("Publications automatically indexed to this study", Some("auto")),
        ("Additional publications automatically indexed to this study by ClinicalTrials.gov Identifier (NCT Number)", Some("auto")),
        ("Additional publications automatically indexed to this study", Some("auto")),
    ] {
        if is_line(norm, head) {
            let ty = ty.map(|t| if t == "auto" { l.text.trim_end_matches(':').trim() } else { t });
            return publications(r, lines, i + 1, ty.map(|t| Raw::new(t, no)));
        }
    }

    i + 1
}

/// "Inclusion Criteria" / "Exclusion Criteria" lines: part of the criteria text, though they
/// end other blocks.
fn is_criteria_heading(norm: &str) -> bool {
    ["Inclusion Criteria", "Exclusion Criteria"].iter().any(|p| match_prefix(norm, p).is_some())
}

/// Adds a collaborator (once: a name stated again is the same collaborator).
fn push_collaborator(r: &mut RawRecord, text: &str, no: u32) {
    let Some(name) = Raw::non_empty(text, no) else { return };
    if r.lead_sponsor.as_ref().is_some_and(|l| l.text == name.text) || r.collaborators.iter().any(|c| c.name.text == name.text) {
        return;
    }
    r.collaborators.push(RawSponsor { name, agency_class: None });
}

/// Site recruitment statuses as the classic pages print them after a facility name,
/// longest first (so that "Not yet recruiting" is not read as "Recruiting").
const SITE_STATUSES: &[&str] = &[
    "Active, not recruiting",
    "Temporarily not available",
    "Enrolling by invitation",
    "Approved for marketing",
    "No longer available",
    "Not yet recruiting",
    "Recruiting",
    "Completed",
    "Withdrawn",
    "Terminated",
    "Suspended",
    "Available",
    "Withheld",
];

/// Lines under a site that name its contacts and investigators (not read into the record).
fn is_site_contact(norm: &str) -> bool {
    ["Contact", "Principal Investigator", "Sub-Investigator", "Study Director", "Study Chair"]
        .iter()
        .any(|l| label_colon(norm, l).is_some())
}

/// A facility line: the name and the site status printed after it, if any.
fn facility_and_status(text: &str) -> (&str, Option<&str>) {
    let t = text.trim();
    for st in SITE_STATUSES {
        if let Some(head) = t.strip_suffix(st) {
            if head.ends_with(char::is_whitespace) && !head.trim().is_empty() {
                return (head.trim(), Some(st));
            }
        }
    }
    (t, None)
}

/// The parts of a classic address line.
struct Address<'a> {
    city: Option<&'a str>,
    state: Option<&'a str>,
    country: &'a str,
    zip: Option<&'a str>,
}

/// An address line ("Nanjing, Jiangsu, China, 210008") read under a country heading
/// ("China, Jiangsu": the country, then the state when there is one). The heading is split
/// at each of its commas in turn (a country may hold one: "Korea, Republic of") until the
/// address states "state, country" or "country" as the heading does; what comes before is
/// the city, what comes after the zip.
fn match_address<'a>(addr: &'a str, heading: &str) -> Option<Address<'a>> {
    let parts: Vec<&str> = heading.split(',').map(str::trim).collect();
    // First a reading with a city before "state, country", then one without ("Hong Kong,
    // HK, Hong Kong, 999077" under "Hong Kong, HK" is Hong Kong / HK / Hong Kong, not a
    // country "Hong Kong, HK" and a zip "Hong Kong, 999077").
    for with_city in [true, false] {
        // The shortest country first: "Denmark, Denmark" is the state Denmark in Denmark;
        // "Korea, Republic of" reads only as one country.
        for k in 1..=parts.len() {
            let country = parts[..k].join(", ");
            let state = parts[k..].join(", ");
            let mid = if state.is_empty() { country.clone() } else { format!("{state}, {country}") };
            // Where the "state, country" part starts: after ", " or at the start of the line.
            let found = if with_city { addr.rfind(&format!(", {mid}")).map(|p| p + 2) } else { addr.starts_with(&mid).then_some(0) };
            let Some(start) = found else { continue };
            let after = &addr[start + mid.len()..];
            let zip = if after.trim().is_empty() {
                None
            } else if let Some(z) = after.strip_prefix(',') {
                Some(z.trim()).filter(|z| !z.is_empty())
            } else {
                continue;
            };
            // Before the "state, country" part: the city and the ", " after it.
            let city = addr.get(..start.saturating_sub(2)).map(str::trim).filter(|c| !c.is_empty());
            let state_at = (!state.is_empty()).then(|| &addr[start..start + state.len()]);
            let country_at = &addr[start + mid.len() - country.len()..start + mid.len()];
            return Some(Address { city, state: state_at, country: country_at, zip });
        }
    }
    None
}

/// The "Locations" block: country headings ("United States, California"), each followed by
/// its sites, a facility line (with the site status after the name) and an address line
/// ("City, State, Country, Zip"); contact and investigator lines under a site are skipped.
/// Lines that fit no site are reported.
fn locations(r: &mut RawRecord, lines: &[Line<'_>], from: usize) -> usize {
    let mut k = from;
    let mut items: Vec<&Line<'_>> = Vec::new();
    while let Some(l) = lines.get(k) {
        if l.is_blank() || is_site_contact(&l.norm) || match_prefix(&l.norm, "Layout table for location").is_some() {
            k += 1;
            continue;
        }
        if is_stop(&l.norm) {
            break;
        }
        items.push(l);
        k += 1;
    }
    let mut heading: Option<&Line<'_>> = None;
    let mut facility: Option<&Line<'_>> = None;
    // A line repeated (two sites in one city) is not an address under itself.
    let is_addr = |j: usize, h: Option<&Line<'_>>| match (items.get(j), h) {
        (Some(a), Some(h)) => a.norm != h.norm && match_address(&a.norm, &h.norm).is_some(),
        _ => false,
    };
    let push = |r: &mut RawRecord, fac: Option<&Line<'_>>, addr: Option<(&Line<'_>, &Line<'_>)>| {
        let (facility, status) = match fac {
            Some(f) => {
                let (name, st) = facility_and_status(&f.norm);
                (Raw::non_empty(name, f.no), st.map(|s| Raw::new(s, f.no)))
            }
            None => (None, None),
        };
        let mut loc = RawLocation { facility, city: None, state: None, zip: None, country: None, status, latitude: None, longitude: None };
        if let Some((a, h)) = addr {
            if let Some(m) = match_address(&a.norm, &h.norm) {
                loc.city = m.city.and_then(|c| Raw::non_empty(c, a.no));
                loc.state = m.state.and_then(|c| Raw::non_empty(c, a.no));
                loc.country = Raw::non_empty(m.country, a.no);
                loc.zip = m.zip.and_then(|c| Raw::non_empty(c, a.no));
            }
        }
        r.locations.push(loc);
    };
    for (j, l) in items.iter().enumerate() {
        // A heading that happens to read as an address under the heading before it
        // ("United States, California" under "United States") is a heading when the lines
        // after it are its sites.
        let starts_group = is_addr(j + 2, Some(l)) || (is_addr(j + 1, Some(l)) && !is_addr(j + 1, heading));
        // A facility whose name ends with its own address line ("Hospital of Athens Athens,
        // Greece" above "Athens, Greece") is a facility, not a site without one.
        let names_next = items.get(j + 1).is_some_and(|n| l.norm.len() > n.norm.len() && l.norm.ends_with(n.norm.as_ref()));
        if let Some(h) = heading.filter(|_| !starts_group) {
            if !(names_next && facility.is_none() && is_addr(j + 1, heading)) && match_address(&l.norm, &h.norm).is_some() {
                push(r, facility.take(), Some((l, h)));
                continue;
            }
            if facility.is_none() && is_addr(j + 1, heading) {
                facility = Some(l);
                continue;
            }
        }
        if starts_group {
            if let Some(f) = facility.take() {
                finding(r, Severity::Warning, "locations", f.no, format!("site '{}' without an address line", f.text));
                push(r, Some(f), None);
            }
            heading = Some(l);
            continue;
        }
        if let Some(f) = facility.take() {
            finding(r, Severity::Warning, "locations", f.no, format!("site '{}' without an address line", f.text));
            push(r, Some(f), None);
        }
        finding(r, Severity::Info, "locations", l.no, format!("line '{}' under 'Locations' fits no site; not read", l.text));
    }
    if let Some(f) = facility.take() {
        finding(r, Severity::Warning, "locations", f.no, format!("site '{}' without an address line", f.text));
        push(r, Some(f), None);
    }
    k
}

fn is_condition_heading(norm: &str) -> bool {
    [
        "Condition Intervention Phase",
        "Condition Intervention",
        "Condition Phase",
        "Condition",
        "Condition or disease Intervention/treatment Phase",
        "Condition or disease Intervention/treatment",
        "Condition or disease Phase",
        "Condition or disease",
    ]
    .iter()
    .any(|h| norm.eq_ignore_ascii_case(h))
}

/// The cells under "Condition Intervention Phase": conditions, then `Type: name`
/// interventions, then phases. The 2018 print may put all of them on one line.
fn condition_block(r: &mut RawRecord, lines: &[Line<'_>], from: usize) -> usize {
    let (block, end) = block_lines(lines, from);
    // When the phases stand on lines of their own (one cell per line), a name ending in
    // "Phase 1" ("... as determined in Phase 1") keeps it.
    let phase_lines = block.iter().any(|l| {
        let cell = l.text.trim().trim_start_matches(['•', '·', '▪', '◦', '*', '-', '–']).trim();
        PHASE_TAIL_RE.find(cell).is_some_and(|m| m.start() == 0)
    });
    for l in block {
        let cells: Vec<&str> = l.text.split('\t').map(str::trim).filter(|c| !c.is_empty()).collect();
        let many_cells = cells.len() > 1;
        for cell in cells {
            condition_cell(r, cell, l.no, many_cells, !phase_lines);
        }
    }
    end
}

/// The lines of the block starting at `from` (blank lines before it skipped; it ends at a
/// blank line or a section stop), and the index where it ends.
fn block_lines<'l, 'a>(lines: &'l [Line<'a>], from: usize) -> (Vec<&'l Line<'a>>, usize) {
    let mut k = from;
    let mut block = Vec::new();
    while let Some(l) = lines.get(k) {
        if l.is_blank() {
            if !block.is_empty() {
                break;
            }
            k += 1;
            continue;
        }
        if is_stop(&l.norm) {
            break;
        }
        block.push(l);
        k += 1;
    }
    (block, k)
}

static INTERVENTION_TYPE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let alts: Vec<String> = INTERVENTION_TYPES.iter().map(|t| regex::escape(t)).collect();
    Regex::new(&format!(r"(?i)(?:^|\s)({}):\s*", alts.join("|"))).expect("valid regex")
});

fn condition_cell(r: &mut RawRecord, cell: &str, no: u32, separate_cells: bool, phase_tails: bool) {
    // A copy of the table may print each cell as a bullet item ("  • Drug: X").
    let cell = cell.trim_start_matches(['•', '·', '▪', '◦', '*', '-', '–']).trim();
    if cell.is_empty() {
        return;
    }
    let collapsed = super::collapse_ws(cell);
    let mut rest = collapsed.as_ref();
    // Phases at the end.
    let mut phases = Vec::new();
    let whole_phase = PHASE_TAIL_RE.find(rest).is_some_and(|m| m.start() == 0);
    while let Some(c) = PHASE_TAIL_RE.captures(rest).filter(|_| phase_tails || whole_phase) {
        let (Some(all), Some(p)) = (c.get(0), c.get(1)) else { break };
        phases.push(p.as_str().to_string());
        rest = rest[..all.start()].trim_end();
    }
    // Interventions.
    let starts: Vec<(usize, usize, String)> = INTERVENTION_TYPE_RE
        .captures_iter(rest)
        .filter_map(|c| {
            let all = c.get(0)?;
            let ty = c.get(1)?;
            Some((all.start(), all.end(), ty.as_str().to_string()))
        })
        .collect();
    let cond_end = starts.first().map_or(rest.len(), |s| s.0);
    let conditions = rest[..cond_end].trim();
    if !conditions.is_empty() {
        r.conditions.push(Raw::new(conditions, no));
        if !separate_cells && (!starts.is_empty() || !phases.is_empty()) && conditions.contains(' ') {
            finding(
                r,
                Severity::Warning,
                "conditions",
                no,
                format!(
                    "conditions printed on one line with the interventions/phases; '{conditions}' kept as one condition (it may be several)"
                ),
            );
        }
    }
    for (n, (_, end, ty)) in starts.iter().enumerate() {
        let stop = starts.get(n + 1).map_or(rest.len(), |s| s.0);
        let name = rest.get(*end..stop).unwrap_or("").trim();
        if !name.is_empty() {
            intervention_mut(r, Some(Raw::new(ty, no)), name, no);
        }
    }
    for p in phases.into_iter().rev() {
        r.phases.push(Raw::new(p, no));
    }
}

/// The intervention with this name (and type, when both are known), created when absent.
fn intervention_mut<'r>(r: &'r mut RawRecord, ty: Option<Raw>, name: &str, no: u32) -> &'r mut RawIntervention {
    let pos = r.interventions.iter().position(|iv| {
        iv.name.text.eq_ignore_ascii_case(name.trim())
            && match (&iv.intervention_type, &ty) {
                (Some(a), Some(b)) => a.text.eq_ignore_ascii_case(&b.text),
                _ => true,
            }
    });
    let idx = match pos {
        Some(p) => p,
        None => {
            r.interventions.push(RawIntervention {
                intervention_type: None,
                name: Raw::new(name, no),
                description: None,
                other_names: Vec::new(),
                arm_labels: Vec::new(),
            });
            r.interventions.len() - 1
        }
    };
    let iv = &mut r.interventions[idx];
    if iv.intervention_type.is_none() {
        iv.intervention_type = ty;
    }
    iv
}

fn design_pairs(r: &mut RawRecord, v: &str, no: u32) {
    for part in v.split(';') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if !design_pair(r, part, no) {
            let known_ignored =
                ["Endpoint Classification", "Observational Model", "Time Perspective"].iter().any(|k| label_colon(part, k).is_some());
            if !known_ignored {
                finding(r, Severity::Info, "study_design", no, format!("design statement not read: '{part}'"));
            }
        }
    }
}

fn design_pair(r: &mut RawRecord, s: &str, no: u32) -> bool {
    if let Some(v) = label_colon(s, "Allocation") {
        set(&mut r.allocation, &mut r.also_stated, StatedField::Allocation, v, no);
    } else if let Some(v) = label_colon(s, "Intervention Model") {
        set(&mut r.intervention_model, &mut r.also_stated, StatedField::InterventionModel, v, no);
    } else if let Some(v) = label_colon(s, "Masking") {
        set(&mut r.masking, &mut r.also_stated, StatedField::Masking, v, no);
    } else if let Some(v) = label_colon(s, "Primary Purpose") {
        set(&mut r.primary_purpose, &mut r.also_stated, StatedField::PrimaryPurpose, v, no);
    } else {
        return false;
    }
    true
}

/// A date value: the date text, its type from the word before the label or from a
/// parenthesised word after the date; other parenthesised notes ("Final data collection
/// date for primary outcome measure") are page annotations and are left out.
fn date_value(r: &mut RawRecord, which: u8, ty: Option<&str>, v: &str, no: u32) {
    let (date, paren) = split_trailing_paren(v);
    let (date, paren_type) = match paren {
        Some(p) if is_type_word(p) => (date, Some(p)),
        Some(p) if match_prefix(p, "Final data collection date").is_some() => (date, None),
        _ => (v.trim(), None),
    };
    let ty = ty.or(paren_type);
    let (slot, slot_ty, field, field_ty) = match which {
        0 => (&mut r.start_date, &mut r.start_date_type, StatedField::StartDate, StatedField::StartDateType),
        1 => (
            &mut r.primary_completion_date,
            &mut r.primary_completion_date_type,
            StatedField::PrimaryCompletionDate,
            StatedField::PrimaryCompletionDateType,
        ),
        _ => (&mut r.completion_date, &mut r.completion_date_type, StatedField::CompletionDate, StatedField::CompletionDateType),
    };
    set(slot, &mut r.also_stated, field, date, no);
    if let Some(t) = ty {
        set(slot_ty, &mut r.also_stated, field_ty, t, no);
    }
}

/// "15 Years to 70 Years", "18 Years and older (Adult, Senior)", "up to 17 Years".
fn ages(r: &mut RawRecord, v: &str, no: u32) {
    let (body, _groups) = split_trailing_paren(v);
    let body = super::collapse_ws(body);
    let is_age = |s: &str| AGE_RE.is_match(s.trim());
    // Age groups alone ("Child, Adult, Older Adult") or "N/A" state no limits.
    if body.eq_ignore_ascii_case("N/A") || is_age_groups(&body) {
        return;
    }
    let (min, max): (Option<String>, Option<String>) = if let Some(b) = match_prefix(&body, "up to") {
        (None, Some(b.trim().to_string()))
    } else if let Some((a, b)) = body.split_once(" to ") {
        (Some(a.trim().to_string()), Some(b.trim().to_string()))
    } else if let Some(a) = ["and older", "or older", "and over", "and above"].iter().find_map(|s| body.strip_suffix(s)) {
        (Some(a.trim().to_string()), None)
    } else if let Some(b) = ["and younger", "or younger", "and under"].iter().find_map(|s| body.strip_suffix(s)) {
        (None, Some(b.trim().to_string()))
    } else {
        (None, None)
    };
    let ok = min.as_deref().is_none_or(is_age) && max.as_deref().is_none_or(is_age) && (min.is_some() || max.is_some());
    if !ok {
        finding(r, Severity::Warning, "min_age", no, format!("ages not understood: '{v}'"));
        return;
    }
    if let Some(m) = min {
        set(&mut r.min_age, &mut r.also_stated, StatedField::MinAgeYears, &m, no);
    }
    if let Some(m) = max {
        set(&mut r.max_age, &mut r.also_stated, StatedField::MaxAgeYears, &m, no);
    }
}

/// "Child, Adult, Older Adult" (or the 2014 "Senior"): the age groups the page prints with
/// or instead of the limits.
fn is_age_groups(s: &str) -> bool {
    let mut any = false;
    for part in s.split(',') {
        let p = part.trim();
        if !["child", "adult", "older adult", "senior"].iter().any(|g| p.eq_ignore_ascii_case(g)) {
            return false;
        }
        any = true;
    }
    any
}

/// An outcome list: bullet items (2014) or numbered items (2018) with `[ Time Frame: ... ]`
/// and description lines under each.
fn outcome_list(r: &mut RawRecord, lines: &[Line<'_>], from: usize, kind: OutcomeKind) -> usize {
    let mut k = from;
    // Decide the item style from the first item line.
    let mut numbered: Option<bool> = None;
    let mut expected: u32 = 1;
    // (line, item text, description lines, whether the item text holds a time frame)
    let mut items: Vec<(u32, String, Vec<&Line<'_>>, bool)> = Vec::new();
    while let Some(l) = lines.get(k) {
        if l.is_blank() {
            k += 1;
            continue;
        }
        if is_stop(&l.norm) {
            break;
        }
        let mark = item_mark(l.text);
        let has_tf = TIME_FRAME_RE.is_match(l.text);
        let num: Option<u32> = mark.as_ref().and_then(|c| c.get(1)).and_then(|m| m.as_str().parse().ok());
        // Once the list's items carry time frames, a marked line without one is a bullet or a
        // numbered line of the description above it, not a new item.
        let uses_tf = items.first().is_some_and(|it| it.3);
        let is_item = match (numbered, &mark) {
            (None, Some(_)) => true,
            (None, None) => has_tf || items.is_empty(),
            (Some(true), Some(_)) => (num == Some(expected) && (has_tf || !uses_tf)) || (num.is_some() && has_tf),
            (Some(false), Some(_)) => num.is_none() && (has_tf || !uses_tf),
            (Some(_), None) => has_tf && items.last().is_none_or(|it| it.3),
        };
        if is_item {
            if numbered.is_none() {
                numbered = Some(num.is_some());
            }
            if let Some(n) = num {
                expected = n + 1;
            }
            let body = mark.as_ref().and_then(|c| c.get(0)).map_or(l.text, |m| l.text.get(m.end()..).unwrap_or(""));
            items.push((l.no, body.to_string(), Vec::new(), TIME_FRAME_RE.is_match(body)));
        } else if let Some(last) = items.last_mut() {
            // A time frame wrapped onto its own line belongs to the item line.
            if last.2.is_empty() && !last.3 && has_tf && l.text.starts_with('[') {
                last.1.push(' ');
                last.1.push_str(l.text);
                last.3 = TIME_FRAME_RE.is_match(&last.1);
            } else {
                last.2.push(l);
            }
        }
        k += 1;
    }
    for (no, body, desc, has_tf) in items {
        let tf = if has_tf { time_frame(&body) } else { None };
        let time_frame = tf.and_then(|(_, t)| Raw::non_empty(t, no));
        let cut = tf.map_or(body.len(), |(start, _)| start);
        let measure_text = body.get(..cut).unwrap_or(&body);
        let measure_text = SAFETY_RE.replace_all(measure_text, "");
        let Some(measure) = Raw::non_empty(measure_text.as_ref(), no) else {
            finding(r, Severity::Warning, "outcomes", no, "outcome item without a measure title".to_string());
            continue;
        };
        let description = join_block(&desc).map(|(t, line)| Raw::new(t, line));
        r.outcomes.push(RawOutcome { kind, measure, description, time_frame });
    }
    k
}

/// The 2014 "Intervention Details:" list: `Type: name` lines, each followed by its
/// description lines.
fn intervention_details(r: &mut RawRecord, lines: &[Line<'_>], from: usize) -> usize {
    let (b, next) = block(lines, from);
    let mut current: Option<usize> = None;
    let mut desc: Vec<&Line<'_>> = Vec::new();
    let flush = |r: &mut RawRecord, current: Option<usize>, desc: &mut Vec<&Line<'_>>| {
        if let (Some(c), Some((t, line))) = (current, join_block(desc)) {
            if let Some(iv) = r.interventions.get_mut(c) {
                if iv.description.is_none() {
                    iv.description = Some(Raw::new(t, line));
                }
            }
        }
        desc.clear();
    };
    for l in b {
        if l.is_blank() {
            continue;
        }
        if let Some((ty, name)) = typed_line(l.text, INTERVENTION_TYPES) {
            flush(r, current, &mut desc);
            intervention_mut(r, Some(Raw::new(ty, l.no)), name, l.no);
            current = r.interventions.iter().position(|iv| iv.name.text.eq_ignore_ascii_case(name.trim()));
        } else if let Some(v) = other_names_line(&l.norm) {
            if let Some(iv) = current.and_then(|c| r.interventions.get_mut(c)) {
                push_other_names(iv, v, l.no);
            }
        } else if current.is_some() {
            desc.push(l);
        } else {
            finding(r, Severity::Info, "interventions", l.no, "line under 'Intervention Details' before any intervention".to_string());
        }
    }
    flush(r, current, &mut desc);
    next
}

fn other_names_line(norm: &str) -> Option<&str> {
    label_colon(norm, "Other Names").or_else(|| label_colon(norm, "Other Name"))
}

fn push_other_names(iv: &mut RawIntervention, v: &str, no: u32) {
    for part in v.split(';') {
        if let Some(n) = Raw::non_empty(part, no) {
            if !iv.other_names.iter().any(|o| o.text == n.text) {
                iv.other_names.push(n);
            }
        }
    }
}

/// A line that can be a bare group label: short, not a sentence, not a list item.
fn label_like(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() <= 100 && !t.ends_with(['.', ':', ';', ',']) && item_mark(t).is_none() && other_names_line(t).is_none()
}

/// The arm table ("Arm Intervention/treatment"): `Experimental: label`, description lines,
/// then `Biological: name` lines with their description lines. With `groups` (an
/// observational study's "Group/Cohort" table) a row starts with a bare group label
/// instead: the first line, or a short non-sentence line after the group's description or
/// interventions.
fn arm_table(r: &mut RawRecord, lines: &[Line<'_>], from: usize, groups: bool) -> usize {
    // A description may hold its own "Inclusion criteria" / "Exclusion criteria" lines: in the
    // table they do not end it.
    let mut b = Vec::new();
    let mut next = from;
    while let Some(l) = lines.get(next) {
        let criteria = ["Inclusion Criteria", "Exclusion Criteria"].iter().any(|p| match_prefix(&l.norm, p).is_some());
        if is_stop(&l.norm) && !criteria {
            break;
        }
        b.push(l);
        next += 1;
    }
    let mut arm: Option<usize> = None;
    let mut arm_desc: Vec<&Line<'_>> = Vec::new();
    let mut iv: Option<usize> = None;
    let mut iv_desc: Vec<&Line<'_>> = Vec::new();
    let mut last_was_iv = false;
    let mut in_other_names = false;
    // The interventions the page's condition table lists (type, name): a `Type: name` line in
    // the arm table naming none of them is a line of a description ("Drug: A Drug: B" as an
    // arm's description), not an intervention.
    let listed: Vec<(String, String)> = r
        .interventions
        .iter()
        .map(|iv| {
            (
                iv.intervention_type.as_ref().map_or(String::new(), |t| t.text.to_lowercase()),
                super::collapse_ws(&iv.name.text).to_lowercase(),
            )
        })
        .collect();
    let is_listed = |ty: &str, name: &str| {
        let name = super::collapse_ws(name).to_lowercase();
        listed.iter().any(|(t, n)| *n == name && (t.is_empty() || t.eq_ignore_ascii_case(ty)))
    };

    // Per intervention named more than once in a group table: how many description lines all
    // its occurrences share.
    let mut desc_lines: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    if groups {
        let content: Vec<&str> = b.iter().filter(|l| !l.is_blank()).map(|l| l.text.trim()).collect();
        let mut runs: std::collections::HashMap<String, Vec<Vec<&str>>> = std::collections::HashMap::new();
        for (j, t) in content.iter().enumerate() {
            if let Some((_, name)) = typed_line(t, INTERVENTION_TYPES).filter(|(ty, name)| listed.is_empty() || is_listed(ty, name)) {
                let run: Vec<&str> = content[j + 1..]
                    .iter()
                    .take_while(|x| typed_line(x, INTERVENTION_TYPES).is_none() && other_names_line(x).is_none())
                    .copied()
                    .collect();
                runs.entry(name.trim().to_lowercase()).or_default().push(run);
            }
        }
        for (name, rs) in runs {
            if rs.len() < 2 {
                continue;
            }
            let shared = (0..).take_while(|&q| rs.iter().all(|r| r.get(q).is_some_and(|x| Some(x) == rs[0].get(q)))).count();
            desc_lines.insert(name, shared);
        }
    }

    fn flush(r: &mut RawRecord, arm: Option<usize>, arm_desc: &mut Vec<&Line<'_>>, iv: Option<usize>, iv_desc: &mut Vec<&Line<'_>>) {
        if let (Some(a), Some((t, line))) = (arm, join_block(arm_desc)) {
            if let Some(x) = r.arms.get_mut(a) {
                if x.description.is_none() {
                    x.description = Some(Raw::new(t, line));
                }
            }
        }
        if let (Some(v), Some((t, line))) = (iv, join_block(iv_desc)) {
            if let Some(x) = r.interventions.get_mut(v) {
                if x.description.is_none() {
                    x.description = Some(Raw::new(t, line));
                }
            }
        }
        arm_desc.clear();
        iv_desc.clear();
    }

    for (bi, l) in b.iter().enumerate() {
        let l = *l;
        if l.is_blank() {
            continue;
        }
        let iv_line = typed_line(l.text, INTERVENTION_TYPES).filter(|(ty, name)| listed.is_empty() || is_listed(ty, name));
        let arm_line = if groups {
            let starts_group = match arm {
                None => iv_line.is_none(),
                Some(a) => {
                    let has_content = r.arms.get(a).is_some_and(|x| !x.intervention_names.is_empty()) || !arm_desc.is_empty();
                    // Under an intervention, its description comes first: as long as the same
                    // intervention's description is elsewhere in the table (the site prints it
                    // under every group), else one line.
                    let desc_due = iv.is_some_and(|v| {
                        let name = r.interventions.get(v).map(|x| x.name.text.to_lowercase()).unwrap_or_default();
                        iv_desc.len() < desc_lines.get(&name).copied().unwrap_or(1)
                    });
                    iv_line.is_none() && has_content && label_like(l.text) && !in_other_names && !desc_due
                }
            };
            if starts_group {
                Some(("", l.text))
            } else {
                None
            }
        } else {
            typed_line(l.text, ARM_TYPES)
        };
        let is_other = arm_line.is_some_and(|(t, _)| t.eq_ignore_ascii_case("Other"));
        // Names the condition block listed as interventions.
        // Names the condition block listed as "Other:" interventions (an intervention of
        // another type with the same name does not make "Other: name" an intervention).
        let known_iv = |name: &str| {
            r.interventions.iter().any(|x| {
                x.name.text.eq_ignore_ascii_case(name.trim())
                    && x.intervention_type.as_ref().is_none_or(|t| t.text.eq_ignore_ascii_case("Other"))
            })
        };
        let treat_as_arm = match (arm_line, iv_line) {
            (Some(_), None) => true,
            (Some(_), Some((_, name))) if is_other => {
                // "Other:" is both an arm type and an intervention type.
                // The same "Other: name" again before the next arm: this one is the arm (an
                // arm named like its intervention), the next its intervention.
                let again = b[bi + 1..]
                    .iter()
                    .take_while(|x| typed_line(x.text, ARM_TYPES).is_none_or(|(t, n)| t.eq_ignore_ascii_case("Other") && is_listed(t, n)))
                    .any(|x| x.text.trim() == l.text.trim());
                match arm {
                    None => true,
                    _ if again => true,
                    _ if known_iv(name) => false,
                    // The condition block listed the interventions and this is not one.
                    _ if !r.interventions.is_empty() => true,
                    Some(a) => {
                        let has_iv = r.arms.get(a).is_some_and(|x| !x.intervention_names.is_empty());
                        has_iv && !last_was_iv
                    }
                }
            }
            _ => false,
        };
        if treat_as_arm {
            if let Some((ty, label)) = arm_line {
                flush(r, arm, &mut arm_desc, iv, &mut iv_desc);
                r.arms.push(RawArm {
                    label: Raw::new(label, l.no),
                    arm_type: Raw::non_empty(ty, l.no),
                    description: None,
                    intervention_names: Vec::new(),
                });
                arm = Some(r.arms.len() - 1);
                iv = None;
                last_was_iv = false;
                in_other_names = false;
                continue;
            }
        }
        if let Some((ty, name)) = iv_line {
            flush(r, arm, &mut arm_desc, iv, &mut iv_desc);
            intervention_mut(r, Some(Raw::new(ty, l.no)), name, l.no);
            let idx = r.interventions.iter().position(|x| x.name.text.eq_ignore_ascii_case(name.trim()));
            if let (Some(a), Some(v)) = (arm, idx) {
                let label = r.arms.get(a).map(|x| x.label.clone());
                if let (Some(label), Some(x)) = (label, r.interventions.get_mut(v)) {
                    if !x.arm_labels.iter().any(|y| y.text == label.text) {
                        x.arm_labels.push(label);
                    }
                }
                if let Some(x) = r.arms.get_mut(a) {
                    if !x.intervention_names.iter().any(|y| y.text.eq_ignore_ascii_case(name.trim())) {
                        x.intervention_names.push(Raw::new(name, l.no));
                    }
                }
            }
            iv = idx;
            last_was_iv = true;
            in_other_names = false;
            continue;
        }
        last_was_iv = false;
        if let Some(v) = other_names_line(&l.norm) {
            if let Some(x) = iv.and_then(|i| r.interventions.get_mut(i)) {
                push_other_names(x, v, l.no);
                in_other_names = v.is_empty();
                continue;
            }
        }
        if in_other_names {
            if let Some(x) = iv.and_then(|i| r.interventions.get_mut(i)) {
                let t = ITEM_MARK_RE.replace(l.text, "");
                push_other_names(x, &t, l.no);
                continue;
            }
        }
        if iv.is_some() {
            iv_desc.push(l);
        } else if arm.is_some() {
            arm_desc.push(l);
        } else {
            finding(r, Severity::Info, "arms", l.no, "line in the arm table before any arm".to_string());
        }
    }
    flush(r, arm, &mut arm_desc, iv, &mut iv_desc);
    next
}

/// Makes sure every arm -> intervention link has its reverse link.
fn link_arms(r: &mut RawRecord) {
    let links: Vec<(Raw, String)> =
        r.arms.iter().flat_map(|a| a.intervention_names.iter().map(move |n| (a.label.clone(), n.text.clone()))).collect();
    for (label, name) in links {
        if let Some(iv) = r.interventions.iter_mut().find(|iv| iv.name.text.eq_ignore_ascii_case(&name)) {
            if !iv.arm_labels.iter().any(|l| l.text == label.text) {
                iv.arm_labels.push(label);
            }
        }
    }
}

/// Citation lines under a "Publications" heading, one reference per line.
fn publications(r: &mut RawRecord, lines: &[Line<'_>], from: usize, ty: Option<Raw>) -> usize {
    let mut k = from;
    while let Some(l) = lines.get(k) {
        if l.is_blank() {
            k += 1;
            continue;
        }
        if is_stop(&l.norm) {
            break;
        }
        let text = ITEM_MARK_RE.replace(l.text, "");
        if let Some(c) = Raw::non_empty(text.as_ref(), l.no) {
            r.references.push(RawReference { pmid: None, doi: None, citation: Some(c), reference_type: ty.clone() });
        }
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand reading of the time frame agrees with the regex's captures, and is the one
    /// used on ordinary items.
    #[test]
    fn time_frame_reads_like_the_regex() {
        let bodies = [
            "Toxicity [ Time Frame: 10 days ]",
            "Score [ Time Frame: Baseline, week 4 ]   ",
            "A [Time\u{a0}Frame :\u{2003}12 weeks\u{a0}]",
            "B [ TIME  FRAME:  6 months ] [ Designated as safety issue: No ]",
            "C [ Time Frame: a ] b ] [x",
            "D [ Time Frame: 1 ] ] ",
            "E [ Time Frame: x [ Time Frame: y ] z",
            "F [ time frame: ]",
            "G [ Time Frame: [nested] ] tail",
            "H [Time Frame:a]]",
            "I [ Time Frame: 3 months ]\t[",
            "J [ Time Frame: two\nlines ]",
            "no time frame here",
        ];
        for b in bodies {
            let want = TIME_FRAME_RE.captures(b).and_then(|c| Some((c.get(0)?.start(), c.get(1)?.as_str())));
            assert_eq!(time_frame(b), want, "{b:?}");
        }
        let m = TIME_FRAME_RE.find("Toxicity [ Time Frame: 10 days ]").expect("match");
        assert_eq!(time_frame_group("Toxicity [ Time Frame: 10 days ]", m.start(), m.end()), Some("10 days"));
    }
}
