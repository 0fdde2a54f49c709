"""The training dashboard: trainees per step and the forecast of 100 % internal facilitation."""

from datetime import date

import pytest

from pilotage.stats import internal_forecast

pytestmark = pytest.mark.django_db


def quarter(start, share, total=4):
    return {
        "start": start,
        "label": f"T{(start.month - 1) // 3 + 1} {start.year}",
        "total": total,
        "internal_share": share,
    }


TODAY = date(2026, 11, 30)


def test_the_forecast_extends_the_trend_of_the_last_quarters():
    mix = [quarter(date(2026, 1, 1), 10), quarter(date(2026, 4, 1), 30), quarter(date(2026, 7, 1), 50)]
    forecast = internal_forecast(mix, TODAY)
    assert forecast["status"] == "forecast"
    assert forecast["pace"] == pytest.approx(20)
    assert forecast["quarters_left"] == 3  # 50 → 70 → 90 → 100
    assert forecast["label"] == "T2 2027"


def test_future_quarters_and_empty_ones_are_not_the_pace():
    mix = [
        quarter(date(2026, 4, 1), 0),
        quarter(date(2026, 7, 1), None, total=0),
        quarter(date(2026, 10, 1), 50),
        quarter(date(2027, 1, 1), 100),  # planned, not happened
    ]
    forecast = internal_forecast(mix, TODAY)
    assert forecast["status"] == "forecast" and forecast["pace"] == pytest.approx(50)
    assert forecast["label"] == "T1 2027"


@pytest.mark.parametrize(
    "shares, status",
    [([100], "reached"), ([40, 100], "reached"), ([60, 60, 40], "stalled"), ([30], "unknown"), ([], "unknown")],
)
def test_the_forecast_says_when_it_cannot_forecast(shares, status):
    starts = [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1)]
    mix = [quarter(start, share) for start, share in zip(starts, shares, strict=False)]
    assert internal_forecast(mix, TODAY)["status"] == status


def test_the_dashboard_shows_the_pipeline_per_step_and_the_forecast(client_for):
    response = client_for("formation").get("/pilotage/")
    html = response.content.decode()
    for status in ("in_training", "co_facilitator", "supervised_lead", "lead"):
        assert f'data-pipeline="{status}"' in html
    assert "data-forecast=" in html
    assert response.context["forecast"]["status"] in {"reached", "forecast", "stalled", "unknown"}


def test_a_facilitator_sees_neither_the_pipeline_nor_the_forecast(client_for):
    html = client_for("animateur").get("/pilotage/").content.decode()
    assert "data-forecast=" not in html and "data-pipeline=" not in html
