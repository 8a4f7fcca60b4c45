//! Legacy ClinicalTrials.gov XML. (To be written.)

use crate::model::Extracted;

/// Reads a `<clinical_study>` document.
pub fn read(path: &str, _bytes: &[u8]) -> Extracted {
    let _ = path;
    Extracted::default()
}
