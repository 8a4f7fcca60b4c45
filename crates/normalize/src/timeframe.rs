//! Outcome time frames into timepoints: "Monthly", "up to 12 months", "Baseline, Week 4,
//! Week 12", "pre-MSC transplantation, 1, 3, 6 and 12 months post ...".
//!
//! Registries state time frames in free text, so the parser does not try to understand a
//! whole sentence: it finds the *time mentions* in it and classifies each one from the words
//! right before it. The rules, in the order they apply:
//!
//! * Text is lower-cased; number words ("six", "twenty-four") and ordinal words before a unit
//!   ("first day") become digits; "½" becomes ".5"; "half a year" becomes "6 months".
//! * A mention is a list of numbers with a unit after ("1, 3, 6 and 12 months", "12-months",
//!   "4weeks", "24th hours") or before ("Week 4", "Days 1, 8 and 15", "wk 52", "D90").
//!   A list item may be a range: "0-12 months" / "5 to 10 years".
//! * Kind: `UP_TO` when the mention follows "up to", "until", "through", "within", "for",
//!   "during", "over", "maximum", "an average of", "median of" (fillers such as
//!   "approximately" are skipped); `EVERY` after "every"/"each"; otherwise `AT`.
//!   A range starting at 0 ("0-12 months") is one `UP_TO` its upper end; any other range
//!   gives `AT` both ends. "from baseline to week 24" gives `BASELINE` + `AT 24 WEEK` (the
//!   usual change-from-baseline reading), while "baseline through week 24" gives `BASELINE`
//!   + `UP_TO 24 WEEK` (continuous observation).
//! * A study day/week/month 0 is `BASELINE`. "2 weeks before surgery" is `AT -2 WEEK`.
//! * Frequency words ("monthly", "weekly", "daily", "annually", "quarterly", "every other
//!   week") are `EVERY 1 <unit>` (or 2 / 3 / 6 as the word says).
//! * `BASELINE` from "baseline", "screening", "pre-dose", "pre-MSC transplantation",
//!   "before treatment", "at enrollment", ... — except when the word only qualifies a
//!   mention just before it ("Day 1 pre-dose" is the study day 1; "4 weeks from baseline"
//!   is 4 weeks).
//! * Parenthesised and bracketed text is read only when the rest states no timepoint
//!   ("Post-program (6 months)"), so an aside such as "(for GFR assessed at baseline and 12
//!   months after MSCT)" or "(±3 days)" adds nothing.
//! * The same (kind, value, unit) is reported once, at its first place in the text.
//!
//! * French notations: `J<n>` is study day n ("J1" = `AT 1 DAY`; "J0", like "Day 0", is
//!   `BASELINE`); `H0` is the hour of the intervention (`BASELINE`) and "H0+1h30" / "H0+24 h"
//!   / "J0+180 days" are the offset after it (`AT 1.5 HOUR`, `AT 24 HOUR`, `AT 180 DAY`).
//!   "POD 3" and "first postoperative day" are study days.
//! * A misspelt unit right after a number ("1 yeare", "6 monhts", "2 weeeks") is read as the
//!   unit it is one edit (two for words longer than 5 letters) away from, with the same
//!   first letter; adverbs ("3 weekly") and other words ("2 ways", "3 doses") are not.
//! * Seconds are below the smallest unit of the contract (MINUTE): "10 seconds" is
//!   `AT 10/60 MINUTE` (value 0.1667), the label keeping "10 seconds".
//!
//! Besides timepoints, [`read_time_frame`] reads the *event* a frame is anchored to (one of
//! [`ANCHORS`]: "Through study completion", "End of treatment", "intraoperative", "until
//! death", ...) and the *calendar date* it names ("December 2017", "2019.7-2022.7"). Many real
//! frames state no duration at all; such a frame gives an anchor or a date and no timepoint,
//! which is the honest reading. A text with none of the three ("After publication", "See Plan
//! Description", "1-") is an `Err` with the reason; no timepoint is ever invented.

use regex::Regex;
use std::sync::OnceLock;

/// A compiled regex from a literal pattern, compiled once per call site (no shared lock on
/// the hot path).
macro_rules! re {
    ($pat:expr) => {{
        static R: OnceLock<Regex> = OnceLock::new();
        // Patterns are literals of this module, covered by tests; a bad one is a bug.
        R.get_or_init(|| crate::literal_regex($pat))
    }};
}

/// One timepoint read from a time frame.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedTimepoint {
    /// BASELINE / AT / UP_TO / EVERY.
    pub kind: &'static str,
    /// Number of units (None for BASELINE).
    pub value: Option<f64>,
    /// MINUTE / HOUR / DAY / WEEK / MONTH / YEAR (None for BASELINE).
    pub unit: Option<&'static str>,
    /// Value in days (week 7, month 30.4375, year 365.25); Some(0.0) for BASELINE.
    pub days: Option<f64>,
    /// The piece of text it was read from.
    pub label: String,
}

/// Days in one `unit` (MINUTE / HOUR / DAY / WEEK / MONTH / YEAR); `None` for other names.
pub fn unit_days(unit: &str) -> Option<f64> {
    Some(match unit {
        "MINUTE" => 1.0 / 1440.0,
        "HOUR" => 1.0 / 24.0,
        "DAY" => 1.0,
        "WEEK" => 7.0,
        "MONTH" => 30.4375,
        "YEAR" => 365.25,
        _ => return None,
    })
}

