//! The command line (CLI.md). `main.rs` only parses these and maps the
//! result of [`run`] to an exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use rustc_hash::FxHashSet;

use crate::cache::Cache;
use crate::pipeline::RunOptions;
use crate::registry::{FixAvailability, Rule};
use crate::render::{self, RenderOptions};
use crate::settings::{self, OutputFormat, Overrides, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "pitfalls",
    version,
    about = "A Python linter for the bugs code review catches."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per process: the size of `Check` does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check Python files (default: the current folder).
    Check(CheckArgs),
    /// Print a rule's documentation.
    Rule {
        /// A code (`PF101`) or a name (`blocking-sleep-in-async`).
        rule: String,
    },
    /// List every rule with its code, name, default and fix.
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        output_format: ListFormat,
    },
    /// Run the language server over stdio (for editors).
    Server,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check.
    pub paths: Vec<PathBuf>,
    /// Rules to enable (codes, prefixes, names or ALL), replacing the config's `select`.
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Rules to enable in addition.
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Rules to disable.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// How to print findings.
    #[arg(long, value_enum)]
    pub output_format: Option<OutputFormat>,
    /// Use this configuration file.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Ignore all configuration files.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// Apply exclusions to files named explicitly too (for pre-commit).
    #[arg(long)]
    pub force_exclude: bool,
    /// Do not read or write the per-file cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Print findings only, no summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Never use colour.
    #[arg(long)]
    pub no_color: bool,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Apply the safe fixes.
    #[arg(long)]
    pub fix: bool,
    /// Apply the unsafe fixes too (with `--fix` or `--diff`), and count
    /// them as fixable.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing (exit 1 when
    /// there is a diff).
    #[arg(long)]
    pub diff: bool,
    /// Add `# noqa: CODE` comments for every current finding.
    #[arg(long, conflicts_with_all = ["fix", "diff", "write_baseline"])]
    pub add_noqa: bool,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and exit 0).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["fix", "diff"])]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings on lines added or changed since this git revision.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Show every finding in test files too (the config's `test-ignore`
    /// holds some back by default).
    #[arg(long)]
    pub include_tests: bool,
}

/// What `main` turns into an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    Findings,
    Error,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
            Outcome::Error => 2,
        }
    }
}

pub fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rule { rule } => match Rule::from_name(&rule) {
            Some(rule) => {
                print!("{}", rule.meta().doc);
                Outcome::Clean
            }
            None => {
                eprintln!("error: unknown rule `{rule}` (see `pitfalls rules`)");
                Outcome::Error
            }
        },
        Command::Rules { output_format } => {
            list_rules(output_format);
            Outcome::Clean
        }
        Command::Server => match crate::server::run() {
            crate::server::End::Clean => Outcome::Clean,
            crate::server::End::ExitWithoutShutdown => Outcome::Findings,
            crate::server::End::Failed => Outcome::Error,
        },
    }
}

fn list_rules(format: ListFormat) {
    let fix = |f: FixAvailability| match f {
        FixAvailability::None => "none",
        FixAvailability::Safe => "safe",
        FixAvailability::Unsafe => "unsafe",
        FixAvailability::Sometimes => "sometimes",
    };
    match format {
        ListFormat::Text => {
            let mut out = String::new();
            out.push_str(&format!(
                "{:<6} {:<36} {:<8} {:<10} {}\n",
                "code", "name", "default", "fix", "summary"
            ));
            for rule in Rule::ALL {
                let m = rule.meta();
                out.push_str(&format!(
                    "{:<6} {:<36} {:<8} {:<10} {}\n",
                    m.code,
                    m.name,
                    if m.default_on { "on" } else { "off" },
                    fix(m.fix),
                    m.summary
                ));
            }
            print!("{out}");
        }
        ListFormat::Json => {
            let list: Vec<_> = Rule::ALL
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "code": m.code,
                        "name": m.name,
                        "default": if m.default_on { "on" } else { "off" },
                        "fix": fix(m.fix),
                        "summary": m.summary,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list).expect("json"));
        }
    }
}

