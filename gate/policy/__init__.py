"""Policy as code: the policy input, the hardened Rego engine, packs, waivers and decisions."""
