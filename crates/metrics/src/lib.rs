//! trialtables-metrics: the last stage. It reads the tables the load stage wrote (as any
//! analyst would, from Parquet) and computes summary metrics with polars, each written to
//! `metrics/<name>.parquet`. This is the only crate that depends on polars, so the other
//! stages build and test without it.
//!
//! Every metric is sorted on its keys (nulls last) so the same tables give the same bytes.
#![deny(missing_docs)]

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

/// A metric could not be computed or written.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// Reading a table or writing a metric failed.
    #[error("{path}: {source}")]
    Io {
        /// File concerned.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// polars failed.
    #[error("metric {metric}: {source}")]
    Polars {
        /// Metric concerned.
        metric: &'static str,
        /// Cause.
        source: PolarsError,
    },
}

/// A metric: its name (file stem) and what it shows.
#[derive(Debug, Clone, Copy)]
pub struct MetricDef {
    /// File stem under `metrics/`.
    pub name: &'static str,
    /// What a row is and what the columns mean.
    pub description: &'static str,
}

/// Every metric, in the order written.
pub const METRICS: &[MetricDef] = &[
    MetricDef {
        name: "enrollment_by_cell_source_phase",
        description: "One row per (cell_source, phase): trials = number of trials, enrollment = sum of their enrollment (nulls count as 0). Null cell_source = trials with no cell product.",
    },
    MetricDef {
        name: "enrollment_by_condition_category_phase",
        description: "One row per (condition category from the vocabulary, phase): trials with at least one condition in that category and the sum of their enrollment. A trial counts once per category.",
    },
    MetricDef {
        name: "enrollment_by_cell_origin",
        description: "One row per cell_origin (ALLOGENEIC / AUTOLOGOUS / null): trials and enrollment.",
    },
    MetricDef {
        name: "trials_by_start_year_status",
        description: "One row per (start year, overall_status): number of trials. Null start_year = start date not stated.",
    },
    MetricDef {
        name: "dose_summary_by_cell_source",
        description: "One row per dose cell_source: dose rows, trials, and median/min/max of dose_per_kg (cells/kg) and dose_total (cells), over the rows that state them.",
    },
    MetricDef {
        name: "timepoint_coverage",
        description: "One row per month mark (1, 3, 6, 12, 24): trials with an AT timepoint within 7% of the mark, and their share of trials with any parsed timepoint.",
    },
    MetricDef {
        name: "references_per_trial",
        description: "One row per trial: references, of which with a PMID and with a DOI (0 when the trial has none).",
    },
];

fn read_table(tables_dir: &Path, name: &str) -> Result<LazyFrame, MetricsError> {
    let path = tables_dir.join(format!("{name}.parquet"));
    let file = File::open(&path).map_err(|source| MetricsError::Io { path: path.clone(), source })?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|source| MetricsError::Polars { metric: "read", source })?;
    Ok(df.lazy())
}

fn s(name: &str) -> Expr {
    col(name).cast(DataType::String)
}

fn sorted(lf: LazyFrame, keys: &[&str]) -> LazyFrame {
    let keys: Vec<PlSmallStr> = keys.iter().map(|k| PlSmallStr::from(*k)).collect();
    lf.sort(keys, SortMultipleOptions::default().with_nulls_last(true).with_maintain_order(true))
}

