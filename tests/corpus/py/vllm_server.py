from vllm import LLM, SamplingParams


def build_engine(model: str = "meta-llama/Llama-3.1-8B-Instruct", tp: int = 1) -> LLM:
    return LLM(model=model, tensor_parallel_size=tp)


params = SamplingParams(temperature=0.2, max_tokens=256)
