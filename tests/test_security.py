"""Security: what a crafted document, cache file or folder can make omnilint do (issue 7).

- YAML is only ever loaded safely; nothing from a scanned file or a cache file runs.
- Link resolution and fixes stay inside the project root.
- No network without --online (or `online = true`).
- Plugins come only from installed entry points or paths the user's config names.
- Output escapes control characters from file content.

Observation uses audit hooks (PEP 578): `open`, `os.scandir`/`os.listdir` and socket
events are recorded while the CLI runs in this process.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from conftest import ROOT

from omnilint import cli
from omnilint.document import Document
from omnilint.registry import installed_rules

SOURCES = sorted([*(ROOT / "omnilint").rglob("*.py"), *(ROOT / "rules").rglob("*.py")])

# -- audit hooks --------------------------------------------------------------------------

_RECORDING: list[tuple[str, tuple]] | None = None
_IGNORED_THREADS: set[int] = set()
_WATCHED = (
    "open",
    "os.scandir",
    "os.listdir",
    "socket.__new__",
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.sendto",
    "http.client.connect",
    "urllib.Request",
)


def _hook(event: str, args: tuple) -> None:
    if _RECORDING is not None and event in _WATCHED and threading.get_ident() not in _IGNORED_THREADS:
        _RECORDING.append((event, args))


sys.addaudithook(_hook)  # cannot be removed; it records only inside `recorded()`


@contextmanager
def recorded():
    global _RECORDING  # noqa: PLW0603 - an audit hook cannot be removed: this is its only switch
    events: list[tuple[str, tuple]] = []
    _RECORDING = events
    try:
        yield events
    finally:
        _RECORDING = None


def network_events(events: list[tuple[str, tuple]]) -> list[tuple[str, tuple]]:
    found = []
    for event, args in events:
        if event == "socket.__new__" and args[1] not in (socket.AF_INET, socket.AF_INET6):
            continue  # socketpair() and other local plumbing
        if event.startswith(("socket.", "http.", "urllib.")):
            found.append((event, args))
    return found


@pytest.fixture
def omnilint(monkeypatch, capsys):
    def run(*args: str, cwd: Path) -> tuple[int, str]:
        monkeypatch.chdir(cwd)
        code = cli.main([*args, "--jobs", "1"])
        out, err = capsys.readouterr()
        return code, out + err

    return run


# -- YAML and code execution -----------------------------------------------------------------

UNSAFE_YAML_NAMES = {
    "Loader",
    "UnsafeLoader",
    "FullLoader",
    "CLoader",
    "CUnsafeLoader",
    "CFullLoader",
    "unsafe_load",
    "full_load",
    "unsafe_load_all",
    "full_load_all",
    "load_all",
}
YAML_CALLS = {"load", "compose", "compose_all", "parse", "scan", "load_all"}


def _yaml_problems(path: Path) -> list[str]:
    problems = []
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in UNSAFE_YAML_NAMES and _is_yaml(node.value):
            problems.append(f"{path.name}:{node.lineno}: yaml.{node.attr}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in YAML_CALLS
            and _is_yaml(node.func.value)
        ):
            loader = next(
                (k.value for k in node.keywords if k.arg == "Loader"), node.args[1] if len(node.args) > 1 else None
            )
            if loader is None or "Safe" not in ast.unparse(loader):
                problems.append(f"{path.name}:{node.lineno}: {ast.unparse(node.func)} without a safe Loader")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("eval", "exec"):
            problems.append(f"{path.name}:{node.lineno}: {node.func.id}()")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            )
            bad = [n for n in names if n.split(".")[0] in ("pickle", "marshal", "shelve", "dill", "cloudpickle")]
            problems.extend(f"{path.name}:{node.lineno}: imports {n}" for n in bad)
        if isinstance(node, ast.keyword) and node.arg == "typ" and "unsafe" in ast.unparse(node.value):
            problems.append(f"{path.name}:{node.lineno}: ruamel YAML(typ='unsafe')")
    return problems


def _is_yaml(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in ("yaml", "_yaml")


def test_sources_load_yaml_only_safely_and_never_unpickle_or_eval():
    problems = [p for path in SOURCES for p in _yaml_problems(path)]
    assert SOURCES and not problems, problems


PAYLOADS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.check_output [['touch', '{marker}']]",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/name:os.system",
    "!!python/module:os",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_yaml_tags_in_front_matter_never_run_code(omnilint, tmp_path: Path, payload: str):
    marker = tmp_path / "PWNED"
    text = f"---\ntitle: x\nevil: {payload.format(marker=marker)}\n---\n# Body  \n"
    for name in ("a.md", "b.md"):  # two files: the corpus phase and duplicates rules see it too
        (tmp_path / name).write_text(text)
    omnilint("check", "--select", "ALL", "--no-cache", ".", cwd=tmp_path)
    omnilint("fix", "--write", "--unsafe-fixes", "--select", "ALL", "--no-cache", ".", cwd=tmp_path)
    omnilint("check", "--select", "ALL", ".", cwd=tmp_path)  # with the cache: facts go through it too
    assert not marker.exists()
    assert "!!python" in (tmp_path / "a.md").read_text()  # reported, not "fixed" away


# -- the project root -----------------------------------------------------------------------------


@pytest.fixture
def project_and_bait(tmp_path: Path) -> tuple[Path, Path]:
    """A project whose documents point outside it in every way, and bait files out there."""
    outside = tmp_path / "outside"
    (outside / "attachments").mkdir(parents=True)
    (outside / "secret.md").write_text("# Secret\n\nDo not read.  \n")
    (outside / "attachments" / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (outside / "note.md").write_text("outside note\n")
    project = tmp_path / "vault"
    (project / "notes").mkdir(parents=True)
    (project / "omnilint.toml").write_text("")  # the project root is known
    (project / "notes" / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    absolute = outside.as_posix()
    (project / "notes" / "escape.md").write_text(
        "# Links out\n\n"
        f"[a](../../outside/secret.md) [b]({absolute}/secret.md) [c](file://{absolute}/secret.md)\n\n"
        "![d](../../outside/attachments/img.png) ![[../../outside/attachments/img.png]] [[../../outside/note]]\n\n"
        "[e](../../../../../../../../etc/passwd) [f](/etc/passwd) ![g](../../outside/attachments/missing.png)\n\n"
        "![[attachments/img.png]] [h](secret.md) [[note]] ![i](wrong/folder/img.png)\n",
    )
    return project, outside


def _inside(path: str, folder: Path) -> bool:
    real = os.path.realpath(path)
    return real == str(folder) or real.startswith(str(folder) + os.sep)


def test_link_resolution_and_fixes_never_touch_files_outside_the_project(omnilint, project_and_bait):
    project, outside = project_and_bait
    if "LNK005" not in installed_rules():
        pytest.skip("rules/links has no LNK005 (missing-local-target) yet")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in outside.rglob("*") if p.is_file()}
    with recorded() as events:
        omnilint("check", "--select", "ALL", "--no-cache", ".", cwd=project)
        omnilint("fix", "--write", "--unsafe-fixes", "--select", "ALL", "--no-cache", ".", cwd=project)
    touched = [
        (e, a[0])
        for e, a in events
        if e in ("open", "os.scandir", "os.listdir")
        and a
        and isinstance(a[0], (str, bytes, os.PathLike))
        and _inside(os.fsdecode(a[0]), outside)
    ]
    assert not touched, touched
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in outside.rglob("*") if p.is_file()}
    assert after == before
    fixed = Document((project / "notes" / "escape.md").read_text(), "notes/escape.md")
    for node in fixed.links:
        target = node.url.split("#")[0]
        if target and "://" not in target and not target.startswith("/"):
            resolved = os.path.normpath(os.path.join(project / "notes", target))
            assert _inside(resolved, project) or target in _original_destinations(), (
                f"a fix points out of the project: {target}"
            )


def _original_destinations() -> set[str]:
    return {
        "../../outside/secret.md",
        "../../outside/attachments/img.png",
        "../../outside/note",
        "../../../../../../../../etc/passwd",
        "../../outside/attachments/missing.png",
    }


def test_fix_never_writes_through_a_symlink_out_of_the_project(omnilint, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "theirs.md").write_text("someone else's file  \n")
    project = tmp_path / "vault"
    project.mkdir()
    (project / "mine.md").write_text("my file  \n")
    (project / "shared").symlink_to(outside, target_is_directory=True)
    (project / "link.md").symlink_to(outside / "theirs.md")
    code, out = omnilint("fix", "--write", "--no-cache", ".", cwd=project)
    assert (outside / "theirs.md").read_text() == "someone else's file  \n"
    assert (project / "mine.md").read_text() == "my file\n"
    assert "shared/theirs.md:1:1: IO003 not written: it is a symbolic link to a file outside the paths given" in out
    # Named on the command line, the link is the user's explicit choice.
    omnilint("fix", "--write", "--no-cache", "link.md", cwd=project)
    assert (outside / "theirs.md").read_text() == "someone else's file\n"


# -- the network --------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):  # noqa: N802 - http.server's naming
        self.send_response(404 if "gone" in self.path else 200)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _IGNORED_THREADS.add(thread.ident)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        _IGNORED_THREADS.discard(thread.ident)


def _linky_vault(folder: Path, base: str, files: int = 3, only_local: bool = False) -> None:
    """Notes linking to `base` (a loopback server) and, unless `only_local`, to hosts elsewhere:
    the runs that may really connect (--online) use only the loopback links."""
    for i in range(files):
        elsewhere = (
            ""
            if only_local
            else (
                f" <https://example.invalid/x{i}>\n\n"
                f"![img](https://proxy-prod.omnivore-image-cache.app/0x0,sabc/https://example.com/{i}.png)"
            )
        )
        (folder / f"n{i}.md").write_text(f"# Note {i}\n\n[gone]({base}/gone/{i}) [ok]({base}/ok){elsewhere}\n")


def test_no_socket_is_opened_without_online(omnilint, tmp_path: Path, local_server: str):
    _linky_vault(tmp_path, local_server)
    with recorded() as events:
        for args in (
            ["check"],
            ["check", "--select", "ALL"],
            ["check", "--extend-select", "LNK"],
            ["fix", "--select", "ALL", "--unsafe-fixes"],
            ["fix", "--write", "--select", "ALL"],
        ):
            omnilint(*args, "--no-cache", ".", cwd=tmp_path)
    assert not network_events(events), network_events(events)[:5]


def test_the_socket_detector_sees_online_checks(omnilint, tmp_path: Path, local_server: str):
    """The control for the test above: with --online, or `online = true` in the invoker's --config,
    LNK011 does connect (to the loopback server, which the invoker's config allows)."""
    if "LNK011" not in installed_rules():
        pytest.skip("no network rule installed")
    for n, flags in enumerate((["--online"], [])):
        folder = tmp_path / f"vault{n}"  # (a folder and a verdict cache of its own per run)
        folder.mkdir()
        _linky_vault(folder, local_server, files=1, only_local=True)
        invoker_config = tmp_path / f"mine{n}.toml"
        invoker_config.write_text(
            ("online = true\n" if not flags else "")
            + f'[rules.LNK011]\nallow-private-addresses = true\ncache-file = "online-{n}.json"\n'
        )
        with recorded() as events:
            code, out = omnilint("check", *flags, "--config", str(invoker_config), "--no-cache", ".", cwd=folder)
        assert network_events(events) and "LNK011" in out, out


NO_SOCKETS = r"""
import socket, sys
def hook(event, args):
    if event == "socket.__new__" and args[1] in (socket.AF_INET, socket.AF_INET6) or event in (
        "socket.connect", "socket.getaddrinfo", "socket.gethostbyname"):
        open(sys.argv[1], "a").write(event + "\n")
sys.addaudithook(hook)
from omnilint.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_no_socket_in_worker_processes_either(tmp_path: Path):
    vault = tmp_path / "vault"
    vault.mkdir()
    _linky_vault(vault, "http://127.0.0.1:9", files=70)  # enough files for worker processes
    log = tmp_path / "sockets.log"
    proc = subprocess.run(
        [sys.executable, "-c", NO_SOCKETS, str(log), "check", "--select", "ALL", "--jobs", "2", "--no-cache", "."],
        cwd=vault,
        capture_output=True,
        text=True,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert not log.exists(), log.read_text()


# -- plugins ------------------------------------------------------------------------------------------

EVIL = "import pathlib; pathlib.Path({marker!r}).write_text('ran')\n"


def test_code_in_the_scanned_folder_never_runs(tmp_path: Path):
    vault = tmp_path / "vault"
    vault.mkdir()
    marker = tmp_path / "PWNED"
    for name in (
        "yaml.py",
        "pyromark.py",
        "omnilint_plugin.py",
        "conftest.py",
        "rules.py",
        "plugin.py",
        "sitecustomize.py",
    ):
        (vault / name).write_text(EVIL.format(marker=str(marker)))
    (vault / "rules").mkdir()
    (vault / "rules" / "__init__.py").write_text(EVIL.format(marker=str(marker)))
    (vault / "note.md").write_text(
        "---\nplugins: [plugin.py]\nomnilint:\n  plugins: [plugin.py]\n---\n<!-- omnilint-plugins plugin.py -->\nText  \n"
    )
    commands = [[sys.executable, "-m", "omnilint"]]
    script = Path(sys.executable).parent / "omnilint"  # the console script pre-commit runs
    if script.exists():
        commands.append([str(script)])
    for command in commands:
        for args in (["check", "."], ["fix", "--write", "."], ["rules"]):
            proc = subprocess.run([*command, *args], cwd=vault, capture_output=True, text=True)
            assert proc.returncode in (0, 1), proc.stderr[-2000:]
            assert not marker.exists(), f"{' '.join(command + args)} ran code from the scanned folder"


def test_a_plugin_the_invoker_names_is_loaded(tmp_path: Path):
    """The control: a plugin named with --plugin, or in a config named with --config, is loaded."""
    for how in ("--plugin", "--config"):
        folder = tmp_path / how.strip("-")
        folder.mkdir()
        marker = folder / "LOADED"
        (folder / "my_rules.py").write_text(EVIL.format(marker=str(marker)) + "RULES = []\n")
        (folder / "mine.toml").write_text('plugins = ["my_rules.py"]\n')
        (folder / "note.md").write_text("Text\n")
        given = ["--plugin", "my_rules.py"] if how == "--plugin" else ["--config", "mine.toml"]
        proc = subprocess.run(
            [sys.executable, "-m", "omnilint", "check", "--no-cache", *given, "."],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert marker.exists(), how


# -- output -------------------------------------------------------------------------------------------

ESC = "\x1b]0;owned\x07\x1b[2J\x1b[31m"
EVIL_DOC = (
    f'---\ntitle: "x{ESC}"\ntitle: dup\n"k{ESC}": 1\n"k{ESC}": 2\nbad: [\x1b\n---\n'
    f"# Title {ESC}\n\n[{ESC}]() [x](https://omnivore.app/me/{ESC}) ![{ESC}](https://proxy-prod.omnivore-image-cache.app/0x0,s/x{ESC})\n\n"
    f"Text\x9b31m with C1 and \u202e bidi  \n\n[^{ESC}]\n"
)
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _evil_vault(folder: Path) -> None:
    (folder / "note.md").write_text(EVIL_DOC)
    (folder / f"name{ESC}\nwith newline.md").write_text(EVIL_DOC)


@pytest.mark.parametrize("output_format", ["text", "concise", "github", "json", "sarif"])
def test_control_characters_from_files_never_reach_the_output_raw(omnilint, tmp_path: Path, output_format: str):
    _evil_vault(tmp_path)
    code, out = omnilint("check", "--select", "ALL", "--no-cache", "--output-format", output_format, ".", cwd=tmp_path)
    assert "INT001" not in out
    assert not RAW_CONTROL.findall(out), sorted(set(RAW_CONTROL.findall(out)))
    lines = out.splitlines()
    if output_format == "github":
        assert lines and all(line.startswith("::") for line in lines), [
            line for line in lines if not line.startswith("::")
        ]
    if output_format in ("json", "sarif"):
        json.loads(out)


def test_the_diff_shown_on_a_terminal_is_escaped(tmp_path: Path, monkeypatch):
    _evil_vault(tmp_path)

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setenv("NO_COLOR", "1")  # omnilint's own colours are escapes too
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdout", terminal)
    cli.main(["fix", "--select", "ALL", "--unsafe-fixes", "--no-cache", "--jobs", "1", "."])
    shown = terminal.getvalue()
    assert "@@" in shown, "a diff should have been shown"
    assert not RAW_CONTROL.findall(shown), sorted(set(RAW_CONTROL.findall(shown)))
