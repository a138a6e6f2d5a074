//! Configuration: `pitfalls.toml`, `.pitfalls.toml` or `pyproject.toml`'s
//! `[tool.pitfalls]`, found from the first path upward, merged with the
//! command line (flags win), and resolved into rule sets and matchers.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::registry::{Rule, RuleSet};

/// The keys of the configuration file (CLI.md, "Configuration").
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    pub select: Option<Vec<String>>,
    pub extend_select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Option<Vec<String>>,
    pub respect_gitignore: Option<bool>,
    pub output_format: Option<OutputFormat>,
    pub blocking_calls: Option<Vec<String>>,
    pub src: Option<Vec<String>>,
    pub test_paths: Option<Vec<String>>,
    pub test_ignore: Option<Vec<String>>,
    pub external_noqa: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum OutputFormat {
    Full,
    Concise,
    Json,
    JsonLines,
    Github,
    Sarif,
    Junit,
}

#[derive(Debug, Deserialize)]
struct PyProject {
    tool: Option<PyProjectTool>,
}

#[derive(Debug, Deserialize)]
struct PyProjectTool {
    pitfalls: Option<toml::Value>,
}

/// A configuration problem: exit 2, naming the file, the key and its line.
#[derive(Debug)]
pub struct ConfigError {
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{}:{line}: {}", file.display(), self.message),
            (Some(file), None) => write!(f, "{}: {}", file.display(), self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// Which files are tests (CLI.md, "Test code"), matched like
/// `per-file-ignores` against the path relative to the project root.
pub const DEFAULT_TEST_PATHS: &[&str] = &[
    "**/test_*.py",
    "**/*_test.py",
    "**/tests/**",
    "**/test/**",
    "**/testing/**",
    "**/conftest.py",
];

/// The rules still reported in test files by default: the ones whose
/// findings make a test itself wrong. Every other rule is in the default
/// `test-ignore`. Listed by code so a rule that does not exist yet (PF206)
/// is covered the day it lands.
pub const TEST_REPORTED: &[&str] = &[
    "PF100", "PF108", "PF110", "PF111", "PF200", "PF201", "PF206", "PF301", "PF302", "PF303",
    "PF402", "PF403", "PF701",
];

pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".git",
    ".venv",
    "venv",
    "__pycache__",
    "node_modules",
    "build",
    "dist",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    "site-packages",
    ".pitfalls_cache",
];

/// A loaded configuration file.
pub struct ConfigFile {
    pub path: PathBuf,
    pub options: Options,
    text: String,
}

/// Finds the configuration for `start` (a file or folder), searching upward.
pub fn find_config(start: &Path) -> Result<Option<ConfigFile>, ConfigError> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        for name in ["pitfalls.toml", ".pitfalls.toml"] {
            let candidate = d.join(name);
            if candidate.is_file() {
                return load_config(&candidate).map(Some);
            }
        }
        let pyproject = d.join("pyproject.toml");
        if pyproject.is_file()
            && let Some(config) = load_pyproject(&pyproject)?
        {
            return Ok(Some(config));
        }
        dir = d.parent();
    }
    Ok(None)
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: Some(path.to_path_buf()),
        line: None,
        message: format!("cannot read: {e}"),
    })
}

/// Loads `--config FILE` or a found file (a `pyproject.toml` is read from its
/// `[tool.pitfalls]` table).
pub fn load_config(path: &Path) -> Result<ConfigFile, ConfigError> {
    if path.file_name().is_some_and(|n| n == "pyproject.toml") {
        return Ok(load_pyproject(path)?.unwrap_or(ConfigFile {
            path: path.to_path_buf(),
            options: Options::default(),
            text: String::new(),
        }));
    }
    let text = read(path)?;
    let options = toml::from_str::<Options>(&text).map_err(|e| toml_error(path, &text, &e))?;
    Ok(ConfigFile {
        path: path.to_path_buf(),
        options,
        text,
    })
}

fn load_pyproject(path: &Path) -> Result<Option<ConfigFile>, ConfigError> {
    let text = read(path)?;
    // Parse the whole document with spans, so errors in our table point at
    // the right line of the file.
    #[derive(Deserialize)]
    struct Doc {
        tool: Option<ToolTable>,
    }
    #[derive(Deserialize)]
    struct ToolTable {
        pitfalls: Option<Options>,
    }
    let probe = toml::from_str::<PyProject>(&text).map_err(|e| toml_error(path, &text, &e))?;
    if probe.tool.and_then(|t| t.pitfalls).is_none() {
        return Ok(None);
    }
    let doc = toml::from_str::<Doc>(&text).map_err(|e| toml_error(path, &text, &e))?;
    let options = doc.tool.and_then(|t| t.pitfalls).unwrap_or_default();
    Ok(Some(ConfigFile {
        path: path.to_path_buf(),
        options,
        text,
    }))
}

