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
    /// XML, and `.gz` / `.zip` archives of these. May be empty when `[input.api]` is set.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Fetch studies from the ClinicalTrials.gov API v2 (`[input.api]` with
    /// `[[input.api.query]]` tables); the saved pages are read like any other input.
    #[serde(default)]
    pub api: Option<trialtables_fetch::ApiConfig>,
}

/// `[output]`
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Directory that receives one `<table>.parquet` per table, `metrics/` and
    /// `manifest.json`. It is replaced as a whole when a run succeeds.
    pub dir: String,
    /// Write the registry-detail tables: sponsors, locations, browse_conditions,
    /// browse_interventions, keywords, secondary_ids, eligibility (default true).
    #[serde(default = "yes")]
    pub registry_details: bool,
    /// Write the posted-results tables: result_groups, participant_flow,
    /// baseline_measurements, outcome_measurements, outcome_analyses, adverse_events (default
    /// true).
    #[serde(default = "yes")]
    pub posted_results: bool,
}

fn yes() -> bool {
    true
}

impl OutputConfig {
    /// The table groups this configuration writes.
    pub fn tables(&self) -> trialtables_load::TableSelection {
        trialtables_load::TableSelection { registry_details: self.registry_details, posted_results: self.posted_results }
    }
}

/// `[run]`
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// Exit with code 1 when `record_issues` holds a finding at or above this severity:
    /// "error" (default), "warning", or "never".
    #[serde(default = "default_fail_on")]
    pub fail_on: FailOn,
    /// Worker threads for reading and parsing (default: two per CPU). The output does
    /// not depend on it.
    #[serde(default)]
    pub threads: Option<usize>,
    /// Reuse the normalized rows of inputs whose content is unchanged since the last
    /// published run (cached under `<output>/.cache/`). The output is byte-identical to a
    /// full run.
    #[serde(default)]
    pub incremental: bool,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig { fail_on: default_fail_on(), threads: None, incremental: false }
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
const KEYS: &[&str] = &[
    "input",
    "output",
    "run",
    "normalize",
    "paths",
    "dir",
    "fail_on",
    "threads",
    "incremental",
    "registry_details",
    "posted_results",
    "condition_categories",
    "name",
    "patterns",
    "cell_products",
    "source",
    "whole_words",
];

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map(|i| before.len() - i).unwrap_or(before.len() + 1);
    (line, col)
}

/// The nearest valid key to `unknown`, when one is close.
pub fn nearest_key(unknown: &str) -> Option<&'static str> {
    nearest(unknown, KEYS)
}

/// The nearest of `candidates` to `word`, when one is close.
fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates.iter().map(|k| (strsim::levenshtein(word, k), *k)).filter(|(d, k)| *d <= 2.max(k.len() / 3)).min().map(|(_, k)| k)
}

/// Where `key` is set inside `[section]` (or at top level when `section` is empty), as
/// 1-based line and column; falls back to the section header, then to (0, 0).
pub fn locate(text: &str, section: &str, key: &str) -> (usize, usize) {
    let mut current = String::new();
    let mut header: Option<(usize, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        if t.starts_with('[') {
            let name = t.trim_start_matches('[').split(']').next().unwrap_or("").trim().to_string();
            if name == section && header.is_none() {
                header = Some((i + 1, indent + 1));
            }
            current = name;
            continue;
        }
        let sect_ok = current == section;
        let dotted = format!("{section}.{key}");
        let hit = |k: &str| t.starts_with(k) && t[k.len()..].trim_start().starts_with('=');
        if key.is_empty() {
            continue;
        }
        if (sect_ok && hit(key)) || (current.is_empty() && !section.is_empty() && hit(&dotted)) {
            return (i + 1, indent + 1);
        }
    }
    header.unwrap_or((0, 0))
}

/// Where the key at `path` (table keys, or array indexes as decimal strings:
/// `["normalize", "condition_categories", "1", "patern"]`) is written, as 1-based line and
/// column, from the TOML parser's own spans. `None` when the text does not parse or the key is
/// not there.
pub fn key_location(text: &str, path: &[&str]) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let (first, rest) = path.split_first()?;
    let (mut span, mut value) = root.get_ref().iter().find(|(k, _)| k.get_ref() == first).map(|(k, v)| (k.span(), v))?;
    for seg in rest {
        match value.get_ref() {
            DeValue::Table(t) => {
                let (k, v) = t.iter().find(|(k, _)| k.get_ref() == seg)?;
                span = k.span();
                value = v;
            }
            DeValue::Array(a) => {
                let v = a.get(seg.parse::<usize>().ok()?)?;
                span = v.span();
                value = v;
            }
            _ => return None,
        }
    }
    let (line, col) = line_col(text, span.start);
    // A table's name in its header: point at the header's `[`.
    let header = text.lines().nth(line - 1).and_then(|l| l.trim_start().starts_with('[').then(|| l.len() - l.trim_start().len() + 1));
    Some((line, header.unwrap_or(col)))
}

fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date-time",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

struct Checker<'a> {
    file: &'a Path,
    text: &'a str,
    problems: Vec<ConfigProblem>,
}

impl Checker<'_> {
    fn push(&mut self, section: &str, key: &str, message: String, hint: Option<String>) {
        let mut path: Vec<&str> = section.split('.').filter(|s| !s.is_empty()).collect();
        if !key.is_empty() {
            path.push(key);
        }
        let (line, column) = key_location(self.text, &path).unwrap_or_else(|| locate(self.text, section, key));
        self.problems.push(ConfigProblem { file: self.file.to_path_buf(), line, column, message, hint });
    }

    fn unknown_keys(&mut self, section: &str, table: &toml::Table, valid: &[&str]) {
        for k in table.keys() {
            if !valid.contains(&k.as_str()) {
                let hint = match nearest(k, valid) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => format!(
                        "valid keys{}: {}",
                        match section {
                            "" => String::new(),
                            s if s.split('.').any(|p| p.parse::<usize>().is_ok()) =>
                                format!(" in [[{}]]", s.split('.').filter(|p| p.parse::<usize>().is_err()).collect::<Vec<_>>().join(".")),
                            s => format!(" in [{s}]"),
                        },
                        valid.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
                    ),
                };
                self.push(section, k, format!("unknown field `{k}`"), Some(hint));
            }
        }
    }

    fn wrong_type(&mut self, section: &str, key: &str, expected: &str, found: &toml::Value, example: &str) {
        self.push(
            section,
            key,
            format!("wrong type for `{key}`: expected {expected}, found {}", type_name(found)),
            Some(format!("write it as `{example}`")),
        );
    }

    fn table<'t>(&mut self, root: &'t toml::Table, name: &str, required: bool, example: &str) -> Option<&'t toml::Table> {
        match root.get(name) {
            None => {
                if required {
                    self.problems.push(ConfigProblem {
                        file: self.file.to_path_buf(),
                        line: 0,
                        column: 0,
                        message: format!("missing table [{name}]"),
                        hint: Some(format!("add:\n[{name}]\n{example}")),
                    });
                }
                None
            }
            Some(toml::Value::Table(t)) => Some(t),
            Some(other) => {
                self.wrong_type("", name, "a table", other, &format!("[{name}]"));
                None
            }
        }
    }
}

