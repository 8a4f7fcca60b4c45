//! A third-party registry's "Full info" page saved as text. The page opens with a summary
//! block (status, phase, study type, sponsor as label line / value line pairs), then the
//! record in numbered sections ("1. Study Identification" ... "12. IPD Sharing Statement"),
//! each a list of label lines ("Study Phase") followed by value lines ("Phase 1, Phase 2").
//! The numbered sections are the main statement of each field; the summary block's values
//! become [`AlsoStated`] entries (or the value itself when the sections do not state it), so
//! normalize can report the page contradicting itself.
//!
//! Sites are the label pairs under "Facility Information:" (a site starts there, at
//! "Facility Name", or at a label the site already has); collaborators, the responsible
//! party, the study ids, acronym, why stopped and the eligibility criteria are label pairs of
//! the numbered sections.

use std::sync::LazyLock;

use regex::Regex;

use super::{find_nct, is_full_info_section, is_type_word, join_block, split_trailing_paren, Line};
use crate::model::{
    AlsoStated, Finding, OutcomeKind, Raw, RawArm, RawIntervention, RawLocation, RawOutcome, RawRecord, RawReference, RawResponsibleParty,
    RawSecondaryId, RawSponsor, Severity, SourceFormat, StatedField,
};

/// What a label line of the numbered sections means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    NctId,
    BriefTitle,
    OfficialTitle,
    StudyType,
    OverallStatus,
    LastKnownStatus,
    StartDate,
    PrimaryCompletionDate,
    CompletionDate,
    FirstPosted,
    LastUpdate,
    Sponsor,
    BriefSummary,
    DetailedDescription,
    Conditions,
    Keywords,
    PrimaryPurpose,
    Phase,
    Model,
    Masking,
    Allocation,
    Enrollment,
    ArmTitle,
    ArmType,
    ArmDescription,
    InterventionType,
    InterventionName,
    InterventionOtherNames,
    InterventionDescription,
    PrimaryOutcomes,
    SecondaryOutcomes,
    OtherOutcomes,
    Title,
    TimeFrame,
    Description,
    Sex,
    MinAge,
    MaxAge,
    HealthyVolunteers,
    Citations,
    Pmid,
    Citation,
    ReferenceType,
    /// Collaborators, one per line.
    Collaborators,
    /// The responsible party's type ("Responsible Party, by Official Title").
    ResponsiblePartyType,
    /// The responsible investigator's name.
    InvestigatorName,
    /// The responsible investigator's title.
    InvestigatorTitle,
    /// The responsible investigator's affiliation.
    InvestigatorAffiliation,
    /// Why the study stopped.
    WhyStopped,
    /// Acronym.
    Acronym,
    /// The sponsor's own study id.
    OrgStudyId,
    /// Secondary ids, one per line.
    SecondaryIds,
    /// The eligibility criteria text.
    Criteria,
    /// "Facility Information:": a site starts.
    Facility,
    /// A site's facility name.
    FacilityName,
    /// A site's city.
    City,
    /// A site's state or province.
    State,
    /// A site's postal code.
    Zip,
    /// A site's country.
    Country,
    /// A site's recruitment status.
    SiteStatus,
    /// A context heading with nothing read under it ("Links:", "Facility Contact:").
    OtherContext,
    /// A known label whose value is not part of the raw record.
    Ignored,
}

