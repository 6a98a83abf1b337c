"""Read the content calendar: every plan table in calendar/*.md, as rows that know their file:line.

A plan table is a Markdown table whose header has the columns ``Date | Title |
Slug | Keyword | Segment | Stage | Channels | Status | Owner`` (any order, any
case, extra columns kept; ``Pillar``, ``Campaign`` and ``Expires`` are
understood). Headings, prose and other tables are ignored. Cells may hold
Markdown (links, emphasis): fields are read as plain text, the raw Markdown is
kept for writing the table back.

The tables are parsed by markdown-it-py (GFM tables), which keeps source line
maps; only the cell count of a row is re-checked on its source line with the
parser's own splitter, because the parser silently pads short rows and drops
extra cells.

This module needs no Pelican: the build (``editorial.py``) and the command
line (``python -m mainstreet calendar``) share it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit

from contract.manifest import CalendarFinding
from contract.sources import display_path

STATUSES = ("idea", "planned", "draft", "review", "scheduled", "published")
STAGES = ("awareness", "consideration", "decision", "retention", "advocacy")
CHANNELS = ("blog", "newsletter", "facebook", "instagram", "linkedin", "x", "google-business")
COLUMNS = ("Date", "Title", "Slug", "Keyword", "Segment", "Stage", "Channels", "Status", "Owner")
OPTIONAL_COLUMNS = ("Pillar", "Campaign", "Expires")
# A row with one of these statuses promises a post on its date.
COMMITTED = ("scheduled", "published")
# Statuses of rows that are not ready to go out: a post joined to such a row stays a draft.
UNFINISHED = ("idea", "planned", "draft", "review")

DATE_HINT = "write dates as YYYY-MM-DD or YYYY-MM-DD HH:MM (site timezone)"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
CAMPAIGN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
# markdown-it's own line splitting (str.splitlines also splits on \x0b, \u2028 ...).
_LINES = re.compile(r"\r\n?|\n")
_SPACE = re.compile(r"\s+")



@dataclass(frozen=True)
class Vocabulary:
    """What a plan may name: the site's segments and the known channels."""

    segments: tuple[str, ...] = ()
    channels: tuple[str, ...] = CHANNELS


@dataclass
class Row:
    file: str  # as the user sees it: "calendar/2026.md"
    line: int
    cells: dict[str, str]  # header as written -> the cell's raw Markdown
    text: dict[str, str]  # lower-case column name -> the cell as plain text
    date: dt.datetime | None = None  # naive = site timezone
    timed: bool = False  # the Date cell had a time of day
    expires: dt.datetime | None = None
    status: str = ""
    slug: str = ""
    slug_derived: bool = False  # an idea without a Slug: derived from its title
    title: str = ""
    keyword: str = ""
    segment: str = ""
    stage: str = ""
    channels: list[str] = field(default_factory=list)  # lower case, in the row's order
    owner: str = ""
    campaign: str = ""
    pillar: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def get(self, column: str) -> str:
        return self.text.get(column.lower(), "")


@dataclass
class PlanTable:
    file: str
    line: int  # the header row
    end_line: int  # the last line of the table (inclusive)
    headers: list[str]  # as written
    delimiter_line: str = ""  # the |---| row as written
    rows: list[Row] = field(default_factory=list)
    source_lines: dict[int, str] = field(default_factory=dict)  # row line -> the row as written


@dataclass
class Plan:
    files: list[str] = field(default_factory=list)
    tables: list[PlanTable] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    problems: list[CalendarFinding] = field(default_factory=list)

    @property
    def errors(self) -> list[CalendarFinding]:
        return [p for p in self.problems if p.severity == "error"]

    def by_slug(self) -> dict[str, Row]:
        found: dict[str, Row] = {}
        for row in self.rows:
            if row.slug:
                found.setdefault(row.slug, row)
        return found


# --- parsing ------------------------------------------------------------------

_MD = MarkdownIt("commonmark").enable("table")


def plain_text(inline) -> str:
    """The visible text of a markdown-it inline token (links keep their text)."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(plain_text(child))
    return _SPACE.sub(" ", "".join(parts)).strip()


def inline_text(raw: str) -> str:
    """Plain text of one cell's raw Markdown ("[Guide](x.md) *new*" -> "Guide new")."""
    tokens = _MD.parseInline(raw)
    return plain_text(tokens[0]) if tokens else ""


def split_lines(text: str) -> list[str]:
    """Lines as markdown-it numbers them (str.splitlines also splits on \\x0b, \\u2028 ...)."""
    return _LINES.split(text)


def count_cells(line: str) -> int:
    """How many cells markdown-it sees in a table row written as ``line``."""
    text = re.sub(r"^\s*(?:>\s?)*", "", line).strip()
    columns = escapedSplit(text)
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return len(columns)


def _is_plan_header(names: list[str]) -> bool:
    wanted = set(names)
    return "slug" in wanted and bool({"date", "status"} & wanted)


