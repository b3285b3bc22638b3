"""Discovery: sources that turn a tree into Evidence (see :mod:`gate.discover.base`)."""