fn toml_error(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
    let line = error.span().map(|span| line_of(text, span.start));
    let mut message = error.message().trim().to_string();
    // Name the key for type errors, whose message only names the types.
    if let Some(key) = error.span().and_then(|span| key_at(text, span.start))
        && !message.contains(&format!("`{key}`"))
    {
        message = format!("key `{key}`: {message}");
    }
    ConfigError {
        file: Some(path.to_path_buf()),
        line,
        message,
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The key of the `key = value` line holding `offset`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.starts_with('[')).then(|| key.to_string())
}

/// The command line's say, applied over the file's.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub output_format: Option<OutputFormat>,
    /// `--include-tests`: report every finding in test files.
    pub include_tests: bool,
}

/// What one file's pass needs (hashed into the cache key).
#[derive(Debug, Clone, Default, Hash)]
pub struct FileSettings {
    pub rules: RuleSet,
    /// PF106's extra qualified names.
    pub blocking_calls: Vec<String>,
    /// `external-noqa` (the fix loop skips what other tools' comments
    /// silence).
    pub external_noqa: bool,
}

/// Resolved settings for a run.
pub struct Settings {
    pub rules: RuleSet,
    pub blocking_calls: Vec<String>,
    per_file_ignores: Vec<(GlobSet, bool, RuleSet)>,
    exclude: Excluder,
    pub respect_gitignore: bool,
    pub output_format: OutputFormat,
    pub src: Vec<PathBuf>,
    /// `test-paths`: which files are tests.
    test_paths: GlobSet,
    /// `test-ignore`: rules not shown in test files (empty with
    /// `--include-tests`).
    test_ignore: RuleSet,
    /// `external-noqa`: other tools' suppressions silence ours.
    pub external_noqa: bool,
    /// The folder paths in the configuration are relative to.
    pub root: PathBuf,
    pub config_file: Option<PathBuf>,
}

impl Settings {
    pub fn resolve(
        config: Option<ConfigFile>,
        overrides: &Overrides,
        cwd: &Path,
    ) -> Result<Self, ConfigError> {
        let (options, path, text) = match config {
            Some(c) => (c.options, Some(c.path), c.text),
            None => (Options::default(), None, String::new()),
        };
        let root = path
            .as_ref()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| cwd.to_path_buf());
        let config_error = |message: String, needle: &str| ConfigError {
            file: path.clone(),
            line: text.find(needle).map(|at| line_of(&text, at)),
            message,
        };
        let selectors =
            |list: &[String], key: &str, from_file: bool| -> Result<Vec<Selector>, ConfigError> {
                list.iter()
                    .map(|s| {
                        Selector::parse(s).ok_or_else(|| {
                            let message = format!("key `{key}`: unknown rule selector `{s}`");
                            if from_file {
                                config_error(message, &format!("\"{s}\""))
                            } else {
                                ConfigError {
                                    file: None,
                                    line: None,
                                    message: format!("--{key}: unknown rule selector `{s}`"),
                                }
                            }
                        })
                    })
                    .collect()
            };

        // Two layers, as in Ruff: the file's select/extend/ignore, then the
        // command line's on top (a `--select` there starts afresh, so it
        // also wins over the file's `ignore`).
        let layer = |base: RuleSet,
                     select: Option<Vec<Selector>>,
                     extend: Vec<Selector>,
                     ignore: Vec<Selector>| {
            let mut rules = match select {
                Some(selected) => Rule::ALL
                    .iter()
                    .copied()
                    .filter(|r| selected.iter().any(|s| s.selects(*r)))
                    .collect(),
                None => base,
            };
            for rule in Rule::ALL.iter().copied() {
                if extend.iter().any(|s| s.selects(rule)) {
                    rules.insert(rule);
                }
                if ignore.iter().any(|s| s.matches(rule)) {
                    rules.remove(rule);
                }
            }
            rules
        };
        let defaults: RuleSet = Rule::ALL
            .iter()
            .copied()
            .filter(|r| r.meta().default_on)
            .collect();
        let file_select = options
            .select
            .as_deref()
            .map(|s| selectors(s, "select", true))
            .transpose()?;
        let file_extend = selectors(
            options.extend_select.as_deref().unwrap_or_default(),
            "extend-select",
            true,
        )?;
        let file_ignore = selectors(
            options.ignore.as_deref().unwrap_or_default(),
            "ignore",
            true,
        )?;
        let file_rules = layer(defaults, file_select, file_extend, file_ignore);
        let cli_select = overrides
            .select
            .as_deref()
            .map(|s| selectors(s, "select", false))
            .transpose()?;
        let cli_extend = selectors(&overrides.extend_select, "extend-select", false)?;
        let cli_ignore = selectors(&overrides.ignore, "ignore", false)?;
        let mut rules = layer(file_rules, cli_select, cli_extend, cli_ignore);
        // PF001 cannot be turned off: an unparsable file was not checked.
        rules.insert(Rule::SyntaxError);

