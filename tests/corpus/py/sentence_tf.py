from sentence_transformers import CrossEncoder, SentenceTransformer

encoder = SentenceTransformer("all-MiniLM-L6-v2")
reranker = CrossEncoder("cross-encoder/ms-marco-MiniLM-L-6-v2")


def rank(query: str, docs: list[str]) -> list[float]:
    return reranker.predict([(query, d) for d in docs]).tolist()