/// What a time frame says: its timepoints, the event it is anchored to, and the calendar
/// date or period it names. At least one of the three is present in every `Ok` reading.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimeFrameReading {
    /// Timepoints read from the stated durations (may be empty when the frame states none).
    pub timepoints: Vec<ParsedTimepoint>,
    /// The event the frame is anchored to, one of [`ANCHORS`] (see there for each meaning);
    /// `None` when the frame names no such event.
    pub anchor: Option<&'static str>,
    /// A calendar date or period named by the frame ("December 2017", "2019.7-2022.7",
    /// "August 1, 2022"), as written: the original text from the first to the last date.
    pub calendar: Option<String>,
}

/// The anchor vocabulary, in priority order: when a frame names several events, the first
/// of this list wins (events that *end* a frame outrank the events that *start* it, so
/// "from surgery until recurrence or death" is `EVENT_OR_DEATH`).
///
/// * `EVENT_OR_DEATH` — until death, disease progression, relapse or recurrence (survival
///   and time-to-event frames: "From randomization till the date of death").
/// * `END_OF_TREATMENT` — the end of the study treatment or the treatment period as a whole
///   ("End of treatment", "Post-Treatment", "Up to completion of chemotherapy", "last dose",
///   "during treatment").
/// * `STUDY_COMPLETION` — the end or the whole duration of the study ("Through study
///   completion", "duration of the study", "end of study visit", "throughout the study").
/// * `DISCHARGE` — hospital discharge or the hospital stay ("Hospital discharge", "At the end
///   of hospitalization", "length of stay").
/// * `FOLLOW_UP` — the (long-term) follow-up period ("Long-Term", "long-term follow-up",
///   "end of follow-up", "extension study").
/// * `PROCEDURE` — the intervention event itself: surgery or operation (intraoperative,
///   perioperative, post-op, anaesthesia, extubation, "-ectomy"/"-otomy"/"-plasty" words),
///   transplantation, implantation, infusion, injection, a dose ("post-dose", "after 5
///   doses"), administration or application, "time of treatment".
/// * `VISIT` — one study visit or a one-time, cross-sectional assessment ("Measured at a
///   single study visit", "During first study visit", "Cross-sectional analysis",
///   "One time-point", "consultation").
///
/// Randomization, enrolment and screening are not anchors: they are read as `BASELINE`.
pub const ANCHORS: [&str; 7] = ["EVENT_OR_DEATH", "END_OF_TREATMENT", "STUDY_COMPLETION", "DISCHARGE", "FOLLOW_UP", "PROCEDURE", "VISIT"];

/// Reads a time frame: its timepoints (see the module rules), the event it is anchored to
/// (one of [`ANCHORS`]) and the calendar date/period it names.
///
/// `Err` carries the reason when the frame is empty or states none of the three (an
/// IPD-sharing sentence, "See Plan Description", "1-"); nothing is invented, so a frame that
/// only names an event ("Through study completion") gives an anchor and no timepoint, and a
/// combined frame keeps both ("up to 5 years or until death" gives `UP_TO 5 YEAR` and
/// `EVENT_OR_DEATH`).
pub fn read_time_frame(text: &str) -> Result<TimeFrameReading, String> {
    let text = crate::capped(text);
    if text.trim().is_empty() {
        return Err("time frame is empty".to_string());
    }
    let norm = Norm::new(text);
    let reading = TimeFrameReading { timepoints: timepoints(&norm, text), anchor: anchor_of(&norm.s), calendar: calendar_of(&norm, text) };
    if reading.timepoints.is_empty() && reading.anchor.is_none() && reading.calendar.is_none() {
        return Err(format!("no timepoint, anchoring event or calendar date stated in time frame {text:?}"));
    }
    Ok(reading)
}

/// Distinct time frames remembered per thread by [`read_time_frame_cached`] before it starts
/// afresh.
const CACHED_FRAMES: usize = 8192;

thread_local! {
    static FRAMES: std::cell::RefCell<std::collections::HashMap<String, Result<TimeFrameReading, String>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// [`read_time_frame`], remembering each distinct text a thread has read (up to
/// [`CACHED_FRAMES`] of them): registries repeat their time frames across trials ("12 months",
/// "Baseline", "2 years"), and the reading is a function of the text alone.
pub fn read_time_frame_cached(text: &str) -> Result<TimeFrameReading, String> {
    if let Some(r) = FRAMES.with(|c| c.borrow().get(text).cloned()) {
        return r;
    }
    let r = read_time_frame(text);
    FRAMES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHED_FRAMES {
            c.clear();
        }
        c.insert(text.to_string(), r.clone());
    });
    r
}

/// Parses a time frame into its timepoints only (the `timepoints` of [`read_time_frame`]).
///
/// `Err` carries the reason when no timepoint can be read — also when the frame only names
/// an event or a calendar date (the reason then says which), since a timepoint list cannot
/// express those; callers that keep anchors and dates use [`read_time_frame`]. Never invents
/// a timepoint.
pub fn parse_time_frame(text: &str) -> Result<Vec<ParsedTimepoint>, String> {
    let reading = read_time_frame(text)?;
    if !reading.timepoints.is_empty() {
        return Ok(reading.timepoints);
    }
    Err(match (reading.anchor, reading.calendar) {
        (Some(a), Some(c)) => format!("no timepoint stated in time frame {text:?} (anchored to {a}, calendar date {c:?})"),
        (Some(a), None) => format!("no timepoint stated in time frame {text:?} (anchored to {a})"),
        (None, Some(c)) => {
            format!("no timepoint stated in time frame {text:?} (calendar date {c:?})")
        }
        (None, None) => format!("no timepoint stated in time frame {text:?}"),
    })
}