def parse_calendar_text(text: str, file: str) -> tuple[list[PlanTable], list[CalendarFinding]]:
    """Every plan table of one calendar file, with its rows, and the structural problems found."""
    lines = split_lines(text)
    tokens = _MD.parse(text)
    tables: list[PlanTable] = []
    problems: list[CalendarFinding] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "paragraph_open" and token.map:
            problems += _header_lookalikes(lines, token.map, file)
        if token.type != "table_open":
            index += 1
            continue
        end = next(i for i in range(index, len(tokens)) if tokens[i].type == "table_close")
        table = _read_table(tokens[index:end], lines, file, problems)
        if table is not None:
            tables.append(table)
        index = end + 1
    return tables, problems


def _header_lookalikes(lines: list[str], span, file: str) -> list[CalendarFinding]:
    """A plan header that markdown-it did not read as a table (its |---| row is wrong)."""
    found = []
    for number in range(span[0], min(span[1], len(lines))):
        line = lines[number]
        if "|" not in line:
            continue
        names = [_SPACE.sub(" ", cell).strip().strip("*_`").lower() for cell in escapedSplit(line.strip())]
        if _is_plan_header(names):
            columns = count_cells(line)
            found.append(
                CalendarFinding(
                    "calendar.table",
                    "error",
                    "this calendar table is not read as a table: the line after its header must be "
                    "the delimiter row",
                    f"write one |---| cell per column ({columns} here), e.g. |{'---|' * columns}, "
                    "and leave a blank line before the table",
                    file,
                    number + 1,
                )
            )
    return found


def _read_table(tokens, lines: list[str], file: str, problems: list[CalendarFinding]) -> PlanTable | None:
    header_line = tokens[0].map[0] + 1 if tokens[0].map else 1
    end_line = tokens[0].map[1] if tokens[0].map else header_line
    headers: list[str] = []
    names: list[str] = []
    body: list[tuple[int, list]] = []
    in_head = True
    current: list | None = None
    current_line = 0
    for token in tokens:
        if token.type == "tbody_open":
            in_head = False
        elif token.type == "tr_open" and not in_head:
            current, current_line = [], (token.map[0] + 1 if token.map else header_line)
        elif token.type == "tr_close" and not in_head and current is not None:
            body.append((current_line, current))
            current = None
        elif token.type == "inline":
            if in_head:
                headers.append(token.content.strip())
                names.append(plain_text(token).lower())
            elif current is not None:
                current.append(token)
    if not _is_plan_header(names):
        return None
    missing = [c for c in COLUMNS if c.lower() not in names]
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    if missing or doubled:
        what = (
            f"has no column {', '.join(missing)}" if missing else f"has the column {', '.join(doubled)} twice"
        )
        problems.append(
            CalendarFinding(
                "calendar.table",
                "error",
                f"this calendar table {what}",
                f"a plan table needs the columns {' | '.join(COLUMNS)} once each (any order; extra columns are kept)",
                file,
                header_line,
            )
        )
        return None
    table = PlanTable(
        file,
        header_line,
        end_line,
        headers,
        delimiter_line=lines[header_line] if header_line < len(lines) else "",
    )
    for line, inlines in body:
        source = lines[line - 1] if line - 1 < len(lines) else ""
        cells = count_cells(source)
        if cells != len(headers):
            problems.append(
                CalendarFinding(
                    "calendar.cells",
                    "error",
                    f"this row has {cells} cell(s), the header has {len(headers)}",
                    "give every row one cell per column (an empty cell is | |; write a | inside a cell "
                    "as \\|; leave a blank line between a table and the text after it)",
                    file,
                    line,
                )
            )
            continue
        raw = [token.content.strip() for token in inlines]
        if not any(raw):
            continue
        row = Row(
            file,
            line,
            cells=dict(zip(headers, raw, strict=True)),
            text={name: plain_text(token) for name, token in zip(names, inlines, strict=True) if name},
        )
        table.rows.append(row)
        table.source_lines[line] = source
    return table


# --- checking the rows ----------------------------------------------------------


def slugify(text: str) -> str:
    """A URL slug for ``text`` ("Valentine's Cakes" -> "valentines-cakes")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def parse_moment(text: str) -> tuple[dt.datetime, bool]:
    """'2026-12-01' or '2026-12-01 08:00' -> (datetime, has a time); ValueError if neither."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time()), False
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?", text):
        raise ValueError(text)
    return dt.datetime.fromisoformat(text), True


def _one_of(value: str, allowed) -> str:
    close = difflib.get_close_matches(value, list(allowed), n=1, cutoff=0.6)
    suggestion = f" (did you mean {close[0]!r}?)" if close else ""
    return f"expected one of: {', '.join(allowed)}{suggestion}"


def split_list(value: str) -> list[str]:
    """'blog, Newsletter,facebook' -> ['blog', 'newsletter', 'facebook']."""
    return [part.strip().lower() for part in re.split(r"[,;]", value or "") if part.strip()]


def as_list(value, lower: bool = True) -> list[str]:
    """A list-valued metadata field (Channels, Keywords) as a list, written as text or a list."""
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,;]", str(value or ""))
    items = [str(v).strip() for v in items if str(v).strip()]
    return [v.lower() for v in items] if lower else items


