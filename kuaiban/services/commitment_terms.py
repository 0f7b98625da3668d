"""The 告知承诺书 a 快办 applicant signs instead of a certificate, with what 人社厅发〔2020〕110号 requires it to tell.

110号 二（三） (hunan-hrss-2020.txt:925): 「告知的内容应当包括：办事事项名称及其设定依据，证明内容和材料要求，承诺的方式，
不实承诺可能承担的民事、行政、刑事责任，行政机关核查权力，承诺书是否公开、公开范围及时限等」, and the commitment 「申请人已知晓
告知事项、已符合相关条件、愿意承担不实承诺的法律责任以及承诺的意思表示真实」. The wording is the 参考范本's (附件2,
hunan-hrss-2020.txt 990–1036), sentence for sentence. Where neither the list nor the 范本 gives a part for a certificate
(its 设定依据, whether it is published), the text says so instead of filling it in: nothing here is invented.

The list itself is 部本级 (110号 is addressed to 部属各单位, 903; 「针对部本级直接面向企业群众…事项」, 915): a region
applies a row only after adopting it (``region_config.adopt_commitment``), and the text names that adoption.
"""

from __future__ import annotations

from kuaiban.services import catalogue

LIST_NAME = "部本级全面推行证明事项告知承诺制事项清单"
# 110号 附件2 (参考范本) 二（四）, hunan-hrss-2020.txt:1024
HOW = "采用书面或电子承诺方式。由申请人本人承诺，如代为承诺，应提供代为承诺委托书。"
# 附件2 二（五）, hunan-hrss-2020.txt:1028
CHECKS_AND_LIABILITY = ("本机构将综合运用在线核查、现场核查、协助核查等方式，对承诺内容进行核查。对虚假承诺的，依法终止事项办理、"
                        "责令限期整改、撤销行政决定或予以行政处罚，并纳入有关信用记录，由相关部门按规定实施联合惩戒。"
                        "涉嫌犯罪的，依法移送司法机关。")
# 110号 二（六）, hunan-hrss-2020.txt:931: the only words of the texts on publishing a commitment
PUBLICATION = ("清单及参考范本未对本证明事项作出规定。人社厅发〔2020〕110号要求：对涉及社会公共利益、第三人利益或者核查难度较大的"
               "证明事项，要根据政府信息公开等规定，通过对外服务场所、部门门户网站等渠道向社会公开告知承诺书，接受社会监督。")
# 附件2 三, hunan-hrss-2020.txt:1034, with the office named where the region routes the item
PROMISE = ("申请人已认真阅读本告知书，对承诺内容以及不实承诺的责任已充分知晓。在此向{office}郑重承诺，所填报的信息和承诺内容"
           "客观真实，愿意承担不实承诺的相关法律责任，并愿意接受办理机构的核查。")
NOT_PRINTED = "文件未载明"


def row_label(row: catalogue.Commitment) -> str:
    """人社厅发〔2020〕110号 附件1第 3 项（部本级清单，办理单位：央保中心）."""
    return f"{row.source.doc_no} {row.source.attachment or ''}第 {row.seq} 项（部本级清单，办理单位：{row.unit}）" \
        .replace("  ", " ")


def text(applicant_name: str, item: str, certificate: str, rows: list[catalogue.Commitment],
         adoption: str | None, office: str | None = None) -> str:
    """The 告知承诺书 for ``certificate`` of ``item``: the 告知 (what 110号 requires it to tell), then the promise."""
    basis = "；".join(row_label(r) for r in rows)
    adopted = f"本地区采用该清单条目的依据：{adoption}" if adoption else "本地区未登记采用该清单条目"
    return "\n".join([
        "告知承诺书",
        "一、基本信息",
        f"申请办事事项名称：{item}（设定依据：{NOT_PRINTED}）",
        f"申请人：{applicant_name}",
        "二、告知内容",
        f"（一）证明事项名称：{certificate}",
        f"（二）设定证明的依据：{NOT_PRINTED}（{LIST_NAME}未列出）",
        f"（三）证明的内容和材料要求：“{certificate}”所证明的条件；申请人承诺符合该条件，以本承诺代替该证明材料",
        f"（四）承诺的方式：{HOW}",
        f"（五）核查及不实承诺的责任：{CHECKS_AND_LIABILITY}",
        f"（六）承诺书是否公开及公开的形式、范围、时限：{PUBLICATION}",
        "三、申请人承诺",
        PROMISE.format(office=office or "办理机构"),
        f"依据：{basis}；{adopted}（证明事项告知承诺制）。",
    ])
