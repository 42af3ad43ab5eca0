"""Editing a scheme's tree, its dashboard, the drill-down and the public pages (hand counts: tests/plans)."""

import csv
import html
import io
import re

import duckdb
import pytest
from django.urls import reverse

from spaser.formatting import FRENCH, INTERNATIONAL
from spaser.indicators.engine import CATALOGUE_VERSION
from spaser.organisations.models import Role
from spaser.plans.models import Axis, Engagement, IndicatorSnapshot, ManualUnit, Objective, Scheme, Status
from spaser.tables import INDICATOR_CONTRACTS_CSV
from tests.indicators.factories import A1
from tests.organisations.factories import BuyerAFactory, MembershipFactory, OrganisationFactory
from tests.plans.factories import (
    ActionFactory,
    AxisFactory,
    EngagementFactory,
    ManualIndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    SchemeFactory,
    TargetFactory,
)
from tests.table_schemas import csv_errors


@pytest.fixture
def editor(client, decp_store):
    membership = MembershipFactory(organisation=BuyerAFactory(), role=Role.EDITOR)
    client.force_login(membership.user)
    return membership


@pytest.fixture
def scheme(editor):
    return SchemeFactory(organisation=editor.organisation, start_year=2024, end_year=2026)


@pytest.fixture
def objective(scheme):
    item = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code="S1", baseline_value=20)
    TargetFactory(objective=item, year=2026, value=30)
    return item


def test_an_editor_creates_a_scheme_for_its_organisation(client, editor):
    response = client.post(
        reverse("plans:create"),
        {"organisation": editor.organisation.pk, "title": "SPASER 2024-2026", "edition": 1, "start_year": 2024,
         "end_year": 2026, "status": "draft", "mutualised": "False"},
    )  # fmt: skip

    scheme = Scheme.objects.get()
    assert response.url == reverse("plans:detail", args=[scheme.pk])
    assert scheme.organisation == editor.organisation
    assert scheme.slug.startswith("ville-de-lyon-fictive-spaser-2024-2026")


def test_period_in_order_adoption_date_required_and_creation_never_publishes(client, editor):
    response = client.post(
        reverse("plans:create"),
        {"organisation": editor.organisation.pk, "title": "T", "edition": 1, "start_year": 2026, "end_year": 2024,
         "status": "published", "mutualised": "False"},
    )  # fmt: skip

    errors = response.context["form"].errors
    assert errors["end_year"] == [
        "La dernière année (2024) précède la première (2026) : elle doit lui être égale ou postérieure."
    ]
    assert "status" in errors
    assert "Publié" not in response.content.decode()
    assert not Scheme.objects.exists()

    response = client.post(
        reverse("plans:create"),
        {"organisation": editor.organisation.pk, "title": "T", "edition": 1, "start_year": 2024, "end_year": 2026,
         "status": "adopted", "mutualised": "False"},
    )  # fmt: skip

    assert response.context["form"].errors == {"adoption_date": ["Indiquez la date d'adoption d'un SPASER adopté."]}


def test_the_whole_tree_is_built_with_forms(client, scheme):
    client.post(reverse("plans:create_node", args=["axes", scheme.pk]), {"title": "Social", "theme": "social"})
    axis = Axis.objects.get(scheme=scheme)
    client.post(reverse("plans:create_node", args=["engagements", axis.pk]), {"title": "Clauses sociales"})
    engagement = Engagement.objects.get(axis=axis)
    response = client.post(
        reverse("plans:create_node", args=["objectifs", engagement.pk]),
        {"title": "30 % social", "indicator": "catalogue:S1", "baseline_year": 2024, "baseline_value": 20,
         "deadline_year": 2026, "target_2025": 25, "target_2026": 30},
    )  # fmt: skip
    client.post(
        reverse("plans:create_node", args=["actions", engagement.pk]),
        {"title": "Former les acheteurs", "owner": "Direction de la commande publique", "status": "en-cours"},
    )

    assert response.status_code == 302
    objective = Objective.objects.get()
    assert (objective.indicator_code, objective.engagement) == ("S1", engagement)
    assert list(objective.targets.values_list("year", "value")) == [(2025, 25), (2026, 30)]
    assert engagement.actions.get().owner == "Direction de la commande publique"


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"target_2026": 130}, "target_2026", "130 n'est pas un pourcentage entre 0 et 100."),
        ({"target_2026": -5}, "target_2026", "-5 n'est pas un pourcentage entre 0 et 100."),
        ({"deadline_year": 2030}, "deadline_year", "L'échéance (2030) doit être comprise dans la période du SPASER"),
        ({"baseline_year": 2001}, "baseline_year", "L'année de référence (2001) doit être comprise entre 2014"),
        ({"target_2026": ""}, "__all__", "Fixez au moins une cible annuelle à l'objectif."),
        ({"indicator": "catalogue:XX"}, "indicator", "Sélectionnez un choix valide."),
    ],
)
def test_objective_validation(client, scheme, data, field, message):
    engagement = EngagementFactory(axis__scheme=scheme)
    form = {"title": "O", "indicator": "catalogue:S1", "baseline_year": 2024, "baseline_value": 20,
            "deadline_year": 2026, "target_2026": 30} | data  # fmt: skip

    response = client.post(reverse("plans:create_node", args=["objectifs", engagement.pk]), form)

    assert response.status_code == 200
    assert any(error.startswith(message) for error in response.context["form"].errors[field])
    assert not Objective.objects.exists()


