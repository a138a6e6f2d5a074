//! End-to-end tests of issue 6 (CLI.md "Output", "Fixes", "Adopting it"):
//! each test writes a small project into a temporary folder and runs the
//! built `pitfalls` binary in it.
//!
//! - formats: `github`, `sarif` (validated against the official SARIF 2.1.0
//!   schema vendored in `tests/data/`), `junit` (parsed as XML),
//!   `json-lines`, `--statistics`, `--output-file`;
//! - fixes: `--diff`, `--fix`, `--unsafe-fixes` (PF300 with every import
//!   style, PF504), encodings, BOM, CRLF, permissions, idempotence, a fix
//!   that would break the syntax;
//! - adoption: `--add-noqa`, `--write-baseline`/`--baseline`,
//!   `--changed-since`, PF002.

use std::path::Path;

use serde_json::Value;

mod common;
use common::{Project, Run, assert_code, parse_json};

/// A PF101 on line 4, column 5.
const SLEEP: &str = "import time\n\nasync def h():\n    time.sleep(1)\n";

/// A decorator without `functools.wraps` (PF300 at the wrapper, 3:9) and a
/// `sum([...])` (PF504, safe fix).
const WRAPS_AND_SUM: &str = "\
import time


def timed(func):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            print(time.perf_counter() - start)
    return wrapper


def total(rows):
    return sum([r.amount for r in rows])
";

const WRAPS_AND_SUM_FIXED: &str = "\
import time
import functools


def timed(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            print(time.perf_counter() - start)
    return wrapper


def total(rows):
    return sum(r.amount for r in rows)
";

/// `check` helpers of this file (no cache: every run starts clean).
impl Project {
    /// `check --no-color --no-cache --extend-select PF504 ARGS` (PF504, off
    /// by default, has the safe fix these tests apply).
    fn check(&self, args: &[&str]) -> Run {
        let mut all = vec![
            "check",
            "--no-color",
            "--no-cache",
            "--extend-select",
            "PF504",
        ];
        all.extend_from_slice(args);
        self.run(&all)
    }

    fn concise(&self, args: &[&str]) -> Run {
        let mut all = vec!["--output-format", "concise"];
        all.extend_from_slice(args);
        self.check(&all)
    }
}

/// The concise lines (no summary).
fn findings(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .filter(|l| l.contains(": PF"))
        .map(str::to_string)
        .collect()
}

/// Does the file parse, as Python itself sees it (PF001 is never reported)?
#[track_caller]
fn assert_parses(p: &Project, rel: &str) {
    let run = p.run(&["check", "--no-cache", "--select", "PF001", rel]);
    assert_code(&run, 0);
}

// ---------------------------------------------------------------------------
// 1. Formats

#[test]
fn github_format_has_file_line_and_column() {
    let p = Project::new();
    p.write("app/views.py", SLEEP);
    let run = p.check(&["--output-format", "github"]);
    assert_code(&run, 1);
    assert_eq!(
        run.stdout,
        "::error title=pitfalls (PF101),file=app/views.py,line=4,col=5,endLine=4,endColumn=18::PF101 `time.sleep` blocks the event loop inside `async def h`\n"
    );
}

#[test]
fn github_format_escapes_properties_and_data() {
    let p = Project::new();
    p.write("a,b:c.py", SLEEP);
    let run = p.check(&["--output-format", "github"]);
    assert_code(&run, 1);
    assert!(
        run.stdout.contains("file=a%2Cb%3Ac.py,line=4"),
        "{}",
        run.stdout
    );
}

fn sarif_schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    parse_json(&std::fs::read_to_string(path).unwrap())
}

#[track_caller]
fn assert_valid_sarif(sarif: &Value) {
    let schema = sarif_schema();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}

