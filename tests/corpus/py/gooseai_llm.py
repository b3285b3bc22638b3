from langchain_community.llms import GooseAI

llm = GooseAI(model_name="gpt-neo-20b", temperature=0.7, max_tokens=256)
