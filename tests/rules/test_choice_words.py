"""A choice input is read by its code or by its Chinese word, and users are answered in words, not codes.

Every interface reads its words from the rules core (Field.word, docs/rules.md "Choice words"): the CLI and
API in single mode, population files (CSV, Parquet), `--list` and the web forms.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from kuaiban.rules.calculators import CALCULATORS, CalculatorError, get
from kuaiban.rules.calculators.base import choice_key
from kuaiban.rules.population import run_population
from kuaiban.web.calc_forms import form_field

TRAINING = {"application_date": "2020-05-01", "training_days": 10, "living_allowance_group": True}
# 湘人社规〔2020〕23号 (hunan-hrss-2020.txt:6019): 特等每年21600元、一等每年16900元、二等甲级每年8450元、
# 二等乙级每年6570元、三等甲级每年5630元、三等乙级每年4700元
GRADES = {"special": ("特等", 21600), "first": ("一等", 16900), "second_a": ("二等甲级", 8450),
          "second_b": ("二等乙级", 6570), "third_a": ("三等甲级", 5630), "third_b": ("三等乙级", 4700)}


def _refusal(name: str, raw: dict) -> str:
    with pytest.raises(CalculatorError) as caught:
        get(name).run(raw)
    return str(caught.value)


def test_every_choice_code_has_a_chinese_word() -> None:
    """Each code of each calculator's choice inputs has a word without Latin letters, no two alike, and the
    word reads back to its code."""
    for calc in CALCULATORS.values():
        for spec in calc.fields:
            if spec.type != "choice":
                continue
            words = [spec.word(code) for code in spec.choices]
            assert not [w for w in words if re.search(r"[A-Za-z]", w)], (calc.name, spec.name, words)
            assert len(set(words)) == len(words), (calc.name, spec.name, words)
            assert all(spec.spellings()[choice_key(spec.word(code))] == code for code in spec.choices), (calc.name, spec.name)


def test_the_word_answers_as_the_code_does() -> None:
    # 鲁人社字〔2020〕11号 三 (shandong-2020.txt:340): 线上培训 5元/学时; 4 学时 a day for 10 days = 200 元
    online = TRAINING | {"region": "山东", "class_hours_per_day": 4}
    assert get("training_living_allowance").run(online | {"training_mode": "线上"})["value"] == 200
    assert get("training_living_allowance").run(online | {"training_mode": " 线上 "}) == \
        get("training_living_allowance").run(online | {"training_mode": "online"})
    # 湘人社规〔2020〕6号 一（三） (hunan-hrss-2020.txt:4293–4295): 退捕渔民中的所列人员 每人每天20元 → 10 days 200 元
    fisher = TRAINING | {"region": "湖南", "retired_fisher": True}
    assert get("training_living_allowance").run(fisher | {"training_mode": "线下"})["value"] == 200
    assert get("training_living_allowance").run(fisher | {"training_mode": "线下"}) == \
        get("training_living_allowance").run(fisher | {"training_mode": "offline"})


def test_a_refusal_shows_the_word_received() -> None:
    """The brief's case: 山东 offline is refused (the text covers online training only, shandong-2020.txt:340),
    with 线下 as with offline, and the message names the choice by its word."""
    shandong = TRAINING | {"region": "山东"}
    by_word = _refusal("training_living_allowance", shandong | {"training_mode": "线下"})
    assert by_word == _refusal("training_living_allowance", shandong | {"training_mode": "offline"})
    assert by_word.startswith("培训方式：鲁人社字〔2020〕11号只规定线上职业技能培训的生活费补贴")
    assert by_word.endswith("（您填写的是「线下」）") and "offline" not in by_word


def test_an_invalid_choice_lists_the_words() -> None:
    message = _refusal("training_living_allowance", TRAINING | {"region": "山东", "training_mode": "面授"})
    assert message == "培训方式：取值「面授」无效，可选：线下、线上"
    grade = _refusal("old_injury_health_allowance", {"region": "湖南", "month": "2020-08", "old_injury_grade": "四等",
                                                     "injury_recognition_date": "1990-05-01"})
    assert grade == "伤残等级：取值「四等」无效，可选：特等、一等、二等甲级、二等乙级、三等甲级、三等乙级"


def _grades_table(cells: list[str]) -> pa.Table:
    n = len(cells)
    return pa.table({"region": ["湖南"] * n, "month": ["2020-08"] * n, "old_injury_grade": cells,
                     "injury_recognition_date": ["1990-05-01"] * n})


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_population_reads_words_as_codes(suffix: str, tmp_path: Path) -> None:
    codes = list(GRADES)
    words = [GRADES[code][0] for code in codes]
    results = {}
    for kind, cells in (("codes", codes), ("words", [f" {w}" for w in words[:3]] + words[3:])):
        source, out = tmp_path / f"{kind}{suffix}", tmp_path / f"{kind}-out{suffix}"
        table = _grades_table(cells)
        pcsv.write_csv(table, source) if suffix == ".csv" else pq.write_table(table, source)
        run_population("old_injury_health_allowance", source, out, progress=False)
        results[kind] = (pcsv.read_csv(out) if suffix == ".csv" else pq.read_table(out)).to_pylist()
    assert [row["value"] for row in results["words"]] == [GRADES[code][1] for code in codes]
    assert [row["value"] for row in results["codes"]] == [row["value"] for row in results["words"]]
    assert all(row["error"] is None for rows in results.values() for row in rows)


def test_population_names_the_words_of_a_bad_cell(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pcsv.write_csv(_grades_table(["特等", "四等"]), source)
    run_population("old_injury_health_allowance", source, out, progress=False)
    rows = pcsv.read_csv(out).to_pylist()
    assert rows[0]["value"] == 21600
    assert rows[1]["error"] == "伤残等级：取值无效，可选：特等、一等、二等甲级、二等乙级、三等甲级、三等乙级"


def test_listing_and_form_take_the_words_from_the_core() -> None:
    calc = get("training_living_allowance")
    listed = next(i for i in calc.describe()["inputs"] if i["name"] == "training_mode")
    assert listed["choices"] == ["offline", "online"]  # the contract keeps its codes
    assert listed["choice_labels"] == {"offline": "线下", "online": "线上"}
    spec = next(f for f in calc.fields if f.name == "training_mode")
    assert form_field(spec, calc.name).options == (("offline", "线下"), ("online", "线上"))  # shown 线下, posts offline
    # a Python calculator's words come from its description (enterprise 企业职工 | institution 机关事业单位)
    scheme = next(f for f in get("pension_adjustment").fields if f.name == "scheme")
    assert scheme.words == {"enterprise": "企业职工", "institution": "机关事业单位"}


def test_the_enums_longer_word_still_reads_as_the_choice():
    """线下培训 (the enum's word, which forms and batch files showed before the spec said 线下) is 线下."""
    base = {"application_date": "2020-05-01", "region": "湖南", "training_days": 10,
            "living_allowance_group": True, "retired_fisher": True}
    calc = get("training_living_allowance")
    assert calc.run(base | {"training_mode": "线下培训"})["value"] == calc.run(base | {"training_mode": "offline"})["value"] == 200


def test_a_choice_reads_the_same_however_it_was_keyed_in():
    """Full-width letters and brackets, and spaces typed inside a word, name the same choice (review s13)."""
    base = {"application_date": "2020-05-01", "region": "湖南", "training_days": 10,
            "living_allowance_group": True, "retired_fisher": True}
    calc = get("training_living_allowance")
    answers = {calc.run(base | {"training_mode": typed})["value"] for typed in ("线下", " 线 下 ", "ｏｆｆｌｉｎｅ", "offline")}
    assert answers == {200}


def test_no_two_choices_of_a_field_read_alike():
    for calc in CALCULATORS.values():
        for field in calc.fields:
            if field.type == "choice":
                keys = [choice_key(code) for code in field.choices] + [choice_key(field.word(c)) for c in field.choices]
                assert len(set(keys)) == 2 * len(field.choices) - sum(
                    choice_key(c) == choice_key(field.word(c)) for c in field.choices), (calc.name, field.name)
