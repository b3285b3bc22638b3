"""Central model settings, imported by the services."""

EMBEDDING_MODEL = "BAAI/bge-base-en-v1.5"
CHAT_MODEL = "claude-3-5-haiku-latest"
MAX_TOKENS = 2048
MODEL_VERSION = "2024-06"
