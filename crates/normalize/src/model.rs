//! The normalized record: one struct per output table row, typed, with enum values in the
//! ClinicalTrials.gov API v2 spellings. The load stage turns these into Arrow columns one to
//! one, so a field added here is a column added there.

use serde::{Deserialize, Serialize};
pub use trialtables_extract::Severity;

/// A date as precise as the source states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PartialDate {
    /// Days since 1970-01-01 of the first day the statement covers ("June 2009" = 2009-06-01).
    pub days: i32,
    /// How precise the statement is.
    pub precision: Precision,
}

/// Precision of a stated date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Precision {
    /// Day stated.
    Day,
    /// Month and year stated.
    Month,
    /// Year only.
    Year,
}

impl Precision {
    /// Column spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "DAY",
            Precision::Month => "MONTH",
            Precision::Year => "YEAR",
        }
    }
}

/// A row of `trials`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// NCT number.
    pub nct_id: String,
    /// Brief title.
    pub brief_title: Option<String>,
    /// Official title.
    pub official_title: Option<String>,
    /// Overall status (API v2: RECRUITING, COMPLETED, UNKNOWN, ...).
    pub overall_status: Option<String>,
    /// Last known status when overall_status is UNKNOWN.
    pub last_known_status: Option<String>,
    /// INTERVENTIONAL / OBSERVATIONAL / EXPANDED_ACCESS.
    pub study_type: Option<String>,
    /// Phases joined with "/": "PHASE1/PHASE2", "NA", "EARLY_PHASE1".
    pub phase: Option<String>,
    /// RANDOMIZED / NON_RANDOMIZED / NA.
    pub allocation: Option<String>,
    /// SINGLE_GROUP / PARALLEL / CROSSOVER / FACTORIAL / SEQUENTIAL.
    pub intervention_model: Option<String>,
    /// NONE / SINGLE / DOUBLE / TRIPLE / QUADRUPLE.
    pub masking: Option<String>,
    /// TREATMENT / PREVENTION / ... .
    pub primary_purpose: Option<String>,
    /// Enrollment count.
    pub enrollment: Option<i64>,
    /// ACTUAL / ESTIMATED, null when unstated.
    pub enrollment_type: Option<String>,
    /// Study start.
    pub start_date: Option<PartialDate>,
    /// Start date as stated.
    pub start_date_raw: Option<String>,
    /// ACTUAL / ESTIMATED, null when unstated.
    pub start_date_type: Option<String>,
    /// Primary completion.
    pub primary_completion_date: Option<PartialDate>,
    /// As stated.
    pub primary_completion_date_raw: Option<String>,
    /// ACTUAL / ESTIMATED.
    pub primary_completion_date_type: Option<String>,
    /// Study completion.
    pub completion_date: Option<PartialDate>,
    /// As stated.
    pub completion_date_raw: Option<String>,
    /// ACTUAL / ESTIMATED.
    pub completion_date_type: Option<String>,
    /// First posted (or first received).
    pub first_posted_date: Option<PartialDate>,
    /// As stated.
    pub first_posted_date_raw: Option<String>,
    /// Last update posted.
    pub last_update_date: Option<PartialDate>,
    /// As stated.
    pub last_update_date_raw: Option<String>,
    /// Lead sponsor.
    pub lead_sponsor: Option<String>,
    /// Minimum age in years.
    pub min_age_years: Option<f64>,
    /// As stated.
    pub min_age_raw: Option<String>,
    /// Maximum age in years.
    pub max_age_years: Option<f64>,
    /// As stated.
    pub max_age_raw: Option<String>,
    /// ALL / FEMALE / MALE.
    pub sex: Option<String>,
    /// Accepts healthy volunteers.
    pub healthy_volunteers: Option<bool>,
    /// UMBILICAL_CORD, CORD_BLOOD, BONE_MARROW, PERIPHERAL_BLOOD, ADIPOSE, ..., UNSPECIFIED; null
    /// when no cell product.
    pub cell_source: Option<String>,
    /// ALLOGENEIC / AUTOLOGOUS / null.
    pub cell_origin: Option<String>,
    /// Acronym.
    pub acronym: Option<String>,
    /// The sponsor's own study id.
    pub org_study_id: Option<String>,
    /// Why the study stopped, as stated.
    pub why_stopped: Option<String>,
    /// Whether results are posted (legacy XML: inferred from a results section).
    pub has_results: Option<bool>,
    /// Results first posted.
    pub results_first_posted_date: Option<PartialDate>,
    /// As stated.
    pub results_first_posted_date_raw: Option<String>,
    /// Number of arms as stated, else the number of arms read; null when none.
    pub number_of_arms: Option<i64>,
    /// Lead sponsor's agency class (INDUSTRY, NIH, FED, OTHER_GOV, INDIV, NETWORK, AMBIG,
    /// OTHER, UNKNOWN).
    pub lead_sponsor_class: Option<String>,
    /// SPONSOR / PRINCIPAL_INVESTIGATOR / SPONSOR_INVESTIGATOR.
    pub responsible_party_type: Option<String>,
    /// Responsible investigator's name, when the party is a person.
    pub responsible_party_name: Option<String>,
    /// Responsible investigator's affiliation.
    pub responsible_party_affiliation: Option<String>,
    /// Eligibility criteria text as stated.
    pub eligibility_criteria: Option<String>,
    /// Countries of the sites: distinct, sorted.
    pub countries: Vec<String>,
    /// Input form/layout (`ctgov_api_v2_json`, ...).
    pub source_format: String,
    /// Input path.
    pub source_path: String,
    /// Line of the input where the record starts (0 = unknown).
    pub source_line: i64,
}

