"""`omnilint report`: the vault health page (issue 16).

The page's figures must be the run's (compared with `check --output-format json` on the
same folder), it must load nothing from the network, and a real headless Chromium must
draw its charts and show its headline numbers.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from collections import Counter
from functools import partial
from pathlib import Path

import pytest
from conftest import FIXTURE_ARTICLES, ROOT, run_omnilint

from omnilint import vault_report

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]  # fmt: skip


omnilint = partial(run_omnilint, timeout=300)


@pytest.fixture(scope="module")
def vault(tmp_path_factory) -> Path:
    """Our saved-article fixtures, the seed, and two copies of one article (a DUP003 cluster)."""
    root = tmp_path_factory.mktemp("report")
    folder = root / "vault"
    shutil.copytree(FIXTURE_ARTICLES, folder)
    shutil.copy(ROOT / "seeds" / "000_3c66538365dce977.md", folder / "seed.md")
    shutil.copytree(FIXTURE_ARTICLES / "Omnivore", folder / "Omnivore copy")
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.fixture(scope="module")
def page(vault: Path) -> str:
    done = omnilint("report", "--no-cache", "--output", "report.html", "vault", cwd=vault)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Wrote report.html" in done.stdout
    return (vault / "report.html").read_text(encoding="utf-8")


def embedded(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="omnilint-data">(.*?)</script>', page, re.S)
    assert found, "the page embeds its figures"
    return json.loads(found.group(1).replace("<\\/", "</"))


def test_the_figures_are_those_of_check_on_the_same_folder(vault: Path, page: str):
    findings = json.loads(omnilint("check", "--no-cache", "--output-format", "json", "vault", cwd=vault).stdout)
    data = embedded(page)
    assert data["findings"] == len(findings)
    assert data["files_with_findings"] == len({f["path"] for f in findings})
    assert data["by_rule"] == dict(Counter(f["code"] for f in findings))
    assert data["fixable_safe"] == sum(1 for f in findings if f["fix"] and f["fix"]["applicability"] == "safe")
    assert data["fixable_unsafe"] == sum(1 for f in findings if f["fix"] and f["fix"]["applicability"] == "unsafe")
    clusters = {tuple(f["data"]["cluster"]) for f in findings if f["code"] == "DUP003"}
    assert {tuple(c) for c in data["clusters"]} == clusters and clusters, "the duplicate clusters, with paths"
    assert data["files"] == len(list((vault / "vault").rglob("*.md")))
    assert data["dead_links"] == sum(1 for f in findings if f["code"] == "LNK001")
    assert data["images_recovered"] == sum(1 for f in findings if f["code"] == "LNK002")
    assert sum(data["by_exporter"].values()) == data["findings"] == sum(data["by_year"].values())
    for cluster in clusters:  # shown on the page with their paths
        assert all(f"<code>{p}</code>" in page for p in cluster)
    assert "omnilint fix --write vault" in page


def test_the_page_loads_nothing_from_the_network(page: str):
    references = re.findall(r'(?:src|href|action|poster|data)\s*=\s*["\']?([^"\'\s>]+)', page, re.I)
    outside = [r for r in references if re.match(r"(?:[a-z][a-z0-9+.-]*:|//)", r, re.I) and not r.startswith("data:")]
    assert not outside, outside
    assert "<link" not in page.lower() and "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page, "a Content-Security-Policy forbids any load"


def test_exporters_and_save_years_are_read_from_each_file(page: str):
    data = embedded(page)
    assert {"Omnivore", "Readwise", "Web Clipper", "MarkDownload", "Logseq"} <= set(data["files_by_exporter"])
    assert data["files_by_year"].get("2023", 0) >= 3 and data["files_by_year"].get("2024", 0) >= 2


def test_a_version_1_uuid_gives_the_year_it_was_made():
    assert vault_report.saved_year({"id": "ba4f520a-a081-11ee-9215-d7b360604b4b"}) == 2023
    assert vault_report.saved_year({"id": "0b9f2e6c-5d1a-11ee-8c99-0242ac120002", "date_saved": "2021-05-06"}) == 2021
    assert vault_report.saved_year({"id": "9b2e7c1e-3f1a-4a8e-9d7c-1f2e3d4c5b6a"}) is None  # version 4: no time inside
    assert vault_report.saved_year({"created": "2024年3月4日 星期一"}) == 2024


def test_lists_are_bounded_however_many_findings(tmp_path: Path):
    from omnilint.model import Diagnostic, Severity
    from omnilint.runner import FileResult, RunResult

    files = []
    for i in range(500):
        f = FileResult(f"f{i}.md", f"f{i}.md", path=str(tmp_path / f"f{i}.md"))
        f.diagnostics = [
            Diagnostic("FMT001", "trailing-whitespace", "x", 0, 1, Severity.WARNING, None, n, 1, n, 2)
            for n in range(1, 21)
        ]
        files.append(f)
    fig = vault_report.gather(RunResult(files, 500), {}, {})
    assert fig.findings == 10_000
    assert len(fig.by_rule["FMT001"]["examples"]) == vault_report.EXAMPLES_PER_RULE
    assert len(fig.top_files) == vault_report.TOP_FILES
    assert len(vault_report.render(fig, ["."], "now")) < 200_000


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.slow
def test_a_real_browser_draws_the_charts_and_shows_the_headline(vault: Path, page: str, tmp_path: Path):
    browser = chromium()
    if browser is None:
        pytest.skip(
            "no Chromium on this machine: .ci/run installs Debian's chromium package; "
            "elsewhere `apt-get install chromium`"
        )
    url = (vault / "report.html").as_uri()
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run(
        [browser, *CHROMIUM_FLAGS, *profile, "--virtual-time-budget=3000", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    drawn = dict(re.findall(r'<svg id="(chart-[a-z]+)"[^>]*data-drawn="(\d+x\d+)"', dom.stdout))
    assert set(drawn) == {"chart-family", "chart-rule", "chart-exporter", "chart-year", "chart-folder"}, drawn
    for chart, size in drawn.items():
        width, height = map(int, size.split("x"))
        assert width > 100 and height > 20, (chart, size)
    data = embedded(page)
    for name, value in (
        ("findings", data["findings"]),
        ("files", data["files"]),
        ("fixable safely", data["fixable_safe"]),
    ):
        assert re.search(rf'data-figure="{name}"><span class="number">{value:,}</span>', dom.stdout), name
    shot = tmp_path / "report.png"
    done = subprocess.run(
        [browser, *CHROMIUM_FLAGS, *profile, "--window-size=1200,1600", f"--screenshot={shot}", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1200, 1600)
    assert shot.stat().st_size > 30_000, "a page with charts, not a blank one"
