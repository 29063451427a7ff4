"""Data migration: re-time every stored conversation with the shared timing definitions
(docs/qa_rule_meanings.md "Timing rules": the wait starts at the hand-over moment, courtesy needs no
answer, a chat no human joined has no human rounds). It calls the current timing code on purpose:
the fields are a pure function of the messages, and the definition is what changed. A fresh
database has no rows and this does nothing; `manage.py recompute_timing` does the same later."""

from django.db import migrations


def recompute(apps, schema_editor):
    from apps.conversations.services import conversation_timing_recompute

    conversation_timing_recompute()


class Migration(migrations.Migration):
    dependencies = [("conversations", "0006_first_response_help_text")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]
