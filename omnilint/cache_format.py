"""The result cache's data forms: findings, facts and corpus findings as plain text.

Nothing here is ever executed or unpickled: findings are JSON (by field name for
`dump_diagnostic`, by position in the store's compact form), facts are each corpus rule's
JSON text.  Split from cache.py (which holds the scopes and the store's use) so each stays
readable; cache.py re-exports these names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from .hashing import digest_joined
from .model import Applicability, Diagnostic, Edit, Fix, Severity

_SEVERITY = {s.value: s for s in Severity}
_APPLICABILITY = {a.value: a for a in Applicability}


# -- diagnostics as plain data -----------------------------------------------------
# Stored by field name (a new field cannot shift the others); every field of Diagnostic,
# Fix and Edit makes the round trip (tests/test_cache.py checks it over generated values).


def dump_diagnostic(d: Diagnostic) -> dict:
    row: dict = {
        "code": d.code, "name": d.name, "message": d.message, "start": d.start, "end": d.end,
        "severity": d.severity.value, "line": d.line, "column": d.column, "end_line": d.end_line,
        "end_column": d.end_column,
    }  # fmt: skip
    if d.fix is not None:
        f = d.fix
        row["fix"] = {
            "applicability": f.applicability.value, "message": f.message, "preserves_render": f.preserves_render,
            "edits": [{"start": e.start, "end": e.end, "content": e.content} for e in f.edits],
        }  # fmt: skip
    if d.data is not None:
        row["data"] = d.data
    if d.edit_positions is not None:
        row["edit_positions"] = d.edit_positions
    return row


def load_diagnostic(row: dict, share=None) -> Diagnostic:
    """A Diagnostic from its stored form; `share` (str -> str) keeps one object per equal string."""
    share = share or (lambda text: text)
    fix = None
    stored = row.get("fix")
    if stored is not None:
        edits = tuple(
            Edit(e["start"], e["end"], share(e["content"]) if len(e["content"]) < 3 else e["content"])
            for e in stored["edits"]
        )
        fix = Fix(edits, _APPLICABILITY[stored["applicability"]], share(stored["message"]),
                  bool(stored["preserves_render"]))  # fmt: skip
    positions = row.get("edit_positions")
    return Diagnostic(
        share(row["code"]), share(row["name"]), share(row["message"]), row["start"], row["end"],
        _SEVERITY[row["severity"]], fix, row["line"], row["column"], row["end_line"], row["end_column"],
        row.get("data"), [tuple(p) for p in positions] if positions is not None else None,
    )  # fmt: skip


# The store's compact form: one JSON array per finding, fields by position (decoding arrays
# is about twice as fast as decoding objects, and a warm run decodes every finding).  The
# order is PACKED_FIELDS; tests/test_store.py fails when Diagnostic gains a field this does
# not know, and FORMAT changes with the layout, so an old layout is never read.
PACKED_FIELDS = ("code", "name", "message", "start", "end", "severity", "line", "column", "end_line",
                 "end_column", "data", "edit_positions", "fix")  # fmt: skip


def pack_diagnostics(diagnostics: list[Diagnostic]) -> str:
    rows = []
    for d in diagnostics:
        f = d.fix
        fix = None if f is None else [
            f.applicability.value, f.message, f.preserves_render, [[e.start, e.end, e.content] for e in f.edits]
        ]  # fmt: skip
        rows.append([d.code, d.name, d.message, d.start, d.end, d.severity.value, d.line, d.column, d.end_line,
                     d.end_column, d.data, d.edit_positions, fix])  # fmt: skip
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def unpack_diagnostics(text: str, share) -> list[Diagnostic]:
    """The findings of pack_diagnostics; raises ValueError/TypeError/KeyError/IndexError on
    anything else (a miss for the caller).  `share`: a Strings (or any str -> str)."""
    found: list[Diagnostic] = []
    append = found.append
    severity, applicability = _SEVERITY, _APPLICABILITY
    known = getattr(share, "known", None)
    one = known.setdefault if known is not None else (lambda text, _: share(text))  # C call: a warm run makes ~500,000
    for code, name, message, start, end, sev, line, column, end_line, end_column, data, positions, fix in json.loads(
        text
    ):
        if fix is not None:
            how, fix_message, preserves, edits = fix
            fix = Fix(tuple([Edit(s, e, one(c, c) if len(c) < 3 else c) for s, e, c in edits]), applicability[how],
                      one(fix_message, fix_message), bool(preserves))  # fmt: skip
        if positions is not None:
            positions = list(map(tuple, positions))
        if data is not None and data.__class__ is not dict:
            raise TypeError("data is not an object")
        append(Diagnostic(one(code, code), one(name, name), one(message, message), start, end, severity[sev], fix, line,
                          column, end_line, end_column, data, positions))  # fmt: skip
    return found


def pack_facts(facts: dict[str, str]) -> str:
    """Rule code -> facts (JSON text) as one string: the pieces joined by NUL, which JSON text
    never holds (json.dumps escapes it), so nothing is escaped and splitting is one C call."""
    return "\x00".join(f"{code}\x00{text}" for code, text in facts.items())


def unpack_facts(text: str) -> dict[str, str]:
    if not text:
        return {}
    parts = text.split("\x00")
    if len(parts) % 2:
        raise ValueError("facts are not code/text pairs")
    return dict(zip(parts[::2], parts[1::2]))


def corpus_key(code: str, texts: dict[str, str], root: str, listing) -> str:
    """What one corpus rule's findings depend on besides the project's file listing, hashed:
    the rule (its code and options are in the scope with the rest of the config and code),
    every file's facts under its display path, the project root and, for rules that resolve
    local links, where each linted file sits in it (`listing`: rule.ProjectFiles). The listing
    itself is not walked here: an entry records its digest only when the rule read it
    (`pack_corpus_findings`), so a run whose notes link to nothing local never walks the folder."""
    return digest_joined(_corpus_key_parts(code, texts, root, listing))


def _corpus_key_parts(code: str, texts: dict[str, str], root: str, listing) -> Iterator[str]:
    yield code
    yield root
    if listing is not None:
        yield "known" if listing.root_known else "guessed"
        for display, path in listing.sources.items():
            yield display
            yield path
    yield "\x02"
    for display, text in texts.items():
        yield display
        yield text


def listing_digest(listing) -> str:
    """The project's file listing (rule.ProjectFiles.files; walked if no rule has yet), hashed."""
    return digest_joined(listing.files)


