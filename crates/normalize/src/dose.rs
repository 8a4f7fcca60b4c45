//! Cell doses from free text: number notations (`10^6`, `1x10^6`, `1.10^6`, `2 million`),
//! per-kg vs total vs per-m², dose tiers, number of administrations, interval, route.
//!
//! Reading rules (each a decision an analyst may want to know):
//! * A dose is a cell count of at least 10⁴ that is followed by a cell word (cells, MSC,
//!   UCMSC, CSM, ...) or by a per-kg / per-m² unit. Drug doses in mg, lab thresholds ("200 x
//!   10⁶/L", "0.5.10⁹/L"), identifiers and years are not doses.
//! * Notations: `10^6`, `1x10^6`, `1 × 10^6`, `1.0x10E6`, `10e6`, `1E6`, `1*10^6`, French
//!   `1.10^6`, `10⁶`, `x10(6)`, markdown `4x10\^7`, `2 million`, `1,000,000`, ranges `1-2 x
//!   10^6` / `1 to 2 x 10^6`, tiers `1, 2 or 4 x 10^6/kg`. A unit stated after the last item
//!   of a list ("10^6, 5x10^6 and 3x10^7 cells/kg") applies to every item.
//! * Regimen facts of a text (administrations, interval, route, vehicle, volume) apply to
//!   every level read from that text. "single dose, 4x10^7 cells ... 4 times infusion" is
//!   4×10⁷ per administration, 4 administrations: an explicit count beats "single dose".
//! * Route: only a stated route counts; plain "infusion" does not prove intravenous.
//! * `doses_for_record` reads arm descriptions, intervention descriptions, names and other
//!   names, and (when nothing else states a dose) the titles — never eligibility criteria.
//!   One row per (arm, dose level) when an arm states the regimen; an arm that does not
//!   uses its linked cell intervention's levels; interventions not reached through an arm
//!   give rows of their own. Placebo / sham / no-intervention arms give none.

use crate::cell::{self, CellProduct};
use crate::model::{Dose, RecordIssue};
use regex::{Captures, Regex};
use std::sync::OnceLock;
use trialtables_extract::{Raw, RawRecord};

/// One dose level read from a text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DoseLevel {
    /// Cells per kg (low end of a range).
    pub per_kg: Option<f64>,
    /// High end of a per-kg range.
    pub per_kg_high: Option<f64>,
    /// Total cells (low end).
    pub total: Option<f64>,
    /// High end of a total range.
    pub total_high: Option<f64>,
    /// Cells per m².
    pub per_m2: Option<f64>,
    /// Number of administrations.
    pub administrations: Option<i64>,
    /// Days between administrations.
    pub interval_days: Option<f64>,
    /// Route (see [`Dose::route`]).
    pub route: Option<&'static str>,
    /// Vehicle.
    pub vehicle: Option<String>,
    /// Volume in mL.
    pub volume_ml: Option<f64>,
    /// The sentence it was read from.
    pub source_text: String,
}

impl DoseLevel {
    /// The (low) amount and its basis, for comparing levels.
    fn amount(&self) -> (Option<u64>, Option<u64>, Option<u64>) {
        let k = |v: Option<f64>| v.map(|x| x.round() as u64);
        (k(self.per_kg), k(self.total), k(self.per_m2))
    }
}

fn compile(p: &str) -> Regex {
    crate::literal_regex(p)
}

macro_rules! rx {
    ($p:expr) => {{
        static R: OnceLock<Regex> = OnceLock::new();
        R.get_or_init(|| compile($p))
    }};
}

