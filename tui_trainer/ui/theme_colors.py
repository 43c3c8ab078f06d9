"""Colours of the app's theme, for what draws outside Textual's CSS (plotext, Rich text)."""

from __future__ import annotations

from textual.color import Color


def theme_color(app, name: str, fallback: str = "#888888") -> Color:
    """The theme variable ``name`` as an opaque colour (translucent ones over the surface)."""
    variables = app.theme_variables
    try:
        color = Color.parse(variables.get(name, fallback))
    except Exception:  # noqa: BLE001 - e.g. "auto 60%": not a colour by itself
        color = Color.parse(fallback)
    if color.a < 1:
        color = Color.parse(variables.get("surface", "#000000")) + color
    return color
