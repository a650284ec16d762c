"""Builders: measures in, maps, charts and tables out (no data access)."""
