"""Session 21, a user's reading of the search page: what the library holds, and 据此可办 under a lapsed text.

A person asking 被辞退了有补偿吗 expects the 劳动合同法; the library holds the documents of the five compilations, which
cite that law but do not print it. The results say so, so that unrelated hits are not mistaken for the answer.
A lapsed 办法 can still carry 据此可办 (its calculator and claim cover the months it was in force): the line says that
it applies only to its period of validity.
"""

from __future__ import annotations

import re


def test_the_results_say_what_the_library_holds_and_what_it_does_not(app_client):
    page = app_client.get("/library", params={"q": "被辞退了有补偿吗"}).text
    scope = re.search(r'<p class="scope" id="library-scope">(.*?)</p>', page, re.S)
    assert scope, "no scope note under the results heading"
    assert "五部人社政策汇编" in scope.group(1) and "并非全部法律法规" in scope.group(1)
    assert re.search(r"所载的 \d+ 份文件", scope.group(1))
    assert "劳动合同法" in scope.group(1) and "国家法律法规数据库" in scope.group(1)


def test_a_lapsed_document_s_actions_are_said_to_apply_to_its_period_only(app_client):
    page = app_client.get("/library", params={"q": "灵活就业社保补贴怎么申请", "by": "clause"}).text
    hits = re.findall(r"<li>(.*?)</li>\s*(?=<li>|</ol>)", page, re.S)
    lapsed_acting = [h for h in hits if '<span class="status">失效</span>' in h and "据此可办" in h]
    current_acting = [h for h in hits if '<span class="status">现行有效</span>' in h and "据此可办" in h]
    assert lapsed_acting, "expected a lapsed hit with 据此可办 for this question"
    assert all("据此可办（该文件已失效，仅适用于其有效期内的情形）：" in h for h in lapsed_acting)
    assert all("该文件已失效" not in h for h in current_acting)
