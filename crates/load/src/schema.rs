//! The output tables. One function per table builds its `RecordBatch` from rows; called with
//! no rows it gives the table's schema, so the schema and the columns can never drift apart.
//! Every field carries a `description` in its Arrow metadata (the data dictionary is generated
//! from it). Enums are dictionary-encoded strings in API v2 spellings; dates are `date32`.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema, SchemaRef};
use trialtables_normalize::model::*;

use crate::columns::*;
use crate::writer::Tables;

/// A column: name, nullability, description and values.
struct Col {
    name: &'static str,
    nullable: bool,
    desc: &'static str,
    values: ArrayRef,
}

fn c(name: &'static str, desc: &'static str, values: ArrayRef) -> Col {
    Col { name, nullable: true, desc, values }
}

fn key(name: &'static str, desc: &'static str, values: ArrayRef) -> Col {
    Col { name, nullable: false, desc, values }
}

fn batch(table_desc: &'static str, cols: Vec<Col>) -> RecordBatch {
    let fields: Vec<Field> = cols
        .iter()
        .map(|c| {
            Field::new(c.name, c.values.data_type().clone(), c.nullable)
                .with_metadata(HashMap::from([("description".to_string(), c.desc.to_string())]))
        })
        .collect();
    let schema = Schema::new(fields).with_metadata(HashMap::from([("description".to_string(), table_desc.to_string())]));
    let arrays = cols.into_iter().map(|c| c.values).collect();
    // The columns are built from the same rows, so lengths and types always agree.
    RecordBatch::try_new(Arc::new(schema), arrays).expect("table columns agree with their schema")
}

fn d(p: &Option<PartialDate>) -> Option<i32> {
    p.map(|d| d.days)
}

fn prec(p: &Option<PartialDate>) -> Option<&'static str> {
    p.map(|d| d.precision.as_str())
}

