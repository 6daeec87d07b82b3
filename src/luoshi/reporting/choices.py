"""Choices of the reporting domain, with Chinese labels and colours."""

from django.db import models


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    APPROVED = "approved", "单位已审核"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已审定"


STATE_COLOURS = {
    ReportState.DRAFT: "#8a8f98",
    ReportState.SUBMITTED: "#2f6fd0",
    ReportState.APPROVED: "#6b4fd0",
    ReportState.RETURNED: "#d0312d",
    ReportState.ACCEPTED: "#2e9d4a",
}

# states in which a report counts as reported (it has left the reporter's hands)
REPORTED_STATES = (ReportState.SUBMITTED, ReportState.APPROVED, ReportState.ACCEPTED)


class ReminderKind(models.TextChoices):
    """What a notice is about. Reporting reminders first; other domains add theirs here
    (a value not listed still sends, it only shows untranslated)."""

    BEFORE = "before", "报送期限前提醒"
    DUE_DAY = "due_day", "报送当日提醒"
    OVERDUE = "overdue", "逾期催报"
    ESCALATE_HEAD = "escalate_head", "逾期告知单位负责人"
    ESCALATE_OFFICE = "escalate_office", "逾期告知专班办公室"
    SUPERVISION_ASSIGNED = "supervision_assigned", "督办事项交办"
    SUPERVISION_DUE = "supervision_due", "督办到期提醒"
    SUPERVISION_URGE = "supervision_urge", "督办催办"
    SUPERVISION_OVERDUE = "supervision_overdue", "督办逾期告知"
    NOTICE = "notice", "通知"


class Channel(models.TextChoices):
    INAPP = "inapp", "站内消息"
    EMAIL = "email", "邮件"
    WEBHOOK = "webhook", "工作群机器人"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "待发送"
    CLAIMED = "claimed", "待发出"
    SENDING = "sending", "发送中"
    DOUBT = "doubt", "待核实"
    RETRY = "retry", "待重试"
    SENT = "sent", "已发送"
    PARTIAL = "partial", "部分发送失败"
    FAILED = "failed", "发送失败"
