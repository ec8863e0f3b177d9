#include "redis/script.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace proxflow::redis {

Script::Script(std::string text) : source(std::move(text)) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(source.data(), source.size(), digest, &length, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("SHA1 of a Redis script failed");
    static constexpr char hex[] = "0123456789abcdef";
    sha1.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i) {
        sha1 += hex[digest[i] >> 4];
        sha1 += hex[digest[i] & 0xf];
    }
}

} // namespace proxflow::redis
