from datasets import load_dataset

squad = load_dataset("squad")
local = load_dataset("json", data_files={"train": "data/train.jsonl"})
web = load_dataset("HuggingFaceFW/fineweb-edu", "sample-10BT", split="train", streaming=True)
