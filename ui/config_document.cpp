#include "config_document.hpp"

#include "handler_catalogue.hpp"

#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "config/object_reader.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

#include <cmath>

namespace proxflow::ui {
namespace {

constexpr auto coalesce_window = std::chrono::milliseconds(1500);
constexpr std::size_t undo_limit = 200;

const char* servers_path = "apps.http.servers";

} // namespace

ConfigDocument::ConfigDocument(QObject* parent) : QObject(parent) {}

bool ConfigDocument::empty() const {
    const json* servers = JsonPath(servers_path).find(root_);
    return !servers || !servers->is_object() || servers->empty();
}

QString ConfigDocument::text() const { return QString::fromStdString(root_.dump(2)); }

void ConfigDocument::commit(json next, const QString& coalesceKey) {
    if (next == root_) return;
    const auto now = std::chrono::steady_clock::now();
    // Typing into one field is one undo step, not one per key.
    const bool coalesce = !coalesceKey.isEmpty() && coalesceKey == lastEditKey_ && now - lastEditAt_ < coalesce_window &&
                          !undo_.empty();
    if (!coalesce) {
        undo_.push_back(root_);
        if (undo_.size() > undo_limit) undo_.erase(undo_.begin());
    }
    redo_.clear();
    lastEditKey_ = coalesceKey;
    lastEditAt_ = now;
    root_ = std::move(next);
    ++revision_;
    setDirty(root_ != saved_);
    emit changed();
}

void ConfigDocument::setDirty(bool dirty) {
    if (dirty == dirty_) return;
    dirty_ = dirty;
    emit dirtyChanged();
}

void ConfigDocument::replace(const json& config) {
    lastEditKey_.clear();
    commit(config.is_object() ? config : json::object());
}

void ConfigDocument::edit(const std::function<void(json& root)>& change) {
    json next = root_;
    change(next);
    lastEditKey_.clear();
    commit(std::move(next));
}

void ConfigDocument::markSaved() {
    saved_ = root_;
    setDirty(false);
}

QVariant ConfigDocument::value(const QString& path) const {
    const json* v = JsonPath(path).find(root_);
    return v ? toVariant(*v) : QVariant();
}

QString ConfigDocument::textAt(const QString& path) const {
    const json* v = JsonPath(path).find(root_);
    if (!v || v->is_null()) return {};
    if (v->is_string()) return QString::fromStdString(v->get<std::string>());
    if (v->is_array()) {
        QStringList parts;
        for (const auto& item : *v)
            parts << (item.is_string() ? QString::fromStdString(item.get<std::string>()) : QString::fromStdString(item.dump()));
        return parts.join(QStringLiteral(", "));
    }
    return QString::fromStdString(v->dump());
}

QString ConfigDocument::durationTextAt(const QString& path) const {
    const json* v = JsonPath(path).find(root_);
    if (v && v->is_number_integer()) return QString::fromStdString(format_duration(std::chrono::nanoseconds(v->get<std::int64_t>())));
    return textAt(path);
}

QString ConfigDocument::jsonAt(const QString& path) const {
    const json* v = JsonPath(path).find(root_);
    return v ? QString::fromStdString(v->dump(2)) : QString();
}

QString ConfigDocument::caddyfileAt(const QString& handlerPath) const {
    const json* handler = JsonPath(handlerPath).find(root_);
    if (!handler || !handler->is_object()) return {};
    caddyfile::Writer w(false);
    try {
        if (!caddyfile::write_module_handler(w, "", *handler, handlerPath.toStdString())) return {};
    } catch (const caddyfile::ExportError&) {
        return {};
    }
    return QString::fromStdString(w.text()).trimmed();
}

void ConfigDocument::setValue(const QString& path, const QVariant& value) {
    json next = root_;
    JsonPath(path).make(next) = fromVariant(value);
    commit(std::move(next), path);
}

void ConfigDocument::setText(const QString& path, const QString& text) {
    json next = root_;
    const JsonPath p(path);
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        p.remove(next);
    } else {
        bool isInt = false;
        const qlonglong n = trimmed.toLongLong(&isInt);
        if (isInt) p.make(next) = n;
        else if (trimmed == QLatin1String("true") || trimmed == QLatin1String("false")) p.make(next) = trimmed == QLatin1String("true");
        else p.make(next) = text.toStdString();
    }
    commit(std::move(next), path);
}

