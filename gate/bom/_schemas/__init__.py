"""Generated JSON validators of the CycloneDX schemas (tools/gen_bom_validators.py)."""
