"""Coverage-guided fuzzing of aigate's header parsers and config readers (atheris)."""
