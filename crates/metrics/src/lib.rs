//! trialtables-metrics: the last stage. It reads the tables the load stage wrote (as any
//! analyst would, from Parquet) and computes summary metrics with polars, each written to
//! `metrics/<name>.parquet`. This is the only crate that depends on polars, so the other
//! stages build and test without it.
//!
//! Conventions every metric follows, so the files are easy to consume from DuckDB or pandas:
//! - keys are plain strings (enums are cast from their dictionary encoding), counts are
//!   `Int64` (never polars' `UInt32` index type), values are `Float64`;
//! - rows are sorted on the keys (nulls last), so the same tables give the same bytes;
//! - a null key means "not stated" (see each description); a statistic over no values is
//!   null, never 0, and a count is 0 only when there is truly nothing to count;
//! - the Parquet key-value metadata carries `trialtables.metric`, `trialtables.description`,
//!   one `trialtables.column.<name>` description per column, and the `trialtables.version`,
//!   `trialtables.schema_version` and `trialtables.config_hash` of the tables it was computed
//!   from (copied from `trials.parquet`).
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
    /// No metric has this name.
    #[error("no metric named {0}")]
    UnknownMetric(String),
}

/// One output column of a metric.
#[derive(Debug, Clone, Copy)]
pub struct MetricColumn {
    /// Column name.
    pub name: &'static str,
    /// Type as DuckDB reports it: `VARCHAR`, `BIGINT` or `DOUBLE`.
    pub sql_type: &'static str,
    /// What the column holds.
    pub description: &'static str,
}

/// A metric: its name (file stem), what it shows, and its columns.
#[derive(Debug, Clone, Copy)]
pub struct MetricDef {
    /// File stem under `metrics/`.
    pub name: &'static str,
    /// What a row is and what the columns mean.
    pub description: &'static str,
    /// The columns, in file order.
    pub columns: &'static [MetricColumn],
    /// The tables it reads. A metric whose tables were switched off in `pipeline.toml` (so
    /// their files are absent) is not computed.
    pub requires: &'static [&'static str],
}

const fn mc(name: &'static str, sql_type: &'static str, description: &'static str) -> MetricColumn {
    MetricColumn { name, sql_type, description }
}

const TRIALS: MetricColumn = mc("trials", "BIGINT", "Number of trials in the group.");
const WITH_ENROLLMENT: MetricColumn = mc("trials_with_enrollment", "BIGINT", "Of these, trials that state an enrollment.");
const ENROLLMENT: MetricColumn =
    mc("enrollment", "BIGINT", "Sum of the stated enrollments (actual or estimated); null when no trial of the group states one.");

const COMPLETED: MetricColumn = mc("completed_trials", "BIGINT", "Trials whose overall_status is COMPLETED.");
const WITH_RESULTS: MetricColumn = mc("with_results", "BIGINT", "Of these, trials with posted results (trials.has_results).");
const SHARE_WITH_RESULTS: MetricColumn =
    mc("share_with_results", "DOUBLE", "with_results / completed_trials; null when there is no completed trial.");

/// Month marks reported by `timepoint_coverage`.
pub const MONTH_MARKS: [i64; 11] = [1, 2, 3, 6, 9, 12, 18, 24, 36, 48, 60];

/// Relative half-width of a `timepoint_coverage` window: a mark of m months matches
/// timepoints within m x 30.4375 days x (1 +/- this), so "4 weeks" counts as 1 month and
/// "24 weeks" as 6 months, while neighbouring marks never overlap.
pub const MARK_TOLERANCE: f64 = 0.10;