void ConfigDocument::setNumber(const QString& path, const QString& text) {
    bool isNumber = false, isInt = false;
    const double d = text.trimmed().toDouble(&isNumber);
    text.trimmed().toLongLong(&isInt);
    if (!isNumber || isInt || !std::isfinite(d)) return setText(path, text);
    json next = root_;
    JsonPath(path).make(next) = d;
    commit(std::move(next), path);
}

void ConfigDocument::setList(const QString& path, const QString& text) {
    json next = root_;
    const JsonPath p(path);
    json list = json::array();
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString item = part.trimmed();
        bool isInt = false;
        const qlonglong n = item.toLongLong(&isInt);
        if (isInt) list.push_back(n); // weights, status codes
        else if (!item.isEmpty()) list.push_back(item.toStdString());
    }
    if (list.empty()) p.remove(next);
    else p.make(next) = std::move(list);
    commit(std::move(next), path);
}

void ConfigDocument::remove(const QString& path) {
    json next = root_;
    if (!JsonPath(path).remove(next)) return;
    lastEditKey_.clear();
    commit(std::move(next));
}

int ConfigDocument::count(const QString& path) const {
    const json* v = JsonPath(path).find(root_);
    return v && (v->is_array() || v->is_object()) ? static_cast<int>(v->size()) : 0;
}

void ConfigDocument::move(const QString& arrayPath, int from, int to) {
    json next = root_;
    json* list = const_cast<json*>(JsonPath(arrayPath).find(next));
    if (!list || !list->is_array()) return;
    const int n = static_cast<int>(list->size());
    if (from < 0 || to < 0 || from >= n || to >= n || from == to) return;
    json item = (*list)[from];
    list->erase(from);
    list->insert(list->begin() + to, std::move(item));
    lastEditKey_.clear();
    commit(std::move(next));
}

QStringList ConfigDocument::serverNames() const {
    QStringList names;
    if (const json* servers = JsonPath(servers_path).find(root_); servers && servers->is_object())
        for (const auto& [name, value] : servers->items()) names << QString::fromStdString(name);
    return names;
}

QString routeMatchLabel(const json& route) {
    QStringList parts;
    if (route.is_object() && route.contains("match") && route["match"].is_array())
        for (const auto& set : route["match"])
            for (const char* key : {"host", "path"})
                if (set.is_object() && set.contains(key) && set[key].is_array())
                    for (const auto& v : set[key])
                        if (v.is_string()) parts << QString::fromStdString(v.get<std::string>());
    return parts.join(QLatin1Char(' '));
}

namespace {

void findProxies(const json& at, const QString& path, const QString& label, QVariantList& out) {
    if (at.is_object()) {
        if (at.value("handler", "") == "reverse_proxy") {
            out << QVariantMap{{"path", path}, {"label", label.trimmed()}};
            return;
        }
        const QString here = at.contains("match") ? label + QLatin1Char(' ') + routeMatchLabel(at) : label;
        for (const auto& [key, value] : at.items())
            findProxies(value, path + QLatin1Char('.') + QString::fromStdString(key), here, out);
    } else if (at.is_array()) {
        for (std::size_t i = 0; i < at.size(); ++i) findProxies(at[i], path + QStringLiteral("[%1]").arg(i), label, out);
    }
}

} // namespace

