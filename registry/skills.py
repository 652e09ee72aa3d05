"""The canonical skill taxonomy and the free-text resolver (pure Python: no Flask, no database).

The taxonomy is the level-4 occupations of the 2022 national occupational classification (职业分类大典)
plus our curated village skills and certificates (驾驶证, 种植, 养殖 …) that are not occupations.
`SkillIndex` maps what employers and villagers actually write ("招聘送餐员5-8k", "会开叉车",
"有C1驾照") to one of those entries. Each signal alone fails somewhere, so it blends:

* lexical: exact hits on a name or alias, the longest name/alias inside the text
  ("电气柜装配工包吃住"), the text inside a name ("叉车" in "叉车司机"), and rapidfuzz edit
  similarity for small variations;
* overlap: the F1 of IDF-weighted character uni/bigrams shared with a single name or alias, so
  the distinctive characters decide ("氩弧焊工" → 焊工) and 工/员/师 count for little;
* cosine: the same grams against all of an entry's names and aliases together (pooled, or the
  centroid of its forms: whichever is closer), so two aliases that each share half the text add up;
* group: the same against the occupations of its level-3 group (2-02-10 …), so a text of that
  field ranks its members up (registry/skill_signals.py);
* description (optional, ordering only): when nothing reaches THRESHOLD, the candidates near the top
  are reordered by BM25 against their occupation's definition and tasks ("PHP" → software).

It scores readings of the text too, each discounted: without recruiting noise (招聘, 包吃住,
wages …), without villagers' framing (会/有/做过 …), without rank words and a final 工/员/师, and
each piece of a post on its own ("水电工 装修公司").
"""
from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from registry.skill_signals import DescriptionScores, EntryVectors, Postings, group_key

# resolve_one's cut-off, chosen on bench/data/resolve_eval.csv (see bench/README.md).
THRESHOLD = 0.58
# How the signals blend (weights sum to 1; tuned on held-out alias samples of seeds 7 and 11,
# without the rows of the stored evaluation set: see registry/skill_signals.py).
W_LEXICAL, W_OVERLAP, W_COSINE, W_GROUP = 0.45, 0.4, 0.1, 0.05
FUZZY_WEIGHT = 0.85  # edit similarity alone never reaches an exact hit
STEM_WEIGHT = 0.95  # "砌筑" for 砌筑工 is nearly, not quite, an exact hit
UNIGRAM_WEIGHT = 0.6  # a single character says less than a bigram
VARIANT_DISCOUNT = 0.97  # "会计" as written beats "计" with 会 stripped
SEGMENT_WEIGHT = 0.9  # one piece of a post ("水电工" of "水电工 装修公司") says less than all of it
LATER_SEGMENT = 0.95  # and the title comes first: "仓库管理员 会电脑" is not an office job
MAX_QUERY_CHARS = 64  # longer text is cut: nobody names a skill in more words than that
MAX_PIECES = 4  # pieces of a post scored on their own
# Below THRESHOLD, candidates within DESC_MARGIN of the best are ordered by score + DESC_WEIGHT ×
# description BM25 (relative to the best); scores themselves, and so resolve_one, are unchanged.
DESC_WEIGHT, DESC_MARGIN = 0.3, 0.2
SHORTCUT_WEIGHT = 0.9  # resolve_many answers a framing without scoring when its reading is this good
_SCORE = object()  # resolve_many's marker: this text needs the full resolver


@dataclass(frozen=True)
class SkillEntry:
    key: str  # occupation code for classification rows, the csv key for village skills
    name: str  # canonical Chinese name
    kind: str  # "occupation" | "skill" | "certificate"
    code: str | None  # occupation code (2022 classification) where one fits
    group: str  # occupational group prefix, e.g. "6-18"
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    key: str
    name: str
    code: str | None
    score: float  # in [0, 1]



_MARKER = re.compile(r"(?<=[\u4e00-\u9fff])(?:L/S|L|S)$")  # 绿色 (L) / 数字 (S) occupation flags


def _clean(name: str) -> str:
    """Drop the classification's green/digital flags: "计算机软件测试员S" is named without the S."""
    return _MARKER.sub("", name.strip())


