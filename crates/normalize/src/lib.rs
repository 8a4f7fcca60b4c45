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
pub mod enums;
pub mod model;
pub mod record;
pub mod timeframe;

pub use config::NormalizeConfig;
pub use model::*;
pub use record::normalize;
