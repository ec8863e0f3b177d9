import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// Test traffic through a site: N requests with a method, path and concurrency, with progress.
Item {
    id: view
    required property ConsoleSession session
    property string currentSite
    readonly property TrafficGenerator generator: session.testTraffic
    readonly property var siteNames: session.document.revision >= 0 ? session.document.serverNames() : []

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 12

        Label { text: qsTr("Test traffic"); font.pixelSize: 18; font.bold: true }
        Label {
            text: qsTr("Send requests through one of your sites and watch the Dashboard and Upstreams views move. Apply first so the engine serves the site.")
            color: palette.placeholderText
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }

        Frame {
            Layout.fillWidth: true
            GridLayout {
                anchors.fill: parent
                columns: 6
                columnSpacing: 12
                rowSpacing: 4
                Label { text: qsTr("Site"); font.pixelSize: 12; color: palette.placeholderText }
                Label { text: qsTr("Method"); font.pixelSize: 12; color: palette.placeholderText }
                Label { text: qsTr("Path"); font.pixelSize: 12; color: palette.placeholderText }
                Label { text: qsTr("Requests"); font.pixelSize: 12; color: palette.placeholderText }
                Label { text: qsTr("Concurrency"); font.pixelSize: 12; color: palette.placeholderText }
                Label { text: qsTr("Rate (req/s, 0: flat out)"); font.pixelSize: 12; color: palette.placeholderText }
                ComboBox {
                    id: site
                    objectName: "trafficSite"
                    Layout.preferredWidth: 200
                    model: view.siteNames
                    currentIndex: Math.max(0, view.siteNames.indexOf(view.currentSite))
                }
                ComboBox { id: method; model: ["GET", "HEAD", "POST", "PUT", "DELETE"] }
                TextField { id: path; objectName: "trafficPath"; text: "/"; Layout.fillWidth: true }
                SpinBox { id: total; objectName: "trafficTotal"; from: 1; to: 1000000; value: 500; editable: true }
                SpinBox { id: concurrency; from: 1; to: 64; value: 6; editable: true }
                SpinBox { id: rate; objectName: "trafficRate"; from: 0; to: 100000; value: 0; editable: true; stepSize: 10 }
            }
        }

        RowLayout {
            Button {
                objectName: "trafficStart"
                text: view.generator.running ? qsTr("Stop") : qsTr("Send")
                highlighted: !view.generator.running
                enabled: site.currentText !== ""
                onClicked: view.generator.running ? view.generator.stop()
                                                  : view.generator.start(view.session.siteUrl(site.currentText) + path.text, total.value, concurrency.value, method.currentText, rate.value)
            }
            ProgressBar {
                objectName: "trafficProgress"
                Layout.fillWidth: true
                value: view.generator.progress
            }
            Label { text: view.generator.completed + " / " + view.generator.total }
        }
        Label {
            text: view.generator.summary
            color: palette.placeholderText
        }
        Label {
            text: qsTr("Target: %1").arg(view.session.siteUrl(site.currentText) + path.text)
            color: palette.placeholderText
        }
        Item { Layout.fillHeight: true }
    }
}
