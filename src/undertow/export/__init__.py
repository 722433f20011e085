"""Exports of what a reader may see: FtM JSON lines (more formats join as analyses land)."""

from undertow.export.ftm import ftm_entities, write_ftm

__all__ = ["ftm_entities", "write_ftm"]
