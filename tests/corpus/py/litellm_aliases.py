"""Model aliases as aider writes them: litellm strings in module constants."""

deepseek_model = "deepseek/deepseek-chat"
OLLAMA_MODEL = "ollama/llama3.1:8b"

MODEL_ALIASES = {"deepseek": deepseek_model}