        let mut per_file_ignores = Vec::new();
        for (pattern, codes) in options.per_file_ignores.unwrap_or_default() {
            let glob = Glob::new(&pattern).map_err(|e| {
                config_error(
                    format!("key `per-file-ignores`: bad glob `{pattern}`: {e}"),
                    &pattern,
                )
            })?;
            let set = GlobSetBuilder::new()
                .add(glob)
                .build()
                .expect("one valid glob");
            let chosen = selectors(&codes, "per-file-ignores", true)?;
            let ignored: RuleSet = Rule::ALL
                .iter()
                .copied()
                .filter(|r| chosen.iter().any(|s| s.matches(*r)))
                .collect();
            per_file_ignores.push((set, !pattern.contains('/'), ignored));
        }

        let mut exclude = GlobSetBuilder::new();
        let base: Vec<String> = match options.exclude {
            Some(list) => list,
            None => DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect(),
        };
        for pattern in base.iter().chain(options.extend_exclude.iter().flatten()) {
            let glob = Glob::new(pattern).map_err(|e| {
                config_error(format!("key `exclude`: bad glob `{pattern}`: {e}"), pattern)
            })?;
            exclude.add(glob);
        }
        let exclude = Excluder {
            globs: exclude
                .build()
                .map_err(|e| config_error(format!("key `exclude`: {e}"), "exclude"))?,
            root: root.clone(),
        };

        // Test code: `*` stays within one folder (`**/test_*.py` must not
        // take `test_utils/models.py` for a test), `**` crosses folders.
        let mut test_paths = GlobSetBuilder::new();
        let patterns: Vec<String> = match options.test_paths {
            Some(list) => list,
            None => DEFAULT_TEST_PATHS.iter().map(|s| s.to_string()).collect(),
        };
        for pattern in &patterns {
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    config_error(
                        format!("key `test-paths`: bad glob `{pattern}`: {e}"),
                        &format!("\"{pattern}\""),
                    )
                })?;
            test_paths.add(glob);
        }
        let test_paths = test_paths
            .build()
            .map_err(|e| config_error(format!("key `test-paths`: {e}"), "test-paths"))?;
        let test_ignore: RuleSet = match &options.test_ignore {
            Some(codes) => {
                let chosen = selectors(codes, "test-ignore", true)?;
                Rule::ALL
                    .iter()
                    .copied()
                    .filter(|r| chosen.iter().any(|s| s.matches(*r)))
                    .collect()
            }
            None => Rule::ALL
                .iter()
                .copied()
                .filter(|r| !TEST_REPORTED.contains(&r.code()))
                .collect(),
        };
        let mut test_ignore = if overrides.include_tests {
            RuleSet::default()
        } else {
            test_ignore
        };
        // A file that does not parse was not checked: never held back.
        test_ignore.remove(Rule::SyntaxError);

        Ok(Settings {
            rules,
            test_paths,
            test_ignore,
            external_noqa: options.external_noqa.unwrap_or(true),
            blocking_calls: options.blocking_calls.unwrap_or_default(),
            per_file_ignores,
            exclude,
            respect_gitignore: options.respect_gitignore.unwrap_or(true),
            output_format: overrides
                .output_format
                .or(options.output_format)
                .unwrap_or(OutputFormat::Full),
            src: options
                .src
                .unwrap_or_default()
                .iter()
                .map(|s| root.join(s))
                .collect(),
            root,
            config_file: path,
        })
    }

    fn relative<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// Whether `path` is a test file (`test-paths`, relative to the root).
    pub fn is_test_file(&self, path: &Path) -> bool {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.test_paths.is_match(self.relative(&absolute))
    }

    /// The rules whose findings in `path` are held back (not shown, not
    /// failing the run): `test-ignore` in test files, none elsewhere.
    pub fn held_back(&self, path: &Path) -> RuleSet {
        if self.test_ignore == RuleSet::default() || !self.is_test_file(path) {
            RuleSet::default()
        } else {
            self.test_ignore
        }
    }

    pub fn excluder(&self) -> &Excluder {
        &self.exclude
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        self.exclude.is_excluded(path)
    }

    /// The settings for one file, with its per-file ignores applied.
    pub fn for_file(&self, path: &Path) -> FileSettings {
        let mut rules = self.rules;
        if !self.per_file_ignores.is_empty() {
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
            let relative = self.relative(&absolute);
            for (glob, basename_too, ignored) in &self.per_file_ignores {
                let matched = glob.is_match(relative)
                    || (*basename_too && absolute.file_name().is_some_and(|n| glob.is_match(n)));
                if matched {
                    for rule in ignored.iter() {
                        if rule != Rule::SyntaxError {
                            rules.remove(rule);
                        }
                    }
                }
            }
        }
        FileSettings {
            rules,
            blocking_calls: self.blocking_calls.clone(),
            external_noqa: self.external_noqa,
        }
    }
}

