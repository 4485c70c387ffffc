"""Server-side bar charts: geometry follows the numbers."""
from __future__ import annotations

import pytest

from assessor.web.dashboard import charts


@pytest.mark.parametrize("values", [[10, 5, 0], [1, 1, 1], [0, 0, 0], [3, 7, 100]])
def test_bar_widths_are_proportional(values):
    chart = charts.bar_chart("t", [(str(i), str(i), v) for i, v in enumerate(values)])
    top = max(values)
    widest = max(b.width for b in chart.bars)
    for bar, value in zip(chart.bars, values):
        if top and value:
            assert bar.width == pytest.approx(widest * value / top)
        else:
            assert bar.width == 2.0  # a sliver, so a zero row is still visible
    assert chart.empty == (top == 0)
    assert chart.height >= len(values) * charts.BAR_HEIGHT


def test_funnel_description_reads_the_numbers():
    chart = charts.funnel_chart([("invited", "Invited", 12), ("started", "Started", 7)])
    assert chart.description == "Candidates at each stage: Invited 12, Started 7."
    assert [b.text for b in chart.bars] == ["12", "7"]


def test_vocabulary_chart_uses_shares_of_the_whole():
    chart = charts.vocabulary_chart({"proportions": {"A1": 0.5, "B2": 0.25, "off-list": 0.25},
                                     "distribution": {"A1": 10, "B2": 5, "off-list": 5}})
    assert [b.text for b in chart.bars] == ["50%", "25%", "25%"]
    assert chart.bars[0].width == pytest.approx(2 * chart.bars[1].width)
    assert "A1 50% (10 words)" in chart.description
    assert charts.vocabulary_chart({}) is None
