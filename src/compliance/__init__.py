"""comply: check a children's services authority's metrics against inspection rules."""

__version__ = "0.1.0"
