"""政策计算 JSON API: the same contract as `kuaiban calc` (docs/rules.md), for other systems.

`GET /api/calc` is `kuaiban calc --list --json`; `POST /api/calc/{name}` takes the input object the CLI reads
on stdin and answers what the CLI prints: the value, its unit, details and the explanation citing each
clause. A bad input answers 422 with the CLI's one-line Chinese message and the field it names; an
unknown calculator answers 404 the same way (``error`` as the CLI prints it, and the same text as ``detail``,
the key of every other kuaiban API error).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kuaiban.api.caller_first import SignedInFirst
from kuaiban.rules import messages as msg
from kuaiban.rules.calculators import CALCULATORS, CalculatorError

router = APIRouter(prefix="/api/calc", tags=["政策计算"], route_class=SignedInFirst)


class CalcError(BaseModel):
    error: str  # 字段：说明, as the CLI prints it
    detail: str  # the same text under the key every other kuaiban API error uses
    field: str  # the input field the message is about ("calculator" for an unknown name)


class Source(BaseModel):
    doc_no: str
    article: str
    quote: str


class Step(BaseModel):
    text: str
    value: Any = None
    source: Source


class CalcResult(BaseModel):
    calculator: str
    value: float | None
    unit: str
    details: dict[str, Any]
    explanation: list[Step]


class Listing(BaseModel):
    calculators: list[dict[str, Any]]


def _error(message: str, status: int, field: str | None = None) -> JSONResponse:
    field = field if field is not None else msg.field_of(message)
    return JSONResponse({"error": message, "detail": message, "field": field}, status_code=status)


@router.get("", summary="全部计算器：输入、覆盖范围与依据（同 kuaiban calc --list --json）", response_model=Listing)
def list_calculators() -> dict:
    return {"calculators": [calc.describe() for calc in CALCULATORS.values()]}


@router.post("/{name}", summary="运行一个计算器（输入同 kuaiban calc NAME 的标准输入）", response_model=CalcResult,
             responses={404: {"model": CalcError, "description": "没有此计算器"},
                        422: {"model": CalcError, "description": "输入有误，或所收政策文件对此情形没有规定"}})
def run_calculator(name: str, raw: Annotated[Any, Body(description="计算器的输入对象，如 {\"region\": \"湖南\", …}")]):
    calc = CALCULATORS.get(name)
    if calc is None:
        return _error(msg.not_a_choice("calculator", CALCULATORS, name), 404, "calculator")
    try:
        return calc.run(raw)
    except CalculatorError as error:
        return _error(str(error), 422, error.field)
