//! trialtables-extract: the first stage. It turns input bytes into [`RawRecord`]s: every
//! value as the source states it, with its line, and nothing interpreted yet. One module per
//! input form or page layout; the form is detected from the content, never the file name.
//!
//! Readers never panic on bad input: whatever cannot be read becomes an [`InputIssue`] (a
//! `record_issues` row naming the file and line) and the rest of the input is still read.
#![deny(missing_docs)]

pub mod model;

pub mod api_json;
pub mod archive;
pub mod decode;
pub mod detect;
pub mod legacy_xml;
pub mod text;

pub use model::*;

/// Reads one input file (or archive) into raw records. `path` is used for provenance only
/// (it is written to `source_path` and to every issue); the form is detected from `bytes`.
pub fn extract(path: &str, bytes: &[u8]) -> Extracted {
    let mut out = Extracted::default();
    extract_each(path, bytes, &mut |one| {
        out.records.extend(one.records);
        out.issues.extend(one.issues);
    });
    out
}

/// Like [`extract`], but hands over what each document (archive member) gave as soon as it
/// is read, so the caller can stream: memory stays bounded by the largest member.
pub fn extract_each(path: &str, bytes: &[u8], f: &mut dyn FnMut(Extracted)) {
    archive::for_each_member(path, bytes, &mut |member| match member {
        Ok(m) => f(extract_one(&m.path, &m.bytes)),
        Err(issue) => f(Extracted { records: Vec::new(), issues: vec![issue] }),
    });
}

/// Reads one plain (already decompressed) document.
pub fn extract_one(path: &str, bytes: &[u8]) -> Extracted {
    if let Some((text, name, lossy)) = decode::utf16(bytes) {
        // Decoded once, then read as the UTF-8 document it is.
        let mut out = extract_one(path, text.as_bytes());
        let (severity, message) = if lossy {
            (Severity::Warning, format!("{name} text with invalid code units (replaced by U+FFFD): decoded"))
        } else {
            (Severity::Info, format!("{name} text: decoded"))
        };
        out.issues.insert(0, InputIssue { source_path: path.to_string(), line: 0, nct_id: None, severity, message });
        return out;
    }
    match detect::detect(bytes) {
        detect::Form::Json => api_json::read(path, bytes),
        detect::Form::Xml => legacy_xml::read(path, bytes),
        detect::Form::Text => {
            let nul = memchr::memchr(0, bytes);
            let mut text = decode::to_text(bytes);
            let mut warning = None;
            if let Some(at) = nul {
                let n = bytes.iter().filter(|&&b| b == 0).count();
                text.retain(|c| c != '\0');
                warning = Some(InputIssue {
                    source_path: path.to_string(),
                    line: 1 + decode::count_newlines(&bytes[..at]),
                    nct_id: None,
                    severity: Severity::Warning,
                    message: format!("{n} NUL byte(s) in page text (the first on this line) removed; the rest of the page was read"),
                });
            }
            let mut out = text::read(path, &text);
            if let Some(w) = warning {
                out.issues.insert(0, w);
            }
            out
        }
        detect::Form::Unknown(reason) => Extracted {
            records: Vec::new(),
            issues: vec![InputIssue { source_path: path.to_string(), line: 0, nct_id: None, severity: Severity::Error, message: reason }],
        },
    }
}
