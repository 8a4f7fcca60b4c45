//! Legacy ClinicalTrials.gov XML (`<clinical_study>` documents of the AllPublicXML download
//! and the old `?displayxml=true` pages), read with quick-xml as a stream of events.
//!
//! Why it is built this way:
//! - Only the elements trialtables needs are kept, matched by their path below
//!   `<clinical_study>` (the results section reuses names such as `description`,
//!   `time_frame`, `measure`; those are not protocol values and are skipped).
//! - Entities are never expanded and DTDs never fetched: the five XML entities and character
//!   references are resolved, any other `&name;` is left as written (with a finding), so a
//!   "billion laughs" document costs nothing.
//! - Every value carries the 1-based line of its element, counted from quick-xml's byte
//!   positions.
//! - A document that is cut off or malformed loses only the record it breaks, as an
//!   [`InputIssue`] naming the line and the NCT id when one was already seen.

use quick_xml::events::{BytesStart, Event};

use crate::model::{
    Extracted, Finding, InputIssue, OutcomeKind, Raw, RawArm, RawIntervention, RawLocation, RawMeshTerm, RawOutcome, RawRecord,
    RawReference, RawResponsibleParty, RawSecondaryId, RawSponsor, Severity, SourceFormat,
};

#[derive(Default)]
struct Arm {
    label: Option<Raw>,
    arm_type: Option<Raw>,
    description: Option<Raw>,
    line: u32,
}

#[derive(Default)]
struct Intervention {
    kind: Option<Raw>,
    name: Option<Raw>,
    description: Option<Raw>,
    other_names: Vec<Raw>,
    arm_labels: Vec<Raw>,
    line: u32,
}

#[derive(Default)]
struct Outcome {
    measure: Option<Raw>,
    description: Option<Raw>,
    time_frame: Option<Raw>,
    line: u32,
}

#[derive(Default)]
struct Reference {
    pmid: Option<Raw>,
    citation: Option<Raw>,
    line: u32,
}

/// The record being read, with the groups that are still open.
struct Open {
    rec: RawRecord,
    /// Depth of the `<clinical_study>` element in the element stack.
    depth: usize,
    arm: Option<Arm>,
    intervention: Option<Intervention>,
    outcome: Option<(OutcomeKind, Outcome)>,
    reference: Option<(&'static str, Reference)>,
    /// Fallback dates: study_first_submitted, firstreceived_date, last_update_submitted,
    /// lastchanged_date.
    first_submitted: Option<Raw>,
    first_received: Option<Raw>,
    last_submitted: Option<Raw>,
    last_changed: Option<Raw>,
    /// `<sponsors><collaborator>` being read: agency, agency_class.
    collaborator: (Option<Raw>, Option<Raw>),
    /// `<location>` being read.
    location: Option<RawLocation>,
    /// Older files date results `<firstreceived_results_date>` instead of `<results_first_posted>`.
    first_received_results: Option<Raw>,
    /// Line of `<clinical_results>`, when the record has one.
    clinical_results: Option<u32>,
}

fn empty_location() -> RawLocation {
    RawLocation { facility: None, city: None, state: None, zip: None, country: None, status: None, latitude: None, longitude: None }
}

struct Lines<'a> {
    bytes: &'a [u8],
    mark: (usize, u32),
}

impl Lines<'_> {
    fn at(&mut self, pos: usize) -> u32 {
        let pos = pos.min(self.bytes.len());
        let (moff, mline) = self.mark;
        let line = if pos >= moff {
            mline + crate::decode::count_newlines(self.bytes.get(moff..pos).unwrap_or(&[]))
        } else {
            1 + crate::decode::count_newlines(self.bytes.get(..pos).unwrap_or(&[]))
        };
        self.mark = (pos, line);
        line
    }
}

