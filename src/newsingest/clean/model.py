"""The learned line model: loads the model file and scores a page's lines.

The file (data/models/cleaner-vN.json, written by bench/train_cleaner.py) holds gradient
boosted trees as plain arrays. Scoring walks every tree for every line at once: one numpy
gather per tree level, so a page costs a few dozen array operations whatever its length
(measured: ~0.3 ms for 300 lines and 120 trees, against ~25 ms for a per-tree Python loop).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import RulesError
from .features import FEATURES, FEATURES_VERSION

MODEL_FILE = "cleaner-v1.json"


@dataclass(frozen=True)
class Decoder:
    """How line scores become a coherent article (see sequence.py)."""

    center: float  # the best region maximises Σ tokens·(p − center)
    inside: float  # inside it a line is kept from this score up
    outside: float  # outside it only from this score up


class LineModel:
    """Boosted trees over FEATURES, as arrays padded to one shape (leaves loop to themselves)."""

    def __init__(self, doc: dict[str, Any], digest: str) -> None:
        if doc.get("features_version") != FEATURES_VERSION or tuple(doc["features"]) != FEATURES:
            raise RulesError(
                f"model file was trained on other features (version "
                f"{doc.get('features_version')}, this code has {FEATURES_VERSION})"
            )
        self.doc = doc
        self.digest = digest
        self.baseline = float(doc["baseline"])
        trees = doc["trees"]
        width = max(len(t["value"]) for t in trees)
        count = len(trees)
        self.feature = np.zeros((count, width), dtype=np.intp)
        self.threshold = np.full((count, width), np.inf)
        self.left = np.tile(np.arange(width, dtype=np.intp), (count, 1))
        self.right = self.left.copy()
        self.value = np.zeros((count, width))
        for k, t in enumerate(trees):
            m = len(t["value"])
            self.value[k, :m] = t["value"]
            for node, (f, thr, lo, hi) in enumerate(
                zip(t["feature"], t["threshold"], t["left"], t["right"], strict=True)
            ):
                if lo >= 0:  # a split; a leaf keeps the self-loop set above
                    self.feature[k, node] = f
                    self.threshold[k, node] = thr
                    self.left[k, node] = lo
                    self.right[k, node] = hi
        self.depth = int(doc["depth"])
        # Flat copies: a node is tree * width + index, so each level is a few 1-D takes
        # (several times faster than 2-D fancy indexing).
        base = (np.arange(count, dtype=np.intp) * width)[:, None]
        self.flat_feature = self.feature.ravel()
        self.flat_threshold = self.threshold.ravel()
        self.flat_left = (self.left + base).ravel()
        self.flat_right = (self.right + base).ravel()
        self.flat_value = self.value.ravel()
        self.roots = base.ravel()
        d = doc["decoder"]
        self.decoder = Decoder(float(d["center"]), float(d["inside"]), float(d["outside"]))
        self.hard_rules = frozenset(doc.get("hard_rules", ()))

    def margins(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Log-odds of `body` per row of x."""
        n = x.shape[0]
        if n == 0:
            return np.zeros(0)
        x = np.ascontiguousarray(x, dtype=np.float64)
        width = x.shape[1]
        flat_x = x.ravel()
        offsets = (np.arange(n, dtype=np.intp) * width)[:, None]
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        for _ in range(self.depth):
            values = flat_x.take(offsets + self.flat_feature.take(node))
            go_left = values <= self.flat_threshold.take(node)
            node = np.where(go_left, self.flat_left.take(node), self.flat_right.take(node))
        return np.asarray(self.flat_value.take(node).sum(axis=1) + self.baseline)

    def scores(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """P(body) per row of x."""
        return np.asarray(1.0 / (1.0 + np.exp(-self.margins(x))), dtype=np.float64)

    def contributions(self, row: NDArray[np.float64]) -> dict[str, float]:
        """Each feature's share of one line's log-odds: along each tree's path, a split's
        feature gets the change in the node value it leads to (Saabas). For `explain`."""
        out: dict[str, float] = {}
        for t in self.doc["trees"]:
            node = 0
            values = t["value"]
            while t["left"][node] >= 0:
                f = t["feature"][node]
                nxt = t["left"][node] if row[f] <= t["threshold"][node] else t["right"][node]
                name = FEATURES[f]
                out[name] = out.get(name, 0.0) + values[nxt] - values[node]
                node = nxt
        return out


def model_from_dict(doc: dict[str, Any]) -> LineModel:
    """A model from its parsed file (training builds fold models this way)."""
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    return LineModel(doc, hashlib.sha256(text.encode()).hexdigest()[:16])


def model_path() -> Path:
    return Path(str(resources.files("newsingest") / "data" / "models" / MODEL_FILE))


@lru_cache(maxsize=1)
def packaged_model() -> LineModel:
    """The model shipped in the package, loaded once per process."""
    raw = model_path().read_bytes()
    return LineModel(json.loads(raw), hashlib.sha256(raw).hexdigest()[:16])
