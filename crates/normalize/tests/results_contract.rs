//! Posted results: every real record with results, through extract and normalize, compared
//! value by value with the source's own structured values read independently here:
//! `serde_json::Value` walks for API v2 JSON (API v1 JSON is first respelled into the v2 key
//! names by a generic rule), and a small regex tokenizer for legacy XML. Every table, every
//! row, every column listed below; 0 mismatches.
//!
//! A second test reads the same posted results as API v2 JSON and as legacy XML (a pair built
//! from one real study, `fixtures/results_pair/`) and compares the six tables row by row.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use trialtables_extract::extract;
use trialtables_normalize::{normalize, NormalizeConfig, Normalized};

mod common;
use common::{contract_realdata as realdata, files_into as files};

// ---------------------------------------------------------------------------------------
// Flat rows: column -> text, for the expected and the produced rows alike.
// ---------------------------------------------------------------------------------------

type Row = BTreeMap<String, Option<String>>;

const TABLES: [&str; 6] =
    ["result_groups", "participant_flow", "baseline_measurements", "outcome_measurements", "outcome_analyses", "adverse_events"];

#[derive(Default, Debug)]
struct Rows {
    tables: BTreeMap<&'static str, Vec<Row>>,
}

impl Rows {
    fn push(&mut self, table: &'static str, row: Row) {
        self.tables.entry(table).or_default().push(row);
    }
}

fn num_text(v: f64) -> String {
    format!("{v}")
}

fn flat_value(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(match n.as_i64() {
            Some(i) => i.to_string(),
            None => num_text(n.as_f64().unwrap_or(f64::NAN)),
        }),
        Value::Array(a) => Some(a.iter().filter_map(flat_value).collect::<Vec<_>>().join("|")),
        Value::Object(_) => None,
    }
}

/// A produced row, flattened: `StatedNumber`s as `x`, `x_raw`, `x_comparator`; the measure
/// and the cell merged in (the measure's title as `measure_title`).
fn flatten(row: &impl serde::Serialize) -> Row {
    let mut out = Row::new();
    let Value::Object(o) = serde_json::to_value(row).unwrap() else { return out };
    for (k, v) in o {
        match &v {
            Value::Object(inner) if inner.contains_key("raw") && inner.contains_key("comparator") => {
                out.insert(k.clone(), flat_value(&inner["value"]));
                out.insert(format!("{k}_raw"), flat_value(&inner["raw"]));
                out.insert(format!("{k}_comparator"), flat_value(&inner["comparator"]));
            }
            Value::Object(_) => {
                for (ik, iv) in flatten(&v) {
                    let name = if k == "measure" && ik == "title" { "measure_title".to_string() } else { ik };
                    out.insert(name, iv);
                }
            }
            _ => {
                out.insert(k, flat_value(&v));
            }
        }
    }
    out
}

fn produced(n: &Normalized) -> Rows {
    let mut r = Rows::default();
    for x in &n.result_groups {
        r.push("result_groups", flatten(x));
    }
    for x in &n.participant_flow {
        r.push("participant_flow", flatten(x));
    }
    for x in &n.baseline_measurements {
        r.push("baseline_measurements", flatten(x));
    }
    for x in &n.outcome_measurements {
        r.push("outcome_measurements", flatten(x));
    }
    for x in &n.outcome_analyses {
        r.push("outcome_analyses", flatten(x));
    }
    for x in &n.adverse_events {
        r.push("adverse_events", flatten(x));
    }
    r
}

// ---------------------------------------------------------------------------------------
// Expected values, computed here from the source text.
// ---------------------------------------------------------------------------------------

/// (value, comparator) of a registry number, by this test's own reading.
fn want_number(raw: &Option<String>) -> (Option<String>, Option<String>) {
    let Some(t) = raw.as_deref().map(str::trim) else { return (None, None) };
    if ["NA", "NR", "N/A"].contains(&t) {
        return (None, None);
    }
    let (cmp, rest) = [("<=", "<="), (">=", ">="), ("≤", "<="), ("≥", ">="), ("<", "<"), (">", ">"), ("=", "")]
        .iter()
        .find_map(|(p, c)| t.strip_prefix(p).map(|r| (*c, r.trim())))
        .unwrap_or(("", t));
    let v: Option<f64> = rest.replace(',', "").parse().ok();
    match v {
        Some(v) => (Some(num_text(v)), Some(cmp.to_string()).filter(|c| !c.is_empty())),
        None => (None, None),
    }
}

fn want_count(raw: &Option<String>) -> Option<String> {
    raw.as_deref().and_then(|t| t.trim().replace(',', "").parse::<i64>().ok()).map(|v| v.to_string())
}

