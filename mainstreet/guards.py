"""Guards against hostile or careless source files.

Two kinds of check keep a bad file from breaking the site or writing outside
output/, each reported as ``file:line: what is wrong; how to fix it``:

* ``preflight(settings)`` reads every source file before Pelican does and
  refuses what would crash or corrupt the build: files too big to be a page,
  bytes that are not UTF-8, control characters (a NUL cannot appear in HTML or
  a feed) and a single-valued metadata key given twice (Pelican turns a second
  ``Title:`` into a list, and the build then fails far from the cause).
* Signal receivers, connected by the build driver for every build whatever
  PLUGINS says, check what Pelican made of each file: an empty Title, a Slug or
  Save_as that cannot be a URL, a Lang that is not a language code, an Image
  outside content/, and ``{static}``/``{attach}`` links to files outside
  content/ (Pelican would copy those to the same relative place outside
  output/, and publish a file that was never meant to be public).
* A tag, category or author whose name slugifies to nothing (``Tags: 🎂``)
  gets a stable, readable slug from its code points (``tag-1f382``) instead of
  an empty one (links to ``/blog/tag//``, every such tag merged into one).
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
import unicodedata

from contract.sources import display_path, metadata_line, project_path

from . import compat
from .errors import Problem

logger = logging.getLogger(__name__)

# A source file bigger than this is not a page anyone reads; it is a pasted
# export, an inlined image or a mistake, and it would slow every build.
MAX_SOURCE_BYTES = 1024 * 1024
SOURCE_EXTENSIONS = {".md", ".markdown", ".mkd", ".mdown", ".html", ".htm"}
MARKDOWN_EXTENSIONS = {".md", ".markdown", ".mkd", ".mdown"}
# Characters HTML and XML feeds cannot carry: C0 controls except tab, line feed
# and carriage return, DEL and the C1 controls, and the Unicode noncharacters.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
# Metadata that takes one value: a second line with the same key is a mistake.
SINGLE_VALUED = {
    "title", "date", "modified", "slug", "lang", "status", "template", "category",
    "summary", "description", "keyword", "image", "image_alt", "canonical",
    "noindex", "save_as", "url", "segment", "stage",
}  # fmt: skip
_META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):(?P<value>.*)$")
_META_CONTINUATION = re.compile(r"^[ ]{4,}\S")
_SLUG_SEGMENT = re.compile(r"[\w~-][\w.~-]*")
_LANG = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")


# --- Before Pelican reads anything --------------------------------------------


def source_files(settings) -> list[str]:
    """Every file Pelican may read as content: Markdown and HTML under PATH, minus IGNORE_FILES."""
    root = settings["PATH"]
    ignores = settings.get("IGNORE_FILES") or []
    found = []
    for dirpath, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not any(fnmatch.fnmatch(d, pattern) for pattern in ignores))
        for name in sorted(files):
            if os.path.splitext(name)[1].lower() not in SOURCE_EXTENSIONS:
                continue
            if any(fnmatch.fnmatch(name, pattern) for pattern in ignores):
                continue
            found.append(os.path.join(dirpath, name))
    return found


def preflight(settings, root: str) -> list[Problem]:
    """Problems in the source files that must stop the build before Pelican reads them."""
    problems = []
    for path in source_files(settings):
        problems += check_source_file(path, display_path(path, root))
    return problems


def check_source_file(path: str, shown: str) -> list[Problem]:
    """What makes one source file unsafe to build (empty when it is fine)."""
    try:
        size = os.path.getsize(path)
        if size > MAX_SOURCE_BYTES:
            return [
                Problem(
                    f"{size / 1e6:.1f} MB is too big for a source file (the limit is "
                    f"{MAX_SOURCE_BYTES / 1e6:.1f} MB); split it into several pages, and keep images "
                    "in content/images/ instead of inline",
                    shown,
                )
            ]
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return [Problem(f"could not read this file ({exc.strerror})", shown)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = position(data, exc.start)
        return [
            Problem(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {column}); "
                "save the file as UTF-8 (your editor's 'Save with encoding' menu)",
                shown,
                line,
            )
        ]
    text = text.removeprefix("\ufeff")
    forbidden = FORBIDDEN.search(text)
    if forbidden:
        line, column = position(text, forbidden.start())
        return [
            Problem(
                f"control character U+{ord(forbidden.group()):04X} at column {column}; remove it "
                "(web pages and feeds cannot carry it; it often comes from copying out of a PDF or a word processor)",
                shown,
                line,
            )
        ]
    if os.path.splitext(path)[1].lower() in MARKDOWN_EXTENSIONS:
        return duplicate_keys(text, shown)
    return []


def position(data: bytes | str, index: int) -> tuple[int, int]:
    """1-based line and column of ``index`` in ``data``."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    line_start = data.rfind(newline, 0, index) + 1
    return data.count(newline, 0, index) + 1, index - line_start + 1


