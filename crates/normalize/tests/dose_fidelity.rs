//! Dose fidelity (issue #14): the `doses` rows of real cell-therapy records, scored against the
//! hand labels of `fixtures/fidelity/dose_labels.tsv` (how they were made:
//! `fixtures/fidelity/LABELLING.md` and `docs/FIDELITY.md`).
//!
//! Each labelled record (`fixtures/realdata/cell_therapy/<file>`) goes through
//! `trialtables_extract::extract` and `trialtables_normalize::normalize`, and its predicted
//! dose rows are matched with its labelled level rows:
//! * a prediction matches a label when their amounts agree: every basis (per kg, total, per m²)
//!   stated by both has low values equal within 1 % relative, and at least one basis is stated
//!   by both. Pairs whose arm labels also agree are matched first; each row is used once;
//! * recall = labelled level rows matched / labelled level rows; precision = predictions matched
//!   / predictions (a prediction on a `NONE` or `NOT_CELL` trial is a false positive);
//! * on matched pairs: administrations, interval_days (within 1 %), route, cell_source and
//!   cell_origin are right when equal (both empty counts as right).
//!
//! Records whose form cannot be read yet (the API v1 full-study JSON, until its reader and
//! fixtures are on this branch) give no rows: they are counted apart ("not yet readable") and
//! left out of every ratio, and are scored automatically once they extract.
//!
//! Run with `cargo test -p trialtables-normalize --test dose_fidelity -- --nocapture`.
//! `DOSE_FIDELITY_SPLITS=tune` scores one half only; `DOSE_FIDELITY_DETAIL=1` also prints
//! every unmatched or wrong row of the halves scored (for development on the tune half);
//! `DOSE_FIDELITY_ROOT=<dir>` reads the records from another folder of the same layout;
//! `DOSE_FIDELITY_SUBSET=fold-a|fold-b|inside|outside` scores part of each half (see
//! `in_subset`). The labels of part 5 name their records `../ctgov_v2_json/...` and
//! `../ctgov_legacy_xml/...`: relative to the records folder, i.e. `fixtures/realdata/...`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use trialtables_extract::extract;
use trialtables_normalize::cell::known_source;
use trialtables_normalize::{normalize, Dose, NormalizeConfig};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Where the labelled records are: `fixtures/realdata/cell_therapy`, or `$DOSE_FIDELITY_ROOT`
/// (the same layout elsewhere, e.g. `../shared/realdata/cell_therapy`).
fn records_root() -> PathBuf {
    std::env::var("DOSE_FIDELITY_ROOT").map(PathBuf::from).unwrap_or_else(|_| fixtures().join("realdata/cell_therapy"))
}

/// One row of the labels file.
#[derive(Debug, Clone)]
struct Label {
    split: String,
    nct_id: String,
    file: String,
    level: String,
    arm_label: String,
    cell_source: String,
    cell_origin: String,
    per_kg: Option<f64>,
    total: Option<f64>,
    per_m2: Option<f64>,
    administrations: Option<i64>,
    interval_days: Option<f64>,
    route: String,
    source_text: String,
}

impl Label {
    fn is_level(&self) -> bool {
        self.level != "NONE" && self.level != "NOT_CELL"
    }
}

fn opt_f(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.parse().unwrap_or_else(|_| panic!("bad number in labels: {t:?}")))
    }
}

fn labels() -> Vec<Label> {
    let text = std::fs::read_to_string(fixtures().join("fidelity/dose_labels.tsv")).expect("labels file");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"));
    let (c_split, c_nct, c_file, c_level, c_arm) = (col("split"), col("nct_id"), col("file"), col("level"), col("arm_label"));
    let (c_src, c_org, c_kg, c_tot, c_m2) =
        (col("cell_source"), col("cell_origin"), col("dose_per_kg"), col("dose_total"), col("dose_per_m2"));
    let (c_adm, c_int, c_route, c_text) = (col("administrations"), col("interval_days"), col("route"), col("source_text"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let g = |i: usize| f.get(i).copied().unwrap_or("").trim().to_string();
            Label {
                split: g(c_split),
                nct_id: g(c_nct),
                file: g(c_file),
                level: g(c_level),
                arm_label: g(c_arm),
                cell_source: g(c_src),
                cell_origin: g(c_org),
                per_kg: opt_f(&g(c_kg)),
                total: opt_f(&g(c_tot)),
                per_m2: opt_f(&g(c_m2)),
                administrations: opt_f(&g(c_adm)).map(|v| v as i64),
                interval_days: opt_f(&g(c_int)),
                route: g(c_route),
                source_text: g(c_text),
            }
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.01 * a.abs().max(b.abs())
}

fn opt_close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => close(a, b),
        _ => false,
    }
}