QVariantList ConfigDocument::proxyHandlers() const {
    QVariantList out;
    const json* servers = JsonPath(servers_path).find(root_);
    if (!servers || !servers->is_object()) return out;
    for (const auto& [name, server] : servers->items()) {
        const QString base = QString::fromLatin1(servers_path) + QLatin1Char('.') + QString::fromStdString(name);
        findProxies(server, base, QString::fromStdString(name) + QStringLiteral(" ·"), out);
    }
    return out;
}

QString ConfigDocument::addSite(const QString& listen, const QString& host) {
    const QStringList taken = serverNames();
    QString name;
    for (int i = taken.size();; ++i) {
        name = QStringLiteral("site%1").arg(i);
        if (!taken.contains(name)) break;
    }
    // A new site proxies: its route starts as the engine's new reverse_proxy (upstreams to fill in).
    json route = {{"handle", json::array({HandlerCatalogue::find(QStringLiteral("reverse_proxy"))->at("default")})}, {"terminal", true}};
    if (!host.trimmed().isEmpty()) route["match"] = json::array({{{"host", json::array({host.trimmed().toStdString()})}}});
    json next = root_;
    // The console manages its embedded engine itself; an admin API on :2019 is opt-in (admin.listen).
    if (!next.contains("admin")) next["admin"] = {{"disabled", true}};
    JsonPath(QString::fromLatin1(servers_path) + '.' + name).make(next) = {
        {"listen", json::array({listen.trimmed().toStdString()})}, {"routes", json::array({route})}};
    lastEditKey_.clear();
    commit(std::move(next));
    return name;
}

QString ConfigDocument::addRoute(const QString& serverName, const QString& handler) {
    const QString routes = QString::fromLatin1(servers_path) + '.' + serverName + QStringLiteral(".routes");
    json next = root_;
    json& list = JsonPath(routes).make(next);
    if (!list.is_array()) list = json::array();
    json route = {{"match", json::array({{{"path", json::array({"/new/*"})}}})}, {"handle", json::array({json::object()})}};
    list.push_back(route);
    const QString path = routes + QStringLiteral("[%1]").arg(list.size() - 1);
    lastEditKey_.clear();
    commit(std::move(next));
    setHandlerType(path + QStringLiteral(".handle[0]"), handler);
    return path;
}

void ConfigDocument::setHandlerType(const QString& handlerPath, const QString& type) {
    json next = root_;
    json& handler = JsonPath(handlerPath).make(next);
    if (type == QLatin1String("redirect")) {
        // A console preset, not a module: Caddy's `redir` is a static_response with a Location header and a 3xx status.
        handler = {{"handler", "static_response"},
                   {"status_code", 302},
                   {"headers", {{"Location", json::array({"https://example.com{http.request.uri}"})}}}};
    } else if (handler.is_object() && handler.value("handler", "") == type.toStdString()) {
        return; // already this handler: its settings (a proxy's upstreams ...) stay
    } else if (const json* entry = HandlerCatalogue::find(type)) {
        handler = entry->value("default", json{{"handler", type.toStdString()}});
    } else {
        return;
    }
    lastEditKey_.clear();
    commit(std::move(next));
}

void ConfigDocument::resetHandler(const QString& handlerPath) {
    const json* entry = HandlerCatalogue::find(textAt(handlerPath + QStringLiteral(".handler")));
    if (!entry) return;
    json next = root_;
    JsonPath(handlerPath).make(next) = entry->value("default", json::object());
    lastEditKey_.clear();
    commit(std::move(next));
}

void ConfigDocument::setHeaderMatch(const QString& routePath, const QString& text) {
    const QString path = routePath + QStringLiteral(".match[0].header");
    const int colon = text.indexOf(QLatin1Char(':'));
    const QString name = (colon < 0 ? text : text.left(colon)).trimmed();
    json next = root_;
    if (name.isEmpty()) JsonPath(path).remove(next);
    else JsonPath(path).make(next) = {{name.toStdString(), json::array({(colon < 0 ? QString() : text.mid(colon + 1).trimmed()).toStdString()})}};
    commit(std::move(next), path);
}

