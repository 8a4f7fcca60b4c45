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
use crate::NormalizeConfig;
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
    /// The words just before the level, since the previous one (lower case): they may name its
    /// tier ("low dose:", "cohort 2 -").
    pub label: String,
    /// The words of its sentence that state the level, from the level before it to the next
    /// (lower case, numbers canonical): they name the cells the level is of, when a text gives
    /// two products ("PBSC at 2x10^8/kg. MSC at 1x10^6/kg").
    pub phrase: String,
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
    // Each rewrite below runs only when the text holds a literal it needs (most texts hold no
    // "10^" at all): the prefilters decide nothing, they only skip searches that cannot match.
    // "10*6" (a caret lost to an asterisk) is 10^6; "1*10^6" keeps its asterisk as a times sign.
    let text = if text.contains("10*") {
        rx!(r"(^|[^\d.,])10\*(\d{1,2})([^\w^.,]|$)").replace_all(text, "${1}10^$2$3")
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let mut s = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {}
            '×' | '✕' | '*' | '·' => s.push('x'),
            '–' | '—' | '−' | '~' | '～' => s.push('-'),
            '\u{a0}' | '\n' | '\r' | '\t' | '•' => s.push(' '),
            // Full-width punctuation (records typed on CJK keyboards): "20 million cells（0.5×10^6/kg）".
            '（' => s.push('('),
            '）' => s.push(')'),
            '，' => s.push(','),
            '；' => s.push(';'),
            '：' => s.push(':'),
            c if c.is_ascii() => s.push(c.to_ascii_lowercase()),
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
            _ => s.extend(c.to_lowercase()),
        }
    }
    // Numbers in words before "million": "one million cells/kg" (every match has "illion").
    let s = if s.contains("illion") { number_words(&s) } else { s };
    // Every rewrite below needs a digit.
    if !s.chars().any(char::is_numeric) {
        return s;
    }
    let ten = s.contains("10");
    let s = if ten && s.contains("the") { powers_in_words(&s) } else { s };
    let s = if ten && s.contains('(') { rewrite(s, rx!(r"(^|[^\d.])10\s*\(\s*(\d{1,2})\s*\)"), "${1}10^$2") } else { s };
    // Both "e" notations need a digit followed by "e" (after blanks, for "10 e6").
    let digit_e = digit_then_e(&s);
    let s = if ten && digit_e { rewrite(s, rx!(r"(^|[^\d.])10\s*e\s*\+?(\d{1,2})\b"), "${1}10^$2") } else { s };
    let s = if digit_e { rewrite(s, rx!(r"(\d(?:\.\d+)?)e\+?(\d{1,2})\b"), "${1}x10^$2") } else { s };
    // (The space after the power stays: "10^9 weekly" must keep "weekly" a word.)
    let s = if s.contains('^') { rewrite(s, rx!(r"10\s*\^\s*(?:\(\s*(\d{1,2})\s*\)|(\d{1,2}))"), "10^$1$2") } else { s };
    // A caret lost to a slash: "1x10/6 cells/kg".
    let s = if s.contains("10/") { rewrite(s, rx!(r"(\d\s*x\s*)10/(\d{1,2})\b"), "${1}10^$2") } else { s };
    // A superscript lost to a space: "1 x 10 6 cells/kg".
    if s.contains("10") && s.contains('x') {
        rewrite(s, rx!(r"(\d\s*x\s*)10\s([4-9]|1[0-2])(\s*(?:[a-z/(]|$))"), "${1}10^$2$3")
    } else {
        s
    }
}

/// Whether a digit is followed by "e", blanks allowed between (a prefilter for the "e"
/// notations: every match of theirs has one).
fn digit_then_e(s: &str) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c.is_numeric() {
            let mut rest = chars.clone().skip_while(|c| c.is_whitespace());
            if rest.next() == Some('e') {
                return true;
            }
        }
    }
    false
}

/// `s` with every match of `re` replaced, without a copy when nothing matches.
fn rewrite(s: String, re: &Regex, rep: &str) -> String {
    match re.replace_all(&s, rep) {
        std::borrow::Cow::Owned(o) => o,
        std::borrow::Cow::Borrowed(_) => s,
    }
}

/// "10 to the eighth power", "10 to the power of 8" → "10^8".
fn powers_in_words(s: &str) -> String {
    let re = rx!(
        r"(?P<pre>^|[^\d.])10\s+to\s+the\s+(?:power\s+(?:of\s+)?(\d{1,2})|(\d{1,2})(?:(?:st|nd|rd|th)?\s+power|st|nd|rd|th)\b|(fourth|four|fifth|five|sixth|six|seventh|seven|eighth|eight|ninth|nine|tenth|ten|eleventh|eleven|twelfth|twelve)\s+power)"
    );
    re.replace_all(s, |c: &Captures| {
        let n = c.get(2).or(c.get(3)).map(|m| m.as_str().to_string()).or_else(|| {
            c.get(4).map(|w| {
                match w.as_str() {
                    "fourth" | "four" => "4",
                    "fifth" | "five" => "5",
                    "sixth" | "six" => "6",
                    "seventh" | "seven" => "7",
                    "eighth" | "eight" => "8",
                    "ninth" | "nine" => "9",
                    "tenth" | "ten" => "10",
                    "eleventh" | "eleven" => "11",
                    _ => "12",
                }
                .to_string()
            })
        });
        format!("{}10^{}", c.name("pre").map_or("", |m| m.as_str()), n.unwrap_or_default())
    })
    .into_owned()
}

/// "one million" -> "1 million", "fifty million" -> "50 million", "half a million" -> "0.5
/// million": a number in words is a number only before "million" or "billion".
fn number_words(s: &str) -> String {
    rx!(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|twenty-five|thirty|forty|fifty|sixty|seventy|eighty|ninety|one\s+hundred|a\s+hundred|hundred|half\s+a)\s+(million|billion)\b")
        .replace_all(s, |c: &Captures| {
            let w = c.get(1).map_or("", |m| m.as_str());
            let n = match w {
                "half a" => "0.5".to_string(),
                w if w.ends_with("hundred") => "100".to_string(),
                "twenty-five" => "25".to_string(),
                "fifteen" => "15".to_string(),
                "thirty" => "30".to_string(),
                "forty" => "40".to_string(),
                "fifty" => "50".to_string(),
                "sixty" => "60".to_string(),
                "seventy" => "70".to_string(),
                "eighty" => "80".to_string(),
                "ninety" => "90".to_string(),
                "twenty" => "20".to_string(),
                w => word_count(w).map_or_else(|| w.to_string(), |n| n.to_string()),
            };
            format!("{n} {}", c.get(2).map_or("", |m| m.as_str()))
        })
        .into_owned()
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
    // A fraction of a split dose: "1/3 x 10^6".
    if let Some((a, b)) = t.split_once('/') {
        let (a, b): (f64, f64) = (a.parse().ok()?, b.parse().ok()?);
        return (b != 0.0).then(|| a / b);
    }
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
    let sci = rx!(r"(?:(?P<c1>\d+(?:[.,]\d+)?(?:/\d)?)(?:\s*(?:-|to)\s*(?P<c2>\d+(?:[.,]\d+)?))?\s*(?:x|\.)\s*)?10\^(?P<e>\d{1,2})");
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
                // Not when the list's first number is a day, week or count ("at day +60 and 3 x
                // 10^7"): then it is no coefficient.
                let day_before = list.get(1).is_some_and(|l| {
                    rx!(r"(?:\bdays?|\bweeks?|\bmonths?|\bd|\bno\.?|[+#-])\s*$").is_match(before.get(..l.start()).unwrap_or(""))
                });
                if let Some(l) = list.get(1).filter(|_| !day_before) {
                    for m in rx!(r"\d+(?:\.\d+)?").find_iter(l.as_str()) {
                        if let Some(v) = num(m.as_str()) {
                            out.push(Amount { start: l.start() + m.start(), end: l.start() + m.end(), low: v * p, high: None });
                        }
                    }
                }
            }
        }
    }
    // Lost superscripts: "3×105STAR+T cells" (= 3x10^5), "5-10 x 106/kg", only with a
    // following non-digit.
    // A comma right after is allowed when another such level follows ("6.29 x 107,9.43 x 107
    // and 14.15 x 107 cells/m2").
    let lost = rx!(
        r"(?P<c1>\d+(?:[.,]\d+)?)(?:\s*(?:-|to)\s*(?P<c2>\d+(?:[.,]\d+)?))?\s*x\s*10(?P<e>[4-9]|1[0-2])(?:[^\d.,^]|$|,(?:\s*\d+(?:\.\d+)?\s*x\s*10))"
    );
    let mut at = 0;
    while let Some(c) = lost.captures_at(s, at) {
        // The next search starts right after the power (what follows may be the next level).
        at = e_end(&c).max(at + 1);
        let (Some(whole), Some(c1), Some(e)) = (c.get(0), c.name("c1"), c.name("e")) else { continue };
        let (Some(v), Ok(e)) = (num(c1.as_str()), e.as_str().parse::<i32>()) else { continue };
        let p = 10f64.powi(e);
        let high = c.name("c2").and_then(|m| num(m.as_str())).map(|h| h * p);
        out.push(Amount { start: whole.start(), end: e_end(&c), low: v * p, high });
    }
    // Decimal commas with a space for the times sign: "2,5-5,0 10^6 cells/kg".
    for c in rx!(r"(?P<c1>\d+,\d+)(?:\s*-\s*(?P<c2>\d+,\d+))?\s+10\^(?P<e>\d{1,2})").captures_iter(s) {
        let (Some(whole), Some(c1), Some(e)) = (c.get(0), c.name("c1"), c.name("e")) else { continue };
        let (Some(v), Ok(e)) = (num(c1.as_str()), e.as_str().parse::<i32>()) else { continue };
        let p = 10f64.powi(e);
        let high = c.name("c2").and_then(|m| num(m.as_str())).map(|h| h * p);
        out.push(Amount { start: whole.start(), end: whole.end(), low: v * p, high });
    }
    // Words: "2 million", "15-20 million", "1.5 billion".
    for c in
        rx!(r"(?P<c1>\d+(?:[.,]\d+)?)(?:\s*(?:-|to)\s*(?P<c2>\d+(?:[.,]\d+)?))?\s*(?P<w>million|billion|thousand|mio\b|mill\b\.?|mln\b\.?)")
            .captures_iter(s)
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
        // Tiers sharing the word: "0.5, 1 and 2 million cells/kg".
        if c.name("c2").is_none() {
            let before = s.get(..c1.start()).unwrap_or("");
            if let Some(l) = rx!(r"((?:\d+(?:\.\d+)?\s*(?:,\s*or|,\s*and|,|\bor\b|\band\b)\s*)+)$").captures(before).and_then(|c| c.get(1))
            {
                for m in rx!(r"\d+(?:\.\d+)?").find_iter(l.as_str()) {
                    if let Some(v) = num(m.as_str()) {
                        out.push(Amount { start: l.start() + m.start(), end: l.start() + m.end(), low: v * f, high: None });
                    }
                }
            }
        }
    }
    // "between 1 and 5 million", "between 1 and 2 x 10^6": one range.
    for c in rx!(r"\bbetween\s+(?P<c1>\d+(?:[.,]\d+)?)\s+and\s+(?P<c2>\d+(?:[.,]\d+)?)\s*(?:(?P<w>million|billion)|x\s*10\^(?P<e>\d{1,2}))")
        .captures_iter(s)
    {
        let (Some(whole), Some(c1), Some(c2)) = (c.get(0), c.name("c1"), c.name("c2")) else { continue };
        let f = match (c.name("w").map(|m| m.as_str()), c.name("e").and_then(|m| m.as_str().parse::<i32>().ok())) {
            (Some("billion"), _) => 1e9,
            (Some(_), _) => 1e6,
            (None, Some(e)) => 10f64.powi(e),
            _ => continue,
        };
        let (Some(a), Some(b)) = (num(c1.as_str()), num(c2.as_str())) else { continue };
        if b > a {
            out.push(Amount { start: c1.start(), end: whole.end(), low: a * f, high: Some(b * f) });
        }
    }
    // Plain big numbers: "1,000,000", "20000000".
    // A coefficient times a written-out power: "1x1000000 cells/kg", "2 x 1,000,000".
    for c in rx!(r"(?:^|[^\d.,])(?P<c1>\d+(?:[.,]\d+)?)(?:\s*(?:-|to)\s*(?P<c2>\d+(?:[.,]\d+)?))?\s*x\s*(?P<p>1(?:0{3}){1,4}|1(?:,000){1,4})(?:[^\w.,^]|$)").captures_iter(s) {
        let (Some(c1), Some(p)) = (c.name("c1"), c.name("p")) else { continue };
        if let (Some(v), Some(f)) = (num(c1.as_str()), num(&p.as_str().replace(',', ""))) {
            let high = c.name("c2").and_then(|m| num(m.as_str())).map(|h| h * f);
            out.push(Amount { start: c1.start(), end: p.end(), low: v * f, high });
        }
    }
    // A power of ten whose superscript was lost, with no coefficient: "at 106 cells/kg" is
    // 10^6 (106 cells are no dose); only right before a cell word or "/kg".
    for c in
        rx!(&format!(r"(?:^|[^\d.,^x\s]\s*|\s)(?P<n>10(?P<e>[5-9]|1[0-2]))\s*(?:(?:{CELL_WORDS})\b|/\s*kg\b|per\s+kg\b)")).captures_iter(s)
    {
        let (Some(n), Some(e)) = (c.name("n"), c.name("e").and_then(|m| m.as_str().parse::<i32>().ok())) else { continue };
        let before = s.get(..n.start()).unwrap_or("");
        // Not a coefficient's power ("2 x 106 cells": read above) nor part of a list of numbers.
        if rx!(r"(?:x|\d[.,]?)\s*$").is_match(before) {
            continue;
        }
        out.push(Amount { start: n.start(), end: n.end(), low: 10f64.powi(e), high: None });
    }
    // "20.000.000" (full stops as thousands separators, two groups at least).
    for m in rx!(r"(?:^|[^\w.,^])(\d{1,3}(?:,\d{3}){2,}|\d{1,3}(?: \d{3}){2,}|\d{1,3}(?:\.\d{3}){2,}|\d{7,})(?:[^\w.,]|[.,](?:\s|$)|$)")
        .captures_iter(s)
    {
        let Some(g) = m.get(1) else { continue };
        if let Some(v) = num(&g.as_str().replace([' ', '.'], "")) {
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

/// Words that name cells after an amount ("2 x 10^6 MSC/kg", "10^8 CAR+ T cells").
/// (The last alternative is the INN stem of cell therapies: "remestemcel-L", "darvadstrocel",
/// "tisagenlecleucel", "lifileucel".)
const CELL_WORDS: &str = r"cells?|mscs?|csm|ucmscs?|mncs?|bm-?mncs?|tncs?|svf|dpscs?|adscs?|bmscs?|car\+?|car-?t|lymphocytes?|tils?|pbmcs?|nk|dcs?|leukocytes|ctls?|tregs?|vsts?|chondrocytes?|keratinocytes?|fibroblasts?|hepatocytes?|myoblasts?|melanocytes?|monocytes?|macrophages?|cardiomyocytes?|progenitors?|epcs?|ecfcs?|cd34\+|cd133\+|cd3\+|cd8\+|hscs?|hspcs?|ipscs?|ciks?|dc-?ciks?|ascs?|adrcs?|bmcs?|bmncs?|tcr-?t|car-?nk|[a-z]{4,}cel(?:-[a-z])?";

/// What follows an amount up to the next amount / sentence end: its basis, or `None` when it
/// is not a cell dose.
/// Whether the text after an amount makes it a concentration per unit volume ("cells/mL",
/// "cells / 1 ml", "per µl"): no dose by itself.
fn per_unit_volume(after: &str) -> bool {
    rx!(r"^\s*(?:[a-z0-9+\-']+\s*){0,3}?(?:/|per\s)\s*1?\s*(?:l|µl|μl|ul|ml|cc)\b").is_match(after)
}

fn basis_after(after: &str) -> (Option<Basis>, bool) {
    // Window: up to 70 bytes (100 for a long name of the cells), stopping at a sentence end
    // and at the next standalone number ("1383I" in "10^6 TIL 1383I T cells/kg" is a name).
    let window = |n: usize| {
        let mut end = after.len().min(n);
        while end > 0 && !after.is_char_boundary(end) {
            end -= 1;
        }
        let w = &after[..end];
        match rx!(r"[;]|\.\s|\.$|\s\d+(?:[.,]\d+)?(?:[^\w.,]|$)").find(w) {
            Some(m) => &w[..m.start()],
            None => w,
        }
    };
    let w = window(70);
    // Concentrations ("5 x 10^6 cells/mL", "1 x 10^7 cells/1cc") and lab counts are not doses,
    // nor are drug and vector amounts (mg, IU, PFU, vector genomes, viral particles, CFU).
    // An amount in a stated volume other than one unit ("5 x 10^6 cells/0.5 ml", "10 x 10^6
    // cells/200 µl") is what one injection holds: a total.
    if let Some(c) =
        rx!(r"^\s*(?:[a-z0-9+\-']+\s*){0,3}?(?:/|per\s|in\s)\s*(\d*(?:\.\d+)?)\s*(?:l|µl|μl|ul|ml|cc|liter|litre|microliters?)\b")
            .captures(w)
    {
        if c.get(1).and_then(|m| m.as_str().parse::<f64>().ok()).is_some_and(|v| v > 0.0 && v != 1.0) {
            return (Some(Basis::Total), true);
        }
    }
    if rx!(r"^\s*(?:[a-z0-9+\-']+\s*){0,3}?(?:/|per\s)\s*\d*(?:\.\d+)?\s*(?:l|µl|μl|ul|ml|cc|mm3|mm\^3|liter|litre|microliter)\b|^\s*(?:mg|µg|ug|mcg|g|iu|u|mmol)\b|^\s*(?:pfu|vg|vp|gc|cfu|ffu|tcid\w*|(?:genome|vector|viral|virus)\s+(?:copies|particles)|(?:copies|particles)\b|plaque)").is_match(w) {
        return (None, false);
    }
    // Rates ("a maximum rate of 5 x 10^6 cells/minute") are how fast a dose runs in, not a dose.
    if rx!(r"^\s*(?:[a-z0-9+\-']+\s*){0,3}?(?:/|per\s)\s*(?:min(?:ute)?s?|h|hr|hours?|sec(?:ond)?s?)\b").is_match(w) {
        return (None, false);
    }
    // Densities ("1 x 10^6 keratinocytes/cm2") and islet equivalents are not cell doses.
    if rx!(r"^\s*(?:[a-z0-9+\-']+\s*){0,3}?(?:/|per\s)\s*(?:square\s+)?(?:cm|mm)(?:2|\^2)?\b|^\s*(?:[a-z0-9+\-']+\s*){0,3}?(?:/|per\s)\s*unit\s+of\b|^\s*(?:ieq|islet\s+equivalents?)\b")
        .is_match(w)
    {
        return (None, false);
    }
    let cell_word = rx!(&format!(r"^[\s(]*(?:[\p{{L}}\p{{N}}+\-'’()^]+\s*){{0,4}}?(?:{CELL_WORDS})\b")).is_match(w)
        // A longer name of the cells, words that only describe them: "50 million allogeneic
        // human umbilical cord tissue-derived mesenchymal stem cells".
        || rx!(&format!(r"^[\s(]*((?:[a-z0-9+\-'’()]+\s*){{5,8}}?)(?:{CELL_WORDS})\b")).captures(window(100)).is_some_and(|c| {
            c.get(1).is_some_and(|d| {
                !rx!(r"\b(?:in|to|of|for|with|from|at|by|on|into|and|or|the|a|an|patients?|per|each|after|before|every|who|which|that|will|is|are|be|was|were|than|as|if|when)\b").is_match(d.as_str())
            })
        });
    if rx!(r"/\s*kg|per\s+kg|per\s+kilo|/\s*kilo|\bkg-1|(?:cells?|\s)x\s*kg\s*-\s*1\b|/\s*kgbw|per\s+kilogram").is_match(w) {
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
        "fourteen" => 14,
        "twenty-eight" => 28,
        "twenty-four" => 24,
        "forty-eight" => 48,
        _ => return w.parse().ok(),
    })
}

fn unit_days(u: &str) -> Option<f64> {
    let u = u.trim_end_matches('s');
    Some(match u {
        "hour" => 1.0 / 24.0,
        "day" => 1.0,
        "week" => 7.0,
        "month" => 30.4375,
        "year" => 365.25,
        _ => return None,
    })
}

const COUNT: &str = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)";

/// Words that may stand between a count and what it counts ("two separate intravenous
/// infusions", "3 MSC infusions", "four stem cell injections"): adjectives of the
/// administration and names of the cells, never a verb, a preposition or another noun of
/// the design ("two groups receive infusions").
const COUNT_MODIFIER: &str = r"(?:separate|consecutive|successive|sequential|serial|repeated|further|additional|treatment|weekly|bi-?weekly|fortnightly|monthly|daily|yearly|annual|iv|i\.v\.|cells?|cellular|stem|msc|mscs|car-?t|nk|(?:intra|sub|trans|peri)[a-z-]*|[a-z-]+(?:ous|ar|ic|al|ive))";

/// Regimen facts shared by all levels of a text.
#[derive(Debug, Default, Clone, PartialEq)]
struct Regimen {
    administrations: Option<i64>,
    interval_days: Option<f64>,
    route: Option<&'static str>,
    vehicle: Option<String>,
    volume_ml: Option<f64>,
}

/// Whether the count that ends at `end` counts something other than cells: "three
/// intraarticular injections of platelet rich plasma" beside "a single injection of 100
/// million MSC".
fn of_other_product(s: &str, end: usize) -> bool {
    rx!(r"^\s+of\s+(?:[\w-]+\s+){0,3}?(?:prp|prgf|platelet\w*|plasma|placebo|saline|hyaluron\w*|drugs?|medications?|steroids?|corticoster\w*|vehicle|chemotherapy|cyclophosphamide|antibod\w*)\b")
        .is_match(s.get(end..).unwrap_or(""))
}

