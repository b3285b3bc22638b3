"""Generated CycloneDX JSON validators (tools/gen_bom_validators.py)."""