/// `trials`: one row per trial.
pub fn trials(rows: &[Trial]) -> RecordBatch {
    batch(
        "One row per trial: identification, status, design, dates, eligibility and cell product.",
        vec![
            key("nct_id", "ClinicalTrials.gov identifier (NCT + 8 digits).", utf8(rows, |r| Some(&r.nct_id))),
            c("brief_title", "Brief title as stated.", utf8(rows, |r| r.brief_title.as_deref())),
            c("official_title", "Official title as stated.", utf8(rows, |r| r.official_title.as_deref())),
            c("overall_status", "Overall recruitment status, API v2 spelling (RECRUITING, COMPLETED, UNKNOWN, ...).", dict(rows, |r| r.overall_status.as_deref())),
            c("last_known_status", "Last known status when overall_status is UNKNOWN.", dict(rows, |r| r.last_known_status.as_deref())),
            c("study_type", "INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS.", dict(rows, |r| r.study_type.as_deref())),
            c("phase", "Phases joined with '/', e.g. PHASE1/PHASE2; NA when not applicable.", dict(rows, |r| r.phase.as_deref())),
            c("allocation", "RANDOMIZED, NON_RANDOMIZED or NA.", dict(rows, |r| r.allocation.as_deref())),
            c("intervention_model", "SINGLE_GROUP, PARALLEL, CROSSOVER, FACTORIAL or SEQUENTIAL.", dict(rows, |r| r.intervention_model.as_deref())),
            c("masking", "NONE, SINGLE, DOUBLE, TRIPLE or QUADRUPLE.", dict(rows, |r| r.masking.as_deref())),
            c("primary_purpose", "TREATMENT, PREVENTION, SUPPORTIVE_CARE, ... (API v2).", dict(rows, |r| r.primary_purpose.as_deref())),
            c("enrollment", "Number of participants (actual or estimated, see enrollment_type).", i64c(rows, |r| r.enrollment)),
            c("enrollment_type", "ACTUAL or ESTIMATED ('Anticipated' is ESTIMATED); null when unstated.", dict(rows, |r| r.enrollment_type.as_deref())),
            c("start_date", "Study start: first day of the stated period (see start_date_precision).", date32(rows, |r| d(&r.start_date))),
            c("start_date_precision", "DAY, MONTH or YEAR: how precise the stated start date is.", dict(rows, |r| prec(&r.start_date))),
            c("start_date_type", "ACTUAL or ESTIMATED; null when unstated.", dict(rows, |r| r.start_date_type.as_deref())),
            c("start_date_raw", "Start date as stated in the source.", utf8(rows, |r| r.start_date_raw.as_deref())),
            c("primary_completion_date", "Primary completion date (first day of the stated period).", date32(rows, |r| d(&r.primary_completion_date))),
            c("primary_completion_date_precision", "DAY, MONTH or YEAR.", dict(rows, |r| prec(&r.primary_completion_date))),
            c("primary_completion_date_type", "ACTUAL or ESTIMATED; null when unstated.", dict(rows, |r| r.primary_completion_date_type.as_deref())),
            c("primary_completion_date_raw", "Primary completion date as stated.", utf8(rows, |r| r.primary_completion_date_raw.as_deref())),
            c("completion_date", "Study completion date (first day of the stated period).", date32(rows, |r| d(&r.completion_date))),
            c("completion_date_precision", "DAY, MONTH or YEAR.", dict(rows, |r| prec(&r.completion_date))),
            c("completion_date_type", "ACTUAL or ESTIMATED; null when unstated.", dict(rows, |r| r.completion_date_type.as_deref())),
            c("completion_date_raw", "Completion date as stated.", utf8(rows, |r| r.completion_date_raw.as_deref())),
            c("first_posted_date", "First posted (or first received) date.", date32(rows, |r| d(&r.first_posted_date))),
            c("first_posted_date_precision", "DAY, MONTH or YEAR.", dict(rows, |r| prec(&r.first_posted_date))),
            c("first_posted_date_raw", "First posted date as stated.", utf8(rows, |r| r.first_posted_date_raw.as_deref())),
            c("last_update_date", "Last update posted date.", date32(rows, |r| d(&r.last_update_date))),
            c("last_update_date_precision", "DAY, MONTH or YEAR.", dict(rows, |r| prec(&r.last_update_date))),
            c("last_update_date_raw", "Last update date as stated.", utf8(rows, |r| r.last_update_date_raw.as_deref())),
            c("lead_sponsor", "Lead sponsor name.", utf8(rows, |r| r.lead_sponsor.as_deref())),
            c("min_age_years", "Minimum age in years ('6 Months' = 0.5); null when none.", f64c(rows, |r| r.min_age_years)),
            c("min_age_raw", "Minimum age as stated.", utf8(rows, |r| r.min_age_raw.as_deref())),
            c("max_age_years", "Maximum age in years; null when none.", f64c(rows, |r| r.max_age_years)),
            c("max_age_raw", "Maximum age as stated.", utf8(rows, |r| r.max_age_raw.as_deref())),
            c("sex", "ALL, FEMALE or MALE ('Both' is ALL).", dict(rows, |r| r.sex.as_deref())),
            c("healthy_volunteers", "Whether healthy volunteers are accepted.", boolc(rows, |r| r.healthy_volunteers)),
            c("cell_source", "Tissue source of the cell product: UMBILICAL_CORD, CORD_BLOOD, BONE_MARROW, PERIPHERAL_BLOOD, ADIPOSE, PLACENTA, DENTAL_PULP, MENSTRUAL_BLOOD, OTHER, or UNSPECIFIED (cells given, tissue not stated); null when no cell product.", dict(rows, |r| r.cell_source.as_deref())),
            c("cell_origin", "ALLOGENEIC or AUTOLOGOUS; null when unstated.", dict(rows, |r| r.cell_origin.as_deref())),
            c("acronym", "Acronym as stated.", utf8(rows, |r| r.acronym.as_deref())),
            c("org_study_id", "The sponsor's own study identifier as stated.", utf8(rows, |r| r.org_study_id.as_deref())),
            c("why_stopped", "Why the study stopped (suspended, terminated or withdrawn), as stated.", utf8(rows, |r| r.why_stopped.as_deref())),
            c("has_results", "Whether results are posted (API v2 hasResults; legacy XML: true when the record holds a results section, else null).", boolc(rows, |r| r.has_results)),
            c("results_first_posted_date", "Results first posted date (first day of the stated period).", date32(rows, |r| d(&r.results_first_posted_date))),
            c("results_first_posted_date_precision", "DAY, MONTH or YEAR.", dict(rows, |r| prec(&r.results_first_posted_date))),
            c("results_first_posted_date_raw", "Results first posted date as stated.", utf8(rows, |r| r.results_first_posted_date_raw.as_deref())),
            c("number_of_arms", "Number of arms as stated (legacy XML), else the number of arm groups listed; null when none.", i64c(rows, |r| r.number_of_arms)),
            c("lead_sponsor_class", "Lead sponsor's agency class: INDUSTRY, NIH, FED, OTHER_GOV, INDIV, NETWORK, AMBIG, OTHER or UNKNOWN.", dict(rows, |r| r.lead_sponsor_class.as_deref())),
            c("responsible_party_type", "SPONSOR, PRINCIPAL_INVESTIGATOR or SPONSOR_INVESTIGATOR.", dict(rows, |r| r.responsible_party_type.as_deref())),
            c("responsible_party_name", "Responsible investigator's name (older records: name and title in one string).", utf8(rows, |r| r.responsible_party_name.as_deref())),
            c("responsible_party_affiliation", "Responsible investigator's affiliation (older records: organisation).", utf8(rows, |r| r.responsible_party_affiliation.as_deref())),
            c("eligibility_criteria", "Eligibility criteria text as stated (split into items in the eligibility table).", utf8(rows, |r| r.eligibility_criteria.as_deref())),
            key("countries", "Countries of the sites: distinct, sorted (may be empty).", list_utf8(rows, |r| &r.countries)),
            key("source_format", "Input form or page layout the record was read from.", dict(rows, |r| Some(&r.source_format))),
            key("source_path", "Input file (archive members as archive!member).", utf8(rows, |r| Some(&r.source_path))),
            key("source_line", "Line of the input where the record starts (0 = unknown).", i64c(rows, |r| Some(r.source_line))),
        ],
    )
}

