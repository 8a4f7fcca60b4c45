//! Streaming writer: records are appended as they arrive and every table is written in
//! fixed-size chunks of rows, so memory does not grow with the input and the bytes do not
//! depend on how upstream batches happened to be cut. Records superseded later in the run (a
//! newer copy of the same trial) are removed at the end by a streaming rewrite of only the
//! tables that hold their rows.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use arrow_array::{BooleanArray, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use trialtables_normalize::model::*;

use crate::chunk::{ChunkRows, RecordChunk, Starts, RECORD_TABLES};
use crate::schema::{TableSelection, TABLES};
use crate::writer::{writer_properties, FileMeta, LoadError, TableSummary};

/// Rows per table written at a time (and per read-back batch of the rewrite).
pub const CHUNK_ROWS: usize = 8192;

/// Index of `record_issues` in [`TABLES`] (the last table).
const ISSUES: usize = RECORD_TABLES;

/// Appends records to one Parquet file per table.
///
/// Record rows arrive already in Arrow ([`RecordChunk`]): slices of the chunks' batches wait
/// in a list per table until [`CHUNK_ROWS`] rows are there, and are then written exactly
/// [`CHUNK_ROWS`] at a time, so row groups and pages fall where they would if the rows had
/// been built into batches here. `record_issues`, which also takes rows that belong to no
/// record, is buffered as rows.
pub struct StreamWriter {
    dir: PathBuf,
    props: WriterProperties,
    /// One writer per table; `None` for a table the selection switches off (its rows are
    /// dropped as they arrive).
    writers: Vec<Option<ArrowWriter<BufWriter<File>>>>,
    /// Which tables are written (set from `writers` when they are closed).
    writers_on: Vec<bool>,
    selection: TableSelection,
    /// Rows of `record_issues` not yet written.
    issues: Vec<RecordIssue>,
    /// Rows of `record_issues` written.
    issues_written: u64,
    /// Rows taken so far per record table (written, pending or in the open run).
    total: [u64; RECORD_TABLES],
    /// The chunk whose records are being pushed.
    rows: Option<ChunkRows>,
    /// Per record table, the range of the current chunk's batch pushed since the last gap.
    run: [(usize, usize); RECORD_TABLES],
    /// Per record table, slices waiting to be written, and their rows.
    pending: Vec<Vec<RecordBatch>>,
    pending_rows: [usize; RECORD_TABLES],
    starts: Vec<Starts>,
    dropped: BTreeSet<usize>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> LoadError + '_ {
    move |source| LoadError::Io { path: path.to_path_buf(), source }
}

fn pq(path: &Path) -> impl Fn(parquet::errors::ParquetError) -> LoadError + '_ {
    move |source| LoadError::Parquet { path: path.to_path_buf(), source }
}

impl StreamWriter {
    /// Opens one writer per table of `selection` in `dir`.
    pub fn create(dir: &Path, meta: &FileMeta, selection: TableSelection) -> Result<StreamWriter, LoadError> {
        let props = writer_properties(meta);
        let mut writers = Vec::new();
        for def in TABLES {
            if !selection.includes(def.group) {
                writers.push(None);
                continue;
            }
            let path = dir.join(format!("{}.parquet", def.name));
            let file = File::create(&path).map_err(io(&path))?;
            writers.push(Some(ArrowWriter::try_new(BufWriter::new(file), def.schema(), Some(props.clone())).map_err(pq(&path))?));
        }
        Ok(StreamWriter {
            dir: dir.to_path_buf(),
            props,
            writers_on: writers.iter().map(Option::is_some).collect(),
            writers,
            selection,
            issues: Vec::new(),
            issues_written: 0,
            total: [0; RECORD_TABLES],
            rows: None,
            run: [(0, 0); RECORD_TABLES],
            pending: vec![Vec::new(); RECORD_TABLES],
            pending_rows: [0; RECORD_TABLES],
            starts: Vec::new(),
            dropped: BTreeSet::new(),
        })
    }

    /// Which tables are written.
    pub fn selection(&self) -> TableSelection {
        self.selection
    }

    /// Appends one record's rows and findings; returns its sequence number (for
    /// [`StreamWriter::drop_record`]). The same as pushing a chunk of this one record.
    pub fn push(&mut self, n: Normalized) -> Result<usize, LoadError> {
        let mut chunk = RecordChunk::new(vec![(n, 0)], self.selection);
        self.push_rows(chunk.rows)?;
        let seq = self.push_record(0)?;
        self.push_issues(chunk.records.pop().map(|r| r.issues).unwrap_or_default())?;
        Ok(seq)
    }

