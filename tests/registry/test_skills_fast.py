"""SkillIndex.resolve_many, the fast path for many texts: the same answers as resolve_one."""
import random
from pathlib import Path

import pytest

from registry.skills import _SCORE, SkillEntry, SkillIndex, load_taxonomy

DATA = Path(__file__).resolve().parents[2] / "data"
LEADS = ("会", "做过", "当过", "干过", "懂", "熟悉", "我会", "以前做过", "有")


@pytest.fixture(scope="module")
def index() -> SkillIndex:
    return SkillIndex(load_taxonomy(DATA))


def keys_of_resolve_one(index: SkillIndex, texts) -> list:
    answers = []
    for text in texts:
        match = index.resolve_one(text)
        answers.append(match.key if match is not None else None)
    return answers


def names_and_framings(index: SkillIndex, entries: int, seed: int) -> list[str]:
    """Names and aliases of a sample of entries, as written and as villagers frame them."""
    texts = set()
    for e in random.Random(seed).sample(index.entries, entries):
        for form in (e.name, *e.aliases):
            texts.add(form)
            if len(form) <= 8:
                texts.update(lead + form for lead in LEADS)
                texts.add((form[:-1] if form[-1] in "工员师" else form) + "师傅")
    return sorted(texts)


def test_names_aliases_and_framings_resolve_as_resolve_one_does(index):
    texts = names_and_framings(index, entries=40, seed=5)
    assert len(texts) > 600
    assert index.resolve_many(texts) == keys_of_resolve_one(index, texts)
    # and most of them without scoring: that is the point
    shortcut = [t for t in texts if index._shortcut(t) is not _SCORE]
    assert len(shortcut) >= 0.8 * len(texts)


@pytest.mark.parametrize("text", [
    "电焊", "会电焊", "会开叉车", "叉车证", "有C1驾照", "c1驾照", "Ｃ１驾照", "有电工证", "焊工师傅", "电焊师傅",
    "做过保安", "当过保安员", "以前做过厨师", "懂养牛", "种大棚蔬菜", "送过外卖", "会计", "砌筑",
])
def test_villager_skills(index, text):
    assert index.resolve_many([text]) == keys_of_resolve_one(index, [text])


@pytest.mark.parametrize("text", [
    # posts with noise or several pieces, junk, forms of two entries, odd input: mostly scored
    "诚聘电焊工 月薪8000-12000 包住", "水电工 装修公司", "仓库管理员 会电脑", "招聘送餐员5-8k", "招聘师",
    "能吃苦", "无", "啊啊啊", "", "   ", "ios", "IOS", None, 42, "电焊" * 3000, "焊\n工",
])
def test_posts_junk_and_odd_input(index, text):
    assert index.resolve_many([text]) == keys_of_resolve_one(index, [text])


def test_ambiguous_and_noisy_forms_are_not_shortcut(index):
    assert index._shortcut("ios") is _SCORE  # a name or alias of two entries
    assert index._shortcut("招聘师") is _SCORE  # a name, but 招聘 is also recruiting noise
    assert index._shortcut("水电工 装修公司") is _SCORE  # several pieces
    assert index._shortcut("焊工") == "6-18-02-04"


def test_order_repeats_and_empty(index):
    assert index.resolve_many([]) == []
    assert index.resolve_many(["电焊", "无", "电焊"]) == ["6-18-02-04", None, "6-18-02-04"]
    assert SkillIndex([]).resolve_many(["电焊"]) == [None]


def test_small_custom_taxonomy():
    index = SkillIndex([SkillEntry("a", "焊工", "occupation", "6-18-02-04", "6-18", ("电焊",)),
                        SkillEntry("b", "叉车证", "certificate", None, "6-30", ("叉车操作证",))])
    texts = ["电焊", "会电焊", "焊工师傅", "有叉车证", "叉车操作证", "开车"]
    assert index.resolve_many(texts) == keys_of_resolve_one(index, texts)
