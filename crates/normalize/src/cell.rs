//! Cell source (tissue) and origin (autologous/allogeneic) of a cell product, from the words
//! registries use: "UC-MSC", "Wharton's jelly", "BM-MSC", "adipose-derived", "allogenic" [sic].
//!
//! Decisions:
//! * Umbilical cord *blood* is not cord tissue: "cord blood" is `CORD_BLOOD`. Mobilised
//!   peripheral blood stem cells, leukapheresis products, NK, T and CAR-T cells, donor
//!   lymphocytes are `PERIPHERAL_BLOOD`; tumour-infiltrating lymphocytes come from the tumour
//!   (`OTHER`), as do induced pluripotent and embryonic stem cell products, olfactory and
//!   other rare tissues.
//! * Named products whose records do not spell out their tissue (remestemcel-L, NurOwn,
//!   darvadstrocel, ...) take it from the product vocabulary of the configuration
//!   ([`crate::config::NormalizeConfig::cell_products`]) when no tissue word is found.
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

use crate::NormalizeConfig;
use regex::{Regex, RegexSet};
use std::sync::OnceLock;
use trialtables_extract::RawRecord;

/// What a record says about its cell product.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellProduct {
    /// UMBILICAL_CORD, CORD_BLOOD, BONE_MARROW, PERIPHERAL_BLOOD, ADIPOSE, PLACENTA,
    /// DENTAL_PULP, MENSTRUAL_BLOOD, OTHER, UNSPECIFIED (cells given, tissue not stated);
    /// `None` when there is no cell product.
    pub source: Option<&'static str>,
    /// ALLOGENEIC / AUTOLOGOUS, `None` when unstated.
    pub origin: Option<&'static str>,
}

fn compile(p: &str) -> Regex {
    crate::literal_regex(p)
}

