//! Posted results -> the six results tables (`result_groups`, `participant_flow`,
//! `baseline_measurements`, `outcome_measurements`, `outcome_analyses`, `adverse_events`).
//!
//! Why it exists: results are stated in three spellings (API v2, API v1, legacy XML) with
//! numbers written as text ("NA", "<0.001", "5,800", "0.05 or less"). This module gives each
//! number its value next to the text as stated and a comparator for a bound, maps every
//! enumerated field to its API v2 spelling whatever the form ("Standard Deviation" ->
//! STANDARD_DEVIATION), ties each cell to its group's position, and links groups to protocol
//! arms. Nothing is invented: an unreadable number is null with a WARNING naming the text, an
//! unknown spelling is null with a WARNING, a group id no group states is kept with a null
//! position and a WARNING.

use std::collections::BTreeMap;

use crate::model::*;
use trialtables_extract::results::{RawDenom, RawMeasure, RawResultGroup, RawResults};
use trialtables_extract::{Raw, RawRecord, Severity};

/// A number read from registry text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParsedNumber {
    /// The number, or the bound of "<0.001"; `None` for "NA" and unreadable text.
    pub value: Option<f64>,
    /// `<`, `<=`, `>`, `>=` for a bound; `None` for a plain number.
    pub comparator: Option<&'static str>,
    /// False when the text is neither a number nor a known "no value" marker ("NA", "NR").
    pub readable: bool,
}

/// Texts the registry writes for "no value".
const NO_VALUE: &[&str] = &["na", "n/a", "nr", "not applicable", "not available", "not reported"];

fn plain_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let (sign, digits) = match s.strip_prefix('-').or_else(|| s.strip_prefix('\u{2212}')) {
        Some(rest) => (-1.0, rest.trim_start()),
        None => (1.0, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() {
        return None;
    }
    // Thousands separators: "5,800", "31,100.5" (groups of exactly three digits).
    let cleaned: String = if digits.contains(',') {
        let (int, frac) = digits.split_once('.').map_or((digits, None), |(a, b)| (a, Some(b)));
        let mut groups = int.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut out = first.to_string();
        for g in groups {
            if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            out.push_str(g);
        }
        if let Some(f) = frac {
            out.push('.');
            out.push_str(f);
        }
        out
    } else {
        digits.to_string()
    };
    // Only digits, one point and an exponent: no "inf", "nan", hex or spaces.
    let b = cleaned.as_bytes();
    let mut i = 0;
    let mut mantissa_digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        mantissa_digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            mantissa_digits += 1;
        }
    }
    if mantissa_digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let v: f64 = cleaned.parse().ok()?;
    v.is_finite().then_some(sign * v)
}

/// Reads a number as the registry states it: "12.5", "-3", "5,800", "1.2E-5", "NA",
/// "<0.001", "≥ 2", "p<0.05", "=0.247", "0.05 or less". Never invents a value.
pub fn parse_number(text: &str) -> ParsedNumber {
    let t = text.trim();
    if NO_VALUE.iter().any(|m| t.eq_ignore_ascii_case(m)) {
        return ParsedNumber { value: None, comparator: None, readable: true };
    }
    let unreadable = ParsedNumber { value: None, comparator: None, readable: false };
    let lower = t.to_lowercase();
    let mut rest: &str = &lower;
    // "p < 0.05", "P=0.03"
    if let Some(r) = rest.strip_prefix('p') {
        let r = r.trim_start();
        if r.starts_with(['<', '>', '=', '≤', '≥']) {
            rest = r;
        }
    }
    const PREFIXES: &[(&str, Option<&str>)] = &[
        ("less than or equal to", Some("<=")),
        ("greater than or equal to", Some(">=")),
        ("less than", Some("<")),
        ("greater than", Some(">")),
        ("<=", Some("<=")),
        ("=<", Some("<=")),
        ("≤", Some("<=")),
        (">=", Some(">=")),
        ("=>", Some(">=")),
        ("≥", Some(">=")),
        ("<", Some("<")),
        (">", Some(">")),
        ("=", None),
    ];
    const SUFFIXES: &[(&str, &str)] =
        &[("or less", "<="), ("or lower", "<="), ("or fewer", "<="), ("or more", ">="), ("or greater", ">="), ("or higher", ">=")];
    let mut comparator = None;
    let mut had_prefix = false;
    for (p, c) in PREFIXES {
        if let Some(r) = rest.strip_prefix(p) {
            comparator = *c;
            rest = r.trim_start();
            had_prefix = true;
            break;
        }
    }
    if !had_prefix {
        for (s, c) in SUFFIXES {
            if let Some(r) = rest.strip_suffix(s) {
                comparator = Some(*c);
                rest = r.trim_end();
                break;
            }
        }
    }
    match plain_number(rest) {
        Some(v) => ParsedNumber { value: Some(v), comparator, readable: true },
        None => unreadable,
    }
}