/// `conditions`: one row per trial x condition.
pub fn conditions(rows: &[Condition]) -> RecordBatch {
    batch(
        "One row per trial x condition, in stated order.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("condition_index", "0-based position in the record's condition list.", i64c(rows, |r| Some(r.condition_index))),
            key("condition", "Condition as stated.", utf8(rows, |r| Some(&r.condition))),
            c(
                "category",
                "Category from the conditions vocabulary in pipeline.toml; null when none matches.",
                dict(rows, |r| r.category.as_deref()),
            ),
        ],
    )
}

/// `arms`: one row per arm.
pub fn arms(rows: &[Arm]) -> RecordBatch {
    batch(
        "One row per arm (group) of a trial.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("arm_index", "0-based position in the record's arm list.", i64c(rows, |r| Some(r.arm_index))),
            key("label", "Arm label as stated.", utf8(rows, |r| Some(&r.label))),
            c(
                "arm_type",
                "EXPERIMENTAL, ACTIVE_COMPARATOR, PLACEBO_COMPARATOR, SHAM_COMPARATOR, NO_INTERVENTION or OTHER.",
                dict(rows, |r| r.arm_type.as_deref()),
            ),
            c("description", "Arm description as stated.", utf8(rows, |r| r.description.as_deref())),
        ],
    )
}

/// `interventions`: one row per intervention.
pub fn interventions(rows: &[Intervention]) -> RecordBatch {
    batch(
        "One row per intervention of a trial.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("intervention_index", "0-based position in the record's intervention list.", i64c(rows, |r| Some(r.intervention_index))),
            c("intervention_type", "BIOLOGICAL, DRUG, DEVICE, PROCEDURE, ... (API v2).", dict(rows, |r| r.intervention_type.as_deref())),
            key("name", "Intervention name as stated.", utf8(rows, |r| Some(&r.name))),
            c("description", "Intervention description as stated.", utf8(rows, |r| r.description.as_deref())),
            key("other_names", "Other names of the intervention (may be empty).", list_utf8(rows, |r| &r.other_names)),
        ],
    )
}

/// `arm_interventions`: one row per arm-intervention link.
pub fn arm_interventions(rows: &[ArmIntervention]) -> RecordBatch {
    batch(
        "One row per link between an arm and an intervention it receives.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("arm_label", "Arm label (joins arms.label).", utf8(rows, |r| Some(&r.arm_label))),
            key("intervention_name", "Intervention name (joins interventions.name).", utf8(rows, |r| Some(&r.intervention_name))),
        ],
    )
}

/// `doses`: one row per stated cell dose level.
pub fn doses(rows: &[Dose]) -> RecordBatch {
    batch(
        "One row per stated cell dose level, with the text it was read from.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("dose_index", "0-based ordinal within the trial.", i64c(rows, |r| Some(r.dose_index))),
            c("arm_label", "Arm the dose belongs to, when known.", utf8(rows, |r| r.arm_label.as_deref())),
            c("intervention_name", "Intervention the dose belongs to, when known.", utf8(rows, |r| r.intervention_name.as_deref())),
            c("cell_source", "Tissue source of the cells dosed (see trials.cell_source).", dict(rows, |r| r.cell_source.as_deref())),
            c("cell_origin", "ALLOGENEIC or AUTOLOGOUS; null when unstated.", dict(rows, |r| r.cell_origin.as_deref())),
            c("dose_per_kg", "Cells per kg of body weight per administration (low end of a range).", f64c(rows, |r| r.dose_per_kg)),
            c("dose_per_kg_high", "High end of a per-kg range; null when a single value.", f64c(rows, |r| r.dose_per_kg_high)),
            c("dose_total", "Total cells per administration (low end of a range).", f64c(rows, |r| r.dose_total)),
            c("dose_total_high", "High end of a total range; null when a single value.", f64c(rows, |r| r.dose_total_high)),
            c("dose_per_m2", "Cells per m2 of body surface per administration.", f64c(rows, |r| r.dose_per_m2)),
            c("administrations", "Number of administrations; null when unstated.", i64c(rows, |r| r.administrations)),
            c("interval_days", "Days between administrations (month = 30.4375 days); null when unstated.", f64c(rows, |r| r.interval_days)),
            c("route", "INTRAVENOUS, INTRATHECAL, INTRA_ARTICULAR, INTRAMUSCULAR, SUBCUTANEOUS, LOCAL, INTRACORONARY, INTRA_ARTERIAL or OTHER; null when unstated.", dict(rows, |r| r.route.as_deref())),
            c("vehicle", "Vehicle the cells are suspended in, when stated.", utf8(rows, |r| r.vehicle.as_deref())),
            c("volume_ml", "Volume per administration in mL, when stated.", f64c(rows, |r| r.volume_ml)),
            key("source_text", "The text the dose was read from.", utf8(rows, |r| Some(&r.source_text))),
            key("source_field", "Which field that text is: arm.description, arm.label, intervention.description, intervention.name, intervention.other_name, official_title, brief_title, intervention_model_description, brief_summary or detailed_description.", dict(rows, |r| Some(&r.source_field))),
        ],
    )
}