/// Tissue patterns, in the order they are tried (cord blood first: it contains "umbilical cord"
/// but is not cord tissue; tumour-infiltrating lymphocytes before blood: they come from the
/// tumour).
const SOURCE_PATTERNS: [(&str, &str); 11] = [
    (
        r"(?i)\bcord[\s-]*blood|\bh?ucb[\s-]*mscs?\b|\bh?cb[\s-]*mscs?\b|\bucbscs?\b|\bucbt\b|\bucb\b|\bhpc,?\s*(?:\(\s*)?cord\b",
        "CORD_BLOOD",
    ),
    (
        r"(?i)umbilical|\bwharton|\bcord[\s-]+(?:tissue|derived|lining)|\bh?uc[\s-]*mscs?\b|\bh?uc[\s-]*mesenchymal|\bh?ucmscs?\b|\bwj[\s-]*mscs?\b|\bh?umscs?\b|\buc[\s-]*derived\b",
        "UMBILICAL_CORD",
    ),
    (
        r"(?i)bone[\s-]*marrow|marrow[\s-]*derived|\bbm[\s-]*mscs?\b|\bbmscs?\b|\bbmmscs?\b|\bh?bm[\s-]*mesenchymal|\bbm[\s-]*mncs?\b|\bbmac\b|\bbm[\s-]*derived\b|\bmarrow\s+(?:stromal|mononuclear|aspirat\w*|concentrate|cells)|\biliac\s+crest|\bhpc,?\s*(?:\(\s*)?marrow\b",
        "BONE_MARROW",
    ),
    (
        r"(?i)adipose|\bfat[\s-]*derived|\bad[\s-]*mscs?\b|\badmscs?\b|\bh?adscs?\b|\bh?ascs?\b|lipoaspirate|liposuction|\bfat\s+(?:tissue|graft\w*|aspirat\w*)|\babdominal\s+fat\b|stromal[\s-]+vascular[\s-]+fraction|\bsvf\b|\blipogems\b|\bnanofat\b|micro-?fragmented\s+(?:fat|lipoaspirate)",
        "ADIPOSE",
    ),
    (r"(?i)placenta|\bamnio|\bamnion|\bdecidua|\bchorion|\bh?pl[\s-]*mscs?\b|\bh?pmscs?\b", "PLACENTA"),
    (r"(?i)dental[\s-]*pulp|\bdpscs?\b|exfoliated[\s-]+deciduous|\bSHED\b", "DENTAL_PULP"),
    (r"(?i)menstrual|endometrial[\s-]+regenerative|\bmenscs?\b", "MENSTRUAL_BLOOD"),
    (
        r"(?i)induced[\s-]+pluripotent|\bipscs?\b|embryonic[\s-]+stem|\bh?esc[\s-]*derived\b|\bolfactory[\s-]+(?:mucosa|ensheathing)|\bmyoblasts?\b|muscle[\s-]*derived\s+(?:stem|progenitor|cells)|\bkeratinocytes\b|\b(?:dermal|autologous|allogeneic|cultured)\s+fibroblasts\b|\b(?:autologous|allogeneic|cultured|juvenile|expanded)\s+chondrocytes?\b|chondrocyte\s+implantation|\blimbal\s+(?:stem|epithelial)|\bislets?\s+(?:cell\s+)?(?:transplant\w*|infusion|allo\w*|graft)|\b(?:allogeneic|autologous|donor|purified)\s+islets?\b|hepatocyte\s+transplant\w*|\b(?:human|donor|allogeneic)\s+hepatocytes\b|neural[\s-]+(?:stem|progenitor)\s+cells|\bfetal[\s-]+(?:neural|brain|liver)\s+(?:cells|tissue)|\bgingiva[a-z]*[\s-]+(?:derived\s+)?(?:mscs?|mesenchymal|stem|stromal)|periodontal[\s-]+ligament[\s-]+(?:derived\s+)?(?:stem|stromal|mesenchymal|cells)|\bsynovi(?:al|um)[\s-]+(?:derived\s+|fluid[\s-]+(?:derived\s+)?)?(?:mscs?|mesenchymal|stem|stromal)|\bnasal\s+chondrocytes|\bschwann\s+cells|retinal\s+pigment(?:ed)?\s+epitheli\w*|\brpe\s+(?:cells|patch)|\bcardiac[\s-]+(?:stem|progenitor)\s+cells|\bc-?kit\+?\s+cardiac",
        "OTHER",
    ),
    (r"(?i)tumou?r[\s-]*infiltrating[\s-]+lymphocytes?|\bTILs?\b|\bcardiosphere", "OTHER"),
    (
        r"(?i)peripheral[\s-]*blood[\s-]+(?:stem|progenitor|mononuclear|derived|cells|lymphocytes|hematopoietic)|\bpbscs?\b|\bpbsct\b|\bpbpcs?\b|\bpbmcs?\b|\bpb[\s-]*mncs?\b|mobili[sz]ed\s+(?:peripheral|blood|stem|progenitor|cd34|donor|lymphocytes|cells)|leukapheres|\bapheresis[\s-]+(?:product|derived|collection)|\bhpc,?\s*(?:\(\s*)?(?:a|apheresis)\b",
        "PERIPHERAL_BLOOD",
    ),
    (
        r"(?i)\bnk[\s-]*cells?\b|natural[\s-]+killer[\s-]+cells?|\bt[\s-]*cells\b|\bt[\s-]*cell[\s-]+(?:product|infusion|dose|therapy|add[\s-]*back)|\bt[\s-]*lymphocytes\b|\bcar[\s-]*t\b|\bcar[\s-]*nk\b|\btcr[\s-]*t\b|\btcr[\s-]*(?:engineered|transduced|modified)|\bcar[\s-]*t[\s-]*cells?|chimeric[\s-]+antigen[\s-]+receptor|donor[\s-]+lymphocytes?|\bdli\b|cytokine[\s-]*induced[\s-]+killer|\bcik\b|\bvsts?\b|virus[\s-]*specific[\s-]+t|\btregs?\b|regulatory[\s-]+t[\s-]+cells|\bctls?\b|cytotoxic[\s-]+t[\s-]+lymphocytes",
        "PERIPHERAL_BLOOD",
    ),
];

/// Index of the last pattern above that only names blood-derived immune cells (NK, T, CAR-T,
/// DLI): those words name the tissue of a product, but do not by themselves make a trial a
/// cell-therapy trial ("T cells" in a title of a drug trial).
const IMMUNE_PATTERN: usize = 10;

