//! Cell source (tissue) and origin (autologous/allogeneic) of a cell product, from the words
//! registries use: "UC-MSC", "Wharton's jelly", "BM-MSC", "adipose-derived", "allogenic" [sic].
//!
//! Decisions:
//! * Umbilical cord *blood* is not cord tissue: "cord blood" is `OTHER`, as are induced
//!   pluripotent and embryonic stem cell products, olfactory and other rare tissues.
//! * `classify_record` reads, in this order of trust, the cell interventions (name, other
//!   names, description), the arms (label, description), the titles, then the keywords; the
//!   first of these levels that states a tissue decides. When one level states several
//!   tissues, the ones of interventions given in `Experimental` arms win; if several remain
//!   (a trial comparing UC-MSC with BM-MSC), the source is `OTHER` — one value cannot name
//!   two tissues, and the per-dose rows keep each tissue. Origin follows the same levels; a
//!   level stating both origins ("autologous or allogeneic") leaves the origin unknown.
//!   Keywords only refine the tissue: on their own they never make a trial a cell trial.
//! * Eligibility criteria, summaries and descriptions are not read: they mention past
//!   treatments ("prior hematopoietic stem cell transplantation") and other studies.

use regex::{Regex, RegexSet};
use std::sync::OnceLock;
use trialtables_extract::RawRecord;

/// What a record says about its cell product.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellProduct {
    /// UMBILICAL_CORD, BONE_MARROW, ADIPOSE, PLACENTA, DENTAL_PULP, MENSTRUAL_BLOOD, OTHER,
    /// UNSPECIFIED (cells given, tissue not stated); `None` when there is no cell product.
    pub source: Option<&'static str>,
    /// ALLOGENEIC / AUTOLOGOUS, `None` when unstated.
    pub origin: Option<&'static str>,
}

fn compile(p: &str) -> Regex {
    crate::literal_regex(p)
}

/// Tissue patterns, in the order they are tried (cord blood first: it contains "umbilical cord"
/// but is not cord tissue).
const SOURCE_PATTERNS: [(&str, &str); 8] = [
    (r"(?i)\bcord[\s-]*blood|\bh?ucb[\s-]*mscs?\b|\bucbscs?\b", "OTHER"),
    (
        r"(?i)umbilical|\bwharton|\bcord[\s-]+(?:tissue|derived|lining)|\bh?uc[\s-]*mscs?\b|\bh?uc[\s-]*mesenchymal|\bh?ucmscs?\b|\bwj[\s-]*mscs?\b",
        "UMBILICAL_CORD",
    ),
    (r"(?i)bone[\s-]*marrow|marrow[\s-]*derived|\bbm[\s-]*mscs?\b|\bbmscs?\b|\bbmmscs?\b|\bh?bm[\s-]*mesenchymal", "BONE_MARROW"),
    (
        r"(?i)adipose|\bfat[\s-]*derived|\bad[\s-]*mscs?\b|\badmscs?\b|\bh?adscs?\b|\bh?ascs?\b|lipoaspirate|stromal[\s-]+vascular[\s-]+fraction|\bsvf\b",
        "ADIPOSE",
    ),
    (r"(?i)placenta|\bamnio|\bamnion|\bdecidua|\bchorion", "PLACENTA"),
    (r"(?i)dental[\s-]*pulp|\bdpscs?\b|exfoliated[\s-]+deciduous|\bSHED\b", "DENTAL_PULP"),
    (r"(?i)menstrual|endometrial[\s-]+regenerative", "MENSTRUAL_BLOOD"),
    (r"(?i)induced[\s-]+pluripotent|\bipscs?\b|embryonic[\s-]+stem|\bolfactory[\s-]+(?:mucosa|ensheathing)", "OTHER"),
];

fn source_patterns() -> &'static [(Regex, &'static str)] {
    static P: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    P.get_or_init(|| SOURCE_PATTERNS.iter().map(|(p, s)| (compile(p), *s)).collect())
}

