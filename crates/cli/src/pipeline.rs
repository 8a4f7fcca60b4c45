//! One run: read inputs (async I/O, bounded), extract + normalize each file on blocking
//! threads, resolve duplicate trials, sort, write the tables and metrics into a staging
//! directory, write the manifest, and swap the result in. One tracing span per stage.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tracing::{debug, error, field, info_span, warn, Instrument};
use trialtables_extract::{extract, InputIssue};
use trialtables_load::{write_tables, FileMeta, Tables};
use trialtables_normalize::{normalize, NormalizeConfig, Normalized, RecordIssue};

use crate::publish;

/// Everything a run needs, already resolved.
#[derive(Debug, Clone)]
pub struct RunPlan {
    /// Input files, sorted.
    pub files: Vec<PathBuf>,
    /// Base directory for the `source_path` written to tables (paths are made relative to it).
    pub base: PathBuf,
    /// Output directory.
    pub output: PathBuf,
    /// Normalize options.
    pub normalize: NormalizeConfig,
    /// Hash of the effective config (the parts that can change the tables).
    pub config_hash: String,
    /// Files read and parsed at once.
    pub threads: usize,
    /// Reuse cached rows of unchanged inputs (`[run] incremental`).
    pub incremental: bool,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

/// One input in the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct InputEntry {
    /// Path as written to `source_path`.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Records read from it.
    pub records: usize,
    /// Whether its rows were reused from the incremental cache instead of parsed.
    pub from_cache: bool,
}

/// `manifest.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// trialtables version.
    pub trialtables_version: String,
    /// Output schema version.
    pub schema_version: String,
    /// SHA-256 of the effective configuration.
    pub config_hash: String,
    /// When the run started (UTC, RFC 3339). The only wall-clock value in the output.
    pub started_at: String,
    /// Run duration in seconds.
    pub duration_seconds: f64,
    /// Whether the run was incremental (unchanged inputs reused from `.cache/`).
    pub incremental: bool,
    /// Inputs with size and hash.
    pub inputs: Vec<InputEntry>,
    /// Rows per table.
    pub tables: BTreeMap<String, usize>,
    /// Rows per metric.
    pub metrics: BTreeMap<String, usize>,
    /// record_issues rows per severity.
    pub issues_by_severity: BTreeMap<String, usize>,
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// The manifest written.
    pub manifest: Manifest,
    /// Output directory.
    pub output: PathBuf,
}

/// What one input file gave.
pub struct FileResult {
    /// Its manifest entry.
    pub entry: InputEntry,
    /// Its normalized records, in file order.
    pub records: Vec<Normalized>,
    /// Problems that lost records or parts of it (already as `record_issues` rows).
    pub input_issues: Vec<RecordIssue>,
}

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

fn display_path(base: &Path, p: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).to_string_lossy().replace('\\', "/")
}

