"""Go, Rust, Java and Kotlin references: one tree-sitter front end over four grammars."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gate.discover import polyglot, refs, scanning
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Evidence


def scan(name: str, source: str) -> list[Evidence]:
    outcome = polyglot.analyse_file(name, textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return refs.dedupe(outcome.evidence)


def ids(found: list[Evidence]) -> list[tuple[str, int | None]]:
    return [(ev.identity, ev.location.line) for ev in found]


def test_go_langchaingo_options_name_the_model_and_the_server() -> None:
    found = scan(
        "main.go",
        """
        package main

        import (
            "github.com/tmc/langchaingo/llms/ollama"
            oai "github.com/tmc/langchaingo/llms/openai"
        )

        // the old default was "llama2"; model names in comments are not read
        func main() {
            llm, _ := ollama.New(ollama.WithModel("llama3.2"))
            cloud, _ := oai.New(oai.WithModel("deepseek-chat"), oai.WithBaseURL("https://api.deepseek.com"))
            _, _ = llm, cloud
        }
        """,
    )
    assert ids(found) == [("ollama:llama3.2:latest", 11), ("api:deepseek/deepseek-chat", 12)]
    assert found[0].attributes["call"] == "langchaingo:WithModel"
    assert found[1].attributes["host"] == "api.deepseek.com"


def test_go_struct_fields_and_a_catalogue_slice() -> None:
    found = scan(
        "chat.go",
        """
        package chat

        import openai "github.com/sashabaranov/go-openai"

        var AvailableModels = []string{"gpt-4o-mini", "claude-3-5-haiku-20241022"}

        func ask(c *openai.Client) {
            req := openai.ChatCompletionRequest{Model: "gpt-4o", Messages: nil}
            table := "test_embeddings"
            _, _ = req, table
        }
        """,
    )
    got = {(ev.identity, ev.attributes.get("listed", False)) for ev in found}
    assert got == {
        ("api:openai/gpt-4o-mini", True),
        ("api:anthropic/claude-3-5-haiku-20241022", True),
        ("api:openai/gpt-4o", False),
    }


def test_rust_request_body_to_a_known_gateway() -> None:
    found = scan(
        "src/openrouter.rs",
        """
        const URL: &str = "https://openrouter.ai/api/v1/chat/completions";

        /// Sends the prompt; "gpt-4o" in a doc comment is not read.
        pub async fn send(client: &reqwest::Client, prompt: &str) {
            let body = serde_json::json!({
                "model": "arcee-ai/trinity-large-preview:free",
                "messages": [{"role": "user", "content": prompt}],
            });
            let _ = client.post(URL).json(&body).send().await;
        }
        """,
    )
    assert ids(found) == [("api:openrouter/arcee-ai/trinity-large-preview:free", 7)]


def test_rust_catalogue_of_struct_literals_is_listed_under_the_entry_provider() -> None:
    found = scan(
        "src/models.rs",
        """
        pub fn catalogue() -> Vec<Model> {
            let paid_models = vec![
                Model {
                    identifier: "anthropic/claude-sonnet-4".to_string(),
                    name: "Claude Sonnet 4".to_string(),
                    provider: InferenceProvider::OpenRouter,
                },
            ];
            paid_models
        }

        #[cfg(test)]
        mod tests {
            const MODEL: &str = "gpt-4o";
        }
        """,
    )
    assert ids(found) == [("api:openrouter/anthropic/claude-sonnet-4", 5)]
    assert found[0].attributes["listed"] is True


def test_rust_async_openai_builder() -> None:
    found = scan(
        "src/main.rs",
        """
        use async_openai::{config::OpenAIConfig, types::CreateChatCompletionRequestArgs, Client};

        fn main() {
            let config = OpenAIConfig::new().with_api_base("https://api.groq.com/openai/v1");
            let client = Client::with_config(config);
            let request = CreateChatCompletionRequestArgs::default()
                .model("llama-3.3-70b-versatile")
                .build();
        }
        """,
    )
    assert ids(found) == [("api:groq/llama-3.3-70b-versatile", 8)]
    assert found[0].attributes["sdk"] == "async-openai"


def test_java_spring_ai_builder_and_value_default() -> None:
    found = scan(
        "src/main/java/app/Chat.java",
        """
        import org.springframework.ai.ollama.api.OllamaOptions;
        import org.springframework.beans.factory.annotation.Value;

        class Chat {
            @Value("${spring.ai.openai.chat.options.model:gpt-4o-mini}")
            String model;
            static final String GREETING = "Ask me about llama3";

            OllamaOptions options() {
                return OllamaOptions.builder().model("qwen2.5:7b").build();
            }
        }
        """,
    )
    assert ids(found) == [("api:openai/gpt-4o-mini", 6), ("ollama:qwen2.5:7b", 11)]


def test_kotlin_named_arguments_lists_and_langchain4j() -> None:
    found = scan(
        "src/main/kotlin/Bot.kt",
        """
        import dev.langchain4j.model.ollama.OllamaChatModel

        val LLM_CHOICES = listOf("mistral-large-latest", "gemini-1.5-flash")

        fun bot() = OllamaChatModel.builder()
            .baseUrl("http://ollama:11434")
            .modelName("phi3:mini")
            .build()

        fun request() = Request(model = "gpt-4o", temperature = 0.2)
        """,
    )
    got = [(ev.identity, ev.attributes.get("listed", False)) for ev in found]
    assert sorted(got) == sorted(
        [
            ("api:mistral/mistral-large-latest", True),
            ("api:google/gemini-1.5-flash", True),
            ("ollama:phi3:mini", False),
            ("api:openai/gpt-4o", False),
        ]
    )


def test_strings_that_name_no_model_stay_out() -> None:
    assert (
        scan(
            "main.go",
            """
        package main

        import "fmt"

        // Model: "gpt-4o" (a comment)
        func main() {
            fmt.Println("model: gpt-4o is great")
            name := "gpt-4o"
            _ = name
        }
        """,
        )
        == []
    )


def test_needles_keep_files_without_model_words_unparsed() -> None:
    assert not scanning.matches(b"package util\n\nfunc Add(a, b int) int { return a + b }\n",
                                polyglot.needles())  # fmt: skip
    assert scanning.matches(b'import "github.com/tmc/langchaingo/llms/ollama"', polyglot.needles())


def test_discover_skips_tests_and_records_oversized_files(tmp_path: Path) -> None:
    (tmp_path / "cmd").mkdir()
    (tmp_path / "cmd" / "main.go").write_text(
        'package main\nconst Model = "gpt-4o"\n', encoding="utf-8"
    )
    (tmp_path / "cmd" / "main_test.go").write_text(
        'package main\nconst Model = "claude-3-opus-20240229"\n', encoding="utf-8"
    )
    big = 'package big\nconst Model = "gpt-4o-mini"\n' + "// pad\n" * (
        scanning.MAX_SOURCE_BYTES // 7 + 1
    )
    (tmp_path / "cmd" / "big.go").write_text(big, encoding="utf-8")
    tree = Tree.walk(tmp_path)
    found = list(polyglot.discover(tree, DiscoverContext(include_tests=False)))
    assert [(ev.identity, ev.location.path) for ev in found] == [
        ("api:openai/gpt-4o", "cmd/main.go")
    ]
    assert any(s.path == "cmd/big.go" and "not parsed" in s.reason for s in tree.skipped)


def test_rust_ollama_rs_request_and_a_java_spring_api_constructor() -> None:
    rust = scan(
        "src/main.rs",
        """
        use ollama_rs::{generation::completion::request::GenerationRequest, Ollama};

        async fn run() {
            let ollama = Ollama::new("http://gpu.internal".to_string(), 11434);
            let res = ollama.generate(GenerationRequest::new("llama2:latest".to_string(), p));
        }
        """,
    )
    assert ids(rust) == [("ollama:llama2:latest", 6)]
    java = scan(
        "Config.java",
        """
        import org.springframework.ai.ollama.api.OllamaApi;
        import org.springframework.ai.ollama.api.OllamaOptions;

        class Config {
            OllamaApi api = new OllamaApi("http://models.internal:8080");
            OllamaOptions opts = OllamaOptions.builder().model("deepseek-r1:8b").build();
        }
        """,
    )
    assert ids(java) == [("ollama:deepseek-r1:8b", 7)]
    assert java[0].attributes["host"] == "models.internal"


def test_a_factory_named_after_a_model_is_not_its_setter() -> None:
    found = scan(
        "Provider.java",
        """
        class Provider {
            static final String URL = "https://api.cerebras.ai/v1";
            ChatModel fast() { return createChatModel("OPENAI"); }
            ChatModel pick() { return getModel("fast"); }
            Builder b() { return builder().setModelName("llama3.1-8b"); }
        }
        """,
    )
    assert ids(found) == [("api:cerebras/llama3.1-8b", 6)]


def test_a_model_asked_of_a_client_field_is_served_where_the_field_is_built(
    tmp_path: Path,
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "state.rs").write_text(
        textwrap.dedent(
            """
            pub struct Clients { pub fast: ApiClient, pub client: ApiClient, pub other: ApiClient }
            pub fn clients(key: String) -> Clients {
                Clients {
                    fast: ApiClient::new(key.clone(), "https://api.together.xyz/v1".to_string()),
                    client: ApiClient::new(key.clone(), "https://api.groq.com/openai/v1".into()),
                    other: ApiClient::new(key, "https://api.deepseek.com".into()),
                }
            }
            pub fn more(key: String) -> ApiClient {
                let client = ApiClient::new(key, "https://api.mistral.ai/v1".into());
                client
            }
            """
        ),
        encoding="utf-8",
    )
    (src / "chat.rs").write_text(
        textwrap.dedent(
            """
            pub async fn title(state: &AppState, payload: Payload, prompt: String) -> String {
                let model = payload.model;
                let fast = state.clients().fast;
                let a = fast.complete("Qwen/Qwen2.5-72B-Instruct-Turbo".to_string(), prompt).await;
                let b = state.clients().client.complete("meta-llama/Llama-3.3-70B".into(), p).await;
                let c = state.router.route("users/profile".to_string());
                a + &b + &c
            }
            """
        ),
        encoding="utf-8",
    )
    found = list(polyglot.discover(Tree.walk(tmp_path), DiscoverContext(include_tests=False)))
    assert [(ev.identity, ev.location.path, ev.location.line) for ev in found] == [
        ("api:together/Qwen/Qwen2.5-72B-Instruct-Turbo", "src/chat.rs", 5)
    ]
    # analysed alone, a file keeps no placeholder
    alone = polyglot.analyse_file("src/chat.rs", (src / "chat.rs").read_bytes())
    assert alone.evidence == []


def test_enums_and_typed_constants_are_catalogues() -> None:
    java = scan(
        "Models.java",
        """
        enum ChatModel {
            FAST("gpt-4o-mini"), SMART("claude-3-5-sonnet-20240620");
            ChatModel(String id) { this.id = id; }
            final String id;
        }
        enum Color { RED("red-500") }
        """,
    )
    go = scan(
        "models.go",
        """
        package models

        type Model string

        const (
            Fast  Model = "llama-3.1-8b-instant"
            Debug Level = "gpt-4o"
        )
        """,
    )
    kotlin = scan("Models.kt", 'enum class LlmChoice(val id: String) { QWEN("qwen-max") }\n')
    rust = scan(
        "src/model.rs",
        """
        pub enum OllamaModel { Llama, Phi }
        impl OllamaModel {
            pub fn as_str(&self) -> &str {
                match self { Self::Llama => "llama3.2:3b", Self::Phi => "phi3:mini" }
            }
        }
        impl std::fmt::Display for Level {
            fn fmt(&self, f: &mut Formatter) -> Result { match self { _ => "gpt-4o" } }
        }
        """,
    )
    got = {
        name: sorted(ev.identity for ev in found if ev.attributes.get("listed"))
        for name, found in (("java", java), ("go", go), ("kotlin", kotlin), ("rust", rust))
    }
    assert got == {
        "java": ["api:anthropic/claude-3-5-sonnet-20240620", "api:openai/gpt-4o-mini"],
        "go": ["api:groq/llama-3.1-8b-instant"],
        "kotlin": ["api:alibaba/qwen-max"],
        "rust": ["ollama:llama3.2:3b", "ollama:phi3:mini"],
    }
    assert all(len(found) == len(got[name]) for name, found in (("java", java), ("go", go)))


def test_environment_defaults_in_each_language() -> None:
    sources = {
        "env.go": """
            package main
            var model = getEnv("OLLAMA_MODEL", "llama3.2")
            var port = getEnv("PORT", "8080")
            """,
        "env.rs": """
            fn cfg() {
                let m = std::env::var("LLM_MODEL").unwrap_or("gpt-4o-mini".to_string());
                let h = std::env::var("HOST").unwrap_or("gpt-4o".into());
            }
            """,
        "Env.kt": 'val chat = System.getenv("CHAT_MODEL") ?: "claude-3-5-haiku-20241022"\n',
        "Env.java": """
            class Env {
                String m = env.getProperty("app.ai.model", "mistral-small-latest");
            }
            """,
    }
    got = {}
    for name, source in sources.items():
        found = scan(name, source)
        got[name] = [(ev.identity, ev.attributes["env_var"]) for ev in found]
    assert got == {
        "env.go": [("ollama:llama3.2:latest", "OLLAMA_MODEL")],
        "env.rs": [("api:openai/gpt-4o-mini", "LLM_MODEL")],
        "Env.kt": [("api:anthropic/claude-3-5-haiku-20241022", "CHAT_MODEL")],
        "Env.java": [("api:mistral/mistral-small-latest", "app.ai.model")],
    }


def test_a_file_past_the_node_bound_is_recorded_not_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model named after filler the syntax-node bound cuts off is never placed: the file is
    recorded as read in part (fail closed), not returned as clean."""
    from gate.discover.polyglot import analyser

    monkeypatch.setattr(analyser, "MAX_NODES", 200)
    source = "package m\nfunc f() {\n" + "x\n" * 300 + '}\nvar MODEL = "gpt-4o"\n'
    outcome = polyglot.analyse_file("main.go", source.encode())
    assert [rel for rel, _ in outcome.skipped] == ["main.go"]
    assert "read only in part" in outcome.skipped[0][1]


