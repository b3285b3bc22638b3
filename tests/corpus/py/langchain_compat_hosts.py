"""One factory, many OpenAI-compatible providers through LangChain (gpt-researcher's shape):
the host is written, the model arrives in kwargs."""

import os


def get_llm(provider, **kwargs):
    if provider == "dashscope":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            openai_api_base="https://dashscope.aliyuncs.com/compatible-mode/v1",
            openai_api_key=os.environ["DASHSCOPE_API_KEY"],
            **kwargs,
        )
    if provider == "deepseek":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(openai_api_base="https://api.deepseek.com", **kwargs)
    if provider == "vllm":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(openai_api_base=os.environ["VLLM_OPENAI_API_BASE"], **kwargs)
    if provider == "unknown-gateway":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(openai_api_base="https://llm.gateway.example/v1", **kwargs)
    raise ValueError(provider)
