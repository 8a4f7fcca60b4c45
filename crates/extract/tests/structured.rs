//! Structured-input readers (API v2 JSON, legacy XML, archives) on every real record
//! available, checked field by field against the sources' own structure read independently
//! (serde_json::Value pointers, a regex lookup for XML), plus hostile inputs.

use std::io::Write;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde_json::Value;
use trialtables_extract::{extract, Extracted, OutcomeKind, Raw, RawRecord, Severity};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures_realdata() -> PathBuf {
    manifest().join("../../fixtures/realdata")
}

/// The shared real data when present, else the copies under fixtures/realdata.
fn realdata() -> PathBuf {
    let shared = manifest().join("../../../shared/realdata");
    if shared.is_dir() {
        shared
    } else {
        fixtures_realdata()
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read_dir {}: {e}", dir.display())).flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.file_name().is_some_and(|n| n != "SOURCES.tsv") {
            out.push(p);
        }
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    walk(dir, &mut v);
    v
}

fn rel(dir: &Path, p: &Path) -> String {
    p.strip_prefix(dir).unwrap_or(p).display().to_string()
}

fn fixture(relpath: &str) -> Vec<u8> {
    let p = fixtures_realdata().join(relpath);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn txt(r: &Option<Raw>) -> Option<&str> {
    r.as_ref().map(|r| r.text.as_str())
}

fn texts(v: &[Raw]) -> Vec<&str> {
    v.iter().map(|r| r.text.as_str()).collect()
}

fn errors(x: &Extracted) -> usize {
    x.issues.iter().filter(|i| i.severity == Severity::Error).count()
}

/// R jsonlite wraps every scalar in a one-element array: unwrap top-down, one level.
fn unwrap_jsonlite(v: &Value) -> Value {
    match v {
        Value::Array(a) if a.len() == 1 && !a[0].is_array() && !a[0].is_object() => a[0].clone(),
        Value::Array(a) => Value::Array(a.iter().map(unwrap_jsonlite).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), unwrap_jsonlite(v))).collect()),
        other => other.clone(),
    }
}

/// The study objects of a JSON document, independently of the reader. API v1 full studies
/// come back in the API v2 shape (see [`v1_as_v2`]).
fn json_studies(bytes: &[u8]) -> Vec<Value> {
    let v: Value = serde_json::from_slice(bytes).expect("real JSON parses");
    let list = match &v {
        Value::Array(a) => a.clone(),
        Value::Object(o) => match (o.get("studies"), v.pointer("/FullStudiesResponse/FullStudies")) {
            (Some(Value::Array(a)), _) | (_, Some(Value::Array(a))) => a.clone(),
            _ => vec![v.clone()],
        },
        _ => vec![],
    };
    list.iter()
        .map(|s| match s.pointer("/protocolSection/identificationModule/nctId") {
            Some(Value::Array(_)) => unwrap_jsonlite(s),
            None => v1_study(s).map(v1_as_v2).unwrap_or_else(|| s.clone()),
            _ => s.clone(),
        })
        .collect()
}

/// The `Study` of an API v1 element: bare, in `FullStudy`, or in a `FullStudies` element.
fn v1_study(s: &Value) -> Option<&Value> {
    [s.pointer("/FullStudy/Study"), s.get("Study"), Some(s)].into_iter().flatten().find(|x| x.get("ProtocolSection").is_some())
}

/// An API v1 study rewritten in the API v2 shape, so that the v2 checks apply to it. Written
/// from the two APIs' documented field names, independently of the reader's translation.
fn v1_as_v2(s: &Value) -> Value {
    use serde_json::{json, Map};
    let p = |ptr: &str| s.pointer(&format!("/ProtocolSection{ptr}")).cloned().unwrap_or(Value::Null);
    // Scalars of an object, renamed.
    fn pick(o: &Value, pairs: &[(&str, &str)]) -> Value {
        let mut m = Map::new();
        for (v2, v1) in pairs {
            if let Some(x) = o.pointer(v1) {
                m.insert(v2.to_string(), x.clone());
            }
        }
        Value::Object(m)
    }
    let list = |o: &Value, ptr: &str| o.pointer(ptr).cloned().unwrap_or(Value::Null);
    let objs = |ptr: &str, f: &dyn Fn(&Value) -> Value| -> Value {
        match s.pointer(&format!("/ProtocolSection{ptr}")) {
            Some(Value::Array(a)) => Value::Array(a.iter().map(f).collect()),
            _ => Value::Null,
        }
    };
    let date = |name: &str| {
        let m = p(&format!("/StatusModule/{name}DateStruct"));
        pick(&m, &[("date", &format!("/{name}Date")), ("type", &format!("/{name}DateType"))])
    };
    let outcome = |prefix: &'static str| {
        move |o: &Value| {
            pick(
                o,
                &[
                    ("measure", &format!("/{prefix}Measure")),
                    ("description", &format!("/{prefix}Description")),
                    ("timeFrame", &format!("/{prefix}TimeFrame")),
                ],
            )
        }
    };
    let mut design = pick(&p("/DesignModule"), &[("studyType", "/StudyType"), ("phases", "/PhaseList/Phase")]);
    design["designInfo"] = pick(
        &p("/DesignModule/DesignInfo"),
        &[
            ("allocation", "/DesignAllocation"),
            ("interventionModel", "/DesignInterventionModel"),
            ("interventionModelDescription", "/DesignInterventionModelDescription"),
            ("primaryPurpose", "/DesignPrimaryPurpose"),
        ],
    );
    design["designInfo"]["maskingInfo"] = pick(&p("/DesignModule/DesignInfo/DesignMaskingInfo"), &[("masking", "/DesignMasking")]);
    design["enrollmentInfo"] = pick(&p("/DesignModule/EnrollmentInfo"), &[("count", "/EnrollmentCount"), ("type", "/EnrollmentType")]);
    json!({"protocolSection": {
        "identificationModule": pick(&p("/IdentificationModule"), &[("nctId", "/NCTId"), ("briefTitle", "/BriefTitle"), ("officialTitle", "/OfficialTitle")]),
        "statusModule": {
            "overallStatus": p("/StatusModule/OverallStatus"),
            "lastKnownStatus": p("/StatusModule/LastKnownStatus"),
            "startDateStruct": date("Start"),
            "primaryCompletionDateStruct": date("PrimaryCompletion"),
            "completionDateStruct": date("Completion"),
            "studyFirstPostDateStruct": date("StudyFirstPost"),
            "lastUpdatePostDateStruct": date("LastUpdatePost"),
        },
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": p("/SponsorCollaboratorsModule/LeadSponsor/LeadSponsorName")}},
        "descriptionModule": pick(&p("/DescriptionModule"), &[("briefSummary", "/BriefSummary"), ("detailedDescription", "/DetailedDescription")]),
        "conditionsModule": pick(&p("/ConditionsModule"), &[("conditions", "/ConditionList/Condition"), ("keywords", "/KeywordList/Keyword")]),
        "designModule": design,
        "armsInterventionsModule": {
            "armGroups": objs("/ArmsInterventionsModule/ArmGroupList/ArmGroup", &|a| {
                let mut g = pick(a, &[("label", "/ArmGroupLabel"), ("type", "/ArmGroupType"), ("description", "/ArmGroupDescription")]);
                g["interventionNames"] = list(a, "/ArmGroupInterventionList/ArmGroupInterventionName");
                g
            }),
            "interventions": objs("/ArmsInterventionsModule/InterventionList/Intervention", &|i| {
                let mut x = pick(i, &[("type", "/InterventionType"), ("name", "/InterventionName"), ("description", "/InterventionDescription")]);
                x["otherNames"] = list(i, "/InterventionOtherNameList/InterventionOtherName");
                x["armGroupLabels"] = list(i, "/InterventionArmGroupLabelList/InterventionArmGroupLabel");
                x
            }),
        },
        "outcomesModule": {
            "primaryOutcomes": objs("/OutcomesModule/PrimaryOutcomeList/PrimaryOutcome", &outcome("PrimaryOutcome")),
            "secondaryOutcomes": objs("/OutcomesModule/SecondaryOutcomeList/SecondaryOutcome", &outcome("SecondaryOutcome")),
            "otherOutcomes": objs("/OutcomesModule/OtherOutcomeList/OtherOutcome", &outcome("OtherOutcome")),
        },
        "eligibilityModule": pick(&p("/EligibilityModule"), &[("minimumAge", "/MinimumAge"), ("maximumAge", "/MaximumAge"), ("sex", "/Gender"), ("healthyVolunteers", "/HealthyVolunteers")]),
        "referencesModule": {
            "references": objs("/ReferencesModule/ReferenceList/Reference", &|r| pick(r, &[("pmid", "/ReferencePMID"), ("type", "/ReferenceType"), ("citation", "/ReferenceCitation")])),
        },
    }})
}

