import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// The upstreams of one reverse_proxy route with live state (health, circuit breaker state, the
// adaptive policy's predicted load and weight), its load-balancing policy, its circuit breaker and its
// active and passive health checks. Live state comes from the embedded engine or a remote admin API.
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
        remote: view.session.remote
    }
    ResilienceSettings {
        id: resilience
        document: view.doc
        handlerPath: view.handlerPath
    }
    readonly property bool circuitColumns: upstreams.anyCircuit || resilience.circuitBreaker
    readonly property bool adaptiveColumns: upstreams.anyAdaptive || resilience.adaptive
    // The table's columns: [title, relative width, shown]. Widths are shares of the table's width, so
    // the header and every row line up whichever columns show.
    readonly property var columns: [[qsTr("Address"), 1.1, true], [qsTr("Max"), 0.4, true], [qsTr("Health"), 0.8, true],
                                    [qsTr("In flight"), 0.5, true], [qsTr("Requests"), 0.65, true], [qsTr("Failures"), 0.55, true],
                                    [qsTr("p50 ms"), 0.5, true], [qsTr("Circuit · fail rate"), 1.1, circuitColumns],
                                    [qsTr("Weight · load"), 0.95, adaptiveColumns], ["", 0.3, true]]
    readonly property real tableSpacing: 6
    readonly property var columnWidths: {
        const shown = columns.filter(c => c[2])
        const total = shown.reduce((sum, c) => sum + c[1], 0)
        const free = list.width - (shown.length - 1) * tableSpacing
        return columns.map(c => c[2] ? Math.floor(free * c[1] / total) : 0)
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
            Label { text: qsTr("Live state from"); color: palette.placeholderText }
            ComboBox {
                objectName: "upstreamLiveSource"
                Layout.preferredWidth: 300
                model: [qsTr("this console's engine"), qsTr("%1 (admin API)").arg(view.session.remote.address)]
                currentIndex: upstreams.fromRemote ? 1 : 0
                onActivated: index => upstreams.fromRemote = index === 1
            }
        }
        Label {
            objectName: "upstreamLiveProblem"
            Layout.fillWidth: true
            visible: text !== ""
            text: upstreams.liveProblem
            color: "#dc2626"
            wrapMode: Text.Wrap
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

                // A positioner, not a layout: its widths come from the list's, which a layout's implicit
                // width would feed back into.
                Row {
                    Layout.fillWidth: true
                    spacing: view.tableSpacing
                    Repeater {
                        model: view.columns
                        Label {
                            required property var modelData
                            required property int index
                            text: modelData[0]
                            visible: modelData[2]
                            width: view.columnWidths[index]
                            font.pixelSize: 12
                            color: palette.placeholderText
                            elide: Text.ElideRight
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
                        required property bool hasTotals
                        required property var requests
                        required property var failures
                        required property double latencyMs
                        required property string circuitState
                        required property double failureRate
                        required property var windowRequests
                        required property double rampShare
                        required property double predictedLoadMs
                        required property double weight
                        width: ListView.view.width
                        spacing: view.tableSpacing
                        // A value with a smaller second line under it.
                        component TwoLines: Column {
                            property alias text: first.text
                            property alias color: first.color
                            property alias bold: first.font.bold
                            property alias detail: second.text
                            Label { id: first; width: parent.width; elide: Text.ElideRight }
                            Label { id: second; width: parent.width; elide: Text.ElideRight; font.pixelSize: 10; opacity: 0.75 }
                        }
                        PathField {
                            Layout.preferredWidth: view.columnWidths[0]
                            document: view.doc
                            path: row.path + ".dial"
                        }
                        PathField {
                            Layout.preferredWidth: view.columnWidths[1]
                            document: view.doc
                            path: row.path + ".max_requests"
                            placeholder: "∞"
                        }
                        RowLayout {
                            Layout.preferredWidth: view.columnWidths[2]
                            spacing: 5
                            Rectangle {
                                width: 10; height: 10; radius: 5
                                color: !row.known ? "#9ca3af" : row.healthy ? "#22c55e" : "#dc2626"
                            }
                            Label { text: !row.known ? qsTr("not applied") : row.healthy ? qsTr("healthy") : qsTr("down"); elide: Text.ElideRight; Layout.fillWidth: true }
                        }
                        Label { Layout.preferredWidth: view.columnWidths[3]; text: row.inFlight }
                        Label { Layout.preferredWidth: view.columnWidths[4]; objectName: "requests:" + row.index; text: row.hasTotals ? row.requests : "—" }
                        Label { Layout.preferredWidth: view.columnWidths[5]; text: row.hasTotals ? row.failures : "—" }
                        Label { Layout.preferredWidth: view.columnWidths[6]; text: row.hasTotals ? row.latencyMs.toFixed(1) : "—" }
                        RowLayout {
                            objectName: "circuit:" + row.index
                            visible: view.columns[7][2]
                            Layout.preferredWidth: view.columnWidths[7]
                            spacing: 5
                            Rectangle {
                                width: 10; height: 10; radius: 5
                                Layout.alignment: Qt.AlignTop
                                Layout.topMargin: 4
                                visible: row.circuitState !== ""
                                color: CircuitStates.color(row.circuitState)
                            }
                            TwoLines {
                                objectName: "circuitState:" + row.index
                                Layout.fillWidth: true
                                bold: row.circuitState === "open"
                                color: row.circuitState === "" ? palette.placeholderText : CircuitStates.color(row.circuitState)
                                text: CircuitStates.label(row.circuitState)
                                      + (row.circuitState === "ramp_up" ? " " + Math.round(row.rampShare * 100) + " %" : "")
                                detail: row.circuitState === "" ? "" : qsTr("%1 % of %2").arg(Math.round(row.failureRate * 100)).arg(row.windowRequests)
                            }
                        }
                        TwoLines {
                            objectName: "weight:" + row.index
                            visible: view.columns[8][2]
                            Layout.preferredWidth: view.columnWidths[8]
                            text: row.weight < 0 ? "—" : Math.round(row.weight * 100) + " %"
                            // No history yet: the average weight of the others.
                            detail: row.weight < 0 ? "" : row.predictedLoadMs < 0 ? qsTr("no history") : qsTr("%1 ms").arg(row.predictedLoadMs.toFixed(1))
                        }
                        ToolButton {
                            text: "✕"
                            Layout.preferredWidth: view.columnWidths[9]
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
                Layout.preferredWidth: 320
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
                            // A new policy starts without the old one's options, which it would refuse.
                            onActivated: index => view.doc.setValue(view.lb + ".selection_policy", { policy: policies[index] })
                        }
                        AdaptivePolicyFields {
                            Layout.fillWidth: true
                            columns: 1
                            document: view.doc
                            handlerPath: view.handlerPath
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

                        Label { text: qsTr("Circuit breaker"); font.bold: true; Layout.topMargin: 8 }
                        CircuitBreakerFields {
                            Layout.fillWidth: true
                            columns: 1
                            document: view.doc
                            handlerPath: view.handlerPath
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
