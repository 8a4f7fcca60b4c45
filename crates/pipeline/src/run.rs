//! One run, streaming: inputs are read and parsed (extract + normalize, on blocking threads)
//! in batches of small files or one large file, a bounded number at a time, and their rows flow
//! in file order through bounded channels to one writer that appends row chunks to the staging
//! tables; a slow writer slows the readers instead of letting rows queue up. Duplicate trials
//! are resolved on the way ([`crate::dedup`]). Then metrics, the manifest, and the swap-in.
//! One tracing span per stage.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tracing::{debug, error, field, info_span, warn, Instrument};
use trialtables_extract::{InputIssue, Severity};
use trialtables_load::{FileMeta, RecordChunk, StreamWriter, TableSelection};
use trialtables_normalize::{normalize, NormalizeConfig, Normalized, RecordIssue};

use crate::cache::{build_id, cache_key, store_cached, try_cached, CacheDirs, CacheEntry, CACHE_DIR};
use crate::dedup::{Decision, DuplicateIndex};
use crate::inputs::display_path;
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
    /// Batches of files (or single large files) read and parsed at once.
    pub threads: usize,
    /// Reuse cached rows of unchanged inputs (`[run] incremental`).
    pub incremental: bool,
    /// Which table groups are written (`[output] registry_details`, `posted_results`).
    pub tables: TableSelection,
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

fn input_issue_row(i: InputIssue) -> RecordIssue {
    RecordIssue {
        source_path: i.source_path,
        line: i.line as i64,
        nct_id: i.nct_id,
        severity: i.severity,
        field: None,
        message: i.message,
        raw_value: None,
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
            severity: Severity::Error,
            field: None,
            message,
            raw_value: None,
        }],
    }
}

/// A piece of one input's output, sent from its reader to the writer.
enum Msg {
    /// Records (already in Arrow, each with its fingerprint) and input-level issues of one
    /// document (archive member) of the file.
    Chunk(RecordChunk, Vec<RecordIssue>),
    /// The file is done.
    Done(InputEntry),
    /// The messages of several small files, sent at once (one hand-off, one wake-up of the
    /// writer, for a whole batch of small files).
    Many(Vec<Msg>),
    /// The batch's place among the batches in flight, returned when the writer gets here: a
    /// batch counts against `threads` until its output is written, not only while it is
    /// parsed, so parsed output never piles up behind a slower writer.
    Release(tokio::sync::OwnedSemaphorePermit),
}

impl Msg {
    /// Input-level issues alone.
    fn issues(issues: Vec<RecordIssue>) -> Msg {
        Msg::Chunk(RecordChunk::new(Vec::new(), TableSelection::default()), issues)
    }

    /// Records (with their fingerprints) turned into Arrow here, on the reading thread, for
    /// the tables of `tables`, and input-level issues.
    fn records(recs: Vec<(Normalized, u64)>, issues: Vec<RecordIssue>, tables: TableSelection) -> Msg {
        Msg::Chunk(RecordChunk::new(recs, tables), issues)
    }
}

/// Capacity (in chunks) of each file's channel: a reader ahead of the writer waits.
const CHUNKS_IN_FLIGHT: usize = 4;

/// Files at least this large are streamed: a JSON array of studies is read from the file
/// study by study (memory bounded by one piece of studies, not by the file) and hashed as it
/// is read. Smaller files are read whole, which is faster.
pub const STREAM_BYTES: u64 = 64 << 20;

/// What [`parse_file`] reads.
enum Input {
    /// The file's bytes, read whole.
    Bytes(Vec<u8>),
    /// A large file, streamed from its path.
    File(PathBuf),
}

/// Reads `r` to the end into a SHA-256, returning the hex digest and the size.
fn hash_all(r: &mut dyn std::io::Read) -> std::io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = r.read(&mut buf)?;
        if k == 0 {
            return Ok((hex(&h.finalize()), n));
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    sha: Sha256,
    bytes: u64,
}

impl<R: std::io::Read> std::io::Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.sha.update(&buf[..k]);
        self.bytes += k as u64;
        Ok(k)
    }
}

