//! End-to-end tests: the real `trialtables` binary run in a temp dir, its Parquet read back
//! with arrow-rs and compared with what the founding records state.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int32Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

struct Run {
    dir: tempfile::TempDir,
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
}

/// Runs the CLI in a fresh temp dir holding `pipeline.toml` (the given text) and a copy of
/// the seeds under `fixtures/seeds`.
fn run_cli(config: &str, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("fixtures/seeds");
    std::fs::create_dir_all(&seeds).unwrap();
    for e in std::fs::read_dir(repo().join("fixtures/seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), seeds.join(e.file_name())).unwrap();
    }
    std::fs::write(dir.path().join("pipeline.toml"), config).unwrap();
    run_in(dir, args)
}

fn run_in(dir: tempfile::TempDir, args: &[&str]) -> Run {
    let o =
        Command::new(env!("CARGO_BIN_EXE_trialtables")).args(args).current_dir(dir.path()).env_remove("TRIALTABLES_LOG").output().unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
        dir,
    }
}

/// `trialtables!(config, args...)`: run the binary on the seeds with this config.
macro_rules! trialtables {
    ($config:expr $(, $arg:expr)* $(,)?) => {
        run_cli($config, &[$($arg),*])
    };
}

const SEEDS_CONFIG: &str = "[input]\npaths = [\"fixtures/seeds\"]\n[output]\ndir = \"out\"\n";

fn read(path: &Path) -> RecordBatch {
    let f = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let r = ParquetRecordBatchReaderBuilder::try_new(f).unwrap().build().unwrap();
    let batches: Vec<RecordBatch> = r.map(|b| b.unwrap()).collect();
    if batches.is_empty() {
        let f = File::open(path).unwrap();
        let schema = ParquetRecordBatchReaderBuilder::try_new(f).unwrap().schema().clone();
        return RecordBatch::new_empty(schema);
    }
    arrow_select_concat(&batches)
}

fn arrow_select_concat(b: &[RecordBatch]) -> RecordBatch {
    assert_eq!(b.len(), 1, "tables are written as one batch per row group here");
    b[0].clone()
}

/// A column as display strings (None for null), whatever its Arrow type.
fn col(b: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let a = b.column_by_name(name).unwrap_or_else(|| panic!("no column {name}"));
    (0..a.len())
        .map(|i| {
            if a.is_null(i) {
                return None;
            }
            Some(match a.data_type() {
                DataType::Utf8 => a.as_string::<i32>().value(i).to_string(),
                DataType::Utf8View => a.as_string_view().value(i).to_string(),
                DataType::UInt32 => a.as_primitive::<arrow_array::types::UInt32Type>().value(i).to_string(),
                DataType::Dictionary(_, _) => {
                    let d = a.as_dictionary::<Int32Type>();
                    d.values().as_string::<i32>().value(d.keys().value(i) as usize).to_string()
                }
                DataType::Int64 => a.as_primitive::<Int64Type>().value(i).to_string(),
                DataType::Float64 => format!("{}", a.as_primitive::<Float64Type>().value(i)),
                DataType::Boolean => a.as_boolean().value(i).to_string(),
                DataType::Date32 => {
                    let days = a.as_primitive::<Date32Type>().value(i);
                    let (y, m, d) = trialtables_normalize::dates::civil_from_days(days);
                    format!("{y:04}-{m:02}-{d:02}")
                }
                DataType::List(_) => {
                    let l = a.as_list::<i32>().value(i);
                    let s = l.as_string::<i32>();
                    (0..s.len()).map(|j| s.value(j).to_string()).collect::<Vec<_>>().join("|")
                }
                other => panic!("unexpected type {other}"),
            })
        })
        .collect()
}

/// Rows of a table as maps column -> value, filtered to one trial.
fn rows(b: &RecordBatch, nct: &str) -> Vec<BTreeMap<String, Option<String>>> {
    let names: Vec<String> = b.schema().fields().iter().map(|f| f.name().clone()).collect();
    let cols: Vec<Vec<Option<String>>> = names.iter().map(|n| col(b, n)).collect();
    let id = names.iter().position(|n| n == "nct_id").unwrap();
    (0..b.num_rows())
        .filter(|&i| cols[id][i].as_deref() == Some(nct))
        .map(|i| names.iter().cloned().zip(cols.iter().map(|c| c[i].clone())).collect())
        .collect()
}