/// The schema check is not vacuous: a result without a message fails it.
#[test]
fn sarif_schema_rejects_a_broken_log() {
    let p = Project::new();
    p.write("a.py", SLEEP);
    let mut sarif = parse_json(&p.check(&["--output-format", "sarif"]).stdout);
    sarif["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    let schema = sarif_schema();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .unwrap();
    assert!(!validator.is_valid(&sarif));
}

#[test]
fn sarif_validates_against_the_schema_with_rules_and_locations() {
    let p = Project::new();
    p.write("app/views.py", SLEEP);
    p.write("app/deco.py", WRAPS_AND_SUM);
    p.write("app/clean.py", "x = 1\n");
    let run = p.check(&["--output-format", "sarif"]);
    assert_code(&run, 1);
    let sarif = parse_json(&run.stdout);
    assert_valid_sarif(&sarif);
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    let driver = &run0["tool"]["driver"];
    assert_eq!(driver["name"], "pitfalls");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        vec!["PF101", "PF300", "PF504"],
        "one entry per rule that appears"
    );
    let pf101 = &rules[0];
    assert_eq!(pf101["name"], "blocking-sleep-in-async");
    assert!(
        !pf101["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert!(
        pf101["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("time.sleep"),
        "{}",
        pf101["fullDescription"]
    );
    assert!(
        pf101["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("rules/PF101.md")
    );
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let sleep = results
        .iter()
        .find(|r| r["ruleId"] == "PF101")
        .expect("the PF101 result");
    assert_eq!(sleep["level"], "error");
    assert_eq!(
        sleep["message"]["text"],
        "`time.sleep` blocks the event loop inside `async def h`"
    );
    assert_eq!(
        rules[sleep["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "PF101"
    );
    let location = &sleep["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "app/views.py");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let region = &location["region"];
    assert_eq!(
        (
            &region["startLine"],
            &region["startColumn"],
            &region["endLine"],
            &region["endColumn"]
        ),
        (
            &Value::from(4),
            &Value::from(5),
            &Value::from(4),
            &Value::from(18)
        )
    );
    let base = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with("/project/"),
        "{base}"
    );
}

#[test]
fn sarif_of_a_clean_run_and_of_odd_paths_is_valid() {
    let p = Project::new();
    p.write("clean.py", "x = 1\n");
    let run = p.check(&["--output-format", "sarif"]);
    assert_code(&run, 0);
    let sarif = parse_json(&run.stdout);
    assert_valid_sarif(&sarif);
    assert_eq!(sarif["runs"][0]["results"], Value::Array(vec![]));
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"],
        Value::Array(vec![])
    );

    p.write("my dir/é.py", SLEEP);
    let run = p.check(&["--output-format", "sarif"]);
    let sarif = parse_json(&run.stdout);
    assert_valid_sarif(&sarif);
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "my%20dir/%C3%A9.py"
    );
}

#[test]
fn junit_is_xml_with_one_failure_per_finding() {
    let p = Project::new();
    p.write("app/views.py", SLEEP);
    p.write("app/deco.py", WRAPS_AND_SUM);
    // Markup in a path and in a message is escaped.
    p.write(
        "a&<b>.py",
        "import time\n\nasync def h_\u{e9}():\n    time.sleep(1)\n",
    );
    let run = p.check(&["--output-format", "junit"]);
    assert_code(&run, 1);
    let doc = roxmltree::Document::parse(&run.stdout)
        .unwrap_or_else(|e| panic!("invalid XML ({e}):\n{}", run.stdout));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("failures"), Some("4"));
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 4);
    for case in &cases {
        let failures: Vec<_> = case
            .children()
            .filter(|n| n.has_tag_name("failure"))
            .collect();
        assert_eq!(failures.len(), 1, "one failure per test case");
    }
    let odd = cases
        .iter()
        .find(|c| c.attribute("classname") == Some("a&<b>.py"))
        .expect("the escaped path round-trips");
    let failure = odd.children().find(|n| n.has_tag_name("failure")).unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("`time.sleep` blocks the event loop inside `async def h_\u{e9}`")
    );
    assert_eq!(failure.attribute("type"), Some("PF101"));
    assert!(failure.text().unwrap().starts_with("a&<b>.py:4:5: PF101"));

    // A clean run is one passing test case.
    let clean = Project::new();
    clean.write("ok.py", "x = 1\n");
    let run = clean.check(&["--output-format", "junit"]);
    assert_code(&run, 0);
    let doc = roxmltree::Document::parse(&run.stdout).unwrap();
    assert_eq!(doc.root_element().attribute("failures"), Some("0"));
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count(),
        0
    );
}

