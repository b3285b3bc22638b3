import boto3

runtime = boto3.client("bedrock-runtime", region_name="us-east-1")
s3 = boto3.client("s3")


def ask(q: str) -> str:
    out = runtime.converse(
        modelId="anthropic.claude-3-5-sonnet-20240620-v1:0",
        messages=[{"role": "user", "content": [{"text": q}]}],
    )
    return out["output"]["message"]["content"][0]["text"]
