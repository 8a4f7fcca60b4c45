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

// ---- Never touch what is not the output (issue #13) -----------------------------------------

/// A work dir with `data/good.txt` (a seed) and `pipeline.toml` = `config`; returns the dir.
fn layout(config: &str, config_at: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_tree(&repo().join("fixtures/seeds").join(GOOD), &root.join("data/good.txt"));
    copy_tree(&repo().join("fixtures/seeds").join(GOOD), &root.join("out/raw/good.txt"));
    let cfg = root.join(config_at);
    std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
    std::fs::write(&cfg, config).unwrap();
    dir
}

/// `validate` and `run` both refuse with exit 2 and the config's `dir` line:column, before
/// any work; every file under the work dir is left as it was.
fn assert_refused(config: &str, config_at: &str, cwd: &str, why: &str) {
    let dir = layout(config, config_at);
    let before = snapshot(dir.path());
    let cfg_arg = dir.path().join(config_at);
    let cfg_arg = cfg_arg.to_str().unwrap();
    std::fs::create_dir_all(dir.path().join(cwd)).unwrap();
    let dir_line = config.lines().position(|l| l.starts_with("dir")).unwrap() + 1;
    for cmd in ["validate", "run"] {
        let (code, stdout, stderr) = exec(&dir.path().join(cwd), &[cmd, "--config", cfg_arg]);
        assert_eq!(code, 2, "{cmd} with {config:?}: {stdout}{stderr}");
        assert!(stderr.contains(&format!("{cfg_arg}:{dir_line}:1: output ")), "{cmd}: no location in {stderr}");
        assert!(stderr.contains(why), "{cmd}: expected {why:?} in {stderr}");
        assert_eq!(snapshot(dir.path()), before, "{cmd} changed files");
        assert!(!stderr.contains("input files ->"), "{cmd} did work before refusing: {stderr}");
    }
}

#[test]
fn output_equal_to_or_containing_an_input_is_refused() {
    assert_refused("[input]\npaths = [\"data\"]\n[output]\ndir = \"data\"\n", "pipeline.toml", "", "is the input \"data\"");
    assert_refused("[input]\npaths = [\"out/raw\"]\n[output]\ndir = \"out\"\n", "pipeline.toml", "", "contains the input \"out/raw\"");
    assert_refused(
        "[input]\npaths = [\"data/**/*.txt\"]\n[output]\ndir = \"data\"\n",
        "pipeline.toml",
        "",
        "is the input \"data/**/*.txt\"",
    );
}

#[test]
fn output_inside_an_input_is_refused_so_it_is_never_read_back() {
    assert_refused("[input]\npaths = [\"data\"]\n[output]\ndir = \"data/out\"\n", "pipeline.toml", "", "lies inside the input \"data\"");
}