/// `outcomes`: one row per outcome measure.
pub fn outcomes(rows: &[Outcome]) -> RecordBatch {
    batch(
        "One row per outcome measure: primary, then secondary, then other.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("outcome_index", "0-based ordinal over all the trial's outcomes.", i64c(rows, |r| Some(r.outcome_index))),
            key("outcome_type", "PRIMARY, SECONDARY or OTHER.", dict(rows, |r| Some(&r.outcome_type))),
            key("measure", "Outcome measure (title) as stated.", utf8(rows, |r| Some(&r.measure))),
            c("description", "Outcome description as stated.", utf8(rows, |r| r.description.as_deref())),
            c("time_frame", "Time frame as stated (parsed into outcome_timepoints).", utf8(rows, |r| r.time_frame.as_deref())),
            c("time_frame_parsed", "Whether the time frame was understood (timepoints, an anchor event or a calendar date); null when there is none.", boolc(rows, |r| r.time_frame_parsed)),
            c("time_frame_anchor", "Event the time frame is anchored to: STUDY_COMPLETION, END_OF_TREATMENT, PROCEDURE, DISCHARGE, EVENT_OR_DEATH, VISIT or FOLLOW_UP; null when it names none.", dict(rows, |r| r.time_frame_anchor.as_deref())),
            c("time_frame_calendar", "Calendar date or period, as written, when the time frame is one rather than a duration.", utf8(rows, |r| r.time_frame_calendar.as_deref())),
        ],
    )
}

/// `outcome_timepoints`: one row per parsed timepoint.
pub fn outcome_timepoints(rows: &[Timepoint]) -> RecordBatch {
    batch(
        "One row per timepoint read from an outcome's time frame.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("outcome_index", "Outcome (joins outcomes.outcome_index).", i64c(rows, |r| Some(r.outcome_index))),
            key("timepoint_index", "0-based ordinal within the outcome.", i64c(rows, |r| Some(r.timepoint_index))),
            key(
                "kind",
                "BASELINE, AT (a time point), UP_TO (a window ending then) or EVERY (a repeat interval).",
                dict(rows, |r| Some(&r.kind)),
            ),
            c("value", "Number of units; null for BASELINE.", f64c(rows, |r| r.value)),
            c("unit", "MINUTE, HOUR, DAY, WEEK, MONTH or YEAR; null for BASELINE.", dict(rows, |r| r.unit.as_deref())),
            c("days", "Value in days (week = 7, month = 30.4375, year = 365.25); 0 for BASELINE.", f64c(rows, |r| r.days)),
            key("label", "The piece of the time frame text the timepoint was read from.", utf8(rows, |r| Some(&r.label))),
        ],
    )
}

/// `references`: one row per literature reference.
pub fn references(rows: &[Reference]) -> RecordBatch {
    batch(
        "One row per literature reference of a trial.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("reference_index", "0-based ordinal within the trial.", i64c(rows, |r| Some(r.reference_index))),
            c("pmid", "PubMed identifier; null when not stated.", utf8(rows, |r| r.pmid.as_deref())),
            c("doi", "DOI (lower case), from the DOI field or found in the citation.", utf8(rows, |r| r.doi.as_deref())),
            c("citation", "Citation text as stated.", utf8(rows, |r| r.citation.as_deref())),
            c("reference_type", "BACKGROUND, RESULT or DERIVED; null if unstated.", dict(rows, |r| r.reference_type.as_deref())),
        ],
    )
}

/// `sponsors`: the lead sponsor and the collaborators.
pub fn sponsors(rows: &[Sponsor]) -> RecordBatch {
    batch(
        "One row per sponsor of a trial: the lead sponsor (index 0), then the collaborators in stated order.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("sponsor_index", "0 = lead sponsor; collaborators from 1, in stated order.", i64c(rows, |r| Some(r.sponsor_index))),
            key("role", "LEAD or COLLABORATOR.", dict(rows, |r| Some(&r.role))),
            key("name", "Organisation (or person) name as stated.", utf8(rows, |r| Some(&r.name))),
            c(
                "agency_class",
                "INDUSTRY, NIH, FED, OTHER_GOV, INDIV, NETWORK, AMBIG, OTHER or UNKNOWN; null when unstated or an unknown spelling.",
                dict(rows, |r| r.agency_class.as_deref()),
            ),
        ],
    )
}

/// `locations`: one row per study site.
pub fn locations(rows: &[Location]) -> RecordBatch {
    batch(
        "One row per study site (facility) of a trial, in stated order.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("location_index", "0-based position in the record's site list.", i64c(rows, |r| Some(r.location_index))),
            c("facility", "Facility name as stated.", utf8(rows, |r| r.facility.as_deref())),
            c("city", "City as stated.", utf8(rows, |r| r.city.as_deref())),
            c("state", "State or province as stated.", utf8(rows, |r| r.state.as_deref())),
            c("zip", "Postal code as stated.", utf8(rows, |r| r.zip.as_deref())),
            c("country", "Country as stated.", utf8(rows, |r| r.country.as_deref())),
            c("status", "Site recruitment status, API v2 spelling (RECRUITING, NOT_YET_RECRUITING, COMPLETED, WITHDRAWN, ACTIVE_NOT_RECRUITING, ...).", dict(rows, |r| r.status.as_deref())),
            c("latitude", "Latitude in degrees (API v2 geoPoint); null when unstated.", f64c(rows, |r| r.latitude)),
            c("longitude", "Longitude in degrees; null when unstated.", f64c(rows, |r| r.longitude)),
        ],
    )
}

