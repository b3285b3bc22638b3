from openai import AzureOpenAI

client = AzureOpenAI(azure_endpoint="https://contoso-ai.openai.azure.com", api_version="2024-10-21")


def ask(q: str) -> str:
    r = client.chat.completions.create(model="gpt-4o-prod", messages=[{"role": "user", "content": q}])
    return r.choices[0].message.content
