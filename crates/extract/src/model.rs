//! The raw record: what a reader found in one input record, as text, with the line it came
//! from. Every reader (page-text layouts, API v2 JSON, legacy XML) fills this same shape, so
//! the normalize stage has one input whatever the form, and an analyst can always trace a
//! value back to a line of a file.

use serde::{Deserialize, Serialize};

/// One value as the source states it, with the 1-based line it starts on (0 when the form has
/// no useful line, e.g. a minified JSON document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Raw {
    /// The text exactly as stated (whitespace collapsed at the ends only).
    pub text: String,
    /// 1-based line in the source file (0 = unknown).
    pub line: u32,
}

impl Raw {
    /// A raw value from text and line; surrounding whitespace is trimmed.
    pub fn new(text: impl AsRef<str>, line: u32) -> Raw {
        Raw { text: text.as_ref().trim().to_string(), line }
    }

    /// Like [`Raw::new`] but `None` when the trimmed text is empty.
    pub fn non_empty(text: impl AsRef<str>, line: u32) -> Option<Raw> {
        let t = text.as_ref().trim();
        if t.is_empty() {
            None
        } else {
            Some(Raw { text: t.to_string(), line })
        }
    }

    /// [`Raw::non_empty`] of a string the caller owns: kept as it is (not copied) unless it
    /// has space to trim.
    pub fn non_empty_owned(text: String, line: u32) -> Option<Raw> {
        if !text.is_empty() && text.trim().len() == text.len() {
            Some(Raw { text, line })
        } else {
            Raw::non_empty(text, line)
        }
    }
}

/// The input form or page layout a record was read from. The string names are written to the
/// `trials.source_format` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SourceFormat {
    /// Classic ClinicalTrials.gov study page, 2014-era print ("Purpose", "Condition
    /// Intervention Phase", "[ Time Frame: ... ]").
    CtgovClassic2014,
    /// Classic ClinicalTrials.gov study page, 2018-era print ("Layout table for ...").
    CtgovClassic2018,
    /// Third-party registry "Full info" page with numbered sections.
    ThirdPartyFullInfo,
    /// Modern ClinicalTrials.gov page text (2023+), bare or labelled values.
    CtgovModern,
    /// ClinicalTrials.gov API v2 JSON (single study, array, page object, JSON Lines).
    CtgovApiV2Json,
    /// ClinicalTrials.gov API v1 full-study JSON (retired in 2024; `ProtocolSection`,
    /// `FullStudy`, `FullStudiesResponse`).
    CtgovApiV1Json,
    /// Legacy ClinicalTrials.gov XML (`<clinical_study>`).
    CtgovLegacyXml,
}

impl SourceFormat {
    /// The stable snake_case name used in the output tables.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::CtgovClassic2014 => "ctgov_classic_2014",
            SourceFormat::CtgovClassic2018 => "ctgov_classic_2018",
            SourceFormat::ThirdPartyFullInfo => "third_party_full_info",
            SourceFormat::CtgovModern => "ctgov_modern",
            SourceFormat::CtgovApiV2Json => "ctgov_api_v2_json",
            SourceFormat::CtgovApiV1Json => "ctgov_api_v1_json",
            SourceFormat::CtgovLegacyXml => "ctgov_legacy_xml",
        }
    }
}

/// Which list an outcome measure was stated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum OutcomeKind {
    /// Primary outcome measure.
    Primary,
    /// Secondary outcome measure.
    Secondary,
    /// Other pre-specified outcome measure.
    Other,
}

impl OutcomeKind {
    /// API v2 spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Primary => "PRIMARY",
            OutcomeKind::Secondary => "SECONDARY",
            OutcomeKind::Other => "OTHER",
        }
    }
}

/// An arm (or group) of the study as stated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawArm {
    /// Arm label ("Arm Title", `armGroupLabel`, `arm_group_label`).
    pub label: Raw,
    /// Arm type as stated ("Experimental", "EXPERIMENTAL", "Active Comparator").
    pub arm_type: Option<Raw>,
    /// Arm description.
    pub description: Option<Raw>,
    /// Names of the interventions this arm receives, as the source links them.
    pub intervention_names: Vec<Raw>,
}