fn type_attr(e: &BytesStart<'_>) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == b"type").and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// Reads a document holding one (or several) `<clinical_study>` elements.
pub fn read(path: &str, bytes: &[u8]) -> Extracted {
    crate::decode::read_utf8_or_cp1252(path, bytes, "XML", |doc| read_str(path, doc))
}

fn issue(path: &str, line: u32, nct: Option<String>, severity: Severity, message: String) -> InputIssue {
    InputIssue { source_path: path.to_string(), line, nct_id: nct, severity, message }
}

fn read_str(path: &str, doc: &str) -> Extracted {
    let mut out = Extracted::default();
    let mut reader = quick_xml::Reader::from_str(doc);
    reader.config_mut().check_end_names = true;
    let mut lines = Lines { bytes: doc.as_bytes(), mark: (0, 1) };
    let mut stack: Vec<String> = Vec::new();
    let mut stack_lines: Vec<u32> = Vec::new();
    let mut open: Option<Open> = None;
    let mut buf = String::new();
    let mut buf_line = 0u32;
    let mut buf_type: Option<String> = None;
    let mut studies_seen = 0usize;
    let mut doctype_flagged = false;
    // Where the open record's <clinical_results> starts (byte offset, line).
    let mut results_start: Option<(usize, u32)> = None;

    loop {
        let pos = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                let line = lines.at(reader.error_position() as usize);
                let nct = open.as_ref().and_then(|o| o.rec.nct_id.as_ref().map(|r| r.text.clone()));
                let lost = if open.is_some() { "the record it is in is not read" } else { "the rest of the document is not read" };
                out.issues.push(issue(path, line, nct, Severity::Error, format!("XML syntax error at line {line}: {e}; {lost}")));
                return out;
            }
        };
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let line = lines.at(pos);
                if name == "clinical_study" && open.is_none() {
                    studies_seen += 1;
                    open = Some(Open::new(path, line, stack.len()));
                }
                if name == "clinical_results" && open.as_ref().is_some_and(|o| stack.len() == o.depth + 1) {
                    results_start = Some((pos, line));
                }
                stack.push(name);
                stack_lines.push(line);
                buf.clear();
                buf_line = line;
                buf_type = type_attr(&e);
                if let Some(o) = open.as_mut() {
                    o.start(&stack, line);
                }
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let line = lines.at(pos);
                if name == "clinical_study" && open.is_none() {
                    studies_seen += 1;
                    out.issues.push(issue(
                        path,
                        line,
                        None,
                        Severity::Error,
                        format!("empty <clinical_study/> element at line {line}: no record in it"),
                    ));
                    continue;
                }
                if let Some(o) = open.as_mut() {
                    stack.push(name);
                    o.start(&stack, line);
                    let t = type_attr(&e);
                    o.end(&stack, "", line, t);
                    stack.pop();
                }
            }
            Event::End(_) => {
                if let (Some(o), Some((start, line))) = (open.as_mut(), results_start) {
                    if stack.len() == o.depth + 2 && stack.last().is_some_and(|n| n == "clinical_results") {
                        results_start = None;
                        let xml = doc.get(start..reader.buffer_position() as usize).unwrap_or("");
                        o.rec.results = crate::results::read_xml(xml, line, &mut o.rec.findings);
                    }
                }
                if let Some(o) = open.as_mut() {
                    let t = buf_type.take();
                    let line = stack_lines.last().copied().unwrap_or(buf_line);
                    o.end(&stack, &buf, line, t);
                    buf.clear();
                }
                stack.pop();
                stack_lines.pop();
                if open.as_ref().is_some_and(|o| stack.len() == o.depth) {
                    if let Some(o) = open.take() {
                        out.records.push(o.finish());
                    }
                }
            }
            Event::Text(t) => {
                if open.is_some() {
                    match t.decode() {
                        Ok(s) => buf.push_str(&s),
                        Err(e) => buf.push_str(&format!("[undecodable text: {e}]")),
                    }
                }
            }
            Event::CData(t) => {
                if open.is_some() {
                    buf.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(o) = open.as_mut() {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => buf.push(c),
                        _ => match name.as_str() {
                            "lt" => buf.push('<'),
                            "gt" => buf.push('>'),
                            "amp" => buf.push('&'),
                            "apos" => buf.push('\''),
                            "quot" => buf.push('"'),
                            _ => {
                                buf.push('&');
                                buf.push_str(&name);
                                buf.push(';');
                                let line = lines.at(pos);
                                o.rec.findings.push(Finding {
                                    severity: Severity::Warning,
                                    field: stack.last().cloned(),
                                    line,
                                    message: format!(
                                        "entity reference &{name}; is not expanded (entities and DTDs are never resolved); kept as written"
                                    ),
                                });
                            }
                        },
                    }
                }
            }
            Event::DocType(d) => {
                let text = String::from_utf8_lossy(&d);
                if !doctype_flagged && text.contains("<!ENTITY") {
                    doctype_flagged = true;
                    let line = lines.at(pos);
                    out.issues.push(issue(
                        path,
                        line,
                        None,
                        Severity::Warning,
                        format!("DOCTYPE at line {line} declares entities: they are never expanded (no DTD is read)"),
                    ));
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if let Some(o) = open.take() {
        let line = o.rec.line;
        let nct = o.rec.nct_id.as_ref().map(|r| r.text.clone());
        let end_line = lines.at(doc.len());
        out.issues.push(issue(
            path,
            end_line,
            nct,
            Severity::Error,
            format!("document ends at line {end_line} inside <clinical_study> started at line {line} (truncated): record not read"),
        ));
    }
    if studies_seen == 0 {
        out.issues.push(issue(
            path,
            0,
            None,
            Severity::Error,
            "XML document has no <clinical_study> element: not a legacy ClinicalTrials.gov record".to_string(),
        ));
    }
    out
}

impl Open {
    fn new(path: &str, line: u32, depth: usize) -> Open {
        Open {
            rec: RawRecord::new(path, SourceFormat::CtgovLegacyXml, line),
            depth,
            arm: None,
            intervention: None,
            outcome: None,
            reference: None,
            first_submitted: None,
            first_received: None,
            last_submitted: None,
            last_changed: None,
            collaborator: (None, None),
            location: None,
            first_received_results: None,
            clinical_results: None,
        }
    }

    /// The path of the current element below `<clinical_study>`.
    fn rel<'s>(&self, stack: &'s [String]) -> &'s [String] {
        stack.get(self.depth + 1..).unwrap_or(&[])
    }

    fn start(&mut self, stack: &[String], line: u32) {
        let rel = self.rel(stack);
        if rel.len() != 1 {
            return;
        }
        match rel[0].as_str() {
            "clinical_results" => self.clinical_results = self.clinical_results.or(Some(line)),
            "location" => self.location = Some(empty_location()),
            "arm_group" => self.arm = Some(Arm::default()),
            "intervention" => self.intervention = Some(Intervention::default()),
            "primary_outcome" => self.outcome = Some((OutcomeKind::Primary, Outcome::default())),
            "secondary_outcome" => self.outcome = Some((OutcomeKind::Secondary, Outcome::default())),
            "other_outcome" => self.outcome = Some((OutcomeKind::Other, Outcome::default())),
            "reference" => self.reference = Some(("background", Reference::default())),
            "results_reference" => self.reference = Some(("result", Reference::default())),
            _ => {}
        }
    }

    /// An element closes: `text` is its text, `line` the line of its start tag.
    fn end(&mut self, stack: &[String], text: &str, line: u32, type_attr: Option<String>) {
        let rel = self.rel(stack);
        let names: Vec<&str> = rel.iter().map(String::as_str).collect();
        // Line ends inside values are `\n` (AllPublicXML writes CR as `&#xD;`).
        let normalized;
        let text = if text.contains('\r') {
            normalized = text.replace("\r\n", "\n").replace('\r', "\n");
            normalized.as_str()
        } else {
            text
        };
        let v = || Raw::non_empty(text, line);
        let t = || type_attr.as_deref().and_then(|t| Raw::non_empty(t, line));
        let r = &mut self.rec;
        match names.as_slice() {
            ["id_info", "nct_id"] => r.nct_id = v(),
            ["brief_title"] => r.brief_title = v(),
            ["official_title"] => r.official_title = v(),
            ["overall_status"] => r.overall_status = v(),
            ["last_known_status"] => r.last_known_status = v(),
            ["study_type"] => r.study_type = v(),
            ["phase"] => r.phases.extend(v()),
            ["study_design_info", "allocation"] => r.allocation = v(),
            ["study_design_info", "intervention_model"] => r.intervention_model = v(),
            ["study_design_info", "intervention_model_description"] => r.intervention_model_description = v(),
            ["study_design_info", "masking"] => r.masking = v(),
            ["study_design_info", "primary_purpose"] => r.primary_purpose = v(),
            // Older files have one `<study_design>` string of "Label: value" pairs instead.
            ["study_design"] => {
                for (label, value) in study_design_pairs(text) {
                    let slot = match label {
                        "Allocation" => &mut r.allocation,
                        "Intervention Model" => &mut r.intervention_model,
                        "Masking" => &mut r.masking,
                        "Primary Purpose" => &mut r.primary_purpose,
                        _ => continue,
                    };
                    if slot.is_none() {
                        *slot = Raw::non_empty(value, line);
                    }
                }
            }
            ["enrollment"] => {
                r.enrollment = v();
                r.enrollment_type = t();
            }
            ["start_date"] => {
                r.start_date = v();
                r.start_date_type = t();
            }
            ["primary_completion_date"] => {
                r.primary_completion_date = v();
                r.primary_completion_date_type = t();
            }
            ["completion_date"] => {
                r.completion_date = v();
                r.completion_date_type = t();
            }
            ["study_first_posted"] => r.first_posted_date = v(),
            ["study_first_submitted"] => self.first_submitted = v(),
            ["firstreceived_date"] => self.first_received = v(),
            ["last_update_posted"] => r.last_update_date = v(),
            ["last_update_submitted"] => self.last_submitted = v(),
            ["lastchanged_date"] => self.last_changed = v(),
            ["sponsors", "lead_sponsor", "agency"] => r.lead_sponsor = v(),
            ["sponsors", "lead_sponsor", "agency_class"] => r.lead_sponsor_class = v(),
            ["sponsors", "collaborator", "agency"] => self.collaborator.0 = v(),
            ["sponsors", "collaborator", "agency_class"] => self.collaborator.1 = v(),
            ["sponsors", "collaborator"] => match std::mem::take(&mut self.collaborator) {
                (Some(name), agency_class) => r.collaborators.push(RawSponsor { name, agency_class }),
                (None, _) => {
                    self.warn("collaborator_name", line, "<collaborator> without <agency>: this collaborator is not kept".to_string())
                }
            },
            ["acronym"] => r.acronym = v(),
            ["id_info", "org_study_id"] => r.org_study_id = v(),
            ["id_info", "secondary_id"] => {
                if let Some(id) = v() {
                    r.secondary_ids.push(RawSecondaryId { id, id_type: None, domain: None, link: None });
                }
            }
            ["why_stopped"] => r.why_stopped = v(),
            ["number_of_arms"] => r.number_of_arms = v(),
            ["results_first_posted"] => r.results_first_posted_date = v(),
            ["firstreceived_results_date"] => self.first_received_results = v(),
            ["responsible_party", field] => {
                let slot =
                    r.responsible_party.get_or_insert(RawResponsibleParty { party_type: None, name: None, title: None, affiliation: None });
                match *field {
                    "responsible_party_type" => slot.party_type = v(),
                    "investigator_full_name" => slot.name = v(),
                    "investigator_title" => slot.title = v(),
                    "investigator_affiliation" => slot.affiliation = v(),
                    // The pre-2011 form: one "name, title" string and an organisation.
                    "name_title" => slot.name = slot.name.take().or_else(v),
                    "organization" => slot.affiliation = slot.affiliation.take().or_else(v),
                    _ => {}
                }
            }
            ["location", "facility", "name"] => {
                if let Some(l) = self.location.as_mut() {
                    l.facility = v();
                }
            }
            ["location", "facility", "address", field] => {
                if let Some(l) = self.location.as_mut() {
                    match *field {
                        "city" => l.city = v(),
                        "state" => l.state = v(),
                        "zip" => l.zip = v(),
                        "country" => l.country = v(),
                        _ => {}
                    }
                }
            }
            ["location", "status"] => {
                if let Some(l) = self.location.as_mut() {
                    l.status = v();
                }
            }
            ["location"] => {
                if let Some(l) = self.location.take() {
                    r.locations.push(l);
                }
            }
            ["condition_browse", "mesh_term"] => {
                r.condition_browse.extend(v().map(|term| RawMeshTerm { term, mesh_id: None, ancestor: false }))
            }
            ["intervention_browse", "mesh_term"] => {
                r.intervention_browse.extend(v().map(|term| RawMeshTerm { term, mesh_id: None, ancestor: false }))
            }
            ["eligibility", "criteria", "textblock"] => r.eligibility_criteria = v(),
            ["condition"] => r.conditions.extend(v()),
            ["keyword"] => r.keywords.extend(v()),
            ["eligibility", "minimum_age"] => r.min_age = v(),
            ["eligibility", "maximum_age"] => r.max_age = v(),
            ["eligibility", "gender"] => r.sex = v(),
            ["eligibility", "healthy_volunteers"] => r.healthy_volunteers = v(),
            ["brief_summary", "textblock"] => r.brief_summary = v(),
            ["detailed_description", "textblock"] => r.detailed_description = v(),
            ["arm_group", field] => {
                if let Some(a) = self.arm.as_mut() {
                    match *field {
                        "arm_group_label" => a.label = v(),
                        "arm_group_type" => a.arm_type = v(),
                        "description" => a.description = v(),
                        _ => {}
                    }
                }
            }
            ["arm_group"] => {
                if let Some(mut a) = self.arm.take() {
                    a.line = line;
                    self.push_arm(a);
                }
            }
            ["intervention", field] => {
                if let Some(iv) = self.intervention.as_mut() {
                    match *field {
                        "intervention_type" => iv.kind = v(),
                        "intervention_name" => iv.name = v(),
                        "description" => iv.description = v(),
                        "arm_group_label" => iv.arm_labels.extend(v()),
                        "other_name" => iv.other_names.extend(v()),
                        _ => {}
                    }
                }
            }
            ["intervention"] => {
                if let Some(mut iv) = self.intervention.take() {
                    iv.line = line;
                    self.push_intervention(iv);
                }
            }
            ["primary_outcome" | "secondary_outcome" | "other_outcome", field] => {
                if let Some((_, o)) = self.outcome.as_mut() {
                    match *field {
                        "measure" => o.measure = v(),
                        "time_frame" => o.time_frame = v(),
                        "description" => o.description = v(),
                        _ => {}
                    }
                }
            }
            ["primary_outcome" | "secondary_outcome" | "other_outcome"] => {
                if let Some((kind, mut o)) = self.outcome.take() {
                    o.line = line;
                    self.push_outcome(kind, o);
                }
            }
            ["reference" | "results_reference", field] => {
                if let Some((_, rf)) = self.reference.as_mut() {
                    match *field {
                        "citation" => rf.citation = v(),
                        "PMID" | "pmid" => rf.pmid = v(),
                        _ => {}
                    }
                }
            }
            ["reference" | "results_reference"] => {
                if let Some((kind, mut rf)) = self.reference.take() {
                    rf.line = line;
                    if rf.pmid.is_some() || rf.citation.is_some() {
                        self.rec.references.push(RawReference {
                            pmid: rf.pmid,
                            doi: None,
                            citation: rf.citation,
                            reference_type: Raw::non_empty(kind, rf.line),
                        });
                    }
                }
            }
            _ => {}
        }
    }

    fn warn(&mut self, field: &str, line: u32, message: String) {
        self.rec.findings.push(Finding { severity: Severity::Warning, field: Some(field.to_string()), line, message });
    }

    fn push_arm(&mut self, a: Arm) {
        match a.label {
            Some(label) => {
                self.rec.arms.push(RawArm { label, arm_type: a.arm_type, description: a.description, intervention_names: Vec::new() })
            }
            None => self.warn("arm_label", a.line, "<arm_group> without <arm_group_label>: this arm is not kept".to_string()),
        }
    }

    fn push_intervention(&mut self, iv: Intervention) {
        match iv.name {
            Some(name) => self.rec.interventions.push(RawIntervention {
                intervention_type: iv.kind,
                name,
                description: iv.description,
                other_names: iv.other_names,
                arm_labels: iv.arm_labels,
            }),
            None => self.warn(
                "intervention_name",
                iv.line,
                "<intervention> without <intervention_name>: this intervention is not kept".to_string(),
            ),
        }
    }

    fn push_outcome(&mut self, kind: OutcomeKind, o: Outcome) {
        match o.measure {
            Some(measure) => self.rec.outcomes.push(RawOutcome { kind, measure, description: o.description, time_frame: o.time_frame }),
            None => self.warn("outcome_measure", o.line, "outcome without <measure>: this outcome is not kept".to_string()),
        }
    }

    fn finish(mut self) -> RawRecord {
        // Outcomes: primary, then secondary, then other (the schema's order; a stable sort
        // keeps stated order within each kind).
        self.rec.outcomes.sort_by_key(|o| o.kind);
        if self.rec.first_posted_date.is_none() {
            let (fallback, name) = match (self.first_received.take(), self.first_submitted.take()) {
                (Some(r), _) => (Some(r), "firstreceived_date"),
                (None, Some(s)) => (Some(s), "study_first_submitted"),
                (None, None) => (None, ""),
            };
            if let Some(f) = fallback {
                let line = f.line;
                self.rec.first_posted_date = Some(f);
                self.rec.findings.push(Finding {
                    severity: Severity::Info,
                    field: Some("first_posted_date".to_string()),
                    line,
                    message: format!("no <study_first_posted>: first posted date taken from <{name}> (older record)"),
                });
            }
        }
        if self.rec.last_update_date.is_none() {
            let (fallback, name) = match (self.last_changed.take(), self.last_submitted.take()) {
                (Some(r), _) => (Some(r), "lastchanged_date"),
                (None, Some(s)) => (Some(s), "last_update_submitted"),
                (None, None) => (None, ""),
            };
            if let Some(f) = fallback {
                let line = f.line;
                self.rec.last_update_date = Some(f);
                self.rec.findings.push(Finding {
                    severity: Severity::Info,
                    field: Some("last_update_date".to_string()),
                    line,
                    message: format!("no <last_update_posted>: last update date taken from <{name}> (older record)"),
                });
            }
        }
        if self.rec.results_first_posted_date.is_none() {
            if let Some(f) = self.first_received_results.take() {
                let line = f.line;
                self.rec.results_first_posted_date = Some(f);
                self.rec.findings.push(Finding {
                    severity: Severity::Info,
                    field: Some("results_first_posted_date".to_string()),
                    line,
                    message: "no <results_first_posted>: results first posted date taken from <firstreceived_results_date> (older record)"
                        .to_string(),
                });
            }
        }
        if let Some(line) = self.clinical_results {
            self.rec.has_results = Raw::non_empty("true", line);
            self.rec.findings.push(Finding {
                severity: Severity::Info,
                field: Some("has_results".to_string()),
                line,
                message: "has_results inferred: the record holds a <clinical_results> section (legacy XML states no flag)".to_string(),
            });
        }
        if self.rec.nct_id.is_none() {
            let line = self.rec.line;
            self.warn("nct_id", line, "<clinical_study> states no <id_info><nct_id>".to_string());
        }
        self.rec
    }
}