/// Canonical spelling of number notations: lower case, `×`/`*` → `x`, superscripts and
/// `10(6)` / `10e6` / `1e6` → `10^6`, markdown escapes removed.
pub fn canonical_numbers(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {}
            '×' | '✕' | '*' | '·' => s.push('x'),
            '–' | '—' | '−' | '~' | '～' => s.push('-'),
            '⁰' | '¹' | '²' | '³' | '⁴' | '⁵' | '⁶' | '⁷' | '⁸' | '⁹' => {
                if !s.ends_with('^') {
                    s.push('^');
                }
                s.push(sup_digit(c));
                while let Some(&n) = chars.peek() {
                    if matches!(n, '⁰' | '¹' | '²' | '³' | '⁴' | '⁵' | '⁶' | '⁷' | '⁸' | '⁹') {
                        s.push(sup_digit(n));
                        chars.next();
                    } else {
                        break;
                    }
                }
            }
            '\u{a0}' | '\n' | '\r' | '\t' | '•' => s.push(' '),
            _ => s.extend(c.to_lowercase()),
        }
    }
    let s = rx!(r"(^|[^\d.])10\s*\(\s*(\d{1,2})\s*\)").replace_all(&s, "${1}10^$2");
    let s = rx!(r"(^|[^\d.])10\s*e\s*\+?(\d{1,2})\b").replace_all(&s, "${1}10^$2");
    let s = rx!(r"(\d(?:\.\d+)?)e\+?(\d{1,2})\b").replace_all(&s, "${1}x10^$2");
    let s = rx!(r"10\s*\^\s*\(?\s*(\d{1,2})\s*\)?").replace_all(&s, "10^$1");
    s.into_owned()
}

fn sup_digit(c: char) -> char {
    match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        _ => '9',
    }
}

/// Parses a number in a text ("1,000,000", "2.5", "1,5" as decimal comma).
fn num(s: &str) -> Option<f64> {
    let t = s.trim();
    if rx!(r"^\d{1,3}(?:,\d{3})+$").is_match(t) {
        return t.replace(',', "").parse().ok();
    }
    t.replace(',', ".").parse().ok()
}

/// A cell count found in the canonical text.
#[derive(Debug, Clone)]
struct Amount {
    start: usize,
    end: usize,
    low: f64,
    high: Option<f64>,
}

fn amounts(s: &str) -> Vec<Amount> {
    let mut out: Vec<Amount> = Vec::new();
    let coef = r"\d+(?:[.,]\d+)?";
    // Scientific: [c1[-c2]] x 10^e ; French "1.10^6" uses '.' as the times sign.
    let sci = rx!(r"(?:(?P<c1>\d+(?:[.,]\d+)?)(?:\s*(?:-|to)\s*(?P<c2>\d+(?:[.,]\d+)?))?\s*(?:x|\.)\s*)?10\^(?P<e>\d{1,2})");
    let _ = coef;
    for c in sci.captures_iter(s) {
        let Some(whole) = c.get(0) else { continue };
        let Some(e) = c.name("e").and_then(|m| m.as_str().parse::<i32>().ok()) else { continue };
        let p = 10f64.powi(e);
        let low = c.name("c1").and_then(|m| num(m.as_str())).unwrap_or(1.0);
        let high = c.name("c2").and_then(|m| num(m.as_str()));
        let (low, high) = match high {
            Some(h) => (low * p, Some(h * p)),
            None => (low * p, None),
        };
        out.push(Amount { start: whole.start(), end: whole.end(), low, high });
        // Tiers sharing the exponent: "1, 2 or 4 x 10^6".
        if let Some(c1) = c.name("c1") {
            let before = s.get(..c1.start()).unwrap_or("");
            if let Some(list) = rx!(r"((?:\d+(?:\.\d+)?\s*(?:,\s*or|,\s*and|,|\bor\b|\band\b)\s*)+)$").captures(before) {
                if let Some(l) = list.get(1) {
                    for m in rx!(r"\d+(?:\.\d+)?").find_iter(l.as_str()) {
                        if let Some(v) = num(m.as_str()) {
                            out.push(Amount { start: l.start() + m.start(), end: l.start() + m.end(), low: v * p, high: None });
                        }
                    }
                }
            }
        }
    }
    // Lost superscripts: "3×105STAR+T cells" (= 3x10^5), only with a following non-digit.
    for c in rx!(r"(?P<c1>\d+(?:\.\d+)?)\s*x\s*10(?P<e>[4-9]|1[0-2])(?:[^\d.,^]|$)").captures_iter(s) {
        let (Some(whole), Some(c1), Some(e)) = (c.get(0), c.name("c1"), c.name("e")) else { continue };
        let (Some(v), Ok(e)) = (num(c1.as_str()), e.as_str().parse::<i32>()) else { continue };
        out.push(Amount { start: whole.start(), end: e_end(&c), low: v * 10f64.powi(e), high: None });
    }
    // Words: "2 million", "15-20 million", "1.5 billion".
    for c in
        rx!(r"(?P<c1>\d+(?:[.,]\d+)?)(?:\s*(?:-|to)\s*(?P<c2>\d+(?:[.,]\d+)?))?\s*(?P<w>million|billion|thousand|mio\b)").captures_iter(s)
    {
        let (Some(whole), Some(c1), Some(w)) = (c.get(0), c.name("c1"), c.name("w")) else { continue };
        let f = match w.as_str() {
            "billion" => 1e9,
            "thousand" => 1e3,
            _ => 1e6,
        };
        let Some(v) = num(c1.as_str()) else { continue };
        let high = c.name("c2").and_then(|m| num(m.as_str())).map(|h| h * f);
        out.push(Amount { start: whole.start(), end: whole.end(), low: v * f, high });
    }
    // Plain big numbers: "1,000,000", "20000000".
    for m in rx!(r"(?:^|[^\w.,^])(\d{1,3}(?:,\d{3}){2,}|\d{7,})(?:[^\w.,]|$)").captures_iter(s) {
        let Some(g) = m.get(1) else { continue };
        if let Some(v) = num(g.as_str()) {
            out.push(Amount { start: g.start(), end: g.end(), low: v, high: None });
        }
    }
    out.sort_by_key(|a| (a.start, std::cmp::Reverse(a.end)));
    let mut kept: Vec<Amount> = Vec::new();
    for a in out {
        if kept.last().is_some_and(|k| a.start < k.end) {
            continue;
        }
        kept.push(a);
    }
    kept
}

