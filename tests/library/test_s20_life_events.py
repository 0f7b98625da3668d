"""Session 20: the other life events of the ten “一件事” lead to what acts on them, as 失业 has since session 14.

Issue 14 asks that answers link to the calculators, programs and services that act on them ("a question about
遗属待遇 shows the 遗属待遇 calculator"); data/topics.yaml knew only 失业. Each new topic is a row of 人社部发〔2020〕26号
附件1 (the 一件事 list, 湖南汇编 第 696–716 行) and offers that row's 办事指南, the bundle, and the calculators of
its benefits; a calculator is claimed through the bundle only where the row holds that claim (`claims`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kuaiban.config import ROOT
from kuaiban.cross_refs import TOPICS, claim_routes, topic_actions, topics_of


def _names(question: str) -> list[str]:
    return [t.name for t in topics_of(question)]


@pytest.mark.parametrize(("question", "topic"), [
    ("我爸退休了去年去世，家里能领什么钱", "退休人员过世"),
    ("退休人员死亡家属能领什么", "退休人员过世"),
    ("老人过世了抚恤金怎么领", "退休人员过世"),
    ("遗属待遇", "退休人员过世"),
    ("工伤死亡家属能领多少", "工亡"),
    ("因工死亡的供养亲属抚恤金怎么领", "工亡"),
    ("我想办退休手续", "职工退休"),
    ("今年退休金涨多少", "职工退休"),
    ("我想开店做生意有补贴吗", "创业"),
    ("大学生毕业了找工作有补贴吗", "高校毕业生就业"),
    ("公司招了大学生有补贴吗", "企业招用员工"),
    ("公司新招了员工要办什么", "企业招用员工"),
    ("社保卡丢了怎么补", "社会保障卡"),
])
def test_a_question_about_a_life_event_reaches_its_topic_and_only_it(question, topic) -> None:
    assert _names(question) == [topic]


@pytest.mark.parametrize("question", ["城乡居民养老金多少钱", "创业园区怎么申报", "死亡率", "辞退员工要给多少补偿",
                                      "失业保险稳岗返还怎么申请", "有什么招能多领钱"])
def test_other_matters_reach_none(question) -> None:
    assert _names(question) == []


def test_a_death_leads_to_the_survivor_calculator_the_bundle_and_the_guide() -> None:
    actions = topic_actions("我爸退休了去年去世，家里能领什么钱")
    assert [c["name"] for c in actions["calculators"]][:1] == ["survivor_benefit"]
    assert [b["name"] for b in actions["bundles"]] == ["退休人员过世"]
    assert [g.key for g in actions["guides"]] == ["1.6.8", "1.6.6"]


def test_a_calculator_is_claimed_through_a_bundle_only_where_its_row_holds_the_claim() -> None:
    def bundles(calculator: str) -> set[str]:
        return {r["name"] for r in claim_routes(calculator) if r["code"].startswith("bundle-")}

    assert bundles("survivor_benefit") == {"“退休人员过世”一件事"}  # 1.6.8 遗属待遇申领
    assert bundles("job_search_subsidy") == {"“高校毕业生就业（含灵活就业）”一件事"}  # 2.7.3 求职创业补贴申领
    assert bundles("unemployment_benefit") == {"“失业”一件事"}
    # the yearly pension adjustment is paid without a claim; no row claims a hiring subsidy or an internship one
    assert bundles("pension_adjustment") == bundles("hiring_subsidy") == bundles("internship_subsidy") == set()


def test_every_topic_cites_lines_that_print_its_bundle_or_terms() -> None:
    for topic in yaml.safe_load(TOPICS.read_text(encoding="utf-8"))["topics"]:
        printed = ""
        for source in topic["source"]:
            lines = Path(ROOT / source["file"]).read_text(encoding="utf-8").splitlines()
            first, last = source["lines"]
            printed += "".join(lines[first - 1:last])
        said = [*topic.get("bundles", ()), *topic["terms"]]
        assert any(word in printed for word in said), topic["name"]