fn input_issue_row(i: InputIssue) -> RecordIssue {
    RecordIssue {
        source_path: i.source_path,
        line: i.line as i64,
        nct_id: i.nct_id,
        severity: i.severity.as_str().to_string(),
        field: None,
        message: i.message,
        raw_value: None,
    }
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

fn try_cached(cache: &CacheDirs, key: &str) -> Option<CacheEntry> {
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

fn store_cached(cache: &CacheDirs, key: &str, entry: &CacheEntry) {
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

fn failed_file(shown: String, bytes: u64, sha256: String, message: String) -> FileResult {
    FileResult {
        entry: InputEntry { path: shown.clone(), bytes, sha256, records: 0, from_cache: false },
        records: Vec::new(),
        input_issues: vec![RecordIssue {
            source_path: shown,
            line: 0,
            nct_id: None,
            severity: "ERROR".into(),
            field: None,
            message,
            raw_value: None,
        }],
    }
}

/// Reads, extracts and normalizes every file (or takes its rows from the cache). File order
/// is kept whatever the timing.
pub async fn read_all(plan: &RunPlan, cache: Option<CacheDirs>, bar: ProgressBar) -> Result<Vec<FileResult>> {
    let sem = Arc::new(tokio::sync::Semaphore::new(plan.threads.max(1)));
    let cfg = Arc::new(plan.normalize.clone());
    let cache = cache.map(Arc::new);
    let records_seen = Arc::new(AtomicUsize::new(0));
    let bytes_seen = Arc::new(AtomicU64::new(0));
    let mut handles = Vec::with_capacity(plan.files.len());
    for file in &plan.files {
        let file = file.clone();
        let shown = display_path(&plan.base, &file);
        let sem = sem.clone();
        let cfg = cfg.clone();
        let cache = cache.clone();
        let bar = bar.clone();
        let records_seen = records_seen.clone();
        let bytes_seen = bytes_seen.clone();
        handles.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await.expect("semaphore is never closed");
            let bytes = match tokio::fs::read(&file).await {
                Ok(b) => b,
                Err(e) => {
                    bar.inc(1);
                    error!(path = %shown, "cannot read input file: {e}");
                    return failed_file(shown, 0, String::new(), format!("cannot read file: {e}"));
                }
            };
            let (shown2, len) = (shown.clone(), bytes.len() as u64);
            let r = tokio::task::spawn_blocking(move || {
                let sha = hex(&Sha256::digest(&bytes));
                let key = cache.as_ref().map(|c| cache_key(&c.build, &c.normalize_hash, &shown, &sha));
                let hit = match (&cache, &key) {
                    (Some(c), Some(k)) => try_cached(c, k),
                    _ => None,
                };
                let from_cache = hit.is_some();
                let entry = match hit {
                    Some(e) => e,
                    None => {
                        let ex = extract(&shown, &bytes);
                        let e = CacheEntry {
                            records: ex.records.iter().map(|r| normalize(r, &cfg)).collect(),
                            input_issues: ex.issues.into_iter().map(input_issue_row).collect(),
                        };
                        if let (Some(c), Some(k)) = (&cache, &key) {
                            store_cached(c, k, &e);
                        }
                        e
                    }
                };
                debug!(path = %shown, records = entry.records.len(), from_cache, "input read");
                FileResult {
                    entry: InputEntry { path: shown, bytes: bytes.len() as u64, sha256: sha, records: entry.records.len(), from_cache },
                    records: entry.records,
                    input_issues: entry.input_issues,
                }
            })
            .await;
            // A panic in a reader is a bug, but it loses this file only: the run goes on.
            let r = match r {
                Ok(r) => r,
                Err(e) => {
                    error!(path = %shown2, "internal error while reading this file: {e}");
                    failed_file(shown2, len, String::new(), format!("internal error while reading this file (please report it): {e}"))
                }
            };
            let recs = records_seen.fetch_add(r.records.len(), Ordering::Relaxed) + r.records.len();
            let b = bytes_seen.fetch_add(r.entry.bytes, Ordering::Relaxed) + r.entry.bytes;
            bar.inc(1);
            bar.set_message(format!("{recs} records, {:.1} MB", b as f64 / 1e6));
            r
        }));
    }
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        let r = h.await.context("a reader task failed")?;
        out.push(r);
    }
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hash of a serializable value (the effective config).
pub fn config_hash<T: Serialize>(v: &T) -> String {
    hex(&Sha256::digest(serde_json::to_vec(v).unwrap_or_default()))
}

/// Collects per-file results into sorted tables, resolving trials read more than once.
pub fn assemble(results: Vec<FileResult>) -> (Tables, Vec<InputEntry>) {
    let mut entries = Vec::new();
    let mut issues: Vec<RecordIssue> = Vec::new();
    // nct_id -> records in input order
    let mut by_id: BTreeMap<String, Vec<Normalized>> = BTreeMap::new();
    for r in results {
        entries.push(r.entry);
        issues.extend(r.input_issues);
        for n in r.records {
            if n.trial.nct_id.is_empty() {
                issues.extend(n.issues);
                continue;
            }
            by_id.entry(n.trial.nct_id.clone()).or_default().push(n);
        }
    }
    let mut tables = Tables::default();
    for (id, mut recs) in by_id {
        if recs.len() > 1 {
            // Keep the newest by last update date; ties keep the first in input order.
            let mut best = 0;
            for (i, r) in recs.iter().enumerate() {
                let d = r.trial.last_update_date.map(|d| d.days);
                if d > recs[best].trial.last_update_date.map(|d| d.days) {
                    best = i;
                }
            }
            let kept = recs.swap_remove(best);
            for other in &recs {
                let differs = strip_provenance(other) != strip_provenance(&kept);
                issues.push(RecordIssue {
                    source_path: other.trial.source_path.clone(),
                    line: other.trial.source_line,
                    nct_id: Some(id.clone()),
                    severity: "WARNING".into(),
                    field: Some("nct_id".into()),
                    message: format!(
                        "{id} is also read from {} (last update {}); that record was kept and this one dropped{}",
                        kept.trial.source_path,
                        kept.trial.last_update_date_raw.as_deref().unwrap_or("unstated"),
                        if differs { "; the two records differ" } else { "; the two records agree" }
                    ),
                    raw_value: other.trial.last_update_date_raw.clone(),
                });
                issues.extend(other.issues.iter().cloned());
            }
            tables.push(kept);
        } else if let Some(only) = recs.pop() {
            tables.push(only);
        }
    }
    // Keep only issues of kept/dropped records once, sorted for determinism.
    tables.issues.extend(issues);
    tables.issues.sort();
    tables.issues.dedup();
    (tables, entries)
}

fn strip_provenance(n: &Normalized) -> Normalized {
    let mut c = n.clone();
    c.trial.source_path.clear();
    c.trial.source_format.clear();
    c.trial.source_line = 0;
    c.issues.clear();
    c
}

