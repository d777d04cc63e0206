"""lawcheck: coherence checks between Korean AI laws that promote (진흥) and regulate (규제)."""

__version__ = "0.1.0"
