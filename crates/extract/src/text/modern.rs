//! Modern ClinicalTrials.gov page text (2023+ site, as saved by readers of it). Each section
//! is a heading ("Basic Information") followed by the site's helper sentence ("Get a concise
//! snapshot of the trial, ...") and then the values, either labelled ("Recruitment Status" /
//! "UNKNOWN", "Group Type EXPERIMENTAL") or bare ("RECRUITING", "PHASE1/PHASE2",
//! "18 participants"). Bare values are assigned by their shape (a status word, a phase, a
//! count of participants, a study type, an ISO date), never by their position on one page.
//! Sections about other trials ("Related Clinical Trials", "More Related Trials") are skipped
//! so their titles and NCT numbers never become this record's data. Backslash escapes left
//! by a markdown-aware save (`\>`, `\^`) are removed from every value.
//!
//! Sponsors (with their agency class and role, or collaborators first and the lead last),
//! sites ("Locations": facility, "City, State, Country", "Site Status X"; the "Countries"
//! section tells a country holding a comma), the responsible party, the criteria text of
//! "Eligibility Criteria" and "Other Identifiers" (the `org_study_id` one and the secondary
//! ids) are read from their sections.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::{find_nct, label_opt_colon, match_prefix, split_trailing_paren, unescape_md, Line};
use crate::model::{
    AlsoStated, Finding, OutcomeKind, Raw, RawArm, RawIntervention, RawLocation, RawOutcome, RawRecord, RawReference, RawResponsibleParty,
    RawSecondaryId, RawSponsor, Severity, SourceFormat, StatedField,
};

/// Section headings of the modern page.
const HEADINGS: &[&str] = &[
    "Study Results",
    "Basic Information",
    "Brief Summary",
    "Related Clinical Trials",
    "Detailed Description",
    "Conditions",
    "Keywords",
    "Study Design",
    "Study Groups",
    "Interventions",
    "Other Intervention Names",
    "Outcome Measures",
    "Primary Outcome Measures",
    "Primary Outcomes",
    "Secondary Outcome Measures",
    "Secondary Outcomes",
    "Other Outcome Measures",
    "Other Outcomes",
    "Eligibility Criteria",
    "Sponsors",
    "Collaborators",
    "Responsible Party",
    "Principal Investigators",
    "Locations",
    "Countries",
    "Central Contacts",
    "Facility Contacts",
    "References",
    "Related Links",
    "Other Identifiers",
    "More Related Trials",
    "Study Documents",
];

/// First words of the site's helper sentences under headings.
const HELPER_STARTS: &[&str] = &[
    "Review ",
    "Get ",
    "Explore ",
    "Dive ",
    "See ",
    "Understand ",
    "Learn ",
    "Discover ",
    "Check ",
    "Meet ",
    "Identify ",
    "Reach ",
    "Find ",
    "Access ",
    "Additional clinical trials",
];

const STATUS_WORDS: &[&str] = &[
    "RECRUITING",
    "NOT_YET_RECRUITING",
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "ENROLLING_BY_INVITATION",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "UNKNOWN",
    "UNKNOWN_STATUS",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
];

const STUDY_TYPES: &[&str] = &["INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"];
const ALLOCATIONS: &[&str] = &["RANDOMIZED", "NON_RANDOMIZED"];
const MODELS: &[&str] = &["SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"];
const MASKINGS: &[&str] = &["NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"];
const PURPOSES: &[&str] = &[
    "TREATMENT",
    "PREVENTION",
    "DIAGNOSTIC",
    "SUPPORTIVE_CARE",
    "SCREENING",
    "HEALTH_SERVICES_RESEARCH",
    "BASIC_SCIENCE",
    "DEVICE_FEASIBILITY",
    "ECT",
    "OTHER",
];
const SEXES: &[&str] = &["ALL", "FEMALE", "MALE", "BOTH"];
const SPONSOR_CLASSES: &[&str] = &["OTHER", "INDUSTRY", "NIH", "FED", "OTHER_GOV", "INDIV", "NETWORK", "AMBIG", "UNKNOWN"];

static PHASE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:EARLY_PHASE1|PHASE\d(?:\s*/\s*PHASE\d)*|NA|Early Phase 1|Phase \d(?:\s*/\s*Phase \d)*|Not Applicable)$")
        .expect("valid regex")
});
static ENROLL_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\d[\d,]*\s+participants?(?:\s*\((?:estimated|actual|anticipated)\))?$").expect("valid regex"));
static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\d{4}-\d{2}(?:-\d{2})?|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?:\d{1,2},\s*)?\d{4})$")
        .expect("valid regex")
});
static AGE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\d+(?:\.\d+)?\s+(?:years?|months?|weeks?|days?|hours?|minutes?)$").expect("valid regex"));
static PMID_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^PMID\s*:?\s*(\d{1,9})\b").expect("valid regex"));

/// An enum word as the site prints it, compared with spaces, hyphens and commas as `_`.
fn in_vocab(s: &str, vocab: &[&str]) -> bool {
    let key: String =
        s.trim().chars().filter(|c| *c != ',').map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_uppercase() }).collect();
    vocab.contains(&key.as_str())
}

/// A content line of a section, with escapes removed (borrowed from the page text when it
/// had none).
#[derive(Debug, Clone)]
struct V<'a> {
    text: Cow<'a, str>,
    no: u32,
}

impl V<'_> {
    fn raw(&self) -> Raw {
        Raw::new(&self.text, self.no)
    }
}

struct Section<'a> {
    heading: String,
    no: u32,
    lines: Vec<V<'a>>,
}

fn is_heading(norm: &str) -> Option<&'static str> {
    let t = norm.trim_end_matches(':').trim();
    HEADINGS.iter().find(|h| t.eq_ignore_ascii_case(h)).copied()
}

fn is_helper(text: &str) -> bool {
    HELPER_STARTS.iter().any(|h| text.starts_with(h)) && text.ends_with('.') && text.len() < 220
}

fn finding(r: &mut RawRecord, severity: Severity, field: &str, line: u32, message: String) {
    r.findings.push(Finding { severity, field: Some(field.to_string()), line, message });
}

fn put(slot: &mut Option<Raw>, also: &mut Vec<AlsoStated>, field: StatedField, v: Raw) {
    match slot {
        None => *slot = Some(v),
        Some(old) if old.text != v.text => also.push(AlsoStated { field, value: v }),
        Some(_) => {}
    }
}