#[test]
fn json_lines_is_one_object_per_finding() {
    let p = Project::new();
    p.write("a.py", SLEEP);
    p.write("b.py", WRAPS_AND_SUM);
    let run = p.check(&["--output-format", "json-lines"]);
    assert_code(&run, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    let objects: Vec<Value> = lines.iter().map(|l| parse_json(l)).collect();
    let codes: Vec<&str> = objects
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["PF101", "PF300", "PF504"]);
    for o in &objects {
        for key in [
            "message",
            "filename",
            "location",
            "end_location",
            "noqa_row",
            "fix",
        ] {
            assert!(o.get(key).is_some(), "{key} missing in {o}");
        }
    }
    // The same objects as the `json` array.
    let json = p.check(&["--output-format", "json"]);
    assert_eq!(parse_json(&json.stdout), Value::Array(objects));
}

#[test]
fn statistics_counts_findings_per_rule() {
    let p = Project::new();
    p.write("a.py", SLEEP);
    p.write("b.py", SLEEP);
    p.write("c.py", WRAPS_AND_SUM);
    let run = p.check(&["--statistics"]);
    assert_code(&run, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        vec![
            "2\tPF101\tblocking-sleep-in-async",
            "1\tPF300\t[*] missing-functools-wraps",
            "1\tPF504\t[*] list-comprehension-in-reducer",
            "Found 4 problems (2 fixable with --fix).",
        ]
    );
    let run = p.check(&["--statistics", "--output-format", "json"]);
    let stats = parse_json(&run.stdout);
    assert_eq!(stats[0]["code"], "PF101");
    assert_eq!(stats[0]["name"], "blocking-sleep-in-async");
    assert_eq!(stats[0]["count"], 2);
    assert_eq!(stats[1]["fixable"], true);
}

#[test]
fn output_file_receives_the_report() {
    let p = Project::new();
    p.write("a.py", SLEEP);
    let run = p.check(&[
        "--output-format",
        "sarif",
        "--output-file",
        "reports/out.sarif",
    ]);
    assert_code(&run, 1);
    assert_eq!(run.stdout, "");
    let sarif = parse_json(&p.read("reports/out.sarif"));
    assert_valid_sarif(&sarif);
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "PF101");
}

#[test]
fn full_summary_counts_fixable_findings() {
    let p = Project::new();
    p.write("a.py", WRAPS_AND_SUM);
    p.write("b.py", "def f(xs):\n    return any([x for x in xs])\n");
    let run = p.check(&[]);
    assert_code(&run, 1);
    assert!(
        run.stdout
            .contains("Found 3 problems (2 fixable with --fix).\n1 more fix is available with --unsafe-fixes.\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Add `@functools.wraps(func)` (fix available)"),
        "the fix is the help line:\n{}",
        run.stdout
    );
}

// ---------------------------------------------------------------------------
// 2. Fixes

#[test]
fn diff_prints_the_fixes_and_writes_nothing() {
    let p = Project::new();
    p.write("deco.py", WRAPS_AND_SUM);
    let run = p.check(&["--diff"]);
    assert_code(&run, 1);
    assert_eq!(p.read("deco.py"), WRAPS_AND_SUM, "--diff writes nothing");
    assert!(
        run.stdout.starts_with("--- a/deco.py\n+++ b/deco.py\n"),
        "{}",
        run.stdout
    );
    for line in [
        "+import functools\n",
        "+    @functools.wraps(func)\n",
        "-    return sum([r.amount for r in rows])\n",
        "+    return sum(r.amount for r in rows)\n",
    ] {
        assert!(run.stdout.contains(line), "{line:?} in\n{}", run.stdout);
    }
    assert!(
        run.stderr.contains("Would fix 2 problems."),
        "{}",
        run.stderr
    );

    // The diff applies as a patch and gives what --fix writes.
    let fixed = Project::new();
    fixed.write("deco.py", WRAPS_AND_SUM);
    assert_code(&fixed.check(&["--fix"]), 0);
    assert_eq!(fixed.read("deco.py"), WRAPS_AND_SUM_FIXED);

    // Nothing to fix: no diff, exit 0.
    let clean = Project::new();
    clean.write("a.py", SLEEP);
    let run = clean.check(&["--diff"]);
    assert_code(&run, 0);
    assert_eq!(run.stdout, "");
}

