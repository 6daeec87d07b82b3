from django.db import models


class JobKind(models.TextChoices):
    BULLETIN = "bulletin", "通报 Word 文件"
    DISPATCH = "dispatch", "旬调度"
    REVIEW = "review", "季讲评"
    PLAN_IMPORT = "plan_import", "方案解析"
    THREE_LISTS = "three_lists", "三张清单"
    PROJECT_LEDGER = "project_ledger", "重大项目台账"


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


# shown, never stored: a job RUNNING past LUOSHI_JOB_CLAIM_SECONDS (its worker was killed)
TIMED_OUT = "超时"

STATE_COLOURS = {
    JobState.QUEUED: "grey",
    JobState.RUNNING: "blue",
    JobState.DONE: "green",
    JobState.FAILED: "red",
}
