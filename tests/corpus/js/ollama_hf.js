const { HfInference } = require("@huggingface/inference");
const ollama = require("ollama").default;
import { pipeline } from "@huggingface/transformers";

const hf = new HfInference(process.env.HF_TOKEN);
const EMBEDDER = "Xenova/all-MiniLM-L6-v2";

async function main() {
  const local = await ollama.chat({ model: "phi3:mini", messages: [{ role: "user", content: "hi" }] });
  const remote = await hf.textGeneration({ model: "mistralai/Mistral-7B-Instruct-v0.3", inputs: "hi" });
  const extractor = await pipeline("feature-extraction", EMBEDDER);
  return [local, remote, extractor];
}
module.exports = { main };
