"""Who gave a figure, as a claim tells it.

A calculator speaks to one person working out their own case (政策计算器): an official figure the compilations
do not print is one *the user* supplies, and its explanation says so (“官方数字由使用者提供，汇编未载明”; some
60 places in kuaiban/rules/specs). That wording is right there and stays. In a claim it is wrong: only the
office gives an official figure (kuaiban.programs.figures, s14) — from the register ``official_figures`` where
the office entered the published figure, or entered by a caseworker at review — and the applicant reading
their decision must not think they supplied it. A date the claimant gave (达到法定退休年龄的日期) is theirs.

:func:`steps` and :func:`texts` translate the calculator's words where a claim shows them (its page, its
decision, the notice sent with it); :func:`screening` where a 免申即享 screening shows them (the figures given
with ``--set`` by the office). Nothing else is changed; a text already translated is left as it is.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the screening's workers import this module: nothing of the database here
    from kuaiban.programs.definitions import Program

REGISTER_WORDS = "经办机构录入登记簿"  # entered by the office for the region's period (kuaiban programs enter-figure)
STAFF_WORDS = "经办机构审核时录入"  # entered by the caseworker on this claim
OFFICE_WORDS = "经办机构录入"  # both, or a claim that does not say which
SCREENING_WORDS = "经办机构筛查时设定"
OFFICE_NOUN = "经办机构"  # who judges by an official list (名单): a noun, whoever entered the figures


def supplier(program: Program, facts: dict[str, Any]) -> str:
    """Who gave this claim's official figures, in the words the claimant reads."""
    from kuaiban.programs.figures import OFFICIAL, REGISTER

    given = {v for k, v in (facts.get(OFFICIAL) or {}).items() if k in program.official_fields}
    kinds = {"register" if v == REGISTER else "staff" for v in given}
    if kinds == {"register"}:
        return REGISTER_WORDS
    if kinds == {"staff"}:
        return STAFF_WORDS
    return OFFICE_WORDS


def _rules(office: str) -> list[tuple[re.Pattern[str], str]]:
    """The calculators' phrases of a figure the user supplies, as the office's (or, a date, the claimant's).

    ``office`` is a subject with its verb (经办机构审核时录入): it ends a sentence (官方数字由…) or stands before
    的. The 名单 phrase has its own verb (认定), so it takes the bare noun.
    """
    return [
        (re.compile("日期由使用者提供"), "日期由申请人填写"),
        (re.compile("官方数字由使用者提供"), f"官方数字由{office}"),
        (re.compile("由使用者提供官方数字"), f"官方数字由{office}"),
        (re.compile("使用者提供的"), f"{office}的"),
        (re.compile("由使用者按(官方)?名单填写"), f"由{OFFICE_NOUN}按官方名单认定"),
        (re.compile("（使用者提供）"), f"（{office}）"),
        (re.compile("由使用者提供"), f"由{office}"),
    ]


def text(line: str, office: str) -> str:
    for pattern, words in _rules(office):
        line = pattern.sub(words, line)
    return line


def texts(program: Program, facts: dict[str, Any], lines: list[str]) -> list[str]:
    """A claim's reasons (决定理由, the refusal notice) with the figures said to be the office's."""
    office = supplier(program, facts)
    return [text(line, office) for line in lines]


def steps(program: Program, facts: dict[str, Any], explanation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A claim's cited steps (计算依据) with the figures said to be the office's."""
    office = supplier(program, facts)
    return [step | {"text": text(step["text"], office)} if isinstance(step.get("text"), str) else step
            for step in explanation or []]


def screening(line: str) -> str:
    """A screening's reason: its official figures are the office's, given with the run (``--set``)."""
    return text(line, SCREENING_WORDS)


def pay_first(program: Program) -> str:
    """先缴后补 (``pay_first``: 湖南's 社会保险补贴, 湘人社规〔2020〕22号 第八条, the amount on contributions 实际缴纳,
    第七条): the decision's months and total are worked out from the claim; each month is computed again before
    its batch from that month's contributions as the register shows them paid (kuaiban.programs.settle), and
    paid only once found paid. The sentence a decision and its notice carry; empty for any other program."""
    if program.pay_first is None:
        return ""
    from kuaiban.platform import citations

    cited = f"（{citations.clause(program.pay_first.source).label}）" if program.pay_first.source else ""
    return (f"本补贴实行“先缴后补”方式{cited}：每月发放前按当月实际缴纳的社会保险费核算该月金额，查到该月缴费记录后"
            "发放，金额可能与审核时核算的不同。")
