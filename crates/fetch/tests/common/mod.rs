//! A tiny ClinicalTrials.gov API v2 stand-in on 127.0.0.1 for the fetch tests: it cuts real
//! study arrays (fixtures/api_pages) into pages of the requested `pageSize` with opaque
//! tokens, logs every request, and can be told to misbehave on given requests (429 with
//! Retry-After, 503, dropped connection, truncated body, hang).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::value::RawValue;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request seen by the server.
#[derive(Debug, Clone)]
pub struct Req {
    pub path: String,
    pub params: Vec<(String, String)>,
    pub at: Instant,
}

impl Req {
    pub fn get(&self, k: &str) -> Option<&str> {
        self.params.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str())
    }
    /// Every parameter but pageToken.
    pub fn fixed_params(&self) -> Vec<(String, String)> {
        self.params.iter().filter(|(k, _)| k != "pageToken").cloned().collect()
    }
}

/// What to do with a request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with a status, extra headers and a body.
    Status(u16, Vec<(String, String)>, String),
    /// Read the request, then close the connection without answering.
    Drop,
    /// Send headers announcing the whole page, half the body, then close.
    Truncate,
    /// Wait this long before answering normally.
    Delay(Duration),
}

#[derive(Default)]
struct State {
    log: Vec<Req>,
    /// Bodies of the pages served successfully, in order.
    served: Vec<Vec<u8>>,
    in_flight: usize,
    max_in_flight: usize,
}

pub struct Server {
    pub base_url: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

pub struct Api {
    pub studies: Vec<Box<RawValue>>,
    /// Hand out a token after an exactly full last page (the real API does this), leading to
    /// an empty page.
    pub token_after_full_last_page: bool,
    /// Faults by request number (0-based, counted over the whole server).
    pub faults: BTreeMap<usize, Fault>,
    /// Fault for every request at or after this number (e.g. "always 503").
    pub fault_from: Option<(usize, Fault)>,
    /// Delay every page answer by this much.
    pub delay: Duration,
    /// Gzip the pages (Content-Encoding: gzip) when the client accepts it.
    pub gzip: bool,
}

impl Api {
    pub fn new(studies: Vec<Box<RawValue>>) -> Api {
        Api { studies, token_after_full_last_page: false, faults: BTreeMap::new(), fault_from: None, delay: Duration::ZERO, gzip: false }
    }
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/api_pages").join(name)
}

/// The studies of a real array file, each as its exact JSON text.
pub fn studies(name: &str) -> Vec<Box<RawValue>> {
    let bytes = std::fs::read(fixture(name)).expect("fixture readable");
    serde_json::from_slice(&bytes).expect("fixture is a JSON array")
}

pub const TEN_A: &str = "Jinash-Rouniyar+trial-match-ai__ctg-studies.json";
pub const TEN_B: &str = "dgg32+clinical-trials-public__ctg-studies.json";

const TOKEN_PREFIX: &str = "NF0g5JmDlfYt";

pub fn token_for(offset: usize) -> String {
    format!("{TOKEN_PREFIX}{offset:04x}")
}

fn offset_of(token: &str) -> Option<usize> {
    usize::from_str_radix(token.strip_prefix(TOKEN_PREFIX)?, 16).ok()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(v) = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8(out).expect("utf8 query")
}

impl Server {
    pub async fn start(api: Api) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(State::default()));
        let api = Arc::new(api);
        let st = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else { return };
                let (st, api) = (st.clone(), api.clone());
                tokio::spawn(async move { handle(sock, st, api).await });
            }
        });
        Server { base_url: format!("http://{addr}"), state, task }
    }

    pub fn log(&self) -> Vec<Req> {
        self.state.lock().unwrap().log.clone()
    }
    pub fn served(&self) -> Vec<Vec<u8>> {
        self.state.lock().unwrap().served.clone()
    }
    pub fn max_in_flight(&self) -> usize {
        self.state.lock().unwrap().max_in_flight
    }
    pub fn stop(self) {
        self.task.abort();
    }
}