/// Days in a month, as in `outcome_timepoints.days`.
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// Every metric, in the order written.
pub const METRICS: &[MetricDef] = &[
    MetricDef {
        name: "enrollment_by_cell_source_phase",
        description: "One row per (trials.cell_source, trials.phase): number of trials, how many state an enrollment, and the sum of those enrollments. Null cell_source = trials with no cell product; null phase = phase not stated.",
        columns: &[
            mc("cell_source", "VARCHAR", "trials.cell_source; null when the trial has no cell product."),
            mc("phase", "VARCHAR", "trials.phase (e.g. PHASE1/PHASE2, NA); null when not stated."),
            TRIALS,
            WITH_ENROLLMENT,
            ENROLLMENT,
        ],
        requires: &["trials"],
    },
    MetricDef {
        name: "enrollment_by_condition_category_phase",
        description: "One row per (condition category from the vocabulary, trials.phase): trials with at least one condition in that category, how many state an enrollment, and the sum of those enrollments. A trial counts once per category (so a trial in two categories counts in both); null category = trials none of whose conditions matches the vocabulary.",
        columns: &[
            mc("category", "VARCHAR", "conditions.category; null for trials with no categorized condition."),
            mc("phase", "VARCHAR", "trials.phase; null when not stated."),
            TRIALS,
            WITH_ENROLLMENT,
            ENROLLMENT,
        ],
        requires: &["trials", "conditions"],
    },
    MetricDef {
        name: "enrollment_by_cell_origin",
        description: "One row per trials.cell_origin (ALLOGENEIC, AUTOLOGOUS; null = not stated or no cell product): number of trials, how many state an enrollment, and the sum of those enrollments.",
        columns: &[
            mc("cell_origin", "VARCHAR", "trials.cell_origin; null when not stated."),
            TRIALS,
            WITH_ENROLLMENT,
            ENROLLMENT,
        ],
        requires: &["trials"],
    },
    MetricDef {
        name: "trials_by_start_year_status",
        description: "One row per (calendar year of trials.start_date, trials.overall_status): number of trials. Null start_year = start date not stated; null overall_status = status not stated.",
        columns: &[
            mc("start_year", "BIGINT", "Year of trials.start_date; null when not stated."),
            mc("overall_status", "VARCHAR", "trials.overall_status; null when not stated."),
            TRIALS,
        ],
        requires: &["trials"],
    },
    MetricDef {
        name: "dose_summary_by_cell_source",
        description: "One row per doses.cell_source (null = not stated): dose rows, trials, and the distribution of the distinct dose levels (a trial's level stated twice counts once) per kg (cells/kg) and in total (cells): count, median and min of the stated values (low end of a range), max including the high end of ranges.",
        columns: &[
            mc("cell_source", "VARCHAR", "doses.cell_source; null when not stated."),
            mc("dose_rows", "BIGINT", "Rows of the doses table."),
            mc("trials", "BIGINT", "Distinct trials among those rows."),
            mc("per_kg_levels", "BIGINT", "Distinct (trial, dose_per_kg, dose_per_kg_high) levels with a per-kg dose."),
            mc("median_per_kg", "DOUBLE", "Median of dose_per_kg over those levels (cells/kg); null when none."),
            mc("min_per_kg", "DOUBLE", "Smallest dose_per_kg (cells/kg); null when none."),
            mc("max_per_kg", "DOUBLE", "Largest dose_per_kg_high, or dose_per_kg when not a range (cells/kg); null when none."),
            mc("total_levels", "BIGINT", "Distinct (trial, dose_total, dose_total_high) levels with a total dose."),
            mc("median_total", "DOUBLE", "Median of dose_total over those levels (cells); null when none."),
            mc("min_total", "DOUBLE", "Smallest dose_total (cells); null when none."),
            mc("max_total", "DOUBLE", "Largest dose_total_high, or dose_total when not a range (cells); null when none."),
        ],
        requires: &["doses"],
    },
    MetricDef {
        name: "timepoint_coverage",
        description: "One row per month mark (1, 2, 3, 6, 9, 12, 18, 24, 36, 48, 60): trials with an outcome timepoint of kind AT within 10% of the mark (month = 30.4375 days, so 4 weeks counts as 1 month), and their share of the trials with at least one parsed timepoint (null when no trial has one).",
        columns: &[
            mc("month", "BIGINT", "The mark, in months."),
            mc("window_low_days", "DOUBLE", "Smallest days value counted for the mark."),
            mc("window_high_days", "DOUBLE", "Largest days value counted for the mark."),
            mc("trials", "BIGINT", "Trials with an AT timepoint in the window."),
            mc("trials_with_timepoints", "BIGINT", "Trials with at least one row in outcome_timepoints (the denominator)."),
            mc("share_of_trials_with_timepoints", "DOUBLE", "trials / trials_with_timepoints; null when the denominator is 0."),
        ],
        requires: &["outcome_timepoints"],
    },
    MetricDef {
        name: "references_per_trial",
        description: "One row per trial (every trial, 0 when it has no reference): number of references, and of them how many have a PMID and a DOI.",
        columns: &[
            mc("nct_id", "VARCHAR", "Trial."),
            mc("references", "BIGINT", "Rows of the references table for the trial."),
            mc("with_pmid", "BIGINT", "Of these, references with a PMID."),
            mc("with_doi", "BIGINT", "Of these, references with a DOI."),
        ],
        requires: &["trials", "references"],
    },
    MetricDef {
        name: "trials_by_country_cell_source",
        description: "One row per (country, trials.cell_source): trials with at least one site in the country (from the locations table), how many state an enrollment, and the sum of those enrollments. A trial with sites in several countries counts once in each, with its whole enrollment (registries do not split enrollment by country); null country = trials that list no site with a country; null cell_source = trials with no cell product.",
        columns: &[
            mc("country", "VARCHAR", "locations.country; null when the trial lists no site with a country."),
            mc("cell_source", "VARCHAR", "trials.cell_source; null when the trial has no cell product."),
            TRIALS,
            WITH_ENROLLMENT,
            ENROLLMENT,
        ],
        requires: &["trials", "locations"],
    },
    MetricDef {
        name: "results_reporting_by_sponsor_class",
        description: "One row per trials.lead_sponsor_class (INDUSTRY, NIH, OTHER, ...; null = not stated): completed trials (overall_status COMPLETED), how many of them have posted results (trials.has_results), and that share.",
        columns: &[
            mc("lead_sponsor_class", "VARCHAR", "trials.lead_sponsor_class; null when not stated."),
            COMPLETED,
            WITH_RESULTS,
            SHARE_WITH_RESULTS,
        ],
        requires: &["trials"],
    },
    MetricDef {
        name: "results_reporting_by_completion_year",
        description: "One row per calendar year of trials.completion_date (null = not stated), over completed trials (overall_status COMPLETED): how many, how many have posted results (trials.has_results), and that share.",
        columns: &[
            mc("completion_year", "BIGINT", "Year of trials.completion_date; null when not stated."),
            COMPLETED,
            WITH_RESULTS,
            SHARE_WITH_RESULTS,
        ],
        requires: &["trials"],
    },
    MetricDef {
        name: "serious_adverse_events_by_cell_source",
        description: "One row per (trials.cell_source, arm_role) over the adverse-event groups of posted results (result_groups, section ADVERSE_EVENTS) of cell-product trials: participants with a serious adverse event / participants at risk. A group's role comes from the protocol arm it matches (result_groups.arm_label): CELL when the arm has a dose row or is EXPERIMENTAL, CONTROL when it is a placebo, sham, no-intervention or active comparator arm without a dose row; null when the group matches no arm.",
        columns: &[
            mc("cell_source", "VARCHAR", "trials.cell_source (never null here: only cell-product trials count)."),
            mc("arm_role", "VARCHAR", "CELL or CONTROL; null for groups that match no protocol arm."),
            TRIALS,
            mc("groups", "BIGINT", "Adverse-event groups counted."),
            mc("participants_affected", "BIGINT", "Sum of serious_num_affected over those groups; null when no group states it."),
            mc("participants_at_risk", "BIGINT", "Sum of serious_num_at_risk over those groups; null when no group states it."),
            mc("share_affected", "DOUBLE", "participants_affected / participants_at_risk, over groups stating both; null when none does."),
        ],
        requires: &["trials", "arms", "doses", "result_groups"],
    },
];

