from django.contrib.admin.apps import AdminConfig


class XietongAdminConfig(AdminConfig):
    default_site = "config.admin.XietongAdminSite"
