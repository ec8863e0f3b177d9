#include "policy_list_model.hpp"

#include "handler_catalogue.hpp"

#include <algorithm>

namespace proxflow::ui {
namespace {

constexpr int remote_poll_ms = 2000;
const QString header_key_prefix = QStringLiteral("{http.request.header."); // the Caddyfile's `key header X`

// Walks handlers in document order, as the engine builds them: a route's handle list in order,
// a subroute's or handle_response's routes where their handler stands.
void collect(const json& at, const QString& path, const RateLimitRef& base, int& unnamed, QList<RateLimitRef>& out) {
    if (at.is_object()) {
        if (at.value("handler", "") == rate_limit_handler) {
            RateLimitRef ref = base;
            ref.path = path;
            ref.handler = &at;
            const json zone = at.value("zone", json());
            ref.zoneNamed = zone.is_string() && !zone.get<std::string>().empty();
            ref.zone = ref.zoneNamed ? QString::fromStdString(zone.get<std::string>()) : QStringLiteral("rate_limit%1").arg(unnamed++);
            out << ref;
            return;
        }
        for (const auto& [key, value] : at.items())
            if (key != "match") collect(value, path + QLatin1Char('.') + QString::fromStdString(key), base, unnamed, out);
    } else if (at.is_array()) {
        for (std::size_t i = 0; i < at.size(); ++i) collect(at[i], path + QStringLiteral("[%1]").arg(i), base, unnamed, out);
    }
}

QString rateText(const json& handler, const std::optional<RateLimitConfig>& config) {
    if (config) return QString::fromStdString(config->rate.text()) + (config->rate.per == std::chrono::seconds(1) ? QStringLiteral("/s") : QString());
    const json rate = handler.value("rate", json());
    return rate.is_string() ? QString::fromStdString(rate.get<std::string>()) : QString::fromStdString(rate.dump());
}

QString keyText(const QString& key) {
    const QString header = headerOfKey(key);
    return header.isEmpty() ? key : QStringLiteral("header ") + header;
}

} // namespace

std::optional<RateLimitConfig> rateLimitConfigOf(const json& handler, const QString& path) {
    try {
        ObjectReader r(handler, path.toStdString());
        r.skip("handler");
        return RateLimitConfig::from_json(r);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

QString headerOfKey(const QString& key) {
    if (!key.startsWith(header_key_prefix) || !key.endsWith(QLatin1Char('}')) || key.count(QLatin1Char('{')) != 1) return {};
    return key.mid(header_key_prefix.size(), key.size() - header_key_prefix.size() - 1);
}

QString keyOfHeader(const QString& header) { return header_key_prefix + header.trimmed() + QLatin1Char('}'); }

QString policySummary(const json& handler) {
    const RateLimitConfig defaults;
    const auto config = rateLimitConfigOf(handler);
    const json reject = handler.value("reject", json(defaults.reject));
    QString text = QObject::tr("%1 per %2").arg(rateText(handler, config), keyText(QString::fromStdString(config ? config->key : handler.value("key", defaults.key))));
    if (reject != json(defaults.reject)) text += QStringLiteral(", ") + QString::fromStdString(reject.is_string() ? reject.get<std::string>() : reject.dump());
    return text;
}

QList<RateLimitRef> rateLimitsOf(const json& root) {
    QList<RateLimitRef> out;
    const json* servers = JsonPath(QStringLiteral("apps.http.servers")).find(root);
    if (!servers || !servers->is_object()) return out;
    int unnamed = 0;
    for (const auto& [name, server] : servers->items()) {
        const QString serverPath = QStringLiteral("apps.http.servers.") + QString::fromStdString(name);
        if (!server.is_object() || !server.contains("routes") || !server["routes"].is_array()) continue;
        const json& routes = server["routes"]; // refs point into the document
        for (std::size_t i = 0; i < routes.size(); ++i) {
            const QString match = routeMatchLabel(routes[i]);
            RateLimitRef base;
            base.site = QString::fromStdString(name);
            base.routePath = serverPath + QStringLiteral(".routes[%1]").arg(i);
            base.route = QStringLiteral("#%1 ").arg(i + 1) + (match.isEmpty() ? QObject::tr("every request") : match);
            if (routes[i].is_object() && routes[i].contains("handle"))
                collect(routes[i]["handle"], base.routePath + QStringLiteral(".handle"), base, unnamed, out);
        }
    }
    return out;
}

PolicyListModel::PolicyListModel(QObject* parent)
    : RowListModel({"path", "site", "routePath", "route", "zone", "zoneNamed", "algorithm", "rate", "key", "reject", "valid", "live",
                    "allowedPerSecond", "delayedPerSecond", "rejectedPerSecond", "keys"},
                   parent) {
    remotePoll_.setInterval(remote_poll_ms);
    connect(&remotePoll_, &QTimer::timeout, this, &PolicyListModel::pollRemote);
}

void PolicyListModel::setDocument(ConfigDocument* document) {
    if (document_ == document) return;
    if (document_) disconnect(document_, nullptr, this, nullptr);
    document_ = document;
    if (document_) connect(document_, &ConfigDocument::changed, this, &PolicyListModel::refresh);
    refresh();
    emit documentChanged();
}

void PolicyListModel::setEngine(EngineBridge* engine) {
    if (engine_ == engine) return;
    if (engine_) disconnect(engine_, nullptr, this, nullptr);
    engine_ = engine;
    if (engine_)
        connect(engine_, &EngineBridge::moduleStatusRead, this, [this](const QString& path, const json& status, qint64 at) {
            if (!fromRemote_ && path == QLatin1String(zones_path)) updateStatus(status, at);
        });
    restartLive();
    emit sourceChanged();
}

void PolicyListModel::setRemote(RemoteAdmin* remote) {
    if (remote_ == remote) return;
    if (remote_) disconnect(remote_, nullptr, this, nullptr);
    remote_ = remote;
    if (remote_) {
        connect(remote_, &RemoteAdmin::statusRead, this, [this](const QString& path, const json& status, qint64 at) {
            if (fromRemote_ && path == QLatin1String(zones_path)) updateStatus(status, at);
        });
        connect(remote_, &RemoteAdmin::statusFailed, this, [this](const QString& path, const QString& error) {
            if (!fromRemote_ || path != QLatin1String(zones_path)) return;
            zones_.clear();
            liveProblem_ = tr("no live rates: %1").arg(error);
            refresh();
            emit liveChanged();
        });
        connect(remote_, &RemoteAdmin::addressChanged, this, [this] {
            if (fromRemote_) restartLive();
        });
    }
    restartLive();
    emit sourceChanged();
}

void PolicyListModel::setFromRemote(bool remote) {
    if (remote == fromRemote_) return;
    fromRemote_ = remote;
    restartLive();
    emit sourceChanged();
}

// A new source: rates start again from its next two reads.
void PolicyListModel::restartLive() {
    zones_.clear();
    liveProblem_.clear();
    if (fromRemote_ && remote_) {
        remotePoll_.start();
        pollRemote();
    } else {
        remotePoll_.stop();
    }
    refresh();
    emit liveChanged();
}

void PolicyListModel::pollRemote() {
    if (remote_) remote_->fetchStatus(QLatin1String(zones_path));
}

void PolicyListModel::updateStatus(const json& zones, qint64 readAtMs) {
    std::map<QString, ZoneRates> next;
    if (zones.is_array()) {
        for (const auto& z : zones) {
            if (!z.is_object()) continue;
            const QString name = QString::fromStdString(z.value("zone", ""));
            ZoneRates now;
            now.readAtMs = readAtMs;
            now.allowed = z.value("allowed", 0.0);
            now.rejected = z.value("rejected", 0.0);
            now.delayed = z.value("delayed", 0.0);
            now.dropped = z.value("dropped", 0.0);
            now.keys = z.value("keys", 0);
            const auto before = zones_.find(name);
            // A counter that went back means the server restarted: its rates start again.
            if (before != zones_.end() && readAtMs > before->second.readAtMs && now.allowed >= before->second.allowed &&
                now.rejected >= before->second.rejected && now.delayed >= before->second.delayed && now.dropped >= before->second.dropped) {
                const double seconds = double(readAtMs - before->second.readAtMs) / 1000.0;
                now.allowedPerSecond = (now.allowed - before->second.allowed) / seconds;
                now.delayedPerSecond = (now.delayed - before->second.delayed) / seconds;
                now.rejectedPerSecond = (now.rejected + now.dropped - before->second.rejected - before->second.dropped) / seconds;
                now.rated = true;
            }
            next[name] = now;
        }
    }
    zones_ = std::move(next);
    liveProblem_.clear();
    refresh();
    emit liveChanged();
}

double PolicyListModel::allowedPerSecond() const {
    double sum = 0;
    for (const auto& [name, z] : zones_) sum += z.allowedPerSecond;
    return sum;
}

double PolicyListModel::rejectedPerSecond() const {
    double sum = 0;
    for (const auto& [name, z] : zones_) sum += z.rejectedPerSecond;
    return sum;
}

void PolicyListModel::refresh() {
    QList<QVariantMap> rows;
    if (document_) {
        const RateLimitConfig defaults;
        for (const RateLimitRef& ref : rateLimitsOf(document_->root())) {
            const json& h = *ref.handler;
            const auto config = rateLimitConfigOf(h, ref.path);
            const QString algorithm =
                QString::fromStdString(config ? std::string(algorithm_name(config->algorithm)) : h.value("algorithm", std::string(algorithm_name(defaults.algorithm))));
            const QString key = QString::fromStdString(config ? config->key : h.value("key", defaults.key));
            const json reject = h.value("reject", json(defaults.reject));
            const auto zone = zones_.find(ref.zone);
            const bool live = zone != zones_.end();
            rows << QVariantMap{{"path", ref.path},
                                {"site", ref.site},
                                {"routePath", ref.routePath},
                                {"route", ref.route},
                                {"zone", ref.zone},
                                {"zoneNamed", ref.zoneNamed},
                                {"algorithm", algorithm},
                                {"rate", rateText(h, config)},
                                {"key", keyText(key)},
                                {"reject", QString::fromStdString(reject.is_string() ? reject.get<std::string>() : reject.dump())},
                                {"valid", config.has_value()},
                                {"live", live && zone->second.rated},
                                {"allowedPerSecond", live ? zone->second.allowedPerSecond : 0.0},
                                {"delayedPerSecond", live ? zone->second.delayedPerSecond : 0.0},
                                {"rejectedPerSecond", live ? zone->second.rejectedPerSecond : 0.0},
                                {"keys", live ? zone->second.keys : 0}};
        }
    }
    setRows(std::move(rows));
}

int PolicyListModel::rowOf(const QString& path) const {
    for (int i = 0; i < rowCount(); ++i)
        if (rows()[i].value(QStringLiteral("path")).toString() == path) return i;
    return -1;
}

QString PolicyListModel::attach(const QString& path) {
    return document_ ? document_->attachHandler(path, QLatin1String(rate_limit_handler)) : QString();
}

} // namespace proxflow::ui
