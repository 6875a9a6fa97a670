"""An mdformat plugin that keeps Obsidian and Logseq syntax exactly as written.

Plain mdformat reads a vault as CommonMark: it escapes `[[Note|alias]]` into
`\\[[Note|alias]\\]`, turns `\\#tag` into a live `#tag`, decodes `&nbsp;` into an
invisible character, rewrites `%%comments%%` and LaTeX, drops `[^1]` footnotes and
re-serialises YAML front matter.  This plugin (entry point `omnilint` in the
`mdformat.parser_extension` group) parses those constructs and writes them back
byte for byte:

- front matter (YAML `---`, TOML `+++`, JSON `{…}`, as omnilint finds it), verbatim;
- wikilinks and embeds, `[[Note|alias]]`, `![[image.png|300]]`;
- `#tags`, `^block-ids`, `==highlights==`, `%%comments%%` (inline and block),
  callout headers `> [!note]- Title`, Logseq `key:: value` properties;
- character references and backslash escapes, as written;
- footnotes, kept where they are defined (mdformat-footnote moves them to the end
  and deletes unreferenced ones);
- `$math$` and `$$display math$$`, verbatim;
- link destinations as written (no percent-encoding of non-ASCII URLs).

It also sets the thematic-break style (`---` by default instead of mdformat's 70
underscores), keeps a block written right under a callout title there, and enables
mdformat-gfm, so `mdformat --extensions omnilint` is the whole omnilint flavour.

Maintained plugins that were measured and not used: mdformat-wikilink ignores
markdown-it's `silent` flag, so a link label holding a wikilink (`[![[x.jpg]]](url)`)
gets a stray copy of the wikilink; mdformat-obsidian upper-cases callout types and
moves footnotes to the end; mdformat-footnote moves them and deletes unreferenced
ones; mdformat-frontmatter re-serialises the YAML.

One module: mdformat finds a plugin as one module (its entry point) with parser rules and
renderers that pair up construct by construct; keeping each parser rule next to its
renderer is what makes "written back byte for byte" checkable by reading.

The formatter's safety checks live in omnilint.format.verify; this module only teaches
mdformat the syntax (the grammar itself is omnilint.obsidian's).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import mdformat.plugins
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdformat.renderer import WRAP_POINT  # mdformat's mark for "a line may break here"
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .. import frontmatter as fm
from ..obsidian import (
    BLOCK_ID_NAME,
    CALLOUT_TYPE,
    HIGHLIGHT_OPEN,
    PROPERTY_KEY,
    TAG_NAME,
    TAG_NOT_AFTER,
    Highlights,
    WikilinkShapes,
)

if TYPE_CHECKING:
    import argparse

    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from mdformat.renderer import RenderContext, RenderTreeNode

PLUGIN_ID = "omnilint"
# Maintained plugins this one builds on, enabled with it (as mdformat-gfm enables "tables").
REQUIRED_EXTENSIONS = ("gfm",)
MAX_NESTING = 32
THEMATIC_BREAKS = ("---", "***", "___")
DEFAULT_THEMATIC_BREAK = "---"

VERBATIM = "omnilint_verbatim"  # an inline token written back as its source (token.markup)
FRONT_MATTER = "omnilint_front_matter"
BLOCK_COMMENT = "omnilint_comment_block"

# Wikilink-shaped text: `[[` up to the first `]]` on the line, whatever it holds (a `[`
# too: `[[ -n "${a[0]}" ]]` in a shell snippet), written back byte for byte.
# Obsidian's grammar (omnilint.obsidian), anchored for markdown-it's inline rules: each is
# matched at a position of text whose line breaks are all "\n".
TAG = re.compile(rf"#{TAG_NAME}")
TAG_NOT_AFTER_CHAR = re.compile(TAG_NOT_AFTER)
BLOCK_ID = re.compile(rf"\^{BLOCK_ID_NAME}(?=[ \t]*(?:\n|$))")
PROPERTY = re.compile(rf"{PROPERTY_KEY}::(?=[ \t]|\n|$)")
CALLOUT = re.compile(rf"\[!{CALLOUT_TYPE}\][+-]?")

# Stand-ins for kept escapes and entities: Supplementary Private Use Areas A and B.
KEPT = "omnilint_kept"
_PRIVATE_A, _PRIVATE_B, _PRIVATE_SIZE = 0xF0000, 0x100000, 0xFFFE
_STAND_INS = 2 * _PRIVATE_SIZE
_STAND_IN = re.compile("[\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
_STAND_IN_RUN = re.compile("([\U000f0000-\U000ffffd\U00100000-\U0010fffd])\\1*")


# -- mdformat plugin interface ---------------------------------------------


def add_cli_argument_group(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--thematic-break",
        choices=THEMATIC_BREAKS,
        help=f"how to write thematic breaks (default: {DEFAULT_THEMATIC_BREAK})",
    )


def update_mdit(mdit: MarkdownIt) -> None:
    _enable_required(mdit)
    # markdown-it stops parsing at 20 open tokens, which an outline passes at ten levels
    # (list + item per level).  Higher costs time on bracket bombs (`[` * 100,000):
    # 32 takes a third longer there than 20.
    mdit.options["maxNesting"] = max(mdit.options.get("maxNesting", 0), MAX_NESTING)
    # Write link destinations back as the author wrote them (mdformat would
    # percent-encode every non-ASCII URL); only what would break the syntax is encoded.
    mdit.normalizeLink = _keep_link  # type: ignore[method-assign]
    block_rules = mdit.block.ruler.get_all_rules()
    first = "front_matter" if "front_matter" in block_rules else "table"
    mdit.block.ruler.before(first, "omnilint_front_matter", _front_matter)
    mdit.block.ruler.before("paragraph", "omnilint_comment_block", _block_comment)
    footnote_plugin(mdit, inline=False, move_to_end=False)
    dollarmath_plugin(mdit, allow_labels=False, allow_space=False, allow_blank_lines=False, double_inline=True)
    # pulldown-cmark (what omnilint and the verification read) has display math inside
    # paragraphs only: a block rule would split paragraphs it keeps whole.
    mdit.block.ruler.disable("math_block")
    mdit.inline.ruler.before("text", "omnilint_property", _property)
    mdit.inline.ruler.before("link", "omnilint_wikilink", _wikilink)
    mdit.inline.ruler.before("escape", "omnilint_comment", _comment)
    mdit.inline.ruler.before("escape", "omnilint_highlight", _highlight)
    mdit.inline.ruler.before("escape", "omnilint_tag", _tag)
    mdit.inline.ruler.before("escape", "omnilint_block_id", _block_id)
    mdit.core.ruler.before("text_join", "omnilint_keep_source", _keep_source)
    mdit.core.ruler.before("text_join", "omnilint_callout", _callout_headers)
    for name, render in _HTML_RULES.items():
        mdit.add_render_rule(name, render)


def _enable_required(mdit: MarkdownIt) -> None:
    enabled = mdit.options["parser_extension"]
    for name in REQUIRED_EXTENSIONS:
        plugin = mdformat.plugins.PARSER_EXTENSIONS.get(name)
        if plugin is None:
            raise RuntimeError(f"the mdformat plugin {name!r} is missing: reinstall omnilint-md, which depends on it")
        if plugin not in enabled:
            # Before this plugin, so its postprocessors run first and ours can correct them.
            here = next((i for i, p in enumerate(enabled) if getattr(p, "PLUGIN_ID", None) == PLUGIN_ID), len(enabled))
            enabled.insert(here, plugin)
            plugin.update_mdit(mdit)


def _keep_link(url: str) -> str:
    return url.replace("<", "%3C").replace(">", "%3E").replace("\n", "%0A")


# -- block rules -----------------------------------------------------------


def _front_matter(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Front matter exactly where omnilint sees it, kept byte for byte."""
    if start_line != 0 or state.blkIndent or state.src[:1] not in ("-", "+", "{"):
        return False
    front = fm.find(state.src)
    if front is None or not front.closed:
        return False
    if silent:
        return True
    raw = state.src[: front.end]
    lines = raw.count("\n") + (0 if raw.endswith("\n") else 1)
    token = state.push(FRONT_MATTER, "", 0)
    token.content = token.markup = raw.rstrip("\n")
    token.block = True
    token.map = [start_line, lines]
    state.line = lines
    return True


