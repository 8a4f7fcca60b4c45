//! `pipeline.toml`: what to read, where to write, and the stage options. Unknown keys are
//! errors (with the nearest valid key as a hint) and every error names the file, line and
//! column, so a typo in a scheduled job's config fails loudly instead of being ignored.
//!
//! Relative paths in the file are resolved against the directory that holds the file, so a
//! scheduled job behaves the same whatever its working directory.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use trialtables_normalize::NormalizeConfig;

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// What to read.
    pub input: InputConfig,
    /// Where to write.
    pub output: OutputConfig,
    /// Run behaviour (exit codes).
    #[serde(default)]
    pub run: RunConfig,
    /// Normalize stage options (conditions vocabulary).
    #[serde(default)]
    pub normalize: NormalizeConfig,
}

/// `[input]`
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    /// Files, directories (read recursively) or glob patterns (`data/**/*.json`). Each file's
    /// form is detected from its content: page text, API v2 JSON (`.json`, `.jsonl`), legacy
    /// XML, and `.gz` / `.zip` archives of these.
    pub paths: Vec<String>,
}

/// `[output]`
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Directory that receives one `<table>.parquet` per table, `metrics/` and
    /// `manifest.json`. It is replaced as a whole when a run succeeds.
    pub dir: String,
}

/// `[run]`
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// Exit with code 1 when `record_issues` holds a finding at or above this severity:
    /// "error" (default), "warning", or "never".
    #[serde(default = "default_fail_on")]
    pub fail_on: FailOn,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig { fail_on: default_fail_on() }
    }
}

fn default_fail_on() -> FailOn {
    FailOn::Error
}

/// Severity threshold for exit code 1.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Any ERROR finding (a record or a value lost).
    Error,
    /// Any ERROR or WARNING finding.
    Warning,
    /// Never: exit 0 whenever the tables were published.
    Never,
}

/// A configuration problem, located in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigProblem {
    /// The config file.
    pub file: PathBuf,
    /// 1-based line (0 = whole file).
    pub line: usize,
    /// 1-based column (0 = unknown).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when we can tell.
    pub hint: Option<String>,
}

impl std::fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

/// Valid keys per table, for "did you mean" hints.
const KEYS: &[&str] = &["input", "output", "run", "normalize", "paths", "dir", "fail_on", "condition_categories", "name", "patterns"];

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map(|i| before.len() - i).unwrap_or(before.len() + 1);
    (line, col)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The nearest valid key to `unknown`, when one is close.
pub fn nearest_key(unknown: &str) -> Option<&'static str> {
    KEYS.iter()
        .map(|k| (levenshtein(unknown, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

/// Parses config text. On error, the problem carries line, column and a hint.
pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigProblem> {
    toml::from_str::<Config>(text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
        let msg = e.message().trim().to_string();
        let hint = msg
            .strip_prefix("unknown field `")
            .and_then(|r| r.split('`').next())
            .and_then(nearest_key)
            .map(|k| format!("did you mean `{k}`?"));
        ConfigProblem { file: file.to_path_buf(), line, column, message: msg, hint }
    })
}

/// Reads and parses a config file.
pub fn load(file: &Path) -> Result<Config, ConfigProblem> {
    let text = std::fs::read_to_string(file).map_err(|e| ConfigProblem {
        file: file.to_path_buf(),
        line: 0,
        column: 0,
        message: format!("cannot read config: {e}"),
        hint: Some("pass the path of pipeline.toml with --config".into()),
    })?;
    parse(file, &text)
}

/// Line of the first occurrence of `needle` in the config text (for locating path problems).
pub fn line_of(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map(|i| line_col(text, i)).unwrap_or((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_has_location_and_hint() {
        let e = parse(Path::new("p.toml"), "[input]\npathz = [\"a\"]\n[output]\ndir = \"o\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.column, 1);
        assert!(e.message.contains("unknown field `pathz`"), "{}", e.message);
        assert_eq!(e.hint.as_deref(), Some("did you mean `paths`?"));
    }

    #[test]
    fn wrong_type_is_located() {
        let e = parse(Path::new("p.toml"), "[input]\npaths = \"a\"\n[output]\ndir = \"o\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().starts_with("p.toml:2:"), "{e}");
    }

    #[test]
    fn defaults() {
        let c = parse(Path::new("p.toml"), "[input]\npaths = [\"a\"]\n[output]\ndir = \"o\"\n").unwrap();
        assert_eq!(c.run.fail_on, FailOn::Error);
        assert!(c.normalize.condition_categories.is_empty());
    }
}
