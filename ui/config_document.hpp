#pragma once
#include "json_path.hpp"

#include <QObject>
#include <QString>
#include <QVariant>
#include <QtQml/qqmlregistration.h>

#include <chrono>
#include <functional>
#include <vector>

namespace proxflow::ui {

// A route's hosts and paths, space-separated ("" when it matches every request).
QString routeMatchLabel(const json& route);

// The config being edited: Caddy-style JSON, the same object the engine runs. Every edit goes
// through here, so undo/redo, the unsaved marker and validation see all of them. Fields name their
// value by JSON path (JsonPath), which is also how engine errors find their field.
class ConfigDocument : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int revision READ revision NOTIFY changed)
    Q_PROPERTY(bool dirty READ dirty NOTIFY dirtyChanged)
    Q_PROPERTY(bool empty READ empty NOTIFY changed)
    Q_PROPERTY(bool canUndo READ canUndo NOTIFY changed)
    Q_PROPERTY(bool canRedo READ canRedo NOTIFY changed)
    Q_PROPERTY(QString text READ text NOTIFY changed)
    Q_PROPERTY(QString errorPath READ errorPath NOTIFY errorChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorChanged)
    Q_PROPERTY(QString filePath READ filePath NOTIFY filePathChanged)

public:
    explicit ConfigDocument(QObject* parent = nullptr);

    const json& root() const { return root_; }
    int revision() const { return revision_; }
    bool dirty() const { return dirty_; }
    bool empty() const;
    bool canUndo() const { return !undo_.empty(); }
    bool canRedo() const { return !redo_.empty(); }
    QString text() const; // pretty JSON
    QString errorPath() const { return errorPath_; }
    QString errorMessage() const { return errorMessage_; }
    QString filePath() const { return filePath_; }

    // Replaces the whole config as one undoable edit (import, rollback, pull from a server).
    void replace(const json& config);
    // Several changes as one undoable edit (a choice that also drops the fields it makes meaningless).
    void edit(const std::function<void(json& root)>& change);
    // Marks the current state as the one on disk / in the engine.
    void markSaved();

    Q_INVOKABLE QVariant value(const QString& path) const;
    Q_INVOKABLE QString textAt(const QString& path) const; // "" when missing; arrays joined by ", "
    // A duration as Caddy writes it ("1m30s") when the JSON holds nanoseconds; otherwise textAt.
    Q_INVOKABLE QString durationTextAt(const QString& path) const;
    Q_INVOKABLE void setValue(const QString& path, const QVariant& value);
    // Text as typed: numbers and booleans stay numbers and booleans; "" removes the key.
    Q_INVOKABLE void setText(const QString& path, const QString& text);
    // As setText, and a decimal ("0.5") is a number too; text that is no number stays text, for the
    // engine's validation to name.
    Q_INVOKABLE void setNumber(const QString& path, const QString& text);
    // Comma-separated text into an array (integers stay integers); "" removes the key.
    Q_INVOKABLE void setList(const QString& path, const QString& text);
    Q_INVOKABLE void remove(const QString& path);
    Q_INVOKABLE int count(const QString& path) const; // array size (0 when missing)
    Q_INVOKABLE void move(const QString& arrayPath, int from, int to);

    // Shapes users build from: a site is a server; a route matches host/path and runs one handler.
    Q_INVOKABLE QString addSite(const QString& listen, const QString& host = {});
    Q_INVOKABLE QString addRoute(const QString& serverName, const QString& handler = QStringLiteral("reverse_proxy"));
    // `type`: a handler of the engine's catalogue (its default JSON), or the console preset "redirect"
    // (a static_response with a Location header). Choosing the handler it already runs keeps it as it is.
    Q_INVOKABLE void setHandlerType(const QString& handlerPath, const QString& type);
    // The handler at handlerPath back to its catalogue default (a redirect back to a plain static response).
    Q_INVOKABLE void resetHandler(const QString& handlerPath);
    // The JSON at path, indented ("" when missing), for views of what no editor covers.
    Q_INVOKABLE QString jsonAt(const QString& path) const;
    // The handler at handlerPath as the Caddyfile directive it exports to, for read-only views of
    // handlers the console has no editor for; "" when it has no Caddyfile form.
    Q_INVOKABLE QString caddyfileAt(const QString& handlerPath) const;
    // "Name: value" into ROUTE.match[0].header {Name: [value]}; "" removes the header matcher.
    Q_INVOKABLE void setHeaderMatch(const QString& routePath, const QString& text);
    Q_INVOKABLE QString headerMatchText(const QString& routePath) const;
    Q_INVOKABLE QString addUpstream(const QString& handlerPath, const QString& dial);
    // A route's handlers in order: [{path, handler, label, policy}] (label from the catalogue; policy:
    // a handler that decides whether the request goes on, HandlerCatalogue::isPolicy).
    Q_INVOKABLE QVariantList handlersOf(const QString& routePath) const;
    // What the route does: its first handler that is not a policy (0 when all are, or none).
    Q_INVOKABLE int mainHandlerIndex(const QString& routePath) const;
    // Puts a new `handler` (its catalogue default) in front of what `path` does, after the policies
    // already there: into a route's handle list, or, for a site (a server path), as a route of its
    // own without matchers at the head of its routes, so every request of the site meets it.
    // Returns the new handler's path ("" when path is neither).
    Q_INVOKABLE QString attachHandler(const QString& path, const QString& handler);
    Q_INVOKABLE QStringList serverNames() const;
    // Every reverse_proxy handler, however deep in subroutes: [{path, label}] for pickers.
    Q_INVOKABLE QVariantList proxyHandlers() const;
    Q_INVOKABLE void loadExample(int port);
    Q_INVOKABLE bool loadJsonText(const QString& text);

    Q_INVOKABLE void undo();
    Q_INVOKABLE void redo();

    // The field under `path` shows `message` when the engine's error names it or something inside.
    Q_INVOKABLE QString errorFor(const QString& path) const;
    Q_INVOKABLE void setError(const QString& path, const QString& message);

    // Atomic save (QSaveFile) and restore; the default file lives under AppConfigLocation.
    static QString defaultFile();
    Q_INVOKABLE bool save(const QString& file = {});
    Q_INVOKABLE bool restore(const QString& file = {});

signals:
    void changed();
    void dirtyChanged();
    void errorChanged();
    void filePathChanged();

private:
    void commit(json next, const QString& coalesceKey = {});
    void setDirty(bool dirty);

    json root_ = json::object();
    std::vector<json> undo_, redo_;
    json saved_ = json::object();
    QString lastEditKey_;
    std::chrono::steady_clock::time_point lastEditAt_;
    int revision_ = 0;
    bool dirty_ = false;
    QString errorPath_, errorMessage_;
    QString filePath_;
};

} // namespace proxflow::ui
