"""Choices of the major-projects domain, with Chinese labels and colours."""

from django.db import models


class UpdateSource(models.TextChoices):
    """Where a snapshot of a project's figures came from."""

    IMPORT = "import", "台账导入"
    WEEKLY = "weekly", "每周调度"


class UpdateState(models.TextChoices):
    REPORTED = "reported", "已报送"
    RECONCILED = "reconciled", "对账一致"
    DISCREPANT = "discrepant", "对账有差异"


UPDATE_STATE_COLOURS = {
    UpdateState.REPORTED: "#2f6fd0",
    UpdateState.RECONCILED: "#2e9d4a",
    UpdateState.DISCREPANT: "#d0312d",
}


class ReconState(models.TextChoices):
    MATCHED = "matched", "一致"
    DIFFERS = "differs", "有差异"


RECON_STATE_COLOURS = {ReconState.MATCHED: "#2e9d4a", ReconState.DIFFERS: "#d0312d"}


class ReconField(models.TextChoices):
    """Figures the finance side confirms in the biweekly reconciliation (双周对账)."""

    FUNDS_WON = "funds_won", "争取资金（万元）"
    FUNDS_ALLOCATED = "funds_allocated", "到位资金（万元）"
    FUNDS_PAID = "funds_paid", "支付资金（万元）"
    ANNUAL_COMPLETED = "annual_completed_investment", "年度完成投资（万元）"


class ProjectAction(models.TextChoices):
    CREATE = "create", "建立项目"
    IMPORT = "import", "台账导入更新"
    UPDATE = "update", "每周调度"
    RECONCILE = "reconcile", "双周对账"
