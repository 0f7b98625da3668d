"""Parse quality against a compilation's own table of contents.

An entry counts as found when one parsed document of that file (before the
cross-file merge) carries the entry's 文号 (when the entry has one) and a
title that matches it. Each document answers for at most one entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kuaiban.corpus.compilations import compilation_for, read_lines
from kuaiban.corpus.layouts import TocEntry
from kuaiban.corpus.model import ParsedDocument
from kuaiban.corpus.pipeline import parse_compilation
from kuaiban.corpus.titles import titles_match


@dataclass
class CoverageReport:
    file: str
    entries: int
    found: int
    missed: list[tuple[TocEntry, str]] = field(default_factory=list)  # entry, why

    @property
    def share(self) -> float:
        return self.found / self.entries if self.entries else 0.0


def toc_coverage(path: Path, docs: list[ParsedDocument] | None = None) -> CoverageReport:
    comp = compilation_for(path)
    module = comp.parser()
    if not hasattr(module, "toc"):
        raise ValueError(f"{path.name} 没有目录")
    entries: list[TocEntry] = module.toc(read_lines(path))
    docs = docs if docs is not None else parse_compilation(path)
    unused = list(docs)
    report = CoverageReport(file=path.name, entries=len(entries), found=0)
    for entry in entries:
        hit = None
        for doc in unused:
            if entry.doc_no and doc.doc_no != entry.doc_no:
                continue
            if titles_match(entry.title, doc.title):
                hit = doc
                break
        if hit is not None:
            unused.remove(hit)
            report.found += 1
            continue
        by_no = [d for d in docs if entry.doc_no and d.doc_no == entry.doc_no]
        by_title = [d for d in docs if titles_match(entry.title, d.title)]
        if by_no and by_no[0] not in unused:
            why = "文号相同的文件已被另一目录条目占用"
        elif by_no:
            why = f"文号找到但标题不符：{by_no[0].title}"
        elif by_title:
            why = f"标题找到但文号不符：{by_title[0].doc_no}"
        else:
            why = "未解析出该文件"
        report.missed.append((entry, why))
    return report
