"""One place per rule code: the cases in tests/rule_cases/<CODE>/ (see its README.md).

Each case is a `bad*.md` / `good*.md` file (a per-file rule) or a `bad*/` / `good*/` folder of
several files (a corpus rule, which needs a run of files).  Beside it sit snapshots generated
through the public interfaces with only that code selected:

- `<case>.findings.txt`: the case's findings of that code, one `line:col CODE message` per line
  (`path:line:col ...` for a folder), with `[safe fix]` / `[unsafe fix]` when a fix is offered;
- `<case>.fixed.md` / `<case>.fixed/`: the text after the rule's safe fixes (bad cases of rules
  with fixes);
- `<case>.unsafe-fixed.md` / `<case>.unsafe-fixed/`: after safe and unsafe fixes (rules whose
  fixes may be unsafe).

Snapshots pin what the rule does today; a hand-written `<case>.expected.md` (or
`<case>.expected-unsafe.md`) says what the safe (unsafe) fixes *should* give, when that is the
point of the case (a fix that must leave a legitimate shape alone).

Regenerate them with `python tests/test_rule_cases.py --update [CODE ...]` and read the diff.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

from omnilint import cli
from omnilint.api import check_text, fix_text
from omnilint.registry import installed_rules
from omnilint.rule import Fixable

CASES = ROOT / "tests" / "rule_cases"
RULES = installed_rules()
CASE_NAME = re.compile(r"(bad|good)[a-z0-9_-]*")
# The run's own codes (a crash, an unreadable file) go into every snapshot: a case must show them.
RUN_CODES = re.compile(r"(INT|IO|CFG)\d{3}")
# Rules that need the network: their cases run offline and pin that the rule stays off without
# --online (a case that reached the network would be slow and flaky).
OFFLINE_ONLY = {code for code, rule in RULES.items() if rule.enabled_by == "online"}

# Cases whose current behaviour is wrong, recorded as found (the snapshot pins today's output)
# and marked here until the rule is mended: (check, CODE, case) -> what is wrong.
# A check is one of "good-is-clean", "bad-is-found", "fix-is-idempotent", "fix-as-expected".
KNOWN_WRONG: dict[tuple[str, str, str], str] = {}


@dataclass(frozen=True)
class Case:
    code: str
    name: str  # bad_repeated_run
    folder: Path  # tests/rule_cases/<CODE>

    @property
    def source(self) -> Path:
        return self.folder / (self.name if self.is_corpus else f"{self.name}.md")

    @property
    def is_corpus(self) -> bool:
        return (self.folder / self.name).is_dir()

    @property
    def is_bad(self) -> bool:
        return self.name.startswith("bad")

    def snapshot(self, kind: str) -> Path:
        """kind: findings, fixed or unsafe-fixed."""
        if kind == "findings":
            return self.folder / f"{self.name}.findings.txt"
        return self.folder / (f"{self.name}.{kind}" if self.is_corpus else f"{self.name}.{kind}.md")

    def expected(self, kind: str) -> Path:
        """The hand-written text the safe ("fixed") or unsafe ("unsafe-fixed") fixes should give."""
        return self.folder / f"{self.name}.{'expected' if kind == 'fixed' else 'expected-unsafe'}.md"

    def config(self) -> dict:
        """{"select": [CODE]} plus the folder's config.toml and the case's own <case>.toml, if any."""
        values: dict = {}
        for path in (self.folder / "config.toml", self.folder / f"{self.name}.toml"):
            if path.is_file():
                values = _merged(values, tomllib.loads(path.read_text(encoding="utf-8")))
        return {**values, "select": [self.code]}

    def snapshot_kinds(self) -> list[str]:
        fixable = RULES[self.code].fixable
        kinds = ["findings"]
        if self.is_bad and fixable:
            kinds.append("fixed")
        if self.is_bad and fixable in (Fixable.UNSAFE, Fixable.SOMETIMES):
            kinds.append("unsafe-fixed")
        return kinds


def _merged(base: dict, extra: dict) -> dict:
    """`extra` laid over `base`, table by table (a case's [rules.X] keeps the folder's other options)."""
    result = dict(base)
    for key, value in extra.items():
        both_tables = isinstance(value, dict) and isinstance(result.get(key), dict)
        result[key] = _merged(result[key], value) if both_tables else value
    return result


GENERATED = (".findings.txt", ".fixed.md", ".unsafe-fixed.md", ".fixed", ".unsafe-fixed")
HAND_WRITTEN = (".expected.md", ".expected-unsafe.md", ".toml")


def stray_files(folder: Path) -> list[Path]:
    """Files in a code's folder that belong to no case (a snapshot left after a case was renamed)."""
    names = {p.name.removesuffix(".md") for p in folder.iterdir() if p.is_dir() or p.suffix == ".md"}
    cases = {n for n in names if CASE_NAME.fullmatch(n)}
    stray = []
    for path in sorted(folder.iterdir()):
        if path.name == "config.toml" or path.name.removesuffix(".md") in cases:
            continue
        owner = next((path.name.removesuffix(s) for s in GENERATED + HAND_WRITTEN if path.name.endswith(s)), None)
        if owner not in cases:
            stray.append(path)
    return stray