/// All tissue patterns at once: one pass tells which (usually none) to search in detail.
fn source_set() -> &'static RegexSet {
    static S: OnceLock<RegexSet> = OnceLock::new();
    S.get_or_init(|| RegexSet::new(SOURCE_PATTERNS.iter().map(|(p, _)| crate::ascii_boundaries(p))).expect("valid literal regexes"))
}

/// Every tissue source stated in one text, in order of first mention, without repeats.
pub fn sources_in(text: &str) -> Vec<&'static str> {
    let text = crate::capped(text);
    let mut hits: Vec<(usize, &'static str)> = Vec::new();
    let mut blocked: Vec<(usize, usize)> = Vec::new();
    let which = source_set().matches(text);
    if !which.matched_any() {
        return Vec::new();
    }
    for (k, (re, src)) in source_patterns().iter().enumerate() {
        if !which.matched(k) {
            continue;
        }
        for m in re.find_iter(text) {
            // "umbilical cord blood" already counted as OTHER: do not count it as cord tissue.
            if blocked.iter().any(|&(a, b)| m.start() < b && a < m.end() + 12) {
                continue;
            }
            if *src == "OTHER" {
                blocked.push((m.start().saturating_sub(24), m.end()));
            }
            hits.push((m.start(), src));
        }
    }
    hits.sort_by_key(|h| h.0);
    let mut out: Vec<&'static str> = Vec::new();
    for (_, s) in hits {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Tissue source stated in one text, if any (the first stated when there are several).
pub fn source_in(text: &str) -> Option<&'static str> {
    sources_in(text).first().copied()
}

/// Origin stated in one text, if any; `None` when unstated or when both are stated.
pub fn origin_in(text: &str) -> Option<&'static str> {
    let text = crate::capped(text);
    static ALLO: OnceLock<Regex> = OnceLock::new();
    static AUTO: OnceLock<Regex> = OnceLock::new();
    let allo = ALLO.get_or_init(|| {
        compile(
            r"(?i)\ballo(?:geneic|genic|genous|geneous|genetic)?\b|\ballo[\s-]|\bdonor[\s-]*derived|\bthird[\s-]*party|\bhealthy\s+donors?",
        )
    });
    let auto = AUTO.get_or_init(|| compile(r"(?i)\bauto(?:logous|logic|genous|genic)\b|\bpatients?'?s?'?\s+own\b|\bself[\s-]*derived"));
    match (allo.is_match(text), auto.is_match(text)) {
        (true, false) => Some("ALLOGENEIC"),
        (false, true) => Some("AUTOLOGOUS"),
        _ => None,
    }
}

/// Whether the text names a cell product (MSC, mesenchymal stromal/stem cells, ...).
/// Hematopoietic stem cell transplantation alone does not count.
pub fn mentions_cells(text: &str) -> bool {
    let text = crate::capped(text);
    static HSC: OnceLock<Regex> = OnceLock::new();
    static CELLS: OnceLock<Regex> = OnceLock::new();
    let hsc = HSC.get_or_init(|| {
        compile(r"(?i)\b(?:autologous\s+|allogeneic\s+)?ha?ematopoietic\s+(?:stem|progenitor)\s+cells?(?:\s+transplant\w*)?|\bhsct\b|\bcord\s+blood\s+transplant\w*")
    });
    let cells = CELLS.get_or_init(|| {
        compile(r"(?i)mesenchymal|\b(?:h|h?uc|h?bm|ad|wj|h?ucb)?[\s-]*mscs?\b|\bmsct\b|stromal\s+(?:vascular|cells?)|stem[\s/-]*cells?|progenitor\s+cells?|\bcsm\b|\bdpscs?\b|\badscs?\b|\bbmscs?\b|wharton|\bsvf\b|regenerative\s+cells?|\bipscs?\b|\bcell\s+therapy|\bcell[\s-]based\s+therap")
    });
    // Removing the transplant wording can only remove matches: test the text as it is first.
    if !cells.is_match(text) {
        return false;
    }
    match hsc.replace_all(text, " ") {
        std::borrow::Cow::Borrowed(_) => true,
        std::borrow::Cow::Owned(stripped) => cells.is_match(&stripped),
    }
}

/// One level of texts, each with whether it belongs to an experimental cell intervention.
type Level = Vec<(String, bool)>;

