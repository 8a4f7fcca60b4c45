//! The parse-only floor: what it costs just to decode the same bytes the pipeline reads,
//! without line tracking, normalization, issue bookkeeping or Parquet. `scripts/scale-bench`
//! divides the pipeline's wall time by the floor's to say how much the pipeline adds.
//!
//! Three JSON floors are offered because they bound the pipeline from different sides:
//! [`json_typed`] decodes only the fields trialtables reads into owned strings (the same
//! selection as `trialtables_extract::api_json`, the fair floor), [`json_value`] builds a full
//! `serde_json::Value` tree (what a generic reader pays), and [`json_skip`] only validates the
//! syntax (`IgnoredAny`, the absolute floor). XML uses a quick-xml event loop that decodes
//! every text node; text uses a UTF-8 decode and a line scan.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// Counts of one floor pass over one document.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Study records seen.
    pub records: u64,
    /// Scalar values decoded (a rough check that the decode did the work).
    pub values: u64,
    /// Documents or records that could not be decoded.
    pub errors: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.records += o.records;
        self.values += o.values;
        self.errors += o.errors;
    }
}

/// A scalar of any JSON type, kept as text (strings owned, numbers and booleans formatted);
/// objects and arrays where a scalar is expected are skipped, never an error.
#[derive(Debug, Default)]
pub struct Scalar(pub Option<String>);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON scalar")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar(Some(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Scalar, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Scalar, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl Scalar {
    fn n(&self) -> u64 {
        u64::from(self.0.is_some())
    }
}

fn n_list(v: &[Scalar]) -> u64 {
    v.iter().map(Scalar::n).sum()
}

/// The parts of an API v2 study that trialtables reads (same selection as the extract
/// stage), with owned strings.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Study {
    pub protocol_section: Option<Protocol>,
}

/// `protocolSection`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Protocol {
    pub identification_module: Option<Identification>,
    pub status_module: Option<Status>,
    pub sponsor_collaborators_module: Option<Sponsors>,
    pub description_module: Option<Description>,
    pub conditions_module: Option<Conditions>,
    pub design_module: Option<Design>,
    pub arms_interventions_module: Option<ArmsInterventions>,
    pub outcomes_module: Option<Outcomes>,
    pub eligibility_module: Option<Eligibility>,
    pub references_module: Option<References>,
}

/// `identificationModule`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Identification {
    pub nct_id: Scalar,
    pub brief_title: Scalar,
    pub official_title: Scalar,
}

/// A `*DateStruct`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DateStruct {
    pub date: Scalar,
    #[serde(rename = "type")]
    pub kind: Scalar,
}

/// `statusModule`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Status {
    pub overall_status: Scalar,
    pub last_known_status: Scalar,
    pub start_date_struct: Option<DateStruct>,
    pub primary_completion_date_struct: Option<DateStruct>,
    pub completion_date_struct: Option<DateStruct>,
    pub study_first_post_date_struct: Option<DateStruct>,
    pub last_update_post_date_struct: Option<DateStruct>,
}

/// `sponsorCollaboratorsModule`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Sponsors {
    pub lead_sponsor: Option<NameOnly>,
}

/// An object of which only `name` is read.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NameOnly {
    pub name: Scalar,
}

/// `descriptionModule`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Description {
    pub brief_summary: Scalar,
    pub detailed_description: Scalar,
}

/// `conditionsModule`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Conditions {
    pub conditions: Vec<Scalar>,
    pub keywords: Vec<Scalar>,
}

/// `designModule`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Design {
    pub study_type: Scalar,
    pub phases: Vec<Scalar>,
    pub design_info: Option<DesignInfo>,
    pub enrollment_info: Option<Enrollment>,
}

/// `enrollmentInfo`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Enrollment {
    pub count: Scalar,
    #[serde(rename = "type")]
    pub kind: Scalar,
}

/// `designInfo`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DesignInfo {
    pub allocation: Scalar,
    pub intervention_model: Scalar,
    pub primary_purpose: Scalar,
    pub masking_info: Option<Masking>,
}

/// `maskingInfo`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Masking {
    pub masking: Scalar,
}

/// `armsInterventionsModule`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ArmsInterventions {
    pub arm_groups: Vec<ArmGroup>,
    pub interventions: Vec<Intervention>,
}

/// One `armGroups` entry.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ArmGroup {
    pub label: Scalar,
    #[serde(rename = "type")]
    pub kind: Scalar,
    pub description: Scalar,
    pub intervention_names: Vec<Scalar>,
}

/// One `interventions` entry.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Intervention {
    #[serde(rename = "type")]
    pub kind: Scalar,
    pub name: Scalar,
    pub description: Scalar,
    pub other_names: Vec<Scalar>,
    pub arm_group_labels: Vec<Scalar>,
}

/// `outcomesModule`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Outcomes {
    pub primary_outcomes: Vec<Outcome>,
    pub secondary_outcomes: Vec<Outcome>,
    pub other_outcomes: Vec<Outcome>,
}

