//! Cell doses from free text: number notations (`10^6`, `1x10^6`, `1.10^6`, `2 million`),
//! per-kg vs total vs per-m², dose tiers, number of administrations, interval, route.
//! (Being written.)

use crate::cell::CellProduct;
use crate::model::{Dose, RecordIssue};
use trialtables_extract::RawRecord;

/// One dose level read from a text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DoseLevel {
    /// Cells per kg (low end of a range).
    pub per_kg: Option<f64>,
    /// High end of a per-kg range.
    pub per_kg_high: Option<f64>,
    /// Total cells (low end).
    pub total: Option<f64>,
    /// High end of a total range.
    pub total_high: Option<f64>,
    /// Cells per m².
    pub per_m2: Option<f64>,
    /// Number of administrations.
    pub administrations: Option<i64>,
    /// Days between administrations.
    pub interval_days: Option<f64>,
    /// Route (see [`Dose::route`]).
    pub route: Option<&'static str>,
    /// Vehicle.
    pub vehicle: Option<String>,
    /// Volume in mL.
    pub volume_ml: Option<f64>,
    /// The sentence it was read from.
    pub source_text: String,
}

/// Dose levels stated in one text (empty when it states none).
pub fn parse_dose_text(_text: &str) -> Vec<DoseLevel> {
    Vec::new()
}

/// The `doses` rows of a record, attributed to arms and interventions.
pub fn doses_for_record(
    _raw: &RawRecord,
    _nct_id: &str,
    _product: &CellProduct,
) -> (Vec<Dose>, Vec<RecordIssue>) {
    (Vec::new(), Vec::new())
}
