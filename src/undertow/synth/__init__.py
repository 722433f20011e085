"""A seeded synthetic multi-agency scenario with ground truth: the demo's data and the
yardstick for every accuracy figure (resolution, money flows, typologies, roles).

Each partner agency sees a partial slice of a Channel small-boat smuggling economy,
written in its own conventions (transliteration, phone and number formats, ids), and
``truth.json`` says who is who. Same seed, size and profile give the same bytes.

>>> from undertow.synth import generate
>>> summary = generate(Path("demo-data"), seed=7, size="small")  # doctest: +SKIP
>>> summary.manifest  # doctest: +SKIP
PosixPath('demo-data/manifest.json')
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from undertow.synth.profiles import PROFILES, Noise, ScenarioParams, get_profile
from undertow.synth.scenario import SynthSummary, run
from undertow.synth.sizes import SIZES, SizeSpec, get_size

__all__ = [
    "PROFILES",
    "SIZES",
    "Noise",
    "ScenarioParams",
    "SizeSpec",
    "SynthSummary",
    "generate",
]


def generate(
    out: Path,
    *,
    seed: int = 7,
    size: str = "small",
    profile: str = "default",
    progress: Callable[[str, int, int], None] | None = None,
) -> SynthSummary:
    """Write the scenario under ``out``: agency files, ``manifest.json``, ``truth.json``.

    ``progress(stage, done, total)`` is called as networks and background chunks are
    finished. Raises :class:`undertow.errors.ConfigError` for an unknown size or profile.
    """
    spec = get_size(size)
    params = get_profile(profile)
    return run(Path(out), seed=seed, size=spec, params=params, progress=progress)