def test_a_call_of_thousands_of_string_arguments_lists_them_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each string argument asks for its position among the call's arguments: listing them
    and scanning the list per string was quadratic (a 2 MB call stalled a worker)."""
    from gate.discover.polyglot import analyser

    count = 0
    covers = analyser._covers

    def counted(a: object, b: object) -> bool:
        nonlocal count
        count += 1
        return covers(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(analyser, "_covers", counted)
    n = 400
    args = ", ".join(f'"org{i}/model-{i}"' for i in range(n))
    source = (
        f'package m\nimport "github.com/tmc/langchaingo/llms/ollama"\nfunc f() {{ g({args}) }}\n'
    )
    polyglot.analyse_file("main.go", source.encode())
    assert 0 < count <= 8 * n


def test_a_literal_nested_thousands_deep_finds_its_parents_in_the_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """tree-sitter finds a node's parent by descending from the root; every string climbing
    a few levels through a 3,000-deep expression cost 3,000 steps a look-up (10,000 terms of
    ``"gpt-4o" + ...``: 28 s). The walk that indexes the file remembers each parent."""
    from gate.discover.polyglot import analyser

    descents = 0
    descend = analyser._descend_to_parent

    def counted(node: object) -> object:
        nonlocal descents
        descents += 1
        return descend(node)  # type: ignore[arg-type]

    monkeypatch.setattr(analyser, "_descend_to_parent", counted)
    climbs = 0
    up = analyser.Analyser._up

    def climbing(self: analyser.Analyser, node: object) -> object:
        nonlocal climbs
        climbs += 1
        return up(self, node)  # type: ignore[arg-type]

    monkeypatch.setattr(analyser.Analyser, "_up", climbing)
    source = "package m\nvar MODEL = " + " + ".join(['"gpt-4o"'] * 3000) + "\n"
    polyglot.analyse_file("main.go", source.encode())
    assert descents <= 10
    assert climbs > 3000  # the strings did climb: the index answered them


def test_a_use_list_nested_thousands_deep_does_not_lose_the_file() -> None:
    """``use a::{b::{...}}`` 5,000 deep overflowed the recursion of the use-tree reader: the
    file was recorded as failed and its model unread."""
    source = (
        "use " + "".join(f"a{i}::{{" for i in range(5000)) + "X" + "}" * 5000 + ";\n"
        'const MODEL: &str = "gpt-4o";\n'
    )
    outcome = polyglot.analyse_file("main.rs", source.encode())
    assert outcome.skipped == []
    assert "api:openai/gpt-4o" in {ev.identity for ev in outcome.evidence}
