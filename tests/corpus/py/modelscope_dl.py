from modelscope import AutoModelForCausalLM, snapshot_download

model_dir = snapshot_download("qwen/Qwen2.5-7B-Instruct")
model = AutoModelForCausalLM.from_pretrained("qwen/Qwen2-1.5B-Instruct", device_map="auto")
