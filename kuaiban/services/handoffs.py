"""Items of a 一件事 that another part of kuaiban handles: the case's task hands the item over and follows it.

The texts (file:lines in data/compilations):

- 人社部发〔2021〕23号 附件1 三（二）1 (chongqing-hrss-2021.txt:3787): the 失业 一件事's “失业登记(默认勾选):
  受理后信息推送至属地经办机构” — the 失业登记 applied for in the bundle is pushed to the registration office,
  i.e. it becomes a 失业登记 of the 失业登记 pillar (its 40-field record, 3-working-day limit, national
  upload, contact and follow-up), not a task the bundle's window decides on its own;
- 23号 二 (3662) “可参照……表单参考信息项（见附件1），结合实际制定申请表单”, and 附件2 (4068) “将多个事项的申请表单
  整合为‘一张表’”: the bundle's one form carries what the item's own form needs beyond the reference items;
- 人社厅发〔2020〕79号 一（二） (shandong-2020.txt:5433): “严禁以资料（材料）不全、未参保、不符合领金条件等理由拒绝
  登记” — so the bundle's window may not refuse (不予受理), send for 补正 or end (逾期终止) such an item.

The 快办 pillar does not import the 失业登记 pillar (tests/test_layers.py): a :class:`Receiver` for an item
is registered by the composition root (:mod:`kuaiban.handoffs`), imported by the app and the CLI. An item
listed in :data:`HANDED_OFF` is never treated as an ordinary task: without its receiver a submission
choosing it is refused (not silently kept as a plain task).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from kuaiban.platform.errors import Invalid
from kuaiban.platform.models import Applicant, User

# item code → the part of kuaiban that handles it (what staff and applicants read)
HANDED_OFF: dict[str, str] = {"2.4.1": "失业登记"}


@dataclass(frozen=True)
class Request:
    """What the receiving side gets: the bundle's checked form, the item's own part of the one form
    (``item_form``), the codes of every item chosen (e.g. whether 1.8.1 失业保险金申领 is among them)."""

    case_number: str
    item_code: str
    item_name: str
    user: User
    applicant: Applicant
    form: dict
    item_form: dict
    items: tuple[str, ...]
    at: dt.datetime


@dataclass(frozen=True)
class Handed:
    """The item as the receiving side filed it: its own number, its deadline and what the task says."""

    ref: str
    due_at: dt.datetime | None
    note: str
    extra: dict = field(default_factory=dict)
    due_provisional: bool = False  # counted while a year's 节假日安排 was unknown (kuaiban.platform.calendar.estimate)


class Receiver(Protocol):
    def errors(self, session: Session, request: Request) -> list[dict]:
        """Every problem with the item's data, ``{"field": …, "detail": …}`` (fields ``form.<名称>`` for the
        bundle form's, ``item_forms.<code>.<field>`` for the item's own); empty when it can be filed."""
        ...

    def file(self, session: Session, request: Request) -> Handed:
        """File the item in the caller's transaction."""
        ...


_receivers: dict[str, Receiver] = {}


def register(item_code: str, receiver: Receiver) -> None:
    if item_code not in HANDED_OFF:
        raise ValueError(f"{item_code} is not an item handed off ({', '.join(HANDED_OFF)})")
    _receivers[item_code] = receiver


def receiver(item_code: str) -> Receiver:
    """The receiver of a handed-off item, or :class:`Invalid` when this process has none wired."""
    found = _receivers.get(item_code)
    if found is None:
        raise Invalid(f"“{HANDED_OFF[item_code]}”须经{HANDED_OFF[item_code]}系统办理，本系统当前未接通，请稍后再试",
                      "items")
    return found


@dataclass(frozen=True)
class Standing:
    """Where a person's record of a handed-off item stands (e.g. their 失业登记), shown beside the items that
    depend on it (1.8.1 needs “已办理失业登记”, 人社部发〔2020〕40号 二, hunan-hrss-2020.txt:5151) and before
    filing another one. ``open``: 待审核 or 已登记 — one such record per person (no second is filed)."""

    ref: str
    status: str
    open: bool
    submitted_at: dt.datetime
    decided_at: dt.datetime | None = None
    reason: str | None = None


class Lookup(Protocol):
    def __call__(self, session: Session, id_number: str) -> Standing | None: ...


_lookups: dict[str, Lookup] = {}


def register_lookup(item_code: str, lookup: Lookup) -> None:
    if item_code not in HANDED_OFF:
        raise ValueError(f"{item_code} is not an item handed off ({', '.join(HANDED_OFF)})")
    _lookups[item_code] = lookup


def standing(session: Session, item_code: str, id_number: str | None) -> Standing | None:
    """The person's newest record of ``item_code`` where it is handled; None when they have none, the
    number is unknown, or this process has no lookup wired."""
    lookup = _lookups.get(item_code)
    if lookup is None or not id_number:
        return None
    return lookup(session, id_number)


def can_look_up(item_code: str) -> bool:
    """Whether this process can read where a person's ``item_code`` record stands (the app wires it)."""
    return item_code in _lookups


def is_handed_off(item_code: str | None) -> bool:
    return item_code in HANDED_OFF