/// The `exclude`/`extend-exclude` globs, matched against a path's name and
/// its path relative to the configuration's folder.
#[derive(Clone)]
pub struct Excluder {
    globs: GlobSet,
    root: PathBuf,
}

impl Excluder {
    /// The path or one of its folders below the configuration's folder is
    /// excluded (`--force-exclude build/x.py`).
    pub fn is_excluded_or_in_excluded(&self, path: &Path) -> bool {
        let below_root = path.starts_with(&self.root);
        path.ancestors()
            .take_while(|p| !below_root || (p.starts_with(&self.root) && *p != self.root))
            .filter(|p| p.file_name().is_some())
            .any(|p| self.is_excluded(p))
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        if path
            .file_name()
            .is_some_and(|name| self.globs.is_match(name))
        {
            return true;
        }
        // Discovery hands over absolute paths: no copy made for them.
        let absolute = if path.is_absolute() {
            std::borrow::Cow::Borrowed(path)
        } else {
            std::borrow::Cow::Owned(
                std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
            )
        };
        self.globs
            .is_match(absolute.strip_prefix(&self.root).unwrap_or(&absolute))
    }
}

/// `ALL`, a code (`PF101`), a prefix (`PF1`), or a name.
#[derive(Debug, Clone)]
pub enum Selector {
    All,
    Rule(Rule),
    Prefix(String),
}

