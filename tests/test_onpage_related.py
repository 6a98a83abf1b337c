"""onpage's related posts: most shared tags first (a shared category counts as one), then newest."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

from plugins.onpage.onpage import _features, related_posts


def _article(name, tags, category, day):
    return SimpleNamespace(name=name, tags=tags, category=category, date=dt.datetime(2026, 1, day))


def test_related_posts_rank_by_shared_tags_then_category_then_date():
    a = _article("a", ["rye", "sourdough"], "Bread", 1)
    b = _article("b", ["rye", "sourdough"], "Cakes", 2)  # two tags: score 2
    c = _article("c", ["rye"], "Bread", 3)  # one tag + the category: score 2, newer than b
    d = _article("d", ["rye"], "Cakes", 4)  # one tag, newer than e
    e = _article("e", ["rye"], "Cakes", 3)
    f = _article("f", ["cake"], "Cakes", 5)  # nothing shared: never related
    articles = [f, e, d, c, b, a]
    assert [x.name for x in related_posts(a, articles, 10)] == ["c", "b", "d", "e"]
    assert [x.name for x in related_posts(a, articles, 2)] == ["c", "b"]


def test_precomputed_features_give_the_same_answer():
    rng = random.Random(5)
    tags = [f"t{i}" for i in range(12)]
    articles = [_article(f"p{i}", rng.sample(tags, rng.randint(0, 4)), rng.choice("ABC"), 1 + i % 28)
                for i in range(80)]
    features = {id(x): _features(x) for x in articles}
    for article in articles:
        assert related_posts(article, articles, 3, features) == related_posts(article, articles, 3)


def _every_pair(article, articles, limit):
    """The definition, comparing the post with every other one (quadratic)."""
    tags, category = set(map(str, article.tags)), str(article.category)
    scored = []
    for other in articles:
        if other is article:
            continue
        score = len(tags & set(map(str, other.tags))) + (str(other.category) == category)
        if score:
            scored.append((score, other.date, other))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [other for _, _, other in scored[:limit]]


def test_the_tag_index_ranks_like_comparing_every_pair_ties_included():
    rng = random.Random(11)
    tags = [f"t{i}" for i in range(9)]
    # Few days for many posts: equal scores and equal dates are common, so tie order is tested.
    articles = [_article(f"p{i}", rng.sample(tags, rng.randint(0, 3)), rng.choice("ABCD"), 1 + i % 4)
                for i in range(150)]
    for article in articles:
        for limit in (1, 3, 8):
            assert related_posts(article, articles, limit) == _every_pair(article, articles, limit)
