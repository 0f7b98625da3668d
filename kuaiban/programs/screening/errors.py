"""The one error of a screening: a Chinese message naming the file, column or figure at fault."""

from __future__ import annotations

from kuaiban.platform.errors import Invalid


class ScreeningError(Invalid):
    """Bad registry, figure or program; nothing of the run is left behind."""
