"""carbon: search and analyse Chinese policy documents."""

__version__ = "0.1.0"
