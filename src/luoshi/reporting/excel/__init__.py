"""The Excel round trip of reporting: a unit downloads a workbook of its tasks due in a
period, fills it offline, and uploads it back.

Three steps on the way out (STYLE 15): ``gather_template`` collects the due tasks, their
targets and the unit's unfinished reports; ``render_template`` writes the workbook;
``build_template`` does both. On the way in, ``import_workbook`` checks the whole file
first (right template, key cells untouched, every value valid, nothing already
reported) and only then writes every row through ``file_report`` in
one transaction. Any problem stops the upload with the full list, each naming its
sheet and cell (``任务填报!G5：完成进度“约80%”不是数字…``), and nothing is written.

The package: ``layout`` (sheets, columns, notes), ``gather`` and ``template`` (out),
``meta`` (the hidden sheet), ``upload`` and ``results`` (in); the cells go through
``luoshi.core.sheets`` like every workbook.

The workbook: sheet 任务填报 (one row per due task), sheet 指标填报 (one row per target of
those tasks), both protected with the key columns locked and the input cells unlocked
and shaded, and a very hidden sheet ``_meta`` holding plan, unit, period, the template
version, the text of every locked cell and a SHA-256 over all of it. Edited key cells
are found by comparing with ``_meta``; an edited ``_meta`` by its checksum.
"""

from .gather import DueTask, TemplateData, due_tasks, find_unit, gather_template
from .layout import META_SHEET, ROLE_SHORT, TARGET_SHEET, TASK_SHEET
from .results import RowOutcome, UploadError, UploadResult
from .template import build_template, render_template
from .upload import import_workbook

__all__ = [
    "META_SHEET",
    "ROLE_SHORT",
    "TARGET_SHEET",
    "TASK_SHEET",
    "DueTask",
    "RowOutcome",
    "TemplateData",
    "UploadError",
    "UploadResult",
    "build_template",
    "due_tasks",
    "find_unit",
    "gather_template",
    "import_workbook",
    "render_template",
]
