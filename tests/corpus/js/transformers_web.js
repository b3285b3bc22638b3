import { pipeline } from "@huggingface/transformers";

const extractor = await pipeline("feature-extraction", "mixedbread-ai/mxbai-embed-xsmall-v1", {
  dtype: "q8",
});
export const embed = (text) => extractor(text, { pooling: "mean", normalize: true });