def check_rows(rows: list[Row], vocabulary: Vocabulary) -> list[CalendarFinding]:
    """Read each row's fields (setting them on the row) and report every mistake with file:line."""
    problems: list[CalendarFinding] = []
    segments = tuple(vocabulary.segments) + ("all",)
    seen: dict[str, Row] = {}

    def error(row: Row, rule: str, message: str, hint: str) -> None:
        problems.append(CalendarFinding(rule, "error", message, hint, row.file, row.line, row.slug or None))

    for row in rows:
        row.title = row.get("title")
        row.keyword = row.get("keyword")
        row.owner = row.get("owner")
        row.pillar = row.get("pillar")
        row.campaign = row.get("campaign")

        status = row.get("status").lower()
        row.status = status
        if not status:
            error(row, "calendar.status", "missing status", f"expected one of: {', '.join(STATUSES)}")
        elif status not in STATUSES:
            error(row, "calendar.status", f"unknown status {status!r}", _one_of(status, STATUSES))

        slug = row.get("slug")
        if not slug and status == "idea" and row.title:
            row.slug, row.slug_derived = slugify(row.title), True
        elif not slug:
            error(row, "calendar.slug", "missing slug", f"add the post's slug, e.g. {slugify(row.title) or 'my-post'!r}")
        elif not SLUG_RE.match(slug):
            error(
                row,
                "calendar.slug",
                f"invalid slug {slug!r}",
                f"use lower-case letters, digits and hyphens, e.g. {slugify(slug) or 'my-post'!r}",
            )
        else:
            row.slug = slug

        if not row.title:
            error(row, "calendar.title", "missing title", "give the row a working title")

        date_text = row.get("date")
        if date_text:
            try:
                row.date, row.timed = parse_moment(date_text)
            except ValueError:
                error(row, "calendar.date", f"unreadable date {date_text!r}", DATE_HINT)
        elif status in COMMITTED:
            error(row, "calendar.date", f"a {status} row needs a date", DATE_HINT)

        expires_text = row.get("expires")
        if expires_text:
            try:
                row.expires, _ = parse_moment(expires_text)
            except ValueError:
                error(row, "calendar.date", f"unreadable Expires {expires_text!r}", DATE_HINT)
            else:
                if row.date and _comparable(row.expires) <= _comparable(row.date):
                    error(
                        row,
                        "calendar.date",
                        f"Expires {expires_text} is not after the date {date_text}",
                        "a post must be published before it expires; fix one of the two dates",
                    )

        segment = row.get("segment").lower()
        if segment and segment not in segments:
            error(
                row,
                "calendar.segment",
                f"unknown segment {segment!r}",
                _one_of(segment, segments) + " (the keys of SEGMENTS in the settings, or all)",
            )
        row.segment = segment

        stage = row.get("stage").lower()
        if stage and stage not in STAGES:
            error(row, "calendar.stage", f"unknown stage {stage!r}", _one_of(stage, STAGES))
        row.stage = stage

        channels = split_list(row.get("channels"))
        for channel in channels:
            if channel not in vocabulary.channels:
                error(
                    row,
                    "calendar.channel",
                    f"unknown channel {channel!r}",
                    _one_of(channel, vocabulary.channels) + "; separate channels with commas",
                )
        row.channels = channels

        if row.campaign and not CAMPAIGN_RE.match(row.campaign):
            error(
                row,
                "calendar.campaign",
                f"invalid campaign key {row.campaign!r}",
                f"it becomes utm_campaign: use lower-case words joined by hyphens, e.g. {slugify(row.campaign)!r}",
            )

        if row.slug:
            first = seen.get(row.slug)
            if first is not None:
                error(
                    row,
                    "calendar.duplicate-slug",
                    f"duplicate slug {row.slug!r}: {first.where} plans it already",
                    "keep one row per post: delete one of the two rows or give this one another slug",
                )
            else:
                seen[row.slug] = row
    return problems


def _comparable(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=None) if moment.tzinfo else moment


# --- reading a calendar folder --------------------------------------------------------


def calendar_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.md") if p.is_file())


def read_plan(folder: Path, root: Path, vocabulary: Vocabulary) -> Plan:
    """Read every calendar/*.md under ``folder``; paths in messages are relative to ``root``."""
    plan = Plan()
    for path in calendar_files(folder):
        shown = display(path, root)
        plan.files.append(shown)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            plan.problems.append(
                CalendarFinding("calendar.file", "error", f"could not read this file ({exc})", "save it as UTF-8 text", shown)
            )
            continue
        tables, problems = parse_calendar_text(text, shown)
        plan.tables += tables
        plan.problems += problems
        for table in tables:
            plan.rows += table.rows
    plan.problems += check_rows(plan.rows, vocabulary)
    plan.problems.sort(key=lambda p: (p.file or "", p.line or 0))
    return plan


def display(path: Path, root: Path) -> str:
    """``path`` as the user sees it: relative to the project folder ``root`` when inside it."""
    return display_path(str(Path(path).resolve()), str(Path(root).resolve())).replace("\\", "/")


def localize(moment: dt.datetime | None, tz) -> dt.datetime | None:
    """A row's naive date/time read in the site timezone."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)
