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
    with_utf8_or_cp1252(path, bytes, form, |doc, warning| {
        let mut out = read_str(doc);
        if let Some(w) = warning {
            out.issues.insert(0, w);
        }
        out
    })
}

/// Like [`read_utf8_or_cp1252`], for a reader that streams: `read_str` gets the text and the
/// Warning (when the bytes were not UTF-8), to hand over before anything else.
pub(crate) fn with_utf8_or_cp1252<R>(
    path: &str,
    bytes: &[u8],
    form: &str,
    read_str: impl FnOnce(&str, Option<crate::model::InputIssue>) -> R,
) -> R {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(doc) => read_str(doc, None),
        Err(e) => {
            let doc = to_text(bytes);
            let before = bytes.get(..e.valid_up_to()).unwrap_or(&[]);
            let warning = crate::model::InputIssue {
                source_path: path.to_string(),
                line: 1 + count_newlines(before),
                nct_id: None,
                severity: crate::model::Severity::Warning,
                message: format!("{form} is not valid UTF-8 (first bad byte at offset {}): read as Windows-1252", e.valid_up_to()),
            };
            read_str(&doc, Some(warning))
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
}
