//! trialtables-fetch: gets studies from the ClinicalTrials.gov API v2 (`/api/v2/studies`)
//! into a raw zone, reproducibly. It exists so that the pipeline's input can be "this query,
//! today" instead of a hand-downloaded file, without losing what made files good inputs:
//! every page is kept byte for byte (gzip) with a manifest, a saved fetch can be replayed
//! offline with the same bytes, an interrupted fetch resumes where it stopped, and a fetch
//! can ask only for what changed since the last complete one.
//!
//! The saved pages are API page objects `{"studies": [...], "nextPageToken": ...}`, gzip:
//! exactly what `trialtables_extract::extract` reads, so the pipeline just adds
//! [`FetchOutcome::pages`] to its input files.
//!
//! Politeness: pages of one query are sequential (each token comes from the previous page);
//! queries run concurrently up to `max_concurrency`; 429, 5xx, timeouts and dropped
//! connections are retried with exponential backoff and jitter, honouring `Retry-After`.
#![deny(missing_docs)]

pub mod clock;
pub mod config;
pub mod params;
pub mod rawzone;
pub mod retry;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::Deserialize;
use tracing::Instrument;

pub use config::{ApiConfig, ApiQuery, DEFAULT_BASE_URL, MAX_PAGE_SIZE};
pub use rawzone::{Manifest, PageEntry, SavedFetch};

/// Why a fetch failed. Every variant names what it was doing (URL or path).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The configuration is invalid; one line per problem.
    #[error("invalid [input.api] configuration:\n{}", .0.join("\n"))]
    Config(Vec<String>),
    /// A page could not be fetched within `max_tries` (or the server asked for a longer wait
    /// than `max_retry_after_ms`). The fetch can be resumed later.
    #[error("gave up on GET {url} after {tries} tr{}: {last}", if *.tries == 1 { "y" } else { "ies" })]
    GaveUp {
        /// Full URL of the page.
        url: String,
        /// Tries made.
        tries: u32,
        /// Last HTTP status, when the last try got an answer.
        status: Option<u16>,
        /// What went wrong on the last try.
        last: String,
    },
    /// The server refused the request with a status that retrying cannot fix (e.g. 400 for an
    /// invalid query expression); `body` is the start of its answer.
    #[error("GET {url} answered HTTP {status}: {body}")]
    Status {
        /// Full URL of the page.
        url: String,
        /// HTTP status.
        status: u16,
        /// Start of the response body (the API explains the problem there).
        body: String,
    },
    /// The API handed out a page token it had already given in this fetch.
    #[error("GET {url}: the API returned page token {token:?} a second time; stopping instead of looping")]
    TokenLoop {
        /// URL of the page that repeated the token.
        url: String,
        /// The repeated token.
        token: String,
    },
    /// Reading or writing the raw zone failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// File or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The raw zone holds something unexpected (unreadable manifest, altered page).
    #[error("{}: {reason}", .path.display())]
    RawZone {
        /// File or directory.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Offline mode found no complete saved fetch of a query.
    #[error("offline: no complete saved fetch of query {query:?} in {}{hint}", .raw_dir.display())]
    NoSavedFetch {
        /// Query name.
        query: String,
        /// Raw-zone directory searched.
        raw_dir: PathBuf,
        /// Extra advice (e.g. an incomplete fetch exists).
        hint: String,
    },
    /// The HTTP client could not be built (TLS setup).
    #[error("building the HTTP client: {0}")]
    Client(String),
}

/// How to run a fetch.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// Use no network: replay the latest complete saved fetch of each query.
    pub offline: bool,
    /// Draw a progress bar (pages and studies). It is drawn only when stderr is a terminal,
    /// whatever this says; the CLI sets it to false for `--quiet` / JSON logs.
    pub progress: bool,
}

/// Where a fetch's pages came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Fetched now from the API, starting from the first page.
    Network,
    /// Fetched now from the API, continuing an interrupted fetch.
    Resumed,
    /// Read from the raw zone (offline mode); nothing was fetched.
    Replay,
}

