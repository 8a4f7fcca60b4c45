#!/usr/bin/env python3
"""Builds a scale-test corpus of N records by replicating real records with fresh NCT ids.

Used by scripts/scale-bench; runnable alone:

    python3 scripts/scale_corpus.py --n 10000 --form json --out /tmp/tt-scale/corpus/10000/json

Pools (real records only, nothing synthesised):
  json  every study in fixtures/realdata/ctgov_v2_json (arrays, pages, single studies),
        written as website-download arrays ("[\\n{study},\\n{study}\\n]") of --per-file studies.
  xml   every fixtures/realdata/ctgov_legacy_xml/**/*.xml, one file per study in folders of
        1000 (like the old AACT/ClinicalTrials.gov dumps), or zips of --per-file with --zip.
  text  every fixtures/seeds/*.txt page, one file per page in folders of 1000.

Ids: every NCT number in a copy is replaced by a fresh one (NCT9xxxxxxx, never a real
registered range), the same original id always by the same fresh id within the copy, so a
record stays self-consistent and no two copies share an id (no duplicate resolution kicks in).
Record i is pool[i % len(pool)], so the mix is the same at every N.
"""
import argparse
import json
import os
import re
import sys
import zipfile

NCT = re.compile(r"(NCT\d{8})")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Ids:
    """Hands out fresh NCT ids: NCT90000000, NCT90000001, ..."""

    def __init__(self, start=90000000):
        self.next = start

    def fresh(self):
        if self.next > 99999999:
            sys.exit("scale_corpus: out of fresh NCT ids (more than 10M needed)")
        v = "NCT%08d" % self.next
        self.next += 1
        return v


def template(text):
    """Splits a record's text around NCT ids: even items are text, odd items are ids."""
    return NCT.split(text)


def instantiate(parts, ids):
    mapping = {}
    out = []
    for k, p in enumerate(parts):
        if k % 2:
            if p not in mapping:
                mapping[p] = ids.fresh()
            out.append(mapping[p])
        else:
            out.append(p)
    return "".join(out)


def files_under(d):
    out = []
    for root, _dirs, files in os.walk(d):
        for f in files:
            if f != "SOURCES.tsv":
                out.append(os.path.join(root, f))
    return sorted(out)


def json_pool(dirs):
    pool = []
    for d in dirs:
        for f in files_under(d):
            if not f.endswith(".json"):
                continue
            try:
                with open(f, encoding="utf-8") as fh:
                    doc = json.load(fh)
            except (ValueError, UnicodeDecodeError):
                continue
            studies = doc if isinstance(doc, list) else doc.get("studies", [doc]) if isinstance(doc, dict) else []
            for s in studies:
                # Only studies in the website's own shape (an R-jsonlite re-serialisation wraps
                # every scalar in an array; the download never does).
                if isinstance(s, dict) and isinstance(s.get("protocolSection", {}).get("identificationModule", {}).get("nctId"), str):
                    pool.append(template(json.dumps(s, ensure_ascii=False, separators=(",", ":"))))
    return pool


def text_pool(dirs, suffix):
    pool = []
    for d in dirs:
        for f in files_under(d):
            if f.endswith(suffix):
                with open(f, encoding="utf-8", errors="surrogateescape") as fh:
                    pool.append(template(fh.read()))
    return pool


def build(n, form, out, per_file=1000, zip_xml=False, pool_dirs=None):
    """Writes the corpus; returns a dict with files, bytes, records and the pool size."""
    os.makedirs(out, exist_ok=True)
    if form in ("json", "bulkzip"):
        pool = json_pool(pool_dirs or [os.path.join(ROOT, "fixtures/realdata/ctgov_v2_json")])
    elif form == "xml":
        pool = text_pool(pool_dirs or [os.path.join(ROOT, "fixtures/realdata/ctgov_legacy_xml")], ".xml")
    elif form == "text":
        pool = text_pool(pool_dirs or [os.path.join(ROOT, "fixtures/seeds")], ".txt")
    else:
        sys.exit("scale_corpus: unknown form %r" % form)
    if not pool:
        sys.exit("scale_corpus: empty %s pool" % form)
    ids = Ids()
    nbytes = 0
    nfiles = 0
    enc = lambda s: s.encode("utf-8", errors="surrogateescape")
    if form == "json":
        for start in range(0, n, per_file):
            docs = [instantiate(pool[i % len(pool)], ids) for i in range(start, min(n, start + per_file))]
            data = enc("[\n" + ",\n".join(docs) + "\n]\n")
            path = os.path.join(out, "ctg-studies-%06d.json" % (start // per_file))
            with open(path, "wb") as fh:
                fh.write(data)
            nbytes += len(data)
            nfiles += 1
    elif form == "bulkzip":
        # Like the registry's bulk download (ctg-studies.json.zip): one zip of single-study
        # JSON members in 100 folders. `bytes` counts the unzipped bytes.
        path = os.path.join(out, "ctg-studies.json.zip")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for i in range(n):
                doc = enc(instantiate(pool[i % len(pool)], ids))
                z.writestr("ctg-studies/%02d/study-%08d.json" % (i % 100, i), doc)
                nbytes += len(doc)
        nfiles = 1
    elif form == "xml" and zip_xml:
        for start in range(0, n, per_file):
            path = os.path.join(out, "studies-%06d.zip" % (start // per_file))
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
                for i in range(start, min(n, start + per_file)):
                    doc = instantiate(pool[i % len(pool)], ids)
                    z.writestr("study-%08d.xml" % i, enc(doc))
            nbytes += os.path.getsize(path)
            nfiles += 1
    else:
        ext = ".xml" if form == "xml" else ".txt"
        for i in range(n):
            doc = enc(instantiate(pool[i % len(pool)], ids))
            sub = os.path.join(out, "%04d" % (i // 1000))
            if i % 1000 == 0:
                os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, "r%08d%s" % (i, ext)), "wb") as fh:
                fh.write(doc)
            nbytes += len(doc)
            nfiles += 1
    return {"form": form, "records": n, "files": nfiles, "bytes": nbytes, "pool": len(pool), "zip": zip_xml}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--form", choices=["json", "bulkzip", "xml", "text"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--per-file", type=int, default=1000)
    ap.add_argument("--zip", action="store_true", help="xml: zips of --per-file studies")
    ap.add_argument("--pool", action="append", help="read the pool from this directory instead")
    a = ap.parse_args()
    print(json.dumps(build(a.n, a.form, a.out, a.per_file, a.zip, a.pool)))


if __name__ == "__main__":
    main()
