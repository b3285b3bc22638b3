from openai import OpenAI

kimi = OpenAI(base_url="https://api.moonshot.cn/v1")


def ask(model: str, q: str) -> str:
    r = kimi.chat.completions.create(model=model, messages=[{"role": "user", "content": q}])
    return r.choices[0].message.content
