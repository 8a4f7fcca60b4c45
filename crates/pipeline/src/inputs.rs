//! Resolves `[input] paths` (files, directories, globs) into a sorted, de-duplicated list of
//! files, so the order of files on disk never changes the output.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A configured input path that names nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct InputProblem {
    /// The path or pattern as configured.
    pub pattern: String,
    /// Why it gives no file.
    pub message: String,
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Lists the files under `dir`, sorted, hidden entries and `SOURCES.tsv` left out. Entries
/// that are not regular files (named pipes, sockets, devices, broken or looping symbolic
/// links) are listed too, so that reading them leaves a `record_issues` row (see
/// [`read_input`]) instead of vanishing. Symbolic links to folders are followed once; a
/// folder reached again through a link is listed as an entry, and reported when read.
fn walk(dir: &Path, out: &mut Vec<PathBuf>, visited: &mut HashSet<PathBuf>) -> std::io::Result<()> {
    if let Ok(c) = dir.canonicalize() {
        visited.insert(c);
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        // Provenance sidecars are not records.
        if name.to_string_lossy().eq_ignore_ascii_case("SOURCES.tsv") {
            continue;
        }
        let p = e.path();
        let ft = e.file_type()?;
        if ft.is_dir() {
            walk(&p, out, visited)?;
        } else if ft.is_symlink() && p.is_dir() {
            match p.canonicalize() {
                Ok(c) if !visited.contains(&c) => walk(&p, out, visited)?,
                _ => out.push(p),
            }
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// How an input is named in `source_path`, the manifest and messages: relative to `base`,
/// with `/` separators. Bytes that are not UTF-8 are written `\xNN` and control characters
/// (a newline in a file name) `\n`, `\t`, `\r` or `\xNN`, so two different files never get
/// the same name and every name fits on one line. (A `\` in a name is written `/`, so an
/// escape is never confused with a name.)
pub fn display_path(base: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(base).unwrap_or(p);
    let mut out = String::new();
    let push_str = |out: &mut String, t: &str| {
        for c in t.chars() {
            match c {
                '\\' => out.push('/'),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
                c => out.push(c),
            }
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        for chunk in rel.as_os_str().as_bytes().utf8_chunks() {
            push_str(&mut out, chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
    }
    #[cfg(not(unix))]
    push_str(&mut out, &rel.to_string_lossy());
    out
}

/// Why an input was not read.
#[derive(Debug, Clone, PartialEq)]
pub struct Unread {
    /// True when records may be lost (an ERROR row); false for entries that cannot hold
    /// records (a named pipe, a folder reached twice), which give a WARNING row.
    pub data_lost: bool,
    /// What was found.
    pub message: String,
}

/// Reads one input file. Anything that is not a regular file is never opened (a named pipe
/// would block the run); it is described instead.
pub fn read_input(p: &Path) -> Result<Vec<u8>, Unread> {
    read_input_unless(p, false).map(Option::unwrap_or_default)
}

/// [`read_input`], but a regular file is only checked, not read, when `stream` is true (the
/// caller streams it): `Ok(None)`.
pub fn read_input_unless(p: &Path, stream: bool) -> Result<Option<Vec<u8>>, Unread> {
    if stream && std::fs::metadata(p).is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    read_whole(p).map(Some)
}

fn read_whole(p: &Path) -> Result<Vec<u8>, Unread> {
    let lost = |message: String| Unread { data_lost: true, message };
    match std::fs::metadata(p) {
        Ok(m) if m.is_file() => std::fs::read(p).map_err(|e| lost(format!("cannot read file: {e}"))),
        Ok(m) if m.is_dir() => Err(Unread {
            data_lost: false,
            message:
                "a folder reached again through a symbolic link (a link loop, or a second link to a folder already read): not read again"
                    .into(),
        }),
        Ok(m) => Err(Unread { data_lost: false, message: format!("{}, not a regular file: not opened", kind_of(&m)) }),
        Err(e) => match std::fs::read_link(p) {
            Ok(target) if e.raw_os_error() == Some(libc::ELOOP) => Err(lost(format!("symbolic link loop (-> {}): {e}", target.display()))),
            Ok(target) => Err(lost(format!("broken symbolic link (-> {}): {e}", target.display()))),
            Err(_) => Err(lost(format!("cannot read file: {e}"))),
        },
    }
}

fn kind_of(m: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let ft = m.file_type();
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    let _ = m;
    "not a file or folder"
}

/// Resolves patterns relative to `base`. Returns the files (sorted, unique) and a problem for
/// every pattern that names nothing.
pub fn resolve(base: &Path, patterns: &[String]) -> (Vec<PathBuf>, Vec<InputProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for pat in patterns {
        let full = if Path::new(pat).is_absolute() { PathBuf::from(pat) } else { base.join(pat) };
        let before = files.len();
        if is_glob(pat) {
            match glob::glob(&full.to_string_lossy()) {
                Ok(paths) => {
                    for p in paths.flatten() {
                        if p.is_dir() {
                            if let Err(e) = walk(&p, &mut files, &mut HashSet::new()) {
                                problems.push(InputProblem { pattern: pat.clone(), message: format!("cannot list {}: {e}", p.display()) });
                            }
                        } else {
                            // Regular files, and anything else to be reported when read.
                            files.push(p);
                        }
                    }
                }
                Err(e) => problems.push(InputProblem { pattern: pat.clone(), message: format!("bad glob pattern: {e}") }),
            }
            if files.len() == before {
                problems
                    .push(InputProblem { pattern: pat.clone(), message: format!("glob matches no file (looked for {})", full.display()) });
            }
        } else if full.is_dir() {
            if let Err(e) = walk(&full, &mut files, &mut HashSet::new()) {
                problems.push(InputProblem { pattern: pat.clone(), message: format!("cannot list {}: {e}", full.display()) });
            } else if files.len() == before {
                problems.push(InputProblem { pattern: pat.clone(), message: format!("directory {} holds no file", full.display()) });
            }
        } else if full.is_file() || std::fs::symlink_metadata(&full).is_ok() {
            // A named pipe or a broken link named directly: reported when read.
            files.push(full);
        } else {
            problems.push(InputProblem { pattern: pat.clone(), message: format!("no such file or directory: {}", full.display()) });
        }
    }
    files.sort();
    files.dedup();
    (files, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirs_globs_and_missing() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("a/b")).unwrap();
        std::fs::write(d.path().join("a/b/2.json"), "{}").unwrap();
        std::fs::write(d.path().join("a/1.txt"), "x").unwrap();
        std::fs::write(d.path().join("a/.hidden"), "x").unwrap();
        let (files, problems) = resolve(d.path(), &["a".into(), "a/**/*.json".into(), "nope".into(), "z*.xml".into()]);
        let names: Vec<_> = files.iter().map(|p| p.strip_prefix(d.path()).unwrap().to_string_lossy().to_string()).collect();
        assert_eq!(names, vec!["a/1.txt", "a/b/2.json"]);
        assert_eq!(problems.len(), 2);
        assert!(problems[0].message.contains("no such file"));
        assert!(problems[1].message.contains("matches no file"));
    }

    #[cfg(unix)]
    #[test]
    fn names_stay_distinct_and_on_one_line() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let base = Path::new("/b");
        let a = display_path(base, &Path::new("/b/in").join(OsStr::from_bytes(b"x\xff.txt")));
        let b = display_path(base, &Path::new("/b/in").join(OsStr::from_bytes(b"x\xfe.txt")));
        assert_eq!(a, "in/x\\xFF.txt");
        assert_ne!(a, b);
        assert_eq!(display_path(base, Path::new("/b/two\nlines.json")), "two\\nlines.json");
        assert_eq!(display_path(base, Path::new("/b/é.txt")), "é.txt");
    }

    #[cfg(unix)]
    #[test]
    fn pipes_and_broken_links_are_listed_and_described_not_opened() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("in");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("a.json"), "{}").unwrap();
        let fifo = std::ffi::CString::new(dir.join("pipe").to_string_lossy().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("dangling")).unwrap();
        std::os::unix::fs::symlink(dir.join("loop2"), dir.join("loop1")).unwrap();
        std::os::unix::fs::symlink(dir.join("loop1"), dir.join("loop2")).unwrap();
        std::os::unix::fs::symlink(&dir, dir.join("sub/up")).unwrap();
        let (files, problems) = resolve(d.path(), &["in".into()]);
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<_> = files.iter().map(|p| display_path(d.path(), p)).collect();
        assert_eq!(names, vec!["in/a.json", "in/dangling", "in/loop1", "in/loop2", "in/pipe", "in/sub/up"]);
        let why = |n: &str| read_input(&dir.join(n)).unwrap_err();
        assert!(why("pipe").message.contains("named pipe") && !why("pipe").data_lost);
        assert!(why("dangling").message.starts_with("broken symbolic link") && why("dangling").data_lost);
        assert!(why("loop1").message.starts_with("symbolic link loop"), "{:?}", why("loop1"));
        assert!(why("sub/up").message.contains("reached again") && !why("sub/up").data_lost);
        assert_eq!(read_input(&dir.join("a.json")).unwrap(), b"{}");
    }
}