QString ConfigDocument::headerMatchText(const QString& routePath) const {
    const json* header = JsonPath(routePath + QStringLiteral(".match[0].header")).find(root_);
    if (!header || !header->is_object() || header->empty()) return {};
    const auto& [name, values] = *header->items().begin();
    const std::string value = values.is_array() && !values.empty() && values[0].is_string() ? values[0].get<std::string>() : "";
    return QString::fromStdString(name + ": " + value);
}

QString ConfigDocument::addUpstream(const QString& handlerPath, const QString& dial) {
    json next = root_;
    json& list = JsonPath(handlerPath + QStringLiteral(".upstreams")).make(next);
    if (!list.is_array()) list = json::array();
    list.push_back({{"dial", dial.trimmed().toStdString()}});
    const QString path = handlerPath + QStringLiteral(".upstreams[%1]").arg(list.size() - 1);
    lastEditKey_.clear();
    commit(std::move(next));
    return path;
}

QVariantList ConfigDocument::handlersOf(const QString& routePath) const {
    QVariantList out;
    const json* handle = JsonPath(routePath + QStringLiteral(".handle")).find(root_);
    if (!handle || !handle->is_array()) return out;
    for (std::size_t i = 0; i < handle->size(); ++i) {
        const json& h = (*handle)[i];
        const QString name = QString::fromStdString(h.is_object() ? h.value("handler", "") : "");
        const json* entry = HandlerCatalogue::find(name);
        out << QVariantMap{{"path", routePath + QStringLiteral(".handle[%1]").arg(i)},
                           {"handler", name},
                           {"label", entry ? QString::fromStdString(entry->value("label", "")) : name},
                           {"policy", HandlerCatalogue::isPolicy(name)}};
    }
    return out;
}

namespace {

bool isPolicy(const json& handler) { return handler.is_object() && HandlerCatalogue::isPolicy(QString::fromStdString(handler.value("handler", ""))); }

// How many handlers at the head of a handle list are policies.
std::size_t leadingPolicies(const json& handle) {
    std::size_t n = 0;
    while (handle.is_array() && n < handle.size() && isPolicy(handle[n])) ++n;
    return n;
}

// A route of a site that only holds policies for every request: no matchers, only policies.
bool isPolicyRoute(const json& route) {
    if (!route.is_object() || route.contains("match") || route.value("terminal", false)) return false;
    const json handle = route.value("handle", json::array());
    return !handle.empty() && leadingPolicies(handle) == handle.size();
}

} // namespace

int ConfigDocument::mainHandlerIndex(const QString& routePath) const {
    const json* handle = JsonPath(routePath + QStringLiteral(".handle")).find(root_);
    if (!handle || !handle->is_array()) return 0;
    const std::size_t first = leadingPolicies(*handle);
    return first < handle->size() ? static_cast<int>(first) : 0;
}

QString ConfigDocument::attachHandler(const QString& path, const QString& handler) {
    const json* entry = HandlerCatalogue::find(handler);
    const JsonPath at(path);
    const json* target = at.find(root_);
    if (!entry || !target || !target->is_object() || at.steps().size() < 2) return {};
    const json fresh = entry->value("default", json{{"handler", handler.toStdString()}});
    const auto& steps = at.steps();
    const bool route = std::holds_alternative<std::size_t>(steps.back()) && steps[steps.size() - 2] == JsonPath::Step(std::string("routes"));
    const bool site = !route && at.parent().text() == QLatin1String(servers_path);
    if (!route && !site) return {};
    json next = root_;
    QString made;
    if (route) {
        json& handle = JsonPath(path + QStringLiteral(".handle")).make(next);
        if (!handle.is_array()) handle = json::array();
        const std::size_t index = leadingPolicies(handle);
        handle.insert(handle.begin() + static_cast<std::ptrdiff_t>(index), fresh);
        made = path + QStringLiteral(".handle[%1]").arg(index);
    } else {
        json& routes = JsonPath(path + QStringLiteral(".routes")).make(next);
        if (!routes.is_array()) routes = json::array();
        std::size_t index = 0;
        while (index < routes.size() && isPolicyRoute(routes[index])) ++index;
        routes.insert(routes.begin() + static_cast<std::ptrdiff_t>(index), json{{"handle", json::array({fresh})}});
        made = path + QStringLiteral(".routes[%1].handle[0]").arg(index);
    }
    lastEditKey_.clear();
    commit(std::move(next));
    return made;
}

