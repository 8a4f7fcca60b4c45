//! Loads the real inputs the benches run on: the seed pages, the legacy XML records, an API v2
//! website-download array and the normalizer corpora under `fixtures/`. Paths are resolved
//! from this crate's location so the benches run from any directory; an API v2 array can be
//! chosen with `TRIALTABLES_BENCH_JSON` (default: a download array from the shared realdata
//! when present, else the largest one in `fixtures/`).

use std::path::{Path, PathBuf};

/// One input file: its path (for provenance) and bytes.
#[derive(Debug, Clone)]
pub struct Input {
    /// Path as given to the reader.
    pub path: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_else(|| here.to_path_buf())
}

/// The `fixtures/` directory.
pub fn fixtures() -> PathBuf {
    workspace_root().join("fixtures")
}

/// Every regular file under `dir` (recursively), sorted, skipping `SOURCES.tsv`.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.is_file() && p.file_name().is_some_and(|n| n != "SOURCES.tsv") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn load(paths: &[PathBuf]) -> Vec<Input> {
    paths.iter().filter_map(|p| std::fs::read(p).ok().map(|bytes| Input { path: p.to_string_lossy().into_owned(), bytes })).collect()
}

/// The seed page-text records (`fixtures/seeds/*.txt`).
pub fn seeds() -> Vec<Input> {
    load(&files_under(&fixtures().join("seeds")))
}

/// The real legacy XML records (`fixtures/realdata/ctgov_legacy_xml`).
pub fn legacy_xml() -> Vec<Input> {
    load(&files_under(&fixtures().join("realdata/ctgov_legacy_xml")))
}

/// Every real API v2 JSON file in `fixtures/realdata/ctgov_v2_json`.
pub fn api_json_files() -> Vec<Input> {
    load(&files_under(&fixtures().join("realdata/ctgov_v2_json")))
}

/// Default shared download array (50 studies, 1.4 MB), used when it exists.
pub const SHARED_ARRAY: &str =
    "/work/shared/realdata/ctgov_v2_json/ctg_studies_download_arrays/dgg32+clinical-trials-public__ctg-studies_5_.json";

/// One real website-download `ctg-studies.json` array (see the module header for which).
pub fn api_json_array() -> Option<Input> {
    let chosen = std::env::var_os("TRIALTABLES_BENCH_JSON").map(PathBuf::from).or_else(|| {
        let shared = PathBuf::from(SHARED_ARRAY);
        if shared.is_file() {
            return Some(shared);
        }
        files_under(&fixtures().join("realdata/ctgov_v2_json/ctg_studies_download_arrays"))
            .into_iter()
            .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
    })?;
    load(&[chosen]).into_iter().next()
}

/// The non-blank lines of a corpus file under `fixtures/corpus/` (e.g. `time_frames.txt`).
pub fn corpus_lines(name: &str) -> Vec<String> {
    std::fs::read_to_string(fixtures().join("corpus").join(name))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_found() {
        assert_eq!(seeds().len(), 5);
        assert!(!legacy_xml().is_empty());
        assert!(!api_json_files().is_empty());
        let arr = api_json_array().expect("an API v2 array");
        assert_eq!(arr.bytes.iter().find(|b| !b.is_ascii_whitespace()), Some(&b'['));
        assert!(corpus_lines("time_frames.txt").len() > 100);
        assert!(corpus_lines("dose_sentences.txt").len() > 10);
    }
}
