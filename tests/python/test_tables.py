"""The tables as their real consumers see them: DuckDB and pandas (pyarrow engine) open every
table with native types and no casting, the types are the ones `trialtables schema --format
json` declares, row counts match manifest.json, and the files carry their provenance (Parquet
key-value metadata) and their documentation (Arrow field metadata)."""
import datetime

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import is_seeds_run

# `trialtables schema --format json` type -> DuckDB type.
DUCKDB_TYPE = {"VARCHAR (dictionary-encoded enum)": "VARCHAR"}
# `trialtables schema --format json` type -> Arrow type as pyarrow reads it.
ARROW_TYPE = {
    "VARCHAR": pa.string(),
    "VARCHAR (dictionary-encoded enum)": pa.dictionary(pa.int32(), pa.string()),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
}

# Metrics are written by polars; their contract is declared here, independently of the Rust
# side (which checks the same types against its own declaration).
METRIC_TYPES = {
    "enrollment_by_cell_source_phase": {"cell_source": "VARCHAR", "phase": "VARCHAR", "trials": "BIGINT", "trials_with_enrollment": "BIGINT", "enrollment": "BIGINT"},
    "enrollment_by_condition_category_phase": {"category": "VARCHAR", "phase": "VARCHAR", "trials": "BIGINT", "trials_with_enrollment": "BIGINT", "enrollment": "BIGINT"},
    "enrollment_by_cell_origin": {"cell_origin": "VARCHAR", "trials": "BIGINT", "trials_with_enrollment": "BIGINT", "enrollment": "BIGINT"},
    "trials_by_start_year_status": {"start_year": "BIGINT", "overall_status": "VARCHAR", "trials": "BIGINT"},
    "dose_summary_by_cell_source": {
        "cell_source": "VARCHAR", "dose_rows": "BIGINT", "trials": "BIGINT",
        "per_kg_levels": "BIGINT", "median_per_kg": "DOUBLE", "min_per_kg": "DOUBLE", "max_per_kg": "DOUBLE",
        "total_levels": "BIGINT", "median_total": "DOUBLE", "min_total": "DOUBLE", "max_total": "DOUBLE",
    },
    "timepoint_coverage": {
        "month": "BIGINT", "window_low_days": "DOUBLE", "window_high_days": "DOUBLE",
        "trials": "BIGINT", "trials_with_timepoints": "BIGINT", "share_of_trials_with_timepoints": "DOUBLE",
    },
    "references_per_trial": {"nct_id": "VARCHAR", "references": "BIGINT", "with_pmid": "BIGINT", "with_doi": "BIGINT"},
    "trials_by_country_cell_source": {"country": "VARCHAR", "cell_source": "VARCHAR", "trials": "BIGINT", "trials_with_enrollment": "BIGINT", "enrollment": "BIGINT"},
    "results_reporting_by_sponsor_class": {"lead_sponsor_class": "VARCHAR", "completed_trials": "BIGINT", "with_results": "BIGINT", "share_with_results": "DOUBLE"},
    "results_reporting_by_completion_year": {"completion_year": "BIGINT", "completed_trials": "BIGINT", "with_results": "BIGINT", "share_with_results": "DOUBLE"},
    "serious_adverse_events_by_cell_source": {
        "cell_source": "VARCHAR", "arm_role": "VARCHAR", "trials": "BIGINT", "groups": "BIGINT",
        "participants_affected": "BIGINT", "participants_at_risk": "BIGINT", "share_affected": "DOUBLE",
    },
}

