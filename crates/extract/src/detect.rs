//! Detects the form of a document from its first bytes: JSON, XML or page text. The page
//! layout within text is detected by [`crate::text::detect_layout`].

/// The broad form of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// JSON (API v2 or v1 full study: object, array, page, or JSON Lines).
    Json,
    /// XML (legacy `<clinical_study>`).
    Xml,
    /// Anything that decodes as text; the layout is decided later.
    Text,
    /// Not something trialtables reads (binary, empty); the string says why.
    Unknown(String),
}

/// Detects the form of a document from its content.
pub fn detect(bytes: &[u8]) -> Form {
    let body = strip_bom(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let first = start.map(|i| body[i]);
    match first {
        None => Form::Unknown("empty file: no record in it".to_string()),
        Some(b'{') => Form::Json,
        // A page whose title starts with "[" ("[Study Evaluating ...]") is text: a JSON array
        // goes on with a value.
        Some(b'[') if start.is_some_and(|i| array_follows(&body[i + 1..])) => Form::Json,
        Some(b'<') => Form::Xml,
        Some(_) => {
            if looks_binary(body) {
                Form::Unknown("binary content: not page text, JSON or XML".to_string())
            } else {
                Form::Text
            }
        }
    }
}

/// True when the bytes after a `[` start a JSON value (or close an empty array).
fn array_follows(rest: &[u8]) -> bool {
    let Some(i) = rest.iter().position(|b| !b.is_ascii_whitespace()) else { return true };
    let rest = &rest[i..];
    matches!(rest[0], b'{' | b'[' | b']' | b'"' | b'-' | b'0'..=b'9')
        || [&b"true"[..], b"false", b"null"].iter().any(|w| rest.starts_with(w))
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

/// True when the first 8 KiB are mostly control characters, or hold NUL bytes without being
/// UTF-8 text otherwise. A stray NUL in valid text does not make a page binary (the text
/// reader drops it with a warning); binary formats are almost never valid UTF-8.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    let ctrl = head.iter().filter(|&&b| b < 0x20 && b != b'\n' && b != b'\r' && b != b'\t' && b != 0x0c).count();
    if ctrl * 10 > head.len() {
        return true;
    }
    if !head.contains(&0) {
        return false;
    }
    let without_nul: Vec<u8> = head.iter().copied().filter(|&b| b != 0).collect();
    match std::str::from_utf8(&without_nul) {
        Ok(_) => false,
        // A character cut at the 8 KiB mark is still text.
        Err(e) => !(e.error_len().is_none() && head.len() == 8192),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(detect(b"  {\"a\":1}"), Form::Json);
        assert_eq!(detect(b"\xEF\xBB\xBF[1]"), Form::Json);
        assert_eq!(detect(b"[\n  {\"protocolSection\": {}}]"), Form::Json);
        assert_eq!(detect(b"[]"), Form::Json);
        assert_eq!(detect(b"[Study of X in Y]\nNCT ID: NCT05551195"), Form::Text);
        assert_eq!(detect(b"<?xml version=\"1.0\"?>"), Form::Xml);
        assert_eq!(detect(b"Title\nNCT00000000"), Form::Text);
        assert!(matches!(detect(b"   \n"), Form::Unknown(_)));
        assert!(matches!(detect(b"PK\x03\x04\x00\x00"), Form::Unknown(_)));
        assert!(matches!(detect(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\xf4\x00\x00\x01\x90\x08\x06"), Form::Unknown(_)));
        // One stray NUL in a page is not binary content.
        assert_eq!(detect(b"Title\nNCT00000000\x00 more text\n"), Form::Text);
    }
}