/// Whether the count at `at` ends a range of counts ("between 10 and 20 injections", "10-20
/// injections"): the number of injection sites of one session, or no stated number; never a
/// count of administrations.
fn count_is_range_end(s: &str, at: usize) -> bool {
    rx!(r"(?:\bbetween\s+\d+\s+and|\d+\s*(?:-|to))\s*$").is_match(s.get(..at).unwrap_or(""))
}

/// Every interval a text states, with where its statement ends (days between
/// administrations: "weekly" 7, "every 3 months" 91.3, "twice a week" 3.5, "q2w" 14).
fn stated_intervals(s: &str) -> Vec<(usize, f64)> {
    let iv = rx!(
        r"(?:every|once\s+(?:per|every|each|in)|intervals?(?:\s+time)?(?:\s+(?:is|of|was))?|apart\s+by|separated\s+by)\s+(\d+(?:\.\d+)?|one|two|three|four|five|six|eight|ten|twelve)\s*(days?|weeks?|months?|years?)|(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|ten|twelve|fourteen|twenty-eight|twenty-four|forty-eight)[\s-]*(days?|weeks?|months?|hours?)\s+(?:apart|intervals?)|/\s*(week|wk|month|day)\b|\b(?:per|every|each)\s+(week|month)s?\b|\b(twice\s+(?:a|per|each)\s+week|twice\s+weekly|two\s+times\s+(?:a|per)\s+week|three\s+times\s+(?:a|per)\s+week|every\s+other\s+day|once\s+(?:a|per|each)\s+week|once\s+weekly|once\s+(?:a|per|each)\s+month|once\s+(?:a|per|each)\s+day|weekly|monthly|tri-?monthly|quarterly|every\s+other\s+week|bi-?weekly|fortnightly|every\s+fortnight|daily|every\s+day|qw)\b|\bq\s?(\d{1,2})\s?(w|wks?|d|mo)\b"
    );
    // The days between administrations one match states.
    let days_of = |c: &Captures| -> Option<f64> {
        if let (Some(n), Some(u)) = (c.get(1).or(c.get(3)), c.get(2).or(c.get(4))) {
            if let (Some(n), Some(d)) = (word_count(n.as_str()), unit_days(u.as_str())) {
                Some(n as f64 * d)
            } else if let (Ok(n), Some(d)) = (n.as_str().parse::<f64>(), unit_days(u.as_str())) {
                Some(n * d)
            } else {
                None
            }
        } else if let (Some(n), Some(u)) = (c.get(8).and_then(|m| m.as_str().parse::<f64>().ok()), c.get(9)) {
            // "q2w", "q3d", "q4wks", "q3mo".
            Some(
                n * match u.as_str() {
                    "d" => 1.0,
                    "mo" => 30.4375,
                    _ => 7.0,
                },
            )
        } else if let Some(u) = c.get(5).or(c.get(6)) {
            // "cells/kg/week", "per month": once per that unit.
            unit_days(if u.as_str() == "wk" { "week" } else { u.as_str() })
        } else {
            let w = c.get(7)?.as_str();
            Some(if w.starts_with("twice") || w.starts_with("two times") {
                3.5
            } else if w.starts_with("three times") {
                7.0 / 3.0
            } else if w == "every other day" {
                2.0
            } else if w == "every other week" || w.starts_with("bi") || w.ends_with("fortnight") || w == "fortnightly" {
                14.0
            } else if w.starts_with("tri") || w == "quarterly" {
                91.3125
            } else if w.ends_with("week") || w == "weekly" || w == "once weekly" || w == "qw" {
                7.0
            } else if w.ends_with("month") || w == "monthly" {
                30.4375
            } else if w == "daily" || w.ends_with("day") {
                1.0
            } else {
                14.0
            })
        }
    };
    iv.captures_iter(s)
        // "with a 12 to 18 month interval": a range of intervals, no single one.
        .filter(|c| !c.get(3).is_some_and(|m| rx!(r"\d\s*(?:-|–|to)\s*$").is_match(s.get(..m.start()).unwrap_or(""))))
        .filter_map(|c| Some((c.get(0)?.end(), days_of(&c)?)))
        .collect()
}

/// Whether the frequency whose statement ends at `end` is a drug's: a drug amount just before it
/// ("rituximab 100 mg every week") or a drug named right after it ("bi-weekly nivolumab").
fn drug_frequency(s: &str, end: usize) -> bool {
    rx!(&format!(r"^\s*(?:[\w-]+\s+)?(?:{DRUG_NAMES}|chemotherapy|steroids?\b|prednis\w*)")).is_match(window_after(s, end, 40))
        || rx!(r"\d\s*(?:mg|µg|ug|mcg|iu|gy|cgy)\b[^.;]{0,30}$")
            .find(window_before(s, end, 50))
            .is_some_and(|m| !rx!(r"10\^|\bcells?\b|million").is_match(m.as_str()))
}

/// Two different frequencies one after the other ("twice weekly for two weeks, followed by
/// once weekly"): an irregular schedule, no single interval. (Another product's frequency in
/// the same text, "and bi-weekly nivolumab", is no sequence.)
fn irregular_schedule(s: &str, stated: &[(usize, f64)]) -> bool {
    let Some(&(end, first)) = stated.first() else { return false };
    stated.iter().any(|&(at, d)| {
        (d - first).abs() > 1e-9
            && s.get(end..at).is_some_and(|g| rx!(r"\bthen\b|followed\s+by|thereafter|after\s+that|afterwards|subsequent").is_match(g))
    })
}

/// Schedules in phases, one after the other ("12 weekly injections followed by 3 monthly
/// injections", "weekly for 4 weeks, then every 2 weeks for 8 weeks"): the administrations of
/// every phase added up, when each phase states its count (or a frequency kept up for a span)
/// and the phases are joined by "followed by", "then" or "thereafter".
fn phases_total(s: &str) -> Option<i64> {
    // Every chain needs a word of sequence: most texts have none, and are not searched.
    let sequence = rx!(r"\b(?:followed\s+by|then|thereafter|after\s+which)\b");
    if !sequence.is_match(s) {
        return None;
    }
    let mut phases: Vec<(usize, usize, i64)> = Vec::new();
    let counted = rx!(&format!(r"\b{COUNT}\s+(?:{COUNT_MODIFIER}\s+){{0,3}}?(?:injections|infusions|doses|administrations)\b"));
    for c in counted.captures_iter(s) {
        let m = c.get(0)?;
        if !of_other_product(s, m.end()) && !optional_count(s, m.start()) {
            if let Some(n) = c.get(1).and_then(|n| word_count(n.as_str())) {
                phases.push((m.start(), m.end(), n));
            }
        }
    }
    let span = rx!(&format!(
        r"^\s*,?\s*for\s+(?:a\s+(?:total|period)\s+of\s+)?(?:each\s+of\s+)?(?:the\s+)?(?:next\s+|following\s+|first\s+)?{COUNT}\s+(?:consecutive\s+)?(days?|weeks?|months?)\b"
    ));
    for (end, days) in stated_intervals(s) {
        let Some(c) = span.captures(s.get(end..)?) else { continue };
        let (Some(n), Some(u)) = (c.get(1).and_then(|m| word_count(m.as_str())), c.get(2).and_then(|m| unit_days(m.as_str()))) else {
            continue;
        };
        let k = n as f64 * u / days;
        if k >= 1.0 && (k - k.round()).abs() < 0.05 {
            let start = end.saturating_sub(1);
            phases.push((start, end + c.get(0).map_or(0, |m| m.end()), k.round() as i64));
        }
    }
    if phases.len() < 2 {
        return None;
    }
    phases.sort_by_key(|p| p.0);
    // Chains of phases joined by a word of sequence, overlapping readings dropped.
    let mut total = phases[0].2;
    let mut last = phases[0];
    let mut joined = 1;
    for &p in &phases[1..] {
        if p.0 < last.1 {
            continue;
        }
        let gap = s.get(last.1..p.0).unwrap_or("");
        if gap.len() <= 60 && !gap.contains(';') && !gap.contains(". ") && sequence.is_match(gap) {
            total += p.2;
            joined += 1;
            last = p;
        } else {
            break;
        }
    }
    (joined >= 2).then_some(total)
}

/// Words of giving something to a participant (against words of assessing, harvesting or
/// making the cells).
const GIVING: &str =
    r"\b(?:infus\w*|inject\w*|administ\w*|given|give|receiv\w*|transplant\w*|implant\w*|deliver\w*|doses?|dosing|treated|treatments?)\b";

/// Whether the count at `at` is of administrations a participant may or may not get ("have the
/// option to receive an additional 3 infusions", "may receive two more infusions if ..."): then
/// it is not the count of the level.
fn optional_count(s: &str, at: usize) -> bool {
    // A ceiling on the count itself ("may receive up to 2 infusions") is the maximum count of
    // LABELLING.md, not an option: unless what is counted is extra ("up to 3 additional").
    if rx!(r"\b(?:up\s+to|a\s+maximum\s+of|maximum\s+of|at\s+most)\s*$").is_match(window_before(s, at, 24))
        && !rx!(r"^\s*\S+\s+(?:additional|more|further|extra|booster|repeat)").is_match(s.get(at..).unwrap_or(""))
    {
        return false;
    }
    let before = window_before(s, at, 80);
    rx!(r"\b(?:option(?:al(?:ly)?)?|may|might|could|eligible|allowed|depending|if|whether|responders?)\b").is_match(before)
}