    /// Makes `rows` the chunk whose records [`StreamWriter::push_record`] appends (the
    /// previous chunk's records can no longer be pushed).
    pub fn push_rows(&mut self, rows: ChunkRows) -> Result<(), LoadError> {
        self.close_runs()?;
        self.rows = Some(rows);
        self.run = [(0, 0); RECORD_TABLES];
        Ok(())
    }

    /// Appends the rows of record `i` of the current chunk (see [`StreamWriter::push_rows`]);
    /// returns its sequence number. Its findings are the caller's to push.
    pub fn push_record(&mut self, i: usize) -> Result<usize, LoadError> {
        let mut s: Starts = [0; RECORD_TABLES];
        for (t, slot) in s.iter_mut().enumerate() {
            *slot = u32::try_from(self.total[t]).map_err(|_| LoadError::TooManyRows { table: TABLES[t].name })?;
        }
        self.starts.push(s);
        let rows = self.rows.as_ref().expect("push_rows comes before push_record");
        let mut gap = false;
        for t in 0..RECORD_TABLES {
            let (lo, hi) = rows.range(i, t);
            self.total[t] += (hi - lo) as u64;
            if hi > lo && lo != self.run[t].1 {
                gap = true;
            }
        }
        if gap {
            // Some rows between the open runs and this record are not kept: close the runs.
            self.close_runs()?;
        }
        let rows = self.rows.as_ref().expect("set above");
        for t in 0..RECORD_TABLES {
            let (lo, hi) = rows.range(i, t);
            if hi > lo {
                if self.run[t].1 != lo {
                    self.run[t] = (lo, lo);
                }
                self.run[t].1 = hi;
            }
        }
        Ok(self.starts.len() - 1)
    }

    /// Moves the open runs of the current chunk to the pending slices, and writes what fills
    /// a chunk of rows.
    fn close_runs(&mut self) -> Result<(), LoadError> {
        let Some(rows) = self.rows.as_ref() else { return Ok(()) };
        for t in 0..RECORD_TABLES {
            let (lo, hi) = self.run[t];
            self.run[t] = (hi, hi);
            if hi == lo {
                continue;
            }
            let Some(batch) = &rows.batches[t] else { continue };
            self.pending[t].push(batch.slice(lo, hi - lo));
            self.pending_rows[t] += hi - lo;
        }
        self.flush_full(false)
    }

    /// Appends findings that belong to no kept record (input issues, duplicates), or a kept
    /// record's own.
    pub fn push_issues(&mut self, issues: impl IntoIterator<Item = RecordIssue>) -> Result<(), LoadError> {
        self.issues.extend(issues);
        if self.issues.len() >= CHUNK_ROWS {
            self.flush_issues(false)?;
        }
        Ok(())
    }

    /// Marks an already pushed record to be removed from every table at [`finish`](Self::finish).
    pub fn drop_record(&mut self, seq: usize) {
        self.dropped.insert(seq);
    }

    fn flush_issues(&mut self, all: bool) -> Result<(), LoadError> {
        let Some(writer) = self.writers[ISSUES].as_mut() else {
            self.issues.clear();
            return Ok(());
        };
        while self.issues.len() >= CHUNK_ROWS || (all && !self.issues.is_empty()) {
            let n = self.issues.len().min(CHUNK_ROWS);
            let batch = crate::schema::record_issues(&self.issues[..n]);
            self.issues.drain(..n);
            let path = self.dir.join(format!("{}.parquet", TABLES[ISSUES].name));
            writer.write(&batch).map_err(pq(&path))?;
            self.issues_written += n as u64;
        }
        Ok(())
    }