/// A count stated as something other than a whole number ("2.5", "<5", "many").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotACount;

/// Reads a count ("12", "1,024"); `Ok(None)` for a "no value" marker, `Err` for anything
/// that is not a whole number.
pub fn parse_count(text: &str) -> Result<Option<i64>, NotACount> {
    let p = parse_number(text);
    match (p.value, p.comparator, p.readable) {
        (None, _, true) => Ok(None),
        (Some(v), None, true) if v.fract() == 0.0 && v.abs() < 9.0e15 => Ok(Some(v as i64)),
        _ => Err(NotACount),
    }
}

/// Upper snake case of a spelling ("Non-systematic Assessment" -> NON_SYSTEMATIC_ASSESSMENT).
fn key(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_uppercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

fn known(k: &str, list: &'static [&'static str]) -> Option<&'static str> {
    list.iter().copied().find(|v| *v == k)
}

/// Outcome type (API v2 spelling).
pub fn outcome_type(s: &str) -> Option<&'static str> {
    let k = key(s);
    known(&k, &["PRIMARY", "SECONDARY", "OTHER_PRE_SPECIFIED", "POST_HOC"])
}

/// Measure type (API v2 `paramType`).
pub fn param_type(s: &str) -> Option<&'static str> {
    let k = key(s);
    known(
        &k,
        &[
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
    )
}

/// Dispersion type (API v2 `dispersionType`); XML "95% Confidence Interval" -> CONFIDENCE_95.
pub fn dispersion_type(s: &str) -> Option<&'static str> {
    let k = key(s);
    let k = match k.as_str() {
        "GEOMETRIC_COEFFICIENT_OF_VARIATION" => "GEOMETRIC_COEFFICIENT".to_string(),
        "NOT_APPLICABLE" => "NA".to_string(),
        _ => {
            if let Some(level) = k.strip_suffix("_CONFIDENCE_INTERVAL") {
                // The registry files a level other than 80/90/95/97.5/99 as "other".
                match level.replace('_', "").as_str() {
                    l @ ("80" | "90" | "95" | "975" | "99") => format!("CONFIDENCE_{l}"),
                    _ => "CONFIDENCE_OTHER".to_string(),
                }
            } else if k.starts_with("OTHER_CONFIDENCE_INTERVAL") {
                "CONFIDENCE_OTHER".to_string()
            } else {
                k
            }
        }
    };
    known(
        &k,
        &[
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
    )
}

/// Dispersion type of an analysis estimate (API v2 `AnalysisDispersionType`).
pub fn analysis_dispersion_type(s: &str) -> Option<&'static str> {
    match key(s).as_str() {
        "STANDARD_DEVIATION" => Some("STANDARD_DEVIATION"),
        "STANDARD_ERROR_OF_MEAN" | "STANDARD_ERROR_OF_THE_MEAN" => Some("STANDARD_ERROR_OF_MEAN"),
        _ => None,
    }
}

/// Adverse event assessment type.
pub fn assessment_type(s: &str) -> Option<&'static str> {
    known(&key(s), &["SYSTEMATIC_ASSESSMENT", "NON_SYSTEMATIC_ASSESSMENT"])
}

/// Confidence interval sides: XML "2-Sided" -> TWO_SIDED.
pub fn ci_num_sides(s: &str) -> Option<&'static str> {
    match key(s).as_str() {
        "ONE_SIDED" | "1_SIDED" => Some("ONE_SIDED"),
        "TWO_SIDED" | "2_SIDED" => Some("TWO_SIDED"),
        _ => None,
    }
}

/// Non-inferiority type (API v2 spelling).
pub fn non_inferiority_type(s: &str) -> Option<&'static str> {
    known(
        &key(s),
        &[
            "SUPERIORITY",
            "NON_INFERIORITY",
            "EQUIVALENCE",
            "OTHER",
            "NON_INFERIORITY_OR_EQUIVALENCE",
            "SUPERIORITY_OR_OTHER",
            "NON_INFERIORITY_OR_EQUIVALENCE_LEGACY",
            "SUPERIORITY_OR_OTHER_LEGACY",
        ],
    )
}

