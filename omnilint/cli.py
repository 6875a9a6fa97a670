"""Command line: argument parsing and exit codes, nothing else.

Exit codes: 0 nothing found; 1 findings remain (or a file could not be read);
2 usage, configuration or internal error.

One module: every sub-command's arguments and their translation into a Job sit side by
side, so a flag shared by `check`, `fix`, `report` and `server` is defined and read in one
place; the work itself is in runner, report/, vault_report and server.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from . import __version__
from . import config as cfg
from .codes import ERROR_CODES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number, 0 or more (0: one per core), not {value!r}")
    return n


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .); '-' reads stdin")
    p.add_argument("--config", metavar="FILE", help="use this config file instead of discovering one per file")
    p.add_argument(
        "--select", type=_codes, metavar="CODES", help="only these rules (codes, prefixes or names, comma-separated)"
    )
    p.add_argument("--extend-select", type=_codes, default=[], metavar="CODES", help="add these rules")
    p.add_argument("--ignore", type=_codes, default=[], metavar="CODES", help="leave out these rules")
    p.add_argument(
        "--output-format",
        choices=("text", "concise", "full", "json", "github", "sarif"),
        default=None,
        help="text (default), concise (one line per finding, no summary), full (with the source line), json, github, sarif",
    )
    p.add_argument("--output-file", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the report and diffs (auto: on a terminal, unless NO_COLOR; FORCE_COLOR forces it)",
    )
    p.add_argument(
        "--statistics",
        action="store_true",
        help="count findings per rule instead of listing them (text, concise, json)",
    )
    p.add_argument(
        "--show-fixes", action="store_true", help="list the fixes applied (fix) or each finding's fix (check)"
    )
    p.add_argument(
        "--show-settings", action="store_true", help="print the settings in force for the first path and exit"
    )
    p.add_argument(
        "--fixable", type=_codes, default=None, metavar="CODES", help="only these rules' fixes may be applied"
    )
    p.add_argument("--unfixable", type=_codes, default=[], metavar="CODES", help="these rules' fixes are never applied")
    p.add_argument("--no-progress", action="store_true", help="no progress display on stderr")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    p.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary")
    p.add_argument("--stdin-filename", metavar="PATH", help="the path stdin stands for (config, messages)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    p.add_argument("--cache-dir", metavar="DIR", help="where the result cache lives (default: .omnilint_cache)")
    p.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=None,
        metavar="N",
        help="worker processes (default, or 0: the machine's cores)",
    )
    p.add_argument("--unsafe-fixes", action="store_true", help="also apply (or show) fixes that may change meaning")
    p.add_argument("--online", action="store_true", default=None, help="enable rules that use the network (LNK011)")
    _plugin_option(p)
    p.add_argument(
        "--exclude",
        type=_codes,
        default=None,
        metavar="GLOBS",
        help="skip these paths (replaces the config's `exclude`)",
    )
    p.add_argument("--extend-exclude", type=_codes, default=[], metavar="GLOBS", help="also skip these paths")
    p.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the excludes and .gitignore to files named explicitly too (pre-commit)",
    )
    p.add_argument(
        "--respect-gitignore",
        dest="respect_gitignore",
        action="store_true",
        default=None,
        help="skip what .gitignore files ignore (the default)",
    )
    p.add_argument(
        "--no-respect-gitignore",
        dest="respect_gitignore",
        action="store_false",
        help="lint files .gitignore ignores too",
    )


def _plugin_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="FILE_OR_MODULE",
        help="load rules from this .py file or module (runs its code; a config found in the linted folder cannot)",
    )


def _plugin_specs(given: list[str]) -> tuple[str, ...]:
    """Plugin files as absolute paths (workers and config roots must not change their meaning)."""
    return tuple(os.path.abspath(p) if p.endswith(".py") or os.sep in p or "/" in p else p for p in given)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omnilint",
        description="Lint and safely fix saved-article Markdown (Omnivore, Readwise, Web Clipper …).",
    )
    parser.add_argument("--version", action="version", version=f"omnilint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="report findings")
    check.set_defaults(write=False, diff=False)
    _common(check)
    fix = sub.add_parser("fix", help="fix findings (shows the diff; --write applies it)")
    _common(fix)
    fix.add_argument("--write", action="store_true", help="write the fixes to the files (atomically)")
    fix.add_argument("--diff", action="store_true", help="print only the unified diff, write nothing")
    fix.add_argument("--format", action="store_true", default=None, help="also normalise formatting (FMT005)")
    report = sub.add_parser("report", help="write an HTML page on the health of a vault")
    _common(report)
    report.add_argument(
        "--output",
        default="omnilint-report.html",
        metavar="FILE",
        help="where to write the page (default: omnilint-report.html)",
    )
    report.set_defaults(write=False, diff=False)
    sub.add_parser("server", help="run the language server (LSP over stdio) for editors")
    rules = sub.add_parser("rules", help="list the rules")
    rules.add_argument("--output-format", choices=("text", "json", "markdown"), default="text")
    rules.add_argument("--config", metavar="FILE", help="include plugins named in this config")
    _plugin_option(rules)
    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule", metavar="CODE", help="a rule code or name")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in ("check", "fix", "report"):
            return _lint(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "server":
            from .server import main as serve

            return serve()
        if args.command == "explain":
            return _explain(args)
        parser.print_help()
        return EXIT_ERROR
    except cfg.ConfigError as exc:
        print(f"omnilint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("omnilint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_ERROR


def _rule_table(config: str | None = None, plugin_specs: tuple[str, ...] = ()) -> dict:
    from .registry import RegistryError, all_rules

    plugins = [(spec, Path.cwd()) for spec in plugin_specs]
    if config:
        settings = cfg.read_file(Path(config))
        plugins += [(spec, settings.root) for spec in settings.get("plugins")]
    try:
        return all_rules(plugins)
    except RegistryError as exc:
        raise cfg.ConfigError(str(exc)) from None


def _rules(args) -> int:
    table = _rule_table(args.config, _plugin_specs(args.plugin))
    if args.output_format == "json":
        import json

        rows = [
            {
                "code": r.code,
                "name": r.name,
                "summary": r.summary,
                "fix": r.fixable.value if r.fixable else None,
                "default": r.default_enabled,
                "options": r.options,
            }
            for r in table.values()
        ]
        print(json.dumps(rows, indent=2, default=str))
        return EXIT_CLEAN
    if args.output_format == "markdown":
        print(rules_markdown(table))
        return EXIT_CLEAN
    width = max(len(r.name) for r in table.values())
    print(f"{'code':<8} {'name':<{width}}  {'fix':<9} {'default':<7}  summary")
    for r in table.values():
        print(
            f"{r.code:<8} {r.name:<{width}}  {r.fixable or '-':<9} {'on' if r.default_enabled else 'off':<7}  {r.summary}"
        )
    return EXIT_CLEAN


def rules_markdown(table: dict) -> str:
    """The README's rule table, generated from the registry."""
    lines = ["| code | name | fix | default | what it finds |", "|---|---|---|---|---|"]
    for r in table.values():
        summary = r.summary.replace("|", "\\|")
        lines.append(
            f"| {r.code} | {r.name} | {r.fixable or '—'} | {'on' if r.default_enabled else 'off'} | {summary} |"
        )
    return "\n".join(lines)


