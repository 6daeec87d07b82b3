"""What an upload gives back: every problem by sheet and cell (``UploadError``), or
the reports written (``UploadResult``, a ``RowOutcome`` per row)."""

from dataclasses import dataclass, field
from decimal import Decimal

from luoshi.plans.models import Plan, Unit

from ..choices import ReportState
from ..models import Period
from ..services import ReportingError
from .layout import ROLE_SHORT

Problem = tuple[str, str, str]  # (sheet, cell, message); sheet and cell may be ""


def problem_line(problem: Problem) -> str:
    sheet, cell, message = problem
    if sheet and cell:
        return f"{sheet}!{cell}：{message}"
    if sheet:
        return f"工作表“{sheet}”：{message}"
    return message


class UploadError(ReportingError):
    """An upload refused as a whole; ``problems`` lists every reason by sheet and cell."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [problem_line(p) for p in self.problems]
        if len(lines) == 1:
            message = f"填报表未导入：{lines[0]}"
        else:
            message = f"填报表有 {len(lines)} 处问题，未导入任何数据：\n" + "\n".join(lines)
        super().__init__(message, "file")

    def lines(self) -> list[str]:
        return [problem_line(p) for p in self.problems]

    def as_json(self) -> list[dict]:
        return [
            {"sheet": sheet, "cell": cell, "message": message, "line": problem_line((sheet, cell, message))}
            for sheet, cell, message in self.problems
        ]


@dataclass
class RowOutcome:
    """What an upload did with one task row."""

    row: int
    task_id: int
    sid: str
    title: str
    role: str
    report_id: int
    state: str
    progress: Decimal | None
    values: int

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "task": self.task_id,
            "section": self.sid,
            "title": self.title,
            "role": self.role,
            "role_label": ROLE_SHORT.get(self.role, self.role),
            "report": self.report_id,
            "state": str(self.state),
            "state_label": ReportState(self.state).label,
            "progress": None if self.progress is None else float(self.progress),
            "target_values": self.values,
        }


@dataclass
class UploadResult:
    """An accepted upload: the reports written, the rows skipped and where the file is kept."""

    plan: Plan
    unit: Unit
    period: Period
    submitted: bool
    rows: list[RowOutcome] = field(default_factory=list)
    skipped_empty: int = 0
    skipped_reported: int = 0
    stored_as: str = ""

    @property
    def submitted_count(self) -> int:
        return sum(1 for r in self.rows if r.state == ReportState.SUBMITTED)

    @property
    def draft_count(self) -> int:
        return sum(1 for r in self.rows if r.state in (ReportState.DRAFT, ReportState.RETURNED))

    def summary(self) -> str:
        parts = [f"已导入 {self.unit.name} {self.period.label} 的填报"]
        parts.append(
            f"提交 {self.submitted_count} 项" if self.submitted else f"保存草稿 {self.draft_count} 项"
        )
        if self.skipped_empty:
            parts.append(f"跳过空行 {self.skipped_empty} 行")
        if self.skipped_reported:
            parts.append(f"已报送的 {self.skipped_reported} 项未重复导入")
        return "，".join(parts[:1]) + "：" + "，".join(parts[1:])

    def as_json(self) -> dict:
        return {
            "ok": True,
            "plan": self.plan.pk,
            "unit": self.unit.name,
            "period": self.period.key,
            "period_label": self.period.label,
            "submitted": self.submitted,
            "submitted_count": self.submitted_count,
            "draft_count": self.draft_count,
            "skipped_empty": self.skipped_empty,
            "skipped_reported": self.skipped_reported,
            "stored_as": self.stored_as,
            "rows": [r.as_json() for r in self.rows],
        }
