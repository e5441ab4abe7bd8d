from django.contrib.admin.apps import AdminConfig
from django.contrib.staticfiles.apps import StaticFilesConfig


class XietongAdminConfig(AdminConfig):
    default_site = "config.admin.XietongAdminSite"


class XietongStaticFilesConfig(StaticFilesConfig):
    """Static files without the npm packages that django-viewflow 2.4.0 ships inside its own.

    viewflow's static folders carry `node_modules/` copies of roboto-fontface and others whose
    CSS points at font files the wheel leaves out (…/css/roboto/Roboto-Thin.woff2). No page
    uses them, but the manifest storage of production post-processes every CSS file it
    collects and stops at the first missing reference — no manifest is written and every page
    then answers 500. The fonts the pages do use live outside node_modules.
    """

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "node_modules"]