/// An intervention as stated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawIntervention {
    /// Intervention type as stated ("Biological", "BIOLOGICAL", "Drug").
    pub intervention_type: Option<Raw>,
    /// Intervention name.
    pub name: Raw,
    /// Intervention description.
    pub description: Option<Raw>,
    /// Other names ("Other Intervention Name(s)", `otherNames`).
    pub other_names: Vec<Raw>,
    /// Labels of the arms that receive it, as the source links them.
    pub arm_labels: Vec<Raw>,
}

/// An outcome measure as stated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawOutcome {
    /// Primary, secondary or other.
    pub kind: OutcomeKind,
    /// The measure (title).
    pub measure: Raw,
    /// Its description.
    pub description: Option<Raw>,
    /// The time frame text, unparsed.
    pub time_frame: Option<Raw>,
}

/// A literature reference as stated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawReference {
    /// PubMed identifier.
    pub pmid: Option<Raw>,
    /// DOI when the source gives one as a field (otherwise normalize looks in the citation).
    pub doi: Option<Raw>,
    /// Citation text.
    pub citation: Option<Raw>,
    /// Reference type as stated ("background", "RESULT", "Results Reference: derived").
    pub reference_type: Option<Raw>,
}

/// A field that a page can state twice (a header and a section, two sections): the
/// contract column it belongs to. Normalize decides, per variant, whether the second statement
/// is compared with the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatedField {
    /// `allocation`.
    Allocation,
    /// `brief_summary`.
    BriefSummary,
    /// `brief_title`.
    BriefTitle,
    /// `completion_date`.
    CompletionDate,
    /// `completion_date_type`.
    CompletionDateType,
    /// `detailed_description`.
    DetailedDescription,
    /// `enrollment`.
    Enrollment,
    /// `enrollment_type`.
    EnrollmentType,
    /// `first_posted_date`.
    FirstPostedDate,
    /// `healthy_volunteers`.
    HealthyVolunteers,
    /// `intervention_model`.
    InterventionModel,
    /// `last_known_status`.
    LastKnownStatus,
    /// `last_update_date`.
    LastUpdateDate,
    /// `lead_sponsor`.
    LeadSponsor,
    /// `masking`.
    Masking,
    /// `max_age_years`.
    MaxAgeYears,
    /// `min_age_years`.
    MinAgeYears,
    /// `official_title`.
    OfficialTitle,
    /// `overall_status`.
    OverallStatus,
    /// `phase`.
    Phase,
    /// `primary_completion_date`.
    PrimaryCompletionDate,
    /// `primary_completion_date_type`.
    PrimaryCompletionDateType,
    /// `primary_purpose`.
    PrimaryPurpose,
    /// `sex`.
    Sex,
    /// `start_date`.
    StartDate,
    /// `start_date_type`.
    StartDateType,
    /// `study_type`.
    StudyType,
}

impl StatedField {
    /// Every variant.
    pub const ALL: [StatedField; 27] = [
        StatedField::Allocation,
        StatedField::BriefSummary,
        StatedField::BriefTitle,
        StatedField::CompletionDate,
        StatedField::CompletionDateType,
        StatedField::DetailedDescription,
        StatedField::Enrollment,
        StatedField::EnrollmentType,
        StatedField::FirstPostedDate,
        StatedField::HealthyVolunteers,
        StatedField::InterventionModel,
        StatedField::LastKnownStatus,
        StatedField::LastUpdateDate,
        StatedField::LeadSponsor,
        StatedField::Masking,
        StatedField::MaxAgeYears,
        StatedField::MinAgeYears,
        StatedField::OfficialTitle,
        StatedField::OverallStatus,
        StatedField::Phase,
        StatedField::PrimaryCompletionDate,
        StatedField::PrimaryCompletionDateType,
        StatedField::PrimaryPurpose,
        StatedField::Sex,
        StatedField::StartDate,
        StatedField::StartDateType,
        StatedField::StudyType,
    ];

