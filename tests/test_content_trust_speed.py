"""Two paths that were super-linear (issue 13): LNK007 on a paragraph full of reference
links, and FM006's fix on a front matter full of empty keys.

Each test times input of size n and 4n and asserts the CPU time grows by at most ~6x
(linear is 4x; quadratic was 16x).  The minimum of three runs is taken, so a busy
machine (other processes share the cores) does not fail the test.
"""

from __future__ import annotations

import gc
import json
import time

from conftest import lint
from omnilint.rules.frontmatter.empty_value import EmptyValue

from omnilint.document import Document
from omnilint.rule import CorpusContext

MAX_RATIO = 6.0


def cpu_time(run, argument) -> float:
    """The best of three runs, with the cyclic garbage collector paused: its passes grow
    with every object alive (the YAML node trees here), which is the interpreter's cost,
    not the rule's, and made linear code measure 5-6x."""
    best = float("inf")
    for _ in range(3):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            run(argument)
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def growth(run, make, n: int) -> float:
    small, large = make(n), make(4 * n)
    run(small)  # warm-up: imports, regex compilation, caches
    return cpu_time(run, large) / max(cpu_time(run, small), 1e-4)


def references_in_one_paragraph(n: int) -> str:
    # A long Chinese paragraph of reference links whose definitions the exporter dropped.
    return "参考资料：" + "，".join(f"[第{i}篇文章][ref-{i}]" for i in range(n)) + "。\n"


def test_lnk007_reference_links_in_one_paragraph_take_linear_time():
    assert len(lint(references_in_one_paragraph(3), "LNK007")) == 3
    ratio = growth(lambda text: lint(text, "LNK007"), references_in_one_paragraph, 1000)
    assert ratio <= MAX_RATIO, f"4x the references took {ratio:.1f}x the time"


def test_lnk007_footnote_markers_in_one_paragraph_take_linear_time():
    def make(n: int) -> str:
        return "The survey found" + "".join(f" a result[^note-{i}] and" for i in range(n)) + " more.\n"

    assert len(lint(make(3), "LNK007")) == 3
    ratio = growth(lambda text: lint(text, "LNK007"), make, 1000)
    assert ratio <= MAX_RATIO, f"4x the footnote markers took {ratio:.1f}x the time"


def empty_keys(n: int) -> str:
    # Every key empty: the all-together check once failed on the empty front matter left,
    # fell back to 25 checks a pass, and the fixer gave up after 12 passes.
    return "---\n" + "".join(f"field_{i}:\n" for i in range(n)) + "---\n\n正文。\n"


def fix_fm006(text: str) -> str:
    rule = EmptyValue()
    options = dict(EmptyValue.options)
    facts = {"a.md": json.loads(json.dumps(rule.collect(Document(text, "a.md"), options)))}
    edits = sorted(
        (e for _, d in rule.check_corpus(facts, options, CorpusContext()) if d.fix for e in d.fix.edits),
        key=lambda e: e.start,
    )
    pieces, at = [], 0
    for e in edits:  # one pass: slicing the text once per edit would make this test quadratic
        pieces += [text[at : e.start], e.content]
        at = e.end
    return "".join(pieces) + text[at:]


def test_fm006_fix_removes_every_empty_key_at_once():
    assert fix_fm006(empty_keys(400)) == "---\n---\n\n正文。\n"


def test_fm006_fix_on_many_empty_keys_takes_linear_time():
    ratio = growth(fix_fm006, empty_keys, 1000)
    assert ratio <= MAX_RATIO, f"4x the empty keys took {ratio:.1f}x the time"


def test_fm006_fix_on_many_separated_empty_keys_takes_linear_time():
    def make(n: int) -> str:
        return "---\n" + "".join(f"field_{i}:\nkept_{i}: 值{i}\n" for i in range(n)) + "---\n"

    assert "field_" not in fix_fm006(make(50))
    ratio = growth(fix_fm006, make, 1000)
    assert ratio <= MAX_RATIO, f"4x the empty keys took {ratio:.1f}x the time"
