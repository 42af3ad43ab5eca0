"""The platform team's back office: find an organisation, its SIRETs, members and pending invitations."""

from django.contrib import admin

from spaser.organisations.models import Establishment, Invitation, Membership, Organisation


class EstablishmentInline(admin.TabularInline):
    model = Establishment
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "siren", "buyer_type", "fictitious", "created_at"]
    list_filter = ["fictitious", "buyer_type"]
    search_fields = ["name", "siren", "establishments__siret"]
    inlines = [EstablishmentInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name", "organisation__siren"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at", "cancelled_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    # The token opens an account: the back office never shows it.
    exclude = ["token"]
    readonly_fields = ["invited_by", "created_at", "expires_at", "accepted_at", "cancelled_at"]