fn check(args: CheckArgs) -> Outcome {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let config = if args.isolated {
        Ok(None)
    } else if let Some(path) = &args.config {
        settings::load_config(path).map(Some)
    } else {
        settings::find_config(&paths[0])
    };
    let overrides = Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        output_format: args.output_format,
        include_tests: args.include_tests,
    };
    let settings = match config.and_then(|c| Settings::resolve(c, &overrides, &cwd)) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error}");
            return Outcome::Error;
        }
    };
    // Absolute, normalized, sorted.
    let discover = |paths: &[PathBuf], force_exclude: bool| {
        crate::discover::discover(paths, &settings, force_exclude)
    };
    let files = match discover(&paths, args.force_exclude) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("error: {error}");
            return Outcome::Error;
        }
    };
    if files.is_empty() && !args.quiet {
        eprintln!("warning: No Python files found under the given path(s)");
    }
    let root = project_root(&settings, &paths[0]);
    let cache = if args.no_cache {
        None
    } else {
        root.as_deref().and_then(Cache::open)
    };
    // Pre-commit names files: project-wide rules still need the whole
    // project, so it is indexed (from the cache when warm) and only the
    // named files are reported.
    let named_files = paths.iter().any(|p| p.is_file());
    // Outside a configured project or git repository, the packages the named
    // files belong to (their topmost folder with an `__init__.py`) are
    // indexed, so a package checked in a bare folder still sees itself.
    let index_roots: Vec<PathBuf> = match &root {
        Some(root) => vec![root.clone()],
        None => {
            let mut roots: Vec<PathBuf> = files.iter().filter_map(|f| topmost_package(f)).collect();
            roots.sort();
            roots.dedup();
            roots
        }
    };
    let (all_files, report_only) = if named_files && !index_roots.is_empty() {
        // `discover` returns its files sorted and without duplicates: the
        // few named files are inserted in place (sorting the whole project
        // again costs more than the rest of a warm run's discovery).
        let mut all = discover(&index_roots, false).unwrap_or_default();
        for file in &files {
            if let Err(at) = all.binary_search_by(|f| crate::discover::path_order(f, file)) {
                all.insert(at, file.clone());
            }
        }
        (all, Some(files.iter().cloned().collect::<FxHashSet<_>>()))
    } else {
        (files, None)
    };
    let options = RunOptions {
        cache: cache.as_ref(),
        report_only: report_only.as_ref(),
        // The command line exits after its (at most a few) runs.
        leak_index: true,
    };
    let run = || crate::pipeline::check_files_with(&all_files, &settings, &options);
    let mut result = run();
    for note in &result.notes {
        eprintln!(
            "note: {}: {}",
            render::display_path(&note.path, &cwd),
            render::escape::escape_control(&note.message)
        );
    }
    let base = root.clone().unwrap_or_else(|| cwd.clone());

    if let Some(path) = &args.write_baseline {
        return match crate::adopt::write_baseline(path, &result.diagnostics, &base) {
            Ok(n) => {
                if !args.quiet {
                    eprintln!(
                        "Wrote {n} finding{} to the baseline {}.",
                        if n == 1 { "" } else { "s" },
                        path.display()
                    );
                }
                report_errors(&result, &cwd)
            }
            Err(error) => {
                eprintln!("error: {error}");
                Outcome::Error
            }
        };
    }
    let baseline = match args.baseline.as_deref().map(crate::adopt::read_baseline) {
        Some(Ok(baseline)) => Some(baseline),
        Some(Err(error)) => {
            eprintln!("error: {error}");
            return Outcome::Error;
        }
        None => None,
    };
    let changed = match args
        .changed_since
        .as_deref()
        .map(|rev| crate::adopt::changed_since(rev, &paths, &cwd))
    {
        Some(Ok(changed)) => Some(changed),
        Some(Err(error)) => {
            eprintln!("error: {error}");
            return Outcome::Error;
        }
        None => None,
    };
    let filter = |result: &mut crate::pipeline::CheckResult| {
        // The held-back findings too: the summary counts only those the
        // flags would have shown.
        for list in [&mut result.diagnostics, &mut result.held_back] {
            let mut diagnostics = std::mem::take(list);
            if let Some(baseline) = &baseline {
                diagnostics = crate::adopt::filter_baseline(diagnostics, baseline, &base);
            }
            if let Some(changed) = &changed {
                diagnostics.retain(|d| changed.touches(d));
            }
            *list = diagnostics;
        }
    };
    filter(&mut result);

    if args.add_noqa {
        let added = crate::adopt::add_noqa(&result.diagnostics);
        for (path, why) in &added.skipped {
            eprintln!(
                "warning: {}: no noqa comment added: {why}",
                render::display_path(path, &cwd)
            );
        }
        if !args.quiet {
            eprintln!(
                "Added {} noqa directive{} in {} file{}.",
                added.added,
                if added.added == 1 { "" } else { "s" },
                added.files,
                if added.files == 1 { "" } else { "s" }
            );
        }
        return report_errors(&result, &cwd);
    }

    let mut fixed = None;
    if args.fix || args.diff {
        let fixes = fix_files(&result, &settings, args.unsafe_fixes);
        for fix in &fixes {
            for (rule, row, column, message) in &fix.dropped {
                eprintln!(
                    "warning: {}:{row}:{column}: the fix for {} was dropped: the file would no longer parse ({message})",
                    render::display_path(&fix.path, &cwd),
                    rule.code(),
                    message = render::escape::escape_control(message)
                );
            }
        }
        let changed_files: Vec<_> = fixes.iter().filter(|f| f.changed()).collect();
        let count: usize = changed_files.iter().map(|f| f.applied).sum();
        if args.diff {
            let mut out = String::new();
            for fix in &changed_files {
                out.push_str(&crate::fix::unified_diff(
                    &render::display_path(&fix.path, &cwd),
                    &fix.source.text,
                    &fix.fixed,
                ));
            }
            if let Err(error) = emit(&out, args.output_file.as_deref()) {
                eprintln!("error: {error}");
                return Outcome::Error;
            }
            if !args.quiet {
                if count > 0 {
                    eprintln!(
                        "Would fix {count} problem{}.",
                        if count == 1 { "" } else { "s" }
                    );
                } else {
                    eprintln!("No fixes available.");
                }
            }
            return if !result.errors.is_empty() {
                report_errors(&result, &cwd)
            } else if changed_files.is_empty() {
                Outcome::Clean
            } else {
                Outcome::Findings
            };
        }
        let mut write_failed = false;
        for fix in &changed_files {
            let written = crate::fix::encode(&fix.fixed, &fix.source)
                .ok_or_else(|| {
                    "the fixed text cannot be written in the file's encoding".to_string()
                })
                .and_then(|bytes| {
                    crate::fix::write_source(&fix.path, &bytes).map_err(|e| e.to_string())
                });
            if let Err(error) = written {
                eprintln!(
                    "error: {}: cannot write the fixes: {error}",
                    render::display_path(&fix.path, &cwd)
                );
                write_failed = true;
            }
        }
        if write_failed {
            return Outcome::Error;
        }
        if !changed_files.is_empty() {
            // What is left: check again (only fixed files miss the cache).
            result = run();
            filter(&mut result);
        }
        fixed = Some(count);
    }

    let color = args.output_file.is_none()
        && !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal();
    let render_options = RenderOptions {
        format: settings.output_format,
        color,
        quiet: args.quiet,
        cwd: cwd.clone(),
        fixed,
        unsafe_fixes: args.unsafe_fixes,
    };
    let rendered = if args.statistics {
        render::statistics(&result, &render_options)
    } else {
        render::render(&result, &render_options)
    };
    if let Err(error) = emit(&rendered, args.output_file.as_deref()) {
        eprintln!("error: {error}");
        return Outcome::Error;
    }
    let text_format = matches!(
        settings.output_format,
        OutputFormat::Full | OutputFormat::Concise
    );
    // The text formats print it in their summary; the others keep their
    // output machine-readable.
    if let Some(n) = fixed.filter(|n| *n > 0)
        && !args.quiet
        && !text_format
    {
        eprintln!("Fixed {n} problem{}.", if n == 1 { "" } else { "s" });
    }
    if !result.errors.is_empty() {
        report_errors(&result, &cwd)
    } else if result.diagnostics.is_empty() || args.exit_zero {
        Outcome::Clean
    } else {
        Outcome::Findings
    }
}