const LABELS: &[(&str, Label)] = &[
    ("Unique Protocol Identification Number", Label::NctId),
    ("NCT Number", Label::NctId),
    ("NCT ID", Label::NctId),
    ("ClinicalTrials.gov Identifier", Label::NctId),
    ("Brief Title", Label::BriefTitle),
    ("Official Title", Label::OfficialTitle),
    ("Study Type", Label::StudyType),
    ("Overall Recruitment Status", Label::OverallStatus),
    ("Last Known Status", Label::LastKnownStatus),
    ("Study Start Date", Label::StartDate),
    ("Primary Completion Date", Label::PrimaryCompletionDate),
    ("Study Completion Date", Label::CompletionDate),
    ("First Posted Date", Label::FirstPosted),
    ("First Posted", Label::FirstPosted),
    ("Last Update Posted Date", Label::LastUpdate),
    ("Name of the Sponsor", Label::Sponsor),
    ("Brief Summary", Label::BriefSummary),
    ("Detailed Description", Label::DetailedDescription),
    ("Primary Disease or Condition Being Studied in the Trial, or the Focus of the Study", Label::Conditions),
    ("Conditions", Label::Conditions),
    ("Keywords", Label::Keywords),
    ("Primary Purpose", Label::PrimaryPurpose),
    ("Study Phase", Label::Phase),
    ("Interventional Study Model", Label::Model),
    ("Masking", Label::Masking),
    ("Allocation", Label::Allocation),
    ("Enrollment", Label::Enrollment),
    ("Arm Title", Label::ArmTitle),
    ("Arm Type", Label::ArmType),
    ("Arm Description", Label::ArmDescription),
    ("Intervention Type", Label::InterventionType),
    ("Intervention Name(s)", Label::InterventionName),
    ("Intervention Name", Label::InterventionName),
    ("Other Intervention Name(s)", Label::InterventionOtherNames),
    ("Intervention Description", Label::InterventionDescription),
    ("Primary Outcome Measure Information", Label::PrimaryOutcomes),
    ("Secondary Outcome Measure Information", Label::SecondaryOutcomes),
    ("Other Pre-specified Outcome Measures", Label::OtherOutcomes),
    ("Other Outcome Measure Information", Label::OtherOutcomes),
    ("Title", Label::Title),
    ("Time Frame", Label::TimeFrame),
    ("Description", Label::Description),
    ("Sex", Label::Sex),
    ("Gender", Label::Sex),
    ("Minimum Age & Unit of Time", Label::MinAge),
    ("Minimum Age", Label::MinAge),
    ("Maximum Age & Unit of Time", Label::MaxAge),
    ("Maximum Age", Label::MaxAge),
    ("Accepts Healthy Volunteers", Label::HealthyVolunteers),
    ("Citations", Label::Citations),
    ("PubMed Identifier", Label::Pmid),
    ("Citation", Label::Citation),
    ("Results Reference", Label::ReferenceType),
    ("Reference Type", Label::ReferenceType),
    ("Links", Label::OtherContext),
    ("Overall Study Officials", Label::OtherContext),
    ("Facility Information", Label::Facility),
    ("Facility Contact", Label::OtherContext),
    ("Central Contact Person", Label::OtherContext),
    ("Central Contact Backup", Label::OtherContext),
    ("Available IPD/Information", Label::OtherContext),
    ("Record Verification Date", Label::Ignored),
    ("First Submitted Date", Label::Ignored),
    ("Responsible Party, by Official Title", Label::ResponsiblePartyType),
    ("Investigator Name", Label::InvestigatorName),
    ("Investigator Title", Label::InvestigatorTitle),
    ("Investigator Affiliation", Label::InvestigatorAffiliation),
    ("Collaborators", Label::Collaborators),
    ("Why Stopped", Label::WhyStopped),
    ("Data Monitoring Committee", Label::Ignored),
    ("U.S. FDA-regulated Drug", Label::Ignored),
    ("U.S. FDA-regulated Device", Label::Ignored),
    ("Secondary IDs", Label::SecondaryIds),
    ("Acronym", Label::Acronym),
    ("Number of Arms", Label::Ignored),
    ("Model Description", Label::Ignored),
    ("Masking Description", Label::Ignored),
    ("Observational Study Model", Label::Ignored),
    ("Time Perspective", Label::Ignored),
    ("Biospecimen Retention", Label::Ignored),
    ("Biospecimen Description", Label::Ignored),
    ("Study Population", Label::Ignored),
    ("Sampling Method", Label::Ignored),
    ("Gender Based", Label::Ignored),
    ("Eligibility Criteria", Label::Criteria),
    ("First Name & Middle Initial & Last Name & Degree", Label::Ignored),
    ("Organizational Affiliation", Label::Ignored),
    ("Official's Role", Label::Ignored),
    ("Facility Name", Label::FacilityName),
    ("City", Label::City),
    ("State/Province", Label::State),
    ("ZIP/Postal Code", Label::Zip),
    ("Country", Label::Country),
    ("Individual Site Status", Label::SiteStatus),
    ("Phone", Label::Ignored),
    ("Phone Extension", Label::Ignored),
    ("Email", Label::Ignored),
    ("Plan to Share IPD", Label::Ignored),
    ("IPD Sharing Plan Description", Label::Ignored),
    ("URL", Label::Ignored),
    ("Other Study ID Numbers", Label::OrgStudyId),
    ("Organization's Unique Protocol ID", Label::OrgStudyId),
    ("Organization’s Unique Protocol ID", Label::OrgStudyId),
];