/// One outcome measure.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Outcome {
    pub measure: Scalar,
    pub description: Scalar,
    pub time_frame: Scalar,
}

/// `eligibilityModule`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Eligibility {
    pub minimum_age: Scalar,
    pub maximum_age: Scalar,
    pub sex: Scalar,
    pub healthy_volunteers: Scalar,
}

/// `referencesModule`.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct References {
    pub references: Vec<Reference>,
}

/// One reference.
#[allow(missing_docs)]
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Reference {
    pub pmid: Scalar,
    #[serde(rename = "type")]
    pub kind: Scalar,
    pub citation: Scalar,
    pub doi: Scalar,
}

impl Study {
    /// Number of scalar values stated in the fields read.
    pub fn values(&self) -> u64 {
        let Some(p) = &self.protocol_section else { return 0 };
        let mut n = 0;
        if let Some(m) = &p.identification_module {
            n += m.nct_id.n() + m.brief_title.n() + m.official_title.n();
        }
        if let Some(m) = &p.status_module {
            n += m.overall_status.n() + m.last_known_status.n();
            for d in [
                &m.start_date_struct,
                &m.primary_completion_date_struct,
                &m.completion_date_struct,
                &m.study_first_post_date_struct,
                &m.last_update_post_date_struct,
            ]
            .into_iter()
            .flatten()
            {
                n += d.date.n() + d.kind.n();
            }
        }
        if let Some(m) = p.sponsor_collaborators_module.as_ref().and_then(|s| s.lead_sponsor.as_ref()) {
            n += m.name.n();
        }
        if let Some(m) = &p.description_module {
            n += m.brief_summary.n() + m.detailed_description.n();
        }
        if let Some(m) = &p.conditions_module {
            n += n_list(&m.conditions) + n_list(&m.keywords);
        }
        if let Some(m) = &p.design_module {
            n += m.study_type.n() + n_list(&m.phases);
            if let Some(d) = &m.design_info {
                n += d.allocation.n() + d.intervention_model.n() + d.primary_purpose.n();
                n += d.masking_info.as_ref().map_or(0, |x| x.masking.n());
            }
            if let Some(e) = &m.enrollment_info {
                n += e.count.n() + e.kind.n();
            }
        }
        if let Some(m) = &p.arms_interventions_module {
            for a in &m.arm_groups {
                n += a.label.n() + a.kind.n() + a.description.n() + n_list(&a.intervention_names);
            }
            for i in &m.interventions {
                n += i.kind.n() + i.name.n() + i.description.n();
                n += n_list(&i.other_names) + n_list(&i.arm_group_labels);
            }
        }
        if let Some(m) = &p.outcomes_module {
            for o in m.primary_outcomes.iter().chain(&m.secondary_outcomes).chain(&m.other_outcomes) {
                n += o.measure.n() + o.description.n() + o.time_frame.n();
            }
        }
        if let Some(m) = &p.eligibility_module {
            n += m.minimum_age.n() + m.maximum_age.n() + m.sex.n() + m.healthy_volunteers.n();
        }
        if let Some(m) = &p.references_module {
            for r in &m.references {
                n += r.pmid.n() + r.kind.n() + r.citation.n() + r.doi.n();
            }
        }
        n
    }
}

/// A top-level object: either one study or a page `{"studies": [...]}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Top {
    studies: Option<Vec<Study>>,
    protocol_section: Option<Protocol>,
}

fn json_docs<T, F>(bytes: &[u8], per: F) -> Counts
where
    T: for<'de> Deserialize<'de>,
    F: Fn(T) -> Counts,
{
    let mut c = Counts::default();
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
    loop {
        match stream.next() {
            Some(Ok(doc)) => c += per(doc),
            Some(Err(_)) => {
                c.errors += 1;
                break;
            }
            None => break,
        }
    }
    c
}