    /// Writes every record table's pending rows [`CHUNK_ROWS`] at a time (and the rest too
    /// when `all`).
    fn flush_full(&mut self, all: bool) -> Result<(), LoadError> {
        for (t, def) in TABLES[..RECORD_TABLES].iter().enumerate() {
            if self.pending_rows[t] < CHUNK_ROWS && !(all && self.pending_rows[t] > 0) {
                continue;
            }
            let Some(writer) = self.writers[t].as_mut() else { continue };
            let path = self.dir.join(format!("{}.parquet", def.name));
            let mut parts = std::mem::take(&mut self.pending[t]);
            let batch = if parts.len() == 1 {
                parts.pop().expect("one part")
            } else {
                arrow_select::concat::concat_batches(&parts[0].schema(), &parts)
                    .map_err(|e| LoadError::Parquet { path: path.clone(), source: e.into() })?
            };
            drop(parts);
            let n = batch.num_rows();
            let mut at = 0;
            while n - at >= CHUNK_ROWS || (all && n > at) {
                let k = (n - at).min(CHUNK_ROWS);
                writer.write(&batch.slice(at, k)).map_err(pq(&path))?;
                at += k;
            }
            self.pending_rows[t] = n - at;
            if n > at {
                self.pending[t].push(batch.slice(at, n - at));
            }
        }
        Ok(())
    }

