import anthropic

MODEL = "claude-3-5-sonnet-20241022"


def review(diff: str) -> str:
    client = anthropic.Anthropic()
    message = client.messages.create(
        model=MODEL,
        max_tokens=1024,
        messages=[{"role": "user", "content": f"Review this diff:\n{diff}"}],
    )
    return message.content[0].text
