"""The per-purchase questionnaire: default questions, answers, the contract a purchase became (never another buyer's)
and the platform indicators, counted by hand on the DECP fixture (tests/indicators/factories.py)."""

import datetime

import pytest

from spaser.governance import questionnaires
from spaser.governance.models import Answer, Lever, ProjectStatus
from tests.governance.factories import PurchaseProjectFactory, answer
from tests.indicators.factories import A1, A2, B1
from tests.organisations.factories import BuyerAFactory
from tests.plans.factories import SchemeFactory


YES, NO = Answer.YES, Answer.NO
TODAY = datetime.date(2025, 12, 31)


@pytest.fixture
def scheme():
    return SchemeFactory(organisation=BuyerAFactory())


def test_a_scheme_gets_the_default_questions_once(scheme):
    questionnaires.questions(scheme)
    created = list(questionnaires.questions(scheme))
    assert [question.lever for question in created] == [
        Lever.SOURCING,
        Lever.RESERVED,
        Lever.SOCIAL_CLAUSE,
        Lever.ENVIRONMENTAL,
        Lever.RECYCLED,
        Lever.SME_LOTS,
    ]
    assert [question.position for question in created] == [1, 2, 3, 4, 5, 6]


def test_a_project_is_questioned_the_first_day_every_question_has_an_answer(scheme):
    project = PurchaseProjectFactory(scheme=scheme)
    questions = list(questionnaires.questions(scheme))

    questionnaires.save_answers(project, {questions[0]: YES, questions[1]: ""}, datetime.date(2025, 1, 10))
    assert project.questioned_on is None and project.answers.count() == 1

    questionnaires.save_answers(project, dict.fromkeys(questions, NO), datetime.date(2025, 1, 20))
    questionnaires.save_answers(project, dict.fromkeys(questions, YES), datetime.date(2025, 2, 1))
    project.refresh_from_db()
    assert project.questioned_on == datetime.date(2025, 1, 20)
    assert set(project.answers.values_list("answer", flat=True)) == {YES}


def test_a_project_links_to_a_marche_of_any_siret_of_its_organisation(scheme, decp_store):
    contract = questionnaires.contract_for(scheme, "M3", decp_store)  # published under A2, the second SIRET
    assert (contract.uid, contract.label) == (f"marche|{A2}|M3", "M3 — Marché 3")
    assert questionnaires.contract_for(scheme, f"marche|{A1}|M1", decp_store).id == "M1"


def test_a_contract_of_another_buyer_or_unknown_is_refused_in_french(scheme, decp_store):
    with pytest.raises(questionnaires.LinkRefused) as other:
        questionnaires.contract_for(scheme, "M7", decp_store)
    assert str(other.value) == (
        f"Le marché « M7 » a été publié par un autre acheteur (SIRET {B1}) : un questionnaire de Ville de Lyon "
        f"fictive ne peut être lié qu'à un marché de son SIREN {A1[:9]}."
    )
    with pytest.raises(questionnaires.LinkRefused, match="autre acheteur"):
        questionnaires.contract_for(scheme, f"marche|{B1}|M7", decp_store)
    with pytest.raises(questionnaires.LinkRefused, match="Aucun marché d'identifiant « M99 » dans les DECP"):
        questionnaires.contract_for(scheme, "M99", decp_store)


def test_candidates_follow_the_questionnaire_and_skip_marches_already_linked(scheme, decp_store):
    project = PurchaseProjectFactory(scheme=scheme, questioned_on=datetime.date(2024, 1, 1))
    assert [c.id for c in questionnaires.candidates(project, decp_store)] == ["M1", "M2", "M3", "M4", "M5", "M6"]

    PurchaseProjectFactory(scheme=scheme, contract_uid=f"marche|{A1}|M1")
    project.questioned_on = datetime.date(2025, 1, 1)
    assert [c.id for c in questionnaires.candidates(project, decp_store)] == ["M6"]
    project.questioned_on = None
    assert [c.id for c in questionnaires.candidates(project, decp_store, limit=2)] == ["M2", "M3"]


