"""Typed, read-only views of the services catalogue in data/services/.

The files are built from the compilations (tools/extract_services.py; speedup.yaml by hand) and every
entry carries its source. Loaders are cached: the data ships with the code and never changes at run time.

>>> [b.name for b in bundles()][:3]
['企业招用员工', '企业与员工解除终止劳动合同', '失业']
>>> speedup_item("2.4.1").target
Limit(kind='working_days', value=3, conditions=())
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from kuaiban.config import DATA
from kuaiban.platform.regions import covers

SERVICES = DATA / "services"
# 人社部发〔2020〕26号 (hunan-hrss-2020.txt 613–615), the day its 附件2 speed-up targets start
SPEEDUP_DATE = date(2020, 4, 21)
LimitKind = Literal["working_days", "days", "months", "minutes", "local", "none"]
LIMIT_KINDS: tuple[str, ...] = ("working_days", "days", "months", "minutes", "local", "none")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Source:
    """Where an entry comes from: compilation file, 1-based line range, 文号, attachment."""

    file: str
    lines: tuple[int, int]
    doc_no: str
    attachment: str | None = None
    basis: dict[str, Any] | None = None  # the passage a reading rests on (e.g. 即时办结 ≤ 30 分钟)

    @classmethod
    def of(cls, d: dict) -> Source:
        return cls(d["file"], (d["lines"][0], d["lines"][1]), d["doc_no"], d.get("attachment"), d.get("basis"))

    def as_dict(self) -> dict:
        out: dict[str, Any] = {"file": self.file, "lines": list(self.lines), "doc_no": self.doc_no}
        if self.attachment:
            out["attachment"] = self.attachment
        if self.basis:
            out["basis"] = self.basis
        return out


# ---------------------------------------------------------------- bundles (打包一件事)


@dataclass(frozen=True)
class ServiceItem:
    """A national service item (code such as 1.1.5), or a group without code keeping its sub-items."""

    code: str | None
    name: str
    items: tuple[ServiceItem, ...] = ()

    @classmethod
    def of(cls, d: dict) -> ServiceItem:
        return cls(d["code"], d["name"], tuple(cls.of(i) for i in d.get("items", ())))

    def leaves(self) -> tuple[ServiceItem, ...]:
        """The coded items: itself, or a group's sub-items."""
        return tuple(x for i in self.items for x in i.leaves()) if self.items else (self,)

    def as_dict(self) -> dict:
        out: dict[str, Any] = {"code": self.code, "name": self.name}
        if self.items:
            out["items"] = [i.as_dict() for i in self.items]
        return out


@dataclass(frozen=True)
class Bundle:
    """One of the 10 打包“一件事” of 人社部发〔2020〕26号 附件1."""

    seq: int
    name: str
    items: tuple[ServiceItem, ...]
    agencies: tuple[str, ...]
    notes: tuple[str, ...]
    source: Source

    def codes(self) -> tuple[str, ...]:
        return tuple(leaf.code for item in self.items for leaf in item.leaves() if leaf.code)

    def as_dict(self) -> dict:
        """The CLI contract shape: {name, items, agencies, notes, source}."""
        return {"name": self.name, "items": [i.as_dict() for i in self.items], "agencies": list(self.agencies),
                "notes": list(self.notes), "source": self.source.as_dict()}


# ---------------------------------------------------------------- speed-up list (提速办)


@dataclass(frozen=True)
class Condition:
    """A branch of a conditional limit: `when` quotes the text's condition."""

    when: str
    kind: LimitKind
    value: int | None


@dataclass(frozen=True)
class Limit:
    """A time limit: a number of working days, days, months or minutes; set locally; or none."""

    kind: LimitKind
    value: int | None
    conditions: tuple[Condition, ...] = ()

    def __post_init__(self) -> None:
        for k, v in [(self.kind, self.value), *((c.kind, c.value) for c in self.conditions)]:
            if k not in LIMIT_KINDS:
                raise ValueError(f"unknown limit kind {k!r}")
            if (v is None) != (k in ("local", "none")):
                raise ValueError(f"limit {k!r} with value {v!r}")

    @classmethod
    def of(cls, d: dict) -> Limit:
        return cls(d["kind"], d["value"], tuple(Condition(**c) for c in d.get("conditions", ())))

    def as_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "conditions": [asdict(c) for c in self.conditions]}