fn e_end(c: &Captures) -> usize {
    c.name("e").map(|m| m.end()).unwrap_or(0)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Basis {
    PerKg,
    PerM2,
    Total,
}

/// What follows an amount up to the next amount / sentence end: its basis, or `None` when it
/// is not a cell dose.
fn basis_after(after: &str) -> (Option<Basis>, bool) {
    // Window: up to 60 chars, stopping at a sentence end.
    let mut end = after.len().min(60);
    while end > 0 && !after.is_char_boundary(end) {
        end -= 1;
    }
    let w = &after[..end];
    let w = match rx!(r"[;]|\.\s|\.$|\s\d").find(w) {
        Some(m) => &w[..m.start()],
        None => w,
    };
    if rx!(r"^\s*(?:cells?\s*)?/\s*(?:l|µl|ul|ml|mm3|mm\^3|liter|litre)\b|^\s*(?:mg|µg|ug|mcg|g|iu|u|mmol)\b|^\s*(?:cells?\s*)?per\s+(?:liter|litre|ml|microliter)").is_match(w) {
        return (None, false);
    }
    let cell_word =
        rx!(r"^[\s(]*(?:[a-z0-9+\-'’()]+\s*){0,3}?(?:cells?|mscs?|csm|ucmscs?|mnc|svf|dpscs?|adscs?|bmscs?|car\+?)\b").is_match(w);
    if rx!(r"/\s*kg|per\s+kg|per\s+kilo|/\s*kilo|\bkg-1|/\s*kgbw|per\s+kilogram").is_match(w) {
        return (Some(Basis::PerKg), true);
    }
    if rx!(r"/\s*m\s*(?:2|\^2|²)\b|per\s+m(?:2|\^2|²)|per\s+square\s+met").is_match(w) {
        return (Some(Basis::PerM2), true);
    }
    if cell_word {
        return (Some(Basis::Total), true);
    }
    (None, false)
}

fn word_count(w: &str) -> Option<i64> {
    Some(match w {
        "one" | "a" | "an" | "single" | "once" => 1,
        "two" | "twice" | "double" => 2,
        "three" | "thrice" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "twelve" => 12,
        _ => return w.parse().ok(),
    })
}

fn unit_days(u: &str) -> Option<f64> {
    let u = u.trim_end_matches('s');
    Some(match u {
        "day" => 1.0,
        "week" => 7.0,
        "month" => 30.4375,
        "year" => 365.25,
        _ => return None,
    })
}

const COUNT: &str = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)";