/// A progress bar on stderr for `files` inputs, or a hidden one.
pub fn progress_bar(show: bool, files: usize) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} reading [{bar:30}] {pos}/{len} files, {msg} ({elapsed})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Runs the whole pipeline and publishes the output. On failure the staging directory is
/// removed and the previous output is left as it was.
pub async fn run(plan: RunPlan) -> Result<RunOutcome> {
    let t0 = Instant::now();
    let started_at = now_rfc3339();
    let _lock = publish::OutputLock::acquire(&plan.output)?;
    publish::recover(&plan.output)?;
    let staging = publish::staging_dir(&plan.output)?;
    let r = run_locked(plan, &staging, t0, started_at).await;
    if r.is_err() && staging.exists() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    r
}

async fn run_locked(plan: RunPlan, staging: &Path, t0: Instant, started_at: String) -> Result<RunOutcome> {
    let staging = staging.to_path_buf();

    let cache = if plan.incremental {
        let next = staging.join(CACHE_DIR);
        std::fs::create_dir_all(&next).with_context(|| format!("creating {}", next.display()))?;
        Some(CacheDirs {
            previous: plan.output.join(CACHE_DIR),
            next,
            build: build_id(),
            normalize_hash: config_hash(&plan.normalize),
        })
    } else {
        None
    };

    let span = info_span!("read", files = plan.files.len(), records = field::Empty, megabytes = field::Empty, from_cache = field::Empty);
    let bar = progress_bar(plan.progress, plan.files.len());
    let results = read_all(&plan, cache, bar.clone()).instrument(span.clone()).await?;
    bar.finish_and_clear();
    span.record("records", results.iter().map(|r| r.records.len()).sum::<usize>());
    span.record("megabytes", format!("{:.1}", results.iter().map(|r| r.entry.bytes).sum::<u64>() as f64 / 1e6).as_str());
    span.record("from_cache", results.iter().filter(|r| r.entry.from_cache).count());
    drop(span);
    publish::test_pause("after_read");

    let span = info_span!("assemble", trials = field::Empty, issues = field::Empty);
    let (tables, entries) = span.in_scope(|| assemble(results));
    span.record("trials", tables.trials.len());
    span.record("issues", tables.issues.len());
    drop(span);

    let meta = FileMeta { tool_version: env!("CARGO_PKG_VERSION").to_string(), config_hash: plan.config_hash.clone() };
    let staging2 = staging.clone();
    let (tables, summaries) = tokio::task::spawn_blocking(move || {
        let span = info_span!("load", tables = field::Empty, rows = field::Empty);
        let s = span.in_scope(|| write_tables(&staging2, &tables, &meta));
        if let Ok(s) = &s {
            span.record("tables", s.len());
            span.record("rows", s.iter().map(|t| t.rows).sum::<usize>());
        }
        (tables, s)
    })
    .await
    .context("load task failed")?;
    let summaries = summaries.context("writing tables")?;
    publish::test_pause("after_load");

    let staging3 = staging.clone();
    let metrics = tokio::task::spawn_blocking(move || {
        let span = info_span!("metrics", metrics = field::Empty);
        let m = span.in_scope(|| trialtables_metrics::write_all(&staging3, &staging3.join("metrics")));
        if let Ok(m) = &m {
            span.record("metrics", m.len());
        }
        m
    })
    .await
    .context("metrics task failed")?
    .context("computing metrics")?;
    publish::test_pause("after_metrics");

    let mut by_sev: BTreeMap<String, usize> = BTreeMap::new();
    for i in &tables.issues {
        *by_sev.entry(i.severity.clone()).or_default() += 1;
    }
    for sev in ["ERROR", "WARNING", "INFO"] {
        by_sev.entry(sev.to_string()).or_default();
    }
    let manifest = Manifest {
        trialtables_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: trialtables_load::SCHEMA_VERSION.to_string(),
        config_hash: plan.config_hash.clone(),
        started_at,
        duration_seconds: t0.elapsed().as_secs_f64(),
        incremental: plan.incremental,
        inputs: entries,
        tables: summaries.iter().map(|s| (s.name.to_string(), s.rows)).collect(),
        metrics: metrics.iter().map(|(n, r)| (n.to_string(), *r)).collect(),
        issues_by_severity: by_sev,
    };
    let mpath = staging.join("manifest.json");
    std::fs::write(&mpath, serde_json::to_vec_pretty(&manifest)?).with_context(|| format!("writing {}", mpath.display()))?;
    publish::test_pause("after_manifest");
    let span = info_span!("publish", output = %plan.output.display());
    span.in_scope(|| publish::swap_in(&staging, &plan.output))?;
    drop(span);
    let errors = manifest.issues_by_severity.get("ERROR").copied().unwrap_or(0);
    if errors > 0 {
        error!(errors, "records or values were lost; see record_issues.parquet");
    }
    Ok(RunOutcome { manifest, output: plan.output })
}

/// Current UTC time as RFC 3339 (seconds), without a date-time dependency.
fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86400) as i32;
    let rem = secs.rem_euclid(86400);
    let (y, m, d) = trialtables_normalize::dates::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}
