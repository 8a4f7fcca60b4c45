//! Shared helpers of the corpus tests: where the fixtures live, and how the corpus files are
//! (re)built from the real records in `/work/shared/realdata` (or `$TRIALTABLES_REALDATA`).
//!
//! The corpus files under `fixtures/corpus/` are committed, so CI reads them and never needs
//! the real-data directory. To rebuild them, run
//! `TRIALTABLES_REGEN_CORPUS=1 cargo test -p trialtables-normalize --test corpus`.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `fixtures/` at the workspace root.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The real-data directory, when present.
pub fn realdata() -> Option<PathBuf> {
    let p = std::env::var("TRIALTABLES_REALDATA").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("/work/shared/realdata"));
    p.is_dir().then_some(p)
}

/// The real records of the contract tests: `../shared/realdata` beside the checkout when it is
/// there, else the copies kept in `fixtures/realdata`.
pub fn contract_realdata() -> PathBuf {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/realdata");
    if shared.is_dir() {
        shared
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/realdata")
    }
}

/// Appends the files under `dir` with extension `ext` to `out`, each folder's entries in
/// sorted order, depth first.
pub fn files_into(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut v: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    v.sort();
    for p in v {
        if p.is_dir() {
            files_into(&p, ext, out);
        } else if p.extension().and_then(|e| e.to_str()) == Some(ext) {
            out.push(p);
        }
    }
}

/// Whether the corpus files should be rebuilt.
pub fn regen() -> bool {
    std::env::var("TRIALTABLES_REGEN_CORPUS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// All files under `dir` with extension `ext`, sorted.
pub fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// One line per corpus entry: internal whitespace (newlines included) collapsed to one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes the five XML entities and numeric character references.
pub fn xml_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(j) = tail.find(';').filter(|&j| j <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..j];
        let rep = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if ent.starts_with("#x") => u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match rep {
            Some(c) => {
                out.push(c);
                rest = &tail[j + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every JSON document of the real data (single documents; JSON Lines are read per line).
pub fn json_docs(dir: &Path) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for f in files(dir, "json") {
        let Ok(text) = std::fs::read_to_string(&f) else { continue };
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => out.push(v),
            Err(_) => out.extend(text.lines().filter_map(|l| serde_json::from_str(l).ok())),
        }
    }
    out
}

/// Every string value under `key` anywhere in `v`.
pub fn walk_key(v: &serde_json::Value, key: &str, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    if let Some(s) = x.as_str() {
                        out.insert(one_line(s));
                    }
                }
                walk_key(x, key, out);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                walk_key(x, key, out);
            }
        }
        _ => {}
    }
}

/// Texts of every `<tag>` element in the legacy XML files.
pub fn xml_elements(dir: &Path, tag: &str, out: &mut BTreeSet<String>) {
    let re = regex::Regex::new(&format!(r"(?s)<{tag}>(.*?)</{tag}>")).expect("valid regex");
    for f in files(dir, "xml") {
        let Ok(text) = std::fs::read_to_string(&f) else { continue };
        for c in re.captures_iter(&text) {
            if let Some(m) = c.get(1) {
                out.insert(one_line(&xml_unescape(m.as_str())));
            }
        }
    }
}

/// Reads a corpus file: one entry per line, `#` comment lines and blank lines skipped.
pub fn read_corpus(name: &str) -> Vec<String> {
    let p = fixtures().join("corpus").join(name);
    let text = std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("corpus file {} missing ({e}); rebuild with TRIALTABLES_REGEN_CORPUS=1", p.display()));
    text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(str::to_string).collect()
}

/// Writes a corpus file with a header comment.
pub fn write_corpus(name: &str, header: &str, entries: &BTreeSet<String>) {
    let dir = fixtures().join("corpus");
    std::fs::create_dir_all(&dir).expect("create fixtures/corpus");
    let mut text = String::new();
    for l in header.lines() {
        text.push_str("# ");
        text.push_str(l);
        text.push('\n');
    }
    for e in entries {
        if !e.is_empty() {
            text.push_str(e);
            text.push('\n');
        }
    }
    std::fs::write(dir.join(name), text).expect("write corpus file");
}
