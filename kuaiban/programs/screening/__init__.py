"""稳岗返还 免申即享: screening every insured enterprise of a registry (docs/programs.md, "稳岗返还 免申即享：筛查").

registry (the Parquet layout, checked) → aggregate (per-enterprise figures from the person records) → compute (the
rules pillar's calculator, reasons for refusals) → run (one region at a time here or on Dask; staging, manifest).
Definitions: data/screening/<code>.yaml (config).
"""

from kuaiban.programs.screening.errors import ScreeningError
from kuaiban.programs.screening.run import screen

__all__ = ["ScreeningError", "screen"]
