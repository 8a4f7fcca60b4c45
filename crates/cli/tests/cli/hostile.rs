//! Hostile input through the binary: every file below either gives a named `record_issues`
//! row or is read, and the rest of the run goes on (a good record beside it is published).
//! Small fixtures are in `fixtures/hostile/`; large ones are generated here.

use super::*;

const GOOD: &str = "001_549002531d0362f3.txt";
const GOOD_ID: &str = "NCT01741857";

struct Outcome {
    code: i32,
    stderr: String,
    trials: Vec<BTreeMap<String, Option<String>>>,
    issues: Vec<BTreeMap<String, Option<String>>>,
    dir: tempfile::TempDir,
}

/// Runs the binary on `in/` holding a good seed plus `files` (name, bytes).
fn run_with(files: &[(&str, Vec<u8>)]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    copy_tree(&repo().join("fixtures/seeds").join(GOOD), &work.join("in/good.txt"));
    for (name, bytes) in files {
        std::fs::write(work.join("in").join(name), bytes).unwrap();
    }
    std::fs::write(work.join("pipeline.toml"), "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n[run]\nfail_on = \"never\"\n").unwrap();
    let (code, _, stderr) = exec(&work, &["run"]);
    assert_eq!(code, 0, "{stderr}");
    let out = work.join("out");
    Outcome {
        code,
        trials: rows_all(&read(&out.join("trials.parquet"))),
        issues: rows_all(&read(&out.join("record_issues.parquet"))),
        stderr,
        dir,
    }
}

fn fixture(name: &str) -> (&str, Vec<u8>) {
    (name, std::fs::read(repo().join("fixtures/hostile").join(name)).unwrap())
}

impl Outcome {
    fn ids(&self) -> Vec<String> {
        self.trials.iter().filter_map(|t| get(t, "nct_id").map(str::to_string)).collect()
    }

    /// The issue rows of one input file (archive members included).
    fn issues_of(&self, file: &str) -> Vec<(String, String)> {
        let path = format!("in/{file}");
        self.issues
            .iter()
            .filter(|r| get(r, "source_path").is_some_and(|p| p == path || p.starts_with(&format!("{path}!"))))
            .map(|r| (get(r, "severity").unwrap().to_string(), get(r, "message").unwrap().to_string()))
            .collect()
    }

    /// Asserts the good record made it and `file` has a `severity` issue mentioning `words`.
    fn assert_issue(&self, file: &str, severity: &str, words: &str) {
        assert!(self.ids().contains(&GOOD_ID.to_string()), "the good record is lost: {:?}", self.ids());
        let got = self.issues_of(file);
        assert!(
            got.iter().any(|(s, m)| s == severity && m.to_lowercase().contains(&words.to_lowercase())),
            "{file}: expected a {severity} issue mentioning {words:?}, got {got:#?}\nstderr:\n{}",
            self.stderr
        );
    }
}

#[test]
fn empty_file() {
    run_with(&[fixture("err_empty.json"), ("empty.txt", Vec::new())]).assert_issue("err_empty.json", "ERROR", "empty");
}

#[test]
fn binary_file() {
    let mut noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    noise[0] = 0;
    let o = run_with(&[fixture("err_binary.bin"), ("noise.dat", noise)]);
    o.assert_issue("err_binary.bin", "ERROR", "binary");
    o.assert_issue("noise.dat", "ERROR", "");
}

#[test]
fn latin1_page_text_is_read() {
    let o = run_with(&[fixture("latin1_seed.txt")]);
    assert_eq!(o.code, 0);
    let t = o.trials.iter().find(|t| get(t, "nct_id") == Some("NCT00953485")).expect("the Latin-1 record is read");
    assert!(get(t, "brief_title").unwrap().contains("Sjögren"), "{:?}", get(t, "brief_title"));
    assert!(o.ids().contains(&GOOD_ID.to_string()));
}

#[test]
fn truncated_json_and_xml() {
    let o = run_with(&[fixture("err_truncated_study.json"), fixture("err_truncated_study.xml")]);
    o.assert_issue("err_truncated_study.json", "ERROR", "cut off");
    o.assert_issue("err_truncated_study.xml", "ERROR", "not read");
}

#[test]
fn deeply_nested_json() {
    let deep_objects = format!("{}1{}", "{\"a\":".repeat(200_000), "}".repeat(200_000)).into_bytes();
    let o = run_with(&[fixture("err_deep_nesting.json"), ("deep_objects.json", deep_objects)]);
    o.assert_issue("err_deep_nesting.json", "ERROR", "");
    o.assert_issue("deep_objects.json", "ERROR", "");
}