/// API v2 spelling of an enumerated value, by this test's own rule: words upper-cased and
/// joined by `_`; "95% Confidence Interval" -> CONFIDENCE_95; "2-Sided" -> TWO_SIDED.
fn want_enum(kind: &str, raw: &Option<String>) -> Option<String> {
    let t = raw.as_deref()?.trim();
    let words: Vec<String> =
        t.split(|c: char| !c.is_alphanumeric() && c != '.').filter(|w| !w.is_empty()).map(|w| w.to_uppercase()).collect();
    let mut k = words.join("_");
    if let Some(level) = t.strip_suffix("% Confidence Interval") {
        // API v2 names five levels; any other is CONFIDENCE_OTHER.
        let level = level.replace('.', "");
        k = if ["80", "90", "95", "975", "99"].contains(&level.as_str()) {
            format!("CONFIDENCE_{level}")
        } else {
            "CONFIDENCE_OTHER".to_string()
        };
    }
    k = k.replace('.', "");
    let k = match k.as_str() {
        "2_SIDED" => "TWO_SIDED".to_string(),
        "1_SIDED" => "ONE_SIDED".to_string(),
        "GEOMETRIC_COEFFICIENT_OF_VARIATION" => "GEOMETRIC_COEFFICIENT".to_string(),
        "STANDARD_ERROR_OF_THE_MEAN" => "STANDARD_ERROR_OF_MEAN".to_string(),
        _ => k,
    };
    let allowed: &[&str] = match kind {
        "outcome_type" => &["PRIMARY", "SECONDARY", "OTHER_PRE_SPECIFIED", "POST_HOC"],
        "param_type" => &[
            "GEOMETRIC_MEAN",
            "GEOMETRIC_LEAST_SQUARES_MEAN",
            "LEAST_SQUARES_MEAN",
            "LOG_MEAN",
            "MEAN",
            "MEDIAN",
            "NUMBER",
            "COUNT_OF_PARTICIPANTS",
            "COUNT_OF_UNITS",
        ],
        "dispersion_type" => &[
            "NA",
            "STANDARD_DEVIATION",
            "STANDARD_ERROR",
            "INTER_QUARTILE_RANGE",
            "FULL_RANGE",
            "CONFIDENCE_80",
            "CONFIDENCE_90",
            "CONFIDENCE_95",
            "CONFIDENCE_975",
            "CONFIDENCE_99",
            "CONFIDENCE_OTHER",
            "GEOMETRIC_COEFFICIENT",
        ],
        "analysis_dispersion_type" => &["STANDARD_DEVIATION", "STANDARD_ERROR_OF_MEAN"],
        "assessment_type" => &["SYSTEMATIC_ASSESSMENT", "NON_SYSTEMATIC_ASSESSMENT"],
        "ci_num_sides" => &["ONE_SIDED", "TWO_SIDED"],
        "non_inferiority_type" => &[
            "SUPERIORITY",
            "NON_INFERIORITY",
            "EQUIVALENCE",
            "OTHER",
            "NON_INFERIORITY_OR_EQUIVALENCE",
            "SUPERIORITY_OR_OTHER",
            "NON_INFERIORITY_OR_EQUIVALENCE_LEGACY",
            "SUPERIORITY_OR_OTHER_LEGACY",
        ],
        _ => &[],
    };
    allowed.contains(&k.as_str()).then_some(k)
}

