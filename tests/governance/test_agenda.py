import datetime

from spaser.governance.agenda import build
from spaser.governance.models import DecisionStatus
from spaser.plans import steering
from spaser.plans.models import ActionStatus, ManualImport, ManualValue, Status
from tests.governance.factories import CommitteeFactory, DecisionFactory, MeetingFactory
from tests.plans.factories import (
    ActionFactory,
    EngagementFactory,
    ManualImportFactory,
    ManualIndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    SchemeFactory,
    TargetFactory,
)


def noon(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T12:00:00+00:00")


def objective(engagement, title: str, values: dict[int, float]):
    """A manual objective from 100 in 2024 to 300 in 2026 (trajectory 200 in 2025), with its yearly values."""
    indicator = ManualIndicatorFactory(organisation=engagement.axis.scheme.organisation, label=title)
    item = ObjectiveFactory(
        engagement=engagement, title=title, indicator_code="", manual_indicator=indicator, baseline_value=100
    )
    TargetFactory(objective=item, year=2026, value=300)
    for year, value in values.items():
        ManualValueFactory(indicator=indicator, year=year, value=value)
    ManualValue.objects.filter(indicator=indicator).update(entered_at=noon("2025-01-05"))
    return item


def test_the_agenda_of_a_small_scheme_computed_by_hand():
    scheme = SchemeFactory(status=Status.ADOPTED, adoption_date=datetime.date(2024, 3, 28))
    engagement = EngagementFactory(axis__scheme=scheme)
    late = objective(engagement, "Heures d'insertion", {2025: 120})  # 120 against a trajectory of 200
    unmeasured = objective(engagement, "Personnes formées", {})
    objective(engagement, "Marchés avec clause", {2025: 250})  # on track: not on the agenda

    committee = CommitteeFactory(scheme=scheme)  # monthly
    previous = MeetingFactory(committee=committee, date=datetime.date(2025, 3, 31))
    meeting = MeetingFactory(committee=committee, date=datetime.date(2025, 4, 30))  # the next is 31 May

    def action(title: str, due: str | None, status=ActionStatus.ONGOING):
        return ActionFactory(
            engagement=engagement, title=title, status=status, due_date=due and datetime.date.fromisoformat(due)
        )

    overdue = action("Former les acheteurs", "2025-04-15")
    action("Clore le marché de nettoyage", "2025-04-01", ActionStatus.DONE)
    action("Abandonnée", "2025-04-01", ActionStatus.DROPPED)
    due_today = action("Rédiger le guide", "2025-04-30", ActionStatus.PLANNED)
    upcoming = action("Sourcer les SIAE", "2025-05-20")
    action("Après la réunion suivante", "2025-05-31")
    action("Sans échéance", None)

    insertion = late.manual_indicator
    kept = ManualImportFactory(indicator=insertion, filename="avril.csv", values=2)
    too_early = ManualImportFactory(indicator=insertion, filename="mars.csv")
    meeting_day = ManualImportFactory(indicator=insertion, filename="jour.csv")
    ManualImportFactory(filename="autre-organisation.csv")  # an indicator no objective of the scheme follows
    for source, day in ((kept, "2025-04-10"), (too_early, "2025-03-15"), (meeting_day, "2025-04-30")):
        ManualImport.objects.filter(pk=source.pk).update(imported_at=noon(day))
        ManualValue.objects.filter(source=source).update(entered_at=noon(day))
    typed = ManualValueFactory(indicator=unmeasured.manual_indicator, year=2024, value=3)
    ManualValue.objects.filter(pk=typed.pk).update(entered_at=noon("2025-04-02"))

    followed = DecisionFactory(meeting=previous, text="Relancer les directions")
    DecisionFactory(meeting=previous, status=DecisionStatus.DONE)
    DecisionFactory(meeting=meeting, text="Décidée ce jour")
    DecisionFactory(meeting__date=datetime.date(2025, 1, 10), text="Un autre SPASER")

    agenda = build(meeting)

    assert agenda.previous == previous
    assert agenda.until == datetime.date(2025, 5, 31)
    assert [(s.objective, s.status) for s in agenda.objectives] == [
        (late, steering.LATE),
        (unmeasured, steering.NOT_YET),
    ]
    assert agenda.overdue_actions == [overdue]
    assert agenda.upcoming_actions == [due_today, upcoming]
    assert agenda.imports == [kept]
    assert agenda.entered == [{"indicator__label": "Personnes formées", "count": 1}]
    assert agenda.publication == [
        "Le SPASER a été adopté le 28 mars 2024 mais n'est pas encore publié : la publication est à faire."
    ]
    assert agenda.decisions == [followed]
    assert not agenda.empty


def test_the_first_meeting_counts_every_import_and_an_on_demand_committee_lists_no_upcoming_action():
    committee = CommitteeFactory(frequency="a-la-demande", scheme__status=Status.PUBLISHED)
    engagement = EngagementFactory(axis__scheme=committee.scheme)
    item = objective(engagement, "Heures d'insertion", {2025: 250})
    source = ManualImportFactory(indicator=item.manual_indicator)
    ManualImport.objects.filter(pk=source.pk).update(imported_at=noon("2023-01-10"))
    ActionFactory(engagement=engagement, due_date=datetime.date(2025, 5, 1))

    agenda = build(MeetingFactory(committee=committee, date=datetime.date(2025, 4, 30)))

    assert agenda.previous is None and agenda.until is None
    assert agenda.imports == [source]
    assert agenda.upcoming_actions == [] and agenda.overdue_actions == []
    assert agenda.objectives == [] and agenda.publication == []


def test_without_the_decp_store_the_agenda_says_the_objectives_cannot_be_listed(settings, tmp_path):
    settings.SPASER_STORE_DIR = tmp_path / "absent"
    objective = ObjectiveFactory(indicator_code="S1")
    action = ActionFactory(engagement=objective.engagement, due_date=datetime.date(2025, 1, 1))
    meeting = MeetingFactory(committee__scheme=objective.engagement.axis.scheme)

    agenda = build(meeting)

    assert agenda.objectives == []
    assert agenda.objectives_unavailable.startswith("Les valeurs des indicateurs DECP sont indisponibles")
    assert agenda.overdue_actions == [action]
