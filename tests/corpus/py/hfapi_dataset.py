from huggingface_hub import HfApi

api = HfApi()
path = api.hf_hub_download(
    repo_id="HuggingFaceM4/the_cauldron",
    filename="ai2d/train-00000-of-00001.parquet",
    repo_type="dataset",
)
