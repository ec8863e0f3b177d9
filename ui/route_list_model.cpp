#include "route_list_model.hpp"

#include "config_document.hpp"
#include "handler_catalogue.hpp"
#include "policy_list_model.hpp"

namespace proxflow::ui {
namespace {

QStringList strings(const json& match, const char* key) {
    QStringList out;
    if (!match.is_array()) return out;
    for (const auto& set : match) {
        if (!set.is_object() || !set.contains(key)) continue;
        const json& v = set[key];
        if (v.is_array()) {
            for (const auto& s : v) out << QString::fromStdString(s.is_string() ? s.get<std::string>() : s.dump());
        } else if (v.is_object()) {
            for (const auto& [name, values] : v.items())
                out << QString::fromStdString(name) + QStringLiteral(": ") +
                           QString::fromStdString(values.is_array() && !values.empty() && values[0].is_string()
                                                      ? values[0].get<std::string>()
                                                      : values.dump());
        }
    }
    return out;
}

QString kindOf(const json& handler) {
    const std::string name = handler.value("handler", "");
    if (name == "static_response" && handler.contains("headers") && handler["headers"].contains("Location")) return QStringLiteral("redirect");
    return QString::fromStdString(name);
}

QString summaryOf(const json& handler) {
    const QString kind = kindOf(handler);
    if (kind == QLatin1String("reverse_proxy")) {
        QStringList dials;
        if (handler.contains("upstreams") && handler["upstreams"].is_array())
            for (const auto& u : handler["upstreams"]) dials << QString::fromStdString(u.value("dial", ""));
        return dials.isEmpty() ? QObject::tr("no upstreams yet") : QStringLiteral("→ ") + dials.join(QStringLiteral(", "));
    }
    if (kind == QLatin1String("redirect"))
        return QStringLiteral("%1 → %2").arg(handler.value("status_code", json(302)).dump().c_str(),
                                              QString::fromStdString(handler["headers"]["Location"].dump()));
    if (kind == QLatin1String("static_response"))
        return QStringLiteral("%1 %2").arg(QString::fromStdString(handler.value("status_code", json(200)).dump()),
                                            QString::fromStdString(handler.value("body", "")).left(40).trimmed());
    if (HandlerCatalogue::isPolicy(kind)) return policySummary(handler);
    return {}; // the handler's name beside it says what it is
}

} // namespace

RouteListModel::RouteListModel(QObject* parent)
    : RowListModel({"path", "handlerPath", "hosts", "paths", "headers", "handler", "summary", "policies"}, parent) {}

void RouteListModel::setDocument(ConfigDocument* document) {
    if (document_ == document) return;
    if (document_) disconnect(document_, nullptr, this, nullptr);
    document_ = document;
    if (document_) connect(document_, &ConfigDocument::changed, this, &RouteListModel::refresh);
    refresh();
    emit documentChanged();
}

void RouteListModel::setServerName(const QString& name) {
    if (name == serverName_) return;
    serverName_ = name;
    refresh();
    emit serverNameChanged();
}

void RouteListModel::refresh() {
    QList<QVariantMap> rows;
    const QString base = QStringLiteral("apps.http.servers.%1.routes").arg(serverName_);
    const json* routes = document_ && !serverName_.isEmpty() ? JsonPath(base).find(document_->root()) : nullptr;
    if (routes && routes->is_array()) {
        for (std::size_t i = 0; i < routes->size(); ++i) {
            const json& route = (*routes)[i];
            const json match = route.value("match", json::array());
            const QString path = base + QStringLiteral("[%1]").arg(i);
            // What the route does; the policies in front of it are listed apart.
            const int main = document_->mainHandlerIndex(path);
            const json handle = route.value("handle", json::array());
            const json handler = handle.is_array() && main < int(handle.size()) ? handle[main] : json::object();
            QStringList policies;
            if (handle.is_array())
                for (int h = 0; h < int(handle.size()); ++h)
                    if (h != main && handle[h].is_object() && HandlerCatalogue::isPolicy(QString::fromStdString(handle[h].value("handler", ""))))
                        policies << policySummary(handle[h]);
            const QStringList hosts = strings(match, "host");
            const QStringList paths = strings(match, "path");
            rows << QVariantMap{{"path", path},
                                {"handlerPath", path + QStringLiteral(".handle[%1]").arg(main)},
                                {"hosts", hosts.join(QStringLiteral(", "))},
                                {"paths", paths.isEmpty() ? QStringLiteral("/*") : paths.join(QStringLiteral(", "))},
                                {"headers", strings(match, "header").join(QStringLiteral("; "))},
                                {"handler", kindOf(handler)},
                                {"summary", summaryOf(handler)},
                                {"policies", policies.join(QStringLiteral("; "))}};
        }
    }
    setRows(std::move(rows));
}

} // namespace proxflow::ui
