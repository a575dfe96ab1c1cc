"""The agreement's time zone: the one clock every date of the agreement is read on.

A revision "takes effect on 2026-12-17" at 00:00 of that day in the
agreement's zone (setting ``timezone``, an IANA name such as
``America/New_York``; ``UTC`` when a site sets none). The same zone decides
which day a commit reached main (provenance), which day "today" is for the
command line and the build, and the time stamps of the feed and the calendar.

This module only converts: it never reads the clock. The command line and the
plugin read the clock and ask :func:`day_at` which day it is in the zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_ZONE = "UTC"

# How the pages name the zones US agreements use most; any other zone is named by its IANA name.
_NAMES = {
    "America/New_York": "Eastern Time",
    "America/Detroit": "Eastern Time",
    "America/Chicago": "Central Time",
    "America/Denver": "Mountain Time",
    "America/Phoenix": "Mountain Standard Time (Arizona)",
    "America/Los_Angeles": "Pacific Time",
    "America/Anchorage": "Alaska Time",
    "Pacific/Honolulu": "Hawaii Time",
    "UTC": "UTC",
    "Etc/UTC": "UTC",
}


@dataclass(frozen=True, slots=True)
class Zone:
    """An IANA time zone, valid by construction (use :func:`parse_zone`)."""

    name: str

    @property
    def info(self) -> ZoneInfo:
        return ZoneInfo(self.name)

    @property
    def label(self) -> str:
        """``Eastern Time``: how a page names the zone."""
        return _NAMES.get(self.name, self.name)

    def day_at(self, moment: datetime) -> date:
        """The calendar day in this zone at ``moment`` (an aware datetime)."""
        return moment.astimezone(self.info).date()

    def day_of_timestamp(self, timestamp: int) -> date:
        """The day in this zone of a Unix time stamp (a commit's committer date)."""
        return datetime.fromtimestamp(timestamp, tz=UTC).astimezone(self.info).date()

    def start_of(self, day: date) -> datetime:
        """00:00 of ``day`` in this zone, as an aware datetime (its UTC offset follows daylight saving)."""
        return datetime.combine(day, time(0, 0), tzinfo=self.info)


UTC_ZONE = Zone(DEFAULT_ZONE)
_LEGACY = ("US/", "Etc/", "SystemV/", "posix/", "right/", "Brazil/", "Canada/", "Chile/", "Mexico/")


def parse_zone(value: object) -> Zone:
    """The zone named ``value``; ValueError with the message to show when it names none."""
    name = str(value or "").strip()
    if not name:
        return UTC_ZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = _closest(name)
        suggestion = f"; did you mean '{hint}'?" if hint else ""
        raise ValueError(
            f"timezone is '{value}', not a time zone{suggestion} "
            "(write an IANA name such as America/New_York, America/Los_Angeles or UTC)"
        ) from None
    return Zone(name)


# What people write instead of an IANA name, and the zone they mean (US agreements first).
_INFORMAL = {
    "eastern": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "central": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "ct": "America/Chicago",
    "mountain": "America/Denver",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mt": "America/Denver",
    "pacific": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
}


def _closest(name: str) -> str | None:
    import difflib

    words = name.lower().replace("standard", "").replace("daylight", "").replace("time", "").split()
    if " ".join(words) in _INFORMAL:
        return _INFORMAL[" ".join(words)]
    # Region/City names only: the legacy aliases (US/Eastern, EST5EDT) are not what a new site should write.
    names = sorted(z for z in available_timezones() if "/" in z and not z.startswith(_LEGACY))
    matches = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    return matches[0] if matches else None
