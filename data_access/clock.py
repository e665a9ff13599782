"""The clock. Times are stored timezone-aware (UTC in the database) and shown in the local zone."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(ZONE).replace(microsecond=0)


def today() -> date:
    return now().date()


def local(value: datetime) -> datetime:
    """A stored time in the local zone."""
    return value.astimezone(ZONE)


def day_start(day: date) -> datetime:
    """The first instant of a local day, timezone-aware."""
    return datetime.combine(day, time.min, tzinfo=ZONE)


def day_end(day: date) -> datetime:
    """The first instant after a local day (exclusive upper bound)."""
    return day_start(day + timedelta(days=1))
