//! Page text saved from registry sites. Detects the layout from the text itself and hands it
//! to that layout's reader. (Layout readers to be written.)

use crate::model::{Extracted, SourceFormat};

/// Detects the page layout of a text, or `None` when it is in no known layout.
pub fn detect_layout(_text: &str) -> Option<SourceFormat> {
    None
}

/// Reads one page text into (normally) one record.
pub fn read(path: &str, text: &str) -> Extracted {
    let _ = (path, text);
    Extracted::default()
}
