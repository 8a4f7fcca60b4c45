//! Every metric against answers computed by hand on tiny tables written here with polars (in
//! the shape the load stage writes: enums dictionary-encoded, dates as dates), plus the seeds
//! answer, the empty-table case, column types, file metadata and byte-for-byte determinism.

use std::fs::File;
use std::path::Path;

use polars::prelude::*;
use trialtables_metrics::{compute, metric, write_all, MetricsError, METRICS, MONTH_MARKS};

// ---------------------------------------------------------------- table writing helpers

fn cat() -> DataType {
    DataType::from_categories(Categories::global())
}

fn txt(name: &str, v: &[Option<&str>]) -> Column {
    Column::new(name.into(), v)
}

fn enm(name: &str, v: &[Option<&str>]) -> Column {
    txt(name, v).cast(&cat()).expect("string to categorical")
}

fn int(name: &str, v: &[Option<i64>]) -> Column {
    Column::new(name.into(), v)
}

fn boolean(name: &str, v: &[Option<bool>]) -> Column {
    Column::new(name.into(), v)
}

fn flt(name: &str, v: &[Option<f64>]) -> Column {
    Column::new(name.into(), v)
}

/// Dates from (y, m, d).
fn date(name: &str, v: &[Option<(i32, u32, u32)>]) -> Column {
    let days: Vec<Option<i32>> = v
        .iter()
        .map(|d| {
            d.map(|(y, m, dd)| {
                let epoch = chrono_days(1970, 1, 1);
                chrono_days(y, m, dd) - epoch
            })
        })
        .collect();
    Column::new(name.into(), days).cast(&DataType::Date).expect("int32 to date")
}

/// Days since 0000-03-01 (civil calendar), enough to make test dates without chrono.
fn chrono_days(y: i32, m: u32, d: u32) -> i32 {
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m as i32 + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe
}

fn write(dir: &Path, name: &str, cols: Vec<Column>) {
    write_kv(dir, name, cols, None);
}

fn write_kv(dir: &Path, name: &str, cols: Vec<Column>, kv: Option<Vec<(String, String)>>) {
    let mut df = DataFrame::new_infer_height(cols).expect("columns of one length");
    let file = File::create(dir.join(format!("{name}.parquet"))).expect("create table file");
    ParquetWriter::new(file).with_key_value_metadata(kv.map(KeyValueMetadata::from_static)).finish(&mut df).expect("write table");
}

/// The tables the metrics read, and the key-value metadata of `trials.parquet`.
struct Tables<'a> {
    trials: Vec<Column>,
    conditions: Vec<Column>,
    doses: Vec<Column>,
    timepoints: Vec<Column>,
    references: Vec<Column>,
    locations: Vec<Column>,
    arms: Vec<Column>,
    result_groups: Vec<Column>,
    kv: Option<Vec<(String, String)>>,
    dir: &'a Path,
}

impl Tables<'_> {
    fn write(self) {
        write_kv(self.dir, "trials", self.trials, self.kv);
        write(self.dir, "conditions", self.conditions);
        write(self.dir, "doses", self.doses);
        write(self.dir, "outcome_timepoints", self.timepoints);
        write(self.dir, "references", self.references);
        write(self.dir, "locations", self.locations);
        write(self.dir, "arms", self.arms);
        write(self.dir, "result_groups", self.result_groups);
    }
}

fn empty_tables(dir: &Path) -> Tables<'_> {
    Tables {
        trials: vec![
            txt("nct_id", &[]),
            enm("cell_source", &[]),
            enm("cell_origin", &[]),
            enm("phase", &[]),
            enm("overall_status", &[]),
            int("enrollment", &[]),
            date("start_date", &[]),
            date("completion_date", &[]),
            enm("lead_sponsor_class", &[]),
            boolean("has_results", &[]),
        ],
        conditions: vec![txt("nct_id", &[]), enm("category", &[])],
        doses: vec![
            txt("nct_id", &[]),
            txt("arm_label", &[]),
            enm("cell_source", &[]),
            flt("dose_per_kg", &[]),
            flt("dose_per_kg_high", &[]),
            flt("dose_total", &[]),
            flt("dose_total_high", &[]),
        ],
        timepoints: vec![txt("nct_id", &[]), enm("kind", &[]), flt("days", &[])],
        references: vec![txt("nct_id", &[]), txt("pmid", &[]), txt("doi", &[])],
        locations: vec![txt("nct_id", &[]), txt("country", &[])],
        arms: vec![txt("nct_id", &[]), txt("label", &[]), enm("arm_type", &[])],
        result_groups: vec![
            txt("nct_id", &[]),
            enm("section", &[]),
            txt("arm_label", &[]),
            int("serious_num_affected", &[]),
            int("serious_num_at_risk", &[]),
        ],
        kv: None,
        dir,
    }
}