/// A row of `conditions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// NCT number.
    pub nct_id: String,
    /// 0-based ordinal.
    pub condition_index: i64,
    /// As stated.
    pub condition: String,
    /// Category from the conditions vocabulary (config), null when none matches.
    pub category: Option<String>,
}

/// A row of `arms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    /// NCT number.
    pub nct_id: String,
    /// 0-based ordinal.
    pub arm_index: i64,
    /// Arm label.
    pub label: String,
    /// EXPERIMENTAL / ACTIVE_COMPARATOR / PLACEBO_COMPARATOR / SHAM_COMPARATOR /
    /// NO_INTERVENTION / OTHER.
    pub arm_type: Option<String>,
    /// Description.
    pub description: Option<String>,
}

/// A row of `interventions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intervention {
    /// NCT number.
    pub nct_id: String,
    /// 0-based ordinal.
    pub intervention_index: i64,
    /// BIOLOGICAL / DRUG / DEVICE / PROCEDURE / ... .
    pub intervention_type: Option<String>,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Other names.
    pub other_names: Vec<String>,
}

/// A row of `arm_interventions`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ArmIntervention {
    /// NCT number.
    pub nct_id: String,
    /// Arm label.
    pub arm_label: String,
    /// Intervention name.
    pub intervention_name: String,
}

/// A row of `doses`: one stated cell dose level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dose {
    /// NCT number.
    pub nct_id: String,
    /// 0-based ordinal.
    pub dose_index: i64,
    /// Arm the dose belongs to, when known.
    pub arm_label: Option<String>,
    /// Intervention the dose belongs to, when known.
    pub intervention_name: Option<String>,
    /// Cell source of the product dosed.
    pub cell_source: Option<String>,
    /// ALLOGENEIC / AUTOLOGOUS.
    pub cell_origin: Option<String>,
    /// Cells per kg of body weight (low end of a range).
    pub dose_per_kg: Option<f64>,
    /// High end of a per-kg range.
    pub dose_per_kg_high: Option<f64>,
    /// Total cells per administration (low end of a range).
    pub dose_total: Option<f64>,
    /// High end of a total range.
    pub dose_total_high: Option<f64>,
    /// Cells per m² of body surface.
    pub dose_per_m2: Option<f64>,
    /// Number of administrations.
    pub administrations: Option<i64>,
    /// Days between administrations.
    pub interval_days: Option<f64>,
    /// INTRAVENOUS, INTRATHECAL, INTRA_ARTICULAR, INTRAMUSCULAR, SUBCUTANEOUS,
    /// LOCAL, INTRACORONARY, INTRA_ARTERIAL, OTHER.
    pub route: Option<String>,
    /// Vehicle, when stated ("saline").
    pub vehicle: Option<String>,
    /// Volume in mL, when stated.
    pub volume_ml: Option<f64>,
    /// The text the dose was read from.
    pub source_text: String,
    /// Which field that text is (`intervention.description`, `arm.label`, ...,
    /// `intervention_model_description`, `brief_summary`, `detailed_description`).
    pub source_field: String,
}

