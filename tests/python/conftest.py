"""Shared fixtures for the analyst-side checks.

The output directory is `out/` at the repository root (what `scripts/test-all` just wrote from
pipeline.toml), or `$TRIALTABLES_OUT`. The expected schema comes from the real binary
(`target/debug/trialtables schema --format json`, or `$TRIALTABLES_BIN`), so the checks follow
the Rust side instead of repeating it."""
import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = pathlib.Path(os.environ.get("TRIALTABLES_OUT", ROOT / "out")).resolve()
BIN = pathlib.Path(os.environ.get("TRIALTABLES_BIN", ROOT / "target" / "debug" / "trialtables"))


@pytest.fixture(scope="session")
def out():
    if not (OUT / "manifest.json").is_file():
        pytest.fail(f"{OUT}/manifest.json missing: run `cargo run -p trialtables -- run --config pipeline.toml` first")
    return OUT


@pytest.fixture(scope="session")
def manifest(out):
    return json.loads((out / "manifest.json").read_text())


@pytest.fixture(scope="session")
def schema():
    """`trialtables schema --format json`: {table: {"description", "columns": [...]}}."""
    if not BIN.is_file():
        pytest.fail(f"{BIN} missing: run `cargo build -p trialtables` first (or set TRIALTABLES_BIN)")
    text = subprocess.run([str(BIN), "schema", "--format", "json"], check=True, capture_output=True, text=True).stdout
    return {t["table"]: t for t in json.loads(text)}


def is_seeds_run(manifest):
    """True when the output is the shipped pipeline.toml run on the five seed records."""
    paths = [i["path"] for i in manifest.get("inputs", [])]
    return len(paths) == 5 and all(p.startswith("fixtures/seeds/") for p in paths)
