#!/usr/bin/env python3
"""Executes notebooks/trialtables.ipynb headlessly (nbclient) on a trialtables output directory.

The committed notebook has no outputs; this runs a copy of it in memory, fails (exit 1) on the
first cell error, and leaves the figures as PNG in <out>/plots/ for inspection. The executed
copy is written only when --executed is given (it is not meant to be committed).

    python3 notebooks/run_notebook.py                      # on out/ (the pipeline.toml run)
    python3 notebooks/run_notebook.py --out /tmp/tt_big    # on another output directory
    python3 notebooks/run_notebook.py --strip              # remove outputs saved from Jupyter
"""
import argparse
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = pathlib.Path(__file__).resolve().parent
NOTEBOOK = HERE / "trialtables.ipynb"
# The figures the notebook must produce (file stems under <plots>/).
EXPECTED_PLOTS = ["enrollment_by_cell_source_phase", "dose_by_cell_source", "timepoints_measured", "trials_by_start_year_status",
                  "trials_by_country_cell_source", "serious_adverse_events_by_cell_source"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=pathlib.Path, default=HERE.parent / "out", help="trialtables output directory (default: out/)")
    ap.add_argument("--plots", type=pathlib.Path, help="where to save the PNGs (default: <out>/plots)")
    ap.add_argument("--executed", type=pathlib.Path, help="also save the executed notebook here")
    ap.add_argument("--timeout", type=int, default=120, help="seconds allowed per cell")
    ap.add_argument("--strip", action="store_true", help="only remove the outputs from the committed notebook, in place")
    args = ap.parse_args(argv)

    if args.strip:
        nb = nbformat.read(NOTEBOOK, as_version=4)
        for c in nb.cells:
            if c.cell_type == "code":
                c.outputs, c.execution_count = [], None
            c.metadata.pop("execution", None)
        nbformat.write(nb, NOTEBOOK)
        print(f"run_notebook: stripped the outputs of {NOTEBOOK}")
        return 0

    out = args.out.resolve()
    plots = (args.plots or out / "plots").resolve()
    if not (out / "manifest.json").is_file():
        print(f"run_notebook: {out}/manifest.json not found; run `trialtables run` first", file=sys.stderr)
        return 2
    plots.mkdir(parents=True, exist_ok=True)
    for stale in plots.glob("*.png"):
        stale.unlink()

    nb = nbformat.read(NOTEBOOK, as_version=4)
    if any(c.get("outputs") or c.get("execution_count") for c in nb.cells if c.cell_type == "code"):
        print(f"run_notebook: {NOTEBOOK.name} has outputs; strip them with `python3 notebooks/run_notebook.py --strip`", file=sys.stderr)
        return 1
    os.environ["TRIALTABLES_OUT"] = str(out)
    os.environ["TRIALTABLES_PLOTS"] = str(plots)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}})
    t0 = time.time()
    try:
        client.execute()
    except CellExecutionError as e:
        print(f"run_notebook: a cell failed on {out}:\n{e}", file=sys.stderr)
        return 1
    finally:
        if args.executed:
            nbformat.write(nb, args.executed)
    missing = [p for p in EXPECTED_PLOTS if not (plots / f"{p}.png").is_file()]
    if missing:
        print(f"run_notebook: figures not saved: {', '.join(missing)}", file=sys.stderr)
        return 1
    print(f"run_notebook: {NOTEBOOK.name} ran on {out} in {time.time() - t0:.1f} s; "
          f"{len(EXPECTED_PLOTS)} figures in {plots}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
