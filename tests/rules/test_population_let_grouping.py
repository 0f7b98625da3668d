"""Population mode checks each combination of the inputs its refusals read; an input a check reads through a
`let` is read by its value, not only by whether it is given, so a row's answer never depends on the rows
around it (review s13: business_loan answered -1 and job_post_subsidy paid a row missing its contract term,
depending on row order)."""

from __future__ import annotations

import pyarrow as pa
import pytest
import yaml

from kuaiban.rules.calculators import CALCULATORS, get
from kuaiban.rules.calculators.declarative import SPECS_DIR, Spec
from kuaiban.rules.expressions import names_in
from kuaiban.rules.population import run_table

# 天津 遴选岗位补助 (津人社局发〔2020〕… national-and-provinces-2020-q2.txt:4285–4289): a 就业困难人员 needs its
# contract term; a 高校毕业生 does not. Both rows give no contract term.
JOB_POST = {
    "region": ["天津", "天津"], "month": ["2020-09", "2020-09"],
    "si_mode": ["单位招用或公益性岗位安排（单位申领）"] * 2,
    "si_group": ["就业困难人员", "离校（毕业）2年内未就业高校毕业生"],
    "si_employer_type": ["养老服务企业（含民办非企业单位）、员工制家政企业"] * 2,
    "si_first_approval_date": ["2018-03-01"] * 2, "si_months_received": [30, 30],
    "jp_months_received": [6, 6], "jp_minimum_wage": [2050.0, 2050.0], "jp_selected_post": [True, True],
}

# 湖南 小微企业 创业担保贷款 on 2020-06-01 (财金〔2020〕21号, shandong-2020.txt:4108, 4140): 20 new hires of
# 100 staff passes the hiring share and needs the local ceiling; 1 of 100 does not (0 without asking).
LOAN = {
    "region": ["湖南", "湖南"], "contract_date": ["2020-06-01", "2020-06-01"],
    "loan_borrower": ["小微企业", "小微企业"], "loan_lpr": [0.0385, 0.0385], "loan_rate": [0.05, 0.05],
    "loan_area": ["中、西部地区", "中、西部地区"], "firm_staff": [100, 100], "firm_new_hires": [20, 1],
}


def _rows(columns: dict, order: list[int]) -> pa.Table:
    return pa.table({name: [values[i] for i in order] for name, values in columns.items()})


@pytest.mark.parametrize("order", [[0, 1], [1, 0]])
def test_job_post_subsidy_rows_answer_alike_in_either_order(order):
    values, errors = run_table(get("job_post_subsidy"), _rows(JOB_POST, order))
    by_group = {JOB_POST["si_group"][i]: (values[k], errors[k]) for k, i in enumerate(order)}
    value, error = by_group["就业困难人员"]
    assert error is not None and error.startswith("jp_contract_months")
    value, error = by_group["离校（毕业）2年内未就业高校毕业生"]
    assert error is None and value == 820


@pytest.mark.parametrize("order", [[0, 1], [1, 0]])
def test_business_loan_asks_for_the_local_ceiling_whatever_the_other_rows(order):
    values, errors = run_table(get("business_loan"), _rows(LOAN, order))
    by_hires = {LOAN["firm_new_hires"][i]: (values[k], errors[k]) for k, i in enumerate(order)}
    assert by_hires[20][1] is not None and by_hires[20][1].startswith("loan_local_limit")
    assert by_hires[1] == (0, None)


def test_no_input_read_through_a_let_is_grouped_by_presence_only():
    for path in sorted(SPECS_DIR.glob("*.yaml")):
        name, spec = path.stem, Spec(yaml.safe_load(path.read_text(encoding="utf-8")), path)
        presence_only = {entry[1:] for entry in CALCULATORS[name].gap_fields if entry.startswith("?")}
        through_lets = {read for check in spec.checks for let in names_in(check["when"]) if let in spec.lets
                        for read in spec._inputs_read(str(spec.lets[let]))}
        assert not presence_only & through_lets, name


def test_every_label_reads_as_one_name():
    """An error message is 标签：说明; a label with its own ： or an unclosed （ garbles every message."""
    for calc in CALCULATORS.values():
        for field in calc.fields:
            label = field.label
            assert "：" not in label and label.count("（") == label.count("）"), (calc.name, field.name, label)


def test_a_small_firm_without_its_counts_is_asked_for_them():
    """财金〔2020〕21号 一（二） (shandong-2020.txt:4108): a small firm's eligibility is its new hires as a share of its
    staff; without the counts it is asked, not answered 0 (“无 人”)."""
    from tests.rules.audit_support import refused

    base = {"region": "湖南", "contract_date": "2020-06-01", "loan_borrower": "小微企业", "loan_lpr": 0.0385,
            "loan_rate": 0.05, "loan_area": "中、西部地区"}
    assert refused("business_loan", base).field == "firm_staff"
    assert refused("business_loan", base | {"firm_staff": 100}).field == "firm_new_hires"
