"""The schedule page, its actions, the XLSX export and the API, with brand scoping."""

from __future__ import annotations

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from apps.workforce.choices import RosterStatus
from apps.workforce.models import SolveRun
from tests.workforce.conftest import WEEK


def test_schedule_page_shows_the_chart_and_the_grid(client, bpo_manager, planned, brand_a):
    client.force_login(bpo_manager)
    page = client.get(reverse("workforce:schedule"), {"client": brand_a.pk, "week": WEEK.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'class="required"' in html and 'class="scheduled"' in html
    assert planned.roster.shifts.first().agent.employee_no in html


def test_home_page_links_the_schedule(client, bpo_manager):
    client.force_login(bpo_manager)
    assert reverse("workforce:schedule") in client.get("/").content.decode()


def test_publish_from_the_page(client, bpo_manager, planned):
    client.force_login(bpo_manager)
    response = client.post(reverse("workforce:publish", args=[planned.roster.pk]))
    assert response.status_code == 302
    planned.roster.refresh_from_db()
    assert planned.roster.status == RosterStatus.PUBLISHED


def test_replan_button_queues_a_solve(
    client, bpo_manager, planned, brand_a, django_capture_on_commit_callbacks, monkeypatch
):
    from apps.workforce import tasks

    queued = []
    monkeypatch.setattr(tasks.solve_run_task, "delay", lambda run_id: queued.append(run_id))
    client.force_login(bpo_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workforce:replan"), {"client": brand_a.pk, "week": WEEK.isoformat()})
    assert response.status_code == 302
    assert queued == [SolveRun.objects.latest("created_at").pk]


def test_xlsx_export_lists_every_shift(client, bpo_manager, planned):
    client.force_login(bpo_manager)
    response = client.get(reverse("workforce:export", args=[planned.roster.pk]))
    book = load_workbook(BytesIO(response.content))
    grid, shifts = book.worksheets
    assert shifts.max_row - 1 == planned.roster.shifts.count()
    # headers and day names in the manager's language (the page and the sheet say the same)
    assert (grid.title, shifts.title, grid["A1"].value, grid["D1"].value[:2]) == ("排班表", "班次", "工号", "星期")


def test_client_viewer_cannot_open_the_schedule(client, viewer_a, planned):
    client.force_login(viewer_a)
    assert client.get(reverse("workforce:schedule")).status_code == 403


def test_api_lists_the_week_forecast_and_requirement(api, bpo_manager, planned, brand_a):
    c = api(bpo_manager)
    forecast = c.get("/api/v1/workforce/forecasts/", {"client": brand_a.pk, "week": WEEK.isoformat()})
    assert forecast.status_code == 200
    assert forecast.json()["count"] == 672
    req = c.get("/api/v1/workforce/requirements/", {"client": brand_a.pk, "week": WEEK.isoformat()})
    assert req.json()["count"] == 672


def test_api_roster_detail_has_shifts_and_publishes(api, bpo_manager, planned):
    c = api(bpo_manager)
    detail = c.get(f"/api/v1/workforce/rosters/{planned.roster.pk}/").json()
    assert len(detail["shifts"]) == planned.roster.shifts.count()
    published = c.post(f"/api/v1/workforce/rosters/{planned.roster.pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"


def test_api_post_starts_a_solve_run(
    api, bpo_manager, brand_a, planned, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.workforce import tasks

    monkeypatch.setattr(tasks.solve_run_task, "delay", lambda run_id: None)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(bpo_manager).post(
            "/api/v1/workforce/solve-runs/",
            {"client": brand_a.pk, "week_start": WEEK.isoformat(), "kind": "what_if", "params": {"volume_factor": 1.2}},
            format="json",
        )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"


def test_api_rejects_a_bad_scenario_with_its_field(api, bpo_manager, brand_a):
    response = api(bpo_manager).post(
        "/api/v1/workforce/solve-runs/",
        {"client": brand_a.pk, "week_start": WEEK.isoformat(), "params": {"bot_resolution": 2}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "bot_resolution"


def test_other_brand_roster_is_a_404_for_a_scoped_user(api, planned, brand_b):
    from apps.core.choices import Role
    from tests import factories

    viewer_b = factories.make_user(role=Role.CLIENT_VIEWER, client=brand_b)
    assert api(viewer_b).get(f"/api/v1/workforce/rosters/{planned.roster.pk}/").status_code in (403, 404)


def test_api_override_replaces_the_forecast_in_the_requirement(api, bpo_manager, planned, brand_a):
    from apps.workforce import services
    from apps.workforce.models import Forecast, ForecastOverride

    row = Forecast.objects.filter(client=brand_a).order_by("interval_start")[60]
    body = {
        "client": brand_a.pk,
        "interval_start": row.interval_start.isoformat(),
        "volume": "500",
        "reason": "live show",
    }
    response = api(bpo_manager).post("/api/v1/workforce/forecast-overrides/", body, format="json")
    assert response.status_code == 201
    assert ForecastOverride.objects.get().volume == 500
    row.refresh_from_db()
    assert row.volume != 500  # the statistical forecast is kept apart
    needs = services.requirement_plan(client=brand_a, week_start=WEEK, params=services.PlanParams())
    at = {n.at: n for n in needs}[row.interval_start]
    assert at.volume == 500


def test_api_override_needs_a_reason(api, bpo_manager, brand_a):
    body = {"client": brand_a.pk, "interval_start": "2026-11-09T10:00:00+08:00", "volume": "5", "reason": " "}
    response = api(bpo_manager).post("/api/v1/workforce/forecast-overrides/", body, format="json")
    assert response.status_code == 400


def _copy_as_draft(roster, *, drop: int = 1):
    """A new draft version of ``roster`` with its first ``drop`` shifts left out."""
    from apps.workforce.models import Roster, Shift

    draft = Roster.objects.create(
        client=roster.client, week_start=roster.week_start, version=roster.version + 1, status=RosterStatus.DRAFT
    )
    shifts = list(roster.shifts.order_by("start", "agent_id"))[drop:]
    Shift.objects.bulk_create(
        [
            Shift(
                roster=draft,
                agent_id=s.agent_id,
                start=s.start,
                end=s.end,
                meal_start=s.meal_start,
                meal_end=s.meal_end,
                breaks=s.breaks,
                paid_hours=s.paid_hours,
                night_hours=s.night_hours,
                is_surge=s.is_surge,
            )
            for s in shifts
        ]
    )
    return draft


def test_the_draft_shows_beside_the_published_roster_with_the_difference_and_publishes(
    client, bpo_manager, planned, brand_a
):
    from apps.workforce import services

    published = services.roster_publish(roster=planned.roster)
    dropped = published.shifts.order_by("start", "agent_id").first()
    draft = _copy_as_draft(published)
    client.force_login(bpo_manager)
    html = client.get(reverse("workforce:schedule"), {"client": brand_a.pk, "week": WEEK.isoformat()}).content.decode()
    assert "草稿与已发布排班对比" in html
    assert f"-{dropped.paid_hours:.1f}" in html  # the paid-hours difference
    assert "1 名客服的本周班次有变" in html
    assert reverse("workforce:publish", args=[draft.pk]) in html
    response = client.post(reverse("workforce:publish", args=[draft.pk]), follow=True)
    assert f"草稿 v{draft.version} 已发布；此前发布的 v{published.version} 已被取代。" in response.content.decode()
    published.refresh_from_db()
    assert published.status == RosterStatus.SUPERSEDED


def test_what_if_scenarios_read_in_words_side_by_side(client, bpo_manager, planned, brand_a):
    from apps.workforce import services
    from apps.workforce.choices import SolveKind

    run = SolveRun.objects.create(
        client=brand_a,
        week_start=WEEK,
        kind=SolveKind.WHAT_IF,
        params={"volume_factor": 1.4, "bot_resolution": 0.6, "aht_s": 200},
        time_limit_seconds=3,
    )
    services.solve_run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    client.force_login(bpo_manager)
    html = client.get(reverse("workforce:schedule"), {"client": brand_a.pk, "week": WEEK.isoformat()}).content.decode()
    assert "情景并排对比" in html
    assert "话务量 +40 %" in html and "机器人解决率 60 %" in html and "平均处理时长 200 秒" in html
    assert "当前计划" in html and "高峰时段服务水平" in html
    assert "volume_factor" not in html and "paid_hours=" not in html


def test_a_week_without_forecast_offers_to_make_one(client, bpo_manager, planned, brand_a):
    from datetime import timedelta

    from apps.workforce.models import Forecast, StaffingRequirement

    later = WEEK + timedelta(days=14)
    client.force_login(bpo_manager)
    html = client.get(reverse("workforce:schedule"), {"client": brand_a.pk, "week": later.isoformat()}).content.decode()
    assert "本周还没有预测" in html and reverse("workforce:forecast_make") in html
    client.post(reverse("workforce:forecast_make"), {"client": brand_a.pk, "week": later.isoformat()})
    assert Forecast.objects.filter(client=brand_a, interval_start__date__gte=later).count() == 672
    assert StaffingRequirement.objects.filter(client=brand_a, interval_start__date__gte=later).exists()


def test_api_builds_a_missing_forecast_and_answers_the_learned_phases(api, bpo_manager, planned, brand_a):
    from datetime import timedelta

    later = WEEK + timedelta(days=7)
    response = api(bpo_manager).post(
        "/api/v1/workforce/forecasts/build/", {"client": brand_a.pk, "week_start": later.isoformat()}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["forecast_intervals"] == 672 and body["requirement_intervals"] == 672
    assert isinstance(body["phases"], dict)


def test_the_page_names_the_intervals_still_short_after_repair(client, bpo_manager, brand_b):
    from datetime import timedelta

    from apps.workforce import services
    from tests import factories
    from tests.workforce.factories import chat_history

    store = factories.make_store(client=brand_b, is_24h=True)
    chat_history(store, start=WEEK - timedelta(days=14), days=14, per_day=100, seed=5)
    services.forecast_build(client=brand_b, week_start=WEEK)
    services.requirement_compute(client=brand_b, week_start=WEEK)
    run = SolveRun.objects.create(client=brand_b, week_start=WEEK, time_limit_seconds=3)
    services.solve_run_execute(run.pk)  # no agent has the skill: every busy interval stays short
    run.refresh_from_db()
    first = run.short_intervals[0]
    client.force_login(bpo_manager)
    html = client.get(reverse("workforce:schedule"), {"client": brand_b.pk, "week": WEEK.isoformat()}).content.decode()
    assert "修补后仍缺人的时段" in html
    at = services.timezone.localtime(services.datetime.fromisoformat(first["at"]), services.local_tz())
    assert f"{at:%m-%d %H:%M} · 缺 {first['short']} 人" in html


def test_the_page_shows_the_learned_uplift_per_promo_phase(client, bpo_manager, planned, brand_a):
    from apps.core.audit import audit_record

    audit_record(
        actor=None,
        action="workforce.forecast_build",
        target=brand_a,
        client=brand_a,
        data={"week_start": WEEK.isoformat(), "phases": {"double11_day": 6.02, "rush_0000": 187.4}},
    )
    client.force_login(bpo_manager)
    html = client.get(reverse("workforce:schedule"), {"client": brand_a.pk, "week": WEEK.isoformat()}).content.decode()
    assert "学到的大促增幅" in html
    assert "00:00 零点高峰 ×187.40 · 双11当天 ×6.02" in html