/// Amounts agree: every basis stated by both is equal, and at least one is stated by both.
fn amounts_agree(l: &Label, d: &Dose) -> bool {
    let mut shared = 0;
    for (a, b) in [(l.per_kg, d.dose_per_kg), (l.total, d.dose_total), (l.per_m2, d.dose_per_m2)] {
        if let (Some(a), Some(b)) = (a, b) {
            if !close(a, b) {
                return false;
            }
            shared += 1;
        }
    }
    shared > 0
}

fn norm_label(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn arms_agree(l: &Label, d: &Dose) -> bool {
    !l.arm_label.is_empty() && d.arm_label.as_deref().is_some_and(|a| norm_label(a) == norm_label(&l.arm_label))
}

/// The label vocabulary of cell_source is the table's (CORD_BLOOD and PERIPHERAL_BLOOD are
/// table values too); nothing to map.
fn source_right(l: &Label, d: &Dose) -> bool {
    d.cell_source.as_deref().unwrap_or("") == l.cell_source
}

#[derive(Debug, Default, Clone)]
struct Tally {
    records: usize,
    unreadable_records: usize,
    unreadable_levels: usize,
    unreadable_forms: BTreeMap<String, usize>,
    labelled: usize,
    predicted: usize,
    matched: usize,
    adm_right: usize,
    int_right: usize,
    route_right: usize,
    source_right: usize,
    origin_right: usize,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

impl Tally {
    fn recall(&self) -> f64 {
        ratio(self.matched, self.labelled)
    }
    fn precision(&self) -> f64 {
        ratio(self.matched, self.predicted)
    }
    fn adm(&self) -> f64 {
        ratio(self.adm_right, self.matched)
    }
    fn interval(&self) -> f64 {
        ratio(self.int_right, self.matched)
    }
    fn route(&self) -> f64 {
        ratio(self.route_right, self.matched)
    }
    fn source(&self) -> f64 {
        ratio(self.source_right, self.matched)
    }
    fn origin(&self) -> f64 {
        ratio(self.origin_right, self.matched)
    }
}

fn form_of(file: &str) -> String {
    file.split('/').next().unwrap_or("").to_string()
}

fn fmt_opt<T: std::fmt::Debug>(v: &Option<T>) -> String {
    match v {
        Some(v) => format!("{v:?}"),
        None => "-".into(),
    }
}

/// `DOSE_FIDELITY_SUBSET`: `fold-a` / `fold-b` (last digit of the NCT id even / odd: two folds
/// of a half, for a cross-fold check), `inside` / `outside` (records of `cell_therapy/` / the
/// part-5 records from elsewhere in `../shared/realdata`), `part<N>` / `before-part<N>` (the
/// records of `fixtures/fidelity/part<N>/` / every record of an earlier part); empty for every
/// record.
fn in_subset(l: &Label, subset: &str) -> bool {
    let even = l.nct_id.chars().last().and_then(|c| c.to_digit(10)).is_some_and(|d| d % 2 == 0);
    match subset {
        "fold-a" => even,
        "fold-b" => !even,
        "inside" => !l.file.starts_with("../"),
        "outside" => l.file.starts_with("../"),
        _ if subset.starts_with("before-part") => part_of(&l.file).is_none_or(|p| Some(p) < subset[11..].parse().ok()),
        _ if subset.starts_with("part") => part_of(&l.file) == subset[4..].parse().ok(),
        _ => true,
    }
}

/// The part a labelled record belongs to when it is one of the later parts kept under
/// `fixtures/fidelity/part<N>/` (MSC trials in the API v1 full-study form labelled in session
/// 6 to 11: parts 6 to 11; docs/FIDELITY.md), relative to the records folder.
fn part_of(file: &str) -> Option<u32> {
    let rest = file.strip_prefix("../../fidelity/part")?;
    rest.split('/').next()?.parse().ok()
}

fn score(split: &str, all: &[Label], detail: bool) -> Tally {
    score_subset(split, all, detail, &std::env::var("DOSE_FIDELITY_SUBSET").unwrap_or_default())
}

fn score_subset(split: &str, all: &[Label], detail: bool, subset: &str) -> Tally {
    let cfg = NormalizeConfig::default();
    let mut by_nct: BTreeMap<&str, Vec<&Label>> = BTreeMap::new();
    for l in all.iter().filter(|l| l.split == split && in_subset(l, subset)) {
        by_nct.entry(l.nct_id.as_str()).or_default().push(l);
    }
    let mut t = Tally::default();
    for (nct, labs) in by_nct {
        let file = &labs[0].file;
        let path = records_root().join(file);
        let norm = std::fs::read(&path).ok().and_then(|bytes| {
            let ex = extract(&path.to_string_lossy(), &bytes);
            ex.records.iter().map(|r| normalize(r, &cfg)).find(|n| n.trial.nct_id == nct)
        });
        let levels: Vec<&Label> = labs.iter().copied().filter(|l| l.is_level()).collect();
        let Some(n) = norm else {
            t.unreadable_records += 1;
            t.unreadable_levels += levels.len();
            *t.unreadable_forms.entry(form_of(file)).or_default() += 1;
            continue;
        };
        t.records += 1;
        t.labelled += levels.len();
        t.predicted += n.doses.len();
        let mut used_d = vec![false; n.doses.len()];
        let mut pair: Vec<Option<usize>> = vec![None; levels.len()];
        for strict in [true, false] {
            for (i, l) in levels.iter().enumerate() {
                if pair[i].is_some() {
                    continue;
                }
                if let Some(j) =
                    (0..n.doses.len()).find(|&j| !used_d[j] && amounts_agree(l, &n.doses[j]) && (!strict || arms_agree(l, &n.doses[j])))
                {
                    used_d[j] = true;
                    pair[i] = Some(j);
                }
            }
        }
        for (i, l) in levels.iter().enumerate() {
            let Some(j) = pair[i] else {
                if detail {
                    println!(
                        "MISS  {nct} level {} arm {:?} kg {} tot {} m2 {} | {}",
                        l.level,
                        l.arm_label,
                        fmt_opt(&l.per_kg),
                        fmt_opt(&l.total),
                        fmt_opt(&l.per_m2),
                        l.source_text
                    );
                }
                continue;
            };
            let d = &n.doses[j];
            t.matched += 1;
            let checks = [
                ("administrations", d.administrations == l.administrations, fmt_opt(&d.administrations), fmt_opt(&l.administrations)),
                ("interval_days", opt_close(d.interval_days, l.interval_days), fmt_opt(&d.interval_days), fmt_opt(&l.interval_days)),
                ("route", d.route.as_deref().unwrap_or("") == l.route, fmt_opt(&d.route), l.route.clone()),
                ("cell_source", source_right(l, d), fmt_opt(&d.cell_source), l.cell_source.clone()),
                ("cell_origin", d.cell_origin.as_deref().unwrap_or("") == l.cell_origin, fmt_opt(&d.cell_origin), l.cell_origin.clone()),
            ];
            t.adm_right += usize::from(checks[0].1);
            t.int_right += usize::from(checks[1].1);
            t.route_right += usize::from(checks[2].1);
            t.source_right += usize::from(checks[3].1);
            t.origin_right += usize::from(checks[4].1);
            if detail {
                for (what, ok, got, want) in &checks {
                    if !ok {
                        println!("WRONG {nct} level {} {what}: got {got} want {want:?} | {}", l.level, d.source_text);
                    }
                }
            }
        }
        if detail {
            for (j, d) in n.doses.iter().enumerate() {
                if !used_d[j] {
                    let kind = if levels.is_empty() { labs[0].level.as_str() } else { "extra" };
                    println!(
                        "FALSE {nct} ({kind}) arm {:?} kg {} tot {} m2 {} [{}] | {}",
                        d.arm_label,
                        fmt_opt(&d.dose_per_kg),
                        fmt_opt(&d.dose_total),
                        fmt_opt(&d.dose_per_m2),
                        d.source_field,
                        d.source_text
                    );
                }
            }
        }
    }
    t
}

fn row(name: &str, cols: &[Option<&Tally>], f: fn(&Tally) -> f64, target: &str) {
    let cells: Vec<String> = cols.iter().map(|t| t.map(|t| format!("{:.2}", f(t))).unwrap_or_else(|| "-".into())).collect();
    println!("| {name} | {} | {target} |", cells.join(" | "));
}

/// Figures the exam half reached, measured once per round (docs/FIDELITY.md), minus a margin
/// of 0.05 (about two to five rows at these sizes): a change that makes the exam half worse
/// than this fails. Round 2: recall 0.62, precision 0.80, administrations 0.69, interval 0.94,
/// route 0.90, cell_source 0.82 on the whole exam half (132 records, 82 levels). Round 3:
/// administrations 0.75, interval 0.92. Round 4 (session 6) added part 6's 51 exam records:
/// on the whole half (183 records, 113 levels) recall 0.65, precision 0.80, administrations
/// 0.80, interval 0.93, route 0.86, cell_source 0.86. Round 5 (session 7) added part 7's 98
/// exam records: on the whole half (281 records, 187 levels) recall 0.74, precision 0.86,
/// administrations 0.75, interval 0.88, route 0.91, cell_source 0.89. They are below the
/// issue's targets. Round 6 (session 7) added part 8's 102 exam records: on the whole half
/// (383 records, 253 levels) recall 0.76, precision 0.86, administrations 0.75, interval 0.90,
/// route 0.87, cell_source 0.89. Session 8 added part 9's 108 exam records (labelled with the
/// judgement calls of LABELLING.md): on the whole half (491 records, 343 levels) recall 0.78,
/// precision 0.88, administrations 0.73, interval 0.91, route 0.88, cell_source 0.88. Then part
/// 10's 96 exam records: on the whole half (587 records, 428 levels) at the end of session 8
/// recall 0.79, precision 0.89, administrations 0.74, interval 0.90, route 0.88, cell_source
/// 0.89. At the end of session 10's rules (same half): 0.79, 0.89, 0.76, 0.89, 0.90, 0.90.
/// Session 11 added part 11's 45 exam records (fresh MSC records): on the whole half (632
/// records, 484 levels) at the end of round 9: 0.82, 0.91, 0.77, 0.89, 0.90, 0.90; the floor is
/// that minus 0.05, interval's kept at 0.85.
const EXAM_FLOOR: [(&str, f64); 6] =
    [("recall", 0.77), ("precision", 0.86), ("administrations", 0.72), ("interval_days", 0.85), ("route", 0.85), ("cell_source", 0.85)];

#[test]
fn dose_fidelity() {
    let all = labels();
    assert!(all.len() > 300, "labels file read");
    let splits = std::env::var("DOSE_FIDELITY_SPLITS").unwrap_or_else(|_| "tune,exam".into());
    let detail = std::env::var("DOSE_FIDELITY_DETAIL").is_ok_and(|v| !v.is_empty() && v != "0");
    let tune = splits.split(',').any(|s| s == "tune").then(|| score("tune", &all, detail));
    let exam = splits.split(',').any(|s| s == "exam").then(|| score("exam", &all, detail));
    // The exam half's records of `cell_therapy/` alone (the exam set of round 1), and part 6's
    // exam records alone (fresh MSC records, labelled in session 6), beside the whole half.
    let exam_ct = exam.as_ref().map(|_| score_subset("exam", &all, false, "inside"));
    let exam_p6 = exam.as_ref().map(|_| score_subset("exam", &all, false, "part6"));
    let exam_p7 = exam.as_ref().map(|_| score_subset("exam", &all, false, "part7"));
    let exam_p8 = exam.as_ref().map(|_| score_subset("exam", &all, false, "part8"));
    let exam_p9 = exam.as_ref().map(|_| score_subset("exam", &all, false, "part9"));
    let exam_p10 = exam.as_ref().map(|_| score_subset("exam", &all, false, "part10"));
    let exam_p11 = exam.as_ref().map(|_| score_subset("exam", &all, false, "part11"));
    let cols = [
        tune.as_ref(),
        exam.as_ref(),
        exam_ct.as_ref(),
        exam_p6.as_ref(),
        exam_p7.as_ref(),
        exam_p8.as_ref(),
        exam_p9.as_ref(),
        exam_p10.as_ref(),
        exam_p11.as_ref(),
    ];
    println!();
    println!(
        "| measure | tune | exam | exam, cell_therapy records | exam, part 6 records | exam, part 7 records | exam, part 8 records | exam, part 9 records | exam, part 10 records | exam, part 11 records | target |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let line = |what: &str, f: fn(&Tally) -> String| {
        let cells: Vec<String> = cols.iter().map(|t| t.map(f).unwrap_or_else(|| "-".into())).collect();
        println!("| {what} | {} | |", cells.join(" | "));
    };
    line("records scored", |t| t.records.to_string());
    line("records not yet readable (level rows)", |t| {
        format!("{} ({}) {:?}", t.unreadable_records, t.unreadable_levels, t.unreadable_forms)
    });
    line("labelled levels / predicted rows / matched", |t| format!("{} / {} / {}", t.labelled, t.predicted, t.matched));
    row("recall", &cols, Tally::recall, ">= 0.95");
    row("precision", &cols, Tally::precision, ">= 0.95");
    row("administrations", &cols, Tally::adm, ">= 0.95");
    row("interval_days", &cols, Tally::interval, ">= 0.95");
    row("route", &cols, Tally::route, ">= 0.95");
    row("cell_source", &cols, Tally::source, ">= 0.95");
    row("cell_origin", &cols, Tally::origin, "");
    if let Some(e) = &exam {
        let got = [e.recall(), e.precision(), e.adm(), e.interval(), e.route(), e.source()];
        for ((name, floor), v) in EXAM_FLOOR.iter().zip(got) {
            assert!(v >= *floor, "exam half {name} {v:.3} fell below {floor}");
        }
    }
}

/// The seeds' gold values of the CLI test (`crates/cli/tests/cli.rs`, seeds run), checked on the
/// normalize stage directly: this work must leave them unchanged.
#[test]
fn seeds_gold_values_unchanged() {
    let cfg = NormalizeConfig::default();
    // (nct, cell_source, cell_origin, dose rows)
    let want: &[(&str, &str, Option<&str>, usize)] = &[
        ("NCT00953485", "UNSPECIFIED", Some("ALLOGENEIC"), 1),
        ("NCT01741857", "UMBILICAL_CORD", Some("ALLOGENEIC"), 0),
        ("NCT04356287", "UMBILICAL_CORD", None, 2),
        ("NCT01547091", "UMBILICAL_CORD", None, 2),
        ("NCT03562065", "UMBILICAL_CORD", Some("ALLOGENEIC"), 3),
    ];
    let mut seen = 0;
    let mut dir: Vec<_> = std::fs::read_dir(fixtures().join("seeds")).expect("seeds").flatten().map(|e| e.path()).collect();
    dir.sort();
    for p in dir {
        let bytes = std::fs::read(&p).expect("seed");
        for r in extract(&p.to_string_lossy(), &bytes).records {
            let n = normalize(&r, &cfg);
            let Some(&(nct, src, origin, nd)) = want.iter().find(|w| w.0 == n.trial.nct_id) else { continue };
            seen += 1;
            assert_eq!(n.trial.cell_source.as_deref(), Some(src), "{nct} cell_source");
            if origin.is_some() {
                assert_eq!(n.trial.cell_origin.as_deref(), origin, "{nct} cell_origin");
            }
            assert_eq!(n.doses.len(), nd, "{nct} doses: {:#?}", n.doses);
            if nct == "NCT00953485" {
                let d = &n.doses[0];
                assert_eq!(d.dose_per_kg, Some(1e6));
                assert_eq!(d.administrations, Some(1));
                assert_eq!(d.route.as_deref(), Some("INTRAVENOUS"));
                assert!(d.source_text.contains("10^6"));
            }
        }
    }
    assert_eq!(seen, want.len(), "every seed read");
}

/// The labelled parts kept under `fixtures/fidelity/part<N>/` are whole: every record file is
/// listed in its `SOURCES.tsv` with its origin, reads as exactly the trial its name says, and
/// has label rows; every label row of a part names a file that is there; the split is the
/// NCT-hash rule fixed before any change (`tune` when the first byte of SHA-256(NCT id) is
/// even); the attribute values are the guide's vocabulary (`fixtures/fidelity/LABELLING.md`).
#[test]
fn labelled_parts_are_whole() {
    use sha2::{Digest, Sha256};
    let all = labels();
    let dir = fixtures().join("fidelity");
    let mut parts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/fidelity")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("part")))
        .collect();
    parts.sort();
    assert!(parts.len() >= 4, "parts 6, 7, 8 and 9: {parts:?}");
    let mut bad = Vec::new();
    for part in &parts {
        let name = part.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let sources = std::fs::read_to_string(part.join("SOURCES.tsv")).unwrap_or_default();
        let listed: Vec<&str> = sources.lines().skip(1).filter_map(|l| l.split('\t').next()).collect();
        let mut files: Vec<String> = std::fs::read_dir(part)
            .expect("part dir")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|f| f.ends_with(".json"))
            .collect();
        files.sort();
        for f in &files {
            let nct = f.trim_end_matches(".json");
            if !listed.contains(&f.as_str()) {
                bad.push(format!("{name}/{f}: not in SOURCES.tsv"));
            }
            let bytes = std::fs::read(part.join(f)).unwrap_or_default();
            let ex = extract(f, &bytes);
            if ex.records.len() != 1 || ex.records[0].nct_id.as_ref().map(|n| n.text.as_str()) != Some(nct) {
                bad.push(format!("{name}/{f}: extracts to {} records, not the one trial {nct}", ex.records.len()));
            }
            let rel = format!("../../fidelity/{name}/{f}");
            if !all.iter().any(|l| l.file == rel && l.nct_id == nct) {
                bad.push(format!("{name}/{f}: no label rows"));
            }
        }
        for l in all.iter().filter(|l| l.file.starts_with(&format!("../../fidelity/{name}/"))) {
            if !files.iter().any(|f| l.file.ends_with(&format!("/{f}"))) {
                bad.push(format!("{}: label row for a file that is not there", l.file));
            }
        }
    }
    for l in &all {
        let tune = Sha256::digest(l.nct_id.as_bytes())[0] % 2 == 0;
        if l.split != if tune { "tune" } else { "exam" } {
            bad.push(format!("{} {}: split {} is not the hash rule", l.nct_id, l.level, l.split));
        }
        // The table's own `cell_source` spellings (an empty cell is allowed in a label).
        let source_ok = l.cell_source.is_empty() || known_source(&l.cell_source) == Some(l.cell_source.as_str());
        let routes = [
            "",
            "INTRAVENOUS",
            "INTRATHECAL",
            "INTRA_ARTICULAR",
            "INTRAMUSCULAR",
            "SUBCUTANEOUS",
            "INTRACORONARY",
            "INTRA_ARTERIAL",
            "LOCAL",
            "OTHER",
        ];
        if !source_ok || !routes.contains(&l.route.as_str()) || !["", "ALLOGENEIC", "AUTOLOGOUS"].contains(&l.cell_origin.as_str()) {
            bad.push(format!(
                "{} {}: value outside the guide's vocabulary ({} / {} / {})",
                l.nct_id, l.level, l.cell_source, l.cell_origin, l.route
            ));
        }
    }
    assert!(bad.is_empty(), "{} problems:\n{}", bad.len(), bad.join("\n"));
}
