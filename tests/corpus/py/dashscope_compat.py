from openai import AsyncOpenAI

DASHSCOPE = "https://dashscope.aliyuncs.com/compatible-mode/v1"


class QwenWriter:
    model_name = "qwen-max"

    def __init__(self, api_key: str) -> None:
        self.client = AsyncOpenAI(api_key=api_key, base_url=DASHSCOPE)

    async def write(self, prompt: str) -> str:
        out = await self.client.chat.completions.create(
            model=self.model_name, messages=[{"role": "user", "content": prompt}]
        )
        return out.choices[0].message.content
