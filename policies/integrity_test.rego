package aigate.rules.integrity_test

import data.aigate.lib.fixtures_test as fx
import data.aigate.rules.integrity

params := {"hub_schemes": ["hf:", "modelscope:"], "unknown": "warn"}

test_unpinned_hub_model_warns if {
	comps := [fx.component({})]
	p := params
	fs := integrity.warn_unpinned_revision with input.components as comps with data.aigate.params.integrity as p
	count(fs) == 1
}

test_pinned_hub_model_passes if {
	comps := [fx.component({"id": "hf:org/model@0123456789abcdef0123456789abcdef01234567", "pinned": true})]
	p := params
	fs := integrity.warn_unpinned_revision with input.components as comps with data.aigate.params.integrity as p
	count(fs) == 0
}

test_trust_remote_code_is_denied if {
	comps := [fx.component({"properties": {"trust_remote_code": true}})]
	p := params
	fs := integrity.deny_trust_remote_code with input.components as comps with data.aigate.params.integrity as p
	count(fs) == 1
}

test_unsafe_pickle_is_denied if {
	risk := {"kind": "unsafe-pickle", "detail": "imports posix.system", "severity": "critical", "location": {"file": "m/model.pt", "line": null, "column": null, "commit": null}}
	comps := [fx.component({"id": "local:m", "role": "embedded-weights", "risks": [risk]})]
	p := params
	fs := integrity.deny_unsafe_pickle with input.components as comps with data.aigate.params.integrity as p
	count(fs) == 1
	fs[0].evidence[0].file == "m/model.pt"
}

test_weight_without_hash_warns if {
	file := {"path": "m/model.safetensors", "size": 10, "format": "safetensors", "sha256": null, "metadata": {}}
	comps := [fx.component({"id": "local:m", "role": "embedded-weights", "files": [file]})]
	p := params
	fs := integrity.warn_unhashed_weights with input.components as comps with data.aigate.params.integrity as p
	count(fs) == 1
}

risk(kind, detail) := {"kind": kind, "detail": detail, "severity": "high", "location": {"file": "m/model.keras", "line": null, "column": null, "commit": null}}

test_keras_lambda_layer_is_denied if {
	comps := [fx.component({"id": "local:m", "role": "embedded-weights", "risks": [risk("unsafe-code", "Lambda layer 'lambda' holds Python bytecode")]})]
	p := params
	fs := integrity.deny_unsafe_code with input.components as comps with data.aigate.params.integrity as p
	count(fs) == 1
	fs[0].evidence[0].file == "m/model.keras"
	contains(fs[0].msg, "Lambda")
}

test_onnx_data_outside_the_folder_is_denied if {
	comps := [fx.component({"id": "local:m", "role": "embedded-weights", "risks": [risk("unsafe-external-data", "external data '../../etc/passwd'")]})]
	p := params
	fs := integrity.deny_unsafe_external_data with input.components as comps with data.aigate.params.integrity as p
	count(fs) == 1
	count(integrity.deny_unsafe_code) == 0 with input.components as comps with data.aigate.params.integrity as p
}

test_a_file_not_fully_read_follows_the_unknown_parameter if {
	kinds := ["malformed-header", "oversized-header", "truncated-file", "a-kind-from-a-newer-scanner"]
	comps := [fx.component({"id": "local:m", "role": "embedded-weights", "risks": [risk(k, "header problem") | some k in kinds]})]
	p := params
	warned := integrity.warn_uninspectable with input.components as comps with data.aigate.params.integrity as p
	count(warned) == 4
	warned[0].rule == "integrity.uninspectable"
	denying := object.union(params, {"unknown": "deny"})
	count(integrity.deny_uninspectable) == 4 with input.components as comps with data.aigate.params.integrity as denying
	not integrity.warn_uninspectable with input.components as comps with data.aigate.params.integrity as denying
	allowing := object.union(params, {"unknown": "allow"})
	not integrity.deny_uninspectable with input.components as comps with data.aigate.params.integrity as allowing
	not integrity.warn_uninspectable with input.components as comps with data.aigate.params.integrity as allowing
	not integrity.info_uninspectable with input.components as comps with data.aigate.params.integrity as allowing
}

test_judged_kinds_are_not_also_uninspectable if {
	comps := [fx.component({"id": "local:m", "role": "embedded-weights", "risks": [risk("unsafe-pickle", "imports posix.system"), risk("unsafe-code", "Lambda")]})]
	p := params
	count(integrity.warn_uninspectable) == 0 with input.components as comps with data.aigate.params.integrity as p
}

test_a_medium_pickle_risk_warns_unless_the_pack_denies_it if {
	medium := object.union(risk("unsafe-pickle", "imports through the extension registry (codes 1)"), {"severity": "medium"})
	high := risk("unsafe-pickle", "imports posix.system")
	comps := [fx.component({"id": "local:m", "role": "embedded-weights", "risks": [medium, high]})]
	p := object.union(params, {"medium_pickle": "warn"})
	denied := integrity.deny_unsafe_pickle with input.components as comps with data.aigate.params.integrity as p
	count(denied) == 1
	contains(denied[0].msg, "posix.system")
	warned := integrity.warn_unsafe_pickle_unread with input.components as comps with data.aigate.params.integrity as p
	count(warned) == 1
	warned[0].rule == "integrity.unsafe-pickle"
	strict := object.union(params, {"medium_pickle": "deny"})
	count(integrity.deny_unsafe_pickle) == 2 with input.components as comps with data.aigate.params.integrity as strict
	count(integrity.warn_unsafe_pickle_unread) == 0 with input.components as comps with data.aigate.params.integrity as strict
}

test_an_ambiguous_archive_is_not_fully_inspected if {
	comps := [fx.component({"id": "local:m", "role": "embedded-weights", "risks": [risk("ambiguous-archive", "two members named 'archive/data.pkl'")]})]
	denying := object.union(params, {"unknown": "deny"})
	fs := integrity.deny_uninspectable with input.components as comps with data.aigate.params.integrity as denying
	count(fs) == 1
	contains(fs[0].msg, "ambiguous-archive")
}

skip(path, reason) := {"path": path, "reason": reason}

test_weight_files_recorded_as_unread_are_not_inspected if {
	skipped := [
		skip("checkpoint", "weight file (it starts like a pickle) whose scan stopped (malformed-header: x)"),
		skip("m.safetensors", "weight file cannot be read: Permission denied"),
		skip("sub/m.pt", "weight file hidden by sub/.gitignore outside git, not read"),
		skip("node_modules/x/m.onnx", "weight file git tracks, in a folder excluded by default (node_modules/); --no-default-excludes reads it, not read"),
		skip(".venv/lib/t.pkl", "weight file in a folder excluded by default (.venv/); --no-default-excludes reads it, not read"),
		skip("big.py", "larger than 2000000 bytes: not parsed"),
	]
	inv := {"files_scanned": 9, "skipped": 6, "skipped_files": skipped}
	denying := object.union(params, {"unknown": "deny"})
	fs := integrity.deny_uninspectable with input.components as [] with input.inventory as inv with data.aigate.params.integrity as denying
	{f.evidence[0].file | some f in fs} == {"checkpoint", "m.safetensors", "sub/m.pt", "node_modules/x/m.onnx"}
}
