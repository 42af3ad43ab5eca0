import datetime

import pytest
from django.core import mail

from spaser.organisations.models import Role
from spaser.plans import digests
from spaser.plans.models import ActionStatus, DigestSent
from tests.organisations.factories import MembershipFactory, UserFactory
from tests.plans.factories import ActionFactory, SchemeFactory


pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)  # a Monday, week 50
SITE = "https://spaser.example"


def scheme_with_members():
    """A scheme whose organisation has an admin (who gets every digest) and an editor (who gets none)."""
    scheme = SchemeFactory(title="SPASER de la Région")
    MembershipFactory(
        organisation=scheme.organisation, role=Role.ADMIN, user=UserFactory(email="admin@region.example")
    )
    MembershipFactory(organisation=scheme.organisation, role=Role.EDITOR, user=UserFactory(email="red@region.example"))
    return scheme


@pytest.fixture
def scheme():
    return scheme_with_members()


def action(scheme, title, due, **fields):
    return ActionFactory(engagement__axis__scheme=scheme, title=title, due_date=due, **fields)


def test_the_weekly_digest_lists_overdue_actions_to_their_referent_and_the_admins(scheme):
    referent = UserFactory(email="pilote@region.example")
    action(scheme, "Former les acheteurs", datetime.date(2026, 11, 30), referent=referent)
    action(scheme, "Sourcer les SIAE", datetime.date(2026, 12, 1), status=ActionStatus.ONGOING)
    action(scheme, "Action réalisée", datetime.date(2026, 1, 1), status=ActionStatus.DONE)
    action(scheme, "Action à venir", datetime.date(2026, 12, 31))

    sent = digests.send(digests.overdue_digests(TODAY), SITE, TODAY)

    assert sorted((d.recipient, [a.title for a in d.actions]) for d in sent) == [
        ("admin@region.example", ["Former les acheteurs", "Sourcer les SIAE"]),
        ("pilote@region.example", ["Former les acheteurs"]),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == ["admin@region.example", "pilote@region.example"]
    admin_mail = next(message for message in mail.outbox if message.to == ["admin@region.example"])
    assert admin_mail.subject == "Spaser : 2\u00a0actions en retard"
    assert (
        "Former les acheteurs (Direction de la commande publique, à lancer) : en retard de 7\u00a0jours"
        in admin_mail.body
    )
    assert "SPASER « SPASER de la Région »" in admin_mail.body
    assert f"{SITE}/espace/spaser/actions/" in admin_mail.body


def test_running_twice_the_same_week_sends_nothing_the_second_time(scheme):
    action(scheme, "Former les acheteurs", datetime.date(2026, 11, 30))

    first = digests.send(digests.overdue_digests(TODAY), SITE, TODAY)
    again = digests.send(digests.overdue_digests(TODAY + datetime.timedelta(days=3)), SITE, TODAY)
    next_week = digests.send(digests.overdue_digests(TODAY + datetime.timedelta(days=7)), SITE, TODAY)

    assert (len(first), len(again), len(next_week)) == (1, 0, 1)
    assert len(mail.outbox) == 2
    assert set(DigestSent.objects.values_list("key", flat=True)) == {"retard:2026-W50", "retard:2026-W51"}


def test_before_a_meeting_the_actions_due_by_then_go_out_once(scheme):
    action(scheme, "En retard", datetime.date(2026, 11, 30))
    action(scheme, "À échéance avant la réunion", datetime.date(2026, 12, 10))
    action(scheme, "Après la réunion", datetime.date(2027, 1, 10))
    meeting = datetime.date(2026, 12, 11)

    def meetings(start, end):
        assert (start, end) == (TODAY, TODAY + digests.MEETING_NOTICE)
        return {scheme.pk: [meeting]}

    sent = digests.send(digests.meeting_digests(TODAY, meetings), SITE, TODAY)
    again = digests.send(digests.meeting_digests(TODAY, meetings), SITE, TODAY)

    assert [(d.recipient, d.key, [a.title for a in d.actions]) for d in sent] == [
        ("admin@region.example", f"reunion:{scheme.pk}:2026-12-11", ["En retard", "À échéance avant la réunion"])
    ]
    assert again == []
    assert mail.outbox[0].subject == "Spaser : réunion du 11 décembre 2026 sur « SPASER de la Région »"
    assert "échéance le 10 décembre 2026" in mail.outbox[0].body
