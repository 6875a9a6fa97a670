"""Formatting with mdformat, made safe for Obsidian and Logseq files, and proven safe per file.

`format_document(text, style)` runs mdformat with omnilint's plugin
(omnilint.mdformat_obsidian, which brings mdformat-gfm) and
then checks the result before anyone may use it:

1. the front matter is byte-identical (and none appears where there was none);
2. every Obsidian/Logseq construct of the input is in the output, unchanged and in
   order: wikilinks, embeds, tags, block ids, highlights, comments, callout headers,
   `key:: value` properties;
3. the rendered HTML is unchanged, both as mdformat itself checks (markdown-it with
   the same plugins) and as omnilint's own parser renders it (pulldown-cmark, which
   knows wikilinks and math), whitespace between words aside;
4. formatting is stable: formatting the output again changes nothing.

A document that fails any check gets the reason and is left as it is.

mdformat is imported only here, and only when formatting is asked for: a plain
`omnilint check` never pays for it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import frontmatter as fm
from .document import Document
from .markdown import render_html

WRAP_MODES = ("keep", "no")
END_OF_LINE = ("keep", "lf", "crlf")
THEMATIC_BREAKS = ("---", "***", "___")
# FMT005's options (also accepted under `format-options`) and their defaults.
OPTIONS: dict[str, Any] = {"wrap": "keep", "number": True, "thematic-break": "---", "end-of-line": "keep"}
INSTALL_HINT = "mdformat is a dependency of omnilint-md: reinstall it (pip install --force-reinstall omnilint-md)"


class FormattingUnavailable(RuntimeError):
    """mdformat or one of the plugins formatting needs is not installed."""


def check_option(key: str, value: Any) -> str | None:
    """Why `value` is not valid for the formatting option `key`, or None."""
    if key == "wrap":
        if isinstance(value, bool) or not (value in WRAP_MODES or isinstance(value, int) and value > 1):
            return "must be 'keep', 'no' or a line width (an integer above 1)"
    elif key == "number":
        if not isinstance(value, bool):
            return "must be true (number ordered lists 1, 2, 3) or false (1, 1, 1)"
    elif key == "thematic-break":
        if value not in THEMATIC_BREAKS:
            return f"must be one of {', '.join(repr(t) for t in THEMATIC_BREAKS)}"
    elif key == "end-of-line":
        if value not in END_OF_LINE:
            return f"must be one of {', '.join(repr(e) for e in END_OF_LINE)}"
    else:
        return f"unknown formatting option; known: {', '.join(OPTIONS)}"
    return None


@dataclass(frozen=True)
class Style:
    """The formatting options, validated and hashable (results are memoised per style)."""

    wrap: str | int = "keep"
    number: bool = True
    thematic_break: str = "---"
    end_of_line: str = "keep"

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Style:
        for key, value in options.items():
            problem = check_option(key, value)
            if problem:
                raise ValueError(f"option {key!r}: {problem}")
        merged = {**OPTIONS, **options}
        return cls(merged["wrap"], merged["number"], merged["thematic-break"], merged["end-of-line"])

    def mdformat_options(self) -> dict[str, Any]:
        from .mdformat_obsidian import PLUGIN_ID

        return {
            "wrap": self.wrap,
            "number": self.number,
            "plugin": {PLUGIN_ID: {"thematic_break": self.thematic_break}},
        }

    def newline(self, text: str) -> str:
        """The line ending to write, chosen as mdformat does ("keep": the file's first one)."""
        if self.end_of_line == "crlf":
            return "\r\n"
        if self.end_of_line == "lf":
            return "\n"
        first = re.search(r"\r\n|\r|\n", text)
        return first.group() if first else "\n"  # CR-only files (old Mac) stay CR


@dataclass(frozen=True)
class Outcome:
    formatted: str  # the formatted text (equal to the input when it is formatted already)
    problem: str | None = None  # why `formatted` must not be used


# -- running mdformat ------------------------------------------------------------


def extensions() -> list[str]:
    """mdformat's extension names to enable: omnilint's plugin (it enables gfm itself)."""
    try:
        import mdformat.plugins

        from . import mdformat_obsidian
    except ImportError as exc:
        raise FormattingUnavailable(f"formatting needs mdformat and its plugins ({exc}): {INSTALL_HINT}") from None
    installed = mdformat.plugins.PARSER_EXTENSIONS
    # Registered by the entry point when omnilint is installed; register it by hand otherwise.
    installed.setdefault(mdformat_obsidian.PLUGIN_ID, mdformat_obsidian)  # type: ignore[attr-defined]
    missing = [name for name in mdformat_obsidian.REQUIRED_EXTENSIONS if name not in installed]
    if missing:
        raise FormattingUnavailable(f"formatting needs the mdformat plugins {', '.join(missing)}: {INSTALL_HINT}")
    return [mdformat_obsidian.PLUGIN_ID]


# The packages whose versions decide the formatted text (part of the result cache's key).
PACKAGES = ("mdformat", "mdformat-gfm", "mdformat-tables", "markdown-it-py", "mdit-py-plugins")


def versions() -> str:
    """The installed versions of PACKAGES, without importing them."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=none")
    return " ".join(found)


@contextmanager
def _quiet_mdformat() -> Iterator[None]:
    """mdformat logs warnings (e.g. about YAML) to stderr; omnilint reports its own findings."""
    import logging  # here, not at the top: every run imports this module, few format

    logger = logging.getLogger("mdformat")
    before = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = before


def render(text: str, style: Style) -> str:
    """`text` as mdformat with omnilint's plugins writes it (unverified).

    Rendered again until it no longer changes (at most three times): an escape added
    by one pass can make the next pass add another (`g~~~` becomes `g\\~~~`, then
    `g\\~\\~~`).  `mdformat --check` runs one pass, so the result must be a fixpoint.
    """
    out = _render_once(text, style)
    for _ in range(2):
        again = _render_once(out, style)
        if again == out:
            break
        out = again
    return out


@lru_cache(maxsize=64)
def _render_once(text: str, style: Style) -> str:
    names = extensions()
    import mdformat

    with _quiet_mdformat():
        formatted = mdformat.text(text, options=style.mdformat_options(), extensions=names)
    newline = style.newline(text)
    return formatted if newline == "\n" else formatted.replace("\n", newline)


@lru_cache(maxsize=64)
def format_document(text: str, style: Style) -> Outcome:
    """The formatted document, verified (see the module docstring).

    Raises FormattingUnavailable when mdformat or its plugins are missing.
    """
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        # markdown-it stops reading at its nesting limit, and slows to a crawl long before
        # 100,000 nested quotes: such a document is refused before mdformat sees it.
        return Outcome(text, f"it is nested {depth} levels deep (more than {MAX_NESTING})")
    pieces = crowded_block(text)
    if pieces > MAX_INLINE_PIECES:
        # mdformat's renderer looks up each text piece among its siblings (markdown-it-py's
        # `next_sibling` is a list.index): quadratic in the pieces of one paragraph.
        return Outcome(text, f"one paragraph holds {pieces} inline pieces (more than {MAX_INLINE_PIECES})")
    try:
        formatted = render(text, style)
    except FormattingUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - a formatter crash on one file is that file's finding
        return Outcome(text, f"mdformat failed: {type(exc).__name__}: {exc}")
    if formatted == text:
        return Outcome(text)
    return Outcome(formatted, verify(text, formatted, style))


MAX_NESTING = 30  # within the plugin's markdown-it maxNesting (32)
MAX_INLINE_PIECES = 2_000  # links, emphasis, code spans and Obsidian constructs in one paragraph


def crowded_block(text: str) -> int:
    """The most inline pieces any one paragraph or heading holds: its inline elements and the
    Obsidian constructs (tags, wikilinks, highlights…) that split its text for the formatter."""
    doc = Document(text)
    offsets = [c.offset for c in constructs(text, doc)]
    most = 0
    for node in doc.nodes_of("paragraph", "heading"):
        inside = bisect_left(offsets, node.end) - bisect_left(offsets, node.start)
        most = max(most, len(node.children) + inside)
    return most


def nesting_depth(text: str) -> int:
    """How deep the parse tree of the body goes (blocks and inlines)."""
    deepest = 0
    stack = [(Document(text).root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children)
    return deepest


# -- verification ------------------------------------------------------------------


def verify(before: str, after: str, style: Style) -> str | None:
    """Why `after` must not replace `before`, or None when it may."""
    return (
        front_matter_changed(before, after, style)
        or constructs_changed(before, after)
        or wikilink_text_changed(before, after)
        or html_changed(before, after)
        or markdown_it_html_changed(before, after, style)
        or definitions_changed(before, after)
        or unstable(after, style)
    )


def front_matter_changed(before: str, after: str, style: Style = Style()) -> str | None:
    """Byte-identical, except for the line endings when `end-of-line` asks for other ones."""
    old, new = fm.find(before), fm.find(after)
    if old is None:
        return "a front matter block would appear" if new is not None and new.closed else None
    if not old.closed:
        return "the front matter is not closed, so formatting would rewrite it (fix FM002 first)"
    if new is None or not new.closed:
        return "the front matter would change"
    old_block, new_block = _block(before, old), _block(after, new)
    if style.end_of_line != "keep":
        old_block, new_block = _NEWLINES.sub("\n", old_block), _NEWLINES.sub("\n", new_block)
    return None if old_block == new_block else "the front matter would change"


def _block(text: str, front: fm.FrontMatter) -> str:
    """The front matter from its opening to its closing delimiter (the line break after it is the body's)."""
    block = text[: front.end]
    for newline in ("\r\n", "\n", "\r"):
        if block.endswith(newline):
            return block[: -len(newline)]
    return block


_NEWLINES = re.compile(r"\r\n|\r")


# -- Obsidian and Logseq constructs --

HIGHLIGHT = re.compile(r"(?<!=)==(?=[^\s=])[^\r\n]*?(?<=[^\s=])==(?!=)")  # what `_highlights` finds
HIGHLIGHT_OPEN = re.compile(r"(?<!=)==(?=[^\s=])")
_HIGHLIGHT_CLOSE = re.compile(r"(?<=[^\s=])==(?!=)")


class Highlights:
    """Where the highlight opening at a position ends, found by bisection.

    The pattern above, tried at each `==`, scans the rest of the line when nothing
    closes it: `==x ==x ==x …` on one line took quadratic time.  Here every closer and
    line break is found once, and each opener looks up the first closer after it."""

    __slots__ = ("breaks", "closers")

    def __init__(self, text: str, breaks: str = "\n") -> None:
        self.closers = [m.start() for m in _HIGHLIGHT_CLOSE.finditer(text)]
        self.breaks = [m.start() for m in re.finditer(f"[{breaks}]", text)]

    def end(self, pos: int, limit: int) -> int | None:
        """The end of the highlight whose `==` (followed by a visible character) is at `pos`."""
        i = bisect_left(self.closers, pos + 3)  # a closer needs a visible character before it
        if i == len(self.closers) or self.closers[i] + 2 > limit:
            return None
        close = self.closers[i]
        j = bisect_left(self.breaks, pos)
        if j < len(self.breaks) and self.breaks[j] < close:
            return None  # the line ends first
        return close + 2

COMMENT = re.compile(r"%%.*?%%", re.DOTALL)
CALLOUT_HEADER = re.compile(r"\[![A-Za-z][\w-]*\][+-]?[^\r\n]*")
# `key:: value` at the start of a line, after any blockquote or list markers.
PROPERTY_LINE = re.compile(
    # Each quote or list marker is taken whole and never given back (atomic, possessive): the
    # markers of `>  >  >  …` could otherwise be split between the two `[ \t]*` in 2^n ways.
    r"^(?>[ \t]*+(?:>[ \t]?+|[-*+][ \t]++|\d{1,9}[.)][ \t]++))*+[ \t]*+([^\W_][\w.-]*::(?:[ \t][^\r\n]*)?)$", re.MULTILINE
)


@dataclass(frozen=True)
class Construct:
    kind: str
    source: str
    offset: int


def constructs(text: str, doc: Document | None = None) -> list[Construct]:
    """Every Obsidian/Logseq construct of the body outside code, in document order
    (`doc`: the text's Document, when the caller parsed it already)."""
    doc = doc if doc is not None else Document(text)
    found = [
        Construct("embed" if node.kind == "image" else "wikilink", doc.source(node), node.start)
        for node in doc.links
        if node.link_type == "wikilink"
    ]
    for node in doc.obsidian:
        if node.kind == "tag":
            found.append(Construct("tag", "#" + node.label, node.start))
        elif node.kind == "block_id":
            found.append(Construct("block id", "^" + node.label, node.start))
    found.extend(_highlights(doc))
    for m in _outside_code(doc, COMMENT):
        if not doc.in_code(m.end() - 1):
            found.append(Construct("comment", _comment_text(m.group()), m.start()))
    for m in _outside_code(doc, PROPERTY_LINE, group=1):
        found.append(Construct("property", m.group(1).rstrip(), m.start(1)))
    for node in doc.nodes:
        # pulldown-cmark takes the header line of GFM alert types ([!note], [!tip] …) out of
        # the blockquote's paragraphs: look for the header on the quote's first line.
        if node.kind == "callout" or node.kind == "blockquote" and node.label:
            header = CALLOUT_HEADER.search(text, node.start, doc.line_bounds(node.start)[1])
            if header:
                found.append(Construct("callout", header.group().rstrip(), header.start()))
    found.sort(key=lambda c: c.offset)
    return found


def _highlights(doc: Document) -> Iterator[Construct]:
    """What `HIGHLIGHT.finditer` finds outside code, in linear time (`Highlights`)."""
    text = doc.text
    index = Highlights(text, breaks="\r\n")
    after = doc.body_start
    for m in HIGHLIGHT_OPEN.finditer(text, doc.body_start):
        if m.start() < after:
            continue
        end = index.end(m.start(), len(text))
        if end is None:
            continue
        after = end
        if not doc.in_code(m.start()):
            yield Construct("highlight", text[m.start() : end], m.start())


def _comment_text(comment: str) -> str:
    """A comment's lines without the indentation, quote markers and blank lines that
    Markdown layout decides (the formatter may re-indent them); the words stay exact."""
    lines = (re.sub(r"^[ \t>]*", "", line).rstrip() for line in comment.splitlines())
    return "\n".join(line for line in lines if line)


def _outside_code(doc: Document, pattern: re.Pattern[str], group: int = 0) -> Iterator[re.Match[str]]:
    for m in pattern.finditer(doc.text, doc.body_start):
        if not doc.in_code(m.start(group)):
            yield m


def constructs_changed(before: str, after: str) -> str | None:
    old, new = constructs(before), constructs(after)
    for i, construct in enumerate(old):
        if i >= len(new) or (new[i].kind, new[i].source) != (construct.kind, construct.source):
            line = before.count("\n", 0, construct.offset) + 1
            return f"the {construct.kind} {_excerpt(construct.source)} (line {line}) would not stay as written"
    if len(new) > len(old):
        extra = new[len(old)]
        return f"a {extra.kind} {_excerpt(extra.source)} would appear"
    return None


# Text Obsidian may read as a wikilink or embed: `[[` up to the first `]]` on one line,
# whatever lies between (`[[ -n "$uki" ]]` in a shell snippet whose fences were lost).
WIKILINK_SHAPED = re.compile(r"!?\[\[(?:(?!\]\])[^\r\n])+\]\]")  # what `WikilinkShapes` finds
_OPENERS = re.compile(r"(?=\[\[)")
_CLOSERS = re.compile(r"(?=\]\])")


class WikilinkShapes:
    """Where wikilink-shaped text ends, found by bisection: the pattern above, tried at
    each `[[`, scans the rest of the line when no `]]` follows (quadratic on `[[[[…`)."""

    __slots__ = ("breaks", "closers", "text")

    def __init__(self, text: str, breaks: str = "\r\n") -> None:
        self.text = text
        self.closers = [m.start() for m in _CLOSERS.finditer(text)]
        self.breaks = [m.start() for m in re.finditer(f"[{breaks}]", text)]

    def end(self, pos: int, limit: int) -> int | None:
        """The end of the shape whose `[[` is at `pos`: the first `]]` after it, with at
        least one character between and no line break."""
        i = bisect_left(self.closers, pos + 2)
        if i == len(self.closers):
            return None
        close = self.closers[i]
        if close == pos + 2 or close + 2 > limit:
            return None
        j = bisect_left(self.breaks, pos + 2)
        if j < len(self.breaks) and self.breaks[j] < close:
            return None
        return close + 2

    def findall(self) -> list[str]:
        """What `WIKILINK_SHAPED.findall(text)` returns, in linear time."""
        text, found, after = self.text, [], 0
        for m in _OPENERS.finditer(text):
            start = m.start()
            if start < after:
                continue
            end = self.end(start, len(text))
            if end is None:
                continue
            if start > after and text[start - 1] == "!":
                start -= 1
            found.append(text[start:end])
            after = end
        return found


def wikilink_text_changed(before: str, after: str) -> str | None:
    """Every piece of wikilink-shaped text, in order, byte for byte (in code too: the check
    is meant to hold whatever the parsers make of the text around it)."""
    old = WikilinkShapes(_body(before)).findall()
    new = WikilinkShapes(_body(after)).findall()
    for i, source in enumerate(old):
        if i >= len(new) or new[i] != source:
            return f"the wikilink-shaped text {_excerpt(source)} would not stay as written"
    if len(new) > len(old):
        return f"wikilink-shaped text {_excerpt(new[len(old)])} would appear"
    return None


def definitions_changed(before: str, after: str) -> str | None:
    """Every link reference definition stays, used or not: mdformat drops the unused ones,
    which render as nothing but hold a URL the author kept (LNK008 removes one only as an
    unsafe fix)."""
    new = {_definition_key(d) for d in Document(after).definitions}
    for d in Document(before).definitions:
        if _definition_key(d) not in new:
            label = d.label if len(d.label) <= 50 else d.label[:49] + "…"
            return f"the link reference definition [{label}] would be dropped"
    return None


def _definition_key(node) -> tuple[str, str, str]:
    return " ".join(node.label.split()).casefold(), node.url, node.title


def _body(text: str) -> str:
    front = fm.find(text)
    return text[front.end :] if front is not None and front.closed else text


# -- rendered HTML --

_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)
_SPACE_BEFORE_TAG = re.compile(r" (<[a-zA-Z][-a-zA-Z0-9]*>)")
_SPACE_AFTER_TAG = re.compile(r"(</[a-zA-Z][-a-zA-Z0-9]*>) ")


def normalised_html(markdown: str) -> str:
    """pulldown-cmark's HTML of the body, with whitespace between words reduced as mdformat does.

    Code blocks (<pre>) are compared exactly.
    """
    front = fm.find(markdown)
    body = markdown[front.end :] if front is not None and front.closed else markdown
    parts = _PRE.split(render_html(body))
    for i in range(0, len(parts), 2):
        html = re.sub(r"\s+", " ", parts[i])
        html = html.replace("<p> ", "<p>").replace(" </p>", "</p>")
        html = _SPACE_AFTER_TAG.sub(r"\1", _SPACE_BEFORE_TAG.sub(r"\1", html))
        parts[i] = html.replace("<p></p>", "")
    return "".join(parts).strip()


def html_changed(before: str, after: str) -> str | None:
    old, new = normalised_html(before), normalised_html(after)
    if old == new:
        return None
    at = _first_difference(old, new)
    return f"the rendered HTML would change ({_excerpt(old[at : at + 50])} would become {_excerpt(new[at : at + 50])})"


def markdown_it_html_changed(before: str, after: str, style: Style) -> str | None:
    from mdformat._util import is_md_equal  # mdformat's own check, as `mdformat` runs it

    with _quiet_mdformat():
        equal = is_md_equal(before, after, options=style.mdformat_options(), extensions=extensions())
    return None if equal else "the HTML rendered by mdformat's parser would change"


def unstable(after: str, style: Style) -> str | None:
    again = _render_once(after, style)
    if again == after:
        return None
    at = _first_difference(after, again)
    line = after.count("\n", 0, at) + 1
    return f"formatting is not stable: a second run would change line {line} again"


# -- helpers --


def _first_difference(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _excerpt(text: str, limit: int = 50) -> str:
    text = text.replace("\r", "").replace("\n", "⏎")
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def changed_span(before: str, after: str) -> tuple[int, int, int, int]:
    """(start, end) in `before` and (start, end) in `after` of the one region that differs.

    The region is widened to whole lines of `before` (the widening is common to both texts).
    """
    start = _first_difference(before, after)
    start = before.rfind("\n", 0, start) + 1
    limit = min(len(before), len(after)) - start
    suffix = 0
    while suffix < limit and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    end = len(before) - suffix
    if end > start and before[end - 1] != "\n":  # end the edit at the end of its line
        newline = before.find("\n", end)
        suffix = 0 if newline < 0 else len(before) - newline - 1
    return start, len(before) - suffix, start, len(after) - suffix
