//! trialtables-extract: the first stage. It turns input bytes into [`RawRecord`]s: every
//! value as the source states it, with its line, and nothing interpreted yet. One module per
//! input form or page layout; the form is detected from the content, never the file name.
//!
//! Readers never panic on bad input: whatever cannot be read becomes an [`InputIssue`] (a
//! `record_issues` row naming the file and line) and the rest of the input is still read.
#![deny(missing_docs)]

pub mod model;

pub mod api_json;
pub mod api_v1_json;
pub mod archive;
pub mod decode;
pub mod detect;
pub mod legacy_xml;
pub mod results;
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

/// Like [`extract`], but hands over what was read as soon as it is read, so the caller can
/// stream: one call per document (archive member), except that a JSON document whose studies
/// add up to [`api_json::CHUNK_BYTES`] or more of source is handed over in pieces of about that
/// size. Memory beyond `bytes` stays bounded by the largest member (XML, page text) or by one
/// piece (JSON arrays, pages, JSON Lines), however many studies a JSON file holds.
///
/// The pieces, put together in order, are exactly what [`extract`] returns; a file smaller
/// than [`api_json::CHUNK_BYTES`] gives the same calls as before streaming.
pub fn extract_each(path: &str, bytes: &[u8], f: &mut dyn FnMut(Extracted)) {
    extract_chunked(path, bytes, api_json::CHUNK_BYTES, f)
}

/// [`extract_each`] with the size of the JSON pieces chosen by the caller: a piece is handed
/// over once its studies reach `chunk_bytes` of source (0: after every study, so memory is
/// bounded by one study).
pub fn extract_chunked(path: &str, bytes: &[u8], chunk_bytes: usize, f: &mut dyn FnMut(Extracted)) {
    archive::for_each_member(path, bytes, &mut |member| match member {
        Ok(m) => extract_one_each(&m.path, &m.bytes, chunk_bytes, f),
        Err(issue) => f(Extracted { records: Vec::new(), issues: vec![issue] }),
    });
}

/// Reads entries `range` of a zip archive on disk (see [`archive::ZipFile`]) exactly as
/// [`extract_chunked`] reads those entries of the same archive held in memory. Ranges read
/// one after another, in order, give what [`extract_chunked`] gives for the whole archive, so
/// several threads can each read a range and the results be joined in range order.
#[cfg(unix)]
pub fn extract_zip_members(
    zip: &archive::ZipFile,
    path: &str,
    range: std::ops::Range<usize>,
    chunk_bytes: usize,
    f: &mut dyn FnMut(Extracted),
) {
    zip.for_each_member(path, range, &mut |member| match member {
        Ok(m) => extract_one_each(&m.path, &m.bytes, chunk_bytes, f),
        Err(issue) => f(Extracted { records: Vec::new(), issues: vec![issue] }),
    });
}

fn extract_one_each(path: &str, bytes: &[u8], chunk_bytes: usize, f: &mut dyn FnMut(Extracted)) {
    match detect::detect(bytes) {
        detect::Form::Json => api_json::read_each(path, bytes, chunk_bytes, f),
        _ => f(extract_one(path, bytes)),
    }
}

/// Like [`extract_chunked`], reading from `input` instead of bytes held by the caller: a JSON
/// array of studies (the big case) is read study by study, so memory stays bounded by one
/// piece of `chunk_bytes` and one study, whatever the size of the file; anything else (an
/// archive, XML, page text, a JSON page or study) is read whole first and then read as
/// [`extract_chunked`] reads it. See [`api_json::read_array_from`] for the two documented
/// differences from reading the same bytes whole. An error reading `input` is returned, with
/// what was read before it already handed over.
pub fn extract_reader(path: &str, input: &mut dyn std::io::Read, chunk_bytes: usize, f: &mut dyn FnMut(Extracted)) -> std::io::Result<()> {
    if let Some(all) = api_json::read_array_from(path, input, chunk_bytes, f)? {
        extract_chunked(path, &all, chunk_bytes, f);
    }
    Ok(())
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