# Row keys of every table (besides these, record_issues has none).
KEYS = {
    "trials": ["nct_id"],
    "conditions": ["nct_id", "condition_index"],
    "arms": ["nct_id", "arm_index"],
    "interventions": ["nct_id", "intervention_index"],
    "doses": ["nct_id", "dose_index"],
    "outcomes": ["nct_id", "outcome_index"],
    "outcome_timepoints": ["nct_id", "outcome_index", "timepoint_index"],
    "references": ["nct_id", "reference_index"],
    "sponsors": ["nct_id", "sponsor_index"],
    "locations": ["nct_id", "location_index"],
    "browse_conditions": ["nct_id", "term_index"],
    "browse_interventions": ["nct_id", "term_index"],
    "keywords": ["nct_id", "keyword_index"],
    "secondary_ids": ["nct_id", "secondary_id_index"],
    "eligibility": ["nct_id", "criterion_index"],
    "result_groups": ["nct_id", "section", "outcome_index", "group_index"],
    "participant_flow": ["nct_id", "period_index", "kind", "item_index", "group_id"],
    "baseline_measurements": ["nct_id", "measure_index", "class_index", "category_index", "group_id"],
    "outcome_measurements": ["nct_id", "outcome_index", "measure_index", "class_index", "category_index", "group_id"],
    "outcome_analyses": ["nct_id", "outcome_index", "analysis_index"],
    "adverse_events": ["nct_id", "event_index", "group_id"],
}


def duckdb_types(path):
    return dict(duckdb.sql(f"select column_name, column_type from (describe select * from '{path}')").fetchall())


def kv(path):
    md = pq.read_metadata(path).metadata or {}
    return {k.decode(): v.decode() for k, v in md.items() if k != b"ARROW:schema"}


def test_every_table_is_written_and_counted(schema, manifest, out):
    assert sorted(schema) == sorted(manifest["tables"])
    assert sorted(METRIC_TYPES) == sorted(manifest["metrics"])
    for t in schema:
        assert (out / f"{t}.parquet").is_file(), t
    for m in METRIC_TYPES:
        assert (out / "metrics" / f"{m}.parquet").is_file(), m


@pytest.fixture(params=["trials", "conditions", "arms", "interventions", "arm_interventions", "doses",
                        "outcomes", "outcome_timepoints", "references", "sponsors", "locations",
                        "browse_conditions", "browse_interventions", "keywords", "secondary_ids",
                        "eligibility", "result_groups", "participant_flow", "baseline_measurements",
                        "outcome_measurements", "outcome_analyses", "adverse_events", "record_issues"])
def table(request, schema, out):
    name = request.param
    assert name in schema, f"{name} no longer in `trialtables schema`: update this list"
    return name, schema[name], out / f"{name}.parquet"


def test_duckdb_types_match_the_declared_schema(table):
    name, decl, path = table
    expected = {c["name"]: DUCKDB_TYPE.get(c["type"], c["type"]) for c in decl["columns"]}
    got = duckdb_types(path)
    assert list(got) == list(expected), f"{name}: column order"
    assert got == expected, name


def test_arrow_types_and_nullability_match_the_declared_schema(table):
    name, decl, path = table
    s = pq.read_schema(path)
    assert s.names == [c["name"] for c in decl["columns"]]
    for c in decl["columns"]:
        f = s.field(c["name"])
        if c["type"].endswith("[]"):
            assert pa.types.is_list(f.type) and f.type.value_type == ARROW_TYPE[c["type"][:-2]], (name, c["name"], f.type)
        else:
            assert f.type == ARROW_TYPE[c["type"]], (name, c["name"], f.type)
        assert f.nullable == c["nullable"], (name, c["name"])


def test_arrow_field_metadata_carries_the_descriptions(table):
    name, decl, path = table
    s = pq.read_schema(path)
    assert (s.metadata or {}).get(b"description", b"").decode() == decl["description"] != ""
    for c in decl["columns"]:
        d = (s.field(c["name"]).metadata or {}).get(b"description", b"").decode()
        assert d == c["description"] and d, (name, c["name"])


def test_row_counts_match_manifest(table, manifest):
    name, _, path = table
    assert duckdb.sql(f"select count(*) from '{path}'").fetchall()[0][0] == manifest["tables"][name]
    assert len(pd.read_parquet(path, engine="pyarrow")) == manifest["tables"][name]


