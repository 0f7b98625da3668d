"""进度查询 is for 一件事 办件 (KB numbers); a 失业登记 流水号 or a subsidy claim's number is told where it is followed,
not “办件编号与核验信息不符” (usability review s14 C10)."""

from __future__ import annotations

import pytest

from kuaiban.platform.errors import Invalid
from kuaiban.services import progress
from tests.services.test_progress import AT


@pytest.mark.parametrize("number", ["430102261206000001", "1", "program-claim-1"])
def test_a_number_of_another_kind_is_told_where_to_look(sqlite_world, number):
    with sqlite_world.session() as s, pytest.raises(Invalid) as refused:
        progress.lookup(s, number, "测试甲", at=AT)
    assert refused.value.field == "number"
    assert "我的失业登记" in refused.value.message and "补贴申领" in refused.value.message


def test_a_kb_number_in_lower_case_or_full_width_is_still_a_case_number(sqlite_world):
    with sqlite_world.session() as s:
        assert progress.lookup(s, "ｋｂ2026000000", "测试甲", at=AT) is None  # looked up (and not found)
