"""Status of a plan as of a date (统计截止日期): the facts gathered in a few queries and
judged with the plain functions of ``status.py``.

- ``plan.py``: the light of every task (``plan_status``), in phases: load the tasks and
  their units, work out each task's timing, find the reports handed in
  (``reports.py``), count the overdue milestones, judge.
- ``rows.py``: what comes out (``TaskRow``, ``PlanStatus`` with its roll-ups).
- ``completeness.py``: reporting per unit for one period (报送率).
- ``targets.py``: each target's latest figure and attainment.
"""

from .completeness import CompletenessRow, completeness
from .plan import plan_status
from .reports import end_of
from .rows import PlanStatus, TaskRow
from .targets import TargetRow, target_statuses

__all__ = [
    "CompletenessRow",
    "PlanStatus",
    "TargetRow",
    "TaskRow",
    "completeness",
    "end_of",
    "plan_status",
    "target_statuses",
]
