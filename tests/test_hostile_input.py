"""Hostile files through the file-reading path: the command line reads, checks and fixes
them (safe and unsafe fixes) with LF, CRLF and CR line endings, without a crash and
without hanging.  Each run is a real `omnilint` process with a time limit, so a rule
that hangs fails the test instead of stopping the suite.
"""

from __future__ import annotations

import json
import subprocess
from functools import partial
from pathlib import Path

import pytest
from conftest import lint, run_omnilint
from test_complexity import SHAPES

TIME_LIMIT = 60  # seconds for one command over every hostile file (about 3 s are expected)
NEWLINES = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}


omnilint = partial(run_omnilint, unset=("NO_COLOR",), timeout=TIME_LIMIT)


def with_newlines(text: str, newline: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", newline)


def findings(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return json.loads(result.stdout)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}


# Hostile texts beyond the complexity shapes: small files that hung or crashed a rule.
EXTRA = {
    # 25 blank CRLF lines (51 bytes) hung FM013 for seconds, 50 lines for minutes.
    "blank-crlf-lines-then-front-matter": "\r\n" * 50 + "---\r\ntitle: Late\r\n---\r\n\r\nText.\r\n",
    "blank-crlf-lines-then-text": "\r\n" * 50 + "Text.\r\n",
    # An integer over Python's 4,300-digit limit crashed FM001's repair.
    "huge-integer": "---\ntitle: Big\nn: " + "7" * 5000 + "\n---\n\nText.\n",
    # Digits YAML 1.2 reads as an integer (1.1 as text): crashed every FM rule asking for the 1.2 value.
    "huge-integer-with-leading-zero": "---\ntitle: Big\nn: 0" + "9" * 5000 + "\n---\n\nText.\n",
    # The formatter's Logseq property pattern tried 2^n ways through n markers with two spaces.
    "quote-markers-with-two-spaces": "# Quotes\n\n" + ">  " * 32 + "key:: value x\n",
    "list-markers-with-two-spaces": "# Lists\n\n" + "-  " * 32 + "x\n",
    "zone-note-date-with-spaces": "---\ndate: 2024-01-01" + " " * 50_000 + "x (UTC+8)\n---\n\nText.\n",
    "cjk-highlights-never-closed": "# 高亮\n\n" + "==重点 " * 20_000 + "\n",
}


def hostile_texts() -> dict[str, str]:
    texts = {name: make(n) for name, (make, _, n) in SHAPES.items()}  # the formatter's sizes: --select ALL runs it
    texts.update(EXTRA)
    return texts


@pytest.fixture(params=list(NEWLINES), ids=list(NEWLINES))
def hostile_folder(request, tmp_path: Path) -> Path:
    folder = tmp_path / "vault"
    folder.mkdir()
    newline = NEWLINES[request.param]
    for name, text in hostile_texts().items():
        (folder / f"{name}.md").write_text(with_newlines(text, newline), encoding="utf-8", newline="")
    return folder


def test_hostile_files_are_checked_with_every_rule_without_a_crash(hostile_folder: Path):
    found = findings(
        omnilint("check", "--no-cache", "--select", "ALL", "--output-format", "json", ".", cwd=hostile_folder)
    )
    crashes = [f"{d['path']}: {d['message']}" for d in found if d["code"] == "INT001"]
    assert not crashes, crashes
    assert not [d for d in found if d["code"] == "IO001"], "every hostile file is read"


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_hostile_files_are_fixed_in_place_once_and_for_all(hostile_folder: Path, unsafe: bool):
    extra = ["--unsafe-fixes"] if unsafe else []
    first = omnilint("fix", "--write", "--no-cache", *extra, ".", cwd=hostile_folder)
    assert first.returncode in (0, 1), first.stderr[-2000:]
    assert "Traceback" not in first.stderr and "INT001" not in first.stdout + first.stderr, first.stdout[-2000:]
    fixed = files_of(hostile_folder)
    for data in fixed.values():
        data.decode("utf-8")  # what was written is still text
    again = omnilint("fix", "--write", "--no-cache", *extra, ".", cwd=hostile_folder)
    assert again.returncode in (0, 1), again.stderr[-2000:]
    changed = [name for name, data in files_of(hostile_folder).items() if fixed[name] != data]
    assert not changed, f"a second fix --write changed {changed}"
    found = findings(omnilint("check", "--no-cache", "--output-format", "json", ".", cwd=hostile_folder))
    assert not [d for d in found if d["code"] == "INT001"]


@pytest.mark.parametrize("newline", list(NEWLINES.values()), ids=list(NEWLINES))
def test_an_integer_over_4300_digits_is_an_fm001_finding_not_a_crash(tmp_path: Path, newline: str):
    text = with_newlines("---\ntitle: Prime\nvalue: " + "1" * 4400 + "\n---\n\nA long number.\n", newline)
    (tmp_path / "note.md").write_text(text, encoding="utf-8", newline="")
    found = findings(omnilint("check", "--no-cache", "--select", "ALL", "--output-format", "json", ".", cwd=tmp_path))
    assert [d["code"] for d in found if d["code"] in ("FM001", "INT001")] == ["FM001"]
    fm001 = next(d for d in found if d["code"] == "FM001")
    assert (fm001["line"], fm001["column"]) == (3, 8)  # at the number
    assert "4400 digits" in fm001["message"]
    # The unsafe fix quotes it: every reader then gets the digits as text.
    omnilint("fix", "--write", "--unsafe-fixes", "--no-cache", ".", cwd=tmp_path)
    after = (tmp_path / "note.md").read_bytes().decode("utf-8")
    assert f'value: "{"1" * 4400}"{newline}' in after
    found = findings(omnilint("check", "--no-cache", "--output-format", "json", ".", cwd=tmp_path))
    assert not [d for d in found if d["code"] in ("FM001", "INT001")]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_front_matter_after_50_blank_lines_is_reported_at_once(tmp_path: Path, newline: str):
    # The old pattern tried 2^50 ways through 50 CRLF lines before it gave up.
    text = newline * 50 + with_newlines("---\ntitle: 稍后阅读\n---\n\nText.\n", newline)
    (tmp_path / "late.md").write_text(text, encoding="utf-8", newline="")
    found = findings(omnilint("check", "--no-cache", "--output-format", "json", ".", cwd=tmp_path))
    assert [(d["code"], d["line"]) for d in found if d["code"] == "FM013"] == [("FM013", 51)]


def test_digits_that_only_yaml_1_2_reads_as_a_huge_number_are_reported_briefly():
    # YAML 1.1 reads `0999…` as text (not octal), YAML 1.2 as a number too long for int():
    # every FM rule asking for the 1.2 value crashed; FM008 reported the 5,000 digits twice.
    found = lint("---\ntitle: 长数字\nserial: 0" + "9" * 5000 + "\n---\n\nText.\n", "FM")
    assert [d.code for d in found] == ["FM008"]
    assert len(found[0].message) < 300
    assert found[0].fix is not None  # quoting keeps the digits as text for both readers


def test_a_zone_note_after_a_date_is_still_read():
    found = lint("---\ntitle: T\npublished: 2024-01-01 10:00   (UTC+8)\n---\n\nText.\n", "FM007")
    assert [d.code for d in found] == ["FM007"]
    assert found[0].fix is not None and found[0].fix.edits[0].content == "2024-01-01T10:00:00+08:00"
