"""A model worker's command line (FastChat's shape): --model-path takes a Hub id or a folder."""

import argparse
from dataclasses import dataclass, field


@dataclass
class ModelArguments:
    model_name_or_path: str = field(default="facebook/opt-125m")
    model_path: str = field(default="lmsys/vicuna-7b-v1.5")


parser = argparse.ArgumentParser()
parser.add_argument("--model-path", type=str, default="lmsys/vicuna-13b-v1.5")
parser.add_argument("--lora-path", type=str, default="./checkpoints/lora")
worker = argparse.ArgumentParser()
worker.add_argument("--model-path", type=str, default="my_team/finetune-v2")
worker.add_argument("--adapter-model-path", default="/models/adapter")
