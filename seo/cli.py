"""Command line: ``python -m seo audit [OUTPUT]`` and ``python -m seo crawl URL``.

Exit codes: 0 no finding at or above --fail-on (default: error); 1 findings at
or above it; 2 the input itself is unusable (no built site, unreachable URL,
bad settings).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from pathlib import Path

from .model import SEVERITIES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m seo", description="SEO audit of a built site or a live one.",
                                     epilog="Exit codes: 0 passed, 1 findings at or above --fail-on, 2 unusable input.")
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--reports", default="reports", help="folder for audit.{html,json,csv,sarif} (default: reports)")
    common.add_argument("--manifest", help="the build's manifest (default: REPORTS/manifest.json)")
    common.add_argument("--settings", help="settings file with SEO_AUDIT (default: ./pelicanconf.py if present)")
    common.add_argument("--fail-on", choices=SEVERITIES, default="error",
                        help="exit 1 when a finding is at least this severe (default: error)")
    common.add_argument("--check-external", action="store_true",
                        help="also check links to other sites (cached in REPORTS/external-links.json)")
    common.add_argument("--now", help="audit as if it were this ISO date/time (stale-content checks)")
    common.add_argument("-q", "--quiet", action="store_true", help="print only the result line")

    a = sub.add_parser("audit", parents=[common], help="audit a built site's folder, offline")
    a.add_argument("output", nargs="?", default="output", help="the built site (default: output)")
    a.add_argument("--base-url", help="the site's public address (default: from its sitemap or canonical URLs)")

    c = sub.add_parser("crawl", parents=[common], help="crawl a live site (or a local server) and audit it")
    c.add_argument("url", help="start URL, e.g. http://127.0.0.1:8000/")
    c.add_argument("--base-url", help="the site's public address, when it differs from URL (local previews)")
    c.add_argument("--max-pages", type=int, help="stop after this many pages (default: SEO_AUDIT['crawl_max_pages'])")
    return parser


def _now(value: str | None) -> dt.datetime:
    if not value:
        return dt.datetime.now(dt.UTC)
    when = dt.datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from rich.console import Console

    console = Console(highlight=False)
    console.soft_wrap = not console.is_terminal  # piped or in CI: one finding per line, no hard wraps
    errors = Console(stderr=True, highlight=False)
    try:
        return _run(args, console, errors)
    except KeyboardInterrupt:
        return 130


def _run(args, console, errors) -> int:
    from .audit import load_manifest, run_audit
    from .reader import AuditInputError, read_site
    from .reports import write_reports
    from .settings import SettingsError, load_settings
    from .summary import github_annotations, print_summary

    started = time.perf_counter()
    try:
        now = _now(args.now)
    except ValueError:
        errors.print(f"error: --now {args.now!r} is not an ISO date/time like 2026-11-24T12:00")
        return 2
    settings_file = args.settings or ("pelicanconf.py" if Path("pelicanconf.py").is_file() else None)
    try:
        settings = load_settings(settings_file)
        if getattr(args, "max_pages", None):
            settings["crawl_max_pages"] = args.max_pages
    except SettingsError as exc:
        errors.print(f"error: {exc}")
        return 2
    reports_dir = Path(args.reports)
    manifest_path = Path(args.manifest) if args.manifest else reports_dir / "manifest.json"
    manifest, why = load_manifest(manifest_path)
    if manifest is None and args.manifest:
        errors.print(f"error: {why}")
        return 2
    base_url = args.base_url or (manifest.site.get("url") if manifest else None) or None

    progress = _Progress(errors, args.quiet)
    try:
        if args.command == "audit":
            site = read_site(args.output, settings, base_url=base_url)
        else:
            from .crawler import crawl_site

            site = crawl_site(args.url, settings, public_url=base_url, workdir=None,
                              progress=progress.callback("Crawling"))
        result = run_audit(site, settings, manifest=manifest, now=now, check_external=args.check_external,
                           cache_dir=reports_dir, progress=progress.callback("Checking external links"),
                           started=started)
    except AuditInputError as exc:
        errors.print(f"error: {exc}")
        return exc.exit_code
    finally:
        progress.stop()
    if manifest is None:
        result.notes.append(f"Keyword checks ran without the build's manifest ({why}).")
    reports = write_reports(result, reports_dir)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in github_annotations(result):
            print(line)
    if args.quiet:
        s = result.summary
        console.print(f"SEO audit: score {result.score}, {s['error']} errors, {s['warning']} warnings, "
                      f"{s['notice']} notices; report: {reports['audit.html']}")
    else:
        print_summary(result, console, args.fail_on, reports)
    return 1 if result.failed(args.fail_on) else 0


class _Progress:
    """A rich progress bar on stderr for crawls and link checks (only on a terminal)."""

    def __init__(self, console, quiet: bool):
        self.console, self.quiet = console, quiet
        self.bar = None
        self.tasks: dict[str, int] = {}

    def callback(self, label: str):
        def update(done: int, total: int | None) -> None:
            if self.quiet or not self.console.is_terminal:
                return
            if self.bar is None:
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeElapsedColumn,
                )

                self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                    TimeElapsedColumn(), console=self.console, transient=True)
                self.bar.start()
            if label not in self.tasks:
                self.tasks[label] = self.bar.add_task(label, total=total)
            self.bar.update(self.tasks[label], completed=done, total=total)

        return update

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
