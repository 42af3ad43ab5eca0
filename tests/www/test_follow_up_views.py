import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from spaser.organisations.models import Role
from spaser.plans import history
from spaser.plans.models import ActionStatus
from tests.organisations.factories import MembershipFactory, UserFactory
from tests.plans.factories import (
    ActionFactory,
    ManualImportFactory,
    ObjectiveFactory,
    PartnershipFactory,
    SchemeFactory,
    TargetFactory,
)


pytestmark = pytest.mark.django_db

BECOMES = '<span aria-hidden="true">→</span><span class="fr-sr-only">devient</span>'  # « avant → après »


def member(scheme, role, **names):
    return MembershipFactory(organisation=scheme.organisation, role=role, user=UserFactory(**names)).user


@pytest.fixture
def action():
    return ActionFactory(title="Former les acheteurs", due_date=datetime.date(2026, 3, 1))


def test_an_editors_change_shows_on_the_history_page_with_who_and_before_after(client, action):
    scheme = action.scheme
    client.force_login(member(scheme, Role.EDITOR, first_name="Alex", last_name="Dupont"))
    form = {"title": action.title, "owner": action.owner, "status": ActionStatus.ONGOING, "due_date": "2026-03-01"}
    client.post(reverse("plans:edit_node", args=["actions", action.pk]), form)

    client.force_login(member(scheme, Role.VIEWER))
    page = client.get(reverse("plans:history", args=[scheme.pk]), {"type": "actions"}).content.decode()

    assert "Modification</span> Action « Former les acheteurs »" in page
    assert "Modifié par Alex Dupont le " in page
    assert f"<dt>État</dt>\n            <dd>À lancer {BECOMES} En cours</dd>" in page
    assert "Objectif «" not in page  # filtered on actions


def test_the_history_page_paginates(client):
    scheme = SchemeFactory()
    for year in range(2024, 2060):
        scheme.edition = year - 2022
        scheme.save()
    client.force_login(member(scheme, Role.VIEWER))

    first = client.get(reverse("plans:history", args=[scheme.pk])).content.decode()
    second = client.get(reverse("plans:history", args=[scheme.pk]), {"page": 2}).content.decode()

    assert "Page 1 sur 2" in first and first.count("spaser-history-entry") == 30
    assert second.count("spaser-history-entry") == 7


