//! `[input.api]` end to end: the real binary fetches pages from a local HTTP server (never the
//! internet), reads them into the tables, and `--offline` replays the saved fetch with the
//! server gone, giving byte-identical Parquet.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::*;

/// Serves `pages` in order (each request gets the next page), then stops after `limit`
/// requests. Returns the base URL and the request counter.
fn serve(pages: Vec<String>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let n = h.fetch_add(1, Ordering::SeqCst);
            let body = pages.get(n.min(pages.len() - 1)).cloned().unwrap_or_default();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (format!("http://{addr}"), hits)
}

#[test]
fn api_fetch_then_offline_replay_gives_the_same_tables() {
    let studies: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(repo().join("fixtures/api_pages/dgg32+clinical-trials-public__ctg-studies.json")).unwrap())
            .unwrap();
    assert!(studies.len() >= 4);
    let half = studies.len() / 2;
    let page1 = serde_json::json!({"studies": &studies[..half], "nextPageToken": "tok2"}).to_string();
    let page2 = serde_json::json!({"studies": &studies[half..]}).to_string();
    let (base, hits) = serve(vec![page1, page2]);
    let config = format!(
        "[input]\n[input.api]\nbase_url = \"{base}\"\nraw_dir = \"raw\"\nmax_tries = 2\n\n[[input.api.query]]\nname = \"msc\"\ncond = \"lupus\"\n\n[output]\ndir = \"out\"\n"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pipeline.toml"), &config).unwrap();
    let v = run_in_keep(dir.path(), &["validate"]);
    assert_eq!(v.0, 0, "validate: {}", v.2);
    let first = run_in_keep(dir.path(), &["run"]);
    assert_eq!(first.0, 0, "{}\n{}", first.1, first.2);
    assert_eq!(hits.load(Ordering::SeqCst), 2, "two pages fetched");
    let trials = read(&dir.path().join("out/trials.parquet"));
    assert_eq!(trials.num_rows(), studies.len());
    let saved: Vec<_> = walk(&dir.path().join("raw")).into_iter().filter(|p| p.to_string_lossy().ends_with(".json.gz")).collect();
    assert_eq!(saved.len(), 2, "{saved:?}");
    let before: Vec<Vec<u8>> =
        ["trials", "outcomes", "references"].iter().map(|t| std::fs::read(dir.path().join(format!("out/{t}.parquet"))).unwrap()).collect();

    // Offline: no request reaches the server, and the tables are the same bytes.
    let offline = run_in_keep(dir.path(), &["run", "--offline"]);
    assert_eq!(offline.0, 0, "{}\n{}", offline.1, offline.2);
    assert_eq!(hits.load(Ordering::SeqCst), 2, "offline made no request");
    let after: Vec<Vec<u8>> =
        ["trials", "outcomes", "references"].iter().map(|t| std::fs::read(dir.path().join(format!("out/{t}.parquet"))).unwrap()).collect();
    assert!(before == after, "offline replay changed the tables");
}

#[test]
fn api_config_problems_are_located() {
    let run = trialtables!("[input]\n[input.api]\nraw_dir = \"raw\"\npage_sise = 10\n[[input.api.query]]\nname = \"q\"\ncondd = \"x\"\n[output]\ndir = \"out\"\n", "validate");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("unknown field `page_sise`") && run.stderr.contains("did you mean `page_size`?"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown field `condd`") && run.stderr.contains("did you mean `cond`?"), "{}", run.stderr);
}

/// Runs the binary in an existing directory: (exit code, stdout, stderr).
fn run_in_keep(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_trialtables")).args(args).current_dir(dir).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into(), String::from_utf8_lossy(&o.stderr).into())
}