fn count_xml_studies(bytes: &[u8]) -> usize {
    let s = String::from_utf8_lossy(bytes);
    s.matches("<clinical_study>").count() + s.matches("<clinical_study ").count()
}

fn is_json(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "json")
}

// ---------------------------------------------------------------------------------------
// Every real file: no panic, every study accounted for.
// ---------------------------------------------------------------------------------------

#[test]
fn every_real_file_is_accounted_for() {
    let dir = realdata();
    let all = files(&dir);
    assert!(all.len() >= 20, "expected real data under {}", dir.display());
    let (mut n_files, mut n_records, mut n_issues, mut n_studies) = (0, 0, 0, 0);
    for p in &all {
        let bytes = std::fs::read(p).unwrap();
        let name = rel(&dir, p);
        let x = extract(&name, &bytes);
        let expected = if is_json(p) { json_studies(&bytes).len() } else { count_xml_studies(&bytes) };
        assert_eq!(
            x.records.len() + errors(&x),
            expected,
            "{name}: {} records + {} error issues != {expected} studies; issues: {:?}",
            x.records.len(),
            errors(&x),
            x.issues
        );
        for r in &x.records {
            assert_eq!(r.source_path, name);
            assert!(r.nct_id.is_some(), "{name}: record at line {} has no nct_id", r.line);
            assert!(r.line >= 1, "{name}: record line");
        }
        n_files += 1;
        n_records += x.records.len();
        n_issues += x.issues.len();
        n_studies += expected;
    }
    println!("realdata ({}): files={n_files} studies={n_studies} records={n_records} issues={n_issues}", dir.display());
    assert!(n_records >= 20);
}

// ---------------------------------------------------------------------------------------
// JSON: every field against serde_json::Value lookups.
// ---------------------------------------------------------------------------------------

fn vstr(v: &Value, ptr: &str) -> Option<String> {
    match v.pointer(ptr)? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn vlist(v: &Value, ptr: &str) -> Vec<String> {
    match v.pointer(ptr) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| match x {
                Value::String(s) => Some(s.trim().to_string()),
                Value::Null => None,
                other => Some(other.to_string()),
            })
            .filter(|s| !s.is_empty())
            .collect(),
        _ => vec![],
    }
}

fn varr<'a>(v: &'a Value, ptr: &str) -> &'a [Value] {
    match v.pointer(ptr) {
        Some(Value::Array(a)) => a,
        _ => &[],
    }
}

