"""Questions and answers from a page's own FAQ section.

An ``## FAQ`` heading (or another of LOCAL_SEO['faq_headings']) starts the
section; each ``###`` heading inside it is a question and everything up to the
next heading is its answer. The text is taken from the rendered HTML, so the
structured data says exactly what a visitor reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Question:
    name: str
    answer: str
    anchor: str = ""  # the heading's id, when the toc extension gave it one


def _text(element) -> str:
    if element.tag in ("ul", "ol", "dl"):
        return " ".join(_text(item) for item in element if isinstance(item.tag, str))
    return _SPACE.sub(" ", element.text_content()).strip()


_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _is_faq_heading(text: str, headings) -> bool:
    """The heading is one of ``headings`` (case, a trailing : or ? and smart quotes aside)."""
    def norm(value: str) -> str:
        return value.translate(_STRAIGHT).strip().lower().rstrip(":?")

    return norm(text) in {norm(h) for h in headings}


def _may_have_heading(html: str, headings) -> bool:
    """False when no FAQ heading can be in ``html``: each heading's longest word is absent.

    Entities and markup only replace punctuation and wrap words, so a heading's
    words stay visible in the HTML; this spares parsing pages without an FAQ.
    """
    lower = html.lower()
    for heading in headings:
        words = re.findall(r"\w+", str(heading).lower())
        if not words or max(words, key=len) in lower:
            return True
    return False


def extract_faq(html: str, headings) -> list[Question]:
    """The questions of the first FAQ section in ``html``, in order ([] if none)."""
    if not html or "<h2" not in html or not _may_have_heading(html, headings):
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    questions: list[Question] = []
    inside = False
    current = None
    parts: list[str] = []

    def flush() -> None:
        if current is not None:
            answer = " ".join(p for p in parts if p)
            if answer:
                questions.append(Question(_text(current), answer, current.get("id", "")))

    for element in root:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "h2":
            if inside:
                flush()
                inside = False
                break
            inside = _is_faq_heading(_text(element), headings)
            continue
        if not inside:
            continue
        if tag in ("h3", "h1"):
            flush()
            current, parts = (element if tag == "h3" else None), []
        elif tag in ("h4", "h5", "h6") or current is None:
            continue
        else:
            parts.append(_text(element))
    if inside:
        flush()
    return questions
