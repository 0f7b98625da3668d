"""Chinese word segmentation for the policy library's search index.

Segmentation is jieba's algorithm and dictionary as compiled C++ (the ``jieba-fast-dat`` package,
about 3.6 times faster than pure-Python jieba on this corpus; docs/BENCHMARKS.md).

One function, :func:`tokenize`, is used both when passages are ingested
(``Passage.tokens``) and when a query is searched, so both sides are cut the
same way. It is deterministic: jieba's bundled dictionary plus the fixed list
of 人社 terms below, no network, no user dictionary file.

Segmentation uses jieba's *search* mode, which emits a long word and the
dictionary words inside it (社会保险费 → 社会, 保险, 保险费, 社会保险费), so a
citizen typing 保险费 still meets a text that says 社会保险费.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable
from concurrent.futures import Executor

import jieba_fast_dat as jieba

# 人社 terms jieba's general dictionary cuts badly (能拿稳岗返还 → 拿稳 / 岗 / 返还).
# Each is a term of art printed in the compilations.
DOMAIN_WORDS: tuple[str, ...] = (
    "人社", "社保", "社保卡", "稳岗", "稳岗返还", "稳岗留工", "以工代训", "扩岗", "留工",
    "失业金", "失业保险金", "失业保险", "失业登记", "就业登记", "就业困难人员", "零就业家庭",
    "养老金", "基本养老金", "养老保险", "工伤保险", "医疗保险", "生育保险", "职业年金", "企业年金",
    "社会保险费", "缴费基数", "个人账户", "视同缴费", "省级统筹", "告知承诺制", "跨省通办",
    "一网通办", "快办", "一件事", "三支一扶", "公益性岗位", "就业见习", "见习补贴", "吸纳就业",
    "创业担保贷款", "创业补贴", "职业技能", "技能提升", "职业培训", "培训补贴", "技能人才",
    "新型学徒制", "马兰花计划", "人力资源服务", "退捕渔民", "农民工", "欠薪", "拖欠工资",
    "工资保证金", "劳动仲裁", "劳动合同", "电子劳动合同", "劳动关系", "遗属", "抚恤金",
    "伤残津贴", "丧葬补助金", "供养亲属", "工亡", "因工死亡", "职称评审", "职业资格",
    "技工院校", "高校毕业生", "离校未就业", "灵活就业", "新就业形态", "减免", "缓缴", "返还",
    "阶段性", "网上申领", "待遇", "领取", "申领", "参保", "断缴", "补缴", "退休", "提前退休",
    "事业单位", "公开招聘", "人事档案", "流动人员", "就业援助", "就业扶贫", "易地扶贫搬迁",
    "乡村振兴", "劳务协作", "劳务品牌", "零工市场", "调解仲裁", "根治欠薪", "失业补助金",
    "价格临时补贴", "临时生活补助", "职业技能鉴定", "技能等级认定", "证明事项",
)

# Function words and question words that carry no topic: dropped from index and query alike.
_STOPWORD_TEXT = """
    的 了 和 与 及 或 等 是 在 对 为 以 于 由 将 把 被 从 向 到 其 之 而 并 且 也 又 都 就 还 这 那
    有 无 不 没 没有 个 各 该 此 其他 以及 有关 关于 进一步 一个 一些 什么 怎么 怎么办 怎样 如何 哪 哪里
    哪儿 哪些 多少 几 吗 呢 吧 啊 呀 么 嘛 我 我们 你 你们 他 她 它 他们 自己 能 能不能 可以 可不可以
    会 要 想 需要 应该 应当 去 来 给 让 吧 得 地 着 过 一下 现在 今年 请问 谁 啥 咋 是否 还是
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

_KEEP = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]|[a-z0-9]")
_ALL_KEPT = re.compile(r"(?:[\u3400-\u4dbf\u4e00-\u9fff]|[a-z0-9])+")
_SPACE = re.compile(r"\s+")

_lock = threading.Lock()
_segmenter: jieba.Tokenizer | None = None


