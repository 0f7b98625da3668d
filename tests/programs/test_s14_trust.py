"""Session 14, trust of the benefit programs: nothing is paid twice when two claims are made at the same moment,
the checks on persons read by person, the staff commands of 免申即享 need a staff account, official figures come
from the office only, and a caseworker's internal note is not shown to the claimant.

The concurrent tests run two submissions in two threads, each with its own session (its own connection), and
hold both at a barrier after their reads and before their writes (the calculator is the first thing after the
reads): without the places (kuaiban/programs/places.py) both would pass. Each runs on SQLite and PostgreSQL.

Rules: 京人社发[2020]8号 一（五）“失业补助金…只能申领享受一次”, 二 临时生活补助 “不与失业补助金…同时享受”
(bj_us_once, bj_tla_once in data/clauses/programs.yaml); 湘政办发〔2020〕20号 （三） 一次性吸纳就业补贴 1000 元/人 as the
rules pillar reads it, 每人只补一次 (hunan-hrss-2020.txt:4089); 湘人社规〔2020〕22号 第六条（二）“同一时间、同一对象只能享受
企业吸纳社会保险补贴或灵活就业社会保险补贴之中的一种” (hunan-hrss-2020.txt:4563).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select

from kuaiban.platform.errors import Conflict
from kuaiban.programs import claims, eligibility, registers
from kuaiban.programs.models import Claim, ClaimPerson, ClaimPlace
from tests.programs.conftest import AUG_3, submit_as_registered
from tests.programs.test_audit_s13_subsidies import (
    CONTRACT,
    EMPLOYER,
    EMPLOYER_FACTS,
    FLEX,
    FLEX_FACTS,
    HIRING,
    HIRING_FACTS,
    JOB_POST,
    citizen,
    enterprise,
    id_number,
    workbook,
)

BJ_SUBSIDY = {"contribution_months": 30, "unemployment_benefit_exhausted": "是"}
BJ_ALLOWANCE = {"contribution_months": 6, "rural_contract_worker": "是", "last_contribution_date": "2020-06-30"}


def at_once(town, monkeypatch, *submissions: Callable, locked: bool = False) -> list:
    """Run each ``submission(session)`` in its own thread and transaction, both held after their reads until
    the other has read too. Returns each one's claim (id, status, reasons) or the Conflict's message.
    ``locked``: the submissions lock before they read, so the second cannot reach the barrier while the first
    waits there; the barrier then gives way after a few seconds and the two run one after the other."""
    barrier = threading.Barrier(len(submissions), timeout=3 if locked else 30)
    held = threading.local()
    real = eligibility.compute

    def compute(*args, **kwargs):
        if not getattr(held, "done", False):
            held.done = True
            try:
                barrier.wait()  # both have read what earlier claims hold; neither has written
            except threading.BrokenBarrierError:
                if not locked:
                    raise
        return real(*args, **kwargs)

    monkeypatch.setattr(eligibility, "compute", compute)
    results: list = [None] * len(submissions)

    def run(i: int, submission: Callable) -> None:
        try:
            with town.session() as s:
                claim = submission(s)
                results[i] = (claim.id, claim.status, list(claim.reasons))
        except Conflict as exc:
            results[i] = exc.message
        except Exception as exc:  # reported by the assertion below, with its type
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(submissions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    monkeypatch.setattr(eligibility, "compute", real)
    assert locked or not barrier.broken, "the two submissions did not both read before writing"
    assert not any(isinstance(r, Exception) for r in results), results
    return results


def _passed(results: list) -> list:
    return [r for r in results if isinstance(r, tuple) and r[1] != "refused"]


# ------------------------------------------------------------------ 1. once only, at the same moment


def _months_registered(s, number: str, months: int) -> None:
    registers.put(s, "contributions", "参保缴费记录", number, {"contributing_now": False, "paid": True, "months": months})


def test_the_same_claim_twice_at_once_one_passes_the_other_is_turned_away(town, monkeypatch) -> None:
    """失业补助金 只能申领享受一次: two submissions of one citizen at the same moment, one claim."""
    with town.session() as s:
        registers.put(s, "benefits", "本市失业保险待遇信息", town.citizen_number, {"receiving_benefit": False})
        _months_registered(s, town.citizen_number, 30)  # s15: the months come from 参保缴费记录

    def submit(s):
        return claims.submit(s, town.citizen, "bj_unemployment_subsidy", month="2020-08", facts=BJ_SUBSIDY,
                             account="6222000000000001", commitment=True, at=AUG_3)

    results = at_once(town, monkeypatch, submit, submit)
    [winner] = _passed(results)
    [loser] = [r for r in results if isinstance(r, str)]
    assert "只能申领一次" in loser and f"申领编号 {winner[0]}" in loser
    with town.session() as s:
        assert s.scalars(select(Claim.id).where(Claim.applicant_id == town.citizen.applicant_id)).all() == [winner[0]]


def test_two_benefits_that_exclude_each_other_claimed_at_once_only_one_passes(town, monkeypatch) -> None:
    """临时生活补助 不与失业补助金同时享受: the two programs' claims at the same moment, one of them."""
    with town.session() as s:
        registers.put(s, "benefits", "本市失业保险待遇信息", town.citizen_number, {"receiving_benefit": False})
        _months_registered(s, town.citizen_number, 6)  # s15: from 参保缴费记录; either claim is due with 6

    def subsidy(s):
        return claims.submit(s, town.citizen, "bj_unemployment_subsidy", month="2020-08", facts=BJ_SUBSIDY,
                             account="6222000000000001", commitment=True, at=AUG_3)

    def allowance(s):
        return claims.submit(s, town.citizen, "bj_temporary_living_allowance", month="2020-08", facts=BJ_ALLOWANCE,
                             account="6222000000000001", commitment=True, at=AUG_3)

    results = at_once(town, monkeypatch, subsidy, allowance)
    assert len(_passed(results)) == 1 and sum(isinstance(r, str) for r in results) == 1, results


