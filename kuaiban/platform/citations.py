"""The clause registry: every clause kuaiban cites, by key, with its 文号, article and verbatim quote.

One citation model for the whole project (rules, 快办, 失业登记, the 法规库's links): each YAML file of
``data/clauses/`` maps keys to ``{doc_no, article, file, lines: [start, end], quote}``; the files are found
by directory, so a new calculator or service adds its own file and edits no list. ``doc_no`` is the
文号, or the document's title where it has none; ``file`` is the compilation in ``data/compilations/``;
``lines`` are 1-based and inclusive. The compilations are hard-wrapped (a wrap may fall inside a sentence),
so a quote is compared with its lines joined and whitespace removed on both sides
(tests/platform/test_citations.py checks every quote). A quote may leave text out with ``……``: each
part is verbatim and the parts come in order.

This module is pure (no database): the rules pillar uses it too. The link into the library is
``kuaiban.library.clause_links.resolve``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kuaiban import config

CLAUSES_DIR = config.DATA / "clauses"
# lines a quote may lie outside its stated range by (a heading above, a wrapped tail below)
SLACK = 2
_SPACE = re.compile(r"\s+")
FIELDS = ("doc_no", "article", "file", "lines", "quote")
# libyaml's parser where PyYAML was built with it: the same documents (every YAML file of data/ compared) in about a
# seventh of the time; the registry is read when the first module citing a clause is imported, by every command
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Clause:
    """One cited clause of a compilation."""

    key: str
    doc_no: str
    article: str
    file: str
    lines: tuple[int, int]
    quote: str

    @property
    def label(self) -> str:
        """文号 and article, as a citation is shown: 湘人社规〔2020〕22号 第五条."""
        return f"{self.doc_no} {self.article}".strip()

    def as_json(self) -> dict[str, str]:
        """The citation an explanation step carries (the calculators' contract)."""
        return {"doc_no": self.doc_no, "article": self.article, "quote": self.quote}

    def as_record(self) -> dict[str, Any]:
        """Everything the registry holds about the clause, key included."""
        return {"key": self.key, "doc_no": self.doc_no, "article": self.article, "file": self.file,
                "lines": list(self.lines), "quote": self.quote}


class RegistryError(ValueError):
    """A malformed registry file (a programming error: the registry's test catches it first)."""


def _clause(key: str, entry: Any, where: Path) -> Clause:
    if not isinstance(entry, dict) or set(entry) != set(FIELDS):
        found = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
        raise RegistryError(f"{where.name}: {key} needs exactly {', '.join(FIELDS)} (has {found})")
    start, end = (int(n) for n in entry["lines"])
    if not 1 <= start <= end:
        raise RegistryError(f"{where.name}: {key} lines {entry['lines']} are not a range")
    return Clause(key=key, doc_no=str(entry["doc_no"]), article=str(entry["article"]), file=str(entry["file"]),
                  lines=(start, end), quote=str(entry["quote"]))


def load(directory: Path) -> dict[str, Clause]:
    """Every clause of every ``*.yaml`` in `directory`; a key defined twice is an error naming both files."""
    clauses: dict[str, Clause] = {}
    origin: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
        if not isinstance(data, dict):
            raise RegistryError(f"{path.name}: expected a mapping of clause keys")
        for key, entry in data.items():
            if key in clauses:
                raise RegistryError(f"clause {key} is defined in {origin[key]} and {path.name}")
            clauses[key] = _clause(str(key), entry, path)
            origin[key] = path.name
    return clauses


@cache
def registry() -> dict[str, Clause]:
    """The project's clause registry (data/clauses/*.yaml), loaded once."""
    return load(CLAUSES_DIR)


def clause(key: str) -> Clause:
    """The clause registered under `key` (a KeyError is a programming error, not bad input)."""
    return registry()[key]


def squeezed(text: str) -> str:
    return _SPACE.sub("", text)


@cache
def compilation_lines(file: str) -> tuple[str, ...]:
    return tuple((config.COMPILATIONS / file).read_text(encoding="utf-8").splitlines())


ELISION = "……"


def parts(quote: str) -> list[str]:
    """The verbatim parts of a quote (whitespace removed), split where it leaves text out."""
    return [part for part in (squeezed(p) for p in quote.split(ELISION)) if part]


def _in_order(pieces: list[str], text: str, start: int = 0) -> tuple[int, int] | None:
    """Where `pieces` occur in order in `text` from `start`: (first start, last end), or None."""
    first = end = -1
    for piece in pieces:
        at = text.find(piece, start)
        if at < 0:
            return None
        first = at if first < 0 else first
        end = start = at + len(piece)
    return (first, end) if first >= 0 else None


def quote_in_lines(item: Clause, slack: int = SLACK) -> bool:
    """Whether the clause's quote lies, verbatim (whitespace aside), within its lines ± `slack`."""
    lines = compilation_lines(item.file)
    start, end = item.lines
    window = "".join(lines[max(0, start - 1 - slack):end + slack])
    return _in_order(parts(item.quote), squeezed(window)) is not None


def locate(file: str, quote: str) -> tuple[int, int] | None:
    """The first and last line of the first place `quote` occurs in compilation `file` (None: nowhere).

    Used to fill ``lines`` when a clause is added (tools/locate_clause.py).
    """
    lines = compilation_lines(file)
    owner: list[int] = []  # for each non-space character of the file, its 1-based line
    chars: list[str] = []
    for number, line in enumerate(lines, start=1):
        text = squeezed(line)
        chars.append(text)
        owner.extend([number] * len(text))
    found = _in_order(parts(quote), "".join(chars))
    if found is None:
        return None
    return owner[found[0]], owner[found[1] - 1]
