"""`minekg validate` as a user runs it: a real process, its exit status, its text and JSON reports."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINEKG = ROOT / ".venv" / "bin" / "minekg"
FIELDS = {"severity", "focus", "path", "message", "shape", "file"}  # docs/validation.md
BROKEN_FILE = "graph_data/statements/kazakhstan-2019.ttl"
BROKEN = "s:kazakhstan-2019-validate-cli-test"
# A statement nobody asserts and nothing grounds, negated by a string: three violations.
BROKEN_TURTLE = f"\n{BROKEN} a mk:MineUse ;\n    mk:actor st:KAZ ; mk:negated \"yes\" .\n"
GROUP = re.compile(r"^(Violation|Warning|Info)s \((\d+)\):$")


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MINEKG_ROOT": str(root)}
    return subprocess.run([str(MINEKG), "validate", *args], cwd=root, env=env, capture_output=True, text=True,
                          timeout=900)


def groups(text: str) -> dict[str, list[str]]:
    """The text report's findings by severity, in the order of its groups; each header's count checked."""
    found: dict[str, tuple[int, list[str]]] = {}
    current = None
    for line in text.splitlines():
        m = GROUP.match(line)
        if m:
            current = m.group(1)
            assert current not in found, f"{current}s listed twice"
            found[current] = (int(m.group(2)), [])
        elif line.startswith("  ") and current:
            found[current][1].append(line.strip())
        else:
            current = None
    for severity, (count, lines) in found.items():
        assert len(lines) == count, f"{severity}s: the header says {count}, {len(lines)} are listed"
    return {severity: lines for severity, (_, lines) in found.items()}


def break_tree(tree: Path) -> Path:
    with (tree / BROKEN_FILE).open("a", encoding="utf-8") as f:
        f.write(BROKEN_TURTLE)
    return tree


def test_real_data_conforms_and_json_has_the_documented_fields():
    done = run(ROOT, "--format", "json")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    report = json.loads(done.stdout)
    assert report["conforms"] is True and report["violations"] == 0
    assert report["warnings"] == len(report["results"]) > 0
    for r in report["results"]:
        assert set(r) == FIELDS, r
        assert r["severity"] == "Warning"
        assert r["focus"] and r["message"] and r["shape"]
        assert (ROOT / r["file"]).is_file(), r["file"]
        assert r["path"] is None or re.fullmatch(r"[a-z]+:\w+", r["path"]), r["path"]
    # warnings are grouped where the node was curated: the documents' metadata, or the statements file
    files = {r["file"] for r in report["results"]}
    assert "graph_data/sources/sources.ttl" in files
    assert any(f.startswith("graph_data/statements/") for f in files)


def test_a_violation_exits_1_and_the_text_report_names_it(fixture_tree):
    broken_text = run(break_tree(fixture_tree))
    assert broken_text.returncode == 1, broken_text.stdout[-3000:] + broken_text.stderr
    assert broken_text.stderr == ""
    lines = broken_text.stdout.splitlines()
    by_severity = groups(broken_text.stdout)
    assert list(by_severity)[0] == "Violation", "violations come first"
    assert "Warning" in by_severity
    violations = by_severity["Violation"]
    assert len(violations) == 3, violations
    # each line: the file the node came from, the focus node, the path (if any), the message, the shape
    assert all(v.startswith(f"{BROKEN_FILE}: {BROKEN}") for v in violations), violations
    negated = [v for v in violations if v.startswith(f"{BROKEN_FILE}: {BROKEN} mk:negated: ")]
    assert len(negated) == 1 and negated[0].endswith("[negated is a boolean]"), violations
    assert any("say who asserts it" in v and v.endswith("[Statement]") for v in violations), violations
    assert any("give its source and quote" in v for v in violations), violations
    assert lines[-1].startswith("does not conform: 3 violations, ")


def test_a_violation_in_json(fixture_tree):
    done = run(break_tree(fixture_tree), "--format", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["conforms"] is False and report["violations"] == 3
    mine = [r for r in report["results"] if r["focus"] == BROKEN]
    assert {r["severity"] for r in mine} == {"Violation"} and len(mine) == 3
    assert all(set(r) == FIELDS and r["file"] == BROKEN_FILE for r in mine)
    assert {(r["path"], r["shape"]) for r in mine} == {
        ("mk:negated", "negated is a boolean"), (None, "Statement")}


def test_unusable_input_exits_2_with_one_line(fixture_tree):
    target = fixture_tree / BROKEN_FILE
    text = target.read_text(encoding="utf-8")
    target.write_text(text + "\ns:kazakhstan-2019-unfinished a mk:MineUse ;; mk:actor .\n", encoding="utf-8")
    line = len((text + "\n").splitlines()) + 1
    done = run(fixture_tree)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    err = done.stderr.strip().splitlines()
    assert len(err) == 1, done.stderr
    assert err[0].startswith(f"minekg: error: {BROKEN_FILE}:{line}: Turtle syntax error"), err[0]
