"""The plan report: the calendar joined with what the build published, and what to act on.

``build_report`` is a pure function of the parsed plan and the build's
manifest, so the build (which writes the HTML, ICS and CSV views) and the
command line (which prints the same report in the terminal) agree. Like
``plan.py`` it needs no Pelican.

Findings (``calendar.*`` rules): warnings are plan problems the build also logs
(overdue rows, keywords planned twice, unknown pillars, disagreements found
while joining); notices are for the report (and the audit) only: gaps,
cadence, empty coverage cells, posts not in the plan (a site adopting a
calendar has many), rows due soon, behind schedule or to update.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from contract.manifest import CalendarFinding, Manifest, ManifestEntry, describe_next_change

from .plan import COMMITTED, STAGES, UNFINISHED, Plan, Row, localize

# Rows due within this many days without a post are listed as "due soon".
DUE_SOON_DAYS = 14
UPCOMING_WEEKS = 8
_SPACE = re.compile(r"\s+")


@dataclass
class PlanItem:
    """One row of the plan (or one post missing from it), with what the build made of it."""

    title: str
    slug: str
    when: dt.datetime | None  # aware: the post's own date, else the row's
    all_day: bool  # the moment is a whole day (a row date without time, no post date)
    keyword: str
    segment: str
    stage: str
    channels: list[str]
    owner: str
    status: str  # the row's Status; "" for a post that is not in the plan
    state: str  # published, scheduled, overdue, expired, draft, hidden, review, planned, idea, unplanned
    url: str = ""  # absolute public URL while published
    post: str = ""  # the post's source file, "" while there is none
    row: Row | None = None
    campaign: str = ""
    pillar: str = ""
    expires: dt.datetime | None = None

    @property
    def where(self) -> str:
        return self.row.where if self.row else self.post


@dataclass
class Gap:
    start: dt.date  # Monday of the first empty week
    weeks: int

    @property
    def end(self) -> dt.date:  # Sunday of the last empty week
        return self.start + dt.timedelta(weeks=self.weeks, days=-1)


@dataclass
class PlanReport:
    now: dt.datetime
    site: str
    site_url: str  # the public address, no trailing slash
    files: list[str]
    items: list[PlanItem]
    segments: dict[str, str]  # key -> label
    cadence: float  # target posts per week
    tz: object = None  # the site timezone (a ZoneInfo)
    weeks: list[tuple[dt.date, int]] = field(default_factory=list)  # Monday -> posts that week
    gaps: list[Gap] = field(default_factory=list)
    short_weeks: list[tuple[dt.date, int]] = field(default_factory=list)
    coverage: dict[tuple[str, str], int] = field(default_factory=dict)  # (segment, stage) -> posts
    empty_cells: list[tuple[str, str]] = field(default_factory=list)
    unassigned: int = 0  # posts without a segment or stage
    overdue: list[PlanItem] = field(default_factory=list)
    behind: list[PlanItem] = field(default_factory=list)
    due_soon: list[PlanItem] = field(default_factory=list)
    keyword_twice: list[tuple[str, list[PlanItem]]] = field(default_factory=list)
    unplanned: list[PlanItem] = field(default_factory=list)
    updates: list[tuple[PlanItem, str]] = field(default_factory=list)
    upcoming_changes: list[dict] = field(default_factory=list)  # the manifest's "upcoming"
    findings: list[CalendarFinding] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(item.state for item in self.items)

    @property
    def average(self) -> float:
        return sum(n for _, n in self.weeks) / len(self.weeks) if self.weeks else 0.0

    @property
    def upcoming(self) -> list[PlanItem]:
        until = self.now + dt.timedelta(weeks=UPCOMING_WEEKS)
        return [i for i in self.dated if self.now <= i.when <= until]

    @property
    def dated(self) -> list[PlanItem]:
        return sorted((i for i in self.items if i.when), key=lambda i: (i.when, i.slug))

    @property
    def warnings(self) -> list[CalendarFinding]:
        return [f for f in self.findings if f.severity == "warning"]


def _moment(text: str | None, tz) -> dt.datetime | None:
    if not text:
        return None
    moment = dt.datetime.fromisoformat(text)
    return None if moment.year >= 9999 else localize(moment, tz)


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip().casefold()


def _entries_by_row(manifest: Manifest) -> dict[str, tuple[ManifestEntry, bool]]:
    """calendar_row -> (the post's entry, published?); a live entry beats a held-back one."""
    found: dict[str, tuple[ManifestEntry, bool]] = {}
    for entry in manifest.held_back:
        if entry.kind == "article" and entry.calendar_row:
            found.setdefault(entry.calendar_row, (entry, False))
    for entry in manifest.pages:
        if entry.kind == "article" and entry.calendar_row:
            found[entry.calendar_row] = (entry, True)
    return found


def _state(row: Row, entry: ManifestEntry | None, live: bool, when, now) -> str:
    if entry is not None and live:
        return "published"
    if entry is not None:
        if entry.status in ("scheduled", "expired"):
            return entry.status
        return row.status if row.status in UNFINISHED else entry.status
    if row.status in COMMITTED:
        return "overdue" if when and when <= now else "scheduled"
    return row.status


def plan_items(plan: Plan, manifest: Manifest, tz, now: dt.datetime) -> list[PlanItem]:
    joined = _entries_by_row(manifest)
    items = []
    for row in plan.rows:
        entry, live = joined.get(row.where, (None, False))
        post_when = _moment(entry.date, tz) if entry else None
        when = post_when or localize(row.date, tz)
        items.append(
            PlanItem(
                title=row.title,
                slug=row.slug,
                when=when,
                all_day=post_when is None and not row.timed,
                keyword=(entry.keyword if entry and entry.keyword else row.keyword),
                segment=(entry.segment if entry and entry.segment else row.segment),
                stage=(entry.stage if entry and entry.stage else row.stage),
                channels=(entry.channels if entry and entry.channels else list(row.channels)),
                owner=row.owner,
                status=row.status,
                state=_state(row, entry, live, when, now),
                url=_absolute(manifest, entry.url) if entry and live else "",
                post=(entry.source or "") if entry else "",
                row=row,
                campaign=row.campaign or (entry.campaign or "" if entry else ""),
                pillar=row.pillar or (entry.pillar or "" if entry else ""),
                expires=_moment(entry.expires, tz) if entry and entry.expires else localize(row.expires, tz),
            )
        )
    if plan.files:
        for entry, live in _unplanned_posts(manifest):
            items.append(
                PlanItem(
                    title=entry.title,
                    slug=entry.slug,
                    when=_moment(entry.date, tz),
                    all_day=False,
                    keyword=entry.keyword or "",
                    segment=entry.segment or "",
                    stage=entry.stage or "",
                    channels=list(entry.channels),
                    owner="",
                    status="",
                    state="unplanned",
                    url=_absolute(manifest, entry.url) if live else "",
                    post=entry.source or "",
                    campaign=entry.campaign or "",
                    pillar=entry.pillar or "",
                    expires=_moment(entry.expires, tz),
                )
            )
    return items


def _absolute(manifest: Manifest, url: str) -> str:
    return (manifest.site.get("url") or "").rstrip("/") + url


def _unplanned_posts(manifest: Manifest):
    seen = set()
    for entries, live in ((manifest.pages, True), (manifest.held_back, False)):
        for entry in entries:
            if entry.kind == "article" and not entry.calendar_row and entry.source not in seen:
                seen.add(entry.source)
                yield entry, live


def build_report(
    plan: Plan,
    manifest: Manifest,
    *,
    cadence: float,
    segments: dict[str, str],
    tz,
    join_findings: list[CalendarFinding] = (),
) -> PlanReport:
    """The plan report as of the manifest's build clock."""
    now = dt.datetime.fromisoformat(manifest.generated_at).astimezone(tz)
    report = PlanReport(
        now=now,
        site=manifest.site.get("name", ""),
        site_url=(manifest.site.get("url") or "").rstrip("/"),
        files=list(plan.files),
        items=plan_items(plan, manifest, tz, now),
        segments=dict(segments),
        cadence=cadence,
        tz=tz,
        upcoming_changes=list(manifest.upcoming),
    )
    report.findings += list(join_findings)
    if not plan.files:
        return report  # a site without a calendar gets no plan advice
    _cadence_and_gaps(report)
    _coverage(report)
    _actions(report, manifest)
    report.findings.sort(key=lambda f: ({"error": 0, "warning": 1}.get(f.severity, 2), f.file or "", f.line or 0))
    return report


def _counted(report: PlanReport) -> list[PlanItem]:
    """Posts that count for cadence and coverage: everything but ideas and hidden posts."""
    return [i for i in report.items if i.state not in ("idea", "hidden")]


def _monday(moment: dt.datetime) -> dt.date:
    day = moment.date()
    return day - dt.timedelta(days=day.weekday())


def _cadence_and_gaps(report: PlanReport) -> None:
    dated = [i for i in _counted(report) if i.when]
    if not dated:
        return
    per_week = Counter(_monday(i.when) for i in dated)
    first, last = min(per_week), max(per_week)
    weeks, monday = [], first
    while monday <= last:
        weeks.append((monday, per_week.get(monday, 0)))
        monday += dt.timedelta(weeks=1)
    report.weeks = weeks
    longest_normal = max(1, math.ceil(1 / report.cadence)) - 1  # empty weeks expected between posts
    run_start, run = None, 0
    for monday, count in weeks + [(None, 1)]:
        if count == 0:
            run_start, run = (run_start or monday), run + 1
            continue
        if run > longest_normal:
            report.gaps.append(Gap(run_start, run))
        run_start, run = None, 0
    if report.cadence >= 1:
        report.short_weeks = [(m, n) for m, n in weeks if n < report.cadence]
    for gap in report.gaps:
        report.findings.append(
            CalendarFinding(
                "calendar.gap",
                "notice",
                f"nothing planned for {gap.weeks} week(s), {gap.start.isoformat()} to {gap.end.isoformat()}",
                f"the target is {report.cadence:g} post(s) a week; plan a post in this stretch",
            )
        )
    if report.average < report.cadence:
        report.findings.append(
            CalendarFinding(
                "calendar.cadence",
                "notice",
                f"the plan averages {report.average:.2f} post(s) a week over {len(weeks)} week(s), "
                f"below the target of {report.cadence:g}",
                "plan more posts or change EDITORIAL['cadence']",
            )
        )


def _coverage(report: PlanReport) -> None:
    columns = list(report.segments) + ["all"]
    coverage = {(segment, stage): 0 for segment in columns for stage in STAGES}
    for item in _counted(report):
        if item.segment in columns and item.stage in STAGES:
            coverage[(item.segment, item.stage)] += 1
        else:
            report.unassigned += 1
    report.coverage = coverage
    report.empty_cells = [
        (segment, stage)
        for segment in report.segments
        for stage in STAGES
        if coverage[(segment, stage)] + coverage[("all", stage)] == 0
    ]
    if report.empty_cells:
        cells = ", ".join(f"{segment} × {stage}" for segment, stage in report.empty_cells)
        report.findings.append(
            CalendarFinding(
                "calendar.coverage",
                "notice",
                f"no post for {cells}",
                "plan posts for the segments and funnel stages nobody writes for yet",
            )
        )


def _row_finding(item: PlanItem, rule: str, severity: str, message: str, hint: str) -> CalendarFinding:
    if item.row is not None:
        return CalendarFinding(rule, severity, message, hint, item.row.file, item.row.line, item.slug)
    return CalendarFinding(rule, severity, message, hint, item.post, None, item.slug)


def _actions(report: PlanReport, manifest: Manifest) -> None:
    now = report.now
    soon = now + dt.timedelta(days=DUE_SOON_DAYS)
    slugs = {e.slug for e in manifest.pages + manifest.held_back}
    for item in report.items:
        day = item.when.strftime("%Y-%m-%d") if item.when else ""
        if item.state == "overdue":
            report.overdue.append(item)
            report.findings.append(
                _row_finding(
                    item,
                    "calendar.overdue",
                    "warning",
                    f"{item.slug!r} was due {day} ({item.status}) but has no post",
                    "write the post (invoke calendar --new-stubs starts a draft) or move the row's date",
                )
            )
        elif item.row and not item.post and item.state != "idea" and item.when and now < item.when <= soon:
            report.due_soon.append(item)
            report.findings.append(
                _row_finding(
                    item,
                    "calendar.due-soon",
                    "notice",
                    f"{item.slug!r} is due {day} and has no post yet",
                    "write it, or move the row's date",
                )
            )
        if item.row and item.state in UNFINISHED and item.when and item.when <= now:
            report.behind.append(item)
            report.findings.append(
                _row_finding(
                    item,
                    "calendar.behind",
                    "notice",
                    f"{item.slug!r} is still {item.status!r} but its date {day} has passed",
                    "finish it and set the row to scheduled or published, or move the date",
                )
            )
        if item.row and item.state == "published" and item.status != "published":
            report.updates.append((item, "published"))
            report.findings.append(
                _row_finding(
                    item,
                    "calendar.status-update",
                    "notice",
                    f"{item.slug!r} is live but the row says {item.status!r}",
                    "set the row's Status to published",
                )
            )
        if item.row and item.pillar and item.pillar not in slugs:
            report.findings.append(
                _row_finding(
                    item,
                    "calendar.pillar",
                    "warning",
                    f"pillar {item.pillar!r} is not the slug of any page or post",
                    "name the Slug of the pillar page this post supports",
                )
            )
        if item.state == "unplanned":
            report.unplanned.append(item)
            report.findings.append(
                CalendarFinding(
                    "calendar.unplanned-post",
                    "notice",
                    "this post is not in the calendar",
                    f"add a row with Slug {item.slug!r} to a table in {report.files[0]}",
                    item.post,
                    None,
                    item.slug,
                )
            )
    by_keyword: dict[str, list[PlanItem]] = defaultdict(list)
    for item in report.items:
        if item.keyword:
            by_keyword[_norm(item.keyword)].append(item)
    for _, items in sorted(by_keyword.items()):
        if len(items) < 2:
            continue
        report.keyword_twice.append((items[0].keyword, items))
        for item in items[1:]:
            report.findings.append(
                _row_finding(
                    item,
                    "calendar.keyword-twice",
                    "warning",
                    f"keyword {item.keyword!r} is also the focus of {items[0].slug!r} ({items[0].where})",
                    "two posts aiming at one keyword compete in search; give one of them another keyword",
                )
            )


# --- the terminal report ------------------------------------------------------------

STATE_ORDER = (
    "published",
    "scheduled",
    "overdue",
    "review",
    "draft",
    "planned",
    "idea",
    "expired",
    "hidden",
    "unplanned",
)


def _day(moment: dt.datetime | None, all_day: bool = True) -> str:
    if moment is None:
        return "(no date)"
    return moment.strftime("%Y-%m-%d %a") if all_day else moment.strftime("%Y-%m-%d %a %H:%M")


def format_text(report: PlanReport) -> str:
    """The plan report as plain text for the terminal."""
    lines = []
    counts = report.counts
    rows = sum(1 for i in report.items if i.row)
    lines.append(
        f"Content calendar: {rows} row(s) in {', '.join(report.files) or 'no calendar files'}, "
        f"as of {report.now.strftime('%Y-%m-%d %H:%M %Z').strip()}"
    )
    if not report.files:
        lines.append("  No plan yet: add a Markdown table to calendar/*.md (README: The content calendar).")
        lines.append(f"Next scheduled change: {describe_next_change(report.upcoming_changes, report.tz)}")
        return "\n".join(lines) + "\n"
    lines.append("  " + " · ".join(f"{state} {counts[state]}" for state in STATE_ORDER if counts[state]))
    lines.append(f"Next scheduled change: {describe_next_change(report.upcoming_changes, report.tz)}")

    lines.append("")
    lines.append(f"Coming up (next {UPCOMING_WEEKS} weeks)")
    upcoming = report.upcoming
    for item in upcoming:
        lines.append(
            f"  {_day(item.when, item.all_day):<20} {item.state:<10} {item.slug:<34} "
            f"{(item.segment or '-') + '/' + (item.stage or '-'):<26} {item.owner}"
        )
    if not upcoming:
        lines.append("  nothing")

    lines.append("")
    if report.weeks:
        lines.append(
            f"Cadence: {report.average:.2f} post(s) a week from {report.weeks[0][0].isoformat()} to "
            f"{report.weeks[-1][0].isoformat()} ({len(report.weeks)} weeks); target {report.cadence:g}"
        )
    else:
        lines.append(f"Cadence: nothing dated yet; target {report.cadence:g} post(s) a week")
    lines.append("Gaps (weeks with nothing planned): " + (str(len(report.gaps)) if report.gaps else "none"))
    for gap in report.gaps:
        lines.append(f"  {gap.start.isoformat()} to {gap.end.isoformat()} ({gap.weeks} weeks)")
    if report.short_weeks:
        lines.append(f"Weeks below the target: {len(report.short_weeks)}")
        for monday, count in report.short_weeks:
            lines.append(f"  week of {monday.isoformat()}: {count}")

    lines.append("")
    lines.append("Coverage (posts by segment and funnel stage; ideas not counted)")
    columns = list(report.segments) + ["all"]
    width = max([len(s) for s in STAGES] + [8])
    lines.append("  " + " " * width + "".join(f"{c[:11]:>12}" for c in columns))
    for stage in STAGES:
        cells = "".join(f"{report.coverage.get((c, stage), 0):>12}" for c in columns)
        lines.append(f"  {stage:<{width}}{cells}")
    if report.empty_cells:
        lines.append("  Empty: " + ", ".join(f"{s} × {t}" for s, t in report.empty_cells))
    if report.unassigned:
        lines.append(f"  {report.unassigned} post(s) without a segment or stage")

    def section(title: str, entries: list[str]) -> None:
        lines.append("")
        lines.append(f"{title}: " + (str(len(entries)) if entries else "none"))
        lines.extend(f"  {entry}" for entry in entries)

    section(
        "Overdue",
        [f"{i.where}  {i.slug} was due {_day(i.when)} ({i.status}), no post" for i in report.overdue],
    )
    section("Due soon without a post", [f"{i.where}  {i.slug} due {_day(i.when)}" for i in report.due_soon])
    section("Behind schedule", [f"{i.where}  {i.slug} still {i.status}, dated {_day(i.when)}" for i in report.behind])
    section(
        "Keywords planned twice",
        [f"{keyword!r}: " + ", ".join(f"{i.slug} ({i.where})" for i in items) for keyword, items in report.keyword_twice],
    )
    section("Posts not in the plan", [f"{i.post}  {i.slug}" for i in report.unplanned])
    section("Rows to update", [f"{i.where}  {i.slug}: set Status to {status}" for i, status in report.updates])
    others = [f for f in report.warnings if f.rule in ("calendar.disagreement", "calendar.held-by-plan", "calendar.pillar")]
    section("Other warnings", [str(f) for f in others])
    return "\n".join(lines) + "\n"