def test_manual_indicator_of_another_organisation_is_refused(client, scheme):
    from tests.plans.factories import ManualIndicatorFactory

    foreign = ManualIndicatorFactory()
    engagement = EngagementFactory(axis__scheme=scheme)

    response = client.post(
        reverse("plans:create_node", args=["objectifs", engagement.pk]),
        {"title": "O", "indicator": f"saisi:{foreign.pk}", "deadline_year": 2026, "target_2026": 3},
    )

    assert "indicator" in response.context["form"].errors


def test_axes_are_reordered(client, scheme):
    first, second, third = (AxisFactory(scheme=scheme, title=t, position=p) for p, t in enumerate("ABC", start=1))

    client.post(reverse("plans:move_node", args=["axes", third.pk]), {"direction": "haut"})

    assert list(scheme.axes.values_list("title", flat=True)) == ["A", "C", "B"]
    client.post(reverse("plans:move_node", args=["axes", first.pk]), {"direction": "haut"})  # already first
    assert list(scheme.axes.values_list("title", flat=True)) == ["A", "C", "B"]


def test_dashboard_shows_the_values_the_chart_and_the_status_rule(client, scheme, objective):
    response = client.get(reverse("plans:dashboard", args=[scheme.pk]))

    html = response.content.decode()
    assert "<bar-line-chart" in html
    assert 'y-bar="[75.0, 100.0, null]" y-line="[20.0, 25.0, 30.0]"' in html
    assert 'y-bar-max="100" y-line-max="100"' in html  # a share: both axes from 0 to 100
    assert "75,0\u00a0%" in html and "atteint" in html
    assert "« atteint » si la cible finale est atteinte" in html


def test_dashboard_rounds_half_up_in_the_table_and_the_chart(client, scheme, objective):
    url = reverse("plans:dashboard", args=[scheme.pk])
    client.get(url)  # computes the snapshots of the store
    IndicatorSnapshot.objects.filter(code="S1", year=2024).update(value=0.1818, coverage=2 / 3)

    html = client.get(url).content.decode()

    # 0.1818 is 18.18 %, shown « 18,2 % » (not truncated to « 18,1 % »); the coverage 66.666… % is « 66,7 % ».
    assert "<td>18,2\u00a0%</td>" in html and "<td>66,7\u00a0%</td>" in html
    assert 'y-bar="[18.2, 100.0, null]"' in html


def test_dashboard_writes_counts_as_units_never_as_nombre(client, scheme):
    engagement = EngagementFactory(axis__scheme=scheme)
    reserved = ObjectiveFactory(engagement=engagement, indicator_code="R2", baseline_value=None, baseline_year=None)
    TargetFactory(objective=reserved, year=2026, value=3)
    typed = ManualIndicatorFactory(organisation=scheme.organisation, unit=ManualUnit.NUMBER)
    ManualValueFactory(indicator=typed, year=2024, value=2500)
    counted = ObjectiveFactory(engagement=engagement, indicator_code="", manual_indicator=typed)
    TargetFactory(objective=counted, year=2026, value=1)

    html = client.get(reverse("plans:dashboard", args=[scheme.pk])).content.decode()

    # R2 for buyer A in 2024: one reserved marché (tests/indicators/test_engine.py); 2 500 typed in « nombre ».
    assert "<td>1\u00a0marché</td>" in html and "<td>3\u00a0marchés</td>" in html
    assert "<td>2\u202f500</td>" in html and "<td>1</td>" in html
    assert 'unit-tooltip-bar="marchés"' in html and 'unit-tooltip-bar=""' in html
    assert not re.search(r"\d\s*nombre", html)


