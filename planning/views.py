"""The calendar views: calendar.html (month grid and list), calendar.ics and calendar.csv.

All three are private reports (never in output/), written from one
``PlanReport``. The ICS is written by hand to RFC 5545 (escaping, 75-octet line
folding, CRLF; a stable UID per slug so calendar apps update events instead
of duplicating them); the tests read it back with the icalendar package.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import csv
import datetime as dt
import io
from pathlib import Path
from urllib.parse import urlparse

from contract.files import atomic_write
from contract.spreadsheet import safe_row

from .plan import COLUMNS, STAGES, slugify
from .report import STATE_ORDER, PlanItem, PlanReport

# Columns the CSV adds after the plan's own: what the build made of each row.
# --import drops them again (the calendar file and line say where a row goes back).
DERIVED_COLUMNS = ("State", "Publishes", "Post file", "Published URL", "Calendar file", "Calendar line")
PALETTE = ("#b4532a", "#2f6f8f", "#6b8e23", "#8e44ad", "#c0392b", "#16a085", "#d4a017", "#34495e")
STAGE_COLOURS = dict(zip(STAGES, ("#3b82c4", "#7a5cc2", "#d9822b", "#3c9d5d", "#c2416b"), strict=True))
STATE_COLOURS = {
    "published": "#2e7d32",
    "scheduled": "#1565c0",
    "overdue": "#c62828",
    "review": "#6a1b9a",
    "draft": "#8d6e63",
    "planned": "#546e7a",
    "idea": "#90a4ae",
    "expired": "#757575",
    "hidden": "#757575",
    "unplanned": "#ef6c00",
}


def write_views(report: PlanReport, folder: Path) -> None:
    folder = Path(folder)
    _write(folder / "calendar.html", html_text(report))
    _write(folder / "calendar.ics", ics_text(report), newline="")
    _write(folder / "calendar.csv", csv_text(report), encoding="utf-8-sig", newline="")


def _write(path: Path, text: str, encoding: str = "utf-8", newline: str | None = None) -> None:
    """Write atomically: a reader (or a calendar app) never sees half a file."""
    atomic_write(path, text, encoding=encoding, newline=newline)


def _when_text(item: PlanItem) -> str:
    if item.when is None:
        return ""
    return item.when.strftime("%Y-%m-%d") if item.all_day else item.when.strftime("%Y-%m-%d %H:%M")


# --- CSV ---------------------------------------------------------------------------


def plan_columns(report: PlanReport) -> list[str]:
    """The plan's columns as written, in order of first appearance (case-insensitive)."""
    columns: dict[str, str] = {}
    for item in report.items:
        for header in item.row.cells if item.row else ():
            columns.setdefault(header.lower(), header)
    for name in COLUMNS:
        columns.setdefault(name.lower(), name)
    return list(columns.values())


def csv_rows(report: PlanReport) -> list[list[str]]:
    """Header and rows: every plan row (cells as written), then posts missing from the plan."""
    columns = plan_columns(report)
    rows = [columns + list(DERIVED_COLUMNS)]
    for item in report.items:
        if item.row is not None:
            by_name = {header.lower(): value for header, value in item.row.cells.items()}
            cells = [by_name.get(column.lower(), "") for column in columns]
        else:
            known = {
                "date": _when_text(item),
                "title": item.title,
                "slug": item.slug,
                "keyword": item.keyword,
                "segment": item.segment,
                "stage": item.stage,
                "channels": ", ".join(item.channels),
            }
            cells = [known.get(column.lower(), "") for column in columns]
        cells = [value.replace("<br>", "\n") for value in cells]
        rows.append(
            cells
            + [
                item.state,
                _when_text(item),
                item.post,
                item.url,
                item.row.file if item.row else "",
                str(item.row.line) if item.row else "",
            ]
        )
    return rows


def csv_text(report: PlanReport) -> str:
    """reports/calendar.csv: every cell that a spreadsheet would run as a formula starts with ``'``.

    ``calendar --import`` takes the ``'`` off again (contract.spreadsheet.unsafe_cell),
    so export -> import -> export is byte-identical.
    """
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(safe_row(row) for row in csv_rows(report))
    return out.getvalue()


