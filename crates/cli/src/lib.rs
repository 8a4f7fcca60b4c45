//! The `trialtables` command line: parses arguments, sets up logging, and drives the stages.
//! `main` only calls [`run`] and maps its result to an exit code, so everything here is
//! testable and errors print with their whole context chain.
#![deny(missing_docs)]

pub mod config;
pub mod inputs;
pub mod pipeline;
pub mod publish;
pub mod schema_cmd;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes (documented in the README).
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// Finished and published, but record_issues holds findings at or above `run.fail_on`.
    pub const ISSUES: u8 = 1;
    /// Bad configuration or usage.
    pub const USAGE: u8 = 2;
    /// I/O or internal failure; the previous output is left as it was.
    pub const FAILURE: u8 = 3;
}

/// Clinical-trial registry records (page text, ClinicalTrials.gov API v2 JSON, legacy XML)
/// to analytics-ready Parquet tables.
#[derive(Debug, Parser)]
#[command(name = "trialtables", version, propagate_version = true)]
#[command(after_help = "Example:\n  trialtables run --config pipeline.toml\n  trialtables validate --config pipeline.toml\n  trialtables inspect fixtures/seeds/000_06cd87bbc5196893.txt")]
pub struct Cli {
    /// Only print warnings and errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More log detail (-v debug, -vv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Log output format.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line (for log collectors).
    Json,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the pipeline: read the inputs, write the tables, metrics and manifest.json.
    ///
    /// Example: trialtables run --config pipeline.toml --output /data/trialtables
    Run {
        /// The pipeline configuration.
        #[arg(long, short, default_value = "pipeline.toml")]
        config: PathBuf,
        /// Read these inputs instead of `[input] paths` (files, directories or globs).
        #[arg(long, num_args = 1..)]
        input: Vec<String>,
        /// Write here instead of `[output] dir`.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Check the configuration and the inputs it names, without writing anything; reports
    /// every problem at once with file, line and column.
    ///
    /// Example: trialtables validate --config pipeline.toml
    Validate {
        /// The pipeline configuration.
        #[arg(long, short, default_value = "pipeline.toml")]
        config: PathBuf,
    },
    /// Show how one input file is read: detected form, raw fields with line numbers, and the
    /// normalized rows.
    ///
    /// Example: trialtables inspect fixtures/seeds/000_06cd87bbc5196893.txt
    Inspect {
        /// The file to read.
        file: PathBuf,
    },
    /// Print the output tables, columns, types and descriptions.
    ///
    /// Example: trialtables schema --format markdown > docs/DATA_DICTIONARY.md
    Schema {
        /// Output format.
        #[arg(long, value_enum, default_value_t = schema_cmd::SchemaFormat::Text)]
        format: schema_cmd::SchemaFormat,
    },
}

/// An error with the exit code it should give.
#[derive(Debug)]
pub struct Exit {
    /// Exit code.
    pub code: u8,
    /// What to print (already formatted with its context chain).
    pub message: String,
}

fn usage(msg: impl Into<String>) -> Exit {
    Exit { code: exit::USAGE, message: msg.into() }
}

fn failure(e: anyhow::Error) -> Exit {
    Exit { code: exit::FAILURE, message: format!("{e:#}") }
}

fn init_logging(cli: &Cli) {
    use tracing_subscriber::EnvFilter;
    let level = if cli.quiet {
        "warn"
    } else {
        match cli.verbose {
            0 => "info",
            1 => "debug",
            _ => "trace",
        }
    };
    let filter = EnvFilter::try_from_env("TRIALTABLES_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_target(false);
    let _ = match cli.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
    };
}

/// Resolves a config into a run plan. Returns every problem found.
fn plan(config_path: &Path, inputs_override: &[String], output_override: Option<&Path>) -> Result<pipeline::RunPlan, Vec<String>> {
    let cfg = config::load(config_path).map_err(|p| vec![p.to_string()])?;
    let text = std::fs::read_to_string(config_path).unwrap_or_default();
    let cfg_dir = config_path.parent().map(Path::to_path_buf).unwrap_or_default();
    let cfg_dir = if cfg_dir.as_os_str().is_empty() { PathBuf::from(".") } else { cfg_dir };
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let (base, patterns) = if inputs_override.is_empty() {
        (cfg_dir.clone(), cfg.input.paths.clone())
    } else {
        (cwd.clone(), inputs_override.to_vec())
    };
    let (files, problems) = inputs::resolve(&base, &patterns);
    let mut errors: Vec<String> = Vec::new();
    for p in problems {
        if inputs_override.is_empty() {
            let (line, col) = config::line_of(&text, &format!("\"{}\"", p.pattern));
            errors.push(format!("{}:{line}:{col}: input {:?}: {} (hint: paths are relative to the directory holding the config file)", config_path.display(), p.pattern, p.message));
        } else {
            errors.push(format!("--input {:?}: {}", p.pattern, p.message));
        }
    }
    if cfg.input.paths.is_empty() && inputs_override.is_empty() {
        let (line, col) = config::line_of(&text, "paths");
        errors.push(format!("{}:{line}:{col}: [input] paths is empty: nothing to read", config_path.display()));
    }
    let output = match output_override {
        Some(o) => o.to_path_buf(),
        None => cfg_dir.join(&cfg.output.dir),
    };
    if output.is_file() {
        let (line, col) = config::line_of(&text, "dir");
        errors.push(format!("{}:{line}:{col}: output {} is a file, not a directory", config_path.display(), output.display()));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let config_hash = pipeline::config_hash(&(&patterns, &cfg.normalize, &cfg.run));
    // source_path is written relative to the base, so outputs do not depend on where the
    // checkout lives.
    let base = std::fs::canonicalize(&base).unwrap_or(base);
    let files = files.into_iter().map(|f| std::fs::canonicalize(&f).unwrap_or(f)).collect();
    Ok(pipeline::RunPlan { files, base, output, normalize: cfg.normalize, config_hash })
}

/// Runs the command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8, Exit> {
    init_logging(&cli);
    match cli.command {
        Command::Run { config, input, output } => {
            let fail_on = config::load(&config).map(|c| c.run.fail_on).map_err(|p| usage(p.to_string()))?;
            let plan = plan(&config, &input, output.as_deref()).map_err(|errs| usage(errs.join("\n")))?;
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .context("starting the async runtime")
                .map_err(failure)?;
            let outcome = rt.block_on(pipeline::run(plan)).map_err(failure)?;
            print_summary(&outcome);
            let m = &outcome.manifest;
            let errors = m.issues_by_severity.get("ERROR").copied().unwrap_or(0);
            let warnings = m.issues_by_severity.get("WARNING").copied().unwrap_or(0);
            let code = match fail_on {
                config::FailOn::Error if errors > 0 => exit::ISSUES,
                config::FailOn::Warning if errors + warnings > 0 => exit::ISSUES,
                _ => exit::OK,
            };
            Ok(code)
        }
        Command::Validate { config } => match plan(&config, &[], None) {
            Ok(p) => {
                println!("{}: ok ({} input files, output {})", config.display(), p.files.len(), p.output.display());
                Ok(exit::OK)
            }
            Err(errs) => Err(usage(format!("{} problem(s):\n{}", errs.len(), errs.join("\n")))),
        },
        Command::Inspect { file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display())).map_err(failure)?;
            let shown = file.to_string_lossy().to_string();
            let ex = trialtables_extract::extract(&shown, &bytes);
            let cfg = trialtables_normalize::NormalizeConfig::default();
            let records: Vec<_> = ex
                .records
                .iter()
                .map(|r| serde_json::json!({
                    "source_format": r.source_format.as_str(),
                    "raw": r,
                    "normalized": trialtables_normalize::normalize(r, &cfg),
                }))
                .collect();
            let out = serde_json::json!({ "file": shown, "records": records, "input_issues": ex.issues });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            Ok(exit::OK)
        }
        Command::Schema { format } => {
            print!("{}", schema_cmd::render(format));
            Ok(exit::OK)
        }
    }
}

fn print_summary(o: &pipeline::RunOutcome) {
    let m = &o.manifest;
    println!("trialtables {}: {} input files -> {}", m.trialtables_version, m.inputs.len(), o.output.display());
    for (t, n) in &m.tables {
        println!("  {t:<20} {n:>8} rows");
    }
    println!(
        "  issues: {} error, {} warning, {} info   ({:.2} s)",
        m.issues_by_severity.get("ERROR").unwrap_or(&0),
        m.issues_by_severity.get("WARNING").unwrap_or(&0),
        m.issues_by_severity.get("INFO").unwrap_or(&0),
        m.duration_seconds
    );
}
