//! trialtables-bench: measurement support for the pipeline. It holds the parse-only "floor"
//! (the least work any reader of the same bytes must do: a JSON decode into typed API v2
//! structs or a `serde_json::Value` tree, a quick-xml event loop, a UTF-8 line scan), used by
//! `scripts/scale-bench` to say how far the real pipeline is from that floor, and the
//! fixture loaders the criterion benches share. Nothing here is part of the shipped binary.
#![deny(missing_docs)]

pub mod corpus;
pub mod floor;
