"""The 介绍信 of 党员组织关系转入 is a paper the applicant hands in, as the form's text says (ux review s21, item 4).

人社部发〔2021〕23号 附件1 (chongqing-hrss-2021.txt:3743) lists under 党员组织关系转入:
“介绍信、人员类别(正式党员/预备党员)、入党日期” — the letter beside the facts to fill in, and the same form's
党员组织关系转出 “开具介绍信” (line 3873) is where the letter is issued. Session 20 typed it as a 是/否 question the
text never asks. It is a document now, like the 2寸照片: the form takes no value for it, the page says how it is
handed in, the item's 办事指南 lists it as a 申请材料 with the text cited, and a typed value is refused.
"""

from __future__ import annotations

from pathlib import Path

from kuaiban.services import cases, catalogue, form_fields

from .conftest import FORM
from .test_form_checks import errors_of

TEXT = Path(__file__).resolve().parents[2] / "data" / "compilations" / "chongqing-hrss-2021.txt"


def test_the_text_lists_the_letter_under_the_transfer_in_and_issues_it_on_transfer_out() -> None:
    lines = TEXT.read_text(encoding="utf-8").splitlines()
    assert "党员组织关系转入(勾选):介绍信、人员类别(正式党员/预备党" in lines[3743 - 1]
    assert "党员组织关系转出(勾选):开具介绍信" in lines[3873 - 1]


def test_the_letter_is_a_document_not_a_yes_no_field() -> None:
    assert form_fields.kind("介绍信") == "document"
    assert form_fields.choices_of("介绍信") is None
    assert "介绍信" not in form_fields.TICKED_FIELDS
    assert form_fields.kind("2寸免冠彩色照片(或电子照片)") == "document"  # the photo likewise
    assert form_fields.kind("人员类别(正式党员/预备党员)") == "choice"  # its neighbours keep their types
    assert form_fields.kind("入党日期") == "date"
    # it is still a field of the bundles whose form lists it (the page shows it as a material)
    assert any(f.name == "介绍信" for f in cases.form_spec(cases.find_bundle(1)).fields)


def test_a_typed_value_is_refused_and_nothing_is_required(world) -> None:
    got = errors_of(world, world.citizen, "企业招用员工", {**FORM, "介绍信": "是"})
    assert got == {"form.介绍信": "介绍信是须提交的材料，不在表单中填写（办理时向经办机构提交，本地区要求上传的在“申请材料”中上传）"}
    with world.session() as s:  # the letter is never asked for as a value
        case = cases.submit(s, world.citizen, "企业招用员工", FORM, items=None)
        assert "介绍信" not in (case.form or {})


def test_the_guide_of_the_transfer_item_lists_the_letter_with_its_text() -> None:
    (entry,) = catalogue.printed_materials("3.4.7")
    assert entry["source"]["doc_no"] == "人社部发〔2021〕23号" and entry["source"]["lines"] == [3743, 3743]
    assert entry["materials"] == [{"name": "介绍信", "when": "党员组织关系转入的", "quote": "党员组织关系转入(勾选):介绍信"}]
