"""Random streams: one numpy Generator per agent and purpose, all from the run's seed.

A stream is keyed by its name, not by the order streams are created, so a different
choice at one decision point leaves every unrelated draw unchanged (common random
numbers): two plans run on one seed meet the same luck wherever they meet the same
situation.
"""
from __future__ import annotations

import zlib

import numpy as np


class Streams:
    def __init__(self, seed: int):
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        stream = self._streams.get(name)
        if stream is None:
            key = zlib.crc32(name.encode("utf-8"))
            stream = np.random.Generator(np.random.PCG64(
                np.random.SeedSequence(entropy=self.seed, spawn_key=(key,))))
            self._streams[name] = stream
        return stream

    def lognormal(self, name: str, median: float, sigma: float) -> float:
        """A positive duration with the given median (seconds) and log-spread."""
        return float(median * np.exp(sigma * self(name).standard_normal()))

    def chance(self, name: str, probability: float) -> bool:
        return bool(self(name).random() < probability)

    def choose(self, name: str, weights: dict[str, float]) -> str:
        names = [k for k, w in weights.items() if w > 0]
        if not names:
            return ""
        p = np.array([weights[k] for k in names], dtype=float)
        return names[int(self(name).choice(len(names), p=p / p.sum()))]
