//! Scheduled runs never leave half a dataset: the real binary is SIGKILLed at each named
//! stage (test hook `TRIALTABLES_TEST_PAUSE_AT`), the published output must be the previous
//! one, byte for byte and readable, and the next run must clean up and succeed. Also the
//! output lock, through two real processes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use super::*;

/// Starts a run that pauses at `stage`, waits until it is there, and returns the child
/// (still alive, holding the lock).
fn start_paused(dir: &Path, stage: &str, no_exchange: bool) -> Child {
    let mut c = cmd(dir, &["run"]);
    c.env("TRIALTABLES_TEST_PAUSE_AT", stage).stderr(Stdio::piped()).stdout(Stdio::null());
    if no_exchange {
        c.env("TRIALTABLES_TEST_NO_EXCHANGE", "1");
    }
    let mut child = c.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains(&format!("test hook: paused at {stage}")) {
            return child;
        }
    }
    let status = child.wait().unwrap();
    panic!("run ended ({status}) without reaching {stage}:\n{seen}");
}

fn kill9(mut child: Child) {
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(!status.success());
}

/// Every Parquet file of the output opens and reads.
fn assert_readable(out: &Path) {
    let t = tables_of(out);
    assert!(t.len() >= 17, "{} parquet files", t.len());
    for p in t.keys() {
        let _ = read(&out.join(p));
    }
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert!(m["tables"]["trials"].as_u64().is_some());
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("fixtures/seeds/000_06cd87bbc5196893.txt"), &dir.path().join("in/a.txt"));
    std::fs::write(dir.path().join("pipeline.toml"), "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n").unwrap();
    dir
}

/// Changes the inputs so the next run's output differs from the published one.
fn change_inputs(dir: &Path, n: usize) {
    let mut all: Vec<_> = std::fs::read_dir(repo().join("fixtures/seeds")).unwrap().map(|e| e.unwrap().path()).collect();
    all.sort();
    let target = dir.join("in").join(format!("{n}.txt"));
    if target.exists() {
        std::fs::remove_file(&target).unwrap();
    } else {
        std::fs::copy(&all[1 + n % (all.len() - 1)], target).unwrap();
    }
}

fn leftovers(dir: &Path) -> Vec<String> {
    entries(dir).into_iter().filter(|n| n.starts_with(".out.")).collect()
}

#[test]
fn kill_9_at_every_stage_leaves_the_previous_output_intact() {
    let dir = setup();
    let d = dir.path();
    let (code, _, err) = exec(d, &["run"]);
    assert_eq!(code, 0, "{err}");
    let out = d.join("out");

    // (stage, no_exchange, output expected after the kill)
    let stages: &[(&str, bool)] = &[
        ("after_read", false),
        ("after_load", false),
        ("after_metrics", false),
        ("after_manifest", false),
        ("after_swap", false),
        ("between_renames", true),
        ("after_swap", true),
    ];
    for (n, &(stage, no_exchange)) in stages.iter().enumerate() {
        let before = snapshot(&out);
        change_inputs(d, n);
        let child = start_paused(d, stage, no_exchange);
        kill9(child);
        let ctx = format!("killed at {stage} (no_exchange={no_exchange})");
        match stage {
            "between_renames" => {
                // The old output was moved aside and the new one is not yet in place: the
                // old one is whole at `.out.previous`, and the next run puts it back first.
                assert!(!out.exists(), "{ctx}");
                assert_eq!(snapshot(&d.join(".out.previous")), before, "{ctx}");
            }
            "after_swap" => {
                // The new output is complete and in place; only the cleanup is left.
                let now = snapshot(&out);
                assert_ne!(now, before, "{ctx}");
                assert_readable(&out);
            }
            _ => {
                assert_eq!(snapshot(&out), before, "{ctx}: published output changed");
                assert_readable(&out);
            }
        }
        // The dead run left its lock (pid gone) and, except after a clean swap, staging.
        assert!(d.join(".out.lock").exists(), "{ctx}: lock removed by a SIGKILLed process?");

        // The next run takes over the stale lock, clears the leftovers and publishes.
        let (code, stdout, err) = exec(d, &["run"]);
        assert_eq!(code, 0, "{ctx}: recovery run failed\n{stdout}\n{err}");
        assert!(err.contains("removing stale lock"), "{ctx}: {err}");
        if stage == "between_renames" {
            assert!(err.contains("restoring the previous output"), "{ctx}: {err}");
        }
        assert_eq!(leftovers(d), Vec::<String>::new(), "{ctx}: leftovers after recovery");
        assert_readable(&out);
        let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        let inputs = std::fs::read_dir(d.join("in")).unwrap().count();
        assert_eq!(m["inputs"].as_array().unwrap().len(), inputs, "{ctx}: output is the new run's");
    }
}

#[test]
fn a_second_concurrent_run_is_refused_and_a_stale_lock_is_taken_over() {
    let dir = setup();
    let d = dir.path();
    let first = start_paused(d, "after_read", false);
    let pid = first.id();
    let (code, _, err) = exec(d, &["run"]);
    assert_eq!(code, 3, "{err}");
    let lock = d.join(".out.lock").canonicalize().unwrap();
    assert!(
        err.contains(&format!("is locked by another trialtables run (pid {pid}, lock file {}); wait for it to finish", d.join(".out.lock").display()))
            || err.contains(&format!("(pid {pid}, lock file {})", lock.display())),
        "{err}"
    );
    assert!(!d.join("out").exists(), "the refused run wrote nothing");
    kill9(first);
    // The holder is dead: its lock is stale and is taken over.
    let (code, _, err) = exec(d, &["run"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("removing stale lock left by a process that is gone") && err.contains(&format!("holder={pid}")), "{err}");
    assert!(!d.join(".out.lock").exists(), "lock released at the end");
    assert_eq!(leftovers(d), Vec::<String>::new());
}
