import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// Every rate-limit policy of the open config with its zone's live rates, from the embedded engine
// or a remote server's admin API (GET /rate_limit/zones); the chosen one's editor below.
Item {
    id: view
    required property ConsoleSession session
    readonly property ConfigDocument doc: session.document
    readonly property PolicyListModel policies: session.policies
    property string chosenPath // picked in the list
    // The chosen policy while it exists, else the first (after an undo or a removal).
    readonly property string selectedPath: doc.revision >= 0 && policies.count > 0
                                           ? (policies.rowOf(chosenPath) >= 0 ? chosenPath : policies.get(0).path) : ""
    readonly property int selectedRow: doc.revision >= 0 && policies.count >= 0 ? policies.rowOf(selectedPath) : -1
    readonly property var columns: [[qsTr("Site"), 0.9], [qsTr("Route"), 1.5], [qsTr("Zone"), 1.2], [qsTr("Algorithm"), 1.2],
                                    [qsTr("Rate"), 0.8], [qsTr("Key"), 1.2], [qsTr("Past limit"), 0.8],
                                    [qsTr("Allowed/s"), 0.8], [qsTr("Delayed/s"), 0.8], [qsTr("Rejected/s"), 0.8], [qsTr("Keys"), 0.6]]

    // A cell of the policy table; its width share is its column's (columns).
    component Cell: Label {
        property real share: 1
        Layout.fillWidth: true
        Layout.preferredWidth: share * 100
        elide: Text.ElideRight
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8

        ErrorBanner { document: view.doc; Layout.fillWidth: true }

        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Label { text: qsTr("Rate-limit policies"); font.pixelSize: 18; font.bold: true }
            Label {
                objectName: "policyTotals"
                Layout.leftMargin: 12
                text: qsTr("%1 allowed/s · %2 rejected/s").arg(view.policies.allowedPerSecond.toFixed(1)).arg(view.policies.rejectedPerSecond.toFixed(1))
                color: palette.placeholderText
            }
            Item { Layout.fillWidth: true }
            Label { text: qsTr("Live rates from"); color: palette.placeholderText }
            ComboBox {
                objectName: "liveSource"
                Layout.preferredWidth: 300
                model: [qsTr("this console's engine"), qsTr("%1 (admin API)").arg(view.session.remote.address)]
                currentIndex: view.policies.fromRemote ? 1 : 0
                onActivated: index => view.policies.fromRemote = index === 1
            }
        }
        Label {
            objectName: "liveProblem"
            Layout.fillWidth: true
            visible: text !== ""
            text: view.policies.liveProblem
            color: "#dc2626"
            wrapMode: Text.Wrap
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 8
            Layout.rightMargin: 8
            spacing: 8
            visible: view.policies.count > 0
            Repeater {
                model: view.columns
                Label {
                    required property var modelData
                    required property int index
                    text: modelData[0]
                    font.pixelSize: 12
                    color: palette.placeholderText
                    horizontalAlignment: index >= 7 ? Text.AlignRight : Text.AlignLeft
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                    Layout.preferredWidth: modelData[1] * 100
                }
            }
        }

        ListView {
            id: list
            objectName: "policyList"
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(count, 6) * 40
            visible: count > 0
            clip: true
            model: view.policies
            delegate: ItemDelegate {
                id: row
                required property int index
                required property string path
                required property string site
                required property string route
                required property string zone
                required property bool zoneNamed
                required property string algorithm
                required property string rate
                required property string key
                required property string reject
                required property bool valid
                required property bool live
                required property double allowedPerSecond
                required property double delayedPerSecond
                required property double rejectedPerSecond
                required property var keys
                objectName: "policy:" + zone
                width: ListView.view.width
                height: 40
                highlighted: path === view.selectedPath
                onClicked: view.chosenPath = path
                readonly property color ink: highlighted ? palette.highlightedText : palette.windowText
                readonly property color quiet: highlighted ? palette.highlightedText : palette.placeholderText
                contentItem: RowLayout {
                    spacing: 8
                    Cell { share: view.columns[0][1]; color: row.ink; text: row.site; font.bold: true }
                    Cell { share: view.columns[1][1]; color: row.quiet; text: row.route }
                    Cell { share: view.columns[2][1]; color: row.ink; text: row.zone; font.italic: !row.zoneNamed }
                    Cell { share: view.columns[3][1]; color: row.ink; text: row.algorithm.replace(/_/g, " ") }
                    Cell { share: view.columns[4][1]; color: row.valid || row.highlighted ? row.ink : "#dc2626"; text: row.rate }
                    Cell { share: view.columns[5][1]; color: row.ink; text: row.key }
                    Cell { share: view.columns[6][1]; color: row.quiet; text: row.reject }
                    Cell {
                        share: view.columns[7][1]
                        objectName: "allowed:" + row.zone
                        horizontalAlignment: Text.AlignRight
                        color: row.ink
                        text: row.live ? row.allowedPerSecond.toFixed(1) : "–"
                    }
                    Cell {
                        share: view.columns[8][1]
                        horizontalAlignment: Text.AlignRight
                        color: row.ink
                        text: row.live ? row.delayedPerSecond.toFixed(1) : "–"
                    }
                    Cell {
                        share: view.columns[9][1]
                        objectName: "rejected:" + row.zone
                        horizontalAlignment: Text.AlignRight
                        text: row.live ? row.rejectedPerSecond.toFixed(1) : "–"
                        font.bold: row.live && row.rejectedPerSecond > 0
                        color: row.live && row.rejectedPerSecond > 0 && !row.highlighted ? "#dc2626" : row.ink
                    }
                    Cell {
                        share: view.columns[10][1]
                        horizontalAlignment: Text.AlignRight
                        color: row.quiet
                        text: row.live ? row.keys : "–"
                    }
                }
                ToolTip.visible: hovered && !live
                ToolTip.delay: 600
                ToolTip.text: qsTr("No live counts for zone “%1” yet: Apply the config, and let two reads pass.").arg(zone)
            }
        }

        Label {
            objectName: "noPolicies"
            visible: view.policies.count === 0
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("No rate limits in this config yet. In Sites & routes, pick a route and use “Attach rate limit…”, to the route or to every request of its site.")
            color: palette.placeholderText
        }

        Frame {
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: view.selectedRow >= 0
            ScrollView {
                anchors.fill: parent
                contentWidth: availableWidth
                clip: true
                ColumnLayout {
                    width: parent.width
                    spacing: 6
                    RowLayout {
                        Layout.fillWidth: true
                        Label {
                            objectName: "policyTitle"
                            text: view.selectedRow < 0 ? "" : qsTr("Zone “%1” · %2 %3")
                                      .arg(view.policies.value(view.selectedRow, "zone"))
                                      .arg(view.policies.value(view.selectedRow, "site"))
                                      .arg(view.policies.value(view.selectedRow, "route"))
                            font.bold: true
                            font.pixelSize: 15
                            elide: Text.ElideRight
                            Layout.fillWidth: true
                        }
                        Button {
                            text: qsTr("Open its site")
                            flat: true
                            onClicked: {
                                view.session.ui.currentSite = view.policies.value(view.selectedRow, "site")
                                view.session.ui.currentView = "sites"
                            }
                        }
                    }
                    // The policy's editor, by its handler's name, as the route editor loads it.
                    Loader {
                        id: editorLoader
                        objectName: "policyEditor"
                        Layout.fillWidth: true
                        readonly property string handlerPath: view.selectedRow >= 0 ? view.selectedPath : ""
                        readonly property url editorUrl: handlerPath === "" ? "" : HandlerCatalogue.editorFor(view.doc.textAt(handlerPath + ".handler"))
                        onEditorUrlChanged: load()
                        Component.onCompleted: load()
                        function load() {
                            if (editorUrl.toString() === "") setSource("")
                            else setSource(editorUrl, { document: view.doc, handlerPath: handlerPath })
                        }
                        Binding { target: editorLoader.item; property: "handlerPath"; value: editorLoader.handlerPath; when: editorLoader.item !== null && editorLoader.handlerPath !== "" }
                    }
                }
            }
        }
        Item { Layout.fillHeight: true; visible: view.selectedRow < 0 }
    }
}
