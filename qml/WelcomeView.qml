import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import ProxFlow.Ui

// First start: nothing configured yet. Add a first site, open the example, or import a Caddyfile.
Item {
    id: view
    required property ConsoleSession session

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 80, 620)
        spacing: 16

        Label {
            text: qsTr("Welcome to ProxFlow")
            font.pixelSize: 28
            font.bold: true
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("ProxFlow is a reverse proxy that runs inside this console. A site listens on an address, " +
                       "matches hostnames and paths, and sends requests to your upstream servers. " +
                       "Start with your first site; you can change everything later.")
            color: palette.placeholderText
        }

        Frame {
            Layout.fillWidth: true
            ColumnLayout {
                anchors.fill: parent
                spacing: 10
                Label { text: qsTr("Add your first site"); font.bold: true; font.pixelSize: 16 }
                RowLayout {
                    spacing: 10
                    ColumnLayout {
                        Label { text: qsTr("Listen on"); font.pixelSize: 12; color: palette.placeholderText }
                        TextField {
                            id: listen
                            objectName: "welcomeListen"
                            text: ":" + view.session.freePort()
                            Layout.preferredWidth: 140
                        }
                    }
                    ColumnLayout {
                        Layout.fillWidth: true
                        Label { text: qsTr("Hostname (optional)"); font.pixelSize: 12; color: palette.placeholderText }
                        TextField {
                            id: host
                            objectName: "welcomeHost"
                            placeholderText: "example.com"
                            Layout.fillWidth: true
                        }
                    }
                }
                Button {
                    objectName: "addFirstSite"
                    text: qsTr("Add site")
                    highlighted: true
                    onClicked: view.session.document.addSite(listen.text, host.text)
                }
            }
        }

        RowLayout {
            spacing: 10
            Button {
                objectName: "openExample"
                text: qsTr("Open the example project")
                onClicked: view.session.openExample()
            }
            Button {
                text: qsTr("Import a Caddyfile or JSON…")
                onClicked: importDialog.open()
            }
        }
    }

    FileDialog {
        id: importDialog
        title: qsTr("Import a Caddyfile or JSON config")
        onAccepted: view.session.importFile(selectedFile)
    }
}