/// The hand-made example (see each test for the expected answer and why).
fn small_tables(dir: &Path) {
    Tables {
        trials: vec![
            txt("nct_id", &[Some("T1"), Some("T2"), Some("T3"), Some("T4"), Some("T5"), Some("T6")]),
            enm(
                "cell_source",
                &[Some("UMBILICAL_CORD"), Some("UMBILICAL_CORD"), Some("UMBILICAL_CORD"), Some("BONE_MARROW"), None, Some("BONE_MARROW")],
            ),
            enm("cell_origin", &[Some("ALLOGENEIC"), Some("AUTOLOGOUS"), None, Some("ALLOGENEIC"), None, None]),
            enm("phase", &[Some("PHASE1"), Some("PHASE1"), Some("PHASE2"), Some("PHASE2"), None, Some("PHASE2")]),
            enm("overall_status", &[Some("COMPLETED"), Some("RECRUITING"), Some("COMPLETED"), Some("COMPLETED"), None, None]),
            int("enrollment", &[Some(10), Some(30), None, Some(100), Some(7), None]),
            date("start_date", &[Some((2015, 3, 1)), Some((2015, 7, 15)), Some((2020, 1, 1)), Some((2015, 1, 1)), None, None]),
            date("completion_date", &[Some((2018, 5, 1)), None, Some((2021, 1, 1)), Some((2018, 12, 31)), Some((2019, 1, 1)), None]),
            enm("lead_sponsor_class", &[Some("OTHER"), Some("INDUSTRY"), Some("INDUSTRY"), None, Some("NIH"), Some("OTHER")]),
            boolean("has_results", &[Some(true), Some(false), Some(false), Some(true), Some(true), None]),
        ],
        conditions: vec![
            txt("nct_id", &[Some("T1"), Some("T1"), Some("T1"), Some("T2"), Some("T3"), Some("T4"), Some("T6"), Some("T6")]),
            enm("category", &[Some("SLE"), Some("SLE"), Some("SJOGRENS"), None, Some("CROHNS"), Some("SLE"), None, Some("CROHNS")]),
        ],
        doses: vec![
            txt("nct_id", &[Some("T1"), Some("T1"), Some("T1"), Some("T2"), Some("T2"), Some("T3"), Some("T4"), Some("T6")]),
            txt("arm_label", &[Some("MSC high"), Some("MSC high"), Some("MSC high"), None, None, Some("Crossover"), Some("BM-MSC"), None]),
            enm(
                "cell_source",
                &[
                    Some("UMBILICAL_CORD"),
                    Some("UMBILICAL_CORD"),
                    Some("UMBILICAL_CORD"),
                    Some("UMBILICAL_CORD"),
                    Some("UMBILICAL_CORD"),
                    Some("UMBILICAL_CORD"),
                    Some("BONE_MARROW"),
                    None,
                ],
            ),
            flt("dose_per_kg", &[Some(1e6), Some(1e6), Some(2e6), Some(1e6), None, Some(4e6), None, None]),
            flt("dose_per_kg_high", &[None, None, None, Some(5e6), None, None, None, None]),
            flt("dose_total", &[None, None, None, None, Some(1e8), None, Some(2e7), None]),
            flt("dose_total_high", &[None, None, None, None, None, None, Some(4e7), None]),
        ],
        timepoints: vec![
            txt(
                "nct_id",
                &[Some("T1"), Some("T1"), Some("T1"), Some("T2"), Some("T2"), Some("T3"), Some("T4"), Some("T4"), Some("T5"), Some("T5")],
            ),
            enm(
                "kind",
                &[
                    Some("AT"),
                    Some("AT"),
                    Some("BASELINE"),
                    Some("AT"),
                    Some("UP_TO"),
                    Some("BASELINE"),
                    Some("AT"),
                    Some("AT"),
                    Some("EVERY"),
                    Some("AT"),
                ],
            ),
            flt(
                "days",
                &[
                    Some(28.0),
                    Some(30.4375),
                    Some(0.0),
                    Some(182.625),
                    Some(365.25),
                    Some(0.0),
                    Some(168.0),
                    Some(365.25),
                    Some(30.4375),
                    Some(27.0),
                ],
            ),
        ],
        references: vec![
            txt("nct_id", &[Some("T1"), Some("T1"), Some("T3")]),
            txt("pmid", &[Some("1"), None, Some("2")]),
            txt("doi", &[Some("10.1/x"), Some("10.1/y"), None]),
        ],
        locations: vec![
            txt("nct_id", &[Some("T1"), Some("T1"), Some("T1"), Some("T2"), Some("T4"), Some("T4"), Some("T5")]),
            txt(
                "country",
                &[Some("United States"), Some("United States"), Some("China"), Some("China"), None, Some("Spain"), Some("United States")],
            ),
        ],
        arms: vec![
            txt("nct_id", &[Some("T1"), Some("T1"), Some("T4"), Some("T4"), Some("T3"), Some("T5")]),
            txt("label", &[Some("MSC high"), Some("Placebo"), Some("BM-MSC"), Some("Standard care"), Some("Crossover"), Some("Drug")]),
            enm(
                "arm_type",
                &[
                    Some("EXPERIMENTAL"),
                    Some("PLACEBO_COMPARATOR"),
                    Some("EXPERIMENTAL"),
                    Some("ACTIVE_COMPARATOR"),
                    Some("PLACEBO_COMPARATOR"),
                    Some("EXPERIMENTAL"),
                ],
            ),
        ],
        result_groups: vec![
            txt("nct_id", &[Some("T1"), Some("T1"), Some("T1"), Some("T3"), Some("T4"), Some("T4"), Some("T4"), Some("T5")]),
            enm(
                "section",
                &[
                    Some("ADVERSE_EVENTS"),
                    Some("ADVERSE_EVENTS"),
                    Some("OUTCOME"),
                    Some("ADVERSE_EVENTS"),
                    Some("ADVERSE_EVENTS"),
                    Some("ADVERSE_EVENTS"),
                    Some("ADVERSE_EVENTS"),
                    Some("ADVERSE_EVENTS"),
                ],
            ),
            txt(
                "arm_label",
                &[
                    Some("MSC high"),
                    Some("Placebo"),
                    Some("MSC high"),
                    Some("Crossover"),
                    Some("BM-MSC"),
                    Some("Standard care"),
                    None,
                    Some("Drug"),
                ],
            ),
            int("serious_num_affected", &[Some(2), Some(1), None, Some(0), Some(3), None, Some(3), Some(1)]),
            int("serious_num_at_risk", &[Some(10), Some(10), None, Some(5), Some(20), Some(20), Some(40), Some(3)]),
        ],
        kv: Some(vec![
            ("trialtables.version".into(), "9.9.9".into()),
            ("trialtables.schema_version".into(), "7".into()),
            ("trialtables.config_hash".into(), "abc".into()),
            ("other.key".into(), "not copied".into()),
        ]),
        dir,
    }
    .write();
}

