//! Opens archives: `.gz` (gzip) and `.zip` inputs are expanded into their members, each
//! read as its own document; anything else is one member, itself. The archive kind is
//! detected from magic bytes, never from the file name.
//!
//! Archives are hostile input: decompression is bounded ([`MAX_MEMBER_BYTES`],
//! [`MAX_RATIO`]) so a zip bomb becomes an [`InputIssue`] instead of an out-of-memory kill;
//! member names such as `../evil.json` or `/etc/passwd` are flagged (nothing is ever written
//! to disk, members are only read into memory); archives inside archives are expanded one
//! level deep at most. Members keep the order they have in the archive.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use crate::model::{InputIssue, Severity};

/// Largest decompressed size accepted for one member (512 MiB). Larger members are refused
/// with an issue; the bytes beyond are never allocated.
pub const MAX_MEMBER_BYTES: u64 = 512 * 1024 * 1024;

/// Largest accepted ratio of decompressed to compressed size. Above it (and above
/// [`RATIO_FLOOR_BYTES`]) a member is treated as a decompression bomb and refused.
pub const MAX_RATIO: u64 = 1000;

/// Members that decompress to at most this many bytes are never refused for their ratio
/// (a tiny, very repetitive file is harmless).
pub const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;

/// How many archive levels are expanded: an archive inside an archive is opened, one inside
/// that is not.
pub const MAX_DEPTH: u32 = 2;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY_MAGIC: &[u8] = b"PK\x05\x06";

/// One document to read.
#[derive(Debug, Clone)]
pub struct Member<'a> {
    /// Provenance path (`archive.zip!member.json` for archive members).
    pub path: String,
    /// The document's bytes, decompressed (borrowed when the input is not an archive).
    pub bytes: Cow<'a, [u8]>,
}

/// The kind of container a byte string is, from its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// gzip stream (`1f 8b`).
    Gzip,
    /// zip archive (`PK\x03\x04`, or `PK\x05\x06` for an empty one).
    Zip,
    /// Not an archive: a document.
    Plain,
}

/// Detects gzip and zip from magic bytes.
pub fn kind(bytes: &[u8]) -> Kind {
    if bytes.starts_with(GZIP_MAGIC) {
        Kind::Gzip
    } else if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(ZIP_EMPTY_MAGIC) {
        Kind::Zip
    } else {
        Kind::Plain
    }
}

/// Splits an input into documents (itself, unless it is an archive). Problems (corrupt
/// archive, refused member, suspicious member name) are returned as `Err` items in place;
/// a flagged-but-read member yields both a Warning issue and the member.
pub fn members<'a>(path: &str, bytes: &'a [u8]) -> Vec<Result<Member<'a>, InputIssue>> {
    let mut out = Vec::new();
    for_each_member(path, bytes, &mut |m| out.push(m));
    out
}

/// Like [`members`], but hands each member to `f` as soon as it is decompressed, so a zip of
/// many members is read in memory bounded by its largest member, not its total size.
pub fn for_each_member<'a>(path: &str, bytes: &'a [u8], f: &mut dyn FnMut(Result<Member<'a>, InputIssue>)) {
    expand(path, Cow::Borrowed(bytes), 0, f);
}

fn issue(path: &str, severity: Severity, message: String) -> InputIssue {
    InputIssue { source_path: path.to_string(), line: 0, nct_id: None, severity, message }
}

fn expand<'a>(path: &str, bytes: Cow<'a, [u8]>, depth: u32, out: &mut dyn FnMut(Result<Member<'a>, InputIssue>)) {
    let k = kind(&bytes);
    if k == Kind::Plain {
        out(Ok(Member { path: path.to_string(), bytes }));
        return;
    }
    if depth >= MAX_DEPTH {
        out(Err(issue(
            path,
            Severity::Error,
            format!("archive nested more than {MAX_DEPTH} levels deep: not expanded, its records are not read"),
        )));
        return;
    }
    match k {
        Kind::Gzip => gunzip(path, &bytes, depth, out),
        Kind::Zip => unzip(path, &bytes, depth, out),
        Kind::Plain => {}
    }
}

/// The byte limit for a member of `compressed` compressed bytes: the smaller of the absolute
/// cap and the ratio cap (but never below the ratio floor).
fn limit_for(compressed: u64) -> u64 {
    let by_ratio = compressed.saturating_mul(MAX_RATIO).max(RATIO_FLOOR_BYTES);
    by_ratio.min(MAX_MEMBER_BYTES)
}

/// Reads at most `limit` bytes; `Ok(None)` when the stream holds more than that.
fn read_bounded(reader: impl Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    reader.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        Ok(None)
    } else {
        Ok(Some(buf))
    }
}

fn refused_message(compressed: u64, limit: u64) -> String {
    if limit < MAX_MEMBER_BYTES {
        format!(
            "decompresses to more than {limit} bytes from {compressed} compressed bytes \
             (ratio above {MAX_RATIO}): refused as a likely decompression bomb, its records are not read"
        )
    } else {
        format!("decompresses to more than {MAX_MEMBER_BYTES} bytes: refused (size cap), its records are not read")
    }
}

