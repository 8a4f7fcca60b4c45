//! End-to-end fetch tests against a real HTTP server on 127.0.0.1 (tests/common), serving
//! pages cut from real ClinicalTrials.gov records. Nothing here touches the internet.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{studies, token_for, Api, Fault, Server, TEN_A, TEN_B};
use trialtables_fetch::{fetch, ApiConfig, ApiQuery, FetchError, FetchOptions, Origin};

fn query(name: &str) -> ApiQuery {
    ApiQuery {
        name: name.into(),
        cond: Some("lupus OR \"crohn disease\"".into()),
        intr: Some("mesenchymal stem cell".into()),
        term: None,
        overall_status: vec!["RECRUITING".into(), "COMPLETED".into()],
        advanced: None,
        fields: vec![],
    }
}

fn config(base_url: &str, raw_dir: &Path, page_size: u32, queries: Vec<ApiQuery>) -> ApiConfig {
    let mut c = ApiConfig::new(raw_dir.to_string_lossy(), queries);
    c.base_url = base_url.to_string();
    c.page_size = page_size;
    c.max_tries = 4;
    c.backoff_initial_ms = 1;
    c.backoff_max_ms = 5;
    c.request_timeout_ms = 3000;
    c.connect_timeout_ms = 1000;
    c
}

fn online() -> FetchOptions {
    FetchOptions { offline: false, progress: true }
}

fn nct_ids(name: &str) -> Vec<String> {
    studies(name)
        .iter()
        .map(|s| {
            let v: serde_json::Value = serde_json::from_str(s.get()).expect("study json");
            v["protocolSection"]["identificationModule"]["nctId"].as_str().expect("nctId").to_string()
        })
        .collect()
}

/// Asserts the paging contract on a request log: every parameter but pageToken is the same on
/// every request, the first has no token and each later one sends the token the previous
/// (successful) page handed out.
fn assert_params_unchanged(log: &[common::Req]) {
    let first = log.first().expect("at least one request");
    for r in log {
        assert_eq!(r.path, "/api/v2/studies");
        assert_eq!(r.fixed_params(), first.fixed_params(), "parameters changed between pages");
    }
}