// ---------------------------------------------------------------- reading results back

/// A cell as text: `None` for null, integers plain, floats with `{:?}`.
fn cell(c: &Column, i: usize) -> Option<String> {
    let v = c.get(i).expect("row in range");
    match v {
        AnyValue::Null => None,
        AnyValue::String(s) => Some(s.to_string()),
        AnyValue::StringOwned(s) => Some(s.to_string()),
        AnyValue::Int64(x) => Some(x.to_string()),
        AnyValue::Float64(x) => Some(format!("{x:?}")),
        other => panic!("unexpected value type {other:?} in {}", c.name()),
    }
}

fn rows(df: &DataFrame) -> Vec<Vec<Option<String>>> {
    (0..df.height()).map(|i| df.columns().iter().map(|c| cell(c, i)).collect()).collect()
}

/// Shorthand for expected rows: "-" is null.
fn exp(rows: &[&[&str]]) -> Vec<Vec<Option<String>>> {
    rows.iter().map(|r| r.iter().map(|v| if *v == "-" { None } else { Some(v.to_string()) }).collect()).collect()
}

fn run(dir: &Path, name: &str) -> DataFrame {
    let df = compute(dir, name).unwrap_or_else(|e| panic!("{name}: {e}"));
    check_columns(name, &df);
    df
}

