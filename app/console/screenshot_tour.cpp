#include "screenshot_tour.hpp"

#include "console_session.hpp"
#include "demo_backend.hpp"
#include "rate_limit_policy.hpp"
#include "traffic_generator.hpp"

#include <QCoreApplication>
#include <QDebug>
#include <QDir>
#include <QImage>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSet>
#include <QTimer>

namespace {
constexpr int settle_ms = 900;
// Upstreams is shot with the editors, once its circuits show an open and a ramping breaker.
const QStringList views = {"sites", "policies", "dashboard", "caddyfile", "history", "servers", "traffic"};
constexpr int editor_steps = 5;

QQuickItem* findItem(QQuickItem* at, const QString& name) {
    if (at->objectName() == name) return at;
    for (QQuickItem* child : at->childItems())
        if (QQuickItem* found = findItem(child, name)) return found;
    return nullptr;
}
}

ScreenshotTour::ScreenshotTour(QQuickWindow* window, proxflow::ui::ConsoleSession* session, QString dir)
    : QObject(window), window_(window), session_(session), dir_(std::move(dir)) {}

void ScreenshotTour::start() {
    QDir().mkpath(dir_);
    QTimer::singleShot(settle_ms, this, &ScreenshotTour::shootEmptyState);
}

bool ScreenshotTour::grab(const QString& name) {
    const QImage image = window_->grabWindow();
    QSet<QRgb> colours; // a blank or half-drawn frame has only a handful
    for (int y = 0; y < image.height(); y += 4)
        for (int x = 0; x < image.width(); x += 4) colours.insert(image.pixel(x, y));
    const QString file = dir_ + QLatin1Char('/') + name + QStringLiteral(".png");
    const bool ok = colours.size() >= 16 && image.save(file);
    if (!ok) ++failures_;
    qInfo().noquote() << (ok ? "wrote" : "FAILED") << file << image.size() << colours.size() << "colours";
    return ok;
}

void ScreenshotTour::shootEmptyState() {
    session_->ui()->setCurrentView(QStringLiteral("sites"));
    session_->ui()->setDark(false);
    QTimer::singleShot(settle_ms, this, [this] {
        grab(QStringLiteral("welcome-light"));
        session_->ui()->setDark(true);
        QTimer::singleShot(settle_ms, this, [this] {
            grab(QStringLiteral("welcome-dark"));
            prepareTraffic();
        });
    });
}

