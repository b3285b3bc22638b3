from openai import OpenAI


def test_reply_shape() -> None:
    client = OpenAI()
    r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert r.choices