/// A row of `outcomes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// NCT number.
    pub nct_id: String,
    /// 0-based ordinal over all outcomes of the trial.
    pub outcome_index: i64,
    /// PRIMARY / SECONDARY / OTHER.
    pub outcome_type: String,
    /// Measure.
    pub measure: String,
    /// Description.
    pub description: Option<String>,
    /// Time frame as stated.
    pub time_frame: Option<String>,
    /// Whether the time frame was understood (null when there is none).
    pub time_frame_parsed: Option<bool>,
    /// Event the time frame is anchored to (STUDY_COMPLETION, END_OF_TREATMENT, PROCEDURE,
    /// DISCHARGE, EVENT_OR_DEATH, VISIT, FOLLOW_UP), when it names one.
    pub time_frame_anchor: Option<String>,
    /// Calendar date or period when the time frame is one ("December 2017"), as written.
    pub time_frame_calendar: Option<String>,
}

/// A row of `outcome_timepoints`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timepoint {
    /// NCT number.
    pub nct_id: String,
    /// Outcome it belongs to.
    pub outcome_index: i64,
    /// 0-based ordinal within the outcome.
    pub timepoint_index: i64,
    /// BASELINE / AT / UP_TO / EVERY.
    pub kind: String,
    /// Number of units (null for BASELINE).
    pub value: Option<f64>,
    /// MINUTE / HOUR / DAY / WEEK / MONTH / YEAR (null for BASELINE).
    pub unit: Option<String>,
    /// Value in days (week = 7, month = 30.4375, year = 365.25); 0 for BASELINE.
    pub days: Option<f64>,
    /// The piece of the time frame text it was read from.
    pub label: String,
}

/// A row of `references`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// NCT number.
    pub nct_id: String,
    /// 0-based ordinal.
    pub reference_index: i64,
    /// PubMed id.
    pub pmid: Option<String>,
    /// DOI (lower-case, without `https://doi.org/`).
    pub doi: Option<String>,
    /// Citation.
    pub citation: Option<String>,
    /// BACKGROUND / RESULT / DERIVED, null if unstated.
    pub reference_type: Option<String>,
}

/// A row of `sponsors`: the lead sponsor and the collaborators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sponsor {
    /// NCT number.
    pub nct_id: String,
    /// 0 = lead sponsor; collaborators from 1, in stated order.
    pub sponsor_index: i64,
    /// LEAD / COLLABORATOR.
    pub role: String,
    /// Organisation (or person) name as stated.
    pub name: String,
    /// INDUSTRY, NIH, FED, OTHER_GOV, INDIV, NETWORK, AMBIG, OTHER, UNKNOWN; null when
    /// unstated or an unknown spelling.
    pub agency_class: Option<String>,
}

/// A row of `locations`: one study site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// NCT number.
    pub nct_id: String,
    /// 0-based ordinal.
    pub location_index: i64,
    /// Facility name.
    pub facility: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or province.
    pub state: Option<String>,
    /// Postal code.
    pub zip: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Site recruitment status (API v2: RECRUITING, NOT_YET_RECRUITING, COMPLETED, ...).
    pub status: Option<String>,
    /// Latitude in degrees.
    pub latitude: Option<f64>,
    /// Longitude in degrees.
    pub longitude: Option<f64>,
}

