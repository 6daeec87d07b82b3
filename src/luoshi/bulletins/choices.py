"""Choices of the bulletins domain, with Chinese labels and colours."""

from django.db import models


class Kind(models.TextChoices):
    """What a document is: 月通报, 旬调度 or 季讲评."""

    MONTHLY = "monthly", "月通报"
    DISPATCH = "dispatch", "旬调度"
    REVIEW = "review", "季讲评"


class State(models.TextChoices):
    """A bulletin is drafted, edited, and once issued never changes."""

    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"


STATE_COLOURS = {
    State.DRAFT: "#8a8f98",
    State.ISSUED: "#2e9d4a",
}


class Action(models.TextChoices):
    """What a step of a bulletin's history did."""

    CREATE = "create", "生成草稿"
    EDIT = "edit", "修改文字"
    REFRESH = "refresh", "更新数据"
    ISSUE = "issue", "印发"
    CORRECT = "correct", "发起更正"


# The narrative parts of a monthly bulletin an office may edit in the browser, in order.
NARRATIVE_FIELDS = ("overview", "campaigns_text", "lagging_text", "next_steps")
