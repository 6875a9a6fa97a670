"""`omnilint report`: one self-contained HTML page on the health of a vault.

Built from the same run as `check` (same config, cache and selection): the figures
come from the run's findings, plus two facts per file that only the report needs, its
exporter and the year it was saved, read again from the file's front matter and
shape.  The page is one file: inline CSS, SVG bar charts drawn here, a few lines of
plain JavaScript for filtering, and nothing loaded from the network, so it opens from
disk in any browser and can be mailed around.  Lists are bounded (examples per rule,
files, clusters) so that 20,000 files give a page of a few megabytes at most.

The figures are also embedded as JSON (`<script id="omnilint-data">`) so tools and
tests can read exactly what the page shows.

One module: the figures, the charts and the page are one report whose parts must agree
(the page shows the figures the JSON holds); about a third of it is the page's template.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .model import Applicability
from .obsidian import PROPERTY_KEY

EXAMPLES_PER_RULE = 5
TOP_FILES = 30
TOP_FOLDERS = 20
MAX_CLUSTERS = 200
MAX_CLUSTER_PATHS = 20
READ_LIMIT = 64 << 10  # the exporter and the date are in a file's head

EXPORTERS = ("Omnivore", "Readwise", "Raindrop", "Web Clipper", "MarkDownload", "Logseq", "unknown")
# Okabe–Ito: told apart by people with any common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
DATE_KEYS = ("date_saved", "saved", "dateSaved", "saved_at", "created", "date", "date_published", "published")
_YEAR = re.compile(r"(?<!\d)(19[7-9]\d|20\d\d)(?!\d)")
_LOGSEQ_PROPERTY = re.compile(rf"^[\t ]*{PROPERTY_KEY}:: ", re.M)  # a Logseq property line (omnilint.obsidian)
GREGORIAN_TO_UNIX_100NS = 0x01B21DD213814000  # 1582-10-15 to 1970-01-01, in 100 ns


# -- facts per file ------------------------------------------------------------------------------


def exporter_of(text: str, meta: dict, path: str = "") -> str:
    """Which app exported a file, from its shape (the same marks REFERENCE.md lists)."""
    head = text[:READ_LIMIT]
    keys = {str(k).lower() for k in meta}
    first = next((line for line in head.splitlines() if line.strip()), "")
    if ("/pages/" in path or "/journals/" in path or path.startswith(("pages/", "journals/"))) and (
        first.lstrip().startswith("- ") or _LOGSEQ_PROPERTY.search(head)
    ):
        return "Logseq"  # a Logseq graph's page: an outline of blocks, often with `key:: value` properties
    if "omnivore.app" in head or "#Omnivore" in head or "omnivore-image-cache" in head:
        return "Omnivore"
    if "readwise" in head.lower() or ("## Metadata" in head and "Full Title:" in head):
        return "Readwise"
    if "raindrop_id" in keys or "raindrop.io" in head:
        return "Raindrop"
    if "> ## Excerpt" in head or ("source" in keys and "created" in keys and "(UTC" in str(meta.get("created", ""))):
        return "MarkDownload"
    if "source" in keys and ("clippings" in str(meta.get("tags", "")).lower() or "published" in keys):
        return "Web Clipper"
    if not meta and (_LOGSEQ_PROPERTY.search(head) or head.lstrip().startswith("- ")):
        return "Logseq"
    return "unknown"


def saved_year(meta: dict) -> int | None:
    """The year an article was saved: a front-matter date, else the time inside a version-1 UUID `id`.
    A year no read-it-later app could have written (before 1990, after next year) is no answer."""
    year = _saved_year(meta)
    return year if year is not None and 1990 <= year <= datetime.now(UTC).year + 1 else None


def _saved_year(meta: dict) -> int | None:
    for key in DATE_KEYS:
        value = meta.get(key)
        if value is None:
            continue
        year = getattr(value, "year", None)  # YAML dates and datetimes
        if isinstance(year, int):
            return year
        found = _YEAR.search(str(value))
        if found:
            return int(found.group())
    ident = meta.get("id")
    if isinstance(ident, str):
        try:
            parsed = uuid.UUID(ident.strip())
        except ValueError:
            return None
        if parsed.version == 1:
            seconds = (parsed.time - GREGORIAN_TO_UNIX_100NS) / 1e7
            try:
                return datetime.fromtimestamp(seconds, tz=UTC).year
            except (OverflowError, OSError, ValueError):
                return None
    return None


def file_facts(path: str, limit: int) -> tuple[str, int | None]:
    """(exporter, year saved) of one file; ("unknown", None) when it cannot be read."""
    from .document import Document
    from .runner import NotRegular, TooLarge, read_regular_file
    from .text import UndecodableError, decode

    try:
        data = read_regular_file(path, limit)
        text = decode(data).text
    except (OSError, TooLarge, NotRegular, UndecodableError):
        return "unknown", None
    try:
        meta = Document(text, None).meta
    except Exception:  # noqa: BLE001 - a front matter the linter already reports
        meta = {}
    return exporter_of(text, meta, path.replace("\\", "/")), saved_year(meta)


# -- the figures ---------------------------------------------------------------------------------


@dataclass
class Figures:
    files: int = 0
    findings: int = 0
    files_with_findings: int = 0
    fixable_safe: int = 0
    fixable_unsafe: int = 0
    duplicate_clusters: int = 0
    duplicate_files: int = 0
    dead_links: int = 0
    unreachable_urls: int = 0
    images_recovered: int = 0
    by_family: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_exporter: dict[str, int] = field(default_factory=dict)  # findings in the files of each exporter
    files_by_exporter: dict[str, int] = field(default_factory=dict)
    by_year: dict[str, int] = field(default_factory=dict)  # findings in the files saved each year
    files_by_year: dict[str, int] = field(default_factory=dict)
    by_folder: dict[str, int] = field(default_factory=dict)
    clusters: list[list[str]] = field(default_factory=list)
    top_files: list[tuple[str, int]] = field(default_factory=list)
    fix_plan: dict[str, int] = field(default_factory=dict)


def family(code: str) -> str:
    return code.rstrip("0123456789") or code


def gather(run, rules_table: dict, facts: dict[str, tuple[str, int | None]]) -> Figures:
    """Every figure of the page from the run's results; `facts`: display path -> (exporter, year)."""
    import os

    fig = Figures(files=run.checked)
    displays = [f.display for f in run.files if f.path]
    common = os.path.commonpath([os.path.dirname(p) or "." for p in displays]) if displays else ""

    def top_folder(display: str) -> str:
        rel = display[len(common) + 1 :] if common and display.startswith(common + "/") else display
        return rel.split("/", 1)[0] if "/" in rel else "(top)"

    def year_of(display: str) -> str:
        year = facts.get(display, ("", None))[1]
        return str(year) if year else "unknown"

    exporter_findings: Counter[str] = Counter()
    year_findings: Counter[str] = Counter()
    per_file: Counter[str] = Counter()
    families: Counter[str] = Counter()
    folders: Counter[str] = Counter()
    clusters: dict[tuple[str, ...], None] = {}
    for f, d in run.diagnostics:
        fig.findings += 1
        per_file[f.display] += 1
        families[family(d.code)] += 1
        folders[top_folder(f.display)] += 1
        if f.display in facts:
            exporter_findings[facts[f.display][0]] += 1
            year_findings[year_of(f.display)] += 1
        rule = rules_table.get(d.code)
        row = fig.by_rule.setdefault(
            d.code,
            {"name": d.name, "summary": rule.summary if rule else d.name, "count": 0, "fixable": 0, "examples": []},
        )
        row["count"] += 1
        if d.fix is not None:
            if d.fix.applicability is Applicability.SAFE:
                fig.fixable_safe += 1
                row["fixable"] += 1
                fig.fix_plan[d.code] = fig.fix_plan.get(d.code, 0) + 1
            else:
                fig.fixable_unsafe += 1
        if len(row["examples"]) < EXAMPLES_PER_RULE:
            row["examples"].append(f"{f.display}:{d.line}:{d.column}")
        if d.code == "DUP003" and d.data and d.data.get("cluster"):
            clusters.setdefault(tuple(d.data["cluster"]), None)
        elif d.code == "LNK001":
            fig.dead_links += 1
        elif d.code == "LNK011":
            fig.unreachable_urls += 1
        elif d.code == "LNK002":
            fig.images_recovered += 1
    fig.files_with_findings = len(per_file)
    fig.by_family = dict(families.most_common())
    fig.by_rule = dict(sorted(fig.by_rule.items(), key=lambda kv: (-kv[1]["count"], kv[0])))
    fig.clusters = [list(c) for c in clusters]
    fig.duplicate_clusters = len(fig.clusters)
    fig.duplicate_files = len({p for c in fig.clusters for p in c})
    fig.top_files = per_file.most_common(TOP_FILES)
    fig.by_folder = dict(folders.most_common(TOP_FOLDERS))
    exporters = Counter(exporter for exporter, _ in facts.values())
    fig.files_by_exporter = {name: exporters[name] for name in EXPORTERS if exporters[name]}
    fig.by_exporter = {name: exporter_findings[name] for name in fig.files_by_exporter}
    years = Counter(year_of(display) for display in facts)
    fig.files_by_year = dict(sorted(years.items(), key=lambda kv: (kv[0] == "unknown", kv[0])))
    fig.by_year = {year: year_findings[year] for year in fig.files_by_year}
    fig.fix_plan = dict(sorted(fig.fix_plan.items(), key=lambda kv: (-kv[1], kv[0])))
    return fig