/// Names, order and types are exactly the declared ones.
fn check_columns(name: &str, df: &DataFrame) {
    let def = metric(name).expect("declared metric");
    let names: Vec<&str> = df.columns().iter().map(|c| c.name().as_str()).collect();
    let declared: Vec<&str> = def.columns.iter().map(|c| c.name).collect();
    assert_eq!(names, declared, "{name}: columns");
    for (c, d) in df.columns().iter().zip(def.columns) {
        let want = match d.sql_type {
            "VARCHAR" => DataType::String,
            "BIGINT" => DataType::Int64,
            "DOUBLE" => DataType::Float64,
            other => panic!("{name}.{}: undeclared sql type {other}", d.name),
        };
        assert_eq!(c.dtype(), &want, "{name}.{}", d.name);
    }
}

fn small() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    small_tables(dir.path());
    dir
}

// ---------------------------------------------------------------- hand-computed answers

#[test]
fn enrollment_by_cell_source_phase_by_hand() {
    let dir = small();
    // BONE_MARROW/PHASE2: T4 (100) and T6 (unstated). UMBILICAL_CORD/PHASE1: T1 10 + T2 30.
    // UMBILICAL_CORD/PHASE2: T3 only, enrollment unstated -> null, not 0. T5: no cell product.
    assert_eq!(
        rows(&run(dir.path(), "enrollment_by_cell_source_phase")),
        exp(&[
            &["BONE_MARROW", "PHASE2", "2", "1", "100"],
            &["UMBILICAL_CORD", "PHASE1", "2", "2", "40"],
            &["UMBILICAL_CORD", "PHASE2", "1", "0", "-"],
            &["-", "-", "1", "1", "7"],
        ])
    );
}

#[test]
fn enrollment_by_condition_category_phase_by_hand() {
    let dir = small();
    // T1 has SLE twice (counts once) and SJOGRENS; T2 and T5 have no categorized condition.
    assert_eq!(
        rows(&run(dir.path(), "enrollment_by_condition_category_phase")),
        exp(&[
            &["CROHNS", "PHASE2", "2", "0", "-"],
            &["SJOGRENS", "PHASE1", "1", "1", "10"],
            &["SLE", "PHASE1", "1", "1", "10"],
            &["SLE", "PHASE2", "1", "1", "100"],
            &["-", "PHASE1", "1", "1", "30"],
            &["-", "-", "1", "1", "7"],
        ])
    );
}

#[test]
fn enrollment_by_cell_origin_by_hand() {
    let dir = small();
    assert_eq!(
        rows(&run(dir.path(), "enrollment_by_cell_origin")),
        exp(&[&["ALLOGENEIC", "2", "2", "110"], &["AUTOLOGOUS", "1", "1", "30"], &["-", "3", "1", "7"]])
    );
}

#[test]
fn trials_by_start_year_status_by_hand() {
    let dir = small();
    assert_eq!(
        rows(&run(dir.path(), "trials_by_start_year_status")),
        exp(&[&["2015", "COMPLETED", "2"], &["2015", "RECRUITING", "1"], &["2020", "COMPLETED", "1"], &["-", "-", "2"]])
    );
}

#[test]
fn dose_summary_by_cell_source_by_hand() {
    let dir = small();
    // UMBILICAL_CORD: 6 rows, 3 trials. Per-kg levels: T1 1e6 (stated twice, once), T1 2e6,
    // T2 1e6-5e6, T3 4e6 -> 4 levels, median of [1e6, 1e6, 2e6, 4e6] = 1.5e6, min 1e6, max
    // 5e6 (high end of T2's range). Total: T2 1e8 only.
    // BONE_MARROW: one total range 2e7-4e7. Null source: one row stating neither.
    assert_eq!(
        rows(&run(dir.path(), "dose_summary_by_cell_source")),
        exp(&[
            &["BONE_MARROW", "1", "1", "0", "-", "-", "-", "1", "20000000.0", "20000000.0", "40000000.0"],
            &["UMBILICAL_CORD", "6", "3", "4", "1500000.0", "1000000.0", "5000000.0", "1", "100000000.0", "100000000.0", "100000000.0"],
            &["-", "1", "1", "0", "-", "-", "-", "0", "-", "-", "-"],
        ])
    );
}

