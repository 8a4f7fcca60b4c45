//! Operating the tool: exit codes, validate/inspect/help/completions text, logs, the run
//! summary, manifest.json, determinism across thread counts and file order, incremental runs.

use super::*;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

// ---- exit codes ----------------------------------------------------------------------------

#[test]
fn exit_codes_0_1_2_3() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_tree(&repo().join("fixtures/seeds/000_06cd87bbc5196893.txt"), &d.join("in/a.txt"));
    write(d, "ok.toml", "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n");
    // 0: clean run.
    let (code, _, err) = exec(d, &["run", "-c", "ok.toml"]);
    assert_eq!(code, 0, "{err}");
    // 1: a lost record (ERROR) with the default fail_on = "error" ...
    write(d, "bad/b.json", "{\"studies\": [");
    write(d, "issues.toml", "[input]\npaths = [\"in\", \"bad\"]\n[output]\ndir = \"out1\"\n");
    let (code, _, err) = exec(d, &["run", "-c", "issues.toml"]);
    assert_eq!(code, 1, "{err}");
    assert!(d.join("out1/trials.parquet").exists(), "exit 1 still publishes");
    // ... but 0 with fail_on = "never", and 1 with fail_on = "warning" on warnings only.
    write(d, "never.toml", "[input]\npaths = [\"in\", \"bad\"]\n[output]\ndir = \"out1\"\n[run]\nfail_on = \"never\"\n");
    assert_eq!(exec(d, &["run", "-c", "never.toml"]).0, 0);
    write(d, "warn.toml", "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n[run]\nfail_on = \"warning\"\n");
    let (code, stdout, _) = exec(d, &["run", "-c", "warn.toml"]);
    let warnings = manifest(&d.join("out"))["issues_by_severity"]["WARNING"].as_u64().unwrap();
    assert_eq!(code, if warnings > 0 { 1 } else { 0 }, "{stdout}");
    // 2: bad config, and clap usage errors.
    write(d, "typo.toml", "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n[run]\nfail_on = \"sometimes\"\n");
    assert_eq!(exec(d, &["run", "-c", "typo.toml"]).0, 2);
    assert_eq!(exec(d, &["run", "-c", "missing.toml"]).0, 2);
    let (code, _, err) = exec(d, &["run", "--no-such-flag"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unexpected argument '--no-such-flag'"), "{err}");
    assert_eq!(exec(d, &["frobnicate"]).0, 2);
    assert_eq!(exec(d, &["run", "--threads", "0"]).0, 2);
    assert_eq!(exec(d, &[]).0, 2, "no subcommand is a usage error");
    assert_eq!(exec(d, &["--help"]).0, 0);
    assert_eq!(exec(d, &["--version"]).0, 0);
    // 3: I/O failure: the output's parent is a file.
    write(d, "afile", "x");
    let (code, _, err) = exec(d, &["run", "-c", "ok.toml", "--output", "afile/out"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.starts_with("error: "), "{err}");
}

// ---- validate ------------------------------------------------------------------------------

#[test]
fn validate_shows_every_config_problem_with_location_and_hint() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "pipeline.toml",
        "[input]\npaths = \"data/*.json\"\n\n[output]\ndri = \"out\"\n\n[run]\nfail_on = \"warn\"\nthreads = 0\nincremental = \"yes\"\n",
    );
    let (code, stdout, err) = exec(d, &["validate"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(
        err,
        "error: 6 problem(s):\n\
pipeline.toml:2:1: wrong type for `paths`: expected an array of strings, found a string (hint: write it as `paths = [\"data/**/*.json\"]`)\n\
pipeline.toml:4:1: missing key `dir` in [output] (hint: add `dir = \"out\"`)\n\
pipeline.toml:5:1: unknown field `dri` (hint: did you mean `dir`?)\n\
pipeline.toml:8:1: unknown fail_on value \"warn\" (hint: did you mean \"warning\"? valid values: \"error\", \"warning\", \"never\")\n\
pipeline.toml:9:1: `threads` must be between 1 and 1024, found 0 (hint: leave it out to use two per CPU)\n\
pipeline.toml:10:1: wrong type for `incremental`: expected a boolean, found a string (hint: write it as `incremental = true`)\n"
    );
    assert_eq!(entries(d), vec!["pipeline.toml"], "validate writes nothing");

    // Paths: a missing file and an empty glob, both located.
    write(d, "pipeline.toml", "[input]\npaths = [\n  \"nope.json\",\n  \"data/**/*.xml\",\n]\n[output]\ndir = \"out\"\n");
    let (code, _, err) = exec(d, &["validate"]);
    assert_eq!(code, 2);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "error: 2 problem(s):");
    assert!(lines[1].starts_with("pipeline.toml:3:3: input \"nope.json\": no such file or directory: "), "{err}");
    assert!(lines[1].ends_with("(hint: paths are relative to the directory holding the config file)"), "{err}");
    assert!(lines[2].starts_with("pipeline.toml:4:3: input \"data/**/*.xml\": glob matches no file"), "{err}");
    assert!(lines[2].contains("hint: check the pattern"), "{err}");
    assert_eq!(entries(d), vec!["pipeline.toml"]);
}

#[test]
fn validate_reads_inputs_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_tree(&repo().join("fixtures/seeds"), &d.join("in"));
    write(d, "in/zz_bad.json", "{\"studies\": [");
    write(d, "pipeline.toml", "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n");
    let (code, stdout, err) = exec(d, &["validate"]);
    assert_eq!(code, 1, "an input that would lose a record gives 1\n{stdout}\n{err}");
    assert!(stdout.contains("error: in/zz_bad.json:"), "{stdout}");
    assert!(stdout.contains("pipeline.toml: ok (6 input files, 5 records, 1 input errors, 0 input warnings, output ./out)"), "{stdout}");
    assert!(!d.join("out").exists() && !d.join(".out.lock").exists());
}

