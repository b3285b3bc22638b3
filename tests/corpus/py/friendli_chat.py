"""Friendli's own SDK: an OpenAI-shaped client that is not OpenAI's."""

from friendli import Friendli

client = Friendli()
chat = client.chat.completions.create(
    model="meta-llama-3.1-8b-instruct",
    messages=[{"role": "user", "content": "Tell me a joke."}],
)
