// Qt Quick Test runner with a QApplication (Charts needs one; QUICK_TEST_MAIN makes a QGuiApplication).
#include <QApplication>
#include <QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest/quicktest.h>

Q_IMPORT_QML_PLUGIN(ProxFlow_UiPlugin)

class Setup : public QObject {
    Q_OBJECT
public slots:
    void qmlEngineAvailable(QQmlEngine* engine) { engine->addImportPath(QStringLiteral("qrc:/qt/qml")); }
};

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    Setup setup;
    return quick_test_main_with_setup(argc, argv, "proxflow_qml", QUICK_TEST_SOURCE_DIR, &setup);
}

#include "qml_test_main.moc"
