import google.generativeai as legacy_genai
from google import genai

client = genai.Client()


def caption(image_bytes: bytes) -> str:
    result = client.models.generate_content(model="gemini-2.0-flash", contents=["Describe", image_bytes])
    return result.text


legacy = legacy_genai.GenerativeModel("gemini-1.5-flash")
