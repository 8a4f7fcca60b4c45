//! ClinicalTrials.gov API v2 JSON: a single study object, an array of studies (the website's
//! "Download" `ctg-studies.json`), a page object `{"studies": [...], "nextPageToken": ...}`,
//! JSON Lines (one study per line), and the R-jsonlite re-serialisation of a page where every
//! scalar is wrapped in a one-element array.
//!
//! Why it is built this way:
//! - Speed: a byte-level splitter finds each study's extent (no recursion, no tree), then each
//!   study is deserialized into typed, field-selective serde structs (unknown fields are
//!   skipped by serde without building values).
//! - Robustness: one bad study never costs the others. A truncated document still yields
//!   every complete study, and an [`InputIssue`] (line + serde's message) for the rest. A
//!   module of the wrong shape costs only that module (a [`Finding`] on the record). serde's
//!   recursion limit (128) is kept, and the splitter is iterative, so deep nesting cannot
//!   overflow the stack.
//! - Memory: no tree of the document is ever built, and what was read is handed over in
//!   pieces ([`read_each`]), so a 200 MB array costs the bytes plus one piece, not a copy of
//!   every study.
//! - One splitter, two APIs: API v1 full studies ([`crate::api_v1_json`]) are found by the
//!   same splitter and translated into this module's typed model, so every rule here (lines,
//!   lenient modules, arm links) holds for both.
//! - Provenance: every scalar keeps its byte position (via `RawValue`, which borrows from the
//!   input), so each [`Raw`] gets the line of the value itself.

use serde::de::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::model::{
    Extracted, Finding, InputIssue, OutcomeKind, Raw, RawArm, RawIntervention, RawLocation, RawMeshTerm, RawOutcome, RawRecord,
    RawReference, RawResponsibleParty, RawSecondaryId, RawSponsor, Severity, SourceFormat,
};

// ---------------------------------------------------------------------------------------
// Typed model of the parts of an API v2 study that trialtables reads.
// ---------------------------------------------------------------------------------------

/// A scalar as the JSON states it (string text, or the literal text of a number/boolean),
/// with the address of its first byte in the input (turned into a line later).
#[derive(Debug, Default)]
pub(crate) enum Text {
    /// Not stated (missing or `null` or `[]`).
    #[default]
    Absent,
    /// A stated value.
    Value { text: String, ptr: usize },
    /// Something that is not a scalar (an object, an array of several values).
    Odd { what: String, ptr: usize },
}

pub(crate) fn classify(raw: &RawValue, depth: u8) -> Text {
    classify_str(raw.get(), depth)
}

/// [`classify`] of the text of a JSON value (checked JSON).
pub(crate) fn classify_str(s: &str, depth: u8) -> Text {
    let ptr = s.as_ptr() as usize;
    match s.as_bytes().first() {
        Some(b'"') => {
            let inner = s.get(1..s.len().saturating_sub(1)).unwrap_or("");
            if !inner.contains('\\') {
                Text::Value { text: inner.to_string(), ptr: inner.as_ptr() as usize }
            } else {
                match serde_json::from_str::<String>(s) {
                    Ok(text) => Text::Value { text, ptr: ptr + 1 },
                    Err(e) => Text::Odd { what: format!("an unreadable string ({e})"), ptr },
                }
            }
        }
        Some(b'n') => Text::Absent,
        Some(b'[') if depth == 0 => match serde_json::from_str::<Vec<&RawValue>>(s) {
            // R jsonlite wraps every scalar in a one-element array.
            Ok(items) => match items.as_slice() {
                [] => Text::Absent,
                [one] => classify_str(one.get(), depth + 1),
                many => Text::Odd { what: format!("an array of {} values", many.len()), ptr },
            },
            Err(e) => Text::Odd { what: format!("an unreadable array ({e})"), ptr },
        },
        Some(b'[') => Text::Odd { what: "a nested array".to_string(), ptr },
        Some(b'{') => Text::Odd { what: "an object".to_string(), ptr },
        // Numbers and booleans: the literal text as stated ("102", "false").
        Some(_) => Text::Value { text: s.to_string(), ptr },
        None => Text::Absent,
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw: &'de RawValue = Deserialize::deserialize(d)?;
        Ok(classify(raw, 0))
    }
}

/// A module read on its own, so that a module of an unexpected shape costs only itself.
#[derive(Debug, Default)]
pub(crate) enum Lenient<T> {
    #[default]
    Absent,
    Ok(T),
    Bad {
        error: String,
        ptr: usize,
    },
}

impl<T> Lenient<T> {
    /// The same module in another model (API v1 -> v2).
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Lenient<U> {
        match self {
            Lenient::Absent => Lenient::Absent,
            Lenient::Ok(t) => Lenient::Ok(f(t)),
            Lenient::Bad { error, ptr } => Lenient::Bad { error, ptr },
        }
    }
}

thread_local! {
    /// Set while a study is read on the fast path (see [`read_study`]): modules and lists are
    /// then read in the one pass over the study, and any surprise fails the whole pass.
    static FAST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Clears [`FAST`] when the fast pass ends, however it ends.
struct FastPass;

impl FastPass {
    fn start() -> FastPass {
        FAST.with(|f| f.set(true));
        FastPass
    }
}

impl Drop for FastPass {
    fn drop(&mut self) {
        FAST.with(|f| f.set(false));
    }
}

fn fast() -> bool {
    FAST.with(|f| f.get())
}

/// One study object read into the model. Most studies are read in one pass, each module and
/// list straight from the stream (the fast path). A study where that pass fails anywhere (a
/// module of an unexpected shape, an unreadable list element, a study that is not JSON) is read
/// again the lenient way: each module and list element cut out as raw text and read on its own,
/// so that a bad one costs only itself and gets its own finding. Where the fast pass succeeds,
/// the lenient one would give the same model (every value is read by the same code; only the
/// error handling differs), so which path read a study never shows in the output.
fn read_study(slice: &str) -> serde_json::Result<StudyDoc> {
    {
        let _fast = FastPass::start();
        if let Ok(doc) = serde_json::from_str::<StudyDoc>(slice) {
            return Ok(doc);
        }
    }
    serde_json::from_str::<StudyDoc>(slice)
}

/// A study object at the start of `rest` read in the one fast pass, with where it ends; `None`
/// when that pass fails (the caller then finds the study's extent and reads it the lenient
/// way, as [`read_study`] would).
fn read_study_prefix(rest: &str) -> Option<(StudyDoc, usize)> {
    let _fast = FastPass::start();
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<StudyDoc>();
    match stream.next() {
        Some(Ok(doc)) => Some((doc, stream.byte_offset())),
        _ => None,
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if fast() {
            return Ok(match Option::<T>::deserialize(d)? {
                Some(t) => Lenient::Ok(t),
                None => Lenient::Absent,
            });
        }
        let raw: &'de RawValue = Deserialize::deserialize(d)?;
        let s: &'de str = raw.get();
        if s == "null" {
            return Ok(Lenient::Absent);
        }
        Ok(match serde_json::from_str::<T>(s) {
            Ok(t) => Lenient::Ok(t),
            Err(e) => Lenient::Bad { error: e.to_string(), ptr: s.as_ptr() as usize },
        })
    }
}

/// A list that may also be stated as a single scalar; items are [`Text`].
#[derive(Debug, Default)]
pub(crate) struct TextList(pub(crate) Vec<Text>);

impl<'de> Deserialize<'de> for TextList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw: &'de RawValue = Deserialize::deserialize(d)?;
        let s: &'de str = raw.get();
        if s.starts_with('[') {
            match serde_json::from_str::<Vec<&'de RawValue>>(s) {
                Ok(items) => Ok(TextList(items.into_iter().map(|r| classify(r, 0)).collect())),
                Err(e) => Ok(TextList(vec![Text::Odd { what: format!("an unreadable array ({e})"), ptr: s.as_ptr() as usize }])),
            }
        } else {
            Ok(TextList(vec![classify(raw, 1)]))
        }
    }
}

