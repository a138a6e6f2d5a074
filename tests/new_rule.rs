//! `scripts/new-rule` scaffolds a rule that builds: run on a copy of the
//! crate, its output is checked by cargo (offline, in a target folder of its
//! own so that it never waits for the one this test runs from).

use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn new_rule(root: &Path, args: &[&str]) -> std::process::Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/new-rule");
    Command::new("python3")
        .arg(script)
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("python3 runs scripts/new-rule")
}

#[test]
fn scaffolded_rule_builds() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for dir in ["src", "rules"] {
        copy_dir(&repo.join(dir), &root.join(dir));
    }
    std::fs::create_dir(root.join("fixtures")).unwrap();
    for file in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(repo.join(file), root.join(file)).unwrap();
    }

    let out = new_rule(root, &["PF599", "example-scaffold"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let module = root.join("src/rules/iterators/example_scaffold.rs");
    assert!(module.is_file());
    assert!(root.join("rules/PF599.md").is_file());
    assert!(root.join("fixtures/PF599/positive.py").is_file());
    let registry = std::fs::read_to_string(root.join("src/registry.rs")).unwrap();
    let line =
        "PF599 ExampleScaffold \"example-scaffold\", on, fix None, iterators::example_scaffold,";
    assert!(registry.contains(line), "registry line missing");
    // In code order: after PF503, before PF600.
    let at = |code: &str| registry.find(&format!(" {code} ")).unwrap();
    assert!(at("PF503") < at("PF599") && at("PF599") < at("PF600"));
    let family = std::fs::read_to_string(root.join("src/rules/iterators/mod.rs")).unwrap();
    assert!(family.contains("pub mod example_scaffold;\n"));

    // A taken code or name is refused, and nothing is touched.
    let out = new_rule(root, &["PF101", "another-name"]);
    assert_eq!(out.status.code(), Some(2));
    let out = new_rule(root, &["PF598", "blocking-sleep-in-async"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!root.join("rules/PF598.md").exists());

    let target = repo.join("target").join("new-rule-check");
    let check = Command::new(env!("CARGO"))
        .args(["check", "--lib", "--offline", "--quiet"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "the scaffolded rule does not build:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
