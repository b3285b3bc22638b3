# Integrity: what makes a model artefact unsafe to load or impossible to reproduce.
#
# Parameters (data.aigate.params.integrity):
#   hub_schemes: identity schemes whose revisions can move (hf:, modelscope:); a scheme,
#                not a longer prefix: the rules read each id by its scheme alone
#   unknown:     deny | warn | info | allow - what a weight file the scan could not fully
#                inspect means (a malformed, oversized or truncated header, or a risk kind
#                no rule here knows)
#   medium_pickle: deny | warn - a pickle risk of medium severity (imports neither known
#                safe nor known dangerous, imports through the extension registry, a
#                compressed pickle whose imports were not read); a high one (code
#                execution, computed imports) always denies
# METADATA
# scope: package
# description: Each rule judges one component at a time from these facts (its id by its scheme; a file's path and digest are only copied or tested for null).
# custom:
#   input:
#     per_component: [pinned, properties.trust_remote_code, risks, files.path, files.sha256]
#     opaque: [files.path, files.sha256]
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
	pickle_denies(r)
	f := pickle_finding(c, r)
]

# A medium-severity pickle risk (imports no list vouches for, the extension registry, a
# compressed pickle whose imports could not be read) denies unless the pack relaxes it.
warn_unsafe_pickle_unread := [f |
	object.get(params, "medium_pickle", "deny") == "warn"
	some c in input.components
	some r in c.risks
	r.kind == "unsafe-pickle"
	r.severity == "medium"
	f := object.union(pickle_finding(c, r), {"rule": "integrity.unsafe-pickle"})
]

pickle_denies(r) if r.severity != "medium"

pickle_denies(r) if object.get(params, "medium_pickle", "deny") == "deny"

pickle_finding(c, r) := {
	"component": c.id,
	"msg": sprintf("%s: %s", [c.id, r.detail]),
	"facts": {"fact": "risks[unsafe-pickle]", "value": r.detail, "severity": r.severity},
	"evidence": risk_evidence(r),
}

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

# Risk kinds with a rule of their own; every other kind (malformed-header, oversized-header,
# truncated-file, and any kind a newer scanner adds) means the file was not fully inspected.
judged_kinds := {"unsafe-pickle", "trust-remote-code", "unsafe-code", "unsafe-external-data"}

risk_evidence(r) := [r.location] if r.location != null

risk_evidence(r) := [] if r.location == null

# METADATA
# title: Model runs code when loaded
# description: A Keras model holds Lambda layers (or other serialised Python), which run when the model is loaded.
# custom:
#   id: integrity.unsafe-code
#   severity: critical
#   regulation: NIST SP 800-218 (PW.4); OWASP ML06 (AI supply chain)
#   remediation: Rebuild the model without Lambda layers (registered custom layers instead), or load it only with safe_mode on and review the code it carries.
deny_unsafe_code := [f |
	some c in input.components
	some r in c.risks
	r.kind == "unsafe-code"
	f := {
		"component": c.id,
		"msg": concat("", [c.id, ": ", r.detail]),
		"facts": {"fact": "risks[unsafe-code].detail", "value": r.detail},
		"evidence": risk_evidence(r),
	}
]

# METADATA
# title: Model reads files outside its folder
# description: An ONNX model keeps tensor data in external files whose paths leave the model folder (absolute or ../), so loading it reads whatever those paths name.
# custom:
#   id: integrity.unsafe-external-data
#   severity: high
#   regulation: NIST SP 800-218 (PW.4); OWASP ML06 (AI supply chain)
#   remediation: Re-export the model with its external data inside the model folder (onnx.save_model with location= a relative file name), or with the data embedded.
deny_unsafe_external_data := [f |
	some c in input.components
	some r in c.risks
	r.kind == "unsafe-external-data"
	f := {
		"component": c.id,
		"msg": concat("", [c.id, ": ", r.detail]),
		"facts": {"fact": "risks[unsafe-external-data].detail", "value": r.detail},
		"evidence": risk_evidence(r),
	}
]

# Weight files the scan recorded as not read (unreadable, a pickle whose scan stopped in a
# file with no model extension, hidden by an ignore file outside git, tracked in a tool
# folder): their skip reasons start "weight file". Untracked weight files in tool folders
# (.venv, node_modules, .cache) are left to scan.incomplete: they are not the release.
unread_weights := [s |
	some s in object.get(input.inventory, "skipped_files", [])
	startswith(s.reason, "weight file")
	not startswith(s.reason, "weight file in a folder excluded by default")
]

uninspectable := array.concat(uninspected_components, unread_weight_findings)

unread_weight_findings := [f |
	some s in unread_weights
	f := {
		"rule": "integrity.uninspectable",
		"msg": concat("", [s.path, ": ", s.reason, ", so what it holds was not judged"]),
		"facts": {"fact": "inventory.skipped_files", "value": s.reason, "kind": "unread"},
		"evidence": [{"file": s.path}],
	}
]

uninspected_components := [f |
	some c in input.components
	some r in c.risks
	not judged_kinds[r.kind]
	f := {
		"rule": "integrity.uninspectable",
		"component": c.id,
		"msg": concat("", [c.id, ": not fully inspected (", r.kind, ": ", r.detail, "), so what it holds was not judged"]),
		"facts": {"fact": concat("", ["risks[", r.kind, "].detail"]), "value": r.detail, "kind": r.kind},
		"evidence": risk_evidence(r),
	}
]

# METADATA
# title: Weight file not fully inspected
# description: A weight file's header is malformed, larger than any real header, or points past the end of the file, an archive two readers would read differently, a scan that stopped, a weight file the scan recorded as not read (or the scanner reports a risk no rule here knows), so the file could not be fully read and what it holds was not judged. Bad headers are also how loader exploits arrive. The pack's `unknown` parameter decides whether that blocks.
# custom:
#   id: integrity.uninspectable
#   severity: high
#   level: warn
#   regulation: NIST SP 800-218 (PW.4); OWASP ML06 (AI supply chain)
#   remediation: Replace the file with an intact copy from its publisher (compare its SHA-256 with the published one), or remove it from the release; a waiver needs someone who inspected it.
warn_uninspectable := uninspectable if params.unknown == "warn"

deny_uninspectable := uninspectable if params.unknown == "deny"

info_uninspectable := uninspectable if params.unknown == "info"
