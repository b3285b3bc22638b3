import { anthropic } from "@ai-sdk/anthropic";
import { createOpenAI, openai } from "@ai-sdk/openai";
import { generateText, streamText } from "ai";

const deepseek = createOpenAI({ baseURL: "https://api.deepseek.com/v1", apiKey: process.env.DEEPSEEK_KEY });

export const draft = (prompt: string) => generateText({ model: openai("gpt-4o"), prompt });
export const reason = (prompt: string) => streamText({ model: deepseek("deepseek-reasoner"), prompt });
export const polish = (prompt: string) => generateText({ model: anthropic("claude-3-5-haiku-latest"), prompt });
