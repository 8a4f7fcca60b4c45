//! Records turned into Arrow on the thread that read them: a chunk of records becomes one
//! `RecordBatch` per table (built by the same table functions as always) plus, per record,
//! where its rows start in each batch. The rows are freed where they were made; the writer
//! ([`crate::StreamWriter::push_rows`]) only appends slices of the batches of the records it
//! keeps, so it neither builds columns nor frees other threads' rows.

use arrow_array::RecordBatch;
use trialtables_normalize::model::{Normalized, RecordIssue, Trial};

use crate::schema::{TableSelection, TABLES};
use crate::writer::Tables;

/// Number of tables holding per-record rows (all but `record_issues`, which is last).
pub(crate) const RECORD_TABLES: usize = TABLES.len() - 1;

/// Where one record's rows start in each record table, in table order.
pub(crate) type Starts = [u32; RECORD_TABLES];

/// The rows of a chunk of records, in Arrow.
pub struct ChunkRows {
    /// One batch per record table; `None` for a table the selection switches off.
    pub(crate) batches: Vec<Option<RecordBatch>>,
    /// Where each record's rows start in each batch, and one more entry (the ends).
    pub(crate) offsets: Vec<Starts>,
}

impl ChunkRows {
    /// Rows of record `i` in table `t`, as a range of that table's batch.
    pub(crate) fn range(&self, i: usize, t: usize) -> (usize, usize) {
        (self.offsets[i][t] as usize, self.offsets[i + 1][t] as usize)
    }

    /// The rows of record `i` in table `t` (its index in [`TABLES`]): `None` when it has none
    /// or the table is switched off.
    pub fn rows_of(&self, i: usize, t: usize) -> Option<RecordBatch> {
        let (lo, hi) = self.range(i, t);
        let batch = self.batches.get(t)?.as_ref()?;
        (hi > lo).then(|| batch.slice(lo, hi - lo))
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether the chunk holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What is kept of one record of a chunk besides its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkRecord {
    /// The fields of its trial row that duplicate resolution reads (NCT number, last update
    /// date and its text, source path and line); the other fields are empty.
    pub trial: Trial,
    /// The value given with the record (the pipeline's fingerprint of its rows).
    pub tag: u64,
    /// Its findings (rows of `record_issues`, which the caller pushes).
    pub issues: Vec<RecordIssue>,
}

/// A chunk of records turned into Arrow (see the module documentation).
pub struct RecordChunk {
    /// The rows.
    pub rows: ChunkRows,
    /// Each record's trial key, tag and findings, in order.
    pub records: Vec<ChunkRecord>,
}

impl RecordChunk {
    /// Turns `records` (each with a tag) into one batch per table of `selection`. A record
    /// without an NCT number contributes no rows (the writer keeps only its findings).
    pub fn new(records: Vec<(Normalized, u64)>, selection: TableSelection) -> RecordChunk {
        let mut tables = Tables::default();
        let mut offsets: Vec<Starts> = Vec::with_capacity(records.len() + 1);
        let mut heads = Vec::with_capacity(records.len());
        let mut at: Starts = [0; RECORD_TABLES];
        offsets.push(at);
        for (mut n, tag) in records {
            let issues = std::mem::take(&mut n.issues);
            let t = &n.trial;
            let trial = Trial {
                nct_id: t.nct_id.clone(),
                last_update_date: t.last_update_date,
                last_update_date_raw: t.last_update_date_raw.clone(),
                source_path: t.source_path.clone(),
                source_line: t.source_line,
                ..Default::default()
            };
            if !trial.nct_id.is_empty() {
                tables.push(n);
                for (t, a) in at.iter_mut().enumerate() {
                    *a = u32::try_from(tables.len_of(t)).expect("a chunk holds fewer than 2^32 rows per table");
                }
            }
            offsets.push(at);
            heads.push(ChunkRecord { trial, tag, issues });
        }
        let batches = TABLES[..RECORD_TABLES]
            .iter()
            .enumerate()
            .map(|(t, def)| (selection.includes(def.group) && tables.len_of(t) > 0).then(|| tables.take_batch(t, usize::MAX)))
            .collect();
        // The rows are dropped here, on the thread that made them.
        drop(tables);
        RecordChunk { rows: ChunkRows { batches, offsets }, records: heads }
    }
}
