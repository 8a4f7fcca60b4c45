//! Where the output may go. A run replaces its output directory as a whole, so an output that
//! overlaps anything else the user keeps would delete it at publish. This module resolves the
//! output once (through symlinks, so the run publishes into what the user's path points to)
//! and refuses, before any work, every location that equals, contains or lies inside an
//! input, the raw zone of `[input.api]`, or that would swallow the config's folder, the current
//! directory or `/`; and an existing directory that is not a trialtables output.

use std::path::{Component, Path, PathBuf};

/// The absolute, symlink-free form of `p` (relative to `cwd`), also for a path that does not
/// exist yet: its longest existing ancestor is canonicalized and the rest is appended
/// lexically (`..` drops a component).
pub fn real_path(cwd: &Path, p: &Path) -> PathBuf {
    let abs = if p.is_absolute() { p.to_path_buf() } else { cwd.join(p) };
    let comps: Vec<Component> = abs.components().collect();
    for i in (0..=comps.len()).rev() {
        let prefix: PathBuf = comps[..i].iter().collect();
        if prefix.as_os_str().is_empty() {
            continue;
        }
        if let Ok(mut out) = prefix.canonicalize() {
            for c in &comps[i..] {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(n) => out.push(n),
                    _ => {}
                }
            }
            return out;
        }
    }
    abs
}

/// The directory a configured input names: the path itself, or for a glob pattern the
/// directory before its first component with a wildcard (`data/**/*.json` -> `data`).
pub fn input_root(pattern: &str) -> PathBuf {
    let mut root = PathBuf::new();
    for c in Path::new(pattern).components() {
        if c.as_os_str().to_string_lossy().contains(['*', '?', '[']) {
            break;
        }
        root.push(c);
    }
    root
}

/// Why an output location is refused, or `None` when it is safe.
///
/// `output` and every path in `protected` must already be [`real_path`]s. `inputs` and the
/// raw zone may not overlap the output in any direction; `containers` (the config's folder,
/// the current directory) may hold the output but not lie inside it or be it.
pub fn refusal(output: &Path, inputs: &[(String, PathBuf)], raw_zone: Option<&Path>, containers: &[(&str, PathBuf)]) -> Option<String> {
    if output.parent().is_none() {
        return Some("is the root directory `/`: every file on the machine would be replaced".into());
    }
    for (what, p) in containers {
        if p.starts_with(output) {
            let rel = if p == output { "is" } else { "contains" };
            return Some(format!("{rel} {what} ({}), which a run would replace as a whole", p.display()));
        }
    }
    for (pattern, p) in inputs {
        if let Some(rel) = overlap(output, p) {
            return Some(format!("{rel} the input {pattern:?} ({}): a run would read its own output or delete its inputs", p.display()));
        }
    }
    if let Some(raw) = raw_zone {
        if let Some(rel) = overlap(output, raw) {
            return Some(format!("{rel} the raw zone of [input.api] ({}), where every fetch is kept", raw.display()));
        }
    }
    if output.is_dir() && !output.join("manifest.json").is_file() {
        let non_empty = std::fs::read_dir(output).map(|mut d| d.next().is_some()).unwrap_or(true);
        if non_empty {
            return Some(format!(
                "is an existing directory ({}) that is not a trialtables output (it holds no manifest.json); a run would replace everything in it",
                output.display()
            ));
        }
    }
    None
}

fn overlap(output: &Path, other: &Path) -> Option<&'static str> {
    if output == other {
        Some("is")
    } else if other.starts_with(output) {
        Some("contains")
    } else if output.starts_with(other) {
        Some("lies inside")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_path_of_missing_and_dotted_paths() {
        let d = tempfile::tempdir().unwrap();
        let base = d.path().canonicalize().unwrap();
        std::fs::create_dir_all(base.join("a/b")).unwrap();
        assert_eq!(real_path(&base, Path::new("a/b/../c/d")), base.join("a/c/d"));
        assert_eq!(real_path(&base, Path::new(".")), base);
        assert_eq!(real_path(&base, Path::new("..")), base.parent().unwrap());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(base.join("a/b"), base.join("link")).unwrap();
            assert_eq!(real_path(&base, Path::new("link/x")), base.join("a/b/x"));
        }
    }

    #[test]
    fn globs_are_rooted_at_their_literal_directory() {
        assert_eq!(input_root("data/**/*.json"), PathBuf::from("data"));
        assert_eq!(input_root("*.xml"), PathBuf::new());
        assert_eq!(input_root("in/seeds"), PathBuf::from("in/seeds"));
    }

    #[test]
    fn every_overlap_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let b = d.path().canonicalize().unwrap();
        let inputs = vec![("data".to_string(), b.join("data"))];
        let cont = [("the folder holding the config", b.clone())];
        let r = |o: PathBuf| refusal(&o, &inputs, Some(&b.join("raw")), &cont);
        assert!(r(b.join("data")).unwrap().starts_with("is the input \"data\""));
        assert!(r(b.join("data/out")).unwrap().starts_with("lies inside the input"));
        std::fs::create_dir_all(b.join("x")).unwrap();
        let inputs2 = vec![("x/raw".to_string(), b.join("x/raw"))];
        assert!(refusal(&b.join("x"), &inputs2, None, &cont).unwrap().starts_with("contains the input"));
        assert!(r(b.clone()).unwrap().starts_with("is the folder holding the config"));
        assert!(r(b.parent().unwrap().to_path_buf()).unwrap().starts_with("contains the folder holding the config"));
        assert!(r(PathBuf::from("/")).unwrap().contains("root directory"));
        assert!(r(b.join("raw/o")).unwrap().contains("raw zone"));
        assert_eq!(r(b.join("out")), None);
        // An existing folder that is not an output.
        std::fs::create_dir_all(b.join("docs")).unwrap();
        std::fs::write(b.join("docs/thesis.tex"), "x").unwrap();
        assert!(r(b.join("docs")).unwrap().contains("not a trialtables output"));
        std::fs::write(b.join("docs/manifest.json"), "{}").unwrap();
        assert_eq!(r(b.join("docs")), None);
        std::fs::create_dir_all(b.join("empty")).unwrap();
        assert_eq!(r(b.join("empty")), None);
    }
}