def test_a_refused_claim_frees_the_person_again(sqlite_town) -> None:
    """The rule counts the claims “that were not refused”: once refused, the place is given back."""
    town = sqlite_town
    with town.session() as s:
        registers.put(s, "benefits", "本市失业保险待遇信息", town.citizen_number, {"receiving_benefit": True})
        refused = submit_as_registered(s, town.citizen, "bj_unemployment_subsidy", month="2020-08", facts=BJ_SUBSIDY,
                                       account="6222000000000001", commitment=True, at=AUG_3)
        assert refused.status == "refused"
        assert s.scalars(select(ClaimPlace.place).where(ClaimPlace.claim_id == refused.id)).all() == []
        registers.put(s, "benefits", "本市失业保险待遇信息", town.citizen_number, {"receiving_benefit": False})
    with town.session() as s:
        again = submit_as_registered(s, town.citizen, "bj_unemployment_subsidy", month="2020-08", facts=BJ_SUBSIDY,
                                     account="6222000000000001", commitment=True, at=AUG_3)
        assert again.status != "refused", again.reasons


# ------------------------------------------------------------------ 1. once per person, by any employer


def test_two_employers_claiming_one_person_at_once_subsidise_that_person_once(town, monkeypatch) -> None:
    """一次性吸纳就业补贴 每人只补一次: two employers' staff lists with the same person, sent at the same moment.
    One claim goes on; the other is refused naming the row and the claim that has the person; refusing the
    first gives the person back."""
    shared = id_number()
    first, first_code = enterprise(town, "hn-firm-a", "430104")
    second, second_code = enterprise(town, "hn-firm-b", "430104")
    with town.session() as s:
        for code in (first_code, second_code):
            registers.put(s, "contributions", "参保缴费记录", code, {"paid": True})

    def claim_by(user, account):
        rows = [("测试甲", shared, "2020-07-01", "否"), ("测试乙", id_number(), "2020-07-01", "否")]
        data = workbook(rows, JOB_POST)
        return lambda s: submit_as_registered(s, user, HIRING, month="2020-08", facts=HIRING_FACTS, account=account,
                                              staff_list=data, at=dt.datetime(2020, 8, 3, 9, 0))

    results = at_once(town, monkeypatch, claim_by(first, "43001234567890"), claim_by(second, "43001234567891"))
    [winner] = _passed(results)
    [loser] = [r for r in results if r is not winner]
    assert winner[1] == "reviewing" and loser[1] == "refused"
    assert f"以下人员已在此前的申领中享受一次性吸纳就业补贴：第2行（测**）（申领编号 {winner[0]}）" in loser[2]
    with town.session() as s:  # the reviewer refuses the first claim: the person may be claimed for again
        claims.act(s, town.hunan_reviewer, winner[0], outcome="refuse", note="劳动合同未签订",
                   at=dt.datetime(2020, 8, 4, 9, 0))
    third, third_code = enterprise(town, "hn-firm-c", "430104")
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", third_code, {"paid": True})
        again = submit_as_registered(s, third, HIRING, month="2020-08", facts=HIRING_FACTS, account="43001234567892",
                                     staff_list=workbook([("测试甲", shared, "2020-07-01", "否")], JOB_POST),
                                     at=dt.datetime(2020, 8, 5, 9, 0))
        assert again.status == "reviewing", again.reasons