fn browse(what: &'static str, rows: &[BrowseTerm]) -> RecordBatch {
    batch(
        what,
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key(
                "term_index",
                "0-based ordinal: direct matches first, then ancestors, each in stated order.",
                i64c(rows, |r| Some(r.term_index)),
            ),
            c("mesh_id", "MeSH descriptor id (D009103); null when unstated (legacy XML).", utf8(rows, |r| r.mesh_id.as_deref())),
            key("term", "MeSH heading.", utf8(rows, |r| Some(&r.term))),
            key(
                "match_type",
                "DIRECT (a term the registry matched) or ANCESTOR (a broader heading of one).",
                dict(rows, |r| Some(&r.match_type)),
            ),
        ],
    )
}

/// `browse_conditions`: MeSH terms the registry derived from the conditions.
pub fn browse_conditions(rows: &[BrowseTerm]) -> RecordBatch {
    browse("One row per MeSH term the registry derived from a trial's conditions.", rows)
}

/// `browse_interventions`: MeSH terms the registry derived from the interventions.
pub fn browse_interventions(rows: &[BrowseTerm]) -> RecordBatch {
    browse("One row per MeSH term the registry derived from a trial's interventions.", rows)
}

/// `keywords`: one row per keyword.
pub fn keywords(rows: &[Keyword]) -> RecordBatch {
    batch(
        "One row per keyword of a trial, in stated order.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("keyword_index", "0-based position in the record's keyword list.", i64c(rows, |r| Some(r.keyword_index))),
            key("keyword", "Keyword as stated.", utf8(rows, |r| Some(&r.keyword))),
        ],
    )
}

/// `secondary_ids`: one row per secondary identifier.
pub fn secondary_ids(rows: &[SecondaryId]) -> RecordBatch {
    batch(
        "One row per secondary identifier of a trial (grant numbers, other registries, sponsor ids).",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("secondary_id_index", "0-based position in the record's secondary id list.", i64c(rows, |r| Some(r.secondary_id_index))),
            key("secondary_id", "The identifier as stated.", utf8(rows, |r| Some(&r.secondary_id))),
            c(
                "id_type",
                "NIH, FDA, VA, CDC, AHRQ, SAMHSA, OTHER_GRANT, EUDRACT_NUMBER, CTIS, REGISTRY or OTHER; null when unstated.",
                dict(rows, |r| r.id_type.as_deref()),
            ),
            c("domain", "Issuing registry or organisation, as stated.", utf8(rows, |r| r.domain.as_deref())),
            c("link", "Link, when stated.", utf8(rows, |r| r.link.as_deref())),
        ],
    )
}

/// `eligibility`: one row per eligibility criterion item.
pub fn eligibility(rows: &[EligibilityCriterion]) -> RecordBatch {
    batch(
        "One row per item of a trial's eligibility criteria text (headings and bullet markers left out; the whole text is trials.eligibility_criteria).",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("criterion_index", "0-based position in the criteria text.", i64c(rows, |r| Some(r.criterion_index))),
            c("kind", "INCLUSION or EXCLUSION, from the heading the item is under; null when the text has no such heading.", dict(rows, |r| r.kind.as_deref())),
            key("text", "The item, wrapped lines joined by single spaces, bullet marker removed.", utf8(rows, |r| Some(&r.text))),
            c("heading", "The heading line the item is under, as stated (kind is read from it).", utf8(rows, |r| r.heading.as_deref())),
        ],
    )
}

