#include "site_list_model.hpp"

#include "config_document.hpp"

namespace proxflow::ui {

SiteListModel::SiteListModel(QObject* parent)
    : RowListModel({"name", "path", "listen", "hosts", "routeCount", "requests", "errors"}, parent) {}

void SiteListModel::setDocument(ConfigDocument* document) {
    if (document_ == document) return;
    if (document_) disconnect(document_, nullptr, this, nullptr);
    document_ = document;
    if (document_) connect(document_, &ConfigDocument::changed, this, &SiteListModel::refresh);
    refresh();
    emit documentChanged();
}

void SiteListModel::updateLive(const metrics::Snapshot& snapshot) {
    live_ = snapshot.servers;
    refresh();
}

int SiteListModel::indexOf(const QString& name) const {
    for (int i = 0; i < rows().size(); ++i)
        if (rows()[i].value(QStringLiteral("name")).toString() == name) return i;
    return -1;
}

void SiteListModel::refresh() {
    QList<QVariantMap> rows;
    const json* servers = document_ ? JsonPath(QStringLiteral("apps.http.servers")).find(document_->root()) : nullptr;
    if (servers && servers->is_object()) {
        for (const auto& [name, server] : servers->items()) {
            QStringList listen, hosts;
            if (server.contains("listen") && server["listen"].is_array())
                for (const auto& l : server["listen"]) listen << QString::fromStdString(l.is_string() ? l.get<std::string>() : l.dump());
            int routes = 0;
            if (server.contains("routes") && server["routes"].is_array()) {
                routes = static_cast<int>(server["routes"].size());
                for (const auto& route : server["routes"])
                    if (route.contains("match") && route["match"].is_array())
                        for (const auto& set : route["match"])
                            if (set.is_object() && set.contains("host") && set["host"].is_array())
                                for (const auto& h : set["host"])
                                    if (h.is_string() && !hosts.contains(QString::fromStdString(h.get<std::string>())))
                                        hosts << QString::fromStdString(h.get<std::string>());
            }
            QVariantMap row{{"name", QString::fromStdString(name)},
                            {"path", QStringLiteral("apps.http.servers.") + QString::fromStdString(name)},
                            {"listen", listen.join(QStringLiteral(", "))},
                            {"hosts", hosts.isEmpty() ? tr("any host") : hosts.join(QStringLiteral(", "))},
                            {"routeCount", routes},
                            {"requests", 0},
                            {"errors", 0}};
            for (const auto& stats : live_) {
                if (stats.name != name) continue;
                row["requests"] = QVariant::fromValue(static_cast<qulonglong>(stats.requests));
                row["errors"] = QVariant::fromValue(static_cast<qulonglong>(stats.status_classes[4]));
            }
            rows << row;
        }
    }
    setRows(std::move(rows));
}

} // namespace proxflow::ui
