//! Posted results (ClinicalTrials.gov "Study Results"): participant flow, baseline
//! characteristics, outcome measures with their statistical analyses, and adverse events.
//!
//! Why it is a module of its own: results are a second, much larger document inside a record,
//! with the same shape in three spellings (API v2 `resultsSection`, API v1 `ResultsSection`,
//! legacy XML `<clinical_results>`). One raw model ([`RawResults`]) holds what any of them
//! states, every value as [`Raw`] text with its line, and nothing interpreted; the readers of
//! the record forms only hand this module the bytes of the section.
//!
//! - JSON (v2 and v1): the section, once serde has checked it, is read in one pass into a
//!   tree of borrowed slices ([`Tree`]), so every scalar keeps the address of its bytes (its
//!   line). The two APIs differ only in key names (v1
//!   repeats the parent in each key and wraps lists as `XxxList: {"Xxx": [...]}`), so one
//!   reader walks both, asking [`Keys`] for the spelling. jsonlite's one-element arrays are
//!   unwrapped like everywhere else.
//! - XML: the `<clinical_results>` element is parsed into a small element tree (attributes
//!   matter here: `group_id`, `value`, `count`), with the same entity rules as the record
//!   reader (the five XML entities and character references; nothing else expanded). Both the
//!   2016-era layout (`measure_list`, `sub_title`) and the later one (`measure`, `class_list`)
//!   are read. The "Total, serious/other adverse events" rows are the event groups' totals, not
//!   events.
//! - Something of the wrong shape costs only itself, as a [`Finding`].

use std::borrow::Cow;

use serde::Deserialize;

use serde_json::value::RawValue;

use crate::api_json::{Text, TextList};
use crate::model::{Finding, Raw, Severity};

// ---------------------------------------------------------------------------------------
// The raw model.
// ---------------------------------------------------------------------------------------

/// Everything a record's posted results state.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawResults {
    /// Line where the results section starts.
    pub line: u32,
    /// Participant flow groups (`FG000`, `P1`).
    pub flow_groups: Vec<RawResultGroup>,
    /// Participant flow periods.
    pub flow_periods: Vec<RawFlowPeriod>,
    /// Baseline groups (`BG000`, `B1`).
    pub baseline_groups: Vec<RawResultGroup>,
    /// Baseline population description.
    pub baseline_population: Option<Raw>,
    /// Overall number of baseline participants analyzed, per denominator unit.
    pub baseline_denoms: Vec<RawDenom>,
    /// Baseline measures.
    pub baseline_measures: Vec<RawMeasure>,
    /// Outcome measures with results, in stated order.
    pub outcomes: Vec<RawOutcomeResult>,
    /// Adverse event groups (`EG000`, `E1`) with their totals.
    pub event_groups: Vec<RawResultGroup>,
    /// Adverse events: serious ones, then other ones, each in stated order.
    pub events: Vec<RawAdverseEvent>,
}

/// A results group (a column of a results table).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawResultGroup {
    /// Group id as stated ("FG000", "P1").
    pub id: Option<Raw>,
    /// Title.
    pub title: Option<Raw>,
    /// Description.
    pub description: Option<Raw>,
    /// Adverse event groups: participants with a serious adverse event.
    pub serious_num_affected: Option<Raw>,
    /// Adverse event groups: participants at risk of serious adverse events.
    pub serious_num_at_risk: Option<Raw>,
    /// Adverse event groups: participants with another adverse event.
    pub other_num_affected: Option<Raw>,
    /// Adverse event groups: participants at risk of other adverse events.
    pub other_num_at_risk: Option<Raw>,
    /// Adverse event groups: deaths (all causes).
    pub deaths_num_affected: Option<Raw>,
    /// Adverse event groups: participants at risk of death.
    pub deaths_num_at_risk: Option<Raw>,
}

/// A number stated for one group (participants in a milestone, a denominator count).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawGroupValue {
    /// Group id.
    pub group_id: Option<Raw>,
    /// The number as stated.
    pub value: Option<Raw>,
    /// Comment on this number.
    pub comment: Option<Raw>,
}

/// Numbers analyzed, per group, in one unit ("Participants", "Eyes").
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawDenom {
    /// Units.
    pub units: Option<Raw>,
    /// Counts per group.
    pub counts: Vec<RawGroupValue>,
}

/// A participant flow period ("Overall Study").
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawFlowPeriod {
    /// Title.
    pub title: Option<Raw>,
    /// Milestones (STARTED, COMPLETED, NOT COMPLETED, or the sponsor's own).
    pub milestones: Vec<RawFlowItem>,
    /// Reasons for not completing.
    pub drop_withdraws: Vec<RawFlowItem>,
}

/// A milestone or a drop/withdraw reason, with its counts per group.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawFlowItem {
    /// Milestone type or reason as stated.
    pub item_type: Option<Raw>,
    /// Comment on the whole item.
    pub comment: Option<Raw>,
    /// Participants per group.
    pub counts: Vec<RawGroupValue>,
}

/// A baseline or outcome measure: the table of values per class, category and group.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawMeasure {
    /// Title.
    pub title: Option<Raw>,
    /// Description.
    pub description: Option<Raw>,
    /// Analysis population description.
    pub population_description: Option<Raw>,
    /// Measure type ("MEAN", "Count of Participants").
    pub param_type: Option<Raw>,
    /// Dispersion ("STANDARD_DEVIATION", "95% Confidence Interval").
    pub dispersion_type: Option<Raw>,
    /// Unit of measure.
    pub unit: Option<Raw>,
    /// Numbers analyzed for the whole measure.
    pub denoms: Vec<RawDenom>,
    /// Rows (classes) of the measure; a measure without classes has one untitled class.
    pub classes: Vec<RawMeasureClass>,
}

/// A class (row group) of a measure.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawMeasureClass {
    /// Title, when stated.
    pub title: Option<Raw>,
    /// Numbers analyzed for this class.
    pub denoms: Vec<RawDenom>,
    /// Categories.
    pub categories: Vec<RawCategory>,
}

/// A category of a class.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawCategory {
    /// Title, when stated.
    pub title: Option<Raw>,
    /// One value per group.
    pub measurements: Vec<RawMeasurement>,
}

/// One cell of a measure.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawMeasurement {
    /// Group id.
    pub group_id: Option<Raw>,
    /// Value as stated ("12.5", "NA", "<0.01").
    pub value: Option<Raw>,
    /// Dispersion value.
    pub spread: Option<Raw>,
    /// Lower limit (of a range or interval).
    pub lower_limit: Option<Raw>,
    /// Upper limit.
    pub upper_limit: Option<Raw>,
    /// Comment (often why a value is NA).
    pub comment: Option<Raw>,
}

