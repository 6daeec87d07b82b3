"""四比四提高: the four rates of major projects, as of a date. Plain Python.

Over a set of projects, with their figures as they stood on ``as_of``:

* 争资占比率 (比争资) = Σ 争取资金 / Σ 申报资金 × 100 %, over projects that applied for funds;
* 项目开工率 (比开工) = projects planned to start by ``as_of`` that had started by then /
  projects planned to start by ``as_of`` × 100 % (an early start of a project planned
  later does not count, so the rate never passes 100 %);
* 资金支付率 (比支付) = Σ 支付资金 / Σ 到位资金 × 100 %;
* 实物完成率 (比实物) = Σ 年度完成投资 / Σ 年度计划投资 × 100 % — the investment-weighted
  share of this year's physical work done; the plain mean of the projects' 形象进度 is
  given beside it (``mean_progress``) but a big project weighs more than a small one.

A rate whose denominator is zero is None (shown as “—”), never 0 or 100. Rates are
rounded half up to one decimal.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Figures:
    """One project's figures as of a date (money in 万元, progress in %)."""

    code: str
    name: str
    owner: str
    campaign: str
    annual_planned_investment: Decimal = ZERO
    annual_completed_investment: Decimal = ZERO
    funds_applied: Decimal = ZERO
    funds_won: Decimal = ZERO
    funds_allocated: Decimal = ZERO
    funds_paid: Decimal = ZERO
    planned_start: dt.date | None = None
    actual_start: dt.date | None = None
    physical_progress: Decimal = ZERO
    project_id: int | None = None  # which project (codes repeat across organisations)


@dataclass(frozen=True)
class Rates:
    """The four rates of a group of projects, with the sums they come from."""

    projects: int
    funds_applied: Decimal
    funds_won: Decimal
    funding_rate: Decimal | None  # 争资占比率
    planned_starts: int
    started: int
    start_rate: Decimal | None  # 项目开工率
    funds_allocated: Decimal
    funds_paid: Decimal
    payment_rate: Decimal | None  # 资金支付率
    annual_planned_investment: Decimal
    annual_completed_investment: Decimal
    completion_rate: Decimal | None  # 实物完成率
    mean_progress: Decimal | None  # 平均形象进度

    def as_dict(self) -> dict:
        return {
            name: (str(value) if isinstance(value, Decimal) else value) for name, value in vars(self).items()
        }


RATE_LABELS = {
    "funding_rate": "争资占比率",
    "start_rate": "项目开工率",
    "payment_rate": "资金支付率",
    "completion_rate": "实物完成率",
}


def percent(part, whole) -> Decimal | None:
    """``part / whole`` in % to one decimal (half up); None when ``whole`` is zero."""
    whole = Decimal(whole)
    if whole == 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def started_by(figures: Figures, as_of: dt.date) -> bool:
    return figures.actual_start is not None and figures.actual_start <= as_of


def rates(projects: Iterable[Figures], as_of: dt.date) -> Rates:
    """The four rates of ``projects`` as of ``as_of``."""
    projects = list(projects)
    applied = sum((p.funds_applied for p in projects if p.funds_applied > 0), ZERO)
    won = sum((p.funds_won for p in projects if p.funds_applied > 0), ZERO)
    planned = [p for p in projects if p.planned_start is not None and p.planned_start <= as_of]
    started = [p for p in planned if started_by(p, as_of)]
    allocated = sum((p.funds_allocated for p in projects), ZERO)
    paid = sum((p.funds_paid for p in projects), ZERO)
    annual_planned = sum((p.annual_planned_investment for p in projects), ZERO)
    annual_done = sum((p.annual_completed_investment for p in projects), ZERO)
    mean = (
        (sum((p.physical_progress for p in projects), ZERO) / len(projects)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        if projects
        else None
    )
    return Rates(
        projects=len(projects),
        funds_applied=applied,
        funds_won=won,
        funding_rate=percent(won, applied),
        planned_starts=len(planned),
        started=len(started),
        start_rate=percent(len(started), len(planned)),
        funds_allocated=allocated,
        funds_paid=paid,
        payment_rate=percent(paid, allocated),
        annual_planned_investment=annual_planned,
        annual_completed_investment=annual_done,
        completion_rate=percent(annual_done, annual_planned),
        mean_progress=mean,
    )


GROUPINGS: dict[str, Callable[[Figures], str]] = {
    "unit": lambda p: p.owner,
    "campaign": lambda p: p.campaign or "（未归入攻坚）",
}


def rates_by(projects: Iterable[Figures], as_of: dt.date, by: str) -> dict[str, Rates]:
    """The rates per owner unit (``by="unit"``) or per campaign (``by="campaign"``), in
    first-seen order."""
    key = GROUPINGS[by]
    groups: dict[str, list[Figures]] = {}
    for project in projects:
        groups.setdefault(key(project), []).append(project)
    return {name: rates(members, as_of) for name, members in groups.items()}