void ScreenshotTour::prepareTraffic() {
    using proxflow::ui::ConsoleSession;
    auto* doc = session_->document();
    session_->openExample();
    // The embedded engine's own admin API stands in for a remote server in the Servers view.
    const QString admin = QStringLiteral("127.0.0.1:%1").arg(ConsoleSession::freePort());
    doc->remove(QStringLiteral("admin.disabled"));
    doc->setText(QStringLiteral("admin.listen"), admin);
    // Test traffic comes from 127.0.0.1; a CF-IPCountry header from that (trusted) address spreads
    // some of it over the world map.
    doc->setText(QStringLiteral("apps.traffic_metrics.geo_header"), QStringLiteral("CF-IPCountry"));
    doc->setList(QStringLiteral("apps.traffic_metrics.trusted_proxies"), QStringLiteral("127.0.0.1/32"));
    // Rate limits attached as the Sites view's action does: /hello, which the test traffic floods a
    // little past its limit, and /api/* by API key over a sliding window.
    const QString hello = session_->policies()->attach(QStringLiteral("apps.http.servers.example.routes[0]"));
    doc->setText(hello + QStringLiteral(".zone"), QStringLiteral("hello"));
    doc->setText(hello + QStringLiteral(".rate"), QStringLiteral("200"));
    doc->setText(hello + QStringLiteral(".burst"), QStringLiteral("40"));
    const QString api = session_->policies()->attach(QStringLiteral("apps.http.servers.example.routes[1]"));
    doc->setText(api + QStringLiteral(".zone"), QStringLiteral("api"));
    doc->setText(api + QStringLiteral(".algorithm"), QStringLiteral("sliding_window"));
    doc->setText(api + QStringLiteral(".rate"), QStringLiteral("600/m"));
    doc->setText(api + QStringLiteral(".window"), QStringLiteral("1m"));
    doc->setText(api + QStringLiteral(".key"), QStringLiteral("api_key"));
    session_->apply(QStringLiteral("example project"));
    connect(session_, &ConsoleSession::appliedConfig, this, [this, admin, doc](bool ok) {
        if (!ok) qWarning() << "example project was not applied:" << doc->errorPath() << doc->errorMessage();
        const QString url = session_->siteUrl(QStringLiteral("example"));
        session_->servers()->add(admin);
        session_->remote()->setAddress(admin);
        session_->pullFromServer();
        session_->remote()->setWatching(true);
        session_->testTraffic()->start(url + QStringLiteral("/hello"), 2400, 6, QStringLiteral("GET"), 300);
        sendFromCountries(url + QStringLiteral("/hello"));
        QTimer::singleShot(2000, this, [this, doc, url] {
            // A second applied edit gives History something to diff: /api/* gets the circuit breaker
            // and the adaptive policy over three real upstreams, a fast one, one that refuses
            // connections for the first seconds (its circuit opens, then ramps up once it answers) and
            // one that never listens (open). Passive checks would keep the recovering one down for
            // their fail_duration; here the breaker does that job.
            const QString proxy = doc->proxyHandlers().value(0).toMap().value(QStringLiteral("path")).toString();
            const auto dial = [](int port) { return QVariantMap{{QStringLiteral("dial"), QStringLiteral("127.0.0.1:%1").arg(port)}}; };
            const int fast = proxflow::ui::ConsoleSession::freePort(), recovering = proxflow::ui::ConsoleSession::freePort(),
                      down = proxflow::ui::ConsoleSession::freePort();
            (new DemoBackend(3, this))->listen(quint16(fast));
            doc->setValue(proxy + QStringLiteral(".upstreams"), QVariantList{dial(fast), dial(recovering), dial(down)});
            doc->remove(proxy + QStringLiteral(".health_checks"));
            doc->setValue(proxy + QStringLiteral(".load_balancing"),
                          QVariantMap{{QStringLiteral("selection_policy"),
                                       QVariantMap{{QStringLiteral("policy"), QStringLiteral("adaptive")},
                                                   {QStringLiteral("update_interval"), QStringLiteral("2s")}}}});
            doc->setValue(proxy + QStringLiteral(".circuit_breaker"),
                          QVariantMap{{QStringLiteral("type"), QStringLiteral("intelligent")},
                                      {QStringLiteral("min_requests"), 5},
                                      {QStringLiteral("evaluation_window"), QStringLiteral("10s")},
                                      {QStringLiteral("recovery_timeout"), QStringLiteral("6s")},
                                      {QStringLiteral("half_open_max_requests"), 2},
                                      {QStringLiteral("ramp_up_duration"), QStringLiteral("2m")}});
            proxyHandler_ = proxy;
            recoveringDial_ = QStringLiteral("127.0.0.1:%1").arg(recovering);
            downDial_ = QStringLiteral("127.0.0.1:%1").arg(down);
            session_->apply(QStringLiteral("circuit breaker, adaptive balancing"));
            QTimer::singleShot(3000, this, [this, recovering] { (new DemoBackend(12, this))->listen(quint16(recovering)); });
            // Before the breakers open, the refused connections answer 502: the error chart has something to show.
            auto* api = new proxflow::ui::TrafficGenerator(this);
            api->start(url + QStringLiteral("/api/items"), 30000, 4, QStringLiteral("GET"), 150);
        });
        QTimer::singleShot(9000, this, [this, url] {
            // Steady traffic past /hello's limit while the Policies view and the Dashboard are shot.
            auto* steady = new proxflow::ui::TrafficGenerator(this);
            steady->start(url + QStringLiteral("/hello"), 3600, 4, QStringLiteral("GET"), 240);
            for (const QString& view : views)
                for (const char* theme : {"light", "dark"}) queue_ << view + QLatin1Char('/') + QLatin1String(theme);
            next();
        });
    }, Qt::SingleShotConnection);
}

void ScreenshotTour::sendFromCountries(const QString& url) {
    auto* network = new QNetworkAccessManager(this);
    const QList<std::pair<const char*, int>> visitors = {{"US", 220}, {"DE", 140}, {"GB", 90}, {"FR", 70}, {"JP", 60},
                                                         {"BR", 45},  {"IN", 40},  {"CA", 30}, {"AU", 25}, {"NL", 20},
                                                         {"ZA", 12},  {"SE", 10},  {"MX", 8},  {"KR", 6},  {"NG", 4}};
    for (const auto& [country, requests] : visitors)
        for (int i = 0; i < requests; ++i) {
            QNetworkRequest request{QUrl(url)};
            request.setRawHeader("CF-IPCountry", country);
            QNetworkReply* reply = network->get(request);
            connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
        }
}

void ScreenshotTour::showInRouteEditor(const QString& handlerPath) {
    session_->ui()->setCurrentView(QStringLiteral("sites"));
    // The route the handler belongs to is picked in the route list first (…routes[N].handle[M]).
    static const QRegularExpression route(QStringLiteral("\\.routes\\[(\\d+)\\]\\.handle\\[\\d+\\]$"));
    if (const auto match = route.match(handlerPath); match.hasMatch())
        if (QQuickItem* list = findItem(window_->contentItem(), QStringLiteral("routeList")))
            list->setProperty("currentIndex", match.captured(1).toInt());
    if (QQuickItem* editor = findItem(window_->contentItem(), QStringLiteral("routeEditor")))
        QMetaObject::invokeMethod(editor, "show", Q_ARG(QVariant, handlerPath));
}