# --- ICS ---------------------------------------------------------------------------


def ics_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_text(report: PlanReport) -> str:
    host = urlparse(report.site_url).hostname or slugify(report.site) or "mainstreet"
    timezone = getattr(report.tz, "key", None)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Mainstreet//Content calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_escape(f'{report.site} content calendar'.strip())}",
    ]
    if timezone:
        lines.append(f"X-WR-TIMEZONE:{timezone}")
    stamp = _utc(report.now)
    for item in report.dated:
        if item.row is None:
            continue
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.slug}@{host}",
            f"DTSTAMP:{stamp}",
        ]
        if item.all_day:
            day = item.when.date()
            lines += [
                f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
                f"DTEND;VALUE=DATE:{(day + dt.timedelta(days=1)).strftime('%Y%m%d')}",
            ]
        else:
            lines += [f"DTSTART:{_utc(item.when)}", f"DTEND:{_utc(item.when + dt.timedelta(minutes=30))}"]
        description = [
            f"State: {item.state} (calendar status: {item.status})",
            f"Keyword: {item.keyword}" if item.keyword else "",
            f"Segment: {item.segment or '-'} · Stage: {item.stage or '-'}",
            f"Channels: {', '.join(item.channels)}" if item.channels else "",
            f"Owner: {item.owner}" if item.owner else "",
            f"Campaign: {item.campaign}" if item.campaign else "",
            f"URL: {item.url}" if item.url else "",
            f"Post: {item.post}" if item.post else "Post: not written yet",
            f"Calendar: {item.where}",
        ]
        categories = [c for c in (item.state, item.segment, item.stage) if c]
        lines += [
            f"SUMMARY:{ics_escape(item.title)}",
            f"DESCRIPTION:{ics_escape(chr(10).join(d for d in description if d))}",
            f"CATEGORIES:{','.join(ics_escape(c) for c in categories)}",
            f"STATUS:{'CONFIRMED' if item.state in ('published', 'scheduled') else 'TENTATIVE'}",
            "TRANSP:TRANSPARENT",
        ]
        if item.url:
            lines.append(f"URL:{item.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


# --- HTML --------------------------------------------------------------------------


def _colours(report: PlanReport) -> dict:
    segments = list(report.segments) + ["all"]
    return {
        "segment": {key: (f"seg-{slugify(key) or index}", PALETTE[index % len(PALETTE)]) for index, key in enumerate(segments)},
        "stage": {key: (f"stage-{key}", colour) for key, colour in STAGE_COLOURS.items()},
        "state": STATE_COLOURS,
    }


def _months(report: PlanReport) -> list[dict]:
    """The month grids: every month from the first dated item to the last."""
    dated = report.dated
    if not dated:
        return []
    by_day: dict[dt.date, list[PlanItem]] = {}
    for item in dated:
        by_day.setdefault(item.when.date(), []).append(item)
    first, last = dated[0].when.date(), dated[-1].when.date()
    year, month = first.year, first.month
    months = []
    weeks_of = stdlib_calendar.Calendar(firstweekday=0)
    while (year, month) <= (last.year, last.month):
        weeks = [[(day, by_day.get(day, [])) for day in week] for week in weeks_of.monthdatescalendar(year, month)]
        months.append({"title": dt.date(year, month, 1).strftime("%B %Y"), "month": month, "weeks": weeks})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def html_text(report: PlanReport) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("calendar.html")
    items = sorted(report.items, key=lambda i: (i.when is None, i.when or report.now, i.slug))
    return template.render(
        report=report,
        items=items,
        months=_months(report),
        colours=_colours(report),
        states=[s for s in STATE_ORDER if report.counts[s]],
        owners=sorted({i.owner for i in report.items if i.owner}),
        channels=sorted({c for i in report.items for c in i.channels}),
        stages=STAGES,
        today=report.now.date(),
        when_text=_when_text,
        columns=list(report.segments) + ["all"],
    )
