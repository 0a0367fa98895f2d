"""Scenarios: the TOML file format, and scenarios built from a job posting."""
