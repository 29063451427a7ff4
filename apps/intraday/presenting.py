"""How the room words things for people: alert sentences, lever names and exception labels, in the
user's language (gettext; the Chinese catalogue is the app's own). Names, never ids."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.conversations.topics import topic_label

FLAG_LABELS = {
    "late": gettext_lazy("late"),
    "early_out": gettext_lazy("left early"),
    "break_off_plan": gettext_lazy("break out of plan"),
}

LEVER_LABELS = {
    "overtime": gettext_lazy("Offer overtime"),
    "move_breaks": gettext_lazy("Move breaks out of the peak"),
    "lend": gettext_lazy("Lend agents from another brand"),
    "surge": gettext_lazy("Call in surge agents"),
    "vto": gettext_lazy("Offer voluntary time off"),
}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _clock(index: int) -> str:
    """HH:MM of the start of 15-minute interval ``index`` of the day (96 → 24:00)."""
    return f"{index // 4:02d}:{index % 4 * 15:02d}"


def alert_sentence(alert) -> str:
    d = alert.data or {}
    k = alert.kind
    if k == "volume":
        dev = d.get("deviation", 0)
        return _("The rest of the day is reforecast %(sign)s%(pct)s against the plan.") % {
            "sign": "+" if dev >= 0 else "−",
            "pct": f"{abs(dev) * 100:.0f}%",
        }
    if k == "understaffed":
        return _("%(gap)s agents short on the floor (%(scheduled)s scheduled, %(required)s required).") % d
    if k == "overstaffed":
        return _("At least %(spare)s agents more than required for the next two hours.") % d
    if k == "sl" and "first" in d:
        return _(
            "Service level %(sl)s in %(window)s (%(offered)s chats offered to agents) against a target of %(target)s."
        ) % {
            "sl": pct(d.get("sl")),
            "window": f"{_clock(d['first'])}–{_clock(d['last'] + 1)}",
            "offered": d.get("offered"),
            "target": pct(d.get("target")),
        }
    if k == "sl":
        return _("Service level %(sl)s against a target of %(target)s.") % {
            "sl": pct(d.get("sl")),
            "target": pct(d.get("target")),
        }
    if k == "adherence":
        return _("Team adherence %(value)s, below %(threshold)s.") % {
            "value": pct(d.get("adherence")),
            "threshold": pct(d.get("threshold")),
        }
    if k == "spike":
        topic = topic_label(d["topic"]) if d.get("topic") else _("no topic")
        text = _("%(observed)s complaint or negative chats against %(expected)s normally; topic: %(topic)s") % {
            "observed": d.get("observed"),
            "expected": d.get("expected"),
            "topic": topic,
        }
        if d.get("keyword"):
            text += _(" (keyword “%(keyword)s”)") % {"keyword": d["keyword"]}
        excerpts = d.get("excerpts") or []
        if excerpts:
            text += "\n" + "\n".join(f"> {e}" for e in excerpts)
        return text
    return ""


STATE_LABELS = {
    "logged_in": gettext_lazy("Logged in"),
    "available": gettext_lazy("Available"),
    "busy": gettext_lazy("Busy"),
    "break": gettext_lazy("On break"),
    "offline": gettext_lazy("Offline"),
}
