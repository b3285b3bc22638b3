from transformers import pipeline

generator = pipeline("text-generation", model="openai-community/gpt2")
print(generator("Hello"))
