"""Validation shared by the forms and the demo: what belongs to a scheme, and when its meetings may be."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from spaser.formatting import day
from spaser.plans.models import Action, Objective, Scheme


def earliest_meeting_date(scheme: Scheme) -> tuple[datetime.date, str]:
    """The first day a meeting of the scheme may be held, and what it is (adoption or creation)."""
    if scheme.adoption_date:
        return scheme.adoption_date, "son adoption"
    return timezone.localdate(scheme.created_at), "sa création sur la plateforme"


def check_meeting_date(scheme: Scheme, date: datetime.date) -> str | None:
    earliest, what = earliest_meeting_date(scheme)
    if date < earliest:
        return f"Une réunion ne peut pas précéder {what} : choisissez une date à partir du {day(earliest)}."
    return None


def scheme_users(scheme: Scheme):
    """The users who may sit on a committee from inside the platform: members of the owner and accepted partners."""
    organisations = [organisation.pk for organisation in scheme.all_organisations()]
    return get_user_model().objects.filter(memberships__organisation__in=organisations).distinct()


def scheme_objectives(scheme: Scheme):
    return Objective.objects.filter(engagement__axis__scheme=scheme)


def scheme_actions(scheme: Scheme):
    return Action.objects.filter(engagement__axis__scheme=scheme)


OUTSIDE_USER = (
    "Cette personne n'est membre ni de l'organisation porteuse ni d'une organisation partenaire de ce SPASER : "
    "ajoutez-la comme membre extérieur (nom, organisation, e-mail)."
)
OTHER_SCHEME_OBJECTIVE = "L'objectif n° %(value)s n'appartient pas à ce SPASER : choisissez parmi ses objectifs."
OTHER_SCHEME_ACTION = "L'action n° %(value)s n'appartient pas à ce SPASER : choisissez parmi ses actions."
OTHER_SCHEME_ENGAGEMENT = "Cet engagement n'appartient pas à ce SPASER : choisissez parmi ses engagements."
OTHER_COMMITTEE_MEMBER = "Choisissez le responsable parmi les membres de ce comité."
