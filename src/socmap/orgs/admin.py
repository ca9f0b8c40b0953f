"""Django admin for system administrators (superusers). Day-to-day user management is on the
socmap pages, which go through the services and the audit trail."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from socmap.orgs.models import (
    ApiToken,
    Organisation,
    PopulationFigure,
    Region,
    Role,
    Share,
    Team,
    User,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "region", "sector", "is_active"]
    list_filter = ["kind", "region", "sector", "is_active"]
    search_fields = ["name", "short_name"]


@admin.register(PopulationFigure)
class PopulationFigureAdmin(admin.ModelAdmin):
    list_display = ["force", "year", "population", "basis", "loaded_at"]
    list_filter = ["year"]
    readonly_fields = [f.name for f in PopulationFigure._meta.fields]

    def has_add_permission(self, request):
        return False  # socmap load-populations keeps the audit trail


admin.site.register(Team)
admin.site.register(Role)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["organisation__kind", "roles", "is_active"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (
            "socmap",
            {"fields": ("organisation", "team", "roles", "job_title", "password_change_required")},
        ),
    )


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):
    list_display = [
        "content_type",
        "object_id",
        "organisation",
        "shared_by",
        "shared_at",
        "revoked_at",
    ]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix"]
