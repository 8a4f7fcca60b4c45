//! Corpus tests: the parsers run over every real string collected from the ~180 real
//! ClinicalTrials.gov records and the five seeds, committed under `fixtures/corpus/`.
//! Rebuild the corpus with `TRIALTABLES_REGEN_CORPUS=1 cargo test -p trialtables-normalize
//! --test corpus` (reads `/work/shared/realdata` or `$TRIALTABLES_REALDATA`).

mod common;

use common::*;
use std::collections::BTreeSet;
use trialtables_normalize::timeframe::parse_time_frame;

const TF_FILE: &str = "time_frames.txt";

/// Time frames stated in the seed page texts ("[ Time Frame: x ]" or a "Time Frame" line
/// followed by the value).
fn seed_time_frames(out: &mut BTreeSet<String>) {
    let inline = regex::Regex::new(r"\[ Time Frame: (.*?) \]").expect("valid regex");
    for f in files(&fixtures().join("seeds"), "txt") {
        let Ok(text) = std::fs::read_to_string(&f) else { continue };
        for c in inline.captures_iter(&text) {
            if let Some(m) = c.get(1) {
                out.insert(one_line(m.as_str()));
            }
        }
        let lines: Vec<&str> = text.lines().collect();
        for w in lines.windows(2) {
            if w[0].trim() == "Time Frame" {
                out.insert(one_line(w[1]));
            }
        }
    }
}

fn regen_time_frames() {
    let Some(rd) = realdata() else {
        panic!("TRIALTABLES_REGEN_CORPUS set but no real-data directory");
    };
    let mut all = BTreeSet::new();
    for doc in json_docs(&rd.join("ctgov_v2_json")) {
        walk_key(&doc, "timeFrame", &mut all);
    }
    xml_elements(&rd.join("ctgov_legacy_xml"), "time_frame", &mut all);
    seed_time_frames(&mut all);
    write_corpus(
        TF_FILE,
        "Every distinct time frame string of the real records (API v2 JSON `timeFrame` in any\n\
         object, legacy XML `<time_frame>`) and of the seed pages; whitespace collapsed.\n\
         Rebuild: TRIALTABLES_REGEN_CORPUS=1 cargo test -p trialtables-normalize --test corpus",
        &all,
    );
}

#[test]
fn time_frame_corpus_share() {
    if regen() {
        regen_time_frames();
    }
    let corpus = read_corpus(TF_FILE);
    assert!(corpus.len() > 1000, "corpus too small: {}", corpus.len());
    let mut failed = Vec::new();
    for t in &corpus {
        match parse_time_frame(t) {
            Ok(tps) => {
                assert!(!tps.is_empty(), "Ok with no timepoint for {t:?}");
                for p in &tps {
                    assert!(!p.label.is_empty(), "empty label in {t:?}");
                    if p.kind == "BASELINE" {
                        assert_eq!((p.value, p.unit, p.days), (None, None, Some(0.0)));
                    } else {
                        let (Some(v), Some(u), Some(d)) = (p.value, p.unit, p.days) else {
                            panic!("incomplete timepoint {p:?} in {t:?}");
                        };
                        let f = trialtables_normalize::timeframe::unit_days(u).unwrap_or(f64::NAN);
                        assert!((v * f - d).abs() < 1e-9, "{p:?}");
                    }
                }
            }
            Err(e) => {
                assert!(!e.is_empty());
                failed.push(t.clone());
            }
        }
    }
    let share = 1.0 - failed.len() as f64 / corpus.len() as f64;
    println!(
        "time frames: {} strings, {} parsed, share {:.2}%",
        corpus.len(),
        corpus.len() - failed.len(),
        share * 100.0
    );
    for f in &failed {
        println!("UNPARSED: {f}");
    }
    assert!(share >= 0.97, "share parsed {share:.4} < 0.97");
}
