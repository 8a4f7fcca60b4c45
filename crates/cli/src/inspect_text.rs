//! The readable form of `trialtables inspect`: the detected layout, every raw field with the
//! line it was read from, then the normalized rows and findings. Built from the same JSON
//! document `--format json` prints, so the two never disagree.

use serde_json::Value;

/// Longest value shown on one line; longer text is cut with its length stated.
const MAX_SHOWN: usize = 120;

fn short(s: &str) -> String {
    let one_line = s.replace(['\n', '\r'], " ");
    if one_line.chars().count() <= MAX_SHOWN {
        one_line
    } else {
        let cut: String = one_line.chars().take(MAX_SHOWN).collect();
        format!("{cut}... ({} chars)", one_line.chars().count())
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => short(s),
        other => other.to_string(),
    }
}

/// A `Raw` value is an object holding exactly `text` and `line`.
fn as_raw(v: &Value) -> Option<(&str, u64)> {
    let o = v.as_object()?;
    if o.len() != 2 {
        return None;
    }
    Some((o.get("text")?.as_str()?, o.get("line")?.as_u64()?))
}

fn raw_fields(path: &str, v: &Value, out: &mut Vec<(u64, String, String)>) {
    if let Some((text, line)) = as_raw(v) {
        out.push((line, path.to_string(), short(text)));
        return;
    }
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                raw_fields(&p, x, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                raw_fields(&format!("{path}[{i}]"), x, out);
            }
        }
        Value::Null => {}
        other => out.push((0, path.to_string(), scalar(other))),
    }
}

fn row(v: &Value) -> String {
    match v {
        Value::Object(o) => o
            .iter()
            .filter(|(k, x)| !x.is_null() && *k != "nct_id")
            .map(|(k, x)| format!("{k}={}", scalar(x)))
            .collect::<Vec<_>>()
            .join("  "),
        other => scalar(other),
    }
}

/// Renders the inspect document (`{file, records: [{source_format, raw, normalized}],
/// input_issues}`) as text.
pub fn render(doc: &Value) -> String {
    let mut s = String::new();
    let file = doc.get("file").and_then(Value::as_str).unwrap_or("?");
    let records = doc.get("records").and_then(Value::as_array).cloned().unwrap_or_default();
    s.push_str(&format!("{file}: {} record(s)\n", records.len()));
    for (n, r) in records.iter().enumerate() {
        let layout = r.get("source_format").and_then(Value::as_str).unwrap_or("?");
        let raw = r.get("raw").cloned().unwrap_or(Value::Null);
        let nct = raw.get("nct_id").and_then(as_raw).map(|(t, _)| t.to_string()).unwrap_or_else(|| "(no NCT id)".into());
        s.push_str(&format!("\n== record {} of {}: {nct}  layout: {layout}\n", n + 1, records.len()));
        s.push_str("-- raw fields (line: field = text)\n");
        let mut fields = Vec::new();
        raw_fields("", &raw, &mut fields);
        for (line, path, text) in fields {
            let l = if line == 0 { "-".to_string() } else { line.to_string() };
            s.push_str(&format!("  {l:>6}: {path} = {text}\n"));
        }
        s.push_str("-- normalized\n");
        if let Some(Value::Object(norm)) = r.get("normalized") {
            for (table, v) in norm {
                match v {
                    Value::Array(rows) if rows.is_empty() => s.push_str(&format!("  {table}: none\n")),
                    Value::Array(rows) => {
                        s.push_str(&format!("  {table}: {}\n", rows.len()));
                        for x in rows {
                            s.push_str(&format!("    - {}\n", row(x)));
                        }
                    }
                    Value::Object(o) => {
                        s.push_str(&format!("  {table}:\n"));
                        for (k, x) in o.iter().filter(|(_, x)| !x.is_null()) {
                            s.push_str(&format!("    {k:<30} {}\n", scalar(x)));
                        }
                    }
                    other => s.push_str(&format!("  {table}: {}\n", scalar(other))),
                }
            }
        }
    }
    let issues = doc.get("input_issues").and_then(Value::as_array).cloned().unwrap_or_default();
    if !issues.is_empty() {
        s.push_str(&format!("\n-- input issues: {}\n", issues.len()));
        for i in &issues {
            let g = |k: &str| i.get(k).map(scalar).unwrap_or_default();
            s.push_str(&format!("  {} {}:{}: {}\n", g("severity").to_uppercase(), g("source_path"), g("line"), g("message")));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_values_show_their_line() {
        let doc = serde_json::json!({
            "file": "f.txt",
            "records": [{
                "source_format": "ctgov_modern",
                "raw": {"nct_id": {"text": "NCT01234567", "line": 3}, "arms": [{"label": {"text": "A", "line": 9}}], "x": null},
                "normalized": {"trial": {"nct_id": "NCT01234567", "phase": "PHASE2", "sex": null}, "doses": [], "issues": [{"severity": "WARNING", "message": "m"}]}
            }],
            "input_issues": [{"source_path": "f.txt", "line": 0, "severity": "ERROR", "message": "bad"}]
        });
        let t = render(&doc);
        assert!(t.contains("== record 1 of 1: NCT01234567  layout: ctgov_modern"), "{t}");
        assert!(t.contains("       3: nct_id = NCT01234567\n"), "{t}");
        assert!(t.contains("       9: arms[0].label = A\n"), "{t}");
        assert!(t.contains("phase"), "{t}");
        assert!(!t.contains("sex"), "nulls are not shown: {t}");
        assert!(t.contains("  doses: none\n"), "{t}");
        assert!(t.contains("ERROR f.txt:0: bad"), "{t}");
    }

    #[test]
    fn long_text_is_cut() {
        let s = short(&"x".repeat(500));
        assert!(s.ends_with("... (500 chars)"));
    }
}
