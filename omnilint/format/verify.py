"""Whether a formatted text may replace the original (see omnilint.format's docstring).

Each check returns why not, or None.  The Obsidian grammar comes from omnilint.obsidian,
the same definitions the parse layer and the rules use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .. import frontmatter as fm
from ..document import Document
from ..markdown import render_html
from ..obsidian import CALLOUT_HEADER, COMMENT, HIGHLIGHT_OPEN, PROPERTY_LINE, Highlights, WikilinkShapes
from .render import extensions, quiet_mdformat, render_once
from .style import DEFAULT_STYLE, Style

# -- verification ------------------------------------------------------------------


def first_problem(before: str, after: str, style: Style) -> str | None:
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


def front_matter_changed(before: str, after: str, style: Style = DEFAULT_STYLE) -> str | None:
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
        if node.kind == "callout" or (node.kind == "blockquote" and node.label):
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
    at = first_difference(old, new)
    return f"the rendered HTML would change ({_excerpt(old[at : at + 50])} would become {_excerpt(new[at : at + 50])})"


def markdown_it_html_changed(before: str, after: str, style: Style) -> str | None:
    from mdformat._util import is_md_equal  # mdformat's own check, as `mdformat` runs it

    with quiet_mdformat():
        equal = is_md_equal(before, after, options=style.mdformat_options(), extensions=extensions())
    return None if equal else "the HTML rendered by mdformat's parser would change"


def unstable(after: str, style: Style) -> str | None:
    again = render_once(after, style)
    if again == after:
        return None
    at = first_difference(after, again)
    line = after.count("\n", 0, at) + 1
    return f"formatting is not stable: a second run would change line {line} again"


# -- helpers --


def first_difference(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _excerpt(text: str, limit: int = 50) -> str:
    text = text.replace("\r", "").replace("\n", "⏎")
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
