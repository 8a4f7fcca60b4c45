//! The incremental cache: each input's normalized rows kept under `<output>/.cache/`, keyed by
//! the build, the normalize options, the input's path and its content hash, so an unchanged
//! input is not parsed again and the output is byte-identical to a full run.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tracing::{debug, warn};
use trialtables_normalize::{Normalized, RecordIssue};

use crate::run::hex;

/// What the incremental cache keeps per input: everything the file gave after normalize.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// Normalized records, in file order.
    pub records: Vec<Normalized>,
    /// Input-level issues of the file.
    pub input_issues: Vec<RecordIssue>,
}

/// Where the incremental cache lives inside an output directory.
pub const CACHE_DIR: &str = ".cache";

/// Identifies the build that made a cache entry: the version plus the executable's size and
/// modification time, so a rebuilt binary (new parsing code, same version number) never
/// reuses rows parsed by the old one.
pub fn build_id() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| {
            let mtime = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_nanos()).unwrap_or(0);
            format!("{}-{}", m.len(), mtime)
        })
        .unwrap_or_default();
    format!("{}+{exe}", env!("CARGO_PKG_VERSION"))
}

/// Cache key of one input: SHA-256 over the build id, the normalize options, the path the
/// rows name (`source_path`) and the content hash. Any of them changing means a re-parse.
pub fn cache_key(build: &str, normalize_hash: &str, shown_path: &str, content_sha: &str) -> String {
    let mut h = Sha256::new();
    for part in [build, normalize_hash, shown_path, content_sha] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex(&h.finalize())
}

/// Where the incremental cache is read from and written to.
#[derive(Debug, Clone)]
pub struct CacheDirs {
    /// The published output's cache (read).
    pub previous: PathBuf,
    /// The staging directory's cache (written; published with the tables).
    pub next: PathBuf,
    /// Build id.
    pub build: String,
    /// Hash of the normalize options.
    pub normalize_hash: String,
}

pub(crate) fn try_cached(cache: &CacheDirs, key: &str) -> Option<CacheEntry> {
    let prev = cache.previous.join(format!("{key}.json"));
    let bytes = std::fs::read(&prev).ok()?;
    match serde_json::from_slice::<CacheEntry>(&bytes) {
        Ok(e) => {
            let next = cache.next.join(format!("{key}.json"));
            if std::fs::hard_link(&prev, &next).is_err() {
                if let Err(err) = std::fs::write(&next, &bytes) {
                    warn!(path = %next.display(), "cannot keep a cache entry: {err}");
                }
            }
            Some(e)
        }
        Err(err) => {
            warn!(path = %prev.display(), "ignoring an unreadable cache entry: {err}");
            None
        }
    }
}

pub(crate) fn store_cached(cache: &CacheDirs, key: &str, entry: &CacheEntry) {
    let Ok(bytes) = serde_json::to_vec(entry) else { return };
    // Only keep entries that read back exactly (a NaN or an unrepresentable float would not):
    // a reused entry must give the same bytes as a fresh parse.
    if serde_json::from_slice::<CacheEntry>(&bytes).ok().as_ref() != Some(entry) {
        debug!(key, "entry does not round-trip through JSON; not cached");
        return;
    }
    let next = cache.next.join(format!("{key}.json"));
    if let Err(err) = std::fs::write(&next, bytes) {
        warn!(path = %next.display(), "cannot write a cache entry: {err}");
    }
}
