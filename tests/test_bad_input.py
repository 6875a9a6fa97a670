"""Bad input: a clear message for the one file, and the run goes on (issue 7; RELIABILITY.md).

Every test puts a good file next to the bad one and checks that the good one is still
checked (and fixed), so "the run goes on" is tested, not assumed.  The CLI runs in this
process (`main([...])`) unless a test needs a process of its own (resource limits).
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from omnilint import cli, runner, writer
from omnilint import frontmatter as fm

GOOD = "# Good\n\nText with trailing spaces.   \n"
GOOD_FIXED = "# Good\n\nText with trailing spaces.\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
try:
    import resource  # POSIX only: the resource-limit tests are skipped elsewhere
except ImportError:  # pragma: no cover
    resource = None  # type: ignore[assignment]


@pytest.fixture
def omnilint(monkeypatch, capsys):
    """Run the CLI in this process from a folder; returns (exit code, stdout, stderr)."""

    def run(*args: str, cwd: Path) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        code = cli.main([*args, "--no-cache", "--jobs", "1"])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    return tmp_path


def assert_good_file_was_handled(vault: Path, out: str, wrote: bool) -> None:
    if wrote:
        assert (vault / "good.md").read_text(encoding="utf-8") == GOOD_FIXED
    else:
        assert "good.md:3:27: FMT001" in out, out


# -- contents ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)", id="png"),
        pytest.param("caf\xe9 \n".encode("latin-1"), "not valid UTF-8 (byte 0xe9 at line 1)", id="latin-1"),
        pytest.param(b"ok\nok\n\xff\xfe broken\n", "not valid UTF-8 (byte 0xff at line 3)", id="invalid-utf8"),
        pytest.param("\ufeffutf-16 text".encode("utf-16-le"), "binary file", id="utf-16"),
        pytest.param(b"ok\n" + b"\xed\xa0\x80" + b"\n", "not valid UTF-8", id="encoded-surrogate"),
    ],
)
def test_undecodable_files_are_reported_and_never_rewritten(omnilint, vault: Path, data: bytes, message: str):
    bad = vault / "bad.md"
    bad.write_bytes(data)
    code, out, _ = omnilint("check", ".", cwd=vault)
    assert code == 1
    assert f"bad.md:1:1: IO001 {message}" in out
    assert_good_file_was_handled(vault, out, wrote=False)
    code, out, _ = omnilint("fix", "--write", "--unsafe-fixes", ".", cwd=vault)
    assert bad.read_bytes() == data
    assert_good_file_was_handled(vault, out, wrote=True)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("\n\n\n", id="blank-lines-only"),
        pytest.param("   ", id="spaces-only"),
        pytest.param("---\ntitle: x\n---", id="only-front-matter-no-newline"),
        pytest.param("---\ntitle: x\n---\n", id="only-front-matter"),
        pytest.param("---\r\ntitle: x\r\n---\r\n", id="only-front-matter-crlf"),
        pytest.param("---\ntitle: x\n", id="unclosed-front-matter"),
        pytest.param("---\n---\n", id="empty-front-matter"),
        pytest.param("---", id="only-a-delimiter"),
        pytest.param("+++\ntitle = 'x'\n+++\n", id="only-toml"),
        pytest.param("{\n}\n", id="only-json"),
        pytest.param("\ufeff", id="only-a-bom"),
    ],
)
def test_empty_and_front_matter_only_files(omnilint, vault: Path, text: str):
    path = vault / "edge.md"
    path.write_bytes(text.encode("utf-8"))
    code, out, err = omnilint("check", "--select", "ALL", ".", cwd=vault)
    assert code in (0, 1) and "INT001" not in out, out + err
    omnilint("fix", "--write", "--unsafe-fixes", "--select", "ALL", ".", cwd=vault)
    once = path.read_bytes()
    before = fm.find(text.lstrip("\ufeff"))
    if before is not None and before.parsed_ok:
        after = fm.find(once.decode("utf-8").lstrip("\ufeff"))
        assert after is not None and after.parsed_ok and after.value == before.value
    elif not text.strip(" \n\ufeff"):
        assert once in (text.encode(), b"", b"\n")  # at most whitespace is normalised
    omnilint("fix", "--write", "--unsafe-fixes", "--select", "ALL", ".", cwd=vault)
    assert path.read_bytes() == once  # idempotent
    assert_good_file_was_handled(vault, out, wrote=True)


# -- files and folders that cannot be read ---------------------------------------------------------


def make_unreadable(path: Path, monkeypatch) -> None:
    """chmod 000; root reads anything, so for root the refusal is simulated at the OS call."""
    if not IS_ROOT:
        os.chmod(path, 0)
        return
    target = str(path)
    denied = PermissionError(errno.EACCES, "Permission denied", target)
    if path.is_dir():
        real_scandir = os.scandir

        def scandir(p="."):
            if os.path.abspath(p) == target:
                raise denied
            return real_scandir(p)

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        real_open = os.open

        def refusing_open(p, *args, **kwargs):
            if os.path.abspath(p) == target:
                raise denied
            return real_open(p, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing_open)


def test_unreadable_file_and_folder_are_reported_and_the_run_goes_on(omnilint, vault: Path, monkeypatch):
    locked_file = vault / "locked.md"
    locked_file.write_text("x  \n")
    locked_folder = vault / "private"
    locked_folder.mkdir()
    (locked_folder / "inside.md").write_text("y  \n")
    make_unreadable(locked_file, monkeypatch)
    make_unreadable(locked_folder, monkeypatch)
    try:
        code, out, _ = omnilint("fix", "--write", ".", cwd=vault)
        assert "locked.md:1:1: IO001 cannot read: Permission denied" in out
        assert "private:1:1: IO001 cannot read folder: Permission denied" in out
        assert code == 1
        assert_good_file_was_handled(vault, out, wrote=True)
    finally:
        os.chmod(locked_file, 0o644)
        os.chmod(locked_folder, 0o755)
    assert locked_file.read_text() == "x  \n"


def test_broken_symlinks_and_symlink_loops(omnilint, vault: Path):
    (vault / "broken.md").symlink_to(vault / "nowhere.md")
    (vault / "loop-a.md").symlink_to(vault / "loop-b.md")
    (vault / "loop-b.md").symlink_to(vault / "loop-a.md")
    sub = vault / "sub"
    sub.mkdir()
    (sub / "note.md").write_text("z\n")
    (sub / "up").symlink_to(vault, target_is_directory=True)  # a folder loop
    (sub / "self").symlink_to(sub, target_is_directory=True)
    code, out, _ = omnilint("check", ".", cwd=vault)
    assert "broken.md:1:1: IO001 broken symbolic link" in out
    assert "loop-a.md:1:1: IO001" in out and "loop-b.md:1:1: IO001" in out
    assert out.count("good.md:") == 1  # the folder loop does not visit anything twice
    assert_good_file_was_handled(vault, out, wrote=False)
    code, out, _ = omnilint("check", "broken.md", "loop-a.md", "good.md", cwd=vault)
    assert "broken.md:1:1: IO001 broken symbolic link" in out
    assert "loop-a.md:1:1: IO001" in out
    assert_good_file_was_handled(vault, out, wrote=False)


# -- files that change while omnilint runs ---------------------------------------------------------


def test_file_deleted_before_it_is_read(omnilint, vault: Path, monkeypatch):
    gone = vault / "gone.md"
    gone.write_text("a  \n")
    real = runner.discover_files

    def discover_then_delete(paths, session):
        found = real(paths, session)
        gone.unlink()
        return found

    monkeypatch.setattr(runner, "discover_files", discover_then_delete)
    code, out, _ = omnilint("fix", "--write", ".", cwd=vault)
    assert "gone.md:1:1: IO001 cannot read: No such file or directory" in out
    assert not gone.exists()
    assert_good_file_was_handled(vault, out, wrote=True)


@pytest.mark.parametrize("what", ["changed", "deleted", "replaced-by-a-folder"])
def test_file_that_changes_after_it_was_read_is_never_overwritten(omnilint, vault: Path, monkeypatch, what: str):
    victim = vault / "victim.md"
    victim.write_text("old  \n")
    real = runner.process

    def process_then_meddle(task, session):
        result = real(task, session)
        if task.path.endswith("victim.md"):
            if what == "changed":
                victim.write_text("the user typed this meanwhile  \n")
            elif what == "deleted":
                victim.unlink()
            else:
                victim.unlink()
                victim.mkdir()
        return result

    monkeypatch.setattr(runner, "process", process_then_meddle)
    code, out, _ = omnilint("fix", "--write", ".", cwd=vault)
    assert code == 1
    if what == "changed":
        assert victim.read_text() == "the user typed this meanwhile  \n"
        assert "victim.md changed on disk since it was read; not written" in out
    elif what == "deleted":
        assert not victim.exists()  # never re-created from stale content
        assert "victim.md:1:1: IO003 cannot write: No such file or directory" in out
    else:
        assert victim.is_dir()
        assert "victim.md:1:1: IO003 cannot write:" in out
    assert not list(vault.glob(writer.TMP_PREFIX + "*"))
    assert_good_file_was_handled(vault, out, wrote=True)


def test_a_change_between_the_check_and_the_rename_is_caught(tmp_path: Path, monkeypatch):
    """The last look happens after the temporary file is written, right before the rename."""
    path = tmp_path / "a.md"
    path.write_bytes(b"old\n")
    real_fsync = os.fsync

    def fsync_then_edit(fd):
        real_fsync(fd)
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(writer.TMP_PREFIX):
            path.write_bytes(b"edited during the write\n")

    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to name the file being fsynced")
    monkeypatch.setattr(os, "fsync", fsync_then_edit)
    with pytest.raises(writer.StaleFileError):
        writer.write_atomic(path, b"new\n", b"old\n")
    assert path.read_bytes() == b"edited during the write\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


# -- YAML built to hurt -------------------------------------------------------------------------------

ALIAS_BOMB = textwrap.dedent(
    """\
    ---
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
    title: &t {x: *i, y: *i, z: *i}
    tags: *i
    ---
    # Body

    Text.
    """
)
DEEP_FLOW = "---\ntitle: deep\nnested: " + "[" * 990 + "]" * 990 + "\n---\nBody.\n"
DEEP_MAPPING = "---\ntitle: deep\nnested: " + "{a: " * 990 + "1" + "}" * 990 + "\n---\nBody.\n"
DEEP_BLOCK = "---\ntitle: deep\n" + "".join(" " * i + "k:\n" for i in range(500)) + "---\nBody.\n"
TOO_DEEP = "---\ntitle: deep\nnested: " + "[" * 100_000 + "]" * 100_000 + "\n---\nBody.\n"

MEMORY_LIMIT = 1 << 30  # 1 GiB of address space: far above a normal run, far below an expanded bomb
CPU_SECONDS = 60


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


@pytest.mark.skipif(sys.platform != "linux" or resource is None, reason="resource limits as on Linux")
@pytest.mark.parametrize(
    "text",
    [
        pytest.param(ALIAS_BOMB, id="alias-bomb"),
        pytest.param(DEEP_FLOW, id="deep-flow-sequence"),
        pytest.param(DEEP_MAPPING, id="deep-flow-mapping"),
        pytest.param(DEEP_BLOCK, id="deep-block-mapping"),
        pytest.param(TOO_DEEP, id="too-deep"),
    ],
)
def test_hostile_yaml_is_handled_in_bounded_time_and_memory(tmp_path: Path, text: str):
    (tmp_path / "bomb.md").write_text(text, encoding="utf-8")
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    for args in (["fix", "--write", "--unsafe-fixes"], ["check", "--output-format", "json"]):
        proc = subprocess.run(
            [sys.executable, "-m", "omnilint", *args, "--select", "ALL", "--no-cache", "."],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            preexec_fn=_limited,
        )
        assert proc.returncode in (0, 1), (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
        assert "INT001" not in proc.stdout and "Traceback" not in proc.stderr, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert (tmp_path / "good.md").read_text() == GOOD_FIXED
    assert (tmp_path / "bomb.md").read_text(encoding="utf-8").startswith("---\n")


# -- size limit ------------------------------------------------------------------------------------


def test_files_above_the_size_limit_are_skipped_with_a_finding(omnilint, vault: Path):
    (vault / "omnilint.toml").write_text("max-file-size = 1000\n")
    big = vault / "big.md"
    big.write_text("word  \n" * 500)
    before = big.read_bytes()
    code, out, _ = omnilint("fix", "--write", ".", cwd=vault)
    assert "big.md:1:1: IO002 file is 3500 bytes, above max-file-size (1000); skipped" in out
    assert big.read_bytes() == before
    assert_good_file_was_handled(vault, out, wrote=True)


# -- writing -----------------------------------------------------------------------------------------------


def test_read_only_file_is_not_rewritten_when_fixing(omnilint, vault: Path):
    locked = vault / "locked.md"
    locked.write_text("x  \n")
    os.chmod(locked, 0o444)
    try:
        code, out, _ = omnilint("fix", "--write", ".", cwd=vault)
        assert code == 1
        assert "locked.md:1:1: IO003 cannot write: the file is read-only; not written" in out
        assert locked.read_text() == "x  \n"
        assert stat.S_IMODE(locked.stat().st_mode) == 0o444
        assert_good_file_was_handled(vault, out, wrote=True)
    finally:
        os.chmod(locked, 0o644)


@pytest.mark.skipif(IS_ROOT, reason="root may write into a read-only folder")
def test_read_only_folder_is_reported(omnilint, vault: Path):
    folder = vault / "ro"
    folder.mkdir()
    (folder / "a.md").write_text("x  \n")
    os.chmod(folder, 0o555)
    try:
        code, out, _ = omnilint("fix", "--write", ".", cwd=vault)
        assert "ro/a.md:1:1: IO003 cannot write: Permission denied" in out
        assert (folder / "a.md").read_text() == "x  \n"
    finally:
        os.chmod(folder, 0o755)
    assert_good_file_was_handled(vault, out, wrote=True)


def _assert_full_disk_left_originals_intact(folder: Path, files: dict[str, bytes], out: str) -> None:
    for name, data in files.items():
        assert (folder / name).read_bytes() == data, name
        assert f"{name}:1:1: IO003 cannot write:" in out, out
    assert not list(folder.glob(writer.TMP_PREFIX + "*")), "a temporary file was left behind"


def test_full_disk_on_fsync_leaves_the_original(omnilint, vault: Path, monkeypatch):
    """ENOSPC can come as late as fsync (delayed allocation)."""
    original = b"x  \n" * 10
    (vault / "a.md").write_bytes(original)

    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    code, out, _ = omnilint("fix", "--write", "a.md", cwd=vault)
    assert code == 1
    assert "a.md:1:1: IO003 cannot write: No space left on device" in out
    _assert_full_disk_left_originals_intact(vault, {"a.md": original}, out)


@pytest.mark.skipif(
    not hasattr(resource, "RLIMIT_FSIZE") or not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE"
)
def test_file_size_limit_hit_while_writing_leaves_the_original(vault: Path):
    """The kernel refuses the write part-way (EFBIG): the temporary file is half written."""
    original = ("word  \n" * 2000).encode()  # 14 kB; the fixed text (12 kB) is over the limit below

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    (vault / "big.md").write_bytes(original)
    proc = subprocess.run(
        [sys.executable, "-m", "omnilint", "fix", "--write", "--no-cache", "--jobs", "1", "."],
        cwd=vault,
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "big.md:1:1: IO003 cannot write: File too large" in proc.stdout
    _assert_full_disk_left_originals_intact(vault, {"big.md": original}, proc.stdout)
    assert (vault / "good.md").read_text() == GOOD_FIXED


@pytest.fixture
def small_tmpfs(tmp_path: Path):
    """A real full disk: a 256 kB tmpfs (needs root and mount(8); skipped otherwise)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if not IS_ROOT or sys.platform != "linux":
        pytest.skip("mounting a tmpfs needs root on Linux")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode(errors='replace').strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def test_full_disk_leaves_the_original_intact(omnilint, small_tmpfs: Path):
    files = {f"note{i}.md": (f"# Note {i}\n\n" + "text  \n" * 3000).encode() for i in range(3)}  # 21 kB each
    for name, data in files.items():
        (small_tmpfs / name).write_bytes(data)
    filler = small_tmpfs / "filler.bin"
    with open(filler, "wb", buffering=0) as out:  # fill the disk up to the last few kB
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    os.truncate(filler, filler.stat().st_size - 8192)  # room for small things, not for a rewrite
    code, out, _ = omnilint("fix", "--write", ".", cwd=small_tmpfs)
    assert code == 1
    assert "No space left on device" in out
    _assert_full_disk_left_originals_intact(small_tmpfs, files, out)
