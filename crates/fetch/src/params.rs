//! The request parameters of a fetch, built once and then kept unchanged for every page (only
//! `pageToken` is added), and the incremental filter. Kept apart from the HTTP code so the
//! exact query string a fetch sends can be checked without a network.

use crate::config::ApiQuery;

/// Path of the studies endpoint under the base URL.
pub const STUDIES_PATH: &str = "/api/v2/studies";

/// The Essie area searched by `since_last_success`.
pub const LAST_UPDATE_AREA: &str = "LastUpdatePostDate";

/// The filter that keeps studies updated on or after `date` (`YYYY-MM-DD`).
pub fn since_filter(date: &str) -> String {
    format!("AREA[{LAST_UPDATE_AREA}]RANGE[{date},MAX]")
}

/// `filter.advanced` for an incremental fetch: the user's expression (if any, parenthesised
/// so its own OR cannot swallow the date range) AND the last-update range.
pub fn combine_advanced(user: Option<&str>, since: Option<&str>) -> Option<String> {
    let user = user.map(str::trim).filter(|s| !s.is_empty());
    match (user, since) {
        (None, None) => None,
        (Some(u), None) => Some(u.to_string()),
        (None, Some(d)) => Some(since_filter(d)),
        (Some(u), Some(d)) => Some(format!("({u}) AND {}", since_filter(d))),
    }
}

/// The parameters sent with every page, in a fixed order. `pageToken` is not in it: it is
/// appended per page by [`page_url`].
pub fn build_params(q: &ApiQuery, page_size: u32, since: Option<&str>) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = vec![("format".into(), "json".into())];
    let mut put = |k: &str, v: Option<&str>| {
        if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
            p.push((k.to_string(), v.to_string()));
        }
    };
    put("query.cond", q.cond.as_deref());
    put("query.intr", q.intr.as_deref());
    put("query.term", q.term.as_deref());
    let statuses = q.overall_status.join(",");
    put("filter.overallStatus", Some(&statuses));
    let advanced = combine_advanced(q.advanced.as_deref(), since);
    put("filter.advanced", advanced.as_deref());
    let fields = q.fields.join(",");
    put("fields", Some(&fields));
    // countTotal is sent on every page (the API only counts on the first one) so that the
    // parameters stay the same between pages; the total feeds the progress bar.
    p.push(("countTotal".into(), "true".into()));
    p.push(("pageSize".into(), page_size.to_string()));
    p
}

/// The URL of one page: base URL + endpoint + the parameters, then `pageToken` when given.
pub fn page_url(base_url: &str, params: &[(String, String)], token: Option<&str>) -> String {
    let mut url = String::with_capacity(256);
    url.push_str(base_url.trim().trim_end_matches('/'));
    url.push_str(STUDIES_PATH);
    let mut sep = '?';
    let all = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain(token.map(|t| ("pageToken", t)));
    for (k, v) in all {
        url.push(sep);
        sep = '&';
        url.push_str(&encode(k));
        url.push('=');
        url.push_str(&encode(v));
    }
    url
}

/// Percent-encodes everything but RFC 3986 unreserved characters (so a space is `%20`, never
/// `+`, and `[`, `]`, `,` of Essie expressions are always escaped the same way).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> ApiQuery {
        ApiQuery {
            name: "t".into(),
            cond: Some("lupus OR \"crohn disease\"".into()),
            intr: Some("mesenchymal stem cell".into()),
            term: None,
            overall_status: vec!["RECRUITING".into(), "COMPLETED".into()],
            advanced: Some("AREA[Phase]PHASE2 OR AREA[Phase]PHASE3".into()),
            fields: vec![],
        }
    }

    #[test]
    fn incremental_filter_is_and_combined_and_parenthesised() {
        assert_eq!(combine_advanced(None, None), None);
        assert_eq!(combine_advanced(Some("  "), None), None);
        assert_eq!(combine_advanced(None, Some("2024-03-05")).as_deref(), Some("AREA[LastUpdatePostDate]RANGE[2024-03-05,MAX]"));
        assert_eq!(
            combine_advanced(Some("AREA[Phase]PHASE2 OR AREA[Phase]PHASE3"), Some("2024-03-05")).as_deref(),
            Some("(AREA[Phase]PHASE2 OR AREA[Phase]PHASE3) AND AREA[LastUpdatePostDate]RANGE[2024-03-05,MAX]")
        );
    }

    #[test]
    fn params_in_fixed_order_and_empty_ones_left_out() {
        let p = build_params(&q(), 1000, None);
        let keys: Vec<&str> = p.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["format", "query.cond", "query.intr", "filter.overallStatus", "filter.advanced", "countTotal", "pageSize"]);
        assert_eq!(p[3].1, "RECRUITING,COMPLETED");
        let p = build_params(&q(), 7, Some("2020-01-31"));
        assert_eq!(p[4].1, "(AREA[Phase]PHASE2 OR AREA[Phase]PHASE3) AND AREA[LastUpdatePostDate]RANGE[2020-01-31,MAX]");
        assert_eq!(p.last().map(|x| x.1.as_str()), Some("7"));
    }

    #[test]
    fn url_is_percent_encoded_and_token_last() {
        let p = vec![("query.cond".to_string(), "a b,[c]\"ä".to_string())];
        assert_eq!(
            page_url("http://h:1/", &p, Some("x+y/=")),
            "http://h:1/api/v2/studies?query.cond=a%20b%2C%5Bc%5D%22%C3%A4&pageToken=x%2By%2F%3D"
        );
        assert_eq!(page_url("https://m.example/mirror", &[], None), "https://m.example/mirror/api/v2/studies");
    }
}
