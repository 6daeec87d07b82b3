"""Choices of the plans domain, with Chinese labels."""

from django.db import models


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", "部门"
    STREET_TOWN = "street_town", "街道/镇"
    COMPANY = "company", "企业"
    STATIONED = "stationed", "驻区单位"
    GROUP = "group", "单位群体"


class TaskRole(models.TextChoices):
    LEAD = "lead", "牵头单位"
    COOPERATOR = "cooperator", "配合单位"


class TargetOp(models.TextChoices):
    GE = ">=", "不低于"
    GT = ">", "超过"
    LE = "<=", "不高于"
    LT = "<", "低于"
    EQ = "=", "达到"


class ForceRole(models.TextChoices):
    CONVENOR = "convenor", "召集人"
    DEPUTY = "deputy", "副召集人"
    MEMBER = "member", "成员单位"


class Cadence(models.TextChoices):
    """调度周期 as the plan text names them (旬调度、每周调度、双周通报、月通报、季讲评)."""

    DEKAD = "dekad", "旬"
    WEEK = "week", "周"
    FORTNIGHT = "fortnight", "双周"
    MONTH = "month", "月"
    QUARTER = "quarter", "季"
    YEAR = "year", "年"


class ImportState(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已导入"
    DISCARDED = "discarded", "已放弃"


class OrgLevel(models.TextChoices):
    """行政层级 of an organisation, top down (层层分解: 省 → 市 → 县区 → 乡镇)."""

    PROVINCE = "province", "省"
    CITY = "city", "市（州）"
    DISTRICT = "district", "县（市、区）"
    TOWN = "town", "乡镇（街道）"


class LinkKind(models.TextChoices):
    """How a lower organisation's task carries out an upper one's."""

    BREAKDOWN = "breakdown", "分解"
    ALIGNMENT = "alignment", "对标"


class LinkState(models.TextChoices):
    SUGGESTED = "suggested", "建议"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已驳回"
