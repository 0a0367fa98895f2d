"""History: saved runs (SQLite), progress over runs, charts and the HTML report."""
