//! Options of the normalize stage, read from `pipeline.toml` (`[normalize]`).

use serde::{Deserialize, Serialize};

/// Options of the normalize stage. The vocabularies are compiled for search on first use:
/// set them before the first record is normalized.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NormalizeConfig {
    /// Conditions vocabulary: each category lists case-insensitive substrings; the first
    /// category with a matching pattern is the condition's `category`.
    #[serde(default)]
    pub condition_categories: Vec<ConditionCategory>,
    /// Named cell products whose tissue the record may not spell out ("remestemcel-L",
    /// "NurOwn"): the first product with a matching pattern gives the tissue of
    /// a cell text that names no tissue. When the configuration has no `cell_products`, the
    /// built-in list ([`default_cell_products`]) is used.
    #[serde(default = "default_cell_products")]
    pub cell_products: Vec<CellProductName>,
    /// `cell_products` compiled for search, built on first use.
    #[serde(skip)]
    product_index: ProductIndex,
    /// `condition_categories`' patterns lower-cased, built on first use.
    #[serde(skip)]
    condition_index: ConditionIndex,
}

/// The conditions vocabulary lower-cased once, category by category: each pattern with
/// whether it is short (three characters or fewer, matched as a whole word).
type ConditionIndex = Built<Vec<Vec<(String, bool)>>>;

/// A search structure built from the configuration on first use. Not part of the
/// configuration's identity: clones start empty, and any two are equal.
struct Built<T>(std::sync::OnceLock<T>);

impl<T> Default for Built<T> {
    fn default() -> Self {
        Built(std::sync::OnceLock::new())
    }
}

impl<T> Clone for Built<T> {
    fn clone(&self) -> Self {
        Built::default()
    }
}

impl<T> PartialEq for Built<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> std::fmt::Debug for Built<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(std::any::type_name::<T>())
    }
}

/// The product vocabulary compiled once: every long pattern in one automaton, the short ones
/// (matched as whole words) in a list.
type ProductIndex = Built<Compiled>;

struct Compiled {
    /// Patterns longer than three characters, lower-cased, searched as substrings in one pass.
    long: Option<aho_corasick::AhoCorasick>,
    /// The product of each pattern of `long`, and the patterns themselves (searched one by one
    /// if the automaton could not be built).
    long_patterns: Vec<(String, usize)>,
    /// For each pattern of `long`: whether it must match whole words (its product's
    /// `whole_words`).
    long_whole: Vec<bool>,
    /// Patterns of three characters or fewer, lower-cased, matched as whole words.
    short: Vec<(String, usize)>,
}

impl Compiled {
    fn new(products: &[CellProductName]) -> Compiled {
        let mut long_patterns = Vec::new();
        let mut long_whole = Vec::new();
        let mut short = Vec::new();
        for (i, p) in products.iter().enumerate() {
            for pat in &p.patterns {
                let pat = pat.to_lowercase();
                if pat.chars().count() <= 3 {
                    short.push((pat, i));
                } else {
                    long_patterns.push((pat, i));
                    long_whole.push(p.whole_words);
                }
            }
        }
        let long = aho_corasick::AhoCorasick::new(long_patterns.iter().map(|(p, _)| p)).ok();
        Compiled { long, long_patterns, long_whole, short }
    }

    /// The index of the first product (in vocabulary order) a lower-cased text names.
    fn first_in(&self, lower: &str) -> Option<usize> {
        let mut first = usize::MAX;
        match &self.long {
            Some(ac) => {
                for m in ac.find_overlapping_iter(lower) {
                    let ix = m.pattern().as_usize();
                    if let Some((_, owner)) = self.long_patterns.get(ix) {
                        if !self.long_whole.get(ix).copied().unwrap_or(false) || is_whole_word(lower, m.start(), m.end()) {
                            first = first.min(*owner);
                        }
                    }
                }
            }
            None => {
                for (ix, (p, owner)) in self.long_patterns.iter().enumerate() {
                    if *owner < first && contains_pattern(lower, p, self.long_whole.get(ix).copied().unwrap_or(false)) {
                        first = *owner;
                    }
                }
            }
        }
        if !self.short.is_empty() {
            for w in lower.split(|c: char| !c.is_alphanumeric()) {
                for (p, owner) in &self.short {
                    if *owner < first && w == p {
                        first = *owner;
                    }
                }
            }
        }
        (first != usize::MAX).then_some(first)
    }
}

