//! Assembles the normalized rows of one record. (Being written.)

use crate::{model::Normalized, NormalizeConfig};
use trialtables_extract::RawRecord;

/// Normalizes one raw record into table rows plus findings.
pub fn normalize(_raw: &RawRecord, _cfg: &NormalizeConfig) -> Normalized {
    Normalized::default()
}
