"""Each of wording.py's rewrites gives a whole Chinese sentence, whichever office phrase the claim calls for.

The office phrases are a subject with its verb (经办机构审核时录入, 经办机构筛查时设定 …). They end a clause
(官方数字由…) or stand before 的. The 名单 phrase has its own verb (认定), so it names the office alone: “由经办机构
筛查时设定按官方名单认定” was two verbs run together (s15 review, S5).
"""

from __future__ import annotations

import pytest

from kuaiban.programs import wording

OFFICES = [wording.REGISTER_WORDS, wording.STAFF_WORDS, wording.OFFICE_WORDS, wording.SCREENING_WORDS]

# One line of the calculators' own wording for each rewrite, and what a claim or a screening says instead.
CASES = [
    ("（日期由使用者提供，汇编未载明法定退休年龄）", "（日期由申请人填写，汇编未载明法定退休年龄）"),
    ("当地最低工资标准1900元/月（官方数字由使用者提供，汇编未载明）", "当地最低工资标准1900元/月（官方数字由{o}，汇编未载明）"),
    ("2021年需要的2020年数值汇编未载明：由使用者提供官方数字；", "2021年需要的2020年数值汇编未载明：官方数字由{o}；"),
    ("使用者提供的当地最低工资标准1900元/月未采用", "{o}的当地最低工资标准1900元/月未采用"),
    ("深度贫困地区企业 100%（是否属深度贫困地区由使用者按官方名单填写）",
     "深度贫困地区企业 100%（是否属深度贫困地区由经办机构按官方名单认定）"),
    ("企业位于深度贫困地区（名单为官方资料，汇编未给出，由使用者按名单填写）",
     "企业位于深度贫困地区（名单为官方资料，汇编未给出，由经办机构按官方名单认定）"),
    ("每人每月 500 元（使用者提供）", "每人每月 500 元（{o}）"),
    ("领取月数：按《北京市失业保险规定》确定，汇编未载，由使用者提供", "领取月数：按《北京市失业保险规定》确定，汇编未载，由{o}"),
]


@pytest.mark.parametrize("office", OFFICES)
@pytest.mark.parametrize(("raw", "said"), CASES)
def test_each_rewrite_reads_as_a_sentence(raw: str, said: str, office: str) -> None:
    out = wording.text(raw, office)
    assert out == said.format(o=office)
    assert "使用者" not in out
    assert wording.text(out, office) == out  # already the office's: left as it is


def test_the_screening_of_an_enterprise_in_a_deep_poverty_area_names_the_office_once() -> None:
    """稳岗返还 (湖南 2020, 深度贫困地区 100 %): the line the 免申即享 screenings show."""
    line = wording.screening("深度贫困地区企业 100%（是否属深度贫困地区由使用者按官方名单填写）")
    assert line == "深度贫困地区企业 100%（是否属深度贫困地区由经办机构按官方名单认定）"
    assert "设定按" not in line
