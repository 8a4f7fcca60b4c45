//! trialtables-load: the third stage. It owns the output contract: one function per table
//! defines its Arrow schema (with a description of every column in the field metadata), one
//! function turns that table's rows into a `RecordBatch`, and one writer-properties factory
//! makes every Parquet file the same way, so the same rows always give the same bytes.
#![deny(missing_docs)]

pub mod chunk;
mod columns;
pub mod registry;
pub mod schema;
pub mod stream;
pub mod writer;

pub use arrow_array::RecordBatch;
pub use chunk::{ChunkRecord, ChunkRows, RecordChunk};
pub use schema::{table_names, TableDef, TableGroup, TableSelection, TABLES};
pub use stream::StreamWriter;
pub use writer::{writer_properties, FileMeta, LoadError, TableSummary, Tables};

/// Version of the output contract, written to every file's key-value metadata. Bump it when a
/// column is renamed, removed or changes type (adding a column does not).
pub const SCHEMA_VERSION: &str = "1";
