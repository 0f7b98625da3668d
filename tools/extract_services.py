"""Build the services data files from the compilations, reproducibly.

    .venv/bin/python tools/extract_services.py            # rewrite data/services/*
    .venv/bin/python tools/extract_services.py --check    # exit 1 if a file would change

Written here (parsed from tables whose text is regular enough for a parser):
- hunan_catalogue.yaml: 湖南省公共服务事项目录（2020版）, 湘政办发〔2020〕19号 (734 rows);
- commitments.yaml: 人社厅发〔2020〕110号 附件1 (24 items, 89 certificates);
- bundles.yaml: 人社部发〔2020〕26号 附件1 (10 bundles);
- field_lists.yaml: 人社部发〔2021〕23号 附件1 (10 per-bundle form field lists).

speedup.yaml (附件2 of 人社部发〔2020〕26号) is written by hand because each time limit needs a
reading; `speedup_rows` gives its verbatim rows so a test can hold the readings to the text.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from kuaiban.config import COMPILATIONS, DATA

OUT = DATA / "services"
HUNAN = "hunan-hrss-2020.txt"
CHONGQING = "chongqing-hrss-2021.txt"
DOC_NO_KUAIBAN_2020 = "人社部发〔2020〕26号"
DOC_NO_KUAIBAN_2021 = "人社部发〔2021〕23号"
DOC_NO_COMMITMENTS = "人社厅发〔2020〕110号"
DOC_NO_HUNAN_CATALOGUE = "湘政办发〔2020〕19号"

CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef（）()、，,；;：:“”《》"
_CJK_GAP = re.compile(rf"(?<=[{CJK}])[ \t]+(?=[{CJK}])")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CODE = re.compile(r"^(\d+\.\d+\.\d+)\s*(.+)$")


@dataclass(frozen=True)
class Text:
    """A compilation as 1-based lines."""

    name: str
    lines: list[str]

    @classmethod
    def load(cls, name: str, directory: Path = COMPILATIONS) -> Text:
        return cls(name, (directory / name).read_text(encoding="utf-8").split("\n"))

    def line(self, n: int) -> str:
        return self.lines[n - 1]

    def find(self, prefix: str, start: int = 1) -> int:
        """Number of the first line at or after `start` that begins with `prefix`."""
        for n in range(start, len(self.lines) + 1):
            if self.line(n).startswith(prefix):
                return n
        raise LookupError(f"{self.name}: no line starting with {prefix!r} after line {start}")

    def numbered(self, start: int, end: int) -> Iterator[tuple[int, str]]:
        for n in range(start, end + 1):
            yield n, self.line(n)


def tidy(s: str) -> str:
    """Drop the spaces PDF extraction puts between CJK characters; keep those around digits and Latin."""
    s = re.sub(r"</?(p|ol|li)[^>]*>", " ", s)
    return _CJK_GAP.sub("", re.sub(r"\s+", " ", s).strip())


def source(file: str, first: int, last: int, doc_no: str, attachment: str | None = None) -> dict:
    out: dict = {"file": f"data/compilations/{file}", "lines": [first, last], "doc_no": doc_no}
    if attachment:
        out["attachment"] = attachment
    return out


def _table_rows(text: Text, start: int, end: int, columns: int) -> list[tuple[int, list[str]]]:
    """Tab-separated rows that begin with a 序号 (header rows repeated on each page are skipped)."""
    rows = []
    for n, line in text.numbered(start, end):
        cells = line.split("\t")
        if cells[0].strip().isdigit():
            if len(cells) != columns:
                raise ValueError(f"{text.name}:{n}: {len(cells)} cells, expected {columns}")
            rows.append((n, cells))
    return rows


# ---------------------------------------------------------------- Hunan public service catalogue


def public_catalogue_rows(text: Text) -> list[dict]:
    """湖南省公共服务事项目录（2020版）: one dict per row, children linked to their 父项 by code."""
    start = text.find("## 湖南省公共服务事项目录")
    end = text.find("# ", start + 1) - 1
    rows: list[dict] = []
    parent: dict | None = None
    for n, cells in _table_rows(text, start, end, 7):
        seq, name, code, levels, relation, agency, kind = (tidy(c) for c in cells)
        row = {
            "seq": int(seq),
            "code": code,
            "name": name,
            "levels": [lv for lv in levels.replace(" ", "").split(",") if lv],
            "relation": relation,
            "parent": None,
            "agency": agency.replace(" ", ""),
            "type": kind.replace(" ", ""),
            "line": n,
        }
        if relation == "父项":
            parent = row
        elif relation == "子项":
            # A 子项 shares its 父项's code up to the last two characters (…0Y / …01, …02).
            if parent is None or parent["code"][:-2] != code[:-2]:
                raise ValueError(f"{text.name}:{n}: 子项 {code} does not follow its 父项")
            row["parent"] = parent["code"]
        else:
            parent = None
        rows.append(row)
    return rows


# ---------------------------------------------------------------- 告知承诺制 list


def _certificates(cell: str) -> list[str]:
    items = re.findall(r"<li>(.*?)</li>", cell) or [cell]
    out: list[str] = []
    for item in items:
        for part in re.split(r"(?:^|\s)\d+\.\s*", tidy(item)):
            part = part.strip().rstrip("；;。").strip()
            if part:
                out.append(part)
    return out


def commitment_rows(text: Text) -> list[dict]:
    """人社厅发〔2020〕110号 附件1: which certificates of which item a written commitment may replace."""
    start = text.find("## 部本级全面推行证明事项告知承诺制事项清单")
    end = text.find("## 附件 2", start)
    return [
        {
            "seq": int(cells[0]),
            "unit": tidy(cells[1]),
            "item": tidy(cells[2]),
            "sub_item": tidy(cells[3]),
            "certificates": _certificates(cells[4]),
            "source": source(HUNAN, n, n, DOC_NO_COMMITMENTS, "附件1"),
        }
        for n, cells in _table_rows(text, start, end, 5)
    ]


# ---------------------------------------------------------------- the 10 bundles


def _split_top(s: str, seps: str) -> list[str]:
    """Split on any of `seps` outside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in s:
        depth += ch in "（("
        depth -= ch in "）)"
        if depth == 0 and ch in seps:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def _coded(s: str) -> dict:
    m = CODE.match(s)
    if not m:
        raise ValueError(f"no service item code in {s!r}")
    return {"code": m.group(1), "name": m.group(2).strip()}