    /// Writes what is buffered, closes the files, and removes the rows of dropped records.
    pub fn finish(mut self) -> Result<Vec<TableSummary>, LoadError> {
        self.close_runs()?;
        self.rows = None;
        self.flush_full(true)?;
        self.flush_issues(true)?;
        let writers = std::mem::take(&mut self.writers);
        for (i, w) in writers.into_iter().enumerate() {
            let Some(w) = w else { continue };
            let path = self.dir.join(format!("{}.parquet", TABLES[i].name));
            let inner = w.into_inner().map_err(pq(&path))?;
            let file = inner.into_inner().map_err(|e| LoadError::Io { path: path.clone(), source: e.into_error() })?;
            file.sync_all().map_err(io(&path))?;
        }
        let mut rows: Vec<u64> = self.total.to_vec();
        rows.push(self.issues_written);
        if !self.dropped.is_empty() {
            for t in (0..RECORD_TABLES).filter(|&t| self.writers_on[t]) {
                let ranges: Vec<(u64, u64)> = self
                    .dropped
                    .iter()
                    .map(|&seq| {
                        let start = u64::from(self.starts[seq][t]);
                        let end = self.starts.get(seq + 1).map(|s| u64::from(s[t])).unwrap_or(self.total[t]);
                        (start, end)
                    })
                    .filter(|(a, b)| b > a)
                    .collect();
                if !ranges.is_empty() {
                    rows[t] = self.rewrite_without(t, &ranges)?;
                }
            }
        }
        Ok(TABLES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.writers_on[*i])
            .map(|(i, d)| TableSummary { name: d.name, rows: rows[i] as usize, path: self.dir.join(format!("{}.parquet", d.name)) })
            .collect())
    }

    /// Streams table `t` into a new file without the rows in `ranges` (sorted, disjoint).
    fn rewrite_without(&self, t: usize, ranges: &[(u64, u64)]) -> Result<u64, LoadError> {
        let name = TABLES[t].name;
        let path = self.dir.join(format!("{name}.parquet"));
        let tmp = self.dir.join(format!(".{name}.rewrite"));
        let input = File::open(&path).map_err(io(&path))?;
        let reader =
            ParquetRecordBatchReaderBuilder::try_new(input).map_err(pq(&path))?.with_batch_size(CHUNK_ROWS).build().map_err(pq(&path))?;
        let out = File::create(&tmp).map_err(io(&tmp))?;
        let mut w = ArrowWriter::try_new(BufWriter::new(out), TABLES[t].schema(), Some(self.props.clone())).map_err(pq(&tmp))?;
        let mut pos = 0u64;
        let mut kept = 0u64;
        let mut pending: Vec<RecordBatch> = Vec::new();
        let mut pending_rows = 0usize;
        for batch in reader {
            let batch = batch.map_err(|e| LoadError::Parquet { path: path.clone(), source: e.into() })?;
            let n = batch.num_rows() as u64;
            let mask: BooleanArray = (0..n)
                .map(|i| {
                    let r = pos + i;
                    Some(!ranges.iter().any(|(a, b)| r >= *a && r < *b))
                })
                .collect();
            pos += n;
            let filtered = arrow_select::filter::filter_record_batch(&batch, &mask)
                .map_err(|e| LoadError::Parquet { path: path.clone(), source: e.into() })?;
            kept += filtered.num_rows() as u64;
            pending_rows += filtered.num_rows();
            pending.push(filtered);
            // Re-chunk to exactly CHUNK_ROWS so the bytes depend only on the rows.
            while pending_rows >= CHUNK_ROWS {
                let all = arrow_select::concat::concat_batches(&TABLES[t].schema(), &pending)
                    .map_err(|e| LoadError::Parquet { path: path.clone(), source: e.into() })?;
                w.write(&all.slice(0, CHUNK_ROWS)).map_err(pq(&tmp))?;
                let rest = all.slice(CHUNK_ROWS, all.num_rows() - CHUNK_ROWS);
                pending_rows = rest.num_rows();
                pending = vec![rest];
            }
        }
        if pending_rows > 0 {
            let all = arrow_select::concat::concat_batches(&TABLES[t].schema(), &pending)
                .map_err(|e| LoadError::Parquet { path: path.clone(), source: e.into() })?;
            w.write(&all).map_err(pq(&tmp))?;
        }
        let inner = w.into_inner().map_err(pq(&tmp))?;
        let file = inner.into_inner().map_err(|e| LoadError::Io { path: tmp.clone(), source: e.into_error() })?;
        file.sync_all().map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::TableGroup;

    fn rec(id: &str, conds: usize) -> Normalized {
        Normalized {
            trial: Trial { nct_id: id.into(), source_format: "f".into(), source_path: "p".into(), ..Default::default() },
            conditions: (0..conds)
                .map(|i| Condition { nct_id: id.into(), condition_index: i as i64, condition: format!("c{i}"), category: None })
                .collect(),
            ..Default::default()
        }
    }

    fn meta() -> FileMeta {
        FileMeta { tool_version: "t".into(), config_hash: "h".into() }
    }

    fn read_ids(path: &Path) -> Vec<String> {
        use arrow_array::cast::AsArray;
        use arrow_array::Array;
        let r = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap().build().unwrap();
        let mut out = Vec::new();
        for b in r {
            let b = b.unwrap();
            let a = b.column_by_name("nct_id").unwrap().as_string::<i32>();
            out.extend((0..a.len()).map(|i| a.value(i).to_string()));
        }
        out
    }

    #[test]
    fn streamed_equals_batch_written_and_drops_records() {
        let many: Vec<Normalized> = (0..20_000).map(|i| rec(&format!("NCT{i:08}"), i % 3)).collect();
        // Streamed.
        let a = tempfile::tempdir().unwrap();
        let mut w = StreamWriter::create(a.path(), &meta(), TableSelection::default()).unwrap();
        for n in many.iter().cloned() {
            w.push(n).unwrap();
        }
        w.finish().unwrap();
        // Streamed again (same bytes).
        let b = tempfile::tempdir().unwrap();
        let mut w = StreamWriter::create(b.path(), &meta(), TableSelection::default()).unwrap();
        for n in many.iter().cloned() {
            w.push(n).unwrap();
        }
        let s = w.finish().unwrap();
        assert_eq!(s[0].rows, 20_000);
        for d in TABLES {
            let f = format!("{}.parquet", d.name);
            assert_eq!(std::fs::read(a.path().join(&f)).unwrap(), std::fs::read(b.path().join(&f)).unwrap(), "{f}");
        }
        // Dropping records 1 and 19_999 equals never writing them.
        let c = tempfile::tempdir().unwrap();
        let mut w = StreamWriter::create(c.path(), &meta(), TableSelection::default()).unwrap();
        for n in many.iter().cloned() {
            w.push(n).unwrap();
        }
        w.drop_record(1);
        w.drop_record(19_999);
        let s = w.finish().unwrap();
        assert_eq!(s[0].rows, 19_998);
        let d = tempfile::tempdir().unwrap();
        let mut w = StreamWriter::create(d.path(), &meta(), TableSelection::default()).unwrap();
        for (i, n) in many.iter().cloned().enumerate() {
            if i != 1 && i != 19_999 {
                w.push(n).unwrap();
            }
        }
        w.finish().unwrap();
        for t in ["trials", "conditions"] {
            let f = format!("{t}.parquet");
            assert_eq!(read_ids(&c.path().join(&f)), read_ids(&d.path().join(&f)), "{t}");
            assert_eq!(std::fs::read(c.path().join(&f)).unwrap(), std::fs::read(d.path().join(&f)).unwrap(), "{t} bytes");
        }
        assert!(!read_ids(&c.path().join("conditions.parquet")).contains(&"NCT00000001".to_string()));
    }

    /// Rows written the way the writer wrote them before chunks came in Arrow: every table's
    /// rows built into batches of [`CHUNK_ROWS`] from the rows themselves.
    fn written_from_rows(dir: &Path, recs: &[Normalized]) {
        let mut rows = crate::writer::Tables::default();
        for n in recs.iter().cloned() {
            rows.push(n);
        }
        let props = writer_properties(&meta());
        for (t, def) in TABLES.iter().enumerate() {
            let f = File::create(dir.join(format!("{}.parquet", def.name))).unwrap();
            let mut w = ArrowWriter::try_new(BufWriter::new(f), def.schema(), Some(props.clone())).unwrap();
            while rows.len_of(t) > 0 {
                w.write(&rows.take_batch(t, CHUNK_ROWS)).unwrap();
            }
            w.into_inner().unwrap().into_inner().unwrap().sync_all().unwrap();
        }
    }

    #[test]
    fn chunks_in_arrow_write_the_bytes_rows_wrote() {
        // Dictionary columns (phase, category) whose values differ from chunk to chunk, so the
        // concatenated batches carry different dictionaries; some records skipped (gaps).
        let phases = ["PHASE1", "PHASE2", "PHASE3", "NA"];
        let many: Vec<Normalized> = (0..20_000)
            .map(|i| {
                let mut n = rec(&format!("NCT{i:08}"), i % 4);
                n.trial.phase = (i % 7 != 0).then(|| phases[(i / 1000) % 4].to_string());
                for c in &mut n.conditions {
                    c.category = Some(format!("CAT{}", (i / 700 + c.condition_index as usize) % 9));
                }
                n
            })
            .collect();
        let skip = |i: usize| i % 1_013 == 5 || (3_000..3_040).contains(&i);
        let a = tempfile::tempdir().unwrap();
        let mut w = StreamWriter::create(a.path(), &meta(), TableSelection::default()).unwrap();
        for (c, part) in many.chunks(333).enumerate() {
            let chunk = RecordChunk::new(part.iter().cloned().map(|n| (n, 0)).collect(), TableSelection::default());
            w.push_rows(chunk.rows).unwrap();
            for (k, r) in chunk.records.into_iter().enumerate() {
                if !skip(c * 333 + k) {
                    w.push_record(k).unwrap();
                    w.push_issues(r.issues).unwrap();
                }
            }
        }
        w.finish().unwrap();
        let b = tempfile::tempdir().unwrap();
        let kept: Vec<Normalized> = many.iter().enumerate().filter(|(i, _)| !skip(*i)).map(|(_, n)| n.clone()).collect();
        written_from_rows(b.path(), &kept);
        for d in TABLES {
            let f = format!("{}.parquet", d.name);
            assert_eq!(std::fs::read(a.path().join(&f)).unwrap(), std::fs::read(b.path().join(&f)).unwrap(), "{f}");
        }
    }

    #[test]
    fn switched_off_groups_write_no_file_and_keep_the_others_byte_identical() {
        let many: Vec<Normalized> = (0..50).map(|i| rec(&format!("NCT{i:08}"), i % 3)).collect();
        let write = |sel: TableSelection| {
            let dir = tempfile::tempdir().unwrap();
            let mut w = StreamWriter::create(dir.path(), &meta(), sel).unwrap();
            for n in many.iter().cloned() {
                w.push(n).unwrap();
            }
            w.drop_record(3);
            let s = w.finish().unwrap();
            (dir, s)
        };
        let (all, s_all) = write(TableSelection::default());
        let off = TableSelection { registry_details: false, posted_results: false };
        let (core, s_core) = write(off);
        let names: Vec<&str> = s_core.iter().map(|t| t.name).collect();
        assert_eq!(names, TABLES.iter().filter(|t| t.group == TableGroup::Core).map(|t| t.name).collect::<Vec<_>>());
        assert!(s_all.len() >= s_core.len());
        for d in TABLES {
            let f = format!("{}.parquet", d.name);
            if off.includes(d.group) {
                assert_eq!(std::fs::read(all.path().join(&f)).unwrap(), std::fs::read(core.path().join(&f)).unwrap(), "{f}");
            } else {
                assert!(!core.path().join(&f).exists(), "{f} written although switched off");
                assert!(off.switched_off().contains(&d.name));
            }
        }
    }
}
