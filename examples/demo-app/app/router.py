"""Route each task to a model: code review stays local, reasoning goes to DeepSeek."""

import litellm

ROUTES = {
    "review": "ollama/qwen2.5-coder:7b",
    "reason": "deepseek/deepseek-reasoner",
}


def run(task: str, prompt: str) -> str:
    response = litellm.completion(
        model=ROUTES[task] if task in ROUTES else "deepseek/deepseek-chat",
        messages=[{"role": "user", "content": prompt}],
    )
    return response.choices[0].message.content