/// A list of objects; a single object (or a jsonlite-wrapped one) is a list of one.
#[derive(Debug)]
pub(crate) struct ObjList<T>(pub(crate) Vec<Lenient<T>>);

impl<T> Default for ObjList<T> {
    fn default() -> Self {
        ObjList(Vec::new())
    }
}

impl<T> ObjList<T> {
    /// The same list in another model (API v1 -> v2).
    pub(crate) fn map<U>(self, f: impl Fn(T) -> U) -> ObjList<U> {
        ObjList(self.0.into_iter().map(|x| x.map(&f)).collect())
    }
}

/// [`ObjList`] on the fast path: a list of objects, one object, or `null`.
struct FastObjList<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for FastObjList<T> {
    type Value = ObjList<T>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of objects")
    }
    fn visit_unit<E>(self) -> Result<ObjList<T>, E> {
        Ok(ObjList(Vec::new()))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<ObjList<T>, A::Error> {
        let mut v = Vec::new();
        while let Some(t) = seq.next_element::<T>()? {
            v.push(Lenient::Ok(t));
        }
        Ok(ObjList(v))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<ObjList<T>, A::Error> {
        Ok(ObjList(vec![Lenient::Ok(T::deserialize(serde::de::value::MapAccessDeserializer::new(map))?)]))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if fast() {
            return d.deserialize_any(FastObjList(std::marker::PhantomData));
        }
        let raw: &'de RawValue = Deserialize::deserialize(d)?;
        let s: &'de str = raw.get();
        let one = |s: &'de str| match serde_json::from_str::<T>(s) {
            Ok(t) => Lenient::Ok(t),
            Err(e) => Lenient::Bad { error: e.to_string(), ptr: s.as_ptr() as usize },
        };
        if s.starts_with('[') {
            match serde_json::from_str::<Vec<&'de RawValue>>(s) {
                Ok(items) => Ok(ObjList(items.into_iter().map(|r| one(r.get())).collect())),
                Err(e) => Ok(ObjList(vec![Lenient::Bad { error: e.to_string(), ptr: s.as_ptr() as usize }])),
            }
        } else if s == "null" {
            Ok(ObjList(Vec::new()))
        } else {
            Ok(ObjList(vec![one(s)]))
        }
    }
}

/// One element of a document: an API v2 study, or an API v1 full study (bare, wrapped in
/// `FullStudy`, or a `FullStudies` element `{"Rank": 1, "Study": {...}}`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct StudyDoc {
    protocol_section: Option<Protocol>,
    derived_section: Lenient<Derived>,
    has_results: Text,
    #[serde(rename = "ProtocolSection")]
    v1_protocol: Option<crate::api_v1_json::Protocol>,
    #[serde(rename = "DerivedSection")]
    v1_derived: Lenient<crate::api_v1_json::Derived>,
    #[serde(rename = "Study")]
    v1_study: Option<crate::api_v1_json::Study>,
    #[serde(rename = "FullStudy")]
    v1_full_study: Option<crate::api_v1_json::FullStudy>,
}

/// The parts of one study that are read, in the API v2 model.
#[derive(Debug, Default)]
pub(crate) struct StudyParts {
    /// `protocolSection`.
    pub(crate) protocol: Protocol,
    /// `derivedSection` (MeSH terms).
    pub(crate) derived: Lenient<Derived>,
    /// Top-level `hasResults` (API v2 only).
    pub(crate) has_results: Text,
}