/// Checks config text and returns every problem found at once (unknown keys with the
/// nearest valid key, wrong types, missing keys, unknown `fail_on` values), each located by
/// line and column. When there is none, returns the parsed config.
pub fn check(file: &Path, text: &str) -> Result<Config, Vec<ConfigProblem>> {
    let root: toml::Table = match text.parse::<toml::Table>() {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            return Err(vec![ConfigProblem {
                file: file.to_path_buf(),
                line,
                column,
                message: format!("TOML syntax error: {}", e.message().trim()),
                hint: Some("see https://toml.io for the syntax".into()),
            }]);
        }
    };
    let mut c = Checker { file, text, problems: Vec::new() };
    c.unknown_keys("", &root, &["input", "output", "run", "normalize"]);
    if let Some(input) = c.table(&root, "input", true, "paths = [\"data/**/*.json\"]") {
        c.unknown_keys("input", input, &["paths", "api"]);
        if let Some(api) = input.get("api") {
            match api {
                toml::Value::Table(t) => {
                    c.unknown_keys("input.api", t, trialtables_fetch::config::CONFIG_KEYS);
                    if let Some(toml::Value::Array(qs)) = t.get("query") {
                        for q in qs {
                            if let toml::Value::Table(qt) = q {
                                c.unknown_keys("input.api.query", qt, trialtables_fetch::config::QUERY_KEYS);
                            }
                        }
                    }
                    match toml::Value::Table(t.clone()).try_into::<trialtables_fetch::ApiConfig>() {
                        Ok(a) => {
                            if let Err(errs) = a.validate() {
                                for e in errs {
                                    c.push("input", "api", format!("[input.api]: {e}"), None);
                                }
                            }
                        }
                        Err(e) if !e.message().contains("unknown field") => {
                            c.push(
                                "input",
                                "api",
                                format!("[input.api]: {}", e.message().trim()),
                                Some("see README, \"Fetching from the ClinicalTrials.gov API\"".into()),
                            );
                        }
                        Err(_) => {}
                    }
                }
                other => c.wrong_type("input", "api", "a table", other, "[input.api]"),
            }
        }
        match input.get("paths") {
            None if input.contains_key("api") => {}
            None => c.push("input", "", "missing key `paths` in [input]".into(), Some("add `paths = [\"data/**/*.json\"]`".into())),
            Some(toml::Value::Array(a)) => {
                if let Some(bad) = a.iter().find(|v| !v.is_str()) {
                    c.wrong_type("input", "paths", "an array of strings", bad, "paths = [\"data/**/*.json\"]");
                }
            }
            Some(other) => c.wrong_type("input", "paths", "an array of strings", other, "paths = [\"data/**/*.json\"]"),
        }
    }
    if let Some(output) = c.table(&root, "output", true, "dir = \"out\"") {
        c.unknown_keys("output", output, &["dir", "registry_details", "posted_results"]);
        for key in ["registry_details", "posted_results"] {
            match output.get(key) {
                None | Some(toml::Value::Boolean(_)) => {}
                Some(other) => c.wrong_type("output", key, "a boolean", other, &format!("{key} = false")),
            }
        }
        match output.get("dir") {
            None => c.push("output", "", "missing key `dir` in [output]".into(), Some("add `dir = \"out\"`".into())),
            Some(toml::Value::String(d)) if d.trim().is_empty() => {
                c.push("output", "dir", "`dir` is empty".into(), Some("name the output directory, e.g. `dir = \"out\"`".into()))
            }
            Some(toml::Value::String(_)) => {}
            Some(other) => c.wrong_type("output", "dir", "a string", other, "dir = \"out\""),
        }
    }
    if let Some(run) = c.table(&root, "run", false, "") {
        c.unknown_keys("run", run, &["fail_on", "threads", "incremental"]);
        const LEVELS: &[&str] = &["error", "warning", "never"];
        match run.get("fail_on") {
            None => {}
            Some(toml::Value::String(s)) if LEVELS.contains(&s.as_str()) => {}
            Some(toml::Value::String(s)) => {
                let lower = s.to_lowercase();
                let prefixed = LEVELS.iter().copied().find(|l| !lower.is_empty() && (l.starts_with(&lower) || lower.starts_with(l)));
                let hint = match prefixed.or_else(|| nearest(&lower, LEVELS)) {
                    Some(n) => format!("did you mean \"{n}\"? valid values: \"error\", \"warning\", \"never\""),
                    None => "valid values: \"error\", \"warning\", \"never\"".into(),
                };
                c.push("run", "fail_on", format!("unknown fail_on value \"{s}\""), Some(hint));
            }
            Some(other) => c.wrong_type("run", "fail_on", "a string", other, "fail_on = \"error\""),
        }
        match run.get("threads") {
            None => {}
            Some(toml::Value::Integer(n)) if (1..=1024).contains(n) => {}
            Some(toml::Value::Integer(n)) => c.push(
                "run",
                "threads",
                format!("`threads` must be between 1 and 1024, found {n}"),
                Some("leave it out to use two per CPU".into()),
            ),
            Some(other) => c.wrong_type("run", "threads", "an integer", other, "threads = 4"),
        }
        match run.get("incremental") {
            None | Some(toml::Value::Boolean(_)) => {}
            Some(other) => c.wrong_type("run", "incremental", "a boolean", other, "incremental = true"),
        }
    }
    if let Some(norm) = c.table(&root, "normalize", false, "") {
        c.unknown_keys("normalize", norm, &["condition_categories", "cell_products"]);
        // Each entry's keys, located at the entry ("[[normalize.condition_categories]]" or an
        // inline table).
        let mut entry_keys_ok = true;
        for (list, keys) in
            [("condition_categories", &["name", "patterns"][..]), ("cell_products", &["name", "patterns", "source", "whole_words"][..])]
        {
            if let Some(toml::Value::Array(entries)) = norm.get(list) {
                for (i, e) in entries.iter().enumerate() {
                    if let toml::Value::Table(t) = e {
                        let before = c.problems.len();
                        c.unknown_keys(&format!("normalize.{list}.{i}"), t, keys);
                        entry_keys_ok &= c.problems.len() == before;
                    }
                }
            }
        }
        if (norm.contains_key("condition_categories") || norm.contains_key("cell_products")) && entry_keys_ok {
            if let Err(e) = toml::Value::Table(norm.clone()).try_into::<NormalizeConfig>() {
                let msg = e.message().trim().to_string();
                let hint = msg
                    .strip_prefix("unknown field `")
                    .and_then(|r| r.split('`').next())
                    .and_then(nearest_key)
                    .map(|k| format!("did you mean `{k}`?"))
                    .or_else(|| Some("each entry is `{ name = \"SLE\", patterns = [\"lupus\"] }`".into()));
                c.push("normalize", "condition_categories", format!("in condition_categories: {msg}"), hint);
            }
        }
    }
    if !c.problems.is_empty() {
        c.problems.sort_by_key(|p| (p.line == 0, p.line, p.column));
        return Err(c.problems);
    }
    // Everything checked: the typed parse must agree; if it does not, report its error.
    parse(file, text).map_err(|p| vec![p])
}

