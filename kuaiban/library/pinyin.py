"""Questions typed in pinyin ("shiye", "shiyejin", "yang lao jin"): read in the library's own words.

A phone's keyboard, or a user without a Chinese input method, gives letters. A question of letters alone that
splits into pinyin syllables is read as the library's words whose pinyin (without tones, pypinyin) it spells,
each the word people asked about most among those spelled alike (the questions-asked field: shiye → 失业, not 事业
or 视野), then the one most documents print. Letters typed together or apart ("shiyebaoxianjin", "yang lao jin")
are split into the fewest such words. A question with any Chinese character
in it, or letters that are not pinyin ("pdf"), is left as typed.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping

_LETTERS = re.compile(r"^[a-z][a-z' ]*$")
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_TONES = dict.fromkeys((0x300, 0x301, 0x304, 0x30C))  # grave, acute, macron, caron: the four tone marks
LONGEST = 24  # letters in one word's pinyin looked up at once (四个字: zhuang huang = 12)


def _plain(syllable: str) -> str:
    """A syllable without its tone, ü typed as v (lǜ → lv), as keyboards take it."""
    bare = unicodedata.normalize("NFC", unicodedata.normalize("NFD", syllable).translate(_TONES))
    return bare.replace("ü", "v")


def spelled(word: str, characters: Mapping[int, str], phrases: Mapping[str, list]) -> str | None:
    """A word's pinyin without tones or spaces: the phrase's reading where pypinyin lists the word (银行 yinhang),
    else each character's first reading; None for a character it does not know."""
    reading = phrases.get(word)
    if reading is not None and len(reading) == len(word):
        return "".join(_plain(r[0]) for r in reading)
    out = []
    for char in word:
        readings = characters.get(ord(char))
        if readings is None:
            return None
        out.append(_plain(readings.split(",")[0]))
    return "".join(out)


def _spellings(word: str, characters: Mapping[int, str], phrases: Mapping[str, list]) -> set[str]:
    """A word's spelling; every reading of a word of one character (调: diao and tiao)."""
    if len(word) == 1 and ord(word) in characters:
        return {_plain(r) for r in characters[ord(word)].split(",")}
    key = spelled(word, characters, phrases)
    return {key} if key else set()


class PinyinReader:
    """pinyin (letters, no tones, no spaces) → the most documented word of the library spelled so."""

    def __init__(self, words: Iterable[tuple[str, int]], asked: Mapping[str, int] | None = None):
        self._words = list(words)  # (word, how many documents print it)
        self._asked = asked or {}  # word → how many asked questions hold it
        self._keys: dict[str, tuple[str, int]] | None = None
        self._lock = threading.Lock()

    def _spelled(self) -> dict[str, tuple[str, int]]:
        with self._lock:
            if self._keys is None:
                # pypinyin's dictionaries ship in its wheel; loaded on the first question in letters
                from pypinyin.phrases_dict import phrases_dict
                from pypinyin.pinyin_dict import pinyin_dict

                keys: dict[str, tuple[str, tuple[int, int]]] = {}
                for word, df in self._words:
                    if not _HAN.match(word):
                        continue
                    rank = (self._asked.get(word, 0), df)
                    for key in _spellings(word, pinyin_dict, phrases_dict):
                        best = keys.get(key)
                        if best is None or rank > best[1]:
                            keys[key] = (word, rank)
                self._keys = keys
            return self._keys

    def read(self, query: str) -> str | None:
        """The question in the library's words, or None when it is not pinyin alone."""
        text = query.strip().lower()
        if not _LETTERS.match(text):
            return None
        words = _split(re.sub(r"[ ']+", "", text), self._spelled())
        return " ".join(words) if words else None


def _split(letters: str, keys: dict[str, tuple[str, tuple[int, int]]]) -> list[str] | None:
    """The fewest words whose pinyin spells ``letters`` (then the most asked, the most printed), or None."""
    n = len(letters)
    best: list[tuple[int, int, int, list[str]] | None] = [None] * (n + 1)  # (words, -asked, -documents, words)
    best[0] = (0, 0, 0, [])
    for i in range(n):
        if best[i] is None:
            continue
        count, asked, printed, words = best[i]
        for j in range(i + 1, min(n, i + LONGEST) + 1):
            hit = keys.get(letters[i:j])
            if hit is None:
                continue
            candidate = (count + 1, asked - hit[1][0], printed - hit[1][1], [*words, hit[0]])
            if best[j] is None or candidate[:3] < best[j][:3]:
                best[j] = candidate
    return best[n][3] if best[n] is not None else None