fn check_json_record(r: &RawRecord, s: &Value, src_lines: &[&str], ctx: &str) {
    let ps = "/protocolSection";
    let eq = |got: Option<&str>, ptr: &str, what: &str| {
        assert_eq!(got, vstr(s, &format!("{ps}{ptr}")).as_deref(), "{ctx}: {what} ({ptr})");
    };
    eq(txt(&r.nct_id), "/identificationModule/nctId", "nct_id");
    eq(txt(&r.brief_title), "/identificationModule/briefTitle", "brief_title");
    eq(txt(&r.official_title), "/identificationModule/officialTitle", "official_title");
    eq(txt(&r.overall_status), "/statusModule/overallStatus", "overall_status");
    eq(txt(&r.last_known_status), "/statusModule/lastKnownStatus", "last_known_status");
    eq(txt(&r.start_date), "/statusModule/startDateStruct/date", "start_date");
    eq(txt(&r.start_date_type), "/statusModule/startDateStruct/type", "start_date_type");
    eq(txt(&r.primary_completion_date), "/statusModule/primaryCompletionDateStruct/date", "pcd");
    eq(txt(&r.primary_completion_date_type), "/statusModule/primaryCompletionDateStruct/type", "pcd type");
    eq(txt(&r.completion_date), "/statusModule/completionDateStruct/date", "cd");
    eq(txt(&r.completion_date_type), "/statusModule/completionDateStruct/type", "cd type");
    eq(txt(&r.first_posted_date), "/statusModule/studyFirstPostDateStruct/date", "first posted");
    eq(txt(&r.last_update_date), "/statusModule/lastUpdatePostDateStruct/date", "last update");
    eq(txt(&r.lead_sponsor), "/sponsorCollaboratorsModule/leadSponsor/name", "lead sponsor");
    eq(txt(&r.brief_summary), "/descriptionModule/briefSummary", "brief summary");
    eq(txt(&r.detailed_description), "/descriptionModule/detailedDescription", "detailed");
    eq(txt(&r.study_type), "/designModule/studyType", "study_type");
    eq(txt(&r.allocation), "/designModule/designInfo/allocation", "allocation");
    eq(txt(&r.intervention_model), "/designModule/designInfo/interventionModel", "model");
    eq(txt(&r.intervention_model_description), "/designModule/designInfo/interventionModelDescription", "model description");
    eq(txt(&r.primary_purpose), "/designModule/designInfo/primaryPurpose", "purpose");
    eq(txt(&r.masking), "/designModule/designInfo/maskingInfo/masking", "masking");
    eq(txt(&r.enrollment), "/designModule/enrollmentInfo/count", "enrollment");
    eq(txt(&r.enrollment_type), "/designModule/enrollmentInfo/type", "enrollment type");
    eq(txt(&r.min_age), "/eligibilityModule/minimumAge", "min age");
    eq(txt(&r.max_age), "/eligibilityModule/maximumAge", "max age");
    eq(txt(&r.sex), "/eligibilityModule/sex", "sex");
    eq(txt(&r.healthy_volunteers), "/eligibilityModule/healthyVolunteers", "healthy");
    assert_eq!(texts(&r.phases), vlist(s, &format!("{ps}/designModule/phases")), "{ctx}: phases");
    assert_eq!(texts(&r.conditions), vlist(s, &format!("{ps}/conditionsModule/conditions")), "{ctx}: conditions");
    assert_eq!(texts(&r.keywords), vlist(s, &format!("{ps}/conditionsModule/keywords")), "{ctx}: keywords");

    // Interventions.
    let ivs = varr(s, &format!("{ps}/armsInterventionsModule/interventions"));
    assert_eq!(r.interventions.len(), ivs.len(), "{ctx}: interventions");
    let iv_names: Vec<String> = ivs.iter().filter_map(|i| vstr(i, "/name")).collect();
    for (got, want) in r.interventions.iter().zip(ivs) {
        assert_eq!(Some(got.name.text.clone()), vstr(want, "/name"), "{ctx}: intervention name");
        assert_eq!(txt(&got.intervention_type), vstr(want, "/type").as_deref(), "{ctx}: iv type");
        assert_eq!(txt(&got.description), vstr(want, "/description").as_deref(), "{ctx}: iv desc");
        assert_eq!(texts(&got.other_names), vlist(want, "/otherNames"), "{ctx}: other names");
        assert_eq!(texts(&got.arm_labels), vlist(want, "/armGroupLabels"), "{ctx}: iv arms");
    }
    // Arms: interventionNames lose their "Type: " prefix so that they join.
    let arms = varr(s, &format!("{ps}/armsInterventionsModule/armGroups"));
    assert_eq!(r.arms.len(), arms.len(), "{ctx}: arms");
    for (got, want) in r.arms.iter().zip(arms) {
        assert_eq!(Some(got.label.text.clone()), vstr(want, "/label"), "{ctx}: arm label");
        assert_eq!(txt(&got.arm_type), vstr(want, "/type").as_deref(), "{ctx}: arm type");
        assert_eq!(txt(&got.description), vstr(want, "/description").as_deref(), "{ctx}: arm d");
        let expected: Vec<String> = vlist(want, "/interventionNames")
            .into_iter()
            .map(|n| match n.split_once(": ") {
                Some((_, rest)) if iv_names.iter().any(|x| x == rest.trim()) => rest.trim().to_string(),
                _ => n,
            })
            .collect();
        assert_eq!(texts(&got.intervention_names), expected, "{ctx}: arm intervention names");
        for n in &got.intervention_names {
            assert!(
                iv_names.contains(&n.text) || !iv_names.iter().any(|x| n.text.ends_with(x.as_str())),
                "{ctx}: arm names {:?} should join {:?}",
                n.text,
                iv_names
            );
        }
    }
    // Outcomes.
    let mut want_outcomes = Vec::new();
    for (kind, key) in
        [(OutcomeKind::Primary, "primaryOutcomes"), (OutcomeKind::Secondary, "secondaryOutcomes"), (OutcomeKind::Other, "otherOutcomes")]
    {
        for o in varr(s, &format!("{ps}/outcomesModule/{key}")) {
            want_outcomes.push((kind, vstr(o, "/measure"), vstr(o, "/timeFrame"), vstr(o, "/description")));
        }
    }
    let got_outcomes: Vec<_> = r
        .outcomes
        .iter()
        .map(|o| {
            (
                o.kind,
                Some(o.measure.text.clone()),
                o.time_frame.as_ref().map(|t| t.text.clone()),
                o.description.as_ref().map(|t| t.text.clone()),
            )
        })
        .collect();
    assert_eq!(got_outcomes, want_outcomes, "{ctx}: outcomes");
    // References.
    let refs = varr(s, &format!("{ps}/referencesModule/references"));
    assert_eq!(r.references.len(), refs.len(), "{ctx}: references");
    for (got, want) in r.references.iter().zip(refs) {
        assert_eq!(txt(&got.pmid), vstr(want, "/pmid").as_deref(), "{ctx}: pmid");
        assert_eq!(txt(&got.reference_type), vstr(want, "/type").as_deref(), "{ctx}: ref type");
        assert_eq!(txt(&got.citation), vstr(want, "/citation").as_deref(), "{ctx}: citation");
    }
    // Lines: the value's own line holds it (checked on values written without escapes).
    let on_line = |raw: &Option<Raw>, what: &str| {
        if let Some(raw) = raw {
            let l = src_lines.get(raw.line as usize - 1).copied().unwrap_or("");
            assert!(l.contains(&raw.text), "{ctx}: {what} {:?} not on line {}", raw.text, raw.line);
        }
    };
    on_line(&r.nct_id, "nct_id");
    on_line(&r.start_date, "start_date");
    on_line(&r.enrollment, "enrollment");
    on_line(&r.overall_status, "overall_status");
    for p in &r.phases {
        on_line(&Some(p.clone()), "phase");
    }
    let rec_line = src_lines.get(r.line as usize - 1).copied().unwrap_or("");
    assert!(rec_line.contains('{'), "{ctx}: record line {} does not open an object", r.line);
}

#[test]
fn json_fields_match_the_source_structure() {
    let dir = realdata();
    let mut compared = 0;
    for p in files(&dir).iter().filter(|p| is_json(p)) {
        let bytes = std::fs::read(p).unwrap();
        let name = rel(&dir, p);
        let studies = json_studies(&bytes);
        let x = extract(&name, &bytes);
        assert_eq!(x.records.len(), studies.len(), "{name}");
        let text = String::from_utf8_lossy(&bytes);
        let src_lines: Vec<&str> = text.lines().collect();
        for (i, (r, s)) in x.records.iter().zip(&studies).enumerate() {
            check_json_record(r, s, &src_lines, &format!("{name} study {i}"));
            compared += 1;
        }
    }
    println!("JSON records compared field by field: {compared}");
    assert!(compared >= 12);
}

// ---------------------------------------------------------------------------------------
// XML: every field against a regex lookup of the source.
// ---------------------------------------------------------------------------------------

fn xml_unescape(s: &str) -> String {
    static NUM: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let num = NUM.get_or_init(|| Regex::new(r"&#(x[0-9a-fA-F]+|[0-9]+);").unwrap());
    let s = num.replace_all(s, |c: &regex::Captures<'_>| {
        let n = &c[1];
        let v = match n.strip_prefix('x') {
            Some(h) => u32::from_str_radix(h, 16).unwrap(),
            None => n.parse().unwrap(),
        };
        char::from_u32(v).unwrap().to_string()
    });
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// Text and `type` attribute of every `<tag ...>text</tag>` in `s` (plain string search).
fn tags(s: &str, tag: &str) -> Vec<(String, Option<String>)> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = s[i..].find(&open) {
        let start = i + at;
        let after = start + open.len();
        i = after;
        let Some(next) = s[after..].chars().next() else { break };
        if next != '>' && !next.is_whitespace() {
            continue; // a longer name (<condition_browse>)
        }
        let Some(gt) = s[after..].find('>') else { break };
        let attrs = &s[after..after + gt];
        let body_start = after + gt + 1;
        let Some(end) = s[body_start..].find(&close) else { break };
        let ty = attrs.split("type=\"").nth(1).and_then(|t| t.split('"').next()).map(str::to_string);
        let text = xml_unescape(s[body_start..body_start + end].trim());
        out.push((text.trim().replace("\r\n", "\n").replace('\r', "\n"), ty));
        i = body_start + end + close.len();
    }
    out
}

fn tag1(s: &str, tag: &str) -> Option<String> {
    tags(s, tag).into_iter().next().map(|t| t.0).filter(|t| !t.is_empty())
}

fn tag_list(s: &str, tag: &str) -> Vec<String> {
    tags(s, tag).into_iter().map(|t| t.0).filter(|t| !t.is_empty()).collect()
}

fn blocks(s: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = s[i..].find(&open) {
        let body = i + at + open.len();
        let Some(end) = s[body..].find(&close) else { break };
        out.push(s[body..body + end].to_string());
        i = body + end + close.len();
    }
    out
}

