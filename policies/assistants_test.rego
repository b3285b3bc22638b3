package aigate.rules.assistants_test

import data.aigate.lib.fixtures_test as fx
import data.aigate.rules.assistants

sha1 := "c05db596c2fd8acba88f8a1db27ba794745776f5"

sha2 := "58b73f0122449cfa65e9864669ebdc933f3856dd"

with_commits(commits) := fx.assistant({"properties": {"assistant": {"commits": commits, "commit_count": count(commits)}}})

with_commits_and_counts(commits, counts) := fx.assistant({"properties": {"assistant": {"commits": commits, "commit_count": count(commits), "path_counts": counts}}})

# ---- vendor

test_vendor_in_listed_country_is_denied if {
	comps := [fx.assistant({"id": "assistant:alibaba/qwen-code", "publisher": fx.party("Qwen Team, Alibaba Cloud", "CN")})]
	p := fx.assistants
	fs := assistants.deny_vendor_country with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].component == "assistant:alibaba/qwen-code"
	fs[0].facts.fact == "publisher.country"
	fs[0].facts.value == "CN"
	# (regopy quotes strings written in Rego inside sprintf: real input reads plainly)
	contains(fs[0].msg, "is made by")
	contains(fs[0].msg, "Qwen Team, Alibaba Cloud")
}

test_vendor_controlled_from_listed_country_is_denied if {
	pub := object.union(fx.party("Trae Pte", "SG"), {"parent": "ByteDance Ltd", "parent_country": "CN"})
	comps := [fx.assistant({"id": "assistant:bytedance/trae", "publisher": pub})]
	p := fx.assistants
	fs := assistants.deny_vendor_country with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].facts.fact == "publisher.parent_country"
	contains(fs[0].msg, "ByteDance Ltd")
}

test_vendor_elsewhere_passes if {
	comps := [fx.assistant({})]
	p := fx.assistants
	fs := assistants.deny_vendor_country with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 0
}

test_only_assistants_are_judged if {
	comps := [fx.component({"publisher": fx.party("DeepSeek", "CN")})]
	p := fx.assistants
	fs := assistants.deny_vendor_country with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 0
}

# ---- model

test_open_client_with_listed_model_is_denied if {
	aider := fx.assistant({
		"id": "assistant:aider/aider", "publisher": fx.party("aider", null),
		"lineage": [fx.uses("api:deepseek/deepseek-chat", "deepseek/deepseek-chat", fx.party("DeepSeek", "CN"))],
		"properties": {"assistant": {"kind": "open-source-client", "models": ["deepseek/deepseek-chat"]}},
	})
	p := fx.assistants
	fs := assistants.deny_model_country with input.components as [aider] with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].component == "assistant:aider/aider"
	fs[0].facts.model == "api:deepseek/deepseek-chat"
	fs[0].facts.relation == "uses"
	contains(fs[0].msg, "assistant:aider/aider uses")
	contains(fs[0].msg, "api:deepseek/deepseek-chat")
	# the facts chain reaches the config that named the model, then the publisher's source
	fs[0].facts.sources[0].source == "config"
	fs[0].facts.sources[1].source == "registry"
}

test_vendor_service_pointed_at_listed_model_is_denied if {
	claude := fx.assistant({"lineage": [fx.uses("api:moonshot/kimi-k2", "kimi-k2", fx.party("Moonshot AI", "CN"))]})
	p := fx.assistants
	fs := assistants.deny_model_country with input.components as [claude] with data.aigate.params.assistants as p
	count(fs) == 1
	contains(fs[0].msg, "Moonshot AI")
	count(assistants.deny_vendor_country) == 0 with input.components as [claude] with data.aigate.params.assistants as p
}

test_model_derived_from_listed_model_is_denied if {
	base := {"id": "hf:Qwen/Qwen2.5-Coder-7B@unpinned", "name": "Qwen2.5-Coder-7B", "relation": "finetune", "depth": 2, "publisher": fx.party("Alibaba Cloud", "CN"), "sources": []}
	comps := [fx.assistant({"lineage": [fx.uses("ollama:acme-coder", "acme-coder", fx.party("Acme", "US")), base]})]
	p := fx.assistants
	fs := assistants.deny_model_country with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].facts.depth == 2
	contains(fs[0].msg, "derived")
	contains(fs[0].msg, "hf:Qwen/Qwen2.5-Coder-7B@unpinned")
}