/// Computes one metric from the tables in `tables_dir`.
pub fn compute(tables_dir: &Path, name: &str) -> Result<DataFrame, MetricsError> {
    let metric: &'static str = METRICS
        .iter()
        .find(|m| m.name == name)
        .map(|m| m.name)
        .unwrap_or("unknown");
    let pe = |source| MetricsError::Polars { metric, source };
    let trials = || -> Result<LazyFrame, MetricsError> {
        Ok(read_table(tables_dir, "trials")?.select([
            col("nct_id"),
            s("cell_source").alias("cell_source"),
            s("cell_origin").alias("cell_origin"),
            s("phase").alias("phase"),
            s("overall_status").alias("overall_status"),
            col("enrollment").fill_null(lit(0i64)).alias("enrollment"),
            col("start_date"),
        ]))
    };
    let lf = match name {
        "enrollment_by_cell_source_phase" => sorted(
            trials()?
                .group_by([col("cell_source"), col("phase")])
                .agg([len().cast(DataType::Int64).alias("trials"), col("enrollment").sum().alias("enrollment")]),
            &["cell_source", "phase"],
        ),
        "enrollment_by_condition_category_phase" => {
            let cats = read_table(tables_dir, "conditions")?
                .select([col("nct_id"), s("category").alias("category")])
                .filter(col("category").is_not_null())
                .unique_stable(None, UniqueKeepStrategy::First);
            sorted(
                cats.join(trials()?, [col("nct_id")], [col("nct_id")], JoinArgs::new(JoinType::Inner))
                    .group_by([col("category"), col("phase")])
                    .agg([len().cast(DataType::Int64).alias("trials"), col("enrollment").sum().alias("enrollment")]),
                &["category", "phase"],
            )
        }
        "enrollment_by_cell_origin" => sorted(
            trials()?
                .group_by([col("cell_origin")])
                .agg([len().cast(DataType::Int64).alias("trials"), col("enrollment").sum().alias("enrollment")]),
            &["cell_origin"],
        ),
        "trials_by_start_year_status" => sorted(
            trials()?
                .select([col("start_date").dt().year().cast(DataType::Int64).alias("start_year"), col("overall_status")])
                .group_by([col("start_year"), col("overall_status")])
                .agg([len().cast(DataType::Int64).alias("trials")]),
            &["start_year", "overall_status"],
        ),
        "dose_summary_by_cell_source" => sorted(
            read_table(tables_dir, "doses")?
                .select([col("nct_id"), s("cell_source").alias("cell_source"), col("dose_per_kg"), col("dose_total")])
                .group_by([col("cell_source")])
                .agg([
                    len().cast(DataType::Int64).alias("dose_rows"),
                    col("nct_id").n_unique().cast(DataType::Int64).alias("trials"),
                    col("dose_per_kg").count().cast(DataType::Int64).alias("per_kg_rows"),
                    col("dose_per_kg").median().alias("median_per_kg"),
                    col("dose_per_kg").min().alias("min_per_kg"),
                    col("dose_per_kg").max().alias("max_per_kg"),
                    col("dose_total").count().cast(DataType::Int64).alias("total_rows"),
                    col("dose_total").median().alias("median_total"),
                    col("dose_total").min().alias("min_total"),
                    col("dose_total").max().alias("max_total"),
                ]),
            &["cell_source"],
        ),
        "timepoint_coverage" => {
            return timepoint_coverage(read_table(tables_dir, "outcome_timepoints")?).map_err(pe);
        }
        "references_per_trial" => {
            let refs = read_table(tables_dir, "references")?
                .group_by([col("nct_id")])
                .agg([
                    len().cast(DataType::Int64).alias("references"),
                    col("pmid").count().cast(DataType::Int64).alias("with_pmid"),
                    col("doi").count().cast(DataType::Int64).alias("with_doi"),
                ]);
            sorted(
                trials()?
                    .select([col("nct_id")])
                    .join(refs, [col("nct_id")], [col("nct_id")], JoinArgs::new(JoinType::Left))
                    .select([
                        col("nct_id"),
                        col("references").fill_null(lit(0i64)),
                        col("with_pmid").fill_null(lit(0i64)),
                        col("with_doi").fill_null(lit(0i64)),
                    ]),
                &["nct_id"],
            )
        }
        other => {
            return Err(MetricsError::Polars {
                metric: "unknown",
                source: PolarsError::ComputeError(format!("no metric named {other}").into()),
            })
        }
    };
    lf.collect().map_err(pe)
}

/// Month marks reported by `timepoint_coverage`.
pub const MONTH_MARKS: [i64; 5] = [1, 3, 6, 12, 24];

fn timepoint_coverage(tp: LazyFrame) -> PolarsResult<DataFrame> {
    let denom = tp.clone().select([col("nct_id").n_unique().cast(DataType::Int64).alias("n")]).collect()?;
    let n = denom.column("n")?.i64()?.get(0).unwrap_or(0);
    let at = tp.filter(s("kind").eq(lit("AT"))).select([col("nct_id"), col("days")]);
    let mut marks = Vec::new();
    let mut trials = Vec::new();
    let mut share = Vec::new();
    for m in MONTH_MARKS {
        let target = m as f64 * 30.4375;
        let hit = at
            .clone()
            .filter(col("days").gt_eq(lit(target * 0.93)).and(col("days").lt_eq(lit(target * 1.07))))
            .select([col("nct_id").n_unique().cast(DataType::Int64).alias("t")])
            .collect()?;
        let t = hit.column("t")?.i64()?.get(0).unwrap_or(0);
        marks.push(m);
        trials.push(t);
        share.push(if n > 0 { Some(t as f64 / n as f64) } else { None });
    }
    DataFrame::new_infer_height(vec![
        Column::new("month".into(), marks),
        Column::new("trials".into(), trials),
        Column::new("share_of_trials_with_timepoints".into(), share),
    ])
}

/// Computes every metric and writes `metrics_dir/<name>.parquet`. Returns (name, rows).
pub fn write_all(tables_dir: &Path, metrics_dir: &Path) -> Result<Vec<(&'static str, usize)>, MetricsError> {
    std::fs::create_dir_all(metrics_dir).map_err(|source| MetricsError::Io { path: metrics_dir.to_path_buf(), source })?;
    let mut out = Vec::new();
    for m in METRICS {
        let mut df = compute(tables_dir, m.name)?;
        let path = metrics_dir.join(format!("{}.parquet", m.name));
        let file = File::create(&path).map_err(|source| MetricsError::Io { path: path.clone(), source })?;
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Snappy)
            .finish(&mut df)
            .map_err(|source| MetricsError::Polars { metric: m.name, source })?;
        out.push((m.name, df.height()));
    }
    Ok(out)
}
