//! API v1 full-study JSON (the retired API, as archived by others) and the streaming JSON
//! reader: every real v1 record read without an error, its id the one its file is named for,
//! its wrappers (FullStudy, FullStudiesResponse, arrays, JSON Lines) with correct lines; and
//! streaming in pieces giving exactly what reading whole gives, on every fixture.
//! (Field-by-field checks of v1 against the source are in `structured.rs`, which reads every
//! real JSON file, v1 included.)

use std::path::{Path, PathBuf};

use serde_json::Value;
use trialtables_extract::{extract, extract_chunked, extract_each, extract_reader, Extracted, Raw, Severity, SourceFormat};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    manifest().join("../../fixtures")
}

const V1: &str = "cell_therapy/ctgov_v1_full_json";

/// The shared real data when present, else the copies under fixtures/realdata.
fn v1_dir() -> PathBuf {
    let shared = manifest().join("../../../shared/realdata").join(V1);
    if shared.is_dir() {
        shared
    } else {
        fixtures().join("realdata").join(V1)
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    v.sort();
    for p in v {
        if p.is_dir() {
            walk(&p, out)
        } else if !p.ends_with("SOURCES.tsv") {
            out.push(p)
        }
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    walk(dir, &mut v);
    v
}

fn txt(r: &Option<Raw>) -> Option<&str> {
    r.as_ref().map(|r| r.text.as_str())
}

/// A record as JSON without its path and lines.
fn unlined(r: &trialtables_extract::RawRecord) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("line");
                m.remove("source_path");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(r).unwrap();
    strip(&mut v);
    v
}

fn v1_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join("realdata").join(V1).join(name)).unwrap()
}

#[test]
fn every_v1_full_study_is_read_with_its_id() {
    let all = files(&v1_dir());
    assert_eq!(all.len(), 57, "the 57 v1 files of {}", v1_dir().display());
    let (mut arms, mut ivs, mut links, mut other_names, mut outcomes, mut pmids, mut ages) = (0, 0, 0, 0, 0, 0, 0);
    for p in &all {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let x = extract(&name, &std::fs::read(p).unwrap());
        assert!(x.issues.is_empty(), "{name}: {:?}", x.issues);
        assert_eq!(x.records.len(), 1, "{name}");
        let r = &x.records[0];
        let want = name.trim_end_matches(".json");
        let want = &want[want.len() - 11..];
        assert_eq!(txt(&r.nct_id), Some(want), "{name}");
        assert_eq!(r.source_format, SourceFormat::CtgovApiV1Json);
        assert!(r.findings.iter().all(|f| f.severity != Severity::Error), "{name}: {:?}", r.findings);
        for (what, v) in [
            ("brief_title", &r.brief_title),
            ("official_title", &r.official_title),
            ("overall_status", &r.overall_status),
            ("study_type", &r.study_type),
            ("start_date", &r.start_date),
            ("completion_date", &r.completion_date),
            ("first_posted_date", &r.first_posted_date),
            ("last_update_date", &r.last_update_date),
            ("lead_sponsor", &r.lead_sponsor),
            ("sex", &r.sex),
            ("brief_summary", &r.brief_summary),
        ] {
            assert!(v.is_some(), "{name}: no {what}");
        }
        assert!(!r.conditions.is_empty(), "{name}: no conditions");
        assert!(r.enrollment.as_ref().is_none_or(|e| e.text.parse::<u64>().is_ok()), "{name}: enrollment {:?}", r.enrollment);
        arms += r.arms.len();
        ivs += r.interventions.len();
        for a in &r.arms {
            for n in &a.intervention_names {
                // "Biological: MSC" names the intervention "MSC".
                assert!(r.interventions.iter().any(|i| i.name.text == n.text), "{name}: arm {:?} names {:?}", a.label.text, n.text);
                links += 1;
            }
        }
        other_names += r.interventions.iter().map(|i| i.other_names.len()).sum::<usize>();
        outcomes += r.outcomes.len();
        pmids += r.references.iter().filter(|x| x.pmid.is_some() && x.reference_type.is_some()).count();
        ages += r.min_age.is_some() as usize;
    }
    // Totals of the 57 files (counted with python's json module).
    assert_eq!((arms, ivs, other_names, outcomes, pmids), (116, 180, 337, 286, 50));
    assert!(links >= 250 && ages == 54, "links {links}, min ages {ages}");
}

