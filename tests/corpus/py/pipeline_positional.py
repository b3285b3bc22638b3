from transformers import pipeline

summarizer = pipeline("summarization", "facebook/bart-large-cnn")
sentiment = pipeline(task="sentiment-analysis", model="distilbert-base-uncased-finetuned-sst-2-english")


def summarize(text: str) -> str:
    return summarizer(text, max_length=120)[0]["summary_text"]