#[test]
fn timepoint_coverage_by_hand() {
    let dir = small();
    let df = run(dir.path(), "timepoint_coverage");
    // Denominator: T1..T5 have timepoints (T3 and T5 none of kind AT in a window: T5's
    // 27 days is just below the 1-month window [27.39, 33.48], its EVERY does not count).
    // 1 month: T1 (4 weeks and 1 month, once). 6 months: T2 (182.6 d) and T4 (24 weeks = 168 d).
    // 12 months: T4 (the UP_TO of T2 does not count).
    let got: Vec<(i64, i64, i64, Option<f64>)> = (0..df.height())
        .map(|i| {
            let g = |n: &str| df.column(n).expect("column");
            (
                g("month").i64().expect("i64").get(i).expect("month"),
                g("trials").i64().expect("i64").get(i).expect("trials"),
                g("trials_with_timepoints").i64().expect("i64").get(i).expect("denominator"),
                g("share_of_trials_with_timepoints").f64().expect("f64").get(i),
            )
        })
        .collect();
    let want: Vec<(i64, i64, i64, Option<f64>)> = MONTH_MARKS
        .iter()
        .map(|&m| {
            let t = match m {
                1 => 1,
                6 => 2,
                12 => 1,
                _ => 0,
            };
            (m, t, 5, Some(t as f64 / 5.0))
        })
        .collect();
    assert_eq!(got, want);
    let low = df.column("window_low_days").expect("low").f64().expect("f64").get(0).expect("value");
    let high = df.column("window_high_days").expect("high").f64().expect("f64").get(0).expect("value");
    assert_eq!((low, high), (27.39375, 33.48125));
    let high3 = df.column("window_high_days").expect("high").f64().expect("f64").get(2).expect("value");
    assert_eq!(high3, 100.44375, "3 months x 1.1, rounded to a millionth of a day");
}

#[test]
fn references_per_trial_by_hand() {
    let dir = small();
    assert_eq!(
        rows(&run(dir.path(), "references_per_trial")),
        exp(&[
            &["T1", "2", "1", "2"],
            &["T2", "0", "0", "0"],
            &["T3", "1", "1", "0"],
            &["T4", "0", "0", "0"],
            &["T5", "0", "0", "0"],
            &["T6", "0", "0", "0"],
        ])
    );
}

// ---------------------------------------------------------------- the seeds

/// The five seed records' trials rows, transcribed from fixtures/seeds/*.txt.
#[test]
fn seeds_enrollment_by_cell_source_phase() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut t = empty_tables(dir.path());
    let p = Some("PHASE1/PHASE2");
    t.trials = vec![
        txt("nct_id", &[Some("NCT00953485"), Some("NCT01547091"), Some("NCT01741857"), Some("NCT03562065"), Some("NCT04356287")]),
        enm(
            "cell_source",
            &[Some("UNSPECIFIED"), Some("UMBILICAL_CORD"), Some("UMBILICAL_CORD"), Some("UMBILICAL_CORD"), Some("UMBILICAL_CORD")],
        ),
        enm("cell_origin", &[Some("ALLOGENEIC"), None, Some("ALLOGENEIC"), Some("ALLOGENEIC"), None]),
        enm("phase", &[p, p, p, p, p]),
        enm("overall_status", &[Some("UNKNOWN"), Some("UNKNOWN"), Some("UNKNOWN"), Some("NOT_YET_RECRUITING"), Some("RECRUITING")]),
        int("enrollment", &[Some(20), Some(200), Some(40), Some(10), Some(18)]),
        date("start_date", &[Some((2009, 6, 1)), Some((2013, 4, 30)), Some((2012, 1, 1)), Some((2018, 7, 1)), Some((2023, 1, 5))]),
        date("completion_date", &[None, None, None, None, None]),
        enm("lead_sponsor_class", &[None, None, None, None, None]),
        boolean("has_results", &[None, None, None, None, None]),
    ];
    t.write();
    assert_eq!(
        rows(&run(dir.path(), "enrollment_by_cell_source_phase")),
        exp(&[&["UMBILICAL_CORD", "PHASE1/PHASE2", "4", "4", "268"], &["UNSPECIFIED", "PHASE1/PHASE2", "1", "1", "20"]])
    );
    assert_eq!(
        rows(&run(dir.path(), "trials_by_start_year_status")),
        exp(&[
            &["2009", "UNKNOWN", "1"],
            &["2012", "UNKNOWN", "1"],
            &["2013", "UNKNOWN", "1"],
            &["2018", "NOT_YET_RECRUITING", "1"],
            &["2023", "RECRUITING", "1"],
        ])
    );
}

