"""Models an extension's package.json offers in its settings: Raycast dropdown preferences
and VS Code contributed configuration (hand-written manifests, no corpus text)."""

from __future__ import annotations

from pathlib import Path

from tests.confighelp import located, scan

_RAYCAST = """\
{
  "name": "polish",
  "commands": [
    {
      "name": "polish",
      "mode": "view",
      "preferences": [
        {
          "name": "provider",
          "type": "dropdown",
          "default": "gemini",
          "data": [{"title": "Gemini", "value": "gemini"}, {"title": "Local", "value": "ollama"}]
        },
        {
          "name": "geminiModel",
          "type": "dropdown",
          "default": "gemini-2.0-flash",
          "data": [
            {"title": "Flash", "value": "gemini-2.0-flash"},
            {"title": "Pro", "value": "gemini-2.5-pro"}
          ]
        },
        {
          "name": "ollamaModel",
          "type": "dropdown",
          "data": [{"title": "Llama", "value": "llama3.2"}]
        },
        {"name": "theme", "type": "dropdown", "data": [{"title": "Dark", "value": "gpt-dark"}]}
      ]
    }
  ],
  "dependencies": {"@raycast/api": "^1.55.2", "openai": "^4.91.1"}
}
"""

_VSCODE = """\
{
  "name": "coder",
  "contributes": {
    "configuration": {
      "title": "Coder",
      "properties": {
        "coder.deepseekModel": {
          "type": "string",
          "enum": ["deepseek-chat", "deepseek-reasoner"],
          "default": "deepseek-chat"
        },
        "coder.completionModel": {"type": "string", "default": "gpt-4o-mini"},
        "coder.fontSize": {"type": "number", "default": 12}
      }
    }
  }
}
"""


def test_a_raycast_dropdown_naming_a_model_lists_its_items(tmp_path: Path) -> None:
    found, _ = scan(tmp_path, {"package.json": _RAYCAST})
    assert located(found) == {
        ("api:google/gemini-2.0-flash", "package.json", 19),
        ("api:google/gemini-2.5-pro", "package.json", 20),
        # the dropdown's name says whose models it offers
        ("ollama:llama3.2:latest", "package.json", 26),
    }
    assert all(ev.attributes.get("listed") is True for ev in found)


def test_a_vscode_setting_naming_a_model_lists_its_enum_and_default(tmp_path: Path) -> None:
    found, _ = scan(tmp_path, {"package.json": _VSCODE})
    assert located(found) == {
        ("api:deepseek/deepseek-chat", "package.json", 9),
        ("api:deepseek/deepseek-reasoner", "package.json", 9),
        ("api:openai/gpt-4o-mini", "package.json", 12),
    }
    listed = {ev.as_written: ev.attributes.get("listed") is True for ev in found}
    assert listed == {"deepseek-chat": True, "deepseek-reasoner": True, "gpt-4o-mini": False}


def test_a_package_json_without_settings_is_not_read(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {"package.json": '{"name": "x", "config": {"model": "gpt-4o"}, "dependencies": {}}'},
    )
    assert found == []
