//! Decodes page text: UTF-8 when valid, otherwise Latin-1 / Windows-1252 (saved pages in
//! that encoding exist), so no byte is ever an error. Line endings become `\n`.

/// Decodes bytes to text (UTF-8, else Windows-1252), without a BOM, with `\n` line endings.
pub fn to_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let s = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| cp1252(b)).collect(),
    };
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s
    }
}

/// UTF-16 text (with a byte-order mark, or without one when every other byte of an ASCII-heavy
/// head is NUL) decoded to UTF-8; `None` for anything else. The flag says whether invalid
/// code units were replaced by U+FFFD.
pub fn utf16(bytes: &[u8]) -> Option<(String, &'static str, bool)> {
    let (le, body, name) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest, "UTF-16 little-endian"),
        [0xFE, 0xFF, rest @ ..] => (false, rest, "UTF-16 big-endian"),
        _ => {
            let head = &bytes[..bytes.len().min(4096) & !1];
            if head.len() < 8 {
                return None;
            }
            let (even, odd) =
                head.chunks_exact(2).fold((0usize, 0usize), |(e, o), c| (e + usize::from(c[0] == 0), o + usize::from(c[1] == 0)));
            let pairs = head.len() / 2;
            if odd * 10 >= pairs * 9 && even == 0 {
                (true, bytes, "UTF-16 little-endian (no byte-order mark)")
            } else if even * 10 >= pairs * 9 && odd == 0 {
                (false, bytes, "UTF-16 big-endian (no byte-order mark)")
            } else {
                return None;
            }
        }
    };
    let units: Vec<u16> =
        body.chunks_exact(2).map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) }).collect();
    let text = String::from_utf16_lossy(&units);
    let lossy = text.contains('\u{FFFD}') && String::from_utf16(&units).is_err() || body.len() % 2 == 1;
    Some((text, name, lossy))
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•',
        '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// Reads a document that must be UTF-8 (API v2 JSON, legacy XML) with `read_str`. A
/// re-encoded file is decoded as Windows-1252 and still read rather than lost, with a Warning
/// naming the line and offset of the first bad byte.
pub fn read_utf8_or_cp1252(
    path: &str,
    bytes: &[u8],
    form: &str,
    read_str: impl FnOnce(&str) -> crate::model::Extracted,
) -> crate::model::Extracted {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(doc) => read_str(doc),
        Err(e) => {
            let doc = to_text(bytes);
            let mut out = read_str(&doc);
            let before = bytes.get(..e.valid_up_to()).unwrap_or(&[]);
            out.issues.insert(
                0,
                crate::model::InputIssue {
                    source_path: path.to_string(),
                    line: 1 + count_newlines(before),
                    nct_id: None,
                    severity: crate::model::Severity::Warning,
                    message: format!("{form} is not valid UTF-8 (first bad byte at offset {}): read as Windows-1252", e.valid_up_to()),
                },
            );
            out
        }
    }
}

/// Number of `\n` bytes in `b` (line numbers of the JSON and XML readers and of decoding
/// warnings all count this way).
pub(crate) fn count_newlines(b: &[u8]) -> u32 {
    memchr::memchr_iter(b'\n', b).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_and_crlf() {
        assert_eq!(to_text(b"Sj\xf6gren\r\nx"), "Sjögren\nx");
        assert_eq!(to_text("Sjögren".as_bytes()), "Sjögren");
        assert_eq!(to_text(b"\x93quoted\x94"), "“quoted”");
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain("Sjögren\nNCT01".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(utf16(&le), Some(("Sjögren\nNCT01".to_string(), "UTF-16 little-endian", false)));
        let be: Vec<u8> = "Title: a study".encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(utf16(&be).map(|t| t.0), Some("Title: a study".to_string()));
        assert_eq!(utf16(b"plain text, not UTF-16"), None);
        assert_eq!(utf16(b"a\x00b"), None);
    }
}
