"""The tables as their real consumers see them: DuckDB and pandas (pyarrow engine) open every
table with native types, and the row counts match what the Rust side wrote in manifest.json."""
import json
import pathlib

import duckdb
import pandas as pd
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "out"
MANIFEST = json.loads((OUT / "manifest.json").read_text())


@pytest.mark.parametrize("table", sorted(MANIFEST["tables"]))
def test_duckdb_and_pandas_row_counts(table):
    path = OUT / f"{table}.parquet"
    n = duckdb.sql(f"select count(*) from '{path}'").fetchone()[0]
    assert n == MANIFEST["tables"][table]
    df = pd.read_parquet(path, engine="pyarrow")
    assert len(df) == MANIFEST["tables"][table]


def test_trials_native_types():
    types = dict(duckdb.sql(f"select column_name, column_type from (describe select * from '{OUT / 'trials.parquet'}')").fetchall())
    assert types["start_date"] == "DATE"
    assert types["enrollment"] == "BIGINT"
    assert types["min_age_years"] == "DOUBLE"
    assert types["healthy_volunteers"] == "BOOLEAN"
    assert types["phase"] == "VARCHAR"
    df = pd.read_parquet(OUT / "trials.parquet", engine="pyarrow")
    assert str(df["phase"].dtype) == "category"
    assert str(df["enrollment"].dtype) in ("int64", "Int64")


def test_interventions_other_names_is_a_list():
    types = dict(duckdb.sql(f"select column_name, column_type from (describe select * from '{OUT / 'interventions.parquet'}')").fetchall())
    assert types["other_names"] == "VARCHAR[]"


def test_metric_enrollment_by_cell_source_phase():
    rows = duckdb.sql(f"select * from '{OUT / 'metrics/enrollment_by_cell_source_phase.parquet'}' order by all").fetchall()
    assert rows == [("UMBILICAL_CORD", "PHASE1/PHASE2", 4, 268), ("UNSPECIFIED", "PHASE1/PHASE2", 1, 20)]