/// The timepoints of a normalized time frame (deduplicated, in text order).
fn timepoints(norm: &Norm, text: &str) -> Vec<ParsedTimepoint> {
    // Main text = text with parenthesised/bracketed parts blanked out.
    let (main, asides) = split_asides(&norm.s);
    let mut found = scan(&main, norm, text);
    if found.iter().all(|t| t.kind == "BASELINE") {
        for (start, aside) in asides {
            // Blank everything but this aside so offsets stay valid.
            let mut only = " ".repeat(start);
            only.push_str(&aside);
            let pad = norm.s.len().saturating_sub(only.len());
            only.push_str(&" ".repeat(pad));
            found.extend(scan(&only, norm, text));
        }
    }
    let mut out: Vec<ParsedTimepoint> = Vec::new();
    for tp in found {
        let dup = out.iter().any(|o| o.kind == tp.kind && o.unit == tp.unit && o.value == tp.value);
        if !dup {
            out.push(tp);
        }
    }
    out
}

/// The anchor of a normalized (lower-cased) time frame: the first of [`ANCHORS`] whose
/// words occur in it.
fn anchor_of(s: &str) -> Option<&'static str> {
    static RES: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    let res = RES.get_or_init(|| {
        let pats: [(&'static str, &str); 7] = [
            (
                "EVENT_OR_DEATH",
                r"\b(?:death|deaths|died|progression|progressed|progressive\s+disease|relapses?|relapsed|recurrences?|(?:until|till|to)\s+(?:the\s+)?(?:first\s+)?(?:occurrence\s+of\s+(?:an?\s+)?)?event)\b",
            ),
            (
                "END_OF_TREATMENT",
                r"\b(?:end\s+of\s+(?:the\s+)?(?:protocol\s+|study\s+|trial\s+)?(?:treatment|therapy|chemotherapy|intervention|dosing)|eot|post-?\s*(?:treatment|therapy|intervention)|after\s+(?:the\s+)?(?:treatment|therapy|intervention)|(?:completion|completed|termination|discontinuation)\s+(?:of\s+)?(?:the\s+)?(?:trial\s+|study\s+|protocol\s+)?(?:treatment|therapy|chemotherapy|intervention)|(?:last|final)\s+(?:dose|treatment|infusion|injection|administration)|treatment\s+(?:period|duration|phase)|(?:during|throughout)\s+(?:the\s+)?(?:treatment|intervention|therapy))\b",
            ),
            (
                "STUDY_COMPLETION",
                r"\b(?:(?:study|trial)\s+(?:completion|end|closure|termination|duration|period)|(?:end|completion|duration|length|conclusion)\s+of\s+(?:the\s+)?(?:study|trial)|(?:study|trial)\s+(?:has\s+been\s+|had\s+been\s+|was\s+|is\s+)?completed|(?:throughout|during|through)\s+(?:the\s+)?(?:entire\s+|whole\s+)?(?:study|trial)\b(?:\s+period)?|last\s+(?:participant|patient|subject)(?:'s)?\s+last\s+visit)\b",
            ),
            (
                "DISCHARGE",
                r"\b(?:discharged?|hospitali[sz]ation|hospital\s+stay|length\s+of\s+(?:the\s+)?(?:hospital\s+)?stay)\b",
            ),
            (
                "FOLLOW_UP",
                r"\b(?:long[- ]?term|end\s+of\s+(?:the\s+)?follow[- ]?up|(?:throughout|during|through)\s+(?:the\s+)?(?:entire\s+)?follow[- ]?up|follow[- ]?up\s+period|extension\s+(?:study|phase|period))\b",
            ),
            (
                "PROCEDURE",
                r"\b(?:surgery|surgeries|surgical|operations?|operative|operatively|intra-?\s*op\w*|peri-?\s*op\w*|post-?\s*op\w*|pre-?\s*op\w*|an(?:a)?esthesia|extubation|operating\s+room|transplant\w*|implant\w*|infusions?|injections?|procedures?|\w+(?:ectomy|otomy|ostomy|plasty)|post-?\s*dose|pre-?\s*dose|(?:after|following)\s+(?:the\s+)?(?:\d+\s+|first\s+|each\s+)?doses?|administration|application|vaccination|time\s+of\s+treatment)\b",
            ),
            (
                "VISIT",
                r"\b(?:single\s+(?:study\s+)?(?:visit|evaluation|assessment|time[- ]?point|measurement|session)|(?:one|1)\s+time[- ]?point|cross[- ]?sectional|(?:study|outpatient|clinic|first|initial)\s+visit|consultation)\b",
            ),
        ];
        pats.iter()
            .map(|(a, p)| (*a, crate::literal_regex(p)))
            .collect()
    });
    // "during study visit" is one visit, not the whole study.
    let visit_after = re!(r"^\s+visits?\b");
    res.iter()
        .find(|(a, r)| {
            r.find_iter(s).any(|m| {
                !(*a == "STUDY_COMPLETION" && m.as_str().ends_with("study") && visit_after.is_match(s.get(m.end()..).unwrap_or("")))
            })
        })
        .map(|(a, _)| *a)
}

