"""Geometry of the dashboard's charts, drawn as inline SVG by templates (no script, no other host).

Every chart is decorative for assistive technologies (aria-hidden): the table beside it holds the same
figures with a caption and header cells.
"""

# DSFR palette (illustrative colours), with a contrast of at least 3:1 against white for the bars.
COLOURS = {
    "bar": "#000091",  # blue-france-sun-113
    "external": "#A558A0",  # purple-glycine-main-494
    "mixed": "#C3992A",  # yellow-tournesol-main-731: paired with its label, never alone
    "internal": "#18753C",  # green-emeraude-sun / success-425
    "unassigned": "#666666",
}


def n(value):
    """A coordinate as text: templates would otherwise localise floats (4,5 in French) and break the SVG."""
    return f"{value:.1f}"


BAR_HEIGHT = 22
TOP_BARS = 12  # a bar chart shows the first rows; its table lists them all
GAP = 10
LABEL_WIDTH = 170
WIDE_LABEL_WIDTH = 320
CHART_WIDTH = 640
VALUE_WIDTH = 60


def shorten(label, limit=26):
    """A bar's label fits beside the bar; the table beside the chart has it whole."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def horizontal_bars(rows, value_key, label_key="label", label_width=LABEL_WIDTH):
    """rows -> {'width', 'height', 'bars': [{'y', 'width', 'label', 'value', 'text_y'}]}; long labels (sentences
    rather than acronyms) want a wider `label_width`, and are shortened to fit it."""
    top = max((row[value_key] or 0 for row in rows), default=0)
    span = CHART_WIDTH - label_width - VALUE_WIDTH
    limit = label_width // 6.5  # characters of 13 px Marianne that fit beside the bars
    bars = []
    for index, row in enumerate(rows):
        value = row[value_key] or 0
        y = index * (BAR_HEIGHT + GAP)
        bars.append(
            {
                "y": y,
                "text_y": n(y + BAR_HEIGHT * 0.7),
                "width": span * value / top if top else 0,
                "label": shorten(str(row[label_key]), int(limit)),
                "value": value,
            }
        )
    for bar in bars:
        bar["value_x"] = n(label_width + bar["width"] + 6)
        bar["width"] = n(bar["width"])
    return {
        "width": CHART_WIDTH,
        "height": max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT),
        "label_width": label_width,
        "label_x": label_width - 8,
        "colour": COLOURS["bar"],
        "bars": bars,
    }


def distribution(counts):
    """Vertical bars for the ratings 1..5."""
    top = max(counts, default=0)
    height, bar_width, gap, base = 160, 60, 30, 140
    bars = []
    for index, count in enumerate(counts):
        bar_height = (base - 20) * count / top if top else 0
        x = 40 + index * (bar_width + gap)
        bars.append(
            {
                "x": x,
                "y": n(base - bar_height),
                "height": n(bar_height),
                "width": bar_width,
                "label": index + 1,
                "value": count,
                "label_x": n(x + bar_width / 2),
                "value_y": n(base - bar_height - 5),
            }
        )
    return {"width": 40 + 5 * (bar_width + gap), "height": height, "base": base, "bars": bars, "colour": COLOURS["bar"]}


def stacked_columns(quarters, keys=("external", "mixed", "internal", "unassigned")):
    """One column per quarter, stacked by facilitation mode, scaled on the busiest quarter."""
    top = max((quarter["total"] for quarter in quarters), default=0)
    base, column_width, gap = 200, 56, 24
    columns = []
    for index, quarter in enumerate(quarters):
        x = 50 + index * (column_width + gap)
        y = base
        segments = []
        for key in keys:
            value = quarter.get(key, 0)
            if not value:
                continue
            segment_height = 180 * value / top if top else 0
            y -= segment_height
            segments.append(
                {"key": key, "y": n(y), "height": n(segment_height), "colour": COLOURS[key], "value": value}
            )
        columns.append({"x": x, "label_x": n(x + column_width / 2), "label": quarter["label"], "segments": segments})
    return {
        "width": max(50 + len(columns) * (column_width + gap), 300),
        "height": base + 30,
        "base": base,
        "column_width": column_width,
        "columns": columns,
        "legend": [{"key": key, "colour": COLOURS[key]} for key in keys],
    }
