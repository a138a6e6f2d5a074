#!/usr/bin/env python3
"""Score a pitfalls binary on the issue-12 held-out probes.

Usage:
    python3 score.py BIN [--probes DIR] [--gate] [--json]

Each sub-folder of the probes folder that holds an ``__init__.py`` is its own
project. In each one this runs

    BIN check --isolated --no-cache --select ALL --output-format json --exit-zero .

(with the folder as the working directory), keeps the findings of the issue-12
codes, and compares them by (file, line, code) with the markers: a line that
must be reported ends with ``# error: PFxxx`` (several codes: ``# error: PF100,
PF112``); every other line must not be reported with those codes.

Prints TP/FP/FN, precision and recall per code and overall, then every miss
and every false alarm. ``--gate`` exits 1 when overall recall < 0.9 or
precision < 0.95 (issue 12's bar); ``--json`` prints the result as JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

CODES = (
    "PF100", "PF102", "PF107", "PF108", "PF110", "PF111", "PF112",
    "PF200", "PF201", "PF203", "PF206",
)
MARKER = re.compile(r"#\s*error:\s*(PF\d{3}(?:\s*,\s*PF\d{3})*)\s*$")
RECALL_BAR = 0.9
PRECISION_BAR = 0.95


def projects(root: str) -> list[str]:
    return sorted(
        os.path.join(root, name)
        for name in os.listdir(root)
        if os.path.isfile(os.path.join(root, name, "__init__.py"))
    )


def markers(project: str, root: str) -> dict[tuple[str, int, str], str]:
    """(file relative to root, line, code) -> source line, for every marker."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(project):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            with open(path, encoding="utf-8") as f:
                for lineno, text in enumerate(f, 1):
                    m = MARKER.search(text)
                    if not m:
                        continue
                    for code in re.split(r"\s*,\s*", m.group(1)):
                        if code not in CODES:
                            sys.exit(f"{rel}:{lineno}: marker for {code}, not an issue-12 code")
                        found[(rel, lineno, code)] = text.strip()
    return found


def run(binary: str, project: str, root: str) -> tuple[dict, list[str]]:
    """(file, line, code) -> message for the issue-12 findings of one project."""
    cmd = [binary, "check", "--isolated", "--no-cache", "--select", "ALL",
           "--output-format", "json", "--exit-zero", "."]
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True)
    problems = []
    if proc.returncode != 0:
        problems.append(f"{os.path.basename(project)}: exit {proc.returncode}: {proc.stderr.strip()}")
    try:
        findings = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError as e:
        problems.append(f"{os.path.basename(project)}: output is not JSON ({e})")
        findings = []
    result = {}
    for item in findings:
        code = item.get("code")
        if code not in CODES:
            continue
        path = item["filename"]
        if not os.path.isabs(path):
            path = os.path.join(project, path)
        rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
        key = (rel, item["location"]["row"], code)
        result[key] = item.get("message", "")
    return result, problems


def ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--probes", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--gate", action="store_true", help="exit 1 below the issue-12 bar")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    root = os.path.abspath(args.probes)

    expected: dict = {}
    reported: dict = {}
    problems: list[str] = []
    for project in projects(root):
        expected.update(markers(project, root))
        got, errs = run(binary, project, root)
        reported.update(got)
        problems += errs

    tp = {k for k in reported if k in expected}
    fp = {k for k in reported if k not in expected}
    fn = {k for k in expected if k not in reported}
    per = defaultdict(lambda: [0, 0, 0])
    for bucket, idx in ((tp, 0), (fp, 1), (fn, 2)):
        for _, _, code in bucket:
            per[code][idx] += 1

    total_tp, total_fp, total_fn = len(tp), len(fp), len(fn)
    recall = ratio(total_tp, total_tp + total_fn)
    precision = ratio(total_tp, total_tp + total_fp)

    if args.json:
        print(json.dumps({
            "binary": binary,
            "per_code": {c: dict(zip(("tp", "fp", "fn"), per[c])) for c in CODES},
            "tp": total_tp, "fp": total_fp, "fn": total_fn,
            "recall": recall, "precision": precision,
            "misses": [f"{f}:{l}: {c}" for f, l, c in sorted(fn)],
            "false_alarms": [f"{f}:{l}: {c} {reported[(f, l, c)]}" for f, l, c in sorted(fp)],
            "problems": problems,
        }, indent=2))
    else:
        print(f"binary: {binary}")
        print(f"probes: {root} ({len(projects(root))} projects, {len(expected)} marked lines)")
        print()
        print(f"{'code':<7}{'marked':>7}{'TP':>5}{'FP':>5}{'FN':>5}{'recall':>9}{'precision':>11}")
        for code in CODES:
            t, f, n = per[code]
            print(f"{code:<7}{t + n:>7}{t:>5}{f:>5}{n:>5}{fmt(ratio(t, t + n)):>9}{fmt(ratio(t, t + f)):>11}")
        print(f"{'all':<7}{total_tp + total_fn:>7}{total_tp:>5}{total_fp:>5}{total_fn:>5}"
              f"{fmt(recall):>9}{fmt(precision):>11}")
        print()
        bar_ok = (recall or 0) >= RECALL_BAR and (precision or 0) >= PRECISION_BAR
        print(f"issue-12 bar (recall >= {RECALL_BAR}, precision >= {PRECISION_BAR}): "
              f"{'MET' if bar_ok else 'NOT MET'}")
        print()
        print(f"misses ({total_fn}):")
        for f, l, c in sorted(fn):
            print(f"  {f}:{l}: {c}    {expected[(f, l, c)]}")
        print(f"false alarms ({total_fp}):")
        for f, l, c in sorted(fp):
            print(f"  {f}:{l}: {c} {reported[(f, l, c)]}")
        for p in problems:
            print(f"problem: {p}")

    if problems:
        return 2
    if args.gate and not ((recall or 0) >= RECALL_BAR and (precision or 0) >= PRECISION_BAR):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
