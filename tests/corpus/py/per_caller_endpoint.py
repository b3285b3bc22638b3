"""One completion helper, many wrappers: each caller's endpoint is its own (LightRAG's shape)."""

from openai import AsyncOpenAI


async def complete_if_cache(model, prompt, base_url=None, **kwargs):
    client = AsyncOpenAI(base_url=base_url)
    response = await client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": prompt}]
    )
    return response.choices[0].message.content


async def gpt_4o_complete(prompt):
    return await complete_if_cache("gpt-4o", prompt)


async def gpt_4o_mini_complete(prompt, **kwargs):
    # kwargs may carry a base_url: the host is not known here.
    return await complete_if_cache("gpt-4o-mini", prompt, **kwargs)


async def nvidia_complete(prompt):
    return await complete_if_cache(
        "nvidia/llama-3.1-nemotron-70b-instruct",
        prompt,
        base_url="https://integrate.api.nvidia.com/v1",
    )