/// Parses one file on a blocking thread and sends its output in chunks (or replays it from
/// the incremental cache).
fn parse_file(
    shown: String,
    input: Input,
    cfg: &NormalizeConfig,
    tables: TableSelection,
    cache: Option<&CacheDirs>,
    sink: &mut dyn FnMut(Msg),
) -> InputEntry {
    // The content hash: of the bytes held; for a streamed file, while it is read, or in a
    // first pass when the incremental cache needs it before parsing.
    let mut size = 0u64;
    let mut sha = match &input {
        Input::Bytes(b) => {
            size = b.len() as u64;
            Some(hex(&Sha256::digest(b)))
        }
        Input::File(p) if cache.is_some() => match std::fs::File::open(p).and_then(|mut f| hash_all(&mut f)) {
            Ok((h, n)) => {
                size = n;
                Some(h)
            }
            Err(e) => {
                let f = failed_file(shown, 0, String::new(), format!("cannot read file: {e}"));
                sink(Msg::issues(f.input_issues));
                return f.entry;
            }
        },
        Input::File(_) => None,
    };
    let key = match (cache, &sha) {
        (Some(c), Some(s)) => Some(cache_key(&c.build, &c.normalize_hash, &shown, s)),
        _ => None,
    };
    let hit = match (cache, &key) {
        (Some(c), Some(k)) => try_cached(c, k),
        _ => None,
    };
    let from_cache = hit.is_some();
    let mut records = 0usize;
    let mut send = |recs: Vec<(Normalized, u64)>, issues: Vec<RecordIssue>| sink(Msg::records(recs, issues, tables));
    match hit {
        Some(e) => {
            records = e.records.len();
            let recs = e.records.into_iter().map(|n| {
                let f = crate::fingerprint::of(&n);
                (n, f)
            });
            send(recs.collect(), e.input_issues);
        }
        None => {
            // Keep a copy for the cache only in incremental runs.
            let mut keep: Option<CacheEntry> = cache.map(|_| CacheEntry { records: Vec::new(), input_issues: Vec::new() });
            let mut each = |ex: trialtables_extract::Extracted| {
                // Each record's fingerprint is taken as soon as it is normalized, while its rows
                // are still in the cache (taken over a whole chunk after it was normalized, the
                // walk waited on memory for most of its time).
                let recs: Vec<(Normalized, u64)> = ex
                    .records
                    .iter()
                    .map(|r| {
                        let n = normalize(r, cfg);
                        let f = crate::fingerprint::of(&n);
                        (n, f)
                    })
                    .collect();
                let issues: Vec<RecordIssue> = ex.issues.into_iter().map(input_issue_row).collect();
                records += recs.len();
                if let Some(k) = keep.as_mut() {
                    k.records.extend(recs.iter().map(|(n, _)| n.clone()));
                    k.input_issues.extend(issues.iter().cloned());
                }
                send(recs, issues);
            };
            match &input {
                Input::Bytes(b) => trialtables_extract::extract_each(&shown, b, &mut each),
                Input::File(p) => {
                    let opened = std::fs::File::open(p);
                    let read = opened.and_then(|f| {
                        let mut r = Hashing { inner: std::io::BufReader::with_capacity(1 << 20, f), sha: Sha256::new(), bytes: 0 };
                        let res =
                            trialtables_extract::extract_reader(&shown, &mut r, trialtables_extract::api_json::CHUNK_BYTES, &mut each);
                        // The hash covers the whole file even when the reader stopped early.
                        let rest = std::io::copy(&mut r, &mut std::io::sink());
                        res.and(rest).map(|_| (hex(&r.sha.finalize()), r.bytes))
                    });
                    match read {
                        Ok((h, n)) => {
                            sha.get_or_insert(h);
                            size = n;
                        }
                        Err(e) => {
                            error!(path = %shown, "cannot read the rest of this input: {e}");
                            each(trialtables_extract::Extracted {
                                records: Vec::new(),
                                issues: vec![InputIssue {
                                    source_path: shown.clone(),
                                    line: 0,
                                    nct_id: None,
                                    severity: Severity::Error,
                                    message: format!("cannot read the rest of the file (the records before the failure are kept): {e}"),
                                }],
                            });
                        }
                    }
                }
            }
            if let (Some(c), Some(k), Some(e)) = (cache, &key, &keep) {
                store_cached(c, k, e);
            }
        }
    }
    debug!(path = %shown, records, from_cache, "input read");
    InputEntry { path: shown, bytes: size, sha256: sha.unwrap_or_default(), records, from_cache }
}

