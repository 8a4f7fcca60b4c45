#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's fixtures, so each fuzzer starts from
# realistic inputs. The corpora are not committed (see .gitignore); rerun this after a clone.
# Existing corpus files are kept. Run from anywhere: paths are taken from this script's folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
c=fuzz/corpus
mkdir -p "$c/extract" "$c/timeframe" "$c/dose" "$c/dates"

# extract: small documents of every form (JSON, XML, page text, hostile inputs, archives).
for f in \
  fixtures/hostile/{billion_laughs_in_study.xml,err_billion_laughs.xml,err_binary.bin,err_empty.json,err_not_a_study.json,err_truncated_study.xml,err_xxe_external_entity.xml,jsonl_with_bad_line.jsonl,latin1_seed.txt,zip_slip.zip} \
  fixtures/seeds/{000_06cd87bbc5196893.txt,002_80f6234d06866d47.txt,003_38b1ac5494ac9d51.txt} \
  fixtures/text/err_*.txt fixtures/text/real/classic_2014/NCT01006616_head.txt \
  fixtures/realdata/ctgov_v2_json/aact_fixtures/{NCT00465816.json,NCT00973089.json,NCT03418623.json} \
  fixtures/realdata/ctgov_legacy_xml/trec2022_sample/{NCT00055081.xml,NCT00739817.xml} \
  fixtures/realdata/ctgov_legacy_xml/aact_fixtures/NCT02591940.xml; do
  cp "$f" "$c/extract/$(echo "$f" | tr / _)"
done

python3 - <<'EOF'
import gzip, hashlib, io, re, zipfile
c = "fuzz/corpus"
ex = f"{c}/extract"
study_json = open("fixtures/realdata/ctgov_v2_json/aact_fixtures/NCT00465816.json", "rb").read()
open(f"{ex}/study.json.gz", "wb").write(gzip.compress(study_json, mtime=0))
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("a.xml", open("fixtures/realdata/ctgov_legacy_xml/trec2022_sample/NCT00055081.xml", "rb").read())
    z.writestr("b.jsonl", open("fixtures/hostile/jsonl_with_bad_line.jsonl", "rb").read())
open(f"{ex}/two_members.zip", "wb").write(buf.getvalue())
page = open("fixtures/text/err_one_marker.txt", "rb").read().decode("utf-8", "replace")
open(f"{ex}/utf16le_bom.txt", "wb").write(b"\xff\xfe" + page.encode("utf-16-le"))

def put(target, text):
    b = text.encode()
    open(f"{c}/{target}/" + hashlib.sha1(b).hexdigest(), "wb").write(b)

def lines(path):
    for l in open(path, encoding="utf-8"):
        l = l.rstrip("\n")
        if l and not l.startswith("#"):
            yield l

# timeframe, dose: one corpus line per file.
for l in lines("fixtures/corpus/time_frames.txt"):
    put("timeframe", l)
for l in lines("fixtures/corpus/dose_sentences.txt"):
    put("dose", l)

# dates: every distinct date spelling of the real records, plus the documented spellings.
import glob
dates = set()
for p in glob.glob("fixtures/realdata/**/*.json", recursive=True) + glob.glob("fixtures/api_pages/*.json"):
    dates.update(re.findall(r'"date":\s*"([^"]*)"', open(p, encoding="utf-8").read()))
tags = "start_date|completion_date|primary_completion_date|study_first_submitted|last_update_submitted|verification_date"
for p in glob.glob("fixtures/realdata/**/*.xml", recursive=True):
    dates.update(m[1] for m in re.findall(rf"<({tags})[^>]*>([^<]*)<", open(p, encoding="utf-8").read()))
iso = sorted(d for d in dates if d[:1].isdigit())[:25]
words = [d for d in dates if d and not d[:1].isdigit()]
extra = ["June 2009", "August 4, 2009", "2009-06", "2009", "January 2012 (undefined)",
         "December 2013 (Anticipated)", "Sept 2010", "4 August 2009", "Estimated June 2020",
         "Actual 2019/03/04", "Aug 4th 2009", "February 30, 2009"]
for d in set(iso + words + extra):
    put("dates", d)
EOF

for t in extract timeframe dose dates; do echo "$t: $(ls "$c/$t" | wc -l) files"; done
