"""Following a scheme up: its change history, and each action's state history and comments."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from spaser.organisations.permissions import EDIT_ROLES, MANUAL_DATA_ROLES, role_in
from spaser.plans import history
from spaser.plans.access import can_read_history, require_history, require_read
from spaser.plans.models import Action, Scheme
from spaser.www import breadcrumbs
from spaser.www.plans_views.forms import ActionCommentForm


ENTRIES_PER_PAGE = 30
COMMENT_ROLES = EDIT_ROLES | MANUAL_DATA_ROLES  # admins, editors and clause facilitators; readers read


def scheme_history(request, pk: int):
    scheme = get_object_or_404(Scheme.objects.select_related("organisation"), pk=pk)
    require_history(request.user, scheme)
    kind = request.GET.get("type")
    kind = kind if kind in history.KINDS else None
    page = Paginator(history.entry_keys(scheme, kind), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "title": f"Historique — {scheme.title}",
        "breadcrumb_data": breadcrumbs.scheme_page(scheme),
        "scheme": scheme,
        "kinds": history.KINDS.values(),
        "kind": kind,
        "page": page,
        "entries": history.entries(page.object_list),
    }
    return render(request, "plans/history.html", context)


def action_detail(request, pk: int):
    action = get_object_or_404(Action.objects.select_related("engagement__axis__scheme__organisation"), pk=pk)
    scheme = action.scheme
    require_read(request.user, scheme)
    may_comment = role_in(request.user, scheme.organisation) in COMMENT_ROLES
    form = ActionCommentForm(request.POST or None)
    if request.method == "POST":
        if not may_comment:
            raise PermissionDenied(
                "Seuls les administrateurs, rédacteurs et facilitateurs des clauses de l'organisation porteuse "
                "commentent ses actions."
            )
        if form.is_valid():
            form.instance.action, form.instance.author = action, request.user
            form.save()
            messages.success(request, "Commentaire ajouté.")
            return redirect("plans:action", pk=action.pk)
    states = action.history.filter(history_type__in="+~").select_related("history_user").order_by("history_date")
    context = {
        "title": f"Action « {action.title} »",
        "breadcrumb_data": breadcrumbs.scheme_page(scheme),
        "scheme": scheme,
        "action": action,
        "overdue": action.is_overdue(timezone.localdate()),
        "state_changes": _state_changes(states),
        "comments": action.comments.select_related("author"),
        "form": form if may_comment else None,
        "history_url": can_read_history(request.user, scheme)
        and reverse("plans:history", args=[scheme.pk]) + "?type=actions",
    }
    return render(request, "plans/action.html", context)


def _state_changes(records) -> list[dict]:
    """Each time the state was set or changed: by whom, when, from which state."""
    changes, previous = [], None
    for record in records:
        if record.status != previous:
            changes.append(
                {
                    "before": previous and Action(status=previous).get_status_display(),
                    "after": record.get_status_display(),
                    "author": history.author(record.history_user),
                    "when": record.history_date,
                }
            )
        previous = record.status
    return changes