fn experimental(arm_type: Option<&str>) -> bool {
    arm_type.is_some_and(|t| t.to_ascii_lowercase().contains("experimental"))
}

fn levels(raw: &RawRecord) -> (Vec<Level>, bool) {
    let mut any_cells = false;
    // Interventions given in experimental arms (by either link direction).
    let exp_arm_labels: Vec<String> = raw
        .arms
        .iter()
        .filter(|a| experimental(a.arm_type.as_ref().map(|t| t.text.as_str())))
        .map(|a| a.label.text.to_lowercase())
        .collect();
    let exp_interventions: Vec<String> = raw
        .arms
        .iter()
        .filter(|a| experimental(a.arm_type.as_ref().map(|t| t.text.as_str())))
        .flat_map(|a| a.intervention_names.iter().map(|n| n.text.to_lowercase()))
        .collect();
    let mut inter: Level = Vec::new();
    for i in &raw.interventions {
        let mut texts = vec![i.name.text.clone()];
        texts.extend(i.other_names.iter().map(|o| o.text.clone()));
        if let Some(d) = &i.description {
            texts.push(d.text.clone());
        }
        let joined = texts.join(" | ");
        let cells = mentions_cells(&joined);
        if !cells && sources_in(&joined).is_empty() {
            continue;
        }
        any_cells |= cells;
        let name_l = i.name.text.to_lowercase();
        let is_exp = exp_interventions.iter().any(|n| name_matches(n, &name_l))
            || i.arm_labels.iter().any(|l| exp_arm_labels.contains(&l.text.to_lowercase()));
        for t in texts {
            inter.push((t, is_exp));
        }
    }
    let mut arms: Level = Vec::new();
    for a in &raw.arms {
        let is_exp = experimental(a.arm_type.as_ref().map(|t| t.text.as_str()));
        let mut t = a.label.text.clone();
        if let Some(d) = &a.description {
            t.push_str(" | ");
            t.push_str(&d.text);
        }
        if mentions_cells(&t) {
            any_cells = true;
            arms.push((t, is_exp));
        }
    }
    let mut titles: Level = Vec::new();
    for t in [&raw.brief_title, &raw.official_title].into_iter().flatten() {
        any_cells |= mentions_cells(&t.text);
        titles.push((t.text.clone(), true));
    }
    let mut kw: Level = Vec::new();
    // Keywords may name the tissue of a product stated elsewhere, but do not by themselves
    // make a trial a cell-therapy trial ("Stem cell transplant" is a keyword of chemotherapy
    // trials whose patients later receive a transplant).
    for k in &raw.keywords {
        kw.push((k.text.clone(), true));
    }
    (vec![inter, arms, titles, kw], any_cells)
}

/// Whether an intervention name as linked from an arm ("Biological: UCMSC") names `name`.
pub(crate) fn name_matches(linked: &str, name: &str) -> bool {
    let l = linked.trim().to_lowercase();
    let n = name.trim().to_lowercase();
    l == n || l.split_once(':').is_some_and(|(_, rest)| rest.trim() == n)
}