/// The result of fetching (or replaying) one query.
#[derive(Debug, Clone)]
pub struct FetchOutcome {
    /// Query name.
    pub query: String,
    /// Fetch id (directory name under `raw_dir`).
    pub fetch_id: String,
    /// The fetch directory.
    pub dir: PathBuf,
    /// The manifest as saved (complete).
    pub manifest: Manifest,
    /// How the pages were obtained.
    pub origin: Origin,
    /// The saved page files of this fetch, in order: inputs for the extract stage.
    pub pages: Vec<PathBuf>,
    /// The page files that together give the current state of the query: the latest full
    /// fetch, then every later incremental one (oldest first). Equal to `pages` unless
    /// `since_last_success` is used; a study in several of them must be taken from the last.
    pub snapshot: Vec<PathBuf>,
    /// Pages fetched over the network by this call (0 for a replay).
    pub pages_fetched: u32,
}

impl FetchOutcome {
    /// This fetch as a [`SavedFetch`] (e.g. to read its pages back, checked by sha256).
    pub fn saved(&self) -> SavedFetch {
        SavedFetch { dir: self.dir.clone(), manifest: self.manifest.clone() }
    }
}

/// Fetches every configured query (or replays it when `options.offline`), at most
/// `max_concurrency` at a time. All queries are run to the end even if one fails (so each
/// saves what it can and can be resumed); the first error in query order is returned.
/// Must be called inside a tokio runtime.
pub async fn fetch(config: &ApiConfig, options: &FetchOptions) -> Result<Vec<FetchOutcome>, FetchError> {
    config.validate().map_err(FetchError::Config)?;
    let raw_dir = PathBuf::from(&config.raw_dir);
    if options.offline {
        return config.queries.iter().map(|q| replay(&raw_dir, q, &config.base_url)).collect();
    }
    let client = build_client(config)?;
    let bars = Progress::new(options.progress);
    let sem = Arc::new(tokio::sync::Semaphore::new(config.max_concurrency));
    let cfg = Arc::new(config.clone());
    let mut set = tokio::task::JoinSet::new();
    for (i, q) in config.queries.iter().enumerate() {
        let (sem, cfg, client, q) = (sem.clone(), cfg.clone(), client.clone(), q.clone());
        let bar = bars.bar(&q.name);
        let span = tracing::info_span!("fetch", query = %q.name, fetch_id = tracing::field::Empty, pages = tracing::field::Empty, studies = tracing::field::Empty);
        set.spawn(
            async move {
                let _permit = sem.acquire_owned().await;
                let r = fetch_query(&cfg, &client, &q, &bar).await;
                if let Err(e) = &r {
                    bar.abandon_with_message(format!("{}: failed", q.name));
                    tracing::error!(error = %e, "fetch failed");
                }
                (i, r)
            }
            .instrument(span),
        );
    }
    let mut results: Vec<Option<Result<FetchOutcome, FetchError>>> = (0..config.queries.len()).map(|_| None).collect();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((i, r)) => {
                if let Some(slot) = results.get_mut(i) {
                    *slot = Some(r);
                }
            }
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    results.into_iter().map(|r| r.unwrap_or_else(|| Err(FetchError::Client("a fetch task ended without a result".into())))).collect()
}

/// Offline replay of one query: the latest complete saved fetch, its pages checked against
/// the manifest's sha256. No network.
pub fn replay(raw_dir: &Path, query: &ApiQuery, base_url: &str) -> Result<FetchOutcome, FetchError> {
    let all = rawzone::fetches_of(raw_dir, query, base_url)?;
    let Some(f) = all.iter().rev().find(|f| f.manifest.complete) else {
        let hint = match all.last() {
            Some(inc) => format!(" (fetch {} is incomplete: run without --offline to resume it)", inc.manifest.fetch_id),
            None => " (run once without --offline to fetch it; the query and base_url must match the saved fetch)".to_string(),
        };
        return Err(FetchError::NoSavedFetch { query: query.name.clone(), raw_dir: raw_dir.to_path_buf(), hint });
    };
    f.read_pages()?;
    tracing::info!(query = %query.name, fetch_id = %f.manifest.fetch_id, pages = f.manifest.pages.len(), studies = f.manifest.study_count, "replayed a saved fetch (offline)");
    Ok(FetchOutcome {
        query: query.name.clone(),
        fetch_id: f.manifest.fetch_id.clone(),
        dir: f.dir.clone(),
        manifest: f.manifest.clone(),
        origin: Origin::Replay,
        pages: f.page_paths(),
        snapshot: rawzone::snapshot_of(&all, f),
        pages_fetched: 0,
    })
}

