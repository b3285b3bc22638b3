"""aigate: a policy-as-code supply-chain gate for AI provenance.

Library use::

    from pathlib import Path
    from gate import pipeline

    result = pipeline.scan(pipeline.ScanOptions(root=Path(".")))
    for component in result.inventory.components:
        print(component.id, component.publisher)

The library never prints and never exits; :mod:`gate.cli` does both.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
