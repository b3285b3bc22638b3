import requests


def raw_call(q: str) -> dict:
    return requests.post(
        "https://api.deepseek.com/chat/completions",
        headers={"Authorization": "Bearer ..."},
        json={"model": "deepseek-chat", "messages": [{"role": "user", "content": q}]},
        timeout=30,
    ).json()
