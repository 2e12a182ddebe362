"""An authoring toolkit for press releases: per-force forms plus shared boilerplate, in four formats."""

from __future__ import annotations

__version__ = "0.1.0"
