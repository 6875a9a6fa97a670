"""Bytes in, bytes out: encodings, BOM, line endings, atomic writes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from omnilint.text import ByteToChar, LineIndex, UndecodableError, decode, dominant_newline
from omnilint.writer import StaleFileError, remove_stale_temps, write_atomic


def fix_write(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "omnilint", "fix", "--write", "--select", "FMT", str(path)],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_fix_write_keeps_bom_and_line_endings(tmp_path: Path, newline: str, bom: bytes):
    lines = ["# Tïtle", "", "text  ", "", "", "", "more"]
    path = tmp_path / "a.md"
    path.write_bytes(bom + newline.join(lines).encode())
    fix_write(path)
    expected = newline.join(["# Tïtle", "", "text", "", "more"]) + newline
    assert path.read_bytes() == bom + expected.encode()


def test_undecodable_and_binary_files_are_reported_never_rewritten(tmp_path: Path):
    latin = tmp_path / "latin.md"
    latin.write_bytes("caf\xe9 \n".encode("latin-1"))
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    proc = fix_write(tmp_path)
    assert proc.returncode == 1
    assert "latin.md:1:1: IO001 not valid UTF-8 (byte 0xe9 at line 1)" in proc.stdout
    assert "image.md:1:1: IO001 binary file" in proc.stdout
    assert latin.read_bytes() == "caf\xe9 \n".encode("latin-1")


def test_permissions_survive_a_fix(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_text("x \n")
    os.chmod(path, 0o640)
    fix_write(path)
    assert path.read_text() == "x\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_fix_writes_through_a_symlink_and_keeps_it(tmp_path: Path):
    target = tmp_path / "real.md"
    target.write_text("x \n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    fix_write(link)
    assert link.is_symlink() and target.read_text() == "x\n"


def test_write_atomic_refuses_a_file_that_changed_since_it_was_read(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_bytes(b"new content from another program\n")
    with pytest.raises(StaleFileError):
        write_atomic(path, b"fixed\n", expected=b"old content\n")
    assert path.read_bytes() == b"new content from another program\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_write_atomic_replaces_and_leaves_no_temporary_file(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_bytes(b"old\n")
    write_atomic(path, b"new\n", expected=b"old\n")
    assert path.read_bytes() == b"new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]
    leftover = tmp_path / ".omnilint-tmp-abcd1234.tmp"
    leftover.write_bytes(b"partial")
    assert remove_stale_temps(tmp_path) == 0, "a temporary file under an hour old may be a concurrent run's"
    os.utime(leftover, (time.time() - 7200, time.time() - 7200))
    assert remove_stale_temps(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_decode():
    assert decode(b"\xef\xbb\xbfhi").bom is True
    assert decode(b"\xef\xbb\xbfhi").text == "hi"
    with pytest.raises(UndecodableError):
        decode(b"a\x00b")
    with pytest.raises(UndecodableError, match="line 2"):
        decode(b"ok\n\xff\n")


def test_line_index_and_byte_mapping():
    text = "a中\r\nb😀c\rd\ne"
    index = LineIndex(text)
    assert [index.position(i) for i in (0, 2, 4, 6, 8, 10)] == [(1, 1), (1, 3), (2, 1), (2, 3), (3, 1), (4, 1)]
    assert index.offset(2, 3) == 6
    to_char = ByteToChar(text)
    for i in range(len(text) + 1):
        assert to_char(len(text[:i].encode())) == i
    assert dominant_newline("a\r\nb\r\nc\n") == "\r\n"
    assert dominant_newline("a\rb\r") == "\r"
    assert dominant_newline("") == "\n"
