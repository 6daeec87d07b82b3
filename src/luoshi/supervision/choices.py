"""Choices of the supervision domain, with Chinese labels and colours."""

from django.db import models


class Source(models.TextChoices):
    """Where a supervision item comes from (督办事项来源)."""

    INSTRUCTION = "instruction", "领导批示"
    SPECIAL = "special", "专项督查"
    TARGETED = "targeted", "靶向督查"
    UNANNOUNCED = "unannounced", "暗访"
    PUBLIC = "public", "群众反映"
    RECTIFICATION = "rectification", "整改问题"


class Level(models.TextChoices):
    """督办级别; an overdue item moves up one level."""

    NORMAL = "normal", "一般"
    KEY = "key", "重点"
    LISTED = "listed", "挂牌督办"


LEVEL_ORDER = [Level.NORMAL, Level.KEY, Level.LISTED]

LEVEL_COLOURS = {
    Level.NORMAL: "#8a8f98",
    Level.KEY: "#d08a1e",
    Level.LISTED: "#d0312d",
}


def next_level(level: str) -> str | None:
    """The level above ``level``, None at 挂牌督办."""
    index = LEVEL_ORDER.index(Level(level))
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


class ItemState(models.TextChoices):
    """交办 → 办理中 → 已反馈 → 核查中 → 已办结（销号）, 退回重办 back to 办理中."""

    ASSIGNED = "assigned", "交办"
    IN_PROGRESS = "in_progress", "办理中"
    FED_BACK = "fed_back", "已反馈"
    VERIFYING = "verifying", "核查中"
    CLOSED = "closed", "已办结（销号）"


STATE_COLOURS = {
    ItemState.ASSIGNED: "#2f6fd0",
    ItemState.IN_PROGRESS: "#6b4fd0",
    ItemState.FED_BACK: "#d08a1e",
    ItemState.VERIFYING: "#b05cc0",
    ItemState.CLOSED: "#2e9d4a",
}

OPEN_STATES = (ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.FED_BACK, ItemState.VERIFYING)


class Action(models.TextChoices):
    """What a step of an item's history did."""

    CREATE = "create", "交办"
    ACCEPT = "accept", "签收办理"
    FEEDBACK = "feedback", "反馈办理情况"
    CHECK = "check", "开始核查"
    CLOSE = "close", "核查通过、销号"
    RETURN = "return", "退回重办"
    ESCALATE = "escalate", "逾期升级"
    EDIT = "edit", "修改事项"


# The state machine: action → (from state, to state).
TRANSITIONS = {
    Action.ACCEPT: (ItemState.ASSIGNED, ItemState.IN_PROGRESS),
    Action.FEEDBACK: (ItemState.IN_PROGRESS, ItemState.FED_BACK),
    Action.CHECK: (ItemState.FED_BACK, ItemState.VERIFYING),
    Action.CLOSE: (ItemState.VERIFYING, ItemState.CLOSED),
    Action.RETURN: (ItemState.VERIFYING, ItemState.IN_PROGRESS),
}


class Deadline(models.TextChoices):
    """Where an open item stands against its deadline (for highlighting)."""

    CLOSED = "closed", "已办结"
    ON_TIME = "on_time", "正常"
    DUE_SOON = "due_soon", "临近时限"
    OVERDUE = "overdue", "已逾期"


DEADLINE_COLOURS = {
    Deadline.CLOSED: "#2e9d4a",
    Deadline.ON_TIME: "#2f6fd0",
    Deadline.DUE_SOON: "#d08a1e",
    Deadline.OVERDUE: "#d0312d",
}