# -- the page ------------------------------------------------------------------------------------


def _e(text: object) -> str:
    from .report import safe

    return html.escape(safe(str(text)), quote=True)


def bar_chart(title: str, data: dict[str, int], chart_id: str, palette_by_label: bool = False) -> str:
    """A horizontal bar chart as inline SVG: one labelled bar per entry, its value written beside it."""
    if not data:
        return f'<section class="chart"><h3>{_e(title)}</h3><p class="empty">Nothing to show.</p></section>'
    row, label_w, bar_w = 26, 190, 260
    height = row * len(data) + 8
    top = max(data.values()) or 1
    parts = [  # scales to its column (viewBox), text included
        f'<svg id="{chart_id}" class="bars" role="img" aria-label="{_e(title)}" width="100%" '
        f'viewBox="0 0 {label_w + bar_w + 70} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(data.items()):
        y = 4 + i * row
        width = max(2, round(bar_w * value / top))
        colour = PALETTE[i % len(PALETTE)] if palette_by_label else PALETTE[0]
        short = label if len(label) <= 25 else label[:24] + "…"
        parts.append(
            f"<g><title>{_e(label)}: {value}</title>"
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{_e(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row - 8}" rx="2" fill="{colour}"></rect>'
            f'<text x="{label_w + width + 6}" y="{y + 16}" class="value">{value:,}</text></g>'
        )
    parts.append("</svg>")
    return f'<section class="chart"><h3>{_e(title)}</h3>{"".join(parts)}</section>'


CSS = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0072B2; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { margin: 0 0 4px; font-size: 26px; } h2 { margin-top: 36px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 8px 0; } .muted, .empty { color: var(--muted); }
.headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 12px; margin: 18px 0; }
.figure { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.figure .number { font-size: 28px; font-weight: 650; display: block; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 8px 32px; }
svg.bars { display: block; max-width: 640px; height: auto; }
svg.bars text { font-size: 12px; fill: var(--ink); } svg.bars text.value { fill: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 8px 0; } th, td { text-align: left; padding: 4px 8px;
  border-bottom: 1px solid var(--line); vertical-align: top; } th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; }
input[type=search] { font: inherit; padding: 4px 8px; width: 320px; max-width: 100%; }
pre.command { background: #f6f8fa; padding: 10px 14px; border-radius: 6px; }
"""

SCRIPT = """
document.querySelectorAll('input[data-filter]').forEach(function (box) {
  box.addEventListener('input', function () {
    var words = box.value.toLowerCase();
    document.querySelectorAll(box.getAttribute('data-filter') + ' tbody tr').forEach(function (row) {
      row.hidden = words !== '' && row.textContent.toLowerCase().indexOf(words) < 0;
    });
  });
});
// Record each chart's drawn size: tests read it back from the DOM of a real browser.
document.querySelectorAll('svg.bars').forEach(function (svg) {
  var box = svg.getBoundingClientRect();
  svg.setAttribute('data-drawn', Math.round(box.width) + 'x' + Math.round(box.height));
});
"""


def render(fig: Figures, paths: list[str], generated: str) -> str:
    headline = [
        ("files", fig.files), ("findings", fig.findings), ("files with findings", fig.files_with_findings),
        ("fixable safely", fig.fixable_safe), ("fixable unsafely", fig.fixable_unsafe),
        ("duplicate articles", fig.duplicate_files), ("dead links", fig.dead_links),
        ("images recoverable", fig.images_recovered),
    ]  # fmt: skip
    if fig.unreachable_urls:
        headline.append(("unreachable URLs (online)", fig.unreachable_urls))
    figures_html = "".join(
        f'<div class="figure" data-figure="{_e(name)}"><span class="number">{value:,}</span>{_e(name)}</div>'
        for name, value in headline
    )
    charts = "".join(
        [
            bar_chart("Findings by rule family", fig.by_family, "chart-family", True),
            bar_chart(
                "Findings by rule",
                {f"{c} {r['name']}": r["count"] for c, r in list(fig.by_rule.items())[:20]},
                "chart-rule",
            ),
            bar_chart(
                "Findings by exporter (files in brackets)",
                {f"{k} ({fig.files_by_exporter[k]:,})": v for k, v in fig.by_exporter.items()},
                "chart-exporter",
                True,
            ),
            bar_chart(
                "Findings by year saved (files in brackets)",
                {f"{k} ({fig.files_by_year[k]:,})": v for k, v in fig.by_year.items()},
                "chart-year",
            ),
            bar_chart("Findings by top folder", fig.by_folder, "chart-folder"),
        ]
    )
    rule_rows = "".join(
        f"<tr><td><code>{_e(code)}</code></td><td>{_e(row['name'])}</td><td>{_e(row['summary'])}</td>"
        f'<td class="num">{row["count"]:,}</td><td class="num">{row["fixable"]:,}</td>'
        f"<td>{'<br>'.join(f'<code>{_e(x)}</code>' for x in row['examples'])}</td></tr>"
        for code, row in fig.by_rule.items()
    )
    file_rows = "".join(f'<tr><td><code>{_e(p)}</code></td><td class="num">{n:,}</td></tr>' for p, n in fig.top_files)
    cluster_rows = "".join(
        f'<tr><td class="num">{len(c)}</td><td>{"<br>".join(f"<code>{_e(p)}</code>" for p in c[:MAX_CLUSTER_PATHS])}'
        f"{f'<br>… and {len(c) - MAX_CLUSTER_PATHS} more' if len(c) > MAX_CLUSTER_PATHS else ''}</td></tr>"
        for c in fig.clusters[:MAX_CLUSTERS]
    )
    plan_rows = "".join(
        f'<tr><td><code>{_e(code)}</code></td><td>{_e(fig.by_rule[code]["name"])}</td><td class="num">{n:,}</td></tr>'
        for code, n in fig.fix_plan.items()
    )
    command = "omnilint fix --write " + " ".join(paths)
    data = {
        "files": fig.files, "findings": fig.findings, "files_with_findings": fig.files_with_findings,
        "fixable_safe": fig.fixable_safe, "fixable_unsafe": fig.fixable_unsafe,
        "duplicate_clusters": fig.duplicate_clusters, "duplicate_files": fig.duplicate_files,
        "dead_links": fig.dead_links, "unreachable_urls": fig.unreachable_urls, "images_recovered": fig.images_recovered,
        "by_family": fig.by_family, "by_rule": {c: r["count"] for c, r in fig.by_rule.items()},
        "by_exporter": fig.by_exporter, "files_by_exporter": fig.files_by_exporter,
        "by_year": fig.by_year, "files_by_year": fig.files_by_year, "by_folder": fig.by_folder,
        "clusters": fig.clusters[:MAX_CLUSTERS], "fix_plan": fig.fix_plan,
    }  # fmt: skip
    embedded = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    more = f" (the first {MAX_CLUSTERS} shown)" if len(fig.clusters) > MAX_CLUSTERS else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>omnilint report: {_e(" ".join(paths))}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>Vault health</h1>
<p class="muted">omnilint report on <code>{_e(" ".join(paths))}</code>, {_e(generated)}</p>
</header>
<section class="headline" aria-label="Headline figures">{figures_html}</section>
<h2>Charts</h2>
<div class="charts">{charts}</div>
<h2 id="fix">What <code>fix --write</code> would do</h2>
<p>{fig.fixable_safe:,} findings have a safe fix (a reader loses nothing); {fig.fixable_unsafe:,} more need
<code>--unsafe-fixes</code>. Run:</p>
<pre class="command"><code>{_e(command)}</code></pre>
<table id="fix-plan"><thead><tr><th>rule</th><th>name</th><th class="num">safe fixes</th></tr></thead><tbody>{plan_rows}</tbody></table>
<h2 id="rules">Rules</h2>
<p><input type="search" placeholder="Filter by rule, name or path" data-filter="#rule-table" aria-label="Filter rules"></p>
<table id="rule-table"><thead><tr><th>code</th><th>name</th><th>what it finds</th><th class="num">findings</th>
<th class="num">fixable</th><th>examples</th></tr></thead><tbody>{rule_rows}</tbody></table>
<h2 id="files">Files with the most findings</h2>
<p><input type="search" placeholder="Filter by folder or file" data-filter="#file-table" aria-label="Filter files"></p>
<table id="file-table"><thead><tr><th>file</th><th class="num">findings</th></tr></thead><tbody>{file_rows}</tbody></table>
<h2 id="duplicates">Duplicate articles</h2>
<p>{fig.duplicate_clusters:,} clusters of files that hold the same article (DUP003){more}.</p>
<table id="cluster-table"><thead><tr><th class="num">files</th><th>paths</th></tr></thead><tbody>{cluster_rows}</tbody></table>
<script type="application/json" id="omnilint-data">{embedded}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""


def build(run, rules_table: dict, paths: list[str], max_file_size: int) -> str:
    """The report page for a finished run."""
    facts = {f.display: file_facts(f.path, max_file_size) for f in run.files if f.path and not f.stdin}
    fig = gather(run, rules_table, facts)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return render(fig, paths, generated)
