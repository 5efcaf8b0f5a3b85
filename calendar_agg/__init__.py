"""calendar-agg: newsletter event listings in, subscription calendars and feeds out."""

__version__ = "0.1.0"