def _dedupe(items, exclude: str = "") -> tuple[str, ...]:
    seen, out = {exclude}, []
    for item in items:
        item = _clean(item)
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return tuple(out)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def load_taxonomy(data_dir: Path) -> list[SkillEntry]:
    """Occupations (file order) followed by village skills (file order): the same files always
    give the same list. Level-4 group codes ending in -00 that merely repeat a level-3 row are
    skipped, and a repeated code keeps its first row."""
    data_dir = Path(data_dir)
    rows = _read_csv(data_dir / "occupations" / "csco22.csv")
    extra: dict[str, list[str]] = defaultdict(list)
    for row in _read_csv(data_dir / "skills" / "occupation_aliases.csv"):
        extra[row["code"].strip()] += row["aliases"].split("|")
    level3 = {r["name"] for r in rows if r["level"] == "3"}
    entries, seen = [], set()
    for r in rows:
        code = r["code"].strip()
        if r["level"] != "4" or code in seen or (code.endswith("-00") and r["name"] in level3):
            continue
        seen.add(code)
        name = _clean(r["name"])
        aliases = _dedupe(r["alias"].split(",") + extra.get(code, []), exclude=name)
        group = "-".join(code.split("-")[:2])
        entries.append(SkillEntry(code, name, "occupation", code, group, aliases))
    for r in _read_csv(data_dir / "skills" / "village_skills.csv"):
        name = r["name"].strip()
        aliases = _dedupe(r["aliases"].split("|"), exclude=name)
        entries.append(SkillEntry(r["key"].strip(), name, r["kind"].strip(),
                                  r["code"].strip() or None, r["group"].strip(), aliases))
    return entries


def load_descriptions(data_dir: Path) -> dict[str, str]:
    """Each occupation's definition and main tasks, by code, for SkillIndex's `descriptions`."""
    rows = _read_csv(Path(data_dir) / "occupations" / "csco22.csv")
    return {r["code"].strip(): f"{r['definition']} {r['tasks']}".strip() for r in rows if r["level"] == "4"}


_WAGE = re.compile(  # 5-8k, 4000元/月, 200元一天, 18-45周岁, 26天, 3人
    r"\d+(?:\.\d+)?\s*(?:[-~～—至到]\s*\d+(?:\.\d+)?\s*)?"
    r"(?:k|千|万|w|元|块|周岁|岁|小时|个月|月|天|日|人|名|年)"
    r"(?:\s*(?:/|每|一)\s*(?:月|天|日|小时|时|年|周))?")
_NUMBER = re.compile(r"(?<![a-z0-9])\d+(?:\.\d+)?(?![a-z0-9])")
_NOISE = sorted("""
    招聘 急招 急聘 诚聘 直招 热招 高薪 聘请 招人 招工 大量招 长期招 若干 若干名 数名 多名
    包吃住 包食宿 管吃住 包吃 包住 提供住宿 免费住宿 五险一金 五险 缴纳社保 社保 交社保 年终奖
    长白班 白班 夜班 两班倒 倒班 做六休一 双休 单休 男女不限 限男性 限女性 男性 女性 男女
    不限 学历不限 年龄不限 经验不限 年龄 周岁 以下 以上 左右 熟手 有经验者优先 有经验 经验
    无经验 优先 持证上岗 持证优先 持证 底薪 提成 月薪 日薪 时薪 薪资 工资 待遇优厚 待遇 面议
    日结 周结 月结 多劳多得 计件 计时 绩效 奖金 补贴 全勤 另加 按方计价 长期 临时工 短期 急需
    可培训 免费培训 带薪 学徒也可 学徒 也可 欢迎 转正 上班 加班 包车接送 工作地点 岗位 职位 要求
    身体健康
""".split(), key=len, reverse=True)
_NOISE_RE = re.compile("|".join(map(re.escape, _NOISE)))
_NON_WORD = re.compile(r"[^0-9a-z#+\u4e00-\u9fff]+")
# How villagers phrase what they can do: "我会…", "有…", "做过…", "在…干过".
_LEAD = re.compile(r"^(?:我|本人)?(?:以前|之前|曾经|还)?(?:会|能|有|懂|熟悉|擅长|可以|做过|干过|当过|在)")
_PARTICLE = re.compile(r"(?<=[\u4e00-\u9fff])[过了着](?=[\u4e00-\u9fff])")
_SUFFIX = re.compile(r"(?:人员|工人|师傅|技师|(?<![施加手化员务打做用监])工|员|师|手)$")  # not 施工
# Rank words say how senior, not what the work is: "会计经理/主管" is about 会计.
_ROLE = re.compile(
    r"(?:高级|资深|首席)?(?:经理|主管|总监|专员|助理|顾问|主任|工程师|技术员|负责人|组长|领班)")
