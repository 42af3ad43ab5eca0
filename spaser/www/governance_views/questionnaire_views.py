"""The per-purchase questionnaire of a scheme: the projects questioned before their consultation and the contracts
they became. Every reader of the scheme reads; the owner's admins, editors and clause facilitators answer; its
admins and editors change the questions; outsiders get a 404."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from spaser.governance import questionnaires
from spaser.governance.models import PurchaseProject, PurchaseQuestion
from spaser.indicators.readers import StoreUnavailable
from spaser.plans.access import can_edit, can_question, require_edit, require_question, require_read
from spaser.plans.models import Scheme
from spaser.www import breadcrumbs
from spaser.www.governance_views.questionnaire_forms import STORE_UNREADABLE, ContractForm, ProjectForm, QuestionForm


def _scheme(request, pk: int, check=require_read) -> Scheme:
    scheme = get_object_or_404(Scheme.objects.select_related("organisation"), pk=pk)
    check(request.user, scheme)
    return scheme


def _home(scheme: Scheme, anchor: str = "") -> str:
    return reverse("governance:questionnaires", args=[scheme.pk]) + (f"#{anchor}" if anchor else "")


def _trail(scheme: Scheme, *links) -> dict:
    return breadcrumbs.scheme_page(scheme, False, (_home(scheme), "Questionnaires d'achat"), *links)


def _form_page(request, scheme: Scheme, form, title: str, submit_label: str = "Enregistrer"):
    context = {
        "title": title,
        "form": form,
        "scheme": scheme,
        "cancel_url": _home(scheme),
        "submit_label": submit_label,
        "breadcrumb_data": _trail(scheme),
    }
    return render(request, "layouts/form.html", context)


def index(request, pk: int):
    scheme = _scheme(request, pk)
    questions = list(questionnaires.questions(scheme))
    projects = scheme.purchase_projects.prefetch_related("answers__question")
    try:
        missing = questionnaires.missing_contracts(scheme, settings.SPASER_STORE_DIR)
    except StoreUnavailable:
        missing = set()  # the indicators say the DECP are unavailable
    context = {
        "title": f"Questionnaires d'achat — {scheme.title}",
        "scheme": scheme,
        "breadcrumb_data": breadcrumbs.scheme_page(scheme),
        "questions": questions,
        "projects": [(project, _answered(project, questions)) for project in projects],
        "missing": missing,
        "indicators": questionnaires.indicators(scheme, timezone.localdate(), settings.SPASER_STORE_DIR),
        "can_question": can_question(request.user, scheme),
        "can_edit": can_edit(request.user, scheme),
    }
    return render(request, "governance/questionnaires.html", context)


def _answered(project: PurchaseProject, questions: list[PurchaseQuestion]) -> list[tuple[PurchaseQuestion, str]]:
    """Each question with the project's answer, « sans réponse » when there is none."""
    answers = {answer.question_id: answer.get_answer_display() for answer in project.answers.all()}
    return [(question, answers.get(question.pk, "sans réponse")) for question in questions]


def project_create(request, pk: int):
    scheme = _scheme(request, pk, require_question)
    form = ProjectForm(
        request.POST or None, instance=PurchaseProject(scheme=scheme), questions=questionnaires.questions(scheme)
    )
    if request.method == "POST" and form.is_valid():
        project = form.save()
        questionnaires.save_answers(project, form.answers(), timezone.localdate())
        messages.success(request, f"Questionnaire « {project} » enregistré.")
        return redirect(_home(scheme, f"projet-{project.pk}"))
    return _form_page(request, scheme, form, "Nouveau questionnaire d'achat", submit_label="Créer")


def _project(request, pk: int, project_pk: int) -> PurchaseProject:
    scheme = _scheme(request, pk, require_question)
    return get_object_or_404(
        PurchaseProject.objects.select_related("scheme__organisation"), pk=project_pk, scheme=scheme
    )


def project_edit(request, pk: int, project_pk: int):
    project = _project(request, pk, project_pk)
    scheme = project.scheme
    form = ProjectForm(request.POST or None, instance=project, questions=questionnaires.questions(scheme))
    if request.method == "POST" and form.is_valid():
        form.save()
        questionnaires.save_answers(project, form.answers(), timezone.localdate())
        messages.success(request, "Questionnaire enregistré.")
        return redirect(_home(scheme, f"projet-{project.pk}"))
    return _form_page(request, scheme, form, f"Questionnaire « {project} »")


@require_POST
def project_delete(request, pk: int, project_pk: int):
    project = _project(request, pk, project_pk)
    project.delete()
    messages.success(request, f"Le questionnaire « {project} » a été supprimé, avec ses réponses.")
    return redirect(_home(project.scheme))


def project_contract(request, pk: int, project_pk: int):
    """Links the project to the marché it became: one of the proposed ones, or any of the organisation's by id."""
    project = _project(request, pk, project_pk)
    scheme, store = project.scheme, settings.SPASER_STORE_DIR
    form = ContractForm(request.POST or None, scheme=scheme, store=store)
    if request.method == "POST" and form.is_valid():
        questionnaires.link(project, form.cleaned_data["contract"])
        messages.success(request, f"Questionnaire « {project} » lié au marché {project.contract_label}.")
        return redirect(_home(scheme, f"projet-{project.pk}"))
    try:
        candidates, unavailable = questionnaires.candidates(project, store), ""
    except StoreUnavailable:
        candidates, unavailable = [], STORE_UNREADABLE
    context = {
        "title": f"Marché issu de « {project} »",
        "scheme": scheme,
        "project": project,
        "form": form,
        "candidates": candidates,
        "unavailable": unavailable,
        "cancel_url": _home(scheme, f"projet-{project.pk}"),
        "submit_label": "Lier ce marché",
        "breadcrumb_data": _trail(scheme),
    }
    return render(request, "governance/questionnaire_contract.html", context)


@require_POST
def project_unlink(request, pk: int, project_pk: int):
    project = _project(request, pk, project_pk)
    project.contract_uid = project.contract_label = ""
    project.save(update_fields=["contract_uid", "contract_label", "updated_at"])
    messages.success(request, f"Le questionnaire « {project} » n'est plus lié à un marché.")
    return redirect(_home(project.scheme, f"projet-{project.pk}"))


def question_create(request, pk: int):
    scheme = _scheme(request, pk, require_edit)
    position = len(questionnaires.questions(scheme)) + 1
    form = QuestionForm(request.POST or None, instance=PurchaseQuestion(scheme=scheme, position=position))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Question ajoutée au questionnaire.")
        return redirect(_home(scheme, "questions"))
    return _form_page(request, scheme, form, "Nouvelle question", submit_label="Ajouter")


def _question(request, pk: int, question_pk: int) -> PurchaseQuestion:
    scheme = _scheme(request, pk, require_edit)
    return get_object_or_404(PurchaseQuestion.objects.select_related("scheme"), pk=question_pk, scheme=scheme)


def question_edit(request, pk: int, question_pk: int):
    question = _question(request, pk, question_pk)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Question enregistrée.")
        return redirect(_home(question.scheme, "questions"))
    return _form_page(request, question.scheme, form, "Modifier la question")


@require_POST
def question_delete(request, pk: int, question_pk: int):
    question = _question(request, pk, question_pk)
    question.delete()
    messages.success(request, "La question a été retirée du questionnaire, avec ses réponses.")
    return redirect(_home(question.scheme, "questions"))