fn check_xml_record(r: &RawRecord, doc: &str, src_lines: &[&str], ctx: &str) {
    // Protocol part only: the results section reuses element names.
    let doc = match (doc.find("<clinical_results>"), doc.find("</clinical_results>")) {
        (Some(a), Some(b)) => format!("{}{}", &doc[..a], &doc[b..]),
        _ => doc.to_string(),
    };
    let doc = doc.as_str();
    let id_info = blocks(doc, "id_info").into_iter().next().unwrap_or_default();
    assert_eq!(txt(&r.nct_id), tag1(&id_info, "nct_id").as_deref(), "{ctx}: nct_id");
    assert_eq!(txt(&r.brief_title), tag1(doc, "brief_title").as_deref(), "{ctx}: brief_title");
    assert_eq!(txt(&r.official_title), tag1(doc, "official_title").as_deref(), "{ctx}: official");
    assert_eq!(txt(&r.overall_status), tag1(doc, "overall_status").as_deref(), "{ctx}: status");
    assert_eq!(txt(&r.last_known_status), tag1(doc, "last_known_status").as_deref(), "{ctx}");
    assert_eq!(txt(&r.study_type), tag1(doc, "study_type").as_deref(), "{ctx}: study_type");
    assert_eq!(texts(&r.phases), tag_list(doc, "phase"), "{ctx}: phases");
    let design = blocks(doc, "study_design_info").into_iter().next().unwrap_or_default();
    for (got, tag) in [
        (&r.allocation, "allocation"),
        (&r.intervention_model, "intervention_model"),
        (&r.intervention_model_description, "intervention_model_description"),
        (&r.masking, "masking"),
        (&r.primary_purpose, "primary_purpose"),
    ] {
        if design.is_empty() {
            // Old files state the design as one "Label: value, ..." string instead.
            if let Some(v) = txt(got) {
                let old = tag1(doc, "study_design").unwrap_or_default();
                assert!(old.contains(v), "{ctx}: {tag} {v:?} not in <study_design> {old:?}");
            }
            continue;
        }
        assert_eq!(txt(got), tag1(&design, tag).as_deref(), "{ctx}: {tag}");
    }
    for (got, got_type, tag) in [
        (&r.enrollment, &r.enrollment_type, "enrollment"),
        (&r.start_date, &r.start_date_type, "start_date"),
        (&r.primary_completion_date, &r.primary_completion_date_type, "primary_completion_date"),
        (&r.completion_date, &r.completion_date_type, "completion_date"),
    ] {
        let t = tags(doc, tag).into_iter().next();
        assert_eq!(txt(got), t.as_ref().map(|t| t.0.as_str()), "{ctx}: {tag}");
        assert_eq!(txt(got_type), t.as_ref().and_then(|t| t.1.as_deref()), "{ctx}: {tag} type");
    }
    let first = tag1(doc, "study_first_posted").or_else(|| tag1(doc, "firstreceived_date")).or_else(|| tag1(doc, "study_first_submitted"));
    assert_eq!(txt(&r.first_posted_date), first.as_deref(), "{ctx}: first posted");
    let last = tag1(doc, "last_update_posted").or_else(|| tag1(doc, "lastchanged_date")).or_else(|| tag1(doc, "last_update_submitted"));
    assert_eq!(txt(&r.last_update_date), last.as_deref(), "{ctx}: last update");
    let lead = blocks(doc, "lead_sponsor").into_iter().next().unwrap_or_default();
    assert_eq!(txt(&r.lead_sponsor), tag1(&lead, "agency").as_deref(), "{ctx}: lead sponsor");
    assert_eq!(texts(&r.conditions), tag_list(doc, "condition"), "{ctx}: conditions");
    assert_eq!(texts(&r.keywords), tag_list(doc, "keyword"), "{ctx}: keywords");
    let elig = blocks(doc, "eligibility").into_iter().next().unwrap_or_default();
    assert_eq!(txt(&r.min_age), tag1(&elig, "minimum_age").as_deref(), "{ctx}: min age");
    assert_eq!(txt(&r.max_age), tag1(&elig, "maximum_age").as_deref(), "{ctx}: max age");
    assert_eq!(txt(&r.sex), tag1(&elig, "gender").as_deref(), "{ctx}: sex");
    assert_eq!(txt(&r.healthy_volunteers), tag1(&elig, "healthy_volunteers").as_deref(), "{ctx}");
    let summary = blocks(doc, "brief_summary").into_iter().next().unwrap_or_default();
    assert_eq!(txt(&r.brief_summary), tag1(&summary, "textblock").as_deref(), "{ctx}: summary");
    let detail = blocks(doc, "detailed_description").into_iter().next().unwrap_or_default();
    assert_eq!(txt(&r.detailed_description), tag1(&detail, "textblock").as_deref(), "{ctx}");

    let arms = blocks(doc, "arm_group");
    assert_eq!(r.arms.len(), arms.len(), "{ctx}: arms");
    for (got, b) in r.arms.iter().zip(&arms) {
        assert_eq!(Some(got.label.text.clone()), tag1(b, "arm_group_label"), "{ctx}: arm label");
        assert_eq!(txt(&got.arm_type), tag1(b, "arm_group_type").as_deref(), "{ctx}: arm type");
        assert_eq!(txt(&got.description), tag1(b, "description").as_deref(), "{ctx}: arm desc");
        assert!(got.intervention_names.is_empty(), "{ctx}: legacy arms state no interventions");
    }
    let ivs = blocks(doc, "intervention");
    assert_eq!(r.interventions.len(), ivs.len(), "{ctx}: interventions");
    for (got, b) in r.interventions.iter().zip(&ivs) {
        assert_eq!(Some(got.name.text.clone()), tag1(b, "intervention_name"), "{ctx}: iv name");
        assert_eq!(txt(&got.intervention_type), tag1(b, "intervention_type").as_deref(), "{ctx}");
        assert_eq!(txt(&got.description), tag1(b, "description").as_deref(), "{ctx}: iv desc");
        assert_eq!(texts(&got.arm_labels), tag_list(b, "arm_group_label"), "{ctx}: iv arms");
        assert_eq!(texts(&got.other_names), tag_list(b, "other_name"), "{ctx}: other names");
        // Links join: every arm label an intervention names is an arm of the study.
        for l in &got.arm_labels {
            assert!(r.arms.iter().any(|a| a.label.text == l.text), "{ctx}: arm link {:?}", l.text);
        }
    }
    let mut want = Vec::new();
    for (kind, tag) in
        [(OutcomeKind::Primary, "primary_outcome"), (OutcomeKind::Secondary, "secondary_outcome"), (OutcomeKind::Other, "other_outcome")]
    {
        for b in blocks(doc, tag) {
            want.push((kind, tag1(&b, "measure"), tag1(&b, "time_frame"), tag1(&b, "description")));
        }
    }
    let got: Vec<_> = r
        .outcomes
        .iter()
        .map(|o| {
            (
                o.kind,
                Some(o.measure.text.clone()),
                o.time_frame.as_ref().map(|t| t.text.clone()),
                o.description.as_ref().map(|t| t.text.clone()),
            )
        })
        .collect();
    assert_eq!(got, want, "{ctx}: outcomes");
    let mut want_refs = Vec::new();
    for (kind, tag) in [("background", "reference"), ("result", "results_reference")] {
        for b in blocks(doc, tag) {
            want_refs.push((Some(kind.to_string()), tag1(&b, "PMID"), tag1(&b, "citation")));
        }
    }
    // The reader keeps document order; compare as sets of (type, pmid, citation) in order of
    // kind to be independent of how the two lists interleave.
    let mut got_refs: Vec<_> = r
        .references
        .iter()
        .map(|x| {
            (
                x.reference_type.as_ref().map(|t| t.text.clone()),
                x.pmid.as_ref().map(|t| t.text.clone()),
                x.citation.as_ref().map(|t| t.text.clone()),
            )
        })
        .collect();
    got_refs.sort_by(|a, b| a.0.cmp(&b.0));
    want_refs.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got_refs, want_refs, "{ctx}: references");
    // Lines: the element's own line.
    let on_line = |raw: &Option<Raw>, tag: &str| {
        if let Some(raw) = raw {
            let l = src_lines.get(raw.line as usize - 1).copied().unwrap_or("");
            assert!(l.contains(&format!("<{tag}")), "{ctx}: <{tag}> not on line {}", raw.line);
        }
    };
    on_line(&r.nct_id, "nct_id");
    on_line(&r.brief_title, "brief_title");
    on_line(&r.enrollment, "enrollment");
    on_line(&r.start_date, "start_date");
    on_line(&r.brief_summary, "textblock");
    for c in &r.conditions {
        on_line(&Some(c.clone()), "condition");
    }
    for o in &r.outcomes {
        on_line(&Some(o.measure.clone()), "measure");
    }
    let l = src_lines.get(r.line as usize - 1).copied().unwrap_or("");
    assert!(l.contains("<clinical_study"), "{ctx}: record line {}", r.line);
}

