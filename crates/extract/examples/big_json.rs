//! Peak-memory check for one big JSON file (issue 13, item 8).
//!
//! ```text
//! cargo run --release -p trialtables-extract --example big_json -- gen /tmp/big.json 200
//! /usr/bin/time -v target/release/examples/big_json each /tmp/big.json
//! ```
//!
//! `gen OUT MB` writes a single-line array of real API v2 studies (the download-array
//! fixtures, repeated with fresh NCT ids) of about MB megabytes. `each FILE` reads the file
//! and hands it to [`trialtables_extract::extract_each`] the way the pipeline does, keeping
//! nothing but counts; `whole FILE` calls [`trialtables_extract::extract`] (every record held);
//! `reader FILE` does not hold the file: [`trialtables_extract::extract_reader`] on it.

use std::io::Write;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen") => generate(Path::new(&args[2]), args.get(3).and_then(|m| m.parse().ok()).unwrap_or(200)),
        Some(mode @ ("each" | "whole" | "reader")) => read(mode, &args[2]),
        _ => eprintln!("usage: big_json gen OUT [MB] | each FILE | whole FILE | reader FILE"),
    }
}

fn generate(out: &Path, mb: usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/realdata/ctgov_v2_json/ctg_studies_download_arrays");
    let mut studies: Vec<serde_json::Value> = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir).expect("fixtures").flatten().map(|e| e.path()).collect();
    names.sort();
    for p in names {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).expect("read")).expect("json");
        studies.extend(v.as_array().cloned().unwrap_or_default());
    }
    assert!(!studies.is_empty());
    let target = mb << 20;
    let mut f = std::io::BufWriter::new(std::fs::File::create(out).expect("create"));
    let (mut written, mut n) = (1usize, 0usize);
    f.write_all(b"[").unwrap();
    while written < target {
        let mut st = studies[n % studies.len()].clone();
        let id = format!("NCT{:08}", 10_000_000 + n);
        if let Some(x) = st.pointer_mut("/protocolSection/identificationModule/nctId") {
            *x = serde_json::Value::String(id);
        }
        let s = serde_json::to_string(&st).unwrap();
        if n > 0 {
            f.write_all(b",").unwrap();
            written += 1;
        }
        f.write_all(s.as_bytes()).unwrap();
        written += s.len();
        n += 1;
    }
    f.write_all(b"]").unwrap();
    f.flush().unwrap();
    println!("{}: {n} studies, {} bytes", out.display(), written + 1);
}

fn read(mode: &str, path: &str) {
    let t0 = std::time::Instant::now();
    let (mut records, mut issues, mut calls, mut largest) = (0usize, 0usize, 0usize, 0usize);
    if mode == "reader" {
        let mut file = std::fs::File::open(path).expect("open input");
        trialtables_extract::extract_reader(path, &mut file, trialtables_extract::api_json::CHUNK_BYTES, &mut |ex| {
            calls += 1;
            records += ex.records.len();
            issues += ex.issues.len();
            largest = largest.max(ex.records.len());
        })
        .expect("read input");
        println!(
            "{mode}: {records} records, {issues} issues, {calls} calls (largest {largest} records), {:.2} s",
            t0.elapsed().as_secs_f64()
        );
        return;
    }
    let bytes = std::fs::read(path).expect("read input");
    if mode == "whole" {
        let ex = trialtables_extract::extract(path, &bytes);
        (records, issues, calls, largest) = (ex.records.len(), ex.issues.len(), 1, ex.records.len());
    } else {
        trialtables_extract::extract_each(path, &bytes, &mut |ex| {
            calls += 1;
            records += ex.records.len();
            issues += ex.issues.len();
            largest = largest.max(ex.records.len());
        });
    }
    println!("{mode}: {records} records, {issues} issues, {calls} calls (largest {largest} records), {:.2} s", t0.elapsed().as_secs_f64());
}