fn pick(found: Vec<(&'static str, bool)>) -> Option<&'static str> {
    let mut all: Vec<&'static str> = Vec::new();
    let mut exp: Vec<&'static str> = Vec::new();
    for (s, e) in found {
        if !all.contains(&s) {
            all.push(s);
        }
        if e && !exp.contains(&s) {
            exp.push(s);
        }
    }
    match (all.len(), exp.len()) {
        (0, _) => None,
        (1, _) => all.first().copied(),
        (_, 1) => exp.first().copied(),
        _ => Some("OTHER"),
    }
}

/// The record's cell product, from titles, interventions, arms, other names and keywords.
pub fn classify_record(raw: &RawRecord) -> CellProduct {
    let (levels, any_cells) = levels(raw);
    let mut source = None;
    for level in &levels {
        let found: Vec<(&'static str, bool)> = level.iter().flat_map(|(t, e)| sources_in(t).into_iter().map(move |s| (s, *e))).collect();
        if let Some(s) = pick(found) {
            source = Some(s);
            break;
        }
    }
    if source.is_none() && !any_cells {
        // No cell product (most registry trials): the origin would not be reported anyway.
        return CellProduct::default();
    }
    let mut origin = None;
    for level in &levels {
        let found: Vec<(&'static str, bool)> = level.iter().filter_map(|(t, e)| origin_in(t).map(|o| (o, *e))).collect();
        if found.is_empty() {
            continue;
        }
        let mut distinct: Vec<&'static str> = found.iter().map(|f| f.0).collect();
        distinct.sort_unstable();
        distinct.dedup();
        origin = if distinct.len() == 1 { distinct.first().copied() } else { None };
        break;
    }
    // Cells given but no tissue stated (the no-cell case returned above).
    CellProduct { source: Some(source.unwrap_or("UNSPECIFIED")), origin }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        for (t, want) in [
            ("human umbilical cord derived MSC", Some("UMBILICAL_CORD")),
            ("UC-MSC+DMARDS", Some("UMBILICAL_CORD")),
            ("UCMSC", Some("UMBILICAL_CORD")),
            ("hUC-MSCs", Some("UMBILICAL_CORD")),
            ("Wharton's jelly MSC", Some("UMBILICAL_CORD")),
            ("cord tissue-derived cells", Some("UMBILICAL_CORD")),
            ("autologous bone marrow MSC", Some("BONE_MARROW")),
            ("BM-MSC", Some("BONE_MARROW")),
            ("BMSCs", Some("BONE_MARROW")),
            ("marrow-derived stromal cells", Some("BONE_MARROW")),
            ("adipose-derived stem cells", Some("ADIPOSE")),
            ("AD-MSC", Some("ADIPOSE")),
            ("ADSCs", Some("ADIPOSE")),
            ("stromal vascular fraction", Some("ADIPOSE")),
            ("lipoaspirate", Some("ADIPOSE")),
            ("placenta-derived", Some("PLACENTA")),
            ("amniotic membrane MSC", Some("PLACENTA")),
            ("decidua stromal cells", Some("PLACENTA")),
            ("dental pulp stem cells", Some("DENTAL_PULP")),
            ("DPSC", Some("DENTAL_PULP")),
            ("stem cells from human exfoliated deciduous teeth", Some("DENTAL_PULP")),
            ("menstrual blood stem cells", Some("MENSTRUAL_BLOOD")),
            ("endometrial regenerative cells", Some("MENSTRUAL_BLOOD")),
            ("umbilical cord blood mononuclear cells", Some("OTHER")),
            ("iPSC-derived MSC", Some("OTHER")),
            ("mesenchymal stem cells", None),
            ("fatigue", None),
        ] {
            assert_eq!(source_in(t), want, "{t}");
        }
        assert_eq!(sources_in("umbilical cord blood"), vec!["OTHER"]);
    }

    #[test]
    fn origins() {
        assert_eq!(origin_in("Allogenic MSC derived from umbilical cord"), Some("ALLOGENEIC"));
        assert_eq!(origin_in("allogeneic"), Some("ALLOGENEIC"));
        assert_eq!(origin_in("autologous BM-MSC"), Some("AUTOLOGOUS"));
        assert_eq!(origin_in("the patient's own cells"), Some("AUTOLOGOUS"));
        assert_eq!(origin_in("autologous or allogeneic"), None);
        assert_eq!(origin_in("mesenchymal stem cells"), None);
        assert_eq!(origin_in("allopurinol"), None);
    }

    #[test]
    fn cells() {
        assert!(mentions_cells("Mesenchymal Stem Cells"));
        assert!(mentions_cells("UCMSC"));
        assert!(mentions_cells("hUC-MSC"));
        assert!(mentions_cells("MSC transplantation"));
        assert!(mentions_cells("stromal cells"));
        assert!(!mentions_cells("autologous hematopoietic stem cell transplantation"));
        assert!(!mentions_cells("Placebo"));
        assert!(!mentions_cells("Rheumatoid Arthritis With Disease-Modifying Drugs (DMARDs)"));
        assert!(!mentions_cells("mscore"));
    }
}
