"""A region's own 快办 configuration, managed by its supervisor: the materials each item requires
(``ItemMaterial``), the agency each item is routed to (``ItemRoute``) and the 差评整改 time limit.

The compilations list no materials per item and name agencies per bundle only, so each region sets
these itself; :mod:`kuaiban.services.cases` reads them when a case is submitted (``_region_setup``).
A supervisor configures their own region (``User.region``, exactly: cases look the configuration up by
the applicant's region code). Items are chosen from the catalogue by key — the item's code, or the
group's name when it has none — never typed. Every change is in the audit log, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kuaiban.platform import audit
from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import Conflict, Invalid, NotFound
from kuaiban.platform.models import SUPERVISOR, User
from kuaiban.services import catalogue, ratings
from kuaiban.services.models import ItemMaterial, ItemRoute, RegionSetting


@dataclass(frozen=True)
class ItemChoice:
    key: str  # what ItemMaterial / ItemRoute store
    label: str  # 1.1.5 职工参保登记
    bundle: str  # the 一件事 it belongs to
    agencies: tuple[str, ...]  # the bundle's agencies, offered as suggestions


@cache
def item_choices() -> tuple[ItemChoice, ...]:
    """Every item of the catalogue a case can hold as a task: top-level items, groups and their sub-items."""
    seen: dict[str, ItemChoice] = {}
    for b in catalogue.bundles():
        agencies = tuple(getattr(b, "agencies", ()) or ())
        for item in b.items:
            for i in (item, *item.items):
                key = i.code or i.name
                if key not in seen:
                    label = f"{i.code} {i.name}" if i.code else f"{i.name}（事项组）"
                    seen[key] = ItemChoice(key, label, b.name, agencies)
    return tuple(seen.values())


def item_label(key: str) -> str:
    return next((c.label for c in item_choices() if c.key == key), key)


def _item(key: str | None) -> str:
    key = (key or "").strip()
    if not key:
        raise Invalid("请选择事项", "item")
    if key not in {c.key for c in item_choices()}:
        raise Invalid(f"服务目录中没有这个事项：{key}", "item")
    return key


def own_region(user: User) -> str:
    """The region a supervisor configures: their own."""
    require_role(user, SUPERVISOR)
    if user.region is None:
        raise Invalid("全国账号未关联地区：事项材料与承办机构由各地区监督人员配置", "region")
    return user.region


def _text(value: str | None, field: str, what: str, limit: int, *, required: bool = True) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise Invalid(f"请填写{what}", field)
        return None
    if len(value) > limit:
        raise Invalid(f"{what}不超过 {limit} 字", field)
    return value


def _flush(session: Session, message: str, field: str) -> None:
    """Write now: of two supervisors saving the same row at once, the unique constraint lets one win."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(message, field) from None


def _delete(session: Session, row: object, message: str, field: str) -> None:
    """Delete now, before the audit entry: the log is appended after the transaction's own write, which
    holds SQLite's write lock (kuaiban.platform.audit), so two removals at once cannot both read the same
    last entry. The row another supervisor removed meanwhile is a 404, not a stale-data error."""
    session.delete(row)
    try:
        session.flush()
    except StaleDataError:
        raise NotFound(message, field) from None


# ---------------------------------------------------------------- materials


def materials(session: Session, user: User) -> list[ItemMaterial]:
    region = own_region(user)
    return list(session.scalars(select(ItemMaterial).where(ItemMaterial.region == region)
                                .order_by(ItemMaterial.item_key, ItemMaterial.id)))


def _material(session: Session, user: User, material_id: int) -> ItemMaterial:
    row = session.get(ItemMaterial, material_id)
    if row is None or row.region != own_region(user):
        raise NotFound(f"本地区没有这项材料要求：{material_id}", "material_id")
    return row


def _taken(session: Session, region: str, item: str, material: str, but: int | None = None) -> bool:
    stmt = select(ItemMaterial.id).where(ItemMaterial.region == region, ItemMaterial.item_key == item,
                                         ItemMaterial.material == material)
    return any(i != but for i in session.scalars(stmt))


def add_material(session: Session, user: User, item: str, material: str, basis: str | None) -> ItemMaterial:
    region = own_region(user)
    item = _item(item)
    material = _text(material, "material", "材料名称", 300)
    basis = _text(basis, "basis", "要求依据", 500, required=False)
    if _taken(session, region, item, material):
        raise Conflict(f"“{item_label(item)}”已要求该材料：{material}", "material")
    row = ItemMaterial(region=region, item_key=item, material=material, basis=basis)
    session.add(row)
    _flush(session, f"“{item_label(item)}”已要求该材料：{material}", "material")
    audit.record(session, "require_material", "item", row.id, actor=user, at=audit.now(), region=region,
                 item=item, material=material, basis=basis)
    return row


