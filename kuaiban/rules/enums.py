"""Enumerations shared by variables and calculators (values are the user-facing Chinese names)."""

from __future__ import annotations

from openfisca_core.indexed_enums import Enum


class Region(Enum):
    """省级统筹地区. The calculators accept the Chinese name (湖南) or the key (hunan)."""

    unknown = "未指定"
    hunan = "湖南"
    chongqing = "重庆"
    beijing = "北京"
    shanghai = "上海"
    tianjin = "天津"
    hubei = "湖北"


class PensionScheme(Enum):
    """养老保险类别."""

    enterprise = "企业职工基本养老保险"
    institution = "机关事业单位工作人员基本养老保险"


class EmploymentStatus(Enum):
    """参保人员死亡时的状态."""

    employed = "在职"
    retired = "退休"