/// Small files are read in batches of at most this many files...
const BATCH_FILES: usize = 64;
/// ...and at most this many bytes; a file this large or larger is a batch of its own, whose
/// output is streamed to the writer chunk by chunk instead of being gathered.
const BATCH_BYTES: u64 = 4 << 20;

/// Consecutive files grouped into batches (in file order): one blocking task, one channel and
/// one hand-off to the writer per batch instead of per file. With one ~10 kB study per file
/// (legacy XML downloads, saved pages), per-file hand-offs cost as much CPU in thread
/// wake-ups as the parsing did.
///
/// Lazy, so the sizes are looked up (one `statx` each) while earlier batches are parsed
/// instead of all before the first one starts.
fn batches(files: &[PathBuf]) -> impl Iterator<Item = Vec<PathBuf>> + '_ {
    // An unreadable file is a batch of its own (its error is reported when it is read).
    let mut sized = files.iter().map(|f| (f, std::fs::metadata(f).map(|m| m.len()).unwrap_or(u64::MAX))).peekable();
    std::iter::from_fn(move || {
        let (f, size) = sized.next()?;
        let mut batch = vec![f.clone()];
        let mut bytes = size;
        while batch.len() < BATCH_FILES {
            let Some((f, s)) = sized.next_if(|&(_, s)| bytes.saturating_add(s) < BATCH_BYTES) else { break };
            bytes += s;
            batch.push(f.clone());
        }
        Some(batch)
    })
}

/// Reads one file on the current (blocking) thread and hands its output to `sink`. A panic
/// in a reader is a bug, but it loses this file only: it becomes an ERROR row.
fn read_one(
    file: &Path,
    shown: String,
    cfg: &NormalizeConfig,
    tables: TableSelection,
    cache: Option<&CacheDirs>,
    sink: &mut dyn FnMut(Msg),
) -> InputEntry {
    let large = std::fs::metadata(file).is_ok_and(|m| m.is_file() && m.len() >= STREAM_BYTES);
    let input = match crate::inputs::read_input_unless(file, large) {
        Ok(Some(b)) => Input::Bytes(b),
        Ok(None) => Input::File(file.to_path_buf()),
        Err(u) => {
            if u.data_lost {
                error!(path = %shown, "cannot read input: {}", u.message);
            } else {
                warn!(path = %shown, "input not read: {}", u.message);
            }
            let mut f = failed_file(shown, 0, String::new(), u.message);
            if !u.data_lost {
                for i in &mut f.input_issues {
                    i.severity = Severity::Warning;
                }
            }
            sink(Msg::issues(f.input_issues));
            return f.entry;
        }
    };
    // Chunks sent before a panic stay (as they did when a reader task died); the file is
    // reported as failed.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse_file(shown.clone(), input, cfg, tables, cache, &mut *sink))) {
        Ok(entry) => entry,
        Err(p) => {
            let what = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();
            error!(path = %shown, "internal error while reading this file: {what}");
            let f = failed_file(shown, 0, String::new(), format!("internal error while reading this file (please report it): {what}"));
            sink(Msg::issues(f.input_issues));
            f.entry
        }
    }
}

