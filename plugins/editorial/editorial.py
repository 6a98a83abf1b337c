"""The content calendar drives the build (the Pelican side of plugins/editorial).

* At start-up every plan table in ``calendar/*.md`` is read (``plan.py``);
  structural mistakes are logged as errors (the build fails, output/ stays as it
  was), each as ``calendar/2026.md:14: what is wrong; how to fix it``.
* While Pelican reads each post, its calendar row (joined by the post's Slug,
  its file name ``<slug>.md`` or the slug of its title) fills in what the post
  does not say itself: Date, Title, Keyword, Segment, Stage, Channels, Owner,
  Campaign, Pillar, Expires, and ``calendar_row``. The post's own metadata
  wins; each disagreement is a warning naming both values and both places. A
  post whose row is still an idea/planned/draft/review stays a draft unless
  the post sets its own Status. plugins/visibility then schedules and expires
  by the resulting dates.
* After a successful build, the reports folder (``REPORTS_PATH``) gets
  manifest.json (one entry per published URL, the held-back content, the next
  change) and the calendar views: calendar.html, calendar.ics, calendar.csv.

Settings: ``EDITORIAL`` (merged over ``DEFAULTS``), ``SEGMENTS``, ``REPORTS_PATH``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.utils import SafeDatetime, slugify

from contract.manifest import CalendarFinding
from contract.sources import metadata_line, project_path
from contract.state import build_clock, build_state
from planning.config import (
    editorial_settings,
    project_folder,
    reports_folder,
    segment_labels,
    settings_problems,
    vocabulary,
)
from planning.plan import (
    COMMITTED,
    UNFINISHED,
    Plan,
    Row,
    as_list,
    parse_moment,
    read_plan,
)
from planning.report import PlanReport, build_report
from planning.views import write_views

logger = logging.getLogger(__name__)

STATE = "editorial"  # this plugin's entry in the build state's plugins
# Pelican's PATH_METADATA captures each file's path under this metadata key.
SOURCE_KEY = "editorial_source"
# Plan fields that flow into a post's metadata: (metadata key, label in messages).
FIELDS = (
    ("keyword", "Keyword"),
    ("segment", "Segment"),
    ("stage", "Stage"),
    ("channels", "Channels"),
    ("owner", "Owner"),
    ("campaign", "Campaign"),
    ("pillar", "Pillar"),
    ("expires", "Expires"),
)


@dataclass
class EditorialState:
    conf: dict
    plan: Plan
    root: Path  # the project folder (holding content/ and calendar/)
    by_slug: dict[str, Row]
    joined: dict[tuple[str, str], str] = field(default_factory=dict)  # (row, lang) -> post
    findings: list[CalendarFinding] = field(default_factory=list)  # found while joining
    report: PlanReport | None = None


# --- settings -----------------------------------------------------------------------


def log_finding(finding: CalendarFinding) -> None:
    level = logging.ERROR if finding.severity == "error" else logging.WARNING
    hint = f"; {finding.hint}" if finding.hint else ""
    if finding.file and finding.line:
        logger.log(level, "%s:%d: %s%s", finding.file, finding.line, finding.message, hint)
    elif finding.file:
        logger.log(level, "%s: %s%s", finding.file, finding.message, hint)
    else:
        logger.log(level, "editorial: %s%s", finding.message, hint)


# --- reading the calendar -----------------------------------------------------------


def read_calendar(pelican) -> None:
    settings = pelican.settings
    conf = editorial_settings(settings)
    problems = settings_problems(conf)
    for problem in problems:
        logger.error("editorial: %s", problem)
    if problems:
        return
    root = project_folder(settings)
    plan = read_plan(root / conf["path"], root, vocabulary(settings, conf))
    for problem in plan.problems:
        log_finding(problem)
    build_state(settings).plugins[STATE] = EditorialState(conf, plan, root, plan.by_slug())
    capture_source_paths(settings)


def capture_source_paths(settings) -> None:
    """Make Pelican put each file's path into its metadata, so a post can be joined by file name.

    ``article_generator_context`` receives only the metadata; PATH_METADATA is
    Pelican's own way to derive metadata from the path. A lookahead captures
    the whole path and the site's own PATH_METADATA (if any) still applies.
    """
    own = settings.get("PATH_METADATA") or ""
    if f"(?P<{SOURCE_KEY}>" in own:
        return
    capture = f"(?=(?P<{SOURCE_KEY}>.*))"
    settings["PATH_METADATA"] = f"{capture}(?:{own})?" if own else capture


# --- joining rows and posts -------------------------------------------------------------


def _pelican_slug(title: str, settings) -> str:
    return slugify(
        title,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


def join_article(generator, metadata) -> None:
    """Fill a post's metadata from its calendar row before Pelican validates it."""
    source = metadata.pop(SOURCE_KEY, None)
    settings = generator.settings
    state: EditorialState | None = build_state(settings).plugins.get(STATE)
    if state is None or source is None:
        return
    path = os.path.join(settings["PATH"], source)
    lang = str(metadata.get("lang") or settings.get("DEFAULT_LANG", ""))
    keys = [str(metadata["slug"])] if metadata.get("slug") else []
    keys.append(Path(source).stem)
    if not metadata.get("slug") and metadata.get("title"):
        keys.append(_pelican_slug(str(metadata["title"]), settings))
    for key in dict.fromkeys(keys):
        row = state.by_slug.get(key)
        if row is None:
            continue
        other = state.joined.get((row.where, lang))
        if other is not None:
            _warn(
                state,
                CalendarFinding(
                    "calendar.duplicate-post",
                    "warning",
                    f"{row.where} plans {row.slug!r}, already joined to {other}",
                    "one row plans one post: give this post its own row and Slug",
                    project_path(path, settings),
                    metadata_line(path, "slug"),
                    row.slug,
                ),
            )
            return
        state.joined[(row.where, lang)] = project_path(path, settings)
        apply_row(metadata, row, path, settings, state)
        return