impl Selector {
    pub fn parse(s: &str) -> Option<Selector> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("ALL") {
            return Some(Selector::All);
        }
        if let Some(rule) = Rule::from_name(s) {
            return Some(Selector::Rule(rule));
        }
        let upper = s.to_ascii_uppercase();
        Rule::ALL
            .iter()
            .any(|r| r.code().starts_with(&upper))
            .then_some(Selector::Prefix(upper))
    }

    /// Turns `rule` on: off-by-default rules only by full code, name or ALL.
    fn selects(&self, rule: Rule) -> bool {
        match self {
            Selector::All => true,
            Selector::Rule(r) => *r == rule,
            Selector::Prefix(p) => rule.code().starts_with(p.as_str()) && rule.meta().default_on,
        }
    }

    /// Matches `rule` for ignoring.
    fn matches(&self, rule: Rule) -> bool {
        match self {
            Selector::All => true,
            Selector::Rule(r) => *r == rule,
            Selector::Prefix(p) => rule.code().starts_with(p.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(toml: &str, overrides: Overrides) -> Result<Settings, ConfigError> {
        let options: Options = toml::from_str(toml).unwrap();
        let config = ConfigFile {
            path: PathBuf::from("/p/pitfalls.toml"),
            options,
            text: toml.to_string(),
        };
        Settings::resolve(Some(config), &overrides, Path::new("/p"))
    }

    #[test]
    fn selection() {
        let s = resolve(
            "select = [\"PF1\"]\nignore = [\"blocking-sleep-in-async\"]\n",
            Overrides::default(),
        )
        .unwrap();
        assert!(s.rules.contains(Rule::BlockingNetworkInAsync));
        assert!(!s.rules.contains(Rule::BlockingSleepInAsync));
        assert!(!s.rules.contains(Rule::CacheOnMethod));
        assert!(s.rules.contains(Rule::SyntaxError), "PF001 is always on");
        let cli = Overrides {
            select: Some(vec!["PF600".into()]),
            ..Default::default()
        };
        let s = resolve("select = [\"PF1\"]\n", cli).unwrap();
        assert_eq!(
            s.rules.iter().collect::<Vec<_>>(),
            vec![Rule::SyntaxError, Rule::CacheOnMethod]
        );
    }

    #[test]
    fn unknown_selector_names_line() {
        let err = resolve("\nselect = [\"PF999\"]\n", Overrides::default())
            .err()
            .unwrap();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("PF999"), "{}", err.message);
    }

    #[test]
    fn unknown_key_and_wrong_type_name_key_and_line() {
        let path = Path::new("/p/pitfalls.toml");
        let text = "select = [\"PF1\"]\nselectt = [\"PF1\"]\n";
        let err = toml::from_str::<Options>(text).err().unwrap();
        let err = toml_error(path, text, &err);
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("selectt"), "{}", err.message);
        let text = "\n\nrespect-gitignore = \"yes\"\n";
        let err = toml::from_str::<Options>(text).err().unwrap();
        let err = toml_error(path, text, &err);
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("respect-gitignore"), "{}", err.message);
    }

    #[test]
    fn per_file_ignores() {
        let s = resolve(
            "[per-file-ignores]\n\"tests/*.py\" = [\"PF601\"]\n\"conftest.py\" = [\"PF1\"]\n",
            Overrides::default(),
        )
        .unwrap();
        assert!(
            !s.for_file(Path::new("/p/tests/test_x.py"))
                .rules
                .contains(Rule::MutableDefaultArgument)
        );
        assert!(
            s.for_file(Path::new("/p/src/x.py"))
                .rules
                .contains(Rule::MutableDefaultArgument)
        );
        assert!(
            !s.for_file(Path::new("/p/a/conftest.py"))
                .rules
                .contains(Rule::BlockingSleepInAsync)
        );
    }

    #[test]
    fn test_paths_and_test_ignore_defaults() {
        let s = resolve("", Overrides::default()).unwrap();
        for test in [
            "/p/tests/a.py",
            "/p/test_a.py",
            "/p/pkg/a_test.py",
            "/p/Lib/test/support/x.py",
            "/p/src/pkg/testing/x.py",
            "/p/conftest.py",
            "/elsewhere/tests/a.py",
        ] {
            assert!(s.is_test_file(Path::new(test)), "{test}");
        }
        for not_test in [
            "/p/a.py",
            "/p/test_utils/models.py",
            "/p/pkg/contest.py",
            "/p/attest.py",
            "/p/src/latest/x.py",
        ] {
            assert!(!s.is_test_file(Path::new(not_test)), "{not_test}");
        }
        let held = s.held_back(Path::new("/p/tests/test_a.py"));
        assert!(held.contains(Rule::BlockingSleepInAsync));
        assert!(held.contains(Rule::MutableDefaultArgument));
        assert!(!held.contains(Rule::UnawaitedCoroutine));
        assert!(!held.contains(Rule::DanglingTask));
        assert!(!held.contains(Rule::SyntaxError));
        for rule in Rule::ALL {
            assert_eq!(
                held.contains(*rule),
                !TEST_REPORTED.contains(&rule.code()) && *rule != Rule::SyntaxError,
                "{}",
                rule.code()
            );
        }
        assert_eq!(s.held_back(Path::new("/p/src/a.py")), RuleSet::default());
        let all = resolve(
            "",
            Overrides {
                include_tests: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            all.held_back(Path::new("/p/tests/a.py")),
            RuleSet::default()
        );
    }

    #[test]
    fn test_paths_and_test_ignore_from_the_file() {
        let s = resolve(
            "test-paths = [\"checks/**\"]\ntest-ignore = [\"PF1\", \"mutable-default-argument\"]\n",
            Overrides::default(),
        )
        .unwrap();
        assert!(!s.is_test_file(Path::new("/p/tests/a.py")));
        let held = s.held_back(Path::new("/p/checks/a.py"));
        assert!(held.contains(Rule::UnawaitedCoroutine));
        assert!(held.contains(Rule::MutableDefaultArgument));
        assert!(!held.contains(Rule::CacheOnMethod));
        let none = resolve("test-ignore = []\n", Overrides::default()).unwrap();
        assert_eq!(
            none.held_back(Path::new("/p/tests/a.py")),
            RuleSet::default()
        );
        let err = resolve("\ntest-ignore = [\"PF9\"]\n", Overrides::default())
            .err()
            .unwrap();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("test-ignore"), "{}", err.message);
        let err = resolve("\n\ntest-paths = [\"a/[b\"]\n", Overrides::default())
            .err()
            .unwrap();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("test-paths"), "{}", err.message);
    }
}
