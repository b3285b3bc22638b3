// Browser-side helpers: drafts go to DeepSeek through the Vercel AI SDK, and a small Qwen
// model runs in the browser with transformers.js for instant suggestions.
import { createOpenAI } from "@ai-sdk/openai";
import { pipeline } from "@huggingface/transformers";
import { generateText } from "ai";

const deepseek = createOpenAI({
  baseURL: "https://api.deepseek.com/v1",
  apiKey: process.env.DEEPSEEK_API_KEY,
});

export async function draftReply(ticket: string): Promise<string> {
  const { text } = await generateText({
    model: deepseek("deepseek-chat"),
    prompt: `Draft a reply to: ${ticket}`,
  });
  return text;
}

export async function suggest(prefix: string): Promise<string> {
  const generator = await pipeline("text-generation", "onnx-community/Qwen2.5-0.5B-Instruct");
  const [out] = (await generator(prefix, { max_new_tokens: 16 })) as { generated_text: string }[];
  return out.generated_text;
}