// ---- help, completions, inspect --------------------------------------------------------------

#[test]
fn help_explains_each_command_with_an_example() {
    let d = tempfile::tempdir().unwrap();
    for sub in ["run", "validate", "inspect", "schema", "completions"] {
        let (code, stdout, _) = exec(d.path(), &[sub, "--help"]);
        assert_eq!(code, 0);
        assert!(stdout.contains(&format!("Example: trialtables {sub}")), "{sub} --help:\n{stdout}");
    }
    let (_, top, _) = exec(d.path(), &["--help"]);
    for sub in ["run", "validate", "inspect", "schema", "completions"] {
        assert!(top.contains(&format!("  {sub} ")), "{top}");
    }
    assert!(top.contains("--log-format") && top.contains("--quiet") && top.contains("--verbose"), "{top}");
}

#[test]
fn completions_for_bash_zsh_fish() {
    let d = tempfile::tempdir().unwrap();
    for (shell, marker) in [("bash", "_trialtables()"), ("zsh", "#compdef trialtables"), ("fish", "complete -c trialtables")] {
        let (code, stdout, err) = exec(d.path(), &["completions", shell]);
        assert_eq!(code, 0, "{err}");
        assert!(stdout.contains(marker), "{shell}: {}", &stdout[..stdout.len().min(300)]);
        assert!(stdout.contains("validate") && stdout.contains("inspect"), "{shell}");
    }
    assert_eq!(exec(d.path(), &["completions", "powershell-7"]).0, 2);
}

