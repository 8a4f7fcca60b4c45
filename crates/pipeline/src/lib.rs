//! trialtables-pipeline: one run of the pipeline, from a resolved plan to a published output.
//! The binary (`trialtables`) parses arguments, loads `pipeline.toml` into a [`RunPlan`] and
//! prints; everything a run does lives here, so it can be tested without the command line:
//!
//! - [`inputs`]: configured paths to a sorted file list; what is not a regular file is
//!   described instead of opened;
//! - [`outdir`]: where an output may go (never over an input, the config, the cwd or `/`);
//! - [`run()`]: read + normalize in parallel, in file order, into one streaming writer; then
//!   metrics, the manifest and the swap-in;
//! - [`dedup`]: which copy of a trial read twice is kept;
//! - [`cache`]: the incremental cache of normalized rows per unchanged input;
//! - [`publish`]: the lock, the staging directory and the atomic swap.
#![deny(missing_docs)]

pub mod cache;
pub mod dedup;
/// Whether two copies of a trial agree (public for `examples/fingerprint_cost.rs`).
pub mod fingerprint;
pub mod inputs;
pub mod outdir;
pub mod publish;
mod run;

pub use run::*;
