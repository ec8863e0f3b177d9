#include "tls/connection_policy.hpp"

#include "config/ascii_lower.hpp"
#include "tls/pem.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <map>

namespace proxflow::tls {
namespace {

// Asio keeps its own verify callback in the context's app data (and deletes it): ours has an index.
int policy_index() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

int acme_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// Caddy's names for protocol versions and curves, as OpenSSL knows them.
int protocol_version(const std::string& name, const std::string& path) {
    if (name == "tls1.2") return TLS1_2_VERSION;
    if (name == "tls1.3") return TLS1_3_VERSION;
    throw ConfigError(path, "unsupported protocol \"" + name + "\" (tls1.2 or tls1.3)");
}

std::string curve_group(const std::string& name, const std::string& path) {
    static const std::map<std::string, std::string> groups{
        {"x25519", "X25519"}, {"secp256r1", "P-256"}, {"secp384r1", "P-384"}, {"secp521r1", "P-521"}};
    auto it = groups.find(name);
    if (it == groups.end()) throw ConfigError(path, "unsupported curve \"" + name + "\"");
    return it->second;
}

// Go's cipher suite names are the IANA ones; OpenSSL knows each cipher by both.
std::map<std::string, std::string> openssl_cipher_names() {
    std::map<std::string, std::string> names;
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL");
    SSL* ssl = SSL_new(ctx);
    STACK_OF(SSL_CIPHER)* ciphers = SSL_get_ciphers(ssl);
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
        const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
        if (const char* standard = SSL_CIPHER_standard_name(c)) names[standard] = SSL_CIPHER_get_name(c);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return names;
}

bool is_tls13_suite(const std::string& name) {
    return name == "TLS_AES_128_GCM_SHA256" || name == "TLS_AES_256_GCM_SHA384" || name == "TLS_CHACHA20_POLY1305_SHA256";
}


int alpn_select(SSL* ssl, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen, void* arg) {
    static const std::string acme = std::string("\x0a") + "acme-tls/1";
    const auto* policy = static_cast<const ConnectionPolicy*>(arg);
    const std::string& mine = SSL_get_ex_data(ssl, acme_index()) ? acme : policy->alpn_wire();
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, outlen, reinterpret_cast<const unsigned char*>(mine.data()),
                              static_cast<unsigned int>(mine.size()), in, inlen) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL; // as Go: a client offering only protocols we lack is refused
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

// The handshake sets the certificate before it starts; none means no name matched.
int servername_check(SSL* ssl, int* alert, void*) {
    if (SSL_get_certificate(ssl)) return SSL_TLSEXT_ERR_OK;
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

// The handshake hands OpenSSL the certificate's OCSP staple before it starts; without one, none is sent.
int ocsp_status(SSL* ssl, void*) {
    const unsigned char* staple = nullptr;
    return SSL_get_tlsext_status_ocsp_resp(ssl, &staple) > 0 ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_NOACK;
}

int verify_client(int preverify_ok, X509_STORE_CTX* store) {
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    const auto* policy = static_cast<const ConnectionPolicy*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), policy_index()));
    const int depth = X509_STORE_CTX_get_error_depth(store);
    if (depth == 0 && policy->has_trusted_leaves() && !policy->trusts_leaf(X509_STORE_CTX_get_current_cert(store)))
        return 0;
    const auto mode = policy->client_auth();
    // request and require take any certificate, as Go's RequestClientCert / RequireAnyClientCert.
    if (mode == ClientAuthMode::request || mode == ClientAuthMode::require) return 1;
    return preverify_ok;
}

} // namespace

void select_acme_tls_alpn(SSL* ssl) { SSL_set_ex_data(ssl, acme_index(), reinterpret_cast<void*>(1)); }

bool CertificateSelection::empty() const {
    return serial_numbers.empty() && subject_organizations.empty() && public_key_algorithm.empty() && any_tag.empty() &&
           all_tags.empty();
}

bool CertificateSelection::accepts(const Certificate& cert) const {
    if (!serial_numbers.empty()) {
        BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert.leaf.get()), nullptr);
        char* dec = BN_bn2dec(bn);
        const bool found = std::find(serial_numbers.begin(), serial_numbers.end(), dec) != serial_numbers.end();
        OPENSSL_free(dec);
        BN_free(bn);
        if (!found) return false;
    }
    if (!subject_organizations.empty()) {
        char org[256] = {};
        X509_NAME_get_text_by_NID(X509_get_subject_name(cert.leaf.get()), NID_organizationName, org, sizeof(org));
        if (std::find(subject_organizations.begin(), subject_organizations.end(), org) == subject_organizations.end()) return false;
    }
    if (!public_key_algorithm.empty()) {
        const int id = EVP_PKEY_get_base_id(cert.key.get());
        const std::string algo = id == EVP_PKEY_RSA ? "rsa" : id == EVP_PKEY_EC ? "ecdsa" : id == EVP_PKEY_ED25519 ? "ed25519" : "";
        if (algo != public_key_algorithm) return false;
    }
    const auto has = [&](const std::string& tag) { return std::find(cert.tags.begin(), cert.tags.end(), tag) != cert.tags.end(); };
    if (!any_tag.empty() && std::none_of(any_tag.begin(), any_tag.end(), has)) return false;
    if (!std::all_of(all_tags.begin(), all_tags.end(), has)) return false;
    return true;
}