def _explain(args) -> int:
    from .codes import ALL as RUN_CODES

    table = {**_rule_table(), **RUN_CODES}
    rule = table.get(args.rule.upper()) or next((r for r in table.values() if r.name == args.rule), None)
    if rule is None:
        names = [*table, *(r.name for r in table.values())]
        print(
            f"omnilint: error: unknown rule {args.rule!r}{cfg.close_match(args.rule.upper() if args.rule[:1].isalpha() and any(c.isdigit() for c in args.rule) else args.rule, names)}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    print(f"# {rule.code} {rule.name}\n")
    print(f"{rule.summary}\n")
    print(f"Fix: {rule.fixable or 'none'}. Enabled by default: {'yes' if rule.default_enabled else 'no'}.")
    if rule.options:
        print("Options: " + ", ".join(f"{k} = {v!r}" for k, v in rule.options.items()))
    print()
    print(rule.documentation())
    return EXIT_CLEAN


def _lint(args) -> int:
    from . import runner

    fix_mode = args.command == "fix"
    overrides = cfg.Overrides(
        select=tuple(args.select) if args.select is not None else None,
        extend_select=tuple(args.extend_select),
        ignore=tuple(args.ignore),
        format=getattr(args, "format", None),
        online=args.online,
        plugins=_plugin_specs(args.plugin),
    )
    job = runner.Job(
        mode="fix" if fix_mode else "check",
        unsafe=args.unsafe_fixes,
        overrides=overrides,
        config_file=os.path.abspath(args.config) if args.config else None,
        write=fix_mode and bool(args.write),
        exclude=tuple(args.exclude) if args.exclude is not None else None,
        extend_exclude=tuple(args.extend_exclude),
        force_exclude=args.force_exclude,
        respect_gitignore=args.respect_gitignore,
        fixable=_fix_codes(args.fixable, "--fixable", args) if args.fixable is not None else None,
        unfixable=_fix_codes(args.unfixable, "--unfixable", args) or frozenset(),
    )
    if args.statistics and args.output_format in ("github", "sarif"):
        raise cfg.ConfigError(
            f"--statistics works with the text, concise, full and json formats, not {args.output_format}"
        )
    if args.config and not Path(args.config).is_file():
        raise cfg.ConfigError(f"--config {args.config}: no such file")
    paths = args.paths or ["."]
    stdin_task = None
    if paths == [runner.STDIN]:
        args.stdin_text = sys.stdin.read()
        stdin_task = runner.Task(runner.STDIN, args.stdin_filename or "stdin.md", args.stdin_text)
    elif runner.STDIN in paths:
        raise cfg.ConfigError("'-' (stdin) cannot be combined with other paths")
    if stdin_task is not None and fix_mode and args.write:
        raise cfg.ConfigError("fix --write cannot write to stdin; `omnilint fix -` prints the fixed text to stdout")
    # Validate the configuration up front so a typo fails fast with exit 2.
    first = Path(os.path.abspath(stdin_task.display if stdin_task else paths[0]))
    session = runner.Session(job)
    settings = session.settings_for(first if first.is_file() else first / "_")
    ruleset = session.ruleset(settings)
    if any(rule.enabled_by == "online" for rule, _ in ruleset.rules):
        from .online import client_missing

        missing = client_missing()
        if missing:  # say it once, up front, instead of one finding per URL
            raise cfg.ConfigError(missing)
    if args.show_settings:
        return _show_settings(first, settings, ruleset, job)
    if stdin_task is None and not args.no_cache:
        from .cache import unsafe_reason

        cache_dir = _cache_dir(args.cache_dir, settings)
        why = unsafe_reason(cache_dir)
        if why is None:
            job = replace(job, cache_dir=cache_dir)
            session = runner.Session(job)
        else:  # a vault may ship a link in place of its cache: never follow it anywhere
            print(f"omnilint: warning: not using the cache: {why}", file=sys.stderr)
    progress = Progress(sys.stderr) if sys.stderr.isatty() and not (args.quiet or args.no_progress) else None
    if args.command == "check":
        # A check's findings wait on disk for the report (runner.Spill says why); the folder
        # is removed when the report is written, or on any error.
        with runner.Spill() as spill:
            result = runner.run(paths, job, args.jobs, stdin_task, progress, session, spill)
            return _finish(args, result, paths, settings, progress)
    result = runner.run(paths, job, args.jobs, stdin_task, progress, session)
    if fix_mode and args.write:
        runner.write_results(result.files, paths, progress)
    return _finish(args, result, paths, settings, progress)


def _finish(args, result, paths: list[str], settings: cfg.Settings, progress=None) -> int:
    """Say what was found (the report, or the page of `omnilint report`); the exit status."""
    fix_mode = args.command == "fix"
    if progress:
        progress.finish(result.checked)
    if result.checked == 0 and not result.codes:
        include = ", ".join(settings.get("include"))
        print(f"omnilint: warning: no Markdown file found in {', '.join(paths)} (include: {include})", file=sys.stderr)
    if args.command == "report":
        return _write_report(args, result, paths, settings)
    if args.output_file:
        try:
            with open(args.output_file, "w", encoding="utf-8", newline="") as out:
                return _report(args, result, fix_mode, out)
        except OSError as exc:
            raise cfg.ConfigError(f"--output-file {args.output_file}: {exc.strerror or exc}") from None
    return _report(args, result, fix_mode, sys.stdout)


def _write_report(args, result, paths: list[str], settings: cfg.Settings) -> int:
    """`omnilint report`: the page from this run's results, written where --output says."""
    from . import vault_report
    from .writer import write_new_file

    page = vault_report.build(
        result, _rule_table(args.config, _plugin_specs(args.plugin)), paths, settings.get("max-file-size")
    )
    try:
        write_new_file(args.output, page.encode("utf-8"))
    except OSError as exc:
        raise cfg.ConfigError(f"--output {args.output}: {exc.strerror or exc}") from None
    if not args.quiet:
        print(
            f"Wrote {args.output}: {result.checked:,} files, {sum(len(f.diagnostics) for f in result.files):,} findings."
        )
    return EXIT_ERROR if result.codes & ERROR_CODES else EXIT_CLEAN


def _fix_codes(selectors: list[str], flag: str, args) -> frozenset[str]:
    """--fixable/--unfixable selectors (codes, prefixes, names, ALL) as the codes they name."""
    table = _rule_table(args.config, _plugin_specs(args.plugin))
    return frozenset(r.code for s in selectors for r in cfg.match_all(table, s, flag))


def _show_settings(first: Path, settings: cfg.Settings, ruleset: cfg.RuleSet, job) -> int:
    """ruff's --show-settings: what is in force for the first path, and where it came from."""
    import json

    shown = {
        "path": str(first),
        "config": str(settings.source) if settings.source else None,
        "trusted_config": settings.trusted,
        "root": str(settings.root),
        "settings": {key: settings.get(key) for key in cfg.KEYS},
        "always_excluded": list(cfg.ALWAYS_EXCLUDED),
        "command_line": {
            "exclude": list(job.exclude) if job.exclude is not None else None,
            "extend_exclude": list(job.extend_exclude),
            "force_exclude": job.force_exclude,
            "respect_gitignore": job.respect_gitignore,
            "fixable": sorted(job.fixable) if job.fixable is not None else None,
            "unfixable": sorted(job.unfixable),
            "plugins": list(job.overrides.plugins),
        },
        "rules": {rule.code: {"name": rule.name, "options": options} for rule, options in ruleset.rules},
    }
    print(json.dumps(shown, indent=2, default=str, ensure_ascii=False))
    return EXIT_CLEAN


def _cache_dir(given: str | None, settings: cfg.Settings) -> str:
    """--cache-dir, else .omnilint_cache in the project root: the config's folder, or the working folder."""
    if given:
        return os.path.abspath(given)
    from .cache import default_directory

    return default_directory(str(settings.root) if settings.source is not None else os.getcwd())


def use_color(choice: str, out) -> bool:
    """--color: always/never, else FORCE_COLOR, else NO_COLOR, else whether `out` is a terminal."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    return "NO_COLOR" not in os.environ and out.isatty()


def _report(args, result, fix_mode: bool, out) -> int:
    from .report import color_diff, get, safe_lines

    # File content shown on a terminal is escaped (a crafted file must not drive it);
    # piped into a file or `patch`, it stays byte for byte.
    shown = safe_lines if out.isatty() else str
    fmt = args.output_format or ("concise" if args.quiet else "text")
    color = use_color(args.color, out)
    if fix_mode and result.files and result.files[0].stdin:
        stdin_result = result.files[0]
        text = stdin_result.new_text if stdin_result.new_text is not None else (args.stdin_text or "")
        out.write(shown(text))  # like ruff: the fixed text goes to stdout, the report to stderr
        out = sys.stderr
    elif fix_mode and (args.diff or (not args.write and fmt in ("text", "concise", "full"))):
        for f in result.files:
            diff = shown(f.diff())
            out.write(color_diff(diff) if color else diff)
        if args.diff:
            changed = any(f.changed for f in result.files)
            return EXIT_FINDINGS if changed and not args.exit_zero else EXIT_CLEAN
    module = get(fmt)
    kwargs = {
        "color": color,
        "statistics": args.statistics,
        "mode": "fix" if fix_mode else "check",
        "unsafe": args.unsafe_fixes,
        "write": bool(getattr(args, "write", False)),
        "show_fixes": args.show_fixes,
        "format": fmt,
    }
    if fmt == "sarif":
        from .codes import ALL as RUN_CODES

        kwargs["rules_table"] = {**_rule_table(args.config, _plugin_specs(args.plugin)), **RUN_CODES}
    if args.quiet and fmt in ("text", "concise", "full"):
        kwargs["quiet"] = True
    module.render(result, out, **kwargs)
    codes = result.codes  # noted by the render's pass over the findings
    if codes & ERROR_CODES:
        return EXIT_ERROR
    if any(f.write_error for f in result.files):
        return EXIT_FINDINGS
    if args.exit_zero:
        return EXIT_CLEAN
    # fix without --write: the changes still to make count as findings (stdin's went to stdout).
    pending = bool(codes) or (fix_mode and not args.write and any(f.changed and not f.stdin for f in result.files))
    return EXIT_FINDINGS if pending else EXIT_CLEAN


class Progress:
    """What the run is doing, on one line of stderr (a terminal only): the phase and its count,
    redrawn at most ten times a second, then a summary line with the time taken."""

    INTERVAL = 0.1

    def __init__(self, stream) -> None:
        import time

        self.stream = stream
        self.clock = time.monotonic
        self.started = self.clock()
        self.last = 0.0
        self.width = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = self.clock()
        if now - self.last < self.INTERVAL and done not in (0, total):
            return
        self.last = now
        line = f"{phase} [{done}/{total}]" if total else f"{phase}…"
        self.stream.write("\r" + line.ljust(self.width))
        self.width = len(line)
        self.stream.flush()

    def finish(self, files: int) -> None:
        elapsed = self.clock() - self.started
        self.stream.write("\r" + " " * self.width + "\r")
        self.stream.write(f"{files} file{'s' * (files != 1)} in {elapsed:.1f} s\n")
        self.stream.flush()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
