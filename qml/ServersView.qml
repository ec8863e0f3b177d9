import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// Servers: the embedded engine and the remembered remote proxflow or Caddy admin APIs. For a
// remote one: connect, load its running config into the editors (kept as a History snapshot),
// push the edited one back (POST /load), and watch its /metrics.
Item {
    id: view
    required property ConsoleSession session
    readonly property RemoteAdmin remote: session.remote
    readonly property bool localChosen: list.currentIndex <= 0

    function choose(row) {
        list.currentIndex = row
        if (row > 0) view.remote.address = view.session.servers.value(row, "address")
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 12

        ColumnLayout {
            Layout.preferredWidth: 300
            Layout.fillHeight: true
            spacing: 8
            Label { text: qsTr("Servers"); font.pixelSize: 18; font.bold: true }
            ListView {
                id: list
                objectName: "serverList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                spacing: 4
                model: view.session.servers
                currentIndex: 0
                // Reopens on the server the console last talked to.
                Component.onCompleted: currentIndex = view.session.servers.rowOf(view.remote.address)
                delegate: ItemDelegate {
                    required property int index
                    required property string address
                    required property bool local
                    objectName: "server:" + address
                    width: ListView.view.width
                    height: 54
                    highlighted: ListView.isCurrentItem
                    onClicked: view.choose(index)
                    contentItem: RowLayout {
                        spacing: 10
                        Rectangle {
                            width: 10; height: 10; radius: 5
                            color: local ? (view.session.engine.state === "running" ? "#22c55e" : "#9ca3af")
                                         : (index === list.currentIndex && view.remote.status !== "" ? (view.remote.ok ? "#22c55e" : "#dc2626") : "#9ca3af")
                        }
                        ColumnLayout {
                            spacing: 2
                            Layout.fillWidth: true
                            Label {
                                text: address
                                font.bold: true
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                                color: highlighted ? palette.highlightedText : palette.windowText
                            }
                            Label {
                                text: local ? qsTr("in this console · %1").arg(view.session.engine.state) : qsTr("admin API")
                                font.pixelSize: 12
                                color: highlighted ? palette.highlightedText : palette.placeholderText
                            }
                        }
                    }
                }
            }
            RowLayout {
                spacing: 6
                TextField {
                    id: newAddress
                    objectName: "serverAddress"
                    Layout.fillWidth: true
                    placeholderText: "localhost:2019"
                    selectByMouse: true
                    onAccepted: addButton.clicked()
                }
                Button {
                    id: addButton
                    objectName: "addServer"
                    text: qsTr("Add")
                    enabled: newAddress.text.trim() !== ""
                    onClicked: {
                        view.choose(view.session.servers.add(newAddress.text))
                        newAddress.clear()
                    }
                }
            }
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 10

            Frame {
                Layout.fillWidth: true
                visible: view.localChosen
                ColumnLayout {
                    anchors.fill: parent
                    spacing: 6
                    Label { text: qsTr("Embedded engine"); font.bold: true; font.pixelSize: 16 }
                    Label {
                        text: qsTr("state: %1 · %2 sites in the editor · %3 requests served")
                              .arg(view.session.engine.state).arg(view.session.sites.count).arg(view.session.traffic.totalRequests)
                        color: palette.placeholderText
                    }
                    Button { text: qsTr("Apply editor config"); onClicked: view.session.apply("") }
                }
            }

            Frame {
                Layout.fillWidth: true
                visible: !view.localChosen
                ColumnLayout {
                    anchors.fill: parent
                    spacing: 8
                    Label { text: view.remote.address; font.bold: true; font.pixelSize: 16 }
                    Label { text: qsTr("A running proxflow or Caddy, by its admin API."); color: palette.placeholderText }
                    RowLayout {
                        spacing: 8
                        Button {
                            objectName: "connectButton"
                            text: qsTr("Connect")
                            enabled: !view.remote.busy
                            onClicked: view.remote.connectToServer()
                        }
                        Button {
                            objectName: "pullButton"
                            text: qsTr("Load its config")
                            enabled: !view.remote.busy
                            onClicked: view.session.pullFromServer()
                        }
                        Button {
                            objectName: "pushButton"
                            text: qsTr("Push editor config")
                            enabled: !view.remote.busy && !view.session.document.empty
                            onClicked: view.session.pushToServer()
                        }
                        Switch {
                            objectName: "watchSwitch"
                            text: qsTr("Watch /metrics")
                            checked: view.remote.watching
                            onToggled: view.remote.watching = checked
                        }
                        BusyIndicator { running: view.remote.busy; visible: running; implicitHeight: 28; implicitWidth: 28 }
                        Item { Layout.fillWidth: true }
                        Button {
                            text: qsTr("Forget")
                            flat: true
                            onClicked: {
                                view.remote.watching = false
                                view.session.servers.remove(list.currentIndex)
                                view.choose(0)
                            }
                        }
                    }
                    Label {
                        objectName: "remoteStatus"
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        text: view.remote.status === "" ? qsTr("Loading keeps a snapshot in History, so what was running can always be restored.") : view.remote.status
                        color: view.remote.ok ? palette.placeholderText : "#dc2626"
                    }
                }
            }

            RowLayout {
                Layout.fillWidth: true
                visible: !view.localChosen && view.remote.haveTotals
                spacing: 10
                StatCard { Layout.fillWidth: true; Layout.preferredWidth: 1; objectName: "remoteRequests"; title: qsTr("Requests total"); value: view.remote.requestsTotal; accent: "#16a34a" }
                StatCard { Layout.fillWidth: true; Layout.preferredWidth: 1; title: qsTr("5xx responses"); value: view.remote.errorsTotal; accent: "#dc2626" }
                StatCard { Layout.fillWidth: true; Layout.preferredWidth: 1; title: qsTr("Rate-limited (429, drops)"); value: view.remote.rateLimitedTotal; accent: "#ea580c" }
                StatCard { Layout.fillWidth: true; Layout.preferredWidth: 1; title: view.remote.watching ? qsTr("Read at (watching)") : qsTr("Read at"); value: view.remote.metricsTime; accent: "#0891b2" }
            }

            Frame {
                Layout.fillWidth: true
                Layout.fillHeight: true
                visible: !view.localChosen && view.remote.metricsText !== ""
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
            Item { Layout.fillHeight: true; visible: view.localChosen || view.remote.metricsText === "" }
        }
    }
}
