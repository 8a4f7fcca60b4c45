//! ClinicalTrials.gov API v1 full-study JSON (the API retired in 2024, still found in
//! archives): `{"FullStudy": {"Rank": 1, "Study": {"ProtocolSection": {...}, ...}}}`, the bare
//! `Study` object, or several in `{"FullStudiesResponse": {"FullStudies": [{"Rank": 1,
//! "Study": {...}}]}}` (also as arrays, pages and JSON Lines, like API v2).
//!
//! The layout differs from API v2 only in spelling: capitalised module and field names,
//! lists wrapped as `XxxList: {"Xxx": [...]}`, field names that repeat their parent
//! (`ArmGroupLabel`, `PrimaryOutcomeMeasure`), and every scalar a string. So this module
//! holds only the typed model of that spelling and its translation into the API v2 model of
//! [`crate::api_json`]; splitting the document into studies, line numbers, tolerance of a
//! module of the wrong shape and the mapping to [`crate::RawRecord`] are shared with it. Every
//! value keeps the position of its own bytes, so a record's lines are those of the v1 file.

use serde::Deserialize;

use crate::api_json::{self as v2, Lenient, ObjList, Text, TextList};

/// `FullStudy`: `{"Rank": ..., "Study": {...}}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct FullStudy {
    #[serde(rename = "Study")]
    pub(crate) study: Option<Study>,
}

/// `Study`: `{"ProtocolSection": {...}, "DerivedSection": {...}, ...}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Study {
    #[serde(rename = "ProtocolSection")]
    pub(crate) protocol: Option<Protocol>,
    #[serde(rename = "DerivedSection")]
    pub(crate) derived: Lenient<Derived>,
}

