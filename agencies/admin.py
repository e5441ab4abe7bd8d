from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from agencies.models import Agency, Region, Role, RoleGrant, User


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "region", "doc_prefix", "is_active"]
    list_filter = ["kind", "region__level", "is_active"]
    search_fields = ["name", "short_name", "doc_prefix"]
    autocomplete_fields = ["superior"]
    list_select_related = ["region"]


class RoleGrantFormSet(forms.BaseInlineFormSet):
    AUDITOR_EXCLUSIVE = _("The auditor role cannot be combined with other roles.")

    def clean(self):
        super().clean()
        roles = [
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if Role.AUDITOR in roles and len(roles) > 1:
            # Separation of duties: the auditor reads every agency's cases and must not act in any.
            raise ValidationError(self.AUDITOR_EXCLUSIVE)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    formset = RoleGrantFormSet
    extra = 1
    fields = ["role", "basis", "granted_at"]
    readonly_fields = ["granted_at"]


class PersonCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "agency", "title", "email")


class PersonChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class PersonAdmin(SimpleHistoryAdmin, UserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    inlines = [RoleGrantInline]
    list_display = ["username", "full_name", "agency", "title", "role_list", "is_active"]
    list_filter = ["agency", "role_grants__role", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email", "agency__name"]
    ordering = ["agency__sort_order", "username"]
    autocomplete_fields = ["agency"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "agency", "title", "phone", "email")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "agency",
                    "title",
                    "email",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_grants")

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        return "、".join(grant.get_role_display() for grant in obj.role_grants.all())
