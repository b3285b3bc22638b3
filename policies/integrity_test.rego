package aigate.rules.integrity_test

import data.aigate.lib.fixtures_test as fx
import data.aigate.rules.integrity

params := {"hub_schemes": ["hf:", "modelscope:"]}

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
