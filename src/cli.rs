//! The command line (CLI.md). `main.rs` only parses these and maps the
//! result of [`run`] to an exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use rustc_hash::FxHashSet;

use crate::cache::Cache;
use crate::pipeline::RunOptions;
use crate::render::{self, RenderOptions};
use crate::rules::{FixAvailability, Rule};
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
    }
}

fn list_rules(format: ListFormat) {
    let fix = |f: FixAvailability| match f {
        FixAvailability::None => "none",
        FixAvailability::Safe => "safe",
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
    };
    let settings = match config.and_then(|c| Settings::resolve(c, &overrides, &cwd)) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error}");
            return Outcome::Error;
        }
    };
    let discover = |paths: &[PathBuf], force_exclude: bool| {
        crate::discover::discover(paths, &settings, force_exclude).map(|files| {
            files
                .iter()
                .map(|f| crate::discover::normalize(f))
                .collect::<Vec<_>>()
        })
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
    let (all_files, report_only) = match &root {
        Some(root) if named_files => {
            let mut all = discover(std::slice::from_ref(root), false).unwrap_or_default();
            all.extend(files.iter().cloned());
            all.sort();
            all.dedup();
            (all, Some(files.iter().cloned().collect::<FxHashSet<_>>()))
        }
        _ => (files, None),
    };
    let options = RunOptions {
        cache: cache.as_ref(),
        report_only: report_only.as_ref(),
    };
    let result = crate::pipeline::check_files_with(&all_files, &settings, &options);

    let color = !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal();
    let render_options = RenderOptions {
        format: settings.output_format,
        color,
        quiet: args.quiet,
        cwd,
    };
    let rendered = render::render(&result, &render_options);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(rendered.as_bytes());
    let _ = stdout.flush();
    for error in &result.errors {
        eprintln!(
            "error: {}: {}",
            render::display_path(&error.path, &render_options.cwd),
            error.message
        );
    }
    if !result.errors.is_empty() {
        Outcome::Error
    } else if result.diagnostics.is_empty() || args.exit_zero {
        Outcome::Clean
    } else {
        Outcome::Findings
    }
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