def all_cases() -> list[Case]:
    found = []
    for folder in sorted(p for p in CASES.iterdir() if p.is_dir()) if CASES.is_dir() else []:
        names = {p.name.removesuffix(".md") for p in folder.iterdir() if p.is_dir() or p.suffix == ".md"}
        for name in sorted(n for n in names if CASE_NAME.fullmatch(n)):
            found.append(Case(folder.name, name, folder))
    return found


# -- running a case -----------------------------------------------------------------------


def _line(d) -> str:
    fix = f" [{d.fix.applicability.value} fix]" if d.fix is not None else ""
    return f"{d.line}:{d.column} {d.code} {d.message}{fix}"


def _keep(code: str, finding_code: str) -> bool:
    return finding_code == code or bool(RUN_CODES.fullmatch(finding_code))


def _read(path: Path) -> str:
    """The file's text with its line endings as they are (read_text would turn CRLF into LF)."""
    return path.read_bytes().decode("utf-8")


def _read_tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): _read(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".omnilint_cache" not in p.relative_to(folder).parts
    }


def _cli(args: list[str], cwd: Path) -> str:
    """Run the real command line in this process (fast: no interpreter start) and return stdout."""
    out = io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        status = cli.main([*args, "--no-cache", "--jobs", "1"])
    assert status in (0, 1), f"omnilint {' '.join(args)} exited {status}: {err.getvalue()}"
    return out.getvalue()


def _toml(value) -> str:
    """A TOML value (JSON strings, numbers, booleans and arrays are TOML already; tables are not)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


def _corpus_copy(case: Case, into: Path) -> Path:
    """The case folder copied with its configuration as omnilint.toml (its root is the project root)."""
    work = into / case.name
    shutil.copytree(case.source, work)
    config = case.config()
    del config["select"]  # given on the command line, as a user would
    lines = [f"{key} = {_toml(value)}" for key, value in config.items() if not isinstance(value, dict)]
    for key, table in config.items():
        if isinstance(table, dict):
            for sub, options in table.items():
                lines.append(f"[{key}.{sub}]")
                lines.extend(f"{json.dumps(name)} = {_toml(value)}" for name, value in options.items())
    (work / "omnilint.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return work


def corpus_findings(case: Case, work: Path) -> str:
    found = json.loads(_cli(["check", "--select", case.code, "--output-format", "json", "."], work))
    lines = []
    for d in found:
        if _keep(case.code, d["code"]):
            fix = f" [{d['fix']['applicability']} fix]" if d.get("fix") else ""
            lines.append(f"{d['path']}:{d['line']}:{d['column']} {d['code']} {d['message']}{fix}")
    return "".join(f"{line}\n" for line in lines)


def corpus_fixed(case: Case, work: Path, unsafe: bool) -> dict[str, str]:
    _cli(["fix", "--write", "--select", case.code, *(["--unsafe-fixes"] if unsafe else []), "."], work)
    tree = _read_tree(work)
    tree.pop("omnilint.toml", None)
    return tree


def generate(case: Case) -> dict[str, str | dict[str, str]]:
    """The case's snapshots as they are now: kind -> text (a file case) or {path: text} (a folder)."""
    kinds = case.snapshot_kinds()
    result: dict[str, str | dict[str, str]] = {}
    if case.is_corpus:
        with tempfile.TemporaryDirectory() as tmp:
            result["findings"] = corpus_findings(case, _corpus_copy(case, Path(tmp) / "check"))
            for kind in kinds[1:]:
                result[kind] = corpus_fixed(case, _corpus_copy(case, Path(tmp) / kind), unsafe=kind == "unsafe-fixed")
        return result
    text = _read(case.source)
    path, config = case.source.name, case.config()
    result["findings"] = "".join(f"{_line(d)}\n" for d in check_text(text, path, config) if _keep(case.code, d.code))
    for kind in kinds[1:]:
        result[kind] = fix_text(text, path, config, unsafe=kind == "unsafe-fixed").text
    return result


