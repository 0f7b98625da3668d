"""办事指南: what an applicant should know before applying for an item of the catalogue.

For every item of the 10 打包“一件事” (人社部发〔2020〕26号 附件1) the guide gathers, without inventing:

- 受理条件 and material rules quoted from the texts (``data/services/guides.yaml``), or "文件未载明";
- 申请材料: the region's configuration (inherited from the regions above, as a case asks for them), each
  marked where a row of the 告知承诺制 list (人社厅发〔2020〕110号 附件1) the region adopted lets a written
  commitment replace it; the list's rows for the item are shown as what they are — the ministry's own
  (部本级) list, applied by a region only once adopted;
- 办理时限: the statutory and target limits of 附件2 (2020-04-21) and any earlier or later text that sets
  one, each dated, oldest first, with the cases it covers (85号: 跨省 only); the limit the system counts with
  today (``cases.item_limit``, the very function a case's task counts with) and, where a text covers only
  some cases, the limit for those; "时限未知" only where no text gives a number, with the reason;
- 收费: no text in the compilations sets a fee for these items, and the guide says exactly that;
- 设定依据: the 文号 (and lines) of every text used above, for the interfaces to link into the library;
- 承办机构: the agency the region routes the item to, else the kinds of agency 附件1 names for the bundle;
  no address is given unless the region configured one (none is configured today: the guide says so);
- 常见问题: questions answered by a quoted text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from kuaiban.platform import audit, regions
from kuaiban.platform.errors import NotFound
from kuaiban.services import catalogue, region_config
from kuaiban.services.cases import (
    LIMIT_NAMES,
    NO_NUMBER,
    PlannedItem,
    _region_setup,
    adopted_commitments,
    all_commitment_rows,
    commitment_rows,
    item_limit,
)

SPEEDUP_DATE = catalogue.SPEEDUP_DATE  # 人社部发〔2020〕26号 (hunan-hrss-2020.txt 613–615)
COMMITMENT_SCOPE = ("人社厅发〔2020〕110号附件1是人社部部本级清单（办理单位为部属单位），不当然适用于地方经办机构；"
                    "本地区登记采用其中某项后，该项证明方可以告知承诺代替。")
NO_FEE_TEXT = "文件未载明收费标准（本系统收录的文件没有为本事项设定任何收费）"
NO_CONDITIONS = "文件未载明具体受理条件"
NO_ADDRESS = "办理地址以当地人社部门公布的为准（本地区尚未在本系统配置办理地址）"


@dataclass(frozen=True)
class Quote:
    """A sentence of a text, with the 文号, date and compilation lines it comes from."""

    text: str
    doc_no: str
    file: str
    lines: tuple[int, int]
    date: dt.date | None = None

    @classmethod
    def of(cls, quote: str, source: dict) -> Quote:
        return cls(quote, source["doc_no"], source["file"], tuple(source["lines"]), source.get("date"))

    def as_dict(self) -> dict:
        return {"text": self.text, "doc_no": self.doc_no, "date": self.date.isoformat() if self.date else None,
                "file": self.file, "lines": list(self.lines)}


@dataclass(frozen=True)
class LimitRule:
    """One text's time limit for the item: 法定时限 / 提速目标 of 附件2, or another dated text."""

    label: str
    text: str  # the text's own words
    value_text: str  # “3个工作日”, or 无 / 各地制定
    date: dt.date | None
    source: Quote

    scope: str | None = None  # the cases the text covers (跨省), None for every case

    def as_dict(self) -> dict:
        return {"label": self.label, "text": self.text, "limit": self.value_text,
                "date": self.date.isoformat() if self.date else None, "source": self.source.as_dict(),
                "scope": self.scope}


@dataclass(frozen=True)
class FAQ:
    question: str
    answer: str
    source: Quote

    def as_dict(self) -> dict:
        return {"question": self.question, "answer": self.answer, "source": self.source.as_dict()}


@dataclass(frozen=True)
class GuideMaterial:
    name: str
    basis: str | None  # what the region's configuration gives as its basis
    commitment: bool  # the 告知承诺制 list lets a written commitment replace it for this item


@dataclass(frozen=True)
class PrintedMaterial:
    name: str
    when: str | None  # the case it is needed in, in the text's words
    quote: Quote


