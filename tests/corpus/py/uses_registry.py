import argparse

from openai import OpenAI

from .registry_pick import pick_model

client = OpenAI()
params = {"model": "o3-mini", "reasoning_effort": "high"}


def summarize(text: str) -> str:
    # The model comes from another module: not followed (see docs/references.md).
    r = client.chat.completions.create(model=pick_model("summary"), messages=[{"role": "user", "content": text}])
    return r.choices[0].message.content


def solve(problem: str) -> str:
    r = client.chat.completions.create(messages=[{"role": "user", "content": problem}], **params)
    return r.choices[0].message.content


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedding-model", default="text-embedding-3-large")
    parser.add_argument("--output", default="out.json")
    print(parser.parse_args())
