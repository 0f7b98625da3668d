"""政策计算 pages: forms generated from each calculator's input spec, the CLI's own Chinese errors
next to the field, cited explanations linking into the 法规库, and CSV batches run as background jobs
that only their owner can read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from kuaiban.db import session_scope
from kuaiban.platform import jobs
from kuaiban.platform.dates import text_in_words
from kuaiban.rules.calculators import CALCULATORS, CalculatorError, get
from kuaiban.rules.cli import run_one
from kuaiban.rules.sources import source
from kuaiban.web.calc_forms import error_text, form_fields, shown_value

# A synthetic retiree of Hunan (湘人社规〔2020〕11号): 30 years, 3000 元, aged 74, in 吉首市
RETIREE = {"region": "湖南", "year": "2020", "scheme": "enterprise", "contribution_months": "360",
           "pension_base": "3000", "birth_date": "1945-03-01", "retirement_date": "2005-06-30",
           "county": "吉首市"}
RETIREE_JSON = {**RETIREE, "year": 2020, "contribution_months": 360, "pension_base": 3000}


@pytest.fixture
def jobs_var(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path))
    return tmp_path


def wait_done(client, job_id: str, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/calc/jobs/{job_id}/status").json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job['state']}")


def test_the_list_links_every_calculator(app_client):
    page = app_client.get("/calc").text
    for name, calc in CALCULATORS.items():
        assert f'href="/calc/{name}"' in page and calc.title in page


def test_the_list_groups_calculators_by_audience_and_theme_and_shows_no_code_names(app_client):
    page = app_client.get("/calc").text
    visible = re.sub(r"<[^>]+>", " ", page)  # the text a reader sees (links' targets aside)
    for name in CALCULATORS:
        assert name not in visible
        assert page.count(f'href="/calc/{name}"') == 1  # listed once, by itself
    audiences = {"citizens": "个人", "employers": "企业", "caseworkers": "经办人员"}
    sections = dict(re.findall(r'<h2 id="aud-\d+">([^<]+)</h2>(.*?)</section>', page, re.S))
    for name, calc in CALCULATORS.items():
        section = sections[audiences[calc.audience]]
        assert f'href="/calc/{name}"' in section
        assert f"<h3>{calc.theme}</h3>" in section


@pytest.mark.parametrize("name", sorted(CALCULATORS))
def test_each_form_labels_every_field_and_links_every_clause_it_implements(app_client, name):
    calc = get(name)
    page = app_client.get(f"/calc/{name}").text
    for spec in calc.fields:
        assert f'<label for="f-{spec.name}">' in page
        assert f'name="{spec.name}"' in page
    clauses = page.split("本计算器实施的条文")[1]
    for key in calc.sources:
        assert source(key).doc_no in clauses
    # every clause the calculators cite is in the library: each one links to its document
    assert clauses.count('class="clause-link"') == len(calc.sources)
    assert len(re.findall(r'<a href="/library/doc/\d+(#(art-\d+|l\d+|att-\d+|[sf][\d-]+))?" class="clause-link"', clauses)) == len(calc.sources)


def test_bad_values_get_the_clis_message_next_to_each_field(app_client):
    form = RETIREE | {"contribution_months": "abc", "pension_base": "-3", "birth_date": ""}
    r = app_client.post("/calc/pension_adjustment", data=form)
    assert r.status_code == 422
    errors = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', r.text))
    labels = {spec.name: spec.label for spec in get("pension_adjustment").fields}
    cli = run_one("pension_adjustment", RETIREE_JSON | {"contribution_months": "abc"})["error"]
    assert cli == "缴费月数：应为数字（您填写的是「abc」）"  # the CLI names the field by its label
    assert errors["contribution_months"] == error_text(cli, labels["contribution_months"]) == "应为数字（您填写的是「abc」）"
    pension_base = run_one("pension_adjustment", RETIREE_JSON | {"pension_base": -3})["error"]
    assert errors["pension_base"] == error_text(pension_base, labels["pension_base"])
    assert errors["birth_date"] == "请填写“出生日期”"  # a missing input named by its label (tryout s21 item 7)
    assert 'aria-invalid="true" aria-describedby="contribution_months-hint contribution_months-error"' in r.text
    assert 'value="abc"' in r.text  # what was typed stays in the form


def test_a_case_no_rule_covers_is_named_at_its_field(app_client):
    r = app_client.post("/calc/pension_adjustment", data=RETIREE | {"year": "2019"})
    assert r.status_code == 422
    calc = get("pension_adjustment")
    with pytest.raises(CalculatorError) as caught:
        calc.run(RETIREE_JSON | {"year": 2019})
    field = caught.value.field  # the key as data; the message names the field by its label (调整年度：…)
    label = next(spec.label for spec in calc.fields if spec.name == field)
    assert str(caught.value).startswith(f"{label}：")
    assert run_one("pension_adjustment", RETIREE_JSON | {"year": 2019})["error"] == str(caught.value)
    assert f'id="{field}-error">{caught.value.reason}' in r.text.replace("&lt;", "<")


def test_the_answer_is_the_calculators_with_each_step_cited(app_client):
    r = app_client.post("/calc/pension_adjustment", data=RETIREE)
    assert r.status_code == 200
    expected = get("pension_adjustment").run(RETIREE_JSON)
    assert f"<strong>{shown_value(expected['value'])}</strong> 元/月" in r.text  # 168, not 168.0
    steps = r.text.split('<ol class="steps">')[1].split("</ol>")[0]
    assert steps.count("<li>") == len(expected["explanation"])
    assert steps.count('class="clause-link"') == len(expected["explanation"])
    for step in expected["explanation"]:  # as the answer says it, its dates in words (2019年12月31日及以前)
        assert text_in_words(step["text"]) in steps
    assert "2019年12月31日及以前" in steps and "2019-12-31" not in steps
    assert re.search(r'依据：<a href="/library/doc/\d+#(art-\d+|l\d+|s[\d-]+)" class="clause-link">湘人社规〔2020〕11号', steps)


def csv_bytes(rows: list[dict], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def test_a_csv_batch_matches_single_mode_and_names_bad_rows(app_client, jobs_var):
    rows = [RETIREE, RETIREE | {"contribution_months": "abc"}, RETIREE | {"region": "火星"},
            RETIREE | {"pension_base": "4200.5", "county": "岳麓区"}]
    r = app_client.post("/calc/pension_adjustment/batch", files={"file": ("people.csv", csv_bytes(rows))},
                        follow_redirects=False)
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[1]
    job = wait_done(app_client, job_id)
    assert job["state"] == "done" and (job["rows"], job["computed"], job["errors"]) == (4, 2, 2)
    assert [(b["line"], b["field"], b["label"]) for b in job["bad_rows"]] == [
        (3, "contribution_months", "缴费月数"), (4, "region", "参保地")]
    result = app_client.get(f"/calc/jobs/{job_id}/result.csv")
    assert result.status_code == 200 and result.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(result.content.decode("utf-8-sig"))))
    good = get("pension_adjustment").run(RETIREE_JSON)["value"]
    other = get("pension_adjustment").run(RETIREE_JSON | {"pension_base": 4200.5, "county": "岳麓区"})["value"]
    result_column = "计算结果（元/月）"  # the columns by their Chinese names, the result with its unit
    assert list(table[0])[:3] == [form_fields(get("pension_adjustment"))[i].label for i in range(3)]
    assert [float(t[result_column]) if t[result_column] else None for t in table] == [good, None, None, other]
    assert table[1]["错误说明"].startswith("缴费月数：应为数字")
    assert table[2]["错误说明"].startswith("参保地：未知地区")
    page = app_client.get(f"/calc/jobs/{job_id}").text
    assert "第 3 行" in page and "缴费月数" in page and "contribution_months" not in page and "下载结果（CSV）" in page
    stranger = TestClient(app_client.app)  # another browser holding the link, without the owner's cookie
    for path in (f"/calc/jobs/{job_id}", f"/calc/jobs/{job_id}/status", f"/calc/jobs/{job_id}/result.csv"):
        assert stranger.get(path).status_code == 404


def test_a_gbk_spreadsheet_export_is_read(app_client, jobs_var):
    r = app_client.post("/calc/pension_adjustment/batch",
                        files={"file": ("表格.csv", csv_bytes([RETIREE], encoding="gb18030"))})
    job_id = r.url.path.rsplit("/", 1)[1]
    assert wait_done(app_client, job_id)["computed"] == 1


def test_an_upload_missing_a_required_column_is_refused_before_any_job(app_client, jobs_var):
    with session_scope(app_client.app.state.engine) as s:
        before = s.scalar(select(func.count()).select_from(jobs.Job))
    rows = [{k: v for k, v in RETIREE.items() if k != "county"}]
    r = app_client.post("/calc/pension_adjustment/batch", files={"file": ("people.csv", csv_bytes(rows))})
    assert r.status_code == 422
    assert "文件缺少必填列：“所在区县" in r.text and "（county）" not in r.text
    with session_scope(app_client.app.state.engine) as s:
        assert s.scalar(select(func.count()).select_from(jobs.Job)) == before
    r = app_client.post("/calc/pension_adjustment/batch", files={"file": ("people.xlsx", b"PK\x03\x04")})
    assert r.status_code == 422 and "文件应为 .csv" in r.text


def test_a_job_whose_runner_died_is_taken_up_again_and_finished(app_client, jobs_var):
    """A job left running by a process that died (its heartbeat stopped) is run again by the sweeper."""
    r = app_client.post("/calc/pension_adjustment/batch", files={"file": ("people.csv", csv_bytes([RETIREE]))},
                        follow_redirects=False)
    job_id = r.headers["location"].rsplit("/", 1)[1]
    wait_done(app_client, job_id)
    engine = app_client.app.state.engine
    with session_scope(engine) as s:  # as if its process had died at the first row, long ago
        s.execute(update(jobs.Job).where(jobs.Job.id == job_id).values(
            state=jobs.RUNNING, result_digest=None, heartbeat_at=dt.datetime(2020, 1, 1)))
    assert app_client.get(f"/calc/jobs/{job_id}/result.csv").status_code == 404  # nothing half-made is served
    assert jobs.runner(engine).sweep() >= 1
    job = wait_done(app_client, job_id)
    assert job["state"] == "done" and job["computed"] == 1
    assert app_client.get(f"/calc/jobs/{job_id}/result.csv").status_code == 200
    assert app_client.get("/calc/jobs/..%2F..%2Fetc/status").status_code == 404


def test_the_template_has_every_field(app_client):
    r = app_client.get("/calc/survivor_benefit/template.csv")
    assert r.text.strip().split(",") == [f.label for f in form_fields(get("survivor_benefit"))]


def test_a_batch_headed_and_filled_in_chinese_matches_single_mode(app_client, jobs_var):
    """The template's Chinese header, a choice by its words: the same answer as the form."""
    fields = form_fields(get("pension_adjustment"))
    template = app_client.get("/calc/pension_adjustment/template.csv").text.strip().split(",")
    row = {}
    for f, header in zip(fields, template, strict=True):
        value = RETIREE.get(f.name, "")
        row[header] = dict(f.options).get(value, value)
    assert row["养老保险类别"] == "企业职工"  # the word the page shows, not the code
    r = app_client.post("/calc/pension_adjustment/batch", files={"file": ("退休人员.csv", csv_bytes([row]))},
                        follow_redirects=False)
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[1]
    job = wait_done(app_client, job_id)
    assert job["state"] == "done" and job["computed"] == 1, job
    result = app_client.get(f"/calc/jobs/{job_id}/result.csv")
    table = list(csv.DictReader(io.StringIO(result.content.decode("utf-8-sig"))))
    assert float(table[0]["计算结果（元/月）"]) == get("pension_adjustment").run(RETIREE_JSON)["value"]


