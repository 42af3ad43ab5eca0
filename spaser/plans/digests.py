"""E-mail digests of the actions to follow up: weekly for overdue actions, and before each meeting of a scheme.

Each action's referent gets the actions they follow, each administrator of the scheme's organisation all of them;
a recipient gets one mail per digest, listing every scheme concerned. A digest is keyed by recipient and period
(« retard:2026-W49 ») or meeting (« reunion:12:2026-12-15 »): what was sent is stored (DigestSent) and never sent
again, so the command may run as often as the scheduler likes.

Meetings belong to the governance app, above this one: `meeting_digests` takes the upcoming meeting dates per scheme
as a function (`MeetingDates`), and the command lives in governance (`send_action_digests`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from spaser.formatting import count, day
from spaser.organisations.models import Membership, Role
from spaser.plans.models import OPEN_ACTION_STATUSES, Action, DigestSent


MEETING_NOTICE = timedelta(days=7)  # a meeting's digest goes out during the week before it

MeetingDates = Callable[[date, date], dict[int, list[date]]]  # (from, to) → {scheme id: meeting dates in between}


@dataclass
class Digest:
    recipient: str
    key: str
    subject: str
    introduction: str
    actions: list[Action] = field(default_factory=list)


def weekly_key(today: date) -> str:
    year, week, _ = today.isocalendar()
    return f"retard:{year}-W{week:02d}"


def meeting_key(scheme_id: int, meeting: date) -> str:
    return f"reunion:{scheme_id}:{meeting.isoformat()}"


def _open_actions():
    return Action.objects.filter(status__in=OPEN_ACTION_STATUSES).select_related(
        "engagement__axis__scheme__organisation", "referent"
    )


def _recipients(actions: Iterable[Action]) -> dict[str, list[Action]]:
    """{e-mail: the actions it follows}: the referent of each action, and every admin of the scheme's organisation."""
    actions = list(actions)
    organisations = {action.scheme.organisation_id for action in actions}
    admins: dict[int, list[str]] = {}
    for organisation_id, email in Membership.objects.filter(
        organisation__in=organisations, role=Role.ADMIN
    ).values_list("organisation", "user__email"):
        admins.setdefault(organisation_id, []).append(email)
    by_recipient: dict[str, list[Action]] = {}
    for action in actions:
        emails = {*admins.get(action.scheme.organisation_id, [])}
        if action.referent is not None:
            emails.add(action.referent.email)
        for email in emails:
            by_recipient.setdefault(email, []).append(action)
    return by_recipient


def overdue_digests(today: date) -> list[Digest]:
    """This week's digest of overdue actions, one per recipient."""
    key = weekly_key(today)
    return [
        Digest(
            email,
            key,
            f"Spaser : {count(len(actions), 'action')} en retard",
            "Les actions suivantes ont dépassé leur échéance sans être réalisées ni abandonnées.",
            actions,
        )
        for email, actions in sorted(_recipients(_open_actions().overdue(today)).items())
    ]


def meeting_digests(today: date, upcoming_meetings: MeetingDates) -> list[Digest]:
    """Before each meeting of the coming week: the scheme's actions overdue or due by the meeting, per recipient."""
    digests = []
    for scheme_id, meetings in sorted(upcoming_meetings(today, today + MEETING_NOTICE).items()):
        for meeting in sorted(meetings):
            actions = _open_actions().filter(engagement__axis__scheme=scheme_id, due_date__lte=meeting)
            for email, followed in sorted(_recipients(actions).items()):
                scheme = followed[0].scheme
                digests.append(
                    Digest(
                        email,
                        meeting_key(scheme_id, meeting),
                        f"Spaser : réunion du {day(meeting)} sur « {scheme.title} »",
                        f"Avant la réunion du {day(meeting)}, les actions en retard ou à échéance d'ici là.",
                        followed,
                    )
                )
    return digests


def body(digest: Digest, site_url: str, today: date) -> str:
    lines = ["Bonjour,", "", digest.introduction]
    scheme = None
    for action in sorted(digest.actions, key=lambda action: (action.scheme.title, action.due_date, action.pk)):
        if action.scheme != scheme:
            scheme = action.scheme
            lines += ["", f"SPASER « {scheme.title} » ({scheme.organisation})"]
        late = (today - action.due_date).days
        status = f"en retard de {count(late, 'jour')}" if late > 0 else f"échéance le {day(action.due_date)}"
        lines.append(f"- {action.title} ({action.owner}, {action.get_status_display().lower()}) : {status}")
        lines.append(f"  {site_url.rstrip('/')}{reverse('plans:action', args=[action.pk])}")
    lines += ["", "L'équipe Spaser"]
    return "\n".join(lines)


def send(digests: Iterable[Digest], site_url: str, today: date, *, dry_run: bool = False) -> list[Digest]:
    """Send the digests not sent yet (one mail each, stored with it); the ones sent, or that would be."""
    sent = []
    for digest in digests:
        if DigestSent.objects.filter(recipient=digest.recipient, key=digest.key).exists():
            continue
        sent.append(digest)
        if dry_run:
            continue
        try:
            with transaction.atomic():  # stored and sent together: a failed send is tried again next run
                DigestSent.objects.create(recipient=digest.recipient, key=digest.key)
                send_mail(digest.subject, body(digest, site_url, today), None, [digest.recipient])
        except IntegrityError:  # another run sent it meanwhile
            sent.pop()
    return sent
