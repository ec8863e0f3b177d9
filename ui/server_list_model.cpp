#include "server_list_model.hpp"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace proxflow::ui {

ServerListModel::ServerListModel(QObject* parent) : RowListModel({"address", "local"}, parent) { refresh({}); }

QStringList ServerListModel::remoteAddresses() const {
    QStringList out;
    for (const auto& row : rows())
        if (!row.value(QStringLiteral("local")).toBool()) out << row.value(QStringLiteral("address")).toString();
    return out;
}

void ServerListModel::refresh(const QStringList& remotes) {
    QList<QVariantMap> out{{{"address", tr("embedded engine")}, {"local", true}}};
    for (const QString& address : remotes) out << QVariantMap{{"address", address}, {"local", false}};
    setRows(std::move(out));
}

int ServerListModel::add(const QString& address) {
    const QString trimmed = address.trimmed();
    if (trimmed.isEmpty()) return -1;
    QStringList remotes = remoteAddresses();
    const qsizetype known = remotes.indexOf(trimmed);
    if (known >= 0) return int(known) + 1;
    remotes << trimmed;
    refresh(remotes);
    if (persistent_) save();
    return int(remotes.size());
}

int ServerListModel::rowOf(const QString& address) const { return int(remoteAddresses().indexOf(address.trimmed())) + 1; }

void ServerListModel::remove(int row) {
    QStringList remotes = remoteAddresses();
    if (row < 1 || row > remotes.size()) return;
    remotes.removeAt(row - 1);
    refresh(remotes);
    if (persistent_) save();
}

QString ServerListModel::defaultFile() {
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/servers.json");
}

bool ServerListModel::save(const QString& file) const {
    const QString target = file.isEmpty() ? defaultFile() : file;
    QDir().mkpath(QFileInfo(target).absolutePath());
    nlohmann::json out = nlohmann::json::array();
    for (const QString& address : remoteAddresses()) out.push_back(address.toStdString());
    QSaveFile f(target);
    if (!f.open(QIODevice::WriteOnly)) return false;
    f.write(QByteArray::fromStdString(out.dump(2)));
    return f.commit();
}

bool ServerListModel::restore(const QString& file) {
    QFile f(file.isEmpty() ? defaultFile() : file);
    if (!f.open(QIODevice::ReadOnly)) return false;
    const auto parsed = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
    if (!parsed.is_array()) return false;
    QStringList remotes;
    for (const auto& address : parsed)
        if (address.is_string() && !remotes.contains(QString::fromStdString(address.get<std::string>())))
            remotes << QString::fromStdString(address.get<std::string>());
    refresh(remotes);
    return true;
}

} // namespace proxflow::ui
