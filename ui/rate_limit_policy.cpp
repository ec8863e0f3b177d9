#include "rate_limit_policy.hpp"

#include "handler_catalogue.hpp"
#include "policy_list_model.hpp"

namespace proxflow::ui {
namespace {

constexpr auto first_header = "X-Tenant"; // what a new header key starts as, to be typed over

QString duration(std::chrono::nanoseconds d) { return QString::fromStdString(format_duration(d)); }

QVariantList choiceList(const QStringList& values, const std::function<QString(const QString&)>& label) {
    QVariantList out;
    for (const QString& v : values) out << QVariantMap{{"value", v}, {"label", label(v)}};
    return out;
}

} // namespace

RateLimitPolicy::RateLimitPolicy(QObject* parent) : QObject(parent) {}

void RateLimitPolicy::setDocument(ConfigDocument* document) {
    if (document_ == document) return;
    if (document_) disconnect(document_, nullptr, this, nullptr);
    document_ = document;
    if (document_) connect(document_, &ConfigDocument::changed, this, &RateLimitPolicy::changed);
    emit documentChanged();
    emit changed();
}

void RateLimitPolicy::setHandlerPath(const QString& path) {
    if (path == handlerPath_) return;
    handlerPath_ = path;
    emit handlerPathChanged();
    emit changed();
}

const json* RateLimitPolicy::handler() const {
    if (!document_ || handlerPath_.isEmpty()) return nullptr;
    const json* h = JsonPath(handlerPath_).find(document_->root());
    return h && h->is_object() ? h : nullptr;
}

QString RateLimitPolicy::field(const char* name) const {
    const json* h = handler();
    if (!h || !h->contains(name) || !(*h)[name].is_string()) return {};
    return QString::fromStdString((*h)[name].get<std::string>());
}

void RateLimitPolicy::write(const std::function<void(json& handler)>& change) {
    if (!document_ || !handler()) return;
    const JsonPath at(handlerPath_);
    document_->edit([&](json& root) { change(at.make(root)); });
}

QVariantList RateLimitPolicy::algorithms() const {
    return choiceList(HandlerCatalogue::choicesOf(rate_limit_handler, "algorithm"), [](const QString& v) {
        QString label = v;
        return label.replace(QLatin1Char('_'), QLatin1Char(' '));
    });
}

QVariantList RateLimitPolicy::keyKinds() const {
    QStringList kinds = HandlerCatalogue::choicesOf(rate_limit_handler, "key");
    kinds << QStringLiteral("header") << QStringLiteral("placeholder");
    return choiceList(kinds, [](const QString& v) {
        if (v == QLatin1String("ip")) return tr("client IP");
        if (v == QLatin1String("user")) return tr("authenticated user");
        if (v == QLatin1String("api_key")) return tr("API key");
        if (v == QLatin1String("header")) return tr("a request header");
        if (v == QLatin1String("placeholder")) return tr("a placeholder");
        return v;
    });
}

QVariantList RateLimitPolicy::rejectKinds() const {
    // The catalogue's choices, with its status (429) standing for "answer with a status".
    QStringList kinds;
    for (const QString& v : HandlerCatalogue::choicesOf(rate_limit_handler, "reject")) {
        bool number = false;
        v.toInt(&number);
        kinds << (number ? QStringLiteral("status") : v);
    }
    return choiceList(kinds, [](const QString& v) {
        if (v == QLatin1String("status")) return tr("answer 429 (or a status)");
        if (v == QLatin1String("delay")) return tr("delay until allowed");
        if (v == QLatin1String("drop")) return tr("drop the connection");
        return v;
    });
}

QString RateLimitPolicy::algorithm() const {
    const QString written = field("algorithm");
    return written.isEmpty() ? QString::fromStdString(std::string(algorithm_name(RateLimitConfig{}.algorithm))) : written;
}

void RateLimitPolicy::setAlgorithm(const QString& value) {
    if (value == algorithm() && handler() && handler()->contains("algorithm")) return;
    const std::string name = value.toStdString();
    const bool sliding = name == algorithm_name(RateLimitConfig::Algorithm::sliding_window);
    write([&](json& h) {
        if (name == algorithm_name(RateLimitConfig{}.algorithm)) h.erase("algorithm");
        else h["algorithm"] = name;
        // What the new algorithm has no use for goes with the choice (the engine would refuse it).
        h.erase(sliding ? "burst" : "window");
    });
}

bool RateLimitPolicy::usesBurst() const { return algorithm().toStdString() != algorithm_name(RateLimitConfig::Algorithm::sliding_window); }
bool RateLimitPolicy::usesWindow() const { return !usesBurst(); }

QString RateLimitPolicy::keyKind() const {
    const json* h = handler();
    const QString key = h && h->contains("key") && (*h)["key"].is_string() ? QString::fromStdString((*h)["key"].get<std::string>())
                                                                           : QString::fromStdString(RateLimitConfig{}.key);
    if (HandlerCatalogue::choicesOf(rate_limit_handler, "key").contains(key)) return key;
    return headerOfKey(key).isEmpty() ? QStringLiteral("placeholder") : QStringLiteral("header");
}

void RateLimitPolicy::setKeyKind(const QString& kind) {
    if (kind == keyKind()) return;
    const QString header = keyHeader();
    write([&](json& h) {
        if (kind == QLatin1String("header")) h["key"] = keyOfHeader(QLatin1String(first_header)).toStdString();
        else if (kind == QLatin1String("placeholder")) h["key"] = "{http.request.remote.host}";
        else if (kind.toStdString() == RateLimitConfig{}.key) h.erase("key");
        else h["key"] = kind.toStdString();
        if (kind != QLatin1String("api_key")) {
            h.erase("api_key_header");
            h.erase("api_key_query");
        }
    });
}

QString RateLimitPolicy::keyHeader() const { return headerOfKey(field("key")); }

void RateLimitPolicy::setKeyHeader(const QString& name) {
    if (name == keyHeader()) return;
    write([&](json& h) { h["key"] = keyOfHeader(name).toStdString(); });
}

QString RateLimitPolicy::rejectKind() const {
    const json* h = handler();
    const json reject = h ? h->value("reject", json()) : json();
    if (reject.is_string() && (reject == "delay" || reject == "drop")) return QString::fromStdString(reject.get<std::string>());
    return QStringLiteral("status");
}

void RateLimitPolicy::setRejectKind(const QString& kind) {
    if (kind == rejectKind()) return;
    write([&](json& h) {
        if (kind == QLatin1String("status")) h.erase("reject"); // the engine's default, 429
        else h["reject"] = kind.toStdString();
        if (kind != QLatin1String("delay")) h.erase("max_delay");
    });
}

bool RateLimitPolicy::distributed() const {
    const json* h = handler();
    return h && h->contains("distributed");
}

void RateLimitPolicy::setDistributed(bool on) {
    if (on == distributed()) return;
    write([&](json& h) {
        if (on) h["distributed"] = json::object(); // Redis at the engine's default address
        else h.erase("distributed");
    });
}


QVariantMap RateLimitPolicy::defaults() const {
    const RateLimitConfig fresh;
    const DistributedConfig shared;
    QVariantMap out{{"window", duration(fresh.window_length())},
                    {"max_delay", duration(fresh.max_delay)},
                    {"max_keys", QString::number(fresh.max_keys)},
                    {"api_key_header", QString::fromStdString(fresh.api_key_header)},
                    {"api_key_query", QString::fromStdString(fresh.api_key_query)},
                    {"address", QString::fromStdString(shared.redis.address)},
                    {"sync_interval", duration(shared.sync_interval)},
                    {"status", QString::number(fresh.reject_status())}};
    if (document_)
        for (const RateLimitRef& ref : rateLimitsOf(document_->root()))
            if (ref.path == handlerPath_) out["zone"] = ref.zone;
    if (auto config = (handler() ? rateLimitConfigOf(*handler(), handlerPath_) : std::nullopt)) {
        config->burst.reset();
        out["burst"] = QString::number(config->bucket_size());
    }
    return out;
}

QString RateLimitPolicy::summary() const {
    const auto c = (handler() ? rateLimitConfigOf(*handler(), handlerPath_) : std::nullopt);
    if (!c) return {};
    const QString rate = QString::number(c->rate.per_second(), 'g', 4);
    QString who;
    const QString key = QString::fromStdString(c->key);
    if (key == QLatin1String("ip")) who = tr("client IP");
    else if (key == QLatin1String("user")) who = tr("user");
    else if (key == QLatin1String("api_key")) who = tr("API key");
    else if (!headerOfKey(key).isEmpty()) who = tr("%1 header").arg(headerOfKey(key));
    else who = key;
    QString rule;
    switch (c->algorithm) {
    case RateLimitConfig::Algorithm::token_bucket:
        rule = tr("%1 requests/s per %2, bursts up to %3").arg(rate, who).arg(c->bucket_size());
        break;
    case RateLimitConfig::Algorithm::leaky_bucket:
        rule = tr("%1 requests/s per %2, leaving evenly, %3 may wait").arg(rate, who).arg(c->bucket_size());
        break;
    case RateLimitConfig::Algorithm::sliding_window:
        rule = tr("at most %1 requests per %2 in any %3").arg(c->window_limit()).arg(who, duration(c->window_length()));
        break;
    }
    const QString past = c->delays() ? tr("past it, requests wait up to %1 (then %2)").arg(duration(c->max_delay)).arg(c->reject_status())
                         : c->drops() ? tr("past it, the connection is closed without an answer")
                                      : tr("past it, %1 with Retry-After").arg(c->reject_status());
    QString text = rule + QStringLiteral("; ") + past + QLatin1Char('.');
    text[0] = text[0].toUpper();
    if (c->distributed)
        text += QLatin1Char(' ') + (c->distributed->sync_interval.count() == 0
                                        ? tr("Shared through Redis at %1, every request decided there.").arg(QString::fromStdString(c->distributed->redis.address))
                                        : tr("Shared through Redis at %1, synced every %2.")
                                              .arg(QString::fromStdString(c->distributed->redis.address), duration(c->distributed->sync_interval)));
    return text;
}

} // namespace proxflow::ui