#[test]
fn inspect_text_shows_layout_raw_lines_and_normalized() {
    let d = tempfile::tempdir().unwrap();
    let seed = repo().join("fixtures/seeds/000_06cd87bbc5196893.txt");
    let (code, stdout, err) = exec(d.path(), &["inspect", seed.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("1 record(s)"), "{stdout}");
    assert!(stdout.contains("== record 1 of 1: NCT00953485  layout: ctgov_classic_2014"), "{stdout}");
    // The NCT id's raw field with its real line number.
    let text = std::fs::read_to_string(&seed).unwrap();
    let line = text.lines().position(|l| l.contains("NCT00953485")).unwrap() + 1;
    assert!(stdout.lines().any(|l| l.trim_start().starts_with(&format!("{line}: nct_id = NCT00953485"))), "line {line}:\n{stdout}");
    assert!(stdout.contains("-- normalized"), "{stdout}");
    assert!(stdout.lines().any(|l| l.trim_start().starts_with("phase") && l.ends_with("PHASE1/PHASE2")), "{stdout}");
    assert!(stdout.contains("  doses: 1\n"), "{stdout}");
    // A bad file shows its issue, exit 0 (inspect only shows).
    write(d.path(), "b.json", "{\"studies\": [");
    let (code, stdout, _) = exec(d.path(), &["inspect", "b.json"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("0 record(s)") && stdout.contains("-- input issues: 1") && stdout.contains("ERROR b.json:"), "{stdout}");
    // A missing file is an I/O failure.
    assert_eq!(exec(d.path(), &["inspect", "nope.txt"]).0, 3);
}

// ---- logs and summary ----------------------------------------------------------------------

#[test]
fn stage_spans_are_logged_only_with_verbose() {
    let plain = trialtables!(SEEDS_CONFIG, "run");
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(!plain.stderr.contains("close"), "a plain run logs no stage spans: {}", plain.stderr);
    let verbose = trialtables!(SEEDS_CONFIG, "run", "-v");
    assert_eq!(verbose.code, 0, "{}", verbose.stderr);
    for stage in ["read", "load", "metrics", "publish"] {
        assert!(verbose.stderr.lines().any(|l| l.contains(stage) && l.contains("close")), "-v logs the {stage} span: {}", verbose.stderr);
    }
}

#[test]
fn json_logs_are_json_lines_with_one_span_per_stage_and_the_summary_is_exact() {
    let run = trialtables!(SEEDS_CONFIG, "--log-format", "json", "run");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut closed = Vec::new();
    for line in run.stderr.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(v["level"].is_string() && v["timestamp"].is_string(), "{line}");
        if v["fields"]["message"] == "close" {
            closed.push((v["span"]["name"].as_str().unwrap().to_string(), v["span"].clone()));
        }
    }
    let names: Vec<&str> = closed.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["read", "load", "metrics", "publish"], "{}", run.stderr);
    assert_eq!(closed[0].1["files"], 5);
    assert_eq!(closed[0].1["records"], 5);
    assert_eq!(closed[1].1["trials"], 5);
    assert_eq!(closed[1].1["tables"], trialtables_load::TABLES.len());
    assert_eq!(closed[2].1["metrics"], trialtables_metrics::METRICS.len());
    assert!(!run.stderr.contains("reading ["), "no progress bar when stderr is not a terminal");

    // The summary on stdout.
    let m = manifest(&run.out());
    let mut expect = format!("trialtables {}: 5 input files -> ./out\n", env!("CARGO_PKG_VERSION"));
    for (t, n) in m["tables"].as_object().unwrap() {
        expect.push_str(&format!("  {t:<20} {:>8} rows\n", n.as_u64().unwrap()));
    }
    let sev = |s: &str| m["issues_by_severity"][s].as_u64().unwrap();
    expect.push_str(&format!("  issues: {} error, {} warning, {} info   (", sev("ERROR"), sev("WARNING"), sev("INFO")));
    assert!(run.stdout.starts_with(&expect), "got:\n{}\nexpected:\n{expect}", run.stdout);
    assert!(run.stdout.trim_end().ends_with(" s)"), "{}", run.stdout);

    // -q: nothing on stderr for a clean run; the summary stays on stdout.
    let q = trialtables!(SEEDS_CONFIG, "-q", "run");
    assert_eq!(q.code, 0);
    assert!(!q.stderr.contains("INFO"), "{}", q.stderr);
    assert!(q.stdout.contains("trials"));
    // -v adds debug lines (one per input read).
    let v = trialtables!(SEEDS_CONFIG, "-v", "run");
    assert_eq!(v.stderr.matches("input read").count(), 5, "{}", v.stderr);
}

