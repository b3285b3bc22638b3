"""Source files that use models, shared by the tests that gate small repositories."""

from __future__ import annotations

QWEN = (
    "from transformers import AutoModelForCausalLM\n\n"
    'model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-7B-Instruct")\n'
)
"""A Qwen (CN) model from the Hub, unpinned: denied by the release pack."""

MINILM = (
    "from sentence_transformers import SentenceTransformer\n\n"
    'embedder = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2",'
    ' revision="c9745ed1d9f207416be6d2e6f8de32d1f16199bf")\n'
)
"""A pinned, permissively licensed model of a German publisher: passes the release pack."""

DEEPSEEK = (
    "from openai import OpenAI\n\n"
    'client = OpenAI(base_url="https://api.deepseek.com", api_key="x")\n'
    'reply = client.chat.completions.create(model="deepseek-chat", messages=[])\n'
)
"""DeepSeek's hosted API through the OpenAI SDK: served from CN."""
