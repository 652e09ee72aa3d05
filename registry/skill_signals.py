"""Gram vectors of whole entries and of their groups for registry.skills.SkillIndex: what a text
shares with everything an occupation is called, and with what its siblings are called.

A held-out or new alias rarely matches one name or alias closely ("通信测试工程师" for
通信工程技术人员), but it shares grams with several of them (通信 with 通信研发工程师, 通信设备工程师 …)
and with the occupations next to it in the classification (2-02-10 计算机与应用 …). Three vectors
per query are compared by cosine, all in one sparse product:

* pooled: every gram an entry's forms contain, once (IDF-weighted): many distinct aliases add up;
* centroid: the mean of its forms' unit vectors, so grams that recur across its aliases (通信,
  工程师) weigh more than those of a single odd one, and an entry with many aliases is not diluted;
* group: the mean of the centroids of the entries sharing its level-3 code ("2-02-10"; the village
  group for a skill without code), given to each member: a text of that field ranks its members up.

`DescriptionScores` (optional) is BM25 of a text against each entry's description (the definition and
main tasks of its occupation), whose domain words (软件, 通信, 证券) aliases often lack.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
from scipy import sparse


class Postings:
    """Documents (names, aliases, entries or groups) as weighted gram vectors in a sparse matrix,
    so a query's dot product with every document is a weighted sum of the query grams' columns."""

    def __init__(self, docs: list[dict[str, float]], unit_vectors: bool):
        """`docs`: one {gram: weight} per document, scaled to unit length if `unit_vectors`."""
        self._ids: dict[str, int] = {}
        doc_ids, gram_ids, values = [], [], []
        for d, vector in enumerate(docs):
            norm = _norm(vector) if unit_vectors else 1.0
            for g, w in vector.items():
                doc_ids.append(d)
                gram_ids.append(self._ids.setdefault(g, len(self._ids)))
                values.append(w / norm)
        self.size = len(docs)
        self._matrix = sparse.csc_array((values, (doc_ids, gram_ids)), shape=(len(docs), len(self._ids)))

    def dot(self, weights: dict[str, float]) -> np.ndarray:
        known = [(i, w) for g, w in weights.items() if (i := self._ids.get(g)) is not None]
        if not known:
            return np.zeros(self.size)
        columns, w = zip(*known)
        return self._matrix[:, list(columns)] @ np.asarray(w)


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values())) or 1.0


def group_key(code: str | None, group: str) -> str:
    """The level-3 code of an occupation ("2-02-10-01" → "2-02-10"), else the entry's group."""
    return "-".join(code.split("-")[:3]) if code else group


class EntryVectors:
    """Pooled, centroid and group vectors of every entry, as one posting matrix."""

    def __init__(self, form_grams: list[set[str]], form_entry: list[int], groups: list[str],
                 idf: dict[str, float]):
        n = len(groups)
        pooled: list[dict[str, float]] = [{} for _ in range(n)]
        centroid: list[Counter] = [Counter() for _ in range(n)]
        for i, grams in zip(form_entry, form_grams):
            norm = math.sqrt(sum(idf[g] ** 2 for g in grams)) or 1.0
            for g in grams:
                pooled[i][g] = idf[g]
                centroid[i][g] += idf[g] / norm
        ids: dict[str, int] = {}
        self._group_of = np.array([ids.setdefault(g, len(ids)) for g in groups], dtype=np.int64)
        members: list[Counter] = [Counter() for _ in ids]
        for i, vector in enumerate(centroid):
            norm = _norm(vector)
            for g, w in vector.items():
                members[self._group_of[i]][g] += w / norm
        self._n = n
        self._post = Postings(pooled + [dict(c) for c in centroid] + [dict(c) for c in members],
                              unit_vectors=True)

    def cosines(self, unit_query: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Per entry: the better of its pooled and centroid cosines, and its group's cosine."""
        dots = self._post.dot(unit_query)
        n = self._n
        return np.maximum(dots[:n], dots[n:2 * n]), dots[2 * n:][self._group_of]


class DescriptionScores:
    """BM25 of a text's grams against each entry's description, relative to the best entry's (so in
    [0, 1]); entries without a description score 0. IDF over the entries that have one."""

    def __init__(self, docs: list[Counter], unigram_weight: float, k1: float = 1.2, b: float = 0.75):
        self._ids: dict[str, int] = {}
        grams = [self._ids.setdefault(g, len(self._ids)) for d in docs for g in d]
        rows = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
        tf = np.fromiter((c for d in docs for c in d.values()), dtype=float, count=len(grams))
        n, df = sum(1 for d in docs if d), np.bincount(grams, minlength=len(self._ids))
        short = np.array([len(g) == 1 for g in self._ids], dtype=bool)
        self._idf = np.log((n + 1) / (df + 0.5)) * np.where(short, unigram_weight, 1.0)
        size = np.bincount(rows, weights=tf, minlength=len(docs))
        ratio = size[rows] / max(size.sum() / max(n, 1), 1e-9)
        self._matrix = sparse.csc_array((tf * (k1 + 1) / (tf + k1 * (1 - b + b * ratio)), (rows, grams)),
                                        shape=(len(docs), len(self._ids)))

    def scores(self, grams: set[str]) -> np.ndarray:
        columns = [i for g in grams if (i := self._ids.get(g)) is not None]
        if not columns:
            return np.zeros(self._matrix.shape[0])
        bm25 = self._matrix[:, columns] @ self._idf[columns]
        top = bm25.max(initial=0.0)
        return bm25 / top if top > 0 else bm25
