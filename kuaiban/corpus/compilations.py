"""The bundled compilations and the layout parser each one needs."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Compilation:
    file: str
    title: str
    layout: str  # module name under kuaiban.corpus.layouts
    default_region: str | None
    year: int
    short: str = ""  # how a citation names it to a reader: "湖南汇编 第 N 行", never the file name

    def parser(self):
        return importlib.import_module(f"kuaiban.corpus.layouts.{self.layout}")


COMPILATIONS: dict[str, Compilation] = {
    c.file: c
    for c in [
        Compilation("hunan-hrss-2020.txt", "湖南省人力资源社会保障法规政策汇编 2020", "hunan", "湖南", 2020,
                    "湖南汇编"),
        Compilation("chongqing-hrss-2021.txt",
                    "重庆市人力资源和社会保障法规政策文件汇编（劳动就业和社会保障分册）2021",
                    "chongqing", "重庆", 2021, "重庆汇编"),
        Compilation("shandong-2020.txt", "山东省2020年就业和社会保险政策文件", "shandong", "山东", 2020,
                    "山东汇编"),
        Compilation("national-and-provinces-2020-q2.txt", "2020年第二季度国家及各省市人社政策", "q2",
                    None, 2020, "国家及各省二季度汇编"),
        Compilation("court-national-provinces-2020.txt", "最高人民法院指导意见及国家和各省市政策 2020",
                    "court", None, 2020,
                    "法院及各省汇编"),
    ]
}


def compilation_for(path: Path) -> Compilation:
    try:
        return COMPILATIONS[path.name]
    except KeyError:
        known = "、".join(COMPILATIONS)
        raise ValueError(f"不认识的汇编文件 {path.name}（已知：{known}）") from None


def read_lines(path: Path) -> list[str]:
    """The file's lines without line endings; a byte-order mark is dropped."""
    text = path.read_text(encoding="utf-8-sig")
    return text.splitlines()


def source_name(file: str) -> str:
    """The Chinese short name a reader sees for a compilation file ("湖南汇编"); "汇编" for an unknown file."""
    comp = COMPILATIONS.get(file)
    return comp.short if comp and comp.short else "汇编"


def cite_line(file: str, line: int, end_line: int | None = None) -> str:
    """"湖南汇编 第 4147 行" or "湖南汇编 第 4147–4150 行"."""
    where = f"{line}–{end_line}" if end_line and end_line != line else f"{line}"
    return f"{source_name(file)} 第 {where} 行"
