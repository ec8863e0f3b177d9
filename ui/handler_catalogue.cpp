#include "handler_catalogue.hpp"

#include "module/registry.hpp"

#include <QFile>

namespace proxflow::ui {
namespace {

const json& catalogue() {
    static const json list = proxflow::handler_catalogue();
    return list;
}

// Where qt_add_qml_module puts qml/editors/*.qml (ui/CMakeLists.txt keeps their folder).
constexpr auto editors_dir = "/qt/qml/ProxFlow/Ui/editors/";
constexpr auto generic_editor = "GenericHandlerEditor";

QString editorFile(const QString& name) { return QLatin1String(editors_dir) + name + QStringLiteral(".qml"); }

} // namespace

HandlerCatalogue::HandlerCatalogue(QObject* parent)
    : RowListModel({"handler", "label", "runs", "proxflowOnly", "defaults", "choices", "editor", "hasEditor"}, parent) {
    QList<QVariantMap> rows;
    for (const auto& entry : catalogue()) {
        const QString handler = QString::fromStdString(entry.value("handler", ""));
        rows << QVariantMap{{"handler", handler},
                            {"label", QString::fromStdString(entry.value("label", ""))},
                            {"runs", entry.value("runs", false)},
                            {"proxflowOnly", entry.value("proxflow_only", false)},
                            {"defaults", toVariant(entry.value("default", json::object()))},
                            {"choices", toVariant(entry.value("choices", json::object()))},
                            {"editor", editorFor(handler)},
                            {"hasEditor", QFile::exists(QLatin1Char(':') + editorFile(editorName(handler)))}};
    }
    setRows(std::move(rows));
}

const json* HandlerCatalogue::find(const QString& handler) {
    const std::string name = handler.toStdString();
    for (const auto& entry : catalogue())
        if (entry.value("handler", "") == name) return &entry;
    return nullptr;
}

int HandlerCatalogue::indexOf(const QString& handler) const {
    for (int i = 0; i < rowCount(); ++i)
        if (rows()[i].value(QStringLiteral("handler")).toString() == handler) return i;
    return -1;
}

QStringList HandlerCatalogue::choices(const QString& handler, const QString& field) const { return choicesOf(handler, field); }

QStringList HandlerCatalogue::choicesOf(const QString& handler, const QString& field) {
    const json* entry = find(handler);
    if (!entry || !entry->contains("choices")) return {};
    const json& values = (*entry)["choices"].value(field.toStdString(), json::array());
    QStringList out;
    for (const auto& v : values)
        if (v.is_string()) out << QString::fromStdString(v.get<std::string>());
    return out;
}

bool HandlerCatalogue::runs(const QString& handler) const {
    const json* entry = find(handler);
    return entry && entry->value("runs", false);
}

bool HandlerCatalogue::isPolicy(const QString& handler) { return handler == QLatin1String(rate_limit_handler); }

QUrl HandlerCatalogue::editorFor(const QString& handler) const {
    const QString own = editorFile(editorName(handler));
    return QUrl(QStringLiteral("qrc:") + (QFile::exists(QLatin1Char(':') + own) ? own : editorFile(QLatin1String(generic_editor))));
}

QString HandlerCatalogue::editorName(const QString& handler) {
    QString name;
    for (const QString& word : handler.split(QLatin1Char('_'), Qt::SkipEmptyParts))
        name += word.left(1).toUpper() + word.mid(1);
    return name + QStringLiteral("Editor");
}

} // namespace proxflow::ui