@dataclass(frozen=True)
class PrintedList:
    """The 申请材料 a text prints for the item (data/services/printed_materials.yaml), with the text cited."""

    doc_no: str
    date: dt.date | None
    part: str | None  # 附件1, 第十二条 …
    region: str | None  # None: a national text
    materials: list[PrintedMaterial]

    def as_dict(self) -> dict:
        return {"doc_no": self.doc_no, "date": self.date.isoformat() if self.date else None, "part": self.part,
                "region": self.region, "region_name": regions.full_name(self.region) if self.region else None,
                "materials": [{"name": m.name, "when": m.when, "source": m.quote.as_dict()} for m in self.materials]}


def _printed(code: str | None, region: str | None) -> list[PrintedList]:
    out = []
    for entry in catalogue.printed_materials(code, region):
        src = entry["source"]
        out.append(PrintedList(src["doc_no"], src.get("date"), src.get("part"), entry.get("region"),
                               [PrintedMaterial(m["name"], m.get("when"), Quote.of(m["quote"], src))
                                for m in entry["materials"]]))
    return out


@dataclass
class Guide:
    key: str
    code: str | None
    name: str
    group: str | None
    bundles: list[tuple[int, str]]
    conditions: list[Quote]
    material_rules: list[Quote]
    region: str | None
    materials: list[GuideMaterial]
    commitments: list[catalogue.Commitment]  # the 部本级 list's rows for the item, adopted or not
    limits: list[LimitRule]
    applied: str  # the limit deadlines are counted with, in words
    applied_note: str | None
    fee: str
    agency: str | None  # the region's routing
    agency_kinds: list[str]  # 附件1's agencies of the bundles
    address: str
    faq: list[FAQ]
    notes: list[str] = field(default_factory=list)
    limits_note: str | None = None  # why the limit counted is the one it is, when texts differ (guides.yaml)
    online: dict | None = None  # where the item is applied for online, when not (only) through its bundle
    adopted: dict[int, str] = field(default_factory=dict)  # the region's adopted rows of the list → basis
    branches: list[str] = field(default_factory=list)  # the limit for cases a later text covers (跨省: …)
    printed: list[PrintedList] = field(default_factory=list)  # 申请材料 lists the texts print for the item

    def doc_nos(self) -> set[str]:
        """Every 文号 the guide rests on (the interfaces link each into the library)."""
        out = {q.doc_no for q in (*self.conditions, *self.material_rules)} | {r.source.doc_no for r in self.limits}
        out |= {f.source.doc_no for f in self.faq} | {c.source.doc_no for c in self.commitments}
        out |= {p.doc_no for p in self.printed}
        out.add("人社部发〔2020〕26号")
        return out

    def as_dict(self) -> dict:
        return {
            "key": self.key, "code": self.code, "name": self.name, "group": self.group,
            "bundles": [{"seq": s, "name": n} for s, n in self.bundles],
            "conditions": [q.as_dict() for q in self.conditions] or NO_CONDITIONS,
            "material_rules": [q.as_dict() for q in self.material_rules],
            "region": self.region, "region_name": regions.full_name(self.region) if self.region else None,
            "materials": [{"name": m.name, "basis": m.basis, "commitment_allowed": m.commitment}
                          for m in self.materials],
            "printed_materials": [p.as_dict() for p in self.printed],
            "commitments": [{"certificates": list(c.certificates), "doc_no": c.source.doc_no, "seq": c.seq,
                             "list": "部本级", "unit": c.unit, "adopted": c.seq in self.adopted,
                             "adoption": self.adopted.get(c.seq)} for c in self.commitments],
            "commitment_scope": COMMITMENT_SCOPE if self.commitments else None,
            "limits": [r.as_dict() for r in self.limits], "applied_limit": self.applied,
            "applied_limit_note": self.applied_note, "applied_limit_branches": self.branches,
            "fee": self.fee, "agency": self.agency,
            "agency_kinds": self.agency_kinds, "address": self.address,
            "faq": [f.as_dict() for f in self.faq], "notes": self.notes, "legal_basis": sorted(self.doc_nos()),
            "limits_note": self.limits_note, "online": self.online,
        }


def _texts() -> dict:
    return catalogue._guide_texts()


def _limit_words(kind: str, value: int | None) -> str:
    if kind == "local":
        return "各地结合实际制定"
    if kind == "none" or value is None:
        return "无"
    return f"{value}{LIMIT_NAMES[kind]}"


def _limit_with_branches(limit: catalogue.Limit) -> str:
    """“30个工作日（批量制发：30个工作日；零星制发：5个工作日）”: the general limit and every branch the text gives."""
    words = _limit_words(limit.kind, limit.value)
    if not limit.conditions:
        return words
    return words + "（" + "；".join(f"{c.when}：{_branch_words(c.kind, c.value)}" for c in limit.conditions) + "）"


