"""The site's navigation, in one place: the header nav of every page (base.html) and the home page's
cards (home.html) both list :data:`ENTRIES`, each shown only to the roles that may open its page.

A page restricted to some roles names them here from the page itself (the workbench's staff roles, the
statistics' readers in the core, the 管理 pages' supervisors), so a change to who may open a page changes
its link with it: nobody is offered a link that answers 无权访问. A visitor (not signed in) sees the pages
open to everyone and those every signed-in account may use (they lead to the sign-in page); a link
restricted to some roles is shown only once the account is known to have one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from kuaiban.platform.models import APPLICANT
from kuaiban.services import stats
from kuaiban.web import admin, password_reset, workbench
from kuaiban.web.templating import templates


@dataclass(frozen=True)
class Entry:
    href: str
    label: str
    roles: tuple[str, ...] | None = None  # None: every role (and visitors)
    card: str = ""  # the home page's card text; no card when empty


ENTRIES = (
    Entry("/library", "法规库", card="按地区、发文机关、类别、年份和效力筛选；文件逐条编号，注明汇编出处与引用关系。"),
    Entry("/calc", "政策计算", card="养老金调整、缴费基数、遗属待遇、失业保险金等计算器，逐步说明并引用条文；可上传表格批量计算。"),
    Entry("/services", "一件事", card="打包“一件事”一次申请、一张表单，材料只交一次，告知承诺代替证明。"),
    # an applicant's own cases, registrations and claims start here (ux session 14, C18)
    Entry("/services/cases", "我的办事", (APPLICANT,)),
    Entry("/services/guides", "办事指南"),
    Entry("/progress", "进度查询"),
    Entry("/workbench", "经办工作台", workbench.STAFF_ROLES, card="窗口受理、后台审核与办结，按工作日计算时限。"),
    Entry("/unemployment", "失业登记", card="失业登记信息按全国接口规范逐项校验。"),
    Entry("/programs", "补贴申领"),
    Entry("/programs/publicity/public", "补贴公示"),  # 公示 is public: no sign-in (programs.publicity)
    Entry("/loans", "创业贷款", card="个人创业或小微企业申请创业担保贷款；担保审查、放贷和按季贴息由各方在此办理。"),
    Entry("/statistics", "统计", stats.READERS, card="办件量、提速成效、按月办结时限、失业登记、补贴申领、材料精减、好评率与全国接口同步状态。"),
    Entry("/admin", "管理", admin.ROLES),
    # 忘记密码 at the window: the caseworker issues a one-time reset code after checking the person's document
    Entry("/password-reset/codes", "密码重置", password_reset.ROLES),
)


def visible(entry: Entry, role: str | None) -> bool:
    """Whether an account of ``role`` (None: a visitor) is offered the link to ``entry``."""
    return entry.roles is None or (role is not None and role in entry.roles)


def entries(user) -> list[Entry]:
    """The nav of ``user`` (a User, the nav's copy of one, or None for a visitor)."""
    role = getattr(user, "role", None) if user else None
    return [e for e in ENTRIES if visible(e, role)]


def cards(user) -> list[Entry]:
    """The home page's cards for ``user``: the nav's entries that have a card."""
    return [e for e in entries(user) if e.card]


def applies(user) -> bool:
    """Whether ``user`` is offered a link to an applicant's own page (申请, 申领, 在线办理: pages taking
    only :data:`APPLICANT` accounts): a visitor is (the page asks to sign in first), staff and partners
    are not (the page answers them 无权访问)."""
    return not user or getattr(user, "role", None) == APPLICANT


templates.env.globals["nav_entries"] = entries
templates.env.globals["applies"] = applies
templates.env.globals["nav_cards"] = cards