/// Starts the readers: files are grouped into batches (see [`batches`]), read (on blocking
/// threads) and parsed at most `threads` batches at a time, started in file order; each batch
/// sends its output through its own bounded channel, and the channels are handed to the writer
/// in file order, so the output order is the input order whatever the timing, and memory is
/// bounded by the batches in flight.
async fn dispatch(
    plan: &RunPlan,
    cache: Option<Arc<CacheDirs>>,
    bar: ProgressBar,
    order: tokio::sync::mpsc::Sender<tokio::sync::mpsc::Receiver<Msg>>,
) -> Result<()> {
    let sem = Arc::new(tokio::sync::Semaphore::new(plan.threads.max(1)));
    let cfg = Arc::new(plan.normalize.clone());
    let records_seen = Arc::new(AtomicUsize::new(0));
    let bytes_seen = Arc::new(AtomicU64::new(0));
    for batch in batches(&plan.files) {
        // Permits are taken in file order, so the batch the writer waits for always runs.
        #[cfg(unix)]
        if cache.is_none() && batch.len() == 1 {
            // (Reading the central directory of a 600,000-entry download takes a moment: it is
            // done off the dispatcher thread, which only checks the size and the magic bytes.)
            let zip = if is_bulk_zip(&batch[0]) {
                let path = batch[0].clone();
                tokio::task::spawn_blocking(move || trialtables_extract::archive::ZipFile::open(&path).ok().and_then(|z| z.ok()))
                    .await
                    .ok()
                    .flatten()
            } else {
                None
            };
            if let Some(zip) = zip {
                let shown = display_path(&plan.base, &batch[0]);
                let ctx = ZipCtx {
                    sem: sem.clone(),
                    cfg: cfg.clone(),
                    tables: plan.tables,
                    bar: bar.clone(),
                    records_seen: records_seen.clone(),
                    bytes_seen: bytes_seen.clone(),
                };
                if !dispatch_zip(batch[0].clone(), shown, zip, ctx, &order).await {
                    break;
                }
                continue;
            }
        }
        let permit = sem.clone().acquire_owned().await.expect("semaphore is never closed");
        let (tx, rx) = tokio::sync::mpsc::channel::<Msg>(CHUNKS_IN_FLIGHT);
        if order.send(rx).await.is_err() {
            break; // the writer stopped: the run is failing
        }
        let shown: Vec<String> = batch.iter().map(|f| display_path(&plan.base, f)).collect();
        let (cfg, cache, bar, tables) = (cfg.clone(), cache.clone(), bar.clone(), plan.tables);
        let (records_seen, bytes_seen) = (records_seen.clone(), bytes_seen.clone());
        let tx2 = tx.clone();
        let first = shown.first().cloned().unwrap_or_default();
        let what = match shown.len() {
            1 => "this file".to_string(),
            n => format!("the batch of {n} files from this one to {}", shown.last().map(String::as_str).unwrap_or("")),
        };
        let task = tokio::task::spawn_blocking(move || {
            let single = batch.len() == 1;
            let mut gathered: Vec<Msg> = Vec::new();
            for (file, shown) in batch.iter().zip(shown) {
                // A file alone streams its chunks (bounded by the channel); a batch of small
                // files is gathered and sent at once. The writer hangs up only when the run is
                // failing; nothing more to do then.
                let entry = if single {
                    read_one(file, shown, &cfg, tables, cache.as_deref(), &mut |m| {
                        let _ = tx2.blocking_send(m);
                    })
                } else {
                    read_one(file, shown, &cfg, tables, cache.as_deref(), &mut |m| gathered.push(m))
                };
                let recs = records_seen.fetch_add(entry.records, Ordering::Relaxed) + entry.records;
                let b = bytes_seen.fetch_add(entry.bytes, Ordering::Relaxed) + entry.bytes;
                bar.inc(1);
                bar.set_message(format!("{recs} records, {:.1} MB", b as f64 / 1e6));
                if single {
                    let _ = tx2.blocking_send(Msg::Done(entry));
                } else {
                    gathered.push(Msg::Done(entry));
                }
            }
            if !gathered.is_empty() {
                let _ = tx2.blocking_send(Msg::Many(gathered));
            }
            let _ = tx2.blocking_send(Msg::Release(permit));
        });
        tokio::spawn(async move {
            if let Err(e) = task.await {
                // Only a bug outside the readers gets here (each file's panic is caught).
                error!(path = %first, "internal error while reading {what}: {e}");
                let f = failed_file(
                    first,
                    0,
                    String::new(),
                    format!("internal error while reading {what} (please report it); its records are missing: {e}"),
                );
                let _ = tx.send(Msg::issues(f.input_issues)).await;
            }
        });
    }
    Ok(())
}

/// Zip archives at least this large are read from disk in parallel (see [`dispatch_zip`])
/// instead of being held in memory and read member after member.
pub const BULK_ZIP_BYTES: u64 = BATCH_BYTES;

/// Entries of a bulk zip read by one task.
const ZIP_ENTRIES_PER_TASK: usize = 64;