fn stated<T>(rows: &[T], names: [&'static str; 3], f: impl Fn(&T) -> &StatedNumber) -> Vec<Col> {
    let [n, raw, cmp] = names;
    vec![
        c(n, "The number; null for NA or unreadable text, the bound for \"<0.001\".", f64c(rows, |r| f(r).value)),
        c(raw, "As stated (\"NA\", \"<0.001\", \"5,800\").", utf8(rows, |r| f(r).raw.as_deref())),
        c(cmp, "<, <=, > or >= when a bound is stated; null for a plain number.", dict(rows, |r| f(r).comparator.as_deref())),
    ]
}

/// Columns of the measure a cell belongs to.
fn measure_cols<T>(rows: &[T], f: impl Fn(&T) -> &MeasureInfo) -> Vec<Col> {
    vec![
        c("description", "Measure description.", utf8(rows, |r| f(r).description.as_deref())),
        c("population_description", "Analysis population description.", utf8(rows, |r| f(r).population_description.as_deref())),
        c("param_type", "MEAN, MEDIAN, NUMBER, COUNT_OF_PARTICIPANTS, ... (API v2 spelling).", dict(rows, |r| f(r).param_type.as_deref())),
        c(
            "dispersion_type",
            "STANDARD_DEVIATION, FULL_RANGE, CONFIDENCE_95, ... (API v2 spelling).",
            dict(rows, |r| f(r).dispersion_type.as_deref()),
        ),
        c("unit", "Unit of measure.", utf8(rows, |r| f(r).unit.as_deref())),
    ]
}

/// Columns of one cell of a measure table.
fn cell_cols<T>(rows: &[T], f: impl Fn(&T) -> &MeasureCell) -> Vec<Col> {
    let f = &f;
    let mut cols = vec![
        key("class_index", "0-based class ordinal within the measure.", i64c(rows, |r| Some(f(r).class_index))),
        c("class_title", "Class title.", utf8(rows, |r| f(r).class_title.as_deref())),
        key("category_index", "0-based category ordinal within the class.", i64c(rows, |r| Some(f(r).category_index))),
        c("category_title", "Category title.", utf8(rows, |r| f(r).category_title.as_deref())),
        c("group_index", "Position of the group among the measure's groups (result_groups.group_index).", i64c(rows, |r| f(r).group_index)),
        c("group_id", "Group id as stated (FG000 / P1 spellings differ by form).", utf8(rows, |r| f(r).group_id.as_deref())),
    ];
    cols.extend(stated(rows, ["value", "value_raw", "value_comparator"], |r| &f(r).value));
    cols.extend(stated(rows, ["spread", "spread_raw", "spread_comparator"], |r| &f(r).spread));
    cols.extend(stated(rows, ["lower_limit", "lower_limit_raw", "lower_limit_comparator"], |r| &f(r).lower_limit));
    cols.extend(stated(rows, ["upper_limit", "upper_limit_raw", "upper_limit_comparator"], |r| &f(r).upper_limit));
    cols.push(c(
        "num_analyzed",
        "Number analyzed in this group (class, else measure, else section denominator).",
        i64c(rows, |r| f(r).num_analyzed),
    ));
    cols.push(c("comment", "Comment on the value.", utf8(rows, |r| f(r).comment.as_deref())));
    cols
}

/// `result_groups`: one row per group of a results section.
pub fn result_groups(rows: &[ResultGroup]) -> RecordBatch {
    batch(
        "One row per group (column) of a posted results section: participant flow, baseline, each outcome, adverse events.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("section", "PARTICIPANT_FLOW, BASELINE, OUTCOME or ADVERSE_EVENTS.", dict(rows, |r| Some(r.section.as_str()))),
            c("outcome_index", "For OUTCOME groups, the outcome's position in the results outcome list.", i64c(rows, |r| r.outcome_index)),
            key("group_index", "0-based position within its section (or outcome).", i64c(rows, |r| Some(r.group_index))),
            c("group_id", "Group id as stated (FG000 in JSON, P1 in XML).", utf8(rows, |r| r.group_id.as_deref())),
            c("title", "Group title.", utf8(rows, |r| r.title.as_deref())),
            c("description", "Group description.", utf8(rows, |r| r.description.as_deref())),
            c("serious_num_affected", "ADVERSE_EVENTS: participants with a serious adverse event.", i64c(rows, |r| r.serious_num_affected)),
            c(
                "serious_num_at_risk",
                "ADVERSE_EVENTS: participants at risk of serious adverse events.",
                i64c(rows, |r| r.serious_num_at_risk),
            ),
            c("other_num_affected", "ADVERSE_EVENTS: participants with another adverse event.", i64c(rows, |r| r.other_num_affected)),
            c("other_num_at_risk", "ADVERSE_EVENTS: participants at risk of other adverse events.", i64c(rows, |r| r.other_num_at_risk)),
            c("deaths_num_affected", "ADVERSE_EVENTS: deaths, all causes (API JSON only).", i64c(rows, |r| r.deaths_num_affected)),
            c("deaths_num_at_risk", "ADVERSE_EVENTS: participants at risk of death (API JSON only).", i64c(rows, |r| r.deaths_num_at_risk)),
            c(
                "arm_label",
                "Protocol arm the group is: the first arm whose label equals the title (case and spacing ignored), else the trial's only arm when the section has one group; null otherwise.",
                utf8(rows, |r| r.arm_label.as_deref()),
            ),
            c(
                "arm_match",
                "How arm_label was matched: TITLE or ONLY_ARM (only arm, only group); null when unmatched.",
                dict(rows, |r| r.arm_match.as_deref()),
            ),
        ],
    )
}

