"""The first 一件事 form keeps the files the applicant chose when it comes back with errors: a file of an
accepted type is stored at once and shown under its material as already attached (removable); a wrong
one is named beside its material and must be chosen again. In headless Chromium on the shared
browser-test database, and the token rules through the page handlers.

Every person and company here is synthetic (测试…).
"""

from __future__ import annotations

import re

from sqlalchemy import select

from kuaiban.db import connect, session_scope
from kuaiban.services.cases import COMMITTED, MISSING, PROVIDED
from kuaiban.services.models import Case
from tests.web.test_service_pages import (  # noqa: F401 (site is a fixture)
    CERTIFICATE,
    FORM,
    SHARED,
    apply,
    browser_sign_in,
    fill_form,
    login,
    seed_region,
    site,
)

_KEPT = re.compile(r'name="kept:([^"]+)" value="([^"]+)"')


def _kept(html: str) -> dict[str, str]:
    return {name: token.replace("&#34;", '"') for name, token in _KEPT.findall(html)}


def test_a_kept_file_belongs_to_the_sign_in_that_chose_it(site):  # noqa: F811 (the imported fixture)
    """The token the page carries is bound to this sign-in: posted again it attaches the file; a forged
    token, or one carried into another sign-in, attaches nothing (the material stays to be supplied)."""
    client, url, region, _ = site
    pdf = b"%PDF-1.4 synthetic kept contract"
    login(client, region.applicant)
    without_phone = {k: v for k, v in FORM.items() if k != "手机号码"}
    first = apply(client, form=without_phone, files={f"file:{SHARED}": ("合同.pdf", pdf, "application/pdf")})
    assert first.status_code == 422
    token = _kept(first.text)[SHARED]
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    done = apply(client, extra={f"kept:{SHARED}": forged})
    assert done.status_code == 303
    assert _materials(url, region.company)[SHARED] == (MISSING, None)
    done = apply(client, extra={f"kept:{SHARED}": token})
    assert done.status_code == 303
    status, reference = _materials(url, region.company)[SHARED]
    assert status == PROVIDED and reference.endswith(":合同.pdf")

    again = apply(client, form=without_phone, files={f"file:{SHARED}": ("合同.pdf", pdf, "application/pdf")})
    token = _kept(again.text)[SHARED]
    login(client, region.applicant)  # a new sign-in: the old page's token no longer attaches anything
    assert apply(client, extra={f"kept:{SHARED}": token}).status_code == 303
    assert _materials(url, region.company)[SHARED] == (MISSING, None)


def _materials(url: str, company: str) -> dict[str, tuple[str, str | None]]:
    with session_scope(connect(url)) as s:
        case = s.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case.applicant.name == company
        return {m.name: (m.status, m.reference) for m in case.materials}


def _open_form(page, region) -> None:
    browser_sign_in(page, region.applicant, "/services")
    page.get_by_role("link", name="办理“企业招用员工”").click()
    for box in page.get_by_role("checkbox").all():
        box.uncheck()
    page.get_by_label(re.compile(r"^1\.1\.5 职工参保登记")).check()
    page.get_by_label(re.compile(r"^4\.1\.1 劳动用工备案")).check()
    page.get_by_role("button", name="下一步：填写表单").click()
    page.get_by_role("heading", level=1, name="“企业招用员工”一表申请").wait_for()


def test_browser_a_form_with_errors_keeps_the_right_files(page, live_db_url, screenshot, check_accessibility,
                                                          tmp_path):
    region = seed_region(live_db_url)
    contract = tmp_path / "劳动合同.pdf"
    contract.write_bytes(b"%PDF-1.4 synthetic contract")
    wrong = tmp_path / "工资.txt"
    wrong.write_bytes(b"not a pdf")
    _open_form(page, region)
    assert "职工本人" in page.locator("#whose-data").inner_text()  # an employer is told whose data to give
    fill_form(page, {k: v for k, v in FORM.items() if k != "手机号码"})  # left out: the form comes back
    page.get_by_label(f"上传“{SHARED}”").set_input_files(str(contract))
    page.get_by_label(f"上传“{CERTIFICATE}”").set_input_files(str(wrong))
    page.get_by_role("button", name="提交申请").click()

    assert page.locator(".error-summary").is_visible()
    assert page.get_by_text("缺少必填信息项：手机号码").first.is_visible()
    shared = page.locator("fieldset.material", has_text=SHARED)
    assert "已上传：劳动合同.pdf" in shared.inner_text()  # kept, not asked for again
    certificate = page.locator("fieldset.material", has_text=CERTIFICATE)
    assert "文件格式不符" in certificate.inner_text() and "已上传" not in certificate.inner_text()
    assert "无需重新选择" in page.locator(".error-summary").inner_text()
    check_accessibility(page, actions=["button[type=submit]"])
    screenshot(page, "services-form-kept-file")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "services-form-kept-file-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # the phone number now; the certificate by commitment; the contract is not chosen again
    page.get_by_label(re.compile("^手机号码")).fill(FORM["手机号码"])
    page.get_by_label(f"上传“{CERTIFICATE}”").set_input_files([])
    certificate.get_by_label("不提交此证明，以告知承诺代替").check()
    page.get_by_label("本人已阅读上述承诺书").check()
    page.get_by_label("签名").fill(region.company)
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("status").filter(has_text="申请已提交").wait_for()
    assert "劳动合同.pdf" in page.locator("main").inner_text()
    stored = _materials(live_db_url, region.company)
    assert stored[SHARED][0] == PROVIDED and stored[SHARED][1].endswith(":劳动合同.pdf")
    assert stored[CERTIFICATE][0] == COMMITTED


def test_browser_a_kept_file_can_be_removed(page, live_db_url, tmp_path):
    region = seed_region(live_db_url)
    contract = tmp_path / "劳动合同.pdf"
    contract.write_bytes(b"%PDF-1.4 another synthetic contract")
    _open_form(page, region)
    fill_form(page, {k: v for k, v in FORM.items() if k != "手机号码"})
    page.get_by_label(f"上传“{SHARED}”").set_input_files(str(contract))
    page.get_by_role("button", name="提交申请").click()
    shared = page.locator("fieldset.material", has_text=SHARED)
    shared.get_by_label("移除已上传的“劳动合同.pdf”").check()
    page.get_by_label(re.compile("^手机号码")).fill(FORM["手机号码"])
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("status").filter(has_text="申请已提交").wait_for()
    stored = _materials(live_db_url, region.company)
    assert stored[SHARED] == (MISSING, None)  # removed: to be supplied later (补正)