/// The calendar date or period a normalized time frame names: original text from the first
/// date to the last. A bare year counts only when no unit follows and no unit or word
/// character comes right before ("2009", "2023-2024", "(2011-2021)"; not "2000 days",
/// "Week 2019", "NCT2009").
fn calendar_of(norm: &Norm, text: &str) -> Option<String> {
    static DATE: OnceLock<Regex> = OnceLock::new();
    let date = DATE.get_or_init(|| {
        let month = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?";
        let year = r"(?:19|20)\d{2}";
        let pat = format!(
            r"\b(?:\d{{1,2}}\s+{month},?\s+{year}|{month}\s+\d{{1,2}}\s*,?\s*{year}|{month},?\s+{year}|{year}\s*[./-]\s*{year}|{year}[./]\d{{1,2}}|(?P<bare>{year}))\b"
        );
        crate::literal_regex(&pat)
    });
    let s = &norm.s;
    let mut first: Option<usize> = None;
    let mut last: Option<usize> = None;
    for c in date.captures_iter(s) {
        let Some(m) = c.get(0) else { continue };
        if c.name("bare").is_some() {
            let before = s.get(..m.start()).unwrap_or("");
            let after = s.get(m.end()..).unwrap_or("");
            // "NCT2009...", "n=2000", "2000 days", "2010 mg": not a year.
            if re!(r"[\w=+.#/-]$").is_match(before)
                || re!(r"\b(?:days?|weeks?|wks?|months?|years?|hours?|visits?|cycles?|doses?|d|w|m|n)\s*[:#=]?\s*$").is_match(before)
                || !re!(r"^\s*(?:$|[-,.;:)\]]|\(|(?:and|to|through|until|or)\b)").is_match(after)
            {
                continue;
            }
        }
        first.get_or_insert(m.start());
        last = Some(m.end());
    }
    let (a, b) = (first?, last?);
    let t = norm.original(text, a, b);
    (!t.is_empty()).then_some(t)
}

/// Lower-cased, canonicalised text with a map back to byte offsets of the original.
struct Norm {
    s: String,
    /// `map[i]` = original byte offset of normalized byte `i`; one extra entry for the end.
    map: Vec<usize>,
}

