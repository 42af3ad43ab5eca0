from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from spaser.organisations.models import Role
from spaser.organisations.permissions import editable_organisations, require_role, role_in
from spaser.plans import progress
from spaser.plans.access import can_edit, can_read_history, require_edit, require_read
from spaser.plans.documents import delete_after_commit
from spaser.plans.models import Scheme, unique_slug
from spaser.www import breadcrumbs
from spaser.www.plans_views import legal_content
from spaser.www.plans_views.forms import ObjectiveForm, PartnerInvitationForm, SchemeForm
from spaser.www.plans_views.nodes import NODES
from spaser.www.plans_views.publishing_views import PUBLISHERS


def create(request):
    organisations = editable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied("Il faut être administrateur ou rédacteur d'une organisation pour créer un SPASER.")
    form = SchemeForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        scheme = form.save(commit=False)
        scheme.organisation = form.cleaned_data["organisation"]
        scheme.slug = unique_slug(f"{scheme.organisation.name} {scheme.title}")
        with transaction.atomic():
            scheme.save()
            form.save_m2m()
        messages.success(request, "SPASER créé. Ajoutez maintenant ses axes.")
        return redirect(scheme)
    context = {
        "title": "Nouveau SPASER",
        "breadcrumb_data": breadcrumbs.space(),
        "form": form,
        "submit_label": "Créer",
        "cancel_url": reverse("organisations:home"),
    }
    return render(request, "layouts/form.html", context)


def _scheme(request, pk: int) -> Scheme:
    scheme = get_object_or_404(Scheme.objects.select_related("organisation"), pk=pk)
    require_read(request.user, scheme)
    return scheme


def detail(request, pk: int):
    scheme = _scheme(request, pk)
    axes = scheme.axes.prefetch_related(
        "engagements__objectives__targets", "engagements__objectives__manual_indicator", "engagements__actions"
    )
    editing = can_edit(request.user, scheme)
    context = {
        "title": scheme.title,
        "scheme": scheme,
        "axes": axes,
        "can_edit": editing,
        "can_publish": editing and role_in(request.user, scheme.organisation) in PUBLISHERS,
        "legal": legal_content.checklist(scheme),
        "history_readable": can_read_history(request.user, scheme),
        "overdue_ids": set(progress.overdue_actions(scheme, timezone.localdate()).values_list("pk", flat=True)),
    }
    context["breadcrumb_data"] = breadcrumbs.space(
        (reverse("organisations:detail", args=[scheme.organisation_id]), str(scheme.organisation))
    )
    if editing:
        context["partnerships"] = scheme.partnerships.select_related("organisation").prefetch_related(
            "shared_indicators"
        )
        context["partner_form"] = PartnerInvitationForm(scheme=scheme)
    return render(request, "plans/detail.html", context)


def edit(request, pk: int):
    scheme = _scheme(request, pk)
    require_edit(request.user, scheme)
    former_document = scheme.document.name  # the form puts the upload on the instance while validating
    form = SchemeForm(request.POST or None, request.FILES or None, instance=scheme)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            delete_after_commit(former_document, scheme.document.name)
        messages.success(request, "SPASER enregistré.")
        return redirect(scheme)
    context = {
        "title": f"Modifier « {scheme.title} »",
        "form": form,
        "cancel_url": scheme.get_absolute_url(),
        "breadcrumb_data": breadcrumbs.scheme_page(scheme),
    }
    return render(request, "layouts/form.html", context)


@require_POST
def delete(request, pk: int):
    scheme = _scheme(request, pk)
    require_edit(request.user, scheme)  # accepted partners read the scheme: a 403, not the 404 of outsiders
    require_role(request.user, scheme.organisation, {Role.ADMIN})
    with transaction.atomic():
        scheme.delete()
        delete_after_commit(scheme.document.name)
    messages.success(request, f"Le SPASER « {scheme.title} » a été supprimé.")
    return redirect("organisations:home")


def _node_form(node, request, instance, scheme):
    extra = {"scheme": scheme} if node.form is ObjectiveForm else {}
    if node.form is ObjectiveForm and instance.pk is None and "indicateur" in request.GET:
        extra["initial"] = {"indicator": request.GET["indicateur"]}  # a link of the legal checklist chose it
    return node.form(request.POST or None, instance=instance, **extra)


def create_node(request, kind: str, parent_pk: int):
    node = NODES[kind]
    parent = get_object_or_404(node.parent_model, pk=parent_pk)
    scheme = node.scheme_of_parent(parent)
    require_edit(request.user, scheme)
    instance = node.model(**{node.parent_field: parent})
    form = _node_form(node, request, instance, scheme)
    if request.method == "POST" and form.is_valid():
        siblings = getattr(parent, node.siblings)
        instance.position = (siblings.aggregate(last=Max("position"))["last"] or 0) + 1
        with transaction.atomic():
            form.save()
            scheme.touch()
        messages.success(
            request, f"{node.model._meta.verbose_name.capitalize()} ajouté{'e' if kind == 'actions' else ''}."
        )
        return redirect(scheme)
    return _render_node_form(request, form, f"Ajouter {node.label}", scheme, parent)


def edit_node(request, kind: str, node_pk: int):
    node = NODES[kind]
    instance = get_object_or_404(node.model, pk=node_pk)
    scheme = node.scheme_of_parent(getattr(instance, node.parent_field))
    require_edit(request.user, scheme)
    form = _node_form(node, request, instance, scheme)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            scheme.touch()
        messages.success(request, "Modification enregistrée.")
        return redirect(scheme)
    return _render_node_form(request, form, f"Modifier « {instance} »", scheme, getattr(instance, node.parent_field))


def _render_node_form(request, form, title, scheme, parent):
    template = "plans/objective_form.html" if isinstance(form, ObjectiveForm) else "layouts/form.html"
    context = {
        "title": title,
        "form": form,
        "scheme": scheme,
        "parent": parent,
        "cancel_url": scheme.get_absolute_url(),
        "breadcrumb_data": breadcrumbs.scheme_page(scheme),
    }
    return render(request, template, context)


@require_POST
def delete_node(request, kind: str, node_pk: int):
    node = NODES[kind]
    instance = get_object_or_404(node.model, pk=node_pk)
    scheme = node.scheme_of_parent(getattr(instance, node.parent_field))
    require_edit(request.user, scheme)
    with transaction.atomic():
        instance.delete()
        scheme.touch()
    messages.success(request, f"« {instance} » a été supprimé, avec son contenu.")
    return redirect(scheme)


@require_POST
def move_node(request, kind: str, node_pk: int):
    """Swap the node with its previous or next sibling; positions are renumbered 1..n on the way."""
    node = NODES[kind]
    instance = get_object_or_404(node.model, pk=node_pk)
    parent = getattr(instance, node.parent_field)
    scheme = node.scheme_of_parent(parent)
    require_edit(request.user, scheme)
    siblings = list(getattr(parent, node.siblings).all())
    index = siblings.index(instance)
    target = index - 1 if request.POST.get("direction") == "haut" else index + 1
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        with transaction.atomic():
            for position, sibling in enumerate(siblings, start=1):
                if sibling.position != position:
                    sibling.position = position
                    sibling.save(update_fields=["position"])
            scheme.touch()
    return redirect(f"{scheme.get_absolute_url()}#{kind}-{instance.pk}")
