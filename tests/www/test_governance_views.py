"""A scheme's committees, meetings and decisions through the web: French errors on the field for what belongs to
another scheme or organisation, decisions that create or change actions, the dashboard's follow-up, the feed."""

import datetime
from html import unescape

import icalendar
import pytest
from django.urls import reverse
from lxml import html

from spaser.governance.models import CalendarFeed, Committee, CommitteeMember, Decision, Meeting
from spaser.organisations.models import Role
from spaser.plans.models import Action, ActionStatus, Status
from tests.governance.factories import CommitteeFactory, CommitteeMemberFactory, DecisionFactory, MeetingFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.plans.factories import (
    ActionFactory,
    EngagementFactory,
    ObjectiveFactory,
    PartnershipFactory,
    SchemeFactory,
    TargetFactory,
)


@pytest.fixture
def editor(client):
    membership = MembershipFactory(role=Role.EDITOR)
    client.force_login(membership.user)
    return membership


@pytest.fixture
def scheme(editor):
    return SchemeFactory(
        organisation=editor.organisation, status=Status.ADOPTED, adoption_date=datetime.date(2024, 3, 28)
    )


@pytest.fixture
def committee(scheme):
    return CommitteeFactory(scheme=scheme)


def field_errors(response, field: str) -> list[str]:
    tree = html.fromstring(response.content)
    return [" ".join(node.text_content().split()) for node in tree.xpath(f"//*[@id='id_{field}-desc-error']//p")]


def test_an_editor_creates_a_committee_and_seats_members_inside_and_outside_the_platform(client, editor, scheme):
    response = client.post(
        reverse("governance:committee_create", args=[scheme.pk]),
        {"name": "COPIL achats responsables", "kind": "copil", "frequency": "semestrielle"},
    )
    committee = Committee.objects.get(scheme=scheme)
    assert response.url.endswith(f"#comite-{committee.pk}")
    add = reverse("governance:member_add", args=[scheme.pk, committee.pk])

    assert client.post(add, {"user": editor.user.pk}).status_code == 302
    assert field_errors(client.post(add, {"user": editor.user.pk}), "user") == [
        "Cette personne siège déjà dans ce comité."
    ]
    client.post(add, {"name": "Claire Dubois", "organisation_name": "CRESS", "email": "claire@cress.example"})
    assert [str(member) for member in committee.members.all()] == [
        editor.user.get_full_name(),
        "Claire Dubois (CRESS)",
    ]

    page = client.get(reverse("governance:index", args=[scheme.pk]))
    assert "Claire Dubois (CRESS)" in page.content.decode()
    assert "à planifier : la première réunion fixe le rythme" in page.content.decode()


def test_a_user_of_another_organisation_is_refused_on_the_member_field(client, committee):
    stranger = MembershipFactory(organisation=OrganisationFactory()).user

    response = client.post(
        reverse("governance:member_add", args=[committee.scheme.pk, committee.pk]), {"user": stranger.pk}
    )

    assert response.status_code == 200
    assert field_errors(response, "user") == [
        "Cette personne n'est membre ni de l'organisation porteuse ni d'une organisation partenaire de ce SPASER : "
        "ajoutez-la comme membre extérieur (nom, organisation, e-mail)."
    ]
    assert not CommitteeMember.objects.exists()


def test_a_member_is_someone_of_the_platform_or_a_named_person(client, committee):
    response = client.post(
        reverse("governance:member_add", args=[committee.scheme.pk, committee.pk]), {"email": "a@b.fr"}
    )
    assert field_errors(response, "name") == [
        "Choisissez un membre de la plateforme, ou indiquez le nom de la personne extérieure."
    ]


def test_a_meeting_before_the_scheme_adoption_is_refused_on_the_date(client, committee):
    url = reverse("governance:meeting_create", args=[committee.scheme.pk, committee.pk])

    response = client.post(url, {"date": "2024-03-27"})

    assert field_errors(response, "date") == [
        "Une réunion ne peut pas précéder son adoption : choisissez une date à partir du 28 mars 2024."
    ]
    assert not Meeting.objects.exists()
    response = client.post(url, {"date": "2024-03-28", "start_time": "09:30", "place": "Salle du conseil"})
    meeting = Meeting.objects.get()
    assert response.url == reverse("governance:meeting", args=[committee.scheme.pk, meeting.pk])
    assert meeting.start_time == datetime.time(9, 30)