/// Whether `text[start..end]` is neither preceded nor followed by a letter or digit.
fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).and_then(|t| t.chars().next_back());
    let after = text.get(end..).and_then(|t| t.chars().next());
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Whether a lower-cased text holds a lower-cased pattern (as whole words when `whole`).
fn contains_pattern(lower: &str, pat: &str, whole: bool) -> bool {
    if !whole {
        return lower.contains(pat);
    }
    lower.match_indices(pat).any(|(at, m)| is_whole_word(lower, at, at + m.len()))
}

impl Default for NormalizeConfig {
    fn default() -> Self {
        NormalizeConfig {
            condition_categories: Vec::new(),
            cell_products: default_cell_products(),
            product_index: ProductIndex::default(),
            condition_index: ConditionIndex::default(),
        }
    }
}

/// One named cell product of the product vocabulary.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CellProductName {
    /// Product name (e.g. "remestemcel-L").
    pub name: String,
    /// Case-insensitive substrings naming it (brand names, codes); patterns of three
    /// characters or fewer must match a whole word.
    pub patterns: Vec<String>,
    /// Tissue written to `cell_source` (UMBILICAL_CORD, CORD_BLOOD, BONE_MARROW,
    /// PERIPHERAL_BLOOD, ADIPOSE, PLACENTA, DENTAL_PULP, MENSTRUAL_BLOOD, OTHER). The origin
    /// (autologous / allogeneic) is not taken from the product: it is reported only where the
    /// record states it.
    pub source: String,
    /// Match every pattern of this entry only as whole words, for a name that is also the
    /// start of an everyday word ("Chondrogen" must not match "chondrogenic"). Default false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub whole_words: bool,
}

/// The built-in product vocabulary (the same entries as the repository's `pipeline.toml`,
/// where each entry cites its source).
pub fn default_cell_products() -> Vec<CellProductName> {
    let p = |name: &str, patterns: &[&str], source: &str| CellProductName {
        name: name.into(),
        patterns: patterns.iter().map(|s| s.to_string()).collect(),
        source: source.into(),
        whole_words: false,
    };
    let whole = |name: &str, patterns: &[&str], source: &str| CellProductName { whole_words: true, ..p(name, patterns, source) };
    vec![
        p("remestemcel-L", &["remestemcel", "prochymal", "ryoncil"], "BONE_MARROW"),
        p("MSC-NTF", &["msc-ntf", "nurown", "debamestrocel"], "BONE_MARROW"),
        p("darvadstrocel", &["darvadstrocel", "cx601", "cx-601", "alofisel"], "ADIPOSE"),
        p("Stempeucel", &["stempeucel"], "BONE_MARROW"),
        p("Temcell", &["temcell"], "BONE_MARROW"),
        p("rexlemestrocel-L", &["rexlemestrocel", "revascor", "mpc-150-im", "mpc-06-id"], "BONE_MARROW"),
        p("MultiStem", &["multistem", "invimestrocel"], "BONE_MARROW"),
        p("Cartistem", &["cartistem"], "CORD_BLOOD"),
        p("Stemirac", &["stemirac"], "BONE_MARROW"),
        p("Cellgram", &["cellgram", "hearticellgram"], "BONE_MARROW"),
        p("Cupistem", &["cupistem"], "ADIPOSE"),
        p("Neuronata-R", &["neuronata", "lenzumestrocel"], "BONE_MARROW"),
        p("CAP-1002", &["cap-1002", "deramiocel"], "OTHER"),
        p("tisagenlecleucel", &["tisagenlecleucel", "kymriah", "ctl019"], "PERIPHERAL_BLOOD"),
        p("axicabtagene ciloleucel", &["axicabtagene", "yescarta", "kte-c19"], "PERIPHERAL_BLOOD"),
        p("brexucabtagene autoleucel", &["brexucabtagene", "tecartus", "kte-x19"], "PERIPHERAL_BLOOD"),
        p("lisocabtagene maraleucel", &["lisocabtagene", "breyanzi", "jcar017"], "PERIPHERAL_BLOOD"),
        p("idecabtagene vicleucel", &["idecabtagene", "abecma", "bb2121"], "PERIPHERAL_BLOOD"),
        p("ciltacabtagene autoleucel", &["ciltacabtagene", "carvykti", "jnj-4528", "lcar-b38m"], "PERIPHERAL_BLOOD"),
        p("tabelecleucel", &["tabelecleucel", "ebvallo"], "PERIPHERAL_BLOOD"),
        p("lifileucel", &["lifileucel", "amtagvi", "ln-144"], "OTHER"),
        p("omidubicel", &["omidubicel", "omisirge", "nicord"], "CORD_BLOOD"),
        p("donislecel", &["donislecel", "lantidra"], "OTHER"),
        p("MACI", &["maci implant", "matrix-induced autologous chondrocyte", "carticel"], "OTHER"),
        p("Holoclar", &["holoclar"], "OTHER"),
        p("StrataGraft", &["stratagraft"], "OTHER"),
        p("betibeglogene autotemcel", &["betibeglogene", "zynteglo", "lentiglobin"], "PERIPHERAL_BLOOD"),
        p("exagamglogene autotemcel", &["exagamglogene", "casgevy", "ctx001"], "PERIPHERAL_BLOOD"),
        p("lovotibeglogene autotemcel", &["lovotibeglogene", "lyfgenia"], "PERIPHERAL_BLOOD"),
        p("elivaldogene autotemcel", &["elivaldogene", "skysona", "lenti-d"], "PERIPHERAL_BLOOD"),
        p("Strimvelis", &["strimvelis"], "BONE_MARROW"),
        p("lomecel-B", &["lomecel", "longeveron"], "BONE_MARROW"),
        p("vandefitemcel", &["vandefitemcel", "sb623"], "BONE_MARROW"),
        p("PLX-PAD", &["plx-pad", "plx-r18", "pluristem"], "PLACENTA"),
        p("CYP-001", &["cyp-001", "cyp-004", "cymerus"], "OTHER"),
        p("JointStem", &["jointstem", "astrostem"], "ADIPOSE"),
        p("NestaCell", &["nestacell"], "DENTAL_PULP"),
        p("ProTrans", &["protrans"], "UMBILICAL_CORD"),
        p("ixmyelocel-T", &["ixmyelocel", "rexmyelocel", "rex-001"], "BONE_MARROW"),
        p("HepaStem", &["hepastem"], "OTHER"),
        p("Descartes-08", &["descartes-08"], "PERIPHERAL_BLOOD"),
        p("TissueGene-C", &["tissuegene-c", "invossa", "tg-c"], "OTHER"),
        p("Fate Therapeutics iPSC-derived cells", &["ft500", "ft516", "ft522", "ft538", "ft576", "ft596", "ft819", "ft825"], "OTHER"),
        whole("Chondrogen", &["chondrogen"], "BONE_MARROW"),
    ]
}

