"""The `kuaiban unemployment validate` contract: JSON lines in, one JSON line per record out."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from kuaiban.cli import app
from kuaiban.unemployment.samples import application, exit_record, result

runner = CliRunner()


def run(kind: str, lines: list[str], *extra: str):
    outcome = runner.invoke(app, ["unemployment", "validate", "--kind", kind, *extra],
                            input="\n".join(lines) + "\n")
    assert outcome.exit_code == 0, outcome.output
    return [json.loads(line) for line in outcome.stdout.splitlines()]


@pytest.mark.parametrize(("kind", "make"), [("application", application), ("result", result),
                                             ("exit", exit_record)])
def test_one_answer_line_per_record(kind, make):
    good = json.dumps(make(AAE036="20200101") if kind != "application" else make(), ensure_ascii=False)
    bad = json.dumps(make(AAC003="样 例"), ensure_ascii=False)
    answers = run(kind, [good, bad], "--json")
    assert answers[0] == {"valid": True, "errors": []}
    assert answers[1]["valid"] is False
    assert {"field": "AAC003", "rule": "spaces", "message": "姓名（AAC003）不能含有半角或全角空格"} in answers[1]["errors"]


def test_a_line_that_is_not_json_gets_a_record_level_error_and_the_rest_go_on():
    answers = run("exit", ["{not json", json.dumps(exit_record(AAE036="20200101")), "[1, 2]"], "--json")
    assert len(answers) == 3
    assert answers[0]["valid"] is False
    assert [(e["field"], e["rule"]) for e in answers[0]["errors"]] == [("_record", "json")]
    assert answers[1]["valid"] is True
    assert [(e["field"], e["rule"]) for e in answers[2]["errors"]] == [("_record", "object")]


def test_blank_lines_are_not_records():
    assert len(run("exit", ["", json.dumps(exit_record()), "   "], "--json")) == 1


def test_without_json_the_same_lines_go_to_stdout_and_a_summary_to_stderr():
    outcome = runner.invoke(app, ["unemployment", "validate", "--kind", "exit"], input="oops\n")
    assert outcome.exit_code == 0
    assert json.loads(outcome.stdout.strip())["valid"] is False
    assert "无效1条" in outcome.stderr


def test_an_unknown_kind_is_a_usage_error():
    outcome = runner.invoke(app, ["unemployment", "validate", "--kind", "other"], input="{}\n")
    assert outcome.exit_code != 0


def test_the_installed_command_answers_in_utf8_in_a_c_locale():
    line = json.dumps({"AAC003": "样 例"}, ensure_ascii=False).encode("utf-8") + b"\n\xff\xfe\n"
    proc = subprocess.run(
        [sys.executable, "-c", "from kuaiban.cli import main; main()", "unemployment", "validate",
         "--kind", "exit", "--json"],
        input=line, capture_output=True, env={"LC_ALL": "C", "PATH": ""}, timeout=60, check=True,
    )
    answers = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert len(answers) == 2
    assert any(e["rule"] == "spaces" for e in answers[0]["errors"])
    assert answers[1]["errors"][0]["rule"] == "json"
    assert proc.stderr == b""