test_model_elsewhere_passes if {
	comps := [fx.assistant({"lineage": [fx.uses("api:anthropic/claude-opus-4-5", "claude-opus-4-5", fx.party("Anthropic", "US"))]})]
	p := fx.assistants
	fs := assistants.deny_model_country with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 0
}

# ---- protected paths

test_unreviewed_commit_on_protected_path_is_denied if {
	comps := [with_commits([fx.commit(sha1, ["README.md", "src/crypto/x.py"], [])])]
	p := fx.assistants
	fs := assistants.deny_protected_path with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].facts.commit == sha1
	fs[0].facts.paths == ["src/crypto/x.py"]
	fs[0].facts.patterns == ["src/crypto/**"]
	fs[0].evidence == [{"file": "src/crypto/x.py", "commit": sha1}]
	contains(fs[0].msg, "commit c05db596c2fd, which changed protected src/crypto/x.py without a Reviewed-by: trailer")
	not contains(fs[0].msg, "capped")
	fs[0].facts.bom_cap == null
}

test_reviewed_commit_passes if {
	comps := [with_commits([fx.commit(sha1, ["src/crypto/x.py"], ["Alice <alice@example.com>"])])]
	p := fx.assistants
	fs := assistants.deny_protected_path with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 0
}

test_self_review_does_not_count if {
	comps := [with_commits([fx.commit(sha1, ["src/crypto/x.py"], ["D. Ev <DEV@example.com>"])])]
	p := fx.assistants
	fs := assistants.deny_protected_path with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 1
}

test_double_star_reaches_any_depth_and_other_paths_pass if {
	comps := [with_commits([
		fx.commit(sha1, ["src/crypto/a/b/c.py"], []),
		fx.commit(sha2, ["src/cryptography.py", "src/other/crypto/x.py"], []),
	])]
	p := fx.assistants
	fs := assistants.deny_protected_path with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].facts.commit == sha1
}

test_globs_read_like_gitignore if {
	paths := [
		"keys/a.pem", "deep/in/b.pem", "setup.py", "pkg/setup.py", "src/keys.py", "src/x/y/keys.py",
		"vendor/lib/z.c", "vendor", "secrets.env", "conf/secrets.env", "pkg/apex.pem.txt",
	]
	comps := [with_commits([fx.commit(sha1, paths, [])])]
	p := object.union(fx.assistants, {"protected_paths": ["*.pem", "/setup.py", "src/**/keys.py", "vendor/", "**/secrets.env"]})
	fs := assistants.deny_protected_path with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].facts.paths == [
		"keys/a.pem", "deep/in/b.pem", "setup.py", "src/keys.py", "src/x/y/keys.py",
		"vendor/lib/z.c", "secrets.env", "conf/secrets.env",
	]
}

test_path_counts_index_the_commits_unless_capped if {
	m := fx.commit(sha1, ["src/crypto/x.py"], [])
	p := fx.assistants
	indexed := with_commits_and_counts([m], {"src/crypto/x.py": 1})
	count(assistants.deny_protected_path) == 1 with input.components as [indexed] with data.aigate.params.assistants as p
	# path_counts is every path the commits touched: none protected, no commit is read
	elsewhere := with_commits_and_counts([m], {"README.md": 1})
	count(assistants.deny_protected_path) == 0 with input.components as [elsewhere] with data.aigate.params.assistants as p
	# a capped BOM keeps only the most touched paths there: its commits are always read
	cap := {"commits_total": 1, "commits_kept": 1, "paths_total": 300, "paths_kept": 100, "commit_paths_max": 20}
	capped := fx.assistant({"properties": {"assistant": {"commits": [m], "path_counts": {"README.md": 1}, "bom_cap": cap}}})
	count(assistants.deny_protected_path) == 1 with input.components as [capped] with data.aigate.params.assistants as p
}