def _branch_words(kind: str, value: int | None) -> str:
    """A branch the text names without a number (网上申领: “加快推进”) has no limit given, not a limit of “无”."""
    return NO_NUMBER if kind == "none" and value is None else _limit_words(kind, value)


def citations() -> list[tuple[str, str, str | None]]:
    """``(文号, item key, part)`` of every text a guide quotes for an item by name — its 受理条件, 申请材料,
    常见问题 and the time limits of texts other than 附件2 (guides.yaml), and the 申请材料 lists texts print
    (printed_materials.yaml) — so that a document's page can link the guides resting on it. 人社部发〔2020〕26号
    附件2, which sets the limits of every item, is not listed item by item."""
    out = []
    for key, entry in _texts()["items"].items():
        for part in ("conditions", "material_rules", "faq", "limits"):
            out += [(x["source"]["doc_no"], key, None) for x in entry.get(part, ())]
    for key, lists in catalogue._printed_materials().items():
        out += [(x["source"]["doc_no"], key, x["source"].get("part")) for x in lists]
    return list(dict.fromkeys(out))


def items() -> tuple[region_config.ItemChoice, ...]:
    """Every item of the catalogue that has a guide: top-level items, groups and their sub-items."""
    return region_config.item_choices()


def _find(key: str) -> tuple[catalogue.ServiceItem, str | None, list[catalogue.Bundle]]:
    found: catalogue.ServiceItem | None = None
    group: str | None = None
    within: list[catalogue.Bundle] = []
    for b in catalogue.bundles():
        for item in b.items:
            for i in (item, *item.items):
                if (i.code or i.name) == key:
                    found, group = i, (item.name if i is not item else None)
                    if b not in within:
                        within.append(b)
    if found is None:
        raise NotFound(f"没有这个事项：{key}", "item")
    return found, group, within


def _limits(code: str | None, region: str | None = None) -> list[LimitRule]:
    rules: list[LimitRule] = []
    for own in catalogue.regional_limits(code, region):  # the region's own text (山东 …), for its cases only
        place = regions.label(own["region"]).split("（")[0]
        within = f"仅{place}的申请" + (f"，{own['scope']}" if own.get("scope") else "")
        rules.append(LimitRule(f"{own['source']['doc_no']}（{place}）", own["quote"],
                               f"{_limit_words(own['kind'], own['value'])}（{within}）", own["date"],
                               Quote.of(own["quote"], own["source"]), place))
    if code:
        try:
            s = catalogue.speedup_item(code)
        except KeyError:
            s = None
        if s is not None:
            src = Quote(s.statutory_text, s.source.doc_no, s.source.file.split("/")[-1], s.source.lines, SPEEDUP_DATE)
            rules.append(LimitRule("当前规定的办结时限", s.statutory_text, _limit_with_branches(s.statutory),
                                   SPEEDUP_DATE, src))
            rules.append(LimitRule("提速后办结时限", s.target_text, _limit_with_branches(s.target),
                                   SPEEDUP_DATE, Quote(s.target_text, src.doc_no, src.file, src.lines, SPEEDUP_DATE)))
            for d in s.dated:  # a later text's limit, with the cases it covers
                q = Quote(d.quote or d.text, d.source.doc_no, d.source.file.split("/")[-1], d.source.lines, d.start)
                rules.append(LimitRule(d.source.doc_no, d.quote or d.text, _limit_words(d.limit.kind, d.limit.value)
                                       + (f"（仅{d.scope}，各经办机构分别计）" if d.scope else ""), d.start, q, d.scope))
        for extra in _texts()["items"].get(code, {}).get("limits", ()):
            q = Quote.of(extra["quote"], extra["source"])
            rules.append(LimitRule(extra["source"]["doc_no"], extra["quote"],
                                   _limit_words(extra["kind"], extra["value"]), extra["date"], q, extra.get("scope")))
    return sorted(rules, key=lambda r: (r.date or dt.date.min))


