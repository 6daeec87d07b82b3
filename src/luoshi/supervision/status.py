"""Where an item stands against its deadline: pure functions over (unsaved) items."""

import datetime as dt

from .choices import Deadline, ItemState

DUE_SOON_DAYS = 3  # calendar days before the deadline an open item shows as 临近时限


def deadline_status(item, today: dt.date, due_soon_days: int = DUE_SOON_DAYS) -> str:
    """已办结, 已逾期 (past its deadline and open), 临近时限 or 正常."""
    if item.state == ItemState.CLOSED:
        return Deadline.CLOSED
    if item.deadline < today:
        return Deadline.OVERDUE
    if (item.deadline - today).days <= due_soon_days:
        return Deadline.DUE_SOON
    return Deadline.ON_TIME


def overdue_days(item, today: dt.date) -> int:
    """Calendar days an open item is past its deadline (0 when not overdue or closed)."""
    if item.state == ItemState.CLOSED or item.deadline >= today:
        return 0
    return (today - item.deadline).days
