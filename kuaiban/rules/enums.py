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


class HiredGroup(Enum):
    """被吸纳人员类别（一次性吸纳就业补贴）."""

    registered_unemployed = "登记失业人员"
    graduate_of_year = "毕业年度（应届）高校毕业生"
    other_graduate = "其他高校毕业生"
    other = "其他人员"


class BorrowerKind(Enum):
    """创业担保贷款借款人."""

    individual = "个人"
    partnership = "合伙创业或组织起来共同创业"
    small_firm = "小微企业"


class LoanArea(Enum):
    """财金〔2020〕21号 四 的地区类别（决定贷款利率上限）."""

    east = "东部地区"
    central_west = "中、西部地区"
    poor = "贫困地区（国家扶贫开发工作重点县、全国14个集中连片特殊困难地区）"


class Sex(Enum):
    """性别（“4050”等年龄条件按性别区分）."""

    female = "女"
    male = "男"


class SubsidyMode(Enum):
    """社会保险补贴的享受方式."""

    flexible = "灵活就业（个人申领）"
    employer = "单位招用或公益性岗位安排（单位申领）"


class SubsidyGroup(Enum):
    """社会保险补贴对象类别."""

    hardship = "就业困难人员"
    hardship_special = "就业困难人员中的零就业、单亲、低保家庭人员或需赡养（抚养）患重大疾病直系亲属人员"
    graduate = "离校（毕业）2年内未就业高校毕业生"
    poverty_labour = "东西部扶贫协作和对口支援地区建档立卡贫困劳动力"
    village_labour = "本市有转移就业意愿的困难村劳动力"


class EmployerType(Enum):
    """吸纳单位类别."""

    care_household = "养老服务企业（含民办非企业单位）、员工制家政企业"
    small_firm = "小微企业（含初创期科技型中小企业、大学生创业企业）"
    other = "其他单位（公益性岗位除外）"
    # 天津: 公益性岗位 are not the enterprises of 津人社局发〔2020〕6号 第五条 (津政办规〔2020〕7号 （十二）,
    # 津人社局发〔2020〕8号 第十二条); elsewhere they are treated as other units
    public_welfare_post = "公益性岗位"


class HardshipCategory(Enum):
    """求职创业补贴的困难类别."""

    none = "不属于所列困难类别"
    dibao = "低保家庭"
    extreme_poverty = "特困人员"
    orphan = "孤儿"
    children_in_difficulty = "重点困境儿童（含事实无人抚养儿童）"
    poverty_household = "建档立卡贫困家庭"
    disabled = "残疾人或贫困残疾人家庭"
    student_loan = "在学期间获得国家助学贷款"


class SchoolKind(Enum):
    """毕业院校类别."""

    university = "全日制普通高等学校"
    vocational = "中等职业学校或技工院校"


class PostKind(Enum):
    """公益性岗位类别."""

    urban = "城镇公益性岗位"
    temporary = "临时性城镇公益性岗位"
    rural = "乡村公益性岗位"


class BusinessKind(Enum):
    """创办的经营主体."""

    small_firm = "小微企业"
    individual_business = "个体工商户"


class FounderGroup(Enum):
    """创业人员类别."""

    migrant_returnee = "返乡入乡创业人员（含农民工）"
    graduate = "高校毕业生"
    unemployed_half_year = "登记失业半年以上人员"
    other = "其他创业人员"


class PlacementKind(Enum):
    """职业介绍补贴（就业创业服务补助）的情形."""

    key_firm = "为防疫物资生产重点企业介绍劳动者（湖南）"
    cross_region_export = "跨市州有组织劳务输出（湖南）"
    key_firm_tiers = "为急聘平台重点企业推荐上岗（北京）"
    skilled_or_graduate = "介绍技能型人才或院校毕业生到本省就业（山东）"
    poverty_labour_inflow = "组织对口区县建档立卡贫困劳动力来鲁就业（山东）"
    hardship_person = "为就业困难人员推荐成功就业（天津）"
    bulk_key_firm = "向重点缺工企业一次性输送30人以上（天津）"
    school_batch = "职业院校一次性输送毕业生或实习学生30人以上（天津）"
    poverty_fulltime = "介绍脱贫人口实现全日制单位就业（重庆）"


class ServiceArea(Enum):
    """“三支一扶”服务地区（人社部发〔2021〕32号 中央财政补助分档）."""

    west = "西部地区"
    south_xinjiang_tibet = "新疆南疆四地州、西藏自治区"
    central = "中部地区"
    east = "东部地区"


class Destination(Enum):
    """劳务协作转移就业的去向."""

    shandong = "山东省"
    other_province = "其他省市"
    city_other_district = "市内其他区县"


class SchoolTier(Enum):
    """校园招聘活动补助的学校类别（湘人社规〔2020〕14号）."""

    first_tier = "一本高校"
    second_tier = "二本高校"
    other = "独立学院、高职专科学校、技师学院、中职特殊教育学校"


class DemonstrationLevel(Enum):
    """创业孵化示范基地的级别."""

    none = "未被评为创业孵化示范基地"
    national = "国家级创业孵化示范基地"
    municipal = "市级创业孵化示范基地"


class CalculationBasePurpose(Enum):
    """重庆 2021 年度计发基数的用途（渝人社发〔2021〕51号 一、二）."""

    new_retiree = "2021年新退休人员养老待遇"
    injury_lump_sums = "工伤保险一次性丧葬补助金、一次性工伤医疗补助金、生活护理费、一次性伤残就业补助金"
    death_in_service = "因病或非因工死亡的在职人员"


class RefundKind(Enum):
    """稳岗返还的种类（人社部发〔2020〕30号 二（一））."""

    general = "稳岗返还"
    hardship_benefit = "困难企业稳岗返还（按失业保险金和参保职工人数）"
    hardship_contributions = "困难企业稳岗返还（按应缴纳社会保险费）"


class SpecialBaseKind(Enum):
    """按人员类别规定的缴费（补贴、划入）基数（津人社局发〔2020〕12号 二（二）至（六）；渝人社发〔2021〕42号 三）."""

    flexible_medical = "无雇工个体工商户和灵活就业人员的基本医疗保险费基数"
    self_employed_subsidy = "灵活就业自谋职业人员社会保险补贴基数"
    custody_subsidy = "托管中心中大龄灵活就业人员社会保险补贴基数"
    unemployed_medical = "领取失业保险金人员的职工基本医疗保险和生育保险缴费基数"
    veterans_medical = "民政代管一至六级残疾军人医疗保险、残疾军人医疗补助缴费基数"
    retiree_account = "随用人单位参加职工医保的退休人员个人账户划入基数"
