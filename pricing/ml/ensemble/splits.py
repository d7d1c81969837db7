"""Grouped splits: near-identical configurations (one ``group_key``) never straddle two parts."""

from __future__ import annotations

import random

import numpy as np


def group_split(groups: list[str], fractions: list[float], seed: int) -> list[np.ndarray]:
    """Row indices split by group so that no group straddles two parts."""
    unique = sorted(set(groups))
    rng = random.Random(seed)
    rng.shuffle(unique)
    n = len(groups)
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    targets = [f * n for f in fractions]
    parts: list[list[int]] = [[] for _ in fractions]
    part = len(fractions) - 1
    # Fill the small parts (last ones) first, the rest goes to the first part (train).
    for g in unique:
        while part > 0 and len(parts[part]) >= targets[part]:
            part -= 1
        parts[part].extend(by_group[g])
    return [np.asarray(sorted(p), dtype=np.int64) for p in parts]


def grouped_folds(groups: list[str], folds: int, seed: int) -> list[np.ndarray]:
    """Test indices of ``folds`` grouped folds, balanced by row count."""
    unique = sorted(set(groups))
    rng = random.Random(seed)
    rng.shuffle(unique)
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    unique.sort(key=lambda g: -len(by_group[g]))  # big groups first, then greedy balance
    parts: list[list[int]] = [[] for _ in range(folds)]
    for g in unique:
        smallest = min(range(folds), key=lambda k: len(parts[k]))
        parts[smallest].extend(by_group[g])
    return [np.asarray(sorted(p), dtype=np.int64) for p in parts]
