from langchain_community.chat_models import ChatTongyi, ChatZhipuAI, MoonshotChat
from langchain_deepseek import ChatDeepSeek
from langchain_huggingface import HuggingFaceEmbeddings
from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI

router = ChatOpenAI(model="gpt-4o", base_url="https://openrouter.ai/api/v1", temperature=0)
tongyi = ChatTongyi(model="qwen-plus")
glm = ChatZhipuAI(model="glm-4")
reasoner = ChatDeepSeek(model="deepseek-reasoner")
local = ChatOllama(model="qwen2.5:14b", base_url="http://localhost:11434")
kimi = MoonshotChat(model="moonshot-v1-8k")
embeddings = HuggingFaceEmbeddings(model_name="BAAI/bge-large-zh-v1.5")