def test_a_facilitator_comments_an_action_and_readers_read_it(client, action):
    facilitator = member(action.scheme, Role.FACILITATOR, first_name="Sam", last_name="Leroy")
    url = reverse("plans:action", args=[action.pk])
    client.force_login(facilitator)

    response = client.post(url, {"text": "Formation reportée à janvier."}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert "Formation reportée à janvier." in response.content.decode()
    assert "Sam Leroy, le " in response.content.decode()
    client.force_login(member(action.scheme, Role.VIEWER))
    page = client.get(url).content.decode()
    assert "Formation reportée à janvier." in page and "Commenter</button>" not in page
    assert client.post(url, {"text": "Moi aussi"}).status_code == 403


def test_the_action_page_shows_the_state_history(client, action):
    editor = member(action.scheme, Role.EDITOR, first_name="Alex", last_name="Dupont")
    action.status = ActionStatus.DONE
    action._history_user = editor
    action.save()
    client.force_login(editor)

    page = client.get(reverse("plans:action", args=[action.pk])).content.decode()

    assert "À lancer à la création" in page
    assert f"À lancer {BECOMES} Réalisée, modifié par Alex Dupont le " in page


def test_overdue_actions_are_highlighted_on_the_space_the_scheme_and_its_dashboard(client, action):
    late = ActionFactory(engagement=action.engagement, title="Sourcer les SIAE", due_date=timezone.localdate())
    late.due_date -= datetime.timedelta(days=1)
    late.save()
    client.force_login(member(action.scheme, Role.VIEWER))

    space = client.get(reverse("organisations:home")).content.decode()
    dashboard = client.get(reverse("plans:dashboard", args=[action.scheme.pk])).content.decode()
    detail = client.get(reverse("plans:detail", args=[action.scheme.pk])).content.decode()

    assert 'fr-badge--error">En retard</p>' in space and "2\u00a0actions en retard" in space
    assert "2\u00a0actions après leur échéance" in dashboard and "Sourcer les SIAE</a>" in dashboard
    assert detail.count(">En retard</span>") == 2


def test_done_actions_are_never_late(client, action):
    action.status = ActionStatus.DONE
    action.save()
    client.force_login(member(action.scheme, Role.VIEWER))

    assert "En retard" not in client.get(reverse("organisations:home")).content.decode()
    assert "En retard" not in client.get(reverse("plans:dashboard", args=[action.scheme.pk])).content.decode()


def test_the_referent_is_chosen_among_the_organisations_members(client, action):
    editor = member(action.scheme, Role.EDITOR, first_name="Alex", last_name="Dupont")
    outsider = UserFactory(first_name="Hors", last_name="Organisation")
    client.force_login(editor)
    url = reverse("plans:edit_node", args=["actions", action.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url, {"title": action.title, "owner": action.owner, "status": "a-lancer", "referent": outsider.pk}
    )

    assert "Alex Dupont" in page and "Hors Organisation" not in page
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()


def test_changing_one_target_in_the_objective_form_records_only_that_target(client):
    objective = ObjectiveFactory(engagement__axis__scheme__start_year=2024, engagement__axis__scheme__end_year=2026)
    TargetFactory(objective=objective, year=2025, value=25)
    TargetFactory(objective=objective, year=2026, value=30)
    scheme = objective.scheme
    client.force_login(member(scheme, Role.EDITOR, first_name="Alex", last_name="Dupont"))
    form = client.get(reverse("plans:edit_node", args=["objectifs", objective.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"indicator": "catalogue:S1", "target_2025": "25", "target_2026": "35"}

    response = client.post(reverse("plans:edit_node", args=["objectifs", objective.pk]), data)

    assert response.status_code == 302
    entries = history.entries(history.entry_keys(scheme, "cibles"))
    assert [(e.verb, e.label, e.author) for e in entries][0] == ("modification", "cible 2026", "Alex Dupont")
    assert [(c.field, c.before, c.after) for c in entries[0].changes] == [("cible", "30", "35")]
    assert [e.verb for e in entries[1:]] == ["ajout", "ajout"]


def test_undoing_an_import_on_its_page_is_recorded_with_who_did_it(client):
    indicator = ManualImportFactory(values=2).indicator
    source = indicator.imports.get()
    scheme = SchemeFactory(organisation=indicator.organisation)
    client.force_login(member(scheme, Role.FACILITATOR, first_name="Sam", last_name="Leroy"))

    client.post(reverse("manual:import_undo", args=[indicator.pk, source.pk]))

    latest = history.entries(history.entry_keys(scheme))[0]
    assert (latest.kind.slug, latest.verb, latest.label, latest.author) == (
        "imports",
        "suppression",
        source.filename,
        "Sam Leroy",
    )


def test_partners_read_the_actions_but_not_the_owners_history(client, action):
    partnership = PartnershipFactory(scheme=action.scheme, accepted=True)
    partner = MembershipFactory(organisation=partnership.organisation, role=Role.ADMIN).user
    client.force_login(partner)

    detail = client.get(reverse("plans:detail", args=[action.scheme.pk])).content.decode()
    action_page = client.get(reverse("plans:action", args=[action.pk]))

    assert reverse("plans:history", args=[action.scheme.pk]) not in detail
    assert (
        action_page.status_code == 200 and "Toutes les modifications des actions" not in action_page.content.decode()
    )
    assert client.get(reverse("plans:history", args=[action.scheme.pk])).status_code == 403