impl StudyDoc {
    /// The study in the API v2 model, and the layout it was read from.
    fn into_study(self) -> Option<(StudyParts, SourceFormat)> {
        if let Some(protocol) = self.protocol_section {
            return Some((
                StudyParts { protocol, derived: self.derived_section, has_results: self.has_results },
                SourceFormat::CtgovApiV2Json,
            ));
        }
        let study = match (self.v1_protocol, self.v1_study, self.v1_full_study) {
            (Some(protocol), _, _) => crate::api_v1_json::Study { protocol: Some(protocol), derived: self.v1_derived },
            (None, Some(s), _) if s.protocol.is_some() => s,
            (None, _, Some(f)) => f.study?,
            _ => return None,
        };
        let protocol = study.protocol?;
        Some((
            StudyParts { protocol: protocol.into_v2(), derived: study.derived.map(|d| d.into_v2()), has_results: Text::Absent },
            SourceFormat::CtgovApiV1Json,
        ))
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Protocol {
    pub(crate) identification_module: Lenient<Identification>,
    pub(crate) status_module: Lenient<Status>,
    pub(crate) sponsor_collaborators_module: Lenient<Sponsors>,
    pub(crate) description_module: Lenient<Description>,
    pub(crate) conditions_module: Lenient<Conditions>,
    pub(crate) design_module: Lenient<Design>,
    pub(crate) arms_interventions_module: Lenient<ArmsInterventions>,
    pub(crate) outcomes_module: Lenient<Outcomes>,
    pub(crate) eligibility_module: Lenient<Eligibility>,
    pub(crate) references_module: Lenient<References>,
    pub(crate) contacts_locations_module: Lenient<ContactsLocations>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Identification {
    pub(crate) nct_id: Text,
    pub(crate) brief_title: Text,
    pub(crate) official_title: Text,
    pub(crate) acronym: Text,
    pub(crate) org_study_id_info: Lenient<OrgStudyIdInfo>,
    pub(crate) secondary_id_infos: ObjList<SecondaryIdInfo>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct OrgStudyIdInfo {
    pub(crate) id: Text,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct SecondaryIdInfo {
    pub(crate) id: Text,
    #[serde(rename = "type")]
    pub(crate) kind: Text,
    pub(crate) domain: Text,
    pub(crate) link: Text,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct DateStruct {
    pub(crate) date: Text,
    #[serde(rename = "type")]
    pub(crate) kind: Text,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Status {
    pub(crate) overall_status: Text,
    pub(crate) last_known_status: Text,
    pub(crate) start_date_struct: Lenient<DateStruct>,
    pub(crate) primary_completion_date_struct: Lenient<DateStruct>,
    pub(crate) completion_date_struct: Lenient<DateStruct>,
    pub(crate) study_first_post_date_struct: Lenient<DateStruct>,
    pub(crate) last_update_post_date_struct: Lenient<DateStruct>,
    pub(crate) why_stopped: Text,
    pub(crate) results_first_post_date_struct: Lenient<DateStruct>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Sponsors {
    pub(crate) lead_sponsor: Lenient<Sponsor>,
    pub(crate) collaborators: ObjList<Sponsor>,
    pub(crate) responsible_party: Lenient<ResponsibleParty>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct Sponsor {
    pub(crate) name: Text,
    pub(crate) class: Text,
}

/// `responsibleParty`; records migrated from the old registry state the person in
/// `oldNameTitle` and the organisation in `oldOrganization` instead.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ResponsibleParty {
    #[serde(rename = "type")]
    pub(crate) kind: Text,
    pub(crate) investigator_full_name: Text,
    pub(crate) investigator_title: Text,
    pub(crate) investigator_affiliation: Text,
    pub(crate) old_name_title: Text,
    pub(crate) old_organization: Text,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct ContactsLocations {
    pub(crate) locations: ObjList<Location>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Location {
    pub(crate) facility: Text,
    pub(crate) city: Text,
    pub(crate) state: Text,
    pub(crate) zip: Text,
    pub(crate) country: Text,
    pub(crate) status: Text,
    pub(crate) geo_point: Lenient<GeoPoint>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct GeoPoint {
    pub(crate) lat: Text,
    pub(crate) lon: Text,
}

/// `derivedSection`: the registry's MeSH indexing.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Derived {
    pub(crate) condition_browse_module: Lenient<Browse>,
    pub(crate) intervention_browse_module: Lenient<Browse>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct Browse {
    pub(crate) meshes: ObjList<Mesh>,
    pub(crate) ancestors: ObjList<Mesh>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct Mesh {
    /// Some re-serialisations spell it `id_str`.
    #[serde(alias = "id_str")]
    pub(crate) id: Text,
    pub(crate) term: Text,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Description {
    pub(crate) brief_summary: Text,
    pub(crate) detailed_description: Text,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct Conditions {
    pub(crate) conditions: TextList,
    pub(crate) keywords: TextList,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Design {
    pub(crate) study_type: Text,
    pub(crate) phases: TextList,
    pub(crate) design_info: Lenient<DesignInfo>,
    pub(crate) enrollment_info: Lenient<Enrollment>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct DesignInfo {
    pub(crate) allocation: Text,
    pub(crate) intervention_model: Text,
    pub(crate) intervention_model_description: Text,
    pub(crate) primary_purpose: Text,
    pub(crate) masking_info: Lenient<MaskingInfo>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct MaskingInfo {
    pub(crate) masking: Text,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct Enrollment {
    pub(crate) count: Text,
    #[serde(rename = "type")]
    pub(crate) kind: Text,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ArmsInterventions {
    pub(crate) arm_groups: ObjList<ArmGroup>,
    pub(crate) interventions: ObjList<Intervention>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ArmGroup {
    pub(crate) label: Text,
    #[serde(rename = "type")]
    pub(crate) kind: Text,
    pub(crate) description: Text,
    pub(crate) intervention_names: TextList,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Intervention {
    #[serde(rename = "type")]
    pub(crate) kind: Text,
    pub(crate) name: Text,
    pub(crate) description: Text,
    pub(crate) other_names: TextList,
    pub(crate) arm_group_labels: TextList,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Outcomes {
    pub(crate) primary_outcomes: ObjList<Outcome>,
    pub(crate) secondary_outcomes: ObjList<Outcome>,
    pub(crate) other_outcomes: ObjList<Outcome>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Outcome {
    pub(crate) measure: Text,
    pub(crate) description: Text,
    pub(crate) time_frame: Text,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Eligibility {
    pub(crate) minimum_age: Text,
    pub(crate) maximum_age: Text,
    pub(crate) sex: Text,
    pub(crate) healthy_volunteers: Text,
    pub(crate) eligibility_criteria: Text,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct References {
    pub(crate) references: ObjList<Reference>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct Reference {
    pub(crate) pmid: Text,
    #[serde(rename = "type")]
    pub(crate) kind: Text,
    pub(crate) citation: Text,
    pub(crate) doi: Text,
}

// ---------------------------------------------------------------------------------------
// Line numbers.
// ---------------------------------------------------------------------------------------

/// Maps addresses inside one study's slice to 1-based lines of the whole document.
struct Lines {
    base: usize,
    len: usize,
    first_line: u32,
    newlines: Vec<u32>,
}

impl Lines {
    fn new(slice: &str, first_line: u32) -> Lines {
        let newlines = memchr::memchr_iter(b'\n', slice.as_bytes()).map(|i| i as u32).collect();
        Lines { base: slice.as_ptr() as usize, len: slice.len(), first_line, newlines }
    }

    fn line(&self, ptr: usize) -> u32 {
        if ptr < self.base || ptr > self.base + self.len {
            return self.first_line;
        }
        let off = (ptr - self.base) as u32;
        self.first_line + self.newlines.partition_point(|&n| n < off) as u32
    }
}

// ---------------------------------------------------------------------------------------
// Mapping typed study -> RawRecord.
// ---------------------------------------------------------------------------------------

struct Mapper<'l> {
    lines: &'l Lines,
    findings: Vec<Finding>,
}

impl Mapper<'_> {
    fn raw(&mut self, t: Text, field: &str) -> Option<Raw> {
        match t {
            Text::Absent => None,
            Text::Value { text, ptr } => Raw::non_empty_owned(text, self.lines.line(ptr)),
            Text::Odd { what, ptr } => {
                self.findings.push(Finding {
                    severity: Severity::Error,
                    field: Some(field.to_string()),
                    line: self.lines.line(ptr),
                    message: format!("{field}: expected a text value, found {what}; value not read"),
                });
                None
            }
        }
    }

    fn list(&mut self, l: TextList, field: &str) -> Vec<Raw> {
        l.0.into_iter().filter_map(|t| self.raw(t, field)).collect()
    }

    fn module<T>(&mut self, m: Lenient<T>, name: &str) -> Option<T> {
        match m {
            Lenient::Absent => None,
            Lenient::Ok(t) => Some(t),
            Lenient::Bad { error, ptr } => {
                self.findings.push(Finding {
                    severity: Severity::Error,
                    field: Some(name.to_string()),
                    line: self.lines.line(ptr),
                    message: format!("{name} could not be read ({error}); its values are left empty"),
                });
                None
            }
        }
    }

    fn date(&mut self, m: Lenient<DateStruct>, name: &str) -> (Option<Raw>, Option<Raw>) {
        match self.module(m, name) {
            Some(d) => (self.raw(d.date, name), self.raw(d.kind, name)),
            None => (None, None),
        }
    }

    /// MeSH terms of a browse module: direct matches, then ancestors.
    fn browse(&mut self, b: Lenient<Browse>, name: &str) -> Vec<RawMeshTerm> {
        let mut out = Vec::new();
        let Some(b) = self.module(b, name) else { return out };
        for (list, ancestor, key) in [(b.meshes, false, "meshes"), (b.ancestors, true, "ancestors")] {
            for (i, t) in list.0.into_iter().enumerate() {
                let Some(t) = self.module(t, key) else { continue };
                let mesh_id = self.raw(t.id, "mesh_id");
                match self.raw(t.term, "mesh_term") {
                    Some(term) => out.push(RawMeshTerm { term, mesh_id, ancestor }),
                    None => {
                        let line = mesh_id.as_ref().map(|r| r.line).unwrap_or(self.lines.first_line);
                        self.missing("mesh_term", line, &format!("{name}.{key}[{i}] has no term; this MeSH term is not kept"))
                    }
                }
            }
        }
        out
    }

    fn missing(&mut self, field: &str, line: u32, what: &str) {
        self.findings.push(Finding { severity: Severity::Warning, field: Some(field.to_string()), line, message: what.to_string() });
    }
}

/// API v2 intervention types, in the upper-snake form used for comparisons.
const INTERVENTION_TYPES: &[&str] = &[
    "DRUG",
    "DEVICE",
    "BIOLOGICAL",
    "PROCEDURE",
    "RADIATION",
    "BEHAVIORAL",
    "GENETIC",
    "DIETARY_SUPPLEMENT",
    "COMBINATION_PRODUCT",
    "DIAGNOSTIC_TEST",
    "OTHER",
];

fn type_key(s: &str) -> String {
    s.trim().chars().map(|c| if c.is_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

/// Strips a leading "Type: " from an arm's intervention name (API v2 spells them
/// "Biological: MSC" while the intervention itself is named "MSC"), when the prefix is an
/// intervention type and the full text is not itself an intervention name.
fn strip_type_prefix(name: Raw, types: &[String], names: &[&str]) -> Raw {
    if names.contains(&name.text.as_str()) {
        return name;
    }
    if let Some((prefix, rest)) = name.text.split_once(": ") {
        let key = type_key(prefix);
        let rest = rest.trim();
        if !rest.is_empty() && (types.contains(&key) || INTERVENTION_TYPES.contains(&key.as_str())) {
            return Raw { text: rest.to_string(), line: name.line };
        }
    }
    name
}

fn map_study(study: StudyParts, layout: SourceFormat, path: &str, lines: &Lines) -> RawRecord {
    let p = study.protocol;
    let mut rec = RawRecord::new(path, layout, lines.first_line);
    let mut m = Mapper { lines, findings: Vec::new() };

    if let Some(id) = m.module(p.identification_module, "identificationModule") {
        rec.nct_id = m.raw(id.nct_id, "nct_id");
        rec.brief_title = m.raw(id.brief_title, "brief_title");
        rec.official_title = m.raw(id.official_title, "official_title");
        rec.acronym = m.raw(id.acronym, "acronym");
        if let Some(org) = m.module(id.org_study_id_info, "orgStudyIdInfo") {
            rec.org_study_id = m.raw(org.id, "org_study_id");
        }
        for (i, sid) in id.secondary_id_infos.0.into_iter().enumerate() {
            let Some(sid) = m.module(sid, "secondaryIdInfos") else { continue };
            let id_type = m.raw(sid.kind, "secondary_id_type");
            let domain = m.raw(sid.domain, "secondary_id_domain");
            let link = m.raw(sid.link, "secondary_id_link");
            match m.raw(sid.id, "secondary_id") {
                Some(id) => rec.secondary_ids.push(RawSecondaryId { id, id_type, domain, link }),
                None => m.missing("secondary_id", rec.line, &format!("secondaryIdInfos[{i}] has no id; this secondary id is not kept")),
            }
        }
    }
    if let Some(s) = m.module(p.status_module, "statusModule") {
        rec.overall_status = m.raw(s.overall_status, "overall_status");
        rec.last_known_status = m.raw(s.last_known_status, "last_known_status");
        (rec.start_date, rec.start_date_type) = m.date(s.start_date_struct, "startDateStruct");
        (rec.primary_completion_date, rec.primary_completion_date_type) =
            m.date(s.primary_completion_date_struct, "primaryCompletionDateStruct");
        (rec.completion_date, rec.completion_date_type) = m.date(s.completion_date_struct, "completionDateStruct");
        (rec.first_posted_date, _) = m.date(s.study_first_post_date_struct, "studyFirstPostDateStruct");
        (rec.last_update_date, _) = m.date(s.last_update_post_date_struct, "lastUpdatePostDateStruct");
        rec.why_stopped = m.raw(s.why_stopped, "why_stopped");
        (rec.results_first_posted_date, _) = m.date(s.results_first_post_date_struct, "resultsFirstPostDateStruct");
    }
    rec.has_results = m.raw(study.has_results, "has_results");
    if let Some(s) = m.module(p.sponsor_collaborators_module, "sponsorCollaboratorsModule") {
        if let Some(lead) = m.module(s.lead_sponsor, "leadSponsor") {
            rec.lead_sponsor = m.raw(lead.name, "lead_sponsor");
            rec.lead_sponsor_class = m.raw(lead.class, "lead_sponsor_class");
        }
        for (i, c) in s.collaborators.0.into_iter().enumerate() {
            let Some(c) = m.module(c, "collaborators") else { continue };
            let agency_class = m.raw(c.class, "collaborator_class");
            match m.raw(c.name, "collaborator_name") {
                Some(name) => rec.collaborators.push(RawSponsor { name, agency_class }),
                None => m.missing("collaborator_name", rec.line, &format!("collaborators[{i}] has no name; this collaborator is not kept")),
            }
        }
        if let Some(rp) = m.module(s.responsible_party, "responsibleParty") {
            let party = RawResponsibleParty {
                party_type: m.raw(rp.kind, "responsible_party_type"),
                name: m
                    .raw(rp.investigator_full_name, "responsible_party_name")
                    .or_else(|| m.raw(rp.old_name_title, "responsible_party_name")),
                title: m.raw(rp.investigator_title, "responsible_party_title"),
                affiliation: m
                    .raw(rp.investigator_affiliation, "responsible_party_affiliation")
                    .or_else(|| m.raw(rp.old_organization, "responsible_party_affiliation")),
            };
            if party.party_type.is_some() || party.name.is_some() || party.title.is_some() || party.affiliation.is_some() {
                rec.responsible_party = Some(party);
            }
        }
    }
    if let Some(c) = m.module(p.contacts_locations_module, "contactsLocationsModule") {
        for loc in c.locations.0 {
            let Some(loc) = m.module(loc, "locations") else { continue };
            let (latitude, longitude) = match m.module(loc.geo_point, "geoPoint") {
                Some(g) => (m.raw(g.lat, "location_latitude"), m.raw(g.lon, "location_longitude")),
                None => (None, None),
            };
            let l = RawLocation {
                facility: m.raw(loc.facility, "location_facility"),
                city: m.raw(loc.city, "location_city"),
                state: m.raw(loc.state, "location_state"),
                zip: m.raw(loc.zip, "location_zip"),
                country: m.raw(loc.country, "location_country"),
                status: m.raw(loc.status, "location_status"),
                latitude,
                longitude,
            };
            rec.locations.push(l);
        }
    }
    if let Some(d) = m.module(study.derived, "derivedSection") {
        rec.condition_browse = m.browse(d.condition_browse_module, "conditionBrowseModule");
        rec.intervention_browse = m.browse(d.intervention_browse_module, "interventionBrowseModule");
    }
    if let Some(d) = m.module(p.description_module, "descriptionModule") {
        rec.brief_summary = m.raw(d.brief_summary, "brief_summary");
        rec.detailed_description = m.raw(d.detailed_description, "detailed_description");
    }
    if let Some(c) = m.module(p.conditions_module, "conditionsModule") {
        rec.conditions = m.list(c.conditions, "conditions");
        rec.keywords = m.list(c.keywords, "keywords");
    }
    if let Some(d) = m.module(p.design_module, "designModule") {
        rec.study_type = m.raw(d.study_type, "study_type");
        rec.phases = m.list(d.phases, "phases");
        if let Some(di) = m.module(d.design_info, "designInfo") {
            rec.allocation = m.raw(di.allocation, "allocation");
            rec.intervention_model = m.raw(di.intervention_model, "intervention_model");
            rec.intervention_model_description = m.raw(di.intervention_model_description, "intervention_model_description");
            rec.primary_purpose = m.raw(di.primary_purpose, "primary_purpose");
            if let Some(mi) = m.module(di.masking_info, "maskingInfo") {
                rec.masking = m.raw(mi.masking, "masking");
            }
        }
        if let Some(e) = m.module(d.enrollment_info, "enrollmentInfo") {
            rec.enrollment = m.raw(e.count, "enrollment");
            rec.enrollment_type = m.raw(e.kind, "enrollment_type");
        }
    }
    if let Some(a) = m.module(p.arms_interventions_module, "armsInterventionsModule") {
        for (i, iv) in a.interventions.0.into_iter().enumerate() {
            let Some(iv) = m.module(iv, "interventions") else { continue };
            let intervention_type = m.raw(iv.kind, "intervention_type");
            let description = m.raw(iv.description, "intervention_description");
            let other_names = m.list(iv.other_names, "intervention_other_names");
            let arm_labels = m.list(iv.arm_group_labels, "intervention_arm_labels");
            match m.raw(iv.name, "intervention_name") {
                Some(name) => rec.interventions.push(RawIntervention { intervention_type, name, description, other_names, arm_labels }),
                None => m.missing("intervention_name", rec.line, &format!("interventions[{i}] has no name; this intervention is not kept")),
            }
        }
        let types: Vec<String> =
            rec.interventions.iter().filter_map(|iv| iv.intervention_type.as_ref().map(|t| type_key(&t.text))).collect();
        let names: Vec<String> = rec.interventions.iter().map(|iv| iv.name.text.clone()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for (i, arm) in a.arm_groups.0.into_iter().enumerate() {
            let Some(arm) = m.module(arm, "armGroups") else { continue };
            let arm_type = m.raw(arm.kind, "arm_type");
            let description = m.raw(arm.description, "arm_description");
            let intervention_names = m
                .list(arm.intervention_names, "arm_intervention_names")
                .into_iter()
                .map(|n| strip_type_prefix(n, &types, &names))
                .collect();
            match m.raw(arm.label, "arm_label") {
                Some(label) => rec.arms.push(RawArm { label, arm_type, description, intervention_names }),
                None => m.missing("arm_label", rec.line, &format!("armGroups[{i}] has no label; this arm is not kept")),
            }
        }
    }
    if let Some(o) = m.module(p.outcomes_module, "outcomesModule") {
        for (kind, list, name) in [
            (OutcomeKind::Primary, o.primary_outcomes, "primaryOutcomes"),
            (OutcomeKind::Secondary, o.secondary_outcomes, "secondaryOutcomes"),
            (OutcomeKind::Other, o.other_outcomes, "otherOutcomes"),
        ] {
            for (i, oc) in list.0.into_iter().enumerate() {
                let Some(oc) = m.module(oc, name) else { continue };
                let description = m.raw(oc.description, "outcome_description");
                let time_frame = m.raw(oc.time_frame, "outcome_time_frame");
                match m.raw(oc.measure, "outcome_measure") {
                    Some(measure) => rec.outcomes.push(RawOutcome { kind, measure, description, time_frame }),
                    None => m.missing("outcome_measure", rec.line, &format!("{name}[{i}] has no measure; this outcome is not kept")),
                }
            }
        }
    }
    if let Some(e) = m.module(p.eligibility_module, "eligibilityModule") {
        rec.min_age = m.raw(e.minimum_age, "min_age");
        rec.max_age = m.raw(e.maximum_age, "max_age");
        rec.sex = m.raw(e.sex, "sex");
        rec.healthy_volunteers = m.raw(e.healthy_volunteers, "healthy_volunteers");
        rec.eligibility_criteria = m.raw(e.eligibility_criteria, "eligibility_criteria");
    }
    if let Some(r) = m.module(p.references_module, "referencesModule") {
        for reference in r.references.0 {
            let Some(reference) = m.module(reference, "references") else { continue };
            let r = RawReference {
                pmid: m.raw(reference.pmid, "reference_pmid"),
                doi: m.raw(reference.doi, "reference_doi"),
                citation: m.raw(reference.citation, "reference_citation"),
                reference_type: m.raw(reference.kind, "reference_type"),
            };
            if r.pmid.is_some() || r.doi.is_some() || r.citation.is_some() {
                rec.references.push(r);
            }
        }
    }
    if rec.nct_id.is_none() {
        let line = rec.line;
        let what = match layout {
            SourceFormat::CtgovApiV1Json => "study states no IdentificationModule.NCTId",
            _ => "study states no identificationModule.nctId",
        };
        m.missing("nct_id", line, what);
    }
    rec.findings = m.findings;
    rec
}

// ---------------------------------------------------------------------------------------
// Splitting a document into studies.
// ---------------------------------------------------------------------------------------

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(c) = b.get(i) {
        if c.is_ascii_whitespace() {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// Skips a string starting at the opening quote `i`; `Err(len)` when it never closes.
pub(crate) fn skip_string(b: &[u8], i: usize) -> Result<usize, usize> {
    let mut j = i + 1;
    // Strings are most of a study's bytes: jump from quote/backslash to quote/backslash.
    while let Some(k) = b.get(j..).and_then(|rest| memchr::memchr2(b'"', b'\\', rest)) {
        j += k;
        match b.get(j) {
            Some(b'"') => return Ok(j + 1),
            _ => j += 2,
        }
    }
    Err(b.len())
}

/// Bytes that matter to [`skip_value`] inside an object or array.
static STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'[' as usize] = true;
    t[b'}' as usize] = true;
    t[b']' as usize] = true;
    t
};

/// Skips one JSON value starting at `i` (not whitespace). Iterative, so nesting depth costs
/// no stack. `Ok(end)` exclusive; `Err(len)` when the input ends inside the value. It does
/// not validate: serde does, on the extent found.
pub(crate) fn skip_value(b: &[u8], i: usize) -> Result<usize, usize> {
    match b.get(i) {
        None => Err(b.len()),
        Some(b'"') => skip_string(b, i),
        Some(b'{') | Some(b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                while b.get(j).is_some_and(|&c| !STRUCTURAL[c as usize]) {
                    j += 1;
                }
                match b.get(j) {
                    None => return Err(b.len()),
                    Some(b'"') => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    Some(b'{') | Some(b'[') => depth += 1,
                    Some(_) => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(j + 1);
                        }
                    }
                }
                j += 1;
            }
        }
        Some(_) => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t') {
                j += 1;
            }
            Ok(j.max(i + 1))
        }
    }
}

/// Finds the value of top-level key `key` in the object starting at `i`; tolerant of a
/// truncated object (returns what was seen).
pub(crate) fn find_key(b: &[u8], i: usize, key: &[u8]) -> Option<usize> {
    let mut j = skip_ws(b, i + 1);
    loop {
        if b.get(j) != Some(&b'"') {
            return None;
        }
        let kend = skip_string(b, j).ok()?;
        let k = b.get(j + 1..kend - 1)?;
        j = skip_ws(b, kend);
        if b.get(j) != Some(&b':') {
            return None;
        }
        j = skip_ws(b, j + 1);
        if k == key {
            return Some(j);
        }
        j = skip_ws(b, skip_value(b, j).ok()?);
        match b.get(j) {
            Some(b',') => j = skip_ws(b, j + 1),
            _ => return None,
        }
    }
}

/// Finds an NCT id near `"nctId"` (API v1: `"NCTId"`) in a slice that could not be parsed
/// (for issues).
fn guess_nct(b: &[u8]) -> Option<String> {
    let pos = b.windows(7).position(|w| w == b"\"nctId\"" || w == b"\"NCTId\"")?;
    let rest = b.get(pos + 7..)?;
    let start = rest.windows(3).take(40).position(|w| w == b"NCT")?;
    let id: String = rest.get(start..)?.iter().take(11).take_while(|c| c.is_ascii_alphanumeric()).map(|&c| c as char).collect();
    (id.len() == 11).then_some(id)
}

/// Source bytes of studies gathered before what was read is handed over (see
/// [`read_each`]): a file smaller than this is handed over in one piece.
pub const CHUNK_BYTES: usize = 4 << 20;

/// What has been read and not yet handed over.
struct Out<'s> {
    got: Extracted,
    /// Source bytes of the studies in `got`.
    held: usize,
    /// Hand over once `held` reaches this.
    limit: usize,
    /// Whether anything was handed over yet.
    sent: bool,
    sink: &'s mut dyn FnMut(Extracted),
}

impl Out<'_> {
    fn record(&mut self, rec: RawRecord, bytes: usize) {
        self.got.records.push(rec);
        self.held += bytes;
        if self.held >= self.limit {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.got.records.is_empty() || !self.got.issues.is_empty() {
            self.sent = true;
            self.held = 0;
            (self.sink)(std::mem::take(&mut self.got));
        }
    }

    /// Hands over the rest (and always something, if nothing was handed over yet).
    fn finish(mut self) {
        if !self.sent && self.got.records.is_empty() && self.got.issues.is_empty() {
            (self.sink)(Extracted::default());
        }
        self.flush();
    }
}

struct Reader<'a, 'o, 's> {
    path: &'a str,
    doc: &'a str,
    out: &'o mut Out<'s>,
    /// Byte offset and line of the last position whose line is known (for incremental
    /// line counting, which keeps the reader linear).
    mark: (usize, u32),
    /// Line of offset 0 of `doc`.
    base_line: u32,
    /// Put before every issue's message (the line of a JSON Lines document).
    prefix: String,
}

impl Reader<'_, '_, '_> {
    fn line_at(&mut self, off: usize) -> u32 {
        let (moff, mline) = self.mark;
        let b = self.doc.as_bytes();
        let line = if off >= moff {
            mline + crate::decode::count_newlines(b.get(moff..off).unwrap_or(&[]))
        } else {
            self.base_line + crate::decode::count_newlines(b.get(..off).unwrap_or(&[]))
        };
        self.mark = (off, line);
        line
    }

    fn issue(&mut self, line: u32, nct_id: Option<String>, message: String) {
        let message = if self.prefix.is_empty() { message } else { format!("{}{message}", self.prefix) };
        self.out.got.issues.push(InputIssue { source_path: self.path.to_string(), line, nct_id, severity: Severity::Error, message });
    }

    /// One study element at `start..end` (`complete` false when the input ended inside it).
    fn study(&mut self, start: usize, end: usize, complete: bool, what: &str) {
        let line = self.line_at(start);
        let b = self.doc.as_bytes();
        let slice = self.doc.get(start..end).unwrap_or("");
        if b.get(start) != Some(&b'{') {
            let found: String = slice.chars().take(20).collect();
            self.issue(line, None, format!("{what} at line {line} is not a study object (starts with {found:?}); not read"));
            return;
        }
        match read_study(slice) {
            Ok(doc) => self.study_read(line, slice, doc, what),
            Err(e) => {
                let at = line + (e.line() as u32).saturating_sub(1);
                let why = if complete { "could not be read" } else { "is cut off (the document ends inside it)" };
                self.issue(at, guess_nct(slice.as_bytes()), format!("{what} starting at line {line} {why}: {e} (line {at})"));
            }
        }
    }

    /// A study read from `slice` (which starts at `line`) into a record.
    fn study_read(&mut self, line: u32, slice: &str, doc: StudyDoc, what: &str) {
        let lines = Lines::new(slice, line);
        match doc.into_study() {
            Some((p, layout)) => {
                let mut rec = map_study(p, layout, self.path, &lines);
                rec.results = crate::results::read_json(slice, &|ptr| lines.line(ptr), &mut rec.findings);
                self.out.record(rec, slice.len());
            }
            None => self.issue(
                line,
                guess_nct(slice.as_bytes()),
                format!("{what} at line {line} has no protocolSection: not a ClinicalTrials.gov API v2 study; not read"),
            ),
        }
    }

    /// Reads top-level values from `i` on until the input ends or cannot be read.
    fn values(&mut self, mut i: usize) {
        let b = self.doc.as_bytes();
        while let Some(end) = self.top(i) {
            i = skip_ws(b, end);
            if i >= b.len() {
                break;
            }
        }
    }

    /// An array of studies starting at `i` (`[`). Returns where it ends.
    fn array(&mut self, i: usize) -> Option<usize> {
        let b = self.doc.as_bytes();
        let mut j = skip_ws(b, i + 1);
        let mut n = 0usize;
        if b.get(j) == Some(&b']') {
            return Some(j + 1);
        }
        loop {
            if j >= b.len() {
                let line = self.line_at(b.len());
                self.issue(line, None, format!("JSON array ends early at line {line} (after {n} studies): the document is truncated"));
                return None;
            }
            n += 1;
            // A study that reads in the fast pass gives its own end; any other element is
            // skipped over to find its extent first, and read the lenient way.
            let fast = if b.get(j) == Some(&b'{') { self.doc.get(j..).and_then(read_study_prefix) } else { None };
            if let Some((doc, len)) = fast {
                let line = self.line_at(j);
                let slice = self.doc.get(j..j + len).unwrap_or("");
                self.study_read(line, slice, doc, &format!("array element {n}"));
                j = skip_ws(b, j + len);
            } else {
                match skip_value(b, j) {
                    Ok(end) => {
                        self.study(j, end, true, &format!("array element {n}"));
                        j = skip_ws(b, end);
                    }
                    Err(_) => {
                        self.study(j, b.len(), false, &format!("array element {n}"));
                        return None;
                    }
                }
            }
            match b.get(j) {
                Some(b',') => j = skip_ws(b, j + 1),
                Some(b']') => return Some(j + 1),
                Some(c) => {
                    let line = self.line_at(j);
                    self.issue(
                        line,
                        None,
                        format!(
                            "unexpected {:?} after array element {n} at line {line} (expected ',' or ']'); the rest of the document is not read",
                            *c as char
                        ),
                    );
                    return None;
                }
                None => {
                    let line = self.line_at(b.len());
                    self.issue(line, None, format!("JSON array is cut off after element {n} at line {line}: the document is truncated"));
                    return None;
                }
            }
        }
    }

    /// The rest of an object after a value that ended at `j`: skips its other members.
    /// Returns where the object ends.
    fn rest_of_object(&mut self, mut j: usize) -> Option<usize> {
        let b = self.doc.as_bytes();
        j = skip_ws(b, j);
        loop {
            match b.get(j) {
                Some(b'}') => return Some(j + 1),
                Some(b',') => {
                    j = skip_ws(b, j + 1);
                    let kend = skip_string(b, j).ok()?;
                    j = skip_ws(b, kend);
                    if b.get(j) != Some(&b':') {
                        return None;
                    }
                    j = skip_ws(b, skip_value(b, skip_ws(b, j + 1)).ok()?);
                }
                _ => return None,
            }
        }
    }

    /// One top-level value at `i`: array of studies, page object, or study object.
    /// Returns where it ends (`None` when the rest of the input is consumed or unreadable).
    fn top(&mut self, i: usize) -> Option<usize> {
        let b = self.doc.as_bytes();
        match b.get(i) {
            Some(b'[') => self.array(i),
            Some(b'{') => {
                if let Some(v) = find_key(b, i, b"studies") {
                    if b.get(v) == Some(&b'[') {
                        // A page: studies, then maybe nextPageToken / totalCount.
                        let after = self.array(v)?;
                        return self.rest_of_object(after);
                    }
                }
                // API v1: {"FullStudiesResponse": {..., "FullStudies": [{"Rank": 1, "Study": {...}}]}}
                if let Some(r) = find_key(b, i, b"FullStudiesResponse").filter(|&r| b.get(r) == Some(&b'{')) {
                    if let Some(v) = find_key(b, r, b"FullStudies").filter(|&v| b.get(v) == Some(&b'[')) {
                        let after = self.array(v)?;
                        let after = self.rest_of_object(after)?;
                        return self.rest_of_object(after);
                    }
                }
                match skip_value(b, i) {
                    Ok(end) => {
                        self.study(i, end, true, "study object");
                        Some(end)
                    }
                    Err(_) => {
                        self.study(i, b.len(), false, "study object");
                        None
                    }
                }
            }
            Some(_) => {
                let line = self.line_at(i);
                let found: String = self.doc.get(i..).unwrap_or("").chars().take(20).collect();
                self.issue(
                    line,
                    None,
                    format!(
                        "JSON value at line {line} is neither a study, an array of studies nor a page (starts with {found:?}); not read"
                    ),
                );
                None
            }
            None => None,
        }
    }
}

/// Reads an API v2 (or v1 full-study) JSON document (study object, array of studies, page
/// object, JSON Lines, jsonlite-wrapped page). Every complete study becomes a [`RawRecord`];
/// whatever cannot be read becomes an [`InputIssue`] naming the line.
pub fn read(path: &str, bytes: &[u8]) -> Extracted {
    let mut all = Extracted::default();
    read_each(path, bytes, CHUNK_BYTES, &mut |ex| {
        all.records.extend(ex.records);
        all.issues.extend(ex.issues);
    });
    all
}

/// Like [`read`], but streams: the studies are read one at a time from `bytes` (no tree of the
/// whole document is built), and what was read is handed to `sink` whenever the studies
/// gathered reach `chunk_bytes` of source (0: after every study), and at the end. So memory
/// beyond `bytes` is bounded by one chunk, whatever the size of the array or page.
///
/// `sink` is called at least once. The pieces, put together in order, are exactly what
/// [`read`] returns; a document whose studies total less than `chunk_bytes` is one piece.
pub fn read_each(path: &str, bytes: &[u8], chunk_bytes: usize, sink: &mut dyn FnMut(Extracted)) {
    crate::decode::with_utf8_or_cp1252(path, bytes, "JSON", |doc, warning| {
        let mut out = Out { got: Extracted::default(), held: 0, limit: chunk_bytes, sent: false, sink };
        out.got.issues.extend(warning);
        read_str(path, doc, &mut out);
        out.finish();
    })
}

fn read_str(path: &str, doc: &str, out: &mut Out<'_>) {
    let mut r = Reader { path, doc, out, mark: (0, 1), base_line: 1, prefix: String::new() };
    let b = doc.as_bytes();
    let first = skip_ws(b, 0);
    if first >= b.len() {
        r.issue(0, None, "empty JSON document: no record in it".to_string());
        return;
    }
    // JSON Lines: the first value is complete on its own line and more values follow. (Only
    // the first line is scanned: a value that does not end on it is not one line, and an
    // array of studies is not skipped over in full just to find that out.)
    let line_end = memchr::memchr(b'\n', &b[first..]).map_or(b.len(), |k| first + k);
    if let Ok(end) = skip_value(&b[..line_end], first) {
        let next = skip_ws(b, end);
        let one_line = !b.get(first..end).unwrap_or(&[]).contains(&b'\n');
        if next < b.len() && one_line && b.get(end..next).is_some_and(|g| g.contains(&b'\n')) {
            read_lines(path, doc, 1, r.out);
            return;
        }
    }
    r.values(first);
}

/// JSON Lines: each non-blank line is a document of its own, so a broken line costs only
/// itself.
fn read_lines(path: &str, doc: &str, first_line: u32, out: &mut Out<'_>) {
    for (n, line) in doc.split('\n').enumerate() {
        let b = line.as_bytes();
        let first = skip_ws(b, 0);
        if first >= b.len() {
            continue;
        }
        let lineno = n as u32 + first_line;
        let prefix = format!("JSON Lines line {lineno}: ");
        let mut sub = Reader { path, doc: line, out: &mut *out, mark: (0, lineno), base_line: lineno, prefix };
        sub.values(first);
    }
}

// ---------------------------------------------------------------------------------------
// Reading from a stream: an array of studies without holding the file.
// ---------------------------------------------------------------------------------------

/// Bytes read from the input at a time (at least; more while one study is longer).
const READ_BYTES: usize = 256 << 10;

/// A sliding window over the input: bytes before `pos` are read and no longer needed.
struct Window<'r> {
    input: &'r mut dyn std::io::Read,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    /// Line of `buf[pos]`.
    line: u32,
    /// Input offset of `buf[0]`.
    base: u64,
    /// Keep every byte read (until the document is known to be an array).
    hold: bool,
}

impl Window<'_> {
    /// Reads more (at least as much as is held, so rescanning a long study stays linear).
    fn fill(&mut self) -> std::io::Result<()> {
        if !self.hold && self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
        let want = READ_BYTES.max(self.buf.len() - self.pos);
        let old = self.buf.len();
        self.buf.resize(old + want, 0);
        let mut got = 0;
        while got < want {
            match self.input.read(&mut self.buf[old + got..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(old + got);
                    return Err(e);
                }
            }
        }
        self.buf.truncate(old + got);
        Ok(())
    }

    /// Moves `pos` to `to` (in `buf`), counting the lines passed.
    fn advance(&mut self, to: usize) {
        self.line += crate::decode::count_newlines(&self.buf[self.pos..to]);
        self.pos = to;
    }

    /// Skips whitespace; the next byte, if any.
    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        loop {
            let i = skip_ws(&self.buf, self.pos);
            self.advance(i);
            if let Some(&c) = self.buf.get(i) {
                return Ok(Some(c));
            }
            if self.eof {
                return Ok(None);
            }
            self.fill()?;
        }
    }

    /// The extent of the value at `pos` (`true` when complete), read in as far as needed.
    fn value(&mut self) -> std::io::Result<(usize, bool)> {
        loop {
            match skip_value(&self.buf, self.pos) {
                // A number or literal may go on in the bytes not read yet.
                Ok(end) if end < self.buf.len() || self.eof => return Ok((end, true)),
                Err(_) if self.eof => return Ok((self.buf.len(), false)),
                _ => self.fill()?,
            }
        }
    }

    /// Everything not read yet, from `pos` on.
    fn rest(&mut self) -> std::io::Result<Vec<u8>> {
        let mut rest = self.buf.split_off(self.pos);
        self.input.read_to_end(&mut rest)?;
        Ok(rest)
    }
}

/// Like [`read_each`], but reads `input` as it goes, when the document is an array of studies
/// (the website's download, the big case): study by study, so memory is bounded by one piece
/// and one study, not by the file. Any other document is not read here: the whole input is
/// returned (`Some`), for the caller to read as bytes (see [`crate::extract_reader`]).
///
/// For an array this gives exactly what [`read_each`] gives on the same bytes, except in two
/// cases that need the whole file to decide: when an array on one line is followed by more
/// lines (JSON Lines), the issues of that first line lack the "JSON Lines line 1: " prefix and
/// a broken first line ends the reading; and a study that is not valid UTF-8 is decoded as
/// Windows-1252 on its own (with the Warning at its line, once) while the others stay UTF-8. An error reading `input` is returned, with what was read
/// before it already handed over.
pub fn read_array_from(
    path: &str,
    input: &mut dyn std::io::Read,
    chunk_bytes: usize,
    sink: &mut dyn FnMut(Extracted),
) -> std::io::Result<Option<Vec<u8>>> {
    let mut w = Window { input, buf: Vec::new(), pos: 0, eof: false, line: 1, base: 0, hold: true };
    while w.buf.len() < 3 && !w.eof {
        w.fill()?;
    }
    if w.buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
        w.pos = 3;
    }
    if w.peek()? != Some(b'[') {
        w.pos = 0;
        return w.rest().map(Some);
    }
    w.hold = false;
    let mut out = Out { got: Extracted::default(), held: 0, limit: chunk_bytes, sent: false, sink };
    let mut warned = false;
    let r = stream_array(path, &mut w, &mut out, &mut warned);
    out.finish();
    r.map(|()| None)
}

/// The text of `bytes` (at `line`, input offset `offset`): UTF-8, else Windows-1252 with a
/// Warning the first time.
fn decode_part<'b>(path: &str, bytes: &'b [u8], line: u32, offset: u64, warned: &mut bool, out: &mut Out<'_>) -> std::borrow::Cow<'b, str> {
    match std::str::from_utf8(bytes) {
        Ok(doc) => std::borrow::Cow::Borrowed(doc),
        Err(e) => {
            if !*warned {
                *warned = true;
                let before = &bytes[..e.valid_up_to()];
                out.got.issues.push(InputIssue {
                    source_path: path.to_string(),
                    line: line + crate::decode::count_newlines(before),
                    nct_id: None,
                    severity: Severity::Warning,
                    message: format!(
                        "JSON is not valid UTF-8 (first bad byte at offset {}): read as Windows-1252",
                        offset + e.valid_up_to() as u64
                    ),
                });
            }
            std::borrow::Cow::Owned(crate::decode::to_text(bytes))
        }
    }
}

/// One study (or not) of a streamed array, read by a [`Reader`] over just its bytes.
fn stream_element(path: &str, w: &Window<'_>, end: usize, complete: bool, n: usize, out: &mut Out<'_>, warned: &mut bool) {
    let offset = w.base + w.pos as u64;
    let doc = decode_part(path, &w.buf[w.pos..end], w.line, offset, warned, out);
    let mut r = Reader { path, doc: &doc, out, mark: (0, w.line), base_line: w.line, prefix: String::new() };
    r.study(0, doc.len(), complete, &format!("array element {n}"));
}

/// [`Reader::array`] over a [`Window`]: the same issues at the same lines.
fn stream_array(path: &str, w: &mut Window<'_>, out: &mut Out<'_>, warned: &mut bool) -> std::io::Result<()> {
    let issue = |out: &mut Out<'_>, line: u32, message: String| {
        out.got.issues.push(InputIssue { source_path: path.to_string(), line, nct_id: None, severity: Severity::Error, message });
    };
    let open_line = w.line;
    w.advance(w.pos + 1); // '['
    let mut n = 0usize;
    if w.peek()? == Some(b']') {
        w.advance(w.pos + 1);
        return stream_rest(path, w, open_line, out, warned);
    }
    loop {
        let Some(_) = w.peek()? else {
            let line = w.line;
            issue(out, line, format!("JSON array ends early at line {line} (after {n} studies): the document is truncated"));
            return Ok(());
        };
        n += 1;
        let (end, complete) = w.value()?;
        stream_element(path, w, end, complete, n, out, warned);
        if !complete {
            return Ok(());
        }
        w.advance(end);
        match w.peek()? {
            Some(b',') => {
                w.advance(w.pos + 1);
            }
            Some(b']') => {
                w.advance(w.pos + 1);
                return stream_rest(path, w, open_line, out, warned);
            }
            Some(c) => {
                let line = w.line;
                issue(
                    out,
                    line,
                    format!(
                        "unexpected {:?} after array element {n} at line {line} (expected ',' or ']'); the rest of the document is not read",
                        c as char
                    ),
                );
                return Ok(());
            }
            None => {
                let line = w.line;
                issue(out, line, format!("JSON array is cut off after element {n} at line {line}: the document is truncated"));
                return Ok(());
            }
        }
    }
}

/// After the array (opened on `open_line`): more top-level values, if any, read whole as
/// [`Reader::values`] would, or as JSON Lines when the array was one line and more lines
/// follow (as [`read_str`] would).
fn stream_rest(path: &str, w: &mut Window<'_>, open_line: u32, out: &mut Out<'_>, warned: &mut bool) -> std::io::Result<()> {
    let close_line = w.line;
    if w.peek()?.is_none() {
        return Ok(());
    }
    let (line, offset) = (w.line, w.base + w.pos as u64);
    let rest = w.rest()?;
    let doc = decode_part(path, &rest, line, offset, warned, out);
    if open_line == close_line && line > close_line {
        read_lines(path, &doc, line, out);
    } else {
        let mut r = Reader { path, doc: &doc, out, mark: (0, line), base_line: line, prefix: String::new() };
        r.values(0);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The study read the lenient way only (every module and list element on its own).
    fn lenient(s: &str) -> String {
        format!("{:?}", serde_json::from_str::<StudyDoc>(s).map_err(|e| e.to_string()))
    }

    /// The study as [`read_study`] reads it (the fast path where it succeeds).
    fn either(s: &str) -> String {
        format!("{:?}", read_study(s).map_err(|e| e.to_string()))
    }

    fn studies(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Array(items) => items.iter().for_each(|i| studies(i, out)),
            serde_json::Value::Object(m) if m.contains_key("protocolSection") => out.push(v.to_string()),
            serde_json::Value::Object(m) => m.values().for_each(|i| studies(i, out)),
            _ => {}
        }
    }

    #[test]
    fn the_fast_path_reads_every_study_as_the_lenient_one_does() {
        let mut docs = vec![
            // Modules and lists of unexpected shapes: the fast pass fails, the lenient one reads.
            r#"{"protocolSection":{"identificationModule":{"nctId":"NCT00000001"},"statusModule":"odd","armsInterventionsModule":{"armGroups":[{"label":"A"},"x",null]}}}"#.to_string(),
            // A list stated as one object, null modules, jsonlite's wrapped scalars.
            r#"{"protocolSection":{"identificationModule":{"nctId":["NCT00000002"]},"armsInterventionsModule":{"armGroups":{"label":"A"}},"statusModule":null,"designModule":{"phases":"PHASE2"}},"hasResults":false}"#.to_string(),
            r#"{"protocolSection":{"identificationModule":{"nctId":"NCT00000003","nctId":"NCT00000004"}}}"#.to_string(),
            r#"{"protocolSection":[]}"#.to_string(),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/realdata/ctgov_v2_json");
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "json") {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&p).unwrap_or_default()) {
                        studies(&v, &mut docs);
                    }
                }
            }
        }
        assert!(docs.len() > 40, "{} studies", docs.len());
        for d in &docs {
            assert_eq!(either(d), lenient(d), "{d}");
        }
        // The fast flag never outlives a read.
        assert!(!fast());
    }
}
