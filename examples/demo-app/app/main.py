"""Demo service: summarise tickets, draft replies, embed documents."""

import os

from openai import OpenAI
from sentence_transformers import SentenceTransformer
from transformers import AutoModelForCausalLM, AutoTokenizer

CODER_MODEL = "Qwen/Qwen2.5-Coder-7B-Instruct"

tokenizer = AutoTokenizer.from_pretrained(CODER_MODEL)
coder = AutoModelForCausalLM.from_pretrained(CODER_MODEL, torch_dtype="auto")

embedder = SentenceTransformer(
    "sentence-transformers/all-MiniLM-L6-v2",
    revision="c9745ed1d9f207416be6d2e6f8de32d1f16199bf",
)

# Replies are drafted by DeepSeek through its OpenAI-compatible API.
deepseek = OpenAI(base_url="https://api.deepseek.com", api_key=os.environ["DEEPSEEK_API_KEY"])


def draft_reply(ticket: str) -> str:
    response = deepseek.chat.completions.create(
        model="deepseek-chat",
        messages=[{"role": "user", "content": f"Draft a reply to: {ticket}"}],
    )
    return response.choices[0].message.content or ""


def triage(ticket: str) -> str:
    # gpt-4 used to do this; now a small local model does (this comment is not a reference).
    model = os.environ.get("TRIAGE_MODEL", "gpt-4o-mini")
    client = OpenAI()
    result = client.chat.completions.create(model=model, messages=[{"role": "user", "content": ticket}])
    return result.choices[0].message.content or ""