def test_drill_down_lists_counted_and_not_counted_contracts_and_exports_csv(client, scheme, objective):
    url = reverse("plans:contracts", args=[scheme.pk, objective.pk, 2024])

    page = client.get(url)
    export = client.get(url, {"format": "csv"})

    # S1 2024 for buyer A: m1, m3, m5 counted; m2 not counted; m4 (2019 form) has no considerations.
    assert page.context["totals"] == {"compté": 3, "non compté": 1, "non renseigné": 1}
    assert "?format=csv&amp;convention=internationale" in page.content.decode()
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "identifiant du marché"
    assert rows[0][-2:] == ["prise en compte dans l'indicateur", "raison"]
    # The reason is what the DECP publish: the social considerations of each marché (tests/indicators/factories).
    assert sorted((row[0], row[-2], row[-1]) for row in rows[1:]) == [
        ("M1", "compté", "Clause sociale"),
        ("M2", "non compté", "aucune considération sociale"),
        ("M3", "compté", "Marché réservé"),
        ("M4", "non renseigné", "considérations sociales non renseignées"),
        ("M5", "compté", "Critère social"),
    ]
    assert "<td>aucune considération sociale</td>" in page.content.decode()


def _amount_with_cents(store, contract: str, amount: float) -> None:
    with duckdb.connect(str(store / "decp.duckdb")) as connection:
        connection.execute("UPDATE versions SET montant = ? WHERE id = ?", [amount, contract])


def test_drill_down_csv_is_french_by_default(client, scheme, objective, decp_store):
    _amount_with_cents(decp_store, "M2", 50000.5)

    export = client.get(reverse("plans:contracts", args=[scheme.pk, objective.pk, 2024]), {"format": "csv"})

    assert export.content.startswith("\ufeff".encode())
    rows = {row[0]: row for row in csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";")}
    # M2: notified 2024-03-01, 50 000,50 € (amounts as the DECP give them, not rounded), SIRET A1.
    assert rows["M2"][1:5] == [A1, "Marché 2", "01/03/2024", "50000,5"]
    assert rows["M1"][4] == "100000"
    assert csv_errors(export.content.decode(), INDICATOR_CONTRACTS_CSV, FRENCH) == []


def test_drill_down_csv_in_the_international_convention(client, scheme, objective, decp_store):
    _amount_with_cents(decp_store, "M2", 50000.5)
    url = reverse("public:contracts", args=[scheme.slug, objective.pk, 2024])
    Scheme.objects.filter(pk=scheme.pk).update(status=Status.PUBLISHED)

    export = client.get(url, {"format": "csv", "convention": "internationale"})

    assert not export.content.startswith("\ufeff".encode())
    rows = {row[0]: row for row in csv.reader(io.StringIO(export.content.decode("utf-8")))}
    assert rows["identifiant du marché"][:2] == ["identifiant du marché", "SIRET de l'acheteur"]
    assert rows["M2"][1:5] == [A1, "Marché 2", "2024-03-01", "50000.5"]
    assert csv_errors(export.content.decode(), INDICATOR_CONTRACTS_CSV, INTERNATIONAL) == []


def test_drill_down_csv_neutralises_formulas_in_text_but_keeps_negative_amounts(client, scheme, objective, decp_store):
    objects = {
        "M1": '=HYPERLINK("http://evil.example";"clic")',
        "M2": "+1",
        "M3": "-2+3",
        "M4": "@SUM(A1)",
        "M5": "\tx",
    }
    with duckdb.connect(str(decp_store / "decp.duckdb")) as connection:
        for contract, text in objects.items():
            connection.execute("UPDATE versions SET objet = ? WHERE id = ?", [text, contract])
    _amount_with_cents(decp_store, "M2", -1234.5)

    export = client.get(reverse("plans:contracts", args=[scheme.pk, objective.pk, 2024]), {"format": "csv"})

    rows = {row[0]: row for row in csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";")}
    assert {contract: rows[contract][2] for contract in objects} == {c: f"'{text}" for c, text in objects.items()}
    assert rows["M2"][4] == "-1234,5"


def test_public_page_needs_no_login_and_drafts_are_never_public(client, scheme, objective):
    client.logout()
    assert client.get(reverse("public:scheme", args=[scheme.slug])).status_code == 404
    assert client.get(reverse("public:contracts", args=[scheme.slug, objective.pk, 2024])).status_code == 404
    assert client.get(reverse("public:audit", args=[scheme.slug, objective.pk, 2024])).status_code == 404
    assert scheme.title not in client.get(reverse("public:schemes")).content.decode()

    Scheme.objects.filter(pk=scheme.pk).update(status=Status.PUBLISHED)

    page = client.get(reverse("public:scheme", args=[scheme.slug]))
    assert page.status_code == 200 and "<bar-line-chart" in page.content.decode()
    assert scheme.title in client.get(reverse("public:schemes")).content.decode()
    assert client.get(reverse("public:contracts", args=[scheme.slug, objective.pk, 2024])).status_code == 200
    assert client.get(reverse("public:audit", args=[scheme.slug, objective.pk, 2024])).status_code == 200


