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

/// Kills a chain of runs, each at a later stage: every run starts by clearing what the
/// previous killed run left (stale lock, staging, a half-done swap), and the published output
/// is always whole: the previous one byte for byte, or (killed after the swap) the new one.
#[test]
fn kill_9_at_every_stage_leaves_the_previous_output_intact() {
    let dir = setup();
    let d = dir.path();
    let (code, _, err) = exec(d, &["run"]);
    assert_eq!(code, 0, "{err}");
    let out = d.join("out");
    let mut published = snapshot(&out);

    for (n, (stage, no_exchange)) in
        [("after_load", false), ("after_metrics", false), ("after_swap", false), ("between_renames", true)].into_iter().enumerate()
    {
        change_inputs(d, n);
        let child = start_paused(d, stage, no_exchange);
        let pid = child.id();
        // While paused, only this run's staging directory exists: the previous killed run's
        // leftovers were cleared before it started.
        let expected_left: Vec<String> = match stage {
            "between_renames" => vec![".out.lock".into(), ".out.previous".into(), format!(".out.staging-{pid}")],
            _ => vec![".out.lock".into(), format!(".out.staging-{pid}")],
        };
        kill9(child);
        let ctx = format!("killed at {stage} (no_exchange={no_exchange})");
        assert_eq!(leftovers(d), expected_left, "{ctx}");
        match stage {
            "between_renames" => {
                // The old output was moved aside and the new one is not yet in place: the
                // old one is whole at `.out.previous`; the next run puts it back first.
                assert!(!out.exists(), "{ctx}");
                assert_eq!(snapshot(&d.join(".out.previous")), published, "{ctx}");
            }
            "after_swap" => {
                // The new output is complete and in place; the old one (exchanged into the
                // staging directory) was not yet removed.
                let now = snapshot(&out);
                assert_ne!(now, published, "{ctx}");
                assert_readable(&out);
                assert_eq!(snapshot(&d.join(format!(".out.staging-{pid}"))), published, "{ctx}");
                published = now;
            }
            _ => {
                assert_eq!(snapshot(&out), published, "{ctx}: published output changed");
                assert_readable(&out);
            }
        }
    }
    // The next run takes over the stale lock, restores the previous output, clears the
    // leftovers and publishes.
    let (code, stdout, err) = exec(d, &["run"]);
    assert_eq!(code, 0, "recovery run failed\n{stdout}\n{err}");
    assert!(err.contains("removing stale lock"), "{err}");
    assert!(err.contains("restoring the previous output"), "{err}");
    assert_eq!(leftovers(d), Vec::<String>::new(), "leftovers after recovery");
    assert_readable(&out);
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let inputs = std::fs::read_dir(d.join("in")).unwrap().count();
    assert_eq!(m["inputs"].as_array().unwrap().len(), inputs, "output is the new run's");
}

#[test]
fn a_second_concurrent_run_is_refused_and_a_stale_lock_is_taken_over() {
    let dir = setup();
    let d = dir.path();
    let first = start_paused(d, "after_read", false);
    let pid = first.id();
    let (code, _, err) = exec(d, &["run"]);
    assert_eq!(code, 3, "{err}");
    // The output is named as resolved (absolute, through symlinks): the lock is beside it.
    let real = d.canonicalize().unwrap();
    assert_eq!(
        err,
        format!(
            "error: output {0}/out is locked by another trialtables run (pid {pid}, lock file {0}/.out.lock); wait for it to finish\n",
            real.display()
        )
    );
    assert!(!d.join("out").exists(), "the refused run wrote nothing");
    kill9(first);
    // The holder is dead: its lock is stale and is taken over.
    let (code, _, err) = exec(d, &["run"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("removing stale lock left by a process that is gone") && err.contains(&pid.to_string()), "{err}");
    assert!(!d.join(".out.lock").exists(), "lock released at the end");
    assert_eq!(leftovers(d), Vec::<String>::new());
}
