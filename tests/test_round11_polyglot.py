"""Round 11's Go/Rust/Java/C# classes (issue 12): a function named for a model, a client held
by a local name, a constant passed to an SDK's model member, and an appsettings section at
Ollama's API path. Hand-written cases, none copied from a scanned repository."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate.discover import polyglot, refs
from gate.model import Evidence
from tests.confighelp import scan as scan_configs


def scan(name: str, source: str) -> list[Evidence]:
    outcome = polyglot.analyse_file(name, textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return refs.dedupe(outcome.evidence)


def ids(found: list[Evidence]) -> set[tuple[str, int | None]]:
    return {(ev.identity, ev.location.line) for ev in found}


def test_rust_serde_default_functions_name_the_model_and_its_server() -> None:
    found = scan(
        "config.rs",
        """
        #[derive(Deserialize)]
        pub struct Config {
            #[serde(default = "default_model")]
            pub model: String,
        }

        fn default_api_url() -> String {
            "http://localhost:11434/api/generate".to_string()
        }

        fn default_model() -> String {
            "llama3.1".to_string()
        }

        fn greeting() -> String {
            let f = || { return "phi3".to_string(); };
            "hello".to_string()
        }
        """,
    )
    assert ids(found) == {("ollama:llama3.1:latest", 13)}


def test_rust_rig_client_held_by_a_local_name() -> None:
    found = scan(
        "client.rs",
        """
        use rig::{completion::Prompt, providers::openai};

        pub async fn ask(q: String) -> String {
            let openai_client = openai::Client::from_env();
            let gpt = openai_client.agent("gpt-4o-mini").build();
            gpt.prompt(q).await.unwrap()
        }
        """,
    )
    assert ids(found) == {("api:openai/gpt-4o-mini", 6)}


def test_java_constant_passed_to_a_builders_model_member() -> None:
    found = scan(
        "Chat.java",
        """
        import dev.langchain4j.model.ollama.OllamaChatModel;

        public class Chat {
            static final String TINY = "tinydolphin";
            static final String IMAGE = "ollama/ollama:latest";

            static void main() {
                var model = OllamaChatModel.builder()
                        .baseUrl("http://localhost:11434")
                        .modelName(TINY)
                        .build();
            }
        }
        """,
    )
    assert ids(found) == {("ollama:tinydolphin:latest", 5)}


def test_an_appsettings_section_at_ollamas_api_path_on_another_port(tmp_path: Path) -> None:
    found, _ = scan_configs(
        tmp_path,
        {
            "appsettings.json": """\
            {
              "LLM_Ollama": {"endpoint": "http://localhost:3000/api/generate",
                             "model": "tinyllama"},
              "LLM_Studio": {"endpoint": "http://localhost:1234/v1/chat/completions",
                             "model": "qwen3-4b"}
            }
            """,
        },
    )
    assert {ev.identity for ev in found} == {"ollama:tinyllama:latest", "api:local/qwen3-4b"}


def test_ruby_constants_initializers_and_keyword_arguments() -> None:
    found = scan(
        "app/services/claude.rb",
        """
        class ClaudeClient
          DEFAULT_MODEL = "claude-haiku-4-5-20251001".freeze
          GREETING = "hello".freeze

          def chat(messages, model: nil)
            @client.messages.create(model: model || DEFAULT_MODEL, messages: messages)
          end
        end
        """,
    )
    assert ids(found) == {("api:anthropic/claude-haiku-4-5-20251001", 3)}
    found = scan(
        "config/initializers/ruby_llm.rb",
        """
        RubyLLM.configure do |config|
          config.openai_api_key = ENV["OPENAI_API_KEY"]
          config.default_model = "gpt-4.1-nano"
        end
        """,
    )
    assert ids(found) == {("api:openai/gpt-4.1-nano", 4)}


def test_php_properties_and_laravel_config_arrays() -> None:
    found = scan(
        "app/Services/Planner.php",
        """
        <?php
        class Planner
        {
            protected $apiUrl = 'https://api.openai.com/v1/chat/completions';
            protected $model = 'gpt-4o-mini';
            protected $title = "Plan for {$day}";
        }
        """,
    )
    assert ids(found) == {("api:openai/gpt-4o-mini", 6)}
    found = scan(
        "config/services.php",
        """
        <?php
        return [
            'openai' => [
                'api_key' => env('OPENAI_API_KEY'),
                'model' => env('OPENAI_MODEL', 'gpt-4.1-mini'),
            ],
        ];
        """,
    )
    assert ids(found) == {("api:openai/gpt-4.1-mini", 6)}


def test_ruby_and_php_test_files_are_tests(tmp_path: Path) -> None:
    from gate.discover.base import DiscoverContext
    from gate.discover.tree import Tree

    for rel in ("spec_like/client_spec.rb", "lib/client_test.rb", "app/ClientTest.php"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            'MODEL = "gpt-4o"\n' if rel.endswith(".rb") else "<?php $model = 'gpt-4o';\n"
        )
    found = list(polyglot.discover(Tree.walk(tmp_path), DiscoverContext()))
    assert found == []
    found = list(polyglot.discover(Tree.walk(tmp_path), DiscoverContext(include_tests=True)))
    assert {ev.location.path for ev in found} == {
        "spec_like/client_spec.rb",
        "lib/client_test.rb",
        "app/ClientTest.php",
    }