def private_urls(scheme, objective) -> list[tuple[str, str]]:
    axis = objective.engagement.axis
    action = ActionFactory(engagement=objective.engagement)
    return [
        ("get", reverse("plans:detail", args=[scheme.pk])),
        ("get", reverse("plans:edit", args=[scheme.pk])),
        ("post", reverse("plans:delete", args=[scheme.pk])),
        ("get", reverse("plans:dashboard", args=[scheme.pk])),
        ("get", reverse("plans:contracts", args=[scheme.pk, objective.pk, 2024])),
        ("get", reverse("plans:audit", args=[scheme.pk, objective.pk, 2024])),
        ("get", reverse("plans:create_node", args=["axes", scheme.pk])),
        ("get", reverse("plans:create_node", args=["engagements", axis.pk])),
        ("get", reverse("plans:create_node", args=["objectifs", objective.engagement.pk])),
        ("get", reverse("plans:create_node", args=["actions", objective.engagement.pk])),
        *[("get", reverse("plans:edit_node", args=[kind, pk])) for kind, pk in _nodes(objective, action)],
        *[("post", reverse("plans:move_node", args=[kind, pk])) for kind, pk in _nodes(objective, action)],
        *[("post", reverse("plans:delete_node", args=[kind, pk])) for kind, pk in _nodes(objective, action)],
    ]


def _nodes(objective, action):
    engagement = objective.engagement
    return [("axes", engagement.axis.pk), ("engagements", engagement.pk), ("objectifs", objective.pk),
            ("actions", action.pk)]  # fmt: skip


def test_another_organisation_can_neither_read_nor_change_a_scheme(client, scheme, objective):
    outsider = MembershipFactory(organisation=OrganisationFactory(), role=Role.ADMIN)
    client.force_login(outsider.user)

    for method, url in private_urls(scheme, objective):
        assert getattr(client, method)(url).status_code == 404, url
    assert Objective.objects.filter(pk=objective.pk).exists()


def test_a_viewer_reads_but_does_not_change(client, scheme, objective):
    viewer = MembershipFactory(organisation=scheme.organisation, role=Role.VIEWER)
    client.force_login(viewer.user)

    for method, url in private_urls(scheme, objective):
        expected = 200 if any(part in url for part in ("/pilotage/",)) or url.endswith(f"/{scheme.pk}/") else 403
        assert getattr(client, method)(url).status_code == expected, url


def test_anonymous_visitors_are_sent_to_the_login_page(client, scheme, objective):
    client.logout()
    for method, url in private_urls(scheme, objective):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url


def test_cached_dashboard_follows_every_change_of_the_tree(client, scheme, objective, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}}
    url = reverse("plans:dashboard", args=[scheme.pk])
    assert "30,0\u00a0%" in client.get(url).content.decode()

    form = {"title": objective.title, "indicator": "catalogue:S1", "baseline_year": 2024, "baseline_value": 20,
            "deadline_year": 2026, "target_2026": 45}  # fmt: skip
    client.post(reverse("plans:edit_node", args=["objectifs", objective.pk]), form)

    assert objective.targets.get(year=2026).value == 45  # changed in place: its history tells 30 → 45
    html = client.get(url).content.decode()
    assert "45,0\u00a0%" in html and "30,0\u00a0%" not in html


def test_the_audit_page_gives_counts_definition_query_and_data_version(client, scheme, objective):
    page = html.unescape(client.get(reverse("plans:audit", args=[scheme.pk, objective.pk, 2025])).content.decode())

    # S1 2025 for buyer A: m6 only, with a social clause: 1 of 1 informed → 100 %; the status is decided by 2025.
    assert "<td>marchés notifiés dans l'année avec une considération sociale</td><td>1\u00a0marché</td>" in page
    assert "<strong>100,0\u00a0%</strong>" in page
    assert "compté : 1 · non compté : 0 · non renseigné : 0" in page
    assert "2025 : 100,0\u00a0% pour une cible finale de 30,0\u00a0%." in page
    assert f"version <code>{CATALOGUE_VERSION}</code>" in page
    assert "Import n° 1 du " in page and "decp.json — 8 enregistrements lus." in page
    assert "FROM facts GROUP BY 1, 2" in page
    assert "Unité</strong> : le contrat distinct" in page


def test_the_audit_page_of_a_year_without_marchés_says_so(client, scheme, objective):
    page = html.unescape(client.get(reverse("plans:audit", args=[scheme.pk, objective.pk, 2026])).content.decode())

    assert "Aucune : pas de marché notifié cette année dans les DECP." in page


def test_every_empty_value_of_the_dashboard_says_why(client, scheme, objective):
    page = html.unescape(client.get(reverse("plans:dashboard", args=[scheme.pk])).content.decode())

    # 2026 has no marché of buyer A; no unit without a number.
    assert "pas de marché notifié cette année dans les DECP" in page
    assert "pas de cible cette année" in page
    assert not re.search(r">\s*\u00a0?%", page)
    assert "Statut : 2025 : 100,0\u00a0% pour une cible finale de 30,0\u00a0%." in page
