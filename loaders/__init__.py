"""Data in and out: reference geography, lycées, demo data, the CLI and cached reads."""
