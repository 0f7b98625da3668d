"""公民身份号码 checks of the 社会保障号码 (AAC002) rule, on top of python-stdnum's ``stdnum.cn.ric``.

The spec's rule, verbatim: 首位不是字母的，长度为15或18位；15位公民身份号码不能含有非数字字符；
18位公民身份号码前17位不能含有非数字字符；18位公民身份号码第18位必须符合校验规则；公民身份号码与性别相符.
The birth date inside the number is also checked (a real date, not in the future).

>>> [p.rule for p in id_problems("110101199003070012")]
['id_checksum']
>>> id_problems(compose("110101", date(1990, 3, 7), 1))
[]
>>> id_sex(compose("110101", date(1990, 3, 7), 1)), id_sex(compose("110101", date(1990, 3, 7), 2))
('1', '2')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

_DIGITS = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str


def _is_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def compose(region: str, birth: date, sequence: int) -> str:
    """An 18-digit number with the right check digit (for test data and simulators).

    ``sequence`` is the 3-digit order code: odd for men, even for women."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def birth_date(number: str) -> date | None:
    """The birth date a 15- or 18-digit number carries, or None when it is not a real date."""
    try:
        if len(number) == 18:
            return ric.get_birth_date(number)
        if len(number) == 15:  # 15-digit numbers carry YYMMDD of the 1900s
            return date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except (ValueError, InvalidComponent):
        return None
    return None


def id_sex(number: str) -> str | None:
    """GB/T 2261.1 sex code the number implies: '1' (odd order code) or '2' (even)."""
    pos = {18: 16, 15: 14}.get(len(number))
    if pos is None or not number[pos].isdigit():
        return None
    return "1" if int(number[pos]) % 2 else "2"


def id_problems(number: str, today: date | None = None, letter_exempt: bool = True) -> list[Problem]:
    """What is wrong with a number under the spec's rule; empty when it passes.

    Numbers starting with a letter are outside the rule (“首位不是字母的”) and pass, unless
    ``letter_exempt`` is False (a 居民身份证 number never starts with a letter)."""
    if not number:
        return []
    if _is_letter(number[0]):
        return [] if letter_exempt else [Problem("id_format", "居民身份证号码不能以字母开头")]
    if len(number) not in (15, 18):
        return [Problem("id_length", "公民身份号码长度应为15位或18位")]
    if len(number) == 15 and not _DIGITS.match(number):
        return [Problem("id_format", "15位公民身份号码不能含有非数字字符")]
    if len(number) == 18:
        if not _DIGITS.match(number[:17]):
            return [Problem("id_format", "18位公民身份号码前17位不能含有非数字字符")]
        if number[17].upper() != ric.calc_check_digit(number):
            return [Problem("id_checksum", "18位公民身份号码第18位不符合校验规则")]
    born = birth_date(number)
    if born is None:
        return [Problem("id_birth_date", "公民身份号码中的出生日期不是有效日期")]
    if today is not None and born > today:
        return [Problem("id_birth_date", "公民身份号码中的出生日期晚于当前日期")]
    return []


def age_on(born: date, day: date) -> int:
    """Full years of age on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
