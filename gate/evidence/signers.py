"""Who signs an export (``--sign none|key|sigstore``) and whom a verify trusts (``--key``, or a
keyless identity): chosen from the command line's options, never from the bundle."""

from __future__ import annotations

from pathlib import Path

from gate import files
from gate.errors import InputError, OptionsError
from gate.evidence.sign import Signer, Verifier


def _read_text(path: Path) -> str:
    # A trust config is a few KB; a FIFO or a device must not hang the command.
    return files.read_text_bounded(path, files.MAX_POLICY_FILE)


def choose_signer(
    sign: str, key: Path | None, trust_config: Path | None
) -> tuple[Signer | None, bytes | None]:
    """The signer for ``--sign`` and the public key PEM to bundle (key mode)."""
    if sign == "none":
        if key is not None:
            raise OptionsError("--key is for --sign key")
        return None, None
    if sign == "key":
        from gate.evidence import sign_key

        if key is None:
            raise OptionsError("--sign key needs --key PRIVATE_KEY (made by `aigate keygen`)")
        signer = sign_key.KeySigner.from_file(key, sign_key.passphrase_from_env())
        return signer, signer.public_pem()
    from gate.evidence import sign_sigstore

    if key is not None:
        raise OptionsError("--key is for --sign key; keyless signing uses the CI identity")
    config = None
    if trust_config is not None:
        config = sign_sigstore.trust_config_from_json(_read_text(trust_config))
    return sign_sigstore.SigstoreSigner(trust_config=config), None


def choose_verifier(
    bundle: Path,
    key: Path | None,
    certificate_identity: str | None,
    certificate_oidc_issuer: str | None,
    trust_config: Path | None,
) -> Verifier | None:
    """Whom ``aigate verify`` trusts: a public key from outside the bundle, or a keyless
    identity and issuer; None accepts only an unsigned bundle."""
    from gate.evidence.verify import lies_inside

    keyless = certificate_identity is not None or certificate_oidc_issuer is not None
    if key is not None and keyless:
        raise OptionsError("pass either --key or --certificate-identity/--oidc-issuer")
    verifier: Verifier | None = None
    if key is not None:
        from gate.evidence import sign_key

        if lies_inside(key, bundle):
            raise InputError(
                key,
                "this key is inside the bundle being verified: a bundle that brings its own"
                " key proves nothing (whoever edited the bundle could replace both)",
                hint="pass the signer's public key from a source you trust (your keyring,"
                " the release page, the repository), not keys/aigate.pub from the bundle",
            )
        verifier = sign_key.KeyVerifier.from_file(key)
    elif keyless:
        from gate.evidence import sign_sigstore

        if not certificate_identity or not certificate_oidc_issuer:
            raise OptionsError(
                "keyless verification needs both --certificate-identity and"
                " --certificate-oidc-issuer"
            )
        root = None
        if trust_config is not None:
            root = sign_sigstore.trust_config_from_json(_read_text(trust_config)).trusted_root
        verifier = sign_sigstore.SigstoreVerifier(
            identity=certificate_identity, issuer=certificate_oidc_issuer, trusted_root=root
        )
    elif trust_config is not None:
        raise OptionsError("--trust-config is for keyless verification")
    return verifier
