#include "tls/acme/account.hpp"

namespace proxflow::tls::acme {

awaitable<void> register_account(Session& session, const std::string& email, const ExternalAccount& eab) {
    const Directory dir = co_await session.directory();
    if (dir.external_account_required && eab.empty())
        throw AcmeError("urn:ietf:params:acme:error:externalAccountRequired",
                        session.directory_url() + " requires an external account binding (external_account)");
    json payload = {{"termsOfServiceAgreed", true}};
    if (!email.empty()) payload["contact"] = json::array({"mailto:" + email});
    if (!eab.empty()) payload["externalAccountBinding"] = external_account_binding(session.key(), eab.key_id, eab.mac_key, dir.new_account);
    session.account_url.clear(); // newAccount is signed with the JWK, not a kid
    const Reply reply = co_await session.post(dir.new_account, payload.dump());
    if (reply.location.empty()) throw AcmeError("", "POST " + dir.new_account + ": no account URL in Location");
    if (reply.body.is_object() && reply.body.value("status", "") != "valid")
        throw AcmeError("", "POST " + dir.new_account + ": account status is " + reply.body.value("status", "?"));
    session.account_url = reply.location;
}

} // namespace proxflow::tls::acme
