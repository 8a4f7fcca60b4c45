"""The notebook: committed without outputs, and it runs (headless, via run_notebook.py) on an
output whose tables are all empty, drawing "no data" instead of crashing. scripts/test-all runs
it on the real output afterwards."""
import json
import pathlib
import shutil
import sys

import nbformat
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "trialtables.ipynb"
sys.path.insert(0, str(ROOT / "notebooks"))

import run_notebook  # noqa: E402


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "no code cells"
    for c in code:
        assert c.outputs == [] and c.execution_count is None, "strip with `python3 notebooks/run_notebook.py --strip`"


def test_notebook_reads_the_output_directory_from_the_environment():
    src = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells)
    assert 'os.environ.get("TRIALTABLES_OUT", "../out")' in src


def empty_copy(out, dest):
    """Every table and metric of `out` with its schema and metadata but no rows."""
    (dest / "metrics").mkdir(parents=True)
    manifest = json.loads((out / "manifest.json").read_text())
    for group, sub in (("tables", ""), ("metrics", "metrics/")):
        for name in manifest[group]:
            src = out / f"{sub}{name}.parquet"
            schema = pq.read_schema(src)
            pq.write_table(pa.Table.from_pylist([], schema=schema), dest / f"{sub}{name}.parquet")
            manifest[group][name] = 0
    manifest["inputs"] = []
    (dest / "manifest.json").write_text(json.dumps(manifest))


def test_notebook_runs_on_empty_tables(out, tmp_path):
    empty = tmp_path / "out"
    empty_copy(out, empty)
    plots = tmp_path / "plots"
    assert run_notebook.main(["--out", str(empty), "--plots", str(plots), "--executed", str(tmp_path / "run.ipynb")]) == 0
    assert sorted(p.stem for p in plots.glob("*.png")) == sorted(run_notebook.EXPECTED_PLOTS)
    executed = nbformat.read(tmp_path / "run.ipynb", as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    # The committed notebook is untouched by the run.
    test_committed_notebook_has_no_outputs()


def test_run_notebook_refuses_a_missing_output(tmp_path):
    assert run_notebook.main(["--out", str(tmp_path / "nowhere")]) == 2


def test_run_notebook_fails_on_a_cell_error(out, tmp_path):
    """A broken output (trials.parquet missing) must make the run fail, not pass silently."""
    broken = tmp_path / "out"
    shutil.copytree(out, broken, ignore=shutil.ignore_patterns("plots"))
    (broken / "trials.parquet").unlink()
    assert run_notebook.main(["--out", str(broken), "--plots", str(tmp_path / "plots")]) == 1


def colour_pixels(png, rgb, tol=0.04):
    """Pixels of `png` within `tol` of the colour `rgb` (0-255 triple)."""
    import matplotlib.image
    import numpy as np

    img = matplotlib.image.imread(png)[..., :3]
    return int((np.abs(img - np.array(rgb) / 255.0) < tol).all(axis=-1).sum())


def test_country_and_adverse_event_plots_draw_bars_on_real_records(tmp_path):
    """On the real records (sites, posted results), the two issue-17 figures are real bar charts,
    checked as images: the cell-arm colour, the control-arm colour and the cell-source colours
    each cover a visible area, which a "no data" panel never does."""
    import subprocess

    from conftest import BIN

    out = tmp_path / "out"
    cfg = tmp_path / "pipeline.toml"
    cfg.write_text(f'[input]\npaths = ["{ROOT / "fixtures" / "realdata"}"]\n[output]\ndir = "{out}"\n[run]\nfail_on = "never"\n')
    subprocess.run([str(BIN), "-q", "run", "--config", str(cfg)], check=True)
    plots = tmp_path / "plots"
    assert run_notebook.main(["--out", str(out), "--plots", str(plots)]) == 0
    sae = plots / "serious_adverse_events_by_cell_source.png"
    assert colour_pixels(sae, (0xDD, 0x84, 0x52)) > 300, "no cell-arm bars"
    assert colour_pixels(sae, (0x4C, 0x72, 0xB0)) > 300, "no control-arm bars"
    countries = plots / "trials_by_country_cell_source.png"
    # tab10 blue (umbilical cord) and orange (bone marrow), the two commonest MSC sources.
    assert colour_pixels(countries, (0x1F, 0x77, 0xB4)) + colour_pixels(countries, (0xFF, 0x7F, 0x0E)) > 300, "no country bars"