/// `participant_flow`: one row per group per milestone or drop reason.
pub fn participant_flow(rows: &[ParticipantFlow]) -> RecordBatch {
    batch(
        "One row per group per milestone (STARTED, COMPLETED, ...) or drop/withdraw reason of a participant flow period.",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("period_index", "0-based period ordinal.", i64c(rows, |r| Some(r.period_index))),
            c("period_title", "Period title.", utf8(rows, |r| r.period_title.as_deref())),
            key("kind", "MILESTONE or DROP_WITHDRAW.", dict(rows, |r| Some(r.kind.as_str()))),
            key(
                "item_index",
                "0-based ordinal of the milestone (or reason) within its kind in the period.",
                i64c(rows, |r| Some(r.item_index)),
            ),
            c("item_type", "Milestone or drop reason as stated.", utf8(rows, |r| r.item_type.as_deref())),
            c("group_index", "Position of the group among the flow groups.", i64c(rows, |r| r.group_index)),
            c("group_id", "Group id as stated.", utf8(rows, |r| r.group_id.as_deref())),
            c("count", "Participants; null when not a whole number.", i64c(rows, |r| r.count)),
            c("count_raw", "Participants as stated.", utf8(rows, |r| r.count_raw.as_deref())),
            c("comment", "Comment on the count (or the milestone).", utf8(rows, |r| r.comment.as_deref())),
        ],
    )
}

/// `baseline_measurements`: one row per cell of a baseline measure.
pub fn baseline_measurements(rows: &[BaselineMeasurement]) -> RecordBatch {
    let mut cols = vec![
        key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
        key("measure_index", "0-based baseline measure ordinal.", i64c(rows, |r| Some(r.measure_index))),
        c("title", "Measure title.", utf8(rows, |r| r.measure.title.as_deref())),
    ];
    cols.extend(measure_cols(rows, |r| &r.measure));
    cols.extend(cell_cols(rows, |r| &r.cell));
    batch("One row per cell (measure, class, category, group) of the baseline characteristics.", cols)
}

/// `outcome_measurements`: one row per cell of an outcome measure.
pub fn outcome_measurements(rows: &[OutcomeMeasurement]) -> RecordBatch {
    let mut cols = vec![
        key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
        key("outcome_index", "0-based position in the results outcome list.", i64c(rows, |r| Some(r.outcome_index))),
        c("outcome_type", "PRIMARY, SECONDARY, OTHER_PRE_SPECIFIED or POST_HOC.", dict(rows, |r| r.outcome_type.as_deref())),
        c("title", "Outcome title.", utf8(rows, |r| r.outcome_title.as_deref())),
        c("time_frame", "Time frame as stated.", utf8(rows, |r| r.time_frame.as_deref())),
        key(
            "measure_index",
            "0-based measure ordinal within the outcome (2016-era XML states several).",
            i64c(rows, |r| Some(r.measure_index)),
        ),
        c("measure_title", "Measure title (the outcome title in API JSON).", utf8(rows, |r| r.measure.title.as_deref())),
    ];
    cols.extend(measure_cols(rows, |r| &r.measure));
    cols.extend(cell_cols(rows, |r| &r.cell));
    batch("One row per cell (outcome, measure, class, category, group) of the posted outcome results.", cols)
}

/// `outcome_analyses`: one row per statistical analysis of an outcome.
pub fn outcome_analyses(rows: &[OutcomeAnalysis]) -> RecordBatch {
    let mut cols = vec![
        key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
        key("outcome_index", "0-based position in the results outcome list.", i64c(rows, |r| Some(r.outcome_index))),
        key("analysis_index", "0-based analysis ordinal within the outcome.", i64c(rows, |r| Some(r.analysis_index))),
        key("group_ids", "Groups compared, ids as stated.", list_utf8(rows, |r| &r.group_ids)),
        c("group_description", "Description of the comparison.", utf8(rows, |r| r.group_description.as_deref())),
        c(
            "non_inferiority_type",
            "SUPERIORITY, NON_INFERIORITY, EQUIVALENCE, ... (API v2 spelling).",
            dict(rows, |r| r.non_inferiority_type.as_deref()),
        ),
    ];
    cols.extend(stated(rows, ["p_value", "p_value_raw", "p_value_comparator"], |r| &r.p_value));
    cols.push(c("statistical_method", "Statistical method as stated.", utf8(rows, |r| r.statistical_method.as_deref())));
    cols.push(c("param_type", "Estimated parameter as stated.", utf8(rows, |r| r.param_type.as_deref())));
    cols.extend(stated(rows, ["param_value", "param_value_raw", "param_value_comparator"], |r| &r.param_value));
    cols.extend(stated(rows, ["ci_pct_value", "ci_pct_value_raw", "ci_pct_value_comparator"], |r| &r.ci_pct_value));
    cols.push(c("ci_num_sides", "ONE_SIDED or TWO_SIDED.", dict(rows, |r| r.ci_num_sides.as_deref())));
    cols.extend(stated(rows, ["ci_lower_limit", "ci_lower_limit_raw", "ci_lower_limit_comparator"], |r| &r.ci_lower_limit));
    cols.extend(stated(rows, ["ci_upper_limit", "ci_upper_limit_raw", "ci_upper_limit_comparator"], |r| &r.ci_upper_limit));
    cols.push(c("estimate_comment", "Estimation comment.", utf8(rows, |r| r.estimate_comment.as_deref())));
    cols.push(c("dispersion_type", "STANDARD_DEVIATION or STANDARD_ERROR_OF_MEAN.", dict(rows, |r| r.dispersion_type.as_deref())));
    cols.extend(stated(rows, ["dispersion_value", "dispersion_value_raw", "dispersion_value_comparator"], |r| &r.dispersion_value));
    batch("One row per statistical analysis of a posted outcome.", cols)
}

