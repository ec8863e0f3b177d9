import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// The upstreams of one reverse_proxy route with live state, its load-balancing policy and its
// active and passive health checks.
Item {
    id: view
    required property ConsoleSession session
    readonly property ConfigDocument doc: session.document
    readonly property var handlers: doc.revision >= 0 ? doc.proxyHandlers() : []
    readonly property string handlerPath: picker.currentIndex >= 0 && picker.currentIndex < handlers.length
                                          ? handlers[picker.currentIndex].path : ""
    readonly property string lb: handlerPath + ".load_balancing"
    readonly property string policy: doc.revision >= 0 ? doc.textAt(lb + ".selection_policy.policy") : ""

    UpstreamListModel {
        id: upstreams
        document: view.doc
        handlerPath: view.handlerPath
        engine: view.session.engine
        traffic: view.session.traffic
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10

        ErrorBanner { document: view.doc; Layout.fillWidth: true }

        RowLayout {
            Label { text: qsTr("Upstreams of"); font.pixelSize: 18; font.bold: true }
            ComboBox {
                id: picker
                objectName: "handlerPicker"
                Layout.preferredWidth: 420
                model: view.handlers
                textRole: "label"
            }
            Item { Layout.fillWidth: true }
        }

        Label {
            visible: view.handlers.length === 0
            text: qsTr("No route proxies to upstreams yet. In Sites & routes, add a route of kind reverse_proxy.")
            color: palette.placeholderText
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 14
            visible: view.handlerPath !== ""

            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 3
                spacing: 6

                RowLayout {
                    Layout.fillWidth: true
                    spacing: 8
                    Repeater {
                        model: [[qsTr("Address"), 2.6], [qsTr("Max req."), 1], [qsTr("Health"), 1.2], [qsTr("In flight"), 1],
                                [qsTr("Requests"), 1], [qsTr("Failures"), 1], [qsTr("p50 ms"), 1], ["", 0.4]]
                        Label {
                            required property var modelData
                            text: modelData[0]
                            font.pixelSize: 12
                            color: palette.placeholderText
                            Layout.fillWidth: true
                            Layout.preferredWidth: modelData[1] * 100
                        }
                    }
                }

                ListView {
                    id: list
                    objectName: "upstreamList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    spacing: 4
                    model: upstreams
                    delegate: RowLayout {
                        id: row
                        required property int index
                        required property string path
                        required property bool known
                        required property bool healthy
                        required property int inFlight
                        required property var requests
                        required property var failures
                        required property double latencyMs
                        width: ListView.view.width
                        spacing: 8
                        PathField {
                            Layout.fillWidth: true
                            Layout.preferredWidth: 260
                            document: view.doc
                            path: row.path + ".dial"
                        }
                        PathField {
                            Layout.fillWidth: true
                            Layout.preferredWidth: 100
                            document: view.doc
                            path: row.path + ".max_requests"
                            placeholder: "∞"
                        }
                        RowLayout {
                            Layout.fillWidth: true
                            Layout.preferredWidth: 120
                            Rectangle {
                                width: 10; height: 10; radius: 5
                                color: !row.known ? "#9ca3af" : row.healthy ? "#22c55e" : "#dc2626"
                            }
                            Label { text: !row.known ? qsTr("not applied") : row.healthy ? qsTr("healthy") : qsTr("down") }
                        }
                        Label { text: row.inFlight; Layout.fillWidth: true; Layout.preferredWidth: 100 }
                        Label { objectName: "requests:" + row.index; text: row.requests; Layout.fillWidth: true; Layout.preferredWidth: 100 }
                        Label { text: row.failures; Layout.fillWidth: true; Layout.preferredWidth: 100 }
                        Label { text: row.latencyMs.toFixed(1); Layout.fillWidth: true; Layout.preferredWidth: 100 }
                        ToolButton {
                            text: "✕"
                            Layout.preferredWidth: 40
                            onClicked: view.doc.remove(row.path)
                        }
                    }
                }

                RowLayout {
                    TextField {
                        id: dial
                        objectName: "upstreamDial"
                        placeholderText: "127.0.0.1:9000"
                        Layout.preferredWidth: 240
                        onAccepted: add.clicked()
                    }
                    Button {
                        id: add
                        objectName: "addUpstream"
                        text: qsTr("Add upstream")
                        enabled: dial.text !== ""
                        onClicked: { view.doc.addUpstream(view.handlerPath, dial.text); dial.text = "" }
                    }
                }
            }

            Frame {
                Layout.preferredWidth: 360
                Layout.fillHeight: true
                ScrollView {
                    anchors.fill: parent
                    contentWidth: availableWidth
                    clip: true
                    ColumnLayout {
                        width: parent.width
                        spacing: 8
                        Label { text: qsTr("Load balancing"); font.bold: true }
                        ComboBox {
                            id: policyBox
                            objectName: "policyBox"
                            Layout.fillWidth: true
                            readonly property var policies: HandlerCatalogue.choices("reverse_proxy", "selection_policy")
                            model: policies
                            currentIndex: Math.max(0, policies.indexOf(view.policy))
                            onActivated: index => view.doc.setText(view.lb + ".selection_policy.policy", policies[index])
                        }
                        PathField {
                            Layout.fillWidth: true
                            visible: view.policy === "weighted_round_robin"
                            document: view.doc
                            path: view.lb + ".selection_policy.weights"
                            label: qsTr("Weights, one per upstream")
                            placeholder: "3, 1"
                            list: true
                        }
                        PathField {
                            Layout.fillWidth: true
                            visible: view.policy === "header"
                            document: view.doc
                            path: view.lb + ".selection_policy.field"
                            label: qsTr("Header field")
                        }
                        PathField {
                            Layout.fillWidth: true
                            visible: view.policy === "query"
                            document: view.doc
                            path: view.lb + ".selection_policy.key"
                            label: qsTr("Query key")
                        }
                        PathField {
                            Layout.fillWidth: true
                            visible: view.policy === "cookie"
                            document: view.doc
                            path: view.lb + ".selection_policy.name"
                            label: qsTr("Cookie name")
                            placeholder: "lb"
                        }
                        PathField {
                            Layout.fillWidth: true
                            visible: view.policy === "random_choose"
                            document: view.doc
                            path: view.lb + ".selection_policy.choose"
                            label: qsTr("Choose")
                            placeholder: "2"
                        }
                        RowLayout {
                            PathField { Layout.fillWidth: true; document: view.doc; path: view.lb + ".retries"; label: qsTr("Retries"); placeholder: "0" }
                            PathField { Layout.fillWidth: true; document: view.doc; path: view.lb + ".try_duration"; label: qsTr("Try for"); placeholder: "0s" }
                        }

                        Label { text: qsTr("Active health checks"); font.bold: true; Layout.topMargin: 8 }
                        PathField {
                            Layout.fillWidth: true
                            document: view.doc
                            path: view.handlerPath + ".health_checks.active.uri"
                            label: qsTr("Probe path (empty: off)")
                            placeholder: "/healthz"
                        }
                        RowLayout {
                            PathField { Layout.fillWidth: true; document: view.doc; path: view.handlerPath + ".health_checks.active.interval"; label: qsTr("Every"); placeholder: "30s" }
                            PathField { Layout.fillWidth: true; document: view.doc; path: view.handlerPath + ".health_checks.active.timeout"; label: qsTr("Timeout"); placeholder: "5s" }
                        }

                        Label { text: qsTr("Passive health checks"); font.bold: true; Layout.topMargin: 8 }
                        RowLayout {
                            PathField { Layout.fillWidth: true; document: view.doc; path: view.handlerPath + ".health_checks.passive.max_fails"; label: qsTr("Max fails"); placeholder: "1" }
                            PathField { Layout.fillWidth: true; document: view.doc; path: view.handlerPath + ".health_checks.passive.fail_duration"; label: qsTr("Remember for"); placeholder: "0s (off)" }
                        }
                    }
                }
            }
        }
    }
}