/// Prints the files that could not be checked; exit 2 when there are any.
fn report_errors(result: &crate::pipeline::CheckResult, cwd: &std::path::Path) -> Outcome {
    for error in &result.errors {
        eprintln!(
            "error: {}: {}",
            render::display_path(&error.path, cwd),
            render::escape::escape_control(&error.message)
        );
    }
    if result.errors.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Error
    }
}

/// Writes the report to `--output-file` (creating its folder) or stdout.
fn emit(text: &str, file: Option<&std::path::Path>) -> Result<(), String> {
    match file {
        Some(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
            Ok(())
        }
    }
}

/// The fix loop over every file that has a finding with an applicable fix.
fn fix_files(
    result: &crate::pipeline::CheckResult,
    settings: &Settings,
    unsafe_fixes: bool,
) -> Vec<crate::fix::FileFix> {
    use rayon::prelude::*;
    let mut paths: Vec<&std::path::Path> = result
        .diagnostics
        .iter()
        .filter(|d| crate::fix::applicable(&d.finding, unsafe_fixes).is_some())
        .map(|d| d.path.as_path())
        .collect();
    paths.dedup();
    let mut namer = crate::semantic::module_name::ModuleNamer::new(settings.src.clone());
    let jobs: Vec<_> = paths
        .into_iter()
        .map(|path| {
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
            // What a test file does not show, it does not fix either.
            let mut file_settings = settings.for_file(path);
            for rule in settings.held_back(path).iter() {
                file_settings.rules.remove(rule);
            }
            let confirmed: Vec<(crate::registry::Rule, String)> = result
                .diagnostics
                .iter()
                .filter(|d| d.path == path)
                .map(|d| (d.finding.rule, d.finding.message.clone()))
                .collect();
            (path, namer.module_name(&absolute), file_settings, confirmed)
        })
        .collect();
    crate::pipeline::in_worker_pool(|| {
        jobs.into_par_iter()
            .filter_map(|(path, module, file_settings, confirmed)| {
                let source = crate::source::read_source(path).ok()?;
                Some(crate::fix::fix_text(
                    path,
                    source,
                    &module,
                    &file_settings,
                    unsafe_fixes,
                    &confirmed,
                ))
            })
            .collect()
    })
}

/// The project a run belongs to: the configuration file's folder, else the
/// enclosing git repository's root. `None` outside both.
fn project_root(settings: &Settings, first: &std::path::Path) -> Option<PathBuf> {
    if let Some(config) = &settings.config_file {
        return config.parent().map(std::path::Path::to_path_buf);
    }
    let start = std::path::absolute(first).ok()?;
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(std::path::Path::to_path_buf)
}

/// The outermost folder above `file` that is a package (has an
/// `__init__.py`), if `file` is in one.
fn topmost_package(file: &std::path::Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .take_while(|dir| dir.join("__init__.py").is_file())
        .last()
        .map(std::path::Path::to_path_buf)
}
