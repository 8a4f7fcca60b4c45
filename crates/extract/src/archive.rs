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
use std::io::{Cursor, Read, Seek, SeekFrom};

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
            out(Err(issue(path, Severity::Error, unreadable_zip(&e))));
            return;
        }
    };
    for i in 0..archive.len() {
        unzip_member(&mut archive, path, i, depth, out);
    }
}

fn unreadable_zip(e: &zip::result::ZipError) -> String {
    format!("unreadable zip archive: {e}; its records are not read")
}

/// Member `i` of a zip at `depth`: refused, flagged or read, then expanded one level deeper.
fn unzip_member<'a, R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    path: &str,
    i: usize,
    depth: u32,
    out: &mut dyn FnMut(Result<Member<'a>, InputIssue>),
) {
    let mut file = match archive.by_index(i) {
        Ok(f) => f,
        Err(e) => {
            out(Err(issue(
                &format!("{path}!#{i}"),
                Severity::Error,
                format!("unreadable zip member number {i}: {e}; its records are not read"),
            )));
            return;
        }
    };
    let name = file.name().to_string();
    let member_path = format!("{path}!{name}");
    if file.is_dir() {
        return;
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
        return;
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

/// A zip archive read from a file on disk instead of from memory: the registry's bulk download
/// (`ctg-studies.json.zip`, about 600,000 single-study members, 2.5 GB) is too large to hold.
/// The central directory is read once; every clone reads members through its own cursor on the
/// one shared file (positioned reads), so several threads inflate members of the same archive
/// at once. Members read this way give exactly what [`for_each_member`] gives for the same
/// archive held in memory.
#[cfg(unix)]
#[derive(Clone)]
pub struct ZipFile {
    archive: zip::ZipArchive<SharedFile>,
}

/// A cursor on a shared file; reads are positioned (`pread`), so clones never disturb each
/// other.
#[cfg(unix)]
#[derive(Clone)]
struct SharedFile {
    file: std::sync::Arc<std::fs::File>,
    pos: u64,
    len: u64,
}

#[cfg(unix)]
impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(unix)]
impl Seek for SharedFile {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let new = match to {
            SeekFrom::Start(n) => i128::from(n),
            SeekFrom::End(d) => i128::from(self.len) + i128::from(d),
            SeekFrom::Current(d) => i128::from(self.pos) + i128::from(d),
        };
        let new =
            u64::try_from(new).map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start of the file"))?;
        self.pos = new;
        Ok(new)
    }
}

#[cfg(unix)]
impl ZipFile {
    /// Opens `file` and reads its central directory. The outer error is an I/O error opening
    /// the file; the inner one the `record_issues` message for an archive that cannot be read
    /// (the same as for the archive held in memory).
    pub fn open(file: &std::path::Path) -> std::io::Result<Result<ZipFile, String>> {
        let f = std::fs::File::open(file)?;
        let len = f.metadata()?.len();
        let shared = SharedFile { file: std::sync::Arc::new(f), pos: 0, len };
        Ok(zip::ZipArchive::new(shared).map(|archive| ZipFile { archive }).map_err(|e| unreadable_zip(&e)))
    }

    /// Number of entries (directories included).
    pub fn len(&self) -> usize {
        self.archive.len()
    }

    /// True when the archive has no entry.
    pub fn is_empty(&self) -> bool {
        self.archive.len() == 0
    }

    /// Hands the documents of entries `range` (in archive order) to `f`, as
    /// [`for_each_member`] does for those entries of the archive held in memory; `path` is the
    /// archive's provenance path.
    pub fn for_each_member(&self, path: &str, range: std::ops::Range<usize>, f: &mut dyn FnMut(Result<Member<'static>, InputIssue>)) {
        let mut archive = self.archive.clone();
        for i in range {
            unzip_member(&mut archive, path, i, 0, f);
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

    /// A zip with the member kinds that take different paths: plain documents, a directory, a
    /// name pointing outside, a gzip member, a zip inside the zip, and a bomb.
    fn mixed_zip() -> Vec<u8> {
        let mut inner = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        inner.start_file("in/one.json", opts).unwrap();
        inner.write_all(b"{\"inner\":1}").unwrap();
        let inner = inner.finish().unwrap().into_inner();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"<clinical_study/>").unwrap();
        let gz = gz.finish().unwrap();
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..5 {
            w.start_file(format!("ctg-studies/NCT0000000{i}.json"), opts).unwrap();
            w.write_all(format!("{{\"n\":{i}}}").as_bytes()).unwrap();
        }
        w.add_directory("ctg-studies/sub/", opts).unwrap();
        w.start_file("../escape.json", opts).unwrap();
        w.write_all(b"{}").unwrap();
        w.start_file("x.xml.gz", opts).unwrap();
        w.write_all(&gz).unwrap();
        w.start_file("nested.zip", opts).unwrap();
        w.write_all(&inner).unwrap();
        w.start_file("bomb.json", opts).unwrap();
        w.write_all(&vec![b' '; 3 * RATIO_FLOOR_BYTES as usize]).unwrap();
        w.finish().unwrap().into_inner()
    }

    fn flat(m: Result<Member<'_>, InputIssue>) -> (String, Result<Vec<u8>, String>) {
        match m {
            Ok(m) => (m.path, Ok(m.bytes.into_owned())),
            Err(i) => (i.source_path, Err(format!("{:?} {}", i.severity, i.message))),
        }
    }

    #[test]
    fn zip_on_disk_read_in_ranges_equals_the_zip_in_memory() {
        let bytes = mixed_zip();
        let want: Vec<_> = members("bulk.zip", &bytes).into_iter().map(flat).collect();
        assert!(want.len() >= 10, "{want:?}");
        assert!(want.iter().any(|(p, r)| p == "bulk.zip!nested.zip!in/one.json" && r.is_ok()));
        assert!(want.iter().any(|(p, r)| p == "bulk.zip!bomb.json" && r.is_err()));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bulk.zip");
        std::fs::write(&file, &bytes).unwrap();
        let z = ZipFile::open(&file).unwrap().unwrap();
        // Every way of cutting the entries into consecutive ranges, read by clones.
        for cut in 0..=z.len() {
            let mut got = Vec::new();
            for range in [0..cut, cut..z.len()] {
                z.clone().for_each_member("bulk.zip", range, &mut |m| got.push(flat(m)));
            }
            assert_eq!(got, want, "cut at {cut}");
        }
        // Clones read concurrently give the same.
        let halves: Vec<Vec<_>> = std::thread::scope(|s| {
            let hs: Vec<_> = [0..z.len() / 2, z.len() / 2..z.len()]
                .into_iter()
                .map(|r| {
                    let z = z.clone();
                    s.spawn(move || {
                        let mut v = Vec::new();
                        z.for_each_member("bulk.zip", r, &mut |m| v.push(flat(m)));
                        v
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(halves.concat(), want);
    }

    #[test]
    fn unreadable_zip_on_disk_gives_the_in_memory_message() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.zip");
        let mut bytes = mixed_zip();
        bytes.truncate(bytes.len() - 30);
        std::fs::write(&file, &bytes).unwrap();
        let msg = ZipFile::open(&file).unwrap().err().expect("truncated central directory");
        let want = members("bad.zip", &bytes).into_iter().map(flat).collect::<Vec<_>>();
        assert_eq!(want, vec![("bad.zip".to_string(), Err(format!("Error {msg}")))]);
        assert!(ZipFile::open(&dir.path().join("missing.zip")).is_err());
    }
}