/// A row of `browse_conditions` or `browse_interventions`: a MeSH term the registry derived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrowseTerm {
    /// NCT number.
    pub nct_id: String,
    /// 0-based ordinal: direct matches, then ancestors.
    pub term_index: i64,
    /// MeSH descriptor id, when stated (legacy XML states none).
    pub mesh_id: Option<String>,
    /// MeSH heading.
    pub term: String,
    /// DIRECT / ANCESTOR.
    pub match_type: String,
}

/// A row of `keywords`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keyword {
    /// NCT number.
    pub nct_id: String,
    /// 0-based ordinal.
    pub keyword_index: i64,
    /// Keyword as stated.
    pub keyword: String,
}

/// A row of `secondary_ids`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecondaryId {
    /// NCT number.
    pub nct_id: String,
    /// 0-based ordinal.
    pub secondary_id_index: i64,
    /// The identifier as stated.
    pub secondary_id: String,
    /// NIH, FDA, VA, CDC, AHRQ, SAMHSA, OTHER_GRANT, EUDRACT_NUMBER, CTIS, REGISTRY, OTHER.
    pub id_type: Option<String>,
    /// Issuing registry or organisation.
    pub domain: Option<String>,
    /// Link, when stated.
    pub link: Option<String>,
}

/// A row of `eligibility`: one item of the eligibility criteria.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EligibilityCriterion {
    /// NCT number.
    pub nct_id: String,
    /// 0-based ordinal.
    pub criterion_index: i64,
    /// INCLUSION / EXCLUSION; null when the text has no such heading.
    pub kind: Option<String>,
    /// The heading line the item is under, as stated.
    pub heading: Option<String>,
    /// The item's text.
    pub text: String,
}

/// A row of `result_groups`: one group (column) of a results section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResultGroup {
    /// NCT number.
    pub nct_id: String,
    /// PARTICIPANT_FLOW / BASELINE / OUTCOME / ADVERSE_EVENTS.
    pub section: String,
    /// For OUTCOME groups, the outcome's 0-based position in the results outcome list.
    pub outcome_index: Option<i64>,
    /// 0-based position within its section (or outcome).
    pub group_index: i64,
    /// Group id as stated ("FG000", "P1").
    pub group_id: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// ADVERSE_EVENTS: participants with a serious adverse event.
    pub serious_num_affected: Option<i64>,
    /// ADVERSE_EVENTS: participants at risk of serious adverse events.
    pub serious_num_at_risk: Option<i64>,
    /// ADVERSE_EVENTS: participants with another adverse event.
    pub other_num_affected: Option<i64>,
    /// ADVERSE_EVENTS: participants at risk of other adverse events.
    pub other_num_at_risk: Option<i64>,
    /// ADVERSE_EVENTS: deaths (all causes).
    pub deaths_num_affected: Option<i64>,
    /// ADVERSE_EVENTS: participants at risk of death.
    pub deaths_num_at_risk: Option<i64>,
    /// The protocol arm whose label equals the title (case and spacing ignored), else null.
    pub arm_label: Option<String>,
    /// How `arm_label` was matched: TITLE (the group's title is the arm's label) or ONLY_ARM
    /// (the trial's only arm, the section's only group); null when unmatched.
    pub arm_match: Option<String>,
}

/// A row of `participant_flow`: participants of one group at one milestone or drop reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParticipantFlow {
    /// NCT number.
    pub nct_id: String,
    /// 0-based period ordinal.
    pub period_index: i64,
    /// Period title.
    pub period_title: Option<String>,
    /// MILESTONE / DROP_WITHDRAW.
    pub kind: String,
    /// 0-based ordinal of the milestone (or reason) within its kind in the period.
    pub item_index: i64,
    /// Milestone ("STARTED", "COMPLETED", ...) or drop reason, as stated.
    pub item_type: Option<String>,
    /// Position of the group among the flow groups (null when the id is not one of them).
    pub group_index: Option<i64>,
    /// Group id as stated.
    pub group_id: Option<String>,
    /// Participants (null when not a whole number).
    pub count: Option<i64>,
    /// Participants as stated.
    pub count_raw: Option<String>,
    /// Comment on this count (or on the whole milestone).
    pub comment: Option<String>,
}

