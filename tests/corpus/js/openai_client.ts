import OpenAI from "openai";

const qwen = new OpenAI({
  apiKey: process.env.DASHSCOPE_API_KEY,
  baseURL: "https://dashscope.aliyuncs.com/compatible-mode/v1",
});
const official = new OpenAI();

export async function translate(text: string): Promise<string> {
  const res = await qwen.chat.completions.create({
    model: "qwen-max",
    messages: [{ role: "user", content: `Translate: ${text}` }],
  });
  return res.choices[0].message.content ?? "";
}

export async function classify(text: string) {
  return official.responses.create({ model: "gpt-4.1", input: text });
}
