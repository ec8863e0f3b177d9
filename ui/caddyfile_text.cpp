#include "caddyfile_text.hpp"

#include "caddyfile/adapter.hpp"
#include "caddyfile/exporter.hpp"

#include <algorithm>

namespace proxflow::ui {

QString configText(const nlohmann::json& config) {
    try {
        return QString::fromStdString(caddyfile::export_caddyfile(config).caddyfile);
    } catch (const std::exception& e) {
        return QStringLiteral("# cannot export this config as a Caddyfile: %1\n").arg(QString::fromStdString(e.what())) +
               QString::fromStdString(config.dump(2));
    }
}

AdaptResult adaptText(const QString& text, const QString& filename) {
    AdaptResult result;
    const std::string body = text.toStdString();
    const QString trimmed = text.trimmed();
    if (filename.endsWith(QLatin1String(".json")) || trimmed.startsWith(QLatin1Char('{'))) {
        try {
            result.config = nlohmann::json::parse(body);
        } catch (const nlohmann::json::parse_error& e) {
            result.error = QString::fromStdString(e.what());
            result.line = 1 + static_cast<int>(std::count(body.begin(), body.begin() + std::min(body.size(), e.byte), '\n'));
        }
        return result;
    }
    try {
        result.config = caddyfile::adapt(body, filename.toStdString());
    } catch (const caddyfile::AdaptError& e) {
        result.error = QString::fromStdString(e.what());
        result.line = e.line;
    } catch (const std::exception& e) {
        result.error = QString::fromStdString(e.what());
    }
    return result;
}

} // namespace proxflow::ui