@dataclass(frozen=True)
class DatedLimit:
    """A later text's limit for an item, in force from a day on (e.g. 人社厅发〔2021〕85号 for 1.8.8), for the
    cases within its ``scope`` (跨省: only inter-provincial transfers) or for every case (None)."""

    start: date
    limit: Limit
    text: str
    clause: str  # key in data/clauses/*.yaml
    source: Source
    scope: str | None = None
    quote: str | None = None  # the limit's own words, verbatim at source.lines
    scope_quote: str | None = None  # the words that set the scope, verbatim at source.lines

    @classmethod
    def of(cls, d: dict) -> DatedLimit:
        return cls(date.fromisoformat(str(d["from"])), Limit.of(d["limit"]), d["text"], d["clause"],
                   Source.of(d["source"]), d.get("scope"), d.get("quote"), d.get("scope_quote"))

    def as_dict(self) -> dict:
        out = {"from": self.start.isoformat(), "limit": self.limit.as_dict(), "text": self.text,
               "clause": self.clause, "source": self.source.as_dict()}
        if self.scope:
            out["scope"] = self.scope
        return out


@dataclass(frozen=True)
class CaseLimit:
    """The branch of a conditional limit that every 一件事 case is in (社保卡: one person's card is 零星制发)."""

    when: str
    limit: Limit
    basis: str
    note: str

    @classmethod
    def of(cls, d: dict) -> CaseLimit:
        return cls(d["when"], Limit.of(d["limit"]), d["basis"], d["note"])


@dataclass(frozen=True)
class SpeedupItem:
    """One of the 25 items of 人社部发〔2020〕26号 附件2 with its current and sped-up limit."""

    seq: int
    code: str | None
    name: str
    statutory: Limit
    target: Limit
    statutory_text: str
    target_text: str
    source: Source
    items: tuple[ServiceItem, ...] = ()
    reading: str | None = None
    dated: tuple[DatedLimit, ...] = ()  # later limits, oldest first
    case_limit: CaseLimit | None = None

    def dated_on(self, day: date) -> DatedLimit | None:
        """The later text's limit in force on ``day``, if any (within its scope it binds whatever 附件2 said)."""
        return next((d for d in reversed(self.dated) if d.start <= day), None)

    def as_dict(self) -> dict:
        """The CLI contract shape: {code, name, statutory, target, source} (+ items for a group)."""
        out: dict[str, Any] = {"code": self.code, "name": self.name}
        if self.items:
            out["items"] = [i.as_dict() for i in self.items]
        out |= {"statutory": self.statutory.as_dict(), "target": self.target.as_dict(),
                "source": self.source.as_dict()}
        if self.dated:
            out["dated"] = [d.as_dict() for d in self.dated]
        return out


# ---------------------------------------------------------------- 2021 form field lists


@dataclass(frozen=True)
class Field:
    """An information item of a form; flags when the notice marks the item itself (…(勾选))."""

    name: str
    default_checked: bool = False
    checkable: bool = False
    automatic: bool = False
    conditions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormEntry:
    """A line of a bundle's form: a service to tick (勾选 / 默认勾选 / 自动办理) or plain fields."""

    number: int | None
    label: str | None
    text: str
    line: int
    default_checked: bool = False
    checkable: bool = False
    automatic: bool = False
    conditions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    entries: tuple[FormEntry, ...] = ()

    @classmethod
    def of(cls, d: dict) -> FormEntry:
        return cls(
            d["number"], d["label"], d["text"], d["line"], d.get("default_checked", False),
            d.get("checkable", False), d.get("automatic", False), tuple(d.get("conditions", ())),
            tuple(d.get("notes", ())),
            tuple(Field(f["name"], f.get("default_checked", False), f.get("checkable", False),
                        f.get("automatic", False), tuple(f.get("conditions", ())), tuple(f.get("notes", ())))
                  for f in d.get("fields", ())),
            tuple(cls.of(e) for e in d.get("entries", ())),
        )


@dataclass(frozen=True)
class FormSection:
    title: str
    entries: tuple[FormEntry, ...]


@dataclass(frozen=True)
class FieldList:
    """人社部发〔2021〕23号 附件1: the reference form of one bundle."""

    seq: int
    name: str
    sections: tuple[FormSection, ...]
    source: Source

    def entries(self) -> tuple[FormEntry, ...]:
        """Every entry, sub-entries included, in reading order."""
        out: list[FormEntry] = []

        def walk(e: FormEntry) -> None:
            out.append(e)
            for sub in e.entries:
                walk(sub)

        for s in self.sections:
            for e in s.entries:
                walk(e)
        return tuple(out)


# ---------------------------------------------------------------- Hunan public service catalogue


