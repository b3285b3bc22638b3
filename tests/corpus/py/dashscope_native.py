import dashscope
from dashscope import Generation

dashscope.api_key = "sk-..."


def answer(q: str) -> str:
    resp = Generation.call(model="qwen-turbo", messages=[{"role": "user", "content": q}], result_format="message")
    return resp.output.choices[0].message.content


vectors = dashscope.TextEmbedding.call(model="text-embedding-v3", input="hello")