fn get<'a>(r: &'a BTreeMap<String, Option<String>>, k: &str) -> Option<&'a str> {
    r.get(k).unwrap_or_else(|| panic!("no column {k}")).as_deref()
}

fn f(r: &BTreeMap<String, Option<String>>, k: &str) -> Option<f64> {
    get(r, k).map(|v| v.parse().unwrap())
}

#[test]
fn seeds_end_to_end() {
    let run = trialtables!(SEEDS_CONFIG, "run", "--config", "pipeline.toml");
    assert_eq!(run.code, 0, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let out = run.out();
    let trials = read(&out.join("trials.parquet"));
    assert_eq!(trials.num_rows(), 5);
    let doses = read(&out.join("doses.parquet"));
    let outcomes = read(&out.join("outcomes.parquet"));
    let tps = read(&out.join("outcome_timepoints.parquet"));
    let refs = read(&out.join("references.parquet"));
    let issues = read(&out.join("record_issues.parquet"));

    // (nct, phase, enrollment, enrollment_type, cell_source, cell_origin, doses, outcomes, timepoints, references)
    type Gold<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, &'a str, Option<&'a str>, usize, usize, usize, usize);
    let expect: &[Gold] = &[
        ("NCT00953485", "PHASE1/PHASE2", "20", Some("ESTIMATED"), "UNSPECIFIED", Some("ALLOGENEIC"), 1, 3, 3, 0),
        ("NCT01741857", "PHASE1/PHASE2", "40", Some("ESTIMATED"), "UMBILICAL_CORD", Some("ALLOGENEIC"), 0, 3, 11, 10),
        ("NCT04356287", "PHASE1/PHASE2", "18", None, "UMBILICAL_CORD", None, 2, 0, 0, 2),
        ("NCT01547091", "PHASE1/PHASE2", "200", None, "UMBILICAL_CORD", None, 2, 0, 0, 2),
        ("NCT03562065", "PHASE1/PHASE2", "10", Some("ESTIMATED"), "UMBILICAL_CORD", Some("ALLOGENEIC"), 3, 37, 37, 0),
    ];
    for &(nct, phase, enr, enr_type, src, origin, nd, no, nt, nr) in expect {
        let t = &rows(&trials, nct)[0];
        assert_eq!(get(t, "phase"), Some(phase), "{nct} phase");
        assert_eq!(get(t, "enrollment"), Some(enr), "{nct} enrollment");
        assert_eq!(get(t, "enrollment_type"), enr_type, "{nct} enrollment_type");
        assert_eq!(get(t, "cell_source"), Some(src), "{nct} cell_source");
        if origin.is_some() {
            assert_eq!(get(t, "cell_origin"), origin, "{nct} cell_origin");
        }
        assert_eq!(rows(&doses, nct).len(), nd, "{nct} doses: {:#?}", rows(&doses, nct));
        assert_eq!(rows(&outcomes, nct).len(), no, "{nct} outcomes");
        assert_eq!(rows(&tps, nct).len(), nt, "{nct} timepoints: {:#?}", rows(&tps, nct));
        assert_eq!(rows(&refs, nct).len(), nr, "{nct} references");
    }

    // 000: status, dates with precision, ages, the dose.
    let t = &rows(&trials, "NCT00953485")[0];
    assert_eq!(get(t, "overall_status"), Some("UNKNOWN"));
    assert_eq!(get(t, "last_known_status"), Some("RECRUITING"));
    assert_eq!(get(t, "start_date"), Some("2009-06-01"));
    assert_eq!(get(t, "start_date_precision"), Some("MONTH"));
    assert_eq!(get(t, "start_date_raw"), Some("June 2009"));
    assert_eq!(f(t, "min_age_years"), Some(15.0));
    assert_eq!(f(t, "max_age_years"), Some(70.0));
    assert_eq!(get(t, "sex"), Some("ALL"));
    assert_eq!(get(t, "healthy_volunteers"), Some("false"));
    let d = &rows(&doses, "NCT00953485")[0];
    assert_eq!(f(d, "dose_per_kg"), Some(1e6));
    assert_eq!(get(d, "administrations"), Some("1"));
    assert_eq!(get(d, "route"), Some("INTRAVENOUS"));
    assert!(get(d, "source_text").unwrap().contains("10^6"));
    for tp in rows(&tps, "NCT00953485") {
        assert_eq!(get(&tp, "kind"), Some("EVERY"));
        assert_eq!(f(&tp, "value"), Some(1.0));
        assert_eq!(get(&tp, "unit"), Some("MONTH"));
    }

    // 001: ages, the phase conflict, references and timepoints.
    let t = &rows(&trials, "NCT01741857")[0];
    assert_eq!((f(t, "min_age_years"), f(t, "max_age_years")), (Some(15.0), Some(60.0)));
    let conflict =
        rows_all(&issues).into_iter().filter(|r| get(r, "nct_id") == Some("NCT01741857") && get(r, "field") == Some("phase")).count();
    assert_eq!(conflict, 1, "001 phase conflict logged once");
    let r001 = rows(&refs, "NCT01741857");
    assert!(r001.iter().all(|r| get(r, "pmid").is_some()));
    let types: Vec<_> = r001.iter().map(|r| get(r, "reference_type").unwrap_or("null")).collect();
    assert_eq!(types.iter().filter(|t| **t == "BACKGROUND").count(), 8, "{types:?}");
    assert_eq!(types.iter().filter(|t| **t == "DERIVED").count(), 2, "{types:?}");
    let tp001 = rows(&tps, "NCT01741857");
    let kinds: Vec<_> = tp001
        .iter()
        .map(|r| (get(r, "outcome_index").unwrap().to_string(), get(r, "kind").unwrap().to_string(), get(r, "value").map(str::to_string)))
        .collect();
    assert_eq!(kinds[0], ("0".into(), "UP_TO".into(), Some("12".into())), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| k.1 == "BASELINE").count(), 2, "{kinds:?}");

    // 002: doses per arm, references with DOI only.
    let d002 = rows(&doses, "NCT04356287");
    let mut adm: Vec<_> = d002.iter().map(|d| (get(d, "administrations").map(str::to_string), f(d, "dose_per_kg"))).collect();
    adm.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(adm, vec![(Some("1".into()), Some(1e6)), (Some("2".into()), Some(1e6))]);
    let two = d002.iter().find(|d| get(d, "administrations") == Some("2")).unwrap();
    assert!((f(two, "interval_days").unwrap() - 3.0 * 30.4375).abs() < 0.01);
    for r in rows(&refs, "NCT04356287") {
        assert!(get(&r, "doi").is_some() && get(&r, "pmid").is_none());
    }
    let t = &rows(&trials, "NCT04356287")[0];
    assert_eq!((f(t, "min_age_years"), f(t, "max_age_years")), (Some(18.0), None));

    // 003: 4e7 cells total, 4 times, every 3 months, in the two MSC arms.
    let d003 = rows(&doses, "NCT01547091");
    let mut arms: Vec<_> = d003.iter().map(|d| get(d, "arm_label").unwrap_or("").to_string()).collect();
    arms.sort();
    assert_eq!(arms, vec!["UC-MSC+DMARDS", "UC-MSCs Treatment"]);
    for d in &d003 {
        assert_eq!(f(d, "dose_total"), Some(4e7));
        assert_eq!(get(d, "administrations"), Some("4"));
        assert!((f(d, "interval_days").unwrap() - 91.3125).abs() < 0.01);
    }
    let mut pm: Vec<_> = rows(&refs, "NCT01547091")
        .iter()
        .map(|r| (get(r, "pmid").unwrap().to_string(), get(r, "reference_type").map(str::to_string)))
        .collect();
    pm.sort();
    assert_eq!(pm, vec![("22138499".into(), Some("BACKGROUND".into())), ("23533920".into(), Some("BACKGROUND".into()))]);

    // 004: three per-kg tiers, once, IV.
    let mut kg: Vec<f64> = rows(&doses, "NCT03562065").iter().map(|d| f(d, "dose_per_kg").unwrap()).collect();
    kg.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(kg, vec![1e6, 2e6, 4e6]);
    for d in rows(&doses, "NCT03562065") {
        assert_eq!(get(&d, "administrations"), Some("1"));
        assert_eq!(get(&d, "route"), Some("INTRAVENOUS"));
    }
    let t = &rows(&trials, "NCT03562065")[0];
    assert_eq!((f(t, "min_age_years"), f(t, "max_age_years")), (Some(18.0), Some(70.0)));

    // Metrics.
    let m = read(&out.join("metrics/enrollment_by_cell_source_phase.parquet"));
    let got: Vec<_> = (0..m.num_rows())
        .map(|i| {
            (col(&m, "cell_source")[i].clone(), col(&m, "phase")[i].clone(), col(&m, "trials")[i].clone(), col(&m, "enrollment")[i].clone())
        })
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        got,
        vec![(s("UMBILICAL_CORD"), s("PHASE1/PHASE2"), s("4"), s("268")), (s("UNSPECIFIED"), s("PHASE1/PHASE2"), s("1"), s("20")),]
    );
    // Manifest.
    let man: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(man["tables"]["trials"], 5);
    assert_eq!(man["inputs"].as_array().unwrap().len(), 5);
    assert_eq!(man["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
}

fn rows_all(b: &RecordBatch) -> Vec<BTreeMap<String, Option<String>>> {
    let names: Vec<String> = b.schema().fields().iter().map(|f| f.name().clone()).collect();
    let cols: Vec<Vec<Option<String>>> = names.iter().map(|n| col(b, n)).collect();
    (0..b.num_rows()).map(|i| names.iter().cloned().zip(cols.iter().map(|c| c[i].clone())).collect()).collect()
}

#[test]
fn same_inputs_give_identical_bytes() {
    let a = trialtables!(SEEDS_CONFIG, "run");
    // Same files under other names and in another directory order.
    let b_dir = tempfile::tempdir().unwrap();
    let seeds = b_dir.path().join("fixtures/seeds");
    std::fs::create_dir_all(&seeds).unwrap();
    for e in std::fs::read_dir(a.dir.path().join("fixtures/seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), seeds.join(e.file_name())).unwrap();
    }
    std::fs::write(b_dir.path().join("pipeline.toml"), SEEDS_CONFIG).unwrap();
    let b = run_in(b_dir, &["run"]);
    assert_eq!((a.code, b.code), (0, 0), "{}", b.stderr);
    let mut compared = 0;
    for rel in walk(&a.out()) {
        if rel.ends_with("manifest.json") {
            continue;
        }
        let x = std::fs::read(a.out().join(&rel)).unwrap();
        let y = std::fs::read(b.out().join(&rel)).unwrap();
        assert!(x == y, "{} differs between runs", rel.display());
        compared += 1;
    }
    assert!(compared >= 17, "compared {compared} files");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p).into_iter().map(|r| Path::new(p.file_name().unwrap()).join(r)));
        } else {
            out.push(PathBuf::from(p.file_name().unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn unknown_key_is_located_with_a_hint() {
    let run = trialtables!("[input]\npaths = [\"fixtures/seeds\"]\n[output]\ndri = \"out\"\n", "run");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("pipeline.toml:4:1: unknown field `dri`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `dir`?"), "{}", run.stderr);
    assert!(!run.out().exists());
}

#[test]
fn validate_reports_every_problem() {
    let run = trialtables!("[input]\npaths = [\"nope\", \"fixtures/*.xml\"]\n[output]\ndir = \"out\"\n", "validate");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("2 problem(s)"), "{}", run.stderr);
    assert!(run.stderr.contains("pipeline.toml:2:10: input \"nope\": no such file"), "{}", run.stderr);
    assert!(run.stderr.contains("glob matches no file"), "{}", run.stderr);
    let ok = trialtables!(SEEDS_CONFIG, "validate");
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("5 input files"));
    assert!(!ok.out().exists(), "validate writes nothing");
}