/// Parses config text with serde only (first error). On error, the problem carries line,
/// column and a hint. [`check`] reports every problem at once and is what the CLI uses.
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

/// Reads a config file and checks it ([`check`]): every problem at once.
pub fn load(file: &Path) -> Result<Config, Vec<ConfigProblem>> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        vec![ConfigProblem {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            message: format!("cannot read config: {e}"),
            hint: Some("pass the path of pipeline.toml with --config".into()),
        }]
    })?;
    check(file, &text)
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

    /// The repository's `pipeline.toml` passes the checks, and its product vocabulary is the
    /// built-in one (a user without the key gets the same tissues).
    #[test]
    fn repository_config_is_valid_and_its_products_are_the_built_in_list() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../pipeline.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        let cfg = check(&file, &text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(cfg.normalize.cell_products, trialtables_normalize::config::default_cell_products());
        // A typo in an entry's key is reported at the entry, with the nearest key.
        let typo = text.replacen("\nwhole_words = true", "\nwhole_word = true", 1);
        let errs = check(&file, &typo).unwrap_err();
        assert!(
            errs.iter().any(|e| e.message.contains("whole_word") && e.hint.as_deref() == Some("did you mean `whole_words`?")),
            "{errs:?}"
        );
    }

    #[test]
    fn wrong_type_is_located() {
        let e = parse(Path::new("p.toml"), "[input]\npaths = \"a\"\n[output]\ndir = \"o\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().starts_with("p.toml:2:"), "{e}");
    }

    fn problems(text: &str) -> Vec<String> {
        check(Path::new("p.toml"), text).unwrap_err().iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn check_reports_every_problem_at_once() {
        let p = problems("[input]\npaths = \"data\"\n[output]\ndri = \"o\"\n[run]\nfail_on = \"warn\"\nthreads = \"4\"\n");
        assert_eq!(
            p,
            vec![
                "p.toml:2:1: wrong type for `paths`: expected an array of strings, found a string (hint: write it as `paths = [\"data/**/*.json\"]`)",
                "p.toml:3:1: missing key `dir` in [output] (hint: add `dir = \"out\"`)",
                "p.toml:4:1: unknown field `dri` (hint: did you mean `dir`?)",
                "p.toml:6:1: unknown fail_on value \"warn\" (hint: did you mean \"warning\"? valid values: \"error\", \"warning\", \"never\")",
                "p.toml:7:1: wrong type for `threads`: expected an integer, found a string (hint: write it as `threads = 4`)",
            ]
        );
    }

    #[test]
    fn check_syntax_error_and_missing_tables() {
        let p = problems("[input\npaths = 1\n");
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("p.toml:1:") && p[0].contains("TOML syntax error"), "{p:?}");
        let p = problems("");
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].contains("missing table [input]"));
        let p = problems("[input]\npaths = [\"a\"]\n[output]\ndir = \"o\"\n[normalize]\ncondition_categories = [{ name = \"SLE\", patern = [\"lupus\"] }]\n");
        assert_eq!(p, vec!["p.toml:6:41: unknown field `patern` (hint: did you mean `patterns`?)"]);
    }

    #[test]
    fn unknown_tables_and_entry_keys_are_located() {
        let text = "[input]\npaths = [\"a\"]\n[output]\ndir = \"o\"\n\n[colour]\nx = 1\n\n\
                    [[normalize.condition_categories]]\nname = \"SLE\"\npatterns = [\"lupus\"]\n\n\
                    [[normalize.condition_categories]]\nname = \"MS\"\nsynonyms = [\"ms\"]\n";
        assert_eq!(
            problems(text),
            vec![
                "p.toml:6:1: unknown field `colour` (hint: valid keys: `input`, `output`, `run`, `normalize`)",
                "p.toml:15:1: unknown field `synonyms` (hint: valid keys in [[normalize.condition_categories]]: `name`, `patterns`)",
            ]
        );
    }

    #[test]
    fn check_accepts_a_full_config() {
        let c = check(
            Path::new("p.toml"),
            "[input]\npaths = [\"a\"]\n[output]\ndir = \"o\"\n[run]\nfail_on = \"never\"\nthreads = 2\nincremental = true\n",
        )
        .unwrap();
        assert_eq!((c.run.fail_on, c.run.threads, c.run.incremental), (FailOn::Never, Some(2), true));
    }

    #[test]
    fn defaults() {
        let c = parse(Path::new("p.toml"), "[input]\npaths = [\"a\"]\n[output]\ndir = \"o\"\n").unwrap();
        assert_eq!(c.run.fail_on, FailOn::Error);
        assert!(c.normalize.condition_categories.is_empty());
    }
}
