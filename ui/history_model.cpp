#include "history_model.hpp"

#include "caddyfile_text.hpp"
#include "json_path.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace proxflow::ui {
namespace {
constexpr std::size_t history_limit = 100;
}

HistoryModel::HistoryModel(QObject* parent) : RowListModel({"time", "note", "summary"}, parent) {}

void HistoryModel::add(const nlohmann::json& config, const QString& note) {
    entries_.insert(entries_.begin(), Entry{QDateTime::currentDateTime(), note, config});
    if (entries_.size() > history_limit) entries_.pop_back();
    refresh();
}

nlohmann::json HistoryModel::configAt(int row) const {
    return row >= 0 && row < static_cast<int>(entries_.size()) ? entries_[row].config : nlohmann::json();
}

QVariantList HistoryModel::diff(int older, int newer) const {
    const auto lines = [this](int row) {
        return row >= 0 && row < static_cast<int>(entries_.size()) ? configText(entries_[row].config).split(QLatin1Char('\n'))
                                                                   : QStringList();
    };
    return withContext(lineDiff(lines(older), lines(newer)), 3);
}

QVariantList withContext(const QVariantList& diff, int context) {
    const auto changed = [&diff](qsizetype i) { return diff[i].toMap().value(QStringLiteral("kind")).toString() != QLatin1String(" "); };
    std::vector<bool> keep(diff.size(), false);
    for (qsizetype i = 0; i < diff.size(); ++i)
        if (changed(i))
            for (qsizetype j = std::max<qsizetype>(0, i - context); j <= std::min(diff.size() - 1, i + context); ++j) keep[j] = true;
    QVariantList out;
    bool skipped = false;
    for (qsizetype i = 0; i < diff.size(); ++i) {
        if (!keep[i]) {
            skipped = true;
            continue;
        }
        if (skipped) out << QVariantMap{{"kind", "@"}, {"text", QStringLiteral("…")}};
        skipped = false;
        out << diff[i];
    }
    if (skipped && !out.isEmpty()) out << QVariantMap{{"kind", "@"}, {"text", QStringLiteral("…")}};
    return out;
}

QVariantList lineDiff(const QStringList& a, const QStringList& b) {
    const qsizetype n = a.size(), m = b.size();
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (qsizetype i = n - 1; i >= 0; --i)
        for (qsizetype j = m - 1; j >= 0; --j)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    QVariantList out;
    auto line = [&out](const char* kind, const QString& text) { out << QVariantMap{{"kind", kind}, {"text", text}}; };
    qsizetype i = 0, j = 0;
    while (i < n && j < m) {
        if (a[i] == b[j]) line(" ", a[i++]), ++j;
        else if (lcs[i + 1][j] >= lcs[i][j + 1]) line("-", a[i++]);
        else line("+", b[j++]);
    }
    while (i < n) line("-", a[i++]);
    while (j < m) line("+", b[j++]);
    return out;
}

QString HistoryModel::defaultFile() {
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/history.json");
}

bool HistoryModel::save(const QString& file) const {
    const QString target = file.isEmpty() ? defaultFile() : file;
    QDir().mkpath(QFileInfo(target).absolutePath());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : entries_)
        out.push_back({{"time", e.time.toString(Qt::ISODate).toStdString()}, {"note", e.note.toStdString()}, {"config", e.config}});
    QSaveFile f(target);
    if (!f.open(QIODevice::WriteOnly)) return false;
    f.write(QByteArray::fromStdString(out.dump()));
    return f.commit();
}

bool HistoryModel::restore(const QString& file) {
    QFile f(file.isEmpty() ? defaultFile() : file);
    if (!f.open(QIODevice::ReadOnly)) return false;
    const auto parsed = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
    if (!parsed.is_array()) return false;
    entries_.clear();
    for (const auto& e : parsed)
        if (e.is_object())
            entries_.push_back(Entry{QDateTime::fromString(QString::fromStdString(e.value("time", "")), Qt::ISODate),
                                     QString::fromStdString(e.value("note", "")), e.value("config", nlohmann::json::object())});
    refresh();
    return true;
}

void HistoryModel::refresh() {
    QList<QVariantMap> rows;
    for (const auto& e : entries_) {
        const auto* servers = JsonPath(QStringLiteral("apps.http.servers")).find(e.config);
        const int sites = servers && servers->is_object() ? static_cast<int>(servers->size()) : 0;
        rows << QVariantMap{{"time", e.time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))},
                            {"note", e.note},
                            {"summary", tr("%n site(s)", nullptr, sites)}};
    }
    setRows(std::move(rows));
}

} // namespace proxflow::ui
