"""A FastAPI server whose OpenAPI docs show example payloads (LightRAG's shape)."""

import os

from fastapi import Body, FastAPI
from openai import OpenAI
from pydantic import BaseModel, ConfigDict

app = FastAPI()
client = OpenAI()
LLM_MODEL = os.getenv("LLM_MODEL", "gpt-4o-mini")


class QueryRequest(BaseModel):
    query: str
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"query": "hi", "llm_model": "gpt-4-turbo"}]}
    )


@app.get(
    "/health",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "configuration": {
                            "llm_model": "gpt-4",
                            "embedding_model": "text-embedding-ada-002",
                        }
                    }
                }
            }
        }
    },
)
async def health():
    return {"llm_model": LLM_MODEL}


@app.post("/chat")
async def chat(body: dict = Body(example={"model": "claude-3-opus-20240229", "prompt": "hi"})):
    return client.chat.completions.create(model=LLM_MODEL, messages=[])
