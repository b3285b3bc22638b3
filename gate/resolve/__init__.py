"""Resolution: from evidence to components with identity, origin, lineage and licence."""
