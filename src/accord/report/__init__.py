"""Plots and reports; imports the layers above it, never the reverse."""