def metadata_lines(text: str) -> list[tuple[int, str]]:
    """(line number, lower-case key) of each key in a Markdown file's metadata header."""
    lines = text.splitlines()
    keys = []
    start = 0
    if lines and lines[0].strip() == "---":  # the YAML-style block Python-Markdown also reads
        start = 1
    for number, line in enumerate(lines[start:], start=start + 1):
        if start and line.strip() in ("---", "..."):
            break
        match = _META_LINE.match(line)
        if match:
            keys.append((number, match["key"].lower()))
        elif not _META_CONTINUATION.match(line):
            break
    return keys


def duplicate_keys(text: str, shown: str) -> list[Problem]:
    first_seen: dict[str, int] = {}
    problems = []
    for number, key in metadata_lines(text):
        if key in first_seen and key in SINGLE_VALUED:
            problems.append(
                Problem(
                    f"{key.capitalize()!r} is given twice (first on line {first_seen[key]}); keep one",
                    shown,
                    number,
                )
            )
        first_seen.setdefault(key, number)
    return problems


# --- While Pelican builds (signal receivers) -----------------------------------


def check_content(instance) -> None:
    """content_object_init: an article or page whose metadata cannot make a safe URL."""
    from pelican.contents import Static

    if isinstance(instance, Static) or not getattr(instance, "source_path", None):
        return
    settings = instance.settings
    source = instance.source_path
    shown = project_path(source, settings)
    metadata = instance.metadata

    title = metadata.get("title")
    if isinstance(title, str) and not title.strip():
        logger.error("%s:%d: the Title is empty; write the title after 'Title:'", shown, metadata_line(source, "title"))
        return
    slug = getattr(instance, "slug", None)
    reason = unsafe_slug_reason(slug) if isinstance(slug, str) else None
    if reason:
        if "slug" in metadata:
            line = metadata_line(source, "slug")
            what = f"Slug {slug!r} {reason}; use lowercase letters, digits and hyphens, e.g. 'holiday-cakes'"
        else:
            line = metadata_line(source, "title")
            what = f"the Title gives no usable URL slug ({slug!r}); add a Slug line, e.g. 'Slug: holiday-cakes'"
        logger.error("%s:%d: %s", shown, line, what)
    save_as = metadata.get("save_as")
    if isinstance(save_as, str) and save_as and (save_as.endswith(("/", "\\")) or save_as.strip() in (".", "")):
        logger.error(
            "%s:%d: Save_as %r names a folder; name a file, e.g. 'offers/spring/index.html'",
            shown,
            metadata_line(source, "save_as"),
            save_as,
        )
    lang = metadata.get("lang")
    if isinstance(lang, str) and not _LANG.fullmatch(lang):
        logger.error(
            "%s:%d: Lang %r is not a language code; use one like 'en' or 'pt-BR'",
            shown,
            metadata_line(source, "lang"),
            lang,
        )
    image = metadata.get("image")
    if isinstance(image, str) and image.strip() and leaves_content(image):
        logger.error(
            "%s:%d: Image %r is outside content/; put the image in content/images/ and write its path "
            "from there, e.g. images/posts/photo.jpg",
            shown,
            metadata_line(source, "image"),
            image,
        )