/// Summary-block labels (before the numbered sections).
const HEADER_LABELS: &[&str] = &[
    "Status",
    "Phase",
    "Locations",
    "Study Type",
    "Intervention",
    "Sponsored by",
    "First Posted",
    "Last Updated",
    "Sponsor",
    "Primary Purpose",
];

/// Lines that end the numbered sections (page footer).
const FOOTER: &[&str] = &["Learn more about this trial", "We'll reach out to this number within 24 hrs"];

const NAV: &[&str] = &["search", "Back to results", "Back", "Menu", "Full info", "About", "Eligibility", "Arms", "Outcomes"];

static HEADER_AGES_RE: LazyLock<Regex> = LazyLock::new(|| {
    let age = r"\d+(?:\.\d+)?\s+(?:Years?|Months?|Weeks?|Days?|Hours?|Minutes?)";
    Regex::new(&format!(r"(?i)^({age})\s*(?:-|to)\s*({age})|^({age})\s+(?:and|or)\s+(?:older|over)")).expect("valid regex")
});

fn label_of(norm: &str) -> Option<Label> {
    let t = norm.trim_end_matches(':').trim();
    LABELS.iter().find(|(l, _)| t.eq_ignore_ascii_case(l)).map(|(_, k)| *k)
}

struct Pair<'b, 'a> {
    label: Label,
    name: &'b str,
    no: u32,
    values: Vec<&'b Line<'a>>,
}

fn finding(r: &mut RawRecord, severity: Severity, field: &str, line: u32, message: String) {
    r.findings.push(Finding { severity, field: Some(field.to_string()), line, message });
}

/// Reads a "Full info" page.
pub(crate) fn read(path: &str, lines: &[Line<'_>]) -> RawRecord {
    let start = lines.iter().find(|l| !l.is_blank()).map_or(1, |l| l.no);
    let mut r = RawRecord::new(path, SourceFormat::ThirdPartyFullInfo, start);
    let first_section = lines.iter().position(|l| is_full_info_section(&l.norm));
    // Without numbered sections (a variant that lost them), the label pairs are read from
    // the whole text.
    let (header, body) = match first_section {
        Some(p) => lines.split_at(p),
        None => (&lines[..0], lines),
    };
    let pairs = pairs(body);
    read_pairs(&mut r, &pairs);
    read_header(&mut r, header);
    r
}

fn pairs<'b, 'a>(body: &'b [Line<'a>]) -> Vec<Pair<'b, 'a>> {
    let mut out: Vec<Pair<'b, 'a>> = Vec::new();
    let mut in_section = true;
    for l in body {
        if l.is_blank() {
            continue;
        }
        if FOOTER.iter().any(|f| l.norm.eq_ignore_ascii_case(f)) {
            in_section = false;
            continue;
        }
        if is_full_info_section(&l.norm) {
            in_section = true;
            out.push(Pair { label: Label::OtherContext, name: l.text, no: l.no, values: Vec::new() });
            continue;
        }
        if !in_section {
            continue;
        }
        if let Some(label) = label_of(&l.norm) {
            out.push(Pair { label, name: l.text, no: l.no, values: Vec::new() });
        } else if let Some(p) = out.last_mut() {
            p.values.push(l);
        }
    }
    out
}

/// The one-line value of a pair; extra lines are reported, not silently dropped.
fn scalar(r: &mut RawRecord, p: &Pair<'_, '_>, field: &str) -> Option<Raw> {
    let first = p.values.first()?;
    if p.values.len() > 1 {
        let extra: Vec<u32> = p.values.iter().skip(1).map(|l| l.no).collect();
        finding(
            r,
            Severity::Warning,
            field,
            first.no,
            format!("{} unrecognised line(s) after '{}' (lines {:?}) not read", extra.len(), p.name.trim_end_matches(':'), extra),
        );
    }
    Raw::non_empty(first.text, first.no)
}

