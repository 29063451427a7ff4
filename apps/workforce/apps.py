from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "apps.workforce"
    label = "workforce"
