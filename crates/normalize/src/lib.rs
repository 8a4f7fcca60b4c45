//! trialtables-normalize: the second stage. Pure functions from the raw text fields of a
//! [`trialtables_extract::RawRecord`] to typed values in the ClinicalTrials.gov API v2
//! spellings: dates with their precision, enums, ages in years, cell sources, doses and
//! outcome timepoints. Nothing here does I/O, so every function is unit- and property-tested.
//!
//! A value the record does not state stays `None`; a value that is stated but cannot be read
//! stays `None` too and adds a [`model::RecordIssue`] saying why, with the raw text.
#![deny(missing_docs)]

pub mod age;
pub mod cell;
pub mod config;
pub mod dates;
pub mod dose;
pub mod eligibility;
pub mod enums;
pub mod model;
pub mod protocol;
pub mod record;
pub mod results;
pub mod timeframe;

pub use config::NormalizeConfig;
pub use model::*;
pub use record::normalize;

/// The longest text (in bytes) that the dose, cell-source and time-frame readers look at. A
/// field longer than this (a 50 MB arm description) is read up to here, and the record gets a
/// WARNING row naming the field, so every reader's time and memory stay linear in its input.
pub const MAX_PARSED_TEXT: usize = 32 * 1024;

/// `text` cut to at most [`MAX_PARSED_TEXT`] bytes, at a character boundary.
pub fn capped(text: &str) -> &str {
    if text.len() <= MAX_PARSED_TEXT {
        return text;
    }
    let mut end = MAX_PARSED_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A crate pattern with its word boundaries made ASCII-only (`\b` -> `(?-u:\b)`).
///
/// With Unicode word boundaries the regex crate's fast lazy DFA gives up on any text that has
/// a non-ASCII character (µ, ≥, –, ®: common in registry texts) and falls back to a several
/// times slower engine. The patterns are English words and number notations, for which the
/// ASCII meaning of "word character" is the intended one.
pub(crate) fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

/// Compiles one of this crate's literal patterns (see [`ascii_boundaries`]). The patterns are
/// literals covered by the unit tests, so a bad one is a bug, not an input error.
pub(crate) fn literal_regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(&ascii_boundaries(pattern)).expect("valid literal regex")
}