_TOKEN = re.compile(r"[a-z0-9#+]+|[^\sa-z0-9#+]")
_ENUMERATION = re.compile(r"\d+\s*[.、．]")  # "1.检查患者 2.…" in the list of tasks


def _fold(text: str) -> str:
    """Full-width to half-width, lower case, punctuation and brackets to single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def normalise_text(text: str) -> str:
    """Lower-cased, full-width folded text with recruiting noise (招聘, 包吃住, 五险一金, wages,
    ages, shifts …) and punctuation removed; remaining pieces are separated by single spaces."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text).lower()[: MAX_QUERY_CHARS * 4]
    text = _NOISE_RE.sub(" ", _NUMBER.sub(" ", _WAGE.sub(" ", text)))
    return _fold(text)[:MAX_QUERY_CHARS].strip()


def _compact(text: str) -> str:
    return text.replace(" ", "")


def _stem(text: str) -> str:
    """Without rank words and a final 工/员/师: "焊接工" → "焊接", "人事经理" → "人事"."""
    return _SUFFIX.sub("", " ".join(_ROLE.sub(" ", text).split())).strip()


def _variants(text: str) -> list[tuple[str, float]]:
    """The normalised text (weight 1), then its stem, the same without villagers' framing
    ("会开叉车" → "开叉车", "送过外卖" → "送外卖") and each piece of a post on its own, all
    discounted so that text matching a name as written (会计) wins over a reading of it."""
    base = normalise_text(text)
    out: dict[str, float] = {base: 1.0} if base else {}
    bare = _PARTICLE.sub("", _LEAD.sub("", base))
    candidates = [(_stem(base), STEM_WEIGHT), (bare, VARIANT_DISCOUNT),
                  (_stem(bare), VARIANT_DISCOUNT * STEM_WEIGHT)]
    pieces = base.split()[:MAX_PIECES]
    if len(pieces) > 1:  # "水电工 装修公司": a post's first words are usually the job itself
        for k, piece in enumerate(pieces):
            weight = SEGMENT_WEIGHT * (1.0 if k == 0 else LATER_SEGMENT)
            candidates += [(piece, weight), (_stem(piece), weight * STEM_WEIGHT)]
    for variant, weight in candidates:
        if len(_compact(variant)) >= 2 and weight > out.get(variant, 0.0):
            out[variant] = weight
    return list(out.items())


def _grams(text: str, counts: list[str] | None = None) -> set[str]:
    """Characters and character bigrams within each space-separated piece (no bigram spans two
    pieces: "市场/营销" gives no 场营); an ascii word (c1, excel) is a single gram. Each occurrence
    is added to `counts` if given."""
    grams = set()
    for piece in text.split():
        tokens = _TOKEN.findall(piece)
        pairs = [a + b for a, b in zip(tokens, tokens[1:])]
        grams.update(tokens)
        grams.update(pairs)
        if counts is not None:
            counts += tokens + pairs
    return grams


