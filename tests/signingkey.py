"""A throwaway self-signed signing key for the tests (made with cryptography, never kept)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSPHRASE = "correct horse"


def make_key(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed RSA certificate and its key as a PKCS#12 file (and the certificate as PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2040, 1, 1, tzinfo=UTC))
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    p12 = folder / f"{name.split()[0].lower()}.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"amend", key, certificate, None, serialization.BestAvailableEncryption(PASSPHRASE.encode())
        )
    )
    pem = p12.with_suffix(".pem")
    pem.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return p12, pem
