"""The bulletin's chart as a PNG with Chinese labels: tasks by status (left) and each
campaign's mean progress beside its expected progress (序时进度, right).

Drawn with matplotlib's Agg backend (no display) in the CJK font the ``mplfonts`` package
installs with Luoshi, so a server on a closed network renders Chinese without fetching
anything.
"""

import io
from functools import cache
from pathlib import Path

from luoshi.reporting.status import STATUS_COLOURS

from .gather import STATUS_ORDER
from .monthly import MonthlyData

EXPECTED_COLOUR = "#8a8f98"
PROGRESS_COLOUR = "#2f6fd0"


@cache
def cjk_font_path() -> Path:
    """The Noto Sans CJK SC face shipped by ``mplfonts``."""
    import mplfonts

    path = Path(mplfonts.__file__).with_name("fonts") / "NotoSansCJKsc-Regular.otf"
    if not path.exists():
        raise RuntimeError(f"找不到中文字体文件 {path}：请重新安装 mplfonts 软件包")
    return path


@cache
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font_manager.fontManager.addfont(str(cjk_font_path()))
    name = font_manager.FontProperties(fname=str(cjk_font_path())).get_name()
    plt.rcParams["font.family"] = [name]
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _short(text: str, limit: int = 8) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def monthly_chart(data: MonthlyData) -> bytes:
    """PNG bytes of the status mix and the progress of each campaign."""
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    figure, (left, right) = plt.subplots(
        1, 2, figsize=(7.2, 3.4), dpi=150, gridspec_kw={"width_ratios": [1, 1.4]}
    )
    try:
        statuses = [s for s in STATUS_ORDER if data.summary.n(s)]
        values = [data.summary.n(s) for s in statuses]
        if values:
            left.barh(
                [s.label for s in statuses],
                values,
                color=[STATUS_COLOURS[s] for s in statuses],
            )
            for y, value in enumerate(values):
                left.text(value, y, f" {value}", va="center", fontsize=9)
            left.set_ylim(max(len(values), 4) - 0.5, -0.5)  # top down, bars of one height
            left.set_xlim(0, max(values) * 1.25)
            left.xaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            left.text(0.5, 0.5, "暂无任务", ha="center", va="center", transform=left.transAxes)
        left.set_title("任务状态分布（项）", fontsize=11)
        left.tick_params(labelsize=9)
        for side in ("top", "right"):
            left.spines[side].set_visible(False)

        names = [_short(c.title or c.key) for c in data.campaigns]
        positions = range(len(names))
        height = 0.38
        right.barh(
            [p - height / 2 for p in positions],
            [c.summary.progress for c in data.campaigns],
            height=height,
            color=PROGRESS_COLOUR,
            label="平均完成进度",
        )
        right.barh(
            [p + height / 2 for p in positions],
            [c.summary.expected for c in data.campaigns],
            height=height,
            color=EXPECTED_COLOUR,
            label="序时进度",
        )
        right.set_yticks(list(positions), names)
        right.set_ylim(max(len(names), 4) - 0.5, -0.5)
        right.set_xlim(0, 100)
        right.set_xlabel("%", fontsize=9)
        right.set_title("各攻坚完成进度与序时进度（%）", fontsize=11)
        right.tick_params(labelsize=9)
        right.legend(fontsize=8, loc="lower right", frameon=False)
        for side in ("top", "right"):
            right.spines[side].set_visible(False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(figure)