fn gunzip<'a>(path: &str, bytes: &[u8], depth: u32, out: &mut dyn FnMut(Result<Member<'a>, InputIssue>)) {
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    let inner_name = decoder.header().and_then(|h| h.filename()).map(|n| String::from_utf8_lossy(n).into_owned());
    let member_name = inner_name.unwrap_or_else(|| {
        let base = path.rsplit(['/', '\\', '!']).next().unwrap_or(path);
        let stem = base.strip_suffix(".gz").or_else(|| base.strip_suffix(".GZ")).or_else(|| base.strip_suffix(".gzip")).unwrap_or(base);
        if stem.is_empty() || stem == base {
            format!("{base}.out")
        } else {
            stem.to_string()
        }
    });
    let member_path = format!("{path}!{member_name}");
    let limit = limit_for(bytes.len() as u64);
    match read_bounded(decoder, limit) {
        Ok(Some(data)) => {
            if let Some(w) = name_warning(&member_path, &member_name) {
                out(Err(w));
            }
            expand(&member_path, Cow::Owned(data), depth + 1, out)
        }
        Ok(None) => out(Err(issue(&member_path, Severity::Error, format!("gzip member {}", refused_message(bytes.len() as u64, limit))))),
        Err(e) => out(Err(issue(path, Severity::Error, format!("corrupt or truncated gzip stream: {e}; its records are not read")))),
    }
}

/// A Warning when a member name would escape a directory (`../`, absolute, drive letter).
fn name_warning(member_path: &str, name: &str) -> Option<InputIssue> {
    let unsafe_name = name.starts_with('/')
        || name.starts_with('\\')
        || name.split(['/', '\\']).any(|c| c == "..")
        || (name.len() >= 2 && name.as_bytes().get(1) == Some(&b':'));
    if unsafe_name {
        Some(issue(
            member_path,
            Severity::Warning,
            format!(
                "archive member name {name:?} points outside the archive (absolute or `..`): \
                 read into memory only, never written to disk"
            ),
        ))
    } else {
        None
    }
}

fn unzip<'a>(path: &str, bytes: &[u8], depth: u32, out: &mut dyn FnMut(Result<Member<'a>, InputIssue>)) {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            out(Err(issue(path, Severity::Error, format!("unreadable zip archive: {e}; its records are not read"))));
            return;
        }
    };
    for i in 0..archive.len() {
        let mut file = match archive.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                out(Err(issue(
                    &format!("{path}!#{i}"),
                    Severity::Error,
                    format!("unreadable zip member number {i}: {e}; its records are not read"),
                )));
                continue;
            }
        };
        let name = file.name().to_string();
        let member_path = format!("{path}!{name}");
        if file.is_dir() {
            continue;
        }
        if let Some(w) = name_warning(&member_path, &name) {
            out(Err(w));
        }
        let compressed = file.compressed_size();
        let limit = limit_for(compressed);
        // The declared size can lie; it is only used to refuse early. The bounded read below
        // is what actually protects memory.
        if file.size() > limit {
            out(Err(issue(&member_path, Severity::Error, format!("zip member {}", refused_message(compressed, limit)))));
            continue;
        }
        match read_bounded(&mut file, limit) {
            Ok(Some(data)) => {
                drop(file);
                expand(&member_path, Cow::Owned(data), depth + 1, out);
            }
            Ok(None) => out(Err(issue(&member_path, Severity::Error, format!("zip member {}", refused_message(compressed, limit))))),
            Err(e) => out(Err(issue(&member_path, Severity::Error, format!("unreadable zip member: {e}; its records are not read")))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn plain_is_borrowed_itself() {
        let m = members("a.json", b"{}");
        assert_eq!(m.len(), 1);
        let m = m.into_iter().next().unwrap().unwrap();
        assert_eq!(m.path, "a.json");
        assert!(matches!(m.bytes, Cow::Borrowed(_)));
    }

    #[test]
    fn gzip_round_trip_and_name() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b"{\"x\":1}").unwrap();
        let gz = e.finish().unwrap();
        let m = members("dir/data.json.gz", &gz);
        assert_eq!(m.len(), 1);
        let m = m.into_iter().next().unwrap().unwrap();
        assert_eq!(m.path, "dir/data.json.gz!data.json");
        assert_eq!(&*m.bytes, b"{\"x\":1}");
    }

    #[test]
    fn truncated_gzip_is_issue() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&[b'a'; 10000]).unwrap();
        let gz = e.finish().unwrap();
        let m = members("t.gz", &gz[..gz.len() / 2]);
        assert_eq!(m.len(), 1);
        let err = m.into_iter().next().unwrap().unwrap_err();
        assert_eq!(err.severity, Severity::Error);
        assert!(err.message.contains("gzip"), "{}", err.message);
    }

    #[test]
    fn limits() {
        assert_eq!(limit_for(10), RATIO_FLOOR_BYTES);
        assert_eq!(limit_for(10_000), 10_000_000);
        assert_eq!(limit_for(u64::MAX), MAX_MEMBER_BYTES);
    }

    #[test]
    fn unsafe_names() {
        assert!(name_warning("a!../x", "../x").is_some());
        assert!(name_warning("a!/etc/x", "/etc/x").is_some());
        assert!(name_warning("a!C:\\x", "C:\\x").is_some());
        assert!(name_warning("a!d/x..json", "d/x..json").is_none());
    }
}
