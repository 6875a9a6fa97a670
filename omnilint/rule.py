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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar, Literal

from .document import Document
from .model import Applicability, Diagnostic, Edit, Fix, Severity

Options = Mapping[str, Any]


class Fixable(str, Enum):
    """Which fixes a rule's findings may carry: the "fix" column of the rule table.

    Each Fix still carries its own `Applicability`; this is the rule's promise about them,
    and tests/test_rule_docs.py holds every rule to it on its documented example.
    """

    NEVER = "none"  # findings only
    SAFE = "safe"  # every fix it offers is safe
    UNSAFE = "unsafe"  # every fix it offers is unsafe (applied only with --unsafe-fixes)
    SOMETIMES = "sometimes"  # safe for some findings, unsafe for others

    def __bool__(self) -> bool:  # "has fixes": `if rule.fixable:` reads naturally
        return self is not Fixable.NEVER

    def __str__(self) -> str:
        return self.value


class Rule:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""  # kebab-case, stable
    summary: ClassVar[str] = ""  # one line, shown in `omnilint rules`
    default_enabled: ClassVar[bool] = True
    fixable: ClassVar[Fixable] = Fixable.NEVER
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
    # A rule that only runs when the invoker asks for a capability: "online" (--online; it
    # reaches the network) or "format" (--format, or selected by name).  `--select ALL` leaves
    # such rules off; the rule table says how to turn them on.
    enabled_by: ClassVar[Literal["online", "format"] | None] = None
    # False when the findings depend on more than the file's text and options (the network):
    # then no file of the run is cached.
    cacheable: ClassVar[bool] = True
    # Options the docstring's Example assumes (tests/test_rule_docs.py runs it with them).
    example_options: ClassVar[dict[str, Any]] = {}

    def check(self, doc: Document, options: Options) -> Iterable[Diagnostic]:
        raise NotImplementedError

    @classmethod
    def check_option(cls, key: str, value: Any) -> str | None:
        """Why `value` is not valid for option `key`, or None (the config layer names key and rule).

        By default a value must have its default's type (an int passes for a float, any
        sequence for a list); the config layer checks `option_choices` and `option_ranges`
        after this.  A rule overrides it for what a type cannot say (a file name's shape).
        """
        default = cls.options[key]
        if default is None or same_type(default, value):
            return None
        return f"must be {type(default).__name__}, not {type(value).__name__}"

    @classmethod
    def cache_key(cls) -> str:
        """The versions of other packages this rule's results depend on ("" for none).

        Part of the result cache's scope: a new mdformat invalidates FMT005's cached findings.
        """
        return ""

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
    ) -> Fix:
        return Fix(tuple(edits), Applicability.SAFE if safe else Applicability.UNSAFE, message, preserves_render)

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

    `check_corpus` also receives a `CorpusContext`: the project root and, for a rule that
    must know which files exist (not only the linted ones: images, attachments) and says
    so with `needs_files = True`, the project's file listing.
    """

    # True: the runner lists the project's files (a folder walk) for `context.files`.
    needs_files: ClassVar[bool] = False

    def check(self, doc: Document, options: Options) -> Iterable[Diagnostic]:
        return ()

    def collect(self, doc: Document, options: Options) -> Any:
        raise NotImplementedError

    def check_corpus(
        self, facts: Mapping[str, Any], options: Options, context: CorpusContext
    ) -> Iterable[tuple[str, Diagnostic]]:
        raise NotImplementedError

    def at(self, span: list[int], message: str, fix: Fix | None = None, data: dict | None = None) -> Diagnostic:
        """A Diagnostic from a span recorded by `Span.of` during `collect`."""
        start, end, line, column, end_line, end_column = span
        return Diagnostic(
            self.code, self.name, message, start, end, self.severity, fix, line, column, end_line, end_column, data
        )


def same_type(default: Any, value: Any) -> bool:
    """Whether a configured `value` fits an option whose default is `default`."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    return isinstance(value, type(default))


class Span:
    @staticmethod
    def of(doc: Document, start: int, end: int) -> list[int]:
        """A JSON-able span: [start, end, line, column, end_line, end_column]."""
        return [start, end, *doc.position(start), *doc.position(end)]


class ProjectFiles:
    """Every file under the project root, as data: the rule still never opens a file.

    `files`: sorted paths relative to the root, '/'-separated (folders are implied).
    `sources`: display path of each linted file -> its path in that same frame.
    `root_known`: True when the root is a config file's folder; False when it is
    only the common folder of the linted files (then "relative to the root" is a guess).

    The runner gives a `load` function instead of `files`: the folder is walked only when
    a rule first asks (a run whose files link to nothing local never walks it), and once.
    """

    __slots__ = ("_files", "_load", "_shared", "reads", "root_known", "sources")

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
        # How often a rule asked for the files (directly or through `shared`): the corpus phase
        # caches a rule's findings with the listing's digest only when the rule read it.
        self.reads = 0

    @property
    def files(self) -> tuple[str, ...]:
        self.reads += 1
        if self._files is None:
            self._files = self._load()  # type: ignore[misc]
            self._load = None
        return self._files

    def shared(self, key: str, compute: Callable[[ProjectFiles], Any]) -> Any:
        """`compute(self)` once for every rule that asks with `key` (an index of the files)."""
        self.reads += 1
        if key not in self._shared:
            self._shared[key] = compute(self)
        return self._shared[key]


@dataclass(frozen=True)
class CorpusContext:
    """What a corpus rule may know beyond the facts: the run's data, never its machinery.

    `root`: the project root (the config's folder, else the working folder), to resolve
    relative paths against; `files`: the project's files, for rules with `needs_files`
    (None otherwise); `cache_dir`: the folder where a rule may keep a file between runs
    (LNK011's verdicts): the run's --cache-dir, else the root's `.omnilint_cache`.
    """

    root: str = "."
    files: ProjectFiles | None = None
    cache_dir: str = ".omnilint_cache"
