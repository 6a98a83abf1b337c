"""``python -m mainstreet calendar``: the plan report, the calendar views, stubs and CSV import.

The views (reports/calendar.html, .ics, .csv) and the manifest are written by
the build (plugins/editorial); this command builds, then prints the plan
report from the same parser and report code the build uses. ``--import``
runs before the build (so the build checks the new calendar), ``--new-stubs``
after it (the manifest says which rows have no post), followed by a second
build so the reports include the new drafts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from contract.manifest import read_manifest
from contract.sources import display_path

from .build import build, load_settings

# Findings made while Pelican read the posts: the manifest keeps them for the report.
BUILD_RULES = ("calendar.disagreement", "calendar.held-by-plan", "calendar.duplicate-post")


def print_import(change, cwd: str) -> None:
    """What ``--import`` did to one calendar file: each removed row, then the counts."""
    for row in change.removed:
        print(f"Removed {row.where} {row.slug or '(no slug)'}: {row.title}")
    shown = display_path(str(change.path), cwd)
    counts = (
        f"{change.added} added, {change.updated} updated, {change.unchanged} unchanged, "
        f"{len(change.removed)} removed"
    )
    line = f"{shown}: {counts}" if change.written else f"{shown} is unchanged: {counts}"
    if change.kept:
        line += f"; {change.kept} row(s) not in the CSV kept (--prune would remove them)"
    print(line)


def run_calendar(args, print_built) -> int:
    from planning.config import editorial_settings, project_folder, segment_labels, vocabulary
    from planning.plan import read_plan
    from planning.report import build_report, format_text
    from planning.tools import import_csv, new_stubs

    settings = load_settings(args.settings)
    conf = editorial_settings(settings)
    root = project_folder(settings)
    folder = root / conf["path"]
    cwd = str(Path.cwd())

    if getattr(args, "prune", False) and not args.import_csv:
        print("error: --prune only works with --import FILE.csv; name the CSV whose rows the calendar files should keep", file=sys.stderr)
        return 2
    if args.import_csv:
        source = Path(args.import_csv)
        if not source.is_file():
            print(f"error: {args.import_csv}: no such file", file=sys.stderr)
            return 2
        to = Path(args.to).resolve() if args.to else None
        prune = bool(getattr(args, "prune", False))
        result = import_csv(source.resolve(), folder, root, vocabulary(settings, conf), to, prune=prune)
        if result.problems:
            print(f"Import failed: {len(result.problems)} problem(s); nothing was written.", file=sys.stderr)
            for problem in result.problems:
                print(f"error: {problem}", file=sys.stderr)
            return 1
        for change in result.files:
            print_import(change, cwd)
        if result.skipped:
            print(f"Skipped {result.skipped} post(s) that are not in the plan (give them a Status to add them)")

    outcome = build(args.settings, output=args.output, now=args.now, reports=args.reports)
    print_built(outcome)

    if args.new_stubs:
        manifest = read_manifest(outcome.reports / "manifest.json")
        plan = read_plan(folder, root, vocabulary(settings, conf))
        posts = Path(settings["PATH"]) / (settings.get("ARTICLE_PATHS") or ["posts"])[0]
        stubs = new_stubs(plan.rows, manifest, posts)
        for path, row in stubs.created:
            print(f"Created {display_path(str(path), cwd)} (draft; its Date comes from {row.where})")
        for path, row in stubs.existing:
            print(f"Left {display_path(str(path), cwd)} alone: the file exists ({row.where})")
        if not stubs.created:
            print("No stubs to write: every planned row has a post")
        else:
            outcome = build(args.settings, output=args.output, now=args.now, reports=args.reports)
            print_built(outcome)

    manifest = read_manifest(outcome.reports / "manifest.json")
    plan = read_plan(folder, root, vocabulary(settings, conf))
    report = build_report(
        plan,
        manifest,
        cadence=float(conf["cadence"]),
        segments=segment_labels(settings),
        tz=ZoneInfo(settings.get("TIMEZONE") or "UTC"),
        join_findings=[f for f in manifest.calendar if f.rule in BUILD_RULES],
    )
    print()
    print(format_text(report), end="")
    views = ", ".join(
        display_path(str(outcome.reports / name), cwd) for name in ("calendar.html", "calendar.ics", "calendar.csv")
    )
    print(f"\nViews: {views}")
    return 0
