"""Enumerations shared by variables and calculators (values are the user-facing Chinese names)."""

from __future__ import annotations

from openfisca_core.indexed_enums import Enum


class Region(Enum):
    """省级统筹地区. The calculators accept the Chinese name (湖南, 湖南省), the key (hunan) or the
    GB/T 2260 code (430000, or any code within the province: 430104); REGION_CODES gives each code.

    The first seven members keep their places (population files store the index); new provinces follow.
    """

    unknown = "未指定"
    hunan = "湖南"
    chongqing = "重庆"
    beijing = "北京"
    shanghai = "上海"
    tianjin = "天津"
    hubei = "湖北"
    hebei = "河北"
    shanxi = "山西"
    neimenggu = "内蒙古"
    liaoning = "辽宁"
    jilin = "吉林"
    heilongjiang = "黑龙江"
    jiangsu = "江苏"
    zhejiang = "浙江"
    anhui = "安徽"
    fujian = "福建"
    jiangxi = "江西"
    shandong = "山东"
    henan = "河南"
    guangdong = "广东"
    guangxi = "广西"
    hainan = "海南"
    sichuan = "四川"
    guizhou = "贵州"
    yunnan = "云南"
    xizang = "西藏"
    shaanxi = "陕西"
    gansu = "甘肃"
    qinghai = "青海"
    ningxia = "宁夏"
    xinjiang = "新疆"


# GB/T 2260 province codes of the Region members (tests/rules/test_regions.py checks them against the table)
REGION_CODES: dict[str, str] = {
    "beijing": "110000", "tianjin": "120000", "hebei": "130000", "shanxi": "140000", "neimenggu": "150000",
    "liaoning": "210000", "jilin": "220000", "heilongjiang": "230000", "shanghai": "310000",
    "jiangsu": "320000", "zhejiang": "330000", "anhui": "340000", "fujian": "350000", "jiangxi": "360000",
    "shandong": "370000", "henan": "410000", "hubei": "420000", "hunan": "430000", "guangdong": "440000",
    "guangxi": "450000", "hainan": "460000", "chongqing": "500000", "sichuan": "510000", "guizhou": "520000",
    "yunnan": "530000", "xizang": "540000", "shaanxi": "610000", "gansu": "620000", "qinghai": "630000",
    "ningxia": "640000", "xinjiang": "650000",
}


class PensionScheme(Enum):
    """养老保险类别."""

    enterprise = "企业职工基本养老保险"
    institution = "机关事业单位工作人员基本养老保险"


class EmploymentStatus(Enum):
    """参保人员死亡时的状态."""

    employed = "在职"
    retired = "退休"


class EnterpriseSize(Enum):
    """单位划型（工信部联企业〔2011〕300号）及参照执行的单位."""

    micro = "微型企业"
    small = "小型企业"
    medium = "中型企业"
    large = "大型企业"
    individual_business = "以单位身份参保的个体工商户"
    other_unit = "机关事业单位以外的其他单位"
    public_institution = "机关事业单位"


class UnitKind(Enum):
    """失业保险参保单位类型（稳岗返还）."""

    enterprise = "企业"
    other_unit = "其他参保单位（非财政拨款）"
    fully_funded = "财政全额拨款单位"
    partly_funded = "财政差额拨款单位"


class InjuryBasis(Enum):
    """工伤保险参保方式."""

    industry = "按行业类别（工资总额×费率）"
    project = "工程建设项目按项目参保（合同总造价×1.8‰）"