std::unique_ptr<ConnectionPolicy> ConnectionPolicy::from_json(const json& value, const std::string& path) {
    auto policy = std::make_unique<ConnectionPolicy>();
    ObjectReader r(value, path);
    if (const json* match = r.take("match")) {
        ObjectReader m(*match, r.path_of("match"));
        for (auto& name : m.strings("sni")) policy->match_sni_.push_back(ascii_lower(name));
        for (const char* other : {"remote_ip", "local_ip"})
            if (m.has(other)) throw ConfigError(m.path_of(other), std::string("the ") + other + " matcher is not supported by ProxFlow yet");
        m.finish();
    }
    if (const json* sel = r.take("certificate_selection")) {
        ObjectReader s(*sel, r.path_of("certificate_selection"));
        policy->selection_.serial_numbers = s.strings("serial_number");
        policy->selection_.subject_organizations = s.strings("subject_organization");
        policy->selection_.public_key_algorithm = s.string("public_key_algorithm");
        if (const auto& a = policy->selection_.public_key_algorithm; !a.empty() && a != "rsa" && a != "ecdsa" && a != "ed25519")
            throw ConfigError(s.path_of("public_key_algorithm"), "unknown public key algorithm \"" + a + "\"");
        policy->selection_.any_tag = s.strings("any_tag");
        policy->selection_.all_tags = s.strings("all_tags");
        s.finish();
    }

    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_ex_data(native, policy_index(), policy.get());
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);

    const auto suites = r.strings("cipher_suites");
    std::string tls12 = "ECDHE+AESGCM:ECDHE+CHACHA20"; // Caddy's defaults: forward secret AEAD suites
    if (!suites.empty()) {
        static const auto names = openssl_cipher_names();
        tls12.clear();
        for (std::size_t i = 0; i < suites.size(); ++i) {
            // Go does not let TLS 1.3 suites be chosen; they are accepted and left as they are.
            if (is_tls13_suite(suites[i])) continue;
            auto it = names.find(suites[i]);
            if (it == names.end()) throw ConfigError(index_path(r.path_of("cipher_suites"), i), "unsupported cipher suite \"" + suites[i] + "\"");
            tls12 += (tls12.empty() ? "" : ":") + it->second;
        }
    }
    if (!tls12.empty() && SSL_CTX_set_cipher_list(native, tls12.c_str()) != 1)
        throw ConfigError(r.path_of("cipher_suites"), "no usable cipher suite (" + openssl_error() + ")");

    auto curves = r.strings("curves");
    std::string groups;
    for (std::size_t i = 0; i < curves.size(); ++i)
        groups += (groups.empty() ? "" : ":") + curve_group(curves[i], index_path(r.path_of("curves"), i));
    if (groups.empty()) groups = "X25519:P-256";
    if (SSL_CTX_set1_groups_list(native, groups.c_str()) != 1)
        throw ConfigError(r.path_of("curves"), "cannot use these curves (" + openssl_error() + ")");

    const auto min_name = r.string("protocol_min", "tls1.2"), max_name = r.string("protocol_max", "tls1.3");
    const int min = protocol_version(min_name, r.path_of("protocol_min")), max = protocol_version(max_name, r.path_of("protocol_max"));
    if (min > max) throw ConfigError(r.path_of("protocol_min"), "protocol_min is above protocol_max");
    SSL_CTX_set_min_proto_version(native, min);
    SSL_CTX_set_max_proto_version(native, max);

    auto alpn = r.strings("alpn");
    if (alpn.empty()) alpn = {"http/1.1"};
    for (std::size_t i = 0; i < alpn.size(); ++i) {
        if (alpn[i] == "h2" || alpn[i] == "h3")
            throw ConfigError(index_path(r.path_of("alpn"), i), "ALPN \"" + alpn[i] + "\": ProxFlow serves only HTTP/1.1 yet");
        if (alpn[i].empty() || alpn[i].size() > 255) throw ConfigError(index_path(r.path_of("alpn"), i), "invalid ALPN protocol");
        policy->alpn_wire_ += static_cast<char>(alpn[i].size());
        policy->alpn_wire_ += alpn[i];
    }
    SSL_CTX_set_alpn_select_cb(native, alpn_select, policy.get());
    SSL_CTX_set_tlsext_servername_callback(native, servername_check);
    SSL_CTX_set_tlsext_status_cb(native, ocsp_status);

    policy->default_sni_ = ascii_lower(r.string("default_sni"));

    if (const json* ca = r.take("client_authentication")) {
        ObjectReader c(*ca, r.path_of("client_authentication"));
        X509_STORE* store = SSL_CTX_get_cert_store(native);
        bool have_cas = false;
        const auto add_ca = [&](X509* cert) {
            X509_STORE_add_cert(store, cert);
            have_cas = true;
        };
        const auto ders = c.strings("trusted_ca_certs");
        for (std::size_t i = 0; i < ders.size(); ++i) {
            try {
                add_ca(certificate_from_der(base64_decode(ders[i])).get());
            } catch (const PemError& e) {
                throw ConfigError(index_path(c.path_of("trusted_ca_certs"), i), e.what());
            }
        }
        const auto files = c.strings("trusted_ca_certs_pem_files");
        for (std::size_t i = 0; i < files.size(); ++i) {
            const auto p = index_path(c.path_of("trusted_ca_certs_pem_files"), i);
            try {
                for (auto& cert : certificates_from_pem(read_pem_file(files[i], p))) add_ca(cert.get());
            } catch (const PemError& e) {
                throw ConfigError(p, files[i] + ": " + e.what());
            }
        }
        const auto leaves = c.strings("trusted_leaf_certs");
        for (std::size_t i = 0; i < leaves.size(); ++i) {
            try {
                policy->trusted_leaves_.push_back(to_der(certificate_from_der(base64_decode(leaves[i])).get()));
            } catch (const PemError& e) {
                throw ConfigError(index_path(c.path_of("trusted_leaf_certs"), i), e.what());
            }
        }
        const auto mode = c.string("mode");
        if (mode == "request") policy->client_auth_ = ClientAuthMode::request;
        else if (mode == "require") policy->client_auth_ = ClientAuthMode::require;
        else if (mode == "verify_if_given") policy->client_auth_ = ClientAuthMode::verify_if_given;
        else if (mode == "require_and_verify") policy->client_auth_ = ClientAuthMode::require_and_verify;
        else if (!mode.empty()) throw ConfigError(c.path_of("mode"), "client auth mode not recognized: " + mode);
        else if (have_cas) policy->client_auth_ = ClientAuthMode::require_and_verify;   // Caddy's defaults when mode is empty
        else if (!policy->trusted_leaves_.empty()) policy->client_auth_ = ClientAuthMode::require;
        c.finish();
        const auto m = policy->client_auth_;
        if (m != ClientAuthMode::none) {
            int flags = SSL_VERIFY_PEER;
            // Trusted leaves are checked by their own test, which fails without a certificate (as Caddy's).
            if (m == ClientAuthMode::require || m == ClientAuthMode::require_and_verify || !policy->trusted_leaves_.empty())
                flags |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
            SSL_CTX_set_verify(native, flags, verify_client);
            if (have_cas) {
                // The client is told which CAs it may present certificates from.
                STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
                STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
                for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i)
                    if (X509* x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i)))
                        sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(x)));
                SSL_CTX_set_client_CA_list(native, names);
            }
            // Session resumption would skip the client certificate check.
            const unsigned char sid[] = "proxflow-client-auth";
            SSL_CTX_set_session_id_context(native, sid, sizeof(sid) - 1);
        }
    }
    if (r.has("insecure_secrets_log"))
        throw ConfigError(r.path_of("insecure_secrets_log"), "insecure_secrets_log is not supported by ProxFlow yet");
    r.finish();
    policy->context_ = std::move(ctx);
    return policy;
}

