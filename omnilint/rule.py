"""How a rule declares itself.

A rule is a small declarative class plus a pure `check` function: it reads a
`Document` and returns `Diagnostic`s (with fixes as data).  It knows nothing
of files, configuration discovery, the command line or output formats.

Its docstring is its documentation, in ruff's shape:

    ## What it does / ## Why is this bad? / ## Example / ## Fix safety

The Example section holds a ```markdown block (bad) and, after "Use instead:",
another (good); the test suite runs every rule on both.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, ClassVar, Iterable, Mapping

from .document import Document
from .model import Applicability, Diagnostic, Edit, Fix, Severity

Options = Mapping[str, Any]


class Rule:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""  # kebab-case, stable
    summary: ClassVar[str] = ""  # one line, shown in `omnilint rules`
    default_enabled: ClassVar[bool] = True
    # What kind of fix the rule offers: None, "safe", "unsafe" or "sometimes".
    fixable: ClassVar[str | None] = None
    severity: ClassVar[Severity] = Severity.WARNING
    options: ClassVar[dict[str, Any]] = {}  # option name -> default (its type is the option's type)
    # option name -> the values it may take; the config layer rejects any other.
    option_choices: ClassVar[dict[str, tuple[Any, ...]]] = {}
    # option name -> (lowest, highest) allowed value of a number option; the config layer rejects others.
    option_ranges: ClassVar[dict[str, tuple[float, float]]] = {}
    # Options whose effect reaches beyond the linted folder (a file path to write, addresses the
    # network may reach): only the invoker's --config may set them, never a config found in the vault.
    invoker_only_options: ClassVar[frozenset[str]] = frozenset()
    # True when a fix may delete a whole paragraph of prose (a repeated one, a dead
    # exporter link line): the property tests let only such rules make prose disappear.
    removes_paragraphs: ClassVar[bool] = False

    def check(self, doc: Document, options: Options) -> Iterable[Diagnostic]:
        raise NotImplementedError

    # -- helpers for rule authors -----------------------------------------
    def report(
        self,
        doc: Document,
        start: int,
        end: int,
        message: str,
        fix: Fix | None = None,
        data: dict | None = None,
    ) -> Diagnostic:
        return doc.diagnostic(self.code, self.name, start, end, message, fix, self.severity, data)

    @staticmethod
    def fix(
        message: str,
        *edits: Edit,
        safe: bool = True,
        preserves_render: bool = False,
        final: bool = False,
    ) -> Fix:
        return Fix(
            tuple(edits),
            Applicability.SAFE if safe else Applicability.UNSAFE,
            message,
            preserves_render,
            final,
        )

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or cls.summary)

    @classmethod
    def is_corpus_rule(cls) -> bool:
        return issubclass(cls, CorpusRule)


class CorpusRule(Rule):
    """A rule that needs the whole run: two phases, so files can be checked in parallel.

    `collect` runs per file (in any process) and returns JSON-able facts;
    `check_corpus` runs once with every file's facts and returns (path, Diagnostic)
    pairs.  Facts must carry positions themselves (use `Span.of`), since the
    corpus phase sees no Documents.

    A rule that must know which files exist (not only the linted ones: images,
    attachments) sets `needs_files = True`; the runner then adds a `ProjectFiles`
    under `options[PROJECT_FILES]` for `check_corpus`.
    """

    needs_files: ClassVar[bool] = False
    # A rule that keeps a file of its own between runs (LNK011's verdict cache) sets
    # `needs_root = True`: the runner adds the project root (the config's folder, else the
    # working folder) under `options[PROJECT_ROOT]`, to resolve relative paths against.
    needs_root: ClassVar[bool] = False

    def check(self, doc: Document, options: Options) -> Iterable[Diagnostic]:
        return ()

    def collect(self, doc: Document, options: Options) -> Any:
        raise NotImplementedError

    def check_corpus(self, facts: Mapping[str, Any], options: Options) -> Iterable[tuple[str, Diagnostic]]:
        raise NotImplementedError

    def at(self, span: list[int], message: str, fix: Fix | None = None, data: dict | None = None) -> Diagnostic:
        """A Diagnostic from a span recorded by `Span.of` during `collect`."""
        start, end, line, column, end_line, end_column = span
        return Diagnostic(
            self.code, self.name, message, start, end, self.severity, fix, line, column, end_line, end_column, data
        )


class Span:
    @staticmethod
    def of(doc: Document, start: int, end: int) -> list[int]:
        """A JSON-able span: [start, end, line, column, end_line, end_column]."""
        return [start, end, *doc.position(start), *doc.position(end)]


# The option key under which the runner passes `ProjectFiles` to a corpus rule with `needs_files`.
PROJECT_FILES = "project-files"
# The option key under which the runner passes the project root (a str) to a rule with `needs_root`.
PROJECT_ROOT = "project-root"


class ProjectFiles:
    """Every file under the project root, as data: the rule still never opens a file.

    `files`: sorted paths relative to the root, '/'-separated (folders are implied).
    `sources`: display path of each linted file -> its path in that same frame.
    `root_known`: True when the root is a config file's folder; False when it is
    only the common folder of the linted files (then "relative to the root" is a guess).

    The runner gives a `load` function instead of `files`: the folder is walked only when
    a rule first asks (a run whose files link to nothing local never walks it), and once.
    """

    __slots__ = ("_files", "_load", "_shared", "root_known", "sources")

    def __init__(
        self,
        files: tuple[str, ...] | None,
        sources: Mapping[str, str],
        root_known: bool = True,
        load: Callable[[], tuple[str, ...]] | None = None,
    ) -> None:
        if files is None and load is None:
            raise ValueError("ProjectFiles needs the files or a function that lists them")
        self._files, self._load = files, load
        self.sources, self.root_known = sources, root_known
        self._shared: dict[str, Any] = {}

    @property
    def files(self) -> tuple[str, ...]:
        if self._files is None:
            self._files = self._load()  # type: ignore[misc]
            self._load = None
        return self._files

    def shared(self, key: str, compute: Callable[[ProjectFiles], Any]) -> Any:
        """`compute(self)` once for every rule that asks with `key` (an index of the files)."""
        if key not in self._shared:
            self._shared[key] = compute(self)
        return self._shared[key]
