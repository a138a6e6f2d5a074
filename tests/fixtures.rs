//! Runs every fixture folder (`fixtures/<CODE>/`) as one small project with
//! every rule on, and compares the findings with the `# error: CODE` markers:
//! a missing or an extra finding fails the test. A folder with a
//! `pitfalls.toml` is checked with that configuration (and every rule).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pitfalls::settings::{Overrides, Settings};

/// `(file, row, code)`.
type Expected = BTreeSet<(PathBuf, u32, String)>;

fn markers(path: &Path) -> Expected {
    let text = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&text);
    let mut out = Expected::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.rfind("# error:") {
            for code in line[at + "# error:".len()..].split(',') {
                let code = code.trim();
                if !code.is_empty() {
                    out.insert((path.to_path_buf(), i as u32 + 1, code.to_string()));
                }
            }
        }
    }
    out
}

/// Checks one fixture folder as a project with every rule on; returns its
/// files and the result.
fn run_folder(dir: &Path) -> (Vec<PathBuf>, pitfalls::pipeline::CheckResult) {
    let overrides = Overrides {
        select: Some(vec!["ALL".into()]),
        // Fixtures are judged by their markers, whatever their file names.
        include_tests: true,
        ..Default::default()
    };
    // A folder may carry its own configuration (PF106's `blocking-calls`);
    // every rule is still selected.
    let config_path = dir.join("pitfalls.toml");
    let config = config_path
        .is_file()
        .then(|| pitfalls::settings::load_config(&config_path).unwrap());
    let settings = Settings::resolve(config, &overrides, dir).unwrap();
    let files = pitfalls::discover::discover(&[dir.to_path_buf()], &settings, false).unwrap();
    assert!(!files.is_empty(), "{} has no fixture", dir.display());
    let result = pitfalls::pipeline::check_files(&files, &settings);
    (files, result)
}

fn check_folder(dir: &Path) -> Result<usize, String> {
    let (files, result) = run_folder(dir);
    if !result.errors.is_empty() {
        return Err(format!("{:?}", result.errors));
    }
    // Markers of codes not registered yet (a rule of a later family) are
    // not checked until that rule exists.
    let registered = |code: &str| pitfalls::registry::Rule::from_code(code).is_some();
    let mut expected = Expected::new();
    for file in &files {
        expected.extend(
            markers(file)
                .into_iter()
                .filter(|(_, _, code)| registered(code)),
        );
    }
    let mut messages = std::collections::BTreeMap::new();
    let actual: Expected = result
        .diagnostics
        .iter()
        .map(|d| {
            let key = (
                d.path.clone(),
                d.finding.span.location.row,
                d.finding.rule.code().to_string(),
            );
            messages.insert(key.clone(), d.finding.message.clone());
            key
        })
        .collect();
    let mut problems = Vec::new();
    for (path, row, code) in expected.difference(&actual) {
        problems.push(format!("missing: {}:{row}: {code}", path.display()));
    }
    for key in actual.difference(&expected) {
        let (path, row, code) = key;
        problems.push(format!(
            "extra:   {}:{row}: {code} {}",
            path.display(),
            messages[key]
        ));
    }
    if problems.is_empty() {
        Ok(expected.len())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn every_fixture_matches_its_markers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("PF"))
        })
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    let mut total = 0;
    for dir in &dirs {
        match check_folder(dir) {
            Ok(n) => total += n,
            Err(problems) => failures.push(format!("{}:\n{problems}", dir.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n\n")
    );
    assert!(total > 0, "no marker was checked");
}

/// Every rule has a doc and a fixture folder with at least one positive case.
#[test]
fn every_rule_has_doc_and_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for rule in pitfalls::registry::Rule::ALL {
        let code = rule.code();
        let dir = root.join("fixtures").join(code);
        assert!(dir.is_dir(), "{code} has no fixtures/{code}/");
        let positives: usize = python_files(&dir)
            .iter()
            .map(|p| markers(p).iter().filter(|(_, _, c)| c == code).count())
            .sum();
        assert!(positives > 0, "{code} has no positive fixture");
        assert!(root.join("rules").join(format!("{code}.md")).is_file());
    }
}

fn python_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(python_files(&path));
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
    out
}

/// The whole rendering of one fixture folder, pinned: every finding's
/// span (row:col-row:col), code, message, labels, and its fix as the diff it
/// makes to the file. A changed message, column, label or fix shows up as a
/// snapshot difference (`cargo insta review`).
fn render_folder(dir: &Path) -> String {
    use std::fmt::Write;
    let (_, result) = run_folder(dir);
    let mut diagnostics: Vec<_> = result.diagnostics.iter().collect();
    diagnostics.sort_by(|a, b| {
        (&a.path, a.finding.span.location, a.finding.rule.code()).cmp(&(
            &b.path,
            b.finding.span.location,
            b.finding.rule.code(),
        ))
    });
    let mut out = String::new();
    for d in diagnostics {
        let f = &d.finding;
        let rel = d.path.strip_prefix(dir).unwrap_or(&d.path);
        let rel = rel.to_string_lossy().replace('\\', "/");
        let (s, e) = (f.span.location, f.span.end_location);
        writeln!(
            out,
            "{rel}:{}:{}-{}:{}: {} {}",
            s.row,
            s.column,
            e.row,
            e.column,
            f.rule.code(),
            f.message
        )
        .unwrap();
        for label in &f.labels {
            let l = label.span.location;
            writeln!(out, "    label {}:{}: {}", l.row, l.column, label.message).unwrap();
        }
        if let Some(fix) = &f.fix {
            let applicability = match fix.applicability {
                pitfalls::finding::Applicability::Safe => "safe",
                pitfalls::finding::Applicability::Unsafe => "unsafe",
            };
            writeln!(out, "    fix ({applicability}): {}", fix.message).unwrap();
            let text = pitfalls::source::read_source(&d.path).unwrap().text;
            let (fixed, _) = pitfalls::fix::apply_fixes(&text, &[fix]);
            for line in pitfalls::fix::unified_diff(&rel, &text, &fixed).lines() {
                writeln!(out, "    | {line}").unwrap();
            }
        }
    }
    for e in &result.errors {
        writeln!(out, "error: {}: {}", e.path.display(), e.message).unwrap();
    }
    out
}

/// One snapshot per rule (`tests/snapshots/fixtures__CODE.snap`), for every
/// code in the registry: a rule without a snapshot fails here.
#[test]
fn every_rule_output_is_pinned() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut failures = Vec::new();
    for rule in pitfalls::registry::Rule::ALL {
        let code = rule.code();
        let dir = root.join(code);
        let rendered = render_folder(&dir);
        let outcome = std::panic::catch_unwind(|| {
            insta::with_settings!({ prepend_module_to_snapshot => true, omit_expression => true }, {
                insta::assert_snapshot!(code, rendered);
            });
        });
        if outcome.is_err() {
            failures.push(code);
        }
    }
    assert!(
        failures.is_empty(),
        "snapshots differ for {failures:?} (run `cargo insta review`)"
    );
}
