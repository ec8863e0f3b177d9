import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// Every applied or pulled config; pick two to diff, roll back to any of them.
Item {
    id: view
    required property ConsoleSession session
    property bool dark: false
    property int newer: 0
    property int older: 1
    readonly property var lines: (session.history.count, view.session.history.diff(older, newer))

    RowLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 12

        ColumnLayout {
            Layout.preferredWidth: 420
            Layout.maximumWidth: 420
            Layout.fillHeight: true
            Label { text: qsTr("History"); font.pixelSize: 18; font.bold: true }
            Label {
                text: qsTr("Click a snapshot to see what it changed; “Compare” picks the other side of the diff.")
                color: palette.placeholderText
                wrapMode: Text.Wrap
                Layout.fillWidth: true
                font.pixelSize: 12
            }
            ListView {
                id: list
                objectName: "historyList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                spacing: 2
                model: view.session.history
                delegate: ItemDelegate {
                    id: entry
                    required property int index
                    required property string time
                    required property string note
                    required property string summary
                    width: ListView.view.width
                    height: 52
                    highlighted: index === view.newer || index === view.older
                    onClicked: {
                        view.newer = index
                        view.older = index + 1
                    }
                    contentItem: RowLayout {
                        ColumnLayout {
                            Layout.fillWidth: true
                            spacing: 2
                            Label {
                                text: entry.note
                                font.bold: true
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                                color: entry.highlighted ? palette.highlightedText : palette.windowText
                            }
                            Label {
                                text: entry.time + " · " + entry.summary + (entry.index === view.newer ? qsTr(" · newer") : entry.index === view.older ? qsTr(" · older") : "")
                                font.pixelSize: 12
                                color: entry.highlighted ? palette.highlightedText : palette.placeholderText
                            }
                        }
                        Button {
                            text: qsTr("Compare")
                            visible: entry.index !== view.newer
                            onClicked: view.older = entry.index
                        }
                        Button {
                            text: qsTr("Roll back")
                            onClicked: view.session.rollback(entry.index)
                        }
                    }
                }
                Label {
                    anchors.centerIn: parent
                    visible: list.count === 0
                    text: qsTr("Nothing applied yet")
                    color: palette.placeholderText
                }
            }
        }

        Frame {
            Layout.fillWidth: true
            Layout.fillHeight: true
            ColumnLayout {
                anchors.fill: parent
                Label {
                    text: view.older < view.session.history.count
                          ? qsTr("Changes from %1 to %2").arg(view.session.history.value(view.older, "time")).arg(view.session.history.value(view.newer, "time"))
                          : qsTr("First snapshot")
                    font.bold: true
                }
                ListView {
                    objectName: "diffLines"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: view.lines
                    delegate: Rectangle {
                        required property var modelData
                        width: ListView.view.width
                        height: 18
                        color: modelData.kind === "+" ? (view.dark ? "#1f4d2c" : "#dcfce7")
                             : modelData.kind === "-" ? (view.dark ? "#5b2121" : "#fee2e2") : "transparent"
                        Label {
                            text: modelData.kind === "@" ? modelData.text : modelData.kind + " " + modelData.text
                            color: modelData.kind === "@" ? palette.placeholderText : palette.windowText
                            font.family: "monospace"
                            font.pixelSize: 12
                        }
                    }
                }
            }
        }
    }
}