/// Whether `file` is a zip archive large enough to be read in parallel (its central directory
/// is then read by [`trialtables_extract::archive::ZipFile::open`]). Anything else (a small
/// zip, not a zip, an unreadable one, or a zip whose directory cannot be read) takes the
/// ordinary path, which also reports the problems.
#[cfg(unix)]
fn is_bulk_zip(file: &Path) -> bool {
    use std::io::Read;
    let Ok(meta) = std::fs::metadata(file) else { return false };
    if !meta.is_file() || meta.len() < BULK_ZIP_BYTES {
        return false;
    }
    let mut magic = [0u8; 4];
    let read = std::fs::File::open(file).and_then(|mut f| f.read_exact(&mut magic));
    read.is_ok() && trialtables_extract::archive::kind(&magic) == trialtables_extract::archive::Kind::Zip
}

/// What the tasks of a bulk zip share with [`dispatch`].
#[cfg(unix)]
struct ZipCtx {
    sem: Arc<tokio::sync::Semaphore>,
    cfg: Arc<NormalizeConfig>,
    tables: TableSelection,
    bar: ProgressBar,
    records_seen: Arc<AtomicUsize>,
    bytes_seen: Arc<AtomicU64>,
}

/// Reads a large zip archive (the registry's bulk download: ~600,000 single-study members) in
/// parallel: its entries are cut into ranges of [`ZIP_ENTRIES_PER_TASK`], each inflated, read
/// and normalized by its own task (at most `threads` at a time, like batches of files), and the
/// ranges' channels are handed to the writer in archive order, so the tables are those of the
/// archive read member after member. The file is hashed by one more task at the same time.
/// Returns false when the writer has stopped.
#[cfg(unix)]
async fn dispatch_zip(
    file: PathBuf,
    shown: String,
    zip: trialtables_extract::archive::ZipFile,
    ctx: ZipCtx,
    order: &tokio::sync::mpsc::Sender<tokio::sync::mpsc::Receiver<Msg>>,
) -> bool {
    let hash = tokio::task::spawn_blocking(move || std::fs::File::open(&file).and_then(|mut f| hash_all(&mut f)));
    let records = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    let entries = zip.len();
    for start in (0..entries).step_by(ZIP_ENTRIES_PER_TASK) {
        let range = start..(start + ZIP_ENTRIES_PER_TASK).min(entries);
        let permit = ctx.sem.clone().acquire_owned().await.expect("semaphore is never closed");
        let (tx, rx) = tokio::sync::mpsc::channel::<Msg>(CHUNKS_IN_FLIGHT);
        if order.send(rx).await.is_err() {
            return false;
        }
        let (zip, shown, cfg, records) = (zip.clone(), shown.clone(), ctx.cfg.clone(), records.clone());
        let records_seen = ctx.records_seen.clone();
        let tables = ctx.tables;
        tasks.push(tokio::task::spawn_blocking(move || {
            let what = format!("entries {} to {} of this archive", range.start, range.end - 1);
            let mut gathered: Vec<Msg> = Vec::new();
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let chunk = trialtables_extract::api_json::CHUNK_BYTES;
                trialtables_extract::extract_zip_members(&zip, &shown, range.clone(), chunk, &mut |ex| {
                    let recs: Vec<(Normalized, u64)> = ex
                        .records
                        .iter()
                        .map(|r| {
                            let n = normalize(r, &cfg);
                            let f = crate::fingerprint::of(&n);
                            (n, f)
                        })
                        .collect();
                    records.fetch_add(recs.len(), Ordering::Relaxed);
                    records_seen.fetch_add(recs.len(), Ordering::Relaxed);
                    // One message per document, as when the archive is read member after member;
                    // gathered and sent at once, so a range never waits for the writer to reach
                    // it (the ranges in flight are bounded by `threads`).
                    gathered.push(Msg::records(recs, ex.issues.into_iter().map(input_issue_row).collect(), tables));
                });
            }));
            let _ = tx.blocking_send(Msg::Many(std::mem::take(&mut gathered)));
            if let Err(p) = read {
                let what_panicked =
                    p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();
                error!(path = %shown, "internal error while reading {what}: {what_panicked}");
                let f = failed_file(
                    shown,
                    0,
                    String::new(),
                    format!("internal error while reading {what} (please report it): {what_panicked}"),
                );
                let _ = tx.blocking_send(Msg::issues(f.input_issues));
            }
            let _ = tx.blocking_send(Msg::Release(permit));
        }));
    }
    // The file's manifest entry, once every range is read and the file hashed.
    let (tx, rx) = tokio::sync::mpsc::channel::<Msg>(1);
    if order.send(rx).await.is_err() {
        return false;
    }
    let (bar, bytes_seen) = (ctx.bar, ctx.bytes_seen);
    tokio::spawn(async move {
        // A range whose task died outside its panic guard lost its records: say so.
        let mut lost = Vec::new();
        for (i, t) in tasks.into_iter().enumerate() {
            if let Err(e) = t.await {
                let (a, b) = (i * ZIP_ENTRIES_PER_TASK, ((i + 1) * ZIP_ENTRIES_PER_TASK).min(entries) - 1);
                error!(path = %shown, "internal error while reading entries {a} to {b} of this archive: {e}");
                let what = format!(
                    "internal error while reading entries {a} to {b} of this archive (please report it); their records are missing: {e}"
                );
                lost.extend(failed_file(shown.clone(), 0, String::new(), what).input_issues);
            }
        }
        let (sha256, bytes, mut issues) = match hash.await {
            Ok(Ok((h, n))) => (h, n, Vec::new()),
            Ok(Err(e)) => (String::new(), 0, failed_file(shown.clone(), 0, String::new(), format!("cannot read file: {e}")).input_issues),
            Err(e) => (
                String::new(),
                0,
                failed_file(shown.clone(), 0, String::new(), format!("internal error hashing this file: {e}")).input_issues,
            ),
        };
        issues.splice(0..0, lost);
        let records = records.load(Ordering::Relaxed);
        let b = bytes_seen.fetch_add(bytes, Ordering::Relaxed) + bytes;
        bar.inc(1);
        bar.set_message(format!("{} records, {:.1} MB", ctx.records_seen.load(Ordering::Relaxed), b as f64 / 1e6));
        debug!(path = %shown, records, "input read (bulk zip)");
        if !issues.is_empty() {
            let _ = tx.send(Msg::issues(issues)).await;
        }
        let _ = tx.send(Msg::Done(InputEntry { path: shown, bytes, sha256, records, from_cache: false })).await;
    });
    true
}