def test_parquet_key_value_metadata_has_provenance(table, manifest):
    _, _, path = table
    m = kv(path)
    assert m["trialtables.schema_version"] == manifest["schema_version"]
    assert m["trialtables.version"] == manifest["trialtables_version"]
    assert m["trialtables.config_hash"] == manifest["config_hash"]
    assert len(m["trialtables.config_hash"]) == 64


def test_pandas_native_types_with_the_pyarrow_backend(table):
    """`dtype_backend="pyarrow"` keeps every type exactly, nulls included."""
    name, decl, path = table
    df = pd.read_parquet(path, engine="pyarrow", dtype_backend="pyarrow")
    for c in decl["columns"]:
        dt = df[c["name"]].dtype
        assert isinstance(dt, pd.ArrowDtype), (name, c["name"], dt)
        at = dt.pyarrow_dtype
        if c["type"].endswith("[]"):
            assert pa.types.is_list(at) and at.value_type == pa.string(), (name, c["name"], at)
        elif c["type"] == "VARCHAR (dictionary-encoded enum)":
            assert pa.types.is_dictionary(at) and at.value_type == pa.string(), (name, c["name"], at)
        elif c["type"] == "VARCHAR":
            assert at in (pa.string(), pa.large_string()), (name, c["name"], at)
        else:
            assert at == ARROW_TYPE[c["type"]], (name, c["name"], at)


def test_pandas_default_backend(table):
    """The plain `pd.read_parquet`: enums are categories, keys are int64, dates are dates,
    lists are arrays of strings; no column needs a cast to be used."""
    name, decl, path = table
    df = pd.read_parquet(path, engine="pyarrow")
    for c in decl["columns"]:
        s = df[c["name"]]
        t = c["type"]
        where = (name, c["name"], s.dtype)
        if t == "VARCHAR (dictionary-encoded enum)":
            assert isinstance(s.dtype, pd.CategoricalDtype), where
        elif t == "VARCHAR":
            assert pd.api.types.is_string_dtype(s.dtype), where
        elif t == "BIGINT":
            assert pd.api.types.is_integer_dtype(s.dtype) if not c["nullable"] or s.notna().all() else pd.api.types.is_numeric_dtype(s.dtype), where
        elif t == "DOUBLE":
            assert s.dtype == "float64", where
        elif t == "BOOLEAN":
            assert s.dtype == bool or s.dropna().map(type).eq(bool).all(), where
        elif t == "DATE":
            assert s.dropna().map(type).eq(datetime.date).all(), where
        elif t == "VARCHAR[]":
            assert s.map(lambda v: all(isinstance(x, str) for x in v)).all(), where
        else:
            pytest.fail(f"undeclared type {t} in {where}")


def test_keys_are_unique_and_children_join_their_trial(table):
    name, _, path = table
    if name in KEYS:
        k = ", ".join(KEYS[name])
        dup = duckdb.sql(f"select {k}, count(*) from '{path}' group by all having count(*) > 1").fetchall()
        assert dup == [], f"{name}: duplicate keys {dup[:5]}"
    if name not in ("trials", "record_issues"):
        trials = path.parent / "trials.parquet"
        orphans = duckdb.sql(f"select distinct nct_id from '{path}' anti join '{trials}' using (nct_id)").fetchall()
        assert orphans == [], f"{name}: rows of no trial {orphans[:5]}"


def test_timepoints_join_their_outcome(out):
    orphans = duckdb.sql(
        f"select nct_id, outcome_index from '{out / 'outcome_timepoints.parquet'}' "
        f"anti join '{out / 'outcomes.parquet'}' using (nct_id, outcome_index)"
    ).fetchall()
    assert orphans == []


def test_no_unsigned_or_view_types_reach_duckdb(out):
    for path in sorted(out.glob("*.parquet")) + sorted((out / "metrics").glob("*.parquet")):
        for col, typ in duckdb_types(path).items():
            assert not typ.startswith("U") and typ in {"VARCHAR", "VARCHAR[]", "BIGINT", "DOUBLE", "BOOLEAN", "DATE"}, (path.name, col, typ)