/// The definition of the metric called `name`.
pub fn metric(name: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|m| m.name == name)
}

fn read_table(tables_dir: &Path, name: &str) -> Result<LazyFrame, MetricsError> {
    let path = tables_dir.join(format!("{name}.parquet"));
    let file = File::open(&path).map_err(|source| MetricsError::Io { path: path.clone(), source })?;
    // Only the columns the metrics use are read, so the stage's memory stays small on
    // registry-scale tables (descriptions and citations are never loaded).
    let columns: Option<Vec<String>> = match name {
        "trials" => Some(
            &[
                "nct_id",
                "cell_source",
                "cell_origin",
                "phase",
                "overall_status",
                "enrollment",
                "start_date",
                "completion_date",
                "lead_sponsor_class",
                "has_results",
            ][..],
        ),
        "locations" => Some(&["nct_id", "country"][..]),
        "arms" => Some(&["nct_id", "label", "arm_type"][..]),
        "result_groups" => Some(&["nct_id", "section", "arm_label", "serious_num_affected", "serious_num_at_risk"][..]),
        "conditions" => Some(&["nct_id", "category"][..]),
        "doses" => Some(&["nct_id", "arm_label", "cell_source", "dose_per_kg", "dose_per_kg_high", "dose_total", "dose_total_high"][..]),
        "outcome_timepoints" => Some(&["nct_id", "kind", "days"][..]),
        "references" => Some(&["nct_id", "pmid", "doi"][..]),
        _ => None,
    }
    .map(|c| c.iter().map(|x| x.to_string()).collect());
    let df = ParquetReader::new(file).with_columns(columns).finish().map_err(|source| MetricsError::Polars { metric: "read", source })?;
    Ok(df.lazy())
}