# ------------------------------------------------------------------ 1. one subsidy at a time, at the same moment


def test_flexible_and_employer_subsidy_for_one_person_at_once_only_one_goes_on(town, monkeypatch) -> None:
    """22号 第六条（二）: the citizen's 灵活就业 claim and an employer's claim with the citizen on its list, sent at the
    same moment: one is refused (the second reads after the first, under the person's lock)."""
    worker, number = citizen(town, "hn-worker-a", "430104")
    firm, code = enterprise(town, "hn-firm-d", "430104")
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", number, {"paid": True, "months": {}})
        registers.put(s, "contributions", "参保缴费记录", code, {"paid": True, "months": {}})
    at = dt.datetime(2021, 11, 10, 9, 0)
    rows = workbook([("测试丁", number, "2021-11-01", "2022-10-31")], CONTRACT)

    def flexible(s):
        return submit_as_registered(s, worker, FLEX, month="2021-11", facts=FLEX_FACTS, account="6217000000000001", at=at)

    def employer(s):
        return submit_as_registered(s, firm, EMPLOYER, month="2021-11", facts=EMPLOYER_FACTS | {
                   "si_first_approval_date": "2021-11-01"}, account="43001234567890", staff_list=rows, at=at)

    results = at_once(town, monkeypatch, flexible, employer)
    assert len(_passed(results)) == 1, results
    [refused] = [r for r in results if r[1] == "refused"]
    assert any("只能享受" in reason for reason in refused[2])


# ------------------------------------------------------------------ 3. the checks read by person


def test_a_submission_reads_the_persons_it_names_not_every_claim_of_the_program(sqlite_town) -> None:
    """The once-per-person check finds earlier claims through the persons' index: a claim of other people is
    never loaded (a province's claims would be, per submission, before)."""
    town = sqlite_town
    firm, code = enterprise(town, "hn-firm-e", "430104")
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", code, {"paid": True})
    others = []
    for i in range(3):
        with town.session() as s:
            claim = submit_as_registered(s, firm, HIRING, month="2020-08" if i == 0 else f"2020-{8 + i:02d}",
                                         facts=HIRING_FACTS, account="43001234567890",
                                         staff_list=workbook([("测试丙", id_number(), "2020-07-01", "否")], JOB_POST),
                                         at=dt.datetime(2020, 8 + i, 3, 9, 0))
            others.append(claim.id)
    with town.session() as s:
        persons = s.execute(select(ClaimPerson.claim_id, ClaimPerson.program)).all()
        assert sorted(persons) == [(c, HIRING) for c in others]  # the index, written with each claim
    with town.session() as s:
        submit_as_registered(s, firm, HIRING, month="2020-11", facts=HIRING_FACTS, account="43001234567890",
                             staff_list=workbook([("测试丁", id_number(), "2020-07-01", "否")], JOB_POST),
                             at=dt.datetime(2020, 11, 3, 9, 0))
        loaded = {o.id for o in s.identity_map.values() if isinstance(o, Claim)}
        assert not loaded & set(others)


# ------------------------------------------------------------------ 4. the 免申即享 commands need a staff account