void ConfigDocument::loadExample(int port) {
    const std::string listen = ":" + std::to_string(port);
    json config = {
        {"admin", {{"disabled", true}}},
        {"apps",
         {{"http",
           {{"servers",
             {{"example",
               {{"listen", json::array({listen})},
                {"routes",
                 json::array({
                     {{"match", json::array({{{"path", json::array({"/hello"})}}})},
                      {"handle", json::array({{{"handler", "static_response"}, {"status_code", 200}, {"body", "Hello from ProxFlow\n"}}})}},
                     {{"match", json::array({{{"path", json::array({"/api/*"})}}})},
                      {"handle", json::array({{{"handler", "reverse_proxy"},
                                               {"upstreams", json::array({{{"dial", "127.0.0.1:9001"}}, {{"dial", "127.0.0.1:9002"}}})},
                                               {"load_balancing", {{"selection_policy", {{"policy", "round_robin"}}}}},
                                               {"health_checks",
                                                {{"passive", {{"fail_duration", "30s"}, {"max_fails", 3}}}}}}})}},
                 })}}}}}}}}}};
    replace(config);
}

bool ConfigDocument::loadJsonText(const QString& text) {
    json parsed = json::parse(text.toStdString(), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        setError({}, tr("not a JSON object"));
        return false;
    }
    replace(parsed);
    return true;
}

void ConfigDocument::undo() {
    if (undo_.empty()) return;
    redo_.push_back(root_);
    root_ = std::move(undo_.back());
    undo_.pop_back();
    lastEditKey_.clear();
    ++revision_;
    setDirty(root_ != saved_);
    emit changed();
}

void ConfigDocument::redo() {
    if (redo_.empty()) return;
    undo_.push_back(root_);
    root_ = std::move(redo_.back());
    redo_.pop_back();
    lastEditKey_.clear();
    ++revision_;
    setDirty(root_ != saved_);
    emit changed();
}

QString ConfigDocument::errorFor(const QString& path) const {
    return pathCovers(path, errorPath_) ? errorMessage_ : QString();
}

void ConfigDocument::setError(const QString& path, const QString& message) {
    if (path == errorPath_ && message == errorMessage_) return;
    errorPath_ = path;
    errorMessage_ = message;
    emit errorChanged();
}

QString ConfigDocument::defaultFile() {
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/config.json");
}

bool ConfigDocument::save(const QString& file) {
    const QString target = file.isEmpty() ? (filePath_.isEmpty() ? defaultFile() : filePath_) : file;
    QDir().mkpath(QFileInfo(target).absolutePath());
    QSaveFile out(target);
    if (!out.open(QIODevice::WriteOnly)) return false;
    out.write(QByteArray::fromStdString(root_.dump(2)));
    if (!out.commit()) return false;
    if (filePath_ != target) {
        filePath_ = target;
        emit filePathChanged();
    }
    markSaved();
    return true;
}

bool ConfigDocument::restore(const QString& file) {
    const QString source = file.isEmpty() ? defaultFile() : file;
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly)) return false;
    json parsed = json::parse(in.readAll().toStdString(), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return false;
    root_ = std::move(parsed);
    saved_ = root_;
    undo_.clear();
    redo_.clear();
    ++revision_;
    filePath_ = source;
    emit filePathChanged();
    setDirty(false);
    emit changed();
    return true;
}

} // namespace proxflow::ui