/// A column as a plain string (enums are dictionary-encoded in the tables).
fn s(name: &str) -> Expr {
    col(name).cast(DataType::String).alias(name)
}

/// A count as Int64 (polars counts are UInt32).
fn count_as(e: Expr, name: &str) -> Expr {
    e.cast(DataType::Int64).alias(name)
}

fn sorted(lf: LazyFrame, keys: &[&str]) -> LazyFrame {
    let keys: Vec<PlSmallStr> = keys.iter().map(|k| PlSmallStr::from(*k)).collect();
    lf.sort(keys, SortMultipleOptions::default().with_nulls_last(true).with_maintain_order(true))
}

/// The three enrollment columns, aggregated over a group of trials.
fn enrollment_aggs() -> [Expr; 3] {
    [
        count_as(len(), "trials"),
        count_as(col("enrollment").count(), "trials_with_enrollment"),
        col("enrollment").sum().cast(DataType::Int64).alias("enrollment"),
    ]
}

/// Nulls the enrollment sum of groups where no trial states one (polars sums nothing to 0).
fn null_unstated_enrollment(lf: LazyFrame) -> LazyFrame {
    lf.with_column(
        when(col("trials_with_enrollment").gt(lit(0i64)))
            .then(col("enrollment"))
            .otherwise(lit(NULL).cast(DataType::Int64))
            .alias("enrollment"),
    )
}

/// `max(high end when a range, else the value)` over levels.
fn high_or_value(value: &str, high: &str) -> Expr {
    when(col(high).is_not_null()).then(col(high)).otherwise(col(value))
}