#[test]
fn xml_billion_laughs_is_never_expanded() {
    let t = std::time::Instant::now();
    let o = run_with(&[fixture("err_billion_laughs.xml"), fixture("billion_laughs_in_study.xml"), fixture("err_xxe_external_entity.xml")]);
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
    o.assert_issue("err_billion_laughs.xml", "WARNING", "never expanded");
    o.assert_issue("billion_laughs_in_study.xml", "WARNING", "never expanded");
    o.assert_issue("err_xxe_external_entity.xml", "ERROR", "");
    // No expanded "lol" text reaches any table.
    let titles = o.trials.iter().filter_map(|t| get(t, "brief_title")).collect::<Vec<_>>();
    assert!(titles.iter().all(|t| !t.contains("lollol")), "{titles:?}");
}

#[test]
fn zip_bomb_is_refused() {
    let t = std::time::Instant::now();
    let o = run_with(&[fixture("err_zip_bomb.zip")]);
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
    o.assert_issue("err_zip_bomb.zip", "ERROR", "bomb");
}

#[test]
fn zip_member_named_dot_dot_writes_nothing_outside() {
    let o = run_with(&[fixture("zip_slip.zip")]);
    o.assert_issue("zip_slip.zip", "WARNING", "outside the archive");
    assert!(o.ids().contains(&"NCT03475563".to_string()), "the member is still read (in memory): {:?}", o.ids());
    // Nothing but the inputs, the config and the output exists around the run.
    let root = o.dir.path();
    assert_eq!(entries(root), vec!["work"]);
    assert_eq!(entries(&root.join("work")), vec!["in", "out", "pipeline.toml"]);
    let all: Vec<String> = snapshot(root).keys().map(|p| p.to_string_lossy().to_string()).collect();
    assert!(all.iter().all(|p| !p.contains("evil")), "{all:?}");
    let out_files: Vec<String> = snapshot(&root.join("work/out")).keys().map(|p| p.to_string_lossy().to_string()).collect();
    assert!(out_files.iter().all(|p| p.ends_with(".parquet") || p == "manifest.json"), "{out_files:?}");
}

#[test]
fn same_nct_id_in_two_files_keeps_the_newest_and_names_both() {
    let src = std::fs::read_to_string(repo().join("fixtures/realdata/ctgov_v2_json/aact_fixtures/NCT03418623.json")).unwrap();
    assert!(src.contains("\"2020-10-08\""));
    let newer = src.replacen("\"2020-10-08\"", "\"2023-01-05\"", 1).replacen("\"briefTitle\": \"", "\"briefTitle\": \"NEWER ", 1);
    // The newer copy sorts first by path, so "last file wins" would keep the wrong one.
    let o = run_with(&[("a_newer.json", newer.into_bytes()), ("b_older.json", src.into_bytes())]);
    let kept: Vec<_> = o.trials.iter().filter(|t| get(t, "nct_id") == Some("NCT03418623")).collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(get(kept[0], "source_path"), Some("in/a_newer.json"));
    assert!(get(kept[0], "brief_title").unwrap().starts_with("NEWER "));
    let dup: Vec<_> = o.issues_of("b_older.json");
    assert!(
        dup.iter().any(|(s, m)| s == "WARNING"
            && m.contains("NCT03418623 is also read from in/a_newer.json")
            && m.contains("the two records differ")),
        "{dup:#?}"
    );
}

/// A single ~100 MB record (a JSON study whose description is 100 MB) is read or refused
/// with a named issue; the run goes on and memory stays bounded. About 25 s in a debug build,
/// so it is ignored there: `cargo test --release -p trialtables -- --ignored a_100_mb_record`.
#[test]
#[ignore = "about 25 s in debug; run with --release -- --ignored"]
fn a_100_mb_record() {
    let src = std::fs::read_to_string(repo().join("fixtures/realdata/ctgov_v2_json/aact_fixtures/NCT02278341.json")).unwrap();
    let big = "Mesenchymal stromal cells 1x10^6 cells/kg. ".repeat(100 * 1024 * 1024 / 43);
    let text = src.replacen("\"briefSummary\": \"", &format!("\"briefSummary\": \"{big} "), 1);
    assert!(text.len() > 100_000_000);
    let t = std::time::Instant::now();
    let o = run_with(&[("huge.json", text.into_bytes())]);
    eprintln!("100 MB record: {:?}", t.elapsed());
    let read_it = o.trials.len() == 2;
    let refused = o.issues_of("huge.json").iter().any(|(s, _)| s == "ERROR");
    assert!(read_it || refused, "neither read nor refused: {:#?}", o.issues_of("huge.json"));
    assert!(o.ids().contains(&GOOD_ID.to_string()));
}
