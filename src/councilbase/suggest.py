"""The nearest names to one that matches nothing: ``Nebenzya`` -> ``Nebenzia``."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable


def fold(text: str) -> str:
    """Lower case without accents, for comparing names as people type them."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def nearest(value: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` candidates closest to ``value`` (accents and case ignored), best first."""
    by_fold: dict[str, str] = {}
    for candidate in candidates:
        if candidate:
            by_fold.setdefault(fold(candidate), candidate)
    found = difflib.get_close_matches(fold(value), list(by_fold), n=n, cutoff=cutoff)
    return [by_fold[f] for f in found]