/// Computes one metric from the tables in `tables_dir`. Columns and their order are
/// exactly those of the metric's [`MetricDef::columns`].
pub fn compute(tables_dir: &Path, name: &str) -> Result<DataFrame, MetricsError> {
    let def = metric(name).ok_or_else(|| MetricsError::UnknownMetric(name.to_string()))?;
    let pe = |source| MetricsError::Polars { metric: def.name, source };
    let trials = || -> Result<LazyFrame, MetricsError> {
        Ok(read_table(tables_dir, "trials")?.select([
            col("nct_id").cast(DataType::String),
            s("cell_source"),
            s("cell_origin"),
            s("phase"),
            s("overall_status"),
            col("enrollment").cast(DataType::Int64),
            col("start_date"),
            col("completion_date"),
            s("lead_sponsor_class"),
            col("has_results"),
        ]))
    };
    let lf = match def.name {
        "enrollment_by_cell_source_phase" => sorted(
            null_unstated_enrollment(trials()?.group_by([col("cell_source"), col("phase")]).agg(enrollment_aggs())),
            &["cell_source", "phase"],
        ),
        "enrollment_by_condition_category_phase" => {
            let cats = read_table(tables_dir, "conditions")?
                .select([col("nct_id").cast(DataType::String), s("category")])
                .filter(col("category").is_not_null())
                .unique_stable(None, UniqueKeepStrategy::First);
            // Left join: a trial with no categorized condition keeps one row, category null.
            sorted(
                null_unstated_enrollment(
                    trials()?
                        .join(cats, [col("nct_id")], [col("nct_id")], JoinArgs::new(JoinType::Left))
                        .group_by([col("category"), col("phase")])
                        .agg(enrollment_aggs()),
                ),
                &["category", "phase"],
            )
        }
        "enrollment_by_cell_origin" => {
            sorted(null_unstated_enrollment(trials()?.group_by([col("cell_origin")]).agg(enrollment_aggs())), &["cell_origin"])
        }
        "trials_by_start_year_status" => sorted(
            trials()?
                .select([col("start_date").dt().year().cast(DataType::Int64).alias("start_year"), col("overall_status")])
                .group_by([col("start_year"), col("overall_status")])
                .agg([count_as(len(), "trials")]),
            &["start_year", "overall_status"],
        ),
        "dose_summary_by_cell_source" => dose_summary(read_table(tables_dir, "doses")?),
        "timepoint_coverage" => timepoint_coverage(read_table(tables_dir, "outcome_timepoints")?).map_err(pe)?.lazy(),
        "references_per_trial" => {
            let refs = read_table(tables_dir, "references")?
                .with_column(col("nct_id").cast(DataType::String))
                .group_by([col("nct_id")])
                .agg([count_as(len(), "references"), count_as(col("pmid").count(), "with_pmid"), count_as(col("doi").count(), "with_doi")]);
            sorted(
                trials()?.select([col("nct_id")]).join(refs, [col("nct_id")], [col("nct_id")], JoinArgs::new(JoinType::Left)).select([
                    col("nct_id"),
                    col("references").fill_null(lit(0i64)),
                    col("with_pmid").fill_null(lit(0i64)),
                    col("with_doi").fill_null(lit(0i64)),
                ]),
                &["nct_id"],
            )
        }
        "trials_by_country_cell_source" => {
            let countries = read_table(tables_dir, "locations")?
                .select([col("nct_id").cast(DataType::String), s("country")])
                .filter(col("country").is_not_null())
                .unique_stable(None, UniqueKeepStrategy::First);
            // Left join: a trial with no site keeps one row, country null.
            sorted(
                null_unstated_enrollment(
                    trials()?
                        .join(countries, [col("nct_id")], [col("nct_id")], JoinArgs::new(JoinType::Left))
                        .group_by([col("country"), col("cell_source")])
                        .agg(enrollment_aggs()),
                ),
                &["country", "cell_source"],
            )
        }
        "results_reporting_by_sponsor_class" => sorted(
            results_reporting(trials()?.filter(col("overall_status").eq(lit("COMPLETED"))), "lead_sponsor_class"),
            &["lead_sponsor_class"],
        ),
        "results_reporting_by_completion_year" => sorted(
            results_reporting(
                trials()?
                    .filter(col("overall_status").eq(lit("COMPLETED")))
                    .with_column(col("completion_date").dt().year().cast(DataType::Int64).alias("completion_year")),
                "completion_year",
            ),
            &["completion_year"],
        ),
        "serious_adverse_events_by_cell_source" => serious_adverse_events(
            trials()?,
            read_table(tables_dir, "arms")?,
            read_table(tables_dir, "doses")?,
            read_table(tables_dir, "result_groups")?,
        ),
        other => return Err(MetricsError::UnknownMetric(other.to_string())),
    };
    let names: Vec<Expr> = def.columns.iter().map(|c| col(c.name)).collect();
    lf.select(names).collect().map_err(pe)
}

