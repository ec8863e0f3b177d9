#include "ui_state.hpp"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace proxflow::ui {

UiState::UiState(QObject* parent) : QObject(parent) {}

void UiState::setCurrentView(const QString& view) {
    if (view == currentView_) return;
    currentView_ = view;
    emit currentViewChanged();
}

void UiState::setCurrentSite(const QString& site) {
    if (site == currentSite_) return;
    currentSite_ = site;
    emit currentSiteChanged();
}

void UiState::setDark(bool dark) {
    if (dark == dark_) return;
    dark_ = dark;
    emit darkChanged();
}

QString UiState::defaultFile() {
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/ui-state.json");
}

bool UiState::save(const QString& file) const {
    const QString target = file.isEmpty() ? defaultFile() : file;
    QDir().mkpath(QFileInfo(target).absolutePath());
    const nlohmann::json out = {{"view", currentView_.toStdString()}, {"site", currentSite_.toStdString()}, {"dark", dark_}};
    QSaveFile f(target);
    if (!f.open(QIODevice::WriteOnly)) return false;
    f.write(QByteArray::fromStdString(out.dump(2)));
    return f.commit();
}

bool UiState::restore(const QString& file) {
    QFile f(file.isEmpty() ? defaultFile() : file);
    if (!f.open(QIODevice::ReadOnly)) return false;
    const auto parsed = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
    if (!parsed.is_object()) return false;
    const auto text = [&parsed](const char* key) {
        const auto it = parsed.find(key);
        return it != parsed.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
    };
    if (!text("view").isEmpty()) setCurrentView(text("view"));
    setCurrentSite(text("site"));
    const auto dark = parsed.find("dark");
    setDark(dark != parsed.end() && dark->is_boolean() && dark->get<bool>());
    return true;
}

} // namespace proxflow::ui