impl Norm {
    fn new(text: &str) -> Norm {
        let mut s = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len() + 1);
        for (o, c) in text.char_indices() {
            let rep: Option<&str> = match c {
                '½' => Some(".5"),
                '¼' => Some(".25"),
                '¾' => Some(".75"),
                '–' | '—' | '−' | '‐' | '‑' => Some("-"),
                '～' => Some("~"),
                '，' | '、' => Some(","),
                '；' => Some(";"),
                '：' => Some(":"),
                '（' => Some("("),
                '）' => Some(")"),
                '\\' => Some(""),
                '\u{a0}' | '\t' | '\n' | '\r' => Some(" "),
                _ => None,
            };
            match rep {
                Some(r) => {
                    for b in r.bytes() {
                        s.push(b as char);
                        map.push(o);
                    }
                }
                None => {
                    for lc in c.to_lowercase() {
                        let before = s.len();
                        s.push(lc);
                        for _ in before..s.len() {
                            map.push(o);
                        }
                    }
                }
            }
        }
        map.push(text.len());
        let mut n = Norm { s, map };
        // "2 ~ 3 days" is a range; any other "~" means "about".
        n.replace(re!(r"(\d)\s*~\s*(\d)"), |c| format!("{}-{}", &c[1], &c[2]));
        n.replace(re!(r"~"), |_| " ".to_string());
        // "15 .5 months" -> "15.5 months"
        n.replace(re!(r"(\d) \.(\d)"), |c| format!("{}.{}", &c[1], &c[2]));
        n.replace(re!(r"\bhalf[- ]?(?:a[- ])?year\b"), |_| "6 months".to_string());
        n.replace(
            re!(r"\b(?:(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](one|two|three|four|five|six|seven|eight|nine)\b)?|(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))\b"),
            |c| {
                let tens = c.get(1).map(|m| word_value(m.as_str())).unwrap_or(0);
                let ones = c.get(2).map(|m| word_value(m.as_str())).unwrap_or(0);
                let small = c.get(3).map(|m| word_value(m.as_str())).unwrap_or(0);
                (tens + ones + small).to_string()
            },
        );
        n.replace(
            re!(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)(\s+(?:day|week|month|year|hour))"),
            |c| format!("{}{}", ordinal_value(&c[1]), &c[2]),
        );
        // "first postoperative day" -> "day 1 postoperative" (a study day).
        n.replace(
            re!(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)\s+(post-?\s?operative|post-?op|postop)\s+(day|week|month)\b"),
            |c| format!("{} {} {}", &c[3], ordinal_value(&c[1]), &c[2]),
        );
        // "POD 3" (post-operative day) -> "day 3".
        n.replace(re!(r"\bpod\s?(\d+)\b"), |c| format!("day {}", &c[1]));
        // Seconds are below the smallest unit of the contract (MINUTE): "10 seconds" becomes
        // 10/60 minutes (the label keeps "10 seconds").
        n.replace_some(re!(r"(\d+(?:\.\d+)?)\s*(?:seconds?|secs?)\b"), |c| {
            let v: f64 = c[1].parse().ok()?;
            Some(format!("{} minutes", v / 60.0))
        });
        // French hour/day of the intervention: "H0+1h30", "J0+180 days" -> the offset only;
        // "1h30" -> 1.5 hours; "24 h" -> 24 hours; bare "H0" -> hour 0; "J1" -> day 1.
        n.replace(re!(r"\b[hj]0\s*\+\s*(\d)"), |c| c[1].to_string());
        n.replace_some(re!(r"\b(\d+)\s?h([0-5]\d)\b"), |c| {
            let h: f64 = c[1].parse().ok()?;
            let m: f64 = c[2].parse().ok()?;
            Some(format!("{} hours", h + m / 60.0))
        });
        n.replace(re!(r"(\d)\s+h\b"), |c| format!("{} hours", &c[1]));
        n.replace(re!(r"\bh0\b"), |_| "hour 0".to_string());
        n.replace(re!(r"(^|[^\w.+-])j\s?([+-]?\d{1,3})\b"), |c| format!("{}day {}", &c[1], c[2].trim_start_matches('+')));
        // Unit typos after a number: "1 yeare", "6 monhts", "2 weeeks".
        n.replace_some(re!(r"(\d\s*-?\s*)([a-z]{4,9})\b"), |c| fix_unit_typo(&c[2]).map(|u| format!("{}{}", &c[1], u)));
        // "1st", "24th", "3rd" -> bare numbers.
        n.replace(re!(r"(\d)\s?(?:st|nd|rd|th)\b"), |c| c[1].to_string());
        // "a year", "an hour" -> "1 year" (not after once/twice/per/every: frequencies).
        n.replace(re!(r"\b(once|twice|times|per|every|each)?(\s*)\ban?\s+(year|month|week|day|hour)\b"), |c| match c.get(1) {
            Some(_) => c[0].to_string(),
            None => format!("{}1 {}", &c[2], &c[3]),
        });
        n
    }

    /// Replaces the matches for which `f` gives a replacement, keeping the offset map
    /// consistent (other matches stay as they are, with their offsets).
    fn replace_some(&mut self, re: &Regex, f: impl Fn(&regex::Captures) -> Option<String>) {
        let mut matches = re.captures_iter(&self.s).peekable();
        // Most rules match nothing: then the text and its map stay as they are.
        if matches.peek().is_none() {
            return;
        }
        let mut s = String::with_capacity(self.s.len());
        let mut map = Vec::with_capacity(self.map.len());
        let mut last = 0;
        for c in matches {
            let Some(m) = c.get(0) else { continue };
            let Some(rep) = f(&c) else { continue };
            s.push_str(&self.s[last..m.start()]);
            map.extend_from_slice(&self.map[last..m.start()]);
            let o = self.map[m.start()];
            for _ in 0..rep.len() {
                map.push(o);
            }
            s.push_str(&rep);
            last = m.end();
        }
        s.push_str(&self.s[last..]);
        map.extend_from_slice(&self.map[last..]);
        self.s = s;
        self.map = map;
    }

    /// Replaces every match, keeping the offset map consistent.
    fn replace(&mut self, re: &Regex, f: impl Fn(&regex::Captures) -> String) {
        self.replace_some(re, |c| Some(f(c)));
    }

    /// The original text behind normalized bytes `a..b`.
    fn original(&self, text: &str, a: usize, b: usize) -> String {
        let oa = self.map.get(a).copied().unwrap_or(text.len());
        let ob = self.map.get(b).copied().unwrap_or(text.len());
        // A replaced span maps its bytes to the match start; extend to the next char start.
        let ob = if b > a && ob <= oa { self.map.get(b).copied().unwrap_or(text.len()).max(oa) } else { ob };
        match text.get(oa..ob) {
            Some(t) if !t.trim().is_empty() => t.trim().to_string(),
            _ => self.s.get(a..b).unwrap_or("").trim().to_string(),
        }
    }
}

/// The unit word a misspelt word after a number stands for ("yeare" -> "years", "monhts"
/// -> "months", "weeeks" -> "weeks"): same first letter, and an edit distance (insert,
/// delete, substitute, swap two neighbours) of 1 for words up to 5 letters, 2 for longer
/// ones. Words that are already units, and adverbs ("weekly"), are left alone.
fn fix_unit_typo(w: &str) -> Option<&'static str> {
    if unit_of(w).is_some() || w.ends_with("ly") {
        return None;
    }
    const WORDS: [&str; 12] = ["minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years"];
    let allowed = if w.chars().count() <= 5 { 1 } else { 2 };
    let mut best: Option<(usize, &'static str)> = None;
    for u in WORDS {
        if u.chars().next() != w.chars().next() {
            continue;
        }
        let d = strsim::osa_distance(w, u);
        if d <= allowed && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, u));
        }
    }
    best.map(|(_, u)| u)
}

fn word_value(w: &str) -> u32 {
    match w {
        "zero" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => 0,
    }
}

fn ordinal_value(w: &str) -> u32 {
    match w {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        _ => 12,
    }
}

/// Blanks out `(...)` and `[...]` parts; returns the main text (same length) and the asides
/// with their start offsets.
fn split_asides(s: &str) -> (String, Vec<(usize, String)>) {
    let mut main = String::with_capacity(s.len());
    let mut asides = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    let mut cur_start = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' => {
                if depth == 0 {
                    cur.clear();
                    cur_start = i + 1;
                } else {
                    cur.push(' ');
                }
                depth += 1;
                main.push(' ');
            }
            ')' | ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    asides.push((cur_start, std::mem::take(&mut cur)));
                } else {
                    cur.push(' ');
                }
                main.push(' ');
            }
            _ if depth > 0 => {
                cur.push(c);
                for _ in 0..c.len_utf8() {
                    main.push(' ');
                }
            }
            _ => main.push(c),
        }
    }
    if depth > 0 && !cur.is_empty() {
        asides.push((cur_start, cur));
    }
    (main, asides)
}