def pack_corpus_findings(found: list[tuple[str, Diagnostic]], listing_stamp: str = "") -> str:
    """[each display path once, the index of each finding's, the digest of the file listing the
    rule read or ""], NUL, the packed findings."""
    numbers: dict[str, int] = {}
    which = [numbers.setdefault(display, len(numbers)) for display, _ in found]
    head = json.dumps([list(numbers), which, listing_stamp], ensure_ascii=False, separators=(",", ":"))
    return head + "\x00" + pack_diagnostics([d for _, d in found])


def unpack_corpus_findings(text: str, share) -> tuple[str, list[tuple[str, Diagnostic]]]:
    """(listing stamp, (display path, finding) pairs) of pack_corpus_findings;
    ValueError/TypeError/... on anything else."""
    head, _, body = text.partition("\x00")
    displays, which, stamp = json.loads(head)
    diagnostics = unpack_diagnostics(body, share)
    if len(which) != len(diagnostics) or not all(isinstance(d, str) for d in displays) or not isinstance(stamp, str):
        raise ValueError("not the corpus phase's findings")
    return stamp, [(displays[i], d) for i, d in zip(which, diagnostics)]


class Strings:
    """One object for all equal strings: a run over 20,000 files holds ~200,000 findings whose
    codes, names and most messages repeat; JSON decoding (or unpickling a worker's results)
    would make a copy of each."""

    def __init__(self) -> None:
        self.known: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        return self.known.setdefault(text, text)
