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
    let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    match first {
        None => Form::Unknown("empty file: no record in it".to_string()),
        Some(b'{') | Some(b'[') => Form::Json,
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

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

/// True when the first 8 KiB hold NUL bytes or mostly control characters.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let ctrl = head.iter().filter(|&&b| b < 0x20 && b != b'\n' && b != b'\r' && b != b'\t' && b != 0x0c).count();
    ctrl * 10 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(detect(b"  {\"a\":1}"), Form::Json);
        assert_eq!(detect(b"\xEF\xBB\xBF[1]"), Form::Json);
        assert_eq!(detect(b"<?xml version=\"1.0\"?>"), Form::Xml);
        assert_eq!(detect(b"Title\nNCT00000000"), Form::Text);
        assert!(matches!(detect(b"   \n"), Form::Unknown(_)));
        assert!(matches!(detect(b"PK\x03\x04\x00\x00"), Form::Unknown(_)));
    }
}
