from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from spaser.indicators.readers import StoreUnavailable
from spaser.organisations.directory import describe_buyer
from spaser.organisations.invitations import InvitationRefused, cancel, invite, send_again
from spaser.organisations.models import Establishment, Invitation, Membership, Organisation, Role
from spaser.organisations.permissions import EDIT_ROLES, MANUAL_DATA_ROLES, require_role
from spaser.plans import progress
from spaser.plans.models import Partnership, PartnershipStatus, Scheme
from spaser.www import breadcrumbs
from spaser.www.organisations_views.forms import InvitationForm, MembershipRoleForm, OrganisationCreationForm
from spaser.www.unavailable import unavailable


def home(request):
    memberships = list(request.user.memberships.select_related("organisation"))
    answerable = Partnership.objects.pending().filter(
        organisation__memberships__user=request.user, organisation__memberships__role=Role.ADMIN
    )
    context = {
        "title": "Mon espace",
        "organisations": [_organisation_progress(m.organisation, m.role) for m in memberships],
        "shared": _shared_with(request.user, [m.organisation_id for m in memberships]),
        "can_create": any(m.role in EDIT_ROLES for m in memberships),
        "partner_invitations": answerable.select_related("scheme__organisation", "organisation"),
    }
    if request.user.is_staff:
        context["organisation_count"] = Organisation.objects.count()
    return render(request, "organisations/home.html", context)


def _organisation_progress(organisation: Organisation, role: str) -> dict:
    """The organisation's schemes (or the one to create), each with its steps and what this role may do of them."""
    has_values = progress.has_manual_values(organisation)
    schemes = [(scheme, progress.scheme_facts(scheme)) for scheme in organisation.schemes.all()] or [(None, None)]
    cards = []
    for scheme, facts in schemes:
        steps = progress.steps(facts, has_values)
        next_step = progress.next_step(steps)
        cards.append(
            {
                "scheme": scheme,
                "steps": steps,
                "next_step": next_step,
                "next_action": next_step and _action(next_step, scheme, facts, role),
                "next_roles": next_step and STEP_ROLES.get(next_step.kind),
                "overdue": progress.overdue_actions(scheme, timezone.localdate()).count() if scheme else 0,
            }
        )
    return {
        "organisation": organisation,
        "role_label": Role(role).label,
        "cards": cards,
        "partner_only": schemes == [(None, None)] and organisation.partnerships.accepted().exists(),
    }


STEP_ROLES = {
    progress.Kind.SCHEME: "un administrateur ou un rédacteur",
    progress.Kind.OBJECTIVES: "un administrateur ou un rédacteur",
    progress.Kind.MANUAL_DATA: "un administrateur, un rédacteur ou un facilitateur des clauses",
    progress.Kind.PUBLISH: "un administrateur ou un rédacteur",
}


def _action(step: progress.Step, scheme: Scheme | None, facts, role: str) -> tuple[str, str] | None:
    """The button for a step to do, if the role may take it: never a link that ends on a refusal."""
    if step.kind == progress.Kind.MANUAL_DATA:
        return ("Saisir ou importer des données", reverse("manual:list")) if role in MANUAL_DATA_ROLES else None
    if role not in EDIT_ROLES or step.kind == progress.Kind.BIENNIAL:
        return None
    if step.kind == progress.Kind.SCHEME:
        return "Créer le SPASER", reverse("plans:create")
    if step.kind == progress.Kind.OBJECTIVES and not facts.axes:
        return "Ajouter un axe", reverse("plans:create_node", args=["axes", scheme.pk])
    if step.kind == progress.Kind.OBJECTIVES:
        return "Ajouter des objectifs", reverse("plans:detail", args=[scheme.pk])
    return "Préparer la publication", reverse("plans:publish", args=[scheme.pk])


def _shared_with(user, own_organisations: list[int]) -> list[Partnership]:
    """Schemes of other organisations that one of the user's organisations accepted to share: read-only for them."""
    return list(
        Partnership.objects.accepted()
        .filter(organisation__memberships__user=user)
        .exclude(scheme__organisation__in=own_organisations)
        .select_related("scheme__organisation", "organisation")
        .order_by("scheme__organisation__name", "scheme__title")
    )


def organisation_list(request):
    """Staff only: every organisation, searched by name or SIREN, with its schemes and members."""
    if not request.user.is_staff:
        raise PermissionDenied("Seule l'équipe de la plateforme consulte la liste des organisations.")
    query = request.GET.get("q", "").strip()
    organisations = Organisation.objects.prefetch_related(
        Prefetch("schemes", Scheme.objects.order_by("-edition")),
        Prefetch("memberships", Membership.objects.select_related("user").order_by("user__email")),
    )
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(siren__startswith=query.replace(" ", "")))
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "title": "Organisations de la plateforme",
        "page": page,
        "query": query,
        "total": Organisation.objects.count(),
        "breadcrumb_data": {"links": [MY_SPACE_LINK], "current": "Organisations"},
    }
    return render(request, "organisations/list.html", context)


ORGANISATIONS_PER_PAGE = 20


MY_SPACE_LINK = {"url": reverse_lazy("organisations:home"), "title": "Mon espace"}


def detail(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    role = require_role(request.user, organisation)
    return _detail(request, organisation, role, InvitationForm())


def _detail(request, organisation: Organisation, role: str, invitation_form: InvitationForm):
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
        "invitation_form": invitation_form,
        "roles": Role.choices,
    }
    return render(request, "organisations/detail.html", context)


@require_POST
def invite_member(request, pk: int):
    """Invite, or send again the open invitation of the address; a refusal (already a member) stays on the field."""
    organisation = get_object_or_404(Organisation, pk=pk)
    role = require_role(request.user, organisation, {Role.ADMIN})
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _detail(request, organisation, role, form)
    email = form.cleaned_data["email"].lower()
    pending = organisation.invitations.open().filter(email=email).exists()
    try:
        invite(organisation, email, form.cleaned_data["role"], request.user, _accept_url(request))
    except InvitationRefused as refused:
        form.add_error("email", str(refused))
        return _detail(request, organisation, role, form)
    if pending:
        messages.success(
            request, f"Une invitation était déjà en attente pour {email} : elle est renvoyée avec un nouveau lien."
        )
    else:
        messages.success(request, f"Invitation envoyée à {email}.")
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
