"""JS/TS serving classes measured on round 10's applications (issue 12): hand-written cases
of each pattern, no corpus code."""

from __future__ import annotations

from pathlib import Path

from gate.discover.configs import nginx
from gate.discover.tree import Tree
from tests.jshelp import js, scan_tree
from tests.jshelp import listed_ids as ids

# ---- a page's relative request URL that the tree's nginx proxies to a provider ------------

_PROXY_CONF = """
    events {}
    http {
        upstream claude { server api.anthropic.com:443; }
        server {
            listen 8080;
            location / { root /srv/site; }
            location ~* \\.(js|css)$ { expires 1d; }
            location /llm/ {
                proxy_pass https://api.openai.com/;   # key added here, not in the page
                proxy_set_header Authorization "Bearer $openai_key";
            }
            location /claude { proxy_pass https://claude; }
            location /backend/ { proxy_pass http://app:3000/; }
        }
    }
"""


def test_a_relative_request_through_an_nginx_proxy_is_the_providers(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "deploy/nginx.conf": _PROXY_CONF,
            "site/talk.js": """
                async function ask(text) {
                  const r = await fetch("/llm/v1/chat/completions", {
                    method: "POST",
                    body: JSON.stringify({ model: "gpt-4o-mini", messages: [text] }),
                  });
                  return r.json();
                }
                async function local(text) {
                  return fetch("/backend/chat", {
                    method: "POST",
                    body: JSON.stringify({ model: "house-model-1", prompt: text }),
                  });
                }
                """,
        },
    )
    # the app's own backend decides what it calls: nothing is read from that body
    assert ids(found) == [("api:openai/gpt-4o-mini", 5, False)]


def test_nginx_routes_join_as_nginx_forwards(tmp_path: Path) -> None:
    (tmp_path / "nginx").mkdir()
    (tmp_path / "nginx" / "default.conf").write_text(_PROXY_CONF)
    (tmp_path / "nginx.md").write_text("location /x { proxy_pass https://api.openai.com/; }")
    tree = Tree.walk(tmp_path)
    files = nginx.configs(tree)
    assert [f.rel for f in files] == ["nginx/default.conf"]  # a document about nginx is not
    routes = nginx.proxy_routes(tree, files)
    assert routes == (
        ("/backend/", "http://app:3000/", False),
        ("/claude", "https://api.anthropic.com", False),  # the upstream's one server
        ("/llm/", "https://api.openai.com/", False),
    )
    # a URI in proxy_pass replaces the matched prefix; none: the whole path follows the host
    assert nginx.through("/llm/v1/embeddings", routes) == "https://api.openai.com/v1/embeddings"
    assert nginx.through("/claude/v1/messages", routes) == (
        "https://api.anthropic.com/claude/v1/messages"
    )
    assert nginx.through("/elsewhere", routes) is None


def test_an_unparseable_nginx_conf_is_recorded_not_read(tmp_path: Path) -> None:
    broken = "http { location /a/ { proxy_pass https://x.example/;\n"
    (tmp_path / "nginx.conf").write_text(broken)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "nginx.conf.template").write_text(broken)
    tree = Tree.walk(tmp_path)
    assert nginx.proxy_routes(tree, nginx.configs(tree)) == ()
    assert sorted(s.path for s in tree.skipped) == ["deploy/nginx.conf.template", "nginx.conf"]
    assert all("nginx config not parseable" in s.reason for s in tree.skipped)


# ---- a form field naming the model, posted as a request's body ----------------------------


def test_a_form_field_model_is_served_where_the_form_is_posted() -> None:
    found = js(
        """
        async function transcribe(audio: Blob) {
          const form = new FormData();
          form.append("file", audio, "clip.webm");
          form.append("model", "whisper-large-v3");
          const r = await fetch("https://api.groq.com/openai/v1/audio/transcriptions", {
            method: "POST",
            body: form,
          });
          return r.text();
        }
        async function upload(audio: Blob) {
          const form = new FormData();
          form.append("model", "my-own-model");
          return fetch("/api/transcribe", { method: "POST", body: form });
        }
        """
    )
    # the second form goes to the app's own server, which decides what it calls
    assert ids(found) == [("api:groq/whisper-large-v3", 5, False)]


# ---- a reactive state that starts from a list of models -----------------------------------


def test_a_reactive_list_of_models_is_a_catalogue() -> None:
    found = js(
        """
        import { ref } from "vue";
        const modelOptions = ref(["phi3:mini", "mistral-nemo:12b"]);
        const chosen = ref("phi3:mini");
        const history = ref(["hello", "world"]);
        export async function send(text: string) {
          return fetch("/api/chat", {
            method: "POST",
            body: JSON.stringify({ model: chosen.value, messages: [text] }),
          });
        }
        """
    )
    assert ids(found) == [
        ("ollama:mistral-nemo:12b", 3, True),
        ("ollama:phi3:mini", 3, True),
        ("ollama:phi3:mini", 4, False),
    ]


# ---- a table's keys naming the models its provider calls make -----------------------------


def test_keys_of_a_table_of_provider_calls_are_aliases_not_models() -> None:
    found = js(
        """
        import { createMistral } from "@ai-sdk/mistral";
        import { createGroq } from "@ai-sdk/groq";
        const mistral = createMistral({ apiKey: process.env.MISTRAL_API_KEY });
        const groq = createGroq({ apiKey: process.env.GROQ_API_KEY });
        export const chatModels = {
          "mistral-fast": mistral("mistral-small-latest"),
          "llama-3.3-70b": groq("llama-3.1-8b-instant"),
        };
        """
    )
    # "llama-3.3-70b" is what the app calls its entry; the call says what is sent
    assert ids(found) == [
        ("api:groq/llama-3.1-8b-instant", 8, False),
        ("api:mistral/mistral-small-latest", 7, False),
    ]


# ---- one URL name bound in two functions ---------------------------------------------------


def test_a_request_url_is_the_binding_of_the_requests_own_function() -> None:
    found = js(
        """
        async function askMistral(prompt, model) {
          const url = "https://api.mistral.ai/v1/chat/completions";
          const m = model || "open-mistral-nemo";
          return fetch(url, { body: JSON.stringify({ model: m, prompt }) });
        }
        async function askTogether(prompt, model) {
          const url = "https://api.together.xyz/v1/chat/completions";
          return fetch(url, { body: JSON.stringify({ model: model || "mistral-small-latest" }) });
        }
        """,
        name="worker.js",
    )
    assert ids(found) == [
        ("api:mistral/open-mistral-nemo", 4, False),
        ("api:together/mistral-small-latest", 9, False),
    ]


# ---- a JSON body bound to a variable and handed to the request's options -------------------


def test_a_body_variable_in_the_requests_options_is_sent_to_its_url() -> None:
    found = js(
        """
        async function summarise(text, model) {
          const payload = JSON.stringify({ model: model || "deepseek-chat", input: text });
          return fetch("https://openrouter.ai/api/v1/chat/completions", {
            method: "POST",
            body: payload,
          });
        }
        async function embed(text) {
          const body = JSON.stringify({ model: "gpt-4o-mini", input: [text] });
          const res = await fetch("https://api.groq.com/openai/v1/chat", { method: "POST", body });
          return res.json();
        }
        """,
        name="client.js",
    )
    assert ids(found) == [
        # the names alone would be DeepSeek's and OpenAI's
        ("api:groq/gpt-4o-mini", 10, False),
        ("api:openrouter/deepseek-chat", 3, False),
    ]
