#include "caddyfile_text.hpp"

#include <QObject>

#include <algorithm>

// ui/CMakeLists.txt defines these once the engine has the functions' definitions, not just headers.
#ifdef PROXFLOW_UI_HAVE_ADAPTER
#include "caddyfile/adapter.hpp"
#endif
#ifdef PROXFLOW_UI_HAVE_EXPORTER
#include PROXFLOW_UI_EXPORTER_HEADER
#endif

namespace proxflow::ui {

bool haveCaddyfileExporter() {
#ifdef PROXFLOW_UI_HAVE_EXPORTER
    return true;
#else
    return false;
#endif
}

bool haveCaddyfileAdapter() {
#ifdef PROXFLOW_UI_HAVE_ADAPTER
    return true;
#else
    return false;
#endif
}

QString configText(const nlohmann::json& config) {
#ifdef PROXFLOW_UI_HAVE_EXPORTER
    try {
        return QString::fromStdString(caddyfile::export_caddyfile(config).caddyfile);
    } catch (const std::exception& e) {
        return QStringLiteral("# cannot export this config as a Caddyfile: %1\n").arg(QString::fromStdString(e.what())) +
               QString::fromStdString(config.dump(2));
    }
#else
    return QString::fromStdString(config.dump(2));
#endif
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
#ifdef PROXFLOW_UI_HAVE_ADAPTER
    try {
        result.config = caddyfile::adapt(body, filename.toStdString());
    } catch (const caddyfile::AdaptError& e) {
        result.error = QString::fromStdString(e.what());
        result.line = e.line;
    } catch (const std::exception& e) {
        result.error = QString::fromStdString(e.what());
    }
#else
    result.error = QObject::tr("this build has no Caddyfile adapter yet; import a JSON config instead");
#endif
    return result;
}

} // namespace proxflow::ui
