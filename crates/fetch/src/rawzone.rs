//! The raw zone: every page the API answered, kept byte for byte (gzip) beside a
//! `manifest.json` that says what was asked, when, and what came back. It is what makes a
//! fetch reproducible (offline replay gives the same bytes, checked by sha256), resumable
//! (the manifest holds the next page token) and incremental (it records when the last
//! complete fetch started).
//!
//! Layout: `<raw_dir>/<fetch_id>/manifest.json` and `page-00001.json.gz`, ... Files are
//! written to a temporary name and renamed, so a crash never leaves half a page or half a
//! manifest under the real name.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::ApiQuery;
use crate::FetchError;

/// Version of the manifest layout written by this crate.
pub const MANIFEST_VERSION: u32 = 1;

/// Name of the manifest file in a fetch directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// `manifest.json` of one fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`MANIFEST_VERSION`] at writing time.
    pub manifest_version: u32,
    /// Directory name of the fetch: `<query name>-<UTC stamp>`.
    pub fetch_id: String,
    /// The query as configured (name and user parameters).
    pub query: ApiQuery,
    /// API root used.
    pub base_url: String,
    /// Endpoint path under the base URL.
    pub endpoint: String,
    /// Exact parameters sent with every page, in order (`pageToken` excluded).
    pub params: Vec<(String, String)>,
    /// `YYYY-MM-DD` of the incremental filter, when this fetch is incremental.
    pub since: Option<String>,
    /// The complete fetch whose start date gave `since`.
    pub since_fetch_id: Option<String>,
    /// When the fetch started (RFC 3339, UTC).
    pub started_at: String,
    /// When it was resumed after an interruption, one entry per resume.
    #[serde(default)]
    pub resumed_at: Vec<String>,
    /// When the last page was saved and the fetch ended (absent while incomplete).
    pub ended_at: Option<String>,
    /// True once the API answered a page without `nextPageToken` (or an empty page).
    pub complete: bool,
    /// Token for the next page to fetch; `None` when complete or before the first page.
    pub next_page_token: Option<String>,
    /// `totalCount` reported by the API on the first page, if any.
    pub total_count: Option<u64>,
    /// Studies saved so far (sum of the pages' counts).
    pub study_count: u64,
    /// Saved pages, in fetch order.
    pub pages: Vec<PageEntry>,
}

/// One saved page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageEntry {
    /// 1-based page number.
    pub index: u32,
    /// File name in the fetch directory (`page-00001.json.gz`).
    pub file: String,
    /// The `pageToken` sent to get this page (`None` for the first page).
    pub token: Option<String>,
    /// The `nextPageToken` the page carried.
    pub next_page_token: Option<String>,
    /// sha256 (hex) of the response body as received (before gzip).
    pub sha256: String,
    /// Size of the response body in bytes (before gzip).
    pub bytes: u64,
    /// Studies in the page.
    pub study_count: u64,
    /// When the page was received (RFC 3339, UTC).
    pub fetched_at: String,
    /// HTTP tries it took (1 = first try).
    pub tries: u32,
}

/// A fetch directory found in the raw zone.
#[derive(Debug, Clone)]
pub struct SavedFetch {
    /// The fetch directory.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
}

impl SavedFetch {
    /// Paths of the saved page files, in order.
    pub fn page_paths(&self) -> Vec<PathBuf> {
        self.manifest.pages.iter().map(|p| self.dir.join(&p.file)).collect()
    }

    /// Reads every saved page back: decompressed bytes, checked against the manifest's
    /// sha256 and size. These are exactly the bytes the API sent.
    pub fn read_pages(&self) -> Result<Vec<(PathBuf, Vec<u8>)>, FetchError> {
        self.manifest
            .pages
            .iter()
            .map(|p| {
                let path = self.dir.join(&p.file);
                let body = read_gz(&path)?;
                let sha = sha256_hex(&body);
                if sha != p.sha256 || body.len() as u64 != p.bytes {
                    return Err(FetchError::RawZone {
                        path,
                        reason: format!(
                            "content differs from the manifest (sha256 {sha}, {} bytes; manifest says {}, {} bytes): the raw zone was altered",
                            body.len(),
                            p.sha256,
                            p.bytes
                        ),
                    });
                }
                Ok((path, body))
            })
            .collect()
    }
}

/// Lowercase hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Page file name for a 1-based page number.
pub fn page_file_name(index: u32) -> String {
    format!("page-{index:05}.json.gz")
}

fn io_err(path: &Path, source: std::io::Error) -> FetchError {
    FetchError::Io { path: path.to_path_buf(), source }
}

/// Writes `bytes` to `path` through a temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FetchError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = std::fs::File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
    f.write_all(bytes).map_err(|e| io_err(&tmp, e))?;
    f.sync_all().map_err(|e| io_err(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| io_err(path, e))
}