#[test]
fn xml_fields_match_the_source_structure() {
    let dir = realdata();
    let mut compared = 0;
    for p in files(&dir).iter().filter(|p| p.extension().is_some_and(|e| e == "xml")) {
        let bytes = std::fs::read(p).unwrap();
        let name = rel(&dir, p);
        let x = extract(&name, &bytes);
        assert_eq!(x.records.len(), 1, "{name}: {:?}", x.issues);
        let doc = String::from_utf8(bytes).unwrap();
        let src_lines: Vec<&str> = doc.lines().collect();
        check_xml_record(&x.records[0], &doc, &src_lines, &name);
        compared += 1;
    }
    println!("XML records compared field by field: {compared}");
    assert!(compared >= 12);
}

// ---------------------------------------------------------------------------------------
// Particular real files.
// ---------------------------------------------------------------------------------------

const JSONLITE: &str = "ctgov_v2_json/paged_responses/unl-stat351+screencast-public-data-jesusrod44__json_response.json";
const ARRAY10: &str = "ctgov_v2_json/ctg_studies_download_arrays/Jinash-Rouniyar+trial-match-ai__ctg-studies.json";

#[test]
fn jsonlite_wrapped_page() {
    let x = extract(JSONLITE, &fixture(JSONLITE));
    assert_eq!(x.records.len(), 10, "{:?}", x.issues);
    assert!(x.issues.is_empty(), "{:?}", x.issues);
    let r = &x.records[0];
    assert_eq!(txt(&r.nct_id), Some("NCT01958125"));
    assert_eq!(texts(&r.phases), ["NA"]);
    assert_eq!(texts(&r.conditions), ["Cluster Headache"]);
    assert_eq!(r.keywords.len(), 7);
    assert_eq!(txt(&r.enrollment), Some("102"));
    assert_eq!(txt(&r.enrollment_type), Some("ACTUAL"));
    assert_eq!(txt(&r.start_date), Some("2013-08"));
    assert_eq!(txt(&r.start_date_type), None, "the file states no start date type");
    assert_eq!(txt(&r.masking), Some("TRIPLE"));
    assert!(r.findings.iter().all(|f| f.severity != Severity::Error), "{:?}", r.findings);
    // Minified: everything on line 1.
    assert_eq!(r.line, 1);
    assert_eq!(r.nct_id.as_ref().unwrap().line, 1);
    assert_eq!(x.records[9].nct_id.as_ref().unwrap().text, "NCT05064397");
}

#[test]
fn mismatched_file_name_uses_the_id_inside() {
    let p = "ctgov_v2_json/aact_fixtures/NCT02278341.json";
    let x = extract(p, &fixture(p));
    assert_eq!(x.records.len(), 1);
    assert_eq!(txt(&x.records[0].nct_id), Some("NCT02552212"));
    let p = "ctgov_legacy_xml/aact_fixtures/NCT00980226-id-mismatch.xml";
    let x = extract(p, &fixture(p));
    assert_eq!(x.records.len(), 1);
    assert_eq!(txt(&x.records[0].nct_id), Some("NCT00081588"));
}

#[test]
fn array_download_lines_and_intervention_links() {
    let x = extract(ARRAY10, &fixture(ARRAY10));
    assert_eq!(x.records.len(), 10);
    // "[" alone on line 1, then one study per line.
    for (i, r) in x.records.iter().enumerate() {
        assert_eq!(r.line, i as u32 + 2, "study {i}");
        assert_eq!(r.nct_id.as_ref().unwrap().line, r.line);
    }
    // Every arm's intervention name joins an intervention of the same study.
    let mut joined = 0;
    for r in &x.records {
        for a in &r.arms {
            for n in &a.intervention_names {
                assert!(
                    r.interventions.iter().any(|iv| iv.name.text == n.text),
                    "{:?}: arm {:?} names {:?}",
                    r.nct_id,
                    a.label.text,
                    n.text
                );
                joined += 1;
            }
        }
    }
    assert!(joined > 0);
}

#[test]
fn pretty_printed_fields_have_their_own_lines() {
    let p = "ctgov_v2_json/aact_fixtures/NCT00465816.json";
    let bytes = fixture(p);
    let x = extract(p, &bytes);
    let r = &x.records[0];
    assert_eq!(r.line, 1);
    let src = String::from_utf8(bytes).unwrap();
    let n = r.nct_id.as_ref().unwrap();
    assert!(n.line > 1);
    assert!(src.lines().nth(n.line as usize - 1).unwrap().contains("\"nctId\""));
}

// ---------------------------------------------------------------------------------------
// Other containers: JSON Lines, gzip, zip.
// ---------------------------------------------------------------------------------------

fn strip_paths(mut x: Extracted) -> Vec<RawRecord> {
    for r in &mut x.records {
        r.source_path.clear();
    }
    x.records
}

