"""When a committee meets next (from its frequency), and the scheme's meetings as an iCalendar feed (RFC 5545)."""

import calendar as gregorian
import datetime
from collections.abc import Callable

import icalendar
from django.utils import timezone

from spaser.governance.models import Committee, Frequency, Meeting
from spaser.plans.models import Scheme


MONTHS_BETWEEN = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}


def add_months(start: datetime.date, months: int, day: int | None = None) -> datetime.date:
    """The same day `months` later (`day` if given), the month's last day when it has no such day (31 → 30 April)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day or start.day, gregorian.monthrange(year, month)[1]))


def planned_after(committee: Committee, after: datetime.date) -> datetime.date | None:
    """The first date of the committee's rhythm after `after`, counted from its first meeting (so that a meeting
    on the 31st is followed by the 28th of February, then the 31st of March again); None without a rhythm or a
    first meeting."""
    months = MONTHS_BETWEEN.get(committee.frequency)
    first = committee.meetings.order_by("date").first()
    if months is None or first is None:
        return None
    step = 0
    while (date := add_months(first.date, step * months, first.date.day)) <= after:
        step += 1
    return date


def next_meeting(committee: Committee, today: datetime.date | None = None) -> tuple[datetime.date | None, bool]:
    """The committee's next meeting from today: (date, True) when it is scheduled, (date from the rhythm, False)
    otherwise, counted after its last meeting and never in the past."""
    today = today or timezone.localdate()
    scheduled = committee.meetings.filter(date__gte=today).order_by("date").first()
    if scheduled:
        return scheduled.date, True
    last = committee.meetings.order_by("date").last()
    after = max(last.date, today - datetime.timedelta(days=1)) if last else today
    return planned_after(committee, after), False


def horizon(meeting: Meeting) -> datetime.date | None:
    """The committee's meeting after this one: the next scheduled, else the next date of its rhythm."""
    later = meeting.committee.meetings.filter(date__gt=meeting.date).order_by("date").first()
    return later.date if later else planned_after(meeting.committee, meeting.date)


def meetings_between(start: datetime.date, end: datetime.date) -> dict[int, list[datetime.date]]:
    """{scheme id: its scheduled meeting dates from `start` to `end`}: the meetings a digest announces (the
    rhythm's tentative dates are not meetings anyone called)."""
    found: dict[int, list[datetime.date]] = {}
    meetings = Meeting.objects.filter(date__range=(start, end)).values_list("committee__scheme_id", "date")
    for scheme_id, date in meetings.order_by("date"):
        found.setdefault(scheme_id, []).append(date)
    return found


PRODUCT = "-//Spaser//Gouvernance des SPASER//FR"


def feed(scheme: Scheme, meeting_url: Callable[[Meeting], str], today: datetime.date | None = None) -> bytes:
    """Every meeting of the scheme, and each committee's next date from its rhythm (tentative) when none is
    scheduled. Times are Paris times written in UTC; a meeting without a time is an all-day event."""
    today = today or timezone.localdate()
    ics = icalendar.Calendar()
    ics.add("prodid", PRODUCT)
    ics.add("version", "2.0")
    ics.add("calscale", "GREGORIAN")
    ics.add("x-wr-calname", f"Réunions — {scheme.title}")
    stamp = timezone.now().astimezone(datetime.UTC)
    committees = scheme.committees.all()
    meetings = Meeting.objects.filter(committee__scheme=scheme).select_related("committee")
    for meeting in meetings:
        event = _event(f"reunion-{meeting.pk}@spaser", stamp, meeting.date, meeting.start_time)
        event.add("summary", f"{meeting.committee.name} — {scheme.title}")
        event.add("description", f"Ordre du jour, présences et décisions : {meeting_url(meeting)}")
        if meeting.place:
            event.add("location", meeting.place)
        ics.add_component(event)
    for committee in committees:
        date, scheduled = next_meeting(committee, today)
        if date and not scheduled:
            event = _event(f"comite-{committee.pk}-prochaine@spaser", stamp, date, None)
            event.add("summary", f"{committee.name} (date prévue par la fréquence) — {scheme.title}")
            event.add("status", "TENTATIVE")
            ics.add_component(event)
    return ics.to_ical()


def _event(uid: str, stamp: datetime.datetime, date: datetime.date, time: datetime.time | None) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    if time is None:
        event.add("dtstart", date)
        event.add("dtend", date + datetime.timedelta(days=1))
    else:
        start = datetime.datetime.combine(date, time, tzinfo=timezone.get_default_timezone())
        event.add("dtstart", start.astimezone(datetime.UTC))
    return event
