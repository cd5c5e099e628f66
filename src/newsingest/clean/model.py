"""The learned line model: loads the model file and scores a page's lines.

The file (data/models/cleaner-vN.json, written by bench/train_cleaner.py) holds gradient
boosted trees as plain arrays. Scoring walks every tree for every line at once: one numpy
gather per tree level, so a page costs a few dozen array operations whatever its length
(measured: ~1.5 ms for 300 lines and 100 trees, against ~25 ms for a per-tree Python loop).
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
        # Nodes renumbered so that a split's right child is its left child + 1: one level of
        # every tree is then node = first_child[node] + (x > threshold[node]), four array
        # takes in all. A leaf is its own first child with an infinite threshold.
        feature = np.zeros((count, width), dtype=np.intp)
        threshold = np.full((count, width), np.inf)
        first_child = np.zeros((count, width), dtype=np.intp)
        value = np.zeros((count, width))
        for k, t in enumerate(trees):
            order = [0]  # old ids in new order, breadth first
            new_id = {0: 0}
            for old in order:
                if t["left"][old] < 0:
                    continue
                for child in (t["left"][old], t["right"][old]):
                    new_id[child] = len(order)
                    order.append(child)
            for old in order:
                node = new_id[old]
                value[k, node] = t["value"][old]
                if t["left"][old] < 0:
                    first_child[k, node] = node
                else:
                    feature[k, node] = t["feature"][old]
                    threshold[k, node] = t["threshold"][old]
                    first_child[k, node] = new_id[t["left"][old]]
        self.depth = int(doc["depth"])
        base = (np.arange(count, dtype=np.intp) * width)[:, None]
        self.feature = feature.ravel()
        self.threshold = threshold.ravel()
        self.first_child = (first_child + base).ravel()
        self.value = value.ravel()
        self.roots = base.ravel()
        d = doc["decoder"]
        self.decoder = Decoder(float(d["center"]), float(d["inside"]), float(d["outside"]))
        self.hard_rules = frozenset(doc.get("hard_rules", ()))

    def margins(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Log-odds of `body` per row of x."""
        n = x.shape[0]
        if n == 0:
            return np.zeros(0)
        # Trees along the first axis and lines along the second: the gathers then read the
        # feature columns of x (x transposed, contiguous) and the final sum adds the trees in
        # order; measured ~10 % faster than lines first.
        columns = np.ascontiguousarray(x.T, dtype=np.float64).ravel()
        lines = np.arange(n, dtype=np.intp)
        node = np.repeat(self.roots[:, None], n, axis=1)
        column_start = self.feature * n
        for _ in range(self.depth):
            right = columns.take(column_start.take(node) + lines) > self.threshold.take(node)
            node = self.first_child.take(node) + right
        return np.asarray(self.value.take(node).sum(axis=0) + self.baseline)

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
