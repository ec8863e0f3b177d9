// `proxflow hash-password`: prints a password hash for basicauth, as `caddy hash-password` does.
#include "cli.hpp"

#include "modules/authentication/password_hash.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace proxflow::cli {
namespace {

constexpr const char* hash_password_help = R"(Usage: proxflow hash-password [--plaintext PASSWORD] [--algorithm bcrypt|scrypt] [--salt SALT]

Prints the hash of a password for basicauth, as `caddy hash-password` does: bcrypt (the default) at
cost 14 in Modular Crypt Format, or scrypt with Caddy's default parameters as base64 (--salt is its
salt, as given). Without --plaintext the password is read from standard input; from a terminal it is
asked twice, without echo.
)";

// One line from a terminal without echo.
std::string read_hidden(const char* prompt) {
    std::cerr << prompt;
    termios before{};
    tcgetattr(STDIN_FILENO, &before);
    termios quiet = before;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string line;
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSANOW, &before);
    std::cerr << "\n";
    return line;
}

std::string read_plaintext() {
    if (isatty(STDIN_FILENO)) {
        const std::string password = read_hidden("Enter password: ");
        if (read_hidden("Confirm password: ") != password) throw UsageError("password does not match");
        if (password.empty()) throw UsageError("plaintext is required");
        return password;
    }
    std::string line;
    if (!std::getline(std::cin, line) || line.empty()) throw UsageError("plaintext is required");
    return line;
}

int hash_password(int argc, char** argv) {
    const Flags flags(argc, argv, 2, {{"plaintext", true}, {"algorithm", true}, {"salt", true}});
    const std::string algorithm = flags.value("algorithm").value_or("bcrypt");
    if (algorithm != "bcrypt" && algorithm != "scrypt") throw UsageError("unrecognized hash algorithm: " + algorithm);
    const std::string plaintext = flags.value("plaintext").value_or("");
    const json spec = {{"algorithm", algorithm}};
    const PasswordHash hash = PasswordHash::from_json(&spec, "algorithm");
    std::cout << hash.hash(plaintext.empty() ? read_plaintext() : plaintext, flags.value("salt").value_or("")) << "\n";
    return ok;
}

} // namespace

int hash_password_command(int argc, char** argv) { return guarded("hash-password", hash_password_help, argc, argv, hash_password); }

} // namespace proxflow::cli