const NUM: &str = r"[+-]?\d+(?:\.\d+)?";

fn unit_of(word: &str) -> Option<&'static str> {
    let w = word.trim_end_matches('.');
    Some(match w {
        "minute" | "minutes" | "min" | "mins" => "MINUTE",
        "hour" | "hours" | "hr" | "hrs" | "h" => "HOUR",
        "day" | "days" | "d" => "DAY",
        "week" | "weeks" | "wk" | "wks" | "w" => "WEEK",
        "month" | "months" | "mo" | "mos" | "mth" | "mths" | "mon" | "m" => "MONTH",
        "year" | "years" | "yr" | "yrs" | "y" => "YEAR",
        _ => return None,
    })
}

/// A time mention found in the text.
struct Mention {
    start: usize,
    end: usize,
    unit: &'static str,
    /// Items: (low, Option<high>).
    items: Vec<(f64, Option<f64>)>,
    prefix_form: bool,
}

fn suffix_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        let item = format!(r"{NUM}-?");
        let sep = r"(?:\s*(?:,|\band|\bor\b|&|/|\bto\b|-|\bthrough\b)\s*)+";
        let pat = format!(
            r"(?:^|[^\w.])(?P<list>{item}(?:{sep}{item})*)\.?\s*-?\s*(?P<unit>minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|mos?|mths?|years?|yrs?)\b|(?:^|[^\w.])(?P<list2>{NUM})(?P<unit2>h|d|w|m|y)\b"
        );
        crate::literal_regex(&pat)
    })
}

fn prefix_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        let sep = r"(?:\s*(?:,|\band|\bor\b|&|/|\bto\b|-|\bthrough\b)\s*)+";
        let pat = format!(
            r"\b(?:(?P<unit>days?|weeks?|wks?|months?|mos?|years?|yrs?|hours?|hrs?)\s*[:#]?\s*|(?P<unit2>d|w|m)[+-]?)(?P<list>{NUM}(?:{sep}{NUM})*)\b"
        );
        crate::literal_regex(&pat)
    })
}

fn parse_items(list: &str) -> Vec<(f64, Option<f64>)> {
    let num = re!(r"[+-]?\d+(?:\.\d+)?");
    let mut items: Vec<(f64, Option<f64>)> = Vec::new();
    // Walk numbers and the separators between them.
    let mut prev_end = 0;
    for m in num.find_iter(list) {
        let sep = list.get(prev_end..m.start()).unwrap_or("");
        let raw = m.as_str();
        // A leading '-' right after a previous number is a range dash, not a sign.
        let (raw, dash_range) =
            if raw.starts_with('-') && !items.is_empty() && sep.trim().is_empty() { (&raw[1..], true) } else { (raw, false) };
        let Ok(v) = raw.trim_start_matches('+').parse::<f64>() else { continue };
        let sep_t = sep.trim();
        let is_range = dash_range || matches!(sep_t, "-" | "to" | "through");
        if is_range && !items.is_empty() {
            if let Some(last) = items.last_mut() {
                if last.1.is_none() {
                    last.1 = Some(v);
                } else {
                    items.push((v, None));
                }
            }
        } else {
            items.push((v, None));
        }
        prev_end = m.end();
    }
    items
}

fn find_mentions(s: &str) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for c in suffix_re().captures_iter(s) {
        let (list, unit) = match (c.name("list"), c.name("unit"), c.name("list2"), c.name("unit2")) {
            (Some(l), Some(u), _, _) => (l, u),
            (_, _, Some(l), Some(u)) => (l, u),
            _ => continue,
        };
        let Some(unit) = unit_of(unit.as_str()) else { continue };
        let items = parse_items(list.as_str());
        if items.is_empty() {
            continue;
        }
        let end = c.get(0).map(|m| m.end()).unwrap_or(list.end());
        out.push(Mention { start: list.start(), end, unit, items, prefix_form: false });
    }
    let unit_after = re!(r"^\s*-?\s*(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)\b");
    for c in prefix_re().captures_iter(s) {
        let Some(whole) = c.get(0) else { continue };
        let Some(list) = c.name("list") else { continue };
        let Some(unit) = c.name("unit").or(c.name("unit2")).and_then(|u| unit_of(u.as_str())) else {
            continue;
        };
        let mut list_str = list.as_str().to_string();
        let mut end = list.end();
        // "Week 12, 24 hours": the last number belongs to the next mention.
        if unit_after.is_match(s.get(end..).unwrap_or("")) {
            let num = re!(r"[+-]?\d+(?:\.\d+)?");
            let nums: Vec<_> = num.find_iter(&list_str).collect();
            if nums.len() < 2 {
                continue;
            }
            let cut = nums[nums.len() - 2].end();
            end = list.start() + cut;
            list_str.truncate(cut);
        }
        // Skip the day of a later cycle: "Cycle 2, Day 1" is not study day 1.
        let before = s.get(..whole.start()).unwrap_or("");
        if let Some(cm) = re!(r"cycles?\s*(\d+)[\s,:]*$").captures(before) {
            if cm.get(1).map(|m| m.as_str()) != Some("1") {
                continue;
            }
        }
        let items = parse_items(&list_str);
        if items.is_empty() {
            continue;
        }
        out.push(Mention { start: whole.start(), end, unit, items, prefix_form: true });
    }
    out.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut kept: Vec<Mention> = Vec::new();
    for m in out {
        if kept.last().is_some_and(|k| m.start < k.end) {
            continue;
        }
        kept.push(m);
    }
    kept
}