/// Labels of the old single-string `<study_design>` ("Allocation: Randomized, Masking:
/// Double Blind (Subject, Investigator), Primary Purpose: Treatment").
const STUDY_DESIGN_LABELS: &[&str] = &[
    "Allocation",
    "Control",
    "Endpoint Classification",
    "Intervention Model",
    "Masking",
    "Primary Purpose",
    "Observational Model",
    "Time Perspective",
];

/// Splits an old `<study_design>` string into (label, value) pairs at the known labels, so
/// commas inside a value ("Double Blind (Subject, Investigator)") are kept.
fn study_design_pairs(text: &str) -> Vec<(&'static str, &str)> {
    let mut starts: Vec<(usize, &'static str)> = Vec::new();
    for label in STUDY_DESIGN_LABELS {
        let pat = format!("{label}:");
        let mut from = 0;
        while let Some(i) = text[from..].find(&pat) {
            let at = from + i;
            let boundary = at == 0 || text[..at].trim_end().ends_with(',');
            if boundary {
                starts.push((at, label));
            }
            from = at + pat.len();
        }
    }
    starts.sort();
    let mut out = Vec::new();
    for (k, (at, label)) in starts.iter().enumerate() {
        let value_start = at + label.len() + 1;
        let end = starts.get(k + 1).map(|(n, _)| *n).unwrap_or(text.len());
        if value_start <= end {
            let value = text[value_start..end].trim().trim_end_matches(',').trim();
            out.push((*label, value));
        }
    }
    out
}

#[cfg(test)]
mod study_design_tests {
    use super::study_design_pairs;

    #[test]
    fn old_study_design_string() {
        let p = study_design_pairs("Allocation: Randomized, Control: Placebo Control, Intervention Model: Parallel Assignment, Masking: Double Blind (Subject, Caregiver, Investigator), Primary Purpose: Treatment");
        assert_eq!(
            p,
            vec![
                ("Allocation", "Randomized"),
                ("Control", "Placebo Control"),
                ("Intervention Model", "Parallel Assignment"),
                ("Masking", "Double Blind (Subject, Caregiver, Investigator)"),
                ("Primary Purpose", "Treatment"),
            ]
        );
        assert_eq!(study_design_pairs("Primary Purpose: Treatment"), vec![("Primary Purpose", "Treatment")]);
        assert!(study_design_pairs("free text, no labels").is_empty());
    }
}
