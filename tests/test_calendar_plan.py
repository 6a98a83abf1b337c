"""The calendar parser on its own: tables in Markdown, every mistake with its line, never a crash."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planning.plan import Vocabulary, check_rows, parse_calendar_text, split_lines

VOCABULARY = Vocabulary(segments=("families", "offices", "weddings"))
HEADER = "| Date | Title | Slug | Keyword | Segment | Stage | Channels | Status | Owner |"
DELIMITER = "|------|-------|------|---------|---------|-------|----------|--------|-------|"
GOOD = "| 2026-12-01 | Holiday cake guide | holiday-cake-guide | custom holiday cakes | families | consideration | blog, newsletter | scheduled | Ana |"


def parse(text: str):
    tables, problems = parse_calendar_text(text, "calendar/2026.md")
    rows = [row for table in tables for row in table.rows]
    problems += check_rows(rows, VOCABULARY)
    return tables, rows, problems


def calendar(*rows: str, before: str = "# Plan 2026\n\nSome prose about the plan.\n\n") -> str:
    """A calendar whose header is on line 5 and whose first row is on line 7."""
    return before + "\n".join([HEADER, DELIMITER, *rows]) + "\n"


def test_reads_rows_with_their_line_and_plain_text_fields():
    text = calendar(
        GOOD,
        "| 2026-12-10 08:30 | [Office party](https://example.com/x) *checklist* | office-party | office party catering "
        "| offices | decision | Blog, LinkedIn | planned | Priya |",
    )
    tables, rows, problems = parse(text)
    assert problems == []
    assert [r.line for r in rows] == [7, 8]
    first, second = rows
    assert first.where == "calendar/2026.md:7"
    assert first.date == dt.datetime(2026, 12, 1) and not first.timed
    assert first.channels == ["blog", "newsletter"]
    assert second.date == dt.datetime(2026, 12, 10, 8, 30) and second.timed
    # Markdown in cells: the field is plain text, the raw cell is kept for writing back.
    assert second.title == "Office party checklist"
    assert second.cells["Title"] == "[Office party](https://example.com/x) *checklist*"
    assert second.channels == ["blog", "linkedin"]
    assert tables[0].line == 5 and tables[0].headers[0] == "Date"


def test_extra_columns_are_kept_and_other_tables_and_code_are_ignored():
    text = (
        "# Plan\n\n| Tool | Price |\n|---|---|\n| oven | 3000 |\n\n"
        "```\n" + HEADER + "\n" + DELIMITER + "\n| not | a | real | row |\n```\n\n"
        "| Notes | date | TITLE | slug | keyword | segment | stage | channels | status | owner | Pillar |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n"
        "| call the mill | 2026-12-01 | Guide | guide | kw | all | awareness | blog | idea | Tom | bread-basics |\n"
    )
    tables, rows, problems = parse(text)
    assert problems == []
    assert len(tables) == 1 and len(rows) == 1
    assert rows[0].cells["Notes"] == "call the mill"
    assert rows[0].pillar == "bread-basics"
    assert rows[0].line == 15


def test_escaped_pipe_stays_inside_its_cell():
    row = GOOD.replace("Holiday cake guide", r"Cakes \| pies")
    _, rows, problems = parse(calendar(row))
    assert problems == []
    assert rows[0].title == "Cakes | pies"


# Each mistake, the line it is on, and words the message must contain.
MISTAKES = {
    "unknown status": (GOOD.replace("| scheduled |", "| sheduled |"), "unknown status 'sheduled'; expected one of: idea, planned, draft, review, scheduled, published (did you mean 'scheduled'?)"),
    "unknown segment": (GOOD.replace("| families |", "| famlies |"), "unknown segment 'famlies'; expected one of: families, offices, weddings, all"),
    "unknown stage": (GOOD.replace("| consideration |", "| interest |"), "unknown stage 'interest'; expected one of: awareness, consideration, decision, retention, advocacy"),
    "unknown channel": (GOOD.replace("blog, newsletter", "blog, tiktok"), "unknown channel 'tiktok'; expected one of: blog, newsletter, facebook"),
    "unparseable date": (GOOD.replace("2026-12-01", "12/01/2026"), "unreadable date '12/01/2026'; write dates as YYYY-MM-DD or YYYY-MM-DD HH:MM"),
    "impossible date": (GOOD.replace("2026-12-01", "2026-13-45"), "unreadable date '2026-13-45'"),
    "scheduled without date": (GOOD.replace("2026-12-01", " "), "a scheduled row needs a date"),
    "missing slug": (GOOD.replace("holiday-cake-guide", " "), "missing slug; add the post's slug, e.g. 'holiday-cake-guide'"),
    "invalid slug": (GOOD.replace("holiday-cake-guide", "Holiday Cake Guide"), "invalid slug 'Holiday Cake Guide'; use lower-case letters, digits and hyphens, e.g. 'holiday-cake-guide'"),
    "too few cells": (GOOD.replace(" Ana |", ""), "this row has 8 cell(s), the header has 9; give every row one cell per column"),
    "too many cells": (GOOD + " extra |", "this row has 10 cell(s), the header has 9"),
    "text stuck to the table": ("Next we plan January.", "this row has 1 cell(s), the header has 9"),
    "missing title": (GOOD.replace("Holiday cake guide", " "), "missing title; give the row a working title"),
    "missing status": (GOOD.replace("| scheduled |", "| |"), "missing status; expected one of: idea, planned"),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_every_mistake_has_its_line_and_a_hint(name):
    bad, expected = MISTAKES[name]
    _, _, problems = parse(calendar(GOOD.replace("holiday-cake-guide", "other-post"), bad))
    assert [p.severity for p in problems] == ["error"], problems
    assert str(problems[0]).startswith("calendar/2026.md:8: " + expected), str(problems[0])


def test_two_rows_for_one_slug_name_both_lines():
    _, _, problems = parse(calendar(GOOD, GOOD.replace("2026-12-01", "2026-12-05")))
    assert [str(p) for p in problems] == [
        "calendar/2026.md:8: duplicate slug 'holiday-cake-guide': calendar/2026.md:7 plans it already; "
        "keep one row per post: delete one of the two rows or give this one another slug"
    ]


def test_a_header_missing_a_column_is_an_error_on_the_header_line():
    text = calendar(GOOD).replace(" Owner |", "").replace("-------|\n", "\n", 1)
    _, rows, problems = parse(text)
    assert rows == []
    assert str(problems[0]).startswith("calendar/2026.md:5: this calendar table has no column Owner")


def test_a_broken_delimiter_row_is_reported_not_silently_skipped():
    text = calendar(GOOD).replace(DELIMITER, "|------|-------|")
    _, rows, problems = parse(text)
    assert rows == []
    assert str(problems[0]).startswith("calendar/2026.md:5: this calendar table is not read as a table")
    assert "|---|---|---|---|---|---|---|---|---|" in str(problems[0])


def test_ideas_may_leave_slug_and_date_empty():
    _, rows, problems = parse(calendar("| | Valentine's cakes for two | | | | | | idea | Tom |"))
    assert problems == []
    assert rows[0].slug == "valentines-cakes-for-two" and rows[0].slug_derived
    assert rows[0].date is None


def test_expires_must_be_after_the_date():
    text = calendar(GOOD).replace("| Owner |", "| Owner | Expires |").replace(DELIMITER, DELIMITER + "---|")
    text = text.replace("| Ana |", "| Ana | 2026-11-30 |")
    _, _, problems = parse(text)
    assert str(problems[0]).startswith("calendar/2026.md:7: Expires 2026-11-30 is not after the date 2026-12-01")


# --- property: never a crash, every problem located ---------------------------------------

TABLE_ALPHABET = st.sampled_from(
    ["|", " | ", "-", "---", ":", "\\", "\\|", "`", "*", "[", "](", ")", "\n", "\r\n", "\r", " ", "\t", ">", "#",
     "Date", "Title", "Slug", "Status", "Owner", "Keyword", "Segment", "Stage", "Channels", "2026-12-01",
     "2026-13-45", "scheduled", "idea", "families", "blog, x", "a-slug", "é", "\x0b", "\u2028", "\x00"]
)


def _check_located(text: str) -> None:
    lines = len(split_lines(text))
    tables, problems = parse_calendar_text(text, "calendar/x.md")
    problems += check_rows([row for table in tables for row in table.rows], VOCABULARY)
    for problem in problems:
        assert problem.file == "calendar/x.md"
        assert problem.line is not None and 1 <= problem.line <= lines, (problem, lines)
        assert problem.message and problem.hint
    for table in tables:
        for row in table.rows:
            assert 1 <= row.line <= lines


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_parser_never_crashes_on_any_text(text):
    _check_located(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TABLE_ALPHABET, max_size=120).map("".join))
def test_parser_never_crashes_on_table_like_text(text):
    _check_located(calendar(text, before="") + text)


def test_lines_are_counted_as_markdown_does():
    # \x0b, \x1c and \u2028 end a line for str.splitlines() but not for Markdown.
    text = calendar(GOOD, before="# Plan\x0b2026\n\nProse\u2028with odd\x1cbreaks.\r\n\r\n")
    _, rows, problems = parse(text)
    assert problems == []
    assert rows[0].line == 7


def test_two_rows_for_one_slug_in_two_files(tmp_path):
    from planning.plan import read_plan

    folder = tmp_path / "calendar"
    folder.mkdir()
    (folder / "2026.md").write_text(calendar(GOOD))
    (folder / "2027.md").write_text(calendar(GOOD.replace("2026-12-01", "2027-01-05")))
    plan = read_plan(folder, tmp_path, VOCABULARY)
    assert [str(p).split(";")[0] for p in plan.problems] == [
        "calendar/2027.md:7: duplicate slug 'holiday-cake-guide': calendar/2026.md:7 plans it already"
    ]


def test_a_campaign_key_must_be_usable_as_utm_campaign():
    text = calendar(GOOD).replace("| Owner |", "| Owner | Campaign |").replace(DELIMITER, DELIMITER + "---|")
    _, _, problems = parse(text.replace("| Ana |", "| Ana | Holiday 2026 |"))
    assert str(problems[0]).startswith(
        "calendar/2026.md:7: invalid campaign key 'Holiday 2026'; it becomes utm_campaign: use lower-case words "
        "joined by hyphens, e.g. 'holiday-2026'"
    )