def _bundle_item(s: str) -> dict:
    """'1.1.5 职工参保登记', or a group 'name（含 1.6.10 …；1.6.13 …）' keeping its sub-items."""
    s = s.strip()
    if CODE.match(s):
        return _coded(s)
    head, _, rest = s.partition("（含")
    if not rest.endswith("）"):
        raise ValueError(f"neither a coded item nor a group: {s!r}")
    return {"code": None, "name": head.strip(), "items": [_coded(p) for p in _split_top(rest[:-1], "；;")]}


def _notes(cell: str) -> list[str]:
    return [p.strip() for p in re.split(r"(?:^|\s)\d+\.\s*", tidy(cell)) if p.strip()]


def bundle_rows(text: Text) -> list[dict]:
    """人社部发〔2020〕26号 附件1: scene, items (with codes), agencies, notes of each bundle."""
    start = text.find("## 人社服务 10 个“打包一件事”清单")
    end = text.find("注：所涉服务事项详见", start)
    bundles: dict[int, dict] = {}
    for n, cells in _table_rows(text, start, end, 5):
        seq = int(cells[0])
        items_text = tidy(cells[2])
        items = [_bundle_item(p) for p in re.split(f"[{CIRCLED}]", items_text) if p.strip()]
        b = bundles.get(seq)
        if b is None:  # a bundle's row may continue on the next page (bundle 6)
            b = bundles[seq] = {"seq": seq, "name": tidy(cells[1]), "items": [], "agencies": [],
                                "notes": [], "source": source(HUNAN, n, n, DOC_NO_KUAIBAN_2020, "附件1")}
        b["items"] += items
        b["agencies"] += [a for a in tidy(cells[3]).split("、") if a]
        b["notes"] += _notes(cells[4])
        b["source"]["lines"][1] = n
    return [bundles[k] for k in sorted(bundles)]


