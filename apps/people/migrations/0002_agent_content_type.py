"""The agent's content type follows the model (data only; 0001 moved the model by state).

On a database that already had ``workforce.agent``, rename that content type to ``people.agent``:
its permissions (view_agent …), the groups holding them and admin log entries keep pointing at
the same row. A ``people.agent`` created meanwhile by post_migrate is dropped first, with its
permissions (roles_sync grants them again at the end of the migrate). On a fresh database there is nothing yet (post_migrate creates content types later)."""

from django.db import migrations


def forwards(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    old = content_type.objects.filter(app_label="workforce", model="agent")
    if old.exists():
        # a people.agent made by a post_migrate run in between is newer and holds nothing of its own
        # (roles_sync re-grants its permissions after this migrate)
        content_type.objects.filter(app_label="people", model="agent").delete()
        old.update(app_label="people")


def backwards(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    new = content_type.objects.filter(app_label="people", model="agent")
    if not content_type.objects.filter(app_label="workforce", model="agent").exists():
        new.update(app_label="workforce")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