def test_browser_bad_value_fix_explanation_citation_and_csv_batch(page, screenshot, check_accessibility, tmp_path):
    page.goto("/calc")
    check_accessibility(page)
    page.get_by_role("link", name=get("pension_adjustment").title).click()
    page.wait_for_url("**/calc/pension_adjustment")
    check_accessibility(page, ["#f-region", "#calculate", "#upload-submit"])

    page.get_by_label("参保地").select_option("湖南")
    page.get_by_label("调整年度").fill("2020")
    page.get_by_label("养老保险类别").select_option("enterprise")
    page.get_by_label("缴费月数").fill("三十年")  # not a number
    page.get_by_label("本人上年12月基本养老金").fill("3000")
    page.get_by_label("出生日期").fill("1945-03-01")
    page.get_by_label("办理退休（退职）手续的日期").fill("2005-06-30")
    page.locator("#f-county").fill("吉首市")
    page.get_by_role("button", name="计算", exact=True).click()
    error = page.locator("#contribution_months-error")
    assert error.inner_text() == "应为数字（您填写的是「三十年」）"  # the ✕ is CSS-generated content
    assert page.get_by_label("缴费月数").get_attribute("aria-invalid") == "true"
    screenshot(page, "calculator-field-error")
    check_accessibility(page)

    page.get_by_label("缴费月数").fill("360")
    page.get_by_role("button", name="计算", exact=True).click()
    expected = get("pension_adjustment").run(RETIREE_JSON)
    assert page.locator(".answer strong").inner_text() == shown_value(expected["value"])
    assert page.locator("ol.steps > li").count() == len(expected["explanation"])
    links = page.locator("ol.steps a.clause-link")
    assert links.count() == len(expected["explanation"])
    screenshot(page, "calculator-result")
    check_accessibility(page)

    href = links.nth(1).get_attribute("href")
    links.nth(1).click()
    page.wait_for_url(re.compile(r"/library/doc/\d+#"))
    anchor = href.split("#")[1]
    target = page.locator(f"[id='{anchor}']")
    assert "50" in target.inner_text()  # the 定额调整 clause: 每人每月增加基本养老金 50 元
    page.go_back()

    page.goto("/calc/pension_adjustment")
    upload = tmp_path / "退休人员.csv"
    upload.write_bytes(csv_bytes([RETIREE, RETIREE | {"pension_base": "-1"}, RETIREE | {"county": "岳麓区"}]))
    page.get_by_label("CSV 文件").set_input_files(str(upload))
    page.get_by_role("button", name="上传并计算").click()
    page.wait_for_url(re.compile(r"/calc/jobs/[0-9a-f]{32}$"))
    page.locator("#download").wait_for()  # the poll reloads the page when the job is done
    assert "计算完成：2 行有结果，1 行有错误" in page.locator("#job-message").inner_text()
    assert page.locator("#job-progress").get_attribute("value") == "3"
    assert "第 3 行" in page.locator("table.bad-rows").inner_text()
    screenshot(page, "calculator-batch")
    check_accessibility(page, ["#download"])
    with page.expect_download() as info:
        page.locator("#download").click()
    saved = tmp_path / "result.csv"
    info.value.save_as(saved)
    table = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert float(table[0]["计算结果（元/月）"]) == expected["value"]
    assert table[1]["错误说明"].startswith("本人上年12月基本养老金：不能为负数")


def test_a_ceiling_is_shown_as_one(app_client):
    form = {"death_date": "2021-09-01", "status": "employed", "contribution_months": "59", "base_income": "3000"}
    page = app_client.post("/calc/survivor_benefit", data=form).text
    assert "最高 <strong>15000</strong>" in page and "（上限：" in page


def test_values_show_as_people_write_them() -> None:
    assert [shown_value(v) for v in (168.0, 0.0, 1843.5, 0.015, True, False, "2020-12-31", "2020-12", "湖南")] == \
        ["168", "0", "1843.5", "0.015", "是", "否", "2020年12月31日", "2020年12月", "湖南"]