def speedup_rows(text: Text) -> list[dict]:
    """人社部发〔2020〕26号 附件2 verbatim: the item as named, the statutory and the target limit."""
    start = text.find("## “提速办” 服务事项备选清单")
    end = text.find("注：所涉服务事项详见", start)
    return [
        {"seq": int(cells[0]), "item": tidy(cells[1]), "statutory": tidy(cells[2]),
         "target": tidy(cells[3]), "line": n}
        for n, cells in _table_rows(text, start, end, 4)
    ]


# ---------------------------------------------------------------- 2021 per-bundle field lists

_BUNDLE_HEAD = re.compile(r"^[一二三四五六七八九十]+、(.+)“一件事”$")
_SECTION_HEAD = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]\s*(.+)$")
_ENTRY = re.compile(r"^(?:-\s*)?(\d+)\s*[.．]\s*(.*)$")
_SUB_ENTRY = re.compile(r"^[(（](\d+)[)）]\s*(.*)$")
# Readings where extraction lost the circled numbers separating options (docs/services-catalogue.md).
_OPTION_READINGS = {"电子劳动合同签订劳动用工备案": ["电子劳动合同签订", "劳动用工备案"]}


def _flags(paren: str) -> dict | None:
    """Read a trailing parenthetical: None when it holds no 勾选 / 自动办理 flag (then it is part of the name)."""
    if "勾选" not in paren and "自动办理" not in paren:
        return None
    out = {"default_checked": False, "checkable": False, "automatic": False, "conditions": [], "notes": []}
    for token in _split_top(paren, ",，"):
        if token.startswith(("如", "对")):  # 如涉及 / 如符合条件 / 如勾选… / 对勾选…人员
            out["conditions"].append(token)
        elif token in ("默认勾选", "此项默认勾选"):
            out["default_checked"] = True
        elif token in ("勾选", "事项勾选"):
            out["checkable"] = True
        elif token in ("自动办理", "默认自动办理"):
            out["automatic"] = True
        else:
            out["notes"].append(token)
    return out


def _trailing_paren(s: str) -> tuple[str, str | None]:
    if not s.endswith((")", "）")):
        return s, None
    depth = 0
    for i in range(len(s) - 1, -1, -1):
        depth += s[i] in ")）"
        depth -= s[i] in "(（"
        if depth == 0:
            return s[:i].strip(), s[i + 1:-1]
    return s, None


def _field(s: str) -> dict:
    name, paren = _trailing_paren(s.strip().rstrip("。"))
    flags = _flags(paren) if paren is not None else None
    if flags is None:
        return {"name": s.strip().rstrip("。")}
    return {"name": name, **{k: v for k, v in flags.items() if v}}


def _top_colon(s: str) -> int:
    depth = 0
    for i, ch in enumerate(s):
        depth += ch in "（("
        depth -= ch in "）)"
        if depth == 0 and ch in ":：":
            return i
    return -1


def _entry(no: str | None, body: str, line: int) -> dict:
    """One line of a field list: a label with its flags, then the fields (or notes) after the colon."""
    body = body.strip()
    entry: dict = {"number": int(no) if no else None, "label": None, "default_checked": False, "checkable": False, "automatic": False,
                   "conditions": [], "notes": [], "fields": [], "text": body, "line": line}
    i = _top_colon(body)
    head, rest = (body[:i].strip(), body[i + 1:].strip()) if i >= 0 else (body.rstrip("。"), "")
    label, paren = _trailing_paren(head)
    flags = _flags(paren) if paren is not None else None
    if head.startswith("如"):  # an instruction to the form's user, not a field
        entry["notes"].append(body.rstrip("。"))
        return entry
    if head == "事项勾选":
        entry["checkable"] = True
    elif flags:
        entry["label"] = label
        entry.update(flags)
    elif i < 0 and _split_top(head, "、")[1:]:  # a bare list of fields: 姓名、性别、…
        rest = head
    else:
        entry["label"] = head
    for sentence in _split_top(rest.rstrip("。"), "。;；"):
        if sentence.startswith(("现场", "受理后", "需", "默认", "确需")) or "告知承诺制" in sentence:
            entry["notes"].append(sentence)
            continue
        for option in re.split(f"[{CIRCLED}]", sentence):
            for part in _split_top(option, "、"):
                for reading in _OPTION_READINGS.get(part, [part]):
                    entry["fields"].append(_field(reading))
    return entry


def _compact(entry: dict) -> dict:
    """Drop empty keys so the YAML reads like the notice."""
    return {k: v for k, v in entry.items() if v not in (None, False, [], "") or k in ("label", "number")}