/// Kind implied by the words right before a mention, and where those words start.
fn kind_before(before: &str) -> (&'static str, Option<usize>) {
    static UPTO: OnceLock<Regex> = OnceLock::new();
    let upto = UPTO.get_or_init(|| {
        crate::literal_regex(
            r"(?:\bup\s*to|\bupto|\bup\s*till|\buntil|\buntill|\btill|\bthrough|\bthru|\bthroughout|\bwithin|\bmaximum(?:\s+of)?|\bmax\.?|\bat\s+most|\bno\s+more\s+than|\bless\s+than|\bfor|\bover|\bduring|\bfirst\s|\baverage(?:\s+of)?|\bmedian(?:\s+of)?|\bmean\s+of|\blasting|\bduration\s+of|\bacross)(?:\s+(?:approximately|approx\.?|about|around|roughly|an?|the|first|total\s+of|period\s+of|duration|course\s+of|~|-|\+/-|a\s+total\s+of|follow-?up\s+of|of))*\s*:?\s*$",
        )
    });
    static EVERY: OnceLock<Regex> = OnceLock::new();
    let every = EVERY.get_or_init(|| crate::literal_regex(r"\b(?:every|each|q)(?:\s+(?:approximately|about|around))?\s*$"));
    let tail_start = before.len().saturating_sub(60);
    let mut ts = tail_start;
    while ts > 0 && !before.is_char_boundary(ts) {
        ts -= 1;
    }
    let tail = &before[ts..];
    if let Some(m) = upto.find(tail) {
        return ("UP_TO", Some(ts + m.start()));
    }
    if let Some(m) = every.find(tail) {
        return ("EVERY", Some(ts + m.start()));
    }
    ("AT", None)
}

fn tp(kind: &'static str, value: f64, unit: &'static str, label: String) -> ParsedTimepoint {
    if kind == "AT" && value == 0.0 {
        return baseline(label);
    }
    ParsedTimepoint { kind, value: Some(value), unit: Some(unit), days: unit_days(unit).map(|d| value * d), label }
}

fn baseline(label: String) -> ParsedTimepoint {
    ParsedTimepoint { kind: "BASELINE", value: None, unit: None, days: Some(0.0), label }
}