def unsafe_slug_reason(slug: str) -> str | None:
    """Why ``slug`` cannot be (part of) a URL path, or None when it can."""
    if not slug:
        return "is empty"
    if slug.startswith("/") or "\\" in slug:
        return "starts with '/' or holds a backslash"
    for segment in slug.split("/"):
        if segment in ("", ".", ".."):
            return "holds an empty, '.' or '..' path segment"
        if not _SLUG_SEGMENT.fullmatch(segment):
            return "holds spaces or characters that have a meaning in URLs (such as ? # % &)"
    return None


def leaves_content(path: str) -> bool:
    """True when a path written relative to content/ points outside it."""
    for prefix in ("{static}", "{attach}", "{filename}"):
        path = path.removeprefix(prefix)
    path = path.strip().lstrip("/")
    normal = os.path.normpath(path)
    return normal == ".." or normal.startswith(".." + os.sep) or os.path.isabs(normal)


def refuse_static_outside_content(generator) -> None:
    """static_generator_finalized: never copy a file from outside content/.

    A ``{static}/../../secret`` link makes Pelican copy that file to the same
    relative place from output/, that is outside output/. The file is dropped
    and each page that links it gets an error at the link's line.
    """
    from contract.sources import find_line

    settings = generator.settings
    escaping = [sc for sc in generator.staticfiles if leaves_content(sc.get_relative_source_path())]
    if not escaping:
        return
    contents = []
    for name in ("articles", "pages", "hidden_pages", "draft_pages", "drafts", "hidden_articles"):
        contents += list(generator.context.get(name) or [])
    for static in escaping:
        relative = os.path.normpath(static.get_relative_source_path())
        linkers = [
            c
            for c in contents
            if relative in {os.path.normpath(link) for link in c.get_static_links()}
        ]
        for content in linkers or [None]:
            if content is None:
                logger.error(
                    "a link points to %s, outside content/; only files inside content/ are published",
                    static.source_path,
                )
                continue
            logger.error(
                "%s:%d: links to %r, which is outside content/; copy the file into content/ "
                "(e.g. content/images/) and link it from there",
                project_path(content.source_path, settings),
                find_line(content.source_path, os.path.basename(relative)) or 1,
                relative,
            )
    generator.staticfiles = [sc for sc in generator.staticfiles if sc not in escaping]
    if "staticfiles" in generator.context:
        generator.context["staticfiles"] = [sc for sc in generator.context["staticfiles"] if sc not in escaping]


# --- Names that slugify to nothing ----------------------------------------------


def fallback_slug(kind: str, name: str) -> str:
    """The slug of a name with no letters or digits: its code points, ``tag-1f382`` for 🎂.

    Stable across builds and machines; combining marks and format characters
    (emoji variation selectors, zero-width joiners) are left out, so ❤ and ❤️
    share one page.
    """
    points = [f"{ord(ch):x}" for ch in str(name)
              if not ch.isspace() and unicodedata.category(ch) not in ("Mn", "Me", "Cf")]
    return "-".join([kind, *points])


def install_slug_fallback() -> None:
    """Give Pelican's tags, categories and authors fallback_slug when their slug would be empty.

    Pelican compares and hashes these by slug, so the fallback must be there
    from the first use of the slug on: both the slug property and the key
    Pelican compares names with get it (idempotent; the build removes it when
    it ends, ``remove_slug_fallback``).
    """
    compat.install_slug_fallback(fallback_slug)


def remove_slug_fallback() -> None:
    """Pelican's own slugs again."""
    compat.remove_slug_fallback()


def connect() -> None:
    """Connect the receivers (idempotent: blinker keeps one connection per function)."""
    from pelican import signals

    install_slug_fallback()

    signals.content_object_init.connect(check_content)
    signals.static_generator_finalized.connect(refuse_static_outside_content)