/// Gzips `body` and writes it atomically to `path`.
pub fn write_gz(path: &Path, body: &[u8]) -> Result<(), FetchError> {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 6), flate2::Compression::default());
    enc.write_all(body).map_err(|e| io_err(path, e))?;
    let gz = enc.finish().map_err(|e| io_err(path, e))?;
    write_atomic(path, &gz)
}

/// Reads and decompresses a saved page.
pub fn read_gz(path: &Path) -> Result<Vec<u8>, FetchError> {
    let f = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(f).read_to_end(&mut out).map_err(|e| io_err(path, e))?;
    Ok(out)
}

/// Writes a manifest atomically (pretty JSON, stable field order).
pub fn write_manifest(dir: &Path, m: &Manifest) -> Result<(), FetchError> {
    let path = dir.join(MANIFEST_FILE);
    let mut json = serde_json::to_vec_pretty(m).map_err(|e| FetchError::RawZone { path: path.clone(), reason: e.to_string() })?;
    json.push(b'\n');
    write_atomic(&path, &json)
}

/// Reads one fetch directory's manifest.
pub fn read_manifest(dir: &Path) -> Result<Manifest, FetchError> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = std::fs::read(&path).map_err(|e| io_err(&path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| FetchError::RawZone { path, reason: format!("unreadable manifest: {e}") })
}

/// Every fetch of `query` (same name and parameters) from `base_url` in `raw_dir`, oldest
/// first (by start time, then fetch id). Directories without a readable manifest are skipped
/// with a warning: the raw zone may hold other things, and one bad manifest must not block
/// fetching.
pub fn fetches_of(raw_dir: &Path, query: &ApiQuery, base_url: &str) -> Result<Vec<SavedFetch>, FetchError> {
    let rd = match std::fs::read_dir(raw_dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(raw_dir, e)),
    };
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| io_err(raw_dir, e))?;
        let dir = entry.path();
        if !dir.join(MANIFEST_FILE).is_file() {
            continue;
        }
        match read_manifest(&dir) {
            Ok(m) => {
                if &m.query == query && same_base(&m.base_url, base_url) {
                    out.push(SavedFetch { dir, manifest: m });
                }
            }
            Err(e) => tracing::warn!(error = %e, "skipping a raw-zone directory"),
        }
    }
    out.sort_by(|a, b| {
        (a.manifest.started_at.as_str(), a.manifest.fetch_id.as_str()).cmp(&(b.manifest.started_at.as_str(), b.manifest.fetch_id.as_str()))
    });
    Ok(out)
}

fn same_base(a: &str, b: &str) -> bool {
    a.trim().trim_end_matches('/') == b.trim().trim_end_matches('/')
}

/// The latest complete fetch of `query`, if any.
pub fn last_complete(raw_dir: &Path, query: &ApiQuery, base_url: &str) -> Result<Option<SavedFetch>, FetchError> {
    Ok(fetches_of(raw_dir, query, base_url)?.into_iter().rev().find(|f| f.manifest.complete))
}

/// Every page file needed to rebuild the current state of `query`: the latest complete full
/// (non-incremental) fetch, then each later complete incremental fetch, oldest first. A study
/// found in several of them must be taken from the latest one.
pub fn snapshot_pages(raw_dir: &Path, query: &ApiQuery, base_url: &str) -> Result<Vec<PathBuf>, FetchError> {
    let all = fetches_of(raw_dir, query, base_url)?;
    Ok(match all.iter().rev().find(|f| f.manifest.complete) {
        Some(last) => snapshot_of(&all, last),
        None => Vec::new(),
    })
}

/// [`snapshot_pages`] up to and including `last` (one of `all`, oldest first).
pub fn snapshot_of(all: &[SavedFetch], last: &SavedFetch) -> Vec<PathBuf> {
    let upto: Vec<&SavedFetch> = all
        .iter()
        .filter(|f| f.manifest.complete)
        .take_while(|f| f.manifest.fetch_id != last.manifest.fetch_id)
        .chain(std::iter::once(last))
        .collect();
    let start = upto.iter().rposition(|f| f.manifest.since.is_none()).unwrap_or(0);
    upto.get(start..).unwrap_or_default().iter().flat_map(|f| f.page_paths()).collect()
}

/// Creates a new fetch directory `<raw_dir>/<name>-<stamp>` (with `-2`, `-3`, ... if taken).
pub fn new_fetch_dir(raw_dir: &Path, name: &str, stamp: &str) -> Result<(String, PathBuf), FetchError> {
    std::fs::create_dir_all(raw_dir).map_err(|e| io_err(raw_dir, e))?;
    for n in 1u32.. {
        let id = if n == 1 { format!("{name}-{stamp}") } else { format!("{name}-{stamp}-{n}") };
        let dir = raw_dir.join(&id);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok((id, dir)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_err(&dir, e)),
        }
    }
    Err(FetchError::RawZone { path: raw_dir.to_path_buf(), reason: "no free fetch directory name".into() })
}