def test_import_and_top_up_from_the_command_line_need_a_staff_account_serving_the_runs_regions(tmp_path) -> None:
    """`import-screening` and `top-up-screening` act as the account named by --operator: a 审核 or 监督 account
    serving every region of the run (the province here), the same check as the pages; the audit log names it."""
    from typer.testing import CliRunner

    from kuaiban.cli import app
    from kuaiban.platform.models import AuditEntry, User
    from kuaiban.programs.models import ListingRun
    from tests.programs.test_listing import PROGRAM, five_rows, make_province, write_results

    db = f"sqlite:///{tmp_path / 'k.db'}"
    province = make_province(db)
    results = write_results(tmp_path / "run", five_rows())

    def run(command: str, *more: str):
        return CliRunner().invoke(app, ["programs", command, "--program", PROGRAM, "--results", str(results),
                                        "--json", "--db", db, *more])

    assert run("import-screening").exit_code == 2  # no operator: nothing is done
    qingdao_only = run("import-screening", "--operator", "qd-rev")
    assert qingdao_only.exit_code == 2 and "无权查看或办理山东省（370000）的名单" in qingdao_only.output
    window = run("import-screening", "--operator", "sd-win")
    # the operator's role is checked by the command line itself (s14 review: its help says 审核或监督)
    assert window.exit_code == 2 and "本命令由后台审核人员或监督人员办理，sd-win 是窗口人员账号" in window.output
    applicant = run("import-screening", "--operator", "firm1")
    assert applicant.exit_code == 2 and "没有这个在用的工作人员账号：firm1" in applicant.output
    with province.session() as s:
        assert s.scalars(select(ListingRun.id)).all() == []
    done = run("import-screening", "--operator", "sd-rev")
    assert done.exit_code == 0, done.output
    with province.session() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "program_listing_imported"))
        assert entry.actor_id == s.scalar(select(User.id).where(User.username == "sd-rev"))
    top_up = run("top-up-screening", "--operator", "qd-rev")
    assert top_up.exit_code == 2 and "无权查看或办理" in top_up.output
    assert run("top-up-screening").exit_code == 2


# ------------------------------------------------------------------ 5. what the claimant is told, and what not


def test_the_caseworkers_internal_note_is_not_shown_to_the_claimant(sqlite_town) -> None:
    """The act form has two fields: 告知申请人的内容 (shown to the claimant, the refusal's reason) and 内部意见 (staff
    only). Older notes were written under “将告知申请人” and stay shown as they were."""
    town = sqlite_town
    firm, code = enterprise(town, "hn-firm-f", "430104")
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", code, {"paid": True})
        claim = submit_as_registered(s, firm, HIRING, month="2020-08", facts=HIRING_FACTS, account="43001234567890",
                                     staff_list=workbook([("测试甲", id_number(), "2020-07-01", "否")], JOB_POST),
                                     at=dt.datetime(2020, 8, 3, 9, 0))
        claims.act(s, town.hunan_reviewer, claim.id, outcome="pass", note="材料齐全",
                   internal_note="电话核实时对方语气含糊，建议后续抽查", at=dt.datetime(2020, 8, 4, 9, 0))
    with town.session() as s:
        mine = claims.claim_dict(s, claims.my_claim(s, firm, claim.id))
        staff = claims.claim_dict(s, s.get(Claim, claim.id), staff=True)
    told = [h for h in mine["history"] if h["note"] == "材料齐全"]
    assert told and all("internal_note" not in h for h in mine["history"])
    assert "抽查" not in str(mine)
    assert [h["internal_note"] for h in staff["history"] if h["internal_note"]] == ["电话核实时对方语气含糊，建议后续抽查"]


def test_the_unemployment_notice_note_is_for_staff_only() -> None:
    """失业登记: how a person without an account was told (电话 …) and the caseworker's note on it are a record of
    the office; the person's own view of a registration lists the notice without the note."""
    from kuaiban.api.unemployment import notice_out
    from kuaiban.unemployment import models as m

    notice = m.Notice(about="decision", owed_since=dt.datetime(2020, 8, 3, 9, 0), method="电话",
                      told_at=dt.datetime(2020, 8, 3, 10, 0), note="本人未接，由家属转告")
    assert "note" not in notice_out(notice, staff=False)
    assert notice_out(notice, staff=False)["method"] == "电话"
    assert notice_out(notice)["note"] == "本人未接，由家属转告"


# ------------------------------------------------------------------ 2. official figures come from the office only