# ------------------------------------------------------------------------------ metrics


@pytest.mark.parametrize("metric", sorted(METRIC_TYPES))
def test_metric_types_counts_and_metadata(metric, out, manifest):
    path = out / "metrics" / f"{metric}.parquet"
    assert duckdb_types(path) == METRIC_TYPES[metric]
    assert list(duckdb_types(path)) == list(METRIC_TYPES[metric]), "column order"
    n = duckdb.sql(f"select count(*) from '{path}'").fetchall()[0][0]
    assert n == manifest["metrics"][metric]
    df = pd.read_parquet(path)
    assert len(df) == n
    for col, typ in METRIC_TYPES[metric].items():
        if typ == "BIGINT" and df[col].notna().all():
            assert df[col].dtype == "int64", (metric, col, df[col].dtype)
        if typ == "DOUBLE":
            assert df[col].dtype == "float64", (metric, col, df[col].dtype)
        if typ == "VARCHAR":
            assert pd.api.types.is_string_dtype(df[col].dtype), (metric, col, df[col].dtype)
    m = kv(path)
    assert m["trialtables.metric"] == metric
    assert len(m["trialtables.description"]) > 40
    for col in METRIC_TYPES[metric]:
        assert m.get(f"trialtables.column.{col}"), (metric, col)
    assert m["trialtables.schema_version"] == manifest["schema_version"]
    assert m["trialtables.version"] == manifest["trialtables_version"]
    assert m["trialtables.config_hash"] == manifest["config_hash"]


@pytest.mark.parametrize("metric,keys", [
    ("enrollment_by_cell_source_phase", ["cell_source", "phase"]),
    ("enrollment_by_condition_category_phase", ["category", "phase"]),
    ("enrollment_by_cell_origin", ["cell_origin"]),
    ("trials_by_start_year_status", ["start_year", "overall_status"]),
    ("dose_summary_by_cell_source", ["cell_source"]),
    ("timepoint_coverage", ["month"]),
    ("references_per_trial", ["nct_id"]),
    ("trials_by_country_cell_source", ["country", "cell_source"]),
    ("results_reporting_by_sponsor_class", ["lead_sponsor_class"]),
    ("results_reporting_by_completion_year", ["completion_year"]),
    ("serious_adverse_events_by_cell_source", ["cell_source", "arm_role"]),
])
def test_metrics_are_sorted_on_unique_keys(metric, keys, out):
    df = pd.read_parquet(out / "metrics" / f"{metric}.parquet")
    assert not df.duplicated(keys).any()
    again = df.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(df, again)


def test_metrics_agree_with_the_tables(out):
    """Recompute the headline metrics in DuckDB from the tables themselves."""
    t = out / "trials.parquet"
    by_source = duckdb.sql(
        f"select cell_source::varchar, phase::varchar, count(*), count(enrollment), sum(enrollment) "
        f"from '{t}' group by all order by all nulls last"
    ).fetchall()
    metric = duckdb.sql(f"select * from '{out / 'metrics/enrollment_by_cell_source_phase.parquet'}' order by all nulls last").fetchall()
    assert metric == by_source
    years = duckdb.sql(
        f"select year(start_date)::bigint, overall_status::varchar, count(*) from '{t}' group by all order by all nulls last"
    ).fetchall()
    assert duckdb.sql(f"select * from '{out / 'metrics/trials_by_start_year_status.parquet'}' order by all nulls last").fetchall() == years
    total = duckdb.sql(f"select sum(trials) from '{out / 'metrics/enrollment_by_cell_origin.parquet'}'").fetchall()[0][0]
    assert total == duckdb.sql(f"select count(*) from '{t}'").fetchall()[0][0]
    refs = duckdb.sql(f"select sum(\"references\") from '{out / 'metrics/references_per_trial.parquet'}'").fetchall()[0][0]
    assert refs == duckdb.sql(f"select count(*) from '{out / 'references.parquet'}'").fetchall()[0][0]


