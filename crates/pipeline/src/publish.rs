//! Publishing a run without ever leaving half a dataset: everything is written into a staging
//! directory beside the output and swapped in only when complete; a lock file keeps two runs
//! off the same output, and a lock left by a dead process is detected and taken over.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// A held lock on an output directory: an advisory lock (`flock`) on `.<name>.lock` beside it,
/// which the operating system releases when the process ends, however it ends. The file also
/// holds the pid, for the message a second run gets. Released (and the file removed) on drop.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    file: fs::File,
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "out".into());
    out.with_file_name(format!(".{name}.{suffix}"))
}

#[cfg(unix)]
fn same_file(f: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (f.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_f: &fs::File, path: &Path) -> bool {
    path.exists()
}

impl OutputLock {
    /// Takes the lock on `out`. Refuses when another process holds it; a lock file left by a
    /// run that is gone holds no lock and is taken over (with a warning naming its pid).
    pub fn acquire(out: &Path) -> Result<OutputLock> {
        let path = sibling(out, "lock");
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        // A holder that removes the file between our open and our lock leaves us locking a
        // deleted file: check that the path still names what we locked, else try again.
        for _ in 0..8 {
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .with_context(|| format!("creating lock {}", path.display()))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let holder = fs::read_to_string(&path).unwrap_or_default();
                    bail!(
                        "output {} is locked by another trialtables run (pid {}, lock file {}); wait for it to finish",
                        out.display(),
                        holder.trim(),
                        path.display()
                    )
                }
                Err(fs::TryLockError::Error(e)) => return Err(e).with_context(|| format!("locking {}", path.display())),
            }
            if !same_file(&file, &path) {
                continue;
            }
            let mut holder = String::new();
            let _ = std::io::Read::read_to_string(&mut file, &mut holder);
            if !holder.trim().is_empty() {
                tracing::warn!(lock = %path.display(), holder = holder.trim(), "removing stale lock left by a process that is gone");
            }
            file.set_len(0).and_then(|_| std::io::Seek::rewind(&mut file)).with_context(|| format!("writing {}", path.display()))?;
            writeln!(file, "{}", std::process::id()).with_context(|| format!("writing {}", path.display()))?;
            return Ok(OutputLock { path, file });
        }
        bail!("could not take the lock {}", path.display())
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked, so a run that opens the path afterwards gets a new file.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// A fresh, empty staging directory beside `out`.
pub fn staging_dir(out: &Path) -> Result<PathBuf> {
    let dir = sibling(out, &format!("staging-{}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// Removes staging directories and half-swapped leftovers of killed runs, restoring the
/// previous output if a run died between the two renames of [`swap_in`]. Call with the lock
/// held.
pub fn recover(out: &Path) -> Result<()> {
    let old = sibling(out, "previous");
    if !out.exists() && old.exists() {
        tracing::warn!(output = %out.display(), "restoring the previous output left by an interrupted run");
        fs::rename(&old, out).with_context(|| format!("restoring {}", out.display()))?;
    } else if old.exists() {
        fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    }
    if let (Some(parent), Some(name)) = (out.parent(), out.file_name()) {
        let prefix = format!(".{}.staging-", name.to_string_lossy());
        let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
        if let Ok(entries) = fs::read_dir(parent) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        }
    }
    Ok(())
}

/// Test hook: when the environment variable `TRIALTABLES_TEST_PAUSE_AT` names `stage`, the
/// process prints `test hook: paused at <stage>` on stderr and sleeps for a minute, so a test
/// can SIGKILL it at exactly that point. Stages, in order: `after_read`, `after_load`,
/// `after_metrics`, `after_manifest` (staging complete, nothing swapped),
/// `between_renames` (two-rename swap only: the old output moved aside, the new one not yet
/// in place), `after_swap` (new output in place, the old one not yet removed). Not for
/// production use; does nothing when the variable is unset.
pub fn test_pause(stage: &str) {
    if std::env::var("TRIALTABLES_TEST_PAUSE_AT").ok().as_deref() == Some(stage) {
        eprintln!("test hook: paused at {stage}");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

/// Flushes every file and directory under `dir` to disk, so a power cut after the swap
/// cannot leave a published directory whose files are empty.
pub fn sync_tree(dir: &Path) -> Result<()> {
    for e in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let p = e.with_context(|| format!("listing {}", dir.display()))?.path();
        if p.is_dir() {
            sync_tree(&p)?;
        } else {
            fs::File::open(&p).and_then(|f| f.sync_all()).with_context(|| format!("flushing {}", p.display()))?;
        }
    }
    sync_dir(dir);
    Ok(())
}

fn sync_dir(dir: &Path) {
    // Directory fsync is best effort (not supported everywhere).
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Atomically exchanges two existing paths (Linux `renameat2(RENAME_EXCHANGE)`). Returns
/// `Ok(false)` when the system or file system does not support it.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    if std::env::var_os("TRIALTABLES_TEST_NO_EXCHANGE").is_some() {
        return Ok(false);
    }
    let ca = CString::new(a.as_os_str().as_bytes()).context("path holds a NUL byte")?;
    let cb = CString::new(b.as_os_str().as_bytes()).context("path holds a NUL byte")?;
    // SAFETY: both pointers are valid NUL-terminated strings that live across the call.
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(err).with_context(|| format!("exchanging {} and {}", a.display(), b.display())),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> Result<bool> {
    Ok(false)
}

/// Swaps a complete staging directory in as `out`.
///
/// On Linux the two directories are exchanged in one atomic `renameat2(RENAME_EXCHANGE)`:
/// at every instant `out` is either the whole previous output or the whole new one. The
/// staging directory then holds the previous output and is removed (a crash before that
/// leaves it to [`recover`]). Where the exchange is not supported, the previous output is
/// renamed aside, the staging directory renamed into place, then the previous output
/// removed; a crash between the two renames is repaired by [`recover`] on the next run.
pub fn swap_in(staging: &Path, out: &Path) -> Result<()> {
    sync_tree(staging)?;
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if out.exists() && exchange(staging, out)? {
        sync_dir(parent);
        test_pause("after_swap");
        fs::remove_dir_all(staging).with_context(|| format!("removing the previous output, now at {}", staging.display()))?;
        return Ok(());
    }
    let old = sibling(out, "previous");
    if out.exists() {
        fs::rename(out, &old).with_context(|| format!("moving the previous output {} aside", out.display()))?;
        test_pause("between_renames");
    }
    fs::rename(staging, out).with_context(|| format!("publishing {} as {}", staging.display(), out.display()))?;
    sync_dir(parent);
    test_pause("after_swap");
    if old.exists() {
        fs::remove_dir_all(&old).with_context(|| format!("removing the previous output {}", old.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_refuses_live_and_takes_stale() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        let l = OutputLock::acquire(&out).unwrap();
        assert_eq!(fs::read_to_string(sibling(&out, "lock")).unwrap(), format!("{}\n", std::process::id()));
        // Held (a second open file description counts as another holder): refused.
        let e = OutputLock::acquire(&out).unwrap_err().to_string();
        assert!(e.contains("locked by another trialtables run") && e.contains(&std::process::id().to_string()), "{e}");
        drop(l);
        assert!(!sibling(&out, "lock").exists());
        // A file left by a killed run holds no lock: taken over.
        fs::write(sibling(&out, "lock"), "4294967\n").unwrap();
        let l2 = OutputLock::acquire(&out).unwrap();
        assert_eq!(fs::read_to_string(sibling(&out, "lock")).unwrap(), format!("{}\n", std::process::id()));
        drop(l2);
        assert!(!sibling(&out, "lock").exists());
    }

    #[test]
    fn swap_and_recover() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("a"), "old").unwrap();
        let st = staging_dir(&out).unwrap();
        fs::write(st.join("a"), "new").unwrap();
        swap_in(&st, &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("a")).unwrap(), "new");
        assert!(!st.exists(), "the previous output (exchanged into staging) is removed");
        // A second swap over an existing output (exchange path on Linux).
        let st = staging_dir(&out).unwrap();
        fs::write(st.join("a"), "newer").unwrap();
        swap_in(&st, &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("a")).unwrap(), "newer");
        assert!(!st.exists() && !sibling(&out, "previous").exists());
        fs::write(out.join("a"), "new").unwrap();
        // Simulate a crash between the two renames.
        fs::rename(&out, sibling(&out, "previous")).unwrap();
        recover(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("a")).unwrap(), "new");
    }
}