fn text_block(p: &Pair<'_, '_>) -> Option<Raw> {
    join_block(&p.values).map(|(t, no)| Raw::new(t, no))
}

fn put(slot: &mut Option<Raw>, also: &mut Vec<AlsoStated>, field: StatedField, v: Option<Raw>) {
    let Some(v) = v else { return };
    match slot {
        None => *slot = Some(v),
        Some(_) => also.push(AlsoStated { field, value: v }),
    }
}

/// Splits "December 2013 (Anticipated)" into the value and its type word.
fn with_type(v: Raw) -> (Raw, Option<Raw>) {
    let (a, paren) = split_trailing_paren(&v.text);
    match paren {
        Some(p) if is_type_word(p) => (Raw::new(a, v.line), Some(Raw::new(p, v.line))),
        _ => (v, None),
    }
}

#[derive(Default)]
struct RefBuilder {
    r: Option<RawReference>,
}

impl RefBuilder {
    fn cur(&mut self, out: &mut Vec<RawReference>, clash: impl Fn(&RawReference) -> bool) -> &mut RawReference {
        if self.r.as_ref().is_some_and(&clash) {
            if let Some(done) = self.r.take() {
                out.push(done);
            }
        }
        self.r.get_or_insert(RawReference { pmid: None, doi: None, citation: None, reference_type: None })
    }
    fn finish(&mut self, out: &mut Vec<RawReference>) {
        if let Some(done) = self.r.take() {
            out.push(done);
        }
    }
}

/// The labels whose value goes straight into one field of the record: the field, whether the
/// value is a text block (else a scalar), and what a second statement is.
type Slot = fn(&mut RawRecord) -> &mut Option<Raw>;

fn simple_field(label: Label) -> Option<(Slot, StatedField, bool)> {
    Some(match label {
        Label::BriefTitle => (|r| &mut r.brief_title, StatedField::BriefTitle, true),
        Label::OfficialTitle => (|r| &mut r.official_title, StatedField::OfficialTitle, true),
        Label::BriefSummary => (|r| &mut r.brief_summary, StatedField::BriefSummary, true),
        Label::DetailedDescription => (|r| &mut r.detailed_description, StatedField::DetailedDescription, true),
        Label::StudyType => (|r| &mut r.study_type, StatedField::StudyType, false),
        Label::OverallStatus => (|r| &mut r.overall_status, StatedField::OverallStatus, false),
        Label::LastKnownStatus => (|r| &mut r.last_known_status, StatedField::LastKnownStatus, false),
        Label::FirstPosted => (|r| &mut r.first_posted_date, StatedField::FirstPostedDate, false),
        Label::LastUpdate => (|r| &mut r.last_update_date, StatedField::LastUpdateDate, false),
        Label::Sponsor => (|r| &mut r.lead_sponsor, StatedField::LeadSponsor, false),
        Label::PrimaryPurpose => (|r| &mut r.primary_purpose, StatedField::PrimaryPurpose, false),
        Label::Model => (|r| &mut r.intervention_model, StatedField::InterventionModel, false),
        Label::Masking => (|r| &mut r.masking, StatedField::Masking, false),
        Label::Allocation => (|r| &mut r.allocation, StatedField::Allocation, false),
        Label::Sex => (|r| &mut r.sex, StatedField::Sex, false),
        Label::MinAge => (|r| &mut r.min_age, StatedField::MinAgeYears, false),
        Label::MaxAge => (|r| &mut r.max_age, StatedField::MaxAgeYears, false),
        Label::HealthyVolunteers => (|r| &mut r.healthy_volunteers, StatedField::HealthyVolunteers, false),
        _ => return None,
    })
}

/// Where the reader is in the numbered sections: the outcome list, the arm and
/// the intervention being read, and the references being assembled.
#[derive(Default)]
struct Sections {
    kind: Option<OutcomeKind>,
    arm: Option<usize>,
    iv: Option<usize>,
    refs: RefBuilder,
    references: Vec<RawReference>,
    /// Inside "Facility Information:" (site labels are read only there).
    in_facility: bool,
    /// "Facility Information:" was just read: the next site label starts a site.
    new_site: bool,
}