test_no_protected_paths_no_findings if {
	comps := [with_commits([fx.commit(sha1, ["src/crypto/x.py"], [])])]
	p := object.union(fx.assistants, {"protected_paths": []})
	fs := assistants.deny_protected_path with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 0
}

test_capped_bom_is_said_in_the_finding if {
	cap := {"commits_total": 250, "commits_kept": 100, "paths_total": 40, "paths_kept": 40, "commit_paths_max": 20}
	comp := fx.assistant({"properties": {"assistant": {"commits": [fx.commit(sha1, ["src/crypto/x.py"], [])], "bom_cap": cap}}})
	p := fx.assistants
	fs := assistants.deny_protected_path with input.components as [comp] with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].facts.bom_cap.commits_total == 250
	contains(fs[0].msg, "read from a capped BOM")
}

# ---- capped history

test_capped_history_warns_when_paths_are_protected if {
	cap := {"commits_total": 250, "commits_kept": 100, "paths_total": 40, "paths_kept": 40, "commit_paths_max": 20}
	cut := object.union(fx.commit(sha2, ["a.py"], []), {"paths_total": 45})
	comp := fx.assistant({"properties": {"assistant": {"commits": [fx.commit(sha1, ["a.py"], []), cut], "bom_cap": cap}}})
	p := fx.assistants
	fs := assistants.warn_capped_history with input.components as [comp] with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].rule == "assistants.capped-history"
	fs[0].facts.hidden == {"commits_dropped": 150, "commits_with_cut_paths": 1}
	contains(fs[0].msg, "keeps 100 of 250 commits")
	pd := object.union(p, {"unknown": "deny"})
	count(assistants.deny_capped_history) == 1 with input.components as [comp] with data.aigate.params.assistants as pd
}

test_capped_history_needs_a_cut_and_protected_paths if {
	# The cap hit path_counts only: every commit and path is still there.
	cap := {"commits_total": 3, "commits_kept": 3, "paths_total": 400, "paths_kept": 100, "commit_paths_max": 20}
	comp := fx.assistant({"properties": {"assistant": {"commits": [fx.commit(sha1, ["a.py"], [])], "bom_cap": cap}}})
	p := fx.assistants
	count(assistants.warn_capped_history) == 0 with input.components as [comp] with data.aigate.params.assistants as p
	cut := {"commits_total": 300, "commits_kept": 100, "paths_total": 4, "paths_kept": 4, "commit_paths_max": 20}
	comp2 := fx.assistant({"properties": {"assistant": {"bom_cap": cut}}})
	none := object.union(p, {"protected_paths": []})
	count(assistants.warn_capped_history) == 0 with input.components as [comp2] with data.aigate.params.assistants as none
	count(assistants.warn_capped_history) == 1 with input.components as [comp2] with data.aigate.params.assistants as p
}

# ---- endpoints

test_endpoint_in_listed_country_warns if {
	ep := {"host": "api.deepseek.com", "operator": "DeepSeek", "country": "CN", "sources": ["registry: the assistant config points at 'https://api.deepseek.com/anthropic'"]}
	comps := [fx.assistant({"properties": {"assistant": {"endpoints": ["https://api.deepseek.com/anthropic"], "endpoints_resolved": [ep]}}})]
	p := fx.assistants
	fs := assistants.warn_endpoint_country with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].facts.host == "api.deepseek.com"
	fs[0].facts.sources == [{"source": "registry", "detail": "the assistant config points at 'https://api.deepseek.com/anthropic'"}]
	fs[0].evidence == [{"file": ".claude/settings.json", "line": 2}]
	contains(fs[0].msg, "send requests to")
	contains(fs[0].msg, "api.deepseek.com")
}

test_endpoint_elsewhere_or_unplaced_is_silent if {
	eps := [
		{"host": "api.anthropic.com", "operator": "Anthropic", "country": "US", "sources": []},
		{"host": "llm.internal.example", "operator": null, "country": null, "sources": ["heuristic"]},
	]
	comps := [fx.assistant({"properties": {"assistant": {"endpoints_resolved": eps}}})]
	p := fx.assistants
	fs := assistants.warn_endpoint_country with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 0
}

