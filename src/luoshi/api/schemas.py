"""Input and output schemas of the API. Inputs are strict: unknown fields are refused."""

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    """Every failure: a Chinese sentence saying what went wrong and where."""

    error: str


ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
"""The failures of any endpoint: bad input, not signed in, not allowed, not found."""

WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 412: ErrorOut}
"""A write may also fail its If-Match (api/versioning.py)."""


class PlanOut(Schema):
    id: int
    title: str
    series: str
    version: int
    year: int
    doc_number: str
    issuer: str
    date: dt.date | None
    tasks: int
    campaigns: list[dict]


class PlanDetailOut(PlanOut):
    targets: list[dict]
    task_list: list[dict]
    responsibilities: list[dict]


class TaskOut(Schema):
    task: int
    section: str
    title: str
    campaign: str
    unit: str
    leads: list[str]
    cooperators: list[str]
    cadence: str
    start: str
    deadline: str
    expected: float
    progress: float | None
    status: str
    status_label: str
    reason: str
    latest_period: str | None
    missing_units: list[str]
    problems: str
    overdue_milestones: int


class RollupOut(Schema):
    total: int
    progress: float
    expected: float
    counts: dict[str, int]


class CampaignOut(RollupOut):
    key: str
    title: str


class StatusOut(Schema):
    plan: int
    as_of: dt.date
    overall: RollupOut
    campaigns: list[CampaignOut]
    lagging: list[int]
    lagging_tasks: list[dict]
    not_reported_units: list[dict]
    targets: list[dict]
    period: str = Field(description="统计的周期（截至该日最近一个已到报送期限的周期）")
    period_due: dt.date | None
    completeness: "CompletenessOut"


class CompletenessOut(Schema):
    due: int = Field(description="该周期应报的报告数")
    on_time: int
    late: int
    missing: int
    on_time_rate: float | None = Field(description="按时报送率（%）；没有应报的报告时为 null")


StatusOut.model_rebuild()


class UnitStatusOut(Schema):
    unit: str
    rank: int
    tasks: int
    progress: float
    expected: float
    lagging: int
    due: int
    on_time: int
    late: int
    missing: int
    on_time_rate: float | None


class ReportOut(Schema):
    id: int
    task: int
    section: str
    unit: str
    period: str
    period_label: str
    role: str
    revision: int
    state: str
    state_label: str
    due: dt.date
    progress: float | None
    progress_text: str
    problems: str
    next_steps: str
    coordination: str
    return_reason: str
    submitted_at: dt.datetime | None
    target_values: dict[str, float] = Field(description="指标编号 → 实际值")
    evidence: list["EvidenceOut"]


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    url: str = Field(description="下载地址")


ReportOut.model_rebuild()


class ReportUpdateIn(Strict):
    """Only the fields given change; ``target_values`` maps a target's id to its value
    (an empty string clears it)."""

    progress: str | float | None = None
    progress_text: str | None = None
    problems: str | None = None
    next_steps: str | None = None
    coordination: str | None = None
    target_values: dict[int, str | float] | None = None


class ReportIn(Strict):
    task: int
    period: str = Field(description="周期编号，如 2025-07-2（7月中旬）")
    progress: str | float | None = None
    progress_text: str = ""
    problems: str = ""
    next_steps: str = ""
    coordination: str = ""
    target_values: dict[int, str | float] = Field(default_factory=dict)
    submit: bool = False


class ReasonIn(Strict):
    reason: str = ""


class CorrectionIn(Strict):
    """更正 of an accepted report: only the fields given change; the reason is required."""

    reason: str = ""
    progress: str | float | None = None
    progress_text: str | None = None
    problems: str | None = None
    next_steps: str | None = None
    coordination: str | None = None
    target_values: dict[int, str | float] | None = None


class TargetOut(Schema):
    target: int
    section: str
    campaign: str
    subject: str
    op: str
    value: float = Field(description="目标值")
    unit: str
    actual: float | None = Field(description="截至该日最新的实际值")
    attainment: float | None
    expected: float
    status: str


class TargetValueOut(Schema):
    id: int
    target: int
    value: float = Field(description="实际值")
    unit: str
    report: int
    reporting_unit: str
    period: str
    period_label: str
    state: str
    submitted_at: dt.datetime | None


class MilestoneOut(Schema):
    id: int
    task: int
    title: str
    due_date: dt.date
    done: bool
    done_on: dt.date | None
    order: int


class PeriodOut(Schema):
    key: str = Field(description="周期编号，如 2025-07-1")
    label: str
    cadence: str
    start: dt.date
    end: dt.date
    due: dt.date = Field(description="报送期限")


class CurrentPeriodOut(Schema):
    date: dt.date
    open: PeriodOut | None = Field(description="该日所在的周期")
    reporting: PeriodOut | None = Field(description="截至该日最近一个已到报送期限的周期（挂图作战按它统计）")


class DueItemOut(Schema):
    task: int
    section: str
    title: str
    role: str
    period: str
    period_label: str
    due: dt.date
    days_left: int
    overdue: bool
    handed_in: bool
    report: int | None
    report_state: str | None


class VersionOut(Schema):
    id: int = Field(description="该版本的方案编号")
    series: str
    version: int
    title: str
    doc_number: str
    date: dt.date | None
    year: int
    source_name: str
    imported_at: dt.datetime
    is_current: bool = Field(description="是否为现行（最新）版本")
    changes: dict[str, int] = Field(description="与上一版本相比：新增、删除、修改的任务数，新增的单位数")


class VersionContentOut(VersionOut):
    document: dict = Field(description="导入时的方案 JSON（见 docs/plan-json.md）")


class DiffStepOut(Schema):
    id: int
    version: int
    diff: dict = Field(
        description="tasks_added、tasks_removed、tasks_changed（fields 为中文字段名）、units_added、aliases_added"
    )


class DiffOut(Schema):
    from_version: int | None
    to_version: int
    steps: list[DiffStepOut]


class ImportListOut(Schema):
    id: int
    source_name: str
    state: str
    state_label: str
    created_at: dt.datetime
    plan: int | None
    version: int | None


class ImportResultOut(Schema):
    plan: int
    version: int
    created: bool = Field(description="false：内容与现行版本相同，没有导入新版本")
    diff: dict


class ImportOut(Schema):
    id: int | None = Field(description="待确认导入的编号；dry_run 上传时为 null")
    source_name: str
    state: str = Field(description="pending 待确认、confirmed 已导入、discarded 已放弃、dry_run 仅试导入")
    title: str
    previous_version: int | None
    counts: dict[str, int]
    units_to_check: list[dict] = Field(description="名录中找不到或可疑的单位名称")
    groups: list[dict]
    doubtful_targets: list[dict]
    unclear: list[str]
    missing: dict
    renames: dict[str, str]
    dry_run: ImportResultOut | None = Field(description="试导入的结果（导入后会有哪些变化）")
    error: str = Field(description="试导入失败的原因（中文）")
    result: dict | None = Field(None, description="已导入时：导入结果（与导入结果页相同）")


class AliasOut(Schema):
    id: int
    name: str
    unit: int | None = None


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    short_name: str
    order: int
    aliases: list[AliasOut]
    leads: int | None = Field(description="现行方案中牵头的任务数")
    cooperates: int | None = Field(description="现行方案中配合的任务数")


class MergeOut(Schema):
    unit: UnitOut = Field(description="保留的单位（合并后）")
    message: str
    moved: dict[str, int] = Field(description="各类记录移交的条数")