/// An outcome measure with posted results.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawOutcomeResult {
    /// Primary / secondary / other pre-specified / post-hoc, as stated.
    pub outcome_type: Option<Raw>,
    /// Title.
    pub title: Option<Raw>,
    /// Description.
    pub description: Option<Raw>,
    /// Time frame.
    pub time_frame: Option<Raw>,
    /// Analysis population description.
    pub population_description: Option<Raw>,
    /// Groups (`OG000`, `O1`).
    pub groups: Vec<RawResultGroup>,
    /// Measures: one in API JSON and later XML; several in 2016-era XML (`measure_list`).
    pub measures: Vec<RawMeasure>,
    /// Statistical analyses.
    pub analyses: Vec<RawAnalysis>,
}

/// A statistical analysis of an outcome.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawAnalysis {
    /// Groups compared.
    pub group_ids: Vec<Raw>,
    /// Description of the comparison.
    pub group_description: Option<Raw>,
    /// Non-inferiority or superiority test type.
    pub non_inferiority_type: Option<Raw>,
    /// P-value as stated ("0.03", "<0.001").
    pub p_value: Option<Raw>,
    /// Statistical method.
    pub statistical_method: Option<Raw>,
    /// Estimated parameter type ("Odds Ratio (OR)").
    pub param_type: Option<Raw>,
    /// Estimated value.
    pub param_value: Option<Raw>,
    /// Confidence interval level, percent.
    pub ci_pct_value: Option<Raw>,
    /// One- or two-sided interval.
    pub ci_num_sides: Option<Raw>,
    /// Interval lower limit.
    pub ci_lower_limit: Option<Raw>,
    /// Interval upper limit.
    pub ci_upper_limit: Option<Raw>,
    /// Estimation comment.
    pub estimate_comment: Option<Raw>,
    /// Dispersion type of the estimate.
    pub dispersion_type: Option<Raw>,
    /// Dispersion value of the estimate.
    pub dispersion_value: Option<Raw>,
}

/// An adverse event term with its counts per group.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawAdverseEvent {
    /// Serious (true) or other (false).
    pub serious: bool,
    /// Organ system.
    pub organ_system: Option<Raw>,
    /// Term.
    pub term: Option<Raw>,
    /// Vocabulary ("MedDRA (21.0)"); in XML the section default when the event states none.
    pub source_vocabulary: Option<Raw>,
    /// Assessment type; in XML the section default when the event states none.
    pub assessment_type: Option<Raw>,
    /// Notes.
    pub notes: Option<Raw>,
    /// Counts per group.
    pub stats: Vec<RawEventStat>,
}

/// Counts of one adverse event in one group.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RawEventStat {
    /// Group id.
    pub group_id: Option<Raw>,
    /// Participants affected.
    pub num_affected: Option<Raw>,
    /// Participants at risk.
    pub num_at_risk: Option<Raw>,
    /// Number of events.
    pub num_events: Option<Raw>,
}

impl RawResults {
    /// Whether the section states nothing at all.
    pub fn is_empty(&self) -> bool {
        self.flow_groups.is_empty()
            && self.flow_periods.is_empty()
            && self.baseline_groups.is_empty()
            && self.baseline_measures.is_empty()
            && self.outcomes.is_empty()
            && self.event_groups.is_empty()
            && self.events.is_empty()
    }
}

// ---------------------------------------------------------------------------------------
// JSON (API v2 and v1).
// ---------------------------------------------------------------------------------------

/// Key spellings: API v2 (`groups`, `id`) or API v1 (`FlowGroupList/FlowGroup`, `FlowGroupId`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keys {
    V2,
    V1,
}

impl Keys {
    /// The key: `v2` in API v2; in API v1 `v1` with every `{P}` replaced by `prefix`.
    fn k<'k>(self, v2: &'k str, v1: &str, prefix: &str) -> Cow<'k, str> {
        match self {
            Keys::V2 => Cow::Borrowed(v2),
            Keys::V1 => Cow::Owned(v1.replace("{P}", prefix)),
        }
    }
}

/// A member name, borrowed from the document unless it holds an escape.
#[derive(PartialEq, Eq)]
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// An object read by serde member by member, as the reader once read every object, and
/// thrown away: only for serde's message on a value that is not an object, or whose member
/// names do not read (the reader itself uses [`Tree`]).
struct Members;

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Members, A::Error> {
                while m.next_entry::<Key<'de>, &'de RawValue>()?.is_some() {}
                Ok(Members)
            }
        }
        d.deserialize_map(V)
    }
}

/// The results section read in one pass: the text of every value (a slice of the document,
/// so each keeps its address and line), the members of every object and the items of every
/// array. (Reading each object's members with serde on their own, level by level, read every
/// byte of a measurement once for each of the seven levels above it.)
struct Tree<'a> {
    nodes: Vec<Node<'a>>,
    /// The members of the objects in document order, each object's together.
    members: Vec<(Key<'a>, u32)>,
    /// The items of the arrays, each array's together.
    items: Vec<u32>,
}

#[derive(Clone, Copy)]
struct Node<'a> {
    text: &'a str,
    kind: Kind,
}

#[derive(Clone, Copy)]
enum Kind {
    /// A string, number, `true`, `false` or `null`.
    Scalar,
    /// An object: its members are `members[from..to]`.
    Object(u32, u32),
    /// An object with a member name that does not read as a string (a lone surrogate
    /// escape): read by serde on its own, for serde's message.
    Unread,
    /// An array: its items are `items[from..to]`.
    Array(u32, u32),
}

/// A container being read.
struct Open<'a> {
    node: u32,
    object: bool,
    /// Where its members (or items) start in the pending list.
    from: usize,
    /// Where its text starts.
    start: usize,
    /// The name of the member whose value is being read.
    key: Option<Key<'a>>,
    /// A member name did not read.
    unread: bool,
}

/// JSON whitespace.
fn json_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