#[test]
fn trials_by_country_cell_source_by_hand() {
    let dir = small();
    // T1 (UC, 10) has sites in the US (twice) and China: once in each country. T2 (UC, 30):
    // China. T3 (UC, unstated) and T6 (BM, unstated) list no site: null country. T4 (BM, 100):
    // one site with no country, one in Spain. T5 (no cell product, 7): US.
    assert_eq!(
        rows(&run(dir.path(), "trials_by_country_cell_source")),
        exp(&[
            &["China", "UMBILICAL_CORD", "2", "2", "40"],
            &["Spain", "BONE_MARROW", "1", "1", "100"],
            &["United States", "UMBILICAL_CORD", "1", "1", "10"],
            &["United States", "-", "1", "1", "7"],
            &["-", "BONE_MARROW", "1", "0", "-"],
            &["-", "UMBILICAL_CORD", "1", "0", "-"],
        ])
    );
}

#[test]
fn results_reporting_by_hand() {
    let dir = small();
    // Completed: T1 (OTHER, 2018, results), T3 (INDUSTRY, 2021, none), T4 (class unstated,
    // 2018, results). T2 is recruiting; T5 and T6 state no COMPLETED status.
    assert_eq!(
        rows(&run(dir.path(), "results_reporting_by_sponsor_class")),
        exp(&[&["INDUSTRY", "1", "0", "0.0"], &["OTHER", "1", "1", "1.0"], &["-", "1", "1", "1.0"]])
    );
    assert_eq!(
        rows(&run(dir.path(), "results_reporting_by_completion_year")),
        exp(&[&["2018", "2", "2", "1.0"], &["2021", "1", "0", "0.0"]])
    );
}

#[test]
fn serious_adverse_events_by_cell_source_by_hand() {
    let dir = small();
    // UC/CELL: T1 "MSC high" (dosed, 2/10) and T3 "Crossover" (placebo-named but dosed, 0/5).
    // UC/CONTROL: T1 "Placebo" 1/10. BM/CELL: T4 "BM-MSC" 3/20. BM/CONTROL: T4 "Standard care"
    // (active comparator, affected unstated: null, and no share). BM/null: T4's group that
    // matches no arm, 3/40. T1's OUTCOME group is not an adverse-event group; T5 has no cell
    // product.
    assert_eq!(
        rows(&run(dir.path(), "serious_adverse_events_by_cell_source")),
        exp(&[
            &["BONE_MARROW", "CELL", "1", "1", "3", "20", "0.15"],
            &["BONE_MARROW", "CONTROL", "1", "1", "-", "20", "-"],
            &["BONE_MARROW", "-", "1", "1", "3", "40", "0.075"],
            &["UMBILICAL_CORD", "CELL", "2", "2", "2", "15", "0.13333333333333333"],
            &["UMBILICAL_CORD", "CONTROL", "1", "1", "1", "10", "0.1"],
        ])
    );
}

#[test]
fn metrics_of_switched_off_tables_are_skipped_and_missing_tables_are_errors() {
    let dir = small();
    let out = dir.path().join("m");
    let written = write_all(dir.path(), &out, &["locations", "result_groups"]).expect("write_all");
    let names: Vec<&str> = written.iter().map(|(n, _)| *n).collect();
    assert!(!names.contains(&"trials_by_country_cell_source") && !names.contains(&"serious_adverse_events_by_cell_source"), "{names:?}");
    assert!(names.contains(&"results_reporting_by_sponsor_class"), "{names:?}");
    assert!(!out.join("trials_by_country_cell_source.parquet").exists());
    std::fs::remove_file(dir.path().join("locations.parquet")).expect("rm");
    assert!(matches!(write_all(dir.path(), &dir.path().join("n"), &[]), Err(MetricsError::Io { .. })));
}

