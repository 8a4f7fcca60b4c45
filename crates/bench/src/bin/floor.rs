//! `floor`: the parse-only floor over a directory of inputs, for `scripts/scale-bench`.
//! Reads every file under the given paths with N worker threads (default: one per CPU, like
//! the pipeline), decodes each with the chosen floor and prints one JSON line:
//! `{"mode":..,"files":..,"bytes":..,"records":..,"values":..,"errors":..,"seconds":..}`.
//!
//! Usage: `floor --mode json-typed|json-value|json-skip|xml|text [--threads N] PATH...`

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use trialtables_bench::corpus::files_under;
use trialtables_bench::floor::{self, Counts};

fn usage() -> ! {
    eprintln!("usage: floor --mode json-typed|json-value|json-skip|xml|text [--threads N] PATH...");
    std::process::exit(2)
}

fn main() {
    let mut mode = None;
    let mut threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--mode" => mode = args.next(),
            "--threads" => threads = args.next().and_then(|t| t.parse().ok()).unwrap_or_else(|| usage()),
            "-h" | "--help" => usage(),
            _ => paths.push(PathBuf::from(a)),
        }
    }
    let f: fn(&[u8]) -> Counts = match mode.as_deref() {
        Some("json-typed") => floor::json_typed,
        Some("json-value") => floor::json_value,
        Some("json-skip") => floor::json_skip,
        Some("xml") => floor::xml,
        Some("text") => floor::text,
        _ => usage(),
    };
    if paths.is_empty() {
        usage();
    }
    let start = Instant::now();
    let mut files = Vec::new();
    for p in &paths {
        if p.is_dir() {
            files.extend(files_under(p));
        } else {
            files.push(p.clone());
        }
    }
    let next = AtomicUsize::new(0);
    let total = Mutex::new((Counts::default(), 0u64));
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                let mut mine = (Counts::default(), 0u64);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    match std::fs::read(path) {
                        Ok(bytes) => {
                            mine.1 += bytes.len() as u64;
                            mine.0 += f(&bytes);
                        }
                        Err(_) => mine.0.errors += 1,
                    }
                }
                if let Ok(mut t) = total.lock() {
                    t.0 += mine.0;
                    t.1 += mine.1;
                }
            });
        }
    });
    let secs = start.elapsed().as_secs_f64();
    let (c, bytes) = total.into_inner().unwrap_or_default();
    println!(
        "{{\"mode\":\"{}\",\"threads\":{threads},\"files\":{},\"bytes\":{bytes},\"records\":{},\"values\":{},\"errors\":{},\"seconds\":{secs:.4}}}",
        mode.unwrap_or_default(),
        files.len(),
        c.records,
        c.values,
        c.errors
    );
}