/// Completed trials, with posted results, and the share, per value of `key`.
fn results_reporting(completed: LazyFrame, key: &str) -> LazyFrame {
    completed
        .group_by([col(key)])
        .agg([count_as(len(), "completed_trials"), count_as(col("has_results").eq(lit(true)).sum(), "with_results")])
        .with_column(
            (col("with_results").cast(DataType::Float64) / col("completed_trials").cast(DataType::Float64)).alias("share_with_results"),
        )
}

/// Arm types that mark a control arm (when the arm has no dose row).
const CONTROL_ARM_TYPES: [&str; 4] = ["PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION", "ACTIVE_COMPARATOR"];

fn serious_adverse_events(trials: LazyFrame, arms: LazyFrame, doses: LazyFrame, groups: LazyFrame) -> LazyFrame {
    let cell_trials = trials.select([col("nct_id"), col("cell_source")]).filter(col("cell_source").is_not_null());
    // A label stated twice in one trial is one arm here (its first statement), so a group is
    // never counted twice.
    let arms = arms
        .select([col("nct_id").cast(DataType::String), col("label").cast(DataType::String).alias("arm_label"), s("arm_type")])
        .unique_stable_generic(Some(vec![col("nct_id"), col("arm_label")]), UniqueKeepStrategy::First);
    let dosed = doses
        .select([col("nct_id").cast(DataType::String), col("arm_label").cast(DataType::String)])
        .filter(col("arm_label").is_not_null())
        .unique_stable(None, UniqueKeepStrategy::First)
        .with_column(lit(true).alias("dosed"));
    let groups = groups
        .select([
            col("nct_id").cast(DataType::String),
            s("section"),
            col("arm_label").cast(DataType::String),
            col("serious_num_affected").cast(DataType::Int64),
            col("serious_num_at_risk").cast(DataType::Int64),
        ])
        .filter(col("section").eq(lit("ADVERSE_EVENTS")));
    let keys = || [col("nct_id"), col("arm_label")];
    let is_control = CONTROL_ARM_TYPES.iter().fold(lit(false), |acc, t| acc.or(col("arm_type").eq(lit(*t))));
    let role = when(col("dosed").eq(lit(true)))
        .then(lit("CELL"))
        .when(is_control)
        .then(lit("CONTROL"))
        .when(col("arm_type").eq(lit("EXPERIMENTAL")))
        .then(lit("CELL"))
        .otherwise(lit(NULL).cast(DataType::String))
        .alias("arm_role");
    let both = col("serious_num_affected").is_not_null().and(col("serious_num_at_risk").is_not_null());
    sorted(
        groups
            .join(cell_trials, [col("nct_id")], [col("nct_id")], JoinArgs::new(JoinType::Inner))
            .join(arms, keys(), keys(), JoinArgs::new(JoinType::Left))
            .join(dosed, keys(), keys(), JoinArgs::new(JoinType::Left))
            .with_column(role)
            .group_by([col("cell_source"), col("arm_role")])
            .agg([
                count_as(col("nct_id").n_unique(), "trials"),
                count_as(len(), "groups"),
                col("serious_num_affected").sum().alias("participants_affected"),
                col("serious_num_at_risk").sum().alias("participants_at_risk"),
                col("serious_num_affected").filter(both.clone()).sum().cast(DataType::Float64).alias("affected_both"),
                col("serious_num_at_risk").filter(both).sum().cast(DataType::Float64).alias("at_risk_both"),
                count_as(col("serious_num_affected").count(), "n_affected"),
                count_as(col("serious_num_at_risk").count(), "n_at_risk"),
            ])
            .with_columns([
                when(col("n_affected").gt(lit(0i64)))
                    .then(col("participants_affected"))
                    .otherwise(lit(NULL).cast(DataType::Int64))
                    .alias("participants_affected"),
                when(col("n_at_risk").gt(lit(0i64)))
                    .then(col("participants_at_risk"))
                    .otherwise(lit(NULL).cast(DataType::Int64))
                    .alias("participants_at_risk"),
                when(col("at_risk_both").gt(lit(0.0)))
                    .then(col("affected_both") / col("at_risk_both"))
                    .otherwise(lit(NULL).cast(DataType::Float64))
                    .alias("share_affected"),
            ]),
        &["cell_source", "arm_role"],
    )
}