/// The rows of the six results tables of one record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultRows {
    /// `result_groups`.
    pub groups: Vec<ResultGroup>,
    /// `participant_flow`.
    pub flow: Vec<ParticipantFlow>,
    /// `baseline_measurements`.
    pub baseline: Vec<BaselineMeasurement>,
    /// `outcome_measurements`.
    pub outcomes: Vec<OutcomeMeasurement>,
    /// `outcome_analyses`.
    pub analyses: Vec<OutcomeAnalysis>,
    /// `adverse_events`.
    pub events: Vec<AdverseEvent>,
}

struct Cx<'a> {
    raw: &'a RawRecord,
    nct: &'a str,
    issues: Vec<RecordIssue>,
    /// The arms' labels as [`norm_title`] compares them, made on first use.
    arm_titles: std::cell::OnceCell<Vec<String>>,
}

fn text(r: &Option<Raw>) -> Option<String> {
    r.as_ref().map(|r| r.text.clone())
}

fn norm_title(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl Cx<'_> {
    fn warn(&mut self, field: &str, line: u32, message: String, raw_value: Option<&str>) {
        self.issues.push(RecordIssue {
            source_path: self.raw.source_path.clone(),
            line: line as i64,
            nct_id: Some(self.nct.to_string()).filter(|s| !s.is_empty()),
            severity: Severity::Warning,
            field: Some(field.to_string()),
            message,
            raw_value: raw_value.map(str::to_string),
        });
    }

    fn number(&mut self, field: &str, r: &Option<Raw>) -> StatedNumber {
        let Some(r) = r else { return StatedNumber::default() };
        let p = parse_number(&r.text);
        if !p.readable {
            self.warn(field, r.line, format!("{field}: {:?} is not a number; left null", r.text), Some(&r.text));
        }
        StatedNumber { value: p.value, raw: Some(r.text.clone()), comparator: p.comparator.map(str::to_string) }
    }

    fn count(&mut self, field: &str, r: &Option<Raw>) -> Option<i64> {
        let r = r.as_ref()?;
        match parse_count(&r.text) {
            Ok(v) => v,
            Err(NotACount) => {
                self.warn(field, r.line, format!("{field}: {:?} is not a whole number; left null", r.text), Some(&r.text));
                None
            }
        }
    }

    fn en(&mut self, field: &str, r: &Option<Raw>, f: fn(&str) -> Option<&'static str>) -> Option<String> {
        let r = r.as_ref()?;
        match f(&r.text) {
            Some(v) => Some(v.to_string()),
            None => {
                self.warn(field, r.line, format!("{field}: value {:?} is not a known spelling; left null", r.text), Some(&r.text));
                None
            }
        }
    }

    /// Position of a group id among `groups`; a WARNING when it is not one of them.
    fn group_index(&mut self, field: &str, groups: &[RawResultGroup], id: &Option<Raw>) -> Option<i64> {
        let id = id.as_ref()?;
        match groups.iter().position(|g| g.id.as_ref().is_some_and(|g| g.text == id.text)) {
            Some(i) => Some(i as i64),
            None => {
                self.warn(field, id.line, format!("{field}: group id {:?} is not one of the section's groups", id.text), Some(&id.text));
                None
            }
        }
    }

    /// Counts per group of the first denominator (the registry lists participants first).
    fn denom(&mut self, field: &str, denoms: &[RawDenom]) -> Option<BTreeMap<String, Option<i64>>> {
        let d = denoms.first()?;
        let mut m = BTreeMap::new();
        for c in &d.counts {
            let Some(g) = &c.group_id else { continue };
            let v = self.count(field, &c.value);
            m.insert(g.text.clone(), v);
        }
        Some(m)
    }

    /// The protocol arm a results group is: the first arm whose label equals the group's
    /// title (case and spacing ignored), else the only arm of a trial whose section has one
    /// group. Returns the label and how it was matched (TITLE / ONLY_ARM).
    fn arm_of(&self, title: &Option<Raw>, groups_in_section: usize) -> Option<(String, &'static str)> {
        let arms = &self.raw.arms;
        if let Some(t) = title.as_ref().map(|t| norm_title(&t.text)) {
            let titles = self.arm_titles.get_or_init(|| arms.iter().map(|a| norm_title(&a.label.text)).collect());
            if let Some(a) = arms.iter().zip(titles).find(|(_, at)| **at == t).map(|(a, _)| a) {
                return Some((a.label.text.clone(), "TITLE"));
            }
        }
        match (arms.as_slice(), groups_in_section) {
            ([only], 1) => Some((only.label.text.clone(), "ONLY_ARM")),
            _ => None,
        }
    }

    fn group_rows(&mut self, out: &mut Vec<ResultGroup>, section: &str, outcome_index: Option<i64>, groups: &[RawResultGroup]) {
        for (i, g) in groups.iter().enumerate() {
            let row = ResultGroup {
                nct_id: self.nct.to_string(),
                section: section.to_string(),
                outcome_index,
                group_index: i as i64,
                group_id: text(&g.id),
                title: text(&g.title),
                description: text(&g.description),
                serious_num_affected: self.count("serious_num_affected", &g.serious_num_affected),
                serious_num_at_risk: self.count("serious_num_at_risk", &g.serious_num_at_risk),
                other_num_affected: self.count("other_num_affected", &g.other_num_affected),
                other_num_at_risk: self.count("other_num_at_risk", &g.other_num_at_risk),
                deaths_num_affected: self.count("deaths_num_affected", &g.deaths_num_affected),
                deaths_num_at_risk: self.count("deaths_num_at_risk", &g.deaths_num_at_risk),
                arm_label: None,
                arm_match: None,
            };
            let row = match self.arm_of(&g.title, groups.len()) {
                Some((label, how)) => ResultGroup { arm_label: Some(label), arm_match: Some(how.to_string()), ..row },
                None => row,
            };
            out.push(row);
        }
    }

    fn measure_info(&mut self, m: &RawMeasure) -> MeasureInfo {
        MeasureInfo {
            title: text(&m.title),
            description: text(&m.description),
            population_description: text(&m.population_description),
            param_type: self.en("param_type", &m.param_type, param_type),
            dispersion_type: self.en("dispersion_type", &m.dispersion_type, dispersion_type),
            unit: text(&m.unit),
        }
    }

    /// The cells of a measure; `outer` is the denominator above the measure (baseline: the
    /// section's).
    fn cells(&mut self, m: &RawMeasure, groups: &[RawResultGroup], outer: &Option<BTreeMap<String, Option<i64>>>) -> Vec<MeasureCell> {
        let measure_denom = self.denom("num_analyzed", &m.denoms);
        let mut out = Vec::new();
        for (ci, class) in m.classes.iter().enumerate() {
            let class_denom = self.denom("num_analyzed", &class.denoms);
            let denom = class_denom.as_ref().or(measure_denom.as_ref()).or(outer.as_ref());
            for (ki, cat) in class.categories.iter().enumerate() {
                for x in &cat.measurements {
                    let group_index = self.group_index("group_id", groups, &x.group_id);
                    let num_analyzed = x.group_id.as_ref().and_then(|g| denom.and_then(|d| d.get(&g.text).copied().flatten()));
                    out.push(MeasureCell {
                        class_index: ci as i64,
                        class_title: text(&class.title),
                        category_index: ki as i64,
                        category_title: text(&cat.title),
                        group_index,
                        group_id: text(&x.group_id),
                        value: self.number("value", &x.value),
                        spread: self.number("spread", &x.spread),
                        lower_limit: self.number("lower_limit", &x.lower_limit),
                        upper_limit: self.number("upper_limit", &x.upper_limit),
                        num_analyzed,
                        comment: text(&x.comment),
                    });
                }
            }
        }
        out
    }

    fn all(&mut self, r: &RawResults) -> ResultRows {
        let mut rows = ResultRows::default();
        let nct = self.nct.to_string();
        self.group_rows(&mut rows.groups, "PARTICIPANT_FLOW", None, &r.flow_groups);
        self.group_rows(&mut rows.groups, "BASELINE", None, &r.baseline_groups);
        for (oi, o) in r.outcomes.iter().enumerate() {
            self.group_rows(&mut rows.groups, "OUTCOME", Some(oi as i64), &o.groups);
        }
        self.group_rows(&mut rows.groups, "ADVERSE_EVENTS", None, &r.event_groups);

        for (pi, p) in r.flow_periods.iter().enumerate() {
            for (kind, items) in [("MILESTONE", &p.milestones), ("DROP_WITHDRAW", &p.drop_withdraws)] {
                for (ii, item) in items.iter().enumerate() {
                    for c in &item.counts {
                        let group_index = self.group_index("group_id", &r.flow_groups, &c.group_id);
                        let count = self.count("count", &c.value);
                        rows.flow.push(ParticipantFlow {
                            nct_id: nct.clone(),
                            period_index: pi as i64,
                            period_title: text(&p.title),
                            kind: kind.to_string(),
                            item_index: ii as i64,
                            item_type: text(&item.item_type),
                            group_index,
                            group_id: text(&c.group_id),
                            count,
                            count_raw: text(&c.value),
                            comment: text(&c.comment).or_else(|| text(&item.comment)),
                        });
                    }
                }
            }
        }

        let section_denom = self.denom("num_analyzed", &r.baseline_denoms);
        for (mi, m) in r.baseline_measures.iter().enumerate() {
            let mut info = self.measure_info(m);
            if info.population_description.is_none() {
                info.population_description = text(&r.baseline_population);
            }
            for cell in self.cells(m, &r.baseline_groups, &section_denom) {
                rows.baseline.push(BaselineMeasurement { nct_id: nct.clone(), measure_index: mi as i64, measure: info.clone(), cell });
            }
        }

        for (oi, o) in r.outcomes.iter().enumerate() {
            let otype = self.en("outcome_type", &o.outcome_type, outcome_type);
            for (mi, m) in o.measures.iter().enumerate() {
                let mut info = self.measure_info(m);
                if info.description.is_none() {
                    info.description = text(&o.description);
                }
                if info.population_description.is_none() {
                    info.population_description = text(&o.population_description);
                }
                for cell in self.cells(m, &o.groups, &None) {
                    rows.outcomes.push(OutcomeMeasurement {
                        nct_id: nct.clone(),
                        outcome_index: oi as i64,
                        outcome_type: otype.clone(),
                        outcome_title: text(&o.title),
                        time_frame: text(&o.time_frame),
                        measure_index: mi as i64,
                        measure: info.clone(),
                        cell,
                    });
                }
            }
            for (ai, a) in o.analyses.iter().enumerate() {
                for g in &a.group_ids {
                    self.group_index("analysis_group_ids", &o.groups, &Some(g.clone()));
                }
                rows.analyses.push(OutcomeAnalysis {
                    nct_id: nct.clone(),
                    outcome_index: oi as i64,
                    analysis_index: ai as i64,
                    group_ids: a.group_ids.iter().map(|g| g.text.clone()).collect(),
                    group_description: text(&a.group_description),
                    non_inferiority_type: self.en("non_inferiority_type", &a.non_inferiority_type, non_inferiority_type),
                    p_value: self.number("p_value", &a.p_value),
                    statistical_method: text(&a.statistical_method),
                    param_type: text(&a.param_type),
                    param_value: self.number("param_value", &a.param_value),
                    ci_pct_value: self.number("ci_pct_value", &a.ci_pct_value),
                    ci_num_sides: self.en("ci_num_sides", &a.ci_num_sides, ci_num_sides),
                    ci_lower_limit: self.number("ci_lower_limit", &a.ci_lower_limit),
                    ci_upper_limit: self.number("ci_upper_limit", &a.ci_upper_limit),
                    estimate_comment: text(&a.estimate_comment),
                    dispersion_type: self.en("analysis_dispersion_type", &a.dispersion_type, analysis_dispersion_type),
                    dispersion_value: self.number("dispersion_value", &a.dispersion_value),
                });
            }
        }

        for (ei, e) in r.events.iter().enumerate() {
            let base = AdverseEvent {
                nct_id: nct.clone(),
                event_index: ei as i64,
                event_type: if e.serious { "SERIOUS" } else { "OTHER" }.to_string(),
                organ_system: text(&e.organ_system),
                term: text(&e.term),
                source_vocabulary: text(&e.source_vocabulary),
                assessment_type: self.en("assessment_type", &e.assessment_type, assessment_type),
                notes: text(&e.notes),
                ..AdverseEvent::default()
            };
            if e.stats.is_empty() {
                rows.events.push(base);
                continue;
            }
            for st in &e.stats {
                rows.events.push(AdverseEvent {
                    group_index: self.group_index("group_id", &r.event_groups, &st.group_id),
                    group_id: text(&st.group_id),
                    num_affected: self.count("num_affected", &st.num_affected),
                    num_at_risk: self.count("num_at_risk", &st.num_at_risk),
                    num_events: self.count("num_events", &st.num_events),
                    ..base.clone()
                });
            }
        }
        rows
    }
}

