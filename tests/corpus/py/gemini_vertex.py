from google import genai

client = genai.Client(vertexai=True, project="acme-prod", location="europe-west4")
resp = client.models.generate_content(model="gemini-2.5-pro", contents="Summarise the report")
print(resp.text)
