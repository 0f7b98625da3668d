"""文号: every printed or typed spelling maps to one canonical form."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuaiban.corpus import docno

CANONICAL = "人社部发〔2020〕26号"


@pytest.mark.parametrize(
    "typed",
    [
        "人社部发〔2020〕26号",
        "人社部发[2020]26号",
        "人社部发﹝2020﹞26号",
        "人社部发【2020】26号",
        "人社部发(2020)26号",
        "人社部发（2020）26号",
        "人社部发2020年26号",
        "人社部发 〔2020〕 26 号",
        "人社部发〔2 020〕26号",
        " 人社部发［2020］２６号 ".replace("２６", "26"),
    ],
)
def test_bracket_styles_and_spaces_normalise_to_one_form(typed):
    assert docno.normalize(typed) == CANONICAL


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("中华人民共和国人力资源和社会保障部令第44号", "人力资源社会保障部令第44号"),
        ("人力资源社会保障部令第44号", "人力资源社会保障部令第44号"),
        ("人社部令第46号", "人力资源社会保障部令第46号"),
        ("国家卫生健康委员会令 第6号", "国家卫生健康委员会令第6号"),
        ("中华人民共和国主席令第六十五号", "中华人民共和国主席令第65号"),
        ("市政府令第340号", "市政府令第340号"),
    ],
)
def test_orders_count_as_numbers(typed, canonical):
    assert docno.normalize(typed) == canonical


def test_leading_zero_and_big_numbers():
    assert docno.normalize("湘人社规[2020]03号") == "湘人社规〔2020〕3号"
    assert docno.normalize("渝人社办〔2021〕311号") == "渝人社办〔2021〕311号"


@pytest.mark.parametrize("text", ["", "关于开展人社服务快办行动的通知", "2020年6月8日", "第七条"])
def test_text_without_a_number_is_none(text):
    assert docno.normalize(text) is None


def test_find_all_in_running_text_trims_leading_words():
    text = "根据人社部发〔2020〕26号和《关于阶段性减免企业社会保险费的实施意见》（湘人社规[2020]3号）执行"
    assert [c for _, _, c in docno.find_all(text)] == ["人社部发〔2020〕26号", "湘人社规〔2020〕3号"]


def test_resolve_suffix_against_known_numbers():
    known = {"人社部发〔2020〕26号"}
    assert docno.resolve_suffix("落实人社部发〔2020〕26号", known) == "人社部发〔2020〕26号"
    assert docno.resolve_suffix("人社厅发〔2020〕26号", known) is None


@given(
    prefix=st.sampled_from(["人社部发", "湘人社规", "渝人社发", "鲁人社字", "京人社发", "法发"]),
    year=st.integers(1990, 2030),
    number=st.integers(1, 999),
    style=st.sampled_from(["〔{y}〕", "[{y}]", "﹝{y}﹞", "({y})", "{y}年", " [ {y} ] "]),
)
def test_every_style_round_trips(prefix, year, number, style):
    typed = f"{prefix}{style.format(y=year)}{number}号"
    assert docno.normalize(typed) == f"{prefix}〔{year}〕{number}号"


_PIECES = st.sampled_from(["人社部发", "国务院令", "令", "第", "号", "〔", "〕", "[", "（", "）", "2020", "20 20", "26",
                           "六十五", "根据", "印发", "中华人民共和国人力资源和社会保障部令", " ", "\n", "，",
                           "重庆市人力资源和社会保障局关于做好就业工作的通知"])


@given(st.lists(_PIECES, max_size=30).map("".join))
def test_numbers_are_looked_for_only_near_a_bracket_or_a_令_and_none_is_missed(text):
    # find_all tries a match only where a 机关代字 ending at a 令 or before a bracket could start: the same
    # matches as trying every character of the text
    for pattern, anchor, reach in [(docno._ORDER, docno._ORDER_ANCHOR, 24),
                                   (docno._BRACKETED, docno._BRACKETED_ANCHOR, 15)]:
        near = [m.span() for m in docno._matches_near(pattern, text, anchor, reach)]
        assert near == [m.span() for m in pattern.finditer(text)]