/// Whether the times named at `at` are of visits or assessments, not administrations: the
/// clause before them speaks of assessing ("assessed at weeks 4 and 8", "visits at 1, 3 and 6
/// months", "follow-up at months 3 and 6").
fn assessment_time(s: &str, at: usize) -> bool {
    // The words before the times, back to the sentence start (at most 100 bytes): whichever
    // kind of verb comes last says what happens at those times ("infused at weeks 0 and 4",
    // "then followed at 2 weeks, and at month 2, 3, 6, and 12").
    let before = window_before(s, at, 100);
    let last = |re: &Regex| re.find_iter(before).last().map(|m| m.end());
    let assess = last(rx!(
        r"\b(?:assess\w*|evaluat\w*|visits?|follow(?:ed)?[\s-]?up|followed|measur\w*|examin\w*|collect\w*|sampl\w*|tested|scor\w*|outcomes?|endpoints?|monitor\w*|biops\w*|imag\w*|mri|questionnaires?)\b"
    ));
    let dosing = last(rx!(GIVING));
    match (assess, dosing) {
        (Some(a), Some(d)) => a > d,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Whether the count of injections at `a..b` divides one total into sites of one session:
/// "a total of 2 x 10^7 divided into 10 injections", "0.5 ml per injection x 10 injections for a
/// total of 1 x 10^8". Infusions that split a total are administrations; injections are sites.
fn injection_sites(s: &str, a: usize, b: usize) -> bool {
    let Some(what) = s.get(a..b) else { return false };
    if !what.contains("injection") {
        return false;
    }
    let sent_start = s.get(..a).and_then(|t| t.rfind(". ")).map_or(0, |i| i + 2);
    let sent_end = s.get(b..).and_then(|t| t.find(". ")).map_or(s.len(), |i| b + i);
    let before = s.get(sent_start..a).unwrap_or("");
    let after = s.get(b..sent_end).unwrap_or("");
    let divides_total = rx!(r"\b(?:divided|split)\s+(?:in|into)\s*$|\bx\s*$").is_match(before)
        && (rx!(r"\btotal\b").is_match(before) || rx!(r"\btotal\b").is_match(after));
    // "20 injections at several sites in one session", "a single session of 20 injections".
    divides_total
        || rx!(r"^\s+(?:\w+\s+){0,3}?(?:at|into|in)\s+(?:\d+|several|multiple|different|separate|various|designated|predefined|pre-?determined|pre-?specified|specified|selected|marked|chosen)\s+(?:(\w+)\s+)?(?:sites|points|locations|areas|spots)\b")
            // "at different time points" are times, not places.
            .captures(after)
            .is_some_and(|c| c.get(1).is_none_or(|w| w.as_str() != "time"))
        || rx!(r"\b(?:one|a\s+single|single|the\s+same)\s+(?:\w+\s+)?(?:session|procedure|sitting|operation|surgery)\b").is_match(&s[sent_start..sent_end])
        // "a single administration ... six intramuscular injections (three injections per
        // side)": the injections are the sites of that one administration.
        || rx!(r"\b(?:a\s+)?single\s+(?:\w+\s+)?(?:administration|session|procedure|treatment)\b").is_match(s)
        || rx!(r"^\s*(?:\(\s*)?(?:\w+\s+){0,3}?(?:per|each|in\s+each|on\s+each)\s+(?:side|site|limb|leg|arm|muscle|knee|joint|quadrant|lesion)\b").is_match(after)
}

/// A schedule repeated every N weeks, months or years ("repeated every 3 months"; the count
/// and unit captured): read by the courses rule of [`regimen`], and flagged when no end is stated.
fn course_repeat() -> &'static Regex {
    rx!(&format!(r"\brepeat\w*\s+(?:\w+\s+){{0,3}}?(?:every|each)\s+{COUNT}\s+(weeks?|months?|years?)\b"))
}

fn regimen(s: &str, orig: &str, anchor: usize) -> Regimen {
    let mut r = Regimen::default();
    let mut phased = false;
    // Clauses "one intravenous infusion of UCMSC at month 0": count only cell clauses.
    let clause = rx!(
        r"\b(one|a|an|1|two|2|three|3)\s+(?:[a-z-]+\s+){0,2}?(?:infusions?|injections?|doses?|administrations?|transplantations?)\s+of\s+([^,.;]*?)\s+at\s+(months?|weeks?|days?)\s+(\d+(?:\s*(?:,|and|&)\s*(?:(?:on|at|in)\s+)?(?:(?:months?|weeks?|days?)\s+)?\d+)*)"
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
        // "two doses of ... at weeks 25 and 26": every time named.
        if let (Some(u), Some(l)) = (c.get(3).and_then(|m| unit_days(m.as_str())), c.get(4)) {
            for v in rx!(r"\d+").find_iter(l.as_str()).filter_map(|m| m.as_str().parse::<f64>().ok()) {
                times.push((v, u));
            }
        }
    }
    if clauses > 0 && clause_count > 0 {
        r.administrations = Some(clause_count);
    }
    // Explicit counts.
    if r.administrations.is_none() {
        let total = rx!(
            r"total\s+of\s+(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)(?:\s+(?:times|doses|infusions|injections|administrations|cycles)|\s*(?:[;,)]|\.(?:\s|$)|$))"
        );
        let n_times = rx!(&format!(
            r"\b{COUNT}\s+(?:{COUNT_MODIFIER}\s+){{0,3}}?(?:times|doses|infusions|injections|administrations|transplantations|transfusions|applications|implantations|treatments|courses|cycles|sessions|therapies|occasions|rounds\s+of\s+(?:[a-z-]+\s+)?(?:infusions?|injections?|treatments?|therapy|administrations?))\b(\s+(?:a|per|each|every)\b|\s+(?:are|were|will\s+be|include\w*|tested|studied|evaluated|levels?)\b|\s*:)?"
        ));
        let singular = rx!(&format!(
            r"\b{COUNT}\s+(?:infusion|injection|dose|administration|transplantation)\b(\s+(?:[a-z-]+\s+)?(?:levels?|groups?|cohorts?|escalation|climbing|arms?))?"
        ));
        if let Some(n) = phases_total(s) {
            // Phases one after the other: their counts added, no single interval.
            r.administrations = Some(n);
            r.interval_days = None;
            phased = true;
        } else if let Some(c) = total.captures_iter(s).min_by_key(|c| c.get(0).map_or(usize::MAX, |m| m.start().abs_diff(anchor))).or_else(|| {
            // "Infusion number: 8", "number of injections: 3".
            rx!(r"\b(?:(?:infusion|injection|dose|administration)s?\s+(?:number|count)|number\s+of\s+(?:infusions|injections|doses|administrations))\s*(?:[:=]|is)?\s*(\d{1,2})\b").captures(s)
        }) {
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
        } else if let Some(c) = rx!(&format!(
            r"\b{COUNT}-times?\s+(?:[a-z-]+\s+)?(?:injections?|infusions?|doses?|administrations?|transplantations?|transfusions?|treatments?|applications?)\b"
        ))
        .captures(s)
        {
            // A count written with a hyphen: "2-time injection group", "3-times infusion".
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
        } else if let Some((k, cycles)) = day_range(s, anchor) {
            // "on days 1-3 of each of three cycles": 9 administrations, irregular interval.
            r.administrations = Some(k * cycles.unwrap_or(1));
            if cycles.is_none() && k > 1 {
                r.interval_days = Some(1.0);
            }
        } else if let Some(c) = rx!(&format!(
            r"\b(?:repeat\w*|given|administered|followed\s+by|for|receive|up\s+to)\s+(?:\w+\s+){{0,6}}?{COUNT}\s+(?:additional|more|further|extra)\s+(?:cycles|courses|doses|infusions|injections|administrations)\b"
        ))
        .captures(s)
        .filter(|c| !optional_count(s, c.get(0).map_or(0, |m| m.start())))
        {
            // "repeats every 8 weeks for 2 additional cycles": the first and two more.
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str())).map(|n| n + 1);
        } else if let Some(c) = rx!(&format!(
            r"\b{COUNT}\s+(?:infusions?|injections?|doses?|administrations?)\b(?:[^.;]|\.\d){{0,60}}?\b(once\s+|twice\s+|times\s+|other\s+)?(?:per|a|each|every)\s+(week|month)\b"
        ))
        .captures(s)
        .filter(|c| c.get(2).is_none())
        {
            // "2 infusions of 2 million cells/kg per week": a frequency, not a count; "for 4
            // weeks" (read below) gives the count.
            if let (Some(n), Some(u)) = (c.get(1).and_then(|m| word_count(m.as_str())), c.get(3).and_then(|m| unit_days(m.as_str()))) {
                if n > 0 {
                    r.interval_days = Some(u / n as f64);
                }
            }
        } else if let Some(c) = rx!(&format!(r"\b{COUNT}\s+(?:consecutive|successive)\s+days\b")).captures(s) {
            // "on each of 3 consecutive days": that many, a day apart.
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
            r.interval_days = Some(1.0);
        } else if let Some(c) = n_times
            .captures_iter(s)
            .filter(|c| {
                c.get(2).is_none()
                    && !of_other_product(s, c.get(0).map_or(0, |m| m.end()))
                    && !count_is_range_end(s, c.get(0).map_or(0, |m| m.start()))
                    && !injection_sites(s, c.get(0).map_or(0, |m| m.start()), c.get(0).map_or(0, |m| m.end()))
                    && !optional_count(s, c.get(0).map_or(0, |m| m.start()))
            })
            // Of several counts, the one nearest the level ("Rituximab ... a total of 4 times;
            // ... MSC 10^6/kg every 2 weeks, a total of 2 times").
            .min_by_key(|c| c.get(0).map_or(usize::MAX, |m| m.start().abs_diff(anchor)))
        {
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
        } else if let Some(c) = rx!(r"(?:weekly|once\s+a\s+week|every\s+week)\s+for\s+(?:a\s+total\s+of\s+)?(\d+|one|two|three|four|five|six|eight|ten|twelve)\s+weeks")
            .captures_iter(s)
            // Not "twice weekly for two weeks" (four, read below).
            // Nor "biweekly for 8 weeks" (every two weeks).
            .find(|c| !rx!(r"(?:twice|thrice|times|\bbi-?|\bsemi-?|\btri-?)\s*$").is_match(s.get(..c.get(0).map_or(0, |m| m.start())).unwrap_or("")))
            .filter(|_| !irregular_schedule(s, &stated_intervals(s)))
        {
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
            r.interval_days = Some(7.0);
        } else if let Some(c) = rx!(r"(?:monthly|once\s+a\s+month|every\s+month)\s+for\s+(?:a\s+total\s+of\s+)?(\d+|one|two|three|four|five|six|twelve)\s+months")
            .captures_iter(s)
            .find(|c| !rx!(r"(?:\bbi-?|\bsemi-?|\btri-?)\s*$").is_match(s.get(..c.get(0).map_or(0, |m| m.start())).unwrap_or("")))
        {
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
            r.interval_days = Some(30.4375);
        } else if let Some(c) = rx!(&format!(
            r"\brepeated\s+(?:once\s+)?(?:after\s+)?{COUNT}\s+(days?|weeks?|months?)|\b(?:second|repeat|another)\s+(?:[a-z-]+\s+){{0,2}}?(?:dose|infusion|injection|administration|transplantation|transfusion|implantation)\b[^.;]{{0,80}}?\b(?:after\s+{COUNT}\s+(days?|weeks?|months?)|{COUNT}\s+(days?|weeks?|months?)\s+(?:later|after|post\b))"
        ))
        .captures(s)
        // Offered on a condition ("... 4 weeks later if the patient does not respond"), the
        // count is the participant's, not the protocol's.
        .filter(|c| !rx!(r"^[^.;]{0,40}?\b(?:if|unless|optional\w*|may)\b").is_match(s.get(c.get(0).map_or(0, |m| m.end())..).unwrap_or("")))
        {
            // "repeated once after 28 days", "a second infusion 4 weeks later": two, that far apart.
            r.administrations = Some(2);
            let n = c.get(1).or(c.get(3)).or(c.get(5)).and_then(|m| word_count(m.as_str()));
            let u = c.get(2).or(c.get(4)).or(c.get(6)).and_then(|m| unit_days(m.as_str()));
            if let (Some(n), Some(u)) = (n, u) {
                r.interval_days = Some(n as f64 * u);
            }
        } else if let Some(c) = rx!(&format!(
            r"\b(?:booster|again)\b[^.;]{{0,40}}?\b{COUNT}\s+(days?|weeks?|months?)\s+later\b|\bat\s+baseline\s+and\s+(?:again\s+)?(?:after\s+|at\s+)?{COUNT}\s+(days?|weeks?|months?)(?:\s+later)?\b"
        ))
        .captures(s)
        .filter(|c| !rx!(r"^[^.;]{0,40}?\b(?:if|when|unless|optional\w*|may)\b").is_match(s.get(c.get(0).map_or(0, |m| m.end())..).unwrap_or("")))
        {
            // "the same dose again 2 weeks later", "a booster 4 weeks later", "at baseline and
            // after 6 months": two, that far apart.
            r.administrations = Some(2);
            let n = c.get(1).or(c.get(3)).and_then(|m| word_count(m.as_str()));
            let u = c.get(2).or(c.get(4)).and_then(|m| unit_days(m.as_str()));
            if let (Some(n), Some(u)) = (n, u) {
                r.interval_days = Some(n as f64 * u);
            }
        } else if rx!(r"\bre-?(?:inject|administer)(?:ed|ion|ing|s)?\b").find_iter(s).any(|m| !optional_count(s, m.start())) {
            // "Within 1 month after cell injection, re-inject the cells": a second administration
            // ("reinfusion" of autologous cells is their one administration, not a second).
            r.administrations = Some(2);
        } else if let Some(c) = rx!(r"\brepeat\w*\s+(?:\w+\s+){0,3}?(?:on|in|at)\s+(day|week|month)\s+(\d+)\b")
            .captures(s)
            // Not a repeat on a condition ("repeated at month 3 if tolerated"): then the count is unknown.
            .filter(|c| !rx!(r"^[^.;]{0,40}?\b(?:if|when|unless|optional\w*|may)\b").is_match(s.get(c.get(0).map_or(0, |m| m.end())..).unwrap_or("")))
        {
            // "on day 0 ... repeat on day 90": a second administration, that many days after the
            // first when the first one's day is stated too (otherwise the interval is unknown:
            // day 0 and day 1 are both used for the first administration).
            r.administrations = Some(2);
            let (start, unit) = (c.get(0).map_or(0, |m| m.start()), c.get(1).map_or("", |m| m.as_str()));
            let first = rx!(r"\b(day|week|month)\s+(\d+)\b")
                .captures_iter(s.get(..start).unwrap_or(""))
                .find(|f| f.get(1).is_some_and(|m| m.as_str() == unit))
                .and_then(|f| f.get(2)?.as_str().parse::<f64>().ok());
            if let (Some(u), Some(n), Some(f)) = (unit_days(unit), c.get(2).and_then(|m| m.as_str().parse::<f64>().ok()), first) {
                if n > f {
                    r.interval_days = Some((n - f) * u);
                }
            }
        } else if let Some(n) = stated_intervals(s).iter().find_map(|&(end, _)| {
            let c = rx!(r"^\s*(?:intervals?)?\s*,?\s*[x×]\s*(\d{1,2})(?:$|[^\d^.,]|[.,](?:\D|$))").captures(s.get(end..)?)?;
            // "mg/kg/day x 2 days" is a span of a drug's days, not a count.
            let rest = s.get(end + c.get(1)?.end()..).unwrap_or("");
            if rx!(r"^\s*(?:days?|weeks?|months?|hours?|d)\b").is_match(rest) {
                return None;
            }
            c.get(1)?.as_str().parse().ok()
        }) {
            // "every 2 weeks x 3", "at weekly intervals x 4": a frequency times a count.
            r.administrations = Some(n);
        } else if let Some(c) = rx!(r"\b(twice|thrice)\b(\s+(?:a|per|each|weekly|daily|monthly|a\s+week|a\s+day)\b)?").captures_iter(s).find(|c| c.get(2).is_none()) {
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
        } else if rx!(&format!(r"\b(?:single|one|1|once|unique)\s+(?:[a-z-]+\s+)?(?:{COUNT_MODIFIER}\s+){{0,2}}?(?:\([^()]{{1,12}}\)\s+)?(?:dose|dosage|infusion|transfusion|transfer|injection|administration|application|implantation|transplant|transplantation|intravenous\s+infusion|procedure|session|treatment)\b|\bonce\b|\bsingle[- ](?:dose|dosage)|\bone[\s-]time\b"))
            // "one additional infusion", "a single more dose": an extra administration, not the level's count.
            .is_match(&rx!(r"\bonce\s+(?:every|a|per|each|weekly|daily|monthly|more)\b|\b(?:single|one|1)\s+(?:additional|more|extra|further)\b").replace_all(s, " "))
        {
            r.administrations = Some(1);
        } else if let Some(c) = singular.captures_iter(s).find(|c| c.get(2).is_none() && !of_other_product(s, c.get(0).map_or(0, |m| m.end()))) {
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
        }
    }
    // Injections at the sites of one procedure ("0.5 ml per injection x 10 injections for a
    // total of 1 x 10^8", "20 injections at several sites in one session") are one
    // administration (fixtures/fidelity/LABELLING.md, "Several injections in one procedure").
    if r.administrations.is_none()
        && s.contains("injection")
        && rx!(&format!(r"\b{COUNT}\s+(?:[a-z-]+\s+){{0,2}}?injections\b")).find_iter(s).any(|m| injection_sites(s, m.start(), m.end()))
    {
        r.administrations = Some(1);
    }
    // Two administrations and the second's distance from the first: "two doses, the second
    // dose 28 days after the first".
    if r.administrations == Some(2) && r.interval_days.is_none() {
        if let Some(c) = rx!(&format!(
            r"\b(?:second|2nd)\s+(?:[a-z-]+\s+){{0,2}}?(?:dose|infusion|injection|administration|transplantation)\b[^.;]{{0,40}}?\b{COUNT}\s+(days?|weeks?|months?)\s+(?:after|later|following)"
        ))
        .captures(s)
        {
            if let (Some(n), Some(u)) = (c.get(1).and_then(|m| word_count(m.as_str())), c.get(2).and_then(|m| unit_days(m.as_str()))) {
                r.interval_days = Some(n as f64 * u);
            }
        }
    }
    // Injected at several sites with no count of injections and nothing repeating them ("into 30
    // sites of the affected limb"): the sites of one administration.
    if r.administrations.is_none()
        && r.interval_days.is_none()
        && s.contains("inject")
        && rx!(r"\binject\w*\s+(?:[a-z-]+\s+){0,3}?(?:into|at|in)\s+(?:\d+|several|multiple|different|various|separate)\s+(?:[a-z-]+\s+)?(?:sites|points|locations|spots)\b").is_match(s)
        && !rx!(r"repeat|\bevery\b|weekly|monthly|daily|cycles|\bsecond\b|\btimes\b|additional|\bdays?\s+\d+\s*(?:,|and)").is_match(s)
    {
        r.administrations = Some(1);
    }
    // Schedule times "at months 0 and 3", "on days 1 and 8", "at month 0 and month 3", "in day 1
    // and day 15", "on day 1.day 15" (a comma lost to a full stop), "d0 and d14".
    if times.is_empty() {
        let named = rx!(
            r"(?:\b(?:at|on|in)\s+|\(\s*)(months?|weeks?|days?)\s+(\d+(?:\s*(?:(?:,\s*and|,|and|&)\s*(?:(?:on|at|in)\s+)?(?:(?:months?|weeks?|days?)\s+)?|\.\s*(?:months?|weeks?|days?)\s+)\d+)+)"
        );
        let short = rx!(r"\b(d)\s?(\d{1,3}(?:\s*(?:,|and|&)\s*d\s?\d{1,3})+)\b");
        // The unit after the list: "at 0, 4 and 8 weeks".
        let after = rx!(r"\b(?:at|on|in)\s+(?:weeks?\s+|months?\s+|days?\s+)?(\d+(?:\s*(?:,|and|&)\s*\d+)+)\s+(months?|weeks?|days?)\b");
        // Times of visits and assessments are no schedule ("assessed at weeks 4 and 8").
        // A number that starts the next amount is no time ("on day 0 and 100 million cells ...").
        // A list that starts at baseline is one that starts at time 0: "at baseline, month 3
        // and month 6", "at baseline, 3 and 6 months", "at baseline and week 4".
        let t = if s.contains("baseline") {
            let t =
                rx!(r"\bbaseline(\s*,?\s*(?:and\s+)?(?:(?:at|in)\s+)?)(months?|weeks?|days?)(\s+\d)").replace_all(s, "${2} 0${1}${2}${3}");
            std::borrow::Cow::Owned(
                rx!(r"\bbaseline(\s*,?\s*(?:and\s+)?)(\d+(?:\s*(?:,|and|&)\s*\d+)*\s+(?:months?|weeks?|days?)\b)")
                    .replace_all(&t, "0${1}${2}")
                    .into_owned(),
            )
        } else {
            std::borrow::Cow::Borrowed(s)
        };
        let t = &*t;
        let dosing = |c: &Captures| {
            !assessment_time(t, c.get(0).map_or(0, |m| m.start()))
                && !rx!(r"^\s*(?:million|billion|mln|mio|x\s*10|\^|cells?\b|mscs?\b|[.,]\d)")
                    .is_match(t.get(c.get(0).map_or(0, |m| m.end())..).unwrap_or(""))
        };
        let found = named
            .captures_iter(t)
            .find(dosing)
            .or_else(|| short.captures_iter(t).find(dosing))
            .map(|c| (c.get(1), c.get(2)))
            .or_else(|| after.captures_iter(t).find(dosing).map(|c| (c.get(2), c.get(1))));
        if let Some((u, l)) = found {
            let unit = |m: regex::Match| if m.as_str() == "d" { Some(1.0) } else { unit_days(m.as_str()) };
            if let (Some(u), Some(l)) = (u.and_then(unit), l) {
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
    // "After 4 and 8 weeks, patients were injected the same number of cells": the first
    // administration and one at each of those times.
    if times.is_empty() {
        if let Some(c) =
            rx!(r"\bafter\s+(\d+)\s*(?:,|and|&)\s*(\d+)\s+(days?|weeks?|months?)\b[^.;]{0,80}?\b(?:same|again|repeat\w*)\b").captures(s)
        {
            if let (Some(a), Some(b), Some(u)) = (
                c.get(1).and_then(|m| m.as_str().parse::<f64>().ok()),
                c.get(2).and_then(|m| m.as_str().parse::<f64>().ok()),
                c.get(3).and_then(|m| unit_days(m.as_str())),
            ) {
                times.extend([(0.0, u), (a, u), (b, u)]);
                r.administrations = Some(3);
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
    // "on day 0, with a second dose on day 14": two, that far apart.
    if times.is_empty() && r.administrations.is_none() {
        if let Some(c) = rx!(
            r"\b(?:on|at)\s+day\s+(-?\d+)\b[^.;]{0,80}?\b(?:second|2nd|repeat(?:ed)?|another|booster)\b[^.;]{0,30}?\b(?:on|at)\s+day\s+(-?\d+)\b"
        )
        .captures(s)
        {
            if let (Some(a), Some(b)) =
                (c.get(1).and_then(|m| m.as_str().parse::<f64>().ok()), c.get(2).and_then(|m| m.as_str().parse::<f64>().ok()))
            {
                if b > a {
                    r.administrations = Some(2);
                    r.interval_days = Some(b - a);
                }
            }
        }
    }
    // "3 times a week", "twice per month" (twice is read below): the unit divided by the count.
    if r.interval_days.is_none() {
        if let Some(c) = rx!(&format!(r"\b{COUNT}\s+times\s+(?:a|per|each|every)\s+(week|month)\b")).captures(s) {
            if let (Some(n), Some(u)) = (c.get(1).and_then(|m| word_count(m.as_str())), c.get(2).and_then(|m| unit_days(m.as_str()))) {
                if n > 0 {
                    r.interval_days = Some(u / n as f64);
                }
            }
        }
    }
    // "on day 1 of each 28-day cycle": the cycle's length.
    if r.interval_days.is_none() {
        if let Some(c) = rx!(r"\bday\s+\d+\s+of\s+(?:each|every)\s+(\d+)[\s-]*(days?|weeks?)\s+(?:cycle|course)").captures(s) {
            if let (Some(n), Some(u)) =
                (c.get(1).and_then(|m| m.as_str().parse::<f64>().ok()), c.get(2).and_then(|m| unit_days(m.as_str())))
            {
                r.interval_days = Some(n * u);
            }
        }
    }
    // Interval statements.
    if r.interval_days.is_none() {
        let stated = stated_intervals(s);
        if let Some(&(_, first)) = stated.first() {
            let irregular = irregular_schedule(s, &stated);
            if !irregular {
                // Different intervals not in sequence (another product's "every week" beside the
                // cells' "every 2 weeks"): the one stated nearest the cells' amount.
                // A frequency of a drug ("rituximab 100 mg every week", "bi-weekly nivolumab") is
                // set aside first.
                let own: Vec<(usize, f64)> = stated.iter().copied().filter(|&(end, _)| !drug_frequency(s, end)).collect();
                let own = if own.is_empty() { stated.clone() } else { own };
                let nearest = own.iter().min_by_key(|&&(end, _)| end.abs_diff(anchor)).map(|&(_, d)| d);
                r.interval_days = if stated.iter().all(|&(_, d)| (d - first).abs() < 1e-9) { Some(first) } else { nearest };
            }
        }
    }
    // An interval repeated for a number of cycles: "trimonthly for 2 cycles".
    if let (None, Some(_)) = (r.administrations, r.interval_days) {
        if let Some(c) = rx!(&format!(r"\bfor\s+{COUNT}\s+(?:cycles?|courses?)\b")).captures(s) {
            r.administrations = c.get(1).and_then(|m| word_count(m.as_str()));
        }
    }
    // An interval kept up for a time: "twice a week for 4 weeks" is 8 administrations.
    if let (None, Some(iv)) = (r.administrations, r.interval_days) {
        if let Some(c) =
            rx!(&format!(r"\b(?:for|over|during|throughout)\s+(?:a\s+(?:total|period)\s+of\s+)?(?:each\s+of\s+)?(?:the\s+)?(?:first\s+|next\s+)?{COUNT}\s+(?:consecutive\s+|successive\s+)?(days?|weeks?|months?)\b"))
                .captures(s)
        {
            if let (Some(n), Some(u)) = (c.get(1).and_then(|m| word_count(m.as_str())), c.get(2).and_then(|m| unit_days(m.as_str()))) {
                let k = n as f64 * u / iv;
                if k >= 1.5 && (k - k.round()).abs() < 0.05 {
                    r.administrations = Some(k.round() as i64);
                }
            }
        }
    }
    // Courses: a stated number of administrations repeated every N weeks or months ("2
    // infusions 7 days apart, repeated every 3 months for 1 year" = 8): the courses'
    // administrations added up, and no single interval (the gaps within and between courses
    // differ). Repeated with no end stated, the number of courses and so the count is unknown.
    // (A count that is itself of the repeats, "repeats every 6 weeks for 2 additional cycles",
    // is read above.)
    let repeat = course_repeat();
    if let Some(c) = repeat.captures(s).filter(|c| !optional_count(s, c.get(0).map_or(0, |m| m.start()))) {
        let (start, end) = c.get(0).map_or((0, 0), |m| (m.start(), m.end()));
        let course =
            rx!(&format!(r"\b{COUNT}\s+(?:{COUNT_MODIFIER}\s+){{0,3}}?(?:doses|infusions|injections|administrations|transfusions)\b"))
                .captures_iter(s.get(..start).unwrap_or(""))
                .filter(|k| !optional_count(s, k.get(0).map_or(0, |m| m.start())))
                .filter_map(|k| k.get(1).and_then(|m| word_count(m.as_str())))
                .last()
                .filter(|&k| k >= 2);
        if let Some(k) = course {
            let every =
                c.get(1).and_then(|m| word_count(m.as_str())).zip(c.get(2).and_then(|m| unit_days(m.as_str()))).map(|(n, u)| n as f64 * u);
            let rest = s.get(end..).unwrap_or("");
            let span =
                rx!(&format!(r"^\s*,?\s*(?:for|over|during)\s+(?:a\s+(?:total|period)\s+of\s+)?{COUNT}\s+(weeks?|months?|years?)\b"))
                    .captures(rest)
                    .and_then(|sp| sp.get(1).and_then(|m| word_count(m.as_str())).zip(sp.get(2).and_then(|m| unit_days(m.as_str()))))
                    .map(|(n, u)| n as f64 * u);
            let courses = match (every, span) {
                (Some(e), Some(t)) if e > 0.0 && t / e >= 1.0 && (t / e - (t / e).round()).abs() < 0.05 => Some((t / e).round() as i64),
                _ => {
                    rx!(&format!(r"^\s*,?\s*for\s+(?:a\s+total\s+of\s+)?{COUNT}\s+(additional\s+|more\s+|further\s+)?(?:cycles|courses)\b"))
                        .captures(rest)
                        .and_then(|m| m.get(1).and_then(|n| word_count(n.as_str())).map(|n| n + i64::from(m.get(2).is_some())))
                }
            };
            r.interval_days = None;
            r.administrations = courses.map(|n| k * n);
            phased = true;
        }
    }
    // One day named for the cells ("graft on Day 0"), or "receive a dose of": one
    // administration, when nothing speaks of repeating it.
    if r.administrations.is_none()
        && r.interval_days.is_none()
        && !rx!(r"repeat|\bevery\b|cycles|\bsecond\b|additional\s+(?:\w+\s+)?(?:doses?|infusions?|injections?|administrations?|cycles?|courses?)|\bboost").is_match(s)
    {
        let near = |m: &regex::Match| m.start().abs_diff(anchor) < 200;
        let days: Vec<Captures> = rx!(r"\bday\s+[-+]?\d+\b(\s*(?:,|and|&|-|to|through|or)\s*(?:day\s+)?[-+]?\d)?")
            .captures_iter(s)
            .filter(|c| c.get(0).is_some_and(|m| near(&m)))
            .collect();
        let one_day = !days.is_empty() && days.iter().all(|c| c.get(1).is_none());
        if one_day || rx!(r"\breceive\s+a\s+(?:single\s+)?(?:dose|infusion|injection)\b").is_match(s) {
            r.administrations = Some(1);
        }
    }
    // Given during one procedure ("at the time of LVAD implantation", "during surgery"): once,
    // when nothing speaks of repeating it.
    if r.administrations.is_none()
        && r.interval_days.is_none()
        && !rx!(r"repeat|\bevery\b|cycles|\bsecond\b|additional\s+(?:\w+\s+)?(?:doses?|infusions?|injections?|administrations?|cycles?|courses?)|\bboost").is_match(s)
        && rx!(r"\b(?:at\s+the\s+time\s+of|during|intra-?operative(?:ly)?|at\s+the\s+end\s+of|underw(?:ent|ent|o|ill\s+undergo|ing)|(?:at|on)\s+the\s+day\s+of)\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+)?(?:[\w-]+\s+){0,3}?(?:surgery|implantation|operation|procedure|cabg|bypass|arthroscop\w*|endoscop\w*|catheteri[sz]ation|repair|arthroplasty|reconstruction|transplant\w*|placement)\b").is_match(s)
    {
        r.administrations = Some(1);
    }
    if r.administrations == Some(1) || phased {
        r.interval_days = None;
    }
    // Route: the stated route nearest to the dose.
    r.route = route_near(s, anchor);
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

/// How the words just before an amount qualify it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mark {
    /// A level as stated.
    Plain,
    /// A floor ("minimum", "at least", "≥"): the level when nothing else is stated.
    Min,
    /// A ceiling ("up to", "maximum"): the level when nothing else is stated.
    Max,
    /// A limit on a contaminant ("CD3+ < 1 x 10^5/kg", "less than"): never a level.
    Less,
    /// "(range 3 to 8 x 10^6/kg)" after a level: the range the level may take, not a level.
    RangeNote,
}

/// The `n` bytes of `s` before `at`, cut at a character boundary and at the last sentence end.
fn window_before(s: &str, at: usize, n: usize) -> &str {
    let mut b = at.saturating_sub(n);
    while b > 0 && !s.is_char_boundary(b) {
        b -= 1;
    }
    let w = s.get(b..at).unwrap_or("");
    // (The dot of "max. dose" ends no sentence.)
    match rx!(r"[.;!?]\s|\.\s*$").find_iter(w).filter(|m| !w[..m.start()].ends_with("max")).last() {
        Some(m) if m.end() < w.len() => &w[m.end()..],
        _ => w,
    }
}

/// The `n` bytes of `s` after `at`, cut at a character boundary and at the first sentence end.
fn window_after(s: &str, at: usize, n: usize) -> &str {
    let mut e = (at + n).min(s.len());
    while e < s.len() && !s.is_char_boundary(e) {
        e += 1;
    }
    let w = s.get(at..e).unwrap_or("");
    match rx!(r"[;!?]|\.\s").find(w) {
        Some(m) => &w[..m.start()],
        None => w,
    }
}

fn mark_of(before: &str) -> Mark {
    const FILL: &str = r"(?:\s*(?:of|dose|doses|cells?|number|a|an|the|is|be|will|total|target|cd34\+?|cd3\+?|cd56\+?|nk|t|:|\())*\s*$";
    if rx!(&format!(r"(?:minimum|at\s+least|no\s+less\s+than|not\s+less\s+than|≥|>=|>|more\s+than|greater\s+than){FILL}")).is_match(before)
    {
        Mark::Min
    } else if rx!(&format!(r"(?:maximum|maximal(?:ly)?|\bmax\b\.?|up\s+to|≤|<=|not\s+(?:to\s+)?exceed(?:ing)?|no\s+more\s+than){FILL}"))
        .is_match(before)
    {
        Mark::Max
    } else if rx!(&format!(r"(?:<|less\s+than|fewer\s+than|\bbelow){FILL}")).is_match(before) {
        Mark::Less
    } else if rx!(r"\brange[sd]?(?:\s+(?:of|from|is|between))?\s*[:(]?\s*$").is_match(before) {
        Mark::RangeNote
    } else {
        Mark::Plain
    }
}

/// Whether the amount at `a` is a number of cells to collect (mobilisation, apheresis or
/// harvest targets: "until ≥ 5x10^6 CD34+ cells/kg were collected") rather than a dose given.
fn is_collection_target(s: &str, a: &Amount) -> bool {
    // Giving words between the collection word and the amount make it a dose again ("harvested
    // T cells (minimum dose 1 x 10^6/kg will be thawed and infused"); "for transplantation" is
    // the purpose of a collection, not a giving.
    let admin = |t: &str| {
        let t = rx!(r"for\s+(?:the\s+)?(?:transplant\w*|infusion|reinfusion)").replace_all(t, " ");
        rx!(r"infus|administ|inject|transplant|receiv|\bgiven\b|\bgive\b|transfus|\bdose|thaw").is_match(&t)
    };
    let before = window_before(s, a.start, 100);
    if let Some(m) = rx!(r"collect|aphereses|apheresis|leukapheresis|\bharvest\b|\byield(?:s|ing|ed)?\b|\bharvesting\b|mobili[sz]ation|\bexpan(?:d|ded|sion)\s+to\b|\bcultur\w*\s+to\b|\bgrown\s+to\b|\bremaining\b|quality\s+control|release\s+(?:criteria|testing)").find_iter(before).last() {
        if !admin(&before[m.end()..]) {
            return true;
        }
    }
    let after = window_after(s, a.end, 100);
    if let Some(m) = rx!(r"\bcollected|\bharvested|\bobtained\b|\byield|\b(?:are|is|be)\s+(?:kept|stored|retained)\b|\bbefore\s+release|for\s+quality\s+control").find(after) {
        if !admin(&after[..m.start()]) {
            return true;
        }
    }
    false
}

/// Two amounts written as one range: "1x10^9 to 2x10^11", "1 x 10^6 - 5 x 10^6",
/// "between 10^6 and 10^7".
fn merge_ranges(s: &str, found: Vec<Amount>) -> Vec<Amount> {
    let mut out: Vec<Amount> = Vec::new();
    let mut i = 0;
    while i < found.len() {
        let a = &found[i];
        if let Some(b) = found.get(i + 1) {
            let gap = s.get(a.end..b.start).unwrap_or("");
            let between = window_before(s, a.start, 20).contains("between");
            let joined = rx!(r"^\s*(?:-|to)\s*$").is_match(gap) || (between && rx!(r"^\s*and\s*$").is_match(gap));
            // A chain "1 x 10^6 - 3 x 10^6 - 1 x 10^7" lists tiers, not a range.
            let chained = found.get(i + 2).is_some_and(|c| s.get(b.end..c.start).is_some_and(|g| rx!(r"^\s*(?:-|to)\s*$").is_match(g)));
            if joined && !chained && a.high.is_none() && b.high.is_none() && b.low > a.low {
                out.push(Amount { start: a.start, end: b.end, low: a.low, high: Some(b.low) });
                i += 2;
                continue;
            }
        }
        out.push(a.clone());
        i += 1;
    }
    out
}

/// A level read from a text, before its regimen is attached.
#[derive(Debug, Clone)]
struct Found {
    start: usize,
    end: usize,
    basis: Basis,
    low: f64,
    high: Option<f64>,
    mark: Mark,
}

/// Route wordings, tried in this order at each place of the text.
fn routes() -> (&'static regex::RegexSet, &'static [(Regex, &'static str)]) {
    static R: OnceLock<(regex::RegexSet, Vec<(Regex, &'static str)>)> = OnceLock::new();
    let (set, list) = R.get_or_init(|| {
        let list: Vec<(&'static str, &'static str)> = vec![
            (r"intrathecal|lumbar\s+puncture|spinal\s+tap|\bintra-?cisternal|into\s+the\s+(?:cerebrospinal|csf|spinal\s+canal)", "INTRATHECAL"),
            (r"intra[- ]?articular|\barticular\s+injection|(?:inject\w*|implant\w*)\s+in\s+the\s+(?:affected\s+|target\s+)?(?:knee|hip|ankle|shoulder|joint)\b|into\s+(?:the|each|both|one|a|an)\s+(?:(?:affected|target|index|knee|hip|ankle|shoulder)\s+)*(?:joint|knee|hip|ankle|shoulder)\b|joint\s+(?:space|cavity)", "INTRA_ARTICULAR"),
            (r"intra[- ]?muscular|\bi\.\s?m\b\.?|paraspinal\s+intramuscular|into\s+the\s+(?:\w+\s+)?muscles?\b", "INTRAMUSCULAR"),
            (r"sub-?cutaneous|\bs\.c\.\s|under\s+the\s+skin", "SUBCUTANEOUS"),
            (r"intra[- ]?coronary|coronary\s+arter(?:y|ies)|catheter\s+(?:\w+\s+){0,5}?(?:into|to)\s+the\s+(?:\w+\s+){0,4}?(?:heart|infarct|myocardium)", "INTRACORONARY"),
            (r"intra[- ]?arterial|(?:hepatic|splenic|renal|carotid|femoral|pancreatic|vertebral|mesenteric|iliac|brachial|uterine|gastroduodenal)\s+arter(?:y|ies)", "INTRA_ARTERIAL"),
            (
                r"intra-?lesional|into\s+the\s+lesion|local(?:ly)?\s+(?:inject|administ|implant|transplant|deliver)|\btopical|intra-?myocardial|trans-?endocardial|epicardial|into\s+the\s+(?:myocardium|heart\s+muscle)|sub-?conjunctival|peri-?anal|into\s+(?:(?:the|a|an|each|both)\s+)?(?:\w+\s+){0,3}?(?:fistula|tract|wound|ulcer|discs?|scar)|\bto\s+(?:the\s+)?fistula|intra-?discal|intra-?dermal|intra-?nodal|peri-?urethral|peri-?lesional(?:ly)?|\binto\s+the\s+(?:[a-z-]+\s+){0,2}?tissues?\b|into\s+(?:one\s+|the\s+|two\s+)?(?:\w+\s+)?lymph\s+nodes?|intra-?tumou?ral|intra-?cavernous|intra-?cavernosal|intra-?vitreal|intra-?vitreous|intra-?ocular|intra-?cameral|(?:inject\w*|given|administered|delivered|placed)\s+(?:at|into|in)\s+(?:several|multiple|different|various|\d+)\s+(?:\w+\s+)?sites|sub-?mucos\w*|(?:several|multiple|\d+)\s+(?:different\s+)?injection\s+sites|sub-?retinal|intra-?cerebral(?:ly)?|stereotactic\w*\s+(?:\w+\s+)?(?:injection|implantation|transplantation)|intra-?(?:hepatic|renal|splenic|osseous|uterine|vaginal|urethral|sphincteric|penile|gingival|testicular|ovarian|striatal|parenchymal)|\bin\s+the\s+(?:peri-?)?infarct\w*|into\s+the\s+(?:\w+\s+)?(?:corpus|cavernos\w*|penis|bladder\s+wall|urethra\w*|sphincter|skin|dermis|defect|cartilage|femoral\s+head|nucleus|retina|vitreous|liver|pancreas|kidney|spleen|brain|striatum|putamen|infarct\w*|tendon|ligament|endometri\w*|uterus|ovar\w*|test[ie]s|tumou?r|peri-?infarct|border\s+zone|spinal\s+cord|vocal\s+(?:folds?|cords?)|non-?union|fracture|bone\s+defect|(?:hematoma|haematoma|cyst|abscess|resection|surgical|uterine)\s+cavity|cyst)|\b(?:inject\w*|implant\w*|transplant\w*|engraft\w*|placed|applied|seeded)\s+(?:\w+\s+){0,6}?(?:in|into|within|onto|on)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:wound|ulcer|cyst|lesion|scar|defect)\s*(?:bed|site|area|cavity)?\b|\bperiodontal(?:ly)?\s+(?:inject\w*|implant\w*|administ\w*|defects?|pockets?)|\bperiodontally|sub-?acromial|sub-?chondral(?:ly)?|intra-?tendin\w*|peri-?tendin\w*",
                "LOCAL",
            ),
            // Cells carried on a scaffold, membrane, matrix, gel or plug are placed where it is
            // implanted: "seeded on a collagen scaffold", "in fibrin glue", "in a fistula plug".
            // (ASCII classes only in this set: a Unicode `\w` here made the lazy DFA give up and
            // the set fall back to the PikeVM, which doubled a whole run's time.)
            (
                r"\b(?:on|onto|in|into|with|within)\s+(?:(?:a|an|the)\s+)?(?:[a-z-]+\s+){0,3}?(?:scaffolds?|membranes?|biomatri(?:x|ces)|(?:collagen|fibrin|bone|acellular|dermal|extracellular|hydrogel)\s+matri(?:x|ces)|hydrogels?|fibrin\s+(?:glue|sealant|gel)|(?:fistula|collagen|bioabsorbable|biodegradable)\s+plugs?|fleeces?|(?:collagen|gelatin)\s+sponges?)\b",
                "LOCAL",
            ),
            (
                r"intra[- ]?venous|\bi\.\s?v\b\.?|\biv\b|\bvenous\s+drip|venous\s+infusion|intravenously|peripheral\s+(?:vein|venous|iv)|central\s+(?:venous\s+)?(?:line|catheter)|\binto\s+(?:a|the)\s+vein|\b(?:via|through|into|in|by)\s+(?:a|an|the)\s+(?:(?:peripheral|superficial|large|cubital|ante-?cubital|median|cephalic|basilic|arm|forearm|hand|dorsal|jugular|subclavian|femoral|elbow|ulnar|radial|brachial|axillary|metacarpal|great|small|saphenous)\s+){1,2}veins?\b|\bsystemic(?:ally)?\s+(?:infus\w*|inject\w*|administ\w*|deliver\w*)",
                "INTRAVENOUS",
            ),
            (
                r"intra-?(?:nasal|peritoneal|pancreatic|portal|pleural|ventricular|tracheal|bronchial|vesical)|endo-?bronchial|bronchoscop|portal\s+vein|inhal|nebuli[sz]|ommaya|cardio-?pulmonary\s+bypass|bypass\s+circuit|\b(?:through|via|into)\s+(?:the\s+)?cpb\b|intra-?cerebro-?ventricular|naso-?gastric|naso-?jejunal|\benteral(?:ly)?\b",
                "OTHER",
            ),
        ];
        let set = regex::RegexSet::new(list.iter().map(|(p, _)| crate::ascii_boundaries(p))).expect("valid literal regexes");
        (set, list.into_iter().map(|(p, n)| (compile(p), n)).collect())
    });
    (set, list)
}

/// The stated route nearest to `anchor` in the canonical text, if any.
fn route_near(s: &str, anchor: usize) -> Option<&'static str> {
    // The heart muscle is the myocardium (a local injection, not an intramuscular one); the
    // synonym is padded to the same length so positions still line up.
    let s = if s.contains("muscle") {
        rx!(r"\b(?:heart|cardiac)\s+muscle").replace_all(s, |c: &Captures| {
            let n = c.get(0).map(|m| m.len()).unwrap_or(0);
            format!("{:<n$}", "myocardium")
        })
    } else {
        std::borrow::Cow::Borrowed(s)
    };
    // "the infarct-related artery" is an artery, not the infarct; blanked the same way.
    let s = if s.contains("infarct") {
        std::borrow::Cow::Owned(
            rx!(r"\binfarct[\s-]+related\b").replace_all(&s, |c: &Captures| " ".repeat(c.get(0).map_or(0, |m| m.len()))).into_owned(),
        )
    } else {
        s
    };
    // A coronary artery bypass (surgery) or disease is no route; blanked the same way.
    let s = if s.contains("coronary") {
        std::borrow::Cow::Owned(
            rx!(r"\bcoronary\s+arter(?:y|ies)\s+(?:bypass|disease)")
                .replace_all(&s, |c: &Captures| " ".repeat(c.get(0).map_or(0, |m| m.len())))
                .into_owned(),
        )
    } else {
        s
    };
    let s = &*s;
    let mut best: Option<(usize, &'static str)> = None;
    // One pass tells which wordings occur at all; only those are searched for their places.
    let (set, routes) = routes();
    let present = set.matches(s);
    for (k, (re, name)) in routes.iter().enumerate() {
        if !present.matched(k) {
            continue;
        }
        for m in re.find_iter(s) {
            // The route of a drug dose ("ATG 3.5 mg/kg/dose IV") is the drug's.
            if rx!(r"\d\s*(?:mg|mcg|µg|μg|g|iu|units?)(?:\s*/\s*(?:kg|m2|m\^2|dose|day|d))*\s*$").is_match(window_before(s, m.start(), 25))
            {
                continue;
            }
            // A route in another clause (past a ";") is farther than any in the amount's own.
            let (a, b) = (m.start().min(anchor), m.start().max(anchor));
            let across = s.get(a..b).is_some_and(|g| g.contains(';'));
            let d = m.start().abs_diff(anchor) + if across { 10_000 } else { 0 };
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, name));
            }
        }
    }
    best.map(|b| b.1)
}

/// "on days 1-3" (3 administrations) and "days 1-3 of each of three cycles" (3 and 3 cycles),
/// near the dose at `anchor`.
fn day_range(s: &str, anchor: usize) -> Option<(i64, Option<i64>)> {
    let re = rx!(&format!(
        r"\b(?:on\s+)?days?\s+(\d+)\s*(?:-|to|through)\s*(\d+)(?:\s+of\s+(?:each\s+of\s+)?(?:the\s+)?(?:first\s+)?{COUNT}\s+(?:\w+\s+)?(?:cycles|courses))?"
    ));
    for c in re.captures_iter(s) {
        let m = c.get(0)?;
        if m.start().abs_diff(anchor) > 200 {
            continue;
        }
        let a: i64 = c.get(1)?.as_str().parse().ok()?;
        let b: i64 = c.get(2)?.as_str().parse().ok()?;
        if b <= a || b - a > 30 {
            continue;
        }
        let cycles = c.get(3).and_then(|m| word_count(m.as_str()));
        return Some((b - a + 1, cycles));
    }
    None
}

/// Dose levels stated in one text (empty when it states none).
pub fn parse_dose_text(text: &str) -> Vec<DoseLevel> {
    let text = crate::capped(text);
    // Every amount has a digit (ASCII, another script's, or a superscript) or a number in words
    // before "million": a text without one states no dose, and most texts of a record are like
    // that.
    if !text.chars().any(char::is_numeric) && !text.contains("illion") {
        return Vec::new();
    }
    let s = canonical_numbers(text);
    // The original text only lines up with `s` when canonicalisation kept every byte.
    let orig = if s.len() == text.len() { text } else { "" };
    let found = merge_ranges(&s, amounts(&s));
    // Every level keeps the low end of its amount, and only levels of 10^4 cells or more are
    // kept (below): a text whose amounts are all smaller (drug doses, ages, volumes, days)
    // states no level, and the rules in between need not run.
    if !found.iter().any(|a| a.low >= 1e4 && a.low.is_finite()) {
        return Vec::new();
    }
    // Amounts of other studies, of animals and of the harvest are no level of this trial.
    let spans = sentences(&s);
    let found: Vec<Amount> = found
        .into_iter()
        .filter(|a| !spans.iter().find(|&&(x, y)| a.start >= x && a.start < y).is_some_and(|&(x, y)| background_sentence(&s[x..y])))
        .collect();
    // Names the text gives its cells ("expanded stem cells (CME) ... 100 x 10^6 CME"): after an
    // amount, such a name is a cell word.
    let own_names: Vec<String> = if s.contains("cell") {
        rx!(r"\b(?:cells?|mscs?)\s*\(\s*([a-z][a-z0-9-]{1,9})\s*\)")
            .captures_iter(&s)
            .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
            .filter(|n| n.chars().any(|c| c.is_ascii_alphabetic()) && !rx!(r"^(?:s|es|or|and|i+|a|b|c|the)$").is_match(n))
            .collect()
    } else {
        Vec::new()
    };
    let mut levels: Vec<Found> = Vec::new();
    let mut pending: Vec<(&Amount, Mark)> = Vec::new();
    // Amounts with no unit of their own, for the next-tier rule below.
    let mut bare: Vec<(&Amount, Mark)> = Vec::new();
    for (i, a) in found.iter().enumerate() {
        // What follows, up to the next amount: a unit after that one is not this one's ("a
        // total of 50 million cells (about 1x10^6 per kg)").
        let next = found.get(i + 1).map(|n| n.start).unwrap_or(s.len());
        let after = s.get(a.end..next.max(a.end)).unwrap_or("");
        // Fractions of a split dose ("Day 1, 10% fraction: 1-5x10^7") are not dose levels, nor
        // are the bounds of an accepted range ("the lowest dose is 1x10^5 cells/kg, and the
        // highest dose is 1x10^6"). The lowest and highest doses of an escalation are levels:
        // "start with the lowest dose (94x10^6 cells)".
        let mut b0 = a.start.saturating_sub(30);
        while b0 > 0 && !s.is_char_boundary(b0) {
            b0 -= 1;
        }
        if s.get(b0..a.start).is_some_and(|b| {
            // (The stromal vascular fraction is a cell product, not a fraction of a dose.)
            b.contains("fraction") && !window_before(&s, a.start, 60).contains("vascular fraction")
                || rx!(r"(?:lowest|highest)\s+(?:acceptable\s+|allowed\s+|permitted\s+)?dose\s+(?:is|was|will\s+be|=|:)\s*$").is_match(b)
        }) {
            pending.clear();
            continue;
        }
        if is_collection_target(&s, a) {
            pending.clear();
            continue;
        }
        let mark = mark_of(window_before(&s, a.start, 40));
        let (mut basis, _) = basis_after(after);
        if basis.is_none() {
            if let Some(n) = own_names
                .iter()
                .find(|n| after.trim_start().strip_prefix(n.as_str()).is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric())))
            {
                let renamed = after.replacen(n.as_str(), "cells", 1);
                basis = basis_after(&renamed).0;
            }
        }
        match basis {
            Some(b) => {
                for (p, m) in pending.drain(..) {
                    levels.push(Found { start: p.start, end: p.end, basis: b, low: p.low, high: p.high, mark: m });
                }
                levels.push(Found { start: a.start, end: a.end, basis: b, low: a.low, high: a.high, mark });
            }
            None => {
                // Part of a list whose unit comes later: "10^6, 5x10^6 and 3x10^7 cells/kg".
                let next_close = found.get(i + 1).is_some_and(|n| {
                    s.get(a.end..n.start).is_some_and(|g| {
                        rx!(r"^\s*(?:,|and|or|-|to|/|#|&)?\s*(?:,|and|or)?\s*(?:(?:up\s+)?to\s+)?(?:a\s+)?(?:maximum\s+)?(?:of\s+)?$")
                            .is_match(g)
                            // A range note whose unit is this level's too: "1.5 x 10^8 (range 0.5 - 3 x 10^8) TIL".
                            || rx!(r"^\s*\(\s*(?:range[sd]?|ranging)(?:\s+(?:of|from|is|between))?\s*:?\s*$").is_match(g)
                            // The label of the next tier: "dose 1: 10^6; dose 2: 10^7 cells/kg".
                            || rx!(r"^\s*[;,]?\s*(?:and\s+)?(?:dose|level|cohort|group|dl|tier)\s*(?:level\s*|group\s*)?[a-z0-9-]{0,3}\s*[:=)]\s*$").is_match(g)
                            // ... or named without a colon: "DL1 5x10^7, DL2 1.5x10^8 and DL3 4.5x10^8".
                            || rx!(r"^\s*[;,]?\s*(?:and\s+|or\s+)?(?:dl|level|cohort|tier)\s*-?\s*\d{1,2}\s*$").is_match(g)
                    })
                });
                // A bound written after its level: "up to 3 x 10^11 lymphocytes (minimum of
                // 1 x 10^9)" has the basis of the level it bounds.
                let bound_of = levels.last().filter(|l| {
                    matches!(mark, Mark::Min | Mark::Max)
                        && a.start >= l.end
                        && s.get(l.end..a.start).is_some_and(|g| g.len() <= 40 && !g.contains(". "))
                });
                // The cell word before the amount and nothing after it but a giving word:
                // "dendritic cells 1 x 10^6 injection", "MSC: 2 x 10^7 per infusion".
                let shown = s.get(a.start..a.end).unwrap_or("");
                let cell_before = (shown.contains("10^") || rx!(r"million|billion|\bmill\b|\bmio\b").is_match(shown))
                    && rx!(r"(?:cells?|mscs?|lymphocytes|tils?|pbmcs?|nk|dcs?|car-?t|car-?nk|ciks?|ctls?|tcr-?t|mncs?|bmncs?|adrcs?|tregs?|vsts?|svf)\s*[()]?\s*[:=,-]?\s*(?:(?:in|at|with)\s+(?:a\s+)?)?(?:dose\s*(?:of\s*)?)?$").is_match(window_before(&s, a.start, 50))
                    && rx!(r"^\s*(?:(?:per\s+|each\s+|/\s*)?(?:injection|infusion|dose|administration|transplant\w*|vial|bag)s?\b|i\.?v\.?|intravenous\w*)?\s*(?:[;,.)]|$|\b(?:on|at|via|by|every|once|twice|weekly|monthly|x|for|in|into|will|is|are|was|were|given|administered|infused|injected|along|with|plus|together)\b)").is_match(after)
                    && !rx!(r"white|\bwbc|blood\s+cells|\bcounts?\b|neutrophil|platelet|\bcd4\b").is_match(window_before(&s, a.start, 50));
                if next_close {
                    pending.push((a, mark));
                } else if cell_before {
                    levels.push(Found { start: a.start, end: a.end, basis: Basis::Total, low: a.low, high: a.high, mark });
                    pending.clear();
                } else if let Some(b) = bound_of.map(|l| l.basis) {
                    levels.push(Found { start: a.start, end: a.end, basis: b, low: a.low, high: a.high, mark });
                    pending.clear();
                } else {
                    bare.append(&mut pending);
                    bare.push((a, mark));
                }
            }
        }
    }
    // The next tiers of an escalation, stated without the unit of the first one in the same
    // sentence: "the lowest dose (94x10^6 cells) ... increased to the next medium and high dose
    // (141x10^6 and 188x10^6 respectively)". Only amounts written the same way as that level
    // and introduced as doses, levels or tiers.
    if !bare.is_empty() && !levels.is_empty() {
        let notation = |a: usize, b: usize| {
            let t = s.get(a..b).unwrap_or("");
            if t.contains("10^") || rx!(r"x\s*10\d").is_match(t) {
                1
            } else if rx!(r"million|billion|\bmill\b|\bmio\b").is_match(t) {
                2
            } else {
                3
            }
        };
        let mut added = Vec::new();
        for (a, mark) in bare {
            // A concentration is no tier: "120 million cells (5 million cells / mL)".
            if per_unit_volume(s.get(a.end..).unwrap_or("")) {
                continue;
            }
            let Some(l) = levels.iter().rev().find(|l| l.end <= a.start) else { continue };
            let gap = s.get(l.end..a.start).unwrap_or("");
            if gap.len() <= 200
                && !gap.contains(". ")
                && notation(l.start, l.end) == notation(a.start, a.end)
                && rx!(r"\b(?:doses?|levels?|cohorts?|escalat\w*|increas\w*|tiers?|respectively)\b")
                    .is_match(window_before(&s, a.start, 60))
                && !rx!(r"\b(?:harvest\w*|expan\w*|collect\w*|yield\w*|count\w*|viab\w*|culture\w*|manufactur\w*)\b").is_match(gap)
            {
                added.push(Found { start: a.start, end: a.end, basis: l.basis, low: a.low, high: a.high, mark });
            }
        }
        if !added.is_empty() {
            levels.extend(added);
            levels.sort_by_key(|l| l.start);
        }
    }
    levels.retain(|l| l.low >= 1e4 && l.low.is_finite() && l.mark != Mark::Less);
    // A range note repeats a level already stated; a floor next to a ceiling of the same basis
    // is one range ("minimum 3 x 10^9 and up to a maximum of 3 x 10^11"); a floor next to a
    // plain level of that basis is a bound of it, not a level.
    let has = |levels: &[Found], b: Basis, m: &[Mark]| levels.iter().any(|l| l.basis == b && m.contains(&l.mark));
    let snapshot = levels.clone();
    levels.retain(|l| l.mark != Mark::RangeNote || !has(&snapshot, l.basis, &[Mark::Plain, Mark::Min, Mark::Max]));
    if let (Some(lo), Some(hi)) = (
        levels.iter().position(|l| l.mark == Mark::Min && l.high.is_none()),
        levels.iter().position(|l| l.mark == Mark::Max && l.high.is_none()),
    ) {
        if levels[lo].basis == levels[hi].basis && levels[hi].low > levels[lo].low {
            let top = levels[hi].low;
            levels[lo].high = Some(top);
            levels[lo].mark = Mark::Plain;
            levels.remove(hi);
        }
    }
    // A target inside the range just stated ("at least 1 x 10^9 ... with a maximum of 6 x 10^9.
    // The target dose is 5 x 10^9") is a point of that range, not another level.
    let snapshot = levels.clone();
    levels.retain(|l| {
        !(l.high.is_none()
            && rx!(r"\btarget(?:ed)?\b").is_match(window_before(&s, l.start, 40))
            && snapshot.iter().any(|o| o.basis == l.basis && o.start < l.start && o.high.is_some_and(|h| o.low <= l.low && l.low <= h)))
    });
    let snapshot = levels.clone();
    levels.retain(|l| l.mark != Mark::Min || !has(&snapshot, l.basis, &[Mark::Plain, Mark::Max]));
    // A ceiling in another basis right after levels ("0.5, 1.0 or 1.5 million cells/kg, up to
    // 150 million cells"): a cap for heavy patients, not a level of its own.
    let snapshot = levels.clone();
    levels.retain(|l| {
        !(l.mark == Mark::Max
            && l.high.is_none()
            && snapshot.iter().any(|o| {
                o.mark == Mark::Plain
                    && o.basis != l.basis
                    && o.end <= l.start
                    // ("max. dose": the abbreviation's dot ends no sentence.)
                    && s.get(o.end..l.start).is_some_and(|g| g.len() <= 60 && !g.replace("max. ", "max ").contains(". ") && !g.contains(';'))
            }))
    });
    // A total capped for participants above a weight ("1.5 million cells/kg ... maximum dose
    // as for a 100 kg subject, or 150 million cells for any subject of 100 kg or more"): the
    // per-kg level's cap, not a level of its own. (A flat dose of a weight band with no cap word,
    // "patients over 50 kg receive 100 million cells", stays a level.)
    if levels.iter().any(|l| l.basis == Basis::PerKg) {
        let heavy = rx!(
            r"\d+\s*kg\s+or\s+(?:more|above|over|heavier|greater)|(?:over|above|more\s+than|greater\s+than|heavier\s+than|exceeding|>=?|≥)\s*\d+\s*kg\b"
        );
        levels.retain(|l| {
            l.basis != Basis::Total
                || !spans.iter().find(|&&(x, y)| l.start >= x && l.start < y).is_some_and(|&(x, y)| {
                    heavy.is_match(&s[x..y])
                        && rx!(r"\bmax\w*|\bcap(?:ped|s)?\b|at\s+most|up\s+to|not\s+(?:to\s+)?exceed|\blimit").is_match(&s[x..y])
                })
        });
    }
    // A cumulative amount split into the doses stated next ("a total dose of 4 x 10^8 given as
    // 4 infusions of 1 x 10^8"): the per-administration level is the level.
    // "A total of 4 x 10^8 cells given as 4 infusions of 1 x 10^8" is the same, worded as a total
    // divided into doses; after "a total of" only words of dividing count ("a total of 10^8
    // cells, 10^7 per site" are sites of one procedure, whose whole amount is the level).
    let snapshot = levels.clone();
    levels.retain(|l| {
        let before = window_before(&s, l.start, 40);
        let split = if rx!(r"(?:total|cumulative|overall)\s+(?:cell\s+)?doses?\s*(?:of|:|is|=)?\s*$").is_match(before) {
            rx!(r"divided|split|given\s+as|\bas\s+\w+\s+(?:infusions|injections|doses)|\b(?:infusions|injections|doses|administrations)\s+of\b|\beach\b|\bper\b")
        } else if rx!(r"\ba\s+total\s+of\s*$").is_match(before) {
            rx!(r"divided|split|given\s+as|\b(?:infusions|injections|doses|administrations)\s+of\b")
        } else {
            return true;
        };
        !snapshot.iter().any(|o| {
            o.start > l.end
                && o.basis == l.basis
                && o.low < l.low
                && s.get(l.end..o.start).is_some_and(|g| g.len() <= 120 && !g.contains(". ") && split.is_match(g))
        })
    });
    // A cumulative amount after the per-administration level it adds up ("2x10^6/kg per dose
    // for three doses (total up to 6x10^6/kg)"): not a level either.
    let snapshot = levels.clone();
    levels.retain(|l| {
        let cumulative = rx!(r"(?:\btotal|cumulative|overall)\s+(?:cell\s+)?(?:doses?\s*)?(?:of\s+|:\s*|is\s+|=\s*)?(?:up\s+to\s+)?\s*$")
            .is_match(window_before(&s, l.start, 40));
        !cumulative
            || !snapshot.iter().any(|o| {
                o.end < l.start
                    && o.basis == l.basis
                    && o.low < l.low
                    && s.get(o.end..l.start).is_some_and(|g| {
                        g.len() <= 120
                    && !g.contains(". ")
                    && rx!(
                        r"\bper\s+(?:dose|infusion|injection|administration)\b|\beach\b|\b(?:doses|infusions|injections|administrations)\b"
                    )
                    .is_match(g)
                    })
            })
    });
    // The amount at each site of a stated total ("6,000,000 cells total consisting of injection
    // at 2 sites of 3,000,000 cells each", "a total of 2 x 10^7 MSCs (5 x 10^6 cells per site)",
    // "40 million cells in total, 10 million at each of 4 injection sites"): sites of one
    // procedure, whose whole amount is the level (LABELLING.md), not a level of its own.
    let snapshot = levels.clone();
    levels.retain(|l| {
        let after = window_after(&s, l.end, 50);
        !snapshot.iter().any(|o| {
            o.end <= l.start
                && o.basis == l.basis
                && o.low > l.low
                && s.get(o.end..l.start).is_some_and(|g| {
                    let total = rx!(r"\btotal\s+(?:\w+\s+)?(?:of|dose)?\s*$").is_match(window_before(&s, o.start, 40))
                        || rx!(r"^\s*(?:[\w-]+\s+){0,2}?(?:in\s+)?total\b").is_match(g);
                    let sites = rx!(r"\b(?:sites?|points?|locations?|spots?)\b");
                    g.len() <= 120
                        && !g.contains(". ")
                        && total
                        && ((sites.is_match(g) && rx!(r"^\s*(?:[\w/µμ.]+\s*){0,4}?each\b").is_match(after))
                            || rx!(r"^\s*(?:[\w/µμ.]+\s*){0,3}?(?:per|/)\s*(?:injection\s+)?(?:site|point|location)\b").is_match(after)
                            || rx!(r"\beach\s+of\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:sites|points|locations)\b").is_match(after))
                })
        })
    });
    // One level stated two ways: "a total of 50 million cells (about 1x10^6 per kg)".
    let mut merged: Vec<(Found, Option<Found>)> = Vec::new();
    for l in levels {
        if let Some((prev, other @ None)) = merged.last_mut() {
            let gap = s.get(prev.end..l.start).unwrap_or("");
            let two_ways = prev.basis != l.basis
                && (prev.basis == Basis::Total || l.basis == Basis::Total)
                && gap.len() <= 60
                && !gap.contains(';')
                && rx!(r"\(|\babout\b|approx|\bi\.?\s?e\b|correspond|equival|equal|=|which\s+is|\bthat\s+is|\bor\b").is_match(gap);
            if two_ways {
                *other = Some(l);
                continue;
            }
        }
        merged.push((l, None));
    }
    if merged.is_empty() {
        return Vec::new();
    }
    let anchor = merged.first().map(|l| l.0.start).unwrap_or(0);
    // Regimen words of the sentences that state a level or speak of giving cells; a sentence
    // about the drugs and conditioning of the same arm ("IL-2 every 8 hours, up to 15 doses")
    // says nothing of the cells.
    let starts: Vec<usize> = merged.iter().map(|l| l.0.start).collect();
    let view = regimen_view(&s, &starts);
    let reg = regimen(&view, orig, anchor);
    // Levels in different sentences or clauses ("Group A: ... a single infusion. Group B: ...
    // two infusions 2 weeks apart"): each level's schedule is read without the sentences of the
    // other levels (sentences stating no level, "Both are given weekly", stay for all).
    let span_of = |at: usize| spans.iter().position(|&(a, b)| at >= a && at < b);
    let own_regimens: Vec<Option<Regimen>> = if starts.iter().map(|&st| span_of(st)).collect::<std::collections::BTreeSet<_>>().len() > 1 {
        starts
            .iter()
            .map(|&st| {
                let mine = span_of(st);
                let others: Vec<usize> = starts.iter().filter_map(|&o| span_of(o)).filter(|&k| Some(k) != mine).collect();
                let mut own = view.clone().into_bytes();
                for k in others {
                    let (a, b) = spans[k];
                    let b = b.min(own.len());
                    for byte in own.get_mut(a..b).into_iter().flatten() {
                        *byte = b' ';
                    }
                }
                // Whole sentences are blanked, so every kept character is whole.
                // A level whose own sentences state no schedule keeps the text's ("A single
                // infusion of up to 4 x 10^6 cells/kg. The four doses are 0.5, 1, 2 and 4 x 10^6").
                String::from_utf8(own)
                    .ok()
                    .map(|v| regimen(&v, "", st))
                    .filter(|r| r.administrations.is_some() || r.interval_days.is_some())
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut out: Vec<DoseLevel> = Vec::new();
    let mut prev_end = 0usize;
    for (l, other) in merged {
        // The level's own words: its sentence, from the end of the level before it to the start
        // of the next ("150 million MSCs and 5 million c-kit+ cells": "and 5 million c-kit+
        // cells" is the second level's).
        let phrase = {
            let (x, y) = spans.iter().find(|&&(x, y)| l.start >= x && l.start < y).copied().unwrap_or((0, s.len()));
            let next = starts.iter().copied().find(|&st| st > l.start).unwrap_or(y);
            s.get(x.max(prev_end).min(l.start)..y.min(next).max(l.end)).unwrap_or("").trim().to_string()
        };
        let mut from = prev_end.max(l.start.saturating_sub(60));
        while from > 0 && !s.is_char_boundary(from) {
            from -= 1;
        }
        let mut label = s.get(from..l.start).unwrap_or("").to_string();
        prev_end = other.as_ref().map(|o| o.end).unwrap_or(l.end).max(l.end);
        // A tier named right after the level, in parentheses ("1 x 10^6 cells/kg (low dose) or
        // 2 x 10^6 cells/kg (high dose)"): this level's, not the next one's.
        let next_start = starts.iter().copied().find(|&st| st > l.start).unwrap_or(s.len());
        if let Some(m) = rx!(r"^[^()\d;.]{0,25}?\(([^()\d]{1,40})\)").find(s.get(prev_end..next_start.max(prev_end)).unwrap_or("")) {
            let note = &s[prev_end..prev_end + m.end()];
            if !tier_keys(note).is_empty() {
                label.push(' ');
                label.push_str(note);
                prev_end += m.end();
            }
        }
        // Levels given by different routes in one text ("50 million cells intravenously and 100
        // million intrathecally"): each level's route is the one nearest to it.
        let route = if starts.len() > 1 { route_near(&view, l.start).or(reg.route) } else { reg.route };
        let own = starts.iter().position(|&st| st == l.start).and_then(|i| own_regimens.get(i)).and_then(Option::as_ref).unwrap_or(&reg);
        let mut d = DoseLevel {
            label,
            phrase,
            administrations: own.administrations,
            interval_days: own.interval_days,
            route,
            vehicle: reg.vehicle.clone(),
            volume_ml: reg.volume_ml,
            source_text: text.trim().to_string(),
            ..DoseLevel::default()
        };
        for f in std::iter::once(&l).chain(other.as_ref()) {
            match f.basis {
                Basis::PerKg => {
                    d.per_kg = Some(f.low);
                    d.per_kg_high = f.high;
                }
                Basis::PerM2 => d.per_m2 = Some(f.low),
                Basis::Total => {
                    d.total = Some(f.low);
                    d.total_high = f.high;
                }
            }
        }
        // A count written after the level itself ("1 x 10^5 cells/kg x 1 day and 2 x 10^5
        // cells/kg x 1 day"): that level's own.
        let own_end = other.as_ref().map(|o| o.end).unwrap_or(l.end).max(l.end);
        if let Some(c) =
            rx!(r"^[^;,.\d]{0,30}?\s(?:x|for)\s*(\d+|one|two|three|four|five|six)\s+(days?|doses?|times|infusions?|injections?)\b")
                .captures(s.get(own_end..).unwrap_or(""))
        {
            if let Some(n) = c.get(1).and_then(|m| word_count(m.as_str())) {
                d.administrations = Some(n);
                // ("x 4 days" is daily; "weekly x 4 doses" keeps the frequency the text states.)
                d.interval_days =
                    if n > 1 && c.get(2).is_some_and(|u| u.as_str().starts_with("day")) { Some(1.0) } else { d.interval_days };
                if n == 1 {
                    d.interval_days = None;
                }
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
    if t.contains("no intervention") || t.contains("no_intervention") {
        return true;
    }
    let all = format!("{label} {}", desc.unwrap_or("")).to_lowercase();
    // An arm whose own text states a cell amount ("2.0 x 10^8 cells or placebo on day 0": cells
    // and placebo randomised within a cohort) is not a placebo arm by its words.
    let named = t.contains("placebo")
        || t.contains("sham")
        || all.contains("placebo") && !cell::mentions_cells(&all) && parse_dose_text(&all).is_empty();
    if !named {
        return false;
    }
    // Placebo in name, cells later: crossover and delayed-treatment arms are given cells
    // ("placebo infusion on day 0 and a single administration of cellular product on day +180").
    let later = rx!(
        r"cross[\s-]*(?:ed\s+)?over|delayed|deferred|open[\s-]label\s+(?:extension|phase)|after\s+(?:the\s+)?(?:blinded|double[\s-]blind|primary|\d+|one|three|six|twelve)\b[^.]{0,60}?(?:receive|infus|inject|treat)|\b(?:and|then|followed\s+by)\b[^.]{0,60}?\b(?:on\s+day\s*\+?[1-9]\d+|(?:at|in)\s+(?:month|week)\s+[1-9]\d*)"
    );
    !(later.is_match(&all) && (cell::mentions_cells(&all) || rx!(r"\bcells?\b|\bmscs?\b|lymphocytes").is_match(&all)))
}

/// One text read for doses.
struct Read<'a> {
    levels: Vec<DoseLevel>,
    raw: &'a Raw,
    field: &'static str,
}

/// Levels of a short label or name that puts the amount after the cells and no unit after it
/// ("Group 4 - CD8+ TIL expressing IL-12 3x10^7"): each power-of-ten or "million" amount is a
/// total. Only labels and names that speak of cells are read this way.
fn parse_label_text(text: &str) -> Vec<DoseLevel> {
    let text = crate::capped(text);
    if text.len() > 200 || !rx!(r"(?i)\bcells?\b|\bmscs?\b|lymphocytes|\btils?\b|\bnk\b|car[\s-]?t\b").is_match(text) {
        return Vec::new();
    }
    let s = canonical_numbers(text);
    let mut out: Vec<DoseLevel> = Vec::new();
    for a in amounts(&s) {
        let shown = s.get(a.start..a.end).unwrap_or("");
        let after = s.get(a.end..).unwrap_or("");
        if a.low < 1e4
            || !(shown.contains("10^") || rx!(r"million|billion").is_match(shown))
            || rx!(r"^\s*(?:mg|µg|ug|mcg|g|iu|u|/|per\b)").is_match(after)
            || per_unit_volume(after)
        {
            continue;
        }
        let d = DoseLevel { total: Some(a.low), total_high: a.high, source_text: text.trim().to_string(), ..DoseLevel::default() };
        if !out.iter().any(|o| o.amount() == d.amount()) {
            out.push(d);
        }
    }
    out
}

fn read<'a>(raw: &'a Raw, field: &'static str, issues: &mut Vec<(&'a Raw, &'static str)>, memo: &Memo) -> Read<'a> {
    let mut levels = memo.levels(&raw.text);
    if levels.is_empty() && (field == "arm.label" || field == "intervention.name") {
        levels = parse_label_text(&raw.text);
    }
    if levels.is_empty() && looks_like_dose(&raw.text) {
        issues.push((raw, field));
    }
    Read { levels, raw, field }
}

/// The levels of each text of one record, read once: an arm description is asked for by
/// every intervention it names, and again for its own row. Texts are told apart by address,
/// as they all live in the record for as long as the memo.
#[derive(Default)]
struct Memo(std::cell::RefCell<std::collections::HashMap<(usize, usize), Vec<DoseLevel>>>);

impl Memo {
    fn levels(&self, text: &str) -> Vec<DoseLevel> {
        let key = (text.as_ptr() as usize, text.len());
        if let Some(v) = self.0.borrow().get(&key) {
            return v.clone();
        }
        let v = parse_dose_text(text);
        self.0.borrow_mut().insert(key, v.clone());
        v
    }
}

/// A dose row before it is written.
struct Row<'a> {
    arm: Option<String>,
    arm_index: Option<usize>,
    inter: Option<usize>,
    lv: DoseLevel,
    field: &'static str,
    src: &'a Raw,
}

/// Amounts agree: every basis stated by both is equal (within 0.5 %), and one is stated by both.
fn same_amount(a: &DoseLevel, b: &DoseLevel) -> bool {
    let mut shared = false;
    for (x, y) in [(a.per_kg, b.per_kg), (a.total, b.total), (a.per_m2, b.per_m2)] {
        if let (Some(x), Some(y)) = (x, y) {
            if (x - y).abs() > 0.005 * x.abs().max(y.abs()) {
                return false;
            }
            shared = true;
        }
    }
    shared
}

/// Cell words (or a name of the trial's cell product) in a lower-case text.
fn names_cells(s: &str, names: &[String]) -> bool {
    rx!(r"\bcells?\b|mscs?\b|lymphocytes|\btils?\b|\bgraft\b|\bcar[\s-]?t\b|\bproduct\b|\bdcs?\b").is_match(s) || names_product(s, names)
}

/// Whether a lower-case text names one of `names` (letters and digits only, so "BRTX 100"
/// names "BRTX-100").
fn names_product(s: &str, names: &[String]) -> bool {
    if names.is_empty() {
        return false;
    }
    let a: String = s.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    names.iter().any(|n| a.contains(n.as_str()))
}

/// The names of a record's cell products (interventions that state a dose or name cells), as
/// [`names_product`] compares them.
fn product_names(raw: &RawRecord, dosed: &[bool]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (k, i) in raw.interventions.iter().enumerate() {
        let all = std::iter::once(&i.name).chain(i.other_names.iter()).map(|r| r.text.as_str()).collect::<Vec<_>>().join(" ");
        let desc = i.description.as_ref().map(|d| d.text.as_str()).unwrap_or("");
        if !(dosed.get(k).copied().unwrap_or(false) || cell::mentions_cells(&all) || cell::mentions_cells(desc))
            || rx!(r"(?i)placebo|saline|sham|vehicle").is_match(&all)
        {
            continue;
        }
        for n in std::iter::once(&i.name).chain(i.other_names.iter()) {
            let a: String = n.text.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
            if a.chars().count() >= 4 && !out.contains(&a) {
                out.push(a);
            }
            // The product without the tier its intervention is named for ("TG-C Low Dose",
            // "XYZ-101 Cohort 2"): the summary speaks of "TG-C". A code of three characters
            // counts when written as one (with a hyphen or a digit: "TG-C", "A1B").
            let core: Vec<&str> = n
                .text
                .split_whitespace()
                .filter(|w| !rx!(r"(?i)^(?:low|lower|lowest|mid|middle|medium|intermediate|high|higher|highest|dose[sd]?|level|cohort|group|arm|part|tier|dl\d*|\d+|[ivx]{1,3}|[a-h]|[-:(),]+)$").is_match(w))
                .collect();
            if core.len() < n.text.split_whitespace().count() {
                let c: String = core.concat().chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
                let code = core.len() == 1 && core[0].chars().any(|ch| ch == '-' || ch.is_ascii_digit());
                if (c.chars().count() >= 4 || (code && c.chars().count() == 3)) && !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// Cell words that mark a sentence of a summary as one about the product given.
fn cell_sentence(s: &str, names: &[String]) -> bool {
    names_cells(s, names) && rx!(r"infus|inject|administ|transplant|\bdose|receiv|\bgiven\b|implant|deliver").is_match(s)
}

/// A sentence about finding a donor or a graft unit ("it is possible to find a matched unit that
/// will deliver 5 x 10^7 cells/kg"): a selection threshold, not the dose given.
fn donor_search(l: &str) -> bool {
    rx!(r"\b(?:find|finding|identify|select|search\w*|lack\w*|cannot)\b[^.;]{0,80}\b(?:units?|donors?)\b|\b(?:units?|donors?)\b[^.;]{0,30}\b(?:available|identified)\b|\bavailable\s+(?:\w+\s+){0,6}(?:units?|donors?)\b|critical\s+for|\bdefined\s+as\b").is_match(l)
}

/// The sentences of a long text that speak of giving cells.
fn cell_sentences(text: &str, names: &[String]) -> String {
    let text = crate::capped(text);
    let mut out = String::new();
    // A clause after a ";" continues the sentence before it: "... at one of three dose levels:
    // (Tier 1) 2 million cells/kg; (Tier 2) 5 million cells/kg".
    let mut continues = false;
    for (a, b) in sentences(text) {
        let sent = &text[a..b];
        let l = sent.to_lowercase();
        if cell_sentence(&l, names) || continues && names_cells(&l, names) && l.chars().any(|c| c.is_ascii_digit()) {
            out.push_str(sent);
            out.push(' ');
            continues = sent.ends_with(';');
        } else {
            continues = false;
        }
    }
    out
}

/// Byte ranges of the sentences of `s`: a sentence ends at `;`, `!`, `?`, a newline, or a
/// `.` followed by a space or the end (so "1.5 x 10^7" stays whole).
fn sentences(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for m in rx!(r"[;!?]|\.(?:\s|$)").find_iter(s) {
        // Abbreviations do not end a sentence: "i.v.", "s.c.", "e.g.", "approx.", "vs.".
        if m.as_str().starts_with('.') && rx!(r"(?i)(?:\b[a-z]\.[a-z]|\bapprox|\bvs|\bca|\bno|\bfig)$").is_match(&s[..m.start()]) {
            continue;
        }
        if m.end() > start {
            out.push((start, m.end()));
        }
        start = m.end();
    }
    if start < s.len() {
        out.push((start, s.len()));
    }
    out
}

/// Whether a (canonical) sentence states amounts that are not this trial's doses: other studies
/// ("in previous studies, patients received ...", "a previous trial showed that ... was safe"),
/// animals ("in a rat model", "mice received"), or the harvest and manufacture of the cells
/// ("50 ml of bone marrow containing 1 x 10^8 nucleated cells is aspirated") when the sentence
/// gives nothing to anyone. A sentence that also speaks of this trial ("will", "this study")
/// keeps its amounts.
fn background_sentence(t: &str) -> bool {
    let other_study = rx!(
        r"\b(?:previous(?:ly)?|prior\s+(?:studies|study|trials?|reports?)|earlier\s+(?:studies|study|trials?|reports?|work)|(?:studies|reports|trials|investigators|authors)\s+(?:have\s+)?(?:shown|showed|reported|demonstrated|used)|literature|published|in\s+(?:an?\s+)?(?:animal|mouse|murine|rat|rodent|pig|porcine|swine|dog|canine|sheep|ovine|rabbit|primate|monkey)s?\b|animal\s+(?:models?|studies|experiments)|(?:mice|rats|pigs|dogs|rabbits|monkeys|sheep|animals|rodents)\s+(?:received|were|treated|given|injected)|pre-?clinical)\b"
    );
    let this_trial = rx!(
        r"\b(?:will|shall|this\s+(?:study|trial|protocol)|the\s+present\s+(?:study|trial)|current\s+(?:study|trial)|we\s+(?:will|propose|plan))\b"
    );
    if other_study.is_match(t) && !this_trial.is_match(t) {
        return true;
    }
    let harvest =
        rx!(r"\b(?:aspirat\w*|harvest\w*|collected|yield\w*|expanded\s+to|manufactur\w*|per\s+batch|release\s+criteria|viability)\b");
    harvest.is_match(t) && !rx!(GIVING).is_match(t)
}

/// Whether a (lower-case) sentence may state the regimen of a cell product: it speaks of
/// giving something, and of cells or of no drug dose.
fn regimen_sentence(l: &str) -> bool {
    let admin = rx!(r"infus|inject|administ|transplant|transfus|\btransfer|\bdose|\bdosage|receiv|\bgiven\b|implant|deliver|\btimes\b|weekly|monthly|\bevery\b|interval|apart|\bgraft\b|\bdays?\s+[-+]?\d").is_match(l);
    let cells = rx!(r"\bcells?\b|\bmscs?\b|lymphocytes|\btils?\b|\bgraft\b|\bcar[\s-]?t\b|\bproduct\b").is_match(l);
    let drug = drug_words(l);
    // A schedule of visits ("will be observed every month during a run-in period") is not one of
    // administrations.
    let visits = rx!(r"observ|follow[\s-]*(?:up|ed)|\bvisits?\b|assess|evaluat|monitor|examin|questionnaire|\bscans?\b|measure").is_match(l)
        && !rx!(r"infus|inject|administ|transplant|receiv|\bgiven\b|implant|deliver|\bdoses?\b|treat").is_match(l)
        || rx!(r"\b(?:observ\w*|follow\w*|visit\w*|assess\w*|evaluat\w*|monitor\w*|seen|examin\w*)\s+(?:[\w-]+\s+){0,4}?(?:every|monthly|weekly|on\s+a\s+(?:monthly|weekly|daily)\s+basis)\b").is_match(l);
    admin && (cells || !drug) && !visits
}

/// Names of the drugs given beside cell products (conditioning, cytokines, immunosuppressants,
/// mobilisers, antibodies), read by [`drug_words`] and [`drug_frequency`].
const DRUG_NAMES: &str = r"\bil-2\b|aldesleukin|interleukin|cyclophosphamide|fludarabine|busulfan|melphalan|tacrolimus|methotrexate|cyclosporin|\bg-csf\b|filgrastim|plerixafor|\w+mab\b";

/// Drug, radiation and cytokine wording (doses in mg, units, Gy; drug names of cell-therapy
/// regimens: conditioning, IL-2, antibodies).
fn drug_words(l: &str) -> bool {
    rx!(&format!(r"\d\s*(?:mg|µg|ug|mcg|g|iu|gy|cgy)\b|\bunits?\b|\biu\b|mg/|/m2|/m\^2|\bdrugs?\b|chemotherap|{DRUG_NAMES}|antibod|irradiation|\btbi\b")).is_match(l)
}

/// `s` with every sentence that cannot state the cells' regimen blanked out (same length, so
/// byte positions still line up), keeping the sentences in `keep`.
fn regimen_view(s: &str, keep: &[usize]) -> String {
    let blank = |t: &str| t.chars().map(|c| if c.len_utf8() == 1 { ' ' } else { c }).collect::<String>();
    let mut out = String::with_capacity(s.len());
    for (a, b) in sentences(s) {
        let sent = &s[a..b];
        let levels: Vec<usize> = keep.iter().copied().filter(|&k| k >= a && k < b).map(|k| k - a).collect();
        if levels.is_empty() && !regimen_sentence(&sent.to_lowercase()) {
            out.push_str(&blank(sent));
            continue;
        }
        // Within a kept sentence: what follows the cells ("followed by IL-2 every 8 hours for
        // up to 15 doses") and parentheses about drugs are the drugs' regimen.
        let mut kept = sent.to_string();
        let last = levels.iter().copied().max().unwrap_or(0);
        if let Some(m) = rx!(r"followed\s+by|\bthen\b|after\s+which|\bplus\b|together\s+with|along\s+with").find_at(sent, last) {
            let rest = &sent[m.start()..];
            let l = rest.to_lowercase();
            if drug_words(&l) && !rx!(r"\bcells?\b|\bmscs?\b|lymphocytes|\btils?\b").is_match(&l) {
                kept = format!("{}{}", &sent[..m.start()], blank(rest));
            }
        }
        // What precedes the cells in the sentence, up to "then" / "followed by" / a comma,
        // when it speaks of drugs and not of cells ("fludarabine 25 mg/m2 daily for 3 days, then
        // 2 x 10^6 CAR T cells/kg"): the drugs' regimen.
        if let Some(first) = levels.iter().copied().min() {
            if let Some(m) = rx!(r"followed\s+by|\bthen\b|after\s+which|[,;]").find_iter(kept.get(..first).unwrap_or("")).last() {
                let l = kept[..m.start()].to_lowercase();
                if drug_words(&l) && !rx!(r"\bcells?\b|\bmscs?\b|lymphocytes|\btils?\b|\bcar[\s-]?t\b").is_match(&l) {
                    kept = format!("{}{}", blank(&kept[..m.start()]), &kept[m.start()..]);
                }
            }
        }
        let kept = rx!(r"\([^()]*\)").replace_all(&kept, |c: &Captures| {
            let g = c.get(0).map(|m| m.as_str()).unwrap_or("");
            if drug_words(&g.to_lowercase()) && !levels.iter().any(|_| g.contains("10^")) {
                blank(g)
            } else {
                g.to_string()
            }
        });
        out.push_str(&kept);
    }
    out
}

/// Distinctive words of an intervention name (not "cells", "therapy", ...).
fn name_words(name: &str) -> Vec<String> {
    const GENERIC: &[&str] = &[
        "cell",
        "cells",
        "stem",
        "therapy",
        "injection",
        "infusion",
        "autologous",
        "allogeneic",
        "human",
        "derived",
        "product",
        "vaccine",
        "dose",
        "doses",
        "group",
        "biological",
        "drug",
        "treatment",
        "transplant",
        "transplantation",
        "with",
        "from",
        "and",
        "the",
        "suspension",
        "administration",
        "standard",
        "care",
    ];
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 && !GENERIC.contains(w))
        .map(str::to_string)
        .collect()
}

/// `text` with the sentences that name one of `others` but not `own` blanked out.
fn about_product(text: &str, own: Option<&str>, others: &[&str]) -> String {
    let Some(own) = own else { return text.to_string() };
    let own_w = name_words(own);
    let other_w: Vec<String> = others.iter().flat_map(|o| name_words(o)).filter(|w| !own_w.contains(w)).collect();
    if own_w.is_empty() || other_w.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for (a, b) in sentences(text) {
        let sent = &text[a..b];
        let l = sent.to_lowercase();
        if other_w.iter().any(|w| l.contains(w.as_str())) && !own_w.iter().any(|w| l.contains(w.as_str())) {
            out.extend(sent.chars().map(|c| if c.len_utf8() == 1 { ' ' } else { c }));
        } else {
            out.push_str(sent);
        }
    }
    out
}

/// The sentences of an arm description that may state the cells' regimen: they speak of
/// giving something, and of cells or of no drug dose.
fn regimen_sentences(text: &str) -> String {
    let text = crate::capped(text);
    regimen_view(text, &[])
}

/// Regimen facts of a text that speaks of the cells without stating their amount, read near
/// its first cell word.
fn context_regimen(text: &str, names: &[String], own: bool) -> Regimen {
    let canon = canonical_numbers(crate::capped(text));
    let s = regimen_view(&canon, &[]);
    let anchor = rx!(r"\bcells?\b|\bmscs?\b|lymphocytes|\btils?\b|\bcar[\s-]?t\b").find(&s).map(|m| m.start()).unwrap_or(0);
    let mut r = regimen(&s, "", anchor);
    // A route from another text is the cells' only in a sentence about the cells and no drug
    // ("G-CSF s.c. daily" is the donor's mobilisation).
    let mut cells_only = String::with_capacity(canon.len());
    for (a, b) in sentences(&canon) {
        let sent = &canon[a..b];
        // (In the description of the row's own product every sentence about giving it is
        // about the cells.)
        let giving = || rx!(r"infus|inject|administ|\bgiven\b|deliver|implant|transplant").is_match(sent);
        let keep = (names_cells(sent, names) || own && giving()) && !drug_words(sent);
        cells_only.extend(sent.chars().map(|c| if keep || c.len_utf8() > 1 { c } else { ' ' }));
    }
    r.route = route_near(&cells_only, anchor);
    r
}

/// The free texts that describe the whole trial, in the order they are read for doses: the
/// design's intervention-model description, the brief summary, the detailed description (with
/// the field name a dose row read from one names).
fn described(raw: &RawRecord) -> [(&Option<Raw>, &'static str); 3] {
    [
        (&raw.intervention_model_description, "intervention_model_description"),
        (&raw.brief_summary, "brief_summary"),
        (&raw.detailed_description, "detailed_description"),
    ]
}

/// The `doses` rows of a record, attributed to arms and interventions, with the built-in
/// product vocabulary.
pub fn doses_for_record(raw: &RawRecord, nct_id: &str, product: &CellProduct) -> (Vec<Dose>, Vec<RecordIssue>) {
    doses_for_record_with(raw, nct_id, product, &NormalizeConfig::default())
}

/// [`doses_for_record`] with the product vocabulary of `cfg`.
pub fn doses_for_record_with(raw: &RawRecord, nct_id: &str, product: &CellProduct, cfg: &NormalizeConfig) -> (Vec<Dose>, Vec<RecordIssue>) {
    let memo = Memo::default();
    let mut unread: Vec<(&Raw, &'static str)> = Vec::new();
    let mut notes: Vec<(u32, String, String)> = Vec::new();
    // Each intervention's dose statement: description first, then name, then other names.
    let inter_reads: Vec<Option<Read>> = raw
        .interventions
        .iter()
        .map(|i| {
            let mut cands = Vec::new();
            if let Some(d) = &i.description {
                cands.push(read(d, "intervention.description", &mut unread, &memo));
            }
            cands.push(read(&i.name, "intervention.name", &mut unread, &memo));
            for o in &i.other_names {
                cands.push(read(o, "intervention.other_name", &mut unread, &memo));
            }
            cands.into_iter().find(|r| !r.levels.is_empty())
        })
        .collect();
    // Whether each arm is a placebo (or no-intervention) arm, decided once.
    let placebo: Vec<bool> = raw
        .arms
        .iter()
        .map(|a| is_placebo_arm(a.arm_type.as_ref(), &a.label.text, a.description.as_ref().map(|d| d.text.as_str())))
        .collect();
    // An intervention is dosed when it states a level, or when an arm it is given in does
    // ("Low dose QX-7 2 x 10^6 cells" in the arm, "QX-7 Low Dose" the intervention).
    let dosed: Vec<bool> = inter_reads
        .iter()
        .zip(&raw.interventions)
        .map(|(r, i)| {
            r.is_some()
                || raw.arms.iter().zip(&placebo).any(|(a, &placebo)| {
                    a.intervention_names.iter().any(|n| cell::name_matches(&n.text, &i.name.text))
                        && !placebo
                        && a.description.as_ref().is_some_and(|d| !memo.levels(&d.text).is_empty())
                })
        })
        .collect();
    let names = product_names(raw, &dosed);
    // The arms that may receive the cells: not placebo, and (when any arm does) naming cells in
    // their label, description or interventions; an arm of "Controlled suspension liquid" typed
    // experimental is no cell arm beside one of "Umbilical cord mesenchymal stem cells".
    let cell_arms: Vec<usize> = {
        let open: Vec<usize> = (0..raw.arms.len()).filter(|&k| !placebo[k]).collect();
        let naming: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&k| {
                raw.arms.get(k).is_some_and(|a| {
                    cell::mentions_cells(&a.label.text)
                        || a.description.as_ref().is_some_and(|d| cell::mentions_cells(&d.text))
                        || a.intervention_names.iter().any(|n| cell::mentions_cells(&n.text))
                })
            })
            .collect();
        if naming.is_empty() {
            open
        } else {
            naming
        }
    };
    let mut used = vec![false; raw.interventions.len()];
    let mut rows: Vec<Row> = Vec::new();
    let mut arm_links: Vec<Vec<usize>> = Vec::new();

    for (ai, arm) in raw.arms.iter().enumerate() {
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
        arm_links.push(linked.clone());
        if placebo[ai] {
            for &k in &linked {
                used[k] = true;
            }
            continue;
        }
        let own = desc
            .map(|d| read(d, "arm.description", &mut unread, &memo))
            .filter(|r| !r.levels.is_empty())
            .or_else(|| Some(read(&arm.label, "arm.label", &mut unread, &memo)).filter(|r| !r.levels.is_empty()));
        let cell_linked: Vec<usize> = linked
            .iter()
            .copied()
            .filter(|&k| {
                inter_reads.get(k).is_some_and(|r| r.is_some())
                    || raw.interventions.get(k).is_some_and(|i| cell::mentions_cells(&i.name.text))
            })
            .collect();
        match own {
            Some(r) => {
                // The product dosed: a linked cell intervention, or the linked intervention the
                // dose text names ("NK510 will be administered ... 10^9 NK cells/dose").
                let own_l = r.raw.text.to_lowercase();
                // (Named whole, or by a distinctive word of its name: "rexlemestrocel-L cells"
                // given as the intervention "Rexlemestrocel-L + HA mixture".)
                let named = linked
                    .iter()
                    .copied()
                    .find(|&k| {
                        raw.interventions.get(k).is_some_and(|i| {
                            let n = i.name.text.trim().to_lowercase();
                            n.len() >= 3 && own_l.contains(&n)
                        })
                    })
                    .or_else(|| {
                        linked.iter().copied().find(|&k| {
                            raw.interventions.get(k).is_some_and(|i| {
                                !rx!(r"(?i)placebo|saline|sham|vehicle").is_match(&i.name.text)
                                    && name_words(&i.name.text).iter().any(|w| {
                                        // The word names the cells given: "zorbastemcel cells".
                                        w.chars().count() >= 5
                                            && own_l.match_indices(w.as_str()).any(|(at, _)| {
                                                let after = own_l.get(at + w.len()..).unwrap_or("");
                                                let near: String = after.chars().take(25).collect();
                                                rx!(r"\bcells?\b").is_match(&near)
                                            })
                                    })
                            })
                        })
                    });
                let k = cell_linked.first().copied().or(named);
                for &j in &linked {
                    used[j] = true;
                }
                let ir = k.and_then(|k| inter_reads.get(k)).and_then(|r| r.as_ref());
                let single = r.levels.len() == 1;
                for mut lv in r.levels {
                    // Fill regimen facts the arm leaves out from its intervention's statement.
                    if let Some(ir) = ir {
                        let only_total = |l: &DoseLevel| l.total.is_some() && l.per_kg.is_none() && l.per_m2.is_none();
                        let only_rel = |l: &DoseLevel| l.total.is_none() && (l.per_kg.is_some() || l.per_m2.is_some());
                        if let Some(m) = ir.levels.iter().find(|l| same_amount(l, &lv)) {
                            fill(&mut lv, m);
                        } else if let (true, [m]) = (single, &ir.levels[..]) {
                            // One level stated two ways across the two texts: a total in one,
                            // per kg (or m²) in the other.
                            if (only_total(&lv) && only_rel(m)) || (only_rel(&lv) && only_total(m)) {
                                fill(&mut lv, m);
                            } else {
                                lv.route = lv.route.or(m.route);
                                lv.vehicle = lv.vehicle.or_else(|| m.vehicle.clone());
                                lv.volume_ml = lv.volume_ml.or(m.volume_ml);
                            }
                        } else if let Some(m) = ir.levels.first() {
                            lv.route = lv.route.or(m.route);
                            lv.vehicle = lv.vehicle.or_else(|| m.vehicle.clone());
                            lv.volume_ml = lv.volume_ml.or(m.volume_ml);
                        }
                    }
                    rows.push(Row { arm: Some(arm.label.text.clone()), arm_index: Some(ai), inter: k, lv, field: r.field, src: r.raw });
                }
            }
            None => {
                let arm_text = format!("{} {}", arm.label.text, desc.map(|d| d.text.as_str()).unwrap_or(""));
                for &k in &linked {
                    if let Some(Some(ir)) = inter_reads.get(k) {
                        used[k] = true;
                        for lv in levels_for_arm(&ir.levels, &arm_text) {
                            rows.push(Row {
                                arm: Some(arm.label.text.clone()),
                                arm_index: Some(ai),
                                inter: Some(k),
                                lv: lv.clone(),
                                field: ir.field,
                                src: ir.raw,
                            });
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
                rows.push(Row { arm: None, arm_index: None, inter: Some(k), lv: lv.clone(), field: ir.field, src: ir.raw });
            }
        }
    }
    if rows.is_empty() {
        // A level of the title is the single cell arm's when the trial has one.
        let (arm, arm_index) = match cell_arms.as_slice() {
            [one] => (raw.arms.get(*one).map(|a| a.label.text.clone()), Some(*one)),
            _ => (None, None),
        };
        for (t, f) in [(&raw.official_title, "official_title"), (&raw.brief_title, "brief_title")] {
            if let Some(t) = t {
                let r = read(t, f, &mut unread, &memo);
                if !r.levels.is_empty() {
                    for lv in r.levels {
                        rows.push(Row { arm: arm.clone(), arm_index, inter: None, lv, field: f, src: t });
                    }
                    break;
                }
            }
        }
    }
    // Nothing else states a dose: the sentences of the design's intervention-model description,
    // the summary, then the description, that speak of giving the cells (not of earlier
    // studies). A level is the single cell arm's
    // when the trial has one, else no arm's. (Every level has a digit: texts and sentences
    // without one are not read.)
    let has_digit = |t: &Option<Raw>| t.as_ref().is_some_and(|t| crate::capped(&t.text).chars().any(char::is_numeric));
    if rows.is_empty()
        && (has_digit(&raw.intervention_model_description) || has_digit(&raw.brief_summary) || has_digit(&raw.detailed_description))
    {
        let arm_index = match cell_arms.as_slice() {
            [one] => Some(*one),
            _ => None,
        };
        for (t, f) in described(raw) {
            let Some(t) = t else { continue };
            let text = crate::capped(&t.text);
            // "All patients ... will receive": the levels are every cell arm's.
            let every_arm = arm_index.is_none()
                && cell_arms.len() > 1
                && rx!(r"(?i)\ball\s+(?:the\s+)?(?:patients|participants|subjects)\b|\beach\s+(?:patient|participant|subject)\b")
                    .is_match(text);
            let targets: Vec<Option<usize>> = if every_arm { cell_arms.iter().copied().map(Some).collect() } else { vec![arm_index] };
            // A clause after a ";" continues the sentence before it ("at one of three dose
            // levels: (Tier 1) 2 million cells/kg; (Tier 2) 5 million cells/kg").
            let mut continues = false;
            for sent in sentences(text).into_iter().map(|(a, b)| &text[a..b]) {
                let continued = std::mem::replace(&mut continues, false);
                if !sent.chars().any(char::is_numeric) {
                    continue;
                }
                let lower = sent.to_lowercase();
                // An amount per kg of body weight beside the cells' name is a dose given, with or
                // without a verb ("UC-MSCs (1.5×10^6/kg) or the same volume of placebo").
                let about_cells = cell_sentence(&lower, &names)
                    || continued && names_cells(&lower, &names)
                    || rx!(r"/\s*kg\b|per\s+kg\b|per\s+kilo").is_match(&lower)
                        && names_cells(&lower, &names)
                        // (Not an amount to collect or reach: "mobilize at least 2 x 10^6 CD34+
                        // cells/kg", "reach a target number of CD34+ cells".)
                        && !rx!(r"mobili[sz]|collect|apheres|harvest|endpoint|yield|target|achiev|reach").is_match(&lower);
                if !about_cells || donor_search(&lower) || rx!(r"previous|prior\s+(?:stud|trial|experience)|reported|\bstudies\b|\bmice\b|\brats?\b|animal|murine|pre-?clinical|in\s+vitro|literature|\bwas\s+shown|\bhave\s+been|\bhas\s+been").is_match(&lower) {
                    continue;
                }
                continues = sent.ends_with(';');
                for lv in parse_dose_text(sent) {
                    // A tier the cell arms name ("Cohort 2: 3 x 10^6 cells/kg" and a "Cohort 2"
                    // arm): that arm's level.
                    let keys = tier_keys(&lv.label);
                    let named: Vec<Option<usize>> = if keys.is_empty() || cell_arms.len() < 2 {
                        Vec::new()
                    } else {
                        cell_arms
                            .iter()
                            .copied()
                            .filter(|&k| {
                                raw.arms.get(k).is_some_and(|a| {
                                    let at = tier_keys(
                                        &format!("{} {}", a.label.text, a.description.as_ref().map(|d| d.text.as_str()).unwrap_or(""))
                                            .to_lowercase(),
                                    );
                                    keys.iter().all(|w| at.contains(w))
                                })
                            })
                            .map(Some)
                            .collect()
                    };
                    let targets = if named.is_empty() { targets.clone() } else { named };
                    // Several cell arms and nothing naming which one: the row stays without an arm,
                    // and the record says so rather than guess.
                    if targets == [None] && cell_arms.len() > 1 {
                        notes.push((
                            t.line,
                            format!(
                                "{f} states a cell dose that none of the {} cell arms is named for; the row has no arm",
                                cell_arms.len()
                            ),
                            sent.trim().to_string(),
                        ));
                    }
                    for &arm_index in &targets {
                        let arm = arm_index.and_then(|k| raw.arms.get(k)).map(|a| a.label.text.clone());
                        rows.push(Row { arm, arm_index, inter: None, lv: lv.clone(), field: f, src: t });
                    }
                }
            }
            if !rows.is_empty() {
                break;
            }
        }
    }

    // A cell arm that no text of its own gives a level, in a trial whose other arms have rows
    // ("Repeated infusions" beside "Single infusion: 1 x 10^6 cells/kg once"): the sentences about
    // giving the cells of the design description, summary and description that name this arm
    // (its tier, or a word of its label no other arm's label has: "the repeated group") and no
    // other arm.
    let undosed: Vec<usize> = if rows.is_empty() {
        Vec::new()
    } else {
        (0..raw.arms.len()).filter(|&k| !placebo[k] && !rows.iter().any(|r| r.arm_index == Some(k))).collect()
    };
    if !undosed.is_empty() {
        let own_words = |k: usize| -> Vec<String> {
            let others: Vec<String> =
                raw.arms.iter().enumerate().filter(|&(j, _)| j != k).flat_map(|(_, a)| name_words(&a.label.text)).collect();
            raw.arms
                .get(k)
                .map(|a| name_words(&a.label.text))
                .unwrap_or_default()
                .into_iter()
                .filter(|w| {
                    !others.contains(w)
                        && !names_cells(w, &names)
                        && !rx!(r"^(?:arms?|groups?|cohorts?|patients?|subjects?|participants?)$").is_match(w)
                })
                .collect()
        };
        let words: Vec<Vec<String>> = (0..raw.arms.len()).map(own_words).collect();
        let keys: Vec<Vec<String>> = raw.arms.iter().map(|a| tier_keys(&a.label.text.to_lowercase())).collect();
        for k in undosed {
            // An arm with no tier and no word of its own cannot be named.
            if words[k].is_empty() && keys[k].is_empty() {
                continue;
            }
            let Some(a) = raw.arms.get(k) else { continue };
            for (t, f) in described(raw) {
                let Some(t) = t else { continue };
                let text = crate::capped(&t.text);
                for sent in sentences(text).into_iter().map(|(x, y)| &text[x..y]) {
                    if !sent.chars().any(char::is_numeric) {
                        continue;
                    }
                    let lower = sent.to_lowercase();
                    let tokens: std::collections::HashSet<&str> = rx!(r"[a-z0-9]+").find_iter(&lower).map(|m| m.as_str()).collect();
                    let tiers = tier_keys(&lower);
                    let names_arm = |j: usize| {
                        (!keys[j].is_empty() && keys[j].iter().all(|w| tiers.contains(w)))
                            || words[j].iter().any(|w| tokens.contains(w.as_str()))
                    };
                    if !names_arm(k)
                        || (0..raw.arms.len()).any(|j| j != k && names_arm(j))
                        || !cell_sentence(&lower, &names)
                        || donor_search(&lower)
                        || background_sentence(&lower)
                    {
                        continue;
                    }
                    for lv in parse_dose_text(sent) {
                        // The same level already read without an arm (several cell arms, the
                        // summary naming none): this sentence names its arm.
                        if let Some(row) = rows.iter_mut().find(|r| r.arm_index.is_none() && same_amount(&r.lv, &lv)) {
                            row.arm = Some(a.label.text.clone());
                            row.arm_index = Some(k);
                            continue;
                        }
                        rows.push(Row { arm: Some(a.label.text.clone()), arm_index: Some(k), inter: None, lv, field: f, src: t });
                    }
                }
            }
        }
    }

    // One row per (arm, level): the same level read from two texts (arm and intervention, or
    // an intervention not linked to any arm) is one row, its regimen taken from both.
    let mut merged: Vec<Row> = Vec::new();
    for row in rows {
        let same_arm = |m: &Row| match (&m.arm, &row.arm) {
            (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
            (_, None) => true,
            (None, Some(_)) => false,
        };
        if let Some(m) = merged.iter_mut().find(|m| same_arm(m) && same_amount(&m.lv, &row.lv)) {
            if let (Some(a), Some(b)) = (m.lv.administrations, row.lv.administrations) {
                if a != b {
                    notes.push((
                        row.src.line,
                        format!(
                            "{} and {} state different numbers of administrations ({a} and {b}) for one dose level; the first is kept",
                            m.field, row.field
                        ),
                        format!("{} | {}", m.lv.source_text, row.lv.source_text),
                    ));
                }
            }
            fill(&mut m.lv, &row.lv);
            m.inter = m.inter.or(row.inter);
            continue;
        }
        merged.push(row);
    }

    // One level stated two ways in two texts of one arm (the arm: "100 million cells", its
    // intervention: "about 1.5 x 10^6 cells/kg"): when the arm has just these two rows, one
    // only a total and the other only a per-kg or per-m² amount, they are one row.
    {
        let only_total = |l: &DoseLevel| l.total.is_some() && l.per_kg.is_none() && l.per_m2.is_none();
        let only_rel = |l: &DoseLevel| l.total.is_none() && (l.per_kg.is_some() != l.per_m2.is_some());
        let mut k = 0;
        while k < merged.len() {
            let same: Vec<usize> = (0..merged.len())
                .filter(|&j| {
                    merged[j].arm.as_deref().map(str::trim).map(str::to_lowercase)
                        == merged[k].arm.as_deref().map(str::trim).map(str::to_lowercase)
                })
                .collect();
            if let [a, b] = same[..] {
                let (ra, rb) = (&merged[a], &merged[b]);
                if ra.field != rb.field && ((only_total(&ra.lv) && only_rel(&rb.lv)) || (only_rel(&ra.lv) && only_total(&rb.lv))) {
                    let other = merged.remove(b);
                    fill(&mut merged[a].lv, &other.lv);
                    merged[a].inter = merged[a].inter.or(other.inter);
                    continue;
                }
            }
            k += 1;
        }
    }
    // Regimen facts stated in another text of the same arm or intervention, then in the cell
    // sentences of the summary and description ("every two weeks, 4 times" in the arm, the
    // cells/kg in the intervention).
    // (Only read when there is a row to fill.)
    let summary: Vec<String> = if merged.is_empty() {
        Vec::new()
    } else {
        described(raw).into_iter().filter_map(|(t, _)| t.as_ref()).map(|t| cell_sentences(&t.text, &names)).collect()
    };
    // The titles, for regimen words only ("A Single Dose of ...").
    let titles: Vec<String> = [&raw.brief_title, &raw.official_title].into_iter().flatten().map(|t| t.text.clone()).collect();
    // Regimen facts of a text, by (text, whether it is the row's own product's description).
    let mut contexts: Vec<(String, bool, Regimen)> = Vec::new();
    for row in &mut merged {
        let mut near: Vec<String> = Vec::new();
        let mut own_desc: Vec<String> = Vec::new();
        let mut inters: Vec<usize> = row.inter.into_iter().collect();
        if let Some(links) = row.arm_index.and_then(|ai| arm_links.get(ai)) {
            inters.extend(links.iter().copied().filter(|k| Some(*k) != row.inter));
        }
        for k in inters {
            if let Some(i) = raw.interventions.get(k) {
                // The cell product's own intervention, or another one of the arm that is not a drug.
                let drug =
                    i.intervention_type.as_ref().is_some_and(|t| rx!(r"(?i)drug|radiation|procedure|device|behavio").is_match(&t.text));
                let text = format!("{} {}", i.name.text, i.other_names.iter().map(|o| o.text.as_str()).collect::<Vec<_>>().join(" "));
                if Some(k) != row.inter && drug && !cell::mentions_cells(&text) && inter_reads.get(k).is_none_or(|r| r.is_none()) {
                    continue;
                }
                if Some(k) == row.inter {
                    own_desc.extend(i.description.iter().map(|d| d.text.clone()));
                }
                near.extend(i.description.iter().map(|d| d.text.clone()));
                // A name that is a sentence states a regimen too ("MSC-NTF cells transplantation
                // by multiple intramuscular injections at 24 separate sites").
                if i.name.text.split_whitespace().count() >= 6 && !rx!(r"(?i)placebo|saline|sham|vehicle").is_match(&i.name.text) {
                    near.push(i.name.text.clone());
                }
            }
        }
        let mut label_regimen: Option<Regimen> = None;
        if let Some(arm) = row.arm_index.and_then(|ai| raw.arms.get(ai)) {
            // An arm also describes its drugs and conditioning: only its sentences about giving
            // the cells (or that name no drug dose) speak of the cells' regimen.
            // When the arm gives several products, a sentence naming another of them and not
            // this row's is that product's regimen ("STAV-loaded cells: 5 doses ...; up to 4
            // doses of dendritic vaccine ...").
            let others: Vec<&str> = arm_links
                .get(row.arm_index.unwrap_or(usize::MAX))
                .map(|l| {
                    l.iter()
                        .copied()
                        .filter(|k| Some(*k) != row.inter)
                        .filter_map(|k| raw.interventions.get(k))
                        .map(|i| i.name.text.as_str())
                        .collect()
                })
                .unwrap_or_default();
            let own = row.inter.and_then(|k| raw.interventions.get(k)).map(|i| i.name.text.as_str());
            near.extend(arm.description.iter().map(|d| regimen_sentences(&about_product(&d.text, own, &others))));
            // An arm's label that states a schedule ("1-time injection group", "Two infusions
            // arm") is this arm's own: it wins over the texts the arm shares with others (an
            // intervention described for a one- and a two-injection arm alike).
            let stated = regimen(&canonical_numbers(crate::capped(&arm.label.text)), "", 0);
            if stated.administrations.is_some() || stated.interval_days.is_some() {
                label_regimen = Some(stated);
            }
        }
        let near: Vec<&str> = near.iter().map(String::as_str).collect();
        // The texts whose regimen facts fill what the level leaves out, in order of trust. Each
        // is read only when a fact is still missing, and once per record (the summary and
        // titles are asked for by every row).
        let sources: Vec<(&str, bool)> = near
            .iter()
            .map(|t| (*t, own_desc.iter().any(|o| o == t)))
            .chain(summary.iter().map(|t| (t.as_str(), false)))
            .chain(titles.iter().map(|t| (t.as_str(), false)))
            .collect();
        let mut context = |i: usize| -> Regimen {
            let (t, own) = sources[i];
            if let Some(r) = contexts.iter().find(|(k, o, _)| *o == own && k.as_str() == t) {
                return r.2.clone();
            }
            let r = context_regimen(t, &names, own);
            contexts.push((t.to_string(), own, r.clone()));
            r
        };
        let lv = &mut row.lv;
        if let Some(l) = label_regimen {
            if l.administrations.is_some() {
                lv.administrations = l.administrations;
                lv.interval_days = l.interval_days;
            } else if lv.interval_days.is_none() {
                lv.interval_days = l.interval_days;
            }
        }
        if lv.administrations.is_none() {
            if let Some(c) = (0..sources.len()).map(&mut context).find(|c| c.administrations.is_some()) {
                lv.administrations = c.administrations;
                if lv.interval_days.is_none() {
                    lv.interval_days = c.interval_days;
                }
            }
        }
        if lv.interval_days.is_none() && lv.administrations != Some(1) {
            lv.interval_days = (0..sources.len()).map(&mut context).find_map(|c| c.interval_days);
        }
        if lv.administrations == Some(1) {
            lv.interval_days = None;
        }
        if lv.route.is_none() {
            lv.route = (0..sources.len()).map(&mut context).find_map(|c| c.route);
        }
        // (A singular "injection of 150 million cells" states no count: the count stays unknown
        // unless a text says how many; fixtures/fidelity/LABELLING.md, "Empty when unstated".)
        // "Infusion" of these cells with no other route stated anywhere: a vein.
        if lv.route.is_none() {
            let said = near.iter().copied().chain(summary.iter().map(String::as_str)).chain(std::iter::once(lv.source_text.as_str()));
            if said.into_iter().any(|t| rx!(r"(?i)\binfus").is_match(t)) {
                lv.route = Some("INTRAVENOUS");
            }
        }
    }

    // A product is given by one route: a row of a product whose texts state none takes the route
    // the other rows of the same product state, when they agree (a delayed-treatment arm that
    // only says "50 million MSC at month 12").
    let product_routes: Vec<(usize, &'static str)> = merged.iter().filter_map(|r| Some((r.inter?, r.lv.route?))).collect();
    for row in &mut merged {
        if row.lv.route.is_some() {
            continue;
        }
        let Some(k) = row.inter else { continue };
        let mut same = product_routes.iter().filter(|(i, _)| *i == k).map(|(_, r)| *r);
        if let Some(first) = same.next() {
            if same.all(|r| r == first) {
                row.lv.route = Some(first);
            }
        }
    }
    // The summary's sentences about giving the cells: the last place a tissue or origin is
    // looked for ("cells collected by leukapheresis", "the patient's own cells").
    let summary_cells = summary.join(" ");
    // An interval stated as a range ("every 8-12 weeks", "2-4 weeks apart") is left empty:
    // say so, with the text, rather than pick one end.
    for row in &merged {
        if row.lv.interval_days.is_some() || row.lv.administrations == Some(1) {
            continue;
        }
        let canon = canonical_numbers(crate::capped(&row.lv.source_text));
        if let Some(m) = rx!(
            r"\bevery\s+\d+\s*(?:-|to)\s*\d+\s*(?:days?|weeks?|months?)\b|\b\d+\s*(?:-|to)\s*\d+\s*(?:days?|weeks?|months?)\s+(?:apart|later|after)\b"
        )
        .find(&canon)
        {
            notes.push((
                row.src.line,
                format!("{} states the interval between administrations as a range ({}); interval_days left empty", row.field, m.as_str()),
                row.lv.source_text.clone(),
            ));
        } else if irregular_schedule(&canon, &stated_intervals(&canon)) {
            // Two frequencies one after the other ("twice weekly, followed by once weekly").
            notes.push((
                row.src.line,
                format!("{} states two frequencies one after the other (an irregular schedule); interval_days left empty", row.field),
                row.lv.source_text.clone(),
            ));
        } else if let Some(m) = row
            .lv
            .administrations
            .is_none()
            .then(|| course_repeat().find(&canon))
            .flatten()
        {
            // A course repeated with no end stated ("2 infusions 7 days apart, repeated every 3
            // months"): how many courses is not known.
            notes.push((
                row.src.line,
                format!(
                    "{} states a schedule repeated with no number of repeats ({}); administrations and interval_days left empty",
                    row.field,
                    m.as_str()
                ),
                row.lv.source_text.clone(),
            ));
        }
    }
    notes.dedup();
    let mut doses = Vec::new();
    for (i, row) in merged.into_iter().enumerate() {
        let Row { arm, arm_index, inter: k, lv, field, src } = row;
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
        let arm_text = arm_index
            .and_then(|ai| raw.arms.get(ai))
            .map(|a| format!("{} | {}", a.label.text, a.description.as_ref().map(|d| d.text.as_str()).unwrap_or("")))
            .unwrap_or_default();
        let named = cfg.product_in(&src.text).or_else(|| cfg.product_in(&inter_text)).or_else(|| cfg.product_in(&arm_text));
        // A level of MSC (its own sentence names them) takes its tissue from words about MSC:
        // another product given with them ("MSC and cord blood", "PBSC ... MSC ...") names its
        // own tissue, and a trial-wide OTHER (two tissues, or another product's) is not theirs.
        let msc = cell::names_msc(&lv.phrase);
        fn view(msc: bool, t: &str) -> std::borrow::Cow<'_, str> {
            if msc {
                cell::without_other_products(t)
            } else {
                std::borrow::Cow::Borrowed(t)
            }
        }
        let (own_text, inter_view, arm_view, summary_view) =
            (view(msc, &src.text), view(msc, &inter_text), view(msc, &arm_text), view(msc, &summary_cells));
        // The texts' tissue; but when they only imply blood by immune-cell words ("NK cells"),
        // a named product's tissue from the vocabulary is the better knowledge.
        let implied_only = [&own_text, &inter_view, &arm_view].iter().all(|t| cell::explicit_source_in(t).is_none());
        let source = implied_only
            .then(|| named.and_then(|p| cell::known_source(&p.source)))
            .flatten()
            .or_else(|| cell::source_in(&own_text))
            .or_else(|| cell::source_in(&inter_view))
            .or_else(|| cell::source_in(&arm_view))
            .or_else(|| named.and_then(|p| cell::known_source(&p.source)))
            .or(product.source.filter(|s| *s != "UNSPECIFIED" && !(msc && *s == "OTHER")))
            .or_else(|| cell::source_in(&summary_view))
            .or(Some("UNSPECIFIED"))
            .map(str::to_string);
        let origin = cell::origin_in(&src.text)
            .or_else(|| cell::origin_in(&inter_text))
            .or_else(|| cell::origin_in(&arm_text))
            .or(product.origin)
            .or_else(|| cell::origin_in(&summary_cells))
            .map(str::to_string);
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
    let nct = Some(nct_id.to_string()).filter(|s| !s.is_empty());
    for (r, f) in unread {
        let issue = RecordIssue {
            source_path: raw.source_path.clone(),
            line: r.line as i64,
            nct_id: nct.clone(),
            severity: trialtables_extract::Severity::Warning,
            field: Some("doses".to_string()),
            message: format!("{f} seems to state a cell dose that could not be read; no dose row made"),
            raw_value: Some(r.text.clone()),
        };
        if !issues.contains(&issue) {
            issues.push(issue);
        }
    }
    for (line, message, text) in notes {
        issues.push(RecordIssue {
            source_path: raw.source_path.clone(),
            line: line as i64,
            nct_id: nct.clone(),
            severity: trialtables_extract::Severity::Warning,
            field: Some("doses".to_string()),
            message,
            raw_value: Some(text),
        });
    }
    (doses, issues)
}

/// The tier names in a lower-case text: dose words ("low", "high", ...) and numbered or lettered
/// tiers ("cohort 2", "group a", "dl3", "level ii").
fn tier_keys(l: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in rx!(r"\b(lowest|lower|low|medium|middle|mid|intermediate|highest|higher|high)(?:[\s-]*dose|\b)").captures_iter(l) {
        let w = match m.get(1).map(|m| m.as_str()).unwrap_or("") {
            "lowest" | "lower" | "low" => "low",
            "medium" | "middle" | "mid" | "intermediate" => "mid",
            _ => "high",
        };
        if !out.iter().any(|o| o == w) {
            out.push(w.to_string());
        }
    }
    for m in rx!(r"\b(cohort|group|arm|level|dl|tier|part|dose)\s*-?\s*([0-9]+|[a-h]|i{1,3}|iv|v)\b").captures_iter(l) {
        let kind = match m.get(1).map(|m| m.as_str()).unwrap_or("") {
            "dl" | "level" | "dose" => "level",
            k => k,
        };
        let k = format!("{kind} {}", m.get(2).map(|m| m.as_str()).unwrap_or(""));
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// Of an intervention's levels, those whose tier its arm names ("Low dose" arm, "low dose: 1 x
/// 10^7 cells; high dose: 5 x 10^7 cells"); all of them when the arm names none or every one.
fn levels_for_arm<'l>(levels: &'l [DoseLevel], arm_text: &str) -> Vec<&'l DoseLevel> {
    if levels.len() < 2 {
        return levels.iter().collect();
    }
    let arm_keys = tier_keys(&arm_text.to_lowercase());
    if arm_keys.is_empty() {
        return levels.iter().collect();
    }
    let keys: Vec<Vec<String>> = levels.iter().map(|l| tier_keys(&l.label)).collect();
    let picked: Vec<&DoseLevel> =
        levels.iter().zip(&keys).filter(|(_, k)| !k.is_empty() && k.iter().all(|w| arm_keys.contains(w))).map(|(l, _)| l).collect();
    if picked.is_empty() || picked.len() == levels.len() {
        levels.iter().collect()
    } else {
        picked
    }
}

/// Fills what `a` leaves unstated from `b` (the same level read from another text).
fn fill(a: &mut DoseLevel, b: &DoseLevel) {
    if a.per_kg.is_none() {
        a.per_kg = b.per_kg;
        a.per_kg_high = b.per_kg_high;
    }
    if a.total.is_none() {
        a.total = b.total;
        a.total_high = b.total_high;
    }
    a.per_kg_high = a.per_kg_high.or(b.per_kg_high);
    a.total_high = a.total_high.or(b.total_high);
    a.per_m2 = a.per_m2.or(b.per_m2);
    a.administrations = a.administrations.or(b.administrations);
    a.interval_days = a.interval_days.or(b.interval_days);
    a.route = a.route.or(b.route);
    if a.vehicle.is_none() {
        a.vehicle = b.vehicle.clone();
    }
    a.volume_ml = a.volume_ml.or(b.volume_ml);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `canonical_numbers` as it was before its prefilters: every rewrite on every text.
    fn canonical_unfiltered(text: &str) -> String {
        let text = compile(r"(^|[^\d.,])10\*(\d{1,2})([^\w^.,]|$)").replace_all(text, "${1}10^$2$3").into_owned();
        let mut s = String::new();
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
        let s = number_words(&s);
        let s = powers_in_words(&s);
        let s = compile(r"(^|[^\d.])10\s*\(\s*(\d{1,2})\s*\)").replace_all(&s, "${1}10^$2").into_owned();
        let s = compile(r"(^|[^\d.])10\s*e\s*\+?(\d{1,2})\b").replace_all(&s, "${1}10^$2").into_owned();
        let s = compile(r"(\d(?:\.\d+)?)e\+?(\d{1,2})\b").replace_all(&s, "${1}x10^$2").into_owned();
        let s = compile(r"10\s*\^\s*(?:\(\s*(\d{1,2})\s*\)|(\d{1,2}))").replace_all(&s, "10^$1$2").into_owned();
        compile(r"(\d\s*x\s*)10\s([4-9]|1[0-2])(\s*(?:[a-z/(]|$))").replace_all(&s, "${1}10^$2$3").into_owned()
    }

    proptest::proptest! {
        /// The prefilters only skip rewrites that cannot match: the result is the same as
        /// running every rewrite, on texts made of the notations' pieces.
        #[test]
        fn canonical_numbers_prefilters_change_nothing(pieces in proptest::collection::vec(0usize..40, 0..14)) {
            const P: [&str; 40] = [
                "10*6", "10^6", "10 ^ (7)", "1e6", "2.5E+7", "10 to the eighth power", "10 to the power of 8", "×", "⁶", "⁸",
                "10(6)", "1 x 10 6 cells/kg", "\\", "Cells", " ", "\t", "–", "the", "x", "e", "µ", "İ", "5", "10", "(", ")",
                "TO", "THE", "10E6", "1*10^6", "٣", "½", "per kg", "\n", "10 ", " 6", "^", ",", ".", "~",
            ];
            let text: String = pieces.iter().map(|&i| P[i]).collect();
            proptest::prop_assert_eq!(canonical_numbers(&text), canonical_unfiltered(&text), "{:?}", text);
        }
    }

    /// (per kg, per kg high, total, total high, per m²) of each level.
    type Amounts = (Option<f64>, Option<f64>, Option<f64>, Option<f64>, Option<f64>);

    fn one(t: &str) -> DoseLevel {
        let v = parse_dose_text(t);
        assert_eq!(v.len(), 1, "{t}: {v:#?}");
        v.into_iter().next().unwrap_or_default()
    }

    fn amounts_of(t: &str) -> Vec<Amounts> {
        parse_dose_text(t).into_iter().map(|d| (d.per_kg, d.per_kg_high, d.total, d.total_high, d.per_m2)).collect()
    }

    fn kg(v: f64) -> Amounts {
        (Some(v), None, None, None, None)
    }

    fn tot(v: f64) -> Amounts {
        (None, None, Some(v), None, None)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
    }

    #[test]
    fn notations() {
        // Decimal commas with a range and a space for the times sign.
        assert_eq!(amounts_of("2,5-5,0 10E6 cells/kg"), vec![(Some(2.5e6), Some(5e6), None, None, None)]);
        // Lost superscripts, with a range.
        assert_eq!(amounts_of("2×107 cells"), vec![tot(2e7)]);
        assert_eq!(
            amounts_of("The target peripheral blood stem cell dose will be 5-10 x 106/kg"),
            vec![(Some(5e6), Some(1e7), None, None, None)]
        );
        // Words.
        assert_eq!(amounts_of("200-600 million cells"), vec![(None, None, Some(2e8), Some(6e8), None)]);
        assert_eq!(amounts_of("1 x 10 to the eighth power CD3 cells/kg"), vec![kg(1e8)]);
        assert_eq!(amounts_of("CD34+ >5 x 10*6/kg"), vec![kg(5e6)]);
        // Fractions of a split dose.
        let v = amounts_of("CAR-T [1/3 x 10^6 cells/kg x 1 day and 2/3 x 10^6 cells/kg x 1 day]");
        assert_eq!(v.len(), 2);
        assert!(close(v[0].0.unwrap_or(0.0), 1e6 / 3.0) && close(v[1].0.unwrap_or(0.0), 2e6 / 3.0), "{v:?}");
        let split = parse_dose_text("CAR-T [1 x 10^5 cells/kg x 1 day and 2 x 10^5 cells/kg x 1 day]");
        assert_eq!(split.iter().map(|d| d.administrations).collect::<Vec<_>>(), vec![Some(1), Some(1)]);
        // A name between the amount and the unit.
        assert_eq!(amounts_of("cohort 1 will receive 2.5 x 106 TIL 1383I TCR transduced T cells per kg body weight"), vec![kg(2.5e6)]);
        // Concentrations are not doses.
        assert!(parse_dose_text("5 x 10^6 cells/mL").is_empty());
        assert!(parse_dose_text("1 X 10^7 cells/1cc").is_empty());
        assert!(parse_dose_text("5 x 10^6 MSC/ml in saline").is_empty());
    }

    #[test]
    fn bounds_limits_and_targets() {
        // A floor and a ceiling are one range; a floor alone is the level.
        assert_eq!(
            amounts_of("adoptive transfer of lymphocytes (minimum 3 X 10 (9) and up to a maximum of 3 X 10(11) lymphocytes)"),
            vec![(None, None, Some(3e9), Some(3e11), None)]
        );
        assert_eq!(
            amounts_of("Given as infusion, up to 3 x 10^11 lymphocytes (minimum of 1 x 10^9), day 0"),
            vec![(None, None, Some(1e9), Some(3e11), None)]
        );
        assert_eq!(amounts_of("a CD34+ cell dose of at least 5x10(6)/kg"), vec![kg(5e6)]);
        assert_eq!(amounts_of("up to 1 X 10(7) CD56+ cells/kg"), vec![kg(1e7)]);
        // A floor next to a stated range bounds it.
        assert_eq!(
            amounts_of("infusion of between 1x10^9 to 2x10^11 CD8+ enriched tumor infiltrating lymphocytes (minimum of 5 x10^8)"),
            vec![(None, None, Some(1e9), Some(2e11), None)]
        );
        // A contaminant limit and a range note are not levels.
        assert_eq!(amounts_of("target CD34+ >5 x 10*6/kg and CD3+ < 1 x 10*5/kg"), vec![kg(5e6)]);
        assert_eq!(amounts_of("up to 1 X 10(7) CD56+ cells/kg with less than 0.5 X 10(6) CD3+ cells/kg"), vec![kg(1e7)]);
        assert_eq!(
            amounts_of("Target CD34+ dose 6 x10e6/kg, (range 3 to 8x10e6/kg) CD3+ dose fixed to 2 x 10e4/kg."),
            vec![kg(6e6), kg(2e4)]
        );
        // Collection and mobilisation targets are not doses.
        assert!(parse_dose_text("apheresis for up to 4 aphereses or until ≥ 5*10^6 CD34+ cells/kg were collected").is_empty());
        assert!(parse_dose_text(
            "A minimum of 1.0 x 10^9/kg nucleated cells/kg ideal body weight will be collected with a goal of 2.0 x 10^9/kg."
        )
        .is_empty());
        // ... but a harvested product that is infused is.
        assert_eq!(amounts_of("harvested autologous T cells (minimum dose 1 x 10^6/kg will be thawed and infused"), vec![kg(1e6)]);
    }

    #[test]
    fn one_level_two_ways() {
        let d = one("a total of 50 million cells (about 1×10^6 per kg)");
        assert_eq!((d.total, d.per_kg), (Some(5e7), Some(1e6)));
        let d = one("1 x 10^6 cells/kg (approximately 7 x 10^7 cells)");
        assert_eq!((d.per_kg, d.total), (Some(1e6), Some(7e7)));
        // Two tiers with different bases stay two levels.
        assert_eq!(amounts_of("low dose 1 x 10^6 cells/kg; high dose 1 x 10^8 cells").len(), 2);
    }

    #[test]
    fn intervals_and_counts() {
        let d = one("1 x 10^6 MSC/kg weekly for 4 weeks");
        assert_eq!((d.administrations, d.interval_days), (Some(4), Some(7.0)));
        assert_eq!(one("1 x 10^6 MSC/kg once every 4 weeks").interval_days, Some(28.0));
        assert_eq!(one("1 x 10^6 MSC/kg every 3 months").interval_days, Some(91.3125));
        assert_eq!(one("two infusions of 1 x 10^6 MSC/kg 10 days apart").interval_days, Some(10.0));
        let d = one("1 x 10^6 MSC/kg on days 0 and 7");
        assert_eq!((d.administrations, d.interval_days), (Some(2), Some(7.0)));
        assert_eq!(one("1 x 10^6 MSC/kg, three times").administrations, Some(3));
        let d = one("NK cells 1 x 10^7/kg on days 1-3 of each of three cycles");
        assert_eq!((d.administrations, d.interval_days), (Some(9), None));
        let d = one("NK cells 1 x 10^7/kg on days 1-3");
        assert_eq!((d.administrations, d.interval_days), (Some(3), Some(1.0)));
        assert_eq!(one("twice a week of NK cells (0.1-2*10E7 NK cells/kg body weight)").interval_days, Some(3.5));
        assert_eq!(one("1 x 10^6 MSC/kg once a week").interval_days, Some(7.0));
        // One day named for the cells.
        assert_eq!(one("Manipulated Peripheral Blood Stem Cell graft on Day 0. Target CD34+ dose 6 x10e6/kg").administrations, Some(1));
        assert_eq!(one("1 x 10^6 MSC/kg on day 0, repeated at month 3 if tolerated").administrations, None);
        assert_eq!(one("the patients will receive a dose of 2 x 10e8 of their donor's T cells").administrations, Some(1));
        // The drugs of the same arm are not the cells' regimen.
        let d = one("will receive intravenous adoptive transfer of lymphocytes (minimum 3 X 10 (9) and up to a maximum of 3 X 10(11) lymphocytes) followed by high-dose intravenous (IV) IL-2 (720,000 IU/kg/dose every 8 hours for up to 15 doses).");
        assert_eq!((d.administrations, d.interval_days, d.route), (None, None, Some("INTRAVENOUS")));
        let d = one("Patients receive fludarabine 25 mg/m2 daily for 5 days. Patients then receive 1 x 10^6 CAR-T cells/kg.");
        assert_eq!((d.administrations, d.interval_days), (None, None));
    }

    #[test]
    fn routes() {
        for (t, want) in [
            ("1 x 10^6 cells/kg i.v.", "INTRAVENOUS"),
            ("1 x 10^6 cells/kg through a peripheral vein", "INTRAVENOUS"),
            ("1 x 10^6 cells/kg by intravenous infusion", "INTRAVENOUS"),
            ("1 x 10^6 cells/kg given intrathecally", "INTRATHECAL"),
            ("1 x 10^6 cells/kg by lumbar puncture", "INTRATHECAL"),
            ("100 million cells, intramuscular", "INTRAMUSCULAR"),
            ("100 million cells injected at several sites of the calf", "LOCAL"),
            ("100 million cells by bronchoscopy", "OTHER"),
            ("100 million cells, intra-articular", "INTRA_ARTICULAR"),
            ("100 million cells, intracoronary", "INTRACORONARY"),
            ("100 million cells infused through a catheter and into the damaged area of the heart", "INTRACORONARY"),
            ("1 million cells, subconjunctival", "LOCAL"),
            ("1 million cells by local injection into the ulcer", "LOCAL"),
            ("100 million cells, intramyocardial", "LOCAL"),
            ("1 X 10^7 DC cells injected into one inguinal lymph node", "LOCAL"),
        ] {
            assert_eq!(one(t).route, Some(want), "{t}");
        }
        // Plain "infusion" in the dose text alone does not prove a vein.
        assert_eq!(one("10^6 MSC/kg by infusion").route, None);
    }

    #[test]
    fn labels_with_the_amount_last() {
        let v = parse_label_text("Group 4- CD8+TIL expressing IL-12 3x10^7");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].total, Some(3e7));
        assert!(parse_label_text("Cyclophosphamide 60 mg/kg").is_empty());
        assert!(parse_label_text("Cohort 2 (10^6 copies/mL)").is_empty());
    }

    fn r(t: &str) -> Raw {
        Raw::new(t, 1)
    }

    fn arm(label: &str, ty: &str, desc: &str, inter: &[&str]) -> trialtables_extract::RawArm {
        trialtables_extract::RawArm {
            label: r(label),
            arm_type: Some(r(ty)),
            description: Raw::non_empty(desc, 1),
            intervention_names: inter.iter().map(|i| r(i)).collect(),
        }
    }

    fn inter(ty: &str, name: &str, desc: &str, arms: &[&str]) -> trialtables_extract::RawIntervention {
        trialtables_extract::RawIntervention {
            intervention_type: Some(r(ty)),
            name: r(name),
            description: Raw::non_empty(desc, 1),
            other_names: Vec::new(),
            arm_labels: arms.iter().map(|a| r(a)).collect(),
        }
    }

    fn record(arms: Vec<trialtables_extract::RawArm>, inters: Vec<trialtables_extract::RawIntervention>) -> RawRecord {
        let mut rr = RawRecord::new("t.json", trialtables_extract::SourceFormat::CtgovApiV2Json, 1);
        rr.arms = arms;
        rr.interventions = inters;
        rr
    }

    fn doses(rr: &RawRecord) -> Vec<Dose> {
        doses_for_record(rr, "NCT00000000", &cell::classify_record(rr)).0
    }

    #[test]
    fn one_row_per_arm_and_level_with_the_regimen_of_both_texts() {
        // The arm gives the regimen, the intervention the amount; the unlinked repeat of the
        // intervention is the same level.
        let rr = record(
            vec![arm("MSC", "Experimental", "Cells every two weeks, 4 times, through a peripheral vein", &["Biological: MSC"])],
            vec![inter("Biological", "MSC", "Bone marrow MSC 1 x 10^6 cells/kg", &["MSC"])],
        );
        let d = doses(&rr);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!((d[0].dose_per_kg, d[0].administrations, d[0].interval_days), (Some(1e6), Some(4), Some(14.0)));
        assert_eq!(d[0].route.as_deref(), Some("INTRAVENOUS"));
        assert_eq!(d[0].cell_source.as_deref(), Some("BONE_MARROW"));
        // The arm and the intervention both state the level: one row, regimen from both.
        let rr = record(
            vec![arm("A", "Experimental", "1 x 10^6 MSC/kg weekly for 3 weeks", &["Biological: UC-MSC"])],
            vec![inter("Biological", "UC-MSC", "1 x 10^6 MSC/kg, intravenous infusion", &[])],
        );
        let d = doses(&rr);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!((d[0].administrations, d[0].interval_days, d[0].route.as_deref()), (Some(3), Some(7.0), Some("INTRAVENOUS")));
    }

    #[test]
    fn placebo_named_arms_given_cells_later() {
        let rr = record(
            vec![
                arm("Cells", "Experimental", "", &["Biological: MSC"]),
                arm("Placebo then cells", "Placebo Comparator", "Placebo at month 0; crossover to MSC at month 6", &["Biological: MSC"]),
                arm("Placebo", "Placebo Comparator", "Saline infusion", &["Drug: Saline"]),
            ],
            vec![inter("Biological", "MSC", "2 x 10^6 MSC/kg", &[]), inter("Drug", "Saline", "100 mL", &[])],
        );
        let arms: Vec<Option<String>> = doses(&rr).into_iter().map(|d| d.arm_label).collect();
        assert_eq!(arms, vec![Some("Cells".to_string()), Some("Placebo then cells".to_string())]);
    }

    #[test]
    fn named_products_and_infusion() {
        let rr = record(
            vec![arm("Treatment", "Experimental", "", &["Biological: Remestemcel-L"])],
            vec![inter("Biological", "Remestemcel-L", "2 x 10^6 cells/kg infusion twice a week for 4 weeks", &[])],
        );
        let d = doses(&rr);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].cell_source.as_deref(), Some("BONE_MARROW"));
        assert_eq!(d[0].cell_origin, None, "the origin comes only from the record's words");
        assert_eq!((d[0].administrations, d[0].interval_days), (Some(8), Some(3.5)));
        // "infusion" and no other route stated anywhere: a vein.
        assert_eq!(d[0].route.as_deref(), Some("INTRAVENOUS"));
    }

    #[test]
    fn summary_read_when_nothing_else_states_a_dose() {
        let mut rr = record(vec![arm("Graft", "Experimental", "Allogeneic transplant", &[])], vec![]);
        rr.detailed_description = Some(r(
            "Earlier studies have been done with 1 x 10^8 cells/kg. The washed T cell product (CD3+ cell dose of 1-4 x 10(8)/kg) is infused on day 0.",
        ));
        let d = doses(&rr);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!((d[0].dose_per_kg, d[0].dose_per_kg_high), (Some(1e8), Some(4e8)));
        assert_eq!(d[0].source_field, "detailed_description");
        assert_eq!(d[0].arm_label.as_deref(), Some("Graft"));
        assert_eq!(d[0].cell_source.as_deref(), Some("PERIPHERAL_BLOOD"));
    }

    #[test]
    fn the_intervention_model_description_is_read_before_the_summary() {
        let mut rr = record(vec![arm("MSC", "Experimental", "Mesenchymal stem cells", &[])], vec![]);
        rr.intervention_model_description =
            Some(r("A first group of 3 patients will receive a lower dose of 20 million hMSCs, followed by a second group to receive 100 million hMSCs."));
        rr.brief_summary = Some(r("Umbilical cord MSC for knee osteoarthritis."));
        let d = doses(&rr);
        let got: Vec<(Option<f64>, &str)> = d.iter().map(|x| (x.dose_total, x.source_field.as_str())).collect();
        assert_eq!(got, vec![(Some(2e7), "intervention_model_description"), (Some(1e8), "intervention_model_description")], "{d:#?}");
    }

    #[test]
    fn summary_levels_for_all_patients_go_to_every_cell_arm() {
        let mut rr = record(
            vec![
                arm("Phase I", "Experimental", "CAR T cells IV on Day 0", &[]),
                arm("Surgical", "Experimental", "CAR T cells IV on Day 0, then surgery", &[]),
            ],
            vec![],
        );
        rr.detailed_description =
            Some(r("All patients will receive CAR T cells at dose level 1 (8x10^7 CAR-positive T cells/m^2) by intravenous infusion."));
        let d = doses(&rr);
        assert_eq!(
            d.iter().map(|d| (d.arm_label.clone(), d.dose_per_m2)).collect::<Vec<_>>(),
            vec![(Some("Phase I".to_string()), Some(8e7)), (Some("Surgical".to_string()), Some(8e7))]
        );
    }

    #[test]
    fn collection_targets_for_transplantation_are_not_doses() {
        assert!(parse_dose_text(
            "In the event that the minimum number of ≥2*10^6 cells for transplantation are not obtained from the first mobilization"
        )
        .is_empty());
    }

    #[test]
    fn interval_ranges_are_a_warning() {
        let rr = record(vec![arm("A", "Experimental", "1 x 10^6 CAR T cells/kg, repeated every 8-12 weeks up to 3 times", &[])], vec![]);
        let (d, issues) = doses_for_record(&rr, "NCT00000000", &cell::classify_record(&rr));
        assert_eq!((d[0].administrations, d[0].interval_days), (Some(3), None));
        assert!(issues.iter().any(|i| i.message.contains("interval between administrations as a range (every 8-12 weeks)")), "{issues:#?}");
        let rr = record(
            vec![arm("A", "Experimental", "1 x 10^6 MSC/kg twice weekly for two weeks, followed by once weekly for two weeks", &[])],
            vec![],
        );
        let (d, issues) = doses_for_record(&rr, "NCT00000000", &cell::classify_record(&rr));
        assert_eq!(d[0].interval_days, None, "{d:?}");
        assert!(issues.iter().any(|i| i.message.contains("two frequencies one after the other")), "{issues:#?}");
    }

    #[test]
    fn conflicting_counts_are_a_warning() {
        let rr = record(
            vec![arm("A", "Experimental", "1 x 10^6 MSC/kg, a single infusion", &["Biological: MSC"])],
            vec![
                inter("Biological", "MSC", "1 x 10^6 MSC/kg given three times", &["A"]),
                inter("Biological", "MSC2", "1 x 10^6 MSC/kg given three times", &[]),
            ],
        );
        let (d, issues) = doses_for_record(&rr, "NCT00000000", &cell::classify_record(&rr));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].administrations, Some(1));
        assert!(
            issues.iter().any(|i| i.severity == trialtables_extract::Severity::Warning && i.message.contains("different numbers of administrations")),
            "{issues:#?}"
        );
    }
}