fn read_pairs(r: &mut RawRecord, pairs: &[Pair<'_, '_>]) {
    let mut st = Sections::default();
    for p in pairs {
        if let Some((slot, field, block)) = simple_field(p.label) {
            let v = if block { text_block(p) } else { scalar(r, p, field.as_str()) };
            let mut also = std::mem::take(&mut r.also_stated);
            put(slot(r), &mut also, field, v);
            r.also_stated = also;
            continue;
        }
        match p.label {
            Label::OtherContext => {
                st.kind = None;
                // A numbered section or another context ends the site list; a facility's
                // contact block does not.
                if !p.name.to_ascii_lowercase().starts_with("facility contact") {
                    st.in_facility = false;
                }
            }
            Label::Facility | Label::FacilityName | Label::City | Label::State | Label::Zip | Label::Country | Label::SiteStatus => {
                st.site_pair(r, p)
            }
            Label::Collaborators => {
                for l in &p.values {
                    if let Some(name) = Raw::non_empty(l.text, l.no) {
                        if !r.collaborators.iter().any(|c| c.name.text == name.text) {
                            r.collaborators.push(RawSponsor { name, agency_class: None });
                        }
                    }
                }
            }
            Label::ResponsiblePartyType | Label::InvestigatorName | Label::InvestigatorTitle | Label::InvestigatorAffiliation => {
                let v = scalar(r, p, "responsible_party");
                let rp =
                    r.responsible_party.get_or_insert(RawResponsibleParty { party_type: None, name: None, title: None, affiliation: None });
                let slot = match p.label {
                    Label::ResponsiblePartyType => &mut rp.party_type,
                    Label::InvestigatorName => &mut rp.name,
                    Label::InvestigatorTitle => &mut rp.title,
                    _ => &mut rp.affiliation,
                };
                if slot.is_none() {
                    *slot = v;
                }
            }
            Label::WhyStopped => {
                let v = text_block(p);
                if r.why_stopped.is_none() {
                    r.why_stopped = v;
                }
            }
            Label::Acronym => {
                let v = scalar(r, p, "acronym");
                if r.acronym.is_none() {
                    r.acronym = v;
                }
            }
            Label::OrgStudyId => {
                // The sponsor's id first; further lines are other ids of the study.
                let mut values = p.values.iter();
                if let Some(l) = values.next() {
                    match &r.org_study_id {
                        None => r.org_study_id = Raw::non_empty(l.text, l.no),
                        Some(_) => push_secondary_id(r, l),
                    }
                }
                for l in values {
                    push_secondary_id(r, l);
                }
            }
            Label::SecondaryIds => {
                for l in &p.values {
                    push_secondary_id(r, l);
                }
            }
            Label::Criteria => {
                let v = text_block(p);
                match (&r.eligibility_criteria, v) {
                    (None, v) => r.eligibility_criteria = v,
                    (Some(_), Some(v)) => {
                        finding(r, Severity::Warning, "eligibility_criteria", v.line, "a second criteria text not read".into())
                    }
                    (Some(_), None) => {}
                }
            }
            Label::Ignored => {}
            Label::NctId => read_nct_id(r, p),
            Label::StartDate | Label::PrimaryCompletionDate | Label::CompletionDate => read_date(r, p),
            Label::Conditions => r.conditions.extend(p.values.iter().filter_map(|l| Raw::non_empty(l.text, l.no))),
            Label::Keywords => r.keywords.extend(p.values.iter().filter_map(|l| Raw::non_empty(l.text, l.no))),
            Label::Phase => {
                if let Some(v) = scalar(r, p, "phase") {
                    r.phases.push(v);
                }
            }
            Label::Enrollment => {
                if let Some(v) = scalar(r, p, "enrollment") {
                    let (n, t) = with_type(v);
                    put(&mut r.enrollment, &mut r.also_stated, StatedField::Enrollment, Some(n));
                    put(&mut r.enrollment_type, &mut r.also_stated, StatedField::EnrollmentType, t);
                }
            }
            Label::ArmTitle | Label::ArmType | Label::ArmDescription => st.arm_pair(r, p),
            Label::InterventionType | Label::InterventionName | Label::InterventionOtherNames | Label::InterventionDescription => {
                st.intervention_pair(r, p)
            }
            Label::PrimaryOutcomes
            | Label::SecondaryOutcomes
            | Label::OtherOutcomes
            | Label::Title
            | Label::TimeFrame
            | Label::Description => st.outcome_pair(r, p),
            Label::Citations | Label::Pmid | Label::Citation | Label::ReferenceType => st.reference_pair(r, p),
            _ => {}
        }
    }
    st.refs.finish(&mut st.references);
    r.references.extend(st.references);
    // An intervention whose name was never stated cannot be kept under an empty name.
    let before = r.interventions.len();
    r.interventions.retain(|x| !x.name.text.is_empty());
    if r.interventions.len() != before {
        finding(r, Severity::Warning, "interventions", 0, "'Intervention Type' without an intervention name".into());
    }
}