    /// The column name.
    pub fn as_str(self) -> &'static str {
        match self {
            StatedField::Allocation => "allocation",
            StatedField::BriefSummary => "brief_summary",
            StatedField::BriefTitle => "brief_title",
            StatedField::CompletionDate => "completion_date",
            StatedField::CompletionDateType => "completion_date_type",
            StatedField::DetailedDescription => "detailed_description",
            StatedField::Enrollment => "enrollment",
            StatedField::EnrollmentType => "enrollment_type",
            StatedField::FirstPostedDate => "first_posted_date",
            StatedField::HealthyVolunteers => "healthy_volunteers",
            StatedField::InterventionModel => "intervention_model",
            StatedField::LastKnownStatus => "last_known_status",
            StatedField::LastUpdateDate => "last_update_date",
            StatedField::LeadSponsor => "lead_sponsor",
            StatedField::Masking => "masking",
            StatedField::MaxAgeYears => "max_age_years",
            StatedField::MinAgeYears => "min_age_years",
            StatedField::OfficialTitle => "official_title",
            StatedField::OverallStatus => "overall_status",
            StatedField::Phase => "phase",
            StatedField::PrimaryCompletionDate => "primary_completion_date",
            StatedField::PrimaryCompletionDateType => "primary_completion_date_type",
            StatedField::PrimaryPurpose => "primary_purpose",
            StatedField::Sex => "sex",
            StatedField::StartDate => "start_date",
            StatedField::StartDateType => "start_date_type",
            StatedField::StudyType => "study_type",
        }
    }
}

/// A second statement of a scalar field found elsewhere in the same record (a page header
/// that says "Phase 1" while the design section says "Phase 1, Phase 2"). Normalize compares
/// it with the main value and logs a conflict in `record_issues` when they differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlsoStated {
    /// The contract column the value belongs to (`phase`, `min_age_years`, ...).
    pub field: StatedField,
    /// The value as stated there.
    pub value: Raw,
}

/// A finding made while reading a record (not a whole-file failure).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// ERROR, WARNING or INFO.
    pub severity: Severity,
    /// The field concerned, when there is one.
    pub field: Option<String>,
    /// 1-based line (0 = unknown).
    pub line: u32,
    /// What was found.
    pub message: String,
}

/// Severity of a data-quality finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Data was lost: a record or a value could not be read.
    Error,
    /// A value is doubtful or conflicting; the row is kept.
    Warning,
    /// Worth knowing; nothing was lost.
    Info,
}

impl Severity {
    /// Upper-case name written to `record_issues.severity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
            Severity::Info => "INFO",
        }
    }
}

/// A sponsor or collaborator as stated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawSponsor {
    /// Organisation (or person) name.
    pub name: Raw,
    /// Agency class as stated (API v2: INDUSTRY, NIH, FED, OTHER_GOV, INDIV, NETWORK, AMBIG,
    /// OTHER, UNKNOWN; legacy XML `agency_class`: "Industry", "NIH", "U.S. Fed", "Other").
    pub agency_class: Option<Raw>,
}

/// The responsible party as stated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawResponsibleParty {
    /// SPONSOR / PRINCIPAL_INVESTIGATOR / SPONSOR_INVESTIGATOR as stated.
    pub party_type: Option<Raw>,
    /// Investigator name, when the party is a person.
    pub name: Option<Raw>,
    /// Investigator title.
    pub title: Option<Raw>,
    /// Investigator affiliation.
    pub affiliation: Option<Raw>,
}

/// A study site as stated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawLocation {
    /// Facility name.
    pub facility: Option<Raw>,
    /// City.
    pub city: Option<Raw>,
    /// State or province.
    pub state: Option<Raw>,
    /// Postal code.
    pub zip: Option<Raw>,
    /// Country.
    pub country: Option<Raw>,
    /// Site recruitment status as stated ("RECRUITING", "Recruiting").
    pub status: Option<Raw>,
    /// Latitude as stated (API v2 `geoPoint.lat`).
    pub latitude: Option<Raw>,
    /// Longitude as stated.
    pub longitude: Option<Raw>,
}

/// A secondary identifier as stated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawSecondaryId {
    /// The identifier.
    pub id: Raw,
    /// Its type as stated (API v2: NIH, FDA, VA, CDC, AHRQ, SAMHSA, OTHER_GRANT,
    /// EUDRACT_NUMBER, CTIS, REGISTRY, OTHER).
    pub id_type: Option<Raw>,
    /// Issuing registry or organisation.
    pub domain: Option<Raw>,
    /// Link, when stated.
    pub link: Option<Raw>,
}

