# Integrity: what makes a model artefact unsafe to load or impossible to reproduce.
#
# Parameters (data.aigate.params.integrity):
#   hub_schemes: identity prefixes whose revisions can move (hf:, modelscope:)
package aigate.rules.integrity

params := data.aigate.params.integrity

movable(c) if {
	some scheme in params.hub_schemes
	startswith(c.id, scheme)
}

# METADATA
# title: Hub model not pinned to a revision
# description: The model is fetched from a hub by name without a commit revision, so what ships can change without a code change.
# custom:
#   id: integrity.unpinned-revision
#   severity: medium
#   regulation: SLSA / NIST SP 800-218 (PS.3, reproducible inputs)
#   remediation: Pass revision="<commit sha>" where the model is loaded (from_pretrained, hf_hub_download, snapshot_download).
warn_unpinned_revision := [f |
	some c in input.components
	movable(c)
	c.pinned == false
	f := {
		"component": c.id,
		"msg": sprintf("%s is loaded without a pinned revision", [c.id]),
		"facts": {"fact": "pinned", "value": false},
	}
]

remote_code(c) if c.properties.trust_remote_code == true

remote_code(c) if {
	some r in c.risks
	r.kind == "trust-remote-code"
}

# METADATA
# title: Remote code trusted
# description: The model is loaded with trust_remote_code=True, so Python code from the model repository runs in the application.
# custom:
#   id: integrity.trust-remote-code
#   severity: high
#   regulation: NIST SP 800-218 (PW.4, reuse of well-secured software)
#   remediation: Load the model without trust_remote_code, or vendor and review the code and pin the revision.
deny_trust_remote_code := [f |
	some c in input.components
	remote_code(c)
	f := {
		"component": c.id,
		"msg": sprintf("%s is loaded with trust_remote_code=True", [c.id]),
		"facts": {"fact": "properties.trust_remote_code", "value": true},
		"evidence": remote_code_evidence(c),
	}
]

remote_code_evidence(c) := [loc |
	some r in c.risks
	r.kind == "trust-remote-code"
	r.location != null
	loc := r.location
]

# METADATA
# title: Pickle imports dangerous code
# description: A pickle-based weight file imports globals that can execute code when loaded (os.system, subprocess, builtins.eval, ...).
# custom:
#   id: integrity.unsafe-pickle
#   severity: critical
#   regulation: NIST SP 800-218 (PW.4); OWASP ML06 (AI supply chain)
#   remediation: Do not ship or load the file; convert the weights to safetensors from a trusted source.
deny_unsafe_pickle := [f |
	some c in input.components
	some r in c.risks
	r.kind == "unsafe-pickle"
	f := {
		"component": c.id,
		"msg": sprintf("%s: %s", [c.id, r.detail]),
		"facts": {"fact": "risks[unsafe-pickle]", "value": r.detail},
		"evidence": [loc | r.location != null; loc := r.location],
	}
]

# METADATA
# title: Weight file without a hash
# description: A weight file is listed without a SHA-256 digest (typical of BOMs from other tools), so its content cannot be verified.
# custom:
#   id: integrity.unhashed-weights
#   severity: medium
#   regulation: CycloneDX ML-BOM completeness; SLSA (artefact digests)
#   remediation: Regenerate the BOM with aigate (it hashes every weight file), or add the digests.
warn_unhashed_weights := [f |
	some c in input.components
	some w in c.files
	w.sha256 == null
	f := {
		"component": c.id,
		"msg": sprintf("%s: weight file %s has no SHA-256", [c.id, w.path]),
		"facts": {"fact": sprintf("files[%s].sha256", [w.path]), "value": null},
		"evidence": [{"file": w.path}],
	}
]