/// Regimen facts shared by all levels of a text.
#[derive(Debug, Default, Clone, PartialEq)]
struct Regimen {
    administrations: Option<i64>,
    interval_days: Option<f64>,
    route: Option<&'static str>,
    vehicle: Option<String>,
    volume_ml: Option<f64>,
}

fn regimen(s: &str, orig: &str, anchor: usize) -> Regimen {
    let mut r = Regimen::default();
    // Clauses "one intravenous infusion of UCMSC at month 0": count only cell clauses.
    let clause = rx!(
        r"\b(one|a|an|1|two|2|three|3)\s+(?:[a-z-]+\s+){0,2}?(?:infusions?|injections?|doses?|administrations?|transplantations?)\s+of\s+([^,.;]*?)\s+at\s+(months?|weeks?|days?)\s+(\d+)"
    );
    let mut times: Vec<(f64, f64)> = Vec::new();
    let mut clause_count = 0i64;
    let mut clauses = 0;
    for c in clause.captures_iter(s) {
        clauses += 1;
        let what = c.get(2).map(|m| m.as_str()).unwrap_or("");
        if rx!(r"placebo|saline|vehicle|sham").is_match(what) {
            continue;
        }
        let n = c.get(1).and_then(|m| word_count(m.as_str())).unwrap_or(1);
        clause_count += n;
        if let (Some(u), Some(v)) = (c.get(3).and_then(|m| unit_days(m.as_str())), c.get(4).and_then(|m| m.as_str().parse::<f64>().ok())) {
            times.push((v, u));
        }
    }
    if clauses > 0 && clause_count > 0 {
        r.administrations = Some(clause_count);
    }
    // Explicit counts.
    if r.administrations.is_none() {
        let total = rx!(
            r"total\s+of\s+(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(?:times|doses|infusions|injections|administrations|cycles)"
        );
        let n_times = rx!(&format!(
            r"\b{COUNT}\s+(?:separate\s+|consecutive\s+|intravenous\s+|iv\s+|repeated\s+)?(?:times|doses|infusions|injections|administrations|transplantations|cycles)\b(\s+(?:a|per|each|every)\b)?"
        ));
        let singular = rx!(&format!(
            r"\b{COUNT}\s+(?:infusion|injection|dose|administration|transplantation)\b(\s+(?:levels?|groups?|cohorts?|escalation|climbing|arms?))?"
        ));
        if let Some(c) = total.captures(s) {
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
        } else if let Some(c) = n_times.captures_iter(s).find(|c| c.get(2).is_none()) {
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
        } else if let Some(c) = rx!(r"(?:weekly|once\s+a\s+week|every\s+week)\s+for\s+(?:a\s+total\s+of\s+)?(\d+|one|two|three|four|five|six|eight|ten|twelve)\s+weeks").captures(s) {
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
            r.interval_days = Some(7.0);
        } else if let Some(c) = rx!(r"(?:monthly|once\s+a\s+month|every\s+month)\s+for\s+(?:a\s+total\s+of\s+)?(\d+|one|two|three|four|five|six|twelve)\s+months").captures(s) {
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
            r.interval_days = Some(30.4375);
        } else if rx!(r"\b(?:single|one|1|once)\s+(?:[a-z-]+\s+)?(?:dose|infusion|injection|administration|transplantation|intravenous\s+infusion)\b|\bonce\b|\bsingle[- ]dose").is_match(s) {
            r.administrations = Some(1);
        } else if let Some(c) = singular.captures_iter(s).find(|c| c.get(2).is_none()) {
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
        }
    }
    // Schedule times "at months 0 and 3", "on days 1 and 8", "at month 0 and month 3".
    if times.is_empty() {
        if let Some(c) =
            rx!(r"\b(?:at|on)\s+(months?|weeks?|days?)\s+(\d+(?:\s*(?:,|and|&)\s*(?:(?:months?|weeks?|days?)\s+)?\d+)+)").captures(s)
        {
            if let (Some(u), Some(l)) = (c.get(1).and_then(|m| unit_days(m.as_str())), c.get(2)) {
                for m in rx!(r"\d+").find_iter(l.as_str()) {
                    if let Ok(v) = m.as_str().parse::<f64>() {
                        times.push((v, u));
                    }
                }
                if r.administrations.is_none() || r.administrations == Some(1) && clauses == 0 {
                    r.administrations = Some(times.len() as i64);
                }
            }
        }
    }
    if times.len() >= 2 {
        let gaps: Vec<f64> = times.windows(2).map(|w| (w[1].0 * w[1].1) - (w[0].0 * w[0].1)).collect();
        if let Some(&g) = gaps.first() {
            if g > 0.0 && gaps.iter().all(|x| (x - g).abs() < 1e-9) {
                r.interval_days = Some(g);
            }
        }
    }
    // Interval statements.
    if r.interval_days.is_none() {
        let iv = rx!(
            r"(?:every|interval(?:\s+time)?(?:\s+(?:is|of|was))?|apart\s+by)\s+(\d+(?:\.\d+)?|one|two|three|four|five|six|twelve)\s*(days?|weeks?|months?|years?)|(\d+(?:\.\d+)?|one|two|three|four|five|six|twelve)[\s-]*(days?|weeks?|months?)\s+(?:apart|intervals?)|\b(weekly|monthly|every\s+other\s+week|biweekly|daily)\b"
        );
        if let Some(c) = iv.captures(s) {
            if let (Some(n), Some(u)) = (c.get(1).or(c.get(3)), c.get(2).or(c.get(4))) {
                if let (Some(n), Some(d)) = (word_count(n.as_str()), unit_days(u.as_str())) {
                    r.interval_days = Some(n as f64 * d);
                } else if let (Ok(n), Some(d)) = (n.as_str().parse::<f64>(), unit_days(u.as_str())) {
                    r.interval_days = Some(n * d);
                }
            } else if let Some(w) = c.get(5) {
                r.interval_days = Some(match w.as_str() {
                    "weekly" => 7.0,
                    "monthly" => 30.4375,
                    "daily" => 1.0,
                    _ => 14.0,
                });
            }
        }
    }
    if r.administrations == Some(1) {
        r.interval_days = None;
    }
    // Route: the stated route nearest to the dose.
    let routes: [(&Regex, &'static str); 9] = [
        (rx!(r"intrathecal|lumbar\s+puncture"), "INTRATHECAL"),
        (rx!(r"intra-?articular|into\s+the\s+(?:knee\s+)?joint"), "INTRA_ARTICULAR"),
        (rx!(r"intra-?muscular|\bi\.m\.|paraspinal\s+intramuscular"), "INTRAMUSCULAR"),
        (rx!(r"sub-?cutaneous|\bs\.c\.\s"), "SUBCUTANEOUS"),
        (rx!(r"intracoronary"), "INTRACORONARY"),
        (rx!(r"intra-?arterial"), "INTRA_ARTERIAL"),
        (rx!(r"intra-?lesional|into\s+the\s+lesion|local(?:ly)?\s+(?:injection|injected|administ)|\btopical"), "LOCAL"),
        (rx!(r"intra-?venous|\bi\.v\.|\biv\b|venous\s+infusion|intravenously"), "INTRAVENOUS"),
        (
            rx!(
                r"intra-?(?:dermal|vitreal|vitreous|nasal|ocular|cameral|discal|peritoneal|pancreatic|portal)|intranodal|intradiscal|intra-?cerebral|intra-?tracheal|inhal"
            ),
            "OTHER",
        ),
    ];
    let mut best: Option<(usize, &'static str)> = None;
    for (re, name) in routes {
        for m in re.find_iter(s) {
            let d = m.start().abs_diff(anchor);
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, name));
            }
        }
    }
    r.route = best.map(|b| b.1);
    // Vehicle and volume.
    let veh = rx!(
        r"(?:suspended|resuspended|diluted|dissolved)\s+in\s+(?:(\d+(?:\.\d+)?)\s*ml\s+(?:of\s+)?)?([a-z][a-z0-9 %.\-]{1,40}?)\s*(?:[,;()]|\.\s|\.$|$|\s+(?:and|for|with|by|at|to|over|via|in)\b)"
    );
    if let Some(c) = veh.captures(s) {
        r.volume_ml = c.get(1).and_then(|m| m.as_str().parse().ok());
        if let Some(m) = c.get(2) {
            let v = orig
                .get(m.start()..m.end())
                .filter(|o| o.len() == m.as_str().len() && o.to_lowercase() == m.as_str())
                .unwrap_or(m.as_str());
            r.vehicle = Some(v.trim().to_string());
        }
    } else if let Some(c) = rx!(
        r"(\d+(?:\.\d+)?)\s*ml\s+(?:of\s+)?((?:normal\s+|physiological\s+|0\.9%\s+)?saline|plasma-?lyte\s*a?|ringer'?s?(?:\s+lactate)?)"
    )
    .captures(s)
    {
        r.volume_ml = c.get(1).and_then(|m| m.as_str().parse().ok());
        if let Some(m) = c.get(2) {
            let v = orig.get(m.start()..m.end()).filter(|o| o.to_lowercase() == m.as_str()).unwrap_or(m.as_str());
            r.vehicle = Some(v.trim().to_string());
        }
    }
    r
}