fn build_client(c: &ApiConfig) -> Result<reqwest::Client, FetchError> {
    let ua = c.user_agent.clone().unwrap_or_else(|| format!("trialtables/{}", env!("CARGO_PKG_VERSION")));
    reqwest::Client::builder()
        .user_agent(ua)
        .timeout(Duration::from_millis(c.request_timeout_ms))
        .connect_timeout(Duration::from_millis(c.connect_timeout_ms))
        .build()
        .map_err(|e| FetchError::Client(chain(&e)))
}

/// An error and its causes on one line ("error sending request: connection closed ...").
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

/// The part of a page the fetcher needs; the page itself is saved untouched.
#[derive(Deserialize)]
struct PageProbe {
    studies: Vec<serde::de::IgnoredAny>,
    #[serde(rename = "nextPageToken", default)]
    next_page_token: Option<String>,
    #[serde(rename = "totalCount", default)]
    total_count: Option<u64>,
}

/// One page as received.
struct Got {
    body: Vec<u8>,
    probe: PageProbe,
    tries: u32,
}

async fn fetch_query(
    cfg: &ApiConfig,
    client: &reqwest::Client,
    q: &ApiQuery,
    bar: &indicatif::ProgressBar,
) -> Result<FetchOutcome, FetchError> {
    let raw_dir = PathBuf::from(&cfg.raw_dir);
    let started = clock::Utc::now();
    let previous = rawzone::fetches_of(&raw_dir, q, &cfg.base_url)?;
    let resumable = previous.last().filter(|f| cfg.resume && !f.manifest.complete).cloned();
    let (dir, mut m, origin) = match resumable {
        Some(f) => {
            let mut m = f.manifest;
            m.resumed_at.push(started.rfc3339());
            tracing::info!(fetch_id = %m.fetch_id, pages_saved = m.pages.len(), "resuming an interrupted fetch");
            (f.dir, m, Origin::Resumed)
        }
        None => {
            let base = if cfg.since_last_success { previous.iter().rev().find(|f| f.manifest.complete) } else { None };
            let since = match base {
                Some(b) => Some(clock::date_of(&b.manifest.started_at).map(str::to_string).ok_or_else(|| FetchError::RawZone {
                    path: b.dir.join(rawzone::MANIFEST_FILE),
                    reason: format!("started_at {:?} is not an RFC 3339 time", b.manifest.started_at),
                })?),
                None => None,
            };
            let (id, dir) = rawzone::new_fetch_dir(&raw_dir, &q.name, &started.stamp())?;
            let m = Manifest {
                manifest_version: rawzone::MANIFEST_VERSION,
                fetch_id: id,
                query: q.clone(),
                base_url: cfg.base_url.clone(),
                endpoint: params::STUDIES_PATH.to_string(),
                params: params::build_params(q, cfg.page_size, since.as_deref()),
                since,
                since_fetch_id: base.map(|b| b.manifest.fetch_id.clone()),
                started_at: started.rfc3339(),
                resumed_at: Vec::new(),
                ended_at: None,
                complete: false,
                next_page_token: None,
                total_count: None,
                study_count: 0,
                pages: Vec::new(),
            };
            rawzone::write_manifest(&dir, &m)?;
            (dir, m, Origin::Network)
        }
    };
    let span = tracing::Span::current();
    span.record("fetch_id", m.fetch_id.as_str());
    if let Some(since) = &m.since {
        tracing::info!(since = %since, base = ?m.since_fetch_id, "incremental fetch: studies updated since the last complete fetch");
    }
    bar.set_message(format!("{} ({})", q.name, m.fetch_id));
    if let Some(t) = m.total_count {
        bar.set_length(t);
    }
    bar.set_position(m.study_count);

    let mut seen: std::collections::BTreeSet<String> = m.pages.iter().filter_map(|p| p.token.clone()).collect();
    let mut pages_fetched = 0u32;
    loop {
        let token = m.next_page_token.clone();
        if token.is_none() && !m.pages.is_empty() {
            // Only the first page is asked without a token; an incomplete manifest with pages
            // but no next token was edited by hand.
            return Err(FetchError::RawZone {
                path: dir.join(rawzone::MANIFEST_FILE),
                reason: "incomplete fetch with saved pages but no next_page_token; delete this fetch directory to start over".into(),
            });
        }
        let url = params::page_url(&m.base_url, &m.params, token.as_deref());
        let got = get_page(client, cfg, &url).await?;
        let index = m.pages.len() as u32 + 1;
        let file = rawzone::page_file_name(index);
        let body = got.body;
        let path = dir.join(&file);
        let (sha, len) = tokio::task::spawn_blocking(move || {
            let sha = rawzone::sha256_hex(&body);
            rawzone::write_gz(&path, &body).map(|()| (sha, body.len() as u64))
        })
        .await
        .map_err(|e| FetchError::Client(format!("writing a page: {e}")))??;
        let count = got.probe.studies.len() as u64;
        let mut next = got.probe.next_page_token.filter(|t| !t.is_empty());
        if count == 0 && next.is_some() {
            tracing::warn!(url = %url, "empty page with a nextPageToken: treating it as the end");
            next = None;
        }
        if let Some(t) = &next {
            if !seen.insert(t.clone()) {
                return Err(FetchError::TokenLoop { url, token: t.clone() });
            }
        }
        if m.total_count.is_none() {
            m.total_count = got.probe.total_count;
            if let Some(t) = m.total_count {
                bar.set_length(t);
            }
        }
        m.pages.push(PageEntry {
            index,
            file,
            token,
            next_page_token: next.clone(),
            sha256: sha,
            bytes: len,
            study_count: count,
            fetched_at: clock::Utc::now().rfc3339(),
            tries: got.tries,
        });
        m.study_count += count;
        m.next_page_token = next;
        pages_fetched += 1;
        if m.next_page_token.is_none() {
            m.complete = true;
            m.ended_at = Some(clock::Utc::now().rfc3339());
        }
        rawzone::write_manifest(&dir, &m)?;
        tracing::debug!(page = index, studies = count, tries = got.tries, "page saved");
        bar.set_position(m.study_count);
        bar.set_message(format!("{} page {index}", q.name));
        if m.complete {
            break;
        }
    }
    bar.finish_with_message(format!("{}: {} pages, {} studies", q.name, m.pages.len(), m.study_count));
    span.record("pages", m.pages.len());
    span.record("studies", m.study_count);
    tracing::info!(pages = m.pages.len(), studies = m.study_count, pages_fetched, resumed = (origin == Origin::Resumed), "fetch complete");
    let saved = SavedFetch { dir: dir.clone(), manifest: m.clone() };
    let snapshot = rawzone::snapshot_pages(&raw_dir, q, &m.base_url)?;
    Ok(FetchOutcome {
        query: q.name.clone(),
        fetch_id: m.fetch_id.clone(),
        pages: saved.page_paths(),
        snapshot,
        dir,
        manifest: m,
        origin,
        pages_fetched,
    })
}

