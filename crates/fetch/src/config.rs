//! `[input.api]`: what to ask the ClinicalTrials.gov API v2 for, where to keep what it
//! answers, and how politely to ask. The struct is embedded as-is in `pipeline.toml`, so its
//! doc comments are the user documentation and unknown keys are errors (a typo in a scheduled
//! job's config must fail loudly, not silently fetch something else).

use serde::{Deserialize, Serialize};

/// Default API root. A mirror or a test server works as long as it serves `/api/v2/studies`.
pub const DEFAULT_BASE_URL: &str = "https://clinicaltrials.gov";

/// Largest page the API serves (`pageSize` above this is refused by the API).
pub const MAX_PAGE_SIZE: u32 = 1000;

/// `[input.api]`: fetch studies from the ClinicalTrials.gov API v2 into a raw zone.
///
/// ```toml
/// [input.api]
/// raw_dir = "raw/ctgov"              # where every fetched page is kept (gzip) with a manifest
/// since_last_success = false         # true: only studies updated since the last complete fetch
///
/// [[input.api.query]]
/// name = "msc-autoimmune"
/// cond = "autoimmune disease OR lupus OR crohn disease"
/// intr = "mesenchymal stem cell OR mesenchymal stromal cell"
/// overall_status = ["RECRUITING", "COMPLETED"]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// API root (scheme and host, optionally a path prefix); `/api/v2/studies` is appended.
    /// Default `https://clinicaltrials.gov`. Point it at a mirror if you run one.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// Raw-zone directory. Each fetch writes `<raw_dir>/<fetch_id>/page-00001.json.gz`, ... and
    /// `manifest.json` (query, times, each page's token, file, sha256 and study count,
    /// `complete`). Relative paths are resolved by the caller (the CLI resolves them against
    /// the directory of `pipeline.toml`). Nothing in it is ever deleted by a fetch.
    pub raw_dir: String,
    /// Studies per page, 1 to 1000 (default 1000, the API maximum: fewest requests).
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// Fetch only the studies updated since the last complete fetch of the same query found in
    /// `raw_dir`, by adding `AREA[LastUpdatePostDate]RANGE[<date of that fetch's start>,MAX]`
    /// to the advanced filter (AND-combined with `advanced` when set). Without an earlier
    /// complete fetch the whole query is fetched. Default false.
    #[serde(default)]
    pub since_last_success: bool,
    /// Continue an interrupted fetch of the same query from its last saved page instead of
    /// starting a new one (default true). The saved manifest holds the next page token.
    #[serde(default = "default_true")]
    pub resume: bool,
    /// How many queries are fetched at the same time (default 2). Pages of one query are
    /// always fetched one after the other: each page's token comes from the previous page.
    #[serde(default = "default_max_concurrency")]
    pub max_concurrency: usize,
    /// Tries per page before giving up (default 6). Retried: HTTP 429 and 5xx answers,
    /// timeouts, refused or dropped connections, truncated or unreadable bodies. Other
    /// answers (e.g. 400 for a bad query) fail at once with the server's message.
    #[serde(default = "default_max_tries")]
    pub max_tries: u32,
    /// First retry delay in milliseconds (default 2000); it doubles with each try up to
    /// `backoff_max_ms`, with random jitter (each delay is between half and all of it).
    #[serde(default = "default_backoff_initial_ms")]
    pub backoff_initial_ms: u64,
    /// Longest retry delay in milliseconds (default 60000).
    #[serde(default = "default_backoff_max_ms")]
    pub backoff_max_ms: u64,
    /// Longest `Retry-After` wait honoured, in milliseconds (default 600000 = 10 minutes). A
    /// server asking for a longer wait makes the fetch give up (it can be resumed later).
    #[serde(default = "default_max_retry_after_ms")]
    pub max_retry_after_ms: u64,
    /// Time limit for one request, body included, in milliseconds (default 120000).
    #[serde(default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    /// Time limit for opening a connection, in milliseconds (default 20000).
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// `User-Agent` header (default `trialtables/<version>`).
    #[serde(default)]
    pub user_agent: Option<String>,
    /// The queries, as `[[input.api.query]]` tables. Each is fetched into its own directory.
    #[serde(rename = "query", default)]
    pub queries: Vec<ApiQuery>,
}

/// `[[input.api.query]]`: one search. Empty or absent parameters are not sent. Spellings are
/// the API's (see <https://clinicaltrials.gov/data-api/api>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiQuery {
    /// Short name of the query: letters, digits, `-` and `_` (it starts the fetch directory
    /// names, and identifies earlier fetches of the same query for resume and
    /// `since_last_success`). Names must be unique.
    pub name: String,
    /// `query.cond`: conditions or disease (Essie expression, e.g. `lupus OR "crohn disease"`).
    #[serde(default)]
    pub cond: Option<String>,
    /// `query.intr`: interventions or treatments.
    #[serde(default)]
    pub intr: Option<String>,
    /// `query.term`: other terms (searches the whole record).
    #[serde(default)]
    pub term: Option<String>,
    /// `filter.overallStatus`: e.g. `["RECRUITING", "COMPLETED"]` (sent comma-separated).
    #[serde(default)]
    pub overall_status: Vec<String>,
    /// `filter.advanced`: an Essie expression, e.g. `AREA[Phase]PHASE2`.
    #[serde(default)]
    pub advanced: Option<String>,
    /// `fields`: only these fields (API piece names). Empty (default) = whole study records,
    /// which is what the extract stage expects; keep `NCTId` if you restrict them.
    #[serde(default)]
    pub fields: Vec<String>,
}

