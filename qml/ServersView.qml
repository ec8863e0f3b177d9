import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// The embedded engine and a remote proxflow or Caddy reached by its admin API: pull its running
// config into the editors (it becomes a History snapshot), push the edited one back (POST /load).
Item {
    id: view
    required property ConsoleSession session
    readonly property RemoteAdmin remote: session.remote

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 12

        Label { text: qsTr("Servers"); font.pixelSize: 18; font.bold: true }

        Frame {
            Layout.fillWidth: true
            RowLayout {
                anchors.fill: parent
                spacing: 12
                Rectangle {
                    width: 12; height: 12; radius: 6
                    color: view.session.engine.state === "running" ? "#22c55e" : "#9ca3af"
                }
                ColumnLayout {
                    Layout.fillWidth: true
                    Label { text: qsTr("Local engine (embedded in this console)"); font.bold: true }
                    Label {
                        text: qsTr("state: %1 · %2 sites in the editor · %3 requests served")
                              .arg(view.session.engine.state).arg(view.session.sites.count).arg(view.session.traffic.totalRequests)
                        color: palette.placeholderText
                    }
                }
                Button { text: qsTr("Apply editor config"); onClicked: view.session.apply("") }
            }
        }

        Frame {
            Layout.fillWidth: true
            ColumnLayout {
                anchors.fill: parent
                spacing: 8
                Label { text: qsTr("Remote proxflow or Caddy (admin API)"); font.bold: true }
                RowLayout {
                    spacing: 8
                    TextField {
                        id: address
                        objectName: "remoteAddress"
                        Layout.preferredWidth: 320
                        text: view.remote.address
                        placeholderText: "localhost:2019"
                        onTextEdited: view.remote.address = text
                    }
                    Button {
                        objectName: "pullButton"
                        text: qsTr("Pull config")
                        enabled: !view.remote.busy
                        onClicked: view.session.pullFromServer()
                    }
                    Button {
                        objectName: "pushButton"
                        text: qsTr("Push editor config")
                        enabled: !view.remote.busy && !view.session.document.empty
                        onClicked: view.session.pushToServer()
                    }
                    Button {
                        text: qsTr("Metrics")
                        enabled: !view.remote.busy
                        onClicked: view.remote.fetchMetrics()
                    }
                    BusyIndicator { running: view.remote.busy; visible: running; implicitHeight: 28; implicitWidth: 28 }
                }
                Label {
                    objectName: "remoteStatus"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: view.remote.status === "" ? qsTr("Pulling keeps a snapshot in History, so what was running can always be restored.") : view.remote.status
                    color: view.remote.ok ? palette.placeholderText : "#dc2626"
                }
            }
        }

        Frame {
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: view.remote.metricsText !== ""
            ScrollView {
                anchors.fill: parent
                TextArea {
                    readOnly: true
                    font.family: "monospace"
                    font.pixelSize: 12
                    text: view.remote.metricsText
                }
            }
        }
        Item { Layout.fillHeight: true; visible: view.remote.metricsText === "" }
    }
}
