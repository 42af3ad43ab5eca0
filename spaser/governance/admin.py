"""The platform team's back office, read-only as the plans' is: governance changes through the scheme's screens."""

from django.contrib import admin

from spaser.governance.models import (
    Committee,
    CommitteeMember,
    Decision,
    Meeting,
    PurchaseAnswer,
    PurchaseProject,
    PurchaseQuestion,
)
from spaser.plans.admin import ReadOnlyAdmin, ReadOnlyInline


class MemberInline(ReadOnlyInline):
    model = CommitteeMember
    fields = ["user", "name", "organisation_name", "email"]


@admin.register(Committee)
class CommitteeAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "frequency", "scheme"]
    search_fields = ["name", "scheme__title", "scheme__organisation__siren"]
    list_filter = ["kind", "frequency"]
    inlines = [MemberInline]


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ["text", "owner", "deadline", "status"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["committee", "date", "place"]
    date_hierarchy = "date"
    inlines = [DecisionInline]


@admin.register(PurchaseQuestion)
class PurchaseQuestionAdmin(ReadOnlyAdmin):
    list_display = ["text", "lever", "scheme"]
    list_filter = ["lever"]


class AnswerInline(ReadOnlyInline):
    model = PurchaseAnswer
    fields = ["question", "answer"]


@admin.register(PurchaseProject)
class PurchaseProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "consultation_date", "questioned_on", "contract_uid", "scheme"]
    search_fields = ["title", "contract_uid", "scheme__title", "scheme__organisation__siren"]
    list_filter = ["status"]
    inlines = [AnswerInline]
