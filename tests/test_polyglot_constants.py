"""SDK model-name constants in Java and Rust (round 10, issue 12): an enum member or a
module constant passed as an argument names the model it stands for; and C# SDK calls.
Hand-written cases."""

from __future__ import annotations

import textwrap

from gate.discover import polyglot, refs
from gate.model import Evidence


def _scan(name: str, source: str) -> list[Evidence]:
    outcome = polyglot.analyse_file(name, textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return refs.dedupe(outcome.evidence)


def test_java_langchain4j_enum_constants_through_a_star_import() -> None:
    found = _scan(
        "src/main/java/demo/Beans.java",
        """
        package demo;

        import dev.langchain4j.model.openai.*;

        public class Beans {
            OpenAiEmbeddingModel embedder(String key) {
                return OpenAiEmbeddingModel.builder()
                        .apiKey(key)
                        .modelName(OpenAiEmbeddingModelName.TEXT_EMBEDDING_3_LARGE)
                        .build();
            }
            Object painter(String key) {
                return OpenAiImageModel.builder()
                        .apiKey(key).modelName(OpenAiImageModelName.DALL_E_2).build();
            }
            Object unrelated() { return Thread.State.RUNNABLE; }
        }
        """,
    )
    assert {(ev.identity, ev.location.line) for ev in found} == {
        ("api:openai/text-embedding-3-large", 10),
        ("api:openai/dall-e-2", 15),
    }


def test_rust_rig_constants_by_module_path_and_by_nested_use() -> None:
    found = _scan(
        "src/agent.rs",
        """
        use rig::providers::openai::{self, Client};
        use rig::{providers::{openai::{TEXT_EMBEDDING_3_SMALL}}};

        pub fn build(client: &Client) {
            let agent = client.agent(openai::GPT_4_1_MINI).build();
            let embed = client.embedding_model(TEXT_EMBEDDING_3_SMALL);
            let unknown = client.agent(openai::NOT_A_MODEL);
        }
        """,
    )
    assert {ev.identity for ev in found} == {
        "api:openai/gpt-4.1-mini",
        "api:openai/text-embedding-3-small",
    }


# --- C# (Semantic Kernel, the OpenAI .NET SDK) ----------------------------------------------


def test_csharp_semantic_kernel_and_openai_dotnet_calls() -> None:
    found = _scan(
        "Bot/Program.cs",
        """
        using Microsoft.SemanticKernel;
        using OpenAI.Chat;

        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatCompletion("gpt-4o-mini", Environment.GetEnvironmentVariable("KEY")!);
        builder.Services.AddOpenAITextEmbeddingGeneration(
            modelId: "text-embedding-3-small", apiKey: "unused");
        var chat = new ChatClient(model: "gpt-4.1", apiKey: key);
        var label = "gpt-4o is our favourite";   // a sentence, no model argument
        Console.WriteLine($"model {label}");
        """,
    )
    assert {(ev.identity, ev.location.line) for ev in found} == {
        ("api:openai/gpt-4o-mini", 6),
        ("api:openai/text-embedding-3-small", 8),
        ("api:openai/gpt-4.1", 9),
    }
