# The corpus is scanned, never collected: its "tests" are labelled inputs.
collect_ignore_glob = ["*"]
