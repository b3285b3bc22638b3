import OpenAI from "openai";
import { test } from "vitest";

test("chat", async () => {
  const client = new OpenAI();
  await client.chat.completions.create({ model: "gpt-4o-mini", messages: [] });
});
