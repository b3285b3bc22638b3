import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";

const anthropic = new Anthropic();
const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });

export async function compare(prompt) {
  const a = await anthropic.messages.create({
    model: "claude-3-7-sonnet-latest",
    max_tokens: 512,
    messages: [{ role: "user", content: prompt }],
  });
  const g = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: prompt });
  return [a.content[0].text, g.text];
}
