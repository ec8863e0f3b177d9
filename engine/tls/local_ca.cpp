#include "tls/local_ca.hpp"

#include "tls/pem.hpp"

#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <ctime>

namespace proxflow::tls {
namespace {

using Clock = std::chrono::system_clock;
constexpr std::chrono::seconds root_lifetime{10LL * 365 * 24 * 3600};

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) s.replace(pos, from.size(), to);
    return s;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) throw std::runtime_error("cannot add certificate extension " + value + ": " + openssl_error());
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

bool is_ip(const std::string& name) {
    error_code ec;
    asio::ip::make_address(name, ec);
    return !ec;
}

struct Profile {
    std::string common_name;
    std::vector<std::string> names; // SANs (leaves only)
    bool ca = false;
    int path_len = -1;
    Clock::time_point not_before, not_after;
};

// One certificate for `key`, signed by issuer/issuer_key (itself when issuer is null).
X509Ptr make_cert(const Profile& p, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof(serial));
    serial[0] &= 0x7f; // a positive number
    BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    ASN1_TIME_set(X509_getm_notBefore(cert.get()), Clock::to_time_t(p.not_before));
    ASN1_TIME_set(X509_getm_notAfter(cert.get()), Clock::to_time_t(p.not_after));
    X509_NAME* subject = X509_get_subject_name(cert.get());
    if (!p.common_name.empty())
        X509_NAME_add_entry_by_NID(subject, NID_commonName, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(p.common_name.data()),
                                   static_cast<int>(p.common_name.size()), -1, 0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject);
    X509_set_pubkey(cert.get(), key);
    if (p.ca) {
        add_extension(cert.get(), issuer, NID_basic_constraints,
                      "critical,CA:TRUE" + (p.path_len >= 0 ? ",pathlen:" + std::to_string(p.path_len) : std::string()));
        add_extension(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature");
        add_extension(cert.get(), issuer, NID_ext_key_usage, "serverAuth,clientAuth");
        std::string sans;
        for (const auto& name : p.names) sans += (sans.empty() ? "" : ",") + std::string(is_ip(name) ? "IP:" : "DNS:") + name;
        if (!sans.empty()) add_extension(cert.get(), issuer, NID_subject_alt_name, sans);
    }
    add_extension(cert.get(), issuer, NID_subject_key_identifier, "hash");
    if (issuer) add_extension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
    if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) throw std::runtime_error("cannot sign a certificate: " + openssl_error());
    return cert;
}

Clock::time_point not_after_of(X509* cert) {
    struct tm tm {};
    ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm);
    return Clock::from_time_t(timegm(&tm));
}

Clock::time_point not_before_of(X509* cert) {
    struct tm tm {};
    ASN1_TIME_to_tm(X509_get0_notBefore(cert), &tm);
    return Clock::from_time_t(timegm(&tm));
}

// Caddy renews CA certificates when a fifth of their lifetime is left.
bool needs_renewal(X509* cert) {
    const auto nb = not_before_of(cert), na = not_after_of(cert);
    return Clock::now() > na - (na - nb) / 5;
}

} // namespace

std::pair<X509Ptr, PkeyPtr> load_key_pair(const KeyPairFiles& files) {
    const auto read = [](const std::string& file) {
        try {
            return read_pem_file(file, file);
        } catch (const std::exception&) {
            throw std::runtime_error("cannot read " + file);
        }
    };
    std::pair<X509Ptr, PkeyPtr> pair;
    try {
        pair.first = std::move(certificates_from_pem(read(files.certificate)).front());
    } catch (const PemError& e) {
        throw std::runtime_error(files.certificate + ": " + e.what());
    }
    try {
        pair.second = private_key_from_pem(read(files.private_key));
    } catch (const PemError& e) {
        throw std::runtime_error(files.private_key + ": " + e.what());
    }
    if (X509_check_private_key(pair.first.get(), pair.second.get()) != 1)
        throw std::runtime_error(files.private_key + ": not the key of " + files.certificate);
    return pair;
}

