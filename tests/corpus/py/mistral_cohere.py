import cohere
from mistralai import Mistral

mistral = Mistral(api_key="...")
co = cohere.ClientV2()


def both(q: str) -> tuple[str, str]:
    a = mistral.chat.complete(model="mistral-large-latest", messages=[{"role": "user", "content": q}])
    b = co.chat(model="command-r-plus", messages=[{"role": "user", "content": q}])
    return a.choices[0].message.content, b.message.content[0].text