/// Reads a modern page.
pub(crate) fn read(path: &str, lines: &[Line<'_>]) -> RawRecord {
    let start = lines.iter().find(|l| !l.is_blank()).map_or(1, |l| l.no);
    let mut r = RawRecord::new(path, SourceFormat::CtgovModern, start);
    let (pre, sections) = split_sections(lines);
    read_preamble(&mut r, &pre);

    let find = |names: &[&str]| -> Vec<&Section<'_>> {
        sections.iter().filter(|s| names.iter().any(|n| s.heading.eq_ignore_ascii_case(n))).collect()
    };
    for s in find(&["Basic Information"]) {
        basic_information(&mut r, s);
    }
    for s in find(&["Brief Summary"]) {
        if let Some(v) = joined(&s.lines) {
            put(&mut r.brief_summary, &mut r.also_stated, StatedField::BriefSummary, v);
        }
    }
    for s in find(&["Detailed Description"]) {
        if let Some(v) = joined(&s.lines) {
            put(&mut r.detailed_description, &mut r.also_stated, StatedField::DetailedDescription, v);
        }
    }
    for s in find(&["Conditions"]) {
        r.conditions.extend(s.lines.iter().map(V::raw));
    }
    for s in find(&["Keywords"]) {
        r.keywords.extend(s.lines.iter().map(V::raw));
    }
    for s in find(&["Study Design"]) {
        study_design(&mut r, s);
    }
    for s in find(&["Interventions"]) {
        interventions(&mut r, s);
    }
    for s in find(&["Study Groups"]) {
        study_groups(&mut r, s);
    }
    for s in find(&["Other Intervention Names"]) {
        other_names(&mut r, s);
    }
    for s in find(&["Outcome Measures", "Primary Outcome Measures", "Primary Outcomes"]) {
        outcomes(&mut r, s, OutcomeKind::Primary);
    }
    for s in find(&["Secondary Outcome Measures", "Secondary Outcomes"]) {
        outcomes(&mut r, s, OutcomeKind::Secondary);
    }
    for s in find(&["Other Outcome Measures", "Other Outcomes"]) {
        outcomes(&mut r, s, OutcomeKind::Other);
    }
    // Outcomes are listed primary, then secondary, then other.
    r.outcomes.sort_by_key(|o| o.kind);
    for s in find(&["Eligibility Criteria"]) {
        eligibility(&mut r, s);
    }
    for s in find(&["Sponsors"]) {
        sponsors(&mut r, s);
    }
    for s in find(&["Collaborators"]) {
        collaborators(&mut r, s);
    }
    for s in find(&["Responsible Party"]) {
        responsible_party(&mut r, s);
    }
    let countries: Vec<&str> = find(&["Countries"]).iter().flat_map(|s| s.lines.iter().map(|v| v.text.as_ref())).collect();
    for s in find(&["Locations"]) {
        locations(&mut r, s, &countries);
    }
    for s in find(&["Other Identifiers"]) {
        other_identifiers(&mut r, s);
    }
    for s in find(&["References"]) {
        references(&mut r, s);
    }
    r
}

/// Lines before the first heading, and the sections (helper sentence removed).
fn split_sections<'a>(lines: &[Line<'a>]) -> (Vec<V<'a>>, Vec<Section<'a>>) {
    let mut pre = Vec::new();
    let mut sections: Vec<Section<'a>> = Vec::new();
    let mut expect_helper = false;
    for l in lines {
        if l.is_blank() {
            continue;
        }
        if let Some(h) = is_heading(&l.norm) {
            sections.push(Section { heading: h.to_string(), no: l.no, lines: Vec::new() });
            expect_helper = true;
            continue;
        }
        let v = V { text: unescape_md(l.text), no: l.no };
        match sections.last_mut() {
            Some(s) => {
                if expect_helper && is_helper(l.text) {
                    expect_helper = false;
                    continue;
                }
                expect_helper = false;
                s.lines.push(v);
            }
            None => pre.push(v),
        }
    }
    (pre, sections)
}