def stored(case: Case, kind: str) -> str | dict[str, str] | None:
    path = case.snapshot(kind)
    if kind != "findings" and case.is_corpus:
        return _read_tree(path) if path.is_dir() else None
    return _read(path) if path.is_file() else None


def write_snapshots(case: Case) -> None:
    current = generate(case)
    for kind in ("findings", "fixed", "unsafe-fixed"):
        path = case.snapshot(kind)
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        value = current.get(kind)
        if isinstance(value, dict):
            for name, text in value.items():
                (path / name).parent.mkdir(parents=True, exist_ok=True)
                (path / name).write_text(text, encoding="utf-8", newline="")
        elif value is not None:
            path.write_text(value, encoding="utf-8", newline="")


# -- the tests ------------------------------------------------------------------------------

CASE_LIST = [c for c in all_cases() if c.code in RULES]


def _params(check: str, cases: list[Case]) -> list:
    params = []
    for case in cases:
        reason = KNOWN_WRONG.get((check, case.code, case.name))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(case, id=f"{case.code}-{case.name}", marks=marks))
    return params


@pytest.fixture(scope="module")
def current():
    """Each case's generated snapshots, computed once per test session."""
    memo: dict[Case, dict] = {}

    def get(case: Case) -> dict:
        if case not in memo:
            memo[case] = generate(case)
        return memo[case]

    return get


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_code_has_a_bad_and_a_good_case(code):
    names = [c.name for c in CASE_LIST if c.code == code]
    assert any(n.startswith("bad") for n in names) and any(n.startswith("good") for n in names), (
        f"{code} has no bad and good case in tests/rule_cases/{code}/ (see tests/rule_cases/README.md)"
    )


def test_every_file_in_a_case_folder_belongs_to_a_case():
    stray = [
        p.relative_to(ROOT).as_posix() for folder in CASES.iterdir() if folder.is_dir() for p in stray_files(folder)
    ]
    assert not stray, f"files of no case (a renamed or deleted case?): {stray}"


def test_every_case_folder_is_a_registered_code():
    unknown = sorted({c.code for c in all_cases()} - set(RULES))
    assert not unknown, f"case folders for codes no rule has: {unknown}"


@pytest.mark.parametrize("case", _params("snapshot", CASE_LIST))
def test_snapshots_match_the_current_findings_and_fixes(case, current):
    for kind, value in current(case).items():
        assert stored(case, kind) == value, (
            f"{case.snapshot(kind).relative_to(ROOT)} differs; if the change is intended: "
            f"python tests/test_rule_cases.py --update {case.code}"
        )
    for kind in {"findings", "fixed", "unsafe-fixed"} - set(current(case)):
        assert not case.snapshot(kind).exists(), f"{case.snapshot(kind).relative_to(ROOT)} is stale: run --update"


