"""Chinese numerals are read without cn2an on the ingest's path (it costs a second to import), and read
the same as cn2an reads them."""

from __future__ import annotations

import cn2an
import pytest

from kuaiban.corpus.text import _plain_cn, cn_int


def test_every_number_below_ten_thousand_reads_as_cn2an_writes_it():
    for n in range(10_000):
        assert _plain_cn(cn2an.an2cn(n)) == n


@pytest.mark.parametrize("text", ["两", "二〇二〇", "一〇三", "一百零三", "二千零二十", "四十四", "十", "一百一"])
def test_cn_int_agrees_with_cn2an(text):
    assert cn_int(text) == int(cn2an.cn2an(text.replace("〇", "零"), "smart"))


def test_forms_it_does_not_know_are_left_to_cn2an():
    assert _plain_cn("一百一") is None  # 110 in speech
    assert _plain_cn("三万") is None
    assert cn_int("三万") == 30_000


def test_a_malformed_numeral_is_a_value_error_so_a_typed_docno_is_just_not_found():
    # cn2an raises KeyError on "十十零"; a query such as 国务院令第十十零号 must not fail the search
    from kuaiban.corpus import docno

    with pytest.raises(ValueError):
        cn_int("十十零")
    assert docno.find_all("国务院令第十十零号") == []
