import os

from openai import OpenAI
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    llm_model: str = "gpt-4o-mini"
    temperature: float = 0.2


settings = Settings()
client = OpenAI()


def complete(prompt: str) -> str:
    r = client.chat.completions.create(model=settings.llm_model, messages=[{"role": "user", "content": prompt}])
    return r.choices[0].message.content


def embed(texts: list[str]) -> list[list[float]]:
    model = os.getenv("EMBED_MODEL", "text-embedding-3-small")
    return [d.embedding for d in client.embeddings.create(model=model, input=texts).data]