fn default_base_url() -> String {
    DEFAULT_BASE_URL.to_string()
}
fn default_page_size() -> u32 {
    MAX_PAGE_SIZE
}
fn default_true() -> bool {
    true
}
fn default_max_concurrency() -> usize {
    2
}
fn default_max_tries() -> u32 {
    6
}
fn default_backoff_initial_ms() -> u64 {
    2000
}
fn default_backoff_max_ms() -> u64 {
    60_000
}
fn default_max_retry_after_ms() -> u64 {
    600_000
}
fn default_request_timeout_ms() -> u64 {
    120_000
}
fn default_connect_timeout_ms() -> u64 {
    20_000
}

/// Every key of `[input.api]`, for "did you mean" hints in a config checker.
pub const CONFIG_KEYS: &[&str] = &[
    "base_url",
    "raw_dir",
    "page_size",
    "since_last_success",
    "resume",
    "max_concurrency",
    "max_tries",
    "backoff_initial_ms",
    "backoff_max_ms",
    "max_retry_after_ms",
    "request_timeout_ms",
    "connect_timeout_ms",
    "user_agent",
    "query",
];

/// Every key of `[[input.api.query]]`.
pub const QUERY_KEYS: &[&str] = &["name", "cond", "intr", "term", "overall_status", "advanced", "fields"];

impl ApiConfig {
    /// The same configuration with a relative `raw_dir` resolved against `dir` (the CLI
    /// passes the directory holding `pipeline.toml`).
    pub fn with_base_dir(&self, dir: &std::path::Path) -> ApiConfig {
        let mut c = self.clone();
        let raw = std::path::Path::new(&self.raw_dir);
        if raw.is_relative() {
            c.raw_dir = dir.join(raw).to_string_lossy().into_owned();
        }
        c
    }

    /// A configuration with every default, writing to `raw_dir`, with the given queries.
    pub fn new(raw_dir: impl Into<String>, queries: Vec<ApiQuery>) -> ApiConfig {
        ApiConfig {
            base_url: default_base_url(),
            raw_dir: raw_dir.into(),
            page_size: default_page_size(),
            since_last_success: false,
            resume: true,
            max_concurrency: default_max_concurrency(),
            max_tries: default_max_tries(),
            backoff_initial_ms: default_backoff_initial_ms(),
            backoff_max_ms: default_backoff_max_ms(),
            max_retry_after_ms: default_max_retry_after_ms(),
            request_timeout_ms: default_request_timeout_ms(),
            connect_timeout_ms: default_connect_timeout_ms(),
            user_agent: None,
            queries,
        }
    }

    /// Checks the values serde cannot: ranges, names, URL scheme. Returns every problem found,
    /// each naming its key.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut p = Vec::new();
        let b = self.base_url.trim();
        if !(b.starts_with("http://") || b.starts_with("https://")) || b.len() <= "https://".len() {
            p.push(format!("base_url {:?}: must start with http:// or https:// and name a host", self.base_url));
        }
        if b.contains('?') || b.contains('#') {
            p.push(format!("base_url {:?}: must not contain a query (?) or fragment (#)", self.base_url));
        }
        if self.raw_dir.trim().is_empty() {
            p.push("raw_dir: must not be empty".to_string());
        }
        if self.page_size == 0 || self.page_size > MAX_PAGE_SIZE {
            p.push(format!("page_size {}: must be between 1 and {MAX_PAGE_SIZE}", self.page_size));
        }
        if self.max_concurrency == 0 {
            p.push("max_concurrency: must be at least 1".to_string());
        }
        if self.max_tries == 0 {
            p.push("max_tries: must be at least 1".to_string());
        }
        if self.backoff_max_ms < self.backoff_initial_ms {
            p.push(format!("backoff_max_ms {}: must not be below backoff_initial_ms {}", self.backoff_max_ms, self.backoff_initial_ms));
        }
        if self.request_timeout_ms == 0 || self.connect_timeout_ms == 0 {
            p.push("request_timeout_ms / connect_timeout_ms: must be above 0".to_string());
        }
        if self.queries.is_empty() {
            p.push("query: no [[input.api.query]] table: nothing to fetch".to_string());
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, q) in self.queries.iter().enumerate() {
            let valid =
                !q.name.is_empty() && q.name.len() <= 64 && q.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid {
                p.push(format!("query[{i}].name {:?}: use 1 to 64 letters, digits, '-' or '_'", q.name));
            }
            if !seen.insert(q.name.as_str()) {
                p.push(format!("query[{i}].name {:?}: used by two queries", q.name));
            }
            for s in &q.overall_status {
                if s.is_empty() || !s.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                    p.push(format!("query[{i}].overall_status {s:?}: use API spellings such as \"RECRUITING\""));
                }
            }
            for f in &q.fields {
                if f.is_empty() || f.contains(',') {
                    p.push(format!("query[{i}].fields {f:?}: one field name per entry"));
                }
            }
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(p)
        }
    }
}