# ---- unknown origin

test_vendor_of_unknown_country_warns if {
	comps := [fx.assistant({"id": "assistant:acme/helper", "publisher": fx.party("Acme", null)})]
	p := fx.assistants
	fs := assistants.warn_unknown_country with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].rule == "assistants.unknown-country"
	contains(fs[0].msg, "the vendor's country is unknown")
}

test_open_client_without_model_is_unknown if {
	comps := [fx.assistant({
		"id": "assistant:cline/cline", "publisher": fx.party("Cline Bot Inc.", "US"),
		"properties": {"assistant": {"kind": "open-source-client"}},
	})]
	p := fx.assistants
	fs := assistants.warn_unknown_country with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 1
	contains(fs[0].msg, "no model is known (no config or commit names one)")
}

test_open_client_model_of_unknown_origin_is_unknown if {
	comps := [fx.assistant({
		"id": "assistant:aider/aider", "publisher": fx.party("aider", null),
		"lineage": [fx.uses("ollama:my-coder", "ollama/my-coder", null)],
		"properties": {"assistant": {"kind": "open-source-client", "models": ["ollama/my-coder"]}},
	})]
	p := fx.assistants
	fs := assistants.warn_unknown_country with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].facts.model == "ollama:my-coder"
}

test_open_client_with_known_model_is_known if {
	# aider's own country does not matter: its origin is the model.
	comps := [fx.assistant({
		"id": "assistant:aider/aider", "publisher": fx.party("aider", null),
		"lineage": [fx.uses("api:openai/gpt-4o", "gpt-4o", fx.party("OpenAI", "US"))],
		"properties": {"assistant": {"kind": "open-source-client", "models": ["gpt-4o"]}},
	})]
	p := fx.assistants
	count(assistants.warn_unknown_country) == 0 with input.components as comps with data.aigate.params.assistants as p
}

test_unknown_origin_denies_when_asked_and_allow_is_silent if {
	comps := [fx.assistant({"publisher": null})]
	deny := object.union(fx.assistants, {"unknown": "deny"})
	count(assistants.deny_unknown_country) == 1 with input.components as comps with data.aigate.params.assistants as deny
	allow := object.union(fx.assistants, {"unknown": "allow"})
	not assistants.warn_unknown_country with input.components as comps with data.aigate.params.assistants as allow
	not assistants.deny_unknown_country with input.components as comps with data.aigate.params.assistants as allow
}

test_unknown_agent_warns_or_denies if {
	comps := [fx.assistant({
		"id": "assistant:unknown/agents-md", "publisher": null,
		"properties": {"assistant": {"vendor": "unknown", "product": "AGENTS.md", "kind": "unknown", "configs": ["AGENTS.md"]}},
	})]
	p := fx.assistants
	fs := assistants.warn_unknown_agent with input.components as comps with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].rule == "assistants.unknown-agent"
	contains(fs[0].msg, "(set up by AGENTS.md)")
	# the agent is reported once, as an unknown agent, not also as an unknown vendor
	count(assistants.warn_unknown_country) == 0 with input.components as comps with data.aigate.params.assistants as p
	deny := object.union(p, {"unknown": "deny"})
	count(assistants.deny_unknown_agent) == 1 with input.components as comps with data.aigate.params.assistants as deny
}

test_unknown_agent_placed_by_a_registry_file_is_known if {
	comps := [fx.assistant({
		"id": "assistant:unknown/frobnicator", "publisher": fx.party("Frob Inc.", "US"),
		"properties": {"assistant": {"kind": "unknown", "product": "Frobnicator", "configs": []}},
	})]
	p := fx.assistants
	count(assistants.warn_unknown_agent) == 0 with input.components as comps with data.aigate.params.assistants as p
	count(assistants.warn_unknown_country) == 0 with input.components as comps with data.aigate.params.assistants as p
}

test_unknown_agent_from_commits_names_them if {
	comps := [fx.assistant({
		"id": "assistant:unknown/frobnicator", "publisher": null,
		"properties": {"assistant": {"kind": "unknown", "product": "Frobnicator", "configs": [], "commit_count": 3}},
	})]
	p := fx.assistants
	fs := assistants.warn_unknown_agent with input.components as comps with data.aigate.params.assistants as p
	contains(fs[0].msg, "(named in 3 commit(s))")
}