/// Index of the tumour-infiltrating lymphocyte pattern above.
const TIL_PATTERN: usize = 8;

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
    let mut hits: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut blocked: Vec<(usize, usize)> = Vec::new();
    let which = source_set().matches(text);
    if !which.matched_any() {
        return Vec::new();
    }
    // Wharton's jelly is cord tissue whatever words stand before it: in "cord-blood derived
    // Wharton's jelly MSC" the jelly is the tissue, and the cord blood before it is not.
    // (Only needed where both cord patterns matched; ASCII lower-casing keeps byte offsets.)
    let wharton: Vec<usize> = if which.matched(0) && which.matched(1) {
        text.to_ascii_lowercase().match_indices("wharton").map(|(i, _)| i).collect()
    } else {
        Vec::new()
    };
    // Immune cells named beside stromal cells ("MSC + DLI") are another product given with
    // them: their blood is not the stromal cells' tissue.
    let stromal = which.matched(IMMUNE_PATTERN) && {
        static STROMAL: OnceLock<Regex> = OnceLock::new();
        STROMAL.get_or_init(|| compile(r"(?i)\bmscs?\b|mesenchymal|\bstromal\b")).is_match(text)
    };
    for (k, (re, src)) in source_patterns().iter().enumerate() {
        if !which.matched(k) || (stromal && k == IMMUNE_PATTERN) {
            continue;
        }
        for m in re.find_iter(text) {
            // A tissue named to be avoided is not the source: "into muscle and not adipose
            // tissue", "rather than bone marrow".
            let mut from = m.start().saturating_sub(16);
            while !text.is_char_boundary(from) {
                from += 1;
            }
            let tail = text.get(from..m.start()).unwrap_or("").to_ascii_lowercase();
            if ["not ", "rather than ", "instead of ", "avoid "].iter().any(|w| tail.ends_with(w)) {
                continue;
            }
            let jelly = wharton.contains(&m.start());
            if *src == "CORD_BLOOD"
                && wharton.iter().any(|&w| {
                    text.get(m.end()..w)
                        .is_some_and(|g| g.len() <= 12 && g.trim_matches([' ', '-']).trim_start_matches("derived").trim().is_empty())
                })
            {
                continue;
            }
            // "umbilical cord blood" already counted as CORD_BLOOD: do not count it as cord
            // tissue; "tumour-infiltrating lymphocytes" are not blood T cells.
            if !jelly && blocked.iter().any(|&(a, b)| m.start() < b && a < m.end() + 12) {
                continue;
            }
            if *src == "OTHER" || *src == "CORD_BLOOD" {
                blocked.push((m.start().saturating_sub(24), m.end()));
            }
            hits.push((m.start(), k, src));
        }
    }
    // T cells engineered with a receptor (TCR- or CAR-transduced) are grown from blood, even
    // when the receptor is named after a TIL clone ("TIL 1383I TCR transduced T cells").
    static ENGINEERED: OnceLock<Regex> = OnceLock::new();
    let engineered = ENGINEERED.get_or_init(|| {
        compile(r"(?i)\b(?:tcr|car)[\s-]*(?:transduced|engineered|modified|redirected)|(?:transduced|engineered|gene[\s-]*modified)\s+(?:autologous\s+|allogeneic\s+)?t[\s-]*cells")
    });
    if hits.iter().any(|h| h.1 == TIL_PATTERN) && engineered.is_match(text) {
        hits.retain(|h| h.1 != TIL_PATTERN);
        if !hits.iter().any(|h| h.2 == "PERIPHERAL_BLOOD") {
            hits.push((usize::MAX, IMMUNE_PATTERN, "PERIPHERAL_BLOOD"));
        }
    }
    let hits: Vec<(usize, &'static str)> = {
        let mut v: Vec<(usize, &'static str)> = hits.into_iter().map(|h| (h.0, h.2)).collect();
        v.sort_by_key(|h| h.0);
        v
    };
    let mut out: Vec<&'static str> = Vec::new();
    for (_, s) in hits {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    // Three tissues or more in one text is a list of where such cells can come from ("MSCs can
    // be isolated from bone marrow, umbilical cord, blood and adipose tissue"), not the tissue
    // of this trial's cells.
    if out.len() >= 3 {
        out.clear();
    }
    out
}

/// Tissues stated in one text, leaving out the immune-cell words (NK, T, CAR-T, DLI) that
/// only name a tissue once the text is known to be about a cell product.
fn tissues_in(text: &str) -> Vec<&'static str> {
    let text = crate::capped(text);
    let which = source_set().matches(text);
    if which.iter().all(|k| k == IMMUNE_PATTERN) {
        return Vec::new();
    }
    let mut out = sources_in(text);
    if which.matched(IMMUNE_PATTERN) {
        // Keep PERIPHERAL_BLOOD only when a non-immune blood pattern stated it.
        let blood_words = source_patterns().get(IMMUNE_PATTERN - 1).is_some_and(|(re, _)| re.is_match(text));
        if !blood_words {
            out.retain(|s| *s != "PERIPHERAL_BLOOD");
        }
    }
    out
}

