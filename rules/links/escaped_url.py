from __future__ import annotations

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import ENTITY, decode_entity, parsed_destination, url_holders
from ._grouped import location

# Decoding these would end or break the destination; their references stay.
_KEEP = frozenset(" \t\n\r\f\v()<>\\\"'")


class EscapedUrl(Rule):
    """## What it does
    Finds HTML character references inside link and image destinations:
    `https:&#x2F;&#x2F;example.com&#x2F;page`, `?a=1&amp;b=2`.  One finding per
    document, on the first such URL, with the number of URLs (an exporter escapes
    them all, and one fix mends them all); JSON output lists every URL's position
    in the finding's `data` (`count`, `references`, `locations`).

    ## Why is this bad?
    An exporter that HTML-escaped its template output wrote every URL this way.
    Renderers decode the references, so the links work, but the text is
    unreadable, search and other tools (and LNK002, LNK010) see mangled URLs,
    and some editors do not decode them at all.

    ## Example
    ```markdown
    See [the post](https:&#x2F;&#x2F;example.com&#x2F;2024&#x2F;post?a=1&amp;b=2).
    ```

    Use instead:
    ```markdown
    See [the post](https://example.com/2024/post?a=1&b=2).
    ```

    ## Fix safety
    Safe and render-preserving: CommonMark resolves the references to the same
    URL, so the rendered href is unchanged (the fixer verifies it).  One fix
    decodes every URL of the document.  References
    whose character would end or break the destination (spaces, parentheses,
    angle brackets, quotes, backslashes), or whose decoding would create a new
    reference (`&amp;lt;`), are kept.
    """

    code = "LNK003"
    name = "escaped-url"
    summary = "HTML character references inside link and image destinations"
    fixable = Fixable.SAFE

    def check(self, doc: Document, options: Options):
        text = doc.text
        found: list[tuple[int, int, int, str]] = []  # (start, end, references, raw) of each URL
        edits: list[Edit] = []
        for node, (start, end) in url_holders(doc):
            raw = text[start:end]
            if "&" not in raw or node.link_type == "autolink":  # autolinks take references literally
                continue
            decoded, count = _decode(raw)
            if not count:
                continue
            found.append((start, end, count, raw))
            probe = f"<{decoded}>" if start > 0 and text[start - 1] == "<" else decoded
            if parsed_destination(probe) == node.url:
                edits.append(Edit(start, end, decoded))
        if not found:
            return
        start, end, count, raw = found[0]
        references = sum(c for *_, c, _ in found)
        if len(found) == 1:
            plural = "s" if count > 1 else ""
            message = f"{count} HTML character reference{plural} in a URL (e.g. {_first(raw)})"
            action = "Decode the character references"
        else:
            message = f"{len(found)} URLs hold HTML character references ({references} references, e.g. {_first(raw)})"
            action = f"Decode the character references in {len(edits)} URL{'s' if len(edits) > 1 else ''}"
        fix = self.fix(action, *edits, preserves_render=True) if edits else None
        data = {
            "count": len(found),
            "references": references,
            "locations": [location(doc, s, e) for s, e, _, _ in found],
        }
        yield self.report(doc, start, end, message, fix, data)


def _decode(raw: str) -> tuple[str, int]:
    """`raw` with every harmless character reference decoded, and how many were."""
    out: list[str] = []
    pos = count = 0
    for m in ENTITY.finditer(raw):
        char = decode_entity(m.group())
        if char is None or any(c in _KEEP for c in char):
            continue
        # Only the next few characters: a reference is at most 34 long, and copying the
        # whole rest of the URL for each reference made a long URL cost quadratic time.
        following = raw[m.end() : m.end() + 40]
        if char.endswith("&") and ENTITY.match("&" + following):
            continue  # `&amp;lt;` must not become the reference `&lt;`
        out.append(raw[pos : m.start()])
        out.append(char)
        pos = m.end()
        count += 1
    out.append(raw[pos:])
    return "".join(out), count


def _first(raw: str) -> str:
    m = ENTITY.search(raw)
    return m.group() if m else "&"
