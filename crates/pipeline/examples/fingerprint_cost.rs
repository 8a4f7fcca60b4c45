//! What the duplicate fingerprint costs, against normalize and against the JSON route it
//! replaced. `cargo run --release -p trialtables-pipeline --example fingerprint_cost`
//! (reads the real records under `fixtures/realdata`; prints nanoseconds per record).

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json" || x == "xml") {
            out.push(p);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/realdata");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    paths.sort();
    let cfg = trialtables_normalize::NormalizeConfig::default();
    let raws: Vec<_> = paths
        .iter()
        .flat_map(|p| trialtables_extract::extract(&p.to_string_lossy(), &std::fs::read(p).unwrap_or_default()).records)
        .collect();
    let passes = 20;
    let t = Instant::now();
    let mut recs = Vec::new();
    for _ in 0..passes {
        recs = raws.iter().map(|r| trialtables_normalize::normalize(r, &cfg)).collect::<Vec<_>>();
    }
    let normalize_ns = t.elapsed().as_nanos() as f64 / (passes * recs.len()) as f64;
    let t = Instant::now();
    let mut acc = 0u64;
    for _ in 0..passes {
        for n in &recs {
            acc = acc.wrapping_add(trialtables_pipeline::fingerprint::of(n));
        }
    }
    let serde_ns = t.elapsed().as_nanos() as f64 / (passes * recs.len()) as f64;
    let t = Instant::now();
    for _ in 0..passes {
        for n in &recs {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            serde_json::to_vec(n).unwrap_or_default().hash(&mut h);
            acc = acc.wrapping_add(h.finish());
        }
    }
    let json_ns = t.elapsed().as_nanos() as f64 / (passes * recs.len()) as f64;
    println!("{} records (checksum {acc:x})", recs.len());
    println!("normalize                         {normalize_ns:>10.0} ns/record");
    println!("fingerprint (serde -> mix hash)   {serde_ns:>10.0} ns/record ({:.1}% of normalize)", 100.0 * serde_ns / normalize_ns);
    println!("JSON text -> SipHash (replaced)   {json_ns:>10.0} ns/record ({:.1}% of normalize)", 100.0 * json_ns / normalize_ns);
}