impl<'a> Tree<'a> {
    /// The tree of `s`, one JSON value that serde has checked (so that only its shape is
    /// looked at here); `None` if it is not well formed after all. The root is node 0.
    fn build(s: &'a str) -> Option<Tree<'a>> {
        let b = s.as_bytes();
        let mut t = Tree { nodes: Vec::with_capacity(s.len() / 32 + 1), members: Vec::new(), items: Vec::new() };
        let mut open: Vec<Open<'a>> = Vec::new();
        let mut members: Vec<(Key<'a>, u32)> = Vec::new();
        let mut items: Vec<u32> = Vec::new();
        let mut i = json_ws(b, 0);
        loop {
            // A value starts at `i`.
            let id = u32::try_from(t.nodes.len()).ok()?;
            let c = *b.get(i)?;
            if c == b'{' || c == b'[' {
                t.nodes.push(Node { text: "", kind: Kind::Scalar });
                let object = c == b'{';
                let from = if object { members.len() } else { items.len() };
                open.push(Open { node: id, object, from, start: i, key: None, unread: false });
                i = json_ws(b, i + 1);
                if b.get(i) != Some(if object { &b'}' } else { &b']' }) {
                    if object {
                        i = Self::name(s, i, open.last_mut()?)?;
                    }
                    continue;
                }
            } else {
                let end = if c == b'"' {
                    crate::api_json::skip_string(b, i).ok()?
                } else {
                    let mut j = i + 1;
                    while !matches!(b.get(j), None | Some(b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t')) {
                        j += 1;
                    }
                    j
                };
                t.nodes.push(Node { text: s.get(i..end)?, kind: Kind::Scalar });
                let Some(top) = open.last_mut() else { return Some(t) };
                if top.object {
                    members.push((top.key.take()?, id));
                } else {
                    items.push(id);
                }
                i = json_ws(b, end);
            }
            // After a value (or at an empty container's end): `,` goes on to the next value,
            // a closing bracket ends the innermost container, which is then a value of its own.
            loop {
                let top = open.last_mut()?;
                match b.get(i) {
                    Some(b',') => {
                        i = json_ws(b, i + 1);
                        if top.object {
                            i = Self::name(s, i, top)?;
                        }
                        break;
                    }
                    Some(b'}' | b']') => {
                        let o = open.pop()?;
                        let kind = if o.object {
                            let from = u32::try_from(t.members.len()).ok()?;
                            t.members.extend(members.drain(o.from..));
                            if o.unread {
                                Kind::Unread
                            } else {
                                Kind::Object(from, u32::try_from(t.members.len()).ok()?)
                            }
                        } else {
                            let from = u32::try_from(t.items.len()).ok()?;
                            t.items.extend(items.drain(o.from..));
                            Kind::Array(from, u32::try_from(t.items.len()).ok()?)
                        };
                        *t.nodes.get_mut(o.node as usize)? = Node { text: s.get(o.start..i + 1)?, kind };
                        let Some(top) = open.last_mut() else { return Some(t) };
                        if top.object {
                            members.push((top.key.take()?, o.node));
                        } else {
                            items.push(o.node);
                        }
                        i = json_ws(b, i + 1);
                    }
                    _ => return None,
                }
            }
        }
    }

    /// Reads a member name at `i` and the colon after it into `o`; returns where its value
    /// starts.
    fn name(s: &'a str, i: usize, o: &mut Open<'a>) -> Option<usize> {
        let b = s.as_bytes();
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let end = crate::api_json::skip_string(b, i).ok()?;
        let inner = s.get(i + 1..end - 1)?;
        // Names are compared as serde reads them: escapes resolved.
        let key = if !inner.contains('\\') {
            Key(Cow::Borrowed(inner))
        } else {
            match serde_json::from_str::<String>(s.get(i..end)?) {
                Ok(k) => Key(Cow::Owned(k)),
                Err(_) => {
                    o.unread = true;
                    Key(Cow::Borrowed(""))
                }
            }
        };
        o.key = Some(key);
        let j = json_ws(b, end);
        (b.get(j) == Some(&b':')).then(|| json_ws(b, j + 1))
    }
}

/// A value of the tree.
#[derive(Clone, Copy)]
struct Val<'t> {
    tree: &'t Tree<'t>,
    id: u32,
}

impl<'t> Val<'t> {
    fn node(self) -> Node<'t> {
        self.tree.nodes.get(self.id as usize).copied().unwrap_or(Node { text: "null", kind: Kind::Scalar })
    }

    fn items(self, from: u32, to: u32) -> impl Iterator<Item = Val<'t>> {
        let tree = self.tree;
        tree.items.get(from as usize..to as usize).unwrap_or(&[]).iter().map(move |&id| Val { tree, id })
    }
}

/// A JSON object of the results section: its members, borrowed from the tree.
struct Obj<'t> {
    tree: &'t Tree<'t>,
    members: &'t [(Key<'t>, u32)],
}

impl<'t> Obj<'t> {
    /// The member `key`; a name stated twice means its last value (as a map read by serde
    /// keeps it).
    fn get(&self, key: &str) -> Option<Val<'t>> {
        self.members.iter().rev().find(|(k, _)| k.0 == key).map(|&(_, id)| Val { tree: self.tree, id })
    }
}

struct JsonReader<'f> {
    line: &'f dyn Fn(usize) -> u32,
    findings: Vec<Finding>,
    keys: Keys,
}

impl<'f> JsonReader<'f> {
    fn bad(&mut self, field: &str, ptr: usize, message: String) {
        let line = (self.line)(ptr);
        self.findings.push(Finding { severity: Severity::Error, field: Some(field.to_string()), line, message });
    }

