"""The server-side SVG chart builder: valid SVG, Korean won labels, markers, escaping."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from core.charts import Band, Series, line_chart_svg, nice_ticks, won_label

SVG = "{http://www.w3.org/2000/svg}"
D0 = dt.date(2022, 1, 1)


def series(*prices: int) -> list[tuple[dt.date, int]]:
    return [(D0 + dt.timedelta(days=i), p) for i, p in enumerate(prices)]


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (9_800, "9,800원"),
        (10_000, "1만원"),
        (125_000, "12.5만원"),
        (1_234_567, "123만원"),
        (12_345_678, "1,235만원"),
        (100_000_000, "1억원"),
        (123_000_000, "1억 2,300만원"),
        (0, "0원"),
    ],
)
def test_won_labels_read_the_korean_way(value: int, label: str) -> None:
    assert won_label(value) == label


def test_nice_ticks_are_round_and_cover_the_range() -> None:
    ticks = nice_ticks(1_234_000, 1_567_000)
    assert ticks[0] <= 1_234_000 and ticks[-1] >= 1_567_000
    steps = {round(b - a) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and steps.pop() in {50_000, 100_000}


def test_the_chart_is_well_formed_svg_with_a_line_and_axis_labels_in_won() -> None:
    svg = line_chart_svg(series(1_200_000, 1_150_000, 1_300_000, 1_250_000), title="가격")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    paths = root.findall(f".//{SVG}path")
    assert len(paths) == 1 and paths[0].get("d").count("L") == 3
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert any(t.endswith("만원") for t in texts)
    assert "1.1" in texts  # first date label (month.day)


def test_it_marks_the_lowest_and_highest_points() -> None:
    svg = line_chart_svg(series(1_200_000, 1_150_000, 1_300_000, 1_250_000))
    root = ET.fromstring(svg)
    marks = {g.get("class"): "".join(g.itertext()) for g in root.iter(f"{SVG}g")}
    assert "최저 115만원 (1.2)" in marks["chart-mark chart-min"]
    assert "최고 130만원 (1.3)" in marks["chart-mark chart-max"]


def test_a_flat_series_has_one_marker_and_still_draws() -> None:
    root = ET.fromstring(line_chart_svg(series(500_000, 500_000, 500_000)))
    classes = [g.get("class") for g in root.iter(f"{SVG}g")]
    assert "chart-mark chart-min" in classes and "chart-mark chart-max" not in classes


def test_a_single_point_is_drawn_as_a_dot() -> None:
    root = ET.fromstring(line_chart_svg(series(990_000)))
    assert root.findall(f".//{SVG}path") == []
    assert root.find(f".//{SVG}circle[@class='chart-line-main']") is not None


def test_no_points_says_there_is_no_history() -> None:
    svg = line_chart_svg([])
    ET.fromstring(svg)
    assert "가격 기록이 없습니다" in svg


def test_text_is_escaped() -> None:
    evil = '<script>alert("x")</script> & "quotes"'
    svg = line_chart_svg(
        series(1_000_000, 1_100_000),
        title=evil,
        extra=[Series(series(1_050_000, 1_000_000), label=evil, css='a"b')],
        band=Band([(D0, 900_000, 1_100_000)], label=evil),
    )
    ET.fromstring(svg)  # still well-formed
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_extra_series_and_band_share_the_axes_with_a_legend() -> None:
    forecast = Series(
        [(D0 + dt.timedelta(days=3), 1_000_000), (D0 + dt.timedelta(days=6), 950_000)],
        label="예측",
        css="forecast",
        color="#f59e0b",
        dashed=True,
    )
    band = Band(
        [
            (D0 + dt.timedelta(days=3), 950_000, 1_050_000),
            (D0 + dt.timedelta(days=6), 850_000, 1_000_000),
        ],
        label="예측 범위",
    )
    root = ET.fromstring(
        line_chart_svg(
            series(1_100_000, 1_050_000, 1_000_000, 1_000_000), extra=[forecast], band=band
        )
    )
    forecast_path = root.find(f".//{SVG}path[@class='chart-line-forecast']")
    assert forecast_path is not None and forecast_path.get("stroke-dasharray")
    polygon = root.find(f".//{SVG}polygon[@class='chart-band']")
    assert polygon is not None and len(polygon.get("points").split()) == 4
    legend = "".join(root.find(f".//{SVG}g[@class='chart-legend']").itertext())
    assert "가격" in legend and "예측" in legend and "예측 범위" in legend
    # the band's low (85만원) pulls the axis down below the main series' minimum
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert any(label in labels for label in ("80만원", "85만원"))
