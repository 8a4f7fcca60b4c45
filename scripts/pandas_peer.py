#!/usr/bin/env python3
"""The pandas peer of trialtables, for scripts/scale-bench: what an analyst would write to get
the same structured tables out of ClinicalTrials.gov API v2 JSON with pandas.

    python3 scripts/pandas_peer.py --input DIR_OR_FILE... --output OUTDIR

Reads every *.json (website-download arrays, page objects or single studies) one file at a
time, builds trials, arms, interventions, outcomes and references with pd.json_normalize
(record paths + the nctId as meta), parses the dates and enrollment the way a pandas user
would (pd.to_datetime / pd.to_numeric), and writes each table to Parquet with pyarrow.
Prints one JSON line: files, bytes, records, rows per table, seconds.

It is deliberately a fair, straightforward script (per-file, not loading everything at once;
only the protocolSection is flattened), not a strawman.
"""
import argparse
import json
import os
import sys
import time
import zipfile

import pandas as pd

TRIAL_COLUMNS = {
    "identificationModule.nctId": "nct_id",
    "identificationModule.briefTitle": "brief_title",
    "identificationModule.officialTitle": "official_title",
    "statusModule.overallStatus": "overall_status",
    "statusModule.startDateStruct.date": "start_date",
    "statusModule.primaryCompletionDateStruct.date": "primary_completion_date",
    "statusModule.completionDateStruct.date": "completion_date",
    "sponsorCollaboratorsModule.leadSponsor.name": "lead_sponsor",
    "designModule.studyType": "study_type",
    "designModule.phases": "phases",
    "designModule.designInfo.allocation": "allocation",
    "designModule.designInfo.interventionModel": "intervention_model",
    "designModule.designInfo.maskingInfo.masking": "masking",
    "designModule.designInfo.primaryPurpose": "primary_purpose",
    "designModule.enrollmentInfo.count": "enrollment",
    "designModule.enrollmentInfo.type": "enrollment_type",
    "eligibilityModule.minimumAge": "min_age",
    "eligibilityModule.maximumAge": "max_age",
    "eligibilityModule.sex": "sex",
    "eligibilityModule.healthyVolunteers": "healthy_volunteers",
    "conditionsModule.conditions": "conditions",
}


def files_of(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _d, files in os.walk(p):
                for f in sorted(files):
                    if f.endswith(".json") or f.endswith(".zip"):
                        yield os.path.join(root, f)
        else:
            yield p


def studies_of(doc):
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        return doc.get("studies", [doc])
    return []


def sub(protocols, path):
    """{nct_id, items} for the protocols that have a non-empty list at `path`
    (json_normalize raises on a missing record path)."""
    out = []
    for p in protocols:
        cur = p
        for k in path:
            cur = cur.get(k) if isinstance(cur, dict) else None
        if isinstance(cur, list) and cur:
            out.append({"nct_id": p.get("identificationModule", {}).get("nctId"), "items": cur})
    return out


def nested(protocols, path, extra=None):
    rows = sub(protocols, path)
    if not rows:
        return pd.DataFrame()
    df = pd.json_normalize(rows, record_path="items", meta=["nct_id"])
    if extra:
        for k, v in extra.items():
            df[k] = v
    return df


def tables_of(studies):
    protocols = [s.get("protocolSection", {}) for s in studies if isinstance(s, dict)]
    trials = pd.json_normalize(protocols)
    trials = trials[[c for c in TRIAL_COLUMNS if c in trials.columns]].rename(columns=TRIAL_COLUMNS)
    for c in ("start_date", "primary_completion_date", "completion_date"):
        if c in trials:
            trials[c] = pd.to_datetime(trials[c], format="mixed", errors="coerce")
    if "enrollment" in trials:
        trials["enrollment"] = pd.to_numeric(trials["enrollment"], errors="coerce")
    arms = nested(protocols, ["armsInterventionsModule", "armGroups"])
    interventions = nested(protocols, ["armsInterventionsModule", "interventions"])
    outcomes = pd.concat(
        [
            nested(protocols, ["outcomesModule", key], {"kind": kind})
            for key, kind in (("primaryOutcomes", "PRIMARY"), ("secondaryOutcomes", "SECONDARY"), ("otherOutcomes", "OTHER"))
        ],
        ignore_index=True,
    )
    references = nested(protocols, ["referencesModule", "references"])
    return {"trials": trials, "arms": arms, "interventions": interventions, "outcomes": outcomes, "references": references}


def to_parquet(df, path):
    # Object columns may mix lists, strings and NaN; pyarrow wants None for missing.
    df = df.astype(object).where(pd.notna(df), None) if len(df.columns) else df
    for c in df.columns:
        if df[c].map(lambda v: isinstance(v, (dict,))).any():
            df[c] = df[c].map(lambda v: json.dumps(v) if v is not None else None)
    df.to_parquet(path, engine="pyarrow", index=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", nargs="+", required=True)
    ap.add_argument("--output", required=True)
    a = ap.parse_args()
    t0 = time.perf_counter()
    parts = {k: [] for k in ("trials", "arms", "interventions", "outcomes", "references")}
    nfiles = nbytes = nrec = 0
    def take(studies):
        for k, df in tables_of(studies).items():
            if len(df):
                parts[k].append(df)

    for f in files_of(a.input):
        nfiles += 1
        if f.endswith(".zip"):
            # The registry's bulk download: single-study members, read 1000 at a time.
            with zipfile.ZipFile(f) as z:
                batch = []
                for info in z.infolist():
                    if info.is_dir():
                        continue
                    raw = z.read(info)
                    nbytes += len(raw)
                    try:
                        batch.extend(studies_of(json.loads(raw)))
                    except ValueError as e:
                        print("pandas_peer: %s!%s: %s" % (f, info.filename, e), file=sys.stderr)
                    if len(batch) >= 1000:
                        nrec += len(batch)
                        take(batch)
                        batch = []
                if batch:
                    nrec += len(batch)
                    take(batch)
            continue
        with open(f, "rb") as fh:
            raw = fh.read()
        nbytes += len(raw)
        try:
            studies = studies_of(json.loads(raw))
        except ValueError as e:
            print("pandas_peer: %s: %s" % (f, e), file=sys.stderr)
            continue
        nrec += len(studies)
        take(studies)
    os.makedirs(a.output, exist_ok=True)
    rows = {}
    for k, dfs in parts.items():
        df = pd.concat(dfs, ignore_index=True) if dfs else pd.DataFrame()
        rows[k] = len(df)
        to_parquet(df, os.path.join(a.output, k + ".parquet"))
    secs = time.perf_counter() - t0
    print(json.dumps({"files": nfiles, "bytes": nbytes, "records": nrec, "rows": rows, "seconds": round(secs, 4)}))


if __name__ == "__main__":
    main()
