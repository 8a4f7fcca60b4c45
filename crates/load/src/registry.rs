//! The one list of output tables. Everything that goes table by table (the row buffers, the
//! per-record push, the chunked flush, the schemas and batch builders, the row counts and
//! names in the manifest and the data dictionary) derives from the `tables!` invocation
//! below, so adding a table is one line here plus its schema function in `schema.rs` (and its
//! rows in `Normalized`). The bracketed word is the table's group: `Core` tables are always
//! written; the other groups can be switched off in `pipeline.toml` (`[output]`).

use arrow_array::RecordBatch;
use trialtables_normalize::model::*;

use crate::schema::{self, TableDef, TableGroup};

/// Pushes a record's rows of one table into its buffer: a single row (`one`) or a list (`many`).
macro_rules! push_rows {
    (one, $buf:expr, $rows:expr) => {
        $buf.push($rows)
    };
    (many, $buf:expr, $rows:expr) => {
        $buf.extend($rows)
    };
}

macro_rules! tables {
    ($( $(#[$doc:meta])* $field:ident: $row:ty = $from:ident ($kind:ident), $name:literal [$group:ident] => $build:path; )*) => {
        /// Rows waiting to be written, table by table, in output order.
        #[derive(Debug, Clone, Default)]
        pub struct Tables {
            $( $(#[$doc])* pub $field: Vec<$row>, )*
        }

        impl Tables {
            /// Appends every row of one record.
            pub fn push(&mut self, n: Normalized) {
                $( push_rows!($kind, self.$field, n.$from); )*
            }

            /// Rows buffered in table `t` (its index in [`TABLES`]).
            pub fn len_of(&self, t: usize) -> usize {
                [$( self.$field.len() ),*][t]
            }

            /// Drops every buffered row of table `t` (a table that is not written).
            pub fn discard(&mut self, t: usize) {
                let mut i = 0;
                $(
                    if i == t {
                        self.$field.clear();
                    }
                    i += 1;
                )*
                let _ = i;
            }

            /// Takes the first `n` buffered rows of table `t` as a batch.
            pub fn take_batch(&mut self, t: usize, n: usize) -> RecordBatch {
                let mut i = 0;
                $(
                    if i == t {
                        // Built from the buffer in place, then dropped (not moved out first).
                        let n = n.min(self.$field.len());
                        let batch = $build(&self.$field[..n]);
                        self.$field.drain(..n);
                        return batch;
                    }
                    i += 1;
                )*
                unreachable!("table index {t} of {i}")
            }
        }

        /// Every output table, in the order they are written and documented.
        pub const TABLES: &[TableDef] = &[ $( TableDef { name: $name, group: TableGroup::$group, build: |t| $build(&t.$field) }, )* ];
    };
}

tables! {
    /// One row per trial.
    trials: Trial = trial (one), "trials" [Core] => schema::trials;
    /// Conditions.
    conditions: Condition = conditions (many), "conditions" [Core] => schema::conditions;
    /// Arms.
    arms: Arm = arms (many), "arms" [Core] => schema::arms;
    /// Interventions.
    interventions: Intervention = interventions (many), "interventions" [Core] => schema::interventions;
    /// Arm-intervention links.
    arm_interventions: ArmIntervention = arm_interventions (many), "arm_interventions" [Core] => schema::arm_interventions;
    /// Dose levels.
    doses: Dose = doses (many), "doses" [Core] => schema::doses;
    /// Outcome measures.
    outcomes: Outcome = outcomes (many), "outcomes" [Core] => schema::outcomes;
    /// Outcome timepoints.
    timepoints: Timepoint = timepoints (many), "outcome_timepoints" [Core] => schema::outcome_timepoints;
    /// References.
    references: Reference = references (many), "references" [Core] => schema::references;
    /// Lead sponsor and collaborators.
    sponsors: Sponsor = sponsors (many), "sponsors" [RegistryDetails] => schema::sponsors;
    /// Study sites.
    locations: Location = locations (many), "locations" [RegistryDetails] => schema::locations;
    /// Condition MeSH terms.
    browse_conditions: BrowseTerm = browse_conditions (many), "browse_conditions" [RegistryDetails] => schema::browse_conditions;
    /// Intervention MeSH terms.
    browse_interventions: BrowseTerm = browse_interventions (many), "browse_interventions" [RegistryDetails] => schema::browse_interventions;
    /// Keywords.
    keywords: Keyword = keywords (many), "keywords" [RegistryDetails] => schema::keywords;
    /// Secondary identifiers.
    secondary_ids: SecondaryId = secondary_ids (many), "secondary_ids" [RegistryDetails] => schema::secondary_ids;
    /// Eligibility criteria items.
    eligibility: EligibilityCriterion = eligibility (many), "eligibility" [RegistryDetails] => schema::eligibility;
    /// Posted results: groups of every section.
    result_groups: ResultGroup = result_groups (many), "result_groups" [PostedResults] => schema::result_groups;
    /// Posted results: participant flow.
    participant_flow: ParticipantFlow = participant_flow (many), "participant_flow" [PostedResults] => schema::participant_flow;
    /// Posted results: baseline characteristics.
    baseline_measurements: BaselineMeasurement = baseline_measurements (many), "baseline_measurements" [PostedResults] => schema::baseline_measurements;
    /// Posted results: outcome measurements.
    outcome_measurements: OutcomeMeasurement = outcome_measurements (many), "outcome_measurements" [PostedResults] => schema::outcome_measurements;
    /// Posted results: statistical analyses.
    outcome_analyses: OutcomeAnalysis = outcome_analyses (many), "outcome_analyses" [PostedResults] => schema::outcome_analyses;
    /// Posted results: adverse events.
    adverse_events: AdverseEvent = adverse_events (many), "adverse_events" [PostedResults] => schema::adverse_events;
    /// Findings (last: they also hold rows that belong to no record).
    issues: RecordIssue = issues (many), "record_issues" [Core] => schema::record_issues;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_listed_once_with_record_issues_last() {
        let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert_eq!(names.last(), Some(&"record_issues"));
        let at = |n: &str| names.iter().position(|x| *x == n).unwrap_or_else(|| panic!("{n} not listed"));
        let protocol = ["sponsors", "locations", "browse_conditions", "browse_interventions", "keywords", "secondary_ids", "eligibility"];
        for (i, n) in protocol.iter().enumerate() {
            assert_eq!(at(n), at("references") + 1 + i, "{n}: the protocol tables follow references, in this order");
        }
        let mut t = Tables::default();
        let mut n = Normalized::default();
        n.conditions.push(Condition { nct_id: "N".into(), condition_index: 0, condition: "c".into(), category: None });
        t.push(n);
        let mut want = vec![0; TABLES.len()];
        want[..2].copy_from_slice(&[1, 1]);
        assert_eq!((0..TABLES.len()).map(|i| t.len_of(i)).collect::<Vec<_>>(), want);
        let b = t.take_batch(1, 10);
        assert_eq!((b.num_rows(), t.len_of(1)), (1, 0));
        assert_eq!(b.schema(), TABLES[1].schema());
    }
}