#[test]
fn unknown_layout_is_an_issue_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir_all(&inp).unwrap();
    std::fs::copy(repo().join("fixtures/seeds/000_06cd87bbc5196893.txt"), inp.join("a.txt")).unwrap();
    std::fs::write(inp.join("b.txt"), "Shopping list\nmilk\neggs\n").unwrap();
    std::fs::write(inp.join("c.bin"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    std::fs::write(inp.join("d.json"), "{\"studies\": [").unwrap();
    std::fs::write(dir.path().join("pipeline.toml"), "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n").unwrap();
    let run = run_in(dir, &["run"]);
    assert_eq!(run.code, 1, "records lost -> exit 1\n{}", run.stderr);
    let trials = read(&run.out().join("trials.parquet"));
    assert_eq!(trials.num_rows(), 1);
    let issues = rows_all(&read(&run.out().join("record_issues.parquet")));
    for file in ["in/b.txt", "in/c.bin"] {
        assert!(
            issues.iter().any(|r| get(r, "source_path") == Some(file) && get(r, "severity") == Some("ERROR")),
            "{file} not in record_issues: {issues:#?}"
        );
    }
}

#[test]
fn second_run_on_a_locked_output_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("fixtures/seeds")).unwrap();
    std::fs::copy(repo().join("fixtures/seeds/000_06cd87bbc5196893.txt"), dir.path().join("fixtures/seeds/a.txt")).unwrap();
    std::fs::write(dir.path().join("pipeline.toml"), SEEDS_CONFIG).unwrap();
    // A live holder: this test process holds the advisory lock (and says it is pid 1).
    let lock = dir.path().join(".out.lock");
    std::fs::write(&lock, "1\n").unwrap();
    let held = std::fs::File::open(&lock).unwrap();
    held.try_lock().unwrap();
    let run = run_in(dir, &["run"]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains("locked by another trialtables run (pid 1,"), "{}", run.stderr);
    drop(held);
}