/// The results rows of one record (empty when it has no posted results), and the findings
/// made on the way.
pub fn results_rows(raw: &RawRecord, nct: &str) -> (ResultRows, Vec<RecordIssue>) {
    let Some(r) = raw.results.as_deref() else { return (ResultRows::default(), Vec::new()) };
    let mut cx = Cx { raw, nct, issues: Vec::new(), arm_titles: std::cell::OnceCell::new() };
    let rows = cx.all(r);
    (rows, cx.issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_stated() {
        let p = |s: &str| parse_number(s);
        assert_eq!(p("12.5"), ParsedNumber { value: Some(12.5), comparator: None, readable: true });
        assert_eq!(p("NA"), ParsedNumber { value: None, comparator: None, readable: true });
        assert_eq!(p("NR").value, None);
        assert_eq!(p("<0.001"), ParsedNumber { value: Some(0.001), comparator: Some("<"), readable: true });
        assert_eq!(p("≥ 2"), ParsedNumber { value: Some(2.0), comparator: Some(">="), readable: true });
        assert_eq!(p("0.05 or less"), ParsedNumber { value: Some(0.05), comparator: Some("<="), readable: true });
        assert_eq!(p("=0.247"), ParsedNumber { value: Some(0.247), comparator: None, readable: true });
        assert_eq!(p("p < 0.05").comparator, Some("<"));
        assert_eq!(p("5,800").value, Some(5800.0));
        assert_eq!(p("-3.47").value, Some(-3.47));
        assert_eq!(p("1.2E-5").value, Some(1.2e-5));
        for bad in ["inf", "NaN", "12,34", "abc", "1.2.3", "", "3 to 5", "0x10", "1e"] {
            assert_eq!(p(bad), ParsedNumber { value: None, comparator: None, readable: false }, "{bad}");
        }
    }

    #[test]
    fn counts_are_whole() {
        assert_eq!(parse_count("12"), Ok(Some(12)));
        assert_eq!(parse_count("1,024"), Ok(Some(1024)));
        assert_eq!(parse_count("NA"), Ok(None));
        assert_eq!(parse_count("2.5"), Err(NotACount));
        assert_eq!(parse_count("<5"), Err(NotACount));
    }

    #[test]
    fn enums_agree_across_forms() {
        assert_eq!(outcome_type("Primary"), Some("PRIMARY"));
        assert_eq!(outcome_type("Other Pre-specified"), Some("OTHER_PRE_SPECIFIED"));
        assert_eq!(outcome_type("Post-Hoc"), Some("POST_HOC"));
        assert_eq!(assessment_type("Non-systematic Assessment"), Some("NON_SYSTEMATIC_ASSESSMENT"));
        assert_eq!(param_type("Count of Participants"), Some("COUNT_OF_PARTICIPANTS"));
        assert_eq!(param_type("Least Squares Mean"), Some("LEAST_SQUARES_MEAN"));
        assert_eq!(dispersion_type("Standard Deviation"), Some("STANDARD_DEVIATION"));
        assert_eq!(dispersion_type("95% Confidence Interval"), Some("CONFIDENCE_95"));
        assert_eq!(dispersion_type("97.5% Confidence Interval"), Some("CONFIDENCE_975"));
        assert_eq!(dispersion_type("Inter-Quartile Range"), Some("INTER_QUARTILE_RANGE"));
        assert_eq!(analysis_dispersion_type("Standard Error of the Mean"), Some("STANDARD_ERROR_OF_MEAN"));
        assert_eq!(ci_num_sides("2-Sided"), Some("TWO_SIDED"));
        assert_eq!(non_inferiority_type("Superiority or Other"), Some("SUPERIORITY_OR_OTHER"));
        assert_eq!(non_inferiority_type("Non-Inferiority or Equivalence"), Some("NON_INFERIORITY_OR_EQUIVALENCE"));
        assert_eq!(dispersion_type("84% Confidence Interval"), Some("CONFIDENCE_OTHER"));
        assert_eq!(dispersion_type("Banana"), None);
    }
}
