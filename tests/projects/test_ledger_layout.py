"""The 重大项目台账 as printed: every header fits its column on one line (a header wider
than its column wraps and, the header row keeping its height, runs over the first rows, as
年度计划投资(万元) did at width 12). A CJK character takes about 1.5 width units in the
bold header font (measured in LibreOffice's PDF of the ledger)."""

import unicodedata

import pytest

from luoshi.projects.ledger import DIFF_COLUMNS, PROJECT_COLUMNS, RATE_COLUMNS, UPDATE_COLUMNS


def _width(text: str) -> float:
    return sum(1.5 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@pytest.mark.parametrize("columns", [PROJECT_COLUMNS, UPDATE_COLUMNS, RATE_COLUMNS, DIFF_COLUMNS])
def test_every_header_fits_its_column(columns):
    too_wide = [(c.title, c.width) for c in columns if _width(c.title) > c.width]
    assert not too_wide, too_wide
