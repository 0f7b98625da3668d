"""未分派: open 快办 tasks that no active staff member of the role that must act next serves.

A task waits for a 窗口人员 until it is accepted (and again while 待补正), then for a 后台审核人员. When no
active account of that role serves the case's region (and, for a task routed to an agency, none of that
agency or of no agency), nobody's queue shows it; the supervisors whose scope covers the case see it
marked 未分派 instead, and statistics count it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.platform import access
from kuaiban.platform.auth import require_role
from kuaiban.platform.models import REVIEWER, SUPERVISOR, WINDOW, User
from kuaiban.services.models import ACCEPTED, CORRECTION, REVIEWED, SUBMITTED, Case, Task

# who must act next on a task in each open state
NEEDED_ROLE = {SUBMITTED: WINDOW, CORRECTION: WINDOW, ACCEPTED: REVIEWER, REVIEWED: REVIEWER}


def is_unassigned(staffing: access.Staffing, state: str, region: str | None, agency: str | None) -> bool:
    role = NEEDED_ROLE.get(state)
    return role is not None and not staffing.assigned(role, region, agency)


def unassigned_ids(session: Session, tasks: list[Task]) -> set[int]:
    """The ids of ``tasks`` (loaded with their case) that are 未分派."""
    staffing = access.Staffing.load(session)
    return {t.id for t in tasks if is_unassigned(staffing, t.state, t.case.region, t.agency)}


def unassigned(session: Session, user: User) -> list[tuple[int, int, str | None]]:
    """(task id, case id, case region) of every 未分派 task in the supervisor's scope."""
    require_role(user, SUPERVISOR)
    staffing = access.Staffing.load(session)
    rows = session.execute(access.scoped(
        select(Task.id, Task.state, Task.agency, Case.id, Case.region).join(Case, Case.id == Task.case_id)
        .where(Task.state.in_(tuple(NEEDED_ROLE))), user, Case.region))
    return [(task_id, case_id, region) for task_id, state, agency, case_id, region in rows
            if is_unassigned(staffing, state, region, agency)]