def _warn(state: EditorialState, finding: CalendarFinding) -> None:
    state.findings.append(finding)
    log_finding(finding)


def _same(key: str, own, planned) -> bool:
    if key == "channels":  # planned: the row's list
        return set(as_list(own)) == set(planned)
    if key == "expires":
        try:
            return parse_moment(str(own))[0] == parse_moment(planned)[0]
        except ValueError:
            pass
    return " ".join(str(own).split()).casefold() == " ".join(planned.split()).casefold()


def _show(moment, timed: bool = True) -> str:
    return moment.strftime("%Y-%m-%d %H:%M" if timed else "%Y-%m-%d")


def apply_row(metadata, row: Row, path: str, settings, state: EditorialState) -> None:
    shown = project_path(path, settings)
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")

    def disagree(label: str, key: str, own: str, planned: str, outcome: str = "") -> None:
        _warn(
            state,
            CalendarFinding(
                "calendar.disagreement",
                "warning",
                f"{label} {own!r} differs from the calendar's {planned!r} ({row.where})",
                outcome or "the post's own value is used; change one of them so they agree",
                shown,
                metadata_line(path, key),
                row.slug,
            ),
        )

    if metadata.get("title"):
        if row.title and not _same("title", metadata["title"], row.title):
            disagree("Title", "title", str(metadata["title"]), row.title)
    elif row.title:
        metadata["title"] = row.title

    own_date = metadata.get("date")
    if isinstance(own_date, dt.datetime) and row.date is not None:
        own_local = own_date.astimezone(tz) if own_date.tzinfo else own_date
        planned = row.date.astimezone(tz) if row.date.tzinfo else row.date
        if (own_local.replace(tzinfo=None) if row.timed else own_local.date()) != (
            planned.replace(tzinfo=None) if row.timed else planned.date()
        ):
            disagree("Date", "date", _show(own_local), _show(planned, row.timed))
    elif own_date is None and row.date is not None:
        metadata["date"] = SafeDatetime.fromisoformat(row.date.isoformat())

    for key, label in FIELDS:
        planned = row.get(key) if key == "expires" else getattr(row, key)
        own = metadata.get(key)
        if own not in (None, "", []):
            if planned and not _same(key, own, planned):
                shown_own = ", ".join(own) if isinstance(own, (list, tuple)) else str(own)
                disagree(label, key, shown_own, ", ".join(planned) if key == "channels" else planned)
        elif planned:
            metadata[key] = list(planned) if key == "channels" else planned

    own_status = str(metadata.get("status") or "")
    if own_status in ("draft", "hidden") and row.status in COMMITTED:
        disagree(
            "Status",
            "status",
            own_status,
            row.status,
            f"the post's Status wins, so it is not published; remove 'Status: {own_status}' to publish it",
        )
    elif own_status == "published" and row.status in UNFINISHED:
        disagree("Status", "status", own_status, row.status, "the post's Status wins: it is published")
    elif not own_status and row.status in UNFINISHED:
        metadata["status"] = "draft"
        date = metadata.get("date")
        now = build_clock(settings)
        if isinstance(date, dt.datetime) and isinstance(now, dt.datetime):
            due = date if date.tzinfo else date.replace(tzinfo=tz)
            if due <= now:
                _warn(
                    state,
                    CalendarFinding(
                        "calendar.held-by-plan",
                        "warning",
                        f"not published: its calendar row ({row.where}) says {row.status!r}",
                        "set the row's Status to scheduled or published to publish it",
                        shown,
                        1,
                        row.slug,
                    ),
                )
    metadata["calendar_row"] = row.where


def forget_source_path(generator, metadata) -> None:
    """Pages and static files get the captured path too; it is only for joining posts."""
    metadata.pop(SOURCE_KEY, None)


# --- the report and the views ----------------------------------------------------------


def collect(pelican) -> None:
    """get_writer: everything is read and decided: join the plan with the content, log plan problems."""
    settings = pelican.settings
    state: EditorialState | None = build_state(settings).plugins.get(STATE)
    if state is None:
        return
    assemble = build_state(settings).assemble_manifest
    if assemble is None:
        logger.error("editorial: the calendar report needs the manifest plugin; add 'manifest' to PLUGINS")
        return
    manifest = assemble(settings)
    report = build_report(
        state.plan,
        manifest,
        cadence=float(state.conf["cadence"]),
        segments=segment_labels(settings),
        tz=ZoneInfo(settings.get("TIMEZONE") or "UTC"),
        join_findings=state.findings,
    )
    for finding in report.findings:
        if finding.severity == "warning" and finding not in state.findings:
            log_finding(finding)
    state.report = report
    build_state(settings).calendar = list(report.findings)  # the manifest plugin writes them


def write_reports(pelican) -> None:
    """The site is written: the calendar views go to the reports folder."""
    settings = pelican.settings
    state: EditorialState | None = build_state(settings).plugins.get(STATE)
    if state is None or state.report is None:
        return
    folder = reports_folder(settings)
    write_views(state.report, folder)
    logger.info("editorial: wrote calendar.html, calendar.ics and calendar.csv to %s", folder)


def register() -> None:
    signals.initialized.connect(read_calendar)
    signals.article_generator_context.connect(join_article)
    signals.page_generator_context.connect(forget_source_path)
    signals.static_generator_context.connect(forget_source_path)
    signals.get_writer.connect(collect)
    signals.finalized.connect(write_reports)