#[test]
fn data_dictionary_is_current() {
    let o = Command::new(env!("CARGO_BIN_EXE_trialtables")).args(["schema", "--format", "markdown"]).output().unwrap();
    let now = String::from_utf8(o.stdout).unwrap();
    let path = repo().join("docs/DATA_DICTIONARY.md");
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    if std::env::var_os("TRIALTABLES_BLESS").is_some() {
        std::fs::write(&path, &now).unwrap();
        return;
    }
    assert!(
        checked_in == now,
        "docs/DATA_DICTIONARY.md is stale: run `cargo run -p trialtables -- schema --format markdown > docs/DATA_DICTIONARY.md`"
    );
}

#[test]
fn inspect_shows_layout_raw_and_normalized() {
    let o = Command::new(env!("CARGO_BIN_EXE_trialtables"))
        .args(["inspect", "--format", "json", repo().join("fixtures/seeds/000_06cd87bbc5196893.txt").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["records"][0]["source_format"], "ctgov_classic_2014");
    assert_eq!(v["records"][0]["raw"]["nct_id"]["text"], "NCT00953485");
    assert!(v["records"][0]["raw"]["nct_id"]["line"].as_u64().unwrap() > 0);
    assert_eq!(v["records"][0]["normalized"]["trial"]["phase"], "PHASE1/PHASE2");
}

// ---- shared helpers for the test modules below -------------------------------------------

/// The binary, run in `dir` with `args` and extra environment; no inherited log filter.
fn cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_trialtables"));
    c.args(args).current_dir(dir).env_remove("TRIALTABLES_LOG").env_remove("TRIALTABLES_TEST_PAUSE_AT");
    c
}

/// Runs to the end; returns (exit code, stdout, stderr).
fn exec(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = cmd(dir, args).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into(), String::from_utf8_lossy(&o.stderr).into())
}

/// Copies a file or directory tree.
fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            copy_tree(&e.path(), &to.join(e.file_name()));
        }
    } else {
        if let Some(p) = to.parent() {
            std::fs::create_dir_all(p).unwrap();
        }
        std::fs::copy(from, to).unwrap();
    }
}

/// Every file under `dir` (relative path -> bytes), hidden ones included.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn go(root: &Path, d: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                go(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    go(dir, dir, &mut out);
    out
}

/// The Parquet files of an output (everything but manifest.json and the cache).
fn tables_of(out: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(out).into_iter().filter(|(p, _)| p.extension().is_some_and(|e| e == "parquet")).collect()
}

/// Names of the entries of a directory, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    v.sort();
    v
}

#[path = "cli/atomic.rs"]
mod atomic;
#[path = "cli/fetch.rs"]
mod fetch;
#[path = "cli/fuzz_props.rs"]
mod fuzz_props;
#[path = "cli/hostile.rs"]
mod hostile;
#[path = "cli/ops.rs"]
mod ops;
