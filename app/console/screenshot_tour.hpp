#pragma once
#include <QObject>
#include <QStringList>

class QQuickWindow;

namespace proxflow::ui {
class ConsoleSession;
}

// `--screenshot DIR`: shows the first-start state, opens the example project, sends test traffic
// through it, then saves every view in light and dark as DIR/VIEW-THEME.png and quits.
class ScreenshotTour : public QObject {
    Q_OBJECT
public:
    ScreenshotTour(QQuickWindow* window, proxflow::ui::ConsoleSession* session, QString dir);
    void start();

private:
    void shootEmptyState();
    void prepareTraffic();
    void sendFromCountries(const QString& url);
    void next();
    // The editors shot after the views: a rate limit's, the Upstreams view with its circuits, the
    // circuit breaker's, file_server's own, then the generic one. False when the step goes on
    // asynchronously (and calls next() itself).
    bool stageEditor(int step);
    // Polls the traffic snapshot (every 100 ms, pollsLeft times) until the recovering upstream ramps
    // up while the dead one is open, then queues the Upstreams view's shots.
    void waitForCircuits(int pollsLeft);
    // Shows the handler at path in the Sites view's route editor.
    void showInRouteEditor(const QString& handlerPath);
    bool grab(const QString& name);

    QQuickWindow* window_;
    proxflow::ui::ConsoleSession* session_;
    QString dir_;
    QStringList queue_; // "view/theme"
    int failures_ = 0;
    int editorSteps_ = 0; // stageEditor steps taken
    QString proxyHandler_; // the reverse_proxy with the circuit breaker and the adaptive policy
    QString recoveringDial_, downDial_; // its upstream that comes back, and the one that never listens
};
