"""Words: keyphrase matching, readability measures and title pixel widths.

Keyphrases match the way Yoast SEO matches them: case and accents do not
matter, word forms are reduced to their stem (Snowball: "cakes", "caking" ->
"cake"), words match whole, and function words ("the", "for") may come and go
between the keyphrase's words.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count, filterfalse

import snowballstemmer

WORD = re.compile(r"\w+(?:['’-]\w+)*")
_STEMMERS = {
    "en": "english", "fr": "french", "de": "german", "es": "spanish", "it": "italian", "pt": "portuguese",
    "nl": "dutch", "sv": "swedish", "da": "danish", "no": "norwegian", "nb": "norwegian", "fi": "finnish",
    "ru": "russian", "ro": "romanian", "hu": "hungarian", "tr": "turkish", "ca": "catalan",
}  # fmt: skip

# English function words: ignored inside keyphrases, as Yoast does.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not of off on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yourself yourselves""".split()
)


def language_of(lang: str | None) -> str:
    return (lang or "en").split("-")[0].split("_")[0].lower()


@lru_cache(maxsize=32)
def _stemmer(language: str):
    name = _STEMMERS.get(language)
    return snowballstemmer.stemmer(name) if name else None


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes."""
    text = text.replace("’", "'")
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


_STEMS: dict[str, dict[str, str]] = {}  # language -> word -> stem
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+")  # on folded (lower-case) text


@lru_cache(maxsize=200_000)
def _stem(word: str, language: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    stemmer = _stemmer(language)
    return stemmer.stemWord(word) if stemmer else word


def tokens(text: str, language: str = "en") -> list[str]:
    """Stems of the words of ``text``, in order."""
    return _stems_of(WORD.findall(fold(text)), language)


def _stems_of(words: list[str], language: str) -> list[str]:
    """The stem of each word: each distinct word is stemmed once per process, then looked up."""
    known = _STEMS.setdefault(language, {})
    new = set(words).difference(known)
    if new:
        if len(known) + len(new) > 500_000:
            known.clear()
            new = set(words)
        for word in new:
            known[word] = _BREAK if word == _BREAK else _stem(word, language)
    return list(map(known.__getitem__, words))


def content_tokens(text: str, language: str = "en") -> list[str]:
    """Stems of the words that carry meaning (function words dropped in English)."""
    words = WORD.findall(fold(text))
    if language == "en":
        words = [w for w in words if w not in STOP_WORDS]
    return [_stem(w, language) for w in words]


# Marks a sentence break among a text's words: folded text has no upper case, so no word is "X".
_BREAK = "X"
_NOT_CONTENT = {"en": STOP_WORDS | {_BREAK}}


@dataclass
class Words:
    """A text's words, analysed once: the stems of every word, and the content-word stream."""

    stems: list[str]  # stems of every word, in order, each sentence break marked with _BREAK
    content: list[str]  # stems of the words that carry meaning, in order

    @classmethod
    def of(cls, text: str, language: str = "en") -> Words:
        # One findall over the whole text: the breaks become " X " words (they are spaces, which
        # no word holds, so every other word is found as when each sentence is searched alone).
        words = WORD.findall(_SENTENCE_BREAK.sub(f" {_BREAK} ", fold(text)))
        stems = _stems_of(words, language)  # every word is in the cache now
        stem_of = _STEMS[language].__getitem__
        dropped = _NOT_CONTENT.get(language, {_BREAK})
        return cls(stems, list(map(stem_of, filterfalse(dropped.__contains__, words))))

    @property
    def sentences(self) -> list[list[str]]:
        """The stems per sentence."""
        found: list[list[str]] = [[]]
        for stem in self.stems:
            if stem == _BREAK:
                found.append([])
            else:
                found[-1].append(stem)
        return found

    def sentences_with(self, stem: str) -> list[list[str]]:
        """The stems of each sentence that holds ``stem``, in order."""
        stems = self.stems
        hits = list(compress(count(), map(stem.__eq__, stems)))
        if not hits:
            return []
        breaks = list(compress(count(), map(_BREAK.__eq__, stems)))
        found = []
        last = -1
        for i in hits:
            k = bisect_right(breaks, i)
            if k == last:
                continue  # the same sentence again
            last = k
            found.append(stems[breaks[k - 1] + 1 if k else 0 : breaks[k] if k < len(breaks) else len(stems)])
        return found