/// Tissue source stated in one text, if any (the first stated when there are several). A
/// tissue the cells are said to come from beats an earlier mention ("NK cells expanded from
/// cord blood" is `CORD_BLOOD`, "T cells derived from iPSCs" `OTHER`); a tissue merely
/// mentioned does not ("CAR-T cells for patients with bone marrow involvement" stays blood).
pub fn source_in(text: &str) -> Option<&'static str> {
    let text = crate::capped(text);
    static FROM: OnceLock<Regex> = OnceLock::new();
    let from = FROM.get_or_init(|| {
        compile(r"(?i)\b(?:derived|expanded|generated|differentiated|isolated|obtained|manufactured|produced|grown|prepared|harvested|collected)\s+from\s+")
    });
    if let Some(m) = from.find(text) {
        let mut end = (m.end() + 60).min(text.len());
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
        if let Some(t) = text.get(m.end()..end).and_then(explicit_source_in) {
            return Some(t);
        }
    }
    sources_in(text).first().copied()
}

/// Whether a text speaks of mesenchymal stromal cells ("MSC", "UC-MSCs", "mesenchymal stem
/// cells", "marrow stromal cells").
pub fn names_msc(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| compile(r"(?i)mesenchymal|msc|\bstromal\s+(?:stem\s+|progenitor\s+)?cells")).is_match(crate::capped(text))
}