fn first_byte(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Typed floor: decodes every study (array, page object, single study or JSON Lines) into
/// [`Study`] with owned strings.
pub fn json_typed(bytes: &[u8]) -> Counts {
    let sum = |studies: &[Study]| Counts { records: studies.len() as u64, values: studies.iter().map(Study::values).sum(), errors: 0 };
    match first_byte(bytes) {
        Some(b'[') => json_docs::<Vec<Study>, _>(bytes, |v| sum(&v)),
        Some(b'{') => json_docs::<Top, _>(bytes, |t| match t.studies {
            Some(v) => sum(&v),
            None => {
                let s = Study { protocol_section: t.protocol_section };
                Counts { records: 1, values: s.values(), errors: 0 }
            }
        }),
        _ => Counts { errors: 1, ..Counts::default() },
    }
}

fn count_value(v: &serde_json::Value) -> u64 {
    match v {
        serde_json::Value::Array(a) => a.iter().map(count_value).sum(),
        serde_json::Value::Object(o) => o.values().map(count_value).sum(),
        serde_json::Value::Null => 0,
        _ => 1,
    }
}

/// Generic floor: builds a full `serde_json::Value` tree of every document (all fields, not
/// only the ones read).
pub fn json_value(bytes: &[u8]) -> Counts {
    json_docs::<serde_json::Value, _>(bytes, |v| {
        let records = match &v {
            serde_json::Value::Array(a) => a.len() as u64,
            serde_json::Value::Object(o) => match o.get("studies") {
                Some(serde_json::Value::Array(a)) => a.len() as u64,
                _ => 1,
            },
            _ => 0,
        };
        Counts { records, values: count_value(&v), errors: 0 }
    })
}

/// Syntax-only floor: validates the JSON and counts top-level studies without keeping any
/// value.
pub fn json_skip(bytes: &[u8]) -> Counts {
    match first_byte(bytes) {
        Some(b'[') => json_docs::<Vec<IgnoredAny>, _>(bytes, |v| Counts { records: v.len() as u64, values: 0, errors: 0 }),
        _ => json_docs::<IgnoredAny, _>(bytes, |_| Counts { records: 1, values: 0, errors: 0 }),
    }
}

/// XML floor: a quick-xml event loop over the whole document that decodes every text node and
/// resolves entity references; counts `<clinical_study>` elements.
pub fn xml(bytes: &[u8]) -> Counts {
    use quick_xml::events::Event;
    let mut c = Counts::default();
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                if e.local_name().as_ref() == b"clinical_study" {
                    c.records += 1;
                }
            }
            Ok(Event::Text(t)) => match t.decode() {
                Ok(s) => {
                    text.push_str(&s);
                    c.values += 1;
                }
                Err(_) => c.errors += 1,
            },
            Ok(Event::CData(t)) => {
                text.push_str(&String::from_utf8_lossy(&t));
                c.values += 1;
            }
            Ok(Event::GeneralRef(r)) => {
                if let Ok(Some(ch)) = r.resolve_char_ref() {
                    text.push(ch);
                }
            }
            Ok(Event::End(_)) => text.clear(),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(_) => {
                c.errors += 1;
                break;
            }
        }
        buf.clear();
    }
    c
}

/// Text floor: UTF-8 decode (lossy) and a scan of every line; one page is one record.
pub fn text(bytes: &[u8]) -> Counts {
    let s = String::from_utf8_lossy(bytes);
    let values = s.lines().filter(|l| !l.trim().is_empty()).count() as u64;
    Counts { records: 1, values, errors: 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STUDY: &str = r#"{"protocolSection":{"identificationModule":{"nctId":"NCT01234567","briefTitle":"A \"quoted\" title"},
        "designModule":{"phases":["PHASE1","PHASE2"],"enrollmentInfo":{"count":20,"type":"ACTUAL"}},
        "outcomesModule":{"primaryOutcomes":[{"measure":"AEs","timeFrame":"12 weeks"}]}},"derivedSection":{"x":[1,2,{"y":null}]}}"#;

    #[test]
    fn typed_reads_every_shape() {
        let one = json_typed(STUDY.as_bytes());
        assert_eq!(one, Counts { records: 1, values: 8, errors: 0 });
        let arr = format!("[{STUDY},{STUDY}]");
        assert_eq!(json_typed(arr.as_bytes()).records, 2);
        let page = format!("{{\"studies\":[{STUDY},{STUDY},{STUDY}],\"nextPageToken\":\"x\"}}");
        assert_eq!(json_typed(page.as_bytes()).records, 3);
        let jsonl = format!("{}\n{}\n", STUDY.replace('\n', " "), STUDY.replace('\n', " "));
        assert_eq!(json_typed(jsonl.as_bytes()).records, 2);
    }

    #[test]
    fn floors_count_errors_not_panic() {
        let truncated = &STUDY.as_bytes()[..STUDY.len() / 2];
        assert_eq!(json_typed(truncated).errors, 1);
        assert_eq!(json_value(truncated).errors, 1);
        assert_eq!(json_skip(truncated).errors, 1);
        assert_eq!(json_typed(b"").errors, 1);
        assert_eq!(xml(b"<clinical_study><a>x</b></clinical_study>").errors, 1);
    }

    #[test]
    fn value_and_skip_agree_on_records() {
        let arr = format!("[{STUDY},{STUDY}]");
        assert_eq!(json_value(arr.as_bytes()).records, 2);
        assert_eq!(json_skip(arr.as_bytes()).records, 2);
        // value counts every scalar, including the ones typed ignores.
        assert!(json_value(arr.as_bytes()).values > json_typed(arr.as_bytes()).values);
    }

    #[test]
    fn xml_counts_studies_and_texts() {
        let doc = b"<?xml version=\"1.0\"?><clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info>\
                    <brief_title>A &amp; B</brief_title></clinical_study>";
        let c = xml(doc);
        assert_eq!(c.records, 1);
        assert_eq!(c.errors, 0);
        assert!(c.values >= 2);
    }

    #[test]
    fn text_counts_non_blank_lines() {
        assert_eq!(text(b"a\n\n b \r\n\nc").values, 3);
    }
}