/// A secondary id line (kept as stated, a repeated id too: the registry lists one id under
/// several types).
fn push_secondary_id(r: &mut RawRecord, l: &Line<'_>) {
    let Some(id) = Raw::non_empty(l.text, l.no) else { return };
    r.secondary_ids.push(RawSecondaryId { id, id_type: None, domain: None, link: None });
}

fn read_nct_id(r: &mut RawRecord, p: &Pair<'_, '_>) {
    match p.values.iter().find_map(|l| find_nct(l.text).map(|n| Raw::new(n, l.no))) {
        // The first NCT number stated is the record's (a second one is a link).
        Some(n) => {
            if r.nct_id.is_none() {
                r.nct_id = Some(n);
            }
        }
        None => {
            if p.name.to_ascii_lowercase().starts_with("nct") {
                finding(r, Severity::Warning, "nct_id", p.no, "NCT label without an NCT number".into());
            }
        }
    }
}

/// "Start Date: June 2009 (Anticipated)" and the two completion dates: the date and its type.
fn read_date(r: &mut RawRecord, p: &Pair<'_, '_>) {
    let (field, field_ty) = match p.label {
        Label::StartDate => (StatedField::StartDate, StatedField::StartDateType),
        Label::PrimaryCompletionDate => (StatedField::PrimaryCompletionDate, StatedField::PrimaryCompletionDateType),
        _ => (StatedField::CompletionDate, StatedField::CompletionDateType),
    };
    if let Some(v) = scalar(r, p, field.as_str()) {
        let (d, t) = with_type(v);
        let (slot, slot_ty) = match p.label {
            Label::StartDate => (&mut r.start_date, &mut r.start_date_type),
            Label::PrimaryCompletionDate => (&mut r.primary_completion_date, &mut r.primary_completion_date_type),
            _ => (&mut r.completion_date, &mut r.completion_date_type),
        };
        put(slot, &mut r.also_stated, field, Some(d));
        put(slot_ty, &mut r.also_stated, field_ty, t);
    }
}

impl Sections {
    fn arm_pair(&mut self, r: &mut RawRecord, p: &Pair<'_, '_>) {
        match p.label {
            Label::ArmTitle => {
                self.kind = None;
                if let Some(label) = text_block(p) {
                    r.arms.push(RawArm { label, arm_type: None, description: None, intervention_names: Vec::new() });
                    self.arm = Some(r.arms.len() - 1);
                    self.iv = None;
                }
            }
            Label::ArmType => {
                let v = scalar(r, p, "arms");
                match self.arm.and_then(|a| r.arms.get_mut(a)) {
                    Some(a) if a.arm_type.is_none() => a.arm_type = v,
                    _ => finding(r, Severity::Warning, "arms", p.no, "'Arm Type' outside an arm".into()),
                }
            }
            _ => {
                let v = text_block(p);
                match self.arm.and_then(|a| r.arms.get_mut(a)) {
                    Some(a) if a.description.is_none() => a.description = v,
                    _ => finding(r, Severity::Warning, "arms", p.no, "'Arm Description' outside an arm".into()),
                }
            }
        }
    }