fn norm_title(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn want_arm(arms: &[String], title: &Option<String>, groups: usize) -> Option<String> {
    if let Some(a) = title.as_deref().and_then(|t| arms.iter().find(|a| norm_title(a) == norm_title(t))) {
        return Some(a.clone());
    }
    match (arms, groups) {
        ([only], 1) => Some(only.clone()),
        _ => None,
    }
}

fn row(pairs: Vec<(&str, Option<String>)>) -> Row {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn number_cols(out: &mut Vec<(&'static str, Option<String>)>, names: [&'static str; 3], raw: Option<String>) {
    let (v, c) = want_number(&raw);
    out.push((names[0], v));
    out.push((names[1], raw));
    out.push((names[2], c));
}

/// The source, read into one neutral shape (JSON and XML alike), from which expected rows are
/// built. Text values only.
#[derive(Default, Clone)]
struct SGroup {
    id: Option<String>,
    title: Option<String>,
    description: Option<String>,
    totals: [Option<String>; 5],
}

#[derive(Default)]
struct SCell {
    group_id: Option<String>,
    value: Option<String>,
    spread: Option<String>,
    lower: Option<String>,
    upper: Option<String>,
    comment: Option<String>,
}

/// Denominator counts per group id.
type Denom = BTreeMap<String, String>;
/// (category title, cells).
type SCategory = (Option<String>, Vec<SCell>);
/// (class title, class denominator, categories).
type SClass = (Option<String>, Option<Denom>, Vec<SCategory>);
/// (kind, type, comment, [(group, count, comment)]).
type SFlowItem = (&'static str, Option<String>, Option<String>, Vec<[Option<String>; 3]>);

#[derive(Default)]
struct SMeasure {
    title: Option<String>,
    param: Option<String>,
    dispersion: Option<String>,
    unit: Option<String>,
    denom: Option<BTreeMap<String, String>>,
    /// (class title, class denominator, categories (title, cells)).
    classes: Vec<SClass>,
}

#[derive(Default)]
struct SAnalysis {
    group_ids: Vec<String>,
    fields: BTreeMap<&'static str, Option<String>>,
}

#[derive(Default)]
struct SOutcome {
    kind: Option<String>,
    title: Option<String>,
    time_frame: Option<String>,
    groups: Vec<SGroup>,
    measures: Vec<SMeasure>,
    analyses: Vec<SAnalysis>,
}

#[derive(Default)]
struct SEvent {
    serious: bool,
    organ_system: Option<String>,
    term: Option<String>,
    vocab: Option<String>,
    assessment: Option<String>,
    /// (group, affected, at risk, events)
    stats: Vec<[Option<String>; 4]>,
}

#[derive(Default)]
struct Source {
    arms: Vec<String>,
    flow_groups: Vec<SGroup>,
    /// (period title, [(kind, type, comment, [(group, count, comment)])])
    periods: Vec<(Option<String>, Vec<SFlowItem>)>,
    baseline_groups: Vec<SGroup>,
    baseline_denom: Option<BTreeMap<String, String>>,
    baseline_measures: Vec<SMeasure>,
    outcomes: Vec<SOutcome>,
    event_groups: Vec<SGroup>,
    events: Vec<SEvent>,
}

fn expected(src: &Source) -> Rows {
    let mut r = Rows::default();
    let groups = |r: &mut Rows, section: &str, oi: Option<usize>, gs: &[SGroup]| {
        let n_groups = gs.len();
        for (i, g) in gs.iter().enumerate() {
            let [sa, sr, oa, or, da] = g.totals.clone();
            r.push(
                "result_groups",
                row(vec![
                    ("section", Some(section.to_string())),
                    ("outcome_index", oi.map(|x| x.to_string())),
                    ("group_index", Some(i.to_string())),
                    ("group_id", g.id.clone()),
                    ("title", g.title.clone()),
                    ("description", g.description.clone()),
                    ("serious_num_affected", want_count(&sa)),
                    ("serious_num_at_risk", want_count(&sr)),
                    ("other_num_affected", want_count(&oa)),
                    ("other_num_at_risk", want_count(&or)),
                    ("deaths_num_affected", want_count(&da)),
                    ("arm_label", want_arm(&src.arms, &g.title, n_groups)),
                ]),
            );
        }
    };
    groups(&mut r, "PARTICIPANT_FLOW", None, &src.flow_groups);
    groups(&mut r, "BASELINE", None, &src.baseline_groups);
    for (oi, o) in src.outcomes.iter().enumerate() {
        groups(&mut r, "OUTCOME", Some(oi), &o.groups);
    }
    groups(&mut r, "ADVERSE_EVENTS", None, &src.event_groups);

    for (pi, (ptitle, items)) in src.periods.iter().enumerate() {
        let mut idx: BTreeMap<&str, usize> = BTreeMap::new();
        for (kind, ty, comment, counts) in items {
            let ii = *idx.entry(kind).and_modify(|i| *i += 1).or_insert(0);
            for [g, c, cc] in counts {
                r.push(
                    "participant_flow",
                    row(vec![
                        ("period_index", Some(pi.to_string())),
                        ("period_title", ptitle.clone()),
                        ("kind", Some(kind.to_string())),
                        ("item_index", Some(ii.to_string())),
                        ("item_type", ty.clone()),
                        ("group_id", g.clone()),
                        ("group_index", src.flow_groups.iter().position(|x| x.id == *g).map(|x| x.to_string())),
                        ("count", want_count(c)),
                        ("count_raw", c.clone()),
                        ("comment", cc.clone().or(comment.clone())),
                    ]),
                );
            }
        }
    }

    let cells = |m: &SMeasure, groups: &[SGroup], outer: &Option<BTreeMap<String, String>>| -> Vec<Vec<(&'static str, Option<String>)>> {
        let mut out = Vec::new();
        for (ci, (ctitle, cdenom, cats)) in m.classes.iter().enumerate() {
            let denom = cdenom.as_ref().or(m.denom.as_ref()).or(outer.as_ref());
            for (ki, (ktitle, xs)) in cats.iter().enumerate() {
                for x in xs {
                    let mut c = vec![
                        ("class_index", Some(ci.to_string())),
                        ("class_title", ctitle.clone()),
                        ("category_index", Some(ki.to_string())),
                        ("category_title", ktitle.clone()),
                        ("group_id", x.group_id.clone()),
                        ("group_index", groups.iter().position(|g| g.id == x.group_id).map(|i| i.to_string())),
                        ("comment", x.comment.clone()),
                        (
                            "num_analyzed",
                            x.group_id.as_ref().and_then(|g| denom.and_then(|d| d.get(g))).and_then(|v| want_count(&Some(v.clone()))),
                        ),
                    ];
                    number_cols(&mut c, ["value", "value_raw", "value_comparator"], x.value.clone());
                    number_cols(&mut c, ["spread", "spread_raw", "spread_comparator"], x.spread.clone());
                    number_cols(&mut c, ["lower_limit", "lower_limit_raw", "lower_limit_comparator"], x.lower.clone());
                    number_cols(&mut c, ["upper_limit", "upper_limit_raw", "upper_limit_comparator"], x.upper.clone());
                    out.push(c);
                }
            }
        }
        out
    };
    let measure_cols = |m: &SMeasure| {
        vec![
            ("measure_title", m.title.clone()),
            ("param_type", want_enum("param_type", &m.param)),
            ("dispersion_type", want_enum("dispersion_type", &m.dispersion)),
            ("unit", m.unit.clone()),
        ]
    };
    for (mi, m) in src.baseline_measures.iter().enumerate() {
        for c in cells(m, &src.baseline_groups, &src.baseline_denom) {
            let mut v = vec![("measure_index", Some(mi.to_string()))];
            v.extend(measure_cols(m));
            v.extend(c);
            r.push("baseline_measurements", row(v));
        }
    }
    for (oi, o) in src.outcomes.iter().enumerate() {
        for (mi, m) in o.measures.iter().enumerate() {
            for c in cells(m, &o.groups, &None) {
                let mut v = vec![
                    ("outcome_index", Some(oi.to_string())),
                    ("outcome_type", want_enum("outcome_type", &o.kind)),
                    ("outcome_title", o.title.clone()),
                    ("time_frame", o.time_frame.clone()),
                    ("measure_index", Some(mi.to_string())),
                ];
                v.extend(measure_cols(m));
                v.extend(c);
                r.push("outcome_measurements", row(v));
            }
        }
        for (ai, a) in o.analyses.iter().enumerate() {
            let f = |k: &str| a.fields.get(k).cloned().flatten();
            let mut v = vec![
                ("outcome_index", Some(oi.to_string())),
                ("analysis_index", Some(ai.to_string())),
                ("group_ids", Some(a.group_ids.join("|"))),
                ("group_description", f("group_description")),
                ("non_inferiority_type", want_enum("non_inferiority_type", &f("non_inferiority_type"))),
                ("statistical_method", f("statistical_method")),
                ("param_type", f("param_type")),
                ("ci_num_sides", want_enum("ci_num_sides", &f("ci_num_sides"))),
                ("estimate_comment", f("estimate_comment")),
                ("dispersion_type", want_enum("analysis_dispersion_type", &f("dispersion_type"))),
            ];
            number_cols(&mut v, ["p_value", "p_value_raw", "p_value_comparator"], f("p_value"));
            number_cols(&mut v, ["param_value", "param_value_raw", "param_value_comparator"], f("param_value"));
            number_cols(&mut v, ["ci_pct_value", "ci_pct_value_raw", "ci_pct_value_comparator"], f("ci_pct_value"));
            number_cols(&mut v, ["ci_lower_limit", "ci_lower_limit_raw", "ci_lower_limit_comparator"], f("ci_lower_limit"));
            number_cols(&mut v, ["ci_upper_limit", "ci_upper_limit_raw", "ci_upper_limit_comparator"], f("ci_upper_limit"));
            number_cols(&mut v, ["dispersion_value", "dispersion_value_raw", "dispersion_value_comparator"], f("dispersion_value"));
            r.push("outcome_analyses", row(v));
        }
    }
    for (ei, e) in src.events.iter().enumerate() {
        let base = vec![
            ("event_index", Some(ei.to_string())),
            ("event_type", Some(if e.serious { "SERIOUS" } else { "OTHER" }.to_string())),
            ("organ_system", e.organ_system.clone()),
            ("term", e.term.clone()),
            ("source_vocabulary", e.vocab.clone()),
            ("assessment_type", want_enum("assessment_type", &e.assessment)),
        ];
        if e.stats.is_empty() {
            let mut v = base.clone();
            v.push(("group_id", None));
            r.push("adverse_events", row(v));
        }
        for [g, a, k, n] in &e.stats {
            let mut v = base.clone();
            v.extend([
                ("group_id", g.clone()),
                ("group_index", src.event_groups.iter().position(|x| x.id == *g).map(|i| i.to_string())),
                ("num_affected", want_count(a)),
                ("num_at_risk", want_count(k)),
                ("num_events", want_count(n)),
            ]);
            r.push("adverse_events", row(v));
        }
    }
    r
}

// ---------------------------------------------------------------------------------------
// JSON source (API v2; API v1 respelled into v2 first).
// ---------------------------------------------------------------------------------------

/// jsonlite wraps every scalar (and some objects) in a one-element array.
fn un(v: &Value) -> &Value {
    match v {
        Value::Array(a) if a.len() == 1 => un(&a[0]),
        _ => v,
    }
}

fn js(v: &Value, key: &str) -> Option<String> {
    match un(un(v).get(key)?) {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn jl<'a>(v: &'a Value, key: &str) -> Vec<&'a Value> {
    match un(v).get(key) {
        Some(Value::Array(a)) => a.iter().map(un).collect(),
        Some(o @ Value::Object(_)) => vec![o],
        _ => Vec::new(),
    }
}

/// API v1 -> v2 key spelling by a generic rule: `XxxList: {"Xxx": [...]}` becomes the list,
/// and each key loses the longest known parent prefix ("FlowAchievementNumSubjects" ->
/// "numSubjects"); list names are given.
fn v1_to_v2(v: &Value) -> Value {
    const LISTS: &[(&str, &str)] = &[
        ("FlowGroupList", "groups"),
        ("FlowPeriodList", "periods"),
        ("FlowMilestoneList", "milestones"),
        ("FlowAchievementList", "achievements"),
        ("FlowDropWithdrawList", "dropWithdraws"),
        ("FlowReasonList", "reasons"),
        ("BaselineGroupList", "groups"),
        ("BaselineDenomList", "denoms"),
        ("BaselineDenomCountList", "counts"),
        ("BaselineMeasureList", "measures"),
        ("BaselineMeasureDenomList", "denoms"),
        ("BaselineMeasureDenomCountList", "counts"),
        ("BaselineClassList", "classes"),
        ("BaselineClassDenomList", "denoms"),
        ("BaselineClassDenomCountList", "counts"),
        ("BaselineCategoryList", "categories"),
        ("BaselineMeasurementList", "measurements"),
        ("OutcomeMeasureList", "outcomeMeasures"),
        ("OutcomeGroupList", "groups"),
        ("OutcomeDenomList", "denoms"),
        ("OutcomeDenomCountList", "counts"),
        ("OutcomeClassList", "classes"),
        ("OutcomeClassDenomList", "denoms"),
        ("OutcomeClassDenomCountList", "counts"),
        ("OutcomeCategoryList", "categories"),
        ("OutcomeMeasurementList", "measurements"),
        ("OutcomeAnalysisList", "analyses"),
        ("OutcomeAnalysisGroupIdList", "groupIds"),
        ("EventGroupList", "eventGroups"),
        ("SeriousEventList", "seriousEvents"),
        ("OtherEventList", "otherEvents"),
        ("SeriousEventStatsList", "stats"),
        ("OtherEventStatsList", "stats"),
    ];
    let mut prefixes = vec![
        "FlowGroup",
        "FlowPeriod",
        "FlowMilestone",
        "FlowAchievement",
        "FlowDropWithdraw",
        "FlowReason",
        "BaselineGroup",
        "BaselineDenomCount",
        "BaselineDenom",
        "BaselineMeasureDenomCount",
        "BaselineMeasureDenom",
        "BaselineMeasure",
        "BaselineClassDenomCount",
        "BaselineClassDenom",
        "BaselineClass",
        "BaselineCategory",
        "BaselineMeasurement",
        "Baseline",
        "OutcomeMeasure",
        "OutcomeGroup",
        "OutcomeDenomCount",
        "OutcomeDenom",
        "OutcomeClassDenomCount",
        "OutcomeClassDenom",
        "OutcomeClass",
        "OutcomeCategory",
        "OutcomeMeasurement",
        "OutcomeAnalysis",
        "EventGroup",
        "SeriousEventStats",
        "OtherEventStats",
        "SeriousEvent",
        "OtherEvent",
    ];
    prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
    match v {
        Value::Array(a) => Value::Array(a.iter().map(v1_to_v2).collect()),
        Value::Object(o) => {
            let mut out = serde_json::Map::new();
            for (k, val) in o {
                if let Some((_, name)) = LISTS.iter().find(|(l, _)| l == k) {
                    let inner = match val {
                        Value::Object(w) => w.values().next().cloned().unwrap_or(Value::Null),
                        other => other.clone(),
                    };
                    out.insert(name.to_string(), v1_to_v2(&inner));
                    continue;
                }
                let stem = if k.ends_with("Module") {
                    k.as_str()
                } else {
                    prefixes.iter().find_map(|p| k.strip_prefix(p).filter(|r| !r.is_empty())).unwrap_or(k)
                };
                let stem = stem.replace("CI", "Ci");
                let mut cs = stem.chars();
                let name = match cs.next() {
                    Some(c) => c.to_lowercase().collect::<String>() + cs.as_str(),
                    None => stem.clone(),
                };
                out.insert(name, v1_to_v2(val));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn j_group(g: &Value) -> SGroup {
    SGroup {
        id: js(g, "id"),
        title: js(g, "title"),
        description: js(g, "description"),
        totals: [
            js(g, "seriousNumAffected"),
            js(g, "seriousNumAtRisk"),
            js(g, "otherNumAffected"),
            js(g, "otherNumAtRisk"),
            js(g, "deathsNumAffected"),
        ],
    }
}

fn j_denom(v: &Value) -> Option<BTreeMap<String, String>> {
    let d = jl(v, "denoms").into_iter().next()?;
    Some(jl(d, "counts").iter().filter_map(|c| Some((js(c, "groupId")?, js(c, "value")?))).collect())
}

fn j_measure(m: &Value) -> SMeasure {
    SMeasure {
        title: js(m, "title"),
        param: js(m, "paramType"),
        dispersion: js(m, "dispersionType"),
        unit: js(m, "unitOfMeasure"),
        denom: j_denom(m),
        classes: jl(m, "classes")
            .iter()
            .map(|c| {
                (
                    js(c, "title"),
                    j_denom(c),
                    jl(c, "categories")
                        .iter()
                        .map(|k| {
                            (
                                js(k, "title"),
                                jl(k, "measurements")
                                    .iter()
                                    .map(|x| SCell {
                                        group_id: js(x, "groupId"),
                                        value: js(x, "value"),
                                        spread: js(x, "spread"),
                                        lower: js(x, "lowerLimit"),
                                        upper: js(x, "upperLimit"),
                                        comment: js(x, "comment"),
                                    })
                                    .collect(),
                            )
                        })
                        .collect(),
                )
            })
            .collect(),
    }
}

fn json_source(study: &Value, rs: &Value, arms: Vec<String>) -> Source {
    let _ = study;
    let mut s = Source { arms, ..Source::default() };
    if let Some(pf) = un(rs).get("participantFlowModule") {
        s.flow_groups = jl(pf, "groups").into_iter().map(j_group).collect();
        for p in jl(pf, "periods") {
            let mut items = Vec::new();
            for (kind, list, sub) in [("MILESTONE", "milestones", "achievements"), ("DROP_WITHDRAW", "dropWithdraws", "reasons")] {
                for m in jl(p, list) {
                    let counts = jl(m, sub).iter().map(|a| [js(a, "groupId"), js(a, "numSubjects"), js(a, "comment")]).collect();
                    items.push((kind, js(m, "type"), js(m, "comment"), counts));
                }
            }
            s.periods.push((js(p, "title"), items));
        }
    }
    if let Some(b) = un(rs).get("baselineCharacteristicsModule") {
        s.baseline_groups = jl(b, "groups").into_iter().map(j_group).collect();
        s.baseline_denom = j_denom(b);
        s.baseline_measures = jl(b, "measures").into_iter().map(j_measure).collect();
    }
    if let Some(o) = un(rs).get("outcomeMeasuresModule") {
        for m in jl(o, "outcomeMeasures") {
            let analyses = jl(m, "analyses")
                .iter()
                .map(|a| SAnalysis {
                    group_ids: jl(a, "groupIds").iter().filter_map(|g| un(g).as_str().map(|x| x.trim().to_string())).collect(),
                    fields: [
                        ("group_description", "groupDescription"),
                        ("non_inferiority_type", "nonInferiorityType"),
                        ("p_value", "pValue"),
                        ("statistical_method", "statisticalMethod"),
                        ("param_type", "paramType"),
                        ("param_value", "paramValue"),
                        ("ci_pct_value", "ciPctValue"),
                        ("ci_num_sides", "ciNumSides"),
                        ("ci_lower_limit", "ciLowerLimit"),
                        ("ci_upper_limit", "ciUpperLimit"),
                        ("estimate_comment", "estimateComment"),
                        ("dispersion_type", "dispersionType"),
                        ("dispersion_value", "dispersionValue"),
                    ]
                    .into_iter()
                    .map(|(k, j)| (k, js(a, j)))
                    .collect(),
                })
                .collect();
            s.outcomes.push(SOutcome {
                kind: js(m, "type"),
                title: js(m, "title"),
                time_frame: js(m, "timeFrame"),
                groups: jl(m, "groups").into_iter().map(j_group).collect(),
                measures: vec![j_measure(m)],
                analyses,
            });
        }
    }
    if let Some(a) = un(rs).get("adverseEventsModule") {
        s.event_groups = jl(a, "eventGroups").into_iter().map(j_group).collect();
        for (serious, list) in [(true, "seriousEvents"), (false, "otherEvents")] {
            for e in jl(a, list) {
                s.events.push(SEvent {
                    serious,
                    organ_system: js(e, "organSystem"),
                    term: js(e, "term"),
                    vocab: js(e, "sourceVocabulary"),
                    assessment: js(e, "assessmentType"),
                    stats: jl(e, "stats")
                        .iter()
                        .map(|x| [js(x, "groupId"), js(x, "numAffected"), js(x, "numAtRisk"), js(x, "numEvents")])
                        .collect(),
                });
            }
        }
    }
    s
}

// ---------------------------------------------------------------------------------------
// XML source: a regex tokenizer into a small tree.
// ---------------------------------------------------------------------------------------

#[derive(Default, Debug)]
struct X {
    name: String,
    attrs: BTreeMap<String, String>,
    text: String,
    kids: Vec<X>,
}

fn xml_unescape(s: &str) -> String {
    static RE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);").unwrap());
    if !s.contains('&') && !s.contains('\r') {
        return s.to_string();
    }
    RE.replace_all(s, |c: &regex::Captures<'_>| {
        let e = &c[1];
        match e {
            "lt" => "<".to_string(),
            "gt" => ">".to_string(),
            "amp" => "&".to_string(),
            "quot" => "\"".to_string(),
            "apos" => "'".to_string(),
            _ => {
                let n = if let Some(h) = e.strip_prefix("#x") { u32::from_str_radix(h, 16).ok() } else { e[1..].parse().ok() };
                n.and_then(char::from_u32).map(|c| c.to_string()).unwrap_or_default()
            }
        }
    })
    .replace("\r\n", "\n")
    .replace('\r', "\n")
}

fn xml_tree(doc: &str) -> X {
    let tag = regex::Regex::new(r#"(?s)<!--.*?-->|<\?.*?\?>|<!\[CDATA\[(.*?)\]\]>|<!.*?>|<(/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(/?)>"#).unwrap();
    let attr = regex::Regex::new(r#"([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')"#).unwrap();
    let mut stack = vec![X::default()];
    let mut last = 0;
    for c in tag.captures_iter(doc) {
        let m = c.get(0).unwrap();
        let between = &doc[last..m.start()];
        last = m.end();
        if let Some(top) = stack.last_mut() {
            top.text.push_str(&xml_unescape(between));
        }
        if let Some(cdata) = c.get(1) {
            stack.last_mut().unwrap().text.push_str(cdata.as_str());
            continue;
        }
        let Some(name) = c.get(3) else { continue };
        if &c[2] == "/" {
            let el = stack.pop().unwrap();
            stack.last_mut().unwrap().kids.push(el);
            continue;
        }
        let attrs = attr
            .captures_iter(c.get(4).map_or("", |a| a.as_str()))
            .map(|a| (a[1].to_string(), xml_unescape(a.get(2).or(a.get(3)).map_or("", |v| v.as_str()))))
            .collect();
        let el = X { name: name.as_str().to_string(), attrs, ..X::default() };
        if &c[5] == "/" {
            stack.last_mut().unwrap().kids.push(el);
        } else {
            stack.push(el);
        }
    }
    stack.into_iter().next().unwrap()
}

impl X {
    fn kid(&self, n: &str) -> Option<&X> {
        self.kids.iter().find(|k| k.name == n)
    }
    fn kids_named<'s>(&'s self, n: &'s str) -> impl Iterator<Item = &'s X> {
        self.kids.iter().filter(move |k| k.name == n)
    }
    fn under<'s>(&'s self, list: &'s str, item: &'s str) -> Vec<&'s X> {
        self.kids_named(list).flat_map(|l| l.kids_named(item)).collect()
    }
    fn t(&self, n: &str) -> Option<String> {
        self.kid(n).and_then(|k| Some(k.text.trim().to_string()).filter(|s| !s.is_empty()))
    }
    fn own(&self) -> Option<String> {
        Some(self.text.trim().to_string()).filter(|s| !s.is_empty())
    }
    fn a(&self, n: &str) -> Option<String> {
        self.attrs.get(n).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
    }
}

fn x_group(g: &X) -> SGroup {
    SGroup { id: g.a("group_id"), title: g.t("title"), description: g.t("description"), totals: Default::default() }
}

fn x_denom(v: &X) -> Option<BTreeMap<String, String>> {
    let d = v.under("analyzed_list", "analyzed").into_iter().next()?;
    Some(d.under("count_list", "count").iter().filter_map(|c| Some((c.a("group_id")?, c.a("value")?))).collect())
}

fn x_cats(parent: &X) -> Vec<(Option<String>, Vec<SCell>)> {
    parent
        .under("category_list", "category")
        .iter()
        .map(|k| {
            (
                k.t("title").or(k.t("sub_title")),
                k.under("measurement_list", "measurement")
                    .iter()
                    .map(|x| SCell {
                        group_id: x.a("group_id"),
                        value: x.a("value"),
                        spread: x.a("spread"),
                        lower: x.a("lower_limit"),
                        upper: x.a("upper_limit"),
                        comment: x.own(),
                    })
                    .collect(),
            )
        })
        .collect()
}

fn x_measure(m: &X) -> SMeasure {
    let mut classes: Vec<_> = m.under("class_list", "class").iter().map(|c| (c.t("title"), x_denom(c), x_cats(c))).collect();
    let direct = x_cats(m);
    if !direct.is_empty() {
        classes.push((None, None, direct));
    }
    SMeasure { title: m.t("title"), param: m.t("param"), dispersion: m.t("dispersion"), unit: m.t("units"), denom: x_denom(m), classes }
}

fn xml_source(study: &X, cr: &X) -> Source {
    let arms = study.kids_named("arm_group").filter_map(|a| a.t("arm_group_label")).collect();
    let mut s = Source { arms, ..Source::default() };
    if let Some(pf) = cr.kid("participant_flow") {
        s.flow_groups = pf.under("group_list", "group").into_iter().map(x_group).collect();
        for p in pf.under("period_list", "period") {
            let mut items = Vec::new();
            for (kind, list, item) in
                [("MILESTONE", "milestone_list", "milestone"), ("DROP_WITHDRAW", "drop_withdraw_reason_list", "drop_withdraw_reason")]
            {
                for m in p.under(list, item) {
                    let counts =
                        m.under("participants_list", "participants").iter().map(|a| [a.a("group_id"), a.a("count"), a.own()]).collect();
                    items.push((kind, m.t("title"), None, counts));
                }
            }
            s.periods.push((p.t("title"), items));
        }
    }
    if let Some(b) = cr.kid("baseline") {
        s.baseline_groups = b.under("group_list", "group").into_iter().map(x_group).collect();
        s.baseline_denom = x_denom(b);
        s.baseline_measures = b.under("measure_list", "measure").into_iter().map(x_measure).collect();
    }
    for o in cr.under("outcome_list", "outcome") {
        let mut measures: Vec<SMeasure> = o.kids_named("measure").map(x_measure).collect();
        measures.extend(o.under("measure_list", "measure").into_iter().map(x_measure));
        let analyses = o
            .under("analysis_list", "analysis")
            .iter()
            .map(|a| SAnalysis {
                group_ids: a.under("group_id_list", "group_id").iter().filter_map(|g| g.own()).collect(),
                fields: [
                    ("group_description", "groups_desc"),
                    ("non_inferiority_type", "non_inferiority_type"),
                    ("p_value", "p_value"),
                    ("statistical_method", "method"),
                    ("param_type", "param_type"),
                    ("param_value", "param_value"),
                    ("ci_pct_value", "ci_percent"),
                    ("ci_num_sides", "ci_n_sides"),
                    ("ci_lower_limit", "ci_lower_limit"),
                    ("ci_upper_limit", "ci_upper_limit"),
                    ("estimate_comment", "estimate_desc"),
                    ("dispersion_type", "dispersion_type"),
                    ("dispersion_value", "dispersion_value"),
                ]
                .into_iter()
                .map(|(k, x)| (k, a.t(x)))
                .collect(),
            })
            .collect();
        s.outcomes.push(SOutcome {
            kind: o.t("type"),
            title: o.t("title"),
            time_frame: o.t("time_frame"),
            groups: o.under("group_list", "group").into_iter().map(x_group).collect(),
            measures,
            analyses,
        });
    }
    if let Some(ae) = cr.kid("reported_events") {
        s.event_groups = ae.under("group_list", "group").into_iter().map(x_group).collect();
        for (serious, name) in [(true, "serious_events"), (false, "other_events")] {
            let Some(sec) = ae.kid(name) else { continue };
            for cat in sec.under("category_list", "category") {
                for ev in cat.under("event_list", "event") {
                    let term = ev.t("sub_title");
                    let counts: Vec<[Option<String>; 4]> = ev
                        .kids_named("counts")
                        .map(|c| [c.a("group_id"), c.a("subjects_affected"), c.a("subjects_at_risk"), c.a("events")])
                        .collect();
                    let lower = term.clone().unwrap_or_default().to_lowercase();
                    if lower.starts_with("total, serious adverse events") || lower.starts_with("total, other adverse events") {
                        for [g, a, r, _] in counts {
                            if let Some(grp) = s.event_groups.iter_mut().find(|x| x.id == g) {
                                let at = if serious { 0 } else { 2 };
                                grp.totals[at] = a;
                                grp.totals[at + 1] = r;
                            }
                        }
                        continue;
                    }
                    s.events.push(SEvent {
                        serious,
                        organ_system: cat.t("title"),
                        vocab: ev.kid("sub_title").and_then(|t| t.a("vocab")).or(sec.t("default_vocab")),
                        assessment: ev.t("assessment").or(sec.t("default_assessment")),
                        term,
                        stats: counts,
                    });
                }
            }
        }
    }
    s
}

// ---------------------------------------------------------------------------------------
// Comparison.
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    records: usize,
    checks: usize,
    rows: BTreeMap<&'static str, usize>,
    failures: Vec<String>,
    warnings: BTreeMap<String, usize>,
    warning_examples: Vec<String>,
}

impl Tally {
    /// Counts the findings the results step makes on a record (for the report).
    fn note_issues(&mut self, rec: &trialtables_extract::RawRecord, nct: &str) {
        for i in trialtables_normalize::results::results_rows(rec, nct).1 {
            let field = i.field.clone().unwrap_or_default();
            let n = self.warnings.entry(field).or_default();
            *n += 1;
            if *n == 1 {
                self.warning_examples.push(format!("{nct} line {}: {}", i.line, i.message));
            }
        }
    }

    /// Compares every expected column of every expected row; `skip` columns are not compared.
    fn compare(&mut self, id: &str, got: &Rows, want: &Rows, skip: &[&str]) {
        for t in TABLES {
            let g = got.tables.get(t).map(Vec::as_slice).unwrap_or(&[]);
            let w = want.tables.get(t).map(Vec::as_slice).unwrap_or(&[]);
            self.checks += 1;
            *self.rows.entry(t).or_default() += g.len();
            if g.len() != w.len() {
                self.failures.push(format!("{id} {t}: {} rows, source has {}", g.len(), w.len()));
                continue;
            }
            for (i, (gr, wr)) in g.iter().zip(w).enumerate() {
                for (k, wv) in wr {
                    if skip.contains(&k.as_str()) {
                        continue;
                    }
                    self.checks += 1;
                    let gv = gr.get(k).cloned().flatten();
                    if gv != *wv {
                        self.failures.push(format!("{id} {t}[{i}].{k}: got {gv:?}, source says {wv:?}"));
                    }
                }
            }
        }
    }
}

fn v2_arms(study: &Value) -> Vec<String> {
    let am = un(study).get("protocolSection").and_then(|p| un(p).get("armsInterventionsModule"));
    am.map(|a| jl(a, "armGroups").iter().filter_map(|g| js(g, "label")).collect()).unwrap_or_default()
}

fn v1_arms(study: &Value) -> Vec<String> {
    study
        .pointer("/ProtocolSection/ArmsInterventionsModule/ArmGroupList/ArmGroup")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|g| js(g, "ArmGroupLabel")).collect())
        .unwrap_or_default()
}

fn json_studies(doc: &Value) -> Vec<&Value> {
    match doc {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) if o.contains_key("studies") => match &o["studies"] {
            Value::Array(a) => a.iter().collect(),
            _ => Vec::new(),
        },
        Value::Object(o) if o.contains_key("FullStudy") => vec![&o["FullStudy"]["Study"]],
        Value::Object(_) => vec![doc],
        _ => Vec::new(),
    }
}

#[test]
fn results_tables_match_the_source_value_by_value() {
    let cfg = NormalizeConfig::default();
    let mut t = Tally::default();
    let (mut n_v2, mut n_v1, mut n_xml) = (0, 0, 0);
    let mut paths = Vec::new();
    files(&realdata(), "json", &mut paths);
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        let Ok(doc) = serde_json::from_slice::<Value>(&bytes) else { continue };
        let src = json_studies(&doc);
        let ex = extract(&path.to_string_lossy(), &bytes);
        if ex.records.len() != src.len() {
            continue; // not a study document this test knows (the contract test covers those)
        }
        for (rec, st) in ex.records.iter().zip(src) {
            let (source, v1) = if let Some(rs) = un(st).get("resultsSection") {
                (json_source(st, rs, v2_arms(st)), false)
            } else if let Some(rs) = st.get("ResultsSection") {
                (json_source(st, &v1_to_v2(rs), v1_arms(st)), true)
            } else {
                assert!(rec.results.is_none(), "{}: results read where the source has none", path.display());
                continue;
            };
            let n = normalize(rec, &cfg);
            t.note_issues(rec, &n.trial.nct_id);
            t.records += 1;
            if v1 {
                n_v1 += 1;
            } else {
                n_v2 += 1;
            }
            t.compare(&format!("{} {}", path.display(), n.trial.nct_id), &produced(&n), &expected(&source), &[]);
        }
    }
    let mut xml_paths = Vec::new();
    files(&realdata(), "xml", &mut xml_paths);
    for path in &xml_paths {
        let bytes = std::fs::read(path).unwrap();
        let doc = String::from_utf8_lossy(&bytes).to_string();
        if !doc.contains("<clinical_results>") {
            continue;
        }
        let tree = xml_tree(&doc);
        let Some(study) = tree.kid("clinical_study") else { continue };
        let Some(cr) = study.kid("clinical_results") else { continue };
        let ex = extract(&path.to_string_lossy(), &bytes);
        assert_eq!(ex.records.len(), 1, "{}", path.display());
        let n = normalize(&ex.records[0], &cfg);
        t.note_issues(&ex.records[0], &n.trial.nct_id);
        t.records += 1;
        n_xml += 1;
        t.compare(&format!("{} {}", path.display(), n.trial.nct_id), &produced(&n), &expected(&xml_source(study, cr)), &[]);
    }
    println!(
        "results: {} records ({n_v2} API v2, {n_v1} API v1, {n_xml} XML), {} value checks, {} mismatches",
        t.records,
        t.checks,
        t.failures.len()
    );
    for (table, rows) in &t.rows {
        println!("  {table}: {rows} rows");
    }
    println!("results findings (WARNING, by field): {:?}", t.warnings);
    for e in &t.warning_examples {
        println!("  e.g. {e}");
    }
    for f in t.failures.iter().take(60) {
        println!("  {f}");
    }
    let full = realdata().ends_with("shared/realdata");
    if full {
        assert!(n_v2 >= 70 && n_v1 >= 5 && n_xml >= 320, "records with results: {n_v2} v2, {n_v1} v1, {n_xml} XML");
    }
    for table in TABLES {
        assert!(t.rows.get(table).copied().unwrap_or(0) > 0, "no rows in {table}");
    }
    assert!(t.failures.is_empty(), "{} mismatches (first: {:?})", t.failures.len(), t.failures.first());
}