/// GETs one page, retrying what is worth retrying.
async fn get_page(client: &reqwest::Client, cfg: &ApiConfig, url: &str) -> Result<Got, FetchError> {
    let mut tries = 0u32;
    loop {
        tries += 1;
        let request = client.get(url).header(reqwest::header::ACCEPT, "application/json").header(reqwest::header::ACCEPT_ENCODING, "gzip");
        let (last, status, retry_after) = match request.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                if resp.status().is_success() {
                    let encoding = resp
                        .headers()
                        .get(reqwest::header::CONTENT_ENCODING)
                        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_ascii_lowercase());
                    match resp.bytes().await {
                        Ok(b) => match decode_body(&b, encoding.as_deref()) {
                            Ok(body) => match serde_json::from_slice::<PageProbe>(&body) {
                                Ok(probe) => return Ok(Got { body, probe, tries }),
                                Err(e) => (format!("HTTP {status} but the body is not an API v2 page ({e})"), Some(status), None),
                            },
                            Err(e) => (format!("HTTP {status} but the body could not be decoded: {e}"), Some(status), None),
                        },
                        Err(e) => (format!("HTTP {status} but reading the body failed: {}", chain(&e)), Some(status), None),
                    }
                } else if retry::retryable_status(status) {
                    let ra = resp
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
                    (format!("HTTP {}", resp.status()), Some(status), ra)
                } else {
                    let body = resp.text().await.unwrap_or_default();
                    let mut body: String = body.trim().chars().take(500).collect();
                    if body.is_empty() {
                        body = "(empty body)".into();
                    }
                    return Err(FetchError::Status { url: url.to_string(), status, body });
                }
            }
            Err(e) => {
                let kind = if e.is_timeout() {
                    "timed out"
                } else if e.is_connect() {
                    "could not connect"
                } else {
                    "request failed"
                };
                (format!("{kind}: {}", chain(&e)), None, None)
            }
        };
        if tries >= cfg.max_tries {
            return Err(FetchError::GaveUp { url: url.to_string(), tries, status, last });
        }
        let mut wait = retry::backoff(tries, cfg.backoff_initial_ms, cfg.backoff_max_ms, fastrand::f64());
        if let Some(ra) = retry_after {
            if ra > Duration::from_millis(cfg.max_retry_after_ms) {
                return Err(FetchError::GaveUp {
                    url: url.to_string(),
                    tries,
                    status,
                    last: format!(
                        "{last}; Retry-After asks for {} s, more than max_retry_after_ms ({} ms)",
                        ra.as_secs(),
                        cfg.max_retry_after_ms
                    ),
                });
            }
            wait = wait.max(ra);
        }
        tracing::warn!(url = %url, try_ = tries, of = cfg.max_tries, wait_ms = wait.as_millis() as u64, problem = %last, "retrying");
        tokio::time::sleep(wait).await;
    }
}