def _applied(code: str | None, on: dt.date, region: str | None = None) -> tuple[str, str | None, list[str]]:
    """The limit a task of ``region`` started on ``on`` counts with, in words — ``cases.item_limit`` itself, so
    the guide and the case clock cannot disagree — and, where a text in force covers only some cases, their limit."""
    lim = item_limit(code, on, region=region)
    words = _limit_words(lim.kind, lim.value) + (f"（{lim.basis}）" if lim.basis else "") if lim.kind else "时限未知"
    branches = []
    s = next((x for x in catalogue.speedup() if code and (x.code == code or any(i.code == code for i in x.items))),
             None)
    later = s.dated_on(on) if s is not None else None
    if later is not None and later.scope == "跨省":
        other = item_limit(code, on, cross_province=True, region=region)
        branches.append(f"{later.scope}转移：{_limit_words(other.kind, other.value)}（{other.basis}）")
    note = lim.note
    for other in catalogue.text_limits(code, on, counted=False):
        if other.get("counted", True) is False:  # another office's step: shown, never counted for this task
            note = "；".join(filter(None, [note, f"{other['source']['doc_no']}规定的{_limit_words(other['kind'], other['value'])}"
                                                 f"是{other['scope']}的时限，不是本事项受理机构的办结时限"]))
    return words, note, branches


def _bundle_notes(within: list[catalogue.Bundle]) -> list[str]:
    """附件1's notes of the bundles holding the item, each once; for an item in several bundles each names the
    bundles it belongs to (walk s15: “需高校毕业生离校后本人办理的事项” read as a rule of 就业登记 for an employer)."""
    found: dict[str, list[str]] = {}
    for b in within:
        for n in b.notes:
            found.setdefault(n, []).append(b.name)
    if len(within) < 2:
        return list(found)
    return [f"{'、'.join(f'“{name}”' for name in names)}一件事：{n}" for n, names in found.items()]


def guide(session: Session, key: str, region: str | None = None, on: dt.date | None = None) -> Guide:
    """The guide of item ``key`` (its code, or a group's name), with ``region``'s materials and agency, for an
    application made on day ``on`` (today by default)."""
    item, group, within = _find(key.strip())
    region = regions.resolve(region) if region else None
    on = on or audit.now().date()
    texts = _texts()["items"].get(item.code or "", {})
    planned = PlannedItem(item.code or item.name, item.code, item.name, group)
    plan, routes = _region_setup(session, region, [planned]) if region else ({}, {})
    adopted = adopted_commitments(session, region)
    commitments = all_commitment_rows([item.name, *(i.name for i in item.items)])
    materials = [GuideMaterial(name, None, bool(commitment_rows(item.name, name, adopted))) for name in plan]
    applied, applied_note, branches = _applied(item.code, on, region)
    faq = [FAQ(f["question"], f["answer"], Quote.of(f["quote"], f["source"])) for f in texts.get("faq", ())]
    faq += [FAQ(f["question"], f["answer"], Quote.of(f["quote"], f["source"]))
            for f in _texts()["common_faq"] if commitments or not f.get("only_with_commitments")]
    kinds = list(dict.fromkeys(a for b in within for a in b.agencies))
    return Guide(
        key=planned.key, code=item.code, name=item.name, group=group, bundles=[(b.seq, b.name) for b in within],
        conditions=[Quote.of(c["quote"], c["source"]) for c in texts.get("conditions", ())],
        material_rules=[Quote.of(c["quote"], c["source"]) for c in texts.get("material_rules", ())],
        region=region, materials=materials, commitments=commitments, limits=_limits(item.code, region),
        applied=applied,
        applied_note=applied_note, fee=NO_FEE_TEXT, agency=routes.get(planned.key), agency_kinds=kinds,
        address=NO_ADDRESS, faq=faq, notes=_bundle_notes(within),
        limits_note=texts.get("limits_note"), online=texts.get("online"),
        adopted={seq: basis for seq, basis in adopted.items() if any(c.seq == seq for c in commitments)},
        branches=branches, printed=_printed(item.code, region))


def _bigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text if ch not in "《》（）()、 ")
    return {text[i:i + 2] for i in range(len(text) - 1)}


def search(words: str, limit: int = 5) -> list[region_config.ItemChoice]:
    """Guides whose item a question names: the items sharing the most two-character pieces with the
    words (at least two, so that 失业 alone does not list every 失业 item above an exact name)."""
    asked = _bigrams(words.replace("社保卡", "社会保障卡"))  # what everybody calls it
    scored = [(len(asked & _bigrams(c.label.split(" ", 1)[-1])), n, c) for n, c in enumerate(items())]
    best = sorted((s for s in scored if s[0] >= 2), key=lambda s: (-s[0], s[1]))
    return [c for _, _, c in best[:limit]]