/// One category of the conditions vocabulary.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConditionCategory {
    /// Category name written to `conditions.category` (e.g. "SLE").
    pub name: String,
    /// Case-insensitive substrings that select it (e.g. "lupus", "SLE").
    pub patterns: Vec<String>,
}

impl NormalizeConfig {
    /// The category of a condition string, if any pattern matches. Patterns of three
    /// characters or fewer must match a whole word ("SLE" does not match "sleep").
    pub fn category_of(&self, condition: &str) -> Option<&str> {
        let index = self.condition_index.0.get_or_init(|| {
            self.condition_categories
                .iter()
                .map(|cat| {
                    cat.patterns
                        .iter()
                        .map(|p| {
                            let p = p.to_lowercase();
                            let short = p.chars().count() <= 3;
                            (p, short)
                        })
                        .collect()
                })
                .collect()
        });
        let lower = condition.to_lowercase();
        for (cat, patterns) in self.condition_categories.iter().zip(index) {
            for (p, short) in patterns {
                if *short {
                    if lower.split(|c: char| !c.is_alphanumeric()).any(|w| w == p) {
                        return Some(&cat.name);
                    }
                } else if lower.contains(p.as_str()) {
                    return Some(&cat.name);
                }
            }
        }
        None
    }
}

impl NormalizeConfig {
    /// The named product a text mentions, if any (the first in vocabulary order).
    pub fn product_in(&self, text: &str) -> Option<&CellProductName> {
        let ix = self.product_index.0.get_or_init(|| Compiled::new(&self.cell_products));
        ix.first_in(&text.to_lowercase()).and_then(|i| self.cell_products.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products() {
        let cfg = NormalizeConfig::default();
        assert_eq!(cfg.product_in("Remestemcel-L (Prochymal)").map(|p| p.source.as_str()), Some("BONE_MARROW"));
        assert_eq!(cfg.product_in("NurOwn (MSC-NTF cells)").map(|p| p.name.as_str()), Some("MSC-NTF"));
        assert_eq!(cfg.product_in("Cx601").map(|p| p.source.as_str()), Some("ADIPOSE"));
        assert_eq!(cfg.product_in("Stempeucel").map(|p| p.source.as_str()), Some("BONE_MARROW"));
        assert_eq!(cfg.product_in("TEMCELL HS Inj.").map(|p| p.source.as_str()), Some("BONE_MARROW"));
        assert!(cfg.product_in("mesenchymal stem cells").is_none());
        // A whole-words entry: the name, not a longer word that starts with it.
        assert_eq!(cfg.product_in("Chondrogen - 50 million cells").map(|p| p.source.as_str()), Some("BONE_MARROW"));
        assert!(cfg.product_in("chondrogenic differentiation of marrow cells").is_none());
        assert!(cfg.product_in("pre-chondrogen2").is_none());
        // A configuration without the key gets the built-in list; with it, only its own.
        let none: NormalizeConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(none.cell_products, default_cell_products());
        let own: NormalizeConfig =
            serde_json::from_str(r#"{"cell_products": [{"name": "X", "patterns": ["xcel"], "source": "ADIPOSE"}]}"#).unwrap();
        assert_eq!(own.product_in("Xcel").map(|p| p.source.as_str()), Some("ADIPOSE"));
        assert!(own.product_in("Prochymal").is_none());
    }

    /// The vocabulary searched pattern by pattern, as it was before the index.
    fn product_naive<'c>(cfg: &'c NormalizeConfig, text: &str) -> Option<&'c CellProductName> {
        let lower = text.to_lowercase();
        cfg.cell_products.iter().find(|prod| {
            prod.patterns.iter().any(|pat| {
                let p = pat.to_lowercase();
                if p.chars().count() <= 3 {
                    lower.split(|c: char| !c.is_alphanumeric()).any(|w| w == p)
                } else if prod.whole_words {
                    lower.match_indices(&p).any(|(at, m)| {
                        let before = lower[..at].chars().next_back();
                        let after = lower[at + m.len()..].chars().next();
                        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
                    })
                } else {
                    lower.contains(&p)
                }
            })
        })
    }

    proptest::proptest! {
        /// The compiled index finds what the pattern-by-pattern search finds, first product
        /// first, on texts made of pieces of patterns, words and separators.
        #[test]
        fn index_matches_pattern_by_pattern(picks in proptest::collection::vec((0usize..200, 0usize..10), 0..8)) {
            let cfg = NormalizeConfig::default();
            let pats: Vec<&str> = cfg.cell_products.iter().flat_map(|p| p.patterns.iter().map(String::as_str)).collect();
            let seps = [" ", "-", "", "(", "X", "cells ", "İ", "tg-c2", "ic", "ic "];
            let mut text = String::new();
            for (p, s) in picks {
                let pat = pats[p % pats.len()];
                // Upper-case some, cut others short.
                let piece = if p % 3 == 0 { pat.to_uppercase() } else if p % 5 == 0 { pat.chars().take(3).collect() } else { pat.to_string() };
                text.push_str(&piece);
                text.push_str(seps[s]);
            }
            let want = product_naive(&cfg, &text).map(|p| p.name.clone());
            proptest::prop_assert_eq!(cfg.product_in(&text).map(|p| p.name.clone()), want.clone(), "{:?}", text);
            // The pattern-by-pattern stand-in used when the automaton cannot be built.
            let mut plain = Compiled::new(&cfg.cell_products);
            plain.long = None;
            let got = plain.first_in(&text.to_lowercase()).map(|i| cfg.cell_products[i].name.clone());
            proptest::prop_assert_eq!(got, want, "{:?}", text);
        }
    }

    #[test]
    fn categories() {
        let cfg = NormalizeConfig {
            product_index: ProductIndex::default(),
            condition_categories: vec![ConditionCategory { name: "SLE".into(), patterns: vec!["lupus".into(), "sle".into()] }],
            ..NormalizeConfig::default()
        };
        assert_eq!(cfg.category_of("Systemic Lupus Erythematosus"), Some("SLE"));
        assert_eq!(cfg.category_of("Refractory SLE"), Some("SLE"));
        assert_eq!(cfg.category_of("Sleep apnea"), None);
    }
}
