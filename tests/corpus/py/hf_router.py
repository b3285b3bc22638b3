from huggingface_hub import InferenceClient

client = InferenceClient(provider="together")
out = client.chat_completion(
    model="meta-llama/Llama-3.3-70B-Instruct",
    messages=[{"role": "user", "content": "hi"}],
    max_tokens=64,
)
