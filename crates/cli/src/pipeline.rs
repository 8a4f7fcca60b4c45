//! One run: read inputs (async I/O, bounded), extract + normalize each file on blocking
//! threads, resolve duplicate trials, sort, write the tables and metrics into a staging
//! directory, write the manifest, and swap the result in. One tracing span per stage.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tracing::{info, info_span, warn, Instrument};
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
    /// Hash of the effective config.
    pub config_hash: String,
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
    /// Problems that lost records or parts of it.
    pub input_issues: Vec<InputIssue>,
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

/// Reads, extracts and normalizes every file. File order is kept whatever the timing.
pub async fn read_all(plan: &RunPlan) -> Result<Vec<FileResult>> {
    let sem = Arc::new(tokio::sync::Semaphore::new(4));
    let cfg = Arc::new(plan.normalize.clone());
    let mut handles = Vec::with_capacity(plan.files.len());
    for file in &plan.files {
        let file = file.clone();
        let shown = display_path(&plan.base, &file);
        let sem = sem.clone();
        let cfg = cfg.clone();
        handles.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await.expect("semaphore is never closed");
            let bytes = match tokio::fs::read(&file).await {
                Ok(b) => b,
                Err(e) => {
                    return FileResult {
                        entry: InputEntry { path: shown.clone(), bytes: 0, sha256: String::new(), records: 0 },
                        records: Vec::new(),
                        input_issues: vec![InputIssue {
                            source_path: shown,
                            line: 0,
                            nct_id: None,
                            severity: trialtables_extract::Severity::Error,
                            message: format!("cannot read file: {e}"),
                        }],
                    }
                }
            };
            tokio::task::spawn_blocking(move || {
                let sha = hex(&Sha256::digest(&bytes));
                let ex = extract(&shown, &bytes);
                let records: Vec<Normalized> = ex.records.iter().map(|r| normalize(r, &cfg)).collect();
                FileResult {
                    entry: InputEntry { path: shown, bytes: bytes.len() as u64, sha256: sha, records: records.len() },
                    records,
                    input_issues: ex.issues,
                }
            })
            .await
            .expect("extract and normalize do not panic")
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
        issues.extend(r.input_issues.into_iter().map(input_issue_row));
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

/// Runs the whole pipeline and publishes the output.
pub async fn run(plan: RunPlan) -> Result<RunOutcome> {
    let t0 = Instant::now();
    let started_at = now_rfc3339();
    let _lock = publish::OutputLock::acquire(&plan.output)?;
    publish::recover(&plan.output)?;

    let results = read_all(&plan)
        .instrument(info_span!("extract_normalize", files = plan.files.len()))
        .await?;
    let (tables, entries) = info_span!("assemble").in_scope(|| assemble(results));
    info!(trials = tables.trials.len(), issues = tables.issues.len(), "records assembled");

    let staging = publish::staging_dir(&plan.output)?;
    let meta = FileMeta { tool_version: env!("CARGO_PKG_VERSION").to_string(), config_hash: plan.config_hash.clone() };
    let staging2 = staging.clone();
    let (tables, summaries) = tokio::task::spawn_blocking(move || {
        let _s = info_span!("load").entered();
        let s = write_tables(&staging2, &tables, &meta);
        (tables, s)
    })
    .await
    .context("load task failed")?;
    let summaries = summaries.context("writing tables")?;

    let staging3 = staging.clone();
    let metrics = tokio::task::spawn_blocking(move || {
        let _s = info_span!("metrics").entered();
        trialtables_metrics::write_all(&staging3, &staging3.join("metrics"))
    })
    .await
    .context("metrics task failed")?
    .context("computing metrics")?;

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
        inputs: entries,
        tables: summaries.iter().map(|s| (s.name.to_string(), s.rows)).collect(),
        metrics: metrics.iter().map(|(n, r)| (n.to_string(), *r)).collect(),
        issues_by_severity: by_sev,
    };
    let mpath = staging.join("manifest.json");
    std::fs::write(&mpath, serde_json::to_vec_pretty(&manifest)?).with_context(|| format!("writing {}", mpath.display()))?;
    publish::swap_in(&staging, &plan.output)?;
    if manifest.issues_by_severity.get("ERROR").copied().unwrap_or(0) > 0 {
        warn!(errors = manifest.issues_by_severity["ERROR"], "some records or values were lost; see record_issues");
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
