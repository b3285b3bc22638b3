from openai import OpenAI

client = OpenAI()


def summarize(text: str, model: str) -> str:
    r = client.chat.completions.create(model=model, messages=[{"role": "user", "content": text}])
    return r.choices[0].message.content


print(summarize("hello", model="gpt-4.1-mini"))