def hand_counted_projects(scheme):
    """Launched by TODAY: P1 questioned before (M3: social, reserved, no environment), P2 questioned after its
    consultation (M2: no social, environment), P3 never questioned, P6 questioned before (M4: nothing published).
    P4's consultation is to come, P5 was abandoned: neither counts."""
    p1 = PurchaseProjectFactory(
        scheme=scheme, consultation_date=datetime.date(2024, 1, 15), questioned_on=datetime.date(2024, 1, 10),
        contract_uid=f"marche|{A2}|M3",
    )  # fmt: skip
    answer(p1, {Lever.SOCIAL_CLAUSE: YES, Lever.RESERVED: YES, Lever.ENVIRONMENTAL: YES})
    p2 = PurchaseProjectFactory(
        scheme=scheme, consultation_date=datetime.date(2024, 2, 1), questioned_on=datetime.date(2024, 3, 1),
        contract_uid=f"marche|{A1}|M2",
    )  # fmt: skip
    answer(p2, {Lever.SOCIAL_CLAUSE: YES, Lever.RESERVED: NO, Lever.ENVIRONMENTAL: YES})
    PurchaseProjectFactory(scheme=scheme, consultation_date=datetime.date(2024, 2, 10))
    PurchaseProjectFactory(scheme=scheme, consultation_date=datetime.date(2026, 6, 1))
    p5 = PurchaseProjectFactory(
        scheme=scheme, consultation_date=datetime.date(2024, 1, 1), questioned_on=datetime.date(2023, 12, 1),
        status=ProjectStatus.ABANDONED, contract_uid=f"marche|{A1}|M1",
    )  # fmt: skip
    answer(p5, {Lever.SOCIAL_CLAUSE: YES})
    p6 = PurchaseProjectFactory(
        scheme=scheme, consultation_date=datetime.date(2024, 3, 1), questioned_on=datetime.date(2024, 2, 1),
        contract_uid=f"marche|{A1}|M4",
    )  # fmt: skip
    answer(p6, {Lever.SOCIAL_CLAUSE: YES})


def test_the_platform_indicators_counted_by_hand(scheme, decp_store):
    hand_counted_projects(scheme)
    found = questionnaires.indicators(scheme, TODAY, decp_store)
    assert [(i.numerator, i.denominator, i.sentence) for i in found] == [
        (2, 4, "2 sur 4 (50,0\u00a0%)"),  # P1 and P6 of P1, P2, P3, P6
        (1, 2, "1 sur 2 (50,0\u00a0%)"),  # social: M3 yes, M2 no; M4 publishes nothing
        (1, 1, "1 sur 1 (100,0\u00a0%)"),  # reserved: P1's M3 only (P2 answered no)
        (1, 2, "1 sur 2 (50,0\u00a0%)"),  # environment: M3 no, M2 yes
    ]


def test_without_a_consultation_in_the_year_the_data_are_insufficient_and_say_why(scheme, decp_store):
    hand_counted_projects(scheme)
    found = questionnaires.indicators(scheme, TODAY, decp_store, year=2026)
    assert found[0].value is None
    assert found[0].sentence == (
        "données insuffisantes : aucun projet d'achat dont la date de consultation est passée"
    )


def test_an_unreadable_store_leaves_the_questioning_share_and_says_the_rest_is_unavailable(scheme, tmp_path):
    hand_counted_projects(scheme)
    found = questionnaires.indicators(scheme, TODAY, tmp_path / "nothing")
    assert found[0].sentence == "2 sur 4 (50,0\u00a0%)"
    assert {i.sentence for i in found[1:]} == {"données DECP indisponibles pour le moment"}


def test_the_report_sentences_of_a_year(scheme, decp_store):
    assert questionnaires.year_summary(scheme, 2024, TODAY, decp_store) == []  # no questionnaire: no sentence
    hand_counted_projects(scheme)
    sentences = questionnaires.year_summary(scheme, 2024, TODAY, decp_store)
    assert sentences[0] == (
        "Questionnaires d'achat, consultations de 2024 — part des consultations questionnées avant leur "
        "lancement : 2 sur 4 (50,0\u00a0%)."
    )
    assert len(sentences) == 4
