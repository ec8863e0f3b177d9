import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import ProxFlow.Ui

// The current config as a Caddyfile (syntax-highlighted), import from and export to a file, copy.
// A failed import shows the file with the offending line marked.
Item {
    id: view
    required property ConsoleSession session
    property bool dark: false
    readonly property bool failedImport: session.importError !== ""

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8

        RowLayout {
            Label {
                text: qsTr("Caddyfile")
                font.pixelSize: 18
                font.bold: true
            }
            Item { Layout.fillWidth: true }
            Button { text: qsTr("Import…"); onClicked: importDialog.open() }
            Button { text: qsTr("Export…"); onClicked: exportDialog.open() }
            Button { text: qsTr("Copy"); onClicked: view.session.copyConfigText() }
        }

        Rectangle {
            Layout.fillWidth: true
            visible: view.failedImport
            implicitHeight: importLabel.implicitHeight + 16
            radius: 4
            color: "#33dc2626"
            border.color: "#dc2626"
            Label {
                id: importLabel
                objectName: "importError"
                anchors.fill: parent
                anchors.margins: 8
                wrapMode: Text.Wrap
                text: qsTr("Import failed at line %1: %2").arg(view.session.importErrorLine).arg(view.session.importError)
            }
        }

        ListView {
            id: importedLines
            visible: view.failedImport
            Layout.fillWidth: true
            Layout.preferredHeight: 220
            clip: true
            model: view.session.importedText.split("\n")
            Component.onCompleted: positionViewAtIndex(Math.max(0, view.session.importErrorLine - 3), ListView.Beginning)
            delegate: Rectangle {
                required property int index
                required property string modelData
                width: ListView.view.width
                height: 20
                color: index + 1 === view.session.importErrorLine ? "#55dc2626" : "transparent"
                Row {
                    spacing: 10
                    Label { width: 40; horizontalAlignment: Text.AlignRight; text: index + 1; font.family: "monospace"; color: palette.placeholderText }
                    Label { text: modelData; font.family: "monospace" }
                }
            }
        }

        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            TextArea {
                id: text
                objectName: "configText"
                readOnly: true
                selectByMouse: true
                font.family: "monospace"
                font.pixelSize: 13
                text: view.session.configText
                background: Rectangle { color: palette.base; border.color: palette.mid; radius: 4 }
            }
        }
    }

    CaddyfileHighlighter {
        document: text.textDocument
        dark: view.dark
    }

    FileDialog {
        id: importDialog
        title: qsTr("Import a Caddyfile or JSON config")
        onAccepted: view.session.importFile(selectedFile)
    }
    FileDialog {
        id: exportDialog
        title: qsTr("Export the config")
        fileMode: FileDialog.SaveFile
        onAccepted: view.session.exportFile(selectedFile)
    }
}