/// `{"FullStudy": {"Rank": 1, "Study": {...}}}`, `FullStudiesResponse`, arrays and JSON Lines
/// of v1 studies: the same records, each at the line of its own object.
#[test]
fn v1_wrappers_and_lines() {
    let a = String::from_utf8(v1_fixture("jesnyder__meta_map/NCT00025441.json")).unwrap();
    let b = String::from_utf8(v1_fixture("jesnyder__meta_map/NCT04558736.json")).unwrap();
    let bare = extract("a.json", a.as_bytes()).records.remove(0);
    let strip = |mut x: Extracted| {
        assert!(x.issues.is_empty(), "{:?}", x.issues);
        for r in &mut x.records {
            r.source_path.clear();
        }
        x.records
    };
    let lines_a = a.lines().count() as u32;

    // FullStudy wrapper, the study starting on line 2: every line one later.
    let wrapped = format!("{{\"FullStudy\": {{\"Rank\": 1,\n\"Study\": {a}}}}}");
    let w = strip(extract("w.json", wrapped.as_bytes()));
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].line, 1);
    assert_eq!(w[0].nct_id.as_ref().unwrap().line, bare.nct_id.as_ref().unwrap().line + 1);
    assert_eq!(txt(&w[0].nct_id), Some("NCT00025441"));

    // A FullStudiesResponse of two, as the v1 API paged them.
    let page = format!(
        "{{\"FullStudiesResponse\": {{\"APIVrs\": \"1.01.05\", \"NStudiesFound\": 2,\n\"FullStudies\": [\n{{\"Rank\": 1, \"Study\": {a}}},\n{{\"Rank\": 2, \"Study\": {b}}}\n]}}}}"
    );
    let r = strip(extract("p.json", page.as_bytes()));
    assert_eq!(r.iter().map(|r| txt(&r.nct_id).unwrap()).collect::<Vec<_>>(), ["NCT00025441", "NCT04558736"]);
    assert_eq!(r[0].line, 3);
    assert_eq!(r[1].line, 3 + lines_a);
    assert_eq!(r[0].nct_id.as_ref().unwrap().line, bare.nct_id.as_ref().unwrap().line + 2);
    // Same values as the bare file, lines aside.
    assert_eq!(unlined(&r[0]), unlined(&bare));
    assert_eq!(unlined(&w[0]), unlined(&bare));

    // An array of bare studies and JSON Lines of them.
    let min = |s: &str| serde_json::to_string(&serde_json::from_str::<Value>(s).unwrap()).unwrap();
    let arr = format!("[\n{},\n{}\n]", min(&a), min(&b));
    let r = strip(extract("arr.json", arr.as_bytes()));
    assert_eq!((r.len(), r[0].line, r[1].line), (2, 2, 3));
    let jsonl = format!("{}\n{}\n", min(&a), min(&b));
    let r = strip(extract("l.jsonl", jsonl.as_bytes()));
    assert_eq!((r.len(), r[0].line, r[1].line), (2, 1, 2));
    assert_eq!(txt(&r[1].nct_id), Some("NCT04558736"));
}