/// Largest decoded page accepted (a full page of 1000 whole studies is well under 100 MiB).
pub const MAX_PAGE_BYTES: u64 = 512 * 1024 * 1024;

/// Undoes the `Content-Encoding` of a body (`gzip` is asked for; no encoding or `identity`
/// is taken as is). The decoded size is bounded by [`MAX_PAGE_BYTES`].
pub fn decode_body(body: &[u8], encoding: Option<&str>) -> Result<Vec<u8>, String> {
    use std::io::Read;
    match encoding {
        None | Some("") | Some("identity") => Ok(body.to_vec()),
        Some("gzip") | Some("x-gzip") => {
            let mut out = Vec::with_capacity(body.len().saturating_mul(6));
            let mut dec = flate2::read::MultiGzDecoder::new(body).take(MAX_PAGE_BYTES + 1);
            dec.read_to_end(&mut out).map_err(|e| format!("gzip: {e}"))?;
            if out.len() as u64 > MAX_PAGE_BYTES {
                return Err(format!("more than {MAX_PAGE_BYTES} bytes once decompressed"));
            }
            Ok(out)
        }
        Some(other) => Err(format!("unsupported Content-Encoding {other:?} (only gzip was asked for)")),
    }
}

/// Progress bars: one per query, drawn only on a terminal.
struct Progress {
    multi: Option<indicatif::MultiProgress>,
}

impl Progress {
    fn new(wanted: bool) -> Progress {
        let on = wanted && std::io::stderr().is_terminal();
        Progress { multi: on.then(indicatif::MultiProgress::new) }
    }

    fn bar(&self, name: &str) -> indicatif::ProgressBar {
        let Some(multi) = &self.multi else {
            return indicatif::ProgressBar::hidden();
        };
        let bar = multi.add(indicatif::ProgressBar::no_length());
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg:32} {pos}/{len} studies [{elapsed_precise}]") {
            bar.set_style(style);
        }
        bar.set_message(name.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }
}
