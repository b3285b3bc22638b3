from transformers import AutoModel

ORG = "Qwen"
SIZE = "7B"
FULL = f"{ORG}/Qwen2.5-{SIZE}-Instruct"


def load_fixed():
    return AutoModel.from_pretrained(FULL)


def load_sized(size: str):
    return AutoModel.from_pretrained(f"Qwen/Qwen2.5-{size}-Instruct")