/// A group id without its form's spelling: "FG001" (API JSON, 0-based) and "P2" (XML,
/// 1-based) both become "1".
fn canonical_group(id: &str) -> String {
    let letters = id.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    let n: Option<i64> = id.get(letters..).and_then(|d| d.parse().ok());
    match (letters, n) {
        (2, Some(n)) => n.to_string(),
        (1, Some(n)) => (n - 1).to_string(),
        _ => id.to_string(),
    }
}

fn without_spelling(mut rows: Rows) -> Rows {
    for rs in rows.tables.values_mut() {
        for r in rs.iter_mut() {
            for k in ["group_id", "group_ids"] {
                if let Some(Some(v)) = r.get(k).cloned() {
                    r.insert(k.to_string(), Some(v.split('|').map(canonical_group).collect::<Vec<_>>().join("|")));
                }
            }
            // Deaths are stated only by API JSON.
            r.remove("deaths_num_affected");
            r.remove("deaths_num_at_risk");
        }
    }
    rows
}

#[test]
fn json_and_xml_of_the_same_posted_results_give_the_same_rows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/results_pair");
    let cfg = NormalizeConfig::default();
    let read = |name: &str| {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).unwrap();
        let ex = extract(&path.to_string_lossy(), &bytes);
        assert_eq!((ex.records.len(), ex.issues.len()), (1, 0), "{name}: {:?}", ex.issues);
        let n = normalize(&ex.records[0], &cfg);
        assert!(n.issues.iter().all(|i| !i.field.as_deref().unwrap_or("").contains("group")), "{name}: {:?}", n.issues);
        without_spelling(produced(&n))
    };
    let json = read("NCT02210780.json");
    let xml = read("NCT02210780.xml");
    let mut t = Tally::default();
    t.compare("json vs xml", &xml, &json, &[]);
    // Both directions: every column of every row.
    let mut back = Tally::default();
    back.compare("xml vs json", &json, &xml, &[]);
    println!("pair: {} value checks, {} + {} mismatches", t.checks + back.checks, t.failures.len(), back.failures.len());
    for (table, rows) in &t.rows {
        println!("  {table}: {rows} rows");
    }
    for f in t.failures.iter().chain(&back.failures).take(40) {
        println!("  {f}");
    }
    for table in TABLES {
        assert!(t.rows.get(table).copied().unwrap_or(0) > 0, "no rows in {table}");
    }
    assert!(t.failures.is_empty() && back.failures.is_empty(), "{} mismatches", t.failures.len() + back.failures.len());
}