def test_an_official_figure_is_never_taken_from_the_applicant(sqlite_town) -> None:
    """山东 失业补助金 pays the 统筹地区's own standard (鲁人社函〔2020〕41号 二（三）, shandong-2020.txt:5358), a figure
    the compilations do not print. Typed by the applicant it would be paid as typed: the applicant may not give
    it; the claim waits, says so in Chinese, and a caseworker enters it at review."""
    from kuaiban.platform.errors import Invalid
    from tests.programs.helpers import new_citizen, new_staff
    from tests.programs.test_audit_s13_subsidies import id_number

    town = sqlite_town
    user, _ = new_citizen(town, "sd-trust", "370102", name="测试丁", number=id_number(), contributions=True)
    reviewer = new_staff(town, "sd-trust-rev", "reviewer", "370000", "测试审核")

    def _submit(town, user, code, *, facts):
        with town.session() as s:
            return submit_as_registered(s, user, code, month="2020-08", facts=facts, account="6222000000000001",
                                        commitment=True, at=AUG_3)
    with pytest.raises(Invalid) as own:
        _submit(town, user, "sd_unemployment_subsidy", facts={"contribution_months": 6,
                                                              "local_unemployment_subsidy": 1280})
    assert own.value.field == "local_unemployment_subsidy"
    assert own.value.message == "本统筹地区确定的失业补助金月标准是官方数字，由经办机构按公布的数字录入，申请人无需填写"
    claim = _submit(town, user, "sd_unemployment_subsidy", facts={"contribution_months": 6})
    assert (claim.status, claim.monthly_fen) == ("reviewing", None)
    assert claim.flags == ["待经办机构录入官方数字：当地失业保险金月标准（汇编未载，按公布的数字录入后核定金额）"]
    with town.session() as s, pytest.raises(Invalid) as asked:
        claims.act(s, reviewer, claim.id, outcome="pass", at=AUG_3)
    assert asked.value.message.startswith("请先录入官方数字：当地失业保险金月标准")
    with town.session() as s:
        claims.act(s, reviewer, claim.id, outcome="pass", at=AUG_3,
                   figures_entered={"local_unemployment_benefit": 1600, "local_unemployment_subsidy": 1100})
        done = s.get(Claim, claim.id)
        assert (done.status, done.monthly_fen, done.flags) == ("approved", 110000, [])
        assert set(done.facts["_official"]) == {"local_unemployment_benefit", "local_unemployment_subsidy"}
        told = claims.claim_dict(s, done)["history"]
        assert any(h["step_name"] == "录入官方数字" and "1100" in h["note"] for h in told)


def test_the_claim_months_own_figure_counts_only_when_the_office_gave_it() -> None:
    """figures.for_month: the claim month's period falls back on the claim's own figure only when the office
    gave it (register at submission, or a caseworker at review); an applicant's number on an older claim waits."""
    from kuaiban.programs import definitions, figures

    program = definitions.get(FLEX)
    [wage] = program.figures
    typed = {"si_average_wage": 99999}
    assert figures.for_month(wage, "2021-11", "2021-12", typed, {}) is None
    assert "si_average_wage" not in figures.apply(program, "2021-11", "2021-12", typed, {})
    given = typed | {"_official": {"si_average_wage": "staff:7"}}
    assert figures.for_month(wage, "2021-11", "2021-12", given, {}) == 99999
    assert figures.for_month(wage, "2021-11", "2022-01", given, {}) is None  # next year's: the register's only
    entered = {"si_average_wage": {"2022-01": 6500}}
    assert figures.for_month(wage, "2021-11", "2022-01", typed, entered) == 6500


def test_an_older_claim_with_the_applicants_own_figure_waits_for_the_office(sqlite_town) -> None:
    """A claim approved before this rule carries the applicant's figure without the office's record: its months
    are not paid from it; the batch leaves them waiting with the reason, until the office enters the figure."""
    from kuaiban.programs import definitions, figures, payroll
    from tests.programs.helpers import approve_flexible

    town = sqlite_town
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number, {"paid": True, "months": {
            "2021-11": {"paid": True, "rate": 0.28}}})
    claim_id = approve_flexible(town, town.hunan_citizen, 1, dt.datetime(2021, 11, 10, 9, 0))
    with town.session() as s:  # as an older claim: the applicant's 99999, no record of the office giving it
        claim = s.get(Claim, claim_id)
        claim.facts = {k: v for k, v in claim.facts.items() if k != "_official"} | {"si_average_wage": 99999}
        registers.put(s, figures.REGISTER, figures.LABEL, "430000", {})
    with town.session() as s:
        batch, _ = payroll.build(s, FLEX, "430000", "2021-12", actor=town.hunan_supervisor)
        assert batch.lines == 0
        from kuaiban.platform.models import AuditEntry

        settled = s.scalar(select(AuditEntry).where(AuditEntry.action == "program_months_settled"))
        assert settled.detail["waiting"] == [
            f"申领 {claim_id} 2021-11：等待经办机构录入官方数字（上年度全省全口径社会平均工资（元/月，官方数字，由经办机构录入，"
            "申请人无需填写）），录入前不发放"]
        figures.enter(s, definitions.get(FLEX), "430000", "si_average_wage", "2021-01", 6000)
    with town.session() as s:
        batch, _ = payroll.build(s, FLEX, "430000", "2022-01", actor=town.hunan_supervisor)
        assert (batch.lines, batch.total_fen) == (1, 60480)  # 6000 × 60 % × 28 % × 60 %, never 99999