    fn intervention_pair(&mut self, r: &mut RawRecord, p: &Pair<'_, '_>) {
        match p.label {
            Label::InterventionType => {
                let v = scalar(r, p, "interventions");
                let need_new = self.iv.and_then(|i| r.interventions.get(i)).is_none_or(|x| x.intervention_type.is_some());
                if need_new {
                    // The type comes before the name: a placeholder name until it is read.
                    r.interventions.push(RawIntervention {
                        intervention_type: v,
                        name: Raw::new("", p.no),
                        description: None,
                        other_names: Vec::new(),
                        arm_labels: Vec::new(),
                    });
                    self.iv = Some(r.interventions.len() - 1);
                } else if let Some(x) = self.iv.and_then(|i| r.interventions.get_mut(i)) {
                    x.intervention_type = v;
                }
            }
            Label::InterventionName => {
                let Some(name) = text_block(p) else { return };
                let has_name = self.iv.and_then(|i| r.interventions.get(i)).is_none_or(|x| !x.name.text.is_empty());
                if has_name {
                    r.interventions.push(RawIntervention {
                        intervention_type: None,
                        name: name.clone(),
                        description: None,
                        other_names: Vec::new(),
                        arm_labels: Vec::new(),
                    });
                    self.iv = Some(r.interventions.len() - 1);
                } else if let Some(x) = self.iv.and_then(|i| r.interventions.get_mut(i)) {
                    x.name = name.clone();
                }
                // The one arm of a single-arm study receives it. With several arms the page
                // lists every arm, then every intervention, without saying which arm gets
                // which: no link is made rather than a guessed one.
                let single_arm = r.arms.len() == 1;
                if let Some(a) = self.arm.filter(|_| single_arm).and_then(|a| r.arms.get_mut(a)) {
                    a.intervention_names.push(name);
                    let label = a.label.clone();
                    if let Some(x) = self.iv.and_then(|i| r.interventions.get_mut(i)) {
                        x.arm_labels.push(label);
                    }
                }
            }
            Label::InterventionOtherNames => {
                if let Some(x) = self.iv.and_then(|i| r.interventions.get_mut(i)) {
                    x.other_names.extend(p.values.iter().filter_map(|l| Raw::non_empty(l.text, l.no)));
                } else {
                    finding(r, Severity::Warning, "interventions", p.no, "other names outside an intervention".into());
                }
            }
            _ => {
                let v = text_block(p);
                match self.iv.and_then(|i| r.interventions.get_mut(i)) {
                    Some(x) if x.description.is_none() => x.description = v,
                    _ => finding(r, Severity::Warning, "interventions", p.no, "description outside an intervention".into()),
                }
            }
        }
    }

    fn outcome_pair(&mut self, r: &mut RawRecord, p: &Pair<'_, '_>) {
        match p.label {
            Label::PrimaryOutcomes => self.kind = Some(OutcomeKind::Primary),
            Label::SecondaryOutcomes => self.kind = Some(OutcomeKind::Secondary),
            Label::OtherOutcomes => self.kind = Some(OutcomeKind::Other),
            Label::Title => match (self.kind, text_block(p)) {
                (Some(k), Some(measure)) => r.outcomes.push(RawOutcome { kind: k, measure, description: None, time_frame: None }),
                _ => finding(r, Severity::Info, "outcomes", p.no, "'Title' outside an outcome list not read".into()),
            },
            Label::TimeFrame => {
                let v = text_block(p);
                match (self.kind, r.outcomes.last_mut()) {
                    (Some(_), Some(o)) if o.time_frame.is_none() => o.time_frame = v,
                    _ => finding(r, Severity::Warning, "outcomes", p.no, "'Time Frame' without its outcome title".into()),
                }
            }
            // A description: of the outcome being read; link descriptions (in citations) and
            // stray ones are not part of the record.
            _ => {
                if self.kind.is_some() {
                    let v = text_block(p);
                    match r.outcomes.last_mut() {
                        Some(o) if o.description.is_none() => o.description = v,
                        _ => finding(r, Severity::Warning, "outcomes", p.no, "'Description' without its outcome title".into()),
                    }
                }
            }
        }
    }

    /// "Facility Information:" and the site labels under it: a new site starts at
    /// "Facility Information:", at "Facility Name", and at a label the current site already
    /// has a value for.
    fn site_pair(&mut self, r: &mut RawRecord, p: &Pair<'_, '_>) {
        self.kind = None;
        if p.label == Label::Facility {
            self.in_facility = true;
            self.new_site = true;
            return;
        }
        if !self.in_facility {
            finding(r, Severity::Info, "locations", p.no, format!("'{}' outside 'Facility Information' not read", p.name));
            return;
        }
        let v = scalar(r, p, "locations");
        let taken = |l: &RawLocation| match p.label {
            Label::FacilityName => l.facility.is_some() || l.city.is_some() || l.country.is_some(),
            Label::City => l.city.is_some(),
            Label::State => l.state.is_some(),
            Label::Zip => l.zip.is_some(),
            Label::Country => l.country.is_some(),
            _ => l.status.is_some(),
        };
        if self.new_site || r.locations.last().is_none_or(taken) {
            r.locations.push(empty_location());
            self.new_site = false;
        }
        if let Some(l) = r.locations.last_mut() {
            let slot = match p.label {
                Label::FacilityName => &mut l.facility,
                Label::City => &mut l.city,
                Label::State => &mut l.state,
                Label::Zip => &mut l.zip,
                Label::Country => &mut l.country,
                _ => &mut l.status,
            };
            *slot = v;
        }
    }