def _get_segmenter() -> jieba.Tokenizer:
    """A private jieba tokenizer, built once; quiet (jieba logs its dictionary loading)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                logging.getLogger("jieba").setLevel(logging.WARNING)
                seg = jieba.Tokenizer()
                seg.initialize()
                for word in DOMAIN_WORDS:
                    seg.add_word(word, freq=max(seg.suggest_freq(word, tune=False), 1000))
                _segmenter = seg
    return _segmenter


def normalize_text(text: str) -> str:
    """NFKC folds full-width letters and digits and the Kangxi radicals that PDF extraction leaves
    (⼈ → 人); the Japanese 険 of one section heading becomes 险."""
    return unicodedata.normalize("NFKC", text).replace("険", "险").lower()


def tokenize(text: str, kept: dict[str, str] | None = None) -> list[str]:
    """Index terms of ``text`` in order: words and their sub-words, no punctuation, no stopwords.

    ``kept`` remembers each word's index form across calls (the ingest's batches: a corpus repeats its
    words, and the per-word filtering cost more than the compiled cut); the result is the same.

    >>> tokenize("公司裁员能拿稳岗返还吗？")
    ['公司', '裁员', '拿', '稳岗', '返还', '稳岗返还']
    >>> tokenize("灵活就业人员缴费基数")
    ['灵活', '就业', '灵活就业', '人员', '缴费', '基数', '缴费基数']
    """
    text = _SPACE.sub(" ", normalize_text(text))
    words = _get_segmenter().lcut_for_search(text, HMM=True)
    if kept is None:
        kept = _IndexForms()
    if isinstance(kept, _IndexForms):  # the words looked up in C, only a new word costs a Python call
        return list(filter(None, map(kept.__getitem__, words)))
    out: list[str] = []
    for word in words:
        term = kept.get(word)
        if term is None:
            term = kept[word] = _index_form(word)
        if term:
            out.append(term)
    return out


class _IndexForms(dict):
    """{word: its index form} filled on first sight (:func:`_index_form`), for :func:`tokenize`'s ``kept``."""

    def __missing__(self, word: str) -> str:
        term = self[word] = _index_form(word)
        return term


def words(text: str) -> list[str]:
    """The whole words of ``text`` in order, as :func:`tokenize` keeps them but without the sub-words search mode
    adds (失业率 stays 失业率, with no 失业 inside it): for reading what a question is about, not for the index.

    >>> words("城镇登记失业率")
    ['城镇', '登记', '失业率']
    """
    text = _SPACE.sub(" ", normalize_text(text))
    return [term for term in map(_index_form, _get_segmenter().lcut(text, HMM=True)) if term]


def _index_form(word: str) -> str:
    """The word as indexed, or "" when it is not indexed (a stopword, punctuation)."""
    if word in STOPWORDS:
        return ""
    if not _ALL_KEPT.fullmatch(word):
        # mixed tokens (“2020年”) keep only their word characters; punctuation keeps none
        word = "".join(_KEEP.findall(word))
        if word in STOPWORDS:
            return ""
    return word


def tokenize_many(texts: list[str], pool: Executor | None = None) -> list[list[str]]:
    """:func:`tokenize` of each text, in order (the ingest's one call for the whole corpus); with a
    process ``pool``, in chunks across its workers (the same function: the same tokens)."""
    if pool is None or len(texts) < 2 * _CHUNK:
        _get_segmenter()
        kept = _IndexForms()
        return [tokenize(t, kept) for t in texts]
    chunks = [texts[i:i + _CHUNK] for i in range(0, len(texts), _CHUNK)]
    return [tokens for part in pool.map(_tokenize_chunk, chunks) for tokens in part]


_CHUNK = 1000  # texts per job of a pool


def _tokenize_chunk(texts: list[str]) -> list[list[str]]:
    _get_segmenter()
    kept = _IndexForms()
    return [tokenize(t, kept) for t in texts]


def tokenize_later(texts: list[str], pool: Executor) -> Callable[[], list[list[str]]]:
    """Start :func:`tokenize_many` of ``texts`` on ``pool``; the returned function waits for the tokens."""
    jobs = [pool.submit(_tokenize_chunk, texts[i:i + _CHUNK]) for i in range(0, len(texts), _CHUNK)]
    return lambda: [tokens for job in jobs for tokens in job.result()]

