"""The public surface: generate(), sizes, profiles, errors, determinism, progress."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import undertow.synth as synth
from tests.synth.conftest import Scenario
from undertow.errors import ConfigError
from undertow.synth import PROFILES, SIZES, generate


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_exports_only_the_public_names() -> None:
    assert set(synth.__all__) == {
        "PROFILES",
        "SIZES",
        "Noise",
        "ScenarioParams",
        "SizeSpec",
        "SynthSummary",
        "generate",
    }
    assert set(SIZES) == {"small", "medium", "large"}
    assert set(PROFILES) == {"default", "alt"}


@pytest.mark.parametrize(("size", "profile"), [("huge", "default"), ("small", "other")])
def test_unknown_size_or_profile_is_a_config_error(tmp_path: Path, size: str, profile: str) -> None:
    with pytest.raises(ConfigError, match="unknown scenario"):
        generate(tmp_path, size=size, profile=profile)
    assert not any(tmp_path.iterdir())


def test_same_seed_same_bytes_and_other_seed_other_bytes(small: Scenario, tmp_path: Path) -> None:
    stages: list[tuple[str, int, int]] = []
    a = generate(
        tmp_path / "a",
        seed=7,
        size="small",
        progress=lambda stage, done, total: stages.append((stage, done, total)),
    )
    c = generate(tmp_path / "c", seed=12, size="small")
    first, second, other = _digest(a.out), _digest(small.root), _digest(c.out)
    assert first == second
    assert first["truth.json"] != other["truth.json"]
    assert first["manifest.json"] != other["manifest.json"] or any(
        first[k] != other.get(k) for k in first
    )
    assert a.counts()["payments"] == a.payments
    assert ("networks", a.networks, a.networks) in stages
    assert stages[-1] == ("truth", 1, 1)
    assert not (a.out / ".truth-parts").exists()


@pytest.mark.slow
def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Set iteration order changes with PYTHONHASHSEED; nothing written may depend on it."""
    here = generate(tmp_path / "here", seed=5, size="small")
    src = Path(synth.__file__).parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(src)}
    code = (
        "import sys; from pathlib import Path; from undertow.synth import generate; "
        "generate(Path(sys.argv[1]), seed=5, size='small')"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "there")], env=env, check=True)
    assert _digest(here.out) == _digest(tmp_path / "there")


def test_profiles_differ_where_the_brief_says() -> None:
    default, alt = PROFILES["default"], PROFILES["alt"]
    assert alt.network_factor != default.network_factor
    assert alt.prices != default.prices
    assert alt.channels != default.channels
    assert alt.channels["crypto"] > default.channels["crypto"]
    assert alt.coverage != default.coverage
    assert alt.noise != default.noise
    assert alt.members != default.members