#[test]
fn progress_bar_only_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_tree(&repo().join("fixtures/seeds"), &d.join("in"));
    write(d, "pipeline.toml", "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n");
    let bin = env!("CARGO_BIN_EXE_trialtables");
    // `script` gives the program a terminal; the bar is drawn then cleared.
    let o = Command::new("script")
        .args(["-qec", &format!("{bin} run"), "/dev/null"])
        .current_dir(d)
        .env_remove("TRIALTABLES_LOG")
        .output()
        .unwrap();
    let tty = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{tty}");
    assert!(tty.contains("reading [") && tty.contains("files,"), "no bar on a terminal:\n{tty}");
    let o = Command::new("script").args(["-qec", &format!("{bin} -q run"), "/dev/null"]).current_dir(d).output().unwrap();
    assert!(!String::from_utf8_lossy(&o.stdout).contains("reading ["), "-q hides the bar");
}

// ---- manifest ------------------------------------------------------------------------------

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn manifest_states_version_config_inputs_rows_issues_and_duration() {
    let run = trialtables!(SEEDS_CONFIG, "run");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.out();
    let m = manifest(&out);
    assert_eq!(m["trialtables_version"], env!("CARGO_PKG_VERSION"));
    let hash = m["config_hash"].as_str().unwrap();
    assert!(hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{hash}");
    let inputs = m["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 5);
    for i in inputs {
        let p = run.dir.path().join(i["path"].as_str().unwrap());
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(i["bytes"].as_u64().unwrap(), bytes.len() as u64, "{p:?}");
        assert_eq!(i["sha256"].as_str().unwrap(), sha256_hex(&bytes), "{p:?}");
        assert_eq!(i["records"], 1);
    }
    for (t, n) in m["tables"].as_object().unwrap() {
        assert_eq!(read(&out.join(format!("{t}.parquet"))).num_rows() as u64, n.as_u64().unwrap(), "{t}");
    }
    let sev = &m["issues_by_severity"];
    let total: u64 = ["ERROR", "WARNING", "INFO"].iter().map(|s| sev[s].as_u64().unwrap()).sum();
    assert_eq!(total, read(&out.join("record_issues.parquet")).num_rows() as u64);
    assert!(m["duration_seconds"].as_f64().unwrap() > 0.0);
    let started = m["started_at"].as_str().unwrap();
    assert!(started.len() == 24 && started.as_bytes()[19] == b'.' && started.ends_with('Z') && started.as_bytes()[10] == b'T', "{started}");
    // The config hash does not depend on the thread count (it is written into every table).
    let again = trialtables!(SEEDS_CONFIG, "run", "--threads", "1");
    assert_eq!(manifest(&again.out())["config_hash"], hash);
    // ... but does on what changes the tables.
    let other = trialtables!("[input]\npaths = [\"fixtures/seeds\"]\n[output]\ndir = \"out\"\n[normalize]\ncondition_categories = [{ name = \"X\", patterns = [\"lupus\"] }]\n", "run");
    assert_ne!(manifest(&other.out())["config_hash"], hash);
    // No wall-clock value in the tables: a later run gives the same bytes.
    assert_eq!(tables_of(&out), tables_of(&again.out()));
}

// ---- determinism ---------------------------------------------------------------------------

/// Seeds + every realdata fixture, with duplicated trials, laid out under directory names
/// that sort differently from their creation order.
fn mixed_inputs(d: &Path, reverse: bool) {
    let mut sources: Vec<(PathBuf, String)> = Vec::new();
    for e in std::fs::read_dir(repo().join("fixtures/seeds")).unwrap() {
        let p = e.unwrap().path();
        sources.push((p.clone(), format!("zeta/{}", p.file_name().unwrap().to_string_lossy())));
    }
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                files(&p, out)
            } else if !p.ends_with("SOURCES.tsv") {
                out.push(p)
            }
        }
    }
    let mut real = Vec::new();
    files(&repo().join("fixtures/realdata"), &mut real);
    real.sort();
    for (i, p) in real.iter().enumerate() {
        let dir = ["m07", "a19", "k3", "b"][i % 4];
        sources.push((p.clone(), format!("{dir}/{i:03}_{}", p.file_name().unwrap().to_string_lossy())));
        // The same trial in a second file.
        if i % 5 == 0 {
            sources.push((p.clone(), format!("copy/{i:03}_{}", p.file_name().unwrap().to_string_lossy())));
        }
    }
    if reverse {
        sources.reverse();
    }
    for (from, to) in sources {
        copy_tree(&from, &d.join("in").join(to));
    }
    write(d, "pipeline.toml", "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n[run]\nfail_on = \"never\"\n");
}