def test_a_decision_tied_to_another_scheme_objective_or_action_is_refused_on_those_fields(client, committee):
    meeting = MeetingFactory(committee=committee)
    elsewhere = EngagementFactory()
    foreign_objective, foreign_action = ObjectiveFactory(engagement=elsewhere), ActionFactory(engagement=elsewhere)

    response = client.post(
        reverse("governance:decision_create", args=[committee.scheme.pk, meeting.pk]),
        {"text": "Relancer", "objectives": [foreign_objective.pk], "actions": [foreign_action.pk]},
    )

    assert field_errors(response, "objectives") == [
        f"L'objectif n° {foreign_objective.pk} n'appartient pas à ce SPASER : choisissez parmi ses objectifs."
    ]
    assert field_errors(response, "actions") == [
        f"L'action n° {foreign_action.pk} n'appartient pas à ce SPASER : choisissez parmi ses actions."
    ]
    assert not Decision.objects.exists()


def test_a_decision_creates_an_action_and_changes_those_it_names(client, committee):
    scheme = committee.scheme
    engagement = EngagementFactory(axis__scheme=scheme)
    named = ActionFactory(engagement=engagement, status=ActionStatus.PLANNED, due_date=datetime.date(2025, 3, 1))
    untouched = ActionFactory(engagement=engagement, status=ActionStatus.PLANNED)
    objective = ObjectiveFactory(engagement=engagement)
    owner = CommitteeMemberFactory(committee=committee)
    meeting = MeetingFactory(committee=committee)

    response = client.post(
        reverse("governance:decision_create", args=[scheme.pk, meeting.pk]),
        {
            "text": "Lancer un sourcing des SIAE du territoire",
            "owner": owner.pk,
            "deadline": "2025-09-30",
            "status": "a-suivre",
            "objectives": [objective.pk],
            "actions": [named.pk],
            "action_status": ActionStatus.ONGOING,
            "action_due_date": "2025-06-30",
            "new_action_title": "Cartographier les SIAE",
            "new_action_engagement": engagement.pk,
            "new_action_owner": "Direction de l'économie",
        },
    )

    decision = Decision.objects.get()
    assert response.url.endswith(f"#decision-{decision.pk}")
    created = decision.created_action
    assert (created.title, created.owner, created.status, created.due_date, created.engagement) == (
        "Cartographier les SIAE",
        "Direction de l'économie",
        ActionStatus.PLANNED,
        datetime.date(2025, 9, 30),
        engagement,
    )
    assert set(decision.actions.all()) == {named, created}
    named.refresh_from_db(), untouched.refresh_from_db()
    assert (named.status, named.due_date) == (ActionStatus.ONGOING, datetime.date(2025, 6, 30))
    assert (untouched.status, untouched.due_date) == (ActionStatus.PLANNED, None)
    page = unescape(client.get(reverse("governance:meeting", args=[scheme.pk, meeting.pk])).content.decode())
    assert "A créé l'action « Cartographier les SIAE »" in page
    assert "l'état « En cours » et l'échéance du 30 juin 2025" in page


def test_a_new_action_needs_its_engagement_of_the_same_scheme(client, committee):
    meeting = MeetingFactory(committee=committee)
    response = client.post(
        reverse("governance:decision_create", args=[committee.scheme.pk, meeting.pk]),
        {
            "text": "Créer",
            "status": "a-suivre",
            "new_action_title": "Nouvelle",
            "new_action_engagement": EngagementFactory().pk,
        },
    )
    assert field_errors(response, "new_action_engagement") == [
        "Cet engagement n'appartient pas à ce SPASER : choisissez parmi ses engagements."
    ]
    assert field_errors(response, "new_action_owner") == ["Indiquez la direction pilote de la nouvelle action."]
    assert not Action.objects.exists()


def test_a_reader_reads_the_agenda_and_minutes_without_the_editing_buttons(client, committee):
    scheme = committee.scheme
    reader = MembershipFactory(organisation=scheme.organisation, role=Role.VIEWER).user
    engagement = EngagementFactory(axis__scheme=scheme)
    ActionFactory(engagement=engagement, title="Former les acheteurs", due_date=datetime.date(2025, 3, 1))
    held = MeetingFactory(committee=committee, date=datetime.date(2025, 2, 28), held=True)
    DecisionFactory(meeting=held, text="Relancer les directions prescriptrices")
    upcoming = MeetingFactory(committee=committee, date=datetime.date(2025, 3, 31))
    client.force_login(reader)

    page = unescape(client.get(reverse("governance:meeting", args=[scheme.pk, upcoming.pk])).content.decode())

    assert "Former les acheteurs" in page and "en retard" in page
    assert "Relancer les directions prescriptrices" in page
    assert "Le SPASER a été adopté le 28 mars 2024 mais n'est pas encore publié" in page
    assert "Ajouter une décision" not in page
    held_page = client.get(reverse("governance:meeting", args=[scheme.pk, held.pk])).content.decode()
    assert "Point sur les clauses sociales." in held_page


