import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The left navigation: one entry per view.
Rectangle {
    id: nav
    property string currentView: "sites"
    signal viewChosen(string view)

    color: palette.alternateBase

    ListView {
        id: list
        anchors.fill: parent
        anchors.topMargin: 8
        interactive: false
        model: [
            { view: "sites", label: qsTr("Sites & routes"), glyph: "◉" },
            { view: "upstreams", label: qsTr("Upstreams"), glyph: "⇶" },
            { view: "policies", label: qsTr("Policies"), glyph: "◆" },
            { view: "dashboard", label: qsTr("Dashboard"), glyph: "▤" },
            { view: "traffic", label: qsTr("Test traffic"), glyph: "➚" },
            { view: "caddyfile", label: qsTr("Caddyfile"), glyph: "≡" },
            { view: "history", label: qsTr("History"), glyph: "⟲" },
            { view: "servers", label: qsTr("Servers"), glyph: "⌂" }
        ]
        delegate: ItemDelegate {
            required property var modelData
            objectName: "nav_" + modelData.view
            width: ListView.view.width
            height: 40
            highlighted: nav.currentView === modelData.view
            background: Rectangle { color: parent.highlighted ? palette.highlight : parent.hovered ? palette.midlight : "transparent" }
            contentItem: RowLayout {
                spacing: 10
                Label {
                    text: modelData.glyph
                    Layout.preferredWidth: 18
                    horizontalAlignment: Text.AlignHCenter
                    color: parent.parent.highlighted ? palette.highlightedText : palette.highlight
                }
                Label {
                    text: modelData.label
                    Layout.fillWidth: true
                    color: parent.parent.highlighted ? palette.highlightedText : palette.windowText
                }
            }
            onClicked: nav.viewChosen(modelData.view)
        }
    }

    Rectangle {
        anchors.right: parent.right
        width: 1
        height: parent.height
        color: palette.mid
    }
}
