"""A scheme's governance: committees and their members, meetings (agenda, minutes, attendance), decisions, and the
calendar feed. Editors of the scheme manage them; every reader of the scheme reads them; outsiders get a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from spaser.governance import agenda
from spaser.governance.calendar import feed, next_meeting
from spaser.governance.decisions import apply
from spaser.governance.models import CalendarFeed, Committee, CommitteeMember, Decision, Meeting
from spaser.plans.access import can_edit, require_edit, require_read
from spaser.plans.models import Scheme
from spaser.www import breadcrumbs
from spaser.www.governance_views.forms import CommitteeForm, DecisionForm, MeetingForm, MemberForm


def _scheme(request, pk: int, edit: bool = False) -> Scheme:
    scheme = get_object_or_404(Scheme.objects.select_related("organisation"), pk=pk)
    (require_edit if edit else require_read)(request.user, scheme)
    return scheme


def _trail(scheme: Scheme, *links) -> dict:
    return breadcrumbs.scheme_page(
        scheme, False, (reverse("governance:index", args=[scheme.pk]), "Gouvernance"), *links
    )


def _home(scheme: Scheme, anchor: str = "") -> str:
    return reverse("governance:index", args=[scheme.pk]) + (f"#{anchor}" if anchor else "")


def _form_page(request, scheme: Scheme, form, title: str, cancel_url: str, *links, submit_label: str = "Enregistrer"):
    context = {
        "title": title,
        "form": form,
        "scheme": scheme,
        "cancel_url": cancel_url,
        "submit_label": submit_label,
        "breadcrumb_data": _trail(scheme, *links),
    }
    return render(request, "layouts/form.html", context)


def index(request, pk: int):
    scheme = _scheme(request, pk)
    today = timezone.localdate()
    committees = scheme.committees.prefetch_related("members__user", "meetings")
    calendar, _ = CalendarFeed.objects.get_or_create(scheme=scheme)
    context = {
        "title": f"Gouvernance — {scheme.title}",
        "scheme": scheme,
        "breadcrumb_data": breadcrumbs.scheme_page(scheme),
        "can_edit": can_edit(request.user, scheme),
        "committees": [(committee, next_meeting(committee, today)) for committee in committees],
        "decisions": agenda.open_decisions(scheme),
        "today": today,
        "calendar_url": request.build_absolute_uri(reverse("governance:calendar", args=[scheme.pk, calendar.token])),
    }
    return render(request, "governance/index.html", context)


def committee_create(request, pk: int):
    scheme = _scheme(request, pk, edit=True)
    form = CommitteeForm(request.POST or None, instance=Committee(scheme=scheme))
    if request.method == "POST" and form.is_valid():
        committee = form.save()
        messages.success(request, f"Comité « {committee} » créé. Ajoutez-lui des membres.")
        return redirect(_home(scheme, f"comite-{committee.pk}"))
    return _form_page(request, scheme, form, "Nouveau comité", _home(scheme), submit_label="Créer")


def _committee(request, pk: int, committee_pk: int, edit: bool = False) -> Committee:
    scheme = _scheme(request, pk, edit)
    return get_object_or_404(Committee.objects.select_related("scheme__organisation"), pk=committee_pk, scheme=scheme)


def committee_edit(request, pk: int, committee_pk: int):
    committee = _committee(request, pk, committee_pk, edit=True)
    form = CommitteeForm(request.POST or None, instance=committee)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Comité enregistré.")
        return redirect(_home(committee.scheme, f"comite-{committee.pk}"))
    return _form_page(request, committee.scheme, form, f"Modifier « {committee} »", _home(committee.scheme))


@require_POST
def committee_delete(request, pk: int, committee_pk: int):
    committee = _committee(request, pk, committee_pk, edit=True)
    committee.delete()
    messages.success(request, f"Le comité « {committee} » a été supprimé, avec ses réunions et décisions.")
    return redirect(_home(committee.scheme))


def member_add(request, pk: int, committee_pk: int):
    committee = _committee(request, pk, committee_pk, edit=True)
    form = MemberForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        member = form.save()
        messages.success(request, f"{member} ajouté au comité « {committee} ».")
        return redirect(_home(committee.scheme, f"comite-{committee.pk}"))
    return _form_page(
        request,
        committee.scheme,
        form,
        f"Ajouter un membre — {committee}",
        _home(committee.scheme),
        submit_label="Ajouter",
    )


@require_POST
def member_delete(request, pk: int, committee_pk: int, member_pk: int):
    committee = _committee(request, pk, committee_pk, edit=True)
    member = get_object_or_404(CommitteeMember, pk=member_pk, committee=committee)
    member.delete()
    messages.success(request, f"{member} ne fait plus partie du comité « {committee} ».")
    return redirect(_home(committee.scheme, f"comite-{committee.pk}"))


def meeting_create(request, pk: int, committee_pk: int):
    committee = _committee(request, pk, committee_pk, edit=True)
    form = MeetingForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, "Réunion enregistrée : son ordre du jour est prêt.")
        return redirect(_meeting_url(meeting))
    return _form_page(
        request,
        committee.scheme,
        form,
        f"Nouvelle réunion — {committee}",
        _home(committee.scheme),
        submit_label="Créer",
    )


def _meeting(request, pk: int, meeting_pk: int, edit: bool = False) -> Meeting:
    scheme = _scheme(request, pk, edit)
    return get_object_or_404(
        Meeting.objects.select_related("committee__scheme__organisation"), pk=meeting_pk, committee__scheme=scheme
    )


def _meeting_url(meeting: Meeting) -> str:
    return reverse("governance:meeting", args=[meeting.committee.scheme_id, meeting.pk])


def meeting(request, pk: int, meeting_pk: int):
    item = _meeting(request, pk, meeting_pk)
    scheme = item.committee.scheme
    context = {
        "title": str(item),
        "scheme": scheme,
        "meeting": item,
        "agenda": agenda.build(item),
        "attendees": item.attendees.select_related("user"),
        "absent": item.committee.members.exclude(meetings_attended=item).select_related("user"),
        "decisions": item.decisions.select_related("owner__user", "created_action").prefetch_related(
            "objectives", "actions"
        ),
        "can_edit": can_edit(request.user, scheme),
        "held": item.date <= timezone.localdate(),
        "breadcrumb_data": _trail(scheme),
    }
    return render(request, "governance/meeting.html", context)


def meeting_edit(request, pk: int, meeting_pk: int):
    item = _meeting(request, pk, meeting_pk, edit=True)
    form = MeetingForm(request.POST or None, instance=item, committee=item.committee)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Réunion enregistrée.")
        return redirect(_meeting_url(item))
    title = f"Modifier la réunion — {item}"
    return _form_page(request, item.committee.scheme, form, title, _meeting_url(item), (_meeting_url(item), str(item)))


@require_POST
def meeting_delete(request, pk: int, meeting_pk: int):
    item = _meeting(request, pk, meeting_pk, edit=True)
    item.delete()
    messages.success(request, f"La réunion « {item} » a été supprimée, avec ses décisions.")
    return redirect(_home(item.committee.scheme))


def decision_create(request, pk: int, meeting_pk: int):
    item = _meeting(request, pk, meeting_pk, edit=True)
    form = DecisionForm(request.POST or None, meeting=item)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            decision = form.save()
            apply(decision, form.new_action())
        messages.success(request, "Décision enregistrée.")
        return redirect(f"{_meeting_url(item)}#decision-{decision.pk}")
    links = (_meeting_url(item), str(item))
    return _form_page(request, item.committee.scheme, form, f"Nouvelle décision — {item}", _meeting_url(item), links)


def _decision(request, pk: int, decision_pk: int) -> Decision:
    scheme = _scheme(request, pk, edit=True)
    return get_object_or_404(
        Decision.objects.select_related("meeting__committee__scheme"),
        pk=decision_pk,
        meeting__committee__scheme=scheme,
    )


CHANGING = {"actions", "action_status", "action_due_date"}  # an edit touching none of them leaves the actions


def decision_edit(request, pk: int, decision_pk: int):
    decision = _decision(request, pk, decision_pk)
    form = DecisionForm(request.POST or None, instance=decision, meeting=decision.meeting)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            if CHANGING & set(form.changed_data):
                apply(decision)
        messages.success(request, "Décision enregistrée.")
        return redirect(f"{_meeting_url(decision.meeting)}#decision-{decision.pk}")
    links = (_meeting_url(decision.meeting), str(decision.meeting))
    url = _meeting_url(decision.meeting)
    return _form_page(request, decision.meeting.committee.scheme, form, "Modifier la décision", url, links)


@require_POST
def decision_delete(request, pk: int, decision_pk: int):
    decision = _decision(request, pk, decision_pk)
    decision.delete()
    messages.success(request, "Décision supprimée (les actions qu'elle a créées ou changées restent).")
    return redirect(_meeting_url(decision.meeting))


@login_not_required
@require_safe
def calendar(request, pk: int, token: str):
    """The feed calendar clients subscribe to: they cannot log in, the secret address is the key."""
    calendar_feed = CalendarFeed.objects.select_related("scheme").filter(scheme=pk, token=token).first()
    if calendar_feed is None:
        raise Http404("Calendrier introuvable : l'adresse a peut-être été renouvelée.")
    scheme = calendar_feed.scheme
    body = feed(scheme, lambda item: request.build_absolute_uri(_meeting_url(item)))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="reunions-{scheme.slug}.ics"'
    return response


@require_POST
def calendar_renew(request, pk: int):
    scheme = _scheme(request, pk, edit=True)
    calendar_feed, _ = CalendarFeed.objects.get_or_create(scheme=scheme)
    calendar_feed.renew()
    messages.success(request, "Nouvelle adresse du calendrier : l'ancienne ne fonctionne plus.")
    return redirect(_home(scheme, "calendrier"))
