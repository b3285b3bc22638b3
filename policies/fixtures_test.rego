# Builders for policy tests: components shaped like aigate.policy-input/v1.
#
# regopy 1.5.2 crashes on `with input as {…}` and ignores `with … as <rule>`: tests bind
# fixtures to local variables and replace `input.components` and the area's parameters.
package aigate.lib.fixtures_test

component(over) := object.union(
	{
		"id": "hf:org/model@unpinned", "role": "runtime-model", "name": "model", "group": "org",
		"version": null, "purl": null, "pinned": false, "publisher": null, "served_by": null,
		"lineage": [], "licence": null, "hashes": [], "files": [], "datasets": [], "risks": [],
		"evidence": [{"file": "app.py", "line": 3, "column": 1, "commit": null, "kind": "code-ref", "confidence": "high", "as_written": "org/model"}],
		"properties": {}, "unresolved_endpoints": [],
	},
	over,
)

# A lineage step (input.components[].lineage[]); `heuristic` when only a name rule gave it.
ancestor(id, relation, depth, publisher, heuristic) := {
	"id": id, "name": id, "relation": relation, "depth": depth, "publisher": publisher,
	"sources": [{"source": source_of(heuristic), "detail": "test"}], "heuristic": heuristic,
}

source_of(true) := "heuristic"

source_of(false) := "model-card"

party(name, country) := {
	"name": name, "country": country, "parent": null, "parent_country": null,
	"entity_listed": false, "sources": [{"source": "registry", "detail": "test"}],
}

licence(expression, category, choices) := {
	"expression": expression, "name": null, "category": category, "obligations": ["attribution"],
	"known": category != "unknown", "choices": choices, "sources": [],
}

term(key, category) := {"key": key, "spdx": key, "category": category}

jurisdiction := {
	"countries": ["CN", "RU"], "lists": ["test-list"], "lists_text": "test-list", "unknown": "warn",
	"heuristic_lineage": "warn", "roles": ["embedded-weights", "runtime-model", "hosted-api", "dataset"],
}

licence_params := {
	"allow": ["apache-2.0", "mit"], "allow_categories": [], "deny_categories": ["non-commercial", "research-only"],
	"unknown": "deny", "obligations": true, "roles": ["embedded-weights", "runtime-model", "dataset"],
}

# A coding assistant as the resolver leaves it: Claude Code (US vendor) set up by a config.
assistant(over) := component(object.union(
	{
		"id": "assistant:anthropic/claude-code", "role": "code-assistant", "name": "claude-code", "group": "anthropic",
		"pinned": null, "publisher": party("Anthropic", "US"),
		"evidence": [{"file": ".claude/settings.json", "line": 2, "column": null, "commit": null, "kind": "assistant-config", "confidence": "high", "as_written": ".claude/settings.json"}],
		"properties": {"assistant": {"vendor": "Anthropic", "product": "Claude Code", "kind": "vendor-service", "configs": [".claude/settings.json"]}},
	},
	over,
))

# A commit of an assistant's history (properties.assistant.commits[]).
commit(sha, paths, reviewed_by) := {
	"sha": sha, "date": "2026-01-05T10:00:00+00:00", "author": "Dev <dev@example.com>",
	"trailer": "Co-Authored-By: Claude <noreply@anthropic.com>", "signals": [], "reviewed_by": reviewed_by, "paths": paths,
}

# A model the assistant is configured to use (lineage, relation `uses`).
uses(id, name, publisher) := {
	"id": id, "name": name, "relation": "uses", "depth": 1, "publisher": publisher,
	"sources": [{"source": "config", "detail": sprintf("the assistant is configured to use %s", [name])}],
}

assistants := {
	"countries": ["CN", "RU"], "lists": ["test-list"], "lists_text": "test-list", "unknown": "warn",
	"protected_paths": ["src/crypto/**"], "history": "warn",
}

# input.inventory with what the scan read of the git history.
inventory(history) := {"files_scanned": 10, "skipped": 0, "skipped_files": [], "notes": [], "history": history}
