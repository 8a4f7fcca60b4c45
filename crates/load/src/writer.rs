//! The one writer-properties factory (fixed compression, row group size, `created_by` and
//! key-value metadata: schema version, trialtables version, config hash; no timestamps), so
//! identical rows give byte-identical files, plus the row containers and errors the streaming
//! writer ([`crate::StreamWriter`]) uses.

use std::path::PathBuf;

use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};

pub use crate::registry::Tables;

/// Provenance written into every file's key-value metadata.
#[derive(Debug, Clone)]
pub struct FileMeta {
    /// trialtables version.
    pub tool_version: String,
    /// Hash of the effective configuration.
    pub config_hash: String,
}

/// One written table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSummary {
    /// Table name.
    pub name: &'static str,
    /// Rows written.
    pub rows: usize,
    /// File written.
    pub path: PathBuf,
}

/// A table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// File system error.
    #[error("writing {path}: {source}")]
    Io {
        /// File concerned.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// Parquet encoder error.
    #[error("writing {path}: {source}")]
    Parquet {
        /// File concerned.
        path: PathBuf,
        /// Cause.
        source: parquet::errors::ParquetError,
    },
    /// A table would pass 4,294,967,295 rows (the whole registry gives about 5 million in the
    /// largest table); split the input into several runs.
    #[error("table {table} would have more than 4,294,967,295 rows; split the input into several runs")]
    TooManyRows {
        /// Table concerned.
        table: &'static str,
    },
}

/// The one writer-properties factory: every table is written with these settings.
pub fn writer_properties(meta: &FileMeta) -> WriterProperties {
    WriterProperties::builder()
        .set_writer_version(WriterVersion::PARQUET_1_0)
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("trialtables {}", meta.tool_version))
        .set_max_row_group_size(128 * 1024)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_key_value_metadata(Some(vec![
            KeyValue::new("trialtables.schema_version".to_string(), crate::SCHEMA_VERSION.to_string()),
            KeyValue::new("trialtables.version".to_string(), meta.tool_version.clone()),
            KeyValue::new("trialtables.config_hash".to_string(), meta.config_hash.clone()),
        ]))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::TABLES;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Date32Type, Int32Type, Int64Type};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use std::fs::File;
    use trialtables_normalize::model::*;

    fn sample() -> Normalized {
        let mut t = Normalized {
            trial: Trial {
                nct_id: "NCT00000001".into(),
                phase: Some("PHASE1/PHASE2".into()),
                enrollment: Some(20),
                start_date: Some(PartialDate { days: 14396, precision: Precision::Month }),
                healthy_volunteers: Some(false),
                min_age_years: Some(0.5),
                source_format: "ctgov_api_v2_json".into(),
                source_path: "a.json".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        t.interventions.push(Intervention {
            nct_id: "NCT00000001".into(),
            intervention_index: 0,
            intervention_type: Some("BIOLOGICAL".into()),
            name: "MSC".into(),
            description: None,
            other_names: vec!["UC-MSC".into(), "hUC-MSC".into()],
        });
        t
    }

    fn write_tables(dir: &std::path::Path, n: Normalized, meta: &FileMeta) -> Result<Vec<TableSummary>, LoadError> {
        let mut w = crate::StreamWriter::create(dir, meta, crate::TableSelection::default())?;
        w.push(n)?;
        w.finish()
    }

    fn meta() -> FileMeta {
        FileMeta { tool_version: "0.0.0-test".into(), config_hash: "abc".into() }
    }

    #[test]
    fn round_trip_and_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_tables(dir.path(), sample(), &meta()).unwrap();
        assert_eq!(written.len(), TABLES.len());
        let f = File::open(dir.path().join("trials.parquet")).unwrap();
        let b = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
        let kv = b.metadata().file_metadata().key_value_metadata().unwrap().clone();
        assert!(kv.iter().any(|k| k.key == "trialtables.config_hash" && k.value.as_deref() == Some("abc")));
        let batch = b.build().unwrap().next().unwrap().unwrap();
        assert_eq!(batch.num_rows(), 1);
        let phase = batch.column_by_name("phase").unwrap().as_dictionary::<Int32Type>();
        let values = phase.values().as_string::<i32>();
        assert_eq!(values.value(phase.keys().value(0) as usize), "PHASE1/PHASE2");
        let sd = batch.column_by_name("start_date").unwrap().as_primitive::<Date32Type>();
        assert_eq!(sd.value(0), 14396);
        let en = batch.column_by_name("enrollment").unwrap().as_primitive::<Int64Type>();
        assert_eq!(en.value(0), 20);
        let desc = batch.schema().field_with_name("enrollment").unwrap().metadata().get("description").cloned();
        assert!(desc.unwrap().contains("participants"));

        let f = File::open(dir.path().join("interventions.parquet")).unwrap();
        let batch = ParquetRecordBatchReaderBuilder::try_new(f).unwrap().build().unwrap().next().unwrap().unwrap();
        let on = batch.column_by_name("other_names").unwrap().as_list::<i32>();
        assert_eq!(on.value(0).as_string::<i32>().value(1), "hUC-MSC");
    }

    #[test]
    fn byte_identical() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        write_tables(a.path(), sample(), &meta()).unwrap();
        write_tables(b.path(), sample(), &meta()).unwrap();
        for def in TABLES {
            let x = std::fs::read(a.path().join(format!("{}.parquet", def.name))).unwrap();
            let y = std::fs::read(b.path().join(format!("{}.parquet", def.name))).unwrap();
            assert_eq!(x, y, "{} differs", def.name);
        }
    }

    #[test]
    fn every_column_described() {
        for def in TABLES {
            for f in def.schema().fields() {
                let d = f.metadata().get("description").cloned().unwrap_or_default();
                assert!(d.len() > 3, "{}.{} has no description", def.name, f.name());
            }
        }
    }
}