test_an_unread_history_is_unknown_not_none if {
	p := fx.assistants
	cases := [
		[null, "says nothing about the git history"],
		[{"mode": "none", "read": false}, "not read (--history none)"],
		[{"mode": "default", "read": false, "reason": "not a git repository"}, "not read (not a git repository)"],
		[{"mode": "default", "read": true, "shallow": true, "complete": false, "commits_read": 1}, "shallow clone: only the 1 fetched"],
	]
	every case in cases {
		i := fx.inventory(case[0])
		fs := assistants.warn_unread_history with input.inventory as i with data.aigate.params.assistants as p
		count(fs) == 1
		fs[0].rule == "assistants.unread-history"
		contains(fs[0].msg, case[1])
	}
}

test_a_full_history_or_none_to_read_is_silent if {
	p := object.union(fx.assistants, {"history": "deny"})
	every h in [{"read": true, "shallow": false, "complete": true, "commits_read": 40}, {"read": false, "reason": "no commits yet"}] {
		i := fx.inventory(h)
		count(assistants.deny_unread_history) == 0 with input.inventory as i with data.aigate.params.assistants as p
	}
}

test_an_unread_history_follows_the_history_parameter if {
	i := fx.inventory({"mode": "none", "read": false})
	strict := object.union(fx.assistants, {"history": "deny"})
	count(assistants.deny_unread_history) == 1 with input.inventory as i with data.aigate.params.assistants as strict
	quiet := object.union(fx.assistants, {"history": "info"})
	count(assistants.info_unread_history) == 1 with input.inventory as i with data.aigate.params.assistants as quiet
	not assistants.warn_unread_history with input.inventory as i with data.aigate.params.assistants as quiet
	allowed := object.union(fx.assistants, {"history": "allow"})
	not assistants.deny_unread_history with input.inventory as i with data.aigate.params.assistants as allowed
	not assistants.warn_unread_history with input.inventory as i with data.aigate.params.assistants as allowed
	not assistants.info_unread_history with input.inventory as i with data.aigate.params.assistants as allowed
}

test_an_endpoint_of_no_known_country_is_unknown_origin if {
	ep := {"host": "llm-proxy.example.net", "operator": null, "country": null, "sources": []}
	a := object.union(fx.component({"id": "assistant:anthropic/claude-code", "role": "code-assistant", "publisher": fx.party("Anthropic", "US")}), {"properties": {"assistant": {"vendor": "Anthropic", "product": "Claude Code", "kind": "vendor-service", "models": [], "endpoints": ["https://llm-proxy.example.net/v1"], "endpoints_resolved": [ep], "configs": [".claude/settings.json"], "commits": [], "commit_count": 0, "path_counts": {}}}})
	p := object.union(fx.assistants, {"unknown": "deny"})
	fs := [f | some f in assistants.deny_unknown_country; contains(f.msg, "llm-proxy.example.net")] with input.components as [a] with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].rule == "assistants.unknown-country"
}

# ---- AI-authored code

authored(files, findings, egress) := {"lines": 3, "files": files, "findings": findings, "egress": egress}

ai_file(path, commits) := {
	"path": path, "model": "claude-opus-4-5", "lines": 2, "total": 10, "share": 0.2,
	"ranges": [[4, 5]], "sources": ["git-ai"], "commits": commits,
}

ai_finding(path, severity) := {
	"rule": "semgrep:exfil-env-or-secrets-py", "engine": "semgrep", "severity": severity,
	"category": "data-exfiltration", "path": path, "line": 4, "end_line": 4,
	"message": "The environment is sent over the network",
}

ai_egress(country, heuristic) := {
	"value": "https://c.example.cn/u", "host": "c.example.cn", "path": "app.py", "line": 4,
	"operator": null, "country": country, "heuristic": heuristic, "local": false, "source": "ccTLD",
}