def _block_comment(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A `%%` comment spanning whole blocks (blank lines inside), kept verbatim.

    It must end with `%%` at the end of a line followed by a blank line (or the
    end of its container): otherwise the parser would join what follows to the
    same paragraph and the block would not be a block.
    """
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    first = _line(state, start_line)
    if not first.startswith("%%") or first.count("%%") % 2 == 0:
        return False
    line = start_line + 1
    while line < end_line:
        text = _line(state, line)
        if state.sCount[line] < state.blkIndent and text:
            return False  # the container ended before the comment did
        if "%%" in text:
            closes = text.count("%%") % 2 == 1 and text.rstrip().endswith("%%")
            if not closes or (line + 1 < end_line and not state.isEmpty(line + 1)):
                return False
            break
        line += 1
    else:
        return False
    if silent:
        return True
    token = state.push(BLOCK_COMMENT, "", 0)
    token.content = token.markup = state.getLines(start_line, line + 1, state.blkIndent, False)
    token.block = True
    token.map = [start_line, line + 1]
    state.line = line + 1
    return True


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


# -- inline rules ----------------------------------------------------------


def _push_verbatim(state: StateInline, source: str, kind: str) -> None:
    token = state.push(VERBATIM, "", 0)
    token.content = token.markup = source
    token.info = kind


def _wikilink(state: StateInline, silent: bool) -> bool:
    """`[[Note#Heading|alias]]`, `![[file|300]]` embeds, and any other wikilink-shaped text."""
    pos = state.pos
    src = state.src
    bracket = pos + 1 if src[pos] == "!" else pos
    if not src.startswith("[[", bracket):
        return False
    # One index per inline source (the env lives for one document's parse).
    index = state.env.setdefault("omnilint_wikilinks", {})
    shapes = index.get(src)
    if shapes is None:
        shapes = index[src] = WikilinkShapes(src, breaks="\n")
    end = shapes.end(bracket, state.posMax)
    if end is None:
        return False
    if not silent:
        _push_verbatim(state, src[pos:end], "embed" if src[pos] == "!" else "wikilink")
    state.pos = end
    return True


def _comment(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if not state.src.startswith("%%", pos):
        return False
    close = state.src.find("%%", pos + 2, state.posMax)
    if close < 0:
        return False
    if not silent:
        _push_verbatim(state, state.src[pos : close + 2], "comment")
    state.pos = close + 2
    return True


def _highlight(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    src = state.src
    if src[pos] != "=" or (pos and src[pos - 1] == "=") or not HIGHLIGHT_OPEN.match(src, pos, state.posMax):
        return False
    # One index per inline source (the env lives for one document's parse).
    index = state.env.setdefault("omnilint_highlights", {})
    found = index.get(src)
    if found is None:
        found = index[src] = Highlights(src)
    end = found.end(pos, state.posMax)
    if end is None:
        return False
    if not silent:
        _push_verbatim(state, src[pos:end], "highlight")
    state.pos = end
    return True


def _tag(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "#" or (pos and TAG_NOT_AFTER_CHAR.match(state.src[pos - 1])):
        return False
    m = TAG.match(state.src, pos, state.posMax)
    if m is None:
        return False
    if not silent:
        _push_verbatim(state, m.group(), "tag")
    state.pos = m.end()
    return True


def _block_id(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "^" or (pos and not state.src[pos - 1].isspace()):
        return False
    m = BLOCK_ID.match(state.src, pos, state.posMax)
    if m is None:
        return False
    if not silent:
        _push_verbatim(state, m.group(), "block_id")
    state.pos = m.end()
    return True


def _property(state: StateInline, silent: bool) -> bool:
    """A Logseq `key:: value` line, kept whole: Logseq reads the value as plain text,
    so mdformat's escapes and space folding would change it."""
    pos = state.pos
    if pos and state.src[pos - 1] not in "\n \t":
        return False  # the quick test first: this rule is tried at the start of every token
    line_start = state.src.rfind("\n", 0, pos) + 1
    if state.src[line_start:pos].strip() or not PROPERTY.match(state.src, pos, state.posMax):
        return False
    end = state.src.find("\n", pos, state.posMax)
    line = state.src[pos : state.posMax if end < 0 else end].rstrip(" \t")
    if not silent:
        _push_verbatim(state, line, "property")
    state.pos = pos + len(line)
    return True


# -- core rules --------------------------------------------------------------


def _keep_source(state: StateCore) -> None:
    """Character references and backslash escapes are written back as written.

    mdformat would decode `&nbsp;` into an invisible character and drop escapes it
    thinks unneeded, which turns an escaped `\\#tag` into a tag.  Each one is replaced
    by a stand-in of the same length (private-use characters: mdformat escapes none of
    them, and they keep table columns aligned) and put back by `_restore_source`.  They
    stay inside their text, so mdformat's escaping still sees whole runs of text.
    """
    if getattr(state.md.renderer, "__output__", "") != "md":
        return  # rendering HTML (mdformat's equality check): the characters themselves count
    if _STAND_IN.search(state.src):
        return  # the text uses those characters itself: keep mdformat's own behaviour
    kept: list[str] = state.env.setdefault(KEPT, [])
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        for token in block.children:
            if token.type == "text_special" and token.info in ("entity", "escape") and len(kept) < _STAND_INS:
                token.content = _stand_in(len(kept)) * len(token.markup)
                kept.append(token.markup)


def _stand_in(index: int) -> str:
    return chr(_PRIVATE_A + index if index < _PRIVATE_SIZE else _PRIVATE_B + index - _PRIVATE_SIZE)


def _restore_source(text: str, node: RenderTreeNode, context: RenderContext) -> str:
    kept: list[str] = context.env.get(KEPT) or []
    if not kept:
        return text

    def restore(m: re.Match[str]) -> str:
        code = ord(m.group()[0])
        index = code - _PRIVATE_A if code < _PRIVATE_B else code - _PRIVATE_B + _PRIVATE_SIZE
        source = kept[index] if index < len(kept) else ""
        # A stand-in that did not come out whole stays as it is: the checks then refuse the result.
        return source if len(source) == len(m.group()) else m.group()

    return _STAND_IN_RUN.sub(restore, text)


def _callout_headers(state: StateCore) -> None:
    """The first line of `> [!type] Title` stays one line, as written."""
    tokens = state.tokens
    for i in range(len(tokens) - 2):
        if tokens[i].type != "blockquote_open" or tokens[i + 1].type != "paragraph_open":
            continue
        inline = tokens[i + 2]
        if not CALLOUT.match(inline.content) or not inline.children:
            continue
        children = inline.children
        cut = next((j for j, t in enumerate(children) if t.type in ("softbreak", "hardbreak")), len(children))
        if cut < len(children) and children[cut].type == "hardbreak":
            continue  # a title ending in a hard break: leave it to mdformat (and the checks)
        head = children[:cut]
        if sum(t.nesting for t in head) != 0 or any("\n" in t.content for t in head):
            continue  # something opened on the title line closes later: not a plain title
        title = Token(VERBATIM, "", 0, content=inline.content.split("\n", 1)[0].rstrip(), info="callout")
        title.markup = title.content
        inline.children = [title, *children[cut:]]


# -- rendering back to Markdown ----------------------------------------------


def _verbatim(node: RenderTreeNode, context: RenderContext) -> str:
    return node.markup


def _thematic_break(node: RenderTreeNode, context: RenderContext) -> str:
    style = _option(context, "thematic_break", DEFAULT_THEMATIC_BREAK)
    if style == "---" and _dashes_unsafe(node):
        return "***"
    return style


def _dashes_unsafe(node: RenderTreeNode) -> bool:
    """Where `---` would mean something else: front matter at the top of the file, or the
    setext underline of the paragraph before it in a tight list item (no blank line between)."""
    before = node.previous_sibling
    if before is None:
        return node.parent is not None and node.parent.type == "root"
    return before.type == "paragraph" and bool(before.hidden)


def _softbreak(node: RenderTreeNode, context: RenderContext) -> str:
    """A line break that wrapping must keep: after a callout title, around properties, after a block id."""
    if context.do_wrap and _in_paragraph(node) and not _line_must_end(node):
        return WRAP_POINT
    return "\n"


def _line_must_end(node: RenderTreeNode) -> bool:
    after = node.next_sibling
    if after is not None and after.type == VERBATIM and after.info == "property":
        return True
    sibling = node.previous_sibling
    if sibling is not None and sibling.type == VERBATIM and sibling.info == "block_id":
        return True
    while sibling is not None and sibling.type not in ("softbreak", "hardbreak"):
        if sibling.type == VERBATIM and sibling.info in ("property", "callout"):
            return True
        sibling = sibling.previous_sibling
    return False


def _in_paragraph(node: RenderTreeNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type == "paragraph":
            return True
        parent = parent.parent
    return False


# Blocks that may follow a paragraph line directly (they interrupt it) and so may stay
# right under a callout title, as Obsidian users write them.
_JOIN_TITLE = frozenset({"bullet_list", "ordered_list", "blockquote", "fence", "heading"})


def _blockquote(node: RenderTreeNode, context: RenderContext) -> str:
    """mdformat's blockquote, except that a callout title keeps the block written right under it."""
    marker = "> "
    with context.indented(len(marker)):
        rendered = [(child, out) for child in node.children if (out := child.render(context))]
    text = ""
    for i, (child, out) in enumerate(rendered):
        if i:
            text += "\n" if i == 1 and _title_joins(rendered[0][0], child) else "\n\n"
        text += out
    lines = text.splitlines()
    if not lines:
        return ">"
    return "\n".join(f"{marker}{line}" if line else ">" for line in lines)


def _title_joins(first: RenderTreeNode, second: RenderTreeNode) -> bool:
    if first.type != "paragraph" or second.type not in _JOIN_TITLE:
        return False
    inline = first.children[0].children if first.children else []
    if len(inline) != 1 or inline[0].type != VERBATIM or inline[0].info != "callout":
        return False
    if second.type == "ordered_list" and second.attrs.get("start", 1) != 1:
        return False  # only a list starting at 1 may follow a paragraph line directly
    return bool(first.map and second.map and first.map[1] == second.map[0])


def _footnote_definition(node: RenderTreeNode, context: RenderContext) -> str:
    """`[^label]: text`, continuation indented by four spaces, where it was defined."""
    head = f"[^{node.meta['label']}]:"
    children = list(node.children)
    indent = " " * 4
    text = head
    if children and children[0].type == "paragraph":
        with context.indented(len(head) + 1):
            first, *rest = children[0].render(context).split("\n")
        text = f"{head} {first}" + "".join("\n" + _indent(line, indent) for line in rest)
        children = children[1:]
    with context.indented(len(indent)):
        blocks = [_indent(child.render(context), indent) for child in children]
    if blocks:
        text += ("\n" if text == head else "\n\n") + "\n\n".join(blocks)
    return text


def _indent(text: str, indent: str) -> str:
    return "\n".join(indent + line if line else line for line in text.split("\n"))


def _footnote_ref(node: RenderTreeNode, context: RenderContext) -> str:
    return f"[^{node.meta['label']}]"


def _math_inline(node: RenderTreeNode, context: RenderContext) -> str:
    return f"${node.content}$"


def _math_inline_double(node: RenderTreeNode, context: RenderContext) -> str:
    return f"$${node.content}$$"


_ESCAPED_TICK_BOX = re.compile(r"^\\\[([ xX])\\\]", re.MULTILINE)


def _unescape_tick_box_links(text: str, node: RenderTreeNode, context: RenderContext) -> str:
    """Undo mdformat-gfm's task-box escape where the `[ ]`/`[x]` is a link: `[ ](mailto:…)`, `[x]`.

    mdformat-gfm escapes every line that starts `[ ]`, `[x]` or `[X]` so it cannot become
    a task box, which turns such a link (Readwise and web pages leave `[ ](url)`) into
    text.  Only the first line of a list item's first paragraph can be a task box, and
    there only when a space follows; everywhere else the escape is undone.
    """
    if "\\[" not in text or not any(_is_tick_box_link(child) for child in node.children[0].children):
        return text
    item_start = node.parent is not None and node.parent.type == "list_item" and node.previous_sibling is None

    def unescape(m: re.Match[str]) -> str:
        if m.start() == 0 and item_start and not text.startswith("(", m.end()):
            return m.group()
        return f"[{m.group(1)}]"

    return _ESCAPED_TICK_BOX.sub(unescape, text)


def _is_tick_box_link(node: RenderTreeNode) -> bool:
    return (
        node.type == "link"
        and len(node.children) == 1
        and node.children[0].type == "text"
        and node.children[0].content in (" ", "x", "X")
    )


def _option(context: RenderContext, name: str, default: Any) -> Any:
    plugin_options = context.options.get("mdformat", {}).get("plugin", {}).get(PLUGIN_ID, {})
    return plugin_options.get(name, default)


RENDERERS: Mapping[str, Callable[[RenderTreeNode, RenderContext], str]] = {
    VERBATIM: _verbatim,
    FRONT_MATTER: _verbatim,
    BLOCK_COMMENT: _verbatim,
    "hr": _thematic_break,
    "blockquote": _blockquote,
    "softbreak": _softbreak,
    "footnote_reference": _footnote_definition,
    "footnote_ref": _footnote_ref,
    "math_inline": _math_inline,
    "math_inline_double": _math_inline_double,
}


def _empty_heading(text: str, node: RenderTreeNode, context: RenderContext) -> str:
    """`#` for an empty heading, not mdformat's `# `: a trailing space FMT001 would remove
    (and the two fixes would undo each other forever)."""
    return text.rstrip(" ") if not text.strip("# ") else text


POSTPROCESSORS: Mapping[str, Callable[[str, RenderTreeNode, RenderContext], str]] = {
    "paragraph": _unescape_tick_box_links,
    "heading": _empty_heading,
    "root": _restore_source,
}


# -- rendering to HTML (mdformat's own equality check renders both sides) ----


def _html_text(self, tokens, idx, options, env) -> str:
    return escapeHtml(tokens[idx].content)


def _html_block(self, tokens, idx, options, env) -> str:
    return f"<pre>{escapeHtml(tokens[idx].content)}</pre>\n"


def _html_footnote_open(self, tokens, idx, options, env) -> str:
    return f'<div class="footnote" id="{escapeHtml(tokens[idx].meta["label"])}">\n'


def _html_footnote_close(self, tokens, idx, options, env) -> str:
    return "</div>\n"


_HTML_RULES = {
    VERBATIM: _html_text,
    FRONT_MATTER: _html_block,
    BLOCK_COMMENT: _html_block,
    "footnote_reference_open": _html_footnote_open,
    "footnote_reference_close": _html_footnote_close,
}