def test_issue17_metrics_agree_with_the_tables(out):
    """The registry-detail and posted-results metrics, recomputed in DuckDB from the tables."""
    q = lambda sql: duckdb.sql(sql).fetchall()  # noqa: E731
    t, loc = out / "trials.parquet", out / "locations.parquet"
    assert q(f"select * from '{out / 'metrics/trials_by_country_cell_source.parquet'}' order by all nulls last") == q(f"""
        with c as (select distinct nct_id, country::varchar as country from '{loc}' where country is not null)
        select c.country, t.cell_source::varchar, count(*), count(t.enrollment), sum(t.enrollment)::bigint
        from '{t}' t left join c using (nct_id) group by all order by all nulls last""")
    for metric, expr in [("sponsor_class", "lead_sponsor_class::varchar"), ("completion_year", "year(completion_date)::bigint")]:
        assert q(f"select * from '{out / f'metrics/results_reporting_by_{metric}.parquet'}' order by all nulls last") == q(f"""
            select {expr}, count(*), count(*) filter (where has_results),
                   (count(*) filter (where has_results))::double / count(*)
            from '{t}' where overall_status = 'COMPLETED' group by all order by all nulls last""")
    sae = q(f"select * from '{out / 'metrics/serious_adverse_events_by_cell_source.parquet'}' order by all nulls last")
    assert sae == q(f"""
        with g as (select nct_id, arm_label, serious_num_affected a, serious_num_at_risk r
                   from '{out / 'result_groups.parquet'}' where section = 'ADVERSE_EVENTS'),
             arm as (select nct_id, label as arm_label, first(arm_type::varchar order by arm_index) arm_type
                     from '{out / 'arms.parquet'}' group by all),
             dosed as (select distinct nct_id, arm_label, true as dosed from '{out / 'doses.parquet'}' where arm_label is not null)
        select t.cell_source::varchar,
               case when dosed then 'CELL'
                    when arm_type in ('PLACEBO_COMPARATOR', 'SHAM_COMPARATOR', 'NO_INTERVENTION', 'ACTIVE_COMPARATOR') then 'CONTROL'
                    when arm_type = 'EXPERIMENTAL' then 'CELL' end,
               count(distinct g.nct_id), count(*), sum(a)::bigint, sum(r)::bigint,
               (sum(a) filter (where a is not null and r is not null))::double
                 / nullif(sum(r) filter (where a is not null and r is not null), 0)
        from g join '{t}' t using (nct_id) left join arm using (nct_id, arm_label) left join dosed using (nct_id, arm_label)
        where t.cell_source is not null group by all order by all nulls last""")


# ------------------------------------------------------------------------------ the seeds


def test_seeds_enrollment_by_cell_source_phase(out, manifest):
    if not is_seeds_run(manifest):
        pytest.skip("not the seeds output")
    rows = duckdb.sql(
        f"select cell_source, phase, trials, enrollment from '{out / 'metrics/enrollment_by_cell_source_phase.parquet'}' order by all"
    ).fetchall()
    assert rows == [("UMBILICAL_CORD", "PHASE1/PHASE2", 4, 268), ("UNSPECIFIED", "PHASE1/PHASE2", 1, 20)]


def test_seeds_native_values(out, manifest):
    if not is_seeds_run(manifest):
        pytest.skip("not the seeds output")
    df = pd.read_parquet(out / "trials.parquet").set_index("nct_id")
    assert df.loc["NCT03562065", "start_date"] == datetime.date(2018, 7, 1)
    assert df.loc["NCT03562065", "enrollment"] == 10
    assert df.loc["NCT03562065", "max_age_years"] == 70.0
    assert df["phase"].cat.categories.tolist() == ["PHASE1/PHASE2"]
    kg = duckdb.sql(f"select dose_per_kg from '{out / 'doses.parquet'}' where nct_id = 'NCT03562065' order by 1").fetchall()
    assert kg == [(1e6,), (2e6,), (4e6,)]