/// A number stated as text, read: `value` is null for "NA" or unreadable text, the bound for
/// "<0.001" (with `comparator` "<").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatedNumber {
    /// The number (or the bound), null when not a number.
    pub value: Option<f64>,
    /// As stated.
    pub raw: Option<String>,
    /// `<`, `<=`, `>`, `>=`; null for a plain number.
    pub comparator: Option<String>,
}

/// The measure a cell belongs to (shared by baseline and outcome measurements).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeasureInfo {
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Analysis population description.
    pub population_description: Option<String>,
    /// MEAN / MEDIAN / NUMBER / COUNT_OF_PARTICIPANTS / ... (API v2 spelling).
    pub param_type: Option<String>,
    /// STANDARD_DEVIATION / FULL_RANGE / CONFIDENCE_95 / ... (API v2 spelling).
    pub dispersion_type: Option<String>,
    /// Unit of measure.
    pub unit: Option<String>,
}

/// One cell of a measure table (shared by baseline and outcome measurements).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeasureCell {
    /// 0-based class ordinal.
    pub class_index: i64,
    /// Class title.
    pub class_title: Option<String>,
    /// 0-based category ordinal within the class.
    pub category_index: i64,
    /// Category title.
    pub category_title: Option<String>,
    /// Position of the group among the measure's groups (null when unknown).
    pub group_index: Option<i64>,
    /// Group id as stated.
    pub group_id: Option<String>,
    /// Value.
    pub value: StatedNumber,
    /// Dispersion value.
    pub spread: StatedNumber,
    /// Lower limit.
    pub lower_limit: StatedNumber,
    /// Upper limit.
    pub upper_limit: StatedNumber,
    /// Number analyzed for this group (class denominator, else the measure's, else the
    /// section's), first unit stated.
    pub num_analyzed: Option<i64>,
    /// Comment.
    pub comment: Option<String>,
}

/// A row of `baseline_measurements`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BaselineMeasurement {
    /// NCT number.
    pub nct_id: String,
    /// 0-based measure ordinal.
    pub measure_index: i64,
    /// The measure.
    pub measure: MeasureInfo,
    /// The cell.
    pub cell: MeasureCell,
}

/// A row of `outcome_measurements`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutcomeMeasurement {
    /// NCT number.
    pub nct_id: String,
    /// 0-based position in the results outcome list.
    pub outcome_index: i64,
    /// PRIMARY / SECONDARY / OTHER_PRE_SPECIFIED / POST_HOC.
    pub outcome_type: Option<String>,
    /// Outcome title.
    pub outcome_title: Option<String>,
    /// Time frame.
    pub time_frame: Option<String>,
    /// 0-based measure ordinal within the outcome (2016-era XML states several).
    pub measure_index: i64,
    /// The measure (its title, and the outcome's description and population when the
    /// measure states none).
    pub measure: MeasureInfo,
    /// The cell.
    pub cell: MeasureCell,
}

/// A row of `outcome_analyses`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutcomeAnalysis {
    /// NCT number.
    pub nct_id: String,
    /// 0-based position in the results outcome list.
    pub outcome_index: i64,
    /// 0-based analysis ordinal within the outcome.
    pub analysis_index: i64,
    /// Groups compared, as stated.
    pub group_ids: Vec<String>,
    /// Description of the comparison.
    pub group_description: Option<String>,
    /// SUPERIORITY / NON_INFERIORITY / EQUIVALENCE / ... (API v2 spelling).
    pub non_inferiority_type: Option<String>,
    /// P-value.
    pub p_value: StatedNumber,
    /// Statistical method as stated.
    pub statistical_method: Option<String>,
    /// Estimated parameter as stated.
    pub param_type: Option<String>,
    /// Estimated value.
    pub param_value: StatedNumber,
    /// Confidence level, percent.
    pub ci_pct_value: StatedNumber,
    /// ONE_SIDED / TWO_SIDED.
    pub ci_num_sides: Option<String>,
    /// Interval lower limit.
    pub ci_lower_limit: StatedNumber,
    /// Interval upper limit.
    pub ci_upper_limit: StatedNumber,
    /// Estimation comment.
    pub estimate_comment: Option<String>,
    /// Dispersion type of the estimate (API v2 spelling).
    pub dispersion_type: Option<String>,
    /// Dispersion value of the estimate.
    pub dispersion_value: StatedNumber,
}

