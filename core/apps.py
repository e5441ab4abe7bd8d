from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Xietong core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import register_converter

        from core.converters import IdConverter

        register_converter(IdConverter, "id")  # <id:pk> in every URL with an object's id