#[test]
fn mixed_inputs_give_identical_parquet_whatever_threads_or_file_order() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    mixed_inputs(a.path(), false);
    mixed_inputs(b.path(), true);
    let (code, _, err) = exec(a.path(), &["run", "--threads", "1"]);
    assert_eq!(code, 0, "{err}");
    let first = tables_of(&a.path().join("out"));
    assert!(first.len() >= 17);
    let trials = read(&a.path().join("out/trials.parquet")).num_rows();
    assert!(trials >= 40, "{trials} trials");
    let (code, _, err) = exec(b.path(), &["run", "--threads", "4"]);
    assert_eq!(code, 0, "{err}");
    assert!(first == tables_of(&b.path().join("out")), "threads 1 vs 4, files created in reverse order");
}

// ---- incremental ---------------------------------------------------------------------------

fn from_cache(out: &Path) -> BTreeMap<String, bool> {
    manifest(out)["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["path"].as_str().unwrap().to_string(), i["from_cache"].as_bool().unwrap()))
        .collect()
}

#[test]
fn incremental_runs_reuse_unchanged_inputs_and_give_the_bytes_of_a_full_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_tree(&repo().join("fixtures/seeds"), &d.join("in/seeds"));
    for f in ["NCT03418623.json", "NCT02278341.json"] {
        copy_tree(&repo().join("fixtures/realdata/ctgov_v2_json/aact_fixtures").join(f), &d.join("in/json").join(f));
    }
    copy_tree(&repo().join("fixtures/realdata/ctgov_legacy_xml/aact_fixtures/NCT01341288.xml"), &d.join("in/xml/NCT01341288.xml"));
    write(d, "in/bad.json", "{\"studies\": [");
    let inc = "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n[run]\nfail_on = \"never\"\nincremental = true\n";
    let full = "[input]\npaths = [\"in\"]\n[output]\ndir = \"full\"\n[run]\nfail_on = \"never\"\n";
    write(d, "inc.toml", inc);
    write(d, "full.toml", full);
    let out = d.join("out");
    let run = |cfg: &str| {
        let (code, stdout, err) = exec(d, &["run", "-c", cfg]);
        assert_eq!(code, 0, "{stdout}\n{err}");
        stdout
    };

    // First run: nothing cached yet; one cache entry per input.
    run("inc.toml");
    assert!(from_cache(&out).values().all(|c| !c), "{:?}", from_cache(&out));
    assert_eq!(entries(&out.join(".cache")).len(), 9);
    // Second run: everything reused, same bytes.
    let first = tables_of(&out);
    let stdout = run("inc.toml");
    assert!(stdout.contains("9 input files (9 unchanged, reused from cache)"), "{stdout}");
    assert!(from_cache(&out).values().all(|c| *c));
    assert!(first == tables_of(&out));
    run("full.toml");
    assert!(tables_of(&d.join("full")) == first, "incremental == full run");

    // One input changed, one removed: only the changed one is parsed again.
    let changed = d.join("in/json/NCT03418623.json");
    let text = std::fs::read_to_string(&changed).unwrap().replacen("\"briefTitle\": \"", "\"briefTitle\": \"CHANGED ", 1);
    std::fs::write(&changed, text).unwrap();
    std::fs::remove_file(d.join("in/xml/NCT01341288.xml")).unwrap();
    run("inc.toml");
    let fc = from_cache(&out);
    assert_eq!(fc.len(), 8);
    assert_eq!(fc.iter().filter(|(_, c)| !**c).map(|(p, _)| p.as_str()).collect::<Vec<_>>(), vec!["in/json/NCT03418623.json"]);
    assert_eq!(entries(&out.join(".cache")).len(), 8, "the removed input's entry is dropped");
    run("full.toml");
    let now = tables_of(&out);
    assert!(now == tables_of(&d.join("full")), "after a change and a removal, incremental == full run");
    let titles = col(&read(&out.join("trials.parquet")), "brief_title");
    assert!(titles.iter().flatten().any(|t| t.starts_with("CHANGED ")));

    // The rows really come from the cache: a doctored entry shows in the output...
    let cache = out.join(".cache");
    let mut doctored = 0;
    for name in entries(&cache) {
        let p = cache.join(&name);
        let t = std::fs::read_to_string(&p).unwrap();
        if t.contains("\"brief_title\":\"CHANGED ") {
            let mut v: serde_json::Value = serde_json::from_str(&t).unwrap();
            v["records"][0]["trial"]["brief_title"] = "FROM CACHE".into();
            std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
            doctored += 1;
        }
    }
    assert_eq!(doctored, 1);
    run("inc.toml");
    let titles = col(&read(&out.join("trials.parquet")), "brief_title");
    assert!(titles.iter().flatten().any(|t| t == "FROM CACHE"), "{titles:?}");
    // ... and a config change invalidates every entry (the key includes the config).
    write(d, "inc.toml", &inc.replace("[run]", "[normalize]\ncondition_categories = [{ name = \"SLE\", patterns = [\"lupus\"] }]\n[run]"));
    run("inc.toml");
    assert!(from_cache(&out).values().all(|c| !c));
    let titles = col(&read(&out.join("trials.parquet")), "brief_title");
    assert!(!titles.iter().flatten().any(|t| t == "FROM CACHE"));
    // A corrupt entry is ignored (re-parsed), not fatal.
    for name in entries(&cache) {
        std::fs::write(out.join(".cache").join(name), "{ not json").unwrap();
    }
    let (code, _, err) = exec(d, &["run", "-c", "inc.toml"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ignoring an unreadable cache entry"), "{err}");
    assert!(from_cache(&out).values().all(|c| !c));
}

// ---- the registry's bulk download ----------------------------------------------------------

/// A zip like `ctg-studies.json.zip` (stored, so it passes the bulk-read size): every realdata
/// record as a member under folders, plus a directory entry, a member named outside the
/// archive, a gzip member, a zip member, and a member refused as a decompression bomb.
fn bulk_zip(path: &Path) -> usize {
    use std::io::Write;
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        v.sort();
        for p in v {
            if p.is_dir() {
                files(&p, out)
            } else if !p.ends_with("SOURCES.tsv") {
                out.push(p)
            }
        }
    }
    let root = repo().join("fixtures/realdata");
    let mut real = Vec::new();
    files(&root, &mut real);
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut w = zip::ZipWriter::new(File::create(path).unwrap());
    w.add_directory("ctg-studies/", stored).unwrap();
    for (i, p) in real.iter().enumerate() {
        let name = format!("ctg-studies/{:02}/{}", i % 7, p.strip_prefix(&root).unwrap().to_string_lossy());
        w.start_file(name, stored).unwrap();
        w.write_all(&std::fs::read(p).unwrap()).unwrap();
        if i == 3 {
            w.start_file("../outside.json", deflated).unwrap();
            w.write_all(&std::fs::read(p).unwrap()).unwrap();
            w.start_file("bomb.json", deflated).unwrap();
            w.write_all(&vec![b' '; 3 << 20]).unwrap();
        }
    }
    let mut inner = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    inner.start_file("one.json", deflated).unwrap();
    inner.write_all(&std::fs::read(&real[0]).unwrap()).unwrap();
    w.start_file("nested.zip", stored).unwrap();
    w.write_all(&inner.finish().unwrap().into_inner()).unwrap();
    w.finish().unwrap();
    real.len()
}

#[test]
fn bulk_zip_read_in_parallel_gives_the_tables_of_the_zip_read_member_by_member() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("in")).unwrap();
    let members = bulk_zip(&d.join("in/ctg-studies.json.zip"));
    assert!(std::fs::metadata(d.join("in/ctg-studies.json.zip")).unwrap().len() >= 4 << 20, "large enough to be read in parallel");
    // The incremental cache path reads a zip whole, member after member (the path of small
    // zips); without it a large zip is read in parallel from disk.
    write(d, "whole.toml", "[input]\npaths = [\"in\"]\n[output]\ndir = \"whole\"\n[run]\nfail_on = \"never\"\nincremental = true\n");
    for (cfg, threads) in [("whole.toml", "2"), ("parallel.toml", "1"), ("parallel.toml", "4")] {
        write(d, "parallel.toml", "[input]\npaths = [\"in\"]\n[output]\ndir = \"parallel\"\n[run]\nfail_on = \"never\"\n");
        let (code, stdout, err) = exec(d, &["run", "-c", cfg, "--threads", threads]);
        assert_eq!(code, 0, "{cfg}: {stdout}\n{err}");
        if cfg == "parallel.toml" {
            assert!(tables_of(&d.join("whole")) == tables_of(&d.join("parallel")), "parallel read with {threads} threads differs");
            let (a, b) = (manifest(&d.join("whole")), manifest(&d.join("parallel")));
            let strip = |m: &serde_json::Value| {
                let mut i = m["inputs"].clone();
                i[0].as_object_mut().unwrap().remove("from_cache");
                i
            };
            assert_eq!(strip(&a), strip(&b));
            assert_eq!(a["tables"], b["tables"]);
        }
    }
    let m = manifest(&d.join("parallel"));
    assert!(m["inputs"][0]["records"].as_u64().unwrap() as usize >= members, "{}", m["inputs"][0]);
    let issues = read(&d.join("parallel/record_issues.parquet"));
    let msgs = col(&issues, "message");
    assert!(msgs.iter().flatten().any(|t| t.contains("decompression bomb")));
    assert!(msgs.iter().flatten().any(|t| t.contains("points outside the archive")));
}

