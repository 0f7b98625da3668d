"""Inputs a register gives a claim: 累计缴费月数 from 参保缴费记录 (s15), not the applicant's word.

A program declares it in ``calculator_inputs`` (kuaiban.programs.definitions.RegisterInput):
``contribution_months: {register: contributions, fact: months, form: contribution_months}``. At submission:

- the register has the fact: the claim takes the register's figure into the form field, even where the
  applicant typed another (the typed figure is kept beside it and the difference said);
- the register cannot answer (offline), has no record of the person, or no such fact: the applicant's typed
  figure is kept and the claim flagged — a flagged claim is never decided without a caseworker (an automatic
  step does not pass it; the others are a caseworker's anyway).

A caseworker may enter the checked figure at review (``claims.act`` with ``figures``): ``{"staff": id}``.
Where the figure came from is recorded in the claim's facts under ``_register`` (field → ``{"register":
name}``, ``{"applicant": true}`` or ``{"staff": id}``, with ``typed`` where the applicant's differed), as kuaiban.programs.figures
records ``_official``; the claim's explanation and its notices say it (来自参保缴费记录 / 申请人填写（经办机构核实）).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kuaiban.programs.definitions import Program, RegisterInput
from kuaiban.programs.registers import Registers, Unavailable

ORIGIN = "_register"  # the claim's facts: field → where its figure came from
APPLICANT_WORDS = "申请人填写（经办机构核实）"
UNVERIFIED = "申请人填写"  # the flag's first words


@dataclass(frozen=True)
class Answer:
    """What the register said of one input: its ``value``, or why none (``offline``, ``no_record``,
    ``no_fact``, ``no_subject``)."""

    value: int | float | None
    why: str = ""


def _valid(spec: RegisterInput, program: Program, value: Any) -> int | float | None:
    kind = next(f.type for f in program.form if f.name == spec.field)
    if isinstance(value, str) and value.strip().isdigit():  # a register exporting text (“36”)
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return None
    if kind == "integer":
        return int(value) if float(value).is_integer() else None
    return float(value)


def lookup(session: Session, program: Program, subject: str, registers: Registers) -> dict[str, Answer]:
    """Each register input of the program as the register answers it for ``subject`` (ID number)."""
    out, records = {}, {}
    for spec in program.register_inputs:
        if not subject:
            out[spec.field] = Answer(None, "no_subject")
            continue
        if spec.register not in records:
            try:
                records[spec.register] = registers.lookup(session, spec.register, subject)
            except Unavailable:
                records[spec.register] = Unavailable
        record = records[spec.register]
        if record is Unavailable:
            out[spec.field] = Answer(None, "offline")
        elif record is None:
            out[spec.field] = Answer(None, "no_record")
        else:
            value = _valid(spec, program, record.get(spec.fact))
            out[spec.field] = Answer(value, "" if value is not None else "no_fact")
    return out


def answered(answers: dict[str, Answer]) -> set[str]:
    """The form fields the register fills (the applicant need not)."""
    return {name for name, a in answers.items() if a.value is not None}


def _label(program: Program, field_name: str) -> str:
    return next(f.label for f in program.form if f.name == field_name).split("（")[0]


def _why(spec: RegisterInput, program: Program, why: str) -> str:
    return {"offline": f"{spec.label}暂时无法查询",
            "no_record": f"{spec.label}中没有申请人的记录",
            "no_fact": f"{spec.label}中没有{_label(program, spec.field)}",
            "no_subject": "申请人未登记公民身份号码"}.get(why, f"{spec.label}未提供")


def fill(program: Program, facts: dict[str, Any], answers: dict[str, Answer]) -> list[str]:
    """The register's figures into the claim's ``facts`` (the applicant's kept where it has none, with the
    origin under ``_register``); the flags for a caseworker, one for each figure the register did not give."""
    flags, origin = [], dict(facts.get(ORIGIN) or {})
    for spec in program.register_inputs:
        answer = answers.get(spec.field, Answer(None, "no_subject"))
        typed = facts.get(spec.field)
        if answer.value is not None:
            facts[spec.field] = answer.value
            origin[spec.field] = {"register": spec.register} | (
                {"typed": typed} if typed is not None and typed != answer.value else {})
            continue
        origin[spec.field] = {"applicant": True}
        if typed is not None:
            flags.append(f"{_label(program, spec.field)}（{typed:g}）为{UNVERIFIED}，{_why(spec, program, answer.why)}，"
                         "请经办机构核实后办理")
    if program.register_inputs:
        facts[ORIGIN] = origin
    return flags


def verified(program: Program, facts: dict[str, Any], values: dict[str, Any], staff_id: int) -> dict[str, Any]:
    """The figures a caseworker checked and entered at review (the register had none, or a wrong one): the
    claim's ``facts`` with them, each recorded as the office's (``{"staff": id}``, the figure it replaces kept
    as ``typed`` where it was the applicant's)."""
    if not values:
        return facts
    origin = dict(facts.get(ORIGIN) or {})
    for name in values:
        before = origin.get(name) or {}
        typed = facts.get(name) if before.get("applicant") else before.get("typed")
        origin[name] = {"staff": staff_id} | ({"typed": typed} if typed is not None and typed != values[name] else {})
    return {**facts, **values, ORIGIN: origin}


def unflag(program: Program, flags: list[str], names: set[str]) -> list[str]:
    """The claim's flags without those asking a caseworker to check the figures now checked."""
    heads = tuple(f"{_label(program, n)}（" for n in names)
    return [f for f in flags if not (f.startswith(heads) and f"为{UNVERIFIED}" in f)] if heads else flags


def said(program: Program, facts: dict[str, Any]) -> list[str]:
    """Where each register input's figure came from, as the claimant reads it: 累计缴费月数 36：来自参保缴费记录
    (with the applicant's different figure named) or 申请人填写（经办机构核实）. Empty for a claim made before
    the rule (no ``_register``)."""
    origin = facts.get(ORIGIN) or {}
    out = []
    for spec in program.register_inputs:
        given, value = origin.get(spec.field), facts.get(spec.field)
        if given is None or value is None:
            continue
        head = f"{_label(program, spec.field)} {value:g}"
        if "staff" in given:
            typed = given.get("typed")
            out.append(f"{head}：经办机构核实录入" + (f"（申请人填写的为 {typed:g}）" if typed is not None else ""))
        elif "register" in given:
            typed = given.get("typed")
            note = f"（申请人填写的 {typed:g} 与记录不一致，按记录计算）" if typed is not None else ""
            out.append(f"{head}：来自{spec.label}{note}")
        else:
            out.append(f"{head}：{APPLICANT_WORDS}")
    return out


def steps(program: Program, facts: dict[str, Any]) -> list[dict[str, Any]]:
    """:func:`said` as the claim's first explanation steps (计算依据), with the register's clause where given."""
    from kuaiban.platform import citations

    out = []
    for spec, text in zip((s for s in program.register_inputs if (facts.get(ORIGIN) or {}).get(s.field)
                           and facts.get(s.field) is not None), said(program, facts), strict=True):
        source = citations.registry()[spec.source].as_json() if spec.source else None
        out.append({"text": text, "value": facts.get(spec.field), "source": source})
    return out


def sentence(program: Program, facts: dict[str, Any]) -> str:
    """:func:`said` as one sentence of a notice (empty when nothing to say)."""
    lines = said(program, facts)
    return ("；".join(lines) + "。") if lines else ""
