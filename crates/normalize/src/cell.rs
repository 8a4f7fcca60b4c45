//! Cell source (tissue) and origin (autologous/allogeneic) of a cell product, from the words
//! registries use: "UC-MSC", "Wharton's jelly", "BM-MSC", "adipose-derived", "allogenic" [sic].
//! (Being written.)

use trialtables_extract::RawRecord;

/// What a record says about its cell product.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellProduct {
    /// UMBILICAL_CORD, BONE_MARROW, ADIPOSE, PLACENTA, DENTAL_PULP, MENSTRUAL_BLOOD, OTHER,
    /// UNSPECIFIED (cells given, tissue not stated); `None` when there is no cell product.
    pub source: Option<&'static str>,
    /// ALLOGENEIC / AUTOLOGOUS, `None` when unstated.
    pub origin: Option<&'static str>,
}

/// Tissue source stated in one text, if any.
pub fn source_in(_text: &str) -> Option<&'static str> {
    None
}

/// Origin stated in one text, if any.
pub fn origin_in(_text: &str) -> Option<&'static str> {
    None
}

/// Whether the text names a cell product (MSC, mesenchymal stromal/stem cells, ...).
pub fn mentions_cells(_text: &str) -> bool {
    false
}

/// The record's cell product, from titles, interventions, arms, other names and keywords.
pub fn classify_record(_raw: &RawRecord) -> CellProduct {
    CellProduct::default()
}