/// `text` with the cell products that are not MSC blanked out (cord blood units, peripheral
/// blood stem cells, haematopoietic, neural and cardiac stem cells), unless the words go on to
/// name MSC ("cord blood-derived MSC"): given next to MSC ("MSC and cord blood", "PBSC at
/// 2x10^8/kg. MSC at 1x10^6/kg"), their tissue is not the MSC's.
pub fn without_other_products(text: &str) -> std::borrow::Cow<'_, str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    static MSC_NEXT: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        compile(
            r"(?i)\b(?:(?:umbilical\s+)?cord[\s-]+blood(?:\s+(?:units?|transplant\w*|cells))?|pbscs?|pbsct|peripheral[\s-]+blood[\s-]+(?:stem|progenitor)[\s-]+cells?|neural[\s-]+(?:stem|progenitor)[\s-]+cells?|c-?kit\+?[\s-]+(?:cardiac[\s-]+)?(?:stem[\s-]+)?cells?|cardiac[\s-]+(?:stem|progenitor)[\s-]+cells?|ha?ematopoietic[\s-]+(?:stem|progenitor)[\s-]+cells?)",
        )
    });
    let msc_next = MSC_NEXT.get_or_init(|| compile(r"(?i)^[\s-]*(?:\(\w+\)\s*)?(?:derived|mesenchymal|mscs?\b|stromal)"));
    if !re.is_match(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in re.find_iter(text) {
        if msc_next.is_match(&text[m.end()..]) {
            continue;
        }
        out.push_str(&text[last..m.start()]);
        out.push_str(&" ".repeat(m.len()));
        last = m.end();
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

/// Tissue named outright in one text (not only implied by NK, T, CAR-T or DLI words), if any.
pub fn explicit_source_in(text: &str) -> Option<&'static str> {
    tissues_in(text).first().copied()
}

/// Origin stated in one text, if any; `None` when unstated or when both are stated.
pub fn origin_in(text: &str) -> Option<&'static str> {
    let text = crate::capped(text);
    static ALLO: OnceLock<Regex> = OnceLock::new();
    static AUTO: OnceLock<Regex> = OnceLock::new();
    let allo = ALLO.get_or_init(|| {
        compile(
            r"(?i)\ballo(?:geneic|genic|genous|geneous|genetic)?\b|\ballo[\s-]|\bdonor[\s-]*derived|\bthird[\s-]*party|\bhealthy\s+donors?|\bhaplo-?identical\b|\b(?:sibling|unrelated|related|family)\s+donors?\b",
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
        compile(r"(?i)mesenchymal|\b(?:h|h?uc|h?bm|ad|wj|h?ucb)?[\s-]*mscs?\b|\bmsct\b|stromal\s+(?:vascular|cells?)|stem[\s/-]*cells?|progenitor\s+cells?|\bcsm\b|\bdpscs?\b|\badscs?\b|\bbmscs?\b|wharton|\bsvf\b|regenerative\s+cells?|\bipscs?\b|\bcell\s+therapy|\bcell[\s-]based\s+therap|\bnk[\s-]*cells?\b|natural[\s-]+killer[\s-]+cells|\bcar[\s-]*t\b|\bcar[\s-]*t[\s-]*cells?|chimeric[\s-]+antigen[\s-]+receptor[\s-]+(?:t|nk|modified|engineered|expressing)|donor[\s-]+lymphocyte[\s-]+infusion|tumou?r[\s-]*infiltrating[\s-]+lymphocytes|\btils?\b|cytokine[\s-]*induced[\s-]+killer|\bcik[\s-]+cells|dendritic[\s-]+cell[\s-]+vaccin|virus[\s-]*specific[\s-]+t[\s-]+cells|\bpbscs?\b|peripheral[\s-]+blood[\s-]+stem[\s-]+cell")
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

/// The tissue the summary and description say the trial's cells are taken from, for a cell
/// trial whose interventions, arms, titles and keywords name none ("Bone marrow (50 ml) will be
/// collected from unrelated donors ... MSC expansion cultures"). Only sentences about this
/// trial's cells count: not background ("MSCs can be isolated from bone marrow, adipose tissue
/// and cord blood"), earlier studies, diseases or transplants of the marrow; each sentence must
/// name one tissue, and all of them the same one.
fn described_tissue(raw: &RawRecord) -> Option<&'static str> {
    static BACKGROUND: OnceLock<Regex> = OnceLock::new();
    static TAKEN: OnceLock<Regex> = OnceLock::new();
    let background = BACKGROUND.get_or_init(|| {
        compile(r"(?i)\b(?:can|could|may|might)\s+be\b|\b(?:have|has|had)\s+been\b|\bstudies\b|\bstudy\s+(?:showed|shows|found)|reported|previous\w*|\bprior\b|literature|animals?\b|\bmice\b|murine|\brats?\b|in\s+vitro|pre-?clinical|such\s+as|\bincluding\b|various|\bsources?\b|e\.g\.|for\s+example|failure|diseases?\b|disorders?\b|malignan\w*|leuka?emia|lymphoma|myeloma|involvement|biops\w*|suppress\w*|aplastic|marrow\s+transplant\w*|stem\s+cell\s+transplant\w*|\bhsct\b|\bbmt\b|\bor\b")
    });
    let taken = TAKEN.get_or_init(|| {
        compile(
            r"(?i)collect\w*|harvest\w*|aspirat\w*|liposuction|lipoaspirat\w*|obtain\w*|isolat\w*|expan\w*|derived|cultur\w*|extract\w*",
        )
    });
    let mut found: Vec<&'static str> = Vec::new();
    for t in [&raw.intervention_model_description, &raw.brief_summary, &raw.detailed_description].into_iter().flatten() {
        let text = crate::capped(&t.text);
        for sent in text.split(['.', '\n', ';']) {
            if sent.len() < 12 || background.is_match(sent) || !(mentions_cells(sent) || taken.is_match(sent)) {
                continue;
            }
            match tissues_in(sent).as_slice() {
                [] => {}
                [one] => {
                    if !found.contains(one) {
                        found.push(one);
                    }
                }
                _ => return None,
            }
        }
    }
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// One level of texts, each with whether it belongs to an experimental cell intervention.
type Level = Vec<(String, bool)>;

fn experimental(arm_type: Option<&str>) -> bool {
    arm_type.is_some_and(|t| t.to_ascii_lowercase().contains("experimental"))
}

fn levels(raw: &RawRecord, cfg: &NormalizeConfig) -> (Vec<Level>, bool) {
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
        let cells = mentions_cells(&joined) || cfg.product_in(&joined).is_some();
        if !cells && tissues_in(&joined).is_empty() {
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

/// The table spelling of a configured tissue, when it is one of the `cell_source` values.
pub fn known_source(s: &str) -> Option<&'static str> {
    [
        "UMBILICAL_CORD",
        "CORD_BLOOD",
        "BONE_MARROW",
        "PERIPHERAL_BLOOD",
        "ADIPOSE",
        "PLACENTA",
        "DENTAL_PULP",
        "MENSTRUAL_BLOOD",
        "OTHER",
        "UNSPECIFIED",
    ]
    .into_iter()
    .find(|k| k.eq_ignore_ascii_case(s.trim()))
}

/// Whether an intervention name as linked from an arm ("Biological: UCMSC") names `name`.
pub(crate) fn name_matches(linked: &str, name: &str) -> bool {
    let matches =
        |l: &str, n: &str, same: fn(&str, &str) -> bool| same(l, n) || l.split_once(':').is_some_and(|(_, rest)| same(rest.trim(), n));
    let (l, n) = (linked.trim(), name.trim());
    // ASCII names (nearly all) are compared without lower-cased copies; the same answer.
    if l.is_ascii() && n.is_ascii() {
        matches(l, n, str::eq_ignore_ascii_case)
    } else {
        matches(&l.to_lowercase(), &n.to_lowercase(), |a, b| a == b)
    }
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

/// The record's cell product, from titles, interventions, arms, other names and keywords,
/// with the built-in product vocabulary.
pub fn classify_record(raw: &RawRecord) -> CellProduct {
    classify_record_with(raw, &NormalizeConfig::default())
}

/// [`classify_record`] with the product vocabulary of `cfg`.
pub fn classify_record_with(raw: &RawRecord, cfg: &NormalizeConfig) -> CellProduct {
    let (levels, any_cells) = levels(raw, cfg);
    let mut source = None;
    for (k, level) in levels.iter().enumerate() {
        // Immune-cell words (NK, T, CAR-T) name a tissue in the cell interventions and arms
        // of a trial known to give cells; in titles and keywords only once it is.
        let tissues = |t: &str| if k < 2 || any_cells { sources_in(t) } else { tissues_in(t) };
        let mut found: Vec<(&'static str, bool)> = level.iter().flat_map(|(t, e)| tissues(t).into_iter().map(move |s| (s, *e))).collect();
        if found.is_empty() {
            found = level.iter().filter_map(|(t, e)| cfg.product_in(t).and_then(|p| known_source(&p.source)).map(|s| (s, *e))).collect();
        }
        if let Some(s) = pick(found) {
            source = Some(s);
            break;
        }
    }
    if source.is_none() && !any_cells {
        // No cell product (most registry trials): the origin would not be reported anyway.
        return CellProduct::default();
    }
    if source.is_none() {
        source = described_tissue(raw);
    }
    // A named product of the vocabulary that only the summary or description names ("Longeveron
    // Mesenchymal Stem Cells (LMSCs)"): its tissue.
    if source.is_none() {
        source = [&raw.intervention_model_description, &raw.brief_summary, &raw.detailed_description]
            .into_iter()
            .flatten()
            .find_map(|t| cfg.product_in(crate::capped(&t.text)).and_then(|p| known_source(&p.source)));
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
            // Session 11: abbreviations of placenta, menstrual blood, cord blood MSC and
            // embryonic stem cell products.
            ("PL-MSCs 1 x 10^6/kg", Some("PLACENTA")),
            ("hPMSCs", Some("PLACENTA")),
            ("MenSCs", Some("MENSTRUAL_BLOOD")),
            ("CB-MSCs", Some("CORD_BLOOD")),
            ("hESC-derived cells", Some("OTHER")),
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
            ("umbilical cord blood mononuclear cells", Some("CORD_BLOOD")),
            ("G-CSF mobilized peripheral blood stem cells", Some("PERIPHERAL_BLOOD")),
            ("PBSC graft", Some("PERIPHERAL_BLOOD")),
            ("donor lymphocyte infusion", Some("PERIPHERAL_BLOOD")),
            ("activated NK cells", Some("PERIPHERAL_BLOOD")),
            ("anti-CD19 CAR-T cells", Some("PERIPHERAL_BLOOD")),
            ("tumor infiltrating lymphocytes", Some("OTHER")),
            ("young TIL", Some("OTHER")),
            ("TIL 1383I TCR transduced T cells", Some("PERIPHERAL_BLOOD")),
            ("washed T cell product", Some("PERIPHERAL_BLOOD")),
            ("iPSC-derived MSC", Some("OTHER")),
            // Session 10: more tissues, none taken from a record.
            ("gingiva-derived MSC", Some("OTHER")),
            ("periodontal ligament stem cells", Some("OTHER")),
            ("synovium-derived mesenchymal stem cells", Some("OTHER")),
            ("synovial fluid MSC", Some("OTHER")),
            ("autologous nasal chondrocytes", Some("OTHER")),
            ("Schwann cells", Some("OTHER")),
            ("retinal pigment epithelium cells", Some("OTHER")),
            ("Lipogems micro-fragmented adipose", Some("ADIPOSE")),
            ("nanofat injection", Some("ADIPOSE")),
            ("autologous PB-MNC", Some("PERIPHERAL_BLOOD")),
            ("synovial fluid analysis", None),
            ("mesenchymal stem cells", None),
            ("fatigue", None),
        ] {
            assert_eq!(source_in(t), want, "{t}");
        }
        assert_eq!(sources_in("umbilical cord blood"), vec!["CORD_BLOOD"]);
        // Immune-cell words alone do not name a tissue where a cell product is not known.
        assert_eq!(tissues_in("Pembrolizumab in peripheral T cell lymphoma: effect on T cells"), Vec::<&str>::new());
        assert_eq!(tissues_in("NK cells from mobilized peripheral blood"), vec!["PERIPHERAL_BLOOD"]);
        // Wharton's jelly is the tissue even after a cord-blood adjective; cord blood alone
        // stays cord blood.
        assert_eq!(sources_in("cord-blood derived Wharton's jelly stromal cells"), vec!["UMBILICAL_CORD"]);
        assert_eq!(sources_in("cord blood mononuclear cells and Wharton's jelly MSC"), vec!["CORD_BLOOD", "UMBILICAL_CORD"]);
        // Immune cells given beside stromal cells are not the stromal cells' tissue.
        assert_eq!(sources_in("MSC plus DLI for falling chimerism"), Vec::<&str>::new());
        assert_eq!(sources_in("DLI for falling chimerism"), vec!["PERIPHERAL_BLOOD"]);
        // A tissue to be avoided is not the source.
        assert_eq!(sources_in("injected into muscle and not adipose tissue"), Vec::<&str>::new());
        assert_eq!(sources_in("adipose tissue stromal cells"), vec!["ADIPOSE"]);
    }

    #[test]
    fn origins() {
        assert_eq!(origin_in("Allogenic MSC derived from umbilical cord"), Some("ALLOGENEIC"));
        assert_eq!(origin_in("allogeneic"), Some("ALLOGENEIC"));
        assert_eq!(origin_in("autologous BM-MSC"), Some("AUTOLOGOUS"));
        assert_eq!(origin_in("HLA-haploidentical MSCs"), Some("ALLOGENEIC"));
        assert_eq!(origin_in("MSCs from an unrelated donor"), Some("ALLOGENEIC"));
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