    /// An object, unwrapping jsonlite's one-element array.
    fn obj<'t>(&mut self, v: Val<'t>, field: &str) -> Option<Obj<'t>> {
        let n = v.node();
        let s = n.text;
        let ptr = s.as_ptr() as usize;
        match n.kind {
            Kind::Object(from, to) => Some(Obj { tree: v.tree, members: v.tree.members.get(from as usize..to as usize).unwrap_or(&[]) }),
            Kind::Array(from, to) => {
                let mut items = v.items(from, to);
                match (items.next(), items.next()) {
                    (Some(one), None) if one.node().text.starts_with('{') => self.obj(one, field),
                    (None, _) => None,
                    _ => {
                        self.bad(field, ptr, format!("{field}: expected an object, found an array; not read"));
                        None
                    }
                }
            }
            Kind::Scalar if s == "null" => None,
            Kind::Scalar | Kind::Unread => {
                // Not an object (or one whose member names do not read): serde says why.
                if let Err(e) = serde_json::from_str::<Members>(s) {
                    self.bad(field, ptr, format!("{field} could not be read ({e}); its values are left empty"));
                }
                None
            }
        }
    }

    /// The objects at `path` ("a/b": member `b` of object `a`); one object is a list of one.
    fn objs<'t>(&mut self, o: &Obj<'t>, path: &str) -> Vec<Obj<'t>> {
        let mut parts: Vec<&str> = path.split('/').collect();
        let Some(last) = parts.pop() else { return Vec::new() };
        let mut owned: Option<Obj<'t>> = None;
        for p in parts {
            let cur = owned.as_ref().unwrap_or(o);
            let Some(v) = cur.get(p) else { return Vec::new() };
            match self.obj(v, p) {
                Some(next) => owned = Some(next),
                None => return Vec::new(),
            }
        }
        let cur = owned.as_ref().unwrap_or(o);
        let Some(v) = cur.get(last) else { return Vec::new() };
        match v.node().kind {
            Kind::Array(from, to) => v.items(from, to).filter_map(|r| self.obj(r, last)).collect(),
            _ => self.obj(v, last).into_iter().collect(),
        }
    }

    fn one<'t>(&mut self, o: &Obj<'t>, key: &str) -> Option<Obj<'t>> {
        let v = o.get(key)?;
        self.obj(v, key)
    }

    fn text(&mut self, o: &Obj<'_>, key: &str) -> Option<Raw> {
        let v = o.get(key)?;
        // (The value is a slice of checked JSON, so it always reads.)
        let t = crate::api_json::classify_str(v.node().text, 0);
        self.raw_of(t, key)
    }

    fn raw_of(&mut self, t: Text, key: &str) -> Option<Raw> {
        match t {
            Text::Absent => None,
            Text::Value { text, ptr } => Raw::non_empty_owned(text, (self.line)(ptr)),
            Text::Odd { what, ptr } => {
                self.bad(key, ptr, format!("{key}: expected a text value, found {what}; value not read"));
                None
            }
        }
    }

    fn texts(&mut self, o: &Obj<'_>, path: &str) -> Vec<Raw> {
        if let Some((list, key)) = path.split_once('/') {
            return match self.one(o, list) {
                Some(inner) => self.texts(&inner, key),
                None => Vec::new(),
            };
        }
        let Some(v) = o.get(path) else { return Vec::new() };
        let l = serde_json::from_str::<TextList>(v.node().text).unwrap_or_default();
        l.0.into_iter().filter_map(|t| self.raw_of(t, path)).collect()
    }

    fn k<'k>(&self, v2: &'k str, v1: &str, prefix: &str) -> Cow<'k, str> {
        self.keys.k(v2, v1, prefix)
    }

    fn t(&mut self, o: &Obj<'_>, v2: &str, v1: &str, prefix: &str) -> Option<Raw> {
        let key = self.k(v2, v1, prefix);
        self.text(o, &key)
    }

    fn groups(&mut self, o: &Obj<'_>, prefix: &str) -> Vec<RawResultGroup> {
        let list = self.k("groups", "{P}GroupList/{P}Group", prefix);
        let mut out = Vec::new();
        for g in self.objs(o, &list) {
            out.push(RawResultGroup {
                id: self.t(&g, "id", "{P}GroupId", prefix),
                title: self.t(&g, "title", "{P}GroupTitle", prefix),
                description: self.t(&g, "description", "{P}GroupDescription", prefix),
                ..RawResultGroup::default()
            });
        }
        out
    }

    /// Denominators: `prefix` is the v1 stem ("OutcomeDenom", "BaselineClassDenom").
    fn denoms(&mut self, o: &Obj<'_>, prefix: &str) -> Vec<RawDenom> {
        let list = self.k("denoms", "{P}List/{P}", prefix);
        let mut out = Vec::new();
        for d in self.objs(o, &list) {
            let units = self.t(&d, "units", "{P}Units", prefix);
            let clist = self.k("counts", "{P}CountList/{P}Count", prefix);
            let mut counts = Vec::new();
            for c in self.objs(&d, &clist) {
                counts.push(RawGroupValue {
                    group_id: self.t(&c, "groupId", "{P}CountGroupId", prefix),
                    value: self.t(&c, "value", "{P}CountValue", prefix),
                    comment: None,
                });
            }
            out.push(RawDenom { units, counts });
        }
        out
    }

    /// A measure's own fields and table; `p` is "Baseline" or "Outcome".
    fn measure(&mut self, m: &Obj<'_>, p: &str, title: Option<Raw>) -> RawMeasure {
        let mut measure = RawMeasure {
            title,
            description: self.t(m, "description", "{P}MeasureDescription", p),
            population_description: self.t(m, "populationDescription", "{P}MeasurePopulationDescription", p),
            param_type: self.t(m, "paramType", "{P}MeasureParamType", p),
            dispersion_type: self.t(m, "dispersionType", "{P}MeasureDispersionType", p),
            unit: self.t(m, "unitOfMeasure", "{P}MeasureUnitOfMeasure", p),
            denoms: Vec::new(),
            classes: Vec::new(),
        };
        let denom_stem = if p == "Outcome" { "OutcomeDenom".to_string() } else { format!("{p}MeasureDenom") };
        measure.denoms = self.denoms(m, &denom_stem);
        let clist = self.k("classes", "{P}ClassList/{P}Class", p);
        for c in self.objs(m, &clist) {
            let mut class = RawMeasureClass {
                title: self.t(&c, "title", "{P}ClassTitle", p),
                denoms: self.denoms(&c, &format!("{p}ClassDenom")),
                categories: Vec::new(),
            };
            let catlist = self.k("categories", "{P}CategoryList/{P}Category", p);
            for cat in self.objs(&c, &catlist) {
                let mut category = RawCategory { title: self.t(&cat, "title", "{P}CategoryTitle", p), measurements: Vec::new() };
                let mlist = self.k("measurements", "{P}MeasurementList/{P}Measurement", p);
                for x in self.objs(&cat, &mlist) {
                    category.measurements.push(RawMeasurement {
                        group_id: self.t(&x, "groupId", "{P}MeasurementGroupId", p),
                        value: self.t(&x, "value", "{P}MeasurementValue", p),
                        spread: self.t(&x, "spread", "{P}MeasurementSpread", p),
                        lower_limit: self.t(&x, "lowerLimit", "{P}MeasurementLowerLimit", p),
                        upper_limit: self.t(&x, "upperLimit", "{P}MeasurementUpperLimit", p),
                        comment: self.t(&x, "comment", "{P}MeasurementComment", p),
                    });
                }
                class.categories.push(category);
            }
            measure.classes.push(class);
        }
        measure
    }

    fn section(&mut self, s: &Obj<'_>, line: u32) -> RawResults {
        let mut r = RawResults { line, ..RawResults::default() };
        let pf = self.k("participantFlowModule", "ParticipantFlowModule", "");
        if let Some(f) = self.one(s, &pf) {
            r.flow_groups = self.groups(&f, "Flow");
            let plist = self.k("periods", "FlowPeriodList/FlowPeriod", "");
            for p in self.objs(&f, &plist) {
                let mut period = RawFlowPeriod { title: self.t(&p, "title", "FlowPeriodTitle", ""), ..RawFlowPeriod::default() };
                let ml = self.k("milestones", "FlowMilestoneList/FlowMilestone", "");
                for m in self.objs(&p, &ml) {
                    let mut item = RawFlowItem {
                        item_type: self.t(&m, "type", "FlowMilestoneType", ""),
                        comment: self.t(&m, "comment", "FlowMilestoneComment", ""),
                        counts: Vec::new(),
                    };
                    let al = self.k("achievements", "FlowAchievementList/FlowAchievement", "");
                    for a in self.objs(&m, &al) {
                        item.counts.push(RawGroupValue {
                            group_id: self.t(&a, "groupId", "FlowAchievementGroupId", ""),
                            value: self.t(&a, "numSubjects", "FlowAchievementNumSubjects", ""),
                            comment: self.t(&a, "comment", "FlowAchievementComment", ""),
                        });
                    }
                    period.milestones.push(item);
                }
                let dl = self.k("dropWithdraws", "FlowDropWithdrawList/FlowDropWithdraw", "");
                for d in self.objs(&p, &dl) {
                    let mut item = RawFlowItem {
                        item_type: self.t(&d, "type", "FlowDropWithdrawType", ""),
                        comment: self.t(&d, "comment", "FlowDropWithdrawComment", ""),
                        counts: Vec::new(),
                    };
                    let rl = self.k("reasons", "FlowReasonList/FlowReason", "");
                    for a in self.objs(&d, &rl) {
                        item.counts.push(RawGroupValue {
                            group_id: self.t(&a, "groupId", "FlowReasonGroupId", ""),
                            value: self.t(&a, "numSubjects", "FlowReasonNumSubjects", ""),
                            comment: self.t(&a, "comment", "FlowReasonComment", ""),
                        });
                    }
                    period.drop_withdraws.push(item);
                }
                r.flow_periods.push(period);
            }
        }
        let bl = self.k("baselineCharacteristicsModule", "BaselineCharacteristicsModule", "");
        if let Some(b) = self.one(s, &bl) {
            r.baseline_groups = self.groups(&b, "Baseline");
            r.baseline_population = self.t(&b, "populationDescription", "BaselinePopulationDescription", "");
            r.baseline_denoms = self.denoms(&b, "BaselineDenom");
            let ml = self.k("measures", "BaselineMeasureList/BaselineMeasure", "");
            for m in self.objs(&b, &ml) {
                let title = self.t(&m, "title", "BaselineMeasureTitle", "");
                let measure = self.measure(&m, "Baseline", title);
                r.baseline_measures.push(measure);
            }
        }
        let ol = self.k("outcomeMeasuresModule", "OutcomeMeasuresModule", "");
        if let Some(o) = self.one(s, &ol) {
            let ml = self.k("outcomeMeasures", "OutcomeMeasureList/OutcomeMeasure", "");
            for m in self.objs(&o, &ml) {
                let title = self.t(&m, "title", "OutcomeMeasureTitle", "");
                let mut out = RawOutcomeResult {
                    outcome_type: self.t(&m, "type", "OutcomeMeasureType", ""),
                    title: title.clone(),
                    description: self.t(&m, "description", "OutcomeMeasureDescription", ""),
                    time_frame: self.t(&m, "timeFrame", "OutcomeMeasureTimeFrame", ""),
                    population_description: self.t(&m, "populationDescription", "OutcomeMeasurePopulationDescription", ""),
                    groups: self.groups(&m, "Outcome"),
                    measures: Vec::new(),
                    analyses: Vec::new(),
                };
                // In JSON the outcome is its own (single) measure.
                let measure = self.measure(&m, "Outcome", title);
                out.measures.push(measure);
                let al = self.k("analyses", "OutcomeAnalysisList/OutcomeAnalysis", "");
                for a in self.objs(&m, &al) {
                    let gl = self.k("groupIds", "OutcomeAnalysisGroupIdList/OutcomeAnalysisGroupId", "");
                    let p = "OutcomeAnalysis";
                    out.analyses.push(RawAnalysis {
                        group_ids: self.texts(&a, &gl),
                        group_description: self.t(&a, "groupDescription", "{P}GroupDescription", p),
                        non_inferiority_type: self.t(&a, "nonInferiorityType", "{P}NonInferiorityType", p),
                        p_value: self.t(&a, "pValue", "{P}PValue", p),
                        statistical_method: self.t(&a, "statisticalMethod", "{P}StatisticalMethod", p),
                        param_type: self.t(&a, "paramType", "{P}ParamType", p),
                        param_value: self.t(&a, "paramValue", "{P}ParamValue", p),
                        ci_pct_value: self.t(&a, "ciPctValue", "{P}CIPctValue", p),
                        ci_num_sides: self.t(&a, "ciNumSides", "{P}CINumSides", p),
                        ci_lower_limit: self.t(&a, "ciLowerLimit", "{P}CILowerLimit", p),
                        ci_upper_limit: self.t(&a, "ciUpperLimit", "{P}CIUpperLimit", p),
                        estimate_comment: self.t(&a, "estimateComment", "{P}EstimateComment", p),
                        dispersion_type: self.t(&a, "dispersionType", "{P}DispersionType", p),
                        dispersion_value: self.t(&a, "dispersionValue", "{P}DispersionValue", p),
                    });
                }
                r.outcomes.push(out);
            }
        }
        let al = self.k("adverseEventsModule", "AdverseEventsModule", "");
        if let Some(a) = self.one(s, &al) {
            let gl = self.k("eventGroups", "EventGroupList/EventGroup", "");
            for g in self.objs(&a, &gl) {
                let p = "EventGroup";
                r.event_groups.push(RawResultGroup {
                    id: self.t(&g, "id", "{P}Id", p),
                    title: self.t(&g, "title", "{P}Title", p),
                    description: self.t(&g, "description", "{P}Description", p),
                    serious_num_affected: self.t(&g, "seriousNumAffected", "{P}SeriousNumAffected", p),
                    serious_num_at_risk: self.t(&g, "seriousNumAtRisk", "{P}SeriousNumAtRisk", p),
                    other_num_affected: self.t(&g, "otherNumAffected", "{P}OtherNumAffected", p),
                    other_num_at_risk: self.t(&g, "otherNumAtRisk", "{P}OtherNumAtRisk", p),
                    deaths_num_affected: self.t(&g, "deathsNumAffected", "{P}DeathsNumAffected", p),
                    deaths_num_at_risk: self.t(&g, "deathsNumAtRisk", "{P}DeathsNumAtRisk", p),
                });
            }
            for (serious, v2, p) in [(true, "seriousEvents", "SeriousEvent"), (false, "otherEvents", "OtherEvent")] {
                let list = self.k(v2, "{P}List/{P}", p);
                for e in self.objs(&a, &list) {
                    let mut ev = RawAdverseEvent {
                        serious,
                        organ_system: self.t(&e, "organSystem", "{P}OrganSystem", p),
                        term: self.t(&e, "term", "{P}Term", p),
                        source_vocabulary: self.t(&e, "sourceVocabulary", "{P}SourceVocabulary", p),
                        assessment_type: self.t(&e, "assessmentType", "{P}AssessmentType", p),
                        notes: self.t(&e, "notes", "{P}Notes", p),
                        stats: Vec::new(),
                    };
                    let sl = self.k("stats", "{P}StatsList/{P}Stats", p);
                    for st in self.objs(&e, &sl) {
                        ev.stats.push(RawEventStat {
                            group_id: self.t(&st, "groupId", "{P}StatsGroupId", p),
                            num_affected: self.t(&st, "numAffected", "{P}StatsNumAffected", p),
                            num_at_risk: self.t(&st, "numAtRisk", "{P}StatsNumAtRisk", p),
                            num_events: self.t(&st, "numEvents", "{P}StatsNumEvents", p),
                        });
                    }
                    r.events.push(ev);
                }
            }
        }
        r
    }
}

