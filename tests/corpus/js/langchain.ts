import { ChatOllama } from "@langchain/ollama";
import { ChatOpenAI } from "@langchain/openai";

const MODEL = process.env.KIMI_MODEL ?? "moonshot-v1-32k";

export const kimi = new ChatOpenAI({
  model: MODEL,
  configuration: { baseURL: "https://api.moonshot.cn/v1" },
});
export const local = new ChatOllama({ model: "llama3.1:8b", baseUrl: "http://localhost:11434" });
