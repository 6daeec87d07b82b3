"""The monthly bulletin says why each light is what it is, in the status engine's words,
beside the unit's own explanation."""

import io

from docx import Document

from luoshi.bulletins import services
from luoshi.bulletins.monthly import gather_monthly

from .conftest import LAGGING_REASON, MAY, TASK_B

REASON = "进度5%，低于序时进度10个百分点以上"  # 序时进度 27.7% on 31 May (from 10 March)


def test_the_gathered_figures_and_the_word_file_carry_the_reason(reported, actors):
    gathered = gather_monthly(reported, MAY)
    line = next(t for c in gathered.campaigns for t in c.tasks if t.sid == TASK_B)
    assert (line.status_label, line.reason) == ("滞后", REASON)
    bulletin = services.issue_bulletin(
        actors["coordinator"], services.create_bulletin(actors["coordinator"], reported, MAY)
    )
    with bulletin.file.open("rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert f"{REASON}；单位说明：{LAGGING_REASON}" in cells