#[test]
fn json_lines() {
    let studies: Vec<Value> = serde_json::from_slice(&fixture(ARRAY10)).unwrap();
    let mut jsonl = String::new();
    for s in &studies {
        jsonl.push_str(&serde_json::to_string(s).unwrap());
        jsonl.push('\n');
    }
    let x = extract("s.jsonl", jsonl.as_bytes());
    assert_eq!(x.records.len(), studies.len());
    assert!(x.issues.is_empty(), "{:?}", x.issues);
    for (i, (r, s)) in x.records.iter().zip(&studies).enumerate() {
        assert_eq!(r.line, i as u32 + 1);
        assert_eq!(txt(&r.nct_id), s.pointer("/protocolSection/identificationModule/nctId").and_then(Value::as_str));
    }
    // A broken line costs only itself.
    let mut lines: Vec<&str> = jsonl.lines().collect();
    let at = lines[3].find("\"nctId\"").unwrap() + 40;
    let cut = &lines[3][..at];
    lines[3] = cut;
    let broken = lines.join("\n");
    let x = extract("s.jsonl", broken.as_bytes());
    assert_eq!(x.records.len(), studies.len() - 1);
    assert_eq!(x.issues.len(), 1, "{:?}", x.issues);
    let i = &x.issues[0];
    assert_eq!((i.line, i.severity), (4, Severity::Error));
    assert_eq!(i.nct_id.as_deref(), studies[3].pointer("/protocolSection/identificationModule/nctId").and_then(Value::as_str));
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        if name.ends_with('/') {
            w.add_directory(*name, opts).unwrap();
        } else {
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

const XML1: &str = "ctgov_legacy_xml/trec2022_sample/NCT00739713.xml";

#[test]
fn gzip_and_zip_members() {
    let json = fixture(ARRAY10);
    let plain = extract("a.json", &json);
    let gz = extract("a.json.gz", &gzip(&json));
    assert!(gz.issues.is_empty(), "{:?}", gz.issues);
    assert_eq!(gz.records[0].source_path, "a.json.gz!a.json");
    assert_eq!(strip_paths(gz), strip_paths(plain.clone()));

    let xml = fixture(XML1);
    let z = zip_of(&[("dir/", b""), ("dir/b.xml", &xml), ("a.json", &json), ("c.json.gz", &gzip(&json))]);
    let x = extract("in.zip", &z);
    assert!(x.issues.is_empty(), "{:?}", x.issues);
    assert_eq!(x.records.len(), 1 + 10 + 10);
    // Archive order, member paths.
    assert_eq!(x.records[0].source_path, "in.zip!dir/b.xml");
    assert_eq!(x.records[1].source_path, "in.zip!a.json");
    assert_eq!(x.records[11].source_path, "in.zip!c.json.gz!c.json");
    // A zip inside a zip inside a zip is not expanded further.
    let inner = zip_of(&[("a.json", &json)]);
    let mid = zip_of(&[("inner.zip", &inner)]);
    let outer = zip_of(&[("mid.zip", &mid)]);
    let x = extract("outer.zip", &outer);
    assert_eq!(x.records.len(), 0);
    assert_eq!(errors(&x), 1, "{:?}", x.issues);
    assert!(x.issues[0].message.contains("nested"), "{:?}", x.issues);
    let x = extract("mid.zip", &mid);
    assert_eq!(x.records.len(), 10, "{:?}", x.issues);
}

#[test]
fn zip_entry_escaping_the_archive_is_flagged_but_read() {
    let json = fixture(ARRAY10);
    let z = zip_of(&[("../evil.json", &json), ("/abs.json", &json)]);
    let x = extract("evil.zip", &z);
    assert_eq!(x.records.len(), 20);
    let warnings: Vec<_> = x.issues.iter().filter(|i| i.severity == Severity::Warning).collect();
    assert_eq!(warnings.len(), 2, "{:?}", x.issues);
    assert_eq!(warnings[0].source_path, "evil.zip!../evil.json");
    assert!(warnings[0].message.contains("never written"));
}

#[test]
fn zip_and_gzip_bombs_are_refused() {
    // 48 MiB of zeros deflates about 1030:1, above the 1000:1 cap.
    let zeros = vec![b' '; 48 << 20];
    let z = zip_of(&[("bomb.json", &zeros), ("ok.xml", &fixture(XML1))]);
    assert!(z.len() < 100_000, "{}", z.len());
    let x = extract("bomb.zip", &z);
    assert_eq!(x.records.len(), 1, "the other member is still read");
    assert_eq!(errors(&x), 1, "{:?}", x.issues);
    assert!(x.issues[0].message.contains("bomb"), "{:?}", x.issues);
    assert_eq!(x.issues[0].source_path, "bomb.zip!bomb.json");
    let x = extract("bomb.json.gz", &gzip(&zeros));
    assert_eq!(x.records.len(), 0);
    assert_eq!(errors(&x), 1, "{:?}", x.issues);
    assert!(x.issues[0].message.contains("bomb"), "{:?}", x.issues);
}

#[test]
fn corrupt_archives() {
    let z = zip_of(&[("a.json", &fixture(ARRAY10))]);
    let x = extract("cut.zip", &z[..z.len() / 2]);
    assert_eq!(x.records.len(), 0);
    assert_eq!(errors(&x), 1, "{:?}", x.issues);
    let g = gzip(&fixture(ARRAY10));
    let x = extract("cut.json.gz", &g[..g.len() / 2]);
    assert_eq!(errors(&x), 1, "{:?}", x.issues);
}

// ---------------------------------------------------------------------------------------
// Hostile and broken documents.
// ---------------------------------------------------------------------------------------

#[test]
fn truncated_json_keeps_complete_studies() {
    let bytes = fixture(ARRAY10);
    let text = String::from_utf8(bytes).unwrap();
    // Cut in the 6th study (line 7: line 1 is "["), after its nctId.
    let start6: usize = text.lines().take(6).map(|l| l.len() + 1).sum();
    let at = start6 + text[start6..].find("\"nctId\"").unwrap() + 40;
    let cut = &text[..at];
    let x = extract("cut.json", cut.as_bytes());
    assert_eq!(x.records.len(), 5);
    assert_eq!(x.issues.len(), 1, "{:?}", x.issues);
    let i = &x.issues[0];
    assert_eq!(i.severity, Severity::Error);
    assert_eq!(i.line, 7);
    assert!(i.nct_id.is_some());
    assert!(i.message.contains("EOF"), "{}", i.message);

    // A pretty-printed single study cut off: an issue with its id, no record.
    let p = "ctgov_v2_json/aact_fixtures/NCT03475563.json";
    let b = fixture(p);
    let x = extract(p, &b[..b.len() * 2 / 3]);
    assert_eq!(x.records.len(), 0);
    assert_eq!(x.issues.len(), 1);
    assert_eq!(x.issues[0].nct_id.as_deref(), Some("NCT03475563"));
    assert!(x.issues[0].line > 100, "{:?}", x.issues[0]);

    // A pretty-printed page object cut off in its third study.
    let studies: Vec<Value> = serde_json::from_slice(&fixture(ARRAY10)).unwrap();
    let page = serde_json::json!({"studies": &studies[..3], "nextPageToken": "abc"});
    let page = serde_json::to_string_pretty(&page).unwrap();
    let third = page.match_indices("\"protocolSection\"").nth(2).unwrap().0;
    let x = extract("page.json", &page.as_bytes()[..third + 200]);
    assert_eq!(x.records.len(), 2, "{:?}", x.issues);
    assert_eq!(errors(&x), 1, "{:?}", x.issues);
    let whole = extract("page.json", page.as_bytes());
    assert_eq!((whole.records.len(), whole.issues.len()), (3, 0));
    assert!(whole.records[1].line > whole.records[0].line);

    // Garbage after the document.
    let mut b = fixture("ctgov_v2_json/aact_fixtures/NCT00465816.json");
    b.extend_from_slice(b"\n}}garbage");
    let x = extract("g.json", &b);
    assert_eq!(x.records.len(), 1);
    assert_eq!(errors(&x), 1, "{:?}", x.issues);
}

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(1 << 20).spawn(f).unwrap().join().unwrap()
}

#[test]
fn deeply_nested_json_does_not_overflow() {
    on_small_stack(|| {
        let deep = "[".repeat(100_000);
        let x = extract("deep.json", deep.as_bytes());
        assert_eq!(x.records.len(), 0);
        assert_eq!(errors(&x), 1, "{:?}", x.issues);

        let deep = format!(
            "{{\"protocolSection\":{{\"identificationModule\":{{\"nctId\":\"NCT01234567\"}},\"conditionsModule\":{{\"conditions\":{}{}}}}}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let x = extract("deep2.json", deep.as_bytes());
        assert_eq!(x.records.len(), 1, "{:?}", x.issues);
        let r = &x.records[0];
        assert_eq!(txt(&r.nct_id), Some("NCT01234567"));
        assert!(r.conditions.is_empty());
        assert!(r.findings.iter().any(|f| f.severity == Severity::Error), "the unreadable value is reported: {:?}", r.findings);

        // serde_json's recursion limit (128) on a typed module.
        let deep = format!(
            "{{\"protocolSection\":{{\"identificationModule\":{{\"nctId\":\"NCT01234567\"}},\"designModule\":{}1{}}}}}",
            "{\"a\":".repeat(200),
            "}".repeat(200)
        );
        let x = extract("deep3.json", deep.as_bytes());
        assert_eq!(x.records.len(), 1, "{:?}", x.issues);
    });
}

#[test]
fn odd_json_shapes_become_findings_or_issues() {
    // Study without nctId: still a record, with a finding.
    let x = extract("n.json", br#"{"protocolSection":{"statusModule":{"overallStatus":"RECRUITING"}}}"#);
    assert_eq!(x.records.len(), 1);
    assert_eq!(txt(&x.records[0].overall_status), Some("RECRUITING"));
    assert!(x.records[0].findings.iter().any(|f| f.field.as_deref() == Some("nct_id")));
    // Object that is not a study.
    let x = extract("o.json", br#"{"FullStudiesResponse":{"x":1}}"#);
    assert_eq!(x.records.len(), 0);
    assert_eq!(errors(&x), 1);
    // A module of the wrong shape costs only that module.
    let x = extract(
        "m.json",
        br#"[{"protocolSection":{"identificationModule":{"nctId":"NCT01234567"},"designModule":"oops","eligibilityModule":{"sex":"ALL","healthyVolunteers":false}}}, 5]"#,
    );
    assert_eq!(x.records.len(), 1);
    let r = &x.records[0];
    assert_eq!(txt(&r.sex), Some("ALL"));
    assert_eq!(txt(&r.healthy_volunteers), Some("false"));
    assert!(r.findings.iter().any(|f| f.field.as_deref() == Some("designModule")));
    assert_eq!(errors(&x), 1, "the array element 5 is reported: {:?}", x.issues);
    // Empty page.
    let x = extract("p.json", br#"{"studies":[],"nextPageToken":"x"}"#);
    assert_eq!((x.records.len(), x.issues.len()), (0, 0));
    // Latin-1 bytes: read, with a warning.
    let x =
        extract("l.json", b"{\"protocolSection\":{\"identificationModule\":{\"nctId\":\"NCT01234567\",\"briefTitle\":\"Sj\xf6gren\"}}}");
    assert_eq!(txt(&x.records[0].brief_title), Some("Sjögren"));
    assert_eq!(x.issues[0].severity, Severity::Warning);
}

#[test]
fn truncated_xml_is_an_issue_with_the_id() {
    let b = fixture(XML1);
    let x = extract(XML1, &b[..b.len() / 2]);
    assert_eq!(x.records.len(), 0);
    assert_eq!(x.issues.len(), 1, "{:?}", x.issues);
    let i = &x.issues[0];
    assert_eq!(i.severity, Severity::Error);
    assert_eq!(i.nct_id.as_deref(), Some("NCT00739713"));
    assert!(i.line > 10);
    // Mismatched end tag.
    let bad = String::from_utf8(b.clone()).unwrap().replacen("</brief_title>", "</brief_titl>", 1);
    let x = extract("bad.xml", bad.as_bytes());
    assert_eq!(x.records.len(), 0);
    assert_eq!(errors(&x), 1, "{:?}", x.issues);
    assert!(x.issues[0].line > 1);
}

const LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<clinical_study>
  <id_info><nct_id>NCT01234567</nct_id></id_info>
  <brief_title>&lol9; &amp; &#233;</brief_title>
  <condition>&ext;</condition>
</clinical_study>
"#;

#[test]
fn billion_laughs_is_not_expanded() {
    let x = extract("lol.xml", LAUGHS.as_bytes());
    assert_eq!(x.records.len(), 1, "{:?}", x.issues);
    let r = &x.records[0];
    assert_eq!(txt(&r.brief_title), Some("&lol9; & é"));
    assert_eq!(r.brief_title.as_ref().unwrap().line, 15);
    assert_eq!(texts(&r.conditions), ["&ext;"]);
    assert_eq!(r.findings.len(), 2, "{:?}", r.findings);
    assert_eq!(x.issues.len(), 1);
    assert_eq!(x.issues[0].severity, Severity::Warning);
    assert!(x.issues[0].message.contains("never expanded"));
    // The classic form has no clinical_study at all.
    let classic = LAUGHS.replace("clinical_study", "lolz");
    let x = extract("lol2.xml", classic.as_bytes());
    assert_eq!(x.records.len(), 0);
    assert_eq!(errors(&x), 1);
}

#[test]
fn empty_and_binary_inputs() {
    for (name, bytes) in [
        ("empty.json", &b""[..]),
        ("blank.xml", &b"  \n\t "[..]),
        ("bin.dat", &b"\x00\x01\x02\x03binary\x00"[..]),
        ("zip-magic-only.zip", &b"PK\x03\x04"[..]),
        ("gz-magic-only.gz", &b"\x1f\x8b"[..]),
        ("lonely.json", &b"{"[..]),
        ("lonely.xml", &b"<"[..]),
        ("num.json", &b"[1,2]"[..]),
    ] {
        let x = extract(name, bytes);
        assert_eq!(x.records.len(), 0, "{name}");
        assert!(errors(&x) >= 1, "{name}: {:?}", x.issues);
        assert!(x.issues.iter().all(|i| i.source_path.starts_with(name)), "{name}");
    }
}

#[test]
fn hostile_fixture_files() {
    // Every synthetic hostile fixture runs without panic; err_* ones report an error.
    let dir = manifest().join("../../fixtures/hostile");
    let all = files(&dir);
    assert!(!all.is_empty());
    for p in all {
        let name = rel(&dir, &p);
        let x = extract(&name, &std::fs::read(&p).unwrap());
        if name.starts_with("err_") {
            assert!(errors(&x) >= 1, "{name}: {:?}", x.issues);
        }
        if name == "jsonl_with_bad_line.jsonl" {
            assert_eq!((x.records.len(), errors(&x)), (2, 1), "{:?}", x.issues);
            assert_eq!(x.issues[0].line, 2);
            assert_eq!(x.records[1].line, 3);
        }
        if name == "billion_laughs_in_study.xml" {
            assert_eq!(txt(&x.records[0].brief_title), Some("&lol9;"));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Snapshots.
// ---------------------------------------------------------------------------------------

#[test]
fn snapshot_json_record() {
    let p = "ctgov_v2_json/aact_fixtures/NCT06171568.json";
    let x = extract(p, &fixture(p));
    insta::assert_yaml_snapshot!("json_NCT06171568", x.records[0]);
}

#[test]
fn snapshot_xml_record() {
    let p = "ctgov_legacy_xml/trec2022_sample/NCT00739817.xml";
    let x = extract(p, &fixture(p));
    insta::assert_yaml_snapshot!("xml_NCT00739817", x.records[0]);
}

// ---------------------------------------------------------------------------------------
// Issue 17 fields: lines, jsonlite wrapping, old spellings, and what is not kept.
// ---------------------------------------------------------------------------------------

/// The line of the first occurrence of `needle` in `doc`.
fn line_of(doc: &str, needle: &str) -> u32 {
    let at = doc.find(needle).unwrap_or_else(|| panic!("{needle} not in doc"));
    doc[..at].matches('\n').count() as u32 + 1
}

#[test]
fn protocol_fields_of_api_v2_keep_their_lines_and_report_what_is_not_kept() {
    let doc = r#"{"protocolSection": {
  "identificationModule": {"nctId": "NCT00000017", "acronym": ["ACR"],
    "orgStudyIdInfo": {"id": "ORG-1"},
    "secondaryIdInfos": [{"id": "2020-1", "type": "EUDRACT_NUMBER"}, {"type": "OTHER"}]},
  "statusModule": {"whyStopped": "funding", "resultsFirstPostDateStruct": {"date": "2019-02-26", "type": "ACTUAL"}},
  "sponsorCollaboratorsModule": {
    "leadSponsor": {"name": "Acme", "class": "INDUSTRY"},
    "collaborators": [{"name": "NCI", "class": "NIH"}, {"class": "OTHER"}],
    "responsibleParty": {"oldNameTitle": "Dr X, PI", "oldOrganization": "Uni"}},
  "contactsLocationsModule": {"locations": [
    {"facility": "Site A", "country": "France", "status": "RECRUITING", "geoPoint": {"lat": 48.85, "lon": 2.35}}]},
  "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n\n* adults"}},
 "derivedSection": {"conditionBrowseModule": {
    "meshes": [{"id": "D1", "term": "Lupus"}],
    "ancestors": [{"id_str": "D2", "term": "Autoimmune Diseases"}, {"id": "D3"}]}},
 "hasResults": [true]}"#;
    let ex = extract("p17.json", doc.as_bytes());
    assert_eq!(ex.records.len(), 1, "{:?}", ex.issues);
    let r = &ex.records[0];
    let at = |r: &Option<Raw>| r.as_ref().map(|x| (x.text.clone(), x.line));
    assert_eq!(at(&r.acronym), Some(("ACR".into(), line_of(doc, "\"ACR\""))));
    assert_eq!(at(&r.org_study_id), Some(("ORG-1".into(), line_of(doc, "ORG-1"))));
    assert_eq!(at(&r.why_stopped), Some(("funding".into(), line_of(doc, "funding"))));
    assert_eq!(at(&r.has_results), Some(("true".into(), line_of(doc, "[true]"))));
    assert_eq!(txt(&r.results_first_posted_date), Some("2019-02-26"));
    assert_eq!(txt(&r.lead_sponsor_class), Some("INDUSTRY"));
    assert_eq!(r.secondary_ids.len(), 1);
    assert_eq!(txt(&r.secondary_ids[0].id_type), Some("EUDRACT_NUMBER"));
    assert_eq!(r.collaborators.len(), 1);
    assert_eq!(r.collaborators[0].name.line, line_of(doc, "\"NCI\""));
    let rp = r.responsible_party.as_ref().unwrap();
    assert_eq!((txt(&rp.name), txt(&rp.affiliation), txt(&rp.party_type)), (Some("Dr X, PI"), Some("Uni"), None));
    assert_eq!(r.locations.len(), 1);
    let l = &r.locations[0];
    assert_eq!((txt(&l.latitude), txt(&l.longitude), txt(&l.status)), (Some("48.85"), Some("2.35"), Some("RECRUITING")));
    assert_eq!(l.facility.as_ref().unwrap().line, line_of(doc, "Site A"));
    let mesh: Vec<(&str, Option<&str>, bool)> =
        r.condition_browse.iter().map(|m| (m.term.text.as_str(), txt(&m.mesh_id), m.ancestor)).collect();
    assert_eq!(mesh, vec![("Lupus", Some("D1"), false), ("Autoimmune Diseases", Some("D2"), true)]);
    assert_eq!(txt(&r.eligibility_criteria), Some("Inclusion Criteria:\n\n* adults"));
    // What was not kept is a finding each: the secondary id, collaborator and MeSH term
    // without their identifying value.
    let fields: Vec<&str> = r.findings.iter().filter_map(|f| f.field.as_deref()).collect();
    for f in ["secondary_id", "collaborator_name", "mesh_term"] {
        assert!(fields.contains(&f), "{f} not in {fields:?}");
    }
}

#[test]
fn protocol_fields_of_legacy_xml_old_forms_and_inferred_results() {
    let doc = "<clinical_study>\n<id_info><org_study_id>O-1</org_study_id><secondary_id>S-1</secondary_id><nct_id>NCT00000018</nct_id></id_info>\n\
<sponsors><lead_sponsor><agency>Acme</agency><agency_class>U.S. Fed</agency_class></lead_sponsor>\n\
<collaborator><agency_class>Other</agency_class></collaborator>\n\
<collaborator><agency>NCI</agency><agency_class>NIH</agency_class></collaborator></sponsors>\n\
<number_of_arms>2</number_of_arms>\n\
<location><facility><name>Site A</name><address><city>Lyon</city><country>France</country></address></facility><status>Recruiting</status></location>\n\
<responsible_party><name_title>Dr X</name_title><organization>Uni</organization></responsible_party>\n\
<firstreceived_results_date>November 20, 2012</firstreceived_results_date>\n\
<condition_browse><mesh_term>Lupus</mesh_term></condition_browse>\n\
<clinical_results><baseline/></clinical_results>\n</clinical_study>\n";
    let ex = extract("p17.xml", doc.as_bytes());
    assert_eq!(ex.records.len(), 1, "{:?}", ex.issues);
    let r = &ex.records[0];
    assert_eq!((txt(&r.org_study_id), txt(&r.number_of_arms), txt(&r.lead_sponsor_class)), (Some("O-1"), Some("2"), Some("U.S. Fed")));
    assert_eq!(texts(&r.secondary_ids.iter().map(|s| s.id.clone()).collect::<Vec<_>>()), vec!["S-1"]);
    assert_eq!(r.collaborators.iter().map(|c| c.name.text.as_str()).collect::<Vec<_>>(), vec!["NCI"]);
    let rp = r.responsible_party.as_ref().unwrap();
    assert_eq!((txt(&rp.name), txt(&rp.affiliation)), (Some("Dr X"), Some("Uni")));
    let l = &r.locations[0];
    assert_eq!(
        (txt(&l.facility), txt(&l.city), txt(&l.country), txt(&l.status)),
        (Some("Site A"), Some("Lyon"), Some("France"), Some("Recruiting"))
    );
    assert_eq!(l.facility.as_ref().unwrap().line, 7);
    assert_eq!(r.condition_browse.iter().map(|m| (m.term.text.as_str(), m.mesh_id.is_none())).collect::<Vec<_>>(), vec![("Lupus", true)]);
    assert_eq!(txt(&r.results_first_posted_date), Some("November 20, 2012"));
    assert_eq!(r.has_results.as_ref().map(|h| (h.text.as_str(), h.line)), Some(("true", 11)));
    let info: Vec<(&str, Severity)> = r.findings.iter().filter_map(|f| f.field.as_deref().map(|x| (x, f.severity))).collect();
    for want in [("has_results", Severity::Info), ("results_first_posted_date", Severity::Info), ("collaborator_name", Severity::Warning)] {
        assert!(info.contains(&want), "{want:?} not in {info:?}");
    }
}