fn dose_summary(doses: LazyFrame) -> LazyFrame {
    let doses = doses.select([
        col("nct_id").cast(DataType::String),
        s("cell_source"),
        col("dose_per_kg").cast(DataType::Float64),
        col("dose_per_kg_high").cast(DataType::Float64),
        col("dose_total").cast(DataType::Float64),
        col("dose_total_high").cast(DataType::Float64),
    ]);
    let base =
        doses.clone().group_by([col("cell_source")]).agg([count_as(len(), "dose_rows"), count_as(col("nct_id").n_unique(), "trials")]);
    // Distinct levels: the same trial stating the same dose in two fields counts once.
    let levels = |value: &str, high: &str, prefix: &str, n: &str| {
        doses
            .clone()
            .filter(col(value).is_not_null())
            .select([col("cell_source"), col("nct_id"), col(value), col(high)])
            .unique_stable(None, UniqueKeepStrategy::First)
            .group_by([col("cell_source")])
            .agg([
                count_as(len(), n),
                col(value).median().alias(format!("median_{prefix}")),
                col(value).min().alias(format!("min_{prefix}")),
                high_or_value(value, high).max().alias(format!("max_{prefix}")),
            ])
    };
    let by_source = || JoinArgs { nulls_equal: true, ..JoinArgs::new(JoinType::Left) };
    sorted(
        base.join(
            levels("dose_per_kg", "dose_per_kg_high", "per_kg", "per_kg_levels"),
            [col("cell_source")],
            [col("cell_source")],
            by_source(),
        )
        .join(levels("dose_total", "dose_total_high", "total", "total_levels"), [col("cell_source")], [col("cell_source")], by_source())
        .with_columns([col("per_kg_levels").fill_null(lit(0i64)), col("total_levels").fill_null(lit(0i64))]),
        &["cell_source"],
    )
}