def change_material(session: Session, user: User, material_id: int, material: str, basis: str | None
                    ) -> ItemMaterial:
    row = _material(session, user, material_id)
    material = _text(material, "material", "材料名称", 300)
    basis = _text(basis, "basis", "要求依据", 500, required=False)
    if _taken(session, row.region, row.item_key, material, but=row.id):
        raise Conflict(f"“{item_label(row.item_key)}”已要求该材料：{material}", "material")
    before = {"material": row.material, "basis": row.basis}
    row.material, row.basis = material, basis
    _flush(session, f"“{item_label(row.item_key)}”已要求该材料：{material}", "material")
    audit.record(session, "change_material", "item", row.id, actor=user, at=audit.now(), region=row.region,
                 item=row.item_key, before=before, material=material, basis=basis)
    return row


def remove_material(session: Session, user: User, material_id: int) -> None:
    """Cases already submitted keep the materials they were asked for; new ones no longer ask it."""
    row = _material(session, user, material_id)
    entry = {"region": row.region, "item": row.item_key, "material": row.material, "basis": row.basis}
    _delete(session, row, f"没有这条材料设置：{material_id}（可能刚被他人删除）", "material_id")
    audit.record(session, "remove_material", "item", material_id, actor=user, at=audit.now(), **entry)


# ---------------------------------------------------------------- routes


def routes(session: Session, user: User) -> list[ItemRoute]:
    region = own_region(user)
    return list(session.scalars(select(ItemRoute).where(ItemRoute.region == region).order_by(ItemRoute.item_key)))


def set_route(session: Session, user: User, item: str, agency: str) -> ItemRoute:
    """Route an item to an agency (replacing its route, if any): new cases' tasks go there."""
    region = own_region(user)
    item = _item(item)
    agency = _text(agency, "agency", "承办机构", 80)
    row = session.scalar(select(ItemRoute).where(ItemRoute.region == region, ItemRoute.item_key == item))
    before = row.agency if row is not None else None
    if row is None:
        row = ItemRoute(region=region, item_key=item, agency=agency)
        session.add(row)
    else:
        row.agency = agency
    _flush(session, "该事项的承办机构刚被他人设置，请刷新后核对", "item")
    audit.record(session, "route_item", "item", row.id, actor=user, at=audit.now(), region=region, item=item,
                 agency=agency, before=before)
    return row


def remove_route(session: Session, user: User, route_id: int) -> None:
    """New cases' tasks of the item are then not routed (every window clerk of the region sees them)."""
    region = own_region(user)
    row = session.get(ItemRoute, route_id)
    if row is None or row.region != region:
        raise NotFound(f"本地区没有这条承办机构设置：{route_id}", "route_id")
    entry = {"region": region, "item": row.item_key, "agency": row.agency}
    _delete(session, row, f"本地区没有这条承办机构设置：{route_id}（可能刚被他人删除）", "route_id")
    audit.record(session, "remove_route", "item", route_id, actor=user, at=audit.now(), **entry)


# ---------------------------------------------------------------- 告知承诺制清单的采用


@dataclass(frozen=True)
class CommitmentRow:
    """A row of the 部本级 告知承诺制 list (人社厅发〔2020〕110号 附件1) and whether this region applies it."""

    seq: int
    unit: str
    item: str
    certificates: tuple[str, ...]
    basis: str | None  # the region's basis for applying it (its own, or the nearest region's above)


def commitment_rows(session: Session, user: User) -> list[CommitmentRow]:
    from kuaiban.services.cases import adopted_commitments

    adopted = adopted_commitments(session, own_region(user))
    return [CommitmentRow(c.seq, c.unit, c.sub_item if c.sub_item == c.item else f"{c.item}（{c.sub_item}）",
                          c.certificates, adopted.get(c.seq)) for c in catalogue.commitments()]


def _seq(value: str | int | None) -> int:
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        raise Invalid("请选择清单条目", "seq")
    return int(text)


def adopt_commitment(session: Session, user: User, seq: str | int | None, basis: str | None) -> None:
    from kuaiban.services.cases import adopt_commitment

    adopt_commitment(session, own_region(user), _seq(seq), basis=_text(basis, "basis", "采用依据", 200),
                     actor=user)


def drop_commitment(session: Session, user: User, seq: str | int | None) -> None:
    from kuaiban.services.cases import drop_commitment

    drop_commitment(session, own_region(user), _seq(seq), actor=user)


# ---------------------------------------------------------------- 差评整改时限


def rectification_limit(session: Session, user: User) -> int | None:
    """The region's 差评整改 limit in working days; None while it has set none."""
    region = own_region(user)
    value = session.scalar(select(RegionSetting.value).where(RegionSetting.region == region,
                                                             RegionSetting.key == ratings.RECTIFICATION_LIMIT))
    return int(value) if value is not None else None


def set_rectification_limit(session: Session, user: User, working_days: int) -> None:
    own_region(user)
    ratings.set_rectification_limit(session, user, working_days)
