"""Do two product titles name the same product? (pure Python + rapidfuzz; no Django)

A title is normalised (NFKC, lower case, punctuation and brackets dropped; a short letters
token before a number is joined to it, so "RTX 4060" and "RTX4060" are one code) into tokens.
Model codes are the tokens that mix ASCII letters and digits ("b760m", "rtx4060",
"i5-13400f", "g15-4070", "16gb"; a variant word joins its code: "rtx4060ti"), "oc", and
numbers of three digits or more: two titles agree only
when their codes are exactly the same set (brand PCs sharing one chassis photo differ in
them), neither names something the other names differently (a colour, a series: words each
lacks that are not spellings of one another), and rapidfuzz's ``token_set_ratio`` of the
normalised titles is at least ``TITLE_THRESHOLD``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

# token_set_ratio (0–100) from which two titles with the same codes agree: one title's words
# inside the other's scores 100; a changed word in a short name drops below 90.
TITLE_THRESHOLD = 90.0

# fuzz.ratio from which two differing words are spellings of one ("데스크탑" / "데스크톱")
SPELLING_THRESHOLD = 75.0

_DROP = re.compile(r"[^\w\s\-+.]|_")  # punctuation and brackets (keep - + . inside codes)
_LETTERS = re.compile(r"^[a-z]{2,5}$")
_NUMBERISH = re.compile(r"^\d[\da-z]*$")
# a model's variant written as a word: joined to the code before it ("rtx4060 ti" -> "rtx4060ti")
_SUFFIXES = frozenset({"ti", "super", "xt", "xtx"})
# words that make another product on their own (a factory-overclocked card)
_CODE_WORDS = frozenset({"oc"})
_CODE = re.compile(r"^(?=[a-z0-9\-+.]*\d)[a-z0-9][a-z0-9\-+.]*$")


@dataclass(frozen=True)
class Title:
    text: str  # normalised, tokens joined by one space
    codes: frozenset[str]


def normalise(title: str) -> Title:
    text = unicodedata.normalize("NFKC", title).lower()
    raw = [t.strip("-+.") for t in _DROP.sub(" ", text).split()]
    tokens: list[str] = []
    for tok in raw:
        if not tok:
            continue
        if tokens and _LETTERS.match(tokens[-1]) and _NUMBERISH.match(tok):
            tokens[-1] += tok  # "rtx" "4060" -> "rtx4060"
        elif tokens and tok in _SUFFIXES and _is_code(tokens[-1]):
            tokens[-1] += tok
        else:
            tokens.append(tok)
    codes = frozenset(t.replace("-", "") for t in tokens if _is_code(t))
    return Title(" ".join(tokens), codes)


def _is_code(token: str) -> bool:
    if token in _CODE_WORDS:
        return True
    if not _CODE.match(token):
        return False
    if token.replace("-", "").replace(".", "").isdigit():
        return len(token) >= 3  # "4060", "2024"; not "2" or "16"
    return any(c.isalpha() for c in token)


def title_score(a: Title, b: Title) -> float:
    """0–100; 0 when the model codes differ or the titles name different things."""
    if a.codes != b.codes or _conflict(a, b):
        return 0.0
    return float(fuzz.token_set_ratio(a.text, b.text))


def _conflict(a: Title, b: Title) -> bool:
    """Each title has a word the other lacks and they are not spellings of one word
    ("차콜" / "브라운", "클라우드" / "포레", "정품" / "벌크"): two products of one line. One title
    adding words ("정품", a colour, the maker's name) is no conflict."""
    only_a = set(a.text.split()) - set(b.text.split())
    only_b = set(b.text.split()) - set(a.text.split())
    if not only_a or not only_b:
        return False
    return any(max(fuzz.ratio(x, y) for y in only_b) < SPELLING_THRESHOLD for x in only_a) or any(
        max(fuzz.ratio(y, x) for x in only_a) < SPELLING_THRESHOLD for y in only_b
    )


def titles_agree(a: Title, b: Title, threshold: float = TITLE_THRESHOLD) -> bool:
    return title_score(a, b) >= threshold