#[test]
fn output_holding_the_config_the_cwd_or_everything_is_refused() {
    assert_refused(
        "[input]\npaths = [\"../../data\"]\n[output]\ndir = \"../b\"\n",
        "a/b/pipeline.toml",
        "",
        "is the folder holding the config",
    );
    assert_refused("[input]\npaths = [\"data\"]\n[output]\ndir = \".\"\n", "pipeline.toml", "", "is the folder holding the config");
    assert_refused(
        "[input]\npaths = [\"../data\"]\n[output]\ndir = \"..\"\n",
        "c/pipeline.toml",
        "",
        "contains the folder holding the config",
    );
    assert_refused("[input]\npaths = [\"data\"]\n[output]\ndir = \"/\"\n", "pipeline.toml", "", "root directory");
    // The current directory: a job run from inside what would be replaced.
    let abs = tempfile::tempdir().unwrap();
    let work = abs.path().join("w");
    let cfg = format!("[input]\npaths = [\"data\"]\n[output]\ndir = \"{}\"\n", work.display());
    std::fs::create_dir_all(work.join("sub")).unwrap();
    let dir = layout(&cfg, "pipeline.toml");
    let (code, _, stderr) = exec(&work.join("sub"), &["run", "--config", dir.path().join("pipeline.toml").to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("contains the current directory"), "{stderr}");
    assert!(work.join("sub").is_dir());
}

#[test]
fn output_over_the_raw_zone_or_a_foreign_folder_is_refused() {
    assert_refused(
        "[input]\n[input.api]\nraw_dir = \"raw\"\n[[input.api.query]]\nname = \"q\"\ncond = \"lupus\"\n[output]\ndir = \"raw/out\"\n",
        "pipeline.toml",
        "",
        "the raw zone of [input.api]",
    );
    let cfg = "[input]\npaths = [\"data\"]\n[output]\ndir = \"notes\"\n";
    let dir = layout(cfg, "pipeline.toml");
    std::fs::create_dir_all(dir.path().join("notes")).unwrap();
    std::fs::write(dir.path().join("notes/thesis.tex"), "my thesis").unwrap();
    let (code, _, stderr) = exec(dir.path(), &["run"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("pipeline.toml:4:1: output \"notes\" is an existing directory") && stderr.contains("not a trialtables output"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(dir.path().join("notes/thesis.tex")).unwrap(), "my thesis");
}

#[test]
fn output_flag_is_checked_too() {
    let dir = layout("[input]\npaths = [\"data\"]\n[output]\ndir = \"out2\"\n", "pipeline.toml");
    let (code, _, stderr) = exec(dir.path(), &["run", "--output", "data"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--output data is the input \"data\""), "{stderr}");
    assert!(dir.path().join("data/good.txt").is_file());
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_is_published_through_the_link() {
    let dir = layout("[input]\npaths = [\"data\"]\n[output]\ndir = \"current\"\n", "pipeline.toml");
    let target = dir.path().join("published/v1");
    std::fs::create_dir_all(&target).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("current")).unwrap();
    for _ in 0..2 {
        let (code, _, stderr) = exec(dir.path(), &["run"]);
        assert_eq!(code, 0, "{stderr}");
        let link = dir.path().join("current");
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is still a link");
        assert_eq!(std::fs::read_link(&link).unwrap(), target);
        assert!(target.join("trials.parquet").is_file() && target.join("manifest.json").is_file());
    }
    // A link to nothing is refused, not replaced by a folder.
    std::fs::remove_file(dir.path().join("current")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("current")).unwrap();
    let (code, _, stderr) = exec(dir.path(), &["run"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is a symbolic link to") && stderr.contains("which does not exist"), "{stderr}");
}

/// Runs `run` in `work` and kills it after 120 s (a FIFO opened for reading would block forever).
fn run_bounded(work: &Path) -> (i32, String) {
    let mut child = cmd(work, &["run"]).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let t = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if t.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the run did not finish in 120 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[cfg(unix)]
#[test]
fn fifos_broken_links_and_link_loops_leave_rows() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let input = work.join("in");
    copy_tree(&repo().join("fixtures/seeds").join(GOOD), &input.join("good.txt"));
    let fifo = std::ffi::CString::new(input.join("pipe.json").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    std::os::unix::fs::symlink(input.join("missing.xml"), input.join("dangling.xml")).unwrap();
    std::os::unix::fs::symlink(input.join("loop_b"), input.join("loop_a")).unwrap();
    std::os::unix::fs::symlink(input.join("loop_a"), input.join("loop_b")).unwrap();
    std::fs::create_dir_all(input.join("sub")).unwrap();
    std::os::unix::fs::symlink(&input, input.join("sub/back_up")).unwrap();
    std::fs::write(work.join("pipeline.toml"), "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n[run]\nfail_on = \"never\"\n").unwrap();
    let (code, stderr) = run_bounded(&work);
    assert_eq!(code, 0, "{stderr}");
    let issues = rows_all(&read(&work.join("out/record_issues.parquet")));
    let row = |path: &str| {
        issues
            .iter()
            .find(|r| get(r, "source_path") == Some(path))
            .map(|r| (get(r, "severity").unwrap().to_string(), get(r, "message").unwrap().to_string()))
            .unwrap_or_else(|| panic!("no row for {path}: {issues:#?}"))
    };
    assert_eq!(row("in/pipe.json").0, "WARNING");
    assert!(row("in/pipe.json").1.contains("a named pipe (FIFO), not a regular file: not opened"), "{:?}", row("in/pipe.json"));
    assert_eq!(row("in/dangling.xml").0, "ERROR");
    assert!(row("in/dangling.xml").1.starts_with("broken symbolic link"));
    assert!(row("in/loop_a").1.starts_with("symbolic link loop"), "{:?}", row("in/loop_a"));
    assert!(row("in/sub/back_up").1.contains("reached again through a symbolic link"));
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(work.join("out/manifest.json")).unwrap()).unwrap();
    let listed: Vec<&str> = m["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    for p in ["in/pipe.json", "in/dangling.xml", "in/loop_a", "in/loop_b", "in/sub/back_up", "in/good.txt"] {
        assert!(listed.contains(&p), "{p} not in the manifest: {listed:?}");
    }
    let trials = rows_all(&read(&work.join("out/trials.parquet")));
    assert_eq!(trials.len(), 1, "the good record is read once (the looping folder is not read twice)");
}

#[test]
fn a_stray_nul_costs_a_warning_not_the_page() {
    let mut page = std::fs::read(repo().join("fixtures/seeds/003_38b1ac5494ac9d51.txt")).unwrap();
    let at = page.len() / 2;
    page.insert(at, 0);
    let o = run_with(&[("nul.txt", page)]);
    assert!(o.ids().contains(&"NCT03458507".to_string()) || o.trials.len() == 2, "{:?}", o.ids());
    o.assert_issue("nul.txt", "WARNING", "NUL byte");
    assert!(!o.issues_of("nul.txt").iter().any(|(s, _)| s == "ERROR"), "{:?}", o.issues_of("nul.txt"));
}

#[test]
fn utf16_pages_are_read() {
    let text = std::fs::read_to_string(repo().join("fixtures/seeds/000_06cd87bbc5196893.txt")).unwrap();
    let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect();
    let plain = run_with(&[("utf8.txt", text.clone().into_bytes())]);
    let want: Vec<_> =
        plain.trials.iter().filter(|t| get(t, "nct_id") != Some(GOOD_ID)).map(|t| get(t, "brief_title").map(str::to_string)).collect();
    for (name, bytes) in [("le.txt", le), ("be.txt", be)] {
        let o = run_with(&[(name, bytes)]);
        let got: Vec<_> =
            o.trials.iter().filter(|t| get(t, "nct_id") != Some(GOOD_ID)).map(|t| get(t, "brief_title").map(str::to_string)).collect();
        assert_eq!(got, want, "{name}");
        o.assert_issue(name, "INFO", "UTF-16");
    }
}

#[test]
fn a_long_arm_description_is_read_up_to_the_limit_with_a_warning() {
    let src = std::fs::read_to_string(repo().join("fixtures/realdata/ctgov_v2_json/aact_fixtures/NCT02278341.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&src).unwrap();
    let long = "Umbilical cord MSC 1x10^6 cells/kg intravenously every 2 weeks. ".repeat(2 * 1024 * 1024 / 64);
    let arms = v["protocolSection"]["armsInterventionsModule"]["armGroups"].as_array_mut().expect("the fixture has arms");
    arms[0]["description"] = serde_json::Value::String(long.clone());
    let o = run_with(&[("long.json", serde_json::to_vec(&v).unwrap())]);
    assert_eq!(o.trials.len(), 2);
    let w = o.issues_of("long.json");
    assert!(
        w.iter().any(|(s, m)| s == "WARNING"
            && m.contains(&format!("arm.description is {} bytes long", long.trim().len()))
            && m.contains("first 32768 bytes")),
        "{w:#?}"
    );
}

#[cfg(unix)]
#[test]
fn names_differing_only_in_invalid_bytes_stay_distinct_and_on_one_line() {
    use std::os::unix::ffi::OsStrExt;
    let seed = |n: &str| std::fs::read(repo().join("fixtures/seeds").join(n)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let input = work.join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join(std::ffi::OsStr::from_bytes(b"page\xff.txt")), seed("000_06cd87bbc5196893.txt")).unwrap();
    std::fs::write(input.join(std::ffi::OsStr::from_bytes(b"page\xfe.txt")), seed("004_8566403ec791419c.txt")).unwrap();
    std::fs::write(input.join("two\nlines.json"), b"{ not json").unwrap();
    std::fs::write(work.join("pipeline.toml"), "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n[run]\nfail_on = \"never\"\n").unwrap();
    let (code, stdout, stderr) = exec(&work, &["validate"]);
    assert_eq!(code, 0, "{stderr}");
    let bad: Vec<&str> = stdout.lines().filter(|l| l.contains("lines.json")).collect();
    assert_eq!(bad.len(), 1, "one line per problem: {stdout}");
    assert!(bad[0].contains("in/two\\nlines.json"), "{stdout}");
    let (code, _, stderr) = exec(&work, &["run"]);
    assert_eq!(code, 0, "{stderr}");
    let trials = rows_all(&read(&work.join("out/trials.parquet")));
    let mut paths: Vec<&str> = trials.iter().filter_map(|t| get(t, "source_path")).collect();
    paths.sort();
    assert_eq!(paths, vec!["in/page\\xFE.txt", "in/page\\xFF.txt"]);
}

#[test]
fn unknown_tables_and_category_keys_are_located_through_the_binary() {
    let run = trialtables!(
        "[input]\npaths = [\"fixtures/seeds\"]\n[output]\ndir = \"out\"\n[colour]\nx = 1\n[[normalize.condition_categories]]\nname = \"SLE\"\npaterns = [\"lupus\"]\n",
        "validate"
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("pipeline.toml:5:1: unknown field `colour`"), "{}", run.stderr);
    assert!(run.stderr.contains("pipeline.toml:9:1: unknown field `paterns` (hint: did you mean `patterns`?)"), "{}", run.stderr);
}