/// A MeSH term the registry derived for a condition or an intervention.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawMeshTerm {
    /// MeSH heading.
    pub term: Raw,
    /// MeSH descriptor id ("D009103"), when stated.
    pub mesh_id: Option<Raw>,
    /// True for an ancestor of a direct match (API v2 `ancestors`), false for a direct match.
    pub ancestor: bool,
}

/// Everything one reader found about one trial record. Scalars are `None` when the source
/// does not state them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawRecord {
    /// The input path (for archive members: `archive.zip!member.json`).
    pub source_path: String,
    /// Detected form or layout.
    pub source_format: SourceFormat,
    /// 1-based line where the record starts (0 = unknown).
    pub line: u32,
    /// NCT number.
    pub nct_id: Option<Raw>,
    /// Brief title.
    pub brief_title: Option<Raw>,
    /// Official title.
    pub official_title: Option<Raw>,
    /// Overall (recruitment) status as stated.
    pub overall_status: Option<Raw>,
    /// Last known status (when the overall status is unknown).
    pub last_known_status: Option<Raw>,
    /// Study type as stated.
    pub study_type: Option<Raw>,
    /// Phases as stated: one entry per statement; an entry may hold several phases
    /// ("Phase 1/Phase 2", "Phase 1, Phase 2", "PHASE1").
    pub phases: Vec<Raw>,
    /// Allocation.
    pub allocation: Option<Raw>,
    /// Intervention model.
    pub intervention_model: Option<Raw>,
    /// The intervention model's description, free text (API v2 `interventionModelDescription`,
    /// legacy XML `<intervention_model_description>`): designs often state cohorts' doses and
    /// schedules there.
    pub intervention_model_description: Option<Raw>,
    /// Masking.
    pub masking: Option<Raw>,
    /// Primary purpose.
    pub primary_purpose: Option<Raw>,
    /// Enrollment count as stated ("20", "18 participants", "40 (Anticipated)").
    pub enrollment: Option<Raw>,
    /// Enrollment type as stated ("Estimated", "Anticipated", "ACTUAL"), when separate.
    pub enrollment_type: Option<Raw>,
    /// Study start date as stated.
    pub start_date: Option<Raw>,
    /// Start date type (ACTUAL/ESTIMATED/Anticipated) when separate.
    pub start_date_type: Option<Raw>,
    /// Primary completion date as stated.
    pub primary_completion_date: Option<Raw>,
    /// Its type when separate.
    pub primary_completion_date_type: Option<Raw>,
    /// Study completion date as stated.
    pub completion_date: Option<Raw>,
    /// Its type when separate.
    pub completion_date_type: Option<Raw>,
    /// First posted / first received date.
    pub first_posted_date: Option<Raw>,
    /// Last update posted / last updated date.
    pub last_update_date: Option<Raw>,
    /// Lead sponsor name.
    pub lead_sponsor: Option<Raw>,
    /// Minimum age as stated ("15 Years", "6 Months", "N/A").
    pub min_age: Option<Raw>,
    /// Maximum age as stated.
    pub max_age: Option<Raw>,
    /// Sex as stated ("Both", "All", "FEMALE").
    pub sex: Option<Raw>,
    /// Accepts healthy volunteers as stated ("No", "false").
    pub healthy_volunteers: Option<Raw>,
    /// Brief summary.
    pub brief_summary: Option<Raw>,
    /// Detailed description.
    pub detailed_description: Option<Raw>,
    /// Conditions, in stated order.
    pub conditions: Vec<Raw>,
    /// Keywords, in stated order.
    pub keywords: Vec<Raw>,
    /// Arms, in stated order.
    pub arms: Vec<RawArm>,
    /// Interventions, in stated order.
    pub interventions: Vec<RawIntervention>,
    /// Outcome measures: primary, then secondary, then other, each in stated order.
    pub outcomes: Vec<RawOutcome>,
    /// References, in stated order.
    pub references: Vec<RawReference>,
    /// Acronym.
    pub acronym: Option<Raw>,
    /// The sponsor's own study id (`orgStudyIdInfo.id`, `org_study_id`).
    pub org_study_id: Option<Raw>,
    /// Secondary identifiers, in stated order.
    pub secondary_ids: Vec<RawSecondaryId>,
    /// Why the study stopped, as stated.
    pub why_stopped: Option<Raw>,
    /// Whether results are posted, as stated ("true", "Yes").
    pub has_results: Option<Raw>,
    /// Results first posted date as stated.
    pub results_first_posted_date: Option<Raw>,
    /// Number of arms as stated (legacy XML `number_of_arms`).
    pub number_of_arms: Option<Raw>,
    /// Lead sponsor's agency class as stated.
    pub lead_sponsor_class: Option<Raw>,
    /// Collaborators, in stated order.
    pub collaborators: Vec<RawSponsor>,
    /// Responsible party.
    pub responsible_party: Option<RawResponsibleParty>,
    /// Sites, in stated order.
    pub locations: Vec<RawLocation>,
    /// Condition MeSH terms: direct matches, then ancestors, each in stated order.
    pub condition_browse: Vec<RawMeshTerm>,
    /// Intervention MeSH terms: direct matches, then ancestors.
    pub intervention_browse: Vec<RawMeshTerm>,
    /// Eligibility criteria text as stated.
    pub eligibility_criteria: Option<Raw>,
    /// Second statements of scalar fields, for conflict checks.
    pub also_stated: Vec<AlsoStated>,
    /// Findings made while reading.
    pub findings: Vec<Finding>,
    /// Posted results, when the record has them.
    pub results: Option<Box<crate::results::RawResults>>,
}

