"""Duplicates: exact (same clean text) and near (MinHash over word shingles, LSH banding).

Memory is one 64-value signature per article plus band buckets, so 100k articles stay well
under 100 MB, and candidates come from shared buckets, never from comparing all pairs.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from dataclasses import dataclass

SHINGLE_WORDS = 5
NUM_HASHES = 64
BANDS = 16  # 16 bands of 4 rows: pairs at Jaccard 0.8 share a band with probability ~0.9996
ROWS = NUM_HASHES // BANDS
# Two texts whose estimated shingle Jaccard is at least this are near-duplicates.
NEAR_JACCARD = 0.8
_MERSENNE = (1 << 61) - 1
_WORD = re.compile(r"\w+")


def _params() -> list[tuple[int, int]]:
    # Fixed coefficients derived from a fixed string: the same in every process and run.
    out = []
    for k in range(NUM_HASHES):
        digest = hashlib.sha256(f"newsingest-minhash-{k}".encode()).digest()
        a = int.from_bytes(digest[:8], "big") % _MERSENNE or 1
        b = int.from_bytes(digest[8:16], "big") % _MERSENNE
        out.append((a, b))
    return out


_PARAMS = _params()


def signature(text: str) -> array[int]:
    """MinHash signature of a text's 5-word shingles (lower-cased words)."""
    words = _WORD.findall(text.lower())
    n = max(1, len(words) - SHINGLE_WORDS + 1)
    hashes = {zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode()) for i in range(n)}
    return array("Q", (min((a * h + b) % _MERSENNE for h in hashes) for a, b in _PARAMS))


def similarity(s1: array[int], s2: array[int]) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return sum(1 for x, y in zip(s1, s2, strict=True) if x == y) / NUM_HASHES


@dataclass(frozen=True)
class Match:
    """An article that duplicates an earlier one."""

    kind: str  # "exact" or "near"
    of: str  # id of the earlier article
    similarity: float


class DuplicateIndex:
    """Remembers articles in input order; answers whether a new one repeats an earlier one."""

    def __init__(self, near: bool = True) -> None:
        self.near = near
        self._exact: dict[str, str] = {}
        self._buckets: dict[tuple[int, int], list[int]] = {}
        self._ids: list[str] = []
        self._sigs: list[array[int]] = []

    def check_and_add(
        self, ident: str, sha256: str, text: str, sig: array[int] | None = None
    ) -> Match | None:
        """The earliest earlier article this one duplicates, if any; then remember this one.
        `sig` is signature(text) when the caller computed it already (in a worker)."""
        if sha256 in self._exact:
            return Match("exact", self._exact[sha256], 1.0)
        self._exact[sha256] = ident
        if not self.near:
            return None
        if sig is None:
            sig = signature(text)
        best: tuple[float, int] | None = None
        seen: set[int] = set()
        keys = [(band, hash(tuple(sig[band * ROWS : (band + 1) * ROWS]))) for band in range(BANDS)]
        for key in keys:
            for k in self._buckets.get(key, ()):
                if k in seen:
                    continue
                seen.add(k)
                sim = similarity(sig, self._sigs[k])
                # Highest similarity wins; among equals, the earliest article.
                if sim >= NEAR_JACCARD and (best is None or sim > best[0]):
                    best = (sim, k)
        index = len(self._ids)
        self._ids.append(ident)
        self._sigs.append(sig)
        for key in keys:
            self._buckets.setdefault(key, []).append(index)
        if best is None:
            return None
        return Match("near", self._ids[best[1]], best[0])
