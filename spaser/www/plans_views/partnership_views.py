"""Partnerships on a scheme: the owner invites or ends, the partner's administrators answer, share or leave."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from spaser.plans import partnerships
from spaser.plans.access import can_edit, require_answer, require_edit, require_end
from spaser.plans.models import Partnership, PartnershipStatus, Scheme
from spaser.www import breadcrumbs
from spaser.www.plans_views.forms import PartnerInvitationForm, SharedIndicatorsForm


def answer_url(request, partnership: Partnership) -> str:
    return request.build_absolute_uri(reverse("plans:partnership", args=[partnership.pk]))


def _partners_of(scheme: Scheme) -> str:
    return f"{scheme.get_absolute_url()}#partenaires"


def _partnership(pk: int) -> Partnership:
    return get_object_or_404(Partnership.objects.select_related("scheme__organisation", "organisation"), pk=pk)


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_POST
def invite(request, pk: int):
    scheme = get_object_or_404(Scheme.objects.select_related("organisation"), pk=pk)
    require_edit(request.user, scheme)
    form = PartnerInvitationForm(request.POST, scheme=scheme)
    if not form.is_valid():
        messages.error(request, "Invitation non envoyée : " + " ".join(form.errors["organisation"]))
        return redirect(_partners_of(scheme))
    try:
        partnership = partnerships.invite(
            scheme, form.cleaned_data["organisation"], request.user, lambda p: answer_url(request, p)
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, partnerships.invitation_notice(partnership))
    return redirect(_partners_of(scheme))


@login_required
def answer(request, pk: int):
    """The partner's administrators accept (choosing the shared indicators), decline, or change what they share."""
    partnership = _partnership(pk)
    require_answer(request.user, partnership)
    form = SharedIndicatorsForm(request.POST or None, partnership=partnership)
    if request.method == "POST":
        choice = request.POST.get("action")
        try:
            if choice == "decliner":
                partnerships.decline(partnership, request.user)
                messages.success(request, f"Invitation déclinée : {partnership.scheme} ne compte pas vos marchés.")
                return redirect("organisations:detail", partnership.organisation_id)
            if choice in ("accepter", "partager") and form.is_valid():
                indicators = form.cleaned_data["indicators"]
                if choice == "accepter":
                    partnerships.accept(partnership, request.user, indicators)
                    messages.success(request, f"Vous êtes partenaire du SPASER « {partnership.scheme} ».")
                else:
                    partnerships.share(partnership, indicators)
                    messages.success(request, "Indicateurs partagés enregistrés.")
                return redirect("plans:partnership", partnership.pk)
        except ValidationError as error:
            _refused(request, error)
            return redirect("plans:partnership", partnership.pk)
    context = {
        "title": f"Partenariat — {partnership.scheme.title}",
        "breadcrumb_data": breadcrumbs.space(
            (reverse("organisations:detail", args=[partnership.organisation_id]), str(partnership.organisation))
        ),
        "partnership": partnership,
        "scheme": partnership.scheme,
        "form": form,
        "pending": partnership.status == PartnershipStatus.PENDING,
        "accepted": partnership.status == PartnershipStatus.ACCEPTED,
    }
    return render(request, "plans/partnership.html", context)


@login_required
@require_POST
def end(request, pk: int):
    """Cancel an invitation or end a partnership, from the owner's side or the partner's."""
    partnership = _partnership(pk)
    require_end(request.user, partnership)
    try:
        partnerships.end(partnership, request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Partenariat terminé : {partnership.organisation} n'est plus associée au SPASER.")
    if can_edit(request.user, partnership.scheme):
        return redirect(_partners_of(partnership.scheme))
    return redirect("organisations:detail", partnership.organisation_id)