/// `ProtocolSection`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct Protocol {
    identification_module: Lenient<Identification>,
    status_module: Lenient<Status>,
    sponsor_collaborators_module: Lenient<Sponsors>,
    description_module: Lenient<Description>,
    conditions_module: Lenient<Conditions>,
    design_module: Lenient<Design>,
    arms_interventions_module: Lenient<ArmsInterventions>,
    outcomes_module: Lenient<Outcomes>,
    eligibility_module: Lenient<Eligibility>,
    references_module: Lenient<References>,
    contacts_locations_module: Lenient<ContactsLocations>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Identification {
    #[serde(rename = "NCTId")]
    nct_id: Text,
    brief_title: Text,
    official_title: Text,
    acronym: Text,
    org_study_id_info: Lenient<OrgStudyIdInfo>,
    secondary_id_info_list: Lenient<SecondaryIdInfoList>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct OrgStudyIdInfo {
    org_study_id: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct SecondaryIdInfo {
    secondary_id: Text,
    secondary_id_type: Text,
    secondary_id_domain: Text,
    secondary_id_link: Text,
}

/// Every `XxxDateStruct` is `{"XxxDate": ..., "XxxDateType": ...}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DateStruct {
    #[serde(alias = "StartDate", alias = "PrimaryCompletionDate", alias = "CompletionDate")]
    #[serde(alias = "StudyFirstPostDate", alias = "LastUpdatePostDate", alias = "ResultsFirstPostDate")]
    date: Text,
    #[serde(alias = "StartDateType", alias = "PrimaryCompletionDateType", alias = "CompletionDateType")]
    #[serde(alias = "StudyFirstPostDateType", alias = "LastUpdatePostDateType", alias = "ResultsFirstPostDateType")]
    kind: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Status {
    overall_status: Text,
    last_known_status: Text,
    start_date_struct: Lenient<DateStruct>,
    primary_completion_date_struct: Lenient<DateStruct>,
    completion_date_struct: Lenient<DateStruct>,
    study_first_post_date_struct: Lenient<DateStruct>,
    last_update_post_date_struct: Lenient<DateStruct>,
    why_stopped: Text,
    results_first_post_date_struct: Lenient<DateStruct>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Sponsors {
    lead_sponsor: Lenient<LeadSponsor>,
    collaborator_list: Lenient<CollaboratorList>,
    responsible_party: Lenient<ResponsibleParty>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct LeadSponsor {
    lead_sponsor_name: Text,
    lead_sponsor_class: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Collaborator {
    collaborator_name: Text,
    collaborator_class: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct ResponsibleParty {
    responsible_party_type: Text,
    responsible_party_investigator_full_name: Text,
    responsible_party_investigator_title: Text,
    responsible_party_investigator_affiliation: Text,
    responsible_party_old_name_title: Text,
    responsible_party_old_organization: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct ContactsLocations {
    location_list: Lenient<LocationList>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Location {
    location_facility: Text,
    location_city: Text,
    location_state: Text,
    location_zip: Text,
    location_country: Text,
    location_status: Text,
}

/// `DerivedSection`: the registry's MeSH indexing.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct Derived {
    condition_browse_module: Lenient<ConditionBrowse>,
    intervention_browse_module: Lenient<InterventionBrowse>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct ConditionBrowse {
    condition_mesh_list: Lenient<ConditionMeshList>,
    condition_ancestor_list: Lenient<ConditionAncestorList>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct InterventionBrowse {
    intervention_mesh_list: Lenient<InterventionMeshList>,
    intervention_ancestor_list: Lenient<InterventionAncestorList>,
}

/// `ConditionMesh`, `ConditionAncestor`, `InterventionMesh` and `InterventionAncestor`
/// differ only in their prefix.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Mesh {
    #[serde(alias = "ConditionMeshId", alias = "ConditionAncestorId", alias = "InterventionMeshId", alias = "InterventionAncestorId")]
    id: Text,
    #[serde(alias = "ConditionMeshTerm", alias = "ConditionAncestorTerm", alias = "InterventionMeshTerm")]
    #[serde(alias = "InterventionAncestorTerm")]
    term: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Description {
    brief_summary: Text,
    detailed_description: Text,
}

/// `XxxList: {"Xxx": [...]}`: a wrapper holding one list under the item's name.
macro_rules! wrapped_list {
    ($name:ident, $key:literal, $list:ty) => {
        #[derive(Debug, Default, Deserialize)]
        #[serde(default)]
        struct $name {
            #[serde(rename = $key)]
            items: $list,
        }
    };
}

wrapped_list!(ConditionList, "Condition", TextList);
wrapped_list!(KeywordList, "Keyword", TextList);
wrapped_list!(PhaseList, "Phase", TextList);
wrapped_list!(ArmGroupList, "ArmGroup", ObjList<ArmGroup>);
wrapped_list!(ArmGroupInterventionList, "ArmGroupInterventionName", TextList);
wrapped_list!(InterventionList, "Intervention", ObjList<Intervention>);
wrapped_list!(OtherNameList, "InterventionOtherName", TextList);
wrapped_list!(ArmGroupLabelList, "InterventionArmGroupLabel", TextList);
wrapped_list!(PrimaryOutcomeList, "PrimaryOutcome", ObjList<Outcome>);
wrapped_list!(SecondaryOutcomeList, "SecondaryOutcome", ObjList<Outcome>);
wrapped_list!(OtherOutcomeList, "OtherOutcome", ObjList<Outcome>);
wrapped_list!(ReferenceList, "Reference", ObjList<Reference>);
wrapped_list!(SecondaryIdInfoList, "SecondaryIdInfo", ObjList<SecondaryIdInfo>);
wrapped_list!(CollaboratorList, "Collaborator", ObjList<Collaborator>);
wrapped_list!(LocationList, "Location", ObjList<Location>);
wrapped_list!(ConditionMeshList, "ConditionMesh", ObjList<Mesh>);
wrapped_list!(ConditionAncestorList, "ConditionAncestor", ObjList<Mesh>);
wrapped_list!(InterventionMeshList, "InterventionMesh", ObjList<Mesh>);
wrapped_list!(InterventionAncestorList, "InterventionAncestor", ObjList<Mesh>);

/// The items of a wrapped list; a wrapper of the wrong shape is a list of one bad item, so
/// it is reported (as a module of the wrong shape is) rather than silently empty.
fn items<W, T: Default>(w: Lenient<W>, get: impl FnOnce(W) -> T, bad: impl FnOnce(String, usize) -> T) -> T {
    match w {
        Lenient::Absent => T::default(),
        Lenient::Ok(w) => get(w),
        Lenient::Bad { error, ptr } => bad(error, ptr),
    }
}

fn text_items<W>(w: Lenient<W>, get: impl FnOnce(W) -> TextList) -> TextList {
    items(w, get, |error, ptr| TextList(vec![Text::Odd { what: format!("a list of an unexpected shape ({error})"), ptr }]))
}

fn obj_items<W, T>(w: Lenient<W>, get: impl FnOnce(W) -> ObjList<T>) -> ObjList<T> {
    items(w, get, |error, ptr| ObjList(vec![Lenient::Bad { error, ptr }]))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Conditions {
    condition_list: Lenient<ConditionList>,
    keyword_list: Lenient<KeywordList>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Design {
    study_type: Text,
    phase_list: Lenient<PhaseList>,
    design_info: Lenient<DesignInfo>,
    enrollment_info: Lenient<Enrollment>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct DesignInfo {
    design_allocation: Text,
    design_intervention_model: Text,
    design_intervention_model_description: Text,
    design_primary_purpose: Text,
    design_masking_info: Lenient<MaskingInfo>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct MaskingInfo {
    design_masking: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Enrollment {
    enrollment_count: Text,
    enrollment_type: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct ArmsInterventions {
    arm_group_list: Lenient<ArmGroupList>,
    intervention_list: Lenient<InterventionList>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct ArmGroup {
    arm_group_label: Text,
    arm_group_type: Text,
    arm_group_description: Text,
    arm_group_intervention_list: Lenient<ArmGroupInterventionList>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Intervention {
    intervention_type: Text,
    intervention_name: Text,
    intervention_description: Text,
    intervention_other_name_list: Lenient<OtherNameList>,
    intervention_arm_group_label_list: Lenient<ArmGroupLabelList>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Outcomes {
    primary_outcome_list: Lenient<PrimaryOutcomeList>,
    secondary_outcome_list: Lenient<SecondaryOutcomeList>,
    other_outcome_list: Lenient<OtherOutcomeList>,
}

/// `PrimaryOutcome`, `SecondaryOutcome` and `OtherOutcome` differ only in their prefix.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Outcome {
    #[serde(alias = "PrimaryOutcomeMeasure", alias = "SecondaryOutcomeMeasure", alias = "OtherOutcomeMeasure")]
    measure: Text,
    #[serde(alias = "PrimaryOutcomeDescription", alias = "SecondaryOutcomeDescription", alias = "OtherOutcomeDescription")]
    description: Text,
    #[serde(alias = "PrimaryOutcomeTimeFrame", alias = "SecondaryOutcomeTimeFrame", alias = "OtherOutcomeTimeFrame")]
    time_frame: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Eligibility {
    minimum_age: Text,
    maximum_age: Text,
    gender: Text,
    healthy_volunteers: Text,
    eligibility_criteria: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct References {
    reference_list: Lenient<ReferenceList>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Reference {
    #[serde(rename = "ReferencePMID")]
    pmid: Text,
    #[serde(rename = "ReferenceType")]
    kind: Text,
    #[serde(rename = "ReferenceCitation")]
    citation: Text,
}

// ---------------------------------------------------------------------------------------
// Translation into the API v2 model (values move; their positions come along).
// ---------------------------------------------------------------------------------------

fn date(d: DateStruct) -> v2::DateStruct {
    v2::DateStruct { date: d.date, kind: d.kind }
}

fn mesh(m: Mesh) -> v2::Mesh {
    v2::Mesh { id: m.id, term: m.term }
}

fn sponsor(name: Text, class: Text) -> v2::Sponsor {
    v2::Sponsor { name, class }
}

impl Derived {
    /// The same derived section in the API v2 model.
    pub(crate) fn into_v2(self) -> v2::Derived {
        v2::Derived {
            condition_browse_module: self.condition_browse_module.map(|b| v2::Browse {
                meshes: obj_items(b.condition_mesh_list, |l| l.items).map(mesh),
                ancestors: obj_items(b.condition_ancestor_list, |l| l.items).map(mesh),
            }),
            intervention_browse_module: self.intervention_browse_module.map(|b| v2::Browse {
                meshes: obj_items(b.intervention_mesh_list, |l| l.items).map(mesh),
                ancestors: obj_items(b.intervention_ancestor_list, |l| l.items).map(mesh),
            }),
        }
    }
}

fn outcome(o: Outcome) -> v2::Outcome {
    v2::Outcome { measure: o.measure, description: o.description, time_frame: o.time_frame }
}

impl Protocol {
    /// The same protocol section in the API v2 model.
    pub(crate) fn into_v2(self) -> v2::Protocol {
        v2::Protocol {
            identification_module: self.identification_module.map(|i| v2::Identification {
                nct_id: i.nct_id,
                brief_title: i.brief_title,
                official_title: i.official_title,
                acronym: i.acronym,
                org_study_id_info: i.org_study_id_info.map(|o| v2::OrgStudyIdInfo { id: o.org_study_id }),
                secondary_id_infos: obj_items(i.secondary_id_info_list, |l| l.items).map(|x| v2::SecondaryIdInfo {
                    id: x.secondary_id,
                    kind: x.secondary_id_type,
                    domain: x.secondary_id_domain,
                    link: x.secondary_id_link,
                }),
            }),
            status_module: self.status_module.map(|s| v2::Status {
                overall_status: s.overall_status,
                last_known_status: s.last_known_status,
                start_date_struct: s.start_date_struct.map(date),
                primary_completion_date_struct: s.primary_completion_date_struct.map(date),
                completion_date_struct: s.completion_date_struct.map(date),
                study_first_post_date_struct: s.study_first_post_date_struct.map(date),
                last_update_post_date_struct: s.last_update_post_date_struct.map(date),
                why_stopped: s.why_stopped,
                results_first_post_date_struct: s.results_first_post_date_struct.map(date),
            }),
            sponsor_collaborators_module: self.sponsor_collaborators_module.map(|s| v2::Sponsors {
                lead_sponsor: s.lead_sponsor.map(|l| sponsor(l.lead_sponsor_name, l.lead_sponsor_class)),
                collaborators: obj_items(s.collaborator_list, |l| l.items).map(|c| sponsor(c.collaborator_name, c.collaborator_class)),
                responsible_party: s.responsible_party.map(|r| v2::ResponsibleParty {
                    kind: r.responsible_party_type,
                    investigator_full_name: r.responsible_party_investigator_full_name,
                    investigator_title: r.responsible_party_investigator_title,
                    investigator_affiliation: r.responsible_party_investigator_affiliation,
                    old_name_title: r.responsible_party_old_name_title,
                    old_organization: r.responsible_party_old_organization,
                }),
            }),
            description_module: self
                .description_module
                .map(|d| v2::Description { brief_summary: d.brief_summary, detailed_description: d.detailed_description }),
            conditions_module: self.conditions_module.map(|c| v2::Conditions {
                conditions: text_items(c.condition_list, |l| l.items),
                keywords: text_items(c.keyword_list, |l| l.items),
            }),
            design_module: self.design_module.map(|d| v2::Design {
                study_type: d.study_type,
                phases: text_items(d.phase_list, |l| l.items),
                design_info: d.design_info.map(|i| v2::DesignInfo {
                    allocation: i.design_allocation,
                    intervention_model: i.design_intervention_model,
                    intervention_model_description: i.design_intervention_model_description,
                    primary_purpose: i.design_primary_purpose,
                    masking_info: i.design_masking_info.map(|m| v2::MaskingInfo { masking: m.design_masking }),
                }),
                enrollment_info: d.enrollment_info.map(|e| v2::Enrollment { count: e.enrollment_count, kind: e.enrollment_type }),
            }),
            arms_interventions_module: self.arms_interventions_module.map(|a| v2::ArmsInterventions {
                arm_groups: obj_items(a.arm_group_list, |l| l.items).map(|g| v2::ArmGroup {
                    label: g.arm_group_label,
                    kind: g.arm_group_type,
                    description: g.arm_group_description,
                    intervention_names: text_items(g.arm_group_intervention_list, |l| l.items),
                }),
                interventions: obj_items(a.intervention_list, |l| l.items).map(|i| v2::Intervention {
                    kind: i.intervention_type,
                    name: i.intervention_name,
                    description: i.intervention_description,
                    other_names: text_items(i.intervention_other_name_list, |l| l.items),
                    arm_group_labels: text_items(i.intervention_arm_group_label_list, |l| l.items),
                }),
            }),
            outcomes_module: self.outcomes_module.map(|o| v2::Outcomes {
                primary_outcomes: obj_items(o.primary_outcome_list, |l| l.items).map(outcome),
                secondary_outcomes: obj_items(o.secondary_outcome_list, |l| l.items).map(outcome),
                other_outcomes: obj_items(o.other_outcome_list, |l| l.items).map(outcome),
            }),
            eligibility_module: self.eligibility_module.map(|e| v2::Eligibility {
                minimum_age: e.minimum_age,
                maximum_age: e.maximum_age,
                sex: e.gender,
                healthy_volunteers: e.healthy_volunteers,
                eligibility_criteria: e.eligibility_criteria,
            }),
            references_module: self.references_module.map(|r| v2::References {
                references: obj_items(r.reference_list, |l| l.items).map(|x| v2::Reference {
                    pmid: x.pmid,
                    kind: x.kind,
                    citation: x.citation,
                    doi: Text::Absent,
                }),
            }),
            contacts_locations_module: self.contacts_locations_module.map(|c| v2::ContactsLocations {
                locations: obj_items(c.location_list, |l| l.items).map(|l| v2::Location {
                    facility: l.location_facility,
                    city: l.location_city,
                    state: l.location_state,
                    zip: l.location_zip,
                    country: l.location_country,
                    status: l.location_status,
                    geo_point: Lenient::Absent,
                }),
            }),
        }
    }
}