// ---------------------------------------------------------------- edge cases and files

#[test]
fn empty_tables_give_typed_metrics_without_inventing_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    empty_tables(dir.path()).write();
    for m in METRICS {
        let df = run(dir.path(), m.name);
        if m.name == "timepoint_coverage" {
            assert_eq!(df.height(), MONTH_MARKS.len());
            let share = df.column("share_of_trials_with_timepoints").expect("share");
            assert_eq!(share.null_count(), MONTH_MARKS.len(), "no denominator, no share");
            let trials = df.column("trials").expect("trials").i64().expect("i64");
            assert!((0..trials.len()).all(|i| trials.get(i) == Some(0)));
        } else {
            assert_eq!(df.height(), 0, "{}", m.name);
        }
    }
    let out = dir.path().join("metrics");
    let written = write_all(dir.path(), &out, &[]).expect("write_all on empty tables");
    assert_eq!(written.len(), METRICS.len());
}

#[test]
fn files_are_deterministic_and_carry_descriptions_and_provenance() {
    let dir = small();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let wa = write_all(dir.path(), &a, &[]).expect("write a");
    let wb = write_all(dir.path(), &b, &[]).expect("write b");
    assert_eq!(wa, wb);
    assert_eq!(wa.iter().map(|(n, _)| *n).collect::<Vec<_>>(), METRICS.iter().map(|m| m.name).collect::<Vec<_>>());
    for m in METRICS {
        let fa = std::fs::read(a.join(format!("{}.parquet", m.name))).expect("read a");
        let fb = std::fs::read(b.join(format!("{}.parquet", m.name))).expect("read b");
        assert_eq!(fa, fb, "{} differs between two runs", m.name);

        let mut reader = ParquetReader::new(File::open(a.join(format!("{}.parquet", m.name))).expect("open"));
        let md = reader.get_metadata().expect("metadata").clone();
        let kv: std::collections::BTreeMap<String, String> =
            md.key_value_metadata.iter().flatten().filter_map(|kv| kv.value.clone().map(|v| (kv.key.clone(), v))).collect();
        assert_eq!(kv.get("trialtables.metric").map(String::as_str), Some(m.name));
        assert_eq!(kv.get("trialtables.description").map(String::as_str), Some(m.description));
        assert_eq!(kv.get("trialtables.version").map(String::as_str), Some("9.9.9"));
        assert_eq!(kv.get("trialtables.schema_version").map(String::as_str), Some("7"));
        assert_eq!(kv.get("trialtables.config_hash").map(String::as_str), Some("abc"));
        assert!(!kv.contains_key("other.key"));
        for c in m.columns {
            let d = kv.get(&format!("trialtables.column.{}", c.name)).unwrap_or_else(|| panic!("{}.{} undocumented", m.name, c.name));
            assert!(!d.is_empty());
        }
        // Read back: the declared types survive the Parquet round trip.
        let df = ParquetReader::new(File::open(a.join(format!("{}.parquet", m.name))).expect("open")).finish().expect("read back");
        check_columns(m.name, &df);
    }
}

#[test]
fn every_metric_is_documented() {
    for m in METRICS {
        assert!(m.description.len() > 40, "{}", m.name);
        assert!(!m.columns.is_empty(), "{}", m.name);
        for c in m.columns {
            assert!(!c.description.is_empty(), "{}.{}", m.name, c.name);
        }
    }
}

#[test]
fn unknown_metric_and_missing_table_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(matches!(compute(dir.path(), "nope"), Err(MetricsError::UnknownMetric(n)) if n == "nope"));
    match compute(dir.path(), "enrollment_by_cell_origin") {
        Err(MetricsError::Io { path, .. }) => assert!(path.ends_with("trials.parquet"), "{path:?}"),
        other => panic!("expected an Io error naming trials.parquet, got {other:?}"),
    }
}