impl RawRecord {
    /// An empty record of the given form, to be filled by a reader.
    pub fn new(source_path: impl Into<String>, source_format: SourceFormat, line: u32) -> Self {
        RawRecord {
            source_path: source_path.into(),
            source_format,
            line,
            nct_id: None,
            brief_title: None,
            official_title: None,
            overall_status: None,
            last_known_status: None,
            study_type: None,
            phases: Vec::new(),
            allocation: None,
            intervention_model: None,
            intervention_model_description: None,
            masking: None,
            primary_purpose: None,
            enrollment: None,
            enrollment_type: None,
            start_date: None,
            start_date_type: None,
            primary_completion_date: None,
            primary_completion_date_type: None,
            completion_date: None,
            completion_date_type: None,
            first_posted_date: None,
            last_update_date: None,
            lead_sponsor: None,
            min_age: None,
            max_age: None,
            sex: None,
            healthy_volunteers: None,
            brief_summary: None,
            detailed_description: None,
            conditions: Vec::new(),
            keywords: Vec::new(),
            arms: Vec::new(),
            interventions: Vec::new(),
            outcomes: Vec::new(),
            references: Vec::new(),
            acronym: None,
            org_study_id: None,
            secondary_ids: Vec::new(),
            why_stopped: None,
            has_results: None,
            results_first_posted_date: None,
            number_of_arms: None,
            lead_sponsor_class: None,
            collaborators: Vec::new(),
            responsible_party: None,
            locations: Vec::new(),
            condition_browse: Vec::new(),
            intervention_browse: Vec::new(),
            eligibility_criteria: None,
            also_stated: Vec::new(),
            findings: Vec::new(),
            results: None,
        }
    }
}

/// A problem with a whole input (or a part of it that could not be split into records): an
/// unknown layout, a truncated JSON document, an unreadable archive member. It becomes a
/// `record_issues` row; the run goes on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputIssue {
    /// The input path (archive members as `archive.zip!member`).
    pub source_path: String,
    /// 1-based line (0 = unknown / whole file).
    pub line: u32,
    /// NCT id when one could still be seen.
    pub nct_id: Option<String>,
    /// Severity (records lost are ERROR).
    pub severity: Severity,
    /// What went wrong, in words a user can act on.
    pub message: String,
}

/// What reading one input file produced.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Extracted {
    /// Records, in file order.
    pub records: Vec<RawRecord>,
    /// Problems that lost records or parts of the file.
    pub issues: Vec<InputIssue>,
}
