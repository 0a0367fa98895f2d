"""`trainer app`: the trainer as a local web page (the top layer, beside the CLI)."""
