import datetime

import icalendar
import pytest

from spaser.governance.calendar import add_months, feed, horizon, next_meeting, planned_after
from spaser.governance.models import Frequency
from tests.governance.factories import CommitteeFactory, MeetingFactory


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime.date(2025, 1, 31), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2025, 1, 31), 3, datetime.date(2025, 4, 30)),
        (datetime.date(2025, 8, 31), 6, datetime.date(2026, 2, 28)),
        (datetime.date(2025, 12, 15), 1, datetime.date(2026, 1, 15)),
    ],
)
def test_add_months_keeps_the_day_or_the_last_day_of_a_shorter_month(start, months, expected):
    assert add_months(start, months) == expected


def test_a_monthly_committee_meeting_on_the_31st_comes_back_to_the_31st_after_february():
    committee = CommitteeFactory(frequency=Frequency.MONTHLY)
    MeetingFactory(committee=committee, date=datetime.date(2025, 1, 31))
    february = MeetingFactory(committee=committee, date=datetime.date(2025, 2, 28))
    assert horizon(february) == datetime.date(2025, 3, 31)
    assert planned_after(committee, datetime.date(2025, 3, 31)) == datetime.date(2025, 4, 30)
    assert next_meeting(committee, today=datetime.date(2025, 3, 1)) == (datetime.date(2025, 3, 31), False)


def test_a_half_yearly_committee_next_date_is_never_in_the_past():
    committee = CommitteeFactory(steering=True)
    MeetingFactory(committee=committee, date=datetime.date(2025, 3, 31))
    assert next_meeting(committee, today=datetime.date(2025, 4, 10)) == (datetime.date(2025, 9, 30), False)
    # No meeting held since: the rhythm's next date from today, not a date already gone.
    assert next_meeting(committee, today=datetime.date(2025, 10, 5)) == (datetime.date(2026, 3, 31), False)
    assert next_meeting(committee, today=datetime.date(2025, 9, 30)) == (datetime.date(2025, 9, 30), False)


def test_a_scheduled_meeting_wins_over_the_rhythm():
    committee = CommitteeFactory(steering=True)
    MeetingFactory(committee=committee, date=datetime.date(2025, 3, 31))
    MeetingFactory(committee=committee, date=datetime.date(2025, 10, 14))
    assert next_meeting(committee, today=datetime.date(2025, 4, 10)) == (datetime.date(2025, 10, 14), True)


def test_a_committee_without_rhythm_or_first_meeting_has_no_planned_date():
    assert next_meeting(CommitteeFactory(), today=datetime.date(2025, 4, 10)) == (None, False)
    on_demand = CommitteeFactory(frequency=Frequency.ON_DEMAND)
    MeetingFactory(committee=on_demand, date=datetime.date(2025, 3, 31))
    assert next_meeting(on_demand, today=datetime.date(2025, 4, 10)) == (None, False)


def test_the_feed_parses_back_with_every_meeting_and_the_tentative_next_date(settings):
    committee = CommitteeFactory(name="COTECH, achats ; durables")
    timed = MeetingFactory(
        committee=committee, date=datetime.date(2025, 1, 31), start_time=datetime.time(9, 30), place="Salle A"
    )
    all_day = MeetingFactory(committee=committee, date=datetime.date(2025, 2, 28))
    body = feed(
        committee.scheme, lambda meeting: f"https://spaser.example/reunions/{meeting.pk}/", datetime.date(2025, 3, 5)
    )

    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(body)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"reunion-{timed.pk}@spaser",
        f"reunion-{all_day.pk}@spaser",
        f"comite-{committee.pk}-prochaine@spaser",
    }
    first = events[f"reunion-{timed.pk}@spaser"]
    assert first.decoded("dtstart") == datetime.datetime(2025, 1, 31, 8, 30, tzinfo=datetime.UTC)  # 9 h 30 in Paris
    assert str(first["summary"]) == f"COTECH, achats ; durables — {committee.scheme.title}"
    assert str(first["location"]) == "Salle A"
    assert f"https://spaser.example/reunions/{timed.pk}/" in str(first["description"])
    second = events[f"reunion-{all_day.pk}@spaser"]
    assert second.decoded("dtstart") == datetime.date(2025, 2, 28)
    assert second.decoded("dtend") == datetime.date(2025, 3, 1)
    planned = events[f"comite-{committee.pk}-prochaine@spaser"]
    assert planned.decoded("dtstart") == datetime.date(2025, 3, 31)
    assert str(planned["status"]) == "TENTATIVE"
