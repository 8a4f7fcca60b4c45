//! The `trialtables` command line: parses arguments, sets up logging, and drives the stages.
//! `main` only calls [`run`] and maps its result to an exit code, so everything here is
//! testable and errors print with their whole context chain.
#![deny(missing_docs)]

pub mod config;
pub mod inspect_text;
pub mod schema_cmd;

use trialtables_pipeline as pipeline;
use trialtables_pipeline::{inputs, outdir};

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use trialtables_extract::Severity;

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
#[command(
    after_help = "Example:\n  trialtables run --config pipeline.toml\n  trialtables validate --config pipeline.toml\n  trialtables inspect fixtures/seeds/000_06cd87bbc5196893.txt"
)]
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
        /// Batches of input files parsed at once (overrides `[run] threads`; default: two per CPU).
        /// The output does not depend on it.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
        threads: Option<u16>,
        /// Use no network: read the last complete saved fetch of each `[[input.api.query]]`
        /// from the raw zone instead of querying the API.
        #[arg(long)]
        offline: bool,
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
        /// Output format: readable text, or JSON for tools.
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
    /// Print the output tables, columns, types and descriptions.
    ///
    /// Example: trialtables schema --format markdown > docs/DATA_DICTIONARY.md
    Schema {
        /// Output format.
        #[arg(long, value_enum, default_value_t = schema_cmd::SchemaFormat::Text)]
        format: schema_cmd::SchemaFormat,
    },
    /// Print a shell completion script.
    ///
    /// Example: trialtables completions bash > ~/.local/share/bash-completion/completions/trialtables
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Output format of `inspect`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum InspectFormat {
    /// Readable text: layout, raw fields with their line numbers, normalized rows.
    Text,
    /// One JSON document.
    Json,
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
    // Stage spans (read, load, metrics, publish with their counts) are for logs and `-v`; a
    // person at a terminal gets the progress bar and the summary.
    let spans = if cli.verbose > 0 || cli.log_format == LogFormat::Json {
        tracing_subscriber::fmt::format::FmtSpan::CLOSE
    } else {
        tracing_subscriber::fmt::format::FmtSpan::NONE
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_span_events(spans).with_target(false);
    let _ = match cli.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
    };
}