@dataclass(frozen=True)
class CatalogueRow:
    """A row of 湖南省公共服务事项目录（2020版）; `parent` is the 父项's code for a 子项."""

    seq: int
    code: str
    name: str
    levels: tuple[str, ...]
    relation: Literal["独立项", "父项", "子项"]
    parent: str | None
    agency: str
    type: Literal["依申请类", "主动服务类"]
    line: int


@dataclass(frozen=True)
class PublicCatalogue:
    title: str
    source: Source
    rows: tuple[CatalogueRow, ...] = field(repr=False)

    def children(self, code: str) -> tuple[CatalogueRow, ...]:
        return tuple(r for r in self.rows if r.parent == code)


# ---------------------------------------------------------------- 告知承诺制


@dataclass(frozen=True)
class Commitment:
    """A row of 人社厅发〔2020〕110号 附件1: the certificates a written commitment may replace for an item."""

    seq: int
    unit: str
    item: str
    sub_item: str
    certificates: tuple[str, ...]
    source: Source


# ---------------------------------------------------------------- loaders


def _load(name: str, directory: Path | None = None) -> Any:
    with open((directory or SERVICES) / name, encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)


@cache
def bundles() -> tuple[Bundle, ...]:
    return tuple(
        Bundle(b["seq"], b["name"], tuple(ServiceItem.of(i) for i in b["items"]), tuple(b["agencies"]),
               tuple(b["notes"]), Source.of(b["source"]))
        for b in _load("bundles.yaml")["bundles"]
    )


@cache
def speedup() -> tuple[SpeedupItem, ...]:
    return tuple(
        SpeedupItem(s["seq"], s["code"], s["name"], Limit.of(s["statutory"]), Limit.of(s["target"]),
                    s["statutory_text"], s["target_text"], Source.of(s["source"]),
                    tuple(ServiceItem.of(i) for i in s.get("items", ())), s.get("reading"),
                    tuple(DatedLimit.of(d) for d in s.get("dated", ())),
                    CaseLimit.of(s["case_limit"]) if s.get("case_limit") else None)
        for s in _load("speedup.yaml")["items"]
    )


def speedup_item(code: str) -> SpeedupItem:
    """The speed-up entry for a national item code (a group's sub-item codes count too)."""
    for s in speedup():
        if s.code == code or any(i.code == code for i in s.items):
            return s
    raise KeyError(code)


@cache
def field_lists() -> tuple[FieldList, ...]:
    return tuple(
        FieldList(b["seq"], b["name"],
                  tuple(FormSection(s["title"], tuple(FormEntry.of(e) for e in s["entries"])) for s in b["sections"]),
                  Source.of(b["source"]))
        for b in _load("field_lists.yaml")["bundles"]
    )


@cache
def public_catalogue() -> PublicCatalogue:
    d = _load("hunan_catalogue.yaml")
    rows = tuple(CatalogueRow(**{**r, "levels": tuple(r["levels"])}) for r in d["rows"])
    return PublicCatalogue(d["title"], Source.of(d["source"]), rows)


# ---------------------------------------------------------------- who may apply for a bundle


APPLICANT_KINDS = {"citizen": "个人", "enterprise": "单位"}


@dataclass(frozen=True)
class BundleApplicants:
    """Who may apply for one bundle (data/services/bundle_applicants.yaml): the account kinds, and — where the
    text restricts them — the words of 附件1 that do, on ``line`` of hunan-hrss-2020.txt."""

    seq: int
    kinds: tuple[str, ...]
    quote: str | None = None
    line: int | None = None
    reason: str | None = None

    def words(self) -> str:
        """个人 / 单位 / 个人或单位."""
        return "或".join(APPLICANT_KINDS[k] for k in self.kinds)

    def basis(self, bundle_name: str) -> str | None:
        """The text a restriction rests on, as the page for an account that may not apply says it (依据：…);
        None where 附件1's row restricts nothing (both kinds may apply)."""
        if self.quote is None:
            return None
        quoted = f"的备注：“{self.quote}”" if self.quote != bundle_name else ""
        return f"人社部发〔2020〕26号 附件1“{bundle_name}”一行{quoted}"

    def as_dict(self, bundle_name: str) -> dict[str, Any]:
        """The API's ``applicants`` of a bundle: the account kinds (citizen 个人 / enterprise 单位), their words and
        the reason the 目录 page shows beside them, and the basis with its line of hunan-hrss-2020.txt."""
        return {"kinds": list(self.kinds), "words": self.words(), "reason": self.reason,
                "basis": self.basis(bundle_name), "line": self.line}


