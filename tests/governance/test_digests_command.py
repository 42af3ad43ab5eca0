import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from spaser.governance.calendar import meetings_between
from spaser.plans import digests
from spaser.plans.models import DigestSent
from tests.governance.factories import MeetingFactory
from tests.plans.test_digests import action, scheme_with_members


pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme():
    return scheme_with_members()


def test_the_command_sends_once_and_its_dry_run_sends_nothing(scheme, capsys):
    today = timezone.localdate()
    action(scheme, "Former les acheteurs", today - datetime.timedelta(days=7))
    key = digests.weekly_key(today)

    call_command("send_action_digests", "--dry-run")
    assert mail.outbox == [] and not DigestSent.objects.exists()
    assert f"{key} → admin@region.example (1\u00a0action) : à envoyer" in capsys.readouterr().out

    call_command("send_action_digests")
    call_command("send_action_digests")
    assert [message.to for message in mail.outbox] == [["admin@region.example"]]
    assert "0 récapitulatif(s) envoyé, 1 déjà envoyé(s)." in capsys.readouterr().out


def test_the_command_announces_the_meetings_of_the_coming_week(scheme):
    today = timezone.localdate()
    action(scheme, "Sourcer les SIAE", today + datetime.timedelta(days=2))
    meeting = MeetingFactory(committee__scheme=scheme, date=today + datetime.timedelta(days=3))
    MeetingFactory(committee__scheme=scheme, date=today + datetime.timedelta(days=30))

    call_command("send_action_digests")

    assert meetings_between(today, today + digests.MEETING_NOTICE) == {scheme.pk: [meeting.date]}
    assert [message.to for message in mail.outbox] == [["admin@region.example"]]
    assert "Sourcer les SIAE" in mail.outbox[0].body
    assert DigestSent.objects.get().key == digests.meeting_key(scheme.pk, meeting.date)