/// A v1 module of the wrong shape costs only itself, as in v2.
#[test]
fn v1_odd_shapes_are_findings() {
    let doc = br#"{"ProtocolSection":{"IdentificationModule":{"NCTId":"NCT01234567"},"DesignModule":"oops","ConditionsModule":{"ConditionList":{"Condition":["A",{"x":1}]},"KeywordList":7},"EligibilityModule":{"Gender":"All"}}}"#;
    let x = extract("o.json", doc);
    assert!(x.issues.is_empty(), "{:?}", x.issues);
    let r = &x.records[0];
    assert_eq!(txt(&r.nct_id), Some("NCT01234567"));
    assert_eq!(txt(&r.sex), Some("All"));
    assert_eq!(r.conditions.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["A"]);
    let errs: Vec<_> = r.findings.iter().filter(|f| f.severity == Severity::Error).collect();
    assert_eq!(errs.len(), 3, "{:?}", r.findings);
    // No ProtocolSection at all: one issue, as for an API v2 object without protocolSection.
    let x = extract("n.json", br#"{"FullStudy":{"Rank":1,"Study":{"DerivedSection":{}}}}"#);
    assert_eq!((x.records.len(), x.issues.len()), (0, 1));
    // Cut off: an issue naming the id.
    let a = v1_fixture("jesnyder__meta_map/NCT00025441.json");
    let x = extract("cut.json", &a[..a.len() / 2]);
    assert_eq!(x.records.len(), 0);
    assert_eq!(x.issues.len(), 1);
    assert_eq!(x.issues[0].nct_id.as_deref(), Some("NCT00025441"));
    assert!(x.issues[0].message.contains("cut off"), "{}", x.issues[0].message);
    // Missing id.
    let x = extract("m.json", br#"{"ProtocolSection":{"StatusModule":{"OverallStatus":"Recruiting"}}}"#);
    assert!(x.records[0].findings.iter().any(|f| f.message.contains("IdentificationModule.NCTId")));
}

#[test]
fn snapshot_v1_record() {
    let x = extract("NCT04780529.json", &v1_fixture("ctti-clinicaltrials__aact/results_1__NCT04780529.json"));
    insta::assert_yaml_snapshot!("json_v1_NCT04780529", x.records[0]);
}

// ---------------------------------------------------------------------------------------
// Streaming.
// ---------------------------------------------------------------------------------------

fn pieces(path: &str, bytes: &[u8], chunk: Option<usize>) -> Vec<Extracted> {
    let mut v = Vec::new();
    match chunk {
        Some(c) => extract_chunked(path, bytes, c, &mut |x| v.push(x)),
        None => extract_each(path, bytes, &mut |x| v.push(x)),
    }
    v
}

fn joined(v: Vec<Extracted>) -> Extracted {
    let mut all = Extracted::default();
    for x in v {
        all.records.extend(x.records);
        all.issues.extend(x.issues);
    }
    all
}

/// On every fixture (real data, hostile inputs, pages, seeds): one study per piece gives,
/// put together, exactly what `extract` gives; and `extract_each` gives these small files
/// in one piece per document, as before streaming.
#[test]
fn streaming_pieces_add_up_to_the_whole_on_every_fixture() {
    let mut n = 0;
    for p in files(&fixtures()) {
        let bytes = std::fs::read(&p).unwrap();
        let name = p.to_string_lossy().to_string();
        let whole = extract(&name, &bytes);
        let each = pieces(&name, &bytes, None);
        let members = each.len();
        assert_eq!(joined(each), whole, "{name}");
        let fine = pieces(&name, &bytes, Some(0));
        assert!(fine.len() >= members);
        if whole.records.len() > 1 && whole.issues.is_empty() && !name.ends_with(".zip") && !name.ends_with(".gz") {
            assert_eq!(members, 1, "{name}: one document, one piece");
            assert_eq!(fine.len(), whole.records.len(), "{name}: one piece per study");
        }
        assert_eq!(joined(fine), whole, "{name}");
        n += 1;
    }
    assert!(n > 100, "{n} fixture files");
}

/// A big array is handed over in pieces of about CHUNK_BYTES, with the lines of the whole.
#[test]
fn a_big_array_is_handed_over_in_pieces() {
    let study = String::from_utf8(v1_fixture("jesnyder__meta_map/NCT00025441.json")).unwrap();
    let min = serde_json::to_string(&serde_json::from_str::<Value>(&study).unwrap()).unwrap();
    let count = (trialtables_extract::api_json::CHUNK_BYTES * 5 / 2) / min.len() + 1;
    let mut doc = String::from("[\n");
    for i in 0..count {
        if i > 0 {
            doc.push_str(",\n");
        }
        doc.push_str(&min);
    }
    doc.push_str("\n]");
    let got = pieces("big.json", doc.as_bytes(), None);
    assert_eq!(got.len(), 3, "about 2.5 chunks of studies");
    assert!(got[0].records.len() * min.len() >= trialtables_extract::api_json::CHUNK_BYTES);
    let all = joined(got);
    assert_eq!(all.records.len(), count);
    assert!(all.records.iter().enumerate().all(|(i, r)| r.line == i as u32 + 2));
    // A truncated big array: the complete studies, then the issue, in the last piece.
    let cut = &doc.as_bytes()[..doc.len() - 40];
    let got = pieces("cut.json", cut, Some(0));
    assert_eq!(got.len(), count);
    assert_eq!(got.last().unwrap().issues.len(), 1);
    assert_eq!(joined(got), extract("cut.json", cut));
}

/// A reader handing out a few bytes at a time (sizes cycling 1..=13), to cut the input at
/// every kind of place: inside strings, numbers, between studies.
struct Trickle<'a> {
    bytes: &'a [u8],
    pos: usize,
    n: usize,
    /// Fail once this many bytes were handed out.
    fail_at: Option<usize>,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.fail_at.is_some_and(|at| self.pos >= at) {
            return Err(std::io::Error::other("disk gone"));
        }
        self.n = self.n % 13 + 1;
        let k = self.n.min(buf.len()).min(self.bytes.len() - self.pos);
        buf[..k].copy_from_slice(&self.bytes[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}

fn from_reader(name: &str, bytes: &[u8], chunk: usize) -> Vec<Extracted> {
    let mut v = Vec::new();
    let mut r = Trickle { bytes, pos: 0, n: 0, fail_at: None };
    extract_reader(name, &mut r, chunk, &mut |x| v.push(x)).unwrap();
    v
}

/// Reading from a stream gives what reading the bytes gives, on every fixture, whether the
/// pieces are one study or 4 MiB.
#[test]
fn reading_from_a_stream_matches_reading_bytes_on_every_fixture() {
    let mut arrays = 0;
    for p in files(&fixtures()) {
        let bytes = std::fs::read(&p).unwrap();
        let name = p.to_string_lossy().to_string();
        let whole = extract(&name, &bytes);
        for chunk in [0, trialtables_extract::api_json::CHUNK_BYTES] {
            assert_eq!(joined(from_reader(&name, &bytes, chunk)), whole, "{name}, pieces of {chunk}");
        }
        let is_array = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes).iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
        arrays += is_array as usize;
    }
    assert!(arrays >= 3, "{arrays} array fixtures");
}

/// Hostile arrays through the stream: cut anywhere, bad separators, trailing values, odd
/// elements, Latin-1 bytes: the same records and issues as from bytes.
#[test]
fn streamed_arrays_with_problems() {
    let a = String::from_utf8(v1_fixture("jesnyder__meta_map/NCT00025441.json")).unwrap();
    let min = serde_json::to_string(&serde_json::from_str::<Value>(&a).unwrap()).unwrap();
    let docs: Vec<Vec<u8>> = vec![
        format!("[{min},\n{min}\n]").into_bytes(),
        format!("[\n{min} ,\n 5, \"x\", [1], {min}]").into_bytes(),
        format!("[{min} {min}]").into_bytes(),
        format!("[{min},]").into_bytes(),
        format!("[{min}]\n{{\"protocolSection\":{{}}}}\n[{min}]").into_bytes(),
        format!("[{min}]\n{{\"protocolSection\":{{}}}}\n[{min}]\n{{oops\n").into_bytes(),
        format!("[\n{min}]\n{{\"protocolSection\":{{}}}} [{min}]").into_bytes(),
        format!("[\n{min}]  ]").into_bytes(),
        format!("[ {min}, 12345").into_bytes(),
        b"[]".to_vec(),
        b"  [ ]  ".to_vec(),
        b"\xEF\xBB\xBF[\n]".to_vec(),
        b"[".to_vec(),
        format!("[{}]", min.replace("Rhabdomyosarcoma", "Rhabdomyosarc\u{f6}ma")).into_bytes(),
        format!("[{}]", min.replace("Rhabdomyosarcoma", "Sj\u{f6}gren"))
            .into_bytes()
            .into_iter()
            .map(|b| if b == 0xc3 { 0xf6 } else { b })
            .collect(),
    ];
    for (i, doc) in docs.iter().enumerate() {
        for cut in (0..doc.len()).step_by(doc.len() / 29 + 1).chain([doc.len()]) {
            let part = &doc[..cut];
            let mut want = extract("s.json", part);
            let got = joined(from_reader("s.json", part, 0));
            // Documented: a one-line array followed by more lines (JSON Lines) is known to be
            // line 1 of JSON Lines only after it was read, so its issues lack the prefix.
            if got.issues.len() == want.issues.len() {
                for (g, w) in got.issues.iter().zip(&mut want.issues) {
                    if !g.message.starts_with("JSON Lines") {
                        w.message = w.message.trim_start_matches("JSON Lines line 1: ").to_string();
                    }
                }
            }
            assert_eq!(got, want, "doc {i} cut at {cut}");
        }
    }
}

/// A read error: returned, with the studies read before it handed over.
#[test]
fn a_read_error_is_returned_after_what_was_read() {
    let a = String::from_utf8(v1_fixture("jesnyder__meta_map/NCT00025441.json")).unwrap();
    let min = serde_json::to_string(&serde_json::from_str::<Value>(&a).unwrap()).unwrap();
    let doc = format!("[{}]", vec![min.as_str(); 40].join(",\n"));
    let mut got = Vec::new();
    let mut r = Trickle { bytes: doc.as_bytes(), pos: 0, n: 0, fail_at: Some(min.len() * 30) };
    let e = extract_reader("e.json", &mut r, 0, &mut |x| got.push(x)).unwrap_err();
    assert_eq!(e.to_string(), "disk gone");
    let n = joined(got).records.len();
    assert!((1..30).contains(&n), "{n} studies read before the error");
}
