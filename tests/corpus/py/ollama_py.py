import ollama
from ollama import Client

ollama.pull("nomic-embed-text")
remote = Client(host="http://gpu-box:11434")


def chat(q: str) -> str:
    r = ollama.chat(model="llama3.2", messages=[{"role": "user", "content": q}])
    return r["message"]["content"]


def code(q: str) -> str:
    return remote.generate(model="qwen2.5-coder:7b", prompt=q)["response"]
