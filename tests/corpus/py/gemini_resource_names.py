"""Gemini models written as the API's resource names (models/<name>), as aider and
gpt-researcher do."""

from google import genai


class ImageGenerator:
    DEFAULT_MODEL = "models/gemini-2.5-flash-image"


client = genai.Client()
reply = client.models.generate_content(model="models/gemini-1.5-pro", contents="hi")

# A local folder of open weights, not Google's API.
LOCAL_MODEL = "models/gemma-2b"
