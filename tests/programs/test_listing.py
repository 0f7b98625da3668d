"""稳岗返还 免申即享 on both backends: a screening result directory (the contract with the screening, built here
with pyarrow) → import → 公示 → the enterprises confirm or decline → the monthly batch → paid. Idempotent
re-import, a newer draft replacing the old, a published list refusing replacement, refusal reasons the
enterprise sees, and who may see what."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, func, select
from stdnum.cn import uscc

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.platform.models import Applicant, User
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import claims, listing, payroll
from kuaiban.programs.models import Claim, Entitlement, ListingEntry, PaymentLine

from .conftest import PASSWORD, STAFF_PASSWORD

PROGRAM = "sd_stable_job_refund_2020"
MON = dt.datetime(2020, 9, 7, 10, 0)  # a Monday
JINAN, QINGDAO = "370102", "370202"


def credit_code(n: int, region: str = JINAN) -> str:
    base = f"91{region}MA3{n:06d}"
    return base + uscc.calc_check_digit(base)


def row(n: int, *, region: str = JINAN, eligible: bool = True, amount: str = "1500.00", reason: str = "",
        name: str | None = None) -> dict:
    return {"credit_code": credit_code(n, region), "name": name or f"测试制造有限公司{n}", "region": region,
            "eligible": eligible, "amount": amount if eligible else "0.00", "ceiling": False,
            "reason": "" if eligible else reason, "insured_last_year": 12, "layoff_rate": 0.0,
            "contributions_last_year": "3000.00"}


def write_results(directory: Path, rows: list[dict], *, program: str = PROGRAM, as_of: str = "2020-08-31",
                  regions: tuple[str, ...] = ("370000",), parts: int = 2, created: str = "2020-09-01T08:00:00") -> Path:
    """A result directory as `kuaiban programs screen --out` writes it (BRIEF: shared contract)."""
    (directory / "results").mkdir(parents=True)
    schema = pa.schema([("credit_code", pa.string()), ("name", pa.string()), ("region", pa.string()),
                        ("eligible", pa.bool_()), ("amount", pa.string()), ("ceiling", pa.bool_()),
                        ("reason", pa.string()), ("insured_last_year", pa.int64()), ("layoff_rate", pa.float64()),
                        ("contributions_last_year", pa.string())])
    size = max(1, -(-len(rows) // parts))
    for i in range(0, max(len(rows), 1), size):
        pq.write_table(pa.Table.from_pylist(rows[i:i + size], schema=schema),
                       directory / "results" / f"part-{i // size:05d}.parquet")
    total = sum(Decimal(r["amount"]) for r in rows)
    manifest = {"program": program, "as_of": as_of, "regions": list(regions), "rows": len(rows),
                "eligible": sum(1 for r in rows if r["eligible"]), "total_amount": f"{total:.2f}",
                "sources": ["sd_sjr_general"], "figures": {}, "created_at": created}
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return directory


@dataclass
class Province:
    engine: Engine
    reviewer: User  # 山东省 审核
    reviewer2: User  # 山东省 审核, a second person
    jinan: User  # 济南市 审核
    qingdao: User  # 青岛市 审核
    firm1: User  # an enterprise with an account before the list (row 1)
    firm3: User  # row 3 (not eligible)
    window: User

    def session(self):
        return session_scope(self.engine)


def make_province(url: str) -> Province:
    engine = connect(url)
    with session_scope(engine) as s:
        def staff(name: str, role: str, region: str) -> User:
            return auth.create_user(s, name, STAFF_PASSWORD, role, region=region, display_name=f"测试{name}")

        def firm(n: int) -> User:
            applicant = auth.create_applicant(s, "enterprise", f"测试制造有限公司{n}", id_number=credit_code(n),
                                              region=JINAN)
            return auth.create_user(s, f"firm{n}", PASSWORD, "applicant", applicant=applicant, region=JINAN)

        users = dict(reviewer=staff("sd-rev", "reviewer", "370000"), reviewer2=staff("sd-rev2", "reviewer", "370000"),
                     jinan=staff("jn-rev", "reviewer", "370100"), qingdao=staff("qd-rev", "reviewer", "370200"),
                     window=staff("sd-win", "window", "370000"), firm1=firm(1), firm3=firm(3))
    return Province(engine, **users)


@pytest.fixture
def province(backend_url) -> Province:
    return make_province(backend_url)


def five_rows() -> list[dict]:
    return [row(1), row(2, amount="2400.50"), row(3, eligible=False, reason="上年度裁员率 8% 高于 5.5%"),
            row(4, region=QINGDAO, amount="900.00"), row(5, region=QINGDAO) | {"layoff_rate": float("nan")}]


def register_firm(s, n: int, region: str = JINAN) -> User:
    """An enterprise that had no account registers with its credit code and takes over its record."""
    applicant = auth.create_applicant(s, "enterprise", f"测试制造有限公司{n}", id_number=credit_code(n, region),
                                      region=region)
    return auth.create_user(s, f"late{n}", PASSWORD, "applicant", applicant=applicant, region=region)


def test_results_to_payment_end_to_end(province, tmp_path) -> None:
    results = write_results(tmp_path / "run1", five_rows())
    with province.session() as s:
        first = listing.import_results(s, PROGRAM, results, at=MON)
    assert (first["outcome"], first["rows"], first["listed"], first["refused"], first["total"]) == \
        ("imported", 5, 4, 1, "6300.50")
    with province.session() as s:
        # nobody outside the office sees a draft; an enterprise cannot apply for a 免申即享 program
        assert listing.mine(s, province.firm1, PROGRAM)["screened"] is False
        with pytest.raises(Conflict, match="免申即享，无需申请"):
            claims.submit(s, province.firm1, PROGRAM, month="2020-09", facts={}, account="6222000011112222")
        with pytest.raises(Invalid, match="公示天数"):
            listing.publish(s, province.reviewer, first["run"], confirm_working_days=10, at=MON)
        with pytest.raises(Forbidden):  # a city's reviewer cannot publish the province's list
            listing.publish(s, province.jinan, first["run"], publicity_days=5, confirm_working_days=10, at=MON)
    with province.session() as s:
        run = listing.publish(s, province.reviewer, first["run"], publicity_days=5, confirm_working_days=10, at=MON)
        assert run.publicity_until == dt.date(2020, 9, 12)
        assert run.confirm_due == dt.date(2020, 9, 21)  # 10 working days after Monday 7 September
    with province.session() as s:  # a reminder to the listed enterprises with an account that have not answered
        assert listing.remind(s, province.reviewer, first["run"], at=MON) == 1
    with province.session() as s:
        shown = listing.public_list(s, PROGRAM)
        assert shown["total"] == 4 and {i["amount"] for i in shown["items"]} == {"1500.00", "2400.50", "900.00"}
        assert all("*" in i["credit_code"] and i["credit_code"] != credit_code(1) for i in shown["items"])
        assert listing.public_list(s, PROGRAM, region="370200")["total"] == 2
        # the enterprise with an account was told, and sees its entry
        told = s.scalars(select(Notification.title).where(Notification.user_id == province.firm1.id)).all()
        assert any("已列入名单" in t for t in told)
        mine = listing.mine(s, province.firm1, PROGRAM)
        assert (mine["listed"], mine["amount"], mine["status"], mine["may_answer"]) == (True, "1500.00", "publicity",
                                                                                      False)  # today > 2020 deadline
        # a refused enterprise sees the calculator's reason
        refused = listing.mine(s, province.firm3, PROGRAM)
        assert refused["screened"] and not refused["listed"] and "5.5%" in refused["reason"]
        with pytest.raises(NotFound):
            listing.confirm(s, province.firm3, PROGRAM, bank="测试银行", account="6222000011112222", commitment=True,
                            at=MON)
        # enterprise 2 had no account: it registers with its credit code and finds its entry
        firm2 = register_firm(s, 2)
        assert listing.mine(s, firm2, PROGRAM)["amount"] == "2400.50"
        firm4 = register_firm(s, 4, QINGDAO)
    at = MON + dt.timedelta(days=1)
    with province.session() as s:
        with pytest.raises(Invalid) as bad:
            listing.confirm(s, province.firm1, PROGRAM, bank="", account="12", commitment=False, at=at)
        assert {e["field"] for e in bad.value.errors} == {"bank", "account", "commitment"}
    with province.session() as s:
        listing.confirm(s, province.firm1, PROGRAM, bank="测试银行济南分行", account="6222 0000 1111 2222",
                        commitment=True, at=at)
        listing.decline(s, firm4, PROGRAM, note="本单位不申领", at=at)
        with pytest.raises(Conflict, match="已于"):
            listing.confirm(s, firm4, PROGRAM, bank="测试银行", account="6222000011113333", commitment=True, at=at)
    with province.session() as s:  # an objection to enterprise 5's entry, filed during the 公示
        claim5 = s.scalar(select(ListingEntry.claim_id).where(ListingEntry.name == "测试制造有限公司5"))
        objection = claims.object_to(s, firm2, claim5, "该单位上年度已停产", at=at)
    with province.session() as s:
        with pytest.raises(Conflict, match="期满后"):
            listing.close(s, province.reviewer, first["run"], at=MON + dt.timedelta(days=5))
        closed = listing.close(s, province.reviewer, first["run"], at=MON + dt.timedelta(days=6))
    assert closed == {"approved": 1, "awaiting": 1, "held": 1}
    with province.session() as s:
        claims.resolve(s, province.qingdao, objection.id, upheld=True, note="核实该单位已停产", at=MON + dt.timedelta(days=6))
        # enterprise 2 confirms after the 公示: approved at once
        listing.confirm(s, firm2, PROGRAM, bank="测试银行", account="6222000011114444", commitment=True,
                        at=MON + dt.timedelta(days=7))
    with province.session() as s:
        statuses = {name: status for name, status in s.execute(
            select(ListingEntry.name, Claim.status).join(Claim, Claim.id == ListingEntry.claim_id))}
        assert statuses == {"测试制造有限公司1": "approved", "测试制造有限公司2": "approved",
                            "测试制造有限公司4": "declined", "测试制造有限公司5": "refused"}
        batch, built = payroll.build(s, PROGRAM, "370000", "2020-09", actor=province.reviewer,
                                     at=MON + dt.timedelta(days=8))
        assert built and batch.lines == 2 and batch.total_fen == 150000 + 240050
        lines = payroll.lines_of(s, batch)
        assert {line["account"] for line in lines} == {"测试银行济南分行 6222000011112222", "测试银行 6222000011114444"}
        payroll.reconcile(s, province.reviewer, batch.id, {}, at=MON + dt.timedelta(days=9))
    with province.session() as s:  # nothing paid twice: next month's batch is empty
        again, _ = payroll.build(s, PROGRAM, "370000", "2020-10", at=MON + dt.timedelta(days=30))
        assert again.lines == 0
        assert s.scalar(select(func.count(PaymentLine.id)).where(PaymentLine.status == "paid")) == 2
        assert listing.mine(s, province.firm1, PROGRAM)["status"] == "approved"
        assert payroll.my_payments(s, province.firm1)[0]["status"] == "paid"


def test_unconfirmed_entries_lapse_after_the_deadline_and_are_never_paid(province, tmp_path) -> None:
    results = write_results(tmp_path / "run", [row(1), row(2)])
    with province.session() as s:
        run_id = listing.import_results(s, PROGRAM, results, at=MON)["run"]
        listing.publish(s, province.reviewer, run_id, publicity_days=3, confirm_working_days=2, at=MON)
    with province.session() as s:
        with pytest.raises(Conflict, match="期满后"):
            listing.lapse(s, None, run_id, at=MON + dt.timedelta(days=2))
        listing.confirm(s, province.firm1, PROGRAM, bank="测试银行", account="6222000011112222", commitment=True,
                        at=MON + dt.timedelta(days=1))
        with pytest.raises(Conflict, match="确认期限"):  # 2 working days after Monday: Wednesday
            listing.confirm(s, register_firm(s, 2), PROGRAM, bank="测试银行", account="6222000011115555",
                            commitment=True, at=MON + dt.timedelta(days=3))
    with province.session() as s:
        assert listing.lapse(s, None, run_id, at=MON + dt.timedelta(days=3)) == 1
        listing.close(s, province.reviewer, run_id, at=MON + dt.timedelta(days=4))
        batch, _ = payroll.build(s, PROGRAM, "370100", "2020-09")
        assert batch.lines == 1
        assert s.scalar(select(func.count(Entitlement.id))) == 1


def test_reimport_is_idempotent_a_new_draft_replaces_and_a_published_list_stands(province, tmp_path) -> None:
    first = write_results(tmp_path / "a", five_rows())
    with province.session() as s:
        a = listing.import_results(s, PROGRAM, first, at=MON)
    with province.session() as s:
        again = listing.import_results(s, PROGRAM, first, at=MON)
        assert (again["run"], again["outcome"]) == (a["run"], "unchanged")
        assert s.scalar(select(func.count(Claim.id))) == 4
        assert s.scalar(select(func.count(ListingEntry.id))) == 5
    newer = write_results(tmp_path / "b", [*five_rows(), row(6)], created="2020-09-02T08:00:00")
    with province.session() as s:
        b = listing.import_results(s, PROGRAM, newer, at=MON)
        assert (b["outcome"], b["replaced"], b["listed"]) == ("imported", [a["run"]], 5)
    with province.session() as s:
        assert s.scalar(select(func.count(Claim.id))) == 5  # the draft's claims went
        # the applicants made for enterprises without accounts are made once
        assert s.scalar(select(func.count(Applicant.id)).where(Applicant.kind == "enterprise")) == 6
        with pytest.raises(Conflict, match="替换"):
            listing.import_results(s, PROGRAM, first, at=MON)
    with province.session() as s:
        listing.publish(s, province.reviewer, b["run"], publicity_days=5, confirm_working_days=10, at=MON)
    third = write_results(tmp_path / "c", five_rows()[:2], created="2020-09-03T08:00:00")
    with province.session() as s, pytest.raises(Conflict, match="已于 2020-09-07 公示"):
        listing.import_results(s, PROGRAM, third, at=MON)
    with province.session() as s:
        assert listing.import_results(s, PROGRAM, newer)["outcome"] == "unchanged"


def test_a_bad_result_directory_writes_nothing(province, tmp_path) -> None:
    rows = five_rows()
    rows[4]["region"] = "110105"  # Beijing, outside the screening's regions
    bad = write_results(tmp_path / "bad", rows, parts=1)
    wrong_total = write_results(tmp_path / "total", five_rows())
    manifest = json.loads((wrong_total / "manifest.json").read_text("utf-8"))
    (wrong_total / "manifest.json").write_text(json.dumps(manifest | {"total_amount": "1.00"}), "utf-8")
    other = write_results(tmp_path / "other", five_rows(), program="stable_job_refund_2021")
    with province.session() as s:  # the savepoint: nothing stays even when the caller commits after the error
        with pytest.raises(Invalid, match="第 5 行的地区"):
            listing.import_results(s, PROGRAM, bad)
        with pytest.raises(Invalid, match="不一致"):
            listing.import_results(s, PROGRAM, wrong_total)
        assert s.scalar(select(func.count(Claim.id))) == 0
    with province.session() as s:
        with pytest.raises(Invalid, match="不是"):
            listing.import_results(s, PROGRAM, other)
        with pytest.raises(Invalid, match=r"manifest\.json"):
            listing.import_results(s, PROGRAM, tmp_path / "missing")
    with province.session() as s:
        assert s.scalar(select(func.count(ListingEntry.id))) == 0
        assert s.scalar(select(func.count(Claim.id))) == 0


def test_staff_see_their_region_and_an_enterprise_only_its_own_entry(province, tmp_path) -> None:
    results = write_results(tmp_path / "run", five_rows())
    with province.session() as s:
        run_id = listing.import_results(s, PROGRAM, results, at=MON)["run"]
        listing.publish(s, province.reviewer, run_id, publicity_days=5, confirm_working_days=10, at=MON)
    with province.session() as s:
        jinan = listing.entries(s, province.jinan, run_id)
        assert {i["region"] for i in jinan["items"]} == {JINAN} and jinan["count"] == 3
        assert listing.entries(s, province.qingdao, run_id, eligible=False)["count"] == 0
        with pytest.raises(Forbidden):
            listing.entries(s, province.window, run_id)
        with pytest.raises(Forbidden):
            listing.runs(s, province.firm1)
        with pytest.raises(Forbidden):  # Qingdao's reviewer cannot close the province's list
            listing.close(s, province.qingdao, run_id, at=MON + dt.timedelta(days=6))
        # an enterprise's claim of another enterprise is not found; its own is
        other = s.scalar(select(ListingEntry.claim_id).where(ListingEntry.name == "测试制造有限公司2"))
        with pytest.raises(NotFound):
            claims.my_claim(s, province.firm1, other)
        assert listing.mine(s, province.firm1, PROGRAM)["name"] == "测试制造有限公司1"


def test_the_two_programs_are_encoded_as_the_texts_print_them() -> None:
    from kuaiban.programs import definitions
    from kuaiban.programs.definitions import ProgramDataError

    table = definitions.clauses()
    for code in ("stable_job_refund_2021", "sd_stable_job_refund_2020"):
        program = definitions.get(code)
        assert program.no_application and program.audience == "employers" and program.once_only
        # the texts ask for a 公示 and a confirmation but print neither the days nor a time limit
        assert program.publicity_office and program.publicity_days is None
        assert program.confirm_working_days is None and [s.working_days for s in program.steps] == [None]
        assert program.commitment and "产业结构调整和环保政策" in program.commitment
        described = definitions.describe(program)
        assert described["publicity"]["days"] == "office" and described["confirmation"]["working_days"] == "office"
    national = definitions.get("stable_job_refund_2021")
    assert len(national.regions) == 31 and national.covers("370102") and not national.covers("810000")
    assert "后台数据比对" in table["rsb29_refund_matching"].quote
    assert "不再要求提供职工花名册、工资表" in table["rsb30_refund_records"].quote
    assert "单位、额度" in table["rsb30_refund_publicity"].quote
    assert "由企业进行确认、承诺" in table["lu26_refund_procedure"].quote
    assert definitions.get("sd_stable_job_refund_2020").regions == ("370000",)
    data = {"code": "x", "name": "x", "regions": ["370000"], "sources": ["sd_sjr_general"], "calculator": "x",
            "claim": {"type": "none"}, "steps": [{"code": "s", "name": "s", "role": "system"}],
            "schedule": {"months": 1}, "payment": {"to": "x"}}
    with pytest.raises(ProgramDataError, match="commitment"):
        definitions.parse(data, "programs/x.yaml")
    with pytest.raises(ProgramDataError, match=r"publicity\.days"):
        definitions.parse(data | {"claim": {"type": "none", "commitment": "c"}, "publicity": {"days": "seven"},
                                  "confirmation": {"working_days": "office"}}, "programs/x.yaml")