LocalCa::LocalCa(LocalCaConfig config, const Storage& storage) : config_(std::move(config)), storage_(storage) {
    const std::string dir = "pki/authorities/" + config_.id + "/";
    if (config_.root) std::tie(root_, root_key_) = load_key_pair(*config_.root);
    auto root_pem = storage_.load(dir + "root.crt");
    auto root_key_pem = storage_.load(dir + "root.key");
    try {
        if (!root_ && root_pem && root_key_pem) {
            root_ = std::move(certificates_from_pem(*root_pem).front());
            root_key_ = private_key_from_pem(*root_key_pem);
        }
    } catch (const PemError& e) {
        throw std::runtime_error(storage_.path_of(dir + "root.crt").string() + ": " + e.what());
    }
    if (!root_) {
        const std::time_t now = Clock::to_time_t(Clock::now());
        std::tm utc{};
        gmtime_r(&now, &utc);
        Profile p;
        p.common_name = replace_all(replace_all(config_.root_common_name, "{pki.ca.name}", config_.name), "{time.now.year}",
                                    std::to_string(utc.tm_year + 1900));
        p.ca = true;
        p.path_len = 1;
        p.not_before = Clock::now() - std::chrono::minutes(1);
        p.not_after = Clock::now() + root_lifetime;
        root_key_ = generate_key(KeyType::p256);
        root_ = make_cert(p, root_key_.get(), nullptr, root_key_.get());
        storage_.store(dir + "root.key", to_pem(root_key_.get()), true);
        storage_.store(dir + "root.crt", to_pem(root_.get()));
    }
    if (config_.intermediate) {
        std::tie(intermediate_, intermediate_key_) = load_key_pair(*config_.intermediate);
        return;
    }
    auto inter_pem = storage_.load(dir + "intermediate.crt");
    auto inter_key_pem = storage_.load(dir + "intermediate.key");
    try {
        if (inter_pem && inter_key_pem) {
            intermediate_ = std::move(certificates_from_pem(*inter_pem).front());
            intermediate_key_ = private_key_from_pem(*inter_key_pem);
        }
    } catch (const PemError& e) {
        throw std::runtime_error(storage_.path_of(dir + "intermediate.crt").string() + ": " + e.what());
    }
    // An intermediate not signed by this root (the root was replaced) or near its end is made anew.
    if (!intermediate_ || X509_verify(intermediate_.get(), X509_get0_pubkey(root_.get())) != 1 ||
        needs_renewal(intermediate_.get()))
        make_intermediate();
}

void LocalCa::make_intermediate() {
    Profile p;
    p.common_name = replace_all(config_.intermediate_common_name, "{pki.ca.name}", config_.name);
    p.ca = true;
    p.path_len = 0;
    p.not_before = Clock::now() - std::chrono::minutes(1);
    p.not_after = Clock::now() + config_.intermediate_lifetime;
    if (p.not_after > not_after_of(root_.get())) p.not_after = not_after_of(root_.get());
    auto key = generate_key(KeyType::p256);
    auto cert = make_cert(p, key.get(), root_.get(), root_key_.get());
    const std::string dir = "pki/authorities/" + config_.id + "/";
    storage_.store(dir + "intermediate.key", to_pem(key.get()), true);
    storage_.store(dir + "intermediate.crt", to_pem(cert.get()));
    intermediate_key_ = std::move(key);
    intermediate_ = std::move(cert);
}

void LocalCa::maintain() {
    std::lock_guard lock(mutex_);
    if (!config_.intermediate && needs_renewal(intermediate_.get())) make_intermediate();
}

Clock::time_point LocalCa::intermediate_not_after() const {
    std::lock_guard lock(mutex_);
    return not_after_of(intermediate_.get());
}

std::shared_ptr<Certificate> LocalCa::sign(const std::vector<std::string>& names, std::chrono::seconds lifetime, bool with_root,
                                           KeyType key_type) {
    std::lock_guard lock(mutex_);
    X509* signer = with_root ? root_.get() : intermediate_.get();
    EVP_PKEY* signer_key = with_root ? root_key_.get() : intermediate_key_.get();
    const auto now = Clock::now();
    Profile p;
    p.names = names;
    if (!names.empty() && names.front().size() <= 64) p.common_name = names.front();
    // Backdated for clocks a little behind (smallstep's minute), but never by more than a
    // quarter of a short lifetime, so renewal at a third left still waits.
    p.not_before = now - std::min<std::chrono::seconds>(std::chrono::minutes(1), lifetime / 4);
    p.not_after = std::min(now + lifetime, not_after_of(signer));
    auto key = generate_key(key_type);
    auto leaf = make_cert(p, key.get(), signer, signer_key);
    std::vector<X509Ptr> chain;
    chain.push_back(std::move(leaf));
    X509_up_ref(signer);
    chain.emplace_back(signer);
    return make_certificate(std::move(chain), std::move(key), "internal");
}

} // namespace proxflow::tls