fn timepoint_coverage(tp: LazyFrame) -> PolarsResult<DataFrame> {
    let tp = tp.select([col("nct_id").cast(DataType::String), s("kind"), col("days").cast(DataType::Float64)]);
    let denom = tp.clone().select([count_as(col("nct_id").n_unique(), "n")]).collect()?;
    let n = denom.column("n")?.i64()?.get(0).unwrap_or(0);
    let at = tp.filter(col("kind").eq(lit("AT")));
    let mut marks = Vec::new();
    let mut lows = Vec::new();
    let mut highs = Vec::new();
    let mut trials = Vec::new();
    let mut share = Vec::new();
    for m in MONTH_MARKS {
        let target = m as f64 * DAYS_PER_MONTH;
        // Rounded to a millionth of a day so the file shows 100.44375, not 100.44375000000001.
        let round = |x: f64| (x * 1e6).round() / 1e6;
        let (low, high) = (round(target * (1.0 - MARK_TOLERANCE)), round(target * (1.0 + MARK_TOLERANCE)));
        let hit = at
            .clone()
            .filter(col("days").gt_eq(lit(low)).and(col("days").lt_eq(lit(high))))
            .select([count_as(col("nct_id").n_unique(), "t")])
            .collect()?;
        let t = hit.column("t")?.i64()?.get(0).unwrap_or(0);
        marks.push(m);
        lows.push(low);
        highs.push(high);
        trials.push(t);
        share.push(if n > 0 { Some(t as f64 / n as f64) } else { None });
    }
    let height = marks.len();
    DataFrame::new_infer_height(vec![
        Column::new("month".into(), marks),
        Column::new("window_low_days".into(), lows),
        Column::new("window_high_days".into(), highs),
        Column::new("trials".into(), trials),
        Column::new("trials_with_timepoints".into(), vec![n; height]),
        Column::new("share_of_trials_with_timepoints".into(), share),
    ])
}

/// The `trialtables.*` key-value metadata of `trials.parquet` (version, schema version,
/// config hash), to stamp on the metrics computed from it. Empty when it cannot be read.
fn source_stamp(tables_dir: &Path) -> Vec<(String, String)> {
    let Ok(file) = File::open(tables_dir.join("trials.parquet")) else {
        return Vec::new();
    };
    let mut reader = ParquetReader::new(file);
    let Ok(md) = reader.get_metadata() else {
        return Vec::new();
    };
    let mut kv: Vec<(String, String)> = md
        .key_value_metadata
        .iter()
        .flatten()
        .filter(|kv| kv.key.starts_with("trialtables.") && kv.key != "trialtables.description")
        .filter_map(|kv| kv.value.clone().map(|v| (kv.key.clone(), v)))
        .collect();
    kv.sort();
    kv
}

/// The key-value metadata written into a metric's Parquet file.
pub fn metric_metadata(def: &MetricDef, stamp: &[(String, String)]) -> Vec<(String, String)> {
    let mut kv = vec![
        ("trialtables.metric".to_string(), def.name.to_string()),
        ("trialtables.description".to_string(), def.description.to_string()),
    ];
    for c in def.columns {
        kv.push((format!("trialtables.column.{}", c.name), c.description.to_string()));
    }
    kv.extend(stamp.iter().cloned());
    kv
}

/// Computes every metric and writes `metrics_dir/<name>.parquet`, except the metrics that read
/// a table named in `switched_off` (tables the configuration does not write). Returns (name,
/// rows) for the metrics written. A required table that is missing without being switched off
/// is an error.
pub fn write_all(tables_dir: &Path, metrics_dir: &Path, switched_off: &[&str]) -> Result<Vec<(&'static str, usize)>, MetricsError> {
    std::fs::create_dir_all(metrics_dir).map_err(|source| MetricsError::Io { path: metrics_dir.to_path_buf(), source })?;
    let stamp = source_stamp(tables_dir);
    let mut out = Vec::new();
    for m in METRICS {
        if m.requires.iter().any(|t| switched_off.contains(t)) {
            continue;
        }
        let mut df = compute(tables_dir, m.name)?;
        let path = metrics_dir.join(format!("{}.parquet", m.name));
        let file = File::create(&path).map_err(|source| MetricsError::Io { path: path.clone(), source })?;
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Snappy)
            .with_key_value_metadata(Some(KeyValueMetadata::from_static(metric_metadata(m, &stamp))))
            .finish(&mut df)
            .map_err(|source| MetricsError::Polars { metric: m.name, source })?;
        out.push((m.name, df.height()));
    }
    Ok(out)
}
