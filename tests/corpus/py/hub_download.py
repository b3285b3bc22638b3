from huggingface_hub import hf_hub_download, snapshot_download

gguf_path = hf_hub_download(
    repo_id="TheBloke/Llama-2-7B-Chat-GGUF", filename="llama-2-7b-chat.Q4_K_M.gguf"
)
embedder_dir = snapshot_download("BAAI/bge-m3", revision="main")
chat_data = snapshot_download(repo_id="HuggingFaceH4/ultrachat_200k", repo_type="dataset")