/// Resolves a config into a run plan. Returns every problem found.
fn plan(
    config_path: &Path,
    inputs_override: &[String],
    output_override: Option<&Path>,
    threads_override: Option<u16>,
) -> Result<(pipeline::RunPlan, config::Config), Vec<String>> {
    let cfg = config::load(config_path).map_err(|ps| ps.iter().map(|p| p.to_string()).collect::<Vec<_>>())?;
    let text = std::fs::read_to_string(config_path).unwrap_or_default();
    let cfg_dir = config_path.parent().map(Path::to_path_buf).unwrap_or_default();
    let cfg_dir = if cfg_dir.as_os_str().is_empty() { PathBuf::from(".") } else { cfg_dir };
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let (base, patterns) =
        if inputs_override.is_empty() { (cfg_dir.clone(), cfg.input.paths.clone()) } else { (cwd.clone(), inputs_override.to_vec()) };
    let (files, problems) = inputs::resolve(&base, &patterns);
    let mut errors: Vec<String> = Vec::new();
    for p in problems {
        if inputs_override.is_empty() {
            let (line, col) = config::line_of(&text, &format!("\"{}\"", p.pattern));
            let hint = if p.message.contains("matches no file") {
                "check the pattern; `**` matches any depth and paths are relative to the directory holding the config file"
            } else {
                "paths are relative to the directory holding the config file"
            };
            errors.push(format!("{}:{line}:{col}: input {:?}: {} (hint: {hint})", config_path.display(), p.pattern, p.message));
        } else {
            errors.push(format!("--input {:?}: {}", p.pattern, p.message));
        }
    }
    if cfg.input.paths.is_empty() && cfg.input.api.is_none() && inputs_override.is_empty() {
        let (line, col) = config::locate(&text, "input", "paths");
        errors.push(format!("{}:{line}:{col}: [input] paths is empty: nothing to read (hint: list files, directories or globs, e.g. `paths = [\"data/**/*.json\"]`)", config_path.display()));
    }
    let configured = match output_override {
        Some(o) => o.to_path_buf(),
        None => cfg_dir.join(&cfg.output.dir),
    };
    // Where the problem is shown: the config's `dir` line, or the --output flag.
    let output_at = match output_override {
        Some(o) => format!("--output {}", o.display()),
        None => {
            let (line, col) = config::locate(&text, "output", "dir");
            format!("{}:{line}:{col}: output {:?}", config_path.display(), cfg.output.dir)
        }
    };
    // Resolved once, through symlinks: a run publishes into what the user's path points to.
    let output = outdir::real_path(&cwd, &configured);
    if std::fs::symlink_metadata(&configured).is_ok_and(|m| m.file_type().is_symlink()) && !configured.exists() {
        errors.push(format!(
            "{output_at} is a symbolic link to {}, which does not exist (hint: create the link's target, or name a directory)",
            std::fs::read_link(&configured).map(|t| t.display().to_string()).unwrap_or_default()
        ));
    } else if output.is_file() {
        errors.push(format!("{output_at} is a file, not a directory (hint: name a directory; it is replaced as a whole by each run)"));
    } else {
        let inputs: Vec<(String, PathBuf)> =
            patterns.iter().map(|p| (p.clone(), outdir::real_path(&cwd, &base.join(outdir::input_root(p))))).collect();
        let raw_zone = cfg.input.api.as_ref().map(|a| outdir::real_path(&cwd, &cfg_dir.join(&a.raw_dir)));
        let containers = [
            ("the folder holding the config", outdir::real_path(&cwd, &cfg_dir)),
            ("the current directory", outdir::real_path(&cwd, &cwd)),
        ];
        if let Some(why) = outdir::refusal(&output, &inputs, raw_zone.as_deref(), &containers) {
            errors.push(format!(
                "{output_at} {why} (hint: the output directory is replaced as a whole by each run; name a new folder of its own, e.g. `dir = \"out\"` beside pipeline.toml)"
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Only what can change the tables is hashed: thread count and incremental mode give the
    // same bytes, so they must not change the hash written into every Parquet file; nor do the
    // table groups switched off (the tables written are the same bytes, the others are absent).
    let config_hash = pipeline::config_hash(&(&patterns, &cfg.normalize, &cfg.run.fail_on));
    // source_path is written relative to the base, so outputs do not depend on where the
    // checkout lives.
    // (Files keep the spelling of `base` they were resolved with, so stripping it needs no
    // per-file canonicalize: that cost seven readlink calls a file on big inputs.)
    let threads = threads_override
        .map(usize::from)
        .or(cfg.run.threads)
        // Two files in flight per CPU hide the per-file hand-offs and I/O waits (measured:
        // 10k one-study XML files, 4 vs 2 on 2 cores: 3.5 s vs 4.6-6.0 s wall).
        .unwrap_or_else(|| 2 * std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2));
    let plan = pipeline::RunPlan {
        files,
        base,
        output,
        normalize: cfg.normalize.clone(),
        config_hash,
        threads,
        incremental: cfg.run.incremental,
        tables: cfg.output.tables(),
        progress: false,
    };
    Ok((plan, cfg))
}

fn exceeds(fail_on: config::FailOn, errors: usize, warnings: usize) -> bool {
    match fail_on {
        config::FailOn::Error => errors > 0,
        config::FailOn::Warning => errors + warnings > 0,
        config::FailOn::Never => false,
    }
}

/// Runs the command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8, Exit> {
    init_logging(&cli);
    match cli.command {
        Command::Run { config, input, output, threads, offline } => {
            let (mut plan, cfg) = plan(&config, &input, output.as_deref(), threads)
                .map_err(|errs| usage(format!("{} problem(s):\n{}", errs.len(), errs.join("\n"))))?;
            let shown_output = shown_output(&config, &cfg, output.as_deref());
            plan.progress = !cli.quiet && cli.log_format == LogFormat::Pretty && std::io::stderr().is_terminal();
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(plan.threads.clamp(1, 64))
                // The parsers (bounded by `threads`) run on blocking threads.
                .max_blocking_threads(plan.threads.max(1) * 2 + 2)
                .enable_all()
                .build()
                .context("starting the async runtime")
                .map_err(failure)?;
            if let Some(api) = &cfg.input.api {
                // Fetch (or replay) first; the saved pages are inputs like any other file.
                let cfg_dir =
                    config.parent().map(Path::to_path_buf).filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| PathBuf::from("."));
                let api = api.with_base_dir(&cfg_dir);
                let opts = trialtables_fetch::FetchOptions { offline, progress: plan.progress };
                let outs = rt
                    .block_on(trialtables_fetch::fetch(&api, &opts))
                    .context("fetching from the ClinicalTrials.gov API")
                    .map_err(failure)?;
                for o in &outs {
                    plan.files.extend(o.snapshot.iter().cloned());
                }
                plan.files.sort();
                plan.files.dedup();
            }
            let outcome = rt.block_on(pipeline::run(plan)).map_err(failure)?;
            print_summary(&outcome, &shown_output);
            let m = &outcome.manifest;
            let errors = m.issues_by_severity.get(Severity::Error.as_str()).copied().unwrap_or(0);
            let warnings = m.issues_by_severity.get(Severity::Warning.as_str()).copied().unwrap_or(0);
            Ok(if exceeds(cfg.run.fail_on, errors, warnings) { exit::ISSUES } else { exit::OK })
        }
        Command::Validate { config } => match plan(&config, &[], None, None) {
            Ok((p, cfg)) => {
                // Read every input as a run would (nothing is written) and report what would
                // be lost.
                let base = p.base.clone();
                let (mut records, mut errors, mut warnings) = (0usize, 0usize, 0usize);
                for f in &p.files {
                    let shown = inputs::display_path(&base, f);
                    match inputs::read_input(f) {
                        Ok(bytes) => {
                            let ex = trialtables_extract::extract(&shown, &bytes);
                            records += ex.records.len();
                            for i in &ex.issues {
                                match i.severity {
                                    trialtables_extract::Severity::Error => errors += 1,
                                    trialtables_extract::Severity::Warning => warnings += 1,
                                    _ => {}
                                }
                                if i.severity != trialtables_extract::Severity::Info {
                                    println!("{}: {}:{}: {}", i.severity.as_str().to_lowercase(), i.source_path, i.line, i.message);
                                }
                            }
                        }
                        Err(u) if u.data_lost => {
                            errors += 1;
                            println!("error: {shown}: {}", u.message);
                        }
                        Err(u) => {
                            warnings += 1;
                            println!("warning: {shown}: {}", u.message);
                        }
                    }
                }
                println!(
                    "{}: ok ({} input files, {records} records, {errors} input errors, {warnings} input warnings, output {})",
                    config.display(),
                    p.files.len(),
                    shown_output(&config, &cfg, None).display()
                );
                Ok(if exceeds(cfg.run.fail_on, errors, warnings) { exit::ISSUES } else { exit::OK })
            }
            Err(errs) => Err(usage(format!("{} problem(s):\n{}", errs.len(), errs.join("\n")))),
        },
        Command::Inspect { file, format } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display())).map_err(failure)?;
            let shown = file.to_string_lossy().to_string();
            let ex = trialtables_extract::extract(&shown, &bytes);
            let cfg = trialtables_normalize::NormalizeConfig::default();
            let records: Vec<_> = ex
                .records
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "source_format": r.source_format.as_str(),
                        "raw": r,
                        "normalized": trialtables_normalize::normalize(r, &cfg),
                    })
                })
                .collect();
            let out = serde_json::json!({ "file": shown, "records": records, "input_issues": ex.issues });
            match format {
                InspectFormat::Json => println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default()),
                InspectFormat::Text => print!("{}", inspect_text::render(&out)),
            }
            Ok(exit::OK)
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "trialtables", &mut std::io::stdout());
            Ok(exit::OK)
        }
        Command::Schema { format } => {
            print!("{}", schema_cmd::render(format));
            Ok(exit::OK)
        }
    }
}

/// The output as the user named it (the run itself uses the resolved path).
fn shown_output(config_path: &Path, cfg: &config::Config, output_override: Option<&Path>) -> PathBuf {
    match output_override {
        Some(o) => o.to_path_buf(),
        None => config_path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."))
            .join(&cfg.output.dir),
    }
}

fn print_summary(o: &pipeline::RunOutcome, shown: &Path) {
    let m = &o.manifest;
    let cached = m.inputs.iter().filter(|i| i.from_cache).count();
    let cached = if m.incremental { format!(" ({cached} unchanged, reused from cache)") } else { String::new() };
    println!("trialtables {}: {} input files{cached} -> {}", m.trialtables_version, m.inputs.len(), shown.display());
    for (t, n) in &m.tables {
        println!("  {t:<20} {n:>8} rows");
    }
    println!(
        "  issues: {} error, {} warning, {} info   ({:.2} s)",
        m.issues_by_severity.get(Severity::Error.as_str()).unwrap_or(&0),
        m.issues_by_severity.get(Severity::Warning.as_str()).unwrap_or(&0),
        m.issues_by_severity.get(Severity::Info.as_str()).unwrap_or(&0),
        m.duration_seconds
    );
}
