"""Provider classes that fill a config object's defaults (mem0's shape), and a server that
sets parsed arguments' defaults from the environment (LightRAG's shape)."""

import argparse
import os

from openai import OpenAI


class OpenAIEmbedding:
    def __init__(self, config):
        self.config = config
        self.config.model = self.config.model or "text-embedding-3-small"
        self.config.embedding_dims = self.config.embedding_dims or 1536
        self.client = OpenAI()

    def embed(self, text):
        return self.client.embeddings.create(input=[text], model=self.config.model)


class OpenAILLM:
    def __init__(self, config):
        self.config = config
        if not self.config.model:
            self.config.model = "gpt-4.1-nano-2025-04-14"
        self.config.api_version = "2024-10-21"


parser = argparse.ArgumentParser()
args = parser.parse_args()
args.llm_model = os.getenv("LLM_MODEL", "o3-mini")
args.working_dir = os.getenv("WORKING_DIR", "./rag_storage")