/// A row of `adverse_events`: one event term in one group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdverseEvent {
    /// NCT number.
    pub nct_id: String,
    /// 0-based event ordinal (serious events first, then other events).
    pub event_index: i64,
    /// SERIOUS / OTHER.
    pub event_type: String,
    /// Organ system.
    pub organ_system: Option<String>,
    /// Term.
    pub term: Option<String>,
    /// Vocabulary as stated.
    pub source_vocabulary: Option<String>,
    /// SYSTEMATIC_ASSESSMENT / NON_SYSTEMATIC_ASSESSMENT.
    pub assessment_type: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Position of the group among the event groups (null when unknown).
    pub group_index: Option<i64>,
    /// Group id as stated (null for an event stated with no counts).
    pub group_id: Option<String>,
    /// Participants affected.
    pub num_affected: Option<i64>,
    /// Participants at risk.
    pub num_at_risk: Option<i64>,
    /// Number of events.
    pub num_events: Option<i64>,
}

/// A row of `record_issues`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordIssue {
    /// Input path.
    pub source_path: String,
    /// 1-based line (0 = unknown).
    pub line: i64,
    /// NCT number when known.
    pub nct_id: Option<String>,
    /// ERROR / WARNING / INFO.
    pub severity: Severity,
    /// Column or field concerned.
    pub field: Option<String>,
    /// What was found; conflicts name both values.
    pub message: String,
    /// The raw value concerned, when there is one.
    pub raw_value: Option<String>,
}

/// Everything normalize made of one raw record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Normalized {
    /// The trial row.
    pub trial: Trial,
    /// Conditions.
    pub conditions: Vec<Condition>,
    /// Arms.
    pub arms: Vec<Arm>,
    /// Interventions.
    pub interventions: Vec<Intervention>,
    /// Arm-intervention links.
    pub arm_interventions: Vec<ArmIntervention>,
    /// Doses.
    pub doses: Vec<Dose>,
    /// Outcomes.
    pub outcomes: Vec<Outcome>,
    /// Outcome timepoints.
    pub timepoints: Vec<Timepoint>,
    /// References.
    pub references: Vec<Reference>,
    /// Lead sponsor and collaborators.
    pub sponsors: Vec<Sponsor>,
    /// Sites.
    pub locations: Vec<Location>,
    /// Condition MeSH terms.
    pub browse_conditions: Vec<BrowseTerm>,
    /// Intervention MeSH terms.
    pub browse_interventions: Vec<BrowseTerm>,
    /// Keywords.
    pub keywords: Vec<Keyword>,
    /// Secondary ids.
    pub secondary_ids: Vec<SecondaryId>,
    /// Eligibility criteria items.
    pub eligibility: Vec<EligibilityCriterion>,
    /// Result groups.
    pub result_groups: Vec<ResultGroup>,
    /// Participant flow counts.
    pub participant_flow: Vec<ParticipantFlow>,
    /// Baseline measurements.
    pub baseline_measurements: Vec<BaselineMeasurement>,
    /// Outcome measurements.
    pub outcome_measurements: Vec<OutcomeMeasurement>,
    /// Outcome analyses.
    pub outcome_analyses: Vec<OutcomeAnalysis>,
    /// Adverse events.
    pub adverse_events: Vec<AdverseEvent>,
    /// Findings.
    pub issues: Vec<RecordIssue>,
}