@pytest.mark.parametrize("case", _params("good-is-clean", [c for c in CASE_LIST if not c.is_bad]))
def test_good_case_gives_no_finding_of_its_code(case, current):
    assert current(case)["findings"] == ""


@pytest.mark.parametrize("case", _params("bad-is-found", [c for c in CASE_LIST if c.is_bad]))
def test_bad_case_gives_a_finding_of_its_code(case, current):
    findings = current(case)["findings"]
    assert not RUN_CODES.search(findings), findings
    if case.code in OFFLINE_ONLY:
        assert findings == "", f"{case.code} reported without --online"
    else:
        assert re.search(rf"(^|:)\d+:\d+ {case.code} ", findings, re.M), f"{case.code} found nothing in {case.name}"


def _second_pass(case: Case, fixed: str | dict[str, str], unsafe: bool) -> tuple[list[str], str | dict[str, str]]:
    """The findings of the case's code in `fixed` (snapshot lines), and `fixed` fixed once more."""
    if isinstance(fixed, dict):
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / case.name
            for name, text in fixed.items():
                (work / name).parent.mkdir(parents=True, exist_ok=True)
                (work / name).write_text(text, encoding="utf-8", newline="")
            shutil.copy(_corpus_copy(case, Path(tmp) / "config") / "omnilint.toml", work / "omnilint.toml")
            return corpus_findings(case, work).splitlines(), corpus_fixed(case, work, unsafe)
    config = case.config()
    lines = [_line(d) for d in check_text(fixed, case.source.name, config) if d.code == case.code]
    return lines, fix_text(fixed, case.source.name, config, unsafe=unsafe).text


@pytest.mark.parametrize(
    "case", _params("fix-is-idempotent", [c for c in CASE_LIST if c.is_bad and RULES[c.code].fixable])
)
def test_fixed_text_has_no_fixable_finding_left_and_fixing_again_changes_nothing(case, current):
    # After the safe fixes no safe fix is left; after the unsafe ones, no fix at all.
    for kind, marker in (("fixed", "[safe fix]"), ("unsafe-fixed", " fix]")):
        if kind in current(case):
            fixed = current(case)[kind]
            findings, again = _second_pass(case, fixed, unsafe=kind == "unsafe-fixed")
            left = [line for line in findings if line.endswith(marker)]
            assert not left, f"{kind}: a second pass would still fix: {left}"
            assert again == fixed, f"{kind}: fixing the fixed text again changed it"


@pytest.mark.parametrize(
    "case",
    _params(
        "fix-as-expected", [c for c in CASE_LIST if any(c.expected(k).is_file() for k in ("fixed", "unsafe-fixed"))]
    ),
)
def test_fix_gives_the_hand_written_expected_text(case, current):
    for kind in ("fixed", "unsafe-fixed"):
        if case.expected(kind).is_file():
            expected = _read(case.expected(kind))
            assert current(case).get(kind, _read(case.source)) == expected, kind


if __name__ == "__main__":
    if "--update" not in sys.argv:
        sys.exit("usage: python tests/test_rule_cases.py --update [CODE ...]")
    wanted = {a.upper() for a in sys.argv[1:] if a != "--update"}
    if unknown := sorted(wanted - set(RULES)):
        sys.exit(f"no rule has the code {', '.join(unknown)} (see `omnilint rules`)")
    for case in all_cases():
        if case.code not in RULES:
            print(f"skipped {case.code}/{case.name}: no rule has this code")
        elif not wanted or case.code in wanted:
            write_snapshots(case)
            print(f"updated {case.code}/{case.name}")
    for folder in sorted(p for p in CASES.iterdir() if p.is_dir() and (not wanted or p.name in wanted)):
        for path in stray_files(folder):
            if path.name.endswith(GENERATED):  # a snapshot of a case that is gone
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                print(f"removed {path.relative_to(CASES)}")
            else:
                print(f"belongs to no case, left alone: {path.relative_to(CASES)}")