/// `adverse_events`: one row per adverse event term per group.
pub fn adverse_events(rows: &[AdverseEvent]) -> RecordBatch {
    batch(
        "One row per adverse event term per group (serious events first, then other events).",
        vec![
            key("nct_id", "Trial.", utf8(rows, |r| Some(&r.nct_id))),
            key("event_index", "0-based event ordinal (serious, then other).", i64c(rows, |r| Some(r.event_index))),
            key("event_type", "SERIOUS or OTHER.", dict(rows, |r| Some(r.event_type.as_str()))),
            c("organ_system", "Organ system as stated.", utf8(rows, |r| r.organ_system.as_deref())),
            c("term", "Adverse event term as stated.", utf8(rows, |r| r.term.as_deref())),
            c(
                "source_vocabulary",
                "Vocabulary as stated (XML: the section default when the event states none).",
                utf8(rows, |r| r.source_vocabulary.as_deref()),
            ),
            c("assessment_type", "SYSTEMATIC_ASSESSMENT or NON_SYSTEMATIC_ASSESSMENT.", dict(rows, |r| r.assessment_type.as_deref())),
            c("notes", "Notes as stated.", utf8(rows, |r| r.notes.as_deref())),
            c("group_index", "Position of the group among the adverse event groups.", i64c(rows, |r| r.group_index)),
            c("group_id", "Group id as stated; null for an event stated with no counts.", utf8(rows, |r| r.group_id.as_deref())),
            c("num_affected", "Participants affected.", i64c(rows, |r| r.num_affected)),
            c("num_at_risk", "Participants at risk.", i64c(rows, |r| r.num_at_risk)),
            c("num_events", "Number of events.", i64c(rows, |r| r.num_events)),
        ],
    )
}

/// `record_issues`: one row per data-quality finding.
pub fn record_issues(rows: &[RecordIssue]) -> RecordBatch {
    batch(
        "One row per data-quality finding: unreadable inputs, unknown spellings, conflicts, unparsed time frames and doses.",
        vec![
            key("source_path", "Input file (archive members as archive!member).", utf8(rows, |r| Some(&r.source_path))),
            key("line", "1-based line in the input (0 = whole file or unknown).", i64c(rows, |r| Some(r.line))),
            c("nct_id", "Trial, when known.", utf8(rows, |r| r.nct_id.as_deref())),
            key("severity", "ERROR (data lost), WARNING (value doubtful or null), INFO.", dict(rows, |r| Some(r.severity.as_str()))),
            c("field", "Column or field concerned.", dict(rows, |r| r.field.as_deref())),
            key("message", "What was found; conflicts name both values.", utf8(rows, |r| Some(&r.message))),
            c("raw_value", "The raw value concerned, when there is one.", utf8(rows, |r| r.raw_value.as_deref())),
        ],
    )
}

/// Which group a table belongs to. Core tables are always written; the others can be switched
/// off in `pipeline.toml` by users who do not need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableGroup {
    /// The design card's tables: trials, conditions, arms, interventions, doses, outcomes,
    /// timepoints, references, record_issues.
    Core,
    /// Sponsors, sites, MeSH terms, keywords, secondary ids, eligibility
    /// (`[output] registry_details`).
    RegistryDetails,
    /// Posted results (`[output] posted_results`).
    PostedResults,
}

/// Which table groups a run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSelection {
    /// Write the [`TableGroup::RegistryDetails`] tables.
    pub registry_details: bool,
    /// Write the [`TableGroup::PostedResults`] tables.
    pub posted_results: bool,
}

impl Default for TableSelection {
    fn default() -> Self {
        TableSelection { registry_details: true, posted_results: true }
    }
}

impl TableSelection {
    /// Whether tables of `group` are written.
    pub fn includes(&self, group: TableGroup) -> bool {
        match group {
            TableGroup::Core => true,
            TableGroup::RegistryDetails => self.registry_details,
            TableGroup::PostedResults => self.posted_results,
        }
    }

    /// Names of the tables this selection does not write.
    pub fn switched_off(&self) -> Vec<&'static str> {
        TABLES.iter().filter(|t| !self.includes(t.group)).map(|t| t.name).collect()
    }
}

/// An output table: its file name, what a row is, and how to build it.
pub struct TableDef {
    /// Table (and file stem) name.
    pub name: &'static str,
    /// Its group (whether it can be switched off).
    pub group: TableGroup,
    /// Builds a batch of the table from rows buffered in a [`Tables`].
    pub build: fn(&Tables) -> RecordBatch,
}

impl TableDef {
    /// The table's schema (with column descriptions).
    pub fn schema(&self) -> SchemaRef {
        (self.build)(&Tables::default()).schema()
    }
}

pub use crate::registry::TABLES;

/// Names of all output tables.
pub fn table_names() -> Vec<&'static str> {
    TABLES.iter().map(|t| t.name).collect()
}