/// Scans one (blanked) version of the normalized text.
fn scan(s: &str, norm: &Norm, text: &str) -> Vec<ParsedTimepoint> {
    // (position, timepoint) so the output follows the text.
    let mut found: Vec<(usize, ParsedTimepoint)> = Vec::new();
    let mentions = find_mentions(s);

    let mut prev_end = 0usize;
    for m in &mentions {
        let before = s.get(prev_end..m.start).unwrap_or("");
        let (mut kind, kstart) = kind_before(before);
        // "average of week 3 and 4" averages data at weeks 3 and 4; "an average of 1 year"
        // is the registry's "through study completion" template.
        if m.prefix_form && kind == "UP_TO" && re!(r"\b(?:average|median|mean)\b[^,;]*$").is_match(before) {
            kind = "AT";
        }
        let label_start = kstart.map(|k| prev_end + k).unwrap_or(m.start);
        let label = norm.original(text, label_start, m.end);
        let after = s.get(m.end..).unwrap_or("");
        let negate = !m.prefix_form
            && re!(r"^\s*(?:before|prior\s+to|pre-?\s*(?:dose|treatment|op|operat|surg|transpl|infus|inject|interv|proced|random))")
                .is_match(after);
        if kind == "EVERY" && m.items.len() > 1 {
            kind = "AT";
        }
        for &(low, high) in &m.items {
            match high {
                Some(h) if low == 0.0 && kind == "AT" => {
                    found.push((m.start, tp("UP_TO", h, m.unit, label.clone())));
                }
                Some(h) => {
                    found.push((m.start, tp(kind, low, m.unit, label.clone())));
                    found.push((m.start, tp(kind, h, m.unit, label.clone())));
                }
                None => {
                    let v = if negate && kind == "AT" { -low } else { low };
                    found.push((m.start, tp(kind, v, m.unit, label.clone())));
                }
            }
        }
        prev_end = m.end;
    }

    // Frequency words.
    static FREQ: OnceLock<Regex> = OnceLock::new();
    let freq = FREQ.get_or_init(|| {
        crate::literal_regex(
            r"\b(?:(?P<w>daily|weekly|monthly|yearly|annually|annual|hourly|quarterly|bi-?weekly|fortnightly|semi-?annually|semi-?annual|bi-?annually|half[- ]?annually|half[- ]?yearly)|every\s+(?P<other>other\s+)?(?P<u>day|week|month|year|hour|minute)|once\s+(?:a|1|per|every)\s+(?P<u2>day|week|month|year))\b",
        )
    });
    for c in freq.captures_iter(s) {
        let Some(whole) = c.get(0) else { continue };
        let label = norm.original(text, whole.start(), whole.end());
        let (v, unit) = if let Some(w) = c.name("w") {
            match w.as_str().replace(['-', ' '], "").as_str() {
                "daily" => (1.0, "DAY"),
                "weekly" => (1.0, "WEEK"),
                "monthly" => (1.0, "MONTH"),
                "yearly" | "annually" | "annual" => (1.0, "YEAR"),
                "hourly" => (1.0, "HOUR"),
                "quarterly" => (3.0, "MONTH"),
                "biweekly" | "fortnightly" => (2.0, "WEEK"),
                _ => (6.0, "MONTH"),
            }
        } else if let Some(u) = c.name("u").or(c.name("u2")) {
            let Some(unit) = unit_of(u.as_str()) else { continue };
            (if c.name("other").is_some() { 2.0 } else { 1.0 }, unit)
        } else {
            continue;
        };
        found.push((whole.start(), tp("EVERY", v, unit, label)));
    }

    // Baseline words.
    static BASE: OnceLock<Regex> = OnceLock::new();
    let base = BASE.get_or_init(|| {
        crate::literal_regex(
            r"\b(?:baseline|base-line|screening|pre-\s*(?P<pre>[a-z]*)[a-z-]*(?:\s+(?:msc|cell|stem)?\s*(?:transplantation|transplant|infusion|injection|treatment|therapy|surgery))?|pre(?:dose|treatment|op|operative|operatively|operation|intervention|injection|infusion|transplant|transplantation|randomi[sz]ation|surgery|procedure|therapy|enrollment|enrolment)\b|(?:before|prior\s+to)(?:\s+and\s+after)?\s+(?:the\s+)?(?:start\s+of\s+)?(?:treatment|intervention|surgery|infusion|injection|transplant\w*|therapy|first\s+dose|dosing|randomi[sz]ation|procedure|operation|enrol?lment|study\s+(?:drug|treatment|start))\b|at\s+(?:enrol?lment|inclusion|admission|randomi[sz]ation|study\s+entry|entry|intake)\b|on\s+admission\b|at\s+the\s+beginning\s+of\s+the\s+study)",
        )
    });
    for c in base.captures_iter(s) {
        let Some(whole) = c.get(0) else { continue };
        if let Some(p) = c.name("pre") {
            if matches!(p.as_str(), "existing" | "specified" | "planned" | "defined" | "determined" | "filled" | "set") {
                continue;
            }
        }
        // Qualifier of the mention just before it ("Day 1 pre-dose", "4 weeks from baseline",
        // "2 weeks before surgery")?
        let prev = mentions.iter().rfind(|m| m.end <= whole.start());
        if let Some(pm) = prev {
            let gap = s.get(pm.end..whole.start()).unwrap_or("");
            if re!(r"^[\s:\-]*$").is_match(gap)
                || re!(r"^\s*(?:from|since|after|post|relative\s+to|compared\s+(?:to|with)|versus|vs\.?)\s*$").is_match(gap)
            {
                continue;
            }
        }
        let label = norm.original(text, whole.start(), whole.end());
        found.push((whole.start(), baseline(label)));
    }

    found.sort_by_key(|(p, _)| *p);
    found.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_gives_what_reading_gives() {
        let frames =
            ["12 months", "Baseline, week 4 and week 12", "", "See Plan Description", "up to 5 years or until death", "Day 1-28", "1-"];
        for round in 0..2 {
            for f in frames {
                assert_eq!(read_time_frame_cached(f), read_time_frame(f), "round {round}: {f:?}");
            }
        }
        // More distinct frames than the cache holds: it starts afresh and still agrees.
        for k in 0..(CACHED_FRAMES + 10) {
            let f = format!("{} weeks", k % 900 + 1) + if k >= 900 { " after infusion" } else { "" } + &" ".repeat(k / 1800);
            assert_eq!(read_time_frame_cached(&f), read_time_frame(&f), "{f:?}");
        }
        assert!(FRAMES.with(|c| c.borrow().len()) <= CACHED_FRAMES);
        assert_eq!(read_time_frame_cached("12 months"), read_time_frame("12 months"));
    }

    fn kinds(t: &str) -> Vec<(String, Option<f64>, Option<&'static str>)> {
        parse_time_frame(t).unwrap_or_default().into_iter().map(|p| (p.kind.to_string(), p.value, p.unit)).collect()
    }

    #[test]
    fn seeds() {
        assert_eq!(kinds("Monthly"), vec![("EVERY".into(), Some(1.0), Some("MONTH"))]);
        assert_eq!(kinds("up to 12 months"), vec![("UP_TO".into(), Some(12.0), Some("MONTH"))]);
        let k = kinds("pre-MSC transplantation, 1, 3, 6 and 12 months post MSC transplantation");
        assert_eq!(k.len(), 5, "{k:?}");
        assert_eq!(k[0].0, "BASELINE");
        let k = kinds("pre-MSC transplantation, 1, 3, 6 and 12 months post MSC transplantation (for GFR assessed at baseline and 12 months after MSCT)");
        assert_eq!(k.len(), 5, "{k:?}");
    }

    #[test]
    fn labels_are_original_text() {
        let t = parse_time_frame("Baseline, Week 4, Week 12").unwrap_or_default();
        let labels: Vec<_> = t.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, vec!["Baseline", "Week 4", "Week 12"]);
        let t = parse_time_frame("Up to approximately Six months").unwrap_or_default();
        assert_eq!(t[0].label, "Up to approximately Six months");
        assert_eq!(t[0].value, Some(6.0));
    }

    #[test]
    fn empty_and_unreadable_are_errors() {
        assert!(parse_time_frame("").is_err());
        assert!(parse_time_frame("End of treatment").is_err());
        assert!(parse_time_frame("December 2017").is_err());
    }
}