def test_the_claim_form_does_not_ask_the_applicant_for_an_official_figure() -> None:
    from kuaiban.programs import definitions

    described = definitions.describe(definitions.get("sd_unemployment_benefit"))
    official = [f["name"] for f in described["claim"]["fields"] if f["official"]]
    assert official == ["local_minimum_wage"]
    template = (definitions.DATA.parent / "kuaiban/web/templates/programs/claim_form.html").read_text(encoding="utf-8")
    assert "if not f.official" in template


# ------------------------------------------------------------------ migration 0022: the index of stored lists


def test_migration_0022_indexes_the_persons_of_the_staff_lists_already_stored(backend_url) -> None:
    """An installation at 0021 with a claim and its staff list: after 0022 the persons are in the index the
    checks read (written with plain SQL: the ORM describes the newest schema)."""
    import json

    from sqlalchemy import text

    from kuaiban.db import make_engine
    from tests.migrations.test_region_codes_migration import add, upgrade

    engine = make_engine(backend_url)
    upgrade(engine, "0021_svc_limit_basis_width")
    at = dt.datetime(2020, 8, 3, 9, 0)
    staff = [{"row": 2, "name": "测*", "id_hash": "k1:" + "a" * 64}, {"row": 3, "name": "测*", "id_hash": "k1:" + "b" * 64}]
    with engine.begin() as conn:
        firm = add(conn, "svc_applicants", kind="enterprise", name="测试企业甲", region="430104", created_at=at)
        claim = add(conn, "prog_claims", program=HIRING, applicant_id=firm, region="430104", month="2020-08",
                    status="reviewing", step=0, facts=json.dumps({"staff_count": 2, "_staff": staff}), flags="[]",
                    explanation="[]", reasons="[]", version=1, created_at=at)
        add(conn, "prog_claims", program="bj_unemployment_subsidy", applicant_id=firm, region="110105", month="2020-08",
            status="reviewing", step=0, facts="{}", flags="[]", explanation="[]", reasons="[]", version=1, created_at=at)
    upgrade(engine, "0022_prog_claim_places")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT claim_id, program, person_hash FROM prog_claim_persons ORDER BY person_hash"))
        assert [tuple(r) for r in rows] == [(claim, HIRING, "k1:" + "a" * 64), (claim, HIRING, "k1:" + "b" * 64)]
    engine.dispose()


# ------------------------------------------------------------------ 2 and 5 through the pages


def test_the_pages_hide_the_official_figure_from_the_applicant_and_let_the_caseworker_enter_it(
        tmp_path, clock_at_aug_3) -> None:
    """The applicant's form has no 当地最低工资标准; the caseworker's page asks for it beside the two notes, and
    the applicant's page shows what they were told, not the internal note."""
    import re

    from fastapi.testclient import TestClient

    from kuaiban.app import create_app
    from kuaiban.platform import auth
    from tests.programs.conftest import PASSWORD, STAFF_PASSWORD, make_town
    from tests.web.forms import csrf_of, post_login

    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    with town.session() as s:
        s.get(type(town.citizen.applicant), town.citizen.applicant_id).region = "370102"
        auth.create_user(s, "sd-page-rev", STAFF_PASSWORD, "reviewer", region="370000", display_name="测试审核")
    app = create_app(url)
    citizen, reviewer = TestClient(app), TestClient(app)
    assert post_login(citizen, "bj-citizen", PASSWORD).status_code == 303
    assert post_login(reviewer, "sd-page-rev", STAFF_PASSWORD).status_code == 303
    form = citizen.get("/programs/sd_unemployment_benefit/claim").text
    assert 'name="local_minimum_wage"' not in form and "最低工资" not in form
    done = citizen.post("/programs/sd_unemployment_benefit/claim", follow_redirects=False,
                        data={"csrf": csrf_of(form), "month": "2020-08", "contribution_months": "70",
                              "account": "6222000000000001"})
    assert done.status_code == 303
    claim_url = done.headers["location"]
    page = reviewer.get(claim_url).text
    assert "待经办机构录入官方数字：当地最低工资标准" in page and 'name="figure_local_minimum_wage"' in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    decided = reviewer.post(f"{claim_url}/act", follow_redirects=False,
                            data={"csrf": csrf_of(page), "outcome": "pass", "months": "2", "version": version,
                                  "figure_local_minimum_wage": "1730", "note": "已按本地标准核定",
                                  "internal_note": "最低工资标准按市政府公告录入"})
    assert decided.status_code == 303, decided.text
    mine = citizen.get(claim_url).text
    assert "审核通过，按月发放" in mine and "已按本地标准核定" in mine and "市政府公告" not in mine
    assert "市政府公告" in reviewer.get(claim_url).text