fn joined(lines: &[V<'_>]) -> Option<Raw> {
    let first = lines.first()?;
    let text: Vec<&str> = lines.iter().map(|v| v.text.as_ref()).collect();
    Raw::non_empty(text.join("\n"), first.no)
}

fn read_preamble(r: &mut RawRecord, pre: &[V<'_>]) {
    for v in pre {
        if let Some(x) = label_opt_colon(&v.text, "NCT ID") {
            if let Some(n) = find_nct(x) {
                r.nct_id = Some(Raw::new(n, v.no));
            }
        } else if let Some(x) = label_opt_colon(&v.text, "Last Updated") {
            put(&mut r.last_update_date, &mut r.also_stated, StatedField::LastUpdateDate, Raw::new(x, v.no));
        } else if let Some(x) = label_opt_colon(&v.text, "First Posted") {
            put(&mut r.first_posted_date, &mut r.also_stated, StatedField::FirstPostedDate, Raw::new(x, v.no));
        } else if r.brief_title.is_none() {
            r.brief_title = Raw::non_empty(&v.text, v.no);
        }
    }
}

/// Labelled values: a label line followed by its value line, or "Label VALUE" on one line.
/// Returns the (key, value) pairs and the lines that were not part of a labelled value.
fn labelled<'s, 'a, K: Copy>(lines: &'s [V<'a>], labels: &[(&str, K)]) -> (Vec<(K, Raw)>, Vec<&'s V<'a>>) {
    let mut sorted: Vec<&(&str, K)> = labels.iter().collect();
    sorted.sort_by_key(|(l, _)| std::cmp::Reverse(l.len()));
    let label_of = |text: &str| -> Option<(K, String)> {
        sorted.iter().find_map(|(l, k)| label_opt_colon(text, l).map(|rest| (*k, rest.to_string())))
    };
    let mut pairs = Vec::new();
    let mut rest = Vec::new();
    let mut i = 0;
    while let Some(v) = lines.get(i) {
        match label_of(&v.text) {
            Some((k, inline)) if !inline.is_empty() => {
                pairs.push((k, Raw::new(inline, v.no)));
                i += 1;
            }
            Some((k, _)) => match lines.get(i + 1) {
                Some(next) if label_of(&next.text).is_none() => {
                    pairs.push((k, next.raw()));
                    i += 2;
                }
                _ => i += 1,
            },
            None => {
                rest.push(v);
                i += 1;
            }
        }
    }
    (pairs, rest)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Basic {
    Status,
    Phase,
    Enrollment,
    StudyType,
    Start,
    PrimaryCompletion,
    Completion,
    FirstPosted,
    LastUpdate,
}

fn set_basic(r: &mut RawRecord, k: Basic, v: Raw) {
    match k {
        Basic::Status => put(&mut r.overall_status, &mut r.also_stated, StatedField::OverallStatus, v),
        Basic::Phase => {
            if r.phases.is_empty() {
                r.phases.push(v)
            } else if !r.phases.iter().any(|p| p.text == v.text) {
                r.also_stated.push(AlsoStated { field: StatedField::Phase, value: v })
            }
        }
        Basic::Enrollment => {
            let (n, t) = split_trailing_paren(&v.text);
            let (n, t) = (Raw::new(n, v.line), t.map(|t| Raw::new(t, v.line)));
            put(&mut r.enrollment, &mut r.also_stated, StatedField::Enrollment, n);
            if let Some(t) = t {
                put(&mut r.enrollment_type, &mut r.also_stated, StatedField::EnrollmentType, t);
            }
        }
        Basic::StudyType => put(&mut r.study_type, &mut r.also_stated, StatedField::StudyType, v),
        Basic::Start => put(&mut r.start_date, &mut r.also_stated, StatedField::StartDate, v),
        Basic::PrimaryCompletion => put(&mut r.primary_completion_date, &mut r.also_stated, StatedField::PrimaryCompletionDate, v),
        Basic::Completion => put(&mut r.completion_date, &mut r.also_stated, StatedField::CompletionDate, v),
        Basic::FirstPosted => put(&mut r.first_posted_date, &mut r.also_stated, StatedField::FirstPostedDate, v),
        Basic::LastUpdate => put(&mut r.last_update_date, &mut r.also_stated, StatedField::LastUpdateDate, v),
    }
}

fn basic_information(r: &mut RawRecord, s: &Section<'_>) {
    const LABELS: &[(&str, Basic)] = &[
        ("Recruitment Status", Basic::Status),
        ("Overall Status", Basic::Status),
        ("Clinical Phase", Basic::Phase),
        ("Study Phase", Basic::Phase),
        ("Total Enrollment", Basic::Enrollment),
        ("Enrollment", Basic::Enrollment),
        ("Study Classification", Basic::StudyType),
        ("Study Type", Basic::StudyType),
        ("Study Start Date", Basic::Start),
        ("Start Date", Basic::Start),
        ("Primary Completion Date", Basic::PrimaryCompletion),
        ("Study Completion Date", Basic::Completion),
        ("Completion Date", Basic::Completion),
        ("First Posted", Basic::FirstPosted),
        ("Last Updated", Basic::LastUpdate),
    ];
    let (pairs, rest) = labelled(&s.lines, LABELS);
    for (k, v) in pairs {
        set_basic(r, k, v);
    }
    let mut dates: Vec<Raw> = Vec::new();
    for v in rest {
        let t: &str = &v.text;
        let k = if in_vocab(t, STATUS_WORDS) {
            Some(Basic::Status)
        } else if PHASE_RE.is_match(t) {
            Some(Basic::Phase)
        } else if ENROLL_RE.is_match(t) {
            Some(Basic::Enrollment)
        } else if in_vocab(t, STUDY_TYPES) {
            Some(Basic::StudyType)
        } else if DATE_RE.is_match(t) {
            dates.push(v.raw());
            continue;
        } else {
            None
        };
        match k {
            Some(k) => set_basic(r, k, v.raw()),
            None => finding(r, Severity::Info, "basic_information", v.no, format!("value '{t}' not recognised")),
        }
    }
    if dates.is_empty() {
        return;
    }
    // Bare dates: the site lists start, (primary completion,) completion in that order.
    let order: &[Basic] =
        if dates.len() >= 3 { &[Basic::Start, Basic::PrimaryCompletion, Basic::Completion] } else { &[Basic::Start, Basic::Completion] };
    let free: Vec<Basic> = order
        .iter()
        .copied()
        .filter(|k| match k {
            Basic::Start => r.start_date.is_none(),
            Basic::PrimaryCompletion => r.primary_completion_date.is_none(),
            _ => r.completion_date.is_none(),
        })
        .collect();
    let mut free = free.into_iter();
    let mut assigned = Vec::new();
    for d in dates {
        match free.next() {
            Some(k) => assigned.push((k, d)),
            None => finding(r, Severity::Warning, "dates", d.line, format!("bare date '{}' left unassigned", d.text)),
        }
    }
    let n = assigned.len();
    for (k, d) in assigned {
        set_basic(r, k, d);
    }
    finding(r, Severity::Info, "dates", s.no, format!("{n} unlabelled date(s) assigned by order: start, then completion"));
}

#[derive(Clone, Copy)]
enum Design {
    Allocation,
    Model,
    Purpose,
    Masking,
    Ignored,
}

fn study_design(r: &mut RawRecord, s: &Section<'_>) {
    const LABELS: &[(&str, Design)] = &[
        ("Allocation Method", Design::Allocation),
        ("Allocation", Design::Allocation),
        ("Intervention Model", Design::Model),
        ("Interventional Model", Design::Model),
        ("Primary Study Purpose", Design::Purpose),
        ("Primary Purpose", Design::Purpose),
        ("Blinding Strategy", Design::Masking),
        ("Masking", Design::Masking),
        ("Observational Model", Design::Ignored),
        ("Time Perspective", Design::Ignored),
    ];
    let (pairs, rest) = labelled(&s.lines, LABELS);
    let set = |r: &mut RawRecord, k: Design, v: Raw| match k {
        Design::Allocation => put(&mut r.allocation, &mut r.also_stated, StatedField::Allocation, v),
        Design::Model => put(&mut r.intervention_model, &mut r.also_stated, StatedField::InterventionModel, v),
        Design::Purpose => put(&mut r.primary_purpose, &mut r.also_stated, StatedField::PrimaryPurpose, v),
        Design::Masking => put(&mut r.masking, &mut r.also_stated, StatedField::Masking, v),
        Design::Ignored => {}
    };
    for (k, v) in pairs {
        set(r, k, v);
    }
    for v in rest {
        let t: &str = &v.text;
        let k = if in_vocab(t, ALLOCATIONS) || (t == "NA" && r.allocation.is_none()) {
            Design::Allocation
        } else if in_vocab(t, MODELS) {
            Design::Model
        } else if in_vocab(t, MASKINGS) {
            Design::Masking
        } else if in_vocab(t, PURPOSES) {
            Design::Purpose
        } else {
            finding(r, Severity::Info, "study_design", v.no, format!("value '{t}' not recognised"));
            continue;
        };
        set(r, k, v.raw());
    }
}

fn group_type(text: &str) -> Option<&str> {
    label_opt_colon(text, "Group Type").or_else(|| label_opt_colon(text, "Arm Type")).filter(|v| !v.is_empty())
}

fn intervention_type(text: &str) -> Option<&str> {
    label_opt_colon(text, "Intervention Type").filter(|v| !v.is_empty())
}

fn other_name_line(text: &str) -> Option<&str> {
    label_opt_colon(text, "Other Names").or_else(|| label_opt_colon(text, "Other Name")).filter(|v| !v.is_empty())
}

/// The Interventions section: name, description and "Intervention Type X" per intervention.
fn interventions(r: &mut RawRecord, s: &Section<'_>) {
    for v in &s.lines {
        if let Some(t) = intervention_type(&v.text) {
            match r.interventions.last_mut() {
                Some(iv) if iv.intervention_type.is_none() => iv.intervention_type = Some(Raw::new(t, v.no)),
                _ => finding(r, Severity::Warning, "interventions", v.no, "'Intervention Type' without its intervention".into()),
            }
            continue;
        }
        if let Some(o) = other_name_line(&v.text) {
            if let Some(iv) = r.interventions.last_mut() {
                iv.other_names.extend(o.split(';').filter_map(|x| Raw::non_empty(x, v.no)));
                continue;
            }
        }
        let new = r.interventions.last().is_none_or(|iv| iv.description.is_some());
        if new {
            r.interventions.push(RawIntervention {
                intervention_type: None,
                name: v.raw(),
                description: None,
                other_names: Vec::new(),
                arm_labels: Vec::new(),
            });
        } else if let Some(iv) = r.interventions.last_mut() {
            iv.description = Some(v.raw());
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum G {
    Start,
    ArmLabel,
    ArmDesc,
    IntName,
    IntDesc,
}

/// The Study Groups section: per arm its label, description, "Group Type X", then its
/// interventions (name, "Intervention Type X", description).
fn study_groups(r: &mut RawRecord, s: &Section<'_>) {
    let labelled_mode = s.lines.iter().any(|v| intervention_type(&v.text).is_some());
    let known: Vec<String> = r.interventions.iter().map(|iv| iv.name.text.to_lowercase()).collect();
    // (name, description) of the Interventions section: under a group, an intervention's
    // name is followed by its description, which tells it from an arm with the same label.
    let known_desc: Vec<(String, Option<String>)> =
        r.interventions.iter().map(|iv| (iv.name.text.to_lowercase(), iv.description.as_ref().map(|d| d.text.clone()))).collect();
    if !labelled_mode && known.is_empty() && !s.lines.is_empty() {
        finding(
            r,
            Severity::Warning,
            "arms",
            s.no,
            "Study Groups without intervention labels or an Interventions section: every line \
             pair is read as an arm (label, description)"
                .into(),
        );
    }
    // (arm index, name, type, description)
    let mut group_ivs: Vec<(usize, Raw, Option<Raw>, Option<Raw>)> = Vec::new();
    if labelled_mode || !known.is_empty() {
        let names: Vec<String> = r.interventions.iter().map(|iv| super::collapse_ws(&iv.name.text).into_owned()).collect();
        if let Some(roles) = group_roles(&s.lines, &known_desc, &names, labelled_mode) {
            for (v, role) in s.lines.iter().zip(roles) {
                match role {
                    Role::ArmLabel => {
                        r.arms.push(RawArm { label: v.raw(), arm_type: None, description: None, intervention_names: Vec::new() })
                    }
                    Role::ArmDesc => {
                        if let Some(a) = r.arms.last_mut() {
                            a.description = Some(v.raw());
                        }
                    }
                    Role::GroupType => {
                        if let (Some(a), Some(t)) = (r.arms.last_mut(), group_type(&v.text)) {
                            a.arm_type = Some(Raw::new(t, v.no));
                        }
                    }
                    Role::IntName => group_ivs.push((r.arms.len().saturating_sub(1), v.raw(), None, None)),
                    Role::IntType => {
                        if let (Some(g), Some(t)) = (group_ivs.last_mut(), intervention_type(&v.text)) {
                            g.2 = Some(Raw::new(t, v.no));
                        }
                    }
                    Role::IntDesc => {
                        if let Some(g) = group_ivs.last_mut() {
                            g.3 = Some(v.raw());
                        }
                    }
                }
            }
            link_group_interventions(r, group_ivs);
            return;
        }
    }
    let mut state = G::Start;
    for (i, v) in s.lines.iter().enumerate() {
        if let Some(t) = group_type(&v.text) {
            match r.arms.last_mut() {
                Some(a) if a.arm_type.is_none() => a.arm_type = Some(Raw::new(t, v.no)),
                _ => finding(r, Severity::Warning, "arms", v.no, "'Group Type' without its arm".into()),
            }
            continue;
        }
        if let Some(t) = intervention_type(&v.text) {
            match group_ivs.last_mut() {
                Some(g) if g.2.is_none() => g.2 = Some(Raw::new(t, v.no)),
                _ => finding(r, Severity::Warning, "interventions", v.no, "'Intervention Type' without its intervention".into()),
            }
            continue;
        }
        let is_int = if labelled_mode {
            s.lines.get(i + 1).is_some_and(|n| intervention_type(&n.text).is_some())
        } else {
            let lower = v.text.to_lowercase();
            let next = s.lines.get(i + 1).map(|n| n.text.as_ref());
            let fits = |d: &Option<String>| match d {
                Some(d) => next == Some(d.as_str()),
                None => true,
            };
            let by_desc = known_desc.iter().any(|(n, d)| *n == lower && fits(d));
            // A known name that starts a group (no arm yet, or right after an arm label) is
            // still read as the intervention only when its description follows.
            by_desc || (known.contains(&lower) && known_desc.iter().all(|(n, d)| *n != lower || d.is_none()))
        };
        let new_arm = |r: &mut RawRecord| {
            r.arms.push(RawArm { label: v.raw(), arm_type: None, description: None, intervention_names: Vec::new() });
        };
        state = match state {
            G::Start => {
                new_arm(r);
                G::ArmLabel
            }
            G::ArmLabel | G::ArmDesc | G::IntName | G::IntDesc if is_int && !r.arms.is_empty() => {
                group_ivs.push((r.arms.len() - 1, v.raw(), None, None));
                G::IntName
            }
            G::ArmLabel => {
                if let Some(a) = r.arms.last_mut() {
                    a.description = Some(v.raw());
                }
                G::ArmDesc
            }
            G::IntName => {
                if let Some(g) = group_ivs.last_mut() {
                    g.3 = Some(v.raw());
                }
                G::IntDesc
            }
            G::ArmDesc | G::IntDesc => {
                new_arm(r);
                G::ArmLabel
            }
        };
    }
    link_group_interventions(r, group_ivs);
}

/// Adds the interventions read under the groups to their arms and to the interventions.
fn link_group_interventions(r: &mut RawRecord, group_ivs: Vec<(usize, Raw, Option<Raw>, Option<Raw>)>) {
    for (arm_idx, name, ty, desc) in group_ivs {
        let Some(label) = r.arms.get(arm_idx).map(|a| a.label.clone()) else { continue };
        if let Some(a) = r.arms.get_mut(arm_idx) {
            a.intervention_names.push(name.clone());
        }
        let pos = r.interventions.iter().position(|iv| iv.name.text.eq_ignore_ascii_case(&name.text));
        match pos.and_then(|p| r.interventions.get_mut(p)) {
            Some(iv) => {
                if iv.intervention_type.is_none() {
                    iv.intervention_type = ty;
                }
                if iv.description.is_none() {
                    iv.description = desc;
                }
                if !iv.arm_labels.iter().any(|l| l.text == label.text) {
                    iv.arm_labels.push(label);
                }
            }
            None => r.interventions.push(RawIntervention {
                intervention_type: ty,
                name,
                description: desc,
                other_names: Vec::new(),
                arm_labels: vec![label],
            }),
        }
    }
}

/// What a line of the Study Groups section is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    ArmLabel,
    ArmDesc,
    GroupType,
    IntName,
    IntType,
    IntDesc,
}

/// The roles of the Study Groups lines: per group a label, an optional description and
/// "Group Type X", then its interventions, each a name (one of the Interventions section's,
/// when there is one), "Intervention Type X" and its description (the same text as in the
/// Interventions section). Of the readings the grammar allows, the one leaving the fewest
/// groups without an intervention wins (a group may have none, but rarely does); a label
/// that is also an intervention name is read by what follows it. `None` when no reading
/// fits (the caller then reads line by line).
fn group_roles(lines: &[V<'_>], known: &[(String, Option<String>)], names: &[String], labelled: bool) -> Option<Vec<Role>> {
    const ROLES: [Role; 6] = [Role::ArmLabel, Role::ArmDesc, Role::GroupType, Role::IntName, Role::IntType, Role::IntDesc];
    const EMPTY_ARM: u32 = 4;
    const MISSING_DESC: u32 = 5;
    const NEW_ARM: u32 = 1;
    const REPEATED_IV: u32 = 8;
    let n = lines.len();
    if n == 0 {
        return Some(Vec::new());
    }
    let norm = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    // "No description given." stands in the Interventions section for no description.
    let known: Vec<(String, Option<String>)> =
        known.iter().map(|(n, d)| (norm(n), d.as_deref().map(norm).filter(|d| d != "no description given."))).collect();
    let is_gt: Vec<bool> = lines.iter().map(|v| group_type(&v.text).is_some()).collect();
    let is_it: Vec<bool> = lines.iter().map(|v| intervention_type(&v.text).is_some()).collect();
    let text: Vec<String> = lines.iter().map(|v| norm(&v.text)).collect();
    // An intervention name as the Interventions section writes it, letter case included.
    let exact: Vec<bool> = lines.iter().map(|v| names.iter().any(|n| *n == super::collapse_ws(&v.text))).collect();
    let can_name = |i: usize| known.iter().any(|(k, _)| *k == text[i]) || (labelled && is_it.get(i + 1).copied().unwrap_or(false));
    // The description the intervention named on line `i` may have: Some(None) = any text.
    let desc_of = |i: usize| -> Option<Option<&String>> {
        match known.iter().find(|(k, _)| *k == text[i]) {
            Some((_, Some(d))) => Some(Some(d)),
            Some((_, None)) => None,
            None => Some(None),
        }
    };
    // An intervention (named on line `i - 1`, or `i - 2` before its type) with a known
    // description, and `i` not yet past it.
    let desc_missing = |prev: Role, i: usize| {
        let name_line = match prev {
            Role::IntName => i.checked_sub(1),
            Role::IntType => i.checked_sub(2),
            _ => None,
        };
        name_line.is_some_and(|k| matches!(desc_of(k), Some(Some(_))) && known.iter().any(|(n, _)| *n == text[k]))
    };
    // State: (role, whether the current group has an intervention) -> index.
    let idx = |role: Role, has: bool| ROLES.iter().position(|r| *r == role).unwrap_or(0) * 2 + usize::from(has);
    const INF: u32 = u32::MAX;
    let mut cost = vec![[INF; 12]; n];
    let mut back = vec![[usize::MAX; 12]; n];
    for i in 0..n {
        for role in ROLES {
            let fits_line = match role {
                Role::GroupType => is_gt[i],
                Role::IntType => is_it[i],
                _ if is_gt[i] || is_it[i] => false,
                Role::IntName => can_name(i),
                _ => true,
            };
            if !fits_line {
                continue;
            }
            if i == 0 {
                if role == Role::ArmLabel {
                    cost[0][idx(role, false)] = 0;
                }
                continue;
            }
            for prev in ROLES {
                for has in [false, true] {
                    let c = cost[i - 1][idx(prev, has)];
                    if c == INF {
                        continue;
                    }
                    let (ok, add, now_has) = match role {
                        // Each group costs a little: of two readings, the one with fewer wins.
                        // A label reads like a name, not like a sentence.
                        Role::ArmLabel => {
                            let sentence = text[i].len() > 60 || text[i].split_whitespace().count() > 8;
                            let add = NEW_ARM + if has { 0 } else { EMPTY_ARM } + if sentence { NEW_ARM } else { 0 };
                            (true, add, false)
                        }
                        Role::ArmDesc => (prev == Role::ArmLabel, 0, has),
                        Role::GroupType => (matches!(prev, Role::ArmLabel | Role::ArmDesc), 0, has),
                        Role::IntName => {
                            // The same intervention twice in a row under one group is unlikely.
                            let again = match prev {
                                Role::IntName => text[i - 1] == text[i],
                                Role::IntDesc | Role::IntType => i >= 2 && text[i - 2] == text[i],
                                _ => false,
                            };
                            let case = if exact[i] { 0 } else { NEW_ARM };
                            (true, case + if again { REPEATED_IV } else { 0 }, true)
                        }
                        Role::IntType => (prev == Role::IntName, 0, has),
                        Role::IntDesc => {
                            // The intervention's name line: just before, or before its type.
                            let name_line = if prev == Role::IntType { i.checked_sub(2) } else { Some(i - 1) };
                            let fits = matches!(prev, Role::IntName | Role::IntType)
                                && name_line.is_some_and(|k| match desc_of(k) {
                                    Some(Some(d)) => *d == text[i],
                                    Some(None) => true,
                                    None => false,
                                });
                            (fits, 0, has)
                        }
                    };
                    if !ok {
                        continue;
                    }
                    // An intervention whose description the page leaves out is unlikely.
                    let skipped = role != Role::IntDesc && !(prev == Role::IntName && role == Role::IntType) && desc_missing(prev, i);
                    // On a labelled page an intervention's name is followed by its type.
                    let untyped = labelled && prev == Role::IntName && role != Role::IntType;
                    let total = c + add + if skipped { MISSING_DESC } else { 0 } + if untyped { MISSING_DESC } else { 0 };
                    let s = idx(role, now_has);
                    if total < cost[i][s] {
                        cost[i][s] = total;
                        back[i][s] = idx(prev, has);
                    }
                }
            }
        }
    }
    // The best end state (a last group without an intervention costs too).
    let (mut state, _) = (0..12)
        .filter(|s| cost[n - 1][*s] != INF)
        .map(|s| {
            let open_desc = desc_missing(ROLES[s / 2], n) || (labelled && ROLES[s / 2] == Role::IntName);
            (s, cost[n - 1][s] + if s % 2 == 0 { EMPTY_ARM } else { 0 } + if open_desc { MISSING_DESC } else { 0 })
        })
        .min_by_key(|x| x.1)?;
    let mut roles = vec![Role::ArmLabel; n];
    for i in (0..n).rev() {
        roles[i] = ROLES[state / 2];
        if i > 0 {
            state = back[i][state];
        }
    }
    Some(roles)
}

/// "Other Intervention Names": lines under an intervention's name are its other names.
fn other_names(r: &mut RawRecord, s: &Section<'_>) {
    let mut current: Option<usize> = None;
    for v in &s.lines {
        if let Some(p) = r.interventions.iter().position(|iv| iv.name.text.eq_ignore_ascii_case(&v.text)) {
            current = Some(p);
            continue;
        }
        let text = other_name_line(&v.text).unwrap_or(&v.text);
        match current.and_then(|c| r.interventions.get_mut(c)) {
            Some(iv) => iv.other_names.push(Raw::new(text, v.no)),
            None => finding(r, Severity::Warning, "interventions", v.no, format!("other name '{text}' not attached to an intervention")),
        }
    }
}

/// Outcome sections (not present in the seeds): a measure line, then optional
/// "Time Frame ..." and description lines.
fn outcomes(r: &mut RawRecord, s: &Section<'_>, default_kind: OutcomeKind) {
    let mut kind = default_kind;
    let mut current: Option<RawOutcome> = None;
    for v in &s.lines {
        let t: &str = &v.text;
        let sub = [
            ("Primary Outcome", OutcomeKind::Primary),
            ("Secondary Outcome", OutcomeKind::Secondary),
            ("Other Outcome", OutcomeKind::Other),
        ]
        .iter()
        .find(|(p, _)| match_prefix(t, p).is_some_and(|rest| rest.trim_start_matches(['s', 'S', ':']).trim().is_empty()))
        .map(|(_, k)| *k);
        if let Some(k) = sub {
            if let Some(o) = current.take() {
                r.outcomes.push(o);
            }
            kind = k;
            continue;
        }
        if let Some(tf) = label_opt_colon(t, "Time Frame") {
            match current.as_mut() {
                Some(o) if o.time_frame.is_none() => o.time_frame = Raw::non_empty(tf, v.no),
                _ => finding(r, Severity::Warning, "outcomes", v.no, "'Time Frame' without its measure".into()),
            }
            continue;
        }
        let desc_label = label_opt_colon(t, "Description");
        match current.as_mut() {
            Some(o) if o.time_frame.is_none() && o.description.is_none() => {
                o.description = Some(Raw::new(desc_label.unwrap_or(t), v.no));
            }
            _ => {
                if let Some(o) = current.take() {
                    r.outcomes.push(o);
                }
                current = Some(RawOutcome { kind, measure: v.raw(), description: None, time_frame: None });
            }
        }
    }
    if let Some(o) = current.take() {
        r.outcomes.push(o);
    }
}

#[derive(Clone, Copy)]
enum Elig {
    Min,
    Max,
    Sex,
    Healthy,
}

fn eligibility(r: &mut RawRecord, s: &Section<'_>) {
    const LABELS: &[(&str, Elig)] = &[
        ("Minimum Eligible Age", Elig::Min),
        ("Minimum Age", Elig::Min),
        ("Maximum Eligible Age", Elig::Max),
        ("Maximum Age", Elig::Max),
        ("Eligible Sex", Elig::Sex),
        ("Sex", Elig::Sex),
        ("Gender", Elig::Sex),
        ("Accepts Healthy Volunteers", Elig::Healthy),
        ("Healthy Volunteers", Elig::Healthy),
    ];
    // Labels count only on their own line (or with a short value): criteria text may start
    // with these words.
    let lines: Vec<V<'_>> = s.lines.clone();
    let label_lines: Vec<V<'_>> = lines
        .iter()
        .filter(|v| LABELS.iter().any(|(l, _)| label_opt_colon(&v.text, l).is_some_and(|rest| rest.len() <= 20)))
        .cloned()
        .collect();
    let set = |r: &mut RawRecord, k: Elig, v: Raw| match k {
        Elig::Min => put(&mut r.min_age, &mut r.also_stated, StatedField::MinAgeYears, v),
        Elig::Max => put(&mut r.max_age, &mut r.also_stated, StatedField::MaxAgeYears, v),
        Elig::Sex => put(&mut r.sex, &mut r.also_stated, StatedField::Sex, v),
        Elig::Healthy => put(&mut r.healthy_volunteers, &mut r.also_stated, StatedField::HealthyVolunteers, v),
    };
    if !label_lines.is_empty() {
        // Read label/value pairs from the first label line on; the lines before it are the
        // criteria text.
        let from = lines.iter().position(|v| v.no == label_lines[0].no).unwrap_or(lines.len());
        criteria(r, lines.get(..from).unwrap_or(&[]));
        let (pairs, _) = labelled(lines.get(from..).unwrap_or(&[]), LABELS);
        for (k, v) in pairs {
            set(r, k, v);
        }
        return;
    }
    // Bare values at the end of the section: ages, sex, healthy volunteers.
    let shape = |t: &str| -> Option<Elig> {
        if AGE_RE.is_match(t) {
            Some(Elig::Min)
        } else if in_vocab(t, SEXES) {
            Some(Elig::Sex)
        } else if ["yes", "no", "true", "false"].iter().any(|w| t.eq_ignore_ascii_case(w)) {
            Some(Elig::Healthy)
        } else {
            None
        }
    };
    let mut tail: Vec<(Elig, &V<'_>)> = Vec::new();
    for v in lines.iter().rev() {
        match shape(&v.text) {
            Some(k) => tail.push((k, v)),
            None => break,
        }
    }
    tail.reverse();
    criteria(r, lines.get(..lines.len() - tail.len()).unwrap_or(&[]));
    let ages: Vec<&V<'_>> = tail.iter().filter(|(k, _)| matches!(k, Elig::Min)).map(|(_, v)| *v).collect();
    match ages.as_slice() {
        [] => {}
        [one] => {
            set(r, Elig::Min, one.raw());
            finding(r, Severity::Info, "min_age_years", one.no, "one unlabelled age read as the minimum age".into());
        }
        [min, max, rest @ ..] => {
            set(r, Elig::Min, min.raw());
            set(r, Elig::Max, max.raw());
            for x in rest {
                finding(r, Severity::Warning, "max_age_years", x.no, format!("extra unlabelled age '{}' not read", x.text));
            }
        }
    }
    for (k, v) in tail {
        if !matches!(k, Elig::Min) {
            set(r, k, v.raw());
        }
    }
}

/// The eligibility criteria text: the section's lines before its age / sex / healthy
/// volunteer values, kept whole (one line each, blank lines left out as everywhere on the
/// page).
fn criteria(r: &mut RawRecord, lines: &[V<'_>]) {
    if let Some(v) = joined(lines) {
        match &r.eligibility_criteria {
            None => r.eligibility_criteria = Some(v),
            Some(_) => finding(r, Severity::Warning, "eligibility_criteria", v.line, "a second criteria text not read".into()),
        }
    }
}

/// One entry of the Sponsors section: name, agency class, whether it is marked "lead".
struct SponsorEntry {
    name: Raw,
    class: Option<Raw>,
    lead: bool,
}

/// Name / agency class / "Sponsor Role ..." entries.
fn sponsor_entries(s: &Section<'_>) -> Vec<SponsorEntry> {
    let mut entries: Vec<SponsorEntry> = Vec::new();
    for v in &s.lines {
        if let Some(role) = label_opt_colon(&v.text, "Sponsor Role") {
            if let Some(e) = entries.last_mut() {
                e.lead = role.eq_ignore_ascii_case("lead");
            }
            continue;
        }
        let class = label_opt_colon(&v.text, "Sponsor Class").or(Some(v.text.as_ref()).filter(|t| in_vocab(t, SPONSOR_CLASSES)));
        if let Some(c) = class {
            if let Some(e) = entries.last_mut().filter(|e| e.class.is_none()) {
                e.class = Raw::non_empty(c, v.no);
            }
            continue;
        }
        entries.push(SponsorEntry { name: v.raw(), class: None, lead: false });
    }
    entries
}

fn sponsors(r: &mut RawRecord, s: &Section<'_>) {
    let entries = sponsor_entries(s);
    // With roles the lead is the entry marked "lead"; without them (bare values) the site
    // lists the collaborators first and the lead sponsor last.
    let lead = entries.iter().position(|e| e.lead).or(entries.len().checked_sub(1));
    for (i, e) in entries.into_iter().enumerate() {
        if Some(i) == lead {
            put(&mut r.lead_sponsor, &mut r.also_stated, StatedField::LeadSponsor, e.name);
            if r.lead_sponsor_class.is_none() {
                r.lead_sponsor_class = e.class;
            }
        } else {
            push_collaborator(r, e.name, e.class);
        }
    }
}

/// Adds a collaborator once (the Sponsors and Collaborators sections may both name it).
fn push_collaborator(r: &mut RawRecord, name: Raw, class: Option<Raw>) {
    match r.collaborators.iter_mut().find(|c| c.name.text == name.text) {
        Some(c) => {
            if c.agency_class.is_none() {
                c.agency_class = class;
            }
        }
        None => r.collaborators.push(RawSponsor { name, agency_class: class }),
    }
}

/// A "Collaborators" section: names, each with its agency class when stated.
fn collaborators(r: &mut RawRecord, s: &Section<'_>) {
    for e in sponsor_entries(s) {
        push_collaborator(r, e.name, e.class);
    }
}

/// The Responsible Party section: "Responsibility Role SPONSOR" (labelled page), or the
/// investigator's name and then their title / affiliation line (bare page).
fn responsible_party(r: &mut RawRecord, s: &Section<'_>) {
    let mut rp = RawResponsibleParty { party_type: None, name: None, title: None, affiliation: None };
    let mut rest: Vec<&V<'_>> = Vec::new();
    for v in &s.lines {
        if let Some(t) = label_opt_colon(&v.text, "Responsibility Role").or_else(|| label_opt_colon(&v.text, "Responsible Party Type")) {
            rp.party_type = Raw::non_empty(t, v.no);
        } else if let Some(t) = label_opt_colon(&v.text, "Investigator Affiliation") {
            rp.affiliation = Raw::non_empty(t, v.no);
        } else if let Some(t) = label_opt_colon(&v.text, "Investigator Title") {
            rp.title = Raw::non_empty(t, v.no);
        } else {
            rest.push(v);
        }
    }
    let mut rest = rest.into_iter();
    if let Some(v) = rest.next() {
        rp.name = Some(v.raw());
    }
    // The line under the name is the investigator's title as the site prints it (it often
    // names the affiliation too); anything after it is reported.
    if let Some(v) = rest.next() {
        if rp.title.is_none() {
            rp.title = Some(v.raw());
        }
    }
    for v in rest {
        finding(r, Severity::Info, "responsible_party", v.no, format!("line '{}' under 'Responsible Party' not read", v.text));
    }
    if rp.party_type.is_some() || rp.name.is_some() {
        r.responsible_party = Some(rp);
    }
}

/// A site status as the modern page prints it ("Site Status RECRUITING").
fn site_status(text: &str) -> Option<&str> {
    label_opt_colon(text, "Site Status").or_else(|| label_opt_colon(text, "Recruitment Status")).filter(|v| !v.is_empty())
}

/// "City, State, Country" (the modern page prints no zip): the country is the longest
/// country of the Countries section the line ends with (a country may hold a comma:
/// "Korea, Republic of"), else the text after the last comma; the city is the text before
/// the first comma of the rest, the state what follows it.
fn split_address<'a>(text: &'a str, countries: &[&str]) -> (Option<&'a str>, Option<&'a str>, Option<&'a str>) {
    let t = text.trim();
    let listed = countries
        .iter()
        .filter(|c| !c.is_empty() && (t == **c || t.ends_with(&format!(", {c}"))))
        .max_by_key(|c| c.len())
        .map(|c| t.len() - c.len());
    let (head, country) = match listed {
        // `at` is after the ", " before the country.
        Some(at) => (t.get(..at.saturating_sub(2)).unwrap_or("").trim(), Some(&t[at..])),
        None => match t.rsplit_once(',') {
            Some((h, c)) => (h.trim(), Some(c.trim())),
            None => ("", Some(t)),
        },
    };
    let (city, state) = match head.split_once(", ") {
        Some((c, s)) => (Some(c.trim()), Some(s.trim())),
        None => (Some(head), None),
    };
    let nz = |x: Option<&'a str>| x.filter(|v| !v.is_empty());
    (nz(city), nz(state), nz(country))
}

/// True when a line reads as an address: it ends with a listed country (or, without a
/// Countries section, holds a comma).
fn address_like(text: &str, countries: &[&str]) -> bool {
    let t = text.trim();
    if countries.is_empty() {
        return t.contains(", ");
    }
    countries.iter().any(|c| !c.is_empty() && (t == *c || t.ends_with(&format!(", {c}"))))
}

/// The Locations section: per site its facility line, its address line ("City, State,
/// Country") and "Site Status X" when stated.
fn locations(r: &mut RawRecord, s: &Section<'_>, countries: &[&str]) {
    let lines = &s.lines;
    // When the lines (status lines aside) alternate facility / address, every site has a
    // facility line, even one that ends like an address ("St. Anna Children's Hospital,
    // Vienna, Austria"); when every line reads as an address, no site has one.
    let sites: Vec<&V<'_>> = lines.iter().filter(|v| site_status(&v.text).is_none()).collect();
    let addr: Vec<bool> = sites.iter().map(|v| address_like(&v.text, countries)).collect();
    let paired = sites.len().is_multiple_of(2) && addr.iter().skip(1).step_by(2).all(|a| *a) && !addr.iter().all(|a| *a);
    let mut i = 0;
    while let Some(v) = lines.get(i) {
        if let Some(st) = site_status(&v.text) {
            match r.locations.last_mut() {
                Some(l) if l.status.is_none() => l.status = Some(Raw::new(st, v.no)),
                _ => finding(r, Severity::Warning, "locations", v.no, "'Site Status' without its site".into()),
            }
            i += 1;
            continue;
        }
        // An address line with no facility line above it is a site the registry names no
        // facility for.
        let own_addr = !paired && address_like(&v.text, countries);
        let next_is_addr =
            !own_addr && lines.get(i + 1).is_some_and(|n| site_status(&n.text).is_none() && address_like(&n.text, countries));
        let (facility, addr) = if next_is_addr {
            (Some(v), lines.get(i + 1))
        } else if own_addr {
            (None, Some(v))
        } else {
            (Some(v), None)
        };
        let mut loc = RawLocation {
            facility: facility.map(V::raw),
            city: None,
            state: None,
            zip: None,
            country: None,
            status: None,
            latitude: None,
            longitude: None,
        };
        match addr {
            Some(a) => {
                let (city, state, country) = split_address(&a.text, countries);
                loc.city = city.map(|x| Raw::new(x, a.no));
                loc.state = state.map(|x| Raw::new(x, a.no));
                loc.country = country.map(|x| Raw::new(x, a.no));
            }
            None => finding(r, Severity::Warning, "locations", v.no, format!("site '{}' without an address line", v.text)),
        }
        r.locations.push(loc);
        i += if next_is_addr { 2 } else { 1 };
    }
}

/// The Other Identifiers section: per identifier its line, then "Identifier Type: X" and
/// "Identifier Source: org_study_id" / "secondary_id" (and "Identifier Domain: X" when
/// stated). The identifier whose source is `org_study_id` is the sponsor's own id; the
/// others are secondary ids.
fn other_identifiers(r: &mut RawRecord, s: &Section<'_>) {
    // Each identifier with its source.
    let mut ids: Vec<(RawSecondaryId, Option<Raw>)> = Vec::new();
    for v in &s.lines {
        let labelled = [("Identifier Type", 1), ("Identifier Source", 2), ("Identifier Domain", 3)]
            .iter()
            .find_map(|(l, k)| label_opt_colon(&v.text, l).map(|x| (x, *k)));
        match (labelled, ids.last_mut()) {
            (Some((x, k)), Some((id, source))) => {
                // "-" states no type.
                let val = Raw::non_empty(x, v.no).filter(|x| x.text != "-");
                match k {
                    1 => id.id_type = val,
                    2 => *source = val,
                    _ => id.domain = val,
                }
            }
            (Some(_), None) => finding(r, Severity::Warning, "secondary_ids", v.no, format!("'{}' without its identifier", v.text)),
            (None, _) => ids.push((RawSecondaryId { id: v.raw(), id_type: None, domain: None, link: None }, None)),
        }
    }
    for (id, source) in ids {
        if source.as_ref().is_some_and(|x| x.text.eq_ignore_ascii_case("org_study_id")) && r.org_study_id.is_none() {
            r.org_study_id = Some(id.id);
        } else {
            r.secondary_ids.push(id);
        }
    }
}

fn references(r: &mut RawRecord, s: &Section<'_>) {
    for v in &s.lines {
        // A bare NCT number is another trial (a related-trials list that lost its heading):
        // it and the title line before it are not references of this record.
        if find_nct(&v.text).is_some_and(|n| n == v.text.trim()) {
            let title_before = r.references.last().is_some_and(|x| x.pmid.is_none() && x.reference_type.is_none() && x.doi.is_none());
            if title_before {
                r.references.pop();
            }
            finding(r, Severity::Info, "references", v.no, format!("other trial {} in References not read", v.text));
            continue;
        }
        if let Some(t) = label_opt_colon(&v.text, "Reference Type") {
            match r.references.last_mut() {
                Some(x) if x.reference_type.is_none() => x.reference_type = Raw::non_empty(t, v.no),
                _ => finding(r, Severity::Warning, "references", v.no, "'Reference Type' without its citation".into()),
            }
            continue;
        }
        if let Some(c) = PMID_RE.captures(&v.text) {
            let pmid = c.get(1).map(|m| Raw::new(m.as_str(), v.no));
            match r.references.last_mut() {
                Some(x) if x.pmid.is_none() => x.pmid = pmid,
                _ => r.references.push(RawReference { pmid, doi: None, citation: None, reference_type: None }),
            }
            continue;
        }
        if let Some(d) = label_opt_colon(&v.text, "DOI").filter(|d| !d.is_empty() && !d.contains(' ')) {
            if let Some(x) = r.references.last_mut() {
                if x.doi.is_none() {
                    x.doi = Some(Raw::new(d, v.no));
                    continue;
                }
            }
        }
        r.references.push(RawReference { pmid: None, doi: None, citation: Some(v.raw()), reference_type: None });
    }
}
