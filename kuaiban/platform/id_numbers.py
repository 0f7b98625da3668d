"""公民身份号码 (GB 11643-1999) as every pillar checks it: 18 characters, a real birth date, a check
character, and an address code (the first six digits) that is a 行政区划代码 — of any year.

python-stdnum's ``ric.validate`` also requires the county to have existed in the holder's birth year.
That refuses real people: 18-digit numbers were issued from 1999 with the code of the county where the
holder's 户口 was *then* registered (GB 11643-1999 4.2.1 “编码对象常住户口所在县（市、旗、区）的行政区划
代码”), so someone born in 1990 in a district created in 1997 (北京市通州区, 110112) carries 110112 and a
1990 birth date. The address code is therefore checked against every code the table has ever held.

>>> from stdnum.cn import ric
>>> body = "11011219900517031"
>>> citizen_id_problem(body + ric.calc_check_digit(body + "0")) is None
True
>>> citizen_id_problem("110101199003070012")
'校验位不正确'
"""

from __future__ import annotations

import datetime as dt

from stdnum import exceptions, numdb
from stdnum.cn import ric


def citizen_id_problem(number: str, today: dt.date | None = None) -> str | None:
    """What is wrong with an 18-digit 公民身份号码, as a phrase to follow the field's name
    (“证件号码校验位不正确”); None when it is right. ``number`` should already be compacted."""
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "应为 18 位公民身份号码"
    if number[17] != ric.calc_check_digit(number):
        return "校验位不正确"
    try:
        born = ric.get_birth_date(number)
    except exceptions.ValidationError:
        return "中的出生日期（第 7–14 位）不是有效日期"
    if born > (today or dt.date.today()):
        return "中的出生日期（第 7–14 位）晚于今天"
    if not _known_address(number[:6]):
        return "中的地址码（前 6 位）不是行政区划代码"
    return None


def _known_address(code: str) -> bool:
    return any("county" in props for _, props in numdb.get("cn/loc").info(code))


def checked_citizen_id(number: str) -> str:
    """The number compacted (spaces removed, x → X) and checked; ValueError with the phrase otherwise."""
    compact = ric.compact(number).upper()
    problem = citizen_id_problem(compact)
    if problem:
        raise ValueError(problem)
    return compact
