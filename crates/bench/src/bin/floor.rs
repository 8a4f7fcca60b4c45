//! `floor`: the parse-only floor over a directory of inputs, for `scripts/scale-bench`.
//! Reads every file under the given paths with N worker threads (default: one per CPU, like
//! the pipeline), decodes each with the chosen floor and prints one JSON line:
//! `{"mode":..,"files":..,"bytes":..,"records":..,"values":..,"errors":..,"seconds":..}`.
//!
//! Usage: `floor --mode json-typed|json-value|json-skip|xml|text [--threads N] PATH...`
//!
//! A zip archive (the registry's bulk download) is read from disk in ranges of 64 entries,
//! each inflated and decoded by one worker, as the pipeline reads it; its `bytes` are the
//! unzipped bytes.

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use trialtables_bench::corpus::files_under;
use trialtables_bench::floor::{self, Counts};
use trialtables_extract::archive::{kind, Kind, ZipFile};

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
    // Units of work: a whole file, or a range of entries of a zip archive.
    let mut units: Vec<(usize, Option<std::ops::Range<usize>>)> = Vec::new();
    let mut zips: Vec<Option<ZipFile>> = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let mut magic = [0u8; 4];
        let is_zip = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && kind(&magic) == Kind::Zip;
        match is_zip.then(|| ZipFile::open(path).ok().and_then(Result::ok)).flatten() {
            Some(z) => {
                units.extend((0..z.len()).step_by(64).map(|a| (i, Some(a..(a + 64).min(z.len())))));
                zips.push(Some(z));
            }
            None => {
                units.push((i, None));
                zips.push(None);
            }
        }
    }
    let next = AtomicUsize::new(0);
    let total = Mutex::new((Counts::default(), 0u64));
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                let mut mine = (Counts::default(), 0u64);
                loop {
                    let u = next.fetch_add(1, Ordering::Relaxed);
                    let Some((i, range)) = units.get(u) else { break };
                    match (range, &zips[*i]) {
                        (Some(r), Some(z)) => z.for_each_member("zip", r.clone(), &mut |m| match m {
                            Ok(m) => {
                                mine.1 += m.bytes.len() as u64;
                                mine.0 += f(&m.bytes);
                            }
                            Err(_) => mine.0.errors += 1,
                        }),
                        _ => match std::fs::read(&files[*i]) {
                            Ok(bytes) => {
                                mine.1 += bytes.len() as u64;
                                mine.0 += f(&bytes);
                            }
                            Err(_) => mine.0.errors += 1,
                        },
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