def test_the_dashboard_follows_the_decisions_and_the_next_meetings(client, committee, decp_store):
    scheme = committee.scheme
    objective = ObjectiveFactory(engagement__axis__scheme=scheme)
    TargetFactory(objective=objective)
    MeetingFactory(committee=committee, date=datetime.date(2025, 1, 31))
    DecisionFactory(meeting__committee=committee, meeting__date=datetime.date(2025, 1, 31), text="Relancer")
    DecisionFactory(meeting__committee=committee, meeting__date=datetime.date(2025, 1, 31), deadline=None)

    page = " ".join(unescape(client.get(reverse("plans:dashboard", args=[scheme.pk])).content.decode()).split())

    assert "2 décisions à suivre, dont 1 en retard." in page
    assert "Relancer" in page
    assert "Comité technique achats responsables : prochaine réunion le" in page


def test_the_calendar_feed_answers_its_secret_address_only(client, committee):
    MeetingFactory(committee=committee)
    feed = CalendarFeed.objects.create(scheme=committee.scheme)
    url = reverse("governance:calendar", args=[committee.scheme.pk, feed.token])
    client.logout()

    response = client.get(url)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == 2  # the meeting, the next date
    assert client.get(url.replace(feed.token, "devine")).status_code == 404
    other = SchemeFactory()
    assert client.get(reverse("governance:calendar", args=[other.pk, feed.token])).status_code == 404


def test_renewing_the_calendar_address_retires_the_former_one(client, committee):
    feed = CalendarFeed.objects.create(scheme=committee.scheme)
    former = reverse("governance:calendar", args=[committee.scheme.pk, feed.token])

    client.post(reverse("governance:calendar_renew", args=[committee.scheme.pk]))

    feed.refresh_from_db()
    assert client.get(former).status_code == 404
    assert client.get(reverse("governance:calendar", args=[committee.scheme.pk, feed.token])).status_code == 200


def test_attendance_is_taken_among_the_committee_members(client, committee):
    meeting = MeetingFactory(committee=committee, date=datetime.date(2025, 3, 31))
    present = CommitteeMemberFactory(committee=committee)
    other_committee = CommitteeMemberFactory(committee=CommitteeFactory(scheme=committee.scheme, steering=True))
    url = reverse("governance:meeting_edit", args=[committee.scheme.pk, meeting.pk])

    response = client.post(url, {"date": "2025-03-31", "attendees": [present.pk, other_committee.pk]})
    assert field_errors(response, "attendees") == ["Choisissez les présents parmi les membres du comité."]

    client.post(url, {"date": "2025-03-31", "attendees": [present.pk], "minutes": "Relevé"})
    meeting.refresh_from_db()
    assert list(meeting.attendees.all()) == [present] and meeting.minutes == "Relevé"


def test_editing_a_decision_text_leaves_its_actions_as_they_are_now(client, committee):
    action = ActionFactory(engagement__axis__scheme=committee.scheme, status=ActionStatus.PLANNED)
    decision = DecisionFactory(meeting__committee=committee, action_status=ActionStatus.ONGOING)
    decision.actions.add(action)
    action.status = ActionStatus.DONE  # done since the meeting
    action.save()
    data = {"text": "Texte corrigé", "status": "a-suivre", "actions": [action.pk], "action_status": "en-cours"}

    client.post(reverse("governance:decision_edit", args=[committee.scheme.pk, decision.pk]), data)

    action.refresh_from_db()
    decision.refresh_from_db()
    assert (decision.text, action.status) == ("Texte corrigé", ActionStatus.DONE)


def test_a_user_of_an_accepted_partner_sits_on_the_committee(client, committee):
    partner = PartnershipFactory(scheme=committee.scheme, accepted=True).organisation
    partner_user = MembershipFactory(organisation=partner, role=Role.VIEWER).user

    client.post(reverse("governance:member_add", args=[committee.scheme.pk, committee.pk]), {"user": partner_user.pk})

    assert committee.members.get().user == partner_user