#[cfg(unix)]
#[test]
fn fix_adds_wraps_and_import_unwraps_sum_and_keeps_mode_and_crlf() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new();
    let crlf = WRAPS_AND_SUM.replace('\n', "\r\n");
    p.write("deco.py", &crlf);
    std::fs::set_permissions(
        p.root.join("deco.py"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    let run = p.concise(&["--fix"]);
    assert_code(&run, 0);
    assert_eq!(run.stdout, "Fixed 2 problems.\nAll checks passed!\n");
    let after = p.read("deco.py");
    assert_eq!(after, WRAPS_AND_SUM_FIXED.replace('\n', "\r\n"));
    assert!(
        !after.replace("\r\n", "").contains('\n'),
        "no bare LF added"
    );
    let mode = std::fs::metadata(p.root.join("deco.py"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_parses(&p, "deco.py");
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(&p.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".pitfalls_cache"))
        .collect();
    assert_eq!(names, vec!["deco.py"]);

    // A second --fix changes nothing.
    let run = p.concise(&["--fix"]);
    assert_code(&run, 0);
    assert_eq!(run.stdout, "All checks passed!\n");
    assert_eq!(p.read("deco.py"), after);
}

#[test]
fn fix_reports_what_remains() {
    let p = Project::new();
    p.write(
        "a.py",
        format!("{SLEEP}\n\ndef f(xs):\n    return min([x for x in xs])\n"),
    );
    let run = p.concise(&["--fix"]);
    assert_code(&run, 1);
    assert_eq!(
        run.stdout,
        "a.py:4:5: PF101 `time.sleep` blocks the event loop inside `async def h`\nFixed 1 problem.\nFound 1 problem.\n"
    );
    // Machine-readable formats stay clean: the count goes to stderr.
    p.write("b.py", "def g(xs):\n    return max([x for x in xs])\n");
    let run = p.check(&["--fix", "--output-format", "json"]);
    assert_code(&run, 1);
    let remaining = parse_json(&run.stdout);
    assert_eq!(remaining.as_array().unwrap().len(), 1);
    assert!(run.stderr.contains("Fixed 1 problem."), "{}", run.stderr);
}

#[test]
fn unsafe_fixes_only_with_the_flag() {
    let p = Project::new();
    let src = "def f(xs):\n    return any([x for x in xs]), sum([x for x in xs])\n";
    p.write("a.py", src);
    assert_code(&p.concise(&["--fix"]), 1);
    assert_eq!(
        p.read("a.py"),
        "def f(xs):\n    return any([x for x in xs]), sum(x for x in xs)\n"
    );
    let run = p.concise(&["--fix", "--unsafe-fixes"]);
    assert_code(&run, 0);
    assert_eq!(
        p.read("a.py"),
        "def f(xs):\n    return any(x for x in xs), sum(x for x in xs)\n"
    );
}

/// Writes `src`, runs `--fix`, and returns the fixed file (which must parse
/// and be clean of PF300).
fn fixed(src: &str) -> String {
    let p = Project::new();
    p.write("m.py", src);
    let run = p.concise(&["--fix", "--select", "PF300"]);
    assert_code(&run, 0);
    assert_parses(&p, "m.py");
    p.read("m.py")
}

#[test]
fn pf300_fix_follows_the_import_style() {
    // A generic wrapper (`*a, **k` passed on): a decorator whatever applies it.
    let body =
        "def deco(f):\n    def wrapper(*a, **k):\n        return f(*a, **k)\n    return wrapper\n";
    // `import functools` present.
    assert_eq!(
        fixed(&format!("import functools\n\n\n{body}")),
        format!(
            "import functools\n\n\ndef deco(f):\n    @functools.wraps(f)\n    def wrapper(*a, **k):\n        return f(*a, **k)\n    return wrapper\n"
        )
    );
    // An alias.
    assert!(
        fixed(&format!("import functools as ft\n\n\n{body}"))
            .contains("    @ft.wraps(f)\n    def wrapper")
    );
    // `wraps` already imported (also under another name).
    let out = fixed(&format!("from functools import wraps\n\n\n{body}"));
    assert!(
        out.starts_with("from functools import wraps\n\n\n"),
        "{out}"
    );
    assert!(out.contains("    @wraps(f)\n    def wrapper"), "{out}");
    assert!(
        fixed(&format!("from functools import wraps as w\n\n\n{body}")).contains("    @w(f)\n")
    );
    // `from functools import …` without it: `wraps` joins the list, in order.
    let out = fixed(&format!("from functools import partial\n\n\n{body}"));
    assert!(
        out.starts_with("from functools import partial, wraps\n"),
        "{out}"
    );
    assert!(out.contains("    @wraps(f)\n"), "{out}");
    let out = fixed(&format!(
        "from functools import cache, reduce, update_wrapper as uw\n\n\n{body}"
    ));
    assert!(
        out.starts_with("from functools import cache, reduce, update_wrapper as uw, wraps\n"),
        "{out}"
    );
    let out = fixed(&format!(
        "from functools import (\n    cache,\n    zzz_helper,\n)\n\n\n{body}"
    ));
    assert!(
        out.starts_with("from functools import (\n    cache,\n    wraps, zzz_helper,\n)\n"),
        "{out}"
    );
    // Nothing imported: after the docstring, `__future__` and other imports.
    let out = fixed(&format!(
        "#!/usr/bin/env python\n\"\"\"Module doc.\"\"\"\nfrom __future__ import annotations\n\nimport os\nimport sys\n\nX = 1\n\n\n{body}"
    ));
    assert!(
        out.starts_with("#!/usr/bin/env python\n\"\"\"Module doc.\"\"\"\nfrom __future__ import annotations\n\nimport os\nimport sys\nimport functools\n\nX = 1\n"),
        "{out}"
    );
    // Only a docstring.
    let out = fixed(&format!("\"\"\"Doc.\"\"\"\n\n\n{body}"));
    assert!(
        out.starts_with("\"\"\"Doc.\"\"\"\n\nimport functools\n\n\ndef deco"),
        "{out}"
    );
    // Nothing at all but a comment: below it.
    let out = fixed(&format!("# header\n{body}"));
    assert!(
        out.starts_with("# header\nimport functools\n\ndef deco(f):\n    @functools.wraps(f)\n"),
        "{out}"
    );
}

#[test]
fn pf300_fix_goes_below_existing_decorators_and_handles_factories() {
    let src = "\
import functools
import contextlib


def retry(times):
    def decorator(fn):
        @contextlib.contextmanager
        async def wrapper(*a, **k):
            return await fn(*a, **k)
        return wrapper
    return decorator


def log(f):
    def inner(*a, **k):
        return f(*a, **k)
    return inner
";
    let out = fixed(src);
    assert!(
        out.contains("        @contextlib.contextmanager\n        @functools.wraps(fn)\n        async def wrapper(*a, **k):\n"),
        "{out}"
    );
    assert!(
        out.contains("    @functools.wraps(f)\n    def inner(*a, **k):\n"),
        "{out}"
    );
    assert_eq!(out.matches("import functools").count(), 1);
}

#[test]
fn two_wrappers_share_one_added_import() {
    let src = "\
def a(f):
    def w(*x):
        return f(*x)
    return w


def b(g):
    def w(*x):
        return g(*x)
    return w


# Fixed-signature wrappers: decorators because they are applied.
@a
def c():
    pass


@b
def d():
    pass
";
    let p = Project::new();
    p.write("m.py", src);
    let run = p.concise(&["--fix"]);
    assert_code(&run, 0);
    assert!(
        run.stdout.starts_with("Fixed 2 problems."),
        "{}",
        run.stdout
    );
    let out = p.read("m.py");
    assert_eq!(out.matches("import functools").count(), 1, "{out}");
    assert!(out.contains("    @functools.wraps(f)\n") && out.contains("    @functools.wraps(g)\n"));
}

#[test]
fn fix_keeps_bom_and_pep263_encoding() {
    let p = Project::new();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice("s = 'é'\n\n\ndef f(xs):\n    return sum([x for x in xs])\n".as_bytes());
    p.write("bom.py", &bom);
    let latin =
        b"# -*- coding: latin-1 -*-\ns = '\xe9'\n\n\ndef f(xs):\n    return sum([x for x in xs])\n";
    p.write("latin.py", latin);
    let run = p.concise(&["--fix"]);
    assert_code(&run, 0);
    let mut expected = b"\xEF\xBB\xBF".to_vec();
    expected
        .extend_from_slice("s = 'é'\n\n\ndef f(xs):\n    return sum(x for x in xs)\n".as_bytes());
    assert_eq!(p.bytes("bom.py"), expected);
    assert_eq!(
        p.bytes("latin.py"),
        b"# -*- coding: latin-1 -*-\ns = '\xe9'\n\n\ndef f(xs):\n    return sum(x for x in xs)\n"
    );
}

#[test]
fn fix_that_would_break_the_syntax_is_dropped_and_reported() {
    let p = Project::new();
    // The test hook makes PF504's fixes insert an unbalanced `(`; PF501's
    // fix is still applied.
    let src = "def f(xs, path):\n    a = sum([x for x in xs])\n    with open(path) as fh:\n        for line in fh.readlines():\n            a += len(line)\n    return a\n";
    p.write("a.py", src);
    let mut cmd = p.command(&[
        "check",
        "--no-color",
        "--output-format",
        "concise",
        "--extend-select",
        "PF504",
        "--fix",
    ]);
    cmd.env("PITFALLS_TEST_BREAK_FIXES", "PF504");
    let run = common::run_command(cmd);
    assert!(
        run.stderr
            .contains("a.py:2:13: the fix for PF504 was dropped"),
        "{}",
        run.stderr
    );
    assert_code(&run, 1);
    assert_eq!(
        p.read("a.py"),
        "def f(xs, path):\n    a = sum([x for x in xs])\n    with open(path) as fh:\n        for line in fh:\n            a += len(line)\n    return a\n"
    );
    assert_parses(&p, "a.py");
}

#[test]
fn generator_before_a_trailing_comma_keeps_its_parentheses() {
    let p = Project::new();
    // `sum(x for x in xs,)` is a SyntaxError; the fix keeps the call valid
    // (found by the fuzzer).
    p.write("a.py", "def f(xs):\n    return sum([x for x in xs],)\n");
    let run = p.concise(&["--fix"]);
    assert_code(&run, 0);
    assert_eq!(
        p.read("a.py"),
        "def f(xs):\n    return sum((x for x in xs),)\n"
    );
    assert_parses(&p, "a.py");
}

#[test]
fn pf500_pf504_fix_leaves_no_whitespace_only_line() {
    let p = Project::new();
    let src = "def f(xs, ys):\n    a = tuple(\n        [\n            x for x in xs\n        ]\n    )\n    b = tuple([\n        y for y in ys\n    ])\n    return a, b, any(\r\n        [\r\n            x for x in ys\r\n        ]\r\n    )\n";
    p.write("m.py", src);
    let run = p.concise(&["--fix", "--unsafe-fixes", "--select", "PF500,PF504"]);
    assert_code(&run, 0);
    assert_eq!(
        p.read("m.py"),
        "def f(xs, ys):\n    a = tuple(\n            x for x in xs\n    )\n    b = tuple(\n        y for y in ys\n    )\n    return a, b, any(\r\n            x for x in ys\r\n    )\n"
    );
    assert_parses(&p, "m.py");
}

#[test]
fn pf501_fix_iterates_the_file() {
    let p = Project::new();
    p.write(
        "a.py",
        "def count(path):\n    n = 0\n    with open(path) as f:\n        for line in f.readlines():\n            n += len(line)\n    return n\n",
    );
    let run = p.concise(&["--fix"]);
    assert_code(&run, 0);
    assert_eq!(
        p.read("a.py"),
        "def count(path):\n    n = 0\n    with open(path) as f:\n        for line in f:\n            n += len(line)\n    return n\n"
    );
}

#[test]
fn noqa_suppressed_findings_are_not_fixed() {
    let p = Project::new();
    let src = "def f(xs):\n    return sum([x for x in xs])  # noqa: PF504\n";
    p.write("a.py", src);
    let run = p.concise(&["--fix"]);
    assert_code(&run, 0);
    assert_eq!(p.read("a.py"), src);
}

#[cfg(unix)]
#[test]
fn fix_writes_through_a_symbolic_link() {
    let p = Project::new();
    p.write("real/m.py", "def f(xs):\n    return sum([x for x in xs])\n");
    std::os::unix::fs::symlink(p.root.join("real/m.py"), p.root.join("link.py")).unwrap();
    let run = p.concise(&["--fix", "link.py"]);
    assert_code(&run, 0);
    assert!(
        std::fs::symlink_metadata(p.root.join("link.py"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        p.read("real/m.py"),
        "def f(xs):\n    return sum(x for x in xs)\n"
    );
}

// ---------------------------------------------------------------------------
// 3. Adoption

#[test]
fn add_noqa_then_check_is_clean() {
    let p = Project::new();
    p.write(
        "a.py",
        "import time\n\nasync def h():\n    time.sleep(1)  # keep this comment\n    time.sleep(2)  # noqa: E501\n    s = \"# noqa\"; time.sleep(3)\n    time.sleep(\n        4,\n    )\n",
    );
    p.write("b.py", WRAPS_AND_SUM);
    let run = p.check(&["--add-noqa"]);
    assert_code(&run, 0);
    assert!(
        run.stderr.contains("Added 6 noqa directives in 2 files."),
        "{}",
        run.stderr
    );
    assert_eq!(
        p.read("a.py"),
        "import time\n\nasync def h():\n    time.sleep(1)  # keep this comment  # noqa: PF101\n    time.sleep(2)  # noqa: E501, PF101\n    s = \"# noqa\"; time.sleep(3)  # noqa: PF101\n    time.sleep(\n        4,\n    )  # noqa: PF101\n"
    );
    assert!(
        p.read("b.py")
            .contains("    def wrapper(*args, **kwargs):  # noqa: PF300\n")
    );
    assert!(
        p.read("b.py")
            .contains("    return sum([r.amount for r in rows])  # noqa: PF504\n")
    );
    assert_code(&p.concise(&[]), 0);
    // Nothing left to add: nothing changes.
    let before = p.read("a.py");
    let run = p.check(&["--add-noqa"]);
    assert_code(&run, 0);
    assert_eq!(p.read("a.py"), before);
}

#[test]
fn add_noqa_extends_an_existing_code_list_and_keeps_crlf() {
    let p = Project::new();
    p.write(
        "a.py",
        "import time\r\n\r\nasync def h(xs):\r\n    time.sleep(sum([x for x in xs]))  # noqa: PF999 because reasons\r\n",
    );
    let run = p.check(&["--add-noqa"]);
    assert_code(&run, 0);
    assert_eq!(
        p.read("a.py"),
        "import time\r\n\r\nasync def h(xs):\r\n    time.sleep(sum([x for x in xs]))  # noqa: PF999, PF101, PF504 because reasons\r\n"
    );
    assert_code(&p.concise(&[]), 0);
}

#[test]
fn baseline_hides_old_findings_after_lines_move_and_shows_new_ones() {
    let p = Project::new();
    p.write("app/a.py", SLEEP);
    p.write("app/b.py", WRAPS_AND_SUM);
    let run = p.check(&["--write-baseline", "pitfalls-baseline.json"]);
    assert_code(&run, 0);
    assert!(run.stderr.contains("Wrote 3 findings"), "{}", run.stderr);
    let baseline = parse_json(&p.read("pitfalls-baseline.json"));
    let entries = baseline["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["code"], "PF101");
    assert_eq!(entries[0]["path"], "app/a.py");
    assert_code(&p.concise(&["--baseline", "pitfalls-baseline.json"]), 0);

    // Ten lines inserted above the old findings, and one new finding.
    let moved = format!(
        "import time\n{}\nasync def h():\n    time.sleep(1)\n\n\nasync def new():\n    time.sleep(2)\n",
        "\n".repeat(10)
    );
    p.write("app/a.py", &moved);
    p.write(
        "app/b.py",
        format!("{}{WRAPS_AND_SUM}", "# pad\n".repeat(10)),
    );
    let run = p.concise(&["--baseline", "pitfalls-baseline.json"]);
    assert_code(&run, 1);
    assert_eq!(
        findings(&run),
        vec!["app/a.py:18:5: PF101 `time.sleep` blocks the event loop inside `async def new`"]
    );
    // Without the baseline all four are back.
    assert_eq!(findings(&p.concise(&[])).len(), 4);
}

#[test]
fn baseline_counts_identical_lines() {
    let p = Project::new();
    let two = "import time\n\nasync def h():\n    time.sleep(1)\n    time.sleep(1)\n";
    p.write("a.py", two);
    assert_code(&p.check(&["--write-baseline", "b.json"]), 0);
    // A third identical line is one more than recorded.
    p.write("a.py", format!("{two}    time.sleep(1)\n"));
    let run = p.concise(&["--baseline", "b.json"]);
    assert_code(&run, 1);
    assert_eq!(findings(&run).len(), 1);
}

#[test]
fn bad_baseline_file_exits_2() {
    let p = Project::new();
    p.write("a.py", SLEEP);
    p.write("b.json", "{not json");
    let run = p.check(&["--baseline", "b.json"]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("b.json"), "{}", run.stderr);
    let run = p.check(&["--baseline", "missing.json"]);
    assert_code(&run, 2);
}

#[test]
fn changed_since_reports_only_new_lines() {
    let p = Project::new();
    p.git(&["init", "-q", "."]);
    p.write("a.py", SLEEP);
    p.write("b.py", SLEEP);
    p.git(&["add", "."]);
    p.git(&["commit", "-q", "-m", "start"]);
    // Committed findings stay quiet; a changed line and an untracked file do not.
    p.write(
        "a.py",
        "import time\n\nasync def h():\n    time.sleep(1)\n    time.sleep(2)\n",
    );
    p.write("c.py", SLEEP);
    let run = p.concise(&["--changed-since", "HEAD"]);
    assert_code(&run, 1);
    assert_eq!(
        findings(&run),
        vec![
            "a.py:5:5: PF101 `time.sleep` blocks the event loop inside `async def h`",
            "c.py:4:5: PF101 `time.sleep` blocks the event loop inside `async def h`",
        ]
    );
    // A commit later, the same change is still new since the first commit.
    p.git(&["add", "."]);
    p.git(&["commit", "-q", "-m", "more"]);
    assert_eq!(
        findings(&p.concise(&["--changed-since", "HEAD~1"])).len(),
        2
    );
    assert_code(&p.concise(&["--changed-since", "HEAD"]), 0);
}

#[test]
fn changed_since_errors_exit_2() {
    let p = Project::new();
    p.write("a.py", SLEEP);
    let run = p.check(&["--changed-since", "HEAD"]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("git repository"), "{}", run.stderr);
    p.git(&["init", "-q", "."]);
    p.git(&["add", "."]);
    p.git(&["commit", "-q", "-m", "start"]);
    let run = p.check(&["--changed-since", "no-such-rev"]);
    assert_code(&run, 2);
    assert!(
        run.stderr.contains("unknown git revision `no-such-rev`"),
        "{}",
        run.stderr
    );
}

#[test]
fn unused_noqa_is_off_by_default_and_reports_unused_pf_codes() {
    let p = Project::new();
    p.write(
        "a.py",
        "import time\n\nasync def h():\n    time.sleep(1)  # noqa: PF101\n    x = 1  # noqa: PF101, E501\n    return x  # noqa\n",
    );
    assert_code(&p.concise(&[]), 0);
    let run = p.concise(&["--extend-select", "PF002"]);
    assert_code(&run, 1);
    assert_eq!(
        findings(&run),
        vec!["a.py:5:12: PF002 unused `noqa` directive: PF101 suppresses nothing on this line"]
    );
    let run = p.check(&["--extend-select", "unused-noqa", "--output-format", "json"]);
    let json = parse_json(&run.stdout);
    assert_eq!(json[0]["code"], "PF002");
}
