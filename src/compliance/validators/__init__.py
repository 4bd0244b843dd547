"""Fast checks generated from the JSON Schemas (tools/generate_validators.py)."""
