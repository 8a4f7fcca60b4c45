"""The DuckDB and pandas examples of README.md, character for character: if they stop working
on the real output, this fails. They use paths relative to the repository root (`out/...`)."""
import os
import pathlib

from conftest import is_seeds_run

README_DUCKDB = """\
import duckdb
duckdb.sql("SELECT cell_source, phase, count(*) AS trials, sum(enrollment) AS enrollment FROM 'out/trials.parquet' GROUP BY ALL ORDER BY ALL").show()
duckdb.sql("SELECT t.nct_id, t.phase, d.cell_source, d.dose_per_kg, d.route FROM 'out/trials.parquet' t JOIN 'out/doses.parquet' d USING (nct_id) WHERE d.dose_per_kg IS NOT NULL ORDER BY d.dose_per_kg").show()
"""

README_PANDAS = """\
import pandas as pd
doses = pd.read_parquet("out/doses.parquet").merge(pd.read_parquet("out/trials.parquet")[["nct_id", "phase", "start_date"]], on="nct_id")
print(doses.groupby("cell_source", observed=True)["dose_per_kg"].describe())
"""


README_RESULTS = '''\
duckdb.sql("""SELECT g.nct_id, g.title, g.arm_label, a.arm_type, g.serious_num_affected, g.serious_num_at_risk
              FROM 'out/result_groups.parquet' g JOIN 'out/trials.parquet' t USING (nct_id)
              LEFT JOIN 'out/arms.parquet' a ON a.nct_id = g.nct_id AND a.label = g.arm_label
              WHERE g.section = 'ADVERSE_EVENTS' AND t.cell_source IS NOT NULL ORDER BY ALL""").show()
'''

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_snippets_are_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for snippet in (README_DUCKDB, README_PANDAS, README_RESULTS):
        assert snippet in readme, snippet


def test_readme_results_example(out, tmp_path, monkeypatch, capsys):
    run_snippet("import duckdb\n" + README_RESULTS, out, tmp_path, monkeypatch)
    text = capsys.readouterr().out
    assert "serious_num_affected" in text and "arm_label" in text


def run_snippet(code, out, tmp_path, monkeypatch):
    """Runs `code` from a directory where `out/` is the output under test."""
    (tmp_path / "out").symlink_to(out, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    ns = {}
    exec(compile(code, "README.md", "exec"), ns)
    return ns


def test_snippets_are_three_lines():
    assert len(README_DUCKDB.splitlines()) == 3
    assert len(README_PANDAS.splitlines()) == 3


def test_readme_duckdb_example(out, manifest, tmp_path, monkeypatch, capsys):
    run_snippet(README_DUCKDB, out, tmp_path, monkeypatch)
    text = capsys.readouterr().out
    assert "cell_source" in text and "dose_per_kg" in text
    if is_seeds_run(manifest):
        assert "UMBILICAL_CORD" in text and "268" in text
        assert "NCT03562065" in text and "INTRAVENOUS" in text


def test_readme_pandas_example(out, manifest, tmp_path, monkeypatch, capsys):
    ns = run_snippet(README_PANDAS, out, tmp_path, monkeypatch)
    text = capsys.readouterr().out
    doses = ns["doses"]
    assert len(doses) == manifest["tables"]["doses"]
    assert str(doses["cell_source"].dtype) == "category"
    assert {"phase", "start_date", "dose_per_kg"} <= set(doses.columns)
    if is_seeds_run(manifest):
        # UMBILICAL_CORD per-kg rows: NCT03562065's three tiers 1e6, 2e6, 4e6 and NCT04356287's
        # 1e6 stated twice -> count 5, mean 1.8e6 (NCT01547091 states a total, not per kg).
        row = [l for l in text.splitlines() if l.startswith("UMBILICAL_CORD")]
        assert row and row[0].split()[1:3] == ["5.0", "1800000.0"], text
    assert os.getcwd() == str(tmp_path)
