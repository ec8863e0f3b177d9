#pragma once
#include "json_path.hpp"
#include "row_list_model.hpp"

#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace proxflow::ui {

// The handler of a rate-limit policy: a route shows it among its policies, beside what the route
// does, and the Policies view lists every one with its zone's live rates.
inline constexpr auto rate_limit_handler = "rate_limit";

// The engine's handler catalogue (proxflow::handler_catalogue(): every handler module, in module
// order), so the console lists, creates and edits handlers without a copy of its own. Each row also
// names the editor the console loads for it: qml/editors/<CamelName>Editor.qml when the module
// brings one, else the generic JSON view.
class HandlerCatalogue : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
public:
    explicit HandlerCatalogue(QObject* parent = nullptr);

    // The catalogue's entry for a handler name (its JSON object), null when no module has that handler.
    static const json* find(const QString& handler);

    Q_INVOKABLE int indexOf(const QString& handler) const;
    // The allowed values of one field of a handler ("reverse_proxy", "selection_policy"); empty when none.
    Q_INVOKABLE QStringList choices(const QString& handler, const QString& field) const;
    static QStringList choicesOf(const QString& handler, const QString& field);
    // False for a module ProxFlow only adapts and exports (and for an unknown handler).
    Q_INVOKABLE bool runs(const QString& handler) const;
    // A handler that decides whether a request goes on rather than answering it (a rate limit): the
    // route editor shows it as one of the route's policies, in front of what the route does.
    Q_INVOKABLE static bool isPolicy(const QString& handler);
    // The editor for a handler, by name; the generic editor when its module brings none.
    Q_INVOKABLE QUrl editorFor(const QString& handler) const;

    // "reverse_proxy" -> "ReverseProxyEditor"
    static QString editorName(const QString& handler);
};

} // namespace proxflow::ui
