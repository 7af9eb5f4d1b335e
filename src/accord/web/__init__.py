"""The dashboard: a thin FastAPI app over the same library (`accord serve`)."""
