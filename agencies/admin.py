from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from agencies import selectors, services
from agencies.models import Agency, Region, Role, RoleGrant, SignInAttempt, User


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
    list_display = [
        "username",
        "full_name",
        "agency",
        "title",
        "role_list",
        "is_active",
        "must_change_password",
    ]
    list_filter = [
        "agency",
        "role_grants__role",
        "is_active",
        "is_superuser",
        "must_change_password",
        "is_demo",
    ]
    actions = ["unlock_signin", "require_password_change"]
    search_fields = ["username", "full_name", "email", "agency__name"]
    ordering = ["agency__sort_order", "username"]
    autocomplete_fields = ["agency"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "agency", "title", "phone", "email")}),
        (
            _("Access"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "must_change_password",
                    "is_demo",
                )
            },
        ),
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
    # set only through the actions below (audited) and by seed_demo
    readonly_fields = ["last_login", "date_joined", "must_change_password", "is_demo"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_grants")

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        return "、".join(grant.get_role_display() for grant in obj.role_grants.all())

    @admin.action(description=_("Unlock sign-in for the selected people"))
    def unlock_signin(self, request, queryset):
        unlocked = [
            person
            for person in queryset
            if services.signin_unlock(by=request.user, username=person.username, via="admin")
        ]
        if unlocked:
            self.message_user(
                request,
                ngettext(
                    "Sign-in unlocked for %(names)s.",
                    "Sign-in unlocked for %(count)d people: %(names)s.",
                    len(unlocked),
                )
                % {"count": len(unlocked), "names": "、".join(map(str, unlocked))},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _(
                    "None of the selected people had failed sign-ins to clear. If someone is "
                    "still refused, their network address may be locked: see failed sign-ins "
                    "and lockouts."
                ),
                messages.WARNING,
            )

    @admin.action(description=_("Require a new password at next sign-in"))
    def require_password_change(self, request, queryset):
        flagged = [
            person
            for person in queryset
            if services.password_change_require(person=person, by=request.user)
        ]
        self.message_user(
            request,
            ngettext(
                "%(count)d person must choose a new password before going on.",
                "%(count)d people must choose a new password before going on.",
                len(flagged),
            )
            % {"count": len(flagged)},
            messages.SUCCESS,
        )


class LockedNowFilter(admin.SimpleListFilter):
    title = _("lock")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("Locked now"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(lock="")
        return queryset


@admin.register(SignInAttempt)
class SignInAttemptAdmin(admin.ModelAdmin):
    """django-axes' failure records: who is locked out, and the audited unlock. Read-only;
    nothing is deleted except by the unlock actions (agencies.services.signin_unlock)."""

    list_display = ["username", "ip_address", "failures", "last_failure", "lock_display"]
    list_filter = [LockedNowFilter]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    actions = ["unlock_accounts", "unlock_addresses"]

    LOCKS = {"account": _("Account locked"), "address": _("Address locked")}

    def get_queryset(self, request):
        accounts, addresses = selectors.signin_locks()
        return (
            super()
            .get_queryset(request)
            .annotate(
                lock=Case(
                    When(username__in=accounts, then=Value("account")),
                    When(ip_address__in=addresses, then=Value("address")),
                    default=Value(""),
                    output_field=CharField(),
                )
            )
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("failed sign-ins"), ordering="failures_since_start")
    def failures(self, obj):
        return obj.failures_since_start

    @admin.display(description=_("last failure"), ordering="attempt_time")
    def last_failure(self, obj):
        return obj.attempt_time

    @admin.display(description=_("lock"))
    def lock_display(self, obj):
        return self.LOCKS.get(obj.lock, "—")

    def _unlock(self, request, *, usernames=(), addresses=()):
        def unlock(**which):
            return services.signin_unlock(by=request.user, via="admin", **which)

        done = [name for name in sorted(usernames) if unlock(username=name)]
        done += [ip for ip in sorted(addresses) if unlock(ip_address=ip)]
        if done:
            self.message_user(
                request, _("Unlocked: %(list)s.") % {"list": "、".join(done)}, messages.SUCCESS
            )
        else:
            self.message_user(request, _("Nothing to unlock."), messages.WARNING)

    @admin.action(description=_("Unlock the selected accounts (from every address)"))
    def unlock_accounts(self, request, queryset):
        names = {name for name in queryset.values_list("username", flat=True) if name}
        self._unlock(request, usernames=names)

    @admin.action(description=_("Unlock the selected addresses (for every account)"))
    def unlock_addresses(self, request, queryset):
        addresses = {ip for ip in queryset.values_list("ip_address", flat=True) if ip}
        self._unlock(request, addresses=addresses)
