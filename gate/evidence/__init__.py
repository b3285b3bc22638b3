"""Evidence for auditors: in-toto attestations, DSSE signing (key or keyless), SPDX 3 export."""
