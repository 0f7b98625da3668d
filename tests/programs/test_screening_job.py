"""Staff start a screening as a background job (kuaiban/platform/jobs.py), on both backends: only a 审核/监督
account serving every region of the registry may; the job runs to the manifest, or fails with the reason."""

from __future__ import annotations

import json
import re
import time
from datetime import date

import pytest

from kuaiban import config as app_config
from kuaiban.platform import jobs
from kuaiban.platform.errors import Forbidden
from kuaiban.programs.screening import ScreeningError
from kuaiban.programs.screening import job as screening_job
from tests.platform.conftest import make_province
from tests.programs.screening_data import credit_code, enterprise, people, write_registry

FIGURES = {"layoff_rate_cap": "0.055", "fund_reserve_ok": "true",
                    "refund_share_sme": "0.6", "refund_share_large": "0.3"}


@pytest.fixture
def queue(backend_url, tmp_path, monkeypatch):
    monkeypatch.setattr(app_config, "VAR", tmp_path / "var")
    a = credit_code("430104")
    write_registry(tmp_path / "var" / "screening" / "registries" / "yuelu-2020", 2020,
                   {"430104": ([enterprise(a, "small")], people(a, 10, 10000))})
    province = make_province(backend_url)
    runner = jobs.runner(province.engine)
    runner.start_worker()
    yield province
    runner.stop_worker()
    jobs._runners.clear()


def _wait(province, job_id: str) -> jobs.Job:
    deadline = time.monotonic() + 120
    while True:
        with province.session() as s:
            job = s.get(jobs.Job, job_id)
            if job.state in (jobs.DONE, jobs.FAILED):
                s.expunge(job)
                return job
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_staff_of_the_region_screen_in_the_background(queue) -> None:
    with queue.session() as s:
        job = screening_job.submit(s, s.merge(queue.yuelu_reviewer), program="stable_job_refund_2021",
                                   registry_name="yuelu-2020", as_of=date(2021, 7, 1), figures=FIGURES)
        job_id = job.id
    jobs.start(queue.engine, job_id)
    done = _wait(queue, job_id)
    assert done.state == jobs.DONE, done.message
    assert (done.meta["rows"], done.meta["eligible"], done.meta["total_amount"]) == (1, 1, "600.00")  # 60 % of 1000.00
    assert done.meta["regions_done"] == done.meta["regions"] == 1
    with queue.session() as s:
        manifest = json.loads(jobs.result(s, s.get(jobs.Job, job_id)))
    assert manifest["program"] == "stable_job_refund_2021" and manifest["regions"] == ["430104"]
    out = app_config.VAR / "screening" / "results" / done.meta["result"]
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["total_amount"] == "600.00"
    # a second run of the same request (a runner that died after finishing) returns the finished directory
    again, meta = screening_job.run_job(json.dumps({"program": "stable_job_refund_2021", "registry": "yuelu-2020",
                                                    "as_of": "2021-07-01", "figures": FIGURES},
                                                   ensure_ascii=False, sort_keys=True).encode(), {}, lambda m: None)
    assert json.loads(again)["created_at"] == manifest["created_at"] and meta["result"] == done.meta["result"]


def test_who_may_start_a_screening_and_what_is_refused_at_once(queue) -> None:
    with queue.session() as s:
        with pytest.raises(Forbidden, match="只有审核人员或监督人员"):
            screening_job.submit(s, s.merge(queue.changsha_clerk), program="stable_job_refund_2021",
                                 registry_name="yuelu-2020", as_of=date(2021, 7, 1), figures=FIGURES)
        with pytest.raises(Forbidden, match="不在本账号的管辖地区"):
            screening_job.submit(s, _other_region_reviewer(s), program="stable_job_refund_2021",
                                 registry_name="yuelu-2020", as_of=date(2021, 7, 1), figures=FIGURES)
        with pytest.raises(ScreeningError, match=re.escape("登记数据名称「../etc」无效")):
            screening_job.submit(s, s.merge(queue.province), program="stable_job_refund_2021",
                                 registry_name="../etc", as_of=date(2021, 7, 1), figures=FIGURES)
        with pytest.raises(ScreeningError, match="缺少当地数字 fund_reserve_ok"):
            screening_job.submit(s, s.merge(queue.province), program="stable_job_refund_2021",
                                 registry_name="yuelu-2020", as_of=date(2021, 7, 1),
                                 figures={"layoff_rate_cap": "0.055"})


def _other_region_reviewer(s):
    from kuaiban.platform import auth

    return auth.create_user(s, "zhuzhou-reviewer", "Quiet-Lantern-47", "reviewer", region="430200")
