"""One run's state: what to do (`Job`) and everything worked out along the way (`Session`).

The CLI, the API and the editor server each build a Session and pass it explicitly to
discovery, the per-file pipeline, the parallel scheduler and the corpus phase; worker
processes build their own from the Job in the pool's initializer.  Nothing of a run is
kept in module globals, so a long-lived process (the server, the test session) starts a
fresh Session when the settings may have changed and nothing stale survives.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import config as cfg
from .model import Diagnostic

if TYPE_CHECKING:
    from .spill import Spill


@dataclass(frozen=True)
class Job:
    """What to do with every file; the same in every worker process."""

    mode: str = "check"  # check | fix
    unsafe: bool = False
    overrides: cfg.Overrides = field(default_factory=cfg.Overrides)
    config_file: str | None = None
    cache_dir: str | None = None  # None: no result cache
    write: bool = False  # fix --write: the fixed text is what the file will hold
    # Discovery from the command line: --exclude replaces the config's `exclude`,
    # --extend-exclude adds to it; --force-exclude applies them to files named explicitly.
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    respect_gitignore: bool | None = None  # None: the config's `respect-gitignore`
    # --fixable / --unfixable, resolved to codes: findings of other rules keep no fix.
    fixable: frozenset[str] | None = None
    unfixable: frozenset[str] = frozenset()

    def may_fix(self, code: str) -> bool:
        return code not in self.unfixable and (self.fixable is None or code in self.fixable)

    def restrict_fixes(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Drop the fixes of rules --fixable/--unfixable exclude (the finding stays, unmarked)."""
        if self.fixable is not None or self.unfixable:
            for d in diagnostics:
                if d.fix is not None and not self.may_fix(d.code):
                    d.fix = None
        return diagnostics


class Session:
    """The settings, rule sets, compiled globs and result cache of one run."""

    def __init__(self, job: Job) -> None:
        from . import cache as result_cache

        self.job = job
        self.cache = result_cache.Cache(job.cache_dir) if job.cache_dir is not None else None
        # One object per equal string in the run's findings (shared with the cache's decoder).
        self.strings = self.cache.strings if self.cache is not None else result_cache.Strings()
        self._explicit: cfg.Settings | None = None
        self._by_folder: dict[str, cfg.Settings] = {}
        self._by_file: dict[Path, cfg.Settings] = {}  # one Settings per config file, shared by its folders
        self._config_at: dict[str, Path | None] = {}  # folder -> nearest config (cfg.find_config's memo)
        # Where no config governs, the search for a Logseq graph stops only at a repository's or
        # vault's top, whichever folder's defaults asked: one answer per folder for all of them.
        self._vault_without_config: dict[str, str] = {}
        self._rulesets: dict[Path | None, cfg.RuleSet] = {}
        self._globs: dict[tuple[str, ...], list[re.Pattern[str]]] = {}
        # Where final findings go (runner.run sets it for a CLI check): None keeps them on
        # their FileResults.
        self.spill: Spill | None = None

    # settings ---------------------------------------------------------------------------
    def settings_for(self, path: Path | str) -> cfg.Settings:
        """The settings that govern the file `path`: --config's, else the nearest config found
        from its folder upward (a discovered one: not trusted), else the defaults."""
        if self.job.config_file:
            if self._explicit is None:  # named by the invoker: trusted (plugins, online)
                self._explicit = cfg.read_file(Path(self.job.config_file), trusted=True)
            return self._explicit
        folder = os.path.dirname(path)
        found = self._by_folder.get(folder)
        if found is None:
            found = self._by_folder[folder] = self._discover(Path(folder))
        return found

    def _discover(self, directory: Path) -> cfg.Settings:
        source = cfg.find_config(directory, self._config_at)
        if source is None:
            return cfg.Settings(directory, vault_by_folder=self._vault_without_config)
        known = self._by_file.get(source)
        if known is None:
            known = self._by_file[source] = cfg.read_file(source, trusted=False)
        return known

    def ruleset(self, settings: cfg.Settings) -> cfg.RuleSet:
        """The rules in force under `settings`, built once per config file (and once for all
        folders without one: the defaults do not depend on the folder)."""
        key = settings.source
        found = self._rulesets.get(key)
        if found is None:
            found = self._rulesets[key] = cfg.build_ruleset(settings, self.job.overrides)
        return found

    def ruleset_for(self, path: Path | str) -> cfg.RuleSet:
        return self.ruleset(self.settings_for(path))

    def vault_for(self, path: Path | str) -> str:
        """The kind of vault the file belongs to (a Logseq graph's pages parse as outlines)."""
        from .discovery import vault_kind  # discovery imports this module's neighbours, not it

        return vault_kind(path, self.settings_for(path))

    # globs ------------------------------------------------------------------------------
    def globs(self, globs: tuple[str, ...] | list[str]) -> list[re.Pattern[str]]:
        key = tuple(globs)
        found = self._globs.get(key)
        if found is None:
            found = self._globs[key] = [cfg.glob_to_regex(g) for g in key]
        return found

    def exclude_patterns(self, settings: cfg.Settings) -> list[re.Pattern[str]]:
        """`exclude` + `extend-exclude`, with the command line's in force."""
        job = self.job
        base = self.globs(job.exclude) if job.exclude is not None else self.globs(settings.get("exclude"))
        return base + self.globs(settings.get("extend-exclude")) + self.globs(job.extend_exclude)

    def respect_gitignore(self, settings: cfg.Settings) -> bool:
        given = self.job.respect_gitignore
        return given if given is not None else settings.get("respect-gitignore")
