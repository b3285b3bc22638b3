"""List the globals that pickles of fitted scikit-learn estimators import.

Run in an environment with scikit-learn installed and aigate importable (PYTHONPATH=.):
``python tools/sklearn_pickle_names.py``. It fits every estimator ``all_estimators()``
lists on small data, pickles it at protocols 2 and 5, reads the imports with aigate's own
opcode scanner (nothing is unpickled) and prints them as YAML for the ``safe`` section of
``gate/discover/data/pickle_imports.yaml``, grouped by module. Review before pasting: a
name belongs on the safe list only if importing and calling it cannot run code by itself.
"""

from __future__ import annotations

import pickle
import sys
import warnings
from collections import defaultdict

import numpy as np
import sklearn
from sklearn.base import is_classifier, is_regressor
from sklearn.utils import all_estimators
from sklearn.utils._test_common.instance_generator import _construct_instances

from gate.discover import pickles


def _fit(est: object, x: np.ndarray, y_class: np.ndarray, y_reg: np.ndarray) -> bool:
    attempts: list[tuple[object, object]] = []
    if is_classifier(est):
        attempts = [(x, y_class)]
    elif is_regressor(est):
        attempts = [(x, y_reg), (x, y_reg.reshape(-1, 1).repeat(2, axis=1))]
    texts = np.array(["red apple", "green pear", "red pear"] * 20, dtype=object)
    dicts = [{"a": float(v), "b": "x" if v > 0.5 else "y"} for v in y_reg]
    attempts += [(x, y_class), (x, None), (x.astype(int), y_class), (y_class, None)]
    attempts += [(texts, None), (dicts, None), (x[:, 0], y_reg), (x @ x.T, y_class)]
    for xs, ys in attempts:
        try:
            est.fit(xs) if ys is None else est.fit(xs, ys)  # type: ignore[attr-defined]
            return True
        except Exception:  # try the next kind of data
            continue
    return False


def main() -> None:
    warnings.filterwarnings("ignore")
    rng = np.random.RandomState(0)
    x = np.abs(rng.rand(60, 4)) + 0.1
    y_class = np.arange(60) % 3
    y_reg = rng.rand(60)
    names: dict[str, set[str]] = defaultdict(set)
    unfitted = []
    for _, cls in all_estimators():
        names[cls.__module__].add(cls.__name__)
        try:
            instances = list(_construct_instances(cls))
        except Exception:  # a class that needs special arguments
            unfitted.append(cls.__name__)
            continue
        for est in instances:
            if not _fit(est, x, y_class, y_reg):
                unfitted.append(cls.__name__)
            for protocol in (2, 5):
                try:
                    data = pickle.dumps(est, protocol=protocol)
                except Exception:  # cannot be pickled
                    continue
                for module, name in pickles.scan_bytes(data).globals:
                    names[module].add(name)
    out = [f"# scikit-learn {sklearn.__version__}; not fitted: {sorted(set(unfitted))}"]
    out.extend(f"  {m}: [{', '.join(sorted(names[m]))}]" for m in sorted(names))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