/// Dose levels stated in one text (empty when it states none).
pub fn parse_dose_text(text: &str) -> Vec<DoseLevel> {
    let text = crate::capped(text);
    // Every amount has a digit (ASCII, another script's, or a superscript): a text without one
    // states no dose, and most texts of a record are like that.
    if !text.chars().any(char::is_numeric) {
        return Vec::new();
    }
    let s = canonical_numbers(text);
    // The original text only lines up with `s` when canonicalisation kept every byte.
    let orig = if s.len() == text.len() { text } else { "" };
    let found = amounts(&s);
    let mut levels: Vec<(usize, Basis, f64, Option<f64>)> = Vec::new();
    let mut pending: Vec<&Amount> = Vec::new();
    for (i, a) in found.iter().enumerate() {
        let after = s.get(a.end..).unwrap_or("");
        // Fractions of a split dose ("Day 1, 10% fraction: 1-5x10^7") are not dose levels.
        let mut b0 = a.start.saturating_sub(20);
        while b0 > 0 && !s.is_char_boundary(b0) {
            b0 -= 1;
        }
        // Nor are bounds ("the lowest dose is 1x10^5 cells/kg").
        if s.get(b0..a.start).is_some_and(|b| rx!(r"fraction|lowest|highest|minimum|maximum").is_match(b)) {
            pending.clear();
            continue;
        }
        // A preceding identifier / lab context: "nct01234567", "neutrophils 1.5 x 10^9".
        let (basis, _) = basis_after(after);
        match basis {
            Some(b) => {
                for p in pending.drain(..) {
                    levels.push((p.start, b, p.low, p.high));
                }
                levels.push((a.start, b, a.low, a.high));
            }
            None => {
                // Part of a list whose unit comes later: "10^6, 5x10^6 and 3x10^7 cells/kg".
                let next_close = found.get(i + 1).is_some_and(|n| {
                    s.get(a.end..n.start).is_some_and(|g| rx!(r"^\s*(?:,|and|or|-|to|/)?\s*(?:,|and|or)?\s*$").is_match(g))
                });
                if next_close {
                    pending.push(a);
                } else {
                    pending.clear();
                }
            }
        }
    }
    let levels: Vec<_> = levels.into_iter().filter(|l| l.2 >= 1e4 && l.2.is_finite()).collect();
    if levels.is_empty() {
        return Vec::new();
    }
    let anchor = levels.first().map(|l| l.0).unwrap_or(0);
    let reg = regimen(&s, orig, anchor);
    let mut out: Vec<DoseLevel> = Vec::new();
    for (_, b, low, high) in levels {
        let mut d = DoseLevel {
            administrations: reg.administrations,
            interval_days: reg.interval_days,
            route: reg.route,
            vehicle: reg.vehicle.clone(),
            volume_ml: reg.volume_ml,
            source_text: text.trim().to_string(),
            ..DoseLevel::default()
        };
        match b {
            Basis::PerKg => {
                d.per_kg = Some(low);
                d.per_kg_high = high;
            }
            Basis::PerM2 => d.per_m2 = Some(low),
            Basis::Total => {
                d.total = Some(low);
                d.total_high = high;
            }
        }
        // The same level stated twice in one text ("1 million UCMSC/kg ... 1 million MSC/kg").
        if !out.iter().any(|o| o.amount() == d.amount() && o.per_kg_high == d.per_kg_high && o.total_high == d.total_high) {
            out.push(d);
        }
    }
    out
}