/// What the writer made of the stream.
struct Written {
    writer: StreamWriter,
    entries: Vec<InputEntry>,
    by_severity: BTreeMap<String, usize>,
    records: usize,
    trials: usize,
}

/// The one writer: receives each file's output in file order, resolves trials read more than
/// once (the newest by last update date is kept; the other is dropped and logged), and
/// appends rows to the staging tables.
fn write_stream(
    mut order: tokio::sync::mpsc::Receiver<tokio::sync::mpsc::Receiver<Msg>>,
    staging: &Path,
    meta: &FileMeta,
    tables: TableSelection,
) -> Result<Written> {
    let mut w = StreamWriter::create(staging, meta, tables).context("creating the tables")?;
    let mut seen = DuplicateIndex::new();
    let mut entries = Vec::new();
    let mut by_severity: BTreeMap<String, usize> = BTreeMap::new();
    let mut count = |issues: &[RecordIssue]| {
        for i in issues {
            *by_severity.entry(i.severity.as_str().to_string()).or_default() += 1;
        }
    };
    let mut records = 0usize;
    while let Some(mut rx) = order.blocking_recv() {
        let mut pending: std::collections::VecDeque<Msg> = std::collections::VecDeque::new();
        while let Some(msg) = pending.pop_front().or_else(|| rx.blocking_recv()) {
            match msg {
                Msg::Many(msgs) => {
                    for m in msgs.into_iter().rev() {
                        pending.push_front(m);
                    }
                }
                Msg::Done(entry) => entries.push(entry),
                Msg::Release(permit) => drop(permit),
                Msg::Chunk(chunk, issues) => {
                    count(&issues);
                    w.push_issues(issues)?;
                    // The rows are already in Arrow; a kept record's are appended as a slice.
                    let RecordChunk { rows, records: recs } = chunk;
                    w.push_rows(rows)?;
                    for (i, r) in recs.into_iter().enumerate() {
                        records += 1;
                        count(&r.issues);
                        if r.trial.nct_id.is_empty() {
                            w.push_issues(r.issues)?;
                            continue;
                        }
                        let fp = r.tag;
                        match seen.offer(&r.trial, fp) {
                            Decision::New => {
                                let p = seen.remember(&r.trial, fp);
                                let seq = w.push_record(i)?;
                                w.push_issues(r.issues)?;
                                seen.kept(p, seq);
                            }
                            Decision::Supersedes { old_seq, issue } => {
                                // The new copy is newer: drop the one already written.
                                w.drop_record(old_seq);
                                count(std::slice::from_ref(&issue));
                                w.push_issues([issue])?;
                                let p = seen.remember(&r.trial, fp);
                                let seq = w.push_record(i)?;
                                w.push_issues(r.issues)?;
                                seen.kept(p, seq);
                            }
                            Decision::Dropped { issue } => {
                                count(std::slice::from_ref(&issue));
                                w.push_issues([issue])?;
                                w.push_issues(r.issues)?;
                            }
                        }
                    }
                }
            }
        }
    }
    let trials = seen.trials();
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        by_severity.entry(sev.as_str().to_string()).or_default();
    }
    Ok(Written { writer: w, entries, by_severity, records, trials })
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hash of a serializable value (the effective config).
pub fn config_hash<T: Serialize>(v: &T) -> String {
    hex(&Sha256::digest(serde_json::to_vec(v).unwrap_or_default()))
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
    let started_at = trialtables_fetch::clock::Utc::now().rfc3339();
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
        Some(CacheDirs { previous: plan.output.join(CACHE_DIR), next, build: build_id(), normalize_hash: config_hash(&plan.normalize) })
    } else {
        None
    };

    let meta = FileMeta { tool_version: env!("CARGO_PKG_VERSION").to_string(), config_hash: plan.config_hash.clone() };
    let span = info_span!("read", files = plan.files.len(), records = field::Empty, megabytes = field::Empty, from_cache = field::Empty);
    let bar = progress_bar(plan.progress, plan.files.len());
    // Files in flight ahead of the writer: enough to keep every thread busy.
    let (order_tx, order_rx) = tokio::sync::mpsc::channel(plan.threads.max(1) * 2);
    let staging_w = staging.clone();
    let tables = plan.tables;
    // The writer is a dedicated thread (not one of the blocking pool, which `threads` bounds
    // for the parsers); its result comes back through a oneshot channel.
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let writer_span = span.clone();
    std::thread::Builder::new()
        .name("trialtables-writer".into())
        .spawn(move || {
            let _g = writer_span.enter();
            let _ = done_tx.send(write_stream(order_rx, &staging_w, &meta, tables));
        })
        .context("starting the writer thread")?;
    dispatch(&plan, cache.map(Arc::new), bar.clone(), order_tx).instrument(span.clone()).await?;
    let written = done_rx.await.context("the writer thread failed")??;
    bar.finish_and_clear();
    span.record("records", written.records);
    span.record("megabytes", format!("{:.1}", written.entries.iter().map(|e| e.bytes).sum::<u64>() as f64 / 1e6).as_str());
    span.record("from_cache", written.entries.iter().filter(|e| e.from_cache).count());
    drop(span);
    publish::test_pause("after_read");
    let Written { writer, entries, by_severity: by_sev, trials, records } = written;
    let summaries = tokio::task::spawn_blocking(move || {
        // Closes the tables (and removes the rows of superseded duplicate records).
        let span =
            info_span!("load", tables = field::Empty, rows = field::Empty, trials, dropped_duplicates = records.saturating_sub(trials));
        let s = span.in_scope(|| writer.finish());
        if let Ok(s) = &s {
            span.record("tables", s.len());
            span.record("rows", s.iter().map(|t| t.rows).sum::<usize>());
        }
        s
    })
    .await
    .context("load task failed")?
    .context("writing tables")?;
    publish::test_pause("after_load");

    let staging3 = staging.clone();
    let switched_off = plan.tables.switched_off();
    let metrics = tokio::task::spawn_blocking(move || {
        let span = info_span!("metrics", metrics = field::Empty);
        let m = span.in_scope(|| trialtables_metrics::write_all(&staging3, &staging3.join("metrics"), &switched_off));
        if let Ok(m) = &m {
            span.record("metrics", m.len());
        }
        m
    })
    .await
    .context("metrics task failed")?
    .context("computing metrics")?;
    publish::test_pause("after_metrics");

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
    let errors = manifest.issues_by_severity.get(Severity::Error.as_str()).copied().unwrap_or(0);
    if errors > 0 {
        error!(errors, "records or values were lost; see record_issues.parquet");
    }
    Ok(RunOutcome { manifest, output: plan.output })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One record as sent: its trial key, fingerprint and findings, and its rows per table.
    type Sent = (trialtables_load::ChunkRecord, Vec<Option<trialtables_load::RecordBatch>>);

    /// Everything `parse_file` sends, flattened: (records with their rows, issues).
    fn collect(input: Input, cache: Option<&CacheDirs>) -> (InputEntry, Vec<Sent>, Vec<RecordIssue>) {
        let (mut recs, mut issues) = (Vec::new(), Vec::new());
        let entry = parse_file("a.json".into(), input, &NormalizeConfig::default(), TableSelection::default(), cache, &mut |m| {
            if let Msg::Chunk(c, i) = m {
                for (k, r) in c.records.into_iter().enumerate() {
                    let rows = (0..trialtables_load::TABLES.len() - 1).map(|t| c.rows.rows_of(k, t)).collect();
                    recs.push((r, rows));
                }
                issues.extend(i);
            }
        });
        (entry, recs, issues)
    }

    #[test]
    fn a_streamed_file_gives_what_the_same_bytes_give() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let dir = tempfile::tempdir().unwrap();
        for src in ["fixtures/api_pages/dgg32+clinical-trials-public__ctg-studies.json", "fixtures/seeds/001_549002531d0362f3.txt"] {
            let bytes = std::fs::read(repo.join(src)).unwrap();
            // A cut-off array too: the records before the cut are kept either way.
            for b in [bytes.clone(), bytes[..bytes.len() * 2 / 3].to_vec()] {
                let path = dir.path().join("a.json");
                std::fs::write(&path, &b).unwrap();
                let whole = collect(Input::Bytes(b.clone()), None);
                let streamed = collect(Input::File(path.clone()), None);
                assert!(!whole.1.is_empty(), "{src}");
                assert_eq!(whole.1, streamed.1, "{src}: records");
                assert_eq!(whole.2, streamed.2, "{src}: issues");
                assert_eq!(
                    (whole.0.sha256.as_str(), whole.0.bytes),
                    (streamed.0.sha256.as_str(), streamed.0.bytes),
                    "{src}: hash and size"
                );
                // With the incremental cache the hash is taken first; the rows are the same.
                let c = tempfile::tempdir().unwrap();
                let dirs =
                    CacheDirs { previous: c.path().join("p"), next: c.path().join("n"), build: "b".into(), normalize_hash: "h".into() };
                std::fs::create_dir_all(&dirs.next).unwrap();
                let cached = collect(Input::File(path), Some(&dirs));
                assert_eq!((cached.1, cached.0.sha256), (whole.1.clone(), whole.0.sha256.clone()), "{src}: incremental");
            }
        }
    }

    #[test]
    fn small_files_are_batched_and_large_ones_go_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut files = Vec::new();
        for i in 0..130 {
            let p = dir.path().join(format!("small{i:03}.xml"));
            std::fs::write(&p, b"<x/>").expect("write");
            files.push(p);
        }
        let big = dir.path().join("zbig.json");
        std::fs::write(&big, vec![b' '; BATCH_BYTES as usize]).expect("write");
        files.push(big.clone());
        let missing = dir.path().join("zmissing.json");
        files.push(missing.clone());
        files.push(dir.path().join("small000.xml"));
        let b: Vec<Vec<PathBuf>> = batches(&files).collect();
        let sizes: Vec<usize> = b.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![64, 64, 2, 1, 1, 1]);
        assert_eq!(b[3], vec![big]);
        assert_eq!(b[4], vec![missing]);
        // File order is kept across batches.
        let flat: Vec<PathBuf> = b.into_iter().flatten().collect();
        assert_eq!(flat, files);
    }
}
