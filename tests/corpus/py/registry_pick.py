"""Which model each task uses."""


def pick_model(task: str) -> str:
    if task == "summary":
        return "gpt-4o"
    return "gpt-4o-mini"