@dataclass(frozen=True)
class Keyphrase:
    text: str
    stems: tuple[str, ...]  # content words' stems, in order
    language: str

    @classmethod
    def parse(cls, text: str, language: str = "en") -> Keyphrase:
        stems = tuple(content_tokens(text, language)) or tuple(tokens(text, language))
        return cls(text.strip(), stems, language)

    def key(self) -> str:
        """Two keyphrases with the same key target the same search."""
        return " ".join(sorted(self.stems))

    def found_in(self, text: str | None) -> bool:
        """All of the keyphrase's words (any form, any order) occur in ``text``."""
        if not text or not self.stems:
            return False
        words = set(tokens(text, self.language))
        return all(stem in words for stem in self.stems)

    def count_in(self, text: str | Words) -> int:
        """Occurrences of the keyphrase, counted per sentence as Yoast SEO counts them.

        A sentence holds the keyphrase as often as it holds all of its words (any
        form, any order): "keep your sourdough fresh" and "sourdough keeps fresh"
        both count once for "keep sourdough fresh".
        """
        if not self.stems:
            return 0
        words = text if isinstance(text, Words) else Words.of(text, self.language)
        needed = {stem: self.stems.count(stem) for stem in self.stems}
        total = 0
        for sentence in words.sentences_with(self.stems[0]):
            total += min(sentence.count(stem) // n for stem, n in needed.items())
        return total

    def in_slug(self, slug: str) -> bool:
        return self.found_in(slug.replace("-", " ").replace("_", " "))


# --- readability -------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9À-Ý])")
_PASSIVE = re.compile(  # on lower-cased text; the lookahead makes most positions fail fast
    r"\b(?=[abgiw])(?:am|is|are|was|were|be|been|being|get|gets|got|gotten|getting)\s+(?:\w+ly\s+)?"
    r"(?:\w{2,}ed|born|built|bought|brought|caught|chosen|done|drawn|driven|eaten|fallen|felt|found|forgotten|"
    r"frozen|given|gone|grown|held|hidden|kept|known|laid|left|lost|made|meant|paid|put|read|ridden|risen|run|"
    r"said|seen|sent|set|shaken|shown|shut|sold|spent|spoken|stolen|struck|sung|taken|taught|thrown|told|"
    r"understood|won|worn|written)\b"
)
_NOT_PARTICIPLE = frozenset({"need", "feed", "seed", "speed", "bed", "red", "bred", "shed", "sled", "wed"})
_TRANSITION_WORDS = (
    "accordingly", "also", "although", "as a result", "because", "besides", "consequently", "finally",
    "first", "firstly", "for example", "for instance", "furthermore", "hence", "however", "in addition",
    "in contrast", "in fact", "in short", "indeed", "instead", "later", "likewise", "meanwhile", "moreover",
    "nevertheless", "next", "nonetheless", "on the other hand", "otherwise", "secondly", "similarly", "since",
    "still", "then", "therefore", "though", "thus", "to sum up", "ultimately", "whereas", "while", "yet",
)


def _alternatives_by_first_letter(words) -> str:
    """``a(?:lso|lthough)|b(?:ecause)...``: the same words as one flat alternation, but a
    position is tried against one branch per first letter instead of every word (4x faster)."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word[1:])
    return "|".join(
        re.escape(first) + "(?:" + "|".join(re.escape(rest) for rest in sorted(rests, key=len, reverse=True)) + ")"
        for first, rests in sorted(by_first.items())
    )


_TRANSITION = re.compile(
    r"\b(?=[" + "".join(sorted({w[0] for w in _TRANSITION_WORDS})) + r"])(?:"
    + _alternatives_by_first_letter(_TRANSITION_WORDS) + r")\b",
    re.IGNORECASE,
)


def sentences(paragraphs: list[str]) -> list[str]:
    found = []
    for paragraph in paragraphs:
        found.extend(s for s in _SENTENCE_END.split(paragraph) if WORD.search(s))
    return found


@dataclass
class Readability:
    sentences: int
    long_sentences: int
    long_paragraphs: int
    longest_paragraph: int
    passive: int | None  # None: not measured (not English)
    transitions: int

    def share(self, count: int | None) -> float:
        return 100.0 * (count or 0) / self.sentences if self.sentences else 0.0


def readability(paragraphs: list[str], language: str, long_sentence: int, long_paragraph: int,
                transitions: bool = False) -> Readability:
    english = language == "en"
    transitions = transitions and english
    found: list[str] = []
    passive = 0
    transitional = 0
    for paragraph in paragraphs:
        these = [s for s in _SENTENCE_END.split(paragraph) if WORD.search(s)]
        found += these
        # A match never spans two sentences (it holds no punctuation), so a paragraph without
        # one has no sentence with one: most paragraphs are ruled out in one search.
        if english and these and _PASSIVE.search(paragraph.lower()):
            passive += sum(1 for s in these if _is_passive(s))
        if transitions and these and _TRANSITION.search(paragraph):
            transitional += sum(1 for s in these if _TRANSITION.search(s))
    lengths = [len(s.split()) for s in found]
    paragraph_lengths = [len(p.split()) for p in paragraphs]
    return Readability(
        sentences=len(found),
        long_sentences=sum(1 for n in lengths if n > long_sentence),
        long_paragraphs=sum(1 for n in paragraph_lengths if n > long_paragraph),
        longest_paragraph=max(paragraph_lengths, default=0),
        passive=passive if english else None,
        transitions=transitional,
    )


def _is_passive(sentence: str) -> bool:
    for match in _PASSIVE.finditer(sentence.lower()):
        participle = match.group(0).split()[-1].lower()
        if participle not in _NOT_PARTICIPLE:
            return True
    return False


# --- title width -------------------------------------------------------------------------

# Advance widths of Arial (units per 1000 em), the font of Google's result titles.
_ARIAL = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, *[556] * 10, 278, 278, 584,
     584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778,
     722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278,
     556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
     260, 334, 584],
    strict=True,
))  # fmt: skip
_ARIAL.update({"·": 278, "–": 556, "—": 1000, "’": 222, "‘": 222, "“": 333, "”": 333, "…": 1000, "•": 350})


def title_width_px(text: str, font_px: float = 20.0) -> int:
    """Estimated width of ``text`` in a Google result title (20 px Arial)."""
    total = 0
    for char in text:
        width = _ARIAL.get(char)
        if width is None:
            base = unicodedata.normalize("NFKD", char)[:1]
            width = _ARIAL.get(base, 1000 if unicodedata.east_asian_width(char) in "WF" else 556)
        total += width
    return round(total * font_px / 1000)