/// Whether a text looks like it states a cell dose (used to flag texts that could not be read).
pub fn looks_like_dose(text: &str) -> bool {
    let text = crate::capped(text);
    // Cheap tests first: every alternative below needs a digit or "kg", and a cell product.
    if !text.chars().any(char::is_numeric) && !text.to_lowercase().contains("kg") {
        return false;
    }
    if !cell::mentions_cells(text) {
        return false;
    }
    let s = canonical_numbers(text);
    rx!(r"10\^\d|\d\s*x\s*10\b|\d\s*million|cells?\s*/\s*kg|cells\s+per\s+kg|\bdose\s+of\s+\d").is_match(&s)
}

fn is_placebo_arm(arm_type: Option<&Raw>, label: &str, desc: Option<&str>) -> bool {
    let t = arm_type.map(|t| t.text.to_lowercase()).unwrap_or_default();
    if t.contains("placebo") || t.contains("sham") || t.contains("no intervention") || t.contains("no_intervention") {
        return true;
    }
    let all = format!("{label} {}", desc.unwrap_or("")).to_lowercase();
    all.contains("placebo") && !cell::mentions_cells(&all)
}

/// One text read for doses.
struct Read<'a> {
    levels: Vec<DoseLevel>,
    raw: &'a Raw,
    field: &'static str,
}

