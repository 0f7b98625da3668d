"""Choice columns become OpenFisca enum indices by a hash (Arrow's dictionary encoding), not a sort; the codes
are those a direct lookup of each name gives, whichever way the names arrive (object or unicode arrays, by
member name or by the Chinese value a spec's choices use)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from openfisca_core.indexed_enums import Enum

from kuaiban.rules.calculators.base import enum_codes


class Kind(Enum):
    disability_allowance = "伤残津贴"
    survivor_pension = "供养亲属抚恤金"
    nursing_allowance = "生活护理费"


NAMES = [m.name for m in Kind] + [m.value for m in Kind]


@given(st.lists(st.sampled_from(NAMES), max_size=200))
def test_codes_are_each_names_own_index(names):
    expected = [next(m for m in Kind if name in (m.name, m.value)).index for name in names]
    for column in (np.array(names, dtype=object), np.array(names, dtype=str)):
        codes = enum_codes(Kind, column)
        assert codes.dtype == np.int16 and codes.tolist() == expected
