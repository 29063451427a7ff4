"""The pure engines of the intraday room: reforecast, requirement, adherence, spikes, levers, alerts."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.intraday import adherence, alerting, levers, requirement, spikes
from apps.intraday.reforecast import ReforecastParams, reforecast

volumes = st.lists(st.floats(min_value=0, max_value=500, allow_nan=False), min_size=1, max_size=96)


# ---------------------------------------------------------------- reforecast


@given(volumes, st.data())
@settings(max_examples=60, deadline=None)
def test_a_day_on_plan_is_reforecast_as_the_plan(forecast, data):
    elapsed = data.draw(st.integers(min_value=0, max_value=len(forecast)))
    res = reforecast(forecast, forecast[:elapsed])
    assert res.values == pytest.approx(forecast, abs=1e-9)
    assert res.ratio == pytest.approx(1.0)


@given(volumes, st.data())
@settings(max_examples=60, deadline=None)
def test_the_ratio_stays_in_its_bounds_and_nothing_goes_negative(forecast, data):
    elapsed = data.draw(st.integers(min_value=0, max_value=len(forecast)))
    actual = data.draw(st.lists(st.floats(0, 5000, allow_nan=False), min_size=elapsed, max_size=elapsed))
    res = reforecast(forecast, actual)
    assert 0.2 <= res.ratio <= 5.0
    assert all(v >= 0 for v in res.values)
    assert res.values[:elapsed] == actual


def test_running_40_percent_over_lifts_the_rest_and_damps_towards_the_plan():
    forecast = [100.0] * 96
    res = reforecast(forecast, [140.0] * 80)
    assert res.ratio == pytest.approx(1.4)
    assert res.values[80] == pytest.approx(100 * (1 + 0.4 * 0.97))
    assert res.values[95] < res.values[80]  # damped further out
    assert res.rest_deviation > 0.3


def test_one_noisy_interval_moves_the_ratio_less_than_a_lasting_change():
    forecast = [100.0] * 96
    one = reforecast(forecast, [100.0] * 40 + [200.0])
    lasting = reforecast(forecast, [100.0] * 36 + [200.0] * 5)
    assert 1.0 < one.ratio < lasting.ratio


def test_a_quiet_start_is_not_trusted_fully():
    forecast = [2.0] * 96
    res = reforecast(forecast, [6.0] * 4, params=ReforecastParams(min_volume=60))
    assert res.ratio < 1.5  # raw 3.0, but only 8 of 60 forecast contacts seen


def test_change_against_the_previous_tick():
    forecast = [100.0] * 8
    first = reforecast(forecast, [100.0] * 2)
    second = reforecast(forecast, [100.0, 100.0, 160.0], previous=first.values)
    assert second.change[2] == pytest.approx(60.0)
    assert second.change[5] > 0


# ---------------------------------------------------------------- requirement


def test_more_contacts_need_more_agents_and_the_bot_rate_of_today_is_used():
    params = requirement.RequirementParams(plan_bot_rate=0.5, plan_aht_s=300)
    few = requirement.requirement([50.0], requirement.Observed(), params)
    many = requirement.requirement([500.0], requirement.Observed(), params)
    assert many.intervals[0].agents > few.intervals[0].agents
    broken_bot = requirement.requirement(
        [500.0], requirement.Observed(conversations=100, bot_only=0, human=100, human_seconds=30000), params
    )
    assert broken_bot.bot_rate == 0.0
    assert broken_bot.intervals[0].agents > many.intervals[0].agents


def test_the_requirement_meets_the_target_and_one_agent_less_does_not():
    params = requirement.RequirementParams(plan_bot_rate=0.0, plan_aht_s=240)
    res = requirement.requirement([300.0], requirement.Observed(), params)
    n = res.intervals[0].agents
    human = res.intervals[0].human_volume
    assert requirement.sl_with(n, human, aht_s=240, params=params).service_level >= 0.8
    assert (
        n == 0
        or requirement.sl_with(n - 1, human, aht_s=240, params=params).service_level < 0.8
        or (300 * 240 / 2.5 / 900 / (n - 1) > 0.88)
    )


# ---------------------------------------------------------------- adherence

H = 3600.0


def _shift(start=0.0, end=8 * H, breaks=((4 * H, 4.5 * H),)):
    return adherence.ScheduledShift(agent_id=1, start=start, end=end, breaks=breaks)


def _ev(*pairs):
    return [adherence.StateEvent(1, t, s) for t, s in pairs]


def test_an_agent_who_keeps_to_the_schedule_adheres_fully():
    ev = _ev((0, "available"), (4 * H, "break"), (4.5 * H, "busy"), (8 * H, "offline"))
    res = adherence.agent_adherence(_shift(), ev, as_of=9 * H)
    assert res.adherence == pytest.approx(1.0)
    assert res.flags == []


def test_late_early_out_and_a_break_out_of_plan_are_named():
    ev = _ev((0.5 * H, "available"), (2 * H, "break"), (2.5 * H, "available"), (7 * H, "offline"))
    res = adherence.agent_adherence(_shift(), ev, as_of=9 * H)
    assert res.late_s == pytest.approx(0.5 * H)
    assert res.off_plan_break_s == pytest.approx(0.5 * H)
    assert res.early_out_s == pytest.approx(1 * H)
    assert set(res.flags) == {"late", "early_out", "break_off_plan"}
    # scheduled 8 h; on the floor as planned: 0.5–2, 2.5–4, 4.5–7 h; the meal 4–4.5 was 'available' (not adherent)
    assert res.adherence == pytest.approx((1.5 + 1.5 + 2.5) / 8)


def test_only_the_time_that_has_happened_is_measured_and_events_may_come_in_any_order():
    ev = _ev((1 * H, "busy"), (0, "available"))
    res = adherence.agent_adherence(_shift(), ev, as_of=2 * H)
    assert res.scheduled_s == pytest.approx(2 * H)
    assert res.adherence == pytest.approx(1.0)


@given(st.lists(st.tuples(st.floats(0, 10 * H), st.sampled_from(adherence.STATES)), max_size=30), st.floats(0, 12 * H))
@settings(max_examples=80, deadline=None)
def test_adherence_is_a_share(pairs, as_of):
    res = adherence.agent_adherence(_shift(), _ev(*pairs), as_of=as_of)
    assert 0.0 <= res.adherent_s <= res.scheduled_s + 1e-6
    assert 0.0 <= res.adherence <= 1.0 + 1e-9


def test_team_adherence_weighs_by_scheduled_time():
    shifts = [_shift(), adherence.ScheduledShift(agent_id=2, start=0, end=4 * H)]
    events = _ev((0, "available")) + [adherence.StateEvent(2, 2 * H, "available")]
    team = adherence.team_adherence(shifts, events, as_of=4 * H)
    assert team.adherence == pytest.approx((4 * H + 2 * H) / (8 * H))


def test_floor_counts_at_the_slot_midpoint():
    events = {1: _ev((0, "logged_in"), (900, "available")), 2: [adherence.StateEvent(2, 0, "break")]}
    logged, floor = adherence.floor_counts(events, [0.0, 900.0])
    assert logged == [2, 2]
    assert floor == [0, 1]


# ---------------------------------------------------------------- spikes


def _risk(i, text):
    return spikes.RiskConversation(conversation_id=i, excerpts=(text[:20],), buyer_text=text)


def test_a_leaking_package_spike_is_found_and_named():
    normal = [spikes.IntervalRisk(k, 200, [_risk(k * 100, "我要投诉")]) for k in range(4)]
    leak = [_risk(1000 + j, f"收到的洗衣液漏液了，盒子全湿，我要投诉{j}") for j in range(12)]
    found = spikes.detect([*normal, spikes.IntervalRisk(4, 200, leak)], base_rate=0.005)
    assert [s.index for s in found] == [4]
    assert found[0].topic == "quality" and found[0].keyword == "漏液"
    assert len(found[0].excerpts) == 3


def test_a_volume_surge_at_the_normal_complaint_rate_is_not_a_spike():
    busy = spikes.IntervalRisk(0, 4000, [_risk(j, "差评") for j in range(20)])
    assert spikes.detect([busy], base_rate=0.005) == []


def test_poisson_tail():
    assert spikes.poisson_sf(0, 3.0) == 1.0
    assert spikes.poisson_sf(1, 2.0) == pytest.approx(1 - 0.1353352832, rel=1e-6)


# ---------------------------------------------------------------- levers


def _sl(slot, fl):
    return (min(1.0, fl / 10), 1.0)


def test_overtime_respects_rest_and_weekly_hours():
    shifts = [levers.PlanShift(1, 1, 7, 48, 80), levers.PlanShift(2, 2, 7, 48, 80)]
    need = [0] * 96
    for t in range(80, 88):
        need[t] = 2
    rooms = {
        1: levers.AgentRoom(1, 100, 176, None, None, frozenset({7})),
        2: levers.AgentRoom(2, 176, 176, None, None, frozenset({7})),  # no weekly room
    }
    found = levers.propose(client_id=7, shifts=shifts, need=need, now=60, rooms=rooms, others={}, sl_of=_sl)
    ot = next(lv for lv in found if lv.kind == "overtime")
    assert [e.agent_id for e in ot.edits] == [1]
    assert ot.edits[0].end == 88
    assert ot.sl_after > ot.sl_before
    rooms[1] = levers.AgentRoom(1, 100, 176, 80 + 44 + 4, None, frozenset({7}))  # next shift too close
    found = levers.propose(client_id=7, shifts=shifts, need=need, now=60, rooms=rooms, others={}, sl_of=_sl)
    ot = next(lv for lv in found if lv.kind == "overtime")
    assert ot.edits[0].end == 84  # only 4 slots keep 11 h of rest


def test_breaks_move_out_of_the_peak_and_vto_only_when_over_staffed():
    shifts = [levers.PlanShift(1, 1, 7, 40, 80, breaks=(70,)), levers.PlanShift(2, 2, 7, 40, 80)]
    need = [0] * 96
    need[70] = 2
    found = levers.propose(client_id=7, shifts=shifts, need=need, now=50, rooms={}, others={}, sl_of=_sl)
    mb = next(lv for lv in found if lv.kind == "move_breaks")
    assert 70 not in mb.edits[0].breaks and mb.delta[70] == 1
    assert all(lv.kind != "vto" for lv in found)
    need[70] = 0
    found = levers.propose(client_id=7, shifts=shifts, need=need, now=50, rooms={}, others={}, sl_of=_sl)
    assert any(lv.kind == "vto" for lv in found)


def test_lend_keeps_the_lender_covered_and_surge_needs_the_skill():
    need = [0] * 96
    for t in range(80, 88):
        need[t] = 1
    others = {9: ([0] * 96, levers.floor([levers.PlanShift(5, 5, 9, 60, 92)], 96), [levers.PlanShift(5, 5, 9, 60, 92)])}
    rooms = {
        5: levers.AgentRoom(5, 0, 176, None, None, frozenset({7, 9})),
        6: levers.AgentRoom(6, 0, 192, None, None, frozenset({9}), is_surge=True),
        8: levers.AgentRoom(8, 0, 192, None, None, frozenset({7}), is_surge=True),
    }
    found = levers.propose(client_id=7, shifts=[], need=need, now=70, rooms=rooms, others=others, sl_of=_sl)
    lent = next(lv for lv in found if lv.kind == "lend")
    assert lent.lender_client_id == 9 and {(e.client_id, e.end) for e in lent.edits} == {(9, 80), (7, 92)}
    sg = next(lv for lv in found if lv.kind == "surge")
    assert [e.agent_id for e in sg.edits] == [8] and sg.edits[0].end - sg.edits[0].start == 16


# ---------------------------------------------------------------- alerts and signing


def test_alert_rules_and_their_keys():
    facts = alerting.TickFacts(
        now=80,
        rest_deviation=0.4,
        required=[10] * 96,
        floor_plan=[7] * 96,
        offered=[20] * 80,
        in_target=[10] * 80,
        team_adherence=0.7,
        adherence_scheduled_s=7200,
    )
    kinds = {a.kind: a for a in alerting.evaluate(facts)}
    assert set(kinds) == {"volume", "understaffed", "sl", "adherence"}
    assert kinds["volume"].key == "volume:20:up" and kinds["sl"].interval == 79
    assert kinds["sl"].key == "sl:20" and kinds["sl"].data["offered"] == 80  # the last hour, pooled


def test_the_webhook_signature_is_hmac_sha256_of_timestamp_and_body():
    body = alerting.body_bytes(alerting.payload("json", title="t", text="x", data={"a": 1}))
    expected = hmac.new(b"s3", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert alerting.signature("s3", "1700000000", body) == "sha256=" + expected
    assert alerting.payload("wecom", title="T", text="x", data={})["msgtype"] == "markdown"
    assert "&sign=" in alerting.dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=a", "k", "1")


@given(
    st.dictionaries(
        st.integers(1, 6),
        st.lists(st.tuples(st.floats(0, 4 * H), st.sampled_from(adherence.STATES)), max_size=12),
        max_size=5,
    )
)
@settings(max_examples=80, deadline=None)
def test_vectorised_floor_counts_agree_with_reading_each_agent(feed):
    events = {a: [adherence.StateEvent(a, t, s) for t, s in pairs] for a, pairs in feed.items()}
    slots = [i * 900.0 for i in range(16)]
    logged, floor = adherence.floor_counts(events, slots)
    for i, start in enumerate(slots):
        states = [adherence._state_at(*adherence._timeline(evs), start + 450) for evs in events.values()]
        assert logged[i] == sum(s != "offline" for s in states)
        assert floor[i] == sum(s in adherence.ON_FLOOR for s in states)


def test_the_levers_sl_follows_a_low_measured_sl_not_the_model():
    from apps.intraday.room import SlCorrection

    fix = SlCorrection(slots=range(3, 11), seen=3.0, sl=0.2, needed=4, target=0.8)
    assert fix.cap(2) == fix.cap(3) == 0.2 and fix.cap(4) == fix.cap(6) == 0.8
    half = SlCorrection(slots=range(0, 8), seen=2.5, sl=0.2, needed=4, target=0.8)
    assert half.cap(3) == pytest.approx(0.2 + 0.6 * 0.5 / 1.5)