class SkillIndex:
    """In-memory resolver over a taxonomy. Build once (a fraction of a second) and share.
    `descriptions`: occupation code -> definition and tasks (load_descriptions), optional."""

    def __init__(self, entries: Sequence[SkillEntry], descriptions: Mapping[str, str] | None = None):
        self.entries = list(entries)
        self._by_key = {e.key: i for i, e in enumerate(self.entries)}
        self._forms: list[str] = []  # compact names and aliases, one row per (form, entry)
        self._form_entry: list[int] = []
        self._form_grams: list[set[str]] = []
        self._form_factor: list[float] = []  # 1 for a name or alias, STEM_WEIGHT for a stem
        self._exact: dict[str, dict[int, float]] = defaultdict(dict)  # form -> {entry: weight}
        rows: dict[tuple[str, int], int] = {}
        for i, e in enumerate(self.entries):
            for raw in (e.name, *e.aliases):
                for spaced, weight in _surface_forms(raw):
                    form = _compact(spaced)
                    if (form, i) not in rows:
                        rows[form, i] = len(self._forms)
                        self._forms.append(form)
                        self._form_entry.append(i)
                        self._form_grams.append(_grams(spaced))
                        self._form_factor.append(weight)
                    row = rows[form, i]
                    self._form_factor[row] = max(weight, self._form_factor[row])
                    self._exact[form][i] = self._form_factor[row]
        self._form_entry_arr = np.asarray(self._form_entry, dtype=np.int64)
        self._max_form = max((len(f) for f in self._forms), default=1)
        # All forms in one string, to find those that contain the text with a single scan.
        self._blob = "\n".join(self._forms)
        self._starts = np.cumsum([0] + [len(f) + 1 for f in self._forms[:-1]])
        # Shorter names are more specific and more typical: a near-tie goes to them.
        self._tiebreak = np.array([-1e-4 * len(e.name) for e in self.entries])
        self._build_grams()
        self._descriptions = None
        if descriptions:
            docs = [[] for _ in self.entries]
            for e, counts in zip(self.entries, docs):  # a village skill takes its occupation's
                _grams(_fold(_ENUMERATION.sub(" ", descriptions.get(e.code or e.key) or "")), counts)
            self._descriptions = DescriptionScores([Counter(d) for d in docs], UNIGRAM_WEIGHT)

    def _build_grams(self) -> None:
        """Gram weights (IDF over entries) and posting lists: per form, for the overlap of text
        and each single name or alias; per entry and per level-3 group (skill_signals), for
        cosines that let different aliases of one occupation, and its siblings, add up."""
        pooled = [set() for _ in self.entries]
        for i, grams in zip(self._form_entry, self._form_grams):
            pooled[i] |= grams
        df = Counter(g for grams in pooled for g in grams)
        n = len(self.entries)
        self._max_idf = math.log(n + 1)
        self._idf = {g: math.log((n + 1) / (d + 0.5)) * (1.0 if len(g) > 1 else UNIGRAM_WEIGHT)
                     for g, d in df.items()}
        self._form_post = Postings([dict.fromkeys(gs, 1.0) for gs in self._form_grams], unit_vectors=False)
        self._form_weight = np.array([sum(self._idf[g] for g in gs) for gs in self._form_grams])
        self._form_factor = np.array(self._form_factor)
        groups = [group_key(e.code, e.group) for e in self.entries]
        self._entry_vectors = EntryVectors(self._form_grams, self._form_entry, groups, self._idf)

    def _query_weights(self, grams: set[str]) -> dict[str, float]:
        """Unknown grams weigh like the rarest known ones: text nothing resembles stays unmatched."""
        return {g: self._idf.get(g, self._max_idf * (1.0 if len(g) > 1 else UNIGRAM_WEIGHT))
                for g in grams}

    def _overlap(self, grams: set[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per entry: the best F1 of IDF-weighted grams shared with one of its forms (how much of
        the text the form explains, and how much of the form the text covers); the cosine with
        all its forms together; and the cosine with its level-3 group (skill_signals)."""
        weights = self._query_weights(grams)
        total = sum(weights.values())
        f1 = np.zeros(len(self.entries))
        if total == 0:
            return f1, f1.copy(), f1.copy()
        shared = self._form_post.dot(weights)
        recall, precision = shared / total, shared / np.maximum(self._form_weight, 1e-9)
        form_f1 = 2 * recall * precision / np.maximum(recall + precision, 1e-9)
        np.maximum.at(f1, self._form_entry_arr, form_f1 * self._form_factor)
        norm = math.sqrt(sum(w * w for w in weights.values()))
        cosine, group = self._entry_vectors.cosines({g: w / norm for g, w in weights.items()})
        return f1, cosine, group

    def _ratios(self, queries: Sequence[str], workers: int = 1) -> np.ndarray:
        """Edit similarity (0–100) of each query with every name and alias, one row per query."""
        return process.cdist(queries, self._forms, scorer=fuzz.ratio, dtype=np.uint8, workers=workers)

    def _lexical(self, q: str, ratios: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Exact hits, containment either way, and edit similarity, per entry (its best form).
        `ratios`: edit similarities already computed for several queries at once."""
        scores = np.zeros(len(self.entries))
        ratios = ratios[q] if ratios is not None and q in ratios else self._ratios([q])[0]
        np.maximum.at(scores, self._form_entry_arr, FUZZY_WEIGHT * ratios / 100.0)
        n = len(q)
        for start in range(n):  # names and aliases inside the text: the more they cover, the better
            for end in range(min(n, start + self._max_form), start + 1, -1):
                sub = q[start:end]
                if sub in self._exact and _word_bounded(q, start, end):
                    score = 1.0 if end - start == n else 0.55 + 0.4 * (end - start) / n
                    for i, w in self._exact[sub].items():
                        scores[i] = max(scores[i], score * w)
        if n >= 2:  # the text inside a longer name: "叉车" in "叉车司机"
            for m in re.finditer(re.escape(q), self._blob):
                pos = int(np.searchsorted(self._starts, m.start(), side="right")) - 1
                i = self._form_entry[pos]
                scores[i] = max(scores[i], 0.45 + 0.4 * n / len(self._forms[pos]))
        return scores

    def _scores(self, text: str, ratios: dict[str, np.ndarray] | None = None) -> np.ndarray:
        best = np.zeros(len(self.entries))
        for spaced, weight in _variants(text):
            f1, cosine, group = self._overlap(_grams(spaced))
            lexical = self._lexical(_compact(spaced), ratios)
            combined = W_LEXICAL * lexical + W_OVERLAP * f1 + W_COSINE * cosine + W_GROUP * group
            best = np.maximum(best, combined * weight)
        raw = _compact(_fold(text[: MAX_QUERY_CHARS * 4])) if isinstance(text, str) else ""
        for i, w in self._exact.get(raw, {}).items():  # a name that itself looks like noise: 招聘师
            best[i] = max(best[i], w)
        return best

    def resolve(self, text: str, limit: int = 5) -> list[Match]:
        """The best `limit` entries for the text, best first; [] when nothing resembles it."""
        return self._ranked(text, limit)

    def _ranked(self, text: str, limit: int, ratios: dict[str, np.ndarray] | None = None, describe=True) -> list[Match]:
        if not self.entries or limit <= 0:
            return []
        scores = self._scores(text, ratios)
        key = scores + self._tiebreak
        top = scores.max()
        if describe and self._descriptions is not None and 0 < top < THRESHOLD:
            near = scores >= top - DESC_MARGIN
            key = key + DESC_WEIGHT * near * self._descriptions.scores(_grams(normalise_text(text)))
        order = np.lexsort((np.arange(len(scores)), -key))[:limit]
        return [Match(self.entries[i].key, self.entries[i].name, self.entries[i].code,
                      float(min(1.0, scores[i]))) for i in order if scores[i] > 0]

    def resolve_one(self, text: str) -> Match | None:
        """The best entry if it is confidently the one meant; None keeps the text unresolved."""
        return self._confident(text)

    def _confident(self, text: str, ratios: dict[str, np.ndarray] | None = None) -> Match | None:
        best = self._ranked(text, 1, ratios, describe=False)  # the order below THRESHOLD is moot
        return best[0] if best and best[0].score >= THRESHOLD else None

    def resolve_many(self, texts: Sequence[str]) -> list[str | None]:
        """The key of what resolve_one gives each text (None where it gives nothing), each distinct
        text resolved once, and most of them without scoring (`_shortcut`: ~6 µs against ~1.3 ms);
        the rest (junk, posts with noise, framings naming two entries) are scored as resolve_one
        scores them, with the edit similarities of all their readings computed in one call on every
        core. On bench/matching.py's county, 6,876 distinct strings of which 4% need scoring: ~20×."""
        answers: dict[str, str | None] = {}
        scoring = []
        for text in dict.fromkeys(texts):
            key = self._shortcut(text)
            if key is _SCORE:
                scoring.append(text)
            else:
                answers[text] = key
        readings = list(dict.fromkeys(_compact(spaced) for text in scoring for spaced, _w in _variants(text)))
        ratios = dict(zip(readings, self._ratios(readings, workers=-1))) if readings else {}
        for text in scoring:
            match = self._confident(text, ratios)
            answers[text] = match.key if match is not None else None
        return [answers[text] for text in texts]

    def _shortcut(self, text: str):
        """The answer without scoring, or _SCORE when only scoring can tell.

        * A text that is, once folded and with nothing stripped as noise, a name or alias of exactly
          one entry: resolve_one scores that entry 1.0, and no other entry can come near (without
          that form as its own name or alias, lexical ≤ 0.95, so the blend ≤ 0.98; a discounted
          reading ≤ 0.97; the tie-break on name length is 1e-4 a character). Exactly resolve_one's
          answer.
        * A villager's framing of one (会X, 做过X, 当过X, 熟悉X, X师傅 …): the readings resolve_one
          itself scores (_variants: without the framing, without a final 工/员/师/师傅) are looked
          up, and if those that name something all name the same single entry, and one of them at
          weight ≥ SHORTCUT_WEIGHT, that entry is the answer. resolve_one scores that entry
          ≥ 0.9 × 0.85 > THRESHOLD (lexical and overlap both full on that reading); that nothing
          else outscores it is checked, not proven: tests/registry/test_skills_fast.py compares
          every framing of a sample of entries with resolve_one, bench/matching.py every distinct
          text it generates; all 39,871 names, aliases and framings of the whole taxonomy that
          take this path (会/做过/当过/干过/懂/熟悉/我会/以前做过/有 + X, X师傅) agreed when written.
        """
        if not isinstance(text, str) or not self.entries:
            return _SCORE
        raw = _compact(_fold(text[: MAX_QUERY_CHARS * 4]))
        whole = [i for i, w in self._exact.get(raw, {}).items() if w == 1.0]
        if whole:
            if len(whole) == 1 and _compact(normalise_text(text)) == raw:
                return self.entries[whole[0]].key
            return _SCORE
        variants = _variants(text)
        if not variants or " " in variants[0][0]:  # a post of several pieces: only scoring can weigh them
            return _SCORE
        named: dict[int, float] = {}
        for spaced, weight in variants:
            for i, factor in self._exact.get(_compact(spaced), {}).items():
                named[i] = max(named.get(i, 0.0), weight * factor)
        if len(named) == 1:
            (i, weight), = named.items()
            if weight >= SHORTCUT_WEIGHT:
                return self.entries[i].key
        return _SCORE

    def get(self, key: str) -> SkillEntry | None:
        i = self._by_key.get(key)
        return None if i is None else self.entries[i]


def _surface_forms(raw: str) -> list[tuple[str, float]]:
    """A name or alias as the resolver sees it (folded, not noise-stripped: 招聘师 stays), plus its
    stem at a slightly lower weight, so "砌筑" finds 砌筑工, "电焊" 电焊工, "会计" 会计经理."""
    form = _fold(raw)
    if not form:
        return []
    stem = _stem(form)
    has_stem = stem != form and len(_compact(stem)) >= 2
    return [(form, 1.0)] + ([(stem, STEM_WEIGHT)] if has_stem else [])


def _word_bounded(q: str, start: int, end: int) -> bool:
    """An ascii alias ("c1", "a2") counts only as a whole word, not inside "abc1"."""
    def ascii_word(c: str) -> bool:
        return c.isascii() and c.isalnum()
    glued_before = start > 0 and ascii_word(q[start - 1]) and ascii_word(q[start])
    glued_after = end < len(q) and ascii_word(q[end]) and ascii_word(q[end - 1])
    return not (glued_before or glued_after)