#[tokio::test]
async fn pages_are_followed_saved_and_read_by_extract() {
    let server = Server::start(Api::new(studies(TEN_A))).await;
    let raw = tempfile::tempdir().unwrap();
    let cfg = config(&server.base_url, raw.path(), 3, vec![query("msc")]);
    let out = fetch(&cfg, &online()).await.expect("fetch ok");
    assert_eq!(out.len(), 1);
    let o = &out[0];
    assert_eq!(o.origin, Origin::Network);
    assert_eq!(o.pages_fetched, 4);

    // Requests: 4 pages (3+3+3+1), params unchanged, tokens chained.
    let log = server.log();
    assert_eq!(log.len(), 4);
    assert_params_unchanged(&log);
    let tokens: Vec<Option<&str>> = log.iter().map(|r| r.get("pageToken")).collect();
    assert_eq!(tokens, [None, Some(token_for(3).as_str()), Some(token_for(6).as_str()), Some(token_for(9).as_str())]);
    let first = &log[0];
    assert_eq!(first.get("format"), Some("json"));
    assert_eq!(first.get("query.cond"), Some("lupus OR \"crohn disease\""));
    assert_eq!(first.get("query.intr"), Some("mesenchymal stem cell"));
    assert_eq!(first.get("filter.overallStatus"), Some("RECRUITING,COMPLETED"));
    assert_eq!(first.get("pageSize"), Some("3"));
    assert_eq!(first.get("filter.advanced"), None);
    assert_eq!(first.get("query.term"), None);

    // Manifest.
    let m = &o.manifest;
    assert!(m.complete);
    assert_eq!(m.study_count, 10);
    assert_eq!(m.total_count, Some(10));
    assert_eq!(m.next_page_token, None);
    assert!(m.ended_at.is_some());
    assert_eq!(m.base_url, server.base_url);
    let counts: Vec<u64> = m.pages.iter().map(|p| p.study_count).collect();
    assert_eq!(counts, [3, 3, 3, 1]);
    assert_eq!(m.pages[1].token.as_deref(), Some(token_for(3).as_str()));
    assert_eq!(m.pages[0].next_page_token.as_deref(), Some(token_for(3).as_str()));
    assert_eq!(m.pages[0].file, "page-00001.json.gz");
    let on_disk: trialtables_fetch::Manifest = serde_json::from_slice(&std::fs::read(o.dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(&on_disk, m);
    assert!(o.dir.starts_with(raw.path()));
    assert!(o.fetch_id.starts_with("msc-"));

    // Saved pages are the served bytes, gzip, and extract reads them as records.
    let served = server.served();
    let mut ids = Vec::new();
    for (i, path) in o.pages.iter().enumerate() {
        let gz = std::fs::read(path).unwrap();
        assert_eq!(&gz[..2], &[0x1f, 0x8b], "page {i} is gzip");
        let ex = trialtables_extract::extract(&path.to_string_lossy(), &gz);
        assert!(ex.issues.iter().all(|x| x.severity != trialtables_extract::Severity::Error), "{:?}", ex.issues);
        ids.extend(ex.records.iter().map(|r| r.nct_id.as_ref().map(|x| x.text.clone()).unwrap_or_default()));
        let body = trialtables_fetch::rawzone::read_gz(path).unwrap();
        assert_eq!(body, served[i]);
    }
    assert_eq!(ids, nct_ids(TEN_A));
}

#[tokio::test]
async fn exactly_full_page_then_empty_page_stops_cleanly() {
    let mut api = Api::new(studies(TEN_A));
    api.token_after_full_last_page = true;
    let server = Server::start(api).await;
    let raw = tempfile::tempdir().unwrap();
    let cfg = config(&server.base_url, raw.path(), 5, vec![query("full")]);
    let out = fetch(&cfg, &online()).await.expect("fetch ok");
    let m = &out[0].manifest;
    assert_eq!(server.log().len(), 3, "5 + 5 + the empty page, then stop");
    assert_params_unchanged(&server.log());
    assert!(m.complete);
    assert_eq!(m.pages.iter().map(|p| p.study_count).collect::<Vec<_>>(), [5, 5, 0]);
    assert_eq!(m.pages[2].token.as_deref(), Some(token_for(10).as_str()));
    assert_eq!(m.pages[2].next_page_token, None);
    assert_eq!(m.study_count, 10);
    // The empty page is saved too and reads as no records, no issue.
    let gz = std::fs::read(&out[0].pages[2]).unwrap();
    let ex = trialtables_extract::extract("p3.json.gz", &gz);
    assert!(ex.records.is_empty());
    assert!(ex.issues.iter().all(|x| x.severity != trialtables_extract::Severity::Error), "{:?}", ex.issues);
}

#[tokio::test]
async fn retry_after_is_honoured_on_429() {
    let mut api = Api::new(studies(TEN_A));
    api.faults.insert(1, Fault::Status(429, vec![("Retry-After".into(), "1".into())], "{\"message\":\"rate limited\"}".into()));
    let server = Server::start(api).await;
    let raw = tempfile::tempdir().unwrap();
    let cfg = config(&server.base_url, raw.path(), 4, vec![query("ra")]);
    let out = fetch(&cfg, &online()).await.expect("fetch ok after 429");
    let log = server.log();
    assert_eq!(log.len(), 4, "3 pages + 1 retried");
    // The retry of the 429'd page waited at least Retry-After (backoff alone is <= 5 ms).
    let waited = log[2].at.duration_since(log[1].at);
    assert!(waited >= Duration::from_millis(990), "waited only {waited:?}");
    assert_eq!(log[1].params, log[2].params, "the retry asks for the same page");
    assert_params_unchanged(&log);
    assert_eq!(out[0].manifest.pages[1].tries, 2);
    assert_eq!(out[0].manifest.study_count, 10);
}

#[tokio::test]
async fn retries_503_dropped_connection_truncated_body_and_timeout() {
    let mut api = Api::new(studies(TEN_B));
    api.faults.insert(0, Fault::Status(503, vec![], "busy".into()));
    api.faults.insert(1, Fault::Drop);
    api.faults.insert(3, Fault::Truncate);
    api.faults.insert(5, Fault::Delay(Duration::from_millis(1500)));
    let server = Server::start(api).await;
    let raw = tempfile::tempdir().unwrap();
    let mut cfg = config(&server.base_url, raw.path(), 4, vec![query("faults")]);
    cfg.request_timeout_ms = 400;
    let out = fetch(&cfg, &online()).await.expect("fetch ok despite faults");
    let m = &out[0].manifest;
    // page 1: 503, drop, ok; page 2: truncated, ok; page 3: timeout, ok.
    assert_eq!(m.pages.iter().map(|p| p.tries).collect::<Vec<_>>(), [3, 2, 2]);
    assert_eq!(m.study_count, 10);
    assert!(server.log().len() >= 7);
    assert_params_unchanged(&server.log());
    let back = out[0].saved().read_pages().unwrap();
    let ids: Vec<String> = back
        .iter()
        .flat_map(|(p, b)| trialtables_extract::extract(&p.to_string_lossy(), b).records)
        .map(|r| r.nct_id.map(|x| x.text).unwrap_or_default())
        .collect();
    assert_eq!(ids, nct_ids(TEN_B));
}

#[tokio::test]
async fn gives_up_after_max_tries_naming_url_status_and_tries() {
    let mut api = Api::new(studies(TEN_A));
    api.fault_from = Some((0, Fault::Status(503, vec![], "down".into())));
    let server = Server::start(api).await;
    let raw = tempfile::tempdir().unwrap();
    let mut cfg = config(&server.base_url, raw.path(), 5, vec![query("down")]);
    cfg.max_tries = 3;
    let err = fetch(&cfg, &online()).await.expect_err("must give up");
    match &err {
        FetchError::GaveUp { url, tries, status, .. } => {
            assert_eq!(*tries, 3);
            assert_eq!(*status, Some(503));
            assert!(url.starts_with(&format!("{}/api/v2/studies?format=json&", server.base_url)), "{url}");
        }
        other => panic!("wrong error {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("after 3 tries") && msg.contains("503") && msg.contains("/api/v2/studies?"), "{msg}");
    assert_eq!(server.log().len(), 3);
}

#[tokio::test]
async fn gzip_encoded_answers_are_decoded_and_saved_as_json() {
    let mut api = Api::new(studies(TEN_B));
    api.gzip = true;
    // A truncated gzip body is retried like any truncated body.
    api.faults.insert(1, Fault::Truncate);
    let server = Server::start(api).await;
    let raw = tempfile::tempdir().unwrap();
    let cfg = config(&server.base_url, raw.path(), 6, vec![query("gz")]);
    let out = fetch(&cfg, &online()).await.expect("fetch ok");
    assert_eq!(out[0].manifest.pages.iter().map(|p| p.tries).collect::<Vec<_>>(), [1, 2]);
    let back: Vec<Vec<u8>> = out[0].saved().read_pages().unwrap().into_iter().map(|(_, b)| b).collect();
    assert_eq!(back, server.served(), "saved pages are the decoded JSON, byte for byte");
    assert!(back[0].starts_with(b"{\"studies\":["));
}

#[test]
fn decode_body_handles_encodings() {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(b"{\"studies\":[]}").unwrap();
    let gz = enc.finish().unwrap();
    assert_eq!(trialtables_fetch::decode_body(&gz, Some("gzip")).unwrap(), b"{\"studies\":[]}");
    assert_eq!(trialtables_fetch::decode_body(b"x", None).unwrap(), b"x");
    assert_eq!(trialtables_fetch::decode_body(b"x", Some("identity")).unwrap(), b"x");
    assert!(trialtables_fetch::decode_body(&gz[..gz.len() / 2], Some("gzip")).is_err());
    assert!(trialtables_fetch::decode_body(b"x", Some("br")).unwrap_err().contains("br"));
}

#[tokio::test]
async fn a_bad_query_fails_at_once_with_the_server_message() {
    let mut api = Api::new(studies(TEN_A));
    api.faults.insert(0, Fault::Status(400, vec![], "unknown field 'AREA[Nope]'".into()));
    let server = Server::start(api).await;
    let raw = tempfile::tempdir().unwrap();
    let cfg = config(&server.base_url, raw.path(), 5, vec![query("bad")]);
    let err = fetch(&cfg, &online()).await.expect_err("400 is final");
    assert!(matches!(err, FetchError::Status { status: 400, .. }), "{err:?}");
    assert!(err.to_string().contains("unknown field 'AREA[Nope]'"));
    assert_eq!(server.log().len(), 1, "no retry on 400");
}

#[tokio::test]
async fn an_interrupted_fetch_resumes_from_its_last_saved_page() {
    let raw = tempfile::tempdir().unwrap();
    // Pages 1 and 2 succeed, then the third page fails on both tries (requests 2 and 3):
    // the first run gives up. Later requests succeed again.
    let mut api = Api::new(studies(TEN_A));
    api.faults.insert(2, Fault::Status(503, vec![], "down".into()));
    api.faults.insert(3, Fault::Drop);
    let server = Server::start(api).await;
    let mut cfg = config(&server.base_url, raw.path(), 3, vec![query("res")]);
    cfg.max_tries = 2;
    let err = fetch(&cfg, &online()).await.expect_err("interrupted");
    assert!(matches!(err, FetchError::GaveUp { tries: 2, status: None, .. }), "{err:?}");
    let saved = trialtables_fetch::rawzone::fetches_of(raw.path(), &query("res"), &server.base_url).unwrap();
    assert_eq!(saved.len(), 1);
    let m1 = &saved[0].manifest;
    assert!(!m1.complete);
    assert!(m1.ended_at.is_none());
    assert_eq!(m1.pages.len(), 2);
    assert_eq!(m1.next_page_token.as_deref(), Some(token_for(6).as_str()));

    // Offline now: refused, pointing at the incomplete fetch.
    let err = fetch(&cfg, &FetchOptions { offline: true, progress: false }).await.expect_err("nothing complete");
    assert!(err.to_string().contains("incomplete"), "{err}");

    // Second run: continues the same fetch with the saved token.
    let out = fetch(&cfg, &online()).await.expect("resumed");
    let o = &out[0];
    assert_eq!(o.origin, Origin::Resumed);
    assert_eq!(o.fetch_id, m1.fetch_id, "the same fetch is continued");
    assert_eq!(o.pages_fetched, 2);
    let log = server.log();
    assert_eq!(log.len(), 6);
    assert_eq!(log[4].get("pageToken"), Some(token_for(6).as_str()), "no page is fetched twice");
    assert_eq!(log[5].get("pageToken"), Some(token_for(9).as_str()));
    assert_params_unchanged(&log);
    assert!(o.manifest.complete);
    assert_eq!(o.manifest.resumed_at.len(), 1);
    assert_eq!(o.manifest.started_at, m1.started_at);
    assert_eq!(o.manifest.pages.len(), 4);
    assert_eq!(o.manifest.study_count, 10);
    let back = o.saved().read_pages().unwrap();
    assert_eq!(back.into_iter().map(|(_, b)| b).collect::<Vec<_>>(), server.served());
    let ids: Vec<String> = o
        .pages
        .iter()
        .flat_map(|p| trialtables_extract::extract(&p.to_string_lossy(), &std::fs::read(p).unwrap()).records)
        .map(|r| r.nct_id.map(|x| x.text).unwrap_or_default())
        .collect();
    assert_eq!(ids, nct_ids(TEN_A));

    // resume = false starts a new fetch instead (here: nothing to resume anyway, new id).
    cfg.resume = false;
    let again = fetch(&cfg, &online()).await.unwrap();
    assert_ne!(again[0].fetch_id, o.fetch_id);
    assert_eq!(again[0].origin, Origin::Network);
}

#[tokio::test]
async fn offline_replay_gives_the_same_bytes_without_network() {
    let server = Server::start(Api::new(studies(TEN_A))).await;
    let raw = tempfile::tempdir().unwrap();
    let cfg = config(&server.base_url, raw.path(), 4, vec![query("off")]);
    let online_out = fetch(&cfg, &online()).await.expect("online");
    let served = server.served();
    let requests = server.log().len();
    server.stop();

    let offline = FetchOptions { offline: true, progress: false };
    let out = fetch(&cfg, &offline).await.expect("offline replay");
    assert_eq!(out[0].origin, Origin::Replay);
    assert_eq!(out[0].pages_fetched, 0);
    assert_eq!(out[0].fetch_id, online_out[0].fetch_id);
    assert_eq!(out[0].pages, online_out[0].pages);
    assert_eq!(out[0].snapshot, online_out[0].pages);
    let bytes: Vec<Vec<u8>> = out[0].saved().read_pages().unwrap().into_iter().map(|(_, b)| b).collect();
    assert_eq!(bytes, served, "replay is byte-identical to what the server sent");
    assert_eq!(requests, 3);

    // A page altered after the fetch is detected.
    let p = &out[0].pages[1];
    trialtables_fetch::rawzone::write_gz(p, b"{\"studies\":[]}").unwrap();
    let err = fetch(&cfg, &offline).await.expect_err("tampering detected");
    assert!(err.to_string().contains("differs from the manifest"), "{err}");

    // Offline with nothing saved for a query names it.
    let cfg2 = config("http://127.0.0.1:9", raw.path(), 4, vec![query("never")]);
    let err = fetch(&cfg2, &offline).await.expect_err("nothing saved");
    assert!(matches!(&err, FetchError::NoSavedFetch { query, .. } if query == "never"), "{err:?}");
}

#[tokio::test]
async fn since_last_success_adds_the_last_update_range() {
    let server = Server::start(Api::new(studies(TEN_A))).await;
    let raw = tempfile::tempdir().unwrap();
    let mut q = query("inc");
    q.advanced = Some("AREA[Phase]PHASE2 OR AREA[Phase]PHASE3".into());
    let mut cfg = config(&server.base_url, raw.path(), 10, vec![q.clone()]);
    cfg.since_last_success = true;
    // No earlier complete fetch: the full query, with the user's filter only.
    let first = fetch(&cfg, &online()).await.expect("first");
    assert_eq!(server.log()[0].get("filter.advanced"), Some("AREA[Phase]PHASE2 OR AREA[Phase]PHASE3"));
    assert_eq!(first[0].manifest.since, None);
    // Second run: only what changed since the first fetch started.
    let second = fetch(&cfg, &online()).await.expect("second");
    let date = &first[0].manifest.started_at[..10];
    let log = server.log();
    let adv = log.last().unwrap().get("filter.advanced").unwrap().to_string();
    assert_eq!(adv, format!("(AREA[Phase]PHASE2 OR AREA[Phase]PHASE3) AND AREA[LastUpdatePostDate]RANGE[{date},MAX]"));
    let m = &second[0].manifest;
    assert_eq!(m.since.as_deref(), Some(date));
    assert_eq!(m.since_fetch_id.as_deref(), Some(first[0].fetch_id.as_str()));
    assert_ne!(m.fetch_id, first[0].fetch_id);
    // The snapshot is the full fetch then the incremental one.
    let snap = trialtables_fetch::rawzone::snapshot_pages(raw.path(), &q, &server.base_url).unwrap();
    assert_eq!(snap, [first[0].pages.clone(), second[0].pages.clone()].concat());
    assert_eq!(second[0].snapshot, snap);
    assert_eq!(first[0].snapshot, first[0].pages);
    // Offline replay of an incremental fetch gives the same snapshot.
    let replayed = fetch(&cfg, &FetchOptions { offline: true, progress: false }).await.unwrap();
    assert_eq!(replayed[0].fetch_id, second[0].fetch_id);
    assert_eq!(replayed[0].snapshot, snap);

    // Without a user filter the range is the whole filter; without the option, no range.
    let mut q2 = query("inc2");
    q2.advanced = None;
    let mut cfg2 = config(&server.base_url, raw.path(), 10, vec![q2]);
    let base2 = fetch(&cfg2, &online()).await.unwrap();
    cfg2.since_last_success = true;
    fetch(&cfg2, &online()).await.unwrap();
    let adv = server.log().last().unwrap().get("filter.advanced").map(str::to_string);
    let today = base2[0].manifest.started_at[..10].to_string();
    assert_eq!(adv, Some(format!("AREA[LastUpdatePostDate]RANGE[{today},MAX]")));
    cfg2.since_last_success = false;
    fetch(&cfg2, &online()).await.unwrap();
    assert_eq!(server.log().last().unwrap().get("filter.advanced"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn queries_run_concurrently_within_the_bound() {
    let mut api = Api::new(studies(TEN_B));
    api.delay = Duration::from_millis(60);
    let server = Server::start(api).await;
    let raw = tempfile::tempdir().unwrap();
    let qs: Vec<ApiQuery> = ["a", "b", "c", "d"].iter().map(|n| query(n)).collect();
    let mut cfg = config(&server.base_url, raw.path(), 5, qs.clone());
    cfg.max_concurrency = 2;
    let out = fetch(&cfg, &online()).await.expect("all fetched");
    assert_eq!(out.iter().map(|o| o.query.as_str()).collect::<Vec<_>>(), ["a", "b", "c", "d"], "results in config order");
    assert!(out.iter().all(|o| o.manifest.complete && o.manifest.study_count == 10));
    let ids: std::collections::BTreeSet<&str> = out.iter().map(|o| o.fetch_id.as_str()).collect();
    assert_eq!(ids.len(), 4, "each query has its own fetch directory");
    assert_eq!(server.log().len(), 8);
    assert_eq!(server.max_in_flight(), 2, "two at a time, never more");

    let server2 = Server::start({
        let mut a = Api::new(studies(TEN_B));
        a.delay = Duration::from_millis(30);
        a
    })
    .await;
    let raw2 = tempfile::tempdir().unwrap();
    let mut cfg = config(&server2.base_url, raw2.path(), 5, qs);
    cfg.max_concurrency = 1;
    fetch(&cfg, &online()).await.expect("all fetched");
    assert_eq!(server2.max_in_flight(), 1);
}

#[tokio::test]
async fn a_failing_query_does_not_stop_the_others() {
    let mut api = Api::new(studies(TEN_B));
    // 2 queries x 1 page; request 0 (whichever query) gets a final 400.
    api.faults.insert(0, Fault::Status(400, vec![], "bad".into()));
    let server = Server::start(api).await;
    let raw = tempfile::tempdir().unwrap();
    let mut cfg = config(&server.base_url, raw.path(), 10, vec![query("x"), query("y")]);
    cfg.max_concurrency = 1;
    let err = fetch(&cfg, &online()).await.expect_err("one failed");
    assert!(matches!(err, FetchError::Status { status: 400, .. }));
    assert_eq!(server.log().len(), 2, "the other query was still fetched");
    let done: usize = ["x", "y"]
        .iter()
        .map(|n| trialtables_fetch::rawzone::last_complete(raw.path(), &query(n), &server.base_url).unwrap().is_some() as usize)
        .sum();
    assert_eq!(done, 1);
}

#[test]
fn config_from_toml_defaults_and_unknown_keys() {
    let c: ApiConfig = toml::from_str(
        r#"
raw_dir = "raw/ctgov"
[[query]]
name = "msc-autoimmune"
cond = "lupus"
overall_status = ["RECRUITING"]
"#,
    )
    .expect("valid");
    assert_eq!(c.base_url, "https://clinicaltrials.gov");
    assert_eq!(c.page_size, 1000);
    assert!(c.resume && !c.since_last_success);
    assert_eq!(c.max_tries, 6);
    assert_eq!(c.queries[0].overall_status, ["RECRUITING"]);
    assert!(c.validate().is_ok());

    let e = toml::from_str::<ApiConfig>("raw_dir = \"r\"\npage_sise = 10\n").unwrap_err().to_string();
    assert!(e.contains("page_sise"), "{e}");
    let e = toml::from_str::<ApiConfig>("raw_dir = \"r\"\n[[query]]\nname = \"a\"\nconditon = \"x\"\n").unwrap_err().to_string();
    assert!(e.contains("conditon"), "{e}");

    let mut bad = c.clone();
    bad.page_size = 1001;
    bad.base_url = "clinicaltrials.gov".into();
    bad.queries.push(bad.queries[0].clone());
    bad.queries[0].name = "has space".into();
    bad.queries[1].overall_status = vec!["recruiting".into()];
    let p = bad.validate().unwrap_err();
    let all = p.join("\n");
    for needle in ["page_size 1001", "base_url", "has space", "recruiting"] {
        assert!(all.contains(needle), "{needle} not in {all}");
    }
    let mut dup = c.clone();
    dup.queries.push(dup.queries[0].clone());
    assert!(dup.validate().unwrap_err().join("\n").contains("used by two queries"));
    let mut none = c.clone();
    none.queries.clear();
    assert!(none.validate().is_err());
    let abs = c.with_base_dir(Path::new("/etc/jobs"));
    assert_eq!(Path::new(&abs.raw_dir), Path::new("/etc/jobs/raw/ctgov"));
    let mut c2 = c;
    c2.raw_dir = "/data/raw".into();
    assert_eq!(c2.with_base_dir(Path::new("/x")).raw_dir, "/data/raw");
}

/// The shape the CLI embeds: `[input.api]` with `[[input.api.query]]` tables.
#[test]
fn embeds_as_input_api_in_pipeline_toml() {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Input {
        #[serde(default)]
        paths: Vec<String>,
        api: Option<ApiConfig>,
    }
    #[derive(serde::Deserialize)]
    struct Pipeline {
        input: Input,
    }
    let p: Pipeline = toml::from_str(
        r#"
[input]
paths = ["data/*.json"]

[input.api]
raw_dir = "raw/ctgov"
page_size = 500
since_last_success = true

[[input.api.query]]
name = "msc-autoimmune"
cond = "lupus OR crohn disease"
intr = "mesenchymal stem cell"
advanced = "AREA[Phase]PHASE2"

[[input.api.query]]
name = "msc-ms"
cond = "multiple sclerosis"
fields = ["NCTId", "BriefTitle"]
"#,
    )
    .expect("valid");
    let api = p.input.api.expect("api table");
    assert_eq!(p.input.paths, ["data/*.json"]);
    assert_eq!(api.page_size, 500);
    assert!(api.since_last_success);
    assert_eq!(api.queries.len(), 2);
    assert_eq!(api.queries[1].fields, ["NCTId", "BriefTitle"]);
    assert!(api.validate().is_ok());
    // The key lists offered for "did you mean" hints are exactly the struct's keys.
    let mut full = api.clone();
    full.user_agent = Some("ua".into());
    full.queries[0].term = Some("t".into());
    let v = toml::Value::try_from(&full).unwrap();
    let keys = |t: &toml::Table| t.keys().cloned().collect::<std::collections::BTreeSet<String>>();
    let set = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<std::collections::BTreeSet<String>>();
    assert_eq!(keys(v.as_table().unwrap()), set(trialtables_fetch::config::CONFIG_KEYS));
    let q0 = v["query"][0].as_table().unwrap();
    assert_eq!(keys(q0), set(trialtables_fetch::config::QUERY_KEYS));
    let e = toml::from_str::<Pipeline>("[input.api]\nraw_dir = \"r\"\nbase_ulr = \"x\"\n").err().expect("typo refused");
    assert!(e.to_string().contains("base_ulr"), "{e}");
}

#[tokio::test]
async fn invalid_config_is_refused_before_any_request() {
    let server = Server::start(Api::new(studies(TEN_A))).await;
    let raw = tempfile::tempdir().unwrap();
    let cfg = config(&server.base_url, raw.path(), 0, vec![query("z")]);
    let err = fetch(&cfg, &online()).await.expect_err("page_size 0");
    assert!(matches!(err, FetchError::Config(_)));
    assert!(server.log().is_empty());
}
