"""The storage cleaner (certmagic's CleanStorage, as Caddy runs it): at start and every
`storage_clean_interval`, certificates expired more than 14 days are deleted with their key and
metadata (and their folder), and OCSP staples past their nextUpdate or unreadable. Certificates
and OCSP responses are made with python3-cryptography, with the dates each case needs."""
import datetime
import os
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID

import harness
from harness import free_port, log_of, wait_until

NOW = datetime.datetime.utcnow().replace(microsecond=0)
DAY = datetime.timedelta(days=1)


def certificate(name, not_after, issuer=None):
    """A leaf (or, without issuer, a self-signed CA) for name, ending at not_after; (cert, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    signer_cert, signer_key = issuer or (None, key)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(signer_cert.subject if signer_cert else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(min(not_after - DAY, NOW - DAY)).not_valid_after(not_after)
               .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False))
    return builder.sign(signer_key, hashes.SHA256()), key


def ocsp_response(leaf, ca, ca_key, next_update):
    return (ocsp.OCSPResponseBuilder()
            .add_response(cert=leaf, issuer=ca, algorithm=hashes.SHA1(), cert_status=ocsp.OCSPCertStatus.GOOD,
                          this_update=NOW - 2 * DAY, next_update=next_update, revocation_time=None, revocation_reason=None)
            .responder_id(ocsp.OCSPResponderEncoding.HASH, ca)
            .sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))


class StorageClean(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.storage = os.path.join(self.tmp, "storage")
        self.ca, self.ca_key = certificate("Test CA", NOW + 30 * DAY)

    def put_certificate(self, name, not_after):
        """certificates/<issuer>/<name>/<name>.crt, .key, .json, as the engine stores them; returns the folder."""
        leaf, key = certificate(name, not_after, (self.ca, self.ca_key))
        folder = os.path.join(self.storage, "certificates", "acme-test", name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"{name}.crt"), "wb") as f:
            f.write(leaf.public_bytes(serialization.Encoding.PEM) + self.ca.public_bytes(serialization.Encoding.PEM))
        with open(os.path.join(folder, f"{name}.key"), "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
        with open(os.path.join(folder, f"{name}.json"), "w") as f:
            f.write('{"sans": ["%s"]}' % name)
        return folder, leaf

    def put_staple(self, file, data):
        os.makedirs(os.path.join(self.storage, "ocsp"), exist_ok=True)
        path = os.path.join(self.storage, "ocsp", file)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def start(self, automation=None):
        port = free_port()
        tls = {"automation": automation} if automation else {}
        config = harness.proxy_config(port, [{"handler": "static_response", "body": "ok"}],
                                      top_extra={"storage": {"module": "file_system", "root": self.storage}})
        config["apps"]["tls"] = tls
        return self.start_proxflow(config, wait_port=port)

    def test_at_start_long_expired_certificates_and_stale_staples_go_and_the_rest_stays(self):
        old, _ = self.put_certificate("old.test", NOW - 20 * DAY)
        recent, _ = self.put_certificate("recent.test", NOW - 2 * DAY)  # within the 14-day grace
        valid, valid_leaf = self.put_certificate("valid.test", NOW + 20 * DAY)
        stale = self.put_staple("stale.test-0000aaaa", ocsp_response(valid_leaf, self.ca, self.ca_key, NOW - DAY))
        fresh = self.put_staple("valid.test-0000bbbb", ocsp_response(valid_leaf, self.ca, self.ca_key, NOW + 5 * DAY))
        garbage = self.put_staple("garbage-0000cccc", b"not an OCSP response")

        proc = self.start()
        wait_until(lambda: not os.path.exists(old), what="the long-expired certificate's folder deleted")
        wait_until(lambda: "finished cleaning storage" in log_of(proc), what="the cleaning pass to end")
        self.assertTrue(os.path.exists(os.path.join(recent, "recent.test.crt")))
        self.assertEqual(sorted(os.listdir(valid)), ["valid.test.crt", "valid.test.json", "valid.test.key"])
        self.assertFalse(os.path.exists(stale))
        self.assertFalse(os.path.exists(garbage))
        self.assertTrue(os.path.exists(fresh))

    def test_storage_clean_interval_cleans_again_while_running(self):
        proc = self.start({"storage_clean_interval": "1s"})
        wait_until(lambda: "finished cleaning storage" in log_of(proc), what="the first cleaning pass")
        old, _ = self.put_certificate("old.test", NOW - 15 * DAY)
        valid, _ = self.put_certificate("valid.test", NOW + 20 * DAY)
        wait_until(lambda: not os.path.exists(old), timeout=10, what="the certificate expired since start deleted")
        self.assertTrue(os.path.exists(os.path.join(valid, "valid.test.crt")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
