import qianfan
from volcenginesdkarkruntime import Ark
from zhipuai import ZhipuAI

zhipu = ZhipuAI(api_key="...")
ark = Ark(base_url="https://ark.cn-beijing.volces.com/api/v3")


def ask_all(q: str) -> list[str]:
    msgs = [{"role": "user", "content": q}]
    a = zhipu.chat.completions.create(model="glm-4-plus", messages=msgs)
    b = qianfan.ChatCompletion().do(model="ERNIE-4.0-8K", messages=msgs)
    c = ark.chat.completions.create(model="doubao-pro-32k", messages=msgs)
    return [a.choices[0].message.content, b["result"], c.choices[0].message.content]
