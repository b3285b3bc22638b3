"""Draft replies with DeepSeek through its OpenAI-compatible API."""

import os

from openai import OpenAI

client = OpenAI(base_url="https://api.deepseek.com", api_key=os.environ["DEEPSEEK_API_KEY"])


def draft(ticket: str) -> str:
    response = client.chat.completions.create(
        model="deepseek-chat",
        messages=[{"role": "user", "content": ticket}],
    )
    return response.choices[0].message.content or ""