async fn handle(mut sock: tokio::net::TcpStream, st: Arc<Mutex<State>>, api: Arc<Api>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    let params: Vec<(String, String)> = query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect();
    let req = Req { path: path.to_string(), params, at: Instant::now() };
    let n = {
        let mut s = st.lock().unwrap();
        s.log.push(req.clone());
        s.in_flight += 1;
        s.max_in_flight = s.max_in_flight.max(s.in_flight);
        s.log.len() - 1
    };
    let fault = api.faults.get(&n).cloned().or_else(|| api.fault_from.as_ref().filter(|(from, _)| n >= *from).map(|(_, f)| f.clone()));
    let done = |st: &Arc<Mutex<State>>| st.lock().unwrap().in_flight -= 1;
    if !api.delay.is_zero() {
        tokio::time::sleep(api.delay).await;
    }
    let (status, headers, body, truncate) = match fault {
        Some(Fault::Drop) => {
            done(&st);
            drop(sock);
            return;
        }
        Some(Fault::Status(code, h, body)) => (code, h, body.into_bytes(), false),
        Some(Fault::Delay(d)) => {
            tokio::time::sleep(d).await;
            let (c, b) = page(&api, &req);
            (c, vec![], b, false)
        }
        Some(Fault::Truncate) => {
            let (c, b) = page(&api, &req);
            (c, vec![], b, true)
        }
        None => {
            let (c, b) = page(&api, &req);
            (c, vec![], b, false)
        }
    };
    let accepts_gzip = head.to_ascii_lowercase().contains("\r\naccept-encoding: gzip");
    let plain = body;
    let (body, headers) = if api.gzip && accepts_gzip && status == 200 {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&plain).unwrap();
        let mut h = headers;
        h.push(("Content-Encoding".into(), "gzip".into()));
        (enc.finish().unwrap(), h)
    } else {
        (plain.clone(), headers)
    };
    let mut out = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(status),
        body.len()
    );
    for (k, v) in &headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if truncate {
        bytes.extend_from_slice(&body[..body.len() / 2]);
    } else {
        bytes.extend_from_slice(&body);
        if status == 200 {
            st.lock().unwrap().served.push(plain);
        }
    }
    let _ = sock.write_all(&bytes).await;
    let _ = sock.flush().await;
    let _ = sock.shutdown().await;
    done(&st);
}

fn reason(s: u16) -> &'static str {
    match s {
        200 => "OK",
        400 => "Bad Request",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Other",
    }
}

/// The page a request asks for, cut from the studies.
fn page(api: &Api, req: &Req) -> (u16, Vec<u8>) {
    if req.path != "/api/v2/studies" {
        return (404, b"not found".to_vec());
    }
    let size: usize = match req.get("pageSize").map(str::parse) {
        Some(Ok(n)) if (1..=1000).contains(&n) => n,
        _ => return (400, b"pageSize missing or invalid".to_vec()),
    };
    let offset = match req.get("pageToken") {
        None => 0,
        Some(t) => match offset_of(t) {
            Some(o) => o,
            None => return (400, format!("unknown pageToken {t}").into_bytes()),
        },
    };
    let end = (offset + size).min(api.studies.len());
    let slice = api.studies.get(offset..end).unwrap_or(&[]);
    let mut body = String::from("{\"studies\":[");
    for (i, s) in slice.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(s.get());
    }
    body.push(']');
    let more = end < api.studies.len() || (api.token_after_full_last_page && slice.len() == size);
    if more {
        body.push_str(&format!(",\"nextPageToken\":\"{}\"", token_for(end)));
    }
    if offset == 0 && req.get("countTotal") == Some("true") {
        body.push_str(&format!(",\"totalCount\":{}", api.studies.len()));
    }
    body.push('}');
    (200, body.into_bytes())
}
