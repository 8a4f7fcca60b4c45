//! Resolves `[input] paths` (files, directories, globs) into a sorted, de-duplicated list of
//! files, so the order of files on disk never changes the output.

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

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let p = e.path();
        let ft = e.file_type()?;
        if ft.is_dir() {
            walk(&p, out)?;
        } else if ft.is_file() || (ft.is_symlink() && p.is_file()) {
            // Provenance sidecars are not records.
            if name.to_string_lossy().eq_ignore_ascii_case("SOURCES.tsv") {
                continue;
            }
            out.push(p);
        }
    }
    Ok(())
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
                            if let Err(e) = walk(&p, &mut files) {
                                problems.push(InputProblem { pattern: pat.clone(), message: format!("cannot list {}: {e}", p.display()) });
                            }
                        } else if p.is_file() {
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
            if let Err(e) = walk(&full, &mut files) {
                problems.push(InputProblem { pattern: pat.clone(), message: format!("cannot list {}: {e}", full.display()) });
            } else if files.len() == before {
                problems.push(InputProblem { pattern: pat.clone(), message: format!("directory {} holds no file", full.display()) });
            }
        } else if full.is_file() {
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
}
