"""The landing pages' two inline scripts: their minified text and CSP hashes.

* ``ab``: assigns a visitor to an arm, in ``<head>`` before the first paint.
* ``landing``: dynamic text replacement and conversion goals, at the end of the page.

The readable sources are ``js/ab.js`` and ``js/landing.js`` beside this file.
Each page passes its settings in ``data-*`` attributes of the ``<script>``
element, so the script text is the same on every page and in every build of
the same sources: a Content-Security-Policy allows it with one hash
(``csp_hash``), listed in reports/landing.json.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("ab", "landing")
# The A/B script must stay this small (the budget, checked by the tests).
BUDGET = 1024

_WORD = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
# After one of these a "/" starts a regular expression, not a division.
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^")


def minify(source: str) -> str:
    """Drop comments and the whitespace JavaScript does not need.

    Strings and regular expression literals are copied as they are. Newlines
    go too, so every statement in the sources ends with a semicolon or a brace.
    """
    out: list[str] = []
    i, n = 0, len(source)
    space = False

    def last() -> str:
        return out[-1][-1] if out else ""

    def emit(token: str) -> None:
        nonlocal space
        if space and out and (
            (last() in _WORD and token[0] in _WORD) or (last() in "+-" and token[0] == last())
        ):
            out.append(" ")
        out.append(token)
        space = False

    while i < n:
        ch = source[i]
        if ch.isspace():
            space = True
            i += 1
        elif source.startswith("//", i):
            end = source.find("\n", i)
            i = n if end < 0 else end
            space = True
        elif source.startswith("/*", i):
            i = source.index("*/", i) + 2
            space = True
        elif ch in "\"'":
            j = i + 1
            while source[j] != ch:
                j += 2 if source[j] == "\\" else 1
            emit(source[i : j + 1])
            i = j + 1
        elif ch == "/" and (last() in _REGEX_AFTER or "".join(out).endswith(("return", "typeof"))):
            j, in_class = i + 1, False
            while in_class or source[j] != "/":
                if source[j] == "\\":
                    j += 1
                elif source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                j += 1
            j += 1
            while j < n and source[j].isalpha():
                j += 1
            emit(source[i:j])
            i = j
        else:
            j = i + 1
            if ch in _WORD:
                while j < n and source[j] in _WORD:
                    j += 1
            emit(source[i:j])
            i = j
    return "".join(out)


@cache
def script_text(name: str) -> str:
    """The minified text of script ``name`` ("ab" or "landing")."""
    return minify((HERE / "js" / f"{name}.js").read_text(encoding="utf-8"))


def csp_hash(text: str) -> str:
    """The Content-Security-Policy source that allows an inline script with exactly ``text``."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def script_hashes() -> dict[str, str]:
    return {name: csp_hash(script_text(name)) for name in SCRIPTS}