/// The value of top-level key `key` of the object `s` (which starts with `{`), as a slice
/// of `s`.
fn member<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let b = s.as_bytes();
    if b.first() != Some(&b'{') {
        return None;
    }
    let start = crate::api_json::find_key(b, 0, key.as_bytes())?;
    let end = crate::api_json::skip_value(b, start).ok()?;
    s.get(start..end)
}

/// Reads the results section of one JSON study (`study` is the text of a study object that
/// serde has read, so well-formed JSON, and a slice of the document `line` maps addresses of). API v2 `resultsSection`, or API v1
/// `ResultsSection` beside the protocol (bare, in `Study`, or in `FullStudy.Study`). Findings
/// go to `findings`; `None` when the study has no results section.
pub(crate) fn read_json(study: &str, line: &dyn Fn(usize) -> u32, findings: &mut Vec<Finding>) -> Option<Box<RawResults>> {
    // Both keys looked for below end in these bytes (keys are compared as stated, escapes
    // included): a study whose text does not hold them has no results section, and most
    // studies are spared the four scans of their keys that would find that out.
    memchr::memmem::find(study.as_bytes(), b"esultsSection\"")?;
    let (section, keys) = if let Some(s) = member(study, "resultsSection") {
        (s, Keys::V2)
    } else {
        let v1_study = member(study, "FullStudy").and_then(|f| member(f, "Study")).or_else(|| member(study, "Study")).unwrap_or(study);
        (member(v1_study, "ResultsSection")?, Keys::V1)
    };
    let at = line(section.as_ptr() as usize);
    // serde has read the whole study, this section included (as a value it skips), so the
    // section is well formed and only its shape is followed here.
    let Some(tree) = Tree::build(section) else {
        // (Not reached for a study serde has read.)
        let why = serde_json::from_str::<&RawValue>(section)
            .err()
            .map_or_else(|| "its shape could not be followed".to_string(), |e| e.to_string());
        findings.push(Finding {
            severity: Severity::Error,
            field: Some("resultsSection".into()),
            line: at,
            message: format!("resultsSection could not be read ({why}); no results rows for this record"),
        });
        return None;
    };
    let mut r = JsonReader { line, findings: Vec::new(), keys };
    let results = r.obj(Val { tree: &tree, id: 0 }, "resultsSection").map(|s| r.section(&s, at));
    findings.append(&mut r.findings);
    results.filter(|r| !r.is_empty()).map(Box::new)
}

