from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from spaser.indicators.readers import StoreUnavailable
from spaser.organisations.directory import describe_buyer
from spaser.organisations.invitations import InvitationRefused, cancel, invite, send_again
from spaser.organisations.models import Establishment, Invitation, Membership, Organisation, Role
from spaser.organisations.permissions import require_role
from spaser.plans.models import Partnership, PartnershipStatus, Scheme
from spaser.www import breadcrumbs
from spaser.www.organisations_views.forms import InvitationForm, MembershipRoleForm, OrganisationCreationForm
from spaser.www.unavailable import unavailable


def home(request):
    memberships = request.user.memberships.select_related("organisation")
    shared = Q(
        partnerships__status=PartnershipStatus.ACCEPTED, partnerships__organisation__memberships__user=request.user
    )
    schemes = (
        Scheme.objects.filter(Q(organisation__memberships__user=request.user) | shared)
        .distinct()
        .select_related("organisation")
    )
    answerable = Partnership.objects.pending().filter(
        organisation__memberships__user=request.user, organisation__memberships__role=Role.ADMIN
    )
    context = {
        "title": "Mon espace",
        "memberships": memberships,
        "schemes": schemes,
        "partner_invitations": answerable.select_related("scheme__organisation", "organisation"),
    }
    if request.user.is_staff:
        context["all_organisations"] = Organisation.objects.all()
    return render(request, "organisations/home.html", context)


def detail(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    role = require_role(request.user, organisation)
    context = {
        "title": str(organisation),
        "breadcrumb_data": breadcrumbs.space(),
        "organisation": organisation,
        "role": role,
        "role_label": Role(role).label,
        "is_admin": role == Role.ADMIN,
        "schemes": organisation.schemes.all(),
        "partnerships": organisation.partnerships.filter(
            status__in=[PartnershipStatus.ACCEPTED, *([PartnershipStatus.PENDING] if role == Role.ADMIN else [])]
        ).select_related("scheme__organisation"),
        "memberships": organisation.memberships.select_related("user"),
        "invitations": organisation.invitations.open(),
        "invitation_form": InvitationForm(),
        "roles": Role.choices,
    }
    return render(request, "organisations/detail.html", context)


@require_POST
def invite_member(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    require_role(request.user, organisation, {Role.ADMIN})
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Invitation non envoyée : " + " ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("organisations:detail", pk)

    try:
        invitation = invite(
            organisation, form.cleaned_data["email"], form.cleaned_data["role"], request.user, _accept_url(request)
        )
    except InvitationRefused as refused:
        messages.error(request, f"Invitation non envoyée : {refused}")
    else:
        messages.success(request, f"Invitation envoyée à {invitation.email}.")
    return redirect("organisations:detail", pk)


@require_POST
def manage_invitation(request, pk: int, invitation_pk: int):
    """Send an open invitation again (new link, new expiry) or cancel it."""
    organisation = get_object_or_404(Organisation, pk=pk)
    require_role(request.user, organisation, {Role.ADMIN})
    invitation = get_object_or_404(Invitation.objects.open(), pk=invitation_pk, organisation=organisation)
    if request.POST.get("action") == "annuler":
        cancel(invitation)
        messages.success(request, f"Invitation de {invitation.email} annulée : son lien ne fonctionne plus.")
    else:
        send_again(invitation, request.user, _accept_url(request))
        messages.success(request, f"Invitation renvoyée à {invitation.email} avec un nouveau lien.")
    return redirect("organisations:detail", pk)


def _accept_url(request):
    def accept_url(invitation: Invitation) -> str:
        return request.build_absolute_uri(reverse("accounts:invitation", args=[invitation.token]))

    return accept_url


@require_POST
def change_member(request, pk: int, membership_pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    require_role(request.user, organisation, {Role.ADMIN})
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    if membership.user == request.user:
        raise PermissionDenied("Un administrateur ne peut pas modifier son propre rôle.")
    if request.POST.get("action") == "retirer":
        membership.delete()
        messages.success(request, f"{membership.user.email} ne fait plus partie de l'organisation.")
    else:
        form = MembershipRoleForm(request.POST, instance=membership)
        if form.is_valid():
            form.save()
            messages.success(request, f"Rôle de {membership.user.email} : {membership.get_role_display()}.")
    return redirect("organisations:detail", pk)


def create(request):
    if not request.user.is_staff:
        raise PermissionDenied("Seule l'équipe de la plateforme crée des organisations.")
    form = OrganisationCreationForm(request.POST or None)
    context = {
        "title": "Ajouter une organisation",
        "breadcrumb_data": breadcrumbs.space(),
        "form": form,
        "submit_label": "Créer",
        "cancel_url": reverse("organisations:home"),
    }
    if request.method == "POST" and form.is_valid():
        try:
            found = describe_buyer(form.cleaned_data["siren"], settings.SPASER_STORE_DIR)
        except StoreUnavailable as error:
            # Without the directory the organisation would have no SIRET: nothing is created.
            return unavailable(request, "layouts/form.html", context, error)
        name = form.cleaned_data["name"] or found.name
        if not name:
            form.add_error("name", "Ce SIREN est absent des données de référence : saisissez le nom de l'acheteur.")
        else:
            with transaction.atomic():
                organisation = Organisation.objects.create(
                    siren=found.siren, name=name, buyer_type=found.buyer_type or ""
                )
                Establishment.objects.bulk_create(
                    (Establishment(organisation=organisation, siret=s) for s in found.sirets), ignore_conflicts=True
                )
                Membership.objects.create(user=request.user, organisation=organisation, role=Role.ADMIN)
            messages.success(request, f"Organisation créée avec {len(found.sirets)} SIRET.")
            return redirect("organisations:detail", organisation.pk)
    return render(request, "layouts/form.html", context)
