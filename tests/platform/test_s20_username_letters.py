"""Session 20: a new username takes only letters people read without doubt (security review 18, audit §5): a
Cyrillic а or a Greek ο looks like a Latin a or o, so "аlice" beside "alice" is two accounts nobody tells apart."""

from __future__ import annotations

import pytest

from kuaiban.platform import auth
from kuaiban.platform.errors import Invalid


@pytest.mark.parametrize("name", ["alice", "li.ming-2021", "王小明", "wang_小明", "a@b", "Ａlice"])
def test_latin_digits_han_and_a_few_marks_are_names(name) -> None:
    assert auth.new_username(name) == auth.normalise_username(name)


@pytest.mark.parametrize("name", ["аlice", "bοb", "ǝve", "ali!ce", "名字★"])
def test_look_alike_letters_and_other_marks_are_refused_naming_the_field(name) -> None:
    with pytest.raises(Invalid) as refused:
        auth.new_username(name)
    assert refused.value.field == "username" and "只能使用英文字母、数字、汉字" in refused.value.message


def test_an_older_account_named_otherwise_still_signs_in_by_its_name() -> None:
    """Only a new account is held to it: login reads names with normalise_username alone."""
    assert auth.normalise_username("аlice") == "аlice"
