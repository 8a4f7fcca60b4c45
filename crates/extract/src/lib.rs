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
    match detect::detect(bytes) {
        detect::Form::Json => api_json::read(path, bytes),
        detect::Form::Xml => legacy_xml::read(path, bytes),
        detect::Form::Text => {
            let text = decode::to_text(bytes);
            text::read(path, &text)
        }
        detect::Form::Unknown(reason) => Extracted {
            records: Vec::new(),
            issues: vec![InputIssue { source_path: path.to_string(), line: 0, nct_id: None, severity: Severity::Error, message: reason }],
        },
    }
}
