"""The store: tables, engine, settings and pure coverage computations."""