    fn reference_pair(&mut self, r: &mut RawRecord, p: &Pair<'_, '_>) {
        match p.label {
            Label::Citations => self.kind = None,
            Label::Pmid => {
                let v = scalar(r, p, "references");
                let cur = self.refs.cur(&mut self.references, |x| x.pmid.is_some() || x.reference_type.is_some());
                cur.pmid = v;
            }
            Label::Citation => {
                let v = text_block(p);
                let cur = self.refs.cur(&mut self.references, |x| x.citation.is_some() || x.reference_type.is_some());
                cur.citation = v;
            }
            _ => {
                let v = scalar(r, p, "references");
                let cur = self.refs.cur(&mut self.references, |x| x.reference_type.is_some());
                cur.reference_type = v;
            }
        }
    }
}

fn empty_location() -> RawLocation {
    RawLocation { facility: None, city: None, state: None, zip: None, country: None, status: None, latitude: None, longitude: None }
}

/// The summary block above the numbered sections.
fn read_header(r: &mut RawRecord, header: &[Line<'_>]) {
    let nonblank: Vec<&Line<'_>> = header.iter().filter(|l| !l.is_blank()).collect();
    let is_header_label = |s: &str| HEADER_LABELS.iter().any(|h| s.eq_ignore_ascii_case(h));
    let title = nonblank.iter().find(|l| !NAV.iter().any(|n| l.norm.eq_ignore_ascii_case(n)) && !is_header_label(&l.norm));
    if let Some(t) = title {
        put(&mut r.brief_title, &mut r.also_stated, StatedField::BriefTitle, Raw::non_empty(t.text, t.no));
    }
    for (n, l) in nonblank.iter().enumerate() {
        if let Some(c) = HEADER_AGES_RE.captures(&l.norm) {
            let min = c.get(1).or_else(|| c.get(3)).and_then(|m| Raw::non_empty(m.as_str(), l.no));
            let max = c.get(2).and_then(|m| Raw::non_empty(m.as_str(), l.no));
            put(&mut r.min_age, &mut r.also_stated, StatedField::MinAgeYears, min);
            put(&mut r.max_age, &mut r.also_stated, StatedField::MaxAgeYears, max);
            continue;
        }
        let Some(next) = nonblank.get(n + 1) else { continue };
        if is_header_label(&next.norm) {
            continue;
        }
        let v = Raw::non_empty(next.text, next.no);
        let label = l.norm.as_ref();
        if label.eq_ignore_ascii_case("Status") {
            put(&mut r.overall_status, &mut r.also_stated, StatedField::OverallStatus, v);
        } else if label.eq_ignore_ascii_case("Phase") {
            match v {
                Some(v) if r.phases.is_empty() => r.phases.push(v),
                Some(v) => r.also_stated.push(AlsoStated { field: StatedField::Phase, value: v }),
                None => {}
            }
        } else if label.eq_ignore_ascii_case("Study Type") {
            put(&mut r.study_type, &mut r.also_stated, StatedField::StudyType, v);
        } else if label.eq_ignore_ascii_case("Sponsored by") || label.eq_ignore_ascii_case("Sponsor") {
            put(&mut r.lead_sponsor, &mut r.also_stated, StatedField::LeadSponsor, v);
        } else if label.eq_ignore_ascii_case("First Posted") {
            put(&mut r.first_posted_date, &mut r.also_stated, StatedField::FirstPostedDate, v);
        } else if label.eq_ignore_ascii_case("Last Updated") {
            put(&mut r.last_update_date, &mut r.also_stated, StatedField::LastUpdateDate, v);
        }
    }
}
