"""The onboarding steps of a scheme: each state from the facts (pure), then the facts read from the database."""

import pytest

from spaser.plans.progress import (
    AxisFacts,
    Kind,
    SchemeFacts,
    State,
    has_manual_values,
    next_step,
    scheme_facts,
    steps,
)
from tests.organisations.factories import OrganisationFactory
from tests.plans.factories import (
    AxisFactory,
    ManualIndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    PublishedSchemeFactory,
    SchemeFactory,
)


def facts(published=False, axes=(("Social", 1),), without_values=()):
    return SchemeFacts(
        published=published,
        axes=tuple(AxisFacts(title, count) for title, count in axes),
        indicators_without_values=tuple(without_values),
    )


def states(all_steps):
    return {step.kind: step.state for step in all_steps}


def step(all_steps, kind):
    return next(s for s in all_steps if s.kind == kind)


def test_without_a_scheme_everything_is_to_do_and_the_next_step_is_creating_it():
    all_steps = steps(None, has_manual_values=False)

    assert [s.kind for s in all_steps] == list(Kind)
    assert states(all_steps) == {
        Kind.SCHEME: State.TODO,
        Kind.OBJECTIVES: State.TODO,
        Kind.MANUAL_DATA: State.TODO,
        Kind.PUBLISH: State.TODO,
        Kind.BIENNIAL: State.UPCOMING,
    }
    assert next_step(all_steps).kind == Kind.SCHEME


def test_a_scheme_without_axes_asks_for_a_first_axis():
    all_steps = steps(facts(axes=()), has_manual_values=False)

    assert step(all_steps, Kind.SCHEME).state == State.DONE
    assert step(all_steps, Kind.OBJECTIVES).state == State.TODO
    assert "premier axe" in step(all_steps, Kind.OBJECTIVES).detail
    assert next_step(all_steps).kind == Kind.OBJECTIVES


def test_the_axes_without_an_objective_are_named():
    objectives = step(steps(facts(axes=(("Social", 2), ("Environnement", 0))), True), Kind.OBJECTIVES)

    assert objectives.state == State.TODO
    assert objectives.detail == "Axes sans objectif : Environnement."


def test_objectives_on_every_axis_are_done():
    objectives = step(steps(facts(axes=(("Social", 2), ("Environnement", 1))), True), Kind.OBJECTIVES)

    assert objectives.state == State.DONE and "3 au total" in objectives.detail


@pytest.mark.parametrize(
    ("without_values", "organisation_has_values", "expected"),
    [
        ((), False, State.TODO),
        (("Heures d'insertion",), True, State.TODO),
        ((), True, State.DONE),
    ],
)
def test_manual_data_is_done_once_every_followed_indicator_has_values(
    without_values, organisation_has_values, expected
):
    manual = step(steps(facts(without_values=without_values), organisation_has_values), Kind.MANUAL_DATA)

    assert manual.state == expected
    if without_values:
        assert "Heures d'insertion" in manual.detail


def test_publishing_is_done_once_published_and_the_biennial_step_is_always_upcoming():
    draft, published = steps(facts(), True), steps(facts(published=True), True)

    assert step(draft, Kind.PUBLISH).state == State.TODO and next_step(draft).kind == Kind.PUBLISH
    assert step(published, Kind.PUBLISH).state == State.DONE
    assert step(published, Kind.BIENNIAL).state == State.UPCOMING
    assert next_step(published) is None


def test_the_facts_are_read_from_the_scheme():
    scheme = SchemeFactory()
    AxisFactory(scheme=scheme, title="Axe vide", position=2)
    followed = ObjectiveFactory(engagement__axis__scheme=scheme, engagement__axis__position=1)
    empty = ManualIndicatorFactory(organisation=scheme.organisation, label="Formations")
    filled = ManualIndicatorFactory(organisation=scheme.organisation, label="Heures")
    ManualValueFactory(indicator=filled)
    for indicator in (empty, filled, empty):
        ObjectiveFactory(engagement=followed.engagement, indicator_code="", manual_indicator=indicator)

    read = scheme_facts(scheme)

    assert read == SchemeFacts(
        published=False,
        axes=(AxisFacts(followed.engagement.axis.title, 4), AxisFacts("Axe vide", 0)),
        indicators_without_values=("Formations",),
    )
    assert scheme_facts(PublishedSchemeFactory()).published


def test_an_organisation_has_manual_values_once_one_is_entered():
    organisation = OrganisationFactory()
    indicator = ManualIndicatorFactory(organisation=organisation)
    assert not has_manual_values(organisation)

    ManualValueFactory(indicator=indicator)

    assert has_manual_values(organisation)