# ------------------------------------------------------------------ a cap over earlier claims, at the same moment


def test_two_months_of_one_enterprise_at_once_do_not_both_use_the_room_left_under_the_cap(town, monkeypatch) -> None:
    """以工代训 困难企业: “单个企业在政策执行期内最高补贴30万元” (鲁人社函〔2020〕78号 二, shandong-2020.txt:3889). With
    280,000 元 granted, 20,000 元 are left: two months claimed at the same moment (100 trainees, 50,000 元 each)
    would each count the same 20,000 without the applicant's lock; with it the second sees the first."""
    from tests.programs.test_audit_s13_subsidies import DISTRESSED, TRAINING, _granted, trainees
    from tests.programs.test_audit_s13_subsidies import _shandong as shandong_firm

    firm = shandong_firm(town, "sd-cap")
    with town.session() as s:
        for month in ("2020-06", "2020-07", "2020-08", "2020-09", "2020-10"):
            _granted(s, firm, month, "困难企业以工代训", 5_600_000)
    lists = [trainees(100), trainees(100)]

    def month(m: str, day: dt.datetime, data: bytes):
        return lambda s: submit_as_registered(s, firm, TRAINING, month=m, facts=DISTRESSED, account="37001234567893",
                                              staff_list=data, at=day)

    results = at_once(town, monkeypatch, month("2020-11", dt.datetime(2020, 11, 5, 9, 0), lists[0]),
                      month("2020-12", dt.datetime(2020, 12, 4, 9, 0), lists[1]), locked=True)
    with town.session() as s:
        granted = [s.get(Claim, r[0]).monthly_fen for r in results]
    assert sorted(granted) == [0, 2_000_000], results  # 20,000 元 once, never twice


def test_enter_figure_needs_a_staff_account_serving_the_programs_region(tmp_path) -> None:
    """The official figures' register is the office's: `enter-figure` acts as --operator (审核 or 监督 serving the
    program's region), and the audit entry names the account."""
    from typer.testing import CliRunner

    from kuaiban.cli import app
    from kuaiban.db import connect, session_scope
    from kuaiban.platform import auth
    from kuaiban.platform.models import AuditEntry
    from tests.programs.conftest import STAFF_PASSWORD

    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    with session_scope(connect(url)) as s:
        auth.create_user(s, "hn-city", STAFF_PASSWORD, "reviewer", region="430100", display_name="测试长沙")
        auth.create_user(s, "hn-province", STAFF_PASSWORD, "supervisor", region="430000", display_name="测试湖南")
        auth.create_user(s, "hn-window", STAFF_PASSWORD, "window", region="430000", display_name="测试窗口")
    base = ["programs", "enter-figure", "--program", FLEX, "--region", "430000", "--field", "si_average_wage",
            "--period", "2022-01", "--value", "6500", "--db", url]
    runner = CliRunner()
    assert runner.invoke(app, base).exit_code == 2
    city = runner.invoke(app, [*base, "--operator", "hn-city"])
    assert city.exit_code == 2 and "无权查看或办理湖南省（430000）的官方数字" in city.output
    window = runner.invoke(app, [*base, "--operator", "hn-window"])
    assert window.exit_code == 2 and "本命令由后台审核人员或监督人员办理，hn-window 是窗口人员账号" in window.output
    done = runner.invoke(app, [*base, "--operator", "hn-province"])
    assert done.exit_code == 0, done.output
    with session_scope(connect(url)) as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "program_figure_entered"))
        assert entry.actor_role == "supervisor"