@cache
def bundle_applicants() -> dict[int, BundleApplicants]:
    return {int(seq): BundleApplicants(int(seq), tuple(d["applicants"]), d.get("quote"), d.get("line"), d.get("reason"))
            for seq, d in _load("bundle_applicants.yaml")["bundles"].items()}


@cache
def commitments() -> tuple[Commitment, ...]:
    return tuple(
        Commitment(c["seq"], c["unit"], c["item"], c["sub_item"], tuple(c["certificates"]), Source.of(c["source"]))
        for c in _load("commitments.yaml")["items"]
    )


@dataclass(frozen=True)
class SystemField:
    """A question the 2021 forms do not ask but a text's limit depends on (85号: is the transfer 跨省?)."""

    name: str
    item: str
    choices: tuple[str, ...]
    used_by: str
    hint: str


@dataclass(frozen=True)
class FormReading:
    """The hand-read parts of one bundle's 2021 form (data/services/form_readings.yaml)."""

    fields: tuple[dict, ...] = ()  # {line, name, used_by}: a bare entry that is a field
    renamed_fields: dict[tuple[int, str], str] = field(default_factory=dict)  # (line, printed name) → name
    renamed_services: dict[int, str] = field(default_factory=dict)  # line → label
    distinct: dict[str, frozenset[int]] = field(default_factory=dict)  # field name → lines where it is its own
    services: dict[str, tuple[str, ...]] = field(default_factory=dict)  # label → item keys
    when_ticked: dict[str, str] = field(default_factory=dict)  # label → the label it depends on
    lines: dict[str, int] = field(default_factory=dict)  # label → form line


@cache
def _form_readings() -> dict:
    return _load("form_readings.yaml")


def form_reading(seq: int) -> FormReading:
    d = _form_readings()["bundles"].get(seq, {})
    services = d.get("services", ())
    return FormReading(
        tuple(d.get("fields", ())),
        {(r["line"], r["name"]): r["as"] for r in d.get("renamed_fields", ())},
        {r["line"]: r["as"] for r in d.get("renamed_services", ())},
        {r["name"]: frozenset(r["lines"]) for r in d.get("distinct", ())},
        {x["label"]: tuple(str(i) for i in x["items"]) for x in services},
        {x["label"]: x["when_ticked"] for x in services if x.get("when_ticked")},
        {x["label"]: x["line"] for x in services})


@cache
def system_fields() -> tuple[SystemField, ...]:
    return tuple(SystemField(f["name"], str(f["item"]), tuple(f["choices"]), f["used_by"], f["hint"])
                 for f in _form_readings()["system_fields"])


@cache
def _guide_texts() -> dict:
    return _load("guides.yaml")


def text_limits(code: str | None, on: date | None = None, *, counted: bool = True) -> list[dict]:
    """Time limits other texts set for an item (data/services/guides.yaml), oldest first: those in force on
    ``on`` (every one without it); ``counted``: only those a case's task is counted with (a limit marked
    ``counted: false`` binds another office's step and is shown in the guide only)."""
    if not code:
        return []
    entry = _guide_texts()["items"].get(code, {})
    return sorted((x for x in entry.get("limits", ()) if (on is None or x["date"] <= on)
                   and (not counted or x.get("counted", True))), key=lambda x: x["date"])


@cache
def _regional_texts() -> tuple[dict, ...]:
    return tuple(_load("regional_limits.yaml")["limits"])


def regional_limits(code: str | None, region: str | None, on: date | None = None) -> list[dict]:
    """A region's own printed limits for item ``code`` (data/services/regional_limits.yaml), those whose region
    covers ``region`` (山东 370000 covers 370102), in force on ``on`` (every one without it), oldest first and,
    on the same day, the nearest region last."""
    if not code or not region:
        return []
    found = [x for x in _regional_texts() if x["item"] == code and covers(x["region"], region)
             and (on is None or x["date"] <= on)]
    return sorted(found, key=lambda x: (x["date"], len(x["region"].rstrip("0"))))


@cache
def _printed_materials() -> dict:
    return _load("printed_materials.yaml")["items"]


def printed_materials(code: str | None, region: str | None = None) -> list[dict]:
    """The 申请材料 lists texts print for item ``code`` (data/services/printed_materials.yaml): the national
    texts', then those of a region covering ``region`` (none without one), each with its source."""
    lists = _printed_materials().get(code or "", ())
    national = [x for x in lists if x.get("region") is None]
    own = [x for x in lists if x.get("region") and region and covers(x["region"], region)]
    return national + own
