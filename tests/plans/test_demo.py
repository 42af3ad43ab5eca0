from io import StringIO
from pathlib import Path

import duckdb
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from spaser.demo.queries import data_years
from spaser.indicators.catalogue import CATALOGUE
from spaser.indicators.engine import Filters, Scope, compute, stores
from spaser.organisations.models import Establishment, Membership, Organisation, Role
from spaser.plans import contract_tags
from spaser.plans.demo import DEMO_PASSWORD
from spaser.plans.demo_content import DEMO_NAMES, HOURS, PLATFORM_ADMIN
from spaser.plans.models import (
    Action,
    Axis,
    ContractTag,
    Engagement,
    ManualImport,
    ManualIndicator,
    ManualValue,
    Objective,
    Scheme,
    Status,
    Target,
    Theme,
)
from spaser.plans.steering import MIN_COVERAGE, scheme_sirens, scheme_years


MODELS = (
    Organisation,
    Establishment,
    Membership,
    Scheme,
    Axis,
    Engagement,
    Objective,
    Target,
    Action,
    ManualIndicator,
    ManualImport,
    ManualValue,
    ContractTag,
    get_user_model(),
)


def load(store: Path) -> str:
    out = StringIO()
    call_command("load_demo", store=store, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def store_rows(store: Path, sql: str, params: list) -> list[tuple]:
    connection = duckdb.connect(str(store / "decp.duckdb"), read_only=True)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def fictitious_schemes():
    return Scheme.objects.filter(organisation__fictitious=True)


def test_loading_twice_gives_the_same_data_without_duplicates(demo_store):
    load(demo_store)
    first = counts()
    titles = sorted(Scheme.objects.values_list("title", flat=True))

    load(demo_store)

    assert counts() == first
    assert sorted(Scheme.objects.values_list("title", flat=True)) == titles
    assert first["Organisation"] == 6
    assert first["Scheme"] == 6
    assert Organisation.objects.filter(fictitious=True).count() == 4


def test_each_fictitious_scheme_has_marches_with_a_clause_tagged_to_its_engagements(demo_store):
    load(demo_store)

    for scheme in fictitious_schemes():
        summaries = contract_tags.by_engagement(scheme, demo_store)
        themes = sorted(summary.engagement.axis.theme for summary in summaries)
        assert themes == [Theme.ENVIRONMENTAL, Theme.SOCIAL], scheme
        for summary in summaries:
            assert summary.vanished == 0 and len(summary.found) == 3 and summary.amount > 0
            assert {item.contract.buyer_siret[:9] for item in summary.found} <= set(scheme_sirens(scheme))
            assert all(item.tag.tagged_by.email.startswith("redacteur@") for item in summary.contracts), scheme


def test_fictitious_organisations_are_labelled_synthetic_buyers_with_their_sirets(demo_store):
    load(demo_store)

    fictitious = Organisation.objects.filter(fictitious=True)
    assert sorted(fictitious.values_list("name", flat=True)) == sorted(DEMO_NAMES)
    for organisation in fictitious:
        assert "Exemple" in organisation.name
        assert str(organisation).endswith("(fictive)")
        sirets = organisation.sirets
        assert sirets and all(siret.startswith(organisation.siren) for siret in sirets)
        in_store = store_rows(
            demo_store,
            "SELECT DISTINCT acheteur_id FROM contracts WHERE acheteur_siren = ? ORDER BY 1",
            [organisation.siren],
        )
        assert sirets == [siret for (siret,) in in_store]
    prefixes = {organisation.buyer_type: organisation.siren[:2] for organisation in fictitious}
    assert prefixes == {"Région": "23", "Département": "22", "EPCI": "24", "Commune": "21"}


def test_each_published_fictitious_scheme_is_complete(demo_store):
    load(demo_store)

    published = fictitious_schemes().filter(status=Status.PUBLISHED)
    assert published.count() == 3
    data_years = {year for (year,) in store_rows(demo_store, "SELECT DISTINCT annee_notification FROM contracts", [])}
    for scheme in published:
        assert set(scheme.years) & data_years
        assert scheme.adoption_date and scheme.deliberation.startswith("Délibération")
        assert scheme.population and scheme.purchase_volume
        assert "fictive" in scheme.summary
        axes = list(scheme.axes.all())
        assert [axis.theme for axis in axes] == [Theme.SOCIAL, Theme.ENVIRONMENTAL, Theme.ECONOMIC]
        for axis in axes:
            assert 2 <= axis.engagements.count() <= 3
        objectives = Objective.objects.filter(engagement__axis__scheme=scheme)
        for objective in objectives:
            assert objective.baseline_year == scheme.start_year
            assert objective.baseline_value is not None
            assert objective.deadline_year == scheme.end_year
            assert [target.year for target in objective.targets.all()] == scheme.years[1:]
        final = {
            objective.indicator_code: objective.targets.get(year=scheme.end_year).value
            for objective in objectives.exclude(indicator_code="")
        }
        assert final["S1"] == 30
        assert final["E1"] == 100
        assert {"S3_RESERVE", "R2", "A1", "P3_OFFRE_UNIQUE"} <= final.keys()
        assert final["P3_OFFRE_UNIQUE"] < objectives.get(indicator_code="P3_OFFRE_UNIQUE").baseline_value
        actions = Action.objects.filter(engagement__axis__scheme=scheme)
        assert actions.exists()
        assert all(action.owner.startswith("Direction") and action.due_date for action in actions)
        assert {"Direction de la commande publique", "Direction de l'insertion et de l'emploi"} <= set(
            actions.values_list("owner", flat=True)
        )


def test_no_catalogue_indicator_lacks_data_for_the_main_scheme(demo_store):
    load(demo_store)
    scheme = fictitious_schemes().get(organisation__buyer_type="Région")
    years = scheme_years(scheme)

    with stores(demo_store) as (connection, refs):
        measured_years = sorted(set(years) & set(data_years(connection)))
        values = compute(connection, refs, Scope(sirens=scheme_sirens(scheme)), Filters(years=years))

    by_year_and_code = {(value.year, value.code): value for value in values}
    insufficient = [
        (year, indicator.code)
        for year in measured_years
        for indicator in CATALOGUE
        if _insufficient(by_year_and_code.get((year, indicator.code)))
    ]
    assert len(measured_years) >= 2
    assert insufficient == []


def _insufficient(value) -> bool:
    """What the dashboard shows as « données insuffisantes »: no value, or too few marchés with the data."""
    return value is None or value.value is None or value.coverage < MIN_COVERAGE


def test_insertion_hours_are_a_manual_indicator_with_imported_values(demo_store):
    load(demo_store)

    scheme = fictitious_schemes().get(organisation__buyer_type="Région")
    objective = Objective.objects.get(engagement__axis__scheme=scheme, manual_indicator__isnull=False)
    indicator = objective.manual_indicator
    assert indicator.label == "Heures d'insertion réalisées"
    assert indicator.unit == "heures"
    assert indicator.organisation == scheme.organisation
    source = indicator.imports.get()
    assert source.filename == HOURS.filename
    assert source.rows == indicator.values.count() > 0
    assert source.imported_by.memberships.get(organisation=scheme.organisation).role == Role.FACILITATOR
    assert set(indicator.values.values_list("source", flat=True)) == {source.pk}
    assert len(set(indicator.values.values_list("year", flat=True))) >= 2
    contract_ids = list(indicator.values.values_list("contract_id", flat=True))
    known = store_rows(demo_store, "SELECT DISTINCT id FROM contracts WHERE list_contains(?, id)", [contract_ids])
    assert len(known) == len(set(contract_ids))
    assert objective.targets.get(year=scheme.end_year).value > objective.baseline_value


def test_one_scheme_is_mutualised_between_two_fictitious_buyers_and_one_is_a_draft(demo_store):
    load(demo_store)

    mutualised = Scheme.objects.get(mutualised=True)
    assert mutualised.organisation.fictitious
    assert [partner.name for partner in mutualised.partners] == ["Ville Exemple"]
    assert mutualised.mutualised_with == "Ville Exemple"
    draft = Scheme.objects.get(status=Status.DRAFT)
    assert draft.organisation.fictitious
    assert draft not in Scheme.objects.published()
    assert draft.axes.count() == 3


def test_real_directory_entries_are_published_metadata(demo_store):
    load(demo_store)

    grand_est = Scheme.objects.get(organisation__siren="200052264")
    seine_saint_denis = Scheme.objects.get(organisation__siren="229300082")
    assert (grand_est.organisation.name, grand_est.organisation.buyer_type) == ("Région Grand Est", "Région")
    assert seine_saint_denis.organisation.name == "Département de la Seine-Saint-Denis"
    assert seine_saint_denis.organisation.buyer_type == "Département"
    for scheme, period in ((grand_est, (2022, 2026)), (seine_saint_denis, (2024, 2028))):
        assert not scheme.organisation.fictitious
        assert (scheme.start_year, scheme.end_year) == period
        assert scheme.edition == 2
        assert scheme.status == Status.PUBLISHED
        assert (scheme.population, scheme.purchase_volume) == ("plus-200000", "plus-200")
        assert not scheme.mutualised
        assert "https://achats-durables.gouv.fr/" in scheme.summary
        assert "DECP" in scheme.summary
    assert grand_est.title == "SPASER ORCHIDÉE"
    targets = {
        objective.indicator_code: [(target.year, target.value) for target in objective.targets.all()]
        for objective in Objective.objects.filter(engagement__axis__scheme=grand_est)
    }
    assert targets == {"S3_CLAUSE": [(2026, 70)], "E3_CLAUSE": [(2026, 100)]}
    assert not seine_saint_denis.axes.exists()


def test_demo_logins_have_the_announced_roles(demo_store):
    output = load(demo_store)

    User = get_user_model()
    admin = User.objects.get(username=PLATFORM_ADMIN)
    assert admin.is_staff and admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    region = Organisation.objects.get(name="Région Exemple")
    roles = {
        membership.user.username: membership.role for membership in Membership.objects.filter(organisation=region)
    }
    assert roles == {
        "admin@region-exemple.example": Role.ADMIN,
        "redacteur@region-exemple.example": Role.EDITOR,
        "facilitateur@region-exemple.example": Role.FACILITATOR,
        "lecteur@region-exemple.example": Role.VIEWER,
    }
    for organisation in Organisation.objects.filter(fictitious=True):
        memberships = Membership.objects.filter(organisation=organisation)
        assert sorted(memberships.values_list("role", flat=True)) == sorted(Role.values)
        for membership in memberships:
            user = membership.user
            assert user.email == user.username
            assert user.check_password(DEMO_PASSWORD)
            assert not user.is_staff
            assert membership.user.username in output
    assert "/spaser/region-grand-est-2022-2026/" in output
    assert "(brouillon, non public)" in output
    assert DEMO_PASSWORD in output


def test_buyers_of_real_organisations_are_never_taken_and_earlier_demo_buyers_are_replaced(demo_store):
    top_commune = store_rows(
        demo_store,
        "SELECT acheteur_siren FROM contracts WHERE kind = 'marche' AND starts_with(acheteur_siren, '21') "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        [],
    )[0][0]
    Organisation.objects.create(siren=top_commune, name="Commune réelle", buyer_type="Commune")
    stale = Organisation.objects.create(siren="239999999", name="Région Exemple", fictitious=True)
    Scheme.objects.create(
        organisation=stale, title="Ancien", slug="region-exemple-2020-2022", start_year=2020, end_year=2022
    )

    load(demo_store)

    assert Organisation.objects.get(siren=top_commune).name == "Commune réelle"
    assert Organisation.objects.get(name="Ville Exemple").siren != top_commune
    assert not Organisation.objects.filter(siren="239999999").exists()
    assert not Scheme.objects.filter(slug="region-exemple-2020-2022").exists()


def test_a_missing_store_fails_with_a_french_message(tmp_path):
    with pytest.raises(CommandError, match="make demo") as error:
        call_command("load_demo", store=tmp_path / "absent")

    assert "Aucun entrepôt DECP" in str(error.value)
    assert not Organisation.objects.exists()


def test_the_default_store_is_the_platform_store(demo_store, settings):
    settings.SPASER_STORE_DIR = demo_store

    call_command("load_demo", stdout=StringIO())

    assert Scheme.objects.count() == 6