#[test]
fn table_groups_switched_off_are_not_written_and_the_core_tables_keep_their_bytes() {
    let all = trialtables!(SEEDS_CONFIG, "run");
    assert_eq!(all.code, 0, "{}", all.stderr);
    let off = trialtables!(
        "[input]\npaths = [\"fixtures/seeds\"]\n[output]\ndir = \"out\"\nregistry_details = false\nposted_results = false\n",
        "run"
    );
    assert_eq!(off.code, 0, "{}", off.stderr);
    let m = manifest(&off.out());
    for t in ["sponsors", "locations", "eligibility", "result_groups", "adverse_events"] {
        assert!(all.out().join(format!("{t}.parquet")).is_file(), "{t} written by default");
        assert!(!off.out().join(format!("{t}.parquet")).exists(), "{t} written although switched off");
        assert!(m["tables"].get(t).is_none(), "{t} in the manifest");
    }
    for metric in ["trials_by_country_cell_source", "serious_adverse_events_by_cell_source"] {
        assert!(all.out().join(format!("metrics/{metric}.parquet")).is_file());
        assert!(!off.out().join(format!("metrics/{metric}.parquet")).exists(), "{metric}");
    }
    assert!(off.out().join("metrics/results_reporting_by_sponsor_class.parquet").is_file(), "reads trials only");
    for t in ["conditions", "arms", "doses", "outcomes", "outcome_timepoints", "references", "record_issues"] {
        let f = format!("{t}.parquet");
        assert_eq!(std::fs::read(all.out().join(&f)).unwrap(), std::fs::read(off.out().join(&f)).unwrap(), "{t}");
    }
    // A wrong type is a config error with its location.
    let bad = trialtables!("[input]\npaths = [\"fixtures/seeds\"]\n[output]\ndir = \"out\"\nposted_results = \"no\"\n", "validate");
    assert_eq!(bad.code, 2, "{}", bad.stdout);
    assert!(format!("{}{}", bad.stdout, bad.stderr).contains(":5:"), "{}{}", bad.stdout, bad.stderr);
}
