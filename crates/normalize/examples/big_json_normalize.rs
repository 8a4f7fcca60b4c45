//! Peak memory of the parse half of the pipeline on one big JSON file (issue 13, item 8):
//! the file read whole, handed to [`trialtables_extract::extract_each`], every piece
//! normalized and then dropped (as the pipeline sends it to the writer), counts kept.
//!
//! ```text
//! cargo run --release -p trialtables-extract --example big_json -- gen /tmp/big.json 200
//! cargo build --release -p trialtables-normalize --example big_json_normalize
//! /usr/bin/time -v target/release/examples/big_json_normalize /tmp/big.json [reader]
//! ```
//!
//! With `reader`, the file is not read whole: [`trialtables_extract::extract_reader`] reads it.

fn main() {
    let path = std::env::args().nth(1).expect("usage: big_json_normalize FILE [reader]");
    let reader = std::env::args().nth(2).is_some_and(|m| m == "reader");
    let t0 = std::time::Instant::now();
    let cfg = trialtables_normalize::NormalizeConfig::default();
    let (mut records, mut issues, mut calls, mut largest) = (0usize, 0usize, 0usize, 0usize);
    let mut each = |ex: trialtables_extract::Extracted| {
        let normalized: Vec<_> = ex.records.iter().map(|r| trialtables_normalize::normalize(r, &cfg)).collect();
        calls += 1;
        records += normalized.len();
        issues += ex.issues.len() + normalized.iter().map(|n| n.issues.len()).sum::<usize>();
        largest = largest.max(normalized.len());
    };
    if reader {
        let mut file = std::fs::File::open(&path).expect("open input");
        trialtables_extract::extract_reader(&path, &mut file, trialtables_extract::api_json::CHUNK_BYTES, &mut each).expect("read input");
    } else {
        let bytes = std::fs::read(&path).expect("read input");
        trialtables_extract::extract_each(&path, &bytes, &mut each);
    }
    println!(
        "{records} records normalized, {issues} issues, {calls} pieces (largest {largest} records), {:.2} s",
        t0.elapsed().as_secs_f64()
    );
}