bool ConnectionPolicy::matches(std::string_view server_name) const {
    if (match_sni_.empty()) return true;
    const std::string name = ascii_lower(server_name);
    for (const auto& pattern : match_sni_) {
        if (pattern == name) return true;
        // certmagic.MatchWildcard: "*.example.com" takes exactly one label in its place.
        if (pattern.size() > 2 && pattern.starts_with("*.")) {
            const auto dot = name.find('.');
            if (dot != std::string::npos && dot > 0 && name.substr(dot) == pattern.substr(1)) return true;
        }
    }
    return false;
}

std::shared_ptr<const Certificate> ConnectionPolicy::select(const CertificateCache& cache, std::string_view name) const {
    if (selection_.empty()) return cache.find(name);
    // Several certificates may cover a name; the selection decides among them (exact names first).
    const std::string wanted = ascii_lower(name);
    const auto dot = wanted.find('.');
    const std::string wildcard = dot == std::string::npos || dot == 0 ? std::string() : "*" + wanted.substr(dot);
    std::shared_ptr<const Certificate> by_wildcard;
    for (const auto& cert : cache.all()) {
        if (!selection_.accepts(*cert)) continue;
        for (const auto& n : cert->names) {
            const std::string l = ascii_lower(n);
            if (l == wanted) return cert;
            if (!wildcard.empty() && l == wildcard && !by_wildcard) by_wildcard = cert;
        }
    }
    return by_wildcard;
}

bool ConnectionPolicy::trusts_leaf(X509* cert) const {
    const std::string der = to_der(cert);
    return std::find(trusted_leaves_.begin(), trusted_leaves_.end(), der) != trusted_leaves_.end();
}

} // namespace proxflow::tls
