import litellm
from litellm import completion


def local(prompt):
    return completion(model="ollama/llama3.1", messages=[{"role": "user", "content": prompt}], api_base="http://localhost:11434")


def cheap(prompt):
    return litellm.completion(model="anthropic/claude-3-haiku-20240307", messages=[{"role": "user", "content": prompt}])


def default(prompt):
    return completion(model="gpt-4o", messages=[{"role": "user", "content": prompt}])


def china(prompt):
    return litellm.completion(model="dashscope/qwen-plus", messages=[{"role": "user", "content": prompt}])