with_authored(over, a) := fx.assistant(object.union(over, {"properties": {"assistant": {
	"vendor": "Anthropic", "product": "Claude Code", "kind": "vendor-service",
	"commits": [fx.commit(sha1, ["app.py"], [])], "authored": a,
}}}))

test_ai_egress_to_listed_country_is_denied if {
	comps := [with_authored({}, authored([], [], [ai_egress("CN", true), ai_egress("US", false)]))]
	fs := assistants.deny_ai_egress_country with input.components as comps with data.aigate.params.assistants as fx.assistants
	count(fs) == 1
	fs[0].facts.value == "CN"
	fs[0].facts.heuristic == true
	fs[0].evidence == [{"file": "app.py", "line": 4}]
	contains(fs[0].msg, "guess")
}

test_ai_egress_of_unknown_country_passes if {
	comps := [with_authored({}, authored([], [], [ai_egress(null, false)]))]
	fs := assistants.deny_ai_egress_country with input.components as comps with data.aigate.params.assistants as fx.assistants
	count(fs) == 0
}

test_high_finding_warns_for_a_us_assistant if {
	comps := [with_authored({}, authored([], [ai_finding("app.py", "high"), ai_finding("app.py", "medium")], []))]
	p := fx.assistants
	warns := assistants.warn_ai_code_finding with input.components as comps with data.aigate.params.assistants as p
	denies := assistants.deny_ai_code_finding with input.components as comps with data.aigate.params.assistants as p
	count(warns) == 1
	count(denies) == 0
	warns[0].facts.value == "semgrep:exfil-env-or-secrets-py"
}

test_high_finding_denies_for_a_listed_vendor_model_or_protected_path if {
	p := fx.assistants
	cn := with_authored({"id": "assistant:moonshot/kimi-code", "publisher": fx.party("Moonshot AI", "CN")}, authored([], [ai_finding("app.py", "high")], []))
	model := with_authored({"lineage": [fx.uses("api:deepseek/deepseek-chat", "deepseek-chat", fx.party("DeepSeek", "CN"))]}, authored([], [ai_finding("app.py", "high")], []))
	protected := with_authored({}, authored([], [ai_finding("src/crypto/aes.py", "high")], []))
	every comp in [cn, model, protected] {
		count(assistants.deny_ai_code_finding) == 1 with input.components as [comp] with data.aigate.params.assistants as p
		count(assistants.warn_ai_code_finding) == 0 with input.components as [comp] with data.aigate.params.assistants as p
	}
}

test_ai_lines_in_protected_path_need_review if {
	p := fx.assistants
	unreviewed := with_authored({}, authored([ai_file("src/crypto/aes.py", [sha1]), ai_file("app.py", [sha1])], [], []))
	fs := assistants.deny_ai_lines_protected with input.components as [unreviewed] with data.aigate.params.assistants as p
	count(fs) == 1
	fs[0].facts.value == "src/crypto/aes.py"
	fs[0].facts.commits == [sha1]
	fs[0].evidence == [{"file": "src/crypto/aes.py", "line": 4}]
	reviewed := fx.assistant({"properties": {"assistant": {
		"commits": [fx.commit(sha1, ["src/crypto/aes.py"], ["Alice <alice@example.com>"])],
		"authored": authored([ai_file("src/crypto/aes.py", [sha1])], [], []),
	}}})
	count(assistants.deny_ai_lines_protected) == 0 with input.components as [reviewed] with data.aigate.params.assistants as p
	traced := with_authored({}, authored([object.union(ai_file("src/crypto/aes.py", []), {"sources": ["agent-trace"]})], [], []))
	count(assistants.deny_ai_lines_protected) == 1 with input.components as [traced] with data.aigate.params.assistants as p
	# lines of a marked commit are the per-commit rule's (assistants.protected-path)
	marked := with_authored({}, authored([object.union(ai_file("src/crypto/aes.py", [sha1]), {"sources": ["commit"]})], [], []))
	count(assistants.deny_ai_lines_protected) == 0 with input.components as [marked] with data.aigate.params.assistants as p
	none := object.union(p, {"protected_paths": []})
	count(assistants.deny_ai_lines_protected) == 0 with input.components as [unreviewed] with data.aigate.params.assistants as none
}
