// proxflow-console: the desktop console for ProxFlow, with the engine running in-process.
#include "console_session.hpp"
#include "screenshot_tour.hpp"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtQml/QQmlExtensionPlugin>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(ProxFlow_UiPlugin)

int main(int argc, char** argv) {
    // Charts needs a QApplication (QGuiApplication crashes on load; QT.md §4).
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ProxFlow"));
    QApplication::setOrganizationDomain(QStringLiteral("proxflow.invalid"));
    QApplication::setApplicationName(QStringLiteral("proxflow-console"));
    QApplication::setApplicationVersion(QStringLiteral(PROXFLOW_VERSION));

    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("ProxFlow console: configure and watch the ProxFlow proxy."));
    cli.addHelpOption();
    cli.addVersionOption();
    QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Save every view in light and dark to DIR and quit."),
                                  QStringLiteral("DIR"));
    QCommandLineOption dark(QStringLiteral("dark"), QStringLiteral("Start in the dark theme."));
    QCommandLineOption style(QStringLiteral("controls-style"), QStringLiteral("Qt Quick Controls style (default Fusion)."),
                             QStringLiteral("STYLE"), QStringLiteral("Fusion"));
    QCommandLineOption quitAfter(QStringLiteral("quit-after"), QStringLiteral("Quit after SECONDS (smoke tests)."),
                                 QStringLiteral("SECONDS"));
    QCommandLineOption threads(QStringLiteral("engine-threads"), QStringLiteral("Event-loop threads of the embedded engine."),
                               QStringLiteral("N"), QStringLiteral("2"));
    cli.addOptions({screenshot, dark, style, quitAfter, threads});
    cli.process(app);

    // Screenshots start from a first-start profile of their own, never the user's project.
    QTemporaryDir profile;
    if (cli.isSet(screenshot)) qputenv("XDG_CONFIG_HOME", profile.path().toUtf8());

    QQuickStyle::setStyle(cli.value(style));
    proxflow::ui::ConsoleSession::Options options;
    options.engineThreads = std::max(1u, cli.value(threads).toUInt());
    proxflow::ui::ConsoleSession session(options);

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    if (cli.isSet(dark)) session.ui()->setDark(true);
    engine.setInitialProperties({{QStringLiteral("session"), QVariant::fromValue(&session)}});
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/ProxFlow/Ui/Main.qml")));
    if (engine.rootObjects().isEmpty()) return 1;
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());

    if (cli.isSet(screenshot)) {
        auto* tour = new ScreenshotTour(window, &session, QDir(cli.value(screenshot)).absolutePath());
        tour->start();
    }
    if (cli.isSet(quitAfter)) QTimer::singleShot(int(cli.value(quitAfter).toDouble() * 1000), &app, [] { QApplication::exit(0); });
    return QApplication::exec();
}