// ---------------------------------------------------------------------------------------
// Legacy XML.
// ---------------------------------------------------------------------------------------

/// An element of the `<clinical_results>` tree.
#[derive(Debug, Default)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    line: u32,
    children: Vec<El>,
}

impl El {
    fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }

    fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s El> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The children `item` of the child list `list` (`group_list/group`).
    fn list<'s>(&'s self, list: &'s str, item: &'s str) -> impl Iterator<Item = &'s El> + 's {
        self.all(list).flat_map(move |l| l.all(item))
    }

    fn value(&self) -> Option<Raw> {
        let text = if self.text.contains('\r') { self.text.replace("\r\n", "\n").replace('\r', "\n") } else { self.text.clone() };
        Raw::non_empty(text, self.line)
    }

    fn text_of(&self, name: &str) -> Option<Raw> {
        self.child(name).and_then(El::value)
    }

    fn attr(&self, name: &str) -> Option<Raw> {
        self.attrs.iter().find(|(k, _)| k == name).and_then(|(_, v)| Raw::non_empty(v, self.line))
    }
}

/// Parses the `<clinical_results>` element text (`xml`, whose first byte is on line
/// `first_line`) into a tree. `Err` with a line and message when it is not well formed.
fn parse_tree(xml: &str, first_line: u32, findings: &mut Vec<Finding>) -> Result<El, (u32, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    // Lines are counted from the last position asked (positions only grow), so the whole
    // section costs one pass.
    let mut mark = (0usize, first_line);
    let mut line_at = |pos: usize| {
        let pos = pos.min(xml.len());
        let (moff, mline) = mark;
        let line = if pos >= moff {
            mline + crate::decode::count_newlines(xml.as_bytes().get(moff..pos).unwrap_or(&[]))
        } else {
            first_line + crate::decode::count_newlines(xml.as_bytes().get(..pos).unwrap_or(&[]))
        };
        mark = (pos, line);
        line
    };
    let mut stack: Vec<El> = vec![El::default()];
    let attrs_of = |e: &quick_xml::events::BytesStart<'_>| -> Vec<(String, String)> {
        e.attributes()
            .flatten()
            .map(|a| {
                let v = a.unescape_value().map(|v| v.into_owned()).unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
                (String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned(), v)
            })
            .collect()
    };
    loop {
        let pos = reader.buffer_position() as usize;
        let ev = reader.read_event().map_err(|e| (line_at(reader.error_position() as usize), e.to_string()))?;
        match ev {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                stack.push(El { name, attrs: attrs_of(&e), line: line_at(pos), ..El::default() });
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let el = El { name, attrs: attrs_of(&e), line: line_at(pos), ..El::default() };
                if let Some(top) = stack.last_mut() {
                    top.children.push(el);
                }
            }
            Event::End(_) if stack.len() > 1 => {
                if let Some(el) = stack.pop() {
                    if let Some(top) = stack.last_mut() {
                        top.children.push(el);
                    }
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    match t.decode() {
                        Ok(s) => top.text.push_str(&s),
                        Err(e) => top.text.push_str(&format!("[undecodable text: {e}]")),
                    }
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let Some(top) = stack.last_mut() else { continue };
                match r.resolve_char_ref() {
                    Ok(Some(c)) => top.text.push(c),
                    _ => match name.as_str() {
                        "lt" => top.text.push('<'),
                        "gt" => top.text.push('>'),
                        "amp" => top.text.push('&'),
                        "apos" => top.text.push('\''),
                        "quot" => top.text.push('"'),
                        _ => {
                            top.text.push_str(&format!("&{name};"));
                            findings.push(Finding {
                                severity: Severity::Warning,
                                field: Some(top.name.clone()),
                                line: line_at(pos),
                                message: format!(
                                    "entity reference &{name}; is not expanded (entities and DTDs are never resolved); kept as written"
                                ),
                            });
                        }
                    },
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut root = stack.into_iter().next().unwrap_or_default();
    root.children.pop().ok_or((first_line, "no <clinical_results> element".to_string()))
}

fn xml_group(g: &El) -> RawResultGroup {
    RawResultGroup { id: g.attr("group_id"), title: g.text_of("title"), description: g.text_of("description"), ..RawResultGroup::default() }
}

fn xml_denoms(parent: &El) -> Vec<RawDenom> {
    parent
        .list("analyzed_list", "analyzed")
        .map(|a| RawDenom {
            units: a.text_of("units"),
            counts: a
                .list("count_list", "count")
                .map(|c| RawGroupValue { group_id: c.attr("group_id"), value: c.attr("value"), comment: c.value() })
                .collect(),
        })
        .collect()
}

fn xml_category(c: &El) -> RawCategory {
    RawCategory {
        title: c.text_of("title").or_else(|| c.text_of("sub_title")),
        measurements: c
            .list("measurement_list", "measurement")
            .map(|m| RawMeasurement {
                group_id: m.attr("group_id"),
                value: m.attr("value"),
                spread: m.attr("spread"),
                lower_limit: m.attr("lower_limit"),
                upper_limit: m.attr("upper_limit"),
                comment: m.value(),
            })
            .collect(),
    }
}

fn xml_measure(m: &El) -> RawMeasure {
    let mut classes: Vec<RawMeasureClass> = m
        .list("class_list", "class")
        .map(|c| RawMeasureClass {
            title: c.text_of("title"),
            denoms: xml_denoms(c),
            categories: c.list("category_list", "category").map(xml_category).collect(),
        })
        .collect();
    // 2016-era layout: categories directly under the measure.
    let direct: Vec<RawCategory> = m.list("category_list", "category").map(xml_category).collect();
    if !direct.is_empty() {
        classes.push(RawMeasureClass { title: None, denoms: Vec::new(), categories: direct });
    }
    RawMeasure {
        title: m.text_of("title"),
        description: m.text_of("description"),
        population_description: m.text_of("population"),
        param_type: m.text_of("param"),
        dispersion_type: m.text_of("dispersion"),
        unit: m.text_of("units"),
        denoms: xml_denoms(m),
        classes,
    }
}

/// Whether an XML adverse event row is a section total ("Total, serious adverse events").
fn is_total(term: &Option<Raw>) -> Option<bool> {
    let t = term.as_ref()?.text.to_ascii_lowercase();
    if t.starts_with("total, serious adverse events") {
        Some(true)
    } else if t.starts_with("total, other adverse events") {
        Some(false)
    } else {
        None
    }
}

fn xml_section(cr: &El) -> RawResults {
    let mut r = RawResults { line: cr.line, ..RawResults::default() };
    if let Some(pf) = cr.child("participant_flow") {
        r.flow_groups = pf.list("group_list", "group").map(xml_group).collect();
        for p in pf.list("period_list", "period") {
            let counts = |item: &El| -> Vec<RawGroupValue> {
                item.list("participants_list", "participants")
                    .map(|x| RawGroupValue { group_id: x.attr("group_id"), value: x.attr("count"), comment: x.value() })
                    .collect()
            };
            r.flow_periods.push(RawFlowPeriod {
                title: p.text_of("title"),
                milestones: p
                    .list("milestone_list", "milestone")
                    .map(|m| RawFlowItem { item_type: m.text_of("title"), comment: None, counts: counts(m) })
                    .collect(),
                drop_withdraws: p
                    .list("drop_withdraw_reason_list", "drop_withdraw_reason")
                    .map(|m| RawFlowItem { item_type: m.text_of("title"), comment: None, counts: counts(m) })
                    .collect(),
            });
        }
    }
    if let Some(b) = cr.child("baseline") {
        r.baseline_groups = b.list("group_list", "group").map(xml_group).collect();
        r.baseline_population = b.text_of("population");
        r.baseline_denoms = xml_denoms(b);
        r.baseline_measures = b.list("measure_list", "measure").map(xml_measure).collect();
    }
    for o in cr.list("outcome_list", "outcome") {
        let mut measures: Vec<RawMeasure> = o.all("measure").map(xml_measure).collect();
        measures.extend(o.list("measure_list", "measure").map(xml_measure));
        let analyses = o
            .list("analysis_list", "analysis")
            .map(|a| RawAnalysis {
                group_ids: a.list("group_id_list", "group_id").filter_map(El::value).collect(),
                group_description: a.text_of("groups_desc"),
                non_inferiority_type: a.text_of("non_inferiority_type"),
                p_value: a.text_of("p_value"),
                statistical_method: a.text_of("method"),
                param_type: a.text_of("param_type"),
                param_value: a.text_of("param_value"),
                ci_pct_value: a.text_of("ci_percent"),
                ci_num_sides: a.text_of("ci_n_sides"),
                ci_lower_limit: a.text_of("ci_lower_limit"),
                ci_upper_limit: a.text_of("ci_upper_limit"),
                estimate_comment: a.text_of("estimate_desc"),
                dispersion_type: a.text_of("dispersion_type"),
                dispersion_value: a.text_of("dispersion_value"),
            })
            .collect();
        r.outcomes.push(RawOutcomeResult {
            outcome_type: o.text_of("type"),
            title: o.text_of("title"),
            description: o.text_of("description"),
            time_frame: o.text_of("time_frame"),
            population_description: o.text_of("population"),
            groups: o.list("group_list", "group").map(xml_group).collect(),
            measures,
            analyses,
        });
    }
    if let Some(ae) = cr.child("reported_events") {
        r.event_groups = ae.list("group_list", "group").map(xml_group).collect();
        for (serious, name) in [(true, "serious_events"), (false, "other_events")] {
            let Some(sec) = ae.child(name) else { continue };
            let default_vocab = sec.text_of("default_vocab");
            let default_assessment = sec.text_of("default_assessment");
            for cat in sec.list("category_list", "category") {
                let organ_system = cat.text_of("title");
                for ev in cat.list("event_list", "event") {
                    let term_el = ev.child("sub_title");
                    let term = term_el.and_then(El::value);
                    let stats: Vec<RawEventStat> = ev
                        .all("counts")
                        .map(|c| RawEventStat {
                            group_id: c.attr("group_id"),
                            num_affected: c.attr("subjects_affected"),
                            num_at_risk: c.attr("subjects_at_risk"),
                            num_events: c.attr("events"),
                        })
                        .collect();
                    if let Some(total_serious) = is_total(&term) {
                        for st in &stats {
                            let Some(gid) = &st.group_id else { continue };
                            if let Some(g) = r.event_groups.iter_mut().find(|g| g.id.as_ref().is_some_and(|i| i.text == gid.text)) {
                                if total_serious {
                                    g.serious_num_affected = st.num_affected.clone();
                                    g.serious_num_at_risk = st.num_at_risk.clone();
                                } else {
                                    g.other_num_affected = st.num_affected.clone();
                                    g.other_num_at_risk = st.num_at_risk.clone();
                                }
                            }
                        }
                        continue;
                    }
                    r.events.push(RawAdverseEvent {
                        serious,
                        organ_system: organ_system.clone(),
                        term,
                        source_vocabulary: term_el.and_then(|t| t.attr("vocab")).or_else(|| default_vocab.clone()),
                        assessment_type: ev.text_of("assessment").or_else(|| default_assessment.clone()),
                        notes: ev.text_of("description"),
                        stats,
                    });
                }
            }
        }
    }
    r
}

/// Reads a `<clinical_results>` element (`xml` is its text, from `<` of the start tag to the
/// end tag, starting on line `first_line`). Findings go to `findings`; `None` when it states
/// nothing or cannot be read (an ERROR finding says why).
pub(crate) fn read_xml(xml: &str, first_line: u32, findings: &mut Vec<Finding>) -> Option<Box<RawResults>> {
    match parse_tree(xml, first_line, findings) {
        Ok(root) => Some(Box::new(xml_section(&root))).filter(|r| !r.is_empty()),
        Err((line, e)) => {
            findings.push(Finding {
                severity: Severity::Error,
                field: Some("clinical_results".into()),
                line,
                message: format!("<clinical_results> could not be read ({e}); no results rows for this record"),
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::extract;

    #[test]
    fn a_module_of_the_wrong_shape_costs_only_itself() {
        let doc = r#"{"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}},
 "resultsSection": {
  "participantFlowModule": 5,
  "baselineCharacteristicsModule": {"groups": [{"id": "BG000", "title": "All"}], "measures": [
    {"title": "Age", "paramType": "MEAN", "classes": [{"categories": [{"measurements": [{"groupId": "BG000", "value": {"x": 1}}]}]}]}]}
 }}"#;
        let ex = extract("t.json", doc.as_bytes());
        let rec = &ex.records[0];
        let r = rec.results.as_deref().expect("results read");
        assert!(r.flow_groups.is_empty());
        assert_eq!(r.baseline_groups.len(), 1);
        let cell = &r.baseline_measures[0].classes[0].categories[0].measurements[0];
        assert_eq!(cell.group_id.as_ref().map(|g| g.line), Some(5));
        assert_eq!(cell.value, None);
        let lines: Vec<u32> = rec.findings.iter().map(|f| f.line).collect();
        assert_eq!(lines, vec![3, 5], "{:?}", rec.findings);
    }

    #[test]
    fn xml_totals_are_group_counts_not_events() {
        let doc = r#"<clinical_study><id_info><nct_id>NCT00000002</nct_id></id_info>
<clinical_results>
  <reported_events>
    <group_list><group group_id="E1"><title>Cells</title></group></group_list>
    <serious_events>
      <default_vocab>MedDRA 10</default_vocab>
      <default_assessment>Systematic Assessment</default_assessment>
      <category_list>
        <category><title>Total</title><event_list><event><sub_title>Total, serious adverse events</sub_title>
          <counts group_id="E1" subjects_affected="2" subjects_at_risk="10"/></event></event_list></category>
        <category><title>Cardiac disorders</title><event_list><event><sub_title>Arrhythmia &amp; more</sub_title>
          <counts group_id="E1" events="3" subjects_affected="2" subjects_at_risk="10"/></event></event_list></category>
      </category_list>
    </serious_events>
  </reported_events>
</clinical_results></clinical_study>"#;
        let ex = extract("t.xml", doc.as_bytes());
        let r = ex.records[0].results.as_deref().expect("results read");
        assert_eq!(r.event_groups[0].serious_num_affected.as_ref().map(|x| (x.text.as_str(), x.line)), Some(("2", 10)));
        assert_eq!(r.events.len(), 1);
        let e = &r.events[0];
        assert_eq!(e.term.as_ref().map(|t| (t.text.as_str(), t.line)), Some(("Arrhythmia & more", 11)));
        assert_eq!(e.source_vocabulary.as_ref().map(|t| t.text.as_str()), Some("MedDRA 10"));
        assert_eq!(e.stats[0].num_events.as_ref().map(|t| t.text.as_str()), Some("3"));
    }
}