void ScreenshotTour::waitForCircuits(int pollsLeft) {
    QString recovering, down;
    for (const auto& upstream : session_->traffic()->snapshot().upstreams) {
        if (QString::fromStdString(upstream.address) == recoveringDial_) recovering = QString::fromStdString(upstream.circuit_state);
        if (QString::fromStdString(upstream.address) == downDial_) down = QString::fromStdString(upstream.circuit_state);
    }
    // Open upstreams go half-open lazily, when a selection considers them again, and the adaptive
    // policy gives them little weight: the recovering one can take a while to ramp up.
    const bool ready = recovering == QLatin1String("ramp_up") && down == QLatin1String("open");
    if (!ready && pollsLeft > 0) {
        QTimer::singleShot(100, this, [this, pollsLeft] { waitForCircuits(pollsLeft - 1); });
        return;
    }
    if (!ready) qWarning().noquote() << "circuits not in the wanted states:" << recovering << down;
    for (const char* theme : {"light", "dark"}) queue_ << QStringLiteral("upstreams/") + QLatin1String(theme);
    next();
}

bool ScreenshotTour::stageEditor(int step) {
    auto* doc = session_->document();
    const QString route = QStringLiteral("apps.http.servers.") + session_->ui()->currentSite() + QStringLiteral(".routes[0]");
    const QString policy = route + QStringLiteral(".handle[0]");
    const QString handler = route + QStringLiteral(".handle[%1]").arg(doc->mainHandlerIndex(route));
    const auto queue = [this](const char* name, const char* view = "sites") {
        for (const char* theme : {"light", "dark"})
            queue_ << QLatin1String(view) + QLatin1Char('/') + QLatin1String(theme) + QLatin1Char('/') + QLatin1String(name);
    };
    switch (step) {
    case 0: {
        // The first route's rate limit turned into a sliding window by API key, delayed past it and
        // shared through Redis (edited, not applied), as its editor writes them: in the route
        // editor, then whole in the Policies view (its first policy), beside the live rates.
        proxflow::ui::RateLimitPolicy typed;
        typed.setDocument(doc);
        typed.setHandlerPath(policy);
        typed.setAlgorithm(QStringLiteral("sliding_window"));
        doc->setText(policy + QStringLiteral(".rate"), QStringLiteral("600/m"));
        doc->setValue(policy + QStringLiteral(".window"), QStringLiteral("1m"));
        typed.setKeyKind(QStringLiteral("api_key"));
        typed.setRejectKind(QStringLiteral("delay"));
        doc->setValue(policy + QStringLiteral(".max_delay"), QStringLiteral("2s"));
        typed.setDistributed(true);
        doc->setText(policy + QStringLiteral(".distributed.redis.address"), QStringLiteral("redis.internal:6379"));
        doc->setValue(policy + QStringLiteral(".distributed.sync_interval"), QStringLiteral("5s"));
        showInRouteEditor(policy);
        queue("rate-limit");
        queue("rate-limit", "policies");
        break;
    }
    case 1:
        // The Upstreams view once the breakers show an open and a ramping upstream (then the
        // proxy route's editor); next() goes on when they do.
        waitForCircuits(900);
        return false;
    case 2:
        // The proxy route's editor scrolled to its load balancing and circuit breaker (as applied:
        // the breaker section open, the adaptive policy's options shown).
        showInRouteEditor(proxyHandler_);
        if (QQuickItem* editor = findItem(window_->contentItem(), QStringLiteral("routeEditor")))
            QTimer::singleShot(300, editor, [editor] { QMetaObject::invokeMethod(editor, "scrollToEnd"); });
        queue("circuit-breaker");
        break;
    case 3:
        // A module's own editor: the route's handler turned into a file_server, which the route
        // editor loads by the handler's name (qml/editors/FileServerEditor.qml).
        doc->setHandlerType(handler, QStringLiteral("file_server"));
        doc->setList(handler + QStringLiteral(".hide"), QStringLiteral(".git, *.bak"));
        doc->setValue(handler + QStringLiteral(".browse"), QVariantMap{});
        showInRouteEditor(handler);
        queue("file-server");
        break;
    default:
        // Then a module without an editor (encode): the generic view shows its Caddyfile, read-only.
        doc->setHandlerType(handler, QStringLiteral("encode"));
        doc->setValue(handler + QStringLiteral(".encodings"), QVariantMap{{QStringLiteral("gzip"), QVariantMap{}}, {QStringLiteral("zstd"), QVariantMap{}}});
        doc->setList(handler + QStringLiteral(".prefer"), QStringLiteral("zstd, gzip"));
        doc->setValue(handler + QStringLiteral(".minimum_length"), 512);
        showInRouteEditor(handler);
        queue("generic-editor");
        break;
    }
    return true;
}

void ScreenshotTour::next() {
    if (queue_.isEmpty() && editorSteps_ < editor_steps && !stageEditor(editorSteps_++)) return; // it calls next() itself
    if (queue_.isEmpty()) {
        QCoreApplication::exit(failures_ ? 3 : 0);
        return;
    }
    const QStringList parts = queue_.takeFirst().split(QLatin1Char('/'));
    session_->ui()->setCurrentView(parts[0]);
    session_->ui()->setDark(parts[1] == QLatin1String("dark"));
    QTimer::singleShot(settle_ms, this, [this, parts] {
        grab(parts[0] + (parts.size() > 2 ? QLatin1Char('-') + parts[2] : QString()) + QLatin1Char('-') + parts[1]);
        next();
    });
}
