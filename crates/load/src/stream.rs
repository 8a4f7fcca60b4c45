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

use crate::schema::{TableSelection, TABLES};
use crate::writer::{writer_properties, FileMeta, LoadError, TableSummary, Tables};

/// Rows per table written at a time (and per read-back batch of the rewrite).
pub const CHUNK_ROWS: usize = 8192;

/// Number of tables holding per-record rows (all but `record_issues`, which is last).
const RECORD_TABLES: usize = TABLES.len() - 1;

/// Where one record's rows start in each record table (row offsets), in table order. Kept
/// for every record (to drop a superseded copy at the end), so 32-bit: 36 bytes per record.
type Starts = [u32; RECORD_TABLES];

/// Appends records to one Parquet file per table.
pub struct StreamWriter {
    dir: PathBuf,
    props: WriterProperties,
    /// One writer per table; `None` for a table the selection switches off (its rows are
    /// dropped as they arrive).
    writers: Vec<Option<ArrowWriter<BufWriter<File>>>>,
    /// Which tables are written (set from `writers` when they are closed).
    writers_on: Vec<bool>,
    buf: Tables,
    written: [u64; TABLES.len()],
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
            buf: Tables::default(),
            written: [0; TABLES.len()],
            starts: Vec::new(),
            dropped: BTreeSet::new(),
        })
    }

    fn total(&self, t: usize) -> u64 {
        self.written[t] + self.buf.len_of(t) as u64
    }

    /// Appends one record's rows; returns its sequence number (for [`StreamWriter::drop_record`]).
    pub fn push(&mut self, n: Normalized) -> Result<usize, LoadError> {
        let mut s: Starts = [0; RECORD_TABLES];
        for (t, slot) in s.iter_mut().enumerate() {
            *slot = u32::try_from(self.total(t)).map_err(|_| LoadError::TooManyRows { table: TABLES[t].name })?;
        }
        self.starts.push(s);
        self.buf.push(n);
        self.flush_full(false)?;
        Ok(self.starts.len() - 1)
    }

    /// Appends findings that belong to no kept record (input issues, duplicates).
    pub fn push_issues(&mut self, issues: impl IntoIterator<Item = RecordIssue>) -> Result<(), LoadError> {
        self.buf.issues.extend(issues);
        self.flush_full(false)
    }

    /// Marks an already pushed record to be removed from every table at [`finish`](Self::finish).
    pub fn drop_record(&mut self, seq: usize) {
        self.dropped.insert(seq);
    }

    fn flush_full(&mut self, all: bool) -> Result<(), LoadError> {
        for (t, def) in TABLES.iter().enumerate() {
            let Some(writer) = self.writers[t].as_mut() else {
                // Switched off: the rows are counted (so record offsets stay right) and dropped.
                let n = self.buf.len_of(t);
                if n > 0 {
                    self.written[t] += n as u64;
                    self.buf.discard(t);
                }
                continue;
            };
            while self.buf.len_of(t) >= CHUNK_ROWS || (all && self.buf.len_of(t) > 0) {
                let batch = self.buf.take_batch(t, CHUNK_ROWS);
                let path = self.dir.join(format!("{}.parquet", def.name));
                writer.write(&batch).map_err(pq(&path))?;
                self.written[t] += batch.num_rows() as u64;
            }
        }
        Ok(())
    }

    /// Writes what is buffered, closes the files, and removes the rows of dropped records.
    pub fn finish(mut self) -> Result<Vec<TableSummary>, LoadError> {
        self.flush_full(true)?;
        let writers = std::mem::take(&mut self.writers);
        for (i, w) in writers.into_iter().enumerate() {
            let Some(w) = w else { continue };
            let path = self.dir.join(format!("{}.parquet", TABLES[i].name));
            let inner = w.into_inner().map_err(pq(&path))?;
            let file = inner.into_inner().map_err(|e| LoadError::Io { path: path.clone(), source: e.into_error() })?;
            file.sync_all().map_err(io(&path))?;
        }
        let mut rows: Vec<u64> = self.written.to_vec();
        if !self.dropped.is_empty() {
            for t in (0..RECORD_TABLES).filter(|&t| self.writers_on[t]) {
                let ranges: Vec<(u64, u64)> = self
                    .dropped
                    .iter()
                    .map(|&seq| {
                        let start = u64::from(self.starts[seq][t]);
                        let end = self.starts.get(seq + 1).map(|s| u64::from(s[t])).unwrap_or(self.written[t]);
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