def field_list_rows(text: Text) -> list[dict]:
    """人社部发〔2021〕23号 附件1: 10 个打包“一件事”表单参考信息项, bundle → section → entries with flags."""
    start = text.find("10 个打包“一件事”表单参考信息项")
    end = text.find("打包“一件事”参考工作流程", start) - 1
    # Join a line cut by a page break inside a parenthesis (…(正式党员/预备党 ⏎ 员)…).
    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for n, raw in text.numbered(start + 1, end):
        line = raw.strip()
        if not line:
            continue
        if pending:
            n, line = pending[0], pending[1] + line
            pending = None
        if line.count("(") + line.count("（") > line.count(")") + line.count("）"):
            pending = (n, line)
            continue
        joined.append((n, line))
    bundles: list[dict] = []
    for n, line in joined:
        if m := _BUNDLE_HEAD.match(line):
            bundles.append({"seq": len(bundles) + 1, "name": m.group(1), "sections": [],
                            "source": source(CHONGQING, n, n, DOC_NO_KUAIBAN_2021, "附件1")})
            continue
        bundle = bundles[-1]
        bundle["source"]["lines"][1] = n
        if m := _SECTION_HEAD.match(line):
            bundle["sections"].append({"title": m.group(2).strip(), "entries": []})
            continue
        entries = bundle["sections"][-1]["entries"]
        if m := _SUB_ENTRY.match(line):
            entries[-1].setdefault("entries", []).append(_compact(_entry(m.group(1), m.group(2), n)))
        elif m := _ENTRY.match(line):
            entries.append(_compact(_entry(m.group(1), m.group(2), n)))
        else:
            entries.append(_compact(_entry(None, line, n)))
    return bundles


# ---------------------------------------------------------------- writing


def _header(title: str, src: str) -> str:
    return (f"# {title}\n# Generated by `python tools/extract_services.py` from {src}; "
            "do not edit by hand (docs/services-catalogue.md).\n")


def render(directory: Path = COMPILATIONS) -> dict[str, str]:
    """File name → content of every generated data file."""
    hunan, chongqing = Text.load(HUNAN, directory), Text.load(CHONGQING, directory)

    def dump(obj) -> str:
        return yaml.safe_dump(obj, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None)

    catalogue = public_catalogue_rows(hunan)
    first, last = catalogue[0]["line"], catalogue[-1]["line"]
    # One JSON object per row: valid YAML, one line per catalogue row, diffs stay readable.
    cat_text = _header("湖南省公共服务事项目录（2020版）", f"{HUNAN} lines {first}–{last}") + dump(
        {"title": "湖南省公共服务事项目录（2020版）", "rows_count": len(catalogue),
         "source": source(HUNAN, first, last, DOC_NO_HUNAN_CATALOGUE)}
    ) + "rows:\n" + "".join(f"- {json.dumps(r, ensure_ascii=False)}\n" for r in catalogue)

    commitments = commitment_rows(hunan)
    bundles = bundle_rows(hunan)
    fields = field_list_rows(chongqing)
    return {
        "hunan_catalogue.yaml": cat_text,
        "commitments.yaml": _header("部本级全面推行证明事项告知承诺制事项清单", f"{HUNAN} ({DOC_NO_COMMITMENTS} 附件1)")
        + dump({"items_count": len(commitments),
                "certificates_count": sum(len(c["certificates"]) for c in commitments),
                "items": commitments}),
        "bundles.yaml": _header("人社服务 10 个“打包一件事”清单", f"{HUNAN} ({DOC_NO_KUAIBAN_2020} 附件1)")
        + dump({"bundles": bundles}),
        "field_lists.yaml": _header("10 个打包“一件事”表单参考信息项", f"{CHONGQING} ({DOC_NO_KUAIBAN_2021} 附件1)")
        + dump({"bundles": fields}),
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    stale = []
    OUT.mkdir(parents=True, exist_ok=True)
    for name, content in render().items():
        path = OUT / name
        if path.exists() and path.read_text(encoding="utf-8") == content:
            continue
        stale.append(name)
        if not check:
            path.write_text(content, encoding="utf-8")
    for name in stale:
        print(f"{'stale' if check else 'wrote'}: data/services/{name}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