fn read<'a>(raw: &'a Raw, field: &'static str, issues: &mut Vec<(&'a Raw, &'static str)>) -> Read<'a> {
    let levels = parse_dose_text(&raw.text);
    if levels.is_empty() && looks_like_dose(&raw.text) {
        issues.push((raw, field));
    }
    Read { levels, raw, field }
}

/// The `doses` rows of a record, attributed to arms and interventions.
pub fn doses_for_record(raw: &RawRecord, nct_id: &str, product: &CellProduct) -> (Vec<Dose>, Vec<RecordIssue>) {
    let mut unread: Vec<(&Raw, &'static str)> = Vec::new();
    // Each intervention's dose statement: description first, then name, then other names.
    let inter_reads: Vec<Option<Read>> = raw
        .interventions
        .iter()
        .map(|i| {
            let mut cands = Vec::new();
            if let Some(d) = &i.description {
                cands.push(read(d, "intervention.description", &mut unread));
            }
            cands.push(read(&i.name, "intervention.name", &mut unread));
            for o in &i.other_names {
                cands.push(read(o, "intervention.other_name", &mut unread));
            }
            cands.into_iter().find(|r| !r.levels.is_empty())
        })
        .collect();
    let mut used = vec![false; raw.interventions.len()];
    // (arm label, intervention index, level, where it was read, the value read)
    type Row<'r> = (Option<String>, Option<usize>, DoseLevel, &'static str, &'r Raw);
    let mut rows: Vec<Row<'_>> = Vec::new();

    for arm in &raw.arms {
        let desc = arm.description.as_ref();
        // Linked interventions, by either direction of the link.
        let linked: Vec<usize> = raw
            .interventions
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                arm.intervention_names.iter().any(|n| cell::name_matches(&n.text, &i.name.text))
                    || i.arm_labels.iter().any(|l| l.text.trim().eq_ignore_ascii_case(arm.label.text.trim()))
            })
            .map(|(k, _)| k)
            .collect();
        if is_placebo_arm(arm.arm_type.as_ref(), &arm.label.text, desc.map(|d| d.text.as_str())) {
            for &k in &linked {
                used[k] = true;
            }
            continue;
        }
        let own = desc
            .map(|d| read(d, "arm.description", &mut unread))
            .filter(|r| !r.levels.is_empty())
            .or_else(|| Some(read(&arm.label, "arm.label", &mut unread)).filter(|r| !r.levels.is_empty()));
        let cell_linked: Vec<usize> = linked
            .iter()
            .copied()
            .filter(|&k| {
                inter_reads.get(k).is_some_and(|r| r.is_some())
                    || raw.interventions.get(k).is_some_and(|i| cell::mentions_cells(&i.name.text))
            })
            .collect();
        let iname = |k: usize| raw.interventions.get(k).map(|i| i.name.text.clone());
        match own {
            Some(r) => {
                let k = cell_linked.first().copied();
                for &j in &linked {
                    used[j] = true;
                }
                for mut lv in r.levels {
                    // Fill regimen facts the arm leaves out from its intervention's statement.
                    if let Some(ir) = k.and_then(|k| inter_reads.get(k)).and_then(|r| r.as_ref()) {
                        if let Some(m) = ir.levels.iter().find(|l| l.amount() == lv.amount()).or(ir.levels.first()) {
                            lv.route = lv.route.or(m.route);
                            lv.vehicle = lv.vehicle.or_else(|| m.vehicle.clone());
                            lv.volume_ml = lv.volume_ml.or(m.volume_ml);
                        }
                    }
                    rows.push((Some(arm.label.text.clone()), k, lv, r.field, r.raw));
                }
                let _ = iname;
            }
            None => {
                for &k in &linked {
                    if let Some(Some(ir)) = inter_reads.get(k) {
                        used[k] = true;
                        for lv in &ir.levels {
                            rows.push((Some(arm.label.text.clone()), Some(k), lv.clone(), ir.field, ir.raw));
                        }
                    }
                }
            }
        }
    }
    for (k, ir) in inter_reads.iter().enumerate() {
        if used.get(k).copied().unwrap_or(true) {
            continue;
        }
        if let Some(ir) = ir {
            for lv in &ir.levels {
                rows.push((None, Some(k), lv.clone(), ir.field, ir.raw));
            }
        }
    }
    if rows.is_empty() {
        for (t, f) in [(&raw.official_title, "official_title"), (&raw.brief_title, "brief_title")] {
            if let Some(t) = t {
                let r = read(t, f, &mut unread);
                if !r.levels.is_empty() {
                    for lv in r.levels {
                        rows.push((None, None, lv, f, t));
                    }
                    break;
                }
            }
        }
    }

    let mut doses = Vec::new();
    for (i, (arm, k, lv, field, src)) in rows.into_iter().enumerate() {
        let inter = k.and_then(|k| raw.interventions.get(k));
        let inter_text = inter
            .map(|it| {
                let mut t = vec![it.name.text.clone()];
                t.extend(it.other_names.iter().map(|o| o.text.clone()));
                if let Some(d) = &it.description {
                    t.push(d.text.clone());
                }
                t.join(" | ")
            })
            .unwrap_or_default();
        let source = cell::source_in(&src.text).or_else(|| cell::source_in(&inter_text)).or(product.source).map(str::to_string);
        let origin = cell::origin_in(&src.text).or_else(|| cell::origin_in(&inter_text)).or(product.origin).map(str::to_string);
        doses.push(Dose {
            nct_id: nct_id.to_string(),
            dose_index: i as i64,
            arm_label: arm,
            intervention_name: inter.map(|it| it.name.text.clone()),
            cell_source: source,
            cell_origin: origin,
            dose_per_kg: lv.per_kg,
            dose_per_kg_high: lv.per_kg_high,
            dose_total: lv.total,
            dose_total_high: lv.total_high,
            dose_per_m2: lv.per_m2,
            administrations: lv.administrations,
            interval_days: lv.interval_days,
            route: lv.route.map(str::to_string),
            vehicle: lv.vehicle,
            volume_ml: lv.volume_ml,
            source_text: lv.source_text,
            source_field: field.to_string(),
        });
    }
    let mut issues: Vec<RecordIssue> = Vec::new();
    for (r, f) in unread {
        let issue = RecordIssue {
            source_path: raw.source_path.clone(),
            line: r.line as i64,
            nct_id: Some(nct_id.to_string()).filter(|s| !s.is_empty()),
            severity: "WARNING".to_string(),
            field: Some("doses".to_string()),
            message: format!("{f} seems to state a cell dose that could not be read; no dose row made"),
            raw_value: Some(r.text.clone()),
        };
        if !issues.contains(&issue) {
            issues.push(issue);
        }
    }
    (doses, issues)
}
