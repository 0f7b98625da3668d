"""Every clause of data/clauses/ui-transfer.yaml quotes its compilation verbatim at the lines it names."""

from __future__ import annotations

import yaml

from kuaiban.config import COMPILATIONS, ROOT
from kuaiban.unemployment import transfer_rules


def test_each_quote_is_in_the_compilation_at_its_lines():
    clauses = yaml.safe_load((ROOT / "data" / "clauses" / "ui-transfer.yaml").read_text(encoding="utf-8"))
    assert len(clauses) >= 8
    for key, c in clauses.items():
        lines = (COMPILATIONS / c["file"]).read_text(encoding="utf-8").splitlines()
        span = "".join(lines[c["lines"][0] - 1:c["lines"][1]])
        assert c["quote"] in span, key
        assert c["doc_no"] == "人社厅发〔2021〕85号"
    cited = [transfer_rules.CLAUSE_TRANSFER_OUT, transfer_rules.CLAUSE_FILED_AT_DESTINATION, transfer_rules.CLAUSE_FUND]
    assert all(k in clauses for k in cited)
    assert "2021年11月9日" in clauses["85号.日期"]["quote"] and transfer_rules.IN_FORCE_FROM.isoformat() == "2021-11-09"
    assert "不满1年" in clauses["85号.一.四"]["quote"] and "一半" in clauses["85号.二.一"]["quote"]
